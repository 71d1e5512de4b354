#pragma once
/// \file run_folder.h
/// A training run is a folder:
///
///     config.json          everything needed to reproduce the run (RunConfig)
///     history.jsonl        one JSON object per line, appended every N batches and every epoch
///     checkpoints/last.pt  model + optimizer + position + RNG, replaced atomically every epoch
///     checkpoints/best.pt  the weights with the best validation loss so far
///     final.pt             the weights at the end of training
///     model.ts             TorchScript export (Python: torch.jit.load)
///     metrics.json         test-set metrics (EvalMetrics)
///
/// These helpers read and write the text parts without LibTorch, so a GUI can list runs and tail
/// a history written by another process.

#include "cube/quantity.h"
#include "ml/labels.h"
#include "ml/metrics.h"

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rs::ml {

enum class ModelKind { Autoencoder, Mlp, Cnn, CodesCnn, UNet };
/// "ae", "mlp", "cnn", "codes-cnn", "unet" (the CLI's --model names and the checkpoints' model key).
const char* modelName(ModelKind m);
/// Inverse of modelName. Throws ParameterError("model", ...).
ModelKind modelFromName(std::string_view name);

struct OptimizerConfig {
    std::string name = "adam"; ///< "adam" or "sgd"
    double lr = 1e-3;
    double momentum = 0.9;     ///< SGD only
    double weightDecay = 0;
};

/// What a run trains. The caller sets the first block; the trainer resolves the second from the
/// dataset and stores both in config.json.
struct RunConfig {
    // chosen
    ModelKind model = ModelKind::Cnn;
    Task task = Task::Classify;
    Target target = Target::Z;
    std::string datasetPath;
    std::string encoderRun;       ///< codes-cnn: the autoencoder run whose encoder is frozen
    OptimizerConfig optimizer;
    std::size_t batch = 32;
    int epochs = 10;
    std::uint64_t seed = 0;
    int threads = 2;
    int worldSize = 1;            ///< data-parallel ranks of the latest session (distributed.h)
    std::string device = "auto";  ///< "auto", "cpu" or "cuda"
    std::size_t historyEvery = 20; ///< a history line every this many batches (0: epochs only)
    std::size_t maxBatchesPerEpoch = 0; ///< 0: whole epochs (tests and benchmarks use fewer)
    bool condition = true;        ///< unet: z and ζ as two constant input planes
    // resolved
    std::string datasetHash;
    Quantity quantity = Quantity::Other;
    std::size_t rows = 0, cols = 0;
    double normMean = 0, normStd = 1;
    double cellSizeMpc = 0;
    std::vector<double> classes;  ///< classification: label value of each output
    double labelMean = 0, labelStd = 1; ///< regression: outputs are (label - mean) / std
    std::string created;          ///< UTC time the run was created
    // resolved for translation (unet) runs
    Quantity targetQuantity = Quantity::Other;  ///< the field translated into (x_HI or δT_b)
    double targetMean = 0, targetStd = 1;       ///< outputs are (target - mean) / std (δT_b; x_HI: logits)
    std::vector<double> contextRadiiMpc;        ///< 3D-smoothed density channels (density_context.h)
    std::vector<double> contextMean, contextStd; ///< their normalisation (training split)
    std::array<double, 2> conditionMean{0, 0}, conditionStd{1, 1}; ///< of z and ζ (training split)
};

/// One line of history.jsonl. `type` is "batch", "epoch", "resume", "stopped", "error" or
/// "finished". Numbers that do not apply are NaN (absent from the JSON).
struct HistoryRecord {
    std::string type = "epoch";
    int epoch = 0;               ///< 0-based epoch the line belongs to
    std::size_t batch = 0;       ///< batches done in that epoch
    std::size_t batches = 0;     ///< batches per epoch
    std::int64_t step = 0;       ///< optimizer steps since the run began
    static constexpr double none = std::numeric_limits<double>::quiet_NaN();
    double trainLoss = none, trainMetric = none, valLoss = none, valMetric = none; ///< NaN where not measured
    double lr = none, samplesPerSecond = none, wallSeconds = none;
    std::string message;
};

/// The metric a task reports in history and progress: "accuracy", "r2", "relative_mse" or
/// "pixel_accuracy" (translate).
const char* metricName(Task t);

std::string runConfigPath(const std::string& runDir);
std::string historyPath(const std::string& runDir);
std::string metricsPath(const std::string& runDir);
std::string checkpointPath(const std::string& runDir);     ///< checkpoints/last.pt
std::string bestCheckpointPath(const std::string& runDir); ///< checkpoints/best.pt
std::string finalModelPath(const std::string& runDir);     ///< final.pt
std::string torchScriptPath(const std::string& runDir);    ///< model.ts

/// Whether the folder holds a config.json of a run.
bool isRunFolder(const std::string& runDir);
/// Writes config.json atomically. Throws IoError.
void writeRunConfig(const std::string& runDir, const RunConfig& config);
/// Reads config.json. Throws IoError (missing) or FormatError (not a run config, damaged).
RunConfig readRunConfig(const std::string& runDir);
/// The text writeRunConfig writes (JSON with a trailing newline), e.g. to preview a run.
std::string runConfigJson(const RunConfig& config);

/// Appends one whole line to history.jsonl (one write() of the complete line, so a reader never
/// sees half a record unless the writer is killed inside that call). Throws IoError.
void appendHistory(const std::string& runDir, const HistoryRecord& record, Task task);
/// The JSON line (with its newline) appendHistory writes for a record.
std::string historyLine(const HistoryRecord& record, Task task);
/// Appends an already formatted line (see historyLine). Throws IoError.
void appendHistoryLine(const std::string& runDir, const std::string& line);
/// Reads history.jsonl, skipping a partially written last line and any unparsable line.
/// Returns an empty list when the file does not exist. Throws IoError when it cannot be read.
std::vector<HistoryRecord> readHistory(const std::string& runDir);
/// Cuts an incomplete last line (a writer killed mid-line) so appends start on a fresh line.
void repairHistory(const std::string& runDir);

/// Removes the history lines a resume from the checkpoint at (`epoch`, `batchInEpoch`) trains
/// again: batch lines past that batch and epoch lines from that epoch on (a kill after they were
/// written but before the next checkpoint). Rewrites the file atomically; throws IoError.
void trimHistoryAfter(const std::string& runDir, int epoch, std::size_t batchInEpoch);
/// One history line (without its newline) as a record; nullopt when it is not a JSON object.
std::optional<HistoryRecord> parseHistoryLine(std::string_view line);

/// What readHistoryFrom found after an offset.
struct HistoryChunk {
    std::vector<HistoryRecord> records; ///< the complete lines after the offset (unparsable ones skipped)
    std::uint64_t nextOffset = 0;       ///< the byte after the last complete line: where to read next
    bool restarted = false;             ///< the file was shorter than the offset (rewritten): records start at 0
};
/// Reads only what was appended to history.jsonl since byte `offset` (a viewer following a run
/// that another process writes). A partial last line is left for the next call. A missing file
/// gives no records and offset 0. Throws IoError when the file cannot be read.
HistoryChunk readHistoryFrom(const std::string& runDir, std::uint64_t offset);

/// metrics.json as text (the `evaluate --json` document) and back.
std::string metricsToJson(const EvalMetrics& m);
/// Throws FormatError(path, ...) when the text is not a metrics document.
EvalMetrics metricsFromJson(const std::string& text, const std::string& path);
/// Writes metrics.json atomically. Throws IoError.
void writeMetrics(const std::string& runDir, const EvalMetrics& m);
/// metrics.json when present. Throws FormatError when it is damaged.
std::optional<EvalMetrics> readMetrics(const std::string& runDir);

/// What a run folder holds, for listing.
struct RunSummary {
    std::string path;
    std::string name;
    RunConfig config;
    int epochsDone = 0;  ///< complete epochs in the history
    bool finished = false; ///< final.pt exists
    std::optional<EvalMetrics> metrics;
    std::optional<HistoryRecord> lastEpoch;
};

/// A run folder (it has a config.json) that listRuns could not read.
struct RunListError {
    std::string path;
    std::string message; ///< "<file>: <problem>"
};

/// The runs directly inside `folder` (and `folder` itself when it is a run), by name. Folders
/// whose config cannot be read are left out of the list and, when `errors` is given, reported
/// there. Throws IoError when the folder cannot be read.
std::vector<RunSummary> listRuns(const std::string& folder, std::vector<RunListError>* errors = nullptr);

} // namespace rs::ml
