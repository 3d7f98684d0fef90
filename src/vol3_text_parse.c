/* The Volatility 3 text parser: what `vol -f IMAGE windows.pslist` (or
 * windows.pstree, windows.psscan) prints with the default renderer, and
 * windows.info output for the header facts.
 *
 *   Volatility 3 Framework 2.11.0
 *   Progress:  100.00		PDB scanning finished
 *
 *   PID	PPID	ImageFileName	Offset(V)	Threads	...	CreateTime	ExitTime
 *
 *   4	0	System	0xa88c3e46c040	152	...	2024-03-05 08:01:12.000000 UTC	N/A
 *   * 388	4	smss.exe	...
 *
 * Cells are TAB-separated and found by header name, so every column set
 * (before and after 2.7 and 2.8, pslist, pstree, psscan) reads the same.
 * pstree glues `*` depth marks to the PID cell; PPID carries the same
 * information, so the marks are only stripped. `N/A` and `-` are missing
 * values. windows.info prints `Variable<TAB>Value` rows.
 *
 * A file may hold several outputs. A process header starts a new dump when
 * the current one already has processes, a `Variable Value` header when the
 * current one already has info rows; so an info output before or after a
 * listing fills that listing's header facts. A header with no rows is a
 * dump of no process. A header whose cells are separated by spaces (TABs
 * expanded, or the pretty renderer) cannot be split: it is named in a
 * warning that says what to run instead. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "format.h"
#include "limits.h"
#include "listing.h"
#include "model.h"
#include "scan.h"
#include "vol3_row.h"

typedef enum mode {
    MODE_NONE = 0,
    MODE_PROCS, /* after a process header */
    MODE_INFO   /* after "Variable	Value" */
} mode;

struct format_parser {
    listing ls; /* the dump being built, dumps opened, prose (listing.h) */
    int cur_has_info;
    mode mode;
    vol3_col *cols; /* column of each header cell */
    size_t ncols, cols_cap;
    int has_pid_col, has_ppid_col;
    unsigned long banner_line; /* a banner not yet part of a dump, or 0 */
};

static void warn(format_parser *p, const source_line *ln, size_t col, const char *msg)
{
    listing_warn(&p->ls, ln, col, msg);
}

static void apply_info_fields(lineage_dump *d);

static lineage_dump *finish_dump(format_parser *p)
{
    p->cur_has_info = 0;
    if (p->ls.cur)
        apply_info_fields(p->ls.cur);
    return listing_finish_dump(&p->ls);
}

static void open_dump(format_parser *p, unsigned long line)
{
    lineage_dump *d = listing_open_dump(&p->ls, line, "vol3", 10);
    if (p->banner_line)
        d->first_line = p->banner_line;
    p->banner_line = 0;
}

/* ---- recognising lines -------------------------------------------------- */

static int is_banner(const char *s, size_t len)
{
    size_t i = 0;
    return scan_literal(s, len, &i, "Volatility 3 Framework");
}

/* "Progress:  100.00		PDB scanning finished" (stderr mixed in with 2>&1) */
static int is_progress(const char *s, size_t len)
{
    size_t i = 0;
    return scan_literal(s, len, &i, "Progress:");
}

/* Calls fn for each TAB-separated cell; stops early when fn returns 0. */
typedef int (*cell_fn)(void *ctx, size_t index, const char *cell, size_t len, size_t col);

static size_t each_cell(const char *s, size_t len, cell_fn fn, void *ctx)
{
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == '\t') {
            if (fn && !fn(ctx, n, s + start, i - start, start))
                return n + 1;
            n++;
            start = i + 1;
        }
    }
    return n;
}

typedef struct header_scan {
    int pid, ppid, name;
} header_scan;

static int scan_header_cell(void *ctx, size_t index, const char *cell, size_t len, size_t col)
{
    header_scan *h = ctx;
    (void)index;
    (void)col;
    scan_trim(&cell, &len);
    vol3_col c = vol3_column(cell, len);
    h->pid |= c == VOL3_PID;
    h->ppid |= c == VOL3_PPID;
    h->name |= c == VOL3_NAME;
    return 1;
}

/* A process header names PID, PPID and ImageFileName among TAB cells. */
static int is_process_header(const char *s, size_t len)
{
    if (!memchr(s, '\t', len))
        return 0;
    header_scan h = {0};
    each_cell(s, len, scan_header_cell, &h);
    return h.pid && h.ppid && h.name;
}

/* A process header whose cells are not TAB-separated: TABs expanded to
 * spaces (`expand`, an editor), or the pretty renderer's " | " cells. */
static int is_untabbed_process_header(const char *s, size_t len)
{
    if (memchr(s, '\t', len))
        return 0;
    header_scan h = {0};
    for (size_t i = 0; i < len;) {
        while (i < len && (s[i] == ' ' || s[i] == '|'))
            i++;
        size_t w = i;
        while (i < len && s[i] != ' ' && s[i] != '|')
            i++;
        scan_header_cell(&h, 0, s + w, i - w, w);
    }
    return h.pid && h.ppid && h.name;
}

static int is_info_header(const char *s, size_t len)
{
    return len == 14 && memcmp(s, "Variable\tValue", 14) == 0;
}

/* ---- process rows ------------------------------------------------------- */

static int store_col(void *ctx, size_t index, const char *cell, size_t len, size_t col)
{
    format_parser *p = ctx;
    (void)col;
    p->cols = xgrow(p->cols, &p->cols_cap, index + 1, sizeof *p->cols);
    scan_trim(&cell, &len);
    p->cols[index] = vol3_column(cell, len);
    p->ncols = index + 1;
    return 1;
}

typedef struct row_ctx {
    format_parser *p;
    const source_line *ln;
    size_t offset; /* of the trimmed line within ln->text */
    vol3_row row;
} row_ctx;

static int row_cell(void *ctx, size_t index, const char *cell, size_t len, size_t col)
{
    row_ctx *r = ctx;
    if (index >= r->p->ncols)
        return 0;
    if (index == 0) {
        /* pstree: "** 312" (depth marks glued to the first cell) */
        while (len && *cell == '*') {
            cell++;
            len--;
            col++;
        }
    }
    vol3_col c = r->p->cols[index];
    const char *msg = vol3_row_set(&r->row, r->p->ls.cur, c, cell, len);
    if (msg)
        warn(r->p, r->ln, r->offset + col, msg);
    return 1;
}

static void process_row(format_parser *p, const source_line *ln, const char *s, size_t len)
{
    row_ctx r = {p, ln, (size_t)(s - ln->text), {0}};
    vol3_row_clear(&r.row);
    size_t n = each_cell(s, len, NULL, NULL);
    if (n != p->ncols)
        warn(p, ln, 0, n > p->ncols ? "row has more cells than the header (a TAB inside a "
                                      "value?); extra cells ignored"
                                    : "row has fewer cells than the header; missing cells "
                                      "left unknown");
    each_cell(s, len, row_cell, &r);
    const char *msg = vol3_row_commit(&r.row, p->ls.cur, ln->number);
    if (msg)
        warn(p, ln, 0, msg);
}

/* ---- windows.info rows -------------------------------------------------- */

static int parse_number(const char *s, size_t len, uint64_t *out)
{
    size_t i = 0;
    scan_result r = len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')
                        ? scan_hex(s, len, &i, out, 0)
                        : scan_dec(s, len, &i, out);
    return r == SCAN_OK && i == len;
}

/* Leading decimal digits of s, e.g. the build in "19041.1.amd64fre..." */
static int leading_number(const char *s, size_t len, uint64_t *out)
{
    size_t i = 0;
    return scan_dec(s, len, &i, out) == SCAN_OK;
}

static void info_row(format_parser *p, const source_line *ln, const char *s, size_t len)
{
    const char *tab = memchr(s, '\t', len);
    if (!tab) {
        p->ls.cur->prose_lines++;
        return;
    }
    const char *name = s, *val = tab + 1;
    size_t name_len = (size_t)(tab - s), val_len = len - name_len - 1;
    scan_trim(&name, &name_len);
    scan_trim(&val, &val_len);
    lineage_dump *d = p->ls.cur;
    uint64_t v;
#define IS(lit) (name_len == sizeof lit - 1 && memcmp(name, lit, sizeof lit - 1) == 0)
    if (IS("NTBuildLab")) {
        if (leading_number(val, val_len, &v) && v < 0x10000 && !d->build)
            d->build = (unsigned)v;
        if (!d->arch && scan_contains(val, val_len, "amd64fre"))
            d->arch = LINEAGE_ARCH_X64;
        else if (!d->arch && scan_contains(val, val_len, "x86fre"))
            d->arch = LINEAGE_ARCH_X86;
    } else if (IS("Major/Minor")) {
        const char *dot = memchr(val, '.', val_len);
        if (dot && parse_number(dot + 1, val_len - (size_t)(dot + 1 - val), &v) && v < 0x10000)
            d->build = (unsigned)v;
        else
            warn(p, ln, (size_t)(val - ln->text), "expected Major/Minor like 15.19041");
    } else if (IS("Is64Bit")) {
        if (val_len == 4 && memcmp(val, "True", 4) == 0)
            d->bits = 64;
        else if (val_len == 5 && memcmp(val, "False", 5) == 0)
            d->bits = 32;
    }
#undef IS
    if (parse_number(val, val_len, &v)) {
        if (!dump_add_field(d, "windows.info", name, name_len, v, ln->number))
            warn(p, ln, 0, "too many header fields; field ignored");
    }
}

/* Facts windows.info gives as plain numbers; applied when the dump ends,
 * so either order of the rows works. */
static void apply_info_fields(lineage_dump *d)
{
    uint64_t v;
    if (!d->arch && lineage_dump_field_find(d, "windows.info", "MachineType", &v))
        d->arch = lineage_arch_from_machine(v);
    if (!d->cpus && lineage_dump_field_find(d, "windows.info", "KeNumberProcessors", &v) &&
        v < 0x100000)
        d->cpus = (unsigned)v;
}

/* ---- the line loop ------------------------------------------------------ */

static lineage_dump *handle_line(format_parser *p, const source_line *ln)
{
    const char *s = ln->text;
    size_t len = ln->len;
    /* Trim spaces but keep TABs: an empty first cell is still a cell. */
    while (len && (*s == ' ' || *s == '\r')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\r' || s[len - 1] == '\t'))
        len--;
    lineage_dump *done = NULL;
    if (len == 0)
        return NULL;
    if (is_banner(s, len)) {
        if (!p->ls.cur)
            p->banner_line = ln->number;
        p->mode = MODE_NONE;
        return NULL;
    }
    if (is_progress(s, len))
        return NULL;
    if (is_process_header(s, len)) {
        if (p->ls.cur && p->ls.cur->nprocs)
            done = finish_dump(p);
        if (!p->ls.cur)
            open_dump(p, ln->number);
        p->mode = MODE_PROCS;
        p->ncols = 0;
        each_cell(s, len, store_col, p);
        p->ls.cur->last_line = ln->number;
        return done;
    }
    if (is_info_header(s, len)) {
        if (p->ls.cur && p->cur_has_info)
            done = finish_dump(p);
        if (!p->ls.cur)
            open_dump(p, ln->number);
        p->cur_has_info = 1;
        p->mode = MODE_INFO;
        p->ls.cur->last_line = ln->number;
        return done;
    }
    if (is_untabbed_process_header(s, len)) {
        listing_warn(&p->ls, ln, (size_t)(s - ln->text),
                     "expected a TAB-separated header; this one names PID, PPID and "
                     "ImageFileName but its cells are separated by spaces (TABs expanded, or "
                     "'-r pretty'), so its rows cannot be split: rerun vol with the default "
                     "renderer or with '-r csv' and read that output unchanged");
        p->mode = MODE_NONE;
        if (p->ls.cur)
            p->ls.cur->last_line = ln->number;
        else
            p->ls.prose++;
        return done;
    }
    if (p->mode == MODE_PROCS && memchr(s, '\t', len)) {
        p->ls.cur->last_line = ln->number;
        process_row(p, ln, s, len);
    } else if (p->mode == MODE_INFO) {
        p->ls.cur->last_line = ln->number;
        info_row(p, ln, s, len);
    } else if (p->ls.cur) {
        p->ls.cur->prose_lines++;
    } else {
        p->ls.prose++;
    }
    return done;
}

/* A header with no rows after it is a dump of no process, as in every
 * other format (the reader warns about it). */
static lineage_status vol3_next(format_parser *p, lineage_dump **out)
{
    return format_next_by_lines(p, &p->ls, handle_line, finish_dump, out);
}

/* ---- format glue -------------------------------------------------------- */

static int vol3_sniff(const char *head, size_t len)
{
    int score = 0;
    const char *end = head + len;
    for (const char *s = head; s < end && score < 100;) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
        while (n && (s[n - 1] == '\r' || s[n - 1] == ' '))
            n--;
        if (is_process_header(s, n))
            score = 100;
        else if (is_info_header(s, n))
            score = score < 90 ? 90 : score;
        else if (is_banner(s, n))
            score = score < 40 ? 40 : score;
        s = nl ? nl + 1 : end;
    }
    return score;
}

static format_parser *vol3_open(lineage_session *session, source *src, lineage_diag_list *diags)
{
    format_parser *p = xcalloc(1, sizeof *p);
    listing_init(&p->ls, session, src, diags);
    return p;
}

static unsigned long vol3_prose_lines(const format_parser *p)
{
    return listing_prose_lines(&p->ls);
}

static void vol3_close(format_parser *p)
{
    if (!p)
        return;
    listing_release(&p->ls);
    free(p->cols);
    free(p);
}

const input_format format_vol3 = {
    "vol3",
    "Volatility 3 windows.pslist/pstree/psscan/info text output (default renderer)",
    vol3_sniff,
    vol3_open,
    vol3_next,
    vol3_prose_lines,
    vol3_close,
    NULL, /* never read in pieces */
};
