/* Profile internals shared by profile.c, diff.c and matrix.c. */
#ifndef LINEAGE_PROFILE_INTERNAL_H
#define LINEAGE_PROFILE_INTERNAL_H

#include <stdint.h>
#include <lineage/profile.h>

#include "lineage_key.h"

/* One fact: a key (a = key, b = NULL), an edge (a = child name, b =
 * parent name) or a name (a = name, b = NULL). */
typedef struct profile_fact {
    const lineage_name *a;
    const lineage_name *b;
    uint64_t dumps;                    /* dumps it was seen in */
    uint64_t count_min, count_max;     /* instances per dump, over those dumps */
    uint64_t total;                    /* instances over all dumps */
    uint64_t exited;                   /* instances without live threads */
    uint64_t threads_min, threads_max; /* LINEAGE_UNKNOWN when never known */
    const lineage_name *at_source;     /* first place seen: smallest (source, line) */
    unsigned long at_line;
} profile_fact;

typedef struct fact_set {
    profile_fact *items;
    size_t n, cap;
    size_t *slots; /* open addressing: index + 1, 0 = empty */
    size_t nslots;
} fact_set;

typedef struct profile_build {
    unsigned build;
    uint64_t dumps;
} profile_build;

struct lineage_profile {
    lineage_session *session;
    uint64_t dumps;
    profile_build *builds;
    size_t nbuilds, builds_cap;
    fact_set keys, edges, names;
};

/* The fact for (a, b), or NULL. */
const profile_fact *fact_find(const fact_set *set, const lineage_name *a, const lineage_name *b);
/* The fact for (a, b), added empty when new (*added = 1). The pointer is
 * valid until the next addition. */
profile_fact *fact_get(fact_set *set, const lineage_name *a, const lineage_name *b, int *added);
void fact_set_free(fact_set *set);
/* Indices of the set's facts in text order (caller frees). */
size_t *fact_order(const fact_set *set);

/* The fact sets profile_learn_one fills. */
enum { PROFILE_KEYS = 1, PROFILE_EDGES = 2, PROFILE_NAMES = 4, PROFILE_ALL = 7 };

/* Learns one dump into `one`, a new (empty) profile of the dump's
 * session, from the dump's keys (lineage_keys_compute): the one-dump
 * profile that lineage_profile_add_dump merges, with only the fact sets in
 * `sets` filled. Diff and the matrix use it to compute the keys once and
 * to skip the sets they do not read. */
void profile_learn_one(lineage_profile *one, const lineage_dump *dump, const lineage_keys *keys,
                       unsigned sets);

/* True for the protected system process names (folded). */
int profile_is_protected(const char *folded_name);

#endif
