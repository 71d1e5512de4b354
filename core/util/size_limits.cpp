#include "util/size_limits.h"

#include "util/error.h"

#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <sys/resource.h>
#include <unistd.h>

namespace rs {

namespace {
std::atomic<std::uint64_t> g_budgetOverride {0};
}

std::optional<std::uint64_t> checkedMul(std::uint64_t a, std::uint64_t b)
{
    std::uint64_t out = 0;
    if (__builtin_mul_overflow(a, b, &out))
        return std::nullopt;
    return out;
}

std::optional<std::uint64_t> checkedProduct(std::initializer_list<std::uint64_t> factors)
{
    std::uint64_t p = 1;
    for (std::uint64_t f : factors) {
        const auto next = checkedMul(p, f);
        if (!next)
            return std::nullopt;
        p = *next;
    }
    return p;
}

std::optional<std::uint64_t> parseByteSize(const std::string& text)
{
    if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0])))
        return std::nullopt;
    char* end = nullptr;
    const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
    std::uint64_t scale = 1;
    const std::string unit(end);
    if (unit == "K" || unit == "k")
        scale = 1ULL << 10;
    else if (unit == "M" || unit == "m")
        scale = 1ULL << 20;
    else if (unit == "G" || unit == "g")
        scale = 1ULL << 30;
    else if (unit == "T" || unit == "t")
        scale = 1ULL << 40;
    else if (!unit.empty())
        return std::nullopt;
    const auto bytes = checkedMul(v, scale);
    if (!bytes || *bytes == 0)
        return std::nullopt;
    return bytes;
}

std::uint64_t memoryBudgetBytes()
{
    if (const std::uint64_t o = g_budgetOverride.load())
        return o;
    if (const char* env = std::getenv("REIONSCOPE_MEMORY_BUDGET"))
        if (auto v = parseByteSize(env))
            return *v;
    const long pages = ::sysconf(_SC_PHYS_PAGES), pageSize = ::sysconf(_SC_PAGESIZE);
    std::uint64_t budget
        = pages > 0 && pageSize > 0 ? std::uint64_t(pages) * std::uint64_t(pageSize) : (std::uint64_t(1) << 34);
    rlimit as {};
    if (::getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY && std::uint64_t(as.rlim_cur) < budget)
        budget = std::uint64_t(as.rlim_cur);
    return budget;
}

void setMemoryBudgetBytes(std::uint64_t bytes)
{
    g_budgetOverride.store(bytes);
}

std::string formatBytes(std::uint64_t bytes)
{
    static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = double(bytes);
    int u = 0;
    while (v >= 1024 && u < 6) {
        v /= 1024;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.3g %s", v, units[u]);
    return buf;
}

void checkMemoryBudget(const std::string& path, const std::string& what, std::uint64_t bytes)
{
    const std::uint64_t budget = memoryBudgetBytes();
    if (bytes > budget)
        throw FormatError(path,
            what + " needs " + formatBytes(bytes) + " of memory, more than the budget of " + formatBytes(budget)
                + " (set REIONSCOPE_MEMORY_BUDGET to change it)");
}

std::uint64_t checkedArrayBytes(const std::string& path, const std::string& what,
    std::initializer_list<std::uint64_t> dims, std::uint64_t elementBytes)
{
    std::string shape;
    for (std::uint64_t d : dims)
        shape += (shape.empty() ? "" : " x ") + std::to_string(d);
    std::optional<std::uint64_t> bytes = checkedProduct(dims);
    if (bytes)
        bytes = checkedMul(*bytes, elementBytes);
    if (!bytes)
        throw FormatError(path,
            what + " declares an impossible size (" + shape + " elements of " + std::to_string(elementBytes)
                + " bytes overflow 64 bits)");
    checkMemoryBudget(path, what + " (" + shape + ")", *bytes);
    return *bytes;
}

} // namespace rs
