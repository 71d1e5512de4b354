#include "stats/compare.h"

#include "catalog/catalog.h"
#include "cube/cube_stats.h"
#include "stats/pdf.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>

namespace rs {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double median(std::vector<double> v)
{
    if (v.empty())
        return kNaN;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

const std::string& nameOf(const Cube& c, const std::string& fallback)
{
    return c.metadata().sourcePath.empty() ? fallback : c.metadata().sourcePath;
}

double sameSide(const Cube& a, const Cube& b, double threshold)
{
    std::size_t same = 0;
    for (std::size_t i = 0, n = a.voxelCount(); i < n; ++i)
        same += (a.data()[i] < threshold) == (b.data()[i] < threshold);
    return double(same) / double(a.voxelCount());
}

/// Quantity, redshift and the velocity term's axis (−1 without): δT_b with and without the
/// velocity term (delta_T_v3 and delta_T) are different fields.
using PairKey = std::tuple<Quantity, double, double>;

std::map<PairKey, CubeEntry> byKey(const std::vector<CubeEntry>& list)
{
    std::map<PairKey, CubeEntry> m;
    for (const CubeEntry& e : list) {
        const PairKey key {
            e.quantity, redshiftKey(e.redshift), numberOf(e.parameters, param::velocityAxis).value_or(-1)};
        const auto [it, fresh] = m.try_emplace(key, e);
        if (!fresh)
            throw ParameterError(e.path,
                "holds the same quantity and redshift as " + it->second.path
                    + "; compare one run at a time (give its files or its own folder)");
    }
    return m;
}

} // namespace

CubeComparison compareCubes(const Cube& a, const Cube& b, const CompareOptions& o)
{
    if (a.empty() || b.empty())
        throw ParameterError("cube", "empty cube; nothing to compare");
    if (a.quantity() != b.quantity())
        throw ParameterError(nameOf(b, "second cube"),
            "holds " + std::string(quantityName(b.quantity())) + " but " + nameOf(a, "the first cube") + " holds "
                + std::string(quantityName(a.quantity())) + "; compare like with like");
    CubeComparison c;
    c.quantity = a.quantity();
    c.redshift = a.redshift();
    c.meanA = summarize(a).mean;
    c.meanB = summarize(b).mean;
    c.sameGrid = a.shape() == b.shape() && a.boxLength() == b.boxLength();
    if (c.sameGrid) {
        c.cross = crossCorrelation(a, b, o.bins);
        if (c.quantity == Quantity::NeutralFraction)
            c.sameSideFraction = sameSide(a, b, o.threshold);
    }
    c.spectrumA = powerSpectrum(a, o.bins);
    c.spectrumB = powerSpectrum(b, o.bins);
    c.k = c.spectrumA.k;
    std::vector<double> inRange;
    for (std::size_t i = 0; i < c.k.size(); ++i) {
        const std::optional<double> pb
            = c.sameGrid ? std::optional<double>(c.spectrumB.delta2[i]) : interpolateSpectrum(c.spectrumB, c.k[i]);
        const double r = pb && *pb != 0 ? c.spectrumA.delta2[i] / *pb : kNaN;
        c.ratio.push_back(r);
        if (c.k[i] > o.kMin && c.k[i] < o.kMax && std::isfinite(r))
            inRange.push_back(r);
    }
    c.medianRatio = median(inRange);
    c.ksDistance = ksDistance(a, b);
    return c;
}

EntryPairing pairEntries(const std::vector<CubeEntry>& a, const std::vector<CubeEntry>& b)
{
    const std::map<PairKey, CubeEntry> ma = byKey(a), mb = byKey(b);
    EntryPairing p;
    for (const auto& [key, e] : ma) {
        const auto it = mb.find(key);
        if (it == mb.end())
            p.onlyA.push_back(e);
        else
            p.pairs.emplace_back(e, it->second);
    }
    for (const auto& [key, e] : mb)
        if (!ma.count(key))
            p.onlyB.push_back(e);
    return p;
}

Cube differenceCube(const Cube& a, const Cube& b)
{
    if (a.shape() != b.shape()) {
        auto text = [](const Shape& s) {
            return std::to_string(s[0]) + "x" + std::to_string(s[1]) + "x" + std::to_string(s[2]);
        };
        const std::string name = a.metadata().sourcePath.empty() ? "difference" : a.metadata().sourcePath;
        throw ParameterError(
            name, "cannot subtract cubes of different grids (" + text(a.shape()) + " and " + text(b.shape()) + ")");
    }
    CubeMetadata meta = a.metadata();
    meta.sourcePath.clear();
    meta.sourceDataset.clear();
    meta.sourceFormat = "difference";
    Cube d = Cube::uninitialized(a.shape(), a.boxLength(), meta);
    float* out = d.mutableData();
    for (std::size_t i = 0; i < d.voxelCount(); ++i)
        out[i] = a.data()[i] - b.data()[i];
    return d;
}

} // namespace rs
