#pragma once
/// \file physics_history.h
/// "Physics loss curves": the physics metrics of each epoch's validation pass, carried by the
/// epoch lines of history.jsonl beside the loss and the headline metric, as `val_<name>` keys
/// (e.g. val_nf_error, val_power_ratio_median, val_r_k_0.3). Generic over tasks: whatever
/// physicsMetrics finds in an evaluation is written; readers take every `val_` key that is not
/// the loss or a headline metric (HistoryRecord::physics). No LibTorch here.

#include "ml/metrics.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rs::ml {

using NamedValues = std::vector<std::pair<std::string, double>>;

/// The physics metrics of an evaluation, in a fixed order: translate runs iou_ionized, nf_error,
/// power_ratio_median, r_k_0.1, r_k_0.3, r_k_1; generate runs power_ratio_median, pdf_ks,
/// nf_error, diversity once their evaluation compared groups; nothing otherwise. Non-finite
/// values are left out.
NamedValues physicsMetrics(const EvalMetrics& m);

/// `line` (one history line as historyLine writes it, a JSON object and a newline) with
/// `val_<name>` keys added. Returns `line` unchanged when `values` is empty. Throws FormatError
/// for a line that is not a JSON object.
std::string withPhysics(const std::string& line, const NamedValues& values);

/// The `val_<name>` physics entries of a history line, by name (sorted); empty for lines without
/// them or that do not parse.
NamedValues physicsOfLine(std::string_view line);

/// One epoch's physics metrics read back from history.jsonl.
struct PhysicsEpoch {
    int epoch = 0; ///< from 1
    std::int64_t step = 0; ///< optimizer steps at the end of the epoch
    NamedValues values;
};

/// The epoch lines of a run's history.jsonl that carry physics metrics, in file order. Empty for
/// a run without history. Throws IoError when the file exists but cannot be read.
std::vector<PhysicsEpoch> readPhysicsHistory(const std::string& runDir);

} // namespace rs::ml
