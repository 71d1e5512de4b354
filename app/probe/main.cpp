// reionscope-probe: opens one untrusted cube file (HDF5 above all) in a process of its own, with
// memory and time limits, so that a crash or hang of the HDF5 library on a damaged file is
// reported by the CLI or GUI that started it instead of taking them down (core/io/hdf5_guard.h).
#include "io/hdf5_guard.h"

#include <hdf5.h>

#if defined(__SANITIZE_ADDRESS__)
// Under AddressSanitizer a fault in libhdf5 would end in a report and exit status 1, but the
// helper's callers tell a crash by its signal: SEGV and SIGBUS are left to the kernel, as in a
// release build, and an error ASan itself catches (libhdf5's overlapping memcpy on a damaged heap)
// ends with abort(), SIGABRT.
extern "C" const char* __asan_default_options()
{
    return "handle_segv=0:handle_sigbus=0:handle_abort=0:abort_on_error=1";
}
#endif

int main(int argc, char** argv)
{
    H5dont_atexit();
    return rs::h5::runProbeHelper(argc, argv);
}
