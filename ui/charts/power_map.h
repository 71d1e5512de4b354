#pragma once
/// \file power_map.h
/// The cylindrical power spectrum P(k⊥, k∥) as a log-colour map with log axes, ticks, labels
/// with units and a colour bar, painted with QPainter: the same drawing serves the Statistics
/// panel's widget and exported images (PNG at any size, SVG/PDF through their paint devices).

#include "stats/cube_statistics.h"

#include <QString>
#include <QWidget>

class QPainter;

namespace rs::ui::charts {

/// What a power map shows: the spectrum, its k units and the quantity's units (for P's label).
struct PowerMapData {
    CylindricalPower power;
    SpectrumUnits units;
    QString title; ///< plain text
    QString quantityUnits; ///< "mK" for δT_b, empty for dimensionless fields
};

/// Paints `d` into `rect` (title, axes, cells, colour bar), scaled by `fontScale` (1 on screen).
/// Cells without modes are left blank; with no positive power a note is painted instead.
void paintPowerMap(QPainter& p, const QRectF& rect, const PowerMapData& d, double fontScale = 1.0);

/// The log10 P range the colour bar spans (finite positive cells), or {NaN, NaN} when none.
std::pair<double, double> powerMapRange(const CylindricalPower& power);

/// A widget showing one power map (or a note when empty).
class PowerMapView : public QWidget {
public:
    explicit PowerMapView(QWidget* parent = nullptr);
    void setData(const PowerMapData& d);
    void setNote(const QString& note);
    const PowerMapData& data() const { return m_data; }
    bool hasData() const { return m_hasData; }

protected:
    void paintEvent(QPaintEvent* e) override;

private:
    PowerMapData m_data;
    QString m_note;
    bool m_hasData = false;
};

} // namespace rs::ui::charts
