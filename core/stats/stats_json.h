#pragma once
/// \file stats_json.h
/// JSON forms of the statistics (the shapes `stats --json`, `stats --cross` and `compare --json`
/// print; the GUI and the benches reuse them). NaN and infinities become null.

#include "stats/compare.h"
#include "stats/cube_statistics.h"

#include <nlohmann/json.hpp>

namespace rs {

/// {k, delta2, error, modes, power (P(k)), k_units}.
nlohmann::json spectrumJson(const PowerSpectrum& ps, const SpectrumUnits& units = {});
/// {power_spectrum, power_spectrum_2d {k_perp, k_par, power (rows k⊥, columns k∥), modes,
/// k_units, power_units}, pdf {bins (centres), edges, counts, mean, variance, skewness, kurtosis},
/// bubble_sizes {mfp {r_mpc, r_dp_dr, mean_mpc, rays, truncated}, fof {volumes_mpc3, largest_mpc3,
/// count, ionized_volume_mpc3, v_mpc3, v_dp_dv}} (x_HI only)}.
nlohmann::json statisticsJson(const FieldStatistics& s, const SpectrumUnits& units = {});
/// {k, power (Δ²_AB), r, modes, k_units}.
nlohmann::json crossJson(const CrossCorrelation& c, const SpectrumUnits& units = {});
/// {quantity, redshift, mean_a, mean_b, k, ratio, median_ratio, k_range, ks_distance, same_grid,
/// same_side_fraction, cross_r}.
nlohmann::json comparisonJson(const CubeComparison& c, const CompareOptions& options, const SpectrumUnits& units = {});

} // namespace rs
