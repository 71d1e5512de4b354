#include "explorer/catalog_panel.h"

#include "explorer/catalog_model.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QTreeView>
#include <QVBoxLayout>

#include <cmath>

namespace rs::ui {

CatalogPanel::CatalogPanel(CatalogModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    m_view = new QTreeView(this);
    m_view->setModel(m_model);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_view->header()->setStretchLastSection(true);
    layout->addWidget(m_view, 1);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex& current) {
        if (!m_programmatic)
            onActivated(current);
    });
    connect(m_view, &QTreeView::activated, this, &CatalogPanel::onActivated);
    connect(m_view, &QTreeView::customContextMenuRequested, this, [this](const QPoint& pos) {
        const QModelIndex i = m_view->indexAt(pos);
        if (!i.isValid() || i.data(CatalogModel::KindRole).toInt() != int(CatalogModel::Kind::Cube))
            return;
        QMenu menu(this);
        QAction* compare = menu.addAction(tr("Show in another slice panel (lightcones: compare in the Lightcone tab)"));
        if (menu.exec(m_view->viewport()->mapToGlobal(pos)) == compare)
            Q_EMIT compareRequested(i.data(CatalogModel::RunRole).toInt(),
                i.data(CatalogModel::RedshiftRole).toDouble(), Quantity(i.data(CatalogModel::QuantityRole).toInt()));
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, &CatalogPanel::updateSummary);
    updateSummary();
}

void CatalogPanel::onActivated(const QModelIndex& index)
{
    if (!index.isValid())
        return;
    const auto kind = CatalogModel::Kind(index.data(CatalogModel::KindRole).toInt());
    const int run = index.data(CatalogModel::RunRole).toInt();
    double z = 0;
    if (kind == CatalogModel::Kind::Run) {
        const auto zs = m_model->redshifts(run);
        if (zs.empty())
            return;
        z = zs.front();
    } else {
        z = index.data(CatalogModel::RedshiftRole).toDouble();
    }
    Q_EMIT snapshotRequested(run, z);
}

void CatalogPanel::showCurrent(int run, double zKey)
{
    const QModelIndex zi = m_model->redshiftIndex(run, zKey);
    if (!zi.isValid())
        return;
    m_programmatic = true;
    m_view->expand(m_model->runIndex(run));
    m_view->expand(zi);
    m_view->selectionModel()->setCurrentIndex(zi, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(zi);
    m_programmatic = false;
}

void CatalogPanel::updateSummary()
{
    const int runs = m_model->rowCount();
    if (runs == 0) {
        m_summary->setText(tr("No data open. Use File ▸ Open, or drop files or folders here."));
        return;
    }
    m_summary->setText(tr("%n run(s), ", nullptr, runs) + tr("%n cube(s)", nullptr, m_model->cubeCount()));
}

} // namespace rs::ui
