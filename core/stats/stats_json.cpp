#include "stats/stats_json.h"

#include <cmath>

namespace rs {

namespace {

nlohmann::json num(double v)
{
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

nlohmann::json nums(const std::vector<double>& v)
{
    nlohmann::json a = nlohmann::json::array();
    for (double x : v)
        a.push_back(num(x));
    return a;
}

std::vector<double> scaled(
    const std::vector<double>& v, double (SpectrumUnits::*f)(double) const, const SpectrumUnits& u)
{
    std::vector<double> out;
    out.reserve(v.size());
    for (double x : v)
        out.push_back((u.*f)(x));
    return out;
}

nlohmann::json cylindricalJson(const CylindricalPower& c, const SpectrumUnits& u)
{
    nlohmann::json rows = nlohmann::json::array(), modes = nlohmann::json::array();
    for (std::size_t i = 0; i < c.kPerp.size(); ++i) {
        nlohmann::json row = nlohmann::json::array(), m = nlohmann::json::array();
        for (std::size_t j = 0; j < c.kPar.size(); ++j) {
            row.push_back(num(u.power(c.at(i, j))));
            m.push_back(c.modes[i * c.kPar.size() + j]);
        }
        rows.push_back(row);
        modes.push_back(m);
    }
    return {{"k_perp", nums(scaled(c.kPerp, &SpectrumUnits::k, u))},
        {"k_par", nums(scaled(c.kPar, &SpectrumUnits::k, u))}, {"power", rows}, {"modes", modes},
        {"k_units", u.kName()}, {"power_units", u.perH ? "units^2 (Mpc/h)^3" : "units^2 Mpc^3"}};
}

nlohmann::json pdfJson(const Pdf& p)
{
    std::vector<double> centres;
    for (std::size_t i = 0; i < p.histogram.counts.size(); ++i)
        centres.push_back(p.histogram.centre(i));
    return {{"bins", nums(centres)}, {"edges", nums(p.histogram.edges)}, {"counts", p.histogram.counts},
        {"mean", num(p.moments.mean)}, {"variance", num(p.moments.variance)}, {"skewness", num(p.moments.skewness)},
        {"kurtosis", num(p.moments.kurtosis)}, {"count", p.moments.count}};
}

} // namespace

nlohmann::json spectrumJson(const PowerSpectrum& ps, const SpectrumUnits& u)
{
    return {{"k", nums(scaled(ps.k, &SpectrumUnits::k, u))}, {"delta2", nums(ps.delta2)}, {"modes", ps.modes},
        {"error", nums(ps.error())}, {"power", nums(scaled(ps.power, &SpectrumUnits::power, u))},
        {"k_units", u.kName()}};
}

nlohmann::json statisticsJson(const FieldStatistics& s, const SpectrumUnits& u)
{
    nlohmann::json j = {{"power_spectrum", spectrumJson(s.spectrum, u)},
        {"power_spectrum_2d", cylindricalJson(s.cylindrical, u)}, {"pdf", pdfJson(s.pdf)}};
    if (s.meanFreePath && s.regions) {
        const MeanFreePath& m = *s.meanFreePath;
        const FofRegions& f = *s.regions;
        j["bubble_sizes"] = {
            {"mfp",
                {{"r_mpc", nums(m.r)}, {"r_dp_dr", nums(m.rdPdR)}, {"mean_mpc", num(m.mean)}, {"rays", m.rays},
                    {"truncated", m.truncated}, {"shorter_than_first_bin", m.shortRays}}},
            {"fof",
                {{"volumes_mpc3", nums(f.volumes)}, {"largest_mpc3", num(f.largest)}, {"count", f.volumes.size()},
                    {"ionized_volume_mpc3", num(f.ionizedVolume)}, {"v_mpc3", nums(f.v)}, {"v_dp_dv", nums(f.vdPdV)}}}};
    }
    return j;
}

nlohmann::json crossJson(const CrossCorrelation& c, const SpectrumUnits& u)
{
    return {{"k", nums(scaled(c.k, &SpectrumUnits::k, u))}, {"power", nums(c.delta2)}, {"r", nums(c.r)},
        {"modes", c.modes}, {"k_units", u.kName()}};
}

nlohmann::json comparisonJson(const CubeComparison& c, const CompareOptions& o, const SpectrumUnits& u)
{
    nlohmann::json j = {{"quantity", std::string(quantityName(c.quantity))},
        {"redshift", c.redshift ? num(*c.redshift) : nlohmann::json(nullptr)}, {"mean_a", num(c.meanA)},
        {"mean_b", num(c.meanB)}, {"k", nums(scaled(c.k, &SpectrumUnits::k, u))}, {"k_units", u.kName()},
        {"delta2_a", nums(c.spectrumA.delta2)}, {"ratio", nums(c.ratio)}, {"median_ratio", num(c.medianRatio)},
        {"median_k_range_per_mpc", {o.kMin, o.kMax}}, {"ks_distance", num(c.ksDistance)}, {"same_grid", c.sameGrid},
        {"same_side_fraction", c.sameSideFraction ? num(*c.sameSideFraction) : nlohmann::json(nullptr)},
        {"cross_r", c.cross ? nums(c.cross->r) : nlohmann::json(nullptr)}};
    return j;
}

} // namespace rs
