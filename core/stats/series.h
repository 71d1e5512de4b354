#pragma once
/// \file series.h
/// Global histories over a redshift series of one run: nf(z) (box mean of x_HI) and mean δT_b(z).

#include "cube/cube.h"

#include <vector>

namespace rs {

struct RedshiftSeries {
    std::vector<double> z; ///< increasing
    std::vector<double> nf; ///< box mean x_HI at z (NaN where the series has no x_HI cube)
    std::vector<double> meanTb; ///< box mean δT_b [mK] at z (NaN where no δT_b cube)
};

/// Box mean of a cube's finite voxels (NaN for none).
double boxMean(const Cube& cube);

/// nf(z) and mean δT_b(z) from x_HI and δT_b cubes with known redshifts (other cubes and cubes
/// without a redshift are ignored). Cubes of one z are averaged if there are several.
RedshiftSeries redshiftSeries(const std::vector<Cube>& cubes);

} // namespace rs
