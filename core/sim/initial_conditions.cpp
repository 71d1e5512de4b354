#include "sim/initial_conditions.h"

#include "numerics/kspace.h"
#include "sim/ionization.h"
#include "sim/second_order_lpt.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace rs {

namespace {

constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

std::uint64_t splitmix64(std::uint64_t x)
{
    x += kGolden;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

double unitInterval(std::uint64_t w)
{
    return double((w >> 11) + 1) * (1.0 / 9007199254740992.0);
} // (0, 1]

/// The Box–Muller pair of pair index `pair`.
void normalPair(std::uint64_t seed, std::uint64_t pair, double& a, double& b)
{
    const std::uint64_t base = seed * kGolden + 2 * pair;
    const double u1 = unitInterval(splitmix64(base));
    const double u2 = unitInterval(splitmix64(base + 1));
    const double r = std::sqrt(-2.0 * std::log(u1));
    a = r * std::cos(2 * std::numbers::pi * u2);
    b = r * std::sin(2 * std::numbers::pi * u2);
}

/// Unit-variance white noise in C order (cell c holds whiteNoise(seed, c)) in the padded grid.
void fillWhiteNoise(fft::Grid& delta, std::uint64_t seed, int threads)
{
    const std::size_t n = delta.n();
    parallelFor(n * n, threads, [&](std::size_t r0, std::size_t r1) {
        for (std::size_t row = r0; row < r1; ++row) {
            float* out = delta.real() + row * delta.padded();
            const std::uint64_t first = std::uint64_t(row) * n;
            for (std::size_t k = 0; k < n; ++k) {
                const std::uint64_t c = first + k;
                double a, b;
                normalPair(seed, c / 2, a, b);
                if (c % 2 == 0) {
                    out[k] = float(a);
                    if (k + 1 < n) { // the pair's second value belongs to the next cell of this row
                        out[k + 1] = float(b);
                        ++k;
                    }
                } else {
                    out[k] = float(b);
                }
            }
        }
    });
}

/// Table of f(|m|²) for every integer |m|² on an N³ grid.
template<class F> std::vector<float> tableOfModulus(std::size_t n, F f)
{
    const std::size_t h = n / 2;
    std::vector<float> t(3 * h * h + 1);
    for (std::size_t m2 = 0; m2 < t.size(); ++m2)
        t[m2] = float(f(double(m2)));
    return t;
}

/// Classic 21cmFAST smooths its fine initial field with a real-space top-hat of the output cell's
/// radius (L_FACTOR = 0.620350491 cells) before sampling displacements onto the output grid
/// (init.c): that window at the mode of integer |m|² of a box of `box` Mpc on an N³ grid (1 when
/// `on` is false).
double cellTopHat(double m2, double box, std::size_t n, bool on)
{
    if (!on)
        return 1.0;
    const double kf = 2 * std::numbers::pi / box, cellRadius = 0.620350491 * box / double(n);
    const double x = kf * std::sqrt(m2) * cellRadius;
    return x < 1e-3 ? 1.0 - x * x / 10.0 : 3.0 * (std::sin(x) - x * std::cos(x)) / (x * x * x);
}

inline long wrap(long i, long n)
{
    i %= n;
    return i < 0 ? i + n : i;
}

/// Cloud-in-cell deposit of unit mass at (x, y, z) in cell-centre units.
inline void depositCloudInCell(float* rho, std::size_t n, double x, double y, double zz)
{
    const long nn = long(n);
    const double fx = std::floor(x), fy = std::floor(y), fz = std::floor(zz);
    const float tx = float(x - fx), ty = float(y - fy), tz = float(zz - fz);
    const long ix = wrap(long(fx), nn), iy = wrap(long(fy), nn), iz = wrap(long(fz), nn);
    const long cx[2] = {ix, ix + 1 == nn ? 0 : ix + 1}, cy[2] = {iy, iy + 1 == nn ? 0 : iy + 1};
    const long cz[2] = {iz, iz + 1 == nn ? 0 : iz + 1};
    const float wx[2] = {1.0f - tx, tx}, wy[2] = {1.0f - ty, ty}, wz[2] = {1.0f - tz, tz};
    for (int a = 0; a < 2; ++a)
        for (int b = 0; b < 2; ++b) {
            float* line = rho + (std::size_t(cx[a]) * n + std::size_t(cy[b])) * n;
            const float w = wx[a] * wy[b];
            line[cz[0]] += w * wz[0];
            line[cz[1]] += w * wz[1];
        }
}

/// The cells that three sub-particles at x − 1/3, x, x + 1/3 (cell units) fall in by nearest-cell
/// assignment: they span 2/3 of a cell, so at most two, the lower with weight w[0] (thirds of the
/// three), the upper with w[1].
inline void subParticleCells(double x, long nn, long c[2], float w[2])
{
    const double lower = std::floor(x - 1.0 / 3.0 + 0.5);
    int inLower = 1; // the −1/3 particle itself
    inLower += std::floor(x + 0.5) == lower;
    inLower += std::floor(x + 1.0 / 3.0 + 0.5) == lower;
    c[0] = wrap(long(lower), nn);
    c[1] = c[0] + 1 == nn ? 0 : c[0] + 1;
    w[0] = float(inLower) / 3.0f;
    w[1] = float(3 - inLower) / 3.0f;
}

/// Classic 21cmFAST's assignment: the cell's mass as 3³ particles of a 3× finer lattice (offsets
/// −1/3, 0, +1/3 cell) moved together by the cell's displacement, each to its nearest cell; added
/// as at most 2³ weighted deposits (the same cells and masses as 27 separate ones).
inline void depositSubParticles(float* rho, std::size_t n, double x, double y, double zz)
{
    const long nn = long(n);
    long cx[2], cy[2], cz[2];
    float wx[2], wy[2], wz[2];
    subParticleCells(x, nn, cx, wx);
    subParticleCells(y, nn, cy, wy);
    subParticleCells(zz, nn, cz, wz);
    for (int a = 0; a < 2; ++a)
        for (int b = 0; b < 2; ++b) {
            float* line = rho + (std::size_t(cx[a]) * n + std::size_t(cy[b])) * n;
            const float w = wx[a] * wy[b];
            line[cz[0]] += w * wz[0];
            line[cz[1]] += w * wz[1];
        }
}

} // namespace

template<class Step> InitialConditions::Shift<Step> InitialConditions::compactShift(const fft::Grid& g, int threads)
{
    const std::size_t n = g.n(), padded = g.padded();
    std::vector<float> rowMax(n * n, 0.0f);
    parallelFor(n * n, threads, [&](std::size_t r0, std::size_t r1) {
        for (std::size_t row = r0; row < r1; ++row)
            for (std::size_t k = 0; k < n; ++k)
                rowMax[row] = std::max(rowMax[row], std::abs(g.real()[row * padded + k]));
    });
    Shift<Step> s;
    const float top = *std::max_element(rowMax.begin(), rowMax.end());
    s.unit = top > 0 ? top / Shift<Step>::top : 1.0f;
    s.steps.resize(n * n * n);
    parallelFor(n * n, threads, [&](std::size_t r0, std::size_t r1) {
        for (std::size_t row = r0; row < r1; ++row)
            for (std::size_t k = 0; k < n; ++k)
                s.steps[row * n + k] = Step(std::clamp(
                    std::lround(g.real()[row * padded + k] / s.unit), -long(Shift<Step>::top), long(Shift<Step>::top)));
    });
    return s;
}

double whiteNoise(std::uint64_t seed, std::uint64_t index)
{
    double a, b;
    normalPair(seed, index / 2, a, b);
    return index % 2 ? b : a;
}

InitialConditions::InitialConditions(
    Setup, const SimulationParams& params, const LinearCosmology& cosmology, const fft::Plans& plans)
    : m_n(params.dim)
    , m_box(params.boxMpc)
    , m_threads(params.threadCount())
    , m_subParticles(params.cellSmoothing)
    , m_cosmology(&cosmology)
    , m_plans(&plans)
{ }

InitialConditions::InitialConditions(const SimulationParams& params, const LinearCosmology& cosmology,
    const fft::Plans& plans, const ProgressFn& progress, const StopToken& stop)
    : InitialConditions(Setup {}, params, cosmology, plans)
{
    const std::size_t n = m_n;
    const std::size_t nz = n / 2 + 1;
    const double volume = m_box * m_box * m_box;
    const double n3 = double(n) * double(n) * double(n);
    const double kf = 2 * std::numbers::pi / m_box;
    if (progress)
        progress(0.0, "initial conditions: white noise");

    // 1. White noise, C order, in the padded grid.
    fft::Grid delta(n);
    fillWhiteNoise(delta, params.seed, m_threads);
    stop.throwIfStopped();

    // 2. To k-space, scaled by √(P(k)/(V N³)).
    plans.forward(delta);
    // Classic 21cmFAST smooths its fine initial field with a real-space top-hat of the output
    // cell's radius before sampling displacements onto the output grid (init.c); the same window
    // here (SimulationParams::cellSmoothing).
    const std::vector<float> amplitude = tableOfModulus(n, [&](double m2) {
        if (m2 == 0)
            return 0.0;
        const double k = kf * std::sqrt(m2);
        return std::sqrt(cosmology.power(k) / (volume * n3)) * cellTopHat(m2, m_box, n, params.cellSmoothing);
    });
    std::complex<float>* d = delta.complex();
    fft::forEachKRow(n, m_threads, [&](long fi, long fj, std::size_t base) {
        std::complex<float>* row = d + base;
        for (std::size_t m = 0; m < nz; ++m)
            row[m] *= amplitude[std::size_t(fi * fi + fj * fj + long(m * m))];
    });
    if (progress)
        progress(0.3, "initial conditions: displacements");
    stop.throwIfStopped();
    deriveFields(params, delta, progress, stop);
}

InitialConditions::InitialConditions(
    const Cube& linear, const SimulationParams& params, const LinearCosmology& cosmology, const fft::Plans& plans)
    : InitialConditions(Setup {}, params, cosmology, plans)
{
    const std::size_t n = m_n;
    if (linear.shape() != Shape {n, n, n})
        throw ParameterError("density", "the linear density must be on the run's " + std::to_string(n) + "^3 grid");
    fft::Grid delta(n);
    delta.loadReal(linear.data());
    plans.forward(delta);
    const float norm = float(1.0 / (double(n) * double(n) * double(n)));
    std::complex<float>* d = delta.complex();
    for (std::size_t c = 0; c < delta.complexCount(); ++c)
        d[c] *= norm;
    d[0] = 0.0f; // mean exactly 0, as drawn fields
    deriveFields(params, delta, {}, {});
}

void InitialConditions::deriveFields(
    const SimulationParams& params, fft::Grid& delta, const ProgressFn& progress, const StopToken& stop)
{
    const std::size_t n = m_n;
    const std::size_t nz = n / 2 + 1;
    const double kf = 2 * std::numbers::pi / m_box;
    const fft::Plans& plans = *m_plans;
    const std::complex<float>* d = delta.complex();
    // 3. Derived fields. Odd derivatives drop the Nyquist plane of their axis (keeps them real).
    auto derive = [&](fft::Grid& out, auto&& factor) {
        std::complex<float>* o = out.complex();
        fft::forEachKRow(n, m_threads, [&](long fi, long fj, std::size_t base) {
            for (std::size_t m = 0; m < nz; ++m)
                o[base + m] = d[base + m] * factor(fi, fj, long(m));
        });
        plans.backward(out);
    };
    const long nyq = (n % 2 == 0) ? long(n / 2) : -1;
    if (params.velocities) {
        m_dPsiZ = fft::Grid(n);
        derive(m_dPsiZ, [&](long fi, long fj, long fm) -> std::complex<float> {
            const long m2 = fi * fi + fj * fj + fm * fm;
            if (m2 == 0)
                return 0.0f;
            return float(-double(fm * fm) / double(m2));
        });
        stop.throwIfStopped();
    }
    if (params.zeldovich && params.lpt == 2) {
        // 2LPT from the unwindowed field, its displacement windowed like ψ (second_order_lpt.h).
        const std::vector<float> window = params.cellSmoothing
            ? tableOfModulus(n, [this](double m2) { return cellTopHat(m2, m_box, m_n, true); })
            : std::vector<float> {};
        secondOrderDisplacement(delta, m_box, window, plans, m_threads,
            [&](int a, fft::Grid& g) { m_psi2[a] = compactShift<std::int8_t>(g, m_threads); });
        if (progress)
            progress(0.4, "initial conditions: second-order displacements");
        stop.throwIfStopped();
    }
    if (!params.zeldovich) {
        m_linear = std::move(delta);
        plans.backward(m_linear);
    } else {
        for (int a = 0; a < 3; ++a) {
            auto factor = [&, a](long fi, long fj, long fm) -> std::complex<float> {
                const long m2 = fi * fi + fj * fj + fm * fm;
                const long fa = a == 0 ? fi : a == 1 ? fj : fm;
                if (m2 == 0 || fa == nyq)
                    return 0.0f;
                // ψ_a(k) = i k_a / k² δ(k), with k = kf m.
                return {0.0f, float(double(fa) / (double(m2) * kf))};
            };
            if (a < 2) {
                fft::Grid component(n);
                derive(component, factor);
                m_psi[a] = compactShift<std::int16_t>(component, m_threads);
            } else { // the last component in δ's own grid (derive reads each mode before writing it)
                derive(delta, factor);
                m_psi[2] = compactShift<std::int16_t>(delta, m_threads);
                delta.release();
            }
            stop.throwIfStopped();
            if (progress)
                progress(0.4 + 0.2 * a, "initial conditions: displacements");
        }
    }
    if (progress)
        progress(1.0, "initial conditions");
}

Cube InitialConditions::evolvedDensity(double z, const StopToken& stop) const
{
    const std::size_t n = m_n;
    const double growth = m_cosmology->growth(z);
    CubeMetadata meta;
    meta.quantity = Quantity::Density;
    meta.redshift = z;
    Cube out = Cube::uninitialized({n, n, n}, {m_box, m_box, m_box}, meta);
    float* rho = out.mutableData();

    if (m_linear.empty() && m_psi[0].steps.empty())
        throw Error("initial conditions: displacement fields were released");
    if (!m_linear.empty()) {
        parallelFor(n * n, m_threads, [&](std::size_t r0, std::size_t r1) {
            for (std::size_t row = r0; row < r1; ++row) {
                const float* src = m_linear.real() + row * m_linear.padded();
                for (std::size_t k = 0; k < n; ++k)
                    rho[row * n + k] = float(growth * src[k]);
            }
        });
        return out;
    }

    // Cloud-in-cell assignment of one particle per cell, displaced by D ψ. Particle (i, j, k) sits
    // at cell-centre coordinates (i, j, k) + D ψ / Δ, in units of cells.
    std::fill(rho, rho + n * n * n, 0.0f);
    const double scale = growth / (m_box / double(n));
    // Slabs of particles along axis 0 are processed in two colours (even slabs, then odd), each
    // slab wide enough that particles of two slabs of one colour never touch the same cells.
    // 2LPT: x = q + D ψ⁽¹⁾ + (3/7) D² ψ⁽²⁾ (second_order_lpt.h).
    const bool second = !m_psi2[0].steps.empty();
    const double scale2 = 3.0 / 7.0 * growth * growth / (m_box / double(n));
    const double maxShift = m_psi[0].maxAbs() * scale + (second ? m_psi2[0].maxAbs() * scale2 : 0.0);
    // The slab layout depends on the field only, never on the thread count, so every cell sums
    // its contributions in the same order and the result is identical for any number of threads.
    const std::size_t reach = std::size_t(std::ceil(maxShift)) + 2; // slabs touched beyond their own
    std::size_t slabs = std::min<std::size_t>(16, n / std::max<std::size_t>(1, 2 * reach));
    if (slabs % 2)
        --slabs;
    if (slabs < 2)
        slabs = 1;

    const double sx = scale * m_psi[0].unit, sy = scale * m_psi[1].unit, sz = scale * m_psi[2].unit;
    const double tx = scale2 * m_psi2[0].unit, ty = scale2 * m_psi2[1].unit, tz = scale2 * m_psi2[2].unit;
    auto deposit = [&](std::size_t i0, std::size_t i1) {
        for (std::size_t i = i0; i < i1; ++i) {
            for (std::size_t j = 0; j < n; ++j) {
                const std::size_t base = (i * n + j) * n;
                const std::int16_t* px = m_psi[0].steps.data() + base;
                const std::int16_t* py = m_psi[1].steps.data() + base;
                const std::int16_t* pz = m_psi[2].steps.data() + base;
                const std::int8_t *qx = nullptr, *qy = nullptr, *qz = nullptr;
                if (second) {
                    qx = m_psi2[0].steps.data() + base;
                    qy = m_psi2[1].steps.data() + base;
                    qz = m_psi2[2].steps.data() + base;
                }
                for (std::size_t k = 0; k < n; ++k) {
                    double x = double(i) + sx * px[k];
                    double y = double(j) + sy * py[k];
                    double zz = double(k) + sz * pz[k];
                    if (second) {
                        x += tx * qx[k];
                        y += ty * qy[k];
                        zz += tz * qz[k];
                    }
                    if (m_subParticles)
                        depositSubParticles(rho, n, x, y, zz);
                    else
                        depositCloudInCell(rho, n, x, y, zz);
                }
            }
        }
    };
    if (slabs == 1) {
        deposit(0, n);
    } else {
        for (int colour = 0; colour < 2; ++colour) {
            stop.throwIfStopped();
            parallelFor(slabs / 2, m_threads, [&](std::size_t s0, std::size_t s1) {
                for (std::size_t s = s0; s < s1; ++s) {
                    const std::size_t slab = 2 * s + std::size_t(colour);
                    deposit(n * slab / slabs, n * (slab + 1) / slabs);
                }
            });
        }
    }
    parallelFor(n * n * n, m_threads, [&](std::size_t c0, std::size_t c1) {
        for (std::size_t c = c0; c < c1; ++c)
            rho[c] -= 1.0f;
    });
    if (m_subParticles)
        smoothEvolvedDensity(out);
    return out;
}

void InitialConditions::smoothEvolvedDensity(Cube& density) const
{
    // Classic SMOOTH_EVOLVED_DENSITY_FIELD: a Gaussian of R_smooth_density = 0.2 cells (its
    // HII_FILTER 2 convention), which also softens the sub-particle assignment's shot noise.
    // One grid, filtered in place (filterInto reads each mode before writing it), with the run's plans.
    const std::size_t n = m_n;
    fft::Grid k(n);
    k.loadReal(density.data());
    m_plans->forward(k);
    filterInto(k, k, IonizationFilter::Gaussian, 0.2 * m_box / double(n), m_box, *m_plans, m_threads);
    k.storeReal(density.mutableData());
    float* d = density.mutableData();
    for (std::size_t c = 0; c < density.voxelCount(); ++c)
        d[c] = std::max(d[c], -1.0f + 1e-7f);
}

Cube InitialConditions::linearDensity() const
{
    const std::size_t n = m_n;
    CubeMetadata meta;
    meta.quantity = Quantity::Density;
    meta.redshift = 0.0;
    Cube out = Cube::uninitialized({n, n, n}, {m_box, m_box, m_box}, meta);
    if (!m_linear.empty()) {
        m_linear.storeReal(out.mutableData());
        return out;
    }
    // δ = −∇·ψ, spectrally.
    fft::Plans plans(n, m_threads);
    fft::Grid sum(n), work(n);
    const std::size_t nz = n / 2 + 1;
    const double kf = 2 * std::numbers::pi / m_box;
    std::fill(sum.complex(), sum.complex() + sum.complexCount(), std::complex<float>(0));
    for (int a = 0; a < 3; ++a) {
        for (std::size_t row = 0; row < n * n; ++row)
            for (std::size_t k = 0; k < n; ++k)
                work.real()[row * work.padded() + k] = m_psi[a].unit * float(m_psi[a].steps[row * n + k]);
        plans.forward(work);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < n; ++j)
                for (std::size_t m = 0; m < nz; ++m) {
                    const long f = a == 0 ? fft::frequency(i, n) : a == 1 ? fft::frequency(j, n) : long(m);
                    const std::size_t c = (i * n + j) * nz + m;
                    sum.complex()[c] += work.complex()[c] * std::complex<float>(0.0f, -float(kf * double(f)));
                }
    }
    plans.backward(sum);
    const float norm = float(1.0 / (double(n) * double(n) * double(n)));
    sum.storeReal(out.mutableData());
    float* o = out.mutableData();
    for (std::size_t c = 0; c < n * n * n; ++c)
        o[c] *= norm;
    return out;
}

Cube InitialConditions::velocityGradient(double z) const
{
    if (m_dPsiZ.empty())
        return {};
    const std::size_t n = m_n;
    const float factor = float(m_cosmology->growthRate(z) * m_cosmology->growth(z));
    Cube out = Cube::uninitialized({n, n, n}, {m_box, m_box, m_box});
    m_dPsiZ.storeReal(out.mutableData());
    float* o = out.mutableData();
    parallelFor(n * n * n, m_threads, [&](std::size_t c0, std::size_t c1) {
        for (std::size_t c = c0; c < c1; ++c)
            o[c] *= factor;
    });
    return out;
}

void InitialConditions::releaseDisplacements()
{
    for (auto& g : m_psi)
        g = {};
    for (auto& g : m_psi2)
        g = {};
    m_linear.release();
}

std::size_t InitialConditions::bytes() const
{
    std::size_t b = 0;
    auto add = [&](const fft::Grid& g) {
        if (!g.empty())
            b += g.n() * g.n() * g.padded() * sizeof(float);
    };
    for (const auto& g : m_psi)
        b += g.steps.size() * sizeof(std::int16_t);
    for (const auto& g : m_psi2)
        b += g.steps.size() * sizeof(std::int8_t);
    add(m_linear);
    add(m_dPsiZ);
    return b;
}

} // namespace rs
