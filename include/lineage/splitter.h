/* Cutting one large file into pieces that can be read at the same time.
 *
 * A listing of many dumps can be cut at the lines where a dump starts and
 * no state of the parser crosses over. Each piece is read into memory by
 * lineage_splitter_read_piece, which also finds where it ends (so where
 * the next piece starts), counts its lines and, when it can, the dumps
 * in it; it is then parsed by a reader of its own
 * (lineage_reader_open_piece), typically on another thread with a session
 * of its own. It gives exactly the dumps, lines and diagnostics one
 * reader over the whole file would give, provided its lines are numbered
 * after those of the pieces before (first_line is 1 + the lines of the
 * pieces before) and its dumps too (lineage_dump_set_index: readers count
 * dumps from 1). Diagnostics outside dumps are per piece; merge them in
 * piece order (lineage_reader_take_diags).
 *
 * The only thing one piece needs of the one before is where it ends: a
 * thread can start reading the next piece as soon as the call that read
 * this one returns, while this one is parsed.
 *
 *   lineage_splitter *sp = lineage_splitter_open(path, NULL, 64 << 10);
 *   if (!sp) ... read the file whole with lineage_reader_open ...
 *   char *buf = NULL;
 *   size_t cap = 0;
 *   uint64_t at = 0;
 *   unsigned long line = 1, dumps = 0;
 *   lineage_piece piece;
 *   do {
 *       if (lineage_splitter_read_piece(sp, at, &buf, &cap, &piece, diags) != LINEAGE_OK)
 *           ... report diags; piece is the rest of the file, marked last ...
 *       lineage_reader_open_piece(session, sp, &piece, line, &reader);
 *       ... read its dumps (numbering each ++dumps), free the reader ...
 *       at += piece.length;
 *       line += piece.lines;
 *   } while (!piece.last);
 *   free(buf);
 *   lineage_splitter_free(sp);
 *
 * A piece longer than the splitter's hold limit (a dump longer than that,
 * with no cut in it) is not kept in memory: lineage_splitter_read_piece
 * reads through it to find its end and marks it `streamed`, and
 * lineage_reader_open_piece reads it from the file. So a file that is one
 * giant dump costs the dump, not the dump and its text.
 *
 * Only formats whose dumps have an unambiguous start are cut (the kd
 * listing); only regular files of UTF-8 text. */
#ifndef LINEAGE_SPLITTER_H
#define LINEAGE_SPLITTER_H

#include <stddef.h>
#include <stdint.h>

#include <lineage/diag.h>
#include <lineage/export.h>
#include <lineage/status.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lineage_splitter lineage_splitter;

/** One piece of the file, as lineage_splitter_read_piece found it. */
typedef struct lineage_piece {
    uint64_t offset, length; /**< the bytes of the file it covers; starts at a line start */
    int last;                /**< it reaches the end of the file: there is no next piece */
    unsigned long lines;     /**< newlines in it: the next piece's first line is this
                                  piece's first line + lines */
    int dumps_known;         /**< `dumps` is certain; when 0, count the dumps the reader gives */
    unsigned long dumps;     /**< when dumps_known, the dumps a reader of the piece gives */
    int streamed;            /**< longer than the hold limit: not in memory (data NULL,
                                  len 0); its reader reads it from the file */
    const char *data;        /**< the piece's bytes, unless streamed: in the caller's
                                  buffer, valid until the buffer is used again or freed */
    size_t len;              /**< bytes at data (without the file's byte-order mark) */
} lineage_piece;

/** A splitter over `path` in pieces of at least `piece_bytes` (each piece
 * then runs on to the next cut), keeping in memory no more of a piece
 * than 8 × piece_bytes or 8 MiB, whichever is larger (see
 * lineage_splitter_set_hold_limit); or NULL when the file should be read
 * whole: it cannot be opened or is not a regular file (the reader reports
 * why), it is shorter than two pieces, it is not UTF-8, or its format (the
 * one named by `format`, or the detected one) cannot be cut. */
LINEAGE_API lineage_splitter *lineage_splitter_open(const char *path, const char *format,
                                                    uint64_t piece_bytes);

/** Reads the piece that starts at `offset` (0 for the first piece, else
 * the end of the piece before: its offset + length) into *buf, a buffer
 * of *cap bytes that the call grows as needed (start with NULL and 0;
 * reuse it for later pieces; the caller frees it), and describes it in
 * *piece. The piece runs from `offset` to the first cut at least
 * piece_bytes after it, or to the end of the file; finding that cut
 * reads a little past it. A piece longer than the hold limit is read
 * through without being kept (*buf then holds no more than the limit and
 * the longest line) and comes back marked `streamed`, without data. Safe
 * to call from several threads at once (each with a buffer of its own).
 * Returns LINEAGE_E_IO (with an error in diags) on a read error,
 * LINEAGE_E_NOMEM when memory runs out, LINEAGE_E_ARG for NULL arguments
 * or an offset past the end. On any failure *piece is marked last and
 * has no data (len 0); after a read error or a lack of memory it covers
 * the rest of the file. */
LINEAGE_API lineage_status lineage_splitter_read_piece(const lineage_splitter *splitter,
                                                       uint64_t offset, char **buf,
                                                       size_t *cap, lineage_piece *piece,
                                                       lineage_diag_list *diags);

/** Sets how much of a piece read_piece keeps in memory while it looks for
 * the piece's end: once a piece's walk has read `bytes` without finding
 * it, the piece is read through without being kept and comes back
 * `streamed`. 0 streams every piece longer than the first block read (its
 * target length and 64 KiB); UINT64_MAX keeps every piece whole. Set it
 * before reading pieces. NULL is a no-op. */
LINEAGE_API void lineage_splitter_set_hold_limit(lineage_splitter *splitter, uint64_t bytes);

/** The format the pieces are read in ("kd"). */
LINEAGE_API const char *lineage_splitter_get_format(const lineage_splitter *splitter);

/** Frees the splitter; readers of its pieces must be freed first. NULL is a
 * no-op. */
LINEAGE_API void lineage_splitter_free(lineage_splitter *splitter);

#ifdef __cplusplus
}
#endif

#endif
