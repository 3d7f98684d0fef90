/* Growable byte strings. The renderers append a few bytes at a time,
 * millions of times over a large input, so the common paths (a short
 * append that fits, a number, a run of printable bytes) stay away from
 * printf and from the allocator. */
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

void strbuf_reserve(strbuf *sb, size_t extra)
{
    if (!sb->data || sb->cap - sb->len <= extra)
        reserve(sb, extra);
    sb->data[sb->len] = '\0';
}

void strbuf_add_grow(strbuf *sb, const char *s, size_t len)
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

void strbuf_add_u64(strbuf *sb, uint64_t v)
{
    char buf[20]; /* UINT64_MAX has 20 digits */
    size_t i = sizeof buf;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    strbuf_add(sb, buf + i, sizeof buf - i);
}

static const char hex_digits[] = "0123456789abcdef";

static void add_hex(strbuf *sb, uint64_t v, const char *digits)
{
    char buf[16];
    size_t i = sizeof buf;
    do {
        buf[--i] = digits[v & 0xf];
        v >>= 4;
    } while (v);
    strbuf_add(sb, buf + i, sizeof buf - i);
}

void strbuf_add_hex(strbuf *sb, uint64_t v)
{
    add_hex(sb, v, hex_digits);
}

void strbuf_add_hex_upper(strbuf *sb, uint64_t v)
{
    add_hex(sb, v, "0123456789ABCDEF");
}

void strbuf_pad(strbuf *sb, char c, size_t n)
{
    if (!n)
        return;
    if (sb->cap - sb->len <= n || !sb->data)
        reserve(sb, n);
    memset(sb->data + sb->len, c, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void strbuf_vprintf(strbuf *sb, const char *fmt, va_list ap)
{
    /* One formatting pass when the result fits the room already there;
     * otherwise measure, grow and format again. */
    size_t room = sb->data ? sb->cap - sb->len : 0;
    va_list copy;
    va_copy(copy, ap);
    int n = room ? vsnprintf(sb->data + sb->len, room, fmt, copy) : vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0) {
        if (sb->data)
            sb->data[sb->len] = '\0';
        return;
    }
    if ((size_t)n >= room) {
        reserve(sb, (size_t)n);
        vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    }
    sb->len += (size_t)n;
}

void strbuf_printf(strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(sb, fmt, ap);
    va_end(ap);
}

/* "\\x", "\\u" or "\\U" and `digits` lowercase hex digits of v. */
static void add_hex_escape(strbuf *sb, char kind, unsigned v, int digits)
{
    char buf[10];
    buf[0] = '\\';
    buf[1] = kind;
    for (int d = digits - 1; d >= 0; d--) {
        buf[2 + d] = hex_digits[v & 0xf];
        v >>= 4;
    }
    strbuf_add(sb, buf, (size_t)digits + 2);
}

/* The length of the run of printable ASCII (0x20-0x7e; without the
 * backslash when `backslash`) at the start of s[0..len), tested eight
 * bytes at a time: a byte below 0x20 or equal to a stop byte makes the
 * word's "has a small byte" test true, a byte of 0x80 or more has its top
 * bit set. The tests are exact for "some byte of the word", which is all
 * this needs: such a word is finished byte by byte. */
static size_t printable_run(const char *s, size_t len, int backslash)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    const uint64_t del = 0x7f * ones, bs = backslash ? '\\' * ones : del;
    size_t i = 0;
    while (len - i >= 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t small = (w - 0x20 * ones) & ~w;
        uint64_t x = w ^ del, y = w ^ bs;
        uint64_t stop = ((x - ones) & ~x) | ((y - ones) & ~y);
        if ((small | stop | w) & high)
            break;
        i += 8;
    }
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c >= 0x7f || (c == '\\' && backslash))
            break;
        i++;
    }
    return i;
}

static void add_escaped(strbuf *sb, const char *s, size_t len, int backslash)
{
    if (!sb->data)
        strbuf_add(sb, "", 0); /* escaping nothing still gives a string */
    if (sb->cap - sb->len <= len)
        reserve(sb, len); /* room for the common case: nothing to escape */
    size_t i = 0;
    while (i < len) {
        /* A run of printable ASCII is copied as it is, in one append. */
        size_t run = i + printable_run(s + i, len - i, backslash);
        if (run > i) {
            strbuf_add(sb, s + i, run - i);
            i = run;
            if (i == len)
                break;
        }
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            size_t n = utf8_valid_prefix(s + i, len - i);
            uint32_t cp = n ? utf8_invisible(s + i, n) : 0;
            if (cp) {
                /* C1 controls (U+009B is CSI on some terminals),
                 * bidirectional controls, which reorder what is shown,
                 * and invisible format characters, which make one name
                 * look like another, are escaped like C0 controls. */
                if (cp > 0xffff)
                    add_hex_escape(sb, 'U', (unsigned)cp, 8);
                else
                    add_hex_escape(sb, 'u', (unsigned)cp, 4);
                i += n;
                continue;
            }
            if (n) {
                strbuf_add(sb, s + i, n);
                i += n;
                continue;
            }
            add_hex_escape(sb, 'x', c, 2);
        } else if (c == '\t') {
            strbuf_add(sb, "\\t", 2);
        } else if (c == '\n') {
            strbuf_add(sb, "\\n", 2);
        } else if (c == '\r') {
            strbuf_add(sb, "\\r", 2);
        } else if (c == '\\') {
            strbuf_add(sb, "\\\\", 2); /* only reached with `backslash` */
        } else {
            add_hex_escape(sb, 'x', c, 2); /* C0 controls and DEL */
        }
        i++;
    }
}

void strbuf_add_escaped(strbuf *sb, const char *s, size_t len)
{
    add_escaped(sb, s, len, 1);
}

void strbuf_add_escaped_text(strbuf *sb, const char *s, size_t len)
{
    add_escaped(sb, s, len, 0);
}

void strbuf_add_escaped_layout(strbuf *sb, const char *s, size_t len)
{
    size_t i = 0;
    add_escaped(sb, "", 0, 0); /* escaping nothing still gives a string */
    while (i < len) {
        size_t run = i;
        while (run < len && s[run] != '\n' && s[run] != '\t')
            run++;
        add_escaped(sb, s + i, run - i, 0);
        if (run < len)
            strbuf_putc(sb, s[run++]);
        i = run;
    }
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
