#include "explorer/stats_data.h"

#include "io/cube_loader.h"
#include "shell/text_format.h"
#include "stats/series.h"
#include "util/error.h"

#include <QFileInfo>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>

namespace rs::ui {

namespace {

QString num(double v)
{
    return std::isfinite(v) ? QString::number(v, 'g', 10) : QString();
}

/// The classic ps_ file in `folder` for redshift z (and nf when known), if any.
std::optional<PowerSpectrumFile> findReference(const std::string& folder, double z, std::optional<double> nf)
{
    std::error_code ec;
    for (const auto& de : std::filesystem::directory_iterator(folder, ec)) {
        const std::string name = de.path().filename().string();
        if (!isClassicPowerSpectrumName(name))
            continue;
        try {
            PowerSpectrumFile ps = readClassicPowerSpectrum(de.path().string());
            if (!ps.redshift || std::abs(*ps.redshift - z) > 1e-3)
                continue;
            const auto psNf = numberOf(ps.parameters, param::nf);
            if (nf && psNf && std::abs(*nf - *psNf) > 1e-5)
                continue;
            return ps;
        } catch (const Error&) {
            continue; // a damaged reference file is simply not shown
        }
    }
    return std::nullopt;
}

} // namespace

CubeStatistics computeCubeStatistics(const LoadedCube& cube, int bins, const StopToken& stop, std::size_t rays)
{
    CubeStatistics s;
    s.quantity = cube.quantity();
    s.redshift = cube.cube.redshift();
    s.label = cube.titlePlain();
    s.runLabel = cube.runLabel;
    if (!cube.cube.metadata().sourcePath.empty())
        s.folder
            = QString::fromStdString(std::filesystem::path(cube.cube.metadata().sourcePath).parent_path().string());
    stop.throwIfStopped();
    StatisticsOptions options;
    options.pdfBins = bins;
    options.mfp.rays = rays;
    s.field = computeStatistics(cube.cube, options, stop);
    s.histogram = s.field.pdf.histogram;
    s.spectrum = s.field.spectrum;
    stop.throwIfStopped();
    const std::string& source = cube.cube.metadata().sourcePath;
    if (cube.quantity() == Quantity::BrightnessTemperature && s.redshift && !source.empty())
        s.reference = findReference(std::filesystem::path(source).parent_path().string(), *s.redshift,
            numberOf(cube.cube.metadata().parameters, param::nf));
    return s;
}

namespace {

/// A lightcone's own history: py21cmfast's global quantities at its node redshifts (x_HI as
/// xH_box in v3, neutral_fraction in v4; brightness_temp), by z. Empty when the file has none.
std::map<double, std::pair<double, double>> lightconeHistory(const CubeEntry& e)
{
    std::map<double, std::pair<double, double>> points;
    if (!e.lightcone)
        return points;
    const LightconeAxis& a = *e.lightcone;
    auto global = [&a](std::initializer_list<const char*> names) -> const std::vector<double>* {
        for (const char* n : names)
            if (auto it = a.globals.find(n); it != a.globals.end() && it->second.size() == a.nodeRedshifts.size())
                return &it->second;
        return nullptr;
    };
    const std::vector<double>* nf = global({"xH_box", "neutral_fraction"});
    const std::vector<double>* tb = global({"brightness_temp"});
    const double nan = std::nan("");
    if (nf || tb)
        for (std::size_t i = 0; i < a.nodeRedshifts.size(); ++i)
            points[a.nodeRedshifts[i]] = {nf ? (*nf)[i] : nan, tb ? (*tb)[i] : nan};
    return points;
}

} // namespace

RunSeries computeRunSeries(const CatalogRun& run, const ProgressFn& progress, const StopToken& stop)
{
    RunSeries s;
    s.runId = QString::fromStdString(run.id);
    s.runLabel = QString::fromStdString(run.label);
    s.folder = QString::fromStdString(run.folder);
    std::size_t total = 0, done = 0;
    for (const auto& [z, byQ] : run.cubes)
        total += byQ.count(Quantity::NeutralFraction) + byQ.count(Quantity::BrightnessTemperature);
    const double nan = std::nan("");
    // A lightcone's box mean mixes every redshift along its line of sight, so it is no point of the
    // history (and reading one again costs as much as opening it): its file's history is used.
    std::map<double, std::pair<double, double>> history;
    for (const auto& [z, byQ] : run.cubes)
        for (const auto& [q, e] : byQ)
            if (e.kind == FieldKind::Lightcone && history.empty())
                history = lightconeHistory(e);
    for (const auto& [z, byQ] : run.cubes) {
        if (isUnknownRedshift(z))
            continue;
        double nf = nan, tb = nan;
        bool any = false, coeval = false;
        for (const auto& [q, e] : byQ)
            coeval = coeval || e.kind != FieldKind::Lightcone;
        for (Quantity q : {Quantity::NeutralFraction, Quantity::BrightnessTemperature}) {
            auto it = byQ.find(q);
            if (it == byQ.end() || it->second.kind == FieldKind::Lightcone)
                continue;
            stop.throwIfStopped();
            if (progress)
                progress(double(done) / double(std::max<std::size_t>(total, 1)), "reading " + it->second.path);
            // One cube at a time: a long series of large boxes never sits in memory at once.
            const double mean = boxMean(loadEntry(it->second));
            (q == Quantity::NeutralFraction ? nf : tb) = mean;
            any = true;
            ++done;
        }
        if (any)
            history[z] = {nf, tb}; // a coeval box's own mean wins over a global value at its z
        else if (coeval)
            history.try_emplace(z, nan, nan);
    }
    for (const auto& [z, v] : history) {
        s.z.push_back(z);
        s.nf.push_back(v.first);
        s.meanTb.push_back(v.second);
    }
    if (progress)
        progress(1.0, "done");
    return s;
}

std::vector<QString> overlayNamesOf(const std::vector<OverlayKey>& keys)
{
    std::vector<QString> names(keys.size());
    if (keys.size() == 1) {
        names[0] = keys[0].single;
        return names;
    }
    const QString OverlayKey::*parts[]
        = {&OverlayKey::quantity, &OverlayKey::redshift, &OverlayKey::runLabel, &OverlayKey::folder};
    for (const QString OverlayKey::*part : parts) {
        const bool folderPart = part == &OverlayKey::folder;
        bool differs = false;
        for (const OverlayKey& s : keys)
            for (const OverlayKey& t : keys)
                differs = differs || (s.*part != t.*part && (!folderPart || s.runLabel == t.runLabel));
        if (!differs)
            continue;
        for (std::size_t i = 0; i < keys.size(); ++i)
            names[i] += (names[i].isEmpty() ? QString() : QStringLiteral(" · ")) + keys[i].*part;
    }
    std::vector<bool> clash(keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i)
        clash[i] = names[i].isEmpty() || std::count(names.begin(), names.end(), names[i]) > 1;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (clash[i])
            names[i] += QStringLiteral("%1#%2").arg(names[i].isEmpty() ? QString() : QStringLiteral(" ")).arg(i + 1);
    }
    return names;
}

std::vector<QString> overlayNames(const std::vector<const CubeStatistics*>& set)
{
    std::vector<OverlayKey> keys;
    for (const CubeStatistics* s : set)
        keys.push_back({quantityPlain(s->quantity),
            s->redshift ? QStringLiteral("z = %1").arg(*s->redshift, 0, 'f', 2) : QStringLiteral("z ?"), s->runLabel,
            QFileInfo(s->folder).fileName(), s->label});
    return overlayNamesOf(keys);
}

std::vector<QString> historyNames(const std::vector<const RunSeries*>& set)
{
    std::vector<OverlayKey> keys;
    for (const RunSeries* s : set)
        keys.push_back({{}, {}, s->runLabel, QFileInfo(s->folder).fileName(), s->runLabel});
    return overlayNamesOf(keys);
}

QString histogramCsv(const CubeStatistics& s)
{
    QString t = QStringLiteral("# histogram of %1\n# %2 voxels below, %3 above the range, %4 not finite\n")
                    .arg(s.label)
                    .arg(s.histogram.below)
                    .arg(s.histogram.above)
                    .arg(s.histogram.nonfinite);
    t += QStringLiteral("bin_low,bin_high,count\n");
    for (std::size_t i = 0; i < s.histogram.counts.size(); ++i)
        t += QStringLiteral("%1,%2,%3\n")
                 .arg(num(s.histogram.edges[i]), num(s.histogram.edges[i + 1]))
                 .arg(s.histogram.counts[i]);
    return t;
}

QString spectrumCsv(const CubeStatistics& s)
{
    const QString units
        = unitsText(s.quantity).isEmpty() ? QString() : QStringLiteral(" [%1^2]").arg(unitsText(s.quantity));
    QString t = QStringLiteral(
        "# spherically averaged power spectrum of %1\n# Delta^2(k) = k^3 P(k) / (2 pi^2)%2, k in 1/Mpc\n")
                    .arg(s.label, units);
    t += QStringLiteral("k,delta2,error,modes\n");
    const std::vector<double> err = s.spectrum.error();
    for (std::size_t i = 0; i < s.spectrum.k.size(); ++i)
        t += QStringLiteral("%1,%2,%3,%4\n")
                 .arg(num(s.spectrum.k[i]), num(s.spectrum.delta2[i]), num(err[i]), num(s.spectrum.modes[i]));
    return t;
}

QString seriesCsv(const RunSeries& s)
{
    QString t = QStringLiteral("# global history of run %1: box-mean neutral fraction and brightness temperature\n")
                    .arg(s.runLabel);
    t += QStringLiteral("z,nf,mean_dTb_mK\n");
    for (std::size_t i = 0; i < s.z.size(); ++i)
        t += QStringLiteral("%1,%2,%3\n").arg(num(s.z[i]), num(s.nf[i]), num(s.meanTb[i]));
    return t;
}

namespace {

/// One row per cell with a finite value: k_perp,k_par,value,modes.
QString cylindricalRows(const CylindricalPower& c)
{
    QString t;
    for (std::size_t i = 0; i < c.kPerp.size(); ++i)
        for (std::size_t j = 0; j < c.kPar.size(); ++j)
            if (std::isfinite(c.at(i, j)))
                t += QStringLiteral("%1,%2,%3,%4\n")
                         .arg(num(c.kPerp[i]), num(c.kPar[j]), num(c.at(i, j)), num(c.modes[i * c.kPar.size() + j]));
    return t;
}

} // namespace

QString cylindricalCsv(const CubeStatistics& s)
{
    return QStringLiteral("# cylindrical power spectrum P(k_perp, k_par) of %1 (line of sight = axis 2)\n"
                          "# k in 1/Mpc, P in %2Mpc^3\nk_perp,k_par,power,modes\n")
               .arg(
                   s.label, unitsText(s.quantity).isEmpty() ? QString() : unitsText(s.quantity) + QStringLiteral("^2 "))
        + cylindricalRows(s.field.cylindrical);
}

QString cylindricalRatioCsv(const QString& title, const CylindricalPower& ratio)
{
    return QStringLiteral("# %1 (line of sight = axis 2)\n# k in 1/Mpc, ratio = P_A / P_B, modes of A\n"
                          "k_perp,k_par,ratio,modes\n")
               .arg(title)
        + cylindricalRows(ratio);
}

QString bubblesCsv(const CubeStatistics& s)
{
    QString t = QStringLiteral("# bubble size distributions of %1 (ionized: x_HI < 0.5)\n").arg(s.label);
    if (!s.field.meanFreePath || !s.field.regions)
        return t + QStringLiteral("# none: bubble sizes are computed for x_HI cubes only\n");
    const MeanFreePath& m = *s.field.meanFreePath;
    t += QStringLiteral("# mean free path: %1 rays, mean %2 Mpc, %3 longer than the box\nr_mpc,r_dp_dr\n")
             .arg(m.rays)
             .arg(num(m.mean))
             .arg(m.truncated);
    for (std::size_t i = 0; i < m.r.size(); ++i)
        t += QStringLiteral("%1,%2\n").arg(num(m.r[i]), num(m.rdPdR[i]));
    const FofRegions& f = *s.field.regions;
    t += QStringLiteral("# friends of friends: %1 regions, largest %2 Mpc^3 of %3 Mpc^3 ionized\nv_mpc3,v_dp_dv\n")
             .arg(f.volumes.size())
             .arg(num(f.largest), num(f.ionizedVolume));
    for (std::size_t i = 0; i < f.v.size(); ++i)
        t += QStringLiteral("%1,%2\n").arg(num(f.v[i]), num(f.vdPdV[i]));
    return t;
}

} // namespace rs::ui
