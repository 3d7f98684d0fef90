/* The MemProcFS parser: sys/proc/proc.txt and forensic/csv/process.csv.
 *
 * proc.txt is a tree drawn with dashes, one row per process:
 *
 *   --- explorer.exe     3712   3680       alice            2024-03-05 08:02:01 UTC  ***
 *
 * The dashes are the depth plus one (from depth 11 on, "----------+":
 * MemProcFS's indents stop there); then the 15-character name, the PID
 * and parent PID, six flag characters (`32` WoW64, `E` not in the EPROCESS
 * list, `T` terminated, `U` a user account, `*` image outside the Windows
 * directories), the user, and the create and exit times ("YYYY-MM-DD
 * HH:MM:SS UTC", or `***` when there is none). Times and user are read from
 * the right, so a user name with blanks stays whole. `T` or an exit time
 * means the process is not alive.
 *
 * An `E` on a process that has not exited marks it hidden.
 *
 * process.csv is RFC 4180 CSV with a header naming its columns (PID, PPID,
 * State, ShortName, User, CreateTime, ExitTime, EPROCESS, UserPath,
 * KernelPath, CommandLine, and IntegrityLevel when the version writes it,
 * ...); columns are found by name, so their order does not matter. A
 * State other than 0 means the process has exited. ShortName is kept as
 * written, blanks included. Each file is one dump. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "csv.h"
#include "format.h"
#include "limits.h"
#include "listing.h"
#include "model.h"
#include "scan.h"
#include "timestamp.h"

typedef enum csv_col {
    CC_PID = 0,
    CC_PPID,
    CC_SHORTNAME,
    CC_USER,
    CC_CREATE,
    CC_EXIT,
    CC_EPROCESS,
    CC_USERPATH,
    CC_KERNELPATH,
    CC_CMDLINE,
    CC_INTEGRITY,
    CC_STATE,
    CC_COUNT
} csv_col;

static const char *const csv_col_names[CC_COUNT] = {
    "PID", "PPID", "ShortName", "User", "CreateTime", "ExitTime", "EPROCESS", "UserPath",
    "KernelPath", "CommandLine", "IntegrityLevel", "State"};

#define MAX_CSV_FIELDS 64

typedef enum mode {
    MODE_NONE = 0,
    MODE_TREE, /* proc.txt rows */
    MODE_CSV   /* process.csv rows */
} mode;

struct format_parser {
    listing ls; /* the dump being built, dumps opened, prose (listing.h) */
    mode mode;
    int col_at[CC_COUNT]; /* field index of each column, or -1 */
    size_t ncols;
    csv_field fields[MAX_CSV_FIELDS];
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
    return listing_finish_dump(&p->ls);
}

/* A header starts a dump; a second header after rows starts another. */
static lineage_dump *start_table(format_parser *p, const source_line *ln, mode m)
{
    lineage_dump *done = NULL;
    if (p->ls.cur && p->ls.cur->nprocs)
        done = finish_dump(p);
    if (!p->ls.cur)
        listing_open_dump(&p->ls, ln->number, "memprocfs", 10);
    touch(p, ln->number);
    p->mode = m;
    return done;
}

static lineage_process *new_process(format_parser *p, const source_line *ln, uint64_t pid,
                                    uint64_t ppid, const char *name, size_t name_len)
{
    if (name_len > LINEAGE_MAX_NAME_LENGTH) {
        warn(p, ln, 0, "image name longer than 4096 bytes; kept cut");
        name_len = LINEAGE_MAX_NAME_LENGTH;
    }
    lineage_process *proc = dump_add_process(p->ls.cur, ln->number);
    if (!proc) {
        warn(p, ln, 0, "too many processes in one dump; the rest of the dump is ignored");
        return NULL;
    }
    proc->pid = pid;
    proc->ppid = ppid;
    proc->name = lineage_session_intern(p->ls.session, name, name_len);
    return proc;
}

/* ---- proc.txt ---------------------------------------------------------- */

/* "  Process   Pid Parent   Flag User   Create Time   Exit Time" */
static int is_tree_header(const char *s, size_t len)
{
    size_t i = 0;
    return scan_literal(s, len, &i, "Process") && scan_contains(s, len, " Pid ") &&
           scan_contains(s, len, " Parent ") && scan_contains(s, len, " Flag ");
}

/* Takes a time or `***` off the end of s[0..*len); returns 0 when neither
 * is there. *out stays unknown for `***`. */
static int time_from_right(const char *s, size_t *len, uint64_t *out)
{
    size_t n = *len;
    while (n && scan_is_space(s[n - 1]))
        n--;
    if (n >= 3 && memcmp(s + n - 3, "***", 3) == 0) {
        *len = n - 3;
        return 1;
    }
    /* "YYYY-MM-DD HH:MM:SS UTC" is 23 bytes. */
    if (n >= 23 && timestamp_parse(s + n - 23, 23, out)) {
        *len = n - 23;
        return 1;
    }
    return 0;
}

static void tree_row(format_parser *p, const source_line *ln, size_t i)
{
    const char *s = ln->text;
    size_t len = ln->len;
    size_t dashes = i;
    while (i < len && s[i] == '-')
        i++;
    /* MemProcFS's indents stop at depth 11, drawn "----------+" (ten
     * dashes and a plus) for every depth from there on. */
    if (i - dashes == 10 && i < len && s[i] == '+')
        i++;
    scan_skip_space(s, len, &i);
    size_t name_at = i;
    while (i < len && !scan_is_space(s[i]))
        i++;
    const char *name = s + name_at;
    size_t name_len = i - name_at;
    uint64_t pid, ppid;
    scan_skip_space(s, len, &i);
    size_t pid_at = i;
    int blank_name = 0;
    if (scan_dec(s, len, &i, &pid) != SCAN_OK) {
        /* A name with blanks: the PID is the next number after a blank. */
        blank_name = 1;
        while (i < len && !(s[i] >= '0' && s[i] <= '9' && scan_is_space(s[i - 1])))
            i++;
        size_t at = i;
        if (scan_dec(s, len, &i, &pid) != SCAN_OK) {
            warn(p, ln, pid_at, "expected a decimal PID after the process name; process line skipped");
            return;
        }
        name_len = at - name_at;
        while (name_len && scan_is_space(name[name_len - 1]))
            name_len--;
    }
    scan_skip_space(s, len, &i);
    size_t at = i;
    if (scan_dec(s, len, &i, &ppid) != SCAN_OK) {
        if (blank_name)
            warn(p, ln, pid_at, "expected a decimal PID after the process name; process line skipped");
        else
            warn(p, ln, at, "expected a decimal parent PID after the PID; process line skipped");
        return;
    }
    /* Six flag characters after one blank. */
    size_t flags = i + 1, flags_end = flags + 6 < len ? flags + 6 : len;
    int terminated = 0;
    size_t unlinked = 0; /* where the E flag is, plus one */
    for (size_t f = flags; f < flags_end; f++) {
        if (s[f] == 'T')
            terminated = 1;
        else if (s[f] == 'E')
            unlinked = f + 1;
        else if (!strchr("32U* ", s[f])) {
            warn(p, ln, f, "expected process flags from '32', 'E', 'T', 'U' and '*'; the rest of the flags ignored");
            break;
        }
    }
    size_t rest = flags_end;
    size_t rlen = len - rest;
    uint64_t create = LINEAGE_UNKNOWN, exit_time = LINEAGE_UNKNOWN;
    if (!time_from_right(s + rest, &rlen, &exit_time) ||
        !time_from_right(s + rest, &rlen, &create)) {
        warn(p, ln, rest + rlen, "expected the create and exit times "
                                 "('YYYY-MM-DD HH:MM:SS UTC' or '***') at the end of the row; both left unknown");
        create = exit_time = LINEAGE_UNKNOWN;
        rlen = 0;
    }
    const char *user = s + rest;
    scan_trim(&user, &rlen);
    touch(p, ln->number);
    lineage_process *proc = new_process(p, ln, pid, ppid, name, name_len);
    if (!proc)
        return;
    proc->create_time = create;
    proc->exit_time = exit_time;
    proc->alive = !terminated && exit_time == LINEAGE_UNKNOWN;
    if (rlen)
        proc->user = arena_strndup(p->ls.cur->mem, user, rlen);
    /* `E`: MemProcFS found the EPROCESS but not in the kernel's active
     * process list. A process that exited leaves the list normally; one
     * that still runs was unlinked from it (DKOM), as --scan's hidden. */
    if (unlinked && proc->alive) {
        proc->hidden = 1;
        lineage_diag_add(p->ls.cur->diags, LINEAGE_NOTE, source_name(p->ls.src), ln->number,
                         (unsigned)unlinked, ln->text, ln->len,
                         "process %llu (%s) is flagged 'E' (not in the EPROCESS list) and has "
                         "not exited: hidden (possibly unlinked from the list)",
                         (unsigned long long)pid, lineage_name_text(proc->name));
    }
}

/* ---- process.csv ------------------------------------------------------- */

static int csv_header(format_parser *p, const source_line *ln)
{
    size_t n = csv_split(ln->text, ln->len, p->fields, MAX_CSV_FIELDS, 0);
    if (n > MAX_CSV_FIELDS)
        n = MAX_CSV_FIELDS;
    int at[CC_COUNT];
    for (int c = 0; c < CC_COUNT; c++)
        at[c] = -1;
    for (size_t f = 0; f < n; f++) {
        const char *t = p->fields[f].text;
        size_t tl = p->fields[f].len;
        scan_trim(&t, &tl);
        for (int c = 0; c < CC_COUNT; c++)
            if (strlen(csv_col_names[c]) == tl && memcmp(t, csv_col_names[c], tl) == 0)
                at[c] = (int)f;
    }
    if (at[CC_PID] != 0 || at[CC_PPID] < 0 || at[CC_SHORTNAME] < 0)
        return 0;
    memcpy(p->col_at, at, sizeof at);
    p->ncols = n;
    return 1;
}

/* The unescaped, trimmed value of column c, in the dump's arena; NULL when
 * the row has no such cell or it is empty. */
static char *csv_value(format_parser *p, int c, size_t n)
{
    int f = p->col_at[c];
    if (f < 0 || (size_t)f >= n)
        return NULL;
    char *v = csv_field_dup(p->ls.cur->mem, &p->fields[f], 0);
    size_t len = strlen(v);
    const char *t = v;
    scan_trim(&t, &len);
    if (len == 0)
        return NULL;
    return arena_strndup(p->ls.cur->mem, t, len);
}

static int csv_number(format_parser *p, const source_line *ln, int c, size_t n, int hex,
                      uint64_t *out)
{
    int f = p->col_at[c];
    if (f < 0 || (size_t)f >= n)
        return 0;
    const char *t = p->fields[f].text;
    size_t len = p->fields[f].len;
    scan_trim(&t, &len);
    size_t i = 0;
    if (len == 0)
        return 0; /* an empty cell is unknown */
    if ((hex ? scan_hex(t, len, &i, out, 0) : scan_dec(t, len, &i, out)) == SCAN_OK &&
        i == len)
        return 1;
    char msg[128];
    snprintf(msg, sizeof msg, "expected a %s number in column %s; %s", hex ? "hexadecimal" : "decimal",
             csv_col_names[c], c == CC_PID || c == CC_PPID ? "process left out" : "left unknown");
    warn(p, ln, (size_t)(t - ln->text), msg);
    return -1;
}

static uint64_t csv_time(format_parser *p, const source_line *ln, int c, size_t n)
{
    int f = p->col_at[c];
    uint64_t v;
    if (f < 0 || (size_t)f >= n)
        return LINEAGE_UNKNOWN;
    const char *t = p->fields[f].text;
    size_t len = p->fields[f].len;
    scan_trim(&t, &len);
    if (len == 0 || (len == 3 && memcmp(t, "***", 3) == 0))
        return LINEAGE_UNKNOWN;
    if (!timestamp_parse(t, len, &v)) {
        char msg[128];
        snprintf(msg, sizeof msg, "expected a time 'YYYY-MM-DD HH:MM:SS' in column %s; left unknown",
                 csv_col_names[c]);
        warn(p, ln, (size_t)(t - ln->text), msg);
        return LINEAGE_UNKNOWN;
    }
    return v ? v : LINEAGE_UNKNOWN;
}

static void csv_row(format_parser *p, const source_line *ln)
{
    csv_error err;
    size_t n = csv_split_checked(ln->text, ln->len, p->fields, MAX_CSV_FIELDS, 0, &err);
    touch(p, ln->number);
    if (err.kind != CSV_OK)
        warn(p, ln, err.column, csv_error_message(err.kind));
    if (n != p->ncols) {
        char msg[96];
        snprintf(msg, sizeof msg, "expected %zu fields as in the header, found %zu", p->ncols, n);
        warn(p, ln, 0, msg);
        if (n > MAX_CSV_FIELDS)
            n = MAX_CSV_FIELDS;
    }
    uint64_t pid, ppid, eprocess;
    int got = csv_number(p, ln, CC_PID, n, 0, &pid);
    if (got == 1)
        got = csv_number(p, ln, CC_PPID, n, 0, &ppid);
    if (got != 1) {
        if (got == 0) /* an unreadable cell has said so already */
            warn(p, ln, 0, "row has no PID or PPID; process left out");
        return;
    }
    int nf = p->col_at[CC_SHORTNAME];
    csv_field *nfld = (size_t)nf < n ? &p->fields[nf] : NULL;
    char *name = nfld ? csv_field_dup(p->ls.cur->mem, nfld, 0) : NULL;
    lineage_process *proc = new_process(p, ln, pid, ppid, name ? name : "", name ? strlen(name) : 0);
    if (!proc)
        return;
    proc->create_time = csv_time(p, ln, CC_CREATE, n);
    proc->exit_time = csv_time(p, ln, CC_EXIT, n);
    /* State is the process's state word, 0 while it runs (proc.txt's `T`
     * flag is State != 0): an exited process may have no exit time. */
    uint64_t state = 0;
    int has_state = p->col_at[CC_STATE] >= 0 && csv_number(p, ln, CC_STATE, n, 0, &state) == 1;
    proc->alive = proc->exit_time == LINEAGE_UNKNOWN && !(has_state && state != 0);
    if (p->col_at[CC_EPROCESS] >= 0 && csv_number(p, ln, CC_EPROCESS, n, 1, &eprocess) == 1)
        proc->eprocess = eprocess;
    proc->user = csv_value(p, CC_USER, n);
    proc->image_path = csv_value(p, CC_USERPATH, n);
    if (!proc->image_path)
        proc->image_path = csv_value(p, CC_KERNELPATH, n);
    proc->command_line = csv_value(p, CC_CMDLINE, n);
    proc->integrity = csv_value(p, CC_INTEGRITY, n);
}

/* ---- the line loop ----------------------------------------------------- */

static int is_rule(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != '-' && !scan_is_space(s[i]))
            return 0;
    return len >= 3;
}

static lineage_dump *handle_line(format_parser *p, const source_line *ln)
{
    const char *s = ln->text;
    size_t len = ln->len;
    scan_trim(&s, &len);
    if (len == 0)
        return NULL;
    if (is_tree_header(s, len))
        return start_table(p, ln, MODE_TREE);
    size_t i = 0;
    if (scan_literal(s, len, &i, "PID,") && csv_header(p, ln))
        return start_table(p, ln, MODE_CSV);
    if (p->mode == MODE_TREE && is_rule(s, len)) {
        touch(p, ln->number);
        return NULL;
    }
    if (p->mode == MODE_TREE && s[0] == '-') {
        tree_row(p, ln, (size_t)(s - ln->text));
        return NULL;
    }
    if (p->mode == MODE_CSV) {
        csv_row(p, ln);
        return NULL;
    }
    p->ls.pending_prose++;
    return NULL;
}

static lineage_status memprocfs_next(format_parser *p, lineage_dump **out)
{
    return format_next_by_lines(p, &p->ls, handle_line, finish_dump, out);
}

/* ---- format glue ------------------------------------------------------- */

static int memprocfs_sniff(const char *head, size_t len)
{
    const char *end = head + len;
    for (const char *s = head; s < end;) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
        const char *t = s;
        scan_trim(&t, &n);
        size_t i = 0;
        if (is_tree_header(t, n))
            return 100;
        if (scan_literal(t, n, &i, "PID,PPID,") && scan_contains(t, n, ",ShortName,"))
            return 100;
        s = nl ? nl + 1 : end;
    }
    return 0;
}

static format_parser *memprocfs_open(lineage_session *session, source *src,
                                     lineage_diag_list *diags)
{
    format_parser *p = xcalloc(1, sizeof *p);
    listing_init(&p->ls, session, src, diags);
    return p;
}

static unsigned long memprocfs_prose_lines(const format_parser *p)
{
    return listing_prose_lines(&p->ls);
}

static void memprocfs_close(format_parser *p)
{
    if (!p)
        return;
    listing_release(&p->ls);
    free(p);
}

const input_format format_memprocfs = {
    "memprocfs",
    "MemProcFS sys/proc/proc.txt tree or forensic/csv/process.csv",
    memprocfs_sniff,
    memprocfs_open,
    memprocfs_next,
    memprocfs_prose_lines,
    memprocfs_close,
    NULL, /* never read in pieces */
};
