#pragma once
/// \file unet.h
/// PRIVATE to core/ml (includes LibTorch): the 2D U-Net that translates density slices (with
/// their 3D context channels and optional z, ζ planes) into x_HI or δT_b slices. Registration
/// names are checkpoint keys and TorchScript parameter names: never rename them.
///
///   unet   down1 (in→w), down2 (w→2w), down3 (2w→4w), bottom (4w→4w): each conv1 + conv2
///          (3×3, ReLU), a 2×2 max-pool before down2, down3 and bottom; up3 (bottom ⧺ down3 →
///          4w), up2 (up3 ⧺ down2 → 2w), up1 (up2 ⧺ down1 → w): 2× nearest up-sampling, then
///          the concatenation with the skip, then conv1 + conv2 (3×3, ReLU); out (1×1, w→1,
///          linear: logits of x_HI, or standardised δT_b). w = kUNetWidth. Inputs divisible by 8;
///          fully convolutional, so any such size runs (inference tiles whole slices).

#include "ml/detail/nets.h"

namespace rs::ml::detail {

/// Channels of the first level.
constexpr int kUNetWidth = 8;

class ConvPairImpl : public torch::nn::Module {
public:
    ConvPairImpl(int in, int out);
    torch::Tensor forward(torch::Tensor x);
    torch::nn::Conv2d conv1 {nullptr}, conv2 {nullptr};
};
TORCH_MODULE(ConvPair);

class UNetImpl : public NetBase {
public:
    /// Throws ParameterError for sizes not divisible by 8 or inChannels < 1.
    UNetImpl(std::size_t rows, std::size_t cols, int inChannels);
    torch::Tensor forward(torch::Tensor x) override;
    /// The bottom level's mean over space: (n, 4w).
    torch::Tensor features(torch::Tensor x) override;
    std::string scriptSource() const override;
    int inChannels() const { return m_in; }
    ConvPair down1 {nullptr}, down2 {nullptr}, down3 {nullptr}, bottom {nullptr};
    ConvPair up3 {nullptr}, up2 {nullptr}, up1 {nullptr};
    torch::nn::Conv2d out {nullptr};

private:
    torch::Tensor bottomOf(torch::Tensor x, torch::Tensor& d1, torch::Tensor& d2, torch::Tensor& d3);
    int m_in;
};
TORCH_MODULE(UNet);

} // namespace rs::ml::detail
