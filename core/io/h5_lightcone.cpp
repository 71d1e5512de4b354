#include "io/h5_lightcone.h"

#include "cube/comoving.h"
#include "io/h5_21cmfast.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>

namespace rs {

namespace {

struct LightconeField {
    const char* name;
    Quantity quantity;
};

// py21cmfast's lightcone names (v3 then v4) of the quantities ReionScope knows.
constexpr LightconeField kLightconeFields[] = {
    {"brightness_temp", Quantity::BrightnessTemperature},
    {"xH_box", Quantity::NeutralFraction},
    {"neutral_fraction", Quantity::NeutralFraction},
    {"density", Quantity::Density},
    {"Ts_box", Quantity::SpinTemperature},
    {"spin_temperature", Quantity::SpinTemperature},
    {"Tk_box", Quantity::KineticTemperature},
    {"kinetic_temp_neutral", Quantity::KineticTemperature},
    {"kinetic_temperature", Quantity::KineticTemperature},
    {"x_e_box", Quantity::ElectronFraction},
    {"xray_ionised_fraction", Quantity::ElectronFraction},
};

std::optional<Quantity> lightconeQuantity(const std::string& name)
{
    for (const LightconeField& f : kLightconeFields)
        if (name == f.name)
            return f.quantity;
    return std::nullopt;
}

/// The first of `candidates` that is a dataset in the file, or "".
std::string firstDataset(hid_t file, std::initializer_list<const char*> candidates)
{
    for (const char* c : candidates)
        if (h5::isDataset(file, c))
            return c;
    return {};
}

/// The line of sight: distances from the file, redshifts from the distances and the cosmology.
std::shared_ptr<LightconeAxis> readAxis(
    const std::string& path, hid_t file, FileFormat version, const Parameters& params, std::size_t nLos)
{
    auto axis = std::make_shared<LightconeAxis>();
    const std::string distances = version == FileFormat::H5v4
        ? firstDataset(file, {"lightcone_distances", "distances"})
        : firstDataset(file, {"distances", "lightcone_distances"});
    if (distances.empty())
        throw FormatError(path,
            "LightCone file has no '/distances' or '/lightcone_distances' dataset, so the "
            "redshifts along the line of sight are unknown");
    axis->distances = readNumberDataset(file, distances, path);
    if (axis->distances.size() != nLos)
        throw FormatError(path,
            "'/" + distances + "' holds " + std::to_string(axis->distances.size())
                + " distances but the lightcones have " + std::to_string(nLos) + " slices");
    for (std::size_t i = 0; i < nLos; ++i)
        if (!std::isfinite(axis->distances[i]) || axis->distances[i] < 0
            || (i > 0 && !(axis->distances[i] > axis->distances[i - 1])))
            throw FormatError(path, "'/" + distances + "' is not a finite, increasing list of comoving distances");
    const ComovingDistance dc(backgroundFrom(params));
    axis->redshifts.reserve(nLos);
    try {
        for (double d : axis->distances)
            axis->redshifts.push_back(dc.redshift(d));
    } catch (const ParameterError& e) {
        throw FormatError(path, std::string("'/") + distances + "': " + e.what());
    }
    const std::string nodes = firstDataset(file, {"node_redshifts", "InputParameters/node_redshifts"});
    if (!nodes.empty())
        axis->nodeRedshifts = readNumberDataset(file, nodes, path);
    if (h5::isGroup(file, "global_quantities")) {
        h5::Id g = h5::openGroup(file, "global_quantities", path);
        for (const std::string& name : h5::children(g.get())) {
            const std::string ds = "global_quantities/" + name;
            if (h5::isDataset(file, ds))
                axis->globals[name] = readNumberDataset(file, ds, path);
        }
    }
    return axis;
}

} // namespace

bool is21cmfastLightcone(hid_t file)
{
    return h5::isGroup(file, "lightcones");
}

FileFormat lightconeVersion(hid_t file)
{
    if (h5::isGroup(file, "InputParameters") || H5Aexists(file, "__version__") > 0
        || H5Aexists(file, "21cmFAST-version") > 0)
        return FileFormat::H5v4;
    return FileFormat::H5v3;
}

void writeLightconeAttributes(hid_t dataset, const LightconeAxis& axis, const std::string& file)
{
    h5::writeAttribute(dataset, "kind", std::string(fieldKindName(FieldKind::Lightcone)), file);
    h5::writeAttribute(dataset, "los_redshifts", axis.redshifts, file);
    h5::writeAttribute(dataset, "los_distances_mpc", axis.distances, file);
    if (!axis.nodeRedshifts.empty())
        h5::writeAttribute(dataset, "node_redshifts", axis.nodeRedshifts, file);
    for (const auto& [name, values] : axis.globals)
        h5::writeAttribute(dataset, "global_" + name, values, file);
}

bool isLightconeAttribute(const std::string& name)
{
    return name == "los_redshifts" || name == "los_distances_mpc" || name == "node_redshifts"
        || name.rfind("global_", 0) == 0;
}

std::shared_ptr<LightconeAxis> readLightconeAttributes(
    hid_t dataset, std::size_t nLos, const std::string& file, const std::string& datasetPath)
{
    const auto kind = h5::readAttribute(dataset, "kind");
    if (!kind || *kind != ParamValue(std::string(fieldKindName(FieldKind::Lightcone))))
        return nullptr;
    auto axis = std::make_shared<LightconeAxis>();
    axis->redshifts = h5::readNumberArrayAttribute(dataset, "los_redshifts");
    axis->distances = h5::readNumberArrayAttribute(dataset, "los_distances_mpc");
    if (axis->redshifts.size() != nLos || axis->distances.size() != nLos)
        throw FormatError(file,
            "lightcone '" + datasetPath
                + "' needs los_redshifts and los_distances_mpc with one "
                  "value for each of its "
                + std::to_string(nLos) + " slices");
    axis->nodeRedshifts = h5::readNumberArrayAttribute(dataset, "node_redshifts");
    const int n = H5Aget_num_attrs(dataset);
    for (int i = 0; i < n; ++i) {
        char name[256] = {};
        h5::Id a(H5Aopen_by_idx(dataset, ".", H5_INDEX_NAME, H5_ITER_INC, hsize_t(i), H5P_DEFAULT, H5P_DEFAULT));
        if (a.valid() && H5Aget_name(a.get(), sizeof name, name) > 0 && std::string(name).rfind("global_", 0) == 0)
            axis->globals[std::string(name).substr(7)] = h5::readNumberArrayAttribute(dataset, name);
    }
    return axis;
}

std::vector<double> readNumberDataset(hid_t loc, const std::string& dataset, const std::string& file)
{
    h5::Id ds = h5::openDataset(loc, dataset, file);
    h5::Id type(H5Dget_type(ds.get()));
    const H5T_class_t cls = type.valid() ? H5Tget_class(type.get()) : H5T_NO_CLASS;
    if (cls != H5T_FLOAT && cls != H5T_INTEGER)
        throw FormatError(file, "dataset '" + dataset + "' is not numeric");
    std::size_t n = 1;
    for (hsize_t d : h5::dims(ds.get()))
        n *= std::size_t(d);
    std::vector<double> v(n);
    if (n && H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
        throw FormatError(file, "cannot read dataset '" + dataset + "'");
    return v;
}

std::vector<CubeEntry> probe21cmfastLightcone(const std::string& path, hid_t file, FileFormat version)
{
    Parameters params = read21cmfastParameters(file, version, "InputParameters");
    h5::Id root(H5Gopen2(file, "/", H5P_DEFAULT));
    const Parameters rootAttrs = h5::readAttributes(root.get());
    if (version == FileFormat::H5v3) {
        if (auto v = numberOf(rootAttrs, "random_seed"))
            params[param::seed] = std::int64_t(std::llround(*v));
        if (auto it = rootAttrs.find("version"); it != rootAttrs.end())
            params[param::codeVersion] = "21cmFAST " + formatValue(it->second);
    } else if (auto it = rootAttrs.find("__version__"); it != rootAttrs.end() && !params.count(param::codeVersion)) {
        params[param::codeVersion] = "21cmFAST " + formatValue(it->second);
    }
    const auto boxLen = numberOf(params, param::boxLen);
    if (!boxLen || !(*boxLen > 0))
        throw FormatError(path, "LightCone file has no BOX_LEN parameter, so its cell size is unknown");

    h5::Id group = h5::openGroup(file, "lightcones", path);
    std::vector<std::string> names;
    Shape shape {0, 0, 0};
    for (const std::string& name : h5::children(group.get())) {
        const std::string ds = "lightcones/" + name;
        if (!h5::isDataset(file, ds))
            continue;
        h5::Id d = h5::openDataset(file, ds, path);
        const std::vector<hsize_t> dims = h5::dims(d.get());
        if (dims.size() != 3 || dims[0] == 0 || dims[1] == 0 || dims[2] == 0)
            throw FormatError(path,
                "lightcone '/" + ds + "' has shape of rank " + std::to_string(dims.size())
                    + "; a lightcone needs (N, N, N_los) with no empty axis");
        const Shape s {std::size_t(dims[0]), std::size_t(dims[1]), std::size_t(dims[2])};
        if (!names.empty() && s != shape)
            throw FormatError(path, "lightcones '/" + ds + "' and '/lightcones/" + names.front() + "' differ in shape");
        shape = s;
        names.push_back(name);
    }
    if (names.empty())
        throw FormatError(path, "LightCone file's '/lightcones' group holds no dataset");

    const std::shared_ptr<const LightconeAxis> axis = readAxis(path, file, version, params, shape[2]);
    const double cell = *boxLen / double(shape[0]);
    std::vector<CubeEntry> out;
    for (const std::string& name : names) {
        CubeEntry e;
        e.path = path;
        e.format = version;
        e.dataset = "lightcones/" + name;
        const auto q = lightconeQuantity(name);
        e.quantity = q.value_or(Quantity::Other);
        e.primary = q.has_value();
        e.kind = FieldKind::Lightcone;
        e.lightcone = axis;
        e.redshift = axis->redshifts.front();
        e.shape = shape;
        e.box = {*boxLen, cell * double(shape[1]), cell * double(shape[2])};
        e.parameters = params;
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace rs
