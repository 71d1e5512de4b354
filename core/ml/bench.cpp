#include "ml/bench.h"

#include "ml/dataset.h"
#include "ml/detail/nets.h"
#include "ml/ml_setup.h"
#include "ml/predictor.h"
#include "ml/trainer.h"
#include "util/error.h"

#include <chrono>
#include <filesystem>
#include <random>

namespace rs::ml {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double>(b - a).count();
}

/// 8 realizations × 2 redshifts of size × size × depth noise cubes: enough training slices for
/// the timed batches, two classes in every split.
std::string makeDataset(const std::string& dir, std::size_t size, std::size_t slicesNeeded)
{
    const std::size_t depth = std::max<std::size_t>(8, (slicesNeeded + 11) / 12 + 1);
    std::vector<DatasetSource> sources;
    for (int seed = 1; seed <= 8; ++seed)
        for (double z : {7.0, 8.0}) {
            DatasetSource s;
            s.id = "bench:seed" + std::to_string(seed) + ":z" + std::to_string(int(z));
            s.group = "seed=" + std::to_string(seed);
            s.load = [=]() -> std::pair<Cube, std::optional<Cube>> {
                CubeMetadata m;
                m.quantity = Quantity::BrightnessTemperature;
                m.redshift = z;
                m.parameters[param::zeta] = 20.0;
                Cube c = Cube::uninitialized(
                    {size, size, depth}, {1.5 * double(size), 1.5 * double(size), 1.5 * double(depth)}, m);
                std::mt19937 rng(unsigned(seed * 100 + int(z)));
                std::normal_distribution<float> g(float(z), 1.0f);
                float* v = c.mutableData();
                for (std::size_t i = 0; i < c.voxelCount(); ++i)
                    v[i] = g(rng);
                return {c, std::nullopt};
            };
            sources.push_back(std::move(s));
        }
    DatasetBuildOptions o;
    o.axes = "z";
    o.split = {0.75, 0.125, 0.125};
    o.deflateLevel = 0;
    const std::string path = (fs::path(dir) / ("bench_" + std::to_string(size) + ".h5")).string();
    buildDataset(sources, o, path);
    return path;
}

} // namespace

std::string makeBenchDataset(const std::string& dir, std::size_t size, std::size_t slicesNeeded)
{
    return makeDataset(dir, size, slicesNeeded);
}

namespace {

double bareTrain(ModelKind model, std::size_t size, std::size_t batch, std::size_t warmup, std::size_t timed)
{
    const int outputs = model == ModelKind::Autoencoder ? 0 : 2;
    auto net = detail::makeNet(model, size, size, outputs);
    const torch::Device cpu(torch::kCPU);
    detail::toChannelsLast(*net, cpu);
    std::vector<torch::Tensor> params;
    for (const torch::Tensor& p : net->parameters())
        if (p.requires_grad())
            params.push_back(p);
    torch::optim::Adam opt(params, torch::optim::AdamOptions(1e-3));
    // contiguous(ChannelsLast) is a no-op on one channel: copy into the layout explicitly, as the engine does.
    const torch::Tensor x = torch::randn({std::int64_t(batch), 1, std::int64_t(size), std::int64_t(size)})
                                .to(torch::kFloat, false, true, torch::MemoryFormat::ChannelsLast);
    const torch::Tensor y = torch::randint(0, 2, {std::int64_t(batch)}, torch::kLong);
    net->train(true);
    Clock::time_point t0;
    for (std::size_t i = 0; i < warmup + timed; ++i) {
        if (i == warmup)
            t0 = Clock::now();
        opt.zero_grad();
        const torch::Tensor out = net->forward(x);
        const torch::Tensor loss = outputs ? torch::cross_entropy_loss(out, y) : torch::mse_loss(out, x);
        loss.backward();
        opt.step();
        (void)loss.item<double>();
    }
    return double(timed * batch) / seconds(t0, Clock::now());
}

double bareInfer(ModelKind model, std::size_t size, std::size_t n)
{
    const int outputs = model == ModelKind::Autoencoder ? 0 : 2;
    auto net = detail::makeNet(model, size, size, outputs);
    detail::toChannelsLast(*net, torch::Device(torch::kCPU));
    net->eval();
    torch::NoGradGuard noGrad;
    const torch::Tensor x = torch::randn({64, 1, std::int64_t(size), std::int64_t(size)})
                                .to(torch::kFloat, false, true, torch::MemoryFormat::ChannelsLast);
    (void)net->forward(x);
    const Clock::time_point t0 = Clock::now();
    std::size_t done = 0;
    while (done < n) {
        (void)net->forward(x).sum().item<double>();
        done += 64;
    }
    return double(done) / seconds(t0, Clock::now());
}

} // namespace

std::vector<BenchRow> benchTrain(const BenchOptions& o, const ProgressFn& progress, const StopToken& stop)
{
    setComputeThreads(o.threads);
    std::vector<ModelKind> models;
    for (const std::string& m : o.models)
        models.push_back(modelFromName(m));
    for (std::size_t s : o.sizes)
        if (s % 8 || s < 16)
            throw ParameterError("size", std::to_string(s) + " is not a multiple of 8 of at least 16");
    const BenchScratch scratch(o.workDir, "reionscope-bench");
    const fs::path dir = scratch.path();

    std::vector<BenchRow> rows;
    const std::size_t total = o.sizes.size() * models.size();
    std::size_t step = 0;
    for (std::size_t size : o.sizes) {
        const std::string ds = makeDataset(dir.string(), size, (o.warmupBatches + o.timedBatches) * o.batch);
        std::string aeRun;
        for (ModelKind model : models) {
            stop.throwIfStopped();
            if (progress)
                progress(double(step++) / double(total), std::string(modelName(model)) + " at " + std::to_string(size));
            BenchRow row;
            row.model = modelName(model);
            row.size = size;
            row.batch = o.batch;
            row.threads = o.threads;

            RunConfig c;
            c.model = model;
            c.task = model == ModelKind::Autoencoder ? Task::Reconstruct : Task::Classify;
            c.target = Target::Z;
            c.datasetPath = ds;
            c.batch = o.batch;
            c.epochs = 1;
            c.threads = o.threads;
            c.device = "cpu";
            c.historyEvery = 5;
            c.maxBatchesPerEpoch = o.warmupBatches + o.timedBatches;
            const std::string runDir = (dir / (row.model + "_" + std::to_string(size))).string();
            fs::remove_all(runDir);
            if (model == ModelKind::CodesCnn) {
                if (aeRun.empty()) { // codes-cnn needs a trained encoder of this size
                    RunConfig a = c;
                    a.model = ModelKind::Autoencoder;
                    a.task = Task::Reconstruct;
                    a.maxBatchesPerEpoch = 1;
                    aeRun = (dir / ("ae_enc_" + std::to_string(size))).string();
                    fs::remove_all(aeRun);
                    train(aeRun, a, {}, stop);
                }
                c.encoderRun = aeRun;
            }
            const double bareBefore = bareTrain(model, size, o.batch, o.warmupBatches, o.timedBatches);
            Clock::time_point tWarm, tLast;
            std::size_t seen = 0;
            train(
                runDir, c,
                [&](const TrainProgress& p) {
                    if (p.kind != TrainProgress::Kind::Batch)
                        return;
                    if (p.batch == o.warmupBatches)
                        tWarm = Clock::now();
                    if (p.batch > o.warmupBatches)
                        seen += o.batch;
                    tLast = Clock::now();
                },
                stop);
            row.engineTrain = seen ? double(seen) / seconds(tWarm, tLast) : 0;
            if (model == ModelKind::Autoencoder)
                aeRun = runDir;
            // The machine is shared: bare runs before and after the engine, averaged.
            row.bareTrain = 0.5 * (bareBefore + bareTrain(model, size, o.batch, o.warmupBatches, o.timedBatches));

            const std::size_t n = o.timedBatches * o.batch;
            const double bareInferBefore = bareInfer(model, size, n);
            Predictor pred(runDir);
            std::vector<float> raw(64 * size * size, 1.0f);
            (void)pred.predict(raw.data(), 64);
            std::vector<float> many(n * size * size, 1.0f);
            const Clock::time_point t0 = Clock::now();
            (void)pred.predict(many.data(), n);
            row.engineInfer = double(n) / seconds(t0, Clock::now());
            row.bareInfer = 0.5 * (bareInferBefore + bareInfer(model, size, n));
            rows.push_back(row);
        }
    }
    if (progress)
        progress(1.0, "done");
    return rows;
}

} // namespace rs::ml
