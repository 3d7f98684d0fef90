/* Fuzz harness: decoding, format detection and whichever parser the
 * detection picks. */
#include "fuzz_listing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_listing(data, size, NULL);
}
