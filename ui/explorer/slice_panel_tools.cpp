// SlicePanel's figure (the export painter shared with `reionscope-cli figure`), its colour range
// set by hand or shared, and the telescope view of δT_b (core observe() in the background).
#include "explorer/slice_panel.h"

#include "cube/cube_stats.h"
#include "explorer/color_bar.h"
#include "figure/figure_file.h"
#include "shell/job_runner.h"

#include <QInputDialog>
#include <QLineEdit>
#include <QMenu>
#include <QToolButton>

#include <cmath>

namespace rs::ui {

namespace {

constexpr double kLogFloor = 1e-3; // as the canvas draws log10(1 + δ)

QString telescopeTitle(Telescope t)
{
    return t == Telescope::SkaLow ? QStringLiteral("SKA-Low") : QStringLiteral("HERA");
}

} // namespace

figure::MapFigure SlicePanel::figure() const
{
    if (!m_canvas->hasCube())
        return {};
    const SliceViewState& st = m_canvas->state();
    const DisplayRange r = m_canvas->displayRange();
    figure::MapOptions o;
    o.map = m_canvas->colormap();
    o.range = std::pair {r.lo, r.hi};
    o.title = cube().titlePlain()
        + QStringLiteral(" · %1 = %2 Mpc")
              .arg(QLatin1Char("xyz"[st.axis]))
              .arg((st.index + 0.5) * cube().cube.cellSize(st.axis), 0, 'f', 1);
    figure::MapFigure f = figure::sliceFigure(cube().cube, st.axis, std::size_t(st.index), o);
    if (m_canvas->logScale()) { // what the canvas shows: log10(1 + δ)
        for (float& v : f.values)
            v = float(std::log10(std::max(1.0 + double(v), kLogFloor)));
        f.barLabel = QStringLiteral("log₁₀(1 + δ)");
    }
    return f;
}

QImage SlicePanel::renderImage(int dpi)
{
    if (!m_canvas->hasCube())
        return {};
    const figure::MapFigure f = figure();
    return figure::renderFigure(f.inches, dpi, [&f](QPainter& p, const QRectF& r) { figure::paintMap(p, r, f); });
}

void SlicePanel::setManualRange(double lo, double hi)
{
    m_canvas->setManualRange(lo, hi);
    updateColorBar();
}

void SlicePanel::askManualRange()
{
    const DisplayRange r = m_canvas->displayRange();
    bool ok = false;
    const QString text = QInputDialog::getText(this, tr("Colour range"), tr("Low, high (display units):"),
        QLineEdit::Normal, QStringLiteral("%1, %2").arg(r.lo, 0, 'g', 6).arg(r.hi, 0, 'g', 6), &ok);
    const QStringList parts = text.split(QLatin1Char(','));
    double lo = 0, hi = 0;
    bool okLo = false, okHi = false;
    if (ok && parts.size() == 2) {
        lo = parts[0].trimmed().toDouble(&okLo);
        hi = parts[1].trimmed().toDouble(&okHi);
    }
    if (ok && okLo && okHi && hi > lo)
        setManualRange(lo, hi);
    else if (ok)
        Q_EMIT problem(tr("A colour range needs two numbers, low before high, such as “-20, 40”."));
    updateColorBar(); // the menu shows the mode in force
}

void SlicePanel::buildObserveButton()
{
    m_observeJob = new JobRunner(this);
    m_observe = new QToolButton(this);
    m_observe->setText(tr("Observe"));
    m_observe->setCheckable(true);
    m_observe->setAutoRaise(true);
    m_observe->setPopupMode(QToolButton::MenuButtonPopup);
    m_observe->setToolTip(tr("Show δT_b as the telescope sees it: beam, bandwidth, thermal noise, mean removed"));
    auto* menu = new QMenu(m_observe);
    for (Telescope t : {Telescope::SkaLow, Telescope::Hera})
        for (double hours : {100.0, 1000.0}) {
            QAction* a = menu->addAction(tr("%1, %2 h").arg(telescopeTitle(t)).arg(hours));
            connect(a, &QAction::triggered, this, [this, t, hours] {
                ObserveOptions o = m_observeOptions;
                o.telescope = t;
                o.hours = hours;
                setObserveOptions(o);
                setObserved(true);
            });
        }
    QAction* wedge = menu->addAction(tr("Remove the Foreground Wedge"));
    wedge->setCheckable(true);
    connect(wedge, &QAction::toggled, this, [this](bool on) {
        ObserveOptions o = m_observeOptions;
        o.wedge = on;
        setObserveOptions(o);
    });
    m_observe->setMenu(menu);
    m_observe->setVisible(false);
    connect(m_observe, &QToolButton::toggled, this, [this](bool on) { setObserved(on); });
    connect(m_observeJob, &JobRunner::failed, this, [this](const QString& message) {
        const QSignalBlocker block(m_observe);
        m_observe->setChecked(false);
        Q_EMIT problem(tr("Could not observe: %1").arg(message));
    });
}

void SlicePanel::setObserveOptions(const ObserveOptions& options)
{
    m_observeOptions = options;
    if (isObserved())
        setObserved(true); // redo with the new options
}

bool SlicePanel::isObserved() const
{
    return m_observe->isChecked();
}

void SlicePanel::setObserved(bool on)
{
    const int i = selectedCube();
    if (i < 0 || i >= int(m_cubes.size()) || m_cubes[std::size_t(i)].quantity() != Quantity::BrightnessTemperature)
        on = false;
    {
        const QSignalBlocker block(m_observe);
        m_observe->setChecked(on);
    }
    if (!on) {
        m_observeJob->cancel();
        if (m_observedShown && i >= 0 && i < int(m_cubes.size()))
            showCube(i);
        return;
    }
    const LoadedCube source = m_cubes[std::size_t(i)];
    const ObserveOptions o = m_observeOptions;
    m_observeJob->start(tr("Observing %1").arg(source.titlePlain()),
        [this, source, o, i](const ProgressFn& progress, const StopToken& stop) {
            Observation obs = observe(source.cube, o, progress, stop);
            LoadedCube seen {obs.cube, summarize(obs.cube), source.runLabel, {}};
            seen.caption = source.titleHtml()
                + tr(" · observed: %1, %2 h%3, noise %4 mK")
                      .arg(telescopeTitle(o.telescope))
                      .arg(o.hours)
                      .arg(o.wedge ? tr(", wedge removed") : QString())
                      .arg(obs.noiseRmsMk, 0, 'f', 2);
            return std::function<void()>([this, seen, i] {
                if (!isObserved() || selectedCube() != i)
                    return;
                m_canvas->setCube(seen);
                m_canvas->setColormap(ColormapId::CoolWarm); // mean removed: either sign
                m_observedShown = true;
                syncControls();
                updateColorBar();
            });
        });
}

void SlicePanel::showCube(int i)
{
    m_observeJob->cancel();
    {
        const QSignalBlocker block(m_observe);
        m_observe->setChecked(false);
    }
    const LoadedCube& c = m_cubes[std::size_t(i)];
    m_canvas->setCube(c);
    if (m_observedShown && c.quantity() == Quantity::BrightnessTemperature) // back to the clean cube's map
        m_canvas->setColormap(defaultColormap(c.quantity(), c.stats.min < 0));
    m_observedShown = false;
    m_observe->setVisible(c.quantity() == Quantity::BrightnessTemperature && c.cube.redshift()
        && c.cube.metadata().kind == FieldKind::Coeval);
    syncControls();
    updateColorBar();
}

} // namespace rs::ui
