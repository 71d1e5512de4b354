#include "sim/fft_grid.h"

#include "cube/cube.h"
#include "util/error.h"

#include <fftw3.h>

#include <cstring>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace rs::fft {

namespace {

std::mutex& plannerMutex()
{
    static std::mutex m;
    return m;
}

void initializeThreads()
{
    static std::once_flag once;
    std::call_once(once, [] {
        fftwf_init_threads();
        fftwf_make_planner_thread_safe();
    });
}

} // namespace

Grid::Grid(std::size_t n) : m_n(n), m_data(allocateVoxels(n * n * 2 * (n / 2 + 1))) {}

void Grid::loadReal(const float* src)
{
    const std::size_t p = padded();
    for (std::size_t row = 0; row < m_n * m_n; ++row) {
        std::memcpy(m_data.get() + row * p, src + row * m_n, m_n * sizeof(float));
        for (std::size_t k = m_n; k < p; ++k)
            m_data[row * p + k] = 0.0f;
    }
}

void Grid::storeReal(float* dst) const
{
    const std::size_t p = padded();
    for (std::size_t row = 0; row < m_n * m_n; ++row)
        std::memcpy(dst + row * m_n, m_data.get() + row * p, m_n * sizeof(float));
}

Plans::Plans(std::size_t n, int threads) : m_n(n)
{
    initializeThreads();
    Grid probe(n); // plans are made on a scratch grid (FFTW_ESTIMATE does not touch it)
    std::lock_guard<std::mutex> lock(plannerMutex());
    fftwf_plan_with_nthreads(threads > 0 ? threads : 1);
    const int dims[3] = {int(n), int(n), int(n)};
    m_forward = fftwf_plan_dft_r2c(3, dims, probe.real(), reinterpret_cast<fftwf_complex*>(probe.real()), FFTW_ESTIMATE);
    m_backward = fftwf_plan_dft_c2r(3, dims, reinterpret_cast<fftwf_complex*>(probe.real()), probe.real(), FFTW_ESTIMATE);
    if (!m_forward || !m_backward)
        throw Error("FFTW: cannot plan a " + std::to_string(n) + "^3 transform");
}

Plans::~Plans()
{
    std::lock_guard<std::mutex> lock(plannerMutex());
    if (m_forward)
        fftwf_destroy_plan(static_cast<fftwf_plan>(m_forward));
    if (m_backward)
        fftwf_destroy_plan(static_cast<fftwf_plan>(m_backward));
}

void Plans::forward(Grid& g) const
{
    fftwf_execute_dft_r2c(static_cast<fftwf_plan>(m_forward), g.real(), reinterpret_cast<fftwf_complex*>(g.real()));
}

void Plans::backward(Grid& g) const
{
    fftwf_execute_dft_c2r(static_cast<fftwf_plan>(m_backward), reinterpret_cast<fftwf_complex*>(g.real()), g.real());
}

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

} // namespace rs::fft
