/* Normalization: linking a dump's processes into one tree.
 *
 * The policy (PPID 0, orphans under shared ABSENT nodes, PID reuse, self-
 * parents, cycles) is documented in include/lineage/tree.h and
 * docs/tree.md. Everything here is iterative and linear in the number of
 * processes: a PID index, one pass to pick parents, then passes over
 * compact arrays of parent indices to cut cycles and find depths, and one
 * pass to link the nodes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "model.h"

#define NONE ((size_t)-1)

/* PID -> first listed process with that PID; same_next chains later ones.
 *
 * The index is a sorted array searched by bisection rather than a hash
 * table: PIDs come from the input, and a fixed hash function lets a
 * crafted listing put every PID in one bucket, making the build quadratic
 * (100,000 such PIDs took seconds, a million would take hours). Sorting
 * (a radix sort, see sort_indices) is linear whatever the PIDs are, and
 * needs no random seed, so output stays deterministic. */
typedef struct pid_index {
    const lineage_dump *dump;
    size_t *order; /* process indices sorted by (PID, listing position) */
    uint64_t *keys; /* their PIDs */
    size_t n;
    size_t *same_next;
    /* Where to start bisecting: keys[bucket[b] .. bucket[b + 1]) are the
     * keys k with (k - keys[0]) >> shift == b. For PIDs spread over their
     * range (the usual case) a bucket holds a key or two; PIDs crafted
     * into one bucket only bring back plain bisection. */
    size_t *bucket;
    size_t nbuckets;
    unsigned shift;
} pid_index;

static void index_build_buckets(pid_index *ix)
{
    if (ix->n == 0)
        return;
    uint64_t range = ix->keys[ix->n - 1] - ix->keys[0];
    size_t want = 1;
    while (want < ix->n)
        want *= 2;
    ix->shift = 0;
    while (ix->shift < 64 && (range >> ix->shift) >= want)
        ix->shift++;
    ix->nbuckets = (size_t)(range >> ix->shift) + 1;
    ix->bucket = xmalloc((ix->nbuckets + 1) * sizeof *ix->bucket);
    size_t i = 0;
    for (size_t b = 0; b <= ix->nbuckets; b++) {
        while (i < ix->n && ((ix->keys[i] - ix->keys[0]) >> ix->shift) < b)
            i++;
        ix->bucket[b] = i;
    }
}

/* Position in ix->order of the first process with this PID, or NONE. */
static size_t index_lower_bound(const pid_index *ix, uint64_t pid)
{
    if (ix->n == 0 || pid < ix->keys[0] || pid > ix->keys[ix->n - 1])
        return NONE;
    size_t b0 = (size_t)((pid - ix->keys[0]) >> ix->shift);
    size_t first = ix->bucket[b0], len = ix->bucket[b0 + 1] - first;
    if (len == 0)
        return NONE;
    /* Branch-free bisection (a conditional move a step) in the bucket. */
    const uint64_t *b = ix->keys + first;
    while (len > 1) {
        size_t half = len / 2;
        b += b[half - 1] < pid ? half : 0;
        len -= half;
    }
    size_t lo = (size_t)(b - ix->keys) + (*b < pid);
    return lo < ix->n && ix->keys[lo] == pid ? lo : NONE;
}

static size_t index_lookup(const pid_index *ix, uint64_t pid)
{
    size_t at = index_lower_bound(ix, pid);
    return at == NONE ? NONE : ix->order[at];
}

typedef struct key_pair {
    uint64_t key;
    size_t index;
} key_pair;

/* Sorts process indices, given in ascending listing order, by (PID or
 * PPID, listing position), and stores the sorted keys in keys[]. A stable
 * least-significant-digit radix sort of (key, index) pairs, a byte a pass,
 * skipping the bytes in which every key agrees (PIDs below 2^16 take two
 * passes): O(n) for any PIDs, deterministic, no recursion, and comparisons
 * never chase pointers. Input already in key order is left as it is. */
static void sort_indices(size_t *order, uint64_t *keys, size_t n, const lineage_dump *d,
                         int by_ppid)
{
    if (n == 0)
        return;
    key_pair *a = xmalloc(n * sizeof *a);
    int sorted = 1;
    uint64_t differ = 0;
    for (size_t i = 0; i < n; i++) {
        const lineage_process *p = d->procs[order[i]];
        a[i].key = by_ppid ? p->ppid : p->pid;
        a[i].index = order[i];
        differ |= a[i].key ^ a[0].key;
        if (i && a[i].key < a[i - 1].key)
            sorted = 0;
    }
    if (!sorted) {
        key_pair *b = xmalloc(n * sizeof *b);
        key_pair *src = a, *dst = b;
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
            key_pair *t = src;
            src = dst;
            dst = t;
        }
        if (src != a)
            memcpy(a, src, n * sizeof *a);
        free(b);
    }
    for (size_t i = 0; i < n; i++) {
        order[i] = a[i].index;
        keys[i] = a[i].key;
    }
    free(a);
}

static void index_build(pid_index *ix, lineage_dump *d)
{
    ix->dump = d;
    ix->n = d->nprocs;
    ix->bucket = NULL;
    ix->nbuckets = 0;
    ix->shift = 0;
    ix->order = xmalloc((d->nprocs ? d->nprocs : 1) * sizeof *ix->order);
    ix->keys = xmalloc((d->nprocs ? d->nprocs : 1) * sizeof *ix->keys);
    ix->same_next = xmalloc((d->nprocs ? d->nprocs : 1) * sizeof *ix->same_next);
    for (size_t k = 0; k < d->nprocs; k++)
        ix->order[k] = k;
    sort_indices(ix->order, ix->keys, ix->n, d, 0);
    index_build_buckets(ix);
    /* Runs of one PID are in listing order, so each chain is too. */
    for (size_t i = 0; i < ix->n; i++) {
        size_t k = ix->order[i];
        ix->same_next[k] = i + 1 < ix->n && ix->keys[i + 1] == ix->keys[i] ? ix->order[i + 1] : NONE;
    }
}

static void index_free(pid_index *ix)
{
    free(ix->order);
    free(ix->keys);
    free(ix->same_next);
    free(ix->bucket);
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
    for (size_t k = 0; k < d->nprocs; k++) {
        if (ix->same_next[k] == NONE || index_lookup(ix, d->procs[k]->pid) != k)
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

/* Sets every process's link and parent; up[i] gets the index of process
 * i's parent, or NONE when it is not linked to a process, and link[i] a
 * copy of its link (the passes after work on these compact arrays). */
static void choose_parents(lineage_dump *d, const pid_index *ix, int has_pid0, size_t *up,
                           unsigned char *link)
{
    for (size_t i = 0; i < d->nprocs; i++) {
        lineage_process *c = d->procs[i];
        int rejected = 0;
        size_t p;
        up[i] = NONE;
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
            up[i] = p;
        } else if (rejected) {
            c->link = LINEAGE_LINK_REJECTED;
            lineage_diag_add(d->diags, LINEAGE_NOTE, d->source, c->line, 0, NULL, 0,
                             "parent link of %s to PID %s rejected: every listed process with "
                             "that PID was created after it (PID reuse)",
                             fmt_pid(d, c->pid, pid), fmt_pid(d, c->ppid, pid2));
        } else {
            c->link = LINEAGE_LINK_ORPHAN;
        }
        link[i] = (unsigned char)c->link;
    }
}

/* Walks up from every process once; a walk that meets its own stamp has
 * found a cycle, which is cut at its member listed first. The walks follow
 * up[] (process indices), not the processes, so they stay in two compact
 * arrays instead of chasing pointers across the dump. */
static void cut_cycles(lineage_dump *d, size_t *up, unsigned char *link)
{
    size_t *stamp = xcalloc(d->nprocs ? d->nprocs : 1, sizeof *stamp);
    for (size_t i = 0; i < d->nprocs; i++) {
        if (stamp[i])
            continue;
        size_t j = i;
        while (j != NONE && !stamp[j]) {
            stamp[j] = i + 1;
            j = up[j];
        }
        if (j == NONE || stamp[j] != i + 1)
            continue;
        size_t first = j, q = j, length = 0;
        do {
            q = up[q];
            length++;
            if (q < first)
                first = q;
        } while (q != j);
        up[first] = NONE;
        link[first] = LINEAGE_LINK_CYCLE;
        lineage_process *cut = d->procs[first];
        char pid[24];
        lineage_diag_add(d->diags, LINEAGE_WARNING, d->source, cut->line, 0, NULL, 0,
                         "parent links form a cycle of %zu processes; cut above %s, which is "
                         "shown at the top", length, fmt_pid(d, cut->pid, pid));
        cut->link = LINEAGE_LINK_CYCLE;
        cut->parent = NULL;
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

/* ABSENT nodes by missing PPID: the orphans sorted by (PPID, position),
 * with the node of each PPID stored at the first position of its run.
 * Sorted rather than hashed for the reason given at pid_index. */
typedef struct absent_map {
    size_t *order;
    uint64_t *keys; /* their PPIDs */
    lineage_node **nodes;
    size_t n;
} absent_map;

static lineage_node *absent_node(lineage_dump *d, absent_map *m, uint64_t ppid)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->keys[mid] < ppid)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* ppid is the PPID of a listed orphan, so lo is the start of its run. */
    if (!m->nodes[lo]) {
        lineage_node *n = arena_alloc(d->mem, sizeof *n);
        n->kind = LINEAGE_NODE_ABSENT;
        n->absent_pid = ppid;
        n->depth = 1;
        append_child(&d->root, n);
        d->absent_count++;
        m->nodes[lo] = n;
    }
    return m->nodes[lo];
}

/* Links every process's node under its parent's, its ABSENT node or the
 * root, in listing order, and gives it its depth. */
static void link_nodes(lineage_dump *d, const unsigned char *link, const size_t *depth)
{
    absent_map m;
    m.order = xmalloc((d->nprocs ? d->nprocs : 1) * sizeof *m.order);
    m.n = 0;
    for (size_t i = 0; i < d->nprocs; i++)
        if (link[i] == LINEAGE_LINK_ORPHAN || link[i] == LINEAGE_LINK_REJECTED)
            m.order[m.n++] = i;
    m.keys = xmalloc((m.n ? m.n : 1) * sizeof *m.keys);
    sort_indices(m.order, m.keys, m.n, d, 1);
    m.nodes = xcalloc(m.n ? m.n : 1, sizeof *m.nodes);
    for (size_t i = 0; i < d->nprocs; i++) {
        lineage_process *c = d->procs[i];
        c->node.depth = depth[i];
        switch ((lineage_link)link[i]) {
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
    free(m.order);
    free(m.keys);
    free(m.nodes);
}

/* Each process's depth in the tree: 1 for a top, 2 for an orphan (under
 * its ABSENT node, itself at depth 1), its parent's + 1 otherwise; the
 * root is at 0. Computed over up[] and link[] alone, with an explicit
 * stack of the processes whose parent's depth is not known yet (no
 * recursion, linear: each depth is set once). */
static void compute_depths(size_t n, const size_t *up, const unsigned char *link, size_t *depth)
{
    size_t *stack = xmalloc((n ? n : 1) * sizeof *stack);
    for (size_t i = 0; i < n; i++) {
        size_t top = 0, j = i;
        while (!depth[j] && up[j] != NONE && !depth[up[j]]) {
            stack[top++] = j;
            j = up[j];
        }
        if (!depth[j])
            depth[j] = up[j] != NONE ? depth[up[j]] + 1
                       : link[j] == LINEAGE_LINK_ORPHAN || link[j] == LINEAGE_LINK_REJECTED ? 2
                                                                                          : 1;
        while (top) {
            size_t k = stack[--top];
            depth[k] = depth[up[k]] + 1;
        }
    }
    free(stack);
}

void tree_build(lineage_dump *d)
{
    pid_index ix;
    index_build(&ix, d);
    report_duplicates(d, &ix);
    size_t n = d->nprocs ? d->nprocs : 1;
    size_t *up = xmalloc(n * sizeof *up);
    size_t *depth = xcalloc(n, sizeof *depth);
    unsigned char *link = xmalloc(n);
    choose_parents(d, &ix, index_lookup(&ix, 0) != NONE, up, link);
    index_free(&ix);
    cut_cycles(d, up, link);
    compute_depths(d->nprocs, up, link, depth);
    link_nodes(d, link, depth);
    free(up);
    free(depth);
    free(link);
}

static int same_diag(const lineage_diag *a, const lineage_diag *b)
{
    return lineage_diag_get_severity(a) == lineage_diag_get_severity(b) &&
           lineage_diag_get_line(a) == lineage_diag_get_line(b) &&
           strcmp(lineage_diag_get_message(a), lineage_diag_get_message(b)) == 0;
}

void tree_rebuild(lineage_dump *d)
{
    /* The old ABSENT nodes stay in the arena, unreachable. */
    memset(&d->root, 0, sizeof d->root);
    d->root.kind = LINEAGE_NODE_ROOT;
    d->absent_count = 0;
    for (size_t i = 0; i < d->nprocs; i++) {
        lineage_process *p = d->procs[i];
        lineage_node *n = &p->node;
        n->parent = n->first_child = n->last_child = n->prev = n->next = NULL;
        n->depth = n->child_count = 0;
        p->parent = NULL;
        p->link = LINEAGE_LINK_PARENT;
    }
    /* Build with a fresh diagnostic list and keep only the new records;
     * both lists are bounded by LINEAGE_MAX_DIAGS_PER_LIST. */
    lineage_diag_list *old = d->diags;
    lineage_diag_list *fresh = lineage_diag_list_new();
    d->diags = fresh;
    tree_build(d);
    d->diags = old;
    for (size_t i = 0; i < lineage_diag_list_count(fresh); i++) {
        const lineage_diag *nd = lineage_diag_list_get(fresh, i);
        int seen = 0;
        for (size_t j = 0; !seen && j < lineage_diag_list_count(old); j++)
            seen = same_diag(nd, lineage_diag_list_get(old, j));
        if (!seen)
            lineage_diag_add(old, lineage_diag_get_severity(nd), lineage_diag_get_source(nd),
                             lineage_diag_get_line(nd), lineage_diag_get_column(nd), NULL, 0, "%s",
                             lineage_diag_get_message(nd));
    }
    lineage_diag_list_free(fresh);
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
