/* Merging a scan listing into a list listing of the same memory image.
 *
 * A list listing (pslist, kd !process, ...) walks the kernel's active
 * process list; a scan listing (psscan) carves EPROCESS structures out of
 * pool memory, so it also finds processes that have exited but are not
 * yet freed, and processes a rootkit unlinked from the list. Comparing the
 * two is the classic cross-view check: a process only the scan sees that
 * still runs (no exit time, threads left) is hidden; one with an exit time
 * or no thread is merely exited.
 *
 * Matching is by PID and create time where both listings give one (PIDs
 * are reused, create times are not), else by PID and case-folded name.
 * The listed PIDs are sorted once, so a merge is O((n + m) log n). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "model.h"

static int by_pid(const void *a, const void *b)
{
    const lineage_process *x = *(const lineage_process *const *)a;
    const lineage_process *y = *(const lineage_process *const *)b;
    if (x->pid != y->pid)
        return x->pid < y->pid ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int same_process(const lineage_process *l, const lineage_process *s)
{
    if (l->create_time != LINEAGE_UNKNOWN && s->create_time != LINEAGE_UNKNOWN)
        return l->create_time == s->create_time;
    return lineage_name_folded(lineage_name_full(l->name)) ==
           lineage_name_folded(lineage_name_full(s->name));
}

/* Whether a listed process (sorted[0..n)) is the scan's process s. */
static int listed(lineage_process *const *sorted, size_t n, const lineage_process *s)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid]->pid < s->pid)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < n && sorted[i]->pid == s->pid; i++)
        if (same_process(sorted[i], s))
            return 1;
    return 0;
}

static const char *copy(lineage_dump *d, const char *s)
{
    return s ? arena_strndup(d->mem, s, strlen(s)) : NULL;
}

/* A scan of another image would make every process of it "hidden", the
 * mark of a rootkit: say so where the two cannot be of one image. `matched`
 * counts the scan's processes found among the list's `listed_before`. */
static void warn_if_other_image(lineage_dump *list, size_t listed_before, const lineage_dump *scan,
                                size_t matched)
{
    if (list->build && scan->build && list->build != scan->build)
        lineage_diag_add(list->diags, LINEAGE_WARNING, scan->source, scan->first_line, 0, NULL, 0,
                         "the scan is of Windows build %u and the list of build %u: not the "
                         "same image? Its processes are merged as asked",
                         scan->build, list->build);
    /* A scan of the same image finds every listed process, the object
     * being in memory whether linked or not; a cut scan finds fewer. */
    if (matched * 2 < listed_before)
        lineage_diag_add(list->diags, LINEAGE_WARNING, scan->source, scan->first_line, 0, NULL, 0,
                         "only %zu of the list's %zu processes %s in the scan: not the same "
                         "image, or the scan cut short? Its processes are merged as asked",
                         matched, listed_before, matched == 1 ? "is" : "are");
}

lineage_status lineage_dump_merge_scan(lineage_dump *list, const lineage_dump *scan)
{
    if (!list || !scan || list->session != scan->session || list == scan)
        return LINEAGE_E_ARG;
    lineage_status st = LINEAGE_OK;
    size_t n = list->nprocs;
    lineage_process **sorted = xmalloc((n ? n : 1) * sizeof *sorted);
    memcpy(sorted, list->procs, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, by_pid);
    size_t added = 0, matched = 0;
    for (size_t i = 0; i < scan->nprocs; i++) {
        const lineage_process *s = scan->procs[i];
        if (listed(sorted, n, s)) {
            matched++;
            continue;
        }
        lineage_process *p = dump_add_process(list, s->line);
        if (!p) {
            lineage_diag_add(list->diags, LINEAGE_ERROR, scan->source, s->line, 0, NULL, 0,
                             "too many processes after adding the scan's; the rest of the scan "
                             "is left out");
            st = LINEAGE_E_LIMIT;
            break;
        }
        added++;
        p->pid = s->pid;
        p->ppid = s->ppid;
        p->threads = s->threads;
        p->create_time = s->create_time;
        p->exit_time = s->exit_time;
        p->eprocess = s->eprocess;
        p->session = s->session;
        p->name = s->name; /* interned in the shared session */
        p->command_line = copy(list, s->command_line);
        p->user = copy(list, s->user);
        p->image_path = copy(list, s->image_path);
        p->integrity = copy(list, s->integrity);
        p->process_guid = copy(list, s->process_guid);
        p->source = copy(list, scan->source); /* the evidence is in the scan file */
        p->alive = s->exit_time == LINEAGE_UNKNOWN && s->threads != 0 && s->alive;
        p->hidden = p->alive;
        if (p->hidden) {
            char pid[24];
            snprintf(pid, sizeof pid, scan->pid_base == 16 ? "0x%llx" : "%llu",
                     (unsigned long long)s->pid);
            lineage_diag_add(list->diags, LINEAGE_NOTE, scan->source, s->line, 0, NULL, 0,
                             "process %s (%s) is in the scan but not in the process list and "
                             "has not exited: hidden (possibly unlinked from the list)",
                             pid, lineage_name_text(s->name));
        }
    }
    free(sorted);
    warn_if_other_image(list, n, scan, matched);
    if (added) {
        /* The scan's processes join at the end of the listing whenever
         * they were created. */
        list->creation_order = 0;
        tree_rebuild(list);
    }
    return st;
}
