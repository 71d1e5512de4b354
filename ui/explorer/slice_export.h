#pragma once
/// \file slice_export.h
/// Writes what a slice view shows: the slice's values as .npy (float32, rows × cols) or CSV (one
/// line per row, '#' comment lines first), and a rendered view as PNG. All writes are atomic.

#include "explorer/snapshot.h"

#include <QImage>
#include <QString>

namespace rs::ui {

/// Writes rows × cols float32 values. Throws rs::IoError.
void writeSliceNpy(const QString& path, const SliceView& slice);
/// Writes the slice as CSV: comment lines starting with '#' (what, where, units), then one line
/// per row, values separated by commas (numpy.loadtxt(path, delimiter=",") reads it back).
/// Throws rs::IoError.
void writeSliceCsv(const QString& path, const SliceView& slice, const QStringList& comments);
/// Writes an image as PNG. Throws rs::IoError when it cannot be written.
void writePng(const QString& path, const QImage& image);

/// The comment lines for a slice of a cube ("quantity: ...", "axis: x, index 31", ...).
QStringList sliceComments(const LoadedCube& cube, int axis, int index);
/// A file name stem such as "brightness_temperature_z8.00_x031".
QString sliceFileStem(const LoadedCube& cube, int axis, int index);

} // namespace rs::ui
