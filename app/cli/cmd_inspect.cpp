// Looking at trained runs: `evaluate`, `predict`, `runs` and the `pca` baseline.
#include "cli_common.h"
#include "ml/dataset_health.h"
#include "run_json.h"

#include "io/cube_loader.h"
#include "ml/dataset.h"
#include "ml/ml_setup.h"
#include "ml/pca.h"
#include "ml/predictor.h"
#include "ml/run_config.h"
#include "ml/run_folder.h"
#include "util/error.h"

#include <cstdio>
#include <iostream>
#include <memory>
#include <new>

namespace rs::cli {

namespace {

using namespace rs::ml;

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
    } else if (m.task == Task::Generate) {
        const GenerationMetrics& g = m.generation;
        s += "  generated vs simulated over " + std::to_string(g.groups.size()) + " (z, zeta) points: power ratio "
            + "(median, 0.1-1/Mpc) " + fmt(g.powerRatioMedian) + " [" + fmt(g.powerRatioMin) + ", "
            + fmt(g.powerRatioMax) + "], PDF KS " + fmt(g.pdfKs) + " (worst " + fmt(g.pdfKsMax) + "), nf error "
            + fmt(g.nfError) + " (worst |" + fmt(g.nfErrorMaxAbs) + "|), diversity " + fmt(g.diversity) + "\n";
        for (const GenerationGroupMetrics& e : g.groups)
            s += "    z " + fmt(e.z) + " zeta " + fmt(e.zeta) + ": power ratio " + fmt(e.powerRatioMedian) + ", KS "
                + fmt(e.pdfKs) + ", nf " + fmt(e.nfGenerated) + " vs " + fmt(e.nfSimulated) + ", diversity "
                + fmt(e.diversity) + "\n";
    } else {
        s += "  MSE " + fmt(m.mse) + " (normalised units) = " + fmt(m.relativeMse) + " of the data variance\n";
    }
    return s;
}

int runEvaluate(const std::string& run, const std::string& dataset, const std::string& split, bool json, int threads)
{
    try {
        const Split s = split == "train" ? Split::Train
            : split == "val"             ? Split::Validation
            : split == "test"            ? Split::Test
                              : throw ParameterError("--split", "'" + split + "' is not one of train, val, test");
        const EvalMetrics m = evaluateRun(run, dataset, s, threads);
        const std::vector<std::string> warnings = judgingWarnings(readRunConfig(run).datasetPath, dataset);
        for (const std::string& w : warnings)
            std::fprintf(stderr, "warning: %s\n", w.c_str());
        if (json && !warnings.empty()) {
            nlohmann::json j = nlohmann::json::parse(metricsToJson(m));
            j["warnings"] = warnings;
            std::cout << dumpJson(j) << std::endl;
        } else if (json)
            std::cout << metricsToJson(m) << std::endl;
        else
            std::cout << run << ": " << metricsText(m);
        return 0;
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
}

int runPredict(const std::string& run, const std::vector<std::string>& paths, const std::string& axes,
    std::size_t stride, bool json, int threads)
{
    nlohmann::json preds = nlohmann::json::array();
    nlohmann::json errors = nlohmann::json::array();
    auto fail = [&](const std::string& path, const std::string& message) {
        printError(message);
        errors.push_back({{"path", path}, {"error", message}});
    };
    try {
        setComputeThreads(threads);
        Predictor p(run);
        const RunConfig& c = p.config();
        std::shared_ptr<const DatasetFile> trainedOn; // for the warnings; a moved dataset only loses them
        try {
            trainedOn = DatasetFile::open(c.datasetPath);
            if (trainedOn->info().contentHash != c.datasetHash)
                trainedOn.reset();
        } catch (const Error&) { }
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
                nlohmann::json e
                    = {{"path", path}, {"label", cp.value}, {"slices", cp.slices}, {"fit", cp.fit}, {"per_slice", per}};
                if (c.task == Task::Classify) {
                    e["probabilities"] = probs;
                    e["majority"] = cp.majority;
                }
                const std::vector<std::string> warnings
                    = trainedOn ? predictionWarnings(*trainedOn, path, cube) : std::vector<std::string> {};
                e["warnings"] = warnings;
                for (const std::string& w : warnings)
                    std::fprintf(stderr, "warning: %s\n", w.c_str());
                preds.push_back(e);
                if (!json) {
                    std::cout << path << "\n  " << targetName(c.target) << " = " << formatValue(cp.value);
                    if (c.task == Task::Classify) {
                        std::cout << " (mean probability "
                                  << fmt(cp.meanProbabilities[std::size_t(classIndex(c.classes, cp.value))])
                                  << "; majority of slices: " << formatValue(cp.majority) << ")\n  probabilities";
                        for (std::size_t k = 0; k < cp.meanProbabilities.size(); ++k)
                            std::cout << "  " << formatValue(c.classes[k]) << ": "
                                      << fmt(cp.meanProbabilities[k], "%.3f");
                    }
                    std::cout << "\n  " << cp.slices << " slices; " << cp.fit << "\n";
                }
            } catch (const Error& e) {
                fail(path, e.what());
            } catch (const std::bad_alloc&) {
                fail(path, path + ": not enough memory to predict it");
            }
        }
    } catch (const Error& e) { // the run itself cannot be used
        fail(run, e.what());
    }
    if (json)
        std::cout << dumpJson(nlohmann::json {{"predictions", preds}, {"errors", errors}}) << std::endl;
    return errors.empty() ? 0 : kExitFailed;
}

int runRuns(const std::string& folder, bool json)
{
    try {
        nlohmann::json list = nlohmann::json::array();
        std::vector<RunListError> damaged;
        for (const RunSummary& s : listRuns(folder, &damaged)) {
            list.push_back(runSummaryJson(s));
            if (!json)
                std::cout << runSummaryText(s) << "\n";
        }
        nlohmann::json errors = nlohmann::json::array();
        for (const RunListError& d : damaged) { // named, and the other runs still listed
            printError(d.message);
            errors.push_back({{"path", d.path}, {"error", d.message}});
        }
        if (json)
            std::cout << dumpJson(nlohmann::json {{"runs", list}, {"errors", errors}}) << std::endl;
        return damaged.empty() ? 0 : kExitFailed;
    } catch (const Error& e) {
        printError(e.what());
        return 1;
    }
}

int runPca(
    const std::string& dataset, const std::string& target, std::size_t components, std::size_t maxSamples, bool json)
{
    try {
        auto ds = DatasetFile::open(dataset);
        const PcaBaseline b = pcaBaseline(*ds, targetFromName(target), components, maxSamples);
        if (json) {
            nlohmann::json j = {{"dataset", dataset}, {"components", b.model.components},
                {"train_samples", b.trainSamples}, {"explained_variance_ratio", b.model.explainedRatio},
                {"metrics", nlohmann::json::parse(metricsToJson(b.metrics))}};
            std::cout << dumpJson(j) << std::endl;
        } else {
            double cum = 0;
            std::cout << dataset << ": PCA of " << b.trainSamples
                      << " training samples\n  cumulative explained variance:";
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

} // namespace

void addInspectCommands(CLI::App& app)
{
    auto ev = std::make_shared<std::tuple<std::string, std::string, std::string, bool, int>>("", "", "test", false, 2);
    CLI::App* e = app.add_subcommand("evaluate", "Test-set metrics of a run");
    e->add_option("run", std::get<0>(*ev), "Run folder")->required();
    e->add_option("--dataset", std::get<1>(*ev),
        "Another dataset with the same sample size (a generator: any size at its cell size)");
    e->add_option("--split", std::get<2>(*ev), "train, val or test (default test)");
    e->add_flag("--json", std::get<3>(*ev), "JSON output");
    e->add_option("--threads", std::get<4>(*ev), "Compute threads (default 2)")->check(CLI::Range(1, maxThreads()));
    e->callback([ev] {
        exitCode()
            = runEvaluate(std::get<0>(*ev), std::get<1>(*ev), std::get<2>(*ev), std::get<3>(*ev), std::get<4>(*ev));
    });

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
    pr->add_option("--stride", p->stride, "Every S-th slice (default 1)")->check(CLI::Range(1, 1 << 20));
    pr->add_flag("--json", p->json, "JSON output");
    pr->add_option("--threads", p->threads, "Compute threads (default 2)")->check(CLI::Range(1, maxThreads()));
    pr->callback([p] { exitCode() = runPredict(p->run, p->paths, p->axes, p->stride, p->json, p->threads); });

    auto rl = std::make_shared<std::pair<std::string, bool>>();
    CLI::App* runs = app.add_subcommand("runs", "List the training runs in a folder, or manage one (rename, ...)");
    // Not required: a required positional would take "rename" as the folder (CLI11 fills it first).
    runs->add_option("folder", rl->first, "Folder of run folders");
    runs->add_flag("--json", rl->second, "JSON output");
    addRunsManageCommands(*runs);
    runs->callback([rl, runs] {
        if (!runs->get_subcommands().empty())
            return;
        if (rl->first.empty())
            throw CLI::RequiredError("folder");
        exitCode() = runRuns(rl->first, rl->second);
    });

    struct PcaOptions {
        std::string dataset, target = "z";
        std::size_t components = 20, maxSamples = 2000;
        bool json = false;
    };
    auto pc = std::make_shared<PcaOptions>();
    CLI::App* pca = app.add_subcommand("pca", "PCA baseline: explained variance and nearest-centroid accuracy");
    pca->add_option("--dataset", pc->dataset, "Dataset .h5")->required();
    pca->add_option("--target", pc->target, "Label to classify (default z)");
    pca->add_option("--components", pc->components, "Principal components (default 20)")->check(CLI::Range(1, 100000));
    pca->add_option("--max-samples", pc->maxSamples, "At most N samples per split (default 2000)");
    pca->add_flag("--json", pc->json, "JSON output");
    pca->callback([pc] { exitCode() = runPca(pc->dataset, pc->target, pc->components, pc->maxSamples, pc->json); });
}

} // namespace rs::cli
