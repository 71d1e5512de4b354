#include "ml/detail/collective.h"

#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO 1 // Debian's libtorch is built with Gloo; the header hides it without this
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <chrono>
#include <cstdlib>

namespace rs::ml::detail {

struct Collective::Group {
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> pg;
};

struct Collective::Bucket {
    std::vector<std::size_t> params;
    torch::Tensor flat; ///< float32, the bucket's gradients back to back
};

Collective::Collective(const DistributedSetup& setup, std::string runDir)
    : m_setup(setup)
    , m_dir(std::move(runDir))
{
    const auto timeout = std::chrono::milliseconds(std::int64_t(setup.timeoutSeconds * 1000));
    m_group = std::make_unique<Group>();
    try {
        c10d::TCPStoreOptions so;
        so.port = std::uint16_t(setup.masterPort);
        so.isServer = setup.rank == 0;
        so.numWorkers = std::size_t(setup.worldSize);
        so.waitWorkers = true;
        so.timeout = timeout;
        m_group->store = c10::make_intrusive<c10d::TCPStore>(setup.masterAddr, so);
        auto opts = c10d::ProcessGroupGloo::Options::create(timeout);
        if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname)
            opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
        else if (setup.masterAddr == "127.0.0.1" || setup.masterAddr == "localhost")
            opts->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
        else
            opts->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
        m_group->pg = c10::make_intrusive<c10d::ProcessGroupGloo>(m_group->store, setup.rank, setup.worldSize, opts);
    } catch (const std::exception& e) {
        fail("could not meet the other ranks at " + setup.masterAddr + ":" + std::to_string(setup.masterPort)
                + " within " + std::to_string(int(setup.timeoutSeconds)) + " s",
            e);
    }
}

Collective::~Collective() = default;

void Collective::fail(const std::string& what, const std::exception& e) const
{
    std::string msg = e.what();
    if (const std::size_t nl = msg.find('\n'); nl != std::string::npos)
        msg.resize(nl); // c10 appends a C++ back trace
    throw DistributedError(m_dir + ": rank " + std::to_string(m_setup.rank) + " of " + std::to_string(m_setup.worldSize)
        + ": " + what + " (c10d: " + msg + ")");
}

void Collective::broadcastParameters(NetBase& net)
{
    try {
        torch::NoGradGuard noGrad;
        for (torch::Tensor p : net.parameters()) {
            std::vector<torch::Tensor> t {p.detach().contiguous()};
            m_group->pg->broadcast(t)->wait();
            p.copy_(t[0]);
        }
    } catch (const DistributedError&) {
        throw;
    } catch (const std::exception& e) {
        fail("the parameter broadcast failed (another rank died?)", e);
    }
}

void Collective::attach(NetBase& net)
{
    std::vector<torch::Tensor> all;
    for (const torch::Tensor& p : net.parameters())
        if (p.requires_grad())
            all.push_back(p);
    m_params.assign(all.rbegin(), all.rend()); // the last layers first, as backward produces them
    m_slot.resize(m_params.size());
    std::int64_t filled = 0;
    for (std::size_t i = 0; i < m_params.size(); ++i) {
        const std::int64_t n = m_params[i].numel();
        if (m_buckets.empty() || (filled > 0 && std::size_t(filled + n) * sizeof(float) > m_setup.bucketBytes)) {
            m_buckets.push_back(std::make_unique<Bucket>());
            filled = 0;
        }
        m_buckets.back()->params.push_back(i);
        m_slot[i] = {m_buckets.size() - 1, filled};
        filled += n;
    }
    for (auto& b : m_buckets) {
        std::int64_t n = 0;
        for (std::size_t i : b->params)
            n += m_params[i].numel();
        b->flat = torch::zeros({n}, torch::kFloat32);
    }
}

void Collective::finishGradients()
{
    torch::NoGradGuard noGrad;
    // Each bucket's sum starts as soon as its gradients are copied in, so copying the next bucket
    // overlaps the previous bucket's transfer; every rank starts them in the same order.
    std::vector<c10::intrusive_ptr<c10d::Work>> work;
    try {
        for (auto& b : m_buckets) {
            for (std::size_t i : b->params) {
                const torch::Tensor& g = m_params[i].grad();
                torch::Tensor slot = b->flat.narrow(0, m_slot[i].second, m_params[i].numel());
                if (g.defined())
                    slot.copy_(g.reshape({-1}));
                else
                    slot.zero_(); // no gradient this step (no samples on this rank, an unused parameter)
            }
            std::vector<torch::Tensor> t {b->flat};
            work.push_back(m_group->pg->allreduce(t));
        }
        for (auto& w : work)
            w->wait();
    } catch (const std::exception& e) {
        fail("a gradient sum failed: another rank died or stopped answering", e);
    }
    for (auto& b : m_buckets)
        for (std::size_t i : b->params) {
            torch::Tensor& p = m_params[i];
            const torch::Tensor src = b->flat.narrow(0, m_slot[i].second, p.numel()).view(p.sizes());
            if (!p.grad().defined())
                p.mutable_grad() = torch::zeros_like(p);
            p.mutable_grad().copy_(src);
        }
}

std::vector<double> Collective::sum(const std::vector<double>& values)
{
    torch::Tensor t = torch::tensor(values, torch::kFloat64);
    try {
        std::vector<torch::Tensor> v {t};
        m_group->pg->allreduce(v)->wait();
    } catch (const std::exception& e) {
        fail("a step total failed: another rank died or stopped answering", e);
    }
    const double* d = t.data_ptr<double>();
    return std::vector<double>(d, d + values.size());
}

void Collective::barrier()
{
    sum({0.0});
}

} // namespace rs::ml::detail
