#include "io/power_spectrum_file.h"

#include "io/classic_name.h"
#include "util/error.h"
#include "util/file_util.h"

#include <filesystem>
#include <sstream>

namespace rs {

bool isClassicPowerSpectrumName(const std::string& fileName)
{
    return fileName.rfind("ps_z", 0) == 0 && fileName.find("Mpc") != std::string::npos;
}

PowerSpectrumFile readClassicPowerSpectrum(const std::string& path)
{
    const std::string name = std::filesystem::path(path).filename().string();
    if (!isClassicPowerSpectrumName(name))
        throw FormatError(path, "not a classic 21cmFAST power-spectrum file name (ps_z..._Mpc)");
    const std::uint64_t size = regularFileSize(path);
    if (size > (64u << 20))
        throw FormatError(path, "too large for a power-spectrum text file");
    PowerSpectrumFile ps;
    ps.path = path;
    // Reuse the classic token parser on the part after "ps_" (it knows z, nf, useTs, aveTb, N, L).
    if (auto parsed = parseClassicName("delta_T_" + name.substr(3))) {
        ps.redshift = parsed->redshift;
        ps.parameters = parsed->parameters;
        if (parsed->n)
            ps.parameters[param::dim] = std::int64_t(*parsed->n);
        if (parsed->boxMpc)
            ps.parameters[param::boxLen] = *parsed->boxMpc;
    }
    std::string text = readHead(path, std::size_t(size));
    std::istringstream in(text);
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (line.find_first_not_of(" \t\r") == std::string::npos || line[line.find_first_not_of(" \t")] == '#')
            continue;
        std::istringstream ls(line);
        double k, d2, err;
        if (!(ls >> k >> d2 >> err))
            throw FormatError(path, "line " + std::to_string(lineNo) + " is not three numbers (k, Δ², error)");
        ps.k.push_back(k);
        ps.delta2.push_back(d2);
        ps.error.push_back(err);
    }
    if (ps.k.empty())
        throw FormatError(path, "power-spectrum file holds no rows");
    return ps;
}

} // namespace rs
