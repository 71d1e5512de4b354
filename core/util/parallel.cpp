#include "util/parallel.h"

#include <algorithm>
#include <exception>
#include <thread>
#include <vector>

namespace rs {

void parallelFor(std::size_t count, int threads, const std::function<void(std::size_t, std::size_t)>& body)
{
    const std::size_t pieces = std::min<std::size_t>(std::max(threads, 1), std::max<std::size_t>(count, 1));
    if (pieces <= 1) {
        body(0, count);
        return;
    }
    std::vector<std::exception_ptr> errors(pieces);
    std::vector<std::thread> workers;
    workers.reserve(pieces - 1);
    auto run = [&](std::size_t p) {
        try {
            body(count * p / pieces, count * (p + 1) / pieces);
        } catch (...) {
            errors[p] = std::current_exception();
        }
    };
    for (std::size_t p = 1; p < pieces; ++p)
        workers.emplace_back(run, p);
    run(0);
    for (std::thread& t : workers)
        t.join();
    for (auto& e : errors)
        if (e)
            std::rethrow_exception(e);
}

} // namespace rs
