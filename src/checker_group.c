/* How a checker lays out one dump: its processes grouped by name, each
 * process's parent and children as indices, the groups listed by slot,
 * and the picking of a condition's processes in listing order. See
 * rules_eval.c for the design. */
#include "checker.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

/* Room for twice as many groups in every per-group array. */
static void grow_groups(lineage_checker *ck)
{
    size_t cap = ck->groups_cap ? ck->groups_cap * 2 : 64;
    ck->gstart = xrealloc(ck->gstart, (cap + 1) * sizeof *ck->gstart);
    ck->gfill = xrealloc(ck->gfill, cap * sizeof *ck->gfill);
    ck->gid = xrealloc(ck->gid, cap * sizeof *ck->gid);
    ck->gpick = xrealloc(ck->gpick, cap * sizeof *ck->gpick);
    free(ck->gsel);
    ck->gsel = xcalloc(cap, sizeof *ck->gsel);
    ck->groups_cap = cap;
}

/* The dump's groups listed by slot, in group order, when every group's
 * name knows its slots (slots_ok); a counting sort over the hits. */
static void list_slots(lineage_checker *ck)
{
    ck->slots_ok = 0;
    size_t total = 0;
    for (size_t g = 0; g < ck->ngroups; g++) {
        const name_info *ni = checker_group_name(ck, g);
        if (ni->slots_state != SLOTS_KNOWN)
            return;
        total += ni->nhits;
    }
    /* Starts are 32-bit: a set of thousands of patterns that all match a
     * dump of a million names takes the per-group tests instead. */
    if (total > UINT32_MAX)
        return;
    if (total > ck->slot_groups_cap) {
        free(ck->slot_groups);
        ck->slot_groups = xmalloc(total * sizeof *ck->slot_groups);
        ck->slot_groups_cap = total;
    }
    uint32_t *start = ck->slot_start;
    memset(start, 0, (ck->nslots + 1) * sizeof *start);
    for (size_t g = 0; g < ck->ngroups; g++) {
        const name_info *ni = checker_group_name(ck, g);
        for (uint32_t h = 0; h < ni->nhits; h++)
            start[ni->hits[h] + 1]++;
    }
    for (size_t k = 0; k < ck->nslots; k++)
        start[k + 1] += start[k];
    /* Placing moves each start to the next one's; shifted back after. */
    for (size_t g = 0; g < ck->ngroups; g++) {
        const name_info *ni = checker_group_name(ck, g);
        for (uint32_t h = 0; h < ni->nhits; h++)
            ck->slot_groups[start[ni->hits[h]]++] = (uint32_t)g;
    }
    for (size_t k = ck->nslots; k > 0; k--)
        start[k] = start[k - 1];
    start[0] = 0;
    ck->slots_ok = 1;
}

/* The index of a process of the dump, or FAR_PARENT for a pointer that is
 * not one. */
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
void checker_group_dump(lineage_checker *ck, const lineage_dump *d)
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
            uint32_t id = checker_name_id(ck, name);
            name_info *ni = &ck->names[id];
            if (ni->stamp != ck->stamp) {
                if (ck->ngroups == ck->groups_cap)
                    grow_groups(ck);
                ni->stamp = ck->stamp;
                ni->group = (uint32_t)ck->ngroups;
                ck->gid[ck->ngroups] = id;
                ck->gfill[ck->ngroups] = 0;
                ck->ngroups++;
                if (ni->slots_state == SLOTS_UNKNOWN)
                    checker_resolve_name(ck, ni);
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
const uint32_t *checker_pick(lineage_checker *ck, const uint32_t *sel, size_t nsel,
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

int checker_slot_groups(const lineage_checker *ck, uint32_t k, const uint32_t **groups,
                        size_t *n)
{
    if (!ck->slots_ok || k == NO_SLOT)
        return 0;
    *n = ck->slot_start[k + 1] - ck->slot_start[k];
    /* No group in any slot of the dump: slot_groups may not exist yet. */
    *groups = *n ? ck->slot_groups + ck->slot_start[k] : ck->gpick;
    return 1;
}

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
void checker_sessions(lineage_checker *ck, const lineage_dump *d)
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

void checker_group_free(lineage_checker *ck)
{
    free(ck->gstart);
    free(ck->gfill);
    free(ck->gid);
    free(ck->gsel);
    free(ck->gpick);
    free(ck->slot_groups);
    free_process_arrays(ck);
    free(ck->sessions);
    free(ck->psession);
}
