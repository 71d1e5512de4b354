#pragma once
/// \file status_info.h
/// The status bar's permanent fields: cursor position (voxel and Mpc), the value there with its
/// units, and the memory the process uses (resident set, refreshed every second).

#include <QWidget>

class QLabel;
class QTimer;

namespace rs::ui {

struct VoxelProbe;

class StatusInfo : public QWidget {
    Q_OBJECT

public:
    explicit StatusInfo(QWidget* parent = nullptr);

    void showProbe(const VoxelProbe& probe);
    QString positionText() const;
    QString valueText() const;
    QString memoryText() const;

    /// Resident memory of this process in bytes (0 where unknown).
    static quint64 residentBytes();

private:
    void refreshMemory();

    QLabel* m_position = nullptr;
    QLabel* m_value = nullptr;
    QLabel* m_memory = nullptr;
    QTimer* m_timer = nullptr;
};

} // namespace rs::ui
