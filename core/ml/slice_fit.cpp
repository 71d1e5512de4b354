#include "ml/slice_fit.h"

#include "cube/cube_stats.h"
#include "util/error.h"
#include "util/size_limits.h"

#include <algorithm>
#include <cmath>

namespace rs::ml {

namespace {
/// Largest slice side fitSlices resamples to (a 16384^2 float image is 1 GiB).
constexpr double kMaxResampledSide = 16384;
} // namespace

std::vector<float> resampleBilinear(
    const float* in, std::size_t rows, std::size_t cols, std::size_t outRows, std::size_t outCols)
{
    if (rows == 0 || cols == 0 || outRows == 0 || outCols == 0)
        throw ParameterError("resample", "an image side is zero");
    if (!checkedProduct({outRows, outCols, sizeof(float)}))
        throw ParameterError("resample", "the output image size overflows");
    std::vector<float> out(outRows * outCols);
    const double sr = double(rows) / double(outRows), sc = double(cols) / double(outCols);
    for (std::size_t r = 0; r < outRows; ++r) {
        const double y = std::clamp((double(r) + 0.5) * sr - 0.5, 0.0, double(rows - 1));
        const std::size_t y0 = std::size_t(y), y1 = std::min(y0 + 1, rows - 1);
        const double fy = y - double(y0);
        for (std::size_t c = 0; c < outCols; ++c) {
            const double x = std::clamp((double(c) + 0.5) * sc - 0.5, 0.0, double(cols - 1));
            const std::size_t x0 = std::size_t(x), x1 = std::min(x0 + 1, cols - 1);
            const double fx = x - double(x0);
            const double top = in[y0 * cols + x0] * (1 - fx) + in[y0 * cols + x1] * fx;
            const double bottom = in[y1 * cols + x0] * (1 - fx) + in[y1 * cols + x1] * fx;
            out[r * outCols + c] = float(top * (1 - fy) + bottom * fy);
        }
    }
    return out;
}

FittedSlices fitSlices(const Cube& cube, const std::vector<int>& axes, std::size_t stride, std::size_t rows,
    std::size_t cols, double cellSizeMpc)
{
    if (stride < 1)
        throw ParameterError("stride", "must be at least 1");
    if (rows == 0 || cols == 0)
        throw ParameterError("input size", "the model's input size is empty");
    const SummaryStats st = summarize(cube);
    const std::string name = cube.metadata().sourcePath.empty() ? std::string("cube") : cube.metadata().sourcePath;
    if (st.nonfinite)
        throw FormatError(name, std::to_string(st.nonfinite) + " non-finite voxels (NaN/Inf); cannot predict");
    FittedSlices out;
    out.rows = rows;
    out.cols = cols;
    std::string note;
    for (int axis : axes) {
        if (axis < 0 || axis > 2)
            throw ParameterError("axis", "must be 0, 1 or 2");
        const auto [r, c] = sliceShape(cube.shape(), axis);
        const int rowAxis = axis == 0 ? 1 : 0, colAxis = axis == 2 ? 1 : 2;
        // 1. Match the training cell size.
        std::size_t r1 = r, c1 = c;
        const double cr = cube.cellSize(rowAxis), cc = cube.cellSize(colAxis);
        bool rescale = false;
        if (cellSizeMpc > 0 && std::isfinite(cellSizeMpc)
            && (std::abs(cr / cellSizeMpc - 1) > 0.01 || std::abs(cc / cellSizeMpc - 1) > 0.01)) {
            // In doubles first: a damaged box length (1e308) must not wrap a size around.
            const double rr = std::round(double(r) * cr / cellSizeMpc), rc = std::round(double(c) * cc / cellSizeMpc);
            if (!(rr <= kMaxResampledSide && rc <= kMaxResampledSide))
                throw FormatError(name,
                    "its cells (" + formatValue(cr) + " Mpc) are so much larger than the model's ("
                        + formatValue(cellSizeMpc) + " Mpc) that matching them needs a " + formatValue(rr) + " x "
                        + formatValue(rc) + " pixel slice; is the box length right?");
            r1 = std::max<std::size_t>(1, std::size_t(rr));
            c1 = std::max<std::size_t>(1, std::size_t(rc));
            rescale = true;
        }
        // 2. Crop the centre, or stretch what is too small.
        const bool crop = r1 >= rows && c1 >= cols;
        char buf[256];
        if (rescale && crop)
            std::snprintf(buf, sizeof buf,
                "%zux%zu slices (%.4g Mpc cells) resampled to %zux%zu (the model's %.4g Mpc cells), centre-cropped to "
                "%zux%zu",
                r, c, cr, r1, c1, cellSizeMpc, rows, cols);
        else if (crop && (r1 != rows || c1 != cols))
            std::snprintf(buf, sizeof buf, "%zux%zu slices centre-cropped to %zux%zu", r, c, rows, cols);
        else if (crop)
            std::snprintf(buf, sizeof buf, "%zux%zu slices used as they are", r, c);
        else
            std::snprintf(buf, sizeof buf,
                "%zux%zu slices resampled to %zux%zu (smaller than the model's input; physical scale changes)", r, c,
                rows, cols);
        if (note.find(buf) == std::string::npos)
            note += (note.empty() ? "" : "; ") + std::string(buf);
        std::vector<float> slice(r * c);
        for (std::size_t idx = 0; idx < cube.shape()[axis]; idx += stride) {
            cube.slice(axis, idx).copyTo(slice.data());
            std::vector<float> img = rescale ? resampleBilinear(slice.data(), r, c, r1, c1) : slice;
            if (crop) {
                const std::size_t r0 = (r1 - rows) / 2, c0 = (c1 - cols) / 2;
                for (std::size_t i = 0; i < rows; ++i)
                    out.data.insert(out.data.end(), img.begin() + std::ptrdiff_t((r0 + i) * c1 + c0),
                        img.begin() + std::ptrdiff_t((r0 + i) * c1 + c0 + cols));
            } else {
                const std::vector<float> fit = resampleBilinear(img.data(), r1, c1, rows, cols);
                out.data.insert(out.data.end(), fit.begin(), fit.end());
            }
            out.axis.push_back(axis);
            out.index.push_back(idx);
            ++out.count;
        }
    }
    out.note = note;
    return out;
}

} // namespace rs::ml
