#pragma once
/// \file lightcone.h
/// Lightcones from coeval snapshots, as 21cmFAST and tools21cm make them. Slice k of the result
/// lies at comoving distance d_k = D_C(z_min) + k·Δ (Δ the snapshots' cell along axis 2) and
/// redshift z(d_k); its transverse plane is the periodic box's plane at index round(d_k/Δ) mod N
/// along axis 2, taken from the two snapshots whose redshifts bracket z(d_k) and interpolated
/// linearly in comoving distance between them. The line of sight is the result's last axis.

#include "cube/comoving.h"
#include "cube/cube.h"
#include "util/progress.h"

#include <functional>
#include <optional>
#include <vector>

namespace rs {

/// One coeval snapshot: its redshift and how to get its cube (called at most once, in order of
/// increasing redshift, so at most two snapshots are in memory at a time).
struct LightconeSnapshot {
    double redshift = 0;
    std::function<Cube()> load;
};

struct LightconeOptions {
    std::optional<double> zMin; ///< default: the lowest snapshot redshift
    std::optional<double> zMax; ///< default: the highest snapshot redshift
    BackgroundCosmology cosmology;
};

/// Builds the lightcone. Every snapshot must share shape, box and quantity, with cubic cells and
/// distinct redshifts; [zMin, zMax] must lie within the snapshots' redshifts (no extrapolation).
/// The result carries FieldKind::Lightcone metadata (per-slice z and distance, the snapshot
/// redshifts as node redshifts, and the box means as global history under the quantity's name).
/// Throws ParameterError (fewer than two snapshots, a range outside them, zMin ≥ zMax),
/// FormatError (a snapshot that does not match the others, naming its file), CancelledError, and
/// whatever `load` throws.
Cube buildLightcone(std::vector<LightconeSnapshot> snapshots, const LightconeOptions& options = {},
    const ProgressFn& progress = {}, const StopToken& stop = {});

} // namespace rs
