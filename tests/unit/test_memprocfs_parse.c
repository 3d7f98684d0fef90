/* The MemProcFS proc.txt and process.csv parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"
#include "formats_c_helpers.h"

#define PROC_HEAD                                                                              \
    "  Process                      Pid Parent   Flag User             Create Time         "  \
    "     Exit Time\n"                                                                         \
    "-----------------------------------------------------------------------------------\n"

static void test_proc_txt(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, PROC_HEAD
        "- System                        4      0        SYSTEM           "
        "2024-03-05 08:01:12 UTC                      ***\n"
        "-- smss.exe                   388      4        SYSTEM           "
        "                   ***                      ***\n"
        "--- svchost.exe               932    740        NETWORK SERVICE  "
        "2024-03-05 08:01:16 UTC                      ***\n"
        "-- userinit.exe              3680    680    TU  alice            "
        "2024-03-05 08:02:01 UTC  2024-03-05 08:02:31 UTC\n"
        "- app32.exe                  5000   3712  32 U* alice            "
        "2024-03-05 08:05:00 UTC                      ***\n");
    assert_string_equal(lineage_dump_get_format(d), "memprocfs");
    assert_int_equal(lineage_dump_process_count(d), 5);
    const lineage_process *p = find_pid(d, 4);
    assert_string_equal(lineage_process_get_user(p), "SYSTEM");
    assert_true(lineage_process_get_create_time(p) == 1709625672000000ull);
    assert_true(lineage_process_get_exit_time(p) == LINEAGE_UNKNOWN);
    assert_true(lineage_process_is_alive(p));
    assert_true(lineage_process_get_threads(p) == LINEAGE_UNKNOWN);
    assert_null(lineage_process_get_integrity_level(p)); /* proc.txt has no such column */
    assert_true(lineage_process_get_create_time(find_pid(d, 388)) == LINEAGE_UNKNOWN);
    assert_string_equal(lineage_process_get_user(find_pid(d, 932)), "NETWORK SERVICE");
    p = find_pid(d, 3680);
    assert_false(lineage_process_is_alive(p));
    assert_true(lineage_process_get_exit_time(p) == 1709625751000000ull);
    p = find_pid(d, 5000);
    assert_string_equal(pname(p), "app32.exe");
    assert_int_equal(lineage_process_get_ppid(p), 3712);
    assert_true(lineage_process_is_alive(p));
    assert_int_equal(lineage_diag_list_count(lineage_dump_get_diags(d)), 0);
    lineage_dump_free(d);
    lineage_session_free(s);
}

static void test_terminated_flag_without_time(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, PROC_HEAD
        "- gone.exe                    800      4     T     SYSTEM           "
        "                   ***                      ***\n");
    assert_false(lineage_process_is_alive(find_pid(d, 800)));
    lineage_dump_free(d);
    lineage_session_free(s);
}

static void test_process_csv(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s,
        "PID,PPID,State,ShortName,Name,IntegrityLevel,User,CreateTime,ExitTime,Wow64,EPROCESS,"
        "PEB,PEB32,DTB,UserDTB,UserPath,KernelPath,CommandLine,Flag\n"
        "4,0,0,System,System,System,SYSTEM,2024-03-05 08:01:12,,0,0xfffffa8000c9e040,0,0,0,0,,,,\n"
        "4100,3712,1,cmd.exe,cmd.exe,Medium,alice,2024-03-05 08:03:10,2024-03-05 08:04:00,0,"
        "fffffa8006123080,0,0,0,0,C:\\Windows\\System32\\cmd.exe,\\Device\\x\\cmd.exe,"
        "\"\"\"C:\\Windows\\system32\\cmd.exe\"\" /k echo \"\"a, b\"\"\",\n");
    assert_int_equal(lineage_dump_process_count(d), 2);
    const lineage_process *p = find_pid(d, 4);
    assert_true(lineage_process_get_eprocess(p) == 0xfffffa8000c9e040ull);
    assert_null(lineage_process_get_image_path(p));
    assert_string_equal(lineage_process_get_integrity_level(p), "System");
    assert_null(lineage_process_get_guid(p));
    assert_true(lineage_process_is_alive(p));
    p = find_pid(d, 4100);
    assert_string_equal(pname(p), "cmd.exe");
    assert_string_equal(lineage_process_get_user(p), "alice");
    assert_string_equal(lineage_process_get_image_path(p), "C:\\Windows\\System32\\cmd.exe");
    assert_string_equal(lineage_process_get_command_line(p),
                        "\"C:\\Windows\\system32\\cmd.exe\" /k echo \"a, b\"");
    assert_true(lineage_process_get_eprocess(p) == 0xfffffa8006123080ull);
    assert_false(lineage_process_is_alive(p));
    assert_string_equal(lineage_process_get_integrity_level(p), "Medium");
    assert_int_equal(lineage_diag_list_count(lineage_dump_get_diags(d)), 0);
    lineage_dump_free(d);
    lineage_session_free(s);
}

/* From depth 11 on MemProcFS draws the indent "----------+". */
static void test_deep_indent(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, PROC_HEAD
        "----------- deep.exe         6010      4        alice            "
        "2024-03-05 08:04:00 UTC                      ***\n"
        "----------+ powershell.exe    6011   6010        alice            "
        "2024-03-05 08:04:00 UTC                      ***\n");
    assert_string_equal(pname(find_pid(d, 6010)), "deep.exe");
    assert_string_equal(pname(find_pid(d, 6011)), "powershell.exe");
    assert_int_equal(lineage_diag_list_count(lineage_dump_get_diags(d)), 0);
    lineage_dump_free(d);
    lineage_session_free(s);
}

/* `E`: not in the EPROCESS list. Still running, it was unlinked: hidden,
 * with a note; exited, it left the list as every exited process does. */
static void test_unlinked_flag(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, PROC_HEAD
        "- System                        4      0        SYSTEM           "
        "2024-03-05 08:01:12 UTC                      ***\n"
        "-- svch0st.exe                1234      4   E  * SYSTEM           "
        "2024-03-05 08:04:00 UTC                      ***\n"
        "-- gone.exe                   1300      4   ET * SYSTEM           "
        "2024-03-05 08:04:00 UTC                      ***\n");
    assert_false(lineage_process_is_hidden(find_pid(d, 4)));
    const lineage_process *p = find_pid(d, 1234);
    assert_true(lineage_process_is_hidden(p));
    assert_true(lineage_process_is_alive(p));
    assert_diag_at(d, 4, 45, "process 1234 (svch0st.exe) is flagged 'E' (not in the EPROCESS "
                             "list) and has not exited: hidden");
    p = find_pid(d, 1300);
    assert_false(lineage_process_is_hidden(p));
    assert_false(lineage_process_is_alive(p));
    assert_int_equal(lineage_diag_list_count(lineage_dump_get_diags(d)), 1);
    lineage_dump_free(d);
    lineage_session_free(s);
}

/* State other than 0 is an exited process, with or without an exit time;
 * ShortName is kept as written. */
static void test_process_csv_state_and_blanks(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s,
        "PID,PPID,State,ShortName,User,CreateTime,ExitTime\n"
        "4,0,0,System,SYSTEM,2024-03-05 08:01:12,\n"
        "700,4,0,\" lsass.exe \",SYSTEM,2024-03-05 08:01:12,\n"
        "701,4,259, x.exe,SYSTEM,2024-03-05 08:01:12,\n"
        "702,4,,y.exe,SYSTEM,2024-03-05 08:01:12,\n"
        "703,4,?,z.exe,SYSTEM,2024-03-05 08:01:12,\n");
    assert_true(lineage_process_is_alive(find_pid(d, 4)));
    assert_string_equal(pname(find_pid(d, 700)), " lsass.exe ");
    assert_true(lineage_process_is_alive(find_pid(d, 700)));
    assert_string_equal(pname(find_pid(d, 701)), " x.exe");
    assert_false(lineage_process_is_alive(find_pid(d, 701)));
    assert_true(lineage_process_is_alive(find_pid(d, 702))); /* empty: unknown */
    assert_true(lineage_process_is_alive(find_pid(d, 703)));
    assert_diag_at(d, 6, 7, "expected a decimal number in column State; left unknown");
    assert_int_equal(lineage_diag_list_count(lineage_dump_get_diags(d)), 1);
    lineage_dump_free(d);
    lineage_session_free(s);
}

static void test_malformed(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d[2] = {0};
    size_t n = read_dumps(s, PROC_HEAD                                         /* 1-2 */
        "- System                        x      0        SYSTEM           "
        "2024-03-05 08:01:12 UTC                      ***\n"                    /* 3 */
        "- smss.exe                    388      y        SYSTEM           "
        "2024-03-05 08:01:12 UTC                      ***\n"                    /* 4 */
        "- csrss.exe                   516    504   Q    SYSTEM           "
        "2024-03-05 08:01:12 UTC                      ***\n"                    /* 5 */
        "- lsass.exe                   756    612        SYSTEM           yesterday\n" /* 6 */
        "PID,PPID,ShortName,CreateTime,EPROCESS\n"                              /* 7 */
        "4,0,System,2024-03-05 08:01:12,0x10\n"                                 /* 8 */
        "x,0,bad.exe,,\n"                                                      /* 9 */
        "8,4,\"open,2024-03-05 08:01:12,0x10\n"                                 /* 10 */
        "9,4,late.exe,noon,0xzz\n"                                              /* 11 */
        "10,4,\"q\"x,,,\n",                                                     /* 12 */
        d, 2, NULL);
    assert_int_equal(n, 2);
    assert_diag_at(d[0], 3, 33, "expected a decimal PID after the process name; process line skipped");
    assert_diag_at(d[0], 4, 40, "expected a decimal parent PID after the PID; process line skipped");
    assert_diag_at(d[0], 5, 44, "expected process flags from '32', 'E', 'T', 'U' and '*'; "
                                "the rest of the flags ignored");
    assert_diag_at(d[0], 6, 75, "expected the create and exit times ('YYYY-MM-DD HH:MM:SS UTC' "
                                "or '***') at the end of the row; both left unknown");
    assert_int_equal(lineage_dump_process_count(d[0]), 2);
    assert_diag_at(d[1], 9, 1, "expected a decimal number in column PID; process left out");
    assert_diag_at(d[1], 10, 5, "quoted field is not closed");
    assert_diag_at(d[1], 10, 1, "expected 5 fields as in the header, found 3");
    assert_diag_at(d[1], 11, 14,
                   "expected a time 'YYYY-MM-DD HH:MM:SS' in column CreateTime; left unknown");
    assert_diag_at(d[1], 11, 19, "expected a hexadecimal number in column EPROCESS; left unknown");
    assert_diag_at(d[1], 12, 9, "expected ',' or the end of the line after a closing quote");
    assert_diag_at(d[1], 12, 1, "expected 5 fields as in the header, found 6");
    /* Seven: the unreadable PID on line 9 is not reported a second time
     * as a row without one. */
    assert_int_equal(lineage_diag_list_count(lineage_dump_get_diags(d[1])), 7);
    assert_int_equal(lineage_dump_process_count(d[1]), 4);
    lineage_dump_free(d[0]);
    lineage_dump_free(d[1]);
    lineage_session_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proc_txt),
        cmocka_unit_test(test_terminated_flag_without_time),
        cmocka_unit_test(test_process_csv),
        cmocka_unit_test(test_deep_indent),
        cmocka_unit_test(test_unlinked_flag),
        cmocka_unit_test(test_process_csv_state_and_blanks),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
