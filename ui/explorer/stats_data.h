#pragma once
/// \file stats_data.h
/// The numbers behind the statistics panel, all computed by core (rs::computeStatistics,
/// rs::boxMean): per cube the PDF with its moments, Δ²(k) with errors, P(k⊥, k∥) and for x_HI
/// the bubble sizes; per run nf(z) and mean δT_b(z). Plain values, computed on worker threads,
/// plus their CSV forms.

#include "catalog/catalog.h"
#include "explorer/snapshot.h"
#include "io/power_spectrum_file.h"
#include "stats/cube_statistics.h"
#include "util/progress.h"

#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace rs::ui {

struct CubeStatistics {
    Quantity quantity = Quantity::Other;
    std::optional<double> redshift;
    QString label; ///< the cube's title (plain)
    QString runLabel; ///< the catalog run's label ("ζ=20")
    QString folder; ///< the cube file's folder (tells runs of one label apart)
    Histogram histogram; ///< = field.pdf.histogram
    PowerSpectrum spectrum; ///< = field.spectrum (classic bins)
    FieldStatistics field; ///< every statistic of core/stats, one FFT
    std::optional<PowerSpectrumFile> reference; ///< a classic 21cmFAST ps_ file of the same z and nf
};

struct RunSeries {
    QString runId;
    QString runLabel;
    QString folder; ///< the run's folder (tells runs of one label apart)
    std::vector<double> z; ///< increasing
    std::vector<double> nf; ///< box mean x_HI (NaN where the run has no x_HI cube at z)
    std::vector<double> meanTb; ///< box mean δT_b [mK] (NaN where none)
};

/// Rays the panel casts for the mean free path: fewer than the CLI's 10⁶ so that a 200³ x_HI
/// cube stays well under a second on two cores; the mean is then good to ~0.3 %.
constexpr std::size_t kPanelMfpRays = 200000;

/// Every statistic of a loaded cube (PDF of `bins` bins over the cube's range, spectra, and for
/// x_HI bubble sizes with `rays` rays), and for δT_b the matching classic ps_ file from the
/// cube's folder when there is one. Throws what core throws (CancelledError when stopped).
CubeStatistics computeCubeStatistics(
    const LoadedCube& cube, int bins, const StopToken& stop, std::size_t rays = kPanelMfpRays);

/// nf(z) and mean δT_b(z) over every redshift of a run, reading one coeval cube at a time; a
/// lightcone adds its file's global quantities at its node redshifts (it is not read again). Throws
/// IoError/FormatError, CancelledError when stopped.
RunSeries computeRunSeries(const CatalogRun& run, const ProgressFn& progress, const StopToken& stop);

/// Legend names for an overlay of several cubes' statistics naming only what differs between
/// them: quantity, redshift, run label, and the folder when runs share a label. Names that would
/// still coincide get "#i" appended. One name per entry (the plain label for a single entry).
std::vector<QString> overlayNames(const std::vector<const CubeStatistics*>& set);
/// overlayNames for an overlay of runs' histories nf(z), ⟨δT_b⟩(z): run label, and the folder when runs
/// share a label ("#i" when still equal); the run label alone for a single run.
std::vector<QString> historyNames(const std::vector<const RunSeries*>& set);

/// What tells overlaid entries apart, part by part: the overlay names join the parts that differ
/// within the set (parts equal across it are left out); the folder counts only between entries
/// of one run label. `single` is the name of an entry shown alone.
struct OverlayKey {
    QString quantity, redshift, runLabel, folder, single;
};
std::vector<QString> overlayNamesOf(const std::vector<OverlayKey>& keys);

/// CSV text ('#' comment lines, a header line, one line per row) of each statistic.
QString histogramCsv(const CubeStatistics& s);
QString spectrumCsv(const CubeStatistics& s);
QString seriesCsv(const RunSeries& s);
/// P(k⊥, k∥) as rows k_perp,k_par,power,modes (1/Mpc, cells without modes left out).
QString cylindricalCsv(const CubeStatistics& s);
/// A ratio map P_A/P_B(k⊥, k∥) (cylindricalPowerRatio) as rows k_perp,k_par,ratio,modes.
QString cylindricalRatioCsv(const QString& title, const CylindricalPower& ratio);
/// Mean free path rows (r_mpc,r_dp_dr) then FoF rows (v_mpc3,v_dp_dv), each under its header;
/// comment lines only when the cube has no bubble sizes (not x_HI).
QString bubblesCsv(const CubeStatistics& s);

} // namespace rs::ui
