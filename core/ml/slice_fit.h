#pragma once
/// \file slice_fit.h
/// Cuts a cube into the model's input samples: slices along an axis, resampled to the training
/// cell size when it differs, then centre-cropped (or resampled) to the model's input size. The
/// returned note says what was done, so outputs can state it. No LibTorch here.

#include "cube/cube.h"

#include <string>
#include <vector>

namespace rs::ml {

struct FittedSlices {
    std::vector<float> data; ///< count * rows * cols raw values
    std::size_t count = 0;
    std::size_t rows = 0, cols = 0;
    std::vector<int> axis; ///< per sample
    std::vector<std::size_t> index; ///< per sample: slice index along axis
    std::string note; ///< e.g. "200x200 slices centre-cropped to 64x64"
};

/// Slices of `cube` along `axes` (0..2) every `stride`, fitted to rows × cols. `cellSizeMpc`
/// is the training cell size (NaN or 0: do not rescale). Throws ParameterError for a bad axis or
/// stride, FormatError naming the cube when it holds NaNs.
FittedSlices fitSlices(const Cube& cube, const std::vector<int>& axes, std::size_t stride, std::size_t rows,
    std::size_t cols, double cellSizeMpc);

/// Bilinear resampling of a rows × cols image to outRows × outCols (pixel centres aligned).
std::vector<float> resampleBilinear(
    const float* in, std::size_t rows, std::size_t cols, std::size_t outRows, std::size_t outCols);

} // namespace rs::ml
