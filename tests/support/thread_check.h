#pragma once
// A minimal runner for the ThreadSanitizer tests (tst_threads, tst_threads_ml). They are not Qt Test
// suites on purpose: Qt Test's watchdog thread (Debian's Qt is not built with TSan) produces
// reports on every run whose main-thread stacks run through QTest::qRun, the frame every test
// function runs below, so no suppression could hide them without hiding every real report.

#include <cstdio>
#include <exception>

namespace threadcheck {

inline int& failures()
{
    static int n = 0;
    return n;
}

/// Runs one check, printing PASS or FAIL with what threw.
template<typename F> void run(const char* name, F&& f)
{
    const int before = failures();
    try {
        f();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "  threw: %s\n", e.what());
        ++failures();
    }
    std::printf("%s   : %s\n", failures() == before ? "PASS" : "FAIL!", name);
    std::fflush(stdout);
}

} // namespace threadcheck

/// Records a failure (with the condition's text) and carries on.
#define THREAD_CHECK(cond)                                                                                             \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            std::fprintf(stderr, "  %s:%d: failed: %s\n", __FILE__, __LINE__, #cond);                                  \
            ++threadcheck::failures();                                                                                 \
        }                                                                                                              \
    } while (0)
