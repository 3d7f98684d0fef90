/* Fuzz harness template for one listing format: built once per format
 * with FUZZ_FORMAT set to the format's name (see lineage_fuzzer in
 * CMakeLists.txt), so a new parser needs one line there, a seed corpus
 * and a dictionary, and no code. */
#include "fuzz_listing.h"

#ifndef FUZZ_FORMAT
#error "FUZZ_FORMAT must name a listing format, e.g. -DFUZZ_FORMAT=\"vol3\""
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_listing(data, size, FUZZ_FORMAT);
}
