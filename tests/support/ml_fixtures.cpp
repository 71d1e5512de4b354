#include "ml_fixtures.h"

#include "io/reionscope_h5.h"
#include "ml/dataset.h"
#include "ml/run_config.h"
#include "ml/sim_sources.h"
#include "ml/trainer.h"

#include <QDir>

#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>

namespace fixtures {

std::string writeSyntheticSim(const QString& dir, double z, double zeta, int seed, std::size_t n, std::size_t nanVoxels)
{
    rs::CubeMetadata m;
    m.redshift = z;
    m.parameters[rs::param::zeta] = zeta;
    m.parameters[rs::param::seed] = std::int64_t(seed);
    m.quantity = rs::Quantity::NeutralFraction;
    const double side = 1.5 * double(n);
    rs::Cube xh({n, n, n}, {side, side, side}, m);
    m.quantity = rs::Quantity::BrightnessTemperature;
    rs::Cube tb({n, n, n}, {side, side, side}, m);
    std::mt19937 rng(unsigned(seed * 7919 + int(z * 100) + int(zeta)));
    std::uniform_real_distribution<double> u(0.0, double(n));
    std::normal_distribution<float> noise(0.0f, 1.0f);
    float* x = xh.mutableData();
    std::fill_n(x, xh.voxelCount(), 1.0f);
    const int bubbles = int(zeta / 5.0) + 1;
    const double r = 0.12 * double(n);
    for (int b = 0; b < bubbles; ++b) {
        const double ci = u(rng), cj = u(rng), ck = u(rng);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < n; ++j)
                for (std::size_t k = 0; k < n; ++k) {
                    auto d = [&](double a, double c) {
                        const double t = std::abs(a - c);
                        return std::min(t, double(n) - t);
                    };
                    const double di = d(double(i), ci), dj = d(double(j), cj), dk = d(double(k), ck);
                    if (di * di + dj * dj + dk * dk < r * r)
                        x[xh.index(i, j, k)] = 0.0f;
                }
    }
    float* t = tb.mutableData();
    for (std::size_t v = 0; v < tb.voxelCount(); ++v)
        t[v] = x[v] * float(4.0 * z) * (1.0f + 0.2f * noise(rng));
    for (std::size_t v = 0; v < nanVoxels; ++v)
        t[v * 7 % tb.voxelCount()] = std::numeric_limits<float>::quiet_NaN();
    char name[96];
    std::snprintf(name, sizeof name, "sim_z%g_zeta%g_seed%d.h5", z, zeta, seed);
    const std::string path = QDir(dir).filePath(name).toStdString();
    rs::writeReionScopeH5(path, {tb, xh});
    return path;
}

std::vector<std::string> writeSyntheticGrid(
    const QString& dir, const std::vector<double>& zs, const std::vector<double>& zetas, int seeds, std::size_t n)
{
    std::vector<std::string> out;
    for (int s = 1; s <= seeds; ++s)
        for (double z : zs)
            for (double zeta : zetas)
                out.push_back(writeSyntheticSim(dir, z, zeta, s, n));
    return out;
}

std::string buildSyntheticDataset(const QString& dir, const std::string& out, const std::vector<double>& zs,
    const std::vector<double>& zetas, int seeds, std::size_t n, std::size_t stride)
{
    const auto files = writeSyntheticGrid(dir, zs, zetas, seeds, n);
    rs::ml::DatasetBuildOptions o;
    o.stride = stride;
    rs::ml::buildDataset(rs::ml::sourcesFromFiles(files, rs::Quantity::BrightnessTemperature), o, out);
    return out;
}

rs::ml::RunConfig tinyRunConfig(const std::string& dataset, rs::ml::ModelKind model, rs::ml::Target target)
{
    rs::ml::RunConfig c;
    c.model = model;
    c.target = model == rs::ml::ModelKind::Autoencoder ? rs::ml::Target::None : target;
    c.task = rs::ml::defaultTask(model, c.target);
    c.datasetPath = dataset;
    c.batch = 8;
    c.epochs = 1;
    c.threads = 1;
    c.historyEvery = 1;
    c.optimizer.lr = 3e-3;
    return c;
}

rs::ml::SimulationGrid tinySimulationGrid(std::size_t dim)
{
    rs::ml::SimulationGrid g;
    g.base.dim = dim;
    g.base.boxMpc = 1.5 * double(dim);
    g.base.threads = 1;
    g.redshifts = {8, 9};
    g.zetas = {15, 40};
    g.seeds = {1, 2, 3, 4};
    return g;
}

TinyModelRuns trainTinyModelRuns(const QString& dir, bool withGenerator)
{
    const rs::ml::SimulationGrid g = tinySimulationGrid();
    TinyModelRuns r;
    rs::ml::DatasetBuildOptions o;
    o.axes = "z";
    o.stride = 2;
    r.maps = QDir(dir).filePath(QStringLiteral("maps.h5")).toStdString();
    rs::ml::buildDataset(rs::ml::sourcesFromSimulator(g, rs::Quantity::BrightnessTemperature), o, r.maps);
    o.quantity = rs::Quantity::Density;
    o.target = rs::Quantity::NeutralFraction;
    o.contextRadiiMpc = {3.0, 6.0};
    r.pairs = QDir(dir).filePath(QStringLiteral("pairs.h5")).toStdString();
    rs::ml::buildDataset(
        rs::ml::sourcesFromSimulator(g, rs::Quantity::Density, rs::Quantity::NeutralFraction), o, r.pairs);

    r.runs = QDir(dir).filePath(QStringLiteral("runs"));
    QDir().mkpath(r.runs);
    auto train = [&](const char* name, rs::ml::RunConfig c) {
        const std::string run = QDir(r.runs).filePath(QLatin1String(name)).toStdString();
        c.historyEvery = 0;
        if (rs::ml::train(run, c).status != rs::ml::TrainStatus::Finished)
            throw std::runtime_error(run + ": training did not finish");
        return run;
    };
    rs::ml::RunConfig unet = tinyRunConfig(r.pairs, rs::ml::ModelKind::UNet, rs::ml::Target::None);
    unet.task = rs::ml::Task::Translate;
    unet.epochs = 2;
    r.unet = train("unet", unet);
    if (withGenerator) {
        rs::ml::RunConfig gen = tinyRunConfig(r.maps, rs::ml::ModelKind::Generator, rs::ml::Target::None);
        gen.epochs = 2;
        r.gen = train("gen", gen);
    }
    r.ae = train("ae", tinyRunConfig(r.maps, rs::ml::ModelKind::Autoencoder, rs::ml::Target::None));
    return r;
}

} // namespace fixtures
