#pragma once
/// \file observe.h
/// What a radio interferometer would make of a δT_b cube (line of sight = axis 2, transverse =
/// axes 0 and 1): the array's angular resolution (Gaussian beam of FWHM λ/B_max), bandwidth
/// smoothing along the line of sight (a top-hat as wide as the beam, comoving), thermal noise from
/// the array's uv coverage and the observing time, removal of each channel's mean (no zero
/// spacing: k⊥ = 0 is never measured), and optionally the foreground wedge. The model, its
/// formulas and assumptions are in README.md ("Telescope model"). Noise rms ∝ 1/√hours.

#include "cube/cube.h"
#include "observe/telescope.h"
#include "util/progress.h"

#include <cstdint>

namespace rs {

struct ObserveOptions {
    Telescope telescope = Telescope::SkaLow;
    double hours = 1000; ///< integration on the field [h]
    bool wedge = false; ///< remove k∥ < k⊥ D_C H(z) / (c (1+z)) (the horizon wedge)
    bool noise = true; ///< add thermal noise
    std::uint64_t seed = 1; ///< noise realisation
    double hubble = 0.68; ///< cosmology for distances (flat ΛCDM)
    double omegaM = 0.31;
};

struct Observation {
    Cube cube; ///< observed δT_b [mK], same grid and metadata (+ observation parameters)
    double frequencyMHz = 0; ///< 1420.40575 / (1 + z)
    double systemTemperatureK = 0;
    double beamFwhmMpc = 0; ///< comoving FWHM of the beam (and width of the bandwidth top-hat)
    double channelMHz = 0; ///< frequency width of one cell along the line of sight
    double noiseRmsMk = 0; ///< rms of the noise part after all processing [mK] (0 without noise)
    std::size_t uvCells = 0; ///< transverse Fourier cells the array samples (k⊥ ≠ 0)
};

/// Observes `dTb` (any quantity is accepted; the noise is in mK). Needs the cube's redshift.
/// Throws ParameterError for a cube without redshift, hours ≤ 0 or a box whose transverse
/// resolution the array cannot sample at all; CancelledError when stopped.
Observation observe(
    const Cube& dTb, const ObserveOptions& options, const ProgressFn& progress = {}, const StopToken& stop = {});

} // namespace rs
