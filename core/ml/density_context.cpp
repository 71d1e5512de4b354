#include "ml/density_context.h"

#include "numerics/kspace.h"
#include "sim/ionization.h"
#include "util/error.h"

#include <cmath>
#include <complex>

namespace rs::ml {

std::vector<double> defaultContextRadii()
{
    return {1.5, 2.25, 3.4, 5.0, 7.5, 11.0, 17.0, 25.0};
}

std::vector<Cube> densityContext(const Cube& density, const std::vector<double>& radiiMpc, int threads)
{
    if (radiiMpc.empty())
        return {};
    const Shape& s = density.shape();
    if (!density.isCubic() || s[0] < 2)
        throw ParameterError("density",
            "3D context needs a cubic grid of at least 2 cells per side; " + density.metadata().sourcePath + " is "
                + std::to_string(s[0]) + "x" + std::to_string(s[1]) + "x" + std::to_string(s[2]));
    for (double r : radiiMpc)
        if (!(r > 0))
            throw ParameterError("context radii", "every radius must be positive");
    const float* v = density.data();
    for (std::size_t i = 0; i < density.voxelCount(); ++i)
        if (!std::isfinite(v[i]))
            throw FormatError(density.metadata().sourcePath.empty() ? "density" : density.metadata().sourcePath,
                "the density cube holds NaN or infinite values");
    const std::size_t n = s[0], nz = n / 2 + 1;
    const fft::Plans plans(n, threads);
    fft::Grid deltaK(n);
    deltaK.loadReal(v);
    plans.forward(deltaK);
    const double n3 = double(n) * double(n) * double(n);
    const double kf[3] = {2 * std::numbers::pi / density.boxLength()[0], 2 * std::numbers::pi / density.boxLength()[1],
        2 * std::numbers::pi / density.boxLength()[2]};
    std::vector<Cube> out;
    fft::Grid work(n);
    for (double radius : radiiMpc) {
        const std::complex<float>* src = deltaK.complex();
        std::complex<float>* dst = work.complex();
        fft::forEachKRow(n, threads, [&](long fi, long fj, std::size_t base) {
            const double ki = kf[0] * double(fi), kj = kf[1] * double(fj);
            for (std::size_t m = 0; m < nz; ++m) {
                const double km = kf[2] * double(m);
                const double k = std::sqrt(ki * ki + kj * kj + km * km);
                dst[base + m] = src[base + m] * float(filterWindow(IonizationFilter::SharpK, k, radius) / n3);
            }
        });
        plans.backward(work);
        Cube c = Cube::uninitialized(s, density.boxLength(), density.metadata());
        work.storeReal(c.mutableData());
        out.push_back(std::move(c));
    }
    return out;
}

} // namespace rs::ml
