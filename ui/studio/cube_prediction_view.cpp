#include "studio/cube_prediction_view.h"

#include "ml/dataset.h"

#include "charts/chart_setup.h"
#include "charts/palette.h"
#include "shell/job_runner.h"
#include "shell/text_format.h"
#include "studio/predictor_pool.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QPushButton>
#include <QVBoxLayout>
#include <QValueAxis>

#include <cmath>

namespace rs::ui {

CubePredictionView::CubePredictionView(PredictorPool* pool, QWidget* parent)
    : QGroupBox(tr("Cube shown in the Explorer"), parent)
    , m_pool(pool)
    , m_cubeJob(new JobRunner(this))
{
    auto* cubeLayout = new QVBoxLayout(this);
    auto* row = new QHBoxLayout;
    m_predict = new QPushButton(tr("Predict"), this);
    m_axis = new QComboBox(this);
    m_axis->addItems({tr("slices along x"), tr("slices along y"), tr("slices along z")});
    m_axis->setCurrentIndex(2);
    row->addWidget(m_predict);
    row->addWidget(m_axis);
    row->addStretch(1);
    cubeLayout->addLayout(row);
    m_cubeLabel = new QLabel(this);
    m_cubeLabel->setWordWrap(true);
    m_cubeLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    cubeLayout->addWidget(m_cubeLabel);
    m_probabilities = charts::makeChartView(this, 240, 170);
    m_perSlice = charts::makeChartView(this, 240, 170);
    cubeLayout->addWidget(m_probabilities, 1);
    cubeLayout->addWidget(m_perSlice, 1);

    connect(m_predict, &QPushButton::clicked, this, [this] { predictExplorerCube(m_axis->currentIndex()); });
    connect(m_cubeJob, &JobRunner::failed, this, [this](const QString& m) {
        Q_EMIT problem(tr("Could not predict: %1").arg(m), m);
        m_cubeLabel->setText(tr("Could not predict: %1").arg(m));
    });
    setRun({}, {});
}

QString CubePredictionView::cubeText() const
{
    return m_cubeLabel->text();
}

void CubePredictionView::setRun(const QString& runDir, const rs::ml::RunConfig& config)
{
    const bool changed = runDir != m_run;
    m_run = runDir;
    m_config = config;
    m_predict->setEnabled(!runDir.isEmpty() && config.task != rs::ml::Task::Reconstruct);
    if (changed) {
        m_cubeJob->cancel();
        m_cube.reset();
    }
    showCubePrediction();
}

void CubePredictionView::setExplorerCubes(const std::vector<LoadedCube>& cubes)
{
    m_explorerCubes = cubes;
}

void CubePredictionView::predictExplorerCube(int axis)
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

void CubePredictionView::showCubePrediction()
{
    QChart* bars = m_probabilities->chart();
    QChart* lines = m_perSlice->chart();
    if (!m_cube) {
        charts::clearChart(bars, {});
        charts::clearChart(lines, {});
        m_cubeLabel->setText(
            m_run.isEmpty() ? QString() : tr("Predict the cube shown in the Explorer, slice by slice."));
        return;
    }
    const rs::ml::CubePrediction& p = *m_cube;
    const QString target = targetHtml(m_config.target);
    if (m_config.task == rs::ml::Task::Classify) {
        const int best = rs::ml::classIndex(m_config.classes, p.value);
        m_cubeLabel->setText(
            tr("%1: <b>%2 = %3</b> (mean probability %4; majority of %5 slices: %6). %7")
                .arg(m_cubeTitle, target, formatNumber(p.value),
                    best >= 0 ? formatNumber(p.meanProbabilities[std::size_t(best)], 3) : QStringLiteral("–"))
                .arg(p.slices)
                .arg(formatNumber(p.majority), QString::fromStdString(p.fit).toHtmlEscaped()));
        charts::clearChart(bars, tr("Mean probability of each %1").arg(target));
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
        charts::clearChart(bars, {});
    }
    charts::clearChart(lines,
        m_config.task == rs::ml::Task::Classify ? tr("Probability of each %1, slice by slice").arg(target)
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
        s->setName(m_config.task == rs::ml::Task::Classify ? QStringLiteral("%1").arg(formatNumber(m_config.classes[k]))
                                                           : tr("predicted"));
        s->setPen(charts::seriesPen(charts::seriesColor(k), 1.6));
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
