/* The Volatility 3 JSON parser: `vol -r json ...` (one list of root
 * process objects) and `vol -r jsonl ...` (one root object per line).
 *
 *   [
 *     {
 *       "CreateTime": "2024-03-05T08:01:12+00:00",
 *       "ImageFileName": "System",
 *       "PID": 4,
 *       "PPID": 0,
 *       "__children": [ { ... "PID": 388, ... "__children": [] } ]
 *     }
 *   ]
 *
 * Keys are sorted, so `__children` comes after the upper-case columns: a
 * row is added when its children start (or when its object ends), which
 * keeps parents before children in listing order. Offsets are numbers,
 * absent values null, timestamps ISO 8601. Process objects are the
 * elements of the top-level list, top-level objects (JSON Lines) and the
 * elements of `__children`; any other nested value is skipped.
 *
 * One top-level list is one dump; the objects of a JSON Lines file form
 * one dump. Text outside values (the banner) is prose. A dump's lines run
 * from its first event to its last, an error included.
 *
 * A dump that a syntax error stopped before its first process takes the
 * rows that follow, if any. If none do and it is the source's only dump
 * (prose read with --input-format vol3-json, a document cut before its
 * first row), it is no dump and its diagnostics stay with the reader, as
 * for the other formats; after other dumps it is still handed out, so
 * that its error fails the run. Input that ends inside a value is
 * reported after its last character, naming what was left open, as the
 * Sysmon reader does for a file cut short.
 *
 * Nesting is bounded by LINEAGE_MAX_JSON_DEPTH in the tokenizer, and the
 * frame stack here grows with it, never by recursion. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "format.h"
#include "json_read.h"
#include "model.h"
#include "scan.h"
#include "strbuf.h"
#include "vol3_row.h"

typedef enum ctx_kind {
    CTX_LIST,     /* the top-level list or a __children list: holds rows */
    CTX_ROW,      /* a process object */
    CTX_OTHER     /* any other container: skipped */
} ctx_kind;

typedef struct frame {
    ctx_kind kind;
    int committed;
    unsigned long line;
    vol3_col key; /* the row key whose value comes next */
    int key_is_known;
    vol3_row row;
} frame;

struct format_parser {
    lineage_session *session;
    source *src;
    lineage_diag_list *reader_diags;
    json_reader *json;
    const source_line *ln; /* line being fed */
    lineage_dump *cur;
    /* Finished dumps to hand out, oldest first: one line may end several
     * top-level lists. */
    lineage_dump **done;
    size_t ndone, done_cap, done_next;
    unsigned ndumps;
    frame *frames;
    size_t nframes, frames_cap;
    unsigned long prose;
    int at_end;
    /* The last line fed that held text while a value was open: where
     * input cut short is reported. */
    strbuf last_text;
    unsigned long last_number;
};

static void diag(format_parser *p, lineage_severity sev, unsigned long line, size_t col,
                 const char *msg)
{
    lineage_diag_list *diags = p->cur ? p->cur->diags : p->reader_diags;
    const char *text = p->ln && p->ln->number == line ? p->ln->text : NULL;
    size_t len = text ? p->ln->len : 0;
    lineage_diag_add(diags, sev, source_name(p->src), line, (unsigned)col, text, len, "%s", msg);
}

static void finish_current(format_parser *p)
{
    if (!p->cur)
        return;
    dump_finish(p->cur);
    p->done = xgrow(p->done, &p->done_cap, p->ndone + 1, sizeof *p->done);
    p->done[p->ndone++] = p->cur;
    p->cur = NULL;
}

/* The oldest finished dump, or NULL. */
static lineage_dump *take_done(format_parser *p)
{
    if (p->done_next == p->ndone)
        return NULL;
    lineage_dump *d = p->done[p->done_next++];
    if (p->done_next == p->ndone)
        p->done_next = p->ndone = 0;
    return d;
}

static void ensure_dump(format_parser *p, unsigned long line)
{
    if (p->cur)
        return;
    p->cur = dump_new(p->session, source_name(p->src), ++p->ndumps, "vol3-json", 10);
    p->cur->first_line = line;
}

static frame *push(format_parser *p, ctx_kind kind, unsigned long line)
{
    p->frames = xgrow(p->frames, &p->frames_cap, p->nframes + 1, sizeof *p->frames);
    frame *f = &p->frames[p->nframes++];
    f->kind = kind;
    f->committed = 0;
    f->line = line;
    f->key = VOL3_OTHER;
    f->key_is_known = 0;
    if (kind == CTX_ROW)
        vol3_row_clear(&f->row);
    return f;
}

static void commit(format_parser *p, frame *f, unsigned long line, size_t col)
{
    if (f->committed)
        return;
    f->committed = 1;
    const char *msg = vol3_row_commit(&f->row, p->cur, f->line);
    if (msg)
        diag(p, LINEAGE_WARNING, line, col, msg);
}

/* A container opens: what it is depends on where it sits. */
static void open_container(format_parser *p, int is_object, unsigned long line, size_t col)
{
    frame *top = p->nframes ? &p->frames[p->nframes - 1] : NULL;
    if (!top) {
        /* A top-level list is a new output; top-level objects (JSON Lines)
         * add to the current one. */
        if (!is_object && p->cur && p->cur->nprocs)
            finish_current(p);
        ensure_dump(p, line);
        push(p, is_object ? CTX_ROW : CTX_LIST, line);
        return;
    }
    if (top->kind == CTX_LIST && is_object) {
        push(p, CTX_ROW, line);
    } else if (top->kind == CTX_ROW && !is_object && top->key == VOL3_CHILDREN) {
        commit(p, top, line, col);
        push(p, CTX_LIST, line);
    } else {
        if (top->kind == CTX_LIST)
            diag(p, LINEAGE_WARNING, line, col, "expected a process object in the list; "
                                                "value skipped");
        else if (top->kind == CTX_ROW && top->key_is_known && top->key != VOL3_OTHER)
            diag(p, LINEAGE_WARNING, line, col, "expected a scalar value for this column");
        push(p, CTX_OTHER, line);
    }
}

static void close_container(format_parser *p, unsigned long line, size_t col)
{
    if (!p->nframes)
        return;
    frame *f = &p->frames[p->nframes - 1];
    if (f->kind == CTX_ROW)
        commit(p, f, line, col);
    p->nframes--;
}

static void scalar(format_parser *p, json_event ev, const char *text, size_t len,
                   unsigned long line, size_t col)
{
    frame *top = p->nframes ? &p->frames[p->nframes - 1] : NULL;
    if (!top) {
        diag(p, LINEAGE_WARNING, line, col, "expected a list or an object at the top level");
        return;
    }
    if (top->kind == CTX_LIST) {
        diag(p, LINEAGE_WARNING, line, col, "expected a process object in the list");
        return;
    }
    if (top->kind != CTX_ROW || ev == JSON_NULL || ev == JSON_TRUE || ev == JSON_FALSE)
        return;
    if (top->key == VOL3_CHILDREN) {
        diag(p, LINEAGE_WARNING, line, col, "expected a list for __children");
        return;
    }
    if (top->committed && top->key != VOL3_OTHER) {
        diag(p, LINEAGE_WARNING, line, col, "column after __children ignored");
        return;
    }
    const char *msg = vol3_row_set(&top->row, p->cur, top->key, text, len);
    if (msg)
        diag(p, LINEAGE_WARNING, line, col, msg);
}

static void on_error(format_parser *p, const char *text, unsigned long line, size_t col)
{
    diag(p, LINEAGE_ERROR, line, col, text);
    /* The tokenizer dropped its containers; so do we, keeping the rows
     * already added. */
    for (size_t i = p->nframes; i-- > 0;)
        if (p->frames[i].kind == CTX_ROW && !p->frames[i].committed &&
            p->frames[i].row.has_pid)
            commit(p, &p->frames[i], line, col);
    p->nframes = 0;
}

static void on_event(void *ctx, json_event ev, const char *text, size_t len, unsigned long line,
                     size_t col)
{
    format_parser *p = ctx;
    switch (ev) {
    case JSON_OBJECT_START:
    case JSON_ARRAY_START:
        open_container(p, ev == JSON_OBJECT_START, line, col);
        break;
    case JSON_OBJECT_END:
    case JSON_ARRAY_END:
        close_container(p, line, col);
        break;
    case JSON_KEY:
        if (p->nframes && p->frames[p->nframes - 1].kind == CTX_ROW) {
            frame *f = &p->frames[p->nframes - 1];
            f->key = vol3_column(text, len);
            f->key_is_known = 1;
        }
        break;
    case JSON_ERROR:
        on_error(p, text, line, col);
        break;
    default:
        scalar(p, ev, text, len, line, col);
        break;
    }
    /* A dump runs to its last event, an error included, so that its
     * range is never empty (first_line is its first event's). */
    if (p->cur)
        p->cur->last_line = line;
}

/* The end of the input: an error there when a value is still open, on
 * the last line that held text, with the caret just past it. */
static void finish_input(format_parser *p)
{
    source_line end = {p->last_text.data, p->last_text.len, p->last_number};
    p->ln = p->last_number ? &end : NULL;
    json_finish(p->json, p->last_number, p->last_number ? p->last_text.len + 1 : 0);
    p->ln = NULL;
}

/* At the end: the source's only dump, stopped by an error before its
 * first process, is no dump. What was said about it, and its prose, go
 * to the reader. */
static void drop_failed_only_dump(format_parser *p)
{
    if (!p->cur || p->cur->nprocs || p->ndumps != 1 ||
        !lineage_diag_list_count_at_least(p->cur->diags, LINEAGE_ERROR))
        return;
    lineage_diag_list_take(p->reader_diags, p->cur->diags);
    p->prose += p->cur->prose_lines;
    lineage_dump_free(p->cur);
    p->cur = NULL;
}

static lineage_status json_next(format_parser *p, lineage_dump **out)
{
    *out = NULL;
    while (!p->at_end && p->done_next == p->ndone) {
        source_line ln;
        int r = source_next_line(p->src, &ln, p->reader_diags);
        if (r <= 0) {
            p->at_end = 1;
            p->ln = NULL;
            finish_input(p);
            drop_failed_only_dump(p);
            finish_current(p);
            if (r < 0) {
                *out = take_done(p);
                return LINEAGE_E_IO;
            }
            break;
        }
        const char *s = ln.text;
        size_t len = ln.len;
        scan_trim(&s, &len);
        if (json_depth(p->json) == 0 && (len == 0 || (s[0] != '[' && s[0] != '{'))) {
            /* Between values: the banner, progress lines, prose. */
            if (len && p->cur)
                p->cur->prose_lines++;
            else if (len)
                p->prose++;
            continue;
        }
        p->ln = &ln;
        json_feed(p->json, ln.text, ln.len, ln.number);
        p->ln = NULL;
        if (len && json_depth(p->json)) {
            p->last_text.len = 0;
            strbuf_add(&p->last_text, ln.text, ln.len);
            p->last_number = ln.number;
        }
    }
    *out = take_done(p);
    return LINEAGE_OK;
}

/* A list or object whose first key looks like Volatility's. */
static int json_sniff(const char *head, size_t len)
{
    const char *end = head + len;
    for (const char *s = head; s < end;) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
        const char *t = s;
        scan_trim(&t, &n);
        if (n && (t[0] == '[' || t[0] == '{')) {
            size_t rest = (size_t)(end - t);
            if (scan_contains(t, rest, "\"__children\"") && scan_contains(t, rest, "\"PPID\""))
                return 100;
            return 0;
        }
        s = nl ? nl + 1 : end;
    }
    return 0;
}

static format_parser *json_open(lineage_session *session, source *src, lineage_diag_list *diags)
{
    format_parser *p = xcalloc(1, sizeof *p);
    p->session = session;
    p->src = src;
    p->reader_diags = diags;
    p->json = json_reader_new(on_event, p);
    return p;
}

static unsigned long json_prose_lines(const format_parser *p) { return p->prose; }

static void json_close(format_parser *p)
{
    if (!p)
        return;
    lineage_dump_free(p->cur);
    for (size_t i = p->done_next; i < p->ndone; i++)
        lineage_dump_free(p->done[i]);
    free(p->done);
    json_reader_free(p->json);
    free(p->frames);
    strbuf_release(&p->last_text);
    free(p);
}

const input_format format_vol3_json = {
    "vol3-json",
    "Volatility 3 process listing rendered with -r json or -r jsonl (__children nesting)",
    json_sniff,
    json_open,
    json_next,
    json_prose_lines,
    json_close,
    NULL, /* never read in pieces */
};
