#pragma once
/// \file translation_metrics.h
/// Physics metrics of a translated field (density → x_HI or δT_b) against the simulated truth:
/// what `evaluate --json` and `translate --truth` report for translation runs. No LibTorch here.
///
///   pixel_accuracy      fraction of cells on the same side of the ionization threshold (x_HI = 0.5;
///                       for δT_b, 1 mK: ionized cells have δT_b = 0)
///   iou_ionized         |ionized in both| / |ionized in either| (1 when neither has any)
///   nf_error            mean predicted − mean true (the neutral fraction for x_HI; mK for δT_b)
///   power_ratio_median  median over the spectrum bins with 0.1 < k < 1 /Mpc of Δ²_pred / Δ²_true
///   r_k                 cross-correlation Δ²_pt / √(Δ²_p Δ²_t) at k = 0.1, 0.3 and 1 /Mpc
///                       (log-k interpolation between bins; NaN outside the measured k range)
/// Spectra are 3D (core/stats powerSpectrum) for whole cubes and circularly averaged 2D ones
/// summed over slices for datasets of slices.

#include "cube/cube.h"
#include "cube/quantity.h"
#include "stats/power_spectrum.h"

#include <array>
#include <cstddef>
#include <vector>

namespace rs::ml {

struct TranslationMetrics {
    std::size_t cells = 0;
    double pixelAccuracy = 0, iouIonized = 0;
    double meanPredicted = 0, meanTrue = 0, nfError = 0;
    double powerRatioMedian = 0;
    std::array<double, 3> rK {0, 0, 0}; ///< at translationMetricKs()
};

/// The wavenumbers of TranslationMetrics::rK: 0.1, 0.3, 1 /Mpc.
const std::array<double, 3>& translationMetricKs();

/// The threshold below which a cell of `target` counts as ionized: 0.5 for x_HI, 1 mK for δT_b.
double ionizedThreshold(Quantity target);

/// Sums over many fields (slices or cubes) of one binning; result() turns them into metrics.
class TranslationTally {
public:
    explicit TranslationTally(Quantity target)
        : m_threshold(ionizedThreshold(target))
    { }
    /// Counts `n` cells. Throws ParameterError for NaN in either field.
    void addCells(const float* predicted, const float* truth, std::size_t n);
    /// Adds auto and cross spectra of one field pair (same binning for every call: same grid).
    /// Throws ParameterError when the binning differs from earlier calls.
    void addSpectra(const PowerSpectrum& predicted, const PowerSpectrum& truth, const PowerSpectrum& cross);
    /// Adds a 2D field pair (rows × cols, pixel `cellMpc`): cells and circular spectra.
    void addSlice(const float* predicted, const float* truth, std::size_t rows, std::size_t cols, double cellMpc);
    /// Throws ParameterError when nothing was added.
    TranslationMetrics result() const;

private:
    double m_threshold;
    std::size_t m_cells = 0, m_same = 0, m_ionBoth = 0, m_ionEither = 0;
    double m_sumPred = 0, m_sumTrue = 0;
    std::vector<double> m_k, m_pp, m_tt, m_pt;
    std::size_t m_spectra = 0;
};

/// Metrics of a predicted cube against the true one (same grid). Throws ParameterError when the
/// shapes differ, FormatError for NaNs.
TranslationMetrics compareCubes(const Cube& predicted, const Cube& truth, Quantity target);

} // namespace rs::ml
