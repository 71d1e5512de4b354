// The LZF codec (our encoder and decoder of liblzf's byte format) and its HDF5 filter.
#include "fixtures.h"

#include "io/cube_loader.h"
#include "io/hdf5_util.h"
#include "io/lzf.h"
#include "io/reionscope_h5.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <random>

using namespace rs;

class TestLzf : public QObject {
    Q_OBJECT

    static std::vector<std::uint8_t> roundTrip(const std::vector<std::uint8_t>& in)
    {
        std::vector<std::uint8_t> packed(in.size() + in.size() / 16 + 64);
        const std::size_t n = lzf::compress(in.data(), in.size(), packed.data(), packed.size());
        if (n == 0)
            return {};
        std::vector<std::uint8_t> out(in.size());
        const std::size_t m = lzf::decompress(packed.data(), n, out.data(), out.size());
        out.resize(m);
        return out;
    }

private Q_SLOTS:
    void decodesHandWrittenStream()
    {
        // "abc" as a literal run (control 2), then a back reference of 6 bytes from 3 back
        // (length field 6-2 = 4 → control 4<<5 | 0, offset byte 3-1 = 2): "abcabcabc".
        const std::uint8_t stream[] = {2, 'a', 'b', 'c', 4 << 5, 2};
        std::uint8_t out[16] = {};
        QCOMPARE(lzf::decompress(stream, sizeof stream, out, sizeof out), std::size_t(9));
        QCOMPARE(QByteArray(reinterpret_cast<char*>(out), 9), QByteArray("abcabcabc"));
        // A long match: length field 7 plus an extra byte (10): 7 + 10 + 2 = 19 bytes of 'x'.
        const std::uint8_t longStream[] = {0, 'x', 7 << 5, 10, 0};
        std::uint8_t long_[32] = {};
        QCOMPARE(lzf::decompress(longStream, sizeof longStream, long_, sizeof long_), std::size_t(20));
        for (int i = 0; i < 20; ++i)
            QCOMPARE(long_[i], std::uint8_t('x'));
    }

    void rejectsDamagedStreams()
    {
        std::uint8_t out[16];
        const std::uint8_t backBeforeStart[] = {0, 'a', 1 << 5, 5}; // reference 6 bytes back, only 1 written
        QCOMPARE(lzf::decompress(backBeforeStart, sizeof backBeforeStart, out, sizeof out), std::size_t(0));
        const std::uint8_t truncatedLiteral[] = {5, 'a', 'b'};
        QCOMPARE(lzf::decompress(truncatedLiteral, sizeof truncatedLiteral, out, sizeof out), std::size_t(0));
        const std::uint8_t tooLong[] = {2, 'a', 'b', 'c', 7 << 5, 200, 2};
        QCOMPARE(lzf::decompress(tooLong, sizeof tooLong, out, sizeof out), std::size_t(0));
    }

    void roundTrips_data()
    {
        // Each row carries its input bytes, whether the encoder may refuse them as incompressible
        // (HDF5 then stores the chunk raw) and the compression ratio they must reach (0: none).
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<bool>("mayRefuse");
        QTest::addColumn<int>("minRatio");
        QByteArray repetitive, random;
        for (int i = 0; i < 100000; ++i)
            repetitive.append("reionization"[i % 12]);
        std::mt19937 rng(7);
        for (int i = 0; i < 50000; ++i)
            random.append(char(rng()));
        const auto f = fixtures::pattern(40000);
        const QByteArray floats(reinterpret_cast<const char*>(f.data()), qsizetype(f.size() * sizeof(float)));
        QTest::newRow("repetitive") << repetitive << false << 20;
        QTest::newRow("random") << random << true << 0;
        QTest::newRow("floats") << floats << false << 0;
        QTest::newRow("tiny") << QByteArray("\x01\x02", 2) << true << 0;
    }

    void roundTrips()
    {
        QFETCH(QByteArray, input);
        QFETCH(bool, mayRefuse);
        QFETCH(int, minRatio);
        const std::vector<std::uint8_t> in(input.begin(), input.end());
        const auto out = roundTrip(in);
        QVERIFY(out == in || (out.empty() && mayRefuse));
        if (minRatio > 0) {
            std::vector<std::uint8_t> packed(in.size());
            QVERIFY(
                lzf::compress(in.data(), in.size(), packed.data(), packed.size()) < in.size() / std::size_t(minRatio));
        }
    }

    void codecsRoundTripThroughHdf5_data()
    {
        QTest::addColumn<int>("codec");
        QTest::addColumn<bool>("shuffle");
        QTest::newRow("lzf+shuffle") << int(H5WriteOptions::Codec::Lzf) << true;
        QTest::newRow("lzf") << int(H5WriteOptions::Codec::Lzf) << false;
        QTest::newRow("deflate+shuffle") << int(H5WriteOptions::Codec::Deflate) << true;
        QTest::newRow("deflate") << int(H5WriteOptions::Codec::Deflate) << false;
        QTest::newRow("none") << int(H5WriteOptions::Codec::None) << false;
    }

    void codecsRoundTripThroughHdf5()
    {
        QFETCH(int, codec);
        QFETCH(bool, shuffle);
        QTemporaryDir dir;
        // 37 slabs of 40x50: several chunks and a partial edge chunk.
        Cube c({37, 40, 50}, {37, 40, 50});
        const auto v = fixtures::pattern(c.voxelCount(), 3.f, 1.f);
        std::copy(v.begin(), v.end(), c.mutableData());
        for (std::size_t i = 0; i < 2000; ++i) // a run of constants compresses: exercises back references
            c.mutableData()[i] = 0.5f;
        c.metadata().quantity = Quantity::NeutralFraction;
        H5WriteOptions o;
        o.codec = H5WriteOptions::Codec(codec);
        o.shuffle = shuffle;
        const std::string path = dir.filePath("c.h5").toStdString();
        writeReionScopeH5(path, {c}, o);
        const Cube back = loadCube(path); // parallel chunk path where it applies
        QCOMPARE(std::memcmp(back.data(), c.data(), c.byteSize()), 0);
        // The plain HDF5 path (filters run by the library, our LZF filter registered) agrees.
        h5::Id f = h5::openFile(path);
        h5::Id ds = h5::openDataset(f.get(), probeFile(path)[0].dataset, path);
        std::vector<float> plain(c.voxelCount());
        h5::readFloats(ds.get(), plain.data(), path, "cube");
        QCOMPARE(std::memcmp(plain.data(), c.data(), c.byteSize()), 0);
    }

    void readsWhatH5pyWroteAndBack()
    {
        // h5py embeds the reference LZF codec: its streams must decode here, and ours there.
        const QString python = QStringLiteral("/usr/bin/python3");
        QTemporaryDir dir;
        const QString theirs = dir.filePath(QStringLiteral("h5py_lzf.h5"));
        QProcess write;
        write.start(python,
            {QStringLiteral("-c"),
                QStringLiteral("import sys, numpy as np, h5py\n"
                               "v = (np.arange(40*40*40, dtype=np.float32) % 97) * 0.25\n"
                               "v[:5000] = 1.5\n"
                               "with h5py.File(sys.argv[1], 'w') as f:\n"
                               "    f.create_dataset('density', data=v.reshape(40, 40, 40), compression='lzf', "
                               "shuffle=True, chunks=(8, 40, 40))\n"),
                theirs});
        QVERIFY2(write.waitForFinished(60000) && write.exitCode() == 0, write.readAllStandardError().constData());
        std::vector<float> expected(40 * 40 * 40);
        for (std::size_t i = 0; i < expected.size(); ++i)
            expected[i] = i < 5000 ? 1.5f : float(i % 97) * 0.25f;
        h5::Id f = h5::openFile(theirs.toStdString());
        h5::Id ds = h5::openDataset(f.get(), "density", theirs.toStdString());
        std::vector<float> got(expected.size());
        h5::readFloats(ds.get(), got.data(), theirs.toStdString(), "density");
        QVERIFY(got == expected);

        Cube c({40, 40, 40}, {60, 60, 60});
        std::copy(expected.begin(), expected.end(), c.mutableData());
        c.metadata().quantity = Quantity::Density;
        H5WriteOptions o;
        o.codec = H5WriteOptions::Codec::Lzf;
        const std::string ours = dir.filePath(QStringLiteral("ours.h5")).toStdString();
        writeReionScopeH5(ours, {c}, o);
        const std::string dataset = probeFile(ours)[0].dataset;
        QProcess read;
        read.start(python,
            {QStringLiteral("-c"),
                QStringLiteral("import sys, numpy as np, h5py\n"
                               "with h5py.File(sys.argv[1], 'r') as f:\n"
                               "    v = f[sys.argv[2]][()].ravel()\n"
                               "print(float(np.sum(v.astype(np.float64))))\n"),
                QString::fromStdString(ours), QString::fromStdString(dataset)});
        QVERIFY2(read.waitForFinished(60000) && read.exitCode() == 0, read.readAllStandardError().constData());
        double sum = 0;
        for (float v : expected)
            sum += v;
        QCOMPARE(read.readAllStandardOutput().trimmed().toDouble(), sum);
    }
};

QTEST_GUILESS_MAIN(TestLzf)
#include "tst_lzf.moc"
