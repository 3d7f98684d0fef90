/* Option tables, help text, suggestions and message printing. */
#include "cli.h"
#include "term.h"

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

void cli_bad_value(const char *cmd, const char *option, const char *choices, const char *value)
{
    cli_error("%s: --%s wants %s, not '%s'", cmd, option, choices, value);
}

int cli_parse_fail_on(const char *cmd, const char *value, lineage_level *out)
{
    if (lineage_level_parse(value, strlen(value), out))
        return 1;
    cli_bad_value(cmd, "fail-on", "info, low, medium, high or critical", value);
    return 0;
}

size_t cli_print_diags(const lineage_diag_list *diags)
{
    return cli_print_diags_to(stderr, diags);
}

size_t cli_print_diags_to(FILE *err, const lineage_diag_list *diags)
{
    cli_diag_mark from_start = {0};
    return cli_print_diags_since(err, diags, &from_start);
}

size_t cli_print_diags_since(FILE *err, const lineage_diag_list *diags, cli_diag_mark *mark)
{
    size_t n = lineage_diag_list_count(diags);
    /* -q shows errors only, -v notes too; the count is the same either way
     * so --strict does not depend on what was shown. */
    lineage_severity shown = cli_verbosity() < 0   ? LINEAGE_ERROR
                             : cli_verbosity() > 0 ? LINEAGE_NOTE
                                                   : LINEAGE_WARNING;
    for (size_t i = mark->printed; i < n; i++) {
        const lineage_diag *dg = lineage_diag_list_get(diags, i);
        if (lineage_diag_get_severity(dg) < shown)
            continue;
        char *text = lineage_diag_format(dg);
        fputs(text, err);
        free(text);
    }
    size_t dropped = lineage_diag_list_dropped(diags);
    if (dropped > mark->dropped)
        fprintf(err, "lineage: %zu more diagnostics not shown\n", dropped - mark->dropped);
    size_t problems = lineage_diag_list_count_at_least(diags, LINEAGE_WARNING);
    size_t gained = problems - mark->problems;
    *mark = (cli_diag_mark){n, dropped, problems};
    return gained;
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
    if (best)
        return best;
    /* A word that starts like exactly one candidate, past its dashes and
     * for most of its length (--no-defaults, --no-default-rules). */
    size_t dashes = strspn(word, "-"), wlen = strlen(word);
    size_t best_common = 0;
    int ties = 0;
    for (size_t i = 0; i < n; i++) {
        size_t c = 0;
        while (word[c] && word[c] == candidates[i][c])
            c++;
        if (c > best_common) {
            best_common = c;
            best = candidates[i];
            ties = 0;
        } else if (c == best_common) {
            ties = 1;
        }
    }
    if (ties || best_common < dashes + 4 || 2 * (best_common - dashes) < wlen - dashes)
        return NULL;
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
    for (size_t i = 0; i < cli_common_option_count; i++)
        names[n++] = cli_common_option_names[i];
    names[n++] = "--help";
    for (const cli_option *o = cmd->options; o->name && n < 64; o++, n++) {
        snprintf(buf[n], sizeof buf[n], "--%s", o->name);
        names[n] = buf[n];
    }
    char word[128];
    snprintf(word, sizeof word, "%.*s", (int)(len < 100 ? len : 100), arg);
    const char *s = cli_suggest(word, names, n);
    if (s)
        cli_error("%s: unknown option '%s' (did you mean %s?)", cmd->name, word, s);
    else
        cli_error("%s: unknown option '%s'; see 'lineage %s --help'", cmd->name, word,
                  cmd->name);
}

/* Options whose value is a file or directory name. */
static int names_path(const char *arg)
{
    return arg && (strcmp(arg, "FILE") == 0 || strcmp(arg, "PATH") == 0 || strcmp(arg, "DIR") == 0);
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
        if (a[0] == '\0') {
            /* No file, ID or word is empty; reading "" would name no file. */
            cli_error("%s: an empty argument; expected %s", cmd->name, cmd->usage);
            free(pos);
            return EXIT_USAGE;
        }
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
                int taken = cli_term_option(a + 2, len - 2, 0, eq ? eq + 1 : NULL);
                if (taken < 0) {
                    free(pos);
                    return EXIT_USAGE;
                }
                if (taken)
                    continue;
            }
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
            if (!o && a[2] == '\0' && cli_term_option(a + 1, 1, 1, NULL) > 0)
                continue;
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
        if (value && !value[0] && names_path(o->arg)) {
            cli_error("%s: option '--%s' needs a %s, not an empty string", cmd->name, o->name,
                      o->arg);
            free(pos);
            return EXIT_USAGE;
        }
        if (!fn(ctx, o->id, value)) {
            free(pos);
            return EXIT_USAGE;
        }
    }
    cli_term_settle();
    *positional = pos;
    *npositional = npos;
    return EXIT_CLEAN;
}

/* Prints `text` from column `indent` (the cursor is already there),
 * breaking at spaces so no line passes `width`; a word longer than the
 * room left is printed whole. */
static void print_wrapped(FILE *out, const char *text, size_t indent, size_t width)
{
    size_t room = width > indent + 20 ? width - indent : 20;
    size_t col = 0;
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        size_t wl = (size_t)(p - w);
        if (wl == 0)
            break;
        if (col > 0 && col + 1 + wl > room) {
            fprintf(out, "\n%*s", (int)indent, "");
            col = 0;
        } else if (col > 0) {
            fputc(' ', out);
            col++;
        }
        fwrite(w, 1, wl, out);
        col += wl;
    }
    fputc('\n', out);
}

void cli_print_item(FILE *out, const char *left, const char *text, int field)
{
    int w = fprintf(out, "  %s", left);
    if (w > field - 1)
        fprintf(out, "\n%*s", field, "");
    else
        fprintf(out, "%*s", field - w, "");
    print_wrapped(out, text, (size_t)field, cli_terminal_width(out));
}

void cli_print_paragraph(FILE *out, const char *text)
{
    print_wrapped(out, text, 0, cli_terminal_width(out));
}

/* Option names take a 28-column field, then the help text. */
enum { OPTION_FIELD = 28 };

void cli_print_help(const cli_command *cmd, FILE *out)
{
    size_t width = cli_terminal_width(out);
    fprintf(out, "usage: lineage %s %s\n\n", cmd->name, cmd->usage);
    print_wrapped(out, cmd->summary, 0, width);
    fputs("\noptions:\n", out);
    for (const cli_option *o = cmd->options; o->name; o++) {
        char left[64];
        if (o->short_name)
            snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name,
                     o->arg ? " " : "", o->arg ? o->arg : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        cli_print_item(out, left, o->help, OPTION_FIELD);
    }
    fputs("\ncommon options:\n", out);
    cli_print_item(out, "    --color[=WHEN]",
                   "colour the output: auto (default: when standard output is a terminal and "
                   "NO_COLOR is unset), always or never",
                   OPTION_FIELD);
    cli_print_item(out, "-q, --quiet",
                   "print only errors on standard error (no warnings, no progress line)",
                   OPTION_FIELD);
    cli_print_item(out, "-v, --verbose", "print notes about the input too", OPTION_FIELD);
    cli_print_item(out, "-h, --help", "show this help and exit", OPTION_FIELD);
}
