#include "explorer/explorer_workspace.h"

#include "charts/chart_export.h"
#include "explorer/catalog_model.h"
#include "explorer/catalog_panel.h"
#include "explorer/lightcone_view.h"
#include "explorer/linked_slices_view.h"
#include "explorer/session.h"
#include "explorer/slice_controls.h"
#include "explorer/slice_export.h"
#include "explorer/slice_panel.h"
#include "explorer/stats_panel.h"
#include "explorer/volume_panel.h"
#include "figure/figure_file.h"
#include "util/error.h"
#include "vtk/volume_canvas.h"

#include <QAction>
#include <QActionGroup>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QMenu>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QTabWidget>

#include <memory>

namespace rs::ui {

ExplorerWorkspace::ExplorerWorkspace(Session* session, QWidget* parent)
    : Workspace(parent)
    , m_session(session)
{
    m_catalog = new CatalogPanel(session->model(), this);
    m_slices = new LinkedSlicesView(this);
    m_volume = new VolumePanel(this);
    m_stats = new StatsPanel(this);

    m_bottom = new QSplitter(Qt::Horizontal, this);
    m_bottom->addWidget(m_volume);
    m_bottom->addWidget(m_stats);
    m_bottom->setStretchFactor(0, 1);
    m_bottom->setStretchFactor(1, 1);
    m_right = new QSplitter(Qt::Vertical, this);
    m_lightcone = new LightconeView(this);
    m_views = new QTabWidget(this);
    m_views->setDocumentMode(true);
    m_views->addTab(m_slices, tr("Slices"));
    m_views->addTab(m_lightcone, tr("Lightcone"));
    m_right->addWidget(m_views);
    m_right->addWidget(m_bottom);
    m_right->setStretchFactor(0, 3);
    m_right->setStretchFactor(1, 2);
    m_main = new QSplitter(Qt::Horizontal, this);
    m_main->addWidget(m_catalog);
    m_main->addWidget(m_right);
    m_main->setStretchFactor(0, 0);
    m_main->setStretchFactor(1, 1);
    m_main->setSizes({260, 1200});
    for (QSplitter* s : {m_main, m_right, m_bottom})
        s->setChildrenCollapsible(false);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_main);

    connect(m_catalog, &CatalogPanel::snapshotRequested, session, &Session::loadSnapshot);
    connect(m_catalog, &CatalogPanel::compareRequested, session, &Session::loadComparison);
    connect(session, &Session::snapshotChanged, this, [this](const Snapshot& s) {
        m_slices->setSnapshot(s);
        showLightcone(s);
        m_volume->setSnapshot(s);
        m_stats->setSnapshot(s);
        if (m_session->currentRun() >= 0)
            m_stats->setRun(m_session->model()->runs()[std::size_t(m_session->currentRun())]);
        m_catalog->showCurrent(m_session->currentRun(), m_session->currentRedshift());
        m_volume->setSlicePlane(m_slices->linkedState().axis, m_slices->linkedState().index);
    });
    connect(session, &Session::refreshed, this,
        [this] { m_catalog->showCurrent(m_session->currentRun(), m_session->currentRedshift()); });
    connect(session, &Session::comparisonLoaded, this, [this](const LoadedCube& c) {
        // A second lightcone is compared in the Lightcone tab (stacked or A − B); boxes go to a panel.
        if (c.cube.metadata().kind == FieldKind::Lightcone && !m_lightcone->lightcone().empty()) {
            m_lightcone->setComparison(c.cube, c.runLabel);
            m_views->setCurrentWidget(m_lightcone);
        } else {
            m_slices->addComparisonCube(c);
        }
    });
    connect(m_slices, &LinkedSlicesView::linkedStateChanged, this,
        [this](const SliceViewState& st) { m_volume->setSlicePlane(st.axis, st.index); });
    connect(m_slices, &LinkedSlicesView::probed, this, &Workspace::probed);
    connect(m_slices, &LinkedSlicesView::problem, this, [this](const QString& m) { Q_EMIT problem(m, {}); });
    connect(m_lightcone, &LightconeView::hovered, this, [this](const QString& t) { Q_EMIT statusMessage(t, 3000); });
    connect(
        m_lightcone, &LightconeView::statusMessage, this, [this](const QString& t) { Q_EMIT statusMessage(t, 5000); });
    connect(m_lightcone, &LightconeView::problem, this, [this](const QString& m) { Q_EMIT problem(m, {}); });
    connect(m_lightcone, &LightconeView::redshiftChosen, this, [this](double z, std::size_t) {
        Q_EMIT statusMessage(
            tr("Transverse slice at z = %1 (ν = %2 MHz)").arg(z, 0, 'f', 4).arg(1420.405751768 / (1.0 + z), 0, 'f', 3),
            5000);
    });
    connect(m_stats, &StatsPanel::statusMessage, this, &Workspace::statusMessage);
    connect(m_stats, &StatsPanel::problem, this, &Workspace::problem);
    connect(m_volume, &VolumePanel::statusMessage, this, [this](const QString& t) { Q_EMIT statusMessage(t, 5000); });
    buildActions();
}

void ExplorerWorkspace::showLightcone(const Snapshot& s)
{
    // δT_b first (the classic picture), else the first lightcone of the snapshot.
    const LoadedCube* pick = nullptr;
    for (const LoadedCube& c : s.cubes)
        if (c.cube.metadata().kind == FieldKind::Lightcone
            && (!pick
                || (c.quantity() == Quantity::BrightnessTemperature
                    && pick->quantity() != Quantity::BrightnessTemperature)))
            pick = &c;
    m_lightcone->setLightcone(pick ? pick->cube : Cube(), pick ? std::optional(pick->stats) : std::nullopt);
    m_views->setCurrentWidget(pick ? static_cast<QWidget*>(m_lightcone) : m_slices);
}

QString ExplorerWorkspace::title() const
{
    return tr("Explorer");
}

void ExplorerWorkspace::buildActions()
{
    auto add = [this](const QString& text, const QString& title, const QString& filter, const QString& suffix,
                   void (ExplorerWorkspace::*write)(const QString&)) {
        auto* a = new QAction(text, this);
        connect(a, &QAction::triggered, this, [=, this] { exportWithDialog(title, filter, suffix, write); });
        m_exports.append(a);
        return a;
    };
    add(tr("Slice View as &Figure (PNG, SVG, PDF)…"), tr("Export the current slice panel as a figure"),
        tr("PNG images (*.png);;SVG drawings (*.svg);;PDF documents (*.pdf)"), QStringLiteral("png"),
        &ExplorerWorkspace::exportSliceView)
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    auto* cone = new QAction(tr("&Lightcone View as Figure (PNG, SVG, PDF)…"), this);
    connect(cone, &QAction::triggered, m_lightcone, &LightconeView::exportWithDialog);
    m_exports.append(cone);
    add(tr("Slice as &NumPy (.npy)…"), tr("Export the current slice's values"), tr("NumPy arrays (*.npy)"),
        QStringLiteral("npy"), &ExplorerWorkspace::exportSliceNpy);
    add(tr("Slice as &CSV…"), tr("Export the current slice's values"), tr("CSV files (*.csv)"), QStringLiteral("csv"),
        &ExplorerWorkspace::exportSliceCsv);
    add(tr("&Volume View as Figure (PNG, SVG, PDF)…"), tr("Export the volume view as a figure"),
        tr("PNG images (*.png);;SVG drawings (*.svg);;PDF documents (*.pdf)"), QStringLiteral("png"),
        &ExplorerWorkspace::exportVolumeView);

    m_viewMenu = new QMenu(tr("&View"), this);
    QMenu* panels = m_viewMenu->addMenu(tr("Slice &Panels"));
    auto* group = new QActionGroup(this);
    for (int n = 1; n <= LinkedSlicesView::kMaxPanels; ++n) {
        QAction* a = panels->addAction(tr("%n panel(s)", nullptr, n));
        a->setCheckable(true);
        a->setChecked(n == m_slices->panelCount());
        a->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | (Qt::Key_0 + n)));
        group->addAction(a);
        connect(a, &QAction::triggered, this, [this, n] { m_slices->setPanelCount(n); });
    }
    connect(m_slices, &LinkedSlicesView::panelCountChanged, this,
        [group](int n) { group->actions().at(n - 1)->setChecked(true); });
    auto step = [this](int delta) {
        SliceViewState st = m_slices->linkedState();
        st.index += delta;
        m_slices->setLinkedState(st);
    };
    QAction* next = m_viewMenu->addAction(tr("&Next Slice"));
    next->setShortcut(QKeySequence(Qt::Key_BracketRight));
    connect(next, &QAction::triggered, this, [step] { step(1); });
    QAction* prev = m_viewMenu->addAction(tr("P&revious Slice"));
    prev->setShortcut(QKeySequence(Qt::Key_BracketLeft));
    connect(prev, &QAction::triggered, this, [step] { step(-1); });
    QAction* play = m_viewMenu->addAction(tr("&Play / Pause"));
    play->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    connect(play, &QAction::triggered, this, [this] {
        SliceControls* c = m_slices->currentPanel()->controls();
        c->setPlaying(!c->isPlaying());
    });
    m_viewMenu->addSeparator();
    for (int axis = 0; axis < 3; ++axis) {
        QAction* a = m_viewMenu->addAction(tr("Slice Along &%1").arg(QLatin1Char("xyz"[axis])));
        a->setShortcut(QKeySequence(Qt::CTRL | (Qt::Key_1 + axis)));
        connect(a, &QAction::triggered, this, [this, axis] {
            SliceViewState st = m_slices->linkedState();
            if (st.axis == axis)
                return;
            st.axis = axis;
            st.index = m_slices->currentPanel()->canvas()->sliceCount(axis) / 2;
            m_slices->setLinkedState(st);
        });
    }
    m_viewMenu->addSeparator();
    QAction* diff = m_viewMenu->addAction(tr("&Difference Map (Panel 1 − Panel 2)"));
    diff->setToolTip(tr("A − B of the cubes in the first two panels (same grid), in the next panel, linked"));
    connect(diff, &QAction::triggered, this, [this] {
        try {
            m_slices->showDifference(0, 1);
        } catch (const rs::Error& e) {
            Q_EMIT problem(tr("No difference map: %1").arg(QString::fromStdString(e.what())), {});
        }
    });
    QAction* share = m_viewMenu->addAction(tr("&Share Colour Range of the Current Panel"));
    connect(share, &QAction::triggered, this, [this] {
        for (int i = 0; i < LinkedSlicesView::kMaxPanels; ++i)
            if (m_slices->panel(i) == m_slices->currentPanel())
                m_slices->shareRange(i);
    });
    m_viewMenu->addSeparator();
    QAction* reset = m_viewMenu->addAction(tr("Reset &Volume Camera"));
    reset->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    connect(reset, &QAction::triggered, m_volume->canvas(), &VolumeCanvas::resetCamera);
}

QList<QAction*> ExplorerWorkspace::exportActions() const
{
    return m_exports;
}

QList<QMenu*> ExplorerWorkspace::menus() const
{
    return {m_viewMenu};
}

void ExplorerWorkspace::saveState(QSettings& s) const
{
    s.setValue(QStringLiteral("mainSplitter"), m_main->saveState());
    s.setValue(QStringLiteral("rightSplitter"), m_right->saveState());
    s.setValue(QStringLiteral("bottomSplitter"), m_bottom->saveState());
    if (m_slices->panelCountChosen())
        s.setValue(QStringLiteral("slicePanels"), m_slices->panelCount());
}

void ExplorerWorkspace::restoreState(QSettings& s)
{
    m_main->restoreState(s.value(QStringLiteral("mainSplitter")).toByteArray());
    m_right->restoreState(s.value(QStringLiteral("rightSplitter")).toByteArray());
    m_bottom->restoreState(s.value(QStringLiteral("bottomSplitter")).toByteArray());
    if (s.contains(QStringLiteral("slicePanels")))
        m_slices->setPanelCount(s.value(QStringLiteral("slicePanels")).toInt());
}

void ExplorerWorkspace::exportWithDialog(const QString& title, const QString& filter, const QString& suffix,
    void (ExplorerWorkspace::*write)(const QString&))
{
    SlicePanel* panel = m_slices->currentPanel();
    QString stem = QStringLiteral("reionscope");
    if (panel->canvas()->hasCube())
        stem = sliceFileStem(panel->cube(), panel->canvas()->state().axis, panel->canvas()->state().index);
    if (write == &ExplorerWorkspace::exportVolumeView)
        stem = QStringLiteral("volume");
    QString path;
    if (write == &ExplorerWorkspace::exportSliceView
        || write == &ExplorerWorkspace::exportVolumeView) { // PNG (at a chosen dpi), SVG or PDF
        path = charts::askFigurePath(this, title, stem, &m_figureDpi);
    } else {
        const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
        path = QFileDialog::getSaveFileName(
            this, title, dir + QLatin1Char('/') + stem + QLatin1Char('.') + suffix, filter);
        if (!path.isEmpty() && !path.endsWith(QLatin1Char('.') + suffix, Qt::CaseInsensitive))
            path += QLatin1Char('.') + suffix;
    }
    if (path.isEmpty())
        return;
    try {
        (this->*write)(path);
        Q_EMIT statusMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 5000);
    } catch (const rs::Error& e) {
        Q_EMIT problem(tr("Could not export: %1").arg(QString::fromStdString(e.what())), {});
    }
}

void ExplorerWorkspace::exportSliceView(const QString& path)
{
    // The figure `reionscope-cli figure slice` makes, of what the panel shows.
    SlicePanel* p = m_slices->currentPanel();
    if (!p->canvas()->hasCube())
        throw IoError(path.toStdString(), "no slice is shown");
    const auto f = std::make_shared<figure::MapFigure>(p->figure());
    figure::writeFigure(
        path.toStdString(), f->inches, m_figureDpi,
        [f](QPainter& painter, const QRectF& r) { figure::paintMap(painter, r, *f); }, f->title);
}

void ExplorerWorkspace::exportSliceNpy(const QString& path)
{
    SlicePanel* p = m_slices->currentPanel();
    if (!p->canvas()->hasCube())
        throw IoError(path.toStdString(), "no slice is shown");
    writeSliceNpy(path, p->canvas()->currentSlice());
}

void ExplorerWorkspace::exportSliceCsv(const QString& path)
{
    SlicePanel* p = m_slices->currentPanel();
    if (!p->canvas()->hasCube())
        throw IoError(path.toStdString(), "no slice is shown");
    const SliceViewState& st = p->canvas()->state();
    writeSliceCsv(path, p->canvas()->currentSlice(), sliceComments(p->cube(), st.axis, st.index));
}

void ExplorerWorkspace::exportVolumeView(const QString& path)
{
    if (!m_volume->canvas()->hasCube())
        throw IoError(path.toStdString(), "no cube is shown in the volume view");
    const auto f = std::make_shared<figure::VolumeFigure>(m_volume->figure(m_figureDpi));
    if (f->image.isNull())
        throw IoError(path.toStdString(), "the volume view has not rendered yet: show its tab once, then export");
    figure::writeFigure(
        path.toStdString(), f->inches, m_figureDpi,
        [f](QPainter& painter, const QRectF& r) { figure::paintVolume(painter, r, *f); }, f->title);
}

} // namespace rs::ui
