/* The RFC 4180 field splitter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csv.h"
#include "helpers.h"

#define MAXF 16

/* Splits `line` and checks the unescaped values against the
 * NULL-terminated list that follows. */
static void assert_split(const char *line, int backslash, csv_error_kind want_err, ...)
{
    csv_field f[MAXF];
    csv_error err;
    size_t n = csv_split_checked(line, strlen(line), f, MAXF, backslash, &err);
    assert_int_equal(err.kind, want_err);
    va_list ap;
    va_start(ap, want_err);
    size_t i = 0;
    for (const char *want; (want = va_arg(ap, const char *)) != NULL; i++) {
        assert_true(i < n);
        char buf[256];
        assert_true(f[i].len < sizeof buf);
        size_t m = csv_unescape(&f[i], buf, backslash);
        buf[m] = '\0';
        assert_string_equal(buf, want);
    }
    va_end(ap);
    assert_int_equal(n, i);
}

static void test_plain(void **state)
{
    (void)state;
    assert_split("a,b,c", 0, CSV_OK, "a", "b", "c", NULL);
    assert_split("", 0, CSV_OK, "", NULL);
    assert_split(",", 0, CSV_OK, "", "", NULL);
    assert_split("a,,c,", 0, CSV_OK, "a", "", "c", "", NULL);
    assert_split(" a , b ", 0, CSV_OK, " a ", " b ", NULL);
    assert_split("a,b\r", 0, CSV_OK, "a", "b", NULL);
}

static void test_quoted(void **state)
{
    (void)state;
    assert_split("\"a,b\",c", 0, CSV_OK, "a,b", "c", NULL);
    assert_split("\"say \"\"hi\"\"\",x", 0, CSV_OK, "say \"hi\"", "x", NULL);
    assert_split("\"\"", 0, CSV_OK, "", NULL);
    assert_split("\"\"\"\"", 0, CSV_OK, "\"", NULL);
    assert_split("x,\"\"", 0, CSV_OK, "x", "", NULL);
    assert_split("\"C:\\Windows\\cmd.exe\"", 0, CSV_OK, "C:\\Windows\\cmd.exe", NULL);
}

static void test_backslash(void **state)
{
    (void)state;
    assert_split("C:\\\\Windows\\\\cmd.exe,1", 1, CSV_OK, "C:\\Windows\\cmd.exe", "1", NULL);
    assert_split("\"a\\,b\\\\\",c", 1, CSV_OK, "a,b\\", "c", NULL);
    assert_split("a\\,b,c", 1, CSV_OK, "a,b", "c", NULL);
    /* without the option a backslash is plain data */
    assert_split("a\\,b", 0, CSV_OK, "a\\", "b", NULL);
    /* a lone trailing backslash stays */
    assert_split("ab\\", 1, CSV_OK, "ab\\", NULL);
}

static void test_flags_and_columns(void **state)
{
    (void)state;
    csv_field f[4];
    const char *line = "ab,\"c\"\"d\",\"e\"";
    size_t n = csv_split(line, strlen(line), f, 4, 0);
    assert_int_equal(n, 3);
    assert_int_equal(f[0].flags, 0);
    assert_int_equal(f[0].column, 0);
    assert_int_equal(f[1].flags, CSV_FIELD_QUOTED | CSV_FIELD_ESCAPED);
    assert_int_equal(f[1].column, 4);
    assert_int_equal(f[2].flags, CSV_FIELD_QUOTED);
    assert_int_equal(f[2].len, 1);
    assert_memory_equal(f[2].text, "e", 1);
}

static void test_more_fields_than_max(void **state)
{
    (void)state;
    csv_field f[2];
    size_t n = csv_split("1,2,3,4", 7, f, 2, 0);
    assert_int_equal(n, 4);
    assert_int_equal(f[1].len, 1);
    assert_memory_equal(f[1].text, "2", 1);
    assert_int_equal(csv_split("1,2", 3, NULL, 0, 0), 2);
}

static void test_malformed(void **state)
{
    (void)state;
    csv_field f[4];
    csv_error err;
    assert_split("a,\"open", 0, CSV_E_UNTERMINATED, "a", "open", NULL);
    csv_split_checked("a,\"open", 7, f, 4, 0, &err);
    assert_int_equal(err.column, 2);
    assert_split("\"ab\"cd,e", 0, CSV_E_AFTER_QUOTE, "ab", "e", NULL);
    csv_split_checked("\"ab\"cd,e", 8, f, 4, 0, &err);
    assert_int_equal(err.column, 4);
    assert_split("ab\"c,d", 0, CSV_E_BARE_QUOTE, "ab\"c", "d", NULL);
    /* the first problem is the one reported */
    csv_split_checked("x\"y,\"z", 6, f, 4, 0, &err);
    assert_int_equal(err.kind, CSV_E_BARE_QUOTE);
    assert_int_equal(err.column, 1);
    /* a backslash before the closing quote escapes it */
    assert_split("\"a\\\"", 1, CSV_E_UNTERMINATED, "a\"", NULL);
    assert_true(strlen(csv_error_message(CSV_E_UNTERMINATED)) > 0);
    assert_string_equal(csv_error_message(CSV_OK), "");
}

static void test_multiline_join(void **state)
{
    (void)state;
    /* a caller joins the next line after CSV_E_UNTERMINATED */
    const char *joined = "1,\"two\nlines\",3";
    csv_field f[4];
    csv_error err;
    size_t n = csv_split_checked(joined, strlen(joined), f, 4, 0, &err);
    assert_int_equal(err.kind, CSV_OK);
    assert_int_equal(n, 3);
    arena *a = arena_new();
    assert_string_equal(csv_field_dup(a, &f[1], 0), "two\nlines");
    assert_string_equal(csv_field_dup(a, &f[2], 0), "3");
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_quoted),
        cmocka_unit_test(test_backslash),
        cmocka_unit_test(test_flags_and_columns),
        cmocka_unit_test(test_more_fields_than_max),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_multiline_join),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
