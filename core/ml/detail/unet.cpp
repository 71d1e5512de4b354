#include "ml/detail/unet.h"

#include "util/error.h"

namespace rs::ml::detail {

namespace {

namespace nn = torch::nn;

nn::Conv2d conv3(int in, int out)
{
    return nn::Conv2d(nn::Conv2dOptions(in, out, 3).padding(1));
}
torch::Tensor pool2(const torch::Tensor& x)
{
    return torch::max_pool2d(x, {2, 2}, {2, 2});
}
torch::Tensor upsample2(const torch::Tensor& x)
{
    return torch::upsample_nearest2d(x, {x.size(2) * 2, x.size(3) * 2});
}

/// TorchScript: `out = relu(conv2(relu(conv1(in))))` of the pair registered as `name`.
std::string sPair(const std::string& out, const std::string& in, const std::string& name)
{
    auto conv = [](const std::string& x, const std::string& p) {
        return "torch.relu(torch.conv2d(" + x + ", self." + p + "_weight, self." + p + "_bias, [1, 1], [1, 1]))";
    };
    return "        " + out + " = " + conv(conv(in, name + "_conv1"), name + "_conv2") + "\n";
}

std::string sUpCat(const std::string& x, const std::string& skip)
{
    return "        " + x + " = torch.cat([torch.upsample_nearest2d(" + x + ", [" + x + ".size(2) * 2, " + x
        + ".size(3) * 2]), " + skip + "], 1)\n";
}

} // namespace

ConvPairImpl::ConvPairImpl(int in, int out)
{
    conv1 = register_module("conv1", conv3(in, out));
    conv2 = register_module("conv2", conv3(out, out));
}

torch::Tensor ConvPairImpl::forward(torch::Tensor x)
{
    return torch::relu(conv2->forward(torch::relu(conv1->forward(x))));
}

UNetImpl::UNetImpl(std::size_t rows, std::size_t cols, int inChannels)
    : m_in(inChannels)
{
    if (rows % 8 || cols % 8 || rows < 8 || cols < 8)
        throw ParameterError("model",
            "the U-Net needs a sample size divisible by 8; the dataset's is " + std::to_string(rows) + "x"
                + std::to_string(cols));
    if (inChannels < 1)
        throw ParameterError("model", "the U-Net needs at least one input channel");
    const int w = kUNetWidth;
    down1 = register_module("down1", ConvPair(inChannels, w));
    down2 = register_module("down2", ConvPair(w, 2 * w));
    down3 = register_module("down3", ConvPair(2 * w, 4 * w));
    bottom = register_module("bottom", ConvPair(4 * w, 4 * w));
    up3 = register_module("up3", ConvPair(8 * w, 4 * w));
    up2 = register_module("up2", ConvPair(6 * w, 2 * w));
    up1 = register_module("up1", ConvPair(3 * w, w));
    out = register_module("out", nn::Conv2d(nn::Conv2dOptions(w, 1, 1)));
}

torch::Tensor UNetImpl::bottomOf(torch::Tensor x, torch::Tensor& d1, torch::Tensor& d2, torch::Tensor& d3)
{
    d1 = down1->forward(x);
    d2 = down2->forward(pool2(d1));
    d3 = down3->forward(pool2(d2));
    return bottom->forward(pool2(d3));
}

torch::Tensor UNetImpl::forward(torch::Tensor x)
{
    torch::Tensor d1, d2, d3;
    x = bottomOf(x, d1, d2, d3);
    x = up3->forward(torch::cat({upsample2(x), d3}, 1));
    x = up2->forward(torch::cat({upsample2(x), d2}, 1));
    x = up1->forward(torch::cat({upsample2(x), d1}, 1));
    return out->forward(x);
}

torch::Tensor UNetImpl::features(torch::Tensor x)
{
    torch::Tensor d1, d2, d3;
    return bottomOf(x, d1, d2, d3).mean({2, 3});
}

std::string UNetImpl::scriptSource() const
{
    std::string down = sPair("d1", "x", "down1") + sPair("d2", "torch.max_pool2d(d1, [2, 2], [2, 2])", "down2")
        + sPair("d3", "torch.max_pool2d(d2, [2, 2], [2, 2])", "down3")
        + sPair("b", "torch.max_pool2d(d3, [2, 2], [2, 2])", "bottom");
    std::string s = "    def features(self, x):\n" + down + "        return b.mean([2, 3])\n";
    s += "    def forward(self, x):\n" + down + "        x = b\n" + sUpCat("x", "d3") + sPair("x", "x", "up3")
        + sUpCat("x", "d2") + sPair("x", "x", "up2") + sUpCat("x", "d1") + sPair("x", "x", "up1")
        + "        return torch.conv2d(x, self.out_weight, self.out_bias)\n";
    return s;
}

} // namespace rs::ml::detail
