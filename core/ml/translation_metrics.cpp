#include "ml/translation_metrics.h"

#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace rs::ml {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

const std::array<double, 3>& translationMetricKs()
{
    static const std::array<double, 3> ks {0.1, 0.3, 1.0};
    return ks;
}

double ionizedThreshold(Quantity target)
{
    return target == Quantity::BrightnessTemperature ? 1.0 : 0.5;
}

void TranslationTally::addCells(const float* predicted, const float* truth, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i) {
        const float p = predicted[i], t = truth[i];
        if (std::isnan(p) || std::isnan(t))
            throw ParameterError("translation metrics", "a predicted or true cell is NaN");
        const bool ip = p < m_threshold, it = t < m_threshold;
        m_same += ip == it;
        m_ionBoth += ip && it;
        m_ionEither += ip || it;
        m_sumPred += p;
        m_sumTrue += t;
    }
    m_cells += n;
}

void TranslationTally::addSpectra(
    const PowerSpectrum& predicted, const PowerSpectrum& truth, const PowerSpectrum& cross)
{
    const std::size_t bins = truth.k.size();
    if (predicted.k.size() != bins || cross.k.size() != bins || (m_spectra && m_k.size() != bins))
        throw ParameterError("translation metrics", "power spectra of different binnings");
    if (!m_spectra) {
        m_k.assign(bins, 0.0);
        m_pp.assign(bins, 0.0);
        m_tt.assign(bins, 0.0);
        m_pt.assign(bins, 0.0);
    }
    for (std::size_t b = 0; b < bins; ++b) {
        m_k[b] += truth.k[b];
        m_pp[b] += predicted.delta2[b];
        m_tt[b] += truth.delta2[b];
        m_pt[b] += cross.delta2[b];
    }
    ++m_spectra;
}

void TranslationTally::addSlice(
    const float* predicted, const float* truth, std::size_t rows, std::size_t cols, double cellMpc)
{
    addCells(predicted, truth, rows * cols);
    // Cross spectrum from the spectrum of the sum: Δ²_{p+t} = Δ²_p + Δ²_t + 2 Δ²_pt.
    std::vector<float> sum(rows * cols);
    for (std::size_t i = 0; i < sum.size(); ++i)
        sum[i] = predicted[i] + truth[i];
    const PowerSpectrum pp = powerSpectrum2d(predicted, rows, cols, cellMpc, cellMpc);
    const PowerSpectrum tt = powerSpectrum2d(truth, rows, cols, cellMpc, cellMpc);
    PowerSpectrum pt = powerSpectrum2d(sum.data(), rows, cols, cellMpc, cellMpc);
    if (pt.k.size() != pp.k.size() || tt.k.size() != pp.k.size()) // a field without power in some bin
        throw ParameterError("translation metrics", "slice spectra with different bins (constant slice?)");
    for (std::size_t b = 0; b < pt.delta2.size(); ++b)
        pt.delta2[b] = 0.5 * (pt.delta2[b] - pp.delta2[b] - tt.delta2[b]);
    addSpectra(pp, tt, pt);
}

TranslationMetrics TranslationTally::result() const
{
    if (!m_cells)
        throw ParameterError("translation metrics", "no cells to compare");
    TranslationMetrics m;
    m.cells = m_cells;
    m.pixelAccuracy = double(m_same) / double(m_cells);
    m.iouIonized = m_ionEither ? double(m_ionBoth) / double(m_ionEither) : 1.0;
    m.meanPredicted = m_sumPred / double(m_cells);
    m.meanTrue = m_sumTrue / double(m_cells);
    m.nfError = m.meanPredicted - m.meanTrue;
    std::vector<double> ratios;
    PowerSpectrum r;
    for (std::size_t b = 0; b < m_k.size(); ++b) {
        const double k = m_k[b] / double(m_spectra);
        if (k > 0.1 && k < 1.0 && m_tt[b] > 0)
            ratios.push_back(m_pp[b] / m_tt[b]);
        if (m_pp[b] > 0 && m_tt[b] > 0) {
            r.k.push_back(k);
            r.delta2.push_back(m_pt[b] / std::sqrt(m_pp[b] * m_tt[b]));
        }
    }
    m.powerRatioMedian = kNaN;
    if (!ratios.empty()) {
        std::sort(ratios.begin(), ratios.end());
        const std::size_t h = ratios.size() / 2;
        m.powerRatioMedian = ratios.size() % 2 ? ratios[h] : 0.5 * (ratios[h - 1] + ratios[h]);
    }
    for (std::size_t i = 0; i < 3; ++i)
        m.rK[i] = interpolateSpectrum(r, translationMetricKs()[i]).value_or(kNaN);
    return m;
}

TranslationMetrics compareCubes(const Cube& predicted, const Cube& truth, Quantity target)
{
    if (predicted.shape() != truth.shape())
        throw ParameterError("translation metrics", "predicted and true cubes have different shapes");
    TranslationTally t(target);
    t.addCells(predicted.data(), truth.data(), truth.voxelCount());
    t.addSpectra(powerSpectrum(predicted), powerSpectrum(truth), crossPowerSpectrum(predicted, truth));
    return t.result();
}

} // namespace rs::ml
