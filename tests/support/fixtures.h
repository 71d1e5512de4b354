#pragma once
// Test fixtures: small files of every format ReionScope reads, written independently of the
// readers under test (raw bytes and the plain HDF5 C API, laid out as
// ../shared/ref/21cmfast-formats.md describes).

#include <QString>
#include <QtTest>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fixtures {

/// n deterministic, distinct values (value i = offset + scale * sin(i) style pattern).
std::vector<float> pattern(std::size_t n, float scale = 1.0f, float offset = 0.0f);

/// Writes raw bytes to dir/name and returns the full path.
std::string writeBytes(const QString& dir, const std::string& name, const void* data, std::size_t bytes);
inline std::string writeFloats(const QString& dir, const std::string& name, const std::vector<float>& v)
{
    return writeBytes(dir, name, v.data(), v.size() * sizeof(float));
}

/// A .npy file with the given header fields and payload; `major` 1, 2 or 3.
std::string writeNpy(const QString& dir, const std::string& name, const std::string& descr, bool fortran,
    const std::vector<std::size_t>& shape, const void* payload, std::size_t payloadBytes, int major = 1);

/// py21cmfast v3 single-structure file: root attrs redshift/random_seed/version, parameter groups
/// (user_params HII_DIM/BOX_LEN/DIM="none", astro_params with HII_EFF_FACTOR and log10 F_ESC10),
/// and `structure/dataset` holding `data` of shape n^3.
std::string writeV3(const QString& dir, const std::string& name, const std::string& structure,
    const std::string& dataset, std::size_t n, double boxLen, double z, const std::vector<float>& data,
    double zeta = 30.0, double log10Fesc = -1.0, std::int64_t seed = 12345);

/// py21cmfast v3 coeval file with PerturbedField/density, IonizedBox/xH_box and
/// BrightnessTemp/brightness_temp (plus velocity_z) and `_globals`.
std::string writeV3Coeval(const QString& dir, const std::string& name, std::size_t n, double boxLen, double z,
    const std::vector<float>& density, const std::vector<float>& xh, const std::vector<float>& tb);

/// py21cmfast v4 file: root attr 21cmFAST-version, group `structure` (attr redshift) with
/// InputParameters (random_seed, node_redshifts, simulation_options, astro_params ...) and
/// OutputFields/<field>. `coeval` sets the root attribute coeval=True.
std::string writeV4(const QString& dir, const std::string& name, const std::string& structure, const std::string& field,
    std::size_t n, double boxLen, double z, const std::vector<float>& data, bool coeval = false);

/// An HDF5 file with group `group` holding dataset `dataset` of the given dims (may be rank 2),
/// laid out as v3 (root attrs redshift/version, user_params).
std::string writeV3WithDims(const QString& dir, const std::string& name, const std::string& group,
    const std::string& dataset, const std::vector<unsigned long long>& dims);

/// Damages an HDF5 file the way that crashes Debian's libhdf5 1.10 (SIGSEGV in H5HG_read, reached
/// from the first attribute read): the size of the first object of its first global heap (where
/// variable-length strings live, as in our files, py21cmfast's and writeV3's) becomes 2^31 - 1.
/// Returns false when the file cannot be rewritten or holds no global heap.
bool damageGlobalHeap(const std::string& path);

/// A shell script `name` in `dir`, made executable, running `body` (e.g. standing in for
/// reionscope-probe); returns its path.
QString writeScript(const QString& dir, const QString& name, const QString& body);

/// Sets an environment variable for a scope, then puts back what was there.
struct EnvGuard {
    QByteArray name, old;
    bool had;
    EnvGuard(const char* n, const QByteArray& value)
        : name(n)
        , old(qgetenv(n))
        , had(qEnvironmentVariableIsSet(n))
    {
        qputenv(n, value);
    }
    ~EnvGuard()
    {
        if (had)
            qputenv(name.constData(), old);
        else
            qunsetenv(name.constData());
    }
};

/// What a reionscope-cli run printed and returned.
struct CliResult {
    int code = -1; ///< exit code, -1 when it crashed
    QByteArray out, err;
};

/// Runs reionscope-cli (REIONSCOPE_CLI) with `args` and waits for it (fails the test process
/// with qFatal after `timeoutMs`).
CliResult runCli(const QStringList& args, int timeoutMs = 240000);

/// The real 21cmFAST sample folder, or "" when it is absent (REIONSCOPE_SAMPLE_DIR).
QString sampleDir();

/// The message of the exception of type E that `f` throws, or nullopt when it throws nothing.
/// An exception of another type propagates (Qt Test reports it as a failure). Use through
/// RS_VERIFY_ERROR, the one way tests assert an error.
template<typename E, typename F> std::optional<QString> errorOf(F&& f)
{
    try {
        f();
    } catch (const E& e) {
        return QString::fromUtf8(e.what());
    }
    return std::nullopt;
}

} // namespace fixtures

/// Skips the current test function, saying why, when the real sample is not available.
#define REQUIRE_SAMPLE(var)                                                                                            \
    const QString var = fixtures::sampleDir();                                                                         \
    if (var.isEmpty())                                                                                                 \
        QSKIP("the real 21cmFAST sample is absent (configure with -DREIONSCOPE_SAMPLE_DIR=...); skipping");

/// Verifies that `statement` throws `Type` and that its message contains every further argument
/// (QStrings or string literals), e.g. RS_VERIFY_ERROR(rs::FormatError, open(p), path, "not a").
#define RS_VERIFY_ERROR(Type, statement, ...)                                                                          \
    do {                                                                                                               \
        const std::optional<QString> rsErrorMessage = fixtures::errorOf<Type>([&] { statement; });                     \
        QVERIFY2(rsErrorMessage.has_value(), "expected " #Type " from " #statement);                                   \
        for (const QString& rsErrorPart : QStringList {__VA_ARGS__})                                                   \
            QVERIFY2(rsErrorMessage->contains(rsErrorPart), qPrintable(*rsErrorMessage));                              \
    } while (false)
