/* Merging a scan listing into a list listing: matching, hidden versus
 * exited, the rebuilt tree, diagnostics not repeated, bad arguments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"

#define HDR "Volatility 3 Framework 2.11.0\n\n" \
            "PID\tPPID\tImageFileName\tOffset(V)\tThreads\tHandles\tSessionId\tWow64\t" \
            "CreateTime\tExitTime\tFile output\n\n"
#define ROW(pid, ppid, name, threads, create, exit)                                 \
    pid "\t" ppid "\t" name "\t0x1000\t" threads "\t-\t1\tFalse\t" create "\t" exit \
        "\tDisabled\n"

static void pair_from_files(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    char *list_text = read_source_file("tests/data/formats/system.vol3-pslist.txt", NULL);
    char *scan_text = read_source_file("tests/data/formats/scan-pair.vol3-psscan.txt", NULL);
    lineage_dump *list = read_one(s, list_text);
    lineage_dump *scan = read_one(s, scan_text);
    assert_int_equal(lineage_dump_merge_scan(list, scan), LINEAGE_OK);
    lineage_dump_free(scan);
    assert_true(lineage_dump_check_tree(list));
    assert_int_equal(lineage_dump_process_count(list), 15);

    const lineage_process *hidden = find_pid(list, 1234);
    assert_non_null(hidden);
    assert_true(lineage_process_is_hidden(hidden));
    assert_true(lineage_process_is_alive(hidden));
    assert_int_equal(lineage_process_get_pid(lineage_process_get_parent(hidden)), 3712);
    const lineage_process *exited = find_pid(list, 2900);
    assert_non_null(exited);
    assert_false(lineage_process_is_hidden(exited));
    assert_false(lineage_process_is_alive(exited));
    for (size_t i = 0; i < 13; i++)
        assert_false(lineage_process_is_hidden(lineage_dump_process(list, i)));

    char *tree = lineage_render_tree_text(list, LINEAGE_RENDER_ASCII);
    assert_non_null(strstr(tree, "        `-- explorer.exe (3712) 60 threads\n"
                                 "            |-- cmd.exe (4100) 1 thread\n"
                                 "            |-- setup.exe (2900) 0 threads [exited]\n"
                                 "            `-- svch0st.exe (1234) 4 threads [hidden]\n"));
    free(tree);
    const lineage_diag_list *diags = lineage_dump_get_diags(list);
    assert_int_equal(diags_matching(diags, "process 1234 (svch0st.exe) is in the scan but not in "
                                           "the process list and has not exited: hidden"), 1);
    assert_int_equal(diags_matching(diags, "hidden"), 1);
    lineage_dump_free(list);
    free(list_text);
    free(scan_text);
    lineage_session_free(s);
}

/* Same PID, other create time: a different process (PID reuse). Without
 * create times the name decides, case-insensitively. */
static void matching(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *list = read_one(s, HDR
        ROW("4", "0", "System", "100", "2024-03-05 08:00:00", "N/A")
        ROW("500", "4", "a.exe", "3", "2024-03-05 09:00:00", "N/A")
        ROW("600", "4", "B.EXE", "3", "N/A", "N/A"));
    lineage_dump *scan = read_one(s, HDR
        ROW("500", "4", "a.exe", "3", "2024-03-05 09:00:00", "N/A")
        ROW("500", "4", "a.exe", "0", "2024-03-05 08:30:00", "2024-03-05 08:40:00")
        ROW("600", "4", "b.exe", "3", "N/A", "N/A")
        ROW("600", "4", "c.exe", "3", "N/A", "N/A"));
    assert_int_equal(lineage_dump_merge_scan(list, scan), LINEAGE_OK);
    assert_true(lineage_dump_check_tree(list));
    assert_int_equal(lineage_dump_process_count(list), 5);
    const lineage_process *old = lineage_dump_process(list, 3);
    assert_int_equal(lineage_process_get_pid(old), 500);
    assert_false(lineage_process_is_alive(old));
    assert_false(lineage_process_is_hidden(old));
    const lineage_process *c = lineage_dump_process(list, 4);
    assert_string_equal(lineage_name_text(lineage_process_get_name(c)), "c.exe");
    assert_true(lineage_process_is_hidden(c));
    /* The duplicate-PID notes of the rebuilt tree appear once each. */
    const lineage_diag_list *diags = lineage_dump_get_diags(list);
    assert_int_equal(diags_matching(diags, "PID 500 is listed 2 times"), 1);
    assert_int_equal(diags_matching(diags, "PID 600 is listed 2 times"), 1);

    /* Merging the same scan again adds nothing and repeats nothing. */
    size_t before = lineage_diag_list_count(diags);
    assert_int_equal(lineage_dump_merge_scan(list, scan), LINEAGE_OK);
    assert_int_equal(lineage_dump_process_count(list), 5);
    assert_int_equal(lineage_diag_list_count(diags), before);
    lineage_dump_free(scan);
    lineage_dump_free(list);
    lineage_session_free(s);
}

/* The rebuild does not repeat the list's own tree diagnostics. */
static void no_repeated_diags(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *list = read_one(s, HDR
        ROW("7", "7", "self.exe", "1", "N/A", "N/A")
        ROW("8", "9", "x.exe", "1", "N/A", "N/A")
        ROW("9", "8", "y.exe", "1", "N/A", "N/A"));
    lineage_dump *scan = read_one(s, HDR ROW("10", "8", "z.exe", "1", "N/A", "N/A"));
    size_t self = diags_matching(lineage_dump_get_diags(list), "its own parent");
    size_t cycle = diags_matching(lineage_dump_get_diags(list), "form a cycle");
    assert_int_equal(self, 1);
    assert_int_equal(cycle, 1);
    assert_int_equal(lineage_dump_merge_scan(list, scan), LINEAGE_OK);
    assert_true(lineage_dump_check_tree(list));
    assert_int_equal(diags_matching(lineage_dump_get_diags(list), "its own parent"), 1);
    assert_int_equal(diags_matching(lineage_dump_get_diags(list), "form a cycle"), 1);
    assert_int_equal(lineage_process_get_pid(lineage_process_get_parent(find_pid(list, 10))), 8);
    lineage_dump_free(scan);
    lineage_dump_free(list);
    lineage_session_free(s);
}

/* A kd list is in creation order, but the processes a scan adds join it
 * at the end whenever they were created: a hidden process is still the
 * parent of the list's processes that name it. */
#define KD(pp, c, name) "Parent+: " #pp "--->\tChild: " #c "\tActiveThreads->0001\t" name "\n"
static void hidden_parent_of_kd_list(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *list = read_one(s, KD(0x0, 0x4, "System") KD(0x500, 0x600, "child.exe"));
    lineage_dump *scan = read_one(s, KD(0x0, 0x4, "System") KD(0x4, 0x500, "evil.exe")
                                         KD(0x500, 0x600, "child.exe"));
    assert_int_equal(lineage_process_get_link(find_pid(list, 0x600)), LINEAGE_LINK_ORPHAN);
    assert_int_equal(lineage_dump_merge_scan(list, scan), LINEAGE_OK);
    assert_true(lineage_dump_check_tree(list));
    const lineage_process *evil = find_pid(list, 0x500), *child = find_pid(list, 0x600);
    assert_true(lineage_process_is_hidden(evil));
    assert_int_equal(lineage_process_get_link(child), LINEAGE_LINK_PARENT);
    assert_ptr_equal(lineage_process_get_parent(child), evil);
    assert_int_equal(diags_matching(lineage_dump_get_diags(list), "rejected"), 0);
    lineage_dump_free(scan);
    lineage_dump_free(list);
    lineage_session_free(s);
}

static void bad_arguments(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_session *other = lineage_session_new();
    lineage_dump *a = read_one(s, HDR ROW("4", "0", "System", "1", "N/A", "N/A"));
    lineage_dump *b = read_one(other, HDR ROW("5", "4", "x.exe", "1", "N/A", "N/A"));
    assert_int_equal(lineage_dump_merge_scan(NULL, a), LINEAGE_E_ARG);
    assert_int_equal(lineage_dump_merge_scan(a, NULL), LINEAGE_E_ARG);
    assert_int_equal(lineage_dump_merge_scan(a, a), LINEAGE_E_ARG);
    assert_int_equal(lineage_dump_merge_scan(a, b), LINEAGE_E_ARG);
    assert_int_equal(lineage_dump_process_count(a), 1);
    lineage_dump_free(a);
    lineage_dump_free(b);
    lineage_session_free(s);
    lineage_session_free(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pair_from_files),
        cmocka_unit_test(matching),
        cmocka_unit_test(no_repeated_diags),
        cmocka_unit_test(hidden_parent_of_kd_list),
        cmocka_unit_test(bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
