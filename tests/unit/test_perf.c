/* The fast paths give the results of the plain ones: the checker's
 * cross-dump verdict cache against lineage_ruleset_check, the kd parser's
 * canonical-line path against its general path, and the tree's radix sort
 * on PIDs in any order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"
#include "strbuf.h"
#include "model.h"

#define LINE(pp, c, name) "Parent+: " #pp "--->\tChild: " #c "\tActiveThreads->0001\t" name "\n"
#define DEAD(pp, c, name) "Parent-: " #pp "--->\tChild: " #c "\tActiveThreads->0000\t" name "\n"
#define HEADER                                                                         \
    "DUMP_HEADER64:\nMajorVersion        0000000f\nMinorVersion        000047ba\n"       \
    "MachineImageType    00008664\n\n"

/* Dumps that raise findings of every kind the default rules have: look-
 * alike names, a second lsass.exe, wrong parents, forbidden children, cut
 * names, orphans, a listing out of PID order. */
static const char fleet[] =
    HEADER
    LINE(0x0, 0x4, "System")
    LINE(0x4, 0x1ac, "smss.exe")
    LINE(0x1f4, 0x23c, "csrss.exe")
    LINE(0x1f4, 0x2cc, "wininit.exe")
    LINE(0x2cc, 0x2f8, "services.exe")
    LINE(0x2cc, 0x304, "lsass.exe")
    LINE(0x2f8, 0x3a0, "svchost.exe")
    LINE(0x2f8, 0x3b0, "scvhost.exe")
    LINE(0x304, 0x500, "cmd.exe")
    HEADER
    LINE(0x0, 0x4, "System")
    LINE(0x4, 0x1ac, "smss.exe")
    LINE(0x2cc, 0x2f8, "services.exe")
    LINE(0x1f4, 0x2cc, "wininit.exe")
    LINE(0x2cc, 0x304, "lsass.exe")
    LINE(0x3a0, 0x308, "lsass.exe")
    LINE(0x2f8, 0x3a0, "svchost.exe")
    LINE(0x2f8, 0x3b4, "svch0st.exe")
    LINE(0x4, 0x3c0, "svchost.exe")
    LINE(0x2f8, 0x3c4, "RuntimeBrok")
    LINE(0x2f8, 0x3c8, "fontdrvhost.ex")
    DEAD(0x1ac, 0x1b0, "smss.exe")
    HEADER
    LINE(0x0, 0x4, "System")
    LINE(0x4, 0x1ac, "smss.exe")
    LINE(0x9999, 0x2f8, "services.exe")
    LINE(0x2f8, 0x3a0, "scvhost.exe")
    LINE(0x2f8, 0x3a4, "scvhost.exe")
    LINE(0x2f8, 0x3a8, "services.exe");

static char *render(const lineage_findings *f, const lineage_dump *d)
{
    char *text = lineage_findings_render_text(f, d);
    assert_non_null(text);
    return text;
}

static void test_checker_same_as_check(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_diag_list *diags = lineage_diag_list_new();
    lineage_ruleset *set = lineage_ruleset_new(s);
    assert_int_equal(lineage_ruleset_load_defaults(set, diags), LINEAGE_OK);
    assert_int_equal(lineage_ruleset_compile(set, diags), LINEAGE_OK);
    lineage_dump *dumps[8];
    size_t n = read_dumps(s, fleet, dumps, 8, NULL);
    assert_int_equal(n, 3);
    lineage_checker *ck = lineage_checker_new(set);
    assert_non_null(ck);
    size_t total = 0;
    /* Twice over: the second round runs on verdicts cached by the first. */
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < n; i++) {
            lineage_findings *a = lineage_findings_new(), *b = lineage_findings_new();
            assert_int_equal(lineage_ruleset_check(set, dumps[i], a, diags), LINEAGE_OK);
            assert_int_equal(lineage_checker_check(ck, dumps[i], b, diags), LINEAGE_OK);
            char *ta = render(a, dumps[i]), *tb = render(b, dumps[i]);
            assert_string_equal(ta, tb);
            total += lineage_findings_count(a);
            free(ta);
            free(tb);
            lineage_findings_free(a);
            lineage_findings_free(b);
        }
    /* The listing is built to fail: the comparison above is not vacuous. */
    assert_true(total >= 2 * 8);
    /* A new known name changes which names are cut: the cache is dropped. */
    lineage_session_add_known_name(s, "RuntimeBrokerX.exe", 18);
    for (size_t i = 0; i < n; i++) {
        lineage_findings *a = lineage_findings_new(), *b = lineage_findings_new();
        lineage_ruleset_check(set, dumps[i], a, diags);
        lineage_checker_check(ck, dumps[i], b, diags);
        char *ta = render(a, dumps[i]), *tb = render(b, dumps[i]);
        assert_string_equal(ta, tb);
        free(ta);
        free(tb);
        lineage_findings_free(a);
        lineage_findings_free(b);
    }
    assert_int_equal(lineage_checker_check(NULL, dumps[0], NULL, diags), LINEAGE_E_ARG);
    lineage_checker_free(ck);
    lineage_checker_free(NULL);
    for (size_t i = 0; i < n; i++)
        lineage_dump_free(dumps[i]);
    lineage_ruleset_free(set);
    lineage_diag_list_free(diags);
    lineage_session_free(s);
}

/* A checker over `set`: each dump's findings rendered, joined. */
static char *check_all(lineage_checker *ck, lineage_dump **dumps, size_t n,
                       lineage_diag_list *diags, lineage_status *worst)
{
    strbuf sb = STRBUF_INIT;
    *worst = LINEAGE_OK;
    for (size_t i = 0; i < n; i++) {
        lineage_findings *f = lineage_findings_new();
        lineage_status st = lineage_checker_check(ck, dumps[i], f, diags);
        if (st != LINEAGE_OK)
            *worst = st;
        char *text = render(f, dumps[i]);
        strbuf_add(&sb, text, strlen(text));
        free(text);
        lineage_findings_free(f);
    }
    return strbuf_detach(&sb);
}

static lineage_ruleset *defaults_plus(lineage_session *s, const char *extra,
                                      lineage_diag_list *diags)
{
    lineage_ruleset *set = lineage_ruleset_new(s);
    assert_int_equal(lineage_ruleset_load_defaults(set, diags), LINEAGE_OK);
    if (extra)
        assert_int_equal(lineage_ruleset_load_string(set, "slow.rules", extra, strlen(extra),
                                                     diags),
                         LINEAGE_OK);
    assert_int_equal(lineage_ruleset_compile(set, diags), LINEAGE_OK);
    return set;
}

/* A name on which one pattern stops at a PCRE2 limit never gets its
 * cached list of conditions: the dumps that hold it are checked by
 * testing every name, which must give the other rules' findings as the
 * cached path does, and report the error in every such dump, every time.
 * Dumps without it keep the cached path in the same checker. */
static void test_checker_name_without_slots(void **state)
{
    (void)state;
    static const char bad[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!";
    static const char slow[] =
        "rule t {\n severity high\n title \"t\"\n absent /^(a+)+$/\n}\n";
    strbuf listing = STRBUF_INIT;
    strbuf_add(&listing, fleet, strlen(fleet));
    /* A fourth dump with the name, then the first again without it. */
    static const char tail[] = HEADER LINE(0x0, 0x4, "System") LINE(0x4, 0x1ac, "smss.exe");
    strbuf_add(&listing, tail, strlen(tail));
    strbuf_printf(&listing, "Parent+: 0x1ac--->\tChild: 0x1b8\tActiveThreads->0001\t%s\n", bad);
    strbuf_add(&listing, fleet, strstr(fleet + 1, "DUMP_HEADER64") - fleet);

    lineage_session *s = lineage_session_new();
    lineage_diag_list *diags = lineage_diag_list_new();
    lineage_ruleset *plain = defaults_plus(s, NULL, diags);
    lineage_ruleset *with_slow = defaults_plus(s, slow, diags);
    lineage_dump *dumps[8];
    size_t n = read_dumps(s, listing.data, dumps, 8, NULL);
    assert_int_equal(n, 5);
    /* The bad name is in dump 4 only. */
    strbuf_release(&listing);

    lineage_checker *ref = lineage_checker_new(plain), *ck = lineage_checker_new(with_slow);
    lineage_status st;
    char *want = check_all(ref, dumps, n, diags, &st);
    assert_int_equal(st, LINEAGE_OK);
    size_t before = lineage_diag_list_count(diags);
    for (int round = 0; round < 2; round++) {
        char *got = check_all(ck, dumps, n, diags, &st);
        assert_int_equal(st, LINEAGE_E_LIMIT);
        assert_string_equal(got, want);
        free(got);
        /* Reported in dump 4, in each round. */
        assert_int_equal(lineage_diag_list_count(diags), before + (size_t)(round + 1));
    }
    /* The dumps without the name alone: no error, the same findings. */
    lineage_dump *clean[4] = {dumps[0], dumps[1], dumps[2], dumps[4]};
    char *a = check_all(ref, clean, 4, diags, &st), *b = check_all(ck, clean, 4, diags, &st);
    assert_int_equal(st, LINEAGE_OK);
    assert_string_equal(a, b);
    assert_true(strlen(a) > 0);
    free(a);
    free(b);
    free(want);
    lineage_checker_free(ref);
    lineage_checker_free(ck);
    for (size_t i = 0; i < n; i++)
        lineage_dump_free(dumps[i]);
    lineage_ruleset_free(plain);
    lineage_ruleset_free(with_slow);
    lineage_diag_list_free(diags);
    lineage_session_free(s);
}

/* A line as kd prints it and near misses that must take the general path
 * and give its values and warnings. */
static void test_kd_canonical_and_near_misses(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(
        s, "Parent+: 0x0004--->\tChild: 0x00e8\tActiveThreads->0012\tsmss.exe\n"
           "Parent+: 0x4 ---> Child: 0xf0 ActiveThreads->3 two words.exe  \n"
           "Parent+: 0x0004--->\tChild: 0x00f4\tActiveThreads->00a1\thex.exe\n"
           "Parent+: 0x0004--->\tChild: 0x10000000000000000\tActiveThreads->1\tbig.exe\n"
           "Parent-: 0x0004--->\tChild: 0x00f8\tActiveThreads->0000\t\tlead.exe\n"
           "Parent+: 0xFFFFFFFFFFFFFFFF--->\tChild: 0xABCDEF0123\tActiveThreads->"
           "1234567890123456789\tUPPER.EXE\n");
    assert_non_null(d);
    const lineage_process *p = find_pid(d, 0xe8);
    assert_non_null(p);
    assert_int_equal(p->ppid, 4);
    assert_int_equal(p->threads, 12);
    assert_true(p->alive);
    assert_string_equal(lineage_name_text(p->name), "smss.exe");
    p = find_pid(d, 0xf0);
    assert_non_null(p);
    assert_int_equal(p->threads, 3);
    assert_string_equal(lineage_name_text(p->name), "two words.exe");
    p = find_pid(d, 0xf4);
    assert_non_null(p);
    assert_true(p->threads == LINEAGE_UNKNOWN);
    assert_int_equal(diags_matching(lineage_dump_get_diags(d), "hexadecimal digit"), 1);
    assert_int_equal(diags_matching(lineage_dump_get_diags(d), "does not fit in 64 bits"), 1);
    assert_null(find_pid(d, 0));
    p = find_pid(d, 0xf8);
    assert_non_null(p);
    assert_false(p->alive);
    assert_string_equal(lineage_name_text(p->name), "lead.exe");
    p = find_pid(d, 0xabcdef0123ull);
    assert_non_null(p);
    assert_true(p->ppid == UINT64_MAX);
    assert_true(p->threads == 1234567890123456789ull);
    assert_string_equal(lineage_name_text(p->name), "UPPER.EXE");
    lineage_dump_free(d);
    lineage_session_free(s);
}

/* PIDs in no order and above 2^32 (each parent listed before its
 * children, as kd lists them): parents still link to the right process
 * and orphans share one absent parent per PPID. */
static void test_tree_unsorted_pids(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d =
        read_one(s, LINE(0x0, 0x123456789ab, "root.exe") LINE(0x123456789ab, 0x10, "a.exe")
                        LINE(0x10, 0x8, "b.exe") LINE(0x77, 0x30, "o1.exe")
                            LINE(0x123456789ab, 0x20, "c.exe") LINE(0x66, 0x40, "o2.exe")
                                LINE(0x77, 0x50, "o3.exe") LINE(0x8, 0xffffffff00000001, "d.exe")
                                    LINE(0xffffffff00000001, 0x4, "e.exe"));
    assert_non_null(d);
    const lineage_process *p = find_pid(d, 0x10);
    assert_non_null(p->parent);
    assert_int_equal(p->parent->pid, 0x123456789abull);
    assert_int_equal(find_pid(d, 0x8)->parent->pid, 0x10);
    assert_int_equal(find_pid(d, 0x20)->parent->pid, 0x123456789abull);
    assert_int_equal(find_pid(d, 0xffffffff00000001ull)->parent->pid, 0x8);
    assert_true(find_pid(d, 0x4)->parent->pid == 0xffffffff00000001ull);
    const lineage_node *o1 = &find_pid(d, 0x30)->node, *o3 = &find_pid(d, 0x50)->node;
    assert_int_equal(o1->parent->kind, LINEAGE_NODE_ABSENT);
    assert_ptr_equal(o1->parent, o3->parent);
    assert_int_equal(o1->parent->absent_pid, 0x77);
    assert_ptr_equal(o1->next, o3);
    assert_int_equal(find_pid(d, 0x40)->node.parent->absent_pid, 0x66);
    assert_int_equal(d->absent_count, 2);
    lineage_dump_free(d);
    lineage_session_free(s);
}

/* The PID index narrows each bisection to a bucket of the key range:
 * PIDs spread over all 64 bits, packed in clusters far apart, and
 * neighbours of the extremes all still find their parents. Checked
 * against a linear search. */
static void test_tree_bucketed_pid_index(void **state)
{
    (void)state;
    enum { N = 600 };
    uint64_t pid[N], ppid[N];
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < N; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
        if (i < 200)
            pid[i] = x; /* anywhere */
        else if (i < 400)
            pid[i] = 0x100 + (uint64_t)(i - 200) * 4; /* a dense cluster near 0 */
        else if (i < 598)
            pid[i] = UINT64_MAX - 0x1000 + (uint64_t)(i - 400) * 8; /* one near the top */
        else
            pid[i] = i == 598 ? 0 : UINT64_MAX;
        /* Mostly an earlier process, sometimes a PID nobody has. */
        ppid[i] = i && (x % 5) ? pid[x % (uint64_t)i] : (x | 1) * 3;
    }
    strbuf sb = STRBUF_INIT;
    for (int i = 0; i < N; i++)
        strbuf_printf(&sb, "Parent+: 0x%llx--->\tChild: 0x%llx\tActiveThreads->1\tp%d.exe\n",
                      (unsigned long long)ppid[i], (unsigned long long)pid[i], i);
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, sb.data);
    assert_int_equal(d->nprocs, N);
    for (int i = 0; i < N; i++) {
        const lineage_process *p = find_pid(d, pid[i]);
        assert_non_null(p);
        int want = -1;
        for (int j = 0; j < N && want < 0; j++)
            if (pid[j] == ppid[i] && j != i)
                want = j;
        if (want < 0)
            assert_true(p->parent == NULL || p->parent->pid != ppid[i]);
        else
            assert_true(p->parent && p->parent->pid == pid[want]);
    }
    lineage_dump_free(d);
    lineage_session_free(s);
    strbuf_release(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checker_same_as_check),
        cmocka_unit_test(test_checker_name_without_slots),
        cmocka_unit_test(test_kd_canonical_and_near_misses),
        cmocka_unit_test(test_tree_unsorted_pids),
        cmocka_unit_test(test_tree_bucketed_pid_index),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
