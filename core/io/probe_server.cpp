#include "io/probe_server.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace rs::h5::detail {

int spawnHelper(const std::string& helper, const std::string& arg, int in, int out, pid_t& pid)
{
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (in >= 0)
        posix_spawn_file_actions_adddup2(&actions, in, 0);
    if (out >= 0)
        posix_spawn_file_actions_adddup2(&actions, out, 1);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    std::string arg0 = helper, arg1 = arg;
    char* argv[] = {arg0.data(), arg1.data(), nullptr};
    std::vector<char*> env;
    static char perturb[] = "MALLOC_PERTURB_=165";
    for (char** e = environ; e && *e; ++e)
        if (std::strncmp(*e, "MALLOC_PERTURB_=", 16) != 0)
            env.push_back(*e);
    env.push_back(perturb);
    env.push_back(nullptr);
    const int rc = ::posix_spawn(&pid, helper.c_str(), &actions, nullptr, argv, env.data());
    posix_spawn_file_actions_destroy(&actions);
    return rc;
}

ProbeServer::~ProbeServer()
{
    if (m_owner == ::getpid())
        stop(true);
}

bool ProbeServer::start(const std::string& helper)
{
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        return false;
    pid_t pid = -1;
    const int rc = spawnHelper(helper, "--serve", sv[1], sv[1], pid);
    ::close(sv[1]);
    if (rc != 0) {
        ::close(sv[0]);
        return false;
    }
    m_pid = pid;
    m_owner = ::getpid();
    m_fd = sv[0];
    m_helper = helper;
    m_buffer.clear();
    return true;
}

void ProbeServer::stop(bool kill)
{
    if (m_fd >= 0)
        ::close(m_fd); // the server sees end of input and exits
    if (m_pid > 0) {
        if (kill)
            ::kill(m_pid, SIGKILL);
        int status = 0;
        while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) { }
    }
    m_fd = -1;
    m_pid = -1;
    m_buffer.clear();
}

std::size_t answerBytes(const std::string& line)
{
    unsigned long long cubes = 0, bytes = 0;
    if (line.rfind("ok ", 0) != 0 || std::sscanf(line.c_str(), "ok %llu %llu", &cubes, &bytes) != 2)
        return 0;
    return std::size_t(std::min<unsigned long long>(bytes, kMaxAnswerBytes));
}

ProbeServer::Verdict ProbeServer::check(
    const std::string& helper, const std::string& path, double timeoutS, int& signal, std::string& answer)
{
    if (m_owner != ::getpid()) { // inherited through fork(): not ours to talk to
        m_pid = -1;
        m_fd = -1;
        m_owner = -1;
    }
    if (m_pid > 0 && m_helper != helper)
        stop(true);
    if (m_pid <= 0 && !start(helper))
        return Verdict::Unavailable;
    const std::string request = path + "\n";
    for (std::size_t sent = 0; sent < request.size();) {
        const ssize_t n = ::send(m_fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) { // the server is gone already: start afresh next time
            stop(true);
            return Verdict::Unavailable;
        }
        sent += std::size_t(n);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeoutS);
    std::vector<char> buf(1 << 16);
    // The answer line, then as many bytes as it announces.
    auto complete = [&] {
        const std::size_t nl = m_buffer.find('\n');
        return nl != std::string::npos && m_buffer.size() >= nl + 1 + answerBytes(m_buffer.substr(0, nl));
    };
    while (!complete()) {
        const auto left
            = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            stop(true);
            return Verdict::Hung;
        }
        pollfd p {m_fd, POLLIN, 0};
        const int ready = ::poll(&p, 1, int(std::min<long long>(left.count(), 1000)));
        if (ready <= 0)
            continue;
        const ssize_t got = ::read(m_fd, buf.data(), buf.size());
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) { // died before answering
            ::close(m_fd);
            m_fd = -1;
            int status = 0;
            while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) { }
            m_pid = -1;
            signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
            return Verdict::Crashed;
        }
        m_buffer.append(buf.data(), std::size_t(got));
    }
    const std::size_t nl = m_buffer.find('\n');
    const std::size_t size = nl + 1 + answerBytes(m_buffer.substr(0, nl));
    answer = m_buffer.substr(0, size);
    m_buffer.erase(0, size);
    // The server lives on: a fresh generation of it (a fork, see probe_helper.cpp) answers after
    // a file it refused or died on, so damage that file did to libhdf5 meets no other file.
    int sig = 0;
    if (std::sscanf(answer.c_str(), "crashed %d", &sig) == 1) {
        signal = sig;
        return Verdict::Crashed;
    }
    return Verdict::Passed;
}

} // namespace rs::h5::detail
