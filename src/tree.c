/* Normalization: linking a dump's processes into one tree.
 *
 * The policy (PPID 0, orphans under shared ABSENT nodes, PID reuse, self-
 * parents, cycles) is documented in include/lineage/tree.h and
 * docs/tree.md. Everything here is iterative and linear in the number of
 * processes: a PID index, one pass to pick parents, one pass to cut
 * cycles, one pass to link, one walk to set depths. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "model.h"

#define NONE ((size_t)-1)

/* PID -> first listed process with that PID; same_next chains later ones. */
typedef struct pid_index {
    uint64_t *keys;
    size_t *first;
    size_t mask;
    size_t *same_next;
} pid_index;

static size_t hash_pid(uint64_t pid, size_t mask)
{
    pid *= 0x9e3779b97f4a7c15ull;
    return (size_t)(pid >> 17) & mask;
}

static size_t index_lookup(const pid_index *ix, uint64_t pid)
{
    for (size_t i = hash_pid(pid, ix->mask);; i = (i + 1) & ix->mask) {
        if (ix->first[i] == NONE)
            return NONE;
        if (ix->keys[i] == pid)
            return ix->first[i];
    }
}

static void index_build(pid_index *ix, lineage_dump *d)
{
    size_t n = 16;
    while (n < d->nprocs * 2)
        n *= 2;
    ix->keys = xmalloc(n * sizeof *ix->keys);
    ix->first = xmalloc(n * sizeof *ix->first);
    memset(ix->first, 0xff, n * sizeof *ix->first);
    ix->mask = n - 1;
    ix->same_next = xmalloc((d->nprocs ? d->nprocs : 1) * sizeof *ix->same_next);
    /* Insert in reverse so each chain runs in listing order. */
    for (size_t k = d->nprocs; k-- > 0;) {
        uint64_t pid = d->procs[k]->pid;
        size_t i = hash_pid(pid, ix->mask);
        while (ix->first[i] != NONE && ix->keys[i] != pid)
            i = (i + 1) & ix->mask;
        ix->same_next[k] = ix->first[i];
        ix->keys[i] = pid;
        ix->first[i] = k;
    }
}

static void index_free(pid_index *ix)
{
    free(ix->keys);
    free(ix->first);
    free(ix->same_next);
}

/* Writes a PID the way the dump's source prints it (hex or decimal). */
static const char *fmt_pid(const lineage_dump *d, uint64_t pid, char buf[24])
{
    snprintf(buf, 24, d->pid_base == 16 ? "0x%llx" : "%llu", (unsigned long long)pid);
    return buf;
}

/* Says once per duplicated PID that it is listed more than once. */
static void report_duplicates(lineage_dump *d, const pid_index *ix)
{
    for (size_t i = 0; i <= ix->mask; i++) {
        size_t k = ix->first[i];
        if (k == NONE || ix->same_next[k] == NONE)
            continue;
        size_t count = 0;
        for (size_t j = k; j != NONE; j = ix->same_next[j])
            count++;
        char pid[24];
        lineage_diag_add(d->diags, LINEAGE_NOTE, d->source, d->procs[k]->line, 0, NULL, 0,
                         "PID %s is listed %zu times (PID reuse); children link to the best "
                         "candidate", fmt_pid(d, d->procs[k]->pid, pid), count);
    }
}

/* Picks the parent among the processes listed with PID == child's PPID.
 * Create times decide where known; else the last live candidate listed
 * before the child, else the first candidate. Returns NONE and sets
 * *rejected when every timed candidate is younger than the child. */
static size_t pick_parent(const lineage_dump *d, const pid_index *ix, const lineage_process *c,
                          int *rejected)
{
    size_t first = index_lookup(ix, c->ppid);
    *rejected = 0;
    if (first == NONE)
        return NONE;
    if (c->create_time != LINEAGE_UNKNOWN) {
        size_t best = NONE, timed = 0;
        for (size_t j = first; j != NONE; j = ix->same_next[j]) {
            const lineage_process *p = d->procs[j];
            if (p->create_time == LINEAGE_UNKNOWN)
                continue;
            timed++;
            if (p->create_time <= c->create_time &&
                (best == NONE || p->create_time >= d->procs[best]->create_time))
                best = j;
        }
        if (best != NONE)
            return best;
        if (timed) {
            *rejected = 1;
            return NONE;
        }
    }
    if (ix->same_next[first] == NONE)
        return first;
    size_t live_before = NONE;
    for (size_t j = first; j != NONE && j < c->index; j = ix->same_next[j])
        if (d->procs[j]->alive)
            live_before = j;
    return live_before != NONE ? live_before : first;
}

static void choose_parents(lineage_dump *d, const pid_index *ix, int has_pid0)
{
    for (size_t i = 0; i < d->nprocs; i++) {
        lineage_process *c = d->procs[i];
        int rejected = 0;
        size_t p;
        char pid[24], pid2[24];
        if (c->pid == c->ppid) {
            c->link = LINEAGE_LINK_SELF;
            lineage_diag_add(d->diags, LINEAGE_WARNING, d->source, c->line, 0, NULL, 0,
                             "process %s is its own parent; shown at the top",
                             fmt_pid(d, c->pid, pid));
        } else if (c->ppid == 0 && !has_pid0) {
            c->link = LINEAGE_LINK_TOP;
        } else if ((p = pick_parent(d, ix, c, &rejected)) != NONE) {
            c->link = LINEAGE_LINK_PARENT;
            c->parent = d->procs[p];
        } else if (rejected) {
            c->link = LINEAGE_LINK_REJECTED;
            lineage_diag_add(d->diags, LINEAGE_NOTE, d->source, c->line, 0, NULL, 0,
                             "parent link of %s to PID %s rejected: every listed process with "
                             "that PID was created after it (PID reuse)",
                             fmt_pid(d, c->pid, pid), fmt_pid(d, c->ppid, pid2));
        } else {
            c->link = LINEAGE_LINK_ORPHAN;
        }
    }
}

/* Walks up from every process once; a walk that meets its own stamp has
 * found a cycle, which is cut at its member listed first. */
static void cut_cycles(lineage_dump *d)
{
    size_t *stamp = xcalloc(d->nprocs ? d->nprocs : 1, sizeof *stamp);
    for (size_t i = 0; i < d->nprocs; i++) {
        if (stamp[i])
            continue;
        lineage_process *p = d->procs[i];
        while (p && !stamp[p->index]) {
            stamp[p->index] = i + 1;
            p = p->link == LINEAGE_LINK_PARENT ? p->parent : NULL;
        }
        if (!p || stamp[p->index] != i + 1)
            continue;
        lineage_process *first = p, *q = p;
        size_t length = 0;
        do {
            q = q->parent;
            length++;
            if (q->index < first->index)
                first = q;
        } while (q != p);
        char pid[24];
        lineage_diag_add(d->diags, LINEAGE_WARNING, d->source, first->line, 0, NULL, 0,
                         "parent links form a cycle of %zu processes; cut above %s, which is "
                         "shown at the top", length, fmt_pid(d, first->pid, pid));
        first->link = LINEAGE_LINK_CYCLE;
        first->parent = NULL;
    }
    free(stamp);
}

static void append_child(lineage_node *parent, lineage_node *child)
{
    child->parent = parent;
    child->prev = parent->last_child;
    child->next = NULL;
    if (parent->last_child)
        parent->last_child->next = child;
    else
        parent->first_child = child;
    parent->last_child = child;
    parent->child_count++;
}

/* ABSENT nodes by missing PPID, found through a small open-addressing map. */
typedef struct absent_map {
    uint64_t *keys;
    lineage_node **nodes;
    size_t mask;
} absent_map;

static lineage_node *absent_node(lineage_dump *d, absent_map *m, uint64_t ppid)
{
    size_t i = hash_pid(ppid, m->mask);
    while (m->nodes[i] && m->keys[i] != ppid)
        i = (i + 1) & m->mask;
    if (!m->nodes[i]) {
        lineage_node *n = arena_alloc(d->mem, sizeof *n);
        n->kind = LINEAGE_NODE_ABSENT;
        n->absent_pid = ppid;
        append_child(&d->root, n);
        d->absent_count++;
        m->keys[i] = ppid;
        m->nodes[i] = n;
    }
    return m->nodes[i];
}

static void link_nodes(lineage_dump *d)
{
    absent_map m;
    size_t n = 16;
    while (n < d->nprocs * 2)
        n *= 2;
    m.keys = xmalloc(n * sizeof *m.keys);
    m.nodes = xcalloc(n, sizeof *m.nodes);
    m.mask = n - 1;
    for (size_t i = 0; i < d->nprocs; i++) {
        lineage_process *c = d->procs[i];
        switch (c->link) {
        case LINEAGE_LINK_PARENT:
            append_child(&c->parent->node, &c->node);
            break;
        case LINEAGE_LINK_ORPHAN:
        case LINEAGE_LINK_REJECTED:
            append_child(absent_node(d, &m, c->ppid), &c->node);
            break;
        case LINEAGE_LINK_TOP:
        case LINEAGE_LINK_SELF:
        case LINEAGE_LINK_CYCLE:
            append_child(&d->root, &c->node);
            break;
        }
    }
    free(m.keys);
    free(m.nodes);
}

/* Preorder walk over the links (no stack) giving each node its depth. */
static void set_depths(lineage_dump *d)
{
    lineage_node *root = &d->root, *n = root->first_child;
    while (n) {
        n->depth = n->parent->depth + 1;
        if (n->first_child) {
            n = n->first_child;
            continue;
        }
        while (n != root && !n->next)
            n = n->parent;
        n = n == root ? NULL : n->next;
    }
}

void tree_build(lineage_dump *d)
{
    pid_index ix;
    index_build(&ix, d);
    report_duplicates(d, &ix);
    choose_parents(d, &ix, index_lookup(&ix, 0) != NONE);
    index_free(&ix);
    cut_cycles(d);
    link_nodes(d);
    set_depths(d);
}

/* ---- accessors and the iterator ---------------------------------------- */

const lineage_node *lineage_dump_get_root(const lineage_dump *d) { return &d->root; }
size_t lineage_dump_absent_count(const lineage_dump *d) { return d->absent_count; }
lineage_node_kind lineage_node_get_kind(const lineage_node *n) { return n->kind; }
const lineage_process *lineage_node_get_process(const lineage_node *n) { return n->process; }
uint64_t lineage_node_get_absent_pid(const lineage_node *n) { return n->absent_pid; }
const lineage_node *lineage_node_get_parent(const lineage_node *n) { return n->parent; }
const lineage_node *lineage_node_get_first_child(const lineage_node *n) { return n->first_child; }
const lineage_node *lineage_node_get_last_child(const lineage_node *n) { return n->last_child; }
const lineage_node *lineage_node_get_next(const lineage_node *n) { return n->next; }
const lineage_node *lineage_node_get_prev(const lineage_node *n) { return n->prev; }
size_t lineage_node_get_depth(const lineage_node *n) { return n->depth; }
size_t lineage_node_get_child_count(const lineage_node *n) { return n->child_count; }
const lineage_node *lineage_process_get_node(const lineage_process *p) { return &p->node; }
lineage_link lineage_process_get_link(const lineage_process *p) { return p->link; }
const lineage_process *lineage_process_get_parent(const lineage_process *p) { return p->parent; }

struct lineage_iter {
    const lineage_node *start;
    const lineage_node *cur;
    lineage_event ev;
};

lineage_iter *lineage_iter_new(const lineage_node *node)
{
    lineage_iter *it = xcalloc(1, sizeof *it);
    it->start = node;
    it->ev = LINEAGE_EVENT_DONE;
    return it;
}

lineage_event lineage_iter_next(lineage_iter *it)
{
    if (!it->cur) {
        if (it->ev != LINEAGE_EVENT_DONE || !it->start)
            return LINEAGE_EVENT_DONE;
        it->cur = it->start;
        return it->ev = LINEAGE_EVENT_ENTER;
    }
    if (it->ev == LINEAGE_EVENT_ENTER) {
        if (it->cur->first_child) {
            it->cur = it->cur->first_child;
            return it->ev = LINEAGE_EVENT_ENTER;
        }
        return it->ev = LINEAGE_EVENT_EXIT;
    }
    if (it->ev == LINEAGE_EVENT_EXIT) {
        if (it->cur == it->start) {
            it->ev = LINEAGE_EVENT_DONE;
            it->start = NULL;
            return LINEAGE_EVENT_DONE;
        }
        if (it->cur->next) {
            it->cur = it->cur->next;
            return it->ev = LINEAGE_EVENT_ENTER;
        }
        it->cur = it->cur->parent;
        return it->ev = LINEAGE_EVENT_EXIT;
    }
    return LINEAGE_EVENT_DONE;
}

const lineage_node *lineage_iter_get_node(const lineage_iter *it) { return it->cur; }
void lineage_iter_free(lineage_iter *it) { free(it); }

/* ---- integrity check --------------------------------------------------- */

static int node_links_ok(const lineage_node *n)
{
    size_t count = 0;
    const lineage_node *prev = NULL;
    for (const lineage_node *c = n->first_child; c; c = c->next) {
        if (c->parent != n || c->prev != prev || c->depth != n->depth + 1)
            return 0;
        if (++count > n->child_count)
            return 0;
        prev = c;
    }
    return count == n->child_count && n->last_child == prev;
}

int lineage_dump_check_tree(const lineage_dump *d)
{
    if (d->root.parent || d->root.depth != 0 || d->root.kind != LINEAGE_NODE_ROOT)
        return 0;
    unsigned char *seen = xcalloc(d->nprocs ? d->nprocs : 1, 1);
    size_t steps = 0, limit = 2 * (d->nprocs + d->absent_count + 1) + 2, absent = 0, procs = 0;
    int ok = 1;
    lineage_iter *it = lineage_iter_new(&d->root);
    lineage_event ev;
    while (ok && (ev = lineage_iter_next(it)) != LINEAGE_EVENT_DONE) {
        if (++steps > limit) {
            ok = 0;
            break;
        }
        const lineage_node *n = lineage_iter_get_node(it);
        if (ev != LINEAGE_EVENT_ENTER)
            continue;
        ok = node_links_ok(n);
        if (n->kind == LINEAGE_NODE_PROCESS) {
            const lineage_process *p = n->process;
            if (p->index >= d->nprocs || d->procs[p->index] != p || seen[p->index] ||
                &p->node != n)
                ok = 0;
            else
                seen[p->index] = 1;
            procs++;
            if (p->link == LINEAGE_LINK_PARENT && n->parent != &p->parent->node)
                ok = 0;
        } else if (n->kind == LINEAGE_NODE_ABSENT) {
            absent++;
            if (n->parent != &d->root || !n->first_child)
                ok = 0;
        } else if (n != &d->root) {
            ok = 0;
        }
    }
    lineage_iter_free(it);
    free(seen);
    return ok && procs == d->nprocs && absent == d->absent_count;
}
