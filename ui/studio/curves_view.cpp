#include "studio/curves_view.h"

#include "charts/chart_export.h"
#include "charts/chart_setup.h"
#include "charts/curve_display.h"
#include "charts/palette.h"
#include "explorer/slice_export.h"
#include "shell/frame_pacer.h"
#include "shell/text_format.h"
#include "studio/hover_chart_view.h"
#include "studio/physics_curves.h"
#include "studio/runs_model.h"
#include "util/error.h"
#include "util/file_util.h"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QMouseEvent>
#include <QPainter>
#include <QScatterSeries>
#include <QSlider>
#include <QStandardPaths>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <functional>

namespace rs::ui {

namespace {

constexpr std::size_t kMaxDrawn = 1500; // points per drawn curve at most; more are min/max-decimated

bool isLossSeries(int s)
{
    return s == RunCurves::TrainLoss || s == RunCurves::ValLoss;
}

/// What a chart's y values of a run measure: losses of different tasks are different quantities
/// (cross-entropy, MSE of standardised labels, MSE of normalised pixels), and so are the metrics.
QString quantityOf(bool loss, rs::ml::Task task)
{
    if (!loss)
        return metricLabel(QString::fromLatin1(rs::ml::metricName(task)));
    switch (task) {
    case rs::ml::Task::Classify:
        return QStringLiteral("cross-entropy loss");
    case rs::ml::Task::Regress:
        return QStringLiteral("MSE loss (standardised label)");
    case rs::ml::Task::Reconstruct:
        return QStringLiteral("MSE loss (normalised pixels)");
    case rs::ml::Task::Translate:
        return QStringLiteral("translation loss (BCE of x_HI or MSE of standardised δT_b)");
    case rs::ml::Task::Generate:
        return QStringLiteral("generator loss (mask BCE + neutral MSE + KL + power term)");
    }
    return QStringLiteral("loss");
}

} // namespace

CurvesView::CurvesView(RunsModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(2, 2, 2, 2);
    outer->setSpacing(3);
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Against"), this));
    m_xBox = new QComboBox(this);
    m_xBox->addItems({tr("epoch"), tr("batch (optimizer step)")});
    row->addWidget(m_xBox);
    row->addSpacing(12);
    row->addWidget(new QLabel(tr("Smoothing"), this));
    m_smoothSlider = new QSlider(Qt::Horizontal, this);
    m_smoothSlider->setRange(0, 99);
    m_smoothSlider->setValue(int(std::lround(m_smoothing * 100)));
    m_smoothSlider->setMaximumWidth(140);
    m_smoothSlider->setToolTip(tr("Exponential smoothing of the train curves; the raw curve stays visible, faintly"));
    row->addWidget(m_smoothSlider);
    m_smoothLabel = new QLabel(this);
    m_smoothLabel->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("0.99")) + 4);
    row->addWidget(m_smoothLabel);
    row->addSpacing(12);
    m_logBox = new QCheckBox(tr("Log loss"), this);
    m_logBox->setToolTip(tr("Logarithmic loss axis"));
    row->addWidget(m_logBox);
    row->addStretch(1);
    auto* png = new QToolButton(this);
    png->setText(tr("PNG…"));
    png->setToolTip(tr("Save both charts as a PNG image"));
    auto* csv = new QToolButton(this);
    csv->setText(tr("CSV…"));
    csv->setToolTip(tr("Save every point of the curves shown as CSV"));
    row->addWidget(png);
    row->addWidget(csv);
    outer->addLayout(row);

    m_charts = new QWidget(this);
    auto* charts = new QGridLayout(m_charts); // loss | metric, the physics curves below
    charts->setContentsMargins(0, 0, 0, 0);
    charts->setSpacing(4);
    for (int i = 0; i < 2; ++i) {
        auto* chart = new QChart;
        chart->setAnimationOptions(QChart::NoAnimation);
        chart->setMargins(QMargins(4, 4, 4, 4));
        chart->legend()->setAlignment(Qt::AlignBottom);
        m_views[i] = new HoverChartView(chart, m_charts, [this](QChartView* v, std::optional<QPointF> p) {
            if (p)
                hoverAt(v, *p);
            else {
                m_readout->clear();
                for (QScatterSeries* m : m_marker)
                    if (m)
                        m->clear();
                repaintCharts();
            }
        });
        m_views[i]->setMinimumSize(260, 200);
        charts->addWidget(m_views[i], 0, i);
    }
    m_physics = new PhysicsCurves(m_model, m_charts);
    charts->addWidget(m_physics, 1, 0, 1, 2);
    charts->setColumnStretch(0, 1);
    charts->setColumnStretch(1, 1);
    outer->addWidget(m_charts, 1);
    auto* key = new QLabel(tr("Solid: train, the running mean over the epoch so far (faint: before smoothing). "
                              "Dashed with points: validation, once per epoch."),
        this);
    key->setWordWrap(true);
    outer->addWidget(key);
    m_empty = new QLabel(tr("Select one or more runs to see their curves"), this);
    m_empty->setAlignment(Qt::AlignCenter);
    outer->addWidget(m_empty);
    m_readout = new QLabel(this);
    m_readout->setMinimumHeight(fontMetrics().height() + 4);
    m_readout->setTextInteractionFlags(Qt::TextSelectableByMouse);
    outer->addWidget(m_readout);

    m_timer = new QTimer(this);
    m_timer->setSingleShot(true);
    m_timer->setInterval(0); // options changed: once, after the current event loop pass
    connect(m_timer, &QTimer::timeout, this, [this] {
        refresh();
        repaintCharts();
    });
    m_ownPacer = new FramePacer(m_charts, this);
    setPacer(m_ownPacer);
    connect(m_model, &RunsModel::curvesChanged, this, [this](const QString& path) {
        if (m_paths.contains(path))
            m_pacer->request();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] { setRuns({}); });
    connect(m_xBox, &QComboBox::currentIndexChanged, this,
        [this](int i) { setXAxis(i == 0 ? XAxis::Epoch : XAxis::Step); });
    connect(m_smoothSlider, &QSlider::valueChanged, this, [this](int v) { setSmoothing(v / 100.0); });
    connect(m_logBox, &QCheckBox::toggled, this, &CurvesView::setLogLoss);
    connect(png, &QToolButton::clicked, this, [this] { exportWithDialog(true); });
    connect(csv, &QToolButton::clicked, this, [this] { exportWithDialog(false); });
    m_smoothLabel->setText(QString::number(m_smoothing, 'f', 2));
    rebuild();
}

void CurvesView::setPacer(FramePacer* pacer)
{
    if (m_pacer)
        disconnect(m_pacer, nullptr, this, nullptr);
    m_pacer = pacer ? pacer : m_ownPacer;
    connect(m_pacer, &FramePacer::frame, this, &CurvesView::refresh);
    connect(m_pacer, &FramePacer::present, this, &CurvesView::repaintCharts);
}

QChart* CurvesView::lossChart() const
{
    return m_views[0]->chart();
}

QChart* CurvesView::metricChart() const
{
    return m_views[1]->chart();
}

void CurvesView::setRuns(const QStringList& paths)
{
    if (paths == m_paths && !m_rebuild)
        return;
    m_paths = paths;
    m_physics->setRuns(paths);
    m_rebuild = true;
    scheduleRefresh();
}

void CurvesView::setXAxis(XAxis x)
{
    if (x == m_x)
        return;
    m_x = x;
    m_physics->setAgainstEpoch(x == XAxis::Epoch);
    {
        const QSignalBlocker block(m_xBox);
        m_xBox->setCurrentIndex(x == XAxis::Epoch ? 0 : 1);
    }
    m_rebuild = true;
    scheduleRefresh();
}

void CurvesView::setSmoothing(double weight)
{
    weight = std::clamp(weight, 0.0, 0.99);
    if (weight == m_smoothing)
        return;
    const bool structural = (weight == 0) != (m_smoothing == 0); // smoothed series appear or go
    m_smoothing = weight;
    m_smoothLabel->setText(QString::number(weight, 'f', 2));
    {
        const QSignalBlocker block(m_smoothSlider);
        m_smoothSlider->setValue(int(std::lround(weight * 100)));
    }
    if (structural)
        m_rebuild = true;
    for (RunSeries& s : m_series)
        s.revision = ~std::uint64_t(0);
    scheduleRefresh();
}

void CurvesView::setLogLoss(bool on)
{
    if (on == m_log)
        return;
    m_log = on;
    {
        const QSignalBlocker block(m_logBox);
        m_logBox->setChecked(on);
    }
    m_rebuild = true;
    scheduleRefresh();
}

void CurvesView::scheduleRefresh()
{
    if (!m_timer->isActive())
        m_timer->start();
}

void CurvesView::rebuild()
{
    m_rebuild = false;
    m_series.clear();
    QStringList quantities[2]; // per chart: one y axis each, in order of first use
    for (int c = 0; c < 2; ++c) {
        QChart* chart = m_views[c]->chart();
        charts::removeSeriesAndAxes(chart);
        m_marker[c] = nullptr;
    }
    for (int i = 0; i < int(m_paths.size()); ++i) {
        const RunEntry* e = m_model->find(m_paths[i]);
        if (!e)
            continue;
        int axisOf[2];
        for (int c = 0; c < 2; ++c) {
            const QString q = quantityOf(c == 0, e->config.task);
            if (!quantities[c].contains(q))
                quantities[c] << q;
            axisOf[c] = int(quantities[c].indexOf(q));
        }
        RunSeries run;
        run.path = e->path;
        const QColor colour = charts::seriesColor(i);
        for (int s = 0; s < RunCurves::SeriesCount; ++s) {
            const bool train = s == RunCurves::TrainLoss || s == RunCurves::TrainMetric;
            QChart* chart = m_views[isLossSeries(s) ? 0 : 1]->chart();
            auto* raw = new QLineSeries(chart);
            QPen pen(colour);
            if (train && m_smoothing > 0) {
                QColor faint = colour;
                faint.setAlpha(70); // the raw curve stays visible under the smoothed one
                pen.setColor(faint);
                pen.setWidthF(1.0);
            } else {
                pen.setWidthF(train ? 1.6 : 2.0);
            }
            if (!train) {
                pen.setStyle(Qt::DashLine);
                raw->setPointsVisible(true);
            }
            raw->setPen(pen);
            raw->setProperty("yAxis", axisOf[isLossSeries(s) ? 0 : 1]);
            raw->setName(train ? e->name : QStringLiteral("%1 · %2").arg(e->name, tr("validation")));
            chart->addSeries(raw);
            if (!train) // one legend entry per run; the note under the charts explains the styles
                chart->legend()->markers(raw).front()->setVisible(false);
            run.raw[s] = raw;
            if (train && m_smoothing > 0) {
                auto* smooth = new QLineSeries(chart);
                QPen sp(colour);
                sp.setWidthF(2.0);
                smooth->setPen(sp);
                smooth->setProperty("yAxis", axisOf[isLossSeries(s) ? 0 : 1]);
                smooth->setName(raw->name());
                chart->addSeries(smooth);
                run.smooth[s] = smooth;
                chart->legend()->markers(raw).front()->setVisible(false);
            }
        }
        m_series.push_back(run);
    }
    const QString xTitle = m_x == XAxis::Epoch ? tr("epoch") : tr("batch (optimizer step)");
    for (int c = 0; c < 2; ++c) {
        QChart* chart = m_views[c]->chart();
        auto* x = new QValueAxis(chart);
        x->setTitleText(xTitle);
        x->setLabelFormat(m_x == XAxis::Epoch ? QStringLiteral("%.3g") : QStringLiteral("%.0f"));
        chart->addAxis(x, Qt::AlignBottom);
        if (quantities[c].isEmpty())
            quantities[c] << (c == 0 ? tr("loss") : metricLabel({}));
        std::vector<QAbstractAxis*> ys;
        for (const QString& q : quantities[c]) {
            QAbstractAxis* y = nullptr;
            if (c == 0 && m_log) {
                auto* ly = new QLogValueAxis(chart);
                ly->setBase(10);
                ly->setLabelFormat(QStringLiteral("%g"));
                ly->setMinorTickCount(8);
                ly->setMinorGridLineColor(QColor(0xee, 0xee, 0xee));
                y = ly;
            } else {
                auto* vy = new QValueAxis(chart);
                vy->setLabelFormat(QStringLiteral("%.3g"));
                y = vy;
            }
            y->setTitleText(q);
            chart->addAxis(y, ys.size() % 2 ? Qt::AlignRight : Qt::AlignLeft);
            ys.push_back(y);
        }
        m_marker[c] = new QScatterSeries(chart);
        m_marker[c]->setMarkerSize(9);
        m_marker[c]->setColor(Qt::black);
        chart->addSeries(m_marker[c]);
        for (QAbstractSeries* s : chart->series()) {
            s->attachAxis(x);
            s->attachAxis(ys[std::size_t(std::clamp(s->property("yAxis").toInt(), 0, int(ys.size()) - 1))]);
        }
        chart->legend()->markers(m_marker[c]).front()->setVisible(false);
        chart->legend()->setVisible(!m_series.empty());
        QString title = quantities[c].join(QStringLiteral(" · "));
        title[0] = title[0].toUpper();
        chart->setTitle(m_series.empty() ? QString() : title);
    }
    m_empty->setVisible(m_series.empty());
    m_physics->setVisible(!m_series.empty());
}

void CurvesView::fill(RunSeries& run)
{
    const RunEntry* e = m_model->find(run.path);
    if (!e)
        return;
    for (int s = 0; s < RunCurves::SeriesCount; ++s) {
        std::vector<double> xs, ys;
        for (const CurvePoint& p : e->curves.points(RunCurves::Series(s))) {
            if (m_log && isLossSeries(s) && !(p.value > 0))
                continue; // a log axis cannot show it
            xs.push_back(m_x == XAxis::Epoch ? p.epoch : p.step);
            ys.push_back(p.value);
        }
        auto draw = [&](QLineSeries* series, const std::vector<double>& y) {
            // About one point per pixel column: more would not show, and each costs paint time.
            const std::size_t maxDrawn
                = std::clamp<std::size_t>(std::size_t(series->chart()->plotArea().width()), 200, kMaxDrawn);
            QList<QPointF> pts;
            for (std::size_t i : decimateMinMax(y, maxDrawn))
                pts.append(QPointF(xs[i], y[i]));
            series->replace(pts);
            return int(pts.size());
        };
        run.rawPoints[s] = draw(run.raw[s], ys);
        if (run.smooth[s])
            draw(run.smooth[s], smoothCurve(ys, m_smoothing));
    }
}

void CurvesView::updateAxes()
{
    for (int c = 0; c < 2; ++c) {
        QChart* chart = m_views[c]->chart();
        double xLo = INFINITY, xHi = -INFINITY;
        for (QAbstractSeries* a : chart->series())
            if (auto* s = qobject_cast<QLineSeries*>(a))
                for (const QPointF& p : s->points()) {
                    xLo = std::min(xLo, p.x());
                    xHi = std::max(xHi, p.x());
                }
        const auto xAxes = chart->axes(Qt::Horizontal);
        if (xAxes.isEmpty() || !(xHi >= xLo))
            continue;
        // Round ticks: both axes start at 0 (epochs, steps; losses and accuracies are ≥ 0 unless an
        // R² goes negative), and Qt picks nice numbers for the upper end.
        auto* x = qobject_cast<QValueAxis*>(xAxes.front());
        x->setRange(0.0, std::max(xHi, m_x == XAxis::Epoch ? 1.0 : 10.0));
        x->applyNiceNumbers();
        for (QAbstractAxis* yAxis : chart->axes(Qt::Vertical))
            charts::fitYAxis(chart, yAxis);
    }
}

void CurvesView::refresh()
{
    m_timer->stop();
    if (!isVisible()) { // a hidden chart costs nothing: catch up when shown
        m_hiddenChanges = true;
        return;
    }
    m_hiddenChanges = false;
    ++m_refreshes;
    if (m_rebuild)
        rebuild();
    bool changed = false;
    for (RunSeries& run : m_series) {
        const RunEntry* e = m_model->find(run.path);
        if (!e || e->curves.revision() == run.revision)
            continue;
        run.revision = e->curves.revision();
        fill(run);
        changed = true;
    }
    if (changed)
        updateAxes();
    m_physics->refresh();
    // Let the charts lay out and apply their changes now, while nothing else in the window is
    // dirty: a scene applies them in a queued call that paints the window's dirty widgets at
    // once, which would otherwise be a window frame of its own before the one repaintCharts asks.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    for (QChartView* v : {m_views[0], m_views[1], m_physics->view()})
        QCoreApplication::sendPostedEvents(v->scene(), QEvent::MetaCall);
}

void CurvesView::repaintCharts()
{
    for (QChartView* v : m_views)
        v->viewport()->update();
    m_physics->repaintChart();
}

void CurvesView::showEvent(QShowEvent* e)
{
    QWidget::showEvent(e);
    if (m_hiddenChanges || m_rebuild)
        scheduleRefresh();
}

int CurvesView::drawnPoints(const QString& path, RunCurves::Series s) const
{
    for (const RunSeries& run : m_series)
        if (run.path == path)
            return run.rawPoints[s];
    return 0;
}

void CurvesView::hoverAt(QChartView* view, QPointF viewPos)
{
    const int c = view == m_views[0] ? 0 : 1;
    QChart* chart = view->chart();
    const QPointF scenePos = view->mapToScene(viewPos.toPoint());
    const QPointF chartPos = chart->mapFromScene(scenePos);
    double best = 12.0; // pixels: farther points are not "under the mouse"
    QString text;
    QPointF at;
    QLineSeries* atSeries = nullptr;
    for (const RunSeries& run : m_series) {
        const RunEntry* e = m_model->find(run.path);
        for (int s = 0; s < RunCurves::SeriesCount; ++s) {
            if (isLossSeries(s) != (c == 0))
                continue;
            QLineSeries* series = run.smooth[s] ? run.smooth[s] : run.raw[s];
            const QList<QPointF> pts = series->points();
            if (pts.isEmpty())
                continue;
            const double x = chart->mapToValue(chartPos, series).x();
            auto it = std::lower_bound(pts.begin(), pts.end(), x, [](const QPointF& p, double v) { return p.x() < v; });
            const qsizetype i0 = std::max<qsizetype>(0, (it - pts.begin()) - 3);
            for (qsizetype i = i0; i < std::min<qsizetype>(pts.size(), i0 + 7); ++i) {
                const QPointF p = chart->mapToPosition(pts[i], series);
                const double d = std::hypot(p.x() - chartPos.x(), p.y() - chartPos.y());
                if (d < best) {
                    best = d;
                    at = pts[i];
                    atSeries = series;
                    const QString metric = e ? QString::fromLatin1(rs::ml::metricName(e->config.task)) : QString();
                    text = QStringLiteral("%1 · %2%3: %4 %5, %6")
                               .arg(e ? e->name : run.path, seriesName(RunCurves::Series(s), metric),
                                   run.smooth[s] ? tr(" (smoothed)") : QString(),
                                   m_x == XAxis::Epoch ? tr("epoch") : tr("step"),
                                   formatNumber(pts[i].x(), m_x == XAxis::Epoch ? 4 : 9), formatNumber(pts[i].y(), 5));
                }
            }
        }
    }
    m_readout->setText(text);
    for (int k = 0; k < 2; ++k)
        if (m_marker[k]) {
            if (k == c && !text.isEmpty()) {
                for (QAbstractAxis* a : m_marker[k]->attachedAxes())
                    m_marker[k]->detachAxis(a);
                for (QAbstractAxis* a : atSeries->attachedAxes())
                    m_marker[k]->attachAxis(a);
                m_marker[k]->replace(QList<QPointF> {at});
            } else
                m_marker[k]->clear();
        }
    repaintCharts();
}

QString CurvesView::readout() const
{
    return m_readout->text();
}

QImage CurvesView::renderImage()
{
    refresh();
    const QSize a = m_views[0]->size(), b = m_views[1]->size();
    const int top = std::max(a.height(), b.height());
    const QPixmap physics = m_physics->isVisible() ? m_physics->grab() : QPixmap(); // its chart, or why not
    QImage img(QSize(std::max(a.width() + b.width() + 4, physics.width()),
                   top + (physics.isNull() ? 0 : physics.height() + 4)),
        QImage::Format_RGB32);
    img.fill(Qt::white);
    QPainter p(&img);
    p.drawPixmap(0, 0, m_views[0]->grab());
    p.drawPixmap(a.width() + 4, 0, m_views[1]->grab());
    if (!physics.isNull())
        p.drawPixmap(0, top + 4, physics);
    return img;
}

void CurvesView::exportPng(const QString& path)
{
    writePng(path, renderImage());
}

void CurvesView::exportCsv(const QString& path)
{
    std::vector<std::pair<QString, const RunCurves*>> runs;
    std::vector<QString> metrics;
    for (const QString& p : m_paths)
        if (const RunEntry* e = m_model->find(p)) {
            runs.emplace_back(e->name, &e->curves);
            metrics.push_back(QString::fromLatin1(rs::ml::metricName(e->config.task)));
        }
    if (runs.empty())
        throw IoError(path.toStdString(), "no run is selected");
    const QByteArray bytes = curvesCsv(runs, metrics).toUtf8();
    writeFileAtomically(path.toStdString(), bytes.constData(), std::size_t(bytes.size()));
}

void CurvesView::exportWithDialog(bool png)
{
    const QString path = charts::askExportPath(
        this, png ? tr("Save curves as PNG") : tr("Save curves as CSV"), QStringLiteral("training_curves"), png);
    if (path.isEmpty())
        return;
    try {
        png ? exportPng(path) : exportCsv(path);
        Q_EMIT statusMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 5000);
    } catch (const rs::Error& e) {
        Q_EMIT problem(tr("Could not export: %1").arg(QString::fromStdString(e.what())), {});
    }
}

} // namespace rs::ui
