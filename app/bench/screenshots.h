#pragma once
#include <QString>
#include <QStringList>

/// Opens `paths` (or the start-up default) in a 1600×1000 main window and writes PNGs of each view
/// into `dir`. Returns a process exit code.
int takeScreenshots(const QString& dir, const QStringList& paths);

/// Opens `paths`, then for x_HI and δT_b overlays every run holding that cube at redshift `z` in
/// the Statistics panel and writes PNGs of its charts (overlays, 2D power, h/Mpc) into `dir`.
int takeStatsScreenshots(const QString& dir, double z, const QStringList& paths);
