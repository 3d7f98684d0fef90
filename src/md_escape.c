/* Markdown, fenced-block and Mermaid escaping (see md_escape.h). */
#include "md_escape.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */

/* How the character at s[i] is written, when it is not plain: either a
 * byte sequence to copy (*copy, *copy_len) or a visible escape in
 * `shown` (e.g. "\x1b"). Returns the bytes consumed; sets *plain when the
 * byte is ASCII or valid UTF-8 to handle normally. `keep_layout` keeps
 * tab and newline as themselves (for code blocks). */
typedef struct unit {
    size_t used;
    bool plain;        /* a printable ASCII byte or a valid non-control sequence */
    char shown[12];    /* escape text for controls; "" otherwise */
    const char *bytes; /* what to copy when plain or replaced */
    size_t bytes_len;
} unit;

static unit next_unit(const char *s, size_t len, size_t i, bool keep_layout)
{
    unit u = {0};
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x80) {
        size_t n = utf8_valid_prefix(s + i, len - i);
        if (!n) {
            u.used = 1;
            u.bytes = replacement;
            u.bytes_len = 3;
            return u;
        }
        uint32_t cp = utf8_invisible(s + i, n);
        u.used = n;
        if (cp) {
            snprintf(u.shown, sizeof u.shown, cp > 0xffff ? "\\U%08x" : "\\u%04x", (unsigned)cp);
            return u;
        }
        u.plain = true;
        u.bytes = s + i;
        u.bytes_len = n;
        return u;
    }
    u.used = 1;
    if (keep_layout && (c == '\t' || c == '\n')) {
        u.plain = true;
    } else if (c == '\t') {
        memcpy(u.shown, "\\t", 3);
    } else if (c == '\n') {
        memcpy(u.shown, "\\n", 3);
    } else if (c == '\r') {
        memcpy(u.shown, "\\r", 3);
    } else if (c < 0x20 || c == 0x7f) {
        snprintf(u.shown, sizeof u.shown, "\\x%02x", c);
    } else {
        u.plain = true;
    }
    u.bytes = s + i;
    u.bytes_len = 1;
    return u;
}

/* True when the backslash at s[i] must be shown doubled so that it cannot
 * be read as the start of an escape: when what follows it is itself shown
 * as an escape (a control or invisible character), is another backslash,
 * or is a letter an escape starts with (\x, \u, \t, \n, \r). So the
 * control byte ESC shows as \x1b, the text "\x1b" as \\x1b, and a backslash
 * anywhere else (C:\Windows, /^smss\.exe$/) as itself. */
static bool doubled_backslash(const char *s, size_t len, size_t i, bool keep_layout)
{
    if (i + 1 >= len)
        return false;
    char c = s[i + 1];
    if (c == '\\' || c == 'x' || c == 'u' || c == 't' || c == 'n' || c == 'r')
        return true;
    return next_unit(s, len, i + 1, keep_layout).shown[0] != '\0';
}

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* True when s[i] is the dot of "www." starting a word, which GitHub's
 * autolinker turns into a link. */
static bool www_dot(const char *s, size_t i)
{
    if (i < 3)
        return false;
    for (size_t k = i - 3; k < i; k++)
        if (s[k] != 'w' && s[k] != 'W')
            return false;
    return i == 3 || !is_alnum(s[i - 4]);
}

void md_escape_inline(strbuf *out, const char *s, size_t len)
{
    size_t digits = 0; /* length of the leading run of digits */
    while (digits < len && s[digits] >= '0' && s[digits] <= '9')
        digits++;
    size_t i = 0;
    while (i < len) {
        unit u = next_unit(s, len, i, false);
        if (u.shown[0]) {
            /* The escape's backslash is itself escaped, so it shows. */
            strbuf_putc(out, '\\');
            strbuf_puts(out, u.shown);
        } else if (u.bytes_len != 1 || !u.plain) {
            strbuf_add(out, u.bytes, u.bytes_len);
        } else {
            char c = s[i];
            bool esc = false;
            if (c == ' ' && (i == 0 || i + 1 == len)) {
                strbuf_add(out, "&#32;", 5);
                i += u.used;
                continue;
            }
            if (strchr("\\`*_[]<>&|~$", c))
                esc = true;
            else if (i == 0 && strchr("#+-=.)", c))
                esc = true;
            else if (c == '#' && i + 1 == len) /* would close an ATX heading */
                esc = true;
            else if (i == digits && digits > 0 && (c == '.' || c == ')'))
                esc = true;
            else if (c == ':' && i + 1 < len && s[i + 1] == '/')
                esc = true;
            else if (c == '.' && www_dot(s, i))
                esc = true;
            if (c == '\\' && doubled_backslash(s, len, i, false))
                strbuf_puts(out, "\\\\"); /* one more backslash shown */
            if (esc)
                strbuf_putc(out, '\\');
            strbuf_putc(out, c);
        }
        i += u.used;
    }
    if (!out->data)
        strbuf_add(out, "", 0);
}

size_t md_fence_length(const char *s, size_t len)
{
    size_t longest = 0, run = 0;
    for (size_t i = 0; i < len; i++) {
        run = s[i] == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    return longest + 1 > 3 ? longest + 1 : 3;
}

static void add_fence(strbuf *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        strbuf_putc(out, '`');
}

void md_fenced_block(strbuf *out, const char *info, const char *s, size_t len)
{
    size_t fence = md_fence_length(s, len);
    add_fence(out, fence);
    bool info_ok = info != NULL;
    for (const char *p = info; info_ok && *p; p++)
        if (*p == '`' || (unsigned char)*p < 0x20 || *p == 0x7f)
            info_ok = false;
    if (info_ok)
        strbuf_puts(out, info);
    strbuf_putc(out, '\n');
    size_t i = 0;
    while (i < len) {
        unit u = next_unit(s, len, i, true);
        if (u.shown[0])
            strbuf_puts(out, u.shown);
        else
            strbuf_add(out, u.bytes, u.bytes_len);
        i += u.used;
    }
    if (len > 0 && s[len - 1] != '\n')
        strbuf_putc(out, '\n');
    add_fence(out, fence);
    strbuf_putc(out, '\n');
}

void md_mermaid_label(strbuf *out, const char *s, size_t len)
{
    strbuf_putc(out, '"');
    size_t i = 0;
    while (i < len) {
        unit u = next_unit(s, len, i, false);
        if (u.shown[0]) {
            strbuf_puts(out, u.shown);
        } else if (u.bytes_len != 1 || !u.plain) {
            strbuf_add(out, u.bytes, u.bytes_len);
        } else {
            switch (s[i]) {
            case '"':
                strbuf_puts(out, "#quot;");
                break;
            case '#':
                strbuf_puts(out, "#35;");
                break;
            case '&':
                strbuf_puts(out, "#amp;");
                break;
            case '<':
                strbuf_puts(out, "#lt;");
                break;
            case '>':
                strbuf_puts(out, "#gt;");
                break;
            case '`':
                strbuf_puts(out, "#96;");
                break;
            case '\\':
                strbuf_puts(out, doubled_backslash(s, len, i, false) ? "\\\\" : "\\");
                break;
            default:
                strbuf_putc(out, s[i]);
                break;
            }
        }
        i += u.used;
    }
    strbuf_putc(out, '"');
}
