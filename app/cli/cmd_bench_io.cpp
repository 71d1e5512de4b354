// `bench io`: how fast cubes load from the page cache, per format, against a bare read() of the
// same bytes measured in the same run, and how much memory a load needs beyond the voxels.
#include "cli_common.h"

#include "io/cube_loader.h"
#include "io/hdf5_guard.h"
#include "io/npy.h"
#include "io/raw_box.h"
#include "io/reionscope_h5.h"
#include "util/error.h"
#include "util/file_util.h"
#include "util/memory.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>
#include <sys/wait.h>
#include <unistd.h>

namespace rs::cli {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct BenchIoOptions {
    std::vector<int> sizes {200, 512};
    int repeats = 5;
    std::string dir;
    bool json = false;
};

/// A density-like test field: smooth large-scale waves plus small-scale noise, so compressed
/// HDF5 sees realistic entropy (pure noise or constants would flatter or punish deflate).
Cube testCube(std::size_t n)
{
    CubeMetadata meta;
    meta.quantity = Quantity::Density;
    meta.redshift = 8.0;
    Cube c = Cube::uninitialized({n, n, n}, {1.5 * double(n), 1.5 * double(n), 1.5 * double(n)}, meta);
    float* d = c.mutableData();
    std::mt19937 rng(42);
    std::normal_distribution<float> noise(0.f, 0.3f);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t k = 0; k < n; ++k)
                d[(i * n + j) * n + k] = 0.5f * std::sin(0.07f * float(i)) * std::cos(0.05f * float(j))
                    + 0.3f * std::sin(0.11f * float(k + i)) + noise(rng);
    return c;
}

/// Median seconds of `repeats` runs of f (after one warm-up run that fills the page cache).
template<typename F> double medianSeconds(int repeats, F&& f)
{
    f();
    std::vector<double> t;
    for (int r = 0; r < repeats; ++r) {
        const auto t0 = Clock::now();
        f();
        t.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

/// Peak resident memory of a load, as a multiple of the voxel bytes, measured in a fresh process
/// (`bench io-child PATH`, this same executable) so neither the parent's heap nor its pages blur
/// it. Returns NaN where /proc lacks support.
double peakMemoryRatio(const std::string& path, std::size_t voxelBytes)
{
    int pipefd[2];
    if (::pipe(pipefd) != 0)
        return std::nan("");
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(pipefd[1], STDOUT_FILENO);
        ::close(pipefd[0]);
        ::close(pipefd[1]);
        ::execl("/proc/self/exe", "reionscope-cli", "bench", "io-child", path.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(pipefd[1]);
    std::string out;
    char buf[256];
    ssize_t got;
    while ((got = ::read(pipefd[0], buf, sizeof buf)) > 0)
        out.append(buf, std::size_t(got));
    ::close(pipefd[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    double before = 0, peak = 0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || std::sscanf(out.c_str(), "%lf %lf", &before, &peak) != 2)
        return std::nan("");
    return (peak - before) / double(voxelBytes);
}

/// The child side: load once, print "rss-before peak-after" in bytes. Listing the file first
/// initialises the HDF5 library, a one-time cost of the process rather than of a load.
int runBenchIoChild(const std::string& path)
{
    try {
        (void)probeFile(path);
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
    const std::uint64_t before = currentRssBytes();
    if (!resetPeakRss())
        return 1;
    try {
        const Cube c = loadCube(path);
        std::printf("%lu %lu\n", static_cast<unsigned long>(before), static_cast<unsigned long>(peakRssBytes()));
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
    return 0;
}

/// HDF5 files are first opened by the reionscope-probe helper (io/hdf5_guard.h): the load time
/// of a file never seen before (helper included) and of one vetted by an earlier process (the
/// persistent cache: fingerprint, then the listing read from its record) against a load without
/// the helper. Later
/// loads in the same process skip both, so `seconds` above is the cached figure.
void addIsolationCost(nlohmann::json& r, const std::string& path, const fs::path& dir, int repeats, bool json)
{
    if (h5::probeHelperPath().empty())
        return;
    const std::string benchCache = (dir / "hdf5-vetted").string();
    std::error_code ec;
    fs::remove_all(benchCache, ec);
    auto seconds = [](Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); };
    // Interleaved, so a busy machine slows all alike; medians of each.
    std::vector<double> first, vetOnly, reopen, without;
    for (int i = 0; i <= repeats; ++i) {
        h5::setVetCacheFolder(""); // never seen: the helper reads it
        h5::clearVetCache();
        auto t0 = Clock::now();
        (void)loadCube(path);
        first.push_back(seconds(t0));
        h5::clearVetCache();
        t0 = Clock::now();
        h5::vetFile(path);
        vetOnly.push_back(seconds(t0));
        h5::setVetCacheFolder(benchCache); // vetted by an earlier process: fingerprint and record
        if (i == 0)
            h5::vetFile(path);
        h5::clearVetCache();
        t0 = Clock::now();
        (void)loadCube(path);
        reopen.push_back(seconds(t0));
        h5::setIsolation(false);
        t0 = Clock::now();
        (void)loadCube(path);
        without.push_back(seconds(t0));
        h5::setIsolation(true);
    }
    h5::setVetCacheFolder("");
    fs::remove_all(benchCache, ec);
    auto median = [](std::vector<double> v) {
        v.erase(v.begin()); // the first round warms the page cache and starts the helper
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    // The fastest round of each: on a busy machine the medians carry other processes' time.
    auto fastest = [](const std::vector<double>& v) { return *std::min_element(v.begin() + 1, v.end()); };
    const double cold = median(first), helper = median(vetOnly), warm = median(reopen), bare = median(without);
    r["seconds_first_open_with_helper"] = cold;
    r["seconds_helper_check"] = helper;
    r["seconds_reopen_vetted_before"] = warm;
    r["seconds_without_helper"] = bare;
    r["helper_cost"] = cold / bare - 1;
    r["reopen_cost"] = warm / bare - 1;
    r["fastest"] = {{"seconds_first_open_with_helper", fastest(first)}, {"seconds_helper_check", fastest(vetOnly)},
        {"seconds_reopen_vetted_before", fastest(reopen)}, {"seconds_without_helper", fastest(without)},
        {"helper_cost", fastest(first) / fastest(without) - 1},
        {"reopen_cost", fastest(reopen) / fastest(without) - 1}};
    if (!json)
        std::printf("        without the helper %.1f ms; first open with the reionscope-probe helper %.1f ms (cost "
                    "%+.1f %%, the check alone %.2f ms); vetted by an earlier process %.1f ms (cost %+.1f %%)\n",
            bare * 1e3, cold * 1e3, 100 * (cold / bare - 1), helper * 1e3, warm * 1e3, 100 * (warm / bare - 1));
}

int runBenchIo(const BenchIoOptions& o)
{
    const fs::path dir = o.dir.empty()
        ? fs::temp_directory_path() / ("reionscope-bench-io-" + std::to_string(::getpid()))
        : fs::path(o.dir);
    fs::create_directories(dir);
    h5::setVetCacheFolder(""); // the bench's files are temporary: keep them out of the user's cache
    nlohmann::json results = nlohmann::json::array();
    try {
        for (int n : o.sizes) {
            const Cube cube = testCube(std::size_t(n));
            const std::size_t bytes = cube.byteSize();
            struct Case {
                std::string name;
                std::string path;
            };
            std::vector<Case> cases;
            const std::string nn = std::to_string(n);
            const std::string raw
                = (dir / ("updated_smoothed_deltax_z008.00_" + nn + "_" + std::to_string(int(1.5 * n)) + "Mpc"))
                      .string();
            writeRawBox(raw, cube);
            cases.push_back({"classic raw box", raw});
            const std::string npy = (dir / ("density_z8_" + nn + ".npy")).string();
            writeNpy(npy, cube.data(), {cube.shape()[0], cube.shape()[1], cube.shape()[2]});
            cases.push_back({"npy", npy});
            const std::string h5 = (dir / ("cube_" + nn + ".h5")).string();
            writeReionScopeH5(h5, {cube});
            cases.push_back({"reionscope hdf5 (shuffle+lzf, default)", h5});
            const std::string h5d = (dir / ("cube_" + nn + "_deflate.h5")).string();
            H5WriteOptions deflate;
            deflate.codec = H5WriteOptions::Codec::Deflate;
            writeReionScopeH5(h5d, {cube}, deflate);
            cases.push_back({"reionscope hdf5 (shuffle+deflate 1)", h5d});
            const std::string h5raw = (dir / ("cube_" + nn + "_uncompressed.h5")).string();
            H5WriteOptions plain;
            plain.codec = H5WriteOptions::Codec::None;
            writeReionScopeH5(h5raw, {cube}, plain);
            cases.push_back({"hdf5 uncompressed (as 21cmFAST writes)", h5raw});

            // Baseline: one pread() of the raw file's bytes into a buffer that is already mapped
            // and touched, i.e. the page-cache copy speed, the ceiling for any loader.
            auto reused = allocateVoxels(cube.voxelCount());
            std::fill_n(reused.get(), cube.voxelCount(), 0.0f);
            const double baseline = medianSeconds(o.repeats, [&] { readExactly(raw, 0, reused.get(), bytes); });
            for (const Case& c : cases) {
                const double t = medianSeconds(o.repeats, [&] { (void)loadCube(c.path); });
                const double mem = peakMemoryRatio(c.path, bytes);
                const double fileMiB = double(fs::file_size(c.path)) / double(1 << 20);
                nlohmann::json r = {{"n", n}, {"format", c.name}, {"voxel_mib", double(bytes) / double(1 << 20)},
                    {"file_mib", fileMiB}, {"seconds", t}, {"gb_per_s", double(bytes) / t / 1e9},
                    {"bare_read_gb_per_s", double(bytes) / baseline / 1e9}, {"vs_bare_read", baseline / t},
                    {"peak_memory_vs_voxels", number(mem)}};
                if (c.path.size() > 3 && c.path.compare(c.path.size() - 3, 3, ".h5") == 0)
                    addIsolationCost(r, c.path, dir, o.repeats, o.json);
                results.push_back(r);
                if (!o.json) {
                    char line[256];
                    std::snprintf(line, sizeof line,
                        "%4d^3  %-36s %7.1f MiB file  %6.2f GB/s  (bare read %5.2f GB/s, ratio %.2f)  peak mem %.2fx "
                        "voxels\n",
                        n, c.name.c_str(), fileMiB, double(bytes) / t / 1e9, double(bytes) / baseline / 1e9,
                        baseline / t, mem);
                    std::cout << line << std::flush;
                }
            }
            for (const Case& c : cases)
                fs::remove(c.path);
        }
    } catch (const Error& e) {
        printError(e.what());
        if (o.dir.empty())
            fs::remove_all(dir);
        return 1;
    }
    if (o.dir.empty())
        fs::remove_all(dir);
    if (o.json)
        std::cout << nlohmann::json {{"bench", "io"}, {"results", results}}.dump(2) << std::endl;
    return 0;
}

} // namespace

void addBenchIoCommand(CLI::App& app)
{
    CLI::App& bench = *subcommandOf(app, "bench", "Benchmarks (never part of the tests)");
    auto o = std::make_shared<BenchIoOptions>();
    CLI::App* cmd
        = bench.add_subcommand("io", "Cube load throughput from the page cache, per format, vs a bare read()");
    cmd->add_option("--sizes", o->sizes, "Cube sizes N (N^3 voxels)")->delimiter(',');
    cmd->add_option("--repeats", o->repeats, "Timed repetitions per case (median reported)")->check(CLI::Range(1, 100));
    cmd->add_option("--dir", o->dir, "Folder for the temporary files (default: the system temp folder)");
    cmd->add_flag("--json", o->json, "Print JSON");
    cmd->callback([o] { exitCode() = runBenchIo(*o); });

    auto childPath = std::make_shared<std::string>();
    CLI::App* child = bench.add_subcommand("io-child", "(internal) one load, for bench io's memory figure");
    child->group(""); // hidden from --help
    child->add_option("path", *childPath)->required();
    child->callback([childPath] { exitCode() = runBenchIoChild(*childPath); });
}

} // namespace rs::cli
