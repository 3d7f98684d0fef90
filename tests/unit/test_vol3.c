/* Volatility 3 inputs: text (pslist/pstree/psscan, windows.info), CSV,
 * JSON and JSON Lines; encodings; the JSON depth and CSV column limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"
#include "limits.h"
#include "strbuf.h"

#define HDR27 "PID\tPPID\tImageFileName\tOffset(V)\tThreads\tHandles\tSessionId\tWow64\t" \
              "CreateTime\tExitTime\tAudit\tCmd\tPath\n"
#define HDR26 "PID\tPPID\tImageFileName\tOffset(V)\tThreads\tHandles\tSessionId\tWow64\t" \
              "CreateTime\tExitTime\n"

static size_t warnings(const lineage_dump *d)
{
    return lineage_diag_list_count_at_least(lineage_dump_get_diags(d), LINEAGE_WARNING);
}

static void text_pstree_fields(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s,
        "Volatility 3 Framework 2.11.0\n"
        "Progress:  100.00\t\tPDB scanning finished\n\n" HDR27 "\n"
        "4\t0\tSystem\t0xa88c3e46c040\t152\t-\tN/A\tFalse\t2024-03-05 08:01:12.000000 UTC\tN/A\t-\t-\t-\n"
        "* 388\t4\tsmss.exe\t0xa88c40d21080\t2\t53\tN/A\tFalse\t2024-03-05 08:01:12.500000 UTC\tN/A\t"
        "-\t\\SystemRoot\\System32\\smss.exe\t\\SystemRoot\\System32\\smss.exe\n"
        "** 3680\t388\tuserinit.exe\t0x10\t0\t-\t1\tFalse\t2024-03-05 08:02:01.000000\t"
        "2024-03-05 08:02:31.000000\t-\t-\t-\n");
    assert_string_equal(lineage_dump_get_format(d), "vol3");
    assert_int_equal(lineage_dump_get_pid_base(d), 10);
    assert_int_equal(lineage_dump_process_count(d), 3);
    assert_int_equal(warnings(d), 0);
    const lineage_process *p = find_pid(d, 388);
    assert_non_null(p);
    assert_int_equal(lineage_process_get_ppid(p), 4);
    assert_int_equal(lineage_process_get_threads(p), 2);
    assert_int_equal(lineage_process_get_eprocess(p), 0xa88c40d21080ull);
    assert_int_equal(lineage_process_get_session(p), -1);
    assert_int_equal(lineage_process_get_create_time(p), 1709625672500000ull);
    assert_string_equal(lineage_process_get_command_line(p), "\\SystemRoot\\System32\\smss.exe");
    assert_string_equal(lineage_process_get_image_path(p), "\\SystemRoot\\System32\\smss.exe");
    assert_true(lineage_process_is_alive(p));
    p = find_pid(d, 3680);
    assert_false(lineage_process_is_alive(p));
    assert_int_equal(lineage_process_get_session(p), 1);
    assert_int_equal(lineage_process_get_exit_time(p), 1709625751000000ull);
    assert_null(lineage_process_get_command_line(find_pid(d, 4)));
    assert_int_equal(lineage_dump_get_first_line(d), 1);
    lineage_dump_free(d);
    lineage_session_free(s);
}

/* Columns are found by name: a reordered pre-2.7 set reads the same. */
static void text_columns_by_name(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, "ImageFileName\tPPID\tPID\tThreads\n\nfoo.exe\t7\t9\t3\n");
    const lineage_process *p = find_pid(d, 9);
    assert_non_null(p);
    assert_int_equal(lineage_process_get_ppid(p), 7);
    assert_string_equal(lineage_name_text(lineage_process_get_name(p)), "foo.exe");
    assert_int_equal(lineage_process_get_eprocess(p), LINEAGE_UNKNOWN);
    lineage_dump_free(d);
    d = read_one(s, HDR26 "\n4\t0\tSystem\t0x1\t99\t-\tN/A\tFalse\t2020-01-01 00:00:00.000000\tN/A\n");
    assert_int_equal(lineage_dump_process_count(d), 1);
    assert_int_equal(warnings(d), 0);
    lineage_dump_free(d);
    lineage_session_free(s);
}

static void text_malformed(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, "PID\tPPID\tImageFileName\tThreads\tCreateTime\n"
                                  "x1\t0\tbad.exe\t1\tN/A\n"           /* bad PID: row dropped */
                                  "5\t0\tok.exe\tmany\tyesterday\n"    /* bad cells: kept */
                                  "6\t5\tshort.exe\n"                  /* fewer cells */
                                  "7\t5\tlong.exe\t1\tN/A\textra\n"   /* more cells */
                                  /* over 64 bits: PID, PPID (rows dropped), threads (kept) */
                                  "18446744073709551616\t5\tbig.exe\t1\tN/A\n"
                                  "9\t18446744073709551616\tbig.exe\t1\tN/A\n"
                                  "10\t5\tbig.exe\t18446744073709551616\tN/A\n");
    const lineage_diag_list *dl = lineage_dump_get_diags(d);
    assert_int_equal(lineage_dump_process_count(d), 4);
    /* Each bad cell says what became of it: a row without its PID or PPID
     * is left out, any other field left unknown. */
    assert_int_equal(diags_matching(dl, "PID does not fit in 64 bits; row ignored"), 2); /* and PPID */
    assert_int_equal(diags_matching(dl, "PPID does not fit in 64 bits; row ignored"), 1);
    assert_int_equal(diags_matching(dl, "thread count does not fit in 64 bits; left unknown"), 1);
    assert_int_equal(diags_matching(dl, "expected a decimal PID; row ignored"), 1);
    assert_int_equal(diags_matching(dl, "expected a decimal thread count; left unknown"), 1);
    assert_int_equal(
        diags_matching(dl, "expected a timestamp like 2024-03-05 08:01:12.000000 UTC; left unknown"),
        1);
    assert_int_equal(diags_matching(dl, "fewer cells"), 1);
    assert_int_equal(diags_matching(dl, "more cells"), 1);
    const lineage_diag *x = lineage_diag_list_get(dl, 0);
    assert_int_equal(lineage_diag_get_line(x), 2);
    assert_int_equal(lineage_diag_get_column(x), 1);
    assert_int_equal(lineage_process_get_threads(find_pid(d, 5)), LINEAGE_UNKNOWN);
    lineage_dump_free(d);
    lineage_session_free(s);
}

/* Every Volatility 3 renderer delimits its cells, so a name is kept as
 * written: " lsass.exe " is not lsass.exe. Other cells are trimmed. */
static void names_kept_as_written(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, "PID\tPPID\tImageFileName\tThreads\n"
                                  "4\t0\tSystem\t 152 \n"
                                  "700\t4\t lsass.exe \t8\n");
    assert_string_equal(lineage_name_text(lineage_process_get_name(find_pid(d, 700))),
                        " lsass.exe ");
    assert_int_equal(lineage_process_get_threads(find_pid(d, 4)), 152);
    assert_int_equal(warnings(d), 0);
    lineage_dump_free(d);
    d = read_one(s, "TreeDepth,PID,PPID,ImageFileName,Threads\n"
                    "0,4,0,System,152\n"
                    "1,700,4, lsass.exe ,8\n"
                    "1,701,4,\"lsass.exe \",8\n");
    assert_string_equal(lineage_name_text(lineage_process_get_name(find_pid(d, 700))),
                        " lsass.exe ");
    assert_string_equal(lineage_name_text(lineage_process_get_name(find_pid(d, 701))),
                        "lsass.exe ");
    lineage_dump_free(d);
    d = read_one(s, "[{\"ImageFileName\": \"System\", \"PID\": 4, \"PPID\": 0, "
                    "\"__children\": [{\"ImageFileName\": \" lsass.exe \", \"PID\": 700, "
                    "\"PPID\": 4, \"__children\": []}]}]\n");
    assert_string_equal(lineage_name_text(lineage_process_get_name(find_pid(d, 700))),
                        " lsass.exe ");
    lineage_dump_free(d);
    lineage_session_free(s);
}

/* A header alone is a dump of no process, as in every other format; a
 * header whose TABs became spaces is named, with what to do. */
static void text_header_only_and_untabbed(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d[2] = {0};
    size_t n = read_dumps(s, "Volatility 3 Framework 2.11.0\n\n"
                             "PID\tPPID\tImageFileName\tOffset(V)\tThreads\n",
                          d, 2, NULL);
    assert_int_equal(n, 1);
    assert_int_equal(lineage_dump_process_count(d[0]), 0);
    assert_int_equal(diags_matching(lineage_dump_get_diags(d[0]), "no process in this dump"), 1);
    lineage_dump_free(d[0]);

    lineage_diag_list *rd = lineage_diag_list_new();
    n = read_dumps(s, "Volatility 3 Framework 2.11.0\n\n"
                      "PID     PPID    ImageFileName   Offset(V)       Threads\n\n"
                      "4       0       System  0xa88c3e46c040  152\n",
                   d, 2, rd);
    assert_int_equal(n, 0);
    assert_int_equal(lineage_diag_list_count(rd), 1);
    const lineage_diag *x = lineage_diag_list_get(rd, 0);
    assert_int_equal(lineage_diag_get_line(x), 3);
    assert_int_equal(lineage_diag_get_column(x), 1);
    assert_non_null(strstr(lineage_diag_get_message(x), "expected a TAB-separated header"));
    assert_non_null(strstr(lineage_diag_get_message(x), "rerun vol with the default renderer "
                                                        "or with '-r csv'"));
    lineage_diag_list_free(rd);

    /* the pretty renderer's cells */
    rd = lineage_diag_list_new();
    n = read_dumps(s, "Volatility 3 Framework 2.11.0\nFormatting...\n"
                      "  | PID | PPID | ImageFileName |      Offset(V)\n"
                      "* |   4 |    0 |        System | 0xa88c3e46c040\n",
                   d, 2, rd);
    assert_int_equal(n, 0);
    assert_int_equal(diags_matching(rd, "expected a TAB-separated header"), 1);
    lineage_diag_list_free(rd);
    lineage_session_free(s);
}

static void text_info_and_several_outputs(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *dumps[3] = {0};
    size_t n = read_dumps(s,
        "Volatility 3 Framework 2.11.0\n\nVariable\tValue\n\n"
        "Kernel Base\t0xf80312a00000\nIs64Bit\tTrue\n"
        "NTBuildLab\t19041.1.amd64fre.vb_release.191206-1406\n"
        "Major/Minor\t15.19041\nMachineType\t34404\nKeNumberProcessors\t4\n"
        "Volatility 3 Framework 2.11.0\n\nPID\tPPID\tImageFileName\n\n4\t0\tSystem\n"
        "Volatility 3 Framework 2.11.0\n\nPID\tPPID\tImageFileName\n\n8\t0\tSystem\n"
        "Variable\tValue\nMachineType\t332\nNTBuildLab\t7601.17514.x86fre.win7sp1_rtm\n",
        dumps, 3, NULL);
    assert_int_equal(n, 2);
    assert_int_equal(lineage_dump_get_build(dumps[0]), 19041);
    assert_int_equal(lineage_dump_get_arch(dumps[0]), LINEAGE_ARCH_X64);
    assert_int_equal(lineage_dump_get_cpu_count(dumps[0]), 4);
    assert_int_equal(lineage_dump_get_bits(dumps[0]), 64);
    uint64_t v = 0;
    assert_true(lineage_dump_field_find(dumps[0], "windows.info", "Kernel Base", &v));
    assert_int_equal(v, 0xf80312a00000ull);
    assert_int_equal(lineage_dump_process_count(dumps[0]), 1);
    assert_non_null(find_pid(dumps[1], 8));
    assert_int_equal(lineage_dump_get_build(dumps[1]), 7601);
    assert_int_equal(lineage_dump_get_arch(dumps[1]), LINEAGE_ARCH_X86);
    lineage_dump_free(dumps[0]);
    lineage_dump_free(dumps[1]);
    lineage_session_free(s);
}

static void csv_backslashes_and_quotes(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s,
        "Volatility 3 Framework 2.11.0\n\n"
        "TreeDepth,PID,PPID,ImageFileName,Offset(V),Threads,Handles,SessionId,Wow64,CreateTime,"
        "ExitTime,Audit,Cmd,Path\n"
        "0,4,0,System,0x10,152,-,N/A,False,2024-03-05 08:01:12.000000 UTC,N/A,-,-,-\n"
        "1,880,4,svchost.exe,0x20,12,-,0,False,N/A,N/A,-,"
        "\"C:\\\\Windows\\\\svchost.exe -k \"\"a,b\"\"\",C:\\\\Windows\\\\svchost.exe\n"
        "1,932,4,svchost.exe,0x30,9,-,0,False,N/A,N/A,-,C:\\Windows\\svchost.exe,"
        "C:\\Windows\\svchost.exe\n"
        "1,x,4,bad.exe,0x30,9,-,0,False,N/A,N/A,-,-,-\n"
        "\n");
    assert_string_equal(lineage_dump_get_format(d), "vol3-csv");
    assert_int_equal(lineage_dump_process_count(d), 3);
    const lineage_process *p = find_pid(d, 880);
    assert_string_equal(lineage_process_get_command_line(p), "C:\\Windows\\svchost.exe -k \"a,b\"");
    assert_string_equal(lineage_process_get_image_path(p), "C:\\Windows\\svchost.exe");
    p = find_pid(d, 932);
    assert_string_equal(lineage_process_get_command_line(p), "C:\\Windows\\svchost.exe");
    assert_int_equal(lineage_process_get_eprocess(p), 0x30);
    assert_int_equal(diags_matching(lineage_dump_get_diags(d), "expected a decimal PID; row ignored"), 1);
    lineage_dump_free(d);
    lineage_session_free(s);
}

static void csv_column_limit(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "TreeDepth,PID,PPID,ImageFileName");
    for (unsigned i = 0; i < LINEAGE_MAX_CSV_COLUMNS; i++)
        strbuf_printf(&sb, ",X%u", i);
    strbuf_puts(&sb, "\n0,4,0,System\n");
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, sb.data);
    assert_int_equal(diags_matching(lineage_dump_get_diags(d), "more than 256 columns"), 1);
    assert_non_null(find_pid(d, 4));
    lineage_dump_free(d);
    lineage_session_free(s);
    strbuf_release(&sb);
}

static void json_nesting_and_values(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s,
        "Volatility 3 Framework 2.11.0\n"
        "[\n"
        "  {\"CreateTime\": \"2024-03-05T08:01:12.5+00:00\", \"ExitTime\": null,\n"
        "   \"ImageFileName\": \"System\", \"Offset(V)\": 16, \"PID\": 4, \"PPID\": 0,\n"
        "   \"SessionId\": null, \"Threads\": 152, \"Wow64\": false, \"Extra\": {\"a\": [1, 2]},\n"
        "   \"__children\": [\n"
        "     {\"Cmd\": \"a\\\"b\\u00e9\\ud83d\\ude00\\udcff\", \"ImageFileName\": \"x.exe\","
        " \"PID\": 8, \"PPID\": 4, \"Threads\": 0, \"__children\": []}\n"
        "   ]}\n"
        "]\n");
    assert_string_equal(lineage_dump_get_format(d), "vol3-json");
    assert_int_equal(lineage_dump_process_count(d), 2);
    assert_int_equal(warnings(d), 0);
    const lineage_process *p = find_pid(d, 4);
    assert_int_equal(lineage_process_get_eprocess(p), 16);
    assert_int_equal(lineage_process_get_create_time(p), 1709625672500000ull);
    assert_int_equal(lineage_process_get_index(p), 0);
    p = find_pid(d, 8);
    assert_ptr_equal(lineage_process_get_parent(p), find_pid(d, 4));
    assert_false(lineage_process_is_alive(p));
    assert_string_equal(lineage_process_get_command_line(p), "a\"b\xc3\xa9\xf0\x9f\x98\x80\xff");
    lineage_dump_free(d);
    lineage_session_free(s);
}

static void jsonl_records_and_recovery(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s,
        "{\"ImageFileName\": \"System\", \"PID\": 4, \"PPID\": 0, \"__children\": []}\n"
        "{\"ImageFileName\": \"bad\", \"PID\": 5, \"PPID\": 0 \"__children\": []}\n"
        "{\"ImageFileName\": \"b.exe\", \"PID\": 6, \"PPID\": 4, \"__children\": "
        "[{\"ImageFileName\": \"c.exe\", \"PID\": 7, \"PPID\": 6, \"__children\": []}]}\n"
        "{\"ImageFileName\": \"nopid.exe\", \"PPID\": 4, \"__children\": []}\n");
    const lineage_diag_list *dl = lineage_dump_get_diags(d);
    assert_int_equal(diags_matching(dl, "expected ',' or '}' in an object"), 1);
    assert_int_equal(diags_matching(dl, "row has no PID; ignored"), 1);
    assert_non_null(find_pid(d, 4));
    assert_non_null(find_pid(d, 5)); /* had PID and PPID before the error */
    assert_ptr_equal(lineage_process_get_parent(find_pid(d, 7)), find_pid(d, 6));
    assert_int_equal(lineage_dump_process_count(d), 4);
    lineage_dump_free(d);
    lineage_session_free(s);
}

/* A JSON row whose PID is unreadable is reported once, at the cell: not
 * again, when the row closes, as a row without a PID. */
static void json_bad_cells(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s,
        "[{\"ImageFileName\": \"x.exe\", \"PID\": \"x\", \"PPID\": 4, \"__children\": []},\n"
        " {\"ImageFileName\": \"y.exe\", \"PID\": 9, \"PPID\": 4, \"Threads\": \"many\",\n"
        "  \"SessionId\": \"one\", \"__children\": []}]\n");
    const lineage_diag_list *dl = lineage_dump_get_diags(d);
    assert_int_equal(lineage_diag_list_count(dl), 3);
    assert_int_equal(diags_matching(dl, "expected a decimal PID; row ignored"), 1);
    assert_int_equal(diags_matching(dl, "expected a decimal thread count; left unknown"), 1);
    assert_int_equal(diags_matching(dl, "expected a decimal session id; left unknown"), 1);
    assert_int_equal(lineage_dump_process_count(d), 1);
    assert_int_equal(lineage_process_get_threads(find_pid(d, 9)), LINEAGE_UNKNOWN);
    lineage_dump_free(d);
    lineage_session_free(s);
}

static void json_depth_limit(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "[{\"PID\": 4, \"PPID\": 0, \"ImageFileName\": \"System\", \"__children\": ");
    for (unsigned i = 0; i < LINEAGE_MAX_JSON_DEPTH; i++)
        strbuf_putc(&sb, '[');
    strbuf_puts(&sb, "\n");
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, sb.data);
    assert_int_equal(diags_matching(lineage_dump_get_diags(d), "nested deeper than"), 1);
    assert_non_null(find_pid(d, 4));
    lineage_dump_free(d);
    lineage_session_free(s);
    strbuf_release(&sb);
}

/* Reads `text` as vol3-json, whatever it looks like: all its dumps (up to
 * `max` kept, the rest freed) and, in *reader_diags, what belonged to no
 * dump (the caller frees the list). */
static size_t read_json(lineage_session *s, const char *text, lineage_dump **dumps, size_t max,
                        lineage_diag_list **reader_diags)
{
    lineage_reader *r = NULL;
    assert_int_equal(lineage_reader_open_memory(s, "ps.json", text, strlen(text), "vol3-json", &r),
                     LINEAGE_OK);
    size_t n = 0;
    lineage_dump *d;
    while (lineage_reader_next(r, &d) == LINEAGE_OK && d) {
        if (n < max)
            dumps[n] = d;
        else
            lineage_dump_free(d);
        n++;
    }
    *reader_diags = lineage_diag_list_new();
    lineage_reader_take_diags(r, *reader_diags);
    lineage_reader_free(r);
    return n;
}

/* The one record of `dl` is this error, at line:col, with this excerpt. */
static void assert_only_error(const lineage_diag_list *dl, unsigned long line, unsigned col,
                              const char *message, const char *source_line)
{
    assert_int_equal(lineage_diag_list_count(dl), 1);
    const lineage_diag *x = lineage_diag_list_get(dl, 0);
    assert_int_equal(lineage_diag_get_severity(x), LINEAGE_ERROR);
    assert_int_equal(lineage_diag_get_line(x), line);
    assert_int_equal(lineage_diag_get_column(x), col);
    assert_string_equal(lineage_diag_get_message(x), message);
    assert_string_equal(lineage_diag_get_source_line(x), source_line);
}

/* Input that ends inside a value is reported at its end (the last line
 * that held text, the column after it), naming the innermost container
 * left open and its line; the rows before the cut are kept and the dump
 * runs to that line. */
static void json_cut_short(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = NULL;
    lineage_diag_list *rd = NULL;
    static const char cut_line[] =
        "[{\"PID\": 4, \"PPID\": 0, \"ImageFileName\": \"System\", \"__children\": [";
    assert_int_equal(read_json(s, cut_line, &d, 1, &rd), 1);
    assert_int_equal(lineage_diag_list_count(rd), 0);
    assert_only_error(lineage_dump_get_diags(d), 1, 66,
                      "the JSON ends before the list opened on line 1 is closed (file cut short?)",
                      cut_line);
    assert_int_equal(lineage_dump_process_count(d), 1);
    assert_int_equal(lineage_dump_get_first_line(d), 1);
    assert_int_equal(lineage_dump_get_last_line(d), 1);
    lineage_dump_free(d);
    lineage_diag_list_free(rd);

    /* Blank lines after the cut are not its end. */
    assert_int_equal(read_json(s,
                               "[\n"
                               "  {\"PID\": 4, \"PPID\": 0, \"__children\": []},\n"
                               "  {\"ImageFileName\": \"smss.exe\",\n"
                               "   \"PID\": 388, \"PPID\": 4, \n"
                               "\n"
                               "  \n",
                               &d, 1, &rd),
                     1);
    assert_only_error(lineage_dump_get_diags(d), 4, 27,
                      "the JSON ends before the object opened on line 3 is closed (file cut "
                      "short?)",
                      "   \"PID\": 388, \"PPID\": 4, ");
    assert_int_equal(lineage_dump_process_count(d), 2);
    assert_int_equal(lineage_dump_get_first_line(d), 1);
    assert_int_equal(lineage_dump_get_last_line(d), 4);
    lineage_dump_free(d);
    lineage_diag_list_free(rd);
    lineage_session_free(s);
}

/* A document stopped by an error before its first process is no dump
 * when nothing else is in the source: the error stays with the reader (so
 * the CLI says "no dump found"). After another dump it is a dump of its
 * own, whose lines are its own. */
static void json_error_before_first_row(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *dumps[3] = {0};
    lineage_diag_list *rd = NULL;
    assert_int_equal(read_json(s, "Some prose.\n[---]\nMore prose.\n", dumps, 3, &rd), 0);
    assert_only_error(rd, 2, 2, "expected a JSON value", "[---]");
    lineage_diag_list_free(rd);

    assert_int_equal(read_json(s, "[\n  {\n    \"Cmd\": null,\n", dumps, 3, &rd), 0);
    assert_only_error(rd, 3, 17,
                      "the JSON ends before the object opened on line 2 is closed (file cut "
                      "short?)",
                      "    \"Cmd\": null,");
    lineage_diag_list_free(rd);

    assert_int_equal(read_json(s, "[{\"PID\": 4, \"PPID\": 0, \"__children\": []}]\n[---]\n", dumps,
                               3, &rd),
                     2);
    assert_int_equal(lineage_diag_list_count(rd), 0);
    assert_int_equal(lineage_dump_process_count(dumps[1]), 0);
    assert_only_error(lineage_dump_get_diags(dumps[1]), 2, 2, "expected a JSON value", "[---]");
    assert_int_equal(lineage_dump_get_first_line(dumps[1]), 2);
    assert_int_equal(lineage_dump_get_last_line(dumps[1]), 2);
    lineage_dump_free(dumps[0]);
    lineage_dump_free(dumps[1]);
    lineage_diag_list_free(rd);
    lineage_session_free(s);
}

/* Several top-level lists on one line are as many dumps, in order. */
static void json_lists_on_one_line(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *dumps[3] = {0};
    lineage_diag_list *rd = NULL;
    assert_int_equal(read_json(s,
                               "[{\"PID\": 4, \"PPID\": 0, \"__children\": []}] "
                               "[{\"PID\": 5, \"PPID\": 0, \"__children\": []}] "
                               "[{\"PID\": 6, \"PPID\": 0, \"__children\": []}]\n",
                               dumps, 3, &rd),
                     3);
    for (unsigned i = 0; i < 3; i++) {
        assert_int_equal(lineage_dump_get_index(dumps[i]), i + 1);
        assert_non_null(find_pid(dumps[i], 4 + i));
        lineage_dump_free(dumps[i]);
    }
    lineage_diag_list_free(rd);
    lineage_session_free(s);
}

/* What PowerShell's `>` writes: UTF-16LE with a BOM, CRLF. */
static void utf16le_bom(void **state)
{
    (void)state;
    static const char *const inputs[] = {
        "Volatility 3 Framework 2.11.0\r\n\r\nPID\tPPID\tImageFileName\r\n\r\n4\t0\tSystem\r\n"
        "388\t4\tsmss.exe\r\n",
        "TreeDepth,PID,PPID,ImageFileName\r\n0,4,0,System\r\n1,388,4,smss.exe\r\n",
        "[{\"ImageFileName\": \"System\", \"PID\": 4, \"PPID\": 0, \"__children\": [\r\n"
        "{\"ImageFileName\": \"smss.exe\", \"PID\": 388, \"PPID\": 4, \"__children\": []}]}]\r\n",
    };
    static const char *const formats[] = {"vol3", "vol3-csv", "vol3-json"};
    for (size_t k = 0; k < 3; k++) {
        size_t n = strlen(inputs[k]);
        char *buf = malloc(2 + 2 * n);
        buf[0] = (char)0xff;
        buf[1] = (char)0xfe;
        for (size_t i = 0; i < n; i++) {
            buf[2 + 2 * i] = inputs[k][i];
            buf[3 + 2 * i] = 0;
        }
        lineage_session *s = lineage_session_new();
        lineage_reader *r = NULL;
        assert_int_equal(lineage_reader_open_memory(s, "ps.txt", buf, 2 + 2 * n, NULL, &r),
                         LINEAGE_OK);
        assert_string_equal(lineage_reader_get_format(r), formats[k]);
        lineage_dump *d = NULL;
        assert_int_equal(lineage_reader_next(r, &d), LINEAGE_OK);
        assert_non_null(d);
        assert_int_equal(lineage_dump_process_count(d), 2);
        assert_ptr_equal(lineage_process_get_parent(find_pid(d, 388)), find_pid(d, 4));
        assert_string_equal(lineage_name_text(lineage_process_get_name(find_pid(d, 388))),
                            "smss.exe");
        lineage_dump_free(d);
        lineage_reader_free(r);
        lineage_session_free(s);
        free(buf);
    }
}

/* Bytes that are not UTF-8 are kept in the name and escaped in the tree. */
static void invalid_utf8_name(void **state)
{
    (void)state;
    char *t = tree_of("PID\tPPID\tImageFileName\n4\t0\tSys\xfftem\n");
    assert_non_null(strstr(t, "Sys\\xfftem (4)"));
    free(t);
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, "TreeDepth,PID,PPID,ImageFileName\n0,4,0,a\x80" "b\n");
    assert_memory_equal(lineage_name_text(lineage_process_get_name(find_pid(d, 4))), "a\x80" "b", 4);
    lineage_dump_free(d);
    lineage_session_free(s);
}

/* The same small system in every Volatility 3 form reads the same. */
static void same_system(void **state)
{
    (void)state;
    static const char *const files[] = {
        "tests/data/formats/system.vol3-pslist.txt", "tests/data/formats/system.vol3-pstree.txt",
        "tests/data/formats/system.vol3.csv", "tests/data/formats/system.vol3.json",
        "tests/data/formats/system.vol3.jsonl"};
    char *first = NULL;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        size_t len;
        char *text = read_source_file(files[i], &len);
        lineage_session *s = lineage_session_new();
        lineage_dump *d = read_one(s, text);
        assert_int_equal(warnings(d), 0);
        assert_int_equal(lineage_dump_process_count(d), 13);
        assert_false(lineage_process_is_alive(find_pid(d, 3680)));
        assert_int_equal(lineage_process_get_exit_time(find_pid(d, 3680)), 1709625751000000ull);
        assert_int_equal(lineage_dump_absent_count(d), 2);
        char *t = lineage_render_tree_text(d, LINEAGE_RENDER_ASCII);
        if (!first)
            first = t;
        else {
            assert_string_equal(t, first);
            free(t);
        }
        lineage_dump_free(d);
        lineage_session_free(s);
        free(text);
    }
    free(first);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(text_pstree_fields),
        cmocka_unit_test(text_columns_by_name),
        cmocka_unit_test(text_malformed),
        cmocka_unit_test(text_info_and_several_outputs),
        cmocka_unit_test(names_kept_as_written),
        cmocka_unit_test(text_header_only_and_untabbed),
        cmocka_unit_test(csv_backslashes_and_quotes),
        cmocka_unit_test(csv_column_limit),
        cmocka_unit_test(json_nesting_and_values),
        cmocka_unit_test(jsonl_records_and_recovery),
        cmocka_unit_test(json_bad_cells),
        cmocka_unit_test(json_depth_limit),
        cmocka_unit_test(json_cut_short),
        cmocka_unit_test(json_error_before_first_row),
        cmocka_unit_test(json_lists_on_one_line),
        cmocka_unit_test(utf16le_bom),
        cmocka_unit_test(invalid_utf8_name),
        cmocka_unit_test(same_system),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
