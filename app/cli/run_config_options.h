#pragma once
// The options of a run's chosen settings (RunConfig), bound to the struct's own fields, for every
// subcommand that starts runs (train, sweep). A new RunConfig field gets its option here.

#include "ml/run_folder.h"

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

namespace rs::cli {

/// What addRunConfigOptions needs again after parsing.
struct RunConfigOptions {
    CLI::Option* task = nullptr;
    CLI::Option* dataset = nullptr;
    CLI::Option* model = nullptr;
    std::string configFile; ///< --config: settings read first, options given beside it override them
};

/// Adds --config, --dataset, --model, --encoder, --target, --task, the optimizer, schedule,
/// early-stopping and loop options to `cmd`, writing straight into `config` while parsing (names
/// are checked there: ParameterError for an unknown model, target, task). The training seed's
/// option is `seedOption` (sweep keeps --seed for its own sampling).
std::shared_ptr<RunConfigOptions> addRunConfigOptions(
    CLI::App& cmd, ml::RunConfig& config, const std::string& seedOption = "--seed");

/// After parsing: the autoencoder learns no target, an unset task follows the model and target.
/// Throws ParameterError when neither --config nor --dataset and --model were given.
void finishRunConfig(const RunConfigOptions& options, ml::RunConfig& config);

} // namespace rs::cli
