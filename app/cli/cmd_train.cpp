// `train`: one run folder per model, resumed when the folder exists. Ctrl-C stops at a checkpoint.
#include "cli_common.h"

#include "ml/ml_setup.h"
#include "ml/run_config.h"
#include "ml/trainer.h"
#include "util/error.h"

#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>

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
};

int runTrain(const TrainOptions& o)
{
    try {
        RunConfig c;
        c.model = modelFromName(o.model);
        c.target = c.model == ModelKind::Autoencoder ? Target::None : targetFromName(o.target);
        c.task = c.model != ModelKind::Autoencoder && !o.task.empty() ? taskFromName(o.task)
                                                                       : defaultTask(c.model, c.target);
        c.datasetPath = o.dataset;
        c.encoderRun = o.encoder;
        c.optimizer.name = o.optimizer;
        c.optimizer.lr = o.lr;
        c.optimizer.momentum = o.momentum;
        c.optimizer.weightDecay = o.weightDecay;
        c.batch = o.batch;
        c.epochs = o.epochs;
        c.seed = o.seed;
        c.threads = o.threads;
        c.device = o.device;
        c.historyEvery = o.historyEvery;
        c.maxBatchesPerEpoch = o.maxBatches;
        std::signal(SIGINT, onTrainInterrupt);
        std::signal(SIGTERM, onTrainInterrupt);
        const TrainResult r = train(o.out, c, [](const TrainProgress& p) {
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
        std::cout << o.out << ": " << r.message << (r.resumed ? " (resumed)" : "") << ", device " << r.device << "\n";
        if (r.metrics) {
            const EvalMetrics& m = *r.metrics;
            if (m.task == Task::Classify)
                std::cout << "test accuracy " << fmt(m.accuracy) << " on " << m.samples << " samples\n";
            else if (m.task == Task::Regress)
                std::cout << "test R2 " << fmt(m.r2) << ", RMSE " << fmt(m.rmse) << " on " << m.samples << " samples\n";
            else
                std::cout << "test reconstruction MSE " << fmt(m.mse) << " = " << fmt(m.relativeMse)
                          << " of the data variance, on " << m.samples << " samples\n";
        }
        return r.status == TrainStatus::Finished ? 0 : 130;
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
    tr->add_option("--model", t->model, "ae, mlp, cnn or codes-cnn")->required();
    tr->add_option("--encoder", t->encoder, "codes-cnn: the finished ae run whose encoder is frozen");
    tr->add_option("--target", t->target, "z, zeta, fesc or nf (default z; ignored by ae)");
    tr->add_option("--task", t->task, "classify or regress (default: classify, regress for nf)");
    tr->add_option("--optimizer", t->optimizer, "adam (default) or sgd");
    tr->add_option("--lr", t->lr, "Learning rate (default 1e-3)");
    tr->add_option("--momentum", t->momentum, "SGD momentum (default 0.9)");
    tr->add_option("--weight-decay", t->weightDecay, "L2 weight decay (default 0)");
    tr->add_option("--epochs", t->epochs, "Epochs (default 10)");
    tr->add_option("--batch", t->batch, "Batch size (default 32)");
    tr->add_option("--threads", t->threads, "Compute threads (default 2)");
    tr->add_option("--seed", t->seed, "Seed of initialisation and shuffling (default 0)");
    tr->add_option("--device", t->device, "auto (default), cpu or cuda");
    tr->add_option("--history-every", t->historyEvery, "A history line every N batches (default 20)");
    tr->add_option("--max-batches", t->maxBatches, "At most N batches per epoch (default: all)");
    tr->add_option("--out", t->out, "Run folder")->required();
    tr->callback([t] { exitCode() = runTrain(*t); });
}

} // namespace rs::cli
