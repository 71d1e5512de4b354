#pragma once
/// \file run_meta.h
/// What a person adds to a run folder after the fact: a display name, notes and tags, kept in
/// `<run>/meta.json` (the folder keeps its name, so paths in sweeps, logs and scripts stay valid),
/// and deleting a run to the runs folder's trash (`RUNS/.trash/<name>`), from where it can be
/// restored. No Qt, no LibTorch: the CLI and the studio share it.
///
///     meta.json      {"format": "reionscope-run-meta", "name": "...", "notes": "...", "tags": [...]}
///     trashed.json   only in a trashed run: {"from": "/abs/RUNS/name", "deleted": "UTC time"}

#include <string>
#include <vector>

namespace rs::ml {

struct RunMeta {
    std::string name; ///< display name ("" : the folder's name is shown)
    std::string notes;
    std::vector<std::string> tags; ///< sorted, unique, no empty tag
};

std::string runMetaPath(const std::string& runDir); ///< meta.json

/// The current time as run folders record it (config.json's `created`, the trash's `deleted`):
/// ISO 8601 in UTC, "2026-11-30T07:50:00Z".
std::string utcTimestamp();
/// meta.json; an empty RunMeta when the file does not exist. Throws FormatError when it is
/// damaged and IoError when it cannot be read.
RunMeta readRunMeta(const std::string& runDir);
/// Writes meta.json atomically (tags sorted and made unique, blanks dropped). Throws IoError
/// and FormatError when `runDir` is not a run folder.
void writeRunMeta(const std::string& runDir, RunMeta meta);
/// The name a listing shows: the display name, else the folder's name.
std::string runDisplayName(const std::string& runDir, const RunMeta& meta);

/// Adds and removes tags (a tag is trimmed; blanks and tags with commas are refused with
/// ParameterError). Returns the new meta. Throws like readRunMeta / writeRunMeta.
RunMeta editRunTags(
    const std::string& runDir, const std::vector<std::string>& add, const std::vector<std::string>& remove);

/// `<runs folder>/.trash` for a run folder inside `runsFolder`.
std::string trashFolder(const std::string& runsFolder);

/// Moves a run folder into its parent's trash (`.trash/<name>`, `<name>-2`, ... when taken) and
/// returns its path there. The run's training lock is held while it moves, so a run that is being
/// trained is refused with RunBusyError ("... is being trained ...; stop it first"); a folder that
/// is not a run: FormatError; a failed move: IoError.
std::string trashRun(const std::string& runDir);

/// Moves a trashed run back to where it was deleted from and returns that path. Throws
/// FormatError when `trashedDir` is not a trashed run, IoError when its old place is taken
/// (naming it) or the move fails.
std::string restoreRun(const std::string& trashedDir);

} // namespace rs::ml
