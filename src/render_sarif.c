/* The SARIF report (Static Analysis Results Interchange Format 2.1.0), the
 * format CI pipelines and code-scanning dashboards ingest, written from the
 * report model.
 *
 * One run. tool.driver.rules holds the rules evaluated (the model's
 * `rules`, in load order), then one rule per kind of difference against
 * the baseline that occurs (ids "diff-<kind>", in order of first
 * appearance). Results: every unsuppressed finding, every difference, then
 * every suppressed finding with `suppressions` (kind "external", the
 * suppression's reason as justification), each in model order, located at
 * the dump's file and the process's line. Levels map critical and high to
 * "error", medium to "warning", low and info to "note"; the lineage level
 * itself is kept in the properties, and so is the build a finding's dump
 * was checked as when its listing gave none (--assume-os).
 *
 * Viewers show message and description texts as they are, so those are
 * escaped as terminal output is (control, invisible and bidirectional
 * characters as \xNN or \uNNNN): input names and chains with backslashes
 * doubled, rule texts with backslashes kept. `properties` keep every
 * value exact, for tools. */
#include <lineage/report.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "json_write.h"
#include "report_model.h"
#include "strbuf.h"
#include "tvalue.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define DIFF_PREFIX "diff-"

static const lineage_tvalue *field(const lineage_tvalue *map, const char *key)
{
    return tvalue_map_get(map, key, strlen(key));
}

static const char *str(const lineage_tvalue *v, size_t *len)
{
    if (!v || tvalue_get_kind(v) != TV_STRING) {
        *len = 0;
        return "";
    }
    return tvalue_get_string(v, len);
}

static int str_is(const lineage_tvalue *v, const char *s)
{
    size_t len;
    const char *t = str(v, &len);
    return len == strlen(s) && memcmp(t, s, len) == 0;
}

static const char *sarif_level(const lineage_tvalue *level)
{
    if (str_is(level, "critical") || str_is(level, "high"))
        return "error";
    if (str_is(level, "medium"))
        return "warning";
    return "note";
}

static void key_value(json_writer *w, const char *key, const lineage_tvalue *v)
{
    if (!v)
        return;
    json_key(w, key);
    size_t len;
    switch (tvalue_get_kind(v)) {
    case TV_STRING: {
        const char *s = tvalue_get_string(v, &len);
        json_string_n(w, s, len);
        break;
    }
    case TV_NUMBER:
        json_int(w, tvalue_get_number(v));
        break;
    case TV_BOOL:
        json_bool(w, tvalue_get_bool(v));
        break;
    case TV_LIST:
        json_begin_array(w);
        for (const tvalue_cell *c = tvalue_list_first(v); c; c = tvalue_cell_next(c)) {
            const char *s = str(tvalue_cell_value(c), &len);
            json_string_n(w, s, len);
        }
        json_end_array(w);
        break;
    case TV_MAP:
        json_null(w);
        break;
    }
}

static void text_object(json_writer *w, const char *key, const char *s, size_t len)
{
    json_key(w, key);
    json_begin_object(w);
    json_key(w, "text");
    json_string_n(w, s, len);
    json_end_object(w);
}

/* text_object for rule-file text (titles, descriptions): shown escaped,
 * backslashes kept as written. With `paragraphs`, line breaks and tabs
 * stay (a description's paragraphs are joined by a blank line). */
static void rule_text_object(json_writer *w, const char *key, const char *s, size_t len,
                             int paragraphs)
{
    strbuf sb = STRBUF_INIT;
    if (paragraphs)
        strbuf_add_escaped_layout(&sb, s, len);
    else
        strbuf_add_escaped_text(&sb, s, len);
    text_object(w, key, sb.data, sb.len);
    strbuf_release(&sb);
}

/* A file name as a URI reference: unreserved characters and '/' as they
 * are, every other byte percent-encoded (so spaces, '%', '#' and bytes
 * that are not ASCII survive a URI parser). */
static void uri_of(strbuf *sb, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    sb->len = 0;
    strbuf_add(sb, "", 0);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
            strbuf_putc(sb, (char)c);
        } else {
            strbuf_putc(sb, '%');
            strbuf_putc(sb, hex[c >> 4]);
            strbuf_putc(sb, hex[c & 15]);
        }
    }
}

/* The rule table: the model's rules, then the difference kinds. */
typedef struct rule_table {
    const char **ids;
    size_t *lens;
    size_t n, cap, nmodel;
} rule_table;

static void table_add(rule_table *t, const char *id, size_t len)
{
    if (t->n == t->cap) {
        size_t cap = t->cap;
        t->ids = xgrow(t->ids, &cap, t->n + 1, sizeof *t->ids);
        t->lens = xgrow(t->lens, &t->cap, t->n + 1, sizeof *t->lens);
    }
    t->ids[t->n] = id;
    t->lens[t->n] = len;
    t->n++;
}

/* Index of the rule `id` (len bytes), or -1. Linear: a report holds tens
 * of rules, and this runs once per result. */
static long table_find(const rule_table *t, const char *id, size_t len)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->lens[i] == len && memcmp(t->ids[i], id, len) == 0)
            return (long)i;
    return -1;
}

static void write_model_rule(json_writer *w, const lineage_tvalue *r)
{
    size_t len, dlen;
    json_begin_object(w);
    const char *id = str(field(r, "id"), &len);
    json_key(w, "id");
    json_string_n(w, id, len);
    json_key(w, "name");
    json_string_n(w, id, len);
    const char *title = str(field(r, "title"), &len);
    rule_text_object(w, "shortDescription", title, len, 0);
    const char *desc = str(field(r, "description"), &dlen);
    if (dlen)
        rule_text_object(w, "fullDescription", desc, dlen, 1);
    else
        rule_text_object(w, "fullDescription", title, len, 0);
    const tvalue_cell *first_ref = tvalue_list_first(field(r, "references"));
    if (first_ref) {
        const char *ref = str(tvalue_cell_value(first_ref), &len);
        if (len > 8 && (memcmp(ref, "https://", 8) == 0 || memcmp(ref, "http://", 7) == 0)) {
            json_key(w, "helpUri");
            json_string_n(w, ref, len);
        }
    }
    json_key(w, "defaultConfiguration");
    json_begin_object(w);
    json_key(w, "enabled");
    const lineage_tvalue *disabled = field(r, "disabled");
    json_bool(w, !(disabled && tvalue_get_bool(disabled)));
    json_key(w, "level");
    json_string(w, sarif_level(field(r, "level")));
    json_end_object(w);
    json_key(w, "properties");
    json_begin_object(w);
    key_value(w, "level", field(r, "level"));
    key_value(w, "references", field(r, "references"));
    key_value(w, "scope", field(r, "scope"));
    key_value(w, "file", field(r, "file"));
    key_value(w, "line", field(r, "line"));
    json_end_object(w);
    json_end_object(w);
}

static void write_diff_rule(json_writer *w, const char *id, size_t len)
{
    const char *kind = id + strlen(DIFF_PREFIX);
    size_t klen = len - strlen(DIFF_PREFIX);
    strbuf sb = STRBUF_INIT;
    json_begin_object(w);
    json_key(w, "id");
    json_string_n(w, id, len);
    json_key(w, "name");
    json_string_n(w, id, len);
    strbuf_printf(&sb, "Difference against the baseline: %.*s", (int)klen, kind);
    text_object(w, "shortDescription", sb.data, sb.len);
    sb.len = 0;
    strbuf_printf(&sb,
                  "The dump's process lineage differs from the baseline it was compared with "
                  "(kind \"%.*s\"; see lineage's diff documentation).",
                  (int)klen, kind);
    text_object(w, "fullDescription", sb.data, sb.len);
    json_end_object(w);
    strbuf_release(&sb);
}

/* "physicalLocation": `file`, line `line` (no region when absent). */
static void write_physical(json_writer *w, strbuf *uri, const lineage_tvalue *file,
                           const lineage_tvalue *line)
{
    size_t len;
    const char *f = str(file, &len);
    uri_of(uri, f, len);
    json_key(w, "physicalLocation");
    json_begin_object(w);
    json_key(w, "artifactLocation");
    json_begin_object(w);
    json_key(w, "uri");
    json_string_n(w, uri->data, uri->len);
    json_end_object(w);
    if (line && tvalue_get_kind(line) == TV_NUMBER && tvalue_get_number(line) > 0) {
        json_key(w, "region");
        json_begin_object(w);
        json_key(w, "startLine");
        json_int(w, tvalue_get_number(line));
        json_end_object(w);
    }
    json_end_object(w);
}

/* "locations": the one place a result is about. */
static void write_location(json_writer *w, strbuf *uri, const lineage_tvalue *file,
                           const lineage_tvalue *line)
{
    json_key(w, "locations");
    json_begin_array(w);
    json_begin_object(w);
    write_physical(w, uri, file, line);
    json_end_object(w);
    json_end_array(w);
}

/* "relatedLocations": where the baseline saw what a difference is about
 * (the listing a profile was learned from), so a viewer can open it, as
 * it opens the suspect's line. */
static void write_baseline_location(json_writer *w, strbuf *uri, const lineage_tvalue *b)
{
    if (!b || !field(b, "file"))
        return;
    json_key(w, "relatedLocations");
    json_begin_array(w);
    json_begin_object(w);
    json_key(w, "id");
    json_int(w, 1);
    write_physical(w, uri, field(b, "file"), field(b, "line"));
    static const char text[] = "first seen here in the baseline";
    text_object(w, "message", text, sizeof text - 1);
    json_end_object(w);
    json_end_array(w);
}

static void write_process_props(json_writer *w, const lineage_tvalue *p)
{
    if (!p)
        return;
    key_value(w, "process", field(p, "name"));
    key_value(w, "pid", field(p, "pid"));
    key_value(w, "pid_hex", field(p, "pid_hex"));
    key_value(w, "ppid", field(p, "ppid"));
    key_value(w, "ppid_hex", field(p, "ppid_hex"));
    key_value(w, "node", field(p, "node"));
}

/* The model's dumps by number, so that a result finds its dump's facts. */
typedef struct dump_table {
    const lineage_tvalue **v;
    size_t n;
} dump_table;

static dump_table dump_table_of(const lineage_tvalue *dumps)
{
    dump_table dt = {0};
    for (const tvalue_cell *c = tvalue_list_first(dumps); c; c = tvalue_cell_next(c))
        dt.n++;
    dt.v = xcalloc(dt.n ? dt.n : 1, sizeof *dt.v);
    size_t i = 0;
    for (const tvalue_cell *c = tvalue_list_first(dumps); c; c = tvalue_cell_next(c))
        dt.v[i++] = tvalue_cell_value(c);
    return dt;
}

/* The build a finding's dump was checked as (`os.assumed`), or NULL. */
static const lineage_tvalue *assumed_os(const dump_table *dt, const lineage_tvalue *f)
{
    const lineage_tvalue *number = field(f, "dump");
    if (!number)
        return NULL;
    int64_t k = tvalue_get_number(number);
    if (k < 1 || (uint64_t)k > dt->n)
        return NULL;
    return field(field(dt->v[k - 1], "os"), "assumed");
}

static void write_finding(json_writer *w, const rule_table *t, const dump_table *dt, strbuf *msg,
                          strbuf *uri, const lineage_tvalue *f)
{
    size_t len, tlen;
    const char *rule = str(field(f, "rule"), &len);
    json_begin_object(w);
    json_key(w, "ruleId");
    json_string_n(w, rule, len);
    long index = table_find(t, rule, len);
    if (index >= 0) {
        json_key(w, "ruleIndex");
        json_int(w, index);
    }
    json_key(w, "level");
    json_string(w, sarif_level(field(f, "level")));
    /* "<title>: <name> (PID n), chain <chain>" */
    const char *title = str(field(f, "title"), &tlen);
    const lineage_tvalue *p = field(f, "process");
    const lineage_tvalue *e = field(f, "evidence");
    msg->len = 0;
    strbuf_add_escaped_text(msg, title, tlen);
    if (p) {
        const char *name = str(field(p, "name"), &len);
        strbuf_add(msg, ": ", 2);
        strbuf_add_escaped(msg, name, len);
        const lineage_tvalue *pid = field(p, "pid");
        strbuf_printf(msg, " (PID %llu)",
                      (unsigned long long)(uint64_t)(pid ? tvalue_get_number(pid) : 0));
    }
    const char *chain = str(field(e, "chain"), &len);
    if (len) {
        strbuf_add(msg, ", chain ", 8);
        strbuf_add_escaped(msg, chain, len);
    }
    text_object(w, "message", msg->data, msg->len);
    write_location(w, uri, field(e, "file"), field(e, "line"));
    const lineage_tvalue *reason = field(f, "reason");
    const lineage_tvalue *sup = field(f, "suppressed");
    if (sup && tvalue_get_bool(sup)) {
        json_key(w, "suppressions");
        json_begin_array(w);
        json_begin_object(w);
        json_key(w, "kind");
        json_string(w, "external");
        if (reason) {
            size_t rlen;
            const char *rs = str(reason, &rlen);
            strbuf why = STRBUF_INIT;
            strbuf_add_escaped_text(&why, rs, rlen);
            json_key(w, "justification");
            json_string_n(w, why.data, why.len);
            strbuf_release(&why);
        }
        json_end_object(w);
        json_end_array(w);
    }
    json_key(w, "properties");
    json_begin_object(w);
    key_value(w, "level", field(f, "level"));
    key_value(w, "dump", field(f, "dump"));
    write_process_props(w, p);
    key_value(w, "chain", field(e, "chain"));
    key_value(w, "steps", field(e, "steps"));
    key_value(w, "expected", field(e, "expected"));
    key_value(w, "references", field(f, "references"));
    const lineage_tvalue *assumed = assumed_os(dt, f);
    key_value(w, "assumed_os", field(assumed, "name"));
    key_value(w, "assumed_build", field(assumed, "build"));
    json_end_object(w);
    json_end_object(w);
}

static void write_difference(json_writer *w, const rule_table *t, strbuf *id, strbuf *uri,
                             const lineage_tvalue *d)
{
    size_t len;
    const char *kind = str(field(d, "kind"), &len);
    id->len = 0;
    strbuf_puts(id, DIFF_PREFIX);
    strbuf_add(id, kind, len);
    json_begin_object(w);
    json_key(w, "ruleId");
    json_string_n(w, id->data, id->len);
    json_key(w, "ruleIndex");
    json_int(w, table_find(t, id->data, id->len));
    json_key(w, "level");
    json_string(w, sarif_level(field(d, "level")));
    const char *message = str(field(d, "message"), &len);
    strbuf shown = STRBUF_INIT; /* as `lineage diff` shows it */
    strbuf_add_escaped(&shown, message, len);
    text_object(w, "message", shown.data, shown.len);
    strbuf_release(&shown);
    const lineage_tvalue *e = field(d, "evidence");
    write_location(w, uri, field(e, "file"), field(e, "line"));
    write_baseline_location(w, uri, field(e, "baseline"));
    json_key(w, "properties");
    json_begin_object(w);
    key_value(w, "level", field(d, "level"));
    key_value(w, "dump", field(d, "dump"));
    key_value(w, "key", field(d, "key"));
    key_value(w, "count", field(d, "count"));
    write_process_props(w, field(d, "process"));
    const lineage_tvalue *b = field(e, "baseline");
    if (b) {
        key_value(w, "baseline_file", field(b, "file"));
        key_value(w, "baseline_line", field(b, "line"));
        key_value(w, "baseline_key", field(b, "key"));
    }
    json_end_object(w);
    json_end_object(w);
}

lineage_status lineage_report_render_sarif(const lineage_report *report, char **out, size_t *len,
                                           lineage_diag_list *diags)
{
    if (out)
        *out = NULL;
    if (len)
        *len = 0;
    if (!report || !out || !diags || !report_model_tree(report))
        return LINEAGE_E_ARG;
    const lineage_tvalue *root = report_model_tree(report);
    const lineage_tvalue *rules = field(root, "rules");
    const lineage_tvalue *differences = field(root, "differences");
    strbuf sb = STRBUF_INIT, msg = STRBUF_INIT, uri = STRBUF_INIT;
    /* Ids of the difference rules live here until the end (the table
     * points into it, so it is sized first and never moves). */
    strbuf diff_ids = STRBUF_INIT;
    rule_table t = {0};
    dump_table dumps = dump_table_of(field(root, "dumps"));
    size_t n;
    for (const tvalue_cell *c = tvalue_list_first(rules); c; c = tvalue_cell_next(c)) {
        const char *id = str(field(tvalue_cell_value(c), "id"), &n);
        table_add(&t, id, n);
    }
    t.nmodel = t.n;
    size_t need = 1;
    for (const tvalue_cell *c = tvalue_list_first(differences); c; c = tvalue_cell_next(c)) {
        str(field(tvalue_cell_value(c), "kind"), &n);
        need += strlen(DIFF_PREFIX) + n + 1;
    }
    strbuf_add(&diff_ids, "", 0);
    diff_ids.data = xrealloc(diff_ids.data, need);
    diff_ids.cap = need;
    for (const tvalue_cell *c = tvalue_list_first(differences); c; c = tvalue_cell_next(c)) {
        const char *kind = str(field(tvalue_cell_value(c), "kind"), &n);
        size_t at = diff_ids.len;
        strbuf_puts(&diff_ids, DIFF_PREFIX);
        strbuf_add(&diff_ids, kind, n);
        size_t idlen = diff_ids.len - at;
        if (table_find(&t, diff_ids.data + at, idlen) >= 0) {
            diff_ids.len = at;
            diff_ids.data[at] = '\0';
        } else {
            strbuf_putc(&diff_ids, '\0');
            table_add(&t, diff_ids.data + at, idlen);
        }
    }

    json_writer w;
    json_init(&w, &sb);
    json_begin_object(&w);
    json_key(&w, "$schema");
    json_string(&w, SARIF_SCHEMA);
    json_key(&w, "version");
    json_string(&w, "2.1.0");
    json_key(&w, "runs");
    json_begin_array(&w);
    json_begin_object(&w);
    json_key(&w, "tool");
    json_begin_object(&w);
    json_key(&w, "driver");
    json_begin_object(&w);
    const lineage_tvalue *g = field(root, "generator");
    key_value(&w, "name", field(g, "name"));
    key_value(&w, "version", field(g, "version"));
    json_key(&w, "rules");
    json_begin_array(&w);
    for (const tvalue_cell *c = tvalue_list_first(rules); c; c = tvalue_cell_next(c))
        write_model_rule(&w, tvalue_cell_value(c));
    for (size_t i = t.nmodel; i < t.n; i++)
        write_diff_rule(&w, t.ids[i], t.lens[i]);
    json_end_array(&w);
    json_end_object(&w);
    json_end_object(&w);
    json_key(&w, "results");
    json_begin_array(&w);
    for (const tvalue_cell *c = tvalue_list_first(field(root, "findings")); c;
         c = tvalue_cell_next(c))
        write_finding(&w, &t, &dumps, &msg, &uri, tvalue_cell_value(c));
    for (const tvalue_cell *c = tvalue_list_first(differences); c; c = tvalue_cell_next(c))
        write_difference(&w, &t, &msg, &uri, tvalue_cell_value(c));
    for (const tvalue_cell *c = tvalue_list_first(field(root, "suppressed")); c;
         c = tvalue_cell_next(c))
        write_finding(&w, &t, &dumps, &msg, &uri, tvalue_cell_value(c));
    json_end_array(&w);
    json_end_object(&w);
    json_end_array(&w);
    json_end_object(&w);
    json_release(&w);
    strbuf_putc(&sb, '\n');

    free(t.ids);
    free(t.lens);
    free(dumps.v);
    strbuf_release(&diff_ids);
    strbuf_release(&msg);
    strbuf_release(&uri);
    if (len)
        *len = sb.len;
    *out = strbuf_detach(&sb);
    return LINEAGE_OK;
}
