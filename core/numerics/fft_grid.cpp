#include "numerics/fft_grid.h"

#include "cube/cube.h"
#include "util/error.h"

#include <fftw3.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <sys/mman.h>
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

std::unique_lock<std::mutex> lockPlanner()
{
    initializeThreads();
    return std::unique_lock<std::mutex>(plannerMutex());
}

Grid::Grid(std::size_t n)
    : m_n(n)
{
    // Big work grids come straight from mmap: freeing returns them to the system at once (no
    // heap fragmentation raising the peak), and pages never written cost no memory.
    const std::size_t bytes = std::max<std::size_t>(n * n * 2 * (n / 2 + 1) * sizeof(float), 1);
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        throw Error("out of memory: cannot allocate a " + std::to_string(n) + "^3 grid (" + std::to_string(bytes >> 20)
            + " MiB)");
    m_data = std::shared_ptr<float[]>(static_cast<float*>(p), [bytes](float* q) { ::munmap(q, bytes); });
}

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

/// The two complex passes of a backward transform for one band limit: along axis 0 over the
/// (j, m) lines of the band (executed on the positive and the negative j block), then along
/// axis 1 over all i and m ≤ limit.
struct Plans::PassPlans {
    long limit = -1; ///< −1: full
    fftwf_plan alongX = nullptr;
    fftwf_plan alongY = nullptr;
    ~PassPlans()
    {
        std::lock_guard<std::mutex> lock(plannerMutex());
        if (alongX)
            fftwf_destroy_plan(alongX);
        if (alongY)
            fftwf_destroy_plan(alongY);
    }
};

namespace {

fftwf_complex* asComplex(float* p)
{
    return reinterpret_cast<fftwf_complex*>(p);
}

} // namespace

Plans::Plans(std::size_t n, int threads)
    : m_n(n)
    , m_threads(threads > 0 ? threads : 1)
{
    initializeThreads();
    Grid probe(n); // FFTW_ESTIMATE plans do not touch it (so it costs address space, not memory)
    const int ni = int(n), nz = int(n / 2 + 1);
    std::lock_guard<std::mutex> lock(plannerMutex());
    fftwf_plan_with_nthreads(m_threads);
    float* r = probe.real();
    // r2c / c2r along axis 2, all n² lines: real rows are 2·nz floats apart, complex rows nz.
    fftwf_iodim zDim {ni, 1, 1};
    fftwf_iodim zRows {ni * ni, 2 * nz, nz};
    m_forwardZ = fftwf_plan_guru_dft_r2c(1, &zDim, 1, &zRows, r, asComplex(r), FFTW_ESTIMATE);
    fftwf_iodim zRowsBack {ni * ni, nz, 2 * nz};
    m_backwardZ = fftwf_plan_guru_dft_c2r(1, &zDim, 1, &zRowsBack, asComplex(r), r, FFTW_ESTIMATE);
    // c2c along axis 1 (stride nz) for every (i, m), and along axis 0 (stride n·nz) for every (j, m).
    fftwf_iodim yDim {ni, nz, nz};
    fftwf_iodim yMany[2] = {{ni, ni * nz, ni * nz}, {nz, 1, 1}};
    m_forwardY = fftwf_plan_guru_dft(1, &yDim, 2, yMany, asComplex(r), asComplex(r), FFTW_FORWARD, FFTW_ESTIMATE);
    fftwf_iodim xDim {ni, ni * nz, ni * nz};
    fftwf_iodim xMany[2] = {{ni, nz, nz}, {nz, 1, 1}};
    m_forwardX = fftwf_plan_guru_dft(1, &xDim, 2, xMany, asComplex(r), asComplex(r), FFTW_FORWARD, FFTW_ESTIMATE);
    m_full = std::make_unique<PassPlans>();
    m_full->alongX = fftwf_plan_guru_dft(1, &xDim, 2, xMany, asComplex(r), asComplex(r), FFTW_BACKWARD, FFTW_ESTIMATE);
    m_full->alongY = fftwf_plan_guru_dft(1, &yDim, 2, yMany, asComplex(r), asComplex(r), FFTW_BACKWARD, FFTW_ESTIMATE);
    if (!m_forwardZ || !m_backwardZ || !m_forwardY || !m_forwardX || !m_full->alongX || !m_full->alongY)
        throw Error("FFTW: cannot plan a " + std::to_string(n) + "^3 transform");
}

Plans::~Plans()
{
    m_full.reset();
    m_pruned.clear();
    std::lock_guard<std::mutex> lock(plannerMutex());
    for (void* p : {m_forwardZ, m_forwardY, m_forwardX, m_backwardZ})
        if (p)
            fftwf_destroy_plan(static_cast<fftwf_plan>(p));
}

const Plans::PassPlans& Plans::pruned(long limit, Grid& g) const
{
    std::lock_guard<std::mutex> guard(m_mutex);
    auto it = m_pruned.find(limit);
    if (it != m_pruned.end())
        return *it->second;
    const int ni = int(m_n), nz = int(m_n / 2 + 1), band = int(limit) + 1;
    auto plans = std::make_unique<PassPlans>(); // FFTW_ESTIMATE planning leaves g's data alone
    plans->limit = limit;
    std::lock_guard<std::mutex> lock(plannerMutex());
    fftwf_plan_with_nthreads(m_threads);
    // Axis 0 over a block of `band` rows of j and m ≤ limit; run on two blocks (unaligned starts).
    fftwf_iodim xDim {ni, ni * nz, ni * nz};
    fftwf_iodim xMany[2] = {{band, nz, nz}, {band, 1, 1}};
    plans->alongX = fftwf_plan_guru_dft(
        1, &xDim, 2, xMany, asComplex(g.real()), asComplex(g.real()), FFTW_BACKWARD, FFTW_ESTIMATE | FFTW_UNALIGNED);
    fftwf_iodim yDim {ni, nz, nz};
    fftwf_iodim yMany[2] = {{ni, ni * nz, ni * nz}, {band, 1, 1}};
    plans->alongY = fftwf_plan_guru_dft(
        1, &yDim, 2, yMany, asComplex(g.real()), asComplex(g.real()), FFTW_BACKWARD, FFTW_ESTIMATE);
    if (!plans->alongX || !plans->alongY)
        throw Error("FFTW: cannot plan a band-limited " + std::to_string(m_n) + "^3 transform");
    return *(m_pruned[limit] = std::move(plans));
}

void Plans::forward(Grid& g) const
{
    float* r = g.real();
    fftwf_execute_dft_r2c(static_cast<fftwf_plan>(m_forwardZ), r, asComplex(r));
    fftwf_execute_dft(static_cast<fftwf_plan>(m_forwardY), asComplex(r), asComplex(r));
    fftwf_execute_dft(static_cast<fftwf_plan>(m_forwardX), asComplex(r), asComplex(r));
}

void Plans::backward(Grid& g, long bandLimit) const
{
    float* r = g.real();
    // Prune only when the two j blocks [0, L] and [n−L−1, n−1] stay apart.
    if (bandLimit >= 0 && 2 * bandLimit + 2 < long(m_n)) {
        const PassPlans& p = pruned(bandLimit, g);
        const std::size_t nz = m_n / 2 + 1;
        std::complex<float>* c = g.complex();
        fftwf_execute_dft(p.alongX, reinterpret_cast<fftwf_complex*>(c), reinterpret_cast<fftwf_complex*>(c));
        std::complex<float>* negative = c + (m_n - std::size_t(bandLimit) - 1) * nz;
        fftwf_execute_dft(
            p.alongX, reinterpret_cast<fftwf_complex*>(negative), reinterpret_cast<fftwf_complex*>(negative));
        fftwf_execute_dft(p.alongY, reinterpret_cast<fftwf_complex*>(c), reinterpret_cast<fftwf_complex*>(c));
    } else {
        fftwf_execute_dft(m_full->alongX, asComplex(r), asComplex(r));
        fftwf_execute_dft(m_full->alongY, asComplex(r), asComplex(r));
    }
    fftwf_execute_dft_c2r(static_cast<fftwf_plan>(m_backwardZ), asComplex(r), r);
}

} // namespace rs::fft
