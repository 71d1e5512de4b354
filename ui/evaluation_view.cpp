#include "evaluation_view.h"

#include "job_runner.h"
#include "predictor_pool.h"
#include "stats_charts.h"
#include "text_format.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QPushButton>
#include <QScatterSeries>
#include <QStackedWidget>
#include <QTableWidget>
#include <QValueAxis>
#include <QVBoxLayout>

#include <cmath>

namespace rs::ui {

namespace {

constexpr std::size_t kScatterSamples = 2000;

const QColor kClassColours[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xd6, 0x27, 0x28), QColor(0x2c, 0xa0, 0x2c),
                                QColor(0x94, 0x67, 0xbd), QColor(0xff, 0x7f, 0x0e), QColor(0x8c, 0x56, 0x4b),
                                QColor(0xe3, 0x77, 0xc2), QColor(0x17, 0xbe, 0xcf)};

QChartView* makeChartView(QWidget* parent)
{
    auto* chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setMargins(QMargins(4, 4, 4, 4));
    auto* v = new QChartView(chart, parent);
    v->setRenderHint(QPainter::Antialiasing);
    v->setMinimumSize(240, 170);
    return v;
}

void clearChart(QChart* chart, const QString& title)
{
    chart->removeAllSeries();
    for (QAbstractAxis* a : chart->axes())
        chart->removeAxis(a);
    chart->setTitle(title);
    chart->legend()->setVisible(false);
}

QString targetText(rs::ml::Target t)
{
    switch (t) {
    case rs::ml::Target::Z: return QStringLiteral("z");
    case rs::ml::Target::Zeta: return QStringLiteral("ζ");
    case rs::ml::Target::Fesc: return QStringLiteral("f<sub>esc</sub>");
    case rs::ml::Target::Nf: return QStringLiteral("x<sub>HI</sub> of the slice");
    case rs::ml::Target::NfCube: return QStringLiteral("x<sub>HI</sub> of the cube");
    case rs::ml::Target::None: break;
    }
    return QStringLiteral("label");
}

} // namespace

EvaluationView::EvaluationView(PredictorPool* pool, QWidget* parent)
    : QWidget(parent)
    , m_pool(pool)
    , m_job(new JobRunner(this))
    , m_cubeJob(new JobRunner(this))
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
    m_scatter = makeChartView(m_stack);
    m_stack->addWidget(m_scatter);
    testLayout->addWidget(m_stack, 1);
    outer->addWidget(testBox, 1);

    auto* cubeBox = new QGroupBox(tr("Cube shown in the Explorer"), this);
    auto* cubeLayout = new QVBoxLayout(cubeBox);
    auto* row = new QHBoxLayout;
    m_predict = new QPushButton(tr("Predict"), cubeBox);
    m_axis = new QComboBox(cubeBox);
    m_axis->addItems({tr("slices along x"), tr("slices along y"), tr("slices along z")});
    m_axis->setCurrentIndex(2);
    row->addWidget(m_predict);
    row->addWidget(m_axis);
    row->addStretch(1);
    cubeLayout->addLayout(row);
    m_cubeLabel = new QLabel(cubeBox);
    m_cubeLabel->setWordWrap(true);
    m_cubeLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    cubeLayout->addWidget(m_cubeLabel);
    m_probabilities = makeChartView(cubeBox);
    m_perSlice = makeChartView(cubeBox);
    cubeLayout->addWidget(m_probabilities, 1);
    cubeLayout->addWidget(m_perSlice, 1);
    outer->addWidget(cubeBox, 1);

    connect(m_predict, &QPushButton::clicked, this, [this] { predictExplorerCube(m_axis->currentIndex()); });
    for (JobRunner* j : {m_job, m_cubeJob})
        connect(j, &JobRunner::failed, this, [this](const QString& message) {
            Q_EMIT problem(tr("Could not evaluate: %1").arg(message), message);
        });
    connect(m_job, &JobRunner::failed, this, [this](const QString& m) { m_summary->setText(tr("Could not evaluate: %1").arg(m)); });
    connect(m_cubeJob, &JobRunner::failed, this, [this](const QString& m) { m_cubeLabel->setText(tr("Could not predict: %1").arg(m)); });
    setRun({}, {}, std::nullopt);
}

QString EvaluationView::summaryText() const
{
    return m_summary->text();
}

QString EvaluationView::cubeText() const
{
    return m_cubeLabel->text();
}

void EvaluationView::setRun(const QString& runDir, const rs::ml::RunConfig& config,
                            const std::optional<rs::ml::EvalMetrics>& metrics)
{
    const bool same = runDir == m_run && metrics.has_value() == m_metrics.has_value();
    m_run = runDir;
    m_config = config;
    const bool usable = !runDir.isEmpty() && config.task != rs::ml::Task::Reconstruct;
    m_predict->setEnabled(usable);
    if (!usable) {
        m_job->cancel();
        m_metrics.reset();
        m_predictions.reset();
        m_confusion->clear();
        m_confusion->setRowCount(0);
        m_confusion->setColumnCount(0);
        m_summary->setText(runDir.isEmpty() ? tr("Select a classifier or regressor run.")
                                            : tr("An autoencoder run reconstructs; see Reconstructions."));
        clearChart(m_scatter->chart(), {});
        return;
    }
    if (same && (m_metrics || m_job->isRunning()))
        return;
    m_metrics = metrics;
    m_metricsSource = metrics ? tr("metrics.json (final model)") : QString();
    m_predictions.reset();
    m_cube.reset();
    showCubePrediction();
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
            auto* item = new QTableWidgetItem(std::isfinite(acc) ? QStringLiteral("%1 %").arg(100 * acc, 0, 'f', 1) : QStringLiteral("–"));
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
    clearChart(chart, tr("Predicted against true %1").arg(targetText(m_config.target)));
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
    x->setTitleText(tr("true %1").arg(targetText(m_config.target)));
    y->setTitleText(tr("predicted %1").arg(targetText(m_config.target)));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (QAbstractSeries* s : {static_cast<QAbstractSeries*>(points), static_cast<QAbstractSeries*>(diagonal)}) {
        s->attachAxis(x);
        s->attachAxis(y);
    }
    chart->setTitle(tr("Predicted against true %1 · R² = %2 on %3 test samples")
                        .arg(targetText(m_config.target), formatNumber(p.metrics.r2, 3))
                        .arg(p.truth.size()));
}

void EvaluationView::setExplorerCubes(const std::vector<LoadedCube>& cubes)
{
    m_explorerCubes = cubes;
}

void EvaluationView::predictExplorerCube(int axis)
{
    if (m_run.isEmpty() || m_config.task == rs::ml::Task::Reconstruct)
        return;
    std::optional<LoadedCube> cube;
    for (const LoadedCube& c : m_explorerCubes)
        if (c.quantity() == m_config.quantity)
            cube = c;
    if (!cube) {
        m_cubeLabel->setText(tr("The Explorer shows no %1 cube (the quantity this run learnt from).")
                                 .arg(quantityWords(m_config.quantity)));
        return;
    }
    m_cubeTitle = cube->titleHtml();
    m_cubeLabel->setText(tr("Predicting %1…").arg(m_cubeTitle));
    const std::string run = m_run.toStdString();
    PredictorPool* pool = m_pool;
    const Cube c = cube->cube;
    m_cubeJob->start(tr("Predicting the Explorer's cube"), [=, this](const ProgressFn&, const StopToken&) {
        const PredictorPool::Lease lease = pool->acquire(run);
        rs::ml::CubePrediction p = lease->predictCube(c, {axis}, 1);
        return std::function<void()>([this, p] {
            m_cube = p;
            showCubePrediction();
        });
    });
}

void EvaluationView::showCubePrediction()
{
    QChart* bars = m_probabilities->chart();
    QChart* lines = m_perSlice->chart();
    if (!m_cube) {
        clearChart(bars, {});
        clearChart(lines, {});
        m_cubeLabel->setText(m_run.isEmpty() ? QString() : tr("Predict the cube shown in the Explorer, slice by slice."));
        return;
    }
    const rs::ml::CubePrediction& p = *m_cube;
    const QString target = targetText(m_config.target);
    if (m_config.task == rs::ml::Task::Classify) {
        const int best = rs::ml::classIndex(m_config.classes, p.value);
        m_cubeLabel->setText(tr("%1: <b>%2 = %3</b> (mean probability %4; majority of %5 slices: %6). %7")
                                 .arg(m_cubeTitle, target, formatNumber(p.value),
                                      best >= 0 ? formatNumber(p.meanProbabilities[std::size_t(best)], 3) : QStringLiteral("–"))
                                 .arg(p.slices)
                                 .arg(formatNumber(p.majority), QString::fromStdString(p.fit).toHtmlEscaped()));
        clearChart(bars, tr("Mean probability of each %1").arg(target));
        auto* set = new QBarSet(tr("mean probability"), bars);
        QStringList categories;
        for (std::size_t k = 0; k < p.meanProbabilities.size(); ++k) {
            *set << p.meanProbabilities[k];
            categories << formatNumber(m_config.classes[k]);
        }
        auto* series = new QBarSeries(bars);
        series->append(set);
        bars->addSeries(series);
        auto* x = new QBarCategoryAxis(bars);
        x->append(categories);
        x->setTitleText(target);
        auto* y = new QValueAxis(bars);
        y->setRange(0, 1);
        y->setTitleText(tr("probability"));
        bars->addAxis(x, Qt::AlignBottom);
        bars->addAxis(y, Qt::AlignLeft);
        series->attachAxis(x);
        series->attachAxis(y);
    } else {
        m_cubeLabel->setText(tr("%1: <b>%2 = %3</b> (mean over %4 slices). %5")
                                 .arg(m_cubeTitle, target, formatNumber(p.value, 4))
                                 .arg(p.slices)
                                 .arg(QString::fromStdString(p.fit).toHtmlEscaped()));
        clearChart(bars, {});
    }
    clearChart(lines, m_config.task == rs::ml::Task::Classify ? tr("Probability of each %1, slice by slice").arg(target)
                                                               : tr("Predicted %1, slice by slice").arg(target));
    auto* x = new QValueAxis(lines);
    x->setTitleText(tr("slice index"));
    x->setLabelFormat(QStringLiteral("%.0f"));
    auto* y = new QValueAxis(lines);
    lines->addAxis(x, Qt::AlignBottom);
    lines->addAxis(y, Qt::AlignLeft);
    const std::size_t curves = m_config.task == rs::ml::Task::Classify ? m_config.classes.size() : 1;
    double lo = INFINITY, hi = -INFINITY, xHi = 0;
    for (std::size_t k = 0; k < curves; ++k) {
        auto* s = new QLineSeries(lines);
        s->setName(m_config.task == rs::ml::Task::Classify ? QStringLiteral("%1").arg(formatNumber(m_config.classes[k])) : tr("predicted"));
        QPen pen(kClassColours[k % std::size(kClassColours)]);
        pen.setWidthF(1.6);
        s->setPen(pen);
        for (const rs::ml::SlicePrediction& sp : p.perSlice) {
            const double v = m_config.task == rs::ml::Task::Classify ? sp.probabilities[k] : sp.value;
            s->append(double(sp.index), v);
            lo = std::min(lo, v);
            hi = std::max(hi, v);
            xHi = std::max(xHi, double(sp.index));
        }
        lines->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
    }
    x->setRange(0, std::max(1.0, xHi));
    if (m_config.task == rs::ml::Task::Classify) {
        y->setRange(0, 1);
        y->setTitleText(tr("probability"));
        lines->legend()->setVisible(true);
        lines->legend()->setAlignment(Qt::AlignRight);
    } else if (hi >= lo) {
        const double pad = hi > lo ? 0.08 * (hi - lo) : 0.05;
        y->setRange(lo - pad, hi + pad);
        y->setTitleText(tr("predicted %1").arg(target));
    }
}

} // namespace rs::ui
