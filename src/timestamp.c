/* Timestamp parsing and formatting (proleptic Gregorian, UTC). */
#include "timestamp.h"

#include <stdio.h>

#include "scan.h"

/* Days from 1970-01-01 to y-m-d (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char *s, size_t len, size_t *i, size_t n, unsigned *out)
{
    unsigned v = 0;
    for (size_t k = 0; k < n; k++, (*i)++) {
        if (*i >= len || s[*i] < '0' || s[*i] > '9')
            return 0;
        v = v * 10 + (unsigned)(s[*i] - '0');
    }
    *out = v;
    return 1;
}

static int expect_char(const char *s, size_t len, size_t *i, char c)
{
    if (*i < len && s[*i] == c) {
        (*i)++;
        return 1;
    }
    return 0;
}

static int days_in_month(unsigned y, unsigned m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return days[m - 1] + (m == 2 && leap);
}

/* "+hh:mm", "+hhmm", "-hh:mm": offset in seconds east of UTC. */
static int parse_offset(const char *s, size_t len, size_t *i, int64_t *offset)
{
    int sign = s[*i] == '-' ? -1 : 1;
    (*i)++;
    unsigned hh, mm;
    if (!digits(s, len, i, 2, &hh))
        return 0;
    expect_char(s, len, i, ':');
    if (!digits(s, len, i, 2, &mm) || hh > 23 || mm > 59)
        return 0;
    *offset = sign * (int64_t)(hh * 3600 + mm * 60);
    return 1;
}

int timestamp_parse(const char *s, size_t len, uint64_t *out)
{
    scan_trim(&s, &len);
    size_t i = 0;
    unsigned y, mo, d, h, mi, se, frac = 0;
    if (!digits(s, len, &i, 4, &y) || !expect_char(s, len, &i, '-') ||
        !digits(s, len, &i, 2, &mo) || !expect_char(s, len, &i, '-') ||
        !digits(s, len, &i, 2, &d))
        return 0;
    if (!(expect_char(s, len, &i, ' ') || expect_char(s, len, &i, 'T')))
        return 0;
    if (!digits(s, len, &i, 2, &h) || !expect_char(s, len, &i, ':') ||
        !digits(s, len, &i, 2, &mi) || !expect_char(s, len, &i, ':') ||
        !digits(s, len, &i, 2, &se))
        return 0;
    if (expect_char(s, len, &i, '.')) {
        size_t n = 0;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, n++)
            if (n < 6)
                frac = frac * 10 + (unsigned)(s[i] - '0');
        if (n == 0 || n > 9)
            return 0;
        for (; n < 6; n++)
            frac *= 10;
    }
    int64_t offset = 0;
    size_t k = i;
    scan_skip_space(s, len, &k);
    if (k < len) {
        i = k;
        if (scan_literal(s, len, &i, "UTC") || scan_literal(s, len, &i, "Z")) {
            if (i < len && (s[i] == '+' || s[i] == '-') && !parse_offset(s, len, &i, &offset))
                return 0;
        } else if (s[i] == '+' || s[i] == '-') {
            if (!parse_offset(s, len, &i, &offset))
                return 0;
        }
        if (i != len)
            return 0;
    }
    if (y < 1601 || mo < 1 || mo > 12 || d < 1 || (int)d > days_in_month(y, mo) || h > 23 ||
        mi > 59 || se > 60)
        return 0;
    int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - offset;
    if (secs < 0)
        return 0; /* before 1970: no process of a dump was created then */
    *out = (uint64_t)secs * 1000000u + frac;
    return 1;
}

void timestamp_format(uint64_t us, char *buf, size_t size)
{
    int64_t secs = (int64_t)(us / 1000000u);
    unsigned frac = (unsigned)(us % 1000000u);
    int64_t days = secs / 86400, rem = secs % 86400;
    /* civil_from_days */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    if (frac)
        snprintf(buf, size, "%04lld-%02u-%02u %02u:%02u:%02u.%06u UTC", (long long)y, m, d,
                 (unsigned)(rem / 3600), (unsigned)(rem % 3600 / 60), (unsigned)(rem % 60), frac);
    else
        snprintf(buf, size, "%04lld-%02u-%02u %02u:%02u:%02u UTC", (long long)y, m, d,
                 (unsigned)(rem / 3600), (unsigned)(rem % 3600 / 60), (unsigned)(rem % 60));
}
