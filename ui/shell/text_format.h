#pragma once
/// \file text_format.h
/// How quantities, values and positions are written in the GUI: rich text for labels
/// ("δT<sub>b</sub> [mK]"), plain text for the status bar and CSV headers ("dTb [mK]").

#include "cube/quantity.h"

#include "ml/labels.h"

#include <QString>

#include <optional>

namespace rs::ui {

/// "δ", "x<sub>HI</sub>", "δT<sub>b</sub>" (rich text).
/// Display order of quantities: δ, x_HI, δT_b, then others.
int quantityOrder(Quantity q);
QString quantityHtml(Quantity q);
/// "δ", "x_HI", "δT_b" (plain text).
QString quantityPlain(Quantity q);
/// "density", "neutral fraction", "brightness temperature".
QString quantityWords(Quantity q);
/// "mK" or "" (dimensionless).
QString unitsText(Quantity q);
/// "δT<sub>b</sub> [mK]" or "δ" (no brackets when dimensionless).
QString quantityWithUnitsHtml(Quantity q);
QString quantityWithUnitsPlain(Quantity q);

/// A number with `digits` significant digits, no trailing zeros, "–" for NaN.
QString formatNumber(double v, int digits = 4);
/// A value with its units: "12.35 mK", "0.5431".
QString formatValue(double v, Quantity q, int digits = 4);
/// "z = 8.00" or "z unknown".
QString redshiftText(std::optional<double> z);

/// How a learning target reads in labels and chart titles (HTML: "z", "ζ", "f<sub>esc</sub>", ...).
QString targetHtml(rs::ml::Target t);

} // namespace rs::ui
