#pragma once
/// \file config_compare.h
/// The configurations of several runs side by side: one row per config.json setting (nested
/// keys flattened, "optimizer.lr"), one column per run, rows whose values differ highlighted
/// and listed first, with an option to show only those.

#include "ml/run_folder.h"

#include <QWidget>

#include <vector>

class QCheckBox;
class QTableWidget;

namespace rs::ui {

class ConfigCompare : public QWidget {
    Q_OBJECT

public:
    explicit ConfigCompare(QWidget* parent = nullptr);

    /// Shows these runs' configurations (name, config) in this order, and with each run's results
    /// (`results[i]`: rows such as "result.best_epoch" → "3", listed before the settings).
    void setRuns(const std::vector<std::pair<QString, rs::ml::RunConfig>>& runs,
        const std::vector<std::vector<std::pair<QString, QString>>>& results = {});
    /// Settings whose values differ between the runs shown ("optimizer.lr", ...).
    QStringList differingKeys() const { return m_differing; }
    QTableWidget* table() const { return m_table; }
    void setOnlyDifferences(bool on);

private:
    void rebuild();

    QTableWidget* m_table = nullptr;
    QCheckBox* m_onlyDiff = nullptr;
    std::vector<std::pair<QString, rs::ml::RunConfig>> m_runs;
    std::vector<std::vector<std::pair<QString, QString>>> m_results;
    QStringList m_differing;
};

} // namespace rs::ui
