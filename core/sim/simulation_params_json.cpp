// SimulationParams' one schema: every field with its JSON key, read and written by to_json /
// from_json, and the HDF5 metadata (toParameters) derived from the same JSON.

#include "sim/simulation_params.h"

#include "util/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <optional>
#include <type_traits>

namespace rs {

namespace {

using nlohmann::json;

/// One field: its key and how it goes to and from JSON.
struct Field {
    const char* key;
    std::function<json(const SimulationParams&)> get;
    std::function<void(const json&, SimulationParams&)> set;
};

template<class T> struct IsOptional : std::false_type { };
template<class T> struct IsOptional<std::optional<T>> : std::true_type { };

/// A field stored as itself (numbers, flags, lists; std::optional as the value or null). `member`
/// is a generic lambda returning the field of a (const or mutable) SimulationParams.
template<class Member> Field plain(const char* key, Member member)
{
    return {key,
        [member](const SimulationParams& p) -> json {
            const auto& v = member(p);
            if constexpr (IsOptional<std::decay_t<decltype(v)>>::value)
                return v ? json(*v) : json(nullptr);
            else
                return json(v);
        },
        [member](const json& j, SimulationParams& p) {
            auto& v = member(p);
            using T = std::decay_t<decltype(v)>;
            if constexpr (IsOptional<T>::value) {
                if (j.is_null())
                    v.reset();
                else
                    v = j.get<typename T::value_type>();
            } else {
                v = j.get<T>();
            }
        }};
}

#define RS_MEMBER(path)                                                                                                \
    [](auto& p) -> auto&                                                                                               \
    {                                                                                                                  \
        return p.path;                                                                                                 \
    }

std::string transferName(TransferFunction t)
{
    return t == TransferFunction::EisensteinHuBao ? "eisenstein-hu-1998" : "eisenstein-hu-1999";
}

TransferFunction transferFromName(const std::string& name)
{
    if (name == "eisenstein-hu-1998")
        return TransferFunction::EisensteinHuBao;
    if (name == "eisenstein-hu-1999")
        return TransferFunction::EisensteinHuNoWiggle;
    throw ParameterError("transfer_function", "'" + name + "' is not eisenstein-hu-1999 or eisenstein-hu-1998");
}

IonizationFilter filterFromNumber(int number)
{
    for (IonizationFilter f : {IonizationFilter::TopHat, IonizationFilter::SharpK, IonizationFilter::Gaussian})
        if (classicFilterNumber(f) == number)
            return f;
    throw ParameterError(
        param::filter, "must be 0 (top-hat), 1 (sharp-k) or 2 (Gaussian), got " + std::to_string(number));
}

/// Every field of SimulationParams, under the names its cubes' metadata use (rs::param).
const std::vector<Field>& fields()
{
    static const std::vector<Field> all {
        plain(param::dim, RS_MEMBER(dim)),
        plain(param::boxLen, RS_MEMBER(boxMpc)),
        plain("redshifts", RS_MEMBER(redshifts)),
        plain(param::zeta, RS_MEMBER(zeta)),
        plain(param::fesc, RS_MEMBER(fesc)),
        plain("n_gamma", RS_MEMBER(nGamma)),
        plain(param::fstar, RS_MEMBER(fStar)),
        plain(param::mMin, RS_MEMBER(mMin)),
        plain(param::tvirMin, RS_MEMBER(tVir)),
        plain(param::rMax, RS_MEMBER(rMax)),
        {param::filter, [](const SimulationParams& p) { return json(classicFilterNumber(p.filter)); },
            [](const json& j, SimulationParams& p) { p.filter = filterFromNumber(j.get<int>()); }},
        {"sources", [](const SimulationParams& p) { return json(sourceModelName(p.sources)); },
            [](const json& j, SimulationParams& p) { p.sources = sourceModelFromName(j.get<std::string>()); }},
        plain("f_star10", RS_MEMBER(park.fStar10)),
        plain("alpha_star", RS_MEMBER(park.alphaStar)),
        plain("f_esc10", RS_MEMBER(park.fEsc10)),
        plain("alpha_esc", RS_MEMBER(park.alphaEsc)),
        plain(param::mTurn, RS_MEMBER(park.mTurn)),
        plain("t_star", RS_MEMBER(park.tStar)),
        plain("recombinations", RS_MEMBER(park.recombinations)),
        plain("z_start", RS_MEMBER(park.zStart)),
        plain("z_step", RS_MEMBER(park.zStep)),
        plain("omega_m", RS_MEMBER(cosmology.omegaM)),
        plain("omega_b", RS_MEMBER(cosmology.omegaB)),
        plain("omega_l", RS_MEMBER(cosmology.omegaL)),
        plain("hubble_h", RS_MEMBER(cosmology.h)),
        plain("sigma_8", RS_MEMBER(cosmology.sigma8)),
        plain("n_s", RS_MEMBER(cosmology.ns)),
        {"transfer_function", [](const SimulationParams& p) { return json(transferName(p.cosmology.transfer)); },
            [](const json& j, SimulationParams& p) { p.cosmology.transfer = transferFromName(j.get<std::string>()); }},
        plain(param::seed, RS_MEMBER(seed)),
        plain("zeldovich", RS_MEMBER(zeldovich)),
        plain("lpt", RS_MEMBER(lpt)),
        {"density_assignment", [](const SimulationParams& p) { return json(p.cellSmoothing ? "classic" : "fast"); },
            [](const json& j, SimulationParams& p) {
                const std::string v = j.get<std::string>();
                if (v != "classic" && v != "fast")
                    throw ParameterError("density_assignment", "must be classic or fast, got '" + v + "'");
                p.cellSmoothing = v == "classic";
            }},
        plain("velocities", RS_MEMBER(velocities)),
        plain("threads", RS_MEMBER(threads)),
    };
    return all;
}

#undef RS_MEMBER

/// Whether a field is part of the cubes' metadata for this run: the source model's own fields
/// only, not how the run was executed (threads), which redshifts it made (each cube has its
/// own), nor the velocity flag (the δT_b cube says it); ζ is written as the effective ζ.
bool recorded(const std::string& key, const SimulationParams& p)
{
    if (key == "redshifts" || key == "threads" || key == "velocities" || key == param::zeta)
        return false;
    const bool v2 = p.sources == SourceModel::ParkV2;
    const bool fromFesc = p.fesc && !p.zeta;
    if (key == param::fesc || key == param::fstar)
        return fromFesc;
    if (key == "n_gamma")
        return fromFesc || v2;
    for (const char* k : {"f_star10", "alpha_star", "f_esc10", "alpha_esc", param::mTurn, "t_star", "recombinations",
             "z_start", "z_step"})
        if (key == k)
            return v2;
    if (key == param::tvirMin)
        return !v2 && p.tVir;
    if (key == param::mMin)
        return !v2 && !p.tVir;
    if (key == "lpt")
        return p.zeldovich; // no displacements with linear evolution
    return true;
}

ParamValue paramValueOf(const json& j)
{
    if (j.is_boolean())
        return j.get<bool>();
    if (j.is_number_integer())
        return j.get<std::int64_t>();
    if (j.is_number())
        return j.get<double>();
    return j.get<std::string>();
}

} // namespace

void to_json(nlohmann::json& j, const SimulationParams& p)
{
    j = json::object();
    for (const Field& f : fields())
        j[f.key] = f.get(p);
}

void from_json(const nlohmann::json& j, SimulationParams& p)
{
    if (!j.is_object())
        throw ParameterError("parameters", "simulation parameters must be a JSON object, got " + j.dump());
    for (const auto& [key, value] : j.items()) {
        const auto& all = fields();
        const auto f = std::find_if(all.begin(), all.end(), [&key = key](const Field& x) { return key == x.key; });
        if (f == all.end())
            throw ParameterError(key, "is not a simulation parameter");
        try {
            f->set(value, p);
        } catch (const nlohmann::json::exception&) {
            throw ParameterError(key, "has a value of the wrong type: " + value.dump());
        }
    }
}

Parameters SimulationParams::toParameters() const
{
    Parameters out;
    const json j = *this;
    for (const auto& [key, value] : j.items())
        if (!value.is_null() && recorded(key, *this))
            out[key] = paramValueOf(value);
    out[param::zeta] = effectiveZeta();
    if (sources == SourceModel::ParkV2) // f_esc means F_ESC10 for v2 (as read from 21cmFAST v2+ files): the label
        out[param::fesc] = park.fEsc10;
    out[param::useTs] = std::int64_t(0);
    out[param::codeVersion] = std::string(kSimulatorVersion);
    return out;
}

} // namespace rs
