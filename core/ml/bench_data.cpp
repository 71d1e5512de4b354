// `bench data`: the same training run streamed out of core and held in memory, alternating, with
// samples/s and peak RSS (VmHWM, reset before each run through /proc/self/clear_refs) of each.
#include "ml/batch_stream.h"
#include "ml/bench.h"
#include "ml/dataset.h"
#include "ml/run_config.h"
#include "ml/trainer.h"
#include "util/error.h"

#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace rs::ml {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

/// A /proc/self/status figure in MiB (VmRSS, VmHWM); NaN where unreadable.
double statusMb(const std::string& key)
{
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.compare(0, key.size() + 1, key + ":") == 0) {
            std::istringstream v(line.substr(key.size() + 1));
            double kb = 0;
            v >> kb;
            return kb / 1024.0;
        }
    return std::numeric_limits<double>::quiet_NaN();
}

/// Starts a new peak-RSS window (Linux: "5" resets VmHWM to the current RSS).
void resetPeakRss()
{
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
}

/// Asks the kernel to forget the file's cached pages, so the next reads come from the disk.
void dropFromPageCache(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0)
        throw IoError(path, "cannot open to drop it from the page cache");
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
}

DataBenchRun timeRun(
    const DataBenchOptions& o, const std::string& ds, const std::string& runDir, bool streamed, const StopToken& outer)
{
    RunConfig c;
    c.model = modelFromName(o.model);
    c.task = defaultTask(c.model, Target::Z);
    c.target = c.model == ModelKind::Autoencoder ? Target::None : Target::Z;
    c.datasetPath = ds;
    c.batch = o.batch;
    c.epochs = 1;
    c.threads = o.threads;
    c.device = "cpu";
    c.historyEvery = 0;
    c.dataInMemory = streamed ? "off" : "on";
    c.dataMemoryMb = o.cacheMb;
    std::error_code ec;
    fs::remove_all(runDir, ec);
    if (o.cold)
        dropFromPageCache(ds);
    DataBenchRun run;
    run.streamed = streamed;
    run.rssBeforeMb = statusMb("VmRSS");
    resetPeakRss();
    StopToken stop; // after the timed batches: no validation or test pass
    Clock::time_point tWarm, tLast;
    train(
        runDir, c,
        [&](const TrainProgress& p) {
            if (p.kind != TrainProgress::Kind::Batch)
                return;
            if (p.batch == o.warmupBatches)
                tWarm = Clock::now();
            tLast = Clock::now();
            if (p.batch >= o.warmupBatches + o.timedBatches || outer.stopRequested())
                stop.requestStop();
        },
        stop);
    outer.throwIfStopped();
    run.peakRssMb = statusMb("VmHWM");
    run.samplesPerSecond = double(o.timedBatches * o.batch) / std::chrono::duration<double>(tLast - tWarm).count();
    fs::remove_all(runDir, ec);
    // Training keeps freed memory in the heap (configureAllocatorForTraining): hand it back, so
    // that the next run's peak is its own.
    ::malloc_trim(0);
    return run;
}

} // namespace

BenchScratch::BenchScratch(const std::string& workDir, const std::string& tag)
    : m_path(
        workDir.empty() ? (fs::temp_directory_path() / (tag + "-" + std::to_string(::getpid()))).string() : workDir)
    , m_remove(workDir.empty())
{
    fs::create_directories(m_path);
}

BenchScratch::~BenchScratch()
{
    std::error_code ec;
    if (m_remove)
        fs::remove_all(m_path, ec);
}

DataBenchResult benchData(const DataBenchOptions& o, const ProgressFn& progress, const StopToken& stop)
{
    if (o.rounds < 1 || o.timedBatches < 1 || o.batch < 1 || o.cacheMb < 1)
        throw ParameterError("bench data", "rounds, batches, batch and cache must be at least 1");
    const BenchScratch scratch(o.workDir, "reionscope-bench-data");
    const fs::path dir = scratch.path();
    DataBenchResult r;
    if (o.dataset.empty()) {
        if (o.size % 8 || o.size < 16)
            throw ParameterError("size", std::to_string(o.size) + " is not a multiple of 8 of at least 16");
        if (progress)
            progress(0.0, "writing a synthetic dataset of about " + std::to_string(o.datasetMb) + " MiB");
        // makeBenchDataset counts training slices (12 of its 16 cubes): three quarters of the file.
        const std::size_t slices = (o.datasetMb << 20) * 3 / 4 / (o.size * o.size * sizeof(float));
        r.dataset
            = makeBenchDataset(dir.string(), o.size, std::max(slices, (o.warmupBatches + o.timedBatches) * o.batch));
    } else {
        r.dataset = o.dataset;
    }
    {
        const auto ds = DatasetFile::open(r.dataset);
        r.trainSamples = ds->info().splitCounts[0];
        r.sampleBytes = sampleBytes(ds->info(), 1);
        r.splitMb = double(sampleBytes(ds->info(), r.trainSamples)) / double(1 << 20);
    }
    r.datasetMb = double(fs::file_size(r.dataset)) / double(1 << 20);
    r.cacheMb = double(o.cacheMb);
    if (progress)
        progress(0.0, "warm-up run");
    r.warmup = timeRun(o, r.dataset, (dir / "run").string(), true, stop);
    for (int round = 0; round < o.rounds; ++round)
        for (int k = 0; k < 2; ++k) {
            const bool streamed = (k == 0) == (round % 2 == 0); // S M, M S, S M, ...
            if (progress)
                progress(double(2 * round + k) / double(2 * o.rounds),
                    std::string(streamed ? "streamed" : "in memory") + ", round " + std::to_string(round + 1));
            r.runs.push_back(timeRun(o, r.dataset, (dir / "run").string(), streamed, stop));
        }
    double worstOverhead = 0, worstBefore = 0;
    for (const DataBenchRun& run : r.runs) {
        (run.streamed ? r.streamed : r.inMemory) += run.samplesPerSecond / double(o.rounds);
        double& peak = run.streamed ? r.streamedPeakRssMb : r.inMemoryPeakRssMb;
        peak = std::max(peak, run.peakRssMb);
        if (!run.streamed)
            worstOverhead = std::max(worstOverhead, run.peakRssMb - run.rssBeforeMb - r.splitMb);
        else
            worstBefore = std::max(worstBefore, run.rssBeforeMb);
    }
    r.trainingOverheadMb = worstOverhead;
    r.boundMb = worstBefore + r.cacheMb + r.trainingOverheadMb + 8.0;
    if (progress)
        progress(1.0, "done");
    return r;
}

} // namespace rs::ml
