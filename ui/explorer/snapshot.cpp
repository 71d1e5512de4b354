#include "explorer/snapshot.h"

#include "io/cube_loader.h"
#include "shell/text_format.h"
#include "util/error.h"

#include <QTextDocumentFragment>

#include <algorithm>
#include <cmath>

namespace rs::ui {

namespace { } // namespace

QString LoadedCube::titleHtml() const
{
    if (!caption.isEmpty())
        return caption;
    QString t = quantityWithUnitsHtml(quantity()) + QStringLiteral(" · ") + redshiftText(cube.redshift());
    if (!runLabel.isEmpty())
        t += QStringLiteral(" · ") + runLabel.toHtmlEscaped();
    return t;
}

QString LoadedCube::titlePlain() const
{
    if (!caption.isEmpty())
        return QTextDocumentFragment::fromHtml(caption).toPlainText();
    QString t = quantityPlain(quantity()) + QLatin1Char(' ') + redshiftText(cube.redshift());
    if (!runLabel.isEmpty())
        t += QLatin1Char(' ') + runLabel;
    return t;
}

const LoadedCube* Snapshot::find(Quantity q) const
{
    for (const LoadedCube& c : cubes)
        if (c.quantity() == q)
            return &c;
    return nullptr;
}

LoadedCube loadCube(const CubeEntry& entry, const QString& runLabel)
{
    LoadedCube lc;
    lc.cube = loadEntry(entry);
    lc.stats = summarize(lc.cube);
    lc.runLabel = runLabel;
    return lc;
}

namespace {

/// The halo catalogue of the run nearest in redshift to zKey, perturbed (Eulerian) positions
/// first, as the evolved fields are; kept in s.haloes, or its problem in s.haloProblem.
void loadHaloes(const CatalogRun& run, double zKey, Snapshot& s)
{
    const CubeEntry* best = nullptr;
    auto score = [zKey](const CubeEntry& e) {
        const double dz = e.redshift && !isUnknownRedshift(zKey) ? std::abs(*e.redshift - zKey) : 0.0;
        const bool perturbed = e.dataset.rfind("Perturb", 0) == 0;
        return dz + (perturbed ? 0.0 : 1e-3);
    };
    for (const CubeEntry& e : run.haloes)
        if (!best || score(e) < score(*best))
            best = &e;
    if (!best)
        return;
    const QString name = QString::fromStdString(best->dataset.substr(0, best->dataset.find('/')));
    try {
        s.haloes = std::make_shared<const HaloCatalogData>(readHaloCatalog(*best));
        s.haloSource = best->redshift ? QStringLiteral("%1 z = %2").arg(name).arg(*best->redshift, 0, 'f', 2) : name;
    } catch (const Error& e) {
        s.haloProblem = QString::fromStdString(e.what());
    }
}

} // namespace

Snapshot loadSnapshot(const CatalogRun& run, double zKey, const ProgressFn& progress, const StopToken& stop)
{
    Snapshot s;
    s.runId = QString::fromStdString(run.id);
    s.runLabel = QString::fromStdString(run.label);
    auto zIt = run.cubes.find(zKey);
    if (zIt == run.cubes.end())
        return s;
    if (!isUnknownRedshift(zKey))
        s.redshift = zKey;
    std::vector<const CubeEntry*> entries;
    for (const auto& [q, entry] : zIt->second)
        if (entry.primary)
            entries.push_back(&entry);
    std::stable_sort(entries.begin(), entries.end(),
        [](const CubeEntry* a, const CubeEntry* b) { return quantityOrder(a->quantity) < quantityOrder(b->quantity); });
    for (std::size_t i = 0; i < entries.size(); ++i) {
        stop.throwIfStopped();
        if (progress)
            progress(double(i) / double(entries.size()), "reading " + entries[i]->path);
        s.cubes.push_back(loadCube(*entries[i], s.runLabel));
    }
    loadHaloes(run, zKey, s);
    if (progress)
        progress(1.0, "done");
    return s;
}

} // namespace rs::ui
