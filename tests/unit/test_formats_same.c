/* The same small system written in every input format must read as the
 * same canonical process list and the same tree shape. */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_system),
        cmocka_unit_test(test_exited_process),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
