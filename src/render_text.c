/* Plain-text renderings: the one-line dump summary and the text tree.
 *
 * The tree is one line per process over inputs of millions of processes,
 * so its lines are put together from fixed strings, escaped names and
 * hand-formatted numbers, never printf. */
#include <lineage/render.h>
#include <lineage/tree.h>

#include <stdlib.h>
#include <string.h>

#include "ansi.h"
#include "limits.h"
#include "model.h"
#include "strbuf.h"

/* A string literal and its length, for strbuf_add. */
#define LIT(s) s, sizeof s - 1

static void add_pid(strbuf *sb, const lineage_dump *d, uint64_t pid)
{
    if (d->pid_base == 16) {
        strbuf_add(sb, LIT("0x"));
        strbuf_add_hex(sb, pid);
    } else {
        strbuf_add_u64(sb, pid);
    }
}

static void describe_os(strbuf *sb, const lineage_dump *d)
{
    lineage_os_info os;
    if (!d->build) {
        strbuf_puts(sb, "unknown OS");
        return;
    }
    int known = lineage_os_from_build(d->build, &os);
    if (!os.product) {
        strbuf_puts(sb, "unknown OS");
    } else {
        strbuf_puts(sb, os.product);
        if (known && os.release[0]) {
            strbuf_putc(sb, ' ');
            strbuf_puts(sb, os.release);
        }
    }
    strbuf_puts(sb, " build ");
    strbuf_add_u64(sb, d->build);
}

/* ", N thing" or ", N things". */
static void add_count(strbuf *sb, uint64_t n, const char *one, const char *many)
{
    strbuf_puts(sb, ", ");
    strbuf_add_u64(sb, n);
    strbuf_putc(sb, ' ');
    strbuf_puts(sb, n == 1 ? one : many);
}

/* Written without printf: check prints one for every dump, and a fleet
 * has tens of thousands. */
char *lineage_dump_describe(const lineage_dump *d)
{
    strbuf sb = STRBUF_INIT;
    strbuf_add_escaped(&sb, d->source, strlen(d->source));
    strbuf_puts(&sb, " #");
    strbuf_add_u64(&sb, d->index);
    strbuf_puts(&sb, " (lines ");
    strbuf_add_u64(&sb, d->first_line);
    strbuf_putc(&sb, '-');
    strbuf_add_u64(&sb, d->last_line);
    strbuf_puts(&sb, "): ");
    describe_os(&sb, d);
    strbuf_puts(&sb, ", ");
    strbuf_puts(&sb, lineage_arch_name(d->arch));
    if (d->cpus)
        add_count(&sb, d->cpus, "CPU", "CPUs");
    if (d->has_bugcheck) {
        const char *name = lineage_bugcheck_name(d->bugcheck);
        strbuf_puts(&sb, ", bugcheck 0x");
        strbuf_add_hex_upper(&sb, d->bugcheck);
        if (name) {
            strbuf_putc(&sb, ' ');
            strbuf_puts(&sb, name);
        }
    }
    add_count(&sb, d->nprocs, "process", "processes");
    if (d->nelisions) {
        strbuf_puts(&sb, ", partial (");
        strbuf_add_u64(&sb, d->nelisions);
        strbuf_puts(&sb, d->nelisions == 1 ? " elision)" : " elisions)");
    } else {
        strbuf_puts(&sb, ", complete");
    }
    return strbuf_detach(&sb);
}

/* A bracketed mark such as " [exited]", in `sgr` when colouring. */
static void add_mark(strbuf *sb, int color, const char *sgr, const char *mark)
{
    strbuf_putc(sb, ' ');
    int owed = ansi_start(sb, color, sgr);
    strbuf_puts(sb, mark);
    ansi_end(sb, owed);
}

/* The colour of a whole process line, or NULL: hidden processes stand
 * out most, exited ones recede. */
static const char *process_color(const lineage_process *p)
{
    if (p->hidden)
        return ANSI_RED;
    if (!p->alive)
        return ANSI_DIM;
    return NULL;
}

static void add_process_label(strbuf *sb, const lineage_dump *d, const lineage_process *p,
                              int ascii, int color)
{
    const lineage_name *name = p->name;
    int owed = ansi_start(sb, color, process_color(p));
    if (lineage_name_length(name) == 0)
        strbuf_add(sb, LIT("\"\""));
    else
        strbuf_add_escaped(sb, lineage_name_text(name), lineage_name_length(name));
    const lineage_name *full = lineage_name_resolved(name);
    if (full) {
        if (ascii)
            strbuf_add(sb, LIT(" -> "));
        else
            strbuf_add(sb, LIT(" \xe2\x86\x92 "));
        strbuf_add_escaped(sb, lineage_name_text(full), lineage_name_length(full));
    }
    strbuf_add(sb, LIT(" ("));
    add_pid(sb, d, p->pid);
    strbuf_putc(sb, ')');
    if (p->threads != LINEAGE_UNKNOWN) {
        strbuf_putc(sb, ' ');
        strbuf_add_u64(sb, p->threads);
        if (p->threads == 1)
            strbuf_add(sb, LIT(" thread"));
        else
            strbuf_add(sb, LIT(" threads"));
    }
    if (!p->alive)
        strbuf_add(sb, LIT(" [exited]"));
    if (p->hidden)
        strbuf_add(sb, LIT(" [hidden]"));
    ansi_end(sb, owed);
    if (!full && lineage_name_is_cut(name))
        add_mark(sb, color, ANSI_YELLOW, "[cut name]");
    switch (p->link) {
    case LINEAGE_LINK_SELF:
        add_mark(sb, color, ANSI_YELLOW, "[own parent]");
        break;
    case LINEAGE_LINK_CYCLE:
        strbuf_putc(sb, ' ');
        owed = ansi_start(sb, color, ANSI_YELLOW);
        strbuf_puts(sb, "[cycle cut, parent ");
        add_pid(sb, d, p->ppid);
        strbuf_putc(sb, ']');
        ansi_end(sb, owed);
        break;
    case LINEAGE_LINK_REJECTED:
        add_mark(sb, color, ANSI_YELLOW, "[listed parent is younger]");
        break;
    default:
        break;
    }
}

/* Indentation for a node at `depth` (tops are at 1): one column per
 * ancestor level, `more[l]` telling whether level l continues below. */
static void add_prefix(strbuf *sb, const lineage_node *n, const unsigned char *more, int ascii)
{
    size_t depth = n->depth;
    if (depth <= 1)
        return;
    size_t drawn = depth - 1 < LINEAGE_TREE_INDENT_MAX ? depth - 1 : LINEAGE_TREE_INDENT_MAX;
    for (size_t l = 2; l <= drawn; l++) {
        if (!more[l])
            strbuf_add(sb, LIT("    "));
        else if (ascii)
            strbuf_add(sb, LIT("|   "));
        else
            strbuf_add(sb, LIT("\xe2\x94\x82   "));
    }
    if (ascii)
        strbuf_add(sb, n->next ? "|-- " : "`-- ", 4);
    else if (n->next)
        strbuf_add(sb, LIT("\xe2\x94\x9c\xe2\x94\x80\xe2\x94\x80 "));
    else
        strbuf_add(sb, LIT("\xe2\x94\x94\xe2\x94\x80\xe2\x94\x80 "));
    if (depth - 1 > LINEAGE_TREE_INDENT_MAX) {
        strbuf_add(sb, LIT("[depth "));
        strbuf_add_u64(sb, depth);
        strbuf_add(sb, LIT("] "));
    }
}

char *lineage_render_tree_text(const lineage_dump *d, unsigned flags)
{
    int ascii = (flags & LINEAGE_RENDER_ASCII) != 0;
    int color = (flags & LINEAGE_RENDER_COLOR) != 0;
    unsigned char more[LINEAGE_TREE_INDENT_MAX + 2] = {0};
    strbuf sb = STRBUF_INIT;
    lineage_iter *it = lineage_iter_new(&d->root);
    lineage_event ev;
    while ((ev = lineage_iter_next(it)) != LINEAGE_EVENT_DONE) {
        const lineage_node *n = lineage_iter_get_node(it);
        if (ev != LINEAGE_EVENT_ENTER || n->kind == LINEAGE_NODE_ROOT)
            continue;
        if (n->depth <= LINEAGE_TREE_INDENT_MAX + 1)
            more[n->depth] = n->next != NULL;
        add_prefix(&sb, n, more, ascii);
        if (n->kind == LINEAGE_NODE_ABSENT) {
            int owed = ansi_start(&sb, color, ANSI_DIM);
            strbuf_add(&sb, LIT("[absent parent "));
            add_pid(&sb, d, n->absent_pid);
            strbuf_putc(&sb, ']');
            ansi_end(&sb, owed);
        } else {
            add_process_label(&sb, d, n->process, ascii, color);
        }
        strbuf_putc(&sb, '\n');
    }
    lineage_iter_free(it);
    return strbuf_detach(&sb);
}
