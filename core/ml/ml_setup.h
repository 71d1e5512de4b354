#pragma once
/// \file ml_setup.h
/// Process and thread set-up for training and inference (allocator, compute threads, device).
/// No LibTorch in this header.

#include <string>

namespace rs::ml {

/// Keeps large activations in the heap instead of mapping and unmapping them every batch
/// (glibc: no mmap for big blocks, no trimming, and one arena, so worker threads' blocks stay too).
/// Measured 4× faster convolution training here; 2-3× faster Generator view redraws at 200².
/// Call once at start-up in every main that trains or predicts, before other threads start.
void configureAllocatorForTraining();

/// Sets LibTorch's intra-op thread count for the calling thread (per thread in this build: call it
/// at the start of each training or inference thread) and flushes denormal floats to zero on it
/// (threads it starts inherit that): denormal arithmetic made dense-layer training 3-5× slower
/// here. Throws ParameterError for threads < 1.
void setComputeThreads(int threads);

/// Whether LibTorch was built with CUDA and a GPU is present.
bool cudaAvailable();

/// The device a request ("auto", "cpu", "cuda") resolves to: "cuda" or "cpu". Throws
/// ParameterError("device", ...) for an unknown name or "cuda" without a usable GPU.
std::string resolveDevice(const std::string& requested);

} // namespace rs::ml
