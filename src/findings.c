/* Findings: what checking a dump against a rule set found, with the
 * evidence a person needs to act on it. */
#include "ruleset.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "model.h"

struct lineage_finding {
    const lineage_rule *rule;
    const lineage_dump *dump;
    const lineage_process *proc;
    char *chain;
    size_t chain_len; /* names may hold NUL bytes */
    char *expected;
    const char *suppress_reason;
    size_t seq; /* insertion order, the last sort key */
};

/* A dump of unknown build checked as if it had `build`. */
typedef struct assumed_build {
    const lineage_dump *dump;
    unsigned build;
} assumed_build;

struct lineage_findings {
    lineage_finding *items;
    size_t n, cap;
    assumed_build *assumed;
    size_t nassumed, capassumed;
};

lineage_findings *lineage_findings_new(void)
{
    return xcalloc(1, sizeof(lineage_findings));
}

void lineage_findings_free(lineage_findings *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->n; i++) {
        free(list->items[i].chain);
        free(list->items[i].expected);
    }
    free(list->items);
    free(list->assumed);
    free(list);
}

void findings_add(lineage_findings *list, const lineage_rule *rule, const lineage_dump *dump,
                  const lineage_process *proc, const char *chain, size_t chain_len,
                  const char *expected)
{
    list->items = xgrow(list->items, &list->cap, list->n + 1, sizeof *list->items);
    lineage_finding *f = &list->items[list->n];
    f->rule = rule;
    f->dump = dump;
    f->proc = proc;
    f->chain = xstrndup(chain ? chain : "", chain ? chain_len : 0);
    f->chain_len = chain ? chain_len : 0;
    f->expected = xstrdup(expected ? expected : "");
    f->suppress_reason = NULL;
    f->seq = list->n;
    list->n++;
}

void findings_suppress_last(lineage_findings *list, const char *reason)
{
    if (list->n)
        list->items[list->n - 1].suppress_reason = reason;
}

void findings_note_assumed(lineage_findings *list, const lineage_dump *dump, unsigned build)
{
    list->assumed = xgrow(list->assumed, &list->capassumed, list->nassumed + 1,
                          sizeof *list->assumed);
    list->assumed[list->nassumed++] = (assumed_build){dump, build};
}

unsigned lineage_findings_assumed_build(const lineage_findings *list, const lineage_dump *dump)
{
    if (!list)
        return 0;
    /* The latest note wins: a dump checked twice into one list. */
    for (size_t i = list->nassumed; i-- > 0;)
        if (list->assumed[i].dump == dump)
            return list->assumed[i].build;
    return 0;
}

size_t lineage_findings_count(const lineage_findings *list) { return list ? list->n : 0; }

const lineage_finding *lineage_findings_get(const lineage_findings *list, size_t i)
{
    return list && i < list->n ? &list->items[i] : NULL;
}

static int compare(const void *pa, const void *pb)
{
    const lineage_finding *a = pa, *b = pb;
    if (a->dump != b->dump) {
        int c = strcmp(a->dump->source, b->dump->source);
        if (c)
            return c;
        if (a->dump->index != b->dump->index)
            return a->dump->index < b->dump->index ? -1 : 1;
    }
    if (a->rule->level != b->rule->level)
        return a->rule->level > b->rule->level ? -1 : 1;
    unsigned long la = a->proc ? a->proc->line : 0, lb = b->proc ? b->proc->line : 0;
    if (la != lb)
        return la < lb ? -1 : 1;
    int c = strcmp(a->rule->id, b->rule->id);
    if (c)
        return c;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void lineage_findings_sort(lineage_findings *list)
{
    if (list && list->n > 1)
        qsort(list->items, list->n, sizeof *list->items, compare);
}

size_t lineage_findings_count_at_least(const lineage_findings *list, lineage_level level)
{
    size_t n = 0;
    for (size_t i = 0; list && i < list->n; i++)
        if (!list->items[i].suppress_reason && list->items[i].rule->level >= level)
            n++;
    return n;
}

const lineage_rule *lineage_finding_get_rule(const lineage_finding *f) { return f->rule; }
const char *lineage_finding_get_rule_id(const lineage_finding *f) { return f->rule->id; }
lineage_level lineage_finding_get_level(const lineage_finding *f) { return f->rule->level; }
const char *lineage_finding_get_title(const lineage_finding *f) { return f->rule->title; }
const char *lineage_finding_get_description(const lineage_finding *f)
{
    return f->rule->description;
}
size_t lineage_finding_reference_count(const lineage_finding *f) { return f->rule->nrefs; }
const char *lineage_finding_reference(const lineage_finding *f, size_t i)
{
    return i < f->rule->nrefs ? f->rule->refs[i] : NULL;
}
const lineage_dump *lineage_finding_get_dump(const lineage_finding *f) { return f->dump; }
const lineage_process *lineage_finding_get_process(const lineage_finding *f) { return f->proc; }
const char *lineage_finding_get_chain(const lineage_finding *f) { return f->chain; }
size_t lineage_finding_get_chain_length(const lineage_finding *f) { return f->chain_len; }
const char *lineage_finding_get_expected(const lineage_finding *f) { return f->expected; }
int lineage_finding_is_suppressed(const lineage_finding *f) { return f->suppress_reason != NULL; }
const char *lineage_finding_get_suppress_reason(const lineage_finding *f)
{
    return f->suppress_reason;
}
