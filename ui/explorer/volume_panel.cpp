#include "explorer/volume_panel.h"

#include "explorer/opacity_ramp_editor.h"
#include "figure/figures.h"
#include "shell/job_runner.h"
#include "shell/text_format.h"
#include "vtk/isosurface.h"
#include "vtk/volume_canvas.h"

#include <vtkPolyData.h>

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace rs::ui {

namespace {

/// Lightcones larger than this (a 256^3 box's worth) are not ray-cast.
constexpr double kMaxLightconeVoxels = 16.8e6;

} // namespace

VolumePanel::VolumePanel(QWidget* parent)
    : QWidget(parent)
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(2, 2, 2, 2);
    outer->setSpacing(3);

    auto* row = new QHBoxLayout;
    row->setSpacing(4);
    m_cubeBox = new QComboBox(this);
    m_cubeBox->setToolTip(tr("Cube rendered as a volume"));
    m_cubeBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_cubeBox->setMinimumContentsLength(6);
    row->addWidget(m_cubeBox, 1);
    m_presetBox = new QComboBox(this);
    m_presetBox->setToolTip(tr("Transfer-function preset (colours and opacity ramp)"));
    m_presetBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_presetBox->setMinimumContentsLength(8);
    row->addWidget(m_presetBox, 1);
    m_isoBox = new QCheckBox(tr("Bubbles"), this);
    m_isoBox->setToolTip(tr("Show the x_HI = 0.5 isosurface: the edges of ionized bubbles"));
    row->addWidget(m_isoBox);
    m_planeBox = new QCheckBox(tr("Plane"), this);
    m_planeBox->setChecked(true);
    m_planeBox->setToolTip(tr("Show the slice of the slice views as a frame in the box"));
    row->addWidget(m_planeBox);
    m_haloBox = new QCheckBox(tr("Haloes"), this);
    m_haloBox->setEnabled(false);
    m_haloBox->setToolTip(tr("Open a halo catalogue of this run (HaloField, HaloCatalog) to show its haloes"));
    row->addWidget(m_haloBox);
    m_axesBox = new QCheckBox(tr("Axes"), this);
    m_axesBox->setToolTip(tr("Label the box's edges in comoving Mpc (figures always show them)"));
    row->addWidget(m_axesBox);
    m_reset = new QToolButton(this);
    m_reset->setText(tr("Reset"));
    m_reset->setToolTip(tr("Reset the camera (R)"));
    m_reset->setAutoRaise(true);
    row->addWidget(m_reset);
    outer->addLayout(row);

    m_canvas = new VolumeCanvas(this);
    m_canvas->setMinimumSize(200, 200);
    m_canvas->setToolTip(tr("Drag to rotate, right-drag or wheel to zoom, middle-drag to pan; R resets"));
    outer->addWidget(m_canvas, 1);

    m_ramp = new OpacityRampEditor(this);
    m_ramp->setFixedHeight(78);
    outer->addWidget(m_ramp);
    m_note = new QLabel(this);
    m_note->setVisible(false);
    outer->addWidget(m_note);

    m_isoJob = new JobRunner(this);

    connect(m_cubeBox, &QComboBox::activated, this, &VolumePanel::showCube);
    connect(m_presetBox, &QComboBox::activated, this, &VolumePanel::applyPreset);
    connect(m_reset, &QToolButton::clicked, m_canvas, &VolumeCanvas::resetCamera);
    connect(m_planeBox, &QCheckBox::toggled, this, [this] { setSlicePlane(m_planeAxis, m_planeIndex); });
    connect(m_isoBox, &QCheckBox::toggled, this, &VolumePanel::updateIsosurface);
    connect(m_axesBox, &QCheckBox::toggled, m_canvas, &VolumeCanvas::setBoxAxes);
    connect(m_haloBox, &QCheckBox::toggled, this, &VolumePanel::updateHaloes);
    connect(m_ramp, &OpacityRampEditor::rampEdited, this, [this](const std::vector<QPointF>& ramp) {
        TransferFunction tf = m_canvas->transferFunction();
        tf.opacity = ramp;
        m_canvas->setTransferFunction(tf);
    });
    connect(m_isoJob, &JobRunner::started, this, [this] {
        m_note->setText(tr("Extracting the x_HI = 0.5 surface…"));
        m_note->setVisible(true);
    });
    connect(m_isoJob, &JobRunner::finished, this, [this] { m_note->setVisible(false); });
    connect(m_isoJob, &JobRunner::cancelled, this, [this] { m_note->setVisible(false); });
    connect(m_isoJob, &JobRunner::failed, this, [this](const QString& message) {
        m_note->setText(tr("Could not extract the surface: %1").arg(message));
        m_note->setVisible(true);
        Q_EMIT statusMessage(m_note->text());
    });
    setEnabled(false);
}

void VolumePanel::setSnapshot(const Snapshot& snapshot)
{
    const std::optional<Quantity> previous
        = m_canvas->hasCube() ? std::optional<Quantity>(m_canvas->cube().quantity()) : std::nullopt;
    m_snapshot = snapshot;
    m_cubeBox->clear();
    for (const LoadedCube& c : m_snapshot.cubes)
        m_cubeBox->addItem(quantityWithUnitsPlain(c.quantity()));
    setEnabled(!m_snapshot.empty());
    if (m_snapshot.empty()) {
        m_canvas->clearCube();
        updateHaloes();
        return;
    }
    int pick = -1;
    for (int i = 0; i < int(m_snapshot.cubes.size()); ++i) {
        const Quantity q = m_snapshot.cubes[std::size_t(i)].quantity();
        if ((previous && q == *previous) || (!previous && q == Quantity::BrightnessTemperature))
            pick = i;
    }
    const bool hasXhi = m_snapshot.find(Quantity::NeutralFraction) != nullptr;
    m_isoBox->setEnabled(hasXhi);
    m_isoBox->setToolTip(hasXhi ? tr("Show the x_HI = 0.5 isosurface: the edges of ionized bubbles")
                                : tr("This run has no neutral-fraction cube at this redshift"));
    showCube(pick < 0 ? 0 : pick);
    updateIsosurface();
    updateHaloes();
}

void VolumePanel::updateHaloes()
{
    const auto& h = m_snapshot.haloes;
    const bool have
        = h && !h->masses.empty() && m_canvas->hasCube() && m_canvas->cube().cube.metadata().kind == FieldKind::Coeval;
    m_haloBox->setEnabled(have);
    if (have)
        m_haloBox->setToolTip(
            tr("%n haloes from %1, %2 – %3 Msun: points sized and coloured by mass", nullptr, int(h->masses.size()))
                .arg(m_snapshot.haloSource, formatNumber(h->minMass(), 3), formatNumber(h->maxMass(), 3)));
    else if (!m_snapshot.haloProblem.isEmpty())
        m_haloBox->setToolTip(tr("The halo catalogue could not be read: %1").arg(m_snapshot.haloProblem));
    if (!m_snapshot.haloProblem.isEmpty())
        Q_EMIT statusMessage(tr("Haloes not shown: %1").arg(m_snapshot.haloProblem));
    if (have && m_haloBox->isChecked())
        m_canvas->setHaloes(h->positions, h->masses);
    else
        m_canvas->setHaloes({}, {});
}

void VolumePanel::showCube(int index)
{
    if (index < 0 || index >= int(m_snapshot.cubes.size()))
        return;
    const LoadedCube& c = m_snapshot.cubes[std::size_t(index)];
    m_cubeBox->setCurrentIndex(index);
    if (c.cube.metadata().kind == FieldKind::Lightcone && c.cube.voxelCount() > kMaxLightconeVoxels) {
        // Ray casting 200 x 200 x 1500 voxels on the CPU took seconds a frame and held up the
        // Lightcone tab's first picture (bench_explorer --lightcone): long lightcones stay 2D.
        m_canvas->clearCube();
        m_note->setText(tr("This lightcone (%1 voxels) is shown in the Lightcone tab; the volume view "
                           "ray-casts lightcones of up to %2 voxels")
                            .arg(formatNumber(double(c.cube.voxelCount()), 3), formatNumber(kMaxLightconeVoxels, 3)));
        m_note->setVisible(true);
        return;
    }
    m_note->setVisible(false);
    const bool sameQuantity = m_canvas->hasCube() && m_canvas->cube().quantity() == c.quantity();
    m_canvas->setCube(c);
    if (!sameQuantity || m_presets.empty()) {
        m_presets = transferPresets(c.quantity());
        m_presetBox->clear();
        for (const TransferPreset& p : m_presets)
            m_presetBox->addItem(QIcon(QPixmap::fromImage(colormapStrip(p.colormap, 32, 10))), p.name);
        applyPreset(0);
    } else {
        // Same quantity at another z: keep the user's ramp, refit the range to the new cube.
        TransferFunction tf = makeTransfer(m_presets[std::size_t(std::max(0, m_presetBox->currentIndex()))], c.stats);
        tf.opacity = m_ramp->ramp();
        m_canvas->setTransferFunction(tf);
        m_ramp->setTransferFunction(tf);
    }
    setSlicePlane(m_planeAxis, m_planeIndex);
}

void VolumePanel::applyPreset(int index)
{
    if (!m_canvas->hasCube() || index < 0 || index >= int(m_presets.size()))
        return;
    m_presetBox->setCurrentIndex(index);
    const TransferFunction tf = makeTransfer(m_presets[std::size_t(index)], m_canvas->cube().stats);
    m_canvas->setTransferFunction(tf);
    m_ramp->setTransferFunction(tf);
}

void VolumePanel::setSlicePlane(int axis, int index)
{
    m_planeAxis = axis;
    m_planeIndex = index;
    m_canvas->setSlicePlane(axis, index, m_planeBox->isChecked());
}

void VolumePanel::updateIsosurface()
{
    const LoadedCube* xhi = m_snapshot.find(Quantity::NeutralFraction);
    if (!m_isoBox->isChecked() || !xhi) {
        m_isoJob->cancel();
        m_canvas->setIsosurface(nullptr);
        return;
    }
    if (m_isoSurface && m_isoCube.data() == xhi->cube.data()) {
        m_canvas->setIsosurface(m_isoSurface);
        return;
    }
    const Cube cube = xhi->cube; // shares the voxels with the worker; they never change
    m_isoJob->start(tr("x_HI = 0.5 surface"), [this, cube](const ProgressFn&, const StopToken& stop) {
        vtkSmartPointer<vtkPolyData> surface = extractIsosurface(cube, 0.5, stop);
        return std::function<void()>([this, cube, surface] {
            m_isoCube = cube;
            m_isoSurface = surface;
            if (m_isoBox->isChecked())
                m_canvas->setIsosurface(surface);
        });
    });
}

figure::VolumeFigure VolumePanel::figure(int dpi)
{
    figure::VolumeFigure f;
    if (!m_canvas->hasCube())
        return f;
    // Drawn again at the pixels the rendering fills in the figure (6.5 in wide, ~5.5 of them for
    // the picture), VTK's text scaled from the screen's 96 dpi alike: the axis labels then read the
    // same whatever the view's size on screen.
    const QSize shown = m_canvas->size();
    if (shown.isEmpty())
        return f;
    const double widthPx = std::clamp(5.5 * dpi, 400.0, 4000.0);
    // A wide, low view would leave the box small between empty margins: the figure's picture is
    // at least 0.6 as tall as wide (VTK frames by height, so the box grows with it).
    const double heightPx = std::clamp(widthPx * shown.height() / shown.width(), 0.6 * widthPx, 1.0 * widthPx);
    const QSize pixels {int(widthPx), int(heightPx)};
    f.image = m_canvas->grabWithBoxAxes(pixels, 0.75 * dpi / 96.0); // ten labels an edge: a little smaller
    if (f.image.isNull())
        return f;
    // As wide as the other figures, as tall as the rendering needs (plus title and caption).
    const double aspect = double(f.image.height()) / double(f.image.width());
    f.inches = QSizeF(6.5, std::clamp(5.2 * aspect + 0.8, 2.5, 8.0));
    const LoadedCube& c = m_canvas->cube();
    const TransferFunction& tf = m_canvas->transferFunction();
    f.map = tf.colormap;
    f.range = tf.range;
    f.opacity = tf.opacity;
    f.barLabel = figure::quantityLabel(c.quantity());
    f.title = c.titlePlain();
    const auto& n = c.cube.shape();
    const Extent& L = c.cube.boxLength();
    f.caption = tr("%1 × %2 × %3 cells, %4 × %5 × %6 Mpc · opacity ramp drawn across the colour bar")
                    .arg(n[0])
                    .arg(n[1])
                    .arg(n[2])
                    .arg(L[0], 0, 'g', 4)
                    .arg(L[1], 0, 'g', 4)
                    .arg(L[2], 0, 'g', 4);
    return f;
}

} // namespace rs::ui
