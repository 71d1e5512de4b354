#include "cube/lightcone_compare.h"

#include "cube/comoving.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace rs {

namespace {

bool isLightcone(const Cube& c)
{
    return !c.empty() && c.metadata().kind == FieldKind::Lightcone && c.metadata().lightcone
        && c.metadata().lightcone->redshifts.size() == c.shape()[2];
}

std::string shapeText(const Shape& s)
{
    return std::to_string(s[0]) + " x " + std::to_string(s[1]) + " x " + std::to_string(s[2]);
}

bool close(double x, double y, double tolerance)
{
    return std::abs(x - y) <= tolerance * std::max({1.0, std::abs(x), std::abs(y)});
}

} // namespace

std::string lightconeGridMismatch(const Cube& a, const Cube& b)
{
    if (!isLightcone(a) || !isLightcone(b))
        return "only lightcones can be compared slice by slice (one of them is a coeval box or empty)";
    if (a.shape() != b.shape())
        return "shapes differ: " + shapeText(a.shape()) + " vs " + shapeText(b.shape());
    for (int axis = 0; axis < 3; ++axis)
        if (!close(a.boxLength()[axis], b.boxLength()[axis], 1e-6)) {
            std::ostringstream s;
            s << "box lengths differ along axis " << axis << ": " << a.boxLength()[axis] << " vs "
              << b.boxLength()[axis] << " Mpc";
            return s.str();
        }
    const auto& za = a.metadata().lightcone->redshifts;
    const auto& zb = b.metadata().lightcone->redshifts;
    for (std::size_t k = 0; k < za.size(); ++k)
        if (!close(za[k], zb[k], 1e-6)) {
            std::ostringstream s;
            s << "line-of-sight redshifts differ from slice " << k << " on: z = " << za[k] << " vs " << zb[k];
            return s.str();
        }
    return {};
}

Cube lightconeDifference(const Cube& a, const Cube& b)
{
    if (const std::string why = lightconeGridMismatch(a, b); !why.empty())
        throw ParameterError("lightcone difference", why);
    Cube out = Cube::uninitialized(a.shape(), a.boxLength(), a.metadata());
    const float* x = a.data();
    const float* y = b.data();
    float* d = out.mutableData();
    for (std::size_t i = 0; i < a.voxelCount(); ++i)
        d[i] = x[i] - y[i];
    return out;
}

std::vector<double> lineOfSightDistances(const Cube& lightcone)
{
    if (!isLightcone(lightcone))
        return {};
    const LightconeAxis& axis = *lightcone.metadata().lightcone;
    if (axis.distances.size() == axis.redshifts.size())
        return axis.distances;
    const ComovingDistance dc(backgroundFrom(lightcone.metadata().parameters));
    std::vector<double> d;
    d.reserve(axis.redshifts.size());
    for (double z : axis.redshifts)
        d.push_back(dc.distance(z));
    return d;
}

} // namespace rs
