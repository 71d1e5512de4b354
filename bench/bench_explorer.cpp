// bench_explorer: how fast the Explorer responds on this machine (a benchmark, never a test).
#include "screenshots.h"
#include "vtk_host_widget.h"

#include <QApplication>

#include <cstdio>

int main(int argc, char** argv)
{
    rs::ui::VtkHostWidget::installDefaultSurfaceFormat();
    QApplication::setAttribute(Qt::AA_ShareOpenGLContexts);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("ReionScope"));
    QApplication::setOrganizationName(QStringLiteral("ReionScope"));
    const QStringList args = app.arguments().mid(1);
    if (args.size() >= 2 && args[0] == QLatin1String("--screenshots"))
        return takeScreenshots(args[1], args.mid(2));
    std::fprintf(stderr, "usage: bench_explorer --screenshots DIR [PATH...]\n");
    return 2;
}
