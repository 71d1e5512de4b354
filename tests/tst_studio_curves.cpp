// The physics metrics per epoch ("physics loss curves") under the Training studio's loss and
// metric charts: a tiny unet run's validation passes write IoU, nf error, power ratio and r(k)
// to history.jsonl (a tiny generator's: power ratio, PDF KS, nf error, diversity); the view draws one series per
// metric, point for point as written (read here as plain JSON), live as the history grows, exported with the other
// curves; a run without them gets a note instead of an empty chart.
#include "fixtures.h"
#include "gui_fixtures.h"
#include "ml_fixtures.h"

#include "explorer/session.h"
#include "ml/run_config.h"
#include "ml/trainer.h"
#include "studio/curves_view.h"
#include "studio/physics_curves.h"
#include "studio/runs_model.h"
#include "studio/runs_panel.h"
#include "studio/training_workspace.h"

#include <QChart>
#include <QChartView>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineSeries>
#include <QSet>
#include <QValueAxis>
#include <QtTest>

#include <map>

using namespace rs;
using namespace rs::ui;

namespace {

void screenshot(QWidget& w, const QString& name)
{
    QTest::qWait(300); // the charts lay out their axes and legends in the event loop
    w.grab().save(QStringLiteral(REIONSCOPE_TEST_OUTPUT_DIR "/studio-%1.png").arg(name));
}

/// One physics value of an epoch line: its epoch, step and value.
struct WrittenPoint {
    int epoch = 0;
    double step = 0, value = 0;
};

/// The physics numbers (val_* other than the loss and pixel accuracy) of history.jsonl's epoch
/// lines, read as plain JSON (not through core), by metric name.
std::map<QString, std::vector<WrittenPoint>> physicsInHistory(const std::string& run)
{
    std::map<QString, std::vector<WrittenPoint>> out;
    QFile f(QString::fromStdString(rs::ml::historyPath(run)));
    if (!f.open(QIODevice::ReadOnly))
        return out;
    for (const QByteArray& line : f.readAll().split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.value(QStringLiteral("type")).toString() != QLatin1String("epoch"))
            continue;
        for (const QString& key : o.keys())
            if (key.startsWith(QLatin1String("val_")) && key != QLatin1String("val_loss")
                && key != QLatin1String("val_pixel_accuracy"))
                out[key.mid(4)].push_back({o.value(QStringLiteral("epoch")).toInt(),
                    o.value(QStringLiteral("step")).toDouble(), o.value(key).toDouble()});
    }
    return out;
}

} // namespace

class TestStudioCurves : public QObject {
    Q_OBJECT

public:
    static void initMain() { guifixtures::initGuiTestMain(); }

private:
    QTemporaryDir m_dir;
    QString m_runs;
    std::string m_unet, m_ae, m_gen;

private Q_SLOTS:
    void initTestCase()
    {
        const fixtures::TinyModelRuns r = fixtures::trainTinyModelRuns(m_dir.path());
        m_runs = r.runs;
        m_unet = r.unet;
        m_ae = r.ae;
        m_gen = r.gen;
    }

    void physicsCurvesDrawEachMetricPerEpoch()
    {
        const std::map<QString, std::vector<WrittenPoint>> written = physicsInHistory(m_unet);
        for (const char* m : {"iou_ionized", "nf_error", "power_ratio_median"})
            QVERIFY2(written.count(QLatin1String(m)) && written.at(QLatin1String(m)).size() == 2, m); // 2 epochs
        Session session;
        TrainingWorkspace ws(&session);
        guifixtures::showRunsFolder(ws, m_runs, {1400, 1000});
        QTRY_COMPARE_WITH_TIMEOUT(ws.runsModel()->rowCount(), 3, 20000);
        const QString unet = QString::fromStdString(m_unet), ae = QString::fromStdString(m_ae);
        ws.runsPanel()->selectRuns({unet});
        ws.showTab(TrainingWorkspace::Tab::Curves);
        CurvesView* curves = ws.curves();
        PhysicsCurves* physics = curves->physics();
        QTRY_VERIFY_WITH_TIMEOUT(physics->hasCurves() && physics->view()->isVisible(), 10000);
        QVERIFY(physics->note().isEmpty());
        // Every metric written is a series of the run, point for point, on its quantity's one axis.
        QStringList quantities;
        for (const auto& [metric, points] : written) {
            const PhysicsQuantity q = physicsQuantity(metric);
            physics->setQuantity(q.key);
            QCOMPARE(physics->quantity(), q.key);
            const QLineSeries* series = physics->seriesOf(unet, metric);
            QVERIFY2(series, qPrintable(metric));
            QCOMPARE(series->count(), int(points.size()));
            for (int i = 0; i < series->count(); ++i) {
                QCOMPARE(series->at(i).x(), double(points[std::size_t(i)].epoch));
                QCOMPARE(series->at(i).y(), points[std::size_t(i)].value);
            }
            const auto axes = physics->chart()->axes(Qt::Vertical);
            QCOMPARE(axes.size(), 1);
            QCOMPARE(axes.front()->titleText(), q.label);
            if (!quantities.contains(q.key))
                quantities << q.key;
        }
        const QStringList offered = physics->quantities();
        QCOMPARE(QSet<QString>(offered.begin(), offered.end()), QSet<QString>(quantities.begin(), quantities.end()));
        // The power ratio's ideal 1 is marked across the epochs.
        physics->setQuantity(QStringLiteral("power_ratio"));
        QVERIFY(physics->chart()->title().contains(QStringLiteral("Δ²(k)")));
        const QLineSeries* ideal = nullptr;
        for (QAbstractSeries* a : physics->chart()->series())
            if (a->name() == QStringLiteral("ideal 1"))
                ideal = qobject_cast<QLineSeries*>(a);
        QVERIFY(ideal && ideal->count() == 2 && ideal->at(0).y() == 1.0 && ideal->at(1).y() == 1.0);
        QVERIFY(ideal->at(1).x() >= 2.0);
        screenshot(ws, QStringLiteral("physics-curves"));
        // Against the optimizer step; exported with the other curves.
        curves->setXAxis(CurvesView::XAxis::Step);
        curves->refresh();
        const std::vector<WrittenPoint>& nf = written.at(QStringLiteral("nf_error"));
        physics->setQuantity(QStringLiteral("nf_error"));
        QCOMPARE(physics->seriesOf(unet, QStringLiteral("nf_error"))->at(1).x(), nf[1].step);
        const QString csv = m_dir.filePath(QStringLiteral("physics.csv")),
                      png = m_dir.filePath(QStringLiteral("physics.png"));
        curves->exportCsv(csv);
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'));
        QCOMPARE(lines.filter(QStringLiteral("unet,validation nf_error,")).size(), 2);
        QVERIFY(lines.contains(
            QStringLiteral("unet,validation nf_error,%1,2,%2").arg(qint64(nf[1].step)).arg(nf[1].value, 0, 'g', 9)));
        curves->exportPng(png);
        QVERIFY(QImage(png).height() >= curves->lossView()->height() + physics->view()->height());
        // A run without physics metrics gets a note instead of an empty chart; overlaid, only the unet draws.
        ws.runsPanel()->selectRuns({ae});
        QTRY_VERIFY_WITH_TIMEOUT(!physics->hasCurves(), 10000);
        QVERIFY(physics->note().contains(QStringLiteral("translation (unet)")));
        QVERIFY(physics->isVisible() && !physics->view()->isVisible());
        screenshot(ws, QStringLiteral("physics-none"));
        ws.runsPanel()->selectRuns({unet, ae});
        QTRY_VERIFY_WITH_TIMEOUT(physics->hasCurves(), 10000);
        QCOMPARE(physics->quantity(), QStringLiteral("nf_error")); // the choice outlives a run without physics
        QCOMPARE(physics->drawnPoints(unet, QStringLiteral("nf_error")), 2);
        for (QAbstractSeries* a : physics->chart()->series())
            QVERIFY(!a->name().startsWith(QStringLiteral("ae")));
    }

    void generatorCurvesDrawItsFidelityPerEpoch()
    {
        // A generator's validation compares drawn maps with simulated ones per (z, ζ): power ratio,
        // PDF KS distance, nf error and diversity per epoch, drawn as the unet's metrics are.
        const std::map<QString, std::vector<WrittenPoint>> written = physicsInHistory(m_gen);
        for (const char* m : {"power_ratio_median", "pdf_ks", "nf_error", "diversity"})
            QVERIFY2(written.count(QLatin1String(m)) && written.at(QLatin1String(m)).size() == 2, m); // 2 epochs
        Session session;
        TrainingWorkspace ws(&session);
        guifixtures::showRunsFolder(ws, m_runs, {1400, 1000});
        QTRY_COMPARE_WITH_TIMEOUT(ws.runsModel()->rowCount(), 3, 20000);
        const QString gen = QString::fromStdString(m_gen), unet = QString::fromStdString(m_unet);
        const RunsModel* runs = ws.runsModel();
        QCOMPARE(runs->index(runs->rowOf(gen), RunsModel::Target).data().toString(), QStringLiteral("generate"));
        QCOMPARE(runs->index(runs->rowOf(unet), RunsModel::Target).data().toString(), QStringLiteral("translate"));
        ws.runsPanel()->selectRuns({gen});
        ws.showTab(TrainingWorkspace::Tab::Curves);
        PhysicsCurves* physics = ws.curves()->physics();
        QTRY_VERIFY_WITH_TIMEOUT(physics->hasCurves() && physics->view()->isVisible(), 10000);
        for (const QString& metric : {QStringLiteral("power_ratio_median"), QStringLiteral("pdf_ks"),
                 QStringLiteral("nf_error"), QStringLiteral("diversity")}) {
            const std::vector<WrittenPoint>& points = written.at(metric);
            physics->setQuantity(physicsQuantity(metric).key);
            const QLineSeries* series = physics->seriesOf(gen, metric);
            QVERIFY2(series, qPrintable(metric));
            QCOMPARE(series->count(), int(points.size()));
            for (int i = 0; i < series->count(); ++i)
                QCOMPARE(series->at(i).y(), points[std::size_t(i)].value);
        }
        physics->setQuantity(physicsQuantity(QStringLiteral("pdf_ks")).key);
        screenshot(ws, QStringLiteral("physics-generator"));
        // Overlaid with the unet: both runs' power ratios on the one axis, each its own series.
        physics->setQuantity(physicsQuantity(QStringLiteral("power_ratio_median")).key);
        ws.runsPanel()->selectRuns({gen, unet});
        QTRY_COMPARE_WITH_TIMEOUT(physics->drawnPoints(unet, QStringLiteral("power_ratio_median")), 2, 10000);
        QCOMPARE(physics->drawnPoints(gen, QStringLiteral("power_ratio_median")), 2);
        QCOMPARE(physics->quantity(), physicsQuantity(QStringLiteral("power_ratio_median")).key);
    }

    void physicsCurvesFollowAGrowingHistory()
    {
        // A run another process trains: its history grows by an epoch line; the view draws it
        // (the watcher reads what was appended, the view's pacer redraws).
        const QString folder = m_dir.filePath(QStringLiteral("growing")), run = folder + QStringLiteral("/unet");
        QVERIFY(QDir().mkpath(run));
        QVERIFY(
            QFile::copy(QString::fromStdString(rs::ml::runConfigPath(m_unet)), run + QStringLiteral("/config.json")));
        QFile h(QString::fromStdString(rs::ml::historyPath(m_unet)));
        QVERIFY(h.open(QIODevice::ReadOnly));
        const QByteArray all = h.readAll();
        const qsizetype cut = all.indexOf('\n', all.indexOf("\"type\":\"epoch\"")) + 1; // through the first epoch line
        QVERIFY(cut > 0);
        rs::ml::appendHistoryLine(run.toStdString(), all.left(cut).toStdString());
        Session session;
        TrainingWorkspace ws(&session);
        guifixtures::showRunsFolder(ws, folder, {1400, 1000});
        QTRY_COMPARE_WITH_TIMEOUT(ws.runsModel()->rowCount(), 1, 20000);
        ws.runsPanel()->selectRuns({run});
        PhysicsCurves* physics = ws.curves()->physics();
        QTRY_COMPARE_WITH_TIMEOUT(physics->drawnPoints(run, QStringLiteral("iou_ionized")), 1, 10000);
        const int refreshes = ws.curves()->refreshCount();
        rs::ml::appendHistoryLine(run.toStdString(), all.mid(cut).toStdString());
        QTRY_COMPARE_WITH_TIMEOUT(physics->drawnPoints(run, QStringLiteral("iou_ionized")), 2, 10000);
        QVERIFY(ws.curves()->refreshCount() > refreshes);

        // A run this window trains draws its loss from live reports and its physics from its history.
        RunsModel model;
        const QString live = QStringLiteral("/nowhere/live");
        rs::ml::TrainProgress p;
        p.kind = rs::ml::TrainProgress::Kind::Epoch;
        p.epoch = 1;
        p.step = 3;
        p.trainLoss = p.valLoss = 0.5;
        p.trainMetric = p.valMetric = 0.8;
        model.appendProgress(live, {p}, rs::ml::readRunConfig(m_unet));
        QCOMPARE(int(model.find(live)->live), int(RunEntry::Live::Training));
        RunUpdate u;
        u.path = live;
        u.history.records = rs::ml::readHistory(m_unet);
        model.applyUpdates({u});
        const RunCurves& c = model.find(live)->curves;
        QCOMPARE(c.points(RunCurves::ValLoss).size(), std::size_t(1)); // the live report's, not the history's
        QVERIFY(c.physicsPoints(QStringLiteral("nf_error")));
        QCOMPARE(c.physicsPoints(QStringLiteral("nf_error"))->size(), std::size_t(2));
        QCOMPARE(c.physicsPoints(QStringLiteral("nf_error"))->back().value,
            physicsInHistory(m_unet).at(QStringLiteral("nf_error")).back().value);
    }
};

QTEST_MAIN(TestStudioCurves)
#include "tst_studio_curves.moc"
