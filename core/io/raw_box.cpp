#include "io/raw_box.h"

#include "io/classic_name.h"
#include "util/error.h"
#include "util/file_util.h"
#include "util/size_limits.h"

#include <bit>
#include <filesystem>

namespace rs {

static_assert(std::endian::native == std::endian::little, "raw boxes are read as native little-endian");

CubeEntry probeClassicBox(const std::string& path)
{
    const std::string name = std::filesystem::path(path).filename().string();
    const std::optional<ClassicName> parsed = parseClassicName(name);
    if (!parsed)
        throw FormatError(path, "not a classic 21cmFAST box name");
    if (!parsed->n || !parsed->boxMpc)
        throw FormatError(path, "classic 21cmFAST name lacks the '_<N>_<L>Mpc' tokens that give the box size");
    const std::size_t n = *parsed->n;
    const std::optional<std::uint64_t> declared = checkedProduct({n, n, n, sizeof(float)});
    if (!declared)
        throw FormatError(path,
            "classic 21cmFAST name declares N = " + std::to_string(n)
                + ", an impossible box size (N^3 float32 overflows 64 bits)");
    const std::uint64_t expected = *declared;
    const std::uint64_t found = regularFileSize(path);
    if (found == 0)
        throw FormatError(path,
            "file is empty, expected " + std::to_string(expected) + " bytes for a " + std::to_string(n)
                + "^3 float32 box");
    if (found != expected) {
        const std::string what = found < expected ? "file is truncated" : "file is longer than its name says";
        throw FormatError(path,
            what + ": expected " + std::to_string(expected) + " bytes (" + std::to_string(n)
                + "^3 float32 from the name) but found " + std::to_string(found));
    }
    CubeEntry e;
    e.path = path;
    e.format = FileFormat::Classic;
    e.quantity = parsed->quantity;
    e.redshift = parsed->redshift;
    e.parameters = parsed->parameters;
    e.parameters[param::dim] = std::int64_t(n);
    e.parameters[param::boxLen] = *parsed->boxMpc;
    e.shape = {n, n, n};
    e.box = {*parsed->boxMpc, *parsed->boxMpc, *parsed->boxMpc};
    return e;
}

Cube readClassicEntry(const CubeEntry& entry)
{
    Cube cube = Cube::uninitialized(entry.shape, entry.box, entry.metadata());
    readExactly(entry.path, 0, cube.mutableData(), cube.byteSize());
    return cube;
}

Cube readClassicBox(const std::string& path)
{
    return readClassicEntry(probeClassicBox(path));
}

void writeRawBox(const std::string& path, const Cube& cube)
{
    writeFileAtomically(path, cube.data(), cube.byteSize());
}

} // namespace rs
