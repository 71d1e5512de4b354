#pragma once
// Fixtures for the machine-learning tests: tiny synthetic "simulations" written as ReionScope
// HDF5 files (a δT_b and an x_HI cube each), and datasets built from them.

#include "ml/run_folder.h"
#include "ml/sim_sources.h"

#include <QString>

#include <string>
#include <vector>

namespace fixtures {

/// A ReionScope HDF5 file `<dir>/sim_z<z>_zeta<zeta>_seed<seed>.h5` holding an n^3 δT_b and x_HI
/// pair with redshift z and parameters zeta and random_seed: ionized bubbles whose number grows
/// with ζ and whose brightness grows with z, on seed-dependent noise, so z and ζ are learnable.
/// `nanVoxels` NaNs are planted in δT_b.
std::string writeSyntheticSim(
    const QString& dir, double z, double zeta, int seed, std::size_t n = 16, std::size_t nanVoxels = 0);

/// writeSyntheticSim for every (z, ζ, seed) of the lists; returns the paths.
std::vector<std::string> writeSyntheticGrid(
    const QString& dir, const std::vector<double>& zs, const std::vector<double>& zetas, int seeds, std::size_t n = 16);

/// Builds a slices dataset (axes xyz, given stride) from the grid at `out`; returns `out`.
std::string buildSyntheticDataset(const QString& dir, const std::string& out, const std::vector<double>& zs,
    const std::vector<double>& zetas, int seeds, std::size_t n = 16, std::size_t stride = 2);

/// A run configuration small enough for a test: `model` learning `target` (none for the
/// autoencoder) with its default task, batch 8, one epoch, one thread, a history line every batch,
/// learning rate 3e-3. Tests change what they need.
rs::ml::RunConfig tinyRunConfig(const std::string& dataset, rs::ml::ModelKind model = rs::ml::ModelKind::Cnn,
    rs::ml::Target target = rs::ml::Target::Z);

/// Tiny runs of the kinds the Studio's model views show, trained by trainTinyModelRuns.
struct TinyModelRuns {
    std::string pairs, maps; ///< density → x_HI pairs (two context radii) and δT_b maps
    QString runs; ///< the runs folder
    std::string unet, gen, ae; ///< the runs (gen empty when not asked for)
};

/// The simulation grid of the tiny runs: z 8, 9; ζ 15, 40; seeds 1-4; `dim`³ cubes of 1.5 Mpc
/// cells, one thread.
rs::ml::SimulationGrid tinySimulationGrid(std::size_t dim = 16);

/// Builds 16² datasets from simulated 16³ / 24 Mpc cubes (z 8, 9; ζ 15, 40; 4 seeds) in `dir` and
/// trains a unet translating density into x_HI (2 epochs), a generator of δT_b maps (2 epochs,
/// when `withGenerator`) and an autoencoder (1 epoch) into `<dir>/runs`. Throws what building and
/// training throw, and std::runtime_error when a training does not finish.
TinyModelRuns trainTinyModelRuns(const QString& dir, bool withGenerator = true);

} // namespace fixtures
