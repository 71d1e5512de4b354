#pragma once
/// \file labels.h
/// What a machine-learning sample is labelled with, and the names of targets and tasks that
/// configs, checkpoints and the CLI share. No LibTorch here: the GUI includes this.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rs::ml {

/// The labels of one sample (one slice or patch). NaN where unknown.
struct SampleLabels {
    double z = 0; ///< redshift of the source cube
    double zeta = 0; ///< ionizing efficiency ζ
    double fesc = 0; ///< escape fraction f_esc
    double nfSlice = 0; ///< neutral fraction of this slice (NaN without an x_HI cube)
    double nfCube = 0; ///< neutral fraction of the whole source cube
    std::int32_t cube = 0; ///< index of the source cube in the dataset's cube table
    std::int8_t split = 0; ///< 0 train, 1 validation, 2 test
    std::int8_t axis = 0; ///< slicing axis (0, 1, 2)
    std::int32_t index = 0; ///< slice index along that axis
    std::int32_t tile = 0; ///< patch number inside the slice (0 for full slices)
};

enum class Split : std::int8_t { Train = 0, Validation = 1, Test = 2 };
/// "train", "val", "test".
const char* splitName(Split s);

/// What a model learns to predict.
enum class Target { None, Z, Zeta, Fesc, Nf, NfCube };
/// "none", "z", "zeta", "fesc", "nf", "nf_cube".
const char* targetName(Target t);
/// Inverse of targetName. Throws ParameterError("target", ...) for unknown names.
Target targetFromName(std::string_view name);
/// The label value of `t` in `l` (NaN for Target::None).
double labelValue(const SampleLabels& l, Target t);

enum class Task { Reconstruct, Classify, Regress, Translate, Generate };
/// "reconstruct", "classify", "regress", "translate" (a field from a field: unet), "generate"
/// (maps from z and ζ: generator).
const char* taskName(Task t);
/// Inverse of taskName. Throws ParameterError("task", ...).
Task taskFromName(std::string_view name);

} // namespace rs::ml
