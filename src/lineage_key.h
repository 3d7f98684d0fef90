/* Lineage keys: the chain of image names from the top of a dump's tree
 * down to a process, used to compare dumps by the shape of their trees
 * instead of by PIDs (which change between boots). */
#ifndef LINEAGE_KEY_H
#define LINEAGE_KEY_H

#include <stddef.h>
#include <lineage/dump.h>
#include <lineage/session.h>

#include "strbuf.h"

/* The keys and edges of one dump, indexed by process index (listing
 * order). key[i] is the chain of process i, e.g.
 * "system/smss.exe" or "?/wininit.exe/services.exe": each name case-folded
 * with cut names resolved, an absent parent written "?", joined by "/".
 * leaf[i] is process i's own folded name and parent[i] the folded name of
 * its parent ("?" when the parent is absent, "(top)" for a top of the
 * listing). Everything is interned in the dump's session, so equal keys
 * are equal pointers. Free with lineage_keys_free. */
typedef struct lineage_keys {
    size_t count;
    const lineage_name **key;
    const lineage_name **leaf;
    const lineage_name **parent;
} lineage_keys;

/* Computes every key of a dump in one iterative preorder walk. Aborts on
 * OOM. Chains deeper than LINEAGE_MAX_KEY_DEPTH keep their top
 * LINEAGE_MAX_KEY_DEPTH names, then "...", then the process's own name. */
lineage_keys *lineage_keys_compute(lineage_session *session, const lineage_dump *dump);
void lineage_keys_free(lineage_keys *keys);

/* The folded component a process contributes to keys. */
const lineage_name *lineage_key_component(const lineage_process *proc);

/* The part of a key after its last "/" (the key itself when it has none). */
const char *lineage_key_last(const lineage_name *key);

/* The text written for an absent parent, for the parent of a top, and
 * for the names left out of a chain deeper than LINEAGE_MAX_KEY_DEPTH. */
#define LINEAGE_KEY_ABSENT "?"
#define LINEAGE_KEY_TOP "(top)"
#define LINEAGE_KEY_ELIDED "..."

/* An image name that is exactly one of those marks is written with its
 * first byte as %XX ("%3F", "%28top)", "%2E.."), so that no name reads as
 * a mark. The escaped spelling of a mark, or NULL for any other text. */
const char *lineage_key_mark_escaped(const char *text, size_t len);
/* The mark an escaped spelling stands for, or NULL for any other text. */
const char *lineage_key_mark_unescaped(const char *text, size_t len);

/* Appends the image name a key component (a leaf, a parent, a name fact)
 * stands for: %25 back to '%', %2F to '/', an escaped mark to the mark.
 * Keys are the only place the escapes belong; sentences and the matrix
 * name the real image name. With `keep_marks`, an escaped mark stays
 * escaped: for a parent column, where a bare "?" or "(top)" is the mark
 * itself. The text is not escaped for display. */
void lineage_key_put_image_name(strbuf *sb, const char *text, size_t len, int keep_marks);

#endif
