/* A growable byte string for building messages and rendered output. */
#ifndef LINEAGE_STRBUF_H
#define LINEAGE_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct strbuf {
    char *data; /* always NUL-terminated once anything was added */
    size_t len;
    size_t cap;
} strbuf;

#define STRBUF_INIT {NULL, 0, 0}

/* Makes room for `extra` more bytes (and the NUL) without adding any:
 * for a string about to be built from many small pieces. */
void strbuf_reserve(strbuf *sb, size_t extra);
/* strbuf_add when the bytes do not fit (or nothing was added yet). */
void strbuf_add_grow(strbuf *sb, const char *s, size_t len);

/* Appends len bytes. Inline: the renderers call it a dozen times a line. */
static inline void strbuf_add(strbuf *sb, const char *s, size_t len)
{
    if (!sb->data || sb->cap - sb->len <= len) {
        strbuf_add_grow(sb, s, len);
        return;
    }
    if (len)
        memcpy(sb->data + sb->len, s, len);
    sb->len += len;
    sb->data[sb->len] = '\0';
}

void strbuf_puts(strbuf *sb, const char *s);
static inline void strbuf_putc(strbuf *sb, char c)
{
    if (!sb->data || sb->cap - sb->len <= 1) {
        strbuf_add_grow(sb, &c, 1);
        return;
    }
    sb->data[sb->len++] = c;
    sb->data[sb->len] = '\0';
}
/* Appends v in decimal, as printf's "%llu" would. */
void strbuf_add_u64(strbuf *sb, uint64_t v);
/* Appends v in hexadecimal without a prefix, as "%llx" would, or "%llX"
 * for strbuf_add_hex_upper. */
void strbuf_add_hex(strbuf *sb, uint64_t v);
void strbuf_add_hex_upper(strbuf *sb, uint64_t v);
/* Appends n copies of c. */
void strbuf_pad(strbuf *sb, char c, size_t n);
void strbuf_printf(strbuf *sb, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void strbuf_vprintf(strbuf *sb, const char *fmt, va_list ap);
/* Appends bytes with control characters, DEL, backslash and invalid UTF-8
 * shown as \xNN escapes (\t, \n, \r by name), and C1 controls,
 * bidirectional controls and invisible format characters (utf8_invisible)
 * as \uNNNN, so terminal output cannot carry escape sequences from input
 * and one name cannot pass for another. */
void strbuf_add_escaped(strbuf *sb, const char *s, size_t len);
/* The same, but a backslash stays a backslash: for text a person wrote to
 * be read as written (rule titles, patterns such as /^smss\.exe$/). */
void strbuf_add_escaped_text(strbuf *sb, const char *s, size_t len);
/* As strbuf_add_escaped_text, but line breaks and tabs stay as they are:
 * for a person's text whose layout is part of it (a rule's source, a
 * description's paragraphs). */
void strbuf_add_escaped_layout(strbuf *sb, const char *s, size_t len);
/* Hands the string to the caller (free with free()); resets sb. */
char *strbuf_detach(strbuf *sb);
void strbuf_release(strbuf *sb);

#endif
