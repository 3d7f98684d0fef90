/* Checking a dump against a compiled rule set.
 *
 * The rule set is immutable; everything that changes during a check lives
 * in a checker (lineage_checker), one per thread, which keeps across dumps
 * what it has learnt about names:
 *
 * - a verdict vector per interned name, one byte per pattern of the set
 *   (unknown, no, yes), filled the first time a condition asks. Names are
 *   interned per session, so a name that occurs in ten thousand dumps is
 *   matched by PCRE2 once per pattern, not once per dump;
 * - a memo of look-alike verdicts per (condition, folded full name).
 *
 * Per dump, the processes are grouped by name (a list per distinct name,
 * in listing order). A condition then tests each distinct name once and
 * walks only the processes whose name matches its subject, merged back
 * into listing order, so findings come out in rule order, then listing
 * order, as they always have. A dump costs one pass over its processes to
 * group them plus, per condition, one byte test per distinct name.
 *
 * The caches are dropped when the session's known-name list changes
 * (which names are cut depends on it). A pattern that stops on a PCRE2
 * limit is not cached across dumps, so each dump reports it again. Walks
 * over the tree are loops over parent/child links, never recursion. */
#include "ruleset.h"

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

typedef struct vec_slot {
    const lineage_name *name;
    unsigned char *v; /* one byte per pattern of the set */
} vec_slot;

struct lineage_checker {
    const lineage_ruleset *set;
    const lineage_session *session; /* of the names cached, or NULL */
    unsigned generation;
    arena *mem; /* verdict vectors */
    vec_slot *vecs;
    size_t vecs_cap, vecs_used;
    memo lookalike; /* (condition, folded full name) -> index or -1/-2 */

    /* Per dump, reused: processes grouped by name. */
    uint32_t *table; /* name -> group + 1, 0 = empty */
    size_t table_cap;
    const lineage_name **gname;
    unsigned char **gvec;
    uint32_t *ghead, *gtail;
    int *gtmp;
    size_t ngroups, groups_cap;
    uint32_t *next; /* per process: next process of the same group, or UINT32_MAX */
    size_t next_cap;
    uint32_t *pick, *spare; /* the processes a condition walks */
    size_t pick_cap;
    int64_t *sessions; /* distinct sessions in listing order */
    size_t nsessions, sessions_cap;
    int sessions_done;
};

typedef struct eval {
    lineage_checker *ck;
    const lineage_ruleset *set;
    const lineage_dump *dump;
    lineage_findings *out;
    lineage_diag_list *diags;
    pcre2_match_data *md;
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

/* ---- verdict vectors ---------------------------------------------------- */

static size_t ptr_hash(const void *p, size_t mask)
{
    uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15u;
    return (size_t)(h ^ (h >> 29)) & mask;
}

static vec_slot *vec_find(lineage_checker *ck, const lineage_name *name)
{
    size_t mask = ck->vecs_cap - 1;
    size_t i = ptr_hash(name, mask);
    while (ck->vecs[i].name && ck->vecs[i].name != name)
        i = (i + 1) & mask;
    return &ck->vecs[i];
}

/* The verdict vector of a name, made (all unknown) on first sight. */
static unsigned char *name_vec(lineage_checker *ck, const lineage_name *name)
{
    if (ck->vecs_cap) {
        vec_slot *s = vec_find(ck, name);
        if (s->name)
            return s->v;
    }
    if ((ck->vecs_used + 1) * 2 > ck->vecs_cap) {
        vec_slot *old = ck->vecs;
        size_t old_cap = ck->vecs_cap;
        ck->vecs_cap = old_cap ? old_cap * 2 : 256;
        ck->vecs = xcalloc(ck->vecs_cap, sizeof *ck->vecs);
        for (size_t i = 0; i < old_cap; i++)
            if (old[i].name)
                *vec_find(ck, old[i].name) = old[i];
        free(old);
    }
    vec_slot *s = vec_find(ck, name);
    s->name = name;
    size_t n = ck->set->npatterns ? ck->set->npatterns : 1;
    s->v = arena_alloc(ck->mem, n);
    memset(s->v, V_UNKNOWN, n);
    ck->vecs_used++;
    return s->v;
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
    free(ck->vecs);
    ck->vecs = NULL;
    ck->vecs_cap = ck->vecs_used = 0;
    memo_clear(&ck->lookalike);
    ck->session = session;
    ck->generation = gen;
}

/* ---- matching ----------------------------------------------------------- */

/* Runs one pattern; a limit or other match error is reported against the
 * rule and counts as no match (-1 instead of 0). */
static int run(eval *e, const lineage_rule *r, const rule_pattern *rp, const char *subject,
               size_t len, uint32_t opts)
{
    int rc = pcre2_match(rp->code, (PCRE2_SPTR)subject, len, 0, opts, e->md, e->set->mctx);
    if (rc >= 0 || rc == PCRE2_ERROR_PARTIAL)
        return 1;
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
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

/* Whether a process name matches, given its verdict vector: case-
 * insensitive patterns see the folded name; a cut name matches when a
 * longer name starting with it could. Errors are remembered for this dump
 * only, so every dump reports them. */
static int match_vec(eval *e, const lineage_rule *r, const rule_pattern *rp,
                     const lineage_name *name, unsigned char *vec)
{
    unsigned char v = vec[rp->index];
    if (v != V_UNKNOWN)
        return v == V_YES;
    int m;
    if (memo_get(&e->errs, rp, name, &m))
        return m;
    const lineage_name *key = rp->case_sensitive ? name : lineage_name_folded(name);
    uint32_t opts = lineage_name_is_cut(name) ? PCRE2_PARTIAL_SOFT : 0;
    m = run(e, r, rp, lineage_name_text(key), lineage_name_length(key), opts);
    if (m < 0) {
        memo_put(&e->errs, rp, name, 0);
        return 0;
    }
    vec[rp->index] = m ? V_YES : V_NO;
    return m;
}

static int match_name(eval *e, const lineage_rule *r, const rule_pattern *rp,
                      const lineage_name *name)
{
    return match_vec(e, r, rp, name, name_vec(e->ck, name));
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
    ck->ghead = xrealloc(ck->ghead, cap * sizeof *ck->ghead);
    ck->gtail = xrealloc(ck->gtail, cap * sizeof *ck->gtail);
    ck->gtmp = xrealloc(ck->gtmp, cap * sizeof *ck->gtmp);
    ck->groups_cap = cap;
}

/* Groups the dump's processes by name: per group the first and last
 * process, per process the next one of its group, all in listing order. */
static void group_dump(lineage_checker *ck, const lineage_dump *d)
{
    size_t want = 16;
    while (want < d->nprocs * 2)
        want *= 2;
    if (want > ck->table_cap) {
        free(ck->table);
        ck->table = xmalloc(want * sizeof *ck->table);
        ck->table_cap = want;
    }
    memset(ck->table, 0, want * sizeof *ck->table);
    size_t mask = want - 1;
    if (d->nprocs > ck->next_cap) {
        free(ck->next);
        ck->next = xmalloc(d->nprocs * sizeof *ck->next);
        ck->next_cap = d->nprocs;
    }
    ck->ngroups = 0;
    ck->sessions_done = 0;
    for (size_t i = 0; i < d->nprocs; i++) {
        const lineage_name *name = d->procs[i]->name;
        size_t h = ptr_hash(name, mask);
        uint32_t g;
        while ((g = ck->table[h]) != 0 && ck->gname[g - 1] != name)
            h = (h + 1) & mask;
        if (g == 0) {
            if (ck->ngroups == ck->groups_cap)
                grow_groups(ck);
            g = (uint32_t)++ck->ngroups;
            ck->table[h] = g;
            ck->gname[g - 1] = name;
            ck->gvec[g - 1] = name_vec(ck, name);
            ck->ghead[g - 1] = (uint32_t)i;
        } else {
            ck->next[ck->gtail[g - 1]] = (uint32_t)i;
        }
        ck->gtail[g - 1] = (uint32_t)i;
        ck->next[i] = UINT32_MAX;
    }
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

/* The processes of the groups whose gtmp is set (>= 0), in listing order,
 * into ck->pick; returns how many. */
static size_t pick_groups(lineage_checker *ck, size_t total)
{
    if (total > ck->pick_cap) {
        free(ck->pick);
        free(ck->spare);
        ck->pick = xmalloc(total * sizeof *ck->pick);
        ck->spare = xmalloc(total * sizeof *ck->spare);
        ck->pick_cap = total;
    }
    size_t n = 0, groups = 0;
    for (size_t g = 0; g < ck->ngroups; g++) {
        if (ck->gtmp[g] < 0)
            continue;
        groups++;
        for (uint32_t i = ck->ghead[g]; i != UINT32_MAX; i = ck->next[i])
            ck->pick[n++] = i;
    }
    if (groups > 1)
        sort_indices(ck, ck->pick, n);
    return n;
}

/* Marks the groups whose name matches the pattern (gtmp 0, else -1) and
 * returns the processes they hold in listing order, in ck->pick. */
static size_t pick_matching(eval *e, const lineage_rule *r, const rule_pattern *rp)
{
    lineage_checker *ck = e->ck;
    size_t total = 0;
    for (size_t g = 0; g < ck->ngroups; g++) {
        int m = match_vec(e, r, rp, ck->gname[g], ck->gvec[g]);
        ck->gtmp[g] = m ? 0 : -1;
        if (m)
            for (uint32_t i = ck->ghead[g]; i != UINT32_MAX; i = ck->next[i])
                total++;
    }
    return pick_groups(ck, total);
}

/* The dump's distinct known sessions, in the order they first appear. */
static void dump_sessions(lineage_checker *ck, const lineage_dump *d)
{
    if (ck->sessions_done)
        return;
    ck->sessions_done = 1;
    ck->nsessions = 0;
    for (size_t i = 0; i < d->nprocs; i++) {
        int64_t s = d->procs[i]->session;
        if (s < 0)
            continue;
        size_t k = 0;
        while (k < ck->nsessions && ck->sessions[k] != s)
            k++;
        if (k == ck->nsessions) {
            ck->sessions = xgrow(ck->sessions, &ck->sessions_cap, k + 1, sizeof *ck->sessions);
            ck->sessions[ck->nsessions++] = s;
        }
    }
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
    size_t n = pick_matching(e, r, c->subject);
    for (size_t k = 0; k < n; k++) {
        const lineage_process *p = d->procs[ck->pick[k]];
        if (!p->alive || (c->per_session && p->session < 0))
            continue;
        size_t g = 0;
        if (c->per_session)
            while (groups[g].session != p->session)
                g++;
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

/* The look-alike verdict of a name: the index of the protected name it
 * imitates, -2 when it is a protected name itself, -1 otherwise. */
static int lookalike_verdict(eval *e, const rule_check *c, const lineage_name *name)
{
    const lineage_name *full = lineage_name_folded(lineage_name_full(name));
    int v;
    if (memo_get(&e->ck->lookalike, c, full, &v))
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
    memo_put(&e->ck->lookalike, c, full, v);
    return v;
}

static void check_lookalike(eval *e, const lineage_rule *r, const rule_check *c)
{
    lineage_checker *ck = e->ck;
    size_t total = 0;
    for (size_t g = 0; g < ck->ngroups; g++) {
        int v = lookalike_verdict(e, c, ck->gname[g]);
        ck->gtmp[g] = v < 0 ? -1 : v;
        if (v >= 0)
            for (uint32_t i = ck->ghead[g]; i != UINT32_MAX; i = ck->next[i])
                total++;
    }
    if (!total)
        return;
    size_t n = pick_groups(ck, total);
    for (size_t k = 0; k < n; k++) {
        const lineage_process *p = e->dump->procs[ck->pick[k]];
        int v = lookalike_verdict(e, c, p->name); /* a memo hit */
        e->text.len = 0;
        strbuf_printf(&e->text,
                      "a name that is not a look-alike of \"%s\" (within distance %llu)",
                      c->names[v], (unsigned long long)c->number);
        add_finding(e, r, p, e->text.data);
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
    size_t n = pick_matching(e, r, c->subject);
    for (size_t k = 0; k < n; k++) {
        const lineage_process *p = d->procs[ck->pick[k]];
        switch (c->kind) {
        case CHECK_PARENT:
            if (p->parent ? !match_name(e, r, c->other, p->parent->name) : !c->or_absent)
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
                int m = match_name(e, r, c->other, kid->process->name);
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

static int in_scope(const lineage_rule *r, const lineage_dump *d)
{
    if (r->has_os) {
        if (!d->build)
            return 0;
        int ok = 0;
        lineage_os_info info;
        lineage_os_from_build(d->build, &info);
        for (unsigned i = 0; info.family && os_families[i]; i++)
            if ((r->families & (1u << i)) && strcmp(os_families[i], info.family) == 0)
                ok = 1;
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

lineage_checker *lineage_checker_new(const lineage_ruleset *set)
{
    if (!set || !set->compiled)
        return NULL;
    lineage_checker *ck = xcalloc(1, sizeof *ck);
    ck->set = set;
    ck->mem = arena_new();
    return ck;
}

void lineage_checker_free(lineage_checker *ck)
{
    if (!ck)
        return;
    arena_free(ck->mem);
    free(ck->vecs);
    memo_clear(&ck->lookalike);
    free(ck->table);
    free(ck->gname);
    free(ck->gvec);
    free(ck->ghead);
    free(ck->gtail);
    free(ck->gtmp);
    free(ck->next);
    free(ck->pick);
    free(ck->spare);
    free(ck->sessions);
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
    e.md = pcre2_match_data_create(1, NULL);
    for (size_t i = 0; i < set->nrules; i++) {
        const lineage_rule *r = set->rules[i];
        if (r->disabled || !in_scope(r, dump))
            continue;
        for (size_t k = 0; k < r->nchecks; k++)
            check_rule(&e, r, &r->checks[k]);
    }
    pcre2_match_data_free(e.md);
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
