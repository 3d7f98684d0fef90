/* Splitting one CSV record into borrowed fields (RFC 4180).
 *
 * Fields are separated by commas; a field may be enclosed in double
 * quotes, and inside quotes a doubled quote ("") stands for one quote and
 * commas are data. With backslash_escapes (Python's csv module with
 * escapechar='\\', which Volatility 3 uses), a backslash makes the next
 * character literal in quoted and unquoted fields alike.
 *
 * The splitter never allocates: each field is a slice of the line (for a
 * quoted field, the text between the quotes, still escaped). A field
 * flagged CSV_FIELD_ESCAPED must go through csv_unescape() (or
 * csv_field_dup()) to get its value; others can be used as they are.
 *
 * A quoted field may contain a line break in RFC 4180; a line-oriented
 * caller sees that as CSV_E_UNTERMINATED and may join the next line with
 * "\n" and split again. */
#ifndef LINEAGE_CSV_H
#define LINEAGE_CSV_H

#include <stddef.h>

#include "arena.h"

enum {
    CSV_FIELD_QUOTED = 1u << 0, /* the field was enclosed in quotes */
    CSV_FIELD_ESCAPED = 1u << 1 /* holds "" or backslash escapes: unescape before use */
};

typedef struct csv_field {
    const char *text; /* borrowed from the line; raw (escaped) bytes */
    size_t len;
    size_t column;    /* 0-based byte offset of the field's first byte in the line */
    unsigned flags;
} csv_field;

typedef enum csv_error_kind {
    CSV_OK = 0,
    CSV_E_UNTERMINATED, /* a quoted field is still open at the end of the line */
    CSV_E_AFTER_QUOTE,  /* text between a closing quote and the next comma (skipped) */
    CSV_E_BARE_QUOTE    /* a quote inside an unquoted field (kept as data) */
} csv_error_kind;

/* The first problem found in a record; later fields are still split. */
typedef struct csv_error {
    csv_error_kind kind;
    size_t column; /* 0-based byte offset of the offending byte */
} csv_error;

/* Splits line[0..len) (without its line ending; a trailing '\r' is
 * ignored) into at most `max` fields. Returns the number of fields the
 * record has, which may exceed `max` (only the first `max` are stored, as
 * with snprintf). An empty line is one empty field. `err`, when not NULL,
 * receives the first problem; a malformed record is still split, leniently:
 * an unterminated quoted field runs to the end of the line, text after a
 * closing quote is dropped, a bare quote in an unquoted field is data. */
size_t csv_split_checked(const char *line, size_t len, csv_field *fields, size_t max,
                         int backslash_escapes, csv_error *err);

/* csv_split_checked() without the error report. */
size_t csv_split(const char *line, size_t len, csv_field *fields, size_t max,
                 int backslash_escapes);

/* Writes the field's value to out (at least field->len bytes; the value is
 * never longer than the raw text) and returns its length. No NUL is added. */
size_t csv_unescape(const csv_field *field, char *out, int backslash_escapes);

/* The field's value as a NUL-terminated string in the arena. */
char *csv_field_dup(arena *mem, const csv_field *field, int backslash_escapes);

/* A short English description of an error kind ("" for CSV_OK). */
const char *csv_error_message(csv_error_kind kind);

#endif
