#include "studio/reconstruction_view.h"

#include "charts/chart_setup.h"

#include "explorer/linked_slices_view.h"
#include "explorer/slice_controls.h"
#include "explorer/slice_panel.h"
#include "explorer/stats_charts.h"
#include "ml/slice_fit.h"
#include "shell/job_runner.h"
#include "shell/text_format.h"
#include "studio/predictor_pool.h"
#include "studio/stack_cube.h"
#include "vtk/colormap.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace rs::ui {

namespace {

/// " mK²" (or "" for a dimensionless quantity). Not "%1²": QString::arg reads ² as a digit.
QString squaredUnits(const QString& units)
{
    return units.isEmpty() ? QString() : QLatin1Char(' ') + units + QChar(0x00B2);
}

struct Computed {
    rs::ml::Reconstructions data;
    std::vector<LoadedCube> cubes;
    std::vector<std::int64_t> indices;
    std::vector<rs::ml::SampleLabels> labels;
    QString what;
};

} // namespace

ReconstructionView::ReconstructionView(PredictorPool* pool, QWidget* parent)
    : QWidget(parent)
    , m_pool(pool)
    , m_job(new JobRunner(this))
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(2, 2, 2, 2);
    outer->setSpacing(3);
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Slices of"), this));
    m_source = new QComboBox(this);
    m_source->addItems({tr("the test set"), tr("the cube shown in the Explorer")});
    row->addWidget(m_source);
    m_axis = new QComboBox(this);
    m_axis->addItems({tr("along x"), tr("along y"), tr("along z")});
    m_axis->setCurrentIndex(2);
    row->addWidget(m_axis);
    row->addWidget(new QLabel(tr("at most"), this));
    m_max = new QSpinBox(this);
    m_max->setRange(1, 5000);
    m_max->setValue(200);
    m_max->setSuffix(tr(" samples"));
    row->addWidget(m_max);
    m_compute = new QPushButton(tr("Reconstruct"), this);
    row->addWidget(m_compute);
    auto* worst = new QToolButton(this);
    worst->setText(tr("Worst slice"));
    worst->setToolTip(tr("Show the slice with the largest reconstruction error"));
    row->addWidget(worst);
    row->addStretch(1);
    outer->addLayout(row);
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    outer->addWidget(m_note);

    auto* split = new QSplitter(Qt::Vertical, this);
    m_slices = new LinkedSlicesView(split);
    m_slices->setPanelCount(3);
    for (int i = 0; i < 3; ++i) // a stack of samples is stepped through along axis 0 only
        for (int a : {1, 2})
            m_slices->panel(i)->controls()->axisButton(a)->setEnabled(false);
    split->addWidget(m_slices);
    auto* bottom = new QWidget(split);
    auto* bottomRow = new QHBoxLayout(bottom);
    bottomRow->setContentsMargins(0, 0, 0, 0);
    m_spectrum = charts::makeChartView(bottom, 280, 180);
    showChartNote(m_spectrum->chart(), tr("Δ²(k) of input and reconstruction"));
    bottomRow->addWidget(m_spectrum, 3);
    auto* side = new QVBoxLayout;
    m_sample = new QLabel(bottom);
    m_sample->setWordWrap(true);
    m_sample->setTextInteractionFlags(Qt::TextSelectableByMouse);
    side->addWidget(m_sample);
    side->addWidget(new QLabel(tr("Worst slices (largest MSE):"), bottom));
    m_worst = new QListWidget(bottom);
    side->addWidget(m_worst, 1);
    bottomRow->addLayout(side, 2);
    split->addWidget(bottom);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    outer->addWidget(split, 1);

    connect(m_compute, &QPushButton::clicked, this, &ReconstructionView::compute);
    connect(m_source, &QComboBox::currentIndexChanged, this, [this] {
        m_axis->setEnabled(source() == Source::ExplorerCube);
        m_max->setEnabled(source() == Source::TestSet);
    });
    connect(worst, &QToolButton::clicked, this, [this] {
        if (m_data && !m_data->mse.empty())
            showSample(int(rs::ml::worstSamples(m_data->mse, 1).front()));
    });
    connect(m_worst, &QListWidget::itemActivated, this,
        [this](QListWidgetItem* item) { showSample(item->data(Qt::UserRole).toInt()); });
    connect(m_worst, &QListWidget::itemClicked, this,
        [this](QListWidgetItem* item) { showSample(item->data(Qt::UserRole).toInt()); });
    connect(m_slices, &LinkedSlicesView::linkedStateChanged, this, [this] { updateSample(); });
    connect(m_job, &JobRunner::failed, this, [this](const QString& message) {
        m_note->setText(tr("Could not reconstruct: %1").arg(message));
        Q_EMIT problem(tr("Could not reconstruct: %1").arg(message), message);
    });
    connect(m_job, &JobRunner::progressChanged, this, [this](double f, const QString& stage) {
        m_note->setText(tr("Reconstructing… %1 (%2 %)").arg(stage).arg(int(f * 100)));
    });
    m_axis->setEnabled(false);
    setRun({}, {});
}

void ReconstructionView::setRun(const QString& runDir, const rs::ml::RunConfig& config)
{
    const bool same = runDir == m_run;
    m_run = runDir;
    m_config = config;
    const bool ae = !runDir.isEmpty() && config.task == rs::ml::Task::Reconstruct;
    m_compute->setEnabled(ae);
    if (!ae) {
        m_job->cancel();
        m_note->setText(runDir.isEmpty() ? tr("Select an autoencoder (ae) run to see what it reconstructs.")
                                         : tr("This run does not reconstruct its input: reconstructions are for "
                                              "autoencoder (ae) runs."));
        return;
    }
    if (!same || !m_data)
        compute();
}

void ReconstructionView::setExplorerCubes(const std::vector<LoadedCube>& cubes)
{
    m_explorerCubes = cubes;
}

void ReconstructionView::setSource(Source s)
{
    m_source->setCurrentIndex(int(s));
}

ReconstructionView::Source ReconstructionView::source() const
{
    return Source(m_source->currentIndex());
}

void ReconstructionView::setAxis(int axis)
{
    m_axis->setCurrentIndex(axis);
}

void ReconstructionView::setMaxSamples(int n)
{
    m_max->setValue(n);
}

void ReconstructionView::compute()
{
    if (m_run.isEmpty() || m_config.task != rs::ml::Task::Reconstruct)
        return;
    const std::string run = m_run.toStdString();
    const rs::ml::RunConfig config = m_config;
    const double cell = std::isfinite(config.cellSizeMpc) && config.cellSizeMpc > 0 ? config.cellSizeMpc : 1.0;
    const Source src = source();
    std::optional<LoadedCube> cube;
    if (src == Source::ExplorerCube) {
        for (const LoadedCube& c : m_explorerCubes)
            if (c.quantity() == config.quantity)
                cube = c;
        if (!cube) {
            m_note->setText(tr("The Explorer shows no %1 cube to reconstruct.").arg(quantityWords(config.quantity)));
            return;
        }
    }
    const int axis = m_axis->currentIndex();
    const std::size_t maxSamples = std::size_t(m_max->value());
    PredictorPool* pool = m_pool;
    m_note->setText(tr("Reconstructing…"));
    m_job->start(tr("Reconstructing slices"), [=, this](const ProgressFn& progress, const StopToken& stop) {
        // On a worker: the predictor is leased to this job alone; the stacks are built here too,
        // so the GUI thread only swaps finished cubes in.
        Computed out;
        std::vector<float> input;
        std::size_t count = 0;
        std::optional<double> z;
        if (cube) {
            const rs::ml::FittedSlices f
                = rs::ml::fitSlices(cube->cube, {axis}, 1, config.rows, config.cols, config.cellSizeMpc);
            input = f.data;
            count = f.count;
            z = cube->cube.redshift();
            out.what = QStringLiteral("%1, slices along %2 (%3)")
                           .arg(cube->titlePlain(), QString(QLatin1Char("xyz"[axis])), QString::fromStdString(f.note));
        } else {
            const auto ds = rs::ml::DatasetFile::open(config.datasetPath);
            rs::ml::SampleStack s = rs::ml::readSplitSamples(*ds, rs::ml::Split::Test, maxSamples);
            input = std::move(s.values);
            count = s.count();
            out.indices = s.indices;
            for (std::int64_t i : s.indices)
                out.labels.push_back(ds->labels()[std::size_t(i)]);
            out.what = QStringLiteral("test set");
        }
        stop.throwIfStopped();
        {
            const PredictorPool::Lease lease = pool->acquire(run);
            out.data = rs::ml::reconstruct(*lease, std::move(input), count, cell, progress, stop);
        }
        const rs::ml::Reconstructions& r = out.data;
        const QString q = quantityWithUnitsHtml(config.quantity);
        out.cubes.push_back(stackCube(r.input, r.count, r.rows, r.cols, cell, config.quantity, z, r.valueRange,
            QStringLiteral("input · %1").arg(q)));
        out.cubes.push_back(stackCube(r.output, r.count, r.rows, r.cols, cell, config.quantity, z, r.valueRange,
            QStringLiteral("reconstruction · %1").arg(q)));
        out.cubes.push_back(stackCube(r.residual, r.count, r.rows, r.cols, cell, Quantity::Other, z, r.residualRange,
            QStringLiteral("residual = input − reconstruction")));
        for (std::vector<float>* v : {&out.data.input, &out.data.output, &out.data.residual})
            std::vector<float>().swap(*v); // the cubes hold the values now
        return std::function<void()>([this, out = std::move(out)]() mutable {
            m_data = std::move(out.data);
            m_indices = std::move(out.indices);
            m_labels = std::move(out.labels);
            m_what = out.what;
            showCubesInOrder(m_slices, std::move(out.cubes));
            m_slices->panel(2)->setColormap(ColormapId::CoolWarm);
            showData();
        });
    });
}

void ReconstructionView::showData()
{
    m_worst->clear();
    if (!m_data)
        return;
    const QString units = unitsText(m_config.quantity);
    for (std::size_t i : rs::ml::worstSamples(m_data->mse, 10)) {
        auto* item = new QListWidgetItem(
            tr("slice %1 · MSE %2%3").arg(i).arg(formatNumber(m_data->mse[i], 4), squaredUnits(units)), m_worst);
        item->setData(Qt::UserRole, int(i));
    }
    double mean = 0;
    for (double v : m_data->mse)
        mean += v / double(m_data->mse.size());
    m_note->setText(tr("%1 slices of %2 · mean MSE %3%4")
                        .arg(m_data->count)
                        .arg(m_what == QLatin1String("test set") ? tr("the test set") : m_what, formatNumber(mean, 4),
                            squaredUnits(units)));
    m_shown = -1;
    SliceViewState st = m_slices->linkedState();
    st.axis = 0;
    st.index = 0;
    m_slices->setLinkedState(st);
    updateSample();
}

void ReconstructionView::showSample(int i)
{
    SliceViewState st = m_slices->linkedState();
    st.axis = 0;
    st.index = i;
    m_slices->setLinkedState(st);
}

int ReconstructionView::currentSample() const
{
    return m_slices->linkedState().index;
}

std::int64_t ReconstructionView::datasetIndex(int i) const
{
    return i >= 0 && i < int(m_indices.size()) ? m_indices[std::size_t(i)] : -1;
}

QString ReconstructionView::sampleText() const
{
    return m_sample->text();
}

void ReconstructionView::updateSample()
{
    if (!m_data || m_data->count == 0)
        return;
    const int i = std::clamp(m_slices->linkedState().index, 0, int(m_data->count) - 1);
    if (i == m_shown)
        return;
    m_shown = i;
    const QString units = unitsText(m_config.quantity);
    const double mse = m_data->mse[std::size_t(i)];
    QString where;
    if (!m_labels.empty()) {
        const rs::ml::SampleLabels& l = m_labels[std::size_t(i)];
        where = tr("test sample %1 of %2 (dataset sample %3; z = %4, ζ = %5, cut along %6 at %7)")
                    .arg(i)
                    .arg(m_data->count)
                    .arg(m_indices[std::size_t(i)])
                    .arg(formatNumber(l.z), formatNumber(l.zeta),
                        QString(QLatin1Char("xyz"[std::clamp<int>(l.axis, 0, 2)])))
                    .arg(l.index);
    } else {
        where = tr("slice %1 of %2").arg(i).arg(m_data->count);
    }
    m_sample->setText(
        tr("%1<br><b>MSE %2%3</b> (RMS %4%5)")
            .arg(where.toHtmlEscaped(), formatNumber(mse, 4), squaredUnits(units), formatNumber(std::sqrt(mse), 4),
                units.isEmpty() ? QString() : QStringLiteral(" %1").arg(units)));
    const rs::PowerSpectrum& a = m_data->inputSpectra[std::size_t(i)];
    const rs::PowerSpectrum& b = m_data->outputSpectra[std::size_t(i)];
    const bool mpc = std::isfinite(m_config.cellSizeMpc) && m_config.cellSizeMpc > 0;
    fillSpectraChart(m_spectrum->chart(), tr("Δ²(k) of slice %1").arg(i),
        {{tr("input"), a.k, a.delta2, QColor(0x1f, 0x77, 0xb4), false, true, {}},
            {tr("reconstruction"), b.k, b.delta2, QColor(0xd6, 0x27, 0x28), true, true, {}}},
        mpc ? QStringLiteral("k [Mpc<sup>−1</sup>]") : QStringLiteral("k [pixel<sup>−1</sup>]"),
        units.isEmpty() ? QStringLiteral("Δ<sup>2</sup>(k) (2D)")
                        : QStringLiteral("Δ<sup>2</sup>(k) (2D) [%1<sup>2</sup>]").arg(units));
}

} // namespace rs::ui
