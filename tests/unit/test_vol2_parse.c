/* The Volatility 2 pslist/psscan/pstree parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"
#include "formats_c_helpers.h"

#define PSLIST_HEAD                                                                            \
    "Offset(V)          Name                    PID   PPID   Thds     Hnds   Sess  Wow64 "    \
    "Start                          Exit\n"                                                    \
    "------------------ -------------------- ------ ------ ------ -------- ------ ------ "     \
    "------------------------------ ------------------------------\n"

/* The three processes of test_pslist, read from text or greptext. */
static void assert_pslist_processes(lineage_dump *d)
{
    assert_string_equal(lineage_dump_get_format(d), "vol2");
    assert_int_equal(lineage_dump_get_pid_base(d), 10);
    assert_int_equal(lineage_dump_process_count(d), 3);
    const lineage_process *p = find_pid(d, 4);
    assert_string_equal(pname(p), "System");
    assert_int_equal(lineage_process_get_threads(p), 88);
    assert_int_equal(lineage_process_get_session(p), -1);
    assert_true(lineage_process_get_eprocess(p) == 0xfffffa8000c9e040ull);
    assert_true(lineage_process_get_create_time(p) == 1681197302000000ull);
    assert_true(lineage_process_is_alive(p));
    p = find_pid(d, 1932);
    assert_int_equal(lineage_process_get_ppid(p), 800);
    assert_int_equal(lineage_process_get_session(p), 1);
    assert_true(lineage_process_get_exit_time(p) == 1681206060000000ull);
    assert_false(lineage_process_is_alive(p));
    assert_int_equal(lineage_diag_list_count(lineage_dump_get_diags(d)), 0);
    lineage_dump_free(d);
}

static void test_pslist(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s,
        "Volatility Foundation Volatility Framework 2.6\n" PSLIST_HEAD
        "0xfffffa8000c9e040 System                    4      0     88      512 ------      0 "
        "2023-04-11 07:15:02 UTC+0000\n"
        "0xfffffa8001e1c060 csrss.exe               352    336      9 --------      0      0 "
        "2023-04-11 07:15:05 UTC+0000\n"
        "0xfffffa8002a7e6f0 taskhost.exe           1932    800      0      -        1      1 "
        "2023-04-11 09:40:17 UTC+0000   2023-04-11 09:41:00 UTC+0000\n");
    assert_pslist_processes(d);
    lineage_session_free(s);
}

static void test_old_timestamps_and_psscan(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s,
        "Offset(P)  Name                PID   PPID PDB        Time created         Time exited\n"
        "---------- ---------------- ------ ------ ---------- -------------------- "
        "--------------------\n"
        "0x0211a020 System                4      0 0x00319000 2012-07-22 02:42:31\n"
        "0x02364998 cmd.exe            1712    860 0x0a440400 2012-07-22 02:45:01  "
        "2012-07-22 02:45:09\n");
    assert_int_equal(lineage_dump_process_count(d), 2);
    const lineage_process *p = find_pid(d, 1712);
    assert_true(lineage_process_get_eprocess(p) == LINEAGE_UNKNOWN); /* a physical offset */
    assert_true(lineage_process_get_threads(p) == LINEAGE_UNKNOWN);
    assert_true(lineage_process_get_create_time(p) == 1342925101000000ull);
    assert_false(lineage_process_is_alive(p));
    assert_true(lineage_process_is_alive(find_pid(d, 4)));
    lineage_dump_free(d);
    lineage_session_free(s);
}

static void test_pstree_verbose(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s,
        "Name                                                  Pid   PPid   Thds   Hnds Time\n"
        "-------------------------------------------------- ------ ------ ------ ------ ----\n"
        " 0x823c8830:System                                      4      0     58    379 "
        "1970-01-01 00:00:00 UTC+0000\n"
        ". 0x82181020:smss.exe                                 368      4      3     21 "
        "2023-04-11 07:15:02 UTC+0000\n"
        "    audit: \\Device\\HarddiskVolume1\\Windows\\System32\\smss.exe\n"
        "    cmd: \\SystemRoot\\System32\\smss.exe\n"
        "    path: \\SystemRoot\\System32\\smss.exe\n");
    assert_int_equal(lineage_dump_process_count(d), 2);
    const lineage_process *p = find_pid(d, 4);
    assert_true(lineage_process_get_create_time(p) == LINEAGE_UNKNOWN);
    assert_true(lineage_process_get_eprocess(p) == 0x823c8830ull);
    p = find_pid(d, 368);
    assert_string_equal(pname(p), "smss.exe");
    assert_string_equal(lineage_process_get_command_line(p), "\\SystemRoot\\System32\\smss.exe");
    assert_string_equal(lineage_process_get_image_path(p), "\\SystemRoot\\System32\\smss.exe");
    assert_ptr_equal(lineage_process_get_parent(p), find_pid(d, 4));
    lineage_dump_free(d);
    lineage_session_free(s);
}

static void test_greptext(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s,
        "Offset|Name|Pid|PPid|Thds|Hnds|Time\n"
        ">|0x823c8830|System|4|0|58|379|1970-01-01 00:00:00 UTC+0000\n"
        ">>|0x82181020|smss.exe|368|4|3|21|2023-04-11 07:15:02 UTC+0000\n");
    assert_int_equal(lineage_dump_process_count(d), 2);
    const lineage_process *p = find_pid(d, 368);
    assert_string_equal(pname(p), "smss.exe");
    assert_int_equal(lineage_process_get_ppid(p), 4);
    assert_int_equal(lineage_process_get_threads(p), 3);
    assert_true(lineage_process_get_eprocess(p) == 0x82181020ull);
    lineage_dump_free(d);
    lineage_session_free(s);
}

/* pslist and psscan with --output=greptext: the header names the cells,
 * whatever the plugin; psscan's physical offset is not the EPROCESS
 * address and it has no thread counts. Detected without a forced format. */
static void test_greptext_pslist_psscan(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s,
        "Offset(V)|Name|PID|PPID|Thds|Hnds|Sess|Wow64|Start|Exit\n"
        ">|0xfffffa8000c9e040|System|4|0|88|512|-|0|2023-04-11 07:15:02 UTC+0000|\n"
        ">|0xfffffa8001e1c060|csrss.exe|352|336|9|-|0|0|2023-04-11 07:15:05 UTC+0000|\n"
        ">|0xfffffa8002a7e6f0|taskhost.exe|1932|800|0|-|1|1|2023-04-11 09:40:17 UTC+0000|"
        "2023-04-11 09:41:00 UTC+0000\n");
    assert_pslist_processes(d);

    d = read_one(s, "Offset(P)|Name|PID|PPID|PDB|Time created|Time exited\n"
                    ">|0x0211a020|System|4|0|0x00319000|2012-07-22 02:42:31 UTC+0000|\n"
                    ">|0x02325da0|smss.exe|368|4|0x02f00000|2012-07-22 02:42:32 UTC+0000|\n");
    assert_string_equal(lineage_dump_get_format(d), "vol2");
    assert_int_equal(lineage_dump_process_count(d), 2);
    const lineage_process *p = find_pid(d, 368);
    assert_string_equal(pname(p), "smss.exe");
    assert_int_equal(lineage_process_get_ppid(p), 4);
    assert_true(lineage_process_get_eprocess(p) == LINEAGE_UNKNOWN); /* a physical offset */
    assert_true(lineage_process_get_threads(p) == LINEAGE_UNKNOWN);
    assert_true(lineage_process_get_create_time(p) == 1342924952000000ull);
    assert_int_equal(lineage_diag_list_count(lineage_dump_get_diags(d)), 0);
    lineage_dump_free(d);
    lineage_session_free(s);
}

/* Cells padded with blanks, as in a Markdown table, or a first cell that
 * is not an offset, are no greptext header: the text is not Volatility 2. */
static void test_greptext_lookalikes(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    static const char *const texts[] = {
        "| Offset | Name | PID | PPID |\n|---|---|---|---|\n| 0x1 | a.exe | 8 | 4 |\n",
        "Name|PID|PPID\n>|a.exe|8|4\n",
        "Offset | Name | PID | PPID\n>| 0x1 | a.exe | 8 | 4\n",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        lineage_reader *r = NULL;
        lineage_status st = lineage_reader_open_memory(s, "t", texts[i], strlen(texts[i]), NULL, &r);
        assert_int_equal(st, LINEAGE_E_PARSE);
        lineage_reader_free(r);
    }
    lineage_session_free(s);
}

/* A session number too large for the model is said to be left unknown,
 * not dropped in silence; an unreadable PPID leaves the process out, said
 * once. */
static void test_greptext_bad_cells(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s,
        "Offset|Name|Pid|PPid|Thds|Hnds|Sess|Time\n"
        ">|0x823c8830|System|4|0|58|379|-|1970-01-01 00:00:00 UTC+0000\n"
        ">>|0x82181020|smss.exe|368|4|3|21|4294967296|2023-04-11 07:15:02 UTC+0000\n"
        ">>|0x82181040|csrss.exe|372|4x|3|21|0|2023-04-11 07:15:02 UTC+0000\n");
    const lineage_diag_list *dl = lineage_dump_get_diags(d);
    assert_int_equal(lineage_diag_list_count(dl), 2);
    assert_diag_at(d, 3, 35, "session over 2147483647; left unknown");
    assert_diag_at(d, 4, 30, "expected a decimal PPID; process left out");
    assert_int_equal(lineage_dump_process_count(d), 2);
    assert_int_equal(lineage_process_get_session(find_pid(d, 368)), -1);
    lineage_dump_free(d);
    lineage_session_free(s);
}

static void test_malformed(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d[2] = {0};
    size_t n = read_dumps(s,
        PSLIST_HEAD                                                               /* 1-2 */
        "0xfffffa8000c9e040 System                    x      0     88      512 ------      0 "
        "2023-04-11 07:15:02 UTC+0000\n"                                          /* 3 */
        "0xfffffa8001e1c060 csrss.exe               352    336     9x      402      0      0 "
        "2023-04-11 07:15:05 UTC+0000\n"                                          /* 4 */
        "0xfffffa8001e1c0zz lsass.exe               500    336      9      402      0      0 "
        "2023-13-11 07:15:05 UTC+0000\n"                                          /* 5 */
        "Name                                                  Pid   PPid   Thds   Hnds Time\n"
        "not a rule\n"                                                            /* 7 */
        "Name                                                  Pid   PPid   Thds   Hnds Time\n"
        "-------------------------------------------------- ------ ------ ------ ------ ----\n"
        ". 0x82181020smss.exe                                  368      4      3     21 "
        "2023-04-11 07:15:02 UTC+0000\n"                                          /* 10 */
        "    cmd: orphan\n",
        d, 2, NULL);
    assert_int_equal(n, 2);
    /* Each cell says what became of it; the unreadable PID once, not
     * again as a row without a PID. */
    assert_diag_at(d[0], 3, 46, "expected a decimal PID; process left out");
    assert_diag_at(d[0], 4, 60, "expected a decimal thread count; left unknown");
    assert_diag_at(d[0], 5, 1, "expected a hexadecimal EPROCESS offset; left unknown");
    assert_diag_at(d[0], 5, 85,
                   "expected a time 'YYYY-MM-DD HH:MM:SS' with or without ' UTC+0000'; left unknown");
    assert_int_equal(lineage_diag_list_count(lineage_dump_get_diags(d[0])), 4);
    assert_int_equal(lineage_dump_process_count(d[0]), 2);
    assert_diag_at(d[1], 7, 1, "expected a rule of dashes under the column header");
    assert_diag_at(d[1], 10, 13, "expected '0x<offset>:<name>' in the pstree name cell");
    assert_int_equal(lineage_dump_process_count(d[1]), 1);
    lineage_dump_free(d[0]);
    lineage_dump_free(d[1]);
    lineage_session_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pslist),
        cmocka_unit_test(test_old_timestamps_and_psscan),
        cmocka_unit_test(test_pstree_verbose),
        cmocka_unit_test(test_greptext),
        cmocka_unit_test(test_greptext_bad_cells),
        cmocka_unit_test(test_greptext_pslist_psscan),
        cmocka_unit_test(test_greptext_lookalikes),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
