#pragma once
// The JSON of `runs --json`: one object per run, the same keys in every release (path, model,
// task, target, epochs_done, epochs, finished, metrics), plus status, best_epoch, best, last, name,
// notes, tags and, for sweep members, sweep.

#include "ml/run_folder.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace rs::cli {

/// A history record as history.jsonl writes it (epoch from 1, val_<metric>, ...), without "v".
nlohmann::json historyRecordJson(const ml::HistoryRecord& record, ml::Task task);

/// One run of `runs --json`.
nlohmann::json runSummaryJson(const ml::RunSummary& run);

/// One line of `runs` text: path, model, task, target, status, epochs, best and last validation.
std::string runSummaryText(const ml::RunSummary& run);

/// `runs rename|note|tag|delete|restore` under the `runs` command (cmd_runs_manage.cpp).
void addRunsManageCommands(CLI::App& runs);

} // namespace rs::cli
