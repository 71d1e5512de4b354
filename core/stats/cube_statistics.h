#pragma once
/// \file cube_statistics.h
/// Every statistic of one cube at once, sharing one FFT: spherical Δ²(k) (classic 21cmFAST
/// bins), cylindrical P(k⊥, k∥), the PDF with its moments and, for x_HI cubes, the bubble size
/// distributions. What `stats --json` prints per cube, the bench measures and the GUI shows.
/// Also the k-unit conversion for spectra (1/Mpc or h/Mpc).

#include "stats/bubble_sizes.h"
#include "stats/cylindrical_power.h"
#include "stats/pdf.h"
#include "stats/power_spectrum.h"

#include <optional>

namespace rs {

struct StatisticsOptions {
    int bins = 0; ///< spherical bins (0: classic)
    int perpBins = 0; ///< cylindrical k⊥ bins (0: ×1.5 edges)
    int parBins = 0; ///< cylindrical k∥ bins
    int pdfBins = 100;
    bool bubbles = true; ///< bubble sizes for x_HI cubes
    MfpOptions mfp; ///< rays, seed, threshold (also FoF's), ...
};

struct FieldStatistics {
    PowerSpectrum spectrum;
    CylindricalPower cylindrical;
    Pdf pdf;
    std::optional<MeanFreePath> meanFreePath; ///< x_HI cubes only
    std::optional<FofRegions> regions; ///< x_HI cubes only
};

/// All statistics of `cube`. Throws what the single statistics throw (ParameterError,
/// FormatError for NaN/Inf voxels, CancelledError).
FieldStatistics computeStatistics(const Cube& cube, const StatisticsOptions& options = {}, const StopToken& stop = {});

/// Units of the wavenumbers in spectra: 1/Mpc, or h/Mpc (k/h, and P in (Mpc/h)³ = P h³; Δ² is
/// dimensionless in length so it does not change).
struct SpectrumUnits {
    bool perH = false;
    double h = 0.68; ///< H0 / 100 km/s/Mpc (classic 21cmFAST's and the simulator's default)
    double k(double kPerMpc) const { return perH ? kPerMpc / h : kPerMpc; }
    double power(double pMpc3) const { return perH ? pMpc3 * h * h * h : pMpc3; }
    const char* kName() const { return perH ? "h/Mpc" : "1/Mpc"; }
};

} // namespace rs
