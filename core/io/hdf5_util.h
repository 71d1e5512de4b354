#pragma once
/// \file hdf5_util.h
/// Thin RAII layer over the HDF5 C API. Every call site that can fail is wrapped once here and
/// turned into an rs::FormatError/IoError naming the file; HDF5's own stderr printing is silenced.

#include "cube/quantity.h"
#include "util/error.h"

#include <hdf5.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rs::h5 {

/// Owns one HDF5 identifier (file, group, dataset, dataspace, type, property list, attribute)
/// and closes it with the matching H5*close.
class Id {
public:
    Id() = default;
    explicit Id(hid_t id)
        : m_id(id)
    { }
    ~Id() { reset(); }
    Id(Id&& o) noexcept
        : m_id(o.m_id)
    {
        o.m_id = H5I_INVALID_HID;
    }
    Id& operator=(Id&& o) noexcept
    {
        if (this != &o) {
            reset();
            m_id = o.m_id;
            o.m_id = H5I_INVALID_HID;
        }
        return *this;
    }
    Id(const Id&) = delete;
    Id& operator=(const Id&) = delete;

    hid_t get() const { return m_id; }
    bool valid() const { return m_id >= 0; }
    void reset();

private:
    hid_t m_id = H5I_INVALID_HID;
};

/// Replaces HDF5's automatic error printing, for the calling thread (HDF5 keeps that setting per
/// thread), by a handler that empties the error stack; registers the LZF filter (once per
/// process). Cheap to call again; openFile and createFile call it.
void silenceErrorPrinting();

/// True when the file starts with the HDF5 signature (at offset 0, 512, 1024 or 2048).
bool hasHdf5Signature(const std::string& path);

/// Opens an existing file read-only. Throws IoError if missing, FormatError if not readable HDF5.
Id openFile(const std::string& path);

/// How many times openFile opened a file in this process (tests observe that a file listed by the
/// reionscope-probe helper, now or in an earlier process, is not opened here). Never throws.
std::uint64_t inProcessOpenCount();
/// Creates (truncates) a file for writing. Throws IoError.
Id createFile(const std::string& path);

/// Whether `path` (may contain '/') names an existing link below `loc`.
bool exists(hid_t loc, const std::string& path);
bool isGroup(hid_t loc, const std::string& path);
bool isDataset(hid_t loc, const std::string& path);
/// Names of the direct children of a group, in creation/name order.
std::vector<std::string> children(hid_t group);

Id openGroup(hid_t loc, const std::string& path, const std::string& file);
Id openDataset(hid_t loc, const std::string& path, const std::string& file);
/// Opens or creates (with intermediate groups) a group.
Id requireGroup(hid_t loc, const std::string& path, const std::string& file);

/// Dimensions of a dataset's dataspace.
std::vector<hsize_t> dims(hid_t dataset);

/// A scalar (or one-element) attribute as a typed value: integers → int64, floats → double,
/// strings (fixed or variable, up to 1 MiB, invalid UTF-8 replaced by U+FFFD) → string, h5py booleans (enum FALSE/TRUE)
/// → bool. nullopt when absent or of another kind.
std::optional<ParamValue> readAttribute(hid_t obj, const std::string& name);
/// All scalar attributes of an object.
Parameters readAttributes(hid_t obj);
/// A numeric array attribute (any length); empty when absent or not numeric.
std::vector<double> readNumberArrayAttribute(hid_t obj, const std::string& name);

/// `s` with every invalid UTF-8 sequence replaced by U+FFFD (unchanged when already valid).
std::string validUtf8(std::string s);

/// Writes (replacing) a scalar attribute; strings are variable-length UTF-8 (h5py reads `str`),
/// booleans are h5py-style enums.
void writeAttribute(hid_t obj, const std::string& name, const ParamValue& value, const std::string& file);
void writeAttribute(hid_t obj, const std::string& name, const std::vector<double>& values, const std::string& file);

/// Reads a whole dataset converted to float32 into `out` (dims product elements).
void readFloats(hid_t dataset, float* out, const std::string& file, const std::string& datasetPath);

/// Writes the 1-D dataset `name` below `loc` (`fileType` on disk, `memType` in `v`). Throws
/// IoError naming `file` when it cannot be created or written.
template<typename T>
void writeArray(
    hid_t loc, const std::string& name, hid_t fileType, hid_t memType, const std::vector<T>& v, const std::string& file)
{
    const hsize_t n = v.size();
    Id space(H5Screate_simple(1, &n, nullptr));
    Id ds(H5Dcreate2(loc, name.c_str(), fileType, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    if (!ds.valid() || (n && H5Dwrite(ds.get(), memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0))
        throw IoError(file, "cannot write dataset '" + name + "' (disk full?)");
}

/// Writes a 1-D dataset of variable-length UTF-8 strings (h5py reads `str`). Throws IoError.
void writeStrings(hid_t loc, const std::string& name, const std::vector<std::string>& v, const std::string& file);

/// Reads the 1-D dataset `name` below `loc`, which must hold exactly `n` values. Throws
/// FormatError naming `file` otherwise or when it cannot be read.
template<typename T>
std::vector<T> readArray(hid_t loc, const std::string& name, hid_t memType, std::size_t n, const std::string& file)
{
    Id ds = openDataset(loc, name, file);
    const std::vector<hsize_t> d = dims(ds.get());
    if (d.size() != 1 || d[0] != n)
        throw FormatError(file, "dataset '" + name + "' should hold " + std::to_string(n) + " values");
    std::vector<T> v(n);
    if (n && H5Dread(ds.get(), memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
        throw FormatError(file, "cannot read dataset '" + name + "' (file damaged?)");
    return v;
}

/// Reads a 1-D dataset of `n` variable-length strings. Throws FormatError.
std::vector<std::string> readStrings(hid_t loc, const std::string& name, std::size_t n, const std::string& file);

} // namespace rs::h5
