/* The N-way lineage matrix: one column per dump, one row per parent ->
 * child name edge, each cell the number of such edges in the dump. Each
 * column is a one-dump profile, so the edges come from the same lineage
 * keys as diff and learn. */
#include <lineage/diff.h>

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "lineage_key.h"
#include "matrix.h"
#include "profile.h"
#include "strbuf.h"

typedef struct column {
    lineage_profile *profile;
    char *label;
} column;

struct lineage_matrix {
    lineage_session *session;
    column *cols;
    size_t n, cap;
};

lineage_matrix *lineage_matrix_new(lineage_session *session)
{
    lineage_matrix *m = xcalloc(1, sizeof *m);
    m->session = session;
    return m;
}

void lineage_matrix_free(lineage_matrix *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++) {
        lineage_profile_free(m->cols[i].profile);
        free(m->cols[i].label);
    }
    free(m->cols);
    free(m);
}

/* "XP 2600", "7 SP1 7601", "10 1507 10240", "build 12345" or "unknown". */
static char *label_of(const lineage_dump *dump)
{
    strbuf sb = STRBUF_INIT;
    unsigned build = lineage_dump_get_build(dump);
    lineage_os_info info = {0};
    int known = build && lineage_os_from_build(build, &info);
    if (known && info.family) {
        const char *fam = info.family;
        strbuf_puts(&sb, strcmp(fam, "xp") == 0 ? "XP" : strcmp(fam, "vista") == 0 ? "Vista" : fam);
        if (info.release && *info.release)
            strbuf_printf(&sb, " %s", info.release);
        strbuf_printf(&sb, " %u", build);
    } else if (build) {
        strbuf_printf(&sb, "build %u", build);
    } else {
        strbuf_puts(&sb, "unknown");
    }
    return strbuf_detach(&sb);
}

void lineage_matrix_add_dump(lineage_matrix *m, const lineage_dump *dump)
{
    m->cols = xgrow(m->cols, &m->cap, m->n + 1, sizeof *m->cols);
    column *c = &m->cols[m->n++];
    c->profile = lineage_profile_new(m->session);
    lineage_profile_add_dump(c->profile, dump);
    c->label = label_of(dump);
}

static uint64_t cell(const lineage_matrix *m, size_t col, const profile_fact *row)
{
    const profile_fact *f = fact_find(&m->cols[col].profile->edges, row->a, row->b);
    return f ? f->total : 0;
}

char *lineage_matrix_render_text(const lineage_matrix *m)
{
    /* Every edge of any column, once. */
    lineage_profile *all = lineage_profile_new(m->session);
    for (size_t i = 0; i < m->n; i++)
        lineage_profile_merge(all, m->cols[i].profile);
    size_t *order = fact_order(&all->edges);
    size_t nrows = all->edges.n;

    size_t width = strlen("parent -> child");
    strbuf name = STRBUF_INIT;
    for (size_t r = 0; r < nrows; r++) {
        const profile_fact *f = &all->edges.items[r];
        name.len = 0;
        strbuf_add_escaped(&name, lineage_name_text(f->b), lineage_name_length(f->b));
        strbuf_puts(&name, " -> ");
        strbuf_add_escaped(&name, lineage_name_text(f->a), lineage_name_length(f->a));
        if (name.len > width)
            width = name.len;
    }
    strbuf sb = STRBUF_INIT;
    size_t *colw = xcalloc(m->n ? m->n : 1, sizeof *colw);
    strbuf_printf(&sb, "%-*s", (int)width, "parent -> child");
    for (size_t i = 0; i < m->n; i++) {
        colw[i] = strlen(m->cols[i].label);
        if (colw[i] < 5)
            colw[i] = 5;
        strbuf_printf(&sb, "  %*s", (int)colw[i], m->cols[i].label);
    }
    strbuf_putc(&sb, '\n');
    /* Two passes: rows that differ across columns, then the rest. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t r = 0; r < nrows; r++) {
            const profile_fact *f = &all->edges.items[order[r]];
            int differs = 0;
            for (size_t i = 1; i < m->n && !differs; i++)
                differs = cell(m, i, f) != cell(m, 0, f);
            if (differs != (pass == 0))
                continue;
            name.len = 0;
            strbuf_add_escaped(&name, lineage_name_text(f->b), lineage_name_length(f->b));
            strbuf_puts(&name, " -> ");
            strbuf_add_escaped(&name, lineage_name_text(f->a), lineage_name_length(f->a));
            strbuf_add(&sb, name.data, name.len);
            for (size_t pad = name.len; pad < width; pad++)
                strbuf_putc(&sb, ' ');
            for (size_t i = 0; i < m->n; i++) {
                uint64_t v = cell(m, i, f);
                if (v)
                    strbuf_printf(&sb, "  %*llu", (int)colw[i], (unsigned long long)v);
                else
                    strbuf_printf(&sb, "  %*s", (int)colw[i], ".");
            }
            strbuf_putc(&sb, '\n');
        }
        if (pass == 0 && m->n > 1)
            strbuf_puts(&sb, "-- same in every dump --\n");
    }
    strbuf_release(&name);
    free(colw);
    free(order);
    lineage_profile_free(all);
    return strbuf_detach(&sb);
}

size_t matrix_column_count(const lineage_matrix *m) { return m->n; }

const char *matrix_column_label(const lineage_matrix *m, size_t col)
{
    return col < m->n ? m->cols[col].label : NULL;
}

size_t matrix_table(const lineage_matrix *m, matrix_row **rows, uint64_t **counts)
{
    lineage_profile *all = lineage_profile_new(m->session);
    for (size_t i = 0; i < m->n; i++)
        lineage_profile_merge(all, m->cols[i].profile);
    size_t *order = fact_order(&all->edges);
    size_t nrows = all->edges.n, k = 0;
    matrix_row *out = xcalloc(nrows ? nrows : 1, sizeof *out);
    size_t ncells = nrows * m->n;
    uint64_t *cells = xcalloc(ncells ? ncells : 1, sizeof *cells);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t r = 0; r < nrows; r++) {
            const profile_fact *f = &all->edges.items[order[r]];
            int differs = 0;
            for (size_t i = 1; i < m->n && !differs; i++)
                differs = cell(m, i, f) != cell(m, 0, f);
            if (differs != (pass == 0))
                continue;
            out[k].parent = f->b;
            out[k].child = f->a;
            out[k].differs = differs;
            for (size_t i = 0; i < m->n; i++)
                cells[k * m->n + i] = cell(m, i, f);
            k++;
        }
    }
    free(order);
    lineage_profile_free(all);
    *rows = out;
    *counts = cells;
    return k;
}
