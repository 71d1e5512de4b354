#pragma once
#include <QString>
#include <QStringList>

/// Opens `paths` (or the start-up default) in a 1600×1000 main window and writes PNGs of each view
/// into `dir`. Returns a process exit code.
int takeScreenshots(const QString& dir, const QStringList& paths);
