#pragma once
/// \file demo_data.h
/// The small default grid the GUI opens on first start: 64³ / 96 Mpc, z ∈ {7, 8, 9, 10},
/// ζ ∈ {10, 20, 30, 40}, seeds 1-3 (48 runs × redshifts, 144 cubes), a few seconds on two cores.
/// Each seed's initial conditions are drawn once; each z is ionized for all ζ in one pass.

#include "sim/sim_writer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rs {

struct DemoDataSpec {
    std::size_t dim = 64;
    double boxMpc = 96.0;
    std::vector<double> redshifts {7.0, 8.0, 9.0, 10.0};
    std::vector<double> zetas {10.0, 20.0, 30.0, 40.0};
    std::vector<std::uint64_t> seeds {1, 2, 3};
    SimOutputFormat format = SimOutputFormat::H5;
    int threads = 0; ///< 0: all cores
};

/// Name of the marker file written last into the demo folder (hidden, so catalogs skip it).
inline constexpr const char* kDemoMarker = ".reionscope-demo.json";

/// Writes the demo grid into `dir` (created when missing) and, last, the marker file describing
/// it. All or nothing: a failure or cancellation removes what this call wrote. Returns the cube
/// files written. Throws ParameterError, IoError, CancelledError.
std::vector<std::string> writeDemoData(
    const std::string& dir, const ProgressFn& progress = {}, const StopToken& stop = {}, const DemoDataSpec& spec = {});

/// Whether `dir` holds a complete demo grid (its marker file exists).
bool hasDemoData(const std::string& dir);

} // namespace rs
