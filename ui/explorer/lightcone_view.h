#pragma once
/// \file lightcone_view.h
/// The classic 21cm lightcone picture: a line-of-sight slice (transverse axis up, line of sight
/// to the right) against redshift, with redshift ticks above and frequency ν = 1420.4/(1+z) MHz
/// below; the global history (box mean of each slice, and py21cmfast's global quantities) under
/// it, sharing the redshift axis; and the transverse slice at the chosen redshift beside it.
/// Clicking the picture or the history chooses that redshift.

#include "cube/cube.h"
#include "vtk/colormap.h"

#include <QImage>
#include <QWidget>

namespace rs::ui {

class LightconeView : public QWidget {
    Q_OBJECT

public:
    explicit LightconeView(QWidget* parent = nullptr);

    /// Shows a lightcone (metadata kind Lightcone with its axis); anything else clears the view.
    void setLightcone(const Cube& cube);
    const Cube& lightcone() const { return m_cube; }
    void setColormap(ColormapId id);
    /// The transverse row (index along axis 0) the line-of-sight slice is cut at.
    void setCutIndex(std::size_t i);

    /// The slice chosen along the line of sight, and its redshift (NaN when empty).
    std::size_t chosenSlice() const { return m_chosen; }
    double chosenRedshift() const;
    void chooseSlice(std::size_t k);

    /// Where the line-of-sight picture and the history are drawn (widget coordinates).
    QRect pictureRect() const;
    QRect historyRect() const;
    /// The slice under an x position of the picture or history, or npos.
    std::size_t sliceAtX(int x) const;
    /// "z = 7.512 · ν = 166.99 MHz · d = 9012.7 Mpc · δT_b = 12.3 mK" under a widget position.
    QString readoutAt(QPoint pos) const;

    QSize sizeHint() const override { return {900, 520}; }

Q_SIGNALS:
    void redshiftChosen(double z, std::size_t slice);
    void hovered(const QString& readout);

protected:
    void paintEvent(QPaintEvent*) override;
    void mousePressEvent(QMouseEvent*) override;
    void mouseMoveEvent(QMouseEvent*) override;
    void resizeEvent(QResizeEvent*) override;

private:
    void rebuildImages();
    void drawHistory(QPainter& p, const QRect& r) const;
    double xOfRedshift(double z, const QRect& r) const;

    Cube m_cube;
    ColormapId m_colormap = ColormapId::Inferno;
    DisplayRange m_range;
    std::size_t m_cut = 0, m_chosen = 0;
    QImage m_picture, m_transverse;
    std::vector<double> m_sliceMeans; ///< box mean of each slice along the line of sight
};

} // namespace rs::ui
