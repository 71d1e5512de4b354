#pragma once
/// \file runs_filter_model.h
/// The runs table's view of the RunsModel: filtered by text (every word must appear in a run's
/// name, folder, tags, notes, sweep or "key=value" config entries) and by a set of runs (the
/// sweep views' brushing), sorted by any column (numbers by value), and grouped by any key
/// (run_columns.h): rows of one group stay together, groups in ascending order whatever the sort
/// order, the group's value is shown on its first row in the group column and groups are banded.

#include <QSet>
#include <QSortFilterProxyModel>

#include <optional>

namespace rs::ui {

class RunsModel;

class RunsFilterModel : public QSortFilterProxyModel {
    Q_OBJECT

public:
    explicit RunsFilterModel(RunsModel* runs, QObject* parent = nullptr);

    RunsModel* runs() const { return m_runs; }
    /// Words separated by spaces, all of which must match (case-insensitive); "" shows every run.
    void setFilterText(const QString& text);
    QString filterText() const { return m_text; }
    /// Only these runs (paths); nullopt: no such restriction.
    void setRunSubset(const std::optional<QSet<QString>>& paths);
    const std::optional<QSet<QString>>& runSubset() const { return m_subset; }
    /// Groups rows by a key ("" : no groups). The caller shows the key as a column of the runs
    /// model (RunsPanel::setGroupKey adds it as an extra column); groupColumn finds it.
    void setGroupKey(const QString& key);
    QString groupKey() const { return m_group; }
    /// The source column showing the group key, or -1.
    int groupColumn() const;
    /// The group value of a row of this model, as text ("" when not grouped).
    QString groupText(int row) const;

    QVariant data(const QModelIndex& index, int role) const override;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    int groupIndex(int row) const;

    RunsModel* m_runs = nullptr;
    QString m_text;
    QStringList m_words;
    std::optional<QSet<QString>> m_subset;
    QString m_group;
};

} // namespace rs::ui
