#pragma once
/// \file generation_metrics.h
/// How close generated maps come to simulated ones at the same (z, ζ): what `evaluate --json`
/// reports for generator runs. No LibTorch here. Per parameter group (one (z, ζ) point):
///
///   power_ratio_median  median over the 2D spectrum bins with 0.1 < k < 1 /Mpc of
///                       ⟨Δ²_generated⟩ / ⟨Δ²_simulated⟩ (core/stats powerSpectrum2d, means over
///                       the maps); NaN for a group whose simulated maps have no power there
///                       (fully ionized or fully neutral)
///   pdf_ks              Kolmogorov–Smirnov distance of the pooled cell values (core/stats ksDistance)
///   nf_error            neutral fraction generated − simulated: the mean x_HI for x_HI maps, the
///                       fraction of cells at or above 1 mK for δT_b maps (with velocities,
///                       classic 21cmFAST's sub-cell RSD spills signal into ionized neighbours, so
///                       this share exceeds the x_HI > 0 share by up to 0.03, in its delta_T_v3
///                       boxes and in the simulator's velocity δT_b alike; without velocities
///                       ionized cells are 0 mK and the two shares agree)
///   diversity           mean pairwise RMS distance between generated maps over that between the
///                       simulated maps (1: as varied as the simulations; 0: one map repeated);
///                       NaN when the simulated maps are all alike
/// The summary: the median of the groups' power ratios, the mean and the worst of pdf_ks and
/// |nf_error|, the mean nf_error and the median diversity.

#include "cube/quantity.h"
#include "ml/labels.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace rs::ml {

class DatasetFile;

/// The samples of `split` grouped by their (z, ζ) labels: the parameter points generated maps are
/// judged at (evaluate, the per-point calibration, the Generator view).
std::map<std::pair<double, double>, std::vector<std::int64_t>> samplesByPoint(const DatasetFile& ds, Split split);

struct GenerationGroupMetrics {
    double z = 0, zeta = 0;
    std::size_t simulated = 0, generated = 0; ///< map counts
    double powerRatioMedian = 0, pdfKs = 0, nfSimulated = 0, nfGenerated = 0, nfError = 0, diversity = 0;
};

struct GenerationMetrics {
    double powerRatioMedian = 0; ///< median over groups with a finite ratio (NaN if none)
    double powerRatioMin = 0, powerRatioMax = 0; ///< over those groups
    double pdfKs = 0, pdfKsMax = 0; ///< mean and worst over groups
    double nfError = 0, nfErrorMaxAbs = 0; ///< mean (signed) and worst |error| over groups
    double diversity = 0; ///< median over groups with a finite value
    std::vector<GenerationGroupMetrics> groups;
};

/// Compares `generated` maps with `simulated` ones of one parameter point (each count × rows ×
/// cols floats in physical units, pixel `cellMpc`). Throws ParameterError for no maps, a bad
/// size or non-finite values.
GenerationGroupMetrics compareGeneratedGroup(double z, double zeta, const std::vector<float>& simulated,
    const std::vector<float>& generated, std::size_t rows, std::size_t cols, double cellMpc, Quantity quantity);

/// The simulated side of one group, computed once for scoring many sets of generated maps against
/// it (the per-point calibration): the maps' mean Δ²(k) and their sorted finite values.
struct SimulatedReference {
    std::size_t rows = 0, cols = 0;
    double cellMpc = 0;
    std::vector<double> k, power;
    std::vector<float> sorted;
};

/// Throws ParameterError as compareGeneratedGroup does.
SimulatedReference simulatedReference(
    const std::vector<float>& simulated, std::size_t rows, std::size_t cols, double cellMpc);

/// power_ratio_median and pdf_ks of `generated` (maps of the reference's size) against `ref`,
/// exactly as compareGeneratedGroup computes them.
std::pair<double, double> powerRatioAndKs(const SimulatedReference& ref, const std::vector<float>& generated);

/// The summary over groups (see above). Throws ParameterError when `groups` is empty.
GenerationMetrics summariseGeneration(std::vector<GenerationGroupMetrics> groups);

/// Mean Δ²(k) of `count` maps (rows × cols, pixel cellMpc) on the 2D spectrum bins: k in `k`,
/// Δ² returned. For plots and the metrics above. Throws ParameterError for no maps.
std::vector<double> meanPower2d(
    const float* maps, std::size_t count, std::size_t rows, std::size_t cols, double cellMpc, std::vector<double>& k);

} // namespace rs::ml
