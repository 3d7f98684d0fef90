/* Growable byte strings. */
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "utf8.h"

static void reserve(strbuf *sb, size_t extra)
{
    if (extra > ((size_t)-1) - sb->len - 1)
        extra = ((size_t)-1) - sb->len - 1; /* xgrow aborts below */
    sb->data = xgrow(sb->data, &sb->cap, sb->len + extra + 1, 1);
}

void strbuf_add(strbuf *sb, const char *s, size_t len)
{
    reserve(sb, len);
    if (len)
        memcpy(sb->data + sb->len, s, len);
    sb->len += len;
    sb->data[sb->len] = '\0';
}

void strbuf_puts(strbuf *sb, const char *s)
{
    strbuf_add(sb, s, strlen(s));
}

void strbuf_putc(strbuf *sb, char c)
{
    strbuf_add(sb, &c, 1);
}

void strbuf_vprintf(strbuf *sb, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return;
    reserve(sb, (size_t)n);
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void strbuf_printf(strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(sb, fmt, ap);
    va_end(ap);
}

/* The code point of a valid `n`-byte sequence when it is a C1 control or
 * a bidirectional embedding, override or isolate; 0 otherwise. */
static uint32_t invisible_control(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    if (n == 2 && p[0] == 0xc2 && p[1] <= 0x9f)
        return (uint32_t)p[1];
    if (n != 3 || p[0] != 0xe2)
        return 0;
    uint32_t cp = 0x2000u | (uint32_t)(p[1] & 0x3f) << 6 | (uint32_t)(p[2] & 0x3f);
    return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ? cp : 0;
}

static void add_escaped(strbuf *sb, const char *s, size_t len, int backslash)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            size_t n = utf8_valid_prefix(s + i, len - i);
            uint32_t cp = n ? invisible_control(s + i, n) : 0;
            if (cp) {
                /* C1 controls (U+0080-U+009F; U+009B is CSI on some
                 * terminals) and bidirectional overrides, which reorder
                 * what is shown, are escaped like C0 controls. */
                strbuf_printf(sb, "\\u%04x", (unsigned)cp);
                i += n;
                continue;
            }
            if (n) {
                strbuf_add(sb, s + i, n);
                i += n;
                continue;
            }
            strbuf_printf(sb, "\\x%02x", c);
        } else if (c == '\t') {
            strbuf_add(sb, "\\t", 2);
        } else if (c == '\n') {
            strbuf_add(sb, "\\n", 2);
        } else if (c == '\r') {
            strbuf_add(sb, "\\r", 2);
        } else if (c == '\\' && backslash) {
            strbuf_add(sb, "\\\\", 2);
        } else if (c < 0x20 || c == 0x7f) {
            strbuf_printf(sb, "\\x%02x", c);
        } else {
            strbuf_putc(sb, (char)c);
        }
        i++;
    }
    if (!sb->data)
        strbuf_add(sb, "", 0);
}

void strbuf_add_escaped(strbuf *sb, const char *s, size_t len)
{
    add_escaped(sb, s, len, 1);
}

void strbuf_add_escaped_text(strbuf *sb, const char *s, size_t len)
{
    add_escaped(sb, s, len, 0);
}

char *strbuf_detach(strbuf *sb)
{
    if (!sb->data)
        strbuf_add(sb, "", 0);
    char *s = sb->data;
    sb->data = NULL;
    sb->len = sb->cap = 0;
    return s;
}

void strbuf_release(strbuf *sb)
{
    free(sb->data);
    sb->data = NULL;
    sb->len = sb->cap = 0;
}
