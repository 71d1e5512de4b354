#pragma once
/// \file nets.h
/// PRIVATE to core/ml (includes LibTorch): the network modules. Registration names are stable:
/// they are the keys of checkpoints and of the TorchScript export, so never rename them.
///
///   ae         encoder.conv1 (1→16), encoder.conv2 (16→8), encoder.conv3 (8→8), each 3×3 + ReLU +
///              2×2 max-pool; decoder.conv1 (8→8), decoder.conv2 (8→8), decoder.conv3 (8→16), each
///              3×3 + ReLU + 2× nearest up-sampling after conv1..3; decoder.conv4 (16→1), linear
///              output. 4,385 parameters (the seed's Keras model); inputs divisible by 8.
///   mlp        hidden (rows·cols → 350, ReLU), out (350 → outputs): the seed's baseline.
///   cnn        features.conv1..4 (1→16→32→64→64, 3×3 + ReLU, max-pool after 1..3), global mean,
///              head.fc1 (64 → 64, ReLU), head.out (64 → outputs).
///   codes-cnn  encoder.* (frozen, from an ae run), codes.conv1 (8→32) + ReLU + max-pool,
///              codes.conv2 (32→64) + ReLU, global mean, head.fc1 (64→64, ReLU), head.out.
///   unet       see unet.h.
///   generator  see generator_net.h.

#include "ml/labels.h"
#include "ml/run_folder.h"

#include <torch/torch.h>

#include <string>

namespace rs::ml::detail {

/// The common face of every network: forward (normalised input → logits, standardised value or
/// reconstruction), features for projections, and its TorchScript source.
class NetBase : public torch::nn::Module {
public:
    virtual torch::Tensor forward(torch::Tensor x) = 0;
    /// Encoder codes (ae, codes-cnn) or last hidden features (mlp, cnn), flattened per sample.
    virtual torch::Tensor features(torch::Tensor x) = 0;
    /// TorchScript methods `forward(self, x)` and `features(self, x)` over parameters named as
    /// their registration names with '.' replaced by '_'.
    virtual std::string scriptSource() const = 0;
    /// A term the last forward pass adds to the loss (the generator's KL divergence); undefined
    /// for the others.
    virtual torch::Tensor regularizer() const { return {}; }
};

class SeedEncoderImpl : public torch::nn::Module {
public:
    SeedEncoderImpl();
    torch::Tensor forward(torch::Tensor x);
    torch::nn::Conv2d conv1 {nullptr}, conv2 {nullptr}, conv3 {nullptr};
};
TORCH_MODULE(SeedEncoder);

class SeedDecoderImpl : public torch::nn::Module {
public:
    SeedDecoderImpl();
    torch::Tensor forward(torch::Tensor code);
    torch::nn::Conv2d conv1 {nullptr}, conv2 {nullptr}, conv3 {nullptr}, conv4 {nullptr};
};
TORCH_MODULE(SeedDecoder);

class AutoencoderImpl : public NetBase {
public:
    AutoencoderImpl(std::size_t rows, std::size_t cols);
    torch::Tensor forward(torch::Tensor x) override;
    torch::Tensor features(torch::Tensor x) override;
    std::string scriptSource() const override;
    SeedEncoder encoder {nullptr};
    SeedDecoder decoder {nullptr};
};
TORCH_MODULE(Autoencoder);

class MlpImpl : public NetBase {
public:
    MlpImpl(std::size_t rows, std::size_t cols, int outputs);
    torch::Tensor forward(torch::Tensor x) override;
    torch::Tensor features(torch::Tensor x) override;
    std::string scriptSource() const override;
    torch::nn::Linear hidden {nullptr}, out {nullptr};
};
TORCH_MODULE(Mlp);

class CnnTrunkImpl : public torch::nn::Module {
public:
    CnnTrunkImpl();
    torch::Tensor forward(torch::Tensor x); ///< → (n, 64) global mean of the last feature map
    torch::nn::Conv2d conv1 {nullptr}, conv2 {nullptr}, conv3 {nullptr}, conv4 {nullptr};
};
TORCH_MODULE(CnnTrunk);

class DenseHeadImpl : public torch::nn::Module {
public:
    DenseHeadImpl(int inputs, int outputs);
    torch::Tensor forward(torch::Tensor x);
    torch::nn::Linear fc1 {nullptr}, out {nullptr};
};
TORCH_MODULE(DenseHead);

class CnnImpl : public NetBase {
public:
    CnnImpl(std::size_t rows, std::size_t cols, int outputs);
    torch::Tensor forward(torch::Tensor x) override;
    torch::Tensor features(torch::Tensor x) override;
    std::string scriptSource() const override;
    CnnTrunk trunk {nullptr}; ///< registered as "features"
    DenseHead head {nullptr};
};
TORCH_MODULE(Cnn);

class CodesTrunkImpl : public torch::nn::Module {
public:
    CodesTrunkImpl();
    torch::Tensor forward(torch::Tensor code); ///< → (n, 64)
    torch::nn::Conv2d conv1 {nullptr}, conv2 {nullptr};
};
TORCH_MODULE(CodesTrunk);

class CodesCnnImpl : public NetBase {
public:
    CodesCnnImpl(std::size_t rows, std::size_t cols, int outputs);
    torch::Tensor forward(torch::Tensor x) override;
    torch::Tensor features(torch::Tensor x) override;
    std::string scriptSource() const override;
    /// Freezes the encoder (no gradients, always in eval mode).
    void freezeEncoder();
    void train(bool on = true) override;
    SeedEncoder encoder {nullptr};
    CodesTrunk trunk {nullptr}; ///< registered as "codes"
    DenseHead head {nullptr};
};
TORCH_MODULE(CodesCnn);

/// Builds the network of `model` for an input of rows × cols and `outputs` outputs (classes, 1
/// for regression; ignored by ae and unet) with `inChannels` input channels (unet only; the
/// others take one). Throws ParameterError for an input size the model cannot take.
std::shared_ptr<NetBase> makeNet(ModelKind model, std::size_t rows, std::size_t cols, int outputs, int inChannels = 1);

/// The network of a run: makeNet with the run's sizes, outputs and input channels, and for
/// generator runs its decoder options (RunConfig::generatorNoise, priorLossWeight). Throws as makeNet.
std::shared_ptr<NetBase> makeNet(const RunConfig& c);

/// Number of outputs of a run's network (classes, 1 for regression and translation, 0 for
/// reconstruction).
int outputCount(const RunConfig& c);

/// Input channels of a run's network: 1, or for unet density + context channels + the condition
/// planes when conditioned (z and ζ, and ln(ζ f_ST) with RunConfig::conditionBudget).
int inputChannels(const RunConfig& c);

/// Whether a run's input carries the ln(ζ f_ST) plane: conditioned unet runs with
/// RunConfig::conditionBudget (the generator's z and ζ planes never include it).
bool budgetPlane(const RunConfig& c);

/// Number of trainable + frozen parameters.
std::int64_t parameterCount(const torch::nn::Module& m);

/// Moves parameters (and buffers) to `device` in channels-last memory format (4-D ones), the
/// fastest layout for oneDNN convolutions here.
void toChannelsLast(torch::nn::Module& m, const torch::Device& device);

/// A batch of raw-normalised samples as an (n, 1, rows, cols) tensor on `device`, channels-last.
torch::Tensor inputTensor(
    const float* data, std::size_t n, std::size_t rows, std::size_t cols, const torch::Device& device);

} // namespace rs::ml::detail
