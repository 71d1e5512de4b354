#pragma once
/// \file kspace.h
/// Walking the modes of a real-to-complex transform: the half-grid of a real n0 × n1 × n2 array
/// (C order, rows (i, j) of n2/2 + 1 modes m ≥ 0), the layout of fft::Grid and of every FFTW r2c
/// result in core. One helper for the loop that filters, derivatives and spectra all need.

#include "numerics/fft_grid.h"
#include "util/parallel.h"

#include <array>
#include <cstddef>

namespace rs::fft {

/// Calls row(fi, fj, base) for the half-grid rows (i, j) with i in [i0, i1), in C order: fi and fj
/// are the signed frequencies of i and j (frequency()), base is the index of mode (i, j, 0); the
/// row's modes m = 0 … n2/2 follow at base + m.
template<class Row> void forEachKRow(const std::array<std::size_t, 3>& shape, std::size_t i0, std::size_t i1, Row&& row)
{
    const std::size_t nz = shape[2] / 2 + 1;
    for (std::size_t i = i0; i < i1; ++i) {
        const long fi = frequency(i, shape[0]);
        for (std::size_t j = 0; j < shape[1]; ++j)
            row(fi, frequency(j, shape[1]), (i * shape[1] + j) * nz);
    }
}

/// Every row of the half-grid of a real array of `shape`, in C order on the calling thread.
template<class Row> void forEachKRow(const std::array<std::size_t, 3>& shape, Row&& row)
{
    forEachKRow(shape, 0, shape[0], row);
}

/// Every row of an N³ grid's half-grid, its planes i split over `threads` threads (parallelFor):
/// `row` must only touch its own row.
template<class Row> void forEachKRow(std::size_t n, int threads, Row&& row)
{
    parallelFor(n, threads, [&](std::size_t i0, std::size_t i1) { forEachKRow({n, n, n}, i0, i1, row); });
}

} // namespace rs::fft
