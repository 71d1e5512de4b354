#include "util/error.h"

namespace rs {

ParameterError::ParameterError(const std::string& parameter, const std::string& problem)
    : Error(parameter + ": " + problem)
    , m_parameter(parameter)
{ }

} // namespace rs
