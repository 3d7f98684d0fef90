/* The WinDbg `!process 0 0` parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"
#include "formats_c_helpers.h"

static const char two_line[] =
    "Windows 10 Kernel Version 15063 MP (4 procs) Free x64\n"
    "BugCheck A, {ffffd0000ab12340, 2, 0, fffff8016a2b3c4d}\n"
    "0: kd> !process 0 0\n"
    "**** NT ACTIVE PROCESS DUMP ****\n"
    "PROCESS ffffb30c5a46e040\n"
    "    SessionId: none  Cid: 0004    Peb: 00000000  ParentCid: 0000\n"
    "    DirBase: 001ad002  ObjectTable: ffffa0037c22bd40  HandleCount: 2741.\n"
    "    Image: System\n"
    "\n"
    "Failed to get VadRoot\n"
    "PROCESS ffffb30c5f0e7080\n"
    "    SessionId: 1  Cid: 1d2c    Peb: 9e53b2f000  ParentCid: 0e88\n"
    "    DirBase: 2a8f10002  ObjectTable: ffffa0038a11c6c0  HandleCount: <Data Not Accessible>\n"
    "    Image: explorer.exe\n";

static void test_two_line_layout(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, two_line);
    assert_string_equal(lineage_dump_get_format(d), "windbg");
    assert_int_equal(lineage_dump_get_pid_base(d), 16);
    assert_int_equal(lineage_dump_process_count(d), 2);
    const lineage_process *sys = find_pid(d, 4);
    assert_non_null(sys);
    assert_string_equal(pname(sys), "System");
    assert_int_equal(lineage_process_get_session(sys), -1);
    assert_true(lineage_process_get_eprocess(sys) == 0xffffb30c5a46e040ull);
    assert_true(lineage_process_get_threads(sys) == LINEAGE_UNKNOWN);
    assert_true(lineage_process_is_alive(sys));
    const lineage_process *ex = find_pid(d, 0x1d2c);
    assert_non_null(ex);
    assert_int_equal(lineage_process_get_ppid(ex), 0xe88);
    assert_int_equal(lineage_process_get_session(ex), 1);
    assert_int_equal(lineage_dump_get_build(d), 15063);
    assert_int_equal(lineage_dump_get_cpu_count(d), 4);
    assert_int_equal(lineage_dump_get_arch(d), LINEAGE_ARCH_X64);
    assert_int_equal(lineage_dump_get_bits(d), 64);
    assert_true(lineage_dump_has_bugcheck(d));
    assert_int_equal(lineage_dump_get_bugcheck_code(d), 0xa);
    assert_true(lineage_dump_get_bugcheck_param(d, 1) == 0xffffd0000ab12340ull);
    assert_true(lineage_dump_get_bugcheck_param(d, 4) == 0xfffff8016a2b3c4dull);
    assert_int_equal(lineage_diag_list_count(lineage_dump_get_diags(d)), 0);
    lineage_dump_free(d);
    lineage_session_free(s);
}

static void test_one_line_layout_and_tablesize(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s,
        "kd> !process 0 0\n"
        "PROCESS 85e1c020  SessionId: 0  Cid: 01f0    Peb: 7ffdf000  ParentCid: 01b4\n"
        "    DirBase: 3ec2a0c0  ObjectTable: 8e3a1c48  TableSize: 212.\n"
        "    Image: services.exe\n"
        "PROCESS 85e1d020  Cid: 0008    Peb: 00000000  ParentCid: 0000\n"
        "    DirBase: 00030000  ObjectTable: 8e3a1000  TableSize:\n"
        "    Image: System\n");
    assert_int_equal(lineage_dump_process_count(d), 2);
    const lineage_process *p = find_pid(d, 0x1f0);
    assert_non_null(p);
    assert_int_equal(lineage_process_get_ppid(p), 0x1b4);
    assert_int_equal(lineage_process_get_session(p), 0);
    assert_true(lineage_process_get_eprocess(p) == 0x85e1c020ull);
    assert_int_equal(lineage_dump_get_bits(d), 32);
    assert_int_equal(lineage_process_get_session(find_pid(d, 8)), -1);
    assert_false(lineage_dump_has_bugcheck(d));
    lineage_dump_free(d);
    lineage_session_free(s);
}

static void test_analyze_and_bugcheck_command(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s,
        "Windows 7 Kernel Version 7601 (Service Pack 1) UP Free x86 compatible\n"
        "kd> !process 0 0\n"
        "PROCESS 85e1d020  SessionId: none  Cid: 0004    Peb: 00000000  ParentCid: 0000\n"
        "    Image: System\n"
        "kd> !analyze -v\n"
        "BUGCHECK_CODE:  d1\n"
        "BUGCHECK_P1: 1c\n"
        "BUGCHECK_P2: 2\n"
        "BUGCHECK_P3: 0\n"
        "BUGCHECK_P4: 8bc41d2a\n");
    assert_int_equal(lineage_dump_get_build(d), 7601);
    assert_int_equal(lineage_dump_get_cpu_count(d), 1);
    assert_int_equal(lineage_dump_get_arch(d), LINEAGE_ARCH_X86);
    assert_true(lineage_dump_has_bugcheck(d));
    assert_int_equal(lineage_dump_get_bugcheck_code(d), 0xd1);
    assert_int_equal(lineage_dump_get_bugcheck_param(d, 1), 0x1c);
    assert_int_equal(lineage_dump_get_bugcheck_param(d, 4), 0x8bc41d2a);
    lineage_dump_free(d);

    d = read_one(s,
        "kd> .bugcheck\n"
        "Bugcheck code 0000007E\n"
        "Arguments ffffffff`c0000005 fffff800`02e8d1a0 fffff880`0331c8e8 fffff880`0331c140\n"
        "kd> !process 0 0\n"
        "PROCESS fffffa8000c9e040\n"
        "    SessionId: none  Cid: 0004    Peb: 00000000  ParentCid: 0000\n"
        "    Image: System\n");
    assert_int_equal(lineage_dump_get_bugcheck_code(d), 0x7e);
    assert_true(lineage_dump_get_bugcheck_param(d, 1) == 0xffffffffc0000005ull);
    assert_true(lineage_dump_get_bugcheck_param(d, 4) == 0xfffff8800331c140ull);
    lineage_dump_free(d);
    lineage_session_free(s);
}

static void test_several_dumps(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d[3] = {0};
    size_t n = read_dumps(s,
        "Windows 10 Kernel Version 19041 MP (2 procs) Free x64\n"
        "0: kd> !process 0 0\n"
        "PROCESS ffffb30c5a46e040\n"
        "    SessionId: none  Cid: 0004    Peb: 00000000  ParentCid: 0000\n"
        "    Image: System\n"
        "0: kd> !process 0 1\n"
        "**** NT ACTIVE PROCESS DUMP ****\n"
        "PROCESS ffffb30c5a46e040\n"
        "    SessionId: none  Cid: 0004    Peb: 00000000  ParentCid: 0000\n"
        "    Image: System\n"
        "    VadRoot ffffb30c5a4f1e20 Vads 5 Clone 0 Private 12. Modified 3. Locked 0.\n"
        "        THREAD ffffb30c5a4e9040  Cid 0004.000c  Teb: 0000000000000000\n"
        "PROCESS ffffb30c5a512080\n"
        "    SessionId: none  Cid: 0180    Peb: 6a1c9e1000  ParentCid: 0004\n"
        "    Image: smss.exe\n"
        "Windows 8 Kernel Version 9200 MP (8 procs) Free x64\n"
        "kd> !process 0 0\n"
        "PROCESS ffffb30c5a46e040\n"
        "    SessionId: none  Cid: 0004    Peb: 00000000  ParentCid: 0000\n"
        "    Image: System\n",
        d, 3, NULL);
    assert_int_equal(n, 3);
    assert_int_equal(lineage_dump_process_count(d[0]), 1);
    assert_int_equal(lineage_dump_process_count(d[1]), 2);
    assert_int_equal(lineage_dump_get_build(d[1]), 19041);
    assert_int_equal(lineage_dump_get_cpu_count(d[1]), 2);
    assert_int_equal(lineage_dump_get_build(d[2]), 9200);
    assert_int_equal(lineage_dump_get_cpu_count(d[2]), 8);
    assert_int_equal(lineage_dump_get_index(d[2]), 3);
    for (int i = 0; i < 3; i++)
        lineage_dump_free(d[i]);
    lineage_session_free(s);
}

/* A filtered `!process` after a listing (one address, an image name, a
 * session) is no listing: its blocks make no dump and are not added. */
static void test_filtered_query_skipped(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d[2] = {0};
    size_t n = read_dumps(s,
        "0: kd> !process 0 0\n"                                                  /* 1 */
        "**** NT ACTIVE PROCESS DUMP ****\n"                                     /* 2 */
        "PROCESS ffffb30c5a46e040\n"                                             /* 3 */
        "    SessionId: none  Cid: 0004    Peb: 00000000  ParentCid: 0000\n"     /* 4 */
        "    Image: System\n"                                                    /* 5 */
        "\n"                                                                     /* 6 */
        "PROCESS ffffb30c5a512080\n"                                             /* 7 */
        "    SessionId: none  Cid: 0180    Peb: 6a1c9e1000  ParentCid: 0004\n"   /* 8 */
        "    Image: smss.exe\n"                                                  /* 9 */
        "\n"                                                                     /* 10 */
        "0: kd> !process ffffb30c5a512080 1\n"                                   /* 11 */
        "PROCESS ffffb30c5a512080\n"                                             /* 12 */
        "    SessionId: none  Cid: 0180    Peb: 6a1c9e1000  ParentCid: 0004\n"   /* 13 */
        "    Image: smss.exe\n"                                                  /* 14 */
        "    VadRoot ffffb30c5a4f1d80 Vads 22 Clone 0 Private 55. Modified 2.\n" /* 15 */
        "0: kd> !process 0 2 smss.exe\n"                                         /* 16 */
        "PROCESS ffffb30c5a512080\n"                                             /* 17 */
        "    SessionId: none  Cid: 0180    Peb: 6a1c9e1000  ParentCid: 0004\n"   /* 18 */
        "    Image: smss.exe\n"                                                  /* 19 */
        "        THREAD ffffb30c5a5a1080  Cid 0180.0184  Teb: 0000006a1c9e2000\n" /* 20 */
        "kd> !process /s 1 0 0\n"                                                /* 21 */
        "PROCESS ffffb30c5f0e7080\n"                                             /* 22 */
        "    SessionId: 1  Cid: 1d2c    Peb: 9e53b2f000  ParentCid: 0e88\n"      /* 23 */
        "    Image: explorer.exe\n"                                              /* 24 */
        "0: kd> .bugcheck\n"                                                     /* 25 */
        "Bugcheck code 000000D1\n",                                              /* 26 */
        d, 2, NULL);
    assert_int_equal(n, 1);
    assert_int_equal(lineage_dump_process_count(d[0]), 2);
    assert_non_null(find_pid(d[0], 4));
    assert_null(find_pid(d[0], 0x1d2c));
    assert_diag_at(d[0], 11, 8, "a filtered '!process' query");
    assert_diag_at(d[0], 16, 8, "its PROCESS blocks up to the next prompt are skipped");
    assert_diag_at(d[0], 21, 5, "a filtered '!process' query");
    /* the prompt after a query ends it: .bugcheck is read again */
    assert_int_equal(lineage_dump_get_bugcheck_code(d[0]), 0xd1);
    lineage_dump_free(d[0]);

    /* a query alone is no dump; the note says why */
    lineage_diag_list *rd = lineage_diag_list_new();
    n = read_dumps(s,
        "0: kd> !process 0 0 wininit.exe\n"
        "PROCESS ffffb30c5a512080\n"
        "    SessionId: 0  Cid: 0240    Peb: 6a1c9e1000  ParentCid: 01f0\n"
        "    Image: wininit.exe\n"
        "kd> !process\n"
        "PROCESS ffffb30c5a512080\n"
        "    SessionId: 0  Cid: 0240    Peb: 6a1c9e1000  ParentCid: 01f0\n"
        "    Image: wininit.exe\n",
        d, 2, rd);
    assert_int_equal(n, 0);
    assert_int_equal(diags_matching(rd, "a filtered '!process' query"), 2);
    lineage_diag_list_free(rd);
    lineage_session_free(s);
}

static void test_malformed(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s,
        "**** NT ACTIVE PROCESS DUMP ****\n"                                  /* 1 */
        "PROCESS zzzz\n"                                                      /* 2 */
        "    SessionId: none  Cid: 00g4    Peb: 00000000  ParentCid: 0000\n"  /* 3 */
        "    Image: System\n"                                                 /* 4 */
        "PROCESS ffffb30c5a512080\n"                                          /* 5 */
        "    SessionId: x1  Cid: 0180    Peb: 6a1c9e1000  ParentCid: 0004\n"  /* 6 */
        "    Image:\n"                                                        /* 7 */
        "PROCESS ffffb30c5a513080\n"                                          /* 8 */
        "    SessionId: 1  Cid: 0190    Peb: 6a1c9e1000  ParentCid: 0004\n"   /* 9 */
        "PROCESS ffffb30c5a514080\n"                                          /* 10 */
        "    SessionId: 1  Cid: 0194    Peb: 6a1c9e1000\n"                    /* 11 */
        "    Image: lost.exe\n"                                               /* 12 */
        "BugCheck Q, {1, 2}\n"                                                /* 13 */
        "BugCheck 1E, {1, 2}\n");                                             /* 14 */
    assert_diag_at(d, 2, 9, "expected the hexadecimal EPROCESS address after 'PROCESS'");
    assert_diag_at(d, 3, 27, "expected a hexadecimal value after 'Cid:'");
    assert_diag_at(d, 1 + 1, 1, "PROCESS block has no Cid");
    assert_diag_at(d, 6, 16, "expected a decimal session or 'none' after 'SessionId:'");
    assert_diag_at(d, 7, 11, "expected an image name after 'Image:'");
    assert_diag_at(d, 8, 1, "PROCESS block ended without an 'Image:' line");
    assert_diag_at(d, 10, 1, "PROCESS block has no ParentCid");
    assert_diag_at(d, 13, 10, "expected a hexadecimal bugcheck code after 'BugCheck'");
    assert_diag_at(d, 14, 19, "expected four hexadecimal bugcheck parameters");
    /* 0x180 kept with an empty name, 0x190 kept unnamed; 4 and 0x194 dropped */
    assert_int_equal(lineage_dump_process_count(d), 2);
    assert_null(find_pid(d, 4));
    assert_non_null(find_pid(d, 0x190));
    assert_int_equal(lineage_dump_get_bugcheck_code(d), 0x1e);
    lineage_dump_free(d);
    lineage_session_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_line_layout),
        cmocka_unit_test(test_one_line_layout_and_tablesize),
        cmocka_unit_test(test_analyze_and_bugcheck_command),
        cmocka_unit_test(test_several_dumps),
        cmocka_unit_test(test_filtered_query_skipped),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
