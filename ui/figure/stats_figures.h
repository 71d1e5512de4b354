#pragma once
/// \file stats_figures.h
/// Figures of the Statistics panel beyond Δ²(k) and histories: the voxel PDF as steps (counts for
/// one cube, probability density for an overlay) and the bubble size distributions (mean free
/// path R dP/dR and friends-of-friends V dP/dV), as PlotFigures painted like every other figure
/// (axes with units, ticks, legend), and two plots side by side in one file.

#include "figure/figures.h"

#include "stats/bubble_sizes.h"
#include "stats/pdf.h"

namespace rs::figure {

/// A named voxel PDF for PDF figures.
struct NamedPdf {
    QString name;
    Pdf pdf;
};

/// The PDF of each entry as steps over its bins: voxel counts for one entry, probability density
/// (comparable between grids) for several, with a legend. `xLabel` names the values with units
/// ("δT_b [mK]"). Throws ParameterError when no entry has a bin.
PlotFigure pdfFigure(const std::vector<NamedPdf>& pdfs, const QString& xLabel, const QString& title);

/// A named x_HI cube's bubble sizes for bubble figures.
struct NamedBubbles {
    QString name;
    MeanFreePath mfp;
    FofRegions regions;
};

/// The two bubble size plots: mean free path R dP/dR against R [Mpc] (log R, linear y) and
/// friends-of-friends V dP/dV against V [Mpc³] (log-log), a legend with ⟨R⟩ / region counts when
/// several. Throws ParameterError when no entry has a distribution.
struct BubbleFigures {
    PlotFigure mfp, fof;
    QSizeF inches {11.0, 4.5}; ///< both side by side
};
BubbleFigures bubbleFigures(const std::vector<NamedBubbles>& bubbles);

/// Paints the two bubble plots side by side in `rect`.
void paintBubbles(QPainter& p, const QRectF& rect, const BubbleFigures& f);

} // namespace rs::figure
