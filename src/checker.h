/* The checker's state, shared by its three parts: what it learns about
 * names across dumps (checker.c), how it lays out one dump's processes
 * (checker_group.c) and the conditions themselves (rules_eval.c). The
 * design is described at the top of rules_eval.c. */
#ifndef LINEAGE_CHECKER_H
#define LINEAGE_CHECKER_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "ruleset.h"

/* (key, name) -> verdict, open addressing; keys are patterns or checks. */
typedef struct memo_slot {
    const void *what;
    const lineage_name *name;
    int verdict;
} memo_slot;

typedef struct memo {
    memo_slot *slots;
    size_t cap, used;
} memo;

/* A name's verdict for one pattern. */
enum { V_UNKNOWN = 0, V_NO, V_YES };

#define NO_SLOT UINT32_MAX
/* pparent[] of a process without a listed parent, and of one whose
 * parent pointer is not a process of the dump (never in a tree the dump
 * built; kept safe all the same). */
#define NO_PARENT UINT32_MAX
#define FAR_PARENT (UINT32_MAX - 1)
#define NO_SESSION UINT32_MAX

/* Whether a name knows its slots (see checker_resolve_name). */
enum { SLOTS_UNKNOWN = 0, SLOTS_KNOWN, SLOTS_NEVER };

/* What the checker knows about one name, by id. */
typedef struct name_info {
    const lineage_name *name;
    unsigned char *v; /* one byte per pattern of the set */
    unsigned stamp;   /* the dump in which `group` was given */
    uint32_t group;
    unsigned char slots_state;
    uint32_t nhits;
    uint32_t *hits; /* the slots the name is in, ascending (SLOTS_KNOWN) */
} name_info;

/* A slot: a pattern by which some condition picks its subjects, or a
 * look-alike condition. */
typedef struct slot {
    const rule_pattern *subject;
    const rule_check *lookalike;
} slot;

struct lineage_checker {
    const lineage_ruleset *set;
    unsigned assumed_build; /* for dumps of unknown build, or 0 */
    pcre2_match_data *md;
    const lineage_session *session; /* of the names cached, or NULL */
    unsigned generation;
    arena *mem; /* verdict vectors and slot lists of names */
    uint32_t *ids; /* name pointer -> id + 1, 0 = empty; open addressing */
    size_t ids_cap;
    name_info *names; /* by id */
    size_t nnames, names_cap;
    unsigned stamp; /* counts dumps; never 0 once a dump is grouped */
    memo lookalike; /* (condition, folded full name) -> index or -1/-2 */
    slot *slots;
    size_t nslots;
    uint32_t *pattern_slot; /* by pattern index: its slot, or NO_SLOT */
    uint32_t *check_slot;   /* by check ordinal (rule order): a look-alike's slot */
    uint32_t *hit_buf;      /* nslots, for checker_resolve_name */

    /* Per dump, reused: processes grouped by name. */
    uint32_t *gstart; /* group g is members[gstart[g] .. gstart[g + 1]) */
    uint32_t *gfill;
    uint32_t *gid;       /* its name's id: names[gid[g]] (checker_group_name) */
    unsigned char *gsel; /* zero but inside checker_pick */
    uint32_t *gpick;     /* the groups a condition walks, ascending */
    size_t ngroups, groups_cap;
    /* When slots_ok (every group's name knows its slots): the groups in
     * slot s are slot_groups[slot_start[s] .. slot_start[s + 1]). */
    uint32_t *slot_start, *slot_groups;
    size_t slot_groups_cap;
    int slots_ok;
    uint32_t *pgroup;  /* per process: its group */
    uint32_t *pparent; /* per process: its parent's index, NO_PARENT or FAR_PARENT */
    uint32_t *members; /* process indices, by group, each in listing order */
    size_t procs_cap;
    uint32_t *pick, *spare; /* merged groups, when a condition walks several */
    /* Per process, its process children: kids[kstart[i] .. kstart[i + 1]),
     * when kids_ok (else the tree is walked). */
    uint32_t *kstart, *kids;
    int kids_ok;
    int links; /* the set has parent or children conditions: fill the above */
    int64_t *sessions;      /* distinct sessions in listing order */
    size_t nsessions, sessions_cap;
    uint32_t *psession;     /* per process: its place in sessions, or NO_SESSION */
    size_t psession_cap;
    int sessions_done;
};

/* ---- checker.c: across dumps ---- */

int checker_memo_get(memo *m, const void *what, const lineage_name *name, int *verdict);
void checker_memo_put(memo *m, const void *what, const lineage_name *name, int verdict);
void checker_memo_clear(memo *m);

/* The id of a name, given (verdicts all unknown) on first sight. */
uint32_t checker_name_id(lineage_checker *ck, const lineage_name *name);
/* Drops what was learnt about names when the session or its known-name
 * list is not the one the caches were filled from. */
void checker_sync(lineage_checker *ck, const lineage_session *session);
/* Fills the name's slots (SLOTS_KNOWN), or SLOTS_NEVER. */
void checker_resolve_name(lineage_checker *ck, name_info *ni);
/* The index of the protected name that `name` imitates, -2 when it is a
 * protected name itself, -1 otherwise. */
int checker_lookalike(lineage_checker *ck, const rule_check *c, const lineage_name *name);

/* 1 for a match (a partial one counts), 0 for none, -1 for an error. */
static inline int checker_match_result(int rc)
{
    if (rc >= 0 || rc == PCRE2_ERROR_PARTIAL)
        return 1;
    return rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

/* What a pattern sees of a name: case-insensitive patterns see the folded
 * name; a cut name matches when a longer name starting with it could. */
static inline const lineage_name *checker_subject(const rule_pattern *rp,
                                                  const lineage_name *name, uint32_t *opts)
{
    *opts = lineage_name_is_cut(name) ? PCRE2_PARTIAL_SOFT : 0;
    return rp->case_sensitive ? name : lineage_name_folded(name);
}

/* ---- checker_group.c: one dump ---- */

/* What the checker knows about the name of group g of the dump. */
static inline const name_info *checker_group_name(const lineage_checker *ck, size_t g)
{
    return &ck->names[ck->gid[g]];
}

/* Groups the dump's processes by name (and parents and children when the
 * set has conditions on them) and lists the groups by slot. */
void checker_group_dump(lineage_checker *ck, const lineage_dump *d);
/* The groups in slot k, ascending, in *groups and their number in *n; 0
 * when the dump's groups are not listed by slot. */
int checker_slot_groups(const lineage_checker *ck, uint32_t k, const uint32_t **groups,
                        size_t *n);
/* The processes of the listed groups (ascending), in listing order, and
 * their number in *count. */
const uint32_t *checker_pick(lineage_checker *ck, const uint32_t *sel, size_t nsel,
                             size_t nprocs, size_t *count);
/* The dump's distinct known sessions and each process's place among them
 * (ck->sessions, ck->psession), once per dump. */
void checker_sessions(lineage_checker *ck, const lineage_dump *d);
/* Frees the per-dump arrays (all made by checker_group.c). */
void checker_group_free(lineage_checker *ck);

#endif
