#pragma once
/// \file generator.h
/// Generating 2D maps (δT_b in mK, or x_HI) at chosen z and ζ with a trained generator run
/// (`train --model generator`, a conditional VAE, see detail/generator_net.h), and writing them.
/// No LibTorch in this header.

#include "cube/quantity.h"
#include "ml/run_folder.h"
#include "util/progress.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace rs::ml {

/// The datasets' source-parameter convention: the ζ label of a sample is kZetaPerFesc × f_esc
/// (constant sources, ζ = 5000 × 0.05 × f_esc; v2 sources, 250 × F_ESC10), so a generator
/// conditioned on the ζ labels is conditioned on f_esc as well: generate at ζ = 250 × f_esc.
constexpr double kZetaPerFesc = 250.0;

/// `count` maps of rows × cols (row-major, one after the other) in physical units.
struct GeneratedMaps {
    std::size_t count = 0, rows = 0, cols = 0;
    std::vector<float> values;
    Quantity quantity = Quantity::BrightnessTemperature;
    double z = 0, zeta = 0, cellSizeMpc = 0;
    std::uint64_t seed = 0;
};

/// A generator run loaded once for many calls (the CLI, benchmarks, the studio). generate() may
/// be called from one thread at a time.
class MapGenerator {
public:
    /// Throws IoError (not a run / no weights yet), FormatError (damaged files, or a run of another
    /// model: "is a 'cnn' run, not a generator run").
    explicit MapGenerator(const std::string& runDir);
    ~MapGenerator();
    MapGenerator(MapGenerator&&) noexcept;
    MapGenerator& operator=(MapGenerator&&) noexcept;

    const RunConfig& config() const;
    /// Warnings for parameters outside the training range (the network extrapolates there);
    /// empty inside it. `asFesc`: name the source parameter f_esc (= ζ / kZetaPerFesc).
    std::vector<std::string> rangeWarnings(double z, double zeta, bool asFesc = false) const;
    /// Draws `count` maps at (z, ζ) from latent noise seeded by `seed` (same seed, same maps).
    /// `rows` × `cols`: the maps' size, the training size where 0. The decoder is convolutional,
    /// so a run trained on 64² maps draws 200² ones of the same cell size (a larger sky, not
    /// finer cells). Throws ParameterError for count 0, non-finite parameters, ζ ≤ 0 or a size
    /// not divisible by 8.
    GeneratedMaps generate(double z, double zeta, std::size_t count, std::uint64_t seed = 0, std::size_t rows = 0,
        std::size_t cols = 0) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// What calibrateGeneratorRun did.
struct GeneratorCalibration {
    std::size_t points = 0; ///< (z, ζ) points calibrated
    std::size_t rows = 0, cols = 0; ///< the size of the maps it was calibrated with
    bool metricsUpdated = false; ///< metrics.json re-evaluated on the run's own test split
    std::string message; ///< one line: points, worst score, dataset
    /// judgingWarnings of the dataset against the run's own (another velocity convention)
    std::vector<std::string> warnings;
};

/// Calibrates how a finished generator run draws (RunConfig::generatorPoints: the ionized
/// offset, noise and quantile map per (z, ζ)) anew against the training split of `datasetPath`,
/// or of its own dataset where empty (what training did at its end; same seed, same points).
/// The dataset may hold maps of another size at the run's cell size, e.g. 200² maps of 300 Mpc
/// boxes for a run trained on 64² maps of 96 Mpc ones: the network keeps its structure, the
/// points take the larger boxes' neutral fractions and value distributions. Rewrites config.json
/// (generator.points, generator.calibrated_on) and metrics.json (the run's own test split).
/// Throws RunBusyError while the run trains, IoError (no run, not finished), FormatError (a run
/// of another model, damaged files), ParameterError (a dataset of another quantity or cell size,
/// no point with neutral cells, a run from before the drawn ionized state).
/// `progress` hears each point begin (the test evaluation after them is the last 5 %); a raised
/// `stop` ends it with CancelledError before config.json is touched.
GeneratorCalibration calibrateGeneratorRun(const std::string& runDir, const std::string& datasetPath = "",
    const ProgressFn& progress = {}, const StopToken& stop = StopToken());

/// Writes the maps as HDF5: one float32 dataset `maps` of shape (count, rows, cols) with the
/// attributes z, zeta, f_esc (ζ / kZetaPerFesc), quantity, units ("mK" for δT_b), cell_size_mpc, seed and run; written
/// atomically. Throws IoError when the file cannot be written.
void writeGeneratedMaps(const std::string& path, const GeneratedMaps& maps, const std::string& runDir);

} // namespace rs::ml
