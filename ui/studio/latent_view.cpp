#include "studio/latent_view.h"

#include "ml/dataset.h"
#include "ml/inspect.h"
#include "shell/job_runner.h"
#include "shell/text_format.h"
#include "studio/latest_job.h"
#include "studio/map_grid.h"
#include "studio/predictor_pool.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

#include <cmath>

namespace rs::ui {

namespace {

constexpr std::size_t kFitSamples = 512; ///< validation samples whose codes are fitted, at most
constexpr std::size_t kComponents = 8;
constexpr int kSliderSteps = 30; ///< slider positions per side: ±3σ in tenths
const std::vector<double> kStrip {-3, -2, -1, 0, 1, 2, 3}; ///< strip positions [σ]

} // namespace

/// The fitted codes of one run.
struct LatentSpace {
    rs::ml::PcaModel pca;
    std::vector<float> codes; ///< samples × dim (the validation samples' codes)
    std::size_t samples = 0, dim = 0, rows = 0, cols = 0;
    double lo = 0, hi = 1; ///< display range of the maps

    /// The code at `sigmas` standard deviations along component k from `start`'s code (−1: mean).
    std::vector<float> codeAt(int start, std::size_t k, double sigmas) const
    {
        std::vector<float> c(dim);
        for (std::size_t i = 0; i < dim; ++i)
            c[i]
                = start >= 0 && std::size_t(start) < samples ? codes[std::size_t(start) * dim + i] : float(pca.mean[i]);
        const double step = sigmas * std::sqrt(std::max(0.0, pca.explainedVariance[k]));
        for (std::size_t i = 0; i < dim; ++i)
            c[i] += float(step * pca.basis[k * dim + i]);
        return c;
    }
};

LatentView::LatentView(PredictorPool* pool, QWidget* parent)
    : QWidget(parent)
    , m_pool(pool)
    , m_fit(new JobRunner(this))
    , m_latest(new LatestJob(this))
    , m_stripJob(new LatestJob(this))
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(2, 2, 2, 2);
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Move along"), this));
    m_component = new QComboBox(this);
    m_component->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    row->addWidget(m_component);
    row->addWidget(new QLabel(tr("from"), this));
    m_start = new QSpinBox(this);
    m_start->setRange(-1, 0);
    m_start->setSpecialValueText(tr("the mean code"));
    m_start->setPrefix(tr("validation sample "));
    m_start->setValue(-1);
    row->addWidget(m_start);
    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setRange(-kSliderSteps, kSliderSteps);
    m_slider->setValue(0);
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setTickInterval(10);
    row->addWidget(m_slider, 1);
    m_position = new QLabel(this);
    m_position->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("+3.0 σ")) + 8);
    row->addWidget(m_position);
    outer->addLayout(row);
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    outer->addWidget(m_note);
    m_decoded = new MapGrid(this);
    outer->addWidget(m_decoded, 3);
    outer->addWidget(new QLabel(tr("Decoded at −3σ … +3σ along the same direction:"), this));
    m_strip = new MapGrid(this);
    m_strip->setMinimumHeight(120);
    outer->addWidget(m_strip, 1);

    connect(m_component, &QComboBox::currentIndexChanged, this, &LatentView::decode);
    connect(m_start, &QSpinBox::valueChanged, this, &LatentView::decode);
    connect(m_slider, &QSlider::valueChanged, this, &LatentView::decode);
    connect(m_decoded, &MapGrid::painted, this, [this] {
        if (m_awaitingPaint) {
            m_awaitingPaint = false;
            m_lastRedrawMs = double(m_since.nsecsElapsed()) / 1e6;
        }
    });
    for (JobRunner* j : {m_fit, m_latest->runner(), m_stripJob->runner()})
        connect(j, &JobRunner::failed, this, [this](const QString& message) {
            m_note->setText(tr("Could not walk the latent space: %1").arg(message));
            Q_EMIT problem(tr("Could not walk the latent space: %1").arg(message), message);
        });
    setRun({}, {});
}

LatentView::~LatentView() = default;

const rs::ml::PcaModel* LatentView::pca() const
{
    return m_space ? &m_space->pca : nullptr;
}

JobRunner* LatentView::decodeJob() const
{
    return m_latest->runner();
}

QString LatentView::note() const
{
    return m_note->text();
}

double LatentView::position() const
{
    return double(m_slider->value()) / 10.0;
}

void LatentView::setComponent(int k)
{
    m_component->setCurrentIndex(k);
}

void LatentView::setPosition(double sigmas)
{
    m_slider->setValue(int(std::lround(sigmas * 10)));
}

void LatentView::setStart(int sample)
{
    m_start->setValue(sample);
}

void LatentView::setRun(const QString& runDir, const rs::ml::RunConfig& config)
{
    const bool ae = !runDir.isEmpty() && config.task == rs::ml::Task::Reconstruct;
    const bool same = ae && runDir == m_run && (m_space || m_fit->isRunning()); // fitted, or fitting
    m_run = ae ? runDir : QString();
    m_config = config;
    if (same)
        return;
    m_space.reset();
    m_latest->cancel();
    m_stripJob->cancel();
    m_decoded->clear();
    m_strip->clear();
    m_stripOf = {nullptr, 0, -1};
    {
        const QSignalBlocker b(m_component);
        m_component->clear();
    }
    for (QWidget* w : std::initializer_list<QWidget*> {m_component, m_slider, m_start})
        w->setEnabled(false);
    if (!ae) {
        m_fit->cancel();
        m_note->setText(runDir.isEmpty() ? tr("Select an autoencoder (ae) run to walk through its latent space.")
                                         : tr("This run has no decoder: the latent traversal is for autoencoder "
                                              "(ae) runs."));
        return;
    }
    fit();
}

void LatentView::fit()
{
    const std::string run = m_run.toStdString();
    const rs::ml::RunConfig config = m_config;
    PredictorPool* pool = m_pool;
    m_note->setText(tr("Fitting the principal directions of the validation codes…"));
    m_fit->start(tr("Fitting latent directions"), [=, this](const ProgressFn&, const StopToken& stop) {
        const auto ds = rs::ml::DatasetFile::open(config.datasetPath);
        const rs::ml::SampleStack s = rs::ml::readSplitSamples(*ds, rs::ml::Split::Validation, kFitSamples);
        stop.throwIfStopped();
        auto space = std::make_shared<LatentSpace>();
        {
            const PredictorPool::Lease lease = pool->acquire(run);
            space->codes = lease->features(s.values.data(), s.count());
            space->dim = lease->featureSize();
        }
        space->samples = s.count();
        space->rows = config.rows;
        space->cols = config.cols;
        std::tie(space->lo, space->hi) = mapDisplayRange(config.quantity, config.normMean, config.normStd);
        stop.throwIfStopped();
        space->pca = rs::ml::fitPca(space->codes.data(), space->samples, space->dim, kComponents);
        return std::function<void()>([this, space]() {
            m_space = space;
            const QSignalBlocker b(m_component);
            m_component->clear();
            for (std::size_t k = 0; k < space->pca.components; ++k)
                m_component->addItem(tr("principal direction %1 (%2 % of the code variance)")
                                         .arg(k + 1)
                                         .arg(formatNumber(100 * space->pca.explainedRatio[k], 3)));
            m_start->setRange(-1, int(space->samples) - 1);
            for (QWidget* w : std::initializer_list<QWidget*> {m_component, m_slider, m_start})
                w->setEnabled(true);
            m_note->setText(tr("Principal directions of the codes of %1 validation samples (%2 values each)")
                                .arg(space->samples)
                                .arg(space->dim));
            decode();
        });
    });
}

void LatentView::decode()
{
    m_position->setText(
        QStringLiteral("%1%2 σ").arg(position() > 0 ? QStringLiteral("+") : QString()).arg(position(), 0, 'f', 1));
    const std::shared_ptr<const LatentSpace> space = m_space;
    const int k = m_component->currentIndex();
    if (!space || k < 0)
        return;
    m_since.start();
    const std::string run = m_run.toStdString();
    const double t = position();
    const int start = m_start->value();
    PredictorPool* pool = m_pool;
    m_latest->submit(tr("Decoding"), [=, this](const ProgressFn&, const StopToken&) {
        const std::vector<float> code = space->codeAt(start, std::size_t(k), t);
        std::vector<float> map;
        {
            const PredictorPool::Lease lease = pool->acquire(run);
            map = lease->decode(code.data(), 1);
        }
        return std::function<void()>([this, space, map = std::move(map)]() {
            m_decoded->setMaps(map, 1, space->rows, space->cols, space->lo, space->hi);
            m_awaitingPaint = !m_latest->hasWaiting();
            m_decoded->repaint();
        });
    });
    // The strip does not move with the slider: decoded once per direction and starting code, in
    // a job of its own (a newer direction's request replaces one still waiting).
    const auto strip = std::make_tuple(space.get(), start, k);
    if (strip == m_stripOf)
        return;
    m_stripOf = strip;
    m_stripJob->submit(tr("Decoding the strip"), [=, this](const ProgressFn&, const StopToken&) {
        std::vector<float> codes;
        for (double s : kStrip) {
            const std::vector<float> c = space->codeAt(start, std::size_t(k), s);
            codes.insert(codes.end(), c.begin(), c.end());
        }
        std::vector<float> maps;
        {
            const PredictorPool::Lease lease = pool->acquire(run);
            maps = lease->decode(codes.data(), kStrip.size());
        }
        return std::function<void()>([this, space, maps = std::move(maps)]() {
            QStringList captions;
            for (double s : kStrip)
                captions << QStringLiteral("%1%2σ").arg(s > 0 ? QStringLiteral("+") : QString()).arg(s);
            m_strip->setMaps(
                maps, kStrip.size(), space->rows, space->cols, space->lo, space->hi, captions, int(kStrip.size()));
            ++m_stripDecodes;
        });
    });
}

} // namespace rs::ui
