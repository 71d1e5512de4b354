#pragma once
/// \file generator_net.h
/// PRIVATE to core/ml (includes LibTorch): the conditional variational autoencoder behind
/// `train --model generator` and `generate`. Registration names are checkpoint keys and
/// TorchScript parameter names: never rename them.
///
///   generator  encoder.conv1 (3→16), encoder.conv2 (16→32), encoder.conv3 (32→64): 4×4, stride 2,
///              ReLU, so a 64² map becomes 8²; encoder.mu and encoder.logvar (1×1, 64→L): the
///              latent, L = kGeneratorLatent channels on the 8² grid.
///              decoder.conv1 (L+2→64), decoder.conv2 (64+2→32), decoder.conv3 (32+2→16),
///              decoder.conv4 (16+2→16): 3×3 + ReLU, 2× nearest up-sampling after conv1..3, the two
///              condition planes (normalised z, ζ) concatenated before every conv; decoder.out
///              (1×1, 16→2): channel 0 the logit of "ionized" (δT_b below 1 mK, or x_HI below 0.5),
///              channel 1 the normalised value of neutral cells; with the noise option
///              decoder.scale (1×1, 16→1): channel 2, the log variance of that value (a
///              heteroscedastic decoder: generated maps draw the value, not only its mean).
/// Inputs: (n, 3, rows, cols): the normalised map and the z, ζ planes; rows, cols divisible by 8.

#include "ml/detail/nets.h"

#include <array>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace rs::ml::detail {

/// Latent channels per cell of the (rows/8 × cols/8) latent grid.
constexpr int kGeneratorLatent = 8;

/// The prior that generation draws latents from: unit normal per cell, correlated between
/// neighbouring cells of a channel by the separable 3×3 kernel w ⊗ w, w = (c, 1, c)/√(1 + 2c²)
/// (circular; unit variance, neighbour correlation 2c/(1 + 2c²) ≈ 0.70 for c = 0.6). The encoder's
/// latents are correlated across cells (structure spans more than one 12 Mpc cell at 64²/96 Mpc);
/// independent prior cells decoded into ionized regions at the latent-cell scale and 1.4-2× the
/// simulated power at 0.15 < k < 0.33 /Mpc (gen4 note).
constexpr double kPriorNeighbourWeight = 0.6;

/// `white` (n, L, h, w) of independent unit normals → the prior's correlated latents (same shape).
torch::Tensor correlatePrior(const torch::Tensor& white);

class GenEncoderImpl : public torch::nn::Module {
public:
    GenEncoderImpl();
    /// → (mu, logvar), each (n, L, rows/8, cols/8).
    std::pair<torch::Tensor, torch::Tensor> forward(torch::Tensor x);
    torch::nn::Conv2d conv1 {nullptr}, conv2 {nullptr}, conv3 {nullptr}, mu {nullptr}, logvar {nullptr};
};
TORCH_MODULE(GenEncoder);

class GenDecoderImpl : public torch::nn::Module {
public:
    explicit GenDecoderImpl(bool noise);
    /// latent (n, L, h, w), condition (n, 2) → (n, 2, 8h, 8w), or (n, 3, 8h, 8w) with the noise
    /// option (channel 2: the log variance of channel 1).
    torch::Tensor forward(torch::Tensor latent, torch::Tensor condition);
    torch::nn::Conv2d conv1 {nullptr}, conv2 {nullptr}, conv3 {nullptr}, conv4 {nullptr}, out {nullptr},
        scale {nullptr};
};
TORCH_MODULE(GenDecoder);

/// How sample() draws at one training point, in the network's normalised units (the condition
/// and the values): RunConfig's GeneratorPointCalibration (makeNet converts).
struct GeneratorDrawPoint {
    double zNorm = 0, zetaNorm = 0;
    double ionizedOffset = 0, noiseScale = 1, noiseWidth = 0;
    std::vector<float> drawn, simulated; ///< quantiles: drawn value → simulated value
    double ionizedSharpness = 1; ///< multiplier of the ionized logit (GeneratorPointCalibration)
};

/// RunConfig::generatorNeutralPoints in the network's units: where, and the neutral fraction to
/// add to the network's own there (simulated − drawn).
struct GeneratorNeutralDrawPoint {
    double zNorm = 0, zetaNorm = 0, correction = 0;
};
std::vector<GeneratorNeutralDrawPoint> neutralDrawPoints(const RunConfig& c);

/// The offset o of `logits` (the ionized logit times the sharpness) whose expected neutral
/// fraction, mean(1 − sigmoid(logit + o)), is `nf` (bisection in ±kOffsetRange × max(1,
/// sharpness); the expectation falls as o rises).
double ionizedOffsetFor(const torch::Tensor& logits, double nf, double sharpness);

/// `n` quantiles (equal steps of probability from 0 to 1) of the neutral values of drawn maps
/// (draw(): channel 0 not above 0) (n, 2, rows, cols), normalised; empty when fewer than
/// `minCells` cells are neutral.
std::vector<float> neutralQuantiles(const torch::Tensor& drawn, std::size_t n, std::size_t minCells = 1);

/// RunConfig::generatorPoints in the network's units (condition and values normalised with the
/// run's conditionMean/Std and normMean/Std).
std::vector<GeneratorDrawPoint> drawPoints(const RunConfig& c);

/// Weights (summing to 1, some may be negative) of `points` at (zNorm, ζNorm): local linear
/// regression with a Gaussian kernel in the normalised plane whose width is a third of the median
/// distance between neighbouring points (kernel weights relative to the nearest point's, so far
/// from all the nearest still count). A quantity known at the points is interpolated as Σ w·value:
/// at a point nearly its own, half-way between two their mean, and at the edge of the grid without
/// the bias of a plain kernel average (which would pull z 10 towards z 9). The target is first
/// clamped into the points' range of zNorm and ζNorm (no extrapolation); slopes along a direction
/// the points do not span are damped to 0. Empty for no points.
/// With `kernel`, also the Gaussian kernel itself per point, relative to the nearest point's (which
/// gets 1): e^-4.5 for a neighbour one median spacing further away.
std::vector<double> pointWeights(const std::vector<GeneratorDrawPoint>& points, double zNorm, double zetaNorm,
    std::vector<double>* kernel = nullptr);

/// One way of drawing maps from decoded planes (GeneratorNetImpl::draw).
struct GeneratorDrawing {
    double ionizedOffset = 0;
    double noiseScale = 1;
    double noiseWidth = 0; ///< σ [cells] of the Gaussian that correlates the value's noise; 0: white
    /// the quantile map applied to the drawn value: drawn[i] → simulated[i] (empty: none)
    std::vector<float> drawn, simulated;
    double ionizedSharpness = 1; ///< multiplier of the ionized logit, before the offset
};

/// `values` (float, CPU) through the piecewise linear map `drawn` → `simulated` (both rising, one
/// length), clamped to its ends.
void applyQuantileMap(torch::Tensor& values, const std::vector<float>& drawn, const std::vector<float>& simulated);

/// Unit-variance noise correlated between cells: `white` (n, 1, rows, cols) convolved circularly
/// with a Gaussian of σ = `width` cells (truncated at 3σ, at most half the map) and rescaled to
/// unit variance; `white` itself for width below 0.05.
torch::Tensor correlateNoise(const torch::Tensor& white, double width);

class GeneratorNetImpl : public NetBase {
public:
    /// `noise`: the heteroscedastic decoder (RunConfig::generatorNoise); `priorSamples`: forward()
    /// in training also decodes latents drawn from the prior (correlatePrior; for the prior
    /// statistics loss).
    /// Throws ParameterError for sizes not divisible by 8.
    GeneratorNetImpl(std::size_t rows, std::size_t cols, bool noise = true, bool priorSamples = false);
    /// Encodes and decodes (training: a sampled latent; eval: the mean) and keeps the batch's mean
    /// KL divergence for regularizer().
    torch::Tensor forward(torch::Tensor x) override;
    /// The decoder's output for prior latents at the last training batch's parameters; undefined
    /// in eval mode or without `priorSamples`.
    const torch::Tensor& priorOutput() const { return m_prior; }
    bool noise() const { return m_noise; }
    /// The multiplier of the decoded standard deviation in sample(): `scale` + `slope` · (zNorm,
    /// ζNorm), kept in 0..2 (RunConfig::generatorNoiseScale, generatorNoiseSlope; 1 and {0, 0}: the
    /// likelihood's own σ). Training's draws do not use it.
    void setNoiseScale(double scale, std::array<double, 2> slope = {0, 0})
    {
        m_noiseScale = scale;
        m_noiseSlope = slope;
    }
    double noiseScale(double zNorm, double zetaNorm) const;
    /// sample() draws each cell's ionized state from the decoded probability (RunConfig::
    /// generatorSampleMask); off: channel 0 is the decoded logit itself.
    void setSampleMask(bool on) { m_sampleMask = on; }
    /// Per-point calibration (RunConfig::generatorPoints): sample() draws with the interpolation
    /// (pointWeights) of the points' offsets, scales, widths and, quantile by quantile, of their
    /// drawn and simulated quantiles (so between points both distributions are interpolated as
    /// quantile functions, as a Wasserstein barycentre does) instead of noiseScale. Empty: off. All points
    /// need quantile lists of one length (ParameterError).
    void setPoints(std::vector<GeneratorDrawPoint> points);
    const std::vector<GeneratorDrawPoint>& points() const { return m_points; }
    /// RunConfig::generatorNeutralPoints (with setPoints): sample() then takes from drawingAt only
    /// the sharpness, noise and simulated quantiles. It decodes kReferenceMaps reference maps at
    /// the target with a fixed seed (at the training size) and solves the offset on their logits
    /// for their own expected neutral fraction plus the interpolated correction, then takes the
    /// drawn quantiles from those maps drawn with it (referenceDrawing). Interpolating the points'
    /// offsets and drawn quantiles instead mixed calibrations of other logits and other drawn
    /// values: between z 8 and 9, ζ 30 and 40, where z 8 ζ 40's neutral cells are drawn near
    /// 0 mK, maps came out 0.055 too neutral with a PDF KS of 0.2 (gen14 note).
    void setNeutralPoints(std::vector<GeneratorNeutralDrawPoint> points);
    const std::vector<GeneratorNeutralDrawPoint>& neutralPoints() const { return m_neutralPoints; }
    /// How sample() draws at (zNorm, ζNorm): drawingAt, or with neutral points the drawing measured
    /// on reference maps (the last one is kept for the next call at the same place).
    GeneratorDrawing referenceDrawing(double zNorm, double zetaNorm, const torch::Device& device);
    /// How sample() draws at (zNorm, ζNorm). The ionized offset and sharpness stay inside the range
    /// of the nearest points' (kernel ≥ 0.1 of the nearest's, pointWeights): at a point its own,
    /// between points theirs, so a far neighbour's extreme offset cannot be extrapolated to.
    GeneratorDrawing drawingAt(double zNorm, double zetaNorm) const;
    /// The decoder's planes (n, 2 or 3, rows, cols) for `n` latents from the prior drawn with `rng`.
    torch::Tensor decodePrior(std::size_t n, double zNorm, double zetaNorm, std::mt19937_64& rng,
        const torch::Device& device, std::size_t rows = 0, std::size_t cols = 0);
    /// Maps from decoded planes with `rng`: channel 0 the logit times the sharpness plus the offset (and with
    /// setSampleMask a standard logistic draw), channel 1 the value drawn with the decoded σ times
    /// the drawing's scale and noise width (with the noise option), through its quantile maps.
    torch::Tensor draw(const torch::Tensor& decoded, const GeneratorDrawing& how, std::mt19937_64& rng) const;
    /// The latent means, flattened.
    torch::Tensor features(torch::Tensor x) override;
    std::string scriptSource() const override;
    torch::Tensor regularizer() const override { return m_kl; }
    /// Decodes `n` latents drawn from the prior (correlatePrior of N(0, 1) cells from a
    /// std::mt19937_64 seeded with `seed`, so the maps
    /// are reproducible everywhere) at the normalised condition (z, ζ) and draws from them
    /// (draw, with drawingAt): (n, 2, rows, cols); with setSampleMask the sign of channel 0 is a
    /// Bernoulli draw of "ionized", and with the noise option channel 1 is a drawn value (all
    /// from the same generator). `rows`, `cols`: the maps' size, the
    /// training size when 0 (the decoder is convolutional, so any multiple of 8 works at the training cell size).
    /// Throws ParameterError for other sizes.
    torch::Tensor sample(std::size_t n, double zNorm, double zetaNorm, std::uint64_t seed, const torch::Device& device,
        std::size_t rows = 0, std::size_t cols = 0);
    GenEncoder encoder {nullptr};
    GenDecoder decoder {nullptr};

private:
    std::size_t m_rows, m_cols;
    bool m_noise, m_priorSamples;
    double m_noiseScale = 1.0;
    std::array<double, 2> m_noiseSlope {0, 0};
    bool m_sampleMask = false;
    std::vector<GeneratorDrawPoint> m_points;
    std::vector<GeneratorNeutralDrawPoint> m_neutralPoints;
    struct {
        bool valid = false;
        double zNorm = 0, zetaNorm = 0;
        std::string device;
        GeneratorDrawing drawing;
    } m_reference; ///< referenceDrawing's last result
    torch::Tensor m_kl, m_prior;
};
TORCH_MODULE(GeneratorNet);

} // namespace rs::ml::detail
