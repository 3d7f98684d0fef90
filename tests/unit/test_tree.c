/* Normalization into a tree: orphans, shared absent parents, PID reuse,
 * self-parents, cycles, deep chains and wide fan-outs. */
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
#include "model.h"

#define LINE(pp, c, name) "Parent+: " #pp "--->\tChild: " #c "\tActiveThreads->0001\t" name "\n"

static void test_shared_absent_parents(void **state)
{
    (void)state;
    char *t = tree_of(LINE(0x0, 0x4, "System") LINE(0x4, 0x1ac, "smss.exe")
                          LINE(0x1f4, 0x23c, "csrss.exe") LINE(0x2b4, 0x2c0, "csrss.exe")
                              LINE(0x1f4, 0x2cc, "wininit.exe") LINE(0x2cc, 0x2f8, "services.exe")
                                  LINE(0x2b4, 0x330, "winlogon.exe"));
    assert_string_equal(t, "System (0x4) 1 thread\n"
                           "`-- smss.exe (0x1ac) 1 thread\n"
                           "[absent parent 0x1f4]\n"
                           "|-- csrss.exe (0x23c) 1 thread\n"
                           "`-- wininit.exe (0x2cc) 1 thread\n"
                           "    `-- services.exe (0x2f8) 1 thread\n"
                           "[absent parent 0x2b4]\n"
                           "|-- csrss.exe (0x2c0) 1 thread\n"
                           "`-- winlogon.exe (0x330) 1 thread\n");
    free(t);
}

static void test_links_and_counts(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, LINE(0x0, 0x4, "System") LINE(0x1bc, 0x4bc, "explorer.exe")
                                      LINE(0x4bc, 0x95c, "hkcmd.exe"));
    assert_int_equal(lineage_dump_absent_count(d), 1);
    const lineage_process *e = find_pid(d, 0x4bc), *h = find_pid(d, 0x95c);
    assert_int_equal(lineage_process_get_link(find_pid(d, 4)), LINEAGE_LINK_TOP);
    assert_int_equal(lineage_process_get_link(e), LINEAGE_LINK_ORPHAN);
    assert_null(lineage_process_get_parent(e));
    assert_ptr_equal(lineage_process_get_parent(h), e);
    const lineage_node *absent = lineage_node_get_parent(lineage_process_get_node(e));
    assert_int_equal(lineage_node_get_kind(absent), LINEAGE_NODE_ABSENT);
    assert_int_equal(lineage_node_get_absent_pid(absent), 0x1bc);
    assert_int_equal(lineage_node_get_depth(lineage_process_get_node(h)), 3);
    const lineage_node *root = lineage_dump_get_root(d);
    assert_int_equal(lineage_node_get_child_count(root), 2);
    /* The root's children in listing order, both ways: System, then the
     * absent parent that explorer.exe hangs under. */
    const lineage_node *first = lineage_node_get_first_child(root);
    const lineage_node *last = lineage_node_get_last_child(root);
    assert_ptr_equal(lineage_node_get_process(first), find_pid(d, 4));
    assert_ptr_equal(last, absent);
    assert_ptr_equal(lineage_node_get_next(first), last);
    assert_ptr_equal(lineage_node_get_prev(last), first);
    assert_null(lineage_node_get_next(last));
    assert_null(lineage_node_get_prev(first));
    lineage_dump_free(d);
    lineage_session_free(s);
}

/* Idle (PID 0, PPID 0), where a format lists it, is a top like System,
 * not its own parent, and System does not hang under it: the lineage is
 * the same with and without the Idle row. */
static void test_idle_is_a_top(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, LINE(0x0, 0x0, "Idle") LINE(0x0, 0x4, "System")
                                      LINE(0x4, 0x1ac, "smss.exe"));
    assert_int_equal(lineage_process_get_link(find_pid(d, 0)), LINEAGE_LINK_TOP);
    assert_int_equal(lineage_process_get_link(find_pid(d, 4)), LINEAGE_LINK_TOP);
    assert_null(lineage_process_get_parent(find_pid(d, 4)));
    assert_int_equal(lineage_node_get_child_count(lineage_dump_get_root(d)), 2);
    assert_int_equal(lineage_diag_list_count(lineage_dump_get_diags(d)), 0);
    lineage_dump_free(d);
    lineage_session_free(s);
    char *t = tree_of(LINE(0x0, 0x0, "Idle") LINE(0x0, 0x4, "System") LINE(0x4, 0x1ac, "smss.exe"));
    assert_string_equal(t, "Idle (0x0) 1 thread\n"
                           "System (0x4) 1 thread\n"
                           "`-- smss.exe (0x1ac) 1 thread\n");
    free(t);
}

static void test_iterator_events(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, LINE(0x0, 0x4, "a") LINE(0x4, 0x8, "b") LINE(0x4, 0xc, "c"));
    lineage_iter *it = lineage_iter_new(lineage_dump_get_root(d));
    char trace[64] = "";
    lineage_event ev;
    while ((ev = lineage_iter_next(it)) != LINEAGE_EVENT_DONE) {
        const lineage_process *p = lineage_node_get_process(lineage_iter_get_node(it));
        strcat(trace, ev == LINEAGE_EVENT_ENTER ? "+" : "-");
        strcat(trace, p ? lineage_name_text(lineage_process_get_name(p)) : "R");
    }
    assert_string_equal(trace, "+R+a+b-b+c-c-a-R");
    assert_int_equal(lineage_iter_next(it), LINEAGE_EVENT_DONE);
    lineage_iter_free(it);
    lineage_dump_free(d);
    lineage_session_free(s);
}

/* Builds a dump directly, for fields the kd format cannot express. */
static lineage_process *add(lineage_dump *d, lineage_session *s, uint64_t pid, uint64_t ppid,
                            const char *name, uint64_t created, int alive)
{
    lineage_process *p = dump_add_process(d, d->nprocs + 1);
    p->pid = pid;
    p->ppid = ppid;
    p->name = lineage_session_intern(s, name, strlen(name));
    p->create_time = created;
    p->alive = alive;
    return p;
}

static void test_self_parent_and_cycle(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    /* A format whose order says nothing about age: in kd's, a link to a
     * process listed later is refused before it can close a cycle
     * (test_creation_order). */
    lineage_dump *d = dump_new(s, "t", 1, "test", 16);
    add(d, s, 0x10, 0x10, "self.exe", LINEAGE_UNKNOWN, 1);
    add(d, s, 0x20, 0x30, "a.exe", LINEAGE_UNKNOWN, 1);
    add(d, s, 0x30, 0x40, "b.exe", LINEAGE_UNKNOWN, 1);
    add(d, s, 0x40, 0x20, "c.exe", LINEAGE_UNKNOWN, 1);
    add(d, s, 0x50, 0x40, "d.exe", LINEAGE_UNKNOWN, 1);
    dump_finish(d);
    assert_true(lineage_dump_check_tree(d));
    assert_int_equal(lineage_process_get_link(find_pid(d, 0x10)), LINEAGE_LINK_SELF);
    /* The cycle a->b->c->a is cut at the member listed first (a). */
    assert_int_equal(lineage_process_get_link(find_pid(d, 0x20)), LINEAGE_LINK_CYCLE);
    assert_int_equal(lineage_process_get_link(find_pid(d, 0x30)), LINEAGE_LINK_PARENT);
    const lineage_diag_list *g = lineage_dump_get_diags(d);
    assert_int_equal(diags_matching(g, "process 0x10 is its own parent"), 1);
    assert_int_equal(diags_matching(g, "cycle of 3 processes; cut above 0x20"), 1);
    char *t = lineage_render_tree_text(d, LINEAGE_RENDER_ASCII);
    assert_string_equal(t, "self.exe (0x10) [own parent]\n"
                           "a.exe (0x20) [cycle cut, parent 0x30]\n"
                           "`-- c.exe (0x40)\n"
                           "    |-- b.exe (0x30)\n"
                           "    `-- d.exe (0x50)\n");
    free(t);
    lineage_dump_free(d);
    lineage_session_free(s);
}

/* kd lists processes in the order they were created, so a process listed
 * after a child cannot be its parent: it holds the parent's PID again
 * (PID reuse). Such a link is refused and the child hangs under the
 * absent parent, as if the PID were not listed; the same links in a cycle
 * are refused before they close it. */
static void test_creation_order(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    const char *text = LINE(0x0, 0x4, "System") LINE(0x4, 0x144, "smss.exe")
        LINE(0x1f0, 0x1f8, "csrss.exe") LINE(0x1f0, 0x24c, "wininit.exe")
            LINE(0x24c, 0x2b4, "services.exe") LINE(0x4e0, 0x1f0, "notepad.exe");
    lineage_dump *d = read_one(s, text);
    assert_true(lineage_dump_check_tree(d));
    const lineage_process *csrss = find_pid(d, 0x1f8), *wininit = find_pid(d, 0x24c);
    assert_int_equal(lineage_process_get_link(csrss), LINEAGE_LINK_REJECTED);
    assert_null(lineage_process_get_parent(csrss));
    assert_int_equal(lineage_process_get_link(wininit), LINEAGE_LINK_REJECTED);
    assert_ptr_equal(lineage_process_get_parent(find_pid(d, 0x2b4)), wininit);
    const lineage_node *absent = lineage_node_get_parent(lineage_process_get_node(csrss));
    assert_int_equal(lineage_node_get_kind(absent), LINEAGE_NODE_ABSENT);
    assert_int_equal(lineage_node_get_absent_pid(absent), 0x1f0);
    assert_ptr_equal(lineage_node_get_parent(lineage_process_get_node(wininit)), absent);
    const lineage_diag_list *g = lineage_dump_get_diags(d);
    assert_int_equal(diags_matching(g, "parent link of 0x1f8 to PID 0x1f0 rejected: every process "
                                       "with that PID is listed after it, so was created after it "
                                       "(PID reuse)"),
                     1);
    assert_int_equal(diags_matching(g, "rejected"), 2);
    lineage_dump_free(d);
    lineage_session_free(s);
    char *t = tree_of(text);
    assert_string_equal(t, "System (0x4) 1 thread\n"
                           "`-- smss.exe (0x144) 1 thread\n"
                           "[absent parent 0x1f0]\n"
                           "|-- csrss.exe (0x1f8) 1 thread [listed parent is younger]\n"
                           "`-- wininit.exe (0x24c) 1 thread [listed parent is younger]\n"
                           "    `-- services.exe (0x2b4) 1 thread\n"
                           "[absent parent 0x4e0]\n"
                           "`-- notepad.exe (0x1f0) 1 thread\n");
    free(t);
    /* a -> b -> c -> a: a's and b's parents are listed after them. */
    t = tree_of(LINE(0x30, 0x20, "a.exe") LINE(0x40, 0x30, "b.exe") LINE(0x20, 0x40, "c.exe"));
    assert_string_equal(t, "[absent parent 0x30]\n"
                           "`-- a.exe (0x20) 1 thread [listed parent is younger]\n"
                           "    `-- c.exe (0x40) 1 thread\n"
                           "[absent parent 0x40]\n"
                           "`-- b.exe (0x30) 1 thread [listed parent is younger]\n");
    free(t);
}

static void test_pid_reuse_by_time(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = dump_new(s, "t", 1, "test", 10);
    add(d, s, 100, 0, "old.exe", 1000, 0);
    lineage_process *young = add(d, s, 100, 0, "new.exe", 5000, 1);
    lineage_process *c1 = add(d, s, 200, 100, "child-of-old.exe", 2000, 1);
    lineage_process *c2 = add(d, s, 300, 100, "child-of-new.exe", 6000, 1);
    lineage_process *c3 = add(d, s, 400, 500, "a.exe", 1000, 1);
    add(d, s, 500, 0, "too-young.exe", 9000, 1);
    dump_finish(d);
    assert_true(lineage_dump_check_tree(d));
    assert_string_equal(lineage_name_text(lineage_process_get_name(lineage_process_get_parent(c1))),
                        "old.exe");
    assert_ptr_equal(lineage_process_get_parent(c2), young);
    assert_int_equal(lineage_process_get_link(c3), LINEAGE_LINK_REJECTED);
    assert_int_equal(diags_matching(d->diags, "parent link of 400 to PID 500 rejected"), 1);
    assert_int_equal(diags_matching(d->diags, "PID 100 is listed 2 times"), 1);
    lineage_dump_free(d);
    lineage_session_free(s);
}

/* One PID listed four times, two of them created at the same moment and
 * one without a create time: a child takes the youngest candidate created
 * no later than it, the last listed of equals; one older than every timed
 * candidate is rejected; an untimed child goes by listing order. */
static void test_pid_reuse_ties(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = dump_new(s, "t", 1, "test", 10);
    lineage_process *a = add(d, s, 100, 0, "a.exe", 1000, 0);
    add(d, s, 100, 0, "b.exe", 3000, 0);
    lineage_process *untimed = add(d, s, 100, 0, "c.exe", LINEAGE_UNKNOWN, 1);
    lineage_process *last_equal = add(d, s, 100, 0, "d.exe", 3000, 0);
    lineage_process *c1 = add(d, s, 201, 100, "c1.exe", 3500, 1);
    lineage_process *c2 = add(d, s, 202, 100, "c2.exe", 500, 1);
    lineage_process *c3 = add(d, s, 203, 100, "c3.exe", 1000, 1);
    lineage_process *c4 = add(d, s, 204, 100, "c4.exe", LINEAGE_UNKNOWN, 1);
    dump_finish(d);
    assert_true(lineage_dump_check_tree(d));
    assert_ptr_equal(lineage_process_get_parent(c1), last_equal);
    assert_int_equal(lineage_process_get_link(c2), LINEAGE_LINK_REJECTED);
    assert_null(lineage_process_get_parent(c2));
    assert_ptr_equal(lineage_process_get_parent(c3), a);
    assert_ptr_equal(lineage_process_get_parent(c4), untimed); /* the last live one before it */
    assert_int_equal(diags_matching(d->diags, "parent link of 202 to PID 100 rejected"), 1);
    assert_int_equal(diags_matching(d->diags, "PID 100 is listed 4 times"), 1);
    lineage_dump_free(d);
    lineage_session_free(s);
}

static void test_pid_reuse_without_time(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = dump_new(s, "t", 1, "test", 16);
    add(d, s, 8, 0, "zombie.exe", LINEAGE_UNKNOWN, 0);
    lineage_process *live = add(d, s, 8, 0, "live.exe", LINEAGE_UNKNOWN, 1);
    lineage_process *c = add(d, s, 9, 8, "child.exe", LINEAGE_UNKNOWN, 1);
    lineage_process *early = add(d, s, 0xa, 0xb, "early.exe", LINEAGE_UNKNOWN, 1);
    lineage_process *b1 = add(d, s, 0xb, 0, "b1.exe", LINEAGE_UNKNOWN, 1);
    add(d, s, 0xb, 0, "b2.exe", LINEAGE_UNKNOWN, 1);
    dump_finish(d);
    assert_true(lineage_dump_check_tree(d));
    /* The last live candidate listed before the child. */
    assert_ptr_equal(lineage_process_get_parent(c), live);
    /* None listed before the child: the first listed. */
    assert_ptr_equal(lineage_process_get_parent(early), b1);
    lineage_dump_free(d);
    lineage_session_free(s);
}

static void test_deep_chain_and_wide_fanout(void **state)
{
    (void)state;
    const size_t n = 100000;
    lineage_session *s = lineage_session_new();
    lineage_dump *deep = dump_new(s, "deep", 1, "test", 10);
    lineage_dump *wide = dump_new(s, "wide", 1, "test", 10);
    for (size_t i = 1; i <= n; i++) {
        add(deep, s, i, i - 1, "p.exe", LINEAGE_UNKNOWN, 1);
        add(wide, s, i, i == 1 ? 0 : 1, "q.exe", LINEAGE_UNKNOWN, 1);
    }
    dump_finish(deep);
    dump_finish(wide);
    assert_true(lineage_dump_check_tree(deep));
    assert_true(lineage_dump_check_tree(wide));
    assert_int_equal(lineage_node_get_depth(&deep->procs[n - 1]->node), n);
    assert_int_equal(lineage_node_get_child_count(&wide->procs[0]->node), n - 1);
    /* Text output stays linear: indentation stops at the limit and the
     * depth is printed instead. */
    char *t = lineage_render_tree_text(deep, LINEAGE_RENDER_ASCII);
    size_t len = strlen(t);
    assert_true(len < n * (4 * LINEAGE_TREE_INDENT_MAX + 64));
    assert_non_null(strstr(t, "[depth 100000] p.exe (100000)\n"));
    free(t);
    lineage_dump_free(deep);
    lineage_dump_free(wide);
    lineage_session_free(s);
}

/* Many processes share one PID and many children name it, the children
 * listed after every candidate: choosing each child's parent must not
 * walk the candidates (that was quadratic: 10^10 steps here). */
static void test_many_candidates(void **state)
{
    (void)state;
    const size_t n = 100000;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = dump_new(s, "reuse", 1, "test", 10);
    for (size_t i = 0; i < n; i++)
        add(d, s, 8, 0, "p.exe", LINEAGE_UNKNOWN, i != n - 2);
    for (size_t i = 0; i < n; i++)
        add(d, s, 100 + i, 8, "c.exe", LINEAGE_UNKNOWN, 1);
    dump_finish(d);
    assert_true(lineage_dump_check_tree(d));
    /* The last live candidate listed before the children. */
    assert_ptr_equal(lineage_process_get_parent(d->procs[n]), d->procs[n - 1]);
    assert_int_equal(lineage_node_get_child_count(&d->procs[n - 1]->node), n);
    assert_int_equal(diags_matching(d->diags, "PID 8 is listed 100000 times"), 1);
    lineage_dump_free(d);
    lineage_session_free(s);
}

static void test_long_cycle(void **state)
{
    (void)state;
    const size_t n = 100000;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = dump_new(s, "ring", 1, "test", 10);
    for (size_t i = 1; i <= n; i++)
        add(d, s, i, i == 1 ? n : i - 1, "r.exe", LINEAGE_UNKNOWN, 1);
    dump_finish(d);
    assert_true(lineage_dump_check_tree(d));
    assert_int_equal(lineage_process_get_link(d->procs[0]), LINEAGE_LINK_CYCLE);
    assert_int_equal(lineage_node_get_depth(&d->procs[n - 1]->node), n);
    assert_int_equal(diags_matching(d->diags, "cycle of 100000 processes"), 1);
    lineage_dump_free(d);
    lineage_session_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_absent_parents),
        cmocka_unit_test(test_links_and_counts),
        cmocka_unit_test(test_idle_is_a_top),
        cmocka_unit_test(test_iterator_events),
        cmocka_unit_test(test_self_parent_and_cycle),
        cmocka_unit_test(test_creation_order),
        cmocka_unit_test(test_pid_reuse_by_time),
        cmocka_unit_test(test_pid_reuse_ties),
        cmocka_unit_test(test_pid_reuse_without_time),
        cmocka_unit_test(test_deep_chain_and_wide_fanout),
        cmocka_unit_test(test_long_cycle),
        cmocka_unit_test(test_many_candidates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
