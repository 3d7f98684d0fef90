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
 * holds no position: any thread may read any piece whose start it knows. */
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

/* What a piece's walk reads at a time after its first block (which is
 * the target length and this): what is read past the cut is read again
 * by the next piece, so this bounds the bytes read twice per piece. */
#define SPLIT_CHUNK (64u * 1024u)

struct lineage_splitter {
    char *path;
    int fd;
    const input_format *fmt;
    uint64_t size, piece_bytes;
    size_t bom;         /* length of the UTF-8 byte-order mark, if any */
};

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
    format_cut_state st;
    memset(&st, 0, sizeof st);
    size_t have = 0;  /* bytes at *buf, from offset */
    size_t fed = skip; /* bytes before it have been fed to find_cut */
    size_t cut = 0;    /* where the piece ends, once found */
    int found = 0, eof = 0;
    while (!found) {
        uint64_t left = sp->size - offset - have;
        uint64_t want64 = have == 0 ? target + SPLIT_CHUNK : SPLIT_CHUNK;
        if (want64 > left)
            want64 = left;
        if (want64 > SIZE_MAX - have)
            return LINEAGE_E_NOMEM;
        size_t want = (size_t)want64;
        if (!reserve(buf, cap, have + want))
            return LINEAGE_E_NOMEM;
        ssize_t got = read_at(sp->fd, *buf + have, want, offset + have);
        if (got < 0) {
            lineage_diag_add(diags, LINEAGE_ERROR, sp->path, 0, 0, NULL, 0, "read error: %s",
                             strerror(errno));
            return LINEAGE_E_IO;
        }
        eof = (size_t)got < want || want64 == left;
        /* Bytes from `fed` up to the new ones hold no newline (all
         * complete lines have been fed), so the last newline is new. */
        const char *nl = last_newline(*buf + have, (size_t)got);
        have += (size_t)got;
        size_t complete = eof ? have : nl ? (size_t)(nl - *buf) + 1 : fed;
        while (fed < complete) {
            size_t at = fed + sp->fmt->find_cut(&st, *buf + fed, complete - fed);
            if (at == complete) {
                fed = complete;
            } else if (at >= target) {
                cut = at;
                found = 1;
                break;
            } else {
                /* A cut before the target: the scan starts again there. */
                memset(&st.scan, 0, sizeof st.scan);
                fed = at;
            }
        }
        if (!found && eof) {
            cut = have;
            break;
        }
    }
    piece->length = cut;
    piece->last = !found;
    piece->lines = (unsigned long)st.lines;
    piece->dumps = (unsigned long)st.dumps;
    piece->dumps_known = !st.dumps_unsure;
    piece->data = *buf + skip;
    piece->len = cut > skip ? cut - skip : 0;
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
    free(sp);
}

/* ---- for the reader (splitter.h) --------------------------------------- */

const char *splitter_path(const lineage_splitter *sp) { return sp->path; }
const input_format *splitter_format(const lineage_splitter *sp) { return sp->fmt; }
