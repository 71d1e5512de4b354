#include "util/progress.h"

#include "util/error.h"

namespace rs {

void StopToken::throwIfStopped() const
{
    if (stopRequested())
        throw CancelledError();
}

ProgressFn subProgress(const ProgressFn& parent, double begin, double end)
{
    if (!parent)
        return {};
    return [parent, begin, end](double f, const std::string& stage) { parent(begin + (end - begin) * f, stage); };
}

} // namespace rs
