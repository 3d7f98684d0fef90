/* Parsing the timestamps listing formats print into microseconds since
 * 1970-01-01 UTC (the model's time unit). */
#ifndef LINEAGE_TIMESTAMP_H
#define LINEAGE_TIMESTAMP_H

#include <stddef.h>
#include <stdint.h>

/* Accepts "YYYY-MM-DD HH:MM:SS", a 'T' instead of the blank, an optional
 * fraction of up to 9 digits (kept to microseconds), and an optional zone:
 * " UTC", " UTC+0000", "Z", "+00:00", "+0000", "-05:00" (applied). Blanks
 * around are ignored. Returns 1 and sets *out on success, 0 when the text
 * is not such a timestamp or is out of range (years 1601-9999). */
int timestamp_parse(const char *s, size_t len, uint64_t *out);

/* Writes "YYYY-MM-DD HH:MM:SS[.ffffff] UTC" (fraction only when non-zero)
 * into buf (at least 32 bytes). */
void timestamp_format(uint64_t us, char *buf, size_t size);

#endif
