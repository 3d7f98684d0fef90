/* Streaming, decoding line reader. See source.h. */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "errno_text.h"
#include "limits.h"
#include "utf8.h"

struct source {
    char *name;
    int fd;               /* -1 for memory sources */
    int fd_borrowed;      /* range sources: fd is the caller's, read with pread at fd_at */
    uint64_t fd_at;
    uint64_t fd_left;     /* bytes the source may still read from fd */
    const char *mem;      /* memory sources: the whole input */
    size_t mem_len, mem_pos;
    int zero_copy;        /* memory + UTF-8: lines point into mem */
    source_encoding enc;
    int detected;         /* BOM / encoding checked */
    int eof;              /* no more raw input */
    char *buf;            /* owned buffer of decoded bytes (NULL for zero copy) */
    const char *rd;       /* what lines are read from: buf, or mem for zero copy */
    size_t pos, end, cap;
    unsigned char carry[4]; /* raw bytes of an unfinished UTF-16 unit */
    size_t ncarry;
    uint32_t high_surrogate;
    unsigned long line;
    int skipping;         /* inside an over-long line */
    int unterminated;
    uint64_t raw_bytes; /* bytes taken from the file or memory so far */
};

static source *source_alloc(const char *name)
{
    source *s = xcalloc(1, sizeof *s);
    s->name = xstrdup(name);
    s->fd = -1;
    s->fd_left = UINT64_MAX;
    return s;
}

source *source_open_path(const char *path, lineage_diag_list *diags)
{
    int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY);
    if (fd < 0) {
        char err[ERRNO_TEXT_SIZE];
        lineage_diag_add(diags, LINEAGE_ERROR, path, 0, 0, NULL, 0, "cannot open: %s",
                         errno_text(errno, err));
        return NULL;
    }
    source *s = source_alloc(path);
    s->fd = fd;
    return s;
}

source *source_open_piece(const char *name, const char *data, size_t len,
                          unsigned long first_line)
{
    source *s = source_open_memory(name, data, len);
    /* The encoding was settled over the start of the whole file. */
    s->detected = 1;
    s->enc = SOURCE_UTF8;
    s->zero_copy = 1;
    s->rd = data;
    s->end = len;
    s->line = first_line ? first_line - 1 : 0;
    return s;
}

source *source_open_range(const char *name, int fd, uint64_t offset, uint64_t length,
                          unsigned long first_line)
{
    source *s = source_alloc(name);
    s->fd = fd;
    s->fd_borrowed = 1;
    s->fd_at = offset;
    s->fd_left = length;
    /* The encoding was settled over the start of the whole file. */
    s->detected = 1;
    s->enc = SOURCE_UTF8;
    s->line = first_line ? first_line - 1 : 0;
    return s;
}

source *source_open_memory(const char *name, const char *data, size_t len)
{
    source *s = source_alloc(name);
    s->mem = data;
    s->mem_len = len;
    return s;
}

void source_free(source *s)
{
    if (!s)
        return;
    if (s->fd > STDIN_FILENO && !s->fd_borrowed)
        close(s->fd);
    free(s->name);
    free(s->buf);
    free(s);
}

uint64_t source_bytes_read(const source *s) { return s->raw_bytes; }

const char *source_name(const source *s) { return s->name; }
source_encoding source_get_encoding(const source *s) { return s->enc; }
int source_last_line_unterminated(const source *s) { return s->unterminated; }

/* Raw bytes from the file or memory; -1 on error. */
static ssize_t raw_read(source *s, unsigned char *dst, size_t n, lineage_diag_list *diags)
{
    if (s->fd < 0) {
        size_t left = s->mem_len - s->mem_pos;
        if (n > left)
            n = left;
        memcpy(dst, s->mem + s->mem_pos, n);
        s->mem_pos += n;
        s->raw_bytes += n;
        return (ssize_t)n;
    }
    if (n > s->fd_left)
        n = (size_t)s->fd_left;
    for (;;) {
        ssize_t r = n == 0         ? 0
                    : s->fd_borrowed ? pread(s->fd, dst, n, (off_t)s->fd_at)
                                     : read(s->fd, dst, n);
        if (r >= 0) {
            s->raw_bytes += (uint64_t)r;
            s->fd_at += (uint64_t)r;
            s->fd_left -= (uint64_t)r;
            return r;
        }
        if (errno == EINTR)
            continue;
        char err[ERRNO_TEXT_SIZE];
        lineage_diag_add(diags, LINEAGE_ERROR, s->name, s->line, 0, NULL, 0, "read error: %s",
                         errno_text(errno, err));
        return -1;
    }
}

/* UTF-16 without BOM: text in Latin script has a NUL in every other byte. */
static source_encoding guess_utf16(const unsigned char *p, size_t n)
{
    if (n > 1024)
        n = 1024;
    n &= ~(size_t)1;
    if (n < 8)
        return SOURCE_UTF8;
    size_t even = 0, odd = 0;
    for (size_t i = 0; i < n; i += 2) {
        even += p[i] == 0;
        odd += p[i + 1] == 0;
    }
    size_t pairs = n / 2;
    if (odd * 10 >= pairs * 3 && even * 20 < pairs)
        return SOURCE_UTF16LE;
    if (even * 10 >= pairs * 3 && odd * 20 < pairs)
        return SOURCE_UTF16BE;
    return SOURCE_UTF8;
}

source_encoding source_detect_encoding(const unsigned char *p, size_t n, size_t *bom)
{
    *bom = 0;
    if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
        *bom = 3;
        return SOURCE_UTF8;
    }
    if (n >= 2 && p[0] == 0xff && p[1] == 0xfe) {
        *bom = 2;
        return SOURCE_UTF16LE;
    }
    if (n >= 2 && p[0] == 0xfe && p[1] == 0xff) {
        *bom = 2;
        return SOURCE_UTF16BE;
    }
    return guess_utf16(p, n);
}

/* Decodes UTF-16 raw bytes (with any carried partial unit) into buf. */
static void decode_utf16(source *s, const unsigned char *raw, size_t n)
{
    size_t i = 0;
    while (i < n) {
        while (s->ncarry < 2 && i < n)
            s->carry[s->ncarry++] = raw[i++];
        if (s->ncarry < 2)
            break;
        uint32_t u = s->enc == SOURCE_UTF16LE ? (uint32_t)(s->carry[0] | (s->carry[1] << 8))
                                              : (uint32_t)((s->carry[0] << 8) | s->carry[1]);
        s->ncarry = 0;
        uint32_t cp;
        if (u >= 0xd800 && u <= 0xdbff) {
            if (s->high_surrogate)
                cp = 0xfffd; /* two highs in a row: the first was unpaired */
            else {
                s->high_surrogate = u;
                continue;
            }
            s->high_surrogate = u;
        } else if (u >= 0xdc00 && u <= 0xdfff) {
            cp = s->high_surrogate ? 0x10000 + ((s->high_surrogate - 0xd800) << 10) + (u - 0xdc00)
                                   : 0xfffd;
            s->high_surrogate = 0;
        } else {
            if (s->high_surrogate) {
                s->end += utf8_encode(0xfffd, s->buf + s->end);
                s->high_surrogate = 0;
            }
            cp = u;
        }
        s->end += utf8_encode(cp, s->buf + s->end);
    }
}

/* Makes room for `need` more bytes after end, dropping consumed bytes. */
static void reserve(source *s, size_t need)
{
    if (s->pos > 0) {
        memmove(s->buf, s->buf + s->pos, s->end - s->pos);
        s->end -= s->pos;
        s->pos = 0;
    }
    s->buf = xgrow(s->buf, &s->cap, s->end + need, 1);
    s->rd = s->buf;
}

/* Reads and decodes one more chunk. 1 = got bytes, 0 = end, -1 = error. */
static int fill(source *s, lineage_diag_list *diags)
{
    if (s->eof)
        return 0;
    if (s->zero_copy) {
        s->eof = 1;
        return 0;
    }
    if (s->detected && s->enc == SOURCE_UTF8) {
        /* Known UTF-8: straight into the line buffer, no second copy. */
        reserve(s, LINEAGE_READ_CHUNK);
        ssize_t r = raw_read(s, (unsigned char *)s->buf + s->end, LINEAGE_READ_CHUNK, diags);
        if (r < 0)
            return -1;
        if (r == 0) {
            s->eof = 1;
            return 0;
        }
        s->end += (size_t)r;
        return 1;
    }
    unsigned char raw[LINEAGE_READ_CHUNK];
    ssize_t r = raw_read(s, raw, sizeof raw, diags);
    if (r < 0)
        return -1;
    size_t n = (size_t)r, skip = 0;
    if (!s->detected) {
        s->detected = 1;
        s->enc = source_detect_encoding(raw, n, &skip);
    }
    if (n == 0) {
        s->eof = 1;
        if (s->enc != SOURCE_UTF8 && (s->ncarry || s->high_surrogate)) {
            reserve(s, 4);
            s->end += utf8_encode(0xfffd, s->buf + s->end);
            s->ncarry = 0;
            s->high_surrogate = 0;
        }
        return 0;
    }
    if (s->enc == SOURCE_UTF8) {
        if (n > skip) { /* a chunk may be the byte-order mark alone */
            reserve(s, n - skip);
            memcpy(s->buf + s->end, raw + skip, n - skip);
            s->end += n - skip;
        }
    } else {
        /* Each 2-byte unit becomes at most 3 UTF-8 bytes (4 for a pair). */
        reserve(s, (n / 2 + 2) * 3 + 4);
        decode_utf16(s, raw + skip, n - skip);
    }
    return 1;
}

/* Memory input that is plain UTF-8 needs no copy: lines point into it. */
static void setup_zero_copy(source *s)
{
    if (s->detected || s->fd >= 0)
        return;
    const unsigned char *p = (const unsigned char *)s->mem;
    size_t n = s->mem_len;
    if ((n >= 2 && ((p[0] == 0xff && p[1] == 0xfe) || (p[0] == 0xfe && p[1] == 0xff))) ||
        guess_utf16(p, n) != SOURCE_UTF8)
        return;
    s->detected = 1;
    s->zero_copy = 1;
    size_t skip = (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) ? 3 : 0;
    s->rd = s->mem;
    s->pos = skip;
    s->end = n;
}

const char *source_peek(source *s, size_t *len, lineage_diag_list *diags)
{
    setup_zero_copy(s);
    while (s->end - s->pos < LINEAGE_SNIFF_BYTES) {
        int r = fill(s, diags);
        if (r < 0) {
            *len = 0;
            return NULL;
        }
        if (r == 0)
            break;
    }
    size_t n = s->end - s->pos;
    *len = n < LINEAGE_SNIFF_BYTES ? n : LINEAGE_SNIFF_BYTES;
    return n ? s->rd + s->pos : NULL;
}

/* The next line (pieces 0), or the next piece of at most
 * LINEAGE_MAX_LINE_LENGTH bytes of one (pieces 1, *ends_line telling
 * whether it ends its line). */
static int next_line(source *s, source_line *out, int pieces, int *ends_line,
                     lineage_diag_list *diags)
{
    setup_zero_copy(s);
    size_t scanned = 0; /* bytes after pos already known to hold no newline */
    for (;;) {
        /* rd is NULL until the first chunk of a decoded source arrives. */
        const char *start = s->rd ? s->rd + s->pos : NULL;
        const char *nl = s->end > s->pos + scanned
                             ? memchr(start + scanned, '\n', s->end - s->pos - scanned)
                             : NULL;
        size_t have = nl ? (size_t)(nl - start) : s->end - s->pos;
        if (pieces && have > LINEAGE_MAX_LINE_LENGTH) {
            s->pos += LINEAGE_MAX_LINE_LENGTH;
            out->text = start;
            out->len = LINEAGE_MAX_LINE_LENGTH;
            out->number = s->line + 1;
            *ends_line = 0;
            return 1;
        }
        if (nl || (s->eof && s->end > s->pos)) {
            size_t len = have;
            s->pos += len + (nl ? 1 : 0);
            s->line++;
            s->unterminated = !nl;
            if (s->skipping) {
                s->skipping = 0;
                scanned = 0;
                continue;
            }
            if (len > LINEAGE_MAX_LINE_LENGTH) {
                lineage_diag_add(diags, LINEAGE_WARNING, s->name, s->line, 0, NULL, 0,
                                 "line longer than %u bytes skipped",
                                 (unsigned)LINEAGE_MAX_LINE_LENGTH);
                scanned = 0;
                continue;
            }
            if (len && start[len - 1] == '\r')
                len--;
            out->text = start;
            out->len = len;
            out->number = s->line;
            if (ends_line)
                *ends_line = 1;
            return 1;
        }
        if (s->eof)
            return 0;
        scanned = s->end - s->pos;
        if (scanned > LINEAGE_MAX_LINE_LENGTH) {
            if (!s->skipping)
                lineage_diag_add(diags, LINEAGE_WARNING, s->name, s->line + 1, 0, NULL, 0,
                                 "line longer than %u bytes skipped",
                                 (unsigned)LINEAGE_MAX_LINE_LENGTH);
            s->skipping = 1;
            s->pos = s->end; /* drop what we have of the line */
            scanned = 0;
        }
        if (fill(s, diags) < 0)
            return -1;
    }
}

int source_next_line(source *s, source_line *out, lineage_diag_list *diags)
{
    return next_line(s, out, 0, NULL, diags);
}

int source_next_piece(source *s, source_line *out, int *ends_line, lineage_diag_list *diags)
{
    return next_line(s, out, 1, ends_line, diags);
}

const char *source_buffered(const source *s, size_t *len, unsigned long *line)
{
    *len = s->end - s->pos;
    *line = s->line;
    /* rd is NULL until a decoded source's first chunk: no NULL + 0. */
    return s->rd ? s->rd + s->pos : NULL;
}

void source_take_lines(source *s, size_t bytes, unsigned long lines)
{
    /* unterminated stays 0: the last line returned ended in a newline, or
     * nothing would have been buffered after it. */
    s->pos += bytes;
    s->line += lines;
}
