#include "fixtures.h"

#include <hdf5.h>

#include <QDir>
#include <QFile>
#include <QProcess>

#include <cmath>
#include <cstring>

namespace fixtures {

std::vector<float> pattern(std::size_t n, float scale, float offset)
{
    std::vector<float> v(n);
    for (std::size_t i = 0; i < n; ++i)
        v[i] = offset + scale * float(std::sin(0.37 * double(i)) + 0.001 * double(i % 97));
    return v;
}

std::string writeBytes(const QString& dir, const std::string& name, const void* data, std::size_t bytes)
{
    const QString path = QDir(dir).filePath(QString::fromStdString(name));
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        qFatal("cannot write fixture %s", qPrintable(path));
    if (bytes)
        f.write(static_cast<const char*>(data), qint64(bytes));
    return path.toStdString();
}

bool damageGlobalHeap(const std::string& path)
{
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadWrite))
        return false;
    QByteArray bytes = f.readAll();
    // "GCOL", version, 3 reserved bytes, the collection size (8); then the first object: index (2),
    // reference count (2), 4 reserved bytes and its size (8) at +24.
    const qsizetype heap = bytes.indexOf("GCOL");
    if (heap < 0 || heap + 32 > bytes.size())
        return false;
    const quint64 size = 0x7fffffff;
    std::memcpy(bytes.data() + heap + 24, &size, sizeof size);
    return f.seek(0) && f.write(bytes) == bytes.size();
}

std::string writeNpy(const QString& dir, const std::string& name, const std::string& descr, bool fortran,
    const std::vector<std::size_t>& shape, const void* payload, std::size_t payloadBytes, int major)
{
    std::string tuple;
    for (std::size_t i = 0; i < shape.size(); ++i)
        tuple += (i ? ", " : "") + std::to_string(shape[i]);
    if (shape.size() == 1)
        tuple += ",";
    std::string header = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': ("
        + tuple + "), }";
    const std::size_t prefix = major == 1 ? 10 : 12;
    while ((prefix + header.size() + 1) % 64)
        header += ' ';
    header += '\n';
    std::string bytes("\x93NUMPY", 6);
    bytes += char(major);
    bytes += char(0);
    const std::size_t len = header.size();
    bytes += char(len & 0xff);
    bytes += char((len >> 8) & 0xff);
    if (major != 1) {
        bytes += char((len >> 16) & 0xff);
        bytes += char((len >> 24) & 0xff);
    }
    bytes += header;
    bytes.append(static_cast<const char*>(payload), payloadBytes);
    return writeBytes(dir, name, bytes.data(), bytes.size());
}

namespace {

void attrDouble(hid_t obj, const char* name, double v)
{
    hid_t s = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, H5T_IEEE_F64LE, s, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_DOUBLE, &v);
    H5Aclose(a);
    H5Sclose(s);
}

void attrInt(hid_t obj, const char* name, long long v)
{
    hid_t s = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, H5T_STD_I64LE, s, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_LLONG, &v);
    H5Aclose(a);
    H5Sclose(s);
}

/// h5py's default for Python str: variable-length UTF-8.
void attrString(hid_t obj, const char* name, const char* v)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    hid_t s = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, t, &v);
    H5Aclose(a);
    H5Sclose(s);
    H5Tclose(t);
}

/// h5py's numpy bool: an int8 enum {FALSE = 0, TRUE = 1}.
void attrBool(hid_t obj, const char* name, bool v)
{
    hid_t t = H5Tenum_create(H5T_NATIVE_INT8);
    signed char f = 0, tr = 1;
    H5Tenum_insert(t, "FALSE", &f);
    H5Tenum_insert(t, "TRUE", &tr);
    hid_t s = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(obj, name, t, s, H5P_DEFAULT, H5P_DEFAULT);
    signed char b = v ? 1 : 0;
    H5Awrite(a, t, &b);
    H5Aclose(a);
    H5Sclose(s);
    H5Tclose(t);
}

hid_t group(hid_t loc, const char* name)
{
    return H5Gcreate2(loc, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
}

void dataset(hid_t loc, const char* name, const std::vector<unsigned long long>& dims, const float* data)
{
    std::vector<hsize_t> d(dims.begin(), dims.end());
    hid_t s = H5Screate_simple(int(d.size()), d.data(), nullptr);
    hid_t ds = H5Dcreate2(loc, name, H5T_IEEE_F32LE, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (data)
        H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
    H5Dclose(ds);
    H5Sclose(s);
}

void writeV3Params(hid_t f, std::size_t n, double boxLen, double zeta, double log10Fesc)
{
    hid_t up = group(f, "user_params");
    attrInt(up, "HII_DIM", (long long)n);
    attrString(up, "DIM", "none");
    attrDouble(up, "BOX_LEN", boxLen);
    H5Gclose(up);
    hid_t cp = group(f, "cosmo_params");
    attrDouble(cp, "SIGMA_8", 0.81);
    attrDouble(cp, "hlittle", 0.68);
    H5Gclose(cp);
    hid_t ap = group(f, "astro_params");
    attrDouble(ap, "HII_EFF_FACTOR", zeta);
    attrDouble(ap, "F_ESC10", log10Fesc);
    attrDouble(ap, "F_STAR10", -1.3);
    attrDouble(ap, "ION_Tvir_MIN", 4.69897);
    attrDouble(ap, "R_BUBBLE_MAX", 15.0);
    H5Gclose(ap);
    hid_t fo = group(f, "flag_options");
    attrBool(fo, "USE_MASS_DEPENDENT_ZETA", false);
    H5Gclose(fo);
}

} // namespace

std::string writeV3(const QString& dir, const std::string& name, const std::string& structure,
    const std::string& datasetName, std::size_t n, double boxLen, double z, const std::vector<float>& data, double zeta,
    double log10Fesc, std::int64_t seed)
{
    const std::string path = QDir(dir).filePath(QString::fromStdString(name)).toStdString();
    hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    attrDouble(f, "redshift", z);
    attrInt(f, "random_seed", seed);
    attrString(f, "version", "3.3.1");
    writeV3Params(f, n, boxLen, zeta, log10Fesc);
    hid_t g = group(f, structure.c_str());
    dataset(g, datasetName.c_str(), {n, n, n}, data.data());
    H5Gclose(g);
    H5Fclose(f);
    return path;
}

std::string writeV3Coeval(const QString& dir, const std::string& name, std::size_t n, double boxLen, double z,
    const std::vector<float>& density, const std::vector<float>& xh, const std::vector<float>& tb)
{
    const std::string path = QDir(dir).filePath(QString::fromStdString(name)).toStdString();
    hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    attrDouble(f, "redshift", z);
    attrInt(f, "random_seed", 7);
    attrString(f, "version", "3.3.1");
    writeV3Params(f, n, boxLen, 25.0, -1.0);
    hid_t gl = group(f, "_globals");
    attrDouble(gl, "Z_HEAT_MAX", 35.0);
    H5Gclose(gl);
    hid_t pf = group(f, "PerturbedField");
    dataset(pf, "density", {n, n, n}, density.data());
    dataset(pf, "velocity_z", {n, n, n}, density.data());
    H5Gclose(pf);
    hid_t ib = group(f, "IonizedBox");
    dataset(ib, "xH_box", {n, n, n}, xh.data());
    H5Gclose(ib);
    hid_t bt = group(f, "BrightnessTemp");
    dataset(bt, "brightness_temp", {n, n, n}, tb.data());
    H5Gclose(bt);
    H5Fclose(f);
    return path;
}

std::string writeV4(const QString& dir, const std::string& name, const std::string& structure, const std::string& field,
    std::size_t n, double boxLen, double z, const std::vector<float>& data, bool coeval)
{
    const std::string path = QDir(dir).filePath(QString::fromStdString(name)).toStdString();
    hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    attrString(f, "21cmFAST-version", "4.0.0");
    if (coeval)
        attrBool(f, "coeval", true);
    hid_t s = group(f, structure.c_str());
    attrDouble(s, "redshift", z);
    hid_t ip = group(s, "InputParameters");
    attrInt(ip, "random_seed", 42);
    const float nodes[3] = {6.f, 7.f, 8.f};
    dataset(ip, "node_redshifts", {3}, nodes);
    hid_t so = group(ip, "simulation_options");
    attrInt(so, "HII_DIM", (long long)n);
    attrInt(so, "DIM", (long long)(3 * n));
    attrDouble(so, "BOX_LEN", boxLen);
    attrDouble(so, "NON_CUBIC_FACTOR", 1.0);
    H5Gclose(so);
    for (const char* g : {"matter_options", "cosmo_params", "astro_options"})
        H5Gclose(group(ip, g));
    hid_t ap = group(ip, "astro_params");
    attrDouble(ap, "F_ESC10", std::log10(0.2));
    attrDouble(ap, "F_STAR10", -1.3);
    attrDouble(ap, "M_TURN", 8.7);
    H5Gclose(ap);
    H5Gclose(ip);
    hid_t of = group(s, "OutputFields");
    dataset(of, field.c_str(), {n, n, n}, data.data());
    H5Gclose(of);
    H5Gclose(s);
    H5Fclose(f);
    return path;
}

std::string writeV3WithDims(const QString& dir, const std::string& name, const std::string& groupName,
    const std::string& datasetName, const std::vector<unsigned long long>& dims)
{
    const std::string path = QDir(dir).filePath(QString::fromStdString(name)).toStdString();
    hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    attrDouble(f, "redshift", 8.0);
    attrString(f, "version", "3.3.1");
    writeV3Params(f, 8, 12.0, 30.0, -1.0);
    hid_t g = group(f, groupName.c_str());
    if (!datasetName.empty()) {
        std::size_t count = 1;
        for (auto d : dims)
            count *= d;
        std::vector<float> v(count, 1.0f);
        dataset(g, datasetName.c_str(), dims, v.data());
    }
    H5Gclose(g);
    H5Fclose(f);
    return path;
}

CliResult runCli(const QStringList& args, int timeoutMs)
{
    QProcess p;
    p.start(QStringLiteral(REIONSCOPE_CLI), args);
    if (!p.waitForFinished(timeoutMs))
        qFatal("reionscope-cli %s did not finish", qPrintable(args.join(' ')));
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
        p.readAllStandardError()};
}

QString sampleDir()
{
    const QString dir = QStringLiteral(REIONSCOPE_SAMPLE_DIR);
    if (dir.isEmpty() || !QDir(dir).exists()
        || !QFileInfo::exists(QDir(dir).filePath("updated_smoothed_deltax_z008.00_64_96Mpc")))
        return {};
    return QDir(dir).absolutePath();
}

QString writeScript(const QString& dir, const QString& name, const QString& body)
{
    const QString path = QDir(dir).filePath(name);
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write(("#!/bin/sh\n" + body + "\n").toUtf8());
    f.close();
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    return path;
}

} // namespace fixtures
