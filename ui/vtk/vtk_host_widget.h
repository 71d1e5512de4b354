#pragma once
/// \file vtk_host_widget.h
/// A widget that hosts one vtkGenericOpenGLRenderWindow (VTK 9.1's own Qt widget is built for
/// Qt 5, so ReionScope hosts VTK itself). The GL content lives in a native child window (a
/// QOpenGLWindow in a window container), not in a QOpenGLWidget: a window holding a QOpenGLWidget
/// is composed by Qt through OpenGL on every repaint of any of its widgets (whole window, every
/// frame), which on software OpenGL costs tens of ms a frame; with a native GL child the rest of
/// the window is flushed as plain raster (DEVELOPERS.md; tst_slice_canvas checks it).
/// VTK renders into its own framebuffer; the result is blitted into the GL window. Render requests
/// are coalesced: requestRender() marks the scene dirty and schedules one paint. Input reaches this
/// widget as for any other (the GL window is transparent for input), so subclasses handle mouse,
/// wheel and key events as usual.

#include <QImage>
#include <QWidget>

#include <vtkSmartPointer.h>

#include <vector>

class QOpenGLContext;
class vtkGenericOpenGLRenderWindow;
class vtkRenderWindowInteractor;
class vtkRenderer;
class vtkObject;

namespace rs::ui {

class VtkGlWindow;

class VtkHostWidget : public QWidget {
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
    /// Schedules a paint that puts the last frame on screen again without a VTK render (for
    /// measuring what presenting a frame costs).
    void requestPresent();
    /// Renders now, synchronously, and waits until GL has finished (for measurements); the frame
    /// reaches the screen with the next paint. Does nothing before the widget has been shown once.
    void renderNow();
    /// The last rendered frame (renders first if the scene is dirty), widget size × device pixel
    /// ratio, Format_RGB32. Null before the GL context exists (widget never shown) or where
    /// OpenGL is unavailable.
    QImage grabImage();
    /// The scene rendered now at `pixels` (figures larger than the view on screen; VTK's text and
    /// lines keep their size in pixels), Format_RGB32; the view on screen keeps its own size and is
    /// rendered again. Null when grabImage() would be or `pixels` is empty or over 8192 a side.
    QImage grabImage(QSize pixels);
    /// Whether the GL context was created and VTK initialised on it.
    bool isGlReady() const { return m_glReady; }
    /// Frames VTK has rendered (not counting repaints that only blit).
    quint64 renderCount() const { return m_renderCount; }
    /// Milliseconds VTK took for the last rendered frame (CPU side, without the blit).
    double lastRenderMs() const { return m_lastRenderMs; }

Q_SIGNALS:
    /// A new frame was rendered by VTK.
    void frameRendered();
    /// A frame (new or blitted again) was swapped to the screen.
    void frameSwapped();

protected:
    bool event(QEvent* e) override;

    /// Called once per initialised GL context before the first render; subclasses may set up
    /// GL-dependent state. Default does nothing.
    virtual void glReady() { }

private:
    friend class VtkGlWindow;
    void initializeGL();
    void resizeGL(int w, int h);
    void paintGL();
    bool renderIfDirty();
    QImage readFrame();
    void setUpRenderWindow();
    void cleanUpContext();
    void onWindowEvent(vtkObject* caller, unsigned long eventId, void* callData);
    bool forwardToInteractor(QEvent* e);

    vtkSmartPointer<vtkGenericOpenGLRenderWindow> m_window;
    vtkSmartPointer<vtkRenderer> m_renderer;
    vtkSmartPointer<vtkRenderWindowInteractor> m_interactor;
    VtkGlWindow* m_glWindow = nullptr; ///< owned by m_container
    QOpenGLContext* m_context = nullptr; ///< m_glWindow's, once initialised
    QWidget* m_container = nullptr;
    bool m_glReady = false;
    bool m_dirty = true;
    bool m_inPaint = false;
    bool m_interactorEnabled = false;
    quint64 m_renderCount = 0;
    double m_lastRenderMs = 0;
    std::vector<unsigned long> m_observerIds;
};

/// What `widget` shows, as QWidget::grab() would give it, with the frames of the GL views inside
/// it (or of `widget` itself, if it is one) painted in their places: a GL view's own part of a
/// grab is blank. For screenshots of windows and panels. Never throws.
QImage grabWithGlViews(QWidget* widget);

} // namespace rs::ui
