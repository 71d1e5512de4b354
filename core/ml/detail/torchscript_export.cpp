#include "ml/detail/torchscript_export.h"

#include "util/error.h"
#include "util/file_util.h"

#include <torch/script.h>

#include <algorithm>
#include <sstream>

namespace rs::ml::detail {

torch::jit::Module buildTorchScript(NetBase& net, const RunConfig& config)
{
    torch::NoGradGuard noGrad;
    torch::jit::Module m("ReionScopeModel");
    for (const auto& p : net.named_parameters(true)) {
        std::string name = p.key();
        std::replace(name.begin(), name.end(), '.', '_');
        m.register_parameter(name, p.value().detach().to(torch::kCPU).contiguous().clone(), false);
    }
    auto scalar = [](double v) { return torch::tensor({float(v)}); };
    m.register_buffer("norm_mean", scalar(config.normMean));
    m.register_buffer("norm_std", scalar(config.normStd));
    m.register_buffer("label_mean", scalar(config.labelMean));
    m.register_buffer("label_std", scalar(config.labelStd));
    std::vector<double> classes = config.classes;
    m.register_buffer(
        "classes", classes.empty() ? torch::zeros({0}, torch::kDouble) : torch::tensor(classes, torch::kDouble));
    std::string src = net.scriptSource();
    m.register_buffer("target_mean", scalar(config.targetMean));
    m.register_buffer("target_std", scalar(config.targetStd));
    src += "    def normalise(self, raw):\n        return (raw - self.norm_mean) / self.norm_std\n";
    if (config.task == Task::Translate || config.task == Task::Generate) // inputs: the assembled channels
        src += "    def predict(self, x):\n        y = self.forward(x)\n";
    else
        src += "    def predict(self, raw):\n        y = self.forward(self.normalise(raw))\n";
    switch (config.task) {
    case Task::Classify:
        src += "        return torch.softmax(y, 1)\n";
        break;
    case Task::Regress:
        src += "        return y.squeeze(1) * self.label_std + self.label_mean\n";
        break;
    case Task::Reconstruct:
        src += "        return y * self.norm_std + self.norm_mean\n";
        break;
    case Task::Generate: // ionized cells (logit > 0) are 0 in physical units
        src += "        v = y[:, 1:2] * self.norm_std + self.norm_mean\n"
               "        return torch.where(y[:, 0:1] > 0, torch.zeros_like(v), v)\n";
        break;
    case Task::Translate:
        src += config.targetQuantity == Quantity::NeutralFraction
            ? "        return torch.sigmoid(y)\n"
            : "        return y * self.target_std + self.target_mean\n";
        break;
    }
    try {
        m.define(src);
    } catch (const c10::Error& e) {
        throw Error(std::string("internal error: TorchScript export does not compile: ") + e.what_without_backtrace());
    }
    m.eval();
    return m;
}

void exportTorchScript(const std::string& path, NetBase& net, const RunConfig& config)
{
    torch::jit::Module m = buildTorchScript(net, config);
    // Into memory first (LibTorch's file writer throws from its destructor on a failed write).
    std::ostringstream bytes;
    try {
        m.save(bytes);
    } catch (const c10::Error& e) {
        throw IoError(path, std::string("cannot serialise TorchScript model: ") + e.what_without_backtrace());
    }
    const std::string data = std::move(bytes).str();
    writeFileAtomically(path, data.data(), data.size());
}

} // namespace rs::ml::detail
