#include "demo_data.h"

#include "job_runner.h"

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

bool DemoData::exists(const QString&)
{
    return false; // the simulator (rs::hasDemoData) is not merged yet
}

void DemoData::ensure(const QString&)
{
    Q_EMIT failed(tr("The built-in demo data needs the simulator, which this build does not have yet."));
}

} // namespace rs::ui
