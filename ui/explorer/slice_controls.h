#pragma once
/// \file slice_controls.h
/// The row under a slice view: axis buttons (x, y, z), index slider and spin box, play/pause, and
/// the slice's position in comoving Mpc.

#include <QWidget>

class QButtonGroup;
class QLabel;
class QSlider;
class QSpinBox;
class QTimer;
class QToolButton;

namespace rs::ui {

class SliceControls : public QWidget {
    Q_OBJECT

public:
    explicit SliceControls(QWidget* parent = nullptr);

    /// Slices along the current axis and the cell size along it (for the Mpc label).
    void setExtent(int count, double cellMpc);
    void setAxis(int axis);
    void setIndex(int index);
    int axis() const { return m_axis; }
    int index() const;
    int count() const { return m_count; }

    /// Play/pause stepping through the box (wraps around at the end).
    void setPlaying(bool on);
    bool isPlaying() const;
    /// Frames per second while playing (1–60).
    void setPlayRate(int fps);

    QSlider* slider() const { return m_slider; }
    QSpinBox* spinBox() const { return m_spin; }
    QToolButton* playButton() const { return m_play; }
    QToolButton* axisButton(int axis) const;

Q_SIGNALS:
    void axisChanged(int axis);
    void indexChanged(int index);

private:
    void onIndexEdited(int index);
    void updateLabel();

    QButtonGroup* m_axes = nullptr;
    QSlider* m_slider = nullptr;
    QSpinBox* m_spin = nullptr;
    QToolButton* m_play = nullptr;
    QLabel* m_position = nullptr;
    QTimer* m_timer = nullptr;
    int m_axis = 0;
    int m_count = 1;
    double m_cellMpc = 1.0;
    bool m_updating = false;
};

} // namespace rs::ui
