/* Running rule test cases: a rule text (or the default rules), a listing,
 * and the findings or diagnostics expected. Shared by the data-driven
 * runner (test_rule_cases.c) and the per-construct unit tests. */
#ifndef LINEAGE_TEST_RULE_CASE_H
#define LINEAGE_TEST_RULE_CASE_H

#include <stddef.h>

#include "strbuf.h"

/* Checks `listing` with `rules` (NULL: the default rules) and writes the
 * unsuppressed findings as sorted lines "rule-id 0xPID" ("rule-id -" for a
 * finding about the whole dump) to `findings`, or, when the rules do not
 * load, the diagnostics as "line:col: severity: message" lines to
 * `errors`. Returns 1 when the rules loaded. */
int rule_case_run(const char *rules, const char *listing, strbuf *findings, strbuf *errors);

#endif
