#include "stats/cube_statistics.h"

#include "stats/fourier_box.h"

namespace rs {

FieldStatistics computeStatistics(const Cube& cube, const StatisticsOptions& o, const StopToken& stop)
{
    FieldStatistics s;
    {
        const FourierBox t = fourierTransform(cube);
        s.spectrum = powerSpectrum(t, o.bins);
        s.cylindrical = cylindricalPowerSpectrum(t, o.perpBins, o.parBins);
    }
    stop.throwIfStopped();
    s.pdf = pdf(cube, o.pdfBins);
    if (o.bubbles && cube.quantity() == Quantity::NeutralFraction) {
        s.meanFreePath = meanFreePath(cube, o.mfp, stop);
        s.regions = friendsOfFriends(cube, o.mfp.threshold);
    }
    return s;
}

} // namespace rs
