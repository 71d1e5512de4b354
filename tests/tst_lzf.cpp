// The LZF codec (our encoder and decoder of liblzf's byte format) and its HDF5 filter.
#include "fixtures.h"

#include "io/cube_loader.h"
#include "io/hdf5_util.h"
#include "io/lzf.h"
#include "io/reionscope_h5.h"

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
        QTest::addColumn<QString>("kind");
        QTest::newRow("repetitive") << "repetitive";
        QTest::newRow("random") << "random";
        QTest::newRow("floats") << "floats";
        QTest::newRow("tiny") << "tiny";
    }

    void roundTrips()
    {
        QFETCH(QString, kind);
        std::vector<std::uint8_t> in;
        std::mt19937 rng(7);
        if (kind == "repetitive") {
            for (int i = 0; i < 100000; ++i)
                in.push_back(std::uint8_t("reionization"[i % 12]));
        } else if (kind == "random") {
            for (int i = 0; i < 50000; ++i)
                in.push_back(std::uint8_t(rng()));
        } else if (kind == "floats") {
            const auto f = fixtures::pattern(40000);
            in.resize(f.size() * 4);
            std::memcpy(in.data(), f.data(), in.size());
        } else {
            in = {1, 2};
        }
        const auto out = roundTrip(in);
        if (kind == "random" || kind == "tiny") { // incompressible: the encoder says so, or fits
            QVERIFY(out.empty() || out == in);
        } else {
            QCOMPARE(out.size(), in.size());
            QVERIFY(out == in);
        }
        if (kind == "repetitive") {
            std::vector<std::uint8_t> packed(in.size());
            QVERIFY(lzf::compress(in.data(), in.size(), packed.data(), packed.size()) < in.size() / 20);
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
};

QTEST_GUILESS_MAIN(TestLzf)
#include "tst_lzf.moc"
