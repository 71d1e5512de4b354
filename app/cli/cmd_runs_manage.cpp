// Managing run folders: `runs rename|note|tag|delete|restore` (core/ml/run_meta.h).
#include "cli_common.h"
#include "run_json.h"

#include "ml/run_meta.h"
#include "util/error.h"

#include <functional>
#include <iostream>
#include <memory>

namespace rs::cli {

namespace {

using namespace rs::ml;

struct ManageOptions {
    std::string run, text;
    std::vector<std::string> runs, tags;
    bool remove = false;
};

/// Runs `action` on each path; a failure is printed and the others still run.
int eachRun(const std::vector<std::string>& paths, const std::function<std::string(const std::string&)>& action)
{
    int code = 0;
    for (const std::string& p : paths) {
        try {
            std::cout << action(p) << std::endl;
        } catch (const Error& e) {
            printError(e.what());
            code = kExitFailed;
        }
    }
    return code;
}

} // namespace

void addRunsManageCommands(CLI::App& runs)
{
    auto o = std::make_shared<ManageOptions>();
    CLI::App* rename = runs.add_subcommand("rename", "Give a run a display name (its folder keeps its name)");
    rename->add_option("run", o->run, "Run folder")->required();
    rename->add_option("name", o->text, "Display name (\"\": show the folder's name again)")->required();
    rename->callback([o] {
        exitCode() = eachRun({o->run}, [o](const std::string& run) {
            RunMeta m = readRunMeta(run);
            m.name = o->text;
            writeRunMeta(run, m);
            return run + ": named \"" + runDisplayName(run, readRunMeta(run)) + "\"";
        });
    });

    CLI::App* note = runs.add_subcommand("note", "Set a run's notes");
    note->add_option("run", o->run, "Run folder")->required();
    note->add_option("text", o->text, "The notes (\"\": none)")->required();
    note->callback([o] {
        exitCode() = eachRun({o->run}, [o](const std::string& run) {
            RunMeta m = readRunMeta(run);
            m.notes = o->text;
            writeRunMeta(run, m);
            return run + ": notes saved";
        });
    });

    CLI::App* tag = runs.add_subcommand("tag", "Add tags to a run (or remove them with --remove)");
    tag->add_option("run", o->run, "Run folder")->required();
    tag->add_option("tags", o->tags, "Tags")->required();
    tag->add_flag("--remove", o->remove, "Remove these tags instead");
    tag->callback([o] {
        exitCode() = eachRun({o->run}, [o](const std::string& run) {
            const RunMeta m = o->remove ? editRunTags(run, {}, o->tags) : editRunTags(run, o->tags, {});
            std::string t = run + ": tags";
            for (const std::string& s : m.tags)
                t += " " + s;
            return m.tags.empty() ? run + ": no tags" : t;
        });
    });

    CLI::App* del = runs.add_subcommand("delete", "Move runs to their folder's trash (.trash; see restore)");
    del->add_option("runs", o->runs, "Run folders")->required();
    del->callback([o] {
        exitCode() = eachRun(o->runs, [](const std::string& run) {
            const std::string to = trashRun(run);
            return run + ": moved to " + to + " (undo: reionscope-cli runs restore " + to + ")";
        });
    });

    CLI::App* restore = runs.add_subcommand("restore", "Put deleted runs back where they were");
    restore->add_option("runs", o->runs, "Run folders in a .trash folder")->required();
    restore->callback([o] {
        exitCode() = eachRun(o->runs, [](const std::string& run) { return run + ": restored to " + restoreRun(run); });
    });
}

} // namespace rs::cli
