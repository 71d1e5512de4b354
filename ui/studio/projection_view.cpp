#include "studio/projection_view.h"

#include "charts/chart_setup.h"

#include "explorer/slice_controls.h"
#include "explorer/slice_panel.h"
#include "shell/job_runner.h"
#include "shell/text_format.h"
#include "studio/predictor_pool.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScatterSeries>
#include <QSplitter>
#include <QVBoxLayout>
#include <QValueAxis>

#include <cmath>
#include <map>

namespace rs::ui {

namespace {

constexpr std::size_t kMaxPoints = 400; // keeps PCA of 200×200 pixels to a few hundred MB at most

QColor rampColour(double t)
{
    // viridis-like ramp through a few anchors: distinct for a handful of classes.
    static const QColor anchors[] = {QColor(0x44, 0x01, 0x54), QColor(0x3b, 0x52, 0x8b), QColor(0x21, 0x90, 0x8d),
        QColor(0x5d, 0xc8, 0x63), QColor(0xfd, 0xe7, 0x25)};
    t = std::clamp(t, 0.0, 1.0) * 4.0;
    const int i = std::min(3, int(t));
    const double f = t - i;
    const QColor a = anchors[i], b = anchors[i + 1];
    return QColor::fromRgbF(float(a.redF() + f * (b.redF() - a.redF())),
        float(a.greenF() + f * (b.greenF() - a.greenF())), float(a.blueF() + f * (b.blueF() - a.blueF())));
}

} // namespace

ProjectionView::ProjectionView(PredictorPool* pool, QWidget* parent)
    : QWidget(parent)
    , m_pool(pool)
    , m_job(new JobRunner(this))
    , m_sampleJob(new JobRunner(this))
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(2, 2, 2, 2);
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Project"), this));
    m_space = new QComboBox(this);
    m_space->addItems({tr("what the run learnt (codes / features)"), tr("the pixels (PCA baseline)")});
    row->addWidget(m_space);
    row->addWidget(new QLabel(tr("colour by"), this));
    m_colour = new QComboBox(this);
    m_colour->addItem(QStringLiteral("z"), QStringLiteral("z"));
    m_colour->addItem(QStringLiteral("ζ"), QStringLiteral("zeta"));
    m_colour->addItem(QStringLiteral("f_esc"), QStringLiteral("fesc"));
    m_colour->addItem(tr("x_HI of the slice"), QStringLiteral("nf"));
    row->addWidget(m_colour);
    m_compute = new QPushButton(tr("Project"), this);
    row->addWidget(m_compute);
    row->addStretch(1);
    outer->addLayout(row);
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    outer->addWidget(m_note);
    auto* split = new QSplitter(Qt::Horizontal, this);
    auto* chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart = new QChartView(chart, split);
    m_chart->setRenderHint(QPainter::Antialiasing);
    m_chart->setMinimumSize(300, 240);
    split->addWidget(m_chart);
    auto* right = new QWidget(split);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    m_panel = new SlicePanel(right);
    m_panel->controls()->setVisible(false); // one sample: nothing to step through
    rightLayout->addWidget(m_panel, 1);
    m_sample = new QLabel(tr("Click a point to open its slice."), right);
    m_sample->setWordWrap(true);
    rightLayout->addWidget(m_sample);
    split->addWidget(right);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({600, 400}); // the slice view would otherwise take its large size hint
    outer->addWidget(split, 1);

    connect(m_compute, &QPushButton::clicked, this, &ProjectionView::compute);
    connect(m_colour, &QComboBox::currentIndexChanged, this, [this] { showProjection(); });
    connect(m_job, &JobRunner::failed, this,
        [this](const QString& m) { m_note->setText(tr("Could not project: %1").arg(m)); });
    connect(m_sampleJob, &JobRunner::failed, this,
        [this](const QString& m) { m_sample->setText(tr("Could not read: %1").arg(m)); });
    connect(m_job, &JobRunner::progressChanged, this, [this](double f, const QString& stage) {
        m_note->setText(tr("Projecting… %1 (%2 %)").arg(stage).arg(int(f * 100)));
    });
    setRun({}, {});
}

void ProjectionView::setRun(const QString& runDir, const rs::ml::RunConfig& config)
{
    if (runDir == m_run && !runDir.isEmpty())
        return;
    m_run = runDir;
    m_config = config;
    m_projection.reset();
    m_compute->setEnabled(!runDir.isEmpty());
    m_note->setText(runDir.isEmpty() ? tr("Select a run.") : tr("Press Project to place the test samples."));
    showProjection();
}

void ProjectionView::setColourBy(rs::ml::Target t)
{
    m_colour->setCurrentIndex(std::max(0, m_colour->findData(QString::fromLatin1(rs::ml::targetName(t)))));
}

void ProjectionView::setUseRun(bool on)
{
    m_space->setCurrentIndex(on ? 0 : 1);
}

void ProjectionView::compute()
{
    if (m_run.isEmpty())
        return;
    const std::string run = m_run.toStdString();
    const std::string dataset = m_config.datasetPath;
    const bool useRun = m_space->currentIndex() == 0;
    PredictorPool* pool = m_pool;
    m_job->start(tr("Projecting test samples"), [=, this](const ProgressFn& progress, const StopToken& stop) {
        const auto ds = rs::ml::DatasetFile::open(dataset);
        rs::ml::Projection2d p;
        if (useRun) {
            const PredictorPool::Lease lease = pool->acquire(run);
            p = rs::ml::projectSplit(
                lease.get(), *ds, rs::ml::Split::Test, rs::ml::Target::Z, kMaxPoints, progress, stop);
        } else {
            p = rs::ml::projectSplit(nullptr, *ds, rs::ml::Split::Test, rs::ml::Target::Z, kMaxPoints, progress, stop);
        }
        // Labels of every target for the colour choice, read here with the dataset open.
        std::vector<rs::ml::SampleLabels> labels;
        for (std::int64_t i : p.indices)
            labels.push_back(ds->labels()[std::size_t(i)]);
        return std::function<void()>([this, p, labels] {
            m_projection = p;
            m_labels = labels;
            showProjection();
        });
    });
}

void ProjectionView::showProjection()
{
    QChart* chart = m_chart->chart();
    charts::removeSeriesAndAxes(chart);
    if (!m_projection) {
        chart->setTitle({});
        chart->legend()->setVisible(false);
        return;
    }
    const rs::ml::Projection2d& p = *m_projection;
    const rs::ml::Target t = rs::ml::targetFromName(m_colour->currentData().toString().toStdString());
    // One scatter series per label value (a legend entry each); continuous labels in 6 bins.
    std::map<double, std::vector<int>> groups;
    std::vector<double> values;
    for (const rs::ml::SampleLabels& l : m_labels)
        values.push_back(rs::ml::labelValue(l, t));
    std::map<double, int> distinct;
    for (double v : values)
        if (std::isfinite(v))
            ++distinct[v];
    const bool binned = distinct.size() > 8;
    double lo = distinct.empty() ? 0 : distinct.begin()->first, hi = distinct.empty() ? 1 : distinct.rbegin()->first;
    for (std::size_t i = 0; i < values.size(); ++i) {
        double key = values[i];
        if (binned && std::isfinite(key))
            key = lo + (hi - lo) * std::min(5.0, std::floor(6.0 * (key - lo) / std::max(hi - lo, 1e-12))) / 6.0;
        groups[std::isfinite(key) ? key : INFINITY].push_back(int(i));
    }
    auto* x = new QValueAxis(chart);
    auto* y = new QValueAxis(chart);
    double xLo = INFINITY, xHi = -INFINITY, yLo = INFINITY, yHi = -INFINITY;
    int g = 0;
    for (const auto& [key, members] : groups) {
        auto* s = new QScatterSeries(chart);
        s->setMarkerSize(8);
        s->setBorderColor(Qt::transparent);
        s->setColor(std::isfinite(key) ? rampColour(groups.size() > 1 ? double(g) / double(groups.size() - 1) : 0.5)
                                       : QColor(Qt::gray));
        const QString name = !std::isfinite(key) ? tr("unknown")
            : binned                             ? QStringLiteral("≥ %1").arg(formatNumber(key, 3))
                                                 : formatNumber(key, 4);
        s->setName(QStringLiteral("%1 %2").arg(m_colour->currentText(), name));
        for (int i : members) {
            s->append(p.x[std::size_t(i)], p.y[std::size_t(i)]);
            xLo = std::min(xLo, p.x[std::size_t(i)]);
            xHi = std::max(xHi, p.x[std::size_t(i)]);
            yLo = std::min(yLo, p.y[std::size_t(i)]);
            yHi = std::max(yHi, p.y[std::size_t(i)]);
        }
        chart->addSeries(s);
        connect(s, &QScatterSeries::clicked, this, [this](const QPointF& at) {
            // The clicked point: the sample whose projection is nearest to where the click landed.
            if (!m_projection)
                return;
            int best = -1;
            double bestD = INFINITY;
            for (std::size_t i = 0; i < m_projection->x.size(); ++i) {
                const double d = std::hypot(m_projection->x[i] - at.x(), m_projection->y[i] - at.y());
                if (d < bestD) {
                    bestD = d;
                    best = int(i);
                }
            }
            if (best >= 0)
                openPoint(best);
        });
        ++g;
    }
    const double px = xHi > xLo ? 0.05 * (xHi - xLo) : 1, py = yHi > yLo ? 0.05 * (yHi - yLo) : 1;
    x->setRange(xLo - px, xHi + px);
    y->setRange(yLo - py, yHi + py);
    x->setTitleText(tr("PC 1 (%1 % of the variance)").arg(100 * p.explainedRatio[0], 0, 'f', 1));
    y->setTitleText(tr("PC 2 (%1 %)").arg(100 * p.explainedRatio[1], 0, 'f', 1));
    for (QValueAxis* a : {x, y})
        a->setLabelFormat(QStringLiteral("%.3g"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (QAbstractSeries* s : chart->series()) {
        s->attachAxis(x);
        s->attachAxis(y);
    }
    chart->legend()->setVisible(true);
    chart->legend()->setAlignment(Qt::AlignRight);
    chart->setTitle(tr("%1 test samples in the plane of the %2").arg(p.x.size()).arg(QString::fromStdString(p.space)));
    m_note->setText(
        tr("Principal components of %1; click a point to open its slice.").arg(QString::fromStdString(p.space)));
}

void ProjectionView::openPoint(int i)
{
    if (!m_projection || i < 0 || i >= int(m_projection->indices.size()))
        return;
    const std::int64_t index = m_projection->indices[std::size_t(i)];
    const std::string dataset = m_config.datasetPath;
    const Quantity q = m_config.quantity;
    const double cell = std::isfinite(m_config.cellSizeMpc) && m_config.cellSizeMpc > 0 ? m_config.cellSizeMpc : 1.0;
    m_sampleJob->start(tr("Reading a sample"), [=, this](const ProgressFn&, const StopToken&) {
        const auto ds = rs::ml::DatasetFile::open(dataset);
        const std::size_t rows = ds->info().rows, cols = ds->info().cols;
        const rs::ml::SampleLabels l = ds->labels()[std::size_t(index)];
        CubeMetadata m;
        m.quantity = q;
        m.redshift = l.z;
        Cube c = Cube::uninitialized({1, rows, cols}, {cell, double(rows) * cell, double(cols) * cell}, m);
        ds->readSamples(&index, 1, c.mutableData());
        LoadedCube lc;
        lc.cube = c;
        lc.stats = summarize(c);
        lc.caption = QStringLiteral("%1 · test sample %2").arg(quantityWithUnitsHtml(q)).arg(index);
        const QString text
            = QStringLiteral("dataset sample %1: z = %2, ζ = %3, x<sub>HI</sub> = %4, cut along %5 at %6")
                  .arg(index)
                  .arg(formatNumber(l.z), formatNumber(l.zeta), formatNumber(l.nfSlice, 3),
                      QString(QLatin1Char("xyz"[std::clamp<int>(l.axis, 0, 2)])))
                  .arg(l.index);
        return std::function<void()>([this, lc, text, index] {
            m_opened = index;
            m_panel->setCubes({lc}, 0);
            m_sample->setText(text);
        });
    });
}

QString ProjectionView::sampleText() const
{
    return m_sample->text();
}

} // namespace rs::ui
