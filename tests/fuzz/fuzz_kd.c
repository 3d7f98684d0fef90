/* Fuzz harness: the kd .dumpdebug parser, tree and text renderer. */
#include "fuzz_listing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_listing(data, size, "kd");
}
