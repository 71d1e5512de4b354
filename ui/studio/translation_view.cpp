#include "studio/translation_view.h"

#include "cube/cube_stats.h"
#include "explorer/linked_slices_view.h"
#include "explorer/slice_controls.h"
#include "explorer/slice_panel.h"
#include "ml/dataset.h"
#include "ml/inspect.h"
#include "ml/translator.h"
#include "shell/job_runner.h"
#include "shell/text_format.h"
#include "stats/compare.h"
#include "studio/run_model_cache.h"
#include "studio/stack_cube.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace rs::ui {

struct TranslatorCache {
    RunModelCache<rs::ml::Translator> model;
};

namespace {

struct Translated {
    std::vector<LoadedCube> cubes; ///< density, prediction[, truth, difference]
    std::optional<rs::ml::TranslationMetrics> metrics;
    std::vector<rs::ml::TranslationMetrics> perSample;
    std::vector<QString> sampleText;
    QString what;
    double predictedMean = 0;
    QStringList notes;
};

SummaryStats fixedRange(double lo, double hi)
{
    SummaryStats s;
    s.min = lo;
    s.max = hi;
    s.count = 1;
    return s;
}

/// The colour range of the target quantity: x_HI on [0, 1], δT_b over the values.
SummaryStats targetRange(Quantity q, const std::vector<float>& a, const std::vector<float>& b)
{
    if (q == Quantity::NeutralFraction)
        return fixedRange(0, 1);
    const SummaryStats sa = summarize(a.data(), a.size()), sb = summarize(b.data(), b.size());
    return fixedRange(std::min(sa.min, sb.min), std::max(sa.max, sb.max));
}

std::vector<float> differenceOf(const std::vector<float>& p, const std::vector<float>& t)
{
    std::vector<float> d(p.size());
    for (std::size_t i = 0; i < p.size(); ++i)
        d[i] = p[i] - t[i];
    return d;
}

/// Test-split samples of the run's paired dataset, translated slice by slice.
Translated translateTestSet(RunModelCache<rs::ml::Translator>& cache, const std::string& run,
    const rs::ml::RunConfig& c, std::size_t maxSamples, int threads, const StopToken& stop)
{
    const auto ds = rs::ml::DatasetFile::open(c.datasetPath);
    if (!ds->info().paired() || ds->info().rows != c.rows || ds->info().cols != c.cols)
        throw FormatError(c.datasetPath, "is not the paired dataset this run was trained on");
    const std::vector<std::int64_t> idx = rs::ml::evenlySpacedSubset(ds->indices(rs::ml::Split::Test), maxSamples);
    const std::size_t n = idx.size(), px = c.rows * c.cols, nc = c.contextRadiiMpc.size();
    std::vector<float> density(n * px), truth(n * px), context(n * nc * px);
    ds->readSamples(idx.data(), n, density.data());
    ds->readTargets(idx.data(), n, truth.data());
    if (nc)
        ds->readContext(idx.data(), n, context.data());
    std::vector<double> z(n), zeta(n);
    Translated out;
    for (std::size_t i = 0; i < n; ++i) {
        const rs::ml::SampleLabels& l = ds->labels()[std::size_t(idx[i])];
        z[i] = l.z;
        zeta[i] = l.zeta;
        out.sampleText.push_back(
            QObject::tr("test sample %1 of %2 (dataset sample %3; z = %4, ζ = %5, cut along %6 at %7)")
                .arg(i)
                .arg(n)
                .arg(idx[i])
                .arg(
                    formatNumber(l.z), formatNumber(l.zeta), QString(QLatin1Char("xyz"[std::clamp<int>(l.axis, 0, 2)])))
                .arg(l.index));
    }
    stop.throwIfStopped();
    std::vector<float> predicted;
    {
        const auto lease = cache.acquire(run, threads);
        predicted = lease->translateSlices(density.data(), context.data(), z.data(), zeta.data(), n);
    }
    stop.throwIfStopped();
    const double cell = std::isfinite(c.cellSizeMpc) && c.cellSizeMpc > 0 ? c.cellSizeMpc : 1.0;
    rs::ml::TranslationTally all(c.targetQuantity);
    for (std::size_t i = 0; i < n; ++i) {
        rs::ml::TranslationTally one(c.targetQuantity);
        one.addSlice(predicted.data() + i * px, truth.data() + i * px, c.rows, c.cols, cell);
        all.addSlice(predicted.data() + i * px, truth.data() + i * px, c.rows, c.cols, cell);
        out.perSample.push_back(one.result());
    }
    out.metrics = all.result();
    const SummaryStats range = targetRange(c.targetQuantity, predicted, truth);
    const QString q = quantityWithUnitsHtml(c.targetQuantity);
    const double span = std::max(std::abs(range.min), std::abs(range.max));
    out.cubes.push_back(stackCube(density, n, c.rows, c.cols, cell, Quantity::Density, std::nullopt,
        summarize(density.data(), density.size()), QObject::tr("density")));
    out.cubes.push_back(stackCube(predicted, n, c.rows, c.cols, cell, c.targetQuantity, std::nullopt, range,
        QObject::tr("predicted · %1").arg(q)));
    out.cubes.push_back(stackCube(
        truth, n, c.rows, c.cols, cell, c.targetQuantity, std::nullopt, range, QObject::tr("true · %1").arg(q)));
    out.cubes.push_back(stackCube(differenceOf(predicted, truth), n, c.rows, c.cols, cell, Quantity::Other,
        std::nullopt, fixedRange(-span, span), QObject::tr("difference = predicted − true")));
    out.what = QObject::tr("%n test sample(s)", "", int(n));
    return out;
}

/// The Explorer's density cube translated whole, compared with its cube of the target quantity.
Translated translateCube(RunModelCache<rs::ml::Translator>& cache, const std::string& run, const rs::ml::RunConfig& c,
    const LoadedCube& density, const std::optional<LoadedCube>& truth, rs::ml::TranslateOptions o,
    const StopToken& stop)
{
    Translated out;
    rs::ml::TranslationResult r;
    {
        const auto lease = cache.acquire(run, o.threads);
        r = lease->translate(density.cube, o, stop);
    }
    for (const std::string& n : r.notes)
        out.notes << QString::fromStdString(n);
    out.predictedMean = r.mean;
    const QString q = quantityWithUnitsHtml(c.targetQuantity);
    LoadedCube d = density;
    out.cubes.push_back(d);
    LoadedCube p;
    p.cube = r.predicted;
    p.stats = c.targetQuantity == Quantity::NeutralFraction ? fixedRange(0, 1) : summarize(r.predicted);
    p.caption = QObject::tr("predicted · %1").arg(q);
    out.cubes.push_back(p);
    out.what = QObject::tr("%1, translated whole (z = %2, ζ = %3)")
                   .arg(density.titlePlain(), formatNumber(r.z), formatNumber(r.zeta));
    if (truth) {
        out.metrics = rs::ml::compareCubes(r.predicted, truth->cube, c.targetQuantity);
        LoadedCube t = *truth;
        t.stats = p.stats;
        t.caption = QObject::tr("true · %1").arg(q);
        out.cubes.push_back(t);
        Cube dc = differenceCube(r.predicted, truth->cube);
        dc.metadata().quantity = Quantity::Other;
        const SummaryStats s = summarize(dc);
        const double span = std::max({std::abs(s.min), std::abs(s.max), 1e-6});
        out.cubes.push_back(LoadedCube {dc, fixedRange(-span, span), {}, QObject::tr("difference = predicted − true")});
    }
    return out;
}

QString metricsHtml(const rs::ml::TranslationMetrics& m)
{
    const auto& ks = rs::ml::translationMetricKs();
    return QObject::tr("pixel accuracy <b>%1 %</b> · IoU (ionized) <b>%2</b><br>nf predicted %3 vs true %4 "
                       "(error <b>%5</b>)<br>power ratio (median, 0.1&lt;k&lt;1 Mpc⁻¹) <b>%6</b><br>"
                       "r(k) at k = %7, %8, %9 Mpc⁻¹: <b>%10, %11, %12</b>")
        .arg(formatNumber(100 * m.pixelAccuracy, 4), formatNumber(m.iouIonized, 3), formatNumber(m.meanPredicted, 3),
            formatNumber(m.meanTrue, 3), formatNumber(m.nfError, 3), formatNumber(m.powerRatioMedian, 3),
            formatNumber(ks[0]), formatNumber(ks[1]), formatNumber(ks[2]))
        .arg(formatNumber(m.rK[0], 3), formatNumber(m.rK[1], 3), formatNumber(m.rK[2], 3));
}

} // namespace

TranslationView::TranslationView(QWidget* parent)
    : QWidget(parent)
    , m_cache(std::make_shared<TranslatorCache>())
    , m_job(new JobRunner(this))
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(2, 2, 2, 2);
    outer->setSpacing(3);
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Translate"), this));
    m_source = new QComboBox(this);
    m_source->addItems({tr("test samples of the run's dataset"), tr("the density cube shown in the Explorer")});
    row->addWidget(m_source);
    row->addWidget(new QLabel(tr("at most"), this));
    m_max = new QSpinBox(this);
    m_max->setRange(1, 2000);
    m_max->setValue(48);
    m_max->setSuffix(tr(" samples"));
    row->addWidget(m_max);
    auto parameter = [this, row](const QString& label, double max, const QString& tip) {
        auto* box = new QDoubleSpinBox(this);
        box->setRange(0, max);
        box->setDecimals(2);
        box->setSpecialValueText(tr("the cube's"));
        box->setPrefix(label + QStringLiteral(" = "));
        box->setToolTip(tip);
        row->addWidget(box);
        return box;
    };
    m_z = parameter(
        QStringLiteral("z"), 50, tr("Redshift the Explorer's cube is translated at (the cube's own when 0)"));
    m_zeta = parameter(QStringLiteral("ζ"), 1000,
        tr("Ionizing efficiency the Explorer's cube is translated at (the cube's own when 0; 21cmFAST "
           "density boxes do not carry it)"));
    m_compute = new QPushButton(tr("Translate"), this);
    row->addWidget(m_compute);
    row->addStretch(1);
    outer->addLayout(row);
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    outer->addWidget(m_note);

    auto* split = new QSplitter(Qt::Horizontal, this);
    m_slices = new LinkedSlicesView(split);
    m_slices->setPanelCount(4);
    split->addWidget(m_slices);
    m_metricsLabel = new QLabel(split);
    m_metricsLabel->setWordWrap(true);
    m_metricsLabel->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_metricsLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_metricsLabel->setMinimumWidth(220);
    split->addWidget(m_metricsLabel);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);
    outer->addWidget(split, 1);

    connect(m_compute, &QPushButton::clicked, this, &TranslationView::compute);
    connect(m_source, &QComboBox::currentIndexChanged, this, [this] {
        m_max->setEnabled(source() == Source::TestSet);
        m_z->setEnabled(source() == Source::ExplorerCube);
        m_zeta->setEnabled(source() == Source::ExplorerCube);
        compute();
    });
    connect(m_slices, &LinkedSlicesView::linkedStateChanged, this, [this] { updateSlice(); });
    connect(m_job, &JobRunner::failed, this, [this](const QString& message) {
        m_note->setText(tr("Could not translate: %1").arg(message));
        Q_EMIT problem(tr("Could not translate: %1").arg(message), message);
    });
    connect(m_job, &JobRunner::progressChanged, this, [this](double f, const QString& stage) {
        m_note->setText(tr("Translating… %1 (%2 %)").arg(stage).arg(int(f * 100)));
    });
    m_z->setEnabled(false);
    m_zeta->setEnabled(false);
    setRun({}, {});
}

TranslationView::~TranslationView() = default;

void TranslationView::setRun(const QString& runDir, const rs::ml::RunConfig& config)
{
    const bool same = runDir == m_run;
    m_run = runDir;
    m_config = config;
    const bool unet = !runDir.isEmpty() && config.task == rs::ml::Task::Translate;
    m_compute->setEnabled(unet);
    if (!unet) {
        m_job->cancel();
        m_note->setText(runDir.isEmpty() ? tr("Select a unet run to see how it translates density into %1.")
                                               .arg(quantityWords(Quantity::NeutralFraction))
                                         : tr("This run does not translate density: the Translation view is for "
                                              "unet runs (train --model unet)."));
        return;
    }
    if (!same || (!m_shown && !m_job->isRunning())) // a refresh never restarts the job for the same run
        compute();
}

void TranslationView::setExplorerCubes(const std::vector<LoadedCube>& cubes)
{
    m_explorerCubes = cubes;
}

void TranslationView::setSource(Source s)
{
    m_source->setCurrentIndex(int(s));
}

TranslationView::Source TranslationView::source() const
{
    return Source(m_source->currentIndex());
}

void TranslationView::setMaxSamples(int n)
{
    m_max->setValue(n);
}

void TranslationView::setCubeParameters(double z, double zeta)
{
    m_z->setValue(z);
    m_zeta->setValue(zeta);
}

QString TranslationView::metricsText() const
{
    return m_metricsLabel->text();
}

QString TranslationView::note() const
{
    return m_note->text();
}

void TranslationView::compute()
{
    if (m_run.isEmpty() || m_config.task != rs::ml::Task::Translate)
        return;
    const std::string run = m_run.toStdString();
    const rs::ml::RunConfig config = m_config;
    std::optional<LoadedCube> density, truth;
    if (source() == Source::ExplorerCube) {
        for (const LoadedCube& c : m_explorerCubes)
            if (c.quantity() == Quantity::Density)
                density = c;
        if (!density) {
            m_note->setText(tr("The Explorer shows no density cube to translate: open a run with a density field."));
            return;
        }
        for (const LoadedCube& c : m_explorerCubes)
            if (c.quantity() == config.targetQuantity && c.cube.shape() == density->cube.shape())
                truth = c;
    }
    const std::size_t maxSamples = std::size_t(m_max->value());
    const int threads = m_threads;
    rs::ml::TranslateOptions o;
    o.threads = threads;
    if (m_z->value() > 0)
        o.z = m_z->value();
    if (m_zeta->value() > 0)
        o.zeta = m_zeta->value();
    std::shared_ptr<TranslatorCache> cache = m_cache;
    m_note->setText(tr("Translating…"));
    m_job->start(tr("Translating density"), [=, this](const ProgressFn&, const StopToken& stop) {
        Translated out = density ? translateCube(cache->model, run, config, *density, truth, o, stop)
                                 : translateTestSet(cache->model, run, config, maxSamples, threads, stop);
        return std::function<void()>([this, out = std::move(out)]() mutable {
            m_metrics = out.metrics;
            m_perSample = std::move(out.perSample);
            m_sampleText = std::move(out.sampleText);
            const bool withTruth = out.cubes.size() == 4;
            m_slices->setPanelCount(withTruth ? 4 : 2);
            showCubesInOrder(m_slices, std::move(out.cubes));
            if (withTruth)
                m_slices->panel(3)->setColormap(ColormapId::CoolWarm);
            m_shown = true;
            QString note = tr("%1 through %2").arg(out.what, QFileInfo(m_run).fileName());
            if (!withTruth)
                note += tr(" · no true %1 cube of the same grid is open in the Explorer: no metrics (mean "
                           "predicted %2)")
                            .arg(quantityWords(m_config.targetQuantity), formatNumber(out.predictedMean, 3));
            if (!out.notes.isEmpty())
                note += QStringLiteral(" · ") + out.notes.join(QStringLiteral("; "));
            m_note->setText(note);
            m_overall = m_metrics ? tr("<b>All shown</b> (%1)<br>%2")
                                        .arg(m_perSample.empty() ? tr("the whole cube") : out.what.toHtmlEscaped(),
                                            metricsHtml(*m_metrics))
                                  : QString();
            SliceViewState st = m_slices->linkedState();
            const bool stack = !m_perSample.empty(); // a stack of samples is stepped through along axis 0 only
            for (int i = 0; i < 4; ++i)
                for (int a : {1, 2})
                    m_slices->panel(i)->controls()->axisButton(a)->setEnabled(!stack);
            if (stack) {
                st.axis = 0;
                st.index = 0;
                m_slices->setLinkedState(st);
            }
            updateSlice();
        });
    });
}

void TranslationView::showSlice(int i)
{
    SliceViewState st = m_slices->linkedState();
    st.index = i;
    m_slices->setLinkedState(st);
}

void TranslationView::updateSlice()
{
    QString text = m_overall;
    const int i = m_slices->linkedState().index;
    if (i >= 0 && i < int(m_perSample.size()))
        text += tr("<br><br><b>This slice</b>: %1<br>%2")
                    .arg(m_sampleText[std::size_t(i)].toHtmlEscaped(), metricsHtml(m_perSample[std::size_t(i)]));
    m_metricsLabel->setText(text);
}

} // namespace rs::ui
