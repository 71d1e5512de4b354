#include "explorer/lightcone_view.h"

#include "charts/chart_export.h"
#include "cube/lightcone_compare.h"
#include "figure/figure_file.h"
#include "shell/text_format.h"
#include "util/error.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QToolButton>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <memory>

namespace rs::ui {

namespace {

constexpr int kControls = 32; ///< height of the option row above everything
constexpr int kMargin = 56;
constexpr int kTransverseWidth = 220;
constexpr std::size_t kNone = std::size_t(-1);

bool isLightcone(const Cube& c)
{
    return !c.empty() && c.metadata().kind == FieldKind::Lightcone && c.metadata().lightcone
        && c.metadata().lightcone->redshifts.size() == c.shape()[2];
}

std::vector<double> sliceMeans(const Cube& c)
{
    const Shape& s = c.shape();
    std::vector<double> m(s[2], 0.0);
    const float* d = c.data();
    for (std::size_t ij = 0; ij < s[0] * s[1]; ++ij) {
        const float* row = d + ij * s[2];
        for (std::size_t k = 0; k < s[2]; ++k)
            m[k] += row[k];
    }
    for (double& v : m)
        v /= double(s[0] * s[1]);
    return m;
}

QImage imageOf(const SliceView& s, ColormapId id, const DisplayRange& r)
{
    QImage img(int(s.cols()), int(s.rows()), QImage::Format_RGB32);
    const auto& table = colormapTable(id); // once: colormapColor locks per call
    const double scale = 255.0 / (r.hi > r.lo ? r.hi - r.lo : 1.0);
    for (std::size_t row = 0; row < s.rows(); ++row) {
        auto* line = reinterpret_cast<QRgb*>(img.scanLine(int(s.rows() - 1 - row))); // row 0 at the bottom
        for (std::size_t c = 0; c < s.cols(); ++c) {
            const double t = (double(s.at(row, c)) - r.lo) * scale;
            const Rgb8& rgb = table[std::size_t(std::isfinite(t) ? std::clamp(t + 0.5, 0.0, 255.0) : 0.0)];
            line[c] = qRgb(rgb[0], rgb[1], rgb[2]);
        }
    }
    return img;
}

/// Index of the value nearest to d in an increasing list, or kNone when d lies more than half a
/// step outside it.
std::size_t nearestIndex(const std::vector<double>& xs, double d)
{
    if (xs.empty())
        return kNone;
    const double half = xs.size() > 1 ? 0.5 * (xs.back() - xs.front()) / double(xs.size() - 1) : 0.5;
    if (d < xs.front() - half || d > xs.back() + half)
        return kNone;
    const auto it = std::lower_bound(xs.begin(), xs.end(), d);
    if (it == xs.end())
        return xs.size() - 1;
    if (it == xs.begin())
        return 0;
    return (d - *(it - 1) <= *it - d) ? std::size_t(it - xs.begin() - 1) : std::size_t(it - xs.begin());
}

double halfStep(const std::vector<double>& xs)
{
    return xs.size() > 1 ? 0.5 * (xs.back() - xs.front()) / double(xs.size() - 1) : 0.5;
}

} // namespace

LightconeView::LightconeView(QWidget* parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::WheelFocus);
    setMinimumSize(480, 360);
    auto* row = new QWidget(this);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(kMargin, 4, 8, 0);
    m_eorBox = new QCheckBox(tr("py21cmfast EoR colours (δT_b)"), row);
    m_eorBox->setToolTip(tr("py21cmfast's \"EoR\" colour map over its fixed −150…30 mK range"));
    m_modeBox = new QComboBox(row);
    m_modeBox->addItem(tr("This lightcone only"), int(LightconeCompareMode::Single));
    m_modeBox->addItem(tr("Stacked: A above B"), int(LightconeCompareMode::Stacked));
    m_modeBox->addItem(tr("Difference A − B"), int(LightconeCompareMode::Difference));
    m_modeBox->setToolTip(tr("Compare with a second lightcone (catalog: right-click → compare)"));
    layout->addWidget(m_eorBox);
    layout->addSpacing(16);
    layout->addWidget(m_modeBox);
    layout->addStretch(1);
    m_export = new QToolButton(row);
    m_export->setText(tr("Export…"));
    m_export->setToolTip(tr("Save the lightcone picture as a figure: PNG at a chosen resolution, SVG or PDF"));
    m_export->setEnabled(false);
    layout->addWidget(m_export);
    row->setGeometry(0, 0, 900, kControls);
    connect(m_eorBox, &QCheckBox::toggled, this, &LightconeView::setEoRColours);
    connect(m_modeBox, &QComboBox::currentIndexChanged, this,
        [this](int i) { setCompareMode(LightconeCompareMode(m_modeBox->itemData(i).toInt())); });
    connect(m_export, &QToolButton::clicked, this, &LightconeView::exportWithDialog);
    m_eorBox->setEnabled(false);
    m_modeBox->setEnabled(false);
}

LightconeView::~LightconeView() = default;

void LightconeView::setLightcone(const Cube& cube, std::optional<SummaryStats> stats)
{
    const bool ok = isLightcone(cube);
    m_cube = ok ? cube : Cube();
    m_meansA.clear();
    m_dA.clear();
    m_distance.reset();
    if (ok) {
        m_meansA = sliceMeans(cube);
        m_dA = lineOfSightDistances(cube);
        m_distance = std::make_shared<const ComovingDistance>(backgroundFrom(cube.metadata().parameters));
        m_statsA = stats ? *stats : summarize(cube);
        m_userColormap = defaultColormap(cube.quantity(), m_statsA.min < 0);
        m_cut = cube.shape()[0] / 2;
        m_chosen = 0;
    } else {
        m_other = Cube();
    }
    m_eorBox->setEnabled(ok && cube.quantity() == Quantity::BrightnessTemperature);
    m_export->setEnabled(ok);
    updateComparison();
}

void LightconeView::setComparison(const Cube& cube, const QString& label)
{
    const bool first = m_other.empty();
    m_other = isLightcone(cube) && !m_cube.empty() ? cube : Cube();
    m_otherLabel = label;
    m_meansB = m_other.empty() ? std::vector<double>() : sliceMeans(m_other);
    m_dB = lineOfSightDistances(m_other);
    if (!m_other.empty())
        m_statsB = summarize(m_other);
    if (first && !m_other.empty() && m_mode == LightconeCompareMode::Single)
        m_mode = LightconeCompareMode::Stacked;
    if (m_other.empty())
        m_mode = LightconeCompareMode::Single;
    updateComparison();
}

void LightconeView::setCompareMode(LightconeCompareMode mode)
{
    m_mode = m_other.empty() ? LightconeCompareMode::Single : mode;
    updateComparison();
}

QString LightconeView::compareMessage() const
{
    return m_mode == LightconeCompareMode::Difference ? m_mismatch : QString();
}

void LightconeView::updateComparison()
{
    m_difference = Cube();
    m_mismatch.clear();
    if (m_mode == LightconeCompareMode::Difference) {
        const std::string why = lightconeGridMismatch(m_cube, m_other);
        if (why.empty()) {
            m_difference = lightconeDifference(m_cube, m_other);
            m_statsDiff = summarize(m_difference);
        } else {
            m_mismatch = tr("Cannot show A − B: %1. Stacked shows both on one axis.").arg(QString::fromStdString(why));
        }
    }
    {
        const QSignalBlocker block(m_modeBox);
        m_modeBox->setCurrentIndex(m_modeBox->findData(int(m_mode)));
        m_modeBox->setEnabled(!m_other.empty());
    }
    updateAxisRange();
    rebuildImages();
    update();
}

void LightconeView::setEoRColours(bool on)
{
    m_eor = on;
    {
        const QSignalBlocker block(m_eorBox);
        m_eorBox->setChecked(on);
    }
    rebuildImages();
    update();
}

void LightconeView::setColormap(ColormapId id)
{
    m_userColormap = id;
    rebuildImages();
    update();
}

ColormapId LightconeView::colormap() const
{
    if (!m_difference.empty())
        return ColormapId::CoolWarm;
    if (m_eor && m_cube.quantity() == Quantity::BrightnessTemperature)
        return ColormapId::EoR;
    return m_userColormap;
}

DisplayRange LightconeView::displayedRange() const
{
    return m_range;
}

void LightconeView::setCutIndex(std::size_t i)
{
    if (m_cube.empty())
        return;
    m_cut = std::min(i, m_cube.shape()[0] - 1);
    rebuildImages();
    update();
}

double LightconeView::chosenRedshift() const
{
    return m_cube.empty() ? std::nan("") : m_cube.metadata().lightcone->redshifts[m_chosen];
}

void LightconeView::chooseSlice(std::size_t k)
{
    if (m_cube.empty() || k >= m_cube.shape()[2])
        return;
    QRegion dirty = stepRegion();
    m_chosen = k;
    rebuildTransverse();
    update(dirty + stepRegion()); // the rest is unchanged (m_background)
    Q_EMIT redshiftChosen(chosenRedshift(), k);
}

const Cube& LightconeView::pictured() const
{
    return m_difference.empty() ? m_cube : m_difference;
}

int LightconeView::cursorX() const
{
    return m_dA.empty() ? 0 : int(std::lround(xOfDistance(m_dA[m_chosen])));
}

QRegion LightconeView::stepRegion() const
{
    if (m_cube.empty())
        return {};
    const QRect pic = pictureRect();
    const int x = cursorX();
    QRegion r(QRect(x - 2, pic.top(), 5, historyRect().bottom() - pic.top() + 2));
    return r + QRect(pic.right() + 1, pic.top(), width() - pic.right() - 1, height() - pic.top());
}

void LightconeView::rebuildImages()
{
    m_scaled = m_scaledB = m_background = QPixmap();
    if (m_cube.empty()) {
        m_picture = m_pictureB = m_transverse = m_transverseB = QImage();
        return;
    }
    const bool stacked = m_mode == LightconeCompareMode::Stacked && !m_other.empty();
    SummaryStats st = m_difference.empty() ? m_statsA : m_statsDiff;
    if (stacked) {
        st.min = std::min(st.min, m_statsB.min);
        st.max = std::max(st.max, m_statsB.max);
    }
    m_range = displayRange(st, colormap());
    if (m_difference.empty() && m_cube.quantity() == Quantity::NeutralFraction && !m_range.constant)
        m_range = {0.0, 1.0};
    // Axis-0 cut: rows run along axis 1 (transverse), columns along the line of sight.
    m_picture = imageOf(pictured().slice(0, m_cut), colormap(), m_range);
    m_pictureB
        = stacked ? imageOf(m_other.slice(0, std::min(m_cut, m_other.shape()[0] - 1)), colormap(), m_range) : QImage();
    rebuildTransverse();
}

void LightconeView::rebuildTransverse()
{
    m_transverse = imageOf(pictured().slice(2, m_chosen), colormap(), m_range);
    m_transverseB = QImage();
    if (m_mode == LightconeCompareMode::Stacked && !m_other.empty() && !m_dA.empty())
        if (const std::size_t k = otherSliceAt(m_dA[m_chosen]); k != kNone)
            m_transverseB = imageOf(m_other.slice(2, k), colormap(), m_range);
}

void LightconeView::updateAxisRange()
{
    if (m_dA.empty()) {
        m_axisLo = 0;
        m_axisHi = 1;
        return;
    }
    m_axisLo = m_dA.front() - halfStep(m_dA);
    m_axisHi = m_dA.back() + halfStep(m_dA);
    if (m_mode == LightconeCompareMode::Stacked && !m_dB.empty()) {
        m_axisLo = std::min(m_axisLo, m_dB.front() - halfStep(m_dB));
        m_axisHi = std::max(m_axisHi, m_dB.back() + halfStep(m_dB));
    }
}

std::size_t LightconeView::otherSliceAt(double d) const
{
    return nearestIndex(m_dB, d);
}

QRect LightconeView::pictureRect() const
{
    const int fh = fontMetrics().height();
    const int top = kControls + 2 * fh + 12;
    const int w = width() - 2 * kMargin - kTransverseWidth;
    const int available = height() - top - (2 * fh + 18) - (2 * fh + 16);
    return {kMargin, top, std::max(w, 10), std::max(int(available * 0.58), 10)};
}

QRect LightconeView::lightconeRect(int which) const
{
    const QRect pic = pictureRect();
    if (m_mode != LightconeCompareMode::Stacked || m_other.empty())
        return which == 0 ? pic : QRect();
    const int h = (pic.height() - 6) / 2;
    return which == 0 ? QRect(pic.left(), pic.top(), pic.width(), h)
                      : QRect(pic.left(), pic.top() + h + 6, pic.width(), pic.height() - h - 6);
}

QRect LightconeView::historyRect() const
{
    const QRect pic = pictureRect();
    const int fh = fontMetrics().height();
    const int top = pic.bottom() + 2 * fh + 18;
    return {pic.left(), top, pic.width(), std::max(height() - top - (2 * fh + 16), 10)};
}

double LightconeView::distanceAtX(double x) const
{
    const QRect r = pictureRect();
    return m_axisLo + (x - r.left()) / double(std::max(1, r.width())) * (m_axisHi - m_axisLo);
}

double LightconeView::xOfDistance(double d) const
{
    const QRect r = pictureRect();
    return r.left() + (d - m_axisLo) / (m_axisHi - m_axisLo) * r.width();
}

double LightconeView::xOfRedshift(double z) const
{
    return m_distance ? xOfDistance(m_distance->distance(z)) : 0.0;
}

std::size_t LightconeView::sliceAtX(int x) const
{
    const QRect r = pictureRect();
    if (m_cube.empty() || x < r.left() || x > r.right())
        return kNone;
    return nearestIndex(m_dA, distanceAtX(x + 0.5));
}

QString LightconeView::readoutAt(QPoint pos) const
{
    const QRect pic = pictureRect();
    if (m_cube.empty() || pos.x() < pic.left() || pos.x() > pic.right())
        return {};
    const double d = distanceAtX(pos.x() + 0.5);
    const bool onB = lightconeRect(1).contains(pos);
    const Cube& cube = onB ? m_other : pictured();
    const std::size_t k = onB ? otherSliceAt(d) : nearestIndex(m_dA, d);
    if (k == kNone)
        return {};
    const LightconeAxis& a = *cube.metadata().lightcone;
    const double sliceD = onB ? m_dB[k] : m_dA[k];
    QString text = QStringLiteral("z = %1 · ν = %2 MHz · d = %3 Mpc")
                       .arg(formatNumber(a.redshifts[k], 5), formatNumber(frequencyMhz(a.redshifts[k]), 5),
                           formatNumber(sliceD, 6));
    const QRect r = lightconeRect(onB ? 1 : 0);
    if (r.contains(pos)) {
        const double f = 1.0 - double(pos.y() - r.top()) / double(std::max(1, r.height() - 1));
        const std::size_t j = std::min(cube.shape()[1] - 1, std::size_t(std::max(0.0, f) * double(cube.shape()[1])));
        const std::size_t i = std::min(m_cut, cube.shape()[0] - 1);
        const QString name = !m_difference.empty() ? QStringLiteral("A − B")
            : onB                                  ? QStringLiteral("B: %1").arg(quantityPlain(cube.quantity()))
                                                   : quantityPlain(cube.quantity());
        text += QStringLiteral(" · %1 = %2").arg(name, formatValue(cube.at(i, j, k), cube.quantity()));
    }
    return text;
}

void LightconeView::mousePressEvent(QMouseEvent* e)
{
    const std::size_t k = sliceAtX(int(e->position().x()));
    if (k != kNone)
        chooseSlice(k);
}

void LightconeView::mouseMoveEvent(QMouseEvent* e)
{
    const QString text = readoutAt(e->position().toPoint());
    if (!text.isEmpty())
        Q_EMIT hovered(text);
}

void LightconeView::wheelEvent(QWheelEvent* e)
{
    const int steps = e->angleDelta().y() / 120;
    if (steps == 0 || m_cube.empty())
        return QWidget::wheelEvent(e);
    const auto k = std::clamp<long>(long(m_chosen) - steps, 0, long(m_cube.shape()[2]) - 1);
    chooseSlice(std::size_t(k));
    e->accept();
}

void LightconeView::keyPressEvent(QKeyEvent* e)
{
    const int step = e->key() == Qt::Key_Right ? 1
        : e->key() == Qt::Key_Left             ? -1
        : e->key() == Qt::Key_PageDown         ? 10
        : e->key() == Qt::Key_PageUp           ? -10
                                               : 0;
    if (step == 0 || m_cube.empty())
        return QWidget::keyPressEvent(e);
    const auto k = std::clamp<long>(long(m_chosen) + step, 0, long(m_cube.shape()[2]) - 1);
    chooseSlice(std::size_t(k));
}

void LightconeView::resizeEvent(QResizeEvent*)
{
    m_modeBox->parentWidget()->setGeometry(0, 0, width(), kControls);
    m_scaled = m_scaledB = m_background = QPixmap();
    update();
}

figure::MapFigure LightconeView::figure() const
{
    if (m_cube.empty())
        throw ParameterError("lightcone view", "no lightcone is shown");
    figure::MapOptions o;
    o.map = colormap();
    o.range = std::make_pair(m_range.lo, m_range.hi);
    if (!m_difference.empty())
        o.title = tr("%1 lightcone A − B (B: %2)")
                      .arg(QString::fromUtf8(quantitySymbol(m_cube.quantity()).data()), m_otherLabel);
    return figure::lightconeFigure(pictured(), 0, std::min(m_cut, pictured().shape()[0] - 1), o);
}

void LightconeView::exportFigure(const QString& path, int dpi) const
{
    const auto f = std::make_shared<figure::MapFigure>(figure());
    figure::writeFigure(
        path.toStdString(), f->inches, dpi, [f](QPainter& p, const QRectF& r) { figure::paintMap(p, r, *f); },
        f->title);
}

void LightconeView::exportWithDialog()
{
    const QString path = charts::askFigurePath(
        this, tr("Export the lightcone as a figure"), QStringLiteral("lightcone"), &m_figureDpi);
    if (path.isEmpty())
        return;
    try {
        exportFigure(path, m_figureDpi);
        Q_EMIT statusMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)));
    } catch (const Error& e) {
        Q_EMIT problem(tr("Could not export: %1").arg(QString::fromStdString(e.what())));
    }
}

void LightconeView::changeEvent(QEvent* e)
{
    if (e->type() == QEvent::PaletteChange || e->type() == QEvent::FontChange)
        m_background = QPixmap();
    QWidget::changeEvent(e);
}

} // namespace rs::ui
