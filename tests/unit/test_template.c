/* The template engine (compile, render, partials, standalone lines,
 * limits) and the Markdown, fence and Mermaid escaping, with hostile
 * values checked by rendering the Markdown to HTML with cmark-gfm. */
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

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include <lineage/lineage.h>

#include "arena.h"
#include "helpers.h"
#include "limits.h"
#include "md_escape.h"
#include "strbuf.h"
#include "tvalue.h"

/* ---- data: a JSON-like notation for test values -------------------------
 * {'key': value, ...}, [v, ...], 'string' (\' \\ \n \xNN escapes),
 * integers, true, false. Test input only, so recursion is fine here. */

static const char *skip_ws(const char *s)
{
    while (*s == ' ' || *s == '\n')
        s++;
    return s;
}

static const lineage_tvalue *parse_value(arena *a, const char **sp);

static const lineage_tvalue *parse_string(arena *a, const char **sp)
{
    const char *s = *sp + 1;
    strbuf sb = STRBUF_INIT;
    while (*s && *s != '\'') {
        if (*s == '\\') {
            s++;
            if (*s == 'n') {
                strbuf_putc(&sb, '\n');
                s++;
            } else if (*s == 'x') {
                char hex[3] = {s[1], s[2], 0};
                strbuf_putc(&sb, (char)strtol(hex, NULL, 16));
                s += 3;
            } else {
                strbuf_putc(&sb, *s++);
            }
        } else {
            strbuf_putc(&sb, *s++);
        }
    }
    assert_int_equal(*s, '\'');
    *sp = s + 1;
    const lineage_tvalue *v = tvalue_string(a, sb.data ? sb.data : "", sb.len);
    strbuf_release(&sb);
    return v;
}

static const lineage_tvalue *parse_value(arena *a, const char **sp)
{
    const char *s = skip_ws(*sp);
    const lineage_tvalue *v = NULL;
    if (*s == '{') {
        lineage_tvalue *m = tvalue_map(a);
        s = skip_ws(s + 1);
        while (*s != '}') {
            const lineage_tvalue *k = parse_string(a, &s);
            s = skip_ws(s);
            assert_int_equal(*s, ':');
            s++;
            const lineage_tvalue *item = parse_value(a, &s);
            size_t klen;
            const char *key = tvalue_get_string(k, &klen);
            tvalue_map_set(a, m, key, item);
            s = skip_ws(s);
            if (*s == ',')
                s = skip_ws(s + 1);
        }
        s++;
        v = m;
    } else if (*s == '[') {
        lineage_tvalue *l = tvalue_list(a);
        s = skip_ws(s + 1);
        while (*s != ']') {
            tvalue_list_add(a, l, parse_value(a, &s));
            s = skip_ws(s);
            if (*s == ',')
                s = skip_ws(s + 1);
        }
        s++;
        v = l;
    } else if (*s == '\'') {
        v = parse_string(a, &s);
    } else if (strncmp(s, "true", 4) == 0) {
        v = tvalue_bool(a, true);
        s += 4;
    } else if (strncmp(s, "false", 5) == 0) {
        v = tvalue_bool(a, false);
        s += 5;
    } else {
        char *end;
        long long n = strtoll(s, &end, 10);
        assert_true(end != s);
        v = tvalue_number(a, n);
        s = end;
    }
    *sp = s;
    return v;
}

static const lineage_tvalue *data(arena *a, const char *text)
{
    return text ? parse_value(a, &text) : NULL;
}

/* ---- partials from memory ---------------------------------------------- */

typedef struct mem_partial {
    const char *name;
    const char *text;
} mem_partial;

static lineage_status mem_loader(void *ctx, const char *name, char **text, size_t *len,
                                 char **source)
{
    for (const mem_partial *p = ctx; p && p->name; p++) {
        if (strcmp(p->name, name) == 0) {
            *text = strdup(p->text);
            *len = strlen(p->text);
            size_t n = strlen(name) + 5;
            *source = malloc(n);
            snprintf(*source, n, "mem:%s", name);
            return LINEAGE_OK;
        }
    }
    return LINEAGE_E_IO;
}

/* ---- one-line helpers ---------------------------------------------------- */

/* Renders tpl (with partials) against the data notation; returns the
 * status, the output in *out (caller frees) and the first diagnostic's
 * formatted first line in *diag (caller frees; NULL when none). */
static lineage_status run(const char *tpl, const mem_partial *partials, const char *data_text,
                          unsigned flags, char **out, char **diag)
{
    arena *a = arena_new();
    lineage_diag_list *diags = lineage_diag_list_new();
    lineage_template *t = NULL;
    *out = NULL;
    *diag = NULL;
    lineage_status st = lineage_template_compile(tpl, strlen(tpl), "t", mem_loader,
                                                 (void *)(uintptr_t)partials, diags, &t);
    if (st == LINEAGE_OK) {
        st = lineage_template_render(t, data(a, data_text), flags, diags, out, NULL);
    } else {
        assert_null(t);
    }
    if (lineage_diag_list_count(diags) > 0) {
        char *f = lineage_diag_format(lineage_diag_list_get(diags, 0));
        char *nl = strchr(f, '\n');
        if (nl)
            *nl = '\0';
        *diag = f;
    }
    lineage_template_free(t);
    lineage_diag_list_free(diags);
    arena_free(a);
    return st;
}

static void assert_render_with(const char *tpl, const mem_partial *partials,
                               const char *data_text, const char *expected)
{
    char *out, *diag;
    lineage_status st = run(tpl, partials, data_text, 0, &out, &diag);
    if (st != LINEAGE_OK)
        fail_msg("unexpected error: %s", diag ? diag : lineage_status_string(st));
    assert_string_equal(out, expected);
    free(out);
    free(diag);
}

static void assert_render(const char *tpl, const char *data_text, const char *expected)
{
    assert_render_with(tpl, NULL, data_text, expected);
}

/* The template (or its rendering) fails with `status` and the first
 * diagnostic reads exactly `expected` ("file:line:col: error: ..."). */
static void assert_template_error(const char *tpl, const mem_partial *partials,
                                  const char *data_text, lineage_status status,
                                  const char *expected)
{
    char *out, *diag;
    lineage_status st = run(tpl, partials, data_text, LINEAGE_TEMPLATE_STRICT, &out, &diag);
    assert_int_equal(st, status);
    assert_null(out);
    assert_non_null(diag);
    assert_string_equal(diag, expected);
    free(diag);
}

/* Markdown to HTML the way the report will: cmark-gfm with the GFM
 * extensions GitHub uses, raw HTML not allowed through. */
static char *html_of(const char *md)
{
    cmark_gfm_core_extensions_ensure_registered();
    cmark_parser *p = cmark_parser_new(CMARK_OPT_DEFAULT);
    const char *exts[] = {"table", "autolink", "strikethrough", "tasklist"};
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        cmark_syntax_extension *e = cmark_find_syntax_extension(exts[i]);
        assert_non_null(e);
        cmark_parser_attach_syntax_extension(p, e);
    }
    cmark_parser_feed(p, md, strlen(md));
    cmark_node *doc = cmark_parser_finish(p);
    char *html = cmark_render_html(doc, CMARK_OPT_DEFAULT, cmark_parser_get_syntax_extensions(p));
    cmark_node_free(doc);
    cmark_parser_free(p);
    return html;
}

/* Renders `tpl` with {'name': name} and checks the HTML cmark-gfm makes. */
static void assert_html(const char *tpl, const char *name, const char *expected_html)
{
    arena *a = arena_new();
    lineage_tvalue *root = tvalue_map(a);
    tvalue_map_set_cstr(a, root, "name", name);
    lineage_diag_list *diags = lineage_diag_list_new();
    lineage_template *t = NULL;
    assert_int_equal(lineage_template_compile(tpl, strlen(tpl), "t", NULL, NULL, diags, &t),
                     LINEAGE_OK);
    char *md = NULL;
    assert_int_equal(lineage_template_render(t, root, 0, diags, &md, NULL), LINEAGE_OK);
    char *html = html_of(md);
    if (strcmp(html, expected_html) != 0)
        fail_msg("name %s\nmarkdown: %s\nhtml:     %s\nexpected: %s", name, md, html,
                 expected_html);
    free(html);
    free(md);
    lineage_template_free(t);
    lineage_diag_list_free(diags);
    arena_free(a);
}

static void assert_literal(const char *name, const char *expected_html)
{
    assert_html("{{name}}\n", name, expected_html);
}

/* ---- the language ------------------------------------------------------- */

static void test_variables(void **state)
{
    (void)state;
    assert_render("Hello {{name}}!", "{'name': 'World'}", "Hello World!");
    assert_render("{{ name }}|{{missing}}|", "{'name': 'x'}", "x||");
    assert_render("{{n}} {{m}} {{b}} {{f}}", "{'n': 42, 'm': 0, 'b': true, 'f': false}",
                  "42 0 true false");
    assert_render("no tags at all\n", NULL, "no tags at all\n");
    assert_render("{{x}}", NULL, "");
    assert_render("", "{}", "");
}

static void test_dotted_names(void **state)
{
    (void)state;
    assert_render("{{dump.os}} {{dump.cpu.count}}", "{'dump': {'os': 'Win10', 'cpu': {'count': 8}}}",
                  "Win10 8");
    /* Only the first segment searches enclosing contexts. */
    assert_render("{{#a}}[{{b.c}}]{{/a}}", "{'a': {'b': {}}, 'b': {'c': 'outer'}}", "[]");
    assert_render("{{#a}}[{{x.c}}]{{/a}}", "{'a': {'b': {}}, 'x': {'c': 'outer'}}", "[outer]");
    assert_render("{{a.b.c}}", "{'a': {'b': 'str'}}", "");
}

static void test_sections(void **state)
{
    (void)state;
    assert_render("{{#l}}[{{.}}]{{/l}}", "{'l': [1, 'a', true]}", "[1][a][true]");
    assert_render("{{#items}}{{name}} of {{title}};{{/items}}",
                  "{'title': 'T', 'items': [{'name': 'a'}, {'name': 'b', 'title': 'U'}]}",
                  "a of T;b of U;");
    assert_render("{{#m}}{{x}}{{/m}}", "{'m': {'x': 'in'}, 'x': 'out'}", "in");
    assert_render("{{#s}}<{{.}}>{{/s}}", "{'s': 'v'}", "<v>");
    assert_render("{{#a}}A{{/a}}{{#b}}B{{/b}}{{#c}}C{{/c}}{{#d}}D{{/d}}{{#e}}E{{/e}}",
                  "{'a': false, 'b': 0, 'c': '', 'd': [], 'e': 1}", "E");
    assert_render("{{^a}}A{{/a}}{{^b}}B{{/b}}{{^c}}C{{/c}}{{^d}}D{{/d}}{{^e}}E{{/e}}{{^z}}Z{{/z}}",
                  "{'a': false, 'b': 0, 'c': '', 'd': [], 'e': 1}", "ABCDZ");
    assert_render("{{#outer}}({{#inner}}{{.}}{{/inner}}){{/outer}}",
                  "{'outer': [{'inner': [1, 2]}, {'inner': []}, {'inner': [3]}]}", "(12)()(3)");
    assert_render("{{#l}}{{#.}}[{{.}}]{{/.}}{{/l}}", "{'l': [[1, 2], [3]]}", "[1][2][3]");
}

static void test_raw_and_comments(void **state)
{
    (void)state;
    assert_render("{{{x}}}|{{& x}}|{{x}}", "{'x': '*a*'}", "*a*|*a*|\\*a\\*");
    assert_render("{{n}} {{{n}}}", "{'n': -5}", "\\-5 -5");
    assert_render("a{{! a comment }}b", NULL, "ab");
    assert_render("a{{! spans\nlines }}b", NULL, "ab");
}

static void test_standalone_lines(void **state)
{
    (void)state;
    assert_render("begin\n{{#a}}\nitem\n{{/a}}\nend\n", "{'a': true}", "begin\nitem\nend\n");
    assert_render("begin\n  {{#a}}  \n  item\n\t{{/a}}\nend\n", "{'a': true}", "begin\n  item\nend\n");
    assert_render("begin\n{{^a}}\nnone\n{{/a}}\nend\n", "{'a': [1]}", "begin\nend\n");
    assert_render("a\n{{! note }}\nb\n", NULL, "a\nb\n");
    assert_render("a\n{{! multi\nline }}\nb\n", NULL, "a\nb\n");
    /* Not alone on the line: the whitespace and newline stay. */
    assert_render("x {{#a}}y{{/a}}\n", "{'a': true}", "x y\n");
    assert_render("{{#a}}{{/a}}\n", "{'a': true}", "\n");
    assert_render("  {{x}}\n", "{'x': 'v'}", "  v\n");
    /* At the end of the text, and with CRLF line ends. */
    assert_render("a\n{{! c }}", NULL, "a\n");
    assert_render("a\r\n{{#t}}\r\nb\r\n{{/t}}\r\n", "{'t': true}", "a\r\nb\r\n");
    assert_render("{{#l}}\n- {{.}}\n{{/l}}\n", "{'l': ['x', 'y']}", "- x\n- y\n");
}

static void test_partials(void **state)
{
    (void)state;
    const mem_partial parts[] = {
        {"row", "| {{name}} | {{pid}} |\n"},
        {"item", "a\n{{x}}\n\nb\n"},
        {"outer", "<{{> inner}}>"},
        {"inner", "{{v}}"},
        {"dir/x.part", "X"},
        {NULL, NULL},
    };
    assert_render_with("{{#p}}{{> row}}{{/p}}", parts,
                       "{'p': [{'name': 'a', 'pid': 4}, {'name': 'b', 'pid': 8}]}",
                       "| a | 4 |\n| b | 8 |\n");
    /* A standalone partial's indentation goes before each of its lines. */
    assert_render_with("list:\n  {{> item}}\nend\n", parts, "{'x': 'v'}",
                       "list:\n  a\n  v\n\n  b\nend\n");
    assert_render_with("[{{>outer}}]", parts, "{'v': 1}", "[<1>]");
    assert_render_with("{{> dir/x.part}}", parts, NULL, "X");
    /* A partial used twice is loaded and compiled once, and one that
     * includes itself inside a section stops when the data does. */
    const mem_partial tree[] = {{"node", "{{name}}{{#kids}}({{> node}}){{/kids}}"}, {NULL, NULL}};
    assert_render_with("{{> node}}", tree,
                       "{'name': 'a', 'kids': [{'name': 'b', 'kids': [{'name': 'c', 'kids': []}]},"
                       " {'name': 'd', 'kids': []}]}",
                       "a(b(c))(d)");
    /* Leaves without their own 'kids' would find their parent's (names
     * search enclosing contexts): the partial depth limit stops that. */
    char *out, *diag;
    assert_int_equal(run("{{> node}}", tree, "{'name': 'a', 'kids': [{'name': 'b'}]}", 0, &out, &diag),
                     LINEAGE_E_LIMIT);
    assert_null(out);
    free(diag);
}

static void test_dir_loader(void **state)
{
    (void)state;
    char dir[] = "/tmp/lineage-template-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/greet.md", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("Hi {{who}}", f);
    fclose(f);

    lineage_template_dir d = {dir, ".md"};
    lineage_diag_list *diags = lineage_diag_list_new();
    lineage_template *t = NULL;
    const char *tpl = "{{> greet}}.";
    assert_int_equal(lineage_template_compile(tpl, strlen(tpl), "main.md",
                                              lineage_template_dir_loader, &d, diags, &t),
                     LINEAGE_OK);
    arena *a = arena_new();
    char *out = NULL;
    assert_int_equal(lineage_template_render(t, data(a, "{'who': 'you'}"), 0, diags, &out, NULL),
                     LINEAGE_OK);
    assert_string_equal(out, "Hi you.");
    free(out);
    lineage_template_free(t);

    /* A name that would leave the directory is refused, not opened. */
    char *text = NULL, *source = NULL;
    size_t len = 0;
    assert_int_equal(lineage_template_dir_loader(&d, "../greet", &text, &len, &source),
                     LINEAGE_E_ARG);
    assert_int_equal(lineage_template_dir_loader(&d, "absent", &text, &len, &source),
                     LINEAGE_E_IO);
    assert_null(text);
    remove(path);
    rmdir(dir);
    arena_free(a);
    lineage_diag_list_free(diags);
}

/* Template files that are not regular files are refused at once as ones
 * that cannot be read: a FIFO without blocking in open() for a writer,
 * /dev/zero without reading forever. The alarm turns a hang into a
 * failure. */
static void test_dir_loader_not_regular(void **state)
{
    (void)state;
    char dir[] = "/tmp/lineage-template-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char fifo[256], zero[256], sub[256];
    snprintf(fifo, sizeof fifo, "%s/fifo.md", dir);
    snprintf(zero, sizeof zero, "%s/zero.md", dir);
    snprintf(sub, sizeof sub, "%s/sub.md", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(symlink("/dev/zero", zero), 0);
    assert_int_equal(mkdir(sub, 0700), 0);
    alarm(10);

    lineage_template_dir d = {dir, ".md"};
    static const char *const names[] = {"fifo", "zero", "sub"};
    for (size_t i = 0; i < 3; i++) {
        char *text = NULL, *source = NULL;
        size_t len = 0;
        assert_int_equal(lineage_template_dir_loader(&d, names[i], &text, &len, &source),
                         LINEAGE_E_IO);
        assert_null(text);
        assert_null(source);
    }
    lineage_diag_list *diags = lineage_diag_list_new();
    lineage_template *t = NULL;
    const char *tpl = "a {{> fifo}}";
    assert_int_equal(lineage_template_compile(tpl, strlen(tpl), "main.md",
                                              lineage_template_dir_loader, &d, diags, &t),
                     LINEAGE_E_TEMPLATE);
    assert_null(t);
    assert_int_equal(lineage_diag_list_count(diags), 1);
    char *msg = lineage_diag_format(lineage_diag_list_get(diags, 0));
    assert_string_equal(msg, "main.md:1:3: error: partial 'fifo' cannot be loaded: no such "
                             "template, or it cannot be read\n a {{> fifo}}\n   ^\n");
    free(msg);
    lineage_diag_list_free(diags);

    alarm(0);
    remove(fifo);
    remove(zero);
    rmdir(sub);
    rmdir(dir);
}

/* ---- errors pinned with file:line:col --------------------------------- */

static void test_compile_errors(void **state)
{
    (void)state;
    const lineage_status E = LINEAGE_E_TEMPLATE;
    assert_template_error("ok\n{{#a}}x", NULL, NULL, E, "t:2:1: error: section 'a' is never closed");
    assert_template_error("{{#a}}{{/b}}", NULL, NULL, E,
                          "t:1:7: error: '{{/b}}' closes section 'a' opened at line 1, column 1");
    assert_template_error("x\n  {{/a}}", NULL, NULL, E, "t:2:3: error: '{{/a}}' closes no open section");
    assert_template_error("a {{%x}}", NULL, NULL, E, "t:1:3: error: unknown tag kind '%'");
    assert_template_error("{{a..b}}", NULL, NULL, E,
                          "t:1:1: error: bad name 'a..b': use letters, digits, '_' and '-' joined by '.'");
    assert_template_error("{{#a b}}{{/a b}}", NULL, NULL, E,
                          "t:1:1: error: bad name 'a b': use letters, digits, '_' and '-' joined by '.'");
    assert_template_error("{{=<% %>=}}", NULL, NULL, E,
                          "t:1:1: error: set-delimiter tags ('{{=') are not supported");
    assert_template_error("x{{ }}", NULL, NULL, E, "t:1:2: error: empty tag");
    assert_template_error("ab\n  {{name\n}}", NULL, NULL, E,
                          "t:2:3: error: unclosed tag: no '}}' on this line");
    assert_template_error("{{! never closed", NULL, NULL, E,
                          "t:1:1: error: unclosed tag: no '}}' ends the comment");
    assert_template_error("{{{x}}", NULL, NULL, E, "t:1:1: error: '{{{' is closed by '}}' instead of '}}}'");
    assert_template_error("{{> ../etc/passwd}}", NULL, NULL, E,
                          "t:1:1: error: bad partial name '../etc/passwd': use letters, digits, '_', "
                          "'-' and '.' in segments joined by '/'");
    assert_template_error("-> {{> nope}}", NULL, NULL, E,
                          "t:1:4: error: partial 'nope' cannot be loaded: no such template, or it "
                          "cannot be read");
    /* Errors in a partial name the partial's source. */
    const mem_partial bad[] = {{"p", "fine\n {{#x}}"}, {NULL, NULL}};
    assert_template_error("{{> p}}", bad, NULL, E, "mem:p:2:2: error: section 'x' is never closed");
}

static void test_every_error_reported_with_caret(void **state)
{
    (void)state;
    const char *tpl = "{{#a}}\n{{bad name}}\n{{/b}}\n{{%}}\n";
    lineage_diag_list *diags = lineage_diag_list_new();
    lineage_template *t = NULL;
    assert_int_equal(lineage_template_compile(tpl, strlen(tpl), "r.md", NULL, NULL, diags, &t),
                     LINEAGE_E_TEMPLATE);
    assert_null(t);
    assert_int_equal(lineage_diag_list_count(diags), 3);
    char *f = lineage_diag_format(lineage_diag_list_get(diags, 1));
    assert_string_equal(f, "r.md:3:1: error: '{{/b}}' closes section 'a' opened at line 1, column 1\n"
                           " {{/b}}\n"
                           " ^\n");
    free(f);
    f = lineage_diag_format(lineage_diag_list_get(diags, 2));
    assert_string_equal(f, "r.md:4:1: error: unknown tag kind '%'\n {{%}}\n ^\n");
    free(f);
    lineage_diag_list_free(diags);
}

static void test_render_errors(void **state)
{
    (void)state;
    const lineage_status E = LINEAGE_E_TEMPLATE;
    assert_template_error("a\n  {{nope}}", NULL, "{}", E, "t:2:3: error: 'nope' is not defined");
    assert_template_error("{{l}}", NULL, "{'l': [1]}", E,
                          "t:1:1: error: 'l' is a list: use it as a section, {{#l}}");
    assert_template_error("{{{m}}}", NULL, "{'m': {}}", E,
                          "t:1:1: error: 'm' is a map: use it as a section, {{#m}}");
    /* Strict mode leaves sections on absent names alone. */
    assert_render("{{#nope}}x{{/nope}}{{^nope}}y{{/nope}}", "{}", "y");
}

/* ---- limits -------------------------------------------------------------- */

static char *repeat(const char *s, size_t n)
{
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i++)
        strbuf_puts(&sb, s);
    return strbuf_detach(&sb);
}

static void test_limit_nesting(void **state)
{
    (void)state;
    for (unsigned depth = LINEAGE_TEMPLATE_MAX_NESTING; depth <= LINEAGE_TEMPLATE_MAX_NESTING + 1;
         depth++) {
        char *open = repeat("{{#a}}", depth);
        char *close = repeat("{{/a}}", depth);
        strbuf tpl = STRBUF_INIT;
        strbuf_printf(&tpl, "%sx%s", open, close);
        char *out, *diag;
        lineage_status st = run(tpl.data, NULL, "{'a': true}", 0, &out, &diag);
        if (depth == LINEAGE_TEMPLATE_MAX_NESTING) {
            assert_int_equal(st, LINEAGE_OK);
            assert_string_equal(out, "x");
        } else {
            assert_int_equal(st, LINEAGE_E_LIMIT);
            char expected[100];
            snprintf(expected, sizeof expected, "t:1:%u: error: sections nested deeper than %u",
                     6 * LINEAGE_TEMPLATE_MAX_NESTING + 1, LINEAGE_TEMPLATE_MAX_NESTING);
            assert_string_equal(diag, expected);
        }
        free(out);
        free(diag);
        free(open);
        free(close);
        strbuf_release(&tpl);
    }
}

static void test_limit_partial_depth(void **state)
{
    (void)state;
    char expected[120];
    snprintf(expected, sizeof expected,
             "mem:self:1:2: error: partials nested deeper than %u (does 'self' include itself?)",
             LINEAGE_TEMPLATE_MAX_PARTIAL_DEPTH);
    const mem_partial self[] = {{"self", "x{{> self}}"}, {NULL, NULL}};
    assert_template_error("{{> self}}", self, NULL, LINEAGE_E_LIMIT, expected);
    /* Two partials including each other stop the same way. */
    const mem_partial pair[] = {{"a", "{{> b}}"}, {"b", "{{> a}}"}, {NULL, NULL}};
    char *out, *diag;
    assert_int_equal(run("{{> a}}", pair, NULL, 0, &out, &diag), LINEAGE_E_LIMIT);
    assert_non_null(strstr(diag, "partials nested deeper than"));
    free(diag);
    /* Exactly the limit is fine. */
    mem_partial chain[LINEAGE_TEMPLATE_MAX_PARTIAL_DEPTH + 1];
    char names[LINEAGE_TEMPLATE_MAX_PARTIAL_DEPTH][8];
    char texts[LINEAGE_TEMPLATE_MAX_PARTIAL_DEPTH][16];
    for (unsigned i = 0; i < LINEAGE_TEMPLATE_MAX_PARTIAL_DEPTH; i++) {
        snprintf(names[i], sizeof names[i], "p%u", i);
        if (i + 1 < LINEAGE_TEMPLATE_MAX_PARTIAL_DEPTH)
            snprintf(texts[i], sizeof texts[i], "{{> p%u}}", i + 1);
        else
            snprintf(texts[i], sizeof texts[i], "end");
        chain[i].name = names[i];
        chain[i].text = texts[i];
    }
    chain[LINEAGE_TEMPLATE_MAX_PARTIAL_DEPTH].name = NULL;
    assert_render_with("{{> p0}}", chain, NULL, "end");
}

static void test_limit_tags(void **state)
{
    (void)state;
    char *ok = repeat("{{x}}", LINEAGE_TEMPLATE_MAX_TAGS);
    char *out, *diag;
    assert_int_equal(run(ok, NULL, "{'x': 'y'}", 0, &out, &diag), LINEAGE_OK);
    assert_int_equal(strlen(out), LINEAGE_TEMPLATE_MAX_TAGS);
    free(out);
    free(ok);
    char *over = repeat("{{! c }}", LINEAGE_TEMPLATE_MAX_TAGS + 1);
    assert_int_equal(run(over, NULL, NULL, 0, &out, &diag), LINEAGE_E_LIMIT);
    char expected[100];
    snprintf(expected, sizeof expected, "t:1:%u: error: more than %u tags",
             8 * LINEAGE_TEMPLATE_MAX_TAGS + 1, LINEAGE_TEMPLATE_MAX_TAGS);
    assert_string_equal(diag, expected);
    free(diag);
    free(over);
}

static void test_limit_output(void **state)
{
    (void)state;
    size_t mib = 1024u * 1024u;
    size_t items = LINEAGE_TEMPLATE_MAX_OUTPUT / mib;
    arena *a = arena_new();
    char *big = malloc(mib);
    memset(big, 'x', mib);
    const lineage_tvalue *blob = tvalue_string(a, big, mib);
    free(big);
    lineage_tvalue *root = tvalue_map(a);
    lineage_tvalue *fits = tvalue_list(a), *over = tvalue_list(a);
    for (size_t i = 0; i < items; i++) {
        tvalue_list_add(a, fits, blob);
        tvalue_list_add(a, over, blob);
    }
    tvalue_list_add(a, over, blob);
    tvalue_map_set(a, root, "fits", fits);
    tvalue_map_set(a, root, "over", over);
    lineage_diag_list *diags = lineage_diag_list_new();
    lineage_template *t = NULL;
    const char *tpl = "{{#fits}}{{{.}}}{{/fits}}";
    assert_int_equal(lineage_template_compile(tpl, strlen(tpl), "t", NULL, NULL, diags, &t), LINEAGE_OK);
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(lineage_template_render(t, root, 0, diags, &out, &len), LINEAGE_OK);
    assert_int_equal(len, LINEAGE_TEMPLATE_MAX_OUTPUT);
    free(out);
    lineage_template_free(t);
    tpl = "{{#over}}{{{.}}}{{/over}}";
    assert_int_equal(lineage_template_compile(tpl, strlen(tpl), "t", NULL, NULL, diags, &t), LINEAGE_OK);
    assert_int_equal(lineage_template_render(t, root, 0, diags, &out, &len), LINEAGE_E_LIMIT);
    assert_null(out);
    char *f = lineage_diag_format(lineage_diag_list_get(diags, 0));
    char expected[100];
    snprintf(expected, sizeof expected, "t:1:10: error: output larger than %u bytes\n",
             LINEAGE_TEMPLATE_MAX_OUTPUT);
    assert_int_equal(strncmp(f, expected, strlen(expected)), 0);
    free(f);
    lineage_template_free(t);
    lineage_diag_list_free(diags);
    arena_free(a);
}

/* ---- hostile values through cmark-gfm ------------------------------------ */

static void test_markdown_literal(void **state)
{
    (void)state;
    assert_literal("svchost.exe", "<p>svchost.exe</p>\n");
    assert_literal("*_[x](y)", "<p>*_[x](y)</p>\n");
    assert_literal("**bold** __b__ _i_", "<p>**bold** __b__ _i_</p>\n");
    assert_literal("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
    assert_literal("<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n");
    assert_literal("a`b``c", "<p>a`b``c</p>\n");
    assert_literal("```", "<p>```</p>\n");
    assert_literal("~~~", "<p>~~~</p>\n");
    assert_literal("~~gone~~", "<p>~~gone~~</p>\n");
    assert_literal("# h", "<p># h</p>\n");
    assert_literal("> q", "<p>&gt; q</p>\n");
    assert_literal("- x", "<p>- x</p>\n");
    assert_literal("+ x", "<p>+ x</p>\n");
    assert_literal("* x", "<p>* x</p>\n");
    assert_literal("1. x", "<p>1. x</p>\n");
    assert_literal("12) x", "<p>12) x</p>\n");
    assert_literal("---", "<p>---</p>\n");
    assert_literal("[ ] task", "<p>[ ] task</p>\n");
    assert_literal("[^1]", "<p>[^1]</p>\n");
    assert_literal("![i](http://e/x.png)", "<p>![i](http://e/x.png)</p>\n");
    assert_literal("<http://e.example>", "<p>&lt;http://e.example&gt;</p>\n");
    assert_literal("http://e.example/x", "<p>http://e.example/x</p>\n");
    assert_literal("www.e.example", "<p>www.e.example</p>\n");
    /* GFM's e-mail autolinker works on the decoded text, so no escape can
     * stop it; the name still shows literally, only as a link. */
    assert_literal("a@e.example", "<p><a href=\"mailto:a@e.example\">a@e.example</a></p>\n");
    assert_literal("&amp; &#65; &copy;", "<p>&amp;amp; &amp;#65; &amp;copy;</p>\n");
    assert_literal("C:\\Windows\\System32\\", "<p>C:\\Windows\\System32\\</p>\n");
    assert_literal("a\\*b", "<p>a\\*b</p>\n");
    assert_literal("    code", "<p>    code</p>\n");
    assert_literal("tab\there", "<p>tab\\there</p>\n");
    assert_literal("a\x1b[31mb\x07", "<p>a\\x1b[31mb\\x07</p>\n");
    assert_literal("line\nbreak", "<p>line\\nbreak</p>\n");
    assert_literal("cr\rx", "<p>cr\\rx</p>\n");
    assert_literal("bidi\xe2\x80\xae" "exe.txt", "<p>bidi\\u202eexe.txt</p>\n");
    assert_literal("c1\xc2\x9b", "<p>c1\\u009b</p>\n");
    /* Invisible and format characters show, so no name passes for another. */
    assert_literal("svc\xe2\x80\x8bhost.exe", "<p>svc\\u200bhost.exe</p>\n");
    assert_literal("soft\xc2\xadhyphen \xef\xbb\xbf" "bom \xe2\x81\xa0" "wj",
                   "<p>soft\\u00adhyphen \\ufeffbom \\u2060wj</p>\n");
    assert_literal("l\xe2\x80\x8f" "r \xd8\x9c \xe2\x80\xa8 \xef\xbf\xb9",
                   "<p>l\\u200fr \\u061c \\u2028 \\ufff9</p>\n");
    /* An escape and the same text typed into a value never look alike: a
     * backslash that could start an escape is shown doubled; others stay. */
    assert_literal("esc\x1b", "<p>esc\\x1b</p>\n");
    assert_literal("esc\\x1b", "<p>esc\\\\x1b</p>\n");
    assert_literal("a\\\x1b", "<p>a\\\\\\x1b</p>\n");
    assert_literal("rlo\\u202e", "<p>rlo\\\\u202e</p>\n");
    assert_literal("C:\\temp\\new\\Windows", "<p>C:\\\\temp\\\\new\\Windows</p>\n");
    assert_literal("two\\\\", "<p>two\\\\\\</p>\n");
    assert_literal("/^smss\\.exe$/", "<p>/^smss\\.exe$/</p>\n");
    assert_literal("bad\xff\xfe utf8 \xc3", "<p>bad\xef\xbf\xbd\xef\xbf\xbd utf8 \xef\xbf\xbd</p>\n");
    assert_literal("\xe6\x97\xa5\xe6\x9c\xac", "<p>\xe6\x97\xa5\xe6\x9c\xac</p>\n");
    /* The value continues or follows a line: no setext heading, no hard break. */
    assert_html("a\n{{name}}\n", "===", "<p>a\n===</p>\n");
    assert_html("a\n{{name}}\n", "---", "<p>a\n---</p>\n");
    assert_html("{{name}}\nnext\n", "end  ", "<p>end  \nnext</p>\n");
    assert_html("# {{name}}\n", "title #", "<h1>title #</h1>\n");
}

static void test_markdown_table_cells(void **state)
{
    (void)state;
    const char *tpl = "| Name | PID |\n| --- | --- |\n| {{name}} | 4 |\n";
    const char *head = "<table>\n<thead>\n<tr>\n<th>Name</th>\n<th>PID</th>\n</tr>\n</thead>\n"
                       "<tbody>\n<tr>\n<td>";
    const char *tail = "</td>\n<td>4</td>\n</tr>\n</tbody>\n</table>\n";
    const char *names[][2] = {
        {"a|b", "a|b"},
        {"a\\|b", "a\\|b"},
        {"|x|", "|x|"},
        {"- | -", "- | -"},
        {"<b>|</b>", "&lt;b&gt;|&lt;/b&gt;"},
        {"`|`", "`|`"},
        {"x\ny", "x\\ny"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char expected[512];
        snprintf(expected, sizeof expected, "%s%s%s", head, names[i][1], tail);
        assert_html(tpl, names[i][0], expected);
    }
}

static void test_fenced_block(void **state)
{
    (void)state;
    assert_int_equal(md_fence_length("abc", 3), 3);
    assert_int_equal(md_fence_length("a```b", 5), 4);
    assert_int_equal(md_fence_length("``````", 6), 7);

    const char content[] = "x```y\n````\n~~~\n\x1b[0m \xff\n\tindent";
    strbuf sb = STRBUF_INIT;
    md_fenced_block(&sb, "text", content, sizeof content - 1);
    assert_string_equal(sb.data, "`````text\nx```y\n````\n~~~\n\\x1b[0m \xef\xbf\xbd\n\tindent\n`````\n");
    char *html = html_of(sb.data);
    assert_string_equal(html, "<pre><code class=\"language-text\">x```y\n````\n~~~\n\\x1b[0m "
                              "\xef\xbf\xbd\n\tindent\n</code></pre>\n");
    free(html);
    strbuf_release(&sb);

    /* A bad info string is left out; empty content still closes. */
    md_fenced_block(&sb, "a`b", "", 0);
    assert_string_equal(sb.data, "```\n```\n");
    strbuf_release(&sb);
}

static void test_mermaid_label(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    const char name[] = "a\"b#c<d>&e`f]g;h\x1b\xff";
    md_mermaid_label(&sb, name, sizeof name - 1);
    assert_string_equal(sb.data, "\"a#quot;b#35;c#lt;d#gt;#amp;e#96;f]g;h\\x1b\xef\xbf\xbd\"");
    strbuf_release(&sb);
    md_mermaid_label(&sb, "", 0);
    assert_string_equal(sb.data, "\"\"");
    strbuf_release(&sb);
    /* Invisible characters show; a backslash that could start an escape
     * is doubled. */
    const char odd[] = "svc\xe2\x80\x8bhost \\x1b \x1b a\\b";
    md_mermaid_label(&sb, odd, sizeof odd - 1);
    assert_string_equal(sb.data, "\"svc\\u200bhost \\\\x1b \\x1b a\\b\"");
    strbuf_release(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_variables),
        cmocka_unit_test(test_dotted_names),
        cmocka_unit_test(test_sections),
        cmocka_unit_test(test_raw_and_comments),
        cmocka_unit_test(test_standalone_lines),
        cmocka_unit_test(test_partials),
        cmocka_unit_test(test_dir_loader),
        cmocka_unit_test(test_dir_loader_not_regular),
        cmocka_unit_test(test_compile_errors),
        cmocka_unit_test(test_every_error_reported_with_caret),
        cmocka_unit_test(test_render_errors),
        cmocka_unit_test(test_limit_nesting),
        cmocka_unit_test(test_limit_partial_depth),
        cmocka_unit_test(test_limit_tags),
        cmocka_unit_test(test_limit_output),
        cmocka_unit_test(test_markdown_literal),
        cmocka_unit_test(test_markdown_table_cells),
        cmocka_unit_test(test_fenced_block),
        cmocka_unit_test(test_mermaid_label),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
