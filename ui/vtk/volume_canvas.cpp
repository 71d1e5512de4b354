#include <vtkActor.h>
#include <vtkAxesActor.h>
#include <vtkCamera.h>
#include <vtkCaptionActor2D.h>
#include <vtkColorTransferFunction.h>
#include <vtkCommand.h>
#include <vtkCubeAxesActor.h>
#include <vtkFixedPointVolumeRayCastMapper.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkImageData.h>
#include <vtkInteractorObserver.h>
#include <vtkOrientationMarkerWidget.h>
#include <vtkOutlineSource.h>
#include <vtkPiecewiseFunction.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderWindowInteractor.h>
#include <vtkRenderer.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>
#include <vtkVolume.h>
#include <vtkVolumeProperty.h>

#include "vtk/volume_canvas.h"

#include "vtk/halo_points.h"
#include "vtk/isosurface.h"

#include <QKeyEvent>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace rs::ui {

namespace {

constexpr double kBoxAxesTextPixels = 12.0; ///< the box axes' text on screen (vtkCubeAxesActor screen size)

} // namespace

VolumeCanvas::VolumeCanvas(QWidget* parent)
    : VtkHostWidget(parent)
{
    setInteractorEnabled(true);
    renderer()->SetBackground(0.06, 0.07, 0.09);

    m_mapper = vtkSmartPointer<vtkFixedPointVolumeRayCastMapper>::New();
    m_mapper->AutoAdjustSampleDistancesOff();
    m_mapper->IntermixIntersectingGeometryOn();
    m_volume = vtkSmartPointer<vtkVolume>::New();
    m_volume->SetMapper(m_mapper);
    auto prop = vtkSmartPointer<vtkVolumeProperty>::New();
    prop->SetInterpolationTypeToLinear();
    prop->ShadeOff();
    m_volume->SetProperty(prop);
    m_volume->VisibilityOff();
    renderer()->AddVolume(m_volume);

    // Lines (box and slice frames) are drawn in a second layer, over the volume: mixed into the
    // ray caster's depth test they come out as dark dashes.
    renderWindow()->SetNumberOfLayers(2);
    m_overlay = vtkSmartPointer<vtkRenderer>::New();
    m_overlay->SetLayer(1);
    m_overlay->InteractiveOff();
    m_overlay->SetActiveCamera(renderer()->GetActiveCamera());
    renderWindow()->AddRenderer(m_overlay);

    auto outline = [this](vtkSmartPointer<vtkOutlineSource>& src, double r, double g, double b, double width,
                       vtkRenderer* into) {
        src = vtkSmartPointer<vtkOutlineSource>::New();
        auto mapper = vtkSmartPointer<vtkPolyDataMapper>::New();
        mapper->SetInputConnection(src->GetOutputPort());
        auto actor = vtkSmartPointer<vtkActor>::New();
        actor->SetMapper(mapper);
        actor->GetProperty()->SetColor(r, g, b);
        actor->GetProperty()->SetLineWidth(float(width));
        actor->GetProperty()->LightingOff();
        actor->VisibilityOff();
        into->AddActor(actor);
        return actor;
    };
    m_box = outline(m_boxSource, 0.55, 0.6, 0.7, 1.0, m_overlay);
    m_plane = outline(m_planeSource, 1.0, 0.85, 0.2, 2.0, m_overlay);

    // Box axes: VTK's x runs along cube axis 2 (named z), its z along cube axis 0 (named x).
    m_boxAxes = vtkSmartPointer<vtkCubeAxesActor>::New();
    m_boxAxes->SetCamera(renderer()->GetActiveCamera());
    m_boxAxes->SetXTitle("z");
    m_boxAxes->SetYTitle("y");
    m_boxAxes->SetZTitle("x");
    m_boxAxes->SetXUnits("Mpc");
    m_boxAxes->SetYUnits("Mpc");
    m_boxAxes->SetZUnits("Mpc");
    m_boxAxes->SetFlyModeToOuterEdges();
    m_boxAxes->SetTickLocationToOutside();
    m_boxAxes->SetLabelScaling(false, 0, 0, 0);
    m_boxAxes->SetScreenSize(kBoxAxesTextPixels);
    for (int i = 0; i < 3; ++i) {
        m_boxAxes->GetTitleTextProperty(i)->SetColor(0.85, 0.88, 0.92);
        m_boxAxes->GetLabelTextProperty(i)->SetColor(0.85, 0.88, 0.92);
    }
    for (vtkProperty* axis :
        {m_boxAxes->GetXAxesLinesProperty(), m_boxAxes->GetYAxesLinesProperty(), m_boxAxes->GetZAxesLinesProperty()})
        axis->SetColor(0.7, 0.74, 0.8);
    m_boxAxes->VisibilityOff();
    m_overlay->AddActor(m_boxAxes);

    m_isoMapper = vtkSmartPointer<vtkPolyDataMapper>::New();
    m_isoMapper->ScalarVisibilityOff();
    m_iso = vtkSmartPointer<vtkActor>::New();
    m_iso->SetMapper(m_isoMapper);
    m_iso->GetProperty()->SetColor(0.45, 0.75, 1.0);
    m_iso->GetProperty()->SetSpecular(0.3);
    m_iso->VisibilityOff();
    renderer()->AddActor(m_iso);

    // Axis arrows in a corner, labelled with the cube's axes (VTK's x runs along cube axis 2,
    // its z along cube axis 0), turning with the camera.
    m_axes = vtkSmartPointer<vtkAxesActor>::New();
    m_axes->SetXAxisLabelText("z");
    m_axes->SetYAxisLabelText("y");
    m_axes->SetZAxisLabelText("x");
    m_axes->SetShaftTypeToCylinder();
    for (vtkCaptionActor2D* c :
        {m_axes->GetXAxisCaptionActor2D(), m_axes->GetYAxisCaptionActor2D(), m_axes->GetZAxisCaptionActor2D()}) {
        c->GetCaptionTextProperty()->ShadowOff();
        c->GetCaptionTextProperty()->ItalicOff();
        c->GetCaptionTextProperty()->BoldOn();
    }
    m_marker = vtkSmartPointer<vtkOrientationMarkerWidget>::New();
    m_marker->SetOrientationMarker(m_axes);
    m_marker->SetInteractor(interactor());
    m_marker->SetViewport(0.0, 0.0, 0.16, 0.3);
    m_marker->SetEnabled(1);
    m_marker->InteractiveOff();

    if (vtkInteractorObserver* style = interactor()->GetInteractorStyle()) {
        style->AddObserver(vtkCommand::StartInteractionEvent, this, &VolumeCanvas::onStyleEvent);
        style->AddObserver(vtkCommand::InteractionEvent, this, &VolumeCanvas::onStyleEvent);
        style->AddObserver(vtkCommand::EndInteractionEvent, this, &VolumeCanvas::onStyleEvent);
    }
    m_stillTimer = new QTimer(this);
    m_stillTimer->setSingleShot(true);
    m_stillTimer->setInterval(250);
    connect(m_stillTimer, &QTimer::timeout, this, [this] {
        // The mouse paused mid-drag (or the slice plane stopped moving): one full-quality frame;
        // the next move drops back.
        setQuality(Quality::Full);
        requestRender();
    });
    // The slice plane moves with every slider step: the volume follows once stepping pauses, so
    // ray casting never slows the slice views down.
    m_planeTimer = new QTimer(this);
    m_planeTimer->setSingleShot(true);
    m_planeTimer->setInterval(150);
    connect(m_planeTimer, &QTimer::timeout, this, [this] {
        setQuality(Quality::Interactive);
        requestRender();
        m_stillTimer->start(700);
    });
    connect(this, &VtkHostWidget::frameRendered, this, &VolumeCanvas::adaptSampling);
    applySampling();
}

VolumeCanvas::~VolumeCanvas() = default;

void VolumeCanvas::glReady()
{
    applySampling();
}

void VolumeCanvas::onStyleEvent(vtkObject*, unsigned long eventId, void*)
{
    switch (eventId) {
    case vtkCommand::StartInteractionEvent:
        m_dragging = true;
        setQuality(Quality::Interactive);
        Q_EMIT interactionChanged(true);
        break;
    case vtkCommand::InteractionEvent:
        if (m_quality != Quality::Interactive)
            setQuality(Quality::Interactive);
        m_stillTimer->start(250);
        break;
    case vtkCommand::EndInteractionEvent:
        m_dragging = false;
        m_stillTimer->stop();
        setQuality(Quality::Full);
        requestRender();
        Q_EMIT interactionChanged(false);
        break;
    default:
        break;
    }
}

void VolumeCanvas::setCube(const LoadedCube& cube)
{
    const bool newGrid = m_cube.empty() || cube.cube.shape() != m_cube.cube.shape()
        || cube.cube.boxLength() != m_cube.cube.boxLength();
    m_cube = cube;
    m_image = wrapCube(m_cube.cube);
    m_mapper->SetInputData(m_image);
    m_volume->VisibilityOn();
    const Extent& L = m_cube.cube.boxLength();
    // The frame sits half a cell outside the voxel centres, around the whole box.
    const double pad = 0.5 * std::max({m_cube.cube.cellSize(0), m_cube.cube.cellSize(1), m_cube.cube.cellSize(2)});
    m_boxSource->SetBounds(-pad, L[2] + pad, -pad, L[1] + pad, -pad, L[0] + pad);
    m_box->VisibilityOn();
    m_boxAxes->SetBounds(0, L[2], 0, L[1], 0, L[0]);
    m_boxAxes->SetVisibility(m_boxAxesOn);
    applySampling();
    if (newGrid)
        resetCamera();
    requestRender();
}

void VolumeCanvas::clearCube()
{
    m_cube = {};
    m_mapper->RemoveAllInputs();
    m_image = nullptr;
    m_volume->VisibilityOff();
    m_box->VisibilityOff();
    m_boxAxes->VisibilityOff();
    m_plane->VisibilityOff();
    setIsosurface(nullptr);
    requestRender();
}

void VolumeCanvas::setTransferFunction(const TransferFunction& tf)
{
    m_tf = tf;
    vtkVolumeProperty* prop = m_volume->GetProperty();
    prop->SetColor(makeColorFunction(tf.colormap, tf.range.lo, tf.range.hi));
    auto opacity = vtkSmartPointer<vtkPiecewiseFunction>::New();
    const double span = tf.range.hi - tf.range.lo;
    for (const QPointF& p : tf.opacity)
        opacity->AddPoint(tf.range.lo + p.x() * span, p.y());
    opacity->ClampingOn();
    prop->SetScalarOpacity(opacity);
    requestRender();
}

void VolumeCanvas::setBoxAxes(bool on)
{
    m_boxAxesOn = on;
    m_boxAxes->SetVisibility(on && !m_cube.empty());
    requestRender();
}

bool VolumeCanvas::boxAxes() const
{
    return m_boxAxesOn;
}

QImage VolumeCanvas::grabWithBoxAxes(QSize pixels, double labelScale)
{
    const bool axesShown = m_boxAxesOn;
    m_boxAxes->SetScreenSize(kBoxAxesTextPixels * std::clamp(labelScale, 0.25, 8.0));
    vtkCamera* camera = renderer()->GetActiveCamera();
    const double viewAngle = camera->GetViewAngle(), parallelScale = camera->GetParallelScale();
    setBoxAxes(true);
    camera->Zoom(0.8); // changes only the view angle (or the parallel scale)
    const QImage image = pixels.isEmpty() ? grabImage() : grabImage(pixels);
    camera->SetViewAngle(viewAngle);
    camera->SetParallelScale(parallelScale);
    m_boxAxes->SetScreenSize(kBoxAxesTextPixels);
    setBoxAxes(axesShown);
    return image;
}

void VolumeCanvas::setSlicePlane(int axis, int index, bool visible)
{
    if (m_cube.empty() || !visible) {
        m_plane->VisibilityOff();
        requestRender();
        return;
    }
    const Extent& L = m_cube.cube.boxLength();
    const double pos = (index + 0.5) * m_cube.cube.cellSize(axis);
    double b[6] = {0, L[2], 0, L[1], 0, L[0]};
    const int vtkAxis = 2 - axis; // cube axis 0 is VTK's z
    b[2 * vtkAxis] = b[2 * vtkAxis + 1] = pos;
    m_planeSource->SetBounds(b);
    const bool wasVisible = m_plane->GetVisibility() != 0;
    m_plane->VisibilityOn();
    if (wasVisible && !m_dragging)
        m_planeTimer->start(); // coalesce a run of slider steps into one frame
    else
        requestRender();
}

std::array<double, 6> VolumeCanvas::slicePlaneBounds() const
{
    std::array<double, 6> b {};
    m_planeSource->GetBounds(b.data());
    return b;
}

bool VolumeCanvas::slicePlaneVisible() const
{
    return m_plane->GetVisibility() != 0;
}

void VolumeCanvas::setIsosurface(vtkSmartPointer<vtkPolyData> surface)
{
    if (surface) {
        m_isoMapper->SetInputData(surface);
        m_iso->VisibilityOn();
    } else {
        m_isoMapper->RemoveAllInputs();
        m_iso->VisibilityOff();
    }
    requestRender();
}

void VolumeCanvas::setHaloes(const std::vector<std::array<double, 3>>& positions, const std::vector<double>& masses)
{
    if (m_haloes)
        m_overlay->RemoveActor(m_haloes);
    m_haloes = nullptr;
    m_haloCount = std::min(positions.size(), masses.size());
    if (m_haloCount > 0) {
        // The lightest halo a third of a cell across (of the cube shown, else 1 Mpc).
        const double cell = m_cube.empty() ? 1.0 : m_cube.cube.cellSize(0);
        m_haloes = makeHaloActor(positions, masses, 0.35 * cell);
        m_overlay->AddActor(m_haloes);
    }
    requestRender();
}

bool VolumeCanvas::hasIsosurface() const
{
    return m_iso->GetVisibility() != 0;
}

void VolumeCanvas::resetCamera()
{
    vtkCamera* cam = renderer()->GetActiveCamera();
    cam->SetFocalPoint(0, 0, 0);
    cam->SetPosition(0, 0, 1);
    cam->SetViewUp(0, 1, 0);
    cam->Azimuth(35);
    cam->Elevation(25);
    cam->OrthogonalizeViewUp();
    renderer()->ResetCamera();
    cam->Zoom(1.1);
    requestRender();
}

void VolumeCanvas::rotateCamera(double azimuthDegrees, double elevationDegrees)
{
    vtkCamera* cam = renderer()->GetActiveCamera();
    cam->Azimuth(azimuthDegrees);
    cam->Elevation(elevationDegrees);
    cam->OrthogonalizeViewUp();
    renderer()->ResetCameraClippingRange();
    requestRender();
}

void VolumeCanvas::setQuality(Quality q)
{
    if (q == m_quality)
        return;
    m_quality = q;
    applySampling();
}

void VolumeCanvas::setInteractiveRate(double fps)
{
    m_interactiveRate = std::clamp(fps, 1.0, 60.0);
}

void VolumeCanvas::adaptSampling()
{
    if (m_quality != Quality::Interactive || lastRenderMs() <= 0)
        return;
    // Rays scale with 1/spacing²: move the spacing by the square root of the time ratio, damped.
    const double target = 1000.0 / m_interactiveRate;
    const double ratio = std::clamp(lastRenderMs() / target, 0.25, 4.0);
    const double next = std::clamp(m_interactiveImageSampling * std::pow(ratio, 0.35), 1.5, 6.0);
    if (std::abs(next - m_interactiveImageSampling) > 0.05) {
        m_interactiveImageSampling = next;
        applySampling();
    }
}

void VolumeCanvas::applySampling()
{
    const double cell
        = m_cube.empty() ? 1.0 : std::min({m_cube.cube.cellSize(0), m_cube.cube.cellSize(1), m_cube.cube.cellSize(2)});
    if (m_quality == Quality::Interactive) {
        m_mapper->SetImageSampleDistance(float(m_interactiveImageSampling));
        m_mapper->SetSampleDistance(float(2.0 * cell)); // one sample every other cell
    } else {
        m_mapper->SetImageSampleDistance(1.0f);
        m_mapper->SetSampleDistance(float(cell)); // one sample per cell
    }
    m_mapper->SetInteractiveSampleDistance(m_mapper->GetSampleDistance());
}

void VolumeCanvas::keyPressEvent(QKeyEvent* e)
{
    switch (e->key()) {
    case Qt::Key_R:
        resetCamera();
        break;
    case Qt::Key_Left:
        rotateCamera(-5);
        break;
    case Qt::Key_Right:
        rotateCamera(5);
        break;
    case Qt::Key_Up:
        rotateCamera(0, 5);
        break;
    case Qt::Key_Down:
        rotateCamera(0, -5);
        break;
    default:
        VtkHostWidget::keyPressEvent(e);
        return;
    }
    e->accept();
}

} // namespace rs::ui
