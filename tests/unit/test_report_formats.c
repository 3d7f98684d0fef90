/* The machine formats of the report: XML (validated against the embedded
 * schema, and checked literally), JSON and SARIF (parsed back with the
 * library's JSON tokenizer, SARIF's required structure asserted), on the
 * four seed dumps, a baseline-vs-tampered run, hostile process names and
 * a bugcheck parameter above 2^63; validation errors; and the committed
 * XML goldens validated against the schema. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <lineage/lineage.h>

#include "helpers.h"
#include "json_read.h"
#include "strbuf.h"

/* ---- building and rendering ------------------------------------------------ */

typedef struct built {
    lineage_session *session;
    lineage_ruleset *set;
    lineage_report *report;
} built;

/* A finished report of `text` checked with the default rules, compared
 * with the dumps of `baseline_text` when not NULL. */
static built build_with(const char *text, const char *baseline_text, const char *extra_rules)
{
    built b;
    b.session = lineage_session_new();
    b.set = lineage_ruleset_new(b.session);
    lineage_diag_list *diags = lineage_diag_list_new();
    assert_int_equal(lineage_ruleset_load_defaults(b.set, diags), LINEAGE_OK);
    if (extra_rules)
        assert_int_equal(lineage_ruleset_load_string(b.set, "site.rules", extra_rules,
                                                     strlen(extra_rules), diags),
                         LINEAGE_OK);
    assert_int_equal(lineage_ruleset_compile(b.set, diags), LINEAGE_OK);
    b.report = lineage_report_new(b.session);
    lineage_profile *profile = NULL;
    lineage_dump *dumps[8];
    if (baseline_text) {
        profile = lineage_profile_new(b.session);
        size_t nb = read_dumps(b.session, baseline_text, dumps, 8, NULL);
        assert_true(nb > 0 && nb <= 8);
        for (size_t i = 0; i < nb; i++) {
            lineage_profile_add_dump(profile, dumps[i]);
            lineage_dump_free(dumps[i]);
        }
        assert_int_equal(lineage_report_set_baseline(b.report, profile, "baseline", NULL),
                         LINEAGE_OK);
    }
    lineage_report_add_rules(b.report, b.set);
    size_t n = read_dumps(b.session, text, dumps, 8, NULL);
    assert_true(n > 0 && n <= 8);
    for (size_t i = 0; i < n; i++) {
        lineage_findings *f = lineage_findings_new();
        lineage_ruleset_check(b.set, dumps[i], f, diags);
        assert_int_equal(lineage_report_add_dump(b.report, dumps[i], f), LINEAGE_OK);
    }
    lineage_report_set_date(b.report, 1700000000);
    assert_int_equal(lineage_report_finish(b.report), LINEAGE_OK);
    lineage_profile_free(profile);
    lineage_diag_list_free(diags);
    return b;
}

static built build(const char *text, const char *baseline_text)
{
    return build_with(text, baseline_text, NULL);
}

static built build_files(const char *path, const char *baseline_path)
{
    char *text = read_source_file(path, NULL);
    char *base = baseline_path ? read_source_file(baseline_path, NULL) : NULL;
    built b = build(text, base);
    free(text);
    free(base);
    return b;
}

static void done(built *b)
{
    lineage_report_free(b->report);
    lineage_ruleset_free(b->set);
    lineage_session_free(b->session);
}

typedef enum { FMT_XML, FMT_JSON, FMT_SARIF } fmt;

static char *render(const lineage_report *r, fmt f, size_t *len)
{
    lineage_diag_list *diags = lineage_diag_list_new();
    char *out = NULL;
    size_t n = 0;
    lineage_status st = f == FMT_XML    ? lineage_report_render_xml(r, &out, &n, diags)
                        : f == FMT_JSON ? lineage_report_render_json(r, &out, &n, diags)
                                        : lineage_report_render_sarif(r, &out, &n, diags);
    assert_int_equal(st, LINEAGE_OK);
    assert_int_equal(lineage_diag_list_count(diags), 0);
    assert_non_null(out);
    assert_int_equal(strlen(out), n);
    lineage_diag_list_free(diags);
    if (len)
        *len = n;
    return out;
}

/* Validates against the embedded schema; fails the test with the first
 * diagnostic when invalid. */
static void assert_valid_xml(const char *xml, size_t len)
{
    lineage_diag_list *diags = lineage_diag_list_new();
    lineage_status st = lineage_report_validate_xml(xml, len, "test.xml", diags);
    if (st != LINEAGE_OK && lineage_diag_list_count(diags))
        fprintf(stderr, "invalid: %s:%lu: %s\n",
                lineage_diag_get_source(lineage_diag_list_get(diags, 0)),
                lineage_diag_get_line(lineage_diag_list_get(diags, 0)),
                lineage_diag_get_message(lineage_diag_list_get(diags, 0)));
    assert_int_equal(st, LINEAGE_OK);
    assert_int_equal(lineage_diag_list_count(diags), 0);
    lineage_diag_list_free(diags);
}

/* ---- JSON read back as "path=value" lines ------------------------------------ */

/* Every scalar of a JSON document as one line "path=value\n", the path
 * written like runs[0].tool.driver.name; strings decoded. */
typedef struct flat {
    strbuf lines, path;
    struct {
        int array;
        size_t base, index;
    } stack[64];
    size_t depth;
    size_t errors;
} flat;

static void value_path(flat *f)
{
    if (f->depth == 0)
        return;
    if (f->stack[f->depth - 1].array) {
        f->path.len = f->stack[f->depth - 1].base;
        strbuf_printf(&f->path, "[%zu]", f->stack[f->depth - 1].index++);
    }
}

static void on_json(void *ctx, json_event ev, const char *text, size_t len, unsigned long line,
                    size_t column)
{
    flat *f = ctx;
    (void)line;
    (void)column;
    switch (ev) {
    case JSON_OBJECT_START:
    case JSON_ARRAY_START:
        value_path(f);
        assert_true(f->depth < 64);
        f->stack[f->depth].array = ev == JSON_ARRAY_START;
        f->stack[f->depth].base = f->path.len;
        f->stack[f->depth].index = 0;
        f->depth++;
        break;
    case JSON_OBJECT_END:
    case JSON_ARRAY_END:
        f->depth--;
        f->path.len = f->stack[f->depth].base;
        break;
    case JSON_KEY:
        f->path.len = f->stack[f->depth - 1].base;
        if (f->path.len)
            strbuf_putc(&f->path, '.');
        strbuf_add(&f->path, text, len);
        break;
    case JSON_ERROR:
        f->errors++;
        break;
    default:
        value_path(f);
        strbuf_add(&f->lines, f->path.data ? f->path.data : "", f->path.len);
        strbuf_putc(&f->lines, '=');
        if (ev == JSON_TRUE)
            strbuf_puts(&f->lines, "true");
        else if (ev == JSON_FALSE)
            strbuf_puts(&f->lines, "false");
        else if (ev == JSON_NULL)
            strbuf_puts(&f->lines, "null");
        else
            strbuf_add(&f->lines, text, len);
        strbuf_putc(&f->lines, '\n');
        break;
    }
}

/* The flattened document (caller frees); fails on any syntax error. */
static char *flatten(const char *json)
{
    flat f;
    memset(&f, 0, sizeof f);
    strbuf_putc(&f.lines, '\n');
    json_reader *r = json_reader_new(on_json, &f);
    unsigned long n = 0;
    for (const char *p = json; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        json_feed(r, p, len, ++n);
        p += len + (nl != NULL);
    }
    assert_int_equal(json_finish(r, n, 0), 1);
    json_reader_free(r);
    assert_int_equal(f.errors, 0);
    assert_int_equal(f.depth, 0);
    strbuf_release(&f.path);
    return strbuf_detach(&f.lines);
}

#define assert_has(flat_text, line) assert_non_null(strstr((flat_text), "\n" line "\n"))
#define assert_has_prefix(flat_text, prefix) assert_non_null(strstr((flat_text), "\n" prefix))

/* The value at `path` (copied into buf), or NULL. */
static const char *flat_get(const char *flat_text, const char *path, char *buf, size_t cap)
{
    char key[256];
    size_t plen = strlen(path);
    assert_true(plen + 3 <= sizeof key);
    key[0] = '\n';
    memcpy(key + 1, path, plen);
    key[plen + 1] = '=';
    key[plen + 2] = '\0';
    const char *p = strstr(flat_text, key);
    if (!p)
        return NULL;
    p += strlen(key);
    size_t n = strcspn(p, "\n");
    assert_true(n < cap);
    memcpy(buf, p, n);
    buf[n] = '\0';
    return buf;
}

/* SARIF 2.1.0's required structure: version, one run, the driver's name
 * and rules, and for every result a ruleId, a known level, a location
 * with a URI and a start line, and a ruleIndex pointing at that rule. */
static size_t assert_sarif_structure(const char *sarif)
{
    char *t = flatten(sarif);
    char buf[256], path[256], id[256];
    assert_has(t, "version=2.1.0");
    assert_has_prefix(t, "$schema=https://");
    assert_has(t, "runs[0].tool.driver.name=lineage");
    assert_has_prefix(t, "runs[0].tool.driver.rules[0].id=");
    assert_has_prefix(t, "runs[0].tool.driver.rules[0].shortDescription.text=");
    assert_null(strstr(t, "\nruns[1]"));
    size_t i = 0;
    for (;; i++) {
        snprintf(path, sizeof path, "runs[0].results[%zu].ruleId", i);
        if (!flat_get(t, path, id, sizeof id))
            break;
        snprintf(path, sizeof path, "runs[0].results[%zu].level", i);
        assert_non_null(flat_get(t, path, buf, sizeof buf));
        assert_true(strcmp(buf, "error") == 0 || strcmp(buf, "warning") == 0 ||
                    strcmp(buf, "note") == 0);
        snprintf(path, sizeof path, "runs[0].results[%zu].message.text", i);
        assert_non_null(flat_get(t, path, buf, sizeof buf));
        snprintf(path, sizeof path,
                 "runs[0].results[%zu].locations[0].physicalLocation.artifactLocation.uri", i);
        assert_non_null(flat_get(t, path, buf, sizeof buf));
        snprintf(path, sizeof path,
                 "runs[0].results[%zu].locations[0].physicalLocation.region.startLine", i);
        assert_non_null(flat_get(t, path, buf, sizeof buf));
        assert_true(atol(buf) > 0);
        snprintf(path, sizeof path, "runs[0].results[%zu].ruleIndex", i);
        assert_non_null(flat_get(t, path, buf, sizeof buf));
        snprintf(path, sizeof path, "runs[0].tool.driver.rules[%ld].id", atol(buf));
        assert_non_null(flat_get(t, path, buf, sizeof buf));
        assert_string_equal(buf, id);
    }
    free(t);
    return i;
}

/* ---- the seed -------------------------------------------------------------- */

static void test_seed_xml_valid(void **state)
{
    (void)state;
    built b = build_files("examples/all-four.txt", NULL);
    size_t len;
    char *xml = render(b.report, FMT_XML, &len);
    assert_valid_xml(xml, len);
    assert_non_null(strstr(xml, "<report schema=\"lineage-report/1\" xmlns=\"urn:lineage:report:1\">"));
    /* Typed: the finding's process as integers and hex, levels as words. */
    assert_non_null(strstr(xml, "<finding rule=\"browser-shell\" level=\"medium\" dump=\"3\" "
                                "suppressed=\"false\">"));
    assert_non_null(strstr(xml, "<process pid=\"5500\" pid_hex=\"0x157c\" ppid=\"4416\" "
                                "ppid_hex=\"0x1140\" node=\"dump-3-n37\">"));
    assert_non_null(strstr(xml, "<evidence line=\"214\">"));
    assert_non_null(strstr(xml, "<item>chrome.exe</item>"));
    /* The Markdown-only fields stay out. */
    assert_null(strstr(xml, "markdown"));
    assert_null(strstr(xml, "```"));
    free(xml);
    done(&b);
}

static void test_seed_json(void **state)
{
    (void)state;
    built b = build_files("examples/all-four.txt", NULL);
    char *json = render(b.report, FMT_JSON, NULL);
    char *t = flatten(json);
    assert_has(t, "schema=lineage-report/1");
    assert_has(t, "verdict.level=medium");
    assert_has(t, "verdict.dumps=4");
    assert_has(t, "findings[0].rule=browser-shell");
    assert_has(t, "findings[0].process.pid=5500");
    assert_has(t, "findings[0].process.pid_hex=0x157c");
    assert_has(t, "findings[0].evidence.line=214");
    assert_has(t, "findings[0].evidence.steps[1]=chrome.exe");
    assert_has(t, "dumps[0].bugcheck.params[0].value=3221225477");
    assert_has(t, "dumps[2].tree.nodes[0].name=System");
    assert_has_prefix(t, "matrix.rows[0].parent=");
    assert_null(strstr(t, "markdown_"));
    free(t);
    free(json);
    done(&b);
}

static void test_seed_sarif(void **state)
{
    (void)state;
    built b = build_files("examples/all-four.txt", NULL);
    char *sarif = render(b.report, FMT_SARIF, NULL);
    assert_int_equal(assert_sarif_structure(sarif), 1);
    char *t = flatten(sarif);
    assert_has(t, "runs[0].results[0].ruleId=browser-shell");
    assert_has(t, "runs[0].results[0].level=warning");
    assert_has(t, "runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri="
                  "test.txt");
    assert_has(t, "runs[0].results[0].locations[0].physicalLocation.region.startLine=214");
    assert_has(t, "runs[0].results[0].properties.level=medium");
    assert_null(strstr(t, "suppressions"));
    free(t);
    free(sarif);
    done(&b);
}

/* ---- baseline against a tampered dump ---------------------------------------- */

static void test_tampered_all_formats(void **state)
{
    (void)state;
    built b = build_files("tests/data/win10-tampered.txt", "examples/win10-x64.txt");
    size_t len;
    char *xml = render(b.report, FMT_XML, &len);
    assert_valid_xml(xml, len);
    assert_non_null(strstr(xml, "<difference kind=\"re-parented\" level=\"high\" dump=\"1\""));
    assert_non_null(strstr(xml, "<baseline>\n    <label>baseline</label>"));
    char *json = render(b.report, FMT_JSON, NULL);
    char *t = flatten(json);
    assert_has(t, "differences[0].kind=re-parented");
    assert_has(t, "baseline.label=baseline");
    free(t);
    char *sarif = render(b.report, FMT_SARIF, NULL);
    size_t results = assert_sarif_structure(sarif);
    t = flatten(sarif);
    /* The difference kinds get rules of their own after the model's. */
    assert_non_null(strstr(t, "].id=diff-re-parented\n"));
    assert_non_null(strstr(t, "].ruleId=diff-re-parented\n"));
    assert_non_null(strstr(t, "].ruleId=lsass-parent\n"));
    assert_true(results >= 3);
    free(t);
    free(sarif);
    free(json);
    free(xml);
    done(&b);
}

/* A difference with a place in the baseline points there in SARIF's
 * relatedLocations: for what the suspect lacks (not-observed), the line
 * that shows it; its own location is the suspect dump's first line. */
static void test_sarif_baseline_locations(void **state)
{
    (void)state;
    built b = build_files("examples/win10-x64.txt", "tests/data/win10-tampered.txt");
    char *sarif = render(b.report, FMT_SARIF, NULL);
    assert_sarif_structure(sarif);
    char *t = flatten(sarif);
    assert_has(t, "runs[0].results[0].ruleId=diff-not-observed");
    assert_has(t, "runs[0].results[0].relatedLocations[0].id=1");
    /* Both listings are read from memory as test.txt. */
    assert_has(t, "runs[0].results[0].relatedLocations[0].physicalLocation.artifactLocation.uri="
                  "test.txt");
    assert_has(t, "runs[0].results[0].relatedLocations[0].physicalLocation.region.startLine=51");
    assert_has(t, "runs[0].results[0].relatedLocations[0].message.text=first seen here in the "
                  "baseline");
    assert_has(t, "runs[0].results[1].relatedLocations[0].physicalLocation.region.startLine=54");
    /* The suspect lacks it: the location is its dump's first line. */
    assert_has(t, "runs[0].results[0].locations[0].physicalLocation.region.startLine=1");
    free(t);
    free(sarif);
    done(&b);
}

/* ---- suppressed findings ------------------------------------------------------ */

/* The seed's browser-shell finding suppressed by a site rule: a SARIF
 * result with suppressions, the reason as justification. */
static const char suppress_rule[] =
    "suppress browser-shell ancestry /\\/chrome\\.exe\\/cmd\\.exe$/ reason \"native messaging "
    "host <ticket 4711>\"\n";

static void test_suppressed(void **state)
{
    (void)state;
    char *text = read_source_file("examples/all-four.txt", NULL);
    built b = build_with(text, NULL, suppress_rule);
    free(text);
    char *sarif = render(b.report, FMT_SARIF, NULL);
    assert_int_equal(assert_sarif_structure(sarif), 1);
    char *t = flatten(sarif);
    assert_has(t, "runs[0].results[0].ruleId=browser-shell");
    assert_has(t, "runs[0].results[0].suppressions[0].kind=external");
    assert_has(t, "runs[0].results[0].suppressions[0].justification=native messaging host "
                  "<ticket 4711>");
    free(t);
    size_t len;
    char *xml = render(b.report, FMT_XML, &len);
    assert_valid_xml(xml, len);
    assert_non_null(strstr(xml, "suppressed=\"true\">"));
    assert_non_null(strstr(xml, "<reason>native messaging host &lt;ticket 4711&gt;</reason>"));
    free(xml);
    free(sarif);
    done(&b);
}

/* ---- hostile names -------------------------------------------------------------- */

/* Markup of every kind, a CDATA end, a quote, ESC and \x01 (not allowed
 * in XML 1.0), a byte that is not UTF-8, and Mermaid's arrow. */
#define HOSTILE "<b>&amp;\"q\" ]]> *_[x](y) A-->|x|B \x1b[31m\x01\xff.exe"
static const char hostile_listing[] =
    "DUMP_HEADER64:\n"
    "MajorVersion        0000000f\n"
    "MinorVersion        00002800\n"
    "MachineImageType    00008664\n"
    "BugCheckCode        0000001e\n"
    "BugCheckParameter1  ffffffffc0000005\n"
    "BugCheckParameter2  fffff80002a1b2c3\n"
    "BugCheckParameter3  0000000000000000\n"
    "BugCheckParameter4  0000000000000001\n"
    "\n"
    "Parent+: 0x0000--->\tChild: 0x0004\tActiveThreads->0010\tSystem\n"
    "Parent+: 0x0004--->\tChild: 0x0100\tActiveThreads->0002\tsmss.exe\n"
    "Parent+: 0x0004--->\tChild: 0x0200\tActiveThreads->0003\t" HOSTILE "\n"
    "Parent+: 0x0200--->\tChild: 0x0300\tActiveThreads->0004\tlsass.exe\n";

/* The first <name> element of the XML whose text starts with "<b>". */
static xmlNodePtr find_hostile(xmlNodePtr n)
{
    /* Depth is small and fixed by the report's shape. */
    for (; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, "name") == 0) {
            xmlChar *s = xmlNodeGetContent(n);
            int hit = s && strncmp((const char *)s, "<b>", 3) == 0;
            xmlFree(s);
            if (hit)
                return n;
        }
        xmlNodePtr c = find_hostile(n->children);
        if (c)
            return c;
    }
    return NULL;
}

static void test_hostile_names(void **state)
{
    (void)state;
    built b = build(hostile_listing, NULL);

    size_t len;
    char *xml = render(b.report, FMT_XML, &len);
    assert_valid_xml(xml, len);
    xmlDocPtr doc = xmlReadMemory(xml, (int)len, NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    assert_non_null(doc);
    xmlNodePtr name = find_hostile(xmlDocGetRootElement(doc));
    assert_non_null(name);
    xmlChar *text = xmlNodeGetContent(name);
    xmlChar *raw = xmlGetProp(name, (const xmlChar *)"raw");
    /* Literal, with U+FFFD for each byte XML cannot carry... */
    assert_string_equal((const char *)text, "<b>&amp;\"q\" ]]> *_[x](y) A-->|x|B "
                                            "\xef\xbf\xbd[31m\xef\xbf\xbd\xef\xbf\xbd.exe");
    /* ...and the original, escaped, next to it. */
    assert_string_equal((const char *)raw,
                        "<b>&amp;\"q\" ]]> *_[x](y) A-->|x|B \\x1b[31m\\x01\\xff.exe");
    xmlFree(text);
    xmlFree(raw);
    xmlFreeDoc(doc);
    /* Escaped by the writer, not passed through. */
    assert_null(strstr(xml, "<b>"));
    assert_null(strstr(xml, "]]>"));
    /* A bugcheck parameter above 2^63 as the unsigned value of its hex. */
    assert_non_null(strstr(xml, "<param n=\"1\" value=\"18446744072635809797\""));

    char *json = render(b.report, FMT_JSON, NULL);
    char *t = flatten(json);
    /* JSON carries ESC and \x01 (escaped as \u001b, \u0001), and U+FFFD
     * for the byte that is not UTF-8. */
    assert_non_null(strstr(t, "].name=<b>&amp;\"q\" ]]> *_[x](y) A-->|x|B \x1b[31m\x01\xef\xbf\xbd"
                              ".exe\n"));
    assert_has(t, "dumps[0].bugcheck.params[0].value=18446744072635809797");
    assert_null(strstr(json, "\x1b"));
    free(t);

    char *sarif = render(b.report, FMT_SARIF, NULL);
    assert_sarif_structure(sarif);
    free(sarif);
    free(json);
    free(xml);
    done(&b);
}

/* SARIF viewers show message and description texts as they are: those
 * are escaped as terminal output is, while properties keep names exact. */
#define EVIL "evil\x1b]0;x\x07gpj\xe2\x80\xae" "exe\xe2\x80\x8b"
static const char evil_rule[] = "rule site-evil {\n"
                                "  severity high\n"
                                "  title \"T\x1b[2J\x07 \xe2\x80\xae" "end\"\n"
                                "  description \"D\x1b[2J\"\n"
                                "  parent /^evil/ is /^never$/\n"
                                "}\n";

static void test_sarif_display_text_escaped(void **state)
{
    (void)state;
    static const char base[] = "kd> .dumpdebug\n"
                               "Parent+: 0x0000--->\tChild: 0x0004\tActiveThreads->0080\tSystem\n";
    static const char suspect[] = "kd> .dumpdebug\n"
                                  "Parent+: 0x0000--->\tChild: 0x0004\tActiveThreads->0080\tSystem\n"
                                  "Parent+: 0x0004--->\tChild: 0x0010\tActiveThreads->0001\t" EVIL
                                  "\n";
    built b = build_with(suspect, base, evil_rule);
    char *sarif = render(b.report, FMT_SARIF, NULL);
    char *t = flatten(sarif);
    size_t messages = 0;
    for (const char *line = t; (line = strchr(line, '\n')) != NULL;) {
        line++;
        size_t n = strcspn(line, "\n");
        const char *eq = memchr(line, '=', n);
        if (!eq)
            continue;
        /* Display texts: message.text, short/fullDescription.text,
         * justification; nothing raw in them. */
        int display = (eq - line > 5 && memcmp(eq - 5, ".text", 5) == 0) ||
                      (eq - line > 14 && memcmp(eq - 14, ".justification", 14) == 0);
        if (!display)
            continue;
        for (const char *c = eq; c < line + n; c++) {
            assert_false(*c == '\x1b' || *c == '\x07');
            assert_false(memcmp(c, "\xe2\x80\xae", 3) == 0 || memcmp(c, "\xe2\x80\x8b", 3) == 0);
        }
        messages += strstr(line, ".message.text=") != NULL && strstr(line, "\\u202e") != NULL &&
                    eq < strstr(line, "\\u202e");
    }
    /* The finding and the difference name the process, escaped. */
    assert_true(messages >= 2);
    assert_non_null(strstr(t, "message.text=T\\x1b[2J\\x07 \\u202eend: "
                              "evil\\x1b]0;x\\x07gpj\\u202eexe\\u200b (PID 16)"));
    assert_non_null(strstr(t, "message.text=evil\\x1b]0;x\\x07gpj\\u202eexe\\u200b is new"));
    assert_non_null(strstr(t, "fullDescription.text=D\\x1b[2J\n"));
    /* Properties stay exact. */
    assert_non_null(strstr(t, ".properties.process=" EVIL "\n"));
    free(t);
    free(sarif);
    done(&b);
}

/* ---- validation ---------------------------------------------------------------- */

static void test_validation_errors(void **state)
{
    (void)state;
    lineage_diag_list *diags = lineage_diag_list_new();
    size_t n = 0;
    const char *xsd = lineage_report_xml_schema(&n);
    assert_true(n > 1000);
    assert_int_equal(strlen(xsd), n);
    assert_non_null(strstr(xsd, "targetNamespace=\"urn:lineage:report:1\""));

    /* Not well-formed. */
    const char *bad = "<report xmlns=\"urn:lineage:report:1\"><x></report>";
    assert_int_equal(lineage_report_validate_xml(bad, strlen(bad), "bad.xml", diags),
                     LINEAGE_E_PARSE);
    assert_int_equal(lineage_diag_list_count(diags), 1);
    assert_string_equal(lineage_diag_get_source(lineage_diag_list_get(diags, 0)), "bad.xml");
    lineage_diag_list_free(diags);

    /* Well-formed, but a level outside the enumeration and a count that is
     * not a number: both reported, each at its line. */
    built b = build_files("examples/all-four.txt", NULL);
    size_t len;
    char *xml = render(b.report, FMT_XML, &len);
    char *p = strstr(xml, "level=\"medium\" dump=\"3\"");
    assert_non_null(p);
    memcpy(p, "level=\"severe\"", 14);
    p = strstr(xml, "processes=\"26\"");
    assert_non_null(p);
    memcpy(p, "processes=\"2x\"", 14);
    diags = lineage_diag_list_new();
    assert_int_equal(lineage_report_validate_xml(xml, len, NULL, diags), LINEAGE_E_PARSE);
    assert_true(lineage_diag_list_count(diags) >= 2);
    assert_int_equal(diags_matching(diags, "severe"), 1);
    assert_int_equal(diags_matching(diags, "2x"), 1);
    for (size_t i = 0; i < lineage_diag_list_count(diags); i++) {
        assert_true(lineage_diag_get_line(lineage_diag_list_get(diags, i)) > 0);
        assert_string_equal(lineage_diag_get_source(lineage_diag_list_get(diags, i)),
                            "report.xml");
    }
    lineage_diag_list_free(diags);

    /* A foreign namespace is not a report. */
    const char *foreign = "<report xmlns=\"urn:other\"/>";
    diags = lineage_diag_list_new();
    assert_int_equal(lineage_report_validate_xml(foreign, strlen(foreign), NULL, diags),
                     LINEAGE_E_PARSE);
    assert_true(lineage_diag_list_count(diags) >= 1);
    lineage_diag_list_free(diags);
    free(xml);
    done(&b);
}

static void test_arguments(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_report *r = lineage_report_new(s);
    lineage_diag_list *diags = lineage_diag_list_new();
    char *out = (char *)1;
    size_t len = 7;
    /* Unfinished report. */
    assert_int_equal(lineage_report_render_xml(r, &out, &len, diags), LINEAGE_E_ARG);
    assert_null(out);
    assert_int_equal(len, 0);
    assert_int_equal(lineage_report_render_json(r, &out, NULL, diags), LINEAGE_E_ARG);
    assert_int_equal(lineage_report_render_sarif(NULL, &out, NULL, diags), LINEAGE_E_ARG);
    assert_int_equal(lineage_report_validate_xml(NULL, 0, NULL, diags), LINEAGE_E_ARG);
    lineage_diag_list_free(diags);
    lineage_report_free(r);
    lineage_session_free(s);
}

/* ---- the goldens ------------------------------------------------------------------ */

static void test_golden_xml_valid(void **state)
{
    (void)state;
    static const char *const goldens[] = {"golden/report-seed-xml/stdout",
                                          "golden/report-tampered-xml/stdout"};
    for (size_t i = 0; i < sizeof goldens / sizeof *goldens; i++) {
        size_t len = 0;
        char *xml = read_source_file(goldens[i], &len);
        assert_valid_xml(xml, len);
        free(xml);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_xml_valid),
        cmocka_unit_test(test_seed_json),
        cmocka_unit_test(test_seed_sarif),
        cmocka_unit_test(test_tampered_all_formats),
        cmocka_unit_test(test_sarif_baseline_locations),
        cmocka_unit_test(test_suppressed),
        cmocka_unit_test(test_hostile_names),
        cmocka_unit_test(test_sarif_display_text_escaped),
        cmocka_unit_test(test_validation_errors),
        cmocka_unit_test(test_arguments),
        cmocka_unit_test(test_golden_xml_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
