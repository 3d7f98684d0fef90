/* The streaming JSON writer (see json_write.h). */
#include "json_write.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "utf8.h"

void json_init(json_writer *w, strbuf *out)
{
    memset(w, 0, sizeof *w);
    w->out = out;
}

void json_init_at(json_writer *w, strbuf *out, size_t depth)
{
    json_init(w, out);
    w->base = depth;
}

void json_release(json_writer *w)
{
    free(w->first);
    w->first = NULL;
    w->depth = w->cap = 0;
}

static void newline(json_writer *w)
{
    strbuf_putc(w->out, '\n');
    for (size_t i = 0; i < w->base + w->depth; i++)
        strbuf_add(w->out, "  ", 2);
}

/* Before any value: the comma and indentation its position needs. */
static void before_value(json_writer *w)
{
    if (w->after_key) {
        w->after_key = 0;
        return;
    }
    if (w->depth) {
        if (!w->first[w->depth - 1])
            strbuf_putc(w->out, ',');
        w->first[w->depth - 1] = 0;
        newline(w);
    }
}

static void open_level(json_writer *w, char c)
{
    before_value(w);
    strbuf_putc(w->out, c);
    w->first = xgrow(w->first, &w->cap, w->depth + 1, 1);
    w->first[w->depth++] = 1;
}

static void close_level(json_writer *w, char c)
{
    if (!w->depth)
        return;
    int empty = w->first[--w->depth];
    if (!empty)
        newline(w);
    strbuf_putc(w->out, c);
    if (!w->depth && !w->base)
        strbuf_putc(w->out, '\n');
}

void json_begin_object(json_writer *w) { open_level(w, '{'); }
void json_end_object(json_writer *w) { close_level(w, '}'); }
void json_begin_array(json_writer *w) { open_level(w, '['); }
void json_end_array(json_writer *w) { close_level(w, ']'); }

void json_escape(strbuf *out, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            size_t n = utf8_valid_prefix(s + i, len - i);
            if (n) {
                strbuf_add(out, s + i, n);
                i += n;
            } else {
                strbuf_add(out, "\\ufffd", 6);
                i++;
            }
            continue;
        }
        switch (c) {
        case '"': strbuf_add(out, "\\\"", 2); break;
        case '\\': strbuf_add(out, "\\\\", 2); break;
        case '\n': strbuf_add(out, "\\n", 2); break;
        case '\r': strbuf_add(out, "\\r", 2); break;
        case '\t': strbuf_add(out, "\\t", 2); break;
        case '\b': strbuf_add(out, "\\b", 2); break;
        case '\f': strbuf_add(out, "\\f", 2); break;
        default:
            if (c < 0x20 || c == 0x7f)
                strbuf_printf(out, "\\u%04x", (unsigned)c);
            else
                strbuf_putc(out, (char)c);
        }
        i++;
    }
}

void json_key(json_writer *w, const char *key)
{
    before_value(w);
    strbuf_putc(w->out, '"');
    json_escape(w->out, key, strlen(key));
    strbuf_add(w->out, "\": ", 3);
    w->after_key = 1;
}

void json_string_n(json_writer *w, const char *s, size_t len)
{
    before_value(w);
    strbuf_putc(w->out, '"');
    json_escape(w->out, s, len);
    strbuf_putc(w->out, '"');
}

void json_string(json_writer *w, const char *s)
{
    if (!s) {
        json_null(w);
        return;
    }
    json_string_n(w, s, strlen(s));
}

void json_int(json_writer *w, int64_t v)
{
    before_value(w);
    strbuf_printf(w->out, "%" PRId64, v);
}

void json_uint(json_writer *w, uint64_t v)
{
    before_value(w);
    strbuf_printf(w->out, "%" PRIu64, v);
}

void json_bool(json_writer *w, int v)
{
    before_value(w);
    strbuf_puts(w->out, v ? "true" : "false");
}

void json_null(json_writer *w)
{
    before_value(w);
    strbuf_puts(w->out, "null");
}
