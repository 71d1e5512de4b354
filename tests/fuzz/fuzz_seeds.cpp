#include "fuzz_seeds.h"

#include "cube/cube.h"
#include "io/hdf5_util.h"
#include "io/npy.h"
#include "io/reionscope_h5.h"
#include "ml/run_folder.h"
#include "util/error.h"
#include "util/file_util.h"

#include <hdf5.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace rs::fuzz {

namespace {

std::string slurp(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

Cube smallCube(std::size_t n)
{
    Cube c({n, n, n}, {12, 12, 12});
    CubeMetadata m;
    m.quantity = Quantity::BrightnessTemperature;
    m.redshift = 8.0;
    m.parameters = {{"zeta", 20.0}, {"random_seed", std::int64_t(7)}, {"label", std::string("seed cube")}};
    c.metadata() = m;
    float* d = c.mutableData();
    for (std::size_t i = 0; i < c.voxelCount(); ++i)
        d[i] = float((i * 37) % 101) * 0.25f;
    return c;
}

/// A py21cmfast-v3-like file through the C API: root attrs, user_params, BrightnessTemp.
std::string v3Like(const std::string& path)
{
    h5::Id f = h5::createFile(path);
    h5::writeAttribute(f.get(), "version", std::string("3.3.1"), path);
    h5::writeAttribute(f.get(), "redshift", 8.0, path);
    h5::writeAttribute(f.get(), "random_seed", std::int64_t(12345), path);
    h5::Id up = h5::requireGroup(f.get(), "user_params", path);
    h5::writeAttribute(up.get(), "HII_DIM", std::int64_t(6), path);
    h5::writeAttribute(up.get(), "BOX_LEN", 9.0, path);
    h5::writeAttribute(up.get(), "DIM", std::string("none"), path);
    h5::Id ap = h5::requireGroup(f.get(), "astro_params", path);
    h5::writeAttribute(ap.get(), "HII_EFF_FACTOR", 30.0, path);
    h5::writeAttribute(ap.get(), "F_ESC10", -1.0, path);
    h5::Id g = h5::requireGroup(f.get(), "BrightnessTemp", path);
    const hsize_t dims[3] = {6, 6, 6};
    h5::Id space(H5Screate_simple(3, dims, nullptr));
    h5::Id ds(
        H5Dcreate2(g.get(), "brightness_temp", H5T_IEEE_F32LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    std::vector<float> v(216);
    for (std::size_t i = 0; i < v.size(); ++i)
        v[i] = float(i % 13);
    H5Dwrite(ds.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
    ds = h5::Id();
    f = h5::Id();
    return slurp(path);
}

std::vector<Seed> h5Seeds(const std::string& dir)
{
    const std::string lzf = dir + "/seed_lzf.h5", deflate = dir + "/seed_deflate.h5", v3 = dir + "/seed_v3.h5";
    writeReionScopeH5(lzf, {smallCube(6)});
    H5WriteOptions o;
    o.codec = H5WriteOptions::Codec::Deflate;
    writeReionScopeH5(deflate, {smallCube(5), smallCube(4)}, o);
    return {{"a.h5", slurp(lzf)}, {"b.h5", slurp(deflate)}, {"c.h5", v3Like(v3)}};
}

ml::RunConfig seedConfig()
{
    ml::RunConfig c;
    c.model = ml::ModelKind::Cnn;
    c.task = ml::Task::Classify;
    c.target = ml::Target::Z;
    c.datasetPath = "/data/ds.h5";
    c.rows = c.cols = 16;
    c.classes = {7, 8, 9};
    c.created = "2026-01-01T00:00:00Z";
    return c;
}

} // namespace

std::vector<Seed> makeSeeds(const std::string& family, const std::string& scratch)
{
    if (family == "classic") {
        std::string box(6 * 6 * 6 * 4, '\0');
        for (std::size_t i = 0; i < box.size(); i += 4)
            box[i + 2] = char(i % 200);
        return {{"delta_T_v3_z008.00_nf0.548080_useTs0_6_9Mpc", box},
            {"xH_nohalos_z008.00_nf0.548080_eff20.0_effPLindex0_HIIfilter1_Mmin5.0e+08_RHIImax50_6_9Mpc", box},
            {"updated_smoothed_deltax_z008.00_6_9Mpc", box}};
    }
    if (family == "npy") {
        std::vector<float> v(5 * 6 * 7);
        for (std::size_t i = 0; i < v.size(); ++i)
            v[i] = float(i) * 0.5f;
        writeNpy(scratch + "/seed.npy", v.data(), {5, 6, 7});
        return {{"delta_T_z8.0_300Mpc.npy", slurp(scratch + "/seed.npy")}};
    }
    if (family == "h5")
        return h5Seeds(scratch);
    if (family == "history") {
        ml::HistoryRecord r;
        r.type = "batch";
        r.epoch = 1;
        r.batch = 4;
        r.batches = 8;
        r.step = 12;
        r.trainLoss = 0.5;
        r.wallSeconds = 3.25;
        std::string text = ml::historyLine(r, ml::Task::Classify);
        r.type = "epoch";
        r.valLoss = 0.75;
        text += ml::historyLine(r, ml::Task::Classify);
        r.type = "resume";
        r.message = "resumed from checkpoints/last.pt";
        text += ml::historyLine(r, ml::Task::Classify);
        return {{"history.jsonl", text}};
    }
    if (family == "config")
        return {{"config.json", ml::runConfigJson(seedConfig())}};
    throw ParameterError("--family", "'" + family + "' is not one of classic, npy, h5, history, config");
}

} // namespace rs::fuzz
