/* Renderings of check results: text for terminals, JSON for scripts. Both
 * read the same findings; neither changes them. */
#include <lineage/render.h>
#include <lineage/rules.h>
#include <lineage/tree.h>

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "ansi.h"
#include "json_write.h"
#include "strbuf.h"

/* The dump's findings, sorted, in a new list of pointers. */
static const lineage_finding **dump_findings(const lineage_findings *list, const lineage_dump *d,
                                             size_t *n)
{
    size_t total = lineage_findings_count(list), k = 0;
    const lineage_finding **v = xcalloc(total ? total : 1, sizeof *v);
    for (size_t i = 0; i < total; i++) {
        const lineage_finding *f = lineage_findings_get(list, i);
        if (lineage_finding_get_dump(f) == d)
            v[k++] = f;
    }
    *n = k;
    return v;
}

static unsigned long finding_line(const lineage_finding *f)
{
    const lineage_process *p = lineage_finding_get_process(f);
    return p ? lineage_process_get_line(p) : lineage_dump_get_first_line(lineage_finding_get_dump(f));
}

static int by_level_line(const void *pa, const void *pb)
{
    const lineage_finding *a = *(const lineage_finding *const *)pa;
    const lineage_finding *b = *(const lineage_finding *const *)pb;
    lineage_level la = lineage_finding_get_level(a), lb = lineage_finding_get_level(b);
    if (la != lb)
        return la > lb ? -1 : 1;
    unsigned long xa = finding_line(a), xb = finding_line(b);
    if (xa != xb)
        return xa < xb ? -1 : 1;
    int c = strcmp(lineage_finding_get_rule_id(a), lineage_finding_get_rule_id(b));
    if (c)
        return c;
    return strcmp(lineage_finding_get_expected(a), lineage_finding_get_expected(b));
}

static void add_pid(strbuf *sb, const lineage_dump *d, uint64_t pid)
{
    if (lineage_dump_get_pid_base(d) == 16)
        strbuf_printf(sb, "0x%llx", (unsigned long long)pid);
    else
        strbuf_printf(sb, "%llu", (unsigned long long)pid);
}

/* `prefix`, then rule-file text (a title, pattern or reason) with what a
 * terminal would act on escaped, and a newline. */
static void add_escaped_line(strbuf *sb, const char *prefix, const char *text)
{
    strbuf_puts(sb, prefix);
    strbuf_add_escaped_text(sb, text, strlen(text));
    strbuf_putc(sb, '\n');
}

char *lineage_findings_render_text(const lineage_findings *list, const lineage_dump *d)
{
    return lineage_findings_render_text_flags(list, d, 0);
}

char *lineage_findings_render_text_flags(const lineage_findings *list, const lineage_dump *d,
                                         unsigned flags)
{
    int color = (flags & LINEAGE_RENDER_COLOR) != 0;
    size_t n;
    const lineage_finding **v = dump_findings(list, d, &n);
    qsort(v, n, sizeof *v, by_level_line);
    strbuf sb = STRBUF_INIT;
    size_t counts[LINEAGE_LEVEL_COUNT] = {0}, suppressed = 0;
    const char *src = lineage_dump_get_source(d);
    for (size_t i = 0; i < n; i++) {
        const lineage_finding *f = v[i];
        const lineage_process *p = lineage_finding_get_process(f);
        const char *lv = lineage_level_name(lineage_finding_get_level(f));
        int owed = ansi_start(&sb, color,
                              lineage_finding_is_suppressed(f)
                                  ? ANSI_DIM
                                  : ansi_level(lineage_finding_get_level(f)));
        for (const char *c = lv; *c; c++)
            strbuf_putc(&sb, (char)(*c - 'a' + 'A'));
        ansi_end(&sb, owed);
        strbuf_printf(&sb, " %s ", lineage_finding_get_rule_id(f));
        const char *file = p ? lineage_process_get_source(p) : src;
        strbuf_add_escaped(&sb, file, strlen(file));
        strbuf_printf(&sb, ":%lu ", finding_line(f));
        if (p) {
            const lineage_name *nm = lineage_process_get_name(p);
            strbuf_add_escaped(&sb, lineage_name_text(nm), lineage_name_length(nm));
            strbuf_puts(&sb, " (");
            add_pid(&sb, d, lineage_process_get_pid(p));
            strbuf_puts(&sb, ")\n");
        } else {
            strbuf_puts(&sb, "(whole dump)\n");
        }
        /* Titles, patterns and reasons come from rule files: escaped too. */
        add_escaped_line(&sb, "    ", lineage_finding_get_title(f));
        if (p) {
            strbuf_puts(&sb, "    ancestry: ");
            strbuf_add_escaped(&sb, lineage_finding_get_chain(f),
                               lineage_finding_get_chain_length(f));
            strbuf_putc(&sb, '\n');
        }
        add_escaped_line(&sb, "    expected: ", lineage_finding_get_expected(f));
        if (lineage_finding_is_suppressed(f)) {
            add_escaped_line(&sb, "    suppressed: ", lineage_finding_get_suppress_reason(f));
            suppressed++;
        } else {
            counts[lineage_finding_get_level(f)]++;
        }
    }
    /* Every dump gets this line, so no printf. */
    strbuf_puts(&sb, "findings:");
    for (int l = LINEAGE_LEVEL_COUNT - 1; l >= 0; l--) {
        strbuf_putc(&sb, ' ');
        strbuf_add_u64(&sb, counts[l]);
        strbuf_putc(&sb, ' ');
        strbuf_puts(&sb, lineage_level_name((lineage_level)l));
        if (l)
            strbuf_putc(&sb, ',');
    }
    if (suppressed) {
        strbuf_puts(&sb, "; ");
        strbuf_add_u64(&sb, suppressed);
        strbuf_puts(&sb, " suppressed");
    }
    strbuf_putc(&sb, '\n');
    free(v);
    return strbuf_detach(&sb);
}

/* "assumed": the build a dump of unknown build was checked as, or null. */
static void write_assumed(json_writer *w, unsigned build)
{
    json_key(w, "assumed");
    if (!build) {
        json_null(w);
        return;
    }
    lineage_os_info os = {0};
    lineage_os_from_build(build, &os);
    json_begin_object(w);
    json_key(w, "build");
    json_uint(w, build);
    json_key(w, "os");
    json_string(w, os.product);
    json_key(w, "os_family");
    json_string(w, os.family);
    json_end_object(w);
}

char *lineage_findings_render_json(const lineage_findings *list, const lineage_dump *d,
                                   unsigned indent)
{
    size_t n;
    const lineage_finding **v = dump_findings(list, d, &n);
    qsort(v, n, sizeof *v, by_level_line);
    strbuf sb = STRBUF_INIT;
    json_writer w;
    json_init_at(&w, &sb, indent);
    json_begin_object(&w);
    json_key(&w, "source");
    json_string(&w, lineage_dump_get_source(d));
    json_key(&w, "index");
    json_uint(&w, lineage_dump_get_index(d));
    json_key(&w, "first_line");
    json_uint(&w, lineage_dump_get_first_line(d));
    json_key(&w, "last_line");
    json_uint(&w, lineage_dump_get_last_line(d));
    json_key(&w, "format");
    json_string(&w, lineage_dump_get_format(d));
    lineage_os_info os = {0};
    unsigned build = lineage_dump_get_build(d);
    if (build)
        lineage_os_from_build(build, &os);
    json_key(&w, "build");
    if (build)
        json_uint(&w, build);
    else
        json_null(&w);
    json_key(&w, "os");
    json_string(&w, os.product);
    json_key(&w, "os_family");
    json_string(&w, os.family);
    write_assumed(&w, lineage_findings_assumed_build(list, d));
    json_key(&w, "arch");
    json_string(&w, lineage_arch_name(lineage_dump_get_arch(d)));
    json_key(&w, "processes");
    json_uint(&w, lineage_dump_process_count(d));
    json_key(&w, "partial");
    json_bool(&w, lineage_dump_is_partial(d));
    size_t counts[LINEAGE_LEVEL_COUNT] = {0}, suppressed = 0;
    json_key(&w, "findings");
    json_begin_array(&w);
    for (size_t i = 0; i < n; i++) {
        const lineage_finding *f = v[i];
        const lineage_process *p = lineage_finding_get_process(f);
        json_begin_object(&w);
        json_key(&w, "rule");
        json_string(&w, lineage_finding_get_rule_id(f));
        json_key(&w, "level");
        json_string(&w, lineage_level_name(lineage_finding_get_level(f)));
        json_key(&w, "title");
        json_string(&w, lineage_finding_get_title(f));
        json_key(&w, "pid");
        if (p)
            json_uint(&w, lineage_process_get_pid(p));
        else
            json_null(&w);
        json_key(&w, "ppid");
        if (p)
            json_uint(&w, lineage_process_get_ppid(p));
        else
            json_null(&w);
        json_key(&w, "name");
        if (p) {
            const lineage_name *nm = lineage_process_get_name(p);
            json_string_n(&w, lineage_name_text(nm), lineage_name_length(nm));
        } else {
            json_null(&w);
        }
        json_key(&w, "file");
        json_string(&w, p ? lineage_process_get_source(p) : lineage_dump_get_source(d));
        json_key(&w, "line");
        json_uint(&w, finding_line(f));
        json_key(&w, "chain");
        json_string_n(&w, lineage_finding_get_chain(f), lineage_finding_get_chain_length(f));
        json_key(&w, "expected");
        json_string(&w, lineage_finding_get_expected(f));
        json_key(&w, "references");
        json_begin_array(&w);
        for (size_t k = 0; k < lineage_finding_reference_count(f); k++)
            json_string(&w, lineage_finding_reference(f, k));
        json_end_array(&w);
        json_key(&w, "suppressed");
        json_bool(&w, lineage_finding_is_suppressed(f));
        json_key(&w, "reason");
        json_string(&w, lineage_finding_get_suppress_reason(f));
        json_end_object(&w);
        if (lineage_finding_is_suppressed(f))
            suppressed++;
        else
            counts[lineage_finding_get_level(f)]++;
    }
    json_end_array(&w);
    json_key(&w, "counts");
    json_begin_object(&w);
    for (int l = LINEAGE_LEVEL_COUNT - 1; l >= 0; l--) {
        json_key(&w, lineage_level_name((lineage_level)l));
        json_uint(&w, counts[l]);
    }
    json_key(&w, "suppressed");
    json_uint(&w, suppressed);
    json_end_object(&w);
    json_end_object(&w);
    json_release(&w);
    free(v);
    return strbuf_detach(&sb);
}
