#include "stats/power_spectrum.h"

#include "numerics/kspace.h"
#include "stats/fourier_box.h"
#include "util/error.h"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <mutex>

namespace rs {

namespace {

/// Bin edges: classic ([0, Δk), then ×1.5 while the ceiling is below N·Δk) for bins = 0, else
/// `bins` log-spaced bins from the fundamental to the grid's largest |k| (`kCorner`).
std::vector<double> binEdges(double kFund, std::size_t maxN, double kCorner, int bins)
{
    std::vector<double> edges;
    if (bins == 0) {
        const double kMax = kFund * double(maxN);
        double ceil = kFund;
        edges.push_back(0.0);
        while (ceil < kMax) { // a bin counts only while its ceiling is below N·Δk (as classic)
            edges.push_back(ceil);
            ceil *= 1.5;
        }
    } else {
        const double kMax = kCorner * (1.0 + 1e-9);
        for (int i = 0; i <= bins; ++i)
            edges.push_back(kFund * std::pow(kMax / kFund, double(i) / bins) * (i == 0 ? (1.0 - 1e-9) : 1.0));
    }
    return edges;
}

PowerSpectrum fromBins(const std::vector<double>& sumK, const std::vector<double>& sumP,
    const std::vector<double>& count, const std::vector<double>& sumPower)
{
    PowerSpectrum ps;
    for (std::size_t i = 0; i < count.size(); ++i) {
        if (count[i] == 0)
            continue;
        ps.k.push_back(sumK[i] / count[i]);
        ps.delta2.push_back(sumP[i] / count[i]);
        ps.modes.push_back(count[i]);
        ps.power.push_back(sumPower[i] / count[i]);
    }
    return ps;
}

PowerSpectrum binned(
    const Shape& s, const Extent& box, int bins, const std::complex<float>* a, const std::complex<float>* b)
{
    const double kf[3] = {2 * std::numbers::pi / box[0], 2 * std::numbers::pi / box[1], 2 * std::numbers::pi / box[2]};
    const double volume = box[0] * box[1] * box[2];
    const std::size_t nzc = s[2] / 2 + 1;
    const double kFund = std::min({kf[0], kf[1], kf[2]});

    double kCorner = 0;
    for (int a2 = 0; a2 < 3; ++a2)
        kCorner += std::pow(kf[a2] * double(s[a2] / 2), 2);
    const std::vector<double> edges = binEdges(kFund, std::max({s[0], s[1], s[2]}), std::sqrt(kCorner), bins);
    const std::size_t nb = edges.size() - 1;
    std::vector<double> sumK(nb, 0), sumP(nb, 0), count(nb, 0), sumPower(nb, 0);
    fft::forEachKRow(s, [&](long fi, long fj, std::size_t base) {
        const double kx = kf[0] * double(fi), ky = kf[1] * double(fj);
        for (std::size_t m = 0; m < nzc; ++m) {
            if (fi == 0 && fj == 0 && m == 0)
                continue;
            const double kz = kf[2] * double(m);
            const double k = std::sqrt(kx * kx + ky * ky + kz * kz);
            const auto it = std::upper_bound(edges.begin(), edges.end(), k);
            if (it == edges.begin() || it == edges.end())
                continue;
            const std::size_t bin = std::size_t(it - edges.begin()) - 1;
            const std::size_t c = base + m;
            const double p = double(a[c].real()) * double(b[c].real()) + double(a[c].imag()) * double(b[c].imag());
            sumK[bin] += k;
            sumP[bin] += k * k * k * p / (2.0 * std::numbers::pi * std::numbers::pi * volume);
            sumPower[bin] += p / volume;
            count[bin] += 1;
        }
    });
    return fromBins(sumK, sumP, count, sumPower);
}

void checkInput(const Cube& c, int bins)
{
    if (c.empty())
        throw ParameterError("cube", "empty cube has no power spectrum");
    if (bins < 0)
        throw ParameterError("bins", "must be ≥ 0 (0: classic 21cmFAST bins)");
}

} // namespace

std::vector<double> PowerSpectrum::error() const
{
    std::vector<double> e(delta2.size());
    for (std::size_t i = 0; i < e.size(); ++i)
        e[i] = delta2[i] / std::sqrt(std::max(modes[i], 1.0));
    return e;
}

PowerSpectrum powerSpectrum(const Cube& cube, int bins)
{
    checkInput(cube, bins);
    return powerSpectrum(fourierTransform(cube), bins);
}

PowerSpectrum crossPowerSpectrum(const Cube& a, const Cube& b, int bins)
{
    checkInput(a, bins);
    checkInput(b, bins);
    if (a.shape() != b.shape() || a.boxLength() != b.boxLength())
        throw ParameterError("cube", "cross power needs two cubes of the same grid and box");
    return crossPowerSpectrum(fourierTransform(a), fourierTransform(b), bins);
}

PowerSpectrum crossPowerSpectrum(const FourierBox& a, const FourierBox& b, int bins)
{
    if (bins < 0)
        throw ParameterError("bins", "must be ≥ 0 (0: classic 21cmFAST bins)");
    if (a.shape != b.shape || a.box != b.box)
        throw ParameterError("cube", "cross power needs two cubes of the same grid and box");
    return binned(a.shape, a.box, bins, a.modes.get(), b.modes.get());
}

PowerSpectrum powerSpectrum(const FourierBox& transform, int bins)
{
    if (bins < 0)
        throw ParameterError("bins", "must be ≥ 0 (0: classic 21cmFAST bins)");
    return binned(transform.shape, transform.box, bins, transform.modes.get(), transform.modes.get());
}

PowerSpectrum powerSpectrum2d(
    const float* values, std::size_t rows, std::size_t cols, double cellRow, double cellCol, int bins)
{
    if (!values || rows == 0 || cols == 0)
        throw ParameterError("slice", "empty field has no power spectrum");
    if (bins < 0)
        throw ParameterError("bins", "must be ≥ 0 (0: classic bins)");
    if (!(cellRow > 0) || !(cellCol > 0))
        throw ParameterError("cell", "pixel sides must be positive");
    const std::size_t n = rows * cols, ncc = cols / 2 + 1;
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (!std::isfinite(values[i]))
            throw FormatError("slice", "holds NaN or infinite values; no power spectrum");
        sum += values[i];
    }
    const float mean = float(sum / double(n));
    const double lr = cellRow * double(rows), lc = cellCol * double(cols), area = lr * lc;
    const float scale = float(area / double(n));
    std::unique_ptr<float, FftwFree> in(static_cast<float*>(fftwf_malloc(sizeof(float) * n)));
    std::unique_ptr<std::complex<float>[], FftwFree> out(
        static_cast<std::complex<float>*>(fftwf_malloc(sizeof(std::complex<float>) * rows * ncc)));
    if (!in || !out)
        throw Error("power spectrum: out of memory");
    for (std::size_t i = 0; i < n; ++i)
        in.get()[i] = (values[i] - mean) * scale;
    fftwf_plan plan;
    {
        auto lock = fft::lockPlanner();
        plan = fftwf_plan_dft_r2c_2d(
            int(rows), int(cols), in.get(), reinterpret_cast<fftwf_complex*>(out.get()), FFTW_ESTIMATE);
    }
    if (!plan)
        throw Error("power spectrum: FFTW cannot plan this shape");
    fftwf_execute(plan);
    {
        auto lock = fft::lockPlanner();
        fftwf_destroy_plan(plan);
    }
    const double kr = 2 * std::numbers::pi / lr, kc = 2 * std::numbers::pi / lc, kFund = std::min(kr, kc);
    const double kCorner = std::hypot(kr * double(rows / 2), kc * double(cols / 2));
    const std::vector<double> edges = binEdges(kFund, std::max(rows, cols), kCorner, bins);
    const std::size_t nb = edges.size() - 1;
    std::vector<double> sumK(nb, 0), sumP(nb, 0), count(nb, 0), sumPower(nb, 0);
    for (std::size_t i = 0; i < rows; ++i) {
        const double ky = kr * double(fft::frequency(i, rows));
        for (std::size_t m = 0; m < ncc; ++m) {
            if (i == 0 && m == 0)
                continue;
            const double k = std::hypot(ky, kc * double(m));
            const auto it = std::upper_bound(edges.begin(), edges.end(), k);
            if (it == edges.begin() || it == edges.end())
                continue;
            const std::size_t bin = std::size_t(it - edges.begin()) - 1;
            const double p = std::norm(out.get()[i * ncc + m]) / area;
            sumK[bin] += k;
            sumP[bin] += k * k * p / (2 * std::numbers::pi);
            sumPower[bin] += p;
            count[bin] += 1;
        }
    }
    return fromBins(sumK, sumP, count, sumPower);
}

std::optional<double> interpolateSpectrum(const PowerSpectrum& ps, double k)
{
    if (ps.k.size() < 2 || k < ps.k.front() || k > ps.k.back())
        return std::nullopt;
    const auto it = std::upper_bound(ps.k.begin(), ps.k.end(), k);
    std::size_t i = std::size_t(it - ps.k.begin());
    if (i == ps.k.size())
        i = ps.k.size() - 1;
    if (i == 0)
        i = 1;
    const double x0 = std::log(ps.k[i - 1]), x1 = std::log(ps.k[i]);
    const double y0 = ps.delta2[i - 1], y1 = ps.delta2[i];
    if (y0 <= 0 || y1 <= 0)
        return y0 + (y1 - y0) * (std::log(k) - x0) / (x1 - x0);
    return std::exp(std::log(y0) + (std::log(y1) - std::log(y0)) * (std::log(k) - x0) / (x1 - x0));
}

} // namespace rs
