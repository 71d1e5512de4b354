// The reionscope-probe helper's side of io/hdf5_guard.h: what runs in the helper process, where
// libhdf5 reads untrusted files (and may crash or hang doing so) instead of in the application.
#include "io/cube_loader.h"
#include "io/entry_codec.h"
#include "io/h5_chunk_reader.h"
#include "io/hdf5_guard.h"
#include "io/hdf5_util.h"
#include "util/error.h"

#include <hdf5.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <poll.h>
#include <string>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace rs::h5 {

namespace {

/// Walks a dataset's chunk index (the B-tree a damaged file may corrupt) without reading data,
/// and notes where plain float32 voxels or compressed slab chunks lie (the asking process then
/// reads them without HDF5).
void walkData(hid_t file, const std::string& dataset, const std::string& path, detail::Listing& listing)
{
    Id ds(H5Dopen2(file, dataset.c_str(), H5P_DEFAULT));
    if (!ds.valid())
        return;
    if (std::optional<std::vector<PlainPiece>> pieces = plainPieces(ds.get(), path)) {
        listing.plain[dataset] = std::move(*pieces); // (its chunks, if any, were each looked up)
        return;
    }
    if (std::optional<PackedChunks> packed = packedChunks(ds.get(), path)) {
        listing.packed[dataset] = std::move(*packed); // (each chunk looked up by its coordinates)
        return;
    }
    (void)H5Dget_storage_size(ds.get());
    Id dcpl(H5Dget_create_plist(ds.get()));
    if (H5Pget_layout(dcpl.get()) != H5D_CHUNKED)
        return;
    Id space(H5Dget_space(ds.get()));
    hsize_t n = 0;
    if (H5Dget_num_chunks(ds.get(), space.get(), &n) < 0) // one pass over the whole index
        return;
    // Then each chunk the way the readers reach it, by its coordinates: a lookup from the root.
    // (By index, HDF5 1.10 walks the index from its start for every chunk: quadratic.)
    hsize_t dims[H5S_MAX_RANK], chunk[H5S_MAX_RANK], offset[H5S_MAX_RANK] = {};
    const int rank = H5Sget_simple_extent_dims(space.get(), dims, nullptr);
    if (rank <= 0 || H5Pget_chunk(dcpl.get(), rank, chunk) != rank)
        return;
    for (int a = 0; a < rank; ++a)
        if (chunk[a] == 0 || dims[a] == 0)
            return;
    for (hsize_t visited = 0; visited < (hsize_t(1) << 24); ++visited) {
        unsigned mask = 0;
        haddr_t addr = 0;
        hsize_t size = 0;
        if (H5Dget_chunk_info_by_coord(ds.get(), offset, &mask, &addr, &size) < 0)
            return;
        int a = rank - 1; // the next chunk, last axis fastest
        for (; a >= 0; --a) {
            offset[a] += chunk[a];
            if (offset[a] < dims[a])
                break;
            offset[a] = 0;
        }
        if (a < 0)
            return;
    }
}

/// No core dumps, 2 GiB of address space and (for one-file runs) 60 s of CPU.
void limitSelf(bool cpuLimit)
{
    rlimit core {0, 0};
    ::setrlimit(RLIMIT_CORE, &core); // a crash here is expected now and then: no core dumps
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__) // sanitizers reserve terabytes for their shadow
    rlimit as {};
    const rlim_t want = rlim_t(2) << 30; // 2 GiB: metadata never needs more
    if (::getrlimit(RLIMIT_AS, &as) == 0 && (as.rlim_cur == RLIM_INFINITY || as.rlim_cur > want)) {
        as.rlim_cur = want;
        ::setrlimit(RLIMIT_AS, &as);
    }
#endif
    if (cpuLimit) { // the server lives long: its caller's timeout catches a hang instead
        rlimit cpu {60, 61};
        ::setrlimit(RLIMIT_CPU, &cpu);
    }
}

/// The kind of error a reader threw, for the answer line: the asking process throws the same.
const char* errorKind(const std::exception& e)
{
    if (dynamic_cast<const IoError*>(&e))
        return "io";
    if (dynamic_cast<const UnrecognisedFormatError*>(&e))
        return "unrecognised";
    return "format";
}

/// Probes one file; returns the answer ("ok <cubes> <bytes>" and the encoded entries, or
/// "error <kind> <problem>", each line ended by a newline) and the exit status.
int probeOne(const std::string& path, std::string& answer)
{
    try {
        detail::Listing listing;
        listing.entries = probeFile(path);
        if (hasHdf5Signature(path)) {
            Id file = openFile(path);
            for (const CubeEntry& e : listing.entries)
                if (!e.dataset.empty() && e.kind != FieldKind::HaloCatalog)
                    walkData(file.get(), e.dataset, path, listing);
        }
        const std::string bytes = detail::encodeListing(listing);
        answer = "ok " + std::to_string(listing.entries.size()) + " " + std::to_string(bytes.size()) + "\n" + bytes;
        return 0;
    } catch (const std::exception& e) {
        // The problem without the path (the asking process names the file its own way).
        std::string problem = e.what();
        if (const auto* fe = dynamic_cast<const FileError*>(&e); fe && problem.rfind(fe->path() + ": ", 0) == 0)
            problem.erase(0, fe->path().size() + 2);
        for (char& c : problem)
            if (c == '\n')
                c = ' ';
        answer = std::string("error ") + errorKind(e) + " " + problem + "\n";
        return 1;
    }
}

bool writeAll(int fd, const std::string& bytes)
{
    for (std::size_t done = 0; done < bytes.size();) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += std::size_t(n);
    }
    return true;
}

/// Exit status of a server generation that refused a file (its libhdf5 may be damaged now).
constexpr int kRefusedExit = 3;

/// One generation of the server: answers one path per line from stdin until end of input (exit 0)
/// or until it refuses a file (exit kRefusedExit: a fresh generation answers the next request).
/// Reads a byte at a time: a generation must not swallow the next request with its exit.
int serveGeneration()
{
    std::string path, answer;
    char c = 0;
    for (;;) {
        const ssize_t n = ::read(0, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0;
        if (c != '\n') {
            path.push_back(c);
            continue;
        }
        const int status = probeOne(path, answer);
        path.clear();
        if (!writeAll(1, answer))
            return 0;
        if (status != 0)
            return kRefusedExit;
    }
}

/// Waits for generation `pid` to end and sets its wait status. Returns false when the asking
/// process went away first (its end of stdin closed): the generation, perhaps hanging on a file
/// with nobody to time it out, is then killed.
bool waitGeneration(pid_t pid, int& status)
{
    const int pidfd = int(::syscall(SYS_pidfd_open, pid, 0));
    while (pidfd >= 0) {
        pollfd p[2] = {{pidfd, POLLIN, 0}, {0, POLLRDHUP, 0}};
        if (::poll(p, 2, -1) < 0 && errno != EINTR)
            break;
        if (p[0].revents)
            break; // ended
        if (p[1].revents & (POLLRDHUP | POLLHUP | POLLERR)) {
            ::kill(pid, SIGKILL);
            ::close(pidfd);
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
            return false;
        }
    }
    if (pidfd >= 0)
        ::close(pidfd);
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return false;
    return true;
}

/// `--serve`: this process never reads a file. It forks a generation that answers requests, and
/// a fresh one whenever a generation refused a file or died on one (then answering "crashed
/// <signal>" for it), so every file after a damaged one meets an undamaged libhdf5, for the cost
/// of a fork instead of a new helper process.
int serve()
{
    limitSelf(false);
    setIsolation(false);
    H5open(); // initialised once, inherited by every generation
    const pid_t self = ::getpid();
    for (;;) {
        const pid_t pid = ::fork();
        if (pid < 0) { // no fork: answer here, as a server without generations would
            if (serveGeneration() != kRefusedExit)
                return 0;
            continue;
        }
        if (pid == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL); // killed with the server (a caller's timeout)
            if (::getppid() != self)
                ::_exit(0);
            ::_exit(serveGeneration());
        }
        int status = 0;
        if (!waitGeneration(pid, status))
            return 0; // the asking process is gone: so is the generation
        if (WIFSIGNALED(status)) {
            if (!writeAll(1, "crashed " + std::to_string(WTERMSIG(status)) + "\n"))
                return 0;
        } else if (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != kRefusedExit) {
            // Died without a signal (a sanitizer's report, exit() inside a library): a crash all the
            // same, with no signal to name; the caller confirms with a one-file helper.
            if (!writeAll(1, "crashed 0\n"))
                return 0;
        } else if (WEXITSTATUS(status) == 0) {
            return 0; // end of input
        }
    }
}

} // namespace

int runProbeHelper(int argc, char** argv)
{
    if (argc == 2 && std::string(argv[1]) == "--serve")
        return serve();
    if (argc != 2) {
        std::fprintf(stderr,
            "usage: reionscope-probe FILE | --serve\n"
            "Opens one HDF5 (or other cube) file with memory and time limits and lists its "
            "cubes; used by ReionScope to read untrusted files safely.\n");
        return 2;
    }
    limitSelf(true);
    setIsolation(false); // this process is the isolation
    std::string answer;
    const int status = probeOne(argv[1], answer);
    std::fwrite(answer.data(), 1, answer.size(), stdout);
    return status;
}

} // namespace rs::h5
