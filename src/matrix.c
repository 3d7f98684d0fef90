/* The N-way lineage matrix: one column per dump, one row per parent ->
 * child name edge, each cell the number of such edges in the dump. Each
 * column is a one-dump profile, so the edges come from the same lineage
 * keys as diff and learn (only its edges are kept). The cells are laid
 * out once in a table, one row per edge of any column, so rendering does
 * not look each (row, column) up again. */
#include <lineage/diff.h>

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "json_write.h"
#include "lineage_key.h"
#include "matrix.h"
#include "model.h"
#include "profile.h"
#include "strbuf.h"

typedef struct column {
    lineage_profile *profile;
    char *label;
    char *source; /* the dump's file, and its number there */
    unsigned index;
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
        free(m->cols[i].source);
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

lineage_status lineage_matrix_add_dump(lineage_matrix *m, const lineage_dump *dump)
{
    /* Edges are keyed by interned names: another session's would make
     * rows of their own. */
    if (!m || !dump || dump->session != m->session)
        return LINEAGE_E_ARG;
    m->cols = xgrow(m->cols, &m->cap, m->n + 1, sizeof *m->cols);
    column *c = &m->cols[m->n++];
    c->profile = lineage_profile_new(m->session);
    lineage_keys *keys = lineage_keys_compute(m->session, dump);
    profile_learn_one(c->profile, dump, keys, PROFILE_EDGES);
    lineage_keys_free(keys);
    c->label = label_of(dump);
    c->source = xstrdup(lineage_dump_get_source(dump));
    c->index = lineage_dump_get_index(dump);
    return LINEAGE_OK;
}

/* Every edge of any column, once, and the table of counts: cells[r * n +
 * col] for the edge all->edges.items[r] (caller frees both). */
static uint64_t *matrix_cells(const lineage_matrix *m, lineage_profile **all_out)
{
    lineage_profile *all = lineage_profile_new(m->session);
    for (size_t i = 0; i < m->n; i++)
        lineage_profile_merge(all, m->cols[i].profile);
    /* xcalloc reports a product that does not fit; a row of n counts
     * does (the n columns are in memory). */
    uint64_t *cells = xcalloc(all->edges.n, m->n * sizeof *cells);
    for (size_t col = 0; col < m->n; col++) {
        const fact_set *edges = &m->cols[col].profile->edges;
        for (size_t e = 0; e < edges->n; e++) {
            const profile_fact *f = &edges->items[e];
            size_t r = (size_t)(fact_find(&all->edges, f->a, f->b) - all->edges.items);
            cells[r * m->n + col] = f->total;
        }
    }
    *all_out = all;
    return cells;
}

/* True when the row's count is not the same in every column. */
static int row_differs(const uint64_t *row, size_t ncols)
{
    for (size_t i = 1; i < ncols; i++)
        if (row[i] != row[0])
            return 1;
    return 0;
}

char *lineage_matrix_render_text(const lineage_matrix *m)
{
    lineage_profile *all;
    uint64_t *cells = matrix_cells(m, &all);
    size_t *order = fact_order(&all->edges);
    size_t nrows = all->edges.n;

    /* Each row's "parent -> child", escaped once: names.data + at[r]. The
     * rows name image names, not key components (a%b.exe, not a%25b.exe);
     * a parent that is an image named like a mark keeps its escape (%3F),
     * as a bare "?" is an absent parent. */
    size_t width = strlen("parent -> child");
    strbuf names = STRBUF_INIT, real = STRBUF_INIT;
    size_t *at = xcalloc(nrows + 1, sizeof *at);
    for (size_t r = 0; r < nrows; r++) {
        const profile_fact *f = &all->edges.items[r];
        at[r] = names.len;
        real.len = 0;
        lineage_key_put_image_name(&real, lineage_name_text(f->b), lineage_name_length(f->b), 1);
        strbuf_add_escaped(&names, real.data, real.len);
        strbuf_add(&names, " -> ", 4);
        real.len = 0;
        lineage_key_put_image_name(&real, lineage_name_text(f->a), lineage_name_length(f->a), 0);
        strbuf_add_escaped(&names, real.data, real.len);
        if (names.len - at[r] > width)
            width = names.len - at[r];
    }
    at[nrows] = names.len;
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
            size_t row = order[r];
            const uint64_t *v = &cells[row * m->n];
            if (row_differs(v, m->n) != (pass == 0))
                continue;
            size_t len = at[row + 1] - at[row];
            strbuf_add(&sb, names.data + at[row], len);
            strbuf_pad(&sb, ' ', width - len);
            for (size_t i = 0; i < m->n; i++) {
                /* "  %*llu", or "  %*s" with "." for an empty cell. */
                char digits[20];
                size_t nd = 0;
                if (v[i]) {
                    for (uint64_t x = v[i]; x; x /= 10)
                        digits[sizeof digits - ++nd] = (char)('0' + x % 10);
                } else {
                    digits[sizeof digits - ++nd] = '.';
                }
                strbuf_pad(&sb, ' ', 2 + (colw[i] > nd ? colw[i] - nd : 0));
                strbuf_add(&sb, digits + sizeof digits - nd, nd);
            }
            strbuf_putc(&sb, '\n');
        }
        if (pass == 0 && m->n > 1)
            strbuf_puts(&sb, "-- same in every dump --\n");
    }
    strbuf_release(&names);
    strbuf_release(&real);
    free(at);
    free(colw);
    free(order);
    free(cells);
    lineage_profile_free(all);
    return strbuf_detach(&sb);
}

static void json_quoted(strbuf *sb, const char *s, size_t len)
{
    strbuf_putc(sb, '"');
    json_escape(sb, s, len);
    strbuf_putc(sb, '"');
}

/* A row's name as a JSON string: the image name, as in the text. */
static void json_name(strbuf *sb, strbuf *scratch, const lineage_name *n, int keep_marks)
{
    scratch->len = 0;
    lineage_key_put_image_name(scratch, lineage_name_text(n), lineage_name_length(n), keep_marks);
    json_quoted(sb, scratch->data, scratch->len);
}

char *lineage_matrix_render_json(const lineage_matrix *m)
{
    matrix_row *rows;
    uint64_t *counts;
    size_t nrows = matrix_table(m, &rows, &counts);
    strbuf sb = STRBUF_INIT, scratch = STRBUF_INIT;
    strbuf_puts(&sb, "{\"columns\":[");
    for (size_t i = 0; i < m->n; i++) {
        const column *c = &m->cols[i];
        strbuf_puts(&sb, i ? ",\n{\"source\":" : "\n{\"source\":");
        json_quoted(&sb, c->source, strlen(c->source));
        strbuf_printf(&sb, ",\"index\":%u,\"label\":", c->index);
        json_quoted(&sb, c->label, strlen(c->label));
        strbuf_putc(&sb, '}');
    }
    strbuf_puts(&sb, "\n],\"rows\":[");
    for (size_t r = 0; r < nrows; r++) {
        strbuf_puts(&sb, r ? ",\n{\"parent\":" : "\n{\"parent\":");
        json_name(&sb, &scratch, rows[r].parent, 1);
        strbuf_puts(&sb, ",\"child\":");
        json_name(&sb, &scratch, rows[r].child, 0);
        strbuf_printf(&sb, ",\"differs\":%s,\"counts\":[", rows[r].differs ? "true" : "false");
        for (size_t i = 0; i < m->n; i++)
            strbuf_printf(&sb, i ? ",%llu" : "%llu", (unsigned long long)counts[r * m->n + i]);
        strbuf_puts(&sb, "]}");
    }
    strbuf_puts(&sb, "\n]}\n");
    strbuf_release(&scratch);
    free(rows);
    free(counts);
    return strbuf_detach(&sb);
}

size_t matrix_column_count(const lineage_matrix *m) { return m->n; }

const char *matrix_column_label(const lineage_matrix *m, size_t col)
{
    return col < m->n ? m->cols[col].label : NULL;
}

size_t matrix_table(const lineage_matrix *m, matrix_row **rows, uint64_t **counts)
{
    lineage_profile *all;
    uint64_t *table = matrix_cells(m, &all);
    size_t *order = fact_order(&all->edges);
    size_t nrows = all->edges.n, k = 0;
    matrix_row *out = xcalloc(nrows ? nrows : 1, sizeof *out);
    uint64_t *cells = xcalloc(nrows, m->n * sizeof *cells);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t r = 0; r < nrows; r++) {
            const profile_fact *f = &all->edges.items[order[r]];
            const uint64_t *v = &table[order[r] * m->n];
            int differs = row_differs(v, m->n);
            if (differs != (pass == 0))
                continue;
            out[k].parent = f->b;
            out[k].child = f->a;
            out[k].differs = differs;
            if (m->n)
                memcpy(&cells[k * m->n], v, m->n * sizeof *v);
            k++;
        }
    }
    free(order);
    free(table);
    lineage_profile_free(all);
    *rows = out;
    *counts = cells;
    return k;
}
