/* A progress line on stderr for long runs (see progress.h). */
#define _POSIX_C_SOURCE 200809L
#include "progress.h"
#include "term.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_init(progress *p, unsigned files_total)
{
    /* No files: a quiet reading (a worker's copy of a baseline). */
    p->enabled = files_total > 0 && isatty(STDERR_FILENO) && cli_verbosity() >= 0;
    p->shown = 0;
    p->start = p->enabled ? now() : 0;
    p->last = 0;
    p->files_total = files_total;
}

void progress_update(progress *p, unsigned files_done, uint64_t dumps_done, uint64_t bytes_done)
{
    if (!p->enabled)
        return;
    double t = now();
    /* Nothing for the first second; then at most ten draws a second. */
    if (t - p->start < 1.0 || t - p->last < 0.1)
        return;
    p->last = t;
    double mb = (double)bytes_done / 1e6;
    /* \r and erase-to-end redraw the line in place. */
    fprintf(stderr, "\r\033[Klineage: %u/%u files, %llu dumps, %.0f MB, %.1f MB/s", files_done,
            p->files_total, (unsigned long long)dumps_done, mb, mb / (t - p->start));
    fflush(stderr);
    p->shown = 1;
}

void progress_clear(progress *p)
{
    if (!p->shown)
        return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    p->shown = 0;
}
