// ML datasets: build from cube files, split by simulation, normalisation from the training part,
// the HDF5 layout, streaming, refusals; plus the torch-free helpers (metrics, history, PCA).
#include "fixtures.h"
#include "ml_fixtures.h"

#include "io/cube_loader.h"
#include "io/hdf5_util.h"
#include "ml/batch_stream.h"
#include "ml/dataset.h"
#include "ml/dataset_health.h"
#include "ml/metrics.h"
#include "ml/pca.h"
#include "ml/run_folder.h"
#include "ml/sim_sources.h"
#include "ml/slice_fit.h"
#include "sim/simulator.h"
#include "util/error.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <map>
#include <set>

using namespace rs;
using namespace rs::ml;

class TestMlDataset : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void buildsSplitBySimulation()
    {
        QTemporaryDir dir;
        const std::string ds
            = fixtures::buildSyntheticDataset(dir.path(), dir.filePath("ds.h5").toStdString(), {7, 9}, {20}, 5, 16, 2);
        auto f = DatasetFile::open(ds);
        const DatasetInfo& i = f->info();
        QCOMPARE(i.rows, std::size_t(16));
        QCOMPARE(i.cols, std::size_t(16));
        QCOMPARE(i.cubes.size(), std::size_t(10));
        QCOMPARE(i.samples, std::size_t(10 * 3 * 8)); // 10 cubes × 3 axes × 8 slices (stride 2)
        QCOMPARE(i.quantity, Quantity::BrightnessTemperature);
        QCOMPARE(i.cellSizeMpc, 1.5);
        // Every cube of one seed is in one split, every split holds whole seeds.
        std::map<std::string, int> splitOfGroup;
        for (const DatasetCube& c : i.cubes) {
            auto [it, fresh] = splitOfGroup.emplace(c.group, int(c.split));
            QCOMPARE(it->second, int(c.split));
        }
        QCOMPARE(splitOfGroup.size(), std::size_t(5));
        for (int s = 0; s < 3; ++s)
            QVERIFY(i.splitCounts[s] > 0);
        for (const SampleLabels& l : f->labels()) {
            QCOMPARE(int(l.split), int(i.cubes[std::size_t(l.cube)].split));
            QCOMPARE(l.zeta, 20.0);
            QCOMPARE(l.fesc, 20.0 / 250.0); // derived with the classic N_gamma f_* = 250
            QVERIFY(l.z == 7 || l.z == 9);
            QVERIFY(l.nfSlice >= 0 && l.nfSlice <= 1);
        }
    }

    void normalisationAndLabelsFromTrainingOnly()
    {
        QTemporaryDir dir;
        const std::string ds
            = fixtures::buildSyntheticDataset(dir.path(), dir.filePath("ds.h5").toStdString(), {7, 9}, {20}, 4, 16, 4);
        auto f = DatasetFile::open(ds);
        const auto train = f->indices(Split::Train);
        const std::size_t px = 16 * 16;
        std::vector<float> x(train.size() * px);
        f->readSamples(train.data(), train.size(), x.data());
        double s = 0, s2 = 0;
        for (float v : x) {
            s += v;
            s2 += double(v) * v;
        }
        const double mean = s / double(x.size());
        QVERIFY(std::abs(f->info().normMean - mean) < 1e-6 * std::max(1.0, std::abs(mean)));
        QVERIFY(std::abs(f->info().normStd - std::sqrt(s2 / double(x.size()) - mean * mean)) < 1e-4);
        // nf of a slice is the mean of the x_HI slice of the same cube.
        const SampleLabels& l = f->labels()[0];
        const Cube xh = loadFile(f->info().cubes[0].id.substr(0, f->info().cubes[0].id.find('#')), false)[1];
        QCOMPARE(xh.quantity(), Quantity::NeutralFraction);
        const std::vector<float> sl = xh.slice(l.axis, std::size_t(l.index)).toVector();
        double nf = 0;
        for (float v : sl)
            nf += v;
        QVERIFY(std::abs(l.nfSlice - nf / double(sl.size())) < 1e-9);
    }

    void layoutReadableWithPlainHdf5()
    {
        QTemporaryDir dir;
        const std::string ds
            = fixtures::buildSyntheticDataset(dir.path(), dir.filePath("ds.h5").toStdString(), {8}, {10, 30}, 3, 16, 4);
        h5::Id f = h5::openFile(ds);
        QVERIFY(h5::isDataset(f.get(), "samples/x"));
        const auto d = h5::dims(h5::openDataset(f.get(), "samples/x", ds).get());
        QCOMPARE(d.size(), std::size_t(3));
        QCOMPARE(d[1], hsize_t(16));
        h5::Id x = h5::openDataset(f.get(), "samples/x", ds);
        h5::Id dcpl(H5Dget_create_plist(x.get()));
        hsize_t chunk[3];
        QCOMPARE(H5Pget_chunk(dcpl.get(), 3, chunk), 3);
        QCOMPARE(chunk[0], hsize_t(1)); // one chunk per sample
        for (const char* name :
            {"samples/z", "samples/zeta", "samples/f_esc", "samples/nf_slice", "samples/nf_cube", "samples/cube",
                "samples/split", "splits/train", "splits/val", "splits/test", "cubes/id", "cubes/group"})
            QVERIFY2(h5::isDataset(f.get(), name), name);
        for (const char* a : {"format", "content_hash", "norm_mean", "norm_std", "rows", "cols"})
            QVERIFY2(h5::readAttribute(f.get(), a).has_value(), a);
    }

    void hashIsStableAndContentSensitive()
    {
        QTemporaryDir dir;
        const auto files = fixtures::writeSyntheticGrid(dir.path(), {8}, {10, 30}, 3, 16);
        DatasetBuildOptions o;
        o.stride = 4;
        const std::string a = dir.filePath("a.h5").toStdString(), b = dir.filePath("b.h5").toStdString(),
                          c = dir.filePath("c.h5").toStdString();
        buildDataset(sourcesFromFiles(files, Quantity::BrightnessTemperature), o, a);
        buildDataset(sourcesFromFiles(files, Quantity::BrightnessTemperature), o, b);
        o.stride = 3;
        buildDataset(sourcesFromFiles(files, Quantity::BrightnessTemperature), o, c);
        QCOMPARE(DatasetFile::open(a)->info().contentHash, DatasetFile::open(b)->info().contentHash);
        QVERIFY(DatasetFile::open(a)->info().contentHash != DatasetFile::open(c)->info().contentHash);
    }

    void patches()
    {
        QTemporaryDir dir;
        const auto files = fixtures::writeSyntheticGrid(dir.path(), {8}, {20}, 3, 16);
        DatasetBuildOptions o;
        o.mode = SampleMode::Patches;
        o.patch = 8;
        o.axes = "z";
        o.stride = 4;
        const std::string out = dir.filePath("p.h5").toStdString();
        buildDataset(sourcesFromFiles(files, Quantity::BrightnessTemperature), o, out);
        auto f = DatasetFile::open(out);
        QCOMPARE(f->info().rows, std::size_t(8));
        QCOMPARE(f->info().samples, std::size_t(3 * 4 * 4)); // 3 cubes × 4 slices × 4 tiles
        // Tile 3 of slice 0 is the lower-right 8×8 block of that slice.
        const Cube tb = loadFile(files[0])[0];
        std::int64_t idx = -1;
        for (std::size_t k = 0; k < f->labels().size(); ++k)
            if (f->labels()[k].cube == 0 && f->labels()[k].index == 0 && f->labels()[k].tile == 3)
                idx = std::int64_t(k);
        QVERIFY(idx >= 0);
        std::vector<float> x(64);
        f->readSamples(&idx, 1, x.data());
        QCOMPARE(x[0], tb.slice(2, 0).at(8, 8));
        QCOMPARE(x[63], tb.slice(2, 0).at(15, 15));
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("NaN in inputs") << "nan"
                                       << "NaN";
        QTest::newRow("mismatched sizes") << "sizes"
                                          << "one sample size";
        QTest::newRow("too few simulations") << "few"
                                             << "at least 3";
        QTest::newRow("no such quantity") << "quantity"
                                          << "no density cube";
        QTest::newRow("bad split") << "split"
                                   << "positive";
    }

    void refusals()
    {
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        std::vector<std::string> files = fixtures::writeSyntheticGrid(dir.path(), {8}, {20}, kind == "few" ? 2 : 3, 16);
        DatasetBuildOptions o;
        Quantity q = Quantity::BrightnessTemperature;
        std::string culprit;
        if (kind == "nan") {
            culprit = fixtures::writeSyntheticSim(dir.path(), 9, 20, 4, 16, 5);
            files.push_back(culprit);
        } else if (kind == "sizes") {
            QDir(dir.path()).mkdir("big");
            culprit = fixtures::writeSyntheticSim(dir.filePath("big"), 9, 20, 4, 24);
            files.push_back(culprit);
        } else if (kind == "quantity") {
            q = Quantity::Density;
        } else if (kind == "split") {
            o.split = {0.5, 0.5, 0};
        }
        const std::string out = dir.filePath("x.h5").toStdString();
        try {
            buildDataset(sourcesFromFiles(files, q), o, out);
            QFAIL("no exception");
        } catch (const Error& e) {
            const QString msg = e.what();
            QVERIFY2(msg.contains(expected), e.what());
            if (!culprit.empty())
                QVERIFY2(msg.contains(QString::fromStdString(culprit)), e.what());
        }
        QVERIFY(!QFile::exists(QString::fromStdString(out))); // nothing half-written left
    }

    void fromSimulatorGrid()
    {
        QTemporaryDir dir;
        SimulationGrid g;
        g.base.dim = 16;
        g.base.boxMpc = 24;
        g.base.threads = 1;
        g.redshifts = {8, 9};
        g.zetas = {15, 30};
        g.seeds = {1, 2, 3};
        DatasetBuildOptions o;
        o.axes = "z";
        o.stride = 4;
        const std::string out = dir.filePath("sim.h5").toStdString();
        buildDataset(sourcesFromSimulator(g, Quantity::BrightnessTemperature), o, out);
        auto f = DatasetFile::open(out);
        QCOMPARE(f->info().cubes.size(), std::size_t(3 * 2 * 2));
        QCOMPARE(f->info().samples, std::size_t(12 * 4));
        std::map<std::string, int> splitOfSeed;
        for (const DatasetCube& c : f->info().cubes) {
            QVERIFY(c.nf >= 0 && c.nf <= 1);
            QVERIFY(c.zeta == 15 || c.zeta == 30);
            auto [it, fresh] = splitOfSeed.emplace(c.group, int(c.split));
            QCOMPARE(it->second, int(c.split)); // every z and zeta of a seed on one side
        }
        QCOMPARE(splitOfSeed.size(), std::size_t(3));
        // Higher zeta ionizes more at the same seed and redshift.
        std::map<std::pair<std::string, double>, std::map<double, double>> nf;
        for (const DatasetCube& c : f->info().cubes)
            nf[{c.group, c.z}][c.zeta] = c.nf;
        for (const auto& [key, byZeta] : nf)
            QVERIFY(byZeta.at(30) < byZeta.at(15));
        for (const SampleLabels& l : f->labels())
            QVERIFY(std::isfinite(l.nfSlice));
        QVERIFY_THROWS_EXCEPTION(
            ParameterError, sourcesFromSimulator(SimulationGrid {}, Quantity::BrightnessTemperature));
    }

    void simulatorVelocitiesChangeOnlyBrightness()
    {
        // dataset build --velocities: the same seed with the line-of-sight term gets its own id and
        // a different δT_b, while x_HI (the nf label) is the same cube.
        SimulationGrid g;
        g.base.dim = 16;
        g.base.boxMpc = 24;
        g.base.threads = 1;
        g.redshifts = {8};
        g.zetas = {20};
        g.seeds = {1};
        auto plain = sourcesFromSimulator(g, Quantity::BrightnessTemperature);
        g.base.velocities = true;
        auto withVel = sourcesFromSimulator(g, Quantity::BrightnessTemperature);
        QCOMPARE(withVel.at(0).id, plain.at(0).id + "_vel");
        QCOMPARE(withVel.at(0).group, plain.at(0).group); // same realization: same side of the split
        auto [a, nfA] = plain.at(0).load();
        auto [b, nfB] = withVel.at(0).load();
        double diff = 0;
        for (std::size_t i = 0; i < a.voxelCount(); ++i) {
            diff = std::max(diff, double(std::abs(a.data()[i] - b.data()[i])));
            QCOMPARE(nfA->data()[i], nfB->data()[i]);
        }
        QVERIFY2(diff > 0.1, qPrintable(QString("max |ΔδT_b| %1 mK").arg(diff)));
        // By name, as `--velocities` and the studio offer it: both lists each cube without, then with.
        g.base.velocities = false;
        const auto both = sourcesFromSimulator(g, Quantity::BrightnessTemperature, "both");
        QCOMPARE(both.size(), std::size_t(2));
        QCOMPARE(both[0].id, plain.at(0).id);
        QCOMPARE(both[1].id, withVel.at(0).id);
        QCOMPARE(sourcesFromSimulator(g, Quantity::BrightnessTemperature, "on").at(0).id, withVel.at(0).id);
        g.base.velocities = true; // the name wins
        QCOMPARE(sourcesFromSimulator(g, Quantity::BrightnessTemperature, "off").at(0).id, plain.at(0).id);
        QVERIFY_THROWS_EXCEPTION(ParameterError, sourcesFromSimulator(g, Quantity::BrightnessTemperature, "yes"));
    }

    void velocityConventionIsComparedWhenJudging()
    {
        // A δT_b dataset records velocity_axis when every cube has the line-of-sight terms; a
        // generator trained on one convention and judged on another (evaluate / calibrate
        // --dataset) is warned, naming the dataset; same convention or the same file: silent.
        QTemporaryDir dir;
        const SimulationGrid g = fixtures::tinySimulationGrid();
        DatasetBuildOptions o;
        o.axes = "z";
        o.stride = 8;
        std::map<std::string, std::string> path;
        for (const char* v : {"off", "on", "both"}) {
            path[v] = dir.filePath(QString("dtb_%1.h5").arg(v)).toStdString();
            buildDataset(sourcesFromSimulator(g, Quantity::BrightnessTemperature, v), o, path[v]);
        }
        const auto has = [&](const char* v) {
            return numberOf(DatasetFile::open(path[v])->info().parameters, param::velocityAxis).has_value();
        };
        QVERIFY(has("on"));
        QVERIFY(!has("off"));
        QVERIFY(!has("both")); // not every cube: not recorded
        const auto warned = [&](const char* trained, const char* judged) {
            const auto w = judgingWarnings(path[trained], path[judged]);
            return w.empty() ? QString() : QString::fromStdString(w.front());
        };
        QVERIFY2(warned("on", "off").contains("not all of its δT_b maps carry the line-of-sight velocity terms"),
            qPrintable(warned("on", "off")));
        QVERIFY(warned("on", "off").startsWith(QString::fromStdString(path["off"])));
        QVERIFY(warned("on", "both").contains("not all of its"));
        QVERIFY2(warned("off", "on").contains("its δT_b maps all carry"), qPrintable(warned("off", "on")));
        QVERIFY(warned("off", "both").isEmpty());
        QVERIFY(warned("on", "on").isEmpty());
        QVERIFY(judgingWarnings(path["on"], "").empty());
        QVERIFY(judgingWarnings(path["on"], dir.filePath("missing.h5").toStdString()).empty());
    }

    void simulatorV2DatasetOneHistoryPerSeedAndFesc()
    {
        // dataset build --simulate --sources v2: one history per (seed, F_ESC10) from z_start down, every
        // z of it a cube; labels f_esc = F_ESC10, ζ = N_γ f_*10 F_ESC10; the shared v2 parameters are
        // the dataset's; split by seed.
        SimulationGrid g;
        g.base.dim = 32;
        g.base.boxMpc = 48;
        g.base.threads = 1;
        g.base.sources = SourceModel::ParkV2;
        g.base.park.zStart = 11;
        g.base.park.mTurn = 3e8;
        g.redshifts = {8, 9}; // any order: the history runs from high to low z
        g.fescs = {0.05, 0.1};
        g.seeds = {1, 2, 3};
        const auto sources = sourcesFromSimulator(g, Quantity::BrightnessTemperature);
        QCOMPARE(sources.size(), std::size_t(12));
        QCOMPARE(sources.front().id, std::string("sim:N32_L48_z8_v2_fesc10_0.05_seed1"));
        QTemporaryDir dir;
        const std::string out = dir.filePath("v2.h5").toStdString();
        DatasetBuildOptions o;
        o.stride = 8;
        buildDataset(sources, o, out);
        const auto f = DatasetFile::open(out);
        const DatasetInfo& i = f->info();
        QCOMPARE(i.cubes.size(), std::size_t(12));
        std::map<std::tuple<std::string, double, double>, double> nf; // (group, F_ESC10, z) → nf
        std::map<std::string, int> splitOfGroup;
        for (const DatasetCube& c : i.cubes) {
            QVERIFY2(c.fesc == 0.05 || c.fesc == 0.1, qPrintable(QString::number(c.fesc)));
            QCOMPARE(c.zeta, 5000 * 0.05 * c.fesc);
            QVERIFY(c.z == 8 || c.z == 9);
            QVERIFY2(c.nf > 0 && c.nf < 1, qPrintable(QString::fromStdString(c.id) + " nf " + QString::number(c.nf)));
            nf[{c.group, c.fesc, c.z}] = c.nf;
            auto [it, fresh] = splitOfGroup.emplace(c.group, int(c.split));
            QCOMPARE(it->second, int(c.split));
        }
        QCOMPARE(splitOfGroup.size(), std::size_t(3)); // three seeds, one per split
        for (const auto& [group, split] : splitOfGroup) {
            QVERIFY(nf.at({group, 0.1, 8}) < nf.at({group, 0.05, 8})); // more escaping photons: less neutral
            QVERIFY(nf.at({group, 0.05, 8}) < nf.at({group, 0.05, 9})); // the history ionizes as z falls
        }
        for (const SampleLabels& l : f->labels()) {
            QCOMPARE(l.fesc, i.cubes[std::size_t(l.cube)].fesc);
            QCOMPARE(l.z, i.cubes[std::size_t(l.cube)].z);
        }
        // The grid's fixed v2 parameters are the dataset's; what varies per cube is not.
        QCOMPARE(std::get<std::string>(i.parameters.at("sources")), std::string("v2"));
        QCOMPARE(numberOf(i.parameters, "z_start"), std::optional<double>(11));
        QCOMPARE(numberOf(i.parameters, "m_turn"), std::optional<double>(3e8));
        QCOMPARE(numberOf(i.parameters, param::dim), std::optional<double>(32));
        for (const char* varying : {"f_esc10", param::fesc, param::seed, param::zeta, param::nf})
            QVERIFY2(!i.parameters.count(varying), varying);
        // The same cube as a plain v2 run of that point.
        SimulationParams p = g.base;
        p.zeta.reset();
        p.park.fEsc10 = 0.1;
        p.seed = 2;
        p.redshifts = {8};
        const std::vector<SimulatedRedshift> direct = simulate(p);
        QCOMPARE(nf.at({"seed=2", 0.1, 8}), direct.front().nf);

        g.fescs = {1.5};
        RS_VERIFY_ERROR(
            ParameterError, sourcesFromSimulator(g, Quantity::BrightnessTemperature), "must be in (0, 1]", "fesc10");
    }

    void notADatasetIsRefused()
    {
        QTemporaryDir dir;
        const std::string cube = fixtures::writeSyntheticSim(dir.path(), 8, 20, 1);
        RS_VERIFY_ERROR(
            FormatError, DatasetFile::open(cube), "not a ReionScope ML dataset", QString::fromStdString(cube));
    }

    void streamCoversEpochOnceAndResumes()
    {
        QTemporaryDir dir;
        const std::string ds
            = fixtures::buildSyntheticDataset(dir.path(), dir.filePath("ds.h5").toStdString(), {7, 9}, {20}, 3, 16, 2);
        auto f = DatasetFile::open(ds);
        const auto train = f->indices(Split::Train);
        BatchStreamOptions o;
        o.batchSize = 7;
        o.seed = 3;
        o.epoch = 1;
        std::vector<std::int64_t> seen;
        std::vector<float> first;
        {
            BatchStream s(f, train, o);
            QCOMPARE(s.batchCount(), (train.size() + 6) / 7);
            while (auto b = s.next()) {
                if (first.empty())
                    first = b->x;
                seen.insert(seen.end(), b->indices.begin(), b->indices.end());
                QCOMPARE(b->x.size(), b->size() * 256);
            }
        }
        QCOMPARE(std::set<std::int64_t>(seen.begin(), seen.end()), std::set<std::int64_t>(train.begin(), train.end()));
        QCOMPARE(seen.size(), train.size());
        QVERIFY(seen != train); // shuffled
        // Normalised with the stored statistics.
        std::vector<float> raw(256);
        f->readSamples(&seen[0], 1, raw.data());
        QVERIFY(std::abs(first[5] - float((raw[5] - f->info().normMean) / f->info().normStd)) < 1e-4f);
        // Resuming at batch 2 of the same (seed, epoch) gives the same tail.
        o.firstBatch = 2;
        BatchStream tail(f, train, o);
        std::vector<std::int64_t> rest;
        while (auto b = tail.next())
            rest.insert(rest.end(), b->indices.begin(), b->indices.end());
        QVERIFY(std::equal(rest.begin(), rest.end(), seen.begin() + 14));
        // Another epoch, another order.
        o.firstBatch = 0;
        o.epoch = 2;
        BatchStream other(f, train, o);
        QVERIFY(other.next()->indices != std::vector<std::int64_t>(seen.begin(), seen.begin() + 7));
    }

    void metricsArithmetic()
    {
        EvalMetrics m;
        fillClassification(m, {0, 0, 1, 1, 2}, {0, 1, 1, 1, 0}, 3);
        QCOMPARE(m.accuracy, 0.6);
        QCOMPARE(m.confusion[0][1], std::int64_t(1));
        QCOMPARE(m.confusion[2][0], std::int64_t(1));
        QCOMPARE(m.perClassAccuracy[0], 0.5);
        QCOMPARE(m.perClassAccuracy[1], 1.0);
        QCOMPARE(m.perClassAccuracy[2], 0.0);
        EvalMetrics r;
        fillRegression(r, {1, 2, 3, 4}, {1, 2, 3, 5});
        QCOMPARE(r.rmse, 0.5);
        QCOMPARE(r.r2, 1.0 - 1.0 / 5.0);
        m.task = Task::Classify;
        m.target = Target::Z;
        m.classes = {7, 8, 9};
        const EvalMetrics back = metricsFromJson(metricsToJson(m), "m.json");
        QCOMPARE(back.confusion, m.confusion);
        QCOMPARE(back.classes, m.classes);
    }

    void historyToleratesPartialLastLine()
    {
        QTemporaryDir dir;
        const std::string run = dir.path().toStdString();
        HistoryRecord h;
        h.trainLoss = 0.5;
        h.valMetric = 0.75;
        appendHistory(run, h, Task::Classify);
        h.epoch = 1;
        appendHistory(run, h, Task::Classify);
        QFile f(QString::fromStdString(historyPath(run)));
        QVERIFY(f.open(QIODevice::Append));
        f.write("{\"type\":\"batch\",\"epo");
        f.close();
        const auto records = readHistory(run);
        QCOMPARE(records.size(), std::size_t(2));
        QCOMPARE(records[1].epoch, 1);
        QCOMPARE(records[0].valMetric, 0.75);
        QVERIFY(std::isnan(records[0].valLoss));
        repairHistory(run);
        appendHistory(run, h, Task::Classify);
        QCOMPARE(readHistory(run).size(), std::size_t(3));
    }

    void pcaRecoversLowRankStructure()
    {
        // 200 samples in 50 dims spanned by two directions with variances 9 and 1, plus tiny noise.
        const std::size_t n = 200, d = 50;
        std::vector<float> x(n * d);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < d; ++j)
                x[i * d + j]
                    = float(3.0 * std::sin(0.7 * double(i)) * (j % 2 ? 1 : -1) / std::sqrt(double(d)) * std::sqrt(2.0)
                        + std::cos(1.3 * double(i)) * (j < d / 2 ? 1 : -1) / std::sqrt(double(d)) * std::sqrt(2.0)
                        + 1e-3 * std::sin(double(i * d + j)));
        for (std::size_t nCase : {n, std::size_t(30)}) { // covariance and Gram paths
            const PcaModel m = fitPca(x.data(), nCase, d, 5);
            QVERIFY(m.explainedRatio[0] + m.explainedRatio[1] > 0.99);
            QVERIFY(m.explainedRatio[0] > m.explainedRatio[1]);
            double dot = 0, norm = 0;
            for (std::size_t j = 0; j < d; ++j) {
                dot += m.basis[j] * m.basis[d + j];
                norm += m.basis[j] * m.basis[j];
            }
            QVERIFY(std::abs(dot) < 1e-6);
            QVERIFY(std::abs(norm - 1) < 1e-6);
        }
    }

    void fitSlicesStatesWhatItDid()
    {
        CubeMetadata m;
        Cube c({40, 40, 40}, {60, 60, 60}, m); // 1.5 Mpc cells
        for (std::size_t i = 0; i < c.voxelCount(); ++i)
            c.mutableData()[i] = float(i % 40);
        FittedSlices crop = fitSlices(c, {2}, 10, 16, 16, 1.5);
        QCOMPARE(crop.count, std::size_t(4));
        QVERIFY2(QString::fromStdString(crop.note).contains("centre-cropped to 16x16"), crop.note.c_str());
        QCOMPARE(crop.data[0], c.slice(2, 0).at(12, 12));
        FittedSlices rescaled = fitSlices(c, {2}, 20, 16, 16, 3.0); // model cells twice as large
        QVERIFY2(QString::fromStdString(rescaled.note).contains("resampled to 20x20"), rescaled.note.c_str());
        FittedSlices stretched = fitSlices(c, {2}, 20, 64, 64, 1.5);
        QVERIFY2(QString::fromStdString(stretched.note).contains("physical scale changes"), stretched.note.c_str());
    }
};

QTEST_GUILESS_MAIN(TestMlDataset)
#include "tst_ml_dataset.moc"
