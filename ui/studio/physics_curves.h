#pragma once
/// \file physics_curves.h
/// "Physics loss curves": the physics metrics that each epoch's validation pass writes to a run's
/// history (core/ml/physics_history.h), drawn per epoch for every overlaid run, one quantity at
/// a time (a selector switches): IoU of the ionized regions, neutral-fraction error, power ratio,
/// r(k) at each k, PDF KS distance, diversity. A quantity has one axis titled with what it
/// measures, and its ideal value (power ratio 1, nf error 0, ...) is drawn as a grey dashed line.
/// Runs without physics metrics get a short explanation instead of an empty chart. Part of
/// CurvesView, which paces its redraws (frame_pacer.h) and exports it with its other charts.

#include <QString>
#include <QStringList>
#include <QWidget>

#include <cmath>
#include <cstdint>
#include <vector>

class QChart;
class QChartView;
class QComboBox;
class QLabel;
class QLineSeries;

namespace rs::ui {

class RunsModel;

/// A quantity the physics chart draws on one axis.
struct PhysicsQuantity {
    QString key; ///< "iou", "nf_error", "power_ratio", "r_k", "pdf_ks", "diversity", else the metric's name
    QString label; ///< short: the selector and the axis ("power ratio")
    QString title; ///< what it measures, for the chart's title
    double ideal = NAN; ///< the value of a perfect model (NaN: none)
};

/// The quantity a physics metric measures: "r_k_0.3" → r(k), "nf_error" → nf error, ...; an
/// unknown name is a quantity of its own.
PhysicsQuantity physicsQuantity(const QString& metric);
/// A metric's label within its quantity: "k = 0.3 Mpc⁻¹" for r_k_0.3, "" for the others.
QString physicsSeriesLabel(const QString& metric);

class PhysicsCurves : public QWidget {
    Q_OBJECT

public:
    explicit PhysicsCurves(RunsModel* model, QWidget* parent = nullptr);

    /// The runs to draw (overlaid, in this order: the colours of CurvesView).
    void setRuns(const QStringList& paths);
    /// Against epoch (default) or optimizer step.
    void setAgainstEpoch(bool epoch);

    /// The quantities the runs have (keys of physicsQuantity), in the selector's order.
    QStringList quantities() const { return m_quantities; }
    /// The quantity drawn (the last one drawn while the runs have none; "" before any).
    QString quantity() const { return m_quantity; }
    /// Draws another quantity (one of quantities(); others are ignored).
    void setQuantity(const QString& key);

    /// Brings the chart up to date: rebuilt when the runs, the quantity or the metrics present
    /// changed, otherwise only the series of runs with new points are refilled.
    void refresh();
    /// The chart view paints only when told (as CurvesView's): after each change.
    void repaintChart();

    QChart* chart() const;
    QChartView* view() const { return m_view; }
    /// Points drawn for a run's metric ("r_k_0.3"); 0 when it is not drawn.
    int drawnPoints(const QString& path, const QString& metric) const;
    /// The series drawing a run's metric; nullptr when it is not drawn.
    const QLineSeries* seriesOf(const QString& path, const QString& metric) const;
    /// The explanation shown instead of the chart ("" while the chart shows).
    QString note() const;
    /// Whether a chart is shown (some run has physics metrics).
    bool hasCurves() const { return !m_quantities.isEmpty(); }

private:
    struct Drawn {
        QString path, metric;
        QLineSeries* series = nullptr;
        int points = 0;
        std::uint64_t revision = ~std::uint64_t(0);
    };
    void updateQuantities();
    void rebuild();
    void fill(Drawn& d);
    void fitAxes();
    QString explanation() const;
    QString signature() const;

    RunsModel* m_model = nullptr;
    QStringList m_paths;
    QStringList m_quantities;
    QString m_quantity;
    QString m_built; ///< signature() of the chart as built
    bool m_epoch = true;
    std::vector<Drawn> m_drawn;
    QLineSeries* m_ideal = nullptr; ///< the ideal value, across the x range
    double m_idealValue = NAN;
    QComboBox* m_box = nullptr;
    QChartView* m_view = nullptr;
    QLabel* m_note = nullptr;
    QWidget* m_header = nullptr;
};

} // namespace rs::ui
