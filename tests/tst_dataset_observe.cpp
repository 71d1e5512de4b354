// `dataset build --observe`: δT_b cubes pass through the telescope model (core/observe) before
// samples are cut. An observed dataset differs from the clean one, its noise part has the rms that
// observe() reports and scales as 1/√hours, and the options are recorded as root attributes
// (read back by readObserveAttributes); shards of an observed build merge into the whole build.
#include "fixtures.h"

#include "io/hdf5_util.h"
#include "ml/dataset_observe.h"
#include "ml/dataset_shards.h"
#include "util/error.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace rs;
using namespace rs::ml;

namespace {

/// A δT_b cube at z 8 (24³ cells of 4 Mpc): a smooth pattern around 20 mK, distinct per source.
Cube tbCube(int which)
{
    CubeMetadata meta;
    meta.quantity = Quantity::BrightnessTemperature;
    meta.redshift = 8.0;
    Cube c({24, 24, 24}, {96.0, 96.0, 96.0}, meta);
    const std::vector<float> v = fixtures::pattern(c.voxelCount(), 6.0f + float(which), 20.0f);
    std::copy(v.begin(), v.end(), c.mutableData());
    return c;
}

std::vector<DatasetSource> sources()
{
    std::vector<DatasetSource> out;
    for (int i = 0; i < 3; ++i)
        out.push_back({"tb" + std::to_string(i), "g" + std::to_string(i),
            [i] {
                return std::pair<Cube, std::optional<Cube>> {tbCube(i), std::nullopt};
            },
            {}});
    return out;
}

/// Every sample of a dataset, in index order.
std::vector<float> allSamples(const std::string& path)
{
    const auto ds = DatasetFile::open(path);
    std::vector<std::int64_t> idx(ds->info().samples);
    for (std::size_t i = 0; i < idx.size(); ++i)
        idx[i] = std::int64_t(i);
    std::vector<float> out(idx.size() * ds->info().rows * ds->info().cols);
    ds->readSamples(idx.data(), idx.size(), out.data());
    return out;
}

double rmsDifference(const std::vector<float>& a, const std::vector<float>& b)
{
    double sq = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        sq += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
    return std::sqrt(sq / double(a.size()));
}

} // namespace

class TestDatasetObserve : public QObject {
    Q_OBJECT

private:
    std::string build(const std::string& name, std::optional<ObserveOptions> observe)
    {
        const std::string path = m_dir.filePath(QString::fromStdString(name)).toStdString();
        if (observe)
            buildObservedDataset(sources(), {}, *observe, path);
        else
            buildDataset(sources(), {}, path);
        return path;
    }

private Q_SLOTS:
    void observedDiffersAndNoiseScales()
    {
        QVERIFY(m_dir.isValid());
        ObserveOptions o;
        o.telescope = Telescope::SkaLow;
        o.seed = 7;
        const std::vector<float> clean = allSamples(build("clean.h5", std::nullopt));
        o.noise = false;
        const std::vector<float> quiet = allSamples(build("quiet.h5", o)); // beam, bandwidth, mean removal only
        o.noise = true;
        o.hours = 1000;
        const std::string h1000 = build("h1000.h5", o);
        const std::vector<float> obs1000 = allSamples(h1000);
        o.hours = 100;
        const std::vector<float> obs100 = allSamples(build("h100.h5", o));
        QCOMPARE(clean.size(), obs1000.size());

        // Observed differs from clean: channel means removed (≈ 20 mK gone) and noise added.
        QVERIFY2(rmsDifference(clean, obs1000) > 5.0, qPrintable(QString::number(rmsDifference(clean, obs1000))));
        // The noise part: every voxel is in three samples (slices along x, y, z), so its rms is the
        // cubes' noise rms, which observe() reports for each source's seed (7, 8, 9).
        double expectedSq = 0;
        for (int i = 0; i < 3; ++i) {
            ObserveOptions oi = o;
            oi.hours = 1000;
            oi.seed = 7 + std::uint64_t(i);
            const double rms = observe(tbCube(i), oi).noiseRmsMk;
            expectedSq += rms * rms / 3.0;
        }
        const double noise1000 = rmsDifference(obs1000, quiet), noise100 = rmsDifference(obs100, quiet);
        QVERIFY2(std::abs(noise1000 / std::sqrt(expectedSq) - 1.0) < 0.01,
            qPrintable(QString("%1 vs %2").arg(noise1000).arg(std::sqrt(expectedSq))));
        // rms ∝ 1/√hours (README "Telescope model"): 100 h against 1000 h within 5 % of √10.
        QVERIFY2(std::abs(noise100 / noise1000 / std::sqrt(10.0) - 1.0) < 0.05,
            qPrintable(QString::number(noise100 / noise1000)));

        // Recorded in the root attributes.
        h5::Id f = h5::openFile(h1000);
        QCOMPARE(std::get<std::string>(*h5::readAttribute(f.get(), "observe_telescope")), std::string("ska-low"));
        QCOMPARE(numberOf(*h5::readAttribute(f.get(), "observe_hours")).value_or(0), 1000.0);
        QCOMPARE(numberOf(*h5::readAttribute(f.get(), "observe_wedge")).value_or(-1), 0.0);
        QCOMPARE(numberOf(*h5::readAttribute(f.get(), "observe_seed")).value_or(0), 7.0);
        h5::Id c = h5::openFile(m_dir.filePath("clean.h5").toStdString());
        QVERIFY(!h5::readAttribute(c.get(), "observe_telescope"));
    }

    void refusesWhatCannotBeObserved()
    {
        DatasetBuildOptions o;
        ObserveOptions ob;
        o.quantity = Quantity::Density;
        const std::string out = m_dir.filePath("bad.h5").toStdString();
        RS_VERIFY_ERROR(
            ParameterError, buildObservedDataset(sources(), o, ob, out), "observe: telescope observation applies");
        o.quantity = Quantity::BrightnessTemperature;
        ob.hours = 0;
        RS_VERIFY_ERROR(ParameterError, buildObservedDataset(sources(), o, ob, out), "observe: hours must be");
        ob.hours = 10;
        o.quantity = Quantity::Density;
        o.target = Quantity::BrightnessTemperature; // paired: the input is density, never observed
        RS_VERIFY_ERROR(ParameterError, buildObservedDataset(sources(), o, ob, out), "observe: paired datasets");
        QVERIFY(!QFile::exists(m_dir.filePath("bad.h5")));
    }

    void shardsOfAnObservedBuildMergeIntoTheWholeBuild()
    {
        ObserveOptions ob;
        ob.telescope = Telescope::Hera;
        ob.hours = 300;
        ob.seed = 11;
        const std::string whole = build("whole.h5", ob);
        // Two shards (sources 0 and 1–2): source i keeps seed 11 + i, the merge carries the options.
        std::vector<std::string> parts;
        for (std::size_t i = 0; i < 2; ++i) {
            DatasetBuildOptions o;
            o.shard = {i, 2};
            parts.push_back(m_dir.filePath(QStringLiteral("part%1.h5").arg(i)).toStdString());
            buildObservedDataset(sources(), o, ob, parts.back());
            QCOMPARE(formatValue(readObserveAttributes(parts.back()).at("hours")), std::string("300"));
        }
        const std::string merged = m_dir.filePath("merged.h5").toStdString();
        mergeDatasetShards(parts, merged);
        QCOMPARE(allSamples(merged), allSamples(whole));
        QCOMPARE(DatasetFile::open(merged)->info().contentHash, DatasetFile::open(whole)->info().contentHash);
        const Parameters a = readObserveAttributes(merged);
        QCOMPARE(a.size(), std::size_t(5));
        QCOMPARE(std::get<std::string>(a.at("telescope")), std::string("hera"));
        QCOMPARE(numberOf(a.at("seed")).value_or(0), 11.0);
        QVERIFY(readObserveAttributes(m_dir.filePath("clean.h5").toStdString()).empty());
        // Shards observed differently are not one build: refused by name, no file written.
        ob.hours = 30;
        DatasetBuildOptions o;
        o.shard = {1, 2};
        const std::string other = m_dir.filePath("other1.h5").toStdString();
        buildObservedDataset(sources(), o, ob, other);
        const std::string bad = m_dir.filePath("bad-merge.h5").toStdString();
        RS_VERIFY_ERROR(FormatError, mergeDatasetShards({parts[0], other}, bad), "is a shard of another build");
        QVERIFY(!QFile::exists(QString::fromStdString(bad)));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestDatasetObserve)
#include "tst_dataset_observe.moc"
