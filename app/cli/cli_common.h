#pragma once
// Helpers shared by reionscope-cli's subcommands: JSON forms of core types, error printing and
// the registry through which each cmd_*.cpp adds its subcommands.

#include "cube/cube.h"
#include "cube/cube_stats.h"
#include "io/cube_entry.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>

namespace rs::cli {

/// Exit codes (README "Exit codes"): 0 all good, 1 some input failed, 2 bad usage (options).
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

/// The exit code the chosen subcommand sets (0 unless it says otherwise).
int& exitCode();

/// A JSON document as text; invalid UTF-8 (in a file name or attribute) becomes U+FFFD instead
/// of an exception, so --json output always appears.
std::string dumpJson(const nlohmann::json& j, int indent = 2);

/// The most threads a --threads option accepts: 4 per core, at least 16 (more only thrashes).
int maxThreads();

/// Throws CLI::ValidationError naming `option` unless lo <= value <= hi.
void requireRange(const std::string& option, double value, double lo, double hi);

/// Bad usage before any work: `out` must not be a folder, nor the same file as any of `inputs`,
/// and its folder must exist. Throws CLI::ValidationError naming `option`.
void requireOutputFile(const std::string& option, const std::string& out, const std::vector<std::string>& inputs = {});

/// Prints "error: <message>" on stderr (one line per failure).
void printError(const std::string& message);

nlohmann::json toJson(const ParamValue& v);
nlohmann::json toJson(const Parameters& p);
/// A finite number, or null for NaN/Inf (JSON has no NaN).
nlohmann::json number(double v);
nlohmann::json statsJson(const SummaryStats& s);
/// Adds a lightcone's keys: redshift_range, frequency_range_mhz, comoving_distance_range_mpc,
/// line_of_sight_axis, node_redshifts, global_quantities.
void addLightconeJson(nlohmann::json& j, const LightconeAxis& axis);
/// The `info` record of a loaded cube (path, format, quantity, shape, box, redshift, kind,
/// lightcone keys, parameters, stats, neutral_fraction).
nlohmann::json cubeJson(const Cube& cube, const SummaryStats& stats);

/// Human text block for a loaded cube (what `info` prints without --json).
std::string cubeText(const Cube& cube, const SummaryStats& stats);

/// The primary cube entries named by `paths`: folders scanned (the cubes of their runs), files
/// probed. Each problem prints one error line naming the path and counts in `failures`: a damaged
/// file, a folder without cubes, a file holding no field to analyse (saying what it holds).
std::vector<CubeEntry> collectCubeEntries(const std::vector<std::string>& paths, int& failures);

/// Builds the `q` lightcone of the one run the inputs (files, folders) hold, over [zMin, zMax]
/// (default: all its snapshots), and writes it to `out` as ReionScope HDF5 (cmd_lightcone.cpp).
/// Unreadable inputs are printed and counted in `failures`. Throws Error.
Cube lightconeFromInputs(const std::vector<std::string>& inputs, Quantity q, std::optional<double> zMin,
    std::optional<double> zMax, const std::string& out, int& failures, std::size_t& snapshotCount);
/// "wrote brightness_temperature lightcone N x N x M (z .. , MHz ..) from K snapshots to OUT".
std::string lightconeSummary(const Cube& cube, std::size_t snapshots, const std::string& out);

/// A number printed with a printf spec, or "-" when it is not finite (tables, text output).
std::string fmt(double v, const char* spec = "%.4g");

/// Splits "7,8,9" into numbers; throws CLI::ValidationError naming `option` on bad input.
std::vector<double> parseNumberList(const std::string& text, const std::string& option);

/// The subcommand `name` of `app`, created with `description` when it does not exist yet (so
/// several cmd_*.cpp can add their own children to e.g. `bench`).
CLI::App* subcommandOf(CLI::App& app, const std::string& name, const std::string& description);

// Each cmd_*.cpp defines one of these; main.cpp calls them all.
void addInfoCommands(CLI::App& app);
void addLightconeCommand(CLI::App& app); // cmd_lightcone.cpp: lightcone, bench lightcone
void addDatasetCommands(CLI::App& app); // cmd_dataset.cpp: dataset build, dataset info
void addTrainCommands(CLI::App& app); // cmd_train.cpp: train
void addInspectCommands(CLI::App& app); // cmd_inspect.cpp: evaluate, predict, runs, pca
void addBenchTrainCommand(CLI::App& app); // cmd_bench_train.cpp: bench train
void addSimulateCommands(CLI::App& app); // simulate, demo-data
void addBenchCommands(CLI::App& app); // bench sim
void addIonizeCommand(CLI::App& app); // ionize (cmd_ionize.cpp)
void addBenchIoCommand(CLI::App& app); // bench io
void addStatsCommands(CLI::App& app); // stats (cmd_stats.cpp)
void addCompareCommand(CLI::App& app); // compare (cmd_compare.cpp)
void addObserveCommand(CLI::App& app); // observe (cmd_observe.cpp)
void addBenchStatsCommand(CLI::App& app); // bench stats (cmd_bench_stats.cpp)
void addBenchDistCommand(CLI::App& app); // bench dist (cmd_bench_dist.cpp)
void addTranslateCommands(CLI::App& app); // cmd_translate.cpp: translate, bench translate
void addSweepCommand(CLI::App& app); // cmd_sweep.cpp: sweep
void addFigureCommand(CLI::App& app); // cmd_figure.cpp: figure (built where Qt Gui is found)

} // namespace rs::cli
