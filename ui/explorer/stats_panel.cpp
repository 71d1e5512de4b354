#include "explorer/stats_panel.h"

#include "charts/chart_export.h"
#include "charts/chart_setup.h"
#include "charts/power_map.h"

#include "explorer/slice_export.h"
#include "explorer/stats_charts.h"
#include "figure/figure_file.h"
#include "figure/figures.h"
#include "figure/stats_figures.h"
#include "shell/job_runner.h"
#include "shell/text_format.h"
#include "util/error.h"
#include "util/file_util.h"

#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <memory>

namespace rs::ui {

namespace {
constexpr int kHistogramBins = 64;
} // namespace

StatsPanel::StatsPanel(QWidget* parent)
    : QWidget(parent)
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(2, 2, 2, 2);
    outer->setSpacing(3);
    auto* row = new QHBoxLayout;
    m_cubeBox = new QComboBox(this);
    m_cubeBox->setToolTip(tr("Cube whose histogram and power spectrum are shown"));
    row->addWidget(m_cubeBox, 1);
    m_perH = new QCheckBox(tr("h/Mpc"), this);
    m_perH->setToolTip(tr("Wavenumbers in h/Mpc (h = 0.68) instead of 1/Mpc"));
    row->addWidget(m_perH);
    m_pin = new QToolButton(this);
    m_pin->setText(tr("Overlay +"));
    m_pin->setToolTip(tr("Keep this cube's statistics and this run's history in the charts, to compare with other "
                         "runs, redshifts or cubes"));
    m_unpin = new QToolButton(this);
    m_unpin->setText(tr("Clear"));
    m_unpin->setToolTip(tr("Remove every kept cube from the charts"));
    m_unpin->setEnabled(false);
    row->addWidget(m_pin);
    row->addWidget(m_unpin);
    m_png = new QToolButton(this);
    m_png->setText(tr("Figure…"));
    m_png->setToolTip(tr("Save the chart shown as a figure: PNG at a chosen resolution, SVG or PDF"));
    m_csv = new QToolButton(this);
    m_csv->setText(tr("CSV…"));
    m_csv->setToolTip(tr("Save the numbers of the chart shown as CSV"));
    row->addWidget(m_png);
    row->addWidget(m_csv);
    outer->addLayout(row);

    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    for (int i = 0; i < 4; ++i) {
        m_views[i] = charts::makeChartView(this, 200, 160);
        showChartNote(m_views[i]->chart(), tr("No data yet"));
    }
    m_cylindrical = new QWidget(this);
    auto* cylLayout = new QVBoxLayout(m_cylindrical);
    cylLayout->setContentsMargins(0, 0, 0, 0);
    cylLayout->setSpacing(2);
    m_ratioBox = new QComboBox(m_cylindrical);
    m_ratioBox->setToolTip(tr("Show P(k⊥,k∥) of this cube, or its ratio to a kept cube's (Overlay +)"));
    cylLayout->addWidget(m_ratioBox);
    m_powerMap = new charts::PowerMapView(m_cylindrical);
    m_powerMap->setNote(tr("No data yet"));
    cylLayout->addWidget(m_powerMap, 1);
    m_bubbles = new QWidget(this);
    auto* bubbleRow = new QHBoxLayout(m_bubbles);
    bubbleRow->setContentsMargins(0, 0, 0, 0);
    m_fofView = charts::makeChartView(m_bubbles, 200, 160);
    showChartNote(m_fofView->chart(), tr("No data yet"));
    m_mfpView = charts::makeChartView(m_bubbles, 200, 160);
    showChartNote(m_mfpView->chart(), tr("No data yet"));
    bubbleRow->addWidget(m_mfpView);
    bubbleRow->addWidget(m_fofView);
    m_tabs->addTab(m_views[0], tr("PDF"));
    m_tabs->addTab(m_views[1], tr("Δ²(k)"));
    m_tabs->addTab(m_cylindrical, tr("P(k⊥,k∥)"));
    m_tabs->addTab(m_bubbles, tr("Bubbles"));
    m_tabs->addTab(m_views[2], tr("nf(z)"));
    m_tabs->addTab(m_views[3], tr("⟨δT_b⟩(z)"));
    outer->addWidget(m_tabs, 1);
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    m_note->setVisible(false);
    outer->addWidget(m_note);

    m_cubeJob = new JobRunner(this);
    m_seriesJob = new JobRunner(this);
    m_cubeJob->setBackground(true); // nothing waits for statistics: painting and loads come first
    m_seriesJob->setBackground(true);
    auto busy = [this] {
        const bool on = m_cubeJob->isRunning() || m_seriesJob->isRunning();
        m_note->setText(on ? tr("Computing statistics…") : QString());
        m_note->setVisible(on);
    };
    for (JobRunner* j : {m_cubeJob, m_seriesJob}) {
        connect(j, &JobRunner::runningChanged, this, busy);
        connect(j, &JobRunner::failed, this, [this](const QString& message) {
            Q_EMIT problem(tr("Could not compute statistics: %1").arg(message), message);
        });
    }
    connect(m_cubeBox, &QComboBox::activated, this, [this] { computeCubeStatistics(); });
    connect(m_perH, &QCheckBox::toggled, this, [this] { showCubeStatistics(); });
    connect(m_ratioBox, &QComboBox::activated, this, [this](int i) { setRatioReference(i - 1); });
    connect(m_pin, &QToolButton::clicked, this, [this] { pinCurrent(); });
    connect(m_unpin, &QToolButton::clicked, this, [this] { clearPinned(); });
    connect(m_png, &QToolButton::clicked, this, [this] { exportWithDialog(true); });
    connect(m_csv, &QToolButton::clicked, this, [this] { exportWithDialog(false); });
}

QChartView* StatsPanel::chartView(Chart c) const
{
    switch (c) {
    case Chart::Cylindrical:
        return nullptr;
    case Chart::Bubbles:
        return m_mfpView;
    default:
        return m_views[int(c)];
    }
}

QWidget* StatsPanel::tabOf(Chart c) const
{
    if (c == Chart::Cylindrical)
        return m_cylindrical;
    if (c == Chart::Bubbles)
        return m_bubbles;
    return m_views[int(c)];
}

void StatsPanel::setCurrentChart(Chart c)
{
    m_tabs->setCurrentWidget(tabOf(c));
}

StatsPanel::Chart StatsPanel::currentChart() const
{
    for (Chart c :
        {Chart::Histogram, Chart::Spectrum, Chart::NeutralFraction, Chart::MeanTb, Chart::Cylindrical, Chart::Bubbles})
        if (tabOf(c) == m_tabs->currentWidget())
            return c;
    return Chart::Histogram;
}

bool StatsPanel::pinCurrent()
{
    if (!m_cubeStats && !m_series)
        return false;
    if (m_cubeStats && std::none_of(m_pinned.begin(), m_pinned.end(), [this](const CubeStatistics& p) {
            return p.label == m_cubeStats->label && p.folder == m_cubeStats->folder;
        }))
        m_pinned.push_back(*m_cubeStats);
    if (m_series && std::none_of(m_pinnedSeries.begin(), m_pinnedSeries.end(), [this](const RunSeries& r) {
            return r.runId == m_series->runId;
        }))
        m_pinnedSeries.push_back(*m_series);
    m_unpin->setEnabled(true);
    showCubeStatistics();
    showSeries();
    return true;
}

void StatsPanel::clearPinned()
{
    m_pinned.clear();
    m_ratioRef = -1;
    m_pinnedSeries.clear();
    m_unpin->setEnabled(false);
    showCubeStatistics();
    showSeries();
}

bool StatsPanel::chooseCube(Quantity q)
{
    for (std::size_t i = 0; i < m_snapshot.cubes.size(); ++i)
        if (m_snapshot.cubes[i].quantity() == q) {
            m_cubeBox->setCurrentIndex(int(i));
            computeCubeStatistics();
            return true;
        }
    return false;
}

void StatsPanel::setPerH(bool on)
{
    m_perH->setChecked(on);
}

void StatsPanel::setSnapshot(const Snapshot& snapshot)
{
    const std::optional<Quantity> chosen
        = m_cubeBox->currentIndex() >= 0 && m_cubeBox->currentIndex() < int(m_snapshot.cubes.size())
        ? std::optional<Quantity>(m_snapshot.cubes[std::size_t(m_cubeBox->currentIndex())].quantity())
        : std::nullopt;
    m_snapshot = snapshot;
    m_cubeBox->clear();
    int pick = 0;
    for (int i = 0; i < int(m_snapshot.cubes.size()); ++i) {
        const Quantity q = m_snapshot.cubes[std::size_t(i)].quantity();
        m_cubeBox->addItem(quantityWithUnitsPlain(q));
        if ((chosen && q == *chosen) || (!chosen && q == Quantity::BrightnessTemperature))
            pick = i;
    }
    m_cubeBox->setCurrentIndex(pick);
    computeCubeStatistics();
}

void StatsPanel::computeCubeStatistics()
{
    const int i = m_cubeBox->currentIndex();
    if (i < 0 || i >= int(m_snapshot.cubes.size())) {
        m_cubeStats.reset();
        showCubeStatistics();
        return;
    }
    const LoadedCube cube = m_snapshot.cubes[std::size_t(i)];
    m_cubeDeferred = cube.cube.metadata().kind == FieldKind::Lightcone && !isVisible();
    if (m_cubeDeferred) {
        m_cubeJob->cancel(); // an older cube's result must not arrive for this one
        m_cubeStats.reset();
        showCubeStatistics();
        return;
    }
    m_cubeJob->start(
        tr("Statistics of %1").arg(cube.titlePlain()), [this, cube](const ProgressFn&, const StopToken& stop) {
            CubeStatistics s = rs::ui::computeCubeStatistics(cube, kHistogramBins, stop);
            return std::function<void()>([this, s = std::move(s)] {
                m_cubeStats = s;
                showCubeStatistics();
            });
        });
}

void StatsPanel::showEvent(QShowEvent* e)
{
    QWidget::showEvent(e);
    if (m_cubeDeferred)
        computeCubeStatistics();
}

StatsSet StatsPanel::overlaySet() const
{
    StatsSet set;
    for (const CubeStatistics& p : m_pinned)
        set.items.push_back(&p);
    if (m_cubeStats && std::none_of(m_pinned.begin(), m_pinned.end(), [this](const CubeStatistics& p) {
            return p.label == m_cubeStats->label && p.folder == m_cubeStats->folder;
        }))
        set.items.push_back(&*m_cubeStats);
    set.names = overlayNames(set.items);
    return set;
}

void StatsPanel::showCubeStatistics()
{
    SpectrumUnits units;
    units.perH = m_perH->isChecked();
    const StatsSet set = overlaySet();
    fillHistogramChart(charts::renewChart(m_views[0]), set);
    fillSpectrumChart(charts::renewChart(m_views[1]), set, units);
    fillBubbleCharts(charts::renewChart(m_mfpView), charts::renewChart(m_fofView), set);
    showPowerMap(set.names, units);
}

bool StatsPanel::setRatioReference(int pinnedIndex)
{
    if (pinnedIndex < -1 || pinnedIndex >= int(m_pinned.size()))
        return false;
    m_ratioRef = pinnedIndex;
    showCubeStatistics();
    return true;
}

void StatsPanel::showPowerMap(const std::vector<QString>& names, const SpectrumUnits& units)
{
    m_ratioBox->clear();
    m_ratioBox->addItem(tr("P(k⊥,k∥) of this cube"));
    for (std::size_t i = 0; i < m_pinned.size(); ++i)
        m_ratioBox->addItem(tr("Ratio to kept %1").arg(names[i]));
    m_ratioBox->setCurrentIndex(m_ratioRef + 1);
    m_ratioBox->setEnabled(!m_pinned.empty());
    if (!m_cubeStats) {
        m_powerMap->setNote(tr("No data yet"));
        return;
    }
    const QString quantityUnits = unitsText(m_cubeStats->quantity);
    if (m_ratioRef < 0) {
        m_powerMap->setData({m_cubeStats->field.cylindrical, units,
            tr("Cylindrical power spectrum of %1").arg(m_cubeStats->label), quantityUnits});
        return;
    }
    const CubeStatistics& b = m_pinned[std::size_t(m_ratioRef)];
    const std::vector<QString> ab = overlayNames({&*m_cubeStats, &b});
    try {
        charts::PowerMapData d {cylindricalPowerRatio(m_cubeStats->field.cylindrical, b.field.cylindrical), units,
            tr("P(k⊥,k∥) ratio: A = %1, B = %2").arg(ab[0], ab[1]), quantityUnits};
        d.ratio = true;
        m_powerMap->setData(d);
    } catch (const Error& e) {
        m_powerMap->setNote(tr("No ratio map: %1").arg(QString::fromStdString(e.what())));
    }
}

void StatsPanel::setRun(const CatalogRun& run)
{
    const QString id = QString::fromStdString(run.id);
    if (id == m_seriesRun)
        return;
    m_seriesRun = id;
    m_series.reset();
    m_seriesJob->start(tr("Redshift history of %1").arg(QString::fromStdString(run.label)),
        [this, run](const ProgressFn& progress, const StopToken& stop) {
            RunSeries s = computeRunSeries(run, progress, stop);
            return std::function<void()>([this, s = std::move(s)] {
                m_series = s;
                showSeries();
            });
        });
}

std::vector<const RunSeries*> StatsPanel::seriesSet() const
{
    std::vector<const RunSeries*> set;
    for (const RunSeries& r : m_pinnedSeries)
        set.push_back(&r);
    if (m_series && std::none_of(m_pinnedSeries.begin(), m_pinnedSeries.end(), [this](const RunSeries& r) {
            return r.runId == m_series->runId;
        }))
        set.push_back(&*m_series);
    return set;
}

void StatsPanel::showSeries()
{
    const std::vector<const RunSeries*> set = seriesSet();
    if (set.empty())
        return;
    const std::vector<QString> names = historyNames(set);
    std::vector<HistoryCurve> nf, tb;
    for (std::size_t i = 0; i < set.size(); ++i) {
        nf.push_back({names[i], set[i]->z, set[i]->nf});
        tb.push_back({names[i], set[i]->z, set[i]->meanTb});
    }
    // One run: its label in the title; several: the legend names them.
    const QString suffix = set.size() > 1 ? QString()
        : set[0]->z.size() < 2            ? tr(", %1 (one redshift in this run)").arg(set[0]->runLabel.toHtmlEscaped())
                                          : QStringLiteral(", %1").arg(set[0]->runLabel.toHtmlEscaped());
    fillSeriesChart(m_views[2]->chart(), tr("Neutral fraction%1").arg(suffix), nf,
        QStringLiteral("n<sub>f</sub> = ⟨x<sub>HI</sub>⟩"), std::make_pair(0.0, 1.0));
    fillSeriesChart(m_views[3]->chart(), tr("Mean brightness temperature%1").arg(suffix), tb,
        QStringLiteral("⟨δT<sub>b</sub>⟩ [mK]"), std::nullopt);
}

void StatsPanel::exportPng(Chart c, const QString& path, int dpi)
{
    // Every chart is written as a figure (figure/, 200 dpi): Δ²(k), P(k⊥,k∥) and the histories as
    // `reionscope-cli figure` makes them, the PDF and bubble sizes by the same painters.
    figure::PaintFn paint;
    QSizeF inches;
    QString title;
    std::shared_ptr<figure::PlotFigure> plot;
    if (c == Chart::Spectrum && m_cubeStats) {
        const StatsSet set = overlaySet();
        std::vector<figure::NamedSpectrum> spectra;
        for (std::size_t i = 0; i < set.items.size(); ++i)
            spectra.push_back({set.names[i], set.items[i]->spectrum, set.items[i]->quantity});
        plot = std::make_shared<figure::PlotFigure>(figure::powerFigure(spectra,
            set.items.size() > 1 ? tr("Power spectrum Δ²(k)") : tr("Power spectrum Δ²(k) · %1").arg(m_cubeStats->label),
            m_perH->isChecked()));
    } else if ((c == Chart::NeutralFraction || c == Chart::MeanTb) && !seriesSet().empty()) {
        const std::vector<const RunSeries*> set = seriesSet();
        const std::vector<QString> names = historyNames(set);
        std::vector<figure::NamedSeries> histories;
        for (std::size_t i = 0; i < set.size(); ++i)
            histories.push_back({names[i], RedshiftSeries {set[i]->z, set[i]->nf, set[i]->meanTb}});
        plot = std::make_shared<figure::PlotFigure>(figure::historyFigure(histories,
            set.size() > 1 ? tr("Reionization history") : tr("Reionization history · %1").arg(set[0]->runLabel)));
    } else if (c == Chart::Histogram && m_cubeStats) {
        const StatsSet set = overlaySet();
        std::vector<figure::NamedPdf> pdfs;
        for (std::size_t i = 0; i < set.items.size(); ++i)
            pdfs.push_back({set.names[i], set.items[i]->field.pdf});
        plot
            = std::make_shared<figure::PlotFigure>(figure::pdfFigure(pdfs, figure::quantityLabel(m_cubeStats->quantity),
                set.items.size() > 1 ? tr("Voxel PDF") : tr("Voxel PDF · %1").arg(m_cubeStats->label)));
    } else if (c == Chart::Bubbles && m_cubeStats) {
        const StatsSet set = overlaySet();
        std::vector<figure::NamedBubbles> bubbles;
        for (std::size_t i = 0; i < set.items.size(); ++i)
            if (set.items[i]->field.meanFreePath && set.items[i]->field.regions)
                bubbles.push_back({set.names[i], *set.items[i]->field.meanFreePath, *set.items[i]->field.regions});
        if (bubbles.empty())
            throw ParameterError(path.toStdString(), "bubble sizes are computed for x_HI cubes only");
        const auto f = std::make_shared<figure::BubbleFigures>(figure::bubbleFigures(bubbles));
        paint = [f](QPainter& p, const QRectF& r) { figure::paintBubbles(p, r, *f); };
        inches = f->inches;
        title = tr("Bubble sizes");
    } else if (c == Chart::Cylindrical && m_powerMap->hasData()) {
        const charts::PowerMapData d = m_powerMap->data();
        paint = [d](QPainter& p, const QRectF& r) { figure::paintPowerMap(p, r.adjusted(8, 8, -8, -8), d); };
        inches = QSizeF(6.0, 4.8);
        title = d.title;
    } else {
        writePng(path, tabOf(c)->grab().toImage()); // nothing computed yet: the chart's note
        return;
    }
    if (plot) {
        paint = [plot](QPainter& p, const QRectF& r) { figure::paintPlot(p, r, *plot); };
        inches = plot->inches;
        title = plot->title;
    }
    figure::writeFigure(path.toStdString(), inches, dpi, paint, title);
}

void StatsPanel::exportCsv(Chart c, const QString& path)
{
    QString text;
    switch (c) {
    case Chart::Histogram:
    case Chart::Spectrum:
        if (!m_cubeStats)
            throw IoError(path.toStdString(), "no statistics computed yet");
        text = c == Chart::Histogram ? histogramCsv(*m_cubeStats) : spectrumCsv(*m_cubeStats);
        break;
    case Chart::Cylindrical:
    case Chart::Bubbles:
        if (!m_cubeStats)
            throw IoError(path.toStdString(), "no statistics computed yet");
        if (c == Chart::Cylindrical && m_powerMap->hasData() && m_powerMap->data().ratio) // the ratio shown
            text = cylindricalRatioCsv(m_powerMap->data().title, m_powerMap->data().power);
        else
            text = c == Chart::Cylindrical ? cylindricalCsv(*m_cubeStats) : bubblesCsv(*m_cubeStats);
        break;
    case Chart::NeutralFraction:
    case Chart::MeanTb:
        if (seriesSet().empty())
            throw IoError(path.toStdString(), "no redshift history computed yet");
        for (const RunSeries* r : seriesSet()) // one block per overlaid run
            text += seriesCsv(*r);
        break;
    }
    const QByteArray bytes = text.toUtf8();
    writeFileAtomically(path.toStdString(), bytes.constData(), std::size_t(bytes.size()));
}

void StatsPanel::exportWithDialog(bool figure)
{
    const Chart c = currentChart();
    const char* stems[6] = {"histogram", "power_spectrum", "neutral_fraction_history", "mean_tb_history",
        "power_spectrum_2d", "bubble_sizes"};
    const QString stem = QLatin1String(stems[int(c)]);
    const QString path = figure ? charts::askFigurePath(this, tr("Save chart as a figure"), stem, &m_figureDpi)
                                : charts::askExportPath(this, tr("Save chart data as CSV"), stem, false);
    if (path.isEmpty())
        return;
    try {
        figure ? exportPng(c, path, m_figureDpi) : exportCsv(c, path);
        Q_EMIT statusMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 5000);
    } catch (const Error& e) {
        Q_EMIT problem(tr("Could not export: %1").arg(QString::fromStdString(e.what())), {});
    }
}

} // namespace rs::ui
