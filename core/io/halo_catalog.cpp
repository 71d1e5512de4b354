#include "io/halo_catalog.h"

#include "io/h5_lightcone.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>

namespace rs {

namespace {

/// n_halos as written beside the arrays (v4 keeps a larger buffer), if present.
std::optional<std::size_t> declaredCount(hid_t file, const std::string& group)
{
    if (!h5::isGroup(file, group))
        return std::nullopt;
    h5::Id g(H5Gopen2(file, group.c_str(), H5P_DEFAULT));
    if (!g.valid())
        return std::nullopt;
    if (auto v = h5::readAttribute(g.get(), "n_halos"); v && numberOf(*v) && *numberOf(*v) >= 0)
        return std::size_t(std::llround(*numberOf(*v)));
    return std::nullopt;
}

/// Checks the datasets and returns the number of haloes in use.
std::size_t haloCount(const std::string& path, hid_t file, const std::string& structure, const std::string& fields)
{
    h5::Id masses = h5::openDataset(file, fields + "/halo_masses", path);
    const std::vector<hsize_t> md = h5::dims(masses.get());
    if (md.size() != 1)
        throw FormatError(path, "'" + fields + "/halo_masses' has rank " + std::to_string(md.size()) + "; expected 1");
    const std::size_t buffer = std::size_t(md[0]);
    if (!h5::isDataset(file, fields + "/halo_coords"))
        throw FormatError(path, "halo catalogue '" + fields + "' has masses but no 'halo_coords'");
    h5::Id coords = h5::openDataset(file, fields + "/halo_coords", path);
    const std::vector<hsize_t> cd = h5::dims(coords.get());
    if (!(cd.size() == 2 && cd[1] == 3 && std::size_t(cd[0]) == buffer) && !(buffer == 0 && cd.size() <= 2))
        throw FormatError(path,
            "'" + fields + "/halo_coords' does not hold 3 coordinates for each of the " + std::to_string(buffer)
                + " haloes");
    std::optional<std::size_t> n = declaredCount(file, structure);
    if (!n)
        n = declaredCount(file, fields);
    if (n && *n > buffer)
        throw FormatError(path,
            "halo catalogue '" + fields + "' declares n_halos = " + std::to_string(*n) + " but stores only "
                + std::to_string(buffer));
    return n.value_or(buffer);
}

/// Mpc per stored position unit (see HaloCatalogData::positions).
double positionScale(const CubeEntry& entry, const std::string& structure)
{
    if (entry.format != FileFormat::H5v3)
        return 1.0;
    const bool perturbed = structure.rfind("Perturb", 0) == 0;
    const char* grid = perturbed ? "HII_DIM" : "DIM";
    std::optional<double> n;
    for (const char* group : {"user_params.", "simulation_options."})
        if (!n)
            n = numberOf(entry.parameters, std::string(group) + grid);
    const std::optional<double> box = numberOf(entry.parameters, param::boxLen);
    if (!n || !box || !(*n > 0) || !(*box > 0))
        throw FormatError(entry.path,
            "halo catalogue '" + entry.dataset + "' stores cell positions but the file has no user_params "
                + (box ? std::string(grid) : "BOX_LEN") + " to turn them into Mpc");
    return *box / *n;
}

} // namespace

double HaloCatalogData::minMass() const
{
    return masses.empty() ? std::nan("") : *std::min_element(masses.begin(), masses.end());
}

double HaloCatalogData::maxMass() const
{
    return masses.empty() ? std::nan("") : *std::max_element(masses.begin(), masses.end());
}

bool isHaloCatalogGroup(hid_t file, const std::string& fieldsGroup)
{
    return h5::isDataset(file, fieldsGroup + "/halo_masses");
}

CubeEntry probeHaloCatalog(const std::string& path, hid_t file, FileFormat version, const std::string& structure,
    const std::string& fieldsGroup, std::optional<double> z, const Parameters& params)
{
    CubeEntry e;
    e.path = path;
    e.format = version;
    e.dataset = fieldsGroup;
    e.kind = FieldKind::HaloCatalog;
    e.primary = false;
    e.redshift = z;
    e.itemCount = haloCount(path, file, structure, fieldsGroup);
    e.shape = {e.itemCount, 3, 1};
    if (auto l = numberOf(params, param::boxLen))
        e.box = {*l, *l, *l};
    e.parameters = params;
    e.parameters["halo_structure"] = structure;
    return e;
}

HaloCatalogData readHaloCatalog(const CubeEntry& entry)
{
    if (entry.kind != FieldKind::HaloCatalog)
        throw FormatError(entry.path, "'" + entry.dataset + "' is not a halo catalogue");
    h5::Id file = h5::openFile(entry.path);
    const std::string structure = entry.dataset.substr(0, entry.dataset.find('/'));
    const std::size_t n = haloCount(entry.path, file.get(), structure, entry.dataset);
    if (n != entry.itemCount)
        throw FormatError(entry.path, "halo catalogue '" + entry.dataset + "' changed since it was listed");
    HaloCatalogData out;
    std::vector<double> masses = readNumberDataset(file.get(), entry.dataset + "/halo_masses", entry.path);
    std::vector<double> coords = readNumberDataset(file.get(), entry.dataset + "/halo_coords", entry.path);
    const double scale = positionScale(entry, structure);
    masses.resize(n);
    out.masses = std::move(masses);
    out.positions.resize(n);
    for (std::size_t i = 0; i < n; ++i)
        out.positions[i] = {scale * coords[3 * i], scale * coords[3 * i + 1], scale * coords[3 * i + 2]};
    return out;
}

} // namespace rs
