#include "explorer/linked_slices_view.h"

#include "explorer/slice_panel.h"

#include "cube/cube_stats.h"
#include "stats/compare.h"
#include "util/error.h"

#include <QGridLayout>

#include <algorithm>

namespace rs::ui {

LinkedSlicesView::LinkedSlicesView(QWidget* parent)
    : QWidget(parent)
{
    m_grid = new QGridLayout(this);
    m_grid->setContentsMargins(0, 0, 0, 0);
    m_grid->setSpacing(6);
    for (int i = 0; i < kMaxPanels; ++i) {
        auto* p = new SlicePanel(this);
        p->setObjectName(QStringLiteral("slicePanel%1").arg(i));
        m_panels[std::size_t(i)] = p;
        connect(p, &SlicePanel::stateEdited, this, [this, i](const SliceViewState& st) { onStateEdited(i, st); });
        connect(p, &SlicePanel::cursorEdited, this, [this, i](std::optional<QPointF> f) { onCursorEdited(i, f); });
        connect(p, &SlicePanel::probed, this, &LinkedSlicesView::probed);
        connect(p, &SlicePanel::activated, this, [this, i] { m_current = i; });
        connect(p, &SlicePanel::rangeShareRequested, this, [this, i] { shareRange(i); });
        connect(p, &SlicePanel::problem, this, &LinkedSlicesView::problem);
        connect(p, &SlicePanel::linkToggled, this, [this, p](bool on) {
            if (on) // rejoining: take the group's view
                p->applyState(m_state);
        });
    }
    relayout();
}

void LinkedSlicesView::setSnapshot(const Snapshot& snapshot)
{
    const bool first = m_cubes.empty();
    const int oldSnapshot = m_snapshotCubes;
    // What each panel showed: a snapshot cube (by quantity) or a comparison cube (by position).
    std::array<std::optional<Quantity>, kMaxPanels> quantity;
    std::array<int, kMaxPanels> comparison {};
    comparison.fill(-1);
    for (int i = 0; i < kMaxPanels; ++i) {
        const int sel = m_panels[std::size_t(i)]->selectedCube();
        // A panel beyond the old snapshot's cubes only showed a repeat of the last one (a lone δ
        // at z = 0 in every panel): it takes its own cube again rather than keep that quantity.
        if (sel >= 0 && sel < oldSnapshot && !(i >= oldSnapshot && sel == oldSnapshot - 1))
            quantity[std::size_t(i)] = m_cubes[std::size_t(sel)].quantity();
        else if (sel >= oldSnapshot && sel < int(m_cubes.size()))
            comparison[std::size_t(i)] = sel - oldSnapshot;
    }
    std::vector<LoadedCube> cubes = snapshot.cubes;
    cubes.insert(cubes.end(), m_cubes.begin() + oldSnapshot, m_cubes.end());
    m_cubes = std::move(cubes);
    m_snapshotCubes = int(snapshot.cubes.size());

    for (int i = 0; i < kMaxPanels; ++i) {
        int sel = i;
        if (comparison[std::size_t(i)] >= 0) {
            sel = m_snapshotCubes + comparison[std::size_t(i)];
        } else if (quantity[std::size_t(i)]) {
            for (int c = 0; c < m_snapshotCubes; ++c)
                if (m_cubes[std::size_t(c)].quantity() == *quantity[std::size_t(i)])
                    sel = c;
        }
        SlicePanel* p = m_panels[std::size_t(i)];
        p->setCubes(m_cubes, m_cubes.empty() ? 0 : std::min(sel, int(m_cubes.size()) - 1));
    }
    SliceViewState st = m_state;
    if (first && !m_cubes.empty()) // first data: start in the middle of the box
        st.index = m_panels[0]->canvas()->sliceCount(st.axis) / 2;
    for (SlicePanel* p : m_panels)
        if (!p->isLinked())
            p->applyState(p->canvas()->state());
    setLinkedState(st);
    if (!m_cubes.empty() && !m_countChosen) // until the user picks a count, it follows the data
        applyPanelCount(std::clamp(int(m_cubes.size()), 1, 3));
}

void LinkedSlicesView::addComparisonCube(const LoadedCube& cube)
{
    m_cubes.push_back(cube);
    const int target = std::min(m_count, kMaxPanels - 1);
    for (int i = 0; i < kMaxPanels; ++i) {
        SlicePanel* p = m_panels[std::size_t(i)];
        p->setCubes(m_cubes, i == target ? int(m_cubes.size()) - 1 : p->selectedCube());
        p->applyState(m_state);
    }
    applyPanelCount(std::max(m_count, std::min(target + 1, kMaxPanels)));
}

void LinkedSlicesView::shareRange(int from)
{
    const SliceCanvas* source = m_panels[std::size_t(from)]->canvas();
    if (!source->hasCube())
        return;
    const DisplayRange r = source->displayRange();
    for (int i = 0; i < m_count; ++i)
        m_panels[std::size_t(i)]->setManualRange(r.lo, r.hi);
}

void LinkedSlicesView::showDifference(int a, int b)
{
    const SlicePanel* pa = m_panels[std::size_t(a)];
    const SlicePanel* pb = m_panels[std::size_t(b)];
    if (!pa->canvas()->hasCube() || !pb->canvas()->hasCube())
        throw ParameterError("difference",
            "panels " + std::to_string(a + 1) + " and " + std::to_string(b + 1) + " must both show a cube");
    const LoadedCube& ca = pa->canvas()->cube();
    const LoadedCube& cb = pb->canvas()->cube();
    LoadedCube d;
    d.cube = differenceCube(ca.cube, cb.cube);
    d.stats = summarize(d.cube);
    d.runLabel = ca.runLabel;
    d.caption = QStringLiteral("(%1) − (%2)").arg(ca.titleHtml(), cb.titleHtml());
    addComparisonCube(d);
    const int shown = std::min(m_count, kMaxPanels) - 1; // addComparisonCube showed it in the last panel
    for (int i = 0; i <= shown; ++i)
        if (m_panels[std::size_t(i)]->selectedCube() == int(m_cubes.size()) - 1) {
            m_panels[std::size_t(i)]->setColormap(ColormapId::CoolWarm);
            m_panels[std::size_t(i)]->setLinked(true);
        }
    setLinkedState(m_state);
}

void LinkedSlicesView::setPanelCount(int n)
{
    m_countChosen = true;
    applyPanelCount(n);
}

void LinkedSlicesView::applyPanelCount(int n)
{
    n = std::clamp(n, 1, kMaxPanels);
    if (n == m_count)
        return;
    m_count = n;
    m_current = std::min(m_current, n - 1);
    relayout();
    Q_EMIT panelCountChanged(n);
}

void LinkedSlicesView::relayout()
{
    // Panels are hidden, never re-parented or destroyed: a QOpenGLWidget that changes parent
    // loses its GL context and VTK would have to start over.
    for (int i = 0; i < kMaxPanels; ++i) {
        SlicePanel* p = m_panels[std::size_t(i)];
        m_grid->removeWidget(p);
        const bool visible = i < m_count;
        if (visible) {
            const int row = m_count == 4 ? i / 2 : 0;
            const int col = m_count == 4 ? i % 2 : i;
            m_grid->addWidget(p, row, col);
        }
        p->setVisible(visible);
    }
    for (int c = 0; c < kMaxPanels; ++c)
        m_grid->setColumnStretch(c, c < (m_count == 4 ? 2 : m_count) ? 1 : 0);
}

SlicePanel* LinkedSlicesView::currentPanel() const
{
    return m_panels[std::size_t(std::clamp(m_current, 0, m_count - 1))];
}

void LinkedSlicesView::setLinkedState(const SliceViewState& state)
{
    m_state = state;
    for (int i = 0; i < kMaxPanels; ++i) {
        SlicePanel* p = m_panels[std::size_t(i)];
        if (p->isLinked())
            p->applyState(m_state);
    }
    // Report what the panels really show (the index clamped to the cube).
    for (int i = 0; i < m_count; ++i)
        if (m_panels[std::size_t(i)]->isLinked() && m_panels[std::size_t(i)]->canvas()->hasCube()) {
            m_state.index = m_panels[std::size_t(i)]->canvas()->state().index;
            break;
        }
    Q_EMIT linkedStateChanged(m_state);
}

void LinkedSlicesView::onStateEdited(int panel, const SliceViewState& state)
{
    m_current = panel;
    if (!m_panels[std::size_t(panel)]->isLinked())
        return;
    m_state = state;
    for (int i = 0; i < kMaxPanels; ++i)
        if (i != panel && m_panels[std::size_t(i)]->isLinked())
            m_panels[std::size_t(i)]->applyState(m_state);
    Q_EMIT linkedStateChanged(m_state);
}

void LinkedSlicesView::onCursorEdited(int panel, std::optional<QPointF> fraction)
{
    if (!m_panels[std::size_t(panel)]->isLinked())
        return;
    for (int i = 0; i < kMaxPanels; ++i)
        if (i != panel && m_panels[std::size_t(i)]->isLinked())
            m_panels[std::size_t(i)]->showCursor(fraction);
}

} // namespace rs::ui
