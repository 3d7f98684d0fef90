/* The rule-language lexer: words, numbers, strings, patterns, braces,
 * `..` and `>=`, with `#` comments to the end of the line. */
#include "rules_lex.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"

typedef struct lexer {
    arena *mem;
    const char *name;
    const char *src;
    size_t len;
    size_t pos;
    unsigned long line;
    size_t line_start;
    lineage_diag_list *diags;
    size_t errors;
} lexer;

void rules_line_text(const char *src, size_t len, unsigned long line, const char **out,
                     size_t *out_len)
{
    size_t i = 0;
    for (unsigned long l = 1; l < line && i < len; i++)
        if (src[i] == '\n')
            l++;
    size_t end = i;
    while (end < len && src[end] != '\n')
        end++;
    if (end > i && src[end - 1] == '\r')
        end--;
    *out = src + i;
    *out_len = end - i;
}

static void error_on_line(lexer *lx, unsigned long line, size_t line_start, size_t at,
                          const char *msg)
{
    const char *text;
    size_t tlen;
    rules_line_text(lx->src, lx->len, line, &text, &tlen);
    lineage_diag_add(lx->diags, LINEAGE_ERROR, lx->name, line, (unsigned)(at - line_start + 1),
                     text, tlen, "%s", msg);
    lx->errors++;
}

static void lex_error(lexer *lx, size_t at, const char *msg)
{
    error_on_line(lx, lx->line, lx->line_start, at, msg);
}

/* A NUL byte would silently cut short every C string made from the file
 * (a title, an include path, the rule text `rules show` prints), so the
 * first one anywhere, even in a string or a comment, is an error; the
 * lexer skips the rest without a word. */
static void check_nul(lexer *lx)
{
    const char *nul = memchr(lx->src, '\0', lx->len);
    if (!nul)
        return;
    size_t at = (size_t)(nul - lx->src);
    unsigned long line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < at; i++)
        if (lx->src[i] == '\n') {
            line++;
            line_start = i + 1;
        }
    error_on_line(lx, line, line_start, at, "NUL byte in a rule file");
}

static int is_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '-' || c == ':';
}

static int parse_number(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    int hex = n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    if (hex)
        i = 2;
    if (i == n)
        return 0;
    for (; i < n; i++) {
        unsigned d;
        char c = s[i];
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (hex && c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (hex && c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return 0;
        unsigned base = hex ? 16 : 10;
        if (v > (UINT64_MAX - d) / base)
            return -1;
        v = v * base + d;
    }
    *out = v;
    return 1;
}

/* Reads a "string" or /pattern/ body starting after the opening quote;
 * returns 0 (after an error) when the line ends first. */
static int lex_quoted(lexer *lx, token *t, char close)
{
    size_t start = lx->pos - 1;
    char *buf = arena_alloc(lx->mem, lx->len - lx->pos + 1);
    size_t n = 0;
    while (lx->pos < lx->len && lx->src[lx->pos] != '\n') {
        char c = lx->src[lx->pos];
        if (c == close) {
            lx->pos++;
            t->value = buf;
            t->value_len = n;
            return 1;
        }
        if (c == '\\' && lx->pos + 1 < lx->len && lx->src[lx->pos + 1] != '\n') {
            char e = lx->src[lx->pos + 1];
            if (close == '/') {
                /* Patterns keep PCRE2 escapes; only \/ is ours. */
                if (e != '/')
                    buf[n++] = '\\';
                buf[n++] = e;
            } else if (e == '"' || e == '\\') {
                buf[n++] = e;
            } else if (e == 'n') {
                buf[n++] = '\n';
            } else {
                lex_error(lx, lx->pos, "unknown escape in string (use \\\" \\\\ or \\n)");
                buf[n++] = e;
            }
            lx->pos += 2;
            continue;
        }
        buf[n++] = c;
        lx->pos++;
    }
    /* Keep what was read as the token, so the parser does not report the
     * same mistake again. */
    lex_error(lx, start, close == '/' ? "unterminated pattern" : "unterminated string");
    t->value = buf;
    t->value_len = n;
    return 0;
}

size_t rules_lex(arena *mem, const char *name, const char *src, size_t len,
                 lineage_diag_list *diags, token **out, size_t *count)
{
    lexer lx = {mem, name, src, len, 0, 1, 0, diags, 0};
    token *toks = NULL;
    size_t n = 0, cap = 0;
    check_nul(&lx);
    for (;;) {
        /* Blanks, newlines and comments. */
        while (lx.pos < len) {
            char c = src[lx.pos];
            if (c == '\n') {
                lx.pos++;
                lx.line++;
                lx.line_start = lx.pos;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
                lx.pos++;
            } else if (c == '#') {
                while (lx.pos < len && src[lx.pos] != '\n')
                    lx.pos++;
            } else {
                break;
            }
        }
        toks = xgrow(toks, &cap, n + 1, sizeof *toks);
        token *t = &toks[n];
        memset(t, 0, sizeof *t);
        t->line = lx.line;
        t->col = (unsigned)(lx.pos - lx.line_start + 1);
        t->text = src + lx.pos;
        if (lx.pos >= len) {
            t->kind = TOK_EOF;
            n++;
            break;
        }
        size_t start = lx.pos;
        char c = src[lx.pos];
        if (c == '{' || c == '}') {
            t->kind = c == '{' ? TOK_LBRACE : TOK_RBRACE;
            lx.pos++;
        } else if (c == '>' && lx.pos + 1 < len && src[lx.pos + 1] == '=') {
            t->kind = TOK_GE;
            lx.pos += 2;
        } else if (c == '.' && lx.pos + 1 < len && src[lx.pos + 1] == '.') {
            t->kind = TOK_DOTDOT;
            lx.pos += 2;
        } else if (c == '"') {
            lx.pos++;
            t->kind = TOK_STRING;
            lex_quoted(&lx, t, '"');
        } else if (c == '/') {
            lx.pos++;
            t->kind = TOK_PATTERN;
            if (lex_quoted(&lx, t, '/') && lx.pos < len && src[lx.pos] == 'c' &&
                (lx.pos + 1 >= len || !is_word_char(src[lx.pos + 1]))) {
                t->case_sensitive = 1;
                lx.pos++;
            } else if (t->value && lx.pos < len && is_word_char(src[lx.pos])) {
                lex_error(&lx, lx.pos, "unknown pattern flag (the only flag is 'c')");
                while (lx.pos < len && is_word_char(src[lx.pos]))
                    lx.pos++;
            }
        } else if (is_word_char(c)) {
            /* A word stops before "..", so `build 100..200` is three tokens. */
            while (lx.pos < len && is_word_char(src[lx.pos]) &&
                   !(src[lx.pos] == '.' && lx.pos + 1 < len && src[lx.pos + 1] == '.'))
                lx.pos++;
            t->kind = TOK_WORD;
            int r = parse_number(src + start, lx.pos - start, &t->number);
            if (r > 0)
                t->kind = TOK_NUMBER;
            else if (r < 0)
                lex_error(&lx, start, "number does not fit in 64 bits");
        } else if (c == '\0') {
            lx.pos++; /* reported once by check_nul */
            continue;
        } else {
            char msg[64];
            if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f)
                snprintf(msg, sizeof msg, "unexpected character '%c'", c);
            else
                snprintf(msg, sizeof msg, "unexpected byte 0x%02x", (unsigned)(unsigned char)c);
            lex_error(&lx, start, msg);
            lx.pos++;
            continue;
        }
        t->len = lx.pos - start;
        n++;
    }
    *out = toks;
    *count = n;
    return lx.errors;
}
