#include "ml/detail/generator_net.h"

#include "numerics/interpolate.h"
#include "util/error.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace rs::ml::detail {

namespace {

namespace nn = torch::nn;

/// The ionized offset is sought in ±kOffsetRange logits times the sharpness (at least 1): a 300 Mpc
/// box at z 8 ζ 40 is 3.6 % neutral where a 64² run's decoder, trained on 96 Mpc boxes fully
/// ionized there, needs −24 at sharpness 1 (so −24 s at sharpness s).
constexpr double kOffsetRange = 30;
/// referenceDrawing's maps (of the training size, one fixed seed): 32 of 64² hold 131,072 cells,
/// 1,300 neutral at 1 %; fewer neutral cells than kReferenceMinNeutralCells leave the drawn
/// quantiles to the points' interpolation. They cost a slider move 30 ms (`bench generate --count
/// 9 --size 200 --threads 1`: 81-86 ms, 51-53 ms without them); 16 maps cost 12 ms, but the offset
/// solved on them left z 8 ζ 40 of 300 Mpc boxes at 0.74 of the simulated power (0.89 with 32).
constexpr std::size_t kReferenceMaps = 32, kReferenceMinNeutralCells = 256;
constexpr std::uint64_t kReferenceSeed = 0x5EFE2E7CEull;

nn::Conv2d down4(int in, int out)
{
    return nn::Conv2d(nn::Conv2dOptions(in, out, 4).stride(2).padding(1));
}
nn::Conv2d conv3x3(int in, int out)
{
    return nn::Conv2d(nn::Conv2dOptions(in, out, 3).padding(1));
}
nn::Conv2d conv1x1(int in, int out)
{
    return nn::Conv2d(nn::Conv2dOptions(in, out, 1));
}

/// `h` with the condition (n, 2) appended as two constant planes.
torch::Tensor withCondition(const torch::Tensor& h, const torch::Tensor& c)
{
    const std::int64_t n = h.size(0);
    return torch::cat({h, c.reshape({n, 2, 1, 1}).expand({n, 2, h.size(2), h.size(3)}).to(h.dtype())}, 1);
}

torch::Tensor upsample2(const torch::Tensor& x)
{
    return torch::upsample_nearest2d(x, {x.size(2) * 2, x.size(3) * 2});
}

/// `conv`(upsample2(`x`)) for a 3×3 conv with padding 1, computed at x's resolution: along one axis
/// an output cell of parity 0 (row 2i) reads rows i−1 (tap 0) and i (taps 1 and 2) of x, one of
/// parity 1 rows i (taps 0 and 1) and i+1 (tap 2); zero padding of the up-sampled map is zero
/// padding of x. So the four parities are four 2×2 convs of x (one conv of 4× the output
/// channels), interleaved: 16 multiply-adds per cell of x and channel pair instead of 36, and no
/// up-sampled copy. Same values as the reference up to float summation order.
torch::Tensor upsampledConv(const nn::Conv2d& conv, const torch::Tensor& x)
{
    const auto fold = [](const torch::Tensor& k, std::int64_t dim) {
        const torch::Tensor t0 = k.narrow(dim, 0, 1), t1 = k.narrow(dim, 1, 1), t2 = k.narrow(dim, 2, 1);
        return std::array<torch::Tensor, 2> {torch::cat({t0, t1 + t2}, dim), torch::cat({t0 + t1, t2}, dim)};
    };
    std::vector<torch::Tensor> kernels; // parity (a, b) at 2a + b: rows a, columns b
    for (const torch::Tensor& rows : fold(conv->weight, 2))
        for (const torch::Tensor& k : fold(rows, 3))
            kernels.push_back(k);
    const std::int64_t n = x.size(0), out = conv->weight.size(0), h = x.size(2), w = x.size(3);
    // A channels-last kernel makes the output channels-last: (n, h+1, w+1, 4·out) in memory.
    const torch::Tensor y = torch::conv2d(x, torch::cat(kernels, 0).contiguous(torch::MemoryFormat::ChannelsLast),
        conv->bias.repeat({4}), 1, 1); // (n, 4·out, h+1, w+1): parity (a, b)'s cell i, j at i+a, j+b
    // Interleaved by one copy into (n, rows, cols, channels) memory: a channels-last result.
    const torch::Tensor yl = y.permute({0, 2, 3, 1});
    torch::Tensor result = torch::empty({n, 2 * h, 2 * w, out}, y.options());
    const torch::Tensor cells = result.view({n, h, 2, w, 2, out});
    for (std::int64_t a = 0; a < 2; ++a)
        for (std::int64_t b = 0; b < 2; ++b)
            cells.select(4, b).select(2, a).copy_(yl.narrow(1, a, h).narrow(2, b, w).narrow(3, (2 * a + b) * out, out));
    return result.permute({0, 3, 1, 2});
}

/// out(h) and scale(h) (1×1 convs) as one, without gradients. For channels-last CPU maps oneDNN's
/// conv is called directly: LibTorch 1.13 sends 1×1 convs of fewer than 16 maps on one thread to
/// im2col + BLAS, and Debian's reference BLAS takes 3.6× as long (9 maps of 216², 11 vs 3 ms).
torch::Tensor pointwiseConvs(const torch::Tensor& h, const nn::Conv2d& a, const nn::Conv2d& b)
{
    const torch::Tensor w = b ? torch::cat({a->weight, b->weight}, 0) : a->weight;
    const torch::Tensor bias = b ? torch::cat({a->bias, b->bias}, 0) : a->bias;
    if (h.device().is_cpu() && h.scalar_type() == torch::kFloat && at::hasMKLDNN()
        && h.is_contiguous(torch::MemoryFormat::ChannelsLast))
        return at::mkldnn_convolution(
            h, w.contiguous(torch::MemoryFormat::ChannelsLast), bias, {0, 0}, {1, 1}, {1, 1}, 1);
    return torch::conv2d(h, w, bias);
}

/// The encoder halves a map three times and the decoder doubles its latent three times.
void requireGeneratorSize(std::size_t rows, std::size_t cols, const char* whose)
{
    if (rows % 8 || cols % 8 || rows < 8 || cols < 8)
        throw ParameterError("size",
            std::string("the generator needs a map size divisible by 8; ") + whose + " is " + std::to_string(rows) + "x"
                + std::to_string(cols));
}

} // namespace

torch::Tensor correlatePrior(const torch::Tensor& white)
{
    const float c = float(kPriorNeighbourWeight);
    const torch::Tensor w1 = torch::tensor({c, 1.0f, c}) / std::sqrt(1.0f + 2 * c * c);
    const torch::Tensor kernel = (w1.reshape({3, 1}) * w1.reshape({1, 3})).reshape({1, 1, 3, 3}).to(white.device());
    namespace F = torch::nn::functional;
    const auto sizes = white.sizes().vec();
    const torch::Tensor planes = white.reshape({-1, 1, sizes[2], sizes[3]});
    return torch::conv2d(F::pad(planes, F::PadFuncOptions({1, 1, 1, 1}).mode(torch::kCircular)), kernel).reshape(sizes);
}

namespace {

/// TorchScript: `h = relu(conv(in))` of the conv registered as `p` (stride 2 + padding 1 for the
/// encoder's 4×4, padding 1 for the decoder's 3×3).
std::string sConv(const std::string& in, const std::string& p, bool stride2)
{
    return "        h = torch.relu(torch.conv2d(" + in + ", self." + p + "_weight, self." + p + "_bias, "
        + (stride2 ? "[2, 2]" : "[1, 1]") + ", [1, 1]))\n";
}

/// Prior latents get this many cells more on each side, and their decoded maps are cropped back:
/// the decoder's zero padding turns the outermost rows and columns into an ionized frame (gen4 note:
/// 4-10x the simulated power on the k axes).
constexpr std::int64_t kPriorMargin = 1;

torch::Tensor cropMargin(const torch::Tensor& decoded, std::size_t rows, std::size_t cols)
{
    return decoded.narrow(2, 8 * kPriorMargin, std::int64_t(rows))
        .narrow(3, 8 * kPriorMargin, std::int64_t(cols))
        .contiguous();
}

const char* sCond = "torch.cat([h, c.reshape([h.size(0), 2, 1, 1]).expand([h.size(0), 2, h.size(2), h.size(3)])], 1)";
const char* sUp = "        h = torch.upsample_nearest2d(h, [h.size(2) * 2, h.size(3) * 2])\n";

} // namespace

GenEncoderImpl::GenEncoderImpl()
{
    conv1 = register_module("conv1", down4(3, 16));
    conv2 = register_module("conv2", down4(16, 32));
    conv3 = register_module("conv3", down4(32, 64));
    mu = register_module("mu", conv1x1(64, kGeneratorLatent));
    logvar = register_module("logvar", conv1x1(64, kGeneratorLatent));
}

std::pair<torch::Tensor, torch::Tensor> GenEncoderImpl::forward(torch::Tensor x)
{
    x = torch::relu(conv1->forward(x));
    x = torch::relu(conv2->forward(x));
    x = torch::relu(conv3->forward(x));
    return {mu->forward(x), logvar->forward(x).clamp(-10, 10)};
}

GenDecoderImpl::GenDecoderImpl(bool noise)
{
    conv1 = register_module("conv1", conv3x3(kGeneratorLatent + 2, 64));
    conv2 = register_module("conv2", conv3x3(64 + 2, 32));
    conv3 = register_module("conv3", conv3x3(32 + 2, 16));
    conv4 = register_module("conv4", conv3x3(16 + 2, 16));
    out = register_module("out", conv1x1(16, 2));
    if (noise)
        scale = register_module("scale", conv1x1(16, 1));
}

torch::Tensor GenDecoderImpl::forward(torch::Tensor latent, torch::Tensor c)
{
    // Without gradients (generating, evaluating) each up-sampling and the conv after it are one
    // conv at the lower resolution (upsampledConv; 2.25× fewer multiply-adds); training keeps the
    // reference form, which the TorchScript export also writes.
    const bool atLowResolution = !torch::GradMode::is_enabled();
    const auto up = [&](nn::Conv2d& conv, const torch::Tensor& x) {
        return atLowResolution ? upsampledConv(conv, withCondition(x, c))
                               : conv->forward(withCondition(upsample2(x), c));
    };
    torch::Tensor h = torch::relu(conv1->forward(withCondition(latent, c)));
    h = torch::relu(up(conv2, h));
    h = torch::relu(up(conv3, h));
    h = torch::relu(up(conv4, h));
    if (atLowResolution)
        return pointwiseConvs(h, out, scale);
    if (scale)
        return torch::cat({out->forward(h), scale->forward(h)}, 1);
    return out->forward(h);
}

GeneratorNetImpl::GeneratorNetImpl(std::size_t rows, std::size_t cols, bool noise, bool priorSamples)
    : m_rows(rows)
    , m_cols(cols)
    , m_noise(noise)
    , m_priorSamples(priorSamples)
{
    requireGeneratorSize(rows, cols, "the dataset's");
    encoder = register_module("encoder", GenEncoder());
    decoder = register_module("decoder", GenDecoder(noise));
}

torch::Tensor GeneratorNetImpl::forward(torch::Tensor x)
{
    const torch::Tensor c = x.index({torch::indexing::Slice(), torch::indexing::Slice(1, 3), 0, 0});
    auto [mu, logvar] = encoder->forward(x);
    m_kl = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum({1, 2, 3}).mean();
    torch::Tensor latent = mu;
    m_prior = torch::Tensor();
    if (is_training()) {
        latent = mu + torch::randn_like(mu) * (0.5 * logvar).exp();
        if (m_priorSamples)
            m_prior = cropMargin(
                decoder->forward(correlatePrior(torch::randn({mu.size(0), mu.size(1), mu.size(2) + 2 * kPriorMargin,
                                                                 mu.size(3) + 2 * kPriorMargin},
                                     mu.options())),
                    c),
                m_rows, m_cols);
    }
    return decoder->forward(latent, c);
}

torch::Tensor GeneratorNetImpl::features(torch::Tensor x)
{
    return encoder->forward(x).first.flatten(1);
}

namespace {

/// A tensor of `shape` filled by successive calls of `one` (each drawing from the caller's rng).
template<class One> torch::Tensor draws(const std::vector<std::int64_t>& shape, const torch::Device& device, One&& one)
{
    std::int64_t count = 1;
    for (std::int64_t d : shape)
        count *= d;
    std::vector<float> v(static_cast<std::size_t>(count));
    for (float& e : v)
        e = one();
    return torch::from_blob(v.data(), shape, torch::kFloat).clone().to(device);
}

torch::Tensor normals(const std::vector<std::int64_t>& shape, const torch::Device& device, std::mt19937_64& rng)
{
    std::normal_distribution<float> g(0.0f, 1.0f);
    return draws(shape, device, [&] { return g(rng); });
}

} // namespace

torch::Tensor GeneratorNetImpl::decodePrior(std::size_t n, double zNorm, double zetaNorm, std::mt19937_64& rng,
    const torch::Device& device, std::size_t rows, std::size_t cols)
{
    rows = rows ? rows : m_rows;
    cols = cols ? cols : m_cols;
    requireGeneratorSize(rows, cols, "the requested");
    const std::int64_t h = std::int64_t(rows / 8), w = std::int64_t(cols / 8);
    const torch::Tensor latent = correlatePrior(
        normals({std::int64_t(n), kGeneratorLatent, h + 2 * kPriorMargin, w + 2 * kPriorMargin}, device, rng));
    std::vector<float> cond(2 * n);
    for (std::size_t i = 0; i < n; ++i) {
        cond[2 * i] = float(zNorm);
        cond[2 * i + 1] = float(zetaNorm);
    }
    const torch::Tensor c = torch::from_blob(cond.data(), {std::int64_t(n), 2}, torch::kFloat).to(device);
    return cropMargin(decoder->forward(latent, c), rows, cols);
}

torch::Tensor GeneratorNetImpl::draw(
    const torch::Tensor& decoded, const GeneratorDrawing& how, std::mt19937_64& rng) const
{
    using torch::indexing::Slice;
    const torch::Device device = decoded.device();
    const std::vector<std::int64_t> plane {decoded.size(0), 1, decoded.size(2), decoded.size(3)};
    torch::Tensor logit = decoded.index({Slice(), Slice(0, 1)});
    if (how.ionizedSharpness != 1)
        logit = logit * how.ionizedSharpness;
    if (how.ionizedOffset != 0)
        logit = logit + how.ionizedOffset;
    // Drawn after the latents and before the values' noise: the ionized cells do not depend on the
    // noise scale (tst_ml_generate).
    if (m_sampleMask) {
        std::uniform_real_distribution<float> u(0.0f, 1.0f);
        logit = logit + draws(plane, device, [&] {
            const float v = std::clamp(u(rng), 1e-7f, 1.0f - 1e-7f);
            return std::log(v / (1.0f - v)); // logit + this > 0 with probability sigmoid(logit)
        });
    }
    torch::Tensor value = decoded.index({Slice(), Slice(1, 2)});
    if (m_noise) {
        torch::Tensor eps = correlateNoise(normals(plane, device, rng), how.noiseWidth);
        if (how.noiseScale != 1.0)
            eps = eps * how.noiseScale;
        value = value + eps * (0.5 * decoded.index({Slice(), Slice(2, 3)}).clamp(-8.0, 3.0)).exp();
    }
    if (!how.drawn.empty()) {
        torch::Tensor cpu = value.to(torch::kCPU).contiguous();
        applyQuantileMap(cpu, how.drawn, how.simulated);
        value = cpu.to(device);
    }
    return torch::cat({logit, value}, 1);
}

void GeneratorNetImpl::setPoints(std::vector<GeneratorDrawPoint> points)
{
    for (const GeneratorDrawPoint& p : points)
        if (p.drawn.size() != p.simulated.size() || p.drawn.size() != points.front().drawn.size())
            throw ParameterError("generator.points", "the points' quantile lists differ in length");
    m_points = std::move(points);
    m_reference.valid = false;
}

void GeneratorNetImpl::setNeutralPoints(std::vector<GeneratorNeutralDrawPoint> points)
{
    m_neutralPoints = std::move(points);
    m_reference.valid = false;
}

GeneratorDrawing GeneratorNetImpl::referenceDrawing(double zNorm, double zetaNorm, const torch::Device& device)
{
    if (m_points.empty() || m_neutralPoints.empty())
        return drawingAt(zNorm, zetaNorm);
    if (m_reference.valid && m_reference.zNorm == zNorm && m_reference.zetaNorm == zetaNorm
        && m_reference.device == device.str())
        return m_reference.drawing;
    using torch::indexing::Slice;
    GeneratorDrawing how = drawingAt(zNorm, zetaNorm);
    std::mt19937_64 rng(kReferenceSeed);
    const torch::Tensor decoded = decodePrior(kReferenceMaps, zNorm, zetaNorm, rng, device);
    const torch::Tensor logits = decoded.index({Slice(), Slice(0, 1)}).to(torch::kCPU) * how.ionizedSharpness;
    // The correction, interpolated as the other per-point quantities (pointWeights) over every
    // training point, fully ionized ones included.
    std::vector<GeneratorDrawPoint> where(m_neutralPoints.size());
    for (std::size_t i = 0; i < where.size(); ++i) {
        where[i].zNorm = m_neutralPoints[i].zNorm;
        where[i].zetaNorm = m_neutralPoints[i].zetaNorm;
    }
    const std::vector<double> w = pointWeights(where, zNorm, zetaNorm);
    double correction = 0;
    for (std::size_t i = 0; i < w.size(); ++i)
        correction += w[i] * m_neutralPoints[i].correction;
    const double own = 1.0 - torch::sigmoid(logits).mean().item<double>();
    how.ionizedOffset = ionizedOffsetFor(logits, std::clamp(own + correction, 0.0, 1.0), how.ionizedSharpness);
    // The reference maps drawn so, without a quantile map: what the values map from.
    GeneratorDrawing raw = how;
    raw.drawn.clear();
    raw.simulated.clear();
    const std::vector<float> drawn
        = neutralQuantiles(draw(decoded, raw, rng), how.simulated.size(), kReferenceMinNeutralCells);
    if (!drawn.empty())
        how.drawn = drawn; // else (nearly all ionized) the interpolated quantiles of drawingAt
    m_reference = {true, zNorm, zetaNorm, device.str(), how};
    return how;
}

GeneratorDrawing GeneratorNetImpl::drawingAt(double zNorm, double zetaNorm) const
{
    GeneratorDrawing d;
    if (m_points.empty()) {
        d.noiseScale = noiseScale(zNorm, zetaNorm);
        return d;
    }
    std::vector<double> near;
    const std::vector<double> w = pointWeights(m_points, zNorm, zetaNorm, &near);
    const std::size_t nq = m_points.front().drawn.size();
    std::vector<double> drawn(nq, 0.0), simulated(nq, 0.0);
    d.noiseScale = 0;
    double offLo = std::numeric_limits<double>::infinity(), offHi = -offLo;
    double sharpLo = offLo, sharpHi = offHi;
    for (std::size_t i = 0; i < m_points.size(); ++i) {
        const GeneratorDrawPoint& p = m_points[i];
        if (near[i] >= 0.1) {
            offLo = std::min(offLo, p.ionizedOffset);
            offHi = std::max(offHi, p.ionizedOffset);
            sharpLo = std::min(sharpLo, p.ionizedSharpness);
            sharpHi = std::max(sharpHi, p.ionizedSharpness);
        }
        d.ionizedSharpness += w[i] * (p.ionizedSharpness - 1);
        d.ionizedOffset += w[i] * p.ionizedOffset;
        d.noiseScale += w[i] * p.noiseScale;
        d.noiseWidth += w[i] * p.noiseWidth;
        for (std::size_t q = 0; q < nq; ++q) {
            drawn[q] += w[i] * p.drawn[q];
            simulated[q] += w[i] * p.simulated[q];
        }
    }
    // Negative weights (local linear) could make a list fall somewhere: keep both rising.
    for (std::size_t q = 1; q < nq; ++q) {
        drawn[q] = std::max(drawn[q], drawn[q - 1]);
        simulated[q] = std::max(simulated[q], simulated[q - 1]);
    }
    d.drawn.assign(drawn.begin(), drawn.end());
    d.simulated.assign(simulated.begin(), simulated.end());
    // The offset and sharpness stay inside the nearest points' range: near a fully ionized corner
    // the local linear weights extrapolate, and offsets there are extreme (−24 to −28 at z 8 ζ 40 of
    // 300 Mpc boxes, ±1 at its neighbours). The plane through them made a fully ionized point
    // neutral; bounded by all points' range, z 7 ζ 30 (0.1 % neutral) still drew 43 % neutral
    // with one seed's offsets, its diagonal neighbour z 8 ζ 40 setting the bound.
    d.ionizedOffset = std::clamp(d.ionizedOffset, offLo, offHi);
    d.ionizedSharpness = std::clamp(d.ionizedSharpness, sharpLo, sharpHi);
    d.noiseScale = std::clamp(d.noiseScale, 0.0, 2.0);
    d.noiseWidth = std::max(d.noiseWidth, 0.0);
    return d;
}

torch::Tensor GeneratorNetImpl::sample(std::size_t n, double zNorm, double zetaNorm, std::uint64_t seed,
    const torch::Device& device, std::size_t rows, std::size_t cols)
{
    const GeneratorDrawing how = referenceDrawing(zNorm, zetaNorm, device);
    std::mt19937_64 rng(seed);
    const torch::Tensor decoded = decodePrior(n, zNorm, zetaNorm, rng, device, rows, cols);
    return draw(decoded, how, rng);
}

std::vector<GeneratorNeutralDrawPoint> neutralDrawPoints(const RunConfig& c)
{
    std::vector<GeneratorNeutralDrawPoint> out;
    for (const GeneratorNeutralPoint& p : c.generatorNeutralPoints)
        out.push_back({(p.z - c.conditionMean[0]) / c.conditionStd[0],
            (p.zeta - c.conditionMean[1]) / c.conditionStd[1], p.simulated - p.drawn});
    return out;
}

double ionizedOffsetFor(const torch::Tensor& logits, double nf, double sharpness)
{
    const double range = kOffsetRange * std::max(1.0, sharpness);
    double lo = -range, hi = range;
    for (int i = 0; i < 50; ++i) {
        const double mid = 0.5 * (lo + hi);
        const double neutral = 1.0 - torch::sigmoid(logits + mid).mean().item<double>();
        (neutral > nf ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

std::vector<float> neutralQuantiles(const torch::Tensor& drawn, std::size_t n, std::size_t minCells)
{
    using torch::indexing::Slice;
    const torch::Tensor cpu = drawn.to(torch::kCPU).contiguous();
    const torch::Tensor ionized = cpu.index({Slice(), 0}).gt(0).contiguous();
    const torch::Tensor value = cpu.index({Slice(), 1}).contiguous();
    const bool* ion = ionized.data_ptr<bool>();
    const float* v = value.data_ptr<float>();
    std::vector<float> values;
    for (std::int64_t i = 0; i < value.numel(); ++i)
        if (!ion[i])
            values.push_back(v[i]);
    if (values.size() < std::max<std::size_t>(minCells, 1) || n < 2)
        return {};
    std::sort(values.begin(), values.end());
    std::vector<float> q(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double pos = double(i) / double(n - 1) * double(values.size() - 1);
        const std::size_t lo = std::size_t(pos), hi = std::min(lo + 1, values.size() - 1);
        q[i] = float(values[lo] + (pos - double(lo)) * (double(values[hi]) - values[lo]));
    }
    return q;
}

std::vector<GeneratorDrawPoint> drawPoints(const RunConfig& c)
{
    std::vector<GeneratorDrawPoint> out;
    const auto values = [&](const std::vector<double>& v) {
        std::vector<float> f;
        for (double x : v)
            f.push_back(float((x - c.normMean) / c.normStd));
        return f;
    };
    for (const GeneratorPointCalibration& p : c.generatorPoints)
        out.push_back({(p.z - c.conditionMean[0]) / c.conditionStd[0],
            (p.zeta - c.conditionMean[1]) / c.conditionStd[1], p.ionizedOffset, p.noiseScale, p.noiseWidth,
            values(p.drawnQuantiles), values(p.simulatedQuantiles), p.ionizedSharpness});
    return out;
}

std::vector<double> pointWeights(
    const std::vector<GeneratorDrawPoint>& points, double zNorm, double zetaNorm, std::vector<double>* kernel)
{
    if (points.empty())
        return {};
    std::vector<double> nearest;
    double zLo = points[0].zNorm, zHi = zLo, qLo = points[0].zetaNorm, qHi = qLo;
    for (std::size_t i = 0; i < points.size(); ++i) {
        double best = std::numeric_limits<double>::infinity();
        for (std::size_t j = 0; j < points.size(); ++j)
            if (j != i)
                best = std::min(
                    best, std::hypot(points[i].zNorm - points[j].zNorm, points[i].zetaNorm - points[j].zetaNorm));
        if (std::isfinite(best) && best > 0)
            nearest.push_back(best);
        zLo = std::min(zLo, points[i].zNorm);
        zHi = std::max(zHi, points[i].zNorm);
        qLo = std::min(qLo, points[i].zetaNorm);
        qHi = std::max(qHi, points[i].zetaNorm);
    }
    std::sort(nearest.begin(), nearest.end());
    const double width = nearest.empty() ? 1.0 : nearest[nearest.size() / 2] / 3;
    zNorm = std::clamp(zNorm, zLo, zHi);
    zetaNorm = std::clamp(zetaNorm, qLo, qHi);
    std::vector<double> d2;
    for (const GeneratorDrawPoint& p : points)
        d2.push_back((std::pow(p.zNorm - zNorm, 2) + std::pow(p.zetaNorm - zetaNorm, 2)) / (2 * width * width));
    const double least = *std::min_element(d2.begin(), d2.end());
    std::vector<double> k;
    for (double d : d2)
        k.push_back(std::exp(-(d - least)));
    if (kernel)
        *kernel = k;
    // Local linear: value ≈ a + b·dz + c·dζ around the target by kernel-weighted least squares; the
    // weights are the first row of (XᵀKX)⁻¹XᵀK, X's rows (1, dz, dζ).
    double m[3][3] = {};
    for (std::size_t i = 0; i < points.size(); ++i) {
        const double x[3] = {1.0, points[i].zNorm - zNorm, points[i].zetaNorm - zetaNorm};
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 3; ++c)
                m[r][c] += k[i] * x[r] * x[c];
    }
    double ksum = m[0][0];
    m[1][1] += 1e-6 * ksum * width * width; // a direction no point spans gets no slope
    m[2][2] += 1e-6 * ksum * width * width;
    // The first row of m⁻¹ (m symmetric): cofactors over the determinant.
    const double c0 = m[1][1] * m[2][2] - m[1][2] * m[2][1];
    const double c1 = -(m[1][0] * m[2][2] - m[1][2] * m[2][0]);
    const double c2 = m[1][0] * m[2][1] - m[1][1] * m[2][0];
    const double det = m[0][0] * c0 + m[0][1] * c1 + m[0][2] * c2;
    std::vector<double> w;
    double sum = 0;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const double x[3] = {1.0, points[i].zNorm - zNorm, points[i].zetaNorm - zetaNorm};
        w.push_back(k[i] * (c0 * x[0] + c1 * x[1] + c2 * x[2]) / det);
        sum += w.back();
    }
    for (double& x : w)
        x /= sum; // 1 already, up to rounding and the damping
    return w;
}

void applyQuantileMap(torch::Tensor& values, const std::vector<float>& drawn, const std::vector<float>& simulated)
{
    if (drawn.empty())
        return;
    const ClampedInterpolation<float> map(drawn, simulated);
    float* v = values.data_ptr<float>();
    at::parallel_for(0, values.numel(), 4096, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t i = begin; i < end; ++i)
            v[i] = float(map(v[i]));
    });
}

torch::Tensor correlateNoise(const torch::Tensor& white, double width)
{
    if (!(width >= 0.05))
        return white;
    const std::int64_t rows = white.size(2), cols = white.size(3);
    const std::int64_t r = std::max<std::int64_t>(
        1, std::min<std::int64_t>(std::int64_t(std::ceil(3 * width)), std::min(rows, cols) / 2));
    std::vector<float> taps;
    double sum = 0, sum2 = 0;
    for (std::int64_t j = -r; j <= r; ++j) {
        taps.push_back(float(std::exp(-0.5 * double(j * j) / (width * width))));
        sum += taps.back();
    }
    for (float& t : taps) {
        t = float(t / sum);
        sum2 += double(t) * t;
    }
    const torch::Tensor k
        = torch::from_blob(taps.data(), {std::int64_t(taps.size())}, torch::kFloat).clone().to(white.device());
    namespace F = torch::nn::functional;
    torch::Tensor x = F::pad(white, F::PadFuncOptions({r, r, 0, 0}).mode(torch::kCircular));
    x = torch::conv2d(x, k.reshape({1, 1, 1, -1}));
    x = F::pad(x, F::PadFuncOptions({0, 0, r, r}).mode(torch::kCircular));
    x = torch::conv2d(x, k.reshape({1, 1, -1, 1}));
    return x / float(sum2); // a separable kernel's output variance is (Σ k²)² for unit white noise
}

double GeneratorNetImpl::noiseScale(double zNorm, double zetaNorm) const
{
    return std::clamp(m_noiseScale + m_noiseSlope[0] * zNorm + m_noiseSlope[1] * zetaNorm, 0.0, 2.0);
}

std::string GeneratorNetImpl::scriptSource() const
{
    std::string s = "    def encode(self, x):\n" + sConv("x", "encoder_conv1", true) + sConv("h", "encoder_conv2", true)
        + sConv("h", "encoder_conv3", true)
        + "        return torch.conv2d(h, self.encoder_mu_weight, self.encoder_mu_bias)\n";
    s += "    def decode(self, h, c):\n" + sConv(sCond, "decoder_conv1", false) + sUp
        + sConv(sCond, "decoder_conv2", false) + sUp + sConv(sCond, "decoder_conv3", false) + sUp
        + sConv(sCond, "decoder_conv4", false);
    s += m_noise ? "        return torch.cat([torch.conv2d(h, self.decoder_out_weight, self.decoder_out_bias), "
                   "torch.conv2d(h, self.decoder_scale_weight, self.decoder_scale_bias)], 1)\n"
                 : "        return torch.conv2d(h, self.decoder_out_weight, self.decoder_out_bias)\n";
    s += "    def features(self, x):\n        return self.encode(x).flatten(1)\n";
    s += "    def forward(self, x):\n        return self.decode(self.encode(x), x[:, 1:3, 0, 0])\n";
    return s;
}

} // namespace rs::ml::detail
