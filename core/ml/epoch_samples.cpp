#include "ml/epoch_samples.h"

#include "io/npy.h"
#include "util/error.h"
#include "util/file_util.h"
#include "util/size_limits.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace rs::ml {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kFormat = "reionscope-epoch-samples";

std::string indexPath(const std::string& runDir)
{
    return (fs::path(epochSamplesFolder(runDir)) / "index.json").string();
}

std::string inputsPath(const std::string& runDir)
{
    return (fs::path(epochSamplesFolder(runDir)) / "inputs.npy").string();
}

/// A float32 .npy of exactly `shape`. Throws FormatError otherwise.
std::vector<float> readFloats(const std::string& path, const std::vector<std::size_t>& shape)
{
    const NpyHeader h = readNpyHeader(path);
    if (h.kind != 'f' || h.itemSize != 4 || h.bigEndian || h.fortranOrder || h.shape != shape) {
        std::string want;
        for (std::size_t s : shape)
            want += (want.empty() ? "" : ", ") + std::to_string(s);
        throw FormatError(path, "expected a little-endian float32 C-order array of shape (" + want + ")");
    }
    std::uint64_t count = 1;
    for (std::size_t d : shape) {
        const std::optional<std::uint64_t> m = checkedMul(count, d);
        if (!m)
            throw FormatError(path, "declares an impossible size");
        count = *m;
    }
    std::vector<float> out(checkedArrayBytes(path, "the samples array", {count}, sizeof(float)) / sizeof(float));
    readExactly(path, h.dataOffset, out.data(), out.size() * sizeof(float));
    return out;
}

void makeFolder(const std::string& runDir)
{
    std::error_code ec;
    fs::create_directories(epochSamplesFolder(runDir), ec);
    if (ec)
        throw IoError(epochSamplesFolder(runDir), "cannot create the samples folder: " + ec.message());
}

std::vector<std::size_t> epochShape(const EpochSamplesIndex& x)
{
    const std::size_t n = x.indices.size();
    if (x.kind == "images")
        return {n, x.channels.size(), x.rows, x.cols};
    return {n, x.kind == "probabilities" ? x.classes.size() : std::size_t(1)};
}

} // namespace

std::string epochSamplesFolder(const std::string& runDir)
{
    return (fs::path(runDir) / "samples").string();
}

std::string epochSamplesPath(const std::string& runDir, int epoch)
{
    return (fs::path(epochSamplesFolder(runDir)) / ("epoch-" + std::to_string(epoch) + ".npy")).string();
}

void writeEpochSamplesIndex(const std::string& runDir, const EpochSamplesIndex& x)
{
    makeFolder(runDir);
    writeNpy(inputsPath(runDir), x.inputs.data(), {x.indices.size(), x.rows, x.cols});
    const json j = {{"format", kFormat}, {"kind", x.kind}, {"indices", x.indices}, {"rows", x.rows}, {"cols", x.cols},
        {"channels", x.channels}, {"classes", x.classes}, {"truth", x.truth}};
    const std::string text = j.dump(2) + "\n";
    writeFileAtomically(indexPath(runDir), text.data(), text.size());
}

void writeEpochSamples(
    const std::string& runDir, int epoch, const std::vector<float>& values, const std::vector<std::size_t>& shape)
{
    makeFolder(runDir);
    writeNpy(epochSamplesPath(runDir, epoch), values.data(), shape);
}

EpochSamplesIndex readEpochSamplesIndex(const std::string& runDir)
{
    EpochSamplesIndex x;
    const std::string path = indexPath(runDir);
    std::error_code ec;
    if (!fs::exists(path, ec))
        return x;
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    if (!in)
        throw IoError(path, "cannot read");
    try {
        const json j = json::parse(ss.str());
        if (j.value("format", std::string()) != kFormat)
            throw FormatError(path, "not a ReionScope samples index (no \"format\": \"reionscope-epoch-samples\")");
        x.kind = j.at("kind").get<std::string>();
        x.indices = j.at("indices").get<std::vector<std::int64_t>>();
        x.rows = j.at("rows").get<std::size_t>();
        x.cols = j.at("cols").get<std::size_t>();
        x.channels = j.value("channels", std::vector<std::string>());
        x.classes = j.value("classes", std::vector<double>());
        x.truth = j.value("truth", std::vector<double>());
    } catch (const json::exception& e) {
        throw FormatError(path, std::string("damaged samples index: ") + e.what());
    }
    if ((x.kind != "images" && x.kind != "probabilities" && x.kind != "values") || x.indices.empty()
        || (x.kind == "images" && x.channels.empty()) || (x.kind == "probabilities" && x.classes.empty())
        || (x.kind != "images" && x.truth.size() != x.indices.size()))
        throw FormatError(path, "damaged samples index: kind '" + x.kind + "' with inconsistent sizes");
    x.inputs = readFloats(inputsPath(runDir), {x.indices.size(), x.rows, x.cols});
    for (const fs::directory_entry& e : fs::directory_iterator(epochSamplesFolder(runDir), ec)) {
        const std::string name = e.path().filename().string();
        if (name.rfind("epoch-", 0) == 0 && e.path().extension() == ".npy") {
            try {
                x.epochs.push_back(std::stoi(name.substr(6)));
            } catch (const std::exception&) { } // not one of ours
        }
    }
    std::sort(x.epochs.begin(), x.epochs.end());
    return x;
}

std::vector<float> readEpochSamples(const std::string& runDir, const EpochSamplesIndex& index, int epoch)
{
    return readFloats(epochSamplesPath(runDir, epoch), epochShape(index));
}

} // namespace rs::ml
