/* Running one rule test case (see rule_case.h). */
#include "rule_case.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lineage/lineage.h>

static int compare_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int rule_case_run(const char *rules, const char *listing, strbuf *findings, strbuf *errors)
{
    lineage_session *session = lineage_session_new();
    lineage_ruleset *set = lineage_ruleset_new(session);
    lineage_diag_list *diags = lineage_diag_list_new();
    if (rules)
        lineage_ruleset_load_string(set, "test.rules", rules, strlen(rules), diags);
    else
        lineage_ruleset_load_defaults(set, diags);
    int ok = lineage_ruleset_compile(set, diags) == LINEAGE_OK;
    if (ok) {
        lineage_reader *r = NULL;
        lineage_findings *f = lineage_findings_new();
        lineage_dump *dumps[64];
        size_t nd = 0;
        if (lineage_reader_open_memory(session, "listing.txt", listing, strlen(listing), NULL,
                                       &r) == LINEAGE_OK) {
            lineage_dump *d;
            while (nd < 64 && lineage_reader_next(r, &d) == LINEAGE_OK && d) {
                dumps[nd++] = d;
                lineage_ruleset_check(set, d, f, diags);
            }
        }
        size_t n = lineage_findings_count(f), k = 0;
        char **lines = calloc(n ? n : 1, sizeof *lines);
        for (size_t i = 0; i < n; i++) {
            const lineage_finding *x = lineage_findings_get(f, i);
            if (lineage_finding_is_suppressed(x))
                continue;
            const lineage_process *p = lineage_finding_get_process(x);
            char buf[256];
            if (p)
                snprintf(buf, sizeof buf, "%s 0x%llx", lineage_finding_get_rule_id(x),
                         (unsigned long long)lineage_process_get_pid(p));
            else
                snprintf(buf, sizeof buf, "%s -", lineage_finding_get_rule_id(x));
            lines[k++] = strdup(buf);
        }
        qsort(lines, k, sizeof *lines, compare_lines);
        for (size_t i = 0; i < k; i++) {
            if (i == 0 || strcmp(lines[i], lines[i - 1]) != 0)
                strbuf_printf(findings, "%s\n", lines[i]);
        }
        for (size_t i = 0; i < k; i++)
            free(lines[i]);
        free(lines);
        lineage_findings_free(f);
        for (size_t i = 0; i < nd; i++)
            lineage_dump_free(dumps[i]);
        lineage_reader_free(r);
    }
    for (size_t i = 0; i < lineage_diag_list_count(diags); i++) {
        const lineage_diag *d = lineage_diag_list_get(diags, i);
        if (lineage_diag_get_severity(d) < LINEAGE_WARNING)
            continue;
        strbuf_printf(errors, "%lu:%u: %s: %s\n", lineage_diag_get_line(d),
                      lineage_diag_get_column(d),
                      lineage_severity_name(lineage_diag_get_severity(d)),
                      lineage_diag_get_message(d));
    }
    lineage_diag_list_free(diags);
    lineage_ruleset_free(set);
    lineage_session_free(session);
    return ok;
}
