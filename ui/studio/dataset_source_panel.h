#pragma once
/// \file dataset_source_panel.h
/// Where a new run's dataset comes from: an existing dataset file, or one built now from the
/// catalog open in the Explorer or from a simulator grid (core/ml's builders, in the background
/// with progress and cancel). Once a dataset is open the panel shows its samples and its split
/// BY SIMULATION: how many simulations, cubes and samples went to train, validation and test.

#include "ml/dataset.h"

#include <QStringList>
#include <QWidget>

#include <memory>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QTableWidget;
class QToolButton;

namespace rs::ui {

class JobRunner;

class DatasetSourcePanel : public QWidget {
    Q_OBJECT

public:
    enum class Source { File, Catalog, Simulator };

    /// `catalogPaths`: what the Explorer has open; `datasetsFolder`: where built datasets go.
    DatasetSourcePanel(const QStringList& catalogPaths, const QString& datasetsFolder, QWidget* parent = nullptr);

    void setSource(Source s);
    Source source() const;
    /// Opens an existing dataset file (in the background; datasetChanged() follows).
    void setDatasetPath(const QString& path);
    /// The simulator grid to build from: N³ cells, box [Mpc], redshifts, ζ values, seeds 1..seeds.
    void setSimulatorGrid(int dim, double boxMpc, const QString& redshifts, const QString& zetas, int seeds);
    /// δT_b's velocity terms for the simulator grid: "off" (default), "on" or "both"; false for
    /// another name.
    bool setVelocityTerms(const QString& name);
    /// Every stride-th slice when building (default 4).
    void setStride(int stride);
    /// Where a built dataset is written.
    void setOutputPath(const QString& path);
    /// Builds from the catalog or the simulator grid (in the background).
    void build();

    /// The open dataset (null until one is open).
    std::shared_ptr<const rs::ml::DatasetFile> dataset() const { return m_dataset; }
    QString datasetPath() const;
    JobRunner* job() const { return m_job; }
    /// The split table: rows train / validation / test; columns simulations, cubes, samples.
    QTableWidget* splitTable() const { return m_split; }

Q_SIGNALS:
    void datasetChanged();

private:
    /// The simulator-grid page (grid size, box, redshifts, ζ, seeds).
    QWidget* makeSimulatorPage();
    /// The build settings (quantity, samples, axes, stride, split, output) and the Build button.
    QWidget* makeBuildBox(const QString& datasetsFolder);
    void open(const QString& path);
    void showDataset();

    QStringList m_catalogPaths;
    QComboBox* m_source = nullptr;
    QStackedWidget* m_pages = nullptr;
    QLineEdit* m_path = nullptr;
    QLabel* m_catalogLabel = nullptr;
    QSpinBox* m_dim = nullptr;
    QDoubleSpinBox* m_box = nullptr;
    QLineEdit* m_redshifts = nullptr;
    QLineEdit* m_zetas = nullptr;
    QSpinBox* m_seeds = nullptr;
    QComboBox* m_velocities = nullptr; ///< δT_b's velocity terms: off, on, both
    QWidget* m_buildBox = nullptr;
    QComboBox* m_quantity = nullptr;
    QComboBox* m_mode = nullptr;
    QLineEdit* m_axes = nullptr;
    QSpinBox* m_stride = nullptr;
    QLineEdit* m_fractions = nullptr;
    QLineEdit* m_output = nullptr;
    QPushButton* m_build = nullptr;
    QProgressBar* m_progress = nullptr;
    QToolButton* m_cancel = nullptr;
    QLabel* m_summary = nullptr;
    QTableWidget* m_split = nullptr;
    JobRunner* m_job = nullptr;
    std::shared_ptr<const rs::ml::DatasetFile> m_dataset;
};

/// Numbers from "7, 8.5, 9" (commas or spaces). Throws rs::ParameterError naming `what` for
/// anything that is not a number, or an empty list.
std::vector<double> parseNumbers(const QString& text, const char* what);

} // namespace rs::ui
