/* Profiles: what known-good process lineage looks like, learned from dumps.
 *
 * A profile counts, for every lineage key (the chain of case-folded image
 * names from the top of the tree, e.g. "?/wininit.exe/services.exe"), every
 * parent -> child name edge and every image name: in how many dumps it was
 * seen, the range of its instance count per dump, its total, how many
 * instances had exited, the range of thread counts, and the first place it
 * was seen (file and line). It also counts the dumps and the OS builds.
 *
 * Profiles merge associatively and commutatively, and learning from a list
 * of dumps equals merging what was learned from its parts, so a fleet
 * baseline can be learned per host and merged anywhere. The text form is
 * versioned, sorted and holds one fact per line (docs/profiles.md). */
#ifndef LINEAGE_PROFILE_H
#define LINEAGE_PROFILE_H

#include <stddef.h>
#include <stdint.h>
#include <lineage/export.h>
#include <lineage/status.h>
#include <lineage/diag.h>
#include <lineage/session.h>
#include <lineage/dump.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lineage_profile lineage_profile;

/** The version written in the first line of the text form. */
#define LINEAGE_PROFILE_VERSION 1

/** An empty profile (no dumps). Names and keys are interned in `session`,
 * which must outlive the profile. Free with lineage_profile_free. Aborts
 * on OOM. */
LINEAGE_API lineage_profile *lineage_profile_new(lineage_session *session);
/** Frees the profile; NULL is a no-op. */
LINEAGE_API void lineage_profile_free(lineage_profile *profile);

/** Learns one dump (read through the same session): adds its keys, edges,
 * names and build. The dump is only borrowed during the call. Returns
 * LINEAGE_E_LIMIT, leaving the profile unchanged, when a count would pass
 * 2^64 - 1 (see lineage_profile_merge); LINEAGE_E_ARG, unchanged, when an
 * argument is NULL or the dump was read through another session; else
 * LINEAGE_OK. */
LINEAGE_API lineage_status lineage_profile_add_dump(lineage_profile *profile,
                                                    const lineage_dump *dump);

/** Merges `from` into `into` (both of the same session): counts add,
 * ranges widen. Returns LINEAGE_E_ARG when the sessions differ,
 * LINEAGE_E_LIMIT when an added count (dumps, a build's dumps, a fact's
 * dumps or total) would pass 2^64 - 1: counts are never wrapped or capped,
 * and a refused merge leaves `into` unchanged. Else LINEAGE_OK. */
LINEAGE_API lineage_status lineage_profile_merge(lineage_profile *into,
                                                 const lineage_profile *from);
/** As lineage_profile_merge; a refused merge also adds an error to `diags`
 * (when not NULL) naming `name`, where `from` was read, and the count. */
LINEAGE_API lineage_status lineage_profile_merge_from(lineage_profile *into,
                                                      const lineage_profile *from,
                                                      const char *name,
                                                      lineage_diag_list *diags);

/** Number of dumps the profile was learned from. */
LINEAGE_API uint64_t lineage_profile_get_dump_count(const lineage_profile *profile);
/** Number of lineage keys, edges and names it holds. */
LINEAGE_API size_t lineage_profile_key_count(const lineage_profile *profile);
LINEAGE_API size_t lineage_profile_edge_count(const lineage_profile *profile);
LINEAGE_API size_t lineage_profile_name_count(const lineage_profile *profile);

/** The text form (docs/profiles.md), ending in a newline. Equal profiles
 * give equal text. The caller frees the result with free(). */
LINEAGE_API char *lineage_profile_write_text(const lineage_profile *profile);

/** Parses the text form (`len` bytes; `name` is used in diagnostics).
 * Every problem is added to `diags` with its line and column, including a
 * fact or a build seen in more dumps than the profile holds and builds
 * whose dumps add up to more. A leading UTF-8 byte-order mark is skipped;
 * UTF-16 text is refused with one error naming its encoding. On success
 * *out is a new profile to free with lineage_profile_free; on failure
 * (LINEAGE_E_PARSE, or LINEAGE_E_LIMIT past LINEAGE_MAX_PROFILE_FACTS)
 * *out is NULL. */
LINEAGE_API lineage_status lineage_profile_parse(lineage_session *session, const char *name,
                                                 const char *text, size_t len,
                                                 lineage_diag_list *diags,
                                                 lineage_profile **out);

/** Reads and parses a profile file; LINEAGE_E_IO (with a diagnostic) when
 * it cannot be read. Otherwise as lineage_profile_parse. */
LINEAGE_API lineage_status lineage_profile_load(lineage_session *session, const char *path,
                                                lineage_diag_list *diags,
                                                lineage_profile **out);

/** True when the first bytes look like a profile ("lineage-profile "),
 * also after a UTF-8 byte-order mark, and in UTF-16 (with or without its
 * mark), which lineage_profile_parse refuses by name: 34 bytes are enough
 * to tell. */
LINEAGE_API int lineage_profile_sniff(const char *text, size_t len);

/** The profile as a rule file in the lineage rule language: for every
 * image name, the parents it was seen under and its instance counts per
 * dump. The caller frees the result with free(). */
LINEAGE_API char *lineage_profile_emit_rules(const lineage_profile *profile);

#ifdef __cplusplus
}
#endif

#endif
