/* Every limit in src/limits.h, tripped: what is kept, what is said. */
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
#include "limits.h"
#include "lineage_key.h"
#include "source.h"
#include "strbuf.h"

static void proc_line(strbuf *sb, uint64_t ppid, uint64_t pid, const char *name)
{
    strbuf_printf(sb, "Parent+: 0x%llx--->\tChild: 0x%llx\tActiveThreads->0001\t%s\n",
                  (unsigned long long)ppid, (unsigned long long)pid, name);
}

static void add_repeated(strbuf *sb, char c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        strbuf_putc(sb, c);
}

/* The one dump of a listing held in sb (test fails if there is not one). */
static lineage_dump *one_dump(lineage_session *s, const strbuf *sb)
{
    lineage_reader *r = NULL;
    assert_int_equal(lineage_reader_open_memory(s, "limits.txt", sb->data, sb->len, NULL, &r),
                     LINEAGE_OK);
    lineage_dump *d = NULL, *extra = NULL;
    assert_int_equal(lineage_reader_next(r, &d), LINEAGE_OK);
    assert_non_null(d);
    assert_true(lineage_dump_check_tree(d));
    assert_int_equal(lineage_reader_next(r, &extra), LINEAGE_OK);
    assert_null(extra);
    lineage_reader_free(r);
    return d;
}

static void assert_message(const lineage_diag_list *l, size_t i, const char *expected)
{
    const lineage_diag *d = lineage_diag_list_get(l, i);
    assert_non_null(d);
    assert_string_equal(lineage_diag_get_message(d), expected);
}

/* LINEAGE_MAX_LINE_LENGTH: a line of exactly the limit is kept, one byte
 * more is skipped with a warning, and reading goes on. */
static void test_line_length(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    add_repeated(&sb, 'a', LINEAGE_MAX_LINE_LENGTH);
    strbuf_putc(&sb, '\n');
    add_repeated(&sb, 'b', LINEAGE_MAX_LINE_LENGTH + 1);
    strbuf_puts(&sb, "\nend\n");
    source *src = source_open_memory("m", sb.data, sb.len);
    lineage_diag_list *diags = lineage_diag_list_new();
    source_line ln;
    assert_int_equal(source_next_line(src, &ln, diags), 1);
    assert_int_equal(ln.len, LINEAGE_MAX_LINE_LENGTH);
    assert_int_equal(source_next_line(src, &ln, diags), 1);
    assert_int_equal(ln.number, 3);
    assert_int_equal(ln.len, 3);
    assert_int_equal(source_next_line(src, &ln, diags), 0);
    assert_int_equal(lineage_diag_list_count(diags), 1);
    assert_int_equal(lineage_diag_get_line(lineage_diag_list_get(diags, 0)), 2);
    assert_message(diags, 0, "line longer than 1048576 bytes skipped");
    source_free(src);
    lineage_diag_list_free(diags);
    strbuf_release(&sb);
}

/* LINEAGE_SNIFF_BYTES: detection sees only the start of the input. */
static void test_sniff_bytes(void **state)
{
    (void)state;
    for (int past = 0; past <= 1; past++) {
        strbuf sb = STRBUF_INIT;
        /* Prose lines of 64 bytes up to (almost) the window. */
        size_t prose = LINEAGE_SNIFF_BYTES - (past ? 0 : 128);
        while (sb.len < prose) {
            add_repeated(&sb, 'x', 63);
            strbuf_putc(&sb, '\n');
        }
        proc_line(&sb, 0, 4, "System");
        lineage_session *s = lineage_session_new();
        lineage_reader *r = NULL;
        lineage_status st = lineage_reader_open_memory(s, "m", sb.data, sb.len, NULL, &r);
        assert_int_equal(st, past ? LINEAGE_E_PARSE : LINEAGE_OK);
        if (past)
            assert_int_equal(diags_matching(lineage_reader_get_diags(r),
                                            "no known listing format found (tried kd"),
                             1);
        lineage_reader_free(r);
        lineage_session_free(s);
        strbuf_release(&sb);
    }
}

/* LINEAGE_READ_CHUNK: a line split across two reads of a file is whole. */
static void test_read_chunk_boundary(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    add_repeated(&sb, 'x', LINEAGE_READ_CHUNK - 30);
    strbuf_putc(&sb, '\n');
    proc_line(&sb, 0, 4, "straddling.exe");
    assert_true(sb.len > LINEAGE_READ_CHUNK);
    char *path = write_temp(sb.data, sb.len);
    lineage_session *s = lineage_session_new();
    lineage_reader *r = NULL;
    assert_int_equal(lineage_reader_open(s, path, "kd", &r), LINEAGE_OK);
    lineage_dump *d = NULL;
    assert_int_equal(lineage_reader_next(r, &d), LINEAGE_OK);
    assert_non_null(d);
    assert_int_equal(lineage_dump_process_count(d), 1);
    assert_string_equal(lineage_name_text(lineage_process_get_name(lineage_dump_process(d, 0))),
                        "straddling.exe");
    lineage_dump_free(d);
    lineage_reader_free(r);
    lineage_session_free(s);
    unlink(path);
    free(path);
    strbuf_release(&sb);
}

/* LINEAGE_MAX_HEADER_FIELDS: fields past the limit are dropped, each with
 * a warning. */
static void test_header_fields(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "DUMP_HEADER64:\n");
    for (unsigned i = 0; i < LINEAGE_MAX_HEADER_FIELDS + 2; i++)
        strbuf_printf(&sb, "Field%u 0000%04x\n", i, i);
    strbuf_putc(&sb, '\n');
    proc_line(&sb, 0, 4, "System");
    lineage_session *s = lineage_session_new();
    lineage_dump *d = one_dump(s, &sb);
    assert_int_equal(lineage_dump_field_count(d), LINEAGE_MAX_HEADER_FIELDS);
    const lineage_diag_list *l = lineage_dump_get_diags(d);
    assert_int_equal(diags_matching(l, "too many header fields; field ignored"), 2);
    assert_int_equal(lineage_diag_get_line(lineage_diag_list_get(l, 0)),
                     LINEAGE_MAX_HEADER_FIELDS + 2);
    uint64_t v = 0;
    assert_false(lineage_dump_field_find(d, NULL, "Field256", &v));
    assert_true(lineage_dump_field_find(d, NULL, "Field255", &v));
    assert_int_equal(v, 255);
    lineage_dump_free(d);
    lineage_session_free(s);
    strbuf_release(&sb);
}

/* LINEAGE_MAX_PROCESSOR_ENTRIES. */
static void test_processor_entries(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    unsigned n = LINEAGE_MAX_PROCESSOR_ENTRIES + 10;
    strbuf_printf(&sb, "DUMP_HEADER64:\nMajorVersion 0000000f\n\nKiProcessorBlock at "
                       "fffff800`03d02c40\n  %u KiProcessorBlock entries:\n", n);
    for (unsigned i = 0; i < n; i += 4)
        strbuf_printf(&sb, "  fffff880`%08x fffff880`%08x fffff880`%08x fffff880`%08x\n", i,
                      i + 1, i + 2, i + 3);
    strbuf_putc(&sb, '\n');
    proc_line(&sb, 0, 4, "System");
    lineage_session *s = lineage_session_new();
    lineage_dump *d = one_dump(s, &sb);
    assert_int_equal(lineage_dump_processor_entry_count(d), LINEAGE_MAX_PROCESSOR_ENTRIES);
    assert_int_equal(lineage_dump_processor_entry(d, LINEAGE_MAX_PROCESSOR_ENTRIES - 1),
                     0xfffff88000000000ull + LINEAGE_MAX_PROCESSOR_ENTRIES - 1);
    assert_int_equal(diags_matching(lineage_dump_get_diags(d), "too many KiProcessorBlock entries"),
                     1);
    /* The rest of the entries are not mistaken for anything else. */
    assert_int_equal(lineage_dump_process_count(d), 1);
    lineage_dump_free(d);
    lineage_session_free(s);
    strbuf_release(&sb);
}

/* LINEAGE_MAX_NAME_LENGTH: a longer name is cut to the limit. */
static void test_name_length(void **state)
{
    (void)state;
    strbuf name = STRBUF_INIT, sb = STRBUF_INIT;
    add_repeated(&name, 'n', LINEAGE_MAX_NAME_LENGTH);
    proc_line(&sb, 0, 4, name.data);
    strbuf_putc(&name, 'X');
    proc_line(&sb, 4, 8, name.data);
    lineage_session *s = lineage_session_new();
    lineage_dump *d = one_dump(s, &sb);
    const lineage_name *a = lineage_process_get_name(lineage_dump_process(d, 0));
    const lineage_name *b = lineage_process_get_name(lineage_dump_process(d, 1));
    assert_int_equal(lineage_name_length(a), LINEAGE_MAX_NAME_LENGTH);
    assert_ptr_equal(a, b); /* cut to the same bytes, so the same interned name */
    const lineage_diag_list *l = lineage_dump_get_diags(d);
    assert_int_equal(lineage_diag_list_count(l), 1);
    assert_int_equal(lineage_diag_get_line(lineage_diag_list_get(l, 0)), 2);
    assert_message(l, 0, "image name longer than 4096 bytes; kept cut");
    lineage_dump_free(d);
    lineage_session_free(s);
    strbuf_release(&name);
    strbuf_release(&sb);
}

/* LINEAGE_MAX_DIAGS_PER_LIST: records past the limit are counted only. */
static void test_diags_per_list(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    proc_line(&sb, 0, 4, "System");
    for (unsigned i = 0; i < LINEAGE_MAX_DIAGS_PER_LIST + 500; i++)
        strbuf_puts(&sb, "Parent+: oops\n");
    lineage_session *s = lineage_session_new();
    lineage_dump *d = one_dump(s, &sb);
    const lineage_diag_list *l = lineage_dump_get_diags(d);
    assert_int_equal(lineage_diag_list_count(l), LINEAGE_MAX_DIAGS_PER_LIST);
    assert_int_equal(lineage_diag_list_dropped(l), 500);
    assert_int_equal(lineage_diag_list_count_at_least(l, LINEAGE_WARNING),
                     LINEAGE_MAX_DIAGS_PER_LIST + 500);
    lineage_dump_free(d);
    lineage_session_free(s);
    strbuf_release(&sb);
}

/* LINEAGE_DIAG_EXCERPT: a diagnostic about a long line keeps a window of
 * it around the column, with the caret inside. */
static void test_diag_excerpt(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "Parent+: 0x0--->\tChild: 0x4\tActiveThreads->0001\tSystem\n");
    strbuf_puts(&sb, "Parent+: 0x4--->");
    add_repeated(&sb, ' ', 5000);
    strbuf_puts(&sb, "Kid: 0x8\tActiveThreads->0001\tx\n");
    lineage_session *s = lineage_session_new();
    lineage_dump *d = one_dump(s, &sb);
    const lineage_diag *g = lineage_diag_list_get(lineage_dump_get_diags(d), 0);
    assert_non_null(g);
    assert_int_equal(lineage_diag_get_column(g), 5017);
    const char *excerpt = lineage_diag_get_source_line(g);
    assert_int_equal(strlen(excerpt), LINEAGE_DIAG_EXCERPT);
    unsigned caret = lineage_diag_get_excerpt_column(g);
    assert_true(caret >= 1 && caret <= LINEAGE_DIAG_EXCERPT);
    assert_int_equal(strncmp(excerpt + caret - 1, "Kid:", 4), 0);
    lineage_dump_free(d);
    lineage_session_free(s);
    strbuf_release(&sb);
}

/* LINEAGE_TREE_INDENT_MAX: levels past the limit print their depth. */
static void test_tree_indent(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    for (unsigned i = 1; i <= LINEAGE_TREE_INDENT_MAX + 6; i++)
        proc_line(&sb, i - 1, i, "p");
    lineage_session *s = lineage_session_new();
    lineage_dump *d = one_dump(s, &sb);
    char *tree = lineage_render_tree_text(d, LINEAGE_RENDER_ASCII);
    /* Depth 65 is the deepest drawn in full: 63 blank levels, then the
     * branch; depth 66 and beyond keep that indentation and say how deep
     * they are. */
    strbuf want = STRBUF_INIT;
    add_repeated(&want, ' ', 4 * (LINEAGE_TREE_INDENT_MAX - 1));
    strbuf_puts(&want, "`-- p (0x41) 1 thread\n");
    add_repeated(&want, ' ', 4 * (LINEAGE_TREE_INDENT_MAX - 1));
    strbuf_puts(&want, "`-- [depth 66] p (0x42) 1 thread\n");
    assert_non_null(strstr(tree, want.data));
    strbuf_release(&want);
    add_repeated(&want, ' ', 4 * (LINEAGE_TREE_INDENT_MAX - 1));
    strbuf_puts(&want, "`-- [depth 70] p (0x46) 1 thread\n");
    size_t tail = strlen(want.data);
    assert_string_equal(tree + strlen(tree) - tail, want.data);
    strbuf_release(&want);
    free(tree);
    lineage_dump_free(d);
    lineage_session_free(s);
    strbuf_release(&sb);
}

/* A rule file one byte over the limit is refused; one at the limit is
 * read (and here fails only because it is not a valid rule file). */
static void test_rule_file_bytes(void **state)
{
    (void)state;
    char path[] = "/tmp/lineage-rules-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)LINEAGE_MAX_RULE_FILE_BYTES + 1), 0);
    close(fd);
    lineage_session *s = lineage_session_new();
    lineage_ruleset *set = lineage_ruleset_new(s);
    lineage_diag_list *d = lineage_diag_list_new();
    assert_int_equal(lineage_ruleset_load_file(set, path, d), LINEAGE_E_IO);
    assert_int_equal(diags_matching(d, "cannot read rule file: larger than the rule file limit"), 1);
    lineage_ruleset_free(set);
    lineage_diag_list_free(d);
    unlink(path);

    char *small = write_temp("# empty\n", 8);
    set = lineage_ruleset_new(s);
    d = lineage_diag_list_new();
    assert_int_equal(lineage_ruleset_load_file(set, small, d), LINEAGE_OK);
    assert_int_equal(lineage_diag_list_count(d), 0);
    lineage_ruleset_free(set);
    lineage_diag_list_free(d);
    lineage_session_free(s);
    unlink(small);
    free(small);
}

/* Keys of processes deeper than LINEAGE_MAX_KEY_DEPTH keep the top names,
 * "...", and their own name, so a million-deep chain has bounded keys. */
static void test_key_depth(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    proc_line(&sb, 0, 4, "top.exe");
    for (uint64_t i = 1; i <= LINEAGE_MAX_KEY_DEPTH + 10; i++) {
        char name[32];
        snprintf(name, sizeof name, "p%llu.exe", (unsigned long long)i);
        proc_line(&sb, 4 * i, 4 * (i + 1), name);
    }
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, sb.data);
    lineage_keys *k = lineage_keys_compute(s, d);
    size_t last = lineage_dump_process_count(d) - 1;
    const char *key = lineage_name_text(k->key[last]);
    char tail[64];
    snprintf(tail, sizeof tail, "/p%u.exe/.../p%u.exe", LINEAGE_MAX_KEY_DEPTH - 1,
             LINEAGE_MAX_KEY_DEPTH + 10);
    assert_non_null(strstr(key, tail));
    assert_int_equal(strncmp(key, "top.exe/p1.exe/", 15), 0);
    /* The last key within the limit is whole. */
    const char *whole = lineage_name_text(k->key[LINEAGE_MAX_KEY_DEPTH - 1]);
    assert_null(strstr(whole, "..."));
    lineage_keys_free(k);
    lineage_dump_free(d);
    lineage_session_free(s);
    strbuf_release(&sb);
}

/* A profile with more than LINEAGE_MAX_PROFILE_FACTS fact lines is
 * refused with LINEAGE_E_LIMIT and a diagnostic at the first line over. */
static void test_profile_facts(void **state)
{
    (void)state;
    /* Blank lines count as fact lines and are cheap to make. */
    const char head[] = "lineage-profile 1\n", fact[] = "\n";
    size_t n = LINEAGE_MAX_PROFILE_FACTS + 1;
    size_t len = sizeof head - 1 + n * (sizeof fact - 1);
    char *text = malloc(len);
    assert_non_null(text);
    memcpy(text, head, sizeof head - 1);
    for (size_t i = 0; i < n; i++)
        memcpy(text + sizeof head - 1 + i * (sizeof fact - 1), fact, sizeof fact - 1);
    lineage_session *s = lineage_session_new();
    lineage_diag_list *d = lineage_diag_list_new();
    lineage_profile *p = NULL;
    assert_int_equal(lineage_profile_parse(s, "big.profile", text, len, d, &p), LINEAGE_E_LIMIT);
    assert_null(p);
    assert_int_equal(diags_matching(d, "too many facts in one profile"), 1);
    size_t last = lineage_diag_list_count(d) - 1;
    assert_int_equal(lineage_diag_get_line(lineage_diag_list_get(d, last)), n + 1);
    lineage_diag_list_free(d);
    lineage_session_free(s);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_length),
        cmocka_unit_test(test_sniff_bytes),
        cmocka_unit_test(test_read_chunk_boundary),
        cmocka_unit_test(test_header_fields),
        cmocka_unit_test(test_processor_entries),
        cmocka_unit_test(test_name_length),
        cmocka_unit_test(test_diags_per_list),
        cmocka_unit_test(test_diag_excerpt),
        cmocka_unit_test(test_tree_indent),
        cmocka_unit_test(test_rule_file_bytes),
        cmocka_unit_test(test_key_depth),
        cmocka_unit_test(test_profile_facts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
