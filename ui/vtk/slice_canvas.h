#pragma once
/// \file slice_canvas.h
/// One 2D slice of a cube drawn by VTK (a plane textured with the slice's colours, mapped by a VTK
/// lookup table, nearest-neighbour voxels), with zoom, pan, a crosshair and a value probe under
/// the mouse. Row 0 of a slice is at
/// the top and column 0 at the left (as numpy's imshow shows an array).

#include "explorer/snapshot.h"
#include "vtk/colormap.h"
#include "vtk/vtk_host_widget.h"

#include <QPointF>

#include <array>
#include <optional>
#include <vector>

class vtkActor;
class vtkImageData;
class vtkLookupTable;
class vtkPlaneSource;
class vtkPoints;
class vtkTexture;
class vtkUnsignedCharArray;

namespace rs::ui {

/// Where one linked group of slice views looks: shared by linked views.
struct SliceViewState {
    int axis = 0; ///< slice perpendicular to cube axis 0 (x), 1 (y) or 2 (z)
    int index = 0; ///< slice index along that axis
    double zoom = 1.0; ///< 1: the whole slice fits the view
    QPointF center {0.5, 0.5}; ///< view centre as a fraction of the slice (x: columns →, y: rows ↓)
};

/// What is under the mouse.
struct VoxelProbe {
    bool valid = false;
    std::array<std::size_t, 3> voxel {0, 0, 0}; ///< cube index (i, j, k)
    std::array<double, 3> mpc {0, 0, 0}; ///< voxel centre [comoving Mpc]
    double value = 0;
    Quantity quantity = Quantity::Other;
    QPointF fraction; ///< position as a fraction of the slice
};

/// How the colour range is chosen.
enum class RangeMode { PerCube, PerSlice, Manual };

class SliceCanvas : public VtkHostWidget {
    Q_OBJECT

public:
    explicit SliceCanvas(QWidget* parent = nullptr);
    ~SliceCanvas() override;

    /// Shows a cube (keeps a shared copy of it). Resets colour map and log scale to the
    /// quantity's defaults when the quantity changes.
    void setCube(const LoadedCube& cube);
    void clearCube();
    bool hasCube() const { return !m_cube.empty(); }
    const LoadedCube& cube() const { return m_cube; }

    /// Axis, index, zoom and centre; the index is clamped to the cube.
    void setState(const SliceViewState& state);
    const SliceViewState& state() const { return m_state; }
    /// Number of slices along `axis` of the current cube (0 without a cube).
    int sliceCount(int axis) const;

    void setColormap(ColormapId id);
    ColormapId colormap() const { return m_colormap; }
    /// log10(1 + δ) display for density; ignored for other quantities.
    void setLogScale(bool on);
    bool logScale() const { return m_log && m_cube.quantity() == Quantity::Density; }
    void setRangeMode(RangeMode mode);
    RangeMode rangeMode() const { return m_rangeMode; }
    /// A range chosen by hand (or shared by another panel), in display units: switches to
    /// RangeMode::Manual and keeps it for every slice and cube until the mode changes. Ignored
    /// unless lo < hi, both finite.
    void setManualRange(double lo, double hi);
    /// The range the colour map spans, in display units (log10(1+δ) when logScale()).
    DisplayRange displayRange() const { return m_range; }

    /// Shows a crosshair at a slice fraction (from this or a linked view); nullopt hides it.
    void setCrosshair(std::optional<QPointF> fraction);

    /// The voxel under a widget position (logical pixels).
    VoxelProbe probeAt(QPointF widgetPos) const;
    /// The voxel at a slice fraction (x: columns →, y: rows ↓), as probeAt.
    VoxelProbe probeAtFraction(QPointF fraction) const;
    /// The widget position (logical pixels) of the centre of slice cell (row, col).
    QPointF positionOfCell(std::size_t row, std::size_t col) const;
    /// The slice currently shown (rows × cols, a view into the cube).
    SliceView currentSlice() const;

Q_SIGNALS:
    void probed(const rs::ui::VoxelProbe& probe);
    void probeLeft();
    /// The user zoomed or panned (wheel, drag, double-click).
    void viewChangedByUser(double zoom, QPointF center);
    /// Keyboard stepping: +1/-1 (arrows), ±10 (page keys).
    void stepRequested(int delta);
    /// Home/End.
    void jumpRequested(bool toEnd);
    void displayRangeChanged(rs::ui::DisplayRange range);

protected:
    void mousePressEvent(QMouseEvent* e) override;
    void mouseMoveEvent(QMouseEvent* e) override;
    void mouseReleaseEvent(QMouseEvent* e) override;
    void mouseDoubleClickEvent(QMouseEvent* e) override;
    void wheelEvent(QWheelEvent* e) override;
    void leaveEvent(QEvent* e) override;
    void keyPressEvent(QKeyEvent* e) override;
    void resizeEvent(QResizeEvent* e) override;

private:
    void updateImage();
    void updateLookupTable();
    void updateColours();
    void updateCamera();
    void updateCrosshair();
    std::array<double, 2> worldSize() const; ///< slice width, height [Mpc]
    std::array<double, 2> cellSize() const; ///< column, row cell size [Mpc]
    double fitScale() const;
    double worldPerPixel() const;
    QPointF worldAt(QPointF widgetPos) const;

    LoadedCube m_cube;
    SliceViewState m_state;
    ColormapId m_colormap = ColormapId::Viridis;
    bool m_log = true;
    RangeMode m_rangeMode = RangeMode::PerCube;
    DisplayRange m_manual;
    DisplayRange m_range;
    std::optional<QPointF> m_crosshair;

    std::vector<float> m_values; ///< the slice in display units, texture row order
    std::size_t m_rows = 0, m_cols = 0;
    vtkSmartPointer<vtkLookupTable> m_lut;
    ColormapId m_lutColormap = ColormapId::Viridis;
    vtkSmartPointer<vtkUnsignedCharArray> m_rgba; ///< the slice's colours (VTK maps them)
    vtkSmartPointer<vtkImageData> m_texImage;
    vtkSmartPointer<vtkTexture> m_texture;
    vtkSmartPointer<vtkPlaneSource> m_plane;
    vtkSmartPointer<vtkActor> m_actor;
    vtkSmartPointer<vtkPoints> m_crossPoints;
    vtkSmartPointer<vtkActor> m_crossActor;

    bool m_panning = false;
    QPointF m_panStart;
    QPointF m_panCenter;
};

} // namespace rs::ui

Q_DECLARE_METATYPE(rs::ui::VoxelProbe)
