#include "ml/translator.h"

#include "ml/dataset.h"
#include "ml/density_context.h"
#include "ml/detail/evaluation.h"
#include "ml/detail/nets.h"
#include "ml/ionizing_budget.h"
#include "ml/ml_setup.h"
#include "ml/translation_metrics.h"
#include "util/error.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

namespace rs::ml {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Writes one sample's input channels (plane-major, `px` values each): the normalised density,
/// the context channels normalised per channel, then the z and ζ planes when conditioned (and the
/// ln(ζ f_ST) plane, unnormalised: its sign marks the end of reionization).
void fillChannels(const RunConfig& c, const float* densityNorm, const float* contextRaw, double z, double zeta,
    std::size_t px, float* out)
{
    std::copy(densityNorm, densityNorm + px, out);
    for (std::size_t ch = 0; ch < c.contextRadiiMpc.size(); ++ch) {
        const float mean = float(c.contextMean[ch]), inv = float(1.0 / c.contextStd[ch]);
        float* dst = out + (1 + ch) * px;
        const float* src = contextRaw + ch * px;
        for (std::size_t i = 0; i < px; ++i)
            dst[i] = (src[i] - mean) * inv;
    }
    if (c.condition) {
        float* dst = out + (1 + c.contextRadiiMpc.size()) * px;
        std::fill(dst, dst + px, float((z - c.conditionMean[0]) / c.conditionStd[0]));
        std::fill(dst + px, dst + 2 * px, float((zeta - c.conditionMean[1]) / c.conditionStd[1]));
        if (detail::budgetPlane(c))
            std::fill(dst + 2 * px, dst + 3 * px, float(logIonizingBudget(z, zeta)));
    }
}

torch::Tensor channelsLast(std::vector<float>& buf, std::int64_t n, std::int64_t ch, std::int64_t rows,
    std::int64_t cols, const torch::Device& device)
{
    return torch::from_blob(buf.data(), {n, ch, rows, cols}, torch::kFloat)
        .to(device, torch::kFloat, false, true, torch::MemoryFormat::ChannelsLast);
}

} // namespace

namespace detail {

torch::Tensor batchInput(const RunConfig& c, const DatasetFile& ds, const Batch& batch, const torch::Device& device)
{
    if (c.task != Task::Translate && c.task != Task::Generate)
        return inputTensor(batch.x.data(), batch.size(), c.rows, c.cols, device);
    const std::size_t n = batch.size(), px = c.rows * c.cols, nc = c.contextRadiiMpc.size();
    const int channels = inputChannels(c);
    if (batch.context.size() != n * nc * px)
        throw ParameterError("dataset", ds.info().path + ": the batch lacks the context channels the run takes");
    std::vector<float> buf(n * std::size_t(channels) * px);
    for (std::size_t s = 0; s < n; ++s) {
        const SampleLabels& l = ds.labels()[std::size_t(batch.indices[s])];
        fillChannels(c, batch.x.data() + s * px, batch.context.data() + s * nc * px, l.z, l.zeta, px,
            buf.data() + s * std::size_t(channels) * px);
    }
    return channelsLast(buf, std::int64_t(n), channels, std::int64_t(c.rows), std::int64_t(c.cols), device);
}

torch::Tensor translationTargets(
    const RunConfig& c, const DatasetFile& ds, const Batch& batch, const torch::Device& device)
{
    const std::size_t n = batch.size(), px = c.rows * c.cols;
    if (batch.y.size() != n * px)
        throw ParameterError("dataset", ds.info().path + " is not a paired dataset (no target fields)");
    std::vector<float> y = batch.y;
    if (c.targetQuantity != Quantity::NeutralFraction)
        for (float& v : y)
            v = float((v - c.targetMean) / c.targetStd);
    return torch::from_blob(y.data(), {std::int64_t(n), 1, std::int64_t(c.rows), std::int64_t(c.cols)}, torch::kFloat)
        .to(device, torch::kFloat, false, true);
}

torch::Tensor translatedField(const RunConfig& c, const torch::Tensor& output)
{
    return c.targetQuantity == Quantity::NeutralFraction ? torch::sigmoid(output) : output * c.targetStd + c.targetMean;
}

/// The targets of translationTargets back in target units.
torch::Tensor targetField(const RunConfig& c, const torch::Tensor& target)
{
    return c.targetQuantity == Quantity::NeutralFraction ? target : target * c.targetStd + c.targetMean;
}

double pixelAccuracySum(const RunConfig& c, const torch::Tensor& output, const torch::Tensor& target)
{
    const double thr = ionizedThreshold(c.targetQuantity);
    const torch::Tensor same = translatedField(c, output).lt(thr).eq(targetField(c, target).lt(thr));
    return same.to(torch::kFloat).mean({1, 2, 3}).sum().item<double>();
}

EvalMetrics evaluateTranslation(NetBase& net, const RunConfig& c, std::shared_ptr<const DatasetFile> ds, Split split,
    const torch::Device& device, std::size_t maxBatches, const StopToken& stop)
{
    const DatasetInfo& info = ds->info();
    if (info.rows != c.rows || info.cols != c.cols || info.targetQuantity != c.targetQuantity
        || info.contextRadiiMpc != c.contextRadiiMpc || info.contextBarrier != c.contextBarrier)
        throw ParameterError("dataset",
            info.path
                + ": not a paired dataset of this run's kind (sample size, target "
                  "field and context channels must match)");
    EvalMetrics m = evaluationHeader(c, split);
    BatchStream stream(ds, ds->indices(split), evaluationStreamOptions(c, 16, maxBatches));
    net.eval();
    torch::NoGradGuard noGrad;
    TranslationTally tally(c.targetQuantity);
    const double cell = std::isfinite(c.cellSizeMpc) && c.cellSizeMpc > 0 ? c.cellSizeMpc : 1.0;
    double lossSum = 0;
    std::size_t n = 0;
    const std::size_t px = c.rows * c.cols;
    while (auto batch = stream.next()) {
        stop.throwIfStopped();
        const torch::Tensor x = batchInput(c, *ds, *batch, device);
        const torch::Tensor y = translationTargets(c, *ds, *batch, device);
        const torch::Tensor out = net.forward(x);
        lossSum += lossOf(c, out, x, y).item<double>() * double(batch->size());
        n += batch->size();
        const torch::Tensor p = translatedField(c, out).to(torch::kCPU).contiguous();
        const torch::Tensor t = targetField(c, y).to(torch::kCPU).contiguous();
        for (std::size_t s = 0; s < batch->size(); ++s)
            tally.addSlice(p.data_ptr<float>() + s * px, t.data_ptr<float>() + s * px, c.rows, c.cols, cell);
    }
    net.train(true);
    m.samples = n;
    m.loss = n ? lossSum / double(n) : kNaN;
    if (n)
        m.translation = tally.result();
    return m;
}

} // namespace detail

// ---- whole cubes ------------------------------------------------------------------------------

namespace {

/// Tiles along one side of length `len`: `count` cores of `core` cells, each read with `margin`
/// periodic cells before and the rest of `input` (a multiple of 8) after.
struct TileSide {
    std::size_t len = 0, count = 0, core = 0, input = 0;
    static constexpr std::size_t margin = 16;
    static constexpr std::size_t maxCore = 256;
    explicit TileSide(std::size_t n)
        : len(n)
    {
        count = (n + maxCore - 1) / maxCore;
        core = (n + count - 1) / count;
        input = (core + 2 * margin + 7) / 8 * 8;
    }
    std::size_t wrap(std::size_t tile, std::size_t i) const { return (tile * core + len * 2 + i - margin) % len; }
};

/// Flat index in a cube of side n of element (r, c) of slice `index` perpendicular to `axis`.
std::size_t cubeIndex(int axis, std::size_t n, std::size_t index, std::size_t r, std::size_t c)
{
    return axis == 0 ? (index * n + r) * n + c : axis == 1 ? (r * n + index) * n + c : (r * n + c) * n + index;
}

/// p → σ(T·logit p), rescaled to the mean of p and clipped to [0, 1] (TranslateOptions::sharpen).
void sharpenProbabilities(float* p, std::size_t n, double t)
{
    if (!(t > 0) || !std::isfinite(t))
        throw ParameterError("sharpen", "the sharpening exponent must be positive");
    double before = 0, after = 0;
    for (std::size_t i = 0; i < n; ++i) {
        before += p[i];
        // σ(T·logit p) = p^T / (p^T + (1 − p)^T)
        const double a = std::pow(std::clamp(double(p[i]), 0.0, 1.0), t),
                     b = std::pow(std::clamp(1.0 - double(p[i]), 0.0, 1.0), t);
        p[i] = a + b > 0 ? float(a / (a + b)) : 0.5f;
        after += p[i];
    }
    const float scale = after > 0 ? float(before / after) : 1.0f;
    for (std::size_t i = 0; i < n; ++i)
        p[i] = std::min(1.0f, p[i] * scale);
}

double parameterOf(const Cube& cube, const char* name)
{
    auto it = cube.metadata().parameters.find(name);
    return it == cube.metadata().parameters.end() ? kNaN : numberOf(it->second).value_or(kNaN);
}

} // namespace

struct Translator::Impl {
    detail::LoadedRun run;

    /// Adds the network's prediction along `axis` to `sum` (n³, target units).
    void predictAxis(const std::vector<const float*>& planes, std::size_t n, int axis, double z, double zeta,
        std::vector<float>& sum, const StopToken& stop) const;
};

void Translator::Impl::predictAxis(const std::vector<const float*>& cubes, std::size_t n, int axis, double z,
    double zeta, std::vector<float>& sum, const StopToken& stop) const
{
    const RunConfig& c = run.config;
    const int channels = detail::inputChannels(c);
    const std::size_t nc = c.contextRadiiMpc.size(), px = n * n;
    const TileSide side(n);
    const std::size_t tilePx = side.input * side.input, tilesPerSlice = side.count * side.count;
    const std::size_t batchTiles = std::max<std::size_t>(1, 8 * 64 * 64 / tilePx);
    std::vector<float> plane(px), context(nc * px), channelsBuf(std::size_t(channels) * px), batch;
    std::vector<std::size_t> tileSlice, tileNumber;
    auto flush = [&] {
        if (tileSlice.empty())
            return;
        const std::int64_t b = std::int64_t(tileSlice.size()), in = std::int64_t(side.input);
        const torch::Tensor y
            = detail::translatedField(c, run.net->forward(channelsLast(batch, b, channels, in, in, run.device)))
                  .to(torch::kCPU)
                  .contiguous();
        const float* out = y.data_ptr<float>();
        for (std::size_t t = 0; t < tileSlice.size(); ++t) {
            const std::size_t tr = tileNumber[t] / side.count, tc = tileNumber[t] % side.count;
            for (std::size_t r = 0; r < side.core && tr * side.core + r < n; ++r)
                for (std::size_t q = 0; q < side.core && tc * side.core + q < n; ++q)
                    sum[cubeIndex(axis, n, tileSlice[t], tr * side.core + r, tc * side.core + q)]
                        += out[t * tilePx + (side.margin + r) * side.input + side.margin + q];
        }
        tileSlice.clear();
        tileNumber.clear();
        batch.clear();
    };
    for (std::size_t s = 0; s < n; ++s) {
        stop.throwIfStopped();
        for (std::size_t ch = 0; ch <= nc; ++ch) {
            float* dst = ch == 0 ? plane.data() : context.data() + (ch - 1) * px;
            for (std::size_t r = 0; r < n; ++r)
                for (std::size_t q = 0; q < n; ++q)
                    dst[r * n + q] = cubes[ch][cubeIndex(axis, n, s, r, q)];
        }
        for (float& v : plane)
            v = float((v - c.normMean) / c.normStd);
        fillChannels(c, plane.data(), context.data(), z, zeta, px, channelsBuf.data());
        for (std::size_t t = 0; t < tilesPerSlice; ++t) {
            const std::size_t tr = t / side.count, tc = t % side.count, base = batch.size();
            batch.resize(base + std::size_t(channels) * tilePx);
            for (int ch = 0; ch < channels; ++ch)
                for (std::size_t r = 0; r < side.input; ++r) {
                    const float* src = channelsBuf.data() + std::size_t(ch) * px + side.wrap(tr, r) * n;
                    float* dst = batch.data() + base + std::size_t(ch) * tilePx + r * side.input;
                    for (std::size_t q = 0; q < side.input; ++q)
                        dst[q] = src[side.wrap(tc, q)];
                }
            tileSlice.push_back(s);
            tileNumber.push_back(t);
            if (tileSlice.size() >= batchTiles)
                flush();
        }
    }
    flush();
}

Translator::Translator(const std::string& runDir)
    : m_impl(std::make_unique<Impl>())
{
    const RunConfig c = readRunConfig(runDir);
    if (c.task != Task::Translate)
        throw ParameterError("run", runDir + " is a " + modelName(c.model) + " run; translate needs a unet run");
    m_impl->run = detail::loadRun(runDir);
}

Translator::~Translator() = default;
Translator::Translator(Translator&&) noexcept = default;
Translator& Translator::operator=(Translator&&) noexcept = default;

const RunConfig& Translator::config() const
{
    return m_impl->run.config;
}

std::vector<float> Translator::translateSlices(
    const float* density, const float* context, const double* z, const double* zeta, std::size_t n) const
{
    if (n == 0)
        throw ParameterError("samples", "no slices to translate");
    const detail::LoadedRun& r = m_impl->run;
    const RunConfig& c = r.config;
    const std::size_t px = c.rows * c.cols, nc = c.contextRadiiMpc.size(),
                      channels = std::size_t(detail::inputChannels(c));
    std::vector<float> out(n * px), norm(px), buf;
    torch::NoGradGuard noGrad;
    for (std::size_t begin = 0; begin < n; begin += 16) {
        const std::size_t m = std::min<std::size_t>(16, n - begin);
        buf.assign(m * channels * px, 0.0f);
        for (std::size_t s = 0; s < m; ++s) {
            const std::size_t i = begin + s;
            for (std::size_t q = 0; q < px; ++q)
                norm[q] = float((density[i * px + q] - c.normMean) / c.normStd);
            fillChannels(c, norm.data(), context + i * nc * px, z[i], zeta[i], px, buf.data() + s * channels * px);
        }
        const torch::Tensor y = detail::translatedField(c,
            r.net->forward(channelsLast(
                buf, std::int64_t(m), std::int64_t(channels), std::int64_t(c.rows), std::int64_t(c.cols), r.device)))
                                    .to(torch::kCPU)
                                    .contiguous();
        std::copy(y.data_ptr<float>(), y.data_ptr<float>() + m * px, out.begin() + std::ptrdiff_t(begin * px));
    }
    return out;
}

TranslationResult Translator::translate(const Cube& density, const TranslateOptions& o, const StopToken& stop) const
{
    setComputeThreads(o.threads);
    const RunConfig& c = m_impl->run.config;
    const std::string name = density.metadata().sourcePath.empty() ? "density cube" : density.metadata().sourcePath;
    if (density.quantity() != Quantity::Density && density.quantity() != Quantity::Other)
        throw FormatError(name, "holds " + std::string(quantityName(density.quantity())) + ", not density");
    if (!density.isCubic())
        throw ParameterError("density", name + ": translation needs a cubic grid");
    TranslationResult res;
    res.z = o.z.value_or(density.redshift().value_or(kNaN));
    res.zeta = o.zeta.value_or(parameterOf(density, param::zeta));
    if (c.condition && !std::isfinite(res.z))
        throw ParameterError("z", name + " carries no redshift; give --z");
    if (c.condition && !std::isfinite(res.zeta))
        throw ParameterError("zeta", name + " carries no zeta; give --zeta");
    if (detail::budgetPlane(c) && !(res.zeta > 0))
        throw ParameterError("zeta", name + ": zeta " + formatValue(res.zeta) + " is not positive");
    const double cell = density.cellSize(0);
    if (std::isfinite(c.cellSizeMpc) && std::abs(cell / c.cellSizeMpc - 1.0) > 0.02)
        res.notes.push_back("cell " + formatValue(cell) + " Mpc, but the run was trained on "
            + formatValue(c.cellSizeMpc) + " Mpc cells: predictions are less reliable");
    const auto t0 = std::chrono::steady_clock::now();
    if (c.contextBarrier && !(std::isfinite(res.z) && res.zeta > 0))
        throw ParameterError(
            "zeta", name + ": the run's barrier context needs z and a positive zeta; give --z, --zeta");
    const std::vector<Cube> context = c.contextBarrier
        ? barrierContext(density, c.contextRadiiMpc, res.z, res.zeta, o.threads)
        : densityContext(density, c.contextRadiiMpc, o.threads);
    std::vector<const float*> planes {density.data()};
    for (const Cube& k : context)
        planes.push_back(k.data());
    const std::size_t n = density.shape()[0];
    const std::vector<int> axes = parseSliceAxes(o.axes);
    std::vector<float> sum(density.voxelCount(), 0.0f);
    const auto t1 = std::chrono::steady_clock::now();
    res.contextSeconds = std::chrono::duration<double>(t1 - t0).count();
    {
        torch::NoGradGuard noGrad;
        for (int axis : axes)
            m_impl->predictAxis(planes, n, axis, res.z, res.zeta, sum, stop);
    }
    res.networkSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
    CubeMetadata meta = density.metadata();
    meta.quantity = c.targetQuantity;
    meta.redshift = std::isfinite(res.z) ? std::optional<double>(res.z) : std::nullopt;
    if (std::isfinite(res.zeta))
        meta.parameters[param::zeta] = res.zeta;
    meta.parameters["translated_from"] = density.metadata().sourcePath;
    meta.sourcePath.clear();
    meta.sourceFormat = "reionscope";
    meta.sourceDataset.clear();
    res.predicted = Cube::uninitialized(density.shape(), density.boxLength(), meta);
    float* out = res.predicted.mutableData();
    for (std::size_t i = 0; i < sum.size(); ++i)
        out[i] = sum[i] / float(axes.size());
    if (c.targetQuantity == Quantity::NeutralFraction && o.sharpen != 1)
        sharpenProbabilities(out, sum.size(), o.sharpen);
    double total = 0;
    for (std::size_t i = 0; i < sum.size(); ++i)
        total += out[i];
    res.mean = total / double(sum.size());
    return res;
}

} // namespace rs::ml
