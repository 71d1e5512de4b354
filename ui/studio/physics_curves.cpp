#include "studio/physics_curves.h"

#include "charts/chart_setup.h"
#include "charts/palette.h"
#include "studio/hover_chart_view.h"
#include "studio/runs_model.h"

#include <QChart>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <optional>

namespace rs::ui {

namespace {

/// The selector's order: translation metrics, then the generator's, then unknown ones by name.
const QStringList& knownQuantities()
{
    static const QStringList keys {QStringLiteral("iou"), QStringLiteral("nf_error"), QStringLiteral("power_ratio"),
        QStringLiteral("r_k"), QStringLiteral("pdf_ks"), QStringLiteral("diversity")};
    return keys;
}

bool isRk(const QString& metric)
{
    return metric.startsWith(QLatin1String("r_k_"));
}

/// r(k) series by k (numerically: 0.1, 0.3, 1), the others by name.
bool metricBefore(const QString& a, const QString& b)
{
    if (isRk(a) && isRk(b))
        return a.mid(4).toDouble() < b.mid(4).toDouble();
    return a < b;
}

} // namespace

PhysicsQuantity physicsQuantity(const QString& metric)
{
    if (metric == QLatin1String("iou_ionized"))
        return {QStringLiteral("iou"), QObject::tr("IoU (ionized)"),
            QObject::tr("IoU of the ionized regions (x_HI under 0.5), model vs simulation"), 1.0};
    if (metric == QLatin1String("nf_error"))
        return {QStringLiteral("nf_error"), QObject::tr("nf error"),
            QObject::tr("nf error: neutral fraction of the model − of the simulation"), 0.0};
    if (metric == QLatin1String("power_ratio_median"))
        return {QStringLiteral("power_ratio"), QObject::tr("power ratio"),
            QObject::tr("power ratio Δ²(k) model / simulation, median over k = 0.1–1 Mpc⁻¹"), 1.0};
    if (isRk(metric))
        return {QStringLiteral("r_k"), QObject::tr("r(k)"),
            QObject::tr("cross-correlation r(k) of model and simulation, at each k"), 1.0};
    if (metric == QLatin1String("pdf_ks"))
        return {QStringLiteral("pdf_ks"), QObject::tr("PDF KS distance"),
            QObject::tr("PDF Kolmogorov–Smirnov distance, generated vs simulated maps"), 0.0};
    if (metric == QLatin1String("diversity"))
        return {QStringLiteral("diversity"), QObject::tr("diversity"),
            QObject::tr("diversity: RMS distance between generated maps / between simulated ones"), 1.0};
    return {metric, metric, metric, NAN};
}

QString physicsSeriesLabel(const QString& metric)
{
    return isRk(metric) ? QObject::tr("k = %1 Mpc⁻¹").arg(metric.mid(4)) : QString();
}

PhysicsCurves::PhysicsCurves(RunsModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    m_header = new QWidget(this);
    auto* row = new QHBoxLayout(m_header);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(new QLabel(tr("Physics per epoch (validation)"), m_header));
    m_box = new QComboBox(m_header);
    m_box->setToolTip(tr("The physics metric drawn: each run's validation pass writes them after every epoch"));
    row->addWidget(m_box);
    row->addStretch(1);
    layout->addWidget(m_header);
    auto* chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->legend()->setAlignment(Qt::AlignRight);
    m_view = new HoverChartView(chart, this, [](QChartView*, std::optional<QPointF>) {});
    m_view->setMinimumSize(260, 180);
    layout->addWidget(m_view, 1);
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    m_note->setFrameShape(QFrame::StyledPanel);
    m_note->setMargin(6);
    layout->addWidget(m_note);
    connect(m_box, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (i >= 0 && i < m_quantities.size())
            setQuantity(m_quantities[i]);
    });
    updateQuantities();
}

QChart* PhysicsCurves::chart() const
{
    return m_view->chart();
}

void PhysicsCurves::setRuns(const QStringList& paths)
{
    m_paths = paths;
}

void PhysicsCurves::setAgainstEpoch(bool epoch)
{
    m_epoch = epoch;
    m_built.clear(); // rebuilt with the other axis on the next refresh
}

void PhysicsCurves::setQuantity(const QString& key)
{
    if (!m_quantities.contains(key) || key == m_quantity)
        return;
    m_quantity = key;
    const QSignalBlocker block(m_box);
    m_box->setCurrentIndex(int(m_quantities.indexOf(key)));
    refresh();
    repaintChart();
}

void PhysicsCurves::updateQuantities()
{
    std::vector<PhysicsQuantity> found;
    for (const QString& path : m_paths)
        if (const RunEntry* e = m_model->find(path))
            for (const PhysicsSeries& s : e->curves.physics()) {
                PhysicsQuantity q = physicsQuantity(s.name);
                if (std::none_of(found.begin(), found.end(), [&](const PhysicsQuantity& f) { return f.key == q.key; }))
                    found.push_back(std::move(q));
            }
    auto rank = [](const PhysicsQuantity& q) {
        const qsizetype i = knownQuantities().indexOf(q.key);
        return i < 0 ? knownQuantities().size() : i;
    };
    std::sort(found.begin(), found.end(), [&](const PhysicsQuantity& a, const PhysicsQuantity& b) {
        return rank(a) != rank(b) ? rank(a) < rank(b) : a.key < b.key;
    });
    QStringList keys;
    for (const PhysicsQuantity& q : found)
        keys << q.key;
    if (keys != m_quantities) {
        m_quantities = keys;
        const QSignalBlocker block(m_box);
        m_box->clear();
        for (const PhysicsQuantity& q : found)
            m_box->addItem(q.label);
        if (!keys.isEmpty() && !keys.contains(m_quantity)) // the choice stays while runs without it show
            m_quantity = keys.front();
        m_box->setCurrentIndex(int(keys.indexOf(m_quantity)));
    }
    const bool any = !keys.isEmpty();
    m_header->setVisible(any);
    m_view->setVisible(any);
    m_note->setVisible(!any);
    // Without curves the note takes one line or two, and the loss and metric charts the rest.
    setSizePolicy(QSizePolicy::Preferred, any ? QSizePolicy::Expanding : QSizePolicy::Maximum);
    m_note->setText(any ? QString() : explanation());
}

QString PhysicsCurves::explanation() const
{
    bool physicsTask = false, validated = false;
    for (const QString& path : m_paths)
        if (const RunEntry* e = m_model->find(path)) {
            const rs::ml::Task t = e->config.task;
            if (t == rs::ml::Task::Translate || t == rs::ml::Task::Generate) {
                physicsTask = true;
                validated = validated || e->epochsDone > 0;
            }
        }
    if (!physicsTask)
        return tr("No physics curves: translation (unet) and generator runs record physics metrics per epoch "
                  "(IoU, nf error, power ratio, r(k)); these runs record only their loss and metric.");
    if (!validated)
        return tr("No physics metrics yet: they are written after each epoch's validation pass.");
    return tr("No physics metrics in these runs' history: runs trained before ReionScope recorded them have "
              "only their loss and metric.");
}

QString PhysicsCurves::signature() const
{
    QStringList parts {m_quantity, m_epoch ? QStringLiteral("epoch") : QStringLiteral("step")};
    for (const QString& path : m_paths)
        if (const RunEntry* e = m_model->find(path)) {
            parts << path;
            for (const PhysicsSeries& s : e->curves.physics())
                if (physicsQuantity(s.name).key == m_quantity)
                    parts << s.name;
        }
    return parts.join(QLatin1Char('\n'));
}

void PhysicsCurves::rebuild()
{
    m_built = signature();
    m_drawn.clear();
    QChart* c = chart();
    charts::removeSeriesAndAxes(c);
    if (m_quantity.isEmpty())
        return;
    PhysicsQuantity q;
    for (int i = 0; i < int(m_paths.size()); ++i) {
        const RunEntry* e = m_model->find(m_paths[i]);
        if (!e)
            continue;
        QStringList metrics;
        for (const PhysicsSeries& s : e->curves.physics())
            if (physicsQuantity(s.name).key == m_quantity)
                metrics << s.name;
        std::sort(metrics.begin(), metrics.end(), metricBefore);
        const Qt::PenStyle styles[] = {Qt::SolidLine, Qt::DashLine, Qt::DotLine, Qt::DashDotLine};
        for (int m = 0; m < int(metrics.size()); ++m) {
            q = physicsQuantity(metrics[m]);
            auto* series = new QLineSeries(c);
            QPen pen(charts::seriesColor(i));
            pen.setWidthF(2.0);
            pen.setStyle(styles[m % 4]);
            series->setPen(pen);
            series->setPointsVisible(true);
            const QString label = physicsSeriesLabel(metrics[m]);
            series->setName(label.isEmpty() ? e->name : QStringLiteral("%1 · %2").arg(e->name, label));
            c->addSeries(series);
            m_drawn.push_back({e->path, metrics[m], series});
        }
    }
    m_ideal = nullptr;
    m_idealValue = q.ideal;
    if (std::isfinite(q.ideal)) {
        m_ideal = new QLineSeries(c);
        QPen pen(QColor(0x90, 0x90, 0x90));
        pen.setStyle(Qt::DashLine);
        pen.setWidthF(1.2);
        m_ideal->setPen(pen);
        m_ideal->setName(tr("ideal %1").arg(q.ideal));
        c->addSeries(m_ideal);
    }
    auto* x = new QValueAxis(c);
    x->setTitleText(m_epoch ? tr("epoch") : tr("batch (optimizer step)"));
    x->setLabelFormat(m_epoch ? QStringLiteral("%.3g") : QStringLiteral("%.0f"));
    c->addAxis(x, Qt::AlignBottom);
    auto* y = new QValueAxis(c);
    y->setLabelFormat(QStringLiteral("%.3g"));
    y->setTitleText(q.label);
    c->addAxis(y, Qt::AlignLeft);
    for (QAbstractSeries* s : c->series()) {
        s->attachAxis(x);
        s->attachAxis(y);
    }
    QString title = q.title;
    if (std::isfinite(q.ideal))
        title += tr(" (ideal %1: grey dashes)").arg(q.ideal);
    c->setTitle(title);
    c->legend()->setVisible(true);
}

void PhysicsCurves::fill(Drawn& d)
{
    const RunEntry* e = m_model->find(d.path);
    const std::vector<CurvePoint>* points = e ? e->curves.physicsPoints(d.metric) : nullptr;
    QList<QPointF> pts;
    if (points)
        for (const CurvePoint& p : *points)
            pts.append(QPointF(m_epoch ? p.epoch : p.step, p.value));
    d.series->replace(pts);
    d.points = int(pts.size());
}

void PhysicsCurves::fitAxes()
{
    QChart* c = chart();
    const auto xAxes = c->axes(Qt::Horizontal), yAxes = c->axes(Qt::Vertical);
    if (xAxes.isEmpty() || yAxes.isEmpty())
        return;
    double xHi = m_epoch ? 1.0 : 10.0;
    for (const Drawn& d : m_drawn)
        for (const QPointF& p : d.series->points())
            xHi = std::max(xHi, p.x());
    auto* x = qobject_cast<QValueAxis*>(xAxes.front());
    x->setRange(0.0, xHi);
    x->applyNiceNumbers();
    if (m_ideal)
        m_ideal->replace(QList<QPointF> {{0.0, m_idealValue}, {x->max(), m_idealValue}});
    charts::fitYAxis(c, yAxes.front());
}

void PhysicsCurves::refresh()
{
    updateQuantities();
    if (m_quantities.isEmpty()) {
        if (!m_drawn.empty() || !m_built.isEmpty()) {
            charts::removeSeriesAndAxes(chart());
            m_drawn.clear();
            m_ideal = nullptr;
            m_built.clear();
        }
        return;
    }
    if (signature() != m_built)
        rebuild();
    bool changed = false;
    for (Drawn& d : m_drawn) {
        const RunEntry* e = m_model->find(d.path);
        if (!e || e->curves.revision() == d.revision)
            continue;
        d.revision = e->curves.revision();
        fill(d);
        changed = true;
    }
    if (changed)
        fitAxes();
}

void PhysicsCurves::repaintChart()
{
    m_view->viewport()->update();
}

int PhysicsCurves::drawnPoints(const QString& path, const QString& metric) const
{
    for (const Drawn& d : m_drawn)
        if (d.path == path && d.metric == metric)
            return d.points;
    return 0;
}

const QLineSeries* PhysicsCurves::seriesOf(const QString& path, const QString& metric) const
{
    for (const Drawn& d : m_drawn)
        if (d.path == path && d.metric == metric)
            return d.series;
    return nullptr;
}

QString PhysicsCurves::note() const
{
    return hasCurves() ? QString() : m_note->text();
}

} // namespace rs::ui
