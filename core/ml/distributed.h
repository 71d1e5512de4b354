#pragma once
/// \file distributed.h
/// Data-parallel training on LibTorch's own c10d (ProcessGroupGloo over TCP; rendezvous through a
/// c10d TCPStore on MASTER_ADDR:MASTER_PORT). Every rank trains a replica on its share of each
/// global batch (DistributedSampler semantics: the global order of an epoch is the same for every
/// world size, rank r takes every world-size-th sample of each global batch from position r);
/// gradients are summed in buckets while backward runs, so W ranks take exactly the step one rank
/// takes on the whole global batch. Rank 0 writes history, checkpoints and metrics; stop and pause
/// requests of any rank are agreed at every step so all ranks stop or pause together; a rank that
/// dies or hangs ends the others within the collective timeout with a DistributedError (rank 0
/// saves a checkpoint at the last completed step first), never a hang. Positions are counted in
/// global batches, so a run resumes with any world size. No LibTorch in this header.

#include "ml/trainer.h"
#include "util/error.h"

#include <optional>
#include <string>
#include <vector>

namespace rs::ml {

/// Where this process stands in a distributed job.
struct DistributedSetup {
    int rank = 0;
    int worldSize = 1;
    int localRank = 0;
    std::string masterAddr = "127.0.0.1";
    int masterPort = 29500;
    double timeoutSeconds = 120; ///< rendezvous and every collective
    std::size_t bucketBytes = 8u << 20; ///< gradient bucket size (the last bucket may be smaller)
    std::string source = "single"; ///< "single", "torchrun" (RANK/WORLD_SIZE), "slurm", "--nproc"
    bool active() const { return worldSize > 1; }
};

/// Reads torchrun's RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT; when RANK and
/// WORLD_SIZE are absent, Slurm's SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID (MASTER_ADDR is then
/// required unless SLURM_NNODES is 1). REIONSCOPE_DIST_TIMEOUT (seconds) sets the collective
/// timeout. Returns nullopt when neither set of variables is present. Throws ParameterError
/// naming the variable for malformed or inconsistent values.
std::optional<DistributedSetup> distributedFromEnvironment();

/// Trains like train() as one rank of `setup` (train() when setup is not active). Throws what
/// train() throws, and DistributedError when the ranks cannot meet or one of them fails.
TrainResult trainDistributed(const std::string& runDir, const RunConfig& config, const DistributedSetup& setup,
    const TrainCallback& onProgress = {}, const StopToken& stop = {}, const PauseToken& pause = {});

/// The ranks could not rendezvous, or a collective failed or timed out (a rank died or hangs).
/// The message names the run folder, this rank and what c10d reported.
class DistributedError : public Error {
public:
    using Error::Error;
};

/// A free TCP port on 127.0.0.1 (for local launches). Throws IoError when none can be bound.
int freeLocalPort();

/// Starts `nproc` copies of this executable with `args` (argv without argv[0]) and the torchrun
/// variables set (RANK, LOCAL_RANK, WORLD_SIZE = nproc, MASTER_ADDR = 127.0.0.1, a free
/// MASTER_PORT), forwards SIGINT/SIGTERM to them and waits for all. Returns 0 when all exit 0,
/// else the first failing rank's exit code (128 + signal for a killed rank), after printing which
/// rank failed on stderr. The ranks' standard output goes to `stdoutPath` when one is given
/// (appended). Throws IoError when a process cannot be started.
int launchLocalRanks(int nproc, const std::vector<std::string>& args, const std::string& stdoutPath = {});

} // namespace rs::ml
