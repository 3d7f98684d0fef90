/* Small UTF-8 helpers: validating one sequence and encoding a code point. */
#ifndef LINEAGE_UTF8_H
#define LINEAGE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length (2-4) of the valid multi-byte UTF-8 sequence starting at s, or 0
 * when the bytes there are not one (overlongs and surrogates are invalid). */
size_t utf8_valid_prefix(const char *s, size_t len);
/* Writes the UTF-8 form of code point cp (invalid ones become U+FFFD) to
 * out, which must hold 4 bytes; returns the byte count. */
size_t utf8_encode(uint32_t cp, char *out);

#endif
