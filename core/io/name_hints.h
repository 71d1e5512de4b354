#pragma once
/// \file name_hints.h
/// What a file name says about the cube inside when the format itself does not (NumPy files):
/// the quantity (`delta_T`, `dTb`, `xH`, `neutral`, `density`, ...), tokens like `z8.5` and
/// `300Mpc`, or a whole classic 21cmFAST name with its parameters.

#include "cube/quantity.h"

#include <optional>
#include <string>

namespace rs {

/// Hints read from a file name; anything absent stays empty (quantity Other).
struct NameHints {
    Quantity quantity = Quantity::Other;
    std::optional<double> redshift;
    std::optional<double> boxMpc;
    Parameters parameters;
};

/// The hints in a file name's stem (without folder and extension). Never throws.
NameHints hintsFromFileName(const std::string& stem);

} // namespace rs
