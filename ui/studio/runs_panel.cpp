#include "studio/runs_panel.h"

#include "studio/run_columns.h"
#include "studio/runs_filter_model.h"
#include "studio/runs_model.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPalette>
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
    m_filter = new RunsFilterModel(model, this);
    buildFilterRow();
    m_view = new QTableView(this);
    m_view->setModel(m_filter);
    m_view->setSortingEnabled(true);
    m_view->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_view->horizontalHeader()->setSectionsMovable(true);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
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
    buildUndoBar();
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
        out << m_filter->index(r, 0).data(RunsModel::PathRole).toString();
    return out;
}

QString RunsPanel::currentRun() const
{
    const QModelIndex i = m_view->selectionModel()->currentIndex();
    if (i.isValid() && m_view->selectionModel()->isRowSelected(i.row(), {}))
        return i.siblingAtColumn(0).data(RunsModel::PathRole).toString();
    const QStringList sel = selectedRuns();
    return sel.isEmpty() ? QString() : sel.front();
}

void RunsPanel::selectRuns(const QStringList& paths)
{
    QItemSelection selection;
    QModelIndex first;
    for (const QString& p : paths) {
        const QModelIndex at = m_filter->mapFromSource(m_model->index(m_model->rowOf(p), 0));
        if (!at.isValid())
            continue; // not listed, or filtered out
        selection.select(at, at.siblingAtColumn(m_filter->columnCount() - 1));
        if (!first.isValid())
            first = at;
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

namespace rs::ui {

void RunsPanel::buildFilterRow()
{
    auto* row = new QHBoxLayout;
    m_filterEdit = new QLineEdit(this);
    m_filterEdit->setPlaceholderText(tr("Filter: name, tag, notes, lr=0.001 …"));
    m_filterEdit->setClearButtonEnabled(true);
    m_filterEdit->setToolTip(tr("Shows the runs whose name, folder, tags, notes, sweep or settings "
                                "(as key=value, e.g. optimizer.lr=0.003) contain every word"));
    connect(m_filterEdit, &QLineEdit::textChanged, m_filter, &RunsFilterModel::setFilterText);
    row->addWidget(m_filterEdit, 1);
    m_group = new QComboBox(this);
    m_group->setToolTip(tr("Group the runs by a setting or a result (sweeps: by sweep)"));
    m_group->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_group->setMinimumContentsLength(10);
    row->addWidget(m_group);
    m_columns = new QToolButton(this);
    m_columns->setText(tr("Columns"));
    m_columns->setToolTip(tr("Show settings and results as columns (sort by clicking a header)"));
    m_columns->setPopupMode(QToolButton::InstantPopup);
    m_columns->setMenu(new QMenu(m_columns));
    row->addWidget(m_columns);
    static_cast<QVBoxLayout*>(layout())->addLayout(row);
    connect(m_columns->menu(), &QMenu::aboutToShow, this, [this] {
        QMenu* menu = m_columns->menu();
        menu->clear();
        const QStringList shown = m_model->extraColumns();
        for (const QString& key : m_model->availableKeys()) {
            QAction* a
                = menu->addAction(runKeyTitle(key) == key ? key : QStringLiteral("%1 (%2)").arg(runKeyTitle(key), key));
            a->setCheckable(true);
            a->setChecked(shown.contains(key));
            connect(a, &QAction::toggled, this, [this, key](bool on) {
                QStringList keys = m_model->extraColumns();
                on ? keys.append(key) : void(keys.removeAll(key));
                setExtraColumns(keys);
            });
        }
    });
    connect(m_group, &QComboBox::activated, this, [this](int i) {
        m_groupChosen = true;
        setGroupKey(m_group->itemData(i).toString());
    });
    auto refill = [this] {
        fillKeyChoices();
        if (m_groupChosen || !m_filter->groupKey().isEmpty())
            return;
        for (int r = 0; r < m_model->rowCount(); ++r)
            if (!m_model->entry(r).config.sweep.name.empty()) { // sweeps show as groups
                setGroupKey(QStringLiteral("sweep"));
                return;
            }
    };
    connect(m_model, &QAbstractItemModel::rowsInserted, this, refill);
    connect(m_model, &QAbstractItemModel::modelReset, this, refill);
    fillKeyChoices();
}

void RunsPanel::fillKeyChoices()
{
    const QStringList keys = m_model->availableKeys();
    if (m_group->count() == keys.size() + 1)
        return;
    const QString current = m_filter->groupKey();
    m_group->clear();
    m_group->addItem(tr("No groups"), QString());
    for (const QString& k : keys)
        m_group->addItem(tr("Group: %1").arg(runKeyTitle(k)), k);
    m_group->setCurrentIndex(std::max(0, m_group->findData(current)));
}

void RunsPanel::setGroupKey(const QString& key)
{
    const QStringList selected = selectedRuns(); // new columns reset the model
    const QString current = currentRun();
    QStringList extra = m_model->extraColumns();
    const QString old = m_filter->groupKey();
    if (!old.isEmpty() && old != key && m_model->columnKey(RunsModel::ColumnCount) == old)
        extra.removeFirst(); // the old group's column goes with it
    if (!key.isEmpty() && !extra.contains(key))
        extra.prepend(key);
    m_model->setExtraColumns(extra);
    if (!key.isEmpty() && m_view->horizontalHeader()->sortIndicatorSection() < 0)
        m_view->sortByColumn(RunsModel::Name, Qt::AscendingOrder); // groups need a sorted view
    m_filter->setGroupKey(key);
    const int column = m_filter->groupColumn();
    if (column >= 0)
        m_view->horizontalHeader()->moveSection(m_view->horizontalHeader()->visualIndex(column), 0);
    m_group->setCurrentIndex(std::max(0, m_group->findData(key)));
    if (selectedRuns() != selected) {
        QStringList order = selected;
        if (order.removeAll(current) > 0)
            order.prepend(current); // the current run stays current
        selectRuns(order);
    }
}

void RunsPanel::setExtraColumns(const QStringList& keys)
{
    QStringList extra = keys;
    const QString group = m_filter->groupKey();
    if (!group.isEmpty() && !extra.contains(group))
        extra.prepend(group);
    m_model->setExtraColumns(extra);
    setGroupKey(group);
}

void RunsPanel::buildUndoBar()
{
    m_undoBar = new QFrame(this);
    m_undoBar->setFrameShape(QFrame::StyledPanel);
    m_undoBar->setAutoFillBackground(true);
    QPalette pal = m_undoBar->palette();
    pal.setColor(QPalette::Window, QColor(0xfd, 0xf6, 0xd8));
    m_undoBar->setPalette(pal);
    auto* row = new QHBoxLayout(m_undoBar);
    row->setContentsMargins(6, 2, 2, 2);
    m_undoText = new QLabel(m_undoBar);
    m_undoText->setWordWrap(true);
    row->addWidget(m_undoText, 1);
    m_undo = new QToolButton(m_undoBar);
    m_undo->setText(tr("Undo"));
    row->addWidget(m_undo);
    auto* close = new QToolButton(m_undoBar);
    close->setText(QStringLiteral("×"));
    close->setAutoRaise(true);
    row->addWidget(close);
    connect(m_undo, &QToolButton::clicked, this, &RunsPanel::undoRequested);
    connect(close, &QToolButton::clicked, m_undoBar, &QWidget::hide);
    m_undoBar->setVisible(false);
    layout()->addWidget(m_undoBar);
}

void RunsPanel::showUndoBar(const QString& text, bool undo)
{
    m_undoText->setText(text);
    m_undo->setVisible(undo);
    m_undoBar->setVisible(!text.isEmpty());
}

QString RunsPanel::undoBarText() const
{
    return m_undoBar->isVisibleTo(this) ? m_undoText->text() : QString();
}

} // namespace rs::ui
