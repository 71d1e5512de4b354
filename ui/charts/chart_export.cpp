#include "charts/chart_export.h"

#include <QFileDialog>
#include <QInputDialog>
#include <QObject>
#include <QStandardPaths>

namespace rs::ui::charts {

QString askExportPath(QWidget* parent, const QString& title, const QString& stem, bool png)
{
    const QString suffix = png ? QStringLiteral("png") : QStringLiteral("csv");
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    QString path
        = QFileDialog::getSaveFileName(parent, title, dir + QLatin1Char('/') + stem + QLatin1Char('.') + suffix,
            png ? QObject::tr("PNG images (*.png)") : QObject::tr("CSV files (*.csv)"));
    if (!path.isEmpty() && !path.endsWith(QLatin1Char('.') + suffix, Qt::CaseInsensitive))
        path += QLatin1Char('.') + suffix;
    return path;
}

QString askFigurePath(QWidget* parent, const QString& title, const QString& stem, int* dpi)
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString png = QObject::tr("PNG images (*.png)"), svg = QObject::tr("SVG drawings (*.svg)"),
                  pdf = QObject::tr("PDF documents (*.pdf)");
    QString filter = png;
    QString path = QFileDialog::getSaveFileName(parent, title, dir + QLatin1Char('/') + stem + QStringLiteral(".png"),
        png + QStringLiteral(";;") + svg + QStringLiteral(";;") + pdf, &filter);
    if (path.isEmpty())
        return {};
    const QString lower = path.toLower();
    if (!lower.endsWith(QStringLiteral(".png")) && !lower.endsWith(QStringLiteral(".svg"))
        && !lower.endsWith(QStringLiteral(".pdf")))
        path += filter == svg ? QStringLiteral(".svg")
            : filter == pdf   ? QStringLiteral(".pdf")
                              : QStringLiteral(".png");
    if (path.toLower().endsWith(QStringLiteral(".png"))) {
        bool ok = false;
        const int chosen = QInputDialog::getInt(
            parent, title, QObject::tr("Resolution of the PNG image (dots per inch):"), *dpi, 50, 1200, 50, &ok);
        if (!ok)
            return {};
        *dpi = chosen;
    }
    return path;
}

} // namespace rs::ui::charts
