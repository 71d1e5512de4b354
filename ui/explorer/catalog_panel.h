#pragma once
/// \file catalog_panel.h
/// The data browser: a tree of runs → redshifts → quantities. Choosing a redshift (or a cube
/// under it) asks for that run and z to be shown; a cube's context menu can add it to the slice
/// view for comparison.

#include "cube/quantity.h"

#include <QWidget>

class QLabel;
class QTreeView;

namespace rs::ui {

class CatalogModel;

class CatalogPanel : public QWidget {
    Q_OBJECT

public:
    explicit CatalogPanel(CatalogModel* model, QWidget* parent = nullptr);

    QTreeView* view() const { return m_view; }
    /// Marks (selects, expands) the run and redshift being shown, without emitting requests.
    void showCurrent(int run, double zKey);

Q_SIGNALS:
    void snapshotRequested(int run, double zKey);
    void compareRequested(int run, double zKey, rs::Quantity quantity);

private:
    void onActivated(const QModelIndex& index);
    void updateSummary();

    CatalogModel* m_model = nullptr;
    QTreeView* m_view = nullptr;
    QLabel* m_summary = nullptr;
    bool m_programmatic = false;
};

} // namespace rs::ui
