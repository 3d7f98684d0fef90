/* Reading a dump's tree: node and process accessors, the depth-first
 * iterator, and the integrity check that tests and fuzzers run after every
 * build. Building the tree is src/tree_build.c. */
#include <stdlib.h>

#include "alloc.h"
#include "model.h"

/* ---- accessors and the iterator ---------------------------------------- */

const lineage_node *lineage_dump_get_root(const lineage_dump *d) { return &d->root; }
size_t lineage_dump_absent_count(const lineage_dump *d) { return d->absent_count; }
lineage_node_kind lineage_node_get_kind(const lineage_node *n) { return n->kind; }
const lineage_process *lineage_node_get_process(const lineage_node *n) { return n->process; }
uint64_t lineage_node_get_absent_pid(const lineage_node *n) { return n->absent_pid; }
const lineage_node *lineage_node_get_parent(const lineage_node *n) { return n->parent; }
const lineage_node *lineage_node_get_first_child(const lineage_node *n) { return n->first_child; }
const lineage_node *lineage_node_get_last_child(const lineage_node *n) { return n->last_child; }
const lineage_node *lineage_node_get_next(const lineage_node *n) { return n->next; }
const lineage_node *lineage_node_get_prev(const lineage_node *n) { return n->prev; }
size_t lineage_node_get_depth(const lineage_node *n) { return n->depth; }
size_t lineage_node_get_child_count(const lineage_node *n) { return n->child_count; }
const lineage_node *lineage_process_get_node(const lineage_process *p) { return &p->node; }
lineage_link lineage_process_get_link(const lineage_process *p) { return p->link; }
const lineage_process *lineage_process_get_parent(const lineage_process *p) { return p->parent; }

struct lineage_iter {
    const lineage_node *start;
    const lineage_node *cur;
    lineage_event ev;
};

lineage_iter *lineage_iter_new(const lineage_node *node)
{
    lineage_iter *it = xcalloc(1, sizeof *it);
    it->start = node;
    it->ev = LINEAGE_EVENT_DONE;
    return it;
}

lineage_event lineage_iter_next(lineage_iter *it)
{
    if (!it->cur) {
        if (it->ev != LINEAGE_EVENT_DONE || !it->start)
            return LINEAGE_EVENT_DONE;
        it->cur = it->start;
        return it->ev = LINEAGE_EVENT_ENTER;
    }
    if (it->ev == LINEAGE_EVENT_ENTER) {
        if (it->cur->first_child) {
            it->cur = it->cur->first_child;
            return it->ev = LINEAGE_EVENT_ENTER;
        }
        return it->ev = LINEAGE_EVENT_EXIT;
    }
    if (it->ev == LINEAGE_EVENT_EXIT) {
        if (it->cur == it->start) {
            it->ev = LINEAGE_EVENT_DONE;
            it->start = NULL;
            return LINEAGE_EVENT_DONE;
        }
        if (it->cur->next) {
            it->cur = it->cur->next;
            return it->ev = LINEAGE_EVENT_ENTER;
        }
        it->cur = it->cur->parent;
        return it->ev = LINEAGE_EVENT_EXIT;
    }
    return LINEAGE_EVENT_DONE;
}

const lineage_node *lineage_iter_get_node(const lineage_iter *it) { return it->cur; }
void lineage_iter_free(lineage_iter *it) { free(it); }

/* ---- integrity check --------------------------------------------------- */

static int node_links_ok(const lineage_node *n)
{
    size_t count = 0;
    const lineage_node *prev = NULL;
    for (const lineage_node *c = n->first_child; c; c = c->next) {
        if (c->parent != n || c->prev != prev || c->depth != n->depth + 1)
            return 0;
        if (++count > n->child_count)
            return 0;
        prev = c;
    }
    return count == n->child_count && n->last_child == prev;
}

int lineage_dump_check_tree(const lineage_dump *d)
{
    if (d->root.parent || d->root.depth != 0 || d->root.kind != LINEAGE_NODE_ROOT)
        return 0;
    unsigned char *seen = xcalloc(d->nprocs ? d->nprocs : 1, 1);
    size_t steps = 0, limit = 2 * (d->nprocs + d->absent_count + 1) + 2, absent = 0, procs = 0;
    int ok = 1;
    lineage_iter *it = lineage_iter_new(&d->root);
    lineage_event ev;
    while (ok && (ev = lineage_iter_next(it)) != LINEAGE_EVENT_DONE) {
        if (++steps > limit) {
            ok = 0;
            break;
        }
        const lineage_node *n = lineage_iter_get_node(it);
        if (ev != LINEAGE_EVENT_ENTER)
            continue;
        ok = node_links_ok(n);
        if (n->kind == LINEAGE_NODE_PROCESS) {
            const lineage_process *p = n->process;
            if (p->index >= d->nprocs || d->procs[p->index] != p || seen[p->index] ||
                &p->node != n)
                ok = 0;
            else
                seen[p->index] = 1;
            procs++;
            if (p->link == LINEAGE_LINK_PARENT && n->parent != &p->parent->node)
                ok = 0;
        } else if (n->kind == LINEAGE_NODE_ABSENT) {
            absent++;
            if (n->parent != &d->root || !n->first_child)
                ok = 0;
        } else if (n != &d->root) {
            ok = 0;
        }
    }
    lineage_iter_free(it);
    free(seen);
    return ok && procs == d->nprocs && absent == d->absent_count;
}
