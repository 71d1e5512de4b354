#include "ml/ionizing_budget.h"

#include "sim/cosmology.h"
#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

namespace rs::ml {

double logIonizingBudget(double z, double zeta)
{
    if (!std::isfinite(z) || z < 0)
        throw ParameterError("z", "the ionizing budget needs a finite redshift z >= 0");
    if (!std::isfinite(zeta) || !(zeta > 0))
        throw ParameterError("zeta", "the ionizing budget needs a positive zeta");
    // f_ST takes a 4000-point integral; batches ask for the same few redshifts again and again.
    static const SimulationParams params;
    static const LinearCosmology cosmology(params.cosmology);
    static std::mutex mutex;
    static std::map<double, double> fcollOfZ;
    double fcoll = 0;
    {
        std::lock_guard<std::mutex> lock(mutex);
        auto it = fcollOfZ.find(z);
        if (it == fcollOfZ.end()) {
            if (fcollOfZ.size() > 4096) // a live slider over z: keep the cache small
                fcollOfZ.clear();
            it = fcollOfZ.emplace(z, cosmology.collapsedFractionST(params.minimumMass(z), z)).first;
        }
        fcoll = it->second;
    }
    return std::log(zeta * std::max(fcoll, 1e-300));
}

} // namespace rs::ml
