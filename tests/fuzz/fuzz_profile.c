/* Fuzz harness: the profile text parser. An input that parses is written
 * back, and the written text must parse again and write back to exactly
 * the same text (the text form is canonical); the rules emitted from the
 * profile must load and compile without an error; every diagnostic must be
 * free of raw control bytes like every terminal output. */
#include <string.h>

#include <lineage/profile.h>
#include <lineage/rules.h>

#include "fuzz_listing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail_with(const char *what, const char *text, const lineage_diag_list *diags)
{
    fprintf(stderr, "fuzz: %s\n", what);
    for (size_t i = 0; diags && i < lineage_diag_list_count(diags); i++) {
        char *line = lineage_diag_format(lineage_diag_list_get(diags, i));
        fprintf(stderr, "%s\n", line);
        free(line);
    }
    if (text)
        fprintf(stderr, "--- text:\n%s\n", text);
    abort();
}

/* The rules emitted from `profile` load and compile with no error. */
static void check_emitted_rules(lineage_session *session, const lineage_profile *profile)
{
    char *rules = lineage_profile_emit_rules(profile);
    lineage_ruleset *set = lineage_ruleset_new(session);
    lineage_diag_list *diags = lineage_diag_list_new();
    lineage_status st = lineage_ruleset_load_string(set, "profile.rules", rules, strlen(rules),
                                                    diags);
    if (st == LINEAGE_OK)
        st = lineage_ruleset_compile(set, diags);
    if (st != LINEAGE_OK || lineage_diag_list_count_at_least(diags, LINEAGE_ERROR) > 0)
        fail_with("the rules emitted from a profile do not compile", rules, diags);
    fuzz_check_diags(diags);
    lineage_diag_list_free(diags);
    lineage_ruleset_free(set);
    free(rules);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lineage_session *session = lineage_session_new();
    lineage_diag_list *diags = lineage_diag_list_new();
    lineage_profile *first = NULL;
    lineage_status st = lineage_profile_parse(session, "fuzz.profile", (const char *)data, size,
                                              diags, &first);
    fuzz_check_diags(diags);
    if (st == LINEAGE_OK) {
        if (!first)
            fail_with("parse succeeded without a profile", NULL, diags);
        char *text = lineage_profile_write_text(first);
        lineage_diag_list *again_diags = lineage_diag_list_new();
        lineage_profile *again = NULL;
        if (lineage_profile_parse(session, "written.profile", text, strlen(text), again_diags,
                                  &again) != LINEAGE_OK)
            fail_with("a written profile does not parse", text, again_diags);
        char *text2 = lineage_profile_write_text(again);
        if (strcmp(text, text2) != 0) {
            fprintf(stderr, "fuzz: the profile text does not round-trip:\n%s\n--- became:\n%s\n",
                    text, text2);
            abort();
        }
        if (lineage_profile_get_dump_count(first) != lineage_profile_get_dump_count(again) ||
            lineage_profile_key_count(first) != lineage_profile_key_count(again) ||
            lineage_profile_edge_count(first) != lineage_profile_edge_count(again) ||
            lineage_profile_name_count(first) != lineage_profile_name_count(again))
            fail_with("a re-read profile has other counts", text, NULL);
        check_emitted_rules(session, first);
        free(text2);
        free(text);
        lineage_profile_free(again);
        fuzz_check_diags(again_diags);
        lineage_diag_list_free(again_diags);
    } else if (first) {
        fail_with("a failed parse left a profile", NULL, diags);
    }
    lineage_profile_free(first);
    lineage_diag_list_free(diags);
    lineage_session_free(session);
    return 0;
}
