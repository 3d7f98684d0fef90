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

#endif
