#include "stats/cross_power.h"

#include "stats/fourier_box.h"
#include "util/error.h"

#include <cmath>
#include <limits>

namespace rs {

CrossCorrelation crossCorrelation(const Cube& a, const Cube& b, int bins)
{
    if (a.empty() || b.empty())
        throw ParameterError("cube", "empty cube has no cross power");
    if (a.shape() != b.shape() || a.boxLength() != b.boxLength())
        throw ParameterError(b.metadata().sourcePath.empty() ? "cube" : b.metadata().sourcePath,
            "cross power needs two cubes of the same grid and box");
    const FourierBox ta = fourierTransform(a), tb = fourierTransform(b);
    const PowerSpectrum pa = powerSpectrum(ta, bins), pb = powerSpectrum(tb, bins);
    const PowerSpectrum ab = crossPowerSpectrum(ta, tb, bins);
    CrossCorrelation out {ab.k, ab.delta2, {}, ab.modes};
    // The three spectra share the grid, so their non-empty bins are the same.
    for (std::size_t i = 0; i < ab.k.size(); ++i) {
        const double d = pa.delta2[i] * pb.delta2[i];
        out.r.push_back(d > 0 ? ab.delta2[i] / std::sqrt(d) : std::numeric_limits<double>::quiet_NaN());
    }
    return out;
}

} // namespace rs
