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

} // namespace rs::ui::charts
