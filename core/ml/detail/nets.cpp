#include "ml/detail/nets.h"

#include "ml/detail/generator_net.h"
#include "ml/detail/unet.h"

#include "util/error.h"

namespace rs::ml::detail {

namespace {

namespace nn = torch::nn;

nn::Conv2d conv3x3(int in, int out)
{
    return nn::Conv2d(nn::Conv2dOptions(in, out, 3).padding(1));
}

torch::Tensor pool2(const torch::Tensor& x)
{
    return torch::max_pool2d(x, {2, 2}, {2, 2});
}
torch::Tensor up2(const torch::Tensor& x)
{
    return torch::upsample_nearest2d(x, {x.size(2) * 2, x.size(3) * 2});
}

// TorchScript source pieces; parameter names are registration paths with '.' → '_'.
std::string sConv(const std::string& x, const std::string& name)
{
    return "torch.conv2d(" + x + ", self." + name + "_weight, self." + name + "_bias, [1, 1], [1, 1])";
}
std::string sLinear(const std::string& x, const std::string& name)
{
    return "torch.linear(" + x + ", self." + name + "_weight, self." + name + "_bias)";
}
const char* sPool = "        x = torch.max_pool2d(x, [2, 2], [2, 2])\n";
const char* sUp = "        x = torch.upsample_nearest2d(x, [x.size(2) * 2, x.size(3) * 2])\n";
std::string sReluConv(const std::string& name)
{
    return "        x = torch.relu(" + sConv("x", name) + ")\n";
}

std::string encoderScript()
{
    return "    def encode(self, x):\n" + sReluConv("encoder_conv1") + sPool + sReluConv("encoder_conv2") + sPool
        + sReluConv("encoder_conv3") + sPool + "        return x\n";
}

std::string denseHeadScript()
{
    return "    def head(self, x):\n        x = torch.relu(" + sLinear("x", "head_fc1") + ")\n        return "
        + sLinear("x", "head_out") + "\n";
}

} // namespace

// ---- autoencoder ------------------------------------------------------------------------------

SeedEncoderImpl::SeedEncoderImpl()
{
    conv1 = register_module("conv1", conv3x3(1, 16));
    conv2 = register_module("conv2", conv3x3(16, 8));
    conv3 = register_module("conv3", conv3x3(8, 8));
}

torch::Tensor SeedEncoderImpl::forward(torch::Tensor x)
{
    x = pool2(torch::relu(conv1->forward(x)));
    x = pool2(torch::relu(conv2->forward(x)));
    return pool2(torch::relu(conv3->forward(x)));
}

SeedDecoderImpl::SeedDecoderImpl()
{
    conv1 = register_module("conv1", conv3x3(8, 8));
    conv2 = register_module("conv2", conv3x3(8, 8));
    conv3 = register_module("conv3", conv3x3(8, 16));
    conv4 = register_module("conv4", conv3x3(16, 1));
}

torch::Tensor SeedDecoderImpl::forward(torch::Tensor x)
{
    x = up2(torch::relu(conv1->forward(x)));
    x = up2(torch::relu(conv2->forward(x)));
    x = up2(torch::relu(conv3->forward(x)));
    return conv4->forward(x);
}

AutoencoderImpl::AutoencoderImpl(std::size_t rows, std::size_t cols)
{
    if (rows % 8 || cols % 8 || rows < 8 || cols < 8)
        throw ParameterError("model",
            "the autoencoder needs an input size divisible by 8; the dataset's is " + std::to_string(rows) + "x"
                + std::to_string(cols));
    encoder = register_module("encoder", SeedEncoder());
    decoder = register_module("decoder", SeedDecoder());
}

torch::Tensor AutoencoderImpl::forward(torch::Tensor x)
{
    return decoder->forward(encoder->forward(x));
}
torch::Tensor AutoencoderImpl::features(torch::Tensor x)
{
    return encoder->forward(x).flatten(1);
}

std::string AutoencoderImpl::scriptSource() const
{
    std::string s = encoderScript();
    s += "    def decode(self, x):\n" + sReluConv("decoder_conv1") + sUp + sReluConv("decoder_conv2") + sUp
        + sReluConv("decoder_conv3") + sUp + "        return " + sConv("x", "decoder_conv4") + "\n";
    s += "    def forward(self, x):\n        return self.decode(self.encode(x))\n";
    s += "    def features(self, x):\n        return self.encode(x).flatten(1)\n";
    return s;
}

// ---- MLP --------------------------------------------------------------------------------------

MlpImpl::MlpImpl(std::size_t rows, std::size_t cols, int outputs)
{
    if (outputs < 1)
        throw ParameterError("model", "the MLP needs at least one output");
    hidden = register_module("hidden", nn::Linear(std::int64_t(rows * cols), 350));
    out = register_module("out", nn::Linear(350, outputs));
}

torch::Tensor MlpImpl::features(torch::Tensor x)
{
    return torch::relu(hidden->forward(x.flatten(1)));
}
torch::Tensor MlpImpl::forward(torch::Tensor x)
{
    return out->forward(features(x));
}

std::string MlpImpl::scriptSource() const
{
    return "    def features(self, x):\n        return torch.relu(" + sLinear("x.flatten(1)", "hidden")
        + ")\n    def forward(self, x):\n        return " + sLinear("self.features(x)", "out") + "\n";
}

// ---- CNN on slices ----------------------------------------------------------------------------

CnnTrunkImpl::CnnTrunkImpl()
{
    conv1 = register_module("conv1", conv3x3(1, 16));
    conv2 = register_module("conv2", conv3x3(16, 32));
    conv3 = register_module("conv3", conv3x3(32, 64));
    conv4 = register_module("conv4", conv3x3(64, 64));
}

torch::Tensor CnnTrunkImpl::forward(torch::Tensor x)
{
    x = pool2(torch::relu(conv1->forward(x)));
    x = pool2(torch::relu(conv2->forward(x)));
    x = pool2(torch::relu(conv3->forward(x)));
    return torch::relu(conv4->forward(x)).mean({2, 3});
}

DenseHeadImpl::DenseHeadImpl(int inputs, int outputs)
{
    fc1 = register_module("fc1", nn::Linear(inputs, 64));
    out = register_module("out", nn::Linear(64, outputs));
}

torch::Tensor DenseHeadImpl::forward(torch::Tensor x)
{
    return out->forward(torch::relu(fc1->forward(x)));
}

CnnImpl::CnnImpl(std::size_t rows, std::size_t cols, int outputs)
{
    if (rows < 8 || cols < 8)
        throw ParameterError("model", "the CNN needs inputs of at least 8x8");
    if (outputs < 1)
        throw ParameterError("model", "the CNN needs at least one output");
    trunk = register_module("features", CnnTrunk());
    head = register_module("head", DenseHead(64, outputs));
}

torch::Tensor CnnImpl::features(torch::Tensor x)
{
    return trunk->forward(x);
}
torch::Tensor CnnImpl::forward(torch::Tensor x)
{
    return head->forward(trunk->forward(x));
}

std::string CnnImpl::scriptSource() const
{
    std::string s = "    def features(self, x):\n" + sReluConv("features_conv1") + sPool + sReluConv("features_conv2")
        + sPool + sReluConv("features_conv3") + sPool + sReluConv("features_conv4") + "        return x.mean([2, 3])\n";
    s += denseHeadScript();
    s += "    def forward(self, x):\n        return self.head(self.features(x))\n";
    return s;
}

// ---- CNN on frozen autoencoder codes ----------------------------------------------------------

CodesTrunkImpl::CodesTrunkImpl()
{
    conv1 = register_module("conv1", conv3x3(8, 32));
    conv2 = register_module("conv2", conv3x3(32, 64));
}

torch::Tensor CodesTrunkImpl::forward(torch::Tensor x)
{
    x = pool2(torch::relu(conv1->forward(x)));
    return torch::relu(conv2->forward(x)).mean({2, 3});
}

CodesCnnImpl::CodesCnnImpl(std::size_t rows, std::size_t cols, int outputs)
{
    if (rows % 8 || cols % 8 || rows < 16 || cols < 16)
        throw ParameterError("model",
            "codes-cnn needs an input size divisible by 8 and at least 16x16; the "
            "dataset's is "
                + std::to_string(rows) + "x" + std::to_string(cols));
    if (outputs < 1)
        throw ParameterError("model", "codes-cnn needs at least one output");
    encoder = register_module("encoder", SeedEncoder());
    trunk = register_module("codes", CodesTrunk());
    head = register_module("head", DenseHead(64, outputs));
}

void CodesCnnImpl::freezeEncoder()
{
    for (torch::Tensor& p : encoder->parameters())
        p.set_requires_grad(false);
    encoder->eval();
}

void CodesCnnImpl::train(bool on)
{
    torch::nn::Module::train(on);
    encoder->eval();
}

torch::Tensor CodesCnnImpl::features(torch::Tensor x)
{
    return encoder->forward(x).flatten(1);
}

torch::Tensor CodesCnnImpl::forward(torch::Tensor x)
{
    torch::Tensor code;
    {
        torch::NoGradGuard noGrad; // the encoder is frozen: no graph through it
        code = encoder->forward(x);
    }
    return head->forward(trunk->forward(code));
}

std::string CodesCnnImpl::scriptSource() const
{
    std::string s = encoderScript();
    s += "    def codes(self, x):\n" + sReluConv("codes_conv1") + sPool + sReluConv("codes_conv2")
        + "        return x.mean([2, 3])\n";
    s += denseHeadScript();
    s += "    def forward(self, x):\n        return self.head(self.codes(self.encode(x)))\n";
    s += "    def features(self, x):\n        return self.encode(x).flatten(1)\n";
    return s;
}

// ---- helpers ----------------------------------------------------------------------------------

std::shared_ptr<NetBase> makeNet(ModelKind model, std::size_t rows, std::size_t cols, int outputs, int inChannels)
{
    switch (model) {
    case ModelKind::UNet:
        return UNet(rows, cols, inChannels).ptr();
    case ModelKind::Generator:
        return GeneratorNet(rows, cols).ptr();
    case ModelKind::Autoencoder:
        return Autoencoder(rows, cols).ptr();
    case ModelKind::Mlp:
        return Mlp(rows, cols, outputs).ptr();
    case ModelKind::Cnn:
        return Cnn(rows, cols, outputs).ptr();
    case ModelKind::CodesCnn: {
        auto net = CodesCnn(rows, cols, outputs).ptr();
        net->freezeEncoder();
        return net;
    }
    }
    throw ParameterError("model", "unknown model");
}

std::shared_ptr<NetBase> makeNet(const RunConfig& c)
{
    if (c.model == ModelKind::Generator) {
        auto net = GeneratorNet(c.rows, c.cols, c.generatorNoise, c.priorLossWeight > 0).ptr();
        net->setNoiseScale(c.generatorNoiseScale, c.generatorNoiseSlope);
        net->setSampleMask(c.generatorSampleMask);
        net->setPoints(drawPoints(c));
        net->setNeutralPoints(neutralDrawPoints(c));
        return net;
    }
    return makeNet(c.model, c.rows, c.cols, outputCount(c), inputChannels(c));
}

int outputCount(const RunConfig& c)
{
    switch (c.task) {
    case Task::Classify:
        return int(c.classes.size());
    case Task::Regress:
    case Task::Translate:
        return 1;
    case Task::Reconstruct:
    case Task::Generate:
        return 0;
    }
    return 0;
}

int inputChannels(const RunConfig& c)
{
    if (c.model == ModelKind::Generator)
        return 3; // the map and the z, ζ planes
    if (c.model != ModelKind::UNet)
        return 1;
    return 1 + int(c.contextRadiiMpc.size()) + (c.condition ? 2 : 0) + (budgetPlane(c) ? 1 : 0);
}

bool budgetPlane(const RunConfig& c)
{
    return c.model == ModelKind::UNet && c.condition && c.conditionBudget;
}

std::int64_t parameterCount(const torch::nn::Module& m)
{
    std::int64_t n = 0;
    for (const torch::Tensor& p : m.parameters())
        n += p.numel();
    return n;
}

void toChannelsLast(torch::nn::Module& m, const torch::Device& device)
{
    torch::NoGradGuard noGrad;
    for (torch::Tensor& p : m.parameters()) {
        if (p.dim() == 4)
            p.set_data(p.to(device, torch::kFloat, false, true, torch::MemoryFormat::ChannelsLast));
        else if (p.device() != device)
            p.set_data(p.to(device));
    }
    for (torch::Tensor& b : m.buffers())
        if (b.device() != device)
            b.set_data(b.to(device));
}

torch::Tensor inputTensor(
    const float* data, std::size_t n, std::size_t rows, std::size_t cols, const torch::Device& device)
{
    torch::Tensor t = torch::from_blob(
        const_cast<float*>(data), {std::int64_t(n), 1, std::int64_t(rows), std::int64_t(cols)}, torch::kFloat);
    return t.to(device, torch::kFloat, false, true, torch::MemoryFormat::ChannelsLast);
}

} // namespace rs::ml::detail
