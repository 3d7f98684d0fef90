/* Lineage keys and the running intern hash they are built with: every key
 * lineage_keys_compute gives is checked against a key built the slow way
 * (walking up the parents, joining the whole chain and interning it), so
 * continuing the parent's hash can never give a different key or a second
 * copy of one. */
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
#include "lineage_key.h"
#include "model.h"
#include "session.h"
#include "strbuf.h"

static void proc_line(strbuf *sb, uint64_t ppid, uint64_t pid, const char *name)
{
    strbuf_printf(sb, "Parent+: 0x%llx--->\tChild: 0x%llx\tActiveThreads->0001\t%s\n",
                  (unsigned long long)ppid, (unsigned long long)pid, name);
}

typedef struct proc_row {
    uint64_t ppid, pid;
    const char *name;
} proc_row;

static void proc_lines(strbuf *sb, const proc_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++)
        proc_line(sb, rows[i].ppid, rows[i].pid, rows[i].name);
}

/* The component a node adds to keys, written out by hand: "?" for an
 * absent parent, a name that is one of the marks with its first byte as
 * %XX, else the folded full name with "/" and "%" escaped. */
static void put_component(strbuf *sb, const lineage_node *n)
{
    if (n->kind == LINEAGE_NODE_ABSENT) {
        strbuf_puts(sb, LINEAGE_KEY_ABSENT);
        return;
    }
    const lineage_name *c = lineage_key_component(n->process);
    const char *t = lineage_name_text(c);
    static const char *const marks[][2] = {{"?", "%3F"}, {"(top)", "%28top)"}, {"...", "%2E.."}};
    for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++) {
        if (strcmp(t, marks[m][0]) == 0) {
            strbuf_puts(sb, marks[m][1]);
            return;
        }
    }
    for (size_t i = 0; i < lineage_name_length(c); i++) {
        if (t[i] == '/')
            strbuf_puts(sb, "%2F");
        else if (t[i] == '%')
            strbuf_puts(sb, "%25");
        else
            strbuf_putc(sb, t[i]);
    }
}

/* The key of a process built from scratch: the components from the top
 * down (at most LINEAGE_MAX_KEY_DEPTH of them, then "/.../" and the
 * process's own), joined by "/" once the chain is not empty. */
static const lineage_name *slow_key(lineage_session *s, const lineage_process *p)
{
    size_t depth = p->node.depth;
    const lineage_node **up = calloc(depth + 1, sizeof *up);
    assert_non_null(up);
    const lineage_node *n = &p->node;
    for (size_t d = depth; d >= 1; d--) {
        up[d] = n;
        n = n->parent;
    }
    assert_int_equal(n->kind, LINEAGE_NODE_ROOT);
    strbuf chain = STRBUF_INIT;
    strbuf_add(&chain, "", 0);
    size_t kept = depth < LINEAGE_MAX_KEY_DEPTH ? depth : LINEAGE_MAX_KEY_DEPTH;
    for (size_t d = 1; d <= kept; d++) {
        if (chain.len)
            strbuf_putc(&chain, '/');
        put_component(&chain, up[d]);
    }
    if (depth > LINEAGE_MAX_KEY_DEPTH) {
        strbuf_puts(&chain, "/.../");
        put_component(&chain, &p->node);
    }
    const lineage_name *key = lineage_session_intern(s, chain.data, chain.len);
    strbuf_release(&chain);
    free(up);
    return key;
}

static const lineage_name *slow_parent(lineage_session *s, const lineage_process *p)
{
    const lineage_node *up = p->node.parent;
    if (up->kind == LINEAGE_NODE_ROOT)
        return lineage_session_intern(s, LINEAGE_KEY_TOP, strlen(LINEAGE_KEY_TOP));
    strbuf sb = STRBUF_INIT;
    strbuf_add(&sb, "", 0);
    put_component(&sb, up);
    const lineage_name *r = lineage_session_intern(s, sb.data, sb.len);
    strbuf_release(&sb);
    return r;
}

/* Every key, leaf and parent of the dump equals the slow one, pointer for
 * pointer (so the text and the hash agree). Returns the process count. */
static size_t check_keys(lineage_session *s, const lineage_dump *d)
{
    lineage_keys *k = lineage_keys_compute(s, d);
    size_t n = lineage_dump_process_count(d);
    assert_int_equal(k->count, n);
    for (size_t i = 0; i < n; i++) {
        const lineage_process *p = lineage_dump_process(d, i);
        const lineage_name *want = slow_key(s, p);
        if (k->key[i] != want)
            fail_msg("process %zu: key '%s', expected '%s'", i, lineage_name_text(k->key[i]),
                     lineage_name_text(want));
        strbuf leaf = STRBUF_INIT;
        strbuf_add(&leaf, "", 0);
        put_component(&leaf, &p->node);
        assert_ptr_equal(k->leaf[i], lineage_session_intern(s, leaf.data, leaf.len));
        strbuf_release(&leaf);
        assert_ptr_equal(k->parent[i], slow_parent(s, p));
    }
    lineage_keys_free(k);
    return n;
}

static void test_running_hash(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    const uint64_t init = session_hash_init(s);
    const char *whole = "?/wininit.exe/services.exe/svchost.exe";
    uint64_t h = init;
    /* Extending piece by piece, at any cut, gives the hash of the whole. */
    for (size_t cut = 0; cut <= strlen(whole); cut++) {
        uint64_t a = session_hash_extend(init, whole, cut);
        uint64_t b = session_hash_extend(a, whole + cut, strlen(whole) - cut);
        assert_true(b == session_hash_extend(init, whole, strlen(whole)));
    }
    h = session_hash_extend(h, "", 0);
    assert_true(h == init);
    /* Each session starts its hash at its own random value, so names cannot
     * be crafted in advance to collide in the intern table. */
    lineage_session *other_session = lineage_session_new();
    assert_true(session_hash_init(other_session) != init);
    lineage_session_free(other_session);

    const lineage_name *slow = lineage_session_intern(s, whole, strlen(whole));
    uint64_t hw = session_hash_extend(init, whole, strlen(whole));
    assert_ptr_equal(session_intern_hashed(s, whole, strlen(whole), hw), slow);
    /* A name first interned with a given hash is found the slow way. */
    const char *other = "system/smss.exe";
    const lineage_name *fast = session_intern_hashed(
        s, other, strlen(other), session_hash_extend(init, other, strlen(other)));
    assert_ptr_equal(lineage_session_intern(s, other, strlen(other)), fast);
    assert_ptr_equal(lineage_name_folded(fast), fast);
    lineage_session_free(s);
}

/* The four seed dumps, each read on its own and all in one session. */
static void test_seed_dumps(void **state)
{
    (void)state;
    size_t len;
    char *text = read_source_file("examples/all-four.txt", &len);
    lineage_session *s = lineage_session_new();
    lineage_dump *dumps[8];
    size_t n = read_dumps(s, text, dumps, 8, NULL);
    assert_int_equal(n, 4);
    size_t procs = 0;
    for (size_t i = 0; i < n; i++) {
        procs += check_keys(s, dumps[i]);
        lineage_dump_free(dumps[i]);
    }
    assert_true(procs > 100);
    lineage_session_free(s);
    free(text);
}

/* Cut names (resolved before folding), mixed case, "/" and "%" in names,
 * an absent parent, siblings after a deep subtree. */
static void test_edge_names(void **state)
{
    (void)state;
    static const proc_row rows[] = {
        {0, 4, "System"},
        {4, 8, "smss.exe"},
        {8, 12, "RuntimeBroker."},
        {12, 16, "a/b%c.EXE"},
        {16, 20, "WmiPrvSE.exe"},
        {20, 24, "x%2Fy.exe"},
        {8, 28, "csrss.exe"},
        {999, 32, "orphan.exe"},
        {32, 36, "Child.Exe"},
        {32, 40, "ArcOSBrowser.e"},
        {4, 44, "MemCompression"},
    };
    strbuf sb = STRBUF_INIT;
    proc_lines(&sb, rows, sizeof rows / sizeof rows[0]);
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, sb.data);
    assert_int_equal(check_keys(s, d), 11);
    lineage_keys *k = lineage_keys_compute(s, d);
    assert_string_equal(lineage_name_text(k->key[3]),
                        "system/smss.exe/runtimebroker.exe/a%2Fb%25c.exe");
    assert_string_equal(lineage_name_text(k->key[5]),
                        "system/smss.exe/runtimebroker.exe/a%2Fb%25c.exe/wmiprvse.exe/x%252fy.exe");
    assert_string_equal(lineage_name_text(k->key[8]), "?/orphan.exe/child.exe");
    assert_string_equal(lineage_name_text(k->parent[7]), "?");
    lineage_keys_free(k);
    lineage_dump_free(d);
    lineage_session_free(s);
    strbuf_release(&sb);
}

/* Processes named like the marks ("?" for an absent parent, "(top)" for
 * a top's parent, "..." for names left out of a deep chain) never read as
 * them: a child of "?" and a child of an absent parent differ. */
static void test_mark_names(void **state)
{
    (void)state;
    static const proc_row rows[] = {
        {0, 4, "System"},
        {4, 8, "?"},
        {8, 12, "(top)"},
        {12, 16, "..."},
        {999, 20, "x.exe"},
        {8, 24, "x.exe"},
        {0, 28, "(TOP)"},
    };
    strbuf sb = STRBUF_INIT;
    proc_lines(&sb, rows, sizeof rows / sizeof rows[0]);
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, sb.data);
    assert_int_equal(check_keys(s, d), 7);
    lineage_keys *k = lineage_keys_compute(s, d);
    assert_string_equal(lineage_name_text(k->key[3]), "system/%3F/%28top)/%2E..");
    assert_string_equal(lineage_name_text(k->leaf[1]), "%3F");
    assert_string_equal(lineage_name_text(k->parent[2]), "%3F");
    assert_string_equal(lineage_name_text(k->parent[4]), LINEAGE_KEY_ABSENT);
    assert_string_equal(lineage_name_text(k->key[4]), "?/x.exe");
    assert_string_equal(lineage_name_text(k->key[5]), "system/%3F/x.exe");
    /* Folded first, so "(TOP)" is the mark's name too. */
    assert_string_equal(lineage_name_text(k->leaf[6]), "%28top)");
    assert_string_equal(lineage_name_text(k->parent[6]), LINEAGE_KEY_TOP);
    assert_string_equal(lineage_key_mark_escaped("...", 3), "%2E..");
    assert_null(lineage_key_mark_escaped("....", 4));
    assert_string_equal(lineage_key_mark_unescaped("%28top)", 7), "(top)");
    assert_null(lineage_key_mark_unescaped("%28top", 6));
    lineage_keys_free(k);
    lineage_dump_free(d);
    lineage_session_free(s);
    strbuf_release(&sb);
}

/* Chains past LINEAGE_MAX_KEY_DEPTH, with a sibling branch coming back up
 * from the depth: the hash kept for each depth must be the one of that
 * depth's chain, not of the deepest seen. */
static void test_deep_chains(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    proc_line(&sb, 0, 4, "top.exe");
    uint64_t deepest = LINEAGE_MAX_KEY_DEPTH + 12;
    for (uint64_t i = 1; i <= deepest; i++) {
        char name[32];
        snprintf(name, sizeof name, "P%llu.exe", (unsigned long long)i);
        proc_line(&sb, 4 * i, 4 * (i + 1), name);
    }
    /* Siblings at depth 3, at the limit and past it. */
    uint64_t pid = 4 * (deepest + 10);
    uint64_t parents[] = {12, 4 * (LINEAGE_MAX_KEY_DEPTH - 1), 4 * LINEAGE_MAX_KEY_DEPTH,
                          4 * (LINEAGE_MAX_KEY_DEPTH + 3)};
    for (size_t i = 0; i < sizeof parents / sizeof parents[0]; i++) {
        proc_line(&sb, parents[i], pid, "Side.exe");
        proc_line(&sb, pid, pid + 4, "under/side.exe");
        pid += 8;
    }
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, sb.data);
    assert_int_equal(check_keys(s, d), deepest + 1 + 8);
    lineage_dump_free(d);
    lineage_session_free(s);
    strbuf_release(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_running_hash),
        cmocka_unit_test(test_seed_dumps),
        cmocka_unit_test(test_edge_names),
        cmocka_unit_test(test_mark_names),
        cmocka_unit_test(test_deep_chains),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
