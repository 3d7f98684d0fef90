/* The XML report: the report model written with libxml2's xmlTextWriter
 * in the namespace urn:lineage:report:1, matching docs/lineage-report.xsd
 * element for element, and validation of a report against that schema
 * (embedded in the library at build time).
 *
 * Typed for machines: numbers, booleans, levels, PIDs and identifiers are
 * attributes; text from the inputs is element content. XML 1.0 cannot
 * carry control characters (other than tab and line feed) nor bytes that
 * are not UTF-8, so such text is written with U+FFFD in their place and an
 * attribute `raw` holding the original escaped as in the text tree:
 * printable ASCII and valid UTF-8 as is, `\\` for a backslash, `\xNN` for
 * any other byte. The output is therefore always well-formed. */
#include <lineage/report.h>

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlwriter.h>

#include "alloc.h"
#include "report_model.h"
#include "report_schema.h"
#include "strbuf.h"
#include "tvalue.h"
#include "utf8.h"

#define NS "urn:lineage:report:1"

/* ---- text that XML 1.0 can carry ---------------------------------------- */

/* Length of the character at s that XML 1.0 allows (1-4 bytes), or 0 when
 * the byte there must be replaced. */
static size_t xml_char_len(const char *s, size_t len)
{
    unsigned char c = (unsigned char)s[0];
    if (c < 0x80)
        return c >= 0x20 || c == '\t' || c == '\n' ? 1 : 0;
    size_t n = utf8_valid_prefix(s, len);
    /* U+FFFE and U+FFFF (EF BF BE / EF BF BF) are not XML characters. */
    if (n == 3 && c == 0xef && (unsigned char)s[1] == 0xbf && (unsigned char)s[2] >= 0xbe)
        return 0;
    return n;
}

/* Makes `clean` the XML-safe form of s; when something had to be replaced,
 * also makes `raw` the escaped original and returns 1. */
static int xml_clean(const char *s, size_t len, strbuf *clean, strbuf *raw)
{
    clean->len = 0;
    raw->len = 0;
    strbuf_add(clean, "", 0);
    int replaced = 0;
    for (size_t i = 0; i < len;) {
        size_t n = xml_char_len(s + i, len - i);
        if (n) {
            strbuf_add(clean, s + i, n);
            i += n;
        } else {
            strbuf_add(clean, "\xef\xbf\xbd", 3);
            replaced = 1;
            i++;
            /* Skip the rest of a malformed sequence byte by byte: each bad
             * byte is one U+FFFD, as in the raw form. */
        }
    }
    if (!replaced)
        return 0;
    strbuf_add(raw, "", 0);
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        size_t n = c >= 0x80 ? xml_char_len(s + i, len - i) : 0;
        if (c == '\\') {
            strbuf_add(raw, "\\\\", 2);
            i++;
        } else if (c >= 0x20 && c < 0x7f) {
            strbuf_putc(raw, (char)c);
            i++;
        } else if (n) {
            strbuf_add(raw, s + i, n);
            i += n;
        } else {
            strbuf_printf(raw, "\\x%02x", c);
            i++;
        }
    }
    return 1;
}

/* ---- the writer ------------------------------------------------------------ */

typedef struct xw {
    xmlTextWriterPtr w;
    strbuf clean, raw;
    int failed; /* a writer call failed (out of memory) */
} xw;

static void check(xw *x, int rc)
{
    if (rc < 0)
        x->failed = 1;
}

static const lineage_tvalue *field(const lineage_tvalue *map, const char *key)
{
    return tvalue_map_get(map, key, strlen(key));
}

static void start(xw *x, const char *name)
{
    check(x, xmlTextWriterStartElement(x->w, (const xmlChar *)name));
}

static void end(xw *x)
{
    check(x, xmlTextWriterEndElement(x->w));
}

/* An attribute from a string value; replaced characters become U+FFFD
 * (attributes hold identifiers and words lineage makes, never raw names). */
static void attr_str(xw *x, const char *name, const lineage_tvalue *v)
{
    if (!v || tvalue_get_kind(v) != TV_STRING)
        return;
    size_t len;
    const char *s = tvalue_get_string(v, &len);
    xml_clean(s, len, &x->clean, &x->raw);
    check(x, xmlTextWriterWriteAttribute(x->w, (const xmlChar *)name,
                                         (const xmlChar *)x->clean.data));
}

static void attr_num(xw *x, const char *name, const lineage_tvalue *v)
{
    if (!v || tvalue_get_kind(v) != TV_NUMBER)
        return;
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, tvalue_get_number(v));
    check(x, xmlTextWriterWriteAttribute(x->w, (const xmlChar *)name, (const xmlChar *)buf));
}

/* Numbers the model keeps as 64-bit patterns (PIDs, bugcheck codes and
 * parameters): written unsigned, so a parameter above 2^63 reads right. */
static void attr_u64(xw *x, const char *name, const lineage_tvalue *v)
{
    if (!v || tvalue_get_kind(v) != TV_NUMBER)
        return;
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRIu64, (uint64_t)tvalue_get_number(v));
    check(x, xmlTextWriterWriteAttribute(x->w, (const xmlChar *)name, (const xmlChar *)buf));
}

static void attr_bool(xw *x, const char *name, const lineage_tvalue *v)
{
    if (!v || tvalue_get_kind(v) != TV_BOOL)
        return;
    check(x, xmlTextWriterWriteAttribute(x->w, (const xmlChar *)name,
                                         (const xmlChar *)(tvalue_get_bool(v) ? "true" : "false")));
}

/* <name>text</name>, with `raw` when characters were replaced; nothing
 * when v is absent. */
static void text_elem(xw *x, const char *name, const lineage_tvalue *v)
{
    if (!v || tvalue_get_kind(v) != TV_STRING)
        return;
    size_t len;
    const char *s = tvalue_get_string(v, &len);
    int replaced = xml_clean(s, len, &x->clean, &x->raw);
    start(x, name);
    if (replaced)
        check(x, xmlTextWriterWriteAttribute(x->w, (const xmlChar *)"raw",
                                             (const xmlChar *)x->raw.data));
    check(x, xmlTextWriterWriteString(x->w, (const xmlChar *)x->clean.data));
    end(x);
}

/* <name><item>..</item>...</name> from a list of strings. */
static void strings_elem(xw *x, const char *name, const lineage_tvalue *list)
{
    start(x, name);
    for (const tvalue_cell *c = tvalue_list_first(list); c; c = tvalue_cell_next(c))
        text_elem(x, "item", tvalue_cell_value(c));
    end(x);
}

/* The attributes of <os> and of the <assumed> inside it. */
static void os_attrs(xw *x, const lineage_tvalue *os)
{
    attr_str(x, "name", field(os, "name"));
    attr_num(x, "build", field(os, "build"));
    attr_str(x, "family", field(os, "family"));
}

static void write_verdict(xw *x, const lineage_tvalue *v)
{
    start(x, "verdict");
    attr_str(x, "level", field(v, "level"));
    attr_bool(x, "clean", field(v, "clean"));
    attr_num(x, "findings", field(v, "findings"));
    attr_num(x, "suppressed", field(v, "suppressed"));
    attr_num(x, "differences", field(v, "differences"));
    attr_num(x, "dumps", field(v, "dumps"));
    attr_num(x, "processes", field(v, "processes"));
    start(x, "levels");
    for (const tvalue_cell *c = tvalue_list_first(field(v, "levels")); c; c = tvalue_cell_next(c)) {
        const lineage_tvalue *l = tvalue_cell_value(c);
        start(x, "level");
        attr_str(x, "level", field(l, "level"));
        attr_num(x, "findings", field(l, "findings"));
        attr_num(x, "differences", field(l, "differences"));
        end(x);
    }
    end(x);
    end(x);
}

static void write_process(xw *x, const lineage_tvalue *p)
{
    if (!p)
        return;
    start(x, "process");
    attr_u64(x, "pid", field(p, "pid"));
    attr_str(x, "pid_hex", field(p, "pid_hex"));
    attr_u64(x, "ppid", field(p, "ppid"));
    attr_str(x, "ppid_hex", field(p, "ppid_hex"));
    attr_str(x, "node", field(p, "node"));
    text_elem(x, "name", field(p, "name"));
    end(x);
}

static void write_findings(xw *x, const char *name, const lineage_tvalue *list)
{
    start(x, name);
    for (const tvalue_cell *c = tvalue_list_first(list); c; c = tvalue_cell_next(c)) {
        const lineage_tvalue *f = tvalue_cell_value(c);
        start(x, "finding");
        attr_str(x, "rule", field(f, "rule"));
        attr_str(x, "level", field(f, "level"));
        attr_num(x, "dump", field(f, "dump"));
        attr_bool(x, "suppressed", field(f, "suppressed"));
        text_elem(x, "title", field(f, "title"));
        text_elem(x, "description", field(f, "description"));
        strings_elem(x, "paragraphs", field(f, "paragraphs"));
        strings_elem(x, "references", field(f, "references"));
        write_process(x, field(f, "process"));
        const lineage_tvalue *e = field(f, "evidence");
        start(x, "evidence");
        attr_num(x, "line", field(e, "line"));
        text_elem(x, "file", field(e, "file"));
        text_elem(x, "chain", field(e, "chain"));
        strings_elem(x, "steps", field(e, "steps"));
        text_elem(x, "expected", field(e, "expected"));
        end(x);
        text_elem(x, "reason", field(f, "reason"));
        end(x);
    }
    end(x);
}

static void write_differences(xw *x, const lineage_tvalue *list)
{
    start(x, "differences");
    for (const tvalue_cell *c = tvalue_list_first(list); c; c = tvalue_cell_next(c)) {
        const lineage_tvalue *d = tvalue_cell_value(c);
        start(x, "difference");
        attr_str(x, "kind", field(d, "kind"));
        attr_str(x, "level", field(d, "level"));
        attr_num(x, "dump", field(d, "dump"));
        attr_num(x, "count", field(d, "count"));
        text_elem(x, "key", field(d, "key"));
        text_elem(x, "message", field(d, "message"));
        write_process(x, field(d, "process"));
        const lineage_tvalue *e = field(d, "evidence");
        start(x, "evidence");
        attr_num(x, "line", field(e, "line"));
        text_elem(x, "file", field(e, "file"));
        const lineage_tvalue *b = field(e, "baseline");
        if (b) {
            start(x, "baseline");
            attr_num(x, "line", field(b, "line"));
            text_elem(x, "file", field(b, "file"));
            text_elem(x, "key", field(b, "key"));
            end(x);
        }
        end(x);
        end(x);
    }
    end(x);
}

static void write_tree(xw *x, const lineage_tvalue *t)
{
    start(x, "tree");
    attr_num(x, "deviating", field(t, "deviating"));
    text_elem(x, "text", field(t, "text"));
    start(x, "nodes");
    for (const tvalue_cell *c = tvalue_list_first(field(t, "nodes")); c; c = tvalue_cell_next(c)) {
        const lineage_tvalue *n = tvalue_cell_value(c);
        start(x, "node");
        attr_str(x, "id", field(n, "id"));
        attr_str(x, "kind", field(n, "kind"));
        attr_str(x, "parent", field(n, "parent"));
        attr_num(x, "depth", field(n, "depth"));
        attr_u64(x, "pid", field(n, "pid"));
        attr_str(x, "pid_hex", field(n, "pid_hex"));
        attr_u64(x, "threads", field(n, "threads"));
        attr_num(x, "line", field(n, "line"));
        attr_bool(x, "alive", field(n, "alive"));
        attr_bool(x, "hidden", field(n, "hidden"));
        attr_bool(x, "deviating", field(n, "deviating"));
        text_elem(x, "name", field(n, "name"));
        text_elem(x, "full_name", field(n, "full_name"));
        end(x);
    }
    end(x);
    end(x);
}

static void write_dump(xw *x, const lineage_tvalue *d)
{
    start(x, "dump");
    attr_num(x, "number", field(d, "number"));
    attr_str(x, "id", field(d, "id"));
    attr_num(x, "index", field(d, "index"));
    attr_num(x, "first_line", field(d, "first_line"));
    attr_num(x, "last_line", field(d, "last_line"));
    attr_str(x, "format", field(d, "format"));
    attr_str(x, "arch", field(d, "arch"));
    attr_num(x, "bits", field(d, "bits"));
    attr_num(x, "cpus", field(d, "cpus"));
    attr_num(x, "processes", field(d, "processes"));
    attr_bool(x, "complete", field(d, "complete"));
    attr_num(x, "elisions", field(d, "elisions"));
    text_elem(x, "title", field(d, "title"));
    text_elem(x, "source", field(d, "source"));
    const lineage_tvalue *os = field(d, "os");
    start(x, "os");
    os_attrs(x, os);
    const lineage_tvalue *assumed = field(os, "assumed");
    if (assumed) {
        start(x, "assumed");
        os_attrs(x, assumed);
        end(x);
    }
    end(x);
    text_elem(x, "kind", field(d, "kind"));
    const lineage_tvalue *bc = field(d, "bugcheck");
    if (bc) {
        start(x, "bugcheck");
        attr_u64(x, "code", field(bc, "code"));
        attr_str(x, "hex", field(bc, "hex"));
        attr_str(x, "name", field(bc, "name"));
        for (const tvalue_cell *c = tvalue_list_first(field(bc, "params")); c;
             c = tvalue_cell_next(c)) {
            const lineage_tvalue *p = tvalue_cell_value(c);
            start(x, "param");
            attr_num(x, "n", field(p, "n"));
            attr_u64(x, "value", field(p, "value"));
            attr_str(x, "hex", field(p, "hex"));
            end(x);
        }
        end(x);
    }
    write_verdict(x, field(d, "verdict"));
    write_findings(x, "findings", field(d, "findings"));
    write_findings(x, "suppressed", field(d, "suppressed"));
    write_differences(x, field(d, "differences"));
    write_tree(x, field(d, "tree"));
    end(x);
}

static void write_matrix(xw *x, const lineage_tvalue *m)
{
    if (!m)
        return;
    start(x, "matrix");
    attr_num(x, "differing", field(m, "differing"));
    start(x, "columns");
    for (const tvalue_cell *c = tvalue_list_first(field(m, "columns")); c; c = tvalue_cell_next(c)) {
        start(x, "column");
        attr_num(x, "dump", field(tvalue_cell_value(c), "dump"));
        attr_str(x, "label", field(tvalue_cell_value(c), "label"));
        end(x);
    }
    end(x);
    start(x, "rows");
    for (const tvalue_cell *c = tvalue_list_first(field(m, "rows")); c; c = tvalue_cell_next(c)) {
        const lineage_tvalue *r = tvalue_cell_value(c);
        start(x, "row");
        attr_bool(x, "differs", field(r, "differs"));
        text_elem(x, "parent", field(r, "parent"));
        text_elem(x, "child", field(r, "child"));
        for (const tvalue_cell *k = tvalue_list_first(field(r, "cells")); k;
             k = tvalue_cell_next(k)) {
            start(x, "cell");
            attr_num(x, "count", field(tvalue_cell_value(k), "count"));
            attr_str(x, "text", field(tvalue_cell_value(k), "text"));
            end(x);
        }
        end(x);
    }
    end(x);
    end(x);
}

static void write_rules(xw *x, const lineage_tvalue *list)
{
    start(x, "rules");
    for (const tvalue_cell *c = tvalue_list_first(list); c; c = tvalue_cell_next(c)) {
        const lineage_tvalue *r = tvalue_cell_value(c);
        start(x, "rule");
        attr_str(x, "id", field(r, "id"));
        attr_str(x, "level", field(r, "level"));
        attr_num(x, "line", field(r, "line"));
        attr_bool(x, "disabled", field(r, "disabled"));
        text_elem(x, "title", field(r, "title"));
        text_elem(x, "description", field(r, "description"));
        strings_elem(x, "paragraphs", field(r, "paragraphs"));
        strings_elem(x, "references", field(r, "references"));
        text_elem(x, "scope", field(r, "scope"));
        text_elem(x, "file", field(r, "file"));
        end(x);
    }
    end(x);
}

static void write_report(xw *x, const lineage_tvalue *root)
{
    check(x, xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL));
    check(x, xmlTextWriterStartElementNS(x->w, NULL, (const xmlChar *)"report",
                                         (const xmlChar *)NS));
    attr_str(x, "schema", field(root, "schema"));
    const lineage_tvalue *g = field(root, "generator");
    start(x, "generator");
    attr_str(x, "name", field(g, "name"));
    attr_str(x, "version", field(g, "version"));
    end(x);
    const lineage_tvalue *date = field(root, "date");
    if (date) {
        start(x, "date");
        attr_str(x, "iso", field(date, "iso"));
        attr_str(x, "day", field(date, "day"));
        attr_num(x, "epoch", field(date, "epoch"));
        end(x);
    }
    write_verdict(x, field(root, "verdict"));
    strings_elem(x, "inputs", field(root, "inputs"));
    const lineage_tvalue *b = field(root, "baseline");
    if (b) {
        start(x, "baseline");
        text_elem(x, "label", field(b, "label"));
        end(x);
    }
    start(x, "dumps");
    for (const tvalue_cell *c = tvalue_list_first(field(root, "dumps")); c; c = tvalue_cell_next(c))
        write_dump(x, tvalue_cell_value(c));
    end(x);
    write_findings(x, "findings", field(root, "findings"));
    write_differences(x, field(root, "differences"));
    write_matrix(x, field(root, "matrix"));
    write_rules(x, field(root, "rules"));
    write_findings(x, "suppressed", field(root, "suppressed"));
    end(x);
    check(x, xmlTextWriterEndDocument(x->w));
}

lineage_status lineage_report_render_xml(const lineage_report *report, char **out, size_t *len,
                                         lineage_diag_list *diags)
{
    if (out)
        *out = NULL;
    if (len)
        *len = 0;
    if (!report || !out || !diags || !report_model_tree(report))
        return LINEAGE_E_ARG;
    xmlBufferPtr buf = xmlBufferCreate();
    if (!buf)
        return LINEAGE_E_NOMEM;
    xw x;
    memset(&x, 0, sizeof x);
    lineage_status st = LINEAGE_OK;
    x.w = xmlNewTextWriterMemory(buf, 0);
    if (!x.w) {
        st = LINEAGE_E_NOMEM;
        goto done;
    }
    xmlTextWriterSetIndent(x.w, 1);
    xmlTextWriterSetIndentString(x.w, (const xmlChar *)"  ");
    write_report(&x, report_model_tree(report));
    xmlFreeTextWriter(x.w); /* flushes into buf */
    x.w = NULL;
    if (x.failed) {
        lineage_diag_add(diags, LINEAGE_ERROR, "report", 0, 0, NULL, 0,
                         "cannot write the XML report (out of memory)");
        st = LINEAGE_E_NOMEM;
        goto done;
    }
    size_t n = (size_t)xmlBufferLength(buf);
    *out = xmalloc(n + 1);
    memcpy(*out, xmlBufferContent(buf), n);
    (*out)[n] = '\0';
    if (len)
        *len = n;
done:
    strbuf_release(&x.clean);
    strbuf_release(&x.raw);
    xmlBufferFree(buf);
    return st;
}

/* ---- validation ------------------------------------------------------------ */

#if LIBXML_VERSION >= 21200
typedef const xmlError *xml_error_arg;
#else
typedef xmlErrorPtr xml_error_arg;
#endif

typedef struct collect {
    lineage_diag_list *diags;
    const char *source;
    size_t errors;
} collect;

static void add_xml_error(collect *c, const xmlError *e)
{
    size_t n = e->message ? strlen(e->message) : 0;
    while (n && (e->message[n - 1] == '\n' || e->message[n - 1] == ' '))
        n--;
    lineage_severity sev = e->level == XML_ERR_WARNING ? LINEAGE_WARNING : LINEAGE_ERROR;
    if (sev == LINEAGE_ERROR)
        c->errors++;
    lineage_diag_add(c->diags, sev, c->source, e->line > 0 ? (unsigned long)e->line : 0,
                     e->int2 > 0 ? (unsigned)e->int2 : 0, NULL, 0, "%.*s", (int)n,
                     e->message ? e->message : "XML error");
}

static void on_error(void *ctx, xml_error_arg e)
{
    if (e)
        add_xml_error(ctx, e);
}

const char *lineage_report_xml_schema(size_t *len)
{
    if (len)
        *len = report_schema_xsd_size;
    return (const char *)report_schema_xsd;
}

lineage_status lineage_report_validate_xml(const char *xml, size_t len, const char *source,
                                           lineage_diag_list *diags)
{
    if (!xml || !diags || len > INT32_MAX)
        return LINEAGE_E_ARG;
    collect c = {diags, source ? source : "report.xml", 0};
    collect schema_c = {diags, "lineage-report.xsd", 0};
    lineage_status st = LINEAGE_OK;
    xmlSchemaParserCtxtPtr pctxt = NULL;
    xmlSchemaPtr schema = NULL;
    xmlSchemaValidCtxtPtr vctxt = NULL;
    xmlDocPtr doc = NULL;
    xmlParserCtxtPtr parser = xmlNewParserCtxt();
    if (!parser) {
        st = LINEAGE_E_NOMEM;
        goto done;
    }
    /* No network, no entity expansion, nothing printed: a parse error is
     * read back from the context. */
    doc = xmlCtxtReadMemory(parser, xml, (int)len, NULL, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc || !parser->wellFormed) {
        const xmlError *e = xmlCtxtGetLastError(parser);
        if (e && e->message)
            add_xml_error(&c, e);
        else
            lineage_diag_add(diags, LINEAGE_ERROR, c.source, 0, 0, NULL, 0,
                             "not well-formed XML");
        st = LINEAGE_E_PARSE;
        goto done;
    }
    pctxt = xmlSchemaNewMemParserCtxt((const char *)report_schema_xsd,
                                      (int)report_schema_xsd_size);
    if (!pctxt) {
        st = LINEAGE_E_NOMEM;
        goto done;
    }
    xmlSchemaSetParserStructuredErrors(pctxt, on_error, &schema_c);
    schema = xmlSchemaParse(pctxt);
    if (!schema) {
        lineage_diag_add(diags, LINEAGE_ERROR, schema_c.source, 0, 0, NULL, 0,
                         "the embedded report schema does not parse");
        st = LINEAGE_E_INTERNAL;
        goto done;
    }
    vctxt = xmlSchemaNewValidCtxt(schema);
    if (!vctxt) {
        st = LINEAGE_E_NOMEM;
        goto done;
    }
    xmlSchemaSetValidStructuredErrors(vctxt, on_error, &c);
    int rc = xmlSchemaValidateDoc(vctxt, doc);
    if (rc != 0) {
        if (c.errors == 0)
            lineage_diag_add(diags, LINEAGE_ERROR, c.source, 0, 0, NULL, 0,
                             "the report does not match the schema");
        st = rc > 0 ? LINEAGE_E_PARSE : LINEAGE_E_INTERNAL;
    }
done:
    xmlSchemaFreeValidCtxt(vctxt);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pctxt);
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(parser);
    return st;
}
