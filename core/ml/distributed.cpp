// The torch-free half of distributed training: the launch environment and the local launcher.
// The collectives themselves are in detail/collective.cpp.
#include "ml/distributed.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

extern char** environ;

namespace rs::ml {

namespace {

std::optional<std::string> env(const char* name)
{
    const char* v = std::getenv(name);
    return v && *v ? std::optional<std::string>(v) : std::nullopt;
}

long envInt(const char* name, long lo, long hi)
{
    const std::string v = *env(name);
    char* end = nullptr;
    errno = 0;
    const long x = std::strtol(v.c_str(), &end, 10);
    if (errno || end == v.c_str() || *end || x < lo || x > hi)
        throw ParameterError(
            name, "'" + v + "' is not an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
    return x;
}

} // namespace

std::optional<DistributedSetup> distributedFromEnvironment()
{
    DistributedSetup s;
    // Rank, world size and local rank from one convention's three variables.
    auto ranks = [&s](const char* rank, const char* world, const char* local, const char* source) {
        s.worldSize = int(envInt(world, 1, 65536));
        s.rank = int(envInt(rank, 0, s.worldSize - 1));
        s.localRank = env(local) ? int(envInt(local, 0, 65535)) : 0;
        s.source = source;
        if (auto a = env("MASTER_ADDR"))
            s.masterAddr = *a;
    };
    if (env("RANK") || env("WORLD_SIZE")) {
        if (!env("RANK") || !env("WORLD_SIZE"))
            throw ParameterError(
                env("RANK") ? "WORLD_SIZE" : "RANK", "is not set (torchrun sets RANK and WORLD_SIZE together)");
        ranks("RANK", "WORLD_SIZE", "LOCAL_RANK", "torchrun");
        if (!env("MASTER_ADDR") && s.worldSize > 1)
            throw ParameterError("MASTER_ADDR", "is not set (the host of rank 0)");
    } else if (env("SLURM_PROCID") && env("SLURM_NTASKS")) {
        ranks("SLURM_PROCID", "SLURM_NTASKS", "SLURM_LOCALID", "slurm");
        if (!env("MASTER_ADDR") && env("SLURM_NNODES") && envInt("SLURM_NNODES", 1, 1 << 20) > 1)
            throw ParameterError("MASTER_ADDR",
                "is not set: a job over several nodes needs it, e.g. "
                "export MASTER_ADDR=$(scontrol show hostnames $SLURM_JOB_NODELIST | head -n1)");
    } else {
        return std::nullopt;
    }
    if (env("MASTER_PORT"))
        s.masterPort = int(envInt("MASTER_PORT", 1, 65535));
    if (env("REIONSCOPE_DIST_TIMEOUT"))
        s.timeoutSeconds = double(envInt("REIONSCOPE_DIST_TIMEOUT", 1, 86400));
    return s;
}

int freeLocalPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        throw IoError("127.0.0.1", std::string("cannot open a socket: ") + std::strerror(errno));
    sockaddr_in a {};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0
        || ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) < 0) {
        ::close(fd);
        throw IoError("127.0.0.1", std::string("cannot find a free port: ") + std::strerror(errno));
    }
    ::close(fd);
    return ntohs(a.sin_port);
}

namespace {

std::atomic<int> g_forwardSignal {0};
extern "C" void rememberSignal(int sig)
{
    g_forwardSignal.store(sig);
}

} // namespace

int launchLocalRanks(int nproc, const std::vector<std::string>& args, const std::string& stdoutPath)
{
    if (nproc < 1)
        throw ParameterError("nproc", "must be at least 1");
    const std::string port = std::to_string(freeLocalPort());
    std::vector<pid_t> pids;
    for (int r = 0; r < nproc; ++r) {
        std::vector<std::string> envs;
        for (char** e = environ; *e; ++e) {
            const std::string kv = *e;
            const std::string key = kv.substr(0, kv.find('='));
            if (key != "RANK" && key != "LOCAL_RANK" && key != "WORLD_SIZE" && key != "MASTER_ADDR"
                && key != "MASTER_PORT")
                envs.push_back(kv);
        }
        envs.push_back("RANK=" + std::to_string(r));
        envs.push_back("LOCAL_RANK=" + std::to_string(r));
        envs.push_back("WORLD_SIZE=" + std::to_string(nproc));
        envs.push_back("MASTER_ADDR=127.0.0.1");
        envs.push_back("MASTER_PORT=" + port);
        std::vector<char*> argv {const_cast<char*>("reionscope-cli")}, envp;
        for (const std::string& a : args)
            argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        for (std::string& e : envs)
            envp.push_back(e.data());
        envp.push_back(nullptr);
        const pid_t pid = ::fork();
        if (pid < 0) {
            for (pid_t p : pids)
                ::kill(p, SIGTERM);
            throw IoError(
                "/proc/self/exe", std::string("cannot start rank ") + std::to_string(r) + ": " + std::strerror(errno));
        }
        if (pid == 0) {
            if (!stdoutPath.empty()) {
                const int fd = ::open(stdoutPath.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
                if (fd >= 0)
                    ::dup2(fd, 1);
            }
            ::execve("/proc/self/exe", argv.data(), envp.data());
            std::fprintf(stderr, "error: /proc/self/exe: cannot start rank %d: %s\n", r, std::strerror(errno));
            ::_exit(127);
        }
        pids.push_back(pid);
    }
    // Forward SIGINT/SIGTERM (a scheduler's cancel) to every rank; they agree to stop together.
    struct sigaction sa {
    }, oldInt {}, oldTerm {};
    sa.sa_handler = rememberSignal; // no SA_RESTART: waitpid returns EINTR and the signal is passed on
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, &oldInt);
    ::sigaction(SIGTERM, &sa, &oldTerm);
    int result = 0, running = nproc;
    while (running > 0) {
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno != EINTR)
                break;
            if (const int sig = g_forwardSignal.exchange(0))
                for (pid_t p : pids)
                    ::kill(p, sig);
            continue;
        }
        --running;
        int rank = 0;
        while (rank < nproc && pids[std::size_t(rank)] != pid)
            ++rank;
        const int code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
        if (code != 0 && result == 0) {
            result = code;
            if (code == 130)
                continue; // a stop every rank agreed to (Ctrl-C, SIGTERM): the run said so itself
            std::fprintf(stderr,
                "error: rank %d of %d exited with %s %d; the other ranks end within the collective timeout\n", rank,
                nproc, WIFSIGNALED(status) ? "signal" : "code", WIFSIGNALED(status) ? WTERMSIG(status) : code);
        }
    }
    ::sigaction(SIGINT, &oldInt, nullptr);
    ::sigaction(SIGTERM, &oldTerm, nullptr);
    return result;
}

} // namespace rs::ml
