#include "stats/fourier_box.h"

#include "numerics/fft_grid.h"
#include "util/error.h"

#include <fftw3.h>

#include <cmath>

namespace rs {

void FftwFree::operator()(void* p) const
{
    fftwf_free(p);
}

double FourierBox::fundamental(int axis) const
{
    return 2.0 * std::numbers::pi / box[std::size_t(axis)];
}

FourierBox fourierTransform(const Cube& c)
{
    if (c.empty())
        throw ParameterError("cube", "empty cube has no Fourier transform");
    const Shape& s = c.shape();
    const std::size_t n = c.voxelCount();
    const std::size_t nzc = s[2] / 2 + 1;
    double sum = 0;
    const float* d = c.data();
    for (std::size_t i = 0; i < n; ++i) {
        if (!std::isfinite(d[i]))
            throw FormatError(c.metadata().sourcePath.empty() ? "cube" : c.metadata().sourcePath,
                "holds NaN or infinite voxels; no power spectrum");
        sum += d[i];
    }
    const float mean = float(sum / double(n));
    const Extent& b = c.boxLength();
    const float scale = float(b[0] * b[1] * b[2] / double(n));
    std::unique_ptr<float, FftwFree> in(static_cast<float*>(fftwf_malloc(sizeof(float) * n)));
    FourierBox out {s, b,
        std::unique_ptr<std::complex<float>[], FftwFree>(
            static_cast<std::complex<float>*>(fftwf_malloc(sizeof(std::complex<float>) * s[0] * s[1] * nzc)))};
    if (!in || !out.modes)
        throw Error("power spectrum: out of memory");
    for (std::size_t i = 0; i < n; ++i)
        in.get()[i] = (d[i] - mean) * scale;
    fftwf_plan plan;
    {
        auto lock = fft::lockPlanner();
        plan = fftwf_plan_dft_r2c_3d(int(s[0]), int(s[1]), int(s[2]), in.get(),
            reinterpret_cast<fftwf_complex*>(out.modes.get()), FFTW_ESTIMATE);
    }
    if (!plan)
        throw Error("power spectrum: FFTW cannot plan this shape");
    fftwf_execute(plan);
    {
        auto lock = fft::lockPlanner();
        fftwf_destroy_plan(plan);
    }
    return out;
}

} // namespace rs
