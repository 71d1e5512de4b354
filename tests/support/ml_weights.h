#pragma once
// Reading a run's trained weights back for tests that compare runs weight by weight.

#include <string>
#include <vector>

namespace fixtures {

/// The trainable weights stored in the run's last checkpoint (checkpoints/last.pt), flattened in
/// registration order. Throws what loadCheckpoint throws.
std::vector<float> checkpointWeights(const std::string& run);

} // namespace fixtures
