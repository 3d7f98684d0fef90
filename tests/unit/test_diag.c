/* Diagnostic records and their formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <lineage/lineage.h>

#include "limits.h"

static void test_format_with_caret(void **state)
{
    (void)state;
    lineage_diag_list *l = lineage_diag_list_new();
    const char *line = "Parent*: 0x1--->";
    lineage_diag_add(l, LINEAGE_WARNING, "a.txt", 7, 7, line, strlen(line), "expected '%s'", "+");
    char *s = lineage_diag_format(lineage_diag_list_get(l, 0));
    assert_string_equal(s, "a.txt:7:7: warning: expected '+'\n"
                           " Parent*: 0x1--->\n"
                           "       ^\n");
    free(s);
    lineage_diag_list_free(l);
}

static void test_control_bytes_escaped(void **state)
{
    (void)state;
    lineage_diag_list *l = lineage_diag_list_new();
    const char line[] = "x\x1b[31my\tz\xff";
    lineage_diag_add(l, LINEAGE_ERROR, "b", 1, 6, line, sizeof line - 1, "bad");
    char *s = lineage_diag_format(lineage_diag_list_get(l, 0));
    assert_string_equal(s, "b:1:6: error: bad\n"
                           " x\\x1b[31my\\tz\\xff\n"
                           "         ^\n");
    free(s);
    lineage_diag_list_free(l);
}

static void test_long_line_excerpt(void **state)
{
    (void)state;
    size_t n = 100000;
    char *line = malloc(n);
    memset(line, 'a', n);
    line[50000] = 'X';
    lineage_diag_list *l = lineage_diag_list_new();
    lineage_diag_add(l, LINEAGE_WARNING, "c", 2, 50001, line, n, "here");
    const lineage_diag *d = lineage_diag_list_get(l, 0);
    assert_int_equal(strlen(lineage_diag_get_source_line(d)), LINEAGE_DIAG_EXCERPT);
    unsigned col = lineage_diag_get_excerpt_column(d);
    assert_int_equal(lineage_diag_get_source_line(d)[col - 1], 'X');
    free(line);
    lineage_diag_list_free(l);
}

/* A severity outside the enum counts as an error, not past the counts. */
static void test_severity_out_of_range(void **state)
{
    (void)state;
    lineage_diag_list *l = lineage_diag_list_new();
    lineage_diag_add(l, (lineage_severity)7, "e", 1, 0, NULL, 0, "odd");
    assert_int_equal(lineage_diag_get_severity(lineage_diag_list_get(l, 0)), LINEAGE_ERROR);
    assert_int_equal(lineage_diag_list_count_at_least(l, LINEAGE_ERROR), 1);
    assert_int_equal(lineage_diag_list_count_at_least(l, (lineage_severity)7), 0);
    lineage_diag_list_free(l);
}

static void test_cap_and_counts(void **state)
{
    (void)state;
    lineage_diag_list *l = lineage_diag_list_new();
    for (unsigned i = 0; i < LINEAGE_MAX_DIAGS_PER_LIST + 5; i++)
        lineage_diag_add(l, i % 2 ? LINEAGE_ERROR : LINEAGE_NOTE, "d", i + 1, 0, NULL, 0, "n%u", i);
    assert_int_equal(lineage_diag_list_count(l), LINEAGE_MAX_DIAGS_PER_LIST);
    assert_int_equal(lineage_diag_list_dropped(l), 5);
    assert_int_equal(lineage_diag_list_count_at_least(l, LINEAGE_NOTE), LINEAGE_MAX_DIAGS_PER_LIST + 5);
    assert_int_equal(lineage_diag_list_count_at_least(l, LINEAGE_ERROR), (LINEAGE_MAX_DIAGS_PER_LIST + 5) / 2);
    lineage_diag_list *m = lineage_diag_list_new();
    lineage_diag_list_take(m, l);
    assert_int_equal(lineage_diag_list_count(l), 0);
    assert_int_equal(lineage_diag_list_count(m), LINEAGE_MAX_DIAGS_PER_LIST);
    assert_int_equal(lineage_diag_list_dropped(m), 5);
    lineage_diag_list_free(l);
    lineage_diag_list_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_with_caret),
        cmocka_unit_test(test_control_bytes_escaped),
        cmocka_unit_test(test_long_line_excerpt),
        cmocka_unit_test(test_cap_and_counts),
        cmocka_unit_test(test_severity_out_of_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
