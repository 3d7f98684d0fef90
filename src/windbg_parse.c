/* The WinDbg/kd `!process 0 0` parser.
 *
 * The debugger prints one block per process. On 64-bit targets:
 *
 *   PROCESS ffffb30c5a512080
 *       SessionId: none  Cid: 0180    Peb: 6a1c9e1000  ParentCid: 0004
 *       DirBase: 1b3d40002  ObjectTable: ffffa0037c6d9a00  HandleCount:  53.
 *       Image: smss.exe
 *
 * 32-bit targets put the SessionId ... ParentCid fields on the PROCESS line
 * itself. Cid and ParentCid are hex without 0x; SessionId is decimal or
 * `none`; older debuggers print TableSize: for HandleCount:, which may be
 * `<Data Not Accessible>`. `!process 0 1` and `0 7` print the same block
 * header followed by details that are skipped. There is no thread count and
 * no create time: both stay unknown, and every listed process is alive.
 *
 * A log may hold prompts, warnings and other commands' output anywhere,
 * and several `!process 0 N` outputs: each one is a dump. A filtered query
 * (`!process ADDR 1`, `!process 0 2 smss.exe`, `!process /s 1 0 0`) shows
 * a selection, not every process: its blocks, up to the next prompt, are
 * skipped with a note, so they neither make a dump nor join one. The debugger's load
 * banner ("Windows 10 Kernel Version 15063 MP (4 procs) Free x64"), its
 * "BugCheck A, {...}" line, `.bugcheck` output and `!analyze -v`'s
 * BUGCHECK_CODE/BUGCHECK_Pn lines give the dump's build, CPU count,
 * architecture and bugcheck. Those facts belong to the debugging session:
 * they apply to every dump after them until the next load banner, and to a
 * dump already open when they appear. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "format.h"
#include "limits.h"
#include "listing.h"
#include "model.h"
#include "scan.h"

/* Header facts of the debugging session. */
typedef struct session_facts {
    unsigned build;
    unsigned cpus;
    lineage_arch arch;
    int has_bugcheck;
    uint64_t bugcheck;
    uint64_t params[4];
} session_facts;

/* A PROCESS block being read. */
typedef struct block {
    int open;
    unsigned long line; /* of the PROCESS line */
    uint64_t eprocess;
    int has_cid, has_parent;
    uint64_t cid, parent;
    int64_t session;
} block;

struct format_parser {
    listing ls; /* the dump being built, dumps opened, prose (listing.h) */
    session_facts facts;
    block blk;
    unsigned long query_line; /* a filtered `!process` whose output is being skipped */
};

static void warn(format_parser *p, const source_line *ln, size_t col, const char *fmt,
                 const char *arg)
{
    lineage_diag_list *diags = p->ls.cur ? p->ls.cur->diags : p->ls.reader_diags;
    lineage_diag_add(diags, LINEAGE_WARNING, source_name(p->ls.src), ln ? ln->number : 0,
                     ln ? (unsigned)col + 1 : 0, ln ? ln->text : NULL, ln ? ln->len : 0, fmt,
                     arg ? arg : "");
}

/* ---- dumps and facts --------------------------------------------------- */

static void apply_facts(lineage_dump *d, const session_facts *f)
{
    if (f->build)
        d->build = f->build;
    if (f->cpus)
        d->cpus = f->cpus;
    if (f->arch != LINEAGE_ARCH_UNKNOWN) {
        d->arch = f->arch;
        d->bits = (f->arch == LINEAGE_ARCH_X86 || f->arch == LINEAGE_ARCH_ARM) ? 32 : 64;
    }
    if (f->has_bugcheck) {
        d->has_bugcheck = 1;
        d->bugcheck = f->bugcheck;
        memcpy(d->bugcheck_params, f->params, sizeof d->bugcheck_params);
    }
}

static void touch(format_parser *p, unsigned long line)
{
    listing_touch(&p->ls, line);
}

static void open_dump(format_parser *p, unsigned long line)
{
    apply_facts(listing_open_dump(&p->ls, line, "windbg", 16), &p->facts);
}

static void commit_block(format_parser *p, const char *name, size_t name_len,
                         const source_line *image_line);

static lineage_dump *finish_dump(format_parser *p)
{
    if (p->blk.open)
        commit_block(p, NULL, 0, NULL);
    return listing_finish_dump(&p->ls);
}

/* ---- PROCESS blocks ---------------------------------------------------- */

/* Adds the block's process. name is NULL when the block ended without an
 * Image: line. */
static void commit_block(format_parser *p, const char *name, size_t name_len,
                         const source_line *image_line)
{
    block *b = &p->blk;
    b->open = 0;
    lineage_diag_list *diags = p->ls.cur->diags;
    if (!b->has_cid || !b->has_parent) {
        lineage_diag_add(diags, LINEAGE_WARNING, source_name(p->ls.src), b->line, 1, NULL, 0,
                         "PROCESS block has no %s; expected 'Cid: <hex>' and 'ParentCid: <hex>' "
                         "(process left out)", !b->has_cid ? "Cid" : "ParentCid");
        return;
    }
    if (!name) {
        lineage_diag_add(diags, LINEAGE_WARNING, source_name(p->ls.src), b->line, 1, NULL, 0,
                         "PROCESS block ended without an 'Image:' line; image name left empty");
        name = "";
        name_len = 0;
    }
    if (name_len > LINEAGE_MAX_NAME_LENGTH) {
        warn(p, image_line, 0, "image name longer than 4096 bytes; kept cut%s", NULL);
        name_len = LINEAGE_MAX_NAME_LENGTH;
    }
    lineage_process *proc = dump_add_process(p->ls.cur, b->line);
    if (!proc) {
        lineage_diag_add(diags, LINEAGE_WARNING, source_name(p->ls.src), b->line, 1, NULL, 0,
                         "too many processes in one dump; the rest of the dump is ignored");
        return;
    }
    proc->pid = b->cid;
    proc->ppid = b->parent;
    proc->eprocess = b->eprocess;
    proc->session = b->session;
    proc->name = lineage_session_intern(p->ls.session, name, name_len);
}

/* The next blank-separated word from *i: its start in *start, *i past
 * its end; 0 at the end of the line. */
static int next_word(const char *s, size_t len, size_t *i, size_t *start)
{
    scan_skip_space(s, len, i);
    if (*i >= len)
        return 0;
    *start = *i;
    while (*i < len && !scan_is_space(s[*i]))
        (*i)++;
    return 1;
}

/* Reads "Key: value" pairs from s[i...]; returns whether any key was seen.
 * Image: takes the rest of the line and ends the block. */
static int block_fields(format_parser *p, const source_line *ln, size_t i)
{
    const char *s = ln->text;
    size_t len = ln->len;
    block *b = &p->blk;
    int keys = 0;
    size_t w;
    while (next_word(s, len, &i, &w)) {
        size_t wlen = i - w;
        if (wlen < 2 || s[i - 1] != ':')
            continue; /* a value of a key we skip, or "<Data Not Accessible>" */
        keys++;
        const char *key = s + w;
        size_t klen = wlen - 1;
        scan_skip_space(s, len, &i);
        size_t at = i;
        if (klen == 5 && memcmp(key, "Image", 5) == 0) {
            const char *name = s + i;
            size_t nlen = len - i;
            scan_trim(&name, &nlen);
            if (nlen == 0)
                warn(p, ln, at, "expected an image name after 'Image:'%s", NULL);
            commit_block(p, name, nlen, ln);
            return 1;
        }
        if ((klen == 3 && memcmp(key, "Cid", 3) == 0) ||
            (klen == 9 && memcmp(key, "ParentCid", 9) == 0)) {
            uint64_t v;
            scan_result r = scan_hex(s, len, &i, &v, 0);
            if (r != SCAN_OK || (i < len && !scan_is_space(s[i]))) {
                warn(p, ln, at, r == SCAN_OVERFLOW ? "%s value does not fit in 64 bits"
                                                   : "expected a hexadecimal value after '%s:'",
                     klen == 3 ? "Cid" : "ParentCid");
                while (i < len && !scan_is_space(s[i]))
                    i++;
                continue;
            }
            if (klen == 3) {
                b->cid = v;
                b->has_cid = 1;
            } else {
                b->parent = v;
                b->has_parent = 1;
            }
        } else if (klen == 9 && memcmp(key, "SessionId", 9) == 0) {
            uint64_t v;
            if (scan_literal(s, len, &i, "none")) {
                b->session = -1;
            } else if (scan_dec(s, len, &i, &v) == SCAN_OK && v <= INT32_MAX &&
                       (i >= len || scan_is_space(s[i]))) {
                b->session = (int64_t)v;
            } else {
                warn(p, ln, at, "expected a decimal session or 'none' after 'SessionId:'; left unknown%s",
                     NULL);
                while (i < len && !scan_is_space(s[i]))
                    i++;
            }
        }
    }
    return keys > 0;
}

/* "PROCESS ffffb30c5a512080" (64-bit) or "PROCESS 85e1c020  SessionId: ..."
 * (32-bit). s is the trimmed line, starting at "PROCESS". */
static void process_line(format_parser *p, const source_line *ln, size_t at)
{
    if (p->blk.open)
        commit_block(p, NULL, 0, NULL);
    touch(p, ln->number);
    block *b = &p->blk;
    memset(b, 0, sizeof *b);
    b->open = 1;
    b->line = ln->number;
    b->session = -1;
    b->eprocess = LINEAGE_UNKNOWN;
    size_t i = at + 7;
    scan_skip_space(ln->text, ln->len, &i);
    size_t addr_at = i;
    uint64_t v;
    if (scan_hex(ln->text, ln->len, &i, &v, 1) == SCAN_OK &&
        (i >= ln->len || scan_is_space(ln->text[i]))) {
        b->eprocess = v;
        if (!p->ls.cur->bits && p->facts.arch == LINEAGE_ARCH_UNKNOWN)
            p->ls.cur->bits = (i - addr_at) > 8 ? 64 : 32;
    } else {
        warn(p, ln, addr_at, "expected the hexadecimal EPROCESS address after 'PROCESS'; left unknown%s", NULL);
        while (i < ln->len && !scan_is_space(ln->text[i]))
            i++;
    }
    block_fields(p, ln, i);
}

/* ---- header facts ------------------------------------------------------ */

static lineage_arch arch_word(const char *s, size_t len)
{
    if ((len == 3 && memcmp(s, "x64", 3) == 0) || (len == 5 && memcmp(s, "amd64", 5) == 0))
        return LINEAGE_ARCH_X64;
    if (len == 3 && memcmp(s, "x86", 3) == 0)
        return LINEAGE_ARCH_X86;
    if ((len == 5 && (memcmp(s, "ARM64", 5) == 0 || memcmp(s, "arm64", 5) == 0)))
        return LINEAGE_ARCH_ARM64;
    if (len == 3 && (memcmp(s, "ARM", 3) == 0 || memcmp(s, "arm", 3) == 0))
        return LINEAGE_ARCH_ARM;
    return LINEAGE_ARCH_UNKNOWN;
}

/* "Windows 10 Kernel Version 15063 MP (4 procs) Free x64": a new
 * debugging session, so its facts replace the previous ones. */
static int banner_line(format_parser *p, const char *s, size_t len)
{
    size_t i = 0;
    if (!scan_literal(s, len, &i, "Windows") || !scan_contains(s, len, "Kernel Version "))
        return 0;
    while (i + 15 <= len && memcmp(s + i, "Kernel Version ", 15) != 0)
        i++;
    i += 15;
    uint64_t build;
    if (scan_dec(s, len, &i, &build) != SCAN_OK)
        return 0;
    session_facts f = {0};
    f.build = build < 0x10000 ? (unsigned)build : 0;
    while (i < len) {
        scan_skip_space(s, len, &i);
        size_t w = i;
        while (i < len && !scan_is_space(s[i]))
            i++;
        if (i - w == 2 && memcmp(s + w, "UP", 2) == 0)
            f.cpus = 1;
        else if (i - w > 1 && s[w] == '(') {
            size_t j = w + 1;
            uint64_t n;
            size_t k = i;
            scan_skip_space(s, len, &k);
            if (scan_dec(s, len, &j, &n) == SCAN_OK && j == i && n && n < 0x100000 &&
                scan_literal(s, len, &k, "procs)"))
                f.cpus = (unsigned)n;
        } else if (arch_word(s + w, i - w) != LINEAGE_ARCH_UNKNOWN) {
            f.arch = arch_word(s + w, i - w);
        }
    }
    p->facts = f;
    return 1;
}

/* "Built by: 15063.0.amd64fre.rs2_release.170317-1834": the architecture,
 * when the banner did not give it. */
static int built_by_line(format_parser *p, const char *s, size_t len)
{
    size_t i = 0;
    if (!scan_literal(s, len, &i, "Built by:"))
        return 0;
    static const struct {
        const char *tag;
        lineage_arch arch;
    } tags[] = {{".amd64fre", LINEAGE_ARCH_X64}, {".amd64chk", LINEAGE_ARCH_X64},
                {".x86fre", LINEAGE_ARCH_X86},   {".x86chk", LINEAGE_ARCH_X86},
                {".arm64fre", LINEAGE_ARCH_ARM64}, {".armfre", LINEAGE_ARCH_ARM}};
    if (p->facts.arch == LINEAGE_ARCH_UNKNOWN)
        for (size_t t = 0; t < sizeof tags / sizeof tags[0]; t++)
            if (scan_contains(s, len, tags[t].tag))
                p->facts.arch = tags[t].arch;
    return 1;
}

/* Hex list "p1, p2, p3, p4}" or "p1 p2 p3 p4"; returns how many were read. */
static int hex_params(const char *s, size_t len, size_t *i, uint64_t out[4])
{
    int n = 0;
    while (n < 4) {
        scan_skip_space(s, len, i);
        if (scan_hex(s, len, i, &out[n], 1) != SCAN_OK)
            break;
        n++;
        scan_skip_space(s, len, i);
        if (*i < len && s[*i] == ',')
            (*i)++;
    }
    return n;
}

static void set_bugcheck(format_parser *p, uint64_t code, const uint64_t params[4], int nparams)
{
    session_facts *f = &p->facts;
    f->has_bugcheck = 1;
    f->bugcheck = code;
    for (int k = 0; k < 4; k++)
        f->params[k] = k < nparams ? params[k] : f->params[k];
}

/* "BugCheck A, {...}", "Bugcheck code 000000D1", "Arguments ...",
 * "BUGCHECK_CODE:  d1", "BUGCHECK_P1: ...". */
static int bugcheck_line(format_parser *p, const source_line *ln, const char *s, size_t len)
{
    size_t i = 0;
    uint64_t v, params[4] = {0};
    size_t col = (size_t)(s - ln->text);
    if (scan_literal(s, len, &i, "BugCheck ")) {
        scan_skip_space(s, len, &i);
        if (scan_hex(s, len, &i, &v, 0) != SCAN_OK) {
            warn(p, ln, col + i, "expected a hexadecimal bugcheck code after 'BugCheck'%s", NULL);
            return 1;
        }
        scan_skip_space(s, len, &i);
        int n = 0;
        if (scan_literal(s, len, &i, ",") && (scan_skip_space(s, len, &i), 1) &&
            scan_literal(s, len, &i, "{")) {
            n = hex_params(s, len, &i, params);
            if (n != 4 || !scan_literal(s, len, &i, "}"))
                warn(p, ln, col + i, "expected four hexadecimal bugcheck parameters in "
                                     "'{p1, p2, p3, p4}'%s", NULL);
        }
        memset(p->facts.params, 0, sizeof p->facts.params);
        set_bugcheck(p, v, params, n);
        return 1;
    }
    i = 0;
    if (scan_literal(s, len, &i, "Bugcheck code ")) {
        scan_skip_space(s, len, &i);
        if (scan_hex(s, len, &i, &v, 1) != SCAN_OK) {
            warn(p, ln, col + i, "expected a hexadecimal bugcheck code after 'Bugcheck code'%s",
                 NULL);
            return 1;
        }
        memset(p->facts.params, 0, sizeof p->facts.params);
        set_bugcheck(p, v, params, 0);
        return 1;
    }
    i = 0;
    if (p->facts.has_bugcheck && scan_literal(s, len, &i, "Arguments ")) {
        int n = hex_params(s, len, &i, params);
        if (n != 4)
            warn(p, ln, col + i, "expected four hexadecimal bugcheck arguments%s", NULL);
        set_bugcheck(p, p->facts.bugcheck, params, n);
        return 1;
    }
    i = 0;
    if (scan_literal(s, len, &i, "BUGCHECK_CODE:")) {
        scan_skip_space(s, len, &i);
        if (scan_hex(s, len, &i, &v, 1) != SCAN_OK) {
            warn(p, ln, col + i, "expected a hexadecimal value after 'BUGCHECK_CODE:'%s", NULL);
            return 1;
        }
        if (!p->facts.has_bugcheck || p->facts.bugcheck != v)
            memset(p->facts.params, 0, sizeof p->facts.params);
        set_bugcheck(p, v, p->facts.params, 4);
        return 1;
    }
    i = 0;
    if (scan_literal(s, len, &i, "BUGCHECK_P") && i + 1 < len && s[i] >= '1' && s[i] <= '4' &&
        s[i + 1] == ':') {
        int k = s[i] - '1';
        i += 2;
        scan_skip_space(s, len, &i);
        if (scan_hex(s, len, &i, &v, 1) != SCAN_OK) {
            warn(p, ln, col + i, "expected a hexadecimal value after 'BUGCHECK_Pn:'%s", NULL);
            return 1;
        }
        p->facts.params[k] = v;
        return 1;
    }
    return 0;
}

/* ---- the line loop ----------------------------------------------------- */

/* "kd> !process 0 0", "0: kd> !process 0 7", "lkd> !process 0 0": returns
 * 1 for a listing of every process, 2 for a filtered query, 0 for any
 * other line; *cmd_col is where "!process" starts. `!process [/s Session]
 * [/m Module] [Process [Flags [ImageName]]]` lists every process only when
 * Process is 0 and no image name, session or module narrows it; without
 * arguments it shows the current process. */
static int process_command(const char *s, size_t len, size_t *cmd_col)
{
    size_t i = scan_kd_prompt(s, len);
    if (!i)
        return 0;
    *cmd_col = i;
    if (!scan_literal(s, len, &i, "!process") || (i < len && !scan_is_space(s[i])))
        return 0;
    size_t args = 0;
    int process_zero = 0;
    size_t w;
    while (next_word(s, len, &i, &w)) {
        if (s[w] == '/')
            return 2;
        if (args == 0) {
            size_t j = w;
            uint64_t v;
            process_zero = scan_hex(s, i, &j, &v, 1) == SCAN_OK && j == i && v == 0;
        }
        args++;
    }
    return process_zero && args <= 2 ? 1 : 2;
}

static int is_process_command(const char *s, size_t len)
{
    size_t col;
    return process_command(s, len, &col) != 0;
}

/* "Windows 10 Kernel Version 15063 MP ...", without reading it. */
static int is_load_banner(const char *s, size_t len)
{
    size_t i = 0;
    return scan_literal(s, len, &i, "Windows") && scan_contains(s, len, "Kernel Version ");
}

static int is_active_banner(const char *s, size_t len)
{
    size_t i = 0;
    return scan_literal(s, len, &i, "**** NT ACTIVE PROCESS DUMP ****");
}

static int is_process_line(const char *s, size_t len)
{
    size_t i = 0;
    return scan_literal(s, len, &i, "PROCESS") && i < len && scan_is_space(s[i]);
}

/* A filtered `!process` (one address, an image name, a session): its
 * blocks are a selection, not a listing, so they make no dump of their
 * own and are not added to the open one; they are skipped up to the next
 * prompt, with a note. */
static void skip_query(format_parser *p, const source_line *ln, size_t col)
{
    if (p->blk.open)
        commit_block(p, NULL, 0, NULL);
    lineage_diag_list *diags = p->ls.cur ? p->ls.cur->diags : p->ls.reader_diags;
    lineage_diag_add(diags, LINEAGE_NOTE, source_name(p->ls.src), ln->number, (unsigned)col + 1,
                     ln->text, ln->len,
                     "a filtered '!process' query, not a listing of every process (that is "
                     "'!process 0 0'); its PROCESS blocks up to the next prompt are skipped");
    p->query_line = ln->number;
    p->ls.pending_prose++;
}

static lineage_dump *handle_line(format_parser *p, const source_line *ln)
{
    const char *s = ln->text;
    size_t len = ln->len;
    scan_trim(&s, &len);
    lineage_dump *done = NULL;
    if (len == 0)
        return NULL;
    size_t at = (size_t)(s - ln->text);
    if (p->query_line) {
        /* The output of a filtered query runs to the next prompt. */
        if (!scan_kd_prompt(s, len) && !is_load_banner(s, len)) {
            p->ls.pending_prose++;
            return NULL;
        }
        p->query_line = 0;
    }
    size_t cmd_col = 0;
    int command = process_command(s, len, &cmd_col);
    if (command == 2) {
        skip_query(p, ln, at + cmd_col);
        return NULL;
    }
    if (command || is_active_banner(s, len)) {
        /* A command starts a new dump; the banner that follows a command
         * belongs to the dump the command opened. */
        if (p->ls.cur && (command || p->ls.cur->nprocs || p->blk.open))
            done = finish_dump(p);
        if (!p->ls.cur)
            open_dump(p, ln->number);
        touch(p, ln->number);
        return done;
    }
    if (banner_line(p, s, len)) {
        if (p->ls.cur)
            done = finish_dump(p);
        return done;
    }
    if (built_by_line(p, s, len) || bugcheck_line(p, ln, s, len)) {
        if (p->ls.cur) {
            apply_facts(p->ls.cur, &p->facts);
            touch(p, ln->number);
        }
        return NULL;
    }
    if (is_process_line(s, len)) {
        if (!p->ls.cur)
            open_dump(p, ln->number);
        process_line(p, ln, at);
        return NULL;
    }
    if (p->blk.open && at > 0 && block_fields(p, ln, at)) {
        touch(p, ln->number);
        return NULL;
    }
    p->ls.pending_prose++;
    return NULL;
}

static lineage_status windbg_next(format_parser *p, lineage_dump **out)
{
    return format_next_by_lines(p, &p->ls, handle_line, finish_dump, out);
}

/* ---- format glue ------------------------------------------------------- */

/* The NT ACTIVE PROCESS DUMP banner, or a PROCESS line with Cid and
 * ParentCid on it or on the next line. */
static int windbg_sniff(const char *head, size_t len)
{
    int score = 0;
    int after_process = 0;
    const char *end = head + len;
    for (const char *s = head; s < end && score < 100;) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
        const char *t = s;
        scan_trim(&t, &n);
        int cids = scan_contains(t, n, "Cid:") && scan_contains(t, n, "ParentCid:");
        if (is_active_banner(t, n))
            score = 100;
        else if (is_process_line(t, n))
            score = cids ? 100 : score;
        else if (after_process && cids)
            score = 100;
        else if (is_process_command(t, n) && score < 80)
            score = 80;
        after_process = is_process_line(t, n);
        s = nl ? nl + 1 : end;
    }
    return score;
}

static format_parser *windbg_open(lineage_session *session, source *src, lineage_diag_list *diags)
{
    format_parser *p = xcalloc(1, sizeof *p);
    listing_init(&p->ls, session, src, diags);
    return p;
}

static unsigned long windbg_prose_lines(const format_parser *p)
{
    return listing_prose_lines(&p->ls);
}

static void windbg_close(format_parser *p)
{
    if (!p)
        return;
    listing_release(&p->ls);
    free(p);
}

const input_format format_windbg = {
    "windbg",
    "WinDbg/kd '!process 0 0' output (PROCESS blocks with Cid, ParentCid and Image)",
    windbg_sniff,
    windbg_open,
    windbg_next,
    windbg_prose_lines,
    windbg_close,
    NULL, /* never read in pieces */
};
