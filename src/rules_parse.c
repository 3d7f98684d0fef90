/* Loading rule files into a rule set: the recursive-descent parser of the
 * rule language (docs/rules.md), includes, and the accessors of rules.
 *
 * The parser recovers after an error by skipping to the next property (in
 * a rule) or the next item (at the top level), so one run reports every
 * problem. Includes are queued, not followed recursively: a file is parsed
 * to its end, then the files it included, each at most once. */
/* realpath() is an X/Open interface. */
#define _XOPEN_SOURCE 700

#include "ruleset.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "errno_text.h"
#include "regular_file.h"
#include "rules_lex.h"
#include "limits.h"
#include "strbuf.h"

const char *const os_families[] = {"xp", "2003", "vista", "7", "8", "8.1", "10", "11", NULL};

static const char *const property_words[] = {
    "severity", "title", "description", "reference", "os", "arch", "parent", "ancestry",
    "children", "count", "alive", "exited", "absent", "lookalike", "pid", NULL};
static const char *const item_words[] = {"include", "rule", "suppress", "disable", "severity",
                                         NULL};

typedef struct pending {
    char *name; /* display name */
    int embedded;
    /* Where the include was written, for diagnostics. */
    const char *from;
    unsigned long line;
    unsigned col;
    const char *line_text;
    size_t line_len;
} pending;

typedef struct parser {
    lineage_ruleset *set;
    const char *name;
    const char *src;
    size_t len;
    int embedded;
    token *toks;
    size_t ntoks, pos;
    lineage_diag_list *diags;
    size_t errors;
    pending *queue;
    size_t nqueue, queue_cap;
} parser;

/* ---- helpers ------------------------------------------------------------ */

static const char *arena_str(arena *a, const char *s, size_t len)
{
    return arena_strndup(a, s, len);
}

static void error_at(parser *p, unsigned long line, unsigned col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static void error_at(parser *p, unsigned long line, unsigned col, const char *fmt, ...)
{
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    const char *text;
    size_t tlen;
    rules_line_text(p->src, p->len, line, &text, &tlen);
    lineage_diag_add(p->diags, LINEAGE_ERROR, p->name, line, col, text, tlen, "%s", sb.data);
    strbuf_release(&sb);
    p->errors++;
}

static const token *peek(const parser *p) { return &p->toks[p->pos]; }
static const token *next(parser *p)
{
    const token *t = &p->toks[p->pos];
    if (t->kind != TOK_EOF)
        p->pos++;
    return t;
}

static int is_word(const token *t, const char *w)
{
    return (t->kind == TOK_WORD || t->kind == TOK_NUMBER) && t->len == strlen(w) &&
           memcmp(t->text, w, t->len) == 0;
}

static int in_list(const token *t, const char *const *words)
{
    for (size_t i = 0; words[i]; i++)
        if (is_word(t, words[i]))
            return 1;
    return 0;
}

static const char *describe(const token *t, char buf[64])
{
    switch (t->kind) {
    case TOK_EOF: return "end of file";
    case TOK_STRING: return "a string";
    case TOK_PATTERN: return "a pattern";
    case TOK_LBRACE: return "'{'";
    case TOK_RBRACE: return "'}'";
    case TOK_DOTDOT: return "'..'";
    case TOK_GE: return "'>='";
    default:
        snprintf(buf, 64, "'%.*s'", t->len > 40 ? 40 : (int)t->len, t->text);
        return buf;
    }
}

static void expected_error(parser *p, const token *t, const char *what)
{
    char buf[64];
    error_at(p, t->line, t->col, "expected %s, found %s", what, describe(t, buf));
}

/* Adds a name to the session's known names and remembers it for other
 * sessions. */
static void add_known_name(lineage_ruleset *set, const char *s, size_t n)
{
    set->known = xgrow(set->known, &set->known_cap, set->nknown + 1, sizeof *set->known);
    set->known[set->nknown++] = (known_name){arena_strndup(set->mem, s, n), n};
    lineage_session_add_known_name(set->session, s, n);
}

/* Adds the literal names a pattern such as /^(csrss|smss)\.exe$/ spells to
 * the session, so cut names in listings resolve to them. */
static void add_literal_names(lineage_ruleset *set, const char *s, size_t n)
{
    if (n < 2 || s[0] != '^' || s[n - 1] != '$')
        return;
    s++;
    n -= 2;
    /* An optional group around alternatives, with a shared literal tail. */
    const char *alts = s, *tail = "";
    size_t alen = n, tlen = 0;
    if (n && s[0] == '(') {
        size_t open = (n > 2 && s[1] == '?' && s[2] == ':') ? 3 : 1;
        const char *close = memchr(s, ')', n);
        if (!close)
            return;
        alts = s + open;
        alen = (size_t)(close - alts);
        tail = close + 1;
        tlen = n - (size_t)(close + 1 - s);
    }
    size_t i = 0;
    while (i <= alen) {
        size_t j = i;
        while (j < alen && alts[j] != '|')
            j++;
        char buf[256];
        size_t bl = 0;
        int ok = 1;
        for (int part = 0; part < 2 && ok; part++) {
            const char *q = part ? tail : alts + i;
            size_t ql = part ? tlen : j - i;
            for (size_t k = 0; k < ql && ok; k++) {
                char c = q[k];
                if (c == '\\' && k + 1 < ql && (q[k + 1] == '.' || q[k + 1] == '-'))
                    c = q[++k];
                else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '_' || c == '-'))
                    ok = 0;
                if (bl + 1 >= sizeof buf)
                    ok = 0;
                else
                    buf[bl++] = c;
            }
        }
        if (ok && bl)
            add_known_name(set, buf, bl);
        i = j + 1;
    }
}

static rule_pattern *new_pattern(parser *p, const token *t)
{
    lineage_ruleset *set = p->set;
    rule_pattern *rp = arena_alloc(set->mem, sizeof *rp);
    rp->source = arena_str(set->mem, t->value, t->value_len);
    rp->len = t->value_len;
    rp->case_sensitive = t->case_sensitive;
    rp->file = p->name;
    rp->line = t->line;
    rp->col = t->col;
    rp->index = set->npatterns;
    const char *text;
    size_t tlen;
    rules_line_text(p->src, p->len, t->line, &text, &tlen);
    rp->line_text = arena_str(set->mem, text, tlen);
    rp->line_len = tlen;
    set->patterns = xgrow(set->patterns, &set->patterns_cap, set->npatterns + 1,
                          sizeof *set->patterns);
    set->patterns[set->npatterns++] = rp;
    add_literal_names(set, t->value, t->value_len);
    return rp;
}

static rule_pattern *expect_pattern(parser *p)
{
    const token *t = peek(p);
    if (t->kind != TOK_PATTERN) {
        expected_error(p, t, "a /pattern/");
        return NULL;
    }
    next(p);
    return new_pattern(p, t);
}

static int expect_word(parser *p, const char *w)
{
    const token *t = peek(p);
    if (!is_word(t, w)) {
        char what[64];
        snprintf(what, sizeof what, "'%s'", w);
        expected_error(p, t, what);
        return 0;
    }
    next(p);
    return 1;
}

static int expect_number(parser *p, uint64_t *out)
{
    const token *t = peek(p);
    if (t->kind != TOK_NUMBER) {
        expected_error(p, t, "a number");
        return 0;
    }
    next(p);
    *out = t->number;
    return 1;
}

static int valid_id(const token *t)
{
    if (t->kind != TOK_WORD && t->kind != TOK_NUMBER)
        return 0;
    for (size_t i = 0; i < t->len; i++) {
        char c = t->text[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 (i > 0 && (c == '.' || c == '-'));
        if (!ok)
            return 0;
    }
    return t->len > 0;
}

static int expect_id(parser *p, const token **out)
{
    const token *t = peek(p);
    if (t->kind != TOK_WORD && t->kind != TOK_NUMBER) {
        expected_error(p, t, "a rule id");
        return 0;
    }
    next(p);
    if (!valid_id(t)) {
        error_at(p, t->line, t->col,
                 "invalid rule id '%.*s' (lower-case letters, digits, '.' and '-')",
                 t->len > 60 ? 60 : (int)t->len, t->text);
        return 0;
    }
    *out = t;
    return 1;
}

static int expect_level(parser *p, lineage_level *out)
{
    const token *t = peek(p);
    if (t->kind != TOK_WORD || !lineage_level_parse(t->text, t->len, out)) {
        expected_error(p, t, "a severity (info, low, medium, high or critical)");
        if (t->kind == TOK_WORD)
            next(p);
        return 0;
    }
    next(p);
    return 1;
}

static const char *pattern_display(arena *a, const token *t)
{
    return arena_str(a, t->text, t->len);
}

/* ---- checks ------------------------------------------------------------- */

static int parse_check(parser *p, const token *kw, rule_check *c, strbuf *exp)
{
    arena *a = p->set->mem;
    const token *pt = peek(p);
    if (is_word(kw, "lookalike")) {
        c->kind = CHECK_LOOKALIKE;
        c->number = 2;
        const char **names = NULL;
        size_t n = 0, cap = 0;
        while (peek(p)->kind == TOK_STRING) {
            const token *s = next(p);
            char *f = arena_strndup(a, s->value, s->value_len);
            add_known_name(p->set, s->value, s->value_len);
            for (char *q = f; *q; q++)
                if (*q >= 'A' && *q <= 'Z')
                    *q = (char)(*q - 'A' + 'a');
            names = xgrow(names, &cap, n + 1, sizeof *names);
            names[n++] = f;
        }
        if (!n) {
            expected_error(p, peek(p), "a protected name as a \"string\"");
            free(names);
            return 0;
        }
        c->names = arena_alloc(a, n * sizeof *names);
        memcpy(c->names, names, n * sizeof *names);
        c->nnames = n;
        free(names);
        if (is_word(peek(p), "distance")) {
            next(p);
            const token *nt = peek(p);
            if (!expect_number(p, &c->number))
                return 0;
            if (c->number < 1 || c->number > 8) {
                error_at(p, nt->line, nt->col, "distance must be between 1 and 8");
                return 0;
            }
        }
        return 1;
    }
    rule_pattern *subject = expect_pattern(p);
    if (!subject)
        return 0;
    c->subject = subject;
    if (is_word(kw, "parent")) {
        c->kind = CHECK_PARENT;
        if (!expect_word(p, "is"))
            return 0;
        const token *ot = peek(p);
        if (!(c->other = expect_pattern(p)))
            return 0;
        if (is_word(peek(p), "or")) {
            next(p);
            if (!expect_word(p, "absent"))
                return 0;
            c->or_absent = 1;
        }
        strbuf_printf(exp, "parent matching %s%s", pattern_display(a, ot),
                      c->or_absent ? " or absent" : "");
    } else if (is_word(kw, "ancestry")) {
        c->kind = CHECK_ANCESTRY;
        if (is_word(peek(p), "not")) {
            next(p);
            c->negate = 1;
        }
        if (!expect_word(p, "matches"))
            return 0;
        const token *ot = peek(p);
        if (!(c->other = expect_pattern(p)))
            return 0;
        strbuf_printf(exp, "ancestry %smatching %s", c->negate ? "not " : "",
                      pattern_display(a, ot));
    } else if (is_word(kw, "children")) {
        const token *mode = peek(p);
        if (is_word(mode, "forbid"))
            c->kind = CHECK_CHILDREN_FORBID;
        else if (is_word(mode, "only"))
            c->kind = CHECK_CHILDREN_ONLY;
        else {
            expected_error(p, mode, "'forbid' or 'only'");
            return 0;
        }
        next(p);
        const token *ot = peek(p);
        if (!(c->other = expect_pattern(p)))
            return 0;
        strbuf_printf(exp, "%s %s under a process matching %s",
                      c->kind == CHECK_CHILDREN_FORBID ? "no child matching"
                                                       : "only children matching",
                      pattern_display(a, ot), pattern_display(a, pt));
    } else if (is_word(kw, "count")) {
        c->kind = CHECK_COUNT;
        const token *op = peek(p);
        if (is_word(op, "exactly")) {
            next(p);
            c->op = COUNT_EXACTLY;
        } else if (is_word(op, "at")) {
            next(p);
            const token *w = peek(p);
            if (is_word(w, "most"))
                c->op = COUNT_AT_MOST;
            else if (is_word(w, "least"))
                c->op = COUNT_AT_LEAST;
            else {
                expected_error(p, w, "'most' or 'least'");
                return 0;
            }
            next(p);
        } else {
            expected_error(p, op, "'exactly', 'at most' or 'at least'");
            return 0;
        }
        if (!expect_number(p, &c->number))
            return 0;
        if (is_word(peek(p), "per")) {
            next(p);
            if (!expect_word(p, "session"))
                return 0;
            c->per_session = 1;
        }
        static const char *const ops[] = {"exactly", "at most", "at least"};
        strbuf_printf(exp, "%s %llu live process%s matching %s%s", ops[c->op],
                      (unsigned long long)c->number, c->number == 1 ? "" : "es",
                      pattern_display(a, pt), c->per_session ? " per session" : "");
    } else if (is_word(kw, "alive")) {
        c->kind = CHECK_ALIVE;
        strbuf_puts(exp, "live threads");
    } else if (is_word(kw, "exited")) {
        c->kind = CHECK_EXITED;
        strbuf_puts(exp, "to have exited");
    } else if (is_word(kw, "absent")) {
        c->kind = CHECK_ABSENT;
        strbuf_printf(exp, "no process matching %s", pattern_display(a, pt));
    } else { /* pid */
        c->kind = CHECK_PID;
        if (!expect_word(p, "is") || !expect_number(p, &c->number))
            return 0;
        if (is_word(peek(p), "ppid")) {
            next(p);
            if (!expect_number(p, &c->ppid))
                return 0;
            c->has_ppid = 1;
        }
        strbuf_printf(exp, "PID %llu", (unsigned long long)c->number);
        if (c->has_ppid)
            strbuf_printf(exp, " with PPID %llu", (unsigned long long)c->ppid);
    }
    return 1;
}

/* ---- rules -------------------------------------------------------------- */

static int family_index(const token *t)
{
    for (int i = 0; os_families[i]; i++)
        if (is_word(t, os_families[i]))
            return i;
    return -1;
}

static int parse_os(parser *p, lineage_rule *r, strbuf *scope, build_range **builds, size_t *cap)
{
    int any = 0;
    for (;;) {
        const token *t = peek(p);
        int fi = family_index(t);
        if (fi >= 0) {
            next(p);
            r->families |= 1u << fi;
            strbuf_printf(scope, "%s%.*s", scope->len ? " " : "", (int)t->len, t->text);
        } else if (is_word(t, "build")) {
            next(p);
            build_range br;
            uint64_t lo, hi;
            if (peek(p)->kind == TOK_GE) {
                next(p);
                if (!expect_number(p, &lo))
                    return 0;
                br.lo = (unsigned long)lo;
                br.hi = ULONG_MAX;
                strbuf_printf(scope, "%sbuild >=%lu", scope->len ? " " : "", br.lo);
            } else {
                if (!expect_number(p, &lo))
                    return 0;
                if (peek(p)->kind != TOK_DOTDOT) {
                    expected_error(p, peek(p), "'..' or '>='");
                    return 0;
                }
                next(p);
                const token *ht = peek(p);
                if (!expect_number(p, &hi))
                    return 0;
                if (hi < lo) {
                    error_at(p, ht->line, ht->col, "empty build range %llu..%llu",
                             (unsigned long long)lo, (unsigned long long)hi);
                    return 0;
                }
                br.lo = (unsigned long)lo;
                br.hi = (unsigned long)hi;
                strbuf_printf(scope, "%sbuild %lu..%lu", scope->len ? " " : "", br.lo, br.hi);
            }
            *builds = xgrow(*builds, cap, r->nbuilds + 1, sizeof **builds);
            (*builds)[r->nbuilds++] = br;
        } else {
            break;
        }
        any = 1;
    }
    if (!any) {
        expected_error(p, peek(p), "an OS (xp 2003 vista 7 8 8.1 10 11 or build N..M)");
        return 0;
    }
    r->has_os = 1;
    return 1;
}

static int parse_arch(parser *p, lineage_rule *r, strbuf *scope)
{
    static const struct { const char *name; lineage_arch arch; } arches[] = {
        {"x86", LINEAGE_ARCH_X86}, {"x64", LINEAGE_ARCH_X64}, {"arm64", LINEAGE_ARCH_ARM64}};
    int any = 0;
    for (;;) {
        const token *t = peek(p);
        size_t i;
        for (i = 0; i < 3; i++)
            if (is_word(t, arches[i].name))
                break;
        if (i == 3)
            break;
        next(p);
        r->arches |= 1u << arches[i].arch;
        strbuf_printf(scope, "%s%s", scope->len ? " " : "", arches[i].name);
        any = 1;
    }
    if (!any)
        expected_error(p, peek(p), "an architecture (x86, x64 or arm64)");
    return any;
}

/* Skips to the next property keyword, '}' or end of file. */
static void skip_property(parser *p)
{
    while (peek(p)->kind != TOK_EOF && peek(p)->kind != TOK_RBRACE && !in_list(peek(p), property_words))
        next(p);
}

static const lineage_rule *find_rule(const lineage_ruleset *set, const char *id, size_t len)
{
    for (size_t i = 0; i < set->nrules; i++)
        if (strlen(set->rules[i]->id) == len && memcmp(set->rules[i]->id, id, len) == 0)
            return set->rules[i];
    return NULL;
}

static void parse_rule(parser *p, const token *kw)
{
    arena *a = p->set->mem;
    const token *idt;
    int id_ok = expect_id(p, &idt);
    if (peek(p)->kind != TOK_LBRACE) {
        if (id_ok)
            expected_error(p, peek(p), "'{'");
        while (peek(p)->kind != TOK_EOF && peek(p)->kind != TOK_LBRACE && !in_list(peek(p), item_words))
            next(p);
        if (peek(p)->kind != TOK_LBRACE)
            return;
    }
    next(p);
    lineage_rule *r = arena_alloc(a, sizeof *r);
    r->level = LINEAGE_LEVEL_MEDIUM;
    r->file = p->name;
    r->line = kw->line;
    r->builtin = p->embedded;
    r->description = "";
    int has_level = 0, has_title = 0;
    strbuf scope = STRBUF_INIT, desc = STRBUF_INIT;
    const char **refs = NULL;
    size_t refs_cap = 0, builds_cap = 0, checks_cap = 0;
    build_range *builds = NULL;
    rule_check *checks = NULL;
    strbuf archs = STRBUF_INIT;
    for (;;) {
        const token *t = peek(p);
        if (t->kind == TOK_RBRACE || t->kind == TOK_EOF)
            break;
        if (!in_list(t, property_words)) {
            expected_error(p, t, "a property or check");
            next(p);
            skip_property(p);
            continue;
        }
        next(p);
        int ok = 1;
        if (is_word(t, "severity")) {
            if (has_level)
                error_at(p, t->line, t->col, "severity given twice");
            ok = expect_level(p, &r->level);
            has_level = 1;
        } else if (is_word(t, "title")) {
            const token *s = peek(p);
            if (has_title)
                error_at(p, t->line, t->col, "title given twice");
            if (s->kind != TOK_STRING) {
                expected_error(p, s, "a \"string\"");
                ok = 0;
            } else {
                next(p);
                r->title = arena_str(a, s->value, s->value_len);
                has_title = 1;
            }
        } else if (is_word(t, "description")) {
            const token *s = peek(p);
            if (s->kind != TOK_STRING) {
                expected_error(p, s, "a \"string\"");
                ok = 0;
            } else {
                next(p);
                if (desc.len)
                    strbuf_puts(&desc, "\n\n");
                strbuf_add(&desc, s->value, s->value_len);
            }
        } else if (is_word(t, "reference")) {
            size_t before = r->nrefs;
            for (;;) {
                const token *w = peek(p);
                if (w->kind == TOK_STRING) {
                    refs = xgrow(refs, &refs_cap, r->nrefs + 1, sizeof *refs);
                    refs[r->nrefs++] = arena_str(a, w->value, w->value_len);
                } else if ((w->kind == TOK_WORD || w->kind == TOK_NUMBER) &&
                           !in_list(w, property_words)) {
                    refs = xgrow(refs, &refs_cap, r->nrefs + 1, sizeof *refs);
                    refs[r->nrefs++] = arena_str(a, w->text, w->len);
                } else {
                    break;
                }
                next(p);
            }
            if (r->nrefs == before) {
                expected_error(p, peek(p), "a reference");
                ok = 0;
            }
        } else if (is_word(t, "os")) {
            ok = parse_os(p, r, &scope, &builds, &builds_cap);
        } else if (is_word(t, "arch")) {
            ok = parse_arch(p, r, &archs);
        } else {
            rule_check c;
            memset(&c, 0, sizeof c);
            strbuf exp = STRBUF_INIT;
            ok = parse_check(p, t, &c, &exp);
            if (ok) {
                c.expected = exp.data ? arena_str(a, exp.data, exp.len) : "";
                checks = xgrow(checks, &checks_cap, r->nchecks + 1, sizeof *checks);
                checks[r->nchecks++] = c;
            }
            strbuf_release(&exp);
        }
        if (!ok)
            skip_property(p);
    }
    const token *end = peek(p);
    if (end->kind != TOK_RBRACE)
        expected_error(p, end, "'}' to close the rule");
    else
        next(p);
    if (id_ok) {
        if (!has_level)
            error_at(p, kw->line, kw->col, "rule '%.*s' has no severity", (int)idt->len, idt->text);
        if (!has_title)
            error_at(p, kw->line, kw->col, "rule '%.*s' has no title", (int)idt->len, idt->text);
        if (!r->nchecks)
            error_at(p, kw->line, kw->col, "rule '%.*s' has no check", (int)idt->len, idt->text);
        const lineage_rule *dup = find_rule(p->set, idt->text, idt->len);
        if (dup)
            error_at(p, idt->line, idt->col, "duplicate rule id '%.*s' (first defined at %s:%lu%s)",
                     (int)idt->len, idt->text, dup->file, dup->line,
                     dup->builtin ? ", in the built-in rules; --no-default-rules leaves them out"
                                  : "");
    }
    if (!has_title)
        r->title = "";
    if (archs.len)
        strbuf_printf(&scope, "%s%s", scope.len ? " " : "", archs.data);
    r->scope = scope.len ? arena_str(a, scope.data, scope.len) : "any";
    if (desc.len)
        r->description = arena_str(a, desc.data, desc.len);
    const char *text_end = end->kind == TOK_RBRACE ? end->text + 1 : end->text;
    r->text = arena_str(a, kw->text, (size_t)(text_end - kw->text));
    r->refs = arena_alloc(a, (r->nrefs ? r->nrefs : 1) * sizeof *r->refs);
    if (r->nrefs)
        memcpy(r->refs, refs, r->nrefs * sizeof *refs);
    r->builds = arena_alloc(a, (r->nbuilds ? r->nbuilds : 1) * sizeof *r->builds);
    if (r->nbuilds)
        memcpy(r->builds, builds, r->nbuilds * sizeof *builds);
    r->checks = arena_alloc(a, (r->nchecks ? r->nchecks : 1) * sizeof *r->checks);
    if (r->nchecks)
        memcpy(r->checks, checks, r->nchecks * sizeof *checks);
    free(refs);
    free(builds);
    free(checks);
    strbuf_release(&scope);
    strbuf_release(&archs);
    strbuf_release(&desc);
    if (id_ok && !find_rule(p->set, idt->text, idt->len)) {
        r->id = arena_str(a, idt->text, idt->len);
        lineage_ruleset *set = p->set;
        set->rules = xgrow(set->rules, &set->rules_cap, set->nrules + 1, sizeof *set->rules);
        set->rules[set->nrules++] = r;
    }
}

/* ---- top level ---------------------------------------------------------- */

static rule_directive *add_directive(lineage_ruleset *set, directive_kind kind, const char *id)
{
    set->dirs = xgrow(set->dirs, &set->dirs_cap, set->ndirs + 1, sizeof *set->dirs);
    rule_directive *d = &set->dirs[set->ndirs++];
    memset(d, 0, sizeof *d);
    d->kind = kind;
    d->id = arena_strndup(set->mem, id, strlen(id));
    d->file = "command line";
    return d;
}

static rule_directive *directive_here(parser *p, directive_kind kind, const token *idt)
{
    rule_directive *d = add_directive(p->set, kind, "");
    d->id = arena_str(p->set->mem, idt->text, idt->len);
    d->file = p->name;
    d->line = idt->line;
    d->col = idt->col;
    const char *text;
    size_t tlen;
    rules_line_text(p->src, p->len, idt->line, &text, &tlen);
    d->line_text = arena_str(p->set->mem, text, tlen);
    d->line_len = tlen;
    return d;
}

static char *join_path(const char *base, const char *rel, size_t rlen)
{
    strbuf sb = STRBUF_INIT;
    if (rlen && rel[0] == '/') {
        strbuf_add(&sb, rel, rlen);
        return strbuf_detach(&sb);
    }
    const char *slash = strrchr(base, '/');
    if (slash)
        strbuf_add(&sb, base, (size_t)(slash - base + 1));
    strbuf_add(&sb, rel, rlen);
    /* Normalize "./" and "dir/../" so embedded names compare equal. */
    char *s = strbuf_detach(&sb);
    char *out = xmalloc(strlen(s) + 2); /* room for "." */
    size_t o = 0;
    const char *q = s;
    while (*q) {
        const char *e = strchr(q, '/');
        size_t n = e ? (size_t)(e - q) : strlen(q);
        if (n == 1 && q[0] == '.') {
        } else if (n == 2 && q[0] == '.' && q[1] == '.' && o > 0 &&
                   !(o >= 2 && out[o - 1] == '.' && out[o - 2] == '.' &&
                     (o == 2 || out[o - 3] == '/'))) {
            while (o > 0 && out[o - 1] != '/')
                o--;
            if (o > 0)
                o--;
            while (o > 0 && out[o - 1] != '/')
                o--;
        } else {
            memcpy(out + o, q, n);
            o += n;
            if (e)
                out[o++] = '/';
        }
        q = e ? e + 1 : q + n;
    }
    if (o == 0) /* "." beside a file in the current directory: keep a name */
        out[o++] = '.';
    out[o] = 0;
    free(s);
    return out;
}

static void parse_file(parser *p)
{
    for (;;) {
        const token *t = peek(p);
        if (t->kind == TOK_EOF)
            break;
        next(p);
        const token *idt;
        if (is_word(t, "rule")) {
            parse_rule(p, t);
            continue;
        } else if (is_word(t, "include")) {
            const token *s = peek(p);
            if (s->kind != TOK_STRING) {
                expected_error(p, s, "a \"path\"");
            } else if (s->value_len == 0) {
                next(p);
                error_at(p, s->line, s->col, "the path of an include is empty");
            } else {
                next(p);
                pending *q;
                p->queue = xgrow(p->queue, &p->queue_cap, p->nqueue + 1, sizeof *p->queue);
                q = &p->queue[p->nqueue++];
                q->embedded = p->embedded;
                q->name = join_path(p->name, s->value, s->value_len);
                q->from = p->name;
                q->line = s->line;
                q->col = s->col;
                const char *text;
                rules_line_text(p->src, p->len, s->line, &text, &q->line_len);
                q->line_text = arena_str(p->set->mem, text, q->line_len);
                continue;
            }
        } else if (is_word(t, "disable")) {
            if (expect_id(p, &idt)) {
                directive_here(p, DIR_DISABLE, idt);
                continue;
            }
        } else if (is_word(t, "severity")) {
            lineage_level lv;
            if (expect_id(p, &idt) && expect_level(p, &lv)) {
                directive_here(p, DIR_SEVERITY, idt)->level = lv;
                continue;
            }
        } else if (is_word(t, "suppress")) {
            if (expect_id(p, &idt) && expect_word(p, "ancestry")) {
                rule_pattern *pat = expect_pattern(p);
                if (pat && expect_word(p, "reason")) {
                    const token *s = peek(p);
                    if (s->kind != TOK_STRING || s->value_len == 0) {
                        expected_error(p, s, "a non-empty \"reason\"");
                    } else {
                        next(p);
                        rule_directive *d = directive_here(p, DIR_SUPPRESS, idt);
                        d->pattern = pat;
                        d->reason = arena_str(p->set->mem, s->value, s->value_len);
                        continue;
                    }
                }
            }
        } else {
            expected_error(p, t, "'rule', 'include', 'suppress', 'disable' or 'severity'");
        }
        while (peek(p)->kind != TOK_EOF && !in_list(peek(p), item_words))
            next(p);
    }
}

/* ---- loading ------------------------------------------------------------ */

static int already_loaded(lineage_ruleset *set, const char *canonical)
{
    for (size_t i = 0; i < set->nloaded; i++)
        if (strcmp(set->loaded[i], canonical) == 0)
            return 1;
    set->loaded = xgrow(set->loaded, &set->loaded_cap, set->nloaded + 1, sizeof *set->loaded);
    set->loaded[set->nloaded++] = arena_strndup(set->mem, canonical, strlen(canonical));
    return 0;
}

static char *canonical_path(const char *path, int embedded)
{
    if (embedded)
        return xstrdup(path);
    char *r = realpath(path, NULL);
    if (r) {
        char *c = xstrdup(r);
        free(r);
        return c;
    }
    return xstrdup(path);
}

static const embedded_rule_file *find_embedded(const char *name)
{
    /* Embedded files are named "rules/<path>". */
    if (strncmp(name, "rules/", 6) != 0)
        return NULL;
    for (size_t i = 0; i < embedded_rule_file_count; i++)
        if (strcmp(embedded_rule_files[i].path, name + 6) == 0)
            return &embedded_rule_files[i];
    return NULL;
}

/* Reads an open stream to its end, up to LINEAGE_MAX_RULE_FILE_BYTES. On
 * failure returns NULL and says why in `why`. */
static char *read_stream(FILE *f, size_t *len, char why[ERRNO_TEXT_SIZE])
{
    strbuf sb = STRBUF_INIT;
    char buf[8192];
    size_t n;
    int too_big = 0;
    while (!too_big && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (sb.len + n > LINEAGE_MAX_RULE_FILE_BYTES)
            too_big = 1;
        else
            strbuf_add(&sb, buf, n);
    }
    if (ferror(f) || too_big) {
        snprintf(why, ERRNO_TEXT_SIZE, "%s",
                 too_big ? "larger than the rule file limit (16 MiB)" : "read error");
        strbuf_release(&sb);
        return NULL;
    }
    *len = sb.len;
    return sb.data ? strbuf_detach(&sb) : xstrdup("");
}

/* Reads a rule file whole; only a regular file (regular_file.h). */
static char *read_whole(const char *path, size_t *len, char why[ERRNO_TEXT_SIZE])
{
    int err;
    FILE *f = regular_file_open(path, &err);
    if (!f) {
        if (err)
            errno_text(err, why);
        else
            snprintf(why, ERRNO_TEXT_SIZE, "not a regular file");
        return NULL;
    }
    char *text = read_stream(f, len, why);
    fclose(f);
    return text;
}

/* A leading UTF-8 byte-order mark, which some Windows editors write, is
 * not part of the text: lines and columns count from the character after
 * it, so line 1 column 1 is the first character an editor shows. */
static void skip_bom(const char **text, size_t *len)
{
    if (*len >= 3 && memcmp(*text, "\xEF\xBB\xBF", 3) == 0) {
        *text += 3;
        *len -= 3;
    }
}

static size_t parse_text(lineage_ruleset *set, const char *name, const char *text, size_t len,
                         int embedded, lineage_diag_list *diags, parser *p)
{
    skip_bom(&text, &len);
    memset(p, 0, sizeof *p);
    p->set = set;
    p->name = arena_strndup(set->mem, name, strlen(name));
    p->src = text;
    p->len = len;
    p->embedded = embedded;
    p->diags = diags;
    p->errors = rules_lex(set->mem, p->name, text, len, diags, &p->toks, &p->ntoks);
    parse_file(p);
    free(p->toks);
    return p->errors;
}

/* Parses a text, then every include it queued (breadth first). */
static lineage_status load_all(lineage_ruleset *set, const char *name, const char *text,
                               size_t len, int embedded, lineage_diag_list *diags)
{
    pending *queue = NULL;
    size_t nq = 0, qcap = 0, qi = 0;
    size_t errors = 0;
    int io = 0;
    parser p;
    errors += parse_text(set, name, text, len, embedded, diags, &p);
    for (;;) {
        for (size_t i = 0; i < p.nqueue; i++) {
            queue = xgrow(queue, &qcap, nq + 1, sizeof *queue);
            queue[nq++] = p.queue[i];
        }
        free(p.queue);
        p.queue = NULL;
        p.nqueue = 0;
        if (qi == nq)
            break;
        pending *q = &queue[qi++];
        char *canon = canonical_path(q->name, q->embedded);
        int seen = already_loaded(set, canon);
        free(canon);
        if (seen)
            continue;
        if (q->embedded) {
            const embedded_rule_file *ef = find_embedded(q->name);
            if (!ef) {
                lineage_diag_add(diags, LINEAGE_ERROR, q->from, q->line, q->col, q->line_text,
                                 q->line_len, "included file '%s' is not among the default rules",
                                 q->name);
                errors++;
                continue;
            }
            errors += parse_text(set, q->name, (const char *)ef->data, ef->len, 1, diags, &p);
        } else {
            size_t flen;
            char why[ERRNO_TEXT_SIZE];
            char *ftext = read_whole(q->name, &flen, why);
            if (!ftext) {
                lineage_diag_add(diags, LINEAGE_ERROR, q->from, q->line, q->col, q->line_text,
                                 q->line_len, "cannot read included file '%s': %s", q->name, why);
                io = 1;
                errors++;
                continue;
            }
            errors += parse_text(set, q->name, ftext, flen, 0, diags, &p);
            free(ftext);
        }
    }
    for (size_t i = 0; i < nq; i++)
        free(queue[i].name);
    free(queue);
    set->errors += errors;
    if (errors)
        return io ? LINEAGE_E_IO : LINEAGE_E_RULE;
    return LINEAGE_OK;
}

lineage_ruleset *lineage_ruleset_new(lineage_session *session)
{
    lineage_ruleset *set = xcalloc(1, sizeof *set);
    set->session = session;
    set->mem = arena_new();
    return set;
}

void lineage_ruleset_free(lineage_ruleset *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->npatterns; i++)
        pcre2_code_free(set->patterns[i]->code);
    pcre2_match_context_free(set->mctx);
    free(set->rules);
    free(set->patterns);
    free(set->dirs);
    free(set->loaded);
    free(set->known);
    arena_free(set->mem);
    free(set);
}

void lineage_ruleset_share_names(const lineage_ruleset *set, lineage_session *session)
{
    if (!set || !session)
        return;
    for (size_t i = 0; i < set->nknown; i++)
        lineage_session_add_known_name(session, set->known[i].text, set->known[i].len);
}

lineage_status lineage_ruleset_load_string(lineage_ruleset *set, const char *name,
                                           const char *text, size_t len,
                                           lineage_diag_list *diags)
{
    if (!set || !name || (!text && len) || set->compiled)
        return LINEAGE_E_ARG;
    char *canon = canonical_path(name, 0);
    already_loaded(set, canon);
    free(canon);
    return load_all(set, name, text ? text : "", len, 0, diags);
}

lineage_status lineage_ruleset_load_file(lineage_ruleset *set, const char *path,
                                         lineage_diag_list *diags)
{
    if (!set || !path || set->compiled)
        return LINEAGE_E_ARG;
    /* "-" is standard input, as for lineage_reader_open; only here, so an
     * include never reads it. */
    int is_stdin = strcmp(path, "-") == 0;
    char *canon = is_stdin ? xstrdup(path) : canonical_path(path, 0);
    int seen = already_loaded(set, canon);
    free(canon);
    if (seen)
        return LINEAGE_OK;
    size_t len;
    char why[ERRNO_TEXT_SIZE];
    char *text = is_stdin ? read_stream(stdin, &len, why) : read_whole(path, &len, why);
    if (!text) {
        lineage_diag_add(diags, LINEAGE_ERROR, path, 0, 0, NULL, 0, "cannot read rule file: %s",
                         why);
        set->errors++;
        return LINEAGE_E_IO;
    }
    lineage_status st = load_all(set, path, text, len, 0, diags);
    free(text);
    return st;
}

lineage_status lineage_ruleset_load_defaults(lineage_ruleset *set, lineage_diag_list *diags)
{
    if (!set || set->compiled)
        return LINEAGE_E_ARG;
    lineage_status worst = LINEAGE_OK;
    for (size_t i = 0; i < embedded_rule_file_count; i++) {
        const embedded_rule_file *ef = &embedded_rule_files[i];
        char *name = xmalloc(strlen(ef->path) + 7);
        memcpy(name, "rules/", 6);
        strcpy(name + 6, ef->path);
        if (!already_loaded(set, name)) {
            lineage_status st = load_all(set, name, (const char *)ef->data, ef->len, 1, diags);
            if (st != LINEAGE_OK)
                worst = st;
        }
        free(name);
    }
    return worst;
}

size_t lineage_default_rule_file_count(void)
{
    return embedded_rule_file_count;
}

void lineage_ruleset_disable(lineage_ruleset *set, const char *id)
{
    if (set && id && !set->compiled)
        add_directive(set, DIR_DISABLE, id);
}

void lineage_ruleset_set_level(lineage_ruleset *set, const char *id, lineage_level level)
{
    if (set && id && !set->compiled)
        add_directive(set, DIR_SEVERITY, id)->level = level;
}

/* ---- compile ------------------------------------------------------------ */

static int compile_pattern(lineage_ruleset *set, rule_pattern *rp, lineage_diag_list *diags)
{
    int err;
    PCRE2_SIZE off;
    uint32_t opts = rp->case_sensitive ? 0 : PCRE2_CASELESS;
    rp->code = pcre2_compile((PCRE2_SPTR)rp->source, rp->len, opts, &err, &off, NULL);
    if (!rp->code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof msg);
        (void)set;
        lineage_diag_add(diags, LINEAGE_ERROR, rp->file, rp->line, rp->col, rp->line_text,
                         rp->line_len, "invalid pattern: %s at offset %zu", (const char *)msg, (size_t)off);
        return 0;
    }
    /* JIT is an optimisation: where it is unavailable the interpreter runs. */
    (void)pcre2_jit_compile(rp->code, PCRE2_JIT_COMPLETE | PCRE2_JIT_PARTIAL_SOFT);
    return 1;
}

lineage_status lineage_ruleset_compile(lineage_ruleset *set, lineage_diag_list *diags)
{
    if (!set || set->compiled)
        return LINEAGE_E_ARG;
    size_t errors = set->errors;
    for (size_t i = 0; i < set->ndirs; i++) {
        rule_directive *d = &set->dirs[i];
        lineage_rule *r = NULL;
        for (size_t j = 0; j < set->nrules; j++)
            if (strcmp(set->rules[j]->id, d->id) == 0)
                r = set->rules[j];
        if (!r) {
            static const char *const what[] = {"disable", "severity", "suppress"};
            lineage_diag_add(diags, LINEAGE_ERROR, d->file, d->line, d->col, d->line_text,
                             d->line_len, "%s%s: unknown rule '%s'", d->line ? "" : "--",
                             what[d->kind], d->id);
            errors++;
            continue;
        }
        if (d->kind == DIR_SEVERITY && (unsigned)d->level >= LINEAGE_LEVEL_COUNT) {
            /* Only lineage_ruleset_set_level can bring one: rule files
             * spell levels as words. */
            lineage_diag_add(diags, LINEAGE_ERROR, d->file, d->line, d->col, d->line_text,
                             d->line_len, "--severity: %u is not a level (0 to 4) for rule '%s'",
                             (unsigned)d->level, d->id);
            errors++;
            continue;
        }
        d->rule = r;
        if (d->kind == DIR_DISABLE)
            r->disabled = 1;
        else if (d->kind == DIR_SEVERITY)
            r->level = d->level;
    }
    for (size_t i = 0; i < set->npatterns; i++) {
        if (!compile_pattern(set, set->patterns[i], diags))
            errors++;
    }
    set->mctx = pcre2_match_context_create(NULL);
    pcre2_set_match_limit(set->mctx, LINEAGE_PCRE2_MATCH_LIMIT);
    pcre2_set_depth_limit(set->mctx, LINEAGE_PCRE2_DEPTH_LIMIT);
    pcre2_set_heap_limit(set->mctx, LINEAGE_PCRE2_HEAP_LIMIT_KIB);
    set->compiled = 1;
    if (errors) {
        set->nrules = 0; /* an invalid set checks nothing */
        return LINEAGE_E_RULE;
    }
    return LINEAGE_OK;
}

/* ---- rules -------------------------------------------------------------- */

size_t lineage_ruleset_rule_count(const lineage_ruleset *set) { return set ? set->nrules : 0; }
const lineage_rule *lineage_ruleset_rule(const lineage_ruleset *set, size_t i)
{
    return set && i < set->nrules ? set->rules[i] : NULL;
}
const lineage_rule *lineage_ruleset_find(const lineage_ruleset *set, const char *id)
{
    return set && id ? find_rule(set, id, strlen(id)) : NULL;
}
const char *lineage_rule_get_id(const lineage_rule *r) { return r->id; }
lineage_level lineage_rule_get_level(const lineage_rule *r) { return r->level; }
const char *lineage_rule_get_title(const lineage_rule *r) { return r->title; }
const char *lineage_rule_get_description(const lineage_rule *r) { return r->description; }
size_t lineage_rule_reference_count(const lineage_rule *r) { return r->nrefs; }
const char *lineage_rule_reference(const lineage_rule *r, size_t i)
{
    return i < r->nrefs ? r->refs[i] : NULL;
}
const char *lineage_rule_get_scope(const lineage_rule *r) { return r->scope; }
const char *lineage_rule_get_file(const lineage_rule *r) { return r->file; }
unsigned long lineage_rule_get_line(const lineage_rule *r) { return r->line; }
const char *lineage_rule_get_text(const lineage_rule *r) { return r->text; }
int lineage_rule_is_disabled(const lineage_rule *r) { return r->disabled; }
