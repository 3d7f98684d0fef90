/* Safe terminal output: nothing from the input reaches the text tree, the
 * dump summary or a formatted diagnostic as a control character, an
 * escape sequence, a bidirectional override or invalid UTF-8. Each test
 * pins the exact escaped text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <lineage/rules.h>

#include "helpers.h"

/* The ASCII tree of a one-process listing whose image name is `name`
 * (`len` bytes, may hold NUL). */
static char *tree_for_name(const char *name, size_t len)
{
    static const char head[] = "Parent+: 0x0--->\tChild: 0x4\tActiveThreads->0001\t";
    char buf[512];
    assert_true(sizeof head - 1 + len + 1 < sizeof buf);
    memcpy(buf, head, sizeof head - 1);
    memcpy(buf + sizeof head - 1, name, len);
    buf[sizeof head - 1 + len] = '\n';
    lineage_session *s = lineage_session_new();
    lineage_reader *r = NULL;
    assert_int_equal(lineage_reader_open_memory(s, "t", buf, sizeof head + len, NULL, &r),
                     LINEAGE_OK);
    lineage_dump *d = NULL;
    assert_int_equal(lineage_reader_next(r, &d), LINEAGE_OK);
    assert_non_null(d);
    char *tree = lineage_render_tree_text(d, LINEAGE_RENDER_ASCII);
    lineage_dump_free(d);
    lineage_reader_free(r);
    lineage_session_free(s);
    return tree;
}

#define assert_tree_for(name_literal, expected)                                                  \
    do {                                                                                         \
        char *t_ = tree_for_name(name_literal, sizeof name_literal - 1);                         \
        assert_string_equal(t_, expected);                                                       \
        free(t_);                                                                                \
    } while (0)

static void test_escape_sequences(void **state)
{
    (void)state;
    assert_tree_for("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m (0x4) 1 thread\n");
    assert_tree_for("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07 (0x4) 1 thread\n");
}

static void test_control_bytes(void **state)
{
    (void)state;
    assert_tree_for("evil\rgood", "evil\\rgood (0x4) 1 thread\n");
    assert_tree_for("abc\b\b\bxyz", "abc\\x08\\x08\\x08xyz (0x4) 1 thread\n");
    assert_tree_for("a\0b", "a\\x00b (0x4) 1 thread\n");
    assert_tree_for("del\x7f", "del\\x7f (0x4) 1 thread\n");
    assert_tree_for("back\\slash", "back\\\\slash (0x4) 1 thread\n");
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    assert_tree_for("\xff\xfe", "\\xff\\xfe (0x4) 1 thread\n");
    assert_tree_for("\xc0\xaf", "\\xc0\\xaf (0x4) 1 thread\n");  /* overlong '/' */
    assert_tree_for("\xed\xa0\x80", "\\xed\\xa0\\x80 (0x4) 1 thread\n"); /* surrogate */
    assert_tree_for("caf\xc3\xa9", "caf\xc3\xa9 (0x4) 1 thread\n"); /* valid stays */
}

/* C1 controls (U+009B is CSI on some terminals) and bidirectional
 * overrides (which would show "exe.gpj" as "jpg.exe") are escaped. */
static void test_c1_and_bidi(void **state)
{
    (void)state;
    assert_tree_for("x\xc2\x9b" "31m", "x\\u009b31m (0x4) 1 thread\n");
    assert_tree_for("x\xc2\x85y", "x\\u0085y (0x4) 1 thread\n");
    assert_tree_for("gpj\xe2\x80\xae" "exe", "gpj\\u202eexe (0x4) 1 thread\n");
    assert_tree_for("a\xe2\x81\xa6" "b", "a\\u2066b (0x4) 1 thread\n");
    assert_tree_for("\xc2\xa0nbsp", "\xc2\xa0nbsp (0x4) 1 thread\n"); /* U+00A0 is text */
}

/* Invisible and format characters would make "svc<U+200B>host.exe" look
 * exactly like svchost.exe: they are shown as \uNNNN too. */
static void test_invisible_format_characters(void **state)
{
    (void)state;
    assert_tree_for("svc\xe2\x80\x8bhost.exe", "svc\\u200bhost.exe (0x4) 1 thread\n");
    assert_tree_for("ls\xc2\xad" "ass.exe", "ls\\u00adass.exe (0x4) 1 thread\n");
    assert_tree_for("\xef\xbb\xbf" "csrss.exe", "\\ufeffcsrss.exe (0x4) 1 thread\n");
    assert_tree_for("a\xe2\x81\xa0" "b\xe2\x80\x8f" "c", "a\\u2060b\\u200fc (0x4) 1 thread\n");
    assert_tree_for("x\xe2\x80\xa8y\xd8\x9c" "z", "x\\u2028y\\u061cz (0x4) 1 thread\n");
    assert_tree_for("m\xe1\xa0\x8en\xef\xbf\xbao", "m\\u180en\\ufffao (0x4) 1 thread\n");
}

/* A header field name is quoted in a warning: the message is escaped. */
static void test_diagnostic_message(void **state)
{
    (void)state;
    static const char text[] = "DUMP_HEADER64:\n\x1b[2J\x9b zz\n\n"
                               "Parent+: 0x0--->\tChild: 0x4\tActiveThreads->0001\tSystem\n";
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, text);
    const lineage_diag *g = lineage_diag_list_get(lineage_dump_get_diags(d), 0);
    assert_non_null(g);
    char *out = lineage_diag_format(g);
    assert_string_equal(out, "test.txt:2:7: warning: expected a hexadecimal value for "
                             "'\\x1b[2J\\x9b'\n"
                             " \\x1b[2J\\x9b zz\n"
                             "             ^\n");
    free(out);
    lineage_dump_free(d);
    lineage_session_free(s);
}

/* The source name (a file name is input too) is escaped in diagnostics
 * and in the dump summary. */
static void test_source_name(void **state)
{
    (void)state;
    static const char text[] = "Parent+: 0x0--->\tChild: 0x4\tActiveThreads->0001\tSystem\n";
    lineage_session *s = lineage_session_new();
    lineage_reader *r = NULL;
    assert_int_equal(lineage_reader_open_memory(s, "f\x1b[1m\n.txt", text, sizeof text - 1, NULL,
                                                &r),
                     LINEAGE_OK);
    lineage_dump *d = NULL;
    assert_int_equal(lineage_reader_next(r, &d), LINEAGE_OK);
    char *summary = lineage_dump_describe(d);
    assert_int_equal(strncmp(summary, "f\\x1b[1m\\n.txt #1 ", 18), 0);
    free(summary);
    lineage_diag_list *l = lineage_diag_list_new();
    lineage_diag_add(l, LINEAGE_ERROR, "f\x1b[1m\n.txt", 3, 0, NULL, 0, "%s", "bad\x1b[0m");
    char *out = lineage_diag_format(lineage_diag_list_get(l, 0));
    assert_string_equal(out, "f\\x1b[1m\\n.txt:3: error: bad\\x1b[0m\n");
    free(out);
    lineage_diag_list_free(l);
    lineage_dump_free(d);
    lineage_reader_free(r);
    lineage_session_free(s);
}

/* Rule-file text (a title) in the findings text is escaped too (the
 * golden check-engine cases pin that patterns keep their backslashes). */
static void test_findings_text(void **state)
{
    (void)state;
    static const char rules[] = "rule t {\n"
                                "  severity high\n"
                                "  title \"bad \x1b[31mred\x9e\"\n"
                                "  pid /^System\\.?$/ is 4 ppid 0\n"
                                "}\n";
    static const char text[] = "Parent+: 0x0--->\tChild: 0x8\tActiveThreads->0001\tSystem\n";
    lineage_session *s = lineage_session_new();
    lineage_ruleset *set = lineage_ruleset_new(s);
    lineage_diag_list *diags = lineage_diag_list_new();
    assert_int_equal(lineage_ruleset_load_string(set, "t.rules", rules, sizeof rules - 1, diags),
                     LINEAGE_OK);
    assert_int_equal(lineage_ruleset_compile(set, diags), LINEAGE_OK);
    lineage_dump *d = read_one(s, text);
    lineage_findings *f = lineage_findings_new();
    assert_int_equal(lineage_ruleset_check(set, d, f, diags), LINEAGE_OK);
    assert_int_equal(lineage_findings_count(f), 1);
    char *out = lineage_findings_render_text(f, d);
    assert_non_null(strstr(out, "\n    bad \\x1b[31mred\\x9e\n"));
    assert_null(strchr(out, '\x1b'));
    assert_non_null(strstr(out, "\n    expected: PID 4 with PPID 0\n"));
    free(out);
    lineage_findings_free(f);
    lineage_dump_free(d);
    lineage_diag_list_free(diags);
    lineage_ruleset_free(set);
    lineage_session_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_sequences),
        cmocka_unit_test(test_control_bytes),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_c1_and_bidi),
        cmocka_unit_test(test_invisible_format_characters),
        cmocka_unit_test(test_diagnostic_message),
        cmocka_unit_test(test_source_name),
        cmocka_unit_test(test_findings_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
