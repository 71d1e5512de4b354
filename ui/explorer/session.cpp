#include "explorer/session.h"

#include "explorer/catalog_model.h"
#include "io/cube_loader.h"
#include "shell/job_runner.h"
#include "util/error.h"

#include <QFileInfo>

#include <filesystem>

namespace rs::ui {

namespace {

bool sameZ(double a, double b)
{
    return a == b; // unknown redshifts share the key +inf
}

/// What opening a list of paths found: runs and per-path problems.
struct OpenResult {
    std::vector<CatalogRun> runs;
    std::vector<std::pair<std::string, std::string>> errors;
};

OpenResult openPaths(const std::vector<std::string>& paths, const ProgressFn& progress, const StopToken& stop)
{
    OpenResult result;
    std::vector<CubeEntry> looseFiles;
    for (std::size_t i = 0; i < paths.size(); ++i) {
        stop.throwIfStopped();
        const std::string& path = paths[i];
        const ProgressFn sub
            = subProgress(progress, double(i) / double(paths.size()), double(i + 1) / double(paths.size()));
        try {
            std::error_code ec;
            if (std::filesystem::is_directory(path, ec)) {
                Catalog c = scanFolder(path, {}, sub, stop);
                for (CatalogRun& r : c.runs)
                    result.runs.push_back(std::move(r));
                for (auto& e : c.errors)
                    result.errors.push_back(std::move(e));
                if (c.runs.empty() && c.errors.empty())
                    result.errors.emplace_back(path, path + ": no cube files found in this folder");
            } else {
                if (sub)
                    sub(0.0, "reading " + path);
                for (CubeEntry& e : probeFile(path))
                    looseFiles.push_back(std::move(e));
            }
        } catch (const CancelledError&) {
            throw;
        } catch (const UnrecognisedFormatError& e) {
            result.errors.emplace_back(path, std::string(e.what()) + " (not a cube file ReionScope reads)");
        } catch (const Error& e) {
            result.errors.emplace_back(path, e.what());
        }
    }
    for (CatalogRun& r : groupIntoRuns(looseFiles))
        result.runs.push_back(std::move(r));
    return result;
}

/// The redshift to show first: the lowest one holding the most quantities (a coeval file opens at
/// its own z with δ, x_HI and δT_b, not at a lone z = 0 initial density).
double fullestRedshift(const CatalogRun& run)
{
    double best = run.cubes.begin()->first;
    std::size_t most = 0;
    for (const auto& [z, byQ] : run.cubes)
        if (byQ.size() > most) {
            most = byQ.size();
            best = z;
        }
    return best;
}

QString detailsText(const std::vector<std::pair<std::string, std::string>>& errors)
{
    QStringList lines;
    for (const auto& [path, message] : errors)
        lines << QString::fromStdString(message);
    return lines.join(QLatin1Char('\n'));
}

} // namespace

Session::Session(QObject* parent)
    : QObject(parent)
    , m_model(new CatalogModel(this))
    , m_loader(new JobRunner(this))
    , m_comparer(new JobRunner(this))
    , m_refresher(new JobRunner(this))
{
    connect(m_loader, &JobRunner::failed, this, [this](const QString& message) {
        m_loadingRun = -1;
        Q_EMIT problem(tr("Could not load the cubes: %1").arg(message), message);
    });
    connect(m_loader, &JobRunner::cancelled, this, [this] { m_loadingRun = -1; });
    connect(m_comparer, &JobRunner::failed, this, [this](const QString& message) {
        Q_EMIT problem(tr("Could not load the cube for comparison: %1").arg(message), message);
    });
}

bool Session::isBusy() const
{
    return m_loader->isRunning() || m_comparer->isRunning() || m_refresher->isRunning();
}

void Session::cancel()
{
    m_loader->cancel();
    m_comparer->cancel();
    m_refresher->cancel();
}

void Session::open(const QStringList& paths)
{
    startOpen(paths, false);
}

void Session::refresh()
{
    if (!m_paths.isEmpty())
        startOpen(m_paths, true);
}

void Session::startOpen(const QStringList& paths, bool keepSelection)
{
    std::vector<std::string> files;
    for (const QString& p : paths)
        files.push_back(QFileInfo(p).absoluteFilePath().toStdString());
    if (!keepSelection)
        m_loadingRun = -1; // the open supersedes any load in flight
    const QString what
        = paths.size() == 1 ? QFileInfo(paths.front()).fileName() : tr("%n item(s)", nullptr, int(paths.size()));
    const QString verb = keepSelection ? tr("Refreshing %1") : tr("Opening %1");
    // A refresh runs beside loads (its own runner) so neither cancels the other.
    JobRunner* runner = keepSelection ? m_refresher : m_loader;
    runner->start(
        verb.arg(what), [this, files, paths, keepSelection](const ProgressFn& progress, const StopToken& stop) {
            OpenResult result = openPaths(files, progress, stop);
            return std::function<void()>([this, result = std::move(result), paths, keepSelection]() mutable {
                const bool any = !result.runs.empty();
                // The problem is reported after `opened` (which clears old banners), so a mixed open
                // keeps one banner listing every path that failed.
                auto reportProblems = [this, errors = result.errors] {
                    if (errors.empty())
                        return;
                    const QString first = QString::fromStdString(errors.front().second);
                    const QString message = errors.size() == 1
                        ? tr("Could not open %1").arg(first)
                        : tr("%n file(s) could not be opened; the first: %1", nullptr, int(errors.size())).arg(first);
                    Q_EMIT problem(message, detailsText(errors));
                };
                if (!any) {
                    reportProblems();
                    return; // keep what was open
                }
                if (keepSelection) {
                    // Same data, more files: the snapshot shown stays; only the catalog grows.
                    const std::string id = m_snapshot.runId.toStdString();
                    m_model->setRuns(std::move(result.runs));
                    m_run = -1;
                    for (int i = 0; i < int(m_model->runs().size()); ++i)
                        if (m_model->runs()[std::size_t(i)].id == id)
                            m_run = i;
                    Q_EMIT opened(paths);
                    reportProblems();
                    Q_EMIT refreshed();
                    return;
                }
                m_paths = paths;
                m_snapshot = {};
                m_run = -1;
                m_z = std::nan("");
                m_model->setRuns(std::move(result.runs));
                Q_EMIT opened(paths);
                reportProblems();
                const auto zs = m_model->redshifts(0);
                if (!zs.empty())
                    loadSnapshot(0, fullestRedshift(m_model->runs().front()));
            });
        });
}

void Session::loadSnapshot(int run, double zKey)
{
    if (run < 0 || run >= int(m_model->runs().size()))
        return;
    if ((run == m_run && sameZ(zKey, m_z) && !m_loader->isRunning())
        || (run == m_loadingRun && sameZ(zKey, m_loadingZ) && m_loader->isRunning()))
        return;
    m_loadingRun = run;
    m_loadingZ = zKey;
    const CatalogRun runCopy = m_model->runs()[std::size_t(run)]; // a value for the worker
    const QString label = QString::fromStdString(runCopy.label);
    m_loader->start(
        tr("Loading %1, %2").arg(label, isUnknownRedshift(zKey) ? tr("z unknown") : QStringLiteral("z = %1").arg(zKey)),
        [this, runCopy, run, zKey](const ProgressFn& progress, const StopToken& stop) {
            Snapshot s = rs::ui::loadSnapshot(runCopy, zKey, progress, stop);
            return std::function<void()>([this, s = std::move(s), run, zKey] {
                m_loadingRun = -1;
                m_snapshot = s;
                // The catalog may have been refreshed meanwhile: find the run by id.
                m_run = run;
                for (int i = 0; i < int(m_model->runs().size()); ++i)
                    if (QString::fromStdString(m_model->runs()[std::size_t(i)].id) == s.runId)
                        m_run = i;
                m_z = zKey;
                Q_EMIT snapshotChanged(m_snapshot);
            });
        });
}

void Session::loadComparison(int run, double zKey, Quantity quantity)
{
    if (run < 0 || run >= int(m_model->runs().size()))
        return;
    const CatalogRun& r = m_model->runs()[std::size_t(run)];
    auto zIt = r.cubes.find(zKey);
    if (zIt == r.cubes.end() || !zIt->second.count(quantity))
        return;
    const CubeEntry entry = zIt->second.at(quantity);
    const QString label = QString::fromStdString(r.label);
    m_comparer->start(tr("Loading %1 for comparison").arg(QFileInfo(QString::fromStdString(entry.path)).fileName()),
        [this, entry, label](const ProgressFn&, const StopToken& stop) {
            stop.throwIfStopped();
            LoadedCube c = loadCube(entry, label);
            return std::function<void()>([this, c = std::move(c)] { Q_EMIT comparisonLoaded(c); });
        });
}

} // namespace rs::ui
