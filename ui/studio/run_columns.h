#pragma once
/// \file run_columns.h
/// Any property of a run as a value, by key, for the runs table's extra columns, its sorting,
/// grouping and filtering, and the sweep views: "sweep" (the sweep's name), "tags", "status",
/// results ("result.best_val": the validation metric of the best epoch, "result.best_loss",
/// "result.best_epoch", "result.last_val", "result.test": the test metric) and every key of
/// the flattened config.json ("optimizer.lr", "sweep.settings.lr", ...). Numbers come as double.

#include <QStringList>
#include <QVariant>

namespace rs::ui {

struct RunEntry;

/// The result keys, in the order menus list them.
QStringList runResultKeys();
/// A key as a column title ("optimizer.lr" stays, "result.best_val" → "best val. metric").
QString runKeyTitle(const QString& key);
/// The run's value for a key: a double for numbers, a QString otherwise, invalid when the run
/// has no such value (not validated yet, a key of another model's config).
QVariant runValue(const RunEntry& e, qint64 nowMs, const QString& key);
/// A value as the table shows it (numbers with 4 significant digits, "–" when invalid).
QString runValueText(const QVariant& v);
/// Orders values: invalid last, numbers by value before texts, texts naturally.
bool runValueLess(const QVariant& a, const QVariant& b);
/// What the filter box searches (lower case): display and folder name, tags, notes, the sweep,
/// and "key=value" for each config entry.
QString runSearchText(const RunEntry& e);

} // namespace rs::ui
