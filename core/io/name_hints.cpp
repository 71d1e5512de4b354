#include "io/name_hints.h"

#include "io/classic_name.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace rs {

NameHints hintsFromFileName(const std::string& stem)
{
    NameHints h;
    std::string lower = stem;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower.find("delta_t") != std::string::npos || lower.find("dtb") != std::string::npos
        || lower.find("brightness") != std::string::npos || lower.find("tb") == 0)
        h.quantity = Quantity::BrightnessTemperature;
    else if (lower.find("xh") != std::string::npos || lower.find("neutral") != std::string::npos
        || lower.find("x_hi") != std::string::npos)
        h.quantity = Quantity::NeutralFraction;
    else if (lower.find("density") != std::string::npos || lower.find("deltax") != std::string::npos)
        h.quantity = Quantity::Density;
    // Tokens like "z8.5" and "300Mpc".
    std::size_t start = 0;
    while (start < lower.size()) {
        std::size_t end = lower.find_first_of("_-", start);
        if (end == std::string::npos)
            end = lower.size();
        const std::string tok = lower.substr(start, end - start);
        char* stop = nullptr;
        if (tok.size() > 1 && tok[0] == 'z' && (std::isdigit(static_cast<unsigned char>(tok[1])))) {
            const double z = std::strtod(tok.c_str() + 1, &stop);
            if (*stop == '\0')
                h.redshift = z;
        } else if (tok.size() > 3 && tok.compare(tok.size() - 3, 3, "mpc") == 0) {
            const std::string num = tok.substr(0, tok.size() - 3);
            const double l = std::strtod(num.c_str(), &stop);
            if (*stop == '\0' && l > 0)
                h.boxMpc = l;
        }
        start = end + 1;
    }
    // A whole classic name (a raw box saved with numpy) also carries ζ, nf, ...
    if (auto classic = parseClassicName(stem)) {
        h.quantity = classic->quantity;
        h.parameters = classic->parameters;
        if (classic->redshift)
            h.redshift = classic->redshift;
        if (classic->boxMpc)
            h.boxMpc = classic->boxMpc;
    }
    return h;
}

} // namespace rs
