// Issue 17, third pass: what the reionscope-probe helper hands back is all this process learns of
// an untrusted HDF5 file's metadata (its refusals are final, its listing is exact), and the plain
// read of contiguous float32 data gives the very cube H5Dread gives.
#include "fixtures.h"

#include "io/cube_loader.h"
#include "io/entry_codec.h"
#include "io/h5_chunk_reader.h"
#include "io/hdf5_guard.h"
#include "io/hdf5_util.h"
#include "io/lzf.h"
#include "io/reionscope_h5.h"
#include "io/vet_cache.h"
#include "util/error.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <hdf5.h>

#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>

using namespace rs;

using fixtures::EnvGuard;
using fixtures::writeScript;

namespace {

bool sameBits(double a, double b)
{
    return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

bool sameValues(const std::vector<double>& a, const std::vector<double>& b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), sameBits);
}

bool sameParameters(const Parameters& a, const Parameters& b)
{
    if (a.size() != b.size())
        return false;
    for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
        if (ia->first != ib->first || ia->second.index() != ib->second.index())
            return false;
        if (const double* d = std::get_if<double>(&ia->second);
            d ? !sameBits(*d, std::get<double>(ib->second)) : ia->second != ib->second)
            return false;
    }
    return true;
}

/// Field by field, doubles by their bits: "" when equal, else the first difference.
QString differenceOf(const CubeEntry& a, const CubeEntry& b)
{
    if (a.path != b.path || a.format != b.format || a.dataset != b.dataset || a.quantity != b.quantity)
        return "path, format, dataset or quantity of " + QString::fromStdString(a.dataset);
    if (a.redshift.has_value() != b.redshift.has_value() || (a.redshift && !sameBits(*a.redshift, *b.redshift)))
        return "redshift";
    if (a.kind != b.kind || a.itemCount != b.itemCount || a.shape != b.shape || a.primary != b.primary)
        return "kind, item count, shape or primary";
    for (int k = 0; k < 3; ++k)
        if (!sameBits(a.box[k], b.box[k]))
            return "box";
    if (!sameParameters(a.parameters, b.parameters))
        return "parameters";
    if (bool(a.lightcone) != bool(b.lightcone))
        return "lightcone presence";
    if (a.lightcone) {
        const LightconeAxis &la = *a.lightcone, &lb = *b.lightcone;
        if (!sameValues(la.redshifts, lb.redshifts) || !sameValues(la.distances, lb.distances)
            || !sameValues(la.nodeRedshifts, lb.nodeRedshifts) || la.globals.size() != lb.globals.size())
            return "lightcone axis";
        for (auto ia = la.globals.begin(), ib = lb.globals.begin(); ia != la.globals.end(); ++ia, ++ib)
            if (ia->first != ib->first || !sameValues(ia->second, ib->second))
                return "lightcone globals";
    }
    return {};
}

/// Filters of writeDataset's chunks, in HDF5's order (shuffle first).
enum Filters : unsigned { kNoFilter = 0, kShuffle = 1, kDeflate = 2, kLzf = 4 };

/// One 3D dataset `d` of 6 x 5 x 4 values of `type` in a fresh file (a `userBlock` of bytes before
/// the superblock when > 0), stored `layout` (chunks of `chunk`, through `filters`); `write` false
/// leaves it unallocated.
std::string writeDataset(const QString& dir, const std::string& name, hid_t type, H5D_layout_t layout,
    hsize_t userBlock = 0, bool write = true, std::array<hsize_t, 3> chunk = {2, 5, 4}, unsigned filters = kNoFilter)
{
    const std::string path = QDir(dir).filePath(QString::fromStdString(name)).toStdString();
    h5::silenceErrorPrinting();
    const hid_t fcpl = H5Pcreate(H5P_FILE_CREATE);
    if (userBlock)
        H5Pset_userblock(fcpl, userBlock);
    const hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
    const hsize_t dims[3] = {6, 5, 4};
    const hid_t space = H5Screate_simple(3, dims, nullptr);
    const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (layout == H5D_CHUNKED)
        H5Pset_chunk(dcpl, 3, chunk.data());
    else
        H5Pset_layout(dcpl, layout);
    if (filters & kShuffle)
        H5Pset_shuffle(dcpl);
    if (filters & kDeflate)
        H5Pset_deflate(dcpl, 1);
    if (filters & kLzf) {
        lzf::registerHdf5Filter();
        H5Pset_filter(dcpl, lzf::kHdf5FilterId, H5Z_FLAG_OPTIONAL, 0, nullptr);
    }
    if (!write)
        H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_LATE);
    const hid_t ds = H5Dcreate2(f, "d", type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    const std::vector<float> values = fixtures::pattern(6 * 5 * 4, 3.5f, -1.25f);
    if (write)
        H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    H5Dclose(ds);
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Fclose(f);
    H5Pclose(fcpl);
    return path;
}

} // namespace

class TestIsolation : public QObject {
    Q_OBJECT

    QTemporaryDir m_cacheDir;

    /// The file's cubes as the helper lists them, then as this process lists them itself.
    void compareListings(const std::string& path)
    {
        h5::setIsolation(true);
        h5::clearVetCache();
        const std::optional<std::vector<CubeEntry>> listed = h5::probeIsolated(path);
        QVERIFY2(listed.has_value(), path.c_str());
        h5::setIsolation(false);
        const std::vector<CubeEntry> own = probeFile(path);
        h5::setIsolation(true);
        QCOMPARE(listed->size(), own.size());
        for (std::size_t i = 0; i < own.size(); ++i) {
            const QString diff = differenceOf((*listed)[i], own[i]);
            QVERIFY2(diff.isEmpty(), qPrintable(QString::fromStdString(path) + ": " + diff));
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("REIONSCOPE_PROBE", QByteArrayLiteral(REIONSCOPE_PROBE_EXE));
        QVERIFY(m_cacheDir.isValid());
        h5::setVetCacheFolder(m_cacheDir.filePath(QStringLiteral("vetted")).toStdString());
    }

    void helperRefusalIsFinal()
    {
        // A helper that refuses every file: its word stands, though this process could read the
        // file (no second look here, where damage it survived could crash us).
        QTemporaryDir dir;
        const std::vector<float> v = fixtures::pattern(4 * 4 * 4);
        const std::string good = fixtures::writeV3(dir.path(), "good.h5", "PerturbedField", "density", 4, 8, 9, v);
        for (const char* kind : {"format", "unrecognised", "io"}) {
            const QString fake = writeScript(dir.path(), QStringLiteral("refusing-probe-") + kind,
                QStringLiteral("case \"$1\" in --serve) while read p; do echo \"error %1 refused by the test helper\"; "
                               "done ;; esac\necho \"error %1 refused by the one-file helper\"; exit 1")
                    .arg(kind));
            EnvGuard env("REIONSCOPE_PROBE", fake.toUtf8());
            h5::clearVetCache();
            const QString expected = QString::fromStdString(good) + ": refused by the test helper";
            if (std::strcmp(kind, "io") == 0)
                RS_VERIFY_ERROR(IoError, probeFile(good), expected);
            else if (std::strcmp(kind, "unrecognised") == 0)
                RS_VERIFY_ERROR(UnrecognisedFormatError, probeFile(good), expected);
            else
                RS_VERIFY_ERROR(FormatError, probeFile(good), expected);
            // Remembered: the same answer without asking again, and no format for it.
            if (std::strcmp(kind, "io") != 0)
                QCOMPARE(int(detectFormat(good)), int(FileFormat::Unknown));
        }
        h5::clearVetCache();
        QCOMPARE(probeFile(good).size(), std::size_t(1)); // the real helper lists it
    }

    void fuzzFindingWithAGlobalHeapReadOutOfBounds()
    {
        // reionscope-fuzz h5, seed 105, input 19253: a vlen string attribute whose global heap
        // object runs past its collection. libhdf5 reads out of bounds in H5HG_read; the helper
        // survived it and refused the file, then the same read crashed this process (SIGSEGV in
        // memcpy), depending on what lay beyond. Now the refusal is reported as the helper made it.
        const std::string path = REIONSCOPE_TEST_DATA "/fuzz_global_heap_out_of_bounds.h5";
        h5::clearVetCache();
        RS_VERIFY_ERROR(UnrecognisedFormatError, probeFile(path), QString::fromStdString(path) + ": HDF5 file is");
        RS_VERIFY_ERROR(UnrecognisedFormatError, loadCube(path), QString::fromStdString(path) + ": HDF5 file is");
    }

    void numberTypeOfAnImpossibleSizeIsRefused()
    {
        // reionscope-fuzz h5, seed 105, input 123618 (and 19 more in the first 800,000): an LZF
        // float32 dataset whose type says 131076 bytes per value. The helper lists it (metadata is
        // fine), then H5Dread's conversion copied past its buffers here (SIGSEGV in H5VM_memcpyvv).
        const std::string path = REIONSCOPE_TEST_DATA "/fuzz_float_type_size.h5";
        h5::clearVetCache();
        const std::vector<CubeEntry> entries = probeFile(path);
        QCOMPARE(entries.size(), std::size_t(2));
        QVERIFY(loadEntry(entries.front()).voxelCount() == 125); // the undamaged one still loads
        RS_VERIFY_ERROR(FormatError, loadEntry(entries.back()), QString::fromStdString(path) + ": ",
            "declares a 131076-byte number type with 32 bits at bit 0");
    }

    void serverOutlivesRefusalsAndCrashes()
    {
        // `reionscope-probe --serve` answers through forked generations of itself: after a file it
        // refused or died on, a fresh fork answers the next one, and the server stays the same
        // process (no new helper start, ~30 ms, per damaged file).
        QTemporaryDir dir;
        const std::vector<float> v = fixtures::pattern(4 * 4 * 4);
        const std::string good = fixtures::writeV3(dir.path(), "good.h5", "PerturbedField", "density", 4, 8, 9, v);
        Cube c({4, 4, 4}, {8, 8, 8});
        c.metadata().parameters["label"] = std::string("a string attribute, kept in the global heap");
        const std::string crashes = QDir(dir.path()).filePath("crashes.h5").toStdString();
        writeReionScopeH5(crashes, {c});
        QVERIFY(fixtures::damageGlobalHeap(crashes));
        const std::string text = fixtures::writeBytes(dir.path(), "notes.h5", "not HDF5\n", 9);
        QProcess server;
        server.start(QStringLiteral(REIONSCOPE_PROBE_EXE), {QStringLiteral("--serve")});
        QVERIFY(server.waitForStarted(30000));
        const qint64 pid = server.processId();
        auto ask = [&](const std::string& path) {
            server.write(QByteArray::fromStdString(path + "\n"));
            QByteArray line;
            while (!line.endsWith('\n') && server.waitForReadyRead(30000))
                line += server.readLine();
            if (line.startsWith("ok ")) { // the listing follows: read it whole
                const qsizetype bytes = line.split(' ').value(2).trimmed().toLongLong();
                QByteArray rest = server.read(bytes);
                while (rest.size() < bytes && server.waitForReadyRead(30000))
                    rest += server.read(bytes - rest.size());
            }
            return line;
        };
        // A crash is answered "crashed <signal>": SIGSEGV in a release build; under ASan, whose
        // memcpy check catches libhdf5's overlapping copy first, SIGABRT (app/probe/main.cpp).
#if defined(__SANITIZE_ADDRESS__)
        const QByteArray crashAnswer("crashed 6\n");
        const QString crashName = QStringLiteral("SIGABRT");
#else
        const QByteArray crashAnswer("crashed 11\n");
        const QString crashName = QStringLiteral("SIGSEGV");
#endif
        QVERIFY(ask(good).startsWith("ok 1 "));
        QCOMPARE(ask(crashes), crashAnswer);
        QVERIFY(ask(good).startsWith("ok 1 "));
        QVERIFY(ask(text).startsWith("error "));
        QVERIFY(ask(good).startsWith("ok 1 "));
        QCOMPARE(ask(crashes), crashAnswer);
        QCOMPARE(server.processId(), pid);
        QCOMPARE(server.state(), QProcess::Running);
        server.closeWriteChannel(); // end of input: the server and its generation exit
        QVERIFY(server.waitForFinished(30000));
        QCOMPARE(server.exitStatus(), QProcess::NormalExit);
        QCOMPARE(server.exitCode(), 0);
        // Through the application: the crash is named, the next file is listed.
        h5::clearVetCache();
        RS_VERIFY_ERROR(FormatError, probeFile(crashes),
            QString::fromStdString(crashes) + ": the HDF5 library crashed reading its metadata (" + crashName + ")");
        QCOMPARE(probeFile(good).size(), std::size_t(1));
    }

    void listedByAnEarlierProcessWithoutOpeningItHere()
    {
        // reionscope-fuzz h5 seed 105, inputs 213590, 738137, 744405, 748936: libhdf5 crashed in
        // the process listing attributes (H5Aget_name_by_idx) of files the helper had survived and
        // listed. A file vetted by an earlier process was listed that way; now the record keeps
        // the helper's listing: no helper run, and no H5Fopen here.
        QTemporaryDir dir;
        const std::vector<float> v = fixtures::pattern(5 * 5 * 5, 2.0f, 0.5f);
        const std::string path = fixtures::writeV3(dir.path(), "v3.h5", "PerturbedField", "density", 5, 10, 9, v);
        Cube c({4, 4, 4}, {8, 8, 8});
        std::copy_n(v.begin(), 64, c.mutableData());
        const std::string lzf = QDir(dir.path()).filePath("lzf.h5").toStdString();
        writeReionScopeH5(lzf, {c});
        const QString refusing = writeScript(dir.path(), QStringLiteral("refusing-probe"),
            QStringLiteral("case \"$1\" in --serve) while read p; do echo \"error format refused by the test "
                           "helper\"; done ;; esac\necho \"error format refused by the test helper\"; exit 1"));
        h5::setVetCacheFolder(QDir(dir.path()).filePath("vetted").toStdString());
        h5::clearVetCache();
        const std::vector<CubeEntry> listed = probeFile(path); // the real helper, then a record
        QCOMPARE(probeFile(lzf).size(), std::size_t(1));
        // A new process knows only the records: here, this one forgets, and a helper that refuses
        // everything shows it is not asked.
        h5::clearVetCache();
        EnvGuard env("REIONSCOPE_PROBE", refusing.toUtf8());
        const std::uint64_t opens = h5::inProcessOpenCount();
        const std::vector<CubeEntry> again = probeFile(path);
        QCOMPARE(again.size(), listed.size());
        QCOMPARE(differenceOf(again.front(), listed.front()), QString());
        const Cube cube = loadCube(path); // plain float32: its voxels are read without HDF5 too
        QVERIFY(std::memcmp(cube.data(), v.data(), v.size() * sizeof(float)) == 0);
        QCOMPARE(int(detectFormat(path)), int(FileFormat::H5v3));
        const Cube packed = loadCube(lzf); // compressed slab chunks: read and decoded without HDF5
        QVERIFY(std::memcmp(packed.data(), v.data(), 64 * sizeof(float)) == 0);
        QCOMPARE(h5::inProcessOpenCount(), opens);
        h5::setIsolation(false); // the counter does count: listed here, the file is opened
        (void)probeFile(path);
        h5::setIsolation(true);
        QCOMPARE(h5::inProcessOpenCount(), opens + 1);
    }

    void damagedRecordsAreIgnoredAndTheFileVettedAgain()
    {
        QTemporaryDir dir;
        const std::vector<float> v = fixtures::pattern(4 * 4 * 4);
        const std::string path = fixtures::writeV3(dir.path(), "good.h5", "PerturbedField", "density", 4, 8, 9, v);
        const QString folder = QDir(dir.path()).filePath("vetted");
        h5::setVetCacheFolder(folder.toStdString());
        h5::clearVetCache();
        const std::vector<CubeEntry> listed = probeFile(path);
        const auto print = h5::detail::fingerprintOf(std::filesystem::absolute(path).lexically_normal().string());
        QVERIFY(print.has_value());
        const QString recordPath = QDir(folder).filePath(QString::fromStdString(h5::detail::recordNameOf(*print)));
        QFile f(recordPath);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray record = f.readAll();
        f.close();
        const QByteArray intact
            = QByteArray::fromStdString(h5::detail::recordOf(*print, h5::detail::encodeListing({listed, {}, {}})));
        QVERIFY(record.startsWith("reionscope-vetted 3 "));
        const QString refusing = writeScript(dir.path(), QStringLiteral("refusing-probe"),
            QStringLiteral("case \"$1\" in --serve) while read p; do echo \"error format refused by the test "
                           "helper\"; done ;; esac\necho \"error format refused by the test helper\"; exit 1"));
        QByteArray flipped = record;
        flipped[flipped.size() - 3] = char(flipped[flipped.size() - 3] ^ 0x10);
        h5::detail::FileFingerprint other = *print;
        other.size += 1;
        const std::vector<std::pair<const char*, QByteArray>> damaged = {
            {"a flipped byte", flipped},
            {"cut short", record.left(record.size() - 5)},
            {"only its first line", record.left(record.indexOf('\n') + 1)},
            {"a sound record of garbage", QByteArray::fromStdString(h5::detail::recordOf(*print, "9;x;"))},
            {"another version's record", QByteArray::fromStdString(h5::detail::recordOf(other, intact.toStdString()))},
            {"an earlier format", QByteArray("v2 1.10.8 0123456789abcdef 1 2 ") + QByteArray::fromStdString(path)},
            {"noise", QByteArray(300, '\xff')},
            {"nothing", QByteArray()},
        };
        // A flipped bit and a cut anywhere in the record are refused, and nothing crashes: every
        // byte of the three header lines, then every 7th (a write per case: keep it fast).
        h5::detail::PersistentVetCache persistent;
        QVERIFY(persistent.find(*print).has_value()); // the intact record
        const qsizetype header = record.indexOf('\n', record.indexOf('\n', record.indexOf('\n') + 1) + 1) + 1;
        int cases = 0, refused = 0;
        for (qsizetype i = 0; i < record.size(); i += i < header ? 1 : 7) {
            ++cases;
            QByteArray flippedAt = record;
            flippedAt[i] = char(flippedAt[i] ^ (1 << (i % 8)));
            for (const QByteArray& bytes : {flippedAt, record.left(i)}) {
                QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
                f.write(bytes);
                f.close();
                refused += persistent.find(*print).has_value() ? 0 : 1;
            }
        }
        QCOMPARE(refused, 2 * cases);
        for (const auto& [what, bytes] : damaged) {
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(bytes);
            f.close();
            h5::clearVetCache();
            {
                // Not trusted: the helper is asked (and this one refuses).
                EnvGuard env("REIONSCOPE_PROBE", refusing.toUtf8());
                RS_VERIFY_ERROR(
                    FormatError, probeFile(path), QString::fromStdString(path) + ": refused by the test helper");
            }
            h5::clearVetCache();
            QCOMPARE(probeFile(path).size(), std::size_t(1)); // the real helper: vetted again
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY2(f.readAll() == record, what); // and the record rewritten whole
            f.close();
        }
    }

    void cacheFolderStaysBounded()
    {
        QTemporaryDir dir;
        const QString folder = QDir(dir.path()).filePath("vetted");
        h5::setVetCacheFolder(folder.toStdString());
        h5::detail::PersistentVetCache cache;
        const auto now = std::filesystem::file_time_type::clock::now();
        for (int i = 0; i < 10; ++i) {
            h5::detail::FileFingerprint f {"/data/file" + std::to_string(i) + ".h5", 100, 5, 7};
            cache.add(f, std::string(1000, char('0' + i)));
            QVERIFY(cache.find(f) == std::string(1000, char('0' + i)));
            std::filesystem::last_write_time(
                folder.toStdString() + "/" + h5::detail::recordNameOf(f), now - std::chrono::hours(10 - i));
        }
        cache.add({"/data/huge.h5", 1, 1, 1}, std::string(h5::detail::PersistentVetCache::kMaxListingBytes + 1, '1'));
        QVERIFY(!cache.find({"/data/huge.h5", 1, 1, 1}).has_value()); // too large to keep
        const std::string stale = folder.toStdString() + "/0123.rec.tmp-1-1";
        QVERIFY(fixtures::writeBytes(folder, "0123.rec.tmp-1-1", "x", 1) == stale);
        std::filesystem::last_write_time(stale, now - std::chrono::hours(1));
        QCOMPARE(QDir(folder).entryList(QDir::Files).size(), 11);
        cache.prune(4, std::uint64_t(1) << 30);
        // The 3 newest records stay (3/4 of 4), the writer's leftover goes.
        const QStringList left = QDir(folder).entryList(QDir::Files);
        QCOMPARE(left.size(), 3);
        for (int i = 7; i < 10; ++i)
            QVERIFY(cache.find({"/data/file" + std::to_string(i) + ".h5", 100, 5, 7}).has_value());
        h5::setVetCacheFolder(m_cacheDir.filePath(QStringLiteral("vetted")).toStdString());
    }

    void helperListingIsExact()
    {
        // Fixtures of every HDF5 layout we read, then the real files where present: the entries
        // the helper encodes are the entries this process would list, to the bit.
        QTemporaryDir dir;
        const std::vector<float> v = fixtures::pattern(6 * 6 * 6);
        compareListings(fixtures::writeV3Coeval(dir.path(), "coeval.h5", 6, 9, 8, v, v, v));
        compareListings(fixtures::writeV4(dir.path(), "v4.h5", "IonizedBox", "neutral_fraction", 6, 9, 7.5, v, true));
        int real = 0;
        std::error_code ec;
        for (const auto& f : std::filesystem::recursive_directory_iterator(REIONSCOPE_DATA_DIR, ec))
            if (f.path().extension() == ".h5") {
                compareListings(f.path().string());
                ++real;
            }
        qInfo("%d real HDF5 files compared", real);
    }

    void codecKeepsEveryValueAndRefusesDamage()
    {
        CubeEntry e;
        e.format = FileFormat::H5v4;
        e.dataset = std::string("odd\0name\xff\n", 11);
        e.quantity = Quantity::ElectronFraction;
        e.redshift = -0.0;
        e.kind = FieldKind::Lightcone;
        auto axis = std::make_shared<LightconeAxis>();
        axis->redshifts = {7.0, std::nextafter(7.0, 8.0)};
        axis->distances = {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()};
        axis->globals["xH_box"] = {0.5, std::numeric_limits<double>::denorm_min()};
        e.lightcone = axis;
        e.itemCount = std::numeric_limits<std::size_t>::max();
        e.shape = {1, 2, 3};
        e.box = {1e-300, 2.5, 1e6};
        e.parameters = {{"b", true}, {"i", std::numeric_limits<std::int64_t>::min()},
            {"nan", std::numeric_limits<double>::quiet_NaN()}, {std::string("s\0", 2), std::string("\xff\xfe")}};
        e.primary = false;
        h5::detail::Listing listing;
        listing.entries = {e, CubeEntry {}};
        listing.plain[e.dataset] = {{std::numeric_limits<std::uint64_t>::max(), 0, 480}, {1, 480, 4}};
        listing.packed["p"] = {{6, 5, std::numeric_limits<std::uint64_t>::max()}, 4, true, true,
            {{7, 99, 0}, {std::numeric_limits<std::uint64_t>::max(), 1, 0xffffffffu}}};
        const std::string bytes = h5::detail::encodeListing(listing);
        e.path = "/x.h5";
        const h5::detail::Listing decoded = h5::detail::decodeListing(bytes, "/x.h5");
        QVERIFY(decoded.plain == listing.plain);
        QVERIFY(decoded.packed == listing.packed);
        const std::vector<CubeEntry>& back = decoded.entries;
        QCOMPARE(back.size(), std::size_t(2));
        QCOMPARE(differenceOf(back[0], e), QString());
        CubeEntry plain;
        plain.path = "/x.h5";
        QCOMPARE(differenceOf(back[1], plain), QString());
        // Every truncation, and a few damaged bytes, end in a FormatError naming the file.
        for (std::size_t n = 0; n < bytes.size(); ++n)
            RS_VERIFY_ERROR(FormatError, h5::detail::decodeListing(bytes.substr(0, n), "/x.h5"), "/x.h5: ");
        for (const std::string& bad : {bytes + "1;", std::string("99999999999999999999999;"), std::string("1;9;"),
                 std::string("1;0;") + std::string(20, '7'), std::string("0;1;1;x")})
            RS_VERIFY_ERROR(FormatError, h5::detail::decodeListing(bad, "/x.h5"), "checker's answer is unreadable");
    }

    void packedReadGivesTheCubeH5DreadGives()
    {
        // Compressed slab chunks read with plain reads and decoded here: voxel for voxel what
        // H5Dread gives, for every filter combination, edge chunks and a user block.
        QTemporaryDir dir;
        struct Case {
            const char* name;
            std::array<hsize_t, 3> chunk;
            unsigned filters;
            hsize_t userBlock = 0;
        };
        const Case cases[] = {
            {"deflate.h5", {2, 5, 4}, kDeflate},
            {"shuffle_deflate.h5", {2, 5, 4}, kShuffle | kDeflate},
            {"shuffle_lzf_edge.h5", {4, 5, 4}, kShuffle | kLzf},
            {"lzf_user_block.h5", {3, 5, 4}, kLzf, 512},
        };
        const std::vector<float> values = fixtures::pattern(6 * 5 * 4, 3.5f, -1.25f);
        for (const Case& c : cases) {
            const std::string path
                = writeDataset(dir.path(), c.name, H5T_IEEE_F32LE, H5D_CHUNKED, c.userBlock, true, c.chunk, c.filters);
            h5::Id file = h5::openFile(path);
            h5::Id d = h5::openDataset(file.get(), "d", path);
            const std::optional<h5::PackedChunks> packed = h5::packedChunks(d.get(), path);
            QVERIFY2(packed.has_value(), c.name);
            QCOMPARE(packed->chunks.size(), std::size_t((6 + c.chunk[0] - 1) / c.chunk[0]));
            std::vector<float> viaHdf5(120, 7.0f), own(120, -7.0f);
            h5::readFloats(d.get(), viaHdf5.data(), path, "d");
            h5::readPackedChunks(path, *packed, own.data(), "d");
            QVERIFY2(std::memcmp(own.data(), viaHdf5.data(), 120 * sizeof(float)) == 0, c.name);
            QVERIFY2(viaHdf5 == values, c.name);
            // A chunk list that no longer fits the file is refused, naming it.
            h5::PackedChunks moved = *packed;
            moved.chunks.back().fileOffset = std::filesystem::file_size(path);
            RS_VERIFY_ERROR(FormatError, h5::readPackedChunks(path, moved, own.data(), "d"),
                QString::fromStdString(path) + ": chunk at slab", "lies outside the file");
            if (c.filters & kLzf)
                continue; // (an LZF chunk that did not shrink is stored as it is: no check to fail)
            moved = *packed;
            moved.chunks.front().fileOffset += 1; // shifted: zlib's header and checksum fail
            RS_VERIFY_ERROR(FormatError, h5::readPackedChunks(path, moved, own.data(), "d"),
                QString::fromStdString(path) + ": chunk at slab 0 of dataset 'd' does not decompress");
        }
    }

    void plainReadGivesTheCubeH5DreadGives()
    {
        QTemporaryDir dir;
        struct Case {
            const char* name;
            hid_t type;
            H5D_layout_t layout;
            hsize_t userBlock;
            bool write, plain; ///< allocated; expected to take the plain read
            std::array<hsize_t, 3> chunk {2, 5, 4};
            bool deflate = false;
        };
        const Case cases[] = {
            {"contiguous_f32le.h5", H5T_IEEE_F32LE, H5D_CONTIGUOUS, 0, true, true},
            {"user_block.h5", H5T_IEEE_F32LE, H5D_CONTIGUOUS, 1024, true, true},
            {"big_endian.h5", H5T_IEEE_F32BE, H5D_CONTIGUOUS, 0, true, false},
            {"int16.h5", H5T_STD_I16LE, H5D_CONTIGUOUS, 0, true, false},
            {"double.h5", H5T_IEEE_F64LE, H5D_CONTIGUOUS, 0, true, false},
            {"slab_chunks.h5", H5T_IEEE_F32LE, H5D_CHUNKED, 0, true, true},
            {"user_block_chunks.h5", H5T_IEEE_F32LE, H5D_CHUNKED, 512, true, true},
            {"edge_chunk.h5", H5T_IEEE_F32LE, H5D_CHUNKED, 0, true, true, {4, 5, 4}},
            {"partial_slab_chunks.h5", H5T_IEEE_F32LE, H5D_CHUNKED, 0, true, false, {2, 5, 2}},
            {"deflated_chunks.h5", H5T_IEEE_F32LE, H5D_CHUNKED, 0, true, false, {2, 5, 4}, true},
            {"unwritten_chunks.h5", H5T_IEEE_F32LE, H5D_CHUNKED, 0, false, false},
            {"compact.h5", H5T_IEEE_F32LE, H5D_COMPACT, 0, true, false},
            {"unallocated.h5", H5T_IEEE_F32LE, H5D_CONTIGUOUS, 0, false, false},
        };
        for (const Case& c : cases) {
            const std::string path = writeDataset(dir.path(), c.name, c.type, c.layout, c.userBlock, c.write, c.chunk,
                c.deflate ? unsigned(kDeflate) : 0u);
            h5::Id file = h5::openFile(path);
            h5::Id ds = h5::openDataset(file.get(), "d", path);
            std::vector<float> plain(120, -7.0f), viaHdf5(120, 7.0f);
            QVERIFY2(h5::readPlainFloats(ds.get(), plain.data(), path) == c.plain, c.name);
            h5::readFloats(ds.get(), viaHdf5.data(), path, "d");
            if (c.plain)
                QVERIFY2(std::memcmp(plain.data(), viaHdf5.data(), 120 * sizeof(float)) == 0, c.name);
            else
                QVERIFY2(plain == std::vector<float>(120, -7.0f), c.name); // nothing read
        }
        // A real-format file loads through it, voxel for voxel what was written: with the helper
        // (which says where the voxels lie: no HDF5 here) and without it.
        const std::vector<float> v = fixtures::pattern(5 * 5 * 5, 2.0f, 0.5f);
        const std::string path = fixtures::writeV3(dir.path(), "v3.h5", "PerturbedField", "density", 5, 10, 9, v);
        h5::clearVetCache();
        const Cube cube = loadCube(path);
        QVERIFY(h5::plainDataOf(path, "PerturbedField/density", v.size() * sizeof(float)).has_value());
        QVERIFY(!h5::plainDataOf(path, "PerturbedField/density", 4).has_value()); // another size: no
        QVERIFY(std::memcmp(cube.data(), v.data(), v.size() * sizeof(float)) == 0);
        h5::setIsolation(false);
        QVERIFY(!h5::plainDataOf(path, "PerturbedField/density", v.size() * sizeof(float)).has_value());
        const Cube own = loadCube(path);
        h5::setIsolation(true);
        QVERIFY(std::memcmp(own.data(), v.data(), v.size() * sizeof(float)) == 0);
        // Compressed (ReionScope's LZF default): the helper locates the chunks, decoded here.
        Cube c({4, 4, 4}, {8, 8, 8});
        std::copy_n(v.begin(), 64, c.mutableData());
        const std::string chunked = QDir(dir.path()).filePath("chunked_cube.h5").toStdString();
        writeReionScopeH5(chunked, {c});
        const std::vector<CubeEntry> listed = probeFile(chunked);
        QVERIFY(!h5::plainDataOf(chunked, listed.front().dataset, 256).has_value());
        QVERIFY(h5::packedDataOf(chunked, listed.front().dataset, {4, 4, 4}).has_value());
        QVERIFY(!h5::packedDataOf(chunked, listed.front().dataset, {4, 4, 5}).has_value()); // another shape: no
        QVERIFY(std::memcmp(loadEntry(listed.front()).data(), v.data(), 256) == 0);
        // Cut short after listing: the bytes are not in the file, H5Dread's error names it.
        const std::vector<CubeEntry> entries = probeFile(path);
        std::filesystem::resize_file(path, std::filesystem::file_size(path) - 64);
        h5::clearVetCache();
        h5::setIsolation(false);
        const std::optional<QString> msg = fixtures::errorOf<Error>([&] { loadEntry(entries.front()); });
        h5::setIsolation(true);
        QVERIFY(msg.has_value() && msg->startsWith(QString::fromStdString(path) + ": "));
    }
};

QTEST_GUILESS_MAIN(TestIsolation)
#include "tst_isolation.moc"
