#include "ml/dataset_health.h"

#include "cube/cube_stats.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

namespace rs::ml {

namespace fs = std::filesystem;

namespace {

std::string pct(double f)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f%%", 100.0 * f);
    return buf;
}

std::string num(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

const char* const kSplitNames[3] = {"train", "validation", "test"};

void splitWarnings(const DatasetInfo& info, std::vector<std::string>& out)
{
    std::set<std::string> groups[3];
    for (const DatasetCube& c : info.cubes)
        groups[int(c.split)].insert(c.group);
    const double total = double(groups[0].size() + groups[1].size() + groups[2].size());
    const double asked = info.splitFractions[0] + info.splitFractions[1] + info.splitFractions[2];
    if (asked > 0 && total > 0) {
        bool off = false;
        for (int s = 0; s < 3; ++s)
            off |= std::abs(double(groups[s].size()) / total - info.splitFractions[s] / asked) > 0.1;
        if (off)
            out.push_back("the split by simulation is " + std::to_string(groups[0].size()) + "/"
                + std::to_string(groups[1].size()) + "/" + std::to_string(groups[2].size()) + " simulations ("
                + pct(groups[0].size() / total) + "/" + pct(groups[1].size() / total) + "/"
                + pct(groups[2].size() / total) + "), not the requested " + num(info.splitFractions[0] / asked) + "/"
                + num(info.splitFractions[1] / asked) + "/" + num(info.splitFractions[2] / asked)
                + ": too few simulations to split finely");
    }
    for (int s = 0; s < 3; ++s)
        if (groups[s].size() < (s == 0 ? 3u : 2u))
            out.push_back(std::string("the ") + kSplitNames[s] + " split holds " + std::to_string(groups[s].size())
                + (groups[s].size() == 1 ? " simulation" : " simulations")
                + (s == 0 ? ": the model sees too few realizations to generalise; add seeds"
                          : ": its metrics describe that realization, not the model; add seeds"));
}

/// Which samples are constant (every pixel equal): read in chunks, at most `maxSamples`.
std::vector<std::int64_t> constantSamples(const DatasetFile& ds, std::size_t maxSamples, std::size_t& checked)
{
    std::vector<std::int64_t> all(ds.info().samples);
    for (std::size_t i = 0; i < all.size(); ++i)
        all[i] = std::int64_t(i);
    const std::vector<std::int64_t> idx = evenlySpacedSubset(all, maxSamples);
    checked = idx.size();
    const std::size_t px = ds.info().rows * ds.info().cols, chunk = 64;
    std::vector<float> buf(chunk * px);
    std::vector<std::int64_t> constant;
    for (std::size_t at = 0; at < idx.size(); at += chunk) {
        const std::size_t n = std::min(chunk, idx.size() - at);
        ds.readSamples(idx.data() + at, n, buf.data());
        for (std::size_t k = 0; k < n; ++k) {
            const float* x = buf.data() + k * px;
            const auto [lo, hi] = std::minmax_element(x, x + px);
            if (*lo == *hi)
                constant.push_back(idx[at + k]);
        }
    }
    return constant;
}

void classWarnings(const DatasetFile& ds, const std::vector<std::int64_t>& constant, std::size_t checked,
    std::vector<std::string>& out)
{
    const std::vector<SampleLabels>& labels = ds.labels();
    std::set<std::int64_t> isConstant(constant.begin(), constant.end());
    const double sampledFraction = labels.empty() ? 0 : double(checked) / double(labels.size());
    for (Target t : {Target::Z, Target::Zeta}) { // f_esc mirrors ζ (one is derived from the other)
        std::map<double, std::size_t> trainCount, blank, seen;
        for (std::size_t i = 0; i < labels.size(); ++i) {
            const double v = labelValue(labels[i], t);
            if (!std::isfinite(v))
                continue;
            if (labels[i].split == std::int8_t(Split::Train))
                ++trainCount[v];
            blank[v] += isConstant.count(std::int64_t(i));
            ++seen[v];
        }
        if (seen.size() < 2)
            continue;
        for (const auto& [v, n] : seen) {
            const double frac = blank[v] / std::max(1.0, double(n) * sampledFraction);
            if (frac > 0.5)
                out.push_back("class " + std::string(targetName(t)) + " = " + num(v) + ": " + pct(std::min(1.0, frac))
                    + " of its samples are constant (blank, e.g. fully ionized slices with nf = 0); a "
                      "classifier can recognise them without learning "
                    + targetName(t));
        }
        std::size_t lo = SIZE_MAX, hi = 0;
        for (const auto& [v, n] : trainCount) {
            lo = std::min(lo, n);
            hi = std::max(hi, n);
        }
        if (trainCount.size() >= 2 && hi > 3 * lo)
            out.push_back(std::string("classes of ") + targetName(t) + " are imbalanced in the training split ("
                + std::to_string(lo) + " to " + std::to_string(hi)
                + " samples per class); accuracy favours the largest class");
    }
}

bool outside(double v, double lo, double hi)
{
    const double tol = 1e-6 * std::max(1.0, std::abs(hi - lo));
    return std::isfinite(v) && std::isfinite(lo) && (v < lo - tol || v > hi + tol);
}

} // namespace

std::vector<std::string> datasetWarnings(const DatasetFile& ds, std::size_t maxSamples)
{
    std::vector<std::string> out;
    const DatasetInfo& info = ds.info();
    splitWarnings(info, out);
    std::size_t checked = 0;
    const std::vector<std::int64_t> constant = constantSamples(ds, maxSamples, checked);
    if (checked && constant.size() * 10 > checked)
        out.push_back(pct(double(constant.size()) / double(checked)) + " of the samples are constant (blank)");
    classWarnings(ds, constant, checked, out);
    return out;
}

std::vector<std::string> predictionWarnings(const DatasetFile& ds, const std::string& cubePath, const Cube& cube)
{
    std::vector<std::string> out;
    const DatasetInfo& info = ds.info();
    std::error_code ec;
    const fs::path mine = fs::weakly_canonical(fs::absolute(cubePath, ec), ec);
    const CubeMetadata& meta = cube.metadata();
    const auto seedIt = meta.parameters.find(param::seed);
    const std::string seedGroup = seedIt != meta.parameters.end() ? "seed=" + formatValue(seedIt->second) : "";
    double lo[3] = {INFINITY, INFINITY, INFINITY}, hi[3] = {-INFINITY, -INFINITY, -INFINITY};
    for (const DatasetCube& c : info.cubes) {
        if (c.split != Split::Train)
            continue;
        const std::string file = c.id.substr(0, c.id.find('#'));
        const fs::path theirs = fs::weakly_canonical(fs::absolute(file, ec), ec);
        if (!file.empty() && theirs == mine)
            out.push_back(cubePath + ": this cube is in the run's training split (" + c.id
                + "); its prediction is no test of the model");
        else if (!seedGroup.empty() && c.group == seedGroup)
            out.push_back(cubePath + ": its simulation (" + seedGroup + ") is in the run's training split (" + c.id
                + "); its prediction is no test of the model");
        const double v[3] = {c.z, c.zeta, c.fesc};
        for (int k = 0; k < 3; ++k)
            if (std::isfinite(v[k])) {
                lo[k] = std::min(lo[k], v[k]);
                hi[k] = std::max(hi[k], v[k]);
            }
    }
    if (out.size() > 1)
        out.resize(1); // one sentence is enough
    const double mineV[3] = {meta.redshift.value_or(NAN), numberOf(meta.parameters, param::zeta).value_or(NAN),
        numberOf(meta.parameters, param::fesc).value_or(NAN)};
    const char* names[3] = {"redshift", "zeta", "f_esc"};
    for (int k = 0; k < 3; ++k)
        if (outside(mineV[k], lo[k], hi[k]))
            out.push_back(cubePath + ": " + names[k] + " " + num(mineV[k]) + " lies outside the training range ["
                + num(lo[k]) + ", " + num(hi[k]) + "]");
    const SummaryStats s = summarize(cube);
    if (info.normStd > 0 && std::isfinite(s.mean)) {
        const double m = (s.mean - info.normMean) / info.normStd;
        const double r = s.std / info.normStd;
        if (std::abs(m) > 3 || r > 3 || (r < 1.0 / 3 && r >= 0))
            out.push_back(cubePath + ": its values (mean " + num(s.mean) + ", spread " + num(s.std)
                + ") lie far from the training data's (mean " + num(info.normMean) + ", spread " + num(info.normStd)
                + "); the prediction is an extrapolation");
    }
    return out;
}

std::vector<std::string> judgingWarnings(const DatasetInfo& trainedOn, const DatasetInfo& judged)
{
    std::vector<std::string> out;
    if (trainedOn.quantity != Quantity::BrightnessTemperature || judged.quantity != Quantity::BrightnessTemperature
        || trainedOn.parameters.empty() || judged.parameters.empty())
        return out;
    const bool trainedWith = numberOf(trainedOn.parameters, param::velocityAxis).has_value();
    const bool judgedWith = numberOf(judged.parameters, param::velocityAxis).has_value();
    if (trainedWith == judgedWith)
        return out;
    const std::string why = ": generated and simulated maps then differ by the convention, not only by the "
                            "generator (build the dataset with matching --velocities, or train on it)";
    if (trainedWith)
        out.push_back(judged.path + ": not all of its δT_b maps carry the line-of-sight velocity terms, while all "
            + "of the run's training maps (" + trainedOn.path + ") do" + why);
    else
        out.push_back(judged.path + ": its δT_b maps all carry the line-of-sight velocity terms (velocity_axis), "
            + "while not all of the run's training maps (" + trainedOn.path + ") do" + why);
    return out;
}

std::vector<std::string> judgingWarnings(const std::string& trainedOnPath, const std::string& judgedPath)
{
    std::error_code ec;
    if (judgedPath.empty() || fs::equivalent(trainedOnPath, judgedPath, ec))
        return {};
    try {
        return judgingWarnings(DatasetFile::open(trainedOnPath)->info(), DatasetFile::open(judgedPath)->info());
    } catch (const Error&) {
        return {};
    }
}

} // namespace rs::ml
