#pragma once
/// \file linked_slices_view.h
/// Two to four slice panels side by side (one is allowed too), e.g. density | x_HI | δT_b of one
/// run and z, or δT_b of two runs. Linked panels share axis, index, zoom and cursor; a panel can
/// be unlinked to look elsewhere.

#include "explorer/snapshot.h"
#include "vtk/slice_canvas.h"

#include <QWidget>

#include <array>
#include <optional>

class QGridLayout;

namespace rs::ui {

class SlicePanel;

class LinkedSlicesView : public QWidget {
    Q_OBJECT

public:
    static constexpr int kMaxPanels = 4;

    explicit LinkedSlicesView(QWidget* parent = nullptr);

    /// Shows a new run/redshift: panels show its cubes in order (δ | x_HI | δT_b); the shared axis,
    /// index and zoom are kept. Comparison cubes added earlier stay available.
    void setSnapshot(const Snapshot& snapshot);
    /// Adds a cube from elsewhere (another run or z) and shows it in the next panel.
    void addComparisonCube(const LoadedCube& cube);
    /// Every cube the panels can choose from.
    const std::vector<LoadedCube>& cubes() const { return m_cubes; }

    /// Visible panels, 1–4. A count set here (menu, saved settings) is kept when data arrives;
    /// otherwise the first data shows one panel per cube, up to three.
    void setPanelCount(int n);
    int panelCount() const { return m_count; }
    /// Whether the count was chosen (menu or settings) rather than following the data.
    bool panelCountChosen() const { return m_countChosen; }
    SlicePanel* panel(int i) const { return m_panels[std::size_t(i)]; }
    /// The panel the user last worked in (for exports).
    SlicePanel* currentPanel() const;

    /// Gives panel `from`'s colour range to every other visible panel (RangeMode::Manual there).
    void shareRange(int from);
    /// Shows A − B of the cubes in panels `a` and `b` (same grid) in the next panel, linked to
    /// both (same axis and slice), with a diverging map centred on 0. Throws ParameterError
    /// (core differenceCube) when the grids differ, or when a panel shows no cube.
    void showDifference(int a, int b);

    /// The shared state of the linked panels.
    const SliceViewState& linkedState() const { return m_state; }
    void setLinkedState(const SliceViewState& state);

Q_SIGNALS:
    /// Axis or index of the linked panels changed (the volume view draws the plane).
    void linkedStateChanged(const rs::ui::SliceViewState& state);
    /// The cube under the mouse changed (status bar).
    void probed(const rs::ui::VoxelProbe& probe);
    void panelCountChanged(int n);
    /// A panel's background work failed (observe), or a colour range was refused.
    void problem(const QString& message);

private:
    void applyPanelCount(int n);
    void onStateEdited(int panel, const SliceViewState& state);
    void onCursorEdited(int panel, std::optional<QPointF> fraction);
    void relayout();

    QGridLayout* m_grid = nullptr;
    std::array<SlicePanel*, kMaxPanels> m_panels {};
    std::vector<LoadedCube> m_cubes;
    int m_snapshotCubes = 0; ///< the first m_snapshotCubes of m_cubes are the snapshot's
    int m_count = 3;
    bool m_countChosen = false;
    int m_current = 0;
    SliceViewState m_state;
};

} // namespace rs::ui
