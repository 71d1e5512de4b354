#pragma once
/// \file cube.h
/// `Cube`: a 3D float32 field in C order with its physical size and metadata, plus cheap
/// (non-copying) slice and sub-block views. Copies of a Cube share the voxels; the first
/// mutableData() on a shared cube detaches it (copy-on-write), so a cube handed to another
/// thread is never changed under it.

#include "cube/quantity.h"

#include <array>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rs {

using Shape = std::array<std::size_t, 3>;
using Extent = std::array<double, 3>; ///< physical lengths along the three axes [comoving Mpc]

/// What a file entry holds and what a cube's axes mean.
enum class FieldKind {
    Coeval, ///< one snapshot: all three axes are comoving space at one redshift
    Lightcone, ///< axes 0 and 1 transverse, axis 2 the line of sight (each slice its own redshift)
    HaloCatalog, ///< a list of haloes (file entries only; never a Cube)
};

/// "coeval", "lightcone", "halo_catalog".
const char* fieldKindName(FieldKind k);

/// The line of sight of a lightcone (axis 2, nearest slice first) and the global history it was
/// built from. Shared between the cubes of one file (immutable once made).
struct LightconeAxis {
    std::vector<double> redshifts; ///< redshift of each slice along axis 2 (increasing)
    std::vector<double> distances; ///< comoving distance of each slice from the observer [Mpc]
    std::vector<double> nodeRedshifts; ///< redshifts of the coeval snapshots it interpolates (any order)
    /// Global (box-mean) quantities, one value per node redshift, by their file names
    /// (py21cmfast: brightness_temp, xH_box or neutral_fraction, density, ...).
    std::map<std::string, std::vector<double>> globals;
};

/// Where a cube came from and what it holds.
struct CubeMetadata {
    Quantity quantity = Quantity::Other;
    /// Coeval: the snapshot's redshift. Lightcone: the lowest redshift (of slice 0).
    std::optional<double> redshift;
    FieldKind kind = FieldKind::Coeval;
    /// Set for lightcones (kind == Lightcone): per-slice redshifts and distances along axis 2.
    std::shared_ptr<const LightconeAxis> lightcone;
    Parameters parameters;
    std::string sourcePath; ///< file it was read from ("" when computed)
    std::string sourceFormat; ///< "classic", "21cmfast-v3", "21cmfast-v4", "npy", "reionscope", "simulator"
    std::string sourceDataset; ///< dataset inside an HDF5 file, "" otherwise
};

/// A 2D view into a cube (a slice); keeps the voxels alive; element (r, c) with strides.
class SliceView {
public:
    SliceView() = default;
    SliceView(std::shared_ptr<const float[]> keep, const float* base, std::size_t rows, std::size_t cols,
        std::ptrdiff_t rowStride, std::ptrdiff_t colStride);

    std::size_t rows() const { return m_rows; }
    std::size_t cols() const { return m_cols; }
    float at(std::size_t r, std::size_t c) const
    {
        return m_base[std::ptrdiff_t(r) * m_rowStride + std::ptrdiff_t(c) * m_colStride];
    }
    /// Writes rows*cols values, row-major, into `out`.
    void copyTo(float* out) const;
    std::vector<float> toVector() const;

private:
    std::shared_ptr<const float[]> m_keep;
    const float* m_base = nullptr;
    std::size_t m_rows = 0, m_cols = 0;
    std::ptrdiff_t m_rowStride = 0, m_colStride = 0;
};

/// A 3D view of a box-shaped part of a cube; keeps the voxels alive.
class BlockView {
public:
    BlockView() = default;
    BlockView(std::shared_ptr<const float[]> keep, const float* origin, Shape extent, Shape parentShape);

    const Shape& shape() const { return m_shape; }
    float at(std::size_t i, std::size_t j, std::size_t k) const
    {
        return m_origin[(i * m_parent[1] + j) * m_parent[2] + k];
    }
    /// A 2D slice of the block, with the same axis convention as Cube::slice.
    SliceView slice(int axis, std::size_t index) const;
    /// Writes the block's voxels, C order, into `out`.
    void copyTo(float* out) const;

private:
    std::shared_ptr<const float[]> m_keep;
    const float* m_origin = nullptr;
    Shape m_shape {0, 0, 0};
    Shape m_parent {0, 0, 0};
};

class Cube {
public:
    Cube() = default;
    /// A zero-filled cube. Throws ParameterError for an empty or absurd shape or box.
    Cube(Shape shape, Extent box, CubeMetadata meta = {});
    /// A cube whose voxels are left uninitialised, for readers that fill every voxel at once
    /// (saves touching the memory twice).
    static Cube uninitialized(Shape shape, Extent box, CubeMetadata meta = {});

    bool empty() const { return !m_data; }
    const Shape& shape() const { return m_shape; }
    std::size_t voxelCount() const { return m_shape[0] * m_shape[1] * m_shape[2]; }
    std::size_t byteSize() const { return voxelCount() * sizeof(float); }
    const Extent& boxLength() const { return m_box; }
    double cellSize(int axis) const { return m_box[axis] / double(m_shape[axis]); }
    bool isCubic() const { return m_shape[0] == m_shape[1] && m_shape[1] == m_shape[2]; }

    const CubeMetadata& metadata() const { return m_meta; }
    CubeMetadata& metadata() { return m_meta; }
    Quantity quantity() const { return m_meta.quantity; }
    std::optional<double> redshift() const { return m_meta.redshift; }

    const float* data() const { return m_data.get(); }
    /// Writable voxels; detaches from other copies first if they share the buffer.
    float* mutableData();
    /// Shares ownership of the voxel buffer (for views and zero-copy hand-off).
    std::shared_ptr<const float[]> sharedData() const { return m_data; }

    std::size_t index(std::size_t i, std::size_t j, std::size_t k) const
    {
        return (i * m_shape[1] + j) * m_shape[2] + k;
    }
    float at(std::size_t i, std::size_t j, std::size_t k) const { return m_data[index(i, j, k)]; }

    /// The 2D slice perpendicular to `axis` (0, 1 or 2) at `index`. Rows and columns run along the
    /// two remaining axes in increasing order. No copy. Throws ParameterError when out of range.
    SliceView slice(int axis, std::size_t index) const;
    /// The sub-block starting at `origin` with `extent` voxels per axis. No copy.
    /// Throws ParameterError when it does not fit inside the cube.
    BlockView block(Shape origin, Shape extent) const;

    /// A deep copy with its own voxels.
    Cube clone() const;

private:
    Shape m_shape {0, 0, 0};
    Extent m_box {0, 0, 0};
    std::shared_ptr<float[]> m_data;
    CubeMetadata m_meta;
};

/// Allocates `count` floats aligned to 64 bytes (good for SIMD and FFTW), uninitialised.
std::shared_ptr<float[]> allocateVoxels(std::size_t count);

/// The shape of a slice perpendicular to `axis`: {rows, cols}.
std::array<std::size_t, 2> sliceShape(const Shape& shape, int axis);

} // namespace rs
