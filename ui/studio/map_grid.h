#pragma once
/// \file map_grid.h
/// A grid of 2D maps (row-major floats) painted with one colour map on one value scale, each with
/// a caption, and a colour bar: the generated samples of the Generator view and the decoded maps
/// of a latent traversal. The images are made when the maps are set, so a repaint only scales
/// them; painted() reports each finished paint (the Generator view's redraw latency is measured
/// up to it).

#include "cube/quantity.h"
#include "figure/colormap.h"

#include <QImage>
#include <QWidget>

#include <utility>
#include <vector>

namespace rs::ui {

/// A fixed value scale for maps of `q` whose values have mean `mean` and spread `std` (a run's
/// normalisation): x_HI on [0, 1], δT_b from 0 to mean + 3σ, others mean ± 3σ.
std::pair<double, double> mapDisplayRange(Quantity q, double mean, double std);

class MapGrid : public QWidget {
    Q_OBJECT

public:
    explicit MapGrid(QWidget* parent = nullptr);

    /// Shows `count` maps of rows × cols (`values` holds them one after the other) on [lo, hi]
    /// with `captions` (one per map, or none), in `columns` columns (0: a near-square grid).
    void setMaps(const std::vector<float>& values, std::size_t count, std::size_t rows, std::size_t cols, double lo,
        double hi, const QStringList& captions = {}, int columns = 0);
    void setColormap(rs::figure::ColormapId id) { m_colormap = id; }
    /// Text beside the colour bar (units).
    void setScaleTitle(const QString& title) { m_scaleTitle = title; }
    void clear();

    std::size_t count() const { return m_images.size(); }
    /// The values shown (tests).
    const std::vector<float>& values() const { return m_values; }
    /// The image of map i as drawn (tests, screenshots).
    QImage image(std::size_t i) const { return i < m_images.size() ? m_images[i] : QImage(); }
    QSize sizeHint() const override { return {420, 420}; }

Q_SIGNALS:
    void painted();

protected:
    void paintEvent(QPaintEvent*) override;

private:
    rs::figure::ColormapId m_colormap = rs::figure::ColormapId::Viridis;
    std::vector<float> m_values;
    std::vector<QImage> m_images;
    QStringList m_captions;
    QString m_scaleTitle;
    double m_lo = 0, m_hi = 1;
    int m_columns = 1;
};

} // namespace rs::ui
