/* A small streaming JSON writer into a strbuf, for machine-readable output
 * (check results, reports). It tracks nesting and commas, indents two
 * spaces per level, and escapes strings fully: quotes, backslashes and
 * control characters as JSON escapes, invalid UTF-8 as \uFFFD, so any bytes
 * from a listing yield a valid document. */
#ifndef LINEAGE_JSON_WRITE_H
#define LINEAGE_JSON_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

typedef struct json_writer {
    strbuf *out;
    unsigned char *first; /* per open level: 1 until a value was written */
    size_t depth, cap;
    size_t base; /* indentation of the outermost value */
    int after_key;
} json_writer;

void json_init(json_writer *w, strbuf *out);
/* Like json_init for a value nested `depth` levels inside a document
 * written elsewhere: lines are indented to match. */
void json_init_at(json_writer *w, strbuf *out, size_t depth);
/* Frees the nesting stack (the strbuf belongs to the caller). */
void json_release(json_writer *w);

void json_begin_object(json_writer *w);
void json_end_object(json_writer *w);
void json_begin_array(json_writer *w);
void json_end_array(json_writer *w);
/* An object key; the next call writes its value. */
void json_key(json_writer *w, const char *key);
void json_string(json_writer *w, const char *s);
void json_string_n(json_writer *w, const char *s, size_t len);
void json_int(json_writer *w, int64_t v);
void json_uint(json_writer *w, uint64_t v);
void json_bool(json_writer *w, int v);
void json_null(json_writer *w);

/* Appends the escaped form of s (without quotes). */
void json_escape(strbuf *out, const char *s, size_t len);

#endif
