// `train`: one run folder per model, resumed when the folder exists. Ctrl-C stops at a checkpoint.
#include "cli_common.h"
#include "run_config_options.h"

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
    RunConfig config; ///< the options write straight into its fields (run_config_options.h)
    std::shared_ptr<RunConfigOptions> bound;
    std::string out;
};

int runTrain(TrainOptions& o)
{
    try {
        finishRunConfig(*o.bound, o.config);
        const RunConfig& c = o.config;
        std::signal(SIGINT, onTrainInterrupt);
        std::signal(SIGTERM, onTrainInterrupt);
        const TrainResult r = train(o.out, c, [](const TrainProgress& p) {
            if (p.kind != TrainProgress::Kind::Epoch)
                return;
            std::printf("epoch %d/%d  train loss %s %s %s  val loss %s %s %s  %s samples/s  %s s\n", p.epoch,
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
    t->bound = addRunConfigOptions(*tr, t->config);
    tr->add_option("--out", t->out, "Run folder")->required();
    tr->callback([t] { exitCode() = runTrain(*t); });
}

} // namespace rs::cli
