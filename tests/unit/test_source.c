/* The streaming line reader: line endings, BOMs, UTF-16, long lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "limits.h"
#include "source.h"
#include "strbuf.h"

/* Joins every line of the source with '|' . */
static char *all_lines(source *s, lineage_diag_list *diags)
{
    static char out[1 << 16];
    size_t n = 0;
    source_line ln;
    while (source_next_line(s, &ln, diags) == 1) {
        assert_true(n + ln.len + 1 < sizeof out);
        memcpy(out + n, ln.text, ln.len);
        n += ln.len;
        out[n++] = '|';
    }
    out[n] = '\0';
    return out;
}

static void test_line_endings(void **state)
{
    (void)state;
    const char text[] = "a\r\nb\n\nc";
    source *s = source_open_memory("m", text, sizeof text - 1);
    lineage_diag_list *d = lineage_diag_list_new();
    assert_string_equal(all_lines(s, d), "a|b||c|");
    assert_true(source_last_line_unterminated(s));
    source_free(s);
    lineage_diag_list_free(d);
}

static void test_utf8_bom(void **state)
{
    (void)state;
    const char text[] = "\xef\xbb\xbfhello\n";
    source *s = source_open_memory("m", text, sizeof text - 1);
    assert_string_equal(all_lines(s, NULL), "hello|");
    source_free(s);
}

/* Encodes ASCII (and one U+3042) as UTF-16 with or without a BOM. */
static size_t utf16(const char *ascii, int big_endian, int bom, unsigned char *out)
{
    size_t n = 0;
    if (bom) {
        out[n++] = big_endian ? 0xfe : 0xff;
        out[n++] = big_endian ? 0xff : 0xfe;
    }
    for (const char *p = ascii; *p; p++) {
        unsigned u = *p == '@' ? 0x3042 : (unsigned char)*p;
        out[n++] = (unsigned char)(big_endian ? u >> 8 : u & 0xff);
        out[n++] = (unsigned char)(big_endian ? u & 0xff : u >> 8);
    }
    return n;
}

static void test_utf16(void **state)
{
    (void)state;
    unsigned char buf[256];
    const char *text = "Parent+: 0x0000--->\r\nname @\r\n";
    for (int be = 0; be < 2; be++) {
        for (int bom = 0; bom < 2; bom++) {
            size_t n = utf16(text, be, bom, buf);
            source *s = source_open_memory("m", (const char *)buf, n);
            assert_string_equal(all_lines(s, NULL), "Parent+: 0x0000--->|name \xe3\x81\x82|");
            assert_int_equal(source_get_encoding(s), be ? SOURCE_UTF16BE : SOURCE_UTF16LE);
            source_free(s);
        }
    }
}

static void test_unpaired_surrogate(void **state)
{
    (void)state;
    const unsigned char buf[] = {0xff, 0xfe, 'a', 0, 0x00, 0xd8, 'b', 0, '\n', 0};
    source *s = source_open_memory("m", (const char *)buf, sizeof buf);
    assert_string_equal(all_lines(s, NULL), "a\xef\xbf\xbd" "b|");
    source_free(s);
}

static void test_long_line_skipped_streaming(void **state)
{
    (void)state;
    /* Through a pipe-backed file, so the streaming path is used. */
    char path[] = "/tmp/lineage-source-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("first\n", f);
    for (size_t i = 0; i < LINEAGE_MAX_LINE_LENGTH + 1000; i++)
        fputc('x', f);
    fputs("\nlast\n", f);
    fclose(f);
    lineage_diag_list *d = lineage_diag_list_new();
    source *s = source_open_path(path, d);
    assert_non_null(s);
    assert_string_equal(all_lines(s, d), "first|last|");
    assert_int_equal(lineage_diag_list_count(d), 1);
    assert_int_equal(lineage_diag_get_line(lineage_diag_list_get(d, 0)), 2);
    source_free(s);
    lineage_diag_list_free(d);
    unlink(path);
}

/* Pieces: a long line comes in pieces of LINEAGE_MAX_LINE_LENGTH bytes
 * with its number, from a file read in chunks and from memory; short
 * lines come whole; a CR goes only before the newline ending a line;
 * nothing is skipped and no diagnostic is added. */
static void check_pieces(source *s, lineage_diag_list *d, size_t long_len)
{
    static const struct {
        size_t len;
        unsigned long line;
        int ends;
        char first;
    } want[] = {
        {5, 1, 1, 'f'},
        {LINEAGE_MAX_LINE_LENGTH, 2, 0, '<'},
        {LINEAGE_MAX_LINE_LENGTH, 2, 0, 'x'},
        {0, 2, 1, 'x'}, /* the rest, set below */
        {0, 3, 1, 0},
        {4, 4, 1, 'l'},
    };
    source_line ln;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        int ends = -1;
        assert_int_equal(source_next_piece(s, &ln, &ends, d), 1);
        size_t len = i == 3 ? long_len - 2 * LINEAGE_MAX_LINE_LENGTH : want[i].len;
        assert_int_equal(ln.len, len);
        assert_int_equal(ln.number, want[i].line);
        assert_int_equal(ends, want[i].ends);
        if (len)
            assert_int_equal(ln.text[0], want[i].first);
        if (i == 3)
            assert_memory_equal(ln.text + len - 3, "xy>", 3); /* the CR dropped */
    }
    assert_int_equal(source_next_piece(s, &ln, &(int){0}, d), 0);
    assert_int_equal(lineage_diag_list_count(d), 0);
}

static void test_long_line_in_pieces(void **state)
{
    (void)state;
    size_t long_len = 2 * LINEAGE_MAX_LINE_LENGTH + 1000;
    strbuf text = STRBUF_INIT;
    strbuf_puts(&text, "first\n<");
    for (size_t i = 1; i < long_len - 2; i++)
        strbuf_putc(&text, 'x');
    strbuf_puts(&text, "y>\r\n\nlast\n");

    char path[] = "/tmp/lineage-source-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text.data, text.len), (ssize_t)text.len);
    close(fd);
    lineage_diag_list *d = lineage_diag_list_new();
    source *s = source_open_path(path, d);
    assert_non_null(s);
    check_pieces(s, d, long_len);
    source_free(s);
    s = source_open_memory("m", text.data, text.len);
    check_pieces(s, d, long_len);
    source_free(s);
    lineage_diag_list_free(d);
    unlink(path);
    strbuf_release(&text);
}

static void test_open_error(void **state)
{
    (void)state;
    lineage_diag_list *d = lineage_diag_list_new();
    assert_null(source_open_path("/nonexistent/lineage/file", d));
    assert_int_equal(lineage_diag_list_count(d), 1);
    assert_string_equal(lineage_diag_get_message(lineage_diag_list_get(d, 0)),
                        "cannot open: No such file or directory");
    lineage_diag_list_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_endings),
        cmocka_unit_test(test_utf8_bom),
        cmocka_unit_test(test_utf16),
        cmocka_unit_test(test_unpaired_surrogate),
        cmocka_unit_test(test_long_line_skipped_streaming),
        cmocka_unit_test(test_long_line_in_pieces),
        cmocka_unit_test(test_open_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
