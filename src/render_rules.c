/* Rules as text for a person: the listing of `lineage rules list` and one
 * rule as `lineage rules show` prints it. Everything here comes from rule
 * files (titles, scopes, the rule's own text) or from the command line
 * (file names), so it is escaped as terminal output is: a rule file can
 * hold any byte, and a title's `\n` escape is a real newline once read. */
#include <lineage/level.h>
#include <lineage/rules.h>

#include <string.h>

#include "strbuf.h"

/* Rule-file text, escaped; backslashes stay (a pattern /^smss\.exe$/
 * reads as written). */
static void add_text(strbuf *sb, const char *s)
{
    strbuf_add_escaped_text(sb, s, strlen(s));
}

static void add_level_upper(strbuf *sb, lineage_level level)
{
    const char *lv = lineage_level_name(level);
    size_t n = strlen(lv);
    for (const char *c = lv; *c; c++)
        strbuf_putc(sb, (*c >= 'a' && *c <= 'z') ? (char)(*c - 'a' + 'A') : *c);
    if (n < 8)
        strbuf_pad(sb, ' ', 8 - n);
}

char *lineage_ruleset_render_list(const lineage_ruleset *set)
{
    strbuf sb = STRBUF_INIT;
    size_t n = set ? lineage_ruleset_rule_count(set) : 0;
    for (size_t i = 0; i < n; i++) {
        const lineage_rule *r = lineage_ruleset_rule(set, i);
        const char *file = lineage_rule_get_file(r);
        add_level_upper(&sb, lineage_rule_get_level(r));
        strbuf_putc(&sb, ' ');
        add_text(&sb, lineage_rule_get_id(r));
        if (lineage_rule_is_disabled(r))
            strbuf_puts(&sb, " [disabled]");
        strbuf_puts(&sb, "\n         ");
        add_text(&sb, lineage_rule_get_title(r));
        strbuf_puts(&sb, "\n         os: ");
        add_text(&sb, lineage_rule_get_scope(r));
        strbuf_puts(&sb, "  (");
        strbuf_add_escaped(&sb, file, strlen(file));
        strbuf_printf(&sb, ":%lu)\n", lineage_rule_get_line(r));
    }
    strbuf_printf(&sb, "%zu rule%s\n", n, n == 1 ? "" : "s");
    return strbuf_detach(&sb);
}

char *lineage_rule_render_text(const lineage_rule *r)
{
    if (!r)
        return NULL;
    strbuf sb = STRBUF_INIT;
    const char *file = lineage_rule_get_file(r);
    strbuf_puts(&sb, "# ");
    strbuf_add_escaped(&sb, file, strlen(file));
    strbuf_printf(&sb, ":%lu\n# level: %s%s\n# os: ", lineage_rule_get_line(r),
                  lineage_level_name(lineage_rule_get_level(r)),
                  lineage_rule_is_disabled(r) ? " (disabled)" : "");
    add_text(&sb, lineage_rule_get_scope(r));
    strbuf_putc(&sb, '\n');
    /* Its line breaks and tabs are layout; every other control byte is
     * escaped. */
    const char *t = lineage_rule_get_text(r);
    strbuf_add_escaped_layout(&sb, t, strlen(t));
    strbuf_putc(&sb, '\n');
    return strbuf_detach(&sb);
}
