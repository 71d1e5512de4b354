#include "ml/pca.h"

#include "util/error.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>

namespace rs::ml {

PcaModel fitPca(const float* data, std::size_t n, std::size_t dim, std::size_t components)
{
    if (n < 2 || dim < 1)
        throw ParameterError("pca", "needs at least 2 samples");
    if (components < 1)
        throw ParameterError("components", "must be at least 1");
    components = std::min({components, n - 1, dim});
    Eigen::MatrixXd x(n, dim);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < dim; ++j)
            x(Eigen::Index(i), Eigen::Index(j)) = data[i * dim + j];
    const Eigen::RowVectorXd mean = x.colwise().mean();
    x.rowwise() -= mean;
    PcaModel m;
    m.dim = dim;
    m.components = components;
    m.mean.assign(mean.data(), mean.data() + dim);
    m.totalVariance = x.squaredNorm() / double(n - 1);
    Eigen::MatrixXd basis(components, dim);
    Eigen::VectorXd values(components);
    if (n < dim) {
        const Eigen::MatrixXd gram = x * x.transpose();
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(gram);
        for (std::size_t k = 0; k < components; ++k) {
            const Eigen::Index col = Eigen::Index(n - 1 - k); // eigenvalues ascend
            const double lambda = std::max(es.eigenvalues()(col), 0.0);
            Eigen::VectorXd v = x.transpose() * es.eigenvectors().col(col);
            const double norm = v.norm();
            if (norm > 0)
                v /= norm;
            basis.row(Eigen::Index(k)) = v.transpose();
            values(Eigen::Index(k)) = lambda / double(n - 1);
        }
    } else {
        const Eigen::MatrixXd cov = x.transpose() * x / double(n - 1);
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(cov);
        for (std::size_t k = 0; k < components; ++k) {
            const Eigen::Index col = Eigen::Index(dim - 1 - k);
            basis.row(Eigen::Index(k)) = es.eigenvectors().col(col).transpose();
            values(Eigen::Index(k)) = std::max(es.eigenvalues()(col), 0.0);
        }
    }
    m.basis.resize(components * dim);
    for (std::size_t k = 0; k < components; ++k)
        for (std::size_t j = 0; j < dim; ++j)
            m.basis[k * dim + j] = basis(Eigen::Index(k), Eigen::Index(j));
    for (std::size_t k = 0; k < components; ++k) {
        m.explainedVariance.push_back(values(Eigen::Index(k)));
        m.explainedRatio.push_back(m.totalVariance > 0 ? values(Eigen::Index(k)) / m.totalVariance : 0.0);
    }
    return m;
}

std::vector<double> projectPca(const PcaModel& m, const float* data, std::size_t n)
{
    std::vector<double> out(n * m.components);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t k = 0; k < m.components; ++k) {
            double s = 0;
            const double* b = &m.basis[k * m.dim];
            for (std::size_t j = 0; j < m.dim; ++j)
                s += (data[i * m.dim + j] - m.mean[j]) * b[j];
            out[i * m.components + k] = s;
        }
    return out;
}

namespace {

std::vector<float> readNormalised(const DatasetFile& ds, const std::vector<std::int64_t>& idx)
{
    const std::size_t dim = ds.info().rows * ds.info().cols;
    std::vector<float> v(idx.size() * dim);
    ds.readSamples(idx.data(), idx.size(), v.data());
    const float mean = float(ds.info().normMean), inv = float(1.0 / ds.info().normStd);
    for (float& x : v)
        x = (x - mean) * inv;
    return v;
}

} // namespace

PcaBaseline pcaBaseline(const DatasetFile& ds, Target target, std::size_t components, std::size_t maxSamples,
    const ProgressFn& progress, const StopToken& stop)
{
    const std::vector<double> classes = classValues(ds, target);
    const std::size_t dim = ds.info().rows * ds.info().cols;
    const std::vector<std::int64_t> train = evenlySpacedSubset(ds.indices(Split::Train), maxSamples);
    const std::vector<std::int64_t> test = evenlySpacedSubset(ds.indices(Split::Test), maxSamples);
    if (progress)
        progress(0.05, "reading training samples");
    const std::vector<float> xt = readNormalised(ds, train);
    stop.throwIfStopped();
    if (progress)
        progress(0.2, "fitting PCA");
    PcaBaseline out;
    out.model = fitPca(xt.data(), train.size(), dim, components);
    out.trainSamples = train.size();
    stop.throwIfStopped();
    const std::vector<double> pt = projectPca(out.model, xt.data(), train.size());
    const std::size_t k = out.model.components;
    std::vector<double> centroid(classes.size() * k, 0.0);
    std::vector<std::size_t> count(classes.size(), 0);
    for (std::size_t i = 0; i < train.size(); ++i) {
        const int c = classIndex(classes, labelValue(ds.labels()[std::size_t(train[i])], target));
        for (std::size_t j = 0; j < k; ++j)
            centroid[std::size_t(c) * k + j] += pt[i * k + j];
        ++count[std::size_t(c)];
    }
    for (std::size_t c = 0; c < classes.size(); ++c)
        for (std::size_t j = 0; j < k; ++j)
            centroid[c * k + j]
                = count[c] ? centroid[c * k + j] / double(count[c]) : std::numeric_limits<double>::infinity();
    if (progress)
        progress(0.8, "classifying the test split");
    const std::vector<float> xs = readNormalised(ds, test);
    const std::vector<double> ps = projectPca(out.model, xs.data(), test.size());
    std::vector<int> truth, predicted;
    for (std::size_t i = 0; i < test.size(); ++i) {
        const double label = labelValue(ds.labels()[std::size_t(test[i])], target);
        truth.push_back(classIndex(classes, label));
        int best = 0;
        double bestD = std::numeric_limits<double>::infinity();
        for (std::size_t c = 0; c < classes.size(); ++c) {
            double d = 0;
            for (std::size_t j = 0; j < k; ++j)
                d += (ps[i * k + j] - centroid[c * k + j]) * (ps[i * k + j] - centroid[c * k + j]);
            if (d < bestD) {
                bestD = d;
                best = int(c);
            }
        }
        predicted.push_back(best);
        out.projections2d.push_back(ps[i * k]);
        out.projections2d.push_back(k > 1 ? ps[i * k + 1] : 0.0);
        out.testLabels.push_back(label);
    }
    out.metrics.model = "pca";
    out.metrics.loss = std::numeric_limits<double>::quiet_NaN(); // no loss: a nearest-centroid rule
    out.metrics.task = Task::Classify;
    out.metrics.target = target;
    out.metrics.classes = classes;
    fillClassification(out.metrics, truth, predicted, classes.size());
    if (progress)
        progress(1.0, "done");
    return out;
}

} // namespace rs::ml
