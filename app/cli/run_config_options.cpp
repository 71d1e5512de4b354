#include "run_config_options.h"

#include "cli_common.h"

#include "ml/run_config.h"
#include "util/error.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace rs::cli {

using namespace rs::ml;

namespace {

/// A config.json (of a run, or one sweep writes) as the starting point: its chosen settings; the
/// resolved ones are resolved again against the dataset.
RunConfig readChosenSettings(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
        throw IoError(path, "cannot open: no such file or permission denied");
    std::ostringstream text;
    text << in.rdbuf();
    try {
        RunConfig c = nlohmann::json::parse(text.str()).get<RunConfig>();
        c.created.clear();
        return c;
    } catch (const nlohmann::json::exception& e) {
        throw FormatError(path, std::string("not a run configuration: ") + e.what());
    } catch (const ParameterError& e) {
        throw FormatError(path, std::string("not a run configuration: ") + e.what());
    }
}

} // namespace

std::shared_ptr<RunConfigOptions> addRunConfigOptions(CLI::App& cmd, RunConfig& c, const std::string& seedOption)
{
    auto o = std::make_shared<RunConfigOptions>();
    // First: option callbacks run in the order options were added, so the file's settings are in
    // place before the options given beside it overwrite theirs.
    cmd.add_option_function<std::string>(
        "--config",
        [o, &c](const std::string& path) {
            o->configFile = path;
            c = readChosenSettings(path);
        },
        "Start from the settings of a config.json (another run's, or a sweep point's)");
    o->dataset = cmd.add_option("--dataset", c.datasetPath, "Dataset .h5 (dataset build)");
    o->model = cmd.add_option_function<std::string>(
        "--model", [&c](const std::string& s) { c.model = modelFromName(s); },
        "ae, mlp, cnn, codes-cnn, unet (translation; paired dataset) or generator (maps from z, zeta)");
    cmd.add_option("--encoder", c.encoderRun, "codes-cnn: the finished ae run whose encoder is frozen");
    cmd.add_option_function<std::string>(
        "--target", [&c](const std::string& s) { c.target = targetFromName(s); },
        "z, zeta, fesc or nf (default z; ignored by ae)");
    o->task = cmd.add_option_function<std::string>(
        "--task", [&c](const std::string& s) { c.task = taskFromName(s); },
        "classify or regress (default: classify, regress for nf)");
    cmd.add_option("--optimizer", c.optimizer.name, "adam (default) or sgd")->check(CLI::IsMember({"adam", "sgd"}));
    cmd.add_option("--lr", c.optimizer.lr, "Learning rate (default 1e-3)")->check(CLI::Range(1e-12, 100.0));
    cmd.add_option("--momentum", c.optimizer.momentum, "SGD momentum (default 0.9)")->check(CLI::Range(0.0, 0.999999));
    cmd.add_option("--weight-decay", c.optimizer.weightDecay, "L2 weight decay (default 0)")
        ->check(CLI::Range(0.0, 100.0));
    cmd.add_option("--grad-clip", c.optimizer.gradClip, "Clip the gradients' global L2 norm to this (default 0: off)");
    cmd.add_option("--schedule", c.schedule.kind, "Learning-rate schedule: constant (default), step, cosine, plateau");
    cmd.add_option(
        "--step-epochs", c.schedule.stepEpochs, "step: multiply the rate by --gamma every N epochs (default 10)");
    cmd.add_option("--gamma", c.schedule.gamma, "step, plateau: the factor (default 0.1)");
    cmd.add_option("--min-lr", c.schedule.minLr, "cosine: the last epoch's rate; plateau: the floor (default 0)");
    cmd.add_option("--plateau-patience", c.schedule.patience,
        "plateau: epochs without a lower validation loss before the cut (default 3)");
    cmd.add_option("--early-stop", c.earlyStop.patience,
        "Stop after N epochs without improvement of --early-stop-metric (default 0: never)");
    cmd.add_option("--early-stop-metric", c.earlyStop.metric, "val_loss (default) or val_metric (accuracy, R2, ...)");
    cmd.add_option("--min-delta", c.earlyStop.minDelta, "Early stopping: an improvement must exceed this (default 0)");
    cmd.add_option("--epochs", c.epochs, "Epochs (default 10; unet 20, generator 16)")->check(CLI::Range(1, 1000000));
    cmd.add_option("--batch", c.batch, "Batch size (default 32)")->check(CLI::Range(1, 1 << 16));
    cmd.add_option("--threads", c.threads, "Compute threads (default 2)")->check(CLI::Range(1, maxThreads()));
    cmd.add_option(seedOption, c.seed, "Seed of initialisation and shuffling (default 0)");
    cmd.add_option("--device", c.device, "auto (default), cpu or cuda")->check(CLI::IsMember({"auto", "cpu", "cuda"}));
    cmd.add_option("--history-every", c.historyEvery, "A history line every N batches (default 20)")
        ->check(CLI::Range(0, 1 << 30));
    cmd.add_option("--max-batches", c.maxBatchesPerEpoch, "At most N batches per epoch (default: all)")
        ->check(CLI::Range(0, 1 << 30));
    cmd.add_option("--data-in-memory", c.dataInMemory,
           "Training samples: on (read into memory once), off (streamed from the file through a read-ahead "
           "cache of --data-memory-mb), auto (default: on when they fit in --data-memory-mb)")
        ->check(CLI::IsMember({"auto", "on", "off"}));
    cmd.add_option("--data-memory-mb", c.dataMemoryMb,
           "Memory for training samples in MiB (default 1024): auto's threshold, the streamed cache's bound")
        ->check(CLI::Range(1, 1 << 24));
    return o;
}

void finishRunConfig(const RunConfigOptions& o, RunConfig& c)
{
    if (o.configFile.empty() && (!o.dataset->count() || !o.model->count()))
        throw ParameterError("--dataset/--model", "both are needed (or --config FILE)");
    const bool fields = learnsFields(c.model);
    if (fields)
        c.target = Target::None;
    else if (c.target == Target::None)
        c.target = Target::Z;
    if (fields || (!o.task->count() && o.configFile.empty()))
        c.task = defaultTask(c.model, c.target);
}

} // namespace rs::cli
