#pragma once
// Screenshots of the Training studio while a run trains (part of bench_studio --screenshots DIR):
// the live curves, two runs overlaid, their configurations, an autoencoder's reconstructions,
// a classifier's evaluation, the projection and the New run dialog.

#include <QString>

namespace rs::ui {
class MainWindow;
}

/// `cliRun`: a finished classifier; `guiRun`: the run training in the window; `aeRun`: a finished
/// autoencoder; `dataset`: their dataset. Writes PNGs into `dir`.
void takeStudioScreenshots(rs::ui::MainWindow& w, const QString& dir, const QString& cliRun, const QString& guiRun,
    const QString& aeRun, const QString& dataset);
