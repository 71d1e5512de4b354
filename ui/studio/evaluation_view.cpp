#include "studio/evaluation_view.h"

#include "charts/chart_setup.h"
#include "explorer/stats_charts.h"
#include "shell/job_runner.h"
#include "shell/text_format.h"
#include "studio/cube_prediction_view.h"
#include "studio/predictor_pool.h"

#include <QChart>
#include <QChartView>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QScatterSeries>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QValueAxis>

#include <cmath>

namespace rs::ui {

namespace {

constexpr std::size_t kScatterSamples = 2000;

} // namespace

EvaluationView::EvaluationView(PredictorPool* pool, QWidget* parent)
    : QWidget(parent)
    , m_pool(pool)
    , m_job(new JobRunner(this))
{
    auto* outer = new QHBoxLayout(this);
    outer->setContentsMargins(2, 2, 2, 2);
    auto* testBox = new QGroupBox(tr("Test set"), this);
    auto* testLayout = new QVBoxLayout(testBox);
    m_summary = new QLabel(testBox);
    m_summary->setWordWrap(true);
    testLayout->addWidget(m_summary);
    m_stack = new QStackedWidget(testBox);
    m_confusion = new QTableWidget(m_stack);
    m_confusion->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_confusion->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_stack->addWidget(m_confusion);
    m_scatter = charts::makeChartView(m_stack, 240, 170);
    m_stack->addWidget(m_scatter);
    testLayout->addWidget(m_stack, 1);
    outer->addWidget(testBox, 1);

    m_cubeView = new CubePredictionView(pool, this);
    outer->addWidget(m_cubeView, 1);
    connect(m_cubeView, &CubePredictionView::problem, this, &EvaluationView::problem);

    connect(m_job, &JobRunner::failed, this, [this](const QString& message) {
        Q_EMIT problem(tr("Could not evaluate: %1").arg(message), message);
        m_summary->setText(tr("Could not evaluate: %1").arg(message));
    });
    setRun({}, {}, std::nullopt);
}

QString EvaluationView::summaryText() const
{
    return m_summary->text();
}

void EvaluationView::setRun(
    const QString& runDir, const rs::ml::RunConfig& config, const std::optional<rs::ml::EvalMetrics>& metrics)
{
    const bool same = runDir == m_run && metrics.has_value() == m_metrics.has_value();
    m_run = runDir;
    m_config = config;
    const bool usable = !runDir.isEmpty() && config.task != rs::ml::Task::Reconstruct;
    m_cubeView->setRun(runDir, config);
    if (!usable) {
        m_job->cancel();
        m_metrics.reset();
        m_predictions.reset();
        m_confusion->clear();
        m_confusion->setRowCount(0);
        m_confusion->setColumnCount(0);
        m_summary->setText(runDir.isEmpty() ? tr("Select a classifier or regressor run.")
                                            : tr("An autoencoder run reconstructs; see Reconstructions."));
        charts::clearChart(m_scatter->chart(), {});
        return;
    }
    if (same && (m_metrics || m_job->isRunning()))
        return;
    m_metrics = metrics;
    m_metricsSource = metrics ? tr("metrics.json (final model)") : QString();
    m_predictions.reset();
    evaluate();
}

void EvaluationView::evaluate()
{
    const std::string run = m_run.toStdString();
    const rs::ml::RunConfig config = m_config;
    const bool needMetrics = !m_metrics;
    const bool needScatter = config.task == rs::ml::Task::Regress;
    PredictorPool* pool = m_pool;
    m_summary->setText(tr("Evaluating on the test set…"));
    showMetrics();
    m_job->start(tr("Evaluating %1").arg(m_run), [=, this](const ProgressFn&, const StopToken& stop) {
        std::optional<rs::ml::EvalMetrics> metrics;
        std::optional<rs::ml::SplitPredictions> predictions;
        const PredictorPool::Lease lease = pool->acquire(run);
        if (needMetrics) // a run still training: its best (or last) checkpoint on the whole test set
            metrics = rs::ml::evaluateRun(run, "", rs::ml::Split::Test, pool->computeThreads(), stop);
        if (needScatter) {
            const auto ds = rs::ml::DatasetFile::open(config.datasetPath);
            predictions = rs::ml::predictSplit(*lease, *ds, rs::ml::Split::Test, kScatterSamples, stop);
        }
        const QString source = needMetrics ? QString::fromStdString(lease->weightsPath()) : QString();
        return std::function<void()>([this, metrics, predictions, source] {
            if (metrics) {
                m_metrics = metrics;
                m_metricsSource = source;
            }
            m_predictions = predictions;
            showMetrics();
        });
    });
}

void EvaluationView::showMetrics()
{
    if (!m_metrics) {
        m_stack->setCurrentIndex(m_config.task == rs::ml::Task::Regress ? 1 : 0);
        return;
    }
    const rs::ml::EvalMetrics& m = *m_metrics;
    if (m.task == rs::ml::Task::Classify) {
        m_stack->setCurrentIndex(0);
        m_summary->setText(tr("Test accuracy <b>%1 %</b> on %2 samples (from %3)")
                               .arg(100 * m.accuracy, 0, 'f', 1)
                               .arg(m.samples)
                               .arg(m_metricsSource.toHtmlEscaped()));
        const int k = int(m.classes.size());
        m_confusion->clear();
        m_confusion->setRowCount(k);
        m_confusion->setColumnCount(k + 1);
        QStringList cols, rows;
        for (double c : m.classes) {
            cols << tr("predicted %1").arg(formatNumber(c));
            rows << tr("true %1").arg(formatNumber(c));
        }
        cols << tr("per-class accuracy");
        m_confusion->setHorizontalHeaderLabels(cols);
        m_confusion->setVerticalHeaderLabels(rows);
        for (int r = 0; r < k && r < int(m.confusion.size()); ++r) {
            std::int64_t total = 0;
            for (std::int64_t v : m.confusion[std::size_t(r)])
                total += v;
            for (int c = 0; c < k; ++c) {
                const std::int64_t v = m.confusion[std::size_t(r)][std::size_t(c)];
                auto* item = new QTableWidgetItem(QString::number(v));
                item->setTextAlignment(Qt::AlignCenter);
                const double f = total ? double(v) / double(total) : 0.0;
                item->setBackground(QColor::fromRgbF(1.0 - 0.75 * f, 1.0 - 0.45 * f, 1.0 - 0.1 * f));
                if (f > 0.6)
                    item->setForeground(Qt::white);
                m_confusion->setItem(r, c, item);
            }
            const double acc = r < int(m.perClassAccuracy.size()) ? m.perClassAccuracy[std::size_t(r)] : NAN;
            auto* item = new QTableWidgetItem(
                std::isfinite(acc) ? QStringLiteral("%1 %").arg(100 * acc, 0, 'f', 1) : QStringLiteral("–"));
            item->setTextAlignment(Qt::AlignCenter);
            m_confusion->setItem(r, k, item);
        }
        return;
    }
    m_stack->setCurrentIndex(1);
    m_summary->setText(tr("Test R² <b>%1</b>, RMSE %2, MAE %3 on %4 samples (from %5)")
                           .arg(formatNumber(m.r2, 4), formatNumber(m.rmse, 4), formatNumber(m.mae, 4))
                           .arg(m.samples)
                           .arg(m_metricsSource.toHtmlEscaped()));
    QChart* chart = m_scatter->chart();
    charts::clearChart(chart, tr("Predicted against true %1").arg(targetHtml(m_config.target)));
    if (!m_predictions || m_predictions->truth.empty())
        return;
    const rs::ml::SplitPredictions& p = *m_predictions;
    auto* points = new QScatterSeries(chart);
    points->setMarkerSize(6);
    points->setColor(QColor(0x1f, 0x77, 0xb4, 150));
    points->setBorderColor(Qt::transparent);
    double lo = INFINITY, hi = -INFINITY;
    for (std::size_t i = 0; i < p.truth.size(); ++i) {
        points->append(p.truth[i], p.predicted[i]);
        lo = std::min({lo, p.truth[i], p.predicted[i]});
        hi = std::max({hi, p.truth[i], p.predicted[i]});
    }
    auto* diagonal = new QLineSeries(chart);
    QPen pen(QColor(0x40, 0x40, 0x40));
    pen.setStyle(Qt::DashLine);
    diagonal->setPen(pen);
    diagonal->append(lo, lo);
    diagonal->append(hi, hi);
    chart->addSeries(diagonal);
    chart->addSeries(points);
    auto* x = new QValueAxis(chart);
    auto* y = new QValueAxis(chart);
    const double pad = hi > lo ? 0.05 * (hi - lo) : 0.5;
    for (QValueAxis* a : {x, y}) {
        a->setRange(lo - pad, hi + pad);
        a->setLabelFormat(QStringLiteral("%.3g"));
    }
    x->setTitleText(tr("true %1").arg(targetHtml(m_config.target)));
    y->setTitleText(tr("predicted %1").arg(targetHtml(m_config.target)));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (QAbstractSeries* s : {static_cast<QAbstractSeries*>(points), static_cast<QAbstractSeries*>(diagonal)}) {
        s->attachAxis(x);
        s->attachAxis(y);
    }
    chart->setTitle(tr("Predicted against true %1 · R² = %2 on %3 test samples")
                        .arg(targetHtml(m_config.target), formatNumber(p.metrics.r2, 3))
                        .arg(p.truth.size()));
}

} // namespace rs::ui
