// `train`: one run folder per model, resumed when the folder exists. Ctrl-C stops at a checkpoint.
#include "cli_common.h"

#include "ml/distributed.h"
#include "ml/ml_setup.h"
#include "ml/run_config.h"
#include "ml/trainer.h"
#include "util/error.h"

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

namespace rs::cli {

namespace {

using namespace rs::ml;

/// Ctrl-C / SIGTERM during training: stop after the current batch with a checkpoint.
StopToken& interruptToken()
{
    static StopToken token;
    return token;
}

void onTrainInterrupt(int) { interruptToken().requestStop(); }

struct TrainOptions {
    std::string dataset, model, encoder, target = "z", task, optimizer = "adam", out, device = "auto";
    double lr = 1e-3, momentum = 0.9, weightDecay = 0;
    int epochs = 10, threads = 2;
    std::size_t batch = 32, historyEvery = 20, maxBatches = 0;
    std::uint64_t seed = 0;
    int nproc = 1;            ///< local data-parallel ranks to start (this process becomes their launcher)
    double distTimeout = 0;   ///< collective timeout [s]; 0: REIONSCOPE_DIST_TIMEOUT or 120
    bool noCondition = false, epochsGiven = false;
};

/// Epochs of `train --model unet` without --epochs: enough to reach the translation targets on
/// 64³ simulated data (see the README's figures).
constexpr int kUNetDefaultEpochs = 12;

/// The `train` command line of one rank: every option spelled out, without --nproc.
std::vector<std::string> rankArguments(const TrainOptions& o)
{
    auto num = [](double v) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", v);
        return std::string(buf);
    };
    std::vector<std::string> a{"train", "--dataset", o.dataset, "--model", o.model, "--target", o.target, "--optimizer",
                               o.optimizer, "--lr", num(o.lr), "--momentum", num(o.momentum), "--weight-decay",
                               num(o.weightDecay), "--epochs",
                               std::to_string(o.model == "unet" && !o.epochsGiven ? kUNetDefaultEpochs : o.epochs), "--batch", std::to_string(o.batch),
                               "--threads", std::to_string(o.threads), "--seed", std::to_string(o.seed), "--device",
                               o.device, "--history-every", std::to_string(o.historyEvery), "--max-batches",
                               std::to_string(o.maxBatches), "--out", o.out};
    if (!o.encoder.empty())
        a.insert(a.end(), {"--encoder", o.encoder});
    if (!o.task.empty())
        a.insert(a.end(), {"--task", o.task});
    if (o.noCondition)
        a.push_back("--no-condition");
    if (o.distTimeout > 0)
        a.insert(a.end(), {"--dist-timeout", num(o.distTimeout)});
    return a;
}

int runTrain(const TrainOptions& o)
{
    try {
        std::optional<DistributedSetup> dist = distributedFromEnvironment();
        if (o.nproc < 1)
            throw ParameterError("--nproc", "must be at least 1");
        if (o.nproc > 1 && !dist) // the launcher: N ranks of this command on loopback, torchrun's variables set
            return launchLocalRanks(o.nproc, rankArguments(o));
        if (dist && o.distTimeout > 0)
            dist->timeoutSeconds = o.distTimeout;
        const bool quiet = dist && dist->rank != 0; // rank 0 speaks for the run
        RunConfig c;
        c.model = modelFromName(o.model);
        c.target = c.model == ModelKind::Autoencoder || c.model == ModelKind::UNet ? Target::None : targetFromName(o.target);
        c.task = c.model != ModelKind::Autoencoder && !o.task.empty() ? taskFromName(o.task)
                                                                       : defaultTask(c.model, c.target);
        c.datasetPath = o.dataset;
        c.encoderRun = o.encoder;
        c.optimizer.name = o.optimizer;
        c.optimizer.lr = o.lr;
        c.optimizer.momentum = o.momentum;
        c.optimizer.weightDecay = o.weightDecay;
        c.batch = o.batch;
        c.epochs = c.model == ModelKind::UNet && !o.epochsGiven ? kUNetDefaultEpochs : o.epochs;
        c.condition = !o.noCondition;
        c.seed = o.seed;
        c.threads = o.threads;
        c.device = o.device;
        c.historyEvery = o.historyEvery;
        c.maxBatchesPerEpoch = o.maxBatches;
        std::signal(SIGINT, onTrainInterrupt);
        std::signal(SIGTERM, onTrainInterrupt);
        const TrainResult r = trainDistributed(o.out, c, dist.value_or(DistributedSetup{}), [](const TrainProgress& p) {
            if (p.kind != TrainProgress::Kind::Epoch)
                return;
            std::printf("epoch %d/%d  train loss %s %s %s  val loss %s %s %s  %s samples/s  %s s\n", p.epoch + 1,
                        p.epochs, fmt(p.trainLoss).c_str(), p.metric.c_str(), fmt(p.trainMetric).c_str(),
                        fmt(p.valLoss).c_str(), p.metric.c_str(), fmt(p.valMetric).c_str(),
                        fmt(p.samplesPerSecond, "%.1f").c_str(), fmt(p.wallSeconds, "%.1f").c_str());
            std::fflush(stdout);
        }, interruptToken());
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
        if (quiet)
            return r.status == TrainStatus::Finished ? 0 : 130;
        std::cout << o.out << ": " << r.message << (r.resumed ? " (resumed)" : "") << ", device " << r.device
                  << (dist ? ", " + std::to_string(dist->worldSize) + " ranks" : std::string()) << "\n";
        if (r.metrics) {
            const EvalMetrics& m = *r.metrics;
            if (m.task == Task::Classify)
                std::cout << "test accuracy " << fmt(m.accuracy) << " on " << m.samples << " samples\n";
            else if (m.task == Task::Regress)
                std::cout << "test R2 " << fmt(m.r2) << ", RMSE " << fmt(m.rmse) << " on " << m.samples << " samples\n";
            else if (m.task == Task::Translate)
                std::cout << "test pixel accuracy " << fmt(m.translation.pixelAccuracy) << ", nf error "
                          << fmt(m.translation.nfError) << ", power ratio " << fmt(m.translation.powerRatioMedian)
                          << " on " << m.samples << " samples\n";
            else
                std::cout << "test reconstruction MSE " << fmt(m.mse) << " = " << fmt(m.relativeMse)
                          << " of the data variance, on " << m.samples << " samples\n";
        }
        return r.status == TrainStatus::Finished ? 0 : 130;
    } catch (const ParameterError& e) { // an option's value, found before any work: bad usage
        printError(e.what());
        return kExitUsage;
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
}

} // namespace

void addTrainCommands(CLI::App& app)
{
    configureAllocatorForTraining();

    auto t = std::make_shared<TrainOptions>();
    CLI::App* tr = app.add_subcommand("train", "Train a model into a run folder (resumes when the folder exists)");
    tr->add_option("--dataset", t->dataset, "Dataset .h5 (dataset build)")->required();
    tr->add_option("--model", t->model, "ae, mlp, cnn, codes-cnn or unet (translation, paired dataset)")->required();
    tr->add_flag("--no-condition", t->noCondition, "unet: do not feed z and zeta to the network");
    tr->add_option("--encoder", t->encoder, "codes-cnn: the finished ae run whose encoder is frozen");
    tr->add_option("--target", t->target, "z, zeta, fesc or nf (default z; ignored by ae)");
    tr->add_option("--task", t->task, "classify or regress (default: classify, regress for nf)");
    tr->add_option("--optimizer", t->optimizer, "adam (default) or sgd")->check(CLI::IsMember({"adam", "sgd"}));
    tr->add_option("--lr", t->lr, "Learning rate (default 1e-3)")->check(CLI::Range(1e-12, 100.0));
    tr->add_option("--momentum", t->momentum, "SGD momentum (default 0.9)")->check(CLI::Range(0.0, 0.999999));
    tr->add_option("--weight-decay", t->weightDecay, "L2 weight decay (default 0)")->check(CLI::Range(0.0, 100.0));
    tr->add_option("--epochs", t->epochs, "Epochs (default 10; unet 12)")->check(CLI::Range(1, 1000000));
    tr->add_option("--batch", t->batch, "Batch size (default 32)")->check(CLI::Range(1, 1 << 16));
    tr->add_option("--threads", t->threads, "Compute threads (default 2)")->check(CLI::Range(1, maxThreads()));
    tr->add_option("--seed", t->seed, "Seed of initialisation and shuffling (default 0)");
    tr->add_option("--device", t->device, "auto (default), cpu or cuda")->check(CLI::IsMember({"auto", "cpu", "cuda"}));
    tr->add_option("--history-every", t->historyEvery, "A history line every N batches (default 20)")
        ->check(CLI::Range(0, 1 << 30));
    tr->add_option("--max-batches", t->maxBatches, "At most N batches per epoch (default: all)")->check(CLI::Range(0, 1 << 30));
    tr->add_option("--nproc", t->nproc, "Start N local data-parallel ranks (c10d/Gloo on loopback; default 1)")
        ->check(CLI::Range(1, 1024));
    tr->add_option("--dist-timeout", t->distTimeout, "Seconds before a silent rank fails the run (default 120)")
        ->check(CLI::Range(1, 86400));
    tr->add_option("--out", t->out, "Run folder")->required();
    tr->callback([t, tr] {
        t->epochsGiven = tr->count("--epochs") > 0;
        std::error_code ec;
        if (std::filesystem::exists(t->out, ec) && !std::filesystem::is_directory(t->out, ec))
            throw CLI::ValidationError("--out", t->out + " is a file; a run folder is needed");
        exitCode() = runTrain(*t);
    });
}

} // namespace rs::cli
