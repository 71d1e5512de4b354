#pragma once
// What `stats` and `compare` share: the cube entries named by files and folders, and the
// spectrum units chosen on the command line.
#include "cli_common.h"

#include "observe/observe.h"
#include "stats/cube_statistics.h"

#include <functional>
#include <string>
#include <vector>

namespace rs::cli {

/// The primary cube entries of `paths` (folders: every cube of every run, de-duplicated).
/// Each unreadable path or damaged file is printed as one error and counted in `failures`.
std::vector<CubeEntry> collectEntries(const std::vector<std::string>& paths, int& failures);

/// `--units mpc|h-mpc` and `--hubble`: h from the option, else 0.68. Throws ParameterError for
/// another unit name or h outside (0.2, 2).
SpectrumUnits spectrumUnits(const std::string& name, double hubble);

/// Runs `body` and returns its exit code; an rs::Error it throws is printed as one line and gives
/// exit code 1.
int exitCodeOf(const std::function<int()>& body);

/// Observation options from the command line (`observe`, `dataset build --observe`): telescope
/// ska-low or hera (else ParameterError naming `option`), hours, wedge "on"/"off", noise seed.
ObserveOptions observeOptionsOf(const std::string& option, const std::string& telescope, double hours,
    const std::string& wedge, std::uint64_t seed);

/// Adds --units and --hubble to a subcommand.
void addUnitsOptions(CLI::App* cmd, std::string& units, double& hubble);

} // namespace rs::cli
