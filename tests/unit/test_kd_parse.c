/* The kd .dumpdebug listing parser: every construct of the seed listings
 * and every malformed variant. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"
#include "strbuf.h"

#define HEADER64                                                                                   \
    "DUMP_HEADER64:\n"                                                                             \
    "MajorVersion        0000000f\n"                                                               \
    "MinorVersion        00002580\n"                                                               \
    "DirectoryTableBase  00000001`bea5e000\n"                                                      \
    "MachineImageType    00008664\n"                                                               \
    "NumberProcessors    00000004\n"                                                               \
    "BugCheckCode        00000133\n"                                                               \
    "BugCheckParameter1  00000000`00000000\n"                                                      \
    "BugCheckParameter2  00000000`00000501\n"                                                      \
    "BugCheckParameter3  00000000`00000500\n"                                                      \
    "BugCheckParameter4  00000000`00000000\n"                                                      \
    "\n"                                                                                           \
    "BITMAP_DUMP:\n"                                                                               \
    "DumpOptions         00000000\n"                                                               \
    "HeaderSize          48000\n"                                                                  \
    "\n"                                                                                           \
    "KiProcessorBlock at fffff801`689e0d40\n"                                                      \
    "  4 KiProcessorBlock entries:\n"                                                              \
    "  fffff801`68972180 ffffd001`30bd4180 \n"                                                     \
    "  ffffd001`30d50180 ffffd001`30dce180\n"                                                      \
    "\n"

#define SYSTEM_LINE "Parent+: 0x0000--->\tChild: 0x0004\tActiveThreads->0149\tSystem\n"

static void test_header_facts(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, HEADER64 SYSTEM_LINE);
    assert_int_equal(lineage_dump_get_bits(d), 64);
    assert_int_equal(lineage_dump_get_build(d), 9600);
    assert_int_equal(lineage_dump_get_arch(d), LINEAGE_ARCH_X64);
    assert_int_equal(lineage_dump_get_cpu_count(d), 4);
    assert_true(lineage_dump_has_bugcheck(d));
    assert_int_equal(lineage_dump_get_bugcheck_code(d), 0x133);
    assert_int_equal(lineage_dump_get_bugcheck_param(d, 2), 0x501);
    assert_int_equal(lineage_dump_get_kind(d), LINEAGE_DUMP_KIND_BITMAP);
    assert_string_equal(lineage_dump_get_kind_label(d), "BITMAP_DUMP");
    uint64_t v;
    assert_true(lineage_dump_field_find(d, "DUMP_HEADER64", "DirectoryTableBase", &v));
    assert_true(v == 0x1bea5e000ull);
    assert_true(lineage_dump_field_find(d, "BITMAP_DUMP", "HeaderSize", &v));
    assert_true(v == 0x48000);
    assert_false(lineage_dump_field_find(d, "DUMP_HEADER64", "HeaderSize", &v));
    assert_int_equal(lineage_dump_field_count(d), 12);
    const char *section, *name;
    unsigned long line;
    assert_true(lineage_dump_field_get(d, 0, &section, &name, &v, &line));
    assert_string_equal(section, "DUMP_HEADER64");
    assert_string_equal(name, "MajorVersion");
    assert_true(v == 0xf);
    assert_int_equal(line, 2);
    assert_true(lineage_dump_field_get(d, 11, &section, &name, &v, &line));
    assert_string_equal(section, "BITMAP_DUMP");
    assert_string_equal(name, "HeaderSize");
    assert_true(v == 0x48000);
    assert_int_equal(line, 15);
    assert_true(lineage_dump_field_get(d, 2, NULL, NULL, NULL, NULL));
    assert_false(lineage_dump_field_get(d, 12, &section, &name, &v, &line));
    assert_true(lineage_dump_has_processor_block(d));
    assert_true(lineage_dump_get_processor_block(d) == 0xfffff801689e0d40ull);
    assert_int_equal(lineage_dump_processor_entry_count(d), 4);
    assert_true(lineage_dump_processor_entry(d, 3) == 0xffffd00130dce180ull);
    assert_int_equal(lineage_diag_list_count(lineage_dump_get_diags(d)), 0);
    assert_int_equal(lineage_dump_get_first_line(d), 1);
    assert_int_equal(lineage_dump_get_last_line(d), 22);
    lineage_dump_free(d);
    lineage_session_free(s);
}

static void test_process_fields(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, SYSTEM_LINE
                               "Parent-: 0x2d4--->\tChild: 0x5d4\tActiveThreads->0000\twmiprvse.exe\n"
                               "Parent+: 0x0318--->\tChild: 0x14a4\tActiveThreads->0017\tRuntimeBroker.\n");
    assert_int_equal(lineage_dump_process_count(d), 3);
    const lineage_process *p = lineage_dump_process(d, 1);
    assert_int_equal(lineage_process_get_pid(p), 0x5d4);
    assert_int_equal(lineage_process_get_ppid(p), 0x2d4);
    assert_int_equal(lineage_process_get_threads(p), 0);
    assert_false(lineage_process_is_alive(p));
    assert_int_equal(lineage_process_get_line(p), 2);
    assert_string_equal(lineage_name_text(lineage_process_get_name(p)), "wmiprvse.exe");
    assert_true(lineage_process_get_create_time(p) == LINEAGE_UNKNOWN);
    assert_int_equal(lineage_process_get_session(p), -1);
    p = lineage_dump_process(d, 2);
    assert_int_equal(lineage_process_get_threads(p), 17); /* decimal, not 0x17 */
    assert_true(lineage_name_is_cut(lineage_process_get_name(p)));
    assert_string_equal(lineage_name_text(lineage_name_full(lineage_process_get_name(p))),
                        "RuntimeBroker.exe");
    assert_int_equal(lineage_dump_get_build(d), 0); /* no header: unknown OS */
    assert_int_equal(lineage_dump_get_pid_base(d), 16);
    assert_string_equal(lineage_dump_get_format(d), "kd");
    lineage_dump_free(d);
    lineage_session_free(s);
}

static void test_tolerated_layouts(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    /* BOM, spaces for TABs, CRLF, trailing blanks, wide and short PIDs,
     * a name with a blank inside. */
    lineage_dump *d = read_one(s, "\xef\xbb\xbf"
                               "Parent+: 0x0000---> Child: 0x4 ActiveThreads->0070 System  \r\n"
                               "  Parent+ :0x00000004 ---> Child : 0x0000000000000198  ActiveThreads -> 3\tsmss.exe\r\n"
                               "Parent+: 4--->\tChild: 1ac\tActiveThreads->0001\tMemory Compression\r\n");
    assert_int_equal(lineage_dump_process_count(d), 3);
    assert_int_equal(lineage_diag_list_count(lineage_dump_get_diags(d)), 0);
    assert_string_equal(lineage_name_text(lineage_process_get_name(lineage_dump_process(d, 0))),
                        "System");
    assert_int_equal(lineage_process_get_pid(lineage_dump_process(d, 1)), 0x198);
    assert_int_equal(lineage_process_get_threads(lineage_dump_process(d, 1)), 3);
    assert_string_equal(lineage_name_text(lineage_process_get_name(lineage_dump_process(d, 2))),
                        "Memory Compression");
    lineage_dump_free(d);
    lineage_session_free(s);
}

/* Reads `line` after a System line and checks the one diagnostic. */
static void expect_warning(const char *line, unsigned column, const char *message,
                           size_t processes)
{
    lineage_session *s = lineage_session_new();
    char text[512];
    snprintf(text, sizeof text, SYSTEM_LINE "%s\n", line);
    lineage_dump *d = read_one(s, text);
    const lineage_diag_list *diags = lineage_dump_get_diags(d);
    assert_int_equal(lineage_diag_list_count(diags), 1);
    const lineage_diag *g = lineage_diag_list_get(diags, 0);
    assert_int_equal(lineage_diag_get_severity(g), LINEAGE_WARNING);
    assert_string_equal(lineage_diag_get_source(g), "test.txt");
    assert_int_equal(lineage_diag_get_line(g), 2);
    assert_int_equal(lineage_diag_get_column(g), column);
    assert_string_equal(lineage_diag_get_message(g), message);
    assert_int_equal(lineage_dump_process_count(d), processes);
    lineage_dump_free(d);
    lineage_session_free(s);
}

static void test_malformed_lines(void **state)
{
    (void)state;
    expect_warning("Parent*: 0x4--->\tChild: 0x8\tActiveThreads->0001\tx.exe", 7,
                   "expected '+' or '-' after 'Parent'; process line skipped", 1);
    expect_warning("Parent+ 0x4--->\tChild: 0x8\tActiveThreads->0001\tx.exe", 9,
                   "expected ':' after 'Parent+' or 'Parent-'; process line skipped", 1);
    expect_warning("Parent+: zz--->\tChild: 0x8\tActiveThreads->0001\tx.exe", 10,
                   "expected a hexadecimal parent PID; process line skipped", 1);
    expect_warning("Parent+: 0x4-->\tChild: 0x8\tActiveThreads->0001\tx.exe", 13,
                   "expected '--->' after the parent PID; process line skipped", 1);
    expect_warning("Parent+: 0x4--->\tKid: 0x8\tActiveThreads->0001\tx.exe", 18,
                   "expected 'Child:' after '--->'; process line skipped", 1);
    expect_warning("Parent+: 0x4--->\tChild: \tActiveThreads->0001\tx.exe", 26,
                   "expected a hexadecimal child PID; process line skipped", 1);
    expect_warning("Parent+: 0x4--->\tChild: 0x8\tThreads->0001\tx.exe", 29,
                   "expected 'ActiveThreads->' after the child PID; process line skipped", 1);
    expect_warning("Parent+: 0x4--->\tChild: 0x8\tActiveThreads->\tx.exe", 45,
                   "expected a decimal thread count after 'ActiveThreads->'; process line skipped", 1);
    expect_warning("Parent+: 0x4--->\tChild: 0x10000000000000000\tActiveThreads->0001\tx.exe", 25,
                   "child PID does not fit in 64 bits; process line skipped", 1);
    expect_warning("Parent+: 0x4g--->\tChild: 0x8\tActiveThreads->0001\tx.exe", 10,
                   "expected a hexadecimal parent PID; process line skipped", 1);
}

/* A process line after a debugger prompt is read; one with other text in
 * front of it is never prose: it is skipped with a warning. */
static void test_prompt_before_process(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, SYSTEM_LINE
                               "0: kd> Parent+: 0x0004--->\tChild: 0x0144\tActiveThreads->0002\tsmss.exe\n"
                               "kd> Parent+: 0x01f0--->\tChild: 0x01f8\tActiveThreads->0011\tcsrss.exe\n"
                               "  lkd>Parent+: 0x01f0--->\tChild: 0x024c\tActiveThreads->0002\twininit.exe\n"
                               "12: kd>  Parent-: 0x024c--->\tChild: 0x02b4\tActiveThreads->0000\tx.exe\n");
    assert_int_equal(lineage_dump_process_count(d), 5);
    assert_int_equal(lineage_diag_list_count(lineage_dump_get_diags(d)), 0);
    assert_int_equal(lineage_process_get_pid(lineage_dump_process(d, 1)), 0x144);
    assert_string_equal(lineage_name_text(lineage_process_get_name(lineage_dump_process(d, 3))),
                        "wininit.exe");
    assert_false(lineage_process_is_alive(lineage_dump_process(d, 4)));
    assert_int_equal(lineage_dump_get_prose_lines(d), 0);
    lineage_dump_free(d);
    lineage_session_free(s);
    expect_warning("1: kd> junk Parent+: 0x4--->\tChild: 0x8\tActiveThreads->0001\tx.exe", 13,
                   "expected a process line to start with 'Parent+:' or 'Parent-:' (after an "
                   "optional 'kd>' prompt), but other text comes before it; process line skipped",
                   1);
    expect_warning("> Parent-: 0x4---> Child: 0x8 ActiveThreads->0000 x.exe", 3,
                   "expected a process line to start with 'Parent+:' or 'Parent-:' (after an "
                   "optional 'kd>' prompt), but other text comes before it; process line skipped",
                   1);
    /* a prompt before a malformed process line: the usual warning */
    expect_warning("kd> Parent+: 0x4-->\tChild: 0x8\tActiveThreads->0001\tx.exe", 17,
                   "expected '--->' after the parent PID; process line skipped", 1);
}

static void test_suspicious_but_kept(void **state)
{
    (void)state;
    expect_warning("Parent+: 0x4--->\tChild: 0x8\tActiveThreads->00a1\tx.exe", 44,
                   "ActiveThreads is decimal, but '00a1' has a hexadecimal digit; thread count "
                   "left unknown", 2);
    expect_warning("Parent+: 0x4--->\tChild: 0x8\tActiveThreads->99999999999999999999\tx.exe", 44,
                   "thread count does not fit in 64 bits; left unknown", 2);
    expect_warning("Parent-: 0x4--->\tChild: 0x8\tActiveThreads->0003\tx.exe", 1,
                   "'Parent-' marks a process with no live thread, but ActiveThreads is not 0", 2);
    expect_warning("Parent+: 0x4--->\tChild: 0x8\tActiveThreads->0000\tx.exe", 1,
                   "'Parent+' marks a live process, but ActiveThreads is 0", 2);
    expect_warning("Parent+: 0x4--->\tChild: 0x8\tActiveThreads->0001", 48,
                   "expected an image name after the thread count", 2);
}

static void test_dumps_elisions_prose(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d[4] = {0};
    lineage_diag_list *rd = lineage_diag_list_new();
    const char *text = "Title of the notes\n"
                       "kd> .dumpdebug\n"
                       "----- 32 bit Kernel Summary Dump Analysis\n"
                       "\n"
                       "DUMP_HEADER32:\n"
                       "MinorVersion        00000a28\n"
                       "MachineImageType    0000014c\n"
                       "\n"
                       "SUMMARY_DUMP32:\n"
                       "Pages               00003896\n"
                       "\n" SYSTEM_LINE
                       "some prose in the middle\n"
                       "[---]\n" SYSTEM_LINE "A closing remark.\n"
                       "WARNING: not a section\n"
                       "64-bit Windows 10\n"
                       "DUMP_HEADER64:\n"
                       "MinorVersion        00002800\n"
                       "\n" SYSTEM_LINE "\n"
                       "Parent+: 0x0000--->\tChild: 0x0004\tActiveThreads->0001\tSystem\n";
    size_t n = read_dumps(s, text, d, 4, rd);
    assert_int_equal(n, 2);
    assert_int_equal(lineage_dump_get_bits(d[0]), 32);
    assert_int_equal(lineage_dump_get_kind(d[0]), LINEAGE_DUMP_KIND_SUMMARY);
    assert_int_equal(lineage_dump_get_build(d[0]), 2600);
    assert_int_equal(lineage_dump_get_arch(d[0]), LINEAGE_ARCH_X86);
    assert_int_equal(lineage_dump_get_first_line(d[0]), 2);
    assert_int_equal(lineage_dump_get_last_line(d[0]), 15);
    assert_int_equal(lineage_dump_process_count(d[0]), 2);
    assert_true(lineage_dump_is_partial(d[0]));
    assert_int_equal(lineage_dump_elision_count(d[0]), 1);
    assert_int_equal(lineage_dump_elision_line(d[0], 0), 14);
    assert_int_equal(lineage_dump_get_prose_lines(d[0]), 1);
    assert_int_equal(lineage_dump_get_index(d[0]), 1);
    assert_int_equal(lineage_dump_get_index(d[1]), 2);
    assert_int_equal(lineage_dump_get_build(d[1]), 10240);
    assert_int_equal(lineage_dump_get_first_line(d[1]), 19);
    assert_int_equal(lineage_dump_process_count(d[1]), 2);
    assert_false(lineage_dump_is_partial(d[1]));
    /* Duplicate PID 4: a note about PID reuse. */
    assert_int_equal(diags_matching(lineage_dump_get_diags(d[1]), "is listed 2 times"), 1);
    lineage_dump_free(d[0]);
    lineage_dump_free(d[1]);
    lineage_diag_list_free(rd);
    lineage_session_free(s);
}

static void test_examples(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        size_t processes;
        unsigned build;
        uint64_t bugcheck;
        int partial;
    } cases[] = {
        {"examples/xp-x86.txt", 26, 2600, 0x8e, 0},
        {"examples/win7-sp1-x64.txt", 18, 7601, 0x19, 1},
        {"examples/win81-x64.txt", 55, 9600, 0x133, 1},
        {"examples/win10-x64.txt", 18, 10240, 0xd1, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = read_source_file(cases[i].file, NULL);
        lineage_session *s = lineage_session_new();
        lineage_dump *d = read_one(s, text);
        assert_int_equal(lineage_dump_process_count(d), cases[i].processes);
        assert_int_equal(lineage_dump_get_build(d), cases[i].build);
        assert_int_equal(lineage_dump_get_bugcheck_code(d), cases[i].bugcheck);
        assert_int_equal(lineage_dump_is_partial(d), cases[i].partial);
        assert_int_equal(lineage_diag_list_count(lineage_dump_get_diags(d)), 0);
        lineage_dump_free(d);
        lineage_session_free(s);
        free(text);
    }
}

/* The article itself, as published, when the shared folder is beside the
 * repository; skipped cleanly otherwise. */
static void test_seed_article(void **state)
{
    (void)state;
    const char *path = LINEAGE_SOURCE_DIR "/../shared/seed/000_c2f317456cdd5d08.txt";
    if (access(path, R_OK) != 0) {
        skip();
        return;
    }
    lineage_session *s = lineage_session_new();
    lineage_reader *r;
    assert_int_equal(lineage_reader_open(s, path, NULL, &r), LINEAGE_OK);
    static const unsigned builds[] = {2600, 7601, 9600, 10240};
    static const size_t counts[] = {26, 18, 55, 18};
    lineage_dump *d;
    unsigned n = 0;
    while (lineage_reader_next(r, &d) == LINEAGE_OK && d) {
        assert_true(n < 4);
        assert_int_equal(lineage_dump_get_build(d), builds[n]);
        assert_int_equal(lineage_dump_process_count(d), counts[n]);
        lineage_dump_free(d);
        n++;
    }
    assert_int_equal(n, 4);
    assert_true(lineage_reader_get_prose_lines(r) > 20);
    lineage_reader_free(r);
    lineage_session_free(s);
}

static void test_unknown_format(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_reader *r;
    const char *text = "just some words\nand more\n";
    assert_int_equal(lineage_reader_open_memory(s, "words.txt", text, strlen(text), NULL, &r),
                     LINEAGE_E_PARSE);
    const lineage_diag_list *diags = lineage_reader_get_diags(r);
    assert_int_equal(lineage_diag_list_count(diags), 1);
    const lineage_diag *g = lineage_diag_list_get(diags, 0);
    assert_int_equal(lineage_diag_get_line(g), 1);
    assert_string_equal(lineage_diag_get_source_line(g), "just some words");
    assert_non_null(strstr(lineage_diag_get_message(g), "no known listing format found (tried kd"));
    lineage_reader_free(r);
    assert_int_equal(lineage_reader_open_memory(s, "e", "", 0, NULL, &r), LINEAGE_E_PARSE);
    assert_non_null(strstr(lineage_diag_get_message(lineage_diag_list_get(lineage_reader_get_diags(r), 0)),
                           "the input is empty"));
    lineage_reader_free(r);
    assert_int_equal(lineage_reader_open_memory(s, "e", "x", 1, "nosuchformat", &r), LINEAGE_E_ARG);
    assert_non_null(r); /* holds the message */
    assert_string_equal(lineage_diag_get_message(lineage_diag_list_get(lineage_reader_get_diags(r), 0)),
                        "unknown input format 'nosuchformat'");
    lineage_reader_free(r);
    /* A NULL argument leaves no reader, and says so in *out. */
    r = (lineage_reader *)&r;
    assert_int_equal(lineage_reader_open_memory(s, NULL, "x", 1, NULL, &r), LINEAGE_E_ARG);
    assert_null(r);
    r = (lineage_reader *)&r;
    assert_int_equal(lineage_reader_open(s, NULL, NULL, &r), LINEAGE_E_ARG);
    assert_null(r);
    lineage_session_free(s);
}

/* Every width of every number, in both letter cases, before a one-byte
 * name and a long one: the fast path for canonical lines must agree with
 * printf at every width and where the line ends. */
static void test_number_widths(void **state)
{
    (void)state;
    static const char *const names[] = {"x", "svchost.exe"};
    for (int w = 1; w <= 19; w++) {
        for (size_t n = 0; n < 2; n++) {
            int hw = w > 16 ? 16 : w;
            uint64_t pid = 0xfedcba9876543210ull >> (4 * (16 - hw));
            uint64_t ppid = 0x0123456789abcdefull >> (4 * (16 - hw));
            uint64_t threads = 1234567890123456789ull;
            for (int k = w; k < 19; k++)
                threads /= 10;
            char child[32], parent[32], line[160];
            snprintf(child, sizeof child, "%0*llX", hw, (unsigned long long)pid);
            snprintf(parent, sizeof parent, "%0*llx", hw, (unsigned long long)ppid);
            if (hw > 1)
                parent[hw / 2] = (char)(parent[hw / 2] >= 'a' ? parent[hw / 2] - 32
                                                              : parent[hw / 2]);
            snprintf(line, sizeof line, "Parent+: 0x%s--->\tChild: 0x%s\tActiveThreads->%0*llu\t%s\n",
                     parent, child, w, (unsigned long long)threads, names[n]);
            lineage_session *s = lineage_session_new();
            lineage_dump *d = read_one(s, line);
            assert_int_equal(lineage_diag_list_count(lineage_dump_get_diags(d)), 0);
            assert_int_equal(lineage_dump_process_count(d), 1);
            const lineage_process *p = lineage_dump_process(d, 0);
            assert_true(lineage_process_get_pid(p) == pid);
            assert_true(lineage_process_get_ppid(p) == ppid);
            assert_true(lineage_process_get_threads(p) == threads);
            assert_string_equal(lineage_name_text(lineage_process_get_name(p)), names[n]);
            lineage_dump_free(d);
            lineage_session_free(s);
        }
    }
    /* A bad digit or a missing separator inside the first 8 bytes is the
     * general path's business, with its message. */
    expect_warning("Parent+: 0x4--->\tChild: 0x1g2\tActiveThreads->0001\tx.exe", 25,
                   "expected a hexadecimal child PID; process line skipped", 1);
    expect_warning("Parent+: 0x4--->\tChild: 0x8\tActiveThreads->00:1\tx.exe", 46,
                   "expected a blank between the thread count and the image name; process line skipped", 1);
    expect_warning("Parent+: 0x4\x80--->\tChild: 0x8\tActiveThreads->0001\tx.exe", 13,
                   "expected '--->' after the parent PID; process line skipped", 1);
}

/* A long run of process lines, read from memory and from a file (whose
 * lines the parser takes in runs from a buffer refilled every 256 KiB):
 * warnings carry the numbers and columns of their lines, CR endings are
 * dropped, and what breaks a run (prose, an indented process line, a line
 * longer than the source keeps) is read as one line at a time reads it. */
#define RUN_LINES 14000
#define RUN_PROSE 3001
#define RUN_INDENTED 5002
#define RUN_LONG 9003
#define RUN_NO_NAME 11004 /* a multiple of 7: ends in CRLF */

typedef struct run_warning {
    unsigned long line;
    unsigned column;
    const char *message;
} run_warning;

/* The listing, and the warnings it must give in order (at most n). */
static size_t make_run(strbuf *sb, run_warning *w, size_t n)
{
    size_t nw = 0;
    strbuf_puts(sb, SYSTEM_LINE);
    for (unsigned long line = 2; line <= RUN_LINES; line++) {
        size_t start = sb->len;
        if (line == RUN_PROSE) {
            strbuf_puts(sb, "a remark between process lines\n");
            continue;
        }
        if (line == RUN_LONG) {
            strbuf_puts(sb, "Parent+: 0x0004--->\tChild: 0x0008\tActiveThreads->0001\t");
            strbuf_pad(sb, 'x', 1u << 20);
            strbuf_putc(sb, '\n');
            continue;
        }
        strbuf_printf(sb, "%sParent+: 0x0004--->\tChild: 0x%lx\tActiveThreads->%s",
                      line == RUN_INDENTED ? "  " : "", 4 * line, line % 997 ? "0012" : "0000");
        assert_true(nw < n);
        if (line == RUN_NO_NAME)
            w[nw++] = (run_warning){line, (unsigned)(sb->len - start + 1),
                                    "expected an image name after the thread count"};
        else
            strbuf_printf(sb, "\tp%lu.exe", line);
        if (line % 997 == 0)
            w[nw++] = (run_warning){line, 1,
                                    "'Parent+' marks a live process, but ActiveThreads is 0"};
        strbuf_puts(sb, line % 7 ? "\n" : "\r\n");
    }
    return nw;
}

static void expect_run(lineage_session *s, int from_file, const strbuf *sb, const run_warning *w,
                       size_t nw)
{
    lineage_reader *r = NULL;
    lineage_status st;
    char *path = NULL;
    if (from_file) {
        path = write_temp(sb->data, sb->len);
        st = lineage_reader_open(s, path, NULL, &r);
    } else {
        st = lineage_reader_open_memory(s, "test.txt", sb->data, sb->len, NULL, &r);
    }
    assert_int_equal(st, LINEAGE_OK);
    lineage_dump *d = NULL;
    assert_int_equal(lineage_reader_next(r, &d), LINEAGE_OK);
    assert_non_null(d);
    /* Every line is a process but the prose and the long line. */
    assert_int_equal(lineage_dump_process_count(d), RUN_LINES - 2);
    assert_int_equal(lineage_dump_get_last_line(d), RUN_LINES);
    assert_int_equal(lineage_dump_get_prose_lines(d), 1);
    const lineage_diag_list *rd = lineage_reader_get_diags(r);
    assert_int_equal(lineage_diag_list_count(rd), 1);
    assert_int_equal(lineage_diag_get_line(lineage_diag_list_get(rd, 0)), RUN_LONG);
    assert_string_equal(lineage_diag_get_message(lineage_diag_list_get(rd, 0)),
                        "line longer than 1048576 bytes skipped");
    const lineage_diag_list *dd = lineage_dump_get_diags(d);
    assert_int_equal(lineage_diag_list_count(dd), nw);
    for (size_t k = 0; k < nw; k++) {
        const lineage_diag *g = lineage_diag_list_get(dd, k);
        assert_int_equal(lineage_diag_get_line(g), w[k].line);
        assert_int_equal(lineage_diag_get_column(g), w[k].column);
        assert_string_equal(lineage_diag_get_message(g), w[k].message);
    }
    /* The process of line n has PID 4n and is named p<n>.exe. */
    for (unsigned long line = 2; line <= RUN_LINES; line++) {
        const lineage_process *p = find_pid(d, 4 * line);
        if (line == RUN_PROSE || line == RUN_LONG) {
            assert_null(p);
            continue;
        }
        assert_non_null(p);
        assert_int_equal(lineage_process_get_line(p), line);
        char want[32];
        snprintf(want, sizeof want, "p%lu.exe", line);
        if (line != RUN_NO_NAME)
            assert_string_equal(lineage_name_text(lineage_process_get_name(p)), want);
    }
    lineage_dump_free(d);
    assert_int_equal(lineage_reader_next(r, &d), LINEAGE_OK);
    assert_null(d);
    lineage_reader_free(r);
    if (path) {
        unlink(path);
        free(path);
    }
}

static void test_process_runs(void **state)
{
    (void)state;
    strbuf sb = {0};
    run_warning w[32];
    size_t nw = make_run(&sb, w, sizeof w / sizeof *w);
    lineage_session *s = lineage_session_new();
    expect_run(s, 0, &sb, w, nw);
    expect_run(s, 1, &sb, w, nw);
    lineage_session_free(s);
    strbuf_release(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_facts),
        cmocka_unit_test(test_process_fields),
        cmocka_unit_test(test_tolerated_layouts),
        cmocka_unit_test(test_malformed_lines),
        cmocka_unit_test(test_suspicious_but_kept),
        cmocka_unit_test(test_dumps_elisions_prose),
        cmocka_unit_test(test_examples),
        cmocka_unit_test(test_seed_article),
        cmocka_unit_test(test_unknown_format),
        cmocka_unit_test(test_number_widths),
        cmocka_unit_test(test_process_runs),
        cmocka_unit_test(test_prompt_before_process),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
