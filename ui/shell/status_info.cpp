#include "shell/status_info.h"

#include "shell/text_format.h"
#include "vtk/slice_canvas.h"

#include <QFile>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QTimer>

#include <unistd.h>

namespace rs::ui {

StatusInfo::StatusInfo(QWidget* parent)
    : QWidget(parent)
{
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(12);
    m_position = new QLabel(this);
    m_position->setToolTip(tr("Voxel index (i, j, k) and position in comoving Mpc under the cursor"));
    m_value = new QLabel(this);
    m_value->setToolTip(tr("Value under the cursor"));
    m_memory = new QLabel(this);
    m_memory->setToolTip(tr("Memory in use by ReionScope (resident set)"));
    row->addWidget(m_position);
    row->addWidget(m_value);
    row->addWidget(m_memory);
    m_timer = new QTimer(this);
    m_timer->setInterval(2000); // each change of the label costs a window frame
    connect(m_timer, &QTimer::timeout, this, &StatusInfo::refreshMemory);
    m_timer->start();
    refreshMemory();
}

void StatusInfo::showProbe(const VoxelProbe& p)
{
    if (!p.valid) {
        m_position->clear();
        m_value->clear();
        return;
    }
    m_position->setText(QStringLiteral("(%1, %2, %3) · (%4, %5, %6) Mpc")
                            .arg(p.voxel[0])
                            .arg(p.voxel[1])
                            .arg(p.voxel[2])
                            .arg(p.mpc[0], 0, 'f', 1)
                            .arg(p.mpc[1], 0, 'f', 1)
                            .arg(p.mpc[2], 0, 'f', 1));
    m_value->setText(QStringLiteral("%1 = %2").arg(quantityPlain(p.quantity), formatValue(p.value, p.quantity)));
}

QString StatusInfo::positionText() const
{
    return m_position->text();
}

QString StatusInfo::valueText() const
{
    return m_value->text();
}

QString StatusInfo::memoryText() const
{
    return m_memory->text();
}

quint64 StatusInfo::residentBytes()
{
    QFile f(QStringLiteral("/proc/self/statm"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = f.readAll().split(' ');
    if (fields.size() < 2)
        return 0;
    return fields[1].toULongLong() * quint64(sysconf(_SC_PAGESIZE));
}

void StatusInfo::refreshMemory()
{
    const quint64 bytes = residentBytes();
    m_memory->setText(bytes
            ? tr("Memory %1").arg(QLocale().formattedDataSize(qint64(bytes), 0, QLocale::DataSizeTraditionalFormat))
            : QString());
}

} // namespace rs::ui
