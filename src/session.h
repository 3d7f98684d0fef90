/* Internal parts of the session shared with other modules. */
#ifndef LINEAGE_SESSION_INTERNAL_H
#define LINEAGE_SESSION_INTERNAL_H

#include <lineage/session.h>
#include <stddef.h>

/* The built-in list of full Windows (and common application) image names
 * that cut names resolve against: NULL-terminated. */
extern const char *const known_image_names[];

/* ASCII case-insensitive equality of two byte ranges. */
int ascii_equal_fold(const char *a, size_t alen, const char *b, size_t blen);

/* A counter that changes whenever the known-name list does, and with it
 * which names are cut and what they resolve to: caches keyed by names
 * (rules_eval.c) are valid while it stays the same. */
unsigned session_generation(const lineage_session *s);

#endif
