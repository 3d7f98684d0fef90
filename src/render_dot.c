/* Graphviz DOT pictures of a dump's process tree (see lineage/graph.h).
 *
 * One walk of the tree writes each node, then the edge from its parent,
 * so output is linear in the number of processes and needs no stack.
 * Node ids are generated ("p" + listing position, "a" + absent PID in
 * hex), never taken from the input; every label goes through dot_escape. */
#include <lineage/graph.h>
#include <lineage/render.h>
#include <lineage/tree.h>

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "dot_escape.h"
#include "model.h"
#include "render_dot.h"
#include "strbuf.h"

/* ---- escaping ------------------------------------------------------------ */

void dot_escape_visible(strbuf *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"')
            strbuf_add(out, "\\\"", 2);
        else if (c == '\\')
            strbuf_add(out, "\\\\", 2);
        else if (c == '&')
            strbuf_add(out, "&amp;", 5);
        else if (c < 0x20 || c == 0x7f)
            strbuf_printf(out, "\\\\x%02x", c);
        else
            strbuf_putc(out, (char)c);
    }
    if (!out->data)
        strbuf_add(out, "", 0);
}

void dot_escape(strbuf *out, strbuf *scratch, const char *s, size_t len)
{
    scratch->len = 0;
    strbuf_add_escaped(scratch, s, len);
    dot_escape_visible(out, scratch->data, scratch->len);
}

/* ---- the picture --------------------------------------------------------- */

static void add_pid(strbuf *sb, const lineage_dump *d, uint64_t pid)
{
    strbuf_printf(sb, d->pid_base == 16 ? "0x%llx" : "%llu", (unsigned long long)pid);
}

static void add_id(strbuf *sb, const lineage_node *n)
{
    if (n->kind == LINEAGE_NODE_ABSENT)
        strbuf_printf(sb, "a%llx", (unsigned long long)n->absent_pid);
    else
        strbuf_printf(sb, "p%zu", n->process->index);
}

/* The label of a process: name (and resolved full name), then a second
 * line with the PID, threads and marks. "\n" here is DOT's line break. */
static void add_process_label(strbuf *sb, strbuf *scratch, const lineage_dump *d,
                              const lineage_process *p)
{
    const lineage_name *name = p->name;
    if (lineage_name_length(name) == 0)
        strbuf_puts(sb, "\\\"\\\"");
    else
        dot_escape(sb, scratch, lineage_name_text(name), lineage_name_length(name));
    const lineage_name *full = lineage_name_resolved(name);
    if (full) {
        strbuf_puts(sb, " \xe2\x86\x92 ");
        dot_escape(sb, scratch, lineage_name_text(full), lineage_name_length(full));
    }
    strbuf_puts(sb, "\\nPID ");
    add_pid(sb, d, p->pid);
    if (p->threads != LINEAGE_UNKNOWN)
        strbuf_printf(sb, ", %llu thread%s", (unsigned long long)p->threads,
                      p->threads == 1 ? "" : "s");
    if (!p->alive)
        strbuf_puts(sb, " [exited]");
    if (p->hidden)
        strbuf_puts(sb, " [hidden]");
    if (!full && lineage_name_is_cut(name))
        strbuf_puts(sb, " [cut name]");
    switch (p->link) {
    case LINEAGE_LINK_SELF:
        strbuf_puts(sb, " [own parent]");
        break;
    case LINEAGE_LINK_CYCLE:
        strbuf_puts(sb, " [cycle cut, parent ");
        add_pid(sb, d, p->ppid);
        strbuf_putc(sb, ']');
        break;
    case LINEAGE_LINK_REJECTED:
        strbuf_puts(sb, " [listed parent is younger]");
        break;
    default:
        break;
    }
}

/* A byte per process: 1 when the caller marked it deviating. */
static unsigned char *deviating_marks(const lineage_dump *d, const lineage_process *const *dev,
                                      size_t ndev)
{
    if (!dev || !ndev || !d->nprocs)
        return NULL;
    unsigned char *marks = xcalloc(d->nprocs, 1);
    for (size_t i = 0; i < ndev; i++) {
        const lineage_process *p = dev[i];
        /* Only processes of this dump: same slot in its listing. */
        if (p && p->index < d->nprocs && d->procs[p->index] == p)
            marks[p->index] = 1;
    }
    return marks;
}

size_t dot_node_count(const lineage_dump *d)
{
    return d->nprocs + d->absent_count;
}

lineage_status dot_render(const lineage_dump *d, const lineage_process *const *dev, size_t ndev,
                          strbuf *sb)
{
    unsigned char *marks = deviating_marks(d, dev, ndev);
    strbuf scratch = STRBUF_INIT;
    char *title = lineage_dump_describe(d);

    strbuf_puts(sb, "digraph \"");
    dot_escape(sb, &scratch, d->source, strlen(d->source));
    strbuf_printf(sb, " #%u\" {\n", d->index);
    /* Left to right, children in listing order, the dump's summary on top. */
    strbuf_puts(sb, "  graph [rankdir=LR, ordering=out, labelloc=t, "
                    "fontname=\"Helvetica,Arial,sans-serif\", fontsize=12, label=\"");
    dot_escape_visible(sb, title, strlen(title));
    strbuf_puts(sb, "\"];\n");
    strbuf_puts(sb, "  node [shape=box, style=rounded, fontname=\"Helvetica,Arial,sans-serif\", "
                    "fontsize=10];\n");
    strbuf_puts(sb, "  edge [arrowsize=0.6];\n");

    lineage_iter *it = lineage_iter_new(&d->root);
    lineage_event ev;
    while ((ev = lineage_iter_next(it)) != LINEAGE_EVENT_DONE) {
        const lineage_node *n = lineage_iter_get_node(it);
        if (ev != LINEAGE_EVENT_ENTER || n->kind == LINEAGE_NODE_ROOT)
            continue;
        strbuf_puts(sb, "  ");
        add_id(sb, n);
        strbuf_puts(sb, " [label=\"");
        if (n->kind == LINEAGE_NODE_ABSENT) {
            strbuf_puts(sb, "absent parent\\nPID ");
            add_pid(sb, d, n->absent_pid);
            strbuf_puts(sb, "\", style=\"rounded,dashed\"");
        } else {
            const lineage_process *p = n->process;
            add_process_label(sb, &scratch, d, p);
            strbuf_putc(sb, '"');
            if (marks && marks[p->index])
                strbuf_puts(sb, ", color=red, fontcolor=red, penwidth=2");
            else if (!p->alive)
                strbuf_puts(sb, ", color=grey60, fontcolor=grey45");
            if (p->hidden)
                strbuf_puts(sb, ", style=\"rounded,bold\"");
        }
        strbuf_puts(sb, "];\n");
        const lineage_node *parent = n->parent;
        if (parent && parent->kind != LINEAGE_NODE_ROOT) {
            strbuf_puts(sb, "  ");
            add_id(sb, parent);
            strbuf_puts(sb, " -> ");
            add_id(sb, n);
            if (parent->kind == LINEAGE_NODE_ABSENT)
                strbuf_puts(sb, " [style=dashed]");
            strbuf_puts(sb, ";\n");
        }
    }
    lineage_iter_free(it);
    strbuf_puts(sb, "}\n");
    free(title);
    strbuf_release(&scratch);
    free(marks);
    return LINEAGE_OK;
}

lineage_status lineage_dump_render_dot(const lineage_dump *d, const lineage_process *const *dev,
                                       size_t ndev, char **out, size_t *len)
{
    if (out)
        *out = NULL;
    if (len)
        *len = 0;
    if (!d || !out)
        return LINEAGE_E_ARG;
    strbuf sb = STRBUF_INIT;
    lineage_status st = dot_render(d, dev, ndev, &sb);
    if (st != LINEAGE_OK) {
        strbuf_release(&sb);
        return st;
    }
    if (len)
        *len = sb.len;
    *out = strbuf_detach(&sb);
    return LINEAGE_OK;
}
