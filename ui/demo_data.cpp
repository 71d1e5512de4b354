#include "demo_data.h"

#include "job_runner.h"
#include "sim/demo_data.h"

#include <QDir>
#include <QStandardPaths>

namespace rs::ui {

DemoData::DemoData(QObject* parent)
    : QObject(parent)
    , m_job(new JobRunner(this))
{
}

QString DemoData::defaultFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/demo");
}

bool DemoData::exists(const QString& folder)
{
    return hasDemoData(folder.toStdString());
}

void DemoData::ensure(const QString& folder)
{
    if (exists(folder)) {
        Q_EMIT ready(folder);
        return;
    }
    QDir().mkpath(folder);
    const std::string dir = folder.toStdString();
    m_job->start(tr("Generating the demo data"), [this, dir, folder](const ProgressFn& progress, const StopToken& stop) {
        writeDemoData(dir, progress, stop);
        return std::function<void()>([this, folder] { Q_EMIT ready(folder); });
    });
}

} // namespace rs::ui
