#include "shell/first_start_data.h"

#include "shell/job_runner.h"
#include "sim/demo_data.h"

#include <QDir>
#include <QStandardPaths>

namespace rs::ui {

namespace {

std::string seedFolder(const QString& folder, std::uint64_t seed)
{
    return QDir(folder).filePath(QStringLiteral("seed%1").arg(seed)).toStdString();
}

/// Writes the grid of one seed unless it is complete already.
void writeSeed(const QString& folder, std::uint64_t seed, const ProgressFn& progress, const StopToken& stop)
{
    const std::string dir = seedFolder(folder, seed);
    if (hasDemoData(dir))
        return;
    DemoDataSpec spec;
    spec.seeds = {seed};
    writeDemoData(dir, progress, stop, spec);
}

} // namespace

DemoData::DemoData(QObject* parent)
    : QObject(parent)
    , m_job(new JobRunner(this))
{ }

QString DemoData::defaultFolder()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/demo");
}

std::vector<std::uint64_t> DemoData::seeds()
{
    return DemoDataSpec {}.seeds;
}

bool DemoData::exists(const QString& folder)
{
    for (std::uint64_t s : seeds())
        if (!hasDemoData(seedFolder(folder, s)))
            return false;
    return true;
}

void DemoData::ensure(const QString& folder)
{
    const std::uint64_t first = seeds().front();
    if (hasDemoData(seedFolder(folder, first))) {
        Q_EMIT ready(folder);
        generateRest(folder);
        return;
    }
    m_job->start(
        tr("Generating the demo data"), [this, folder, first](const ProgressFn& progress, const StopToken& stop) {
            writeSeed(folder, first, progress, stop);
            return std::function<void()>([this, folder] {
                Q_EMIT ready(folder);
                generateRest(folder);
            });
        });
}

void DemoData::generateRest(const QString& folder)
{
    if (exists(folder))
        return;
    m_job->start(tr("Generating more demo data"), [this, folder](const ProgressFn& progress, const StopToken& stop) {
        const std::vector<std::uint64_t> all = seeds();
        for (std::size_t i = 1; i < all.size(); ++i)
            writeSeed(folder, all[i],
                subProgress(progress, double(i - 1) / double(all.size() - 1), double(i) / double(all.size() - 1)),
                stop);
        return std::function<void()>([this, folder] { Q_EMIT completed(folder); });
    });
}

} // namespace rs::ui
