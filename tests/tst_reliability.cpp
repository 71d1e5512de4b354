// Issue 17's findings about readers and the CLI, one test each: sizes checked before allocating
// (no overflow, no bad_alloc), every message naming its file, invalid UTF-8 never breaking JSON,
// untrusted HDF5 opened by a helper process first, and the CLI's exit codes and errors list.
#include "fixtures.h"

#include "cube/cube.h"
#include "io/cube_loader.h"
#include "io/hdf5_guard.h"
#include "io/hdf5_util.h"
#include "io/reionscope_h5.h"
#include "util/error.h"
#include "util/file_stamp.h"
#include "util/file_util.h"
#include "util/size_limits.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <hdf5.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

using namespace rs;
using fixtures::runCli;

using fixtures::EnvGuard;
using fixtures::writeScript;

namespace {

/// The message of the rs::Error a callable throws ("" if none).
template<typename F> QString errorOf(F&& f)
{
    return fixtures::errorOf<Error>(std::forward<F>(f)).value_or(QString());
}

/// A ReionScope HDF5 file holding one chunked float32 dataset `cubes/c` of `dims` whose voxels
/// are never written (so the file stays tiny whatever the dims), with box length `box` and an
/// extra string attribute `label` holding raw `labelBytes`.
std::string writeDeclaredCube(const QString& dir, const std::string& name, const std::vector<hsize_t>& dims, double box,
    const std::string& labelBytes = "fine")
{
    const std::string path = QDir(dir).filePath(QString::fromStdString(name)).toStdString();
    h5::silenceErrorPrinting();
    const hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    h5::writeAttribute(f, "format", std::string("reionscope"), path);
    const hid_t g = H5Gcreate2(f, "cubes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const hid_t space = H5Screate_simple(int(dims.size()), dims.data(), nullptr);
    const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    std::vector<hsize_t> chunk(dims.size(), 1);
    H5Pset_chunk(dcpl, int(chunk.size()), chunk.data());
    const hid_t ds = H5Dcreate2(g, "c", H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    h5::writeAttribute(ds, "box_length_mpc", std::vector<double> {box, box, box}, path);
    h5::writeAttribute(ds, "quantity", std::string("density"), path);
    // The label as raw bytes, declared UTF-8 (what a damaged or foreign writer may leave).
    const hid_t st = H5Tcopy(H5T_C_S1);
    H5Tset_size(st, H5T_VARIABLE);
    H5Tset_cset(st, H5T_CSET_UTF8);
    const hid_t scalar = H5Screate(H5S_SCALAR);
    const hid_t a = H5Acreate2(ds, "label", st, scalar, H5P_DEFAULT, H5P_DEFAULT);
    const char* p = labelBytes.c_str();
    H5Awrite(a, st, &p);
    for (hid_t id : {a})
        H5Aclose(id);
    H5Sclose(scalar);
    H5Tclose(st);
    H5Dclose(ds);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Gclose(g);
    H5Fclose(f);
    return path;
}

/// A small readable ReionScope file (8^3 density cube).
std::string writeGoodCube(const QString& dir, const std::string& name)
{
    const std::string path = QDir(dir).filePath(QString::fromStdString(name)).toStdString();
    Cube c({8, 8, 8}, {12, 12, 12});
    CubeMetadata m;
    m.quantity = Quantity::Density;
    m.redshift = 8.0;
    c.metadata() = m;
    float* d = c.mutableData();
    for (std::size_t i = 0; i < c.voxelCount(); ++i)
        d[i] = float(i % 17) * 0.1f;
    writeReionScopeH5(path, {c});
    return path;
}

/// A reionscope-probe that adds a line to `counter` for every file it vets (one process each:
/// its server mode refuses to start).
QString countingProbe(const QString& dir, const QString& counter)
{
    return writeScript(dir, "count-probe",
        "case \"$1\" in --serve) exit 0 ;; esac\necho x >> \"" + counter
            + "\"\nexec \"" REIONSCOPE_PROBE_EXE "\" \"$1\"");
}

QJsonObject parseJson(const QByteArray& text)
{
    QJsonParseError err {};
    const QJsonDocument doc = QJsonDocument::fromJson(text, &err);
    if (err.error != QJsonParseError::NoError)
        qWarning("not JSON (%s): %s", qPrintable(err.errorString()), text.left(400).constData());
    return doc.object();
}

} // namespace

class TestReliability : public QObject {
    Q_OBJECT

    QTemporaryDir m_cacheDir;

private Q_SLOTS:
    void initTestCase()
    {
        // The in-process tests below vet HDF5 files with the real helper when it is built.
        if (qEnvironmentVariableIsEmpty("REIONSCOPE_PROBE"))
            qputenv("REIONSCOPE_PROBE", QByteArrayLiteral(REIONSCOPE_PROBE_EXE));
        // Verdicts of this test process and its CLI children stay out of the user's cache.
        QVERIFY(m_cacheDir.isValid());
        const QByteArray cache = m_cacheDir.filePath(QStringLiteral("vetted")).toUtf8();
        qputenv("REIONSCOPE_VET_CACHE", cache);
        h5::setVetCacheFolder(cache.toStdString());
    }

    // ---- sizes checked before allocating --------------------------------------------------------
    void checkedArithmetic()
    {
        QCOMPARE(checkedMul(1ULL << 32, 1ULL << 31).value_or(0), 1ULL << 63);
        QVERIFY(!checkedMul(1ULL << 32, 1ULL << 32));
        // The classic name N = 18014398509482000: N^3 * 4 wraps to 16384 in 64-bit arithmetic.
        const std::uint64_t n = 18014398509482000ULL;
        QCOMPARE(n * n * n * 4, std::uint64_t(16384));
        QVERIFY(!checkedProduct({n, n, n, 4}));
        QCOMPARE(parseByteSize("4G").value_or(0), 4ULL << 30);
        QVERIFY(!parseByteSize("4X"));
        QVERIFY(!parseByteSize("-1"));
    }

    void fileChangeStampSeesEveryAtomicWrite()
    {
        // Watchers poll files rewritten by other processes (config.json after `calibrate`): two
        // writes of the same size within one tick of the coarse modification clock differ too.
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("config.json")).toStdString();
        QCOMPARE(fileChangeStamp(path), std::uint64_t(0));
        std::set<std::uint64_t> stamps;
        for (const char* text : {"{\"epochs\": 2}", "{\"epochs\": 7}", "{\"epochs\": 3}"}) {
            writeFileAtomically(path, text, std::strlen(text));
            const std::uint64_t stamp = fileChangeStamp(path);
            QCOMPARE(fileChangeStamp(path), stamp); // the same while the file is unchanged
            stamps.insert(stamp);
        }
        QCOMPARE(stamps.size(), std::size_t(3));
        QVERIFY(!stamps.count(0));
    }

    void classicNameWithAbsurdN()
    {
        QTemporaryDir dir;
        const std::vector<float> v(4096, 1.0f); // 16384 bytes: what the wrapped size check expected
        const std::string path
            = fixtures::writeFloats(dir.path(), "delta_T_z008.00_nf0.5_useTs0_18014398509482000_300Mpc", v);
        const QString msg = errorOf([&] { probeFile(path); });
        QVERIFY2(msg.startsWith(QString::fromStdString(path) + ": "), qPrintable(msg));
        QVERIFY2(msg.contains("impossible"), qPrintable(msg));
    }

    void npyHeaderWithAbsurdShape_data()
    {
        QTest::addColumn<QString>("shape");
        QTest::addColumn<QString>("expected");
        QTest::newRow("overflow") << "(1099511627776, 1099511627776, 1099511627776)"
                                  << "impossible";
        QTest::newRow("2^40 voxels") << "(16384, 16384, 4096)"
                                     << "truncated";
    }

    void npyHeaderWithAbsurdShape()
    {
        QFETCH(QString, shape);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape.toStdString() + ", }";
        dict.append(118 - dict.size(), ' ');
        dict += '\n';
        std::string bytes = std::string("\x93NUMPY\x01\x00", 8) + char(dict.size()) + char(0) + dict;
        bytes.append(7000, '\0');
        const std::string path = fixtures::writeBytes(dir.path(), "huge.npy", bytes.data(), bytes.size());
        const QString msg = errorOf([&] { loadFile(path); });
        QVERIFY2(msg.startsWith(QString::fromStdString(path) + ": "), qPrintable(msg));
        QVERIFY2(msg.contains(expected), qPrintable(msg));
    }

    void hdf5DimsBeyondMemoryOrOverflowing()
    {
        QTemporaryDir dir;
        // 2^60 voxels: a valid size, but no machine holds it: refused at load with the numbers.
        const std::string big = writeDeclaredCube(dir.path(), "big.h5", {1ULL << 20, 1ULL << 20, 1ULL << 20}, 300);
        const std::vector<CubeEntry> entries = probeFile(big);
        QCOMPARE(entries.size(), std::size_t(1));
        const QString msg = errorOf([&] { loadEntry(entries[0]); });
        QVERIFY2(msg.startsWith(QString::fromStdString(big) + ": "), qPrintable(msg));
        QVERIFY2(msg.contains("budget") && msg.contains("EiB"), qPrintable(msg));
        // 2^90 voxels overflow 64 bits: refused when listed.
        const std::string wraps = writeDeclaredCube(dir.path(), "wraps.h5", {1ULL << 30, 1ULL << 30, 1ULL << 30}, 300);
        const QString msg2 = errorOf([&] { probeFile(wraps); });
        QVERIFY2(msg2.startsWith(QString::fromStdString(wraps) + ": ") && msg2.contains("overflow"), qPrintable(msg2));
    }

    void memoryBudgetIsConfigurable()
    {
        QTemporaryDir dir;
        const std::string path = writeGoodCube(dir.path(), "good.h5");
        setMemoryBudgetBytes(1000); // an 8^3 float32 cube needs 2048 bytes
        const QString msg = errorOf([&] { loadCube(path); });
        setMemoryBudgetBytes(0);
        QVERIFY2(
            msg.startsWith(QString::fromStdString(path) + ": ") && msg.contains("budget of 1000 B"), qPrintable(msg));
        QCOMPARE(loadCube(path).voxelCount(), std::size_t(512));
        // The environment variable, as a user sets it.
        EnvGuard env("REIONSCOPE_MEMORY_BUDGET", "1K");
        QCOMPARE(memoryBudgetBytes(), std::uint64_t(1024));
    }

    void absurdBoxLengthIsRefusedNamingTheFile()
    {
        QTemporaryDir dir;
        const std::string path = writeDeclaredCube(dir.path(), "box.h5", {4, 4, 4}, 1e308);
        const QString msg = errorOf([&] { probeFile(path); });
        QVERIFY2(msg.startsWith(QString::fromStdString(path) + ": ") && msg.contains("box length"), qPrintable(msg));
    }

    void invalidUtf8AttributeIsSanitised()
    {
        QCOMPARE(h5::validUtf8("abc é"), std::string("abc é"));
        QCOMPARE(h5::validUtf8(std::string("a\xff") + "b"),
            std::string("a\xEF\xBF\xBD"
                        "b"));
        QCOMPARE(h5::validUtf8("\xC0\xAF"), std::string("\xEF\xBF\xBD\xEF\xBF\xBD")); // overlong '/'
        QTemporaryDir dir;
        const std::string path = writeDeclaredCube(dir.path(), "utf8.h5", {4, 4, 4}, 30, "bad \xff\xfe label");
        const std::vector<CubeEntry> entries = probeFile(path);
        QCOMPARE(std::get<std::string>(entries.at(0).parameters.at("label")),
            std::string("bad \xEF\xBF\xBD\xEF\xBF\xBD label"));
    }

    // ---- untrusted HDF5 in a helper process -----------------------------------------------------
    void helperCrashBecomesANamedError()
    {
        QTemporaryDir dir;
        const std::string good = writeGoodCube(dir.path(), "good.h5");
        const std::string bad = writeGoodCube(dir.path(), "crashes.h5");
        const QString fake = writeScript(dir.path(), "fake-probe",
            // No server: each file goes to a helper of its own.
            "case \"$1\" in --serve) exit 0 ;; *crashes*) kill -SEGV $$ ;; esac\n"
            "exec \"" REIONSCOPE_PROBE_EXE "\" \"$1\"");
        EnvGuard env("REIONSCOPE_PROBE", fake.toUtf8());
        h5::clearVetCache();
        const QString msg = errorOf([&] { probeFile(bad); });
        QVERIFY2(msg
                == QString::fromStdString(bad)
                    + ": the HDF5 library crashed reading its metadata (SIGSEGV): the file is damaged",
            qPrintable(msg));
        QCOMPARE(probeFile(good).size(), std::size_t(1)); // this process carries on
        // A multi-file CLI call names the damaged file and still describes the good one.
        const fixtures::CliResult r
            = runCli({"info", "--json", QString::fromStdString(good), QString::fromStdString(bad)});
        QCOMPARE(r.code, 1);
        const QJsonObject doc = parseJson(r.out);
        QCOMPARE(doc["cubes"].toArray().size(), 1);
        QCOMPARE(doc["errors"].toArray().size(), 1);
        QCOMPARE(doc["errors"].toArray()[0].toObject()["path"].toString(), QString::fromStdString(bad));
        QVERIFY(r.err.contains("crashed reading its metadata"));
    }

    void realLibraryCrashIsContained()
    {
        // Our writer stores string attributes as variable-length strings in the global heap;
        // a heap object whose size field is damaged crashes libhdf5 1.10 in H5HG_read (SIGSEGV).
        QTemporaryDir dir;
        const std::string path = writeGoodCube(dir.path(), "damaged_heap.h5");
        QVERIFY(fixtures::damageGlobalHeap(path));
        h5::clearVetCache();
        QProcess p;
        p.start(QStringLiteral(REIONSCOPE_PROBE_EXE), {QString::fromStdString(path)});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitStatus(), QProcess::CrashExit); // the library itself does crash on it
        const QString msg = errorOf([&] { probeFile(path); });
        QVERIFY2(msg.startsWith(QString::fromStdString(path) + ": the HDF5 library crashed reading its metadata"),
            qPrintable(msg));
        QCOMPARE(int(detectFormat(path)), int(FileFormat::Unknown)); // damaged: no format, no crash
    }

    void attributeTableTheHelperSurvivesIsNeverReadHere()
    {
        // reionscope-fuzz h5, seed 105, input 738137 (and 213590, 744405, 748936): a damaged
        // attribute table libhdf5 reads out of bounds. The helper survives it and lists the file; a
        // process listing it itself crashed (SIGSEGV in H5A__close under H5Aget_name_by_idx).
        // Listed by the helper and read without HDF5 (compressed chunks it located), it loads here.
        const std::string path = REIONSCOPE_TEST_DATA "/fuzz_attribute_table.h5";
        h5::clearVetCache();
        const std::uint64_t opens = h5::inProcessOpenCount();
#if defined(__SANITIZE_ADDRESS__)
        // Whether libhdf5's out-of-bounds read faults depends on the heap's layout: under ASan's
        // allocator the helper dies on it (SIGSEGV in H5A__close). Then the file is refused with the
        // crash named, and still never opened here.
        try {
            (void)probeFile(path);
        } catch (const FormatError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("crashed reading its metadata")), e.what());
            QCOMPARE(h5::inProcessOpenCount(), opens);
            return;
        }
#endif
        const std::vector<CubeEntry> entries = probeFile(path);
        QCOMPARE(entries.size(), std::size_t(2));
        for (const CubeEntry& e : entries)
            QCOMPARE(loadEntry(e).voxelCount(), e.shape[0] * e.shape[1] * e.shape[2]);
        QCOMPARE(h5::inProcessOpenCount(), opens);
    }

    void chunksBeyondTheExtentAreRefused()
    {
        // Found by reionscope-fuzz (h5, seed 105, input 707): chunk dims (5, 4194309, 5) on a 5^3
        // dataset pass the helper (metadata only), then libhdf5's H5Dread copied past its buffers.
        const std::string path = REIONSCOPE_TEST_DATA "/fuzz_chunk_beyond_extent.h5";
        const std::vector<CubeEntry> entries = probeFile(path);
        QVERIFY(!entries.empty());
        const QString msg = errorOf([&] { loadEntry(entries.front()); });
        QVERIFY2(msg.startsWith(QString::fromStdString(path) + ": ") && msg.contains("beyond its extent of 5"),
            qPrintable(msg));
    }

    void storageOfTheWrongSizeIsRefused()
    {
        // Found by reionscope-fuzz (h5, seed 105, input 61405): a compact dataset of 4^3 floats that
        // stores 0 bytes; libhdf5's H5Dread copied 256 bytes out of nothing.
        const std::string path = REIONSCOPE_TEST_DATA "/fuzz_compact_without_data.h5";
        const std::vector<CubeEntry> entries = probeFile(path);
        QCOMPARE(entries.size(), std::size_t(2));
        const QString msg = errorOf([&] { loadEntry(entries.back()); });
        QVERIFY2(msg.startsWith(QString::fromStdString(path) + ": ")
                && msg.contains("stores 0 bytes where its shape needs 256"),
            qPrintable(msg));
    }

    void helperHangBecomesANamedError()
    {
        QTemporaryDir dir;
        const std::string path = writeGoodCube(dir.path(), "hangs.h5");
        EnvGuard env("REIONSCOPE_PROBE", writeScript(dir.path(), "hang-probe", "exec sleep 30").toUtf8());
        h5::clearVetCache();
        h5::setVetTimeoutSeconds(0.5);
        QElapsedTimer t;
        t.start();
        const QString msg = errorOf([&] { probeFile(path); });
        h5::setVetTimeoutSeconds(20);
        QVERIFY2(msg.startsWith(QString::fromStdString(path) + ": the HDF5 library hung"), qPrintable(msg));
        QVERIFY(t.elapsed() < 10000);
    }

    void filesThatPassedAreNotVettedAgain()
    {
        QTemporaryDir dir;
        const std::string path = writeGoodCube(dir.path(), "once.h5");
        const QString counter = QDir(dir.path()).filePath("runs.txt");
        const QString fake = countingProbe(dir.path(), counter);
        EnvGuard env("REIONSCOPE_PROBE", fake.toUtf8());
        h5::clearVetCache();
        loadCube(path);
        loadCube(path);
        QFile f(counter);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll().count('x'), 1);
        // A rewritten file is vetted again.
        writeGoodCube(dir.path(), "once.h5");
        loadCube(path);
        f.seek(0);
        QCOMPARE(f.readAll().count('x'), 2);
    }

    void passedFilesAreRememberedAcrossProcesses()
    {
        QTemporaryDir dir;
        const std::string path = writeGoodCube(dir.path(), "kept.h5");
        const QString counter = QDir(dir.path()).filePath("runs.txt");
        const QString fake = countingProbe(dir.path(), counter);
        EnvGuard probe("REIONSCOPE_PROBE", fake.toUtf8());
        const QString cache = QDir(dir.path()).filePath("cache/vetted");
        EnvGuard env("REIONSCOPE_VET_CACHE", cache.toUtf8());
        auto helperRuns = [&] {
            QFile f(counter);
            return f.open(QIODevice::ReadOnly) ? f.readAll().count('x') : 0;
        };
        auto info = [&] { return runCli({"info", QString::fromStdString(path)}).code; };
        // Two CLI processes: the helper runs for the first only.
        QCOMPARE(info(), 0);
        QCOMPARE(info(), 0);
        QCOMPARE(helperRuns(), 1);
        const QStringList records = QDir(cache).entryList(QDir::Files);
        QCOMPARE(records.size(), 1);
        QFile c(QDir(cache).filePath(records.front()));
        QVERIFY(c.open(QIODevice::ReadOnly));
        QVERIFY(c.readAll().contains(QByteArray::fromStdString(path)));
        c.close();
        // Same size and modification time, other bytes (touched back): vetted again.
        const std::filesystem::file_time_type mtime = std::filesystem::last_write_time(path);
        QFile f(QString::fromStdString(path));
        QVERIFY(f.open(QIODevice::ReadWrite) && f.seek(100));
        const char b = f.read(1).at(0);
        QVERIFY(f.seek(100) && f.putChar(char(b ^ 0x01)));
        f.close();
        std::filesystem::last_write_time(path, mtime);
        (void)info(); // whatever the flipped byte did to the file, the helper looked at it again
        QCOMPARE(helperRuns(), 2);
        writeGoodCube(dir.path(), "kept.h5");
        // A damaged cache record only costs helper runs.
        QVERIFY(c.open(QIODevice::WriteOnly | QIODevice::Truncate));
        c.write(QByteArray("v1 \xff garbage\n\n") + QByteArray(300, '\0') + "\n");
        c.close();
        QCOMPARE(info(), 0);
        QCOMPARE(helperRuns(), 3);
        QCOMPARE(info(), 0);
        QCOMPARE(helperRuns(), 3);
        // Switched off: every process asks the helper.
        EnvGuard off("REIONSCOPE_VET_CACHE", "");
        QCOMPARE(info(), 0);
        QCOMPARE(info(), 0);
        QCOMPARE(helperRuns(), 5);
    }

    void realHelperPassesGoodAndRefusesDamagedFiles()
    {
        QTemporaryDir dir;
        const std::string good = writeGoodCube(dir.path(), "good.h5");
        QProcess p;
        p.start(QStringLiteral(REIONSCOPE_PROBE_EXE), {QString::fromStdString(good)});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(p.readAllStandardOutput().startsWith("ok 1"));
        std::string bytes = "\x89HDF\r\n\x1a\n";
        bytes.append(600, '\x55');
        const std::string bad = fixtures::writeBytes(dir.path(), "bad.h5", bytes.data(), bytes.size());
        p.start(QStringLiteral(REIONSCOPE_PROBE_EXE), {QString::fromStdString(bad)});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 1);
        QVERIFY(p.readAllStandardOutput().contains("corrupt HDF5"));
    }

    // ---- the CLI: exit codes, errors list, options checked first --------------------------------
    void infoJsonListsSuccessesAndErrors()
    {
        QTemporaryDir dir;
        const std::string good = writeGoodCube(dir.path(), "good.h5");
        const std::string utf8 = writeDeclaredCube(dir.path(), "utf8.h5", {4, 4, 4}, 30, "\xff\xfe");
        const std::vector<float> v(4096, 1.0f);
        const std::string absurd = fixtures::writeFloats(dir.path(), "xH_z008.00_nf0.5_18014398509482000_300Mpc", v);
        const fixtures::CliResult r = runCli({"info", "--json", QString::fromStdString(good),
            QString::fromStdString(utf8), QString::fromStdString(absurd), "/no/such/file"});
        QCOMPARE(r.code, 1);
        const QJsonObject doc = parseJson(r.out);
        QCOMPARE(doc["cubes"].toArray().size(), 2);
        const QJsonArray errors = doc["errors"].toArray();
        QCOMPARE(errors.size(), 2);
        for (const QJsonValue& e : errors)
            QVERIFY(e.toObject()["error"].toString().startsWith(e.toObject()["path"].toString() + ": "));
        QVERIFY(!r.err.contains("bad_alloc"));
    }

    void badUsageExitsWithTwoBeforeAnyWork_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown command") << QStringList {"frobnicate"} << "";
        QTest::newRow("simulate --dim -5") << QStringList {"simulate", "--dim", "-5", "--box", "64", "--z", "8",
            "--zeta", "20", "--out", "OUT"} << "--dim";
        QTest::newRow("simulate --threads 999") << QStringList {"simulate", "--dim", "16", "--box", "64", "--z", "8",
            "--zeta", "20", "--threads", "999", "--out", "OUT"}
                                                << "--threads";
        QTest::newRow("convert X X") << QStringList {"convert", "IN", "IN"} << "also an input";
        QTest::newRow("train --momentum -1") << QStringList {"train", "--dataset", "IN", "--model", "cnn",
            "--optimizer", "sgd", "--momentum", "-1", "--out", "OUT"}
                                             << "--momentum";
        QTest::newRow("train --threads 999") << QStringList {"train", "--dataset", "IN", "--model", "cnn", "--threads",
            "999", "--out", "OUT"} << "--threads";
        QTest::newRow("train --out a file")
            << QStringList {"train", "--dataset", "IN", "--model", "cnn", "--out", "IN"} << "is a file";
        QTest::newRow("dataset --patch 0") << QStringList {"dataset", "build", "--simulate", "--z", "8", "--zeta", "20",
            "--mode", "patches", "--patch", "0", "--out", "OUT"}
                                           << "--patch";
        QTest::newRow("dataset --out a folder") << QStringList {"dataset", "build", "--simulate", "--z", "8", "--zeta",
            "20", "--out", "DIR"} << "is a folder";
        QTest::newRow("dataset --dim -5")
            << QStringList {"dataset", "build", "--simulate", "--dim", "-5", "--z", "8", "--zeta", "20", "--out", "OUT"}
            << "--dim";
        QTest::newRow("dataset v2 --zeta") << QStringList {"dataset", "build", "--simulate", "--sources", "v2", "--z",
            "8", "--zeta", "20", "--out", "OUT"}
                                           << "not --zeta";
        QTest::newRow("dataset v2 --fesc 2") << QStringList {"dataset", "build", "--simulate", "--sources", "v2", "--z",
            "8", "--fesc", "2", "--out", "OUT"}
                                             << "fesc10";
        QTest::newRow("dataset --seeds 0") << QStringList {"dataset", "build", "--simulate", "--z", "8", "--zeta", "20",
            "--seeds", "0", "--out", "OUT"} << "--seeds";
        QTest::newRow("convert to a folder") << QStringList {"convert", "IN", "DIR"} << "is a folder";
    }

    void badUsageExitsWithTwoBeforeAnyWork()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString in = QString::fromStdString(writeGoodCube(dir.path(), "in.h5"));
        for (QString& a : args) {
            if (a == "IN")
                a = in;
            else if (a == "DIR")
                a = dir.path();
            else if (a == "OUT")
                a = QDir(dir.path()).filePath("sim");
        }
        const fixtures::CliResult r = runCli(args);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains(expected.toUtf8()), r.err.constData());
        QVERIFY2(!r.err.contains("18446744073709551611"), r.err.constData());
        QVERIFY(!QFileInfo::exists(QDir(dir.path()).filePath("sim"))); // nothing was simulated
    }
};

QTEST_GUILESS_MAIN(TestReliability)
#include "tst_reliability.moc"
