#include "util/error.h"

namespace rs {

IoError::IoError(const std::string& path, const std::string& problem)
    : Error(path + ": " + problem), m_path(path)
{
}

FormatError::FormatError(const std::string& path, const std::string& problem)
    : Error(path + ": " + problem), m_path(path)
{
}

ParameterError::ParameterError(const std::string& parameter, const std::string& problem)
    : Error(parameter + ": " + problem), m_parameter(parameter)
{
}

} // namespace rs
