/* The template compiler: template text to an immutable lineage_template.
 *
 * One pass over the text finds each tag, applies the standalone-line rule
 * (a section, inverted, closing, partial or comment tag that is the only
 * thing on its line takes the whole line with it) and appends text and
 * tag nodes to a flat array, linking each section to its closing tag.
 * Partials are queued by name and compiled afterwards, each once, so
 * even a template that includes itself compiles in bounded work; the
 * renderer bounds how deep partials nest. Errors are reported with
 * file:line:col and compiling continues, so one run shows every problem. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "limits.h"
#include "regular_file.h"
#include "strbuf.h"
#include "template_model.h"

typedef struct parser {
    lineage_template *tpl;
    size_t unit; /* index: the units array grows while parsing */
    lineage_diag_list *diags;
    size_t tags; /* across all units */
    bool error;
    bool limit;
    size_t *open; /* node indices of the open sections */
    size_t open_count, open_cap;
} parser;

static tunit *cur(parser *p)
{
    return &p->tpl->units[p->unit];
}

const char *tunit_line_at(const tunit *unit, const char *at, size_t *len)
{
    const char *start = at;
    while (start > unit->text && start[-1] != '\n')
        start--;
    const char *end = at;
    const char *limit = unit->text + unit->text_len;
    while (end < limit && *end != '\n')
        end++;
    if (end > start && end[-1] == '\r')
        end--;
    *len = (size_t)(end - start);
    return start;
}

static void report(parser *p, const tunit *unit, const char *at, unsigned long line,
                   unsigned column, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

static void report(parser *p, const tunit *unit, const char *at, unsigned long line,
                   unsigned column, const char *fmt, ...)
{
    strbuf msg = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&msg, fmt, ap);
    va_end(ap);
    size_t line_len = 0;
    const char *text = at ? tunit_line_at(unit, at, &line_len) : NULL;
    lineage_diag_add(p->diags, LINEAGE_ERROR, unit->source, line, column, text, line_len, "%s",
                     msg.data ? msg.data : "");
    strbuf_release(&msg);
    p->error = true;
}

/* The name shown in a message, with control bytes escaped (caller frees). */
static char *shown(const char *s, size_t len)
{
    strbuf sb = STRBUF_INIT;
    strbuf_add_escaped(&sb, s, len);
    return strbuf_detach(&sb);
}

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

/* "." alone, or segments of name characters joined by single dots. */
static bool valid_name(const char *s, size_t len)
{
    if (len == 1 && s[0] == '.')
        return true;
    bool need_char = true;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '.') {
            if (need_char)
                return false;
            need_char = true;
        } else if (is_name_char(s[i])) {
            need_char = false;
        } else {
            return false;
        }
    }
    return len > 0 && !need_char;
}

/* Partial names: segments of name characters and dots joined by '/', no
 * segment empty or starting with '.', so a directory loader cannot be led
 * outside its directory. */
static bool valid_partial_name(const char *s, size_t len)
{
    bool seg_start = true;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '/') {
            if (seg_start)
                return false;
            seg_start = true;
            continue;
        }
        if (seg_start && c == '.')
            return false;
        if (!is_name_char(c) && c != '.')
            return false;
        seg_start = false;
    }
    return len > 0 && !seg_start;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static tnode *add_node(parser *p, tnode_kind kind, const char *s, size_t len, unsigned long line,
                       unsigned column)
{
    tunit *u = cur(p);
    u->nodes = xgrow(u->nodes, &u->cap, u->count + 1, sizeof *u->nodes);
    tnode *n = &u->nodes[u->count++];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->s = s;
    n->len = len;
    n->line = line;
    n->column = column;
    return n;
}

static size_t unit_for_partial(parser *p, const char *name, size_t len)
{
    lineage_template *t = p->tpl;
    for (size_t i = 1; i < t->count; i++)
        if (strlen(t->units[i].name) == len && memcmp(t->units[i].name, name, len) == 0)
            return i;
    t->units = xgrow(t->units, &t->cap, t->count + 1, sizeof *t->units);
    tunit *u = &t->units[t->count];
    memset(u, 0, sizeof *u);
    u->name = xstrndup(name, len);
    u->ref_unit = p->unit;
    u->ref_node = t->units[p->unit].count; /* the partial node about to be added */
    return t->count++;
}

/* Searches [from, end) for `pat` (2 or 3 bytes); when `one_line`, stops
 * at a newline. Returns the match or NULL. */
static const char *find(const char *from, const char *end, const char *pat, size_t pat_len,
                        bool one_line)
{
    for (const char *s = from; s + pat_len <= end; s++) {
        if (one_line && *s == '\n')
            return NULL;
        if (memcmp(s, pat, pat_len) == 0)
            return s;
    }
    return NULL;
}

typedef struct tag {
    const char *open; /* the first '{' */
    const char *end;  /* just past the closing braces */
    unsigned long line;
    unsigned column;
    char sigil; /* 0 for a plain variable, '{' for a triple */
    const char *name;
    size_t name_len;
} tag;

/* Reads the tag starting at t->open; false (after a diagnostic) when it
 * cannot be closed, leaving t->end at the end of the line. */
static bool read_tag(parser *p, tag *t, const char *end)
{
    tunit *u = cur(p);
    const char *q = t->open + 2;
    bool triple = q < end && *q == '{';
    if (triple)
        q++;
    const char *content = q;
    while (q < end && is_blank(*q))
        q++;
    char sigil = triple ? '{' : 0;
    if (!triple && q < end && *q && strchr("#^/>!&=", *q)) {
        sigil = *q;
        q++;
    }
    const char *close;
    size_t close_len = triple ? 3 : 2;
    if (sigil == '!')
        close = find(q, end, "}}", 2, false);
    else
        close = find(q, end, triple ? "}}}" : "}}", close_len, true);
    if (!close) {
        const char *eol = memchr(t->open, '\n', (size_t)(end - t->open));
        t->end = eol ? eol : end;
        if (triple && find(content, t->end, "}}", 2, true))
            report(p, u, t->open, t->line, t->column, "'{{{' is closed by '}}' instead of '}}}'");
        else
            report(p, u, t->open, t->line, t->column, "unclosed tag: no '%s' %s",
                   triple ? "}}}" : "}}", sigil == '!' ? "ends the comment" : "on this line");
        return false;
    }
    t->end = close + close_len;
    t->sigil = sigil;
    while (q < close && is_blank(*q))
        q++;
    const char *name_end = close;
    while (name_end > q && is_blank(name_end[-1]))
        name_end--;
    t->name = q;
    t->name_len = (size_t)(name_end - q);
    return true;
}

static bool standalone_kind(char sigil)
{
    return sigil == '#' || sigil == '^' || sigil == '/' || sigil == '>' || sigil == '!';
}

/* Checks a tag's name and adds its node. */
static void add_tag(parser *p, const tag *t, const char *indent, size_t indent_len)
{
    tunit *u = cur(p);
    if (t->sigil == '!')
        return;
    if (t->sigil == '=') {
        report(p, u, t->open, t->line, t->column,
               "set-delimiter tags ('{{=') are not supported");
        return;
    }
    if (t->name_len == 0) {
        report(p, u, t->open, t->line, t->column, "empty tag");
        return;
    }
    if (t->sigil == 0 && !is_name_char(t->name[0]) && t->name[0] != '.') {
        char *s = shown(t->name, 1);
        report(p, u, t->open, t->line, t->column, "unknown tag kind '%s'", s);
        free(s);
        return;
    }
    if (t->sigil == '>' ? !valid_partial_name(t->name, t->name_len)
                        : !valid_name(t->name, t->name_len)) {
        char *s = shown(t->name, t->name_len);
        report(p, u, t->open, t->line, t->column,
               t->sigil == '>' ? "bad partial name '%s': use letters, digits, '_', '-' and '.' "
                                 "in segments joined by '/'"
                               : "bad name '%s': use letters, digits, '_' and '-' joined by '.'",
               s);
        free(s);
        return;
    }
    switch (t->sigil) {
    case 0:
        add_node(p, TN_VAR, t->name, t->name_len, t->line, t->column);
        break;
    case '{':
    case '&':
        add_node(p, TN_RAW, t->name, t->name_len, t->line, t->column);
        break;
    case '#':
    case '^':
        if (p->open_count >= LINEAGE_TEMPLATE_MAX_NESTING) {
            report(p, u, t->open, t->line, t->column, "sections nested deeper than %u",
                   (unsigned)LINEAGE_TEMPLATE_MAX_NESTING);
            p->limit = true;
            return;
        }
        add_node(p, t->sigil == '#' ? TN_SECTION : TN_INVERTED, t->name, t->name_len, t->line,
                 t->column);
        p->open = xgrow(p->open, &p->open_cap, p->open_count + 1, sizeof *p->open);
        p->open[p->open_count++] = cur(p)->count - 1;
        break;
    case '/': {
        if (p->open_count == 0) {
            char *s = shown(t->name, t->name_len);
            report(p, u, t->open, t->line, t->column, "'{{/%s}}' closes no open section", s);
            free(s);
            return;
        }
        size_t opener = p->open[--p->open_count];
        const tnode *o = &u->nodes[opener];
        if (o->len != t->name_len || memcmp(o->s, t->name, o->len) != 0) {
            char *s = shown(t->name, t->name_len);
            char *os = shown(o->s, o->len);
            report(p, u, t->open, t->line, t->column,
                   "'{{/%s}}' closes section '%s' opened at line %lu, column %u", s, os, o->line,
                   o->column);
            free(s);
            free(os);
        }
        tnode *n = add_node(p, TN_END, t->name, t->name_len, t->line, t->column);
        n->link = opener;
        cur(p)->nodes[opener].link = cur(p)->count - 1;
        break;
    }
    case '>': {
        size_t target = unit_for_partial(p, t->name, t->name_len);
        tnode *n = add_node(p, TN_PARTIAL, t->name, t->name_len, t->line, t->column);
        n->link = target;
        n->indent = indent;
        n->indent_len = indent_len;
        break;
    }
    default:
        break;
    }
}

/* Moves the line bookkeeping over [from, to). */
static void count_lines(const char *from, const char *to, unsigned long *line,
                        const char **line_start, bool *tag_on_line)
{
    for (const char *s = from; s < to; s++) {
        if (*s == '\n') {
            (*line)++;
            *line_start = s + 1;
            *tag_on_line = false;
        }
    }
}

static void parse_unit(parser *p)
{
    const char *text = cur(p)->text;
    const char *end = text + cur(p)->text_len;
    const char *pos = text;       /* scanning from here */
    const char *text_from = text; /* start of text not yet in a node */
    const char *line_start = text;
    unsigned long line = 1;
    bool tag_on_line = false;
    unsigned long text_line = 1; /* where text_from is */
    unsigned text_column = 1;
    p->open_count = 0;

    while (pos < end && !p->limit) {
        const char *open = find(pos, end, "{{", 2, false);
        if (!open)
            break;
        count_lines(pos, open, &line, &line_start, &tag_on_line);
        tag t = {0};
        t.open = open;
        t.line = line;
        t.column = (unsigned)(open - line_start) + 1;
        if (++p->tags > LINEAGE_TEMPLATE_MAX_TAGS) {
            report(p, cur(p), open, t.line, t.column, "more than %u tags",
                   (unsigned)LINEAGE_TEMPLATE_MAX_TAGS);
            p->limit = true;
            break;
        }
        bool ok = read_tag(p, &t, end);
        const char *text_end = open;
        const char *next = t.end;
        const char *indent = NULL;
        size_t indent_len = 0;
        bool standalone = false;
        if (ok && standalone_kind(t.sigil) && !tag_on_line) {
            bool blank_before = true;
            for (const char *s = line_start; s < open; s++)
                blank_before = blank_before && is_blank(*s);
            const char *s = t.end;
            while (s < end && (is_blank(*s) || *s == '\r'))
                s++;
            if (blank_before && (s == end || *s == '\n')) {
                text_end = line_start;
                indent = line_start;
                indent_len = (size_t)(open - line_start);
                next = s < end ? s + 1 : end;
                standalone = true;
            }
        }
        if (text_end > text_from)
            add_node(p, TN_TEXT, text_from, (size_t)(text_end - text_from), text_line,
                     text_column);
        if (ok)
            add_tag(p, &t, indent, indent_len);
        count_lines(open, next, &line, &line_start, &tag_on_line);
        /* A tag that did not take its line leaves the line non-blank. */
        if (!standalone)
            tag_on_line = true;
        text_from = pos = next;
        text_line = line;
        text_column = (unsigned)(next - line_start) + 1;
    }
    if (!p->limit && end > text_from)
        add_node(p, TN_TEXT, text_from, (size_t)(end - text_from), text_line, text_column);
    if (p->limit)
        return;
    while (p->open_count > 0) {
        const tnode *o = &cur(p)->nodes[p->open[--p->open_count]];
        char *s = shown(o->s, o->len);
        report(p, cur(p), o->s, o->line, o->column, "section '%s' is never closed", s);
        free(s);
    }
}

static void unit_free(tunit *u)
{
    free(u->name);
    free(u->source);
    free(u->text);
    free(u->nodes);
}

void lineage_template_free(lineage_template *tpl)
{
    if (!tpl)
        return;
    for (size_t i = 0; i < tpl->count; i++)
        unit_free(&tpl->units[i]);
    free(tpl->units);
    free(tpl);
}

static void load_partial(parser *p, size_t index, lineage_template_loader loader, void *ctx)
{
    tunit *u = &p->tpl->units[index];
    const tunit *ref = &p->tpl->units[u->ref_unit];
    const tnode *at = &ref->nodes[u->ref_node];
    char *text = NULL, *source = NULL;
    size_t len = 0;
    lineage_status st = loader ? loader(ctx, u->name, &text, &len, &source) : LINEAGE_E_ARG;
    if (st != LINEAGE_OK) {
        char *s = shown(u->name, strlen(u->name));
        if (!loader)
            report(p, ref, at->s, at->line, at->column, "partial '%s' used but no loader given", s);
        else if (st == LINEAGE_E_IO) /* what a loader returns for a missing partial */
            report(p, ref, at->s, at->line, at->column,
                   "partial '%s' cannot be loaded: no such template, or it cannot be read", s);
        else
            report(p, ref, at->s, at->line, at->column, "partial '%s' cannot be loaded: %s", s,
                   lineage_status_string(st));
        free(s);
        return;
    }
    u->text = text ? text : xstrdup("");
    u->text_len = text ? len : 0;
    u->source = source ? source : xstrdup(u->name);
    u->loaded = 1;
    p->unit = index;
    parse_unit(p);
}

lineage_status lineage_template_compile(const char *text, size_t len, const char *source,
                                        lineage_template_loader loader, void *loader_ctx,
                                        lineage_diag_list *diags, lineage_template **out)
{
    if (!out)
        return LINEAGE_E_ARG;
    *out = NULL;
    if ((!text && len) || !diags)
        return LINEAGE_E_ARG;
    parser p = {0};
    p.diags = diags;
    p.tpl = xcalloc(1, sizeof *p.tpl);
    p.tpl->units = xgrow(NULL, &p.tpl->cap, 1, sizeof *p.tpl->units);
    p.tpl->count = 1;
    tunit *main_unit = &p.tpl->units[0];
    memset(main_unit, 0, sizeof *main_unit);
    main_unit->name = xstrdup("");
    main_unit->source = xstrdup(source ? source : "");
    main_unit->text = xstrndup(text ? text : "", len);
    main_unit->text_len = len;
    main_unit->loaded = 1;
    parse_unit(&p);
    /* p.tpl->count grows as partials name further partials. */
    for (size_t i = 1; i < p.tpl->count && !p.limit; i++)
        load_partial(&p, i, loader, loader_ctx);
    free(p.open);
    if (p.error) {
        lineage_template_free(p.tpl);
        return p.limit ? LINEAGE_E_LIMIT : LINEAGE_E_TEMPLATE;
    }
    *out = p.tpl;
    return LINEAGE_OK;
}

lineage_status lineage_template_dir_loader(void *ctx, const char *name, char **text, size_t *len,
                                           char **source)
{
    const lineage_template_dir *d = ctx;
    if (!d || !d->dir || !name || !valid_partial_name(name, strlen(name)))
        return LINEAGE_E_ARG;
    strbuf path = STRBUF_INIT;
    strbuf_printf(&path, "%s/%s%s", d->dir, name, d->suffix ? d->suffix : "");
    int err; /* anything but a regular file is a template that cannot be read */
    FILE *f = regular_file_open(path.data, &err);
    if (!f) {
        strbuf_release(&path);
        return LINEAGE_E_IO;
    }
    strbuf body = STRBUF_INIT;
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        strbuf_add(&body, buf, n);
    bool failed = ferror(f) != 0;
    fclose(f);
    if (failed) {
        strbuf_release(&body);
        strbuf_release(&path);
        return LINEAGE_E_IO;
    }
    *len = body.len;
    *text = strbuf_detach(&body);
    *source = strbuf_detach(&path);
    return LINEAGE_OK;
}
