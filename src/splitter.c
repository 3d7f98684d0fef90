/* Cutting one file into pieces at the cuts its format finds. See
 * lineage/splitter.h.
 *
 * Finding the next cut reads only around a piece's target length: complete
 * lines from there are fed to the format's find_cut until a cut turns up.
 * Over-long lines are skipped whole, as the source skips them, so the
 * tail of one is never taken for a line. Lines are counted by whoever
 * reads a piece (lineage_splitter_read_piece), not here. The search still
 * reads the stretch from each target to its cut a second time: with dumps
 * much longer than the target, that is most of the file (see
 * docs/performance.md). */
#include <lineage/splitter.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "format.h"
#include "limits.h"
#include "source.h"
#include "splitter.h"

/* Larger than the longest line kept, so a block without a newline is part
 * of an over-long line. */
#define SPLIT_BLOCK (2u * LINEAGE_MAX_LINE_LENGTH)
/* What the search for a cut reads first; it doubles up to SPLIT_BLOCK
 * while no line ends in what it read. */
#define SPLIT_FIRST_READ (64u * 1024u)

struct lineage_splitter {
    char *path;
    int fd;
    const input_format *fmt;
    uint64_t size, piece_bytes;
    size_t bom;         /* length of the UTF-8 byte-order mark, if any */
    uint64_t pos;       /* where the next piece starts (a line start) */
    char *buf;          /* SPLIT_BLOCK bytes */
};

/* Newlines in p[0..n), eight bytes at a time. For a word w, x = w ^ "\n\n.."
 * has a zero byte exactly where w has a newline, and the high bit of
 * ((x & 0x7f..) + 0x7f..) | x is set exactly where a byte of x is not
 * zero; so each newline gives a 1 in its byte of `ones`. Those are summed
 * per byte for up to 255 words, then across the bytes. */
static uint64_t count_newlines(const char *p, size_t n)
{
    const uint64_t nl = 0x0a0a0a0a0a0a0a0aull, low7 = 0x7f7f7f7f7f7f7f7full;
    const uint64_t bytes = 0x00ff00ff00ff00ffull, lanes = 0x0001000100010001ull;
    uint64_t c = 0;
    size_t i = 0;
    while (i + 8 <= n) {
        uint64_t acc = 0;
        for (int k = 0; k < 255 && i + 8 <= n; k++, i += 8) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            uint64_t x = w ^ nl;
            uint64_t ones = (~((((x & low7) + low7) | x)) >> 7) & 0x0101010101010101ull;
            acc += ones;
        }
        uint64_t pairs = (acc & bytes) + ((acc >> 8) & bytes);
        c += (pairs * lanes) >> 48;
    }
    for (; i < n; i++)
        c += p[i] == '\n';
    return c;
}

/* Up to `max` (at most SPLIT_BLOCK) bytes at `off` into sp->buf; fewer
 * only at the end of the file or on a read error. */
static size_t read_block(lineage_splitter *sp, uint64_t off, size_t max)
{
    uint64_t left = sp->size > off ? sp->size - off : 0;
    size_t want = left < max ? (size_t)left : max;
    size_t got = 0;
    while (got < want) {
        ssize_t r = pread(sp->fd, sp->buf + got, want - got, (off_t)(off + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    return got;
}

/* Whether the start of the file says UTF-8 text in a format that can be
 * cut; sets sp->fmt. */
static int choose_format(lineage_splitter *sp, const char *format)
{
    size_t n = read_block(sp, 0, LINEAGE_SNIFF_BYTES), bom;
    if (n < LINEAGE_SNIFF_BYTES && (uint64_t)n < sp->size)
        return 0;
    /* As a reader of the whole file decides, from the same bytes. */
    if (source_detect_encoding((const unsigned char *)sp->buf, n, &bom) != SOURCE_UTF8)
        return 0;
    sp->bom = bom;
    size_t head = n - bom < LINEAGE_SNIFF_BYTES ? n - bom : LINEAGE_SNIFF_BYTES;
    sp->fmt = format ? format_find(format) : format_detect(sp->buf + bom, head);
    return sp->fmt && sp->fmt->find_cut;
}

lineage_splitter *lineage_splitter_open(const char *path, const char *format,
                                        uint64_t piece_bytes)
{
    if (!path || strcmp(path, "-") == 0 || piece_bytes == 0)
        return NULL;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size / 2 < piece_bytes) {
        close(fd);
        return NULL;
    }
    lineage_splitter *sp = xcalloc(1, sizeof *sp);
    sp->fd = fd;
    sp->size = (uint64_t)st.st_size;
    sp->piece_bytes = piece_bytes;
    sp->buf = xmalloc(SPLIT_BLOCK);
    if (!choose_format(sp, format)) {
        lineage_splitter_free(sp);
        return NULL;
    }
    sp->path = xstrdup(path);
    return sp;
}

/* The first cut after `from`, or 0 when none comes before the end of the
 * file (or a read error). `mid_line`: `from` is not a line start, so the
 * rest of that line is skipped first. */
static uint64_t find_cut(lineage_splitter *sp, uint64_t from, int mid_line)
{
    format_cut_state st;
    memset(&st, 0, sizeof st);
    int skipping = mid_line; /* inside a line that must not be fed */
    size_t want = SPLIT_FIRST_READ; /* a cut is usually near: read little */
    for (;;) {
        size_t n = read_block(sp, from, want);
        if (n == 0)
            return 0;
        const char *last_nl = NULL;
        for (size_t i = n; i > 0; i--)
            if (sp->buf[i - 1] == '\n') {
                last_nl = sp->buf + i - 1;
                break;
            }
        if (!last_nl && n == want && want < SPLIT_BLOCK) {
            want *= 2; /* a long line: read more of it at once */
            continue;
        }
        if (!last_nl) {
            /* No newline in a whole block: an over-long line, skipped. */
            skipping = 1;
            from += n;
            continue;
        }
        size_t start = 0;
        if (skipping) {
            start = (size_t)((const char *)memchr(sp->buf, '\n', n) - sp->buf) + 1;
            skipping = 0;
        }
        size_t complete = (size_t)(last_nl - sp->buf) + 1;
        size_t cut = start + sp->fmt->find_cut(&st, sp->buf + start, complete - start);
        if (cut < complete)
            return from + cut;
        from += complete;
    }
}

int lineage_splitter_next(lineage_splitter *sp, lineage_piece *out)
{
    memset(out, 0, sizeof *out);
    if (!sp || sp->pos >= sp->size)
        return 0;
    out->offset = sp->pos;
    uint64_t target = sp->pos + sp->piece_bytes, cut = 0;
    if (target < sp->size && read_block(sp, target - 1, 1) > 0)
        cut = find_cut(sp, target, sp->buf[0] != '\n');
    if (!cut || cut >= sp->size) {
        out->length = sp->size - sp->pos;
        out->last = 1;
        sp->pos = sp->size;
        return 1;
    }
    out->length = cut - sp->pos;
    sp->pos = cut;
    return 1;
}

lineage_status lineage_splitter_read_piece(const lineage_splitter *sp, const lineage_piece *piece,
                                           char **data, size_t *len, unsigned long *lines,
                                           lineage_diag_list *diags)
{
    *data = NULL;
    *len = 0;
    *lines = 0;
    if (!sp || !piece || piece->length > SIZE_MAX)
        return LINEAGE_E_ARG;
    /* The first piece starts after the file's BOM: its reader takes the
     * encoding the splitter decided over the start of the whole file. */
    uint64_t off = piece->offset, n = piece->length;
    if (off == 0) {
        off = sp->bom < n ? sp->bom : n;
        n -= off;
    }
    char *buf = malloc(n ? (size_t)n : 1);
    if (!buf)
        return LINEAGE_E_NOMEM;
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(sp->fd, buf + got, (size_t)n - got, (off_t)(off + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            lineage_diag_add(diags, LINEAGE_ERROR, sp->path, 0, 0, NULL, 0, "read error: %s",
                             strerror(errno));
            free(buf);
            return LINEAGE_E_IO;
        }
        if (r == 0)
            break; /* the file shrank: read what is there */
        got += (size_t)r;
    }
    *data = buf;
    *len = got;
    *lines = (unsigned long)count_newlines(buf, got);
    return LINEAGE_OK;
}

const char *lineage_splitter_get_format(const lineage_splitter *sp)
{
    return sp ? sp->fmt->name : NULL;
}

void lineage_splitter_free(lineage_splitter *sp)
{
    if (!sp)
        return;
    close(sp->fd);
    free(sp->path);
    free(sp->buf);
    free(sp);
}

/* ---- for the reader (splitter.h) --------------------------------------- */

const char *splitter_path(const lineage_splitter *sp) { return sp->path; }
const input_format *splitter_format(const lineage_splitter *sp) { return sp->fmt; }
