#pragma once
/// \file vtk_host_widget.h
/// A QOpenGLWidget that hosts one vtkGenericOpenGLRenderWindow (VTK 9.1's own Qt widget is built
/// for Qt 5, so ReionScope hosts VTK itself). VTK renders into its own framebuffer inside paintGL
/// only; the result is blitted into the widget's framebuffer. Render requests are coalesced:
/// requestRender() marks the scene dirty and schedules one paint.

#include <QImage>
#include <QOpenGLWidget>

#include <vtkSmartPointer.h>

#include <vector>

class QSurface;
class vtkGenericOpenGLRenderWindow;
class vtkRenderWindowInteractor;
class vtkRenderer;
class vtkObject;

namespace rs::ui {

class VtkHostWidget : public QOpenGLWidget {
    Q_OBJECT

public:
    explicit VtkHostWidget(QWidget* parent = nullptr);
    ~VtkHostWidget() override;

    /// Sets the application-wide surface format VTK needs (OpenGL 3.2 core, depth and stencil
    /// buffers, no multisampling). Call before the QApplication is created.
    static void installDefaultSurfaceFormat();

    vtkGenericOpenGLRenderWindow* renderWindow() const;
    /// The one renderer this widget creates (background set, added to the render window).
    vtkRenderer* renderer() const;

    /// Forwards mouse, wheel and key events to a VTK interactor (for trackball cameras). Off by
    /// default: subclasses that handle their own interaction leave it off.
    void setInteractorEnabled(bool on);
    vtkRenderWindowInteractor* interactor() const;

    /// Marks the scene changed and schedules a paint (coalesced with other requests).
    void requestRender();
    /// Renders now, synchronously, and waits until GL has finished (for measurements).
    /// Does nothing before the widget has been shown once.
    void renderNow();
    /// The last rendered frame (renders first if the scene is dirty). Null before the GL context
    /// exists (widget never shown) or where OpenGL is unavailable.
    QImage grabImage();
    /// Whether the GL context was created and VTK initialised on it.
    bool isGlReady() const { return m_glReady; }
    /// Frames VTK has rendered (not counting repaints that only blit).
    quint64 renderCount() const { return m_renderCount; }
    /// Milliseconds VTK took for the last rendered frame (CPU side, without the blit).
    double lastRenderMs() const { return m_lastRenderMs; }

Q_SIGNALS:
    /// A new frame was rendered by VTK.
    void frameRendered();

protected:
    void initializeGL() override;
    void resizeGL(int w, int h) override;
    void paintGL() override;
    bool event(QEvent* e) override;

    /// Called once per initialised GL context before the first render; subclasses may set up
    /// GL-dependent state. Default does nothing.
    virtual void glReady() { }

private:
    void setUpRenderWindow();
    void cleanUpContext();
    void onWindowEvent(vtkObject* caller, unsigned long eventId, void* callData);
    bool forwardToInteractor(QEvent* e);

    vtkSmartPointer<vtkGenericOpenGLRenderWindow> m_window;
    vtkSmartPointer<vtkRenderer> m_renderer;
    vtkSmartPointer<vtkRenderWindowInteractor> m_interactor;
    QOpenGLContext* m_context = nullptr;
    QSurface* m_surface = nullptr;
    bool m_glReady = false;
    bool m_dirty = true;
    bool m_inPaint = false;
    bool m_interactorEnabled = false;
    quint64 m_renderCount = 0;
    double m_lastRenderMs = 0;
    std::vector<unsigned long> m_observerIds;
};

} // namespace rs::ui
