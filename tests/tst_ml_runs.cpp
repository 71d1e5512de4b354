// Run bookkeeping a person can trust: config.json's one schema (round trip of every field,
// flattened for comparing, paths normalised), one epoch numbering (history, progress, messages,
// old files converted), run status (running, paused, stopped, finished, failed) with best and
// last epochs, and the training controls (learning-rate schedules, early stopping, gradient
// clipping) including an exact resume of the schedule's state after a stop mid-run.
#include "fixtures.h"
#include "ml_fixtures.h"

#include "ml/dataset.h"
#include "ml/dataset_health.h"
#include "ml/run_folder.h"
#include "ml/run_status.h"
#include "ml/schedule.h"
#include "ml/trainer.h"
#include "util/error.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <QStringList>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace rs;
using namespace rs::ml;

namespace {

std::vector<HistoryRecord> epochLines(const std::string& run)
{
    std::vector<HistoryRecord> out;
    for (const HistoryRecord& r : readHistory(run))
        if (r.type == "epoch")
            out.push_back(r);
    return out;
}

std::string lastType(const std::string& run)
{
    const std::vector<HistoryRecord> h = readHistory(run);
    return h.empty() ? std::string() : h.back().type;
}

std::string valueOf(const std::vector<std::pair<std::string, std::string>>& flat, const std::string& key)
{
    for (const auto& [k, v] : flat)
        if (k == key)
            return v;
    return "<absent>";
}

} // namespace

class TestMlRuns : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_ds;

    RunConfig config(int epochs) const
    {
        RunConfig c = fixtures::tinyRunConfig(m_ds);
        c.epochs = epochs;
        c.batch = 4;
        c.historyEvery = 2;
        return c;
    }
    std::string runPath(const char* name) const { return m_dir.filePath(name).toStdString(); }

private Q_SLOTS:
    void initTestCase()
    {
        m_ds = fixtures::buildSyntheticDataset(
            m_dir.path(), m_dir.filePath("ds.h5").toStdString(), {7, 9}, {10, 30}, 4, 16, 8);
    }

    void schemaRoundTripsEveryField()
    {
        RunConfig c = config(7);
        c.model = ModelKind::Mlp;
        c.task = Task::Regress;
        c.target = Target::Zeta;
        c.encoderRun = "enc";
        c.optimizer = {"sgd", 0.05, 0.8, 1e-4, 2.5};
        c.schedule = {"step", 3, 0.5, 1e-5, 4};
        c.earlyStop = {5, "val_metric", 0.01};
        c.seed = 42;
        c.device = "cpu";
        c.maxBatchesPerEpoch = 9;
        c.sweep = {"lr-sweep", {{"batch", "16"}, {"lr", "0.003"}}};
        c.datasetHash = "abcd";
        c.rows = 16;
        c.cols = 12;
        c.normMean = 1.5;
        c.normStd = 2.5;
        c.cellSizeMpc = 1.25;
        c.classes = {7, 9};
        c.labelMean = 3;
        c.labelStd = 4;
        c.created = "2026-01-01T00:00:00Z";
        const nlohmann::json j = c;
        const RunConfig back = j.get<RunConfig>();
        QCOMPARE(nlohmann::json(back), j); // nothing lost, nothing added
        QCOMPARE(back.schedule.kind, std::string("step"));
        QCOMPARE(back.earlyStop.metric, std::string("val_metric"));
        QCOMPARE(back.optimizer.gradClip, 2.5);
        QCOMPARE(back.sweep.settings.size(), std::size_t(2));
        QCOMPARE(j["sweep"]["settings"]["lr"].get<double>(), 0.003); // numbers stay numbers
        // config.json of format_version 1 (no schedule, early stop, clipping): defaults.
        nlohmann::json old = j;
        old.erase("schedule");
        old.erase("early_stop");
        old["optimizer"].erase("grad_clip");
        old["format_version"] = 1;
        const RunConfig fromOld = old.get<RunConfig>();
        QCOMPARE(fromOld.schedule.kind, std::string("constant"));
        QCOMPARE(fromOld.earlyStop.patience, 0);
        QCOMPARE(fromOld.optimizer.gradClip, 0.0);
        // The version written is the oldest reader that reads the run as meant: 2, or 3 where a
        // reader of 2 would take a key it does not know for the old behaviour (it refuses 3).
        QCOMPARE(j.at("format_version").get<int>(), 2);
        RunConfig generator = c;
        generator.model = ModelKind::Generator;
        generator.task = Task::Generate;
        QCOMPARE(nlohmann::json(generator).at("format_version").get<int>(), 3);
        // 4: per-point calibration, which a reader of 3 would ignore; read back as written; a
        // calibration generation could not use (quantiles not rising) is refused by name.
        GeneratorPointCalibration point {8, 20, -0.3, 0.5, 1.2, {1.0, 2.0, 4.0}, {3.0, 5.0, 6.0}};
        generator.generatorPoints = {point};
        const nlohmann::json calibrated = generator;
        QCOMPARE(calibrated.at("format_version").get<int>(), 4);
        QCOMPARE(valueOf(flattenRunConfig(generator), "generator.points"), std::string("1 entry"));
        const RunConfig readBack = calibrated.get<RunConfig>();
        QCOMPARE(readBack.generatorPoints.size(), std::size_t(1));
        QCOMPARE(readBack.generatorPoints[0].zeta, 20.0);
        QCOMPARE(readBack.generatorPoints[0].ionizedOffset, -0.3);
        QCOMPARE(readBack.generatorPoints[0].noiseWidth, 1.2);
        QCOMPARE(readBack.generatorPoints[0].simulatedQuantiles, point.simulatedQuantiles);
        QCOMPARE(readBack.generatorPoints[0].ionizedSharpness, 1.0);
        QVERIFY(!calibrated.at("generator").at("points")[0].contains("ionized_sharpness"));
        // 5: a point that sharpens the ionized logit, which a reader of 4 would ignore (drawing
        // another neutral fraction with the offset fitted for it).
        RunConfig sharpened = generator;
        sharpened.generatorPoints[0].ionizedSharpness = 1.4;
        const nlohmann::json five = sharpened;
        QCOMPARE(five.at("format_version").get<int>(), 5);
        QCOMPARE(five.get<RunConfig>().generatorPoints[0].ionizedSharpness, 1.4);
        nlohmann::json blunt = five;
        blunt["generator"]["points"][0]["ionized_sharpness"] = 0.0;
        try {
            (void)blunt.get<RunConfig>();
            QFAIL("a sharpness of 0 was read");
        } catch (const ParameterError& e) {
            QVERIFY2(QString(e.what()).contains("sharpness"), e.what());
        }
        // 6: every point's neutral fractions (a reader of 5 would interpolate the offsets between
        // points instead).
        RunConfig neutral = sharpened;
        neutral.generatorNeutralPoints = {{8, 20, 0.4, 0.35}, {9, 20, 0.0, 0.01}};
        const nlohmann::json six = neutral;
        QCOMPARE(six.at("format_version").get<int>(), 6);
        const RunConfig sixBack = six.get<RunConfig>();
        QCOMPARE(sixBack.generatorNeutralPoints.size(), std::size_t(2));
        QCOMPARE(sixBack.generatorNeutralPoints[1].drawn, 0.01);
        QCOMPARE(sixBack.generatorNeutralPoints[0].simulated, 0.4);
        nlohmann::json overfull = six;
        overfull["generator"]["neutral_points"][0]["simulated"] = 1.5;
        try {
            (void)overfull.get<RunConfig>();
            QFAIL("a neutral fraction of 1.5 was read");
        } catch (const ParameterError& e) {
            QVERIFY2(QString(e.what()).contains("generator.neutral_points"), e.what());
        }
        nlohmann::json unusable = calibrated;
        unusable["generator"]["points"][0]["drawn_quantiles"] = {1.0, 3.0, 2.0};
        try {
            (void)unusable.get<RunConfig>();
            QFAIL("falling quantiles were read");
        } catch (const ParameterError& e) {
            QVERIFY2(QString(e.what()).contains("generator.points"), e.what());
        }
        generator.generatorPoints.clear();
        generator.generatorSampleMask = false;
        QCOMPARE(nlohmann::json(generator).at("format_version").get<int>(), 2);
        RunConfig unet = c;
        unet.model = ModelKind::UNet;
        unet.contextBarrier = true;
        QCOMPARE(nlohmann::json(unet).at("format_version").get<int>(), 3);
        const std::string runDir = runPath("newer");
        std::filesystem::create_directories(runDir);
        nlohmann::json newer = c;
        newer["format_version"] = kRunFormatVersion + 1;
        std::ofstream(runDir + "/config.json") << newer.dump();
        try {
            readRunConfig(runDir);
            QFAIL("a config.json of a newer format was read");
        } catch (const FormatError& e) {
            QVERIFY2(QString(e.what()).contains("config.json") && QString(e.what()).contains("newer"), e.what());
        }
        // A missing required key is an error, not a default.
        nlohmann::json broken = j;
        broken.erase("model");
        QVERIFY_THROWS_EXCEPTION(nlohmann::json::exception, broken.get<RunConfig>());
    }

    void flattenedConfigsCompareNormalisedPaths()
    {
        RunConfig a = config(2), b = config(2);
        const std::filesystem::path ds(m_ds);
        b.datasetPath = (ds.parent_path() / "sub" / ".." / ds.filename()).string();
        const auto fa = flattenRunConfig(a), fb = flattenRunConfig(b);
        QCOMPARE(valueOf(fa, "dataset.path"), valueOf(fb, "dataset.path"));
        QCOMPARE(valueOf(fa, "dataset.path"), std::filesystem::weakly_canonical(ds).string());
        QCOMPARE(valueOf(fa, "optimizer.lr"), std::string("0.003"));
        QCOMPARE(valueOf(fa, "schedule.kind"), std::string("constant"));
        b.optimizer.lr = 1e-3;
        QCOMPARE(valueOf(flattenRunConfig(b), "optimizer.lr"), std::string("0.001"));
    }

    void scheduleArithmetic()
    {
        RunConfig c = config(5);
        c.optimizer.lr = 1.0;
        ScheduleState st;
        c.schedule = {"step", 2, 0.5, 0, 3};
        QCOMPARE(scheduledLr(c, 1, st), 1.0);
        QCOMPARE(scheduledLr(c, 2, st), 1.0);
        QCOMPARE(scheduledLr(c, 3, st), 0.5);
        QCOMPARE(scheduledLr(c, 5, st), 0.25);
        c.schedule = {"cosine", 1, 0.1, 0.1, 3};
        QCOMPARE(scheduledLr(c, 1, st), 1.0);
        QVERIFY(std::abs(scheduledLr(c, 3, st) - 0.55) < 1e-12);
        QVERIFY(std::abs(scheduledLr(c, 5, st) - 0.1) < 1e-12);
        // Plateau: two epochs without a lower loss are tolerated (patience 2), the third cuts.
        c.schedule = {"plateau", 1, 0.5, 0.2, 2};
        for (double loss : {1.0, 0.9, 0.95, 0.95})
            updateSchedule(c, st, 1, loss, 0);
        QCOMPARE(scheduledLr(c, 5, st), 1.0);
        updateSchedule(c, st, 5, 0.95, 0);
        QCOMPARE(scheduledLr(c, 6, st), 0.5);
        for (int e = 6; e < 20; ++e)
            updateSchedule(c, st, e, 0.95, 0);
        QCOMPARE(scheduledLr(c, 20, st), 0.2); // never below min_lr
        // Early stopping on accuracy (higher is better) with min_delta.
        c.earlyStop = {2, "val_metric", 0.01};
        ScheduleState es;
        updateSchedule(c, es, 1, 1, 0.50);
        updateSchedule(c, es, 2, 1, 0.505); // not better by more than 0.01
        QVERIFY(!stopEarly(c, es));
        updateSchedule(c, es, 3, 1, 0.49);
        QVERIFY(stopEarly(c, es));
        QCOMPARE(es.earlyBestEpoch, 1);
        c.schedule.kind = "exponential";
        QVERIFY_THROWS_EXCEPTION(ParameterError, checkScheduleConfig(c));
        c.schedule.kind = "step";
        c.optimizer.gradClip = -1;
        QVERIFY_THROWS_EXCEPTION(ParameterError, checkScheduleConfig(c));
    }

    void epochsCountFromOneEverywhere()
    {
        const std::string run = runPath("numbering");
        StopToken stop;
        std::vector<int> progressEpochs;
        RunConfig c = config(3);
        const TrainResult r = train(
            run, c,
            [&](const TrainProgress& p) {
                if (p.kind == TrainProgress::Kind::Epoch)
                    progressEpochs.push_back(p.epoch);
                if (p.kind == TrainProgress::Kind::Batch && p.epoch == 2 && p.batch == 2)
                    stop.requestStop();
            },
            stop);
        QCOMPARE(int(r.status), int(TrainStatus::Stopped));
        QCOMPARE(progressEpochs, std::vector<int> {1});
        QCOMPARE(r.epochsDone, 1);
        QVERIFY2(
            r.message.find("stopped in epoch 2 after batch 2 (1 epochs done)") != std::string::npos, r.message.c_str());
        const std::vector<HistoryRecord> h = readHistory(run);
        QCOMPARE(h.back().type, std::string("stopped"));
        QCOMPARE(h.back().epoch, 2);
        QCOMPARE(epochLines(run).front().epoch, 1);
        RunSummary s = listRuns(run).front();
        QCOMPARE(s.epochsDone, 1);
        QCOMPARE(int(s.status), int(RunStatus::Stopped));
        train(run, c, [&](const TrainProgress& p) {
            if (p.kind == TrainProgress::Kind::Epoch)
                progressEpochs.push_back(p.epoch);
        });
        QCOMPARE(progressEpochs, (std::vector<int> {1, 2, 3}));
        std::vector<int> lines;
        for (const HistoryRecord& e : epochLines(run))
            lines.push_back(e.epoch);
        QCOMPARE(lines, (std::vector<int> {1, 2, 3}));
        const HistoryRecord fin = readHistory(run).back();
        QCOMPARE(fin.type, std::string("finished"));
        QCOMPARE(fin.epoch, 3);
        s = listRuns(run).front();
        QCOMPARE(int(s.status), int(RunStatus::Finished));
        QCOMPARE(s.epochsDone, 3);
        QVERIFY(s.bestEpoch && s.lastEpoch);
        QCOMPARE(s.lastEpoch->epoch, 3);
        for (const HistoryRecord& e : epochLines(run))
            QVERIFY(e.valLoss >= s.bestEpoch->valLoss);
        QVERIFY2(fin.message.find("epoch " + std::to_string(s.bestEpoch->epoch) + " ") != std::string::npos,
            fin.message.c_str());
        // A line written before "v": 2 counted from 0.
        const auto old = parseHistoryLine(R"({"type":"epoch","epoch":4,"val_loss":1})");
        QCOMPARE(old->epoch, 5);
        const auto now = parseHistoryLine(historyLine(fin, Task::Classify));
        QCOMPARE(now->epoch, 3);
    }

    void statusWhileTrainingAndPaused()
    {
        const std::string run = runPath("live");
        PauseToken pause;
        StopToken stop;
        std::atomic<int> phase {0};
        RunStatus seenRunning = RunStatus::Stopped, seenPaused = RunStatus::Stopped;
        RunConfig c = config(50);
        std::thread trainer([&] {
            train(
                run, c,
                [&](const TrainProgress& p) {
                    if (p.kind == TrainProgress::Kind::Batch && phase == 0) {
                        seenRunning = listRuns(run).front().status; // another reader, same process
                        phase = 1;
                        pause.pause();
                    }
                },
                stop, pause);
        });
        QTRY_COMPARE_WITH_TIMEOUT(lastType(run), std::string("paused"), 20000);
        seenPaused = listRuns(run).front().status;
        QVERIFY_THROWS_EXCEPTION(RunBusyError, train(run, c)); // one trainer per run folder
        stop.requestStop(); // before resuming: a trainer that saw the resume first would write "continued"
        pause.resume();
        trainer.join();
        QCOMPARE(int(seenRunning), int(RunStatus::Running));
        QCOMPARE(int(seenPaused), int(RunStatus::Paused));
        QCOMPARE(int(listRuns(run).front().status), int(RunStatus::Stopped));
        bool continued = false;
        for (const HistoryRecord& r : readHistory(run))
            continued |= r.type == "continued";
        QVERIFY(!continued); // stopped while paused: no "continued" line
        // A diverged run is failed.
        const std::string bad = runPath("diverged");
        RunConfig d = config(2);
        d.optimizer.lr = 1e12;
        try {
            train(bad, d);
        } catch (const TrainingDivergedError&) { }
        if (lastType(bad) == "error")
            QCOMPARE(int(listRuns(bad).front().status), int(RunStatus::Failed));
        else
            QCOMPARE(int(listRuns(bad).front().status), int(RunStatus::Finished));
    }

    void scheduleResumesExactly()
    {
        // A step schedule halving the rate every epoch, with clipping and weight decay: stop in
        // epoch 3, resume, and the history must match an uninterrupted run number for number.
        RunConfig c = config(5);
        c.schedule = {"step", 1, 0.5, 0, 0};
        c.optimizer.gradClip = 0.5;
        c.optimizer.weightDecay = 1e-3;
        const std::string whole = runPath("whole"), parts = runPath("parts");
        train(whole, c);
        StopToken stop;
        train(
            parts, c,
            [&](const TrainProgress& p) {
                if (p.kind == TrainProgress::Kind::Batch && p.epoch == 3 && p.batch == 3)
                    stop.requestStop();
            },
            stop);
        QCOMPARE(epochLines(parts).size(), std::size_t(2));
        train(parts, c);
        const auto a = epochLines(whole), b = epochLines(parts);
        QCOMPARE(a.size(), std::size_t(5));
        QCOMPARE(b.size(), a.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(b[i].lr, a[i].lr);
            QCOMPARE(b[i].lr, 3e-3 * std::pow(0.5, double(i)));
            QCOMPARE(b[i].trainLoss, a[i].trainLoss);
            QCOMPARE(b[i].valLoss, a[i].valLoss);
        }
        // Plateau state (rate and counters) lives in the checkpoint: same check.
        RunConfig p = config(4);
        p.schedule = {"plateau", 1, 0.5, 0, 0};
        p.optimizer.lr = 0.05; // large enough that the validation loss wobbles
        const std::string pw = runPath("plateau-whole"), pp = runPath("plateau-parts");
        train(pw, p);
        StopToken stop2;
        train(
            pp, p,
            [&](const TrainProgress& q) {
                if (q.kind == TrainProgress::Kind::Batch && q.epoch == 3 && q.batch == 1)
                    stop2.requestStop();
            },
            stop2);
        train(pp, p);
        const auto pa = epochLines(pw), pb = epochLines(pp);
        QCOMPARE(pb.size(), pa.size());
        for (std::size_t i = 0; i < pa.size(); ++i) {
            QCOMPARE(pb[i].lr, pa[i].lr);
            QCOMPARE(pb[i].valLoss, pa[i].valLoss);
        }
    }

    void earlyStopEndsTheRunAndStaysFinished()
    {
        RunConfig c = config(40);
        c.earlyStop = {1, "val_loss", 1e9}; // no epoch can improve by 1e9: stop after epoch 2
        const std::string run = runPath("early");
        const TrainResult r = train(run, c);
        QCOMPARE(int(r.status), int(TrainStatus::Finished));
        QCOMPARE(r.epochsDone, 2);
        QVERIFY2(r.message.find("early stop after epoch 2") != std::string::npos, r.message.c_str());
        QVERIFY(std::filesystem::exists(finalModelPath(run)));
        QCOMPARE(int(listRuns(run).front().status), int(RunStatus::Finished));
        QCOMPARE(train(run, c).message.substr(0, 16), std::string("already finished"));
    }

    void datasetHealthWarnings()
    {
        // 6 seeds × z ∈ {7, 9}: every z = 7 cube is blank (fully ionized, δT_b = 0), z = 9 noise.
        std::vector<DatasetSource> sources;
        for (int seed = 1; seed <= 6; ++seed)
            for (double z : {7.0, 9.0}) {
                DatasetSource src;
                src.id = "sim:seed" + std::to_string(seed) + "_z" + std::to_string(int(z));
                src.group = "seed=" + std::to_string(seed);
                src.load = [seed, z] {
                    CubeMetadata meta;
                    meta.quantity = Quantity::BrightnessTemperature;
                    meta.redshift = z;
                    meta.parameters[param::zeta] = 20.0;
                    meta.parameters[param::seed] = std::int64_t(seed);
                    Cube c({8, 8, 8}, {8, 8, 8}, meta);
                    if (z > 8)
                        for (std::size_t i = 0; i < c.voxelCount(); ++i)
                            c.mutableData()[i] = float((i * 2654435761u + std::size_t(seed)) % 97);
                    return std::pair<Cube, std::optional<Cube>>(std::move(c), std::nullopt);
                };
                sources.push_back(std::move(src));
            }
        DatasetBuildOptions o;
        o.axes = "z";
        o.split = {0.7, 0.15, 0.15};
        const std::string path = m_dir.filePath("blank.h5").toStdString();
        buildDataset(sources, o, path);
        auto ds = DatasetFile::open(path);
        QStringList w;
        for (const std::string& s : datasetWarnings(*ds))
            w << QString::fromStdString(s);
        const QString all = w.join('\n');
        QVERIFY2(w.filter("class z = 7: 100% of its samples are constant").size() == 1, qPrintable(all));
        QVERIFY2(w.filter("class z = 9").isEmpty(), qPrintable(all));
        QVERIFY2(w.filter("50% of the samples are constant").size() == 1, qPrintable(all));
        QVERIFY2(w.filter("the validation split holds 1 simulation").size() == 1, qPrintable(all));
        QVERIFY2(w.filter("imbalanced").isEmpty(), qPrintable(all)); // 2 classes × the same cubes

        // Predicting a cube of a training seed, and one far outside the training data.
        const DatasetCube* trainCube = nullptr;
        for (const DatasetCube& c : ds->info().cubes)
            if (c.split == Split::Train)
                trainCube = &c;
        QVERIFY(trainCube);
        CubeMetadata meta;
        meta.redshift = 12.0;
        meta.parameters[param::seed] = std::int64_t(std::stoi(trainCube->group.substr(5)));
        Cube probe({8, 8, 8}, {8, 8, 8}, meta);
        for (std::size_t i = 0; i < probe.voxelCount(); ++i)
            probe.mutableData()[i] = 5000.0f + float(i % 3);
        QStringList p;
        for (const std::string& s : predictionWarnings(*ds, "probe.h5", probe))
            p << QString::fromStdString(s);
        const QString pAll = p.join('\n');
        QVERIFY2(p.filter("is in the run's training split").size() == 1, qPrintable(pAll));
        QVERIFY2(p.filter("redshift 12 lies outside the training range [7, 9]").size() == 1, qPrintable(pAll));
        QVERIFY2(p.filter("extrapolation").size() == 1, qPrintable(pAll));
        meta.parameters[param::seed] = std::int64_t(99);
        meta.redshift = 8.0;
        Cube fair({8, 8, 8}, {8, 8, 8}, meta);
        for (std::size_t i = 0; i < fair.voxelCount(); ++i)
            fair.mutableData()[i] = float((i * 2654435761u) % 97) * (i % 2 ? 1.0f : 0.0f);
        QStringList f;
        for (const std::string& s : predictionWarnings(*ds, "fair.h5", fair))
            f << QString::fromStdString(s);
        QVERIFY2(f.isEmpty(), qPrintable(f.join('\n')));
    }
};

QTEST_GUILESS_MAIN(TestMlRuns)
#include "tst_ml_runs.moc"
