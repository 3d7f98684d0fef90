/* Option tables, help text, suggestions and message printing. */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void cli_error(const char *fmt, ...)
{
    va_list ap;
    fputs("lineage: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

size_t cli_print_diags(const lineage_diag_list *diags)
{
    size_t n = lineage_diag_list_count(diags);
    for (size_t i = 0; i < n; i++) {
        char *text = lineage_diag_format(lineage_diag_list_get(diags, i));
        fputs(text, stderr);
        free(text);
    }
    size_t dropped = lineage_diag_list_dropped(diags);
    if (dropped)
        fprintf(stderr, "lineage: %zu more diagnostics not shown\n", dropped);
    return lineage_diag_list_count_at_least(diags, LINEAGE_WARNING);
}

int cli_write(const char *s)
{
    size_t n = strlen(s);
    return fwrite(s, 1, n, stdout) == n;
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 99;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *cli_suggest(const char *word, const char *const *candidates, size_t n)
{
    const char *best = NULL;
    size_t best_d = 3;
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(word, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best;
}

static const cli_option *find_long(const cli_option *opts, const char *name, size_t len)
{
    for (; opts->name; opts++)
        if (strlen(opts->name) == len && strncmp(opts->name, name, len) == 0)
            return opts;
    return NULL;
}

static const cli_option *find_short(const cli_option *opts, char c)
{
    for (; opts->name; opts++)
        if (opts->short_name && opts->short_name == c)
            return opts;
    return NULL;
}

static void unknown_option(const cli_command *cmd, const char *arg, size_t len)
{
    const char *names[64];
    char buf[64][40];
    size_t n = 0;
    for (const cli_option *o = cmd->options; o->name && n < 64; o++, n++) {
        snprintf(buf[n], sizeof buf[n], "--%s", o->name);
        names[n] = buf[n];
    }
    snprintf(buf[n < 64 ? n : 63], sizeof buf[0], "--help");
    names[n < 64 ? n : 63] = buf[n < 64 ? n : 63];
    n = n < 64 ? n + 1 : 64;
    char word[128];
    snprintf(word, sizeof word, "%.*s", (int)(len < 100 ? len : 100), arg);
    const char *s = cli_suggest(word, names, n);
    if (s)
        cli_error("%s: unknown option '%s' (did you mean %s?)", cmd->name, word, s);
    else
        cli_error("%s: unknown option '%s'; see 'lineage %s --help'", cmd->name, word,
                  cmd->name);
}

int cli_parse(const cli_command *cmd, int argc, char **argv, cli_option_fn fn, void *ctx,
              char ***positional, int *npositional, int *help)
{
    char **pos = malloc(sizeof *pos * (size_t)(argc > 0 ? argc : 1));
    int npos = 0, only_positional = 0;
    *help = 0;
    if (!pos)
        abort();
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (only_positional || a[0] != '-' || a[1] == '\0') {
            pos[npos++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_positional = 1;
            pos[npos++] = a; /* commands that split on "--" see it */
            continue;
        }
        const cli_option *o;
        const char *value = NULL;
        if (a[1] == '-') {
            const char *eq = strchr(a + 2, '=');
            size_t len = eq ? (size_t)(eq - a) : strlen(a);
            if (len == 6 && strncmp(a, "--help", 6) == 0) {
                *help = 1;
                continue;
            }
            o = find_long(cmd->options, a + 2, len - 2);
            if (!o) {
                unknown_option(cmd, a, len);
                free(pos);
                return EXIT_USAGE;
            }
            if (eq) {
                if (!o->arg) {
                    cli_error("%s: option '--%s' takes no value", cmd->name, o->name);
                    free(pos);
                    return EXIT_USAGE;
                }
                value = eq + 1;
            }
        } else {
            if (a[1] == 'h' && a[2] == '\0') {
                *help = 1;
                continue;
            }
            o = a[2] == '\0' ? find_short(cmd->options, a[1]) : NULL;
            if (!o) {
                unknown_option(cmd, a, strlen(a));
                free(pos);
                return EXIT_USAGE;
            }
        }
        if (o->arg && !value) {
            if (i + 1 >= argc) {
                cli_error("%s: option '--%s' needs a value (%s)", cmd->name, o->name, o->arg);
                free(pos);
                return EXIT_USAGE;
            }
            value = argv[++i];
        }
        if (!fn(ctx, o->id, value)) {
            free(pos);
            return EXIT_USAGE;
        }
    }
    *positional = pos;
    *npositional = npos;
    return EXIT_CLEAN;
}

void cli_print_help(const cli_command *cmd, FILE *out)
{
    fprintf(out, "usage: lineage %s %s\n\n%s\n\noptions:\n", cmd->name, cmd->usage, cmd->summary);
    for (const cli_option *o = cmd->options; o->name; o++) {
        char left[64];
        if (o->short_name)
            snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name,
                     o->arg ? " " : "", o->arg ? o->arg : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        fprintf(out, "  %-26s %s\n", left, o->help);
    }
    fprintf(out, "  %-26s %s\n", "-h, --help", "show this help and exit");
}
