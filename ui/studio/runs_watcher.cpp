#include "studio/runs_watcher.h"

#include "ml/run_status.h"
#include "shell/job_runner.h"
#include "studio/runs_model.h"
#include "util/error.h"
#include "util/file_stamp.h"

#include <QFileSystemWatcher>
#include <QTimer>

#include <filesystem>
#include <set>

namespace rs::ui {

namespace {

namespace fs = std::filesystem;

struct Known {
    std::string path;
    std::uint64_t offset = 0;
    qint64 metaStamp = 0;
    qint64 configStamp = 0;
    bool locked = false;
};

/// A file's change stamp (0: no such file; rs::fileChangeStamp).
qint64 fileStamp(const std::string& path)
{
    return qint64(rs::fileChangeStamp(path));
}

qint64 metaStamp(const std::string& dir)
{
    return fileStamp(rs::ml::runMetaPath(dir));
}

/// config.json's and metrics.json's stamps in one: `calibrate` rewrites both, seconds apart.
qint64 configStamp(const std::string& dir)
{
    return qint64(rs::fileChangeStamp(rs::ml::runConfigPath(dir)) * 31 + rs::fileChangeStamp(rs::ml::metricsPath(dir)));
}

/// Reads meta.json into the update when its stamp changed (a damaged one reads as no note).
void lookAtMeta(RunUpdate& u, const std::string& dir, qint64 knownStamp)
{
    const qint64 stamp = metaStamp(dir);
    if (stamp == knownStamp && !u.summary)
        return;
    try {
        u.meta = rs::ml::readRunMeta(dir);
    } catch (const rs::Error&) {
        u.meta = rs::ml::RunMeta {};
    }
    u.metaStamp = stamp;
}

/// One look at the folder (runs on a worker): which runs are new, what their histories gained.
std::vector<RunUpdate> look(const std::string& folder, const std::vector<Known>& known, const StopToken& stop)
{
    std::vector<RunUpdate> out;
    std::set<std::string> seen;
    for (const Known& k : known)
        seen.insert(k.path);
    // New run folders: the folder itself when it is a run, else its sub-folders with a config.json.
    std::vector<std::string> fresh;
    if (rs::ml::isRunFolder(folder)) {
        if (!seen.count(folder))
            fresh.push_back(folder);
    } else {
        std::error_code ec;
        fs::directory_iterator it(folder, ec);
        if (ec)
            throw IoError(folder, "cannot list the runs folder: " + ec.message());
        for (const fs::directory_entry& e : it) {
            const std::string p = e.path().string();
            if (!seen.count(p) && e.is_directory(ec) && rs::ml::isRunFolder(p))
                fresh.push_back(p);
        }
    }
    for (const std::string& dir : fresh) {
        stop.throwIfStopped();
        const qint64 stamp = configStamp(dir); // before the read: a rewrite after it is seen next time
        const std::vector<rs::ml::RunSummary> s = rs::ml::listRuns(dir);
        if (s.empty())
            continue; // config.json being written or damaged: the next look tries again
        RunUpdate u;
        u.path = QString::fromStdString(dir);
        u.configStamp = stamp;
        u.summary = s.front();
        u.history = rs::ml::readHistoryFrom(dir, 0);
        u.finished = s.front().finished;
        u.locked = rs::ml::runIsTraining(dir);
        lookAtMeta(u, dir, 0);
        out.push_back(std::move(u));
    }
    for (const Known& k : known) {
        stop.throwIfStopped();
        const std::string& dir = k.path;
        const std::uint64_t offset = k.offset;
        RunUpdate u;
        u.path = QString::fromStdString(dir);
        std::error_code ec;
        if (!fs::exists(rs::ml::runConfigPath(dir), ec)) {
            u.removed = true;
            out.push_back(std::move(u));
            continue;
        }
        lookAtMeta(u, dir, k.metaStamp);
        // config.json or metrics.json rewritten since they were read (a finished generator
        // calibrated again by `reionscope-cli calibrate` or the Generator view): both anew.
        if (const qint64 stamp = configStamp(dir); k.configStamp && stamp != k.configStamp) {
            const std::vector<rs::ml::RunSummary> s = rs::ml::listRuns(dir);
            if (!s.empty()) { // else being written: the next look reads it
                u.summary = s.front();
                u.configStamp = stamp;
            }
        }
        if (const bool locked = rs::ml::runIsTraining(dir); locked != k.locked)
            u.locked = locked; // a trainer started or went away (stopped, finished or killed)
        const auto size = fs::file_size(rs::ml::historyPath(dir), ec);
        if (ec || size == offset) { // unchanged: no read at all
            if (u.meta || u.locked || u.summary) {
                u.history.nextOffset = offset;
                out.push_back(std::move(u));
            }
            continue;
        }
        try {
            if (offset == 0) { // a run this window started before the watcher saw it: its stored config
                u.configStamp = configStamp(dir);
                const std::vector<rs::ml::RunSummary> s = rs::ml::listRuns(dir);
                if (!s.empty())
                    u.summary = s.front();
            }
            u.history = rs::ml::readHistoryFrom(dir, offset);
            u.finished = fs::exists(rs::ml::finalModelPath(dir), ec);
            if (u.finished)
                u.metrics = rs::ml::readMetrics(dir);
        } catch (const rs::Error&) {
            continue; // being replaced under us: the next look reads it
        }
        out.push_back(std::move(u));
    }
    return out;
}

} // namespace

RunsWatcher::RunsWatcher(RunsModel* model, QObject* parent)
    : QObject(parent)
    , m_model(model)
    , m_job(new JobRunner(this))
    , m_fsWatcher(new QFileSystemWatcher(this))
    , m_timer(new QTimer(this))
{
    m_timer->setInterval(1000);
    connect(m_timer, &QTimer::timeout, this, &RunsWatcher::pollNow);
    connect(m_fsWatcher, &QFileSystemWatcher::directoryChanged, this, &RunsWatcher::pollNow);
    connect(m_job, &JobRunner::failed, this, &RunsWatcher::problem);
    connect(m_job, &JobRunner::runningChanged, this, [this](bool running) {
        if (!running && m_again) {
            m_again = false;
            startLook(false);
        }
    });
}

void RunsWatcher::setFolder(const QString& folder)
{
    if (!m_fsWatcher->directories().isEmpty())
        m_fsWatcher->removePaths(m_fsWatcher->directories());
    m_folder = folder;
    m_model->clear();
    m_again = false;
    if (folder.isEmpty()) {
        m_timer->stop();
        m_job->cancel();
        return;
    }
    m_fsWatcher->addPath(folder);
    m_timer->start();
    startLook(true); // a look at the old folder still running is dropped
}

void RunsWatcher::setPollInterval(int ms)
{
    m_timer->setInterval(ms);
}

void RunsWatcher::pollNow()
{
    if (m_folder.isEmpty())
        return;
    if (m_job->isRunning()) {
        m_again = true;
        return;
    }
    startLook(false);
}

void RunsWatcher::startLook(bool supersede)
{
    if (!supersede && m_job->isRunning())
        return;
    std::vector<Known> known;
    for (const KnownRun& k : m_model->known())
        known.push_back({k.path.toStdString(), k.historyOffset, k.metaStamp, k.configStamp, k.locked});
    const std::string folder = m_folder.toStdString();
    if (m_fsWatcher->directories().isEmpty())
        m_fsWatcher->addPath(m_folder); // the folder may have been created since
    m_job->start(tr("Looking at runs"), [this, folder, known](const ProgressFn&, const StopToken& stop) {
        std::vector<RunUpdate> updates = look(folder, known, stop);
        return std::function<void()>([this, updates = std::move(updates)] {
            m_model->applyUpdates(updates);
            m_model->refreshStatus();
            Q_EMIT polled();
        });
    });
}

} // namespace rs::ui
