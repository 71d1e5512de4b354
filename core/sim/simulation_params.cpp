#include "sim/simulation_params.h"

#include "util/error.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <thread>
#include <unistd.h>

namespace rs {

namespace {

std::string num(double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

/// Physical memory of this machine in bytes (0 when unknown).
double physicalMemoryBytes()
{
    const long pages = ::sysconf(_SC_PHYS_PAGES);
    const long pageSize = ::sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || pageSize <= 0)
        return 0;
    return double(pages) * double(pageSize);
}

} // namespace

void Cosmology::validate() const
{
    if (!(omegaM > 0 && omegaM <= 1.5))
        throw ParameterError("omega_m", "must be in (0, 1.5], got " + num(omegaM));
    if (!(omegaB > 0 && omegaB < omegaM))
        throw ParameterError("omega_b", "must be in (0, omega_m), got " + num(omegaB));
    if (!(omegaL >= 0 && omegaL < 2))
        throw ParameterError("omega_l", "must be in [0, 2), got " + num(omegaL));
    if (!(h > 0.2 && h < 2))
        throw ParameterError("h", "must be in (0.2, 2), got " + num(h));
    if (!(sigma8 > 0 && sigma8 < 3))
        throw ParameterError("sigma8", "must be in (0, 3), got " + num(sigma8));
    if (!(ns > 0.5 && ns < 1.5))
        throw ParameterError("ns", "must be in (0.5, 1.5), got " + num(ns));
}

int classicFilterNumber(IonizationFilter f)
{
    switch (f) {
    case IonizationFilter::TopHat:
        return 0;
    case IonizationFilter::SharpK:
        return 1;
    case IonizationFilter::Gaussian:
        return 2;
    }
    return 1;
}

std::string filterName(IonizationFilter f)
{
    switch (f) {
    case IonizationFilter::TopHat:
        return "tophat";
    case IonizationFilter::SharpK:
        return "sharp-k";
    case IonizationFilter::Gaussian:
        return "gauss";
    }
    return "sharp-k";
}

IonizationFilter filterFromName(const std::string& name)
{
    std::string s;
    for (char c : name)
        if (c != '-' && c != '_' && c != ' ')
            s += char(std::tolower(static_cast<unsigned char>(c)));
    if (s == "sharpk" || s == "k" || s == "ktophat" || s == "1")
        return IonizationFilter::SharpK;
    if (s == "tophat" || s == "realtophat" || s == "0")
        return IonizationFilter::TopHat;
    if (s == "gauss" || s == "gaussian" || s == "2")
        return IonizationFilter::Gaussian;
    throw ParameterError("filter", "'" + name + "' is not a filter; use sharp-k, tophat or gauss");
}

std::string sourceModelName(SourceModel m)
{
    return m == SourceModel::ParkV2 ? "v2" : "constant";
}

SourceModel sourceModelFromName(const std::string& name)
{
    std::string s;
    for (char c : name)
        s += char(std::tolower(static_cast<unsigned char>(c)));
    if (s == "constant" || s == "zeta" || s == "classic")
        return SourceModel::Constant;
    if (s == "v2" || s == "park" || s == "park19" || s == "park2019")
        return SourceModel::ParkV2;
    throw ParameterError("sources", "'" + name + "' is not a source model; use constant or v2");
}

double SimulationParams::effectiveZeta() const
{
    if (sources == SourceModel::ParkV2)
        return nGamma * park.fStar10 * park.fEsc10;
    if (zeta)
        return *zeta;
    return nGamma * fStar * fesc.value_or(0.0);
}

double virialMass(double tVir, double z, const Cosmology& c)
{
    // Barkana & Loeb (2001) eq. 26 inverted for M; Δc from Bryan & Norman (1998).
    const double a3 = std::pow(1.0 + z, 3);
    const double omz = c.omegaM * a3 / (c.omegaM * a3 + c.omegaL + (1.0 - c.omegaM - c.omegaL) * (1.0 + z) * (1.0 + z));
    const double d = omz - 1.0;
    const double deltaC = 18.0 * std::numbers::pi * std::numbers::pi + 82.0 * d - 39.0 * d * d;
    const double mu = tVir < 9.99999e3 ? 1.22 : 0.6;
    const double factor = 1.98e4 * (mu / 0.6)
        * std::cbrt(c.omegaM / omz * deltaC / (18.0 * std::numbers::pi * std::numbers::pi)) * ((1.0 + z) / 10.0);
    return 1e8 / c.h * std::pow(tVir / factor, 1.5);
}

double SimulationParams::minimumMass(double z) const
{
    return tVir ? virialMass(*tVir, z, cosmology) : mMin;
}

int SimulationParams::threadCount() const
{
    if (threads > 0)
        return threads;
    return std::max(1, int(std::thread::hardware_concurrency()));
}

double SimulationParams::estimatedPeakBytes() const
{
    // Padded real FFT grids are N·N·2(N/2+1) floats; the peak holds about six of them (displacement
    // fields, density, its k-space copy, the filtered work grid and x_HI), seven with velocities.
    const double n = double(dim);
    const double grid = n * n * 2.0 * (std::floor(n / 2.0) + 1.0) * sizeof(float);
    return grid * (velocities ? 7.0 : 6.0);
}

void SimulationParams::validate() const
{
    if (dim < 8 || dim > 4096)
        throw ParameterError("dim", "must be between 8 and 4096 cells per axis, got " + std::to_string(dim));
    if (!(boxMpc > 0) || !std::isfinite(boxMpc))
        throw ParameterError("box", "box length must be a positive number of Mpc, got " + num(boxMpc));
    const double cell = boxMpc / double(dim);
    if (cell < 0.05 || cell > 50)
        throw ParameterError(
            "box", "cell size L/N = " + num(cell) + " Mpc is outside the model's range 0.05 to 50 Mpc");
    if (redshifts.empty())
        throw ParameterError("z", "at least one redshift is needed");
    for (double z : redshifts)
        if (!(z >= 0 && z <= 1100) || !std::isfinite(z))
            throw ParameterError("z", "redshift must be between 0 and 1100, got " + num(z));
    if (sources == SourceModel::ParkV2) {
        const ParkSources& k = park;
        if (!(k.fStar10 > 0 && k.fStar10 <= 1))
            throw ParameterError("fstar10", "must be in (0, 1], got " + num(k.fStar10));
        if (!(k.fEsc10 > 0 && k.fEsc10 <= 1))
            throw ParameterError("fesc10", "must be in (0, 1], got " + num(k.fEsc10));
        if (!(std::abs(k.alphaStar) <= 5))
            throw ParameterError("alpha_star", "must be in [-5, 5], got " + num(k.alphaStar));
        if (!(std::abs(k.alphaEsc) <= 5))
            throw ParameterError("alpha_esc", "must be in [-5, 5], got " + num(k.alphaEsc));
        if (!(k.mTurn >= 1e5 && k.mTurn <= 1e13))
            throw ParameterError("mturn", "turnover mass must be between 1e5 and 1e13 Msun, got " + num(k.mTurn));
        if (!(k.tStar > 0 && k.tStar <= 1))
            throw ParameterError("tstar", "must be in (0, 1], got " + num(k.tStar));
        if (!(k.zStep > 0 && k.zStep <= 2))
            throw ParameterError("z_step", "must be in (0, 2], got " + num(k.zStep));
        for (double z : redshifts)
            if (z > k.zStart)
                throw ParameterError("z", "redshift " + num(z) + " is above the history's start z = " + num(k.zStart));
    } else if (zeta) {
        if (!(*zeta > 0) || !std::isfinite(*zeta))
            throw ParameterError("zeta", "ionizing efficiency must be > 0, got " + num(*zeta));
    } else {
        if (!fesc)
            throw ParameterError("zeta", "give either zeta or f_esc");
        if (!(*fesc > 0 && *fesc <= 1))
            throw ParameterError("f_esc", "escape fraction must be in (0, 1], got " + num(*fesc));
        if (!(nGamma > 0) || !std::isfinite(nGamma))
            throw ParameterError("n_gamma", "must be > 0, got " + num(nGamma));
        if (!(fStar > 0 && fStar <= 1))
            throw ParameterError("f_star", "must be in (0, 1], got " + num(fStar));
    }
    if (tVir) {
        if (!(*tVir >= 100 && *tVir <= 1e9))
            throw ParameterError("t_vir", "virial temperature must be between 1e2 and 1e9 K, got " + num(*tVir));
    } else if (!(mMin >= 1e3 && mMin <= 1e16)) {
        throw ParameterError("m_min", "minimum source mass must be between 1e3 and 1e16 Msun, got " + num(mMin));
    }
    // Classic R_min: the radius of a sphere with the cell's volume.
    const double rCell = 0.620350491 * cell;
    if (!(rMax >= rCell) || !std::isfinite(rMax))
        throw ParameterError("r_max",
            "must be at least the cell's radius " + num(rCell) + " Mpc (L/N = " + num(cell) + " Mpc), got "
                + num(rMax));
    cosmology.validate();
    if (lpt != 1 && lpt != 2)
        throw ParameterError("lpt", "Lagrangian perturbation order must be 1 or 2, got " + std::to_string(lpt));
    if (threads < 0 || threads > 1024)
        throw ParameterError("threads", "must be between 0 (all cores) and 1024, got " + std::to_string(threads));
    const double need = estimatedPeakBytes();
    const double have = physicalMemoryBytes();
    if (have > 0 && need > 0.8 * have)
        throw ParameterError("dim",
            "a " + std::to_string(dim) + "^3 grid needs about " + num(std::round(need / 1e9 * 10) / 10)
                + " GB, more than this machine's memory allows (" + num(std::round(have / 1e9 * 10) / 10)
                + " GB); use a smaller N");
}

} // namespace rs
