#pragma once
/// \file sim_writer.h
/// Writing simulator output into a folder, so that the catalog (core/catalog) reads it back as one
/// run per (ζ, seed) with density / x_HI / δT_b paired per redshift.
///
/// Layouts:
/// - h5 (default): one ReionScope HDF5 file per (run, z) holding the three cubes,
///   `DIR/sim_zeta<ζ>_seed<S>_z<zzz.zz>.h5` (e.g. sim_zeta20_seed1_z008.00.h5); every cube carries
///   the full simulation parameters as attributes.
/// - classic: raw float32 boxes with classic 21cmFAST names (rs::classicFileName) in a folder per
///   seed, `DIR/seed<S>/`: xH_nohalos_… (names carry ζ, M_min, R_max, filter, nf), delta_T[_v3]_…
///   (nf pairs it with its x_HI box) and updated_smoothed_deltax_… (once per seed and z, shared by
///   every ζ, as classic runs do).
/// Every file is written under a temporary name and renamed when complete; a SimulationWriter
/// also remembers its files so that a failed or cancelled run can remove all of them (discard()).

#include "sim/simulator.h"

#include <string>
#include <vector>

namespace rs {

enum class SimOutputFormat { H5, Classic };

/// "h5" or "classic".
std::string simOutputFormatName(SimOutputFormat f);
/// Inverse of simOutputFormatName (also "hdf5", "raw"). Throws ParameterError("format", ...).
SimOutputFormat simOutputFormatFromName(const std::string& name);

/// The HDF5 file name of one result (see the file comment).
std::string simulationFileName(const SimulatedRedshift& r);

class SimulationWriter {
public:
    /// Creates `dir` (and parents) when missing. Throws IoError when it cannot, or when `dir` is a file.
    SimulationWriter(std::string dir, SimOutputFormat format, int deflateLevel = 1);
    /// Removes nothing: call discard() to undo a failed run.
    ~SimulationWriter() = default;

    /// Writes one result (three cubes); returns the paths written. Throws IoError, ParameterError.
    std::vector<std::string> write(const SimulatedRedshift& r);

    /// Every file written so far, in order.
    const std::vector<std::string>& written() const { return m_written; }

    /// Removes every file this writer wrote and the folders it created (when empty). Never throws.
    void discard() noexcept;

private:
    std::string ensureFolder(const std::string& path);

    std::string m_dir;
    SimOutputFormat m_format;
    int m_deflate;
    std::vector<std::string> m_written;
    std::vector<std::string> m_createdFolders;
};

/// Runs `params` and writes every redshift as soon as it is done (memory stays bounded).
/// All or nothing: on any error or cancellation the files of this call are removed and the error
/// rethrown. Returns the paths written. Throws ParameterError (before any work), IoError,
/// CancelledError.
std::vector<std::string> simulateToFolder(const SimulationParams& params, const std::string& dir,
    SimOutputFormat format = SimOutputFormat::H5, const ProgressFn& progress = {}, const StopToken& stop = {},
    SimulationTimings* timings = nullptr, std::vector<SimulatedRedshift>* summaries = nullptr);

} // namespace rs
