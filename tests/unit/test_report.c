/* The report model (shape, order, counts, dates, limits) and its Markdown
 * and HTML renderings: the seed report in both languages, a user's
 * template directory, the HTML parsed back with libxml2's HTML parser, and
 * hostile process names staying literal in Markdown and HTML. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <lineage/lineage.h>

#include "helpers.h"
#include "limits.h"
#include "report_model.h"
#include "strbuf.h"
#include "tvalue.h"

/* ---- helpers ------------------------------------------------------------- */

static const lineage_tvalue *get(const lineage_tvalue *map, const char *path)
{
    const lineage_tvalue *v = map;
    while (v && *path) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        v = tvalue_map_get(v, path, n);
        path += n + (dot != NULL);
    }
    return v;
}

static const char *get_str(const lineage_tvalue *map, const char *path)
{
    const lineage_tvalue *v = get(map, path);
    assert_non_null(v);
    assert_int_equal(tvalue_get_kind(v), TV_STRING);
    size_t len;
    return tvalue_get_string(v, &len);
}

static int64_t get_num(const lineage_tvalue *map, const char *path)
{
    const lineage_tvalue *v = get(map, path);
    assert_non_null(v);
    assert_int_equal(tvalue_get_kind(v), TV_NUMBER);
    return tvalue_get_number(v);
}

static const lineage_tvalue *item(const lineage_tvalue *list, size_t i)
{
    const tvalue_cell *c = tvalue_list_first(list);
    while (c && i--)
        c = tvalue_cell_next(c);
    assert_non_null(c);
    return tvalue_cell_value(c);
}

/* A finished report of `text` checked with the default rules, owning the
 * session and rule set it used (freed by report_done). */
typedef struct built {
    lineage_session *session;
    lineage_ruleset *set;
    lineage_report *report;
} built;

/* `baseline_text` (may be NULL): listings learned as the baseline. */
static built build(const char *text, const char *baseline_text)
{
    built b;
    b.session = lineage_session_new();
    b.set = lineage_ruleset_new(b.session);
    lineage_diag_list *diags = lineage_diag_list_new();
    assert_int_equal(lineage_ruleset_load_defaults(b.set, diags), LINEAGE_OK);
    assert_int_equal(lineage_ruleset_compile(b.set, diags), LINEAGE_OK);
    b.report = lineage_report_new(b.session);
    lineage_profile *profile = NULL;
    lineage_dump *dumps[16];
    if (baseline_text) {
        profile = lineage_profile_new(b.session);
        size_t nb = read_dumps(b.session, baseline_text, dumps, 16, NULL);
        assert_true(nb > 0 && nb <= 16);
        for (size_t i = 0; i < nb; i++) {
            lineage_profile_add_dump(profile, dumps[i]);
            lineage_dump_free(dumps[i]);
        }
        assert_int_equal(lineage_report_set_baseline(b.report, profile, "known good", NULL),
                         LINEAGE_OK);
    }
    lineage_report_add_rules(b.report, b.set);
    size_t n = read_dumps(b.session, text, dumps, 16, NULL);
    assert_true(n > 0 && n <= 16);
    for (size_t i = 0; i < n; i++) {
        lineage_findings *f = lineage_findings_new();
        lineage_ruleset_check(b.set, dumps[i], f, diags);
        assert_int_equal(lineage_report_add_dump(b.report, dumps[i], f), LINEAGE_OK);
    }
    lineage_report_set_date(b.report, 1700000000);
    assert_int_equal(lineage_report_finish(b.report), LINEAGE_OK);
    /* The baseline is no longer needed once the report is finished. */
    lineage_profile_free(profile);
    lineage_diag_list_free(diags);
    return b;
}

static void done(built *b)
{
    lineage_report_free(b->report);
    lineage_ruleset_free(b->set);
    lineage_session_free(b->session);
}

static char *render(const lineage_report *r, int html, const char *lang, const char *dir)
{
    lineage_report_options o = {lang, dir, 0};
    lineage_diag_list *diags = lineage_diag_list_new();
    char *out = NULL;
    size_t len = 0;
    lineage_status st = html ? lineage_report_render_html(r, &o, &out, &len, diags)
                             : lineage_report_render_markdown(r, &o, &out, &len, diags);
    if (st != LINEAGE_OK)
        for (size_t i = 0; i < lineage_diag_list_count(diags); i++)
            fprintf(stderr, "%s\n", lineage_diag_get_message(lineage_diag_list_get(diags, i)));
    assert_int_equal(st, LINEAGE_OK);
    assert_non_null(out);
    assert_int_equal(strlen(out), len);
    lineage_diag_list_free(diags);
    return out;
}

/* libxml2's HTML parser knows HTML 4 tags only, so <main>, <figure> and
 * inline SVG are "unknown tags"; every other error (bad nesting, broken
 * entities, unclosed elements) counts. */
static int html_errors;
static void count_error(void *ctx, const xmlError *e)
{
    (void)ctx;
    if (e->level >= XML_ERR_ERROR && e->code != XML_HTML_UNKNOWN_TAG) {
        fprintf(stderr, "HTML error %d line %d: %s", e->code, e->line, e->message);
        html_errors++;
    }
}

static htmlDocPtr parse_html(const char *html)
{
    html_errors = 0;
    xmlSetStructuredErrorFunc(NULL, (xmlStructuredErrorFunc)(void (*)(void))count_error);
    htmlDocPtr doc = htmlReadMemory(html, (int)strlen(html), "report.html", "UTF-8",
                                    HTML_PARSE_NONET);
    xmlSetStructuredErrorFunc(NULL, NULL);
    assert_non_null(doc);
    return doc;
}

static size_t count_elements(xmlNodePtr node, const char *name)
{
    size_t n = 0;
    /* Iterative walk: no recursion even for a deep document. */
    xmlNodePtr cur = node;
    while (cur) {
        if (cur->type == XML_ELEMENT_NODE && strcmp((const char *)cur->name, name) == 0)
            n++;
        if (cur->children) {
            cur = cur->children;
            continue;
        }
        while (cur && cur != node && !cur->next)
            cur = cur->parent;
        if (!cur || cur == node)
            break;
        cur = cur->next;
    }
    return n;
}

/* ---- the seed ------------------------------------------------------------ */

static void test_seed_model(void **state)
{
    (void)state;
    char *text = read_source_file("examples/all-four.txt", NULL);
    built b = build(text, NULL);
    const lineage_tvalue *root = report_model_tree(b.report);
    assert_non_null(root);
    assert_string_equal(get_str(root, "schema"), "lineage-report/1");
    assert_string_equal(get_str(root, "date.iso"), "2023-11-14T22:13:20Z");
    assert_string_equal(get_str(root, "verdict.level"), "medium");
    assert_int_equal(get_num(root, "verdict.findings"), 1);
    assert_int_equal(get_num(root, "verdict.dumps"), 4);
    assert_int_equal(tvalue_count(get(root, "dumps")), 4);
    assert_int_equal(tvalue_count(get(root, "inputs")), 1);
    assert_null(get(root, "baseline"));
    const lineage_tvalue *d3 = item(get(root, "dumps"), 2);
    assert_string_equal(get_str(d3, "id"), "dump-3");
    assert_string_equal(get_str(d3, "os.name"), "Windows 8.1");
    assert_int_equal(get_num(d3, "os.build"), 9600);
    assert_int_equal(get_num(d3, "bugcheck.code"), 0x133);
    assert_string_equal(get_str(d3, "bugcheck.hex"), "0x133");
    assert_string_equal(get_str(d3, "bugcheck.name"), "DPC_WATCHDOG_VIOLATION");
    assert_int_equal(tvalue_count(get(d3, "bugcheck.params")), 4);
    assert_false(tvalue_get_bool(get(d3, "complete")));
    const lineage_tvalue *f = item(get(d3, "findings"), 0);
    assert_string_equal(get_str(f, "rule"), "browser-shell");
    assert_string_equal(get_str(f, "level"), "medium");
    assert_int_equal(get_num(f, "process.pid"), 0x157c);
    assert_string_equal(get_str(f, "process.pid_hex"), "0x157c");
    /* kd listings have no integrity level or GUID: the keys are absent. */
    assert_null(get(f, "process.integrity"));
    assert_null(get(f, "process.guid"));
    assert_int_equal(get_num(f, "evidence.line"), 214);
    assert_string_equal(get_str(f, "evidence.chain"), "?/chrome.exe/cmd.exe");
    const lineage_tvalue *steps = get(f, "evidence.steps");
    assert_int_equal(tvalue_count(steps), 3);
    size_t len;
    assert_string_equal(tvalue_get_string(item(steps, 2), &len), "cmd.exe");
    /* The finding's process is a deviating node of the tree, by id. */
    const char *node = get_str(f, "process.node");
    const lineage_tvalue *nodes = get(d3, "tree.nodes");
    int found = 0;
    for (const tvalue_cell *c = tvalue_list_first(nodes); c; c = tvalue_cell_next(c)) {
        const lineage_tvalue *n = tvalue_cell_value(c);
        if (strcmp(get_str(n, "id"), node) == 0) {
            found = 1;
            assert_true(tvalue_get_bool(get(n, "deviating")));
            assert_string_equal(get_str(n, "name"), "cmd.exe");
        }
    }
    assert_true(found);
    assert_int_equal(get_num(d3, "tree.deviating"), 1);
    size_t ndev;
    const lineage_process *const *dev = report_model_deviating(b.report, 2, &ndev);
    assert_int_equal(ndev, 1);
    assert_int_equal(lineage_process_get_pid(dev[0]), 0x157c);
    /* The root's findings are the same records. */
    assert_ptr_equal(item(get(root, "findings"), 0), f);
    /* Four dumps: a matrix with four columns, differing rows first. */
    assert_int_equal(tvalue_count(get(root, "matrix.columns")), 4);
    const lineage_tvalue *rows = get(root, "matrix.rows");
    assert_true(tvalue_count(rows) > 0);
    assert_true(tvalue_get_bool(get(item(rows, 0), "differs")));
    assert_false(tvalue_get_bool(get(item(rows, tvalue_count(rows) - 1), "differs")));
    assert_true(tvalue_count(get(root, "rules")) > 10);
    assert_int_equal(lineage_report_count_at_least(b.report, LINEAGE_LEVEL_MEDIUM), 1);
    assert_int_equal(lineage_report_count_at_least(b.report, LINEAGE_LEVEL_HIGH), 0);
    /* Finished: nothing more can be added; the dump is freed. */
    assert_int_equal(lineage_report_finish(b.report), LINEAGE_E_ARG);
    done(&b);
    free(text);
}

static void test_seed_markdown_both_languages(void **state)
{
    (void)state;
    char *text = read_source_file("examples/all-four.txt", NULL);
    built b = build(text, NULL);
    char *en = render(b.report, 0, "en", NULL);
    assert_non_null(strstr(en, "# Process lineage report\n"));
    assert_non_null(strstr(en, "**The worst level is medium:**"));
    assert_non_null(strstr(en, "| Rule | browser-shell (medium) |"));
    assert_non_null(strstr(en, "```mermaid\n%% lineage dump-3\nflowchart TD\n"));
    assert_non_null(strstr(en, "class n"));
    assert_non_null(strstr(en, "## Lineage matrix"));
    char *ja = render(b.report, 0, "ja", NULL);
    assert_non_null(strstr(ja, "# プロセス系譜分析レポート\n"));
    assert_non_null(strstr(ja, "**最も重大なレベルは medium です。**"));
    assert_non_null(strstr(ja, "## 系譜マトリクス"));
    /* The same model: the same tree blocks in both. */
    const char *t = strstr(en, "```text\n");
    assert_non_null(t);
    assert_non_null(strstr(ja, "```text\n"));
    free(en);
    free(ja);
    done(&b);
    free(text);
}

static void test_seed_html_parses(void **state)
{
    (void)state;
    char *text = read_source_file("examples/all-four.txt", NULL);
    built b = build(text, NULL);
    for (int lang = 0; lang < 2; lang++) {
        char *html = render(b.report, 1, lang ? "ja" : "en", NULL);
        htmlDocPtr doc = parse_html(html);
        assert_int_equal(html_errors, 0);
        xmlNodePtr root = xmlDocGetRootElement(doc);
        assert_true(count_elements(root, "table") >= 8);
        assert_int_equal(count_elements(root, "script"), 0);
        if (lineage_graph_has_svg())
            assert_int_equal(count_elements(root, "figure"), 4);
        else
            assert_int_equal(count_elements(root, "figure"), 0);
        /* No Mermaid source is left in the page; the text trees are. */
        assert_null(strstr(html, "flowchart TD"));
        assert_non_null(strstr(html, "<pre><code class=\"language-text\">System (0x4)"));
        assert_non_null(strstr(html, lang ? "<html lang=\"ja\">" : "<html lang=\"en\">"));
        xmlFreeDoc(doc);
        free(html);
    }
    /* Without pictures: text trees only, whatever the build. */
    lineage_report_options o = {"en", NULL, 1};
    lineage_diag_list *diags = lineage_diag_list_new();
    char *html = NULL;
    assert_int_equal(lineage_report_render_html(b.report, &o, &html, NULL, diags), LINEAGE_OK);
    assert_null(strstr(html, "<figure"));
    assert_null(strstr(html, "<svg"));
    assert_non_null(strstr(html, "<pre><code class=\"language-text\">System (0x4)"));
    free(html);
    lineage_diag_list_free(diags);
    done(&b);
    free(text);
}

/* ---- hostile names ------------------------------------------------------- */

#define HOSTILE "*_[x](y) <script>alert(1)</script> ```|#"
static const char hostile_listing[] =
    "DUMP_HEADER64:\n"
    "MajorVersion        0000000f\n"
    "MinorVersion        00002800\n"
    "MachineImageType    00008664\n"
    "\n"
    "Parent+: 0x0000--->\tChild: 0x0004\tActiveThreads->0010\tSystem\n"
    "Parent+: 0x0004--->\tChild: 0x0100\tActiveThreads->0002\tsmss.exe\n"
    "Parent+: 0x0004--->\tChild: 0x0200\tActiveThreads->0003\t" HOSTILE "\n"
    "Parent+: 0x0200--->\tChild: 0x0300\tActiveThreads->0004\tlsass.exe\n"
    "Parent+: 0x0004--->\tChild: 0x0400\tActiveThreads->0001\tbad\x01\xff.exe\n";

static void test_hostile_names_markdown(void **state)
{
    (void)state;
    built b = build(hostile_listing, NULL);
    char *md = render(b.report, 0, "en", NULL);
    /* Nothing of the name becomes markup; control bytes and invalid
     * UTF-8 are shown, never passed through. */
    assert_null(strchr(md, '\x01'));
    assert_null(strstr(md, "\xff"));
    assert_non_null(strstr(md, "\\<script\\>"));
    assert_non_null(strstr(md, "#lt;script#gt;"));
    assert_non_null(strstr(md, "bad\\x01\xef\xbf\xbd.exe"));
    /* The fenced text tree needs a fence longer than the name's backticks. */
    assert_non_null(strstr(md, "````text\n"));
    free(md);
    done(&b);
}

static void test_hostile_names_html(void **state)
{
    (void)state;
    built b = build(hostile_listing, NULL);
    char *html = render(b.report, 1, "en", NULL);
    htmlDocPtr doc = parse_html(html);
    assert_int_equal(html_errors, 0);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    assert_int_equal(count_elements(root, "script"), 0);
    /* The name shows literally as text: the finding table cell for the
     * lsass.exe parent and the text tree. */
    xmlChar *content = xmlNodeGetContent(root);
    assert_non_null(strstr((const char *)content, HOSTILE));
    assert_non_null(strstr((const char *)content, "bad\\x01\\xff.exe"));
    xmlFree(content);
    xmlFreeDoc(doc);
    free(html);
    done(&b);
}

static void test_baseline_differences(void **state)
{
    (void)state;
    char *good = read_source_file("examples/win10-x64.txt", NULL);
    char *bad = read_source_file("tests/data/win10-tampered.txt", NULL);
    built b = build(bad, good);
    const lineage_tvalue *root = report_model_tree(b.report);
    assert_string_equal(get_str(root, "baseline.label"), "known good");
    const lineage_tvalue *diffs = get(root, "differences");
    assert_true(tvalue_count(diffs) > 0);
    assert_int_equal(get_num(root, "verdict.differences"), (int64_t)tvalue_count(diffs));
    const lineage_tvalue *d0 = item(diffs, 0);
    get_str(d0, "kind");
    get_str(d0, "key");
    get_str(d0, "message");
    assert_string_equal(get_str(d0, "evidence.file"), "test.txt");
    /* Most severe first. */
    const char *first = get_str(d0, "level");
    lineage_level l0;
    assert_true(lineage_level_parse(first, strlen(first), &l0));
    for (const tvalue_cell *c = tvalue_list_first(diffs); c; c = tvalue_cell_next(c)) {
        const char *name = get_str(tvalue_cell_value(c), "level");
        lineage_level l;
        assert_true(lineage_level_parse(name, strlen(name), &l));
        assert_true(l <= l0);
    }
    char *md = render(b.report, 0, "en", NULL);
    assert_non_null(strstr(md, "### Differences against the baseline"));
    free(md);
    done(&b);
    free(good);
    free(bad);
}

/* Keys percent-encode '%' and '/' in names; sentences and the matrix name
 * the real image names. */
static void test_key_escapes_stay_in_keys(void **state)
{
    (void)state;
    static const char base[] = "kd> .dumpdebug\n"
                               "Parent+: 0x0000--->\tChild: 0x0004\tActiveThreads->0080\tSystem\n"
                               "Parent+: 0x0004--->\tChild: 0x0010\tActiveThreads->0002\tsmss.exe\n";
    static const char both[] = "kd> .dumpdebug\n"
                               "Parent+: 0x0000--->\tChild: 0x0004\tActiveThreads->0080\tSystem\n"
                               "Parent+: 0x0004--->\tChild: 0x0010\tActiveThreads->0002\tsmss.exe\n"
                               "kd> .dumpdebug\n"
                               "Parent+: 0x0000--->\tChild: 0x0004\tActiveThreads->0080\tSystem\n"
                               "Parent+: 0x0004--->\tChild: 0x0010\tActiveThreads->0002\tsmss.exe\n"
                               "Parent+: 0x0004--->\tChild: 0x0018\tActiveThreads->0001\ta%b.exe\n"
                               "Parent+: 0x0018--->\tChild: 0x001c\tActiveThreads->0001\tx</y.exe\n";
    built b = build(both, base);
    const lineage_tvalue *root = report_model_tree(b.report);
    const lineage_tvalue *diffs = get(root, "differences");
    int seen_a = 0, seen_x = 0;
    for (const tvalue_cell *c = tvalue_list_first(diffs); c; c = tvalue_cell_next(c)) {
        const char *key = get_str(tvalue_cell_value(c), "key");
        const char *msg = get_str(tvalue_cell_value(c), "message");
        assert_null(strstr(msg, "%25"));
        assert_null(strstr(msg, "%2F"));
        if (strcmp(key, "system/a%25b.exe") == 0) {
            assert_string_equal(msg, "a%b.exe is new: the baseline never had this image name "
                                     "(1 instance)");
            seen_a = 1;
        } else if (strcmp(key, "system/a%25b.exe/x<%2Fy.exe") == 0) {
            assert_string_equal(msg, "x</y.exe is new: the baseline never had this image name "
                                     "(1 instance)");
            seen_x = 1;
        }
    }
    assert_true(seen_a && seen_x);
    const lineage_tvalue *rows = get(root, "matrix.rows");
    int row_a = 0, row_x = 0;
    for (const tvalue_cell *c = tvalue_list_first(rows); c; c = tvalue_cell_next(c)) {
        const char *parent = get_str(tvalue_cell_value(c), "parent");
        const char *child = get_str(tvalue_cell_value(c), "child");
        assert_null(strstr(child, "%2"));
        row_a += strcmp(parent, "system") == 0 && strcmp(child, "a%b.exe") == 0;
        row_x += strcmp(parent, "a%b.exe") == 0 && strcmp(child, "x</y.exe") == 0;
    }
    assert_int_equal(row_a, 1);
    assert_int_equal(row_x, 1);
    done(&b);
}

/* A Sysmon log brings each process's integrity level and GUID into the
 * process maps of the model (here a difference's: smss.exe is orphaned
 * against a kd baseline, the log having no System process). */
static void test_sysmon_process_facts(void **state)
{
    (void)state;
    char *good = read_source_file("tests/data/formats/system.kd.txt", NULL);
    char *log = read_source_file("tests/data/formats/system.sysmon.xml", NULL);
    built b = build(log, good);
    const lineage_tvalue *root = report_model_tree(b.report);
    const lineage_tvalue *diffs = get(root, "differences");
    const lineage_tvalue *orphan = NULL;
    for (const tvalue_cell *c = tvalue_list_first(diffs); c; c = tvalue_cell_next(c))
        if (strcmp(get_str(tvalue_cell_value(c), "kind"), "orphaned") == 0)
            orphan = tvalue_cell_value(c);
    assert_non_null(orphan);
    assert_int_equal(get_num(orphan, "process.pid"), 388);
    assert_string_equal(get_str(orphan, "process.integrity"), "System");
    assert_string_equal(get_str(orphan, "process.guid"), "{4d5e6f70-1a2b-65e7-0184-000000000184}");
    /* The XML writer keeps to its schema and ignores the new keys. */
    lineage_diag_list *diags = lineage_diag_list_new();
    char *xml = NULL;
    size_t len = 0;
    assert_int_equal(lineage_report_render_xml(b.report, &xml, &len, diags), LINEAGE_OK);
    assert_int_equal(lineage_report_validate_xml(xml, len, "report.xml", diags), LINEAGE_OK);
    assert_null(strstr(xml, "4d5e6f70-1a2b-65e7-0184"));
    free(xml);
    lineage_diag_list_free(diags);
    done(&b);
    free(good);
    free(log);
}

/* ---- order, dates, limits, options --------------------------------------- */

static void test_findings_order(void **state)
{
    (void)state;
    char *text = read_source_file("tests/data/win10-tampered.txt", NULL);
    built b = build(text, NULL);
    free(text);
    const lineage_tvalue *findings = get(report_model_tree(b.report), "findings");
    assert_true(tvalue_count(findings) >= 3);
    /* Same level and line: by rule id. */
    assert_string_equal(get_str(item(findings, 0), "rule"), "lsass-parent");
    assert_string_equal(get_str(item(findings, 1), "rule"), "lsass-singleton");
    lineage_level prev = LINEAGE_LEVEL_CRITICAL;
    int64_t prev_line = 0;
    for (const tvalue_cell *c = tvalue_list_first(findings); c; c = tvalue_cell_next(c)) {
        const lineage_tvalue *f = tvalue_cell_value(c);
        const char *name = get_str(f, "level");
        lineage_level l;
        assert_true(lineage_level_parse(name, strlen(name), &l));
        assert_true(l <= prev);
        int64_t line = get_num(f, "evidence.line");
        if (l == prev)
            assert_true(line >= prev_line);
        prev = l;
        prev_line = line;
    }
    done(&b);
}

/* Inputs are the distinct files, in the order each first gave a dump, however
 * the dumps of different files interleave. */
static void test_inputs_first_appearance(void **state)
{
    (void)state;
    static const char *const files[] = {"b.txt", "a.txt", "b.txt", "c.txt", "a.txt", "b.txt"};
    char *text = read_source_file("tests/data/win10-tampered.txt", NULL);
    lineage_session *session = lineage_session_new();
    lineage_report *report = lineage_report_new(session);
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        lineage_reader *rd = NULL;
        assert_int_equal(lineage_reader_open_memory(session, files[i], text, strlen(text), NULL,
                                                    &rd),
                         LINEAGE_OK);
        lineage_dump *d = NULL;
        assert_int_equal(lineage_reader_next(rd, &d), LINEAGE_OK);
        assert_non_null(d);
        assert_int_equal(lineage_report_add_dump(report, d, NULL), LINEAGE_OK);
        lineage_reader_free(rd);
    }
    assert_int_equal(lineage_report_finish(report), LINEAGE_OK);
    const lineage_tvalue *root = report_model_tree(report);
    assert_int_equal(get_num(root, "verdict.dumps"), 6);
    const lineage_tvalue *inputs = get(root, "inputs");
    assert_int_equal(tvalue_count(inputs), 3);
    static const char *const expected[] = {"b.txt", "a.txt", "c.txt"};
    for (size_t i = 0; i < 3; i++) {
        size_t len;
        assert_string_equal(tvalue_get_string(item(inputs, i), &len), expected[i]);
    }
    lineage_report_free(report);
    lineage_session_free(session);
    free(text);
}

static void test_dates(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_report *r = lineage_report_new(s);
    lineage_report_add_dump(r, read_one(s, hostile_listing), NULL);
    lineage_report_finish(r);
    assert_null(get(report_model_tree(r), "date"));
    /* One dump: no matrix, no rules, no baseline. */
    assert_null(get(report_model_tree(r), "matrix"));
    assert_int_equal(tvalue_count(get(report_model_tree(r), "rules")), 0);
    lineage_report_free(r);

    r = lineage_report_new(s);
    setenv("SOURCE_DATE_EPOCH", "86400", 1);
    lineage_report_set_date_from_env(r);
    unsetenv("SOURCE_DATE_EPOCH");
    lineage_report_finish(r);
    assert_string_equal(get_str(report_model_tree(r), "date.day"), "1970-01-02");
    assert_int_equal(get_num(report_model_tree(r), "date.epoch"), 86400);
    lineage_report_free(r);
    lineage_session_free(s);
}

static char *chain_listing(size_t n)
{
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "Parent+: 0x0000--->\tChild: 0x0004\tActiveThreads->0010\tSystem\n");
    for (size_t i = 1; i < n; i++)
        strbuf_printf(&sb, "Parent+: 0x%04zx--->\tChild: 0x%04zx\tActiveThreads->0001\tp.exe\n",
                      i == 1 ? (size_t)4 : (i - 1) * 8, i * 8);
    return strbuf_detach(&sb);
}

static void test_limit_mermaid_nodes(void **state)
{
    (void)state;
    for (int over = 0; over < 2; over++) {
        char *text = chain_listing(LINEAGE_MAX_MERMAID_NODES + (size_t)over);
        lineage_session *s = lineage_session_new();
        lineage_report *r = lineage_report_new(s);
        lineage_report_add_dump(r, read_one(s, text), NULL);
        lineage_report_finish(r);
        const lineage_tvalue *d = item(get(report_model_tree(r), "dumps"), 0);
        assert_int_equal(get_num(d, "processes"), LINEAGE_MAX_MERMAID_NODES + (size_t)over);
        if (over)
            assert_null(get(d, "tree.markdown_mermaid"));
        else
            assert_non_null(get(d, "tree.markdown_mermaid"));
        assert_non_null(get(d, "tree.markdown_text"));
        lineage_report_free(r);
        lineage_session_free(s);
        free(text);
    }
}

static void test_template_dir_and_errors(void **state)
{
    (void)state;
    char dir[] = "/tmp/lineage-report-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/report.md", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("Verdict: {{verdict.level}}{{#dumps}} [{{> item}}]{{/dumps}}\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/item.md", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("{{title}}", f);
    fclose(f);
    char *text = read_source_file("examples/all-four.txt", NULL);
    built b = build(text, NULL);
    char *md = render(b.report, 0, "en", dir);
    assert_string_equal(md, "Verdict: medium [test.txt #1] "
                            "[test.txt #2] [test.txt #3] "
                            "[test.txt #4]\n");
    free(md);
    /* The HTML page template falls back to the embedded one. */
    char *html = render(b.report, 1, "en", dir);
    assert_non_null(strstr(html, "<p>Verdict: medium"));
    free(html);

    lineage_report_options o = {"fr", NULL, 0};
    lineage_diag_list *diags = lineage_diag_list_new();
    char sentinel = 'x';
    char *out = &sentinel;
    assert_int_equal(lineage_report_render_markdown(b.report, &o, &out, NULL, diags),
                     LINEAGE_E_ARG);
    assert_null(out);
    assert_int_equal(diags_matching(diags, "unknown report language 'fr'"), 1);
    o.lang = "en";
    o.template_dir = "/nonexistent-lineage-dir";
    assert_int_equal(lineage_report_render_markdown(b.report, &o, &out, NULL, diags),
                     LINEAGE_E_IO);
    lineage_diag_list_free(diags);
    done(&b);
    free(text);
    snprintf(path, sizeof path, "%s/report.md", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/item.md", dir);
    unlink(path);
    rmdir(dir);
}

/* A report made with a build assumed: the dump without a build says which
 * one its rules were checked against, one with its own build does not, and
 * the XML keeps to its schema. */
static void test_assumed_build(void **state)
{
    (void)state;
    char *vol3 = read_source_file("tests/data/lsass-under-explorer.vol3.txt", NULL);
    char *win7 = read_source_file("examples/win7-sp1-x64.txt", NULL);
    lineage_session *s = lineage_session_new();
    lineage_ruleset *set = lineage_ruleset_new(s);
    lineage_diag_list *diags = lineage_diag_list_new();
    assert_int_equal(lineage_ruleset_load_defaults(set, diags), LINEAGE_OK);
    assert_int_equal(lineage_ruleset_compile(set, diags), LINEAGE_OK);
    lineage_checker *ck = lineage_checker_new(set);
    lineage_checker_assume_build(ck, 19045);
    lineage_report *r = lineage_report_new(s);
    assert_int_equal(lineage_report_assume_build(r, 19045), LINEAGE_OK);
    lineage_dump *dumps[2];
    assert_int_equal(read_dumps(s, win7, dumps, 1, NULL), 1);
    assert_int_equal(read_dumps(s, vol3, dumps + 1, 1, NULL), 1);
    for (size_t i = 0; i < 2; i++) {
        lineage_findings *f = lineage_findings_new();
        assert_int_equal(lineage_checker_check(ck, dumps[i], f, diags), LINEAGE_OK);
        assert_int_equal(lineage_report_add_dump(r, dumps[i], f), LINEAGE_OK);
    }
    assert_int_equal(lineage_report_finish(r), LINEAGE_OK);
    assert_int_equal(lineage_report_assume_build(r, 7601), LINEAGE_E_ARG);
    const lineage_tvalue *ds = get(report_model_tree(r), "dumps");
    assert_int_equal(get_num(item(ds, 0), "os.build"), 7601);
    assert_null(get(item(ds, 0), "os.assumed"));
    assert_string_equal(get_str(item(ds, 1), "os.name"), "unknown");
    assert_int_equal(get_num(item(ds, 1), "os.build"), 0);
    assert_string_equal(get_str(item(ds, 1), "os.assumed.name"), "Windows 10 22H2");
    assert_int_equal(get_num(item(ds, 1), "os.assumed.build"), 19045);
    assert_string_equal(get_str(item(ds, 1), "os.assumed.family"), "10");
    /* The finding the assumption made possible is in the report. */
    assert_int_equal(get_num(item(ds, 1), "verdict.findings"), 1);
    char *xml = NULL;
    size_t len = 0;
    assert_int_equal(lineage_report_render_xml(r, &xml, &len, diags), LINEAGE_OK);
    assert_int_equal(lineage_report_validate_xml(xml, len, "report.xml", diags), LINEAGE_OK);
    assert_non_null(strstr(xml, "<os name=\"unknown\" build=\"0\">\n"
                                "        <assumed name=\"Windows 10 22H2\" build=\"19045\" "
                                "family=\"10\"/>\n      </os>"));
    free(xml);
    lineage_diag_list_free(diags);
    lineage_report_free(r);
    lineage_checker_free(ck);
    lineage_ruleset_free(set);
    lineage_session_free(s);
    free(vol3);
    free(win7);
}

static void test_unfinished_and_null(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_report *r = lineage_report_new(s);
    lineage_diag_list *diags = lineage_diag_list_new();
    char *out = NULL;
    assert_int_equal(lineage_report_render_markdown(r, NULL, &out, NULL, diags), LINEAGE_E_ARG);
    assert_int_equal(lineage_report_render_html(NULL, NULL, &out, NULL, diags), LINEAGE_E_ARG);
    assert_int_equal(lineage_report_add_dump(r, NULL, lineage_findings_new()), LINEAGE_E_ARG);
    assert_int_equal(lineage_report_count_at_least(r, LINEAGE_LEVEL_INFO), 0);
    lineage_diag_list_free(diags);
    lineage_report_free(r);
    lineage_report_free(NULL);
    lineage_session_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_model),
        cmocka_unit_test(test_seed_markdown_both_languages),
        cmocka_unit_test(test_hostile_names_markdown),
        cmocka_unit_test(test_hostile_names_html),
        cmocka_unit_test(test_baseline_differences),
        cmocka_unit_test(test_key_escapes_stay_in_keys),
        cmocka_unit_test(test_sysmon_process_facts),
        cmocka_unit_test(test_findings_order),
        cmocka_unit_test(test_inputs_first_appearance),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_limit_mermaid_nodes),
        cmocka_unit_test(test_template_dir_and_errors),
        cmocka_unit_test(test_assumed_build),
        cmocka_unit_test(test_unfinished_and_null),
        /* Last: it draws several SVG pictures in one process, the case where
         * Graphviz 2.42 reads freed memory when each picture gets a fresh
         * context (AddressSanitizer reports it and stops the run). */
        cmocka_unit_test(test_seed_html_parses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
