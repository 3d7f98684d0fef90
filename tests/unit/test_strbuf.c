/* Growable strings: the printf-free number formatting, padding, printf
 * into the room already there, and escaping, which must give exactly
 * what a plain byte-by-byte escaper gives (the reference below) for every
 * byte, every run length around the eight-byte steps, both modes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "strbuf.h"
#include "utf8.h"

static void test_numbers(void **state)
{
    (void)state;
    const uint64_t values[] = {0, 1, 9, 10, 15, 16, 99, 100, 255, 4096, 0xdeadbeef,
                               1000000000000ull, UINT64_MAX / 10, UINT64_MAX - 1, UINT64_MAX};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char want[64];
        strbuf sb = STRBUF_INIT;
        strbuf_add_u64(&sb, values[i]);
        snprintf(want, sizeof want, "%llu", (unsigned long long)values[i]);
        assert_string_equal(sb.data, want);
        assert_int_equal(sb.len, strlen(want));
        sb.len = 0;
        strbuf_add_hex(&sb, values[i]);
        snprintf(want, sizeof want, "%llx", (unsigned long long)values[i]);
        assert_string_equal(sb.data, want);
        strbuf_release(&sb);
    }
}

static void test_pad_and_reserve(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    strbuf_reserve(&sb, 100);
    assert_non_null(sb.data);
    assert_string_equal(sb.data, "");
    assert_true(sb.cap > 100);
    strbuf_pad(&sb, ' ', 0);
    strbuf_puts(&sb, "ab");
    strbuf_pad(&sb, '.', 3);
    strbuf_putc(&sb, 'c');
    assert_string_equal(sb.data, "ab...c");
    strbuf_reserve(&sb, 1000);
    assert_string_equal(sb.data, "ab...c");
    strbuf_pad(&sb, '-', 2000);
    assert_int_equal(sb.len, 2006);
    assert_int_equal(sb.data[2005], '-');
    assert_int_equal(sb.data[2006], '\0');
    strbuf_release(&sb);
}

/* printf appends whether or not the result fits the room already there. */
static void test_printf(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    strbuf_printf(&sb, "%s-%d", "x", 42);
    assert_string_equal(sb.data, "x-42");
    char want[4096] = "x-42";
    for (int round = 0; round < 40; round++) {
        /* Some fit in the room left, some need the buffer to grow. */
        int width = (round * 37) % 300;
        strbuf_printf(&sb, "[%*d]", width, round);
        size_t at = strlen(want);
        snprintf(want + at, sizeof want - at, "[%*d]", width, round);
        assert_string_equal(sb.data, want);
        assert_int_equal(sb.len, strlen(want));
        if (strlen(want) > 3000) {
            sb.len = 0;
            want[0] = '\0';
        }
    }
    strbuf_release(&sb);
}

/* The escaping rules, written out byte by byte. */
static void reference_escape(strbuf *sb, const char *s, size_t len, int backslash)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        char tmp[16];
        if (c >= 0x80) {
            size_t n = utf8_valid_prefix(s + i, len - i);
            const unsigned char *p = (const unsigned char *)s + i;
            uint32_t cp = 0, x = 0;
            if (n == 2)
                x = (uint32_t)(p[0] & 0x1f) << 6 | (uint32_t)(p[1] & 0x3f);
            if (n == 3)
                x = (uint32_t)(p[0] & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 |
                    (uint32_t)(p[2] & 0x3f);
            if (n == 4)
                x = (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3f) << 12 |
                    (uint32_t)(p[2] & 0x3f) << 6 | (uint32_t)(p[3] & 0x3f);
            /* C1 controls and Default_Ignorable_Code_Point (Unicode 15),
             * line and paragraph separators, interlinear annotations. */
            static const uint32_t shown[][2] = {
                {0x80, 0x9f},       {0xad, 0xad},     {0x34f, 0x34f},   {0x61c, 0x61c},
                {0x115f, 0x1160},   {0x17b4, 0x17b5}, {0x180b, 0x180f}, {0x200b, 0x200f},
                {0x2028, 0x202e},   {0x2060, 0x206f}, {0x3164, 0x3164}, {0xfe00, 0xfe0f},
                {0xfeff, 0xfeff},   {0xffa0, 0xffa0}, {0xfff0, 0xfffb}, {0x1bca0, 0x1bca3},
                {0x1d173, 0x1d17a}, {0xe0000, 0xe0fff},
            };
            for (size_t k = 0; n && k < sizeof shown / sizeof shown[0]; k++)
                if (x >= shown[k][0] && x <= shown[k][1])
                    cp = x;
            if (cp) {
                snprintf(tmp, sizeof tmp, cp > 0xffff ? "\\U%08x" : "\\u%04x", (unsigned)cp);
                strbuf_puts(sb, tmp);
                i += n;
            } else if (n) {
                strbuf_add(sb, s + i, n);
                i += n;
            } else {
                snprintf(tmp, sizeof tmp, "\\x%02x", c);
                strbuf_puts(sb, tmp);
                i++;
            }
            continue;
        }
        if (c == '\t')
            strbuf_puts(sb, "\\t");
        else if (c == '\n')
            strbuf_puts(sb, "\\n");
        else if (c == '\r')
            strbuf_puts(sb, "\\r");
        else if (c == '\\' && backslash)
            strbuf_puts(sb, "\\\\");
        else if (c < 0x20 || c == 0x7f) {
            snprintf(tmp, sizeof tmp, "\\x%02x", c);
            strbuf_puts(sb, tmp);
        } else
            strbuf_putc(sb, (char)c);
        i++;
    }
    strbuf_add(sb, "", 0);
}

static void expect_same_escape(const char *s, size_t len)
{
    for (int backslash = 0; backslash <= 1; backslash++) {
        strbuf want = STRBUF_INIT, got = STRBUF_INIT;
        strbuf_puts(&want, "pre:");
        strbuf_puts(&got, "pre:");
        reference_escape(&want, s, len, backslash);
        if (backslash)
            strbuf_add_escaped(&got, s, len);
        else
            strbuf_add_escaped_text(&got, s, len);
        assert_int_equal(got.len, want.len);
        assert_memory_equal(got.data, want.data, want.len + 1);
        strbuf_release(&want);
        strbuf_release(&got);
    }
}

static void test_escape_every_byte(void **state)
{
    (void)state;
    /* Each byte alone and at every offset inside a run of plain text. */
    for (int c = 0; c < 256; c++) {
        char buf[40];
        memset(buf, 'a', sizeof buf);
        for (size_t at = 0; at < 20; at++) {
            memset(buf, 'a', sizeof buf);
            buf[at] = (char)c;
            expect_same_escape(buf, 1);
            expect_same_escape(buf + at, 1);
            expect_same_escape(buf, at + 1);
            expect_same_escape(buf, sizeof buf);
        }
    }
    /* Invisible controls and ordinary UTF-8 around the word steps. */
    const char *samples[] = {
        "abcdefg\xc2\x9b" "hijklmnopq",       "abcdefgh\xe2\x80\xae" "tail-of-the-text",
        "\xe2\x81\xa6" "isolate\xe2\x81\xa9", "caf\xc3\xa9 na\xc3\xafve r\xc3\xa9sum\xc3\xa9",
        "\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", "back\\slash\\\\path\\",
        "\xc0\xaf overlong \xed\xa0\x80 surrogate", "x\xf0\x9f\x98\x80y",
        "1234567\x7f" "89abcdef\x1b[31m",     "",
        "svc\xe2\x80\x8b" "host.exe soft\xc2\xad" "hyphen \xd8\x9c" "alm \xe1\xa0\x8e" "mvs",
        "\xef\xbb\xbf" "bom \xef\xbf\xb9\xef\xbf\xba\xef\xbf\xbb" "ann \xe2\x80\xa8\xe2\x80\xa9",
        "\xe2\x81\xa0\xe2\x81\xa4\xe2\x81\xa5\xe2\x81\xaf \xe2\x80\x8a\xe2\x80\x90 \xc2\xa0\xc2\xae",
    };
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
        expect_same_escape(samples[i], strlen(samples[i]));
    /* Escaping nothing into a new string still gives "". */
    strbuf sb = STRBUF_INIT;
    strbuf_add_escaped(&sb, "", 0);
    assert_non_null(sb.data);
    assert_string_equal(sb.data, "");
    strbuf_release(&sb);
}

/* Invisible and format characters are shown, so a name holding one never
 * looks like the name without it; their neighbours stay as they are. */
/* Layout stays, everything else is escaped as in strbuf_add_escaped_text. */
static void test_escape_layout(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    const char *text = "rule a {\n\ttitle \"x\x1b\r\\.exe\"\n}";
    strbuf_add_escaped_layout(&sb, text, strlen(text));
    assert_string_equal(sb.data, "rule a {\n\ttitle \"x\\x1b\\r\\.exe\"\n}");
    strbuf_release(&sb);
    strbuf_add_escaped_layout(&sb, "", 0);
    assert_string_equal(sb.data, "");
    strbuf_release(&sb);
}

static void test_escape_invisible(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"svc\xe2\x80\x8bhost.exe", "svc\\u200bhost.exe"},   /* zero width space */
        {"svc\xe2\x80\x8c" "a\xe2\x80\x8d" "b", "svc\\u200ca\\u200db"},
        {"l\xe2\x80\x8e" "r\xe2\x80\x8f", "l\\u200er\\u200f"}, /* LRM, RLM */
        {"soft\xc2\xadhyphen", "soft\\u00adhyphen"},
        {"a\xd8\x9c" "b", "a\\u061cb"},                       /* Arabic letter mark */
        {"a\xe1\xa0\x8e" "b", "a\\u180eb"},                   /* Mongolian vowel sep. */
        {"\xe2\x81\xa0" "a\xe2\x81\xa4", "\\u2060a\\u2064"},  /* word joiner ... */
        {"\xef\xbb\xbf" "bom", "\\ufeffbom"},
        {"\xef\xbf\xb9" "x\xef\xbf\xbb", "\\ufff9x\\ufffb"},  /* annotations */
        {"l1\xe2\x80\xa8l2\xe2\x80\xa9", "l1\\u2028l2\\u2029"},
        {"\xe2\x80\xaa\xe2\x81\xa6\xe2\x81\xa9", "\\u202a\\u2066\\u2069"},
        {"a\xe2\x81\xa5" "b", "a\\u2065b"},                   /* unassigned, ignorable */
        {"a\xcd\x8f" "b", "a\\u034fb"},                       /* grapheme joiner */
        {"\xe3\x85\xa4" "x\xef\xbe\xa0", "\\u3164x\\uffa0"},   /* Hangul fillers */
        {"\xe1\x85\x9f\xe1\x9e\xb4", "\\u115f\\u17b4"},
        {"heart\xef\xb8\x8f", "heart\\ufe0f"},                /* variation selector */
        /* Tag characters hide ASCII text: U+E0001, then "hi" as tags. */
        {"svchost\xf3\xa0\x80\x81\xf3\xa0\x81\xa8\xf3\xa0\x81\xa9",
         "svchost\\U000e0001\\U000e0068\\U000e0069"},
        {"a\xf3\xa0\x84\x80" "b\xf0\x9d\x85\xb3", "a\\U000e0100b\\U0001d173"},
        /* Visible neighbours: hyphen, no-break space, U+2070, U+FE10,
         * U+E1000 (just past the ignorable block), an emoji. */
        {"\xe2\x80\x90\xc2\xa0\xe2\x81\xb0\xef\xb8\x90\xf3\xa1\x80\x80\xf0\x9f\x98\x80",
         "\xe2\x80\x90\xc2\xa0\xe2\x81\xb0\xef\xb8\x90\xf3\xa1\x80\x80\xf0\x9f\x98\x80"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        strbuf sb = STRBUF_INIT;
        strbuf_add_escaped(&sb, cases[i].in, strlen(cases[i].in));
        assert_string_equal(sb.data, cases[i].out);
        sb.len = 0;
        strbuf_add_escaped_text(&sb, cases[i].in, strlen(cases[i].in));
        assert_string_equal(sb.data, cases[i].out);
        strbuf_release(&sb);
    }
}

/* Pseudo-random strings drawn mostly from plain text with a few bytes of
 * every other kind: a fixed generator, so a failure repeats. */
static void test_escape_random(void **state)
{
    (void)state;
    uint32_t x = 12345;
    const char pool[] = "abcXYZ09 ./%-_\\\t\n\r\x01\x1f\x7f\x80\x9f\xc2\xe2\x80\xae\xc3\xa9\xff";
    char buf[96];
    for (int round = 0; round < 20000; round++) {
        x = x * 1103515245u + 12345u;
        size_t len = (x >> 16) % sizeof buf;
        for (size_t i = 0; i < len; i++) {
            x = x * 1103515245u + 12345u;
            unsigned r = (x >> 16) & 0xff;
            buf[i] = r < 200 ? (char)('a' + r % 26) : pool[r % (sizeof pool - 1)];
        }
        expect_same_escape(buf, len);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_pad_and_reserve),
        cmocka_unit_test(test_printf),
        cmocka_unit_test(test_escape_every_byte),
        cmocka_unit_test(test_escape_invisible),
        cmocka_unit_test(test_escape_layout),
        cmocka_unit_test(test_escape_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
