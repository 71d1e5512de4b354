// Finding the cubes a dataset is cut from: files and folders grouped into simulations.
#include "ml/dataset.h"

#include "catalog/catalog.h"
#include "io/cube_loader.h"
#include "util/error.h"

#include <filesystem>
#include <set>

namespace rs::ml {

namespace {

std::string entryId(const CubeEntry& e)
{
    return e.dataset.empty() ? e.path : e.path + "#" + e.dataset;
}

} // namespace

std::vector<DatasetSource> sourcesFromFiles(
    const std::vector<std::string>& inputs, Quantity quantity, std::optional<Quantity> target)
{
    std::vector<CubeEntry> entries;
    for (const std::string& in : inputs) {
        if (std::filesystem::is_directory(in)) {
            const Catalog cat = scanFolder(in);
            if (!cat.errors.empty())
                throw FormatError(cat.errors.front().first, cat.errors.front().second);
            for (const CatalogRun& r : cat.runs)
                for (const auto& [z, byQ] : r.cubes)
                    for (const auto& [q, e] : byQ)
                        entries.push_back(e);
        } else {
            for (CubeEntry& e : probeFile(in))
                if (e.primary)
                    entries.push_back(std::move(e));
        }
    }
    std::vector<DatasetSource> out;
    std::set<std::string> quantitiesSeen;
    for (const CatalogRun& run : groupIntoRuns(entries)) {
        std::string group = run.id;
        if (auto it = run.parameters.find(param::seed); it != run.parameters.end())
            group = "seed=" + formatValue(it->second);
        for (const auto& [z, byQ] : run.cubes) {
            for (const auto& [q, e] : byQ)
                quantitiesSeen.insert(std::string(quantityName(q)));
            auto it = byQ.find(quantity);
            if (it == byQ.end())
                continue;
            std::optional<CubeEntry> xh;
            if (auto x = byQ.find(Quantity::NeutralFraction); x != byQ.end() && quantity != Quantity::NeutralFraction)
                xh = x->second;
            const CubeEntry entry = it->second;
            std::function<Cube()> loadTarget;
            if (target) {
                auto t = byQ.find(*target);
                if (t == byQ.end())
                    continue; // nothing to pair with
                loadTarget = [e = t->second]() { return loadEntry(e); };
            }
            out.push_back({entryId(entry), group,
                [entry, xh]() -> std::pair<Cube, std::optional<Cube>> {
                    Cube c = loadEntry(entry);
                    std::optional<Cube> x;
                    if (xh)
                        x = loadEntry(*xh);
                    return {std::move(c), std::move(x)};
                },
                loadTarget});
        }
    }
    if (out.empty()) {
        std::string seen;
        for (const std::string& s : quantitiesSeen)
            seen += (seen.empty() ? "" : ", ") + s;
        const std::string pairing = target
            ? " with a " + std::string(quantityName(*target)) + " cube of the same run and redshift"
            : std::string();
        throw ParameterError("quantity",
            "no " + std::string(quantityName(quantity)) + " cube" + pairing + " among the inputs"
                + (seen.empty() ? std::string() : " (found: " + seen + ")"));
    }
    return out;
}

} // namespace rs::ml
