/* A growable byte string for building messages and rendered output. */
#ifndef LINEAGE_STRBUF_H
#define LINEAGE_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct strbuf {
    char *data; /* always NUL-terminated once anything was added */
    size_t len;
    size_t cap;
} strbuf;

#define STRBUF_INIT {NULL, 0, 0}

void strbuf_add(strbuf *sb, const char *s, size_t len);
void strbuf_puts(strbuf *sb, const char *s);
void strbuf_putc(strbuf *sb, char c);
void strbuf_printf(strbuf *sb, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void strbuf_vprintf(strbuf *sb, const char *fmt, va_list ap);
/* Appends bytes with control characters, DEL, backslash and invalid UTF-8
 * shown as \xNN escapes (\t, \n, \r by name), and C1 controls and
 * bidirectional overrides as \uNNNN, so terminal output cannot carry escape
 * sequences from input. */
void strbuf_add_escaped(strbuf *sb, const char *s, size_t len);
/* The same, but a backslash stays a backslash: for text a person wrote to
 * be read as written (rule titles, patterns such as /^smss\.exe$/). */
void strbuf_add_escaped_text(strbuf *sb, const char *s, size_t len);
/* Hands the string to the caller (free with free()); resets sb. */
char *strbuf_detach(strbuf *sb);
void strbuf_release(strbuf *sb);

#endif
