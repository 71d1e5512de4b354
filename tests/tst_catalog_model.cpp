// CatalogModel: runs → redshifts → quantities, checked by QAbstractItemModelTester and by hand.
#include "fixtures.h"
#include "gui_fixtures.h"

#include "catalog/catalog.h"
#include "explorer/catalog_model.h"

#include <QAbstractItemModelTester>
#include <QTemporaryDir>
#include <QtTest>

using namespace rs;
using namespace rs::ui;

class TestCatalogModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fixtureRunsAndRedshifts()
    {
        QTemporaryDir dir;
        for (double zeta : {20.0, 30.0})
            for (double z : {8.0, 9.0})
                guifixtures::writeClassicTrio(dir.path(), 8, 12.0, z, zeta, 0.3 + z / 100 + zeta / 1000);
        CatalogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRuns(scanFolder(dir.path().toStdString()).runs);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.cubeCount(), 12);
        for (int r = 0; r < 2; ++r) {
            const QModelIndex run = model.index(r, 0);
            QCOMPARE(run.data(CatalogModel::KindRole).toInt(), int(CatalogModel::Kind::Run));
            QCOMPARE(model.rowCount(run), 2);
            const QModelIndex z8 = model.index(0, 0, run);
            QCOMPARE(z8.data().toString(), QStringLiteral("z = 8.00"));
            QCOMPARE(z8.data(CatalogModel::RedshiftRole).toDouble(), 8.0);
            QCOMPARE(model.parent(z8), run);
            QCOMPARE(model.rowCount(z8), 3);
            const QStringList names = {model.index(0, 0, z8).data().toString(), model.index(1, 0, z8).data().toString(),
                model.index(2, 0, z8).data().toString()};
            QCOMPARE(names, (QStringList {QStringLiteral("δ"), QStringLiteral("x_HI"), QStringLiteral("δT_b [mK]")}));
            const QModelIndex tb = model.index(2, 0, z8);
            QCOMPARE(model.parent(tb), z8);
            QCOMPARE(tb.data(CatalogModel::QuantityRole).toInt(), int(Quantity::BrightnessTemperature));
            QVERIFY(tb.data(CatalogModel::PathRole).toString().contains(QStringLiteral("delta_T")));
            QVERIFY(model.entry(tb));
            QCOMPARE(model.entry(tb)->quantity, Quantity::BrightnessTemperature);
            QVERIFY(!model.entry(z8));
            QCOMPARE(model.cubeIndex(r, 9.0, Quantity::Density), model.index(0, 0, model.index(1, 0, run)));
        }
        QCOMPARE(model.index(0, 1).data().toString(), QStringLiteral("8³, 12 Mpc"));
        // A reset to nothing is a valid model too.
        model.setRuns({});
        QCOMPARE(model.rowCount(), 0);
    }

    void sampleIsOneRunOfThree()
    {
        REQUIRE_SAMPLE(dir);
        CatalogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRuns(scanFolder(dir.toStdString()).runs);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("ζ=20"));
        QCOMPARE(model.rowCount(model.index(0, 0)), 1);
        QCOMPARE(model.rowCount(model.index(0, 0, model.index(0, 0))), 3);
    }
};

QTEST_GUILESS_MAIN(TestCatalogModel)
#include "tst_catalog_model.moc"
