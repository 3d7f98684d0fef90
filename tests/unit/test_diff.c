/* Differential comparison and profiles: the laws (merge associative and
 * commutative, learn(x ++ y) = merge(learn x, learn y)), the text round
 * trip, self-diff, PID renumbering, and the tampered-copy case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"
#include "strbuf.h"

static lineage_profile *learn(lineage_session *s, lineage_dump **d, size_t n)
{
    lineage_profile *p = lineage_profile_new(s);
    for (size_t i = 0; i < n; i++)
        lineage_profile_add_dump(p, d[i]);
    return p;
}

static void assert_same_profile(const lineage_profile *a, const lineage_profile *b)
{
    char *ta = lineage_profile_write_text(a), *tb = lineage_profile_write_text(b);
    assert_string_equal(ta, tb);
    free(ta);
    free(tb);
}

static size_t read_seed(lineage_session *s, lineage_dump **d)
{
    char *text = read_source_file("examples/all-four.txt", NULL);
    size_t n = read_dumps(s, text, d, 4, NULL);
    free(text);
    assert_int_equal(n, 4);
    return n;
}

static void test_merge_laws(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d[4];
    read_seed(s, d);
    lineage_profile *a = learn(s, d, 1), *b = learn(s, d + 1, 2), *c = learn(s, d + 3, 1);

    lineage_profile *ab_c = lineage_profile_new(s), *a_bc = lineage_profile_new(s);
    lineage_profile *bc = lineage_profile_new(s);
    lineage_profile_merge(ab_c, a);
    lineage_profile_merge(ab_c, b);
    lineage_profile_merge(ab_c, c);
    lineage_profile_merge(bc, b);
    lineage_profile_merge(bc, c);
    lineage_profile_merge(a_bc, a);
    lineage_profile_merge(a_bc, bc);
    assert_same_profile(ab_c, a_bc);

    lineage_profile *ba = lineage_profile_new(s), *ab = lineage_profile_new(s);
    lineage_profile_merge(ab, a);
    lineage_profile_merge(ab, b);
    lineage_profile_merge(ba, b);
    lineage_profile_merge(ba, a);
    assert_same_profile(ab, ba);

    lineage_profile *all = learn(s, d, 4);
    assert_same_profile(all, ab_c);
    assert_int_equal(lineage_profile_get_dump_count(all), 4);

    lineage_profile *profiles[] = {a, b, c, ab_c, a_bc, bc, ba, ab, all};
    for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
        lineage_profile_free(profiles[i]);
    for (size_t i = 0; i < 4; i++)
        lineage_dump_free(d[i]);
    lineage_session_free(s);
}

static void test_text_round_trip(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d[4];
    read_seed(s, d);
    lineage_profile *p = learn(s, d, 4);
    char *text = lineage_profile_write_text(p);
    lineage_diag_list *diags = lineage_diag_list_new();
    lineage_profile *q = NULL;
    assert_int_equal(lineage_profile_parse(s, "p", text, strlen(text), diags, &q), LINEAGE_OK);
    assert_same_profile(p, q);
    free(text);
    lineage_profile_free(q);

    /* Errors carry line and column. */
    const char *bad = "lineage-profile 1\ndumps 1\nkey \"a\" dumps 1 count 2 1 total 2 exited 0 "
                      "threads - - at \"x\" 3\n";
    assert_int_equal(lineage_profile_parse(s, "bad", bad, strlen(bad), diags, &q), LINEAGE_E_PARSE);
    assert_null(q);
    assert_int_equal(diags_matching(diags, "inconsistent counts"), 1);
    assert_int_equal(lineage_diag_get_line(lineage_diag_list_get(diags, 0)), 3);
    const char *v2 = "lineage-profile 2\n";
    assert_int_equal(lineage_profile_parse(s, "v2", v2, strlen(v2), diags, &q), LINEAGE_E_PARSE);
    assert_int_equal(diags_matching(diags, "unsupported profile version"), 1);
    lineage_diag_list_free(diags);
    lineage_profile_free(p);
    for (size_t i = 0; i < 4; i++)
        lineage_dump_free(d[i]);
    lineage_session_free(s);
}

static void test_self_diff_is_empty(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d[4];
    read_seed(s, d);
    for (size_t i = 0; i < 4; i++) {
        lineage_profile *p = learn(s, d + i, 1);
        lineage_diff *x = NULL;
        lineage_diff_options opt = {0, 1};
        assert_int_equal(lineage_diff_new(p, d[i], &opt, &x), LINEAGE_OK);
        assert_int_equal(lineage_diff_count(x), 0);
        assert_ptr_equal(lineage_diff_get_suspect(x), d[i]);
        lineage_diff_free(x);
        lineage_profile_free(p);
    }
    for (size_t i = 0; i < 4; i++)
        lineage_dump_free(d[i]);
    lineage_session_free(s);
}

/* Adds 0x10000 to every PID and PPID except PPID 0. */
static char *renumber(const char *text)
{
    strbuf sb = STRBUF_INIT;
    for (const char *p = text; *p;) {
        if (strncmp(p, "Child: 0x", 9) == 0 || strncmp(p, "Parent+: 0x", 11) == 0 ||
            strncmp(p, "Parent-: 0x", 11) == 0) {
            const char *x = strstr(p, "0x") + 2;
            strbuf_add(&sb, p, (size_t)(x - p));
            if (strncmp(x, "0000-", 5) != 0)
                strbuf_putc(&sb, '1');
            p = x;
        } else {
            strbuf_putc(&sb, *p++);
        }
    }
    return strbuf_detach(&sb);
}

static void test_pid_renumbering_changes_nothing(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    char *text = read_source_file("examples/all-four.txt", NULL);
    char *moved = renumber(text);
    lineage_dump *d[4], *m[4];
    assert_int_equal(read_dumps(s, text, d, 4, NULL), 4);
    assert_int_equal(read_dumps(s, moved, m, 4, NULL), 4);
    assert_true(lineage_process_get_pid(lineage_dump_process(m[0], 1)) !=
                lineage_process_get_pid(lineage_dump_process(d[0], 1)));
    for (size_t i = 0; i < 4; i++) {
        lineage_profile *p = learn(s, d + i, 1), *q = learn(s, m + i, 1);
        assert_same_profile(p, q);
        lineage_diff *x = NULL;
        assert_int_equal(lineage_diff_new(p, m[i], NULL, &x), LINEAGE_OK);
        assert_int_equal(lineage_diff_count(x), 0);
        lineage_diff_free(x);
        lineage_profile_free(p);
        lineage_profile_free(q);
        lineage_dump_free(d[i]);
        lineage_dump_free(m[i]);
    }
    free(text);
    free(moved);
    lineage_session_free(s);
}

/* One differ over a profile, reused for many suspects in turn, gives what
 * lineage_diff_new gives for each, options included. */
static void test_differ_reused(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d[4];
    read_seed(s, d);
    char *bad = read_source_file("tests/data/win10-tampered.txt", NULL);
    lineage_dump *suspects[5] = {d[0], d[1], d[2], d[3], read_one(s, bad)};
    lineage_profile *p = learn(s, d + 1, 3);
    for (uint64_t support = 0; support <= 2; support++) {
        lineage_diff_options opt = {support, (int)support % 2};
        lineage_differ *df = lineage_differ_new(p, &opt);
        size_t total = 0;
        for (int pass = 0; pass < 2; pass++)
            for (size_t i = 0; i < 5; i++) {
                lineage_diff *x = NULL, *y = NULL;
                assert_int_equal(lineage_differ_diff(df, suspects[i], &x), LINEAGE_OK);
                assert_int_equal(lineage_diff_new(p, suspects[i], &opt, &y), LINEAGE_OK);
                char *tx = lineage_diff_render_text_flags(x, 0);
                char *ty = lineage_diff_render_text_flags(y, 0);
                assert_string_equal(tx, ty);
                total += lineage_diff_count(x);
                free(tx);
                free(ty);
                lineage_diff_free(x);
                lineage_diff_free(y);
            }
        assert_true(total > 0);
        lineage_differ_free(df);
    }
    lineage_diff *none = NULL;
    assert_int_equal(lineage_differ_diff(NULL, d[0], &none), LINEAGE_E_ARG);
    assert_null(none);
    assert_null(lineage_differ_new(NULL, NULL));
    lineage_profile_free(p);
    free(bad);
    for (size_t i = 0; i < 5; i++)
        lineage_dump_free(suspects[i]);
    lineage_session_free(s);
}

static void test_tampered_copy(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    char *base = read_source_file("examples/win10-x64.txt", NULL);
    char *bad = read_source_file("tests/data/win10-tampered.txt", NULL);
    lineage_dump *b = read_one(s, base), *t = read_one(s, bad);
    lineage_profile *p = learn(s, &b, 1);
    lineage_diff *x = NULL;
    assert_int_equal(lineage_diff_new(p, t, NULL, &x), LINEAGE_OK);
    assert_int_equal(lineage_diff_count(x), 2);
    const lineage_difference *a = lineage_diff_get(x, 0), *c = lineage_diff_get(x, 1);
    assert_string_equal(lineage_difference_get_key(a), "?/wininit.exe/services.exe/lsass.exe");
    assert_int_equal(lineage_difference_get_level(a), LINEAGE_LEVEL_CRITICAL);
    assert_int_equal(lineage_process_get_line(lineage_difference_get_process(a)), 51);
    assert_int_equal(lineage_difference_get_baseline_line(a), 38);
    assert_string_equal(lineage_difference_get_key(c),
                        "?/winlogon.exe/userinit.exe/explorer.exe/svchost.exe");
    assert_int_equal(lineage_difference_get_kind(c), LINEAGE_DIFF_REPARENTED);
    assert_int_equal(lineage_difference_get_level(c), LINEAGE_LEVEL_HIGH);
    assert_int_equal(lineage_process_get_line(lineage_difference_get_process(c)), 54);
    lineage_diff_free(x);
    lineage_profile_free(p);
    lineage_dump_free(b);
    lineage_dump_free(t);
    free(base);
    free(bad);
    lineage_session_free(s);
}

/* The matrix as JSON: columns with their file and number, rows in the
 * text's order (differing first) with a count a column, names escaped. */
static void test_matrix_json(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d[2];
    d[0] = read_one(s, "Parent+: 0x0--->\tChild: 0x4\tActiveThreads->0002\tSystem\n"
                       "Parent+: 0x4--->\tChild: 0x10\tActiveThreads->0001\ta\"b\\c.exe\n"
                       "Parent+: 0x4--->\tChild: 0x14\tActiveThreads->0001\tsmss.exe\n");
    d[1] = read_one(s, "Parent+: 0x0--->\tChild: 0x4\tActiveThreads->0002\tSystem\n"
                       "Parent+: 0x4--->\tChild: 0x14\tActiveThreads->0001\tsmss.exe\n"
                       "Parent+: 0x4--->\tChild: 0x18\tActiveThreads->0001\tsmss.exe\n");
    lineage_matrix *m = lineage_matrix_new(s);
    assert_int_equal(lineage_matrix_add_dump(m, d[0]), LINEAGE_OK);
    assert_int_equal(lineage_matrix_add_dump(m, d[1]), LINEAGE_OK);
    char *json = lineage_matrix_render_json(m);
    assert_string_equal(json, "{\"columns\":[\n"
                              "{\"source\":\"test.txt\",\"index\":1,\"label\":\"unknown\"},\n"
                              "{\"source\":\"test.txt\",\"index\":1,\"label\":\"unknown\"}\n"
                              "],\"rows\":[\n"
                              "{\"parent\":\"system\",\"child\":\"a\\\"b\\\\c.exe\",\"differs\":true,"
                              "\"counts\":[1,0]},\n"
                              "{\"parent\":\"system\",\"child\":\"smss.exe\",\"differs\":true,"
                              "\"counts\":[1,2]},\n"
                              "{\"parent\":\"(top)\",\"child\":\"system\",\"differs\":false,"
                              "\"counts\":[1,1]}\n"
                              "]}\n");
    free(json);
    lineage_matrix_free(m);
    lineage_dump_free(d[0]);
    lineage_dump_free(d[1]);
    lineage_session_free(s);
}

/* Names are interned per session, so a dump read through another one
 * would make rows (or profile entries) of its own: refused, not mixed. */
static void test_foreign_session_refused(void **state)
{
    (void)state;
    static const char listing[] = "Parent+: 0x0--->\tChild: 0x4\tActiveThreads->0002\tSystem\n"
                                  "Parent+: 0x4--->\tChild: 0x14\tActiveThreads->0001\tsmss.exe\n";
    lineage_session *s = lineage_session_new(), *other = lineage_session_new();
    lineage_dump *own = read_one(s, listing), *foreign = read_one(other, listing);
    lineage_matrix *m = lineage_matrix_new(s);
    assert_int_equal(lineage_matrix_add_dump(m, own), LINEAGE_OK);
    assert_int_equal(lineage_matrix_add_dump(m, foreign), LINEAGE_E_ARG);
    assert_int_equal(lineage_matrix_add_dump(m, NULL), LINEAGE_E_ARG);
    char *text = lineage_matrix_render_text(m);
    assert_string_equal(text, "parent -> child     unknown\n"
                              "(top) -> system           1\n"
                              "system -> smss.exe        1\n");
    free(text);
    lineage_matrix_free(m);
    lineage_profile *p = lineage_profile_new(s);
    assert_int_equal(lineage_profile_add_dump(p, foreign), LINEAGE_E_ARG);
    assert_int_equal(lineage_profile_get_dump_count(p), 0);
    assert_int_equal(lineage_profile_add_dump(p, own), LINEAGE_OK);
    assert_int_equal(lineage_profile_get_dump_count(p), 1);
    lineage_profile_free(p);
    lineage_dump_free(own);
    lineage_dump_free(foreign);
    lineage_session_free(s);
    lineage_session_free(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_laws),
        cmocka_unit_test(test_text_round_trip),
        cmocka_unit_test(test_self_diff_is_empty),
        cmocka_unit_test(test_pid_renumbering_changes_nothing),
        cmocka_unit_test(test_differ_reused),
        cmocka_unit_test(test_tampered_copy),
        cmocka_unit_test(test_matrix_json),
        cmocka_unit_test(test_foreign_session_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
