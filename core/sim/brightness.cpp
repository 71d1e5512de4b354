#include "sim/brightness.h"

#include "numerics/kspace.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace rs {

double brightnessPrefactor(double z, const Cosmology& c)
{
    const double h2 = c.h * c.h;
    return 27.0 * std::sqrt((1.0 + z) / 10.0 * 0.15 / (c.omegaM * h2)) * (c.omegaB * h2 / 0.023);
}

Cube brightnessTemperature(const Cube& density, const Cube& neutralFraction, double z, const Cosmology& cosmology,
    const Cube& velocityGradient, int threads)
{
    if (density.shape() != neutralFraction.shape())
        throw ParameterError("neutral_fraction", "shape differs from the density cube's");
    const bool withVelocity = !velocityGradient.empty();
    if (withVelocity && velocityGradient.shape() != density.shape())
        throw ParameterError("velocity_gradient", "shape differs from the density cube's");
    CubeMetadata meta;
    meta.quantity = Quantity::BrightnessTemperature;
    meta.redshift = z;
    Cube out = Cube::uninitialized(density.shape(), density.boxLength(), meta);
    const float t0 = float(brightnessPrefactor(z, cosmology));
    const float* d = density.data();
    const float* x = neutralFraction.data();
    const float* g = withVelocity ? velocityGradient.data() : nullptr;
    float* t = out.mutableData();
    const float clip = float(kMaxVelocityGradient);
    parallelFor(density.voxelCount(), threads, [&](std::size_t c0, std::size_t c1) {
        for (std::size_t c = c0; c < c1; ++c) {
            float v = t0 * x[c] * (1.0f + d[c]);
            if (g)
                v /= 1.0f + std::clamp(g[c], -clip, clip);
            t[c] = v;
        }
    });
    if (withVelocity)
        subcellRedshiftSpace(out, neutralFraction, velocityGradient, threads);
    return out;
}

void subcellRedshiftSpace(Cube& brightness, const Cube& neutralFraction, const Cube& velocityGradient, int threads)
{
    if (neutralFraction.shape() != brightness.shape())
        throw ParameterError("neutral_fraction", "shape differs from the brightness cube's");
    if (velocityGradient.shape() != brightness.shape())
        throw ParameterError("velocity_gradient", "shape differs from the brightness cube's");
    const Shape shape = brightness.shape();
    const std::size_t n = shape[2];
    const std::size_t lines = shape[0] * shape[1];
    if (n == 0 || lines == 0)
        return;
    const double cell = brightness.cellSize(2);
    constexpr int subcells = kRsdSubcells;
    constexpr double width = 1.0 / subcells; // a sub-cell, in cells
    constexpr float tiny = 1e-7f; // classic FRACT_FLOAT_ERR
    const float* x = neutralFraction.data();
    const float* g = velocityGradient.data();
    float* t = brightness.mutableData();
    const long len = long(n);
    parallelFor(lines, threads, [&](std::size_t l0, std::size_t l1) {
        std::vector<double> moved(n);
        for (std::size_t line = l0; line < l1; ++line) {
            float* tl = t + line * n;
            const float* xl = x + line * n;
            const float* gl = g + line * n;
            std::fill(moved.begin(), moved.end(), 0.0);
            for (std::size_t k = 0; k < n; ++k) {
                if (std::abs(tl[k]) < tiny || xl[k] < tiny)
                    continue;
                const double share = double(tl[k]) / subcells;
                // Displacements at this cell's centre and its neighbours', in cells.
                const double here = gl[k] / cell;
                const double before = gl[(k + n - 1) % n] / cell;
                const double after = gl[(k + 1) % n] / cell;
                for (int s = 0; s < subcells; ++s) {
                    const double pos = (s + 0.5) * width; // centre within the cell, 0..1
                    const double shift
                        = pos <= 0.5 ? before + (pos + 0.5) * (here - before) : here + (pos - 0.5) * (after - here);
                    const double low = pos + shift - 0.5 * width; // the moved sub-cell's lower edge
                    const double first = std::floor(low);
                    const double inFirst = std::min(1.0, (first + 1.0 - low) / width);
                    long target = (long(k) + long(first)) % len;
                    if (target < 0)
                        target += len;
                    moved[std::size_t(target)] += share * inFirst;
                    if (inFirst < 1.0)
                        moved[std::size_t((target + 1) % len)] += share * (1.0 - inFirst);
                }
            }
            for (std::size_t k = 0; k < n; ++k)
                tl[k] = float(moved[k]);
        }
    });
}

Cube linearVelocityGradient(const Cube& density, double z, const LinearCosmology& cosmology, const fft::Plans& plans)
{
    const std::size_t n = density.shape()[0];
    if (density.shape() != Shape {n, n, n})
        throw ParameterError("density", "needs a cube with N^3 cells");
    fft::Grid g(n);
    g.loadReal(density.data());
    plans.forward(g);
    const std::size_t nz = n / 2 + 1;
    const double scale = -cosmology.growthRate(z) / (double(n) * double(n) * double(n));
    std::complex<float>* c = g.complex();
    fft::forEachKRow({n, n, n}, [&](long fi, long fj, std::size_t base) {
        for (std::size_t m = 0; m < nz; ++m) {
            const long m2 = fi * fi + fj * fj + long(m * m);
            c[base + m] *= m2 == 0 ? 0.0f : float(scale * double(m * m) / double(m2));
        }
    });
    plans.backward(g);
    Cube out = Cube::uninitialized(density.shape(), density.boxLength());
    g.storeReal(out.mutableData());
    return out;
}

} // namespace rs
