#include "ml/run_config.h"

#include "ml/dataset.h"
#include "ml/schedule.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>

namespace rs::ml {

Task defaultTask(ModelKind model, Target target)
{
    if (model == ModelKind::Autoencoder)
        return Task::Reconstruct;
    return target == Target::Nf || target == Target::NfCube ? Task::Regress : Task::Classify;
}

void resolveRunConfig(RunConfig& c, const DatasetFile& ds)
{
    const DatasetInfo& info = ds.info();
    c.datasetHash = info.contentHash;
    c.quantity = info.quantity;
    c.rows = info.rows;
    c.cols = info.cols;
    c.normMean = info.normMean;
    c.normStd = info.normStd;
    c.cellSizeMpc = info.cellSizeMpc;
    if (c.model == ModelKind::Autoencoder) {
        c.task = Task::Reconstruct;
        c.target = Target::None;
    } else if (c.task == Task::Reconstruct) {
        throw ParameterError("task", std::string("model '") + modelName(c.model) + "' classifies or regresses; only ae reconstructs");
    }
    if (c.task != Task::Reconstruct && c.target == Target::None)
        throw ParameterError("target", "choose what to learn: z, zeta, fesc or nf");
    if (c.optimizer.name != "adam" && c.optimizer.name != "sgd")
        throw ParameterError("optimizer", "'" + c.optimizer.name + "' is not one of adam, sgd");
    if (!(c.optimizer.lr > 0))
        throw ParameterError("lr", "must be positive");
    if (c.batch < 1)
        throw ParameterError("batch", "must be at least 1");
    if (c.epochs < 1)
        throw ParameterError("epochs", "must be at least 1");
    checkScheduleConfig(c);
    if (c.task == Task::Classify) {
        c.classes = classValues(ds, c.target);
        if (c.classes.size() < 2)
            throw ParameterError("target", info.path + ": '" + targetName(c.target) + "' has one class only ("
                                               + formatValue(c.classes.front()) + "); classification needs at least two");
        std::vector<std::size_t> inTrain(c.classes.size(), 0);
        for (const SampleLabels& l : ds.labels())
            if (l.split == std::int8_t(Split::Train))
                ++inTrain[std::size_t(classIndex(c.classes, labelValue(l, c.target)))];
        for (std::size_t k = 0; k < c.classes.size(); ++k)
            if (!inTrain[k])
                throw ParameterError("target", info.path + ": class " + targetName(c.target) + " = "
                                                   + formatValue(c.classes[k])
                                                   + " has no training samples (its simulations all fell into "
                                                     "validation/test); add simulations or change the split");
    } else if (c.task == Task::Regress) {
        double s = 0, s2 = 0;
        std::size_t n = 0;
        for (const SampleLabels& l : ds.labels()) {
            const double v = labelValue(l, c.target);
            if (!std::isfinite(v))
                throw ParameterError("target", std::string("samples of ") + info.path + " have no '"
                                                   + targetName(c.target) + "' label");
            if (l.split == std::int8_t(Split::Train)) {
                s += v;
                s2 += v * v;
                ++n;
            }
        }
        c.labelMean = s / double(n);
        c.labelStd = std::sqrt(std::max(0.0, s2 / double(n) - c.labelMean * c.labelMean));
        if (!(c.labelStd > 0))
            throw ParameterError("target", info.path + ": every training sample has the same '" + targetName(c.target)
                                               + "'; nothing to regress");
    }
    if (c.model == ModelKind::CodesCnn) {
        if (c.encoderRun.empty())
            throw ParameterError("encoder", "codes-cnn needs --encoder RUN (a finished ae run)");
        const RunConfig enc = readRunConfig(c.encoderRun);
        if (enc.model != ModelKind::Autoencoder)
            throw FormatError(c.encoderRun, std::string("is a '") + modelName(enc.model) + "' run, not an autoencoder (ae)");
        if (enc.rows != c.rows || enc.cols != c.cols)
            throw ParameterError("encoder", c.encoderRun + " encodes " + std::to_string(enc.rows) + "x"
                                                + std::to_string(enc.cols) + " inputs; the dataset's are "
                                                + std::to_string(c.rows) + "x" + std::to_string(c.cols));
    }
}

} // namespace rs::ml
