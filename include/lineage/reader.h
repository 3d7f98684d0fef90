/* Reading dumps from a file: detect the format, then parse one dump at a
 * time, so memory grows with the largest dump and not with the input.
 *
 *   lineage_reader *r;
 *   if (lineage_reader_open(session, path, NULL, &r) != LINEAGE_OK) ...
 *   lineage_dump *d;
 *   while (lineage_reader_next(r, &d) == LINEAGE_OK && d) {
 *       ... use d (already normalized into a tree) ...
 *       lineage_dump_free(d);
 *   }
 *
 * Problems that belong to no dump (unreadable file, unknown format, lines
 * over the length limit) are in lineage_reader_get_diags; problems inside a
 * dump are in that dump's diagnostics. */
#ifndef LINEAGE_READER_H
#define LINEAGE_READER_H

#include <stddef.h>
#include <lineage/export.h>
#include <lineage/status.h>
#include <lineage/diag.h>
#include <lineage/session.h>
#include <lineage/dump.h>
#include <lineage/splitter.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lineage_reader lineage_reader;

/** Opens `path` ("-" for standard input) and detects its format, or uses
 * `format` when not NULL (a name from lineage_format_name). The input may
 * be UTF-8 (with or without BOM) or UTF-16LE/BE with a BOM; CRLF is fine.
 *
 * On success *out is a reader to free with lineage_reader_free. On failure
 * *out is still a reader to free (its diagnostics say what went wrong):
 * LINEAGE_E_IO when the file cannot be read, LINEAGE_E_PARSE when no
 * format matches, LINEAGE_E_ARG when `format` names no format. Only for a
 * NULL argument is *out NULL (LINEAGE_E_ARG). */
LINEAGE_API lineage_status lineage_reader_open(lineage_session *session, const char *path,
                                               const char *format, lineage_reader **out);

/** Like lineage_reader_open over `len` bytes the caller keeps alive until
 * the reader is freed. `name` is used in diagnostics. */
LINEAGE_API lineage_status lineage_reader_open_memory(lineage_session *session,
                                                      const char *name, const char *data,
                                                      size_t len, const char *format,
                                                      lineage_reader **out);

/** A reader over one piece of a file cut by `splitter` (which must
 * outlive the reader), in the splitter's format, as
 * lineage_splitter_read_piece described it in `piece`: the piece's bytes
 * in memory (piece->data, kept alive by the caller until the reader is
 * freed), or, for a streamed piece, its range of the file, read as the
 * reader goes through the splitter's open file (the file that was walked,
 * even if its path has since been removed or replaced). Lines are
 * numbered from `first_line`; dumps from 1 within the piece. */
LINEAGE_API lineage_status lineage_reader_open_piece(lineage_session *session,
                                                     const lineage_splitter *splitter,
                                                     const lineage_piece *piece,
                                                     unsigned long first_line,
                                                     lineage_reader **out);

/** The next dump, normalized into a tree, in *out (the caller frees it);
 * *out is NULL at the end of the input. Returns LINEAGE_E_IO on a read
 * error and LINEAGE_E_LIMIT when a limit stops reading. */
LINEAGE_API lineage_status lineage_reader_next(lineage_reader *reader, lineage_dump **out);

/** Diagnostics that belong to no dump. Borrowed from the reader. */
LINEAGE_API const lineage_diag_list *lineage_reader_get_diags(const lineage_reader *reader);
/** Moves the diagnostics that belong to no dump into `to` (appended, in
 * order, within `to`'s limit), leaving the reader's list empty. */
LINEAGE_API void lineage_reader_take_diags(lineage_reader *reader, lineage_diag_list *to);

/** The format in use ("kd", ...); NULL before one was detected. */
LINEAGE_API const char *lineage_reader_get_format(const lineage_reader *reader);
/** Lines read so far that belonged to no dump (titles, prose). */
LINEAGE_API unsigned long lineage_reader_get_prose_lines(const lineage_reader *reader);
/** Number of dumps returned so far. */
LINEAGE_API unsigned lineage_reader_get_dump_count(const lineage_reader *reader);

/** Bytes taken from the input so far, read ahead of the dumps returned
 * (for progress reports); 0 for a NULL reader. */
LINEAGE_API uint64_t lineage_reader_get_bytes_read(const lineage_reader *reader);

/** Frees the reader; dumps it returned stay valid. NULL is a no-op. */
LINEAGE_API void lineage_reader_free(lineage_reader *reader);

/** The formats lineage reads: name i (0-based) or NULL past the end. */
LINEAGE_API const char *lineage_format_name(size_t i);
/** A one-line description of format i, or NULL past the end. */
LINEAGE_API const char *lineage_format_description(size_t i);

#ifdef __cplusplus
}
#endif

#endif
