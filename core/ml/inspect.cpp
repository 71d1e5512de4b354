#include "ml/inspect.h"

#include "ml/pca.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace rs::ml {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kChunk = 64; // samples per predictor call: bounded memory, regular stop checks

void checkSize(const Predictor& p, const DatasetFile& ds)
{
    const RunConfig& c = p.config();
    if (ds.info().rows != c.rows || ds.info().cols != c.cols)
        throw ParameterError("dataset",
            ds.info().path + ": samples are " + std::to_string(ds.info().rows) + "x" + std::to_string(ds.info().cols)
                + " but the run's model takes " + std::to_string(c.rows) + "x" + std::to_string(c.cols));
}

} // namespace

SampleStack readSplitSamples(const DatasetFile& ds, Split split, std::size_t maxSamples)
{
    SampleStack s;
    s.indices = evenlySpacedSubset(ds.indices(split), maxSamples);
    s.rows = ds.info().rows;
    s.cols = ds.info().cols;
    s.values.resize(s.count() * s.rows * s.cols);
    if (s.count())
        ds.readSamples(s.indices.data(), s.count(), s.values.data());
    return s;
}

SplitPredictions predictSplit(
    const Predictor& predictor, const DatasetFile& ds, Split split, std::size_t maxSamples, const StopToken& stop)
{
    const RunConfig& c = predictor.config();
    if (c.task == Task::Reconstruct)
        throw ParameterError("run", "an autoencoder run reconstructs; it predicts no label");
    checkSize(predictor, ds);
    const SampleStack stack = readSplitSamples(ds, split, maxSamples);
    SplitPredictions out;
    out.indices = stack.indices;
    out.metrics.model = modelName(c.model);
    out.metrics.task = c.task;
    out.metrics.target = c.target;
    out.metrics.split = splitName(split);
    out.metrics.classes = c.classes;
    out.metrics.samples = stack.count();
    out.metrics.loss = kNaN; // not recomputed here: metrics.json and evaluateRun have it
    const std::size_t pixels = stack.rows * stack.cols, k = c.classes.size();
    std::vector<int> truthK, predK;
    for (std::size_t begin = 0; begin < stack.count(); begin += kChunk) {
        stop.throwIfStopped();
        const std::size_t n = std::min(kChunk, stack.count() - begin);
        const std::vector<float> y = predictor.predict(stack.values.data() + begin * pixels, n);
        for (std::size_t i = 0; i < n; ++i) {
            const double truth = labelValue(ds.labels()[std::size_t(stack.indices[begin + i])], c.target);
            if (!std::isfinite(truth))
                throw ParameterError(
                    "dataset", ds.info().path + ": a sample has no '" + targetName(c.target) + "' label");
            out.truth.push_back(truth);
            if (c.task == Task::Classify) {
                const float* p = y.data() + i * k;
                const std::size_t best = std::size_t(std::max_element(p, p + k) - p);
                out.probabilities.insert(out.probabilities.end(), p, p + k);
                out.predicted.push_back(c.classes[best]);
                const int t = classIndex(c.classes, truth);
                if (t < 0)
                    throw ParameterError("dataset",
                        ds.info().path + ": label " + targetName(c.target) + " = " + formatValue(truth)
                            + " is not one of the run's classes");
                truthK.push_back(t);
                predK.push_back(int(best));
            } else {
                out.predicted.push_back(y[i]);
            }
        }
    }
    if (c.task == Task::Classify)
        fillClassification(out.metrics, truthK, predK, k);
    else if (!out.truth.empty())
        fillRegression(out.metrics, out.truth, out.predicted);
    return out;
}

Reconstructions reconstruct(const Predictor& predictor, std::vector<float> input, std::size_t count, double cellMpc,
    const ProgressFn& progress, const StopToken& stop)
{
    const RunConfig& c = predictor.config();
    if (c.task != Task::Reconstruct)
        throw ParameterError("run", std::string("a '") + modelName(c.model) + "' run does not reconstruct its input");
    const std::size_t pixels = c.rows * c.cols;
    if (count == 0 || input.size() != count * pixels)
        throw ParameterError("input",
            "needs " + std::to_string(count) + " samples of " + std::to_string(c.rows) + "x" + std::to_string(c.cols)
                + " values");
    for (float v : input)
        if (!std::isfinite(v))
            throw FormatError("input", "holds NaN or infinite values; nothing to reconstruct");
    Reconstructions r;
    r.count = count;
    r.rows = c.rows;
    r.cols = c.cols;
    r.cellMpc = cellMpc > 0 ? cellMpc : 1.0;
    r.input = std::move(input);
    r.output.reserve(r.input.size());
    for (std::size_t begin = 0; begin < count; begin += kChunk) {
        stop.throwIfStopped();
        const std::size_t n = std::min(kChunk, count - begin);
        const std::vector<float> y = predictor.predict(r.input.data() + begin * pixels, n);
        r.output.insert(r.output.end(), y.begin(), y.end());
        if (progress)
            progress(0.7 * double(begin + n) / double(count), "reconstructing");
    }
    r.residual.resize(r.input.size());
    for (std::size_t i = 0; i < r.input.size(); ++i)
        r.residual[i] = r.input[i] - r.output[i];
    r.mse.resize(count);
    for (std::size_t s = 0; s < count; ++s) {
        double sum = 0;
        for (std::size_t i = s * pixels; i < (s + 1) * pixels; ++i)
            sum += double(r.residual[i]) * double(r.residual[i]);
        r.mse[s] = sum / double(pixels);
    }
    const SummaryStats in = summarize(r.input.data(), r.input.size());
    const SummaryStats out = summarize(r.output.data(), r.output.size());
    r.valueRange = in;
    r.valueRange.min = std::min(in.min, out.min);
    r.valueRange.max = std::max(in.max, out.max);
    r.residualRange = summarize(r.residual.data(), r.residual.size());
    for (std::size_t s = 0; s < count; ++s) {
        if (s % 16 == 0) {
            stop.throwIfStopped();
            if (progress)
                progress(0.7 + 0.3 * double(s) / double(count), "power spectra");
        }
        r.inputSpectra.push_back(powerSpectrum2d(r.input.data() + s * pixels, r.rows, r.cols, r.cellMpc, r.cellMpc));
        r.outputSpectra.push_back(powerSpectrum2d(r.output.data() + s * pixels, r.rows, r.cols, r.cellMpc, r.cellMpc));
    }
    if (progress)
        progress(1.0, "done");
    return r;
}

std::vector<std::size_t> worstSamples(const std::vector<double>& errors, std::size_t n)
{
    std::vector<std::size_t> order(errors.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    n = std::min(n, order.size());
    std::partial_sort(order.begin(), order.begin() + std::ptrdiff_t(n), order.end(), [&](std::size_t a, std::size_t b) {
        const double ea = std::isnan(errors[a]) ? -INFINITY : errors[a],
                     eb = std::isnan(errors[b]) ? -INFINITY : errors[b];
        return ea > eb || (ea == eb && a < b);
    });
    order.resize(n);
    return order;
}

Projection2d projectSplit(const Predictor* predictor, const DatasetFile& ds, Split split, Target colourBy,
    std::size_t maxSamples, const ProgressFn& progress, const StopToken& stop)
{
    if (predictor)
        checkSize(*predictor, ds);
    if (progress)
        progress(0.0, "reading samples");
    SampleStack stack = readSplitSamples(ds, split, maxSamples);
    if (stack.count() < 3)
        throw ParameterError("samples",
            ds.info().path + ": the " + splitName(split) + " split has " + std::to_string(stack.count())
                + " samples; a projection needs at least 3");
    stop.throwIfStopped();
    Projection2d p;
    p.indices = stack.indices;
    std::vector<float> features;
    std::size_t dim = 0;
    if (predictor) {
        const ModelKind m = predictor->config().model;
        p.space = m == ModelKind::Autoencoder || m == ModelKind::CodesCnn ? "autoencoder codes" : "learnt features";
        dim = predictor->featureSize();
        const std::size_t pixels = stack.rows * stack.cols;
        for (std::size_t begin = 0; begin < stack.count(); begin += kChunk) {
            stop.throwIfStopped();
            const std::size_t n = std::min(kChunk, stack.count() - begin);
            const std::vector<float> f = predictor->features(stack.values.data() + begin * pixels, n);
            features.insert(features.end(), f.begin(), f.end());
            if (progress)
                progress(0.6 * double(begin + n) / double(stack.count()), "computing features");
        }
    } else {
        p.space = "pixels";
        dim = stack.rows * stack.cols;
        const float mean = float(ds.info().normMean), inv = float(1.0 / ds.info().normStd);
        for (float& v : stack.values)
            v = (v - mean) * inv;
        features = std::move(stack.values);
    }
    stop.throwIfStopped();
    if (progress)
        progress(0.7, "principal components");
    const PcaModel model = fitPca(features.data(), p.indices.size(), dim, 2);
    const std::vector<double> xy = projectPca(model, features.data(), p.indices.size());
    for (std::size_t i = 0; i < p.indices.size(); ++i) {
        p.x.push_back(xy[i * model.components]);
        p.y.push_back(model.components > 1 ? xy[i * model.components + 1] : 0.0);
        p.label.push_back(labelValue(ds.labels()[std::size_t(p.indices[i])], colourBy));
    }
    for (std::size_t k = 0; k < std::min<std::size_t>(2, model.components); ++k)
        p.explainedRatio[k] = model.explainedRatio[k];
    if (progress)
        progress(1.0, "done");
    return p;
}

} // namespace rs::ml
