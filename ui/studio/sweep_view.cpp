#include "studio/sweep_view.h"

#include "charts/palette.h"
#include "studio/run_columns.h"

#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace rs::ui {

SweepView::SweepView(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    auto* top = new QHBoxLayout;
    m_title = new QLabel(this);
    m_title->setWordWrap(true);
    top->addWidget(m_title, 1);
    auto* clear = new QToolButton(this);
    clear->setText(tr("Clear ranges"));
    clear->setToolTip(tr("Show every run again"));
    top->addWidget(clear);
    layout->addLayout(top);
    auto* split = new QSplitter(Qt::Vertical, this);
    m_parallel = new ParallelCoordsView(split);
    split->addWidget(m_parallel);
    auto* lower = new QWidget(split);
    auto* lowerLayout = new QVBoxLayout(lower);
    lowerLayout->setContentsMargins(0, 0, 0, 0);
    auto* choices = new QHBoxLayout;
    m_x = new QComboBox(lower);
    m_y = new QComboBox(lower);
    choices->addWidget(new QLabel(tr("Scatter:"), lower));
    choices->addWidget(m_y);
    choices->addWidget(new QLabel(tr("against"), lower));
    choices->addWidget(m_x);
    choices->addStretch(1);
    lowerLayout->addLayout(choices);
    m_chart = new QChart;
    m_chart->legend()->hide();
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_out = new QScatterSeries(m_chart);
    m_in = new QScatterSeries(m_chart);
    m_in->setColor(charts::seriesColor(0));
    m_in->setMarkerSize(10);
    m_out->setColor(QColor(0, 0, 0, 50));
    m_out->setMarkerSize(7);
    m_chart->addSeries(m_out);
    m_chart->addSeries(m_in);
    m_xValue = new QValueAxis(m_chart);
    m_xLog = new QLogValueAxis(this); // the chart owns the x axis it shows; this view the others
    m_xLog->setLabelFormat(QStringLiteral("%.0e"));
    m_xCategories = new QCategoryAxis(this);
    m_xCategories->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_yAxis = new QValueAxis(m_chart);
    m_chart->addAxis(m_yAxis, Qt::AlignLeft);
    m_chart->addAxis(m_xValue, Qt::AlignBottom);
    m_xShown = m_xValue;
    for (QScatterSeries* s : {m_out, m_in}) {
        s->attachAxis(m_xValue);
        s->attachAxis(m_yAxis);
    }
    m_chartView = new QChartView(m_chart, lower);
    m_chartView->setRenderHint(QPainter::Antialiasing);
    lowerLayout->addWidget(m_chartView, 1);
    split->addWidget(lower);
    split->setSizes({300, 260});
    layout->addWidget(split, 1);
    connect(clear, &QToolButton::clicked, m_parallel, &ParallelCoordsView::clearBrushes);
    connect(m_parallel, &ParallelCoordsView::brushChanged, this, [this] {
        Q_EMIT brushChanged(m_parallel->brushedRuns());
        rebuildScatter();
    });
    connect(m_x, &QComboBox::currentIndexChanged, this, &SweepView::rebuildScatter);
    connect(m_y, &QComboBox::currentIndexChanged, this, &SweepView::rebuildScatter);
}

void SweepView::setRuns(
    const QString& title, const QStringList& settings, const QStringList& results, const std::vector<ParallelRun>& runs)
{
    const bool sameAxes = settings == m_settings && results == m_results;
    const auto same = [](const ParallelRun& a, const ParallelRun& b) {
        return a.path == b.path && a.name == b.name && a.values == b.values;
    };
    if (sameAxes && title == m_title->text()
        && std::equal(runs.begin(), runs.end(), m_runs.begin(), m_runs.end(), same))
        return; // a status or a batch line changed, nothing this view shows: no repaint
    m_title->setText(title);
    m_settings = settings;
    m_results = results;
    m_runs = runs;
    if (!sameAxes) {
        const QSignalBlocker bx(m_x), by(m_y);
        m_x->clear();
        m_y->clear();
        for (const QString& k : settings)
            m_x->addItem(runKeyTitle(k), k);
        for (const QString& k : results)
            m_y->addItem(runKeyTitle(k), k);
        m_y->setCurrentIndex(std::max(0, int(results.size()) - 1)); // the colour axis: the main metric
    }
    QStringList titles;
    for (const QString& k : settings + results)
        titles << runKeyTitle(k);
    m_parallel->setData(settings + results, titles, runs);
    rebuildScatter();
}

QString SweepView::title() const
{
    return m_title->text();
}

QList<QPointF> SweepView::scatterPoints() const
{
    QList<QPointF> out;
    for (QAbstractSeries* s : m_chart->series())
        if (auto* sc = qobject_cast<QScatterSeries*>(s))
            out += sc->points();
    return out;
}

void SweepView::rebuildScatter()
{
    const int xi = m_x->currentIndex(), yi = m_y->currentIndex();
    QList<QPointF> in, out;
    if (xi < 0 || yi < 0) {
        m_in->clear();
        m_out->clear();
        return;
    }
    const std::size_t xcol = std::size_t(xi), ycol = std::size_t(m_settings.size() + yi);
    // Text settings (optimizer, schedule) sit at category positions.
    QStringList categories;
    bool numeric = true, positive = true;
    double lo = INFINITY, hi = -INFINITY;
    for (const ParallelRun& r : m_runs) {
        const QVariant& v = r.values[xcol];
        if (!v.isValid())
            continue;
        if (v.typeId() != QMetaType::Double) {
            numeric = false;
            if (!categories.contains(runValueText(v)))
                categories << runValueText(v);
        } else {
            lo = std::min(lo, v.toDouble());
            hi = std::max(hi, v.toDouble());
            positive = positive && v.toDouble() > 0;
        }
    }
    const std::optional<QSet<QString>> brushed = m_parallel->brushedRuns();
    double ylo = INFINITY, yhi = -INFINITY;
    for (const ParallelRun& r : m_runs) {
        const QVariant &xv = r.values[xcol], &yv = r.values[ycol];
        if (!xv.isValid() || yv.typeId() != QMetaType::Double || (numeric && xv.typeId() != QMetaType::Double))
            continue;
        const double x = numeric ? xv.toDouble() : double(categories.indexOf(runValueText(xv)));
        (!brushed || brushed->contains(r.path) ? in : out).append(QPointF(x, yv.toDouble()));
        ylo = std::min(ylo, yv.toDouble());
        yhi = std::max(yhi, yv.toDouble());
    }
    QAbstractAxis* xAxis = m_xValue;
    if (!numeric) {
        for (const QString& label : m_xCategories->categoriesLabels())
            m_xCategories->remove(label);
        for (int i = 0; i < categories.size(); ++i)
            m_xCategories->append(categories[i], i + 0.5);
        m_xCategories->setRange(-0.5, double(categories.size()) - 0.5);
        xAxis = m_xCategories;
    } else if (positive && std::isfinite(lo) && hi / lo > 20) {
        m_xLog->setRange(lo / 1.5, hi * 1.5);
        xAxis = m_xLog;
    } else {
        const double pad = std::isfinite(lo) ? std::max(1e-12, (hi - lo) * 0.08 + std::abs(hi) * 1e-6) : 1;
        m_xValue->setRange(std::isfinite(lo) ? lo - pad : 0, std::isfinite(hi) ? hi + pad : 1);
    }
    if (xAxis != m_xShown) {
        for (QScatterSeries* s : {m_out, m_in})
            s->detachAxis(m_xShown);
        m_chart->removeAxis(m_xShown);
        m_xShown->setParent(this);
        m_chart->addAxis(xAxis, Qt::AlignBottom);
        for (QScatterSeries* s : {m_out, m_in})
            s->attachAxis(xAxis);
        m_xShown = xAxis;
    }
    xAxis->setTitleText(m_x->currentText());
    m_yAxis->setTitleText(m_y->currentText());
    if (std::isfinite(ylo)) {
        const double pad = std::max(1e-9, (yhi - ylo) * 0.08);
        m_yAxis->setRange(ylo - pad, yhi + pad);
    }
    m_in->replace(in);
    m_out->replace(out);
}

} // namespace rs::ui
