// reionscope-cli: the headless face of ReionScope's core (load, inspect, simulate, train).
#include "cli_common.h"

#include "util/error.h"

#include <exception>
#include <iostream>

int main(int argc, char** argv)
{
    CLI::App app{"ReionScope command line: inspect, convert, simulate and learn from 21cm cubes"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "reionscope-cli 0.1.0");
    rs::cli::addInfoCommands(app);
    rs::cli::addSimulateCommands(app);
    rs::cli::addBenchCommands(app);
    rs::cli::addBenchIoCommand(app);
    rs::cli::addDatasetCommands(app);
    rs::cli::addTrainCommands(app);
    rs::cli::addInspectCommands(app);
    rs::cli::addBenchTrainCommand(app);
    rs::cli::addSweepCommand(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const rs::Error& e) { // a subcommand's failure that it did not report itself
        rs::cli::printError(e.what());
        return 1;
    } catch (const std::exception& e) { // last resort: never die with an uncaught exception
        rs::cli::printError(std::string("internal error: ") + e.what());
        return 3;
    }
    return rs::cli::exitCode();
}
