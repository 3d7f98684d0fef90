/* Fuzz harness: the rule-file lexer and parser, the compiler (PCRE2
 * patterns under lineage's limits) and the evaluator, over a fixed
 * listing; findings are rendered as text and JSON, and the text must be
 * free of raw control bytes like every terminal output. */
#include <string.h>

#include <lineage/rules.h>

#include "fuzz_listing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A small tree with the names the default rules talk about. */
static const char listing[] =
    "Parent+: 0x0000--->\tChild: 0x0004\tActiveThreads->0100\tSystem\n"
    "Parent+: 0x0004--->\tChild: 0x0100\tActiveThreads->0002\tsmss.exe\n"
    "Parent+: 0x0104--->\tChild: 0x0180\tActiveThreads->0010\tcsrss.exe\n"
    "Parent+: 0x0104--->\tChild: 0x01c0\tActiveThreads->0003\twininit.exe\n"
    "Parent+: 0x01c0--->\tChild: 0x0200\tActiveThreads->0009\tservices.exe\n"
    "Parent+: 0x01c0--->\tChild: 0x0210\tActiveThreads->0007\tlsass.exe\n"
    "Parent+: 0x0200--->\tChild: 0x0300\tActiveThreads->0012\tsvchost.exe\n"
    "Parent+: 0x0abc--->\tChild: 0x0400\tActiveThreads->0030\texplorer.exe\n"
    "Parent+: 0x0400--->\tChild: 0x0500\tActiveThreads->0004\taaaaaaaaaaaaaa\n"
    "Parent+: 0x0500--->\tChild: 0x0600\tActiveThreads->0004\tpowershell.exe\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lineage_session *session = lineage_session_new();
    lineage_ruleset *set = lineage_ruleset_new(session);
    lineage_diag_list *diags = lineage_diag_list_new();
    /* A directory that does not exist, so relative includes fail fast. */
    lineage_ruleset_load_string(set, "/nonexistent-fuzz-dir/fuzz.rules", (const char *)data, size,
                                diags);
    if (lineage_ruleset_compile(set, diags) == LINEAGE_OK) {
        lineage_reader *reader = NULL;
        if (lineage_reader_open_memory(session, "listing.txt", listing, sizeof listing - 1, "kd",
                                       &reader) == LINEAGE_OK) {
            lineage_dump *dump;
            while (lineage_reader_next(reader, &dump) == LINEAGE_OK && dump) {
                lineage_findings *findings = lineage_findings_new();
                lineage_ruleset_check(set, dump, findings, diags);
                fuzz_check_text(lineage_findings_render_text(findings, dump), "findings text");
                free(lineage_findings_render_json(findings, dump, 0));
                lineage_findings_free(findings);
                lineage_dump_free(dump);
            }
        }
        lineage_reader_free(reader);
    }
    fuzz_check_diags(diags);
    lineage_diag_list_free(diags);
    lineage_ruleset_free(set);
    lineage_session_free(session);
    return 0;
}
