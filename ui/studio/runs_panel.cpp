#include "studio/runs_panel.h"

#include "studio/runs_model.h"

#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace rs::ui {

RunsPanel::RunsPanel(RunsModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(2, 2, 2, 2);
    outer->setSpacing(3);
    auto* row = new QHBoxLayout;
    m_folder = new QLabel(this);
    m_folder->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_folder->setMinimumWidth(60);
    row->addWidget(m_folder, 1);
    m_newRun = new QToolButton(this);
    m_newRun->setText(tr("New run…"));
    m_newRun->setToolTip(tr("Choose a dataset and a model, and start training"));
    row->addWidget(m_newRun);
    auto* change = new QToolButton(this);
    change->setText(tr("Folder…"));
    change->setToolTip(tr("Choose the folder whose run folders are listed (runs written there by "
                          "reionscope-cli in other processes appear too)"));
    row->addWidget(change);
    outer->addLayout(row);
    m_view = new QTableView(this);
    m_view->setModel(model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->verticalHeader()->setVisible(false);
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->setWordWrap(false);
    m_view->setAlternatingRowColors(true);
    outer->addWidget(m_view, 1);
    m_empty = new QLabel(tr("<p>No runs in this folder yet.</p><p>Press <b>New run…</b> to train a model on a "
                            "dataset: build one from the Explorer's cubes or from simulations in the dialog. "
                            "Runs that <tt>reionscope-cli train --out</tt> or <tt>sweep --out</tt> writes into "
                            "this folder appear here too, live.</p>"),
        this);
    m_empty->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_empty->setMargin(8);
    outer->addWidget(m_empty, 1);
    auto updateEmpty = [this] {
        const bool empty = m_model->rowCount() == 0;
        m_empty->setVisible(empty);
        m_view->setVisible(!empty);
    };
    connect(model, &QAbstractItemModel::rowsInserted, this, updateEmpty);
    connect(model, &QAbstractItemModel::rowsRemoved, this, updateEmpty);
    connect(model, &QAbstractItemModel::modelReset, this, updateEmpty);
    updateEmpty();
    connect(m_newRun, &QToolButton::clicked, this, &RunsPanel::newRunRequested);
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    m_note->setVisible(false);
    outer->addWidget(m_note);
    connect(change, &QToolButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Runs folder"), m_folder->toolTip());
        if (!dir.isEmpty())
            Q_EMIT folderChangeRequested(dir);
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &RunsPanel::selectionChanged);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &RunsPanel::selectionChanged);
}

void RunsPanel::setFolder(const QString& folder)
{
    m_folder->setText(tr("Runs in <b>%1</b>").arg(QDir::toNativeSeparators(QDir(folder).dirName()).toHtmlEscaped()));
    m_folder->setToolTip(folder);
    showNote({});
}

QStringList RunsPanel::selectedRuns() const
{
    QList<int> rows;
    for (const QModelIndex& i : m_view->selectionModel()->selectedRows())
        rows << i.row();
    std::sort(rows.begin(), rows.end());
    QStringList out;
    for (int r : rows)
        out << m_model->entry(r).path;
    return out;
}

QString RunsPanel::currentRun() const
{
    const QModelIndex i = m_view->selectionModel()->currentIndex();
    if (i.isValid() && m_view->selectionModel()->isRowSelected(i.row(), {}))
        return m_model->entry(i.row()).path;
    const QStringList sel = selectedRuns();
    return sel.isEmpty() ? QString() : sel.front();
}

void RunsPanel::selectRuns(const QStringList& paths)
{
    QItemSelection selection;
    QModelIndex first;
    for (const QString& p : paths) {
        const int row = m_model->rowOf(p);
        if (row < 0)
            continue;
        selection.select(m_model->index(row, 0), m_model->index(row, RunsModel::ColumnCount - 1));
        if (!first.isValid())
            first = m_model->index(row, 0);
    }
    m_view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    if (first.isValid())
        m_view->selectionModel()->setCurrentIndex(first, QItemSelectionModel::NoUpdate);
}

QString RunsPanel::emptyText() const
{
    return m_empty->isVisibleTo(this) ? m_empty->text() : QString();
}

void RunsPanel::showNote(const QString& text)
{
    m_note->setText(text);
    m_note->setVisible(!text.isEmpty());
}

} // namespace rs::ui
