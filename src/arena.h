/* A page-based bump allocator. Each dump owns one and frees it whole.
 * Pages never move, so pointers into the arena stay valid until
 * arena_free; there is no per-object free. */
#ifndef LINEAGE_ARENA_H
#define LINEAGE_ARENA_H

#include <stddef.h>

typedef struct arena arena;

arena *arena_new(void);
void arena_free(arena *a);
/* Zeroed, aligned for any type. Aborts on OOM. */
void *arena_alloc(arena *a, size_t size);
/* `len` bytes of s and a NUL; s may be NULL when len is 0. */
char *arena_strndup(arena *a, const char *s, size_t len);

#endif
