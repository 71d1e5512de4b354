// Simulator parameters, output folders and what the catalog makes of them: bad parameters refused
// before any work (naming the parameter), HDF5 and classic layouts grouped into one run per
// (ζ, seed) with δ / x_HI / δT_b paired per z, the demo grid, and cancellation leaving no files.
#include "fixtures.h"

#include "catalog/catalog.h"
#include "io/cube_loader.h"
#include "sim/demo_data.h"
#include "sim/sim_writer.h"
#include "util/error.h"

#include <nlohmann/json.hpp>

#include <QDirIterator>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <functional>

using namespace rs;

namespace {

SimulationParams tiny(double zeta = 20.0, std::uint64_t seed = 3)
{
    SimulationParams p;
    p.dim = 24;
    p.boxMpc = 36.0;
    p.redshifts = {8.0, 9.0};
    p.zeta = zeta;
    p.seed = seed;
    p.threads = 2;
    return p;
}

QStringList filesUnder(const QString& dir)
{
    QStringList out;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        out << it.next();
    return out;
}

bool sameVoxels(const Cube& a, const Cube& b)
{
    return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.byteSize()) == 0;
}

} // namespace

class TestSimOutput : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void nonsenseParametersAreRefused_data()
    {
        QTest::addColumn<int>("which");
        QTest::addColumn<QString>("parameter");
        QTest::newRow("N < 8") << 0 << "dim";
        QTest::newRow("L <= 0") << 1 << "box";
        QTest::newRow("z < 0") << 2 << "z";
        QTest::newRow("no z") << 3 << "z";
        QTest::newRow("zeta <= 0") << 4 << "zeta";
        QTest::newRow("f_esc > 1") << 5 << "f_esc";
        QTest::newRow("R_max below a cell") << 6 << "r_max";
        QTest::newRow("grid beyond memory") << 7 << "dim";
        QTest::newRow("omega_m < 0") << 8 << "omega_m";
        QTest::newRow("threads < 0") << 9 << "threads";
        QTest::newRow("M_min <= 0") << 10 << "m_min";
    }
    void nonsenseParametersAreRefused()
    {
        QFETCH(int, which);
        QFETCH(QString, parameter);
        SimulationParams p = tiny();
        switch (which) {
        case 0:
            p.dim = 4;
            break;
        case 1:
            p.boxMpc = 0;
            break;
        case 2:
            p.redshifts = {8.0, -1.0};
            break;
        case 3:
            p.redshifts.clear();
            break;
        case 4:
            p.zeta = -2.0;
            break;
        case 5:
            p.zeta.reset();
            p.fesc = 1.5;
            break;
        case 6:
            p.rMax = 0.5;
            break; // a 1.5 Mpc cell has radius 0.93 Mpc
        case 7:
            p.dim = 4000;
            p.boxMpc = 6000;
            break;
        case 8:
            p.cosmology.omegaM = -0.3;
            break;
        case 9:
            p.threads = -1;
            break;
        case 10:
            p.mMin = 0;
            break;
        }
        try {
            Simulator sim(p); // refused before any allocation (4000^3 would need ~1.5 TB)
            QFAIL("accepted");
        } catch (const ParameterError& e) {
            QCOMPARE(QString::fromStdString(e.parameter()), parameter);
            const QString msg = QString::fromUtf8(e.what());
            QVERIFY2(msg.startsWith(parameter + ":"), qPrintable(msg));
            QVERIFY2(msg.contains("must") || msg.contains("between") || msg.contains("at least")
                    || msg.contains("more than"),
                qPrintable(msg)); // says what is allowed
        }
    }

    void parametersAreRecorded()
    {
        SimulationParams p = tiny();
        p.zeta.reset();
        p.fesc = 0.08;
        QCOMPARE(p.effectiveZeta(), 20.0);
        const Parameters m = p.toParameters();
        QCOMPARE(*numberOf(m, param::zeta), 20.0);
        QCOMPARE(*numberOf(m, param::fesc), 0.08);
        QCOMPARE(*numberOf(m, param::fstar), 0.05);
        QCOMPARE(*numberOf(m, param::mMin), 5e8);
        QCOMPARE(*numberOf(m, param::rMax), 50.0);
        QCOMPARE(*numberOf(m, param::filter), 1.0);
        QCOMPARE(*numberOf(m, param::seed), 3.0);
        QVERIFY(std::get<std::string>(m.at(param::codeVersion)).rfind("ReionScope simulator ", 0) == 0);
        const auto r = simulate(p);
        const CubeMetadata& meta = r[0].neutralFraction.metadata();
        QCOMPARE(meta.sourceFormat, std::string("simulator"));
        QCOMPARE(*meta.redshift, 8.0);
        QCOMPARE(*numberOf(meta.parameters, param::fesc), 0.08);
        QCOMPARE(*numberOf(meta.parameters, param::nf), r[0].nf);
        QCOMPARE(filterFromName("gauss"), IonizationFilter::Gaussian);
        QVERIFY_THROWS_EXCEPTION(ParameterError, filterFromName("box"));
    }

    void parametersRoundTripThroughJson()
    {
        // Every field away from its default, so a field that to_json or from_json forgets fails.
        SimulationParams p;
        p.dim = 40;
        p.boxMpc = 61.5;
        p.redshifts = {7.5, 9.25};
        p.zeta.reset();
        p.fesc = 0.12;
        p.nGamma = 4000;
        p.fStar = 0.07;
        p.mMin = 2e9;
        p.tVir = 2e4;
        p.rMax = 31;
        p.filter = IonizationFilter::Gaussian;
        p.sources = SourceModel::ParkV2;
        p.park = {0.06, 0.4, 0.2, -0.3, 7e8, 0.6, false, 18.0, 0.25};
        p.cosmology = {0.3, 0.05, 0.7, 0.7, 0.8, 0.96, TransferFunction::EisensteinHuBao};
        p.seed = 12345678901ull;
        p.zeldovich = false;
        p.cellSmoothing = false;
        p.velocities = true;
        p.threads = 3;
        const nlohmann::json j = p;
        const SimulationParams q = nlohmann::json::parse(j.dump()).get<SimulationParams>();
        QCOMPARE(nlohmann::json(q), j);
        QCOMPARE(q.dim, p.dim);
        QCOMPARE(q.redshifts, p.redshifts);
        QVERIFY(!q.zeta && q.fesc == 0.12 && q.tVir == 2e4);
        QCOMPARE(q.filter, IonizationFilter::Gaussian);
        QCOMPARE(q.sources, SourceModel::ParkV2);
        QCOMPARE(q.park.mTurn, 7e8);
        QCOMPARE(q.park.recombinations, false);
        QCOMPARE(q.cosmology.transfer, TransferFunction::EisensteinHuBao);
        QCOMPARE(q.cosmology.sigma8, 0.8);
        QCOMPARE(q.seed, p.seed);
        QVERIFY(!q.zeldovich && !q.cellSmoothing && q.velocities);
        QCOMPARE(q.threads, 3);
        // Absent keys keep the defaults; unknown keys and wrong types are named.
        QCOMPARE(nlohmann::json::parse(R"({"hii_dim": 32})").get<SimulationParams>().boxMpc, SimulationParams().boxMpc);
        RS_VERIFY_ERROR(ParameterError, (void)nlohmann::json::parse(R"({"hii_dims": 32})").get<SimulationParams>(),
            "hii_dims", "not a simulation parameter");
        RS_VERIFY_ERROR(ParameterError, (void)nlohmann::json::parse(R"({"box_len": "big"})").get<SimulationParams>(),
            "box_len", "wrong type");
        RS_VERIFY_ERROR(
            ParameterError, (void)nlohmann::json::parse(R"({"hii_filter": 7})").get<SimulationParams>(), "hii_filter");
        // The cubes' metadata is that JSON, for the fields of the run's source model.
        const Parameters m = p.toParameters();
        QCOMPARE(*numberOf(m, "m_turn"), 7e8);
        QCOMPARE(*numberOf(m, param::boxLen), 61.5);
        QCOMPARE(std::get<std::string>(m.at("transfer_function")), std::string("eisenstein-hu-1998"));
        QVERIFY(!m.count(param::mMin) && !m.count(param::tvirMin) && !m.count("threads") && !m.count("redshifts"));
    }

    void hdf5RunsInTheCatalog()
    {
        QTemporaryDir dir;
        const std::string out = dir.filePath("sims").toStdString();
        std::vector<SimulatedRedshift> made;
        for (double zeta : {20.0, 30.0}) {
            const auto files = simulateToFolder(tiny(zeta), out);
            QCOMPARE(files.size(), std::size_t(2)); // one file per z
        }
        QVERIFY(QFileInfo::exists(QString::fromStdString(out + "/sim_zeta20_seed3_z008.00.h5")));
        const Catalog c = scanFolder(out);
        QCOMPARE(c.errors.size(), std::size_t(0));
        QCOMPARE(c.runs.size(), std::size_t(2));
        for (const CatalogRun& r : c.runs) {
            QCOMPARE(r.redshifts(), (std::vector<double> {8.0, 9.0}));
            for (const auto& [z, byQ] : r.cubes)
                QCOMPARE(byQ.size(), std::size_t(3));
            QCOMPARE(*numberOf(r.parameters, param::seed), 3.0);
        }
        // What is read back equals what was simulated.
        const auto again = simulate(tiny(30.0));
        const CatalogRun& r30 = *std::find_if(c.runs.begin(), c.runs.end(),
            [](const CatalogRun& r) { return numberOf(r.parameters, param::zeta) == 30.0; });
        const Cube x = loadEntry(r30.cubes.at(9.0).at(Quantity::NeutralFraction));
        QVERIFY(sameVoxels(x, again[1].neutralFraction));
        QCOMPARE(*numberOf(x.metadata().parameters, param::nf), again[1].nf);
        QCOMPARE(loadEntry(r30.cubes.at(8.0).at(Quantity::BrightnessTemperature)).quantity(),
            Quantity::BrightnessTemperature);
    }

    void classicRunsInTheCatalog()
    {
        QTemporaryDir dir;
        const std::string out = dir.path().toStdString();
        for (double zeta : {15.0, 25.0}) {
            SimulationParams p = tiny(zeta);
            p.velocities = true;
            simulateToFolder(p, out, SimOutputFormat::Classic);
        }
        const QStringList files = filesUnder(dir.path());
        QCOMPARE(files.size(), 2 * 2 + 2 * 2 + 2); // x_HI and δT_b per (ζ, z), δ once per z
        QVERIFY(files.filter("delta_T_v3_z008.00_nf").size() == 2);
        const Catalog c = scanFolder(out);
        QCOMPARE(c.errors.size(), std::size_t(0));
        QCOMPARE(c.runs.size(), std::size_t(2));
        for (const CatalogRun& r : c.runs) {
            QCOMPARE(r.cubeCount(), std::size_t(6));
            QCOMPARE(*numberOf(r.parameters, param::seed), 3.0); // from the seed3 folder
            QCOMPARE(*numberOf(r.parameters, param::mMin), 5e8);
        }
        // The loader round-trips the raw boxes bit for bit.
        SimulationParams p = tiny(25.0);
        p.velocities = true;
        const auto sim = simulate(p);
        const CatalogRun& r = c.runs[0].parameters.at(param::zeta) == ParamValue(25.0) ? c.runs[0] : c.runs[1];
        QVERIFY(
            sameVoxels(loadEntry(r.cubes.at(9.0).at(Quantity::BrightnessTemperature)), sim[1].brightnessTemperature));
        QVERIFY(sameVoxels(loadEntry(r.cubes.at(8.0).at(Quantity::Density)), sim[0].density));
    }

    void demoDataIsTheDefaultGrid()
    {
        QTemporaryDir dir;
        const std::string out = dir.filePath("demo").toStdString();
        QVERIFY(!hasDemoData(out));
        const auto files = writeDemoData(out);
        QCOMPARE(files.size(), std::size_t(3 * 4 * 4)); // seeds × z × ζ, three cubes each
        QVERIFY(hasDemoData(out));
        const Catalog c = scanFolder(out);
        QCOMPARE(c.runs.size(), std::size_t(12));
        QCOMPARE(c.filesIgnored, std::size_t(0));
        for (const CatalogRun& r : c.runs) {
            QCOMPARE(r.shape, (Shape {64, 64, 64}));
            QCOMPARE(r.redshifts(), (std::vector<double> {7.0, 8.0, 9.0, 10.0}));
            QCOMPARE(r.cubeCount(), std::size_t(12));
        }
    }

    void cancellationLeavesNoFiles_data()
    {
        QTest::addColumn<bool>("demo");
        QTest::addColumn<double>("at");
        QTest::newRow("simulate, during initial conditions") << false << 0.01;
        QTest::newRow("simulate, second redshift") << false << 0.7;
        QTest::newRow("demo data, half way") << true << 0.5;
    }
    void cancellationLeavesNoFiles()
    {
        QFETCH(bool, demo);
        QFETCH(double, at);
        QTemporaryDir dir;
        const std::string out = dir.filePath("run").toStdString();
        StopToken stop;
        double seen = 0;
        const ProgressFn progress = [&](double f, const std::string&) {
            seen = std::max(seen, f);
            if (f >= at)
                stop.requestStop();
        };
        if (demo) {
            DemoDataSpec spec;
            spec.dim = 24;
            spec.boxMpc = 36;
            QVERIFY_THROWS_EXCEPTION(CancelledError, writeDemoData(out, progress, stop, spec));
        } else {
            QVERIFY_THROWS_EXCEPTION(
                CancelledError, simulateToFolder(tiny(), out, SimOutputFormat::H5, progress, stop));
        }
        QVERIFY(seen >= at);
        QVERIFY2(filesUnder(dir.path()).isEmpty(), qPrintable(filesUnder(dir.path()).join(", ")));
        QVERIFY(!QFileInfo::exists(QString::fromStdString(out))); // the folder it made is gone too
    }

    void stoppedBeforeStart()
    {
        StopToken stop;
        stop.requestStop();
        QVERIFY_THROWS_EXCEPTION(CancelledError, simulate(tiny(), {}, stop));
    }

    void outputFolderThatIsAFile()
    {
        QTemporaryDir dir;
        const std::string path = fixtures::writeBytes(dir.path(), "plain.txt", "x", 1);
        QVERIFY_THROWS_EXCEPTION(IoError, simulateToFolder(tiny(), path));
    }
};

QTEST_GUILESS_MAIN(TestSimOutput)
#include "tst_sim_output.moc"
