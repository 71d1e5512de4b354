#include "cube/lightcone.h"

#include "cube/cube_stats.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>

namespace rs {

namespace {

std::string describe(const Cube& c)
{
    return c.metadata().sourcePath.empty() ? std::string("snapshot") : c.metadata().sourcePath;
}

/// Checks a loaded snapshot against the first one.
void checkMatches(const Cube& c, const Cube& first, double z)
{
    if (c.empty())
        throw FormatError(describe(c), "snapshot at z = " + std::to_string(z) + " is empty");
    if (c.shape() != first.shape() || c.boxLength() != first.boxLength())
        throw FormatError(describe(c),
            "snapshot grid or box differs from " + describe(first)
                + "'s; a lightcone needs snapshots of one simulation");
    if (c.quantity() != first.quantity())
        throw FormatError(describe(c),
            "holds " + std::string(quantityName(c.quantity())) + ", not "
                + std::string(quantityName(first.quantity())));
    if (std::abs(c.cellSize(2) - c.cellSize(0)) > 1e-6 * c.cellSize(0))
        throw FormatError(describe(c), "cells are not cubic; a lightcone needs equal cells along every axis");
}

/// The plane at index k along axis 2, as a contiguous n0·n1 array.
void copyPlane(const Cube& c, std::size_t k, float* out)
{
    const Shape& s = c.shape();
    const float* src = c.data() + k;
    const std::size_t n2 = s[2], plane = s[0] * s[1];
    for (std::size_t ij = 0; ij < plane; ++ij)
        out[ij] = src[ij * n2];
}

} // namespace

Cube buildLightcone(std::vector<LightconeSnapshot> snapshots, const LightconeOptions& options,
    const ProgressFn& progress, const StopToken& stop)
{
    if (snapshots.size() < 2)
        throw ParameterError("snapshots", "a lightcone needs at least two coeval snapshots at different redshifts");
    std::sort(snapshots.begin(), snapshots.end(),
        [](const LightconeSnapshot& a, const LightconeSnapshot& b) { return a.redshift < b.redshift; });
    for (std::size_t i = 1; i < snapshots.size(); ++i)
        if (!(snapshots[i].redshift > snapshots[i - 1].redshift))
            throw ParameterError("snapshots", "two snapshots share redshift " + std::to_string(snapshots[i].redshift));
    const double zLo = snapshots.front().redshift, zHi = snapshots.back().redshift;
    const double zMin = options.zMin.value_or(zLo), zMax = options.zMax.value_or(zHi);
    if (!(zMin < zMax))
        throw ParameterError(
            "zmin", "z_min (" + std::to_string(zMin) + ") must be below z_max (" + std::to_string(zMax) + ")");
    if (zMin < zLo - 1e-9 || zMax > zHi + 1e-9)
        throw ParameterError("zmax",
            "the range [" + std::to_string(zMin) + ", " + std::to_string(zMax) + "] leaves the snapshots' redshifts ["
                + std::to_string(zLo) + ", " + std::to_string(zHi) + "]; ReionScope does not extrapolate");

    const ComovingDistance dc(options.cosmology, zHi + 1.0);
    // The first snapshot fixes the grid.
    std::size_t next = 0;
    Cube lo = snapshots[next].load(), hi;
    checkMatches(lo, lo, snapshots[next].redshift);
    double zA = snapshots[next].redshift, zB = zA;
    ++next;
    const Shape grid = lo.shape();
    const double cell = lo.cellSize(2);
    const double d0 = dc.distance(zMin), d1 = dc.distance(zMax);
    const std::size_t nLos = std::size_t(std::floor((d1 - d0) / cell + 1e-9)) + 1;

    auto axis = std::make_shared<LightconeAxis>();
    for (const LightconeSnapshot& s : snapshots)
        axis->nodeRedshifts.push_back(s.redshift);
    std::vector<double> means(snapshots.size(), std::nan(""));
    means[0] = summarize(lo).mean;

    CubeMetadata meta = lo.metadata();
    meta.kind = FieldKind::Lightcone;
    meta.redshift = zMin;
    meta.sourceDataset.clear();
    Cube out = Cube::uninitialized(
        {grid[0], grid[1], nLos}, {lo.boxLength()[0], lo.boxLength()[1], cell * double(nLos)}, meta);
    float* dst = out.mutableData();
    const std::size_t plane = grid[0] * grid[1];
    // Slices are mixed into a block of kBlock planes, then written along the line of sight in
    // runs of kBlock floats (one cache line), not one float per cache line.
    constexpr std::size_t kBlock = 16;
    std::vector<float> a(plane), b(plane), block(kBlock * plane);
    auto flush = [&](std::size_t k0, std::size_t count) {
        for (std::size_t ij = 0; ij < plane; ++ij)
            for (std::size_t kk = 0; kk < count; ++kk)
                dst[ij * nLos + k0 + kk] = block[kk * plane + ij];
    };
    for (std::size_t k = 0; k < nLos; ++k) {
        if (stop.stopRequested())
            throw CancelledError();
        const double d = d0 + double(k) * cell;
        const double z = dc.redshift(d);
        axis->distances.push_back(d);
        axis->redshifts.push_back(z);
        while (z > zB + 1e-12 || hi.empty()) { // advance the bracketing pair
            if (next >= snapshots.size())
                break;
            if (!hi.empty()) {
                lo = std::move(hi);
                zA = zB;
            }
            hi = snapshots[next].load();
            checkMatches(hi, lo, snapshots[next].redshift);
            zB = snapshots[next].redshift;
            means[next] = summarize(hi).mean;
            ++next;
        }
        const std::size_t index = std::size_t(std::llround(d / cell)) % grid[2];
        const double w = std::clamp((d - dc.distance(zA)) / (dc.distance(zB) - dc.distance(zA)), 0.0, 1.0);
        copyPlane(lo, index, a.data());
        copyPlane(hi, index, b.data());
        const float wa = float(1.0 - w), wb = float(w);
        float* mixed = block.data() + (k % kBlock) * plane;
        for (std::size_t ij = 0; ij < plane; ++ij)
            mixed[ij] = wa * a[ij] + wb * b[ij];
        if (k % kBlock == kBlock - 1 || k + 1 == nLos)
            flush(k - k % kBlock, k % kBlock + 1);
        if (progress && (k % 32 == 0 || k + 1 == nLos))
            progress(double(k + 1) / double(nLos), "building lightcone");
    }
    // Snapshots beyond z_max were never needed; their means stay unknown (NaN) in the history.
    axis->globals[std::string(quantityName(meta.quantity))] = means;
    out.metadata().lightcone = axis;
    return out;
}

} // namespace rs
