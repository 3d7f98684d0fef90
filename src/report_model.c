/* The report model: dumps, findings, differences, the matrix and the rules
 * laid out once as one tree of template values (docs/report-model.md), so
 * every renderer tells the same story without recomputing anything. */
#include <lineage/report.h>
#include <lineage/render.h>
#include <lineage/tree.h>
#include <lineage/lineage.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "arena.h"
#include "limits.h"
#include "lineage_key.h"
#include "matrix.h"
#include "md_escape.h"
#include "report_model.h"
#include "strbuf.h"
#include "tvalue.h"

typedef struct report_entry {
    lineage_dump *dump;
    lineage_findings *findings;
    const lineage_process **deviating; /* listing order, each once */
    size_t ndeviating;
} report_entry;

struct lineage_report {
    lineage_session *session;
    arena *mem;
    report_entry *entries;
    size_t n, cap;
    const lineage_profile *baseline;
    char *baseline_label;
    lineage_diff_options diff_options;
    const lineage_ruleset *rules;
    unsigned assumed_build; /* for dumps without one; 0 = none */
    int has_date;
    int64_t date;
    int finished;
    lineage_tvalue *root;
    size_t at_least[LINEAGE_LEVEL_COUNT]; /* findings + differences at each level */
};

/* One finding or difference with what sorting needs. */
typedef struct sort_item {
    const void *item;
    size_t dump;
    lineage_level level;
    const char *file;
    unsigned long line; /* 0 = no process: sorts last */
    const char *tie;    /* rule id or key */
    size_t seq;
} sort_item;

lineage_report *lineage_report_new(lineage_session *session)
{
    lineage_report *r = xcalloc(1, sizeof *r);
    r->session = session;
    r->mem = arena_new();
    return r;
}

void lineage_report_free(lineage_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        lineage_findings_free(r->entries[i].findings);
        lineage_dump_free(r->entries[i].dump);
        free(r->entries[i].deviating);
    }
    free(r->entries);
    free(r->baseline_label);
    arena_free(r->mem);
    free(r);
}

lineage_status lineage_report_add_dump(lineage_report *r, lineage_dump *dump,
                                       lineage_findings *findings)
{
    if (!r || !dump || r->finished) {
        lineage_findings_free(findings);
        lineage_dump_free(dump);
        return LINEAGE_E_ARG;
    }
    r->entries = xgrow(r->entries, &r->cap, r->n + 1, sizeof *r->entries);
    report_entry *e = &r->entries[r->n++];
    memset(e, 0, sizeof *e);
    e->dump = dump;
    e->findings = findings;
    return LINEAGE_OK;
}

lineage_status lineage_report_set_baseline(lineage_report *r, const lineage_profile *baseline,
                                           const char *label,
                                           const lineage_diff_options *options)
{
    if (!r || !baseline || r->finished)
        return LINEAGE_E_ARG;
    r->baseline = baseline;
    free(r->baseline_label);
    r->baseline_label = label ? xstrdup(label) : NULL;
    if (options)
        r->diff_options = *options;
    return LINEAGE_OK;
}

lineage_status lineage_report_add_rules(lineage_report *r, const lineage_ruleset *set)
{
    if (!r || !set || r->finished)
        return LINEAGE_E_ARG;
    r->rules = set;
    return LINEAGE_OK;
}

lineage_status lineage_report_assume_build(lineage_report *r, unsigned build)
{
    if (!r || r->finished)
        return LINEAGE_E_ARG;
    r->assumed_build = build;
    return LINEAGE_OK;
}

void lineage_report_set_date(lineage_report *r, int64_t seconds)
{
    if (!r)
        return;
    r->has_date = 1;
    r->date = seconds;
}

void lineage_report_set_date_from_env(lineage_report *r)
{
    const char *env = getenv("SOURCE_DATE_EPOCH");
    if (env && *env >= '0' && *env <= '9') {
        char *end;
        long long v = strtoll(env, &end, 10);
        if (*end == '\0') {
            lineage_report_set_date(r, v);
            return;
        }
    }
    lineage_report_set_date(r, (int64_t)time(NULL));
}

size_t lineage_report_count_at_least(const lineage_report *r, lineage_level level)
{
    size_t n = 0;
    if (!r || !r->finished)
        return 0;
    for (int l = (int)level; l < LINEAGE_LEVEL_COUNT; l++)
        n += r->at_least[l];
    return n;
}

/* ---- small builders ------------------------------------------------------ */

static void set_hex(arena *a, lineage_tvalue *map, const char *key, uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "0x%" PRIx64, v);
    tvalue_map_set_cstr(a, map, key, buf);
}

static void set_u64(arena *a, lineage_tvalue *map, const char *key, uint64_t v)
{
    tvalue_map_set_number(a, map, key, (int64_t)v);
}

static const lineage_tvalue *cstr(arena *a, const char *s) { return tvalue_cstr(a, s ? s : ""); }

static void node_id(char *buf, size_t size, size_t dump_number, size_t seq)
{
    snprintf(buf, size, "dump-%zu-n%zu", dump_number, seq);
}

/* Per dump while building: node sequence numbers by process index. */
typedef struct dump_build {
    size_t number;
    size_t *proc_node; /* process index -> node sequence */
    lineage_tvalue *map;
    lineage_tvalue *tree;
} dump_build;

static lineage_tvalue *process_value(arena *a, const dump_build *db, const lineage_process *p)
{
    lineage_tvalue *m = tvalue_map(a);
    const lineage_name *name = lineage_process_get_name(p);
    tvalue_map_set_string(a, m, "name", lineage_name_text(name), lineage_name_length(name));
    set_u64(a, m, "pid", lineage_process_get_pid(p));
    set_hex(a, m, "pid_hex", lineage_process_get_pid(p));
    set_u64(a, m, "ppid", lineage_process_get_ppid(p));
    set_hex(a, m, "ppid_hex", lineage_process_get_ppid(p));
    char id[64];
    node_id(id, sizeof id, db->number, db->proc_node[lineage_process_get_index(p)]);
    tvalue_map_set_cstr(a, m, "node", id);
    /* Only the formats that log them (Sysmon, MemProcFS process.csv). */
    const char *integrity = lineage_process_get_integrity_level(p);
    if (integrity)
        tvalue_map_set_cstr(a, m, "integrity", integrity);
    const char *guid = lineage_process_get_guid(p);
    if (guid)
        tvalue_map_set_cstr(a, m, "guid", guid);
    return m;
}

/* The chain of names from the top down to `p`, absent parents as "?";
 * walked upwards into a stack-free array (the depth is the tree's). */
static lineage_tvalue *chain_steps(arena *a, const lineage_process *p)
{
    size_t depth = lineage_node_get_depth(lineage_process_get_node(p));
    const lineage_node **path = xcalloc(depth ? depth : 1, sizeof *path);
    size_t k = 0;
    for (const lineage_node *n = lineage_process_get_node(p);
         n && lineage_node_get_kind(n) != LINEAGE_NODE_ROOT && k < depth;
         n = lineage_node_get_parent(n))
        path[k++] = n;
    lineage_tvalue *list = tvalue_list(a);
    while (k-- > 0) {
        const lineage_process *q = lineage_node_get_process(path[k]);
        if (q) {
            const lineage_name *nm = lineage_process_get_name(q);
            tvalue_list_add(a, list, tvalue_string(a, lineage_name_text(nm), lineage_name_length(nm)));
        } else {
            tvalue_list_add(a, list, tvalue_cstr(a, "?"));
        }
    }
    free(path);
    return list;
}

/* The description as paragraphs (split at blank lines, line breaks
 * inside a paragraph turned into spaces), for renderers whose values
 * cannot span lines. */
static lineage_tvalue *paragraphs(arena *a, const char *text)
{
    lineage_tvalue *list = tvalue_list(a);
    strbuf sb = STRBUF_INIT;
    const char *p = text ? text : "";
    while (*p) {
        while (*p == '\n')
            p++;
        if (!*p)
            break;
        sb.len = 0;
        while (*p && !(p[0] == '\n' && p[1] == '\n')) {
            strbuf_putc(&sb, *p == '\n' ? ' ' : *p);
            p++;
        }
        tvalue_list_add(a, list, tvalue_string(a, sb.data, sb.len));
    }
    strbuf_release(&sb);
    return list;
}

/* The differences on the process a finding names: how rule findings and
 * lineage differences about one process are linked in the report. */
static lineage_tvalue *related_differences(arena *a, const lineage_diff *diff,
                                           const lineage_process *p)
{
    lineage_tvalue *list = tvalue_list(a);
    for (size_t k = 0; p && diff && k < lineage_diff_count(diff); k++) {
        const lineage_difference *x = lineage_diff_get(diff, k);
        if (lineage_difference_get_process(x) != p)
            continue;
        lineage_tvalue *m = tvalue_map(a);
        tvalue_map_set_cstr(a, m, "kind", lineage_diff_kind_name(lineage_difference_get_kind(x)));
        tvalue_map_set_cstr(a, m, "level", lineage_level_name(lineage_difference_get_level(x)));
        tvalue_map_set(a, m, "key", cstr(a, lineage_difference_get_key(x)));
        tvalue_list_add(a, list, m);
    }
    return list;
}

/* The unsuppressed rule findings on the process a difference names. */
static lineage_tvalue *related_findings(arena *a, const lineage_findings *findings,
                                        const lineage_process *p)
{
    lineage_tvalue *list = tvalue_list(a);
    for (size_t k = 0; p && findings && k < lineage_findings_count(findings); k++) {
        const lineage_finding *f = lineage_findings_get(findings, k);
        if (lineage_finding_get_process(f) != p || lineage_finding_is_suppressed(f))
            continue;
        lineage_tvalue *m = tvalue_map(a);
        tvalue_map_set(a, m, "rule", cstr(a, lineage_finding_get_rule_id(f)));
        tvalue_map_set_cstr(a, m, "level", lineage_level_name(lineage_finding_get_level(f)));
        tvalue_list_add(a, list, m);
    }
    return list;
}

static lineage_tvalue *finding_value(arena *a, const dump_build *db, const lineage_dump *d,
                                     const lineage_finding *f, const lineage_diff *diff)
{
    lineage_tvalue *m = tvalue_map(a);
    tvalue_map_set(a, m, "rule", cstr(a, lineage_finding_get_rule_id(f)));
    tvalue_map_set_cstr(a, m, "level", lineage_level_name(lineage_finding_get_level(f)));
    tvalue_map_set(a, m, "title", cstr(a, lineage_finding_get_title(f)));
    tvalue_map_set(a, m, "description", cstr(a, lineage_finding_get_description(f)));
    tvalue_map_set(a, m, "paragraphs", paragraphs(a, lineage_finding_get_description(f)));
    lineage_tvalue *refs = tvalue_list(a);
    for (size_t i = 0; i < lineage_finding_reference_count(f); i++)
        tvalue_list_add(a, refs, cstr(a, lineage_finding_reference(f, i)));
    tvalue_map_set(a, m, "references", refs);
    tvalue_map_set_number(a, m, "dump", (int64_t)db->number);
    const lineage_process *p = lineage_finding_get_process(f);
    if (p)
        tvalue_map_set(a, m, "process", process_value(a, db, p));
    lineage_tvalue *ev = tvalue_map(a);
    tvalue_map_set(a, ev, "file",
                   cstr(a, p ? lineage_process_get_source(p) : lineage_dump_get_source(d)));
    set_u64(a, ev, "line", p ? lineage_process_get_line(p) : lineage_dump_get_first_line(d));
    tvalue_map_set(a, ev, "chain",
                   tvalue_string(a, lineage_finding_get_chain(f), lineage_finding_get_chain_length(f)));
    tvalue_map_set(a, ev, "steps", p ? chain_steps(a, p) : tvalue_list(a));
    tvalue_map_set(a, ev, "expected", cstr(a, lineage_finding_get_expected(f)));
    tvalue_map_set(a, m, "evidence", ev);
    /* Always present (maybe empty): templates look names up through
     * enclosing contexts, so a missing list would find the dump's. */
    tvalue_map_set(a, m, "differences", related_differences(a, diff, p));
    int sup = lineage_finding_is_suppressed(f);
    tvalue_map_set_bool(a, m, "suppressed", sup);
    if (sup)
        tvalue_map_set(a, m, "reason", cstr(a, lineage_finding_get_suppress_reason(f)));
    return m;
}

static lineage_tvalue *difference_value(arena *a, const dump_build *db, const lineage_dump *d,
                                        const lineage_difference *x,
                                        const lineage_findings *findings)
{
    lineage_tvalue *m = tvalue_map(a);
    tvalue_map_set_cstr(a, m, "kind", lineage_diff_kind_name(lineage_difference_get_kind(x)));
    tvalue_map_set_cstr(a, m, "level", lineage_level_name(lineage_difference_get_level(x)));
    tvalue_map_set(a, m, "key", cstr(a, lineage_difference_get_key(x)));
    tvalue_map_set(a, m, "message",
                   tvalue_string(a, lineage_difference_get_message(x),
                                 lineage_difference_get_message_length(x)));
    tvalue_map_set_number(a, m, "dump", (int64_t)db->number);
    set_u64(a, m, "count", lineage_difference_get_count(x));
    const lineage_process *p = lineage_difference_get_process(x);
    if (p)
        tvalue_map_set(a, m, "process", process_value(a, db, p));
    lineage_tvalue *ev = tvalue_map(a);
    /* Without a process (what the suspect lacks), the dump's first line,
     * as for a finding about the whole dump. */
    tvalue_map_set(a, ev, "file",
                   cstr(a, p ? lineage_process_get_source(p) : lineage_dump_get_source(d)));
    set_u64(a, ev, "line", p ? lineage_process_get_line(p) : lineage_dump_get_first_line(d));
    const char *bsrc = lineage_difference_get_baseline_source(x);
    if (bsrc && *bsrc) {
        lineage_tvalue *b = tvalue_map(a);
        tvalue_map_set(a, b, "file", cstr(a, bsrc));
        set_u64(a, b, "line", lineage_difference_get_baseline_line(x));
        tvalue_map_set(a, b, "key", cstr(a, lineage_difference_get_baseline_key(x)));
        tvalue_map_set(a, ev, "baseline", b);
    }
    tvalue_map_set(a, m, "evidence", ev);
    tvalue_map_set(a, m, "findings", related_findings(a, findings, p));
    return m;
}

static int compare_items(const void *pa, const void *pb)
{
    const sort_item *a = pa, *b = pb;
    if (a->level != b->level)
        return a->level > b->level ? -1 : 1;
    int c = strcmp(a->file, b->file);
    if (c)
        return c;
    if (a->line != b->line) {
        if (!a->line || !b->line)
            return a->line ? -1 : 1;
        return a->line < b->line ? -1 : 1;
    }
    if ((c = strcmp(a->tie, b->tie)) != 0)
        return c;
    if (a->dump != b->dump)
        return a->dump < b->dump ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* ---- verdicts ------------------------------------------------------------ */

typedef struct tally {
    size_t findings[LINEAGE_LEVEL_COUNT];
    size_t differences[LINEAGE_LEVEL_COUNT];
    size_t suppressed;
} tally;

static lineage_tvalue *verdict_value(arena *a, const tally *t)
{
    lineage_tvalue *m = tvalue_map(a);
    const char *worst = "none";
    size_t nf = 0, nd = 0;
    for (int l = LINEAGE_LEVEL_COUNT - 1; l >= 0; l--) {
        if ((t->findings[l] || t->differences[l]) && strcmp(worst, "none") == 0)
            worst = lineage_level_name((lineage_level)l);
        nf += t->findings[l];
        nd += t->differences[l];
    }
    tvalue_map_set_cstr(a, m, "level", worst);
    tvalue_map_set_bool(a, m, "clean", nf + nd == 0);
    tvalue_map_set_number(a, m, "findings", (int64_t)nf);
    tvalue_map_set_number(a, m, "suppressed", (int64_t)t->suppressed);
    tvalue_map_set_number(a, m, "differences", (int64_t)nd);
    lineage_tvalue *levels = tvalue_list(a);
    for (int l = LINEAGE_LEVEL_COUNT - 1; l >= 0; l--) {
        lineage_tvalue *x = tvalue_map(a);
        tvalue_map_set_cstr(a, x, "level", lineage_level_name((lineage_level)l));
        tvalue_map_set_number(a, x, "findings", (int64_t)t->findings[l]);
        tvalue_map_set_number(a, x, "differences", (int64_t)t->differences[l]);
        tvalue_list_add(a, levels, x);
    }
    tvalue_map_set(a, m, "levels", levels);
    return m;
}

/* ---- the tree ------------------------------------------------------------ */

static void add_pid_text(strbuf *sb, const lineage_dump *d, uint64_t pid)
{
    if (lineage_dump_get_pid_base(d) == 16)
        strbuf_printf(sb, "0x%" PRIx64, pid);
    else
        strbuf_printf(sb, "%" PRIu64, pid);
}

/* Node values in tree order, plus the Mermaid flowchart. The walk is the
 * tree iterator's (no recursion); `ids` holds the open ancestors' ids. */
static lineage_tvalue *tree_value(arena *a, dump_build *db, const lineage_dump *d,
                                  const unsigned char *dev)
{
    lineage_tvalue *tree = tvalue_map(a);
    char *text = lineage_render_tree_text(d, 0);
    tvalue_map_set_cstr(a, tree, "text", text);
    lineage_tvalue *nodes = tvalue_list(a);
    size_t total = lineage_dump_process_count(d) + lineage_dump_absent_count(d);
    int mermaid = total <= LINEAGE_MAX_MERMAID_NODES;
    strbuf mm = STRBUF_INIT, label = STRBUF_INIT, cls = STRBUF_INIT;
    /* The first line names the dump, for renderers that swap the block
     * for a picture; it is a Mermaid comment. */
    strbuf_printf(&mm, "%%%% lineage dump-%zu\nflowchart TD\n", db->number);
    size_t *stack = NULL, depth = 0, stack_cap = 0, seq = 0, ndev = 0;
    lineage_iter *it = lineage_iter_new(lineage_dump_get_root(d));
    lineage_event ev;
    while ((ev = lineage_iter_next(it)) != LINEAGE_EVENT_DONE) {
        const lineage_node *n = lineage_iter_get_node(it);
        if (lineage_node_get_kind(n) == LINEAGE_NODE_ROOT)
            continue;
        if (ev == LINEAGE_EVENT_EXIT) {
            depth--;
            continue;
        }
        size_t me = seq++;
        char id[64], pid_id[64];
        node_id(id, sizeof id, db->number, me);
        lineage_tvalue *v = tvalue_map(a);
        tvalue_map_set_cstr(a, v, "id", id);
        const lineage_process *p = lineage_node_get_process(n);
        tvalue_map_set_cstr(a, v, "kind", p ? "process" : "absent");
        if (depth) {
            node_id(pid_id, sizeof pid_id, db->number, stack[depth - 1]);
            tvalue_map_set_cstr(a, v, "parent", pid_id);
        } else {
            tvalue_map_set_cstr(a, v, "parent", "");
        }
        tvalue_map_set_number(a, v, "depth", (int64_t)depth);
        uint64_t pid = p ? lineage_process_get_pid(p) : lineage_node_get_absent_pid(n);
        set_u64(a, v, "pid", pid);
        set_hex(a, v, "pid_hex", pid);
        int deviating = 0;
        label.len = 0;
        if (p) {
            db->proc_node[lineage_process_get_index(p)] = me;
            const lineage_name *nm = lineage_process_get_name(p);
            tvalue_map_set_string(a, v, "name", lineage_name_text(nm), lineage_name_length(nm));
            const lineage_name *full = lineage_name_resolved(nm);
            if (full)
                tvalue_map_set_string(a, v, "full_name", lineage_name_text(full),
                                      lineage_name_length(full));
            if (lineage_process_get_threads(p) != LINEAGE_UNKNOWN)
                set_u64(a, v, "threads", lineage_process_get_threads(p));
            set_u64(a, v, "line", lineage_process_get_line(p));
            tvalue_map_set_bool(a, v, "alive", lineage_process_is_alive(p));
            tvalue_map_set_bool(a, v, "hidden", lineage_process_is_hidden(p));
            deviating = dev[lineage_process_get_index(p)];
            const lineage_name *shown = full ? full : nm;
            strbuf_add(&label, lineage_name_text(shown), lineage_name_length(shown));
            strbuf_puts(&label, " (");
            add_pid_text(&label, d, pid);
            strbuf_puts(&label, ")");
            if (!lineage_process_is_alive(p))
                strbuf_puts(&label, " [exited]");
            if (lineage_process_is_hidden(p))
                strbuf_puts(&label, " [hidden]");
        } else {
            strbuf_puts(&label, "absent parent ");
            add_pid_text(&label, d, pid);
        }
        tvalue_map_set_bool(a, v, "deviating", deviating);
        tvalue_list_add(a, nodes, v);
        if (deviating)
            ndev++;
        if (mermaid) {
            strbuf_printf(&mm, "    n%zu[", me);
            md_mermaid_label(&mm, label.data, label.len);
            strbuf_puts(&mm, "]\n");
            if (depth)
                strbuf_printf(&mm, "    n%zu --> n%zu\n", stack[depth - 1], me);
            if (deviating)
                strbuf_printf(&cls, "    class n%zu deviating\n", me);
            else if (!p)
                strbuf_printf(&cls, "    class n%zu absent\n", me);
        }
        stack = xgrow(stack, &stack_cap, depth + 1, sizeof *stack);
        stack[depth++] = me;
    }
    lineage_iter_free(it);
    free(stack);
    tvalue_map_set(a, tree, "nodes", nodes);
    tvalue_map_set_number(a, tree, "deviating", (int64_t)ndev);
    strbuf block = STRBUF_INIT;
    md_fenced_block(&block, "text", text, strlen(text));
    tvalue_map_set_string(a, tree, "markdown_text", block.data, block.len);
    if (mermaid) {
        strbuf_puts(&mm, "    classDef deviating fill:#fde2e2,stroke:#c62828,color:#8e0000,"
                         "stroke-width:2px\n");
        strbuf_puts(&mm, "    classDef absent fill:#f4f4f4,stroke:#888,stroke-dasharray:4 3\n");
        if (cls.len)
            strbuf_add(&mm, cls.data, cls.len);
        block.len = 0;
        md_fenced_block(&block, "mermaid", mm.data, mm.len);
        tvalue_map_set_string(a, tree, "markdown_mermaid", block.data, block.len);
    }
    strbuf_release(&block);
    strbuf_release(&mm);
    strbuf_release(&label);
    strbuf_release(&cls);
    free(text);
    return tree;
}

/* ---- the dump's facts ---------------------------------------------------- */

/* {name, build, family} of a build: "Windows 10 22H2", or the product
 * alone where the release is not known; "unknown" for build 0. */
static lineage_tvalue *os_value(arena *a, unsigned build)
{
    lineage_tvalue *os = tvalue_map(a);
    lineage_os_info info = {0};
    int known = build && lineage_os_from_build(build, &info);
    char buf[64];
    if (build && info.product) {
        if (known && info.release && info.release[0])
            snprintf(buf, sizeof buf, "%s %s", info.product, info.release);
        else
            snprintf(buf, sizeof buf, "%s", info.product);
        tvalue_map_set_cstr(a, os, "name", buf);
    } else {
        tvalue_map_set_cstr(a, os, "name", "unknown");
    }
    tvalue_map_set_number(a, os, "build", build);
    if (build && info.family)
        tvalue_map_set_cstr(a, os, "family", info.family);
    return os;
}

static lineage_tvalue *dump_facts(arena *a, size_t number, const lineage_dump *d,
                                  unsigned assumed_build)
{
    lineage_tvalue *m = tvalue_map(a);
    char buf[64];
    tvalue_map_set_number(a, m, "number", (int64_t)number);
    snprintf(buf, sizeof buf, "dump-%zu", number);
    tvalue_map_set_cstr(a, m, "id", buf);
    strbuf t = STRBUF_INIT;
    strbuf_printf(&t, "%s #%u", lineage_dump_get_source(d), lineage_dump_get_index(d));
    tvalue_map_set_string(a, m, "title", t.data, t.len);
    strbuf_release(&t);
    tvalue_map_set(a, m, "source", cstr(a, lineage_dump_get_source(d)));
    tvalue_map_set_number(a, m, "index", lineage_dump_get_index(d));
    set_u64(a, m, "first_line", lineage_dump_get_first_line(d));
    set_u64(a, m, "last_line", lineage_dump_get_last_line(d));
    tvalue_map_set(a, m, "format", cstr(a, lineage_dump_get_format(d)));
    unsigned build = lineage_dump_get_build(d);
    lineage_tvalue *os = os_value(a, build);
    if (!build && assumed_build) /* the rules saw this build instead */
        tvalue_map_set(a, os, "assumed", os_value(a, assumed_build));
    tvalue_map_set(a, m, "os", os);
    tvalue_map_set_cstr(a, m, "arch", lineage_arch_name(lineage_dump_get_arch(d)));
    if (lineage_dump_get_bits(d))
        tvalue_map_set_number(a, m, "bits", lineage_dump_get_bits(d));
    if (lineage_dump_get_cpu_count(d))
        tvalue_map_set_number(a, m, "cpus", lineage_dump_get_cpu_count(d));
    const char *kind = lineage_dump_get_kind_label(d);
    if (kind && *kind)
        tvalue_map_set_cstr(a, m, "kind", kind);
    if (lineage_dump_has_bugcheck(d)) {
        lineage_tvalue *b = tvalue_map(a);
        uint64_t code = lineage_dump_get_bugcheck_code(d);
        set_u64(a, b, "code", code);
        snprintf(buf, sizeof buf, "0x%" PRIX64, code);
        tvalue_map_set_cstr(a, b, "hex", buf);
        const char *name = lineage_bugcheck_name(code);
        if (name)
            tvalue_map_set_cstr(a, b, "name", name);
        lineage_tvalue *params = tvalue_list(a);
        for (int i = 1; i <= 4; i++) {
            lineage_tvalue *x = tvalue_map(a);
            tvalue_map_set_number(a, x, "n", i);
            set_u64(a, x, "value", lineage_dump_get_bugcheck_param(d, i));
            set_hex(a, x, "hex", lineage_dump_get_bugcheck_param(d, i));
            tvalue_list_add(a, params, x);
        }
        tvalue_map_set(a, b, "params", params);
        tvalue_map_set(a, m, "bugcheck", b);
    }
    set_u64(a, m, "processes", lineage_dump_process_count(d));
    tvalue_map_set_bool(a, m, "complete", !lineage_dump_is_partial(d));
    set_u64(a, m, "elisions", lineage_dump_elision_count(d));
    return m;
}

/* ---- finishing ----------------------------------------------------------- */

static void mark(unsigned char *dev, const lineage_process *p)
{
    if (p)
        dev[lineage_process_get_index(p)] = 1;
}

static lineage_tvalue *matrix_value(arena *a, lineage_report *r)
{
    lineage_matrix *mx = lineage_matrix_new(r->session);
    for (size_t i = 0; i < r->n; i++)
        lineage_matrix_add_dump(mx, r->entries[i].dump);
    matrix_row *rows;
    uint64_t *counts;
    size_t nrows = matrix_table(mx, &rows, &counts), ncols = matrix_column_count(mx);
    lineage_tvalue *m = tvalue_map(a), *cols = tvalue_list(a), *list = tvalue_list(a);
    for (size_t c = 0; c < ncols; c++) {
        lineage_tvalue *x = tvalue_map(a);
        tvalue_map_set_number(a, x, "dump", (int64_t)c + 1);
        tvalue_map_set_cstr(a, x, "label", matrix_column_label(mx, c));
        tvalue_list_add(a, cols, x);
    }
    size_t differing = 0;
    strbuf name = STRBUF_INIT;
    for (size_t i = 0; i < nrows; i++) {
        lineage_tvalue *row = tvalue_map(a), *cells = tvalue_list(a);
        /* Image names, not key components (see lineage_key_put_image_name). */
        name.len = 0;
        lineage_key_put_image_name(&name, lineage_name_text(rows[i].parent),
                                   lineage_name_length(rows[i].parent), 1);
        tvalue_map_set_string(a, row, "parent", name.data, name.len);
        name.len = 0;
        lineage_key_put_image_name(&name, lineage_name_text(rows[i].child),
                                   lineage_name_length(rows[i].child), 0);
        tvalue_map_set_string(a, row, "child", name.data, name.len);
        tvalue_map_set_bool(a, row, "differs", rows[i].differs);
        differing += rows[i].differs != 0;
        for (size_t c = 0; c < ncols; c++) {
            lineage_tvalue *cell = tvalue_map(a);
            uint64_t v = counts[i * ncols + c];
            char buf[24];
            set_u64(a, cell, "count", v);
            if (v)
                snprintf(buf, sizeof buf, "%" PRIu64, v);
            else
                strcpy(buf, ".");
            tvalue_map_set_cstr(a, cell, "text", buf);
            tvalue_list_add(a, cells, cell);
        }
        tvalue_map_set(a, row, "cells", cells);
        tvalue_list_add(a, list, row);
    }
    tvalue_map_set(a, m, "columns", cols);
    tvalue_map_set(a, m, "rows", list);
    tvalue_map_set_number(a, m, "differing", (int64_t)differing);
    strbuf_release(&name);
    free(rows);
    free(counts);
    lineage_matrix_free(mx);
    return m;
}

static lineage_tvalue *rules_value(arena *a, const lineage_ruleset *set)
{
    lineage_tvalue *list = tvalue_list(a);
    for (size_t i = 0; set && i < lineage_ruleset_rule_count(set); i++) {
        const lineage_rule *rule = lineage_ruleset_rule(set, i);
        lineage_tvalue *m = tvalue_map(a);
        tvalue_map_set(a, m, "id", cstr(a, lineage_rule_get_id(rule)));
        tvalue_map_set_cstr(a, m, "level", lineage_level_name(lineage_rule_get_level(rule)));
        tvalue_map_set(a, m, "title", cstr(a, lineage_rule_get_title(rule)));
        tvalue_map_set(a, m, "description", cstr(a, lineage_rule_get_description(rule)));
        tvalue_map_set(a, m, "paragraphs", paragraphs(a, lineage_rule_get_description(rule)));
        lineage_tvalue *refs = tvalue_list(a);
        for (size_t k = 0; k < lineage_rule_reference_count(rule); k++)
            tvalue_list_add(a, refs, cstr(a, lineage_rule_reference(rule, k)));
        tvalue_map_set(a, m, "references", refs);
        tvalue_map_set(a, m, "scope", cstr(a, lineage_rule_get_scope(rule)));
        tvalue_map_set(a, m, "file", cstr(a, lineage_rule_get_file(rule)));
        set_u64(a, m, "line", lineage_rule_get_line(rule));
        tvalue_map_set_bool(a, m, "disabled", lineage_rule_is_disabled(rule));
        tvalue_list_add(a, list, m);
    }
    return list;
}

static void date_value(arena *a, lineage_tvalue *root, int64_t secs)
{
    time_t t = (time_t)secs;
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return;
    char iso[64], day[32];
    strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
    strftime(day, sizeof day, "%Y-%m-%d", &tm);
    lineage_tvalue *m = tvalue_map(a);
    tvalue_map_set_cstr(a, m, "iso", iso);
    tvalue_map_set_cstr(a, m, "day", day);
    tvalue_map_set_number(a, m, "epoch", secs);
    tvalue_map_set(a, root, "date", m);
}

typedef struct source_ref {
    const char *source;
    size_t dump;
} source_ref;

static int compare_source_refs(const void *a, const void *b)
{
    const source_ref *x = a, *y = b;
    int c = strcmp(x->source, y->source);
    return c ? c : (x->dump > y->dump) - (x->dump < y->dump);
}

/* For each dump, 1 when no earlier dump came from the same file. Sorted
 * once rather than comparing each dump with all before it, so a report of
 * a whole fleet stays n log n. */
static unsigned char *first_dumps_of_sources(const lineage_report *r)
{
    size_t n = r->n ? r->n : 1;
    source_ref *refs = xcalloc(n, sizeof *refs);
    unsigned char *first = xcalloc(n, 1);
    for (size_t i = 0; i < r->n; i++)
        refs[i] = (source_ref){lineage_dump_get_source(r->entries[i].dump), i};
    qsort(refs, r->n, sizeof *refs, compare_source_refs);
    for (size_t i = 0; i < r->n; i++)
        first[refs[i].dump] = i == 0 || strcmp(refs[i - 1].source, refs[i].source) != 0;
    free(refs);
    return first;
}

lineage_status lineage_report_finish(lineage_report *r)
{
    if (!r || r->finished)
        return LINEAGE_E_ARG;
    r->finished = 1;
    arena *a = r->mem;
    lineage_tvalue *root = tvalue_map(a);
    r->root = root;
    tvalue_map_set_cstr(a, root, "schema", "lineage-report/1");
    lineage_tvalue *gen = tvalue_map(a);
    tvalue_map_set_cstr(a, gen, "name", "lineage");
    tvalue_map_set_cstr(a, gen, "version", lineage_version());
    tvalue_map_set(a, root, "generator", gen);
    if (r->has_date)
        date_value(a, root, r->date);

    /* Differences first: deviating processes need them. */
    lineage_diff **diffs = xcalloc(r->n ? r->n : 1, sizeof *diffs);
    sort_item *fitems = NULL, *ditems = NULL;
    size_t nf = 0, fcap = 0, nd = 0, dcap = 0;
    tally all = {{0}, {0}, 0};
    dump_build *dbs = xcalloc(r->n ? r->n : 1, sizeof *dbs);
    lineage_tvalue *inputs = tvalue_list(a);
    unsigned char *first_of_source = first_dumps_of_sources(r);
    uint64_t processes = 0;
    lineage_differ *differ = r->baseline ? lineage_differ_new(r->baseline, &r->diff_options) : NULL;
    for (size_t i = 0; i < r->n; i++) {
        report_entry *e = &r->entries[i];
        const lineage_dump *d = e->dump;
        size_t np = lineage_dump_process_count(d);
        processes += np;
        if (first_of_source[i])
            tvalue_list_add(a, inputs, cstr(a, lineage_dump_get_source(d)));
        if (differ)
            lineage_differ_diff(differ, d, &diffs[i]);
        unsigned char *dev = xcalloc(np ? np : 1, 1);
        size_t fcount = e->findings ? lineage_findings_count(e->findings) : 0;
        for (size_t k = 0; k < fcount; k++) {
            const lineage_finding *f = lineage_findings_get(e->findings, k);
            const lineage_process *p = lineage_finding_get_process(f);
            mark(dev, p);
            fitems = xgrow(fitems, &fcap, nf + 1, sizeof *fitems);
            fitems[nf] = (sort_item){f, i, lineage_finding_get_level(f),
                                     lineage_dump_get_source(d),
                                     p ? lineage_process_get_line(p) : lineage_dump_get_first_line(d),
                                     lineage_finding_get_rule_id(f), nf};
            nf++;
        }
        for (size_t k = 0; diffs[i] && k < lineage_diff_count(diffs[i]); k++) {
            const lineage_difference *x = lineage_diff_get(diffs[i], k);
            const lineage_process *p = lineage_difference_get_process(x);
            mark(dev, p);
            ditems = xgrow(ditems, &dcap, nd + 1, sizeof *ditems);
            ditems[nd] = (sort_item){x, i, lineage_difference_get_level(x),
                                     lineage_dump_get_source(d),
                                     p ? lineage_process_get_line(p) : 0,
                                     lineage_difference_get_key(x), nd};
            nd++;
        }
        e->deviating = xcalloc(np ? np : 1, sizeof *e->deviating);
        for (size_t k = 0; k < np; k++)
            if (dev[k])
                e->deviating[e->ndeviating++] = lineage_dump_process(d, k);
        dbs[i].number = i + 1;
        dbs[i].proc_node = xcalloc(np ? np : 1, sizeof *dbs[i].proc_node);
        dbs[i].map = dump_facts(a, i + 1, d, r->assumed_build);
        dbs[i].tree = tree_value(a, &dbs[i], d, dev);
        free(dev);
    }
    lineage_differ_free(differ);
    free(first_of_source);
    if (nf)
        qsort(fitems, nf, sizeof *fitems, compare_items);
    if (nd)
        qsort(ditems, nd, sizeof *ditems, compare_items);

    lineage_tvalue *all_findings = tvalue_list(a), *all_suppressed = tvalue_list(a);
    lineage_tvalue *all_diffs = tvalue_list(a);
    lineage_tvalue **dump_findings = xcalloc(r->n ? r->n : 1, sizeof *dump_findings);
    lineage_tvalue **dump_suppressed = xcalloc(r->n ? r->n : 1, sizeof *dump_suppressed);
    lineage_tvalue **dump_diffs = xcalloc(r->n ? r->n : 1, sizeof *dump_diffs);
    tally *tallies = xcalloc(r->n ? r->n : 1, sizeof *tallies);
    for (size_t i = 0; i < r->n; i++) {
        dump_findings[i] = tvalue_list(a);
        dump_suppressed[i] = tvalue_list(a);
        dump_diffs[i] = tvalue_list(a);
    }
    for (size_t k = 0; k < nf; k++) {
        size_t i = fitems[k].dump;
        const lineage_finding *f = fitems[k].item;
        lineage_tvalue *v = finding_value(a, &dbs[i], r->entries[i].dump, f, diffs[i]);
        if (lineage_finding_is_suppressed(f)) {
            tvalue_list_add(a, dump_suppressed[i], v);
            tvalue_list_add(a, all_suppressed, v);
            tallies[i].suppressed++;
            all.suppressed++;
        } else {
            tvalue_list_add(a, dump_findings[i], v);
            tvalue_list_add(a, all_findings, v);
            tallies[i].findings[fitems[k].level]++;
            all.findings[fitems[k].level]++;
            r->at_least[fitems[k].level]++;
        }
    }
    for (size_t k = 0; k < nd; k++) {
        size_t i = ditems[k].dump;
        lineage_tvalue *v = difference_value(a, &dbs[i], r->entries[i].dump, ditems[k].item,
                                             r->entries[i].findings);
        tvalue_list_add(a, dump_diffs[i], v);
        tvalue_list_add(a, all_diffs, v);
        tallies[i].differences[ditems[k].level]++;
        all.differences[ditems[k].level]++;
        r->at_least[ditems[k].level]++;
    }

    lineage_tvalue *verdict = verdict_value(a, &all);
    tvalue_map_set_number(a, verdict, "dumps", (int64_t)r->n);
    tvalue_map_set_number(a, verdict, "processes", (int64_t)processes);
    tvalue_map_set(a, root, "verdict", verdict);
    tvalue_map_set(a, root, "inputs", inputs);
    if (r->baseline) {
        lineage_tvalue *b = tvalue_map(a);
        tvalue_map_set(a, b, "label", cstr(a, r->baseline_label ? r->baseline_label : "baseline"));
        tvalue_map_set(a, root, "baseline", b);
    }
    lineage_tvalue *dumps = tvalue_list(a);
    for (size_t i = 0; i < r->n; i++) {
        lineage_tvalue *m = dbs[i].map;
        tvalue_map_set(a, m, "verdict", verdict_value(a, &tallies[i]));
        tvalue_map_set(a, m, "findings", dump_findings[i]);
        tvalue_map_set(a, m, "suppressed", dump_suppressed[i]);
        tvalue_map_set(a, m, "differences", dump_diffs[i]);
        tvalue_map_set(a, m, "tree", dbs[i].tree);
        tvalue_list_add(a, dumps, m);
    }
    tvalue_map_set(a, root, "dumps", dumps);
    tvalue_map_set(a, root, "findings", all_findings);
    tvalue_map_set(a, root, "differences", all_diffs);
    if (r->n > 1)
        tvalue_map_set(a, root, "matrix", matrix_value(a, r));
    tvalue_map_set(a, root, "rules", rules_value(a, r->rules));
    tvalue_map_set(a, root, "suppressed", all_suppressed);

    for (size_t i = 0; i < r->n; i++) {
        lineage_diff_free(diffs[i]);
        free(dbs[i].proc_node);
    }
    free(diffs);
    free(dbs);
    free(fitems);
    free(ditems);
    free(dump_findings);
    free(dump_suppressed);
    free(dump_diffs);
    free(tallies);
    r->baseline = NULL;
    r->rules = NULL;
    return LINEAGE_OK;
}

/* ---- internal accessors -------------------------------------------------- */

const lineage_tvalue *report_model_tree(const lineage_report *r) { return r ? r->root : NULL; }

size_t report_model_dump_count(const lineage_report *r) { return r ? r->n : 0; }

const lineage_dump *report_model_dump(const lineage_report *r, size_t i)
{
    return r && i < r->n ? r->entries[i].dump : NULL;
}

const lineage_process *const *report_model_deviating(const lineage_report *r, size_t i, size_t *n)
{
    if (!r || i >= r->n || !r->entries[i].ndeviating) {
        *n = 0;
        return NULL;
    }
    *n = r->entries[i].ndeviating;
    return r->entries[i].deviating;
}
