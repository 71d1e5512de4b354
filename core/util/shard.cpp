#include "util/shard.h"

#include "util/error.h"

#include <cerrno>
#include <cstdlib>

namespace rs {

namespace {

bool parseCount(const std::string& s, std::size_t& out)
{
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 9)
        return false;
    out = std::size_t(std::strtoull(s.c_str(), nullptr, 10));
    return true;
}

} // namespace

Shard parseShard(const std::string& text)
{
    const std::size_t slash = text.find('/');
    Shard s;
    if (slash == std::string::npos || !parseCount(text.substr(0, slash), s.index)
        || !parseCount(text.substr(slash + 1), s.count))
        throw ParameterError("shard", "'" + text + "' is not I/N (shard I of N, 0-based, e.g. 0/4)");
    if (s.count < 1 || s.index >= s.count)
        throw ParameterError("shard",
            "'" + text + "': I must be in 0.." + (s.count ? std::to_string(s.count - 1) : "N-1") + " and N at least 1");
    return s;
}

} // namespace rs
