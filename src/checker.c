/* What a checker learns about names across dumps: an id and a verdict
 * vector per name, the look-alike memo, and each name's slots; and the
 * checker's making and freeing. See rules_eval.c for the design. */
#include "checker.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "session.h"

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

void checker_memo_put(memo *m, const void *what, const lineage_name *name, int verdict)
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

int checker_memo_get(memo *m, const void *what, const lineage_name *name, int *verdict)
{
    if (!m->cap)
        return 0;
    memo_slot *s = memo_find(m, what, name);
    if (!s->what)
        return 0;
    *verdict = s->verdict;
    return 1;
}

void checker_memo_clear(memo *m)
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
uint32_t checker_name_id(lineage_checker *ck, const lineage_name *name)
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
void checker_sync(lineage_checker *ck, const lineage_session *session)
{
    unsigned gen = session_generation(session);
    if (ck->session == session && ck->generation == gen)
        return;
    arena_free(ck->mem);
    ck->mem = arena_new();
    free(ck->ids);
    ck->ids = NULL;
    ck->ids_cap = ck->nnames = 0;
    checker_memo_clear(&ck->lookalike);
    ck->session = session;
    ck->generation = gen;
}

/* ---- slots --------------------------------------------------------------- */

/* Whether a name matches a pattern, through its verdict vector, outside
 * any dump: an error is returned (-1) rather than reported, for the
 * condition to report in each dump it runs in. */
static int match_quiet(lineage_checker *ck, const rule_pattern *rp, const lineage_name *name,
                       unsigned char *vec)
{
    unsigned char v = vec[rp->index];
    if (v != V_UNKNOWN)
        return v == V_YES;
    uint32_t opts;
    const lineage_name *key = checker_subject(rp, name, &opts);
    int rc = pcre2_match(rp->code, (PCRE2_SPTR)lineage_name_text(key), lineage_name_length(key),
                         0, opts, ck->md, ck->set->mctx);
    int m = checker_match_result(rc);
    if (m >= 0)
        vec[rp->index] = m ? V_YES : V_NO;
    return m;
}

/* The look-alike verdict of a name: the index of the protected name it
 * imitates, -2 when it is a protected name itself, -1 otherwise. */
int checker_lookalike(lineage_checker *ck, const rule_check *c, const lineage_name *name)
{
    const lineage_name *full = lineage_name_folded(lineage_name_full(name));
    int v;
    if (checker_memo_get(&ck->lookalike, c, full, &v))
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
    checker_memo_put(&ck->lookalike, c, full, v);
    return v;
}

/* A name learns once which slots it is in, the first time a dump has it:
 * every condition of the set tests it then, most of them against a
 * cached verdict. A pattern that stops on a PCRE2 limit here is not
 * reported (the condition reports it, in each dump it runs in) and the
 * name never knows its slots. */
void checker_resolve_name(lineage_checker *ck, name_info *ni)
{
    uint32_t *hit = ck->hit_buf;
    uint32_t nhits = 0;
    ni->slots_state = SLOTS_NEVER;
    for (size_t k = 0; k < ck->nslots; k++) {
        const slot *sl = &ck->slots[k];
        int m = sl->subject ? match_quiet(ck, sl->subject, ni->name, ni->v)
                            : checker_lookalike(ck, sl->lookalike, ni->name) >= 0;
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

void lineage_checker_assume_build(lineage_checker *ck, unsigned build)
{
    if (ck)
        ck->assumed_build = build;
}

void lineage_checker_free(lineage_checker *ck)
{
    if (!ck)
        return;
    arena_free(ck->mem);
    pcre2_match_data_free(ck->md);
    free(ck->ids);
    free(ck->names);
    checker_memo_clear(&ck->lookalike);
    free(ck->slots);
    free(ck->pattern_slot);
    free(ck->check_slot);
    free(ck->hit_buf);
    free(ck->slot_start);
    checker_group_free(ck);
    free(ck);
}
