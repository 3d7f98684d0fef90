/* Reading input as lines, streaming.
 *
 * A source decodes its input to UTF-8 (UTF-8 with or without BOM, UTF-16LE
 * or BE with a BOM, or UTF-16 without BOM recognised by its NUL bytes) and
 * hands out one line at a time as a borrowed (pointer, length) slice that
 * stays valid until the next call. Memory stays bounded by the longest
 * line kept (LINEAGE_MAX_LINE_LENGTH), whatever the input size. */
#ifndef LINEAGE_SOURCE_H
#define LINEAGE_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include <lineage/diag.h>

typedef struct source source;

typedef struct source_line {
    const char *text; /* without the line ending; not NUL-terminated */
    size_t len;
    unsigned long number; /* 1-based */
} source_line;

typedef enum source_encoding {
    SOURCE_UTF8 = 0,
    SOURCE_UTF16LE,
    SOURCE_UTF16BE
} source_encoding;

/* The encoding of input that starts with `p` (its first bytes, up to a
 * few KB), and in *bom the length of its byte-order mark (0 if none). */
source_encoding source_detect_encoding(const unsigned char *p, size_t n, size_t *bom);

/* Opens a file ("-" = standard input). NULL on failure, with a diagnostic
 * added to diags. */
source *source_open_path(const char *path, lineage_diag_list *diags);
/* Reads one piece of a file from caller-owned memory (see source_open_
 * memory), as UTF-8 without a BOM (the caller recognised the encoding at
 * the start of the file), numbering lines from `first_line`. */
source *source_open_piece(const char *name, const char *data, size_t len,
                          unsigned long first_line);
/* Reads `length` bytes from `offset` (a line start) of the file open as
 * `fd`, which the caller keeps open until the source is freed (pread, so
 * other readers of fd are not disturbed), as UTF-8 without a BOM (the
 * caller recognised the encoding at the start of the file), numbering
 * lines from `first_line`. */
source *source_open_range(const char *name, int fd, uint64_t offset, uint64_t length,
                          unsigned long first_line);
/* Reads from caller-owned memory, which must outlive the source. */
source *source_open_memory(const char *name, const char *data, size_t len);
void source_free(source *s);

const char *source_name(const source *s);
/* Raw bytes taken from the input so far (for progress reports). */
uint64_t source_bytes_read(const source *s);
source_encoding source_get_encoding(const source *s);

/* Up to LINEAGE_SNIFF_BYTES of decoded input from the current position,
 * without consuming it. NULL with *len 0 on a read error or empty input. */
const char *source_peek(source *s, size_t *len, lineage_diag_list *diags);

/* The next line: 1 when *out holds one, 0 at the end, -1 on a read error
 * (a diagnostic is added). Lines longer than LINEAGE_MAX_LINE_LENGTH are
 * skipped with a diagnostic. */
int source_next_line(source *s, source_line *out, lineage_diag_list *diags);

/* Like source_next_line, for a parser that streams bytes rather than
 * lines (XML): a line longer than LINEAGE_MAX_LINE_LENGTH is not skipped
 * but handed out in pieces of that many bytes (the last one shorter), all
 * with the line's number; *ends_line is 0 for every piece but the line's
 * last. A piece may end inside a UTF-8 sequence; a CR is dropped only
 * before the newline that ends the last piece. Memory stays bounded as
 * for lines. */
int source_next_piece(source *s, source_line *out, int *ends_line, lineage_diag_list *diags);

/* Whether the last line returned ended without a newline (a file cut
 * mid-line). */
int source_last_line_unterminated(const source *s);

/* For a parser that reads a run of lines straight from the buffer rather
 * than one call a line: the decoded bytes buffered after the line
 * source_next_line last returned (never inside an over-long line it is
 * skipping), and that line's number in *line. The parser may take whole
 * lines from the start, each ending in a newline and at most
 * LINEAGE_MAX_LINE_LENGTH bytes long without it, exactly as
 * source_next_line would have returned them (a CR before the newline is
 * not part of the line), and must then report them with
 * source_take_lines before any other call on the source. */
const char *source_buffered(const source *s, size_t *len, unsigned long *line);
/* Marks `lines` whole lines, `bytes` bytes with their newlines, as read. */
void source_take_lines(source *s, size_t bytes, unsigned long lines);

#endif
