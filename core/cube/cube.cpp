#include "cube/cube.h"

#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>
#include <sys/mman.h>

namespace rs {

const char* fieldKindName(FieldKind k)
{
    switch (k) {
    case FieldKind::Coeval:
        return "coeval";
    case FieldKind::Lightcone:
        return "lightcone";
    case FieldKind::HaloCatalog:
        return "halo_catalog";
    }
    return "coeval";
}

namespace {

void checkGeometry(const Shape& shape, const Extent& box)
{
    for (int a = 0; a < 3; ++a) {
        if (shape[a] == 0)
            throw ParameterError("shape", "every axis needs at least one voxel");
        if (!(box[a] > 0) || !std::isfinite(box[a]))
            throw ParameterError("box_length", "box lengths must be positive and finite");
    }
    // 2^40 voxels (4 TiB) is far beyond any machine this runs on; refuse before overflowing.
    const double n = double(shape[0]) * double(shape[1]) * double(shape[2]);
    if (n > double(std::size_t(1) << 40))
        throw ParameterError("shape", "cube of " + std::to_string(n) + " voxels is too large");
}

} // namespace

std::shared_ptr<float[]> allocateVoxels(std::size_t count)
{
    // Large cubes: anonymous memory aligned to 2 MiB with transparent huge pages requested.
    // Filling a fresh 512^3 cube then costs 256 page faults instead of 131072 (loads run ~2x
    // faster from the page cache), and freeing returns the memory to the system at once.
    constexpr std::size_t hugePage = std::size_t(2) << 20;
    const std::size_t bytes = count * sizeof(float);
    if (bytes >= (std::size_t(16) << 20)) {
        const std::size_t span = (bytes + hugePage - 1) / hugePage * hugePage;
        void* raw = ::mmap(nullptr, span + hugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (raw == MAP_FAILED)
            throw std::bad_alloc();
        const auto start = reinterpret_cast<std::uintptr_t>(raw);
        const std::uintptr_t aligned = (start + hugePage - 1) / hugePage * hugePage;
        if (aligned > start)
            ::munmap(raw, aligned - start);
        const std::uintptr_t tail = aligned + span, end = start + span + hugePage;
        if (end > tail)
            ::munmap(reinterpret_cast<void*>(tail), end - tail);
#ifdef MADV_HUGEPAGE
        ::madvise(reinterpret_cast<void*>(aligned), span, MADV_HUGEPAGE);
#endif
        return std::shared_ptr<float[]>(reinterpret_cast<float*>(aligned), [span](float* q) { ::munmap(q, span); });
    }
    constexpr std::align_val_t align {64};
    auto* p = static_cast<float*>(::operator new[](std::max<std::size_t>(count, 1) * sizeof(float), align));
    return std::shared_ptr<float[]>(p, [](float* q) { ::operator delete[](q, std::align_val_t {64}); });
}

std::array<std::size_t, 2> sliceShape(const Shape& shape, int axis)
{
    switch (axis) {
    case 0:
        return {shape[1], shape[2]};
    case 1:
        return {shape[0], shape[2]};
    default:
        return {shape[0], shape[1]};
    }
}

// ---- SliceView ----------------------------------------------------------------------------

SliceView::SliceView(std::shared_ptr<const float[]> keep, const float* base, std::size_t rows, std::size_t cols,
    std::ptrdiff_t rowStride, std::ptrdiff_t colStride)
    : m_keep(std::move(keep))
    , m_base(base)
    , m_rows(rows)
    , m_cols(cols)
    , m_rowStride(rowStride)
    , m_colStride(colStride)
{ }

void SliceView::copyTo(float* out) const
{
    for (std::size_t r = 0; r < m_rows; ++r) {
        const float* row = m_base + std::ptrdiff_t(r) * m_rowStride;
        if (m_colStride == 1) {
            std::memcpy(out + r * m_cols, row, m_cols * sizeof(float));
        } else {
            for (std::size_t c = 0; c < m_cols; ++c)
                out[r * m_cols + c] = row[std::ptrdiff_t(c) * m_colStride];
        }
    }
}

std::vector<float> SliceView::toVector() const
{
    std::vector<float> v(m_rows * m_cols);
    copyTo(v.data());
    return v;
}

// ---- BlockView ----------------------------------------------------------------------------

BlockView::BlockView(std::shared_ptr<const float[]> keep, const float* origin, Shape extent, Shape parentShape)
    : m_keep(std::move(keep))
    , m_origin(origin)
    , m_shape(extent)
    , m_parent(parentShape)
{ }

SliceView BlockView::slice(int axis, std::size_t index) const
{
    if (axis < 0 || axis > 2 || index >= m_shape[axis])
        throw ParameterError(
            "slice", "index " + std::to_string(index) + " on axis " + std::to_string(axis) + " is outside the block");
    const std::ptrdiff_t s0 = std::ptrdiff_t(m_parent[1] * m_parent[2]), s1 = std::ptrdiff_t(m_parent[2]);
    switch (axis) {
    case 0:
        return {m_keep, m_origin + index * s0, m_shape[1], m_shape[2], s1, 1};
    case 1:
        return {m_keep, m_origin + index * s1, m_shape[0], m_shape[2], s0, 1};
    default:
        return {m_keep, m_origin + index, m_shape[0], m_shape[1], s0, s1};
    }
}

void BlockView::copyTo(float* out) const
{
    for (std::size_t i = 0; i < m_shape[0]; ++i)
        for (std::size_t j = 0; j < m_shape[1]; ++j) {
            std::memcpy(out, m_origin + (i * m_parent[1] + j) * m_parent[2], m_shape[2] * sizeof(float));
            out += m_shape[2];
        }
}

// ---- Cube ---------------------------------------------------------------------------------

Cube::Cube(Shape shape, Extent box, CubeMetadata meta)
    : Cube(uninitialized(shape, box, std::move(meta)))
{
    std::fill_n(m_data.get(), voxelCount(), 0.0f);
}

Cube Cube::uninitialized(Shape shape, Extent box, CubeMetadata meta)
{
    checkGeometry(shape, box);
    Cube c;
    c.m_shape = shape;
    c.m_box = box;
    c.m_meta = std::move(meta);
    c.m_data = allocateVoxels(c.voxelCount());
    return c;
}

float* Cube::mutableData()
{
    if (m_data && m_data.use_count() > 1) {
        auto fresh = allocateVoxels(voxelCount());
        std::memcpy(fresh.get(), m_data.get(), byteSize());
        m_data = std::move(fresh);
    }
    return m_data.get();
}

SliceView Cube::slice(int axis, std::size_t index) const
{
    if (empty())
        throw ParameterError("slice", "the cube is empty");
    return BlockView(m_data, m_data.get(), m_shape, m_shape).slice(axis, index);
}

BlockView Cube::block(Shape origin, Shape extent) const
{
    for (int a = 0; a < 3; ++a)
        if (extent[a] == 0 || origin[a] + extent[a] > m_shape[a])
            throw ParameterError("block",
                "block along axis " + std::to_string(a) + " (" + std::to_string(origin[a]) + " + "
                    + std::to_string(extent[a]) + ") does not fit in " + std::to_string(m_shape[a]) + " voxels");
    return BlockView(m_data, m_data.get() + index(origin[0], origin[1], origin[2]), extent, m_shape);
}

Cube Cube::clone() const
{
    if (empty())
        return {};
    Cube c = uninitialized(m_shape, m_box, m_meta);
    std::memcpy(c.m_data.get(), m_data.get(), byteSize());
    return c;
}

} // namespace rs
