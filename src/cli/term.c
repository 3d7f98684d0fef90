/* Terminal-facing settings every subcommand shares. They are parsed from
 * the command line once (--color=auto decided then), before any output,
 * and only read afterwards: the one piece of process-wide state in the
 * tool, kept here so the option tables of the subcommands need not repeat
 * them. */
#define _POSIX_C_SOURCE 200809L
#include "term.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"

static struct {
    cli_color_mode color;
    int verbosity;
} settings;

const char *const cli_common_option_names[] = {"--color", "--quiet", "--verbose"};
const size_t cli_common_option_count =
    sizeof cli_common_option_names / sizeof cli_common_option_names[0];

static int is(const char *name, size_t len, const char *want)
{
    return strlen(want) == len && strncmp(name, want, len) == 0;
}

int cli_term_option(const char *name, size_t len, int is_short, const char *value)
{
    int quiet = is_short ? is(name, len, "q") : is(name, len, "quiet");
    int verbose = is_short ? is(name, len, "v") : is(name, len, "verbose");
    if (quiet || verbose) {
        if (value) {
            cli_error("option '--%s' takes no value", quiet ? "quiet" : "verbose");
            return -1;
        }
        settings.verbosity = quiet ? -1 : 1;
        return 1;
    }
    if (is_short || !(is(name, len, "color") || is(name, len, "colour")))
        return 0;
    if (!value || strcmp(value, "always") == 0)
        settings.color = CLI_COLOR_ALWAYS;
    else if (strcmp(value, "auto") == 0)
        settings.color = CLI_COLOR_AUTO;
    else if (strcmp(value, "never") == 0)
        settings.color = CLI_COLOR_NEVER;
    else {
        cli_error("--color wants auto, always or never, not '%s'", value);
        return -1;
    }
    return 1;
}

static int color_auto(void)
{
    const char *no = getenv("NO_COLOR");
    if (no && no[0])
        return 0;
    const char *term = getenv("TERM");
    if (term && strcmp(term, "dumb") == 0)
        return 0;
    return isatty(STDOUT_FILENO);
}

void cli_term_settle(void)
{
    if (settings.color == CLI_COLOR_AUTO)
        settings.color = color_auto() ? CLI_COLOR_ALWAYS : CLI_COLOR_NEVER;
}

int cli_color_stdout(void)
{
    return settings.color == CLI_COLOR_ALWAYS;
}

int cli_verbosity(void)
{
    return settings.verbosity;
}

size_t cli_terminal_width(FILE *out)
{
    size_t width = 80;
    const char *env = getenv("COLUMNS");
    char *end = NULL;
    long n = env ? strtol(env, &end, 10) : 0;
    if (env && end != env && *end == '\0' && n > 0 && n < 10000) {
        width = (size_t)n;
    } else {
        int fd = fileno(out);
        struct winsize ws;
        if (fd >= 0 && isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
            width = ws.ws_col;
    }
    return width < 40 ? 40 : width;
}
