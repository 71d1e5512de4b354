#include "ml/metrics.h"

#include "util/error.h"

#include <cmath>
#include <limits>

namespace rs::ml {

double headlineMetric(const EvalMetrics& m)
{
    switch (m.task) {
    case Task::Classify:
        return m.accuracy;
    case Task::Regress:
        return m.r2;
    case Task::Reconstruct:
        return m.relativeMse;
    case Task::Translate:
        return m.translation.pixelAccuracy;
    case Task::Generate:
        return m.relativeMse;
    }
    return std::numeric_limits<double>::quiet_NaN();
}

void fillClassification(
    EvalMetrics& m, const std::vector<int>& truth, const std::vector<int>& predicted, std::size_t classCount)
{
    if (truth.size() != predicted.size())
        throw ParameterError("metrics", "truth and prediction counts differ");
    m.samples = truth.size();
    m.confusion.assign(classCount, std::vector<std::int64_t>(classCount, 0));
    std::size_t correct = 0;
    for (std::size_t i = 0; i < truth.size(); ++i) {
        if (truth[i] < 0 || predicted[i] < 0 || std::size_t(truth[i]) >= classCount
            || std::size_t(predicted[i]) >= classCount)
            throw ParameterError("metrics", "class index out of range");
        ++m.confusion[std::size_t(truth[i])][std::size_t(predicted[i])];
        correct += truth[i] == predicted[i];
    }
    m.accuracy = truth.empty() ? std::numeric_limits<double>::quiet_NaN() : double(correct) / double(truth.size());
    m.perClassAccuracy.assign(classCount, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t c = 0; c < classCount; ++c) {
        std::int64_t row = 0;
        for (std::int64_t v : m.confusion[c])
            row += v;
        if (row)
            m.perClassAccuracy[c] = double(m.confusion[c][c]) / double(row);
    }
}

void fillRegression(EvalMetrics& m, const std::vector<double>& truth, const std::vector<double>& predicted)
{
    if (truth.size() != predicted.size() || truth.empty())
        throw ParameterError("metrics", "regression needs equally many (and some) truths and predictions");
    double mean = 0;
    for (double t : truth)
        mean += t;
    mean /= double(truth.size());
    double ssRes = 0, ssTot = 0, abs = 0;
    for (std::size_t i = 0; i < truth.size(); ++i) {
        const double e = predicted[i] - truth[i];
        ssRes += e * e;
        abs += std::abs(e);
        ssTot += (truth[i] - mean) * (truth[i] - mean);
    }
    m.samples = truth.size();
    m.rmse = std::sqrt(ssRes / double(truth.size()));
    m.mae = abs / double(truth.size());
    m.r2 = ssTot > 0 ? 1.0 - ssRes / ssTot : std::numeric_limits<double>::quiet_NaN();
}

} // namespace rs::ml
