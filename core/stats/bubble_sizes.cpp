#include "stats/bubble_sizes.h"

#include "numerics/fft_grid.h"
#include "util/error.h"
#include "util/parallel.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <numbers>
#include <numeric>
#include <thread>

namespace rs {

namespace {

void checkCube(const Cube& xhi, double threshold)
{
    if (xhi.empty())
        throw ParameterError("cube", "empty cube has no ionized regions");
    if (!(threshold > 0 && threshold <= 1))
        throw ParameterError("threshold", "x_HI threshold must be in (0, 1]");
    if (xhi.voxelCount() > std::numeric_limits<std::uint32_t>::max())
        throw ParameterError("cube", "bubble sizes handle up to 2^32 cells");
}

/// 1 for neutral cells (x_HI ≥ threshold, or not finite), 0 for ionized ones.
std::vector<std::uint8_t> neutralMask(const Cube& xhi, double threshold)
{
    std::vector<std::uint8_t> mask(xhi.voxelCount());
    const float* d = xhi.data();
    for (std::size_t i = 0; i < mask.size(); ++i)
        mask[i] = !(d[i] < threshold);
    return mask;
}

/// SplitMix64: small, fast and good enough to place rays; one stream per chunk of rays so the
/// result does not depend on the thread count.
struct SplitMix {
    std::uint64_t state;
    std::uint64_t next()
    {
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }
};

/// Log-spaced edges from lo to hi.
std::vector<double> logEdges(double lo, double hi, int bins)
{
    std::vector<double> e(std::size_t(bins) + 1);
    for (int i = 0; i <= bins; ++i)
        e[std::size_t(i)] = lo * std::pow(hi / lo, double(i) / bins);
    return e;
}

/// Bin of x in log edges (−1 outside).
long logBin(const std::vector<double>& edges, double x)
{
    if (!(x >= edges.front()) || x >= edges.back())
        return -1;
    const double f = std::log(x / edges.front()) / std::log(edges.back() / edges.front());
    return std::min(long(f * double(edges.size() - 1)), long(edges.size()) - 2);
}

struct RayTally {
    std::vector<double> counts;
    double sum = 0;
    std::size_t ended = 0, truncated = 0, shortRays = 0;
};

/// Casts one ray from a random point of ionized cell `start`; returns its length or −1 when it
/// runs past maxLength without meeting a neutral cell.
double castRay(
    const Cube& c, const std::vector<std::uint8_t>& neutral, std::size_t start, SplitMix& rng, double maxLength)
{
    const Shape& s = c.shape();
    long ci[3] = {long(start / (s[1] * s[2])), long(start / s[2] % s[1]), long(start % s[2])};
    const double cz = 2.0 * rng.uniform() - 1.0, phi = 2.0 * std::numbers::pi * rng.uniform();
    const double sz = std::sqrt(std::max(0.0, 1.0 - cz * cz));
    const double dir[3] = {sz * std::cos(phi), sz * std::sin(phi), cz};
    double tMax[3], tDelta[3];
    long step[3];
    for (int a = 0; a < 3; ++a) {
        const double f = rng.uniform(); // position inside the start cell along axis a
        const double cell = c.cellSize(a);
        step[a] = dir[a] > 0 ? 1 : -1;
        tDelta[a] = dir[a] != 0 ? cell / std::abs(dir[a]) : std::numeric_limits<double>::infinity();
        tMax[a] = dir[a] > 0 ? (1.0 - f) * tDelta[a] : dir[a] < 0 ? f * tDelta[a] : tDelta[a];
    }
    const long n[3] = {long(s[0]), long(s[1]), long(s[2])};
    for (;;) {
        const int a = tMax[0] < tMax[1] ? (tMax[0] < tMax[2] ? 0 : 2) : (tMax[1] < tMax[2] ? 1 : 2);
        const double t = tMax[a];
        if (t > maxLength)
            return -1;
        ci[a] += step[a];
        if (ci[a] == n[a])
            ci[a] = 0;
        else if (ci[a] < 0)
            ci[a] = n[a] - 1;
        if (neutral[std::size_t((ci[0] * n[1] + ci[1]) * n[2] + ci[2])])
            return t;
        tMax[a] += tDelta[a];
    }
}

} // namespace

MeanFreePath meanFreePath(const Cube& xhi, const MfpOptions& o, const StopToken& stop)
{
    checkCube(xhi, o.threshold);
    if (o.rays == 0)
        throw ParameterError("rays", "needs at least one ray");
    if (o.bins < 1)
        throw ParameterError("bins", "needs at least one bin");
    const std::vector<std::uint8_t> neutral = neutralMask(xhi, o.threshold);
    std::vector<std::uint32_t> ionized;
    for (std::size_t i = 0; i < neutral.size(); ++i)
        if (!neutral[i])
            ionized.push_back(std::uint32_t(i));
    const Extent& b = xhi.boxLength();
    const double maxLength = o.maxLength > 0 ? o.maxLength : std::max({b[0], b[1], b[2]});
    const double minCell = std::min({xhi.cellSize(0), xhi.cellSize(1), xhi.cellSize(2)});
    const std::vector<double> edges = logEdges(0.25 * minCell, maxLength, o.bins);
    MeanFreePath out;
    for (int i = 0; i < o.bins; ++i)
        out.r.push_back(std::sqrt(edges[std::size_t(i)] * edges[std::size_t(i) + 1]));
    out.rdPdR.assign(std::size_t(o.bins), 0.0);
    out.mean = std::numeric_limits<double>::quiet_NaN();
    if (ionized.empty())
        return out;

    constexpr std::size_t kChunk = 4096;
    const std::size_t chunks = (o.rays + kChunk - 1) / kChunk;
    RayTally total {std::vector<double>(std::size_t(o.bins), 0.0)};
    std::mutex merge;
    const int threads = o.threads > 0 ? o.threads : int(std::max(1u, std::thread::hardware_concurrency()));
    parallelFor(chunks, threads, [&](std::size_t c0, std::size_t c1) {
        RayTally t {std::vector<double>(std::size_t(o.bins), 0.0)};
        for (std::size_t c = c0; c < c1; ++c) {
            stop.throwIfStopped();
            SplitMix rng {o.seed * 0x2545f4914f6cdd1dULL + c * 0x9e3779b97f4a7c15ULL};
            for (std::size_t r = c * kChunk, end = std::min(o.rays, (c + 1) * kChunk); r < end; ++r) {
                const std::size_t start = ionized[std::size_t(rng.next() % ionized.size())];
                const double len = castRay(xhi, neutral, start, rng, maxLength);
                if (len < 0) {
                    ++t.truncated;
                    continue;
                }
                ++t.ended;
                t.sum += len;
                const long bin = logBin(edges, len);
                if (bin >= 0)
                    t.counts[std::size_t(bin)] += 1;
                else if (len < edges.front())
                    ++t.shortRays;
            }
        }
        std::lock_guard<std::mutex> lock(merge);
        for (std::size_t i = 0; i < t.counts.size(); ++i)
            total.counts[i] += t.counts[i];
        total.sum += t.sum;
        total.ended += t.ended;
        total.truncated += t.truncated;
        total.shortRays += t.shortRays;
    });
    out.rays = o.rays;
    out.truncated = total.truncated;
    out.shortRays = total.shortRays;
    if (total.ended > 0) {
        out.mean = total.sum / double(total.ended);
        const double dlnR = std::log(edges[1] / edges[0]);
        for (std::size_t i = 0; i < out.rdPdR.size(); ++i)
            out.rdPdR[i] = total.counts[i] / (double(total.ended) * dlnR);
    }
    return out;
}

namespace {

std::uint32_t findRoot(std::vector<std::uint32_t>& parent, std::uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]]; // path halving
        x = parent[x];
    }
    return x;
}

void unite(std::vector<std::uint32_t>& parent, std::uint32_t a, std::uint32_t b)
{
    a = findRoot(parent, a);
    b = findRoot(parent, b);
    if (a != b)
        parent[std::max(a, b)] = std::min(a, b);
}

} // namespace

FofRegions friendsOfFriends(const Cube& xhi, double threshold)
{
    checkCube(xhi, threshold);
    const std::vector<std::uint8_t> neutral = neutralMask(xhi, threshold);
    const Shape& s = xhi.shape();
    std::vector<std::uint32_t> parent(neutral.size());
    std::iota(parent.begin(), parent.end(), 0u);
    for (std::size_t i = 0; i < s[0]; ++i)
        for (std::size_t j = 0; j < s[1]; ++j)
            for (std::size_t k = 0; k < s[2]; ++k) {
                const std::size_t c = xhi.index(i, j, k);
                if (neutral[c])
                    continue;
                const std::size_t nb[3] = {
                    xhi.index((i + 1) % s[0], j, k), xhi.index(i, (j + 1) % s[1], k), xhi.index(i, j, (k + 1) % s[2])};
                for (std::size_t n : nb)
                    if (!neutral[n])
                        unite(parent, std::uint32_t(c), std::uint32_t(n));
            }
    std::vector<std::uint32_t> size(neutral.size(), 0);
    for (std::size_t c = 0; c < neutral.size(); ++c)
        if (!neutral[c])
            ++size[findRoot(parent, std::uint32_t(c))];
    const double cellVolume = xhi.cellSize(0) * xhi.cellSize(1) * xhi.cellSize(2);
    FofRegions out;
    for (std::size_t c = 0; c < size.size(); ++c)
        if (size[c] > 0)
            out.volumes.push_back(double(size[c]) * cellVolume);
    std::sort(out.volumes.begin(), out.volumes.end(), std::greater<>());
    out.largest = out.volumes.empty() ? 0.0 : out.volumes.front();
    out.ionizedVolume = std::accumulate(out.volumes.begin(), out.volumes.end(), 0.0);
    // V dP/dV on log bins from one cell to the whole box (upper edge included).
    const int bins = 30;
    const double boxVolume = double(xhi.voxelCount()) * cellVolume;
    const std::vector<double> edges = logEdges(cellVolume * (1 - 1e-9), boxVolume * (1 + 1e-9), bins);
    std::vector<double> weight(std::size_t(bins), 0.0);
    for (double v : out.volumes) {
        const long bin = logBin(edges, v);
        if (bin >= 0)
            weight[std::size_t(bin)] += v;
    }
    const double dlnV = std::log(edges[1] / edges[0]);
    for (int i = 0; i < bins; ++i) {
        out.v.push_back(std::sqrt(edges[std::size_t(i)] * edges[std::size_t(i) + 1]));
        out.vdPdV.push_back(out.ionizedVolume > 0 ? weight[std::size_t(i)] / (out.ionizedVolume * dlnV) : 0.0);
    }
    return out;
}

} // namespace rs
