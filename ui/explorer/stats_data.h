#pragma once
/// \file stats_data.h
/// The numbers behind the statistics panel, all computed by core (rs::histogram,
/// rs::powerSpectrum, rs::boxMean): per cube a histogram and Δ²(k), per run nf(z) and mean
/// δT_b(z). Plain values, computed on worker threads, plus their CSV forms.

#include "catalog/catalog.h"
#include "io/power_spectrum_file.h"
#include "explorer/snapshot.h"
#include "stats/histogram.h"
#include "stats/power_spectrum.h"
#include "util/progress.h"

#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace rs::ui {

struct CubeStatistics {
    Quantity quantity = Quantity::Other;
    std::optional<double> redshift;
    QString label;                               ///< the cube's title (plain)
    Histogram histogram;
    PowerSpectrum spectrum;
    std::optional<PowerSpectrumFile> reference;  ///< a classic 21cmFAST ps_ file of the same z and nf
};

struct RunSeries {
    QString runId;
    QString runLabel;
    std::vector<double> z;       ///< increasing
    std::vector<double> nf;      ///< box mean x_HI (NaN where the run has no x_HI cube at z)
    std::vector<double> meanTb;  ///< box mean δT_b [mK] (NaN where none)
};

/// Histogram (`bins` bins over the cube's range) and power spectrum of a loaded cube, and for δT_b
/// the matching classic ps_ file from the cube's folder when there is one. Throws what core throws.
CubeStatistics computeCubeStatistics(const LoadedCube& cube, int bins, const StopToken& stop);

/// nf(z) and mean δT_b(z) over every redshift of a run, reading one cube at a time. Throws
/// IoError/FormatError, CancelledError when stopped.
RunSeries computeRunSeries(const CatalogRun& run, const ProgressFn& progress, const StopToken& stop);

/// CSV text ('#' comment lines, a header line, one line per row) of each statistic.
QString histogramCsv(const CubeStatistics& s);
QString spectrumCsv(const CubeStatistics& s);
QString seriesCsv(const RunSeries& s);

} // namespace rs::ui
