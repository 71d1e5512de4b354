#pragma once
/// \file volume_canvas.h
/// Volume rendering of one cube with VTK's CPU ray caster (on llvmpipe it beats the GPU mapper),
/// a trackball camera, the box outline (optionally with axes in Mpc), the current slice plane and
/// an optional isosurface.
/// While the mouse drags, frames render at reduced quality; a full-quality frame follows when the
/// mouse stops or is released.

#include "explorer/snapshot.h"
#include "vtk/transfer_function.h"
#include "vtk/vtk_host_widget.h"

#include <array>
#include <vector>

class QTimer;
class vtkActor;
class vtkAxesActor;
class vtkCubeAxesActor;
class vtkOrientationMarkerWidget;
class vtkFixedPointVolumeRayCastMapper;
class vtkImageData;
class vtkOutlineSource;
class vtkPolyData;
class vtkPolyDataMapper;
class vtkRenderer;
class vtkVolume;

namespace rs::ui {

class VolumeCanvas : public VtkHostWidget {
    Q_OBJECT

public:
    /// Rendering quality: Interactive while dragging, Full otherwise.
    enum class Quality { Interactive, Full };

    explicit VolumeCanvas(QWidget* parent = nullptr);
    ~VolumeCanvas() override;

    /// Shows a cube (its voxels are shared, not copied). The camera is reset when the grid changes.
    void setCube(const LoadedCube& cube);
    void clearCube();
    bool hasCube() const { return !m_cube.empty(); }
    const LoadedCube& cube() const { return m_cube; }

    void setTransferFunction(const TransferFunction& tf);
    const TransferFunction& transferFunction() const { return m_tf; }

    /// The slice plane (cube axis, index) drawn as a frame in the box; hidden when `visible` is off.
    void setSlicePlane(int axis, int index, bool visible);
    /// The slice frame's bounds (xmin, xmax, ymin, ymax, zmin, zmax in VTK world Mpc) and visibility.
    std::array<double, 6> slicePlaneBounds() const;
    bool slicePlaneVisible() const;
    /// An isosurface in world coordinates (from extractIsosurface), or nullptr to remove it.
    void setIsosurface(vtkSmartPointer<vtkPolyData> surface);
    bool hasIsosurface() const;

    /// Haloes as points over the volume (positions in comoving Mpc along cube axes 0, 1, 2; masses
    /// in Msun), sized and coloured by mass (halo_points.h) and drawn over the volume; empty lists
    /// remove them.
    void setHaloes(const std::vector<std::array<double, 3>>& positions, const std::vector<double>& masses);
    std::size_t haloCount() const { return m_haloCount; }

    /// Axes along three edges of the box with ticks and labels in comoving Mpc ("x [Mpc]", ...,
    /// named as the slice views name the cube's axes). Off by default; figures turn them on.
    void setBoxAxes(bool on);
    bool boxAxes() const;
    /// The view as a figure shows it, rendered at `pixels` (the view's size when empty): box axes
    /// on, their text `labelScale` times its size on screen, and the camera pulled back a little so
    /// the labels fit; the view itself is left as it was. Null when grabImage() would be.
    QImage grabWithBoxAxes(QSize pixels = {}, double labelScale = 1.0);

    /// Looks at the whole box from a standard oblique direction.
    void resetCamera();
    /// Turns the camera about the view-up axis (benchmarks, keyboard).
    void rotateCamera(double azimuthDegrees, double elevationDegrees = 0.0);

    void setQuality(Quality q);
    Quality quality() const { return m_quality; }
    /// Interactive frames aim at this rate (frames per second): the ray spacing in pixels adapts
    /// after each frame, between 1.5 and 6.
    void setInteractiveRate(double fps);
    /// Pixels between rays in interactive frames now (1 = one ray per pixel).
    double interactiveImageSampling() const { return m_interactiveImageSampling; }

Q_SIGNALS:
    /// Dragging started (true) or ended (false).
    void interactionChanged(bool dragging);

protected:
    void glReady() override;
    void keyPressEvent(QKeyEvent* e) override;

private:
    void onStyleEvent(vtkObject* caller, unsigned long eventId, void* callData);
    void applySampling();
    void adaptSampling();

    LoadedCube m_cube;
    TransferFunction m_tf;
    Quality m_quality = Quality::Full;
    double m_interactiveImageSampling = 2.5;
    double m_interactiveRate = 20.0; // VTK time only: blit and composition come on top
    bool m_dragging = false;
    bool m_boxAxesOn = false;
    QTimer* m_stillTimer = nullptr;
    QTimer* m_planeTimer = nullptr;

    vtkSmartPointer<vtkImageData> m_image;
    vtkSmartPointer<vtkFixedPointVolumeRayCastMapper> m_mapper;
    vtkSmartPointer<vtkVolume> m_volume;
    vtkSmartPointer<vtkOutlineSource> m_boxSource;
    vtkSmartPointer<vtkActor> m_box;
    vtkSmartPointer<vtkRenderer> m_overlay; ///< layer 1: drawn over the volume (the slice frame)
    vtkSmartPointer<vtkOutlineSource> m_planeSource;
    vtkSmartPointer<vtkActor> m_plane;
    vtkSmartPointer<vtkPolyDataMapper> m_isoMapper;
    vtkSmartPointer<vtkActor> m_iso;
    vtkSmartPointer<vtkActor> m_haloes;
    std::size_t m_haloCount = 0;
    vtkSmartPointer<vtkCubeAxesActor> m_boxAxes;
    vtkSmartPointer<vtkAxesActor> m_axes;
    vtkSmartPointer<vtkOrientationMarkerWidget> m_marker;
};

} // namespace rs::ui
