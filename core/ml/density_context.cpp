#include "ml/density_context.h"

#include "sim/ionization.h"
#include "sim/simulation_params.h"
#include "util/error.h"
#include "util/parallel.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace rs::ml {

namespace {

/// Stores the real field in `work` into `dst` (n³), or its element-wise maximum with `dst`.
void storeOrMax(const fft::Grid& work, float* dst, bool max, int threads)
{
    const std::size_t n = work.n(), padded = work.padded();
    const float* src = work.real();
    parallelFor(n * n, threads, [=](std::size_t r0, std::size_t r1) {
        for (std::size_t row = r0; row < r1; ++row) {
            const float* s = src + row * padded;
            float* d = dst + row * n;
            for (std::size_t k = 0; k < n; ++k)
                d[k] = max ? std::max(d[k], s[k]) : s[k];
        }
    });
}

/// The edges of band-maximum radii (negated back), or the sampled radii; checked.
std::vector<double> checkInput(const Cube& density, const std::vector<double>& radiiMpc)
{
    const Shape& s = density.shape();
    if (!density.isCubic() || s[0] < 2)
        throw ParameterError("density",
            "3D context needs a cubic grid of at least 2 cells per side; " + density.metadata().sourcePath + " is "
                + std::to_string(s[0]) + "x" + std::to_string(s[1]) + "x" + std::to_string(s[2]));
    const bool bands = isBandMax(radiiMpc);
    std::vector<double> r;
    for (double v : radiiMpc) {
        r.push_back(bands ? -v : v);
        if (!(r.back() > 0) || !std::isfinite(r.back()))
            throw ParameterError("context radii",
                "radii must be all positive (sampled) or all negative (band edges); not " + formatValue(v));
        if (bands && r.size() > 1 && !(r.back() > r[r.size() - 2]))
            throw ParameterError("context radii", "band edges must be ascending");
    }
    const float* v = density.data();
    for (std::size_t i = 0; i < density.voxelCount(); ++i)
        if (!std::isfinite(v[i]))
            throw FormatError(density.metadata().sourcePath.empty() ? "density" : density.metadata().sourcePath,
                "the density cube holds NaN or infinite values");
    return r;
}

} // namespace

std::vector<double> defaultContextRadii()
{
    return {1.5, 2.25, 3.4, 5.0, 7.5, 11.0, 17.0, 25.0};
}

std::vector<double> defaultBandMaxEdges()
{
    return {1.5, 2.25, 3.4, 5.0, 7.5, 11.0, 17.0, 25.0, 50.0};
}

bool isBandMax(const std::vector<double>& radiiMpc)
{
    return !radiiMpc.empty() && std::all_of(radiiMpc.begin(), radiiMpc.end(), [](double r) { return r < 0; });
}

std::vector<double> contextLadder(std::size_t n, double boxMpc, double topMpc)
{
    // In single precision, as the simulator's walk (ionizationRadii), so that the same radii come out.
    const float cellR = float(kCellRadiusFactor) * float(boxMpc) / float(n);
    const float bottom = std::max(cellR, float(kCellRadiusFactor));
    std::vector<double> ladder;
    for (float r = bottom; double(r) <= topMpc; r *= 1.1f)
        ladder.push_back(double(r));
    return ladder;
}

std::vector<Cube> densityContext(const Cube& density, const std::vector<double>& radiiOrEdges, int threads)
{
    if (radiiOrEdges.empty())
        return {};
    const bool bandMax = isBandMax(radiiOrEdges);
    const std::vector<double> radiiMpc = checkInput(density, radiiOrEdges);
    const std::size_t n = density.shape()[0];
    const double box = density.boxLength()[0];
    const fft::Plans plans(n, threads);
    fft::Grid deltaK(n);
    deltaK.loadReal(density.data());
    plans.forward(deltaK);
    fft::Grid work(n);
    std::vector<Cube> out;
    for (std::size_t k = 0; k < radiiMpc.size(); ++k)
        out.push_back(Cube::uninitialized(density.shape(), density.boxLength(), density.metadata()));
    std::vector<bool> filled(radiiMpc.size(), false);
    if (bandMax) {
        const double cellR = kCellRadiusFactor * box / double(n);
        for (double r : contextLadder(n, box, radiiMpc.back())) {
            const std::size_t band
                = std::size_t(std::lower_bound(radiiMpc.begin(), radiiMpc.end(), r * (1 - 1e-6)) - radiiMpc.begin());
            if (r <= cellR * (1 + 1e-6))
                work.loadReal(density.data()); // the simulator's last step takes δ itself
            else
                filterInto(deltaK, work, IonizationFilter::SharpK, r, box, plans, threads);
            storeOrMax(work, out[band].mutableData(), filled[band], threads);
            filled[band] = true;
        }
    }
    for (std::size_t k = 0; k < radiiMpc.size(); ++k)
        if (!filled[k]) { // sampled channels, and bands no ladder radius falls in: δ at the radius itself
            filterInto(deltaK, work, IonizationFilter::SharpK, radiiMpc[k], box, plans, threads);
            storeOrMax(work, out[k].mutableData(), false, threads);
        }
    return out;
}

std::vector<Cube> barrierContext(
    const Cube& density, const std::vector<double>& bandEdges, double z, double zeta, int threads)
{
    if (bandEdges.empty())
        return {};
    if (!isBandMax(bandEdges))
        throw ParameterError("context radii", "the barrier context takes band edges (negative radii)");
    if (!std::isfinite(z) || z < 0)
        throw ParameterError("z", "the barrier context needs a finite redshift z >= 0");
    if (!std::isfinite(zeta) || !(zeta > 0))
        throw ParameterError("zeta", "the barrier context needs a positive zeta");
    const std::vector<double> edges = checkInput(density, bandEdges);
    SimulationParams p; // the simulator's default sources and cosmology, on this cube's grid
    p.dim = density.shape()[0];
    p.boxMpc = density.boxLength()[0];
    p.threads = std::max(1, threads);
    const LinearCosmology cosmology(p.cosmology);
    const fft::Plans plans(p.dim, p.threads);
    std::vector<Cube> out;
    for (std::size_t k = 0; k < edges.size(); ++k) {
        out.push_back(Cube::uninitialized(density.shape(), density.boxLength(), density.metadata()));
        std::fill(out.back().mutableData(), out.back().mutableData() + density.voxelCount(), 0.0f);
    }
    walkExcursionSet(density, z, p, cosmology, plans, [&](const ExcursionScale& scale, const fft::Grid& deltaR) {
        const std::size_t band
            = std::size_t(std::lower_bound(edges.begin(), edges.end(), scale.radius * (1 - 1e-6)) - edges.begin());
        if (band < edges.size())
            maxIonizingRatio(deltaR, scale, zeta, out[band].mutableData(), p.threads);
    });
    // From the largest band down, each channel keeps the maximum of every band at or above it: the
    // first crossing coming in from large scales, as the excursion set walks. Channel 0 is then the
    // whole decision (a network need not learn a maximum over nine channels to a precision of 1 %:
    // measured, it does not).
    for (std::size_t k = out.size() - 1; k-- > 0;) {
        float* v = out[k].mutableData();
        const float* above = out[k + 1].data();
        for (std::size_t i = 0; i < density.voxelCount(); ++i)
            v[i] = std::max(v[i], above[i]);
    }
    constexpr float kFloor = 1e-6f;
    for (Cube& c : out) {
        float* v = c.mutableData();
        parallelFor(c.voxelCount(), p.threads, [=](std::size_t i0, std::size_t i1) {
            for (std::size_t i = i0; i < i1; ++i)
                v[i] = std::log(std::max(v[i], kFloor));
        });
    }
    return out;
}

} // namespace rs::ml
