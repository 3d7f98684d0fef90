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
#include "checker.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "limits.h"
#include "model.h"
#include "strbuf.h"

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

/* ---- matching ----------------------------------------------------------- */

/* Runs one pattern; a limit or other match error is reported against the
 * rule and counts as no match (-1 instead of 0). */
static int run(eval *e, const lineage_rule *r, const rule_pattern *rp, const char *subject,
               size_t len, uint32_t opts)
{
    int rc = pcre2_match(rp->code, (PCRE2_SPTR)subject, len, 0, opts, e->ck->md, e->set->mctx);
    int m = checker_match_result(rc);
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

/* Whether a process name matches, given its verdict vector. Errors are
 * remembered for this dump only, so every dump reports them. */
static int match_vec(eval *e, const lineage_rule *r, const rule_pattern *rp,
                     const lineage_name *name, unsigned char *vec)
{
    unsigned char v = vec[rp->index];
    if (v != V_UNKNOWN)
        return v == V_YES;
    int m;
    if (checker_memo_get(&e->errs, rp, name, &m))
        return m;
    uint32_t opts;
    const lineage_name *key = checker_subject(rp, name, &opts);
    m = run(e, r, rp, lineage_name_text(key), lineage_name_length(key), opts);
    if (m < 0) {
        checker_memo_put(&e->errs, rp, name, 0);
        return 0;
    }
    vec[rp->index] = m ? V_YES : V_NO;
    return m;
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
        const name_info *ni = checker_group_name(ck, ck->pgroup[i]);
        return match_vec(e, r, rp, ni->name, ni->v);
    }
    uint32_t id = checker_name_id(ck, p->name);
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
    findings_add(e->out, r, e->dump, proc, proc ? e->chain.data : "", proc ? e->chain.len : 0,
                 expected);
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

/* The processes whose name matches the pattern, in listing order, and
 * their number in *count: the groups of the pattern's slot, or else
 * every group tested. */
static const uint32_t *pick_matching(eval *e, const lineage_rule *r, const rule_pattern *rp,
                                     size_t *count)
{
    lineage_checker *ck = e->ck;
    size_t nsel = 0;
    const uint32_t *sel = ck->gpick;
    if (!checker_slot_groups(ck, ck->pattern_slot[rp->index], &sel, &nsel))
        for (size_t g = 0; g < ck->ngroups; g++) {
            const name_info *ni = checker_group_name(ck, g);
            if (match_vec(e, r, rp, ni->name, ni->v))
                ck->gpick[nsel++] = (uint32_t)g;
        }
    return checker_pick(ck, sel, nsel, e->dump->nprocs, count);
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
        checker_sessions(ck, d);
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
    const uint32_t *sel = ck->gpick;
    if (!checker_slot_groups(ck, ck->check_slot[e->check_ordinal], &sel, &nsel))
        for (size_t g = 0; g < ck->ngroups; g++)
            if (checker_lookalike(ck, c, checker_group_name(ck, g)->name) >= 0)
                ck->gpick[nsel++] = (uint32_t)g;
    if (!nsel)
        return;
    size_t n;
    const uint32_t *pick = checker_pick(ck, sel, nsel, e->dump->nprocs, &n);
    for (size_t k = 0; k < n; k++) {
        const lineage_process *p = e->dump->procs[pick[k]];
        int v = checker_lookalike(ck, c, p->name); /* a memo hit */
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
            const name_info *ni = checker_group_name(ck, ck->pgroup[up]);
            ok = match_vec(e, r, c->other, ni->name, ni->v);
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
            const name_info *ni = checker_group_name(ck, ck->pgroup[ck->kids[j]]);
            if (match_vec(e, r, c->other, ni->name, ni->v) == forbid)
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

/* The OS families (bits of os_families) a build belongs to. */
static unsigned build_families(unsigned build)
{
    lineage_os_info info;
    unsigned bits = 0;
    if (!build)
        return 0;
    lineage_os_from_build(build, &info);
    for (unsigned i = 0; info.family && os_families[i]; i++)
        if (strcmp(os_families[i], info.family) == 0)
            bits |= 1u << i;
    return bits;
}

static int in_scope(const lineage_rule *r, const lineage_dump *d, unsigned build,
                    unsigned families)
{
    if (r->has_os) {
        if (!build)
            return 0;
        int ok = (r->families & families) != 0;
        for (size_t i = 0; i < r->nbuilds; i++)
            if (build >= r->builds[i].lo && build <= r->builds[i].hi)
                ok = 1;
        if (!ok)
            return 0;
    }
    if (r->arches && !(r->arches & (1u << d->arch)))
        return 0;
    return 1;
}

lineage_status lineage_checker_check(lineage_checker *ck, const lineage_dump *dump,
                                     lineage_findings *out, lineage_diag_list *diags)
{
    if (!ck || !dump || !out || !diags)
        return LINEAGE_E_ARG;
    const lineage_ruleset *set = ck->set;
    checker_sync(ck, dump->session);
    checker_group_dump(ck, dump);
    eval e;
    memset(&e, 0, sizeof e);
    e.ck = ck;
    e.set = set;
    e.dump = dump;
    e.out = out;
    e.diags = diags;
    e.status = LINEAGE_OK;
    /* The dump's own build; the one assumed only where it has none. */
    unsigned build = dump->build ? dump->build : ck->assumed_build;
    if (build != dump->build)
        findings_note_assumed(out, dump, build);
    unsigned families = build_families(build);
    for (size_t i = 0; i < set->nrules; i++) {
        const lineage_rule *r = set->rules[i];
        if (r->disabled || !in_scope(r, dump, build, families)) {
            e.check_ordinal += r->nchecks;
            continue;
        }
        for (size_t k = 0; k < r->nchecks; k++, e.check_ordinal++)
            check_rule(&e, r, &r->checks[k]);
    }
    checker_memo_clear(&e.errs);
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
