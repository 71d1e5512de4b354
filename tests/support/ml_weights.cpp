#include "ml_weights.h"

#include "ml/detail/checkpoint.h"
#include "ml/run_folder.h"

namespace fixtures {

std::vector<float> checkpointWeights(const std::string& run)
{
    using namespace rs::ml;
    const RunConfig c = readRunConfig(run);
    auto net = rs::ml::detail::makeNet(c.model, c.rows, c.cols, rs::ml::detail::outputCount(c));
    rs::ml::detail::CheckpointMeta want;
    want.model = c.model;
    want.task = c.task;
    want.rows = c.rows;
    want.cols = c.cols;
    want.outputs = rs::ml::detail::outputCount(c);
    want.datasetHash = c.datasetHash;
    rs::ml::detail::loadCheckpoint(checkpointPath(run), want, *net, nullptr);
    std::vector<float> w;
    for (const torch::Tensor& p : net->parameters()) {
        const torch::Tensor t = p.detach().contiguous().reshape({-1});
        w.insert(w.end(), t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
    }
    return w;
}

} // namespace fixtures
