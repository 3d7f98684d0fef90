/* Number and literal scanning for line parsers. */
#include "scan.h"

#include <string.h>

const unsigned char scan_digit_value[256] = {
    ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
    ['8'] = 9, ['9'] = 10,
    ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

scan_result scan_hex(const char *s, size_t len, size_t *pos, uint64_t *out, int allow_backtick)
{
    size_t i = *pos;
    if (i + 2 < len && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X') &&
        scan_is_hex(s[i + 2]))
        i += 2;
    uint64_t v = 0;
    size_t digits = 0;
    int overflow = 0;
    for (; i < len; i++) {
        int d = (int)scan_digit_value[(unsigned char)s[i]] - 1;
        if (d < 0) {
            /* A backtick only between digits. */
            if (allow_backtick && s[i] == '`' && digits && i + 1 < len && scan_is_hex(s[i + 1]))
                continue;
            break;
        }
        if (v >> 60)
            overflow = 1;
        v = (v << 4) | (uint64_t)d;
        digits++;
    }
    if (!digits)
        return SCAN_NONE;
    *pos = i;
    *out = v;
    return overflow ? SCAN_OVERFLOW : SCAN_OK;
}

scan_result scan_dec(const char *s, size_t len, size_t *pos, uint64_t *out)
{
    size_t i = *pos;
    uint64_t v = 0;
    int overflow = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            overflow = 1;
        v = v * 10 + d;
    }
    if (i == *pos)
        return SCAN_NONE;
    *pos = i;
    *out = v;
    return overflow ? SCAN_OVERFLOW : SCAN_OK;
}

int scan_literal(const char *s, size_t len, size_t *pos, const char *lit)
{
    size_t n = strlen(lit);
    if (*pos > len || len - *pos < n || memcmp(s + *pos, lit, n) != 0)
        return 0;
    *pos += n;
    return 1;
}

int scan_contains(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    for (size_t i = 0; n && i + n <= len; i++) {
        const char *hit = memchr(s + i, lit[0], len - i - n + 1);
        if (!hit)
            return 0;
        i = (size_t)(hit - s);
        if (memcmp(hit, lit, n) == 0)
            return 1;
    }
    return n == 0;
}

size_t scan_kd_prompt(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i) {
        if (i >= len || s[i] != ':')
            return 0;
        i++;
        scan_skip_space(s, len, &i);
    }
    if (!scan_literal(s, len, &i, "kd>") && !scan_literal(s, len, &i, "lkd>"))
        return 0;
    scan_skip_space(s, len, &i);
    return i;
}
