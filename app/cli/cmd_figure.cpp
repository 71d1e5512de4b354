// `figure slice|lightcone|power|history|power2d-ratio INPUTS... --out FILE.(png|svg|pdf)`: figures
// made headless with reionscope_figure (the painters the GUI's exports use). Qt Gui is started
// for this command only, on the offscreen platform (no display needed).
#include "stats_common.h"

#include "catalog/catalog.h"
#include "figure/figure_file.h"
#include "figure/figures.h"
#include "figure/power_map.h"
#include "io/cube_loader.h"
#include "stats/cylindrical_power.h"
#include "stats/series.h"
#include "util/error.h"

#include <QGuiApplication>
#include <QPainter>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>

namespace rs::cli {

namespace {

struct FigureOptions {
    std::string kind;
    std::vector<std::string> inputs;
    std::string out;
    int dpi = 150;
    std::string quantity;
    std::optional<std::size_t> index;
    std::string axis;
    std::string range;
    std::string cmap;
    std::optional<std::string> title;
    int bins = 0;
    std::string units = "mpc";
    double hubble = 0.68;
    int failures = 0; ///< inputs that could not be read (each printed once)
};

/// Thrown when every input failed and each failure was printed already.
struct NothingReadable { };

/// The entries of the inputs, only those of --quantity when given. Prints and counts failures.
std::vector<CubeEntry> entriesOf(FigureOptions& o)
{
    std::vector<CubeEntry> entries = collectEntries(o.inputs, o.failures);
    if (entries.empty() && o.failures > 0)
        throw NothingReadable {};
    if (o.quantity.empty())
        return entries;
    const std::optional<Quantity> q = quantityFromName(o.quantity);
    if (!q)
        throw ParameterError("--quantity", "unknown quantity '" + o.quantity + "'");
    std::vector<CubeEntry> kept;
    for (CubeEntry& e : entries)
        if (e.quantity == *q)
            kept.push_back(std::move(e));
    if (kept.empty() && !entries.empty())
        throw FormatError(o.inputs.front(), "holds no " + std::string(quantityName(*q)) + " cube");
    return kept;
}

/// The one cube a slice or lightcone figure shows.
Cube singleCube(FigureOptions& o, bool lightcone)
{
    std::vector<CubeEntry> entries = entriesOf(o);
    if (lightcone) {
        std::vector<CubeEntry> cones;
        for (CubeEntry& e : entries)
            if (e.kind == FieldKind::Lightcone)
                cones.push_back(std::move(e));
        if (cones.empty() && !entries.empty())
            throw FormatError(o.inputs.front(), "holds no lightcone (make one with `reionscope-cli lightcone`)");
        entries = std::move(cones);
        // The classic picture is δT_b: a lightcone file holding several fields shows it by default.
        const auto tb = std::find_if(entries.begin(), entries.end(),
            [](const CubeEntry& e) { return e.quantity == Quantity::BrightnessTemperature; });
        if (entries.size() > 1 && o.quantity.empty() && tb != entries.end())
            entries = {*tb};
    }
    if (entries.empty())
        throw FormatError(o.inputs.front(), "no cube to draw");
    if (entries.size() > 1) {
        std::set<std::string> names;
        for (const CubeEntry& e : entries)
            names.insert(std::string(quantityName(e.quantity)));
        std::string list;
        for (const std::string& n : names)
            list += (list.empty() ? "" : ", ") + n;
        throw ParameterError(o.inputs.front(),
            "holds " + std::to_string(entries.size()) + " cubes (" + list
                + "): name one file, or choose with --quantity");
    }
    return loadEntry(entries.front());
}

figure::MapOptions mapOptions(const FigureOptions& o)
{
    figure::MapOptions m;
    if (!o.cmap.empty()) {
        m.map = figure::findColormap(QString::fromStdString(o.cmap));
        if (!m.map)
            throw ParameterError(
                "--cmap", "unknown colour map '" + o.cmap + "' (viridis, inferno, coolwarm, ionization, greys)");
    }
    if (!o.range.empty()) {
        const std::vector<double> v = parseNumberList(o.range, "--range");
        if (v.size() != 2)
            throw ParameterError("--range", "needs two numbers LO,HI");
        m.range = std::pair {v[0], v[1]};
    }
    if (o.title)
        m.title = QString::fromStdString(*o.title);
    return m;
}

int axisOf(const std::string& name, int fallback)
{
    if (name.empty())
        return fallback;
    return name == "x" ? 0 : name == "y" ? 1 : 2;
}

/// Legend names: the parts (quantity, z, folder) that differ between the entries, and the file
/// name where those leave two alike.
std::vector<QString> legendNames(const std::vector<CubeEntry>& entries)
{
    std::vector<std::array<QString, 4>> parts;
    for (const CubeEntry& e : entries) {
        const std::filesystem::path p(e.path);
        parts.push_back({QString::fromUtf8(quantitySymbol(e.quantity).data()),
            e.redshift ? QStringLiteral("z = %1").arg(*e.redshift, 0, 'f', 2) : QStringLiteral("z ?"),
            QString::fromStdString(p.parent_path().filename().string()),
            QString::fromStdString(p.filename().string() + (e.dataset.empty() ? "" : ":" + e.dataset))});
    }
    std::vector<QString> names(entries.size());
    auto append = [&](std::size_t part) {
        for (std::size_t i = 0; i < parts.size(); ++i)
            names[i] += (names[i].isEmpty() ? QString() : QStringLiteral(" · ")) + parts[i][part];
    };
    for (std::size_t part = 0; part < 3; ++part) {
        std::set<QString> seen;
        for (const auto& p : parts)
            seen.insert(p[part]);
        if (seen.size() > 1)
            append(part);
    }
    if (std::set<QString>(names.begin(), names.end()).size() < names.size() || names.front().isEmpty())
        append(3);
    return names;
}

figure::PlotFigure powerOf(FigureOptions& o)
{
    const std::vector<CubeEntry> entries = entriesOf(o);
    if (entries.empty())
        throw FormatError(o.inputs.front(), "no cube to draw");
    const SpectrumUnits units = spectrumUnits(o.units, o.hubble);
    const std::vector<QString> names = legendNames(entries);
    std::vector<figure::NamedSpectrum> spectra;
    for (std::size_t i = 0; i < entries.size(); ++i)
        spectra.push_back({names[i], powerSpectrum(loadEntry(entries[i]), o.bins), entries[i].quantity});
    QString title = o.title ? QString::fromStdString(*o.title) : QStringLiteral("Power spectrum Δ²(k)");
    if (!o.title && entries.size() == 1)
        title += QStringLiteral(" · ") + QString::fromUtf8(quantitySymbol(entries[0].quantity).data())
            + (entries[0].redshift ? QStringLiteral(" · z = %1").arg(*entries[0].redshift, 0, 'f', 2) : QString());
    return figure::powerFigure(spectra, title, units.perH, units.h);
}

figure::PlotFigure historyOf(FigureOptions& o)
{
    std::vector<figure::NamedSeries> histories;
    const std::vector<CatalogRun> runs = groupIntoRuns(entriesOf(o));
    std::map<std::string, int> labels, seen;
    for (const CatalogRun& r : runs)
        ++labels[r.label];
    for (const CatalogRun& r : runs) {
        RedshiftSeries s;
        for (const auto& [z, byQ] : r.cubes) {
            auto meanOf = [&](Quantity q) {
                const auto it = byQ.find(q);
                return it == byQ.end() || !it->second.redshift ? std::nan("") : boxMean(loadEntry(it->second));
            };
            const double nf = meanOf(Quantity::NeutralFraction), tb = meanOf(Quantity::BrightnessTemperature);
            if (std::isnan(nf) && std::isnan(tb))
                continue;
            s.z.push_back(z);
            s.nf.push_back(nf);
            s.meanTb.push_back(tb);
        }
        if (s.z.empty())
            continue;
        std::string name = r.label;
        const std::string folder = std::filesystem::path(r.folder).filename().string();
        if ((labels[r.label] > 1 || r.label.empty()) && r.label.find(folder) == std::string::npos)
            name += (name.empty() ? "" : " · ") + folder;
        if (labels[r.label] > 1) // one folder split into runs (e.g. δT_b with and without velocities)
            name += " #" + std::to_string(++seen[r.label]);
        histories.push_back({QString::fromStdString(name), std::move(s)});
    }
    if (histories.empty())
        throw FormatError(o.inputs.front(), "holds no x_HI or δT_b cube with a redshift");
    const QString title = o.title ? QString::fromStdString(*o.title) : QStringLiteral("Reionization history");
    return figure::historyFigure(histories, title);
}

/// P_A(k⊥, k∥) / P_B(k⊥, k∥) of exactly two cubes of one grid (A the first input), painted as the
/// Statistics panel's ratio map.
figure::PowerMapData powerRatioOf(FigureOptions& o)
{
    std::vector<CubeEntry> entries; // in the order given: A first (entriesOf sorts the cubes it finds)
    for (const std::string& input : o.inputs) {
        FigureOptions one = o;
        one.inputs = {input};
        try {
            for (CubeEntry& e : entriesOf(one))
                entries.push_back(std::move(e));
        } catch (const NothingReadable&) { // printed already
        }
        o.failures += one.failures;
    }
    if (entries.empty() && o.failures > 0)
        throw NothingReadable {};
    if (entries.size() != 2)
        throw ParameterError(o.inputs.front(),
            "power2d-ratio needs exactly two cubes (A B), found " + std::to_string(entries.size())
                + ": name two files, or choose with --quantity");
    const std::vector<QString> names = legendNames(entries);
    figure::PowerMapData d {cylindricalPowerRatio(cylindricalPowerSpectrum(loadEntry(entries[0]), o.bins, o.bins),
                                cylindricalPowerSpectrum(loadEntry(entries[1]), o.bins, o.bins)),
        spectrumUnits(o.units, o.hubble),
        o.title ? QString::fromStdString(*o.title)
                : QStringLiteral("P(k⊥,k∥) ratio: A = %1, B = %2").arg(names[0], names[1]),
        {}};
    d.ratio = true;
    return d;
}

int drawFigure(FigureOptions& o);

int runFigure(FigureOptions& o)
{
    // Qt Gui for fonts and painting only: offscreen whatever the environment says (no display).
    // Qt's own notes (no XDG_RUNTIME_DIR, fonts) would only clutter the one-line output.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    qInstallMessageHandler([](QtMsgType type, const QMessageLogContext&, const QString& message) {
        if (type == QtCriticalMsg || type == QtFatalMsg)
            std::fprintf(stderr, "qt: %s\n", message.toLocal8Bit().constData());
    });
    static int argc = 1;
    static char name[] = "reionscope-cli";
    static char* argv[] = {name, nullptr};
    QGuiApplication qapp(argc, argv);
    try {
        return drawFigure(o);
    } catch (const NothingReadable&) {
        return 1;
    }
}

int drawFigure(FigureOptions& o)
{
    return exitCodeOf([&] {
        QSizeF inches;
        QString title;
        figure::PaintFn paint;
        if (o.kind == "slice" || o.kind == "lightcone") {
            const bool cone = o.kind == "lightcone";
            const Cube cube = singleCube(o, cone);
            const int axis = axisOf(o.axis, cone ? 0 : 2);
            const std::size_t index = o.index.value_or(cube.shape()[std::size_t(axis)] / 2);
            auto f
                = std::make_shared<figure::MapFigure>(cone ? figure::lightconeFigure(cube, axis, index, mapOptions(o))
                                                           : figure::sliceFigure(cube, axis, index, mapOptions(o)));
            inches = f->inches;
            title = f->title;
            paint = [f](QPainter& p, const QRectF& r) { figure::paintMap(p, r, *f); };
        } else if (o.kind == "power2d-ratio") {
            const auto d = std::make_shared<figure::PowerMapData>(powerRatioOf(o));
            inches = QSizeF(6.0, 4.8); // as the Statistics panel writes P(k⊥, k∥)
            title = d->title;
            paint = [d](QPainter& p, const QRectF& r) { figure::paintPowerMap(p, r.adjusted(8, 8, -8, -8), *d); };
        } else {
            auto f = std::make_shared<figure::PlotFigure>(o.kind == "power" ? powerOf(o) : historyOf(o));
            inches = f->inches;
            title = f->title;
            paint = [f](QPainter& p, const QRectF& r) { figure::paintPlot(p, r, *f); };
        }
        figure::writeFigure(o.out, inches, o.dpi, paint, title);
        std::printf("wrote %s figure %.3g x %.3g in (%d x %d px at %d dpi) to %s\n", o.kind.c_str(), inches.width(),
            inches.height(), int(std::lround(inches.width() * o.dpi)), int(std::lround(inches.height() * o.dpi)), o.dpi,
            o.out.c_str());
        return o.failures > 0 ? 1 : 0; // drawn from the inputs that could be read
    });
}

} // namespace

void addFigureCommand(CLI::App& app)
{
    auto o = std::make_shared<FigureOptions>();
    CLI::App* cmd = app.add_subcommand("figure",
        "Publication figure as PNG, SVG or PDF: a slice or lightcone (axes in Mpc, z and frequency, colour bar), "
        "the power spectrum Delta^2(k) of cubes overlaid with error bars, nf(z) and mean dTb(z) of runs, or the "
        "ratio P_A/P_B(k_perp, k_par) of two cubes of one grid");
    cmd->add_option("kind", o->kind, "slice, lightcone, power, history or power2d-ratio")
        ->required()
        ->check(CLI::IsMember({"slice", "lightcone", "power", "history", "power2d-ratio"}));
    cmd->add_option("inputs", o->inputs, "Files or folders")->required();
    cmd->add_option("--out", o->out, "FILE.png, FILE.svg or FILE.pdf")->required();
    cmd->add_option("--dpi", o->dpi, "Dots per inch (PNG pixels; SVG/PDF resolution), default 150")
        ->check(CLI::Range(figure::kMinDpi, figure::kMaxDpi));
    cmd->add_option("--quantity", o->quantity, "Only cubes of this quantity (density, xH, dTb, ...)");
    cmd->add_option("--index", o->index, "Slice index along --axis (default: the middle); lightcones: the cut");
    cmd->add_option("--axis", o->axis, "Slice normal x, y or z (default z); lightcones: cut along x (default) or y")
        ->check(CLI::IsMember({"x", "y", "z"}));
    cmd->add_option("--range", o->range, "Colour range LO,HI (default: the cube's, symmetric for coolwarm)");
    cmd->add_option("--cmap", o->cmap, "viridis, inferno, coolwarm, ionization or greys (default: the quantity's)");
    cmd->add_option("--title", o->title, "Title (default: what is shown; \"\" for none)");
    cmd->add_option("--bins", o->bins,
           "Power spectrum bins: 0 = classic 21cmFAST bins (default), N = N log bins (power2d-ratio: per direction)")
        ->check(CLI::Range(0, 10000));
    addUnitsOptions(cmd, o->units, o->hubble);
    cmd->callback([o] {
        requireOutputFile("--out", o->out, o->inputs);
        try {
            figure::figureFormatOf(o->out);
        } catch (const Error& e) {
            throw CLI::ValidationError("--out", e.what());
        }
        exitCode() = runFigure(*o);
    });
}

} // namespace rs::cli
