#include "studio/dataset_source_panel.h"

#include "ml/sim_sources.h"
#include "shell/job_runner.h"
#include "shell/text_format.h"
#include "util/error.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QStackedWidget>
#include <QStyle>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <set>

namespace rs::ui {

std::vector<double> parseNumbers(const QString& text, const char* what)
{
    std::vector<double> out;
    for (const QString& part : text.split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts)) {
        bool ok = false;
        const double v = part.toDouble(&ok);
        if (!ok)
            throw ParameterError(what, "'" + part.toStdString() + "' is not a number");
        out.push_back(v);
    }
    if (out.empty())
        throw ParameterError(what, "give at least one number");
    return out;
}

DatasetSourcePanel::DatasetSourcePanel(const QStringList& catalogPaths, const QString& datasetsFolder, QWidget* parent)
    : QWidget(parent)
    , m_catalogPaths(catalogPaths)
    , m_job(new JobRunner(this))
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_source = new QComboBox(this);
    m_source->addItems({tr("An existing dataset file"), tr("Build one from the catalog open in the Explorer"),
        tr("Build one from a simulator grid")});
    outer->addWidget(m_source);

    m_pages = new QStackedWidget(this);
    auto* filePage = new QWidget(m_pages);
    auto* fileRow = new QHBoxLayout(filePage);
    fileRow->setContentsMargins(0, 0, 0, 0);
    m_path = new QLineEdit(filePage);
    m_path->setPlaceholderText(tr("dataset .h5 (reionscope-cli dataset build)"));
    auto* browse = new QPushButton(tr("Browse…"), filePage);
    fileRow->addWidget(m_path, 1);
    fileRow->addWidget(browse);
    m_pages->addWidget(filePage);

    m_catalogLabel = new QLabel(m_pages);
    m_catalogLabel->setWordWrap(true);
    m_catalogLabel->setText(catalogPaths.isEmpty()
            ? tr("Nothing is open in the Explorer.")
            : tr("Cubes under: %1").arg(catalogPaths.join(QStringLiteral(", "))));
    m_pages->addWidget(m_catalogLabel);

    m_pages->addWidget(makeSimulatorPage());
    outer->addWidget(m_pages);

    outer->addWidget(makeBuildBox(datasetsFolder));

    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    outer->addWidget(m_summary);
    m_split = new QTableWidget(3, 3, this);
    m_split->setHorizontalHeaderLabels({tr("simulations"), tr("cubes"), tr("samples")});
    m_split->setVerticalHeaderLabels({tr("train"), tr("validation"), tr("test")});
    m_split->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_split->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_split->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_split->setFixedHeight(m_split->horizontalHeader()->sizeHint().height() + 3 * (fontMetrics().height() + 6) + 4);
    outer->addWidget(m_split);

    connect(m_source, &QComboBox::currentIndexChanged, this, [this](int i) { setSource(Source(i)); });
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(
            this, tr("Open a dataset"), QFileInfo(m_path->text()).path(), tr("Datasets (*.h5);;All files (*)"));
        if (!f.isEmpty())
            setDatasetPath(f);
    });
    connect(m_path, &QLineEdit::editingFinished, this, [this] { open(m_path->text()); });
    connect(m_build, &QPushButton::clicked, this, &DatasetSourcePanel::build);
    connect(m_cancel, &QToolButton::clicked, m_job, &JobRunner::cancel);
    connect(m_job, &JobRunner::progressChanged, this, [this](double f, const QString& stage) {
        m_progress->setValue(int(f * 1000));
        m_progress->setFormat(stage);
        m_progress->setTextVisible(true);
    });
    connect(m_job, &JobRunner::runningChanged, this, [this](bool on) {
        m_progress->setVisible(on);
        m_cancel->setVisible(on);
        m_build->setEnabled(!on);
    });
    connect(m_job, &JobRunner::failed, this, [this](const QString& message) {
        m_dataset.reset();
        m_summary->setText(QStringLiteral("<span style='color:#b02020'>%1</span>").arg(message.toHtmlEscaped()));
        showDataset();
        Q_EMIT datasetChanged();
    });
    connect(m_job, &JobRunner::cancelled, this, [this] { m_summary->setText(tr("Cancelled.")); });
    setSource(Source::File);
    showDataset();
}

QWidget* DatasetSourcePanel::makeSimulatorPage()
{
    auto* simPage = new QWidget(m_pages);
    auto* sim = new QFormLayout(simPage);
    sim->setContentsMargins(0, 0, 0, 0);
    m_dim = new QSpinBox(simPage);
    m_dim->setRange(16, 512);
    m_dim->setValue(64);
    m_box = new QDoubleSpinBox(simPage);
    m_box->setRange(1, 5000);
    m_box->setValue(96);
    m_box->setSuffix(QStringLiteral(" Mpc"));
    m_redshifts = new QLineEdit(QStringLiteral("7, 8, 9, 10"), simPage);
    m_zetas = new QLineEdit(QStringLiteral("20"), simPage);
    m_seeds = new QSpinBox(simPage);
    m_seeds->setRange(3, 1000);
    m_seeds->setValue(6);
    sim->addRow(tr("Grid (N³ cells)"), m_dim);
    sim->addRow(tr("Box"), m_box);
    sim->addRow(tr("Redshifts"), m_redshifts);
    sim->addRow(tr("ζ values"), m_zetas);
    m_velocities = new QComboBox(simPage);
    m_velocities->addItem(tr("off"), QStringLiteral("off"));
    m_velocities->addItem(tr("on (as classic 21cmFAST's delta_T_v3)"), QStringLiteral("on"));
    m_velocities->addItem(tr("both (every cube twice)"), QStringLiteral("both"));
    m_velocities->setToolTip(tr("The line-of-sight velocity terms of δT_b (the gradient factor and the sub-cell "
                                "redshift-space distortion, along z). Real classic 21cmFAST δT_b boxes "
                                "(delta_T_v3_*) carry them: a δT_b model meant for those should train with them."));
    sim->addRow(tr("Seeds (realizations)"), m_seeds);
    sim->addRow(tr("δT_b velocity terms"), m_velocities);
    return simPage;
}

QWidget* DatasetSourcePanel::makeBuildBox(const QString& datasetsFolder)
{
    m_buildBox = new QWidget(this);
    auto* build = new QFormLayout(m_buildBox);
    build->setContentsMargins(0, 0, 0, 0);
    m_quantity = new QComboBox(m_buildBox);
    for (Quantity q : {Quantity::BrightnessTemperature, Quantity::Density, Quantity::NeutralFraction})
        m_quantity->addItem(quantityWords(q), QString::fromLatin1(quantityName(q)));
    m_mode = new QComboBox(m_buildBox);
    m_mode->addItems({QStringLiteral("slices"), QStringLiteral("patches")});
    m_axes = new QLineEdit(QStringLiteral("xyz"), m_buildBox);
    m_stride = new QSpinBox(m_buildBox);
    m_stride->setRange(1, 1000);
    m_stride->setValue(4);
    m_fractions = new QLineEdit(QStringLiteral("0.7, 0.15, 0.15"), m_buildBox);
    m_fractions->setToolTip(tr("Fractions of the simulations (not of the slices) for train, validation, test"));
    auto* outRow = new QHBoxLayout;
    m_output = new QLineEdit(QDir(datasetsFolder).filePath(QStringLiteral("dataset.h5")), m_buildBox);
    auto* outBrowse = new QPushButton(tr("…"), m_buildBox);
    outRow->addWidget(m_output, 1);
    outRow->addWidget(outBrowse);
    build->addRow(tr("Quantity"), m_quantity);
    build->addRow(tr("Samples"), m_mode);
    build->addRow(tr("Slicing axes"), m_axes);
    build->addRow(tr("Every n-th slice"), m_stride);
    build->addRow(tr("Split by simulation"), m_fractions);
    build->addRow(tr("Write to"), outRow);
    auto* buildRow = new QHBoxLayout;
    m_build = new QPushButton(tr("Build dataset"), m_buildBox);
    m_progress = new QProgressBar(m_buildBox);
    m_progress->setRange(0, 1000);
    m_progress->setVisible(false);
    m_cancel = new QToolButton(m_buildBox);
    m_cancel->setIcon(style()->standardIcon(QStyle::SP_DialogCancelButton));
    m_cancel->setToolTip(tr("Cancel building"));
    m_cancel->setVisible(false);
    buildRow->addWidget(m_build);
    buildRow->addWidget(m_progress, 1);
    buildRow->addWidget(m_cancel);
    build->addRow(buildRow);
    connect(outBrowse, &QPushButton::clicked, this, [this] {
        const QString f
            = QFileDialog::getSaveFileName(this, tr("Write the dataset to"), m_output->text(), tr("Datasets (*.h5)"));
        if (!f.isEmpty())
            m_output->setText(f);
    });
    return m_buildBox;
}

void DatasetSourcePanel::setSource(Source s)
{
    {
        const QSignalBlocker block(m_source);
        m_source->setCurrentIndex(int(s));
    }
    m_pages->setCurrentIndex(int(s));
    // The stack is as tall as its current page, not its tallest (Ignored pages do not count).
    for (int i = 0; i < m_pages->count(); ++i)
        m_pages->widget(i)->setSizePolicy(
            QSizePolicy::Preferred, i == int(s) ? QSizePolicy::Preferred : QSizePolicy::Ignored);
    m_pages->updateGeometry();
    m_buildBox->setVisible(s != Source::File);
}

DatasetSourcePanel::Source DatasetSourcePanel::source() const
{
    return Source(m_source->currentIndex());
}

QString DatasetSourcePanel::datasetPath() const
{
    return m_dataset ? QString::fromStdString(m_dataset->info().path) : QString();
}

void DatasetSourcePanel::setDatasetPath(const QString& path)
{
    setSource(Source::File);
    m_path->setText(path);
    open(path);
}

void DatasetSourcePanel::setSimulatorGrid(
    int dim, double boxMpc, const QString& redshifts, const QString& zetas, int seeds)
{
    m_dim->setValue(dim);
    m_box->setValue(boxMpc);
    m_redshifts->setText(redshifts);
    m_zetas->setText(zetas);
    m_seeds->setValue(seeds);
}

bool DatasetSourcePanel::setVelocityTerms(const QString& name)
{
    const int i = m_velocities->findData(name);
    if (i >= 0)
        m_velocities->setCurrentIndex(i);
    return i >= 0;
}

void DatasetSourcePanel::setStride(int stride)
{
    m_stride->setValue(stride);
}

void DatasetSourcePanel::setOutputPath(const QString& path)
{
    m_output->setText(path);
}

void DatasetSourcePanel::open(const QString& path)
{
    if (path.isEmpty() || path == datasetPath())
        return;
    m_summary->setText(tr("Opening %1…").arg(QDir::toNativeSeparators(path)));
    const std::string p = path.toStdString();
    m_job->start(tr("Opening the dataset"), [this, p](const ProgressFn&, const StopToken&) {
        auto ds = rs::ml::DatasetFile::open(p);
        return std::function<void()>([this, ds] {
            m_dataset = ds;
            showDataset();
            Q_EMIT datasetChanged();
        });
    });
}

void DatasetSourcePanel::build()
{
    const Source src = source();
    if (src == Source::File)
        return;
    try {
        rs::ml::DatasetBuildOptions o;
        o.quantity = quantityFromName(m_quantity->currentData().toString().toStdString())
                         .value_or(Quantity::BrightnessTemperature);
        o.mode = m_mode->currentIndex() == 0 ? rs::ml::SampleMode::Slices : rs::ml::SampleMode::Patches;
        o.axes = m_axes->text().trimmed().toStdString();
        o.stride = std::size_t(m_stride->value());
        const std::vector<double> f = parseNumbers(m_fractions->text(), "split");
        if (f.size() != 3)
            throw ParameterError("split", "needs three fractions: train, validation, test");
        o.split = {f[0], f[1], f[2]};
        std::vector<rs::ml::DatasetSource> sources;
        std::vector<std::string> inputs;
        rs::ml::SimulationGrid grid;
        if (src == Source::Catalog) {
            if (m_catalogPaths.isEmpty())
                throw ParameterError("catalog", "nothing is open in the Explorer");
            for (const QString& p : m_catalogPaths)
                inputs.push_back(p.toStdString());
        } else {
            grid.base.dim = std::size_t(m_dim->value());
            grid.base.boxMpc = m_box->value();
            grid.redshifts = parseNumbers(m_redshifts->text(), "redshifts");
            grid.zetas = parseNumbers(m_zetas->text(), "zeta");
            for (int s = 1; s <= m_seeds->value(); ++s)
                grid.seeds.push_back(std::uint64_t(s));
        }
        const std::string velocities = m_velocities->currentData().toString().toStdString();
        const std::string out = m_output->text().trimmed().toStdString();
        if (out.empty())
            throw ParameterError("output", "choose where to write the dataset");
        QDir().mkpath(QFileInfo(m_output->text()).absolutePath());
        m_summary->setText(tr("Building…"));
        m_job->start(tr("Building a dataset"),
            [this, src, inputs, grid, velocities, o, out](const ProgressFn& progress, const StopToken& stop) {
                // Listing the catalog's cubes reads every file's header: on this worker, not the GUI.
                const auto sources = src == Source::Catalog
                    ? rs::ml::sourcesFromFiles(inputs, o.quantity)
                    : rs::ml::sourcesFromSimulator(grid, o.quantity, velocities);
                rs::ml::buildDataset(sources, o, out, progress, stop);
                auto ds = rs::ml::DatasetFile::open(out);
                return std::function<void()>([this, ds, out] {
                    m_dataset = ds;
                    {
                        const QSignalBlocker block(m_path);
                        m_path->setText(QString::fromStdString(out));
                    }
                    showDataset();
                    Q_EMIT datasetChanged();
                });
            });
    } catch (const rs::Error& e) {
        m_summary->setText(QStringLiteral("<span style='color:#b02020'>%1</span>")
                               .arg(QString::fromStdString(e.what()).toHtmlEscaped()));
    }
}

void DatasetSourcePanel::showDataset()
{
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c)
            m_split->setItem(r, c, new QTableWidgetItem(m_dataset ? QStringLiteral("0") : QStringLiteral("–")));
    if (!m_dataset) {
        if (!m_job->isRunning() && m_summary->text().isEmpty())
            m_summary->setText(tr("No dataset open yet."));
        return;
    }
    const rs::ml::DatasetInfo& i = m_dataset->info();
    std::set<std::string> groups[3];
    int cubes[3] = {0, 0, 0};
    for (const rs::ml::DatasetCube& c : i.cubes) {
        groups[int(c.split)].insert(c.group);
        ++cubes[int(c.split)];
    }
    for (int r = 0; r < 3; ++r) {
        m_split->item(r, 0)->setText(QString::number(groups[r].size()));
        m_split->item(r, 1)->setText(QString::number(cubes[r]));
        m_split->item(r, 2)->setText(QString::number(i.splitCounts[std::size_t(r)]));
    }
    m_summary->setText(
        tr("<b>%1</b>: %2 %3 of %4×%5 %6 (cell %7 Mpc), normalised by mean %8, std %9 of the training split. "
           "The split is by simulation: every slice of one realization is on one side.")
            .arg(QFileInfo(QString::fromStdString(i.path)).fileName().toHtmlEscaped())
            .arg(i.samples)
            .arg(QString::fromLatin1(rs::ml::sampleModeName(i.mode)))
            .arg(i.rows)
            .arg(i.cols)
            .arg(quantityWords(i.quantity))
            .arg(formatNumber(i.cellSizeMpc, 3), formatNumber(i.normMean, 4), formatNumber(i.normStd, 4)));
}

} // namespace rs::ui
