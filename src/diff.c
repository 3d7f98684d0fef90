/* Differences between a suspect dump and a baseline profile.
 *
 * The suspect is learned into a one-dump profile, then its keys are walked
 * against the baseline's: a key the baseline lacks is new, or re-parented
 * when its image name lives under another chain in the baseline; a key of
 * both is checked for count, alive/exited and (opt-in) threads; a baseline
 * key the suspect lacks is missing, or only "not observed" when the
 * suspect's listing is partial. Levels follow docs/diff.md: anything that
 * touches a protected system process outranks a new user application. */
#include <lineage/diff.h>
#include <lineage/render.h>

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "ansi.h"
#include "json_write.h"
#include "lineage_key.h"
#include "profile.h"
#include "strbuf.h"

struct lineage_difference {
    lineage_diff_kind kind;
    lineage_level level;
    const lineage_name *key;
    char *message;
    size_t message_len; /* names may hold NUL bytes */
    const lineage_process *process;
    uint64_t count;
    const lineage_name *base_source;
    unsigned long base_line;
    const lineage_name *base_key;
};

struct lineage_diff {
    const lineage_dump *suspect;
    uint64_t baseline_dumps;
    uint64_t min_support;
    lineage_difference *items;
    size_t n, cap;
};

static const char *const kind_names[] = {
    "new", "re-parented", "orphaned", "parented", "count",
    "missing", "not-observed", "exited", "alive", "threads",
};

const char *lineage_diff_kind_name(lineage_diff_kind kind)
{
    return (size_t)kind < sizeof kind_names / sizeof kind_names[0] ? kind_names[kind] : "unknown";
}

/* Adds a difference whose message is about to be built in `msg`, which
 * gets room for a typical message at once rather than growing piece by
 * piece. */
static lineage_difference *add_diff(lineage_diff *d, lineage_diff_kind kind, lineage_level level,
                                    const lineage_name *key, strbuf *msg)
{
    strbuf_reserve(msg, 192);
    d->items = xgrow(d->items, &d->cap, d->n + 1, sizeof *d->items);
    lineage_difference *x = &d->items[d->n++];
    memset(x, 0, sizeof *x);
    x->kind = kind;
    x->level = level;
    x->key = key;
    return x;
}

static void set_message(lineage_difference *x, strbuf *sb)
{
    x->message_len = sb->len;
    x->message = strbuf_detach(sb);
}

static int is_absent_parent(const lineage_name *parent)
{
    const char *t = lineage_name_text(parent);
    return strcmp(t, LINEAGE_KEY_ABSENT) == 0 || strcmp(t, LINEAGE_KEY_TOP) == 0;
}

/* What the baseline knows about an image name: how many edges it has,
 * how many of them under a non-protected listed parent and under an
 * absent one, and the key with the earliest evidence. */
typedef struct usual {
    size_t edges, unprotected, absent;
    const profile_fact *key;
} usual;

/* True when a's evidence comes before b's (by source, then line). */
static int evidence_first(const profile_fact *a, const profile_fact *b)
{
    if (!a->at_source || !b->at_source)
        return a->at_source != NULL;
    int c = strcmp(lineage_name_text(a->at_source), lineage_name_text(b->at_source));
    return c < 0 || (c == 0 && a->at_line < b->at_line);
}

static int compare_diffs(const void *pa, const void *pb)
{
    const lineage_difference *a = pa, *b = pb;
    if (a->level != b->level)
        return a->level > b->level ? -1 : 1;
    int c = strcmp(lineage_name_text(a->key), lineage_name_text(b->key));
    if (c)
        return c;
    return (a->kind > b->kind) - (a->kind < b->kind);
}

/* Messages are built without printf: a fleet of dumps gives hundreds of
 * thousands of them. */
static void plural(strbuf *sb, uint64_t n, const char *word)
{
    strbuf_add_u64(sb, n);
    strbuf_putc(sb, ' ');
    strbuf_puts(sb, word);
    if (n != 1)
        strbuf_putc(sb, 's');
}

static void range(strbuf *sb, uint64_t lo, uint64_t hi)
{
    strbuf_add_u64(sb, lo);
    if (lo != hi) {
        strbuf_add(sb, "..", 2);
        strbuf_add_u64(sb, hi);
    }
}

/* The image name a key component stands for: messages name processes,
 * only keys carry the key escapes (%25, %2F). */
static void put_name(strbuf *sb, const lineage_name *n)
{
    lineage_key_put_image_name(sb, lineage_name_text(n), lineage_name_length(n), 0);
}

/* "NAME: N of TOTAL " for the exited and alive messages. */
static void n_of(strbuf *sb, const lineage_name *leaf, uint64_t n, uint64_t total)
{
    put_name(sb, leaf);
    strbuf_add(sb, ": ", 2);
    strbuf_add_u64(sb, n);
    strbuf_add(sb, " of ", 4);
    strbuf_add_u64(sb, total);
}

/* True when the baseline key `a` should stand for its image name rather
 * than `b`: earlier evidence first, then byte order of the key (which is
 * the order the keys were once visited in, so ties keep their winner). */
static int usual_key_before(const profile_fact *a, const profile_fact *b)
{
    if (evidence_first(a, b))
        return 1;
    if (evidence_first(b, a))
        return 0;
    const lineage_name *x = a->a, *y = b->a;
    size_t lx = lineage_name_length(x), ly = lineage_name_length(y);
    int c = memcmp(lineage_name_text(x), lineage_name_text(y), lx < ly ? lx : ly);
    return c ? c < 0 : lx < ly;
}

/* What the baseline knows, worked out once for every suspect compared. */
struct lineage_differ {
    const lineage_profile *base;
    uint64_t k;  /* the support threshold: min_support, at least 1 */
    int threads; /* report thread counts (lineage_diff_options) */
    /* Per image name (usuals[i] for usual_set.items[i]): see `usual`. */
    fact_set usual_set;
    usual *usuals;
    /* Per baseline key: its image name, or NULL under the threshold. */
    const lineage_name **leaf;
};

lineage_differ *lineage_differ_new(const lineage_profile *base,
                                   const lineage_diff_options *options)
{
    if (!base)
        return NULL;
    lineage_differ *df = xcalloc(1, sizeof *df);
    df->base = base;
    uint64_t k = options && options->min_support ? options->min_support : 1;
    df->k = k;
    df->threads = options && options->threads;
    /* What the baseline (at the support threshold) knows per image name. */
    usual *usuals = NULL;
    size_t usuals_cap = 0;
    for (size_t e = 0; e < base->edges.n; e++) {
        const profile_fact *ef = &base->edges.items[e];
        if (ef->dumps < k)
            continue;
        int added;
        profile_fact *uf = fact_get(&df->usual_set, ef->a, NULL, &added);
        size_t ui = (size_t)(uf - df->usual_set.items);
        usuals = xgrow(usuals, &usuals_cap, ui + 1, sizeof *usuals);
        if (added)
            memset(&usuals[ui], 0, sizeof usuals[ui]);
        usuals[ui].edges++;
        if (is_absent_parent(ef->b))
            usuals[ui].absent++;
        else if (!profile_is_protected(lineage_name_text(ef->b)))
            usuals[ui].unprotected++;
    }
    df->leaf = xcalloc(base->keys.n ? base->keys.n : 1, sizeof *df->leaf);
    for (size_t j = 0; j < base->keys.n; j++) {
        const profile_fact *bf = &base->keys.items[j];
        if (bf->dumps < k)
            continue;
        const char *last = lineage_key_last(bf->a);
        df->leaf[j] = lineage_session_intern(base->session, last, strlen(last));
        const profile_fact *uf = fact_find(&df->usual_set, df->leaf[j], NULL);
        if (!uf)
            continue;
        usual *u = &usuals[uf - df->usual_set.items];
        if (!u->key || usual_key_before(bf, u->key))
            u->key = bf;
    }
    df->usuals = usuals;
    return df;
}

void lineage_differ_free(lineage_differ *df)
{
    if (!df)
        return;
    fact_set_free(&df->usual_set);
    free(df->usuals);
    free(df->leaf);
    free(df);
}

lineage_status lineage_diff_new(const lineage_profile *base, const lineage_dump *suspect,
                                const lineage_diff_options *options, lineage_diff **out)
{
    if (out)
        *out = NULL;
    if (!base || !suspect || !out)
        return LINEAGE_E_ARG;
    lineage_differ *df = lineage_differ_new(base, options);
    lineage_status st = lineage_differ_diff(df, suspect, out);
    lineage_differ_free(df);
    return st;
}

lineage_status lineage_differ_diff(lineage_differ *df, const lineage_dump *suspect,
                                   lineage_diff **out)
{
    if (out)
        *out = NULL;
    if (!df || !suspect || !out)
        return LINEAGE_E_ARG;
    const lineage_profile *base = df->base;
    uint64_t k = df->k;
    lineage_session *session = base->session;
    const fact_set *usual_set = &df->usual_set;
    const usual *usuals = df->usuals;

    lineage_diff *d = xcalloc(1, sizeof *d);
    d->suspect = suspect;
    d->baseline_dumps = base->dumps;
    d->min_support = k;

    /* The suspect's keys are computed once, for its one-dump profile (of
     * which only the keys are read) and for its processes. */
    lineage_keys *keys = lineage_keys_compute(session, suspect);
    lineage_profile *sp = lineage_profile_new(session);
    profile_learn_one(sp, suspect, keys, PROFILE_KEYS);

    /* First process of each suspect key, by fact index. */
    const lineage_process **first = xcalloc(sp->keys.n ? sp->keys.n : 1, sizeof *first);
    size_t *first_index = xcalloc(sp->keys.n ? sp->keys.n : 1, sizeof *first_index);
    for (size_t i = keys->count; i-- > 0;) {
        size_t fi = (size_t)(fact_find(&sp->keys, keys->key[i], NULL) - sp->keys.items);
        first[fi] = lineage_dump_process(suspect, i);
        first_index[fi] = i;
    }

    /* Suspect keys in any order: each difference has its own (key, kind)
     * and the list is sorted by level, key and kind at the end. */
    fact_set new_leaves = {0};
    for (size_t fi = 0; fi < sp->keys.n; fi++) {
        const profile_fact *sf = &sp->keys.items[fi];
        const lineage_process *proc = first[fi];
        const lineage_name *leaf = keys->leaf[first_index[fi]];
        const lineage_name *parent = keys->parent[first_index[fi]];
        const char *leaf_text = lineage_name_text(leaf);
        int leaf_protected = profile_is_protected(leaf_text);
        const profile_fact *bf = fact_find(&base->keys, sf->a, NULL);
        if (bf && bf->dumps < k)
            bf = NULL;
        strbuf sb = STRBUF_INIT;
        if (!bf) {
            int added;
            fact_get(&new_leaves, leaf, NULL, &added);
            const profile_fact *uf = fact_find(usual_set, leaf, NULL);
            lineage_difference *x;
            if (uf) {
                const usual *u = &usuals[uf - usual_set->items];
                lineage_diff_kind kind = LINEAGE_DIFF_REPARENTED;
                if (is_absent_parent(parent) && u->absent == 0)
                    kind = LINEAGE_DIFF_ORPHANED;
                else if (!is_absent_parent(parent) && u->absent == u->edges)
                    kind = LINEAGE_DIFF_PARENTED;
                lineage_level level = LINEAGE_LEVEL_MEDIUM;
                if (leaf_protected)
                    level = LINEAGE_LEVEL_CRITICAL;
                else if (profile_is_protected(lineage_name_text(parent)) ||
                         (u->unprotected == 0 && u->absent < u->edges &&
                          !is_absent_parent(parent)))
                    level = LINEAGE_LEVEL_HIGH;
                x = add_diff(d, kind, level, sf->a, &sb);
                put_name(&sb, leaf);
                strbuf_puts(&sb, " appears under a chain the baseline never had (");
                plural(&sb, sf->total, "instance");
                strbuf_putc(&sb, ')');
                if (u->key) {
                    strbuf_puts(&sb, "; the baseline has it as ");
                    const lineage_name *bk = u->key->a; /* a key: written as one */
                    strbuf_add(&sb, lineage_name_text(bk), lineage_name_length(bk));
                    x->base_key = u->key->a;
                    x->base_source = u->key->at_source;
                    x->base_line = u->key->at_line;
                }
            } else {
                lineage_level level = LINEAGE_LEVEL_LOW;
                if (leaf_protected)
                    level = LINEAGE_LEVEL_CRITICAL;
                else if (profile_is_protected(lineage_name_text(parent)))
                    level = LINEAGE_LEVEL_HIGH;
                x = add_diff(d, LINEAGE_DIFF_NEW, level, sf->a, &sb);
                put_name(&sb, leaf);
                strbuf_puts(&sb, " is new: the baseline never had this image name (");
                plural(&sb, sf->total, "instance");
                strbuf_putc(&sb, ')');
            }
            const profile_fact *rare = fact_find(&base->keys, sf->a, NULL);
            if (rare) {
                strbuf_puts(&sb, "; seen in only ");
                strbuf_add_u64(&sb, rare->dumps);
                strbuf_add(&sb, " of ", 4);
                strbuf_add_u64(&sb, base->dumps);
                strbuf_puts(&sb, " baseline dumps");
            }
            x->process = proc;
            x->count = sf->total;
            set_message(x, &sb);
            continue;
        }
        if (sf->total < bf->count_min || sf->total > bf->count_max) {
            lineage_difference *x =
                add_diff(d, LINEAGE_DIFF_COUNT,
                         leaf_protected ? LINEAGE_LEVEL_HIGH : LINEAGE_LEVEL_LOW, sf->a, &sb);
            put_name(&sb, leaf);
            strbuf_add(&sb, ": ", 2);
            plural(&sb, sf->total, "instance");
            strbuf_puts(&sb, " where the baseline had ");
            range(&sb, bf->count_min, bf->count_max);
            strbuf_puts(&sb, " per dump");
            x->process = proc;
            x->count = sf->total;
            x->base_key = bf->a;
            x->base_source = bf->at_source;
            x->base_line = bf->at_line;
            set_message(x, &sb);
        }
        lineage_level state_level = leaf_protected ? LINEAGE_LEVEL_MEDIUM : LINEAGE_LEVEL_LOW;
        if (sf->exited > 0 && bf->exited == 0) {
            lineage_difference *x = add_diff(d, LINEAGE_DIFF_EXITED, state_level, sf->a, &sb);
            n_of(&sb, leaf, sf->exited, sf->total);
            strbuf_puts(&sb, " exited where every baseline instance was alive");
            for (size_t i = first_index[fi]; i < keys->count; i++)
                if (keys->key[i] == sf->a && !lineage_process_is_alive(lineage_dump_process(suspect, i))) {
                    x->process = lineage_dump_process(suspect, i);
                    break;
                }
            x->count = sf->total;
            x->base_key = bf->a;
            x->base_source = bf->at_source;
            x->base_line = bf->at_line;
            set_message(x, &sb);
        }
        if (sf->exited < sf->total && bf->exited == bf->total) {
            lineage_difference *x = add_diff(d, LINEAGE_DIFF_ALIVE, state_level, sf->a, &sb);
            n_of(&sb, leaf, sf->total - sf->exited, sf->total);
            strbuf_puts(&sb, " alive where every baseline instance had exited");
            for (size_t i = first_index[fi]; i < keys->count; i++)
                if (keys->key[i] == sf->a && lineage_process_is_alive(lineage_dump_process(suspect, i))) {
                    x->process = lineage_dump_process(suspect, i);
                    break;
                }
            x->count = sf->total;
            x->base_key = bf->a;
            x->base_source = bf->at_source;
            x->base_line = bf->at_line;
            set_message(x, &sb);
        }
        if (df->threads && sf->threads_min != LINEAGE_UNKNOWN &&
            bf->threads_min != LINEAGE_UNKNOWN &&
            (sf->threads_min < bf->threads_min || sf->threads_max > bf->threads_max)) {
            lineage_difference *x =
                add_diff(d, LINEAGE_DIFF_THREADS, LINEAGE_LEVEL_LOW, sf->a, &sb);
            put_name(&sb, leaf);
            strbuf_puts(&sb, ": threads ");
            range(&sb, sf->threads_min, sf->threads_max);
            strbuf_puts(&sb, " outside the baseline's ");
            range(&sb, bf->threads_min, bf->threads_max);
            for (size_t i = first_index[fi]; i < keys->count; i++) {
                const lineage_process *q = lineage_dump_process(suspect, i);
                uint64_t t = lineage_process_get_threads(q);
                if (keys->key[i] == sf->a && (t < bf->threads_min || t > bf->threads_max)) {
                    x->process = q;
                    break;
                }
            }
            x->count = sf->total;
            x->base_key = bf->a;
            x->base_source = bf->at_source;
            x->base_line = bf->at_line;
            set_message(x, &sb);
        }
        strbuf_release(&sb);
    }

    int partial = lineage_dump_is_partial(suspect);
    for (size_t j = 0; j < base->keys.n; j++) {
        const profile_fact *bf = &base->keys.items[j];
        if (bf->dumps < k || fact_find(&sp->keys, bf->a, NULL))
            continue;
        const char *last = lineage_name_text(df->leaf[j]);
        size_t last_len = lineage_name_length(df->leaf[j]);
        if (fact_find(&new_leaves, df->leaf[j], NULL))
            continue; /* reported where it went: re-parented */
        strbuf sb = STRBUF_INIT;
        lineage_difference *x;
        if (partial) {
            x = add_diff(d, LINEAGE_DIFF_NOT_OBSERVED, LINEAGE_LEVEL_INFO, bf->a, &sb);
            lineage_key_put_image_name(&sb, last, last_len, 0);
            strbuf_puts(&sb, " not observed (listing is partial); the baseline had ");
        } else {
            x = add_diff(d, LINEAGE_DIFF_MISSING,
                         profile_is_protected(last) ? LINEAGE_LEVEL_MEDIUM : LINEAGE_LEVEL_LOW,
                         bf->a, &sb);
            lineage_key_put_image_name(&sb, last, last_len, 0);
            strbuf_puts(&sb, " is missing; the baseline had ");
        }
        range(&sb, bf->count_min, bf->count_max);
        strbuf_puts(&sb, " per dump");
        x->base_key = bf->a;
        x->base_source = bf->at_source;
        x->base_line = bf->at_line;
        set_message(x, &sb);
    }

    if (d->n > 1)
        qsort(d->items, d->n, sizeof *d->items, compare_diffs);
    fact_set_free(&new_leaves);
    free(first);
    free(first_index);
    lineage_keys_free(keys);
    lineage_profile_free(sp);
    *out = d;
    return LINEAGE_OK;
}

void lineage_diff_free(lineage_diff *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++)
        free(d->items[i].message);
    free(d->items);
    free(d);
}

size_t lineage_diff_count(const lineage_diff *d) { return d->n; }

const lineage_difference *lineage_diff_get(const lineage_diff *d, size_t i)
{
    return i < d->n ? &d->items[i] : NULL;
}

size_t lineage_diff_count_at_least(const lineage_diff *d, lineage_level level)
{
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++)
        n += d->items[i].level >= level;
    return n;
}

const lineage_dump *lineage_diff_get_suspect(const lineage_diff *d) { return d->suspect; }
lineage_diff_kind lineage_difference_get_kind(const lineage_difference *x) { return x->kind; }
lineage_level lineage_difference_get_level(const lineage_difference *x) { return x->level; }
const char *lineage_difference_get_key(const lineage_difference *x) { return lineage_name_text(x->key); }
const char *lineage_difference_get_message(const lineage_difference *x) { return x->message; }
size_t lineage_difference_get_message_length(const lineage_difference *x)
{
    return x->message_len;
}
const lineage_process *lineage_difference_get_process(const lineage_difference *x) { return x->process; }
uint64_t lineage_difference_get_count(const lineage_difference *x) { return x->count; }

const char *lineage_difference_get_baseline_source(const lineage_difference *x)
{
    return x->base_source ? lineage_name_text(x->base_source) : "";
}

unsigned long lineage_difference_get_baseline_line(const lineage_difference *x) { return x->base_line; }

const char *lineage_difference_get_baseline_key(const lineage_difference *x)
{
    return x->base_key ? lineage_name_text(x->base_key) : "";
}

/* ---- rendering ---------------------------------------------------------- */

static void put_pid(strbuf *sb, const lineage_dump *dump, uint64_t pid)
{
    if (lineage_dump_get_pid_base(dump) == 16) {
        strbuf_add(sb, "0x", 2);
        strbuf_add_hex(sb, pid);
    } else {
        strbuf_add_u64(sb, pid);
    }
}

/* The escaped form of the file name last asked for: most differences of a
 * dump cite the same suspect file and a handful of baseline files. */
typedef struct escaped_file {
    const void *id; /* the string or name it was made from */
    strbuf text;
} escaped_file;

static void put_file(strbuf *sb, escaped_file *cache, const void *id, const char *s, size_t len)
{
    if (cache->id != id || !cache->text.data) {
        cache->text.len = 0;
        strbuf_add_escaped(&cache->text, s, len);
        cache->id = id;
    }
    strbuf_add(sb, cache->text.data, cache->text.len);
}

char *lineage_diff_render_text(const lineage_diff *d)
{
    return lineage_diff_render_text_flags(d, 0);
}

char *lineage_diff_render_text_flags(const lineage_diff *d, unsigned flags)
{
    int color = (flags & LINEAGE_RENDER_COLOR) != 0;
    strbuf sb = STRBUF_INIT;
    const char *src = lineage_dump_get_source(d->suspect);
    strbuf_add_escaped(&sb, src, strlen(src));
    strbuf_printf(&sb, " #%u vs a baseline of ", lineage_dump_get_index(d->suspect));
    plural(&sb, d->baseline_dumps, "dump");
    if (d->min_support > 1)
        strbuf_printf(&sb, " (keys seen in at least %llu)", (unsigned long long)d->min_support);
    strbuf_puts(&sb, ": ");
    if (d->n == 0)
        strbuf_puts(&sb, "no differences");
    else
        plural(&sb, d->n, "difference");
    if (lineage_dump_is_partial(d->suspect))
        strbuf_puts(&sb, " (listing is partial)");
    strbuf_putc(&sb, '\n');
    escaped_file suspect_file = {NULL, STRBUF_INIT}, base_file = {NULL, STRBUF_INIT};
    for (size_t i = 0; i < d->n; i++) {
        const lineage_difference *x = &d->items[i];
        int owed = ansi_start(&sb, color, ansi_level(x->level));
        const char *level = lineage_level_name(x->level);
        size_t level_len = strlen(level);
        strbuf_add(&sb, level, level_len);
        if (level_len < 8) /* "%-8s" */
            strbuf_pad(&sb, ' ', 8 - level_len);
        ansi_end(&sb, owed);
        strbuf_putc(&sb, ' ');
        strbuf_puts(&sb, lineage_diff_kind_name(x->kind));
        strbuf_putc(&sb, ' ');
        strbuf_add_escaped(&sb, lineage_name_text(x->key), lineage_name_length(x->key));
        strbuf_add(&sb, "\n  ", 3);
        strbuf_add_escaped(&sb, x->message, x->message_len);
        strbuf_putc(&sb, '\n');
        if (x->process) {
            strbuf_puts(&sb, "  suspect:  ");
            const char *file = lineage_process_get_source(x->process);
            put_file(&sb, &suspect_file, file, file, strlen(file));
            strbuf_putc(&sb, ':');
            strbuf_add_u64(&sb, lineage_process_get_line(x->process));
            strbuf_add(&sb, " (pid ", 6);
            put_pid(&sb, d->suspect, lineage_process_get_pid(x->process));
            strbuf_add(&sb, ")\n", 2);
        }
        if (x->base_source) {
            strbuf_puts(&sb, "  baseline: ");
            put_file(&sb, &base_file, x->base_source, lineage_name_text(x->base_source),
                     lineage_name_length(x->base_source));
            strbuf_putc(&sb, ':');
            strbuf_add_u64(&sb, x->base_line);
            strbuf_putc(&sb, '\n');
        }
    }
    strbuf_release(&suspect_file.text);
    strbuf_release(&base_file.text);
    return strbuf_detach(&sb);
}

/* A quoted JSON string (json_escape: invalid UTF-8 becomes U+FFFD, so the
 * output is always valid JSON). */
static void json_quoted(strbuf *sb, const char *s, size_t len)
{
    strbuf_putc(sb, '"');
    json_escape(sb, s, len);
    strbuf_putc(sb, '"');
}

static void json_cstr(strbuf *sb, const char *s) { json_quoted(sb, s, strlen(s)); }

char *lineage_diff_render_json(const lineage_diff *d)
{
    strbuf sb = STRBUF_INIT;
    const char *src = lineage_dump_get_source(d->suspect);
    strbuf_puts(&sb, "{\"suspect\":{\"source\":");
    json_cstr(&sb, src);
    strbuf_printf(&sb, ",\"index\":%u,\"partial\":%s},\"baseline_dumps\":%llu,\"min_support\":%llu,"
                       "\"differences\":[",
                  lineage_dump_get_index(d->suspect),
                  lineage_dump_is_partial(d->suspect) ? "true" : "false",
                  (unsigned long long)d->baseline_dumps, (unsigned long long)d->min_support);
    for (size_t i = 0; i < d->n; i++) {
        const lineage_difference *x = &d->items[i];
        strbuf_puts(&sb, i ? ",\n" : "\n");
        strbuf_printf(&sb, "{\"kind\":\"%s\",\"level\":\"%s\",\"key\":", lineage_diff_kind_name(x->kind),
                      lineage_level_name(x->level));
        json_quoted(&sb, lineage_name_text(x->key), lineage_name_length(x->key));
        strbuf_puts(&sb, ",\"message\":");
        json_quoted(&sb, x->message, x->message_len);
        strbuf_printf(&sb, ",\"count\":%llu,\"suspect\":", (unsigned long long)x->count);
        if (x->process) {
            strbuf_puts(&sb, "{\"source\":");
            json_cstr(&sb, lineage_process_get_source(x->process));
            strbuf_printf(&sb, ",\"line\":%lu,\"pid\":%llu}", lineage_process_get_line(x->process),
                          (unsigned long long)lineage_process_get_pid(x->process));
        } else {
            strbuf_puts(&sb, "null");
        }
        strbuf_puts(&sb, ",\"baseline\":");
        if (x->base_source) {
            strbuf_puts(&sb, "{\"source\":");
            json_quoted(&sb, lineage_name_text(x->base_source), lineage_name_length(x->base_source));
            strbuf_printf(&sb, ",\"line\":%lu,\"key\":", x->base_line);
            json_cstr(&sb, lineage_difference_get_baseline_key(x));
            strbuf_puts(&sb, "}");
        } else {
            strbuf_puts(&sb, "null");
        }
        strbuf_puts(&sb, "}");
    }
    strbuf_puts(&sb, d->n ? "\n]}\n" : "]}\n");
    return strbuf_detach(&sb);
}
