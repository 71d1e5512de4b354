// reionscope-fuzz: a deterministic mutation fuzzer over every reader (classic boxes, .npy, HDF5)
// and the run-folder parsers (history.jsonl, config.json). Inputs are the seed corpus
// (fuzz_seeds.cpp) mutated by a fixed generator, so `--seed S` reproduces a run exactly.
//
// Each input must end in a result or an rs::Error: any other exception, a result with nothing
// in it (silent), a crash or a hang is a finding. Inputs run in forked workers that open files the
// way the application does (`--worker app`, the default): HDF5 metadata is read by the
// reionscope-probe helper, whose crashes and hangs become named errors, so a worker that dies
// died in what the application itself runs: a finding, unless the same input, opened alone in a
// fresh process, ends in a named error ("contained": earlier inputs had damaged the worker).
// `--worker bare` opens everything in the worker itself (the library's own crashes, then checked
// behind the helper as before; faster, but a crash there is not one the application can have).
// Findings are saved under --out for reproduction.
//
//   reionscope-fuzz --family all --seconds 3          (the CI smoke test)
//   reionscope-fuzz --family h5 --iterations 1000000 --out /tmp/fuzz   (until done)
//   reionscope-fuzz --family all --seconds 1800 --out build/fuzz-findings   (the `fuzz` target)
//   reionscope-fuzz --family history --iterations 1000000 --seconds 600 --scratch /dev/shm
//       (whichever comes first; history inputs fsync, cheap on a tmpfs)
#include "fuzz_mutate.h"
#include "fuzz_seeds.h"

#include "cube/cube_stats.h"
#include "io/cube_loader.h"
#include "io/hdf5_guard.h"
#include "ml/run_folder.h"
#include "util/error.h"
#include "util/size_limits.h"

#include <hdf5.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace rs;

namespace {

struct Options {
    std::vector<std::string> families {"classic", "npy", "h5", "history", "config"};
    std::uint64_t iterations = 0; ///< 0: until --seconds
    std::uint64_t first = 0; ///< index of the first input (--first: reproduce one input)
    double seconds = 3;
    bool secondsGiven = false; ///< with --iterations, --seconds caps the time too
    std::uint64_t seed = 1;
    std::string out;
    std::string scratch = "/tmp"; ///< where inputs are written (a tmpfs makes history's fsyncs cheap)
    double hangSeconds = 3; ///< one tiny input running longer: a hang (then checked behind the helper)
    bool bareWorker = false; ///< --worker bare: HDF5 parsed in the worker, not by the helper
};

struct Counts {
    std::uint64_t inputs = 0, ok = 0, refused = 0, failures = 0, crashes = 0, hangs = 0, contained = 0;
    double seconds = 0;
    double secondsOnDeaths = 0; ///< waiting out hangs, restarting workers, checking behind the helper
    double slowest = 0; ///< the longest an input that ended took (what --hang-seconds must exceed)
};

std::string g_scratch;

void writeFile(const std::string& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), std::streamsize(bytes.size()));
}

/// Input `i` of a family: a seed, mutated; classic names are mutated too (half the time).
fuzz::Seed inputAt(const std::vector<fuzz::Seed>& seeds, std::uint64_t seed, std::uint64_t i)
{
    fuzz::Rng rng(seed * 1000003ULL + i);
    fuzz::Seed s = seeds[rng.below(seeds.size())];
    if (s.name.find('.') == std::string::npos && rng.below(2)) {
        fuzz::mutate(s.name, rng);
        for (char& c : s.name)
            if (c == '/' || c == '\0')
                c = '_';
        if (s.name.empty() || s.name == "." || s.name == ".." || s.name.size() > 200)
            s.name = "x";
    } else {
        fuzz::mutate(s.bytes, rng);
    }
    return s;
}

/// Runs one input in this process. Returns true for a result, false for an rs::Error; throws
/// std::logic_error for a finding (another exception, or a silent empty result).
bool runInput(const std::string& family, const fuzz::Seed& in, const std::string& dir)
{
    try {
        if (family == "history" || family == "config") {
            const std::string runs = dir + "/runs", run = runs + "/r";
            fs::create_directories(run);
            writeFile(run + "/" + in.name, in.bytes);
            if (family == "config") {
                std::vector<ml::RunListError> errors;
                const auto list = ml::listRuns(runs, &errors);
                if (list.size() + errors.size() != 1)
                    throw std::logic_error("silent: a run folder neither listed nor reported");
                fs::remove(run + "/config.json");
                return !list.empty();
            }
            writeFile(run + "/config.json", fuzz::makeSeeds("config", dir).front().bytes);
            (void)ml::readHistory(run);
            ml::trimHistoryAfter(run, 1, 2);
            (void)ml::readHistory(run);
            return true;
        }
        const std::string path = dir + "/" + in.name;
        writeFile(path, in.bytes);
        struct Cleanup {
            std::string p;
            ~Cleanup() { std::remove(p.c_str()); }
        } cleanup {path};
        const std::vector<CubeEntry> entries = probeFile(path);
        if (entries.empty())
            throw std::logic_error("silent: probeFile returned no cube and no error");
        for (std::size_t k = 0; k < entries.size() && k < 3; ++k)
            (void)summarize(loadEntry(entries[k]));
        return true;
    } catch (const Error&) {
        return false;
    } catch (const std::logic_error&) {
        throw;
    } catch (const std::exception& e) {
        throw std::logic_error(std::string("escaped exception: ") + e.what());
    }
}

void saveFinding(
    const Options& o, const std::string& family, std::uint64_t i, const fuzz::Seed& in, const std::string& why)
{
    std::fprintf(stderr, "finding: %s input %llu (%s): %s\n", family.c_str(), (unsigned long long)i, in.name.c_str(),
        why.c_str());
    if (o.out.empty())
        return;
    fs::create_directories(o.out);
    writeFile(o.out + "/" + family + "-" + std::to_string(i) + ".bin", in.bytes);
    std::ofstream(o.out + "/" + family + "-" + std::to_string(i) + ".txt") << in.name << "\n" << why << "\n";
}

/// Forked worker: runs inputs from `first` until `last` or the deadline, writing "i N" on `fd`
/// before each and "o" (result), "r" (named error) or "f" (finding) after it.
[[noreturn]] void worker(const Options& o, const std::string& family, const std::vector<fuzz::Seed>& seeds,
    std::uint64_t first, std::uint64_t last, double deadline, int fd)
{
    // `--worker app`: the application's path, helper first (its timeout within the parent's, see
    // deathTimeout); `--worker bare`: the library parses everything here, the sacrificial process.
    h5::setIsolation(!o.bareWorker);
    h5::setVetTimeoutSeconds(o.hangSeconds);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__) // sanitizers reserve terabytes for their shadow
    rlimit as {rlim_t(2) << 30, rlim_t(2) << 30}; // as the helper: damaged sizes fail fast, not page in GiBs
    ::setrlimit(RLIMIT_AS, &as);
#endif
    const std::string dir = g_scratch + "/w" + std::to_string(::getpid());
    fs::create_directories(dir);
    const auto t0 = std::chrono::steady_clock::now();
    for (std::uint64_t i = first; i < last; ++i) {
        if (std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() > deadline)
            break;
        const std::string line = "i " + std::to_string(i) + "\n";
        (void)!::write(fd, line.data(), line.size());
        const fuzz::Seed in = inputAt(seeds, o.seed, i);
        const char* verdict = "f\n";
        try {
            verdict = runInput(family, in, dir) ? "o\n" : "r\n";
        } catch (const std::logic_error& e) {
            saveFinding(o, family, i, in, e.what());
        }
        (void)!::write(fd, verdict, 2);
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
    std::_Exit(0);
}

/// How long the parent waits for one input before it kills the worker as hung. An app worker may
/// spend --hang-seconds on a hanging helper, as much again on the one-file helper that confirms a
/// server's crash, then its own part.
double deathTimeout(const Options& o, const std::string& family)
{
    return family == "h5" && !o.bareWorker ? 3 * o.hangSeconds : o.hangSeconds;
}

/// After a worker died on input `i`: opens the input the way the application does, with the
/// reionscope-probe helper first, alone in a fresh child. Contained when that child ends with a
/// named error instead of dying (a bare worker's crash: the helper turned it into an error), or
/// with any end after a hang (slow, not stuck). An app worker's crash is never contained: it
/// happened in what the application runs itself, whatever the input does alone.
bool containedByHelper(const std::string& family, const std::vector<fuzz::Seed>& seeds, const Options& o,
    std::uint64_t i, bool hung, std::string& why)
{
    if (family != "h5") {
        why = "not an HDF5 input: our own code crashed";
        return false;
    }
    const pid_t pid = ::fork();
    if (pid == 0) {
        h5::setIsolation(true);
        h5::setVetTimeoutSeconds(o.hangSeconds); // as the worker: tiny inputs never need longer
        ::alarm(20); // a hang here (after the helper) ends as a signal
        h5::clearVetCache();
        const std::string dir = g_scratch + "/v" + std::to_string(::getpid());
        fs::create_directories(dir);
        int code = 1;
        try {
            code = runInput(family, inputAt(seeds, o.seed, i), dir) ? 1 : 0;
        } catch (...) {
            code = 3;
        }
        std::error_code ec;
        fs::remove_all(dir, ec);
        std::_Exit(code);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    const bool error = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (hung && WIFEXITED(status) && WEXITSTATUS(status) <= 1)
        return true; // slow (libhdf5 paging in a damaged huge size), not stuck: it ended
    if (error && o.bareWorker)
        return true;
    const std::string where = o.bareWorker ? "behind the helper" : "alone in a fresh process (helper first)";
    why = (o.bareWorker ? std::string() : "crash in the application's own path; ")
        + (WIFSIGNALED(status) ? where + " it crashed too (signal " + std::to_string(WTERMSIG(status)) + ")"
                               : where + " it gave "
                    + (error                           ? "a named error"
                            : WEXITSTATUS(status) == 1 ? "a result"
                                                       : "a finding"));
    return false;
}

Counts fuzzFamily(const Options& o, const std::string& family, double seconds)
{
    const std::vector<fuzz::Seed> seeds = fuzz::makeSeeds(family, g_scratch);
    Counts c;
    const auto t0 = std::chrono::steady_clock::now();
    const std::uint64_t last = o.iterations ? o.first + o.iterations : ~0ULL;
    std::uint64_t next = o.first;
    auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
    double reported = 0;
    auto progress = [&] { // a line a minute on stderr, so a long run stopped early still tells its counts
        if (elapsed() - reported < 60)
            return;
        reported = elapsed();
        std::fprintf(stderr, "progress: %s %llu inputs in %.0f s, %llu findings, %llu crashes, %llu hangs\n",
            family.c_str(), (unsigned long long)c.inputs, reported, (unsigned long long)c.failures,
            (unsigned long long)c.crashes, (unsigned long long)c.hangs);
    };
    if (o.iterations && !o.secondsGiven)
        seconds = 1e18;
    while (next < last && elapsed() < seconds) {
        int fds[2];
        if (::pipe(fds) != 0)
            throw IoError("pipe", "cannot create");
        const pid_t pid = ::fork();
        if (pid == 0) {
            ::close(fds[0]);
            worker(o, family, seeds, next, last, seconds - elapsed(), fds[1]);
        }
        ::close(fds[1]);
        std::string buf;
        std::uint64_t current = next;
        bool pending = false, hung = false;
        double inputStarted = elapsed();
        char chunk[4096];
        for (;;) {
            pollfd p {fds[0], POLLIN, 0};
            const int r = ::poll(&p, 1, int(deathTimeout(o, family) * 1000)); // this long on one tiny input: a hang
            if (r == 0) {
                hung = true;
                ::kill(pid, SIGKILL);
                break;
            }
            const ssize_t got = ::read(fds[0], chunk, sizeof chunk);
            if (got <= 0)
                break;
            buf.append(chunk, std::size_t(got));
            std::size_t nl;
            while ((nl = buf.find('\n')) != std::string::npos) {
                const std::string line = buf.substr(0, nl);
                buf.erase(0, nl + 1);
                unsigned long long a = 0;
                if (std::sscanf(line.c_str(), "i %llu", &a) == 1) {
                    current = a;
                    pending = true;
                    inputStarted = elapsed();
                } else if (!line.empty()) {
                    c.slowest = std::max(c.slowest, elapsed() - inputStarted);
                    ++c.inputs;
                    (line[0] == 'o' ? c.ok : line[0] == 'r' ? c.refused : c.failures)++;
                    pending = false;
                    next = current + 1;
                }
            }
            progress();
        }
        ::close(fds[0]);
        int status = 0;
        ::waitpid(pid, &status, 0);
        if (!pending)
            continue;
        // The worker died (or hung) on input `current`.
        ++c.inputs;
        const fuzz::Seed in = inputAt(seeds, o.seed, current);
        (hung ? c.hangs : c.crashes)++;
        std::string why;
        if (containedByHelper(family, seeds, o, current, hung, why)) {
            ++c.contained;
            std::fprintf(stderr, "contained: %s input %llu (%s)\n", family.c_str(), (unsigned long long)current,
                hung ? "hang" : ("crash, signal " + std::to_string(WTERMSIG(status))).c_str());
        } else {
            ++c.failures;
            saveFinding(o, family, current, in,
                (hung ? std::string("hang") : "crash, signal " + std::to_string(WTERMSIG(status))) + "; " + why);
        }
        c.secondsOnDeaths += elapsed() - inputStarted;
        next = current + 1;
    }
    c.seconds = elapsed();
    return c;
}

Options parse(int argc, char** argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--family") {
            const std::string f = value();
            if (f != "all")
                o.families = {f};
        } else if (a == "--iterations") {
            o.iterations = std::strtoull(value().c_str(), nullptr, 10);
        } else if (a == "--seconds") {
            o.seconds = std::strtod(value().c_str(), nullptr);
            o.secondsGiven = true;
        } else if (a == "--first") {
            o.first = std::strtoull(value().c_str(), nullptr, 10);
        } else if (a == "--seed") {
            o.seed = std::strtoull(value().c_str(), nullptr, 10);
        } else if (a == "--out") {
            o.out = value();
        } else if (a == "--scratch") {
            o.scratch = value();
        } else if (a == "--hang-seconds") {
            o.hangSeconds = std::max(0.05, std::strtod(value().c_str(), nullptr));
        } else if (a == "--worker") {
            const std::string w = value();
            if (w != "app" && w != "bare") {
                std::fprintf(stderr, "--worker: '%s' is not one of app, bare\n", w.c_str());
                std::exit(2);
            }
            o.bareWorker = w == "bare";
        } else {
            std::fprintf(stderr,
                "usage: reionscope-fuzz [--family all|classic|npy|h5|history|config] "
                "[--iterations N | --seconds S] [--first I] [--seed K] [--out DIR] [--scratch DIR] [--hang-seconds "
                "S] [--worker app|bare]\n");
            std::exit(2);
        }
    }
    return o;
}

} // namespace

int main(int argc, char** argv)
{
    H5dont_atexit();
    const Options o = parse(argc, argv);
    if (!o.bareWorker && h5::probeHelperPath().empty()
        && std::find(o.families.begin(), o.families.end(), "h5") != o.families.end()) {
        std::fprintf(stderr,
            "error: --worker app opens HDF5 inputs through the reionscope-probe helper, which was not "
            "found: set REIONSCOPE_PROBE (or use --worker bare)\n");
        return 2;
    }
    h5::setVetCacheFolder(""); // inputs are throwaway files: keep them out of the user's cache
    setMemoryBudgetBytes(std::uint64_t(16) << 20); // large declared cubes are refused, not read (keeps inputs fast)
    std::string tmpl = o.scratch + "/reionscope-fuzz-XXXXXX";
    if (!::mkdtemp(tmpl.data())) {
        std::fprintf(stderr, "error: %s: cannot create a scratch folder there\n", o.scratch.c_str());
        return 2;
    }
    g_scratch = tmpl;
    nlohmann::json results = nlohmann::json::array();
    bool clean = true;
    for (const std::string& family : o.families) {
        Counts c;
        try {
            c = fuzzFamily(o, family, o.seconds / double(o.families.size()));
        } catch (const Error& e) {
            std::fprintf(stderr, "error: %s\n", e.what());
            return 2;
        }
        clean = clean && c.failures == 0;
        results.push_back({{"family", family}, {"inputs", c.inputs}, {"seconds", c.seconds},
            {"inputs_per_s", c.seconds > 0 ? double(c.inputs) / c.seconds : 0.0}, {"results", c.ok},
            {"named_errors", c.refused}, {"findings", c.failures}, {"library_crashes", c.crashes},
            {"library_hangs", c.hangs}, {"contained_by_helper", c.contained},
            {"seconds_on_crashes_and_hangs", c.secondsOnDeaths}, {"slowest_input_seconds", c.slowest}});
    }
    std::error_code ec;
    fs::remove_all(g_scratch, ec);
    std::cout << nlohmann::json {{"seed", o.seed}, {"families", results}}.dump(2) << std::endl;
    return clean ? 0 : 1;
}
