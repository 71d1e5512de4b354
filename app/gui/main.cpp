// reionscope: the desktop GUI. `reionscope [PATH...]` opens files and folders; without paths it
// reopens the most recent data, or on first start generates and opens the built-in demo grid.
// The Training tab trains models on a worker thread of its own.
#include "explorer/explorer_workspace.h"
#include "explorer/linked_slices_view.h"
#include "explorer/slice_panel.h"
#include "ml/ml_setup.h"
#include "shell/main_window.h"
#include "vtk/vtk_host_widget.h"

#include <hdf5.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QMessageBox>

#include <cstdio>
#include <exception>

namespace {

/// QApplication that turns an exception escaping an event handler into a message, not a crash.
class Application : public QApplication {
public:
    using QApplication::QApplication;

    bool notify(QObject* receiver, QEvent* event) override
    {
        try {
            return QApplication::notify(receiver, event);
        } catch (const std::exception& e) {
            report(QString::fromStdString(e.what()));
        } catch (...) {
            report(QStringLiteral("unknown error"));
        }
        return false;
    }

    static void report(const QString& what)
    {
        std::fprintf(stderr, "reionscope: internal error: %s\n", qPrintable(what));
        QMessageBox::critical(nullptr, QStringLiteral("ReionScope"),
            QStringLiteral("Something went wrong inside ReionScope:\n%1\n\n"
                           "Your files were not changed. Please report this.")
                .arg(what));
    }
};

} // namespace

int main(int argc, char** argv)
{
    // No HDF5 clean-up at exit: after a failed write (disk full) it closes the failed file again
    // and crashes; files are closed by RAII.
    H5dont_atexit();
    // Before any thread starts: keeps training's large activations in the heap (see ml_setup.h).
    // OMP_WAIT_POLICY=PASSIVE is already in the environment (early_env.cpp).
    rs::ml::configureAllocatorForTraining();
    rs::ui::VtkHostWidget::installDefaultSurfaceFormat(); // before the QApplication exists
    QApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    Application app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ReionScope"));
    QApplication::setOrganizationName(QStringLiteral("ReionScope"));
    QApplication::setOrganizationDomain(QStringLiteral("reionscope.org"));
    QApplication::setApplicationVersion(QStringLiteral(REIONSCOPE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("org.reionscope.ReionScope"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/reionscope-256.png")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("ReionScope: explore 21cm reionization cubes"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("paths"), QStringLiteral("Cube files or folders to open"), QStringLiteral("[PATH...]"));
    const QCommandLineOption firstSlice(QStringLiteral("exit-after-first-slice"),
        QStringLiteral("For benchmarks: print 'first-slice' when the first slice is drawn, then quit"));
    parser.addOption(firstSlice);
    parser.process(app);

    try {
        rs::ui::MainWindow window;
        window.show();
        if (parser.isSet(firstSlice)) {
            rs::ui::SliceCanvas* canvas = window.explorer()->slices()->panel(0)->canvas();
            QObject::connect(canvas, &rs::ui::VtkHostWidget::frameRendered, &app, [canvas] {
                if (!canvas->hasCube())
                    return;
                std::printf("first-slice\n");
                std::fflush(stdout);
                QCoreApplication::exit(0);
            });
        }
        window.start(parser.positionalArguments());
        return app.exec();
    } catch (const std::exception& e) { // last resort: say what happened instead of aborting
        Application::report(QString::fromStdString(e.what()));
        return 3;
    }
}
