#include "studio/generator_view.h"

#include "charts/chart_setup.h"
#include "explorer/stats_charts.h"
#include "ml/dataset.h"
#include "ml/generator.h"
#include "ml/ml_setup.h"
#include "shell/job_runner.h"
#include "shell/text_format.h"
#include "studio/latest_job.h"
#include "studio/map_grid.h"
#include "studio/run_model_cache.h"
#include "util/error.h"
#include "util/file_stamp.h"

#include <QChart>
#include <QChartView>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <mutex>

namespace rs::ui {

namespace {

constexpr int kSteps = 200; ///< slider positions over a parameter's range
constexpr std::size_t kSimulatedMaps = 32; ///< held-out maps compared with at most
constexpr int kPdfBins = 40;
constexpr int kCompareDelayMs = 150; ///< slider rest before the comparison with the simulations

/// Held-out simulated maps of one (z, ζ) point of a dataset.
struct SimulatedGroup {
    double z = 0, zeta = 0;
    std::size_t count = 0, rows = 0, cols = 0;
    std::vector<float> maps;
};

/// A value PDF on fixed bins over [lo, hi] (values outside are left out): bin centres and
/// densities (fraction of all values per unit).
std::pair<std::vector<double>, std::vector<double>> valuePdf(const std::vector<float>& v, double lo, double hi)
{
    std::vector<double> centre(kPdfBins), density(kPdfBins, 0.0);
    const double w = (hi - lo) / kPdfBins;
    for (int b = 0; b < kPdfBins; ++b)
        centre[std::size_t(b)] = lo + (b + 0.5) * w;
    for (float x : v) {
        const int b = int(std::floor((double(x) - lo) / w));
        if (b >= 0 && b < kPdfBins)
            density[std::size_t(b)] += 1.0;
        else if (double(x) == hi)
            density.back() += 1.0;
    }
    for (double& d : density)
        d /= double(std::max<std::size_t>(1, v.size())) * w;
    return {centre, density};
}

} // namespace

/// One draw, made on a worker.
struct GeneratorDraw {
    rs::ml::GeneratedMaps maps;
    std::shared_ptr<const SimulatedGroup> simulated;
    QString simulatedNote; ///< why there is nothing to compare with
    bool fromCalibration = false; ///< `simulated` comes from the dataset the run was calibrated on
    std::optional<rs::ml::GenerationGroupMetrics> metrics;
    std::vector<double> k, generatedPower, simulatedK, simulatedPower; ///< own k bins: the sizes may differ
    std::pair<std::vector<double>, std::vector<double>> generatedPdf, simulatedPdf;
};

namespace {

/// Fills a PDF chart: linear values, log densities (empty bins left out).
void fillPdfChart(QChart* chart, const GeneratorDraw& d, double lo, double hi, const QString& units)
{
    charts::clearChart(chart, QObject::tr("Value PDF"));
    double yLo = INFINITY, yHi = 0;
    auto add = [&](const std::pair<std::vector<double>, std::vector<double>>& pdf, const QString& name, QColor colour,
                   bool dashed) {
        auto* s = new QLineSeries(chart);
        s->setName(name);
        QPen pen(colour, 2);
        if (dashed)
            pen.setStyle(Qt::DashLine);
        s->setPen(pen);
        for (std::size_t i = 0; i < pdf.first.size(); ++i)
            if (pdf.second[i] > 0) {
                s->append(pdf.first[i], pdf.second[i]);
                yLo = std::min(yLo, pdf.second[i]);
                yHi = std::max(yHi, pdf.second[i]);
            }
        chart->addSeries(s);
    };
    if (d.simulated)
        add(d.simulatedPdf, QObject::tr("simulated (held-out)"), QColor(0x1f, 0x77, 0xb4), false);
    add(d.generatedPdf, QObject::tr("generated"), QColor(0xd6, 0x27, 0x28), true);
    if (!(yHi > 0))
        return;
    auto* x = new QValueAxis(chart);
    x->setRange(lo, hi);
    x->setTitleText(units.isEmpty() ? QObject::tr("value") : QObject::tr("value [%1]").arg(units));
    auto* y = new QLogValueAxis(chart);
    y->setBase(10);
    y->setRange(yLo / 2, yHi * 2);
    y->setLabelFormat(QStringLiteral("%g"));
    y->setTitleText(QObject::tr("probability density"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (QAbstractSeries* s : chart->series()) {
        s->attachAxis(x);
        s->attachAxis(y);
    }
    chart->legend()->setVisible(true);
    chart->legend()->setAlignment(Qt::AlignBottom);
}

/// Slider position s of a parameter with training range [lo, hi]: the range widened by 20 % on
/// each side (the generator extrapolates there, and says so).
double sliderValue(int s, double lo, double hi)
{
    const double pad = 0.2 * (hi - lo);
    return lo - pad + (hi - lo + 2 * pad) * double(s) / kSteps;
}

int sliderPosition(double v, double lo, double hi)
{
    const double pad = 0.2 * (hi - lo), span = hi - lo + 2 * pad;
    return span > 0 ? std::clamp(int(std::lround((v - lo + pad) / span * kSteps)), 0, kSteps) : kSteps / 2;
}

} // namespace

/// What the draws of one view share across jobs: the loaded generator and held-out maps of the
/// datasets compared with (the run's own, and the one it was calibrated on at another size).
struct GeneratorCaches {
    RunModelCache<rs::ml::MapGenerator> model;

    /// The held-out maps nearest to (z, ζ), in units of the run's training range, among the test
    /// split of `datasetPath` when its maps are rows × cols; null (with `note`) otherwise.
    std::shared_ptr<const SimulatedGroup> nearest(const std::string& datasetPath, const rs::ml::RunConfig& c, double z,
        double zeta, std::size_t rows, std::size_t cols, QString& note)
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        // Only the run's own and calibration datasets stay open; one rewritten since it was read
        // (or unreadable then) is read again.
        for (auto it = m_sources.begin(); it != m_sources.end();)
            it = it->first == c.datasetPath || it->first == c.generatorCalibrationDataset ? std::next(it)
                                                                                          : m_sources.erase(it);
        Source& src = m_sources[datasetPath];
        if (const std::uint64_t stamp = rs::fileChangeStamp(datasetPath); stamp != src.stamp) {
            src = Source {};
            src.stamp = stamp;
            try {
                src.dataset = rs::ml::DatasetFile::open(datasetPath);
                src.testGroups = rs::ml::samplesByPoint(*src.dataset, rs::ml::Split::Test);
            } catch (const std::exception& e) {
                src.problem = QString::fromUtf8(e.what());
            }
        }
        if (!src.dataset || src.testGroups.empty() || src.dataset->info().rows != rows
            || src.dataset->info().cols != cols) {
            note = src.problem.isEmpty()
                ? QObject::tr("%1 has no held-out maps of this size").arg(QString::fromStdString(datasetPath))
                : src.problem;
            return nullptr;
        }
        const double sz = std::max(1e-9, c.conditionMax[0] - c.conditionMin[0]);
        const double sq = std::max(1e-9, c.conditionMax[1] - c.conditionMin[1]);
        auto best = src.testGroups.begin();
        double bestD = INFINITY;
        for (auto it = src.testGroups.begin(); it != src.testGroups.end(); ++it) {
            const double d = std::hypot((it->first.first - z) / sz, (it->first.second - zeta) / sq);
            if (d < bestD) {
                bestD = d;
                best = it;
            }
        }
        auto& slot = src.loaded[best->first];
        if (!slot) {
            const std::vector<std::int64_t> pick = rs::ml::evenlySpacedSubset(best->second, kSimulatedMaps);
            auto g = std::make_shared<SimulatedGroup>();
            g->z = best->first.first;
            g->zeta = best->first.second;
            g->count = pick.size();
            g->rows = rows;
            g->cols = cols;
            g->maps.resize(pick.size() * rows * cols);
            src.dataset->readSamples(pick.data(), pick.size(), g->maps.data());
            slot = std::move(g);
        }
        return slot;
    }

private:
    struct Source {
        std::uint64_t stamp = 0; ///< rs::fileChangeStamp when read (0: not yet)
        std::shared_ptr<const rs::ml::DatasetFile> dataset;
        QString problem; ///< why it could not be read then
        std::map<std::pair<double, double>, std::vector<std::int64_t>> testGroups; ///< (z, ζ) → test samples
        std::map<std::pair<double, double>, std::shared_ptr<const SimulatedGroup>> loaded;
    };
    std::mutex m_mutex; ///< guards m_sources
    std::map<std::string, Source> m_sources; ///< by dataset path
};

GeneratorView::GeneratorView(QWidget* parent)
    : QWidget(parent)
    , m_caches(std::make_shared<GeneratorCaches>())
    , m_calibrateJob(new JobRunner(this))
    , m_latest(new LatestJob(this))
    , m_compare(new LatestJob(this))
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(2, 2, 2, 2);
    auto* controls = new QGridLayout;
    auto slider = [this](QLabel*& label) {
        auto* s = new QSlider(Qt::Horizontal, this);
        s->setRange(0, kSteps);
        s->setTracking(true);
        label = new QLabel(this);
        label->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("ζ = 000.00 (outside training)")));
        connect(s, &QSlider::valueChanged, this, &GeneratorView::request);
        return s;
    };
    m_z = slider(m_zLabel);
    m_zeta = slider(m_zetaLabel);
    controls->addWidget(new QLabel(tr("Redshift"), this), 0, 0);
    controls->addWidget(m_z, 0, 1);
    controls->addWidget(m_zLabel, 0, 2);
    controls->addWidget(new QLabel(tr("Ionizing efficiency"), this), 1, 0);
    controls->addWidget(m_zeta, 1, 1);
    controls->addWidget(m_zetaLabel, 1, 2);
    m_count = new QSpinBox(this);
    m_count->setRange(1, 64);
    m_count->setValue(9);
    m_count->setSuffix(tr(" maps"));
    m_resample = new QPushButton(tr("Resample"), this);
    m_resample->setToolTip(tr("Draw new latent noise (the sliders keep the noise fixed so the maps morph)"));
    m_size = new QSpinBox(this);
    m_size->setRange(8, 512);
    m_size->setSingleStep(8);
    m_size->setPrefix(tr("size "));
    m_size->setToolTip(tr("Map side in cells, a multiple of 8 (the decoder is convolutional: larger maps are a "
                          "larger sky at the training cell size)"));
    m_calibrate = new QPushButton(tr("Calibrate…"), this);
    m_calibrate->setToolTip(tr("Fit how this finished run draws (per (z, ζ): the ionized offset and sharpness, the "
                               "noise, the value map) to the training split of a dataset of the same quantity and "
                               "cell size, at its map size: `reionscope-cli calibrate RUN --dataset D`"));
    controls->addWidget(m_count, 0, 3);
    controls->addWidget(m_size, 0, 4);
    controls->addWidget(m_resample, 1, 3);
    controls->addWidget(m_calibrate, 1, 4);
    controls->setColumnStretch(1, 1);
    outer->addLayout(controls);
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    outer->addWidget(m_note);
    m_calibrateStatus = new QLabel(this);
    m_calibrateStatus->setWordWrap(true);
    m_calibrateStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_calibrateStatus->hide();
    outer->addWidget(m_calibrateStatus);

    auto* split = new QSplitter(Qt::Horizontal, this);
    m_grid = new MapGrid(split);
    split->addWidget(m_grid);
    auto* side = new QWidget(split);
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    m_metricsLabel = new QLabel(side);
    m_metricsLabel->setWordWrap(true);
    m_metricsLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    sideLayout->addWidget(m_metricsLabel);
    m_simGrid = new MapGrid(side);
    m_simGrid->setMinimumHeight(110);
    sideLayout->addWidget(m_simGrid, 1);
    m_spectrum = charts::makeChartView(side, 260, 170);
    m_pdf = charts::makeChartView(side, 260, 170);
    sideLayout->addWidget(m_spectrum, 2);
    sideLayout->addWidget(m_pdf, 2);
    split->addWidget(side);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    outer->addWidget(split, 1);

    connect(m_count, &QSpinBox::valueChanged, this, &GeneratorView::request);
    m_size->setKeyboardTracking(false); // a typed size draws once, when finished
    connect(m_size, &QSpinBox::valueChanged, this, [this](int v) {
        if (v % 8)
            setMapSize(v); // snaps, and the snapped value draws
        else
            request();
    });
    connect(m_resample, &QPushButton::clicked, this, [this] {
        ++m_seed;
        request();
    });
    connect(m_grid, &MapGrid::painted, this, [this] {
        if (!m_awaitingPaint)
            return;
        m_awaitingPaint = false;
        m_lastRedrawMs = double(m_since.nsecsElapsed()) / 1e6;
        Q_EMIT redrawn(m_lastRedrawMs);
    });
    m_compareDelay = new QTimer(this);
    m_compareDelay->setSingleShot(true);
    m_compareDelay->setInterval(kCompareDelayMs);
    connect(m_compareDelay, &QTimer::timeout, this, &GeneratorView::compare);
    m_calibrateJob->setBackground(true);
    connect(m_calibrate, &QPushButton::clicked, this, [this] {
        if (m_calibrateJob->isRunning()) {
            m_calibrateJob->cancel();
            return;
        }
        const QString start = QFileInfo(QString::fromStdString(m_config.datasetPath)).absolutePath();
        const QString dataset = QFileDialog::getOpenFileName(
            this, tr("Calibrate on a dataset"), start, tr("ReionScope datasets (*.h5);;All files (*)"));
        if (!dataset.isEmpty())
            calibrateOn(dataset);
    });
    connect(m_calibrateJob, &JobRunner::progressChanged, this, [this](double fraction, const QString& stage) {
        m_calibrateStatus->setText(tr("Calibrating %1: %2 (%3 %)")
                                       .arg(QFileInfo(m_calibratedRun).fileName(), stage)
                                       .arg(int(std::lround(100 * fraction))));
    });
    connect(m_calibrateJob, &JobRunner::runningChanged, this,
        [this](bool running) { m_calibrate->setText(running ? tr("Stop calibrating") : tr("Calibrate…")); });
    connect(m_calibrateJob, &JobRunner::cancelled, this, [this] {
        // The last 5 % (the test evaluation) runs after config.json is written and cannot stop.
        const std::string run = m_calibratedRun.toStdString();
        if (rs::fileChangeStamp(rs::ml::runConfigPath(run)) == m_calibrateStartStamp) {
            m_calibrateStatus->setText(tr("Calibration stopped: the run draws as before (config.json untouched)."));
            return;
        }
        m_calibrateStatus->setText(tr("Calibrated (the stop came after the new points were saved; metrics.json may "
                                      "be the old one)."));
        try {
            if (m_calibratedRun == m_run)
                setRun(m_run, rs::ml::readRunConfig(run));
        } catch (const rs::Error& e) {
            Q_EMIT problem(QString::fromUtf8(e.what()), QString::fromUtf8(e.what()));
        }
    });
    connect(m_calibrateJob, &JobRunner::failed, this, [this](const QString& message) {
        m_calibrateStatus->setText(tr("Could not calibrate: %1").arg(message));
        Q_EMIT problem(tr("Could not calibrate: %1").arg(message), message);
    });
    for (LatestJob* j : {m_latest, m_compare})
        connect(j->runner(), &JobRunner::failed, this, [this](const QString& message) {
            m_note->setText(tr("Could not generate: %1").arg(message));
            Q_EMIT problem(tr("Could not generate: %1").arg(message), message);
        });
    setRun({}, {});
}

GeneratorView::~GeneratorView() = default;

void GeneratorView::setRun(const QString& runDir, const rs::ml::RunConfig& config)
{
    const bool generator = !runDir.isEmpty() && config.task == rs::ml::Task::Generate;
    // The same run with the same config; a calibration rewrites config.json's points: the same
    // run is drawn again where the sliders are.
    const bool sameRun = generator && runDir == m_run && config.rows == m_config.rows;
    const bool same = sameRun && rs::ml::runConfigJson(config) == rs::ml::runConfigJson(m_config);
    m_run = generator ? runDir : QString();
    m_config = config;
    for (QWidget* w : std::initializer_list<QWidget*> {m_z, m_zeta, m_count, m_size, m_resample})
        w->setEnabled(generator);
    m_calibrate->setEnabled(generator || m_calibrateJob->isRunning()); // a running one can always be stopped
    if (runDir != m_calibratedRun && !m_calibrateJob->isRunning()) { // another run: the last one's outcome goes
        m_calibrateStatus->clear();
        m_calibrateStatus->hide();
    }
    if (!generator) {
        m_latest->cancel();
        m_compare->cancel();
        m_toCompare.reset();
        m_grid->clear();
        m_simGrid->clear();
        m_metrics.reset();
        m_metricsLabel->clear();
        m_note->setText(runDir.isEmpty() ? tr("Select a generator run to draw maps at chosen z and ζ.")
                                         : tr("This run does not generate maps: the Generator view is for "
                                              "generator runs (train --model generator)."));
        return;
    }
    if (same && (m_grid->count() > 0 || m_latest->isBusy())) // drawn, or drawing: a refresh changes nothing
        return;
    if (!sameRun) {
        const QSignalBlocker bz(m_z), bq(m_zeta), bs(m_size);
        m_size->setValue(int(config.rows)); // the training size; square maps (rows = cols in every dataset)
        m_z->setValue(kSteps / 2);
        m_zeta->setValue(kSteps / 2);
    }
    m_grid->setScaleTitle(unitsText(config.quantity));
    m_simGrid->setScaleTitle(unitsText(config.quantity));
    request();
}

void GeneratorView::calibrateOn(const QString& datasetPath)
{
    if (m_run.isEmpty() || m_calibrateJob->isRunning())
        return;
    const QString run = m_run;
    m_calibratedRun = run;
    m_calibrateStartStamp = rs::fileChangeStamp(rs::ml::runConfigPath(run.toStdString()));
    m_calibrateStatus->setText(tr("Calibrating %1 on %2 …").arg(QFileInfo(run).fileName(), datasetPath));
    m_calibrateStatus->show();
    m_calibrateJob->start(tr("Calibrating %1").arg(QFileInfo(run).fileName()),
        [this, run, dataset = datasetPath.toStdString()](const ProgressFn& progress, const StopToken& stop) {
            rs::ml::setComputeThreads(std::max(1, QThread::idealThreadCount()));
            const rs::ml::GeneratorCalibration done
                = rs::ml::calibrateGeneratorRun(run.toStdString(), dataset, progress, stop);
            const rs::ml::RunConfig config = rs::ml::readRunConfig(run.toStdString());
            std::string said = done.message; // with the velocity convention's warning, as `calibrate` prints it
            for (const std::string& w : done.warnings)
                said += "\nWarning: " + w;
            return std::function<void()>([this, run, config, message = QString::fromStdString(said)] {
                m_calibrateStatus->setText(tr("Calibrated: %1").arg(message));
                if (run == m_run)
                    setRun(run, config); // drawn again where the sliders are (the runs list follows too)
                Q_EMIT calibrated(message);
            });
        });
}

bool GeneratorView::isCalibrating() const
{
    return m_calibrateJob->isRunning();
}

QString GeneratorView::calibrationStatus() const
{
    return m_calibrateStatus->text();
}

double GeneratorView::z() const
{
    return sliderValue(m_z->value(), m_config.conditionMin[0], m_config.conditionMax[0]);
}

double GeneratorView::zeta() const
{
    return sliderValue(m_zeta->value(), m_config.conditionMin[1], m_config.conditionMax[1]);
}

void GeneratorView::setParameters(double z, double zeta)
{
    {
        const QSignalBlocker bz(m_z), bq(m_zeta);
        m_z->setValue(sliderPosition(z, m_config.conditionMin[0], m_config.conditionMax[0]));
        m_zeta->setValue(sliderPosition(zeta, m_config.conditionMin[1], m_config.conditionMax[1]));
    }
    request();
}

void GeneratorView::setCount(int n)
{
    m_count->setValue(n);
}

void GeneratorView::setMapSize(int side)
{
    m_size->setValue(std::clamp((side + 4) / 8 * 8, m_size->minimum(), m_size->maximum())); // draws if changed
}

int GeneratorView::mapSize() const
{
    return m_size->value();
}

JobRunner* GeneratorView::job() const
{
    return m_latest->runner();
}

JobRunner* GeneratorView::compareJob() const
{
    return m_compare->runner();
}

bool GeneratorView::isComparing() const
{
    return m_toCompare.has_value() || m_compare->isBusy();
}

QString GeneratorView::metricsText() const
{
    return m_metricsLabel->text();
}

QString GeneratorView::note() const
{
    return m_note->text();
}

void GeneratorView::updateLabels()
{
    auto label = [](const QString& name, double v, double lo, double hi) {
        const bool outside = v < lo - 1e-9 || v > hi + 1e-9;
        return QStringLiteral("%1 = %2%3")
            .arg(name, formatNumber(v, 3), outside ? tr(" (outside training)") : QString());
    };
    m_zLabel->setText(label(QStringLiteral("z"), z(), m_config.conditionMin[0], m_config.conditionMax[0]));
    m_zetaLabel->setText(label(QStringLiteral("ζ"), zeta(), m_config.conditionMin[1], m_config.conditionMax[1]));
}

void GeneratorView::request()
{
    if (m_run.isEmpty())
        return;
    updateLabels();
    m_since.start();
    const std::string run = m_run.toStdString();
    const rs::ml::RunConfig config = m_config;
    const double z = this->z(), zeta = this->zeta();
    const std::size_t count = std::size_t(m_count->value()), side = std::size_t(m_size->value() / 8 * 8);
    const std::uint64_t seed = m_seed;
    const int threads = m_threads;
    const auto [lo, hi] = mapDisplayRange(config.quantity, config.normMean, config.normStd);
    std::shared_ptr<GeneratorCaches> caches = m_caches;
    m_latest->submit(tr("Generating maps"), [=, this](const ProgressFn&, const StopToken&) {
        rs::ml::GeneratedMaps maps;
        QStringList warnings;
        {
            const auto lease = caches->model.acquire(run, threads);
            maps = lease->generate(z, zeta, count, seed, side, side);
            for (const std::string& w : lease->rangeWarnings(z, zeta))
                warnings << QString::fromStdString(w);
        }
        return std::function<void()>(
            [this, maps = std::move(maps), warnings, lo, hi]() { showMaps(maps, warnings, lo, hi); });
    });
}

void GeneratorView::showMaps(const rs::ml::GeneratedMaps& m, const QStringList& warnings, double lo, double hi)
{
    QStringList captions;
    for (std::size_t i = 0; i < m.count; ++i)
        captions << tr("#%1").arg(i + 1);
    m_grid->setMaps(m.values, m.count, m.rows, m.cols, lo, hi, captions);
    m_awaitingPaint = !m_latest->hasWaiting(); // else its maps are stale already
    ++m_draws;
    m_grid->repaint(); // now: the comparison with the simulations follows in the background
    m_note->setText(warnings.isEmpty() ? tr("%1 maps at z = %2, ζ = %3 (noise seed %4)")
                                             .arg(m.count)
                                             .arg(formatNumber(m.z, 3), formatNumber(m.zeta, 3))
                                             .arg(m.seed)
                                       : warnings.join(QLatin1Char('\n')));
    if (m_latest->hasWaiting())
        return; // newer maps are coming: those are compared
    // The comparison waits until the slider has rested a moment, so that during a drag it never
    // competes with drawing the next maps for the CPU.
    m_toCompare = {m, lo, hi};
    m_compareDelay->start();
}

void GeneratorView::compare()
{
    if (!m_toCompare || m_run.isEmpty())
        return;
    const auto [m, lo, hi] = std::move(*m_toCompare);
    m_toCompare.reset();
    const rs::ml::RunConfig config = m_config;
    std::shared_ptr<GeneratorCaches> caches = m_caches;
    m_compare->submit(tr("Comparing with simulated maps"), [=, this](const ProgressFn&, const StopToken& stop) {
        GeneratorDraw d;
        d.maps = m;
        const double cell = std::isfinite(m.cellSizeMpc) && m.cellSizeMpc > 0 ? m.cellSizeMpc : 1.0;
        d.generatedPower = rs::ml::meanPower2d(m.values.data(), m.count, m.rows, m.cols, cell, d.k);
        d.generatedPdf = valuePdf(m.values, lo, hi);
        // The held-out maps of the run's own dataset have the training size; a run calibrated on
        // another dataset (`calibrate --dataset`) is compared with that one's at its size. The
        // metrics compare maps of one size, the curves (physical k, values) any two.
        d.fromCalibration = !config.generatorCalibrationDataset.empty() && m.rows == config.generatorCalibrationRows
            && m.cols == config.generatorCalibrationCols;
        const std::string source = d.fromCalibration ? config.generatorCalibrationDataset : config.datasetPath;
        const std::size_t rows = d.fromCalibration ? m.rows : config.rows;
        const std::size_t cols = d.fromCalibration ? m.cols : config.cols;
        d.simulated = caches->nearest(source, config, m.z, m.zeta, rows, cols, d.simulatedNote);
        stop.throwIfStopped();
        if (const auto& s = d.simulated) {
            d.simulatedPower = rs::ml::meanPower2d(s->maps.data(), s->count, rows, cols, cell, d.simulatedK);
            d.simulatedPdf = valuePdf(s->maps, lo, hi);
            if (m.rows == rows && m.cols == cols)
                d.metrics = rs::ml::compareGeneratedGroup(
                    s->z, s->zeta, s->maps, m.values, m.rows, m.cols, cell, config.quantity);
        }
        return std::function<void()>([this, d = std::move(d), lo, hi]() { showDraw(d, lo, hi); });
    });
}

void GeneratorView::showDraw(const GeneratorDraw& d, double lo, double hi)
{
    const rs::ml::GeneratedMaps& m = d.maps;
    const QString units = unitsText(m_config.quantity);
    const std::size_t simRows = d.simulated ? d.simulated->rows : 0, simCols = d.simulated ? d.simulated->cols : 0;
    if (d.simulated) {
        const std::size_t shown = std::min<std::size_t>(3, d.simulated->count);
        std::vector<float> first(
            d.simulated->maps.begin(), d.simulated->maps.begin() + std::ptrdiff_t(shown * simRows * simCols));
        m_simGrid->setMaps(first, shown, simRows, simCols, lo, hi, {}, int(shown));
    } else {
        m_simGrid->clear();
    }
    m_metrics = d.metrics;
    const QString which = d.fromCalibration
        ? tr("Held-out simulated maps of %1 (the dataset this run was calibrated on)")
              .arg(QFileInfo(QString::fromStdString(m_config.generatorCalibrationDataset)).fileName())
        : tr("Held-out simulated maps");
    if (const auto& g = d.metrics)
        m_metricsLabel->setText(
            tr("%1 nearest in (z, ζ): <b>z = %2, ζ = %3</b> (%4 maps, below)<br>"
               "power ratio (median, 0.1&lt;k&lt;1 Mpc⁻¹) <b>%5</b> · PDF KS <b>%6</b><br>"
               "nf generated %7 vs simulated %8 (error <b>%9</b>) · diversity %10")
                .arg(which, formatNumber(g->z, 3), formatNumber(g->zeta, 3))
                .arg(g->simulated)
                .arg(formatNumber(g->powerRatioMedian, 3), formatNumber(g->pdfKs, 3), formatNumber(g->nfGenerated, 3),
                    formatNumber(g->nfSimulated, 3), formatNumber(g->nfError, 3), formatNumber(g->diversity, 3)));
    else if (d.simulated)
        m_metricsLabel->setText(tr("%1 nearest in (z, ζ): <b>z = %2, ζ = %3</b> (%4 maps of %5×%6, below)<br>the "
                                   "metrics compare maps of one size: these are %7×%8 (the same %9 Mpc cells); "
                                   "Δ²(k) and the PDF overlay both")
                                    .arg(which, formatNumber(d.simulated->z, 3), formatNumber(d.simulated->zeta, 3))
                                    .arg(d.simulated->count)
                                    .arg(simRows)
                                    .arg(simCols)
                                    .arg(m.rows)
                                    .arg(m.cols)
                                    .arg(formatNumber(m.cellSizeMpc, 3)));
    else
        m_metricsLabel->setText(tr("No simulated maps to compare with: %1").arg(d.simulatedNote));
    const bool mpc = std::isfinite(m.cellSizeMpc) && m.cellSizeMpc > 0;
    std::vector<SpectrumCurve> curves;
    if (d.simulated)
        curves.push_back(
            {tr("simulated (held-out)"), d.simulatedK, d.simulatedPower, QColor(0x1f, 0x77, 0xb4), false, false, {}});
    curves.push_back({tr("generated"), d.k, d.generatedPower, QColor(0xd6, 0x27, 0x28), true, false, {}});
    fillSpectraChart(m_spectrum->chart(), tr("Mean Δ²(k) of the maps"), curves,
        mpc ? QStringLiteral("k [Mpc<sup>−1</sup>]") : QStringLiteral("k [pixel<sup>−1</sup>]"),
        units.isEmpty() ? QStringLiteral("Δ<sup>2</sup>(k) (2D)")
                        : QStringLiteral("Δ<sup>2</sup>(k) (2D) [%1<sup>2</sup>]").arg(units));
    fillPdfChart(m_pdf->chart(), d, lo, hi, units);
}

} // namespace rs::ui
