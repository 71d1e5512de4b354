// reionscope-cli as scripts use it: `info --json`, exit codes, one error line per bad path,
// `convert`.
#include "fixtures.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

using fixtures::runCli;
using Result = fixtures::CliResult;

QString writeXh(const QString& dir)
{
    std::vector<float> v(4 * 4 * 4, 0.f);
    for (std::size_t i = 0; i < 16; ++i)
        v[i] = 1.f; // nf = 0.25
    return QString::fromStdString(fixtures::writeFloats(
        dir, "xH_nohalos_z008.00_nf0.250000_eff20.0_effPLindex0_HIIfilter1_Mmin5.0e+08_RHIImax50_4_6Mpc", v));
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void infoJson()
    {
        QTemporaryDir dir;
        const QString xh = writeXh(dir.path());
        const Result r = runCli({"info", xh, "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject doc = QJsonDocument::fromJson(r.out).object();
        const QJsonArray cubes = doc["cubes"].toArray();
        QCOMPARE(cubes.size(), 1);
        const QJsonObject c = cubes[0].toObject();
        QCOMPARE(c["path"].toString(), xh);
        QCOMPARE(c["format"].toString(), QString("classic"));
        QCOMPARE(c["quantity"].toString(), QString("neutral_fraction"));
        QCOMPARE(c["shape"].toArray(), (QJsonArray {4, 4, 4}));
        QCOMPARE(c["box_length_mpc"].toDouble(), 6.0);
        QCOMPARE(c["redshift"].toDouble(), 8.0);
        QCOMPARE(c["parameters"].toObject()["zeta"].toDouble(), 20.0);
        QCOMPARE(c["neutral_fraction"].toDouble(), 0.25);
        const QJsonObject stats = c["stats"].toObject();
        for (const char* key : {"min", "max", "mean", "std", "nonfinite"})
            QVERIFY2(stats.contains(key), key);
        QCOMPARE(stats["max"].toDouble(), 1.0);
    }

    void badPathsFailButGoodOnesPrint()
    {
        QTemporaryDir dir;
        const QString xh = writeXh(dir.path());
        const QString truncated = QString::fromStdString(
            fixtures::writeFloats(dir.path(), "updated_smoothed_deltax_z008.00_4_6Mpc", std::vector<float>(63)));
        const Result r = runCli({"info", "--json", xh, "/no/such/file", truncated});
        QVERIFY(r.code != 0);
        QCOMPARE(QJsonDocument::fromJson(r.out).object()["cubes"].toArray().size(), 1);
        const QStringList lines = QString::fromUtf8(r.err).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        QVERIFY(lines[0].contains("/no/such/file"));
        QVERIFY(lines[1].contains(truncated) && lines[1].contains("truncated"));
    }

    void folderListsCatalog()
    {
        QTemporaryDir dir;
        writeXh(dir.path());
        const Result r = runCli({"info", dir.path(), "--json"});
        QCOMPARE(r.code, 0);
        const QJsonArray cats = QJsonDocument::fromJson(r.out).object()["catalogs"].toArray();
        QCOMPARE(cats.size(), 1);
        QCOMPARE(cats[0].toObject()["runs"].toArray().size(), 1);
    }

    void convertWritesReadableHdf5()
    {
        QTemporaryDir dir;
        const QString xh = writeXh(dir.path());
        const QString out = dir.filePath("out.h5");
        QCOMPARE(runCli({"convert", xh, out}).code, 0);
        const Result r = runCli({"info", out, "--json"});
        QCOMPARE(r.code, 0);
        const QJsonObject c = QJsonDocument::fromJson(r.out).object()["cubes"].toArray()[0].toObject();
        QCOMPARE(c["format"].toString(), QString("reionscope"));
        QCOMPARE(c["neutral_fraction"].toDouble(), 0.25);
        QCOMPARE(c["parameters"].toObject()["zeta"].toDouble(), 20.0);
        QVERIFY(runCli({"convert", "/no/such/file", out}).code != 0);
        QCOMPARE(runCli({"info", out, "--json"}).code, 0); // the earlier output survived
    }

    void unknownSubcommandFails() { QVERIFY(runCli({"frobnicate"}).code != 0); }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
