#include "ml/labels.h"

#include "util/error.h"

#include <limits>

namespace rs::ml {

const char* splitName(Split s)
{
    switch (s) {
    case Split::Train:
        return "train";
    case Split::Validation:
        return "val";
    case Split::Test:
        return "test";
    }
    return "?";
}

const char* targetName(Target t)
{
    switch (t) {
    case Target::None:
        return "none";
    case Target::Z:
        return "z";
    case Target::Zeta:
        return "zeta";
    case Target::Fesc:
        return "fesc";
    case Target::Nf:
        return "nf";
    case Target::NfCube:
        return "nf_cube";
    }
    return "none";
}

Target targetFromName(std::string_view name)
{
    for (Target t : {Target::None, Target::Z, Target::Zeta, Target::Fesc, Target::Nf, Target::NfCube})
        if (name == targetName(t))
            return t;
    if (name == "f_esc")
        return Target::Fesc;
    throw ParameterError("target", "'" + std::string(name) + "' is not one of z, zeta, fesc, nf, nf_cube");
}

double labelValue(const SampleLabels& l, Target t)
{
    switch (t) {
    case Target::Z:
        return l.z;
    case Target::Zeta:
        return l.zeta;
    case Target::Fesc:
        return l.fesc;
    case Target::Nf:
        return l.nfSlice;
    case Target::NfCube:
        return l.nfCube;
    case Target::None:
        break;
    }
    return std::numeric_limits<double>::quiet_NaN();
}

const char* taskName(Task t)
{
    switch (t) {
    case Task::Reconstruct:
        return "reconstruct";
    case Task::Classify:
        return "classify";
    case Task::Regress:
        return "regress";
    case Task::Translate:
        return "translate";
    case Task::Generate:
        return "generate";
    }
    return "?";
}

Task taskFromName(std::string_view name)
{
    for (Task t : {Task::Reconstruct, Task::Classify, Task::Regress, Task::Translate, Task::Generate})
        if (name == taskName(t))
            return t;
    throw ParameterError("task", "'" + std::string(name) + "' is not one of classify, regress, reconstruct");
}

} // namespace rs::ml
