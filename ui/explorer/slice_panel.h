#pragma once
/// \file slice_panel.h
/// One panel of the slice view: which cube it shows, its colour options, the VTK slice canvas with
/// its colour bar, the slice controls, a link toggle and the value readout under the cursor.

#include "figure/figures.h"
#include "observe/observe.h"
#include "vtk/slice_canvas.h"

#include <QWidget>

#include <optional>
#include <vector>

class QComboBox;
class QLabel;
class QMenu;
class QToolButton;
class QActionGroup;

namespace rs::ui {

class ColorBar;
class JobRunner;
class SliceControls;

class SlicePanel : public QWidget {
    Q_OBJECT

public:
    explicit SlicePanel(QWidget* parent = nullptr);

    /// The cubes this panel can show (a combo box lists them) and the one to show.
    void setCubes(const std::vector<LoadedCube>& cubes, int selected);
    int selectedCube() const;
    const LoadedCube& cube() const;

    /// Draws the slice with this colour map (what the Colours menu does).
    void setColormap(ColormapId id);

    /// Linked panels share axis, index, zoom and cursor.
    void setLinked(bool on);
    bool isLinked() const;

    SliceCanvas* canvas() const { return m_canvas; }
    SliceControls* controls() const { return m_controls; }
    ColorBar* colorBar() const { return m_colorBar; }
    QToolButton* linkButton() const { return m_link; }
    /// The readout text (plain) shown under the canvas.
    QString readoutText() const;

    /// The panel as a figure (figure/figures.h): its slice with axes in Mpc, colour map, range
    /// and colour bar, titled as the panel. What "Export view" writes and renderImage draws.
    figure::MapFigure figure() const;
    /// The figure as an image at `dpi` (empty without a cube).
    QImage renderImage(int dpi = 100);

    /// A colour range chosen by hand or shared from another panel, in display units; kept for
    /// every slice and cube until another range mode is chosen.
    void setManualRange(double lo, double hi);

    /// δT_b panels: shows the cube as the telescope of `options` sees it (core observe(), in the
    /// background: observeJob()), or the cube itself again. Other quantities ignore it.
    void setObserved(bool on);
    bool isObserved() const;
    void setObserveOptions(const ObserveOptions& options);
    const ObserveOptions& observeOptions() const { return m_observeOptions; }
    JobRunner* observeJob() const { return m_observeJob; }
    QToolButton* observeButton() const { return m_observe; }

public Q_SLOTS:
    /// Shows a state decided elsewhere (a linked panel, the window); does not emit stateEdited.
    void applyState(const rs::ui::SliceViewState& state);
    /// Shows the linked cursor (crosshair and this panel's value there), or hides it.
    void showCursor(std::optional<QPointF> fraction);

Q_SIGNALS:
    /// The user changed axis, index, zoom or pan in this panel.
    void stateEdited(const rs::ui::SliceViewState& state);
    /// The mouse moved over this panel's slice (fraction) or left it (nullopt).
    void cursorEdited(std::optional<QPointF> fraction);
    /// What is under the mouse in this panel.
    void probed(const rs::ui::VoxelProbe& probe);
    void linkToggled(bool on);
    /// The user picked another cube in the combo box.
    void cubeChosen(int index);
    /// The user interacted with this panel (it becomes the current one for exports).
    void activated();
    /// "Share this range" was chosen: the linked view gives this panel's range to the others.
    void rangeShareRequested();
    /// Something failed in the background (observe): the message names the cube and the problem.
    void problem(const QString& message);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void buildOptionsMenu();
    /// Wires the header, controls and canvas to each other and to this panel's signals.
    void connectSignals();
    void syncControls();
    void updateColorBar();
    void setReadout(const VoxelProbe& p);
    void editState(const SliceViewState& st);
    void buildObserveButton();
    void askManualRange();
    /// Shows cube `i` of m_cubes (not observed).
    void showCube(int i);

    QComboBox* m_source = nullptr;
    QToolButton* m_options = nullptr;
    QToolButton* m_link = nullptr;
    QLabel* m_title = nullptr;
    SliceCanvas* m_canvas = nullptr;
    ColorBar* m_colorBar = nullptr;
    SliceControls* m_controls = nullptr;
    QLabel* m_readout = nullptr;
    QMenu* m_menu = nullptr;
    QActionGroup* m_colormapGroup = nullptr;
    QAction* m_logAction = nullptr;
    QAction* m_perSliceAction = nullptr;
    QAction* m_perCubeAction = nullptr;
    QAction* m_manualAction = nullptr;
    QToolButton* m_observe = nullptr;
    JobRunner* m_observeJob = nullptr;
    ObserveOptions m_observeOptions;
    bool m_observedShown = false; ///< the canvas shows the observed cube, not m_cubes[selected]
    std::vector<LoadedCube> m_cubes;
    std::optional<QPointF> m_cursor;
};

/// "voxel (12, 40, 7) · (18.8, 60.8, 11.3) Mpc · δT_b = 12.35 mK" (plain text).
QString probeText(const VoxelProbe& p);

} // namespace rs::ui
