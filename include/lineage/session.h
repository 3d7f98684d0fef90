/* A session: what several dumps read together share.
 *
 * The session owns the interned image names, so the same name in two dumps
 * is the same pointer, and the list of known full image names that cut
 * (14-character) names are resolved against. A session is not thread-safe;
 * dumps read through it must be freed before it. */
#ifndef LINEAGE_SESSION_H
#define LINEAGE_SESSION_H

#include <stddef.h>
#include <lineage/export.h>
#include <lineage/status.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lineage_session lineage_session;
/** An interned image name, owned by its session. Two names that compare
 * equal byte for byte are the same pointer. */
typedef struct lineage_name lineage_name;

/** A new session that knows the built-in list of Windows image names.
 * Free with lineage_session_free. Aborts on OOM. */
LINEAGE_API lineage_session *lineage_session_new(void);
/** Frees the session and every name it interned; NULL is a no-op. */
LINEAGE_API void lineage_session_free(lineage_session *session);

/** Adds a full image name (e.g. from a rule file) that cut names may
 * resolve to. Names the session already knows are ignored. */
LINEAGE_API void lineage_session_add_known_name(lineage_session *session,
                                                const char *name, size_t len);

/** Interns `len` bytes (not NUL-terminated; may hold any byte; `text`
 * may be NULL when `len` is 0, the empty name). */
LINEAGE_API const lineage_name *lineage_session_intern(lineage_session *session,
                                                      const char *text, size_t len);

/** The name as printed (NUL-terminated; may hold invalid UTF-8). */
LINEAGE_API const char *lineage_name_text(const lineage_name *name);
LINEAGE_API size_t lineage_name_length(const lineage_name *name);
/** The ASCII case-folded form. Names that differ only in ASCII case share
 * one folded name, so folded pointers compare case-insensitively. */
LINEAGE_API const lineage_name *lineage_name_folded(const lineage_name *name);
/** True when the name is as long as the kernel's ImageFileName field shows
 * (LINEAGE_IMAGE_NAME_VISIBLE characters) and is not a known full name nor
 * ends in ".exe": the kernel may have cut it. */
LINEAGE_API int lineage_name_is_cut(const lineage_name *name);
/** The full name a cut name stands for, when exactly one known name
 * extends it or its extension is a cut ".exe"; NULL otherwise and for names
 * that are not cut. */
LINEAGE_API const lineage_name *lineage_name_resolved(const lineage_name *name);
/** The resolved name when there is one, else the name itself. */
LINEAGE_API const lineage_name *lineage_name_full(const lineage_name *name);

/** Number of characters the kernel's ImageFileName shows (15 bytes + NUL
 * in the EPROCESS, of which kd prints 14). */
#define LINEAGE_IMAGE_NAME_VISIBLE 14

#ifdef __cplusplus
}
#endif

#endif
