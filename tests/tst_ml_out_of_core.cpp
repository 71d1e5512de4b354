// Out-of-core training: a split streamed from the dataset file through a bounded read-ahead cache
// serves exactly the batches it serves from memory (one rank or several), never holds more than
// its bound, and trains to bit-identical weights, also across a stop and resume.
#include "fixtures.h"
#include "ml_fixtures.h"
#include "ml_weights.h"

#include "ml/batch_stream.h"
#include "ml/dataset.h"
#include "ml/run_folder.h"
#include "ml/trainer.h"
#include "util/error.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>

using namespace rs;
using namespace rs::ml;

namespace {

struct Served {
    std::vector<std::int64_t> indices;
    std::vector<float> x;
    std::vector<std::size_t> numbers, globalSizes;
    std::size_t peakCacheBytes = 0;
};

Served serve(const std::shared_ptr<const DatasetFile>& ds, const BatchStreamOptions& o)
{
    Served s;
    BatchStream stream(ds, ds->indices(Split::Train), o);
    while (auto b = stream.next()) {
        s.indices.insert(s.indices.end(), b->indices.begin(), b->indices.end());
        s.x.insert(s.x.end(), b->x.begin(), b->x.end());
        s.numbers.push_back(b->number);
        s.globalSizes.push_back(b->globalSize);
    }
    s.peakCacheBytes = stream.peakCacheBytes();
    return s;
}

RunConfig cnnConfig(const std::string& ds, const char* inMemory)
{
    RunConfig c = fixtures::tinyRunConfig(ds); // a cnn z-classifier, batch 8, one thread
    c.epochs = 2;
    c.batch = 5;
    c.historyEvery = 0;
    c.dataInMemory = inMemory;
    c.dataMemoryMb = 1;
    return c;
}

} // namespace

class TestMlOutOfCore : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_ds;

private Q_SLOTS:
    void initTestCase()
    {
        // 6 seeds × z ∈ {7, 9} × ζ ∈ {10, 30}: 24 cubes of 16³, 12 slices each (stride 4), 1 KiB a sample.
        m_ds = fixtures::buildSyntheticDataset(
            m_dir.path(), m_dir.filePath("ds.h5").toStdString(), {7, 9}, {10, 30}, 6, 16, 4);
    }

    void residencyChoice()
    {
        QCOMPARE(int(resolveResidency(DataResidency::Auto, 100, 100)), int(DataResidency::InMemory));
        QCOMPARE(int(resolveResidency(DataResidency::Auto, 101, 100)), int(DataResidency::Streamed));
        QCOMPARE(int(resolveResidency(DataResidency::InMemory, 101, 100)), int(DataResidency::InMemory));
        QCOMPARE(int(resolveResidency(DataResidency::Streamed, 1, 100)), int(DataResidency::Streamed));
        QCOMPARE(int(dataResidencyFromName("off")), int(DataResidency::Streamed));
        RS_VERIFY_ERROR(ParameterError, dataResidencyFromName("sometimes"), "data-in-memory", "auto, on or off");
        auto ds = DatasetFile::open(m_ds);
        const auto train = ds->indices(Split::Train);
        QVERIFY(!holdSamples(*ds, train, DataResidency::Auto, sampleBytes(ds->info(), train.size()) - 1));
        const auto held = holdSamples(*ds, train, DataResidency::Auto, sampleBytes(ds->info(), train.size()));
        QVERIFY(held);
        QCOMPARE(held->bytes(), train.size() * 256 * sizeof(float));
        QCOMPARE(held->row(ds->indices(Split::Test).front()), held->count()); // only what was asked for
    }

    void streamedServesTheInMemoryBatches_data()
    {
        QTest::addColumn<int>("world");
        QTest::addColumn<int>("cacheKiB");
        QTest::addColumn<int>("firstBatch");
        QTest::newRow("one rank, cache of one batch") << 1 << 1 << 0;
        QTest::newRow("one rank, 24 KiB cache") << 1 << 24 << 0;
        QTest::newRow("one rank, resumed at batch 5") << 1 << 24 << 5;
        QTest::newRow("three ranks, 6 KiB cache") << 3 << 6 << 0;
        QTest::newRow("one rank, cache larger than the split") << 1 << 4096 << 0;
    }

    void streamedServesTheInMemoryBatches()
    {
        QFETCH(int, world);
        QFETCH(int, cacheKiB);
        QFETCH(int, firstBatch);
        auto ds = DatasetFile::open(m_ds);
        const auto train = ds->indices(Split::Train);
        QVERIFY(train.size() > 60);
        const auto resident = std::make_shared<const ResidentSamples>(*ds, train);
        BatchStreamOptions o;
        o.batchSize = 7;
        o.seed = 11;
        o.epoch = 2;
        o.firstBatch = std::size_t(firstBatch);
        o.cacheBytes = std::size_t(cacheKiB) << 10;
        const std::size_t sample = sampleBytes(ds->info(), 1), share = (o.batchSize + world - 1) / world;
        Served whole;
        o.resident = resident;
        const Served oneRankInMemory = serve(ds, o);
        QCOMPARE(oneRankInMemory.peakCacheBytes, std::size_t(0));
        for (int r = 0; r < world; ++r) {
            o.rank = r;
            o.worldSize = world;
            o.resident = resident;
            const Served inMemory = serve(ds, o);
            o.resident = nullptr;
            const Served streamed = serve(ds, o);
            QCOMPARE(streamed.indices, inMemory.indices);
            QVERIFY(streamed.x == inMemory.x); // bit for bit
            QCOMPARE(streamed.numbers, inMemory.numbers);
            QCOMPARE(streamed.globalSizes, inMemory.globalSizes);
            // The cache held at most its bound (or two batch shares when one share exceeds half).
            const std::size_t bound = std::max(o.cacheBytes, 2 * share * sample);
            QVERIFY2(streamed.peakCacheBytes <= bound,
                qPrintable(QString("peak %1 > bound %2").arg(streamed.peakCacheBytes).arg(bound)));
            QVERIFY(streamed.peakCacheBytes > 0);
            whole.indices.insert(whole.indices.end(), streamed.indices.begin(), streamed.indices.end());
        }
        // The ranks' shares together are the one-rank epoch, each sample once.
        std::vector<std::int64_t> a = whole.indices, b = oneRankInMemory.indices;
        std::sort(a.begin(), a.end());
        std::sort(b.begin(), b.end());
        QCOMPARE(a, b);
        if (firstBatch == 0)
            QCOMPARE(a.size(), train.size());
    }

    void cacheFarBelowTheSplit()
    {
        auto ds = DatasetFile::open(m_ds);
        const auto train = ds->indices(Split::Train);
        BatchStreamOptions o;
        o.batchSize = 4;
        o.cacheBytes = 16 << 10; // 16 samples
        const Served s = serve(ds, o);
        QCOMPARE(s.indices.size(), train.size());
        QVERIFY(s.peakCacheBytes <= o.cacheBytes);
        QVERIFY(s.peakCacheBytes >= 8 << 10); // the windows grew to the bound
        QVERIFY(s.peakCacheBytes * 4 < sampleBytes(ds->info(), train.size()));
    }

    void streamedTrainingMatchesInMemoryAndResumesExactly()
    {
        const std::string inMemory = m_dir.filePath("in_memory").toStdString();
        const std::string streamed = m_dir.filePath("streamed").toStdString();
        const std::string resumed = m_dir.filePath("resumed").toStdString();
        QCOMPARE(int(train(inMemory, cnnConfig(m_ds, "on")).status), int(TrainStatus::Finished));
        QCOMPARE(int(train(streamed, cnnConfig(m_ds, "off")).status), int(TrainStatus::Finished));
        QCOMPARE(readRunConfig(streamed).dataInMemory, std::string("off"));
        QCOMPARE(readRunConfig(streamed).dataMemoryMb, std::size_t(1));
        const std::vector<float> w = fixtures::checkpointWeights(inMemory);
        QVERIFY(w == fixtures::checkpointWeights(streamed)); // bit for bit
        // Streamed, stopped within the first epoch, resumed held in memory: the same weights.
        StopToken stop;
        int batches = 0;
        const TrainResult r = train(
            resumed, cnnConfig(m_ds, "off"),
            [&](const TrainProgress& p) {
                if (p.kind == TrainProgress::Kind::Batch && ++batches == 4)
                    stop.requestStop();
            },
            stop);
        QCOMPARE(int(r.status), int(TrainStatus::Stopped));
        QVERIFY(fixtures::checkpointWeights(resumed) != w);
        const TrainResult r2 = train(resumed, cnnConfig(m_ds, "on"));
        QCOMPARE(int(r2.status), int(TrainStatus::Finished));
        QVERIFY(r2.resumed);
        QCOMPARE(readRunConfig(resumed).dataInMemory, std::string("on"));
        QVERIFY(fixtures::checkpointWeights(resumed) == w);
    }
};

QTEST_GUILESS_MAIN(TestMlOutOfCore)
#include "tst_ml_out_of_core.moc"
