#include "explorer/slice_panel.h"

#include "explorer/color_bar.h"
#include "explorer/slice_controls.h"
#include "shell/text_format.h"

#include <QActionGroup>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace rs::ui {

QString probeText(const VoxelProbe& p)
{
    if (!p.valid)
        return {};
    return QStringLiteral("voxel (%1, %2, %3) · (%4, %5, %6) Mpc · %7 = %8")
        .arg(p.voxel[0])
        .arg(p.voxel[1])
        .arg(p.voxel[2])
        .arg(p.mpc[0], 0, 'f', 1)
        .arg(p.mpc[1], 0, 'f', 1)
        .arg(p.mpc[2], 0, 'f', 1)
        .arg(quantityPlain(p.quantity), formatValue(p.value, p.quantity));
}

SlicePanel::SlicePanel(QWidget* parent)
    : QWidget(parent)
{
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(2, 2, 2, 2);
    outer->setSpacing(3);

    auto* header = new QHBoxLayout;
    header->setSpacing(4);
    m_source = new QComboBox(this);
    m_source->setToolTip(tr("Cube shown in this panel"));
    m_source->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_source->setMinimumContentsLength(10);
    header->addWidget(m_source, 1);
    m_options = new QToolButton(this);
    m_options->setText(tr("Colours"));
    m_options->setToolTip(tr("Colour map, logarithmic scale and colour range"));
    m_options->setPopupMode(QToolButton::InstantPopup);
    m_options->setAutoRaise(true);
    header->addWidget(m_options);
    buildObserveButton();
    header->addWidget(m_observe);
    m_link = new QToolButton(this);
    m_link->setText(tr("Linked"));
    m_link->setCheckable(true);
    m_link->setChecked(true);
    m_link->setAutoRaise(true);
    m_link->setToolTip(tr("Linked panels share axis, slice index, zoom and cursor"));
    header->addWidget(m_link);
    outer->addLayout(header);

    m_title = new QLabel(this);
    m_title->setTextFormat(Qt::RichText);
    m_title->setAlignment(Qt::AlignCenter);
    outer->addWidget(m_title);

    auto* body = new QHBoxLayout;
    body->setSpacing(2);
    m_canvas = new SliceCanvas(this);
    m_canvas->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    m_canvas->setMinimumSize(160, 160);
    body->addWidget(m_canvas, 1);
    m_colorBar = new ColorBar(this);
    body->addWidget(m_colorBar);
    outer->addLayout(body, 1);

    m_controls = new SliceControls(this);
    outer->addWidget(m_controls);

    m_readout = new QLabel(this);
    m_readout->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_readout->setMinimumHeight(fontMetrics().height() + 4);
    m_readout->setToolTip(tr("Value under the cursor (or at the linked cursor)"));
    QFont small = m_readout->font();
    small.setPointSizeF(small.pointSizeF() * 0.92);
    m_readout->setFont(small);
    outer->addWidget(m_readout);

    buildOptionsMenu();

    connectSignals();

    for (QWidget* w : {static_cast<QWidget*>(m_canvas), static_cast<QWidget*>(m_controls->slider()),
             static_cast<QWidget*>(m_controls->spinBox())})
        w->installEventFilter(this);
    syncControls();
}

void SlicePanel::connectSignals()
{
    connect(m_source, &QComboBox::activated, this, [this](int i) {
        if (i < 0 || i >= int(m_cubes.size()))
            return;
        showCube(i);
        Q_EMIT cubeChosen(i);
        Q_EMIT activated();
    });
    connect(m_link, &QToolButton::toggled, this, [this](bool on) {
        m_link->setText(on ? tr("Linked") : tr("Unlinked"));
        Q_EMIT linkToggled(on);
    });
    connect(m_controls, &SliceControls::axisChanged, this, [this](int axis) {
        SliceViewState st = m_canvas->state();
        st.axis = axis;
        st.index = m_canvas->sliceCount(axis) / 2; // a new axis starts in the middle of the box
        editState(st);
    });
    connect(m_controls, &SliceControls::indexChanged, this, [this](int index) {
        SliceViewState st = m_canvas->state();
        st.index = index;
        editState(st);
    });
    connect(m_canvas, &SliceCanvas::stepRequested, this, [this](int delta) {
        SliceViewState st = m_canvas->state();
        st.index = std::clamp(st.index + delta, 0, std::max(0, m_canvas->sliceCount(st.axis) - 1));
        editState(st);
    });
    connect(m_canvas, &SliceCanvas::jumpRequested, this, [this](bool toEnd) {
        SliceViewState st = m_canvas->state();
        st.index = toEnd ? std::max(0, m_canvas->sliceCount(st.axis) - 1) : 0;
        editState(st);
    });
    connect(m_canvas, &SliceCanvas::viewChangedByUser, this, [this] {
        Q_EMIT stateEdited(m_canvas->state());
        Q_EMIT activated();
    });
    connect(m_canvas, &SliceCanvas::probed, this, [this](const VoxelProbe& p) {
        if (p.valid) {
            m_cursor = p.fraction;
            m_canvas->setCrosshair(p.fraction);
            setReadout(p);
            Q_EMIT cursorEdited(p.fraction);
        } else if (m_cursor) {
            m_cursor.reset();
            m_canvas->setCrosshair(std::nullopt);
            setReadout({});
            Q_EMIT cursorEdited(std::nullopt);
        }
        Q_EMIT probed(p);
    });
    connect(m_canvas, &SliceCanvas::probeLeft, this, [this] {
        m_cursor.reset();
        m_canvas->setCrosshair(std::nullopt);
        setReadout({});
        Q_EMIT cursorEdited(std::nullopt);
    });
    connect(m_canvas, &SliceCanvas::displayRangeChanged, this, [this] { updateColorBar(); });
}

void SlicePanel::buildOptionsMenu()
{
    m_menu = new QMenu(this);
    QMenu* maps = m_menu->addMenu(tr("Colour map"));
    m_colormapGroup = new QActionGroup(this);
    for (ColormapId id : allColormaps()) {
        QAction* a = maps->addAction(QIcon(QPixmap::fromImage(colormapStrip(id, 48, 12))), colormapName(id));
        a->setCheckable(true);
        a->setData(colormapKey(id));
        m_colormapGroup->addAction(a);
    }
    connect(m_colormapGroup, &QActionGroup::triggered, this,
        [this](QAction* a) { setColormap(colormapFromKey(a->data().toString())); });
    m_logAction = m_menu->addAction(tr("Logarithmic: log₁₀(1 + δ)"));
    m_logAction->setCheckable(true);
    m_logAction->setToolTip(tr("Density only"));
    connect(m_logAction, &QAction::toggled, this, [this](bool on) {
        m_canvas->setLogScale(on);
        updateColorBar();
    });
    m_menu->addSeparator();
    auto* ranges = new QActionGroup(this);
    m_perCubeAction = m_menu->addAction(tr("Range fixed for the whole cube"));
    m_perSliceAction = m_menu->addAction(tr("Range of this slice"));
    m_manualAction = m_menu->addAction(tr("Range set by hand…"));
    for (QAction* a : {m_perCubeAction, m_perSliceAction, m_manualAction}) {
        a->setCheckable(true);
        ranges->addAction(a);
    }
    m_perCubeAction->setChecked(true);
    connect(ranges, &QActionGroup::triggered, this, [this](QAction* a) {
        if (a == m_manualAction) {
            askManualRange();
            return;
        }
        m_canvas->setRangeMode(a == m_perSliceAction ? RangeMode::PerSlice : RangeMode::PerCube);
        updateColorBar();
    });
    QAction* share = m_menu->addAction(tr("Share This Range with the Other Panels"));
    share->setToolTip(tr("Every visible panel uses this panel's colour range"));
    connect(share, &QAction::triggered, this, &SlicePanel::rangeShareRequested);
    m_options->setMenu(m_menu);
}

void SlicePanel::setCubes(const std::vector<LoadedCube>& cubes, int selected)
{
    const bool observed = isObserved(); // a new snapshot's δT_b is observed too
    m_cubes = cubes;
    m_source->clear();
    for (const LoadedCube& c : m_cubes)
        m_source->addItem(c.titlePlain());
    if (m_cubes.empty()) {
        m_canvas->clearCube();
        m_title->clear();
        syncControls();
        return;
    }
    selected = std::clamp(selected, 0, int(m_cubes.size()) - 1);
    m_source->setCurrentIndex(selected);
    showCube(selected);
    if (observed)
        setObserved(true);
}

void SlicePanel::setColormap(ColormapId id)
{
    m_canvas->setColormap(id);
    updateColorBar();
}

int SlicePanel::selectedCube() const
{
    return m_source->currentIndex();
}

const LoadedCube& SlicePanel::cube() const
{
    return m_canvas->cube();
}

void SlicePanel::setLinked(bool on)
{
    m_link->setChecked(on);
}

bool SlicePanel::isLinked() const
{
    return m_link->isChecked();
}

QString SlicePanel::readoutText() const
{
    return m_readout->text();
}

void SlicePanel::applyState(const SliceViewState& state)
{
    m_canvas->setState(state);
    syncControls();
    if (m_cursor)
        setReadout(m_canvas->probeAtFraction(*m_cursor));
}

void SlicePanel::showCursor(std::optional<QPointF> fraction)
{
    m_cursor = fraction;
    m_canvas->setCrosshair(fraction);
    setReadout(fraction ? m_canvas->probeAtFraction(*fraction) : VoxelProbe {});
}

void SlicePanel::editState(const SliceViewState& st)
{
    m_canvas->setState(st);
    syncControls();
    if (m_cursor)
        setReadout(m_canvas->probeAtFraction(*m_cursor));
    Q_EMIT stateEdited(m_canvas->state());
    Q_EMIT activated();
}

void SlicePanel::syncControls()
{
    const SliceViewState& st = m_canvas->state();
    const int count = m_canvas->sliceCount(st.axis);
    const double cell = m_canvas->hasCube() ? m_canvas->cube().cube.cellSize(st.axis) : 1.0;
    m_controls->setAxis(st.axis);
    m_controls->setExtent(count, cell);
    m_controls->setIndex(st.index);
    m_controls->setEnabled(m_canvas->hasCube());
    if (m_canvas->hasCube())
        m_title->setText(m_canvas->cube().titleHtml());
}

void SlicePanel::updateColorBar()
{
    const bool density = m_canvas->hasCube() && m_canvas->cube().quantity() == Quantity::Density;
    m_logAction->setEnabled(density);
    {
        const QSignalBlocker block(m_logAction);
        m_logAction->setChecked(m_canvas->logScale());
    }
    for (QAction* a : m_colormapGroup->actions())
        a->setChecked(a->data().toString() == colormapKey(m_canvas->colormap()));
    m_perCubeAction->setChecked(m_canvas->rangeMode() == RangeMode::PerCube);
    m_perSliceAction->setChecked(m_canvas->rangeMode() == RangeMode::PerSlice);
    m_manualAction->setChecked(m_canvas->rangeMode() == RangeMode::Manual);
    m_colorBar->setColormap(m_canvas->colormap());
    m_colorBar->setRange(m_canvas->displayRange());
    if (!m_canvas->hasCube())
        m_colorBar->setTitle({});
    else if (m_canvas->logScale())
        m_colorBar->setTitle(QStringLiteral("log<sub>10</sub>(1+δ)"));
    else
        m_colorBar->setTitle(quantityWithUnitsHtml(m_canvas->cube().quantity()));
}

void SlicePanel::setReadout(const VoxelProbe& p)
{
    m_readout->setText(probeText(p));
}

bool SlicePanel::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::FocusIn || event->type() == QEvent::MouseButtonPress)
        Q_EMIT activated();
    return QWidget::eventFilter(watched, event);
}

} // namespace rs::ui
