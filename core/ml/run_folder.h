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
///     train.lock           locked (flock) while a trainer works on the run (run_status.h)
///     meta.json            display name, notes, tags (run_meta.h)
///
/// These helpers read and write the text parts without LibTorch, so a GUI can list runs and tail
/// a history written by another process.

#include "cube/quantity.h"
#include "ml/labels.h"
#include "ml/metrics.h"
#include "ml/run_meta.h"

#include <array>
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rs::ml {

enum class ModelKind { Autoencoder, Mlp, Cnn, CodesCnn, UNet, Generator };
/// "ae", "mlp", "cnn", "codes-cnn", "unet", "generator" (the CLI's --model names and the checkpoints' model key).
const char* modelName(ModelKind m);
/// Inverse of modelName. Throws ParameterError("model", ...).
ModelKind modelFromName(std::string_view name);

struct OptimizerConfig {
    std::string name = "adam"; ///< "adam" or "sgd"
    double lr = 1e-3;
    double momentum = 0.9; ///< SGD only
    double weightDecay = 0; ///< L2 penalty added by the optimizer
    double gradClip = 0; ///< clip the gradients' global L2 norm to this (0: no clipping)
};

/// The learning rate over epochs (epoch e = 1, 2, ...; the rate is set before each epoch).
struct ScheduleConfig {
    std::string kind = "constant"; ///< "constant", "step", "cosine" or "plateau"
    int stepEpochs = 10; ///< step: multiply by gamma every this many epochs
    double gamma = 0.1; ///< step and plateau: the factor
    double minLr = 0; ///< cosine: the rate reached at the last epoch; plateau: the floor
    int patience = 3; ///< plateau: epochs without a lower validation loss before the cut
};

/// Stop before `epochs` when the validation value has not improved for `patience` epochs.
struct EarlyStopConfig {
    int patience = 0; ///< 0: never stop early
    std::string metric = "val_loss"; ///< "val_loss" (lower is better) or "val_metric" (the task's metric)
    double minDelta = 0; ///< an improvement must exceed this
};

/// Membership of a run in a sweep (empty name: not a sweep member).
struct SweepMembership {
    std::string name; ///< the sweep folder's name
    std::vector<std::pair<std::string, std::string>> settings; ///< the point: key → value as given
};

/// Generation's calibration at one (z, ζ) of the training split (gen8 note): the decoder's
/// per-cell likelihoods make maps whose ionized fraction is off by up to 0.05 and whose neutral
/// values spread symmetrically, where the simulations pile up below a sharp upper edge (dense
/// cells are partly ionized). Maps drawn from the prior at this point get:
struct GeneratorPointCalibration {
    double z = 0, zeta = 0;
    /// added to the ionized logit (times ionizedSharpness) before its draw, so that the expected
    /// neutral fraction is the training simulations' at this point;
    double ionizedOffset = 0;
    /// the multiplier of the decoded σ and the width [cells] of the Gaussian that correlates the
    /// value's noise between cells (0: independent cells), chosen among a few by the maps' power
    /// spectrum and PDF against the training simulations;
    double noiseScale = 1, noiseWidth = 0;
    /// the quantile map of the drawn neutral values (physical units, equal-probability steps from
    /// 0 to 1) onto the simulations' neutral values at this point: a drawn value at quantile p of
    /// `drawnQuantiles` becomes the value at p of `simulatedQuantiles`.
    std::vector<double> drawnQuantiles, simulatedQuantiles;
    /// The multiplier of the ionized logit (its sharpness: above 1 the draw approaches the ½
    /// threshold's larger, more coherent bubbles and more in-band power; below 1 more scattered
    /// ionized cells), chosen with the noise; 1 in runs before it.
    double ionizedSharpness = 1;
};

/// The neutral fraction at one (z, ζ) of the calibration's training split, fully ionized points
/// included: the simulations' and that of maps drawn from the prior there without an offset (at
/// the point's GeneratorPointCalibration::ionizedSharpness, 1 where it has none). Between points
/// generation draws the network's own neutral fraction plus the interpolated difference
/// (simulated − drawn), solving the offset on reference maps decoded there (gen14 note), instead
/// of interpolating offsets fitted to different sharpnesses and logits.
struct GeneratorNeutralPoint {
    double z = 0, zeta = 0;
    double simulated = 0, drawn = 0;
};

/// What a run trains. The caller sets the first block; the trainer resolves the second from the
/// dataset and stores both in config.json.
struct RunConfig {
    // chosen
    ModelKind model = ModelKind::Cnn;
    Task task = Task::Classify;
    Target target = Target::Z;
    std::string datasetPath;
    std::string encoderRun; ///< codes-cnn: the autoencoder run whose encoder is frozen
    OptimizerConfig optimizer;
    ScheduleConfig schedule;
    EarlyStopConfig earlyStop;
    std::size_t batch = 32;
    int epochs = 10;
    std::uint64_t seed = 0;
    int threads = 2;
    int worldSize = 1; ///< data-parallel ranks of the latest session (distributed.h)
    std::string device = "auto"; ///< "auto", "cpu" or "cuda"
    std::size_t historyEvery = 20; ///< a history line every this many batches (0: epochs only)
    std::size_t maxBatchesPerEpoch = 0; ///< 0: whole epochs (tests and benchmarks use fewer)
    std::string dataInMemory = "auto"; ///< training samples held in memory: "auto", "on", "off" (batch_stream.h)
    std::size_t dataMemoryMb = 1024; ///< auto: in memory when the training split fits; streamed: the read-ahead cache
    bool condition = true; ///< unet: z and ζ as two constant input planes
    SweepMembership sweep;
    // resolved
    std::string datasetHash;
    Quantity quantity = Quantity::Other;
    std::size_t rows = 0, cols = 0;
    double normMean = 0, normStd = 1;
    double cellSizeMpc = 0;
    std::vector<double> classes; ///< classification: label value of each output
    double labelMean = 0, labelStd = 1; ///< regression: outputs are (label - mean) / std
    std::string created; ///< UTC time the run was created
    // resolved for translation (unet) runs
    Quantity targetQuantity = Quantity::Other; ///< the field translated into (x_HI or δT_b)
    double targetMean = 0, targetStd = 1; ///< outputs are (target - mean) / std (δT_b; x_HI: logits)
    std::vector<double> contextRadiiMpc; ///< 3D-smoothed density channels (density_context.h)
    std::vector<double> contextMean, contextStd; ///< their normalisation (training split)
    std::array<double, 2> conditionMean {0, 0}, conditionStd {1, 1}; ///< of z and ζ (training split)
    /// Conditioned unet: a third plane, ln(ζ f_ST(z)) (ionizing_budget.h). Runs made before it: false.
    bool conditionBudget = true;
    /// The context channels are barrierContext's, at the translated cube's z and ζ
    /// (density_context.h). Runs made before it: false.
    bool contextBarrier = false;
    // generator runs (config.json key `generator`)
    std::array<double, 2> conditionMin {0, 0}, conditionMax {0, 0}; ///< z and ζ range of the training split
    double powerLossWeight = 0.1; ///< chosen: weight of the log-power-spectrum term of the loss
    /// Heteroscedastic decoder: a per-cell standard deviation of the neutral value, sampled when
    /// generating (runs before it: false, the mean value only).
    bool generatorNoise = true;
    /// Weight of the statistics of maps decoded from the prior (their sorted values and log power
    /// against the batch's maps at the same parameters); 0 in runs before it.
    double priorLossWeight = 1.0;
    /// Multiplier of the decoded standard deviation when generation draws the neutral value, in
    /// runs without generatorPoints: fitted at the end of training on the validation split by
    /// builds of the gen6 and gen7 stops (today's fit generatorPoints instead); 1 in runs before
    /// it. The likelihood's σ also holds the decoder mean's own error, so maps drawn from the prior
    /// at σ spread wider than the simulations (gen6 note).
    double generatorNoiseScale = 1.0;
    /// Its change per unit of normalised z and ζ (see conditionMean/Std; fitted with it, {0, 0}
    /// in runs before it): the multiplier at (z, ζ) is noiseScale + slope · (zNorm, ζNorm), in 0..2.
    std::array<double, 2> generatorNoiseSlope {0, 0};
    /// Generation draws each cell's ionized state from the decoded probability (the Bernoulli
    /// likelihood the decoder is trained with); runs before it: false, ionized where the
    /// probability exceeds 1/2. The threshold drops every cell the decoder is unsure of: small
    /// ionized regions vanish, and on today's simulations maps came out with 1.1-1.4x the
    /// simulated power (too much at k < 0.3 /Mpc, too little above; gen7 note).
    bool generatorSampleMask = true;
    /// How generation draws at each training point (z, ζ) of the dataset, fitted at the end of
    /// training (detail::calibrateGeneratorPoints); generation between points interpolates them
    /// (detail::pointWeights). Empty in runs before it: generation uses generatorNoiseScale/Slope.
    std::vector<GeneratorPointCalibration> generatorPoints;
    /// Every training point's neutral fractions (fitted with generatorPoints; empty in runs before
    /// it, which draw with the points' interpolated offsets and drawn quantiles).
    std::vector<GeneratorNeutralPoint> generatorNeutralPoints;
    /// Where the points were fitted when not on the run's own training split (`reionscope-cli
    /// calibrate RUN --dataset D`, calibrateGeneratorRun): D's path and map size, e.g. 200² maps
    /// of 300 Mpc boxes for a run trained on 64² maps of 96 Mpc ones. Empty: the run's own.
    std::string generatorCalibrationDataset;
    std::size_t generatorCalibrationRows = 0, generatorCalibrationCols = 0;
};

/// The one schema of config.json: every field of RunConfig, in one place (nlohmann ADL, so
/// `json j = config;` and `j.get<RunConfig>()` work). from_json throws nlohmann::json::exception
/// for missing or mistyped required keys and ParameterError for unknown model/task/target names;
/// keys added after format_version 1 default when absent.
void to_json(nlohmann::json& j, const RunConfig& c);
void from_json(const nlohmann::json& j, RunConfig& c);
/// The format_version config.json is written with: the oldest reader that reads this run as it is
/// meant (6 for a generator with per-point neutral fractions, 5 for one whose points sharpen the
/// ionized logit, 4 for one with per-point
/// calibration, 3 where a reader of 2 would misread a key it does not know, see
/// run_config_json.cpp; else 2). readRunConfig refuses versions above kRunFormatVersion, naming
/// the file.
int runFormatVersion(const RunConfig& c);
constexpr int kRunFormatVersion = 6;

/// config.json flattened to ("optimizer.lr", "0.001") pairs in document order, for comparing
/// runs: paths are normalised (absolute, `..` resolved), numbers printed with 8 digits, arrays as
/// "[a, b]". Nothing throws.
std::vector<std::pair<std::string, std::string>> flattenRunConfig(const RunConfig& config);

/// One line of history.jsonl. `type` is "batch", "epoch", "resume", "paused", "continued",
/// "stopped", "error", "early_stop" or "finished". Numbers that do not apply are NaN (absent from
/// the JSON).
///
/// Epochs are numbered from 1 everywhere (CLI, GUI, history, checkpoints): "epoch 3" is the third
/// pass over the training split, and after it "3 epochs done". A line's `epoch` is the epoch it
/// belongs to: the one completed (epoch), in progress (batch, paused, continued, stopped, error),
/// about to be trained (resume) or the last one trained (finished, early_stop). Lines carry
/// "v": 2; lines without it (written before format_version 2) counted from 0 and are converted
/// when read.
struct HistoryRecord {
    std::string type = "epoch";
    int epoch = 1; ///< the epoch the line belongs to, from 1
    std::size_t batch = 0; ///< batches done in that epoch
    std::size_t batches = 0; ///< batches per epoch
    std::int64_t step = 0; ///< optimizer steps since the run began
    static constexpr double none = std::numeric_limits<double>::quiet_NaN();
    double trainLoss = none, trainMetric = none, valLoss = none, valMetric = none; ///< NaN where not measured
    double lr = none, samplesPerSecond = none, wallSeconds = none;
    std::string message;
    /// Physics metrics of an epoch line's validation pass (physics_history.h): the `val_<name>`
    /// numbers other than the loss and the headline metric, by name (sorted); empty elsewhere.
    std::vector<std::pair<std::string, double>> physics;
};

/// The metric a task reports in history and progress: "accuracy", "r2", "relative_mse" or
/// "pixel_accuracy" (translate).
const char* metricName(Task t);

std::string runConfigPath(const std::string& runDir);
std::string historyPath(const std::string& runDir);
std::string metricsPath(const std::string& runDir);
std::string checkpointPath(const std::string& runDir); ///< checkpoints/last.pt
std::string bestCheckpointPath(const std::string& runDir); ///< checkpoints/best.pt
std::string finalModelPath(const std::string& runDir); ///< final.pt
std::string torchScriptPath(const std::string& runDir); ///< model.ts

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

/// Removes the history lines a resume from the checkpoint in epoch `epoch` (from 1, as history
/// lines count) after `batchInEpoch` batches trains
/// again: batch lines past that batch and epoch lines from that epoch on (a kill after they were
/// written but before the next checkpoint). Rewrites the file atomically; throws IoError.
void trimHistoryAfter(const std::string& runDir, int epoch, std::size_t batchInEpoch);
/// One history line (without its newline) as a record; nullopt when it is not a JSON object.
std::optional<HistoryRecord> parseHistoryLine(std::string_view line);

/// What readHistoryFrom found after an offset.
struct HistoryChunk {
    std::vector<HistoryRecord> records; ///< the complete lines after the offset (unparsable ones skipped)
    std::uint64_t nextOffset = 0; ///< the byte after the last complete line: where to read next
    bool restarted = false; ///< the file was shorter than the offset (rewritten): records start at 0
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

/// What a run is doing (see run_status.h): training now (running, paused) or not (stopped:
/// resumable; finished; failed: the loss diverged).
enum class RunStatus { Running, Paused, Stopped, Finished, Failed };

/// What a run folder holds, for listing.
struct RunSummary {
    std::string path;
    std::string name; ///< the display name (meta.json), else the folder's name
    RunConfig config;
    RunMeta meta; ///< name, notes, tags (empty when meta.json is absent or damaged)
    int epochsDone = 0; ///< complete epochs in the history
    bool finished = false; ///< final.pt exists
    RunStatus status = RunStatus::Stopped;
    std::optional<EvalMetrics> metrics;
    std::optional<HistoryRecord> lastEpoch; ///< the last epoch line (its validation results)
    std::optional<HistoryRecord> bestEpoch; ///< the epoch line of the lowest validation loss (final.pt's weights)
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
