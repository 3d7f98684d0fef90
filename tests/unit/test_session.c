/* Interned names, case folding and cut-name resolution. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <lineage/lineage.h>

static const lineage_name *intern(lineage_session *s, const char *t)
{
    return lineage_session_intern(s, t, strlen(t));
}

static void test_interning(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    const lineage_name *a = intern(s, "WmiPrvSE.exe"), *b = intern(s, "wmiprvse.exe");
    assert_ptr_equal(a, intern(s, "WmiPrvSE.exe"));
    assert_ptr_not_equal(a, b);
    assert_ptr_equal(lineage_name_folded(a), b);
    assert_ptr_equal(lineage_name_folded(b), b);
    assert_string_equal(lineage_name_text(a), "WmiPrvSE.exe");
    /* Bytes are kept as given, NUL included. */
    const lineage_name *z = lineage_session_intern(s, "a\0b", 3);
    assert_int_equal(lineage_name_length(z), 3);
    assert_ptr_not_equal(z, intern(s, "a"));
    /* Many names force the table to grow; pointers stay stable. */
    char buf[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(buf, sizeof buf, "proc%d.exe", i);
        intern(s, buf);
    }
    assert_ptr_equal(a, intern(s, "WmiPrvSE.exe"));
    lineage_session_free(s);
}

/* Short names are looked up through a memo keyed by two words that cover
 * their bytes: names of every length up to past the memo's reach that
 * differ in a single byte, at every position, must stay distinct, and the
 * same text must give the same name however the lookups interleave. */
/* (NULL, 0) is the empty name, as other byte-range calls take it. */
static void test_empty_name_from_null(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    const lineage_name *a = lineage_session_intern(s, NULL, 0);
    assert_ptr_equal(a, lineage_session_intern(s, "", 0));
    assert_int_equal(lineage_name_length(a), 0);
    assert_string_equal(lineage_name_text(a), "");
    lineage_session_add_known_name(s, NULL, 0);
    lineage_session_free(s);
}

static void test_names_differing_in_one_byte(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    enum { MAXLEN = 20 };
    const lineage_name *first[MAXLEN + 1][MAXLEN];
    for (int round = 0; round < 2; round++) {
        for (int len = 1; len <= MAXLEN; len++) {
            for (int pos = 0; pos < len; pos++) {
                char text[MAXLEN];
                memset(text, 'a', sizeof text);
                text[pos] = 'b';
                const lineage_name *n = lineage_session_intern(s, text, (size_t)len);
                assert_int_equal(lineage_name_length(n), len);
                assert_memory_equal(lineage_name_text(n), text, (size_t)len);
                if (round == 0)
                    first[len][pos] = n;
                else
                    assert_ptr_equal(n, first[len][pos]);
            }
            const lineage_name *plain = lineage_session_intern(s, "aaaaaaaaaaaaaaaaaaaa",
                                                               (size_t)len);
            for (int pos = 0; pos < len; pos++)
                assert_ptr_not_equal(plain, first[len][pos]);
        }
    }
    lineage_session_free(s);
}

static void expect_resolution(lineage_session *s, const char *cut, const char *full)
{
    const lineage_name *n = intern(s, cut);
    assert_true(lineage_name_is_cut(n));
    const lineage_name *r = lineage_name_resolved(n);
    if (!full) {
        assert_null(r);
        assert_ptr_equal(lineage_name_full(n), n);
        return;
    }
    assert_non_null(r);
    assert_string_equal(lineage_name_text(r), full);
}

static void test_cut_names(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    expect_resolution(s, "RuntimeBroker.", "RuntimeBroker.exe");
    expect_resolution(s, "iPodService.ex", "iPodService.exe");
    expect_resolution(s, "SearchProtocol", "SearchProtocolHost.exe");
    expect_resolution(s, "searchprotocol", "SearchProtocolHost.exe");
    /* Not known: the cut ".e" extension is completed. */
    expect_resolution(s, "ArcOSBrowser.e", "ArcOSBrowser.exe");
    expect_resolution(s, "SHOUTYAPPNAM.E", "SHOUTYAPPNAM.EXE");
    /* Not known, no extension: stays unresolved. */
    expect_resolution(s, "mysteryprocess", NULL);
    /* Whole names: a known 14-character name, a name with an extension,
     * and anything shorter are not cut. */
    assert_false(lineage_name_is_cut(intern(s, "MemCompression")));
    assert_false(lineage_name_is_cut(intern(s, "PDVD10Serv.exe")));
    assert_false(lineage_name_is_cut(intern(s, "csrss.exe")));
    assert_null(lineage_name_resolved(intern(s, "csrss.exe")));
    lineage_session_free(s);
}

static void test_known_names_change_resolution(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    const lineage_name *n = intern(s, "contosoagentsv");
    assert_null(lineage_name_resolved(n));
    lineage_session_add_known_name(s, "ContosoAgentSvc.exe", 19);
    assert_string_equal(lineage_name_text(lineage_name_resolved(n)), "ContosoAgentSvc.exe");
    /* A second candidate makes it ambiguous. */
    lineage_session_add_known_name(s, "ContosoAgentSvcHelper.exe", 25);
    assert_null(lineage_name_resolved(n));
    assert_true(lineage_name_is_cut(n));
    lineage_session_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interning),
        cmocka_unit_test(test_empty_name_from_null),
        cmocka_unit_test(test_names_differing_in_one_byte),
        cmocka_unit_test(test_cut_names),
        cmocka_unit_test(test_known_names_change_resolution),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
