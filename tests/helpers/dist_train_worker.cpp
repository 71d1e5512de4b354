// One rank of a data-parallel training run for tst_ml_distributed: reads the torchrun variables
// (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT) like `reionscope-cli train` does, trains a tiny run
// and exits 0 (finished), 130 (stopped) or 1 with the error on stderr.
//   dist_train_worker DATASET RUN MODEL BATCH MAX_BATCHES EPOCHS [OPTIMIZER LR]
#include "ml/distributed.h"
#include "ml/ml_setup.h"
#include "ml/run_config.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {
rs::StopToken& stopToken()
{
    static rs::StopToken token;
    return token;
}
extern "C" void onTerm(int)
{
    stopToken().requestStop();
}
} // namespace

int main(int argc, char** argv)
{
    if (argc != 7 && argc != 9) {
        std::fprintf(stderr, "usage: dist_train_worker DATASET RUN MODEL BATCH MAX_BATCHES EPOCHS [OPTIMIZER LR]\n");
        return 2;
    }
    rs::ml::configureAllocatorForTraining();
    std::signal(SIGTERM, onTerm);
    try {
        rs::ml::RunConfig c;
        c.model = rs::ml::modelFromName(argv[3]);
        c.target = c.model == rs::ml::ModelKind::Autoencoder ? rs::ml::Target::None : rs::ml::Target::Z;
        c.task = rs::ml::defaultTask(c.model, c.target);
        c.datasetPath = argv[1];
        c.batch = std::size_t(std::atoi(argv[4]));
        c.maxBatchesPerEpoch = std::size_t(std::atoi(argv[5]));
        c.epochs = std::atoi(argv[6]);
        c.threads = 1;
        c.historyEvery = 1;
        c.optimizer.lr = argc == 9 ? std::atof(argv[8]) : 3e-3;
        if (argc == 9)
            c.optimizer.name = argv[7];
        c.device = "cpu";
        const rs::ml::DistributedSetup setup
            = rs::ml::distributedFromEnvironment().value_or(rs::ml::DistributedSetup {});
        const rs::ml::TrainResult r = rs::ml::trainDistributed(argv[2], c, setup, {}, stopToken());
        std::printf("%s\n", r.message.c_str());
        return r.status == rs::ml::TrainStatus::Finished ? 0 : 130;
    } catch (const rs::Error& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
