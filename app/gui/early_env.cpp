// OMP_WAIT_POLICY=PASSIVE for the GUI, unless the user chose a policy. LibTorch's OpenMP runtime
// (libgomp) reads the variable once, in its own constructor, before main() runs: setenv() in main
// is too late, and so is setenv() in the executable's .preinit_array (libc resets its environment
// afterwards). So the first thing this process does, before any library's constructor (LibTorch's
// static initialisation takes ~0.5 s), is to execute itself again with the variable added: the
// cost is one more mapping of the libraries by the dynamic loader (tens of ms).
//
// Why PASSIVE: idle OpenMP workers then sleep at once instead of spinning for ~300,000 iterations
// between parallel regions; with a training run on both cores, the spinning steals the cores the
// GUI thread (and other programs) need. Measured in bench_studio.
#include <cstring>
#include <unistd.h>

namespace {

void passiveOpenMp(int, char** argv, char** envp)
{
    int n = 0;
    for (; envp && envp[n]; ++n)
        if (std::strncmp(envp[n], "OMP_WAIT_POLICY=", 16) == 0)
            return; // chosen by the user (or already re-executed)
    // No allocation this early: libc is not initialised yet. The stack holds the new environment.
    char** env = static_cast<char**>(__builtin_alloca(sizeof(char*) * std::size_t(n + 2)));
    for (int i = 0; i < n; ++i)
        env[i] = envp[i];
    env[n] = const_cast<char*>("OMP_WAIT_POLICY=PASSIVE");
    env[n + 1] = nullptr;
    execve("/proc/self/exe", argv, env); // returns only on failure: then run on without it
}

} // namespace

__attribute__((section(".preinit_array"), used)) static void (*const s_preinit)(int, char**, char**) = passiveOpenMp;
