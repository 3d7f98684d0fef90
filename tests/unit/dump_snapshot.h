/* Everything a dump and its diagnostics show, as text: what the tests of
 * reading in pieces (unit.splitter, fuzz.splitter) compare with one reader
 * over the whole file. Header-only, for both. Include after strbuf.h. */
#ifndef LINEAGE_TEST_DUMP_SNAPSHOT_H
#define LINEAGE_TEST_DUMP_SNAPSHOT_H

#include <stdlib.h>

#include <lineage/lineage.h>

static inline void snapshot_diags(strbuf *sb, const lineage_diag_list *diags)
{
    for (size_t i = 0; i < lineage_diag_list_count(diags); i++) {
        char *text = lineage_diag_format(lineage_diag_list_get(diags, i));
        strbuf_puts(sb, text);
        free(text);
    }
    strbuf_printf(sb, "dropped %zu\n", lineage_diag_list_dropped(diags));
}

static inline void snapshot_dump(strbuf *sb, const lineage_dump *d)
{
    char *summary = lineage_dump_describe(d);
    char *tree = lineage_render_tree_text(d, 0);
    strbuf_printf(sb, "== %u: %s\nbits %d, kind %d, build %u, cpus %u\n%s",
                  lineage_dump_get_index(d), summary, lineage_dump_get_bits(d),
                  (int)lineage_dump_get_kind(d), lineage_dump_get_build(d),
                  lineage_dump_get_cpu_count(d), tree);
    snapshot_diags(sb, lineage_dump_get_diags(d));
    free(summary);
    free(tree);
}

#endif
