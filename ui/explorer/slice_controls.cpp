#include "explorer/slice_controls.h"

#include <QButtonGroup>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QSpinBox>
#include <QStyle>
#include <QTimer>
#include <QToolButton>

#include <algorithm>

namespace rs::ui {

SliceControls::SliceControls(QWidget* parent)
    : QWidget(parent)
{
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(4);

    m_axes = new QButtonGroup(this);
    m_axes->setExclusive(true);
    const char* names[3] = {"x", "y", "z"};
    for (int a = 0; a < 3; ++a) {
        auto* b = new QToolButton(this);
        b->setText(QString::fromLatin1(names[a]));
        b->setCheckable(true);
        b->setToolTip(tr("Slice perpendicular to the %1 axis (cube axis %2)").arg(QLatin1String(names[a])).arg(a));
        b->setAutoRaise(true);
        m_axes->addButton(b, a);
        row->addWidget(b);
    }
    m_axes->button(0)->setChecked(true);
    connect(m_axes, &QButtonGroup::idClicked, this, [this](int a) {
        if (a == m_axis)
            return;
        m_axis = a;
        Q_EMIT axisChanged(a);
    });

    m_play = new QToolButton(this);
    m_play->setCheckable(true);
    m_play->setAutoRaise(true);
    m_play->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    m_play->setToolTip(tr("Play / pause: step through the box"));
    row->addWidget(m_play);

    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setRange(0, 0);
    m_slider->setPageStep(10);
    m_slider->setToolTip(tr("Slice index (arrow keys step, Page Up/Down by 10)"));
    row->addWidget(m_slider, 1);

    m_spin = new QSpinBox(this);
    m_spin->setRange(0, 0);
    m_spin->setKeyboardTracking(false);
    m_spin->setAccelerated(true);
    row->addWidget(m_spin);

    m_position = new QLabel(this);
    m_position->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("z = 000.0 Mpc ")));
    m_position->setToolTip(tr("Comoving position of the slice centre"));
    row->addWidget(m_position);

    connect(m_slider, &QSlider::valueChanged, this, &SliceControls::onIndexEdited);
    connect(m_spin, &QSpinBox::valueChanged, this, &SliceControls::onIndexEdited);

    m_timer = new QTimer(this);
    m_timer->setInterval(1000 / 15);
    connect(m_timer, &QTimer::timeout, this, [this] {
        const int next = m_count > 0 ? (index() + 1) % m_count : 0;
        setIndex(next);
        Q_EMIT indexChanged(next);
    });
    connect(m_play, &QToolButton::toggled, this, &SliceControls::setPlaying);
    updateLabel();
}

QToolButton* SliceControls::axisButton(int axis) const
{
    return qobject_cast<QToolButton*>(m_axes->button(axis));
}

void SliceControls::setExtent(int count, double cellMpc)
{
    m_count = std::max(count, 1);
    m_cellMpc = cellMpc;
    m_updating = true;
    m_slider->setRange(0, m_count - 1);
    m_spin->setRange(0, m_count - 1);
    m_updating = false;
    updateLabel();
}

void SliceControls::setAxis(int axis)
{
    m_axis = std::clamp(axis, 0, 2);
    if (auto* b = m_axes->button(m_axis))
        b->setChecked(true);
    updateLabel();
}

void SliceControls::setIndex(int index)
{
    m_updating = true;
    m_slider->setValue(index);
    m_spin->setValue(index);
    m_updating = false;
    updateLabel();
}

int SliceControls::index() const
{
    return m_slider->value();
}

void SliceControls::onIndexEdited(int index)
{
    if (m_updating)
        return;
    setIndex(index); // keep slider and spin box together
    Q_EMIT indexChanged(index);
}

void SliceControls::setPlaying(bool on)
{
    if (m_play->isChecked() != on)
        m_play->setChecked(on); // re-enters through toggled
    if (on == m_timer->isActive())
        return;
    if (on)
        m_timer->start();
    else
        m_timer->stop();
    m_play->setIcon(style()->standardIcon(on ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
}

bool SliceControls::isPlaying() const
{
    return m_timer->isActive();
}

void SliceControls::setPlayRate(int fps)
{
    m_timer->setInterval(1000 / std::clamp(fps, 1, 60));
}

void SliceControls::updateLabel()
{
    const char names[3] = {'x', 'y', 'z'};
    m_position->setText(
        QStringLiteral("%1 = %2 Mpc").arg(QLatin1Char(names[m_axis])).arg((index() + 0.5) * m_cellMpc, 0, 'f', 1));
}

} // namespace rs::ui
