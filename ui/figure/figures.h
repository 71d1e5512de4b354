#pragma once
/// \file figures.h
/// Publication figures as data and their painters: colour maps of a slice or a lightcone (axes in
/// Mpc, or z below and ν = 1420.4/(1+z) MHz above for lightcones, a colour bar with units) and
/// line plots in stacked panels (Δ²(k) with error bars on log axes, nf(z) and ⟨δT_b⟩(z)). The
/// builders turn core results (cubes, spectra, histories) into figures; `reionscope-cli figure`
/// and the GUI's exports paint the same figures (figure_file.h writes them as PNG, SVG or PDF).

#include "figure/axes.h"

#include "cube/cube.h"
#include "stats/power_spectrum.h"
#include "stats/series.h"

#include <QColor>
#include <QImage>
#include <QPointF>
#include <QSizeF>
#include <QString>

#include <optional>
#include <vector>

class QPainter;

namespace rs::figure {

/// A colour-mapped 2D field: row 0 at the top, columns left to right, filling the plot area
/// between the axes' ranges.
struct MapFigure {
    std::vector<float> values; ///< rows × cols, row-major
    std::size_t rows = 0, cols = 0;
    Axis x; ///< columns (left → right)
    Axis y; ///< rows (row 0 at the top: reversed)
    std::optional<Axis> top; ///< a second scale above the plot (frequency of a lightcone)
    ColormapId map = ColormapId::Viridis;
    DisplayRange range;
    QString barLabel; ///< "δT_b [mK]"
    QString title;
    bool keepAspect = true; ///< one Mpc as long across as up
    QSizeF inches {6.0, 5.0}; ///< the figure's size when written to a file
};

/// Paints a map figure into `rect` (title, plot, axes, colour bar). NaN values are magenta.
void paintMap(QPainter& p, const QRectF& rect, const MapFigure& f);

/// What a map figure of a cube shows besides its data: the colour map (default: the quantity's),
/// the value range (default: the whole cube's, symmetric for a diverging map) and the title
/// (default: quantity, redshift, slice).
struct MapOptions {
    std::optional<ColormapId> map;
    std::optional<std::pair<double, double>> range;
    std::optional<QString> title;
};

/// "δT_b [mK]", "x_HI", "δ" (the label of a colour bar or axis for the quantity's values).
QString quantityLabel(Quantity q);

/// The slice perpendicular to `axis` (0, 1, 2) at `index` of a cube, its two other axes in Mpc
/// (as the slice view shows it: rows along the first remaining axis, top to bottom). Throws
/// ParameterError when the index is outside the cube or the range is empty.
MapFigure sliceFigure(const Cube& cube, int axis, std::size_t index, const MapOptions& o = {});

/// A lightcone's line-of-sight picture cut at `index` along transverse axis `axis` (0 or 1): the
/// other transverse axis up [Mpc], the line of sight to the right with redshift ticks below and
/// frequency ticks above. Throws ParameterError when the cube is not a lightcone, the axis is the
/// line of sight or the index is outside.
MapFigure lightconeFigure(const Cube& lightcone, int axis, std::size_t index, const MapOptions& o = {});

/// A rendered 3D view of a cube (the Explorer's volume view) as a figure: the rendering with the
/// box's axes in Mpc drawn into it, a colour bar of the transfer function's colours over its value
/// range with the opacity ramp drawn across it (left edge transparent, right edge opaque), a title
/// and a caption line below (grid and box size).
struct VolumeFigure {
    QImage image; ///< the rendering, as shown (its aspect is kept)
    ColormapId map = ColormapId::Viridis;
    DisplayRange range;
    std::vector<QPointF> opacity; ///< (position in the range 0..1, opacity 0..1), sorted by position
    QString barLabel;
    QString title;
    QString caption;
    QSizeF inches {6.5, 5.0};
};

/// Paints a volume figure into `rect`. Paints nothing but the title when the image is null.
void paintVolume(QPainter& p, const QRectF& rect, const VolumeFigure& f);

/// One curve of a plot, with optional symmetric error bars.
struct Series {
    QString name;
    QColor color;
    std::vector<double> x, y, error; ///< error: empty or one per point
    bool markers = false; ///< draw a dot at each point
};

/// One plot area with its axes and curves.
struct PlotPanel {
    Axis x, y;
    std::vector<Series> series;
    bool legend = false;
};

/// Panels stacked top to bottom sharing one x axis (labelled on the lowest).
struct PlotFigure {
    QString title;
    std::vector<PlotPanel> panels;
    QSizeF inches {6.0, 4.5};
};

void paintPlot(QPainter& p, const QRectF& rect, const PlotFigure& f);

/// A named spectrum for power figures.
struct NamedSpectrum {
    QString name;
    PowerSpectrum spectrum;
    Quantity quantity = Quantity::Other;
};

/// Δ²(k) of each spectrum on log axes, with error bars Δ²/√modes and a legend when several; k
/// in `perH` ? h/Mpc : 1/Mpc (wavenumbers divided by h). Throws ParameterError when no spectrum
/// has a positive value.
PlotFigure powerFigure(
    const std::vector<NamedSpectrum>& spectra, const QString& title, bool perH = false, double hubble = 0.68);

/// A named history for history figures.
struct NamedSeries {
    QString name;
    RedshiftSeries series;
};

/// nf(z) (upper panel) and ⟨δT_b⟩(z) (lower panel) of each history, a legend when several; a
/// panel is left out when no history has its quantity. Throws ParameterError when neither has.
PlotFigure historyFigure(const std::vector<NamedSeries>& histories, const QString& title);

/// Axis range [lo, hi] around finite (and, for log, positive) values with a margin; {0, 1} when none.
std::pair<double, double> dataRange(const std::vector<double>& values, bool log, double margin = 0.05);

} // namespace rs::figure
