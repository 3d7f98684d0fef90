/* Scanning numbers and words out of borrowed (pointer, length) slices, for
 * every line-oriented parser. Overflow is reported, never wrapped. */
#ifndef LINEAGE_SCAN_H
#define LINEAGE_SCAN_H

#include <stddef.h>
#include <stdint.h>

typedef enum scan_result {
    SCAN_OK = 0,
    SCAN_NONE,    /* no digit where a number was expected */
    SCAN_OVERFLOW /* more than 64 bits */
} scan_result;

/* Hex digits at s[*pos...], with an optional "0x" prefix; with
 * allow_backtick, '`' may separate digit groups (kd prints 64-bit values
 * as fffff800`03c98890). Advances *pos past what was read. */
scan_result scan_hex(const char *s, size_t len, size_t *pos, uint64_t *out, int allow_backtick);
/* Decimal digits at s[*pos...]. */
scan_result scan_dec(const char *s, size_t len, size_t *pos, uint64_t *out);

/* 1 + the value of each hexadecimal digit (either case); 0 for any other
 * byte. A lookup instead of three range tests, for the number loops. */
extern const unsigned char scan_digit_value[256];

static inline int scan_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static inline int scan_is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Advances *pos over blanks. */
static inline void scan_skip_space(const char *s, size_t len, size_t *pos)
{
    while (*pos < len && scan_is_space(s[*pos]))
        (*pos)++;
}

/* Trims blanks from both ends of a slice. */
static inline void scan_trim(const char **s, size_t *len)
{
    while (*len && scan_is_space(**s)) {
        (*s)++;
        (*len)--;
    }
    while (*len && scan_is_space((*s)[*len - 1]))
        (*len)--;
}

/* True when the slice contains the literal anywhere. */
int scan_contains(const char *s, size_t len, const char *lit);

/* True when s[*pos...] starts with the literal; advances past it. */
int scan_literal(const char *s, size_t len, size_t *pos, const char *lit);

/* The length of a kernel debugger prompt at the start of s ("kd> ",
 * "lkd> ", "0: kd> ") with the blanks after it; 0 when s does not start
 * with one. */
size_t scan_kd_prompt(const char *s, size_t len);

#endif
