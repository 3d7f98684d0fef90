/* Internal parts of the session shared with other modules. */
#ifndef LINEAGE_SESSION_INTERNAL_H
#define LINEAGE_SESSION_INTERNAL_H

#include <lineage/session.h>
#include <stddef.h>
#include <stdint.h>

/* The built-in list of full Windows (and common application) image names
 * that cut names resolve against: NULL-terminated. */
extern const char *const known_image_names[];

/* ASCII case-insensitive equality of two byte ranges. */
int ascii_equal_fold(const char *a, size_t alen, const char *b, size_t blen);

/* A counter that changes whenever the known-name list does, and with it
 * which names are cut and what they resolve to: caches keyed by names
 * (rules_eval.c) are valid while it stays the same. */
unsigned session_generation(const lineage_session *s);

/* The hash names are interned by: 64-bit FNV-1a over their bytes, started
 * from a value drawn at random for each session (session_hash_init), so
 * that names crafted to collide cannot turn the intern table's probes
 * quadratic; nothing visible depends on where a name lands in the table,
 * so output stays the same from run to run. It is a running hash: the hash
 * of a text that extends another (a lineage key and its parent's key)
 * continues from the shorter text's hash instead of starting over:
 * hash(a ++ b) = session_hash_extend(hash(a), b), hash("") = the start. */
uint64_t session_hash_init(const lineage_session *s);

static inline uint64_t session_hash_extend(uint64_t h, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

/* lineage_session_intern for a caller that already has the text's hash,
 * session_hash_extend(session_hash_init(s), text, len). A wrong hash would
 * intern a second copy of the name: debug builds check it. */
const lineage_name *session_intern_hashed(lineage_session *s, const char *text, size_t len,
                                          uint64_t hash);

#endif
