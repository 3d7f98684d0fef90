/* Diagnostic records and their compiler-style formatting. */
#include <lineage/diag.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "limits.h"
#include "strbuf.h"
#include "utf8.h"

struct lineage_diag {
    lineage_severity severity;
    char *source;
    unsigned long line;
    unsigned column;
    char *message;
    char *excerpt;          /* the source line, or a window of it */
    size_t excerpt_len;     /* may hold NUL bytes */
    unsigned excerpt_column; /* caret position within excerpt */
};

struct lineage_diag_list {
    lineage_diag *items;
    size_t count;
    size_t cap;
    size_t dropped;
    size_t at_least[3]; /* counts per severity, kept and dropped */
};

lineage_diag_list *lineage_diag_list_new(void)
{
    return xcalloc(1, sizeof(lineage_diag_list));
}

static void diag_release(lineage_diag *d)
{
    free(d->source);
    free(d->message);
    free(d->excerpt);
}

void lineage_diag_list_free(lineage_diag_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->count; i++)
        diag_release(&list->items[i]);
    free(list->items);
    free(list);
}

size_t lineage_diag_list_count(const lineage_diag_list *list)
{
    return list ? list->count : 0;
}

const lineage_diag *lineage_diag_list_get(const lineage_diag_list *list, size_t i)
{
    return list && i < list->count ? &list->items[i] : NULL;
}

size_t lineage_diag_list_dropped(const lineage_diag_list *list)
{
    return list ? list->dropped : 0;
}

size_t lineage_diag_list_count_at_least(const lineage_diag_list *list, lineage_severity severity)
{
    if (!list)
        return 0;
    size_t n = 0;
    for (unsigned s = (unsigned)severity; s <= LINEAGE_ERROR; s++)
        n += list->at_least[s];
    return n;
}

/* Keeps at most LINEAGE_DIAG_EXCERPT bytes of a long line, centred on the
 * column, so a 10 MB line does not become a 10 MB message. */
static void set_excerpt(lineage_diag *d, const char *text, size_t len)
{
    size_t col = d->column ? d->column - 1 : 0;
    size_t start = 0;
    if (len > LINEAGE_DIAG_EXCERPT) {
        if (col > LINEAGE_DIAG_EXCERPT / 2)
            start = col - LINEAGE_DIAG_EXCERPT / 2;
        if (start > len - LINEAGE_DIAG_EXCERPT)
            start = len - LINEAGE_DIAG_EXCERPT;
        len = LINEAGE_DIAG_EXCERPT;
    }
    d->excerpt = xstrndup(text + start, len);
    d->excerpt_len = len;
    d->excerpt_column = d->column ? (unsigned)(col - start + 1) : 0;
}

void lineage_diag_add(lineage_diag_list *list, lineage_severity severity, const char *source,
                      unsigned long line, unsigned column, const char *source_line,
                      size_t source_line_len, const char *format, ...)
{
    if ((unsigned)severity > LINEAGE_ERROR) /* the counts are indexed by it */
        severity = LINEAGE_ERROR;
    list->at_least[severity]++;
    if (list->count >= LINEAGE_MAX_DIAGS_PER_LIST) {
        list->dropped++;
        return;
    }
    list->items = xgrow(list->items, &list->cap, list->count + 1, sizeof(lineage_diag));
    lineage_diag *d = &list->items[list->count++];
    memset(d, 0, sizeof *d);
    d->severity = severity;
    d->source = xstrdup(source ? source : "");
    d->line = line;
    d->column = column;
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, format);
    strbuf_vprintf(&sb, format, ap);
    va_end(ap);
    d->message = strbuf_detach(&sb);
    if (source_line)
        set_excerpt(d, source_line, source_line_len);
    else
        d->excerpt = xstrdup("");
}

void lineage_diag_list_take(lineage_diag_list *to, lineage_diag_list *from)
{
    for (size_t i = 0; i < from->count; i++) {
        lineage_diag *d = &from->items[i];
        if (to->count >= LINEAGE_MAX_DIAGS_PER_LIST) {
            to->dropped++;
            diag_release(d);
            continue;
        }
        to->items = xgrow(to->items, &to->cap, to->count + 1, sizeof(lineage_diag));
        to->items[to->count++] = *d;
    }
    for (int s = 0; s < 3; s++) {
        to->at_least[s] += from->at_least[s];
        from->at_least[s] = 0;
    }
    to->dropped += from->dropped;
    from->count = 0;
    from->dropped = 0;
}

lineage_severity lineage_diag_get_severity(const lineage_diag *d) { return d->severity; }
const char *lineage_diag_get_source(const lineage_diag *d) { return d->source; }
unsigned long lineage_diag_get_line(const lineage_diag *d) { return d->line; }
unsigned lineage_diag_get_column(const lineage_diag *d) { return d->column; }
const char *lineage_diag_get_message(const lineage_diag *d) { return d->message; }
const char *lineage_diag_get_source_line(const lineage_diag *d) { return d->excerpt; }
unsigned lineage_diag_get_excerpt_column(const lineage_diag *d) { return d->excerpt_column; }

const char *lineage_severity_name(lineage_severity severity)
{
    switch (severity) {
    case LINEAGE_NOTE:
        return "note";
    case LINEAGE_WARNING:
        return "warning";
    case LINEAGE_ERROR:
        return "error";
    }
    return "error";
}

char *lineage_diag_format(const lineage_diag *d)
{
    strbuf sb = STRBUF_INIT;
    if (d->source[0]) {
        strbuf_add_escaped(&sb, d->source, strlen(d->source));
        strbuf_putc(&sb, ':');
        if (d->line) {
            strbuf_printf(&sb, "%lu:", d->line);
            if (d->column)
                strbuf_printf(&sb, "%u:", d->column);
        }
        strbuf_putc(&sb, ' ');
    }
    /* Messages quote input text (a field name, a format name), so control
     * bytes in them are escaped; backslashes stay (patterns are quoted). */
    strbuf_printf(&sb, "%s: ", lineage_severity_name(d->severity));
    strbuf_add_escaped_text(&sb, d->message, strlen(d->message));
    strbuf_putc(&sb, '\n');
    if (d->excerpt_len) {
        /* Escape the line, tracking in display cells (one per character)
         * where the caret column lands. */
        strbuf line = STRBUF_INIT;
        size_t caret = 0, cells = 0, len = d->excerpt_len, i = 0;
        while (i < len) {
            unsigned char c = (unsigned char)d->excerpt[i];
            size_t n = c < 0x80 ? 1 : utf8_valid_prefix(d->excerpt + i, len - i);
            if (n == 0)
                n = 1;
            if (d->excerpt_column && i + 1 <= d->excerpt_column && d->excerpt_column <= i + n)
                caret = cells;
            size_t before = line.len;
            strbuf_add_escaped(&line, d->excerpt + i, n);
            cells += (n > 1 && line.len - before == n) ? 1 : line.len - before;
            i += n;
        }
        if (d->excerpt_column && d->excerpt_column > len)
            caret = cells;
        strbuf_puts(&sb, " ");
        strbuf_add(&sb, line.data, line.len);
        strbuf_putc(&sb, '\n');
        if (d->excerpt_column) {
            strbuf_puts(&sb, " ");
            for (size_t k = 0; k < caret; k++)
                strbuf_putc(&sb, ' ');
            strbuf_puts(&sb, "^\n");
        }
        strbuf_release(&line);
    }
    return strbuf_detach(&sb);
}
