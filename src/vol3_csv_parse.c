/* The Volatility 3 CSV parser: `vol -r csv ... windows.pslist` (or pstree,
 * psscan).
 *
 *   Volatility 3 Framework 2.11.0
 *
 *   TreeDepth,PID,PPID,ImageFileName,Offset(V),Threads,...,Cmd,Path
 *   0,4,0,System,0xa88c3e46c040,152,...,-,-
 *   1,388,4,smss.exe,...,\\SystemRoot\\System32\\smss.exe,...
 *
 * Python's csv writer with escapechar='\\': fields with commas or quotes
 * are quoted, quotes inside doubled, and (with current Python) every
 * backslash doubled. Older Pythons leave single backslashes; a record in
 * which some backslash run is odd and not before a quote or comma cannot
 * have been escaped, so it is read without backslash escapes. Columns are
 * found by header name; TreeDepth is not needed since PPID is there. A
 * blank line ends an output; a new header after rows starts a new dump. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "csv.h"
#include "format.h"
#include "limits.h"
#include "listing.h"
#include "model.h"
#include "scan.h"
#include "vol3_row.h"

struct format_parser {
    listing ls; /* the dump being built, dumps opened, prose (listing.h) */
    int in_table;
    vol3_col cols[LINEAGE_MAX_CSV_COLUMNS];
    size_t ncols;
    csv_field fields[LINEAGE_MAX_CSV_COLUMNS];
    char *value; /* unescaped cell, reused */
    size_t value_cap;
    unsigned long banner_line;
};

static void warn(format_parser *p, const source_line *ln, size_t col, const char *msg)
{
    listing_warn(&p->ls, ln, col, msg);
}

static lineage_dump *finish_dump(format_parser *p)
{
    return listing_finish_dump(&p->ls);
}

static int starts_with(const char *s, size_t len, const char *lit)
{
    size_t i = 0;
    return scan_literal(s, len, &i, lit);
}

/* "TreeDepth,PID,PPID,..." with PID, PPID and ImageFileName among the
 * names (unquoted: Volatility's column names need no quoting). */
static int is_header(const char *s, size_t len)
{
    if (!starts_with(s, len, "TreeDepth,"))
        return 0;
    int have = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == ',') {
            vol3_col c = vol3_column(s + start, i - start);
            have |= c == VOL3_PID ? 1 : c == VOL3_PPID ? 2 : c == VOL3_NAME ? 4 : 0;
            start = i + 1;
        }
    }
    return have == 7;
}

/* Whether the record can have been written with backslash escapes: every
 * run of backslashes is even, or ends right before a quote or comma. */
static int uses_escapes(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        if (s[i] != '\\') {
            i++;
            continue;
        }
        size_t run = 0;
        while (i < len && s[i] == '\\') {
            run++;
            i++;
        }
        if (run % 2 && !(i < len && (s[i] == '"' || s[i] == ',')))
            return 0;
    }
    return 1;
}

static void read_header(format_parser *p, const source_line *ln, const char *s, size_t len)
{
    size_t n = csv_split(s, len, p->fields, LINEAGE_MAX_CSV_COLUMNS, 0);
    if (n > LINEAGE_MAX_CSV_COLUMNS) {
        warn(p, ln, 0, "header has more than 256 columns; the rest are ignored");
        n = LINEAGE_MAX_CSV_COLUMNS;
    }
    for (size_t i = 0; i < n; i++)
        p->cols[i] = vol3_column(p->fields[i].text, p->fields[i].len);
    p->ncols = n;
    p->in_table = 1;
}

static void read_row(format_parser *p, const source_line *ln, const char *s, size_t len)
{
    size_t offset = (size_t)(s - ln->text);
    int esc = uses_escapes(s, len);
    csv_error err;
    size_t n = csv_split_checked(s, len, p->fields, LINEAGE_MAX_CSV_COLUMNS, esc, &err);
    if (err.kind != CSV_OK)
        warn(p, ln, offset + err.column, csv_error_message(err.kind));
    if (n != p->ncols)
        warn(p, ln, 0, n > p->ncols ? "row has more fields than the header; extra fields ignored"
                                    : "row has fewer fields than the header; missing fields "
                                      "left unknown");
    if (n > p->ncols)
        n = p->ncols;
    vol3_row row;
    vol3_row_clear(&row);
    for (size_t i = 0; i < n; i++) {
        const csv_field *f = &p->fields[i];
        const char *v = f->text;
        size_t vlen = f->len;
        if (f->flags & CSV_FIELD_ESCAPED) {
            p->value = xgrow(p->value, &p->value_cap, f->len + 1, 1);
            vlen = csv_unescape(f, p->value, esc);
            v = p->value;
        }
        const char *msg = vol3_row_set(&row, p->ls.cur, p->cols[i], v, vlen);
        if (msg)
            warn(p, ln, offset + f->column, msg);
    }
    const char *msg = vol3_row_commit(&row, p->ls.cur, ln->number);
    if (msg)
        warn(p, ln, 0, msg);
}

static lineage_dump *handle_line(format_parser *p, const source_line *ln)
{
    const char *s = ln->text;
    size_t len = ln->len;
    scan_trim(&s, &len);
    lineage_dump *done = NULL;
    if (len == 0) {
        p->in_table = 0; /* a blank line ends Volatility's CSV output */
        return NULL;
    }
    if (starts_with(s, len, "Volatility 3 Framework")) {
        if (!p->ls.cur)
            p->banner_line = ln->number;
        p->in_table = 0;
        return NULL;
    }
    if (starts_with(s, len, "Progress:"))
        return NULL;
    if (is_header(s, len)) {
        if (p->ls.cur && p->ls.cur->nprocs)
            done = finish_dump(p);
        if (!p->ls.cur) {
            lineage_dump *d = listing_open_dump(&p->ls, ln->number, "vol3-csv", 10);
            if (p->banner_line)
                d->first_line = p->banner_line;
            p->banner_line = 0;
        }
        p->ls.cur->last_line = ln->number;
        read_header(p, ln, s, len);
        return done;
    }
    if (p->in_table) {
        p->ls.cur->last_line = ln->number;
        read_row(p, ln, s, len);
    } else if (p->ls.cur) {
        p->ls.cur->prose_lines++;
    } else {
        p->ls.prose++;
    }
    return done;
}

static lineage_status csv_next(format_parser *p, lineage_dump **out)
{
    return format_next_by_lines(p, &p->ls, handle_line, finish_dump, out);
}

static int csv_sniff(const char *head, size_t len)
{
    const char *end = head + len;
    for (const char *s = head; s < end;) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
        const char *t = s;
        scan_trim(&t, &n);
        if (is_header(t, n))
            return 100;
        s = nl ? nl + 1 : end;
    }
    return 0;
}

static format_parser *csv_open(lineage_session *session, source *src, lineage_diag_list *diags)
{
    format_parser *p = xcalloc(1, sizeof *p);
    listing_init(&p->ls, session, src, diags);
    return p;
}

static unsigned long csv_prose_lines(const format_parser *p)
{
    return listing_prose_lines(&p->ls);
}

static void csv_close(format_parser *p)
{
    if (!p)
        return;
    listing_release(&p->ls);
    free(p->value);
    free(p);
}

const input_format format_vol3_csv = {
    "vol3-csv",
    "Volatility 3 process listing rendered with -r csv (TreeDepth column)",
    csv_sniff,
    csv_open,
    csv_next,
    csv_prose_lines,
    csv_close,
    NULL, /* never read in pieces */
};
