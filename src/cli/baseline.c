/* Inputs that may be dumps or profiles, and atomic output files. */
#define _POSIX_C_SOURCE 200809L
#include "baseline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_is_profile(const char *path)
{
    if (strcmp(path, "-") == 0)
        return 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char head[32];
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

int cli_write_atomic(const char *path, const char *text, char **inputs, int ninputs)
{
    struct stat out_st;
    if (stat(path, &out_st) == 0) {
        for (int i = 0; i < ninputs; i++) {
            struct stat in_st;
            if (strcmp(inputs[i], "--") != 0 && stat(inputs[i], &in_st) == 0 &&
                in_st.st_dev == out_st.st_dev && in_st.st_ino == out_st.st_ino) {
                cli_error("%s: refusing to overwrite an input file", path);
                return EXIT_USAGE;
            }
        }
    }
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    size_t tlen = dirlen + 32;
    char *tmp = malloc(tlen);
    if (!tmp)
        abort();
    snprintf(tmp, tlen, "%.*s.lineage-XXXXXX", (int)dirlen, path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        cli_error("%s: cannot create a temporary file: %s", path, strerror(errno));
        free(tmp);
        return EXIT_INPUT;
    }
    size_t len = strlen(text), done = 0;
    int ok = 1;
    while (ok && done < len) {
        ssize_t w = write(fd, text + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        ok = w > 0;
        if (ok)
            done += (size_t)w;
    }
    ok = ok && fsync(fd) == 0;
    ok = (close(fd) == 0) && ok;
    /* mkstemp creates the file 0600; a profile or rule file is not secret. */
    if (ok)
        chmod(tmp, 0644);
    if (!ok || rename(tmp, path) != 0) {
        cli_error("%s: cannot write: %s", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return EXIT_INPUT;
    }
    free(tmp);
    return EXIT_CLEAN;
}
