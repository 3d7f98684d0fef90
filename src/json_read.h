/* A streaming JSON tokenizer fed one line at a time.
 *
 * JSON tokens never span lines (a string may not hold a raw line break),
 * so a caller that reads lines feeds each to json_feed and gets events
 * through a callback, with the line and column of each token. Nesting is
 * tracked with an explicit stack bounded by LINEAGE_MAX_JSON_DEPTH: no
 * recursion, whatever the input. A sequence of top-level values is
 * accepted (one JSON document, or JSON Lines).
 *
 * After a syntax error the tokenizer reports it once, forgets the open
 * containers, and ignores input up to the next line that begins (in its
 * first column) with '{' or '[', so JSON Lines recover at the next record. */
#ifndef LINEAGE_JSON_READ_H
#define LINEAGE_JSON_READ_H

#include <stddef.h>

typedef enum json_event {
    JSON_OBJECT_START,
    JSON_OBJECT_END,
    JSON_ARRAY_START,
    JSON_ARRAY_END,
    JSON_KEY,    /* text: the decoded key */
    JSON_STRING, /* text: the decoded string (may hold any byte, even NUL) */
    JSON_NUMBER, /* text: the number as written */
    JSON_TRUE,
    JSON_FALSE,
    JSON_NULL,
    JSON_ERROR   /* text: the message */
} json_event;

/* Receives each event. `text` is borrowed until the callback returns;
 * `column` is 1-based within the line. */
typedef void (*json_handler)(void *ctx, json_event ev, const char *text, size_t len,
                             unsigned long line, size_t column);

typedef struct json_reader json_reader;

/* Aborts on OOM. */
json_reader *json_reader_new(json_handler handler, void *ctx);
void json_reader_free(json_reader *r);

/* Tokenizes one line (without its line ending). */
void json_feed(json_reader *r, const char *line, size_t len, unsigned long number);

/* Number of containers open now (0 between top-level values). */
size_t json_depth(const json_reader *r);

/* Reports an error at `line`, `column` (1-based, 0 = unknown: the end of
 * the input, just past its last character) when the input ended inside a
 * value, naming the innermost container left open and the line it was
 * opened on. Returns 1 when the input ended cleanly, 0 after an error
 * (this one or an earlier one). */
int json_finish(json_reader *r, unsigned long line, size_t column);

#endif
