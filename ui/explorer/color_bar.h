#pragma once
/// \file color_bar.h
/// A vertical colour bar: the map from low (bottom) to high (top), tick labels, and a title with
/// units above it. Plain Qt painting, so it stays crisp and costs the VTK view nothing.

#include "figure/axes.h"
#include "vtk/colormap.h"

#include <QWidget>

namespace rs::ui {

/// Round tick values (figure/axes.h).
using figure::niceTicks;

class ColorBar : public QWidget {
    Q_OBJECT

public:
    explicit ColorBar(QWidget* parent = nullptr);

    void setColormap(ColormapId id);
    void setRange(DisplayRange range);
    /// Rich-text title, e.g. "δT<sub>b</sub> [mK]" or "log<sub>10</sub>(1+δ)".
    void setTitle(const QString& html);

    ColormapId colormap() const { return m_colormap; }
    DisplayRange range() const { return m_range; }
    QString title() const { return m_title; }
    /// The tick values currently drawn (for tests and exports).
    std::vector<double> ticks() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* e) override;

private:
    ColormapId m_colormap = ColormapId::Viridis;
    DisplayRange m_range;
    QString m_title;
};

} // namespace rs::ui
