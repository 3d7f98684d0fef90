/* Cutting one large file into pieces that can be read at the same time.
 *
 * A listing of many dumps can be cut at the lines where a dump starts and
 * no state of the parser crosses over. Each piece is then read by a reader
 * of its own (lineage_reader_open_piece), typically on another thread with
 * a session of its own, and gives exactly the dumps, lines and
 * diagnostics one reader over the whole file would give, except that dump
 * numbers restart at 1 in every piece: add the number of dumps in the
 * pieces before (lineage_dump_set_index). Diagnostics outside dumps are
 * per piece; merge them in piece order (lineage_reader_take_diags).
 *
 *   lineage_splitter *sp = lineage_splitter_open(path, NULL, 4 << 20);
 *   if (!sp) ... read the file whole with lineage_reader_open ...
 *   lineage_piece piece;
 *   while (lineage_splitter_next(sp, &piece)) ... hand the piece out ...
 *   lineage_splitter_free(sp);   (after every reader of its pieces is freed)
 *
 * Only formats whose dumps have an unambiguous start are cut (the kd
 * listing); only regular files of UTF-8 text. */
#ifndef LINEAGE_SPLITTER_H
#define LINEAGE_SPLITTER_H

#include <stddef.h>
#include <stdint.h>

#include <lineage/export.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lineage_splitter lineage_splitter;

/** A byte range of the file that starts at a line start. */
typedef struct lineage_piece {
    uint64_t offset, length;
    unsigned long first_line; /**< the number of the piece's first line (1-based) */
    int last;                 /**< the piece reaches the end of the file */
} lineage_piece;

/** A splitter over `path` in pieces of at least `piece_bytes` (each piece
 * then runs on to the next cut), or NULL when the file should be read
 * whole: it cannot be opened or is not a regular file (the reader reports
 * why), it is shorter than two pieces, it is not UTF-8, or its format (the
 * one named by `format`, or the detected one) cannot be cut. */
LINEAGE_API lineage_splitter *lineage_splitter_open(const char *path, const char *format,
                                                    uint64_t piece_bytes);

/** The next piece in *out: 1, or 0 after the last. Pieces come in file
 * order and cover the file. Reads the file up to the next cut (counting
 * lines); after a read error the rest of the file is one piece, whose
 * reader then reports the error. */
LINEAGE_API int lineage_splitter_next(lineage_splitter *splitter, lineage_piece *out);

/** The format the pieces are read in ("kd"). */
LINEAGE_API const char *lineage_splitter_get_format(const lineage_splitter *splitter);

/** Frees the splitter; readers of its pieces must be freed first. NULL is a
 * no-op. */
LINEAGE_API void lineage_splitter_free(lineage_splitter *splitter);

#ifdef __cplusplus
}
#endif

#endif
