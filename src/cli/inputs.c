/* Reading every dump of every input file, for all subcommands.
 *
 * With -j N (N > 1) and more than one file, N worker threads read the
 * files. The design: a lineage_session is not thread-safe (interning,
 * cut-name resolution and lineage keys write to it) and names are compared
 * by pointer within a session, so each worker has a session and a
 * subcommand context of its own (its own checker, or its own copy of the
 * baseline) and reads whole files with them. The one thing shared is the
 * compiled rule set, which checking only reads; its names are added to
 * each worker's session as loading the rules there would have. A file's
 * results depend only on the file and on what the worker loaded before
 * reading, never on the files read before it, so any worker gives the
 * same bytes as the main thread would. Each file's output and messages
 * are collected in memory (open_memstream) and the main thread prints
 * them whole, in input order; workers may run at most a window of files
 * ahead of the printing, so memory stays bounded by a few files' output.
 *
 * A large file of a format that can be cut (lineage/splitter.h) is read in
 * pieces instead, each a unit of work like a file. The only serial step
 * is finding where each piece ends: a worker takes the next piece when
 * the one before has been read (its end is the new one's start, known
 * with its first line number), reads it with the splitter, which finds
 * its end, counts its lines and (nearly always) its dumps in one walk
 * over the bytes, publishes that under the lock, and only then parses the
 * piece in place while the next worker reads the next piece (a piece
 * longer than the splitter holds, one long dump, is parsed from the file
 * instead, so a worker holds at most that much text). A piece
 * whose dumps before it are known handles each dump as soon as it is
 * read; one whose are not yet (the splitter could not count the dumps of
 * a piece before) keeps its dumps until they are, and a piece the
 * splitter could not count counts its dumps once parsed. Diagnostics
 * outside dumps are merged in piece order by the main thread and printed
 * after the file's last piece, where one reader would print them. */
#define _POSIX_C_SOURCE 200809L
#include "inputs.h"
#include "progress.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
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

int cli_take_files(const char *cmd, char **files, int *nfiles, const cli_input_options *o)
{
    int n = 0;
    for (int i = 0; i < *nfiles; i++)
        if (strcmp(files[i], "--") != 0)
            files[n++] = files[i];
    *nfiles = n;
    if (n == 0) {
        cli_error("%s: no input file; see 'lineage %s --help'", cmd, cmd);
        return EXIT_USAGE;
    }
    if (o->scan && n != 1) {
        cli_error("%s: --scan needs exactly one list FILE (got %d); see 'lineage %s --help'", cmd,
                  n, cmd);
        return EXIT_USAGE;
    }
    return cli_stdin_once(cmd, files, n, NULL, 0, o);
}

static int is_stdin(const char *path) { return path && strcmp(path, "-") == 0; }

int cli_stdin_once(const char *cmd, char *const *files, int n, const char *const *more, int nmore,
                   const cli_input_options *o)
{
    int seen = o ? is_stdin(o->scan) : 0;
    for (int i = 0; i < n; i++)
        seen += is_stdin(files[i]);
    for (int i = 0; i < nmore; i++)
        seen += is_stdin(more[i]);
    if (seen > 1) {
        /* The second read would find it empty and say so, which misleads. */
        cli_error("%s: standard input ('-') is named %d times; it can be read only once", cmd,
                  seen);
        return EXIT_USAGE;
    }
    return EXIT_CLEAN;
}

/* "-j N": N >= 0, 0 meaning the number of CPUs. The count of workers, or
 * -1 after printing why N is wrong. */
static int parse_jobs(const char *cmd, const char *value)
{
    char *end;
    errno = 0;
    long n = strtol(value, &end, 10);
    if (errno || end == value || *end || n < 0 || n > 1024) {
        cli_error("%s: -j wants a number of threads from 0 (one per CPU) to 1024, not '%s'", cmd,
                  value);
        return -1;
    }
    if (n == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        n = cpus > 0 ? (cpus > 1024 ? 1024 : cpus) : 1;
    }
    return (int)n;
}

int cli_input_option(const char *cmd, cli_input_options *o, int id, const char *value)
{
    switch (id) {
    case CLI_OPT_STRICT:
        o->strict = 1;
        return 1;
    case CLI_OPT_INPUT_FORMAT:
        o->format = value;
        return 1;
    case CLI_OPT_SCAN:
        o->scan = value;
        return 1;
    case CLI_OPT_JOBS:
        return (o->jobs = parse_jobs(cmd, value)) >= 0;
    default:
        return -1;
    }
}

/* ---- worker threads ----------------------------------------------------- */

/* A large file is cut into pieces of about this size (at dump starts its
 * format can find; see lineage/splitter.h), each read by any worker.
 * Every piece costs a hand-over between threads (a lock, a wake-up, an
 * output buffer): at 64 KiB, a gigabyte of 300-process dumps made 16,000
 * pieces and -j 2 spent a fifth of its CPU time switching threads. */
#define JOBS_PIECE_BYTES (1024u << 10)

/* Small files are handed out several at a time, up to this many files or
 * bytes a unit. */
#define JOBS_FILES_PER_UNIT 16
#define JOBS_UNIT_BYTES (256u << 10)

/* A unit of work: a whole file, or one piece of a file. */
typedef struct unit {
    int file;
    int nfiles;           /* whole files: file .. file + nfiles - 1 */
    int piece;            /* 0: whole files; else 1, 2, ... within the file */
    lineage_piece range;  /* pieces: offset set when made, the rest once read */
    unsigned long first_line; /* pieces: the number of the piece's first line */
    int last;             /* the file's last unit */
    /* Set by the worker, read by the main thread once `done`. */
    char *out, *err;
    size_t outlen, errlen;
    file_result res;
    lineage_diag_list *outside; /* pieces: diagnostics outside dumps */
    /* Pieces, under the lock: how their dumps are numbered. */
    int counted;          /* ndumps is known (from the splitter's walk, or once parsed) */
    unsigned ndumps;      /* dumps of this piece */
    int based;            /* dumps_base is known */
    unsigned dumps_base;  /* dumps of the file before this piece */
    int done;
} unit;

typedef struct pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    const cli_jobs *jobs;
    const cli_input_options *o;
    char **files;
    int nfiles;
    unit *units;
    int nunits, cap;
    lineage_splitter **splitters; /* per file; NULL when read whole */
    int next_file;  /* the next file to make units of */
    int cutting;    /* the file being cut, or -1 */
    int cut_pieces; /* pieces of it made so far */
    int cut_busy;   /* its last piece is being read: where the next starts is not known yet */
    uint64_t cut_at;        /* where its next piece starts, unless cut_busy */
    unsigned long cut_line; /* ... and the number of that piece's first line */
    int next;       /* the next unit to hand out */
    int printed;    /* units printed so far */
    int window;     /* how far ahead of `printed` workers may go */
    int live;       /* workers still running */
    int stop;       /* the main thread stopped early */
    int produced;   /* every unit exists */
} pool;

/* One worker thread: its context and session outlive the thread, so the
 * main thread frees them (and merges what they found) after the join,
 * when no worker can be copying the shared context any more. The buffer
 * its pieces are read into is its own and reused from piece to piece. */
typedef struct worker {
    pool *p;
    void *ctx;
    lineage_session *session;
    char *buf;
    size_t cap;
} worker;

static int add_unit(pool *p, int file, int piece, const lineage_piece *range, int last)
{
    if (p->nunits == p->cap) {
        int cap = p->cap ? p->cap * 2 : 64;
        unit *u = realloc(p->units, (size_t)cap * sizeof *u);
        if (!u)
            return -1;
        p->units = u;
        p->cap = cap;
    }
    unit *u = &p->units[p->nunits];
    memset(u, 0, sizeof *u);
    u->file = file;
    u->nfiles = 1;
    u->piece = piece;
    if (range)
        u->range = *range;
    u->last = last;
    return p->nunits++;
}

/* Size of a regular file, 0 for anything else ("--", stdin, missing). */
static uint64_t file_size(const char *path)
{
    struct stat st;
    if (strcmp(path, "--") == 0 || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    return (uint64_t)st.st_size;
}

/* Whether a file of this size is worth cutting (the splitter refuses
 * anything shorter than two pieces anyway). */
static int large_enough_to_cut(uint64_t size)
{
    return size / 2 >= JOBS_PIECE_BYTES;
}

/* Makes the next unit (with p->mu held): the next piece of the file being
 * cut, or the next file, cut when it is large and of a format that can be
 * cut. A piece can be made only once the piece before has been read (its
 * end is where the new one starts); the worker that takes it reads it
 * right away and publishes its end (publish_piece), so the wait is one
 * piece's reading. Returns 0, 1 when the piece before is still being
 * read, or -1 when there is no more work (or no memory). */
static int produce(pool *p)
{
    for (;;) {
        if (p->cutting >= 0) {
            if (p->cut_busy)
                return 1;
            lineage_piece range;
            memset(&range, 0, sizeof range);
            range.offset = p->cut_at;
            int i = add_unit(p, p->cutting, ++p->cut_pieces, &range, 0);
            if (i < 0)
                return -1;
            p->units[i].first_line = p->cut_line;
            p->units[i].based = p->units[i].piece == 1; /* no dump before the first */
            p->cut_busy = 1;
            return 0;
        }
        if (p->next_file >= p->nfiles) {
            p->produced = 1;
            return -1;
        }
        int f = p->next_file++;
        if (strcmp(p->files[f], "--") != 0)
            p->splitters[f] = lineage_splitter_open(p->files[f], p->o->format, JOBS_PIECE_BYTES);
        if (p->splitters[f]) {
            p->cutting = f;
            p->cut_pieces = 0;
            p->cut_busy = 0;
            p->cut_at = 0;
            p->cut_line = 1;
            continue;
        }
        int i = add_unit(p, f, 0, NULL, 1);
        if (i < 0)
            return -1;
        /* Small files that follow go in the same unit: a unit costs a few
         * wake-ups of the threads, which small files would otherwise pay
         * as much as for their reading. */
        uint64_t bytes = file_size(p->files[f]);
        while (p->next_file < p->nfiles && p->units[i].nfiles < JOBS_FILES_PER_UNIT) {
            uint64_t size = file_size(p->files[p->next_file]);
            if (large_enough_to_cut(size) || bytes + size > JOBS_UNIT_BYTES)
                break; /* a file to cut, or enough for one unit */
            bytes += size;
            p->next_file++;
            p->units[i].nfiles++;
        }
        return 0;
    }
}

/* The next unit to work on, waiting for the printing to catch up and for
 * the end of the piece before; -1 when there is none (with p->mu held). */
static int take_unit(pool *p)
{
    for (;;) {
        if (p->stop)
            return -1;
        if (p->next < p->printed + p->window) {
            if (p->next < p->nunits)
                return p->next++;
            int r = produce(p);
            if (r == 0)
                continue;
            if (r < 0)
                return -1;
        }
        pthread_cond_wait(&p->cv, &p->mu);
    }
}

/* With p->mu held: the dumps before each piece from unit i on, as far as
 * the counts of the pieces before are known. A file's pieces are
 * consecutive units, made in order. */
static void settle(pool *p, int i)
{
    for (int f = p->units[i].file; i < p->nunits && p->units[i].file == f; i++) {
        unit *u = &p->units[i];
        if (!u->based) {
            const unit *prev = &p->units[i - 1]; /* not the first piece: that is based */
            if (!prev->based || !prev->counted)
                break;
            u->based = 1;
            u->dumps_base = prev->dumps_base + prev->ndumps;
        }
        if (!u->counted)
            break;
    }
}

/* Publishes what reading piece i found, so the next piece can be made:
 * where it ends (the next piece's start and first line) and, when the
 * walk that found the end could count them, its dumps. */
static void publish_piece(pool *p, int i, const lineage_piece *range, lineage_status st)
{
    pthread_mutex_lock(&p->mu);
    if (range->last) {
        p->cutting = -1;
    } else {
        p->cut_at = range->offset + range->length;
        p->cut_line += range->lines;
    }
    p->cut_busy = 0;
    p->units[i].last = range->last;
    if (st == LINEAGE_OK && range->dumps_known) {
        p->units[i].counted = 1;
        p->units[i].ndumps = (unsigned)range->dumps;
        settle(p, i);
    }
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

/* Dumps of the file before piece i when already known, else -1. */
static long dumps_before_now(pool *p, int i)
{
    pthread_mutex_lock(&p->mu);
    long n = p->units[i].based ? (long)p->units[i].dumps_base : -1;
    pthread_mutex_unlock(&p->mu);
    return n;
}

/* Counts piece i's `n` dumps, read, when the walk could not count them,
 * so the pieces after can number theirs; then waits until the dumps
 * before piece i are known. Returns their number, or -1 when the run
 * stopped first. Every piece calls it exactly once. */
static long number_piece(pool *p, int i, size_t n)
{
    /* Under the lock throughout: another worker may be growing units[]. */
    pthread_mutex_lock(&p->mu);
    if (!p->units[i].counted) {
        p->units[i].counted = 1;
        p->units[i].ndumps = (unsigned)n;
        settle(p, i);
        pthread_cond_broadcast(&p->cv);
    }
    while (!p->stop && !p->units[i].based)
        pthread_cond_wait(&p->cv, &p->mu);
    long base = p->stop ? -1 : (long)p->units[i].dumps_base;
    pthread_mutex_unlock(&p->mu);
    return base;
}

/* A dump of a piece kept until its number is known, with what the
 * subcommand's analyze step found in it (or NULL). */
typedef struct kept_dump {
    lineage_dump *dump;
    void *analysis;
} kept_dump;

/* Numbers dump d as the file's dump `index` and handles it as read_file
 * would (rendering `k`'s analysis when there is one); returns the exit
 * code it gives. */
static int handle_dump(pool *p, void *ctx, FILE *err, unit *u, kept_dump *k, unsigned index)
{
    int status = EXIT_CLEAN;
    lineage_dump *d = k->dump;
    lineage_dump_set_index(d, index);
    u->res.dumps++;
    u->res.problems += cli_print_diags_to(err, lineage_dump_get_diags(d));
    if (lineage_diag_list_count_at_least(lineage_dump_get_diags(d), LINEAGE_ERROR))
        status = EXIT_INPUT;
    int rc = p->jobs->analyze ? p->jobs->render(ctx, d, k->analysis) : p->jobs->dump(ctx, d);
    k->analysis = NULL;
    return rc > status ? rc : status;
}

/* Reads piece i's bytes into the worker's buffer, which also finds where
 * the piece ends, and publishes that at once so that another worker can
 * read the next piece while this one is parsed. */
static lineage_status walk_piece(pool *p, int i, worker *me, unit *u)
{
    const lineage_splitter *sp = p->splitters[u->file];
    u->outside = lineage_diag_list_new();
    lineage_status st = lineage_splitter_read_piece(sp, u->range.offset, &me->buf, &me->cap,
                                                    &u->range, u->outside);
    if (st == LINEAGE_E_NOMEM)
        lineage_diag_add(u->outside, LINEAGE_ERROR, p->files[u->file], 0, 0, NULL, 0,
                         "out of memory reading a piece of the file");
    u->last = u->range.last;
    publish_piece(p, i, &u->range, st);
    return st;
}

/* Parses one piece, read by walk_piece. When the dumps before it are
 * known (the splitter counts them as it finds the pieces' ends, so they
 * usually are), each dump is numbered and handled as soon as it is read;
 * otherwise the piece's dumps are kept until they are, then numbered
 * after them and handled. A piece whose dumps the walk could not count
 * counts them here, for the pieces after. The diagnostics outside dumps
 * go to u->outside, for the main thread to merge in piece order. */
static int read_piece(pool *p, int i, lineage_session *session, void *ctx, FILE *err, unit *u,
                      lineage_status st)
{
    const lineage_splitter *sp = p->splitters[u->file];
    lineage_reader *r = NULL;
    kept_dump *kept = NULL;
    size_t n = 0, cap = 0;
    int status = EXIT_CLEAN;
    long base = dumps_before_now(p, i);
    if (st == LINEAGE_OK)
        st = lineage_reader_open_piece(session, sp, &u->range, u->first_line, &r);
    lineage_dump *d = NULL;
    while (r && st == LINEAGE_OK && (st = lineage_reader_next(r, &d)) == LINEAGE_OK && d) {
        if (base >= 0) {
            kept_dump now = {d, p->jobs->analyze ? p->jobs->analyze(ctx, d) : NULL};
            int rc = handle_dump(p, ctx, err, u, &now, (unsigned)base + (unsigned)++n);
            status = rc > status ? rc : status;
            lineage_dump_free(d);
            continue;
        }
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            kept_dump *grown = realloc(kept, ncap * sizeof *grown);
            if (!grown) {
                lineage_dump_free(d);
                st = LINEAGE_E_NOMEM;
                break;
            }
            kept = grown;
            cap = ncap;
        }
        kept[n].dump = d;
        kept[n].analysis = p->jobs->analyze ? p->jobs->analyze(ctx, d) : NULL;
        n++;
    }
    if (st != LINEAGE_OK)
        status = EXIT_INPUT;
    u->res.bytes = u->range.length;
    lineage_reader_take_diags(r, u->outside);
    lineage_reader_free(r);

    int streamed = base >= 0;
    base = number_piece(p, i, n);
    for (size_t k = 0; k < n && !streamed; k++) {
        if (base >= 0) {
            int rc = handle_dump(p, ctx, err, u, &kept[k], (unsigned)base + (unsigned)k + 1);
            status = rc > status ? rc : status;
        } else if (kept[k].analysis) {
            /* The run stopped: render into the void to free the analysis. */
            FILE *sink = fopen("/dev/null", "w");
            if (sink) {
                p->jobs->set_output(ctx, sink, sink);
                p->jobs->render(ctx, kept[k].dump, kept[k].analysis);
                p->jobs->set_output(ctx, NULL, NULL);
                fclose(sink);
            }
        }
        lineage_dump_free(kept[k].dump);
    }
    free(kept);
    return status;
}

/* Reads the whole files of unit u in order, as cli_read_inputs would. */
static int read_files(pool *p, lineage_session *session, void *ctx, FILE *err, unit *u)
{
    int status = EXIT_CLEAN;
    for (int f = u->file; f < u->file + u->nfiles; f++) {
        if (strcmp(p->files[f], "--") == 0)
            continue;
        file_result res = {0, 0, 0, 0};
        int rc = read_file(session, p->files[f], p->o, p->jobs->dump, ctx, err, &res, NULL, 0,
                           NULL);
        u->res.dumps += res.dumps;
        u->res.bytes += res.bytes;
        u->res.problems += res.problems;
        if (rc == EXIT_USAGE)
            return rc;
        if (rc > status)
            status = rc;
    }
    return status;
}

static void work_on(pool *p, int i, worker *me, unit *u)
{
    /* A piece is read first thing, whatever happens after: the next piece
     * waits for its end. */
    lineage_status st = u->piece ? walk_piece(p, i, me, u) : LINEAGE_OK;
    FILE *out = open_memstream(&u->out, &u->outlen);
    FILE *err = open_memstream(&u->err, &u->errlen);
    if (!out || !err) {
        /* Out of memory: report it in input order. */
        if (out)
            fclose(out);
        if (err)
            fclose(err);
        free(u->out);
        free(u->err);
        u->out = u->err = NULL;
        u->outlen = u->errlen = 0;
        u->res.rc = EXIT_INPUT;
        if (u->piece) {
            /* The pieces after may wait for this count; the run fails
             * (EXIT_INPUT) with the dump numbers after this piece off
             * unless the walk counted them. */
            number_piece(p, i, 0);
        }
        return;
    }
    p->jobs->set_output(me->ctx, out, err);
    if (u->piece)
        u->res.rc = read_piece(p, i, me->session, me->ctx, err, u, st);
    else
        u->res.rc = read_files(p, me->session, me->ctx, err, u);
    p->jobs->set_output(me->ctx, NULL, NULL);
    fclose(out);
    fclose(err);
}

static void *worker_main(void *arg)
{
    worker *me = arg;
    pool *p = me->p;
    lineage_session *session = NULL;
    void *ctx = p->jobs->worker_new(p->jobs->shared, &session);
    me->ctx = ctx;
    me->session = session;
    while (ctx) {
        pthread_mutex_lock(&p->mu);
        int i = take_unit(p);
        unit u;
        memset(&u, 0, sizeof u);
        if (i >= 0)
            u = p->units[i];
        pthread_mutex_unlock(&p->mu);
        if (i < 0)
            break;
        work_on(p, i, me, &u);
        pthread_mutex_lock(&p->mu);
        unit *dst = &p->units[i];
        dst->range = u.range;
        dst->last = u.last;
        dst->out = u.out;
        dst->err = u.err;
        dst->outlen = u.outlen;
        dst->errlen = u.errlen;
        dst->res = u.res;
        dst->outside = u.outside;
        dst->done = 1;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
    free(me->buf);
    me->buf = NULL;
    me->cap = 0;
    pthread_mutex_lock(&p->mu);
    p->live--;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Waits for unit i (with p->mu held, updating the progress line while it
 * waits). Returns 0 when there is no unit i and will be none. */
static int wait_for_unit(pool *p, int i, progress *pg, int files_done, const file_result *total)
{
    for (;;) {
        if (i < p->nunits && p->units[i].done)
            return 1;
        if (p->live == 0 || (p->produced && i >= p->nunits))
            return 0;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 100000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&p->cv, &p->mu, &until);
        pthread_mutex_unlock(&p->mu);
        progress_update(pg, (unsigned)files_done, total->dumps, total->bytes);
        pthread_mutex_lock(&p->mu);
    }
}

/* Whether any file is large enough that it may be cut into pieces. */
static int any_large_file(char **files, int nfiles)
{
    for (int f = 0; f < nfiles; f++)
        if (large_enough_to_cut(file_size(files[f])))
            return 1;
    return 0;
}

/* The diagnostics outside dumps of a file read in pieces, and the check
 * that it held a dump, as read_file ends. Returns the file's exit code. */
static int end_of_pieces(pool *p, int f, lineage_diag_list *outside, file_result *file)
{
    int status = EXIT_CLEAN;
    file->problems += cli_print_diags_to(stderr, outside);
    if (lineage_diag_list_count_at_least(outside, LINEAGE_ERROR))
        status = EXIT_INPUT;
    if (file->dumps == 0) {
        fprintf(stderr, "lineage: %s: no dump found (format %s)\n", p->files[f],
                lineage_splitter_get_format(p->splitters[f]));
        status = EXIT_INPUT;
    }
    return status;
}

int cli_read_inputs_jobs(char **files, int nfiles, const cli_input_options *o,
                         const cli_jobs *jobs, int *printed)
{
    int nworkers = o->jobs;
    if (nworkers > nfiles && !any_large_file(files, nfiles))
        nworkers = nfiles;
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
    p.cutting = -1;
    p.splitters = calloc((size_t)nfiles + 1, sizeof *p.splitters);
    p.window = nworkers * JOBS_WINDOW_PER_WORKER;
    pthread_t *threads = calloc((size_t)nworkers, sizeof *threads);
    worker *workers = calloc((size_t)nworkers, sizeof *workers);
    lineage_diag_list *outside = lineage_diag_list_new();
    if (!p.splitters || !threads || !workers) {
        free(p.splitters);
        free(threads);
        free(workers);
        lineage_diag_list_free(outside);
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
    file_result total = {0, 0, 0, 0}, file = {0, 0, 0, 0};
    int file_rc = EXIT_CLEAN, files_done = 0;
    progress pg;
    progress_init(&pg, (unsigned)nfiles);
    for (int i = 0; started; i++) {
        pthread_mutex_lock(&p.mu);
        int have = wait_for_unit(&p, i, &pg, files_done, &total);
        unit u;
        memset(&u, 0, sizeof u);
        if (have)
            u = p.units[i];
        /* Read while locked: workers may be growing units[]. */
        int unread = -1;
        if (!have && p.live == 0 && (p.next_file < nfiles || p.cutting >= 0 || i < p.nunits))
            unread = i < p.nunits ? p.units[i].file : p.next_file;
        pthread_mutex_unlock(&p.mu);
        if (!have) {
            if (unread >= 0) {
                progress_clear(&pg);
                cli_error("every worker thread stopped before reading %s", files[unread]);
                status = EXIT_INPUT;
            }
            break;
        }
        progress_clear(&pg);
        if (u.errlen)
            fwrite(u.err, 1, u.errlen, stderr);
        const char *out = u.out;
        size_t outlen = u.outlen;
        if (outlen && !any) {
            size_t drop = jobs->separator < outlen ? jobs->separator : outlen;
            out += drop;
            outlen -= drop;
        }
        if (u.outlen)
            any = 1;
        if (outlen && fwrite(out, 1, outlen, stdout) != outlen && status != EXIT_USAGE) {
            cli_error("cannot write to standard output");
            status = EXIT_INPUT;
        }
        free(u.out);
        free(u.err);
        file.dumps += u.res.dumps;
        file.bytes += u.res.bytes;
        file.problems += u.res.problems;
        if (u.res.rc > file_rc)
            file_rc = u.res.rc;
        if (u.outside) {
            lineage_diag_list_take(outside, u.outside);
            lineage_diag_list_free(u.outside);
        }
        if (u.last && u.piece) {
            int rc = end_of_pieces(&p, u.file, outside, &file);
            if (rc > file_rc)
                file_rc = rc;
            lineage_diag_list_free(outside);
            outside = lineage_diag_list_new();
        }
        pthread_mutex_lock(&p.mu);
        if (u.last && u.piece) {
            /* Every unit of the file is done: its splitter is idle. */
            lineage_splitter_free(p.splitters[u.file]);
            p.splitters[u.file] = NULL;
        }
        p.units[i].out = p.units[i].err = NULL;
        p.units[i].outside = NULL;
        p.printed = i + 1;
        if (u.res.rc == EXIT_USAGE)
            p.stop = 1;
        pthread_cond_broadcast(&p.cv);
        pthread_mutex_unlock(&p.mu);
        if (u.res.rc == EXIT_USAGE) {
            status = EXIT_USAGE;
            break;
        }
        if (u.last) {
            total.dumps += file.dumps;
            total.bytes += file.bytes;
            total.problems += file.problems;
            if (file_rc > status)
                status = file_rc;
            memset(&file, 0, sizeof file);
            file_rc = EXIT_CLEAN;
            files_done = u.file + u.nfiles;
        }
        progress_update(&pg, (unsigned)files_done, total.dumps + file.dumps,
                        total.bytes + file.bytes);
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
    /* Units done ahead of an early stop are dropped unprinted. */
    for (int i = 0; i < p.nunits; i++) {
        free(p.units[i].out);
        free(p.units[i].err);
        lineage_diag_list_free(p.units[i].outside);
    }
    for (int f = 0; f < nfiles; f++)
        lineage_splitter_free(p.splitters[f]);
    lineage_diag_list_free(outside);
    free(p.units);
    free(p.splitters);
    free(threads);
    free(workers);
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.cv);
    if (status == EXIT_USAGE)
        return status;
    return finish(o, status, total.problems);
}
