/* Volatility 3 cells to model fields (see vol3_row.h). */
#include <string.h>

#include "limits.h"
#include "scan.h"
#include "timestamp.h"
#include "vol3_row.h"

static int slice_is(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    return len == n && memcmp(s, lit, n) == 0;
}

vol3_col vol3_column(const char *s, size_t len)
{
    static const struct {
        const char *name;
        vol3_col col;
    } names[] = {
        {"PID", VOL3_PID},           {"PPID", VOL3_PPID},         {"ImageFileName", VOL3_NAME},
        {"Offset(V)", VOL3_OFFSET_V}, {"Threads", VOL3_THREADS},   {"SessionId", VOL3_SESSION},
        {"CreateTime", VOL3_CREATE}, {"ExitTime", VOL3_EXIT},     {"Cmd", VOL3_CMD},
        {"Path", VOL3_PATH},         {"TreeDepth", VOL3_TREEDEPTH}, {"__children", VOL3_CHILDREN},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (slice_is(s, len, names[i].name))
            return names[i].col;
    return VOL3_OTHER;
}

void vol3_row_clear(vol3_row *row)
{
    memset(row, 0, sizeof *row);
    row->threads = LINEAGE_UNKNOWN;
    row->create_time = LINEAGE_UNKNOWN;
    row->exit_time = LINEAGE_UNKNOWN;
    row->eprocess = LINEAGE_UNKNOWN;
    row->session = -1;
}

int vol3_is_absent(const char *s, size_t len)
{
    return len == 0 || slice_is(s, len, "N/A") || slice_is(s, len, "-");
}

/* The whole slice is one decimal number. */
static int whole_dec(const char *s, size_t len, uint64_t *out)
{
    size_t i = 0;
    return scan_dec(s, len, &i, out) == SCAN_OK && i == len;
}

/* Digits only, but more than 64 bits hold: said so rather than "expected
 * a number". */
static int too_big(const char *s, size_t len)
{
    size_t i = 0;
    uint64_t v;
    return scan_dec(s, len, &i, &v) == SCAN_OVERFLOW && i == len;
}

const char *vol3_row_set(vol3_row *row, lineage_dump *d, vol3_col col, const char *s, size_t len)
{
    uint64_t v;
    size_t i = 0;
    if (col == VOL3_OTHER || col == VOL3_TREEDEPTH || col == VOL3_CHILDREN)
        return NULL;
    if (col == VOL3_NAME) {
        /* A name is kept as written, even when it reads "-" (only an empty
         * cell is none), and with the blanks around it: every renderer
         * delimits its cells, so " lsass.exe " is what the kernel holds,
         * and trimming it would make it pass for lsass.exe. */
        if (len > LINEAGE_MAX_NAME_LENGTH)
            len = LINEAGE_MAX_NAME_LENGTH;
        row->name = lineage_session_intern(d->session, s, len);
        return NULL;
    }
    scan_trim(&s, &len);
    if (vol3_is_absent(s, len))
        return NULL;
    switch (col) {
    case VOL3_PID:
    case VOL3_PPID:
        if (!whole_dec(s, len, &v)) {
            row->rejected = 1;
            if (too_big(s, len))
                return col == VOL3_PID ? "PID does not fit in 64 bits; row ignored"
                                       : "PPID does not fit in 64 bits; row ignored";
            return col == VOL3_PID ? "expected a decimal PID; row ignored"
                                   : "expected a decimal PPID; row ignored";
        }
        if (col == VOL3_PID) {
            row->pid = v;
            row->has_pid = 1;
        } else {
            row->ppid = v;
            row->has_ppid = 1;
        }
        return NULL;
    case VOL3_THREADS:
        if (!whole_dec(s, len, &v))
            return too_big(s, len) ? "thread count does not fit in 64 bits; left unknown"
                                   : "expected a decimal thread count; left unknown";
        row->threads = v;
        return NULL;
    case VOL3_SESSION:
        if (!whole_dec(s, len, &v) || v > INT64_MAX)
            return "expected a decimal session id; left unknown";
        row->session = (int64_t)v;
        return NULL;
    case VOL3_OFFSET_V:
        /* Text and CSV print 0x-hex; JSON prints a decimal number. */
        if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
            if (scan_hex(s, len, &i, &v, 0) != SCAN_OK || i != len)
                return "expected a hexadecimal offset; left unknown";
        } else if (!whole_dec(s, len, &v)) {
            return "expected a decimal or 0x-hexadecimal offset; left unknown";
        }
        row->eprocess = v;
        return NULL;
    case VOL3_CREATE:
    case VOL3_EXIT:
        if (!timestamp_parse(s, len, &v))
            return "expected a timestamp like 2024-03-05 08:01:12.000000 UTC; left unknown";
        if (col == VOL3_CREATE)
            row->create_time = v;
        else
            row->exit_time = v;
        return NULL;
    case VOL3_CMD:
        row->command_line = arena_strndup(d->mem, s, len);
        return NULL;
    case VOL3_PATH:
        row->image_path = arena_strndup(d->mem, s, len);
        return NULL;
    default:
        return NULL;
    }
}

const char *vol3_row_commit(const vol3_row *row, lineage_dump *d, unsigned long line)
{
    if (row->rejected)
        return NULL; /* its bad PID or PPID cell said so */
    if (!row->has_pid)
        return "row has no PID; ignored";
    if (!row->has_ppid)
        return "row has no PPID; ignored";
    lineage_process *p = dump_add_process(d, line);
    if (!p)
        return "too many processes in one dump; row ignored";
    p->pid = row->pid;
    p->ppid = row->ppid;
    p->name = row->name ? row->name : lineage_session_intern(d->session, "", 0);
    p->threads = row->threads;
    p->create_time = row->create_time;
    p->exit_time = row->exit_time;
    p->eprocess = row->eprocess;
    p->session = row->session;
    p->command_line = row->command_line;
    p->image_path = row->image_path;
    /* An exit time or no thread left: the EPROCESS outlived its process. */
    p->alive = row->exit_time == LINEAGE_UNKNOWN && row->threads != 0;
    return NULL;
}
