#pragma once
/// \file collective.h
/// PRIVATE to core/ml (includes LibTorch and c10d): one rank's end of a c10d process group (Gloo
/// over TCP) with what data-parallel training needs: a parameter broadcast, bucketed gradient
/// sums, and a small all-reduce of per-step numbers (loss sums, stop and pause flags). Every c10d
/// failure (a dead peer, a timeout) becomes a DistributedError naming the run folder and the rank.
///
/// The bucket sums start after backward, one bucket after the other, each as soon as its
/// gradients are copied in (so copies overlap transfers). Starting them from tensor hooks while
/// backward runs was tried: with LibTorch 1.13's C++ hooks on leaf parameters the ranks' weights
/// left the one-rank trajectory after the first step, so it is not done.

#include "ml/detail/nets.h"
#include "ml/distributed.h"

#include <memory>
#include <string>
#include <vector>

namespace rs::ml::detail {

class Collective {
public:
    /// Rendezvous through a TCPStore on setup.masterAddr:masterPort (rank 0 hosts it) and creates
    /// the Gloo process group. Throws DistributedError when the ranks do not all arrive within
    /// setup.timeoutSeconds.
    Collective(const DistributedSetup& setup, std::string runDir);
    ~Collective();
    Collective(const Collective&) = delete;
    Collective& operator=(const Collective&) = delete;

    int rank() const { return m_setup.rank; }
    int worldSize() const { return m_setup.worldSize; }

    /// Copies rank 0's parameters into every rank's network.
    void broadcastParameters(NetBase& net);
    /// Buckets the trainable parameters (reverse registration order, bucketBytes each).
    void attach(NetBase& net);
    /// Call after backward (also when this rank had no samples: missing gradients count as zero):
    /// sums every bucket over the ranks and writes the sums into the parameters' gradients.
    void finishGradients();
    /// Element-wise sum over ranks.
    std::vector<double> sum(const std::vector<double>& values);
    /// Returns when every rank has called it.
    void barrier();

private:
    struct Bucket;
    [[noreturn]] void fail(const std::string& what, const std::exception& e) const;

    DistributedSetup m_setup;
    std::string m_dir;
    struct Group;
    std::unique_ptr<Group> m_group;
    std::vector<torch::Tensor> m_params;
    std::vector<std::pair<std::size_t, std::int64_t>> m_slot; ///< per parameter: bucket, offset
    std::vector<std::unique_ptr<Bucket>> m_buckets;
};

} // namespace rs::ml::detail
