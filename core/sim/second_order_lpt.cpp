#include "sim/second_order_lpt.h"

#include "numerics/kspace.h"
#include "util/parallel.h"

#include <complex>
#include <numbers>
#include <utility>

namespace rs {

namespace {

/// Calls f(c) for every real cell index c of an N³ padded grid, rows split over threads.
template<class F> void forEachCell(std::size_t n, std::size_t padded, int threads, F&& f)
{
    parallelFor(n * n, threads, [&](std::size_t r0, std::size_t r1) {
        for (std::size_t row = r0; row < r1; ++row)
            for (std::size_t k = 0; k < n; ++k)
                f(row * padded + k);
    });
}

} // namespace

void secondOrderDisplacement(const fft::Grid& deltaK, double box, const std::vector<float>& window,
    const fft::Plans& plans, int threads, const std::function<void(int, fft::Grid&)>& component)
{
    const std::size_t n = deltaK.n(), nz = n / 2 + 1, padded = deltaK.padded();
    const long nyq = n % 2 == 0 ? long(n / 2) : -1;
    const std::complex<float>* d = deltaK.complex();
    auto windowAt = [&](long m2) { return window.empty() ? 1.0 : double(window[std::size_t(m2)]); };

    // φ,ab(k) = −k_a k_b δ(k)/k² of the unwindowed δ, in real space. A mixed derivative is odd in
    // each of its axes: its Nyquist planes are dropped (keeps the field real), as for ψ.
    auto derivative = [&](fft::Grid& out, int a, int b) {
        std::complex<float>* o = out.complex();
        fft::forEachKRow(n, threads, [&](long fi, long fj, std::size_t base) {
            for (std::size_t m = 0; m < nz; ++m) {
                const long f[3] = {fi, fj, long(m)};
                const long m2 = fi * fi + fj * fj + long(m * m);
                if (m2 == 0 || (a != b && (f[a] == nyq || f[b] == nyq)))
                    o[base + m] = 0.0f;
                else
                    o[base + m] = d[base + m] * float(-double(f[a] * f[b]) / (double(m2) * windowAt(m2)));
            }
        });
        plans.backward(out);
    };

    // S = φ,xx φ,yy + φ,xx φ,zz + φ,yy φ,zz − φ,xy² − φ,xz² − φ,yz², as
    // φ,xx φ,yy + (φ,xx + φ,yy) φ,zz − Σ mixed²: three grids at the peak.
    fft::Grid source(n), diagonal(n), work(n);
    float* s = source.real();
    float* g = diagonal.real();
    float* w = work.real();
    derivative(diagonal, 0, 0);
    derivative(work, 1, 1);
    forEachCell(n, padded, threads, [&](std::size_t c) {
        s[c] = g[c] * w[c];
        g[c] += w[c];
    });
    derivative(work, 2, 2);
    forEachCell(n, padded, threads, [&](std::size_t c) { s[c] += g[c] * w[c]; });
    diagonal.release();
    for (const auto& [a, b] : {std::pair {0, 1}, std::pair {0, 2}, std::pair {1, 2}}) {
        derivative(work, a, b);
        forEachCell(n, padded, threads, [&](std::size_t c) { s[c] -= w[c] * w[c]; });
    }

    // ψ⁽²⁾_a(k) = i k_a W S(k)/k²; the forward transform's N³ is divided out here.
    plans.forward(source);
    const std::complex<float>* sk = source.complex();
    const double kf = 2 * std::numbers::pi / box;
    const double n3 = double(n) * double(n) * double(n);
    for (int a = 0; a < 3; ++a) {
        if (work.empty())
            work = fft::Grid(n); // the previous component's grid was kept by `component`
        std::complex<float>* o = work.complex();
        fft::forEachKRow(n, threads, [&](long fi, long fj, std::size_t base) {
            for (std::size_t m = 0; m < nz; ++m) {
                const long f[3] = {fi, fj, long(m)};
                const long m2 = fi * fi + fj * fj + long(m * m);
                if (m2 == 0 || f[a] == nyq)
                    o[base + m] = 0.0f;
                else
                    o[base + m] = sk[base + m]
                        * std::complex<float>(0.0f, float(double(f[a]) * windowAt(m2) / (double(m2) * kf * n3)));
            }
        });
        plans.backward(work);
        component(a, work);
    }
}

} // namespace rs
