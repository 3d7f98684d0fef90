/* Pathological inputs: huge, deep, cyclic, hostile or broken listings.
 *
 * Every input is generated here at run time (nothing big is committed).
 * Each case is its own ctest with a timeout (see CMakeLists.txt), run as
 * `test_pathological CASE`; the timeouts are set so that anything slower
 * than linear fails. The cases assert real behaviour: counts, depths,
 * links and the exact diagnostic text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lineage/lineage.h>

#include "strbuf.h"

/* ---- generating listings ----------------------------------------------- */

static void proc_line(strbuf *sb, uint64_t ppid, uint64_t pid, const char *name)
{
    strbuf_printf(sb, "Parent+: 0x%llx--->\tChild: 0x%llx\tActiveThreads->0001\t%s\n",
                  (unsigned long long)ppid, (unsigned long long)pid, name);
}

/* Everything one read produced. */
typedef struct result {
    lineage_session *session;
    lineage_reader *reader;
    lineage_status open_status;
    lineage_dump **dumps;
    size_t ndumps;
} result;

static result read_all(const char *data, size_t len, const char *format)
{
    result r = {0};
    r.session = lineage_session_new();
    r.open_status = lineage_reader_open_memory(r.session, "input.txt", data, len, format,
                                               &r.reader);
    if (r.open_status != LINEAGE_OK)
        return r;
    size_t cap = 0;
    lineage_dump *d;
    while (lineage_reader_next(r.reader, &d) == LINEAGE_OK && d) {
        assert_true(lineage_dump_check_tree(d));
        if (r.ndumps == cap) {
            cap = cap ? cap * 2 : 8;
            r.dumps = realloc(r.dumps, cap * sizeof *r.dumps);
            assert_non_null(r.dumps);
        }
        r.dumps[r.ndumps++] = d;
    }
    return r;
}

static void result_free(result *r)
{
    for (size_t i = 0; i < r->ndumps; i++)
        lineage_dump_free(r->dumps[i]);
    free(r->dumps);
    lineage_reader_free(r->reader);
    lineage_session_free(r->session);
}

/* The formatted diagnostic i of a list, without its source excerpt. */
static char *first_line_of_diag(const lineage_diag_list *l, size_t i)
{
    const lineage_diag *d = lineage_diag_list_get(l, i);
    assert_non_null(d);
    char *text = lineage_diag_format(d);
    char *nl = strchr(text, '\n');
    if (nl)
        *nl = '\0';
    return text;
}

static void assert_diag(const lineage_diag_list *l, size_t i, const char *expected)
{
    char *text = first_line_of_diag(l, i);
    assert_string_equal(text, expected);
    free(text);
}

/* "kd, windbg, ..." as the reader names the formats it tried. */
static const char *format_list(void)
{
    static char list[512];
    list[0] = '\0';
    for (size_t i = 0; lineage_format_name(i); i++) {
        if (i)
            strcat(list, ", ");
        strcat(list, lineage_format_name(i));
    }
    return list;
}

/* The expected message with %s replaced by the format list. */
static char *with_formats(const char *fmt)
{
    static char buf[1024];
    snprintf(buf, sizeof buf, fmt, format_list());
    return buf;
}

/* ---- size and shape ---------------------------------------------------- */

/* 1,000,000 processes each the child of the one before. */
static void test_deep_chain(void **state)
{
    (void)state;
    const uint64_t n = 1000000;
    strbuf sb = STRBUF_INIT;
    for (uint64_t i = 1; i <= n; i++)
        proc_line(&sb, i - 1, i, "deep.exe");
    result r = read_all(sb.data, sb.len, NULL);
    assert_int_equal(r.ndumps, 1);
    const lineage_dump *d = r.dumps[0];
    assert_int_equal(lineage_dump_process_count(d), n);
    const lineage_process *last = lineage_dump_process(d, n - 1);
    assert_int_equal(lineage_node_get_depth(lineage_process_get_node(last)), n);
    assert_int_equal(lineage_process_get_link(last), LINEAGE_LINK_PARENT);
    char *tree = lineage_render_tree_text(d, LINEAGE_RENDER_ASCII);
    /* Indentation stops at the limit: each line stays short. */
    assert_true(strlen(tree) < n * 400);
    assert_non_null(strstr(tree, "`-- [depth 1000000] deep.exe (0xf4240) 1 thread\n"));
    free(tree);
    result_free(&r);
    strbuf_release(&sb);
}

/* 1,000,000 children of one parent. */
static void test_wide_siblings(void **state)
{
    (void)state;
    const uint64_t n = 1000000;
    strbuf sb = STRBUF_INIT;
    proc_line(&sb, 0, 4, "System");
    for (uint64_t i = 1; i <= n; i++)
        proc_line(&sb, 4, 8 + i, "sibling.exe");
    result r = read_all(sb.data, sb.len, NULL);
    assert_int_equal(r.ndumps, 1);
    const lineage_dump *d = r.dumps[0];
    const lineage_node *top = lineage_node_get_first_child(lineage_dump_get_root(d));
    assert_int_equal(lineage_node_get_child_count(top), n);
    assert_int_equal(lineage_node_get_depth(lineage_node_get_last_child(top)), 2);
    char *tree = lineage_render_tree_text(d, LINEAGE_RENDER_ASCII);
    assert_non_null(strstr(tree, "`-- sibling.exe (0xf4248) 1 thread\n"));
    free(tree);
    result_free(&r);
    strbuf_release(&sb);
}

/* 100,000 processes whose parent links form one cycle, in Volatility 3's
 * text: kd lists processes in the order they were created, so there each
 * link to a process listed later would be refused before any cycle
 * closed (unit.tree's test_creation_order). */
static void test_long_cycle(void **state)
{
    (void)state;
    const uint64_t n = 100000;
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "PID\tPPID\tImageFileName\tOffset(V)\tThreads\tHandles\tSessionId\tWow64\t"
                     "CreateTime\tExitTime\n\n");
    for (uint64_t i = 0; i < n; i++)
        strbuf_printf(&sb, "%llu\t%llu\tloop.exe\t0x1\t1\t-\tN/A\tFalse\tN/A\tN/A\n",
                      (unsigned long long)(0x10 + i), (unsigned long long)(0x10 + (i + 1) % n));
    result r = read_all(sb.data, sb.len, "vol3");
    const lineage_dump *d = r.dumps[0];
    const lineage_process *first = lineage_dump_process(d, 0);
    assert_int_equal(lineage_process_get_link(first), LINEAGE_LINK_CYCLE);
    assert_int_equal(lineage_node_get_depth(lineage_process_get_node(first)), 1);
    /* The rest hang below it, the second listed deepest. */
    assert_int_equal(lineage_node_get_depth(lineage_process_get_node(lineage_dump_process(d, 1))),
                     n);
    assert_int_equal(lineage_diag_list_count(lineage_dump_get_diags(d)), 1);
    assert_diag(lineage_dump_get_diags(d), 0,
                "input.txt:3: warning: parent links form a cycle of 100000 processes; cut above "
                "16, which is shown at the top");
    result_free(&r);
    strbuf_release(&sb);
}

/* PIDs crafted so that a fixed multiplicative hash puts them all in one
 * bucket (what the PID index once used): 300,000 of them must still be
 * linear-ish, as orphans (absent-parent map) and as parents (PID index). */
static void test_colliding_pids(void **state)
{
    (void)state;
    const uint64_t n = 300000, k = 0x9e3779b97f4a7c15ull;
    uint64_t inv = k; /* Newton's iteration for the inverse modulo 2^64 */
    for (int i = 0; i < 6; i++)
        inv *= 2 - k * inv;
    strbuf sb = STRBUF_INIT;
    for (uint64_t j = 1; j <= n; j++) {
        uint64_t pid = (j << 35) * inv;
        proc_line(&sb, pid + 1, pid, "flood.exe");
    }
    result r = read_all(sb.data, sb.len, NULL);
    const lineage_dump *d = r.dumps[0];
    assert_int_equal(lineage_dump_process_count(d), n);
    assert_int_equal(lineage_dump_absent_count(d), n);
    result_free(&r);
    strbuf_release(&sb);
}

/* 500,000 processes, each in a session of its own, under a rule that
 * counts per session: grouping by session must not compare each session
 * with all those seen before (that took minutes). Session 7 has two,
 * the second of which is over the count. */
static void test_many_sessions(void **state)
{
    (void)state;
    const unsigned n = 500000;
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "TreeDepth,PID,PPID,ImageFileName,Offset(V),Threads,Handles,SessionId,Wow64,"
                     "CreateTime,ExitTime,Audit,Cmd,Path\n");
    for (unsigned i = 0; i < n; i++)
        strbuf_printf(&sb, "0,%u,%u,x.exe,0x%x,1,-,%u,False,N/A,N/A,-,-,-\n", 8 + 4 * i,
                      4 + 4 * i, 0x1000 + i, i == 1 || i == 2 ? 7 : i * 2654435761u);
    result r = read_all(sb.data, sb.len, "vol3-csv");
    assert_int_equal(r.ndumps, 1);
    assert_int_equal(lineage_dump_process_count(r.dumps[0]), n);
    lineage_ruleset *set = lineage_ruleset_new(r.session);
    lineage_diag_list *diags = lineage_diag_list_new();
    static const char rule[] = "rule one-per-session {\n severity high\n title \"t\"\n"
                               " count /^x\\.exe$/ at most 1 per session\n}\n";
    assert_int_equal(lineage_ruleset_load_string(set, "sessions.rules", rule, strlen(rule),
                                                 diags), LINEAGE_OK);
    assert_int_equal(lineage_ruleset_compile(set, diags), LINEAGE_OK);
    lineage_findings *f = lineage_findings_new();
    assert_int_equal(lineage_ruleset_check(set, r.dumps[0], f, diags), LINEAGE_OK);
    assert_int_equal(lineage_findings_count(f), 1);
    assert_int_equal(lineage_process_get_pid(lineage_finding_get_process(lineage_findings_get(f, 0))),
                     8 + 4 * 2);
    lineage_findings_free(f);
    lineage_diag_list_free(diags);
    lineage_ruleset_free(set);
    result_free(&r);
    strbuf_release(&sb);
}

/* A Volatility 3 CSV create time, `seconds` after 2024-03-05 00:00 UTC. */
static void csv_time(char out[48], unsigned long seconds)
{
    unsigned long day = 5 + seconds / 86400, rest = seconds % 86400;
    snprintf(out, 48, "2024-03-%02lu %02lu:%02lu:%02lu.000000 UTC", day, rest / 3600,
             rest / 60 % 60, rest % 60);
}

/* PID reuse at scale: 200,000 processes listed with one PID, created two
 * seconds apart, and 200,000 children of that PID, each created between
 * two of them. Each child links to the one created just before it; finding
 * it must not walk every candidate for every child. */
static void test_reused_pid_with_times(void **state)
{
    (void)state;
    const unsigned n = 200000; /* stays within March: 400,000 s < 26 days */
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "TreeDepth,PID,PPID,ImageFileName,Offset(V),Threads,Handles,SessionId,Wow64,"
                     "CreateTime,ExitTime,Audit,Cmd,Path\n");
    char t[48];
    for (unsigned k = 0; k < n; k++) {
        csv_time(t, 2ul * k);
        strbuf_printf(&sb, "0,100,4,reused.exe,0x%x,1,-,0,False,%s,N/A,-,-,-\n", 0x1000 + k, t);
    }
    for (unsigned j = 0; j < n; j++) {
        csv_time(t, 2ul * j + 1);
        strbuf_printf(&sb, "1,%u,100,child.exe,0x%x,1,-,0,False,%s,N/A,-,-,-\n", 1000 + 4 * j,
                      0x100000 + j, t);
    }
    result r = read_all(sb.data, sb.len, "vol3-csv");
    assert_int_equal(r.ndumps, 1);
    const lineage_dump *d = r.dumps[0];
    assert_int_equal(lineage_dump_process_count(d), 2 * n);
    for (unsigned j = 0; j < n; j++)
        assert_ptr_equal(lineage_process_get_parent(lineage_dump_process(d, n + j)),
                         lineage_dump_process(d, j));
    result_free(&r);
    strbuf_release(&sb);
}

/* 10,000 dumps, one process each, in one file. */
static void test_many_dumps(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    for (unsigned i = 0; i < 10000; i++) {
        strbuf_puts(&sb, "kd> .dumpdebug\n");
        proc_line(&sb, 0, 4 + i, "System");
    }
    result r = read_all(sb.data, sb.len, NULL);
    assert_int_equal(r.ndumps, 10000);
    for (size_t i = 0; i < r.ndumps; i++) {
        assert_int_equal(lineage_dump_get_index(r.dumps[i]), i + 1);
        assert_int_equal(lineage_dump_process_count(r.dumps[i]), 1);
        assert_int_equal(lineage_dump_get_first_line(r.dumps[i]), 2 * i + 1);
    }
    assert_int_equal(lineage_process_get_pid(lineage_dump_process(r.dumps[9999], 0)), 4 + 9999);
    result_free(&r);
    strbuf_release(&sb);
}

/* The rules `learn --emit-rules` writes for the first dump of `sb`, after
 * checking that it has n processes. */
static char *emit_rules_of(const strbuf *sb, size_t n)
{
    result r = read_all(sb->data, sb->len, NULL);
    assert_int_equal(r.ndumps, 1);
    assert_int_equal(lineage_dump_process_count(r.dumps[0]), n);
    lineage_profile *p = lineage_profile_new(r.session);
    assert_int_equal(lineage_profile_add_dump(p, r.dumps[0]), LINEAGE_OK);
    char *rules = lineage_profile_emit_rules(p);
    lineage_profile_free(p);
    result_free(&r);
    return rules;
}

/* Occurrences of needle in text, in one pass (a strstr per occurrence is
 * quadratic under the sanitizers, which measure the rest each time). */
static size_t count_of(const char *text, const char *needle)
{
    size_t n = 0, len = strlen(text), nlen = strlen(needle);
    for (size_t i = 0; i + nlen <= len; i++)
        n += text[i] == needle[0] && memcmp(text + i, needle, nlen) == 0;
    return n;
}

/* 20,000 image names that all give the rule ID "fleet.----": each rule
 * gets the next free suffix. Searching the taken IDs anew for every
 * suffix of every name is cubic here (hours, not seconds). */
static void test_emit_rules_colliding_names(void **state)
{
    (void)state;
    static const char punct[] = "!#$%&()+,;=@[]^_{}~";
    const size_t n = 20000, np = sizeof punct - 1;
    strbuf sb = STRBUF_INIT;
    proc_line(&sb, 0, 4, "System");
    for (size_t i = 0; i < n; i++) {
        char name[5] = {punct[i / (np * np * np) % np], punct[i / (np * np) % np],
                        punct[i / np % np], punct[i % np], '\0'};
        proc_line(&sb, 4, 8 + 4 * i, name);
    }
    char *rules = emit_rules_of(&sb, n + 1);
    assert_int_equal(count_of(rules, "\nrule "), n + 1);
    assert_int_equal(count_of(rules, "\nrule fleet.---- {\n"), 1);
    assert_non_null(strstr(rules, "\nrule fleet.-----2 {\n"));
    assert_non_null(strstr(rules, "\nrule fleet.-----20000 {\n"));
    assert_null(strstr(rules, "\nrule fleet.-----20001 {\n"));
    free(rules);
    strbuf_release(&sb);
}

/* 200,000 distinct image names under one parent: comparing each name's
 * rule ID with every earlier one, or looking through every edge for each
 * name's parents, is quadratic here (minutes). */
static void test_emit_rules_many_names(void **state)
{
    (void)state;
    const size_t n = 200000;
    strbuf sb = STRBUF_INIT;
    proc_line(&sb, 0, 4, "System");
    for (size_t i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "lsas%zu.exe", i);
        proc_line(&sb, 4, 8 + 4 * i, name);
    }
    char *rules = emit_rules_of(&sb, n + 1);
    assert_int_equal(count_of(rules, "\nrule "), n + 1);
    assert_int_equal(count_of(rules, " is /^(?:system)$/\n"), n);
    assert_non_null(strstr(rules, "\nrule fleet.lsas199999.exe {\n"));
    free(rules);
    strbuf_release(&sb);
}

/* ---- bytes ------------------------------------------------------------- */

/* A 10 MB line between two process lines is skipped with a warning. */
static void test_ten_megabyte_line(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    proc_line(&sb, 0, 4, "System");
    size_t before = sb.len, big = 10u * 1024 * 1024;
    strbuf_add(&sb, "", 0);
    for (size_t i = 0; i < big; i++)
        strbuf_putc(&sb, (char)('a' + i % 26));
    assert_int_equal(sb.len - before, big);
    strbuf_putc(&sb, '\n');
    proc_line(&sb, 4, 8, "smss.exe");
    result r = read_all(sb.data, sb.len, NULL);
    assert_int_equal(r.ndumps, 1);
    assert_int_equal(lineage_dump_process_count(r.dumps[0]), 2);
    assert_int_equal(lineage_process_get_line(lineage_dump_process(r.dumps[0], 1)), 3);
    const lineage_diag_list *rd = lineage_reader_get_diags(r.reader);
    assert_int_equal(lineage_diag_list_count(rd), 1);
    assert_diag(rd, 0, "input.txt:2: warning: line longer than 1048576 bytes skipped");
    result_free(&r);
    strbuf_release(&sb);
}

/* xorshift64*: deterministic bytes, no seed from the environment. */
static uint64_t next_random(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545f4914f6cdd1dull;
}

/* Lines holding something other than blanks (blank lines are not prose). */
static size_t count_nonblank_lines(const char *data, size_t len)
{
    size_t count = 0;
    int seen = 0;
    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        if (c == '\n') {
            count += seen;
            seen = 0;
        } else if (c != ' ' && c != '\t' && c != '\r' && c != '\v' && c != '\f') {
            seen = 1;
        }
    }
    return count + seen;
}

/* 100 MB of random bytes read as kd: no dump, every non-blank line prose. */
static void test_random_bytes(void **state)
{
    (void)state;
    size_t len = 100u * 1024 * 1024;
    char *data = malloc(len);
    assert_non_null(data);
    uint64_t seed = 0x6c696e65616765ull;
    for (size_t i = 0; i < len; i += 8) {
        uint64_t v = next_random(&seed);
        memcpy(data + i, &v, 8);
    }
    size_t lines = count_nonblank_lines(data, len);
    result r = read_all(data, len, "kd");
    assert_int_equal(r.open_status, LINEAGE_OK);
    assert_int_equal(r.ndumps, 0);
    assert_int_equal(lineage_reader_get_prose_lines(r.reader), lines);
    result_free(&r);
    /* Detection finds no format in them and names what it tried. */
    r = read_all(data, len, NULL);
    assert_int_equal(r.open_status, LINEAGE_E_PARSE);
    assert_diag(lineage_reader_get_diags(r.reader), 0,
                with_formats("input.txt:1:1: error: no known listing format found (tried %s)"));
    result_free(&r);
    free(data);
}

/* NUL bytes inside a name are kept and shown escaped. */
static void test_nul_bytes(void **state)
{
    (void)state;
    static const char text[] = "Parent+: 0x0--->\tChild: 0x4\tActiveThreads->0001\tnul\0in\0name\n"
                               "\0\0\0\n"
                               "Parent+: 0x4--->\tChild: 0x8\tActiveThreads->0001\tb\n";
    result r = read_all(text, sizeof text - 1, NULL);
    assert_int_equal(r.ndumps, 1);
    const lineage_process *p = lineage_dump_process(r.dumps[0], 0);
    assert_int_equal(lineage_name_length(lineage_process_get_name(p)), 11);
    char *tree = lineage_render_tree_text(r.dumps[0], LINEAGE_RENDER_ASCII);
    assert_string_equal(tree, "nul\\x00in\\x00name (0x4) 1 thread\n"
                              "`-- b (0x8) 1 thread\n");
    free(tree);
    assert_int_equal(lineage_dump_get_prose_lines(r.dumps[0]), 1);
    result_free(&r);
}

/* A file cut in the middle of a process line. */
static void test_cut_mid_line(void **state)
{
    (void)state;
    static const char text[] = "Parent+: 0x0--->\tChild: 0x4\tActiveThreads->0001\tSystem\n"
                               "Parent+: 0x4--->\tChild: 0x8\tActive";
    result r = read_all(text, sizeof text - 1, NULL);
    assert_int_equal(r.ndumps, 1);
    assert_int_equal(lineage_dump_process_count(r.dumps[0]), 1);
    assert_int_equal(lineage_dump_get_last_line(r.dumps[0]), 2);
    assert_diag(lineage_dump_get_diags(r.dumps[0]), 0,
                "input.txt:2:29: warning: expected 'ActiveThreads->' after the child PID; process line skipped");
    result_free(&r);
}

/* ---- numbers ----------------------------------------------------------- */

/* The largest 64-bit PID is fine; one digit more is a warning naming the
 * column, and the line is not kept with a wrapped value. */
static void test_pid_overflow(void **state)
{
    (void)state;
    static const char text[] =
        "Parent+: 0x0--->\tChild: 0xffffffffffffffff\tActiveThreads->0001\tmax\n"
        "Parent+: 0x0--->\tChild: 0x10000000000000000\tActiveThreads->0001\tover\n"
        "Parent+: 0x1ffffffffffffffff--->\tChild: 0x8\tActiveThreads->0001\tover2\n";
    result r = read_all(text, sizeof text - 1, NULL);
    const lineage_dump *d = r.dumps[0];
    assert_int_equal(lineage_dump_process_count(d), 1);
    assert_true(lineage_process_get_pid(lineage_dump_process(d, 0)) == UINT64_MAX);
    assert_diag(lineage_dump_get_diags(d), 0,
                "input.txt:2:25: warning: child PID does not fit in 64 bits; process line skipped");
    assert_diag(lineage_dump_get_diags(d), 1,
                "input.txt:3:10: warning: parent PID does not fit in 64 bits; process line skipped");
    result_free(&r);
}

/* A thread count past 64 bits keeps the process with the count unknown. */
static void test_thread_overflow(void **state)
{
    (void)state;
    static const char text[] =
        "Parent+: 0x0--->\tChild: 0x4\tActiveThreads->18446744073709551615\tmax\n"
        "Parent+: 0x0--->\tChild: 0x8\tActiveThreads->18446744073709551616\tover\n";
    result r = read_all(text, sizeof text - 1, NULL);
    const lineage_dump *d = r.dumps[0];
    assert_int_equal(lineage_dump_process_count(d), 2);
    assert_true(lineage_process_get_threads(lineage_dump_process(d, 0)) == UINT64_MAX - 0 &&
                lineage_process_get_threads(lineage_dump_process(d, 1)) == LINEAGE_UNKNOWN);
    assert_diag(lineage_dump_get_diags(d), 0,
                "input.txt:2:44: warning: thread count does not fit in 64 bits; left unknown");
    char *tree = lineage_render_tree_text(d, LINEAGE_RENDER_ASCII);
    assert_non_null(strstr(tree, "over (0x8)\n"));
    free(tree);
    result_free(&r);
}

/* ---- nothing to read --------------------------------------------------- */

static void test_empty(void **state)
{
    (void)state;
    result r = read_all("", 0, NULL);
    assert_int_equal(r.open_status, LINEAGE_E_PARSE);
    assert_diag(lineage_reader_get_diags(r.reader), 0,
                with_formats("input.txt: error: the input is empty; expected a process listing "
                             "(formats: %s)"));
    result_free(&r);
    r = read_all("", 0, "kd");
    assert_int_equal(r.open_status, LINEAGE_OK);
    assert_int_equal(r.ndumps, 0);
    result_free(&r);
}

static void test_prose_only(void **state)
{
    (void)state;
    static const char text[] = "Nothing to see here.\nJust a note: Parent and Child.\n";
    result r = read_all(text, sizeof text - 1, NULL);
    assert_int_equal(r.open_status, LINEAGE_E_PARSE);
    assert_diag(lineage_reader_get_diags(r.reader), 0,
                with_formats("input.txt:1:1: error: no known listing format found (tried %s)"));
    result_free(&r);
    r = read_all(text, sizeof text - 1, "kd");
    assert_int_equal(r.ndumps, 0);
    assert_int_equal(lineage_reader_get_prose_lines(r.reader), 2);
    result_free(&r);
}

/* ---- names and encodings ----------------------------------------------- */

static void test_name_lengths(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "Parent+: 0x0--->\tChild: 0x4\tActiveThreads->0001\t\n");
    char name[1001];
    for (int i = 0; i < 1000; i++)
        name[i] = (char)('A' + i % 26);
    name[1000] = '\0';
    proc_line(&sb, 4, 8, name);
    result r = read_all(sb.data, sb.len, NULL);
    const lineage_dump *d = r.dumps[0];
    assert_int_equal(lineage_dump_process_count(d), 2);
    assert_int_equal(lineage_name_length(lineage_process_get_name(lineage_dump_process(d, 0))), 0);
    assert_int_equal(lineage_name_length(lineage_process_get_name(lineage_dump_process(d, 1))),
                     1000);
    assert_diag(lineage_dump_get_diags(d), 0,
                "input.txt:1:49: warning: expected an image name after the thread count");
    assert_int_equal(lineage_diag_list_count(lineage_dump_get_diags(d)), 1);
    char *tree = lineage_render_tree_text(d, LINEAGE_RENDER_ASCII);
    assert_int_equal(strncmp(tree, "\"\" (0x4) 1 thread\n`-- ABCDEFGHIJ", 32), 0);
    free(tree);
    result_free(&r);
    strbuf_release(&sb);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    static const char text[] =
        "Parent+: 0x0--->\tChild: 0x4\tActiveThreads->0001\tbad\xff\xfe\xc0\xafok\xe2\x82\n"
        "Parent+: 0x4--->\tChild: 0x8\tActiveThreads->0001\t\xed\xa0\x80surrogate\n";
    result r = read_all(text, sizeof text - 1, NULL);
    char *tree = lineage_render_tree_text(r.dumps[0], LINEAGE_RENDER_ASCII);
    assert_string_equal(tree, "bad\\xff\\xfe\\xc0\\xafok\\xe2\\x82 (0x4) 1 thread\n"
                              "`-- \\xed\\xa0\\x80surrogate (0x8) 1 thread\n");
    free(tree);
    result_free(&r);
}

/* The same listing as UTF-16LE and UTF-16BE without a BOM reads the same
 * as UTF-8, including a non-ASCII name. */
static void test_utf16_without_bom(void **state)
{
    (void)state;
    static const char text[] = "Parent+: 0x0--->\tChild: 0x4\tActiveThreads->0001\tSystem\n"
                               "Parent+: 0x4--->\tChild: 0x8\tActiveThreads->0001\tsm\xc3\xa9ss.exe\n";
    result u8 = read_all(text, sizeof text - 1, NULL);
    char *expected = lineage_render_tree_text(u8.dumps[0], LINEAGE_RENDER_ASCII);
    for (int big = 0; big <= 1; big++) {
        unsigned char buf[512];
        size_t n = 0;
        for (size_t i = 0; i < sizeof text - 1; i++) {
            unsigned unit = (unsigned char)text[i];
            if (unit == 0xc3) /* U+00E9 */
                unit = 0xc0 | (text[++i] & 0x3f);
            buf[n++] = (unsigned char)(big ? unit >> 8 : unit & 0xff);
            buf[n++] = (unsigned char)(big ? unit & 0xff : unit >> 8);
        }
        result r = read_all((const char *)buf, n, NULL);
        assert_int_equal(r.open_status, LINEAGE_OK);
        assert_int_equal(r.ndumps, 1);
        char *tree = lineage_render_tree_text(r.dumps[0], LINEAGE_RENDER_ASCII);
        assert_string_equal(tree, expected);
        free(tree);
        result_free(&r);
    }
    assert_string_equal(expected, "System (0x4) 1 thread\n`-- sm\xc3\xa9ss.exe (0x8) 1 thread\n");
    free(expected);
    result_free(&u8);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deep_chain),
        cmocka_unit_test(test_wide_siblings),
        cmocka_unit_test(test_long_cycle),
        cmocka_unit_test(test_colliding_pids),
        cmocka_unit_test(test_many_dumps),
        cmocka_unit_test(test_emit_rules_colliding_names),
        cmocka_unit_test(test_emit_rules_many_names),
        cmocka_unit_test(test_many_sessions),
        cmocka_unit_test(test_reused_pid_with_times),
        cmocka_unit_test(test_ten_megabyte_line),
        cmocka_unit_test(test_random_bytes),
        cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_cut_mid_line),
        cmocka_unit_test(test_pid_overflow),
        cmocka_unit_test(test_thread_overflow),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_prose_only),
        cmocka_unit_test(test_name_lengths),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_utf16_without_bom),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
