#pragma once
// Helpers shared by reionscope-cli's subcommands: JSON forms of core types, error printing and
// the registry through which each cmd_*.cpp adds its subcommands.

#include "cube/cube.h"
#include "cube/cube_stats.h"
#include "io/cube_entry.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace rs::cli {

/// The exit code the chosen subcommand sets (0 unless it says otherwise).
int& exitCode();

/// Prints "error: <message>" on stderr (one line per failure).
void printError(const std::string& message);

nlohmann::json toJson(const ParamValue& v);
nlohmann::json toJson(const Parameters& p);
/// A finite number, or null for NaN/Inf (JSON has no NaN).
nlohmann::json number(double v);
nlohmann::json statsJson(const SummaryStats& s);
/// The `info` record of a loaded cube (path, format, quantity, shape, box, redshift, parameters,
/// stats, neutral_fraction).
nlohmann::json cubeJson(const Cube& cube, const SummaryStats& stats);

/// Human text block for a loaded cube (what `info` prints without --json).
std::string cubeText(const Cube& cube, const SummaryStats& stats);

/// A number printed with a printf spec, or "-" when it is not finite (tables, text output).
std::string fmt(double v, const char* spec = "%.4g");

/// Splits "7,8,9" into numbers; throws CLI::ValidationError naming `option` on bad input.
std::vector<double> parseNumberList(const std::string& text, const std::string& option);

/// The subcommand `name` of `app`, created with `description` when it does not exist yet (so
/// several cmd_*.cpp can add their own children to e.g. `bench`).
CLI::App* subcommandOf(CLI::App& app, const std::string& name, const std::string& description);

// Each cmd_*.cpp defines one of these; main.cpp calls them all.
void addInfoCommands(CLI::App& app);
void addDatasetCommands(CLI::App& app);   // cmd_dataset.cpp: dataset build, dataset info
void addTrainCommands(CLI::App& app);     // cmd_train.cpp: train
void addInspectCommands(CLI::App& app);   // cmd_inspect.cpp: evaluate, predict, runs, pca
void addBenchTrainCommand(CLI::App& app); // cmd_bench_train.cpp: bench train
void addSimulateCommands(CLI::App& app); // simulate, demo-data, stats
void addBenchCommands(CLI::App& app);    // bench sim
void addBenchIoCommand(CLI::App& app);   // bench io
void addSweepCommand(CLI::App& app);     // cmd_sweep.cpp: sweep

} // namespace rs::cli
