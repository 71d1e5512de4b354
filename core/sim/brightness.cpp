#include "sim/brightness.h"

#include "numerics/kspace.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>

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
    return out;
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
