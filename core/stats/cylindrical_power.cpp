#include "stats/cylindrical_power.h"

#include "numerics/kspace.h"
#include "stats/fourier_box.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace rs {

namespace {

/// Edges from kMin (slightly below, so the fundamental falls inside) to beyond kMax.
std::vector<double> axisEdges(double kMin, double kMax, int bins)
{
    std::vector<double> edges;
    const double lo = kMin * (1.0 - 1e-9), hi = kMax * (1.0 + 1e-9);
    if (bins == 0) {
        for (double e = lo;; e *= 1.5) {
            edges.push_back(e);
            if (e > hi)
                break;
        }
    } else {
        for (int i = 0; i <= bins; ++i)
            edges.push_back(lo * std::pow(hi / lo, double(i) / bins));
    }
    return edges;
}

/// Bin of k in `edges`, or −1 outside.
long binOf(const std::vector<double>& edges, double k)
{
    const auto it = std::upper_bound(edges.begin(), edges.end(), k);
    if (it == edges.begin() || it == edges.end())
        return -1;
    return long(it - edges.begin()) - 1;
}

/// Keeps the rows (perp) and columns (par) that hold modes; means of k per kept bin.
CylindricalPower compact(const std::vector<double>& sumKPerp, const std::vector<double>& nPerp,
    const std::vector<double>& sumKPar, const std::vector<double>& nPar, const std::vector<double>& sumP,
    const std::vector<double>& count)
{
    const std::size_t np = nPar.size();
    std::vector<std::size_t> rows, cols;
    CylindricalPower out;
    for (std::size_t i = 0; i < nPerp.size(); ++i)
        if (nPerp[i] > 0) {
            rows.push_back(i);
            out.kPerp.push_back(sumKPerp[i] / nPerp[i]);
        }
    for (std::size_t j = 0; j < np; ++j)
        if (nPar[j] > 0) {
            cols.push_back(j);
            out.kPar.push_back(sumKPar[j] / nPar[j]);
        }
    for (std::size_t i : rows)
        for (std::size_t j : cols) {
            const double c = count[i * np + j];
            out.modes.push_back(c);
            out.power.push_back(c > 0 ? sumP[i * np + j] / c : std::numeric_limits<double>::quiet_NaN());
        }
    return out;
}

} // namespace

CylindricalPower cylindricalPowerSpectrum(const Cube& cube, int perpBins, int parBins)
{
    if (cube.empty())
        throw ParameterError("cube", "empty cube has no power spectrum");
    if (perpBins < 0 || parBins < 0)
        throw ParameterError("bins", "must be ≥ 0 (0: bins ×1.5 from the fundamental)");
    return cylindricalPowerSpectrum(fourierTransform(cube), perpBins, parBins);
}

CylindricalPower cylindricalPowerSpectrum(const FourierBox& t, int perpBins, int parBins)
{
    if (perpBins < 0 || parBins < 0)
        throw ParameterError("bins", "must be ≥ 0 (0: bins ×1.5 from the fundamental)");
    const Shape& s = t.shape;
    const double k0 = t.fundamental(0), k1 = t.fundamental(1), k2 = t.fundamental(2);
    const std::size_t nzc = t.complexZ();
    const double perpMax = std::hypot(k0 * double(s[0] / 2), k1 * double(s[1] / 2));
    const std::vector<double> pe = axisEdges(std::min(k0, k1), std::max(perpMax, std::min(k0, k1)), perpBins);
    const std::vector<double> qe = axisEdges(k2, std::max(k2 * double(s[2] / 2), k2), parBins);
    const std::size_t npe = pe.size() - 1, nqe = qe.size() - 1;
    std::vector<long> parBin(nzc, -1);
    for (std::size_t m = 1; m < nzc; ++m)
        parBin[m] = binOf(qe, k2 * double(m));
    std::vector<double> sumKPerp(npe, 0), nPerp(npe, 0), sumKPar(nqe, 0), nPar(nqe, 0);
    std::vector<double> sumP(npe * nqe, 0), count(npe * nqe, 0);
    const double volume = t.volume();
    fft::forEachKRow(s, [&](long fi, long fj, std::size_t base) {
        const double kx = k0 * double(fi), ky = k1 * double(fj);
        const double kp = std::sqrt(kx * kx + ky * ky);
        const long pb = kp > 0 ? binOf(pe, kp) : -1;
        if (pb < 0)
            return;
        const std::complex<float>* row = t.modes.get() + base;
        for (std::size_t m = 1; m < nzc; ++m) {
            const long qb = parBin[m];
            if (qb < 0)
                continue;
            const std::size_t cell = std::size_t(pb) * nqe + std::size_t(qb);
            const double re = row[m].real(), im = row[m].imag();
            sumP[cell] += (re * re + im * im) / volume;
            count[cell] += 1;
            sumKPerp[std::size_t(pb)] += kp;
            nPerp[std::size_t(pb)] += 1;
            sumKPar[std::size_t(qb)] += k2 * double(m);
            nPar[std::size_t(qb)] += 1;
        }
    });
    return compact(sumKPerp, nPerp, sumKPar, nPar, sumP, count);
}

CylindricalPower cylindricalPowerRatio(const CylindricalPower& a, const CylindricalPower& b)
{
    auto sameBins = [](const std::vector<double>& x, const std::vector<double>& y) {
        if (x.size() != y.size())
            return false;
        for (std::size_t i = 0; i < x.size(); ++i)
            if (std::abs(x[i] - y[i]) > 1e-6 * std::max(std::abs(x[i]), std::abs(y[i])))
                return false;
        return true;
    };
    if (!sameBins(a.kPerp, b.kPerp) || !sameBins(a.kPar, b.kPar))
        throw ParameterError("power ratio",
            "the two cubes have different k bins (" + std::to_string(a.kPerp.size()) + "x"
                + std::to_string(a.kPar.size()) + " and " + std::to_string(b.kPerp.size()) + "x"
                + std::to_string(b.kPar.size())
                + " cells of k_perp x k_par, or other wavenumbers): the ratio needs cubes of one grid and box");
    CylindricalPower r = a;
    for (std::size_t c = 0; c < r.power.size(); ++c) {
        const double pa = a.power[c], pb = b.power[c];
        r.power[c] = std::isfinite(pa) && std::isfinite(pb) && pb > 0 ? pa / pb : std::nan("");
    }
    return r;
}

} // namespace rs
