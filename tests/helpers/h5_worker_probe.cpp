// Test helper for tst_formats: opens HDF5 on the main thread, then probes a file on a worker
// thread, then exits, so the test can read what HDF5 prints while the process shuts down.
#include "io/cube_loader.h"
#include "util/error.h"

#include <hdf5.h>

#include <cstdio>
#include <thread>

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: h5_worker_probe FILE\n");
        return 2;
    }
    H5open(); // the library is initialised on the main thread, as in the GUI
    std::thread worker([path = std::string(argv[1])] {
        try {
            rs::probeFile(path);
        } catch (const rs::Error&) { }
    });
    worker.join();
    return 0;
}
