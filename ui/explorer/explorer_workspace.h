#pragma once
/// \file explorer_workspace.h
/// The Explorer: catalog on the left, linked slice panels (or, for lightcones, the Lightcone tab)
/// on top, volume and statistics below.
/// It wires the session's data to the views; each view stays ignorant of the others.

#include "shell/workspace.h"

class QSplitter;
class QTabWidget;

namespace rs::ui {

class CatalogPanel;
class LightconeView;
class LinkedSlicesView;
class Session;
struct Snapshot;
class StatsPanel;
class VolumePanel;

class ExplorerWorkspace : public Workspace {
    Q_OBJECT

public:
    explicit ExplorerWorkspace(Session* session, QWidget* parent = nullptr);

    QString title() const override;
    QList<QAction*> exportActions() const override;
    QList<QMenu*> menus() const override;
    void saveState(QSettings& settings) const override;
    void restoreState(QSettings& settings) override;

    CatalogPanel* catalogPanel() const { return m_catalog; }
    LinkedSlicesView* slices() const { return m_slices; }
    /// The Lightcone tab beside the slices (filled when the data shown is a lightcone).
    LightconeView* lightconeView() const { return m_lightcone; }
    /// Shows the snapshot's lightcone (δT_b preferred) in the Lightcone tab and brings it forward;
    /// coeval data brings the slices forward.
    void showLightcone(const Snapshot& s);
    QTabWidget* views() const { return m_views; }
    VolumePanel* volume() const { return m_volume; }
    StatsPanel* stats() const { return m_stats; }

    /// Exports of the current slice panel and of the volume view (the menu actions ask for a
    /// path, then call these). The slice view's figure: PNG at figureDpi() (the menu asks; 300
    /// at first), SVG or PDF by the suffix. Throw rs::IoError (ParameterError: unknown suffix).
    void exportSliceView(const QString& path);
    void exportSliceNpy(const QString& path);
    void exportSliceCsv(const QString& path);
    void exportVolumeView(const QString& path);
    int figureDpi() const { return m_figureDpi; }

private:
    void buildActions();
    void exportWithDialog(const QString& title, const QString& filter, const QString& suffix,
        void (ExplorerWorkspace::*write)(const QString&));

    Session* m_session = nullptr;
    int m_figureDpi = 300; ///< the slice figure's PNG resolution, the last chosen
    CatalogPanel* m_catalog = nullptr;
    LinkedSlicesView* m_slices = nullptr;
    LightconeView* m_lightcone = nullptr;
    QTabWidget* m_views = nullptr;
    VolumePanel* m_volume = nullptr;
    StatsPanel* m_stats = nullptr;
    QSplitter* m_main = nullptr;
    QSplitter* m_right = nullptr;
    QSplitter* m_bottom = nullptr;
    QList<QAction*> m_exports;
    QMenu* m_viewMenu = nullptr;
};

} // namespace rs::ui
