// Machine learning: `dataset build|info`, `train`, `evaluate`, `predict`, `runs`, `pca` and
// `bench train`. The numerics live in core/ml; this file parses options and prints results.
#include "cli_common.h"

#include "io/cube_loader.h"
#include "ml/bench.h"
#include "ml/dataset.h"
#include "ml/density_context.h"
#include "ml/ml_setup.h"
#include "ml/pca.h"
#include "ml/predictor.h"
#include "ml/run_config.h"
#include "ml/run_folder.h"
#include "ml/sim_sources.h"
#include "ml/trainer.h"
#include "util/error.h"

#include <csignal>
#include <cstdio>
#include <filesystem>
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

std::string fmt(double v, const char* spec = "%.4g")
{
    if (!std::isfinite(v))
        return "-";
    char buf[64];
    std::snprintf(buf, sizeof buf, spec, v);
    return buf;
}

std::array<double, 3> parseSplit(const std::string& text)
{
    const std::vector<double> v = parseNumberList(text, "--split");
    if (v.size() != 3)
        throw CLI::ValidationError("--split", "needs three fractions: train,validation,test");
    return {v[0], v[1], v[2]};
}

// ---- dataset ----------------------------------------------------------------------------------

struct DatasetOptions {
    std::vector<std::string> from;
    bool simulate = false;
    std::size_t dim = 64;
    double box = 96;
    std::string z, zeta;
    int seeds = 3;
    std::string quantity = "brightness_temperature";
    std::string targetField, context = "default";
    std::string mode = "slices";
    std::string axes = "xyz";
    std::size_t stride = 1, patch = 0;
    std::string split = "0.7,0.15,0.15";
    std::uint64_t splitSeed = 0;
    int deflate = 1;
    std::string out;
    int threads = 2;
};

std::vector<DatasetSource> simulatorSources(const DatasetOptions& o, std::optional<Quantity> target);

std::string datasetText(const DatasetInfo& i)
{
    std::string s = i.path + "\n";
    s += "  samples     " + std::to_string(i.samples) + " " + sampleModeName(i.mode) + " of " + std::to_string(i.rows)
         + "x" + std::to_string(i.cols) + " (" + std::string(quantityName(i.quantity)) + ", cell "
         + fmt(i.cellSizeMpc) + " Mpc)\n";
    s += "  split       train " + std::to_string(i.splitCounts[0]) + ", val " + std::to_string(i.splitCounts[1])
         + ", test " + std::to_string(i.splitCounts[2]) + " samples (by simulation)\n";
    std::size_t per[3] = {0, 0, 0};
    for (const DatasetCube& c : i.cubes)
        ++per[int(c.split)];
    s += "  cubes       " + std::to_string(i.cubes.size()) + " (train " + std::to_string(per[0]) + ", val "
         + std::to_string(per[1]) + ", test " + std::to_string(per[2]) + ")\n";
    s += "  normalise   mean " + fmt(i.normMean) + ", std " + fmt(i.normStd) + " (training split)\n";
    s += "  hash        " + i.contentHash + "\n";
    return s;
}

nlohmann::json datasetJson(const DatasetInfo& i)
{
    nlohmann::json cubes = nlohmann::json::array();
    for (const DatasetCube& c : i.cubes)
        cubes.push_back({{"id", c.id}, {"group", c.group}, {"split", splitName(c.split)}, {"z", number(c.z)},
                         {"zeta", number(c.zeta)}, {"f_esc", number(c.fesc)}, {"nf", number(c.nf)}});
    return {{"path", i.path}, {"mode", sampleModeName(i.mode)}, {"quantity", std::string(quantityName(i.quantity))},
            {"rows", i.rows}, {"cols", i.cols}, {"cell_size_mpc", number(i.cellSizeMpc)}, {"samples", i.samples},
            {"split_counts", {{"train", i.splitCounts[0]}, {"val", i.splitCounts[1]}, {"test", i.splitCounts[2]}}},
            {"norm_mean", i.normMean}, {"norm_std", i.normStd}, {"content_hash", i.contentHash}, {"cubes", cubes}};
}

int runDatasetBuild(const DatasetOptions& o)
{
    try {
        if (o.simulate == !o.from.empty())
            throw ParameterError("dataset build", "give either --from PATH... or --simulate");
        DatasetBuildOptions b;
        const auto q = quantityFromName(o.quantity);
        if (!q)
            throw ParameterError("--quantity", "'" + o.quantity + "' is not a known quantity");
        b.quantity = *q;
        if (!o.targetField.empty()) {
            b.target = quantityFromName(o.targetField);
            if (!b.target)
                throw ParameterError("--target-field", "'" + o.targetField + "' is not a known quantity");
            if (o.context != "none")
                b.contextRadiiMpc = o.context == "default" ? defaultContextRadii() : parseNumberList(o.context, "--context");
        }
        if (o.mode != "slices" && o.mode != "patches")
            throw ParameterError("--mode", "'" + o.mode + "' is not one of slices, patches");
        b.mode = o.mode == "slices" ? SampleMode::Slices : SampleMode::Patches;
        b.axes = o.axes;
        b.stride = o.stride;
        b.patch = o.patch;
        b.split = parseSplit(o.split);
        b.splitSeed = o.splitSeed;
        b.deflateLevel = o.deflate;
        const std::vector<DatasetSource> sources =
            o.simulate ? simulatorSources(o, b.target) : sourcesFromFiles(o.from, b.quantity, b.target);
        buildDataset(sources, b, o.out, [](double f, const std::string& stage) {
            std::fprintf(stderr, "\r[%3d%%] %-70.70s", int(f * 100), stage.c_str());
        });
        std::fprintf(stderr, "\n");
        std::cout << datasetText(DatasetFile::open(o.out)->info());
        return 0;
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
}

// ---- train ------------------------------------------------------------------------------------

struct TrainOptions {
    std::string dataset, model, encoder, target = "z", task, optimizer = "adam", out, device = "auto";
    double lr = 1e-3, momentum = 0.9, weightDecay = 0;
    int epochs = 10, threads = 2;
    std::size_t batch = 32, historyEvery = 20, maxBatches = 0;
    std::uint64_t seed = 0;
    bool noCondition = false, epochsGiven = false;
};

/// Epochs of `train --model unet` without --epochs: enough to reach the translation targets on
/// 64³ simulated data (see the README's figures).
constexpr int kUNetDefaultEpochs = 12;

int runTrain(const TrainOptions& o)
{
    try {
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
            else if (m.task == Task::Translate)
                std::cout << "test pixel accuracy " << fmt(m.translation.pixelAccuracy) << ", nf error "
                          << fmt(m.translation.nfError) << ", power ratio " << fmt(m.translation.powerRatioMedian)
                          << " on " << m.samples << " samples\n";
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

// ---- evaluate, predict, runs, pca -------------------------------------------------------------

std::string metricsText(const EvalMetrics& m)
{
    std::string s = std::string(taskName(m.task)) + " " + targetName(m.target) + " (" + m.model + "), " + m.split
                    + " split, " + std::to_string(m.samples) + " samples, loss " + fmt(m.loss) + "\n";
    if (m.task == Task::Classify) {
        s += "  accuracy " + fmt(m.accuracy) + "\n  confusion (rows = true):\n";
        for (std::size_t i = 0; i < m.confusion.size(); ++i) {
            s += "    " + fmt(m.classes[i], "%8.4g") + " |";
            for (std::int64_t v : m.confusion[i])
                s += " " + fmt(double(v), "%6.0f");
            s += "   " + fmt(m.perClassAccuracy[i]) + "\n";
        }
    } else if (m.task == Task::Regress) {
        s += "  R2 " + fmt(m.r2) + ", RMSE " + fmt(m.rmse) + ", MAE " + fmt(m.mae) + "\n";
    } else if (m.task == Task::Translate) {
        const TranslationMetrics& t = m.translation;
        s += "  pixel accuracy " + fmt(t.pixelAccuracy) + ", IoU ionized " + fmt(t.iouIonized) + ", nf error "
             + fmt(t.nfError) + ", power ratio (median, 0.1-1/Mpc) " + fmt(t.powerRatioMedian) + ", r(k = 0.1, 0.3, 1) "
             + fmt(t.rK[0]) + " " + fmt(t.rK[1]) + " " + fmt(t.rK[2]) + "\n";
    } else {
        s += "  MSE " + fmt(m.mse) + " (normalised units) = " + fmt(m.relativeMse) + " of the data variance\n";
    }
    return s;
}

int runEvaluate(const std::string& run, const std::string& dataset, const std::string& split, bool json, int threads)
{
    try {
        const Split s = split == "train" ? Split::Train : split == "val" ? Split::Validation : split == "test" ? Split::Test
                        : throw ParameterError("--split", "'" + split + "' is not one of train, val, test");
        const EvalMetrics m = evaluateRun(run, dataset, s, threads);
        if (json)
            std::cout << metricsToJson(m) << std::endl;
        else
            std::cout << run << ": " << metricsText(m);
        return 0;
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
}

int runPredict(const std::string& run, const std::vector<std::string>& paths, const std::string& axes, std::size_t stride,
               bool json, int threads)
{
    int failures = 0;
    nlohmann::json preds = nlohmann::json::array();
    try {
        setComputeThreads(threads);
        Predictor p(run);
        const RunConfig& c = p.config();
        std::vector<int> ax;
        for (char ch : axes)
            ax.push_back(ch == 'x' ? 0 : ch == 'y' ? 1 : ch == 'z' ? 2 : throw ParameterError("--axes", "use x, y, z"));
        for (const std::string& path : paths) {
            try {
                const Cube cube = loadCube(path, c.quantity);
                const CubePrediction cp = p.predictCube(cube, ax, stride);
                nlohmann::json probs = nlohmann::json::object();
                for (std::size_t k = 0; k < cp.meanProbabilities.size(); ++k)
                    probs[formatValue(c.classes[k])] = cp.meanProbabilities[k];
                nlohmann::json per = nlohmann::json::array();
                for (const SlicePrediction& s : cp.perSlice) {
                    nlohmann::json e = {{"axis", s.axis}, {"index", s.index}, {"label", s.value}};
                    if (!s.probabilities.empty())
                        e["probabilities"] = s.probabilities;
                    per.push_back(e);
                }
                nlohmann::json e = {{"path", path}, {"label", cp.value}, {"slices", cp.slices}, {"fit", cp.fit},
                                    {"per_slice", per}};
                if (c.task == Task::Classify) {
                    e["probabilities"] = probs;
                    e["majority"] = cp.majority;
                }
                preds.push_back(e);
                if (!json) {
                    std::cout << path << "\n  " << targetName(c.target) << " = " << formatValue(cp.value);
                    if (c.task == Task::Classify) {
                        std::cout << " (mean probability " << fmt(cp.meanProbabilities[std::size_t(classIndex(c.classes, cp.value))])
                                  << "; majority of slices: " << formatValue(cp.majority) << ")\n  probabilities";
                        for (std::size_t k = 0; k < cp.meanProbabilities.size(); ++k)
                            std::cout << "  " << formatValue(c.classes[k]) << ": " << fmt(cp.meanProbabilities[k], "%.3f");
                    }
                    std::cout << "\n  " << cp.slices << " slices; " << cp.fit << "\n";
                }
            } catch (const Error& e) {
                printError(e.what());
                ++failures;
            }
        }
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
    if (json)
        std::cout << nlohmann::json{{"predictions", preds}}.dump(2) << std::endl;
    return failures ? 1 : 0;
}

int runRuns(const std::string& folder, bool json)
{
    try {
        nlohmann::json list = nlohmann::json::array();
        for (const RunSummary& s : listRuns(folder)) {
            const RunConfig& c = s.config;
            nlohmann::json e = {{"path", s.path}, {"model", modelName(c.model)}, {"task", taskName(c.task)},
                                {"target", targetName(c.target)}, {"epochs_done", s.epochsDone},
                                {"epochs", c.epochs}, {"finished", s.finished}};
            if (s.metrics)
                e["metrics"] = nlohmann::json::parse(metricsToJson(*s.metrics));
            list.push_back(e);
            if (!json)
                std::cout << s.path << "  " << modelName(c.model) << " " << taskName(c.task) << " "
                          << targetName(c.target) << "  epoch " << s.epochsDone << "/" << c.epochs
                          << (s.finished ? "  finished" : "")
                          << (s.metrics && s.metrics->task == Task::Classify ? "  test accuracy " + fmt(s.metrics->accuracy) : "")
                          << (s.metrics && s.metrics->task == Task::Regress ? "  test R2 " + fmt(s.metrics->r2) : "")
                          << "\n";
        }
        if (json)
            std::cout << nlohmann::json{{"runs", list}}.dump(2) << std::endl;
        return 0;
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
}

int runPca(const std::string& dataset, const std::string& target, std::size_t components, std::size_t maxSamples, bool json)
{
    try {
        auto ds = DatasetFile::open(dataset);
        const PcaBaseline b = pcaBaseline(*ds, targetFromName(target), components, maxSamples);
        if (json) {
            nlohmann::json j = {{"dataset", dataset}, {"components", b.model.components},
                                {"train_samples", b.trainSamples}, {"explained_variance_ratio", b.model.explainedRatio},
                                {"metrics", nlohmann::json::parse(metricsToJson(b.metrics))}};
            std::cout << j.dump(2) << std::endl;
        } else {
            double cum = 0;
            std::cout << dataset << ": PCA of " << b.trainSamples << " training samples\n  cumulative explained variance:";
            for (std::size_t k = 0; k < b.model.components; ++k) {
                cum += b.model.explainedRatio[k];
                if (k < 5 || (k + 1) % 10 == 0 || k + 1 == b.model.components)
                    std::cout << " " << (k + 1) << ":" << fmt(cum, "%.3f");
            }
            std::cout << "\n  nearest class centroid in PCA space: " << metricsText(b.metrics);
        }
        return 0;
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
}

struct BenchCliOptions {
    bool json = false;
    std::string sizes = "200,64";
    std::vector<std::string> models{"ae", "mlp", "cnn", "codes-cnn"};
    std::size_t batch = 32, batches = 8;
    int threads = 2;
};

int runBench(const BenchCliOptions& o)
{
    try {
        BenchOptions b;
        b.models = o.models;
        b.sizes.clear();
        for (double s : parseNumberList(o.sizes, "--sizes"))
            b.sizes.push_back(std::size_t(s));
        b.batch = o.batch;
        b.timedBatches = o.batches;
        b.threads = o.threads;
        const std::vector<BenchRow> rows = benchTrain(b, [](double f, const std::string& stage) {
            std::fprintf(stderr, "\r[%3d%%] %-40s", int(f * 100), stage.c_str());
        });
        std::fprintf(stderr, "\n");
        nlohmann::json list = nlohmann::json::array();
        if (!o.json)
            std::printf("%-10s %5s %5s %3s | %12s %12s %6s | %12s %12s %6s   (samples/s)\n", "model", "size", "batch", "thr",
                        "engine train", "bare train", "ratio", "engine infer", "bare infer", "ratio");
        for (const BenchRow& r : rows) {
            list.push_back({{"model", r.model}, {"size", r.size}, {"batch", r.batch}, {"threads", r.threads},
                            {"engine_train_samples_per_s", r.engineTrain}, {"bare_train_samples_per_s", r.bareTrain},
                            {"train_ratio", r.trainRatio()}, {"engine_infer_samples_per_s", r.engineInfer},
                            {"bare_infer_samples_per_s", r.bareInfer}, {"infer_ratio", r.inferRatio()}});
            if (!o.json)
                std::printf("%-10s %5zu %5zu %3d | %12.1f %12.1f %5.0f%% | %12.1f %12.1f %5.0f%%\n", r.model.c_str(), r.size,
                            r.batch, r.threads, r.engineTrain, r.bareTrain, 100 * r.trainRatio(), r.engineInfer,
                            r.bareInfer, 100 * r.inferRatio());
        }
        if (o.json)
            std::cout << nlohmann::json{{"bench", "train"}, {"results", list}}.dump(2) << std::endl;
        return 0;
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
}

std::vector<DatasetSource> simulatorSources(const DatasetOptions& o, std::optional<Quantity> target)
{
    SimulationGrid g;
    g.base.dim = o.dim;
    g.base.boxMpc = o.box;
    g.base.threads = o.threads;
    if (o.z.empty() || o.zeta.empty())
        throw ParameterError("--simulate", "needs --z LIST and --zeta LIST");
    g.redshifts = parseNumberList(o.z, "--z");
    g.zetas = parseNumberList(o.zeta, "--zeta");
    if (o.seeds < 1)
        throw ParameterError("--seeds", "must be at least 1");
    for (int s = 1; s <= o.seeds; ++s)
        g.seeds.push_back(std::uint64_t(s));
    return sourcesFromSimulator(g, quantityFromName(o.quantity).value_or(Quantity::BrightnessTemperature), target);
}

} // namespace

void addMlCommands(CLI::App& app)
{
    configureAllocatorForTraining();

    CLI::App* dataset = app.add_subcommand("dataset", "Machine-learning datasets: build, info");
    dataset->require_subcommand(1);
    auto d = std::make_shared<DatasetOptions>();
    CLI::App* build = dataset->add_subcommand("build", "Cut cubes into labelled slices or patches, split by simulation");
    build->add_option("--from", d->from, "Cube files or folders");
    build->add_flag("--simulate", d->simulate, "Simulate a parameter grid instead of reading files");
    build->add_option("--dim", d->dim, "Simulator grid size N (N^3 cells)");
    build->add_option("--box", d->box, "Simulator box length [Mpc]");
    build->add_option("--z", d->z, "Simulator redshifts, comma-separated");
    build->add_option("--zeta", d->zeta, "Simulator ionizing efficiencies, comma-separated");
    build->add_option("--seeds", d->seeds, "Simulator realizations per grid point");
    build->add_option("--quantity,--input", d->quantity, "Cube sampled: brightness_temperature (default), density, neutral_fraction");
    build->add_option("--target-field", d->targetField,
                      "Paired dataset: also store the neutral_fraction or brightness_temperature slices (input density)");
    build->add_option("--context", d->context,
                      "Paired dataset: radii [Mpc] of the 3D-smoothed density channels, comma-separated; "
                      "'default' (2.5,5,10,20) or 'none'");
    build->add_option("--mode", d->mode, "slices (default) or patches");
    build->add_option("--axes", d->axes, "Slicing axes, any of xyz (default xyz)");
    build->add_option("--stride", d->stride, "Every S-th slice (default 1)");
    build->add_option("--patch", d->patch, "Patch side for --mode patches (default: a quarter of the slice)");
    build->add_option("--split", d->split, "Train,validation,test fractions of the simulations (default 0.7,0.15,0.15)");
    build->add_option("--split-seed", d->splitSeed, "Seed of the simulation shuffle before splitting (default 0)");
    build->add_option("--deflate", d->deflate, "Compression level 0-9 (default 1)")->check(CLI::Range(0, 9));
    build->add_option("--threads", d->threads, "Threads for the simulator");
    build->add_option("--out", d->out, "Output dataset .h5")->required();
    build->callback([d] { exitCode() = runDatasetBuild(*d); });

    auto infoPath = std::make_shared<std::string>();
    auto infoJson = std::make_shared<bool>(false);
    CLI::App* info = dataset->add_subcommand("info", "Describe a dataset: samples, splits, cubes, normalisation");
    info->add_option("path", *infoPath, "Dataset .h5")->required();
    info->add_flag("--json", *infoJson, "JSON output");
    info->callback([infoPath, infoJson] {
        try {
            const DatasetInfo i = DatasetFile::open(*infoPath)->info();
            std::cout << (*infoJson ? datasetJson(i).dump(2) + "\n" : datasetText(i));
            exitCode() = 0;
        } catch (const Error& e) {
            printError(e.what());
            exitCode() = 1;
        }
    });

    auto t = std::make_shared<TrainOptions>();
    CLI::App* tr = app.add_subcommand("train", "Train a model into a run folder (resumes when the folder exists)");
    tr->add_option("--dataset", t->dataset, "Dataset .h5 (dataset build)")->required();
    tr->add_option("--model", t->model, "ae, mlp, cnn, codes-cnn or unet (translation, paired dataset)")->required();
    tr->add_flag("--no-condition", t->noCondition, "unet: do not feed z and zeta to the network");
    tr->add_option("--encoder", t->encoder, "codes-cnn: the finished ae run whose encoder is frozen");
    tr->add_option("--target", t->target, "z, zeta, fesc or nf (default z; ignored by ae)");
    tr->add_option("--task", t->task, "classify or regress (default: classify, regress for nf)");
    tr->add_option("--optimizer", t->optimizer, "adam (default) or sgd");
    tr->add_option("--lr", t->lr, "Learning rate (default 1e-3)");
    tr->add_option("--momentum", t->momentum, "SGD momentum (default 0.9)");
    tr->add_option("--weight-decay", t->weightDecay, "L2 weight decay (default 0)");
    tr->add_option("--epochs", t->epochs, "Epochs (default 10; unet 12)");
    tr->add_option("--batch", t->batch, "Batch size (default 32)");
    tr->add_option("--threads", t->threads, "Compute threads (default 2)");
    tr->add_option("--seed", t->seed, "Seed of initialisation and shuffling (default 0)");
    tr->add_option("--device", t->device, "auto (default), cpu or cuda");
    tr->add_option("--history-every", t->historyEvery, "A history line every N batches (default 20)");
    tr->add_option("--max-batches", t->maxBatches, "At most N batches per epoch (default: all)");
    tr->add_option("--out", t->out, "Run folder")->required();
    tr->callback([t, tr] {
        t->epochsGiven = tr->count("--epochs") > 0;
        exitCode() = runTrain(*t);
    });

    auto ev = std::make_shared<std::tuple<std::string, std::string, std::string, bool, int>>("", "", "test", false, 2);
    CLI::App* e = app.add_subcommand("evaluate", "Test-set metrics of a run");
    e->add_option("run", std::get<0>(*ev), "Run folder")->required();
    e->add_option("--dataset", std::get<1>(*ev), "Another dataset with the same sample size");
    e->add_option("--split", std::get<2>(*ev), "train, val or test (default test)");
    e->add_flag("--json", std::get<3>(*ev), "JSON output");
    e->add_option("--threads", std::get<4>(*ev), "Compute threads (default 2)");
    e->callback([ev] { exitCode() = runEvaluate(std::get<0>(*ev), std::get<1>(*ev), std::get<2>(*ev), std::get<3>(*ev), std::get<4>(*ev)); });

    struct PredictOptions {
        std::string run, axes = "z";
        std::vector<std::string> paths;
        std::size_t stride = 1;
        bool json = false;
        int threads = 2;
    };
    auto p = std::make_shared<PredictOptions>();
    CLI::App* pr = app.add_subcommand("predict", "Predict labels of cubes with a trained run");
    pr->add_option("run", p->run, "Run folder")->required();
    pr->add_option("paths", p->paths, "Cube files (any readable format)")->required();
    pr->add_option("--axes", p->axes, "Slicing axes (default z)");
    pr->add_option("--stride", p->stride, "Every S-th slice (default 1)");
    pr->add_flag("--json", p->json, "JSON output");
    pr->add_option("--threads", p->threads, "Compute threads (default 2)");
    pr->callback([p] { exitCode() = runPredict(p->run, p->paths, p->axes, p->stride, p->json, p->threads); });

    auto rl = std::make_shared<std::pair<std::string, bool>>();
    CLI::App* runs = app.add_subcommand("runs", "List the training runs in a folder");
    runs->add_option("folder", rl->first, "Folder of run folders")->required();
    runs->add_flag("--json", rl->second, "JSON output");
    runs->callback([rl] { exitCode() = runRuns(rl->first, rl->second); });

    struct PcaOptions {
        std::string dataset, target = "z";
        std::size_t components = 20, maxSamples = 2000;
        bool json = false;
    };
    auto pc = std::make_shared<PcaOptions>();
    CLI::App* pca = app.add_subcommand("pca", "PCA baseline: explained variance and nearest-centroid accuracy");
    pca->add_option("--dataset", pc->dataset, "Dataset .h5")->required();
    pca->add_option("--target", pc->target, "Label to classify (default z)");
    pca->add_option("--components", pc->components, "Principal components (default 20)");
    pca->add_option("--max-samples", pc->maxSamples, "At most N samples per split (default 2000)");
    pca->add_flag("--json", pc->json, "JSON output");
    pca->callback([pc] { exitCode() = runPca(pc->dataset, pc->target, pc->components, pc->maxSamples, pc->json); });

    CLI::App* bench = subcommandOf(app, "bench", "Benchmarks (never tests): reionscope-cli bench <what>");
    bench->require_subcommand(1);
    auto b = std::make_shared<BenchCliOptions>();
    CLI::App* bt = bench->add_subcommand("train", "Training/inference samples/s of every model, engine vs bare LibTorch");
    bt->add_flag("--json", b->json, "JSON output");
    bt->add_option("--sizes", b->sizes, "Input sides, comma-separated (default 200,64)");
    bt->add_option("--models", b->models, "Models, comma-separated (default ae,mlp,cnn,codes-cnn)")->delimiter(',');
    bt->add_option("--batch", b->batch, "Batch size (default 32)");
    bt->add_option("--batches", b->batches, "Timed batches per measurement (default 8)");
    bt->add_option("--threads", b->threads, "Compute threads (default 2)");
    bt->callback([b] { exitCode() = runBench(*b); });
}

} // namespace rs::cli
