#pragma once
/// \file lightcone_view.h
/// The classic 21cm lightcone picture: a line-of-sight slice (transverse axis up, line of sight
/// to the right) against redshift, with redshift ticks above, frequency ν = 1420.4/(1+z) MHz
/// below and comoving distance under the history; the global history (box mean of each slice,
/// and py21cmfast's global quantities) under it, sharing the axis; and the transverse slice at the
/// chosen redshift beside it. The horizontal axis is linear in comoving distance (py21cmfast's
/// slices are equally spaced in it). Clicking the picture or the history chooses that redshift.
///
/// Options above the picture: py21cmfast's EoR colour map (δT_b, −150…30 mK) and a second
/// lightcone (setComparison) shown stacked under the first on the same axis, or subtracted
/// (A − B, diverging colours) when both share the grid — otherwise a message says why not.

#include "cube/comoving.h"
#include "cube/cube.h"
#include "figure/figures.h"
#include "vtk/colormap.h"

#include <QImage>
#include <QPixmap>
#include <QWidget>

#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QToolButton;

namespace rs::ui {

enum class LightconeCompareMode {
    Single, ///< the first lightcone only
    Stacked, ///< the first above the second, same axis
    Difference, ///< first − second, where they share the grid
};

class LightconeView : public QWidget {
    Q_OBJECT

public:
    explicit LightconeView(QWidget* parent = nullptr);
    ~LightconeView() override;

    /// Shows a lightcone (metadata kind Lightcone with its axis); anything else clears the view
    /// (and the comparison). `stats`: the cube's summary when the caller has it (saves a pass).
    void setLightcone(const Cube& cube, std::optional<SummaryStats> stats = std::nullopt);
    const Cube& lightcone() const { return m_cube; }
    /// The second lightcone to compare with (`label` names it, e.g. its run); an empty or coeval
    /// cube removes it. A first comparison switches the mode to Stacked.
    void setComparison(const Cube& cube, const QString& label = {});
    const Cube& comparison() const { return m_other; }
    void setCompareMode(LightconeCompareMode mode);
    LightconeCompareMode compareMode() const { return m_mode; }
    /// Why the difference cannot be shown ("" when it can, or in another mode).
    QString compareMessage() const;
    /// Uses py21cmfast's EoR colour map (δT_b only) instead of the quantity's default map.
    void setEoRColours(bool on);
    bool eorColours() const { return m_eor; }
    void setColormap(ColormapId id);
    /// The map and range the picture is drawn with now (diverging for a difference).
    ColormapId colormap() const;
    DisplayRange displayedRange() const;
    /// The transverse row (index along axis 0) the line-of-sight slice is cut at.
    void setCutIndex(std::size_t i);

    /// The slice chosen along the line of sight, and its redshift (NaN when empty).
    std::size_t chosenSlice() const { return m_chosen; }
    double chosenRedshift() const;
    void chooseSlice(std::size_t k);

    /// Where the line-of-sight picture (both halves when stacked) and the history are drawn.
    QRect pictureRect() const;
    /// The part showing the first (0) or second (1) lightcone: the whole picture, or a half when
    /// stacked (empty for 1 otherwise).
    QRect lightconeRect(int which) const;
    QRect historyRect() const;
    /// The comoving distance [Mpc] at a horizontal position, and back.
    double distanceAtX(double x) const;
    double xOfDistance(double d) const;
    /// The first lightcone's slice under an x position of the picture or history, or npos.
    std::size_t sliceAtX(int x) const;
    /// "z = 7.512 · ν = 166.99 MHz · d = 9012.7 Mpc · δT_b = 12.3 mK" under a widget position
    /// (in a stacked view the value of the lightcone under the cursor, labelled B for the second;
    /// "A − B = …" for a difference).
    QString readoutAt(QPoint pos) const;
    /// Times the view has been painted (for benchmarks and tests).
    int paintCount() const { return m_paints; }

    /// The picture as a publication figure, by the painter `reionscope-cli figure lightcone`
    /// uses (transverse axis up in Mpc, redshift below, ν above, colour bar with units): the
    /// lightcone drawn (A − B in a difference, A when stacked), cut where the view cuts it, in
    /// the view's colour map and range. Throws ParameterError when no lightcone is shown.
    figure::MapFigure figure() const;
    /// Writes figure() to `path`: PNG at `dpi`, SVG or PDF by the suffix. Throws ParameterError
    /// (no lightcone, unknown suffix, dpi), IoError.
    void exportFigure(const QString& path, int dpi = 300) const;
    /// The view's Export… button (asks for the file and, for PNG, the resolution).
    QToolButton* exportButton() const { return m_export; }
    /// Asks for a file (and PNG resolution) and writes the figure there; problems are reported.
    void exportWithDialog();

    QSize sizeHint() const override { return {900, 560}; }

Q_SIGNALS:
    void redshiftChosen(double z, std::size_t slice);
    void hovered(const QString& readout);
    void statusMessage(const QString& text);
    void problem(const QString& message);

protected:
    void paintEvent(QPaintEvent*) override;
    void mousePressEvent(QMouseEvent*) override;
    void mouseMoveEvent(QMouseEvent*) override;
    void resizeEvent(QResizeEvent*) override;
    void changeEvent(QEvent*) override; ///< palette and font changes redraw the cached background
    /// The wheel and the arrow keys scroll the chosen slice along the line of sight (one slice a
    /// step; Page Up/Down ten).
    void wheelEvent(QWheelEvent*) override;
    void keyPressEvent(QKeyEvent*) override;

private:
    void updateComparison();
    void rebuildImages();
    void rebuildTransverse();
    void updateAxisRange();
    const Cube& pictured() const; ///< the cube drawn in the top (or only) part
    std::size_t otherSliceAt(double d) const; ///< the second lightcone's slice at distance d, or npos
    double xOfRedshift(double z) const;
    // Painting (lightcone_paint.cpp).
    void drawPictures(QPainter& p);
    void drawCursor(QPainter& p) const; ///< the chosen slice's dashed line
    int cursorX() const;
    /// What a scroll step changes: the cursor's column at the slice chosen, the transverse column.
    QRegion stepRegion() const;
    void drawAxes(QPainter& p, const QRect& pic);
    void drawTransverse(QPainter& p);
    void drawHistory(QPainter& p, const QRect& r) const;

    Cube m_cube, m_other, m_difference;
    QString m_otherLabel, m_mismatch;
    LightconeCompareMode m_mode = LightconeCompareMode::Single;
    std::shared_ptr<const ComovingDistance> m_distance; ///< the first lightcone's cosmology
    std::vector<double> m_dA, m_dB; ///< comoving distance of each slice
    std::vector<double> m_meansA, m_meansB; ///< box mean of each slice along the line of sight
    double m_axisLo = 0, m_axisHi = 1; ///< distance range of the horizontal axis [Mpc]
    SummaryStats m_statsA, m_statsB, m_statsDiff;
    ColormapId m_userColormap = ColormapId::Inferno;
    bool m_eor = false;
    DisplayRange m_range;
    std::size_t m_cut = 0, m_chosen = 0;
    QImage m_picture, m_pictureB, m_transverse, m_transverseB;
    mutable QPixmap m_scaled, m_scaledB; ///< the pictures scaled to their rectangles (cache)
    QPixmap m_background; ///< pictures, axes and history: all but the cursor and transverse column
    int m_paints = 0;
    QCheckBox* m_eorBox = nullptr;
    QComboBox* m_modeBox = nullptr;
    QToolButton* m_export = nullptr;
    int m_figureDpi = 300; ///< the last resolution chosen for PNG figures
};

} // namespace rs::ui
