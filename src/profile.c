/* Profiles: learning known-good lineage from dumps, merging, the text
 * form and emitting it as rules.
 *
 * Learning a dump first builds a one-dump profile and then merges it, so
 * learn(x ++ y) = merge(learn(x), learn(y)) holds by construction. Every
 * merged field is a sum, a minimum or a maximum, which makes merging
 * associative and commutative; the "first seen" evidence is the smallest
 * (source, line) pair for the same reason. Output is sorted by byte order
 * of the names, never by hash order. */
#include "profile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "errno_text.h"
#include "lineage_key.h"
#include "limits.h"
#include "model.h"
#include "strbuf.h"
#include "utf8.h"

/* ---- fact sets ---------------------------------------------------------- */

static size_t hash_pair(const lineage_name *a, const lineage_name *b)
{
    uintptr_t x = (uintptr_t)a * 0x9E3779B97F4A7C15u ^ ((uintptr_t)b + 0x632BE59BD9B4E019u);
    x ^= x >> 29;
    return (size_t)x;
}

static void fact_rehash(fact_set *s)
{
    size_t nslots = s->nslots ? s->nslots * 2 : 64;
    free(s->slots);
    s->slots = xcalloc(nslots, sizeof *s->slots);
    s->nslots = nslots;
    for (size_t i = 0; i < s->n; i++) {
        size_t h = hash_pair(s->items[i].a, s->items[i].b) & (nslots - 1);
        while (s->slots[h])
            h = (h + 1) & (nslots - 1);
        s->slots[h] = i + 1;
    }
}

static size_t fact_index(const fact_set *s, const lineage_name *a, const lineage_name *b)
{
    if (!s->nslots)
        return 0;
    size_t h = hash_pair(a, b) & (s->nslots - 1);
    while (s->slots[h]) {
        const profile_fact *f = &s->items[s->slots[h] - 1];
        if (f->a == a && f->b == b)
            return s->slots[h];
        h = (h + 1) & (s->nslots - 1);
    }
    return 0;
}

const profile_fact *fact_find(const fact_set *s, const lineage_name *a, const lineage_name *b)
{
    size_t i = fact_index(s, a, b);
    return i ? &s->items[i - 1] : NULL;
}

/* The fact for (a, b), added empty when new; *added says which. */
profile_fact *fact_get(fact_set *s, const lineage_name *a, const lineage_name *b,
                              int *added)
{
    size_t found = fact_index(s, a, b);
    profile_fact *f;
    *added = 0;
    if (found)
        return &s->items[found - 1];
    if ((s->n + 1) * 2 > s->nslots) {
        s->items = xgrow(s->items, &s->cap, s->n + 1, sizeof *s->items);
        fact_rehash(s);
    }
    s->items = xgrow(s->items, &s->cap, s->n + 1, sizeof *s->items);
    f = &s->items[s->n++];
    memset(f, 0, sizeof *f);
    f->a = a;
    f->b = b;
    f->count_min = UINT64_MAX;
    f->threads_min = LINEAGE_UNKNOWN;
    f->threads_max = LINEAGE_UNKNOWN;
    size_t h = hash_pair(a, b) & (s->nslots - 1);
    while (s->slots[h])
        h = (h + 1) & (s->nslots - 1);
    s->slots[h] = s->n;
    *added = 1;
    return f;
}

void fact_set_free(fact_set *s)
{
    free(s->items);
    free(s->slots);
}

static int evidence_before(const lineage_name *src_a, unsigned long line_a,
                           const lineage_name *src_b, unsigned long line_b)
{
    if (!src_b)
        return 1;
    if (!src_a)
        return 0;
    int c = strcmp(lineage_name_text(src_a), lineage_name_text(src_b));
    return c < 0 || (c == 0 && line_a < line_b);
}

static void fact_merge(profile_fact *to, const profile_fact *from)
{
    to->dumps += from->dumps;
    if (from->count_min < to->count_min)
        to->count_min = from->count_min;
    if (from->count_max > to->count_max)
        to->count_max = from->count_max;
    to->total += from->total;
    to->exited += from->exited;
    if (from->threads_min != LINEAGE_UNKNOWN &&
        (to->threads_min == LINEAGE_UNKNOWN || from->threads_min < to->threads_min))
        to->threads_min = from->threads_min;
    if (from->threads_max != LINEAGE_UNKNOWN &&
        (to->threads_max == LINEAGE_UNKNOWN || from->threads_max > to->threads_max))
        to->threads_max = from->threads_max;
    if (evidence_before(from->at_source, from->at_line, to->at_source, to->at_line)) {
        to->at_source = from->at_source;
        to->at_line = from->at_line;
    }
}

static void fact_set_merge(fact_set *to, const fact_set *from)
{
    for (size_t i = 0; i < from->n; i++) {
        int added;
        profile_fact *f = fact_get(to, from->items[i].a, from->items[i].b, &added);
        fact_merge(f, &from->items[i]);
    }
}

static int compare_names(const lineage_name *x, const lineage_name *y)
{
    if (x == y)
        return 0;
    if (!x)
        return -1;
    if (!y)
        return 1;
    size_t lx = lineage_name_length(x), ly = lineage_name_length(y);
    int c = memcmp(lineage_name_text(x), lineage_name_text(y), lx < ly ? lx : ly);
    return c ? c : (lx > ly) - (lx < ly);
}

/* qsort has no context argument in C11: sort index/pointer pairs. */
typedef struct order_item {
    const profile_fact *f;
    size_t index;
} order_item;

static int compare_order(const void *pa, const void *pb)
{
    const profile_fact *x = ((const order_item *)pa)->f, *y = ((const order_item *)pb)->f;
    /* Edges sort by parent, then child; keys and names by their text. */
    int c = compare_names(x->b, y->b);
    return c ? c : compare_names(x->a, y->a);
}

/* The indices of the facts of `s` in the order `compare` gives their
 * order_items. */
static size_t *facts_sorted(const fact_set *s, int (*compare)(const void *, const void *))
{
    order_item *items = xcalloc(s->n ? s->n : 1, sizeof *items);
    for (size_t i = 0; i < s->n; i++) {
        items[i].f = &s->items[i];
        items[i].index = i;
    }
    qsort(items, s->n, sizeof *items, compare);
    size_t *idx = xcalloc(s->n ? s->n : 1, sizeof *idx);
    for (size_t i = 0; i < s->n; i++)
        idx[i] = items[i].index;
    free(items);
    return idx;
}

size_t *fact_order(const fact_set *s) { return facts_sorted(s, compare_order); }

int profile_is_protected(const char *n)
{
    /* Diff asks this for every key of every suspect: one strcmp against
     * the few names that share the first letter. */
    switch (n[0]) {
    case 's':
        return strcmp(n, "system") == 0 || strcmp(n, "smss.exe") == 0 ||
               strcmp(n, "services.exe") == 0;
    case 'c':
        return strcmp(n, "csrss.exe") == 0;
    case 'w':
        return strcmp(n, "wininit.exe") == 0 || strcmp(n, "winlogon.exe") == 0;
    case 'l':
        return strcmp(n, "lsass.exe") == 0;
    default:
        return 0;
    }
}

/* ---- profiles ----------------------------------------------------------- */

static void put_name(strbuf *sb, const lineage_name *n);

lineage_profile *lineage_profile_new(lineage_session *session)
{
    lineage_profile *p = xcalloc(1, sizeof *p);
    p->session = session;
    return p;
}

void lineage_profile_free(lineage_profile *p)
{
    if (!p)
        return;
    free(p->builds);
    fact_set_free(&p->keys);
    fact_set_free(&p->edges);
    fact_set_free(&p->names);
    free(p);
}

static void add_build(lineage_profile *p, unsigned build, uint64_t dumps)
{
    size_t i = 0;
    while (i < p->nbuilds && p->builds[i].build < build)
        i++;
    if (i < p->nbuilds && p->builds[i].build == build) {
        p->builds[i].dumps += dumps;
        return;
    }
    p->builds = xgrow(p->builds, &p->builds_cap, p->nbuilds + 1, sizeof *p->builds);
    memmove(&p->builds[i + 1], &p->builds[i], (p->nbuilds - i) * sizeof *p->builds);
    p->builds[i].build = build;
    p->builds[i].dumps = dumps;
    p->nbuilds++;
}

/* Both build lists are sorted: one merging pass, not an insertion each. */
static void merge_builds(lineage_profile *into, const lineage_profile *from)
{
    if (from->nbuilds == 0)
        return;
    size_t n = into->nbuilds + from->nbuilds, i = 0, j = 0, k = 0;
    profile_build *out = xcalloc(n, sizeof *out);
    while (i < into->nbuilds || j < from->nbuilds) {
        if (j == from->nbuilds ||
            (i < into->nbuilds && into->builds[i].build < from->builds[j].build)) {
            out[k++] = into->builds[i++];
        } else if (i == into->nbuilds || from->builds[j].build < into->builds[i].build) {
            out[k++] = from->builds[j++];
        } else {
            out[k] = into->builds[i++];
            out[k++].dumps += from->builds[j++].dumps;
        }
    }
    free(into->builds);
    into->builds = out;
    into->nbuilds = k;
    into->builds_cap = n;
}

/* A fact as its line starts: `edge "wininit.exe" "lsass.exe"`; `b` is an
 * edge's parent, NULL for the other kinds. */
static void put_fact_id(strbuf *sb, const char *kind, const lineage_name *a,
                        const lineage_name *b)
{
    strbuf_printf(sb, "%s ", kind);
    if (b) {
        put_name(sb, b);
        strbuf_putc(sb, ' ');
    }
    put_name(sb, a);
}

/* Counts add up in merges and none may wrap: true when have + add would
 * pass UINT64_MAX, with the count described in *why ("total of name
 * \"x.exe\" would be A + B"). `fact` is NULL for the profile's own counts. */
static int sum_overflows(strbuf *why, const char *count, const char *kind,
                         const profile_fact *fact, uint64_t have, uint64_t add)
{
    if (have <= UINT64_MAX - add)
        return 0;
    strbuf_puts(why, count);
    if (fact) {
        strbuf_puts(why, " of ");
        put_fact_id(why, kind, fact->a, fact->b);
    }
    strbuf_printf(why, " would be %llu + %llu", (unsigned long long)have,
                  (unsigned long long)add);
    return 1;
}

static int facts_overflow(strbuf *why, const fact_set *into, const fact_set *from,
                          const char *kind)
{
    for (size_t i = 0; i < from->n; i++) {
        const profile_fact *g = &from->items[i];
        const profile_fact *f = fact_find(into, g->a, g->b);
        /* exited <= total in every fact: total covers it. */
        if (f && (sum_overflows(why, "dumps", kind, g, f->dumps, g->dumps) ||
                  sum_overflows(why, "total", kind, g, f->total, g->total)))
            return 1;
    }
    return 0;
}

/* True when merging `from` into `into` would take a count past UINT64_MAX;
 * the first such count is described in *why. */
static int merge_overflows(const lineage_profile *into, const lineage_profile *from, strbuf *why)
{
    if (sum_overflows(why, "dumps", NULL, NULL, into->dumps, from->dumps))
        return 1;
    for (size_t i = 0, j = 0; i < from->nbuilds; i++) {
        while (j < into->nbuilds && into->builds[j].build < from->builds[i].build)
            j++;
        if (j == into->nbuilds || into->builds[j].build != from->builds[i].build)
            continue;
        char count[40];
        snprintf(count, sizeof count, "dumps of build %u", from->builds[i].build);
        if (sum_overflows(why, count, NULL, NULL, into->builds[j].dumps, from->builds[i].dumps))
            return 1;
    }
    return facts_overflow(why, &into->names, &from->names, "name") ||
           facts_overflow(why, &into->edges, &from->edges, "edge") ||
           facts_overflow(why, &into->keys, &from->keys, "key");
}

lineage_status lineage_profile_merge(lineage_profile *into, const lineage_profile *from)
{
    return lineage_profile_merge_from(into, from, NULL, NULL);
}

lineage_status lineage_profile_merge_from(lineage_profile *into, const lineage_profile *from,
                                          const char *name, lineage_diag_list *diags)
{
    if (!into || !from || into->session != from->session)
        return LINEAGE_E_ARG;
    /* Checked before anything is added, so a refused merge changes nothing. */
    strbuf why = STRBUF_INIT;
    if (merge_overflows(into, from, &why)) {
        if (diags)
            lineage_diag_add(diags, LINEAGE_ERROR, name ? name : "profile", 0, 0, NULL, 0,
                             "cannot merge: %s, past the largest count %llu",
                             why.data, (unsigned long long)UINT64_MAX);
        strbuf_release(&why);
        return LINEAGE_E_LIMIT;
    }
    into->dumps += from->dumps;
    merge_builds(into, from);
    fact_set_merge(&into->keys, &from->keys);
    fact_set_merge(&into->edges, &from->edges);
    fact_set_merge(&into->names, &from->names);
    return LINEAGE_OK;
}

static void observe(fact_set *s, const lineage_name *a, const lineage_name *b,
                    const lineage_process *proc, const lineage_name *source)
{
    int added;
    profile_fact *f = fact_get(s, a, b, &added);
    f->total++;
    if (!lineage_process_is_alive(proc))
        f->exited++;
    uint64_t t = lineage_process_get_threads(proc);
    if (t != LINEAGE_UNKNOWN) {
        if (f->threads_min == LINEAGE_UNKNOWN || t < f->threads_min)
            f->threads_min = t;
        if (f->threads_max == LINEAGE_UNKNOWN || t > f->threads_max)
            f->threads_max = t;
    }
    unsigned long line = lineage_process_get_line(proc);
    if (evidence_before(source, line, f->at_source, f->at_line)) {
        f->at_source = source;
        f->at_line = line;
    }
}

static void close_dump(fact_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        s->items[i].dumps = 1;
        s->items[i].count_min = s->items[i].count_max = s->items[i].total;
    }
}

void profile_learn_one(lineage_profile *one, const lineage_dump *dump, const lineage_keys *k,
                       unsigned sets)
{
    const char *src = lineage_dump_get_source(dump);
    const lineage_name *source = lineage_session_intern(one->session, src, strlen(src));
    for (size_t i = 0; i < k->count; i++) {
        const lineage_process *proc = lineage_dump_process(dump, i);
        /* A process a --scan added has its evidence in the scan file. */
        const char *psrc = lineage_process_get_source(proc);
        const lineage_name *at = psrc == src ? source
                                             : lineage_session_intern(one->session, psrc, strlen(psrc));
        if (sets & PROFILE_KEYS)
            observe(&one->keys, k->key[i], NULL, proc, at);
        if (sets & PROFILE_EDGES)
            observe(&one->edges, k->leaf[i], k->parent[i], proc, at);
        if (sets & PROFILE_NAMES)
            observe(&one->names, k->leaf[i], NULL, proc, at);
    }
    close_dump(&one->keys);
    close_dump(&one->edges);
    close_dump(&one->names);
    one->dumps = 1;
    add_build(one, lineage_dump_get_build(dump), 1);
}

static int profile_is_empty(const lineage_profile *p)
{
    return p->dumps == 0 && p->nbuilds == 0 && p->keys.n == 0 && p->edges.n == 0 &&
           p->names.n == 0;
}

lineage_status lineage_profile_add_dump(lineage_profile *p, const lineage_dump *dump)
{
    /* Names are compared as interned pointers: another session's would
     * all look new. */
    if (!p || !dump || dump->session != p->session)
        return LINEAGE_E_ARG;
    lineage_status st = LINEAGE_OK;
    lineage_keys *k = lineage_keys_compute(p->session, dump);
    if (profile_is_empty(p)) {
        /* Merging into an empty profile copies fact by fact, in order:
         * learning in place gives the same profile. */
        profile_learn_one(p, dump, k, PROFILE_ALL);
    } else {
        lineage_profile *one = lineage_profile_new(p->session);
        profile_learn_one(one, dump, k, PROFILE_ALL);
        st = lineage_profile_merge(p, one);
        lineage_profile_free(one);
    }
    lineage_keys_free(k);
    return st;
}

uint64_t lineage_profile_get_dump_count(const lineage_profile *p) { return p->dumps; }
size_t lineage_profile_key_count(const lineage_profile *p) { return p->keys.n; }
size_t lineage_profile_edge_count(const lineage_profile *p) { return p->edges.n; }
size_t lineage_profile_name_count(const lineage_profile *p) { return p->names.n; }

/* ---- text form ---------------------------------------------------------- */

/* The length of the run at s[i] that a string may hold as it is: a
 * printable ASCII byte other than '"' and '\\', or a valid UTF-8 sequence
 * that is not invisible (utf8_invisible); 0 when the byte at s[i] must be
 * escaped. */
static size_t plain_length(const char *s, size_t len, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80)
        return c >= 0x20 && c != 0x7f && c != '"' && c != '\\';
    size_t n = utf8_valid_prefix(s + i, len - i);
    return n && !utf8_invisible(s + i, n) ? n : 0;
}

/* A quoted profile string. Control bytes, invalid UTF-8 and every byte of
 * a C1 control, bidirectional or invisible character are written \xNN,
 * which the reader turns back into the same byte: a profile shows such a
 * name in an editor or a terminal for what it is, and reads back byte for
 * byte. */
static void put_quoted(strbuf *sb, const char *s, size_t len)
{
    strbuf_putc(sb, '"');
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        size_t n = plain_length(s, len, i);
        if (n) {
            strbuf_add(sb, s + i, n);
            i += n;
            continue;
        }
        if (c == '"' || c == '\\') {
            strbuf_putc(sb, '\\');
            strbuf_putc(sb, (char)c);
        } else {
            strbuf_printf(sb, "\\x%02x", c);
        }
        i++;
    }
    strbuf_putc(sb, '"');
}

static void put_name(strbuf *sb, const lineage_name *n)
{
    put_quoted(sb, lineage_name_text(n), lineage_name_length(n));
}

static void put_fact_body(strbuf *sb, const profile_fact *f)
{
    strbuf_printf(sb, " dumps %llu count %llu %llu total %llu exited %llu",
                  (unsigned long long)f->dumps, (unsigned long long)f->count_min,
                  (unsigned long long)f->count_max, (unsigned long long)f->total,
                  (unsigned long long)f->exited);
    if (f->threads_min == LINEAGE_UNKNOWN)
        strbuf_puts(sb, " threads - -");
    else
        strbuf_printf(sb, " threads %llu %llu", (unsigned long long)f->threads_min,
                      (unsigned long long)f->threads_max);
    strbuf_puts(sb, " at ");
    if (f->at_source)
        put_name(sb, f->at_source);
    else
        strbuf_puts(sb, "\"\"");
    strbuf_printf(sb, " %lu\n", f->at_line);
}

static void put_set(strbuf *sb, const fact_set *s, const char *word)
{
    size_t *order = fact_order(s);
    for (size_t i = 0; i < s->n; i++) {
        const profile_fact *f = &s->items[order[i]];
        strbuf_puts(sb, word);
        strbuf_putc(sb, ' ');
        if (f->b) {
            put_name(sb, f->b);
            strbuf_putc(sb, ' ');
        }
        put_name(sb, f->a);
        put_fact_body(sb, f);
    }
    free(order);
}

char *lineage_profile_write_text(const lineage_profile *p)
{
    strbuf sb = STRBUF_INIT;
    strbuf_printf(&sb, "lineage-profile %d\n", LINEAGE_PROFILE_VERSION);
    strbuf_printf(&sb, "dumps %llu\n", (unsigned long long)p->dumps);
    for (size_t i = 0; i < p->nbuilds; i++)
        strbuf_printf(&sb, "build %u dumps %llu\n", p->builds[i].build,
                      (unsigned long long)p->builds[i].dumps);
    put_set(&sb, &p->names, "name");
    put_set(&sb, &p->edges, "edge");
    put_set(&sb, &p->keys, "key");
    return strbuf_detach(&sb);
}

static const char profile_magic[] = "lineage-profile ";
#define PROFILE_MAGIC_LEN (sizeof profile_magic - 1)

/* Whether the text starts with the magic in UTF-16 of that byte order. */
static int magic_utf16(const char *text, size_t len, int big_endian)
{
    if (len < 2 * PROFILE_MAGIC_LEN)
        return 0;
    for (size_t i = 0; i < PROFILE_MAGIC_LEN; i++)
        if (text[2 * i + big_endian] != profile_magic[i] || text[2 * i + !big_endian] != 0)
            return 0;
    return 1;
}

typedef enum profile_text { PROFILE_UTF8, PROFILE_UTF16LE, PROFILE_UTF16BE } profile_text;

/* How a profile's text is encoded, and in *skip the length of its
 * byte-order mark. Windows editors save UTF-8 with a BOM, which is taken;
 * Windows PowerShell 5.1's `>` writes UTF-16LE, which the reader refuses
 * by name rather than read as garbage. UTF-16 without a BOM is known only
 * by the magic: NUL bytes alone prove nothing. */
static profile_text profile_encoding(const char *text, size_t len, size_t *skip)
{
    *skip = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        *skip = 3;
        return PROFILE_UTF8;
    }
    if (len >= 2 && (memcmp(text, "\xFF\xFE", 2) == 0 || memcmp(text, "\xFE\xFF", 2) == 0)) {
        *skip = 2;
        return (unsigned char)text[0] == 0xFF ? PROFILE_UTF16LE : PROFILE_UTF16BE;
    }
    if (magic_utf16(text, len, 0))
        return PROFILE_UTF16LE;
    return magic_utf16(text, len, 1) ? PROFILE_UTF16BE : PROFILE_UTF8;
}

int lineage_profile_sniff(const char *text, size_t len)
{
    size_t skip;
    profile_text enc = profile_encoding(text, len, &skip);
    text += skip;
    len -= skip;
    if (enc != PROFILE_UTF8)
        return magic_utf16(text, len, enc == PROFILE_UTF16BE);
    return len >= PROFILE_MAGIC_LEN && memcmp(text, profile_magic, PROFILE_MAGIC_LEN) == 0;
}

/* A tokenizer over one line: words and quoted strings, with columns. */
typedef struct line_scan {
    const char *s, *end, *line;
    const char *tok; /* start of the last token (for columns) */
} line_scan;

/* The dumps a line says a fact or a build was seen in, which cannot be
 * more than the profile holds. The profile's `dumps` line may come later,
 * so a claim read before it waits, with its line for the message (one
 * per fact at most: LINEAGE_MAX_PROFILE_FACTS bounds them). */
typedef struct dumps_claim {
    const char *kind;          /* "name", "edge" or "key"; NULL for a build */
    const lineage_name *a, *b; /* the fact (b: an edge's parent) */
    unsigned build;
    uint64_t dumps;
    uint64_t earlier; /* a build's: the earlier builds' sum, stopping at UINT64_MAX */
    unsigned long lineno;
    const char *line, *at; /* `at`: the number, for the caret */
    size_t line_len;
} dumps_claim;

typedef struct parse_ctx {
    lineage_session *session;
    const char *name;
    lineage_diag_list *diags;
    unsigned long lineno;
    const char *line;
    size_t line_len;
    int errors;
    strbuf tmp;
    int seen_dumps;
    uint64_t build_dumps; /* the builds' dumps so far, stopping at UINT64_MAX */
    dumps_claim *pending; /* claims read before the `dumps` line */
    size_t npending, pending_cap;
} parse_ctx;

static void perr_line(parse_ctx *c, unsigned long lineno, const char *line, size_t line_len,
                      const char *at, const char *msg)
{
    unsigned col = (unsigned)(at - line) + 1;
    lineage_diag_add(c->diags, LINEAGE_ERROR, c->name, lineno, col, line, line_len, "%s", msg);
    c->errors++;
}

static void perr(parse_ctx *c, const char *at, const char *msg)
{
    perr_line(c, c->lineno, c->line, c->line_len, at, msg);
}

static void skip_space(line_scan *ls)
{
    while (ls->s < ls->end && (*ls->s == ' ' || *ls->s == '\t'))
        ls->s++;
}

/* The next bare word; 0 at the end of the line. */
static int next_word(line_scan *ls, const char **w, size_t *len)
{
    skip_space(ls);
    ls->tok = ls->s;
    if (ls->s >= ls->end)
        return 0;
    const char *b = ls->s;
    while (ls->s < ls->end && *ls->s != ' ' && *ls->s != '\t')
        ls->s++;
    *w = b;
    *len = (size_t)(ls->s - b);
    return 1;
}

static int expect_word(parse_ctx *c, line_scan *ls, const char *want)
{
    const char *w;
    size_t len;
    if (!next_word(ls, &w, &len) || len != strlen(want) || memcmp(w, want, len) != 0) {
        strbuf_release(&c->tmp);
        strbuf_printf(&c->tmp, "expected '%s'", want);
        perr(c, ls->tok, c->tmp.data);
        return 0;
    }
    return 1;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* A quoted string, interned. */
static const lineage_name *expect_string(parse_ctx *c, line_scan *ls)
{
    skip_space(ls);
    ls->tok = ls->s;
    if (ls->s >= ls->end || *ls->s != '"') {
        perr(c, ls->s, "expected a quoted string");
        return NULL;
    }
    ls->s++;
    strbuf sb = STRBUF_INIT;
    strbuf_add(&sb, "", 0);
    while (ls->s < ls->end && *ls->s != '"') {
        char ch = *ls->s++;
        if (ch == '\\') {
            if (ls->s >= ls->end)
                break;
            char e = *ls->s++;
            if (e == '"' || e == '\\') {
                strbuf_putc(&sb, e);
            } else if (e == 'x' && ls->end - ls->s >= 2 && hexval(ls->s[0]) >= 0 &&
                       hexval(ls->s[1]) >= 0) {
                strbuf_putc(&sb, (char)(hexval(ls->s[0]) * 16 + hexval(ls->s[1])));
                ls->s += 2;
            } else {
                perr(c, ls->s - 2, "unknown escape in string");
                strbuf_release(&sb);
                return NULL;
            }
        } else {
            strbuf_putc(&sb, ch);
        }
    }
    if (ls->s >= ls->end) {
        perr(c, ls->tok, "unterminated string");
        strbuf_release(&sb);
        return NULL;
    }
    ls->s++;
    const lineage_name *n = lineage_session_intern(c->session, sb.data, sb.len);
    strbuf_release(&sb);
    return n;
}

/* A decimal number, or "-" (LINEAGE_UNKNOWN) when allow_dash. */
static int expect_number(parse_ctx *c, line_scan *ls, int allow_dash, uint64_t *out)
{
    const char *w;
    size_t len;
    if (!next_word(ls, &w, &len)) {
        perr(c, ls->tok, "expected a number");
        return 0;
    }
    if (allow_dash && len == 1 && w[0] == '-') {
        *out = LINEAGE_UNKNOWN;
        return 1;
    }
    /* Every count the writer can write reads back: 0 to UINT64_MAX, where
     * a thread count (allow_dash) stops below LINEAGE_UNKNOWN, its "-". */
    uint64_t v = 0, max = allow_dash ? LINEAGE_UNKNOWN - 1 : UINT64_MAX;
    for (size_t i = 0; i < len; i++) {
        if (w[i] < '0' || w[i] > '9') {
            perr(c, w, "expected a number");
            return 0;
        }
        uint64_t d = (uint64_t)(w[i] - '0');
        if (v > (max - d) / 10) {
            strbuf_release(&c->tmp);
            strbuf_printf(&c->tmp, "number out of range (the largest is %llu)",
                          (unsigned long long)max);
            perr(c, w, c->tmp.data);
            return 0;
        }
        v = v * 10 + d;
    }
    *out = v;
    return 1;
}

/* The counts and evidence after a fact's names; *dumps_at is where its
 * dumps count starts. */
static int parse_fact_body(parse_ctx *c, line_scan *ls, profile_fact *f, const char **dumps_at)
{
    uint64_t line = 0;
    if (!(expect_word(c, ls, "dumps") && expect_number(c, ls, 0, &f->dumps)))
        return 0;
    *dumps_at = ls->tok;
    if (!(expect_word(c, ls, "count") && expect_number(c, ls, 0, &f->count_min) &&
          expect_number(c, ls, 0, &f->count_max) && expect_word(c, ls, "total") &&
          expect_number(c, ls, 0, &f->total) && expect_word(c, ls, "exited") &&
          expect_number(c, ls, 0, &f->exited) && expect_word(c, ls, "threads") &&
          expect_number(c, ls, 1, &f->threads_min) &&
          expect_number(c, ls, 1, &f->threads_max) && expect_word(c, ls, "at")))
        return 0;
    const char *at = ls->s;
    if (!(f->at_source = expect_string(c, ls)) || !expect_number(c, ls, 0, &line))
        return 0;
    f->at_line = (unsigned long)line;
    if (lineage_name_length(f->at_source) == 0)
        f->at_source = NULL;
    if (f->dumps == 0 || f->count_min > f->count_max || f->count_min == 0 ||
        f->total < f->count_max || f->exited > f->total ||
        (f->threads_min == LINEAGE_UNKNOWN) != (f->threads_max == LINEAGE_UNKNOWN) ||
        (f->threads_min != LINEAGE_UNKNOWN && f->threads_min > f->threads_max)) {
        perr(c, at, "inconsistent counts in fact");
        return 0;
    }
    return 1;
}

/* Names in name and edge facts are the components keys are made of
 * (lineage_key.c), so that diff finds a key's last name among them: a '/'
 * in an image name is written %2F and a '%' %25 there too, and a name
 * that is one of the key's marks ("?", "(top)", "...") is written with
 * its first byte as %XX. Nothing else reads back the same, so nothing
 * else is taken; in keys '/' joins names. */
static int check_escapes(parse_ctx *c, const char *at, const lineage_name *n, int is_key)
{
    const char *t = lineage_name_text(n);
    size_t len = lineage_name_length(n);
    size_t comp_start = 0;
    for (size_t i = 0; i < len; i++) {
        if (t[i] == '/' && !is_key) {
            perr(c, at, "a '/' in an image name is written %2F");
            return 0;
        }
        if (t[i] == '/') {
            comp_start = i + 1;
            continue;
        }
        if (t[i] != '%' || (len - i >= 3 && (memcmp(t + i, "%25", 3) == 0 ||
                                             memcmp(t + i, "%2F", 3) == 0)))
            continue;
        const char *end = is_key ? memchr(t + i, '/', len - i) : NULL;
        size_t comp_len = (end ? (size_t)(end - t) : len) - comp_start;
        if (i == comp_start && lineage_key_mark_unescaped(t + i, comp_len)) {
            i += comp_len - 1;
            continue;
        }
        perr(c, at, "a '%' in an image name is written %25 (and a '/' %2F)");
        return 0;
    }
    return 1;
}

/* "A + B", or their sum when it fits in 64 bits. */
static void put_sum(strbuf *sb, uint64_t a, uint64_t b)
{
    if (a <= UINT64_MAX - b)
        strbuf_printf(sb, "%llu", (unsigned long long)(a + b));
    else
        strbuf_printf(sb, "%llu + %llu", (unsigned long long)a, (unsigned long long)b);
}

/* Reports a claim of more dumps than the profile's `total`: one fact or
 * build alone, or the builds up to this one together (said once, at the
 * build that passes the total). */
static void check_claim(parse_ctx *c, const dumps_claim *k, uint64_t total)
{
    strbuf *m = &c->tmp;
    strbuf_release(m);
    if (k->dumps > total) {
        if (k->kind)
            put_fact_id(m, k->kind, k->a, k->b);
        else
            strbuf_printf(m, "build %u", k->build);
        strbuf_printf(m, " was seen in %llu dump%s", (unsigned long long)k->dumps,
                      k->dumps == 1 ? "" : "s");
    } else if (!k->kind && k->earlier <= total && k->dumps > total - k->earlier) {
        strbuf_printf(m, "builds up to %u were seen in ", k->build);
        put_sum(m, k->earlier, k->dumps);
        strbuf_puts(m, " dumps");
    } else {
        return;
    }
    strbuf_printf(m, ", more than the profile's %llu", (unsigned long long)total);
    if (!c->seen_dumps)
        strbuf_puts(m, " (it has no 'dumps' line)");
    perr_line(c, k->lineno, k->line, k->line_len, k->at, m->data);
}

/* Checks a claim now when the profile's dumps are known, else at the end. */
static void claim_dumps(parse_ctx *c, const lineage_profile *p, const dumps_claim *k)
{
    if (c->seen_dumps) {
        check_claim(c, k, p->dumps);
        return;
    }
    c->pending = xgrow(c->pending, &c->pending_cap, c->npending + 1, sizeof *c->pending);
    c->pending[c->npending++] = *k;
}

/* The claim of the line being parsed; `at` is its dumps count. */
static dumps_claim line_claim(const parse_ctx *c, const char *at, uint64_t dumps)
{
    dumps_claim k = {0};
    k.dumps = dumps;
    k.lineno = c->lineno;
    k.line = c->line;
    k.line_len = c->line_len;
    k.at = at;
    return k;
}

static void parse_line(parse_ctx *c, lineage_profile *p, line_scan *ls)
{
    const char *w;
    size_t len;
    if (!next_word(ls, &w, &len))
        return; /* blank */
    if (w[0] == '#')
        return;
    const char *start = w;
#define IS(word) (len == sizeof(word) - 1 && memcmp(w, word, len) == 0)
    if (IS("dumps")) {
        uint64_t n;
        if (!expect_number(c, ls, 0, &n))
            return;
        if (c->seen_dumps) {
            perr(c, start, "duplicate 'dumps' line");
            return;
        }
        c->seen_dumps = 1;
        p->dumps = n;
    } else if (IS("build")) {
        uint64_t b, n;
        if (!(expect_number(c, ls, 0, &b) && expect_word(c, ls, "dumps") &&
              expect_number(c, ls, 0, &n)))
            return;
        if (b > UINT32_MAX) {
            perr(c, start, "build number out of range");
            return;
        }
        /* As written: each build once, in increasing order (so reading
         * is linear and no two lines' counts are added, which could wrap). */
        if (p->nbuilds && p->builds[p->nbuilds - 1].build >= b) {
            perr(c, start, "build lines must be in increasing order, each build once");
            return;
        }
        add_build(p, (unsigned)b, n);
        dumps_claim k = line_claim(c, ls->tok, n);
        k.build = (unsigned)b;
        k.earlier = c->build_dumps;
        c->build_dumps = n <= UINT64_MAX - c->build_dumps ? c->build_dumps + n : UINT64_MAX;
        claim_dumps(c, p, &k);
    } else if (IS("name") || IS("edge") || IS("key")) {
        fact_set *set = IS("name") ? &p->names : IS("edge") ? &p->edges : &p->keys;
        const char *kind = IS("name") ? "name" : IS("edge") ? "edge" : "key";
        profile_fact f = {0};
        const lineage_name *parent = NULL;
        const char *dumps_at = NULL;
        int is_key = set == &p->keys;
        if (set == &p->edges &&
            (!(parent = expect_string(c, ls)) || !check_escapes(c, ls->tok, parent, 0)))
            return;
        const lineage_name *a = expect_string(c, ls);
        if (!a || !check_escapes(c, ls->tok, a, is_key) || !parse_fact_body(c, ls, &f, &dumps_at))
            return;
        int added;
        profile_fact *to = fact_get(set, a, parent, &added);
        if (!added) {
            perr(c, start, "duplicate fact");
            return;
        }
        f.a = a;
        f.b = parent;
        *to = f;
        dumps_claim k = line_claim(c, dumps_at, f.dumps);
        k.kind = kind;
        k.a = a;
        k.b = parent;
        claim_dumps(c, p, &k);
    } else {
        perr(c, start, "unknown fact (expected dumps, build, name, edge or key)");
        return;
    }
#undef IS
    if (next_word(ls, &w, &len))
        perr(c, w, "unexpected text after the fact");
}

/* Reads every line into p; LINEAGE_E_LIMIT past LINEAGE_MAX_PROFILE_FACTS. */
static lineage_status parse_lines(parse_ctx *c, lineage_profile *p, const char *text, size_t len)
{
    const char *s = text, *end = text + len;
    int seen_version = 0;
    size_t facts = 0;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *le = nl ? nl : end;
        c->lineno++;
        c->line = s;
        c->line_len = (size_t)(le - s);
        if (c->line_len && le[-1] == '\r')
            c->line_len--;
        line_scan ls = {s, s + c->line_len, s, s};
        if (!seen_version) {
            char want[40];
            snprintf(want, sizeof want, "lineage-profile %d", LINEAGE_PROFILE_VERSION);
            if (c->line_len != strlen(want) || memcmp(s, want, c->line_len) != 0) {
                perr(c, s,
                     lineage_profile_sniff(s, c->line_len)
                         ? "unsupported profile version (this lineage reads version 1)"
                         : "not a lineage profile (expected 'lineage-profile 1')");
                return LINEAGE_OK;
            }
            seen_version = 1;
        } else if (++facts > LINEAGE_MAX_PROFILE_FACTS) {
            perr(c, s, "too many facts in one profile (LINEAGE_MAX_PROFILE_FACTS)");
            return LINEAGE_E_LIMIT;
        } else {
            parse_line(c, p, &ls);
        }
        s = nl ? nl + 1 : end;
    }
    if (!seen_version) {
        c->lineno = 1;
        c->line = text;
        c->line_len = 0;
        perr(c, text, "empty file: not a lineage profile");
    }
    return LINEAGE_OK;
}

/* Refuses UTF-16 text by name (true when it was): read as UTF-8 it would
 * only be "not a lineage profile". */
static int refuse_utf16(parse_ctx *c, profile_text enc, size_t bom)
{
    if (enc == PROFILE_UTF8)
        return 0;
    int be = enc == PROFILE_UTF16BE;
    strbuf_release(&c->tmp);
    strbuf_printf(&c->tmp, "a profile must be UTF-8; this file is UTF-16%s (%s)", be ? "BE" : "LE",
                  !bom ? "no BOM" : be ? "BOM FE FF" : "BOM FF FE");
    static const char no_line[] = ""; /* its bytes would only show as escapes */
    perr_line(c, 1, no_line, 0, no_line, c->tmp.data);
    return 1;
}

lineage_status lineage_profile_parse(lineage_session *session, const char *name,
                                     const char *text, size_t len, lineage_diag_list *diags,
                                     lineage_profile **out)
{
    parse_ctx c = {session, name, diags, 0, NULL, 0, 0, STRBUF_INIT, 0, 0, NULL, 0, 0};
    lineage_profile *p = lineage_profile_new(session);
    lineage_status st = LINEAGE_OK;
    size_t bom;
    profile_text enc = profile_encoding(text, len, &bom);
    *out = NULL;
    if (!refuse_utf16(&c, enc, bom))
        st = parse_lines(&c, p, text + bom, len - bom);
    /* Claims made before the `dumps` line; when that line was wrong, the
     * total is not known and its error says enough. */
    if (c.seen_dumps || c.errors == 0)
        for (size_t i = 0; i < c.npending; i++)
            check_claim(&c, &c.pending[i], p->dumps);
    free(c.pending);
    strbuf_release(&c.tmp);
    if (c.errors) {
        lineage_profile_free(p);
        return st != LINEAGE_OK ? st : LINEAGE_E_PARSE;
    }
    *out = p;
    return LINEAGE_OK;
}

lineage_status lineage_profile_load(lineage_session *session, const char *path,
                                    lineage_diag_list *diags, lineage_profile **out)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        char err[ERRNO_TEXT_SIZE];
        lineage_diag_add(diags, LINEAGE_ERROR, path, 0, 0, NULL, 0, "cannot open: %s",
                         errno_text(errno, err));
        return LINEAGE_E_IO;
    }
    strbuf sb = STRBUF_INIT;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        strbuf_add(&sb, buf, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        lineage_diag_add(diags, LINEAGE_ERROR, path, 0, 0, NULL, 0, "read error");
        strbuf_release(&sb);
        return LINEAGE_E_IO;
    }
    lineage_status st =
        lineage_profile_parse(session, path, sb.data ? sb.data : "", sb.len, diags, out);
    strbuf_release(&sb);
    return st;
}

/* ---- rules -------------------------------------------------------------- */

/* A PCRE2 literal for a folded name: every ASCII punctuation escaped, "/"
 * as "\/" (patterns are written between slashes); control bytes, invalid
 * UTF-8 and every byte of a C1 control, bidirectional or invisible
 * character as \xNN. Patterns match bytes (they are compiled without
 * PCRE2_UTF), so \xe2\x80\xae matches U+202E and nothing else, and the
 * rule file holds no character that would hide or reorder the text
 * around it. */
static void put_pattern_literal(strbuf *sb, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x80) {
            size_t n = plain_length(s, len, i);
            if (n) {
                strbuf_add(sb, s + i, n);
                i += n;
                continue;
            }
            strbuf_printf(sb, "\\x%02x", ch);
        } else if (ch < 0x20 || ch == 0x7f) {
            strbuf_printf(sb, "\\x%02x", ch);
        } else if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                     (ch >= '0' && ch <= '9') || ch == ' ')) {
            strbuf_putc(sb, '\\');
            strbuf_putc(sb, (char)ch);
        } else {
            strbuf_putc(sb, (char)ch);
        }
        i++;
    }
}

/* A quoted rule-language string: only \" \\ \n exist there. Titles escape
 * the name they hold before it gets here (strbuf_add_escaped), so the text
 * is visible already; a control byte left anyway is written as the text
 * \xNN (its backslash as \\), never dropped. */
static void put_rule_string(strbuf *sb, const char *s, size_t len)
{
    strbuf_putc(sb, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\') {
            strbuf_putc(sb, '\\');
            strbuf_putc(sb, (char)ch);
        } else if (ch < 0x20 || ch == 0x7f) {
            strbuf_printf(sb, "\\\\x%02x", ch);
        } else {
            strbuf_putc(sb, (char)ch);
        }
    }
    strbuf_putc(sb, '"');
}

/* The image name a name fact's component stands for: %2F back to '/',
 * %25 to '%', an escaped mark to the mark (the reader takes no other
 * '%'). Rules match real names. */
static void put_image_name(strbuf *sb, const lineage_name *n)
{
    lineage_key_put_image_name(sb, lineage_name_text(n), lineage_name_length(n), 0);
}

/* The rule ID a name would have alone: "fleet." and the image name with
 * bytes outside [a-z0-9.-] written "-". A '.' right after another '.' is
 * also written "-": the rule lexer ends a word before "..", so
 * "fleet.a..exe" (or "fleet." + ".x") would not read back. */
static char *rule_id_base(const char *name, size_t len)
{
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "fleet.");
    for (size_t i = 0; i < len; i++) {
        char ch = name[i];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                 (ch == '.' && sb.data[sb.len - 1] != '.');
        strbuf_putc(&sb, ok ? ch : '-');
    }
    return strbuf_detach(&sb);
}

typedef struct id_slot {
    const char *id;
    size_t name;
} id_slot;

static int compare_slots(const void *pa, const void *pb)
{
    const id_slot *x = pa, *y = pb;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->name > y->name) - (x->name < y->name);
}

/* The index of `id` among the n sorted distinct IDs, or n. */
static size_t find_id(const char *const *ids, size_t n, const char *id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(ids[mid], id);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return n;
}

/* Unique rule IDs for n names in output order (caller frees each and the
 * array): name i gets base[i], or when an earlier name took that, base[i]
 * with the smallest suffix "-2", "-3", ... no earlier name took.
 *
 * Names that share a base (any number can) must not each test every
 * suffix against every ID taken. The distinct bases are sorted once; each
 * keeps whether it is taken and the next suffix worth trying. Taken IDs
 * only grow in number, so a base's next suffix never moves back; and
 * "BASE-N" parts at its last '-' into one base and one N, so a taken ID is
 * passed over by one base's search at most. The work is O(n log n)
 * compares of IDs, whatever the names are; no hash an input could flood. */
static char **unique_rule_ids(char **base, size_t n)
{
    id_slot *slot = xcalloc(n ? n : 1, sizeof *slot);
    for (size_t i = 0; i < n; i++) {
        slot[i].id = base[i];
        slot[i].name = i;
    }
    qsort(slot, n, sizeof *slot, compare_slots);
    const char **ids = xcalloc(n ? n : 1, sizeof *ids);
    unsigned char *taken = xcalloc(n ? n : 1, 1);
    unsigned *next = xcalloc(n ? n : 1, sizeof *next);
    size_t *of_name = xcalloc(n ? n : 1, sizeof *of_name);
    size_t nids = 0;
    for (size_t k = 0; k < n; k++) {
        if (nids == 0 || strcmp(ids[nids - 1], slot[k].id) != 0) {
            next[nids] = 2;
            ids[nids++] = slot[k].id;
        }
        of_name[slot[k].name] = nids - 1;
    }
    char **out = xcalloc(n ? n : 1, sizeof *out);
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        size_t u = of_name[i];
        strbuf_puts(&sb, base[i]);
        if (!taken[u]) {
            taken[u] = 1;
        } else {
            size_t len = sb.len;
            for (;; next[u]++) {
                sb.len = len;
                strbuf_printf(&sb, "-%u", next[u]);
                size_t v = find_id(ids, nids, sb.data);
                if (v == nids || !taken[v]) {
                    if (v < nids)
                        taken[v] = 1;
                    next[u]++;
                    break;
                }
            }
        }
        out[i] = strbuf_detach(&sb);
    }
    free(slot);
    free(ids);
    free(taken);
    free(next);
    free(of_name);
    return out;
}

static int compare_by_child(const void *pa, const void *pb)
{
    const profile_fact *x = ((const order_item *)pa)->f, *y = ((const order_item *)pb)->f;
    int c = compare_names(x->a, y->a);
    return c ? c : compare_names(x->b, y->b);
}

/* Indices of the edges by child, then parent: each name's parents in a row. */
static size_t *edges_by_child(const fact_set *s) { return facts_sorted(s, compare_by_child); }

/* The rule for one name: `real` is its image name, edges[0..nedges) the
 * indices of its edges, by parent. */
static void put_name_rule(strbuf *sb, const lineage_profile *p, const profile_fact *nf,
                          const char *id, const strbuf *real, const size_t *edges,
                          size_t nedges)
{
    strbuf_printf(sb, "\nrule %s {\n  severity %s\n  title ", id,
                  profile_is_protected(real->data) ? "high" : "medium");
    /* The name in the title is shown as terminal output shows it (a\r.exe,
     * \u202e, a backslash doubled), so the title names it exactly and
     * carries no control or invisible character to whatever shows it. */
    strbuf tt = STRBUF_INIT;
    strbuf_add_escaped(&tt, real->data, real->len);
    strbuf_puts(&tt, " outside the fleet's learned lineage");
    put_rule_string(sb, tt.data, tt.len);
    tt.len = 0;
    strbuf_printf(&tt, "Learned from %llu dump%s: seen in %llu, %llu to %llu per dump where seen.",
                  (unsigned long long)p->dumps, p->dumps == 1 ? "" : "s",
                  (unsigned long long)nf->dumps, (unsigned long long)nf->count_min,
                  (unsigned long long)nf->count_max);
    strbuf_puts(sb, "\n  description ");
    put_rule_string(sb, tt.data, tt.len);
    strbuf_puts(sb, "\n  reference PROFILE\n");

    /* Parents seen: listed ones in the pattern, absent or top as "or absent". */
    int any_listed = 0, absent_ok = 0;
    strbuf alt = STRBUF_INIT;
    for (size_t e = 0; e < nedges; e++) {
        const lineage_name *parent = p->edges.items[edges[e]].b;
        const char *pt = lineage_name_text(parent);
        if (strcmp(pt, LINEAGE_KEY_ABSENT) == 0 || strcmp(pt, LINEAGE_KEY_TOP) == 0) {
            absent_ok = 1;
            continue;
        }
        if (any_listed)
            strbuf_putc(&alt, '|');
        tt.len = 0;
        put_image_name(&tt, parent);
        put_pattern_literal(&alt, tt.data, tt.len);
        any_listed = 1;
    }
    strbuf_release(&tt);
    strbuf_puts(sb, "  parent /^");
    put_pattern_literal(sb, real->data, real->len);
    strbuf_puts(sb, "$/ is /^");
    if (any_listed)
        strbuf_printf(sb, "(?:%s)", alt.data);
    strbuf_puts(sb, absent_ok ? "$/ or absent\n" : "$/\n");
    strbuf_release(&alt);

    strbuf_puts(sb, "  count /^");
    put_pattern_literal(sb, real->data, real->len);
    strbuf_printf(sb, "$/ at most %llu\n", (unsigned long long)nf->count_max);
    /* A lower bound only when every dump had the name and no instance
     * ever exited: count checks count live processes, and the profile
     * keeps per-dump totals, not per-dump live counts. */
    if (nf->dumps == p->dumps && nf->exited == 0) {
        strbuf_puts(sb, "  count /^");
        put_pattern_literal(sb, real->data, real->len);
        strbuf_printf(sb, "$/ at least %llu\n", (unsigned long long)nf->count_min);
    }
    strbuf_puts(sb, "}\n");
}

char *lineage_profile_emit_rules(const lineage_profile *p)
{
    strbuf sb = STRBUF_INIT;
    strbuf_printf(&sb,
                  "# Fleet lineage learned by 'lineage learn --emit-rules' from %llu dump%s.\n"
                  "# Every image name seen must keep the parents and counts seen.\n",
                  (unsigned long long)p->dumps, p->dumps == 1 ? "" : "s");
    if (p->nbuilds) {
        strbuf_puts(&sb, "# OS builds seen:");
        for (size_t i = 0; i < p->nbuilds; i++)
            strbuf_printf(&sb, " %u", p->builds[i].build);
        strbuf_putc(&sb, '\n');
    }
    /* Names in text order, with their image names and rule IDs. */
    size_t n = p->names.n;
    size_t *names = fact_order(&p->names);
    strbuf *real = xcalloc(n ? n : 1, sizeof *real);
    char **ids = xcalloc(n ? n : 1, sizeof *ids);
    for (size_t i = 0; i < n; i++) {
        strbuf_add(&real[i], "", 0);
        put_image_name(&real[i], p->names.items[names[i]].a);
        ids[i] = rule_id_base(real[i].data, real[i].len);
    }
    char **unique = unique_rule_ids(ids, n);
    /* Edges by child, walked alongside the names (both in byte order). */
    size_t *edges = edges_by_child(&p->edges);
    size_t e = 0;
    for (size_t i = 0; i < n; i++) {
        const profile_fact *nf = &p->names.items[names[i]];
        while (e < p->edges.n && compare_names(p->edges.items[edges[e]].a, nf->a) < 0)
            e++;
        size_t first = e;
        while (e < p->edges.n && p->edges.items[edges[e]].a == nf->a)
            e++;
        put_name_rule(&sb, p, nf, unique[i], &real[i], edges + first, e - first);
    }
    for (size_t i = 0; i < n; i++) {
        strbuf_release(&real[i]);
        free(ids[i]);
        free(unique[i]);
    }
    free(real);
    free(ids);
    free(unique);
    free(names);
    free(edges);
    return strbuf_detach(&sb);
}
