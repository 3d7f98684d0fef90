/* The default Windows rule packs against real and planted data:
 * - the seed dumps (examples/) give no high or critical finding;
 * - every suspect listing in tests/data/suspects.expect adds exactly the
 *   findings listed there to those of the seed dump it was made from, and
 *   loses none of them.
 * The packs are loaded from the source tree (rules/windows/all.rules), so
 * the test checks the files as written, not a stale embedded copy. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <lineage/lineage.h>
#include <lineage/rules.h>

#include "helpers.h"

#define MAX_KEYS 256

/* One finding as "rule-id level pid", the unit compared here. */
typedef struct keyset {
    char keys[MAX_KEYS][160];
    size_t n;
} keyset;

static lineage_ruleset *load_packs(lineage_session *session)
{
    lineage_ruleset *set = lineage_ruleset_new(session);
    lineage_diag_list *diags = lineage_diag_list_new();
    char path[4096];
    snprintf(path, sizeof path, "%s/rules/windows/all.rules", LINEAGE_SOURCE_DIR);
    lineage_status st = lineage_ruleset_load_file(set, path, diags);
    if (st == LINEAGE_OK)
        st = lineage_ruleset_compile(set, diags);
    for (size_t i = 0; i < lineage_diag_list_count(diags); i++) {
        char *text = lineage_diag_format(lineage_diag_list_get(diags, i));
        print_error("%s\n", text);
        free(text);
    }
    assert_int_equal(st, LINEAGE_OK);
    lineage_diag_list_free(diags);
    return set;
}

/* The findings of every dump in `relative_path` (one listing file). */
static void findings_of(lineage_session *session, const lineage_ruleset *set,
                        const char *relative_path, keyset *out, size_t *high_or_above)
{
    size_t len;
    char *text = read_source_file(relative_path, &len);
    lineage_dump *dumps[8];
    size_t n = read_dumps(session, text, dumps, 8, NULL);
    assert_true(n >= 1 && n <= 8);
    out->n = 0;
    for (size_t d = 0; d < n; d++) {
        lineage_findings *f = lineage_findings_new();
        lineage_diag_list *diags = lineage_diag_list_new();
        assert_int_equal(lineage_ruleset_check(set, dumps[d], f, diags), LINEAGE_OK);
        if (high_or_above)
            *high_or_above += lineage_findings_count_at_least(f, LINEAGE_LEVEL_HIGH);
        for (size_t i = 0; i < lineage_findings_count(f); i++) {
            const lineage_finding *x = lineage_findings_get(f, i);
            const lineage_process *p = lineage_finding_get_process(x);
            assert_true(out->n < MAX_KEYS);
            snprintf(out->keys[out->n++], sizeof out->keys[0], "%s %s 0x%llx",
                     lineage_finding_get_rule_id(x),
                     lineage_level_name(lineage_finding_get_level(x)),
                     p ? (unsigned long long)lineage_process_get_pid(p) : 0ULL);
        }
        lineage_diag_list_free(diags);
        lineage_findings_free(f);
        lineage_dump_free(dumps[d]);
    }
    free(text);
}

static int has_key(const keyset *s, const char *key)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->keys[i], key) == 0)
            return 1;
    return 0;
}

static void test_seed_has_no_high_finding(void **state)
{
    (void)state;
    lineage_session *session = lineage_session_new();
    lineage_ruleset *set = load_packs(session);
    static keyset found;
    size_t high = 0;
    findings_of(session, set, "examples/all-four.txt", &found, &high);
    for (size_t i = 0; i < found.n; i++)
        print_message("seed finding: %s\n", found.keys[i]);
    assert_int_equal(high, 0);
    /* The one finding the packs report on the seed: chrome.exe -> cmd.exe
     * in the 8.1 dump (a native-messaging host), reviewed by hand. */
    assert_int_equal(found.n, 1);
    assert_string_equal(found.keys[0], "browser-shell medium 0x157c");
    lineage_ruleset_free(set);
    lineage_session_free(session);
}

static void test_suspects_flagged_by_intended_rule(void **state)
{
    (void)state;
    lineage_session *session = lineage_session_new();
    lineage_ruleset *set = load_packs(session);
    size_t len;
    char *spec = read_source_file("tests/data/suspects.expect", &len);
    static keyset seed, suspect, expected;
    char current[256] = "", current_seed[256] = "";
    size_t checked = 0;
    /* Lines of one suspect are consecutive; a suspect is compared once all
     * of its lines are read (when the next suspect starts, and at the end). */
    char *save = NULL;
    for (char *line = strtok_r(spec, "\n", &save);; line = strtok_r(NULL, "\n", &save)) {
        char file[256] = "", seedfile[256] = "", rule[96], level[16], pid[32];
        int fields = 0;
        if (line && line[0] != '#')
            fields = sscanf(line, "%255s %255s %95s %15s %31s", file, seedfile, rule, level, pid);
        if (line && line[0] != '#' && fields != 5 && fields > 0)
            fail_msg("malformed line in suspects.expect: %s", line);
        if (fields == 0 && line)
            continue;
        if (current[0] && (!line || strcmp(file, current) != 0)) {
            char path[300];
            snprintf(path, sizeof path, "tests/data/%s", current);
            findings_of(session, set, current_seed, &seed, NULL);
            findings_of(session, set, path, &suspect, NULL);
            for (size_t i = 0; i < seed.n; i++)
                if (!has_key(&suspect, seed.keys[i]))
                    fail_msg("%s lost the seed finding %s", current, seed.keys[i]);
            for (size_t i = 0; i < suspect.n; i++)
                if (!has_key(&seed, suspect.keys[i]) && !has_key(&expected, suspect.keys[i]))
                    fail_msg("%s: unexpected finding %s", current, suspect.keys[i]);
            for (size_t i = 0; i < expected.n; i++)
                if (!has_key(&suspect, expected.keys[i]))
                    fail_msg("%s: missing finding %s", current, expected.keys[i]);
            checked++;
            expected.n = 0;
        }
        if (!line)
            break;
        snprintf(current, sizeof current, "%s", file);
        snprintf(current_seed, sizeof current_seed, "%s", seedfile);
        assert_true(expected.n < MAX_KEYS);
        snprintf(expected.keys[expected.n++], sizeof expected.keys[0], "%s %s %s", rule, level,
                 pid);
    }
    assert_int_equal(checked, 11);
    free(spec);
    lineage_ruleset_free(set);
    lineage_session_free(session);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_has_no_high_finding),
        cmocka_unit_test(test_suspects_flagged_by_intended_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
