/* Cutting one large file into pieces that can be read at the same time.
 *
 * A listing of many dumps can be cut at the lines where a dump starts and
 * no state of the parser crosses over. Each piece is then read into memory
 * (lineage_splitter_read_piece, which also counts its lines) and parsed by
 * a reader of its own (lineage_reader_open_piece), typically on another
 * thread with a session of its own. It gives exactly the dumps, lines and
 * diagnostics one reader over the whole file would give, provided its
 * lines are numbered after those of the pieces before (first_line is 1 +
 * the lines of the pieces before) and its dumps too (lineage_dump_set_index:
 * readers count dumps from 1). Diagnostics outside dumps are per piece;
 * merge them in piece order (lineage_reader_take_diags).
 *
 *   lineage_splitter *sp = lineage_splitter_open(path, NULL, 64 << 10);
 *   if (!sp) ... read the file whole with lineage_reader_open ...
 *   lineage_piece piece;
 *   unsigned long line = 1;
 *   while (lineage_splitter_next(sp, &piece)) {
 *       char *data; size_t len; unsigned long lines;
 *       lineage_splitter_read_piece(sp, &piece, &data, &len, &lines, diags);
 *       lineage_reader_open_piece(session, sp, data, len, line, &reader);
 *       ... read its dumps, free the reader, then free(data) ...
 *       line += lines;
 *   }
 *   lineage_splitter_free(sp);
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

/** A byte range of the file that starts at a line start. */
typedef struct lineage_piece {
    uint64_t offset, length;
    int last; /**< the piece reaches the end of the file */
} lineage_piece;

/** A splitter over `path` in pieces of at least `piece_bytes` (each piece
 * then runs on to the next cut), or NULL when the file should be read
 * whole: it cannot be opened or is not a regular file (the reader reports
 * why), it is shorter than two pieces, it is not UTF-8, or its format (the
 * one named by `format`, or the detected one) cannot be cut. */
LINEAGE_API lineage_splitter *lineage_splitter_open(const char *path, const char *format,
                                                    uint64_t piece_bytes);

/** The next piece in *out: 1, or 0 after the last. Pieces come in file
 * order and cover the file. Reads the file from the piece's target length
 * to the next cut; after a read error the rest of the file is one piece.
 * Not thread-safe (one caller at a time). */
LINEAGE_API int lineage_splitter_next(lineage_splitter *splitter, lineage_piece *out);

/** Reads a piece into memory: *data (malloc'd; the caller frees it after
 * the piece's reader) holds *len bytes, the first piece without the file's
 * byte-order mark, and *lines is the number of newlines in them. Safe to
 * call from several threads at once. Returns LINEAGE_E_IO (with an error
 * in diags) on a read error, LINEAGE_E_NOMEM when memory runs out. */
LINEAGE_API lineage_status lineage_splitter_read_piece(const lineage_splitter *splitter,
                                                       const lineage_piece *piece, char **data,
                                                       size_t *len, unsigned long *lines,
                                                       lineage_diag_list *diags);

/** The format the pieces are read in ("kd"). */
LINEAGE_API const char *lineage_splitter_get_format(const lineage_splitter *splitter);

/** Frees the splitter; readers of its pieces must be freed first. NULL is a
 * no-op. */
LINEAGE_API void lineage_splitter_free(lineage_splitter *splitter);

#ifdef __cplusplus
}
#endif

#endif
