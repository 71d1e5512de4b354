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
    /// `power` holds a ratio P_A / P_B (cylindricalPowerRatio): drawn with a diverging map
    /// centred on 1 over a symmetric log₁₀ range, the colour bar labelled `ratioLabel`.
    bool ratio = false;
    QString ratioLabel = QStringLiteral("P_A / P_B");
};

/// Paints `d` into `rect` (title, axes, cells, colour bar), scaled by `fontScale` (1 on screen).
/// Cells without modes are left blank; with no positive power a note is painted instead. A ratio
/// map uses the cool–warm map, log₁₀ of the ratio symmetric about 0 (ratio 1 is the light centre).
void paintPowerMap(QPainter& p, const QRectF& rect, const PowerMapData& d, double fontScale = 1.0);

/// The log10 P range the colour bar spans (finite positive cells), or {NaN, NaN} when none.
std::pair<double, double> powerMapRange(const CylindricalPower& power);
/// The colour bar's range for `d`: powerMapRange, made symmetric about 0 (at least ±0.01) for a
/// ratio map.
std::pair<double, double> powerMapRange(const PowerMapData& d);

} // namespace rs::figure
