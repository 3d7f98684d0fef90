/* The JSON report: the report model written as it is (docs/report-model.md
 * is also the JSON reference), for SIEMs and scripts. Maps become objects
 * with the model's keys in the model's order, lists arrays, and strings are
 * escaped by the JSON writer (invalid UTF-8 as U+FFFD). The markdown_*
 * fields are left out: they are Markdown for templates, not data.
 *
 * The walk recurses, but only as deep as the model's fixed shape (about
 * seven levels): process trees are flat lists of nodes, so no input makes
 * it deeper. */
#include <lineage/report.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_write.h"
#include "report_model.h"
#include "strbuf.h"
#include "tvalue.h"

/* Numbers inside a "bugcheck" map (the code and the parameters) are
 * 64-bit patterns: written unsigned, so a parameter above 2^63 reads as
 * the same value as its "hex". So are PIDs and thread counts (unsigned
 * 64-bit in the listing; the model keeps their bit pattern), as in the
 * XML. */
static void write_value(json_writer *w, const lineage_tvalue *v, int as_unsigned)
{
    size_t len;
    const char *s;
    switch (tvalue_get_kind(v)) {
    case TV_STRING:
        s = tvalue_get_string(v, &len);
        json_string_n(w, s, len);
        break;
    case TV_NUMBER:
        if (as_unsigned)
            json_uint(w, (uint64_t)tvalue_get_number(v));
        else
            json_int(w, tvalue_get_number(v));
        break;
    case TV_BOOL:
        json_bool(w, tvalue_get_bool(v));
        break;
    case TV_LIST:
        json_begin_array(w);
        for (const tvalue_cell *c = tvalue_list_first(v); c; c = tvalue_cell_next(c))
            write_value(w, tvalue_cell_value(c), as_unsigned);
        json_end_array(w);
        break;
    case TV_MAP:
        json_begin_object(w);
        for (const tvalue_entry *e = tvalue_map_first(v); e; e = tvalue_entry_next(e)) {
            const char *key = tvalue_entry_key(e, &len);
            if (len >= 9 && memcmp(key, "markdown_", 9) == 0)
                continue;
            json_key(w, key);
            write_value(w, tvalue_entry_value(e),
                        as_unsigned || strcmp(key, "bugcheck") == 0 || strcmp(key, "pid") == 0 ||
                            strcmp(key, "ppid") == 0 || strcmp(key, "threads") == 0);
        }
        json_end_object(w);
        break;
    }
}

lineage_status lineage_report_render_json(const lineage_report *report, char **out, size_t *len,
                                          lineage_diag_list *diags)
{
    if (out)
        *out = NULL;
    if (len)
        *len = 0;
    if (!report || !out || !diags || !report_model_tree(report))
        return LINEAGE_E_ARG;
    strbuf sb = {0};
    json_writer w;
    json_init(&w, &sb);
    write_value(&w, report_model_tree(report), 0);
    json_release(&w);
    strbuf_putc(&sb, '\n');
    if (len)
        *len = sb.len;
    *out = strbuf_detach(&sb);
    return LINEAGE_OK;
}
