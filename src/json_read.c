/* The line-fed JSON tokenizer (see json_read.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "json_read.h"
#include "limits.h"
#include "utf8.h"

typedef enum state {
    ST_VALUE,          /* a value (top level, after ':' or after ',' in an array) */
    ST_VALUE_OR_CLOSE, /* after '[' */
    ST_KEY_OR_CLOSE,   /* after '{' */
    ST_KEY,            /* after ',' in an object */
    ST_COLON,          /* after a key */
    ST_COMMA_OR_CLOSE, /* after a value inside a container */
    ST_SKIP            /* after an error, until a line starting with '{' or '[' */
} state;

/* An open container: its opening character and line, so that input cut
 * short can say what it left open and where. */
typedef struct open_container {
    char ch; /* '{' or '[' */
    unsigned long line;
} open_container;

struct json_reader {
    json_handler handler;
    void *ctx;
    open_container *stack;
    size_t depth, stack_cap;
    state st;
    char *buf; /* decoded string, reused */
    size_t buf_cap;
};

json_reader *json_reader_new(json_handler handler, void *ctx)
{
    json_reader *r = xcalloc(1, sizeof *r);
    r->handler = handler;
    r->ctx = ctx;
    r->st = ST_VALUE;
    return r;
}

void json_reader_free(json_reader *r)
{
    if (!r)
        return;
    free(r->stack);
    free(r->buf);
    free(r);
}

size_t json_depth(const json_reader *r) { return r->depth; }

static void fail(json_reader *r, const char *msg, unsigned long line, size_t col)
{
    r->handler(r->ctx, JSON_ERROR, msg, strlen(msg), line, col);
    r->depth = 0;
    r->st = ST_SKIP;
}

static void value_done(json_reader *r)
{
    r->st = r->depth ? ST_COMMA_OR_CLOSE : ST_VALUE;
}

static int hex4(const char *s, size_t len, size_t i, unsigned *out)
{
    unsigned v = 0;
    if (i + 4 > len)
        return 0;
    for (size_t k = i; k < i + 4; k++) {
        char c = s[k];
        unsigned d = (c >= '0' && c <= '9')   ? (unsigned)(c - '0')
                     : (c >= 'a' && c <= 'f') ? (unsigned)(c - 'a' + 10)
                     : (c >= 'A' && c <= 'F') ? (unsigned)(c - 'A' + 10)
                                              : 16u;
        if (d == 16)
            return 0;
        v = v * 16 + d;
    }
    *out = v;
    return 1;
}

/* Decodes the string starting at the quote s[*i] into r->buf; advances *i
 * past the closing quote. Returns the length, or (size_t)-1 with *err set. */
static size_t read_string(json_reader *r, const char *s, size_t len, size_t *i,
                          const char **err, size_t *err_col)
{
    size_t n = 0;
    size_t k = *i + 1;
    /* The decoded text is never longer than the raw text. */
    r->buf = xgrow(r->buf, &r->buf_cap, len - *i + 1, 1);
    while (k < len) {
        unsigned char c = (unsigned char)s[k];
        if (c == '"') {
            *i = k + 1;
            return n;
        }
        if (c < 0x20) {
            *err = "control character inside a string";
            *err_col = k;
            return (size_t)-1;
        }
        if (c != '\\') {
            r->buf[n++] = (char)c;
            k++;
            continue;
        }
        if (k + 1 >= len)
            break;
        char e = s[k + 1];
        k += 2;
        switch (e) {
        case '"': r->buf[n++] = '"'; break;
        case '\\': r->buf[n++] = '\\'; break;
        case '/': r->buf[n++] = '/'; break;
        case 'b': r->buf[n++] = '\b'; break;
        case 'f': r->buf[n++] = '\f'; break;
        case 'n': r->buf[n++] = '\n'; break;
        case 'r': r->buf[n++] = '\r'; break;
        case 't': r->buf[n++] = '\t'; break;
        case 'u': {
            unsigned cp, lo;
            if (!hex4(s, len, k, &cp)) {
                *err = "expected four hexadecimal digits after \\u";
                *err_col = k - 2;
                return (size_t)-1;
            }
            k += 4;
            if (cp >= 0xd800 && cp <= 0xdbff && k + 6 <= len && s[k] == '\\' &&
                s[k + 1] == 'u' && hex4(s, len, k + 2, &lo) && lo >= 0xdc00 && lo <= 0xdfff) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                k += 6;
            } else if (cp >= 0xdc80 && cp <= 0xdcff) {
                /* Python's surrogateescape: a byte that was not UTF-8. */
                r->buf[n++] = (char)(cp - 0xdc00);
                break;
            }
            /* \u escapes take 6 raw bytes and encode to at most 4. */
            n += utf8_encode(cp, r->buf + n);
            break;
        }
        default:
            *err = "unknown escape in a string";
            *err_col = k - 2;
            return (size_t)-1;
        }
    }
    *err = "string not closed on its line";
    *err_col = *i;
    return (size_t)-1;
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static size_t number_length(const char *s, size_t len, size_t i)
{
    size_t k = i;
#define DIGITS(min)                                                                       \
    do {                                                                                   \
        size_t start_ = k;                                                                 \
        while (k < len && s[k] >= '0' && s[k] <= '9')                                      \
            k++;                                                                           \
        if (k - start_ < (min))                                                            \
            return 0;                                                                      \
    } while (0)
    if (k < len && s[k] == '-')
        k++;
    if (k < len && s[k] == '0')
        k++;
    else
        DIGITS(1);
    if (k < len && s[k] == '.') {
        k++;
        DIGITS(1);
    }
    if (k < len && (s[k] == 'e' || s[k] == 'E')) {
        k++;
        if (k < len && (s[k] == '+' || s[k] == '-'))
            k++;
        DIGITS(1);
    }
#undef DIGITS
    return k - i;
}

static int push(json_reader *r, char c, unsigned long line, size_t col)
{
    if (r->depth >= LINEAGE_MAX_JSON_DEPTH) {
        fail(r, "JSON nested deeper than 65536 levels", line, col);
        return 0;
    }
    r->stack = xgrow(r->stack, &r->stack_cap, r->depth + 1, sizeof *r->stack);
    r->stack[r->depth].ch = c;
    r->stack[r->depth].line = line;
    r->depth++;
    return 1;
}

void json_feed(json_reader *r, const char *s, size_t len, unsigned long line)
{
    size_t i = 0;
    if (r->st == ST_SKIP) {
        if (len && (s[0] == '{' || s[0] == '['))
            r->st = ST_VALUE;
        else
            return;
    }
    while (i < len) {
        char c = s[i];
        size_t col = i + 1;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            i++;
            continue;
        }
        switch (r->st) {
        case ST_SKIP:
            return;
        case ST_COLON:
            if (c != ':')
                {
                fail(r, "expected ':' after an object key", line, col);
                return;
            }
            i++;
            r->st = ST_VALUE;
            continue;
        case ST_COMMA_OR_CLOSE: {
            char open = r->stack[r->depth - 1].ch;
            if (c == ',') {
                i++;
                r->st = open == '{' ? ST_KEY : ST_VALUE;
                continue;
            }
            if ((c == '}' && open == '{') || (c == ']' && open == '[')) {
                i++;
                r->depth--;
                r->handler(r->ctx, c == '}' ? JSON_OBJECT_END : JSON_ARRAY_END, NULL, 0, line,
                           col);
                value_done(r);
                continue;
            }
            {
                fail(r, open == '{' ? "expected ',' or '}' in an object"
                                       : "expected ',' or ']' in an array", line, col);
                return;
            }
        }
        case ST_KEY_OR_CLOSE:
        case ST_KEY:
            if (c == '}' && r->st == ST_KEY_OR_CLOSE) {
                i++;
                r->depth--;
                r->handler(r->ctx, JSON_OBJECT_END, NULL, 0, line, col);
                value_done(r);
                continue;
            }
            if (c != '"')
                {
                fail(r, "expected a string key in an object", line, col);
                return;
            }
            {
                const char *err = NULL;
                size_t err_col = 0;
                size_t n = read_string(r, s, len, &i, &err, &err_col);
                if (n == (size_t)-1)
                    {
                fail(r, err, line, err_col + 1);
                return;
            }
                r->handler(r->ctx, JSON_KEY, r->buf, n, line, col);
            }
            r->st = ST_COLON;
            continue;
        case ST_VALUE_OR_CLOSE:
            if (c == ']') {
                i++;
                r->depth--;
                r->handler(r->ctx, JSON_ARRAY_END, NULL, 0, line, col);
                value_done(r);
                continue;
            }
            /* fall through */
        case ST_VALUE:
            if (c == '{' || c == '[') {
                if (!push(r, c, line, col))
                    return;
                i++;
                r->handler(r->ctx, c == '{' ? JSON_OBJECT_START : JSON_ARRAY_START, NULL, 0,
                           line, col);
                r->st = c == '{' ? ST_KEY_OR_CLOSE : ST_VALUE_OR_CLOSE;
                continue;
            }
            if (c == '"') {
                const char *err = NULL;
                size_t err_col = 0;
                size_t n = read_string(r, s, len, &i, &err, &err_col);
                if (n == (size_t)-1)
                    {
                fail(r, err, line, err_col + 1);
                return;
            }
                r->handler(r->ctx, JSON_STRING, r->buf, n, line, col);
                value_done(r);
                continue;
            }
            {
                static const struct {
                    const char *word;
                    json_event ev;
                } words[] = {{"true", JSON_TRUE}, {"false", JSON_FALSE}, {"null", JSON_NULL}};
                size_t w;
                for (w = 0; w < 3; w++) {
                    size_t wl = strlen(words[w].word);
                    if (len - i >= wl && memcmp(s + i, words[w].word, wl) == 0) {
                        r->handler(r->ctx, words[w].ev, s + i, wl, line, col);
                        i += wl;
                        break;
                    }
                }
                if (w < 3) {
                    value_done(r);
                    continue;
                }
            }
            {
                size_t n = number_length(s, len, i);
                if (!n)
                    {
                fail(r, "expected a JSON value", line, col);
                return;
            }
                r->handler(r->ctx, JSON_NUMBER, s + i, n, line, col);
                i += n;
                value_done(r);
                continue;
            }
        }
    }
}

/* The innermost open container is named: the cut is inside it, and its
 * line says how much of the document is affected. */
int json_finish(json_reader *r, unsigned long line, size_t column)
{
    if (r->st == ST_SKIP)
        return 0;
    if (!r->depth)
        return 1;
    const open_container *o = &r->stack[r->depth - 1];
    /* Bounded: the longest line number has 20 digits. */
    char msg[sizeof "the JSON ends before the object opened on line  is closed (file cut short?)" +
             20];
    snprintf(msg, sizeof msg, "the JSON ends before the %s opened on line %lu is closed (file cut "
                              "short?)",
             o->ch == '{' ? "object" : "list", o->line);
    fail(r, msg, line, column);
    return 0;
}
