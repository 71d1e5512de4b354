#pragma once
/// \file catalog_model.h
/// The opened data as a tree: runs → redshifts → quantities (from rs::scanFolder or probed files).
/// Two columns: a name and details (grid and box for runs, file name for cubes).

#include "catalog/catalog.h"

#include <QAbstractItemModel>

#include <vector>

namespace rs::ui {

class CatalogModel : public QAbstractItemModel {
    Q_OBJECT

public:
    enum class Kind { Run, Redshift, Cube };
    enum Role {
        KindRole = Qt::UserRole + 1, ///< int(Kind)
        RunRole, ///< index of the run
        RedshiftRole, ///< redshift key (double; NaN when unknown)
        QuantityRole, ///< int(rs::Quantity) (cubes only)
        PathRole, ///< file path (cubes only)
    };

    explicit CatalogModel(QObject* parent = nullptr);

    /// Replaces the content with these runs.
    void setRuns(std::vector<CatalogRun> runs);
    const std::vector<CatalogRun>& runs() const { return m_runs; }
    int cubeCount() const;

    /// The index of a run, a redshift of a run, or a cube (invalid when absent).
    QModelIndex runIndex(int run) const;
    QModelIndex redshiftIndex(int run, double zKey) const;
    QModelIndex cubeIndex(int run, double zKey, Quantity q) const;
    /// The redshift keys of a run, increasing.
    std::vector<double> redshifts(int run) const;
    /// The cube entry behind a cube index (nullptr for other indexes).
    const CubeEntry* entry(const QModelIndex& index) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

private:
    struct RunRows {
        std::vector<double> z; ///< redshift keys in order
        std::vector<std::vector<Quantity>> cubes; ///< per z: quantities of primary entries in order
    };
    const CubeEntry* entryAt(int run, int zRow, int qRow) const;

    std::vector<CatalogRun> m_runs;
    std::vector<RunRows> m_rows;
};

} // namespace rs::ui
