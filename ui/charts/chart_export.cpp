#include "charts/chart_export.h"

#include <QFileDialog>
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

} // namespace rs::ui::charts
