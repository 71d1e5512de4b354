// The Cube value type: views without copies, copy-on-write, statistics.
#include "cube/cube.h"
#include "cube/cube_stats.h"
#include "util/error.h"

#include <QtTest>

#include <cmath>
#include <limits>

using namespace rs;

class TestCube : public QObject {
    Q_OBJECT

    static Cube indexCube(Shape s)
    {
        Cube c(s, {double(s[0]), double(s[1]) * 2, double(s[2]) * 3});
        float* d = c.mutableData();
        for (std::size_t i = 0; i < s[0]; ++i)
            for (std::size_t j = 0; j < s[1]; ++j)
                for (std::size_t k = 0; k < s[2]; ++k)
                    d[c.index(i, j, k)] = float(i * 10000 + j * 100 + k);
        return c;
    }

private Q_SLOTS:
    void geometry()
    {
        const Cube c = indexCube({4, 5, 6});
        QCOMPARE(c.voxelCount(), std::size_t(120));
        QCOMPARE(c.byteSize(), std::size_t(480));
        QCOMPARE(c.cellSize(1), 2.0);
        QCOMPARE(c.at(3, 4, 5), 30405.0f);
        QVERIFY(!c.isCubic());
        QVERIFY(reinterpret_cast<std::uintptr_t>(c.data()) % 64 == 0);
    }

    void badGeometryIsRefused()
    {
        QVERIFY_THROWS_EXCEPTION(ParameterError, Cube({0, 4, 4}, {1, 1, 1}));
        QVERIFY_THROWS_EXCEPTION(ParameterError, Cube({4, 4, 4}, {1, -1, 1}));
    }

    void slices_data()
    {
        QTest::addColumn<int>("axis");
        QTest::addColumn<int>("index");
        QTest::newRow("x") << 0 << 2;
        QTest::newRow("y") << 1 << 3;
        QTest::newRow("z") << 2 << 5;
    }

    void slices()
    {
        QFETCH(int, axis);
        QFETCH(int, index);
        const Cube c = indexCube({4, 5, 6});
        const SliceView s = c.slice(axis, std::size_t(index));
        const auto expectedShape = sliceShape(c.shape(), axis);
        QCOMPARE(s.rows(), expectedShape[0]);
        QCOMPARE(s.cols(), expectedShape[1]);
        const std::vector<float> copy = s.toVector();
        for (std::size_t r = 0; r < s.rows(); ++r)
            for (std::size_t col = 0; col < s.cols(); ++col) {
                std::size_t ijk[3];
                int other = 0;
                for (int a = 0; a < 3; ++a)
                    ijk[a] = a == axis ? std::size_t(index) : (other++ == 0 ? r : col);
                QCOMPARE(s.at(r, col), c.at(ijk[0], ijk[1], ijk[2]));
                QCOMPARE(copy[r * s.cols() + col], c.at(ijk[0], ijk[1], ijk[2]));
            }
        QVERIFY_THROWS_EXCEPTION(ParameterError, c.slice(axis, c.shape()[axis]));
    }

    void viewsShareVoxelsAndKeepThemAlive()
    {
        SliceView s;
        BlockView b;
        {
            const Cube c = indexCube({8, 8, 8});
            s = c.slice(2, 1);
            b = c.block({2, 3, 4}, {3, 2, 4});
        } // the cube is gone; the views still own the voxels
        QCOMPARE(s.at(7, 6), 70601.0f);
        QCOMPARE(b.at(0, 0, 0), 20304.0f);
        QCOMPARE(b.at(2, 1, 3), 40407.0f);
        QCOMPARE(b.slice(1, 1).at(2, 3), 40407.0f);
        std::vector<float> out(3 * 2 * 4);
        b.copyTo(out.data());
        QCOMPARE(out.back(), 40407.0f);
        QCOMPARE(out.front(), 20304.0f);
    }

    void blockMustFit()
    {
        const Cube c = indexCube({4, 4, 4});
        QVERIFY_THROWS_EXCEPTION(ParameterError, c.block({2, 0, 0}, {3, 1, 1}));
        QVERIFY_THROWS_EXCEPTION(ParameterError, c.block({0, 0, 0}, {0, 1, 1}));
    }

    void copyOnWrite()
    {
        Cube a = indexCube({4, 4, 4});
        Cube b = a; // shares voxels
        QCOMPARE(a.data(), b.data());
        const SliceView before = a.slice(0, 0);
        b.mutableData()[0] = -1.0f; // detaches b
        QVERIFY(a.data() != b.data());
        QCOMPARE(a.at(0, 0, 0), 0.0f);
        QCOMPARE(b.at(0, 0, 0), -1.0f);
        QCOMPARE(before.at(0, 0), 0.0f);
        // A sole owner writes in place.
        const float* p = b.data();
        b.mutableData()[1] = 5.0f;
        QCOMPARE(b.data(), p);
    }

    void statistics()
    {
        Cube c({2, 2, 2}, {1, 1, 1});
        float* d = c.mutableData();
        const float vals[8]
            = {1, 2, 3, 4, 5, 6, std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()};
        std::copy(vals, vals + 8, d);
        const SummaryStats s = summarize(c);
        QCOMPARE(s.nonfinite, std::size_t(2));
        QCOMPARE(s.count, std::size_t(6));
        QCOMPARE(s.min, 1.0);
        QCOMPARE(s.max, 6.0);
        QCOMPARE(s.mean, 3.5);
        QVERIFY(std::abs(s.std - std::sqrt(35.0 / 12.0)) < 1e-12);
    }

    void statisticsStayAccurateFarFromZero()
    {
        std::vector<float> v(1 << 16);
        for (std::size_t i = 0; i < v.size(); ++i)
            v[i] = 1.0e4f + ((i % 2) ? 0.5f : -0.5f);
        const SummaryStats s = summarize(v.data(), v.size());
        QVERIFY(std::abs(s.std - 0.5) < 1e-6);
        QVERIFY(std::abs(s.mean - 1.0e4) < 1e-6);
    }

    void largeArraysSplitOverThreadsGiveTheSameSummary()
    {
        // Past 4 M values the blocks run on every core; NaN/Inf, min and max in different blocks.
        const std::size_t n = (std::size_t(1) << 22) + 12345;
        std::vector<float> v(n);
        for (std::size_t i = 0; i < n; ++i)
            v[i] = float(std::sin(0.001 * double(i)) * 40.0 + 0.25 * double(i % 7));
        v[17] = std::numeric_limits<float>::quiet_NaN();
        v[n / 2] = std::numeric_limits<float>::infinity();
        v[n - 3] = -1000.0f;
        v[3 * n / 4] = 2000.0f;
        long double sum = 0, sq = 0;
        std::size_t count = 0;
        for (float x : v)
            if (std::isfinite(x)) {
                sum += x;
                sq += (long double)x * x;
                ++count;
            }
        const double mean = double(sum / count), sd = double(std::sqrt(sq / count - (sum / count) * (sum / count)));
        const SummaryStats s = summarize(v.data(), v.size());
        QCOMPARE(s.nonfinite, std::size_t(2));
        QCOMPARE(s.count, count);
        QCOMPARE(s.min, -1000.0);
        QCOMPARE(s.max, 2000.0);
        QVERIFY2(std::abs(s.mean - mean) < 1e-9 * std::abs(mean), qPrintable(QString::number(s.mean - mean)));
        QVERIFY2(std::abs(s.std - sd) < 1e-9 * sd, qPrintable(QString::number(s.std - sd)));
    }

    void allNaN()
    {
        std::vector<float> v(10, std::numeric_limits<float>::quiet_NaN());
        const SummaryStats s = summarize(v.data(), v.size());
        QCOMPARE(s.count, std::size_t(0));
        QCOMPARE(s.nonfinite, std::size_t(10));
        QVERIFY(std::isnan(s.mean));
    }
};

QTEST_GUILESS_MAIN(TestCube)
#include "tst_cube.moc"
