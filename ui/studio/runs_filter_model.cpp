#include "studio/runs_filter_model.h"

#include "studio/run_columns.h"
#include "studio/runs_model.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QPalette>

namespace rs::ui {

RunsFilterModel::RunsFilterModel(RunsModel* runs, QObject* parent)
    : QSortFilterProxyModel(parent)
    , m_runs(runs)
{
    setSourceModel(runs);
    setSortRole(RunsModel::SortRole);
    setDynamicSortFilter(true);
    sort(-1); // source order until a column or a group is chosen
}

void RunsFilterModel::setFilterText(const QString& text)
{
    m_text = text;
    m_words = text.toLower().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    invalidateFilter();
}

void RunsFilterModel::setRunSubset(const std::optional<QSet<QString>>& paths)
{
    m_subset = paths;
    invalidateFilter();
}

void RunsFilterModel::setGroupKey(const QString& key)
{
    if (key == m_group)
        return;
    m_group = key;
    if (!key.isEmpty() && sortColumn() < 0)
        sort(RunsModel::Name, Qt::AscendingOrder);
    invalidate();
}

int RunsFilterModel::groupColumn() const
{
    if (m_group.isEmpty())
        return -1;
    for (int c = 0; c < m_runs->columnCount(); ++c)
        if (m_runs->columnKey(c) == m_group)
            return c;
    return -1;
}

QString RunsFilterModel::groupText(int row) const
{
    if (m_group.isEmpty() || row < 0 || row >= rowCount())
        return {};
    return runValueText(m_runs->value(mapToSource(index(row, 0)).row(), m_group));
}

int RunsFilterModel::groupIndex(int row) const
{
    int g = 0;
    for (int r = 1; r <= row; ++r)
        if (groupText(r) != groupText(r - 1))
            ++g;
    return g;
}

QVariant RunsFilterModel::data(const QModelIndex& index, int role) const
{
    if (m_group.isEmpty() || !index.isValid())
        return QSortFilterProxyModel::data(index, role);
    const bool groupCell = mapToSource(index).column() == groupColumn();
    const bool firstOfGroup = index.row() == 0 || groupText(index.row()) != groupText(index.row() - 1);
    if (groupCell && role == Qt::DisplayRole && !firstOfGroup)
        return QString(); // the group's value is shown once, on its first row
    if (groupCell && role == Qt::FontRole && firstOfGroup) {
        QFont f;
        f.setBold(true);
        return f;
    }
    if (role == Qt::BackgroundRole && groupIndex(index.row()) % 2 == 1)
        return QBrush(QColor(0xe8, 0xf0, 0xfa)); // groups banded
    return QSortFilterProxyModel::data(index, role);
}

bool RunsFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex&) const
{
    const RunEntry& e = m_runs->entry(sourceRow);
    if (m_subset && !m_subset->contains(e.path))
        return false;
    if (m_words.isEmpty())
        return true;
    const QString text = runSearchText(e);
    for (const QString& w : m_words)
        if (!text.contains(w))
            return false;
    return true;
}

bool RunsFilterModel::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    if (!m_group.isEmpty()) {
        const QVariant a = m_runs->value(left.row(), m_group), b = m_runs->value(right.row(), m_group);
        if (runValueLess(a, b) || runValueLess(b, a)) // groups ascending whatever the sort order
            return sortOrder() == Qt::AscendingOrder ? runValueLess(a, b) : runValueLess(b, a);
    }
    const QVariant a = left.data(RunsModel::SortRole), b = right.data(RunsModel::SortRole);
    if (runValueLess(a, b) || runValueLess(b, a))
        return runValueLess(a, b);
    return left.row() < right.row(); // stable: equal values keep the folder order
}

} // namespace rs::ui
