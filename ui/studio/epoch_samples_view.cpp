#include "studio/epoch_samples_view.h"

#include "util/error.h"
#include "vtk/colormap.h"

#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QPainter>
#include <QSlider>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace rs::ui {

/// Paints the samples: one row per sample.
class SamplesCanvas : public QWidget {
public:
    using QWidget::QWidget;
    const rs::ml::EpochSamplesIndex* index = nullptr;
    const std::vector<float>* values = nullptr;

protected:
    void paintEvent(QPaintEvent*) override;

private:
    QImage image(const float* v, double lo, double hi) const;
    void paintBars(QPainter& p, const QRectF& r, std::size_t sample) const;
};

QImage SamplesCanvas::image(const float* v, double lo, double hi) const
{
    const int rows = int(index->rows), cols = int(index->cols);
    QImage img(cols, rows, QImage::Format_RGB32);
    const double span = hi > lo ? hi - lo : 1;
    for (int r = 0; r < rows; ++r) {
        auto* line = reinterpret_cast<QRgb*>(img.scanLine(r));
        for (int c = 0; c < cols; ++c) {
            const float x = v[std::size_t(r) * std::size_t(cols) + std::size_t(c)];
            line[c] = std::isfinite(x) ? colormapColor(ColormapId::Viridis, std::clamp((x - lo) / span, 0.0, 1.0)).rgb()
                                       : qRgb(255, 0, 255);
        }
    }
    return img;
}

void SamplesCanvas::paintBars(QPainter& p, const QRectF& r, std::size_t s) const
{
    const std::size_t k = index->kind == "probabilities" ? index->classes.size() : 1;
    const float* v = values->data() + s * k;
    const QFontMetrics fm = fontMetrics();
    if (index->kind == "values") {
        p.drawText(r, Qt::AlignVCenter | Qt::AlignLeft,
            tr("predicted %1\ntrue %2").arg(double(v[0]), 0, 'g', 4).arg(index->truth[s], 0, 'g', 4));
        return;
    }
    const double rowH = std::min(r.height() / double(k), fm.height() * 1.4);
    for (std::size_t i = 0; i < k; ++i) {
        const QRectF row(r.left(), r.top() + double(i) * rowH, r.width(), rowH - 2);
        const bool truth
            = std::abs(index->classes[i] - index->truth[s]) <= 1e-6 * std::max(1.0, std::abs(index->truth[s]));
        const QString name = QString::number(index->classes[i], 'g', 4) + (truth ? tr(" (true)") : QString());
        const double labelW = fm.horizontalAdvance(QStringLiteral("00.00 (true) ")) + 4;
        p.drawText(QRectF(row.left(), row.top(), labelW, row.height()), Qt::AlignVCenter | Qt::AlignLeft, name);
        const QRectF bar(row.left() + labelW, row.top() + 2,
            (row.width() - labelW - 50) * std::clamp(double(v[i]), 0.0, 1.0), row.height() - 4);
        p.fillRect(bar, truth ? QColor(0x2c, 0xa0, 0x2c) : QColor(0x1f, 0x77, 0xb4));
        p.drawText(QRectF(row.right() - 46, row.top(), 46, row.height()), Qt::AlignVCenter | Qt::AlignRight,
            QStringLiteral("%1 %").arg(100.0 * double(v[i]), 0, 'f', 1));
    }
}

void SamplesCanvas::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    if (!index || !values || values->empty() || index->indices.empty())
        return;
    const std::size_t n = index->indices.size(), px = index->rows * index->cols;
    const bool images = index->kind == "images";
    const std::size_t panels = 1 + (images ? index->channels.size() : 1);
    const double titleH = fontMetrics().height() + 4;
    const double cellH = (height() - titleH) / double(n);
    const double cellW = width() / double(panels);
    const double side = std::max(8.0, std::min(cellH - 4, images ? cellW - 8 : cellH - 4));
    QStringList titles {tr("input")};
    for (const std::string& c : index->channels)
        titles << QString::fromStdString(c);
    if (!images)
        titles << (index->kind == "values" ? tr("prediction") : tr("class probabilities"));
    for (std::size_t i = 0; i < panels; ++i)
        p.drawText(QRectF(double(i) * cellW, 0, cellW, titleH), Qt::AlignCenter, titles[int(i)]);
    for (std::size_t s = 0; s < n; ++s) {
        const double top = titleH + double(s) * cellH;
        const float* input = index->inputs.data() + s * px;
        const std::size_t ch = images ? index->channels.size() : 0;
        const float* out = images ? values->data() + s * ch * px : nullptr;
        // One colour scale per sample and field: the autoencoder's input and reconstruction share
        // one; the translation's prediction and truth share theirs.
        auto range = [&](const float* a, std::size_t count, double& lo, double& hi) {
            for (std::size_t i = 0; i < count; ++i)
                if (std::isfinite(a[i])) {
                    lo = std::min(lo, double(a[i]));
                    hi = std::max(hi, double(a[i]));
                }
        };
        double lo = INFINITY, hi = -INFINITY, olo = INFINITY, ohi = -INFINITY;
        range(input, px, lo, hi);
        if (images && index->channels.front() == "reconstruction")
            range(out, px, lo, hi), olo = lo, ohi = hi;
        else if (images)
            range(out, ch * px, olo, ohi);
        auto draw = [&](std::size_t panel, const QImage& img) {
            const QRectF r(double(panel) * cellW + (cellW - side) / 2, top + 2, side, side);
            p.drawImage(r, img);
        };
        draw(0, image(input, lo, hi));
        if (images)
            for (std::size_t c = 0; c < ch; ++c)
                draw(1 + c, image(out + c * px, olo, ohi));
        else
            paintBars(p, QRectF(cellW + 4, top + 2, cellW - 8, cellH - 4), s);
    }
}

EpochSamplesView::EpochSamplesView(QWidget* parent)
    : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* row = new QHBoxLayout;
    m_label = new QLabel(this);
    m_label->setWordWrap(true);
    row->addWidget(m_label, 1);
    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setMinimumWidth(200);
    m_slider->setToolTip(tr("The epoch whose predictions are shown"));
    m_slider->setPageStep(1);
    row->addWidget(m_slider, 2);
    layout->addLayout(row);
    m_canvas = new SamplesCanvas(this);
    m_canvas->index = &m_index;
    m_canvas->values = &m_values;
    layout->addWidget(m_canvas, 1);
    connect(m_slider, &QSlider::valueChanged, this, &EpochSamplesView::showEpochAt);
    setRun({});
}

QString EpochSamplesView::message() const
{
    return m_label->text();
}

void EpochSamplesView::setRun(const QString& runDir)
{
    const bool atNewest = m_slider->value() == m_slider->maximum() || runDir != m_run;
    const int keep = m_epoch;
    m_run = runDir;
    m_index = {};
    try {
        if (!runDir.isEmpty())
            m_index = rs::ml::readEpochSamplesIndex(runDir.toStdString());
    } catch (const rs::Error& e) {
        m_index = {};
        m_values.clear();
        m_epoch = 0;
        m_slider->setEnabled(false);
        m_label->setText(QString::fromStdString(e.what()));
        m_canvas->update();
        return;
    }
    const QSignalBlocker block(m_slider);
    m_slider->setRange(0, std::max(0, int(m_index.epochs.size()) - 1));
    m_slider->setEnabled(m_index.epochs.size() > 1);
    const auto it = std::find(m_index.epochs.begin(), m_index.epochs.end(), keep);
    m_slider->setValue(atNewest || it == m_index.epochs.end() ? m_slider->maximum() : int(it - m_index.epochs.begin()));
    showEpochAt(m_slider->value());
}

void EpochSamplesView::showEpochAt(int position)
{
    m_values.clear();
    m_epoch = 0;
    if (m_index.epochs.empty()) {
        m_label->setText(m_run.isEmpty() ? tr("Select a run to see its validation samples over the epochs.")
                                         : tr("No samples yet: the run saves its validation samples' predictions "
                                              "after each epoch (runs trained before this version have none)."));
    } else {
        const int epoch = m_index.epochs[std::size_t(std::clamp(position, 0, int(m_index.epochs.size()) - 1))];
        try {
            m_values = rs::ml::readEpochSamples(m_run.toStdString(), m_index, epoch);
            m_epoch = epoch;
            m_label->setText(tr("Epoch <b>%1</b> (%2 of %3 saved) · %4 validation samples")
                                 .arg(epoch)
                                 .arg(position + 1)
                                 .arg(m_index.epochs.size())
                                 .arg(m_index.indices.size()));
        } catch (const rs::Error& e) {
            m_label->setText(QString::fromStdString(e.what()));
        }
    }
    m_canvas->update();
}

} // namespace rs::ui
