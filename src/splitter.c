/* Cutting one file into pieces at the cuts its format finds. See
 * lineage/splitter.h.
 *
 * Whoever reads a piece finds its end: lineage_splitter_read_piece reads
 * from the piece's start, a block of the piece's target length and then
 * more as needed, and feeds every complete line to the format's find_cut
 * as it arrives, from a zeroed state (the start of the file or of a piece
 * is a cut, after which the parser's state does not depend on what came
 * before). That one walk finds the first cut at or after the target,
 * counts the piece's newlines and counts the dumps a reader of the piece
 * will give; the bytes are then parsed where they are. So each byte is
 * read once and walked once before it is parsed, and the splitter itself
 * holds no position: any thread may read any piece whose start it knows.
 *
 * A piece with no cut within the hold limit (one dump longer than that)
 * is not kept: the walk lets go of the lines it has fed and reads on to
 * the cut, holding only an unfinished line, and the piece's reader reads
 * it again through the splitter's descriptor (so from the file that was
 * walked, even if the path has been replaced or removed since). Memory
 * then stays bounded by the limit, not by the dump's text; such a piece
 * is read twice, which costs a few percent of parsing it. */
#include <lineage/splitter.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "errno_text.h"
#include "format.h"
#include "limits.h"
#include "source.h"
#include "splitter.h"

/* What a piece's walk reads at a time after its first block (which is
 * the target length and this): what is read past the cut is read again
 * by the next piece, so this bounds the bytes read twice per piece. */
#define SPLIT_CHUNK (64u * 1024u)

struct lineage_splitter {
    char *path;
    int fd;
    const input_format *fmt;
    uint64_t size, piece_bytes;
    uint64_t hold_limit; /* a piece's walk keeps no more than this (see the header) */
    size_t bom;         /* length of the UTF-8 byte-order mark, if any */
};

/* The default hold limit: a few pieces, and at least this much. */
#define HOLD_PIECES 8u
#define HOLD_AT_LEAST (8u << 20)

/* Up to `want` bytes at `off` into dst; fewer only at the end of the file
 * (or when it shrank). -1 on a read error, with errno set. */
static ssize_t read_at(int fd, char *dst, size_t want, uint64_t off)
{
    size_t got = 0;
    while (got < want) {
        ssize_t r = pread(fd, dst + got, want - got, (off_t)(off + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* Whether the start of the file says UTF-8 text in a format that can be
 * cut; sets sp->fmt. */
static int choose_format(lineage_splitter *sp, const char *format)
{
    char *head = xmalloc(LINEAGE_SNIFF_BYTES);
    ssize_t r = read_at(sp->fd, head, LINEAGE_SNIFF_BYTES, 0);
    size_t n = r < 0 ? 0 : (size_t)r, bom;
    int ok = 0;
    /* As a reader of the whole file decides, from the same bytes. */
    if ((n == LINEAGE_SNIFF_BYTES || (uint64_t)n == sp->size) &&
        source_detect_encoding((const unsigned char *)head, n, &bom) == SOURCE_UTF8) {
        sp->bom = bom;
        size_t len = n - bom < LINEAGE_SNIFF_BYTES ? n - bom : LINEAGE_SNIFF_BYTES;
        sp->fmt = format ? format_find(format) : format_detect(head + bom, len);
        ok = sp->fmt && sp->fmt->find_cut;
    }
    free(head);
    return ok;
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
    sp->hold_limit =
        piece_bytes > UINT64_MAX / HOLD_PIECES ? UINT64_MAX : piece_bytes * HOLD_PIECES;
    if (sp->hold_limit < HOLD_AT_LEAST)
        sp->hold_limit = HOLD_AT_LEAST;
    if (!choose_format(sp, format)) {
        lineage_splitter_free(sp);
        return NULL;
    }
    sp->path = xstrdup(path);
    return sp;
}

/* Room for `need` bytes in *buf; 0 when memory runs out (*buf intact). */
static int reserve(char **buf, size_t *cap, size_t need)
{
    if (need <= *cap && *buf)
        return 1;
    size_t ncap = *cap > need / 2 ? *cap * 2 : need;
    if (ncap < need)
        ncap = need;
    char *grown = realloc(*buf, ncap ? ncap : 1);
    if (!grown)
        return 0;
    *buf = grown;
    *cap = ncap;
    return 1;
}

/* The last newline in p[0..n), or NULL. */
static const char *last_newline(const char *p, size_t n)
{
    while (n > 0)
        if (p[--n] == '\n')
            return p + n;
    return NULL;
}

/* The walk of one piece: what read_piece keeps between the blocks it reads. */
typedef struct walk {
    char **buf;
    uint64_t origin;   /* offset in the piece of (*buf)[0]: > 0 once bytes were let go */
    size_t have;       /* bytes at *buf */
    size_t fed;        /* bytes before this in *buf have been fed to find_cut */
    int held;          /* every byte of the piece is still at *buf */
    int long_line;     /* not held: inside a line over LINEAGE_MAX_LINE_LENGTH */
    format_cut_state st;
} walk;

/* Lets go of the bytes fed so far, once the piece is past the splitter's
 * hold limit; an unfinished line is kept unless it is already too long
 * for any reader to keep, which find_cut would skip whole. */
static void let_go(walk *w)
{
    w->held = 0;
    if (w->fed > 0)
        memmove(*w->buf, *w->buf + w->fed, w->have - w->fed);
    w->origin += w->fed;
    w->have -= w->fed;
    w->fed = 0;
    if (w->have > LINEAGE_MAX_LINE_LENGTH) {
        w->origin += w->have;
        w->have = 0;
        w->long_line = 1;
    }
}

/* After `got` new bytes at `from` while inside an over-long line: skips to
 * its newline, counting it as find_cut counts a line it skips. Returns 0
 * when the line goes on past the new bytes (they are let go). */
static int skip_long_line(walk *w, size_t from, size_t got)
{
    const char *nl = memchr(*w->buf + from, '\n', got);
    if (!nl) {
        w->origin += w->have;
        w->have = 0;
        return 0;
    }
    w->st.lines++;
    w->fed = (size_t)(nl - *w->buf) + 1;
    w->long_line = 0;
    return 1;
}

lineage_status lineage_splitter_read_piece(const lineage_splitter *sp, uint64_t offset,
                                           char **buf, size_t *cap, lineage_piece *piece,
                                           lineage_diag_list *diags)
{
    if (!piece)
        return LINEAGE_E_ARG;
    memset(piece, 0, sizeof *piece);
    piece->last = 1;
    if (!sp || !buf || !cap || offset > sp->size)
        return LINEAGE_E_ARG;
    /* Until a cut is found, the piece is the rest of the file: what a
     * caller gets on failure, so that it stops cutting. */
    piece->offset = offset;
    piece->length = sp->size - offset;
    /* The first piece starts after the file's BOM: its reader takes the
     * encoding the splitter decided over the start of the whole file. */
    size_t skip = offset == 0 ? sp->bom : 0;
    uint64_t target = sp->piece_bytes; /* the cut is the first at or after it */
    walk w = {.buf = buf, .fed = skip, .held = 1};
    uint64_t cut = 0; /* where the piece ends, once found */
    int found = 0;
    while (!found) {
        uint64_t done = w.origin + w.have, left = sp->size - offset - done;
        if (done > 0 && (!w.held || done >= sp->hold_limit))
            let_go(&w);
        /* While held, no further than the limit; then blocks of at most
         * the limit (small limits read small). At least a byte, and at
         * first the byte-order mark and a byte. */
        uint64_t want64 = done == 0 ? target + SPLIT_CHUNK : SPLIT_CHUNK;
        uint64_t room = w.held ? sp->hold_limit - done : sp->hold_limit;
        uint64_t least = done == 0 ? skip + 1 : 1;
        if (room < least)
            room = least;
        if (want64 > room)
            want64 = room;
        if (want64 > left)
            want64 = left;
        if (want64 > SIZE_MAX - w.have)
            return LINEAGE_E_NOMEM;
        size_t want = (size_t)want64, from = w.have;
        if (!reserve(buf, cap, w.have + want))
            return LINEAGE_E_NOMEM;
        ssize_t got = read_at(sp->fd, *buf + w.have, want, offset + done);
        if (got < 0) {
            char err[ERRNO_TEXT_SIZE];
            lineage_diag_add(diags, LINEAGE_ERROR, sp->path, 0, 0, NULL, 0, "read error: %s",
                             errno_text(errno, err));
            return LINEAGE_E_IO;
        }
        int eof = (size_t)got < want || want64 == left;
        w.have += (size_t)got;
        if (w.long_line && !skip_long_line(&w, from, (size_t)got)) {
            if (eof)
                break;
            continue;
        }
        /* Bytes from `fed` up to the new ones hold no newline (all
         * complete lines have been fed), so the last newline is new. */
        const char *nl = last_newline(*buf + from, (size_t)got);
        size_t complete = eof ? w.have : nl && nl >= *buf + w.fed ? (size_t)(nl - *buf) + 1 : w.fed;
        while (w.fed < complete) {
            size_t at = w.fed + sp->fmt->find_cut(&w.st, *buf + w.fed, complete - w.fed);
            if (at == complete) {
                w.fed = complete;
            } else if (w.origin + at >= target) {
                cut = w.origin + at;
                found = 1;
                break;
            } else {
                /* A cut before the target: the scan starts again there. */
                memset(&w.st.scan, 0, sizeof w.st.scan);
                w.fed = at;
            }
        }
        if (!found && eof)
            break;
    }
    piece->length = found ? cut : w.origin + w.have;
    piece->last = !found;
    piece->lines = (unsigned long)w.st.lines;
    piece->dumps = (unsigned long)w.st.dumps;
    piece->dumps_known = !w.st.dumps_unsure;
    piece->streamed = !w.held;
    if (w.held) {
        piece->data = *buf + skip;
        piece->len = piece->length > skip ? (size_t)piece->length - skip : 0;
    }
    return LINEAGE_OK;
}

void lineage_splitter_set_hold_limit(lineage_splitter *sp, uint64_t bytes)
{
    if (sp)
        sp->hold_limit = bytes;
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
    free(sp);
}

/* ---- for the reader (splitter.h) --------------------------------------- */

const char *splitter_path(const lineage_splitter *sp) { return sp->path; }
const input_format *splitter_format(const lineage_splitter *sp) { return sp->fmt; }
size_t splitter_bom(const lineage_splitter *sp) { return sp->bom; }
int splitter_fd(const lineage_splitter *sp) { return sp->fd; }
