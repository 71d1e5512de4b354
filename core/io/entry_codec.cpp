#include "io/entry_codec.h"

#include "util/error.h"

#include <bit>
#include <cstdint>
#include <stdexcept>

namespace rs::h5::detail {

namespace {

/// Numbers as decimal digits ended by ';', doubles as the number of their bits, strings as their
/// length then their bytes: nothing is rounded or escaped.
class Writer {
public:
    void u64(std::uint64_t v) { m_out += std::to_string(v) + ';'; }
    void f64(double v) { u64(std::bit_cast<std::uint64_t>(v)); }
    void str(const std::string& s)
    {
        u64(s.size());
        m_out += s;
    }
    void f64s(const std::vector<double>& v)
    {
        u64(v.size());
        for (double x : v)
            f64(x);
    }
    std::string take() { return std::move(m_out); }

private:
    std::string m_out;
};

class Reader {
public:
    explicit Reader(const std::string& bytes)
        : m_in(bytes)
    { }
    std::uint64_t u64()
    {
        std::uint64_t v = 0;
        std::size_t digits = 0;
        for (; m_pos < m_in.size() && m_in[m_pos] != ';'; ++m_pos, ++digits) {
            const char c = m_in[m_pos];
            const std::uint64_t d = std::uint64_t(c - '0');
            if (c < '0' || c > '9' || v > (UINT64_MAX - d) / 10)
                throw std::runtime_error("bad number");
            v = v * 10 + d;
        }
        if (m_pos == m_in.size() || digits == 0)
            throw std::runtime_error("truncated");
        ++m_pos;
        return v;
    }
    double f64() { return std::bit_cast<double>(u64()); }
    std::uint64_t below(std::uint64_t limit)
    {
        const std::uint64_t v = u64();
        if (v >= limit)
            throw std::runtime_error("value out of range");
        return v;
    }
    /// A count of items that each take at least 2 bytes: no more than the bytes left allow.
    std::size_t count() { return std::size_t(below((m_in.size() - m_pos) / 2 + 1)); }
    std::string str()
    {
        const std::uint64_t n = u64();
        if (n > m_in.size() - m_pos)
            throw std::runtime_error("truncated string");
        std::string s = m_in.substr(m_pos, std::size_t(n));
        m_pos += std::size_t(n);
        return s;
    }
    std::vector<double> f64s()
    {
        std::vector<double> v(count());
        for (double& x : v)
            x = f64();
        return v;
    }
    bool done() const { return m_pos == m_in.size(); }

private:
    const std::string& m_in;
    std::size_t m_pos = 0;
};

void putValue(Writer& w, const ParamValue& v)
{
    w.u64(v.index());
    if (const bool* b = std::get_if<bool>(&v))
        w.u64(*b ? 1 : 0);
    else if (const std::int64_t* i = std::get_if<std::int64_t>(&v))
        w.u64(std::uint64_t(*i));
    else if (const double* d = std::get_if<double>(&v))
        w.f64(*d);
    else
        w.str(std::get<std::string>(v));
}

ParamValue getValue(Reader& r)
{
    switch (r.below(4)) {
    case 0:
        return r.below(2) == 1;
    case 1:
        return std::int64_t(r.u64());
    case 2:
        return r.f64();
    default:
        return r.str();
    }
}

void putEntry(Writer& w, const CubeEntry& e)
{
    w.u64(std::uint64_t(e.format));
    w.str(e.dataset);
    w.u64(std::uint64_t(e.quantity));
    w.u64(e.redshift ? 1 : 0);
    if (e.redshift)
        w.f64(*e.redshift);
    w.u64(std::uint64_t(e.kind));
    w.u64(e.lightcone ? 1 : 0);
    if (e.lightcone) {
        w.f64s(e.lightcone->redshifts);
        w.f64s(e.lightcone->distances);
        w.f64s(e.lightcone->nodeRedshifts);
        w.u64(e.lightcone->globals.size());
        for (const auto& [name, values] : e.lightcone->globals) {
            w.str(name);
            w.f64s(values);
        }
    }
    w.u64(e.itemCount);
    for (int a = 0; a < 3; ++a)
        w.u64(e.shape[a]);
    for (int a = 0; a < 3; ++a)
        w.f64(e.box[a]);
    w.u64(e.parameters.size());
    for (const auto& [key, value] : e.parameters) {
        w.str(key);
        putValue(w, value);
    }
    w.u64(e.primary ? 1 : 0);
}

CubeEntry getEntry(Reader& r)
{
    CubeEntry e;
    e.format = FileFormat(r.below(std::uint64_t(FileFormat::Unknown) + 1));
    e.dataset = r.str();
    e.quantity = Quantity(r.below(std::uint64_t(Quantity::ElectronFraction) + 1));
    if (r.below(2))
        e.redshift = r.f64();
    e.kind = FieldKind(r.below(std::uint64_t(FieldKind::HaloCatalog) + 1));
    if (r.below(2)) {
        auto axis = std::make_shared<LightconeAxis>();
        axis->redshifts = r.f64s();
        axis->distances = r.f64s();
        axis->nodeRedshifts = r.f64s();
        for (std::size_t n = r.count(); n > 0; --n) {
            std::string name = r.str();
            axis->globals[std::move(name)] = r.f64s();
        }
        e.lightcone = std::move(axis);
    }
    e.itemCount = std::size_t(r.u64());
    for (int a = 0; a < 3; ++a)
        e.shape[a] = std::size_t(r.u64());
    for (int a = 0; a < 3; ++a)
        e.box[a] = r.f64();
    for (std::size_t n = r.count(); n > 0; --n) {
        std::string key = r.str();
        e.parameters[std::move(key)] = getValue(r);
    }
    e.primary = r.below(2) == 1;
    return e;
}

} // namespace

std::string encodeListing(const Listing& listing)
{
    Writer w;
    w.u64(listing.entries.size());
    for (const CubeEntry& e : listing.entries)
        putEntry(w, e);
    w.u64(listing.plain.size());
    for (const auto& [dataset, pieces] : listing.plain) {
        w.str(dataset);
        w.u64(pieces.size());
        for (const PlainPiece& p : pieces) {
            w.u64(p.fileOffset);
            w.u64(p.cubeOffset);
            w.u64(p.bytes);
        }
    }
    w.u64(listing.packed.size());
    for (const auto& [dataset, p] : listing.packed) {
        w.str(dataset);
        for (std::uint64_t d : p.dims)
            w.u64(d);
        w.u64(p.chunk0);
        w.u64((p.shuffle ? 1 : 0) | (p.lzf ? 2 : 0));
        w.u64(p.chunks.size());
        for (const PackedChunks::Chunk& c : p.chunks) {
            w.u64(c.fileOffset);
            w.u64(c.bytes);
            w.u64(c.mask);
        }
    }
    return w.take();
}

Listing decodeListing(const std::string& bytes, const std::string& path)
{
    try {
        Reader r(bytes);
        Listing listing;
        listing.entries.resize(r.count());
        for (CubeEntry& e : listing.entries) {
            e = getEntry(r);
            e.path = path;
        }
        for (std::size_t n = r.count(); n > 0; --n) {
            std::string dataset = r.str();
            std::vector<PlainPiece> pieces(r.count());
            for (PlainPiece& p : pieces) {
                p.fileOffset = r.u64();
                p.cubeOffset = r.u64();
                p.bytes = r.u64();
            }
            listing.plain[std::move(dataset)] = std::move(pieces);
        }
        for (std::size_t n = r.count(); n > 0; --n) {
            std::string dataset = r.str();
            PackedChunks p;
            for (std::uint64_t& d : p.dims)
                d = r.u64();
            p.chunk0 = r.u64();
            const std::uint64_t flags = r.below(4);
            p.shuffle = flags & 1;
            p.lzf = flags & 2;
            p.chunks.resize(r.count());
            for (PackedChunks::Chunk& c : p.chunks) {
                c.fileOffset = r.u64();
                c.bytes = r.u64();
                c.mask = unsigned(r.below(std::uint64_t(1) << 32));
            }
            listing.packed[std::move(dataset)] = std::move(p);
        }
        if (!r.done())
            throw std::runtime_error("trailing bytes");
        return listing;
    } catch (const std::runtime_error& e) {
        throw FormatError(path, std::string("the HDF5 checker's answer is unreadable (") + e.what() + ")");
    }
}

} // namespace rs::h5::detail
