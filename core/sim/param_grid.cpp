#include "sim/param_grid.h"

#include "util/error.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <sstream>

namespace rs {

namespace {

std::string shortNumber(double v)
{
    return formatValue(ParamValue(v));
}

template<typename T> void requireDistinct(const std::vector<T>& values, const std::string& name)
{
    std::set<T> seen;
    for (const T& v : values)
        if (!seen.insert(v).second)
            throw ParameterError(
                name, "the value " + shortNumber(double(v)) + " is listed twice (each grid point must be done once)");
}

std::uint64_t parseSeed(const std::string& s, const std::string& text)
{
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 18)
        throw ParameterError("seeds", "'" + text + "' is not a seed list (e.g. 1-3 or 1,4,9)");
    return std::strtoull(s.c_str(), nullptr, 10);
}

} // namespace

std::vector<std::uint64_t> parseSeedList(const std::string& text)
{
    std::vector<std::uint64_t> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const std::size_t dash = item.find('-');
        if (dash == std::string::npos) {
            out.push_back(parseSeed(item, text));
            continue;
        }
        const std::uint64_t a = parseSeed(item.substr(0, dash), text), b = parseSeed(item.substr(dash + 1), text);
        if (b < a)
            throw ParameterError("seeds", "'" + item + "' is a descending range");
        if (b - a > 1000000)
            throw ParameterError("seeds", "'" + item + "' names more than a million seeds");
        for (std::uint64_t s = a; s <= b; ++s)
            out.push_back(s);
    }
    if (out.empty())
        throw ParameterError("seeds", "needs at least one seed");
    requireDistinct(out, "seeds");
    return out;
}

std::vector<SweepPoint> expandSweep(const SimulationSweep& s)
{
    if (s.seeds.empty())
        throw ParameterError("seeds", "needs at least one seed");
    if (s.zetas.empty() == s.fescs.empty())
        throw ParameterError("zeta", "give --zeta or --fesc (one list or value, not both)");
    if (!s.tvirs.empty() && !s.mmins.empty())
        throw ParameterError("tvir", "give --tvir or --mmin, not both");
    requireDistinct(s.seeds, "seeds");
    requireDistinct(s.zetas, "zeta");
    requireDistinct(s.fescs, "fesc");
    requireDistinct(s.tvirs, "tvir");
    requireDistinct(s.mmins, "mmin");
    requireDistinct(s.rmaxs, "rmax");

    const bool byZeta = !s.zetas.empty();
    const std::vector<double>& sources = byZeta ? s.zetas : s.fescs;
    const bool byTvir = !s.tvirs.empty();
    const std::vector<double> masses = byTvir ? s.tvirs
        : !s.mmins.empty()                    ? s.mmins
                                              : std::vector<double> {s.base.mMin};
    const std::vector<double> rmaxs = s.rmaxs.empty() ? std::vector<double> {s.base.rMax} : s.rmaxs;

    std::vector<SweepPoint> points;
    for (std::uint64_t seed : s.seeds)
        for (double src : sources)
            for (double mass : masses)
                for (double rmax : rmaxs) {
                    SweepPoint pt;
                    pt.index = points.size();
                    pt.params = s.base;
                    pt.params.seed = seed;
                    pt.params.zeta = byZeta ? std::optional<double>(src) : std::nullopt;
                    pt.params.fesc = byZeta ? std::nullopt : std::optional<double>(src);
                    if (byTvir)
                        pt.params.tVir = mass;
                    else
                        pt.params.mMin = mass;
                    pt.params.rMax = rmax;
                    pt.label = (byZeta ? "zeta" : "fesc") + shortNumber(src);
                    if (masses.size() > 1)
                        pt.label += (byTvir ? "_tvir" : "_mmin") + shortNumber(mass);
                    if (rmaxs.size() > 1)
                        pt.label += "_rmax" + shortNumber(rmax);
                    pt.label += "_seed" + std::to_string(seed);
                    pt.params.validate();
                    points.push_back(std::move(pt));
                }
    return points;
}

} // namespace rs
