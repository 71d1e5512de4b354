// reionscope-probe: opens one untrusted cube file (HDF5 above all) in a process of its own, with
// memory and time limits, so that a crash or hang of the HDF5 library on a damaged file is
// reported by the CLI or GUI that started it instead of taking them down (core/io/hdf5_guard.h).
#include "io/hdf5_guard.h"

#include <hdf5.h>

int main(int argc, char** argv)
{
    H5dont_atexit();
    return rs::h5::runProbeHelper(argc, argv);
}
