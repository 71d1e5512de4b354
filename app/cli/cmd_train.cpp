// `train`: one run folder per model, resumed when the folder exists. Ctrl-C stops at a checkpoint.
// With --nproc N (or under torchrun/Slurm variables) the run is data-parallel over c10d ranks.
#include "cli_common.h"
#include "run_config_options.h"

#include "ml/distributed.h"
#include "ml/ml_setup.h"
#include "ml/run_config.h"
#include "ml/trainer.h"
#include "util/error.h"

#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <unistd.h>

namespace rs::cli {

namespace {

using namespace rs::ml;

/// Ctrl-C / SIGTERM during training: stop after the current batch with a checkpoint.
StopToken& interruptToken()
{
    static StopToken token;
    return token;
}

void onTrainInterrupt(int)
{
    interruptToken().requestStop();
}

struct TrainOptions {
    RunConfig config; ///< the options write straight into its fields (run_config_options.h)
    std::shared_ptr<RunConfigOptions> bound;
    std::string out;
    int nproc = 1; ///< local data-parallel ranks to start (this process becomes their launcher)
    double distTimeout = 0; ///< collective timeout [s]; 0: REIONSCOPE_DIST_TIMEOUT or 120
    bool noCondition = false, noBudget = false;
    GivenSettings given; ///< which settings the options gave (the model's defaults fill the others)
};

/// Starts `nproc` local ranks of this run: each reads the settings the launcher resolved from a
/// config file, so every rank trains exactly the same configuration.
int launchRanks(const TrainOptions& o, const RunConfig& c)
{
    const std::string file
        = (std::filesystem::temp_directory_path() / ("reionscope-ranks-" + std::to_string(::getpid()) + ".json"))
              .string();
    {
        std::ofstream out(file);
        out << nlohmann::json(c).dump(2);
        if (!out)
            throw IoError(file, "cannot write the ranks' configuration (disk full?)");
    }
    std::vector<std::string> args {"train", "--config", file, "--out", o.out};
    if (o.distTimeout > 0)
        args.insert(args.end(), {"--dist-timeout", std::to_string(o.distTimeout)});
    const int code = launchLocalRanks(o.nproc, args);
    std::error_code ec;
    std::filesystem::remove(file, ec);
    return code;
}

void printTestMetrics(const EvalMetrics& m)
{
    if (m.task == Task::Classify)
        std::cout << "test accuracy " << fmt(m.accuracy) << " on " << m.samples << " samples\n";
    else if (m.task == Task::Regress)
        std::cout << "test R2 " << fmt(m.r2) << ", RMSE " << fmt(m.rmse) << " on " << m.samples << " samples\n";
    else if (m.task == Task::Translate)
        std::cout << "test pixel accuracy " << fmt(m.translation.pixelAccuracy) << ", nf error "
                  << fmt(m.translation.nfError) << ", power ratio " << fmt(m.translation.powerRatioMedian) << " on "
                  << m.samples << " samples\n";
    else if (m.task == Task::Generate)
        std::cout << "test generation: power ratio " << fmt(m.generation.powerRatioMedian) << ", PDF KS "
                  << fmt(m.generation.pdfKs) << ", nf error " << fmt(m.generation.nfError) << " (worst "
                  << fmt(m.generation.nfErrorMaxAbs) << "), diversity " << fmt(m.generation.diversity) << " over "
                  << m.generation.groups.size() << " (z, zeta) points\n";
    else
        std::cout << "test reconstruction MSE " << fmt(m.mse) << " = " << fmt(m.relativeMse)
                  << " of the data variance, on " << m.samples << " samples\n";
}

int runTrain(TrainOptions& o)
{
    try {
        finishRunConfig(*o.bound, o.config);
        RunConfig& c = o.config;
        if (o.bound->configFile.empty()) // a --config file says everything itself
            applyModelDefaults(c, o.given);
        if (o.noCondition)
            c.condition = false;
        if (o.noBudget)
            c.conditionBudget = false;
        std::optional<DistributedSetup> dist = distributedFromEnvironment();
        if (o.nproc > 1 && !dist) // the launcher: N ranks of this command on loopback, torchrun's variables set
            return launchRanks(o, c);
        if (dist && o.distTimeout > 0)
            dist->timeoutSeconds = o.distTimeout;
        const bool quiet = dist && dist->rank != 0; // rank 0 speaks for the run
        std::signal(SIGINT, onTrainInterrupt);
        std::signal(SIGTERM, onTrainInterrupt);
        const TrainResult r = trainDistributed(
            o.out, c, dist.value_or(DistributedSetup {}),
            [](const TrainProgress& p) {
                if (p.kind != TrainProgress::Kind::Epoch)
                    return;
                std::printf("epoch %d/%d  train loss %s %s %s  val loss %s %s %s  %s samples/s  %s s\n", p.epoch,
                    p.epochs, fmt(p.trainLoss).c_str(), p.metric.c_str(), fmt(p.trainMetric).c_str(),
                    fmt(p.valLoss).c_str(), p.metric.c_str(), fmt(p.valMetric).c_str(),
                    fmt(p.samplesPerSecond, "%.1f").c_str(), fmt(p.wallSeconds, "%.1f").c_str());
                std::fflush(stdout);
            },
            interruptToken());
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
        if (quiet)
            return r.status == TrainStatus::Finished ? 0 : 130;
        std::cout << o.out << ": " << r.message << (r.resumed ? " (resumed)" : "") << ", device " << r.device
                  << (dist ? ", " + std::to_string(dist->worldSize) + " ranks" : std::string()) << "\n";
        if (r.metrics)
            printTestMetrics(*r.metrics);
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
    t->bound = addRunConfigOptions(*tr, t->config);
    tr->add_flag("--no-condition", t->noCondition, "unet: do not feed z and zeta to the network");
    tr->add_flag("--no-budget", t->noBudget,
        "unet: without the ln(zeta f_ST(z)) conditioning plane beside z and zeta (as runs before it)");
    tr->add_option("--power-loss", t->config.powerLossWeight,
        "generator: weight of the log power-spectrum term of the loss (default 0.1; 0: a plain cVAE)");
    tr->add_option("--prior-loss", t->config.priorLossWeight,
        "generator: weight of the statistics (sorted values, log power) of maps drawn from the prior against the "
        "batch's maps (default 2; 0: none)");
    tr->add_option("--nproc", t->nproc, "Start N local data-parallel ranks (c10d/Gloo on loopback; default 1)")
        ->check(CLI::Range(1, 1024));
    tr->add_option("--dist-timeout", t->distTimeout, "Seconds before a silent rank fails the run (default 120)")
        ->check(CLI::Range(1, 86400));
    tr->add_option("--out", t->out, "Run folder")->required();
    tr->callback([t, tr] {
        t->given = {tr->count("--epochs") > 0, tr->count("--batch") > 0, tr->count("--lr") > 0,
            tr->count("--schedule") > 0, tr->count("--min-lr") > 0, tr->count("--prior-loss") > 0};
        std::error_code ec;
        if (std::filesystem::exists(t->out, ec) && !std::filesystem::is_directory(t->out, ec))
            throw CLI::ValidationError("--out", t->out + " is a file; a run folder is needed");
        exitCode() = runTrain(*t);
    });
}

} // namespace rs::cli
