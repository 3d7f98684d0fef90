/* The Volatility 2 process-listing parser: pslist, psscan and pstree text
 * (fixed-width columns under a dashed rule) and their --output=greptext.
 *
 *   Offset(V)          Name                    PID   PPID   Thds ...
 *   ------------------ -------------------- ------ ------ ------ ...
 *   0xfffffa8000c9e040 System                    4      0     88 ...
 *
 * The dashed rule gives each column's exact span, and the header text in
 * that span names it, so pslist, psscan and the older Volatility 2.2
 * widths need no separate layouts. A cell of dashes (or an empty one) is
 * unknown. pstree's first cell is `<dots> 0x<offset>:<name>`, the dots
 * being the depth; its `-v` option adds `audit:`, `cmd:` and `path:` lines
 * under a row. Times are "YYYY-MM-DD HH:MM:SS" with or without
 * " UTC+0000"; the epoch itself means no time. A process with an exit time
 * or a thread count of 0 is not alive. Each table header starts a new dump. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "format.h"
#include "limits.h"
#include "listing.h"
#include "model.h"
#include "scan.h"
#include "timestamp.h"

typedef enum column_kind {
    COL_OTHER = 0,
    COL_OFFSET_V, /* EPROCESS virtual address */
    COL_NAME,
    COL_TREE_NAME, /* pstree: dots, offset and name */
    COL_PID,
    COL_PPID,
    COL_THREADS,
    COL_SESSION,
    COL_START,
    COL_EXIT
} column_kind;

#define MAX_COLUMNS 16

typedef struct column {
    size_t start, end; /* byte span in a row; the last column runs to the end */
    column_kind kind;
} column;

typedef enum table_kind {
    TABLE_NONE = 0,
    TABLE_WANT_RULE, /* header seen, dashed rule expected next */
    TABLE_FIXED,     /* rows under a dashed rule */
    TABLE_GREP       /* greptext rows */
} table_kind;

struct format_parser {
    listing ls; /* the dump being built, dumps opened, prose (listing.h) */
    table_kind table;
    int tree; /* pstree header */
    char header[512]; /* the header line, for reading names off the rule */
    size_t header_len;
    column cols[MAX_COLUMNS];
    size_t ncols;
    column_kind grep_cols[MAX_COLUMNS];
    size_t ngrep;
    lineage_process *last; /* the row -v lines attach to */
};

static void warn(format_parser *p, const source_line *ln, size_t col, const char *msg)
{
    listing_warn(&p->ls, ln, col, msg);
}

static void touch(format_parser *p, unsigned long line)
{
    listing_touch(&p->ls, line);
}

static lineage_dump *finish_dump(format_parser *p)
{
    p->last = NULL;
    return listing_finish_dump(&p->ls);
}

static void open_dump(format_parser *p, unsigned long line)
{
    listing_open_dump(&p->ls, line, "vol2", 10);
}

/* ---- headers ----------------------------------------------------------- */

static int word_is(const char *s, size_t len, const char *w)
{
    return strlen(w) == len && memcmp(s, w, len) == 0;
}

static column_kind kind_of(const char *s, size_t len, int tree)
{
    scan_trim(&s, &len);
    if (word_is(s, len, "Offset(V)"))
        return COL_OFFSET_V;
    if (word_is(s, len, "Name"))
        return tree ? COL_TREE_NAME : COL_NAME;
    if (word_is(s, len, "PID") || word_is(s, len, "Pid"))
        return COL_PID;
    if (word_is(s, len, "PPID") || word_is(s, len, "PPid"))
        return COL_PPID;
    if (word_is(s, len, "Thds"))
        return COL_THREADS;
    if (word_is(s, len, "Sess"))
        return COL_SESSION;
    if (word_is(s, len, "Start") || word_is(s, len, "Time created") ||
        (tree && word_is(s, len, "Time")))
        return COL_START;
    if (word_is(s, len, "Exit") || word_is(s, len, "Time exited"))
        return COL_EXIT;
    return COL_OTHER;
}

/* "Offset(V) Name PID PPID ..." (pslist), "Offset(P) Name PID PPID ..."
 * (psscan) or "Name Pid PPid Thds ..." (pstree). */
static int header_line(const char *s, size_t len, int *tree)
{
    size_t i = 0;
    if ((scan_literal(s, len, &i, "Offset(V)") || scan_literal(s, len, &i, "Offset(P)")) &&
        scan_contains(s, len, " Name ") && scan_contains(s, len, " PID ") &&
        scan_contains(s, len, " PPID")) {
        *tree = 0;
        return 1;
    }
    i = 0;
    if (scan_literal(s, len, &i, "Name ") && scan_contains(s, len, " Pid ") &&
        scan_contains(s, len, " PPid ")) {
        *tree = 1;
        return 1;
    }
    return 0;
}

/* The kind of greptext header cell s[0..len): pstree's "Offset" and
 * "Time" are its virtual offset and creation time. */
static column_kind grep_kind(const char *s, size_t len)
{
    if (len && (s[0] == ' ' || s[len - 1] == ' '))
        return COL_OTHER; /* greptext cells are not padded */
    if (word_is(s, len, "Offset"))
        return COL_OFFSET_V;
    if (word_is(s, len, "Time"))
        return COL_START;
    return kind_of(s, len, 0);
}

/* A greptext header: "Offset|Name|Pid|PPid|Thds|Hnds|Time" (pstree),
 * "Offset(V)|Name|PID|PPID|Thds|Hnds|Sess|Wow64|Start|Exit" (pslist) or
 * "Offset(P)|Name|PID|PPID|PDB|Time created|Time exited" (psscan): cells
 * between '|', the first an offset, naming at least the name, PID and
 * PPID. With p, the columns are kept. */
static int grep_header(format_parser *p, const char *s, size_t len)
{
    size_t at = 0;
    if (!scan_literal(s, len, &at, "Offset") || !memchr(s, '|', len))
        return 0;
    column_kind cols[MAX_COLUMNS];
    size_t n = 0, i = 0;
    unsigned seen = 0;
    while (i <= len && n < MAX_COLUMNS) {
        size_t w = i;
        while (i < len && s[i] != '|')
            i++;
        column_kind k = grep_kind(s + w, i - w);
        seen |= k == COL_NAME ? 1u : k == COL_PID ? 2u : k == COL_PPID ? 4u : 0u;
        cols[n++] = k;
        i++;
    }
    if (seen != 7u)
        return 0;
    if (p) {
        memcpy(p->grep_cols, cols, n * sizeof cols[0]);
        p->ngrep = n;
    }
    return 1;
}

/* A rule of dash runs separated by blanks; fills the column spans. */
static int rule_line(format_parser *p, const source_line *ln)
{
    const char *s = ln->text;
    size_t len = ln->len;
    size_t n = 0;
    size_t i = 0;
    while (i < len) {
        while (i < len && s[i] == ' ')
            i++;
        if (i >= len)
            break;
        if (s[i] != '-')
            return 0;
        size_t start = i;
        while (i < len && s[i] == '-')
            i++;
        if (n < MAX_COLUMNS) {
            p->cols[n].start = start;
            p->cols[n].end = i;
            size_t hs = start < p->header_len ? start : p->header_len;
            size_t he = i < p->header_len ? i : p->header_len;
            if (i >= len)
                he = p->header_len; /* the last header word may be longer than its rule */
            p->cols[n].kind = kind_of(p->header + hs, he - hs, p->tree);
            n++;
        }
    }
    if (n == 0)
        return 0;
    p->ncols = n;
    return 1;
}

/* ---- cells ------------------------------------------------------------- */

typedef struct row {
    int has_pid, has_ppid;
    int rejected; /* an unreadable PID or PPID cell: the process is left out */
    uint64_t pid, ppid, threads, eprocess, create, exit;
    int64_t session;
    const char *name;
    size_t name_len;
} row;

static int is_unknown(const char *s, size_t len)
{
    if (len == 0 || (len == 3 && memcmp(s, "N/A", 3) == 0))
        return 1;
    for (size_t i = 0; i < len; i++)
        if (s[i] != '-')
            return 0;
    return 1;
}

static const char *kind_name(column_kind k)
{
    switch (k) {
    case COL_PID:
        return "PID";
    case COL_PPID:
        return "PPID";
    case COL_THREADS:
        return "thread count";
    case COL_SESSION:
        return "session";
    default:
        return "value";
    }
}

/* Stores one cell; col is its column in the line, for diagnostics. */
static void cell(format_parser *p, const source_line *ln, column_kind k, const char *s,
                 size_t len, row *r)
{
    scan_trim(&s, &len);
    size_t col = (size_t)(s - ln->text);
    if (k == COL_OTHER || (k != COL_NAME && k != COL_TREE_NAME && is_unknown(s, len)))
        return;
    char msg[128];
    uint64_t v;
    size_t i = 0;
    switch (k) {
    case COL_NAME:
        r->name = s;
        r->name_len = len;
        break;
    case COL_TREE_NAME:
        while (i < len && s[i] == '.')
            i++;
        scan_skip_space(s, len, &i);
        if (scan_hex(s, len, &i, &v, 0) != SCAN_OK || i >= len || s[i] != ':') {
            warn(p, ln, col + i, "expected '0x<offset>:<name>' in the pstree name cell");
            r->name = s + i;
            r->name_len = len - i;
            break;
        }
        r->eprocess = v;
        r->name = s + i + 1;
        r->name_len = len - i - 1;
        break;
    case COL_OFFSET_V:
        if (scan_hex(s, len, &i, &v, 0) != SCAN_OK || i != len)
            warn(p, ln, col, "expected a hexadecimal EPROCESS offset; left unknown");
        else
            r->eprocess = v;
        break;
    case COL_PID:
    case COL_PPID:
    case COL_THREADS:
    case COL_SESSION: {
        scan_result sr = scan_dec(s, len, &i, &v);
        int keyed = k == COL_PID || k == COL_PPID;
        if (sr != SCAN_OK || i != len) {
            snprintf(msg, sizeof msg,
                     sr == SCAN_OVERFLOW ? "%s does not fit in 64 bits; %s" : "expected a decimal %s; %s",
                     kind_name(k), keyed ? "process left out" : "left unknown");
            warn(p, ln, col + (sr == SCAN_OK ? i : 0), msg);
            r->rejected |= keyed;
            break;
        }
        if (k == COL_PID) {
            r->pid = v;
            r->has_pid = 1;
        } else if (k == COL_PPID) {
            r->ppid = v;
            r->has_ppid = 1;
        } else if (k == COL_THREADS) {
            r->threads = v;
        } else if (v <= INT32_MAX) {
            r->session = (int64_t)v;
        } else {
            warn(p, ln, col, "session over 2147483647; left unknown");
        }
        break;
    }
    case COL_START:
    case COL_EXIT:
        if (!timestamp_parse(s, len, &v)) {
            warn(p, ln, col,
                 "expected a time 'YYYY-MM-DD HH:MM:SS' with or without ' UTC+0000'; left unknown");
            break;
        }
        if (v != 0) /* the epoch is how Volatility prints a missing time */
            *(k == COL_START ? &r->create : &r->exit) = v;
        break;
    case COL_OTHER:
        break;
    }
}

static void add_row(format_parser *p, const source_line *ln, const row *r)
{
    if (r->rejected)
        return; /* its unreadable PID or PPID cell said so */
    if (!r->has_pid || !r->has_ppid) {
        warn(p, ln, 0, r->has_pid ? "row has no PPID; process left out"
                                  : "row has no PID; process left out");
        return;
    }
    size_t name_len = r->name_len;
    if (name_len > LINEAGE_MAX_NAME_LENGTH) {
        warn(p, ln, (size_t)(r->name - ln->text), "image name longer than 4096 bytes; kept cut");
        name_len = LINEAGE_MAX_NAME_LENGTH;
    }
    lineage_process *proc = dump_add_process(p->ls.cur, ln->number);
    if (!proc) {
        warn(p, ln, 0, "too many processes in one dump; the rest of the dump is ignored");
        return;
    }
    proc->pid = r->pid;
    proc->ppid = r->ppid;
    proc->threads = r->threads;
    proc->eprocess = r->eprocess;
    proc->session = r->session;
    proc->create_time = r->create;
    proc->exit_time = r->exit;
    /* An exit time, or no thread left (pstree has no exit column), means
     * the process has exited. */
    proc->alive = r->exit == LINEAGE_UNKNOWN && r->threads != 0;
    proc->name =
        lineage_session_intern(p->ls.session, r->name ? r->name : "", r->name ? name_len : 0);
    p->last = proc;
}

static void row_init(row *r)
{
    memset(r, 0, sizeof *r);
    r->threads = r->eprocess = r->create = r->exit = LINEAGE_UNKNOWN;
    r->session = -1;
}

static void fixed_row(format_parser *p, const source_line *ln)
{
    row r;
    row_init(&r);
    for (size_t c = 0; c < p->ncols; c++) {
        size_t start = p->cols[c].start;
        size_t end = c + 1 == p->ncols ? ln->len : p->cols[c].end;
        if (start >= ln->len)
            break;
        if (end > ln->len)
            end = ln->len;
        cell(p, ln, p->cols[c].kind, ln->text + start, end - start, &r);
    }
    touch(p, ln->number);
    add_row(p, ln, &r);
}

/* ">>|0x82181020|smss.exe|368|4|3|21|2023-04-11 07:15:02 UTC+0000" */
static void grep_row(format_parser *p, const source_line *ln, size_t i)
{
    const char *s = ln->text;
    size_t len = ln->len;
    while (i < len && s[i] == '>')
        i++;
    if (i < len && s[i] == '|')
        i++;
    row r;
    row_init(&r);
    for (size_t c = 0; c < p->ngrep && i <= len; c++) {
        size_t w = i;
        while (i < len && s[i] != '|')
            i++;
        cell(p, ln, p->grep_cols[c], s + w, i - w, &r);
        i++;
    }
    touch(p, ln->number);
    add_row(p, ln, &r);
}

/* "    cmd: ..." under a pstree -v row. */
static int verbose_line(format_parser *p, const source_line *ln, const char *s, size_t len)
{
    static const char *const keys[] = {"audit:", "cmd:", "path:"};
    for (int k = 0; k < 3; k++) {
        size_t i = 0;
        if (!scan_literal(s, len, &i, keys[k]))
            continue;
        if (!p->last) {
            warn(p, ln, (size_t)(s - ln->text), "a pstree -v line with no process row above it");
            return 1;
        }
        const char *v = s + i;
        size_t vlen = len - i;
        scan_trim(&v, &vlen);
        touch(p, ln->number);
        if (vlen == 0 || is_unknown(v, vlen))
            return 1;
        char *copy = arena_strndup(p->ls.cur->mem, v, vlen);
        if (k == 1)
            p->last->command_line = copy;
        else if (k == 2 || !p->last->image_path)
            p->last->image_path = copy;
        return 1;
    }
    return 0;
}

/* ---- the line loop ----------------------------------------------------- */

static lineage_dump *start_table(format_parser *p, const source_line *ln)
{
    lineage_dump *done = NULL;
    if (p->ls.cur && p->ls.cur->nprocs)
        done = finish_dump(p);
    if (!p->ls.cur)
        open_dump(p, ln->number);
    touch(p, ln->number);
    p->last = NULL;
    return done;
}

static lineage_dump *handle_line(format_parser *p, const source_line *ln)
{
    const char *s = ln->text;
    size_t len = ln->len;
    scan_trim(&s, &len);
    if (len == 0)
        return NULL;
    int tree;
    if (p->table == TABLE_WANT_RULE) {
        if (rule_line(p, ln)) {
            p->table = TABLE_FIXED;
            touch(p, ln->number);
            return NULL;
        }
        warn(p, ln, 0, "expected a rule of dashes under the column header; table ignored");
        p->table = TABLE_NONE;
    }
    if (header_line(s, len, &tree)) {
        lineage_dump *done = start_table(p, ln);
        p->tree = tree;
        p->table = TABLE_WANT_RULE;
        p->header_len = ln->len < sizeof p->header ? ln->len : sizeof p->header;
        memcpy(p->header, ln->text, p->header_len);
        return done;
    }
    if (grep_header(p, s, len)) {
        lineage_dump *done = start_table(p, ln);
        p->table = TABLE_GREP;
        return done;
    }
    if (p->table == TABLE_FIXED) {
        size_t i = 0;
        while (i < len && s[i] == '.')
            i++;
        scan_skip_space(s, len, &i);
        if (len - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
            fixed_row(p, ln);
            return NULL;
        }
        if (p->tree && verbose_line(p, ln, s, len))
            return NULL;
    } else if (p->table == TABLE_GREP && s[0] == '>') {
        grep_row(p, ln, (size_t)(s - ln->text));
        return NULL;
    }
    p->ls.pending_prose++;
    return NULL;
}

static lineage_status vol2_next(format_parser *p, lineage_dump **out)
{
    return format_next_by_lines(p, &p->ls, handle_line, finish_dump, out);
}

/* ---- format glue ------------------------------------------------------- */

/* A pslist/psscan/pstree header followed by a dashed rule, or a greptext
 * header. */
static int vol2_sniff(const char *head, size_t len)
{
    int score = 0, after_header = 0;
    const char *end = head + len;
    for (const char *s = head; s < end && score < 100;) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
        const char *t = s;
        scan_trim(&t, &n);
        int tree;
        size_t i = 0;
        if (after_header && scan_literal(t, n, &i, "------") && !scan_contains(t, n, "\t"))
            score = 100;
        else if (grep_header(NULL, t, n) && score < 90)
            score = 90;
        after_header = header_line(t, n, &tree) && !scan_contains(t, n, "\t");
        s = nl ? nl + 1 : end;
    }
    return score;
}

static format_parser *vol2_open(lineage_session *session, source *src, lineage_diag_list *diags)
{
    format_parser *p = xcalloc(1, sizeof *p);
    listing_init(&p->ls, session, src, diags);
    return p;
}

static unsigned long vol2_prose_lines(const format_parser *p)
{
    return listing_prose_lines(&p->ls);
}

static void vol2_close(format_parser *p)
{
    if (!p)
        return;
    listing_release(&p->ls);
    free(p);
}

const input_format format_vol2 = {
    "vol2",
    "Volatility 2 pslist, psscan or pstree text (fixed-width columns, also pstree greptext)",
    vol2_sniff,
    vol2_open,
    vol2_next,
    vol2_prose_lines,
    vol2_close,
    NULL, /* never read in pieces */
};
