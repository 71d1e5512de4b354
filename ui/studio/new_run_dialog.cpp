#include "studio/new_run_dialog.h"

#include "ml/dataset_health.h"
#include "ml/run_config.h"
#include "studio/dataset_source_panel.h"
#include "util/error.h"

#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

namespace rs::ui {

namespace {

/// ae, unet and generator learn whole fields, not a label: no target or task to choose.
bool learnsFields(const QString& model)
{
    return rs::ml::learnsFields(rs::ml::modelFromName(model.toStdString()));
}

QString fieldTaskName(const QString& model)
{
    return model == QLatin1String("ae")  ? QStringLiteral("recon")
        : model == QLatin1String("unet") ? QStringLiteral("translate")
                                         : QStringLiteral("generate");
}

QString defaultName(const QString& model, const QString& target)
{
    return QStringLiteral("%1-%2-%3")
        .arg(model, target, QDateTime::currentDateTime().toString(QStringLiteral("yyMMdd-HHmmss")));
}

/// The dataset's health warnings, under the dataset.
QLabel* warningLabel(QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("color: #9a5b00"));
    return label;
}

} // namespace

NewRunDialog::NewRunDialog(
    const QString& runsFolder, const QStringList& catalogPaths, const QStringList& encoderRuns, QWidget* parent)
    : QDialog(parent)
    , m_runsFolder(runsFolder)
{
    setWindowTitle(tr("New training run"));
    auto* outer = new QHBoxLayout(this);
    auto* left = new QVBoxLayout;
    auto* dataBox = new QGroupBox(tr("Dataset"), this);
    auto* dataLayout = new QVBoxLayout(dataBox);
    m_dataset = new DatasetSourcePanel(catalogPaths, QDir(runsFolder).filePath(QStringLiteral("../datasets")), dataBox);
    dataLayout->addWidget(m_dataset);
    m_warnings = warningLabel(dataBox); // filled (and shown) by updatePreview
    dataLayout->addWidget(m_warnings);
    left->addWidget(dataBox);

    auto* modelBox = new QGroupBox(tr("Model and training"), this);
    auto* form = new QFormLayout(modelBox);
    m_model = new QComboBox(modelBox);
    m_model->addItem(tr("ae — convolutional autoencoder (reconstructs)"), QStringLiteral("ae"));
    m_model->addItem(tr("mlp — dense baseline"), QStringLiteral("mlp"));
    m_model->addItem(tr("cnn — convolutional network"), QStringLiteral("cnn"));
    m_model->addItem(tr("codes-cnn — CNN on a frozen autoencoder's codes"), QStringLiteral("codes-cnn"));
    m_model->addItem(tr("unet — translates density into x_HI or δT_b (paired dataset)"), QStringLiteral("unet"));
    m_model->addItem(tr("generator — draws maps at chosen z and ζ (conditional VAE)"), QStringLiteral("generator"));
    m_model->setCurrentIndex(2);
    m_encoder = new QComboBox(modelBox);
    for (const QString& r : encoderRuns)
        m_encoder->addItem(QFileInfo(r).fileName(), r);
    m_encoder->setToolTip(tr("A finished autoencoder (ae) run trained on slices of the same size"));
    m_target = new QComboBox(modelBox);
    m_target->addItem(tr("redshift z"), QStringLiteral("z"));
    m_target->addItem(tr("ionizing efficiency ζ"), QStringLiteral("zeta"));
    m_target->addItem(tr("escape fraction f_esc"), QStringLiteral("fesc"));
    m_target->addItem(tr("neutral fraction of the slice"), QStringLiteral("nf"));
    m_task = new QComboBox(modelBox);
    m_task->addItem(tr("automatic (classify; regress for neutral fraction)"), QString());
    m_task->addItem(tr("classify"), QStringLiteral("classify"));
    m_task->addItem(tr("regress"), QStringLiteral("regress"));
    m_optimizer = new QComboBox(modelBox);
    m_optimizer->addItems({QStringLiteral("adam"), QStringLiteral("sgd")});
    m_lr = new QDoubleSpinBox(modelBox);
    m_lr->setDecimals(6);
    m_lr->setRange(1e-6, 10);
    m_lr->setSingleStep(1e-4);
    m_lr->setValue(1e-3);
    m_batch = new QSpinBox(modelBox);
    m_batch->setRange(1, 4096);
    m_batch->setValue(32);
    m_epochs = new QSpinBox(modelBox);
    m_epochs->setRange(1, 100000);
    m_epochs->setValue(10);
    m_threads = new QSpinBox(modelBox);
    m_threads->setRange(1, std::max(1, QThread::idealThreadCount()));
    m_threads->setValue(std::min(2, m_threads->maximum()));
    m_threads->setToolTip(tr("Compute threads for training; the GUI keeps priority over them"));
    m_maxBatches = new QSpinBox(modelBox);
    m_maxBatches->setRange(0, 1000000);
    m_maxBatches->setSpecialValueText(tr("all"));
    m_historyEvery = new QSpinBox(modelBox);
    m_historyEvery->setRange(0, 100000);
    m_historyEvery->setValue(20);
    m_historyEvery->setSpecialValueText(tr("epochs only"));
    m_seed = new QSpinBox(modelBox);
    m_seed->setRange(0, 1 << 30);
    m_name = new QLineEdit(modelBox);
    m_folderLabel = new QLabel(modelBox);
    m_folderLabel->setWordWrap(true);
    form->addRow(tr("Model"), m_model);
    form->addRow(tr("Encoder run"), m_encoder);
    form->addRow(tr("Target"), m_target);
    form->addRow(tr("Task"), m_task);
    form->addRow(tr("Optimizer"), m_optimizer);
    form->addRow(tr("Learning rate"), m_lr);
    createTrainingControls(modelBox, form);
    form->addRow(tr("Batch size"), m_batch);
    form->addRow(tr("Epochs"), m_epochs);
    form->addRow(tr("Threads"), m_threads);
    form->addRow(tr("Batches per epoch"), m_maxBatches);
    form->addRow(tr("History line every"), m_historyEvery);
    form->addRow(tr("Seed"), m_seed);
    form->addRow(tr("Run name"), m_name);
    form->addRow(QString(), m_folderLabel);
    left->addWidget(modelBox);
    outer->addLayout(left, 3);

    auto* right = new QVBoxLayout;
    right->addWidget(new QLabel(tr("config.json this run will write:"), this));
    m_preview = new QPlainTextEdit(this);
    m_preview->setReadOnly(true);
    m_preview->setLineWrapMode(QPlainTextEdit::NoWrap);
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    m_preview->setFont(mono);
    m_preview->setMinimumWidth(360);
    right->addWidget(m_preview, 1);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Start training"));
    right->addWidget(m_buttons);
    outer->addLayout(right, 2);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_dataset, &DatasetSourcePanel::datasetChanged, this, &NewRunDialog::updatePreview);
    auto changed = [this] {
        updateEnabled();
        updatePreview();
    };
    for (QComboBox* c : {m_model, m_encoder, m_target, m_task, m_optimizer, m_schedule})
        connect(c, &QComboBox::currentIndexChanged, this, changed);
    for (QDoubleSpinBox* s : {m_lr, m_weightDecay, m_gradClip})
        connect(s, &QDoubleSpinBox::valueChanged, this, changed);
    for (QSpinBox* s : {m_batch, m_epochs, m_threads, m_maxBatches, m_historyEvery, m_seed, m_earlyStop})
        connect(s, &QSpinBox::valueChanged, this, changed);
    connect(m_name, &QLineEdit::textChanged, this, changed);
    connect(m_model, &QComboBox::currentIndexChanged, this, [this] {
        const QString model = m_model->currentData().toString();
        m_name->setText(
            defaultName(model, learnsFields(model) ? fieldTaskName(model) : m_target->currentData().toString()));
    });
    connect(m_model, &QComboBox::activated, this, &NewRunDialog::showModelDefaults); // the user's choice only
    m_name->setText(defaultName(QStringLiteral("cnn"), QStringLiteral("z")));
    updateEnabled();
    updatePreview();
}

void NewRunDialog::createTrainingControls(QWidget* box, QFormLayout* form)
{
    m_schedule = new QComboBox(box);
    m_schedule->addItem(tr("constant"), QStringLiteral("constant"));
    m_schedule->addItem(tr("step (×0.1 every 10 epochs)"), QStringLiteral("step"));
    m_schedule->addItem(tr("cosine (to the model's floor at the last epoch)"), QStringLiteral("cosine"));
    m_schedule->addItem(tr("on plateau (×0.1 after 3 epochs without progress)"), QStringLiteral("plateau"));
    m_weightDecay = new QDoubleSpinBox(box);
    m_weightDecay->setDecimals(6);
    m_weightDecay->setRange(0, 1);
    m_weightDecay->setSingleStep(1e-4);
    m_gradClip = new QDoubleSpinBox(box);
    m_gradClip->setRange(0, 1e6);
    m_gradClip->setSpecialValueText(tr("off"));
    m_gradClip->setToolTip(tr("Clip the gradients' overall L2 norm to this value"));
    m_earlyStop = new QSpinBox(box);
    m_earlyStop->setRange(0, 100000);
    m_earlyStop->setSpecialValueText(tr("never"));
    m_earlyStop->setSuffix(tr(" epochs without a lower validation loss"));
    form->addRow(tr("Rate schedule"), m_schedule);
    form->addRow(tr("Weight decay"), m_weightDecay);
    form->addRow(tr("Gradient clipping"), m_gradClip);
    form->addRow(tr("Stop early after"), m_earlyStop);
}

void NewRunDialog::setConfig(const rs::ml::RunConfig& c)
{
    m_model->setCurrentIndex(m_model->findData(QString::fromLatin1(rs::ml::modelName(c.model))));
    const int enc = m_encoder->findData(QString::fromStdString(c.encoderRun));
    if (enc >= 0)
        m_encoder->setCurrentIndex(enc);
    else if (!c.encoderRun.empty()) {
        m_encoder->addItem(
            QFileInfo(QString::fromStdString(c.encoderRun)).fileName(), QString::fromStdString(c.encoderRun));
        m_encoder->setCurrentIndex(m_encoder->count() - 1);
    }
    const int t = m_target->findData(QString::fromLatin1(rs::ml::targetName(c.target)));
    if (t >= 0)
        m_target->setCurrentIndex(t);
    m_task->setCurrentIndex(c.task == rs::ml::defaultTask(c.model, c.target) ? 0
            : c.task == rs::ml::Task::Classify                               ? 1
                                                                             : 2);
    m_optimizer->setCurrentText(QString::fromStdString(c.optimizer.name));
    m_lr->setValue(c.optimizer.lr);
    m_schedule->setCurrentIndex(std::max(0, m_schedule->findData(QString::fromStdString(c.schedule.kind))));
    m_weightDecay->setValue(c.optimizer.weightDecay);
    m_gradClip->setValue(c.optimizer.gradClip);
    m_earlyStop->setValue(c.earlyStop.patience);
    m_batch->setValue(int(c.batch));
    m_epochs->setValue(c.epochs);
    m_threads->setValue(c.threads);
    m_maxBatches->setValue(int(c.maxBatchesPerEpoch));
    m_historyEvery->setValue(int(c.historyEvery));
    m_seed->setValue(int(c.seed));
}

rs::ml::RunConfig NewRunDialog::config() const
{
    rs::ml::RunConfig c;
    const QString model = m_model->currentData().toString();
    c.model = rs::ml::modelFromName(model.toStdString());
    c.target = learnsFields(model) ? rs::ml::Target::None
                                   : rs::ml::targetFromName(m_target->currentData().toString().toStdString());
    const QString task = m_task->currentData().toString();
    c.task = task.isEmpty() || learnsFields(model) ? rs::ml::defaultTask(c.model, c.target)
                                                   : rs::ml::taskFromName(task.toStdString());
    c.datasetPath = m_dataset->datasetPath().toStdString();
    if (c.model == rs::ml::ModelKind::CodesCnn)
        c.encoderRun = m_encoder->currentData().toString().toStdString();
    c.optimizer.name = m_optimizer->currentText().toStdString();
    c.optimizer.lr = m_lr->value();
    c.schedule.kind = m_schedule->currentData().toString().toStdString();
    c.optimizer.weightDecay = m_weightDecay->value();
    c.optimizer.gradClip = m_gradClip->value();
    c.earlyStop.patience = m_earlyStop->value();
    c.batch = std::size_t(m_batch->value());
    c.epochs = m_epochs->value();
    c.threads = m_threads->value();
    c.maxBatchesPerEpoch = std::size_t(m_maxBatches->value());
    c.historyEvery = std::size_t(m_historyEvery->value());
    c.seed = std::uint64_t(m_seed->value());
    // What the dialog has no control for comes from the model's defaults, as with `train`.
    rs::ml::RunConfig d;
    d.model = c.model;
    rs::ml::applyModelDefaults(d);
    c.schedule.minLr = d.schedule.minLr;
    c.priorLossWeight = d.priorLossWeight;
    return c;
}

void NewRunDialog::chooseModel(const QString& name)
{
    const int i = m_model->findData(name);
    if (i < 0)
        return;
    m_model->setCurrentIndex(i);
    showModelDefaults();
}

void NewRunDialog::showModelDefaults()
{
    rs::ml::RunConfig d;
    d.model = rs::ml::modelFromName(m_model->currentData().toString().toStdString());
    rs::ml::applyModelDefaults(d);
    m_epochs->setValue(d.epochs);
    m_batch->setValue(int(d.batch));
    m_lr->setValue(d.optimizer.lr);
    m_schedule->setCurrentIndex(std::max(0, m_schedule->findData(QString::fromStdString(d.schedule.kind))));
}

void NewRunDialog::setRunName(const QString& name)
{
    m_name->setText(name);
}

QString NewRunDialog::runDir() const
{
    return QDir(m_runsFolder).filePath(m_name->text().trimmed());
}

QString NewRunDialog::warningsText() const
{
    return m_warnings->text();
}

QString NewRunDialog::previewText() const
{
    return m_preview->toPlainText();
}

void NewRunDialog::updateEnabled()
{
    const QString model = m_model->currentData().toString();
    m_encoder->setEnabled(model == QLatin1String("codes-cnn"));
    m_target->setEnabled(!learnsFields(model));
    m_task->setEnabled(!learnsFields(model));
    m_lr->setSingleStep(m_lr->value() / 10);
}

void NewRunDialog::updatePreview()
{
    m_ready = false;
    QString problem;
    const QString name = m_name->text().trimmed();
    const QString dir = runDir();
    m_folderLabel->setText(tr("Folder: %1").arg(QDir::toNativeSeparators(dir)));
    const auto ds = m_dataset->dataset();
    const QString dsPath = ds ? QString::fromStdString(ds->info().path) : QString();
    if (dsPath != m_warnedFor) { // a few hundred samples read once per dataset, not per keystroke
        m_warnedFor = dsPath;
        QStringList lines;
        try {
            if (ds)
                for (const std::string& w : rs::ml::datasetWarnings(*ds, 400))
                    lines << QStringLiteral("⚠ ") + QString::fromStdString(w);
        } catch (const rs::Error& e) {
            lines << QString::fromStdString(e.what());
        }
        m_warnings->setText(lines.join(QLatin1Char('\n')));
        m_warnings->setVisible(!lines.isEmpty());
    }
    if (!ds)
        problem = tr("Choose or build a dataset first.");
    else if (name.isEmpty() || name.contains(QLatin1Char('/')))
        problem = tr("Give the run a name (no slashes): it becomes the run's folder.");
    else if (QFileInfo::exists(dir) && !QDir(dir).isEmpty())
        problem = tr("%1 exists already; choose another name (continue an existing run from the runs list).").arg(name);
    if (problem.isEmpty()) {
        try {
            rs::ml::RunConfig c = config();
            rs::ml::resolveRunConfig(c, *ds);
            c.created = "(when it starts)";
            m_preview->setPlainText(QString::fromStdString(rs::ml::runConfigJson(c)));
            m_ready = true;
        } catch (const rs::Error& e) {
            problem = QString::fromStdString(e.what());
        }
    }
    if (!problem.isEmpty())
        m_preview->setPlainText(tr("Cannot start yet:\n%1").arg(problem));
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(m_ready);
}

} // namespace rs::ui
