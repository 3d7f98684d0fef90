/* Checks shared by the WinDbg, Volatility 2 and MemProcFS parser tests. */
#ifndef LINEAGE_TEST_FORMATS_C_HELPERS_H
#define LINEAGE_TEST_FORMATS_C_HELPERS_H

#include <stdio.h>
#include <string.h>

/* Fails unless some diagnostic of the dump is at line:col and contains
 * `needle`. */
static inline void assert_diag_at(const lineage_dump *d, unsigned long line, unsigned col,
                                  const char *needle)
{
    const lineage_diag_list *l = lineage_dump_get_diags(d);
    for (size_t i = 0; i < lineage_diag_list_count(l); i++) {
        const lineage_diag *x = lineage_diag_list_get(l, i);
        if (lineage_diag_get_line(x) == line && lineage_diag_get_column(x) == col &&
            strstr(lineage_diag_get_message(x), needle))
            return;
    }
    for (size_t i = 0; i < lineage_diag_list_count(l); i++) {
        const lineage_diag *x = lineage_diag_list_get(l, i);
        fprintf(stderr, "  have %lu:%u: %s\n", lineage_diag_get_line(x),
                lineage_diag_get_column(x), lineage_diag_get_message(x));
    }
    fail_msg("no diagnostic at %lu:%u containing '%s'", line, col, needle);
}

static inline const char *pname(const lineage_process *p)
{
    return lineage_name_text(lineage_process_get_name(p));
}

#endif
