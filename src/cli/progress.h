/* A progress line on stderr for long runs: files and dumps done and MB/s.
 *
 * Shown only when stderr is a terminal and -q was not given, and only once
 * the run has lasted about a second, so short runs and redirected output
 * never see it. Anything else written to stderr or to a terminal stdout
 * must call progress_clear first, which erases the line; the next update
 * draws it again. Used by the main thread only. */
#ifndef LINEAGE_CLI_PROGRESS_H
#define LINEAGE_CLI_PROGRESS_H

#include <stdint.h>

typedef struct progress {
    int enabled;
    int shown;        /* the line is on the screen */
    double start;     /* seconds, monotonic */
    double last;      /* last draw */
    unsigned files_total;
} progress;

void progress_init(progress *p, unsigned files_total);
/* Redraws at most ten times a second. */
void progress_update(progress *p, unsigned files_done, uint64_t dumps_done, uint64_t bytes_done);
/* Erases the line if it is shown. */
void progress_clear(progress *p);

#endif
