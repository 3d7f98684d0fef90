/* Inputs that may be dumps or profiles, and atomic output files. */
#define _POSIX_C_SOURCE 200809L
#include "baseline.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int cli_is_profile(const char *path)
{
    if (strcmp(path, "-") == 0)
        return 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    /* Room for the magic in UTF-16 after its BOM: such a profile is
     * routed to the profile reader, which says why it cannot be read. */
    char head[64];
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    return lineage_profile_sniff(head, n);
}

typedef struct learn_target {
    lineage_session *session;
    lineage_profile *profile;
    FILE *err;
} learn_target;

/* Merges `from` (read from `name`) into the target: a count that would
 * overflow stops it with a message naming the input and the count. */
static int merge_into(learn_target *t, const lineage_profile *from, const char *name,
                      lineage_diag_list *diags)
{
    lineage_status st = lineage_profile_merge_from(t->profile, from, name, diags);
    cli_print_diags_to(t->err, diags);
    return st == LINEAGE_OK ? EXIT_CLEAN : EXIT_INPUT;
}

/* Learned on its own and merged, as lineage_profile_add_dump does, so that
 * a count past 2^64 - 1 gets its message. */
static int learn_dump(void *ctx, const lineage_dump *dump)
{
    learn_target *t = ctx;
    lineage_profile *one = lineage_profile_new(t->session);
    lineage_profile_add_dump(one, dump);
    lineage_diag_list *diags = lineage_diag_list_new();
    int rc = merge_into(t, one, lineage_dump_get_source(dump), diags);
    lineage_diag_list_free(diags);
    lineage_profile_free(one);
    return rc;
}

int cli_learn_inputs(lineage_session *session, lineage_profile *profile, char **files, int nfiles,
                     const cli_input_options *options)
{
    int status = EXIT_CLEAN;
    learn_target target = {session, profile, options->err ? options->err : stderr};
    for (int i = 0; i < nfiles; i++) {
        if (strcmp(files[i], "--") == 0)
            continue;
        int rc;
        if (cli_is_profile(files[i])) {
            lineage_diag_list *diags = lineage_diag_list_new();
            lineage_profile *p = NULL;
            lineage_status st = lineage_profile_load(session, files[i], diags, &p);
            if (st == LINEAGE_OK) {
                rc = merge_into(&target, p, files[i], diags);
            } else {
                cli_print_diags_to(target.err, diags);
                rc = EXIT_INPUT;
            }
            lineage_diag_list_free(diags);
            lineage_profile_free(p);
        } else {
            rc = cli_read_inputs(session, &files[i], 1, options, learn_dump, &target);
        }
        if (rc > status)
            status = rc;
    }
    return status;
}

/* ---- output files ------------------------------------------------------- */

/* Whether `st` is the same file as `path`, when that can be stat'ed. */
static int same_file(const struct stat *st, const char *path)
{
    struct stat other;
    return stat(path, &other) == 0 && other.st_dev == st->st_dev && other.st_ino == st->st_ino;
}

/* Whether `st` is one of the files directly inside `dir`. */
static int in_directory(const struct stat *st, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int found = 0;
    size_t dlen = strlen(dir);
    const struct dirent *e;
    while (!found && (e = readdir(d)) != NULL) {
        char *path = malloc(dlen + strlen(e->d_name) + 2);
        if (!path)
            abort();
        sprintf(path, "%s/%s", dir, e->d_name);
        found = same_file(st, path);
        free(path);
    }
    closedir(d);
    return found;
}

/* Whether `st`, the file an output would replace, is something the run
 * read: an input, a file of the template directory, or a rule file. */
static int is_input(const struct stat *st, const cli_output_guard *g)
{
    for (int i = 0; i < g->ninputs; i++)
        if (strcmp(g->inputs[i], "--") != 0 && same_file(st, g->inputs[i]))
            return 1;
    if (g->template_dir && in_directory(st, g->template_dir))
        return 1;
    size_t nrules = g->rules ? lineage_ruleset_rule_count(g->rules) : 0;
    for (size_t i = 0; i < nrules; i++)
        if (same_file(st, lineage_rule_get_file(lineage_ruleset_rule(g->rules, i))))
            return 1;
    return 0;
}

/* The path a chain of symbolic links ends at, which may not exist yet (a
 * dangling link names the file to create), or NULL with errno set. A
 * relative link is relative to the directory of the link. */
static char *follow_links(const char *path)
{
    char *p = strdup(path);
    if (!p)
        abort();
    for (int hops = 0;; hops++) {
        struct stat st;
        if (lstat(p, &st) != 0 || !S_ISLNK(st.st_mode))
            return p;
        char link[4096];
        ssize_t n = hops < 40 ? readlink(p, link, sizeof link) : -1;
        if (n < 0 || n == (ssize_t)sizeof link) {
            if (hops >= 40) /* as the system gives up on a loop */
                errno = ELOOP;
            else if (n >= 0)
                errno = ENAMETOOLONG;
            free(p);
            return NULL;
        }
        link[n] = '\0';
        const char *slash = strrchr(p, '/');
        int dirlen = link[0] == '/' || !slash ? 0 : (int)(slash - p) + 1;
        char *next = malloc((size_t)dirlen + (size_t)n + 1);
        if (!next)
            abort();
        sprintf(next, "%.*s%s", dirlen, p, link);
        free(p);
        p = next;
    }
}

static int write_all(int fd, const char *text, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, text + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return 0;
        done += (size_t)w;
    }
    return 1;
}

/* A FIFO, a device or a socket: there is no file to keep whole, and
 * replacing it would break what it is (a device node, a pipe someone
 * reads), so the text goes through it. */
static int write_through(const char *path, const char *target, const char *text)
{
    int fd = open(target, O_WRONLY | O_NOCTTY);
    int ok = fd >= 0 && write_all(fd, text, strlen(text));
    int saved = errno;
    if (fd >= 0 && close(fd) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    if (!ok) {
        cli_error("%s: cannot write: %s", path, strerror(saved));
        return EXIT_INPUT;
    }
    return EXIT_CLEAN;
}

/* Creates a file named `prefix` + six letters, not there before, with
 * mode 0666 less the umask, as any new file would get (mkstemp's 0600
 * would need the umask read back, which only changing it can do).
 * Returns the descriptor and sets *name, or returns -1 with errno. */
static int create_temp(const char *prefix, char **name)
{
    static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    size_t len = strlen(prefix) + 7;
    char *tmp = malloc(len);
    if (!tmp)
        abort();
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    unsigned long long x = (unsigned long long)now.tv_nsec ^ ((unsigned long long)getpid() << 32) ^
                           (unsigned long long)(uintptr_t)tmp;
    for (int attempt = 0; attempt < 100; attempt++) {
        char *p = tmp + snprintf(tmp, len, "%s", prefix);
        for (int i = 0; i < 6; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            *p++ = letters[(x >> 33) % (sizeof letters - 1)];
        }
        *p = '\0';
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOCTTY, 0666);
        if (fd >= 0 || errno != EEXIST) {
            if (fd >= 0)
                *name = tmp;
            else
                free(tmp);
            return fd;
        }
    }
    free(tmp);
    errno = EEXIST;
    return -1;
}

/* A regular file, or none yet: a temporary file in the same directory,
 * renamed over `target` once it is complete. A file replaced keeps its
 * permission bits and, where we may set them, its owner and group, as
 * if it had been written in place (which would also clear set-user-ID
 * and set-group-ID, so those are not carried over). */
static int write_replacing(const char *path, const char *target, const struct stat *old,
                           const char *text)
{
    const char *slash = strrchr(target, '/');
    size_t dirlen = slash ? (size_t)(slash - target) + 1 : 0;
    char *prefix = malloc(dirlen + sizeof ".lineage-");
    if (!prefix)
        abort();
    sprintf(prefix, "%.*s.lineage-", (int)dirlen, target);
    char *tmp = NULL;
    int fd = create_temp(prefix, &tmp);
    free(prefix);
    if (fd < 0) {
        cli_error("%s: cannot create a temporary file: %s", path, strerror(errno));
        return EXIT_INPUT;
    }
    if (old) {
        /* Only root may give a file away; a group we are not in is
         * refused too. Either way the text is still written. */
        if (old->st_uid != geteuid() || old->st_gid != getegid())
            (void)!fchown(fd, old->st_uid, old->st_gid);
        fchmod(fd, old->st_mode & 0777);
    }
    int ok = write_all(fd, text, strlen(text)) && fsync(fd) == 0;
    int saved = errno;
    if (close(fd) != 0 && ok) {
        ok = 0;
        saved = errno;
    }
    if (ok && rename(tmp, target) != 0) {
        ok = 0;
        saved = errno;
    }
    if (!ok) {
        cli_error("%s: cannot write: %s", path, strerror(saved));
        unlink(tmp);
    }
    free(tmp);
    return ok ? EXIT_CLEAN : EXIT_INPUT;
}

/* write_replacing with the signals that end a run held back until the
 * temporary file is renamed or removed: an interrupt then leaves the old
 * file or the new one, and no stray temporary file beside it. The text is
 * in memory, so the wait is the time to write it. */
static int write_replacing_whole(const char *path, const char *target, const struct stat *old,
                                 const char *text)
{
    sigset_t hold, before;
    sigemptyset(&hold);
    sigaddset(&hold, SIGINT);
    sigaddset(&hold, SIGTERM);
    sigaddset(&hold, SIGHUP);
    sigaddset(&hold, SIGQUIT);
    sigprocmask(SIG_BLOCK, &hold, &before);
    int rc = write_replacing(path, target, old, text);
    sigprocmask(SIG_SETMASK, &before, NULL);
    return rc;
}

int cli_write_output(const char *path, const char *text, const cli_output_guard *guard)
{
    char *target = follow_links(path);
    if (!target) {
        cli_error("%s: cannot write: %s", path, strerror(errno));
        return EXIT_INPUT;
    }
    struct stat st;
    int exists = stat(target, &st) == 0;
    int rc;
    if (exists && S_ISDIR(st.st_mode)) {
        cli_error("%s: cannot write: %s", path, strerror(EISDIR));
        rc = EXIT_INPUT;
    } else if (exists && is_input(&st, guard)) {
        cli_error("%s: refusing to overwrite an input file", path);
        rc = EXIT_USAGE;
    } else if (exists && !S_ISREG(st.st_mode)) {
        rc = write_through(path, target, text);
    } else {
        rc = write_replacing_whole(path, target, exists ? &st : NULL, text);
    }
    free(target);
    return rc;
}

int cli_write_atomic(const char *path, const char *text, char **inputs, int ninputs)
{
    cli_output_guard guard = {inputs, ninputs, NULL, NULL};
    return cli_write_output(path, text, &guard);
}
