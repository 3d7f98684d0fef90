/* Checking a dump against a compiled rule set.
 *
 * The rule set is immutable; everything that changes during a check lives
 * in a checker (lineage_checker), one per thread, which keeps across dumps
 * what it has learnt about names:
 *
 * - a small id per interned name, given on first sight through a table
 *   keyed by the name's pointer (names are interned per session and live as
 *   long as it, so a pointer is a name), and per id a verdict vector, one
 *   byte per pattern of the set (unknown, no, yes), filled the first time a
 *   condition asks. A name that occurs in ten thousand dumps is matched by
 *   PCRE2 once per pattern, not once per dump;
 * - a memo of look-alike verdicts per (condition, folded full name);
 * - per name, its slots: a slot is a pattern by which some condition picks
 *   the processes it looks at, or a look-alike condition. A name learns
 *   its slots the first time a dump has it.
 *
 * Per dump, the processes are grouped by name in one pass: each process
 * gets its group (the name's id maps to a group through a per-id stamp, so
 * nothing is cleared between dumps), and a counting sort lays the groups
 * out in one flat array, each in listing order; another lists the groups
 * by slot. A condition then walks only the groups in its slot, so its cost
 * is the processes it looks at, not the dump's distinct names: one group
 * is a slice of the flat array as it is; several are merged back into
 * listing order. Findings come out in rule order, then listing order, as
 * they always have. A dump costs two passes over its processes plus one
 * over its groups' slots.
 *
 * The caches are dropped when the session's known-name list changes
 * (which names are cut depends on it). A pattern that stops on a PCRE2
 * limit is not cached across dumps, so each dump reports it again; a name
 * it stopped on never learns its slots, and a dump that holds such a name
 * has each condition test every group, as all dumps once did. Walks over
 * the tree are loops over parent/child links, never recursion. */
#include "ruleset.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "limits.h"
#include "model.h"
#include "session.h"
#include "strbuf.h"

typedef struct memo_slot {
    const void *what;
    const lineage_name *name;
    int verdict;
} memo_slot;

typedef struct memo {
    memo_slot *slots;
    size_t cap, used;
} memo;

enum { V_UNKNOWN = 0, V_NO, V_YES };

#define NO_SLOT UINT32_MAX

/* Whether a name knows its slots (see resolve_name). */
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
    pcre2_match_data *md;
    const lineage_session *session; /* of the names cached, or NULL */
    unsigned generation;
    arena *mem; /* verdict vectors */
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
    uint32_t *hit_buf;      /* nslots, for resolve_name */

    /* Per dump, reused: processes grouped by name. */
    const lineage_name **gname;
    unsigned char **gvec;
    uint32_t *gstart; /* group g is members[gstart[g] .. gstart[g + 1]) */
    uint32_t *gfill;
    uint32_t *gid;       /* the name's id */
    unsigned char *gsel; /* zero but inside pick_listed */
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

typedef struct eval {
    lineage_checker *ck;
    const lineage_ruleset *set;
    const lineage_dump *dump;
    lineage_findings *out;
    lineage_diag_list *diags;
    size_t check_ordinal; /* of the condition being checked, in rule order */
    memo errs; /* (pattern, name) pairs that stopped on a limit, this dump */
    strbuf chain;
    strbuf text;
    lineage_status status;
} eval;

/* ---- memo --------------------------------------------------------------- */

static size_t memo_hash(const void *what, const lineage_name *name, size_t mask)
{
    uint64_t h = (uint64_t)(uintptr_t)what * 0x9e3779b97f4a7c15u;
    h ^= (uint64_t)(uintptr_t)name + 0x7f4a7c15u + (h << 6) + (h >> 2);
    h *= 0xff51afd7ed558ccdu;
    return (size_t)(h ^ (h >> 33)) & mask;
}

static memo_slot *memo_find(memo *m, const void *what, const lineage_name *name)
{
    size_t mask = m->cap - 1;
    size_t i = memo_hash(what, name, mask);
    while (m->slots[i].what && !(m->slots[i].what == what && m->slots[i].name == name))
        i = (i + 1) & mask;
    return &m->slots[i];
}

static void memo_put(memo *m, const void *what, const lineage_name *name, int verdict)
{
    if ((m->used + 1) * 2 > m->cap) {
        memo_slot *old = m->slots;
        size_t old_cap = m->cap;
        m->cap = old_cap ? old_cap * 2 : 1024;
        m->slots = xcalloc(m->cap, sizeof *m->slots);
        for (size_t i = 0; i < old_cap; i++)
            if (old[i].what)
                *memo_find(m, old[i].what, old[i].name) = old[i];
        free(old);
    }
    memo_slot *s = memo_find(m, what, name);
    if (!s->what)
        m->used++;
    s->what = what;
    s->name = name;
    s->verdict = verdict;
}

static int memo_get(memo *m, const void *what, const lineage_name *name, int *verdict)
{
    if (!m->cap)
        return 0;
    memo_slot *s = memo_find(m, what, name);
    if (!s->what)
        return 0;
    *verdict = s->verdict;
    return 1;
}

static void memo_clear(memo *m)
{
    free(m->slots);
    memset(m, 0, sizeof *m);
}

/* ---- names --------------------------------------------------------------- */

/* Names are interned, so the table is keyed by pointer: an input cannot
 * choose where its names' pointers land, and probes stay short. */
static size_t ptr_hash(const void *p, size_t mask)
{
    uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15u;
    return (size_t)(h ^ (h >> 29)) & mask;
}

static uint32_t *id_slot(lineage_checker *ck, const lineage_name *name)
{
    size_t mask = ck->ids_cap - 1;
    size_t i = ptr_hash(name, mask);
    while (ck->ids[i] && ck->names[ck->ids[i] - 1].name != name)
        i = (i + 1) & mask;
    return &ck->ids[i];
}

/* The id of a name, given (verdicts all unknown) on first sight. */
static uint32_t name_id(lineage_checker *ck, const lineage_name *name)
{
    if (ck->ids_cap) {
        uint32_t id = *id_slot(ck, name);
        if (id)
            return id - 1;
    }
    if ((ck->nnames + 1) * 2 > ck->ids_cap) {
        free(ck->ids);
        ck->ids_cap = ck->ids_cap ? ck->ids_cap * 2 : 256;
        ck->ids = xcalloc(ck->ids_cap, sizeof *ck->ids);
        for (size_t k = 0; k < ck->nnames; k++)
            *id_slot(ck, ck->names[k].name) = (uint32_t)k + 1;
    }
    ck->names = xgrow(ck->names, &ck->names_cap, ck->nnames + 1, sizeof *ck->names);
    name_info *ni = &ck->names[ck->nnames];
    size_t n = ck->set->npatterns ? ck->set->npatterns : 1;
    ni->name = name;
    ni->v = arena_alloc(ck->mem, n);
    memset(ni->v, V_UNKNOWN, n);
    ni->stamp = 0;
    ni->group = 0;
    ni->slots_state = SLOTS_UNKNOWN;
    ni->nhits = 0;
    ni->hits = NULL;
    *id_slot(ck, name) = (uint32_t)++ck->nnames;
    return (uint32_t)(ck->nnames - 1);
}

/* Drops what was learnt about names when the dump's session or its
 * known-name list is not the one the caches were filled from. */
static void checker_sync(lineage_checker *ck, const lineage_session *session)
{
    unsigned gen = session_generation(session);
    if (ck->session == session && ck->generation == gen)
        return;
    arena_free(ck->mem);
    ck->mem = arena_new();
    free(ck->ids);
    ck->ids = NULL;
    ck->ids_cap = ck->nnames = 0;
    memo_clear(&ck->lookalike);
    ck->session = session;
    ck->generation = gen;
}

/* ---- matching ----------------------------------------------------------- */

/* 1 for a match (a partial one counts), 0 for none, -1 for an error. */
static int match_result(int rc)
{
    if (rc >= 0 || rc == PCRE2_ERROR_PARTIAL)
        return 1;
    return rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

/* Runs one pattern; a limit or other match error is reported against the
 * rule and counts as no match (-1 instead of 0). */
static int run(eval *e, const lineage_rule *r, const rule_pattern *rp, const char *subject,
               size_t len, uint32_t opts)
{
    int rc = pcre2_match(rp->code, (PCRE2_SPTR)subject, len, 0, opts, e->ck->md, e->set->mctx);
    int m = match_result(rc);
    if (m >= 0)
        return m;
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(rc, msg, sizeof msg);
    strbuf sb = STRBUF_INIT;
    strbuf_add_escaped(&sb, subject, len > 80 ? 80 : len);
    lineage_diag_add(e->diags, LINEAGE_ERROR, rp->file, rp->line, rp->col, rp->line_text,
                     rp->line_len, "rule '%s': pattern stopped on '%s%s': %s", r->id,
                     sb.data ? sb.data : "", len > 80 ? "..." : "", (const char *)msg);
    strbuf_release(&sb);
    e->status = LINEAGE_E_LIMIT;
    return -1;
}

/* What a pattern sees of a name: case-insensitive patterns see the folded
 * name; a cut name matches when a longer name starting with it could. */
static const lineage_name *name_subject(const rule_pattern *rp, const lineage_name *name,
                                        uint32_t *opts)
{
    *opts = lineage_name_is_cut(name) ? PCRE2_PARTIAL_SOFT : 0;
    return rp->case_sensitive ? name : lineage_name_folded(name);
}

/* Whether a process name matches, given its verdict vector. Errors are
 * remembered for this dump only, so every dump reports them. */
static int match_vec(eval *e, const lineage_rule *r, const rule_pattern *rp,
                     const lineage_name *name, unsigned char *vec)
{
    unsigned char v = vec[rp->index];
    if (v != V_UNKNOWN)
        return v == V_YES;
    int m;
    if (memo_get(&e->errs, rp, name, &m))
        return m;
    uint32_t opts;
    const lineage_name *key = name_subject(rp, name, &opts);
    m = run(e, r, rp, lineage_name_text(key), lineage_name_length(key), opts);
    if (m < 0) {
        memo_put(&e->errs, rp, name, 0);
        return 0;
    }
    vec[rp->index] = m ? V_YES : V_NO;
    return m;
}

/* match_vec without a dump: an error is not reported but returned (-1),
 * for the condition to report in each dump. */
static int match_vec_quiet(lineage_checker *ck, const rule_pattern *rp, const lineage_name *name,
                           unsigned char *vec)
{
    unsigned char v = vec[rp->index];
    if (v != V_UNKNOWN)
        return v == V_YES;
    uint32_t opts;
    const lineage_name *key = name_subject(rp, name, &opts);
    int m = match_result(pcre2_match(rp->code, (PCRE2_SPTR)lineage_name_text(key),
                                     lineage_name_length(key), 0, opts, ck->md, ck->set->mctx));
    if (m >= 0)
        vec[rp->index] = m ? V_YES : V_NO;
    return m;
}

/* The look-alike verdict of a name: the index of the protected name it
 * imitates, -2 when it is a protected name itself, -1 otherwise. */
static int lookalike_verdict(lineage_checker *ck, const rule_check *c,
                             const lineage_name *name)
{
    const lineage_name *full = lineage_name_folded(lineage_name_full(name));
    int v;
    if (memo_get(&ck->lookalike, c, full, &v))
        return v;
    v = -1;
    const char *s = lineage_name_text(full);
    size_t len = lineage_name_length(full);
    int cut = lineage_name_is_cut(full);
    for (size_t k = 0; k < c->nnames && v != -2; k++)
        if (strlen(c->names[k]) == len && memcmp(c->names[k], s, len) == 0)
            v = -2; /* a protected name itself */
    for (size_t k = 0; k < c->nnames && v == -1; k++) {
        size_t plen = strlen(c->names[k]);
        /* A cut name is compared with as much of the name as it shows. */
        if (cut && plen > len)
            plen = len;
        if (cut && plen == len && memcmp(c->names[k], s, len) == 0)
            continue;
        if (lookalike_distance(s, len, c->names[k], plen, c->number) <= c->number)
            v = (int)k;
    }
    memo_put(&ck->lookalike, c, full, v);
    return v;
}

/* Whether a process's name matches: through its group's vector when the
 * process is the dump's (it always is; the test keeps a stray pointer from
 * reading out of bounds), which saves a probe per parent or child. */
static int match_proc(eval *e, const lineage_rule *r, const rule_pattern *rp,
                      const lineage_process *p)
{
    lineage_checker *ck = e->ck;
    size_t i = p->index;
    if (i < e->dump->nprocs && e->dump->procs[i] == p) {
        uint32_t g = ck->pgroup[i];
        return match_vec(e, r, rp, ck->gname[g], ck->gvec[g]);
    }
    uint32_t id = name_id(ck, p->name);
    return match_vec(e, r, rp, p->name, ck->names[id].v);
}

/* The chain of names from the top down to `proc`, folded, cut names
 * resolved, absent parents as "?", in e->chain. */
static void build_chain(eval *e, const lineage_process *proc)
{
    const lineage_node *stack[LINEAGE_MAX_ANCESTRY_DEPTH];
    size_t n = 0;
    const lineage_node *node = &proc->node;
    int cut = 0;
    while (node && node->kind != LINEAGE_NODE_ROOT) {
        if (n == LINEAGE_MAX_ANCESTRY_DEPTH) {
            cut = 1;
            break;
        }
        stack[n++] = node;
        node = node->parent;
    }
    e->chain.len = 0;
    strbuf_add(&e->chain, "", 0);
    if (cut)
        strbuf_add(&e->chain, ".../", 4);
    while (n) {
        const lineage_node *x = stack[--n];
        if (x->kind == LINEAGE_NODE_ABSENT) {
            strbuf_putc(&e->chain, '?');
        } else {
            const lineage_name *f = lineage_name_folded(lineage_name_full(x->process->name));
            strbuf_add(&e->chain, lineage_name_text(f), lineage_name_length(f));
        }
        if (n)
            strbuf_putc(&e->chain, '/');
    }
}

static void add_finding(eval *e, const lineage_rule *r, const lineage_process *proc,
                        const char *expected)
{
    if (proc)
        build_chain(e, proc);
    findings_add(e->out, r, e->dump, proc, proc ? e->chain.data : "", expected);
    if (!proc)
        return;
    const lineage_ruleset *set = e->set;
    for (size_t i = 0; i < set->ndirs; i++) {
        const rule_directive *d = &set->dirs[i];
        if (d->kind == DIR_SUPPRESS && d->rule == r &&
            run(e, r, d->pattern, e->chain.data, e->chain.len, 0) > 0) {
            findings_suppress_last(e->out, d->reason);
            break;
        }
    }
}

/* ---- grouping by name ---------------------------------------------------- */

/* Room for twice as many groups in every per-group array. */
static void grow_groups(lineage_checker *ck)
{
    size_t cap = ck->groups_cap ? ck->groups_cap * 2 : 64;
    ck->gname = xrealloc(ck->gname, cap * sizeof *ck->gname);
    ck->gvec = xrealloc(ck->gvec, cap * sizeof *ck->gvec);
    ck->gstart = xrealloc(ck->gstart, (cap + 1) * sizeof *ck->gstart);
    ck->gfill = xrealloc(ck->gfill, cap * sizeof *ck->gfill);
    ck->gid = xrealloc(ck->gid, cap * sizeof *ck->gid);
    ck->gpick = xrealloc(ck->gpick, cap * sizeof *ck->gpick);
    free(ck->gsel);
    ck->gsel = xcalloc(cap, sizeof *ck->gsel);
    ck->groups_cap = cap;
}

/* A name learns once which slots it is in, the first time a dump has it:
 * every condition of the set tests it then, most of them against a
 * cached verdict. A pattern that stops on a PCRE2 limit here is not
 * reported (the condition reports it, in each dump it runs in) and the
 * name never knows its slots. */
static void resolve_name(lineage_checker *ck, name_info *ni)
{
    uint32_t *hit = ck->hit_buf;
    uint32_t nhits = 0;
    ni->slots_state = SLOTS_NEVER;
    for (size_t k = 0; k < ck->nslots; k++) {
        const slot *sl = &ck->slots[k];
        int m = sl->subject ? match_vec_quiet(ck, sl->subject, ni->name, ni->v)
                            : lookalike_verdict(ck, sl->lookalike, ni->name) >= 0;
        if (m < 0)
            return;
        if (m)
            hit[nhits++] = (uint32_t)k;
    }
    ni->hits = nhits ? arena_alloc(ck->mem, nhits * sizeof *ni->hits) : NULL;
    if (nhits)
        memcpy(ni->hits, hit, nhits * sizeof *ni->hits);
    ni->nhits = nhits;
    ni->slots_state = SLOTS_KNOWN;
}

/* The dump's groups listed by slot, in group order, when every group's
 * name knows its slots (slots_ok); a counting sort over the hits. */
static void list_slots(lineage_checker *ck)
{
    ck->slots_ok = 0;
    size_t total = 0;
    for (size_t g = 0; g < ck->ngroups; g++) {
        const name_info *ni = &ck->names[ck->gid[g]];
        if (ni->slots_state != SLOTS_KNOWN)
            return;
        total += ni->nhits;
    }
    if (total > ck->slot_groups_cap) {
        free(ck->slot_groups);
        ck->slot_groups = xmalloc(total * sizeof *ck->slot_groups);
        ck->slot_groups_cap = total;
    }
    uint32_t *start = ck->slot_start;
    memset(start, 0, (ck->nslots + 1) * sizeof *start);
    for (size_t g = 0; g < ck->ngroups; g++) {
        const name_info *ni = &ck->names[ck->gid[g]];
        for (uint32_t h = 0; h < ni->nhits; h++)
            start[ni->hits[h] + 1]++;
    }
    for (size_t k = 0; k < ck->nslots; k++)
        start[k + 1] += start[k];
    /* Placing moves each start to the next one's; shifted back after. */
    for (size_t g = 0; g < ck->ngroups; g++) {
        const name_info *ni = &ck->names[ck->gid[g]];
        for (uint32_t h = 0; h < ni->nhits; h++)
            ck->slot_groups[start[ni->hits[h]]++] = (uint32_t)g;
    }
    for (size_t k = ck->nslots; k > 0; k--)
        start[k] = start[k - 1];
    start[0] = 0;
    ck->slots_ok = 1;
}

/* The index of a process of the dump, or FAR_PARENT for a pointer that is
 * not one (never in a tree the dump built; kept safe all the same). */
#define NO_PARENT UINT32_MAX
#define FAR_PARENT (UINT32_MAX - 1)

static uint32_t index_of(const lineage_dump *d, const lineage_process *p)
{
    return p->index < d->nprocs && d->procs[p->index] == p ? (uint32_t)p->index : FAR_PARENT;
}

/* The arrays sized by the largest dump seen so far (procs_cap). */
static void free_process_arrays(lineage_checker *ck)
{
    free(ck->pgroup);
    free(ck->members);
    free(ck->pick);
    free(ck->spare);
    free(ck->pparent);
    free(ck->kstart);
    free(ck->kids);
}

/* Groups the dump's processes by name, groups numbered in the order their
 * names first appear: per process its group, and the members of each group
 * in listing order, one group after the other, by a counting sort. A name
 * learns its group for this dump through its stamp, so no table is
 * cleared per dump. Listings repeat a name on consecutive lines
 * (svchost.exe), so the previous line's name is tried first.
 *
 * When the set has parent or children conditions, the same pass notes
 * each process's parent and lays out each process's process children in
 * kids[], like the groups. The tree keeps children in listing order
 * (lineage/tree.h), so each slice is its parent's child list in order
 * (debug builds check it against the tree).
 * Conditions then read these compact arrays instead of visiting parents
 * and children (a cache miss each, 240-byte processes) once per condition;
 * this one pass is the only one that touches every process. */
static void group_dump(lineage_checker *ck, const lineage_dump *d)
{
    size_t n = d->nprocs;
    if (n >= ck->procs_cap) { /* room for one more: kstart has n + 1 */
        free_process_arrays(ck);
        size_t cap = n + 1;
        ck->pgroup = xmalloc(cap * sizeof *ck->pgroup);
        ck->pparent = xmalloc(cap * sizeof *ck->pparent);
        ck->kstart = xmalloc(cap * sizeof *ck->kstart);
        ck->kids = xmalloc(cap * sizeof *ck->kids);
        ck->members = xmalloc(cap * sizeof *ck->members);
        ck->pick = xmalloc(cap * sizeof *ck->pick);
        ck->spare = xmalloc(cap * sizeof *ck->spare);
        ck->procs_cap = cap;
    }
    if (++ck->stamp == 0) {
        /* Wrapped after 2^32 dumps: no stamp may look current. */
        for (size_t k = 0; k < ck->nnames; k++)
            ck->names[k].stamp = 0;
        ck->stamp = 1;
    }
    ck->ngroups = 0;
    ck->sessions_done = 0;
    ck->kids_ok = ck->links;
    if (ck->links)
        memset(ck->kstart, 0, (n + 1) * sizeof *ck->kstart);
    const lineage_name *last = NULL;
    uint32_t g = 0;
    for (size_t i = 0; i < n; i++) {
        const lineage_process *p = d->procs[i];
        const lineage_name *name = p->name;
        if (i == 0 || name != last) {
            uint32_t id = name_id(ck, name);
            name_info *ni = &ck->names[id];
            if (ni->stamp != ck->stamp) {
                if (ck->ngroups == ck->groups_cap)
                    grow_groups(ck);
                ni->stamp = ck->stamp;
                ni->group = (uint32_t)ck->ngroups;
                ck->gname[ck->ngroups] = name;
                ck->gvec[ck->ngroups] = ni->v;
                ck->gid[ck->ngroups] = id;
                ck->gfill[ck->ngroups] = 0;
                ck->ngroups++;
                if (ni->slots_state == SLOTS_UNKNOWN)
                    resolve_name(ck, ni);
            }
            g = ni->group;
            last = name;
        }
        ck->pgroup[i] = g;
        ck->gfill[g]++;
        if (!ck->links)
            continue;
        /* A process hangs under a process node exactly when it has a
         * listed parent, and then under that parent (lineage/tree.h), so
         * its node need not be read. */
        uint32_t pi = p->parent ? index_of(d, p->parent) : NO_PARENT;
        ck->pparent[i] = pi;
        if (pi == FAR_PARENT)
            ck->kids_ok = 0;
        else if (pi != NO_PARENT)
            ck->kstart[pi + 1]++;
    }
    uint32_t at = 0;
    for (size_t k = 0; k < ck->ngroups; k++) {
        ck->gstart[k] = at;
        at += ck->gfill[k];
        ck->gfill[k] = ck->gstart[k];
    }
    if (ck->groups_cap)
        ck->gstart[ck->ngroups] = at;
    for (size_t i = 0; i < n; i++)
        ck->members[ck->gfill[ck->pgroup[i]]++] = (uint32_t)i;
    list_slots(ck);
    if (!ck->kids_ok)
        return;
    for (size_t j = 0; j < n; j++)
        ck->kstart[j + 1] += ck->kstart[j];
    /* Placing moves each start to the next one's; shifted back after. */
    for (size_t i = 0; i < n; i++)
        if (ck->pparent[i] != NO_PARENT)
            ck->kids[ck->kstart[ck->pparent[i]]++] = (uint32_t)i;
    for (size_t j = n; j > 0; j--)
        ck->kstart[j] = ck->kstart[j - 1];
    ck->kstart[0] = 0;
#ifndef NDEBUG
    /* Debug builds check the listing-order promise the slices rely on. */
    for (size_t j = 0; j < n; j++) {
        uint32_t k = ck->kstart[j];
        for (const lineage_node *kid = d->procs[j]->node.first_child; kid; kid = kid->next)
            if (kid->kind == LINEAGE_NODE_PROCESS) {
                assert(k < ck->kstart[j + 1] && ck->kids[k] == kid->process->index);
                k++;
            }
        assert(k == ck->kstart[j + 1]);
    }
#endif
}

/* Sorts process indices (distinct, below 2^32) ascending: insertion sort
 * for a few, else a least-significant-digit radix sort, 11 bits a pass,
 * O(n) and deterministic whatever the input. */
static void sort_indices(lineage_checker *ck, uint32_t *a, size_t n)
{
    if (n < 32) {
        for (size_t i = 1; i < n; i++) {
            uint32_t x = a[i];
            size_t j = i;
            while (j && a[j - 1] > x) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = x;
        }
        return;
    }
    uint32_t max = 0;
    for (size_t i = 0; i < n; i++)
        if (a[i] > max)
            max = a[i];
    uint32_t *src = a, *dst = ck->spare;
    for (unsigned shift = 0; shift < 32 && (max >> shift); shift += 11) {
        size_t count[2049] = {0};
        for (size_t i = 0; i < n; i++)
            count[((src[i] >> shift) & 2047) + 1]++;
        for (size_t k = 1; k < 2049; k++)
            count[k] += count[k - 1];
        for (size_t i = 0; i < n; i++)
            dst[count[(src[i] >> shift) & 2047]++] = src[i];
        uint32_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * sizeof *a);
}

/* Groups merged by comparing heads, at most this many at a time. */
enum { MERGE_WAYS = 8 };

/* The processes of the listed groups (ascending, `nsel` of them), in
 * listing order, and their number in *count. One group is its slice of
 * ck->members as it is (the common case: most conditions name one
 * image). Several are merged into ck->pick in the cheapest of three
 * linear ways: comparing the heads of a few groups that hold few
 * processes; picking out of the whole listing by group when they hold a
 * good part of it; else a radix sort. */
static const uint32_t *pick_listed(lineage_checker *ck, const uint32_t *sel, size_t nsel,
                                   size_t nprocs, size_t *count)
{
    size_t total = 0;
    for (size_t k = 0; k < nsel; k++)
        total += ck->gstart[sel[k] + 1] - ck->gstart[sel[k]];
    *count = total;
    if (nsel == 0)
        return ck->members;
    if (nsel == 1)
        return ck->members + ck->gstart[sel[0]];
    uint32_t *out = ck->pick;
    if (nsel <= MERGE_WAYS && total * nsel <= nprocs) {
        size_t cur[MERGE_WAYS], end[MERGE_WAYS];
        for (size_t j = 0; j < nsel; j++) {
            cur[j] = ck->gstart[sel[j]];
            end[j] = ck->gstart[sel[j] + 1];
        }
        for (size_t k = 0; k < total; k++) {
            size_t best = 0;
            uint32_t least = UINT32_MAX;
            for (size_t j = 0; j < nsel; j++)
                if (cur[j] < end[j] && ck->members[cur[j]] < least) {
                    least = ck->members[cur[j]];
                    best = j;
                }
            out[k] = least;
            cur[best]++;
        }
    } else if (total * 8 >= nprocs) {
        for (size_t j = 0; j < nsel; j++)
            ck->gsel[sel[j]] = 1;
        size_t k = 0;
        for (size_t i = 0; i < nprocs; i++) {
            out[k] = (uint32_t)i;
            k += ck->gsel[ck->pgroup[i]];
        }
        for (size_t j = 0; j < nsel; j++)
            ck->gsel[sel[j]] = 0;
    } else {
        size_t k = 0;
        for (size_t j = 0; j < nsel; j++)
            for (uint32_t i = ck->gstart[sel[j]]; i < ck->gstart[sel[j] + 1]; i++)
                out[k++] = ck->members[i];
        sort_indices(ck, out, total);
    }
    return out;
}

/* The groups in slot k, ascending, and their number in *n; NULL when the
 * dump's groups are not listed by slot. */
static const uint32_t *slot_groups(const lineage_checker *ck, uint32_t k, size_t *n)
{
    if (!ck->slots_ok || k == NO_SLOT)
        return NULL;
    *n = ck->slot_start[k + 1] - ck->slot_start[k];
    return ck->slot_groups + ck->slot_start[k];
}

/* The processes whose name matches the pattern, in listing order, and
 * their number in *count: the groups of the pattern's slot, or else
 * every group tested. */
static const uint32_t *pick_matching(eval *e, const lineage_rule *r, const rule_pattern *rp,
                                     size_t *count)
{
    lineage_checker *ck = e->ck;
    size_t nsel = 0;
    const uint32_t *sel = slot_groups(ck, ck->pattern_slot[rp->index], &nsel);
    if (!sel) {
        for (size_t g = 0; g < ck->ngroups; g++)
            if (match_vec(e, r, rp, ck->gname[g], ck->gvec[g]))
                ck->gpick[nsel++] = (uint32_t)g;
        sel = ck->gpick;
    }
    return pick_listed(ck, sel, nsel, e->dump->nprocs, count);
}

#define NO_SESSION UINT32_MAX

typedef struct session_pair {
    uint64_t key; /* a known session (never negative) */
    uint32_t index;
} session_pair;

/* Sorts pairs by key, stable, a byte a pass, skipping the bytes in which
 * every key agrees: linear whatever the sessions are. */
static void sort_session_pairs(session_pair *a, session_pair *spare, size_t n)
{
    uint64_t differ = 0;
    for (size_t i = 1; i < n; i++)
        differ |= a[i].key ^ a[0].key;
    session_pair *src = a, *dst = spare;
    for (unsigned shift = 0; shift < 64; shift += 8) {
        if (((differ >> shift) & 0xff) == 0)
            continue;
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++)
            count[((src[i].key >> shift) & 0xff) + 1]++;
        for (size_t k = 1; k < 257; k++)
            count[k] += count[k - 1];
        for (size_t i = 0; i < n; i++)
            dst[count[(src[i].key >> shift) & 0xff]++] = src[i];
        session_pair *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * sizeof *a);
}

/* The dump's distinct known sessions, in the order they first appear, and
 * each process's place among them. Sessions come from the input, so they
 * are grouped by sorting, not by comparing each with those seen before
 * (quadratic in the number of sessions, which a listing chooses). */
static void dump_sessions(lineage_checker *ck, const lineage_dump *d)
{
    if (ck->sessions_done)
        return;
    ck->sessions_done = 1;
    ck->nsessions = 0;
    size_t n = d->nprocs;
    ck->psession = xgrow(ck->psession, &ck->psession_cap, n ? n : 1, sizeof *ck->psession);
    session_pair *pairs = xmalloc((n ? n : 1) * 2 * sizeof *pairs);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t s = d->procs[i]->session;
        ck->psession[i] = NO_SESSION;
        if (s >= 0)
            pairs[m++] = (session_pair){(uint64_t)s, (uint32_t)i};
    }
    sort_session_pairs(pairs, pairs + n, m);
    /* Each run of one session starts with its first appearance (the sort
     * is stable): mark the leaders with their run's start, number the runs
     * in the listing order of their leaders, then give every member its
     * run's number. */
    uint32_t *number = xmalloc((m ? m : 1) * sizeof *number);
    for (size_t k = 0; k < m; k++)
        if (k == 0 || pairs[k].key != pairs[k - 1].key)
            ck->psession[pairs[k].index] = (uint32_t)k;
    for (size_t i = 0; i < n; i++) {
        uint32_t start = ck->psession[i];
        if (start == NO_SESSION)
            continue;
        ck->sessions = xgrow(ck->sessions, &ck->sessions_cap, ck->nsessions + 1,
                             sizeof *ck->sessions);
        ck->sessions[ck->nsessions] = (int64_t)pairs[start].key;
        number[start] = (uint32_t)ck->nsessions++;
    }
    for (size_t k = 0, start = 0; k < m; k++) {
        if (pairs[k].key != pairs[start].key)
            start = k;
        ck->psession[pairs[k].index] = number[start];
    }
    free(number);
    free(pairs);
}

/* ---- checks ------------------------------------------------------------- */

static void check_count(eval *e, const lineage_rule *r, const rule_check *c)
{
    const lineage_dump *d = e->dump;
    lineage_checker *ck = e->ck;
    /* Groups: one for the whole dump, or one per known session, in the
     * order the sessions first appear in the listing. */
    typedef struct group {
        int64_t session;
        uint64_t count;
    } group;
    group *groups = NULL;
    size_t ng = 0, gcap = 0;
    if (!c->per_session) {
        groups = xgrow(groups, &gcap, 1, sizeof *groups);
        groups[ng++] = (group){-1, 0};
    } else {
        dump_sessions(ck, d);
        groups = xgrow(groups, &gcap, ck->nsessions + 1, sizeof *groups);
        for (size_t k = 0; k < ck->nsessions; k++)
            groups[ng++] = (group){ck->sessions[k], 0};
    }
    size_t n;
    const uint32_t *pick = pick_matching(e, r, c->subject, &n);
    for (size_t k = 0; k < n; k++) {
        const lineage_process *p = d->procs[pick[k]];
        if (!p->alive || (c->per_session && p->session < 0))
            continue;
        size_t g = c->per_session ? ck->psession[pick[k]] : 0;
        groups[g].count++;
        if (c->op != COUNT_AT_LEAST && groups[g].count > c->number)
            add_finding(e, r, p, c->expected);
    }
    for (size_t g = 0; g < ng; g++)
        if (c->op != COUNT_AT_MOST && groups[g].count < c->number) {
            e->text.len = 0;
            strbuf_printf(&e->text, "%s, found %llu", c->expected,
                          (unsigned long long)groups[g].count);
            if (c->per_session)
                strbuf_printf(&e->text, " in session %lld", (long long)groups[g].session);
            add_finding(e, r, NULL, e->text.data);
        }
    free(groups);
}

static void check_lookalike(eval *e, const lineage_rule *r, const rule_check *c)
{
    lineage_checker *ck = e->ck;
    size_t nsel = 0;
    const uint32_t *sel = slot_groups(ck, ck->check_slot[e->check_ordinal], &nsel);
    if (!sel) {
        for (size_t g = 0; g < ck->ngroups; g++)
            if (lookalike_verdict(ck, c, ck->gname[g]) >= 0)
                ck->gpick[nsel++] = (uint32_t)g;
        sel = ck->gpick;
    }
    if (!nsel)
        return;
    size_t n;
    const uint32_t *pick = pick_listed(ck, sel, nsel, e->dump->nprocs, &n);
    for (size_t k = 0; k < n; k++) {
        const lineage_process *p = e->dump->procs[pick[k]];
        int v = lookalike_verdict(ck, c, p->name); /* a memo hit */
        e->text.len = 0;
        strbuf_printf(&e->text,
                      "a name that is not a look-alike of \"%s\" (within distance %llu)",
                      c->names[v], (unsigned long long)c->number);
        add_finding(e, r, p, e->text.data);
    }
}

/* Parent conditions read each process's parent from the grouping's
 * arrays and touch a process only to report it. */
static void check_parent(eval *e, const lineage_rule *r, const rule_check *c,
                         const uint32_t *pick, size_t n)
{
    const lineage_dump *d = e->dump;
    lineage_checker *ck = e->ck;
    for (size_t k = 0; k < n; k++) {
        uint32_t up = ck->pparent[pick[k]];
        const lineage_process *p = NULL;
        int ok;
        if (up == NO_PARENT) {
            ok = c->or_absent;
        } else if (up == FAR_PARENT) {
            p = d->procs[pick[k]];
            ok = match_proc(e, r, c->other, p->parent);
        } else {
            uint32_t g = ck->pgroup[up];
            ok = match_vec(e, r, c->other, ck->gname[g], ck->gvec[g]);
        }
        if (!ok)
            add_finding(e, r, p ? p : d->procs[pick[k]], c->expected);
    }
}

/* Children conditions over the grouping's child lists (kids_ok). */
static void check_children(eval *e, const lineage_rule *r, const rule_check *c,
                           const uint32_t *pick, size_t n)
{
    const lineage_dump *d = e->dump;
    lineage_checker *ck = e->ck;
    int forbid = c->kind == CHECK_CHILDREN_FORBID;
    for (size_t k = 0; k < n; k++)
        for (uint32_t j = ck->kstart[pick[k]]; j < ck->kstart[pick[k] + 1]; j++) {
            uint32_t g = ck->pgroup[ck->kids[j]];
            if (match_vec(e, r, c->other, ck->gname[g], ck->gvec[g]) == forbid)
                add_finding(e, r, d->procs[ck->kids[j]], c->expected);
        }
}

static void check_rule(eval *e, const lineage_rule *r, const rule_check *c)
{
    const lineage_dump *d = e->dump;
    lineage_checker *ck = e->ck;
    if (c->kind == CHECK_COUNT) {
        check_count(e, r, c);
        return;
    }
    if (c->kind == CHECK_LOOKALIKE) {
        check_lookalike(e, r, c);
        return;
    }
    size_t n;
    const uint32_t *pick = pick_matching(e, r, c->subject, &n);
    if (c->kind == CHECK_PARENT && ck->links) {
        check_parent(e, r, c, pick, n);
        return;
    }
    if ((c->kind == CHECK_CHILDREN_FORBID || c->kind == CHECK_CHILDREN_ONLY) && ck->kids_ok) {
        check_children(e, r, c, pick, n);
        return;
    }
    for (size_t k = 0; k < n; k++) {
        const lineage_process *p = d->procs[pick[k]];
        switch (c->kind) {
        case CHECK_PARENT:
            if (p->parent ? !match_proc(e, r, c->other, p->parent) : !c->or_absent)
                add_finding(e, r, p, c->expected);
            break;
        case CHECK_ANCESTRY:
            build_chain(e, p);
            if ((run(e, r, c->other, e->chain.data, e->chain.len, 0) > 0) == c->negate)
                add_finding(e, r, p, c->expected);
            break;
        case CHECK_CHILDREN_FORBID:
        case CHECK_CHILDREN_ONLY:
            for (const lineage_node *kid = p->node.first_child; kid; kid = kid->next) {
                if (kid->kind != LINEAGE_NODE_PROCESS)
                    continue;
                int m = match_proc(e, r, c->other, kid->process);
                if (m == (c->kind == CHECK_CHILDREN_FORBID))
                    add_finding(e, r, kid->process, c->expected);
            }
            break;
        case CHECK_ALIVE:
            if (!p->alive)
                add_finding(e, r, p, c->expected);
            break;
        case CHECK_EXITED:
            if (p->alive)
                add_finding(e, r, p, c->expected);
            break;
        case CHECK_ABSENT:
            add_finding(e, r, p, c->expected);
            break;
        case CHECK_PID:
            if (p->pid != c->number || (c->has_ppid && p->ppid != c->ppid))
                add_finding(e, r, p, c->expected);
            break;
        default:
            break;
        }
    }
}

/* The OS families (bits of os_families) a dump's build belongs to. */
static unsigned dump_families(const lineage_dump *d)
{
    lineage_os_info info;
    unsigned bits = 0;
    if (!d->build)
        return 0;
    lineage_os_from_build(d->build, &info);
    for (unsigned i = 0; info.family && os_families[i]; i++)
        if (strcmp(os_families[i], info.family) == 0)
            bits |= 1u << i;
    return bits;
}

static int in_scope(const lineage_rule *r, const lineage_dump *d, unsigned families)
{
    if (r->has_os) {
        if (!d->build)
            return 0;
        int ok = (r->families & families) != 0;
        for (size_t i = 0; i < r->nbuilds; i++)
            if (d->build >= r->builds[i].lo && d->build <= r->builds[i].hi)
                ok = 1;
        if (!ok)
            return 0;
    }
    if (r->arches && !(r->arches & (1u << d->arch)))
        return 0;
    return 1;
}

/* The slots: each distinct subject pattern of the enabled rules' checks,
 * and each look-alike check. */
static void make_slots(lineage_checker *ck)
{
    const lineage_ruleset *set = ck->set;
    size_t nchecks = 0;
    for (size_t i = 0; i < set->nrules; i++)
        nchecks += set->rules[i]->nchecks;
    ck->pattern_slot = xmalloc((set->npatterns ? set->npatterns : 1) * sizeof *ck->pattern_slot);
    for (size_t k = 0; k < set->npatterns; k++)
        ck->pattern_slot[k] = NO_SLOT;
    ck->check_slot = xmalloc((nchecks ? nchecks : 1) * sizeof *ck->check_slot);
    ck->slots = xmalloc((nchecks ? nchecks : 1) * sizeof *ck->slots);
    size_t ord = 0;
    for (size_t i = 0; i < set->nrules; i++) {
        const lineage_rule *r = set->rules[i];
        for (size_t k = 0; k < r->nchecks; k++, ord++) {
            const rule_check *c = &r->checks[k];
            ck->check_slot[ord] = NO_SLOT;
            if (r->disabled)
                continue;
            if (c->kind == CHECK_LOOKALIKE) {
                ck->check_slot[ord] = (uint32_t)ck->nslots;
                ck->slots[ck->nslots++] = (slot){NULL, c};
            } else if (ck->pattern_slot[c->subject->index] == NO_SLOT) {
                ck->pattern_slot[c->subject->index] = (uint32_t)ck->nslots;
                ck->slots[ck->nslots++] = (slot){c->subject, NULL};
            }
        }
    }
    ck->slot_start = xmalloc((ck->nslots + 1) * sizeof *ck->slot_start);
    ck->hit_buf = xmalloc((ck->nslots ? ck->nslots : 1) * sizeof *ck->hit_buf);
}

lineage_checker *lineage_checker_new(const lineage_ruleset *set)
{
    if (!set || !set->compiled)
        return NULL;
    lineage_checker *ck = xcalloc(1, sizeof *ck);
    ck->set = set;
    for (size_t i = 0; i < set->nrules; i++)
        for (size_t k = 0; k < set->rules[i]->nchecks; k++) {
            check_kind kind = set->rules[i]->checks[k].kind;
            if (kind == CHECK_PARENT || kind == CHECK_CHILDREN_FORBID ||
                kind == CHECK_CHILDREN_ONLY)
                ck->links = 1;
        }
    make_slots(ck);
    ck->mem = arena_new();
    ck->md = pcre2_match_data_create(1, NULL);
    if (!ck->md) {
        lineage_checker_free(ck);
        return NULL;
    }
    return ck;
}

void lineage_checker_free(lineage_checker *ck)
{
    if (!ck)
        return;
    arena_free(ck->mem);
    pcre2_match_data_free(ck->md);
    free(ck->ids);
    free(ck->names);
    memo_clear(&ck->lookalike);
    free(ck->slots);
    free(ck->pattern_slot);
    free(ck->check_slot);
    free(ck->hit_buf);
    free(ck->gname);
    free(ck->gvec);
    free(ck->gstart);
    free(ck->gfill);
    free(ck->gid);
    free(ck->gsel);
    free(ck->gpick);
    free(ck->slot_start);
    free(ck->slot_groups);
    free_process_arrays(ck);
    free(ck->sessions);
    free(ck->psession);
    free(ck);
}

lineage_status lineage_checker_check(lineage_checker *ck, const lineage_dump *dump,
                                     lineage_findings *out, lineage_diag_list *diags)
{
    if (!ck || !dump || !out || !diags)
        return LINEAGE_E_ARG;
    const lineage_ruleset *set = ck->set;
    checker_sync(ck, dump->session);
    group_dump(ck, dump);
    eval e;
    memset(&e, 0, sizeof e);
    e.ck = ck;
    e.set = set;
    e.dump = dump;
    e.out = out;
    e.diags = diags;
    e.status = LINEAGE_OK;
    unsigned families = dump_families(dump);
    for (size_t i = 0; i < set->nrules; i++) {
        const lineage_rule *r = set->rules[i];
        if (r->disabled || !in_scope(r, dump, families)) {
            e.check_ordinal += r->nchecks;
            continue;
        }
        for (size_t k = 0; k < r->nchecks; k++, e.check_ordinal++)
            check_rule(&e, r, &r->checks[k]);
    }
    memo_clear(&e.errs);
    strbuf_release(&e.chain);
    strbuf_release(&e.text);
    return e.status;
}

lineage_status lineage_ruleset_check(const lineage_ruleset *set, const lineage_dump *dump,
                                     lineage_findings *out, lineage_diag_list *diags)
{
    if (!set || !dump || !out || !diags || !set->compiled)
        return LINEAGE_E_ARG;
    lineage_checker *ck = lineage_checker_new(set);
    lineage_status st = lineage_checker_check(ck, dump, out, diags);
    lineage_checker_free(ck);
    return st;
}
