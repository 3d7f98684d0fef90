/* Normalization: linking a dump's processes into one tree.
 *
 * The policy (PPID 0, orphans under shared ABSENT nodes, PID reuse, self-
 * parents, cycles) is documented in include/lineage/tree.h and
 * docs/tree.md. Everything here is iterative and linear in the number of
 * processes.
 *
 * A dump's processes are big structs reached through pointers, and the
 * 15,000 of a large dump do not fit in the L2 cache, so every pass over
 * them costs a miss or two a process. The build reads them once, into
 * compact arrays (PIDs, PPIDs, create times), does all its work there
 * with 32-bit process numbers (the PID index, parents, depths, cycles,
 * children in listing order), and writes each process's link and node
 * once at the end. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "limits.h"
#include "model.h"

/* Node numbers (0..n-1 the processes in listing order, n the root,
 * n+1+a the ABSENT node a, at most one a process) fit in 32 bits. */
_Static_assert(LINEAGE_MAX_PROCESSES <= UINT32_MAX / 4, "node numbers must fit in uint32_t");

#define NONE UINT32_MAX
/* Sorted key arrays have this many UINT64_MAX after their n keys (see
 * index_lower_bound). */
#define PAD 4

/* The two passes over the processes ask for the one this far ahead, so
 * its cache misses overlap the work on the current one. */
#define AHEAD 8
#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(addr, write) __builtin_prefetch((addr), (write))
#else
#define PREFETCH(addr, write) ((void)(addr))
#endif
/* depth[] of a process whose walk in resolve_deferred is under way. */
#define WALKING UINT32_MAX

/* A node's children and siblings in listing order, as node number + 1
 * (0 for none, so zeroed memory is a node without children, and
 * node_at gives the node). One struct, so an append touches the
 * parent's entry and the previous sibling's, a cache line each. */
typedef struct kin {
    uint32_t count, first, last, prev, next;
} kin;

/* The scratch state of one build, carved from one allocation. */
typedef struct build {
    lineage_dump *d;
    uint32_t n;
    uint64_t *pid, *ppid, *ctime; /* by listing position */
    uint64_t *key_buf[2];         /* radix sort buffers */
    uint32_t *order_buf[2];
    /* The PID index: PIDs sorted, with the process numbers in that order
     * (NULL when the listing is already in PID order), and bucket starts
     * (see index_build). */
    const uint64_t *keys;
    const uint32_t *order;
    uint32_t *bucket;
    unsigned shift;
    int dups;            /* some PID is listed more than once */
    uint32_t *same_next; /* next process with the same PID (dups only) */
    uint32_t *live_at;   /* by PID run: last live process passed (dups only) */
    /* dups only: each PID's processes that have a create time, sorted by
     * (create time, listing position) in timed[]; the run of the PID whose
     * first sorted position is `at` is timed[tfirst[at] .. tend[at]). */
    struct timed *timed;
    uint32_t *tfirst, *tend;
    uint32_t *up;        /* parent process, then ABSENT node; NONE: the root */
    unsigned char *link;
    uint32_t *depth; /* 0 while it depends on a parent listed later */
    uint32_t *deferred, ndeferred; /* the processes left at depth 0 */
    uint32_t *tops, ntops;         /* the processes not under a process */
    uint32_t *stack;
    int cut; /* a cycle was cut */
    kin *kin; /* by node number */
    uint64_t *absent_pid;
    uint32_t nabsent;
} build;

/* PID index: a sorted array searched by bisection rather than a hash
 * table. PIDs come from the input, and a fixed hash function lets a
 * crafted listing put every PID in one bucket, making the build quadratic
 * (100,000 such PIDs took seconds, a million would take hours). Sorting
 * is linear whatever the PIDs are, and needs no random seed, so output
 * stays deterministic.
 *
 * Stable LSD radix sort of keys[] with their process numbers order[], a
 * byte a pass, skipping the bytes in which every key agrees (differ has
 * the bits in which some key differs from the first). *order NULL stands
 * for 0, 1, 2, ... Each pass writes into whichever of the build's two
 * buffers it is not reading; *keys and *order end up at the result. */
static void radix_sort(build *b, const uint64_t **keys, const uint32_t **order, size_t n,
                       uint64_t differ)
{
    const uint64_t *sk = *keys;
    const uint32_t *so = *order;
    for (unsigned shift = 0; shift < 64; shift += 8) {
        if (((differ >> shift) & 0xff) == 0)
            continue;
        int to = sk == b->key_buf[0]; /* the buffer not being read */
        uint64_t *dk = b->key_buf[to];
        uint32_t *dor = b->order_buf[to];
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++)
            count[((sk[i] >> shift) & 0xff) + 1]++;
        for (size_t k = 1; k < 257; k++)
            count[k] += count[k - 1];
        for (size_t i = 0; i < n; i++) {
            size_t at = count[(sk[i] >> shift) & 0xff]++;
            dk[at] = sk[i];
            dor[at] = so ? so[i] : (uint32_t)i;
        }
        sk = dk;
        so = dor;
    }
    *keys = sk;
    *order = so;
}

/* Sorts the PIDs unless the listing is in PID order already (a
 * generated listing often is) and builds the buckets: keys[bucket[x] .. bucket[x + 1]) are the
 * keys k with (k - keys[0]) >> shift == x. The shift drops the low bits
 * in which all PIDs agree (Windows PIDs are multiples of 4) and as many
 * more as keep the table within a power of two above the process count:
 * for PIDs spread over their range a bucket holds a PID or two, and PIDs
 * crafted into one bucket only bring back plain bisection. */
static void index_build(build *b, int sorted, uint64_t differ)
{
    size_t n = b->n;
    b->keys = b->pid;
    b->order = NULL;
    if (!sorted) {
        radix_sort(b, &b->keys, &b->order, n, differ);
        for (size_t i = 1; i < n; i++)
            b->dups |= b->keys[i] == b->keys[i - 1];
    }
    const uint64_t *keys = b->keys;
    uint64_t range = keys[n - 1] - keys[0], want = 1;
    while (want < n)
        want *= 2;
    b->shift = 0;
    while (b->shift < 63 && differ && !((differ >> b->shift) & 1))
        b->shift++;
    while (b->shift < 63 && (range >> b->shift) >= want)
        b->shift++;
    size_t nbuckets = (size_t)(range >> b->shift) + 1;
    /* Counts, then their running sum: no data-dependent branches. */
    uint32_t *bucket = b->bucket;
    memset(bucket, 0, (nbuckets + 1) * sizeof *bucket);
    for (size_t i = 0; i < n; i++)
        bucket[((keys[i] - keys[0]) >> b->shift) + 1]++;
    for (size_t x = 1; x <= nbuckets; x++)
        bucket[x] += bucket[x - 1];
}

/* Position in the sorted keys of the first process with this PID, or NONE. */
static uint32_t index_lower_bound(const build *b, uint64_t pid)
{
    const uint64_t *keys = b->keys;
    if (pid < keys[0] || pid > keys[b->n - 1])
        return NONE;
    size_t x = (size_t)((pid - keys[0]) >> b->shift);
    uint32_t first = b->bucket[x], len = b->bucket[x + 1] - first;
    if (len == 0)
        return NONE;
    const uint64_t *k = keys + first;
    if (len <= PAD) {
        /* Count the keys below pid without branching on them: keys past
         * the bucket are above pid, and the sorted keys are followed by
         * PAD keys of UINT64_MAX, so reading past the end is fine. */
        uint32_t below = 0;
        for (int t = 0; t < PAD; t++)
            below += k[t] < pid;
        uint32_t lo = first + below;
        return lo < b->n && keys[lo] == pid ? lo : NONE;
    }
    /* Branch-free bisection (a conditional move a step) in the bucket. */
    while (len > 1) {
        uint32_t half = len / 2;
        k += k[half - 1] < pid ? half : 0;
        len -= half;
    }
    uint32_t lo = (uint32_t)(k - keys) + (*k < pid);
    return lo < b->n && keys[lo] == pid ? lo : NONE;
}

static uint32_t at_position(const build *b, uint32_t at)
{
    return b->order ? b->order[at] : at;
}

/* The first listed process with this PID, or NONE. */
static uint32_t index_lookup(const build *b, uint64_t pid)
{
    uint32_t at = index_lower_bound(b, pid);
    return at == NONE ? NONE : at_position(b, at);
}

/* Writes a PID the way the dump's source prints it (hex or decimal). */
static const char *fmt_pid(const lineage_dump *d, uint64_t pid, char buf[24])
{
    snprintf(buf, 24, d->pid_base == 16 ? "0x%llx" : "%llu", (unsigned long long)pid);
    return buf;
}

/* Chains the processes of each PID in listing order (the sort is stable)
 * and says once per duplicated PID, in the listing order of its first
 * process, that it is listed more than once. Only when some PID is. */
static void report_duplicates(build *b)
{
    lineage_dump *d = b->d;
    for (uint32_t i = 0; i < b->n; i++) {
        uint32_t k = at_position(b, i);
        b->same_next[k] = i + 1 < b->n && b->keys[i + 1] == b->keys[i] ? at_position(b, i + 1)
                                                                         : NONE;
        b->live_at[i] = NONE;
    }
    for (uint32_t k = 0; k < b->n; k++) {
        if (b->same_next[k] == NONE || index_lookup(b, b->pid[k]) != k)
            continue;
        size_t count = 0;
        for (uint32_t j = k; j != NONE; j = b->same_next[j])
            count++;
        char pid[24];
        lineage_diag_add(d->diags, LINEAGE_NOTE, d->source, d->procs[k]->line, 0, NULL, 0,
                         "PID %s is listed %zu times (PID reuse); children link to the best "
                         "candidate", fmt_pid(d, b->pid[k], pid), count);
    }
}

typedef struct timed {
    uint64_t t;
    uint32_t i;
} timed;

static int timed_order(const void *x, const void *y)
{
    const timed *a = x, *b = y;
    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

/* When some PID is listed more than once: its timed processes sorted, so
 * that a child finds the youngest one created before it by bisection.
 * Walking every candidate for every child would be quadratic: a listing
 * can give one PID a hundred thousand times, and it as many children. */
static void index_times(build *b)
{
    size_t n = b->n, m = 0, run = 0;
    b->timed = xmalloc(n * sizeof *b->timed);
    b->tfirst = xmalloc(n * sizeof *b->tfirst);
    b->tend = xmalloc(n * sizeof *b->tend);
    for (size_t at = 0; at < n; at++) {
        if (at == 0 || b->keys[at] != b->keys[at - 1]) {
            run = at;
            b->tfirst[run] = (uint32_t)m;
        }
        uint32_t i = at_position(b, (uint32_t)at);
        if (b->ctime[i] != LINEAGE_UNKNOWN)
            b->timed[m++] = (timed){b->ctime[i], i};
        if (at + 1 == n || b->keys[at + 1] != b->keys[at]) {
            b->tend[run] = (uint32_t)m;
            qsort(b->timed + b->tfirst[run], m - b->tfirst[run], sizeof *b->timed, timed_order);
        }
    }
}

/* Picks the parent of process c among the processes listed with PID ==
 * c's PPID, the first of which is `first`, at sorted position `at`.
 * Create times decide where known; else the last live candidate listed
 * before the child, else the first candidate. Returns NONE and sets
 * *rejected when every timed candidate is younger than the child. */
static uint32_t pick_parent(const build *b, uint32_t c, uint32_t at, uint32_t first,
                            int *rejected)
{
    if (b->ctime[c] != LINEAGE_UNKNOWN && b->dups) {
        /* The last candidate created no later than c: the youngest such,
         * and of those the last listed. */
        uint32_t lo = b->tfirst[at], hi = b->tend[at], from = lo;
        if (lo < hi) {
            while (lo < hi) {
                uint32_t mid = lo + (hi - lo) / 2;
                if (b->timed[mid].t <= b->ctime[c])
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo == from) {
                *rejected = 1;
                return NONE;
            }
            return b->timed[lo - 1].i;
        }
    } else if (b->ctime[c] != LINEAGE_UNKNOWN && b->ctime[first] != LINEAGE_UNKNOWN) {
        /* The only candidate, timed. */
        if (b->ctime[first] <= b->ctime[c])
            return first;
        *rejected = 1;
        return NONE;
    }
    if (!b->dups)
        return first;
    /* choose_parents keeps live_at up to date as it goes, so no child
     * walks the chain of its candidates for the last live one. */
    return b->live_at[at] != NONE ? b->live_at[at] : first;
}

/* Whether the listing's order rules out this parent: in a listing in
 * creation order (kd, WinDbg) a process listed after the child was
 * created after it, so it is a later holder of a reused PID. Where both
 * create times are known, pick_parent has decided by them. */
static int listed_too_late(const build *b, uint32_t child, uint32_t parent)
{
    return b->d->creation_order && parent > child &&
           (b->ctime[child] == LINEAGE_UNKNOWN || b->ctime[parent] == LINEAGE_UNKNOWN);
}

/* Appends child to parent's children (node numbers). */
static void append(build *b, uint32_t parent, uint32_t child)
{
    kin *p = &b->kin[parent], *c = &b->kin[child];
    c->prev = p->last;
    c->next = 0;
    /* A select, not a branch: whether the parent has children yet is
     * anyone's guess. */
    uint32_t *slot = p->last ? &b->kin[p->last - 1].next : &p->first;
    *slot = child + 1;
    p->last = child + 1;
    p->count++;
}

static void unlink_child(build *b, uint32_t parent, uint32_t child)
{
    kin *p = &b->kin[parent], *c = &b->kin[child];
    if (c->prev)
        b->kin[c->prev - 1].next = c->next;
    else
        p->first = c->next;
    if (c->next)
        b->kin[c->next - 1].prev = c->prev;
    else
        p->last = c->prev;
    p->count--;
}

static int is_orphan(unsigned char link)
{
    return link == LINEAGE_LINK_ORPHAN || link == LINEAGE_LINK_REJECTED;
}

/* In listing order: gives every process its link, its parent process in
 * up[] (children appended to their parents as they come, so in listing
 * order), and its depth when its parent's is known already (the parent
 * was listed before: the common case); the others wait for
 * resolve_deferred. Says which processes are their own parents and which
 * links were rejected. */
static void choose_parents(build *b)
{
    lineage_dump *d = b->d;
    for (uint32_t i = 0; i < b->n; i++) {
        uint64_t pid = b->pid[i], ppid = b->ppid[i];
        uint32_t up = NONE, at, depth = 1;
        lineage_link link = LINEAGE_LINK_TOP;
        char s1[24], s2[24];
        if (ppid == 0) {
            /* No parent: System, and Idle (PID 0) where a format lists
             * it, which does not make System its child. */
            link = LINEAGE_LINK_TOP;
        } else if (pid == ppid) {
            link = LINEAGE_LINK_SELF;
            lineage_diag_add(d->diags, LINEAGE_WARNING, d->source, d->procs[i]->line, 0, NULL, 0,
                             "process %s is its own parent; shown at the top",
                             fmt_pid(d, pid, s1));
        } else if ((at = index_lower_bound(b, ppid)) == NONE) {
            link = LINEAGE_LINK_ORPHAN;
            depth = 2;
        } else {
            int rejected = 0;
            uint32_t first = at_position(b, at);
            up = b->dups || b->ctime[i] != LINEAGE_UNKNOWN ? pick_parent(b, i, at, first, &rejected)
                                                           : first;
            int too_late = !rejected && listed_too_late(b, i, up);
            if (rejected || too_late) {
                up = NONE;
                link = LINEAGE_LINK_REJECTED;
                depth = 2;
                lineage_diag_add(d->diags, LINEAGE_NOTE, d->source, d->procs[i]->line, 0, NULL, 0,
                                 too_late ? "parent link of %s to PID %s rejected: every process "
                                            "with that PID is listed after it, so was created "
                                            "after it (PID reuse)"
                                          : "parent link of %s to PID %s rejected: every listed "
                                            "process with that PID was created after it (PID "
                                            "reuse)",
                                 fmt_pid(d, pid, s1), fmt_pid(d, ppid, s2));
            } else {
                link = LINEAGE_LINK_PARENT;
                append(b, up, i);
                depth = up < i && b->depth[up] ? b->depth[up] + 1 : 0;
                if (!depth)
                    b->deferred[b->ndeferred++] = i;
            }
        }
        if (up == NONE)
            b->tops[b->ntops++] = i;
        b->up[i] = up;
        b->link[i] = (unsigned char)link;
        b->depth[i] = depth;
        if (b->dups && d->procs[i]->alive)
            b->live_at[index_lower_bound(b, pid)] = i;
    }
}

/* The depths choose_parents left open, and the cycles: from each such
 * process in listing order, walk up (an explicit stack, no recursion)
 * until a known depth, then set the depths on the way back. A walk that
 * meets its own path has found a cycle, which is cut at its member listed
 * first; that one goes to the top and the walk starts again. Each process
 * is walked at most twice, so this stays linear; and the cycles are found
 * in the same order as by walking from every process in listing order. */
static void resolve_deferred(build *b)
{
    lineage_dump *d = b->d;
    uint32_t *up = b->up, *depth = b->depth, *stack = b->stack;
    for (uint32_t k = 0; k < b->ndeferred; k++) {
        uint32_t i = b->deferred[k];
        if (depth[i])
            continue;
        size_t top;
        uint32_t j;
    again:
        top = 0;
        j = i;
        while (!depth[j]) {
            depth[j] = WALKING;
            stack[top++] = j;
            j = up[j];
        }
        if (depth[j] == WALKING) {
            size_t from = top;
            while (stack[from - 1] != j)
                from--;
            uint32_t cut = j;
            for (size_t x = from - 1; x < top; x++)
                cut = stack[x] < cut ? stack[x] : cut;
            unlink_child(b, up[cut], cut);
            up[cut] = NONE;
            b->link[cut] = LINEAGE_LINK_CYCLE;
            b->cut = 1;
            char pid[24];
            lineage_diag_add(d->diags, LINEAGE_WARNING, d->source, d->procs[cut]->line, 0, NULL,
                             0,
                             "parent links form a cycle of %zu processes; cut above %s, which "
                             "is shown at the top",
                             top - from + 1, fmt_pid(d, b->pid[cut], pid));
            for (size_t x = 0; x < top; x++)
                depth[stack[x]] = 0;
            depth[cut] = 1;
            goto again;
        }
        while (top) {
            uint32_t c = stack[--top];
            depth[c] = depth[up[c]] + 1;
        }
    }
}

/* Points each orphan's up[] at the ABSENT node of its PPID: the orphans
 * sorted by (PPID, position), one node a run. Sorted rather than hashed
 * for the reason given at radix_sort. */
static void number_absent(build *b)
{
    uint64_t *keys = b->key_buf[0];
    uint32_t *order = b->order_buf[0];
    size_t m = 0;
    int sorted = 1;
    uint64_t differ = 0;
    for (uint32_t t = 0; t < b->ntops; t++) {
        uint32_t i = b->tops[t];
        if (!is_orphan(b->link[i]))
            continue;
        keys[m] = b->ppid[i];
        order[m] = i;
        differ |= keys[m] ^ keys[0];
        sorted &= !m || keys[m] >= keys[m - 1];
        m++;
    }
    const uint64_t *sk = keys;
    const uint32_t *so = order;
    if (!sorted)
        radix_sort(b, &sk, &so, m, differ);
    for (size_t k = 0; k < m; k++) {
        if (k == 0 || sk[k] != sk[k - 1]) {
            b->absent_pid[b->nabsent] = sk[k];
            memset(&b->kin[b->n + 1 + b->nabsent], 0, sizeof *b->kin);
            b->nabsent++;
        }
        b->up[so[k]] = b->n + b->nabsent; /* n + 1 + its run */
    }
}

/* Puts the processes that are not under a process under the root or
 * their ABSENT node, and each ABSENT node under the root when its first
 * orphan comes, all in listing order. */
static void link_tops(build *b)
{
    uint32_t root = b->n;
    if (b->cut) {
        /* Cut processes were not among the tops: go over everyone. */
        b->ntops = 0;
        for (uint32_t i = 0; i < b->n; i++)
            if (b->up[i] == NONE || b->up[i] > root)
                b->tops[b->ntops++] = i;
    }
    for (uint32_t t = 0; t < b->ntops; t++) {
        uint32_t i = b->tops[t], u = b->up[i];
        if (u == NONE) {
            u = root;
        } else if (!b->kin[u].count) {
            append(b, root, u);
        }
        append(b, u, i);
    }
}

/* The node numbered v - 1 (kin's numbering: 0 is none). */
static lineage_node *node_at(const build *b, lineage_node *absent, uint32_t v)
{
    if (v > b->n)
        return v == b->n + 1 ? &b->d->root : &absent[v - b->n - 2];
    /* Most are processes or none: a select rather than a branch. */
    lineage_process *p = b->d->procs[v ? v - 1 : 0];
    return v ? &p->node : NULL;
}

/* Writes each process's link, parent and node, in listing order, and the
 * ABSENT nodes and the root's children. */
static void write_nodes(build *b)
{
    lineage_dump *d = b->d;
    uint32_t n = b->n, root = n;
    lineage_node *absent = NULL;
    if (b->nabsent)
        absent = arena_alloc(d->mem, b->nabsent * sizeof *absent);
    for (uint32_t i = 0; i < n; i++) {
        if (i + AHEAD < n) {
            const lineage_process *q = d->procs[i + AHEAD];
            PREFETCH(&q->link, 1);
            PREFETCH(&q->node.child_count, 1);
        }
        lineage_process *p = d->procs[i];
        lineage_node *node = &p->node;
        const kin *k = &b->kin[i];
        uint32_t u = b->up[i];
        p->link = (lineage_link)b->link[i];
        p->parent = p->link == LINEAGE_LINK_PARENT ? d->procs[u] : NULL;
        node->parent = node_at(b, absent, (u == NONE ? root : u) + 1);
        node->first_child = node_at(b, absent, k->first);
        node->last_child = node_at(b, absent, k->last);
        node->prev = node_at(b, absent, k->prev);
        node->next = node_at(b, absent, k->next);
        node->depth = b->depth[i];
        node->child_count = k->count;
    }
    for (uint32_t a = 0; a < b->nabsent; a++) {
        lineage_node *node = &absent[a];
        const kin *k = &b->kin[root + 1 + a];
        node->kind = LINEAGE_NODE_ABSENT;
        node->process = NULL;
        node->absent_pid = b->absent_pid[a];
        node->parent = &d->root;
        node->first_child = node_at(b, absent, k->first);
        node->last_child = node_at(b, absent, k->last);
        node->prev = node_at(b, absent, k->prev);
        node->next = node_at(b, absent, k->next);
        node->depth = 1;
        node->child_count = k->count;
    }
    const kin *k = &b->kin[root];
    if (k->count) {
        d->root.first_child = node_at(b, absent, k->first);
        d->root.last_child = node_at(b, absent, k->last);
        d->root.child_count = k->count;
    }
    d->absent_count = b->nabsent;
}

void tree_build(lineage_dump *d)
{
    size_t n = d->nprocs;
    if (n == 0)
        return;
    /* One block for the whole build: 64-bit arrays first, then pointers,
     * then 32-bit arrays, then bytes. Node arrays have room for the root
     * and an ABSENT node a process; the buckets for up to 2n + 1. */
    size_t nv = 2 * n + 1;
    size_t words = 6 * n + 3 * PAD, halves = 9 * n + (2 * n + 2);
    char *block = xmalloc(words * sizeof(uint64_t) + nv * sizeof(kin) +
                          halves * sizeof(uint32_t) + n);
    build b = {0};
    b.d = d;
    b.n = (uint32_t)n;
    uint64_t *w = (uint64_t *)block;
    b.pid = w, w += n + PAD;
    b.ppid = w, w += n;
    b.ctime = w, w += n;
    b.key_buf[0] = w, w += n + PAD;
    b.key_buf[1] = w, w += n + PAD;
    for (int t = 0; t < PAD; t++)
        b.pid[n + t] = b.key_buf[0][n + t] = b.key_buf[1][n + t] = UINT64_MAX;
    b.absent_pid = w, w += n;
    b.kin = (kin *)w;
    uint32_t *h = (uint32_t *)(b.kin + nv);
    b.order_buf[0] = h, h += n;
    b.order_buf[1] = h, h += n;
    b.same_next = h, h += n;
    b.live_at = h, h += n;
    b.up = h, h += n;
    b.depth = h, h += n;
    b.deferred = h, h += n;
    b.tops = h, h += n;
    b.stack = h, h += n;
    b.bucket = h, h += 2 * n + 2;
    b.link = (unsigned char *)h;

    /* The one read of the processes before write_nodes. */
    int sorted = 1, dups = 0;
    uint64_t differ = 0, prev = d->procs[0]->pid;
    for (size_t i = 0; i < n; i++) {
        if (i + AHEAD < n)
            PREFETCH(d->procs[i + AHEAD], 0);
        lineage_process *p = d->procs[i];
        uint64_t pid = p->pid;
        b.pid[i] = pid;
        b.ppid[i] = p->ppid;
        b.ctime[i] = p->create_time;
        differ |= pid ^ b.pid[0];
        sorted &= pid >= prev;
        dups |= i && pid == prev;
        prev = pid;
    }
    b.dups = sorted && dups; /* index_build finds them in unsorted PIDs */
    index_build(&b, sorted, differ);
    if (b.dups) {
        report_duplicates(&b);
        index_times(&b);
    }
    memset(b.kin, 0, (n + 1) * sizeof *b.kin);
    choose_parents(&b);
    resolve_deferred(&b);
    number_absent(&b);
    link_tops(&b);
    write_nodes(&b);
    free(b.timed);
    free(b.tfirst);
    free(b.tend);
    free(block);
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
