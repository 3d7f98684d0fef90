/* Tree pictures: the DOT escaper, the DOT text of hostile and marked
 * trees, SVG drawn by Graphviz (when built with it) and its node limit. */
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

#include <lineage/graph.h>
#include <lineage/report.h>

#include "dot_escape.h"
#include "helpers.h"
#include "limits.h"
#include "strbuf.h"

static char *escaped(const char *s, size_t len)
{
    strbuf out = STRBUF_INIT, scratch = STRBUF_INIT;
    dot_escape(&out, &scratch, s, len);
    strbuf_release(&scratch);
    return strbuf_detach(&out);
}

#define assert_escape(literal, expected)                                                         \
    do {                                                                                         \
        char *e_ = escaped(literal, sizeof literal - 1);                                         \
        assert_string_equal(e_, expected);                                                       \
        free(e_);                                                                                \
    } while (0)

static void test_escape(void **state)
{
    (void)state;
    assert_escape("svchost.exe", "svchost.exe");
    assert_escape("", "");
    /* DOT's string end, Graphviz's escapes and entities. */
    assert_escape("a\"b", "a\\\"b");
    assert_escape("\\N\\G\\l", "\\\\\\\\N\\\\\\\\G\\\\\\\\l");
    assert_escape("&amp;<x>", "&amp;amp;<x>");
    /* Control bytes and line breaks stay visible as text, never raw. */
    assert_escape("a\nb", "a\\\\nb");
    assert_escape("\x1b[31m", "\\\\x1b[31m");
    assert_escape("nul\0x", "nul\\\\x00x");
    /* Invalid UTF-8 and a bidirectional override are shown escaped; valid
     * UTF-8 passes. */
    assert_escape("\xff\xfe", "\\\\xff\\\\xfe");
    assert_escape("a\xe2\x80\xae" "b", "a\\\\u202eb");
    assert_escape("\xe3\x83\x97\xe3\x83\xad", "\xe3\x83\x97\xe3\x83\xad");
    /* Mermaid and Markdown metacharacters mean nothing to DOT. */
    assert_escape("*_[x](y)`|{}", "*_[x](y)`|{}");
}

static void test_escape_visible(void **state)
{
    (void)state;
    strbuf out = STRBUF_INIT;
    dot_escape_visible(&out, "q\"b\\a&\x01", 7);
    assert_string_equal(out.data, "q\\\"b\\\\a&amp;\\\\x01");
    strbuf_release(&out);
}

static char *dot_of(const lineage_dump *d, const lineage_process *const *dev, size_t ndev)
{
    char *dot = NULL;
    size_t len = 0;
    assert_int_equal(lineage_dump_render_dot(d, dev, ndev, &dot, &len), LINEAGE_OK);
    assert_non_null(dot);
    assert_int_equal(strlen(dot), len);
    return dot;
}

/* The line of `dot` that starts with `prefix` (after indentation), copied
 * without its newline; fails when there is none. */
static char *line_of(const char *dot, const char *prefix)
{
    size_t plen = strlen(prefix);
    for (const char *p = dot; *p;) {
        const char *end = strchr(p, '\n');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *q = p;
        while (*q == ' ')
            q++;
        if (strncmp(q, prefix, plen) == 0) {
            char *line = malloc(n + 1);
            memcpy(line, p, n);
            line[n] = 0;
            return line;
        }
        p += n + (end != NULL);
    }
    fail_msg("no line starting with %s", prefix);
    return NULL;
}

#define assert_line(dot, prefix, expected)                                                       \
    do {                                                                                         \
        char *l_ = line_of(dot, prefix);                                                         \
        assert_string_equal(l_, expected);                                                       \
        free(l_);                                                                                \
    } while (0)

static const char hostile[] =
    "Parent+: 0x0--->\tChild: 0x4\tActiveThreads->0002\tSystem\n"
    "Parent+: 0x4--->\tChild: 0x10\tActiveThreads->0001\ta\"]; evil [label=\"x\n"
    "Parent+: 0x4--->\tChild: 0x14\tActiveThreads->0001\t\\N&lt;\x1b\xff}\n"
    "Parent-: 0x4--->\tChild: 0x18\tActiveThreads->0000\tgone.exe\n"
    "Parent+: 0x99--->\tChild: 0x20\tActiveThreads->0001\torphan.exe\n";

static void test_dot_structure(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, hostile);
    const lineage_process *dev[] = {find_pid(d, 0x14)};
    char *dot = dot_of(d, dev, 1);
    assert_true(strncmp(dot, "digraph \"test.txt #1\" {\n", 24) == 0);
    assert_line(dot, "p0 [", "  p0 [label=\"System\\nPID 0x4, 2 threads\"];");
    /* A name that tries to close the label and add a node stays one label. */
    assert_line(dot, "p1 [",
                "  p1 [label=\"a\\\"]; evil [label=\\\"x\\nPID 0x10, 1 thread\"];");
    /* Graphviz escapes, entities, ESC and invalid UTF-8; marked red. */
    assert_line(dot, "p2 [",
                "  p2 [label=\"\\\\\\\\N&amp;lt;\\\\x1b\\\\xff}\\nPID 0x14, 1 thread\", "
                "color=red, fontcolor=red, penwidth=2];");
    assert_line(dot, "p3 [",
                "  p3 [label=\"gone.exe\\nPID 0x18, 0 threads [exited]\", color=grey60, "
                "fontcolor=grey45];");
    assert_line(dot, "a99 [",
                "  a99 [label=\"absent parent\\nPID 0x99\", style=\"rounded,dashed\"];");
    assert_line(dot, "a99 ->", "  a99 -> p4 [style=dashed];");
    assert_line(dot, "p0 -> p2", "  p0 -> p2;");
    /* Exactly: 4 header lines, 6 nodes, 4 edges, the closing brace. */
    size_t lines = 0;
    for (const char *p = dot; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 4 + 6 + 4 + 1);
    /* "evil [" only inside the label, never as a statement of its own. */
    assert_null(strstr(dot, "\n  evil"));
    free(dot);
    lineage_dump_free(d);
    lineage_session_free(s);
}

static void test_dot_deviating_other_dump(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *a = read_one(s, hostile);
    lineage_dump *b = read_one(s, hostile);
    /* A process of another dump, a NULL entry and duplicates are ignored. */
    const lineage_process *dev[] = {find_pid(b, 0x14), NULL, find_pid(a, 0x10),
                                    find_pid(a, 0x10)};
    char *dot = dot_of(a, dev, 4);
    assert_line(dot, "p2 [",
                "  p2 [label=\"\\\\\\\\N&amp;lt;\\\\x1b\\\\xff}\\nPID 0x14, 1 thread\"];");
    char *line = line_of(dot, "p1 [");
    assert_non_null(strstr(line, "color=red"));
    free(line);
    free(dot);
    /* An exited process marked deviating is red, not grey. */
    const lineage_process *gone[] = {find_pid(a, 0x18)};
    dot = dot_of(a, gone, 1);
    line = line_of(dot, "p3 [");
    assert_non_null(strstr(line, "color=red"));
    assert_null(strstr(line, "grey"));
    free(line);
    free(dot);
    lineage_dump_free(a);
    lineage_dump_free(b);
    lineage_session_free(s);
}

static void test_dot_arguments(void **state)
{
    (void)state;
    static char sentinel[] = "x";
    char *out = sentinel;
    size_t len = 7;
    assert_int_equal(lineage_dump_render_dot(NULL, NULL, 0, &out, &len), LINEAGE_E_ARG);
    assert_null(out);
    assert_int_equal(len, 0);
    out = sentinel;
    assert_int_equal(lineage_dump_render_svg(NULL, NULL, 0, &out, NULL), LINEAGE_E_ARG);
    assert_null(out);
}

/* Concatenated text of every <text> element, one per line. */
static void collect_text(xmlNode *n, strbuf *out)
{
    /* The SVG Graphviz writes is a handful of levels deep (svg > g > g >
     * text), so this walk is iterative over siblings and recursive only
     * along that fixed structure. */
    for (; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, (const xmlChar *)"text") == 0) {
            xmlChar *t = xmlNodeGetContent(n);
            strbuf_puts(out, (const char *)t);
            strbuf_putc(out, '\n');
            xmlFree(t);
        } else if (n->children) {
            collect_text(n->children, out);
        }
    }
}

static void test_svg(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, hostile);
    const lineage_process *dev[] = {find_pid(d, 0x14)};
    char *svg = NULL;
    size_t len = 0;
    lineage_status st = lineage_dump_render_svg(d, dev, 1, &svg, &len);
    if (!lineage_graph_has_svg()) {
        assert_int_equal(st, LINEAGE_E_ARG);
        assert_null(svg);
        print_message("built without Graphviz: only the fallback status was checked\n");
        goto done;
    }
    assert_int_equal(st, LINEAGE_OK);
    assert_int_equal(strlen(svg), len);
    /* No prolog: it starts at the element, to sit inline in HTML. */
    assert_true(strncmp(svg, "<svg", 4) == 0);
    assert_null(strstr(svg, "<?xml"));
    assert_null(strstr(svg, "DOCTYPE"));
    xmlDoc *doc = xmlReadMemory(svg, (int)len, "t.svg", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                               XML_PARSE_NOWARNING);
    assert_non_null(doc);
    strbuf text = STRBUF_INIT;
    collect_text(xmlDocGetRootElement(doc), &text);
    /* The hostile names are drawn literally, as the text tree shows them. */
    assert_non_null(strstr(text.data, "\na\"]; evil [label=\"x\n"));
    assert_non_null(strstr(text.data, "\n\\\\N&lt;\\x1b\\xff}\n"));
    assert_non_null(strstr(text.data, "\nabsent parent\n"));
    strbuf_release(&text);
    xmlFreeDoc(doc);
    assert_non_null(strstr(svg, "stroke=\"red\""));
done:
    free(svg);
    lineage_dump_free(d);
    lineage_session_free(s);
}

static void test_svg_limit(void **state)
{
    (void)state;
    strbuf listing = STRBUF_INIT;
    strbuf_puts(&listing, "Parent+: 0x0--->\tChild: 0x4\tActiveThreads->0001\tSystem\n");
    for (unsigned i = 0; i < LINEAGE_MAX_SVG_NODES; i++)
        strbuf_printf(&listing, "Parent+: 0x4--->\tChild: 0x%x\tActiveThreads->0001\tp.exe\n",
                      8 + 4 * i);
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, listing.data);
    assert_int_equal(lineage_dump_process_count(d), LINEAGE_MAX_SVG_NODES + 1);
    char *svg = NULL;
    lineage_status st = lineage_dump_render_svg(d, NULL, 0, &svg, NULL);
    assert_int_equal(st, lineage_graph_has_svg() ? LINEAGE_E_LIMIT : LINEAGE_E_ARG);
    assert_null(svg);
    /* DOT has no such limit: it is linear. */
    char *dot = dot_of(d, NULL, 0);
    free(dot);
    lineage_dump_free(d);
    lineage_session_free(s);
    strbuf_release(&listing);
}

/* After the process-wide clean-up a picture fails rather than make a
 * second Graphviz context, which would read the first one's freed font
 * name. Last in the run: the clean-up cannot be undone. */
static void test_svg_after_cleanup(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, hostile);
    char *svg = NULL;
    lineage_status st = lineage_dump_render_svg(d, NULL, 0, &svg, NULL);
    assert_int_equal(st, lineage_graph_has_svg() ? LINEAGE_OK : LINEAGE_E_ARG);
    free(svg);
    svg = NULL;
    lineage_report_global_cleanup();
    st = lineage_dump_render_svg(d, NULL, 0, &svg, NULL);
    assert_int_equal(st, lineage_graph_has_svg() ? LINEAGE_E_INTERNAL : LINEAGE_E_ARG);
    assert_null(svg);
    lineage_dump_free(d);
    lineage_session_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_escape_visible),
        cmocka_unit_test(test_dot_structure),
        cmocka_unit_test(test_dot_deviating_other_dump),
        cmocka_unit_test(test_dot_arguments),
        cmocka_unit_test(test_svg),
        cmocka_unit_test(test_svg_limit),
        cmocka_unit_test(test_svg_after_cleanup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
