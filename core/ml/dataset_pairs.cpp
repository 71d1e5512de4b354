#include "ml/dataset_pairs.h"

#include "cube/cube_stats.h"
#include "ml/density_context.h"
#include "util/error.h"

#include <cmath>
#include <cstring>

namespace rs::ml::detail {

namespace {

double stdOf(double sum, double sumSq, std::size_t n)
{
    const double mean = sum / double(n);
    const double sd = std::sqrt(std::max(0.0, sumSq / double(n) - mean * mean));
    return sd > 0 ? sd : 1.0;
}

} // namespace

// ---- paired samples ---------------------------------------------------------------------------

PairedSampleWriter::PairedSampleWriter(
    hid_t samplesGroup, const DatasetBuildOptions& o, std::size_t rows, std::size_t cols, const std::string& out)
    : m_opt(o)
    , m_rows(rows)
    , m_cols(cols)
    , m_y(samplesGroup, "y", {rows, cols}, o.deflateLevel, out)
{
    const std::size_t c = o.contextRadiiMpc.size();
    if (c)
        m_context = std::make_unique<ChunkedArrayWriter>(
            samplesGroup, "context", std::vector<hsize_t> {c, rows, cols}, o.deflateLevel, out);
    m_contextSum.assign(c, 0.0);
    m_contextSumSq.assign(c, 0.0);
}

void PairedSampleWriter::beginSource(const DatasetSource& src, const Cube& density)
{
    const std::string target(quantityName(*m_opt.target));
    if (!src.loadTarget)
        throw FormatError(src.id, "has no " + target + " cube of the same run and redshift to pair with");
    m_target = src.loadTarget();
    if (m_target.shape() != density.shape())
        throw FormatError(src.id, "its " + target + " cube has another grid than its density cube");
    if (summarize(m_target).nonfinite)
        throw FormatError(src.id, "its " + target + " cube holds NaN or infinite values");
    if (m_opt.contextBarrier) {
        const double z = density.metadata().redshift.value_or(NAN);
        const double zeta = numberOf(density.metadata().parameters, param::zeta).value_or(NAN);
        if (!std::isfinite(z) || !(zeta > 0))
            throw FormatError(src.id,
                "the barrier context needs the cube's redshift and zeta, and it lacks them; build with band maxima "
                "(context max) instead");
        m_smoothed = barrierContext(density, m_opt.contextRadiiMpc, z, zeta);
    } else {
        m_smoothed = densityContext(density, m_opt.contextRadiiMpc);
    }
}

void PairedSampleWriter::beginSlice(int axis, std::size_t index)
{
    const auto [r, c] = sliceShape(m_target.shape(), axis);
    m_sliceCols = c;
    m_targetSlice.resize(r * c);
    m_target.slice(axis, index).copyTo(m_targetSlice.data());
    m_contextSlices.resize(m_smoothed.size() * r * c);
    for (std::size_t ch = 0; ch < m_smoothed.size(); ++ch)
        m_smoothed[ch].slice(axis, index).copyTo(m_contextSlices.data() + ch * r * c);
}

void PairedSampleWriter::addTile(std::size_t r0, std::size_t c0, bool train)
{
    const std::size_t slicePx = m_targetSlice.size();
    auto cut = [&](const float* plane, std::vector<float>& dst, double& sum, double& sumSq) {
        for (std::size_t i = 0; i < m_rows; ++i) {
            const float* src = plane + (r0 + i) * m_sliceCols + c0;
            dst.insert(dst.end(), src, src + m_cols);
            if (train)
                for (std::size_t j = 0; j < m_cols; ++j) {
                    sum += src[j];
                    sumSq += double(src[j]) * src[j];
                }
        }
    };
    cut(m_targetSlice.data(), m_yBuffer, m_targetSum, m_targetSumSq);
    for (std::size_t ch = 0; ch < m_smoothed.size(); ++ch)
        cut(m_contextSlices.data() + ch * slicePx, m_contextBuffer, m_contextSum[ch], m_contextSumSq[ch]);
    if (train)
        m_trainPixels += m_rows * m_cols;
}

void PairedSampleWriter::flush(const std::function<void(const void*, std::size_t)>& hash)
{
    const std::size_t px = m_rows * m_cols;
    hash(m_yBuffer.data(), m_yBuffer.size() * sizeof(float));
    m_y.append(m_yBuffer.data(), m_yBuffer.size() / px);
    if (m_context) {
        hash(m_contextBuffer.data(), m_contextBuffer.size() * sizeof(float));
        m_context->append(m_contextBuffer.data(), m_contextBuffer.size() / (px * m_smoothed.size()));
    }
    m_yBuffer.clear();
    m_contextBuffer.clear();
}

void PairedSampleWriter::writeAttributes(hid_t f, const std::string& out) const
{
    const double n = double(std::max<std::size_t>(m_trainPixels, 1));
    const double targetMean = m_targetSum / n;
    h5::writeAttribute(f, "target_quantity", std::string(quantityName(*m_opt.target)), out);
    h5::writeAttribute(f, "target_mean", targetMean, out);
    h5::writeAttribute(f, "target_std", stdOf(m_targetSum, m_targetSumSq, m_trainPixels), out);
    std::vector<double> mean, sd;
    for (std::size_t ch = 0; ch < m_contextSum.size(); ++ch) {
        mean.push_back(m_contextSum[ch] / n);
        sd.push_back(stdOf(m_contextSum[ch], m_contextSumSq[ch], m_trainPixels));
    }
    h5::writeAttribute(f, "context_radii_mpc", m_opt.contextRadiiMpc, out);
    h5::writeAttribute(f, "context_mean", mean, out);
    h5::writeAttribute(f, "context_std", sd, out);
    // For people reading the file: negative radii are band edges (density_context.h).
    h5::writeAttribute(f, "context_kind",
        std::string(m_opt.contextBarrier           ? "barrier_max"
                : isBandMax(m_opt.contextRadiiMpc) ? "band_max"
                                                   : "sampled"),
        out);
}

std::pair<h5::Id, h5::Id> openPairedParts(hid_t f, DatasetInfo& info)
{
    const std::string& path = info.path;
    const auto q = h5::readAttribute(f, "target_quantity");
    if (!q)
        return {};
    const auto target
        = std::holds_alternative<std::string>(*q) ? quantityFromName(std::get<std::string>(*q)) : std::nullopt;
    if (!target || *target == Quantity::Other)
        throw FormatError(path, "unknown target_quantity of a paired dataset");
    info.targetQuantity = *target;
    info.targetMean = numberOf(h5::readAttribute(f, "target_mean").value_or(std::string())).value_or(NAN);
    info.targetStd = numberOf(h5::readAttribute(f, "target_std").value_or(std::string())).value_or(NAN);
    info.contextRadiiMpc = h5::readNumberArrayAttribute(f, "context_radii_mpc");
    info.contextMean = h5::readNumberArrayAttribute(f, "context_mean");
    info.contextStd = h5::readNumberArrayAttribute(f, "context_std");
    const auto kind = h5::readAttribute(f, "context_kind");
    info.contextBarrier
        = kind && std::holds_alternative<std::string>(*kind) && std::get<std::string>(*kind) == "barrier_max";
    const std::size_t c = info.contextRadiiMpc.size();
    if (!std::isfinite(info.targetMean) || !(info.targetStd > 0) || info.contextMean.size() != c
        || info.contextStd.size() != c)
        throw FormatError(path, "damaged paired-dataset attributes (target or context statistics)");
    h5::Id y = h5::openDataset(f, "samples/y", path);
    if (h5::dims(y.get()) != std::vector<hsize_t> {info.samples, info.rows, info.cols})
        throw FormatError(path, "dataset 'samples/y' does not have the shape of 'samples/x'");
    h5::Id context;
    if (c) {
        context = h5::openDataset(f, "samples/context", path);
        if (h5::dims(context.get()) != std::vector<hsize_t> {info.samples, c, info.rows, info.cols})
            throw FormatError(
                path, "dataset 'samples/context' does not have the shape (samples, channels, rows, cols)");
    }
    return {std::move(y), std::move(context)};
}

} // namespace rs::ml::detail
