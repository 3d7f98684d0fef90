/* Fuzz harness: the whole pipeline on one input, as `lineage report` runs
 * it. The input is read in any format (detected); every dump passes the
 * tree integrity check and is checked with the default rules (loaded and
 * compiled once); a profile learned from the first dump is the baseline
 * the others are compared with; then the report is rendered in every
 * format: Markdown (English and Japanese), HTML without pictures (so
 * Graphviz is never called), XML (which must validate against the
 * schema), JSON and SARIF (which must parse back as JSON), plus the text
 * tree, the DOT graph and the difference text of every dump.
 *
 * Every output must be valid UTF-8; the terminal outputs (text tree,
 * differences, diagnostics) and the documents meant to be read (Markdown,
 * HTML, DOT) must hold no control byte other than newline, no C1 control
 * and no bidirectional override; the machine formats (XML, JSON, SARIF)
 * no C0 control byte other than newline and tab, which they must escape. */
#include <string.h>

#include <lineage/diff.h>
#include <lineage/graph.h>
#include <lineage/profile.h>
#include <lineage/report.h>
#include <lineage/rules.h>

#include "fuzz_listing.h"
#include "json_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Built on the first input and kept: the session the rules were compiled
 * in (every dump is read in it, as the command line does) and the rules. */
static lineage_session *session;
static lineage_ruleset *rules;

static void setup(void)
{
    if (rules)
        return;
    session = lineage_session_new();
    rules = lineage_ruleset_new(session);
    lineage_diag_list *diags = lineage_diag_list_new();
    if (lineage_ruleset_load_defaults(rules, diags) != LINEAGE_OK ||
        lineage_ruleset_compile(rules, diags) != LINEAGE_OK) {
        fprintf(stderr, "fuzz: the default rules do not compile\n");
        abort();
    }
    lineage_diag_list_free(diags);
}

static void dump_diags(const lineage_diag_list *diags)
{
    for (size_t i = 0; i < lineage_diag_list_count(diags); i++) {
        char *line = lineage_diag_format(lineage_diag_list_get(diags, i));
        fprintf(stderr, "%s\n", line);
        free(line);
    }
}

/* Valid UTF-8 with no C0 control but newline and tab. DEL, C1 controls
 * and bidirectional overrides are legal characters in XML 1.0 and JSON
 * (escaped or not), so beyond C0 only the byte structure of UTF-8 is
 * tested. */
static void check_machine_text(const char *text, size_t len, const char *what)
{
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < len;) {
        unsigned char c = s[i];
        if (c < 0x20 && c != '\n' && c != '\t') {
            fprintf(stderr, "fuzz: control byte 0x%02x at offset %zu of %s\n", c, i, what);
            abort();
        }
        size_t n = c < 0x80                 ? 1
                 : c >= 0xc2 && c <= 0xdf ? 2
                 : c >= 0xe0 && c <= 0xef ? 3
                 : c >= 0xf0 && c <= 0xf4 ? 4
                                          : 0;
        int ok = n != 0 && i + n <= len;
        for (size_t k = 1; ok && k < n; k++)
            ok = (s[i + k] & 0xc0) == 0x80;
        if (!ok) {
            fprintf(stderr, "fuzz: invalid UTF-8 at offset %zu of %s\n", i, what);
            abort();
        }
        i += n;
    }
}

typedef struct json_check {
    int errors;
    const char *what;
} json_check;

static void on_json(void *ctx, json_event ev, const char *text, size_t len, unsigned long line,
                    size_t column)
{
    json_check *c = ctx;
    if (ev == JSON_ERROR) {
        fprintf(stderr, "fuzz: %s does not parse back: %.*s at %lu:%zu\n", c->what, (int)len,
                text, line, column);
        c->errors++;
    }
}

/* `text` is one JSON document that the JSON reader accepts. */
static void check_json(char *text, size_t len, const char *what)
{
    check_machine_text(text, len, what);
    json_check c = {0, what};
    json_reader *r = json_reader_new(on_json, &c);
    unsigned long number = 0;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *stop = nl ? nl : end;
        json_feed(r, p, (size_t)(stop - p), ++number);
        p = nl ? nl + 1 : end;
    }
    if (!json_finish(r, number, 0) || c.errors) {
        fprintf(stderr, "fuzz: %s:\n%s\n", what, text);
        abort();
    }
    json_reader_free(r);
    free(text);
}

/* The text must render (the library may fail only with a limit), hold no
 * NUL and pass the terminal check. */
static void check_rendered(lineage_status st, char *text, size_t len, lineage_diag_list *diags,
                           const char *what)
{
    if (st != LINEAGE_OK) {
        if (st == LINEAGE_E_LIMIT) {
            fuzz_check_diags(diags);
            return;
        }
        fprintf(stderr, "fuzz: %s failed: %s\n", what, lineage_status_string(st));
        dump_diags(diags);
        abort();
    }
    if (strlen(text) != len) {
        fprintf(stderr, "fuzz: NUL byte inside %s\n", what);
        abort();
    }
    fuzz_check_text(text, what);
}

static void render_all(const lineage_report *report)
{
    lineage_diag_list *diags = lineage_diag_list_new();
    char *text = NULL;
    size_t len = 0;
    lineage_report_options en = {0};
    en.no_pictures = 1;
    lineage_report_options ja = en;
    ja.lang = "ja";

    lineage_status st = lineage_report_render_markdown(report, &en, &text, &len, diags);
    check_rendered(st, text, len, diags, "the Markdown report");
    st = lineage_report_render_markdown(report, &ja, &text, &len, diags);
    check_rendered(st, text, len, diags, "the Japanese Markdown report");
    st = lineage_report_render_html(report, &en, &text, &len, diags);
    check_rendered(st, text, len, diags, "the HTML report");

    st = lineage_report_render_xml(report, &text, &len, diags);
    if (st != LINEAGE_OK) {
        fprintf(stderr, "fuzz: the XML report failed: %s\n", lineage_status_string(st));
        abort();
    }
    check_machine_text(text, len, "the XML report");
    lineage_diag_list *xml_diags = lineage_diag_list_new();
    if (lineage_report_validate_xml(text, len, "fuzz.xml", xml_diags) != LINEAGE_OK) {
        fprintf(stderr, "fuzz: the XML report does not validate:\n");
        dump_diags(xml_diags);
        fprintf(stderr, "%s\n", text);
        abort();
    }
    lineage_diag_list_free(xml_diags);
    free(text);

    st = lineage_report_render_json(report, &text, &len, diags);
    if (st != LINEAGE_OK) {
        fprintf(stderr, "fuzz: the JSON report failed: %s\n", lineage_status_string(st));
        abort();
    }
    check_json(text, len, "the JSON report");
    st = lineage_report_render_sarif(report, &text, &len, diags);
    if (st != LINEAGE_OK) {
        fprintf(stderr, "fuzz: the SARIF report failed: %s\n", lineage_status_string(st));
        abort();
    }
    check_json(text, len, "the SARIF report");
    fuzz_check_diags(diags);
    lineage_diag_list_free(diags);
}

/* The per-dump outputs that do not go through the report. */
static void check_dump(lineage_dump *dump, const lineage_profile *baseline)
{
    if (!lineage_dump_check_tree(dump)) {
        fprintf(stderr, "fuzz: tree integrity check failed\n");
        abort();
    }
    fuzz_check_text(lineage_render_tree_text(dump, 0), "the text tree");
    fuzz_check_diags(lineage_dump_get_diags(dump));
    char *dot = NULL;
    size_t len = 0;
    if (lineage_dump_render_dot(dump, NULL, 0, &dot, &len) != LINEAGE_OK) {
        fprintf(stderr, "fuzz: the DOT graph failed\n");
        abort();
    }
    check_rendered(LINEAGE_OK, dot, len, NULL, "the DOT graph");
    if (baseline) {
        lineage_diff *diff = NULL;
        if (lineage_diff_new(baseline, dump, NULL, &diff) != LINEAGE_OK) {
            fprintf(stderr, "fuzz: the difference failed\n");
            abort();
        }
        fuzz_check_text(lineage_diff_render_text(diff), "the difference text");
        char *json = lineage_diff_render_json(diff);
        check_json(json, strlen(json), "the difference JSON");
        lineage_diff_free(diff);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    lineage_reader *reader = NULL;
    if (lineage_reader_open_memory(session, "fuzz", (const char *)data, size, NULL, &reader) !=
        LINEAGE_OK) {
        if (reader)
            fuzz_check_diags(lineage_reader_get_diags(reader));
        lineage_reader_free(reader);
        return 0;
    }
    lineage_report *report = lineage_report_new(session);
    lineage_report_set_date(report, 0);
    lineage_report_add_rules(report, rules);
    lineage_profile *baseline = NULL;
    lineage_diag_list *diags = lineage_diag_list_new();
    lineage_dump *dump;
    while (lineage_reader_next(reader, &dump) == LINEAGE_OK && dump) {
        check_dump(dump, baseline);
        lineage_findings *findings = lineage_findings_new();
        lineage_ruleset_check(rules, dump, findings, diags);
        fuzz_check_text(lineage_findings_render_text(findings, dump), "the findings text");
        if (!baseline) {
            baseline = lineage_profile_new(session);
            lineage_profile_add_dump(baseline, dump);
        }
        lineage_report_add_dump(report, dump, findings);
    }
    fuzz_check_diags(lineage_reader_get_diags(reader));
    lineage_reader_free(reader);
    if (baseline)
        lineage_report_set_baseline(report, baseline, "the first dump", NULL);
    lineage_report_finish(report);
    render_all(report);
    fuzz_check_diags(diags);
    lineage_diag_list_free(diags);
    lineage_report_free(report);
    lineage_profile_free(baseline);
    return 0;
}
