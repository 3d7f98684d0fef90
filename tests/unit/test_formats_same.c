/* The same small system written in every input format must read as the
 * same canonical process list and the same tree shape, and `check` and
 * `diff` must say the same about it, modulo what a format lacks. */
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

/* One file per format; the first is the reference. */
static const char *const files[] = {
    "tests/data/formats/system.kd.txt",
    "tests/data/formats/system.windbg.txt",
    "tests/data/formats/system.vol2-pslist.txt",
    "tests/data/formats/system.vol2-pslist-greptext.txt",
    "tests/data/formats/system.vol2-pstree.txt",
    "tests/data/formats/system.memprocfs-proc.txt",
    "tests/data/formats/system.memprocfs.csv",
};
#define NFILES (sizeof files / sizeof files[0])

typedef struct entry {
    uint64_t pid, ppid;
    char name[64];
    char parent[64]; /* name of the tree parent, "-" for a root */
} entry;

static int by_pid(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* "name pid ppid parent-name" lines sorted by PID. */
static char *canonical(const char *file)
{
    char *text = read_source_file(file, NULL);
    lineage_session *s = lineage_session_new();
    lineage_dump *d = NULL;
    assert_int_equal(read_dumps(s, text, &d, 1, NULL), 1);
    size_t n = lineage_dump_process_count(d);
    entry *e = calloc(n, sizeof *e);
    assert_non_null(e);
    for (size_t i = 0; i < n; i++) {
        const lineage_process *p = lineage_dump_process(d, i);
        e[i].pid = lineage_process_get_pid(p);
        e[i].ppid = lineage_process_get_ppid(p);
        snprintf(e[i].name, sizeof e[i].name, "%s",
                 lineage_name_text(lineage_process_get_name(p)));
        const lineage_process *parent = lineage_process_get_parent(p);
        snprintf(e[i].parent, sizeof e[i].parent, "%s",
                 parent ? lineage_name_text(lineage_process_get_name(parent)) : "-");
    }
    qsort(e, n, sizeof *e, by_pid);
    strbuf out = STRBUF_INIT;
    for (size_t i = 0; i < n; i++)
        strbuf_printf(&out, "%s %llu %llu %s\n", e[i].name, (unsigned long long)e[i].pid,
                      (unsigned long long)e[i].ppid, e[i].parent);
    free(e);
    lineage_dump_free(d);
    lineage_session_free(s);
    free(text);
    return strbuf_detach(&out);
}

static void test_same_system(void **state)
{
    (void)state;
    char *want = canonical(files[0]);
    assert_non_null(strstr(want, "cmd.exe 4100 3712 explorer.exe\n"));
    assert_non_null(strstr(want, "wininit.exe 612 504 -\n"));
    for (size_t i = 1; i < NFILES; i++) {
        char *got = canonical(files[i]);
        if (strcmp(got, want) != 0)
            fail_msg("%s differs from %s:\n%s\nexpected:\n%s", files[i], files[0], got, want);
        free(got);
    }
    free(want);
}

/* The exited userinit.exe is not alive wherever the format can say so. */
static void test_exited_process(void **state)
{
    (void)state;
    for (size_t i = 0; i < NFILES; i++) {
        if (strstr(files[i], "windbg")) /* !process lists only live processes */
            continue;
        char *text = read_source_file(files[i], NULL);
        lineage_session *s = lineage_session_new();
        lineage_dump *d = read_one(s, text);
        const lineage_process *p = find_pid(d, 3680);
        assert_non_null(p);
        if (lineage_process_is_alive(p))
            fail_msg("%s: userinit.exe should not be alive", files[i]);
        lineage_dump_free(d);
        lineage_session_free(s);
        free(text);
    }
}

/* ---- check and diff agree across formats ------------------------------ */

/* Every file holding the system, read from disk (so the UTF-16 copies go
 * through the same decoding as on the command line). files[0] of the
 * array above, the kd listing, is the reference. */
static const char *const all_files[] = {
    "tests/data/formats/system.kd.txt",
    "tests/data/formats/system.windbg.txt",
    "tests/data/formats/system.vol2-pslist.txt",
    "tests/data/formats/system.vol2-pslist-greptext.txt",
    "tests/data/formats/system.vol2-pstree.txt",
    "tests/data/formats/system.vol3-pslist.txt",
    "tests/data/formats/system.vol3-pstree.txt",
    "tests/data/formats/system.vol3-pstree.utf16le.txt",
    "tests/data/formats/system.vol3.csv",
    "tests/data/formats/system.vol3.json",
    "tests/data/formats/system.vol3.jsonl",
    "tests/data/formats/system.memprocfs-proc.txt",
    "tests/data/formats/system.memprocfs.csv",
    "tests/data/formats/system.sysmon.xml",
    "tests/data/formats/system.sysmon-wevtutil.xml",
    "tests/data/formats/system.sysmon.utf16le.xml",
};
#define NALL (sizeof all_files / sizeof all_files[0])

/* Only the WinDbg log states a build, so the version-scoped default rules
 * run there alone; the version-independent ones run on every file and
 * find the clean system clean. These probe rules have no `os` line
 * either, and each fires on this system (parent checks on svchost.exe and
 * cmd.exe, and one on the exited userinit.exe), so every format must
 * produce the same findings, not merely none. */
static const char probe_rules[] =
    "rule probe-svchost-parent {\n"
    "  severity low\n"
    "  title \"svchost.exe not under wininit.exe\"\n"
    "  description \"Fires on every svchost.exe of the test system.\"\n"
    "  parent /^svchost\\.exe$/ is /^wininit\\.exe$/\n"
    "}\n"
    "rule probe-cmd-parent {\n"
    "  severity low\n"
    "  title \"cmd.exe not under services.exe\"\n"
    "  description \"Fires on the cmd.exe of the test system.\"\n"
    "  parent /^cmd\\.exe$/ is /^services\\.exe$/\n"
    "}\n"
    "rule probe-userinit-parent {\n"
    "  severity low\n"
    "  title \"userinit.exe not under explorer.exe\"\n"
    "  description \"Fires on the userinit.exe of the test system.\"\n"
    "  parent /^userinit\\.exe$/ is /^explorer\\.exe$/\n"
    "}\n";

static lineage_dump *read_file_dump(lineage_session *s, const char *relative)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", LINEAGE_SOURCE_DIR, relative);
    lineage_reader *r = NULL;
    assert_int_equal(lineage_reader_open(s, path, NULL, &r), LINEAGE_OK);
    lineage_dump *d = NULL;
    assert_int_equal(lineage_reader_next(r, &d), LINEAGE_OK);
    if (!d)
        fail_msg("%s: no dump", relative);
    lineage_reader_free(r);
    return d;
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted lines, one per entry, joined (takes the strings, frees them). */
static char *sorted_lines(char **lines, size_t n)
{
    qsort(lines, n, sizeof *lines, by_text);
    strbuf out = STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        strbuf_printf(&out, "%s\n", lines[i]);
        free(lines[i]);
    }
    free(lines);
    return strbuf_detach(&out);
}

/* "a b", or "a b n" when n is not NULL. */
static char *line_of(const char *a, const char *b, const uint64_t *n)
{
    strbuf sb = STRBUF_INIT;
    strbuf_printf(&sb, "%s %s", a, b);
    if (n)
        strbuf_printf(&sb, " %llu", (unsigned long long)*n);
    return strbuf_detach(&sb);
}

/* "rule-id name pid" for each finding of the default and probe rules. */
static char *check_lines(const char *file)
{
    lineage_session *s = lineage_session_new();
    lineage_ruleset *set = lineage_ruleset_new(s);
    lineage_diag_list *diags = lineage_diag_list_new();
    assert_int_equal(lineage_ruleset_load_defaults(set, diags), LINEAGE_OK);
    assert_int_equal(lineage_ruleset_load_string(set, "probe.rules", probe_rules,
                                                 strlen(probe_rules), diags),
                     LINEAGE_OK);
    assert_int_equal(lineage_ruleset_compile(set, diags), LINEAGE_OK);
    lineage_dump *d = read_file_dump(s, file);
    lineage_findings *f = lineage_findings_new();
    assert_int_equal(lineage_ruleset_check(set, d, f, diags), LINEAGE_OK);
    size_t n = lineage_findings_count(f);
    char **lines = calloc(n ? n : 1, sizeof *lines);
    assert_non_null(lines);
    for (size_t i = 0; i < n; i++) {
        const lineage_finding *x = lineage_findings_get(f, i);
        const lineage_process *p = lineage_finding_get_process(x);
        uint64_t pid = p ? lineage_process_get_pid(p) : 0;
        lines[i] = line_of(lineage_finding_get_rule_id(x),
                           p ? lineage_name_text(lineage_process_get_name(p)) : "-", &pid);
    }
    lineage_findings_free(f);
    lineage_dump_free(d);
    lineage_diag_list_free(diags);
    lineage_ruleset_free(set);
    lineage_session_free(s);
    return sorted_lines(lines, n);
}

/* "kind key" for each difference against the kd listing's profile. */
static char *diff_lines(const char *file)
{
    lineage_session *s = lineage_session_new();
    lineage_profile *profile = lineage_profile_new(s);
    lineage_dump *base = read_file_dump(s, all_files[0]);
    lineage_profile_add_dump(profile, base);
    lineage_dump_free(base);
    lineage_dump *d = read_file_dump(s, file);
    lineage_diff *x = NULL;
    assert_int_equal(lineage_diff_new(profile, d, NULL, &x), LINEAGE_OK);
    size_t n = lineage_diff_count(x);
    char **lines = calloc(n ? n : 1, sizeof *lines);
    assert_non_null(lines);
    for (size_t i = 0; i < n; i++) {
        const lineage_difference *y = lineage_diff_get(x, i);
        lines[i] = line_of(lineage_diff_kind_name(lineage_difference_get_kind(y)),
                           lineage_difference_get_key(y), NULL);
    }
    lineage_diff_free(x);
    lineage_dump_free(d);
    lineage_profile_free(profile);
    lineage_session_free(s);
    return sorted_lines(lines, n);
}

/* What a format cannot say, as the lines it adds to the kd result. */
typedef struct allowance {
    const char *format_tag; /* a part of the file name */
    const char *check_extra;
    const char *diff_extra;
} allowance;

static const allowance allowed[] = {
    /* `!process 0 0` shows userinit.exe with no exit mark: it reads as
     * alive, and the version-independent rule userinit-alive reports it. */
    {"windbg", "userinit-alive userinit.exe 3680\n", "alive ?/winlogon.exe/userinit.exe\n"},
    /* A Sysmon log holds creations only: no System process (created
     * before Sysmon runs, so smss.exe hangs under an absent parent, which
     * smss-parent reports) and no exits (userinit.exe counts as alive). */
    {"sysmon", "smss-parent smss.exe 388\nuserinit-alive userinit.exe 3680\n",
     "alive ?/winlogon.exe/userinit.exe\nmissing system\norphaned ?/smss.exe\n"},
};

static char *expected_for(const char *file, const char *want, int diff)
{
    strbuf sb = STRBUF_INIT;
    strbuf_printf(&sb, "%s", want);
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
        if (strstr(file, allowed[i].format_tag))
            strbuf_printf(&sb, "%s", diff ? allowed[i].diff_extra : allowed[i].check_extra);
    /* The lines are compared sorted. */
    size_t n = 0;
    for (const char *c = sb.data; *c; c++)
        n += *c == '\n';
    char **lines = calloc(n ? n : 1, sizeof *lines);
    assert_non_null(lines);
    size_t k = 0;
    for (const char *c = sb.data; *c;) {
        const char *e = strchr(c, '\n');
        strbuf one = STRBUF_INIT;
        strbuf_printf(&one, "%.*s", (int)(e - c), c);
        lines[k++] = strbuf_detach(&one);
        c = e + 1;
    }
    strbuf_release(&sb);
    return sorted_lines(lines, n);
}

static void test_check_agrees(void **state)
{
    (void)state;
    char *want = check_lines(all_files[0]);
    /* The probe rules fire on the reference as designed. */
    assert_non_null(strstr(want, "probe-cmd-parent cmd.exe 4100\n"));
    assert_non_null(strstr(want, "probe-svchost-parent svchost.exe 880\n"));
    assert_non_null(strstr(want, "probe-svchost-parent svchost.exe 932\n"));
    assert_non_null(strstr(want, "probe-userinit-parent userinit.exe 3680\n"));
    for (size_t i = 1; i < NALL; i++) {
        char *got = check_lines(all_files[i]);
        char *expect = expected_for(all_files[i], want, 0);
        if (strcmp(got, expect) != 0)
            fail_msg("check on %s:\n%s\nexpected:\n%s", all_files[i], got, expect);
        free(got);
        free(expect);
    }
    free(want);
}

static void test_diff_agrees(void **state)
{
    (void)state;
    char *self = diff_lines(all_files[0]);
    assert_string_equal(self, ""); /* the baseline against itself */
    for (size_t i = 1; i < NALL; i++) {
        char *got = diff_lines(all_files[i]);
        char *expect = expected_for(all_files[i], self, 1);
        if (strcmp(got, expect) != 0)
            fail_msg("diff of %s against the kd profile:\n%s\nexpected:\n%s", all_files[i], got,
                     expect);
        free(got);
        free(expect);
    }
    free(self);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_system),
        cmocka_unit_test(test_exited_process),
        cmocka_unit_test(test_check_agrees),
        cmocka_unit_test(test_diff_agrees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
