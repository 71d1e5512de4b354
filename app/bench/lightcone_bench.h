#pragma once
#include <QJsonObject>

#include <cstddef>

/// The Lightcone view's speed on an n × n × nLos δT_b lightcone written as ReionScope HDF5 (LZF)
/// and read once beforehand (page cache warm, as the slice bench's cubes are in memory):
///   open: MainWindow::openPaths(file) until the Lightcone tab has painted the lightcone's first
///         slice (scan, probe, load, summary, slice means, images, paint: what a user waits for);
///   scroll: one arrow-key step of the chosen slice until the view has repainted, in the Explorer
///         window and in a lone LightconeView (no OpenGL widgets to compose beside it).
/// `reference` is the slice bench's JSON (benchSlices): the figures are also given as ratios to
/// its one-panel step→rendered and step→screen medians.
QJsonObject benchLightcone(std::size_t n, std::size_t nLos, int steps, const QJsonObject& reference);
