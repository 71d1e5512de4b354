#include "sim/sim_writer.h"

#include "io/classic_name.h"
#include "io/raw_box.h"
#include "io/reionscope_h5.h"
#include "util/error.h"
#include "util/file_util.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <system_error>

namespace rs {

namespace fs = std::filesystem;

namespace {

std::string compact(double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

std::int64_t seedOf(const Parameters& p)
{
    return std::int64_t(numberOf(p, param::seed).value_or(0));
}

} // namespace

std::string simOutputFormatName(SimOutputFormat f)
{
    return f == SimOutputFormat::Classic ? "classic" : "h5";
}

SimOutputFormat simOutputFormatFromName(const std::string& name)
{
    std::string s;
    for (char c : name)
        s += char(std::tolower(static_cast<unsigned char>(c)));
    if (s == "h5" || s == "hdf5" || s == "reionscope")
        return SimOutputFormat::H5;
    if (s == "classic" || s == "raw")
        return SimOutputFormat::Classic;
    throw ParameterError("format", "'" + name + "' is not an output format; use h5 or classic");
}

std::string simulationFileName(const SimulatedRedshift& r)
{
    const Parameters& p = r.neutralFraction.metadata().parameters;
    char z[32];
    std::snprintf(z, sizeof z, "%06.2f", r.z);
    return "sim_zeta" + compact(numberOf(p, param::zeta).value_or(0)) + "_seed" + std::to_string(seedOf(p)) + "_z" + z
        + ".h5";
}

SimulationWriter::SimulationWriter(std::string dir, SimOutputFormat format, int deflateLevel)
    : m_dir(std::move(dir))
    , m_format(format)
    , m_deflate(deflateLevel)
{
    if (m_dir.empty())
        throw IoError("(empty)", "no output folder given");
    ensureFolder(m_dir);
}

std::string SimulationWriter::ensureFolder(const std::string& path)
{
    std::error_code ec;
    if (fs::exists(path, ec)) {
        if (!fs::is_directory(path, ec))
            throw IoError(path, "exists and is not a folder");
        removeStaleTemporaries(path); // what a killed earlier run was writing
        return path;
    }
    // Remember each level created, outermost first, so discard() can remove them.
    std::vector<fs::path> missing;
    for (fs::path p = fs::path(path); !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
        missing.push_back(p);
        if (p == p.parent_path())
            break;
    }
    fs::create_directories(path, ec);
    if (ec)
        throw IoError(path, "cannot create folder: " + ec.message());
    for (auto it = missing.rbegin(); it != missing.rend(); ++it)
        m_createdFolders.push_back(it->string());
    return path;
}

std::vector<std::string> SimulationWriter::write(const SimulatedRedshift& r)
{
    std::vector<std::string> paths;
    if (m_format == SimOutputFormat::H5) {
        const std::string path = (fs::path(m_dir) / simulationFileName(r)).string();
        H5WriteOptions options;
        options.deflateLevel = m_deflate;
        writeReionScopeH5(path, {r.density, r.neutralFraction, r.brightnessTemperature}, options);
        m_written.push_back(path);
        paths.push_back(path);
        return paths;
    }
    const std::string folder
        = ensureFolder((fs::path(m_dir) / ("seed" + std::to_string(seedOf(r.density.metadata().parameters)))).string());
    const std::size_t n = r.density.shape()[0];
    const double box = r.density.boxLength()[0];
    for (const Cube* c : {&r.density, &r.neutralFraction, &r.brightnessTemperature}) {
        Parameters p = c->metadata().parameters;
        if (auto m = numberOf(p, "m_min_at_z"))
            p[param::mMin] = *m; // classic names carry M_min itself
        const std::string path = (fs::path(folder) / classicFileName(c->quantity(), r.z, n, box, p)).string();
        if (c->quantity() == Quantity::Density
            && std::find(m_written.begin(), m_written.end(), path) != m_written.end())
            continue; // one density box per seed and z serves every ζ
        writeRawBox(path, *c);
        m_written.push_back(path);
        paths.push_back(path);
    }
    return paths;
}

void SimulationWriter::discard() noexcept
{
    std::error_code ec;
    for (auto it = m_written.rbegin(); it != m_written.rend(); ++it)
        fs::remove(*it, ec);
    m_written.clear();
    for (auto it = m_createdFolders.rbegin(); it != m_createdFolders.rend(); ++it)
        fs::remove(*it, ec); // removes only empty folders
    m_createdFolders.clear();
}

std::vector<std::string> simulateToFolder(const SimulationParams& params, const std::string& dir,
    SimOutputFormat format, const ProgressFn& progress, const StopToken& stop, SimulationTimings* timings,
    std::vector<SimulatedRedshift>* summaries)
{
    params.validate();
    SimulationWriter writer(dir, format);
    try {
        simulateEach(
            params,
            [&](SimulatedRedshift&& r) {
                stop.throwIfStopped();
                writer.write(r);
                if (summaries) {
                    SimulatedRedshift s;
                    s.z = r.z;
                    s.nf = r.nf;
                    s.meanTb = r.meanTb;
                    summaries->push_back(std::move(s));
                }
            },
            progress, stop, timings);
        stop.throwIfStopped();
    } catch (...) {
        writer.discard();
        throw;
    }
    return writer.written();
}

} // namespace rs
