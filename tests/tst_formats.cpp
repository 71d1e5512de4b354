// Every file format ReionScope reads, each bad-input case, and the writers' round trips.
#include "fixtures.h"

#include "cube/cube_stats.h"
#include "io/classic_name.h"
#include "io/cube_loader.h"
#include "io/npy.h"
#include "io/raw_box.h"
#include "io/reionscope_h5.h"
#include "util/error.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

using namespace rs;

namespace {

/// The message of the rs::Error a callable throws ("" if none).
template<typename F> QString errorOf(F&& f)
{
    try {
        f();
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

template<typename T> std::vector<unsigned char> bigEndianBytes(const std::vector<T>& v)
{
    std::vector<unsigned char> out(v.size() * sizeof(T));
    std::memcpy(out.data(), v.data(), out.size());
    for (std::size_t i = 0; i < v.size(); ++i)
        std::reverse(out.begin() + std::ptrdiff_t(i * sizeof(T)), out.begin() + std::ptrdiff_t((i + 1) * sizeof(T)));
    return out;
}

} // namespace

class TestFormats : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // ---- classic names -----------------------------------------------------------------------
    void classicNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("quantity");
        QTest::addColumn<double>("z");
        QTest::addColumn<int>("n");
        QTest::addColumn<double>("box");
        QTest::addColumn<QString>("key");
        QTest::addColumn<double>("value");
        QTest::newRow("density") << "updated_smoothed_deltax_z008.00_64_96Mpc" << int(Quantity::Density) << 8.0 << 64
                                 << 96.0 << "" << 0.0;
        QTest::newRow("xH const zeta")
            << "xH_nohalos_z008.00_nf0.548080_eff20.0_effPLindex0_HIIfilter1_Mmin5.0e+08_RHIImax50_64_96Mpc"
            << int(Quantity::NeutralFraction) << 8.0 << 64 << 96.0 << "zeta" << 20.0;
        QTest::newRow("xH v2 model")
            << "xH_nohalos_z010.50_nf0.812000_Fstar0.0500_starPL0.5000_Fesc0.1000_escPL-0.5000_Mturn5.00e+08_"
               "HIIfilter1_RHIImax15_200_300Mpc"
            << int(Quantity::NeutralFraction) << 10.5 << 200 << 300.0 << "f_esc" << 0.1;
        QTest::newRow("xH halos") << "xH_z007.00_nf0.300000_eff31.5_HIIfilter1_Mmin5.0e+08_RHIImax30_128_192Mpc"
                                  << int(Quantity::NeutralFraction) << 7.0 << 128 << 192.0 << "m_min" << 5e8;
        QTest::newRow("sphere")
            << "sphere_xH_nohalos_z009.00_nf0.700000_eff20.0_HIIfilter1_Mmin5.0e+08_RHIImax50_32_48Mpc"
            << int(Quantity::NeutralFraction) << 9.0 << 32 << 48.0 << "r_max" << 50.0;
        QTest::newRow("delta_T v3") << "delta_T_v3_z008.00_nf0.548080_useTs0_64_96Mpc"
                                    << int(Quantity::BrightnessTemperature) << 8.0 << 64 << 96.0 << "nf" << 0.54808;
        QTest::newRow("delta_T") << "delta_T_z012.25_nf0.950000_useTs1_200_300Mpc"
                                 << int(Quantity::BrightnessTemperature) << 12.25 << 200 << 300.0 << "use_ts" << 1.0;
        QTest::newRow("v1 extra tokens")
            << "delta_T_v3_no_halos_z008.00_nf0.548080_useTs0_zetaX-1.0e+00_alphaX-1.0_TvirminX-1.0e+00_aveTb010.81_"
               "Pop-1_64_96Mpc"
            << int(Quantity::BrightnessTemperature) << 8.0 << 64 << 96.0 << "ave_tb" << 10.81;
        QTest::newRow("linear z0") << "smoothed_deltax_z0.00_200_300Mpc" << int(Quantity::Density) << 0.0 << 200
                                   << 300.0 << "" << 0.0;
    }

    void classicNames()
    {
        QFETCH(QString, name);
        QFETCH(int, quantity);
        QFETCH(double, z);
        QFETCH(int, n);
        QFETCH(double, box);
        QFETCH(QString, key);
        QFETCH(double, value);
        const auto parsed = parseClassicName(name.toStdString());
        QVERIFY(parsed);
        QCOMPARE(int(parsed->quantity), quantity);
        QVERIFY(parsed->redshift);
        QCOMPARE(*parsed->redshift, z);
        QCOMPARE(parsed->n.value_or(0), std::size_t(n));
        QCOMPARE(parsed->boxMpc.value_or(0), box);
        if (!key.isEmpty()) {
            auto v = numberOf(parsed->parameters, key.toStdString());
            QVERIFY2(v, qPrintable(key));
            QVERIFY(std::abs(*v - value) <= 1e-9 * std::abs(value));
        }
    }

    void unknownTokensAreKept()
    {
        const auto parsed = parseClassicName("delta_T_v3_no_halos_z008.00_nf0.5_useTs0_wibble7_64_96Mpc");
        QVERIFY(parsed);
        const std::string extra = std::get<std::string>(parsed->parameters.at("extra_tokens"));
        QVERIFY(extra.find("wibble7") != std::string::npos);
        QVERIFY(extra.find("no") != std::string::npos);
    }

    void notClassic()
    {
        QVERIFY(!parseClassicName("README.txt"));
        QVERIFY(!parseClassicName("ps_z008.00_nf0.548080_useTs0_aveTb010.81_64_96Mpc_v3"));
    }

    void classicNameRoundTrip()
    {
        Parameters p {{param::nf, 0.548080}, {param::zeta, 20.0}, {param::mMin, 5e8}, {param::rMax, 50.0},
            {param::filter, std::int64_t(1)}, {param::velocityAxis, std::int64_t(3)}};
        QCOMPARE(classicFileName(Quantity::NeutralFraction, 8.0, 64, 96, p),
            std::string("xH_nohalos_z008.00_nf0.548080_eff20.0_effPLindex0_HIIfilter1_Mmin5.0e+08_RHIImax50_64_96Mpc"));
        QCOMPARE(classicFileName(Quantity::BrightnessTemperature, 8.0, 64, 96, p),
            std::string("delta_T_v3_z008.00_nf0.548080_useTs0_64_96Mpc"));
        QCOMPARE(classicFileName(Quantity::Density, 10.0, 200, 300, p),
            std::string("updated_smoothed_deltax_z010.00_200_300Mpc"));
        QVERIFY_THROWS_EXCEPTION(ParameterError, classicFileName(Quantity::NeutralFraction, 8, 64, 96, {}));
    }

    void folderLabels_data()
    {
        QTest::addColumn<QString>("folder");
        QTest::addColumn<QString>("key");
        QTest::addColumn<double>("value");
        QTest::newRow("zeta20") << "zeta20"
                                << "zeta" << 20.0;
        QTest::newRow("zeta_30") << "zeta_30"
                                 << "zeta" << 30.0;
        QTest::newRow("fesc") << "run_fesc0.08"
                              << "f_esc" << 0.08;
        QTest::newRow("f_esc=") << "f_esc=0.1"
                                << "f_esc" << 0.1;
        QTest::newRow("seed") << "zeta20_seed3"
                              << "random_seed" << 3.0;
    }

    void folderLabels()
    {
        QFETCH(QString, folder);
        QFETCH(QString, key);
        QFETCH(double, value);
        const Parameters p = parseFolderLabels(folder.toStdString());
        auto v = numberOf(p, key.toStdString());
        QVERIFY2(v, qPrintable(folder));
        QCOMPARE(*v, value);
        QVERIFY(parseFolderLabels("plots").empty());
    }

    // ---- classic raw boxes -------------------------------------------------------------------
    void rawBoxLoads()
    {
        QTemporaryDir dir;
        const auto v = fixtures::pattern(8 * 8 * 8, 2.0f);
        const std::string path = fixtures::writeFloats(dir.path(), "updated_smoothed_deltax_z009.00_8_12Mpc", v);
        QCOMPARE(detectFormat(path), FileFormat::Classic);
        const Cube c = loadCube(path);
        QCOMPARE(c.shape(), (Shape {8, 8, 8}));
        QCOMPARE(c.boxLength()[2], 12.0);
        QCOMPARE(c.quantity(), Quantity::Density);
        QCOMPARE(*c.redshift(), 9.0);
        QCOMPARE(c.metadata().sourceFormat, std::string("classic"));
        // Element (i, j, k) sits at k + N*(j + N*i).
        QCOMPARE(c.at(1, 2, 3), v[3 + 8 * (2 + 8 * 1)]);
    }

    void rawBoxBadInput_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("floats");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << "updated_smoothed_deltax_z009.00_8_12Mpc" << 0 << "empty";
        QTest::newRow("truncated") << "updated_smoothed_deltax_z009.00_8_12Mpc" << 511 << "expected 2048 bytes";
        QTest::newRow("one float too long") << "updated_smoothed_deltax_z009.00_8_12Mpc" << 513 << "but found 2052";
        QTest::newRow("no N/L tokens") << "updated_smoothed_deltax_z009.00" << 512 << "_<N>_<L>Mpc";
        QTest::newRow("N contradicts size") << "delta_T_z009.00_nf0.5_useTs0_16_12Mpc" << 512 << "16^3";
    }

    void rawBoxBadInput()
    {
        QFETCH(QString, name);
        QFETCH(int, floats);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const std::string path
            = fixtures::writeFloats(dir.path(), name.toStdString(), std::vector<float>(std::size_t(floats), 1.f));
        const QString msg = errorOf([&] { loadCube(path); });
        QVERIFY2(msg.contains(QString::fromStdString(path)), qPrintable(msg));
        QVERIFY2(msg.contains(expected), qPrintable(msg));
    }

    void nanAndInfAreLoadedAndCounted()
    {
        QTemporaryDir dir;
        auto v = fixtures::pattern(4 * 4 * 4);
        v[5] = std::numeric_limits<float>::quiet_NaN();
        v[6] = -std::numeric_limits<float>::infinity();
        v[7] = std::numeric_limits<float>::infinity();
        const std::string path = fixtures::writeFloats(dir.path(), "xH_nohalos_z008.00_nf0.5_eff20.0_4_6Mpc", v);
        const Cube c = loadCube(path);
        QVERIFY(std::isnan(c.data()[5]));
        const SummaryStats s = summarize(c);
        QCOMPARE(s.nonfinite, std::size_t(3));
        QCOMPARE(s.count, std::size_t(61));
        QVERIFY(std::isfinite(s.mean));
    }

    void missingPath()
    {
        const QString msg = errorOf([] { probeFile("/no/such/dir/updated_smoothed_deltax_z008.00_64_96Mpc"); });
        QVERIFY(msg.contains("no such file"));
        QVERIFY(msg.contains("/no/such/dir"));
    }

    void unrelatedFileIsUnrecognised()
    {
        QTemporaryDir dir;
        const std::string path = fixtures::writeBytes(dir.path(), "notes.txt", "hello", 5);
        QCOMPARE(detectFormat(path), FileFormat::Unknown);
        QVERIFY_THROWS_EXCEPTION(UnrecognisedFormatError, probeFile(path));
    }

    // ---- NumPy ----------------------------------------------------------------------------------
    void npy_data()
    {
        QTest::addColumn<QString>("descr");
        QTest::addColumn<bool>("fortran");
        QTest::addColumn<int>("major");
        QTest::newRow("f4 C v1") << "<f4" << false << 1;
        QTest::newRow("f4 F v1") << "<f4" << true << 1;
        QTest::newRow("f4 big-endian v2") << ">f4" << false << 2;
        QTest::newRow("f8 C v3") << "<f8" << false << 3;
        QTest::newRow("f8 big-endian F") << ">f8" << true << 1;
    }

    void npy()
    {
        QFETCH(QString, descr);
        QFETCH(bool, fortran);
        QFETCH(int, major);
        QTemporaryDir dir;
        const Shape s {3, 4, 5};
        // Logical value of (i, j, k) = 100 i + 10 j + k, stored in C or Fortran order.
        std::vector<double> values;
        for (std::size_t a = 0; a < 60; ++a) {
            std::size_t i, j, k;
            if (fortran) {
                i = a % 3;
                j = (a / 3) % 4;
                k = a / 12;
            } else {
                i = a / 20;
                j = (a / 5) % 4;
                k = a % 5;
            }
            values.push_back(100.0 * double(i) + 10.0 * double(j) + double(k) + 0.25);
        }
        std::vector<unsigned char> payload;
        const bool big = descr.startsWith('>');
        if (descr.endsWith("f4")) {
            std::vector<float> f(values.begin(), values.end());
            payload = big ? bigEndianBytes(f)
                          : std::vector<unsigned char>((unsigned char*)f.data(), (unsigned char*)(f.data() + f.size()));
        } else {
            payload = big ? bigEndianBytes(values)
                          : std::vector<unsigned char>(
                              (unsigned char*)values.data(), (unsigned char*)(values.data() + values.size()));
        }
        const std::string path = fixtures::writeNpy(dir.path(), "delta_T_z8.5_300Mpc.npy", descr.toStdString(), fortran,
            {3, 4, 5}, payload.data(), payload.size(), major);
        QCOMPARE(detectFormat(path), FileFormat::Npy);
        const Cube c = loadCube(path);
        QCOMPARE(c.shape(), s);
        QCOMPARE(c.at(2, 3, 4), 234.25f);
        QCOMPARE(c.at(1, 0, 2), 102.25f);
        QCOMPARE(c.quantity(), Quantity::BrightnessTemperature);
        QCOMPARE(*c.redshift(), 8.5);
        QCOMPARE(c.boxLength()[0], 300.0);
        QCOMPARE(c.boxLength()[1], 400.0);
    }

    void npyWithoutHintsAssumesUnitCells()
    {
        QTemporaryDir dir;
        std::vector<float> v(8, 1.f);
        const std::string path = fixtures::writeNpy(dir.path(), "cube.npy", "<f4", false, {2, 2, 2}, v.data(), 32);
        const Cube c = loadCube(path);
        QCOMPARE(c.boxLength()[0], 2.0);
        QVERIFY(c.metadata().parameters.count("box_length_assumed"));
        QCOMPARE(c.quantity(), Quantity::Other);
    }

    void npyBadInput_data()
    {
        // Each row is a file: dtype, shape, how many data bytes are written, format version, or a
        // whole hand-written header (then the other columns are unused).
        QTest::addColumn<QString>("descr");
        QTest::addColumn<QList<qsizetype>>("shape");
        QTest::addColumn<int>("dataBytes");
        QTest::addColumn<int>("version");
        QTest::addColumn<QByteArray>("rawHeader");
        QTest::addColumn<QString>("expected");
        const QList<qsizetype> cube {4, 4, 4};
        QTest::newRow("rank 2") << "<f4" << QList<qsizetype> {8, 8} << 256 << 1 << QByteArray() << "rank 2";
        QTest::newRow("int dtype") << "<i4" << cube << 256 << 1 << QByteArray() << "unsupported NumPy dtype '<i4'";
        QTest::newRow("bad header") << "" << cube << 0 << 1
                                    << QByteArray("{'descr': '<f4', 'fortran_order': False, }        \n") << "shape";
        QTest::newRow("truncated") << "<f4" << cube << 200 << 1 << QByteArray() << "truncated";
        QTest::newRow("bad version") << "<f4" << cube << 256 << 9 << QByteArray() << "format version 9";
    }

    void npyBadInput()
    {
        QFETCH(QString, descr);
        QFETCH(QList<qsizetype>, shape);
        QFETCH(int, dataBytes);
        QFETCH(int, version);
        QFETCH(QByteArray, rawHeader);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        std::vector<float> v(64, 1.f);
        std::string path;
        if (rawHeader.isEmpty()) {
            const std::vector<std::size_t> dims(shape.begin(), shape.end());
            path = fixtures::writeNpy(
                dir.path(), "a.npy", descr.toStdString(), false, dims, v.data(), std::size_t(dataBytes), version);
        } else {
            std::string bytes("\x93NUMPY\x01\x00", 8);
            bytes += char(rawHeader.size());
            bytes += char(0);
            bytes += rawHeader.toStdString();
            path = fixtures::writeBytes(dir.path(), "a.npy", bytes.data(), bytes.size());
        }
        const QString msg = errorOf([&] { loadCube(path); });
        QVERIFY2(msg.contains(expected), qPrintable(msg));
        QVERIFY2(msg.contains(QString::fromStdString(path)), qPrintable(msg));
    }

    void npyWriterRoundTrip()
    {
        QTemporaryDir dir;
        const auto v = fixtures::pattern(6 * 7);
        const std::string path = dir.filePath("slice.npy").toStdString();
        writeNpy(path, v.data(), {6, 7});
        const NpyHeader h = readNpyHeader(path);
        QCOMPARE(h.shape, (std::vector<std::size_t> {6, 7}));
        QCOMPARE(h.dataOffset % 64, std::size_t(0));
        QCOMPARE(h.descr, std::string("<f4"));
        const auto v3 = fixtures::pattern(2 * 3 * 4);
        writeNpy(path, v3.data(), {2, 3, 4});
        const Cube c = readNpyCube(path);
        QCOMPARE(c.at(1, 2, 3), v3.back());
    }

    // ---- py21cmfast HDF5 ----------------------------------------------------------------------
    void v3SingleStructure()
    {
        QTemporaryDir dir;
        const auto v = fixtures::pattern(8 * 8 * 8, 10.f, 5.f);
        const std::string path = fixtures::writeV3(dir.path(), "BrightnessTemp_0123456789abcdef_r12345.h5",
            "BrightnessTemp", "brightness_temp", 8, 16.0, 9.5, v);
        QCOMPARE(detectFormat(path), FileFormat::H5v3);
        const auto entries = probeFile(path);
        QCOMPARE(entries.size(), std::size_t(1));
        const Cube c = loadEntry(entries[0]);
        QCOMPARE(c.quantity(), Quantity::BrightnessTemperature);
        QCOMPARE(*c.redshift(), 9.5);
        QCOMPARE(c.boxLength()[0], 16.0);
        QCOMPARE(c.at(7, 7, 7), v.back());
        const Parameters& p = c.metadata().parameters;
        QCOMPARE(*numberOf(p, param::zeta), 30.0);
        QVERIFY(std::abs(*numberOf(p, param::fesc) - 0.1) < 1e-12); // F_ESC10 = -1 is log10
        QCOMPARE(*numberOf(p, param::seed), 12345.0);
        QCOMPARE(*numberOf(p, param::dim), 8.0);
        QCOMPARE(std::get<std::string>(p.at("user_params.DIM")), std::string("none"));
        QCOMPARE(std::get<bool>(p.at("flag_options.USE_MASS_DEPENDENT_ZETA")), false);
    }

    void v3Coeval()
    {
        QTemporaryDir dir;
        const auto d = fixtures::pattern(512, 0.5f), x = fixtures::pattern(512, 0.1f, 0.5f),
                   t = fixtures::pattern(512, 9.f, 10.f);
        const std::string path = fixtures::writeV3Coeval(dir.path(), "Coeval_z8.h5", 8, 12.0, 8.0, d, x, t);
        const auto entries = probeFile(path);
        int primaries = 0;
        for (const auto& e : entries)
            primaries += e.primary;
        QCOMPARE(primaries, 3);
        QCOMPARE(entries.size(), std::size_t(4)); // + velocity_z as auxiliary
        QCOMPARE(loadCube(path, Quantity::NeutralFraction).at(0, 0, 1), x[1]);
        QCOMPARE(loadCube(path, Quantity::Density).at(0, 1, 0), d[8]);
        QVERIFY(errorOf([&] { loadCube(path); }).contains("say which quantity"));
        QCOMPARE(loadFile(path).size(), std::size_t(3));
    }

    void v4_data()
    {
        QTest::addColumn<QString>("structure");
        QTest::addColumn<QString>("field");
        QTest::addColumn<int>("quantity");
        QTest::addColumn<bool>("coeval");
        QTest::newRow("density") << "PerturbedField"
                                 << "density" << int(Quantity::Density) << false;
        QTest::newRow("neutral_fraction") << "IonizedBox"
                                          << "neutral_fraction" << int(Quantity::NeutralFraction) << false;
        QTest::newRow("brightness_temp coeval") << "BrightnessTemp"
                                                << "brightness_temp" << int(Quantity::BrightnessTemperature) << true;
    }

    void v4()
    {
        QFETCH(QString, structure);
        QFETCH(QString, field);
        QFETCH(int, quantity);
        QFETCH(bool, coeval);
        QTemporaryDir dir;
        const auto v = fixtures::pattern(6 * 6 * 6);
        const std::string path = fixtures::writeV4(
            dir.path(), "out.h5", structure.toStdString(), field.toStdString(), 6, 9.0, 7.25, v, coeval);
        QCOMPARE(detectFormat(path), FileFormat::H5v4);
        const Cube c = loadCube(path);
        QCOMPARE(int(c.quantity()), quantity);
        QCOMPARE(*c.redshift(), 7.25);
        QCOMPARE(c.boxLength()[1], 9.0);
        QCOMPARE(c.at(5, 4, 3), v[3 + 6 * (4 + 6 * 5)]);
        const Parameters& p = c.metadata().parameters;
        QVERIFY(std::abs(*numberOf(p, param::fesc) - 0.2) < 1e-12);
        QVERIFY(std::abs(*numberOf(p, param::mTurn) - std::pow(10.0, 8.7)) < 1.0);
        QCOMPARE(*numberOf(p, param::seed), 42.0);
        QCOMPARE(std::get<std::string>(p.at(param::codeVersion)), std::string("21cmFAST 4.0.0"));
    }

    void corruptHdf5()
    {
        QTemporaryDir dir;
        std::string bytes("\x89HDF\r\n\x1a\n", 8);
        for (int i = 0; i < 2000; ++i)
            bytes += char((i * 7919) % 251);
        const std::string path = fixtures::writeBytes(dir.path(), "broken.h5", bytes.data(), bytes.size());
        const QString msg = errorOf([&] { probeFile(path); });
        QVERIFY2(msg.contains("corrupt HDF5"), qPrintable(msg));
        QVERIFY(msg.contains(QString::fromStdString(path)));
    }

    void damagedFileOnWorkerThreadLetsHdf5CloseCleanly()
    {
        // A failed HDF5 call on a worker thread used to leave that thread's error stack filled,
        // and the library then printed "HDF5: infinite loop closing library" at exit.
        QTemporaryDir dir;
        std::string bytes("\x89HDF\r\n\x1a\n", 8);
        for (int i = 0; i < 2000; ++i)
            bytes += char((i * 7919) % 251);
        const std::string path = fixtures::writeBytes(dir.path(), "broken.h5", bytes.data(), bytes.size());
        QProcess p;
        p.start(QStringLiteral(REIONSCOPE_H5_WORKER_PROBE), {QString::fromStdString(path)});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(!err.contains("HDF5"), err.constData());
    }

    void hdf5MissingOrWrongRankDataset_data()
    {
        QTest::addColumn<QString>("dataset");
        QTest::addColumn<int>("rank");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing") << "" << 3 << "has no dataset 'brightness_temp'";
        QTest::newRow("rank 2") << "brightness_temp" << 2 << "rank 2";
        QTest::newRow("rank 4") << "brightness_temp" << 4 << "rank 4";
    }

    void hdf5MissingOrWrongRankDataset()
    {
        QFETCH(QString, dataset);
        QFETCH(int, rank);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        std::vector<unsigned long long> dims(std::size_t(rank), 4);
        const std::string path
            = fixtures::writeV3WithDims(dir.path(), "bt.h5", "BrightnessTemp", dataset.toStdString(), dims);
        const QString msg = errorOf([&] { probeFile(path); });
        QVERIFY2(msg.contains(expected), qPrintable(msg));
        QVERIFY(msg.contains(QString::fromStdString(path)));
    }

    // ---- ReionScope HDF5 ----------------------------------------------------------------------
    void reionscopeRoundTrip()
    {
        QTemporaryDir dir;
        Cube a({6, 5, 4}, {9, 7.5, 6});
        const auto v = fixtures::pattern(a.voxelCount());
        std::copy(v.begin(), v.end(), a.mutableData());
        a.metadata().quantity = Quantity::BrightnessTemperature;
        a.metadata().redshift = 8.0;
        a.metadata().parameters = {{param::zeta, 20.0}, {param::seed, std::int64_t(3)}, {"note", std::string("hi")},
            {"velocities", true}, {"quantity", std::string("clash")}};
        a.metadata().sourcePath = "/somewhere/original";
        Cube b = a.clone();
        b.metadata().quantity = Quantity::NeutralFraction;
        Cube c = a.clone(); // same quantity and z as a: gets a unique name
        const std::string path = dir.filePath("cubes.h5").toStdString();
        writeReionScopeH5(path, {a, b, c});
        QCOMPARE(detectFormat(path), FileFormat::ReionScope);
        const auto entries = probeFile(path);
        QCOMPARE(entries.size(), std::size_t(3));
        const Cube r = loadCube(path, Quantity::NeutralFraction);
        QCOMPARE(r.shape(), a.shape());
        QCOMPARE(r.boxLength(), a.boxLength());
        QCOMPARE(std::memcmp(r.data(), a.data(), a.byteSize()), 0);
        QCOMPARE(*r.redshift(), 8.0);
        const Parameters& p = r.metadata().parameters;
        QCOMPARE(std::get<double>(p.at(param::zeta)), 20.0);
        QCOMPARE(std::get<std::int64_t>(p.at(param::seed)), std::int64_t(3));
        QCOMPARE(std::get<std::string>(p.at("note")), std::string("hi"));
        QCOMPARE(std::get<bool>(p.at("velocities")), true);
        QCOMPARE(std::get<std::string>(p.at("quantity")), std::string("clash")); // reserved names survive
        QCOMPARE(r.metadata().sourceFormat, std::string("reionscope"));
    }

    void failedWriteKeepsOldFile()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("keep.h5").toStdString();
        Cube a({4, 4, 4}, {1, 1, 1});
        a.metadata().quantity = Quantity::Density;
        writeReionScopeH5(path, {a});
        QVERIFY_THROWS_EXCEPTION(ParameterError, writeReionScopeH5(path, {a, Cube()}));
        QCOMPARE(loadFile(path).size(), std::size_t(1)); // the old file is intact
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 1); // no temporaries left
    }
};

QTEST_GUILESS_MAIN(TestFormats)
#include "tst_formats.moc"
