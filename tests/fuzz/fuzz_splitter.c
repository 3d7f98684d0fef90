/* Fuzz harness: cutting a listing into pieces (lineage/splitter.h).
 *
 * The promise checked here: reading the pieces of a file, each with a
 * reader of its own in a session of its own, numbering the dumps after the
 * pieces before and merging the diagnostics outside dumps in piece order,
 * gives exactly what one reader over the whole file gives. Both readings
 * are turned into the same text (every dump's summary, bits, kind, build,
 * processor count, text tree and diagnostics; the diagnostics outside
 * dumps; the prose line count) and compared byte for byte.
 *
 * The pieces themselves are checked too: they come in file order, are not
 * empty, cover the file, start at line starts, hold the file's bytes,
 * each but the last is at least the asked size, their line counts match
 * a plain newline count, `last` is set on the last one only, and every
 * dump count the splitter gives is what the piece's reader gives (the
 * dumps are numbered from those counts when known, so a wrong one would
 * also show as a difference).
 *
 * Pieces whose end the splitter cannot see within its hold limit are
 * streamed (read again from the file by their reader, so they carry no
 * data); exactly those, as must_stream works out from the file.
 *
 * Input: one or two bytes choose the piece size and the hold limit, the
 * rest is the file. A first byte below 0x80 gives pieces of 1 + that byte
 * (1..128 bytes, so that small files are cut many times) and, when it is
 * odd, a hold limit of half of it (0..63), else none; otherwise the low
 * four bits of the first byte and the whole second byte give 1..4096, and
 * bits 4-6 of the first byte a hold limit of (that - 1) * 512 bytes, or
 * none when they are 0. The file is written
 * to a temporary file under $TMPDIR (or /tmp) and removed afterwards. A
 * difference calls abort() with both texts on stderr. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lineage/lineage.h>

#include "strbuf.h"
#include "../unit/dump_snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

_Noreturn static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_splitter: %s\n%s", what, detail ? detail : "");
    abort();
}

static void add_dump(strbuf *sb, const lineage_dump *d)
{
    if (!lineage_dump_check_tree(d))
        fail("tree integrity check failed", NULL);
    snapshot_dump(sb, d);
}

/* Everything one reader over the whole file gives, as text; *format gets
 * the format it read (a static name, or NULL). */
static char *read_whole(const char *path, const char **format)
{
    strbuf sb = STRBUF_INIT;
    lineage_session *session = lineage_session_new();
    lineage_reader *r = NULL;
    lineage_status st = lineage_reader_open(session, path, NULL, &r);
    *format = st == LINEAGE_OK ? lineage_reader_get_format(r) : NULL;
    if (st == LINEAGE_OK) {
        lineage_dump *d;
        while ((st = lineage_reader_next(r, &d)) == LINEAGE_OK && d) {
            add_dump(&sb, d);
            lineage_dump_free(d);
        }
        snapshot_diags(&sb, lineage_reader_get_diags(r));
        strbuf_printf(&sb, "prose %lu\n", lineage_reader_get_prose_lines(r));
    }
    strbuf_printf(&sb, "status %d\n", (int)st);
    lineage_reader_free(r);
    lineage_session_free(session);
    return strbuf_detach(&sb);
}

/* Whether the splitter must have streamed the piece [at, end): it holds
 * the first max(hold, BOM + 1) bytes of a piece it reads, and streams one
 * whose end it cannot see within them (the end of the file, or the end of
 * the line at which the next piece starts, its newline included). */
static int must_stream(const uint8_t *file, size_t len, uint64_t at, uint64_t end,
                       uint64_t hold, size_t bom)
{
    if (hold == UINT64_MAX)
        return 0;
    uint64_t reach = end;
    if (end < len) {
        const uint8_t *nl = memchr(file + end, '\n', len - end);
        reach = nl ? (uint64_t)(nl - file) + 1 : len;
    }
    uint64_t held = hold > bom + 1 ? hold : bom + 1;
    return reach - at > held;
}

/* Checks one piece against the file and the pieces before (*at: where it
 * must start, *line: that line's number, *count: pieces so far). */
static void check_piece(const lineage_piece *piece, const uint8_t *file, size_t len,
                        uint64_t piece_bytes, uint64_t hold, uint64_t *at, unsigned long *line,
                        size_t *count)
{
    char detail[256];
    snprintf(detail, sizeof detail,
             "piece %zu: offset %llu length %llu last %d streamed %d, %lu lines counted; "
             "expected offset %llu; file %zu bytes, pieces of %llu, holding %llu\n",
             *count + 1, (unsigned long long)piece->offset, (unsigned long long)piece->length,
             piece->last, piece->streamed, piece->lines, (unsigned long long)*at, len,
             (unsigned long long)piece_bytes, (unsigned long long)hold);
    if (piece->offset != *at)
        fail("pieces are not contiguous", detail);
    if (piece->length == 0 || piece->length > len - *at)
        fail("a piece is empty or runs past the end of the file", detail);
    if (*at > 0 && file[*at - 1] != '\n')
        fail("a piece does not start at a line start", detail);
    uint64_t end = *at + piece->length;
    if (piece->last != (end == len))
        fail("`last` is wrong", detail);
    if (!piece->last && piece->length < piece_bytes)
        fail("a piece before the last is shorter than asked", detail);
    if (++*count > len / piece_bytes + 1)
        fail("more pieces than the file can hold", detail);
    unsigned long newlines = 0;
    for (uint64_t i = *at; i < end; i++)
        newlines += file[i] == '\n';
    if (newlines != piece->lines)
        fail("lineage_splitter_read_piece counted the lines wrong", detail);
    size_t bom = *at == 0 && len >= 3 && memcmp(file, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    if (piece->streamed != must_stream(file, len, *at, end, hold, bom))
        fail("a piece was streamed within the hold limit, or held beyond it", detail);
    if (piece->streamed ? piece->data || piece->len
                        : piece->len != piece->length - bom ||
                              memcmp(piece->data, file + *at + bom, piece->len) != 0)
        fail("a piece's data are not the file's bytes", detail);
    *line += newlines;
    *at = end;
}

/* The same text from the pieces, or NULL when the splitter leaves the
 * file whole. */
static char *read_pieces(const char *path, const uint8_t *file, size_t len, uint64_t piece_bytes,
                         uint64_t hold, const char *whole_format)
{
    lineage_splitter *sp = lineage_splitter_open(path, NULL, piece_bytes);
    if (!sp)
        return NULL;
    lineage_splitter_set_hold_limit(sp, hold);
    if (len / 2 < piece_bytes)
        fail("the splitter cut a file shorter than two pieces", NULL);
    const char *format = lineage_splitter_get_format(sp);
    if (!whole_format || strcmp(format, whole_format) != 0) {
        fprintf(stderr, "splitter: %s, whole reader: %s\n", format,
                whole_format ? whole_format : "(none)");
        fail("the splitter chose another format than the whole reader", NULL);
    }
    strbuf sb = STRBUF_INIT;
    lineage_diag_list *outside = lineage_diag_list_new();
    unsigned dumps = 0;
    unsigned long prose = 0, line = 1;
    uint64_t at = 0;
    size_t count = 0;
    lineage_status st = LINEAGE_OK;
    lineage_piece piece;
    char *buf = NULL;
    size_t cap = 0;
    do {
        if (lineage_splitter_read_piece(sp, at, &buf, &cap, &piece, outside) != LINEAGE_OK)
            fail("a piece could not be read", NULL);
        unsigned long first_line = line;
        check_piece(&piece, file, len, piece_bytes, hold, &at, &line, &count);
        lineage_session *session = lineage_session_new();
        lineage_reader *r = NULL;
        if (lineage_reader_open_piece(session, sp, &piece, first_line, &r) != LINEAGE_OK)
            fail("a piece could not be opened", NULL);
        lineage_dump *d;
        unsigned first = dumps;
        while ((st = lineage_reader_next(r, &d)) == LINEAGE_OK && d) {
            lineage_dump_set_index(d, ++dumps);
            add_dump(&sb, d);
            lineage_dump_free(d);
        }
        if (st == LINEAGE_OK && piece.dumps_known && piece.dumps != dumps - first) {
            fprintf(stderr, "piece %zu: the splitter counted %lu dumps, its reader gave %u\n",
                    count, piece.dumps, dumps - first);
            fail("the splitter counted a piece's dumps wrong", NULL);
        }
        prose += lineage_reader_get_prose_lines(r);
        lineage_reader_take_diags(r, outside);
        if (lineage_diag_list_count(lineage_reader_get_diags(r)) != 0)
            fail("lineage_reader_take_diags left diagnostics behind", NULL);
        lineage_reader_free(r);
        lineage_session_free(session);
        if (st != LINEAGE_OK)
            break; /* as the whole reader stops */
    } while (!piece.last);
    free(buf);
    if (st == LINEAGE_OK && at != len)
        fail("the pieces do not cover the file", NULL);
    snapshot_diags(&sb, outside);
    strbuf_printf(&sb, "prose %lu\n", prose);
    strbuf_printf(&sb, "status %d\n", (int)st);
    lineage_diag_list_free(outside);
    lineage_splitter_free(sp);
    return strbuf_detach(&sb);
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return 0;
        p += w;
        n -= (size_t)w;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint64_t piece_bytes, hold = UINT64_MAX;
    size_t skip;
    if (data[0] < 0x80) {
        piece_bytes = (uint64_t)data[0] + 1;
        if (data[0] % 2 == 1)
            hold = data[0] / 2;
        skip = 1;
    } else {
        if (size < 2)
            return 0;
        piece_bytes = ((uint64_t)(data[0] & 0x0f) << 8 | data[1]) + 1;
        if (data[0] & 0x70)
            hold = (uint64_t)(((data[0] >> 4) & 7) - 1) * 512;
        skip = 2;
    }
    const uint8_t *file = data + skip;
    size_t len = size - skip;

    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/lineage-fuzz-splitter-XXXXXX", dir) >= sizeof path)
        fail("TMPDIR is too long", NULL);
    int fd = mkstemp(path);
    if (fd < 0) {
        perror("fuzz_splitter: mkstemp");
        abort();
    }
    if (!write_all(fd, file, len)) {
        perror("fuzz_splitter: write");
        unlink(path);
        abort();
    }
    close(fd);

    const char *format;
    char *whole = read_whole(path, &format);
    char *pieces = read_pieces(path, file, len, piece_bytes, hold, format);
    unlink(path);
    if (pieces && strcmp(whole, pieces) != 0) {
        fprintf(stderr, "fuzz_splitter: pieces of %llu bytes, holding %llu, read differently "
                        "from the whole file\n---- whole:\n%s---- pieces:\n%s----\n",
                (unsigned long long)piece_bytes, (unsigned long long)hold, whole, pieces);
        abort();
    }
    free(whole);
    free(pieces);
    return 0;
}
