// RunTrainer::prepare: opens the run folder (continuing a run or creating one), builds the network
// and optimizer, restores the checkpoint and repairs the history a killed session left.

#include "ml/detail/run_trainer.h"
#include "ml/ml_setup.h"
#include "ml/run_meta.h"
#include "ml/run_status.h"
#include "util/error.h"
#include "util/file_util.h"

#include <cmath>
#include <ctime>
#include <filesystem>

namespace rs::ml::detail {

namespace fs = std::filesystem;

namespace {

std::string absolutePath(const std::string& p)
{
    std::error_code ec;
    const fs::path a = p.empty() ? fs::path() : fs::absolute(p, ec).lexically_normal();
    return ec ? p : a.string();
}

/// What would only fail after the run folder exists (and then strand it): checked first.
void checkBeforeCreating(const RunConfig& c)
{
    const double mom = c.optimizer.momentum, wd = c.optimizer.weightDecay;
    if (!(mom >= 0 && mom < 1))
        throw ParameterError("momentum", "must be in [0, 1), got " + std::to_string(mom));
    if (!(wd >= 0 && std::isfinite(wd)))
        throw ParameterError("weight_decay", "must be zero or positive, got " + std::to_string(wd));
    if (!std::isfinite(c.optimizer.lr))
        throw ParameterError("lr", "must be a finite number");
    if (c.model == ModelKind::CodesCnn && !fs::exists(finalModelPath(c.encoderRun)))
        throw FormatError(c.encoderRun.empty() ? std::string("--encoder") : c.encoderRun,
            "is not a finished ae run (no final.pt); codes-cnn needs one as its encoder");
}

/// Missing, empty, or holding only what a run killed before its config.json leaves: dead
/// writers' temporaries and an empty `checkpoints/` (older versions created it first).
bool isFreshFolder(const std::string& dir)
{
    std::error_code ec;
    if (!fs::exists(dir, ec))
        return true;
    removeStaleTemporaries(dir);
    for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
        if (e.path().filename() == "checkpoints" && e.is_directory(ec)) {
            removeStaleTemporaries(e.path().string());
            if (fs::is_empty(e.path(), ec))
                continue;
        }
        return false;
    }
    return !ec;
}

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const RunConfig& c, NetBase& net)
{
    std::vector<torch::Tensor> params;
    for (const torch::Tensor& p : net.parameters())
        if (p.requires_grad())
            params.push_back(p);
    if (c.optimizer.name == "sgd")
        return std::make_unique<torch::optim::SGD>(params,
            torch::optim::SGDOptions(c.optimizer.lr)
                .momentum(c.optimizer.momentum)
                .weight_decay(c.optimizer.weightDecay));
    return std::make_unique<torch::optim::Adam>(
        params, torch::optim::AdamOptions(c.optimizer.lr).weight_decay(c.optimizer.weightDecay));
}

} // namespace

void RunTrainer::prepare()
{
    setComputeThreads(m_cfg.threads);
    m_result.device = resolveDevice(m_cfg.device);
    m_device = torch::Device(m_result.device == "cuda" ? torch::kCUDA : torch::kCPU);
    torch::manual_seed(m_cfg.seed);

    const bool exists = openFolder();
    m_cfg.worldSize = m_dist.worldSize;
    m_resident = holdSamples(
        *m_ds, m_ds->indices(Split::Train), dataResidencyFromName(m_cfg.dataInMemory), m_cfg.dataMemoryMb << 20);
    buildNet(exists);
    m_wallBefore = m_meta.wallSeconds;
    m_sessionStart = std::chrono::steady_clock::now();
    const bool finished = m_meta.epoch >= m_cfg.epochs && fs::exists(finalModelPath(m_dir));
    if (exists && !finished && writer())
        restoreHistory();
    if (writer())
        writeRunConfig(m_dir, m_cfg);
    if (m_comm) {
        m_comm->broadcastParameters(*m_net);
        m_comm->attach(*m_net);
    }
    const std::size_t n = m_ds->info().splitCounts[0];
    m_batchesPerEpoch = (n + m_cfg.batch - 1) / m_cfg.batch;
    if (m_cfg.maxBatchesPerEpoch)
        m_batchesPerEpoch = std::min(m_batchesPerEpoch, m_cfg.maxBatchesPerEpoch);
}

bool RunTrainer::openFolder()
{
    if (m_dist.active())
        m_comm = std::make_unique<detail::Collective>(m_dist, m_dir);
    const bool exists = isRunFolder(m_dir);
    std::error_code ec;
    if (!exists && fs::exists(m_dir, ec) && !isFreshFolder(m_dir))
        throw FormatError(m_dir, "exists and is not a run folder (no config.json); choose a new --out");
    if (m_comm)
        m_comm->barrier(); // every rank has looked at the folder before rank 0 writes to it
    if (exists)
        continueRun();
    else
        createRun(ec);
    return exists;
}

void RunTrainer::continueRun()
{
    removeStaleTemporaries(m_dir); // what a killed session was writing
    removeStaleTemporaries((fs::path(m_dir) / "checkpoints").string());
    if (writer())
        m_lock = std::make_unique<RunLock>(m_dir);
    RunConfig stored = readRunConfig(m_dir);
    if (stored.model != m_cfg.model)
        throw FormatError(m_dir,
            std::string("is a run of model '") + modelName(stored.model) + "'; it cannot be continued as '"
                + modelName(m_cfg.model) + "'");
    if (m_cfg.model != ModelKind::Autoencoder && m_cfg.model != ModelKind::UNet && m_cfg.model != ModelKind::Generator
        && (stored.target != m_cfg.target || stored.task != m_cfg.task))
        throw FormatError(m_dir,
            std::string("is a run that learns to ") + taskName(stored.task) + " '" + targetName(stored.target)
                + "'; it cannot be continued for " + taskName(m_cfg.task) + " '" + targetName(m_cfg.target) + "'");
    const std::string dsPath = absolutePath(m_cfg.datasetPath.empty() ? stored.datasetPath : m_cfg.datasetPath);
    m_ds = DatasetFile::open(dsPath);
    if (m_ds->info().contentHash != stored.datasetHash)
        throw FormatError(dsPath,
            "is not the dataset this run was trained on (content hash " + m_ds->info().contentHash + ", the run's is "
                + stored.datasetHash + ")");
    stored.datasetPath = dsPath;
    stored.epochs = m_cfg.epochs;
    stored.threads = m_cfg.threads;
    stored.device = m_cfg.device;
    stored.historyEvery = m_cfg.historyEvery;
    stored.dataInMemory = m_cfg.dataInMemory; // how samples are held never changes what is learnt
    stored.dataMemoryMb = m_cfg.dataMemoryMb;
    m_cfg = stored;
}

void RunTrainer::createRun(std::error_code ec)
{
    // Stored resolved, so `evaluate RUN` works from any folder.
    m_cfg.datasetPath = absolutePath(m_cfg.datasetPath);
    if (!m_cfg.encoderRun.empty())
        m_cfg.encoderRun = absolutePath(m_cfg.encoderRun);
    m_ds = DatasetFile::open(m_cfg.datasetPath);
    resolveRunConfig(m_cfg, *m_ds);
    checkBeforeCreating(m_cfg);
    m_cfg.created = utcTimestamp();
    if (writer()) {
        fs::create_directories(m_dir, ec);
        if (ec)
            throw IoError(m_dir, "cannot create run folder: " + ec.message());
        // config.json first: from this instant on the folder is a run that `train` resumes.
        writeRunConfig(m_dir, m_cfg);
        fs::create_directories(fs::path(m_dir) / "checkpoints", ec);
    }
    if (ec)
        throw IoError(m_dir, "cannot create run folder: " + ec.message());
    if (writer())
        m_lock = std::make_unique<RunLock>(m_dir);
}

void RunTrainer::buildNet(bool exists)
{
    m_net = detail::makeNet(m_cfg);
    if (m_cfg.model == ModelKind::CodesCnn) {
        auto* codes = dynamic_cast<detail::CodesCnnImpl*>(m_net.get());
        const RunConfig enc = readRunConfig(m_cfg.encoderRun);
        auto ae = detail::makeNet(ModelKind::Autoencoder, enc.rows, enc.cols, 0);
        CheckpointMeta want = expectedMeta(enc);
        detail::loadCheckpoint(finalModelPath(m_cfg.encoderRun), want, *ae, nullptr);
        torch::NoGradGuard noGrad;
        auto src = dynamic_cast<detail::AutoencoderImpl*>(ae.get())->encoder->named_parameters();
        for (auto& p : codes->encoder->named_parameters())
            p.value().copy_(src[p.key()]);
        codes->freezeEncoder();
    }
    detail::toChannelsLast(*m_net, m_device);
    m_opt = makeOptimizer(m_cfg, *m_net);
    m_meta = expectedMeta(m_cfg);
    if (exists && fs::exists(checkpointPath(m_dir))) {
        m_meta = detail::loadCheckpoint(checkpointPath(m_dir), expectedMeta(m_cfg), *m_net, m_opt.get(), m_device);
        detail::toChannelsLast(*m_net, m_device);
        m_result.resumed = true;
    }
}

void RunTrainer::restoreHistory()
{
    repairHistory(m_dir);
    // Lines written after the checkpoint (batches a kill lost) are trained again: drop them.
    trimHistoryAfter(m_dir, m_meta.epoch + 1, m_meta.batchInEpoch); // history epochs count from 1
    // A kill between the checkpoint and its history line: put the line back.
    if (m_result.resumed && m_meta.epoch > 0 && !m_meta.lastEpochLine.empty()) {
        bool found = false;
        for (const HistoryRecord& r : readHistory(m_dir))
            found |= r.type == "epoch" && r.epoch == m_meta.epoch;
        if (!found)
            appendHistoryLine(m_dir, m_meta.lastEpochLine);
    }
    HistoryRecord r = record("resume", m_meta.epoch, m_meta.batchInEpoch, Running {}, kNaN);
    r.message = m_result.resumed ? "resumed from checkpoints/last.pt" : "no checkpoint yet: started again";
    appendHistory(m_dir, r, m_cfg.task);
}

} // namespace rs::ml::detail
