#include "io/h5_21cmfast.h"

#include "io/h5_lightcone.h"
#include "io/halo_catalog.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>

namespace rs {

namespace {

struct KnownField {
    const char* structure; ///< group name (v3 and v4 alike)
    const char* dataset; ///< primary dataset of that structure
    Quantity quantity;
};

// v3 names; v4 renamed xH_box to neutral_fraction (both are accepted in either version).
constexpr KnownField kPrimary[] = {
    {"PerturbedField", "density", Quantity::Density},
    {"IonizedBox", "xH_box", Quantity::NeutralFraction},
    {"IonizedBox", "neutral_fraction", Quantity::NeutralFraction},
    {"BrightnessTemp", "brightness_temp", Quantity::BrightnessTemperature},
    {"InitialConditions", "lowres_density", Quantity::Density},
    // Spin temperature boxes: v3 names, then v4 names.
    {"TsBox", "Ts_box", Quantity::SpinTemperature},
    {"TsBox", "Tk_box", Quantity::KineticTemperature},
    {"TsBox", "x_e_box", Quantity::ElectronFraction},
    {"TsBox", "spin_temperature", Quantity::SpinTemperature},
    {"TsBox", "kinetic_temp_neutral", Quantity::KineticTemperature},
    {"TsBox", "xray_ionised_fraction", Quantity::ElectronFraction},
};

/// Attributes of a parameter group, both raw (prefixed "group.NAME") and, for the well-known
/// astrophysical ones, converted under rs::param names.
void collectGroup(hid_t file, const std::string& group, Parameters& out)
{
    if (!h5::isGroup(file, group))
        return;
    h5::Id g(H5Gopen2(file, group.c_str(), H5P_DEFAULT));
    if (!g.valid())
        return;
    const std::string prefix = group.substr(group.find_last_of('/') + 1);
    for (const auto& [name, value] : h5::readAttributes(g.get()))
        out[prefix + "." + name] = value;
    // Subgroups in v4 (InputParameters/astro_params ...) are collected by the caller.
}

void deriveParameters(Parameters& p)
{
    auto raw = [&](const std::string& key) -> std::optional<double> {
        for (const char* group : {"astro_params.", "simulation_options.", "user_params.", "matter_options."}) {
            if (auto v = numberOf(p, group + key))
                return v;
        }
        return std::nullopt;
    };
    if (auto v = raw("HII_EFF_FACTOR"))
        p[param::zeta] = *v;
    struct Log10Param {
        const char* raw;
        const char* key;
    };
    for (const Log10Param& l : {Log10Param {"F_ESC10", param::fesc}, Log10Param {"F_STAR10", param::fstar},
             Log10Param {"M_TURN", param::mTurn}, Log10Param {"ION_Tvir_MIN", param::tvirMin},
             Log10Param {"L_X", "l_x"}}) {
        if (auto v = raw(l.raw))
            p[l.key] = std::pow(10.0, *v);
    }
    if (auto v = raw("R_BUBBLE_MAX"))
        p[param::rMax] = *v;
    if (auto v = raw("HII_DIM"))
        p[param::dim] = std::int64_t(std::llround(*v));
    if (auto v = raw("BOX_LEN"))
        p[param::boxLen] = *v;
}

std::optional<double> boxLength(const Parameters& p)
{
    return numberOf(p, param::boxLen);
}

/// Checks a dataset and adds an entry for it; throws for a wrong rank in a primary dataset.
void addEntry(std::vector<CubeEntry>& out, const std::string& path, hid_t file, FileFormat fmt,
    const std::string& dsPath, Quantity q, bool primary, std::optional<double> z, const Parameters& params)
{
    h5::Id ds = h5::openDataset(file, dsPath, path);
    const std::vector<hsize_t> d = h5::dims(ds.get());
    if (d.size() != 3) {
        if (!primary)
            return;
        throw FormatError(
            path, "dataset '" + dsPath + "' has rank " + std::to_string(d.size()) + "; a cube needs rank 3");
    }
    if (d[0] == 0 || d[1] == 0 || d[2] == 0)
        throw FormatError(path, "dataset '" + dsPath + "' is empty");
    const auto l = boxLength(params);
    if (!l || !(*l > 0))
        throw FormatError(path, "no BOX_LEN parameter, so the box size of '" + dsPath + "' is unknown");
    CubeEntry e;
    e.path = path;
    e.format = fmt;
    e.dataset = dsPath;
    e.quantity = q;
    e.redshift = z;
    e.shape = {std::size_t(d[0]), std::size_t(d[1]), std::size_t(d[2])};
    // Cells are cubic: the first axis spans BOX_LEN, the others scale with their voxel counts
    // (NON_CUBIC_FACTOR stretches the last axis).
    const double cell = *l / double(d[0]);
    e.box = {*l, cell * double(d[1]), cell * double(d[2])};
    e.parameters = params;
    e.primary = primary;
    out.push_back(std::move(e));
}

/// Lists the datasets of one structure group (v3: the group itself; v4: its OutputFields).
void probeStructure(std::vector<CubeEntry>& out, const std::string& path, hid_t file, FileFormat fmt,
    const std::string& structure, const std::string& fieldsGroup, std::optional<double> z, const Parameters& params)
{
    bool hasPrimaryRule = false, foundPrimary = false;
    std::string expected;
    for (const KnownField& k : kPrimary) {
        if (structure != k.structure)
            continue;
        hasPrimaryRule = true;
        expected += (expected.empty() ? "'" : " or '") + std::string(k.dataset) + "'";
        const std::string ds = fieldsGroup + "/" + k.dataset;
        if (!h5::exists(file, ds))
            continue;
        if (!h5::isDataset(file, ds))
            throw FormatError(path, "'" + ds + "' is not a dataset");
        std::optional<double> zz = z;
        Parameters p = params;
        if (std::string(k.dataset) == "lowres_density") { // linear initial conditions at z = 0
            zz = 0.0;
            p["linear"] = true;
        }
        addEntry(out, path, file, fmt, ds, k.quantity, true, zz, p);
        foundPrimary = true;
    }
    if (hasPrimaryRule && !foundPrimary)
        throw FormatError(path, "group '" + fieldsGroup + "' has no dataset " + expected);
    // Everything else that is a 3D dataset (velocities, Gamma12, z_re ...) is listed as auxiliary.
    h5::Id g = h5::openGroup(file, fieldsGroup, path);
    for (const std::string& child : h5::children(g.get())) {
        const std::string ds = fieldsGroup + "/" + child;
        bool known = false;
        for (const KnownField& k : kPrimary)
            known = known || (structure == k.structure && child == k.dataset);
        if (known || !h5::isDataset(file, ds))
            continue;
        const auto q = quantityFromName(child).value_or(Quantity::Other);
        addEntry(out, path, file, fmt, ds, q, false, z, params);
    }
}

bool isParameterGroup(const std::string& name)
{
    static const char* names[] = {"user_params", "cosmo_params", "astro_params", "flag_options", "global_params",
        "_globals", "InputParameters", "simulation_options", "matter_options", "astro_options"};
    for (const char* n : names)
        if (name == n)
            return true;
    return false;
}

} // namespace

Parameters read21cmfastParameters(hid_t file, FileFormat version, const std::string& inputGroup)
{
    Parameters params;
    if (version == FileFormat::H5v3) {
        for (const char* g :
            {"user_params", "cosmo_params", "astro_params", "flag_options", "global_params", "_globals"})
            collectGroup(file, g, params);
    } else if (h5::isGroup(file, inputGroup)) {
        h5::Id ipg(H5Gopen2(file, inputGroup.c_str(), H5P_DEFAULT));
        const Parameters attrs = h5::readAttributes(ipg.get());
        if (auto v = numberOf(attrs, "random_seed"))
            params[param::seed] = std::int64_t(std::llround(*v));
        if (auto it = attrs.find("21cmFAST-version"); it != attrs.end())
            params[param::codeVersion] = "21cmFAST " + formatValue(it->second);
        for (const char* g : {"simulation_options", "matter_options", "cosmo_params", "astro_options", "astro_params"})
            collectGroup(file, inputGroup + "/" + g, params);
    }
    deriveParameters(params);
    return params;
}

FileFormat detect21cmfastVersion(hid_t file)
{
    if (is21cmfastLightcone(file))
        return lightconeVersion(file);
    if (H5Aexists(file, "21cmFAST-version") > 0)
        return FileFormat::H5v4;
    h5::Id root(H5Gopen2(file, "/", H5P_DEFAULT));
    bool v3 = H5Aexists(file, "version") > 0 && H5Aexists(file, "redshift") > 0;
    for (const std::string& child : h5::children(root.get())) {
        if (h5::isGroup(file, child + "/OutputFields"))
            return FileFormat::H5v4;
        if (child == "user_params" || child == "astro_params" || child == "PerturbedField" || child == "IonizedBox"
            || child == "BrightnessTemp")
            v3 = true;
    }
    return v3 ? FileFormat::H5v3 : FileFormat::Unknown;
}

std::vector<CubeEntry> probe21cmfast(const std::string& path, hid_t file, FileFormat version)
{
    if (is21cmfastLightcone(file))
        return probe21cmfastLightcone(path, file, version);
    std::vector<CubeEntry> out;
    h5::Id root(H5Gopen2(file, "/", H5P_DEFAULT));
    Parameters rootAttrs = h5::readAttributes(root.get());
    if (version == FileFormat::H5v3) {
        Parameters params = read21cmfastParameters(file, version, "");
        std::optional<double> z;
        if (auto v = numberOf(rootAttrs, "redshift"))
            z = *v;
        if (auto v = numberOf(rootAttrs, "random_seed"))
            params[param::seed] = std::int64_t(std::llround(*v));
        if (auto it = rootAttrs.find("version"); it != rootAttrs.end())
            params[param::codeVersion] = "21cmFAST " + formatValue(it->second);
        for (const std::string& child : h5::children(root.get())) {
            if (isParameterGroup(child) || !h5::isGroup(file, child))
                continue;
            h5::Id g(H5Gopen2(file, child.c_str(), H5P_DEFAULT));
            std::optional<double> gz = z;
            if (auto v = h5::readAttribute(g.get(), "redshift"); v && numberOf(*v))
                gz = *numberOf(*v);
            if (isHaloCatalogGroup(file, child))
                out.push_back(probeHaloCatalog(path, file, version, child, child, gz, params));
            else
                probeStructure(out, path, file, version, child, child, gz, params);
        }
    } else {
        std::string codeVersion;
        if (auto it = rootAttrs.find("21cmFAST-version"); it != rootAttrs.end())
            codeVersion = "21cmFAST " + formatValue(it->second);
        for (const std::string& child : h5::children(root.get())) {
            if (!h5::isGroup(file, child + "/OutputFields"))
                continue;
            Parameters params = read21cmfastParameters(file, version, child + "/InputParameters");
            if (!codeVersion.empty())
                params[param::codeVersion] = codeVersion;
            h5::Id g(H5Gopen2(file, child.c_str(), H5P_DEFAULT));
            std::optional<double> z;
            if (auto v = h5::readAttribute(g.get(), "redshift"); v && numberOf(*v))
                z = *numberOf(*v);
            else if (auto rz = numberOf(rootAttrs, "redshift"))
                z = *rz;
            if (isHaloCatalogGroup(file, child + "/OutputFields"))
                out.push_back(probeHaloCatalog(path, file, version, child, child + "/OutputFields", z, params));
            else
                probeStructure(out, path, file, version, child, child + "/OutputFields", z, params);
        }
    }
    // A coeval file's own-z fields are what it means; its linear z = 0 initial density is then
    // auxiliary (a lone InitialConditions file keeps it primary).
    const bool hasEvolved = std::any_of(
        out.begin(), out.end(), [](const CubeEntry& e) { return e.primary && !e.parameters.count("linear"); });
    for (CubeEntry& e : out)
        if (hasEvolved && e.parameters.count("linear"))
            e.primary = false;
    if (out.empty())
        throw FormatError(path,
            "21cmFAST HDF5 file holds no 3D field and no halo catalogue (no PerturbedField, "
            "IonizedBox, BrightnessTemp, TsBox or halo data)");
    return out;
}

} // namespace rs
