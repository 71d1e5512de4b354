#include "observe/observe.h"

#include "numerics/kspace.h"
#include "stats/lightcone_chunks.h"
#include "util/error.h"

#include <fftw3.h>

#include <cmath>
#include <complex>
#include <memory>
#include <numbers>
#include <random>

namespace rs {

namespace {

constexpr double kLightKmS = 299792.458;
constexpr double kNu21MHz = 1420.40575;

struct FftwDelete {
    void operator()(void* p) const { fftwf_free(p); }
};
using ComplexBuffer = std::unique_ptr<std::complex<float>[], FftwDelete>;

ComplexBuffer complexBuffer(std::size_t n)
{
    ComplexBuffer b(static_cast<std::complex<float>*>(fftwf_malloc(sizeof(std::complex<float>) * n)));
    if (!b)
        throw Error("observe: out of memory");
    return b;
}

long wrapIndex(long i, std::size_t n)
{
    return i < 0 ? i + long(n) : i;
}

/// Seconds of observation that fall in each transverse Fourier cell (FFT order, n0 × n1): every
/// baseline up to the longest kept, at each step of the day's track, counted for u and −u.
std::vector<double> uvSeconds(const TelescopeModel& m, double lambda, double dc, const Cube& c, double hours)
{
    const Shape& s = c.shape();
    const Extent& box = c.boxLength();
    const double du0 = dc / box[0], du1 = dc / box[1]; // wavelengths per Fourier cell (1 / field of view)
    const int steps = m.trackHours > 0 ? int(std::lround(m.trackHours / m.trackStepHours)) + 1 : 1;
    const double dt = hours * 3600.0 / steps;
    std::vector<double> seconds(s[0] * s[1], 0.0);
    const auto& p = m.positions;
    for (std::size_t a = 0; a < p.size(); ++a)
        for (std::size_t b = a + 1; b < p.size(); ++b) {
            const double bx = p[b][0] - p[a][0], by = p[b][1] - p[a][1];
            if (std::hypot(bx, by) > m.maxBaseline)
                continue;
            for (int t = 0; t < steps; ++t) {
                // The uv plane turns with the sky by 15°/h (tracks drawn as arcs: the field's
                // foreshortening is left out).
                const double ang
                    = steps > 1 ? (-m.trackHours / 2 + t * m.trackStepHours) * std::numbers::pi / 12.0 : 0.0;
                const double u = (bx * std::cos(ang) - by * std::sin(ang)) / lambda;
                const double v = (bx * std::sin(ang) + by * std::cos(ang)) / lambda;
                const long iu = std::lround(u / du0), iv = std::lround(v / du1);
                if (std::abs(iu) > long(s[0] / 2) - 1 || std::abs(iv) > long(s[1] / 2) - 1)
                    continue;
                seconds[std::size_t(wrapIndex(iu, s[0])) * s[1] + std::size_t(wrapIndex(iv, s[1]))] += dt;
                seconds[std::size_t(wrapIndex(-iu, s[0])) * s[1] + std::size_t(wrapIndex(-iv, s[1]))] += dt;
            }
        }
    seconds[0] = 0; // no zero spacing: the channel mean is never measured
    return seconds;
}

struct SlicePlans {
    fftwf_plan forward = nullptr, backward = nullptr;
    SlicePlans(std::size_t n0, std::size_t n1, std::complex<float>* buf)
    {
        auto lock = fft::lockPlanner();
        auto* b = reinterpret_cast<fftwf_complex*>(buf);
        forward = fftwf_plan_dft_2d(int(n0), int(n1), b, b, FFTW_FORWARD, FFTW_ESTIMATE);
        backward = fftwf_plan_dft_2d(int(n0), int(n1), b, b, FFTW_BACKWARD, FFTW_ESTIMATE);
    }
    ~SlicePlans()
    {
        auto lock = fft::lockPlanner();
        fftwf_destroy_plan(forward);
        fftwf_destroy_plan(backward);
    }
    SlicePlans(const SlicePlans&) = delete;
    SlicePlans& operator=(const SlicePlans&) = delete;
};

/// Top-hat average along axis 2 (periodic) over `width` cells (fractional edges).
void smoothLineOfSight(Cube& c, double width)
{
    if (width <= 1.0)
        return;
    const Shape& s = c.shape();
    const long reach = long(std::ceil(width / 2 + 0.5));
    std::vector<double> w;
    for (long d = -reach; d <= reach; ++d)
        w.push_back(
            std::max(0.0, std::min(double(d) + 0.5, width / 2) - std::max(double(d) - 0.5, -width / 2)) / width);
    std::vector<float> line(s[2]);
    float* data = c.mutableData();
    for (std::size_t l = 0; l < s[0] * s[1]; ++l) {
        float* row = data + l * s[2];
        std::copy(row, row + s[2], line.begin());
        for (std::size_t k = 0; k < s[2]; ++k) {
            double acc = 0;
            for (long d = -reach; d <= reach; ++d)
                acc += w[std::size_t(d + reach)]
                    * line[std::size_t((long(k) + d % long(s[2]) + long(s[2])) % long(s[2]))];
            row[k] = float(acc);
        }
    }
}

/// Zeroes the Fourier modes inside the horizon wedge, k∥ < slope · k⊥.
void removeWedge(Cube& c, double slope)
{
    const Shape& s = c.shape();
    const std::size_t nzc = s[2] / 2 + 1, n = c.voxelCount();
    ComplexBuffer modes = complexBuffer(s[0] * s[1] * nzc);
    fftwf_plan fwd, bwd;
    {
        auto lock = fft::lockPlanner();
        fwd = fftwf_plan_dft_r2c_3d(int(s[0]), int(s[1]), int(s[2]), c.mutableData(),
            reinterpret_cast<fftwf_complex*>(modes.get()), FFTW_ESTIMATE);
        bwd = fftwf_plan_dft_c2r_3d(int(s[0]), int(s[1]), int(s[2]), reinterpret_cast<fftwf_complex*>(modes.get()),
            c.mutableData(), FFTW_ESTIMATE);
    }
    fftwf_execute(fwd);
    const Extent& b = c.boxLength();
    fft::forEachKRow(s, [&](long fi, long fj, std::size_t base) {
        const double kx = 2 * std::numbers::pi / b[0] * double(fi);
        const double ky = 2 * std::numbers::pi / b[1] * double(fj);
        const double kperp = std::hypot(kx, ky);
        for (std::size_t m = 0; m < nzc; ++m)
            if (2 * std::numbers::pi / b[2] * double(m) < slope * kperp)
                modes[base + m] = 0;
    });
    fftwf_execute(bwd);
    {
        auto lock = fft::lockPlanner();
        fftwf_destroy_plan(fwd);
        fftwf_destroy_plan(bwd);
    }
    float* d = c.mutableData();
    for (std::size_t i = 0; i < n; ++i)
        d[i] /= float(n);
}

} // namespace

namespace {

/// The instrument's response for one observation: beam, uv coverage, noise per uv cell.
struct Instrument {
    std::vector<double> seconds; ///< per transverse Fourier cell
    std::vector<float> beam; ///< Gaussian beam transfer per cell
    std::vector<float> noiseSigma; ///< σ of the noise per cell and channel [mK] (0 where unsampled)
    std::size_t sampled = 0;
};

Instrument makeInstrument(
    const Cube& c, const TelescopeModel& m, const ObserveOptions& o, const Observation& obs, double dc, double lambda)
{
    const Shape& s = c.shape();
    Instrument in;
    in.seconds = uvSeconds(m, lambda, dc, c, o.hours);
    const double sigmaBeam = obs.beamFwhmMpc / (2 * std::sqrt(2 * std::log(2.0)));
    // Radiometer noise of the visibility in one uv cell, in the DFT units of a slice:
    // σ = λ² T_sys / (A_eff δθ0 δθ1 √(Δν t)) (Rayleigh–Jeans; δθ = pixel angle).
    const double dTheta0 = c.cellSize(0) / dc, dTheta1 = c.cellSize(1) / dc;
    const double perSqrtSecond = lambda * lambda * obs.systemTemperatureK * 1000.0
        / (m.effectiveArea * dTheta0 * dTheta1 * std::sqrt(obs.channelMHz * 1e6));
    for (std::size_t i = 0; i < s[0]; ++i)
        for (std::size_t j = 0; j < s[1]; ++j) {
            const double kx = 2 * std::numbers::pi / c.boxLength()[0] * double(fft::frequency(i, s[0]));
            const double ky = 2 * std::numbers::pi / c.boxLength()[1] * double(fft::frequency(j, s[1]));
            const double t = in.seconds[i * s[1] + j];
            in.beam.push_back(t > 0 ? float(std::exp(-0.5 * (kx * kx + ky * ky) * sigmaBeam * sigmaBeam)) : 0.0f);
            in.noiseSigma.push_back(t > 0 && o.noise ? float(perSqrtSecond / std::sqrt(t)) : 0.0f);
            in.sampled += t > 0;
        }
    return in;
}

/// Each channel (slice along axis 2) through the instrument: signal × beam on the sampled cells,
/// plus noise drawn per sampled cell (× beam). A complex noise field G with ⟨|G|²⟩ = 2σ² whose inverse
/// transform's real part is kept equals a Hermitian field of variance σ² per cell.
void observeChannels(const Cube& in, const Instrument& inst, std::uint64_t seed, Cube& signal, Cube& noise,
    const ProgressFn& progress, const StopToken& stop)
{
    const Shape& s = in.shape();
    const std::size_t plane = s[0] * s[1];
    ComplexBuffer buf = complexBuffer(plane), nbuf = complexBuffer(plane);
    SlicePlans plans(s[0], s[1], buf.get());
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> gauss(0.0f, 1.0f);
    const float norm = 1.0f / float(plane);
    for (std::size_t k = 0; k < s[2]; ++k) {
        stop.throwIfStopped();
        for (std::size_t l = 0; l < plane; ++l)
            buf[l] = in.data()[l * s[2] + k];
        fftwf_execute_dft(
            plans.forward, reinterpret_cast<fftwf_complex*>(buf.get()), reinterpret_cast<fftwf_complex*>(buf.get()));
        for (std::size_t l = 0; l < plane; ++l) {
            buf[l] *= inst.beam[l];
            const float sigma = inst.noiseSigma[l];
            // The noise is imaged at the same resolution: tapered by the beam too (tools21cm
            // smooths signal and noise together).
            nbuf[l] = sigma > 0 ? inst.beam[l] * std::complex<float>(sigma * gauss(rng), sigma * gauss(rng)) : 0.0f;
        }
        for (auto* b : {buf.get(), nbuf.get()})
            fftwf_execute_dft(plans.backward, reinterpret_cast<fftwf_complex*>(b), reinterpret_cast<fftwf_complex*>(b));
        for (std::size_t l = 0; l < plane; ++l) {
            signal.mutableData()[l * s[2] + k] = buf[l].real() * norm;
            noise.mutableData()[l * s[2] + k] = nbuf[l].real() * norm;
        }
        if (progress && k % 16 == 0)
            progress(0.1 + 0.7 * double(k) / double(s[2]), "channels");
    }
}

} // namespace

Observation observe(const Cube& dTb, const ObserveOptions& o, const ProgressFn& progress, const StopToken& stop)
{
    const std::string name = dTb.metadata().sourcePath.empty() ? "cube" : dTb.metadata().sourcePath;
    if (dTb.empty())
        throw ParameterError(name, "empty cube; nothing to observe");
    if (!dTb.redshift())
        throw ParameterError(name, "has no redshift; observing needs it (frequency, distances)");
    if (!(o.hours > 0) || !std::isfinite(o.hours))
        throw ParameterError("--hours", "must be a positive number of hours");
    for (std::size_t i = 0; i < dTb.voxelCount(); ++i)
        if (!std::isfinite(dTb.data()[i]))
            throw FormatError(name, "holds NaN or infinite voxels; cannot observe it");
    const double z = *dTb.redshift();
    const DistanceCosmology cosmo {o.hubble, o.omegaM};
    const TelescopeModel m = telescopeModel(o.telescope);
    Observation obs;
    obs.frequencyMHz = kNu21MHz / (1 + z);
    obs.systemTemperatureK = systemTemperature(m, obs.frequencyMHz);
    const double lambda = kLightKmS * 1e3 / (obs.frequencyMHz * 1e6);
    const double dc = cosmo.comovingDistance(z);
    const double mpcPerMHz = kLightKmS * (1 + z) * (1 + z) / (cosmo.hubble(z) * kNu21MHz);
    obs.beamFwhmMpc = lambda / m.maxBaseline * dc;
    obs.channelMHz = dTb.cellSize(2) / mpcPerMHz;
    if (progress)
        progress(0.0, "uv coverage");
    const Instrument inst = makeInstrument(dTb, m, o, obs, dc, lambda);
    obs.uvCells = inst.sampled;
    if (inst.sampled == 0)
        throw ParameterError(name,
            "the array samples no transverse mode of this box (pixels of "
                + std::to_string(dTb.cellSize(0) / dc * 180 / std::numbers::pi * 60) + " arcmin)");
    Cube signal(dTb.shape(), dTb.boxLength(), dTb.metadata()), noise(dTb.shape(), dTb.boxLength());
    observeChannels(dTb, inst, o.seed, signal, noise, progress, stop);
    const double width = obs.beamFwhmMpc / dTb.cellSize(2);
    smoothLineOfSight(signal, width);
    smoothLineOfSight(noise, width);
    if (o.wedge) {
        const double slope = dc * cosmo.hubble(z) / (kLightKmS * (1 + z));
        removeWedge(signal, slope);
        removeWedge(noise, slope);
    }
    double sq = 0;
    for (std::size_t i = 0; i < noise.voxelCount(); ++i) {
        sq += double(noise.data()[i]) * noise.data()[i];
        signal.mutableData()[i] += noise.data()[i];
    }
    obs.noiseRmsMk = std::sqrt(sq / double(noise.voxelCount()));
    Parameters& p = signal.metadata().parameters;
    p["telescope"] = std::string(telescopeName(o.telescope));
    p["observing_hours"] = o.hours;
    p["foreground_wedge_removed"] = o.wedge;
    p["noise_seed"] = std::int64_t(o.seed);
    p["noise_rms_mk"] = obs.noiseRmsMk;
    p["beam_fwhm_mpc"] = obs.beamFwhmMpc;
    obs.cube = std::move(signal);
    if (progress)
        progress(1.0, "done");
    return obs;
}

} // namespace rs
