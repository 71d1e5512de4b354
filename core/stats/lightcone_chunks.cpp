#include "stats/lightcone_chunks.h"

#include "util/error.h"

#include <cmath>

namespace rs {

namespace {
constexpr double kLightKmS = 299792.458;
}

double DistanceCosmology::hubble(double z) const
{
    return 100.0 * h * std::sqrt(omegaM * std::pow(1 + z, 3) + 1 - omegaM);
}

double DistanceCosmology::comovingDistance(double z) const
{
    if (!(z >= 0 && z <= 1100))
        throw ParameterError("redshift", "must be between 0 and 1100 for a comoving distance");
    const int n = 2000; // Simpson's rule on c/H(z)
    double sum = 0;
    for (int i = 0; i <= n; ++i)
        sum += ((i == 0 || i == n) ? 1 : (i % 2 ? 4 : 2)) / hubble(z * i / n);
    return kLightKmS * sum * (z / n) / 3.0;
}

double DistanceCosmology::redshiftAt(double d) const
{
    double lo = 0, hi = 1100;
    for (int i = 0; i < 60; ++i) {
        const double mid = 0.5 * (lo + hi);
        (comovingDistance(mid) < d ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

std::vector<LightconeChunk> lightconeChunks(
    const Cube& lc, std::size_t chunkCells, int bins, const DistanceCosmology& c)
{
    if (lc.empty())
        throw ParameterError("cube", "empty lightcone has no chunks");
    const Shape& s = lc.shape();
    if (chunkCells == 0 || chunkCells > s[2])
        throw ParameterError(
            "--chunks", "chunk length must be between 1 and the line of sight's " + std::to_string(s[2]) + " cells");
    const double cell = lc.cellSize(2);
    const bool knownZ = lc.redshift().has_value();
    const double d0 = knownZ ? c.comovingDistance(*lc.redshift()) : 0.0;
    std::vector<LightconeChunk> out;
    for (std::size_t first = 0; first + chunkCells <= s[2]; first += chunkCells) {
        Cube chunk(Shape {s[0], s[1], chunkCells},
            Extent {lc.boxLength()[0], lc.boxLength()[1], cell * double(chunkCells)}, lc.metadata());
        float* d = chunk.mutableData();
        for (std::size_t l = 0; l < s[0] * s[1]; ++l)
            std::copy(lc.data() + l * s[2] + first, lc.data() + l * s[2] + first + chunkCells, d + l * chunkCells);
        LightconeChunk ch {first, chunkCells, std::nullopt, powerSpectrum(chunk, bins)};
        if (knownZ)
            ch.redshift = c.redshiftAt(d0 + cell * (double(first) + 0.5 * double(chunkCells)));
        out.push_back(std::move(ch));
    }
    return out;
}

} // namespace rs
