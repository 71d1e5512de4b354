#pragma once
/// \file snapshot.h
/// What the views show: the cubes of one run at one redshift (δ, x_HI, δT_b), each with its
/// summary statistics from core. Values that cross threads: a Snapshot built on a loader thread
/// is handed to the GUI whole; Cube copies share their immutable voxels.

#include "catalog/catalog.h"
#include "cube/cube.h"
#include "cube/cube_stats.h"
#include "io/halo_catalog.h"
#include "util/progress.h"

#include <QMetaType>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

namespace rs::ui {

struct LoadedCube {
    Cube cube;
    SummaryStats stats; ///< over the whole cube (core summarize)
    QString runLabel; ///< "ζ=20" (the catalog run's label)
    QString caption; ///< rich text; when set, the title instead of quantity · z · run (derived cubes)

    Quantity quantity() const { return cube.quantity(); }
    bool empty() const { return cube.empty(); }
    /// "δT<sub>b</sub> [mK] · z = 8.00 · ζ=20" (rich text).
    QString titleHtml() const;
    /// "dT_b z=8.00 zeta=20" style text for file names and tool tips.
    QString titlePlain() const;
};

struct Snapshot {
    QString runId;
    QString runLabel;
    std::optional<double> redshift;
    std::vector<LoadedCube> cubes; ///< δ, x_HI, δT_b first (those present), then others
    /// The run's halo catalogue nearest this redshift (perturbed positions preferred), if any.
    std::shared_ptr<const HaloCatalogData> haloes;
    QString haloSource; ///< "PerturbHaloField z = 8.00 (file name)"
    QString haloProblem; ///< why the run's halo catalogue could not be read ("" when fine)

    bool empty() const { return cubes.empty(); }
    /// The cube of a quantity, or nullptr.
    const LoadedCube* find(Quantity q) const;
};

/// Reads the cubes of `run` at redshift key `zKey` (primary entries only) and summarises each,
/// and the run's halo catalogue nearest zKey (a failure there is kept in haloProblem).
/// Throws IoError/FormatError from the readers, CancelledError when stopped between cubes.
Snapshot loadSnapshot(const CatalogRun& run, double zKey, const ProgressFn& progress, const StopToken& stop);

/// Reads one cube (a whole file's only primary cube, or the entry given) and summarises it.
LoadedCube loadCube(const CubeEntry& entry, const QString& runLabel);

} // namespace rs::ui
Q_DECLARE_METATYPE(rs::ui::Snapshot)
Q_DECLARE_METATYPE(rs::ui::LoadedCube)
