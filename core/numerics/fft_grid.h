#pragma once
/// \file fft_grid.h
/// Single-precision FFTW helpers for N³ periodic grids: padded in-place real↔complex buffers,
/// plans made once per (N, threads) and reused on any buffer of the same layout. FFT convention
/// (used throughout the simulator): forward r2c X_m = Σ_x x e^(−i k·x), backward c2r unnormalised
/// x = Σ_m X_m e^(+i k·x), so a round trip multiplies by N³; k = 2π m / L with m wrapped to
/// (−N/2, N/2]. Loops over the modes: numerics/kspace.h.

#include <complex>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>

namespace rs::fft {

/// An N³ real grid padded along the last axis to 2(N/2+1) floats, 64-byte aligned, so that it holds
/// its own r2c transform in place. Real element (i, j, k) sits at (i·N + j)·padded + k; complex
/// element (i, j, m) at (i·N + j)·(N/2+1) + m.
class Grid {
public:
    Grid() = default;
    explicit Grid(std::size_t n);

    std::size_t n() const { return m_n; }
    std::size_t padded() const { return 2 * (m_n / 2 + 1); }
    std::size_t complexZ() const { return m_n / 2 + 1; }
    std::size_t complexCount() const { return m_n * m_n * complexZ(); }
    bool empty() const { return !m_data; }

    float* real() { return m_data.get(); }
    const float* real() const { return m_data.get(); }
    std::complex<float>* complex() { return reinterpret_cast<std::complex<float>*>(m_data.get()); }
    const std::complex<float>* complex() const { return reinterpret_cast<const std::complex<float>*>(m_data.get()); }

    std::size_t realIndex(std::size_t i, std::size_t j, std::size_t k) const { return (i * m_n + j) * padded() + k; }

    /// Copies an unpadded N³ C-order array in / out.
    void loadReal(const float* src);
    void storeReal(float* dst) const;

    void release()
    {
        m_data.reset();
        m_n = 0;
    }

private:
    std::size_t m_n = 0;
    std::shared_ptr<float[]> m_data;
};

/// In-place r2c and c2r transforms of N³ Grids on `threads` threads, done as three passes of
/// batched 1D transforms (one per axis). Besides being faster than FFTW_ESTIMATE's 3D plans here,
/// this lets backward() skip the lines that a band limit leaves empty: with only modes
/// |m_x|, |m_y|, m_z ≤ M non-zero (a sharp-k filter), the first two passes shrink to ~M/N of
/// their work. Plans are made once (FFTW_ESTIMATE, serialised: FFTW's planner is not reentrant)
/// and reused; executing them is thread-safe for distinct grids.
class Plans {
public:
    Plans(std::size_t n, int threads);
    ~Plans();
    Plans(const Plans&) = delete;
    Plans& operator=(const Plans&) = delete;

    void forward(Grid& g) const; ///< real → complex, in place
    /// complex → real, in place, unnormalised (× N³). `bandLimit` ≥ 0 promises that every mode
    /// with |m_x|, |m_y| or m_z above it is zero (the caller must have zeroed them); −1: no limit.
    void backward(Grid& g, long bandLimit = -1) const;

private:
    struct PassPlans;
    const PassPlans& pruned(long bandLimit, Grid& g) const;

    std::size_t m_n;
    int m_threads;
    void* m_forwardZ = nullptr; ///< r2c along axis 2
    void* m_forwardY = nullptr; ///< c2c along axis 1, all (i, m)
    void* m_forwardX = nullptr; ///< c2c along axis 0, all (j, m)
    void* m_backwardZ = nullptr; ///< c2r along axis 2
    std::unique_ptr<PassPlans> m_full;
    mutable std::map<long, std::unique_ptr<PassPlans>> m_pruned;
    mutable std::mutex m_mutex;
};

/// Serialises FFTW planner calls (plan creation and destruction) across all of core.
std::unique_lock<std::mutex> lockPlanner();

/// The signed integer frequency of index `i` on an axis of n points: i for i ≤ n/2, else i − n.
inline long frequency(std::size_t i, std::size_t n)
{
    return i <= n / 2 ? long(i) : long(i) - long(n);
}

} // namespace rs::fft
