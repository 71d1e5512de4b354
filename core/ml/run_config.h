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

/// ae, unet and generator learn whole fields (reconstruct, translate, generate), not a label: they
/// take no target and no task choice.
bool learnsFields(ModelKind model);

/// The settings a launcher (`train`, the studio's New run dialog) did not give explicitly.
struct GivenSettings {
    bool epochs = false, batch = false, lr = false, schedule = false, minLr = false, priorLoss = false;
};

/// Sets what `config.model` trains with by default where `given` says no setting was chosen: unet
/// and generator have measured lengths, rates and schedules (run_config.cpp, the README's figures);
/// the other models keep RunConfig's defaults (nothing changes). A launcher showing the choices
/// applies it to a fresh RunConfig of the model to fill its fields.
void applyModelDefaults(RunConfig& config, const GivenSettings& given = {});

/// Fills the resolved part of `config` (dataset hash, quantity, rows, cols, normalisation, cell
/// size, classes or label mean/std) from `dataset` and checks that the choices suit it.
/// Throws ParameterError (bad optimizer, learning rate, batch, epochs, schedule, early stopping or
/// clipping; a target with one class, a class without training samples, missing labels;
/// codes-cnn without a matching encoder run) and
/// FormatError/IoError for an encoder run that is not a readable autoencoder run.
void resolveRunConfig(RunConfig& config, const DatasetFile& dataset);

} // namespace rs::ml
