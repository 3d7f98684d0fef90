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

static int learn_dump(void *ctx, const lineage_dump *dump)
{
    lineage_profile_add_dump(ctx, dump);
    return EXIT_CLEAN;
}

int cli_learn_inputs(lineage_session *session, lineage_profile *profile, char **files, int nfiles,
                     const cli_input_options *options)
{
    int status = EXIT_CLEAN;
    for (int i = 0; i < nfiles; i++) {
        if (strcmp(files[i], "--") == 0)
            continue;
        int rc;
        if (cli_is_profile(files[i])) {
            lineage_diag_list *diags = lineage_diag_list_new();
            lineage_profile *p = NULL;
            lineage_status st = lineage_profile_load(session, files[i], diags, &p);
            cli_print_diags_to(options->err ? options->err : stderr, diags);
            lineage_diag_list_free(diags);
            if (st == LINEAGE_OK)
                lineage_profile_merge(profile, p);
            lineage_profile_free(p);
            rc = st == LINEAGE_OK ? EXIT_CLEAN : EXIT_INPUT;
        } else {
            rc = cli_read_inputs(session, &files[i], 1, options, learn_dump, profile);
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
