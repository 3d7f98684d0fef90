/* Reading every dump of every input file, for all subcommands.
 *
 * With -j N (N > 1) and more than one file, N worker threads read the
 * files. The design: a lineage_session is not thread-safe (interning,
 * cut-name resolution and lineage keys write to it) and names are compared
 * by pointer within a session, so each worker has a session and a
 * subcommand context of its own (its own compiled rules, or its own copy
 * of the baseline) and reads whole files with them; nothing the library
 * holds is shared between threads. A file's results depend only on the
 * file and on what the worker loaded before reading, never on the files
 * read before it, so any worker gives the same bytes as the main thread
 * would. Each file's output and messages are collected in memory
 * (open_memstream) and the main thread prints them whole, in input order;
 * workers may run at most a window of files ahead of the printing, so
 * memory stays bounded by a few files' output. One giant file is read by
 * one thread: its dumps are parsed in order by one reader. */
#define _POSIX_C_SOURCE 200809L
#include "inputs.h"
#include "progress.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Files a worker may read ahead of the one being printed, per worker. */
#define JOBS_WINDOW_PER_WORKER 4

typedef struct file_result {
    int rc;
    uint64_t dumps, bytes;
    size_t problems;
} file_result;

/* Reads one file; messages go to `err`. Returns the file's exit code
 * (EXIT_USAGE stops the whole run). `pg` (main thread only) may be NULL;
 * `base` is what earlier files contributed to the progress figures. */
static int read_file(lineage_session *session, const char *path, const cli_input_options *o,
                     cli_dump_fn fn, void *ctx, FILE *err, file_result *res, progress *pg,
                     unsigned files_done, const file_result *base)
{
    int status = EXIT_CLEAN;
    lineage_reader *r = NULL;
    lineage_status st = lineage_reader_open(session, path, o->format, &r);
    if (st != LINEAGE_OK) {
        cli_print_diags_to(err, lineage_reader_get_diags(r));
        lineage_reader_free(r);
        return st == LINEAGE_E_ARG ? EXIT_USAGE : EXIT_INPUT;
    }
    lineage_dump *d = NULL;
    while ((st = lineage_reader_next(r, &d)) == LINEAGE_OK && d) {
        res->dumps++;
        /* The line is erased while the dump's messages and output are
         * written and drawn again after, so it stays up while the next
         * dump is parsed (most of the time). */
        if (pg)
            progress_clear(pg);
        res->problems += cli_print_diags_to(err, lineage_dump_get_diags(d));
        /* An error inside a dump (a malformed document, say) means part of
         * the input was lost: the dump is still shown, but the run fails. */
        if (lineage_diag_list_count_at_least(lineage_dump_get_diags(d), LINEAGE_ERROR))
            status = EXIT_INPUT;
        int rc = fn(ctx, d);
        lineage_dump_free(d);
        if (pg)
            progress_update(pg, files_done, base->dumps + res->dumps,
                            base->bytes + lineage_reader_get_bytes_read(r));
        if (rc != EXIT_CLEAN && rc > status)
            status = rc;
    }
    lineage_dump_free(d);
    res->bytes = lineage_reader_get_bytes_read(r);
    res->problems += cli_print_diags_to(err, lineage_reader_get_diags(r));
    if (st != LINEAGE_OK)
        status = EXIT_INPUT;
    else if (lineage_reader_get_dump_count(r) == 0) {
        fprintf(err, "lineage: %s: no dump found (format %s)\n", path,
                lineage_reader_get_format(r));
        status = EXIT_INPUT;
    }
    lineage_reader_free(r);
    return status;
}

static int finish(const cli_input_options *o, int status, size_t problems)
{
    if (o->strict && problems && status == EXIT_CLEAN) {
        fprintf(o->err ? o->err : stderr, "lineage: --strict: %zu warning%s in the input\n",
                problems, problems == 1 ? "" : "s");
        status = EXIT_INPUT;
    }
    return status;
}

int cli_read_inputs(lineage_session *session, char **files, int nfiles, const cli_input_options *o,
                    cli_dump_fn fn, void *ctx)
{
    int status = EXIT_CLEAN;
    file_result total = {0, 0, 0, 0};
    FILE *err = o->err ? o->err : stderr;
    progress pg;
    progress_init(&pg, err == stderr ? (unsigned)nfiles : 0);
    for (int f = 0; f < nfiles; f++) {
        if (strcmp(files[f], "--") == 0)
            continue;
        file_result res = {0, 0, 0, 0};
        int rc = read_file(session, files[f], o, fn, ctx, err, &res, &pg, (unsigned)f, &total);
        total.dumps += res.dumps;
        total.bytes += res.bytes;
        total.problems += res.problems;
        if (rc == EXIT_USAGE) {
            progress_clear(&pg);
            return EXIT_USAGE;
        }
        if (rc > status)
            status = rc;
        progress_update(&pg, (unsigned)f + 1, total.dumps, total.bytes);
    }
    progress_clear(&pg);
    return finish(o, status, total.problems);
}

int cli_parse_jobs(const char *value)
{
    char *end;
    errno = 0;
    long n = strtol(value, &end, 10);
    if (errno || end == value || *end || n < 0 || n > 1024) {
        cli_error("-j wants a number of threads from 0 (one per CPU) to 1024, not '%s'", value);
        return -1;
    }
    if (n == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        n = cpus > 0 ? (cpus > 1024 ? 1024 : cpus) : 1;
    }
    return (int)n;
}

/* ---- worker threads ----------------------------------------------------- */

typedef struct slot {
    char *out, *err;
    size_t outlen, errlen;
    file_result res;
    int done;
} slot;

typedef struct pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    const cli_jobs *jobs;
    const cli_input_options *o;
    char **files;
    int nfiles;
    slot *slots;
    int next;     /* the next file to hand out */
    int printed;  /* files printed so far */
    int window;   /* how far ahead of `printed` workers may go */
    int live;     /* workers still running */
    int stop;     /* the main thread stopped early */
} pool;

/* One worker thread: its context and session outlive the thread, so the
 * main thread frees them (and merges what they found) after the join,
 * when no worker can be copying the shared context any more. */
typedef struct worker {
    pool *p;
    void *ctx;
    lineage_session *session;
} worker;

static void *worker_main(void *arg)
{
    worker *me = arg;
    pool *p = me->p;
    lineage_session *session = NULL;
    void *ctx = p->jobs->worker_new(p->jobs->shared, &session);
    me->ctx = ctx;
    me->session = session;
    for (;;) {
        if (!ctx)
            break;
        pthread_mutex_lock(&p->mu);
        while (!p->stop && p->next < p->nfiles && p->next >= p->printed + p->window)
            pthread_cond_wait(&p->cv, &p->mu);
        int f = p->stop ? p->nfiles : p->next;
        if (f < p->nfiles)
            p->next++;
        pthread_mutex_unlock(&p->mu);
        if (f >= p->nfiles)
            break;
        slot s;
        memset(&s, 0, sizeof s);
        if (strcmp(p->files[f], "--") != 0) {
            FILE *out = open_memstream(&s.out, &s.outlen);
            FILE *err = open_memstream(&s.err, &s.errlen);
            if (!out || !err) {
                /* Out of memory: report it in input order. */
                if (out)
                    fclose(out);
                if (err)
                    fclose(err);
                free(s.out);
                free(s.err);
                s.out = s.err = NULL;
                s.outlen = s.errlen = 0;
                s.res.rc = EXIT_INPUT;
            } else {
                p->jobs->set_output(ctx, out, err);
                s.res.rc = read_file(session, p->files[f], p->o, p->jobs->dump, ctx, err, &s.res,
                                     NULL, 0, NULL);
                p->jobs->set_output(ctx, NULL, NULL);
                fclose(out);
                fclose(err);
            }
        }
        pthread_mutex_lock(&p->mu);
        s.done = 1;
        p->slots[f] = s;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
    pthread_mutex_lock(&p->mu);
    p->live--;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

int cli_read_inputs_jobs(char **files, int nfiles, const cli_input_options *o,
                         const cli_jobs *jobs, int *printed)
{
    int nworkers = o->jobs < nfiles ? o->jobs : nfiles;
    if (nworkers < 1)
        nworkers = 1;
    pool p;
    memset(&p, 0, sizeof p);
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    p.jobs = jobs;
    p.o = o;
    p.files = files;
    p.nfiles = nfiles;
    p.slots = calloc((size_t)nfiles, sizeof *p.slots);
    p.window = nworkers * JOBS_WINDOW_PER_WORKER;
    pthread_t *threads = calloc((size_t)nworkers, sizeof *threads);
    worker *workers = calloc((size_t)nworkers, sizeof *workers);
    if (!p.slots || !threads || !workers) {
        free(p.slots);
        free(threads);
        free(workers);
        cli_error("out of memory");
        return EXIT_INPUT;
    }
    int started = 0;
    pthread_mutex_lock(&p.mu);
    for (int i = 0; i < nworkers; i++) {
        workers[started].p = &p;
        if (pthread_create(&threads[started], NULL, worker_main, &workers[started]) != 0)
            break;
        started++;
        p.live++;
    }
    pthread_mutex_unlock(&p.mu);

    int status = started ? EXIT_CLEAN : EXIT_INPUT;
    int any = 0; /* output printed; *printed is set after the join, as
                  * workers copy the shared context while starting */
    if (!started)
        cli_error("cannot start worker threads");
    file_result total = {0, 0, 0, 0};
    progress pg;
    progress_init(&pg, (unsigned)nfiles);
    for (int f = 0; f < nfiles && started; f++) {
        pthread_mutex_lock(&p.mu);
        while (!p.slots[f].done && p.live > 0) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += 100000000L;
            if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&p.cv, &p.mu, &until);
            pthread_mutex_unlock(&p.mu);
            progress_update(&pg, (unsigned)f, total.dumps, total.bytes);
            pthread_mutex_lock(&p.mu);
        }
        int done = p.slots[f].done;
        slot s = p.slots[f];
        pthread_mutex_unlock(&p.mu);
        if (!done) {
            progress_clear(&pg);
            cli_error("every worker thread stopped before reading %s", files[f]);
            status = EXIT_INPUT;
            break;
        }
        progress_clear(&pg);
        if (s.errlen)
            fwrite(s.err, 1, s.errlen, stderr);
        const char *out = s.out;
        size_t outlen = s.outlen;
        if (outlen && !any) {
            size_t drop = jobs->separator < outlen ? jobs->separator : outlen;
            out += drop;
            outlen -= drop;
        }
        if (s.outlen)
            any = 1;
        if (outlen && fwrite(out, 1, outlen, stdout) != outlen && status != EXIT_USAGE) {
            cli_error("cannot write to standard output");
            status = EXIT_INPUT;
        }
        free(s.out);
        free(s.err);
        total.dumps += s.res.dumps;
        total.bytes += s.res.bytes;
        total.problems += s.res.problems;
        pthread_mutex_lock(&p.mu);
        p.slots[f].out = p.slots[f].err = NULL;
        p.printed = f + 1;
        if (s.res.rc == EXIT_USAGE)
            p.stop = 1;
        pthread_cond_broadcast(&p.cv);
        pthread_mutex_unlock(&p.mu);
        if (s.res.rc == EXIT_USAGE) {
            status = EXIT_USAGE;
            break;
        }
        if (s.res.rc > status)
            status = s.res.rc;
        progress_update(&pg, (unsigned)f + 1, total.dumps, total.bytes);
    }
    progress_clear(&pg);
    pthread_mutex_lock(&p.mu);
    p.stop = 1;
    pthread_cond_broadcast(&p.cv);
    pthread_mutex_unlock(&p.mu);
    for (int i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    for (int i = 0; i < started; i++) {
        if (workers[i].ctx)
            jobs->worker_free(jobs->shared, workers[i].ctx);
        lineage_session_free(workers[i].session);
    }
    *printed = any;
    /* Files done ahead of an early stop are dropped unprinted. */
    for (int f = 0; f < nfiles; f++) {
        free(p.slots[f].out);
        free(p.slots[f].err);
    }
    free(p.slots);
    free(threads);
    free(workers);
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.cv);
    if (status == EXIT_USAGE)
        return status;
    return finish(o, status, total.problems);
}
