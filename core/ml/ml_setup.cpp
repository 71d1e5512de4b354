#include "ml/ml_setup.h"

#include "util/error.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include <malloc.h>

namespace rs::ml {

void configureAllocatorForTraining()
{
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    // One arena for every thread: a worker thread's own arena lives in mmap'd sub-heaps that glibc
    // unmaps whenever one falls empty, whatever the two settings above say, so each job on it
    // faulted its tensors in afresh (the Generator view's 9 maps of 200²: 140-220 ms per redraw,
    // 55-65 ms with one arena). Small blocks stay in each thread's cache without the arena's lock.
    mallopt(M_ARENA_MAX, 1);
}

void setComputeThreads(int threads)
{
    if (threads < 1)
        throw ParameterError("threads", "must be at least 1");
    at::globalContext().setFlushDenormal(true);
    at::set_num_threads(threads);
}

bool cudaAvailable()
{
    return torch::cuda::is_available();
}

std::string resolveDevice(const std::string& requested)
{
    if (requested == "cpu")
        return "cpu";
    if (requested == "cuda") {
        if (!cudaAvailable())
            throw ParameterError("device", "cuda requested but this LibTorch has no CUDA or no GPU is present");
        return "cuda";
    }
    if (requested == "auto" || requested.empty())
        return cudaAvailable() ? "cuda" : "cpu";
    throw ParameterError("device", "'" + requested + "' is not one of auto, cpu, cuda");
}

} // namespace rs::ml
