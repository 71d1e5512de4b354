// reionscope-cli: the headless face of ReionScope's core (load, inspect, simulate, train).
#include "cli_common.h"

#include "util/error.h"

#include <hdf5.h>

#include <csignal>
#include <exception>
#include <iostream>

int main(int argc, char** argv)
{
    // No HDF5 clean-up at exit: after a failed write (disk full) the library would close the
    // failed file a second time while terminating and crash; every file is closed by RAII.
    H5dont_atexit();
    // A file-size limit (ulimit -f) fails the write with EFBIG, reported like a full disk,
    // instead of killing the process.
    std::signal(SIGXFSZ, SIG_IGN);
    CLI::App app {"ReionScope command line: inspect, convert, simulate and learn from 21cm cubes"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "reionscope-cli 0.1.0");
    rs::cli::addInfoCommands(app);
    rs::cli::addLightconeCommand(app);
    rs::cli::addSimulateCommands(app);
    rs::cli::addStatsCommands(app);
    rs::cli::addCompareCommand(app);
    rs::cli::addObserveCommand(app);
    rs::cli::addBenchStatsCommand(app);
    rs::cli::addIonizeCommand(app);
    rs::cli::addBenchCommands(app);
    rs::cli::addBenchIoCommand(app);
    rs::cli::addDatasetCommands(app);
    rs::cli::addTrainCommands(app);
    rs::cli::addInspectCommands(app);
    rs::cli::addBenchTrainCommand(app);
    rs::cli::addBenchDistCommand(app);
    rs::cli::addTranslateCommands(app);
    rs::cli::addSweepCommand(app);
#ifdef REIONSCOPE_WITH_FIGURE
    rs::cli::addFigureCommand(app);
#endif
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help/--version exit 0; every other parse or validation failure is bad usage (2).
        return app.exit(e) == 0 ? 0 : rs::cli::kExitUsage;
    } catch (const rs::Error& e) { // a subcommand's failure that it did not report itself
        rs::cli::printError(e.what());
        return 1;
    } catch (const std::exception& e) { // last resort: never die with an uncaught exception
        rs::cli::printError(std::string("internal error: ") + e.what());
        return 3;
    }
    return rs::cli::exitCode();
}
