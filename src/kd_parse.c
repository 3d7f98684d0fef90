/* The kd `.dumpdebug` listing parser.
 *
 * A listing is a dump header (DUMP_HEADER32/64, then SUMMARY_DUMP32/64 or
 * BITMAP_DUMP, then KiProcessorBlock) followed by one line per process:
 *
 *   Parent+: 0x01ac--->	Child: 0x023c	ActiveThreads->0010	csrss.exe
 *
 * PIDs are hex of any width, ActiveThreads is decimal, `Parent-` marks a
 * process with no live thread, the name is the kernel's 14-character
 * ImageFileName. `[---]` marks rows left out. Prose may sit anywhere and
 * one file may hold several dumps: a dump starts at `kd> .dumpdebug` or at
 * a DUMP_HEADER line outside a dump's header, and process lines with no
 * header before them form a dump of unknown OS. The grammar is in
 * docs/formats.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "format.h"
#include "limits.h"
#include "listing.h"
#include "model.h"
#include "scan.h"

typedef enum section {
    SEC_NONE = 0,
    SEC_FIELDS,        /* "Name value" lines of a DUMP_HEADER or dump-kind section */
    SEC_PROCESSOR_LIST /* addresses after "N KiProcessorBlock entries:" */
} section;

struct format_parser {
    listing ls; /* the dump being built, dumps opened, prose (listing.h) */
    int cur_has_header;        /* cur saw a DUMP_HEADER line */
    int cur_has_content;       /* cur saw anything past its opening line */
    section sec;
    const char *sec_name;      /* in cur's arena */
    uint64_t processors_expected;
    int bits_hint;             /* from "----- 64 bit ..." before a header */
};

static void warn(format_parser *p, const source_line *ln, size_t col, const char *msg)
{
    listing_warn(&p->ls, ln, col, msg);
}

/* ---- dumps ------------------------------------------------------------- */

static lineage_dump *finish_dump(format_parser *p)
{
    p->sec = SEC_NONE;
    return listing_finish_dump(&p->ls);
}

static void open_dump(format_parser *p, unsigned long line)
{
    listing_open_dump(&p->ls, line, "kd", 16)->bits = p->bits_hint;
    p->bits_hint = 0;
    p->cur_has_header = 0;
    p->cur_has_content = 0;
}

/* A line that belongs to the current dump: prose seen since its last such
 * line was between its lines, so it is the dump's. */
static void touch(format_parser *p, unsigned long line)
{
    listing_touch(&p->ls, line);
    p->cur_has_content = 1;
}

/* ---- process lines ----------------------------------------------------- */

typedef struct proc_fields {
    int alive;
    uint64_t ppid, pid, threads;
    int threads_known;
    const char *name;
    size_t name_len;
} proc_fields;

static int is_word_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* Every warning that drops a process line ends with this, so the reader
 * knows the process is not in the tree. */
#define SKIPPED "; process line skipped"

/* Expects `lit` (after optional blanks) at *i; warns and fails if absent. */
static int expect(format_parser *p, const source_line *ln, size_t *i, const char *lit,
                  const char *msg)
{
    scan_skip_space(ln->text, ln->len, i);
    if (scan_literal(ln->text, ln->len, i, lit))
        return 1;
    warn(p, ln, *i, msg);
    return 0;
}

static int expect_pid(format_parser *p, const source_line *ln, size_t *i, uint64_t *out,
                      const char *what)
{
    scan_skip_space(ln->text, ln->len, i);
    size_t at = *i;
    scan_result r = scan_hex(ln->text, ln->len, i, out, 0);
    /* The number must end at a word boundary: "ActiveThreads" starts with
     * the hex digits "Ac". */
    if (r != SCAN_NONE && *i < ln->len && is_word_char(ln->text[*i])) {
        *i = at;
        r = SCAN_NONE;
    }
    if (r == SCAN_OK)
        return 1;
    char msg[96];
    snprintf(msg, sizeof msg, r == SCAN_NONE ? "expected a hexadecimal %s PID" SKIPPED
                                             : "%s PID does not fit in 64 bits" SKIPPED, what);
    warn(p, ln, at, msg);
    return 0;
}

/* ActiveThreads is decimal; a hex digit means the producer printed hex or
 * the line is corrupt, so the count is kept unknown with a warning. */
static int parse_threads(format_parser *p, const source_line *ln, size_t *i, proc_fields *f)
{
    scan_skip_space(ln->text, ln->len, i);
    size_t at = *i;
    scan_result r = scan_dec(ln->text, ln->len, i, &f->threads);
    if (r == SCAN_NONE && !(at < ln->len && scan_is_hex(ln->text[at]))) {
        warn(p, ln, at, "expected a decimal thread count after 'ActiveThreads->'" SKIPPED);
        return 0;
    }
    f->threads_known = 1;
    if (*i < ln->len && scan_is_hex(ln->text[*i])) {
        size_t end = at;
        while (end < ln->len && scan_is_hex(ln->text[end]))
            end++;
        char msg[160];
        snprintf(msg, sizeof msg, "ActiveThreads is decimal, but '%.*s' has a hexadecimal "
                 "digit; thread count left unknown", (int)(end - at < 32 ? end - at : 32),
                 ln->text + at);
        warn(p, ln, at, msg);
        *i = end;
        f->threads_known = 0;
    } else if (r == SCAN_OVERFLOW) {
        warn(p, ln, at, "thread count does not fit in 64 bits; left unknown");
        f->threads_known = 0;
    }
    return 1;
}

/* Up to `max` digits of base 16 (or 10) at *i, ending at `stop`; 0 when
 * there is no digit, too many, or another character follows. */
static int fast_number(const char *s, size_t len, size_t *i, uint64_t *out, unsigned base,
                       size_t max, char stop)
{
    size_t j = *i, lim = len - j > max ? j + max : len;
    uint64_t v = 0;
    for (; j < lim; j++) {
        unsigned d = scan_digit_value[(unsigned char)s[j]] - 1u; /* UINT_MAX: not a digit */
        if (d >= base)
            break;
        v = v * base + d;
    }
    if (j == *i || j >= len || s[j] != stop)
        return 0;
    *i = j;
    *out = v;
    return 1;
}

/* The line exactly as kd prints it, "+: 0xHEX--->\tChild: 0xHEX\t
 * ActiveThreads->DEC\tNAME", read with fixed literals at fixed places. It
 * accepts only lines the general path below reads the same way without a
 * warning (numbers that cannot overflow, a non-empty name), so it changes
 * nothing but speed; any other line takes the general path. */
static int parse_canonical(const char *s, size_t len, size_t i, proc_fields *f)
{
    static const char child[] = "--->\tChild: 0x";
    static const char threads[] = "\tActiveThreads->";
    if (len - i < 5 || (s[i] != '+' && s[i] != '-') || memcmp(s + i + 1, ": 0x", 4) != 0)
        return 0;
    f->alive = s[i] == '+';
    i += 5;
    if (!fast_number(s, len, &i, &f->ppid, 16, 16, '-') || len - i < sizeof child - 1 ||
        memcmp(s + i, child, sizeof child - 1) != 0)
        return 0;
    i += sizeof child - 1;
    if (!fast_number(s, len, &i, &f->pid, 16, 16, '\t') || len - i < sizeof threads - 1 ||
        memcmp(s + i, threads, sizeof threads - 1) != 0)
        return 0;
    i += sizeof threads - 1;
    if (!fast_number(s, len, &i, &f->threads, 10, 19, '\t'))
        return 0;
    i++;
    if (i >= len || scan_is_space(s[i]))
        return 0;
    f->threads_known = 1;
    f->name = s + i;
    f->name_len = len - i;
    scan_trim(&f->name, &f->name_len);
    return 1;
}

static int parse_process(format_parser *p, const source_line *ln, size_t i, proc_fields *f)
{
    if (parse_canonical(ln->text, ln->len, i, f))
        return 1;
    memset(f, 0, sizeof *f); /* what the fast path left half-read */
    const char *s = ln->text;
    size_t len = ln->len;
    scan_skip_space(s, len, &i);
    if (i >= len || (s[i] != '+' && s[i] != '-')) {
        warn(p, ln, i, "expected '+' or '-' after 'Parent'" SKIPPED);
        return 0;
    }
    f->alive = s[i++] == '+';
    if (!expect(p, ln, &i, ":", "expected ':' after 'Parent+' or 'Parent-'" SKIPPED) ||
        !expect_pid(p, ln, &i, &f->ppid, "parent") ||
        !expect(p, ln, &i, "--->", "expected '--->' after the parent PID" SKIPPED) ||
        !expect(p, ln, &i, "Child", "expected 'Child:' after '--->'" SKIPPED) ||
        !expect(p, ln, &i, ":", "expected ':' after 'Child'" SKIPPED) ||
        !expect_pid(p, ln, &i, &f->pid, "child") ||
        !expect(p, ln, &i, "ActiveThreads", "expected 'ActiveThreads->' after the child PID" SKIPPED) ||
        !expect(p, ln, &i, "->", "expected '->' after 'ActiveThreads'" SKIPPED) ||
        !parse_threads(p, ln, &i, f))
        return 0;
    size_t before = i;
    scan_skip_space(s, len, &i);
    if (i == before && i < len) {
        warn(p, ln, i, "expected a blank between the thread count and the image name" SKIPPED);
        return 0;
    }
    f->name = s + i;
    f->name_len = len - i;
    scan_trim(&f->name, &f->name_len);
    return 1;
}

static void add_process(format_parser *p, const source_line *ln, size_t after_parent)
{
    proc_fields f = {0};
    if (!p->ls.cur)
        open_dump(p, ln->number);
    touch(p, ln->number);
    if (!parse_process(p, ln, after_parent, &f))
        return;
    size_t name_col = (size_t)(f.name - ln->text);
    if (f.name_len == 0)
        warn(p, ln, name_col, "expected an image name after the thread count");
    if (f.name_len > LINEAGE_MAX_NAME_LENGTH) {
        warn(p, ln, name_col, "image name longer than 4096 bytes; kept cut");
        f.name_len = LINEAGE_MAX_NAME_LENGTH;
    }
    if (f.threads_known && f.alive && f.threads == 0)
        warn(p, ln, 0, "'Parent+' marks a live process, but ActiveThreads is 0");
    else if (f.threads_known && !f.alive && f.threads > 0)
        warn(p, ln, 0, "'Parent-' marks a process with no live thread, but ActiveThreads is "
                       "not 0");
    lineage_process *proc = dump_add_process(p->ls.cur, ln->number);
    if (!proc) {
        warn(p, ln, 0, "too many processes in one dump; the rest of the dump is ignored");
        return;
    }
    proc->pid = f.pid;
    proc->ppid = f.ppid;
    proc->alive = f.alive;
    proc->threads = f.threads_known ? f.threads : LINEAGE_UNKNOWN;
    proc->name = lineage_session_intern(p->ls.session, f.name, f.name_len);
}

/* ---- header lines ------------------------------------------------------ */

/* "NAME:" alone on a line, NAME in capitals, digits and underscores. */
static int is_section_line(const char *s, size_t len)
{
    if (len < 2 || s[len - 1] != ':' || !(s[0] >= 'A' && s[0] <= 'Z'))
        return 0;
    for (size_t i = 1; i + 1 < len; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    return 1;
}

static void start_section(format_parser *p, const source_line *ln, const char *s, size_t len)
{
    size_t nlen = len - 1;
    int is_header = (nlen == 13 && (memcmp(s, "DUMP_HEADER32", 13) == 0 ||
                                    memcmp(s, "DUMP_HEADER64", 13) == 0));
    if (!p->ls.cur)
        open_dump(p, ln->number);
    touch(p, ln->number);
    lineage_dump *d = p->ls.cur;
    p->sec = SEC_FIELDS;
    p->sec_name = arena_strndup(d->mem, s, nlen);
    if (is_header) {
        p->cur_has_header = 1;
        d->bits = s[11] == '3' ? 32 : 64;
    } else if (nlen > 12 && memcmp(s, "SUMMARY_DUMP", 12) == 0) {
        d->kind = LINEAGE_DUMP_KIND_SUMMARY;
        d->kind_label = p->sec_name;
    } else if (nlen >= 11 && memcmp(s, "BITMAP_DUMP", 11) == 0) {
        d->kind = LINEAGE_DUMP_KIND_BITMAP;
        d->kind_label = p->sec_name;
    } else if (nlen >= 9 && memcmp(s, "FULL_DUMP", 9) == 0) {
        d->kind = LINEAGE_DUMP_KIND_FULL;
        d->kind_label = p->sec_name;
    }
}

static void add_field(format_parser *p, const source_line *ln, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && !scan_is_space(s[i]))
        i++;
    size_t name_len = i;
    scan_skip_space(s, len, &i);
    size_t col = (size_t)(s - ln->text) + i;
    uint64_t v;
    size_t at = i;
    scan_result r = scan_hex(s, len, &i, &v, 1);
    if (r != SCAN_OK || i != len) {
        char msg[128];
        snprintf(msg, sizeof msg, r == SCAN_OVERFLOW ? "value of '%.*s' does not fit in 64 bits"
                                                     : "expected a hexadecimal value for '%.*s'",
                 (int)(name_len < 40 ? name_len : 40), s);
        warn(p, ln, r == SCAN_NONE || at == i ? col : (size_t)(s - ln->text) + i, msg);
        return;
    }
    touch(p, ln->number);
    if (!dump_add_field(p->ls.cur, p->sec_name, s, name_len, v, ln->number))
        warn(p, ln, 0, "too many header fields; field ignored");
}

/* "KiProcessorBlock at fffff800`03d02c40" */
static int processor_block_line(format_parser *p, const source_line *ln, const char *s,
                                size_t len)
{
    size_t i = 0;
    if (!scan_literal(s, len, &i, "KiProcessorBlock at"))
        return 0;
    if (!p->ls.cur)
        open_dump(p, ln->number);
    scan_skip_space(s, len, &i);
    uint64_t v;
    if (scan_hex(s, len, &i, &v, 1) != SCAN_OK) {
        warn(p, ln, (size_t)(s - ln->text) + i, "expected the KiProcessorBlock address");
        return 1;
    }
    touch(p, ln->number);
    p->ls.cur->has_processor_block = 1;
    p->ls.cur->processor_block = v;
    p->sec = SEC_NONE;
    return 1;
}

/* "  8 KiProcessorBlock entries:" */
static int processor_count_line(format_parser *p, const source_line *ln, const char *s,
                                size_t len)
{
    size_t i = 0;
    uint64_t n;
    if (scan_dec(s, len, &i, &n) != SCAN_OK)
        return 0;
    scan_skip_space(s, len, &i);
    if (!scan_literal(s, len, &i, "KiProcessorBlock entries:"))
        return 0;
    if (!p->ls.cur)
        open_dump(p, ln->number);
    touch(p, ln->number);
    p->sec = SEC_PROCESSOR_LIST;
    p->processors_expected = n;
    if (!p->ls.cur->cpus && n < 0x100000)
        p->ls.cur->cpus = (unsigned)n;
    return 1;
}

static void processor_entries(format_parser *p, const source_line *ln, const char *s, size_t len)
{
    size_t i = 0;
    touch(p, ln->number);
    while (i < len) {
        uint64_t v;
        size_t at = i;
        if (scan_hex(s, len, &i, &v, 1) != SCAN_OK || (i < len && !scan_is_space(s[i]))) {
            warn(p, ln, (size_t)(s - ln->text) + at, "expected a KiProcessorBlock entry address");
            p->sec = SEC_NONE;
            return;
        }
        if (!dump_add_processor_entry(p->ls.cur, v)) {
            warn(p, ln, (size_t)(s - ln->text) + at, "too many KiProcessorBlock entries");
            p->sec = SEC_NONE;
            return;
        }
        scan_skip_space(s, len, &i);
    }
    if (p->ls.cur->nprocessor_entries >= p->processors_expected)
        p->sec = SEC_NONE;
}

/* "kd> .dumpdebug", "0: kd> .dumpdebug" */
static int is_dumpdebug(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i && !(i < len && s[i] == ':'))
        return 0;
    if (i)
        i++;
    scan_skip_space(s, len, &i);
    if (!scan_literal(s, len, &i, "kd>"))
        return 0;
    scan_skip_space(s, len, &i);
    return scan_literal(s, len, &i, ".dumpdebug");
}

/* "----- 64 bit Kernel Bitmap Dump Analysis" */
static int bits_line(const char *s, size_t len)
{
    size_t i = 0;
    if (!scan_literal(s, len, &i, "-----"))
        return 0;
    scan_skip_space(s, len, &i);
    if (scan_literal(s, len, &i, "32 bit"))
        return 32;
    if (scan_literal(s, len, &i, "64 bit"))
        return 64;
    return 0;
}

static int is_elision(const char *s, size_t len)
{
    if (len < 5 || s[0] != '[' || s[len - 1] != ']')
        return 0;
    size_t dashes = 0;
    for (size_t i = 1; i + 1 < len; i++) {
        if (s[i] == '-')
            dashes++;
        else if (!scan_is_space(s[i]))
            return 0;
    }
    return dashes >= 3;
}

/* ---- the line loop ----------------------------------------------------- */

/* A DUMP_HEADER line may open a dump anywhere; other "NAME:" lines are
 * sections only inside a dump's header, before its process lines, so a
 * "NOTE:" in prose is just prose. */
static int section_allowed(const format_parser *p, const char *s, size_t len)
{
    if (len == 14 && (memcmp(s, "DUMP_HEADER32:", 14) == 0 || memcmp(s, "DUMP_HEADER64:", 14) == 0))
        return 1;
    return p->ls.cur && p->ls.cur->nprocs == 0 && p->ls.cur->nelisions == 0;
}

/* Whether a line starts a new dump, so the current one must end first. */
static int starts_new_dump(const format_parser *p, const char *s, size_t len)
{
    if (is_dumpdebug(s, len))
        return 1;
    if (!p->ls.cur || len != 14 || !is_section_line(s, len))
        return 0;
    if (memcmp(s, "DUMP_HEADER32:", 14) != 0 && memcmp(s, "DUMP_HEADER64:", 14) != 0)
        return 0;
    return p->cur_has_header || p->ls.cur->nprocs || p->ls.cur->nelisions;
}

/* After a process line: the process lines that follow it in the source's
 * buffer, read here rather than one at a time through the line loop and
 * handle_line (6-11% of a large check's time). Only lines that start with "Parent"
 * are taken, which handle_line would send straight to add_process with
 * the same arguments; the run stops at any other line, at one longer than
 * the source keeps (it warns and skips it) and at the end of the buffer,
 * and the line loop goes on from there. */
static void take_process_run(format_parser *p)
{
    size_t avail, used = 0;
    unsigned long last, taken = 0;
    const char *buf = source_buffered(p->ls.src, &avail, &last);
    while (used < avail) {
        const char *text = buf + used;
        const char *nl = memchr(text, '\n', avail - used);
        if (!nl)
            break;
        size_t len = (size_t)(nl - text);
        if (len > LINEAGE_MAX_LINE_LENGTH || len < 6 || memcmp(text, "Parent", 6) != 0)
            break;
        used += len + 1;
        taken++;
        if (text[len - 1] == '\r')
            len--;
        source_line ln = {text, len, last + taken};
        add_process(p, &ln, 6);
    }
    source_take_lines(p->ls.src, used, taken);
}

/* Where "Parent+:" or "Parent-:" starts in a line that has "Child:" after
 * it; len when it has none. Such a line is a process line, perhaps with
 * something in front of it, and must never pass for prose. */
static size_t process_mark(const char *s, size_t len)
{
    for (size_t i = 0; i + 8 <= len; i++) {
        const char *hit = memchr(s + i, 'P', len - i - 7);
        if (!hit)
            break;
        i = (size_t)(hit - s);
        if (memcmp(hit, "Parent", 6) == 0 && (hit[6] == '+' || hit[6] == '-') && hit[7] == ':')
            return scan_contains(hit + 8, len - i - 8, "Child:") ? i : len;
    }
    return len;
}

/* A process line that kd did not print at the start of its line. */
static void misplaced_process(format_parser *p, const source_line *ln, size_t col)
{
    if (!p->ls.cur)
        open_dump(p, ln->number);
    touch(p, ln->number);
    warn(p, ln, col, "expected a process line to start with 'Parent+:' or 'Parent-:' (after "
                     "an optional 'kd>' prompt), but other text comes before it" SKIPPED);
}

/* Handles one line; returns a finished dump when the line started a new
 * one (the line itself then belongs to the new dump). */
static lineage_dump *handle_line(format_parser *p, const source_line *ln)
{
    const char *s = ln->text;
    size_t len = ln->len;
    scan_trim(&s, &len);
    /* Process lines, by far the most common, start no dump: straight on. */
    if (len >= 6 && memcmp(s, "Parent", 6) == 0) {
        p->sec = SEC_NONE;
        add_process(p, ln, (size_t)(s - ln->text) + 6);
        take_process_run(p);
        return NULL;
    }
    /* "0: kd> Parent+: ...": a process line after a debugger prompt. */
    size_t prompt = scan_kd_prompt(s, len);
    if (prompt && len - prompt >= 6 && memcmp(s + prompt, "Parent", 6) == 0) {
        p->sec = SEC_NONE;
        add_process(p, ln, (size_t)(s - ln->text) + prompt + 6);
        take_process_run(p);
        return NULL;
    }
    lineage_dump *done = NULL;
    if (starts_new_dump(p, s, len))
        done = finish_dump(p);
    if (len == 0) {
        if (p->sec == SEC_FIELDS)
            p->sec = SEC_NONE;
        return done;
    }
    size_t i = 0;
    if (scan_literal(s, len, &i, "Parent")) {
        p->sec = SEC_NONE;
        add_process(p, ln, (size_t)(s - ln->text) + i);
    } else if (is_dumpdebug(s, len)) {
        open_dump(p, ln->number);
        touch(p, ln->number);
        p->cur_has_content = 0;
    } else if (is_section_line(s, len) && section_allowed(p, s, len)) {
        start_section(p, ln, s, len);
    } else if (processor_block_line(p, ln, s, len) || processor_count_line(p, ln, s, len)) {
        /* handled */
    } else if (p->sec == SEC_PROCESSOR_LIST) {
        processor_entries(p, ln, s, len);
    } else if (p->sec == SEC_FIELDS) {
        add_field(p, ln, s, len);
    } else if (is_elision(s, len) && p->ls.cur) {
        touch(p, ln->number);
        dump_add_elision(p->ls.cur, ln->number);
    } else if (bits_line(s, len)) {
        if (p->ls.cur && !p->cur_has_header) {
            p->ls.cur->bits = bits_line(s, len);
            touch(p, ln->number);
        } else {
            p->bits_hint = bits_line(s, len);
            p->ls.pending_prose++;
        }
    } else if ((i = process_mark(s, len)) < len) {
        misplaced_process(p, ln, (size_t)(s - ln->text) + i);
    } else {
        p->ls.pending_prose++;
    }
    return done;
}

static lineage_status kd_next(format_parser *p, lineage_dump **out)
{
    return format_next_by_lines(p, &p->ls, handle_line, finish_dump, out);
}

/* ---- cutting a listing into pieces ------------------------------------ */

/* Where a fresh parser may take over. Two kinds of line start a dump
 * whatever came before: a `.dumpdebug` line, and a DUMP_HEADER line in a
 * dump that already has one (starts_new_dump). The only state the parser
 * carries into a new dump is a bit width from a "----- 64 bit" line read
 * after the current dump's DUMP_HEADER (bits_hint); a DUMP_HEADER line
 * overrides it, a `.dumpdebug` line does not. So, once this scan knows
 * where the current dump started (`armed`), a DUMP_HEADER line after
 * another in the same dump is a cut, and so is a `.dumpdebug` line unless
 * a bit-width line followed a DUMP_HEADER line in the current dump
 * (`dirty`). A DUMP_HEADER line seen before that arms the scan either
 * way: after it the dump has a header and no pending bit width. Over-long
 * lines are skipped by the source, so they are skipped here too.
 *
 * Counting the dumps a fresh parser opens in the lines fed. The parser
 * opens a dump (open_dump) at every `.dumpdebug` line; at a DUMP_HEADER
 * line when it has no dump, or its dump has a header, a process or an
 * elision (starts_new_dump); and, when it has no dump, at a process line
 * or a "KiProcessorBlock" line (at / entries); at no other line. Once
 * armed, it has a dump and keeps one (each finish_dump is followed by an
 * open_dump on the same line), so only the first two count: every
 * `.dumpdebug` line, and a DUMP_HEADER line when the dump has a header
 * (`header`, exact: only DUMP_HEADER lines give a dump its header). Of a
 * dump without one, a process or elision can only come from a line that
 * starts with 'P' ("Parent") or '[' (`content`); without such a line it
 * has neither and the DUMP_HEADER line opens nothing, with one the parse
 * decides, so the count is unsure. Before the scan is armed (only at the
 * start of the input: at a cut the cut line arms it) the parser has no
 * dump unless a line starting with 'P', or holding "KiProcessorBlock",
 * opened one: such a line makes the count unsure; `.dumpdebug` and
 * DUMP_HEADER lines each open one. A cut line itself opens a dump in both
 * views, so zeroing st->scan at a cut keeps the count exact. */
/* A process line adds to the dump, and before any dump opens one. */
static void note_process_line(format_cut_state *st)
{
    st->scan.content = 1;
    if (!st->scan.armed)
        st->dumps_unsure = 1;
}

static int kd_cut_line(format_cut_state *st, const char *t, size_t n)
{
    if (n > LINEAGE_MAX_LINE_LENGTH)
        return 0;
    if (n && t[n - 1] == '\r') /* as the source strips it */
        n--;
    scan_trim(&t, &n);
    if (n && t[0] == 'P') { /* a process line after blanks */
        note_process_line(st);
        return 0;
    }
    size_t prompt = scan_kd_prompt(t, n); /* as handle_line, before .dumpdebug */
    if (prompt && n - prompt >= 6 && memcmp(t + prompt, "Parent", 6) == 0) {
        note_process_line(st);
        return 0;
    }
    if (is_dumpdebug(t, n)) {
        if (st->scan.armed && !st->scan.dirty)
            return 1;
        st->scan.armed = 1;
        st->scan.header = st->scan.dirty = st->scan.content = 0;
        st->dumps++;
    } else if (n == 14 && (memcmp(t, "DUMP_HEADER32:", 14) == 0 ||
                           memcmp(t, "DUMP_HEADER64:", 14) == 0)) {
        if (st->scan.armed && st->scan.header)
            return 1;
        if (!st->scan.armed)
            st->dumps++;
        else if (st->scan.content)
            st->dumps_unsure = 1;
        st->scan.armed = st->scan.header = 1;
        st->scan.dirty = st->scan.content = 0;
    } else if (!st->scan.armed) {
        if (n && (t[0] == 'K' || (t[0] >= '0' && t[0] <= '9')) &&
            scan_contains(t, n, "KiProcessorBlock"))
            st->dumps_unsure = 1;
        else if (process_mark(t, n) < n)
            note_process_line(st);
    } else if (n && t[0] == '[') {
        st->scan.content = 1;
    } else if (st->scan.header && bits_line(t, n)) {
        st->scan.dirty = 1;
    } else if (process_mark(t, n) < n) {
        /* Other text before a process line, tested last as handle_line
         * does: it opens a dump for it unless an earlier test took the
         * line (taking it for a process line here only makes the count
         * unsure). */
        note_process_line(st);
    }
    return 0;
}

static size_t kd_find_cut(format_cut_state *st, const char *buf, size_t len)
{
    size_t at = 0;
    while (at < len) {
        const char *nl = memchr(buf + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - buf) : len;
        if (buf[at] == 'P' && end - at <= LINEAGE_MAX_LINE_LENGTH) {
            note_process_line(st); /* by far the most common: nothing to trim */
        } else if (kd_cut_line(st, buf + at, end - at)) {
            return at;
        }
        st->lines += nl != NULL;
        at = nl ? end + 1 : len;
    }
    return len;
}

/* ---- format glue ------------------------------------------------------- */

/* A kd listing has process lines or dump headers near the top. */
static int kd_sniff(const char *head, size_t len)
{
    int score = 0;
    const char *end = head + len;
    for (const char *s = head; s < end && score < 100;) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
        const char *t = s;
        scan_trim(&t, &n);
        size_t i = scan_kd_prompt(t, n);
        if (scan_literal(t, n, &i, "Parent") && i < n && (t[i] == '+' || t[i] == '-') &&
            scan_contains(t, n, "Child") && scan_contains(t, n, "ActiveThreads"))
            score = 100;
        else if (n == 14 && (memcmp(t, "DUMP_HEADER32:", 14) == 0 ||
                             memcmp(t, "DUMP_HEADER64:", 14) == 0))
            score = score < 80 ? 80 : score;
        else if (is_dumpdebug(t, n))
            score = score < 80 ? 80 : score;
        s = nl ? nl + 1 : end;
    }
    return score;
}

static format_parser *kd_open(lineage_session *session, source *src, lineage_diag_list *diags)
{
    format_parser *p = xcalloc(1, sizeof *p);
    listing_init(&p->ls, session, src, diags);
    return p;
}

static unsigned long kd_prose_lines(const format_parser *p)
{
    return listing_prose_lines(&p->ls);
}

static void kd_close(format_parser *p)
{
    if (!p)
        return;
    listing_release(&p->ls);
    free(p);
}

const input_format format_kd = {
    "kd",
    "kd/WinDbg .dumpdebug listing with Parent+/Child/ActiveThreads process lines",
    kd_sniff,
    kd_open,
    kd_next,
    kd_prose_lines,
    kd_close,
    kd_find_cut,
};
