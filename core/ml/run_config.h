#pragma once
/// \file run_config.h
/// Choosing a run's configuration before training: the task a model and target imply, and the
/// resolution of a chosen RunConfig against its dataset (sample size, normalisation, classes),
/// exactly as the trainer does it, so a launcher can preview config.json and refuse bad choices
/// before any thread starts. No LibTorch here.

#include "ml/run_folder.h"

namespace rs::ml {

class DatasetFile;

/// The task a model learns when none is chosen: ae reconstructs, unet translates, nf and nf_cube
/// are regressed, other targets classified.
Task defaultTask(ModelKind model, Target target);

/// Fills the resolved part of `config` (dataset hash, quantity, rows, cols, normalisation, cell
/// size, classes or label mean/std) from `dataset` and checks that the choices suit it.
/// Throws ParameterError (bad optimizer, learning rate, batch, epochs, schedule, early stopping or
/// clipping; a target with one class, a class without training samples, missing labels;
/// codes-cnn without a matching encoder run) and
/// FormatError/IoError for an encoder run that is not a readable autoencoder run.
void resolveRunConfig(RunConfig& config, const DatasetFile& dataset);

} // namespace rs::ml
