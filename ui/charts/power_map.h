#pragma once
/// \file power_map.h
/// The Statistics panel's P(k⊥, k∥) widget; the painting itself is figure/power_map.h
/// (reionscope_figure), shared with exported figures.

#include "figure/power_map.h"

#include <QString>
#include <QWidget>

namespace rs::ui::charts {

using figure::paintPowerMap;
using figure::PowerMapData;
using figure::powerMapRange;

/// A widget showing one power map (or a note when empty).
class PowerMapView : public QWidget {
public:
    explicit PowerMapView(QWidget* parent = nullptr);
    void setData(const PowerMapData& d);
    void setNote(const QString& note);
    const PowerMapData& data() const { return m_data; }
    bool hasData() const { return m_hasData; }
    /// The note shown instead of a map ("" while a map is shown).
    const QString& note() const { return m_note; }

protected:
    void paintEvent(QPaintEvent* e) override;

private:
    PowerMapData m_data;
    QString m_note;
    bool m_hasData = false;
};

} // namespace rs::ui::charts
