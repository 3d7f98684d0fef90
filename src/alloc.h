/* Allocation wrappers: every allocation in lineage goes through these.
 * Running out of memory prints one message and aborts (as cmark and jq
 * do): there is no useful recovery in a command-line analysis tool, and
 * checking every small allocation would hide the real error paths. */
#ifndef LINEAGE_ALLOC_H
#define LINEAGE_ALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Grows an array to hold at least `need` elements of `size` bytes,
 * doubling; updates *cap. Aborts on overflow. */
void *xgrow(void *ptr, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
