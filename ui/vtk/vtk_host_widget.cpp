// VTK's OpenGL headers (vtk_glew.h, pulled in by vtkOpenGLState.h) must come before any Qt GL
// header, so this file includes VTK first and its own header afterwards.
#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkInteractorStyleTrackballCamera.h>
#include <vtkOpenGLFramebufferObject.h>
#include <vtkOpenGLState.h>
#include <vtkRenderer.h>

#include "vtk/vtk_host_widget.h"

#include <QElapsedTimer>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QOpenGLContext>
#include <QOpenGLFunctions>
#include <QOpenGLWindow>
#include <QPainter>
#include <QSurfaceFormat>
#include <QWheelEvent>

namespace rs::ui {

/// The native GL child window: Qt calls it to set up, resize and paint; the host does the work.
/// Transparent for input, so mouse and keys reach the host widget through the widget window.
class VtkGlWindow : public QOpenGLWindow {
public:
    explicit VtkGlWindow(VtkHostWidget* host)
        : QOpenGLWindow(QOpenGLWindow::NoPartialUpdate)
        , m_host(host)
    {
        setFlag(Qt::WindowTransparentForInput);
    }

protected:
    void initializeGL() override { m_host->initializeGL(); }
    void resizeGL(int w, int h) override { m_host->resizeGL(w, h); }
    void paintGL() override { m_host->paintGL(); }

private:
    VtkHostWidget* m_host;
};

VtkHostWidget::VtkHostWidget(QWidget* parent)
    : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setMinimumSize(64, 64);
    setUpRenderWindow();
    m_glWindow = new VtkGlWindow(this);
    m_container = QWidget::createWindowContainer(m_glWindow, this);
    m_container->setAttribute(Qt::WA_TransparentForMouseEvents);
    m_container->setFocusPolicy(Qt::NoFocus);
    connect(m_glWindow, &QOpenGLWindow::frameSwapped, this, &VtkHostWidget::frameSwapped);
}

void VtkHostWidget::installDefaultSurfaceFormat()
{
    QSurfaceFormat f;
    f.setRenderableType(QSurfaceFormat::OpenGL);
    f.setVersion(3, 2);
    f.setProfile(QSurfaceFormat::CoreProfile);
    f.setDepthBufferSize(24);
    f.setStencilBufferSize(8);
    f.setRedBufferSize(8);
    f.setGreenBufferSize(8);
    f.setBlueBufferSize(8);
    f.setAlphaBufferSize(8);
    f.setSamples(0);
    f.setSwapBehavior(QSurfaceFormat::DoubleBuffer);
    QSurfaceFormat::setDefaultFormat(f);
}

VtkHostWidget::~VtkHostWidget()
{
    if (m_glReady) {
        m_context->makeCurrent(m_glWindow);
        cleanUpContext();
    }
    for (unsigned long id : m_observerIds)
        m_window->RemoveObserver(id);
    if (m_interactor)
        m_interactor->SetRenderWindow(nullptr);
    delete m_container; // and the GL window with it, while this object is still whole
}

void VtkHostWidget::setUpRenderWindow()
{
    m_window = vtkSmartPointer<vtkGenericOpenGLRenderWindow>::New();
    m_window->SetReadyForRendering(false); // no render before initializeGL
    m_window->SetFrameBlitModeToNoBlit(); // we blit into the GL window's framebuffer ourselves
    m_window->SetMultiSamples(0); // a multisampled FBO cannot be blitted with scaling
    m_renderer = vtkSmartPointer<vtkRenderer>::New();
    m_renderer->SetBackground(0.11, 0.12, 0.14);
    m_window->AddRenderer(m_renderer);

    for (unsigned long event : {vtkCommand::WindowMakeCurrentEvent, vtkCommand::WindowIsCurrentEvent,
             vtkCommand::WindowFrameEvent, vtkCommand::WindowSupportsOpenGLEvent, vtkCommand::WindowIsDirectEvent})
        m_observerIds.push_back(m_window->AddObserver(event, this, &VtkHostWidget::onWindowEvent));
}

vtkGenericOpenGLRenderWindow* VtkHostWidget::renderWindow() const
{
    return m_window;
}

vtkRenderer* VtkHostWidget::renderer() const
{
    return m_renderer;
}

vtkRenderWindowInteractor* VtkHostWidget::interactor() const
{
    return m_interactor;
}

void VtkHostWidget::setInteractorEnabled(bool on)
{
    m_interactorEnabled = on;
    if (!on || m_interactor)
        return;
    auto iren = vtkSmartPointer<vtkGenericRenderWindowInteractor>::New();
    // The interactor never renders by itself: its render requests become coalesced paints, so
    // VTK only ever draws inside paintGL with our context current.
    iren->EnableRenderOff();
    iren->SetRenderWindow(m_window);
    iren->SetInteractorStyle(vtkSmartPointer<vtkInteractorStyleTrackballCamera>::New());
    iren->AddObserver(vtkCommand::RenderEvent, this, &VtkHostWidget::onWindowEvent);
    iren->Enable();
    iren->UpdateSize(width(), height());
    m_interactor = iren;
}

void VtkHostWidget::onWindowEvent(vtkObject*, unsigned long eventId, void* callData)
{
    switch (eventId) {
    case vtkCommand::WindowMakeCurrentEvent:
        // Only when not current already, and through the context itself: QOpenGLWindow's
        // makeCurrent() also resets Qt's framebuffer binding, under VTK's feet.
        if (m_context && QOpenGLContext::currentContext() != m_context)
            m_context->makeCurrent(m_glWindow);
        break;
    case vtkCommand::WindowIsCurrentEvent:
        *static_cast<bool*>(callData) = m_context && QOpenGLContext::currentContext() == m_context;
        break;
    case vtkCommand::WindowFrameEvent:
        if (!m_inPaint)
            m_glWindow->update();
        break;
    case vtkCommand::WindowSupportsOpenGLEvent:
        *static_cast<int*>(callData) = m_glReady ? 1 : 0;
        break;
    case vtkCommand::WindowIsDirectEvent:
        *static_cast<int*>(callData) = 1;
        break;
    case vtkCommand::RenderEvent: // from the interactor
        requestRender();
        break;
    default:
        break;
    }
}

void VtkHostWidget::initializeGL()
{
    m_context = m_glWindow->context();
    connect(m_context, &QOpenGLContext::aboutToBeDestroyed, this, &VtkHostWidget::cleanUpContext, Qt::UniqueConnection);

    vtkOpenGLState* state = m_window->GetState();
    state->Reset();
    state->vtkglDepthFunc(GL_LEQUAL); // Qt leaves GL_LESS; VTK expects GL_LEQUAL
    m_window->SetOwnContext(0);
    m_window->SetReadyForRendering(true);
    m_window->SetMapped(1);
    m_window->OpenGLInitContext();
    const qreal dpr = m_glWindow->devicePixelRatio();
    m_window->SetSize(int(m_glWindow->width() * dpr), int(m_glWindow->height() * dpr));
    m_glReady = true;
    m_dirty = true;
    glReady();
}

void VtkHostWidget::cleanUpContext()
{
    if (!m_glReady)
        return;
    // The context is going away (widget destroyed): release VTK's GL objects while it is still
    // current.
    if (m_context && QOpenGLContext::currentContext() != m_context)
        m_context->makeCurrent(m_glWindow);
    m_window->ReleaseGraphicsResources(m_window);
    m_window->Finalize();
    m_window->SetReadyForRendering(false);
    m_glReady = false;
    m_context = nullptr;
}

void VtkHostWidget::resizeGL(int w, int h)
{
    const qreal dpr = m_glWindow->devicePixelRatio();
    const int pw = int(w * dpr), ph = int(h * dpr);
    if (m_interactor)
        m_interactor->UpdateSize(pw, ph);
    m_window->SetSize(pw, ph);
    m_dirty = true;
}

bool VtkHostWidget::renderIfDirty()
{
    if (!m_dirty)
        return false;
    m_dirty = false;
    QElapsedTimer timer;
    timer.start();
    m_window->Render();
    m_lastRenderMs = double(timer.nsecsElapsed()) / 1e6;
    ++m_renderCount;
    // VTK may have switched contexts while rendering (another widget's progress, say).
    if (QOpenGLContext::currentContext() != m_context)
        m_context->makeCurrent(m_glWindow);
    return true;
}

void VtkHostWidget::paintGL()
{
    if (!m_glReady)
        return;
    m_inPaint = true;
    vtkOpenGLState* state = m_window->GetState();
    state->Reset();
    state->Push();
    state->vtkglDepthFunc(GL_LEQUAL);
    const bool rendered = renderIfDirty();

    const qreal dpr = m_glWindow->devicePixelRatio();
    const int pw = int(m_glWindow->width() * dpr), ph = int(m_glWindow->height() * dpr);
    QOpenGLFunctions* f = m_context->functions();
    state->vtkglBindFramebuffer(GL_DRAW_FRAMEBUFFER, m_glWindow->defaultFramebufferObject());
    state->vtkglDrawBuffer(GL_BACK);
    state->vtkglDisable(GL_SCISSOR_TEST);
    int* size = m_window->GetRenderFramebuffer()->GetLastSize();
    m_window->BlitDisplayFramebuffer(0, 0, 0, size[0], size[1], 0, 0, pw, ph, GL_COLOR_BUFFER_BIT, GL_NEAREST);

    // Alpha must be 1 everywhere or the window shows through where a compositor uses alpha.
    state->vtkglColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_TRUE);
    state->vtkglClearColor(0.f, 0.f, 0.f, 1.f);
    state->vtkglViewport(0, 0, pw, ph);
    f->glClear(GL_COLOR_BUFFER_BIT);
    state->vtkglColorMask(GL_TRUE, GL_TRUE, GL_TRUE, GL_TRUE);
    state->Pop();
    m_inPaint = false;
    if (rendered)
        Q_EMIT frameRendered();
}

void VtkHostWidget::requestRender()
{
    m_dirty = true;
    m_glWindow->update();
}

void VtkHostWidget::requestPresent()
{
    m_glWindow->update();
}

void VtkHostWidget::renderNow()
{
    if (!m_glReady)
        return;
    m_dirty = true;
    m_context->makeCurrent(m_glWindow);
    paintGL(); // renders and blits into the back buffer, as a paint would
    m_context->functions()->glFinish();
    m_glWindow->update(); // the next paint swaps the new frame to the screen
}

QImage VtkHostWidget::grabImage()
{
    if (!m_glReady)
        return {};
    m_context->makeCurrent(m_glWindow);
    vtkOpenGLState* state = m_window->GetState();
    state->Reset();
    state->Push();
    state->vtkglDepthFunc(GL_LEQUAL);
    const bool rendered = renderIfDirty();
    QImage image = readFrame();
    state->Pop();
    if (rendered) {
        m_glWindow->update();
        Q_EMIT frameRendered();
    }
    return image;
}

QImage VtkHostWidget::grabImage(QSize pixels)
{
    if (!m_glReady || pixels.isEmpty() || pixels.width() > 8192 || pixels.height() > 8192)
        return {};
    const int* shown = m_window->GetSize();
    const int shownW = shown[0], shownH = shown[1];
    m_window->SetSize(pixels.width(), pixels.height());
    m_dirty = true;
    const QImage image = grabImage();
    m_window->SetSize(shownW, shownH);
    requestRender(); // the view's own frame, at its own size
    return image;
}

QImage VtkHostWidget::readFrame()
{
    // VTK's display framebuffer holds the last frame whatever was swapped to the screen since.
    vtkOpenGLFramebufferObject* fb = m_window->GetDisplayFramebuffer();
    const int* size = m_window->GetRenderFramebuffer()->GetLastSize();
    if (!fb || size[0] <= 0 || size[1] <= 0)
        return {};
    QImage image(size[0], size[1], QImage::Format_RGBA8888);
    vtkOpenGLState* state = m_window->GetState();
    state->PushReadFramebufferBinding();
    fb->Bind(GL_READ_FRAMEBUFFER);
    fb->ActivateReadBuffer(0);
    QOpenGLFunctions* f = m_context->functions();
    f->glPixelStorei(GL_PACK_ALIGNMENT, 4);
    f->glReadPixels(0, 0, size[0], size[1], GL_RGBA, GL_UNSIGNED_BYTE, image.bits());
    state->PopReadFramebufferBinding();
    // GL rows run bottom-up; alpha is forced opaque as on screen.
    image = image.mirrored().convertToFormat(QImage::Format_RGB32);
    for (int y = 0; y < image.height(); ++y) {
        auto* row = reinterpret_cast<QRgb*>(image.scanLine(y));
        for (int x = 0; x < image.width(); ++x)
            row[x] |= 0xff000000u;
    }
    image.setDevicePixelRatio(m_glWindow->devicePixelRatio());
    return image;
}

bool VtkHostWidget::event(QEvent* e)
{
    if (e->type() == QEvent::Resize)
        m_container->setGeometry(rect());
    if (m_interactorEnabled && m_interactor && forwardToInteractor(e))
        return true;
    return QWidget::event(e);
}

bool VtkHostWidget::forwardToInteractor(QEvent* e)
{
    vtkRenderWindowInteractor* iren = m_interactor;
    const qreal dpr = devicePixelRatioF();
    auto setPos = [&](QPointF p, Qt::KeyboardModifiers mods) {
        iren->SetEventInformationFlipY(
            int(p.x() * dpr), int(p.y() * dpr), mods & Qt::ControlModifier ? 1 : 0, mods & Qt::ShiftModifier ? 1 : 0);
        iren->SetAltKey(mods & Qt::AltModifier ? 1 : 0);
    };
    switch (e->type()) {
    case QEvent::MouseButtonPress:
    case QEvent::MouseButtonDblClick: {
        auto* me = static_cast<QMouseEvent*>(e);
        setPos(me->position(), me->modifiers());
        iren->SetRepeatCount(e->type() == QEvent::MouseButtonDblClick ? 1 : 0);
        switch (me->button()) {
        case Qt::LeftButton:
            iren->InvokeEvent(vtkCommand::LeftButtonPressEvent);
            break;
        case Qt::MiddleButton:
            iren->InvokeEvent(vtkCommand::MiddleButtonPressEvent);
            break;
        case Qt::RightButton:
            iren->InvokeEvent(vtkCommand::RightButtonPressEvent);
            break;
        default:
            return false;
        }
        return false; // let Qt see it too (focus, subclasses)
    }
    case QEvent::MouseButtonRelease: {
        auto* me = static_cast<QMouseEvent*>(e);
        setPos(me->position(), me->modifiers());
        switch (me->button()) {
        case Qt::LeftButton:
            iren->InvokeEvent(vtkCommand::LeftButtonReleaseEvent);
            break;
        case Qt::MiddleButton:
            iren->InvokeEvent(vtkCommand::MiddleButtonReleaseEvent);
            break;
        case Qt::RightButton:
            iren->InvokeEvent(vtkCommand::RightButtonReleaseEvent);
            break;
        default:
            return false;
        }
        return false;
    }
    case QEvent::MouseMove: {
        auto* me = static_cast<QMouseEvent*>(e);
        setPos(me->position(), me->modifiers());
        iren->InvokeEvent(vtkCommand::MouseMoveEvent);
        return false;
    }
    case QEvent::Wheel: {
        auto* we = static_cast<QWheelEvent*>(e);
        setPos(we->position(), we->modifiers());
        const int dy = we->angleDelta().y();
        if (dy > 0)
            iren->InvokeEvent(vtkCommand::MouseWheelForwardEvent);
        else if (dy < 0)
            iren->InvokeEvent(vtkCommand::MouseWheelBackwardEvent);
        return false;
    }
    default:
        return false;
    }
}

QImage grabWithGlViews(QWidget* widget)
{
    QImage image = widget->grab().toImage();
    if (image.isNull())
        return image;
    QList<VtkHostWidget*> views = widget->findChildren<VtkHostWidget*>();
    if (auto* self = qobject_cast<VtkHostWidget*>(widget))
        views.prepend(self);
    QPainter painter(&image);
    for (VtkHostWidget* view : views) {
        if (!view->isVisibleTo(widget) && view != widget)
            continue;
        const QImage frame = view->grabImage();
        if (frame.isNull())
            continue;
        // Where the view is in `widget`, clipped by every widget between them (scroll areas).
        QRect place(view->mapTo(widget, QPoint(0, 0)), view->size());
        QRect clip = place;
        for (QWidget* w = view->parentWidget(); w && w != widget && w->parentWidget(); w = w->parentWidget())
            clip &= QRect(w->mapTo(widget, QPoint(0, 0)), w->size());
        painter.save();
        painter.setClipRect(clip & widget->rect());
        painter.drawImage(place, frame);
        painter.restore();
    }
    return image;
}

} // namespace rs::ui
