#pragma once
/// \file chart_export.h
/// The file dialog every chart's "Export PNG/CSV" goes through: one place for the default folder,
/// the file filter and the suffix.

#include <QString>

class QWidget;

namespace rs::ui::charts {

/// Asks where to save a chart as PNG (`png`) or CSV, proposing `<Documents>/<stem>.<suffix>`.
/// Returns the chosen path with the suffix appended when the user left it out, or an empty
/// string when the dialog was cancelled.
QString askExportPath(QWidget* parent, const QString& title, const QString& stem, bool png);

/// Asks where to save a figure: PNG, SVG or PDF by the suffix typed or the filter chosen (PNG
/// when neither says), and for PNG its resolution: `*dpi` is proposed and replaced by the choice
/// (50–1200). Returns the path with its suffix, or an empty string when either was cancelled.
QString askFigurePath(QWidget* parent, const QString& title, const QString& stem, int* dpi);

} // namespace rs::ui::charts
