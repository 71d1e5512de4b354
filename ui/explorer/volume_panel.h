#pragma once
/// \file volume_panel.h
/// The volume view: which cube, a transfer-function preset and its editable opacity ramp, the
/// x_HI = 0.5 isosurface (ionized-bubble edges, extracted in the background), the current slice
/// plane and a camera reset, around a VolumeCanvas.

#include "explorer/snapshot.h"
#include "figure/figures.h"
#include "vtk/transfer_function.h"

#include <QWidget>

#include <vtkSmartPointer.h>

class QCheckBox;
class QComboBox;
class QLabel;
class QToolButton;
class vtkPolyData;

namespace rs::ui {

class JobRunner;
class OpacityRampEditor;
class VolumeCanvas;

class VolumePanel : public QWidget {
    Q_OBJECT

public:
    explicit VolumePanel(QWidget* parent = nullptr);

    /// Shows a run/redshift; keeps the chosen quantity where the new snapshot has it.
    void setSnapshot(const Snapshot& snapshot);
    /// Draws the slice plane of the linked slice views.
    void setSlicePlane(int axis, int index);

    VolumeCanvas* canvas() const { return m_canvas; }
    OpacityRampEditor* rampEditor() const { return m_ramp; }
    QComboBox* cubeBox() const { return m_cubeBox; }
    QComboBox* presetBox() const { return m_presetBox; }
    QCheckBox* isosurfaceBox() const { return m_isoBox; }
    QCheckBox* planeBox() const { return m_planeBox; }
    /// Shows the run's haloes as points (enabled when the snapshot has a halo catalogue).
    QCheckBox* haloBox() const { return m_haloBox; }
    /// Labels the box's edges in Mpc on screen (figure() always does).
    QCheckBox* axesBox() const { return m_axesBox; }
    /// What the view shows as a figure for a PNG at `dpi` (the rendering is drawn again at the
    /// pixels it fills there, its text scaled alike): the rendering with the box's axes in Mpc, a colour bar of
    /// the transfer function with its opacity ramp, the cube's title and grid. Its image is null
    /// when no cube is shown or the view cannot render yet (never shown: no GL context).
    figure::VolumeFigure figure(int dpi = 150);
    /// The background job that extracts isosurfaces (tests wait on it).
    JobRunner* isosurfaceJob() const { return m_isoJob; }

    /// Shows cube `index` of the snapshot with its quantity's default preset.
    void showCube(int index);
    void applyPreset(int index);

Q_SIGNALS:
    void statusMessage(const QString& text);

private:
    void updateIsosurface();
    void updateHaloes();

    QComboBox* m_cubeBox = nullptr;
    QComboBox* m_presetBox = nullptr;
    QCheckBox* m_isoBox = nullptr;
    QCheckBox* m_planeBox = nullptr;
    QCheckBox* m_haloBox = nullptr;
    QCheckBox* m_axesBox = nullptr;
    QToolButton* m_reset = nullptr;
    QLabel* m_note = nullptr;
    VolumeCanvas* m_canvas = nullptr;
    OpacityRampEditor* m_ramp = nullptr;
    JobRunner* m_isoJob = nullptr;

    Snapshot m_snapshot;
    std::vector<TransferPreset> m_presets;
    int m_planeAxis = 0, m_planeIndex = 0;
    Cube m_isoCube; ///< the x_HI cube the current isosurface came from (kept alive, so unique)
    vtkSmartPointer<vtkPolyData> m_isoSurface;
};

} // namespace rs::ui
