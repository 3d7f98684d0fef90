/* Reading every dump of every input file, for all subcommands, on one
 * thread or on N worker threads (-j N). */
#ifndef LINEAGE_CLI_INPUTS_H
#define LINEAGE_CLI_INPUTS_H

#include "cli.h"

/* Ids of the input options in every command's option table, so that
 * cli_input_option takes them the same way everywhere; a command's own
 * ids stay below 100. */
enum { CLI_OPT_STRICT = 100, CLI_OPT_INPUT_FORMAT, CLI_OPT_SCAN, CLI_OPT_JOBS };

typedef struct cli_input_options {
    const char *format; /* --input-format, or NULL to detect */
    const char *scan;   /* --scan FILE, or NULL; merged by cli_read_with_scan */
    int strict;         /* warnings make the run fail with EXIT_INPUT */
    int jobs;           /* -j: worker threads; 0 or 1 = this thread only */
    FILE *err;          /* where messages go; NULL = stderr */
} cli_input_options;

/* Called with each dump (borrowed; freed after the call). Returns an exit
 * code; the worst one wins. */
typedef int (*cli_dump_fn)(void *ctx, const lineage_dump *dump);

/* Reads every dump of every file ("--" entries are skipped), printing
 * diagnostics to stderr as it goes. Returns the worst exit code. */
int cli_read_inputs(lineage_session *session, char **files, int nfiles,
                    const cli_input_options *options, cli_dump_fn fn, void *ctx);

/* For a command taking FILE...: drops "--" (it only ends the options) from
 * files, then checks that a file is left, and exactly one with --scan.
 * EXIT_CLEAN, or EXIT_USAGE after printing why. */
int cli_take_files(const char *cmd, char **files, int *nfiles, const cli_input_options *o);

/* Standard input ("-") can be read once: counts it among `files` (n of
 * them), `more` (nmore, NULL entries skipped) and --scan's FILE (`o` may
 * be NULL for a command without input options).
 * EXIT_CLEAN, or EXIT_USAGE after printing why. */
int cli_stdin_once(const char *cmd, char *const *files, int n, const char *const *more, int nmore,
                   const cli_input_options *o);

/* Takes an input option (CLI_OPT_*) of command `cmd` into `o`: 1 when `id`
 * is one, 0 after printing why its value is wrong, -1 when `id` is the
 * command's own. */
int cli_input_option(const char *cmd, cli_input_options *o, int id, const char *value);

/* How a subcommand runs on worker threads. Each worker has a context of
 * its own, with its own session, made by worker_new on the worker's
 * thread; names are interned per session, so nothing the library holds is
 * shared between threads. A worker reads whole files or pieces of one, so
 * a dump's output must depend only on the dump; the dump callback
 * must write what it prints to the streams set_output gives it, never to
 * stdout or stderr. */
typedef struct cli_jobs {
    void *shared; /* read-only for workers */
    /* A new worker context and its session, or NULL (then the worker
     * stops and its files are read by the others). */
    void *(*worker_new)(void *shared, lineage_session **session);
    /* Called on the main thread after every worker has stopped: merges
     * what the worker found into `shared` and frees it (not the session,
     * which is freed after). */
    void (*worker_free)(void *shared, void *worker);
    /* Where the next file's output and messages go. */
    void (*set_output)(void *worker, FILE *out, FILE *err);
    cli_dump_fn dump;
    /* Bytes the dump callback writes before each dump but the first (a
     * separator): dropped from the first output the run prints. */
    size_t separator;
    /* Optional, both or neither: `dump` in two steps. A dump of a piece
     * whose number is not known yet is analyzed as soon as it is read
     * (while it is in the cache) and rendered, numbered, later; render
     * frees what analyze returned. dump(d) must equal
     * render(d, analyze(d)). */
    void *(*analyze)(void *worker, const lineage_dump *dump);
    int (*render)(void *worker, const lineage_dump *dump, void *analysis);
} cli_jobs;

/* As cli_read_inputs, with options->jobs workers over the files, each file
 * (or each piece of a large file) read by one worker and its output printed
 * whole, in input order, so the output is the same as with one thread. *printed is set when any dump
 * output was printed. */
int cli_read_inputs_jobs(char **files, int nfiles, const cli_input_options *options,
                         const cli_jobs *jobs, int *printed);

#endif
