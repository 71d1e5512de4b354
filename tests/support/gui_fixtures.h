#pragma once
// Helpers for GUI and render tests: whether OpenGL works here, in-memory cubes with known values,
// image comparison against baselines in the repository.

#include "cube/cube.h"
#include "explorer/snapshot.h"

#include <QImage>
#include <QSize>
#include <QString>
#include <QtTest>

namespace rs::ui {
class TrainingWorkspace;
}

namespace guifixtures {

/// Settings, data and cache of this test process only: XDG_CONFIG_HOME, XDG_DATA_HOME and
/// XDG_CACHE_HOME in a temporary folder that lives until the process exits (recent files, runs
/// folder, demo data, HDF5 verdicts). Call from initMain(), before the application object exists.
void useTemporaryUserDirs();

/// The one set-up of every GUI test's initMain(): temporary user folders (useTemporaryUserDirs),
/// the OpenGL surface format our VTK widgets need, and contexts shared between windows (as the
/// application's main does).
void initGuiTestMain();

/// Whether an OpenGL 3.2 core context can be created here; `why` says what failed.
bool openGlAvailable(QString* why);

/// An n0 × n1 × n2 cube whose voxel (i, j, k) holds i * 10000 + j * 100 + k (+ offset), exact
/// in float32 for n < 100, of quantity `q`, box `box` Mpc per axis, redshift z.
rs::Cube indexCube(rs::Shape shape, rs::Quantity q, double box = 96.0, double z = 8.0, float offset = 0.0f);

/// The three classic 21cmFAST raw boxes of one run at one redshift, written into `dir`.
struct ClassicTrio {
    std::string density, xhi, tb; ///< paths
    std::vector<float> densityValues, xhiValues, tbValues; ///< C order, n^3
    std::size_t n = 0;
};
/// Writes updated_smoothed_deltax / xH_nohalos / delta_T_v3 boxes of n^3 cells and `box` Mpc at z,
/// with ζ and nf in the names. Values are deterministic and distinct from voxel to voxel; x_HI is
/// 0, 0.5 or 1, δT_b = 27 x_HI (1 + δ).
ClassicTrio writeClassicTrio(const QString& dir, std::size_t n, double box, double z, double zeta, double nf);

/// A LoadedCube (with core summary statistics) around a cube.
rs::ui::LoadedCube loaded(const rs::Cube& cube, const QString& runLabel = QStringLiteral("test run"));

/// Mean absolute difference per channel (0–255) between two images of the same size; 255 when
/// sizes differ.
double meanAbsDifference(const QImage& a, const QImage& b);

/// Fraction of pixels that are (almost) pure black.
double blackFraction(const QImage& img);

/// Compares `actual` with the baseline PNG at `baselinePath` (mean abs difference ≤ tolerance).
/// On failure (or a missing baseline) writes `actual` to `<build>/render-failures/<name>.png`
/// and fills `message`.
bool matchesBaseline(const QImage& actual, const QString& baselinePath, double tolerance, QString* message);

/// Folder of baseline images in the source tree (tests/baselines).
QString baselineDir();

/// Resizes `ws` to `size`, lists the runs in `folder` and shows it (the Studio tests' set-up; they
/// then wait for the rows they expect).
void showRunsFolder(rs::ui::TrainingWorkspace& ws, const QString& folder, QSize size);

} // namespace guifixtures

/// Skips the current test, saying why, when OpenGL cannot work on this machine.
#define REQUIRE_OPENGL()                                                                                               \
    do {                                                                                                               \
        QString why_;                                                                                                  \
        if (!guifixtures::openGlAvailable(&why_))                                                                      \
            QSKIP(qPrintable(                                                                                          \
                QStringLiteral("OpenGL is impossible here (%1); run under xvfb-run -a with Mesa").arg(why_)));         \
    } while (0)
