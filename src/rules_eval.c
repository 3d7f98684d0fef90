/* Checking a dump against a compiled rule set.
 *
 * The rule set is immutable; everything that changes during a check (the
 * PCRE2 match data, the verdict memo, the chain buffer) lives in an
 * evaluator made per call. Pattern verdicts are memoized per (pattern,
 * interned name): names are interned, so the key is two pointers and a
 * name that occurs a hundred times is matched once. Walks over the tree are
 * loops over parent/child links, never recursion. */
#include "ruleset.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "limits.h"
#include "model.h"
#include "strbuf.h"

typedef struct memo_slot {
    const void *what;
    const lineage_name *name;
    int verdict;
} memo_slot;

typedef struct eval {
    const lineage_ruleset *set;
    const lineage_dump *dump;
    lineage_findings *out;
    lineage_diag_list *diags;
    pcre2_match_data *md;
    memo_slot *memo;
    size_t memo_cap, memo_used;
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

static memo_slot *memo_find(eval *e, const void *what, const lineage_name *name)
{
    size_t mask = e->memo_cap - 1;
    size_t i = memo_hash(what, name, mask);
    while (e->memo[i].what && !(e->memo[i].what == what && e->memo[i].name == name))
        i = (i + 1) & mask;
    return &e->memo[i];
}

static void memo_put(eval *e, const void *what, const lineage_name *name, int verdict)
{
    if ((e->memo_used + 1) * 2 > e->memo_cap) {
        memo_slot *old = e->memo;
        size_t old_cap = e->memo_cap;
        e->memo_cap = old_cap ? old_cap * 2 : 1024;
        e->memo = xcalloc(e->memo_cap, sizeof *e->memo);
        for (size_t i = 0; i < old_cap; i++)
            if (old[i].what)
                *memo_find(e, old[i].what, old[i].name) = old[i];
        free(old);
    }
    memo_slot *s = memo_find(e, what, name);
    if (!s->what)
        e->memo_used++;
    s->what = what;
    s->name = name;
    s->verdict = verdict;
}

static int memo_get(eval *e, const void *what, const lineage_name *name, int *verdict)
{
    if (!e->memo_cap)
        return 0;
    memo_slot *s = memo_find(e, what, name);
    if (!s->what)
        return 0;
    *verdict = s->verdict;
    return 1;
}

/* ---- matching ----------------------------------------------------------- */

/* Runs one pattern; a limit or other match error is reported against the
 * rule and counts as no match. */
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
    return 0;
}

/* Whether a process name matches: case-insensitive patterns see the folded
 * name; a cut name matches when a longer name starting with it could. */
static int match_name(eval *e, const lineage_rule *r, const rule_pattern *rp,
                      const lineage_name *name)
{
    const lineage_name *key = rp->case_sensitive ? name : lineage_name_folded(name);
    int v;
    if (memo_get(e, rp, key, &v))
        return v;
    uint32_t opts = lineage_name_is_cut(name) ? PCRE2_PARTIAL_SOFT : 0;
    v = run(e, r, rp, lineage_name_text(key), lineage_name_length(key), opts);
    memo_put(e, rp, key, v);
    return v;
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
            run(e, r, d->pattern, e->chain.data, e->chain.len, 0)) {
            findings_suppress_last(e->out, d->reason);
            break;
        }
    }
}

/* ---- checks ------------------------------------------------------------- */

static void check_count(eval *e, const lineage_rule *r, const rule_check *c)
{
    const lineage_dump *d = e->dump;
    /* Groups: one for the whole dump, or one per known session. */
    typedef struct group {
        int64_t session;
        uint64_t count;
    } group;
    group *groups = NULL;
    size_t ng = 0, gcap = 0;
    if (!c->per_session) {
        groups = xgrow(groups, &gcap, 1, sizeof *groups);
        groups[ng++] = (group){-1, 0};
    }
    for (size_t i = 0; i < d->nprocs; i++) {
        const lineage_process *p = d->procs[i];
        if (c->per_session && p->session < 0)
            continue;
        size_t g = 0;
        if (c->per_session) {
            while (g < ng && groups[g].session != p->session)
                g++;
            if (g == ng) {
                groups = xgrow(groups, &gcap, ng + 1, sizeof *groups);
                groups[ng++] = (group){p->session, 0};
            }
        }
        if (!p->alive || !match_name(e, r, c->subject, p->name))
            continue;
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

static void check_lookalike(eval *e, const lineage_rule *r, const rule_check *c,
                            const lineage_process *p)
{
    const lineage_name *full = lineage_name_folded(lineage_name_full(p->name));
    int v;
    if (!memo_get(e, c, full, &v)) {
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
        memo_put(e, c, full, v);
    }
    if (v < 0)
        return;
    e->text.len = 0;
    strbuf_printf(&e->text, "a name that is not a look-alike of \"%s\" (within distance %llu)",
                  c->names[v], (unsigned long long)c->number);
    add_finding(e, r, p, e->text.data);
}

static void check_rule(eval *e, const lineage_rule *r, const rule_check *c)
{
    const lineage_dump *d = e->dump;
    if (c->kind == CHECK_COUNT) {
        check_count(e, r, c);
        return;
    }
    for (size_t i = 0; i < d->nprocs; i++) {
        const lineage_process *p = d->procs[i];
        if (c->kind == CHECK_LOOKALIKE) {
            check_lookalike(e, r, c, p);
            continue;
        }
        if (!match_name(e, r, c->subject, p->name))
            continue;
        switch (c->kind) {
        case CHECK_PARENT:
            if (p->parent ? !match_name(e, r, c->other, p->parent->name) : !c->or_absent)
                add_finding(e, r, p, c->expected);
            break;
        case CHECK_ANCESTRY:
            build_chain(e, p);
            if (run(e, r, c->other, e->chain.data, e->chain.len, 0) == c->negate)
                add_finding(e, r, p, c->expected);
            break;
        case CHECK_CHILDREN_FORBID:
        case CHECK_CHILDREN_ONLY:
            for (const lineage_node *k = p->node.first_child; k; k = k->next) {
                if (k->kind != LINEAGE_NODE_PROCESS)
                    continue;
                int m = match_name(e, r, c->other, k->process->name);
                if (m == (c->kind == CHECK_CHILDREN_FORBID))
                    add_finding(e, r, k->process, c->expected);
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

lineage_status lineage_ruleset_check(const lineage_ruleset *set, const lineage_dump *dump,
                                     lineage_findings *out, lineage_diag_list *diags)
{
    if (!set || !dump || !out || !diags || !set->compiled)
        return LINEAGE_E_ARG;
    eval e;
    memset(&e, 0, sizeof e);
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
    free(e.memo);
    strbuf_release(&e.chain);
    strbuf_release(&e.text);
    return e.status;
}
