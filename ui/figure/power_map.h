#pragma once
/// \file power_map.h
/// The cylindrical power spectrum P(k⊥, k∥) as a log-colour map with log axes, ticks, labels
/// with units and a colour bar, painted with QPainter: the same drawing serves the Statistics
/// panel's widget and exported images (PNG at any size, SVG/PDF through their paint devices).

#include "stats/cube_statistics.h"

#include <QRectF>
#include <QString>

#include <utility>

class QPainter;

namespace rs::figure {

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

} // namespace rs::figure
