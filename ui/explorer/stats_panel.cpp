#include "explorer/stats_panel.h"

#include "charts/chart_export.h"
#include "charts/chart_setup.h"
#include "charts/power_map.h"

#include "explorer/slice_export.h"
#include "explorer/stats_charts.h"
#include "figure/figure_file.h"
#include "figure/figures.h"
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
    m_pin->setToolTip(tr("Keep this cube's statistics in the charts, to compare with other runs, redshifts or cubes"));
    m_unpin = new QToolButton(this);
    m_unpin->setText(tr("Clear"));
    m_unpin->setToolTip(tr("Remove every kept cube from the charts"));
    m_unpin->setEnabled(false);
    row->addWidget(m_pin);
    row->addWidget(m_unpin);
    m_png = new QToolButton(this);
    m_png->setText(tr("PNG…"));
    m_png->setToolTip(tr("Save the chart shown as a PNG image"));
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
    m_powerMap = new charts::PowerMapView(this);
    m_powerMap->setNote(tr("No data yet"));
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
    m_tabs->addTab(m_powerMap, tr("P(k⊥,k∥)"));
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
        return m_powerMap;
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
    if (!m_cubeStats)
        return false;
    for (const CubeStatistics& p : m_pinned)
        if (p.label == m_cubeStats->label && p.folder == m_cubeStats->folder)
            return true;
    m_pinned.push_back(*m_cubeStats);
    m_unpin->setEnabled(true);
    showCubeStatistics();
    return true;
}

void StatsPanel::clearPinned()
{
    m_pinned.clear();
    m_unpin->setEnabled(false);
    showCubeStatistics();
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

void StatsPanel::showCubeStatistics()
{
    SpectrumUnits units;
    units.perH = m_perH->isChecked();
    StatsSet set;
    for (const CubeStatistics& p : m_pinned)
        set.items.push_back(&p);
    if (m_cubeStats && std::none_of(m_pinned.begin(), m_pinned.end(), [this](const CubeStatistics& p) {
            return p.label == m_cubeStats->label && p.folder == m_cubeStats->folder;
        }))
        set.items.push_back(&*m_cubeStats);
    set.names = overlayNames(set.items);
    fillHistogramChart(charts::renewChart(m_views[0]), set);
    fillSpectrumChart(charts::renewChart(m_views[1]), set, units);
    fillBubbleCharts(charts::renewChart(m_mfpView), charts::renewChart(m_fofView), set);
    if (!m_cubeStats) {
        m_powerMap->setNote(tr("No data yet"));
        return;
    }
    m_powerMap->setData({m_cubeStats->field.cylindrical, units,
        tr("Cylindrical power spectrum of %1").arg(m_cubeStats->label), unitsText(m_cubeStats->quantity)});
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

void StatsPanel::showSeries()
{
    if (!m_series)
        return;
    const QString suffix = m_series->z.size() < 2 ? tr(" (one redshift in this run)") : QString();
    fillSeriesChart(m_views[2]->chart(), m_series->z, m_series->nf,
        tr("Neutral fraction, %1%2").arg(m_series->runLabel.toHtmlEscaped(), suffix),
        QStringLiteral("n<sub>f</sub> = ⟨x<sub>HI</sub>⟩"), std::make_pair(0.0, 1.0));
    fillSeriesChart(m_views[3]->chart(), m_series->z, m_series->meanTb,
        tr("Mean brightness temperature, %1%2").arg(m_series->runLabel.toHtmlEscaped(), suffix),
        QStringLiteral("⟨δT<sub>b</sub>⟩ [mK]"), std::nullopt);
}

void StatsPanel::exportPng(Chart c, const QString& path)
{
    // Δ²(k), P(k⊥,k∥) and the histories are written as the figures `reionscope-cli figure` makes
    // (figure/, 200 dpi); the PDF and bubble charts as they look on screen.
    constexpr int dpi = 200;
    figure::PaintFn paint;
    QSizeF inches;
    QString title;
    if (c == Chart::Spectrum && m_cubeStats) {
        std::vector<const CubeStatistics*> set;
        for (const CubeStatistics& s : m_pinned)
            set.push_back(&s);
        set.push_back(&*m_cubeStats);
        const std::vector<QString> names = overlayNames(set);
        std::vector<figure::NamedSpectrum> spectra;
        for (std::size_t i = 0; i < set.size(); ++i)
            spectra.push_back({names[i], set[i]->spectrum, set[i]->quantity});
        const auto f = std::make_shared<figure::PlotFigure>(figure::powerFigure(spectra,
            set.size() > 1 ? tr("Power spectrum Δ²(k)") : tr("Power spectrum Δ²(k) · %1").arg(m_cubeStats->label),
            m_perH->isChecked()));
        paint = [f](QPainter& p, const QRectF& r) { figure::paintPlot(p, r, *f); };
        inches = f->inches;
        title = f->title;
    } else if ((c == Chart::NeutralFraction || c == Chart::MeanTb) && m_series) {
        const RedshiftSeries series {m_series->z, m_series->nf, m_series->meanTb};
        const auto f = std::make_shared<figure::PlotFigure>(figure::historyFigure(
            {{m_series->runLabel, series}}, tr("Reionization history · %1").arg(m_series->runLabel)));
        paint = [f](QPainter& p, const QRectF& r) { figure::paintPlot(p, r, *f); };
        inches = f->inches;
        title = f->title;
    } else if (c == Chart::Cylindrical && m_powerMap->hasData()) {
        const charts::PowerMapData d = m_powerMap->data();
        paint = [d](QPainter& p, const QRectF& r) { figure::paintPowerMap(p, r.adjusted(8, 8, -8, -8), d); };
        inches = QSizeF(6.0, 4.8);
        title = d.title;
    } else {
        writePng(path, tabOf(c)->grab().toImage());
        return;
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
        text = c == Chart::Cylindrical ? cylindricalCsv(*m_cubeStats) : bubblesCsv(*m_cubeStats);
        break;
    case Chart::NeutralFraction:
    case Chart::MeanTb:
        if (!m_series)
            throw IoError(path.toStdString(), "no redshift history computed yet");
        text = seriesCsv(*m_series);
        break;
    }
    const QByteArray bytes = text.toUtf8();
    writeFileAtomically(path.toStdString(), bytes.constData(), std::size_t(bytes.size()));
}

void StatsPanel::exportWithDialog(bool png)
{
    const Chart c = currentChart();
    const char* stems[6] = {"histogram", "power_spectrum", "neutral_fraction_history", "mean_tb_history",
        "power_spectrum_2d", "bubble_sizes"};
    const QString path = charts::askExportPath(
        this, png ? tr("Save chart as PNG") : tr("Save chart data as CSV"), QLatin1String(stems[int(c)]), png);
    if (path.isEmpty())
        return;
    try {
        png ? exportPng(c, path) : exportCsv(c, path);
        Q_EMIT statusMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 5000);
    } catch (const Error& e) {
        Q_EMIT problem(tr("Could not export: %1").arg(QString::fromStdString(e.what())), {});
    }
}

} // namespace rs::ui
