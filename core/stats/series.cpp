#include "stats/series.h"

#include <cmath>
#include <limits>
#include <map>

namespace rs {

double boxMean(const Cube& cube)
{
    double sum = 0;
    std::size_t n = 0;
    const float* d = cube.data();
    for (std::size_t i = 0, count = cube.voxelCount(); i < count; ++i) {
        if (std::isfinite(d[i])) {
            sum += d[i];
            ++n;
        }
    }
    return n ? sum / double(n) : std::numeric_limits<double>::quiet_NaN();
}

RedshiftSeries redshiftSeries(const std::vector<Cube>& cubes)
{
    struct Acc {
        double nf = 0, tb = 0;
        int nNf = 0, nTb = 0;
    };
    std::map<double, Acc> byZ;
    for (const Cube& c : cubes) {
        if (!c.redshift() || c.empty())
            continue;
        const double z = std::round(*c.redshift() * 1e4) / 1e4;
        if (c.quantity() == Quantity::NeutralFraction) {
            byZ[z].nf += boxMean(c);
            ++byZ[z].nNf;
        } else if (c.quantity() == Quantity::BrightnessTemperature) {
            byZ[z].tb += boxMean(c);
            ++byZ[z].nTb;
        }
    }
    RedshiftSeries s;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (const auto& [z, a] : byZ) {
        s.z.push_back(z);
        s.nf.push_back(a.nNf ? a.nf / a.nNf : nan);
        s.meanTb.push_back(a.nTb ? a.tb / a.nTb : nan);
    }
    return s;
}

} // namespace rs
