/* The session: interned image names and cut-name resolution.
 *
 * Names live in one open-addressing hash table keyed by their bytes. Each
 * name points at its ASCII case-folded twin (itself when already folded),
 * so case-insensitive comparison is a pointer compare. Whether a name is
 * cut and what it resolves to depends on the known-name list, which can
 * grow (rule files add names); both are computed lazily and recomputed
 * when the list has changed since. */
#include "session.h"

#include <sys/random.h>
#include <time.h>

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "arena.h"

/* What a name is cut from depends on the known-name list, which can grow;
 * it is computed lazily and recomputed when the list has changed. Names are
 * handed out const, so the cache lives behind a pointer of its own. */
typedef struct name_cache {
    const lineage_name *resolved;
    unsigned generation; /* valid while equal to session->generation */
    unsigned char cut;
} name_cache;

struct lineage_name {
    const char *text;
    size_t len;
    uint64_t hash;
    lineage_session *session;
    lineage_name *folded;
    name_cache *cache;
    unsigned char known; /* on folded names: a known full name */
};

/* A direct-mapped memo in front of the intern table for names of 1 to 16
 * bytes (every kd ImageFileName fits): a listing names the same few
 * hundred images over and over, and comparing two words is cheaper than
 * hashing the bytes and probing. A slot is keyed by the name's length and
 * two words that together cover all its bytes; a crafted name that lands
 * on a busy slot only misses and takes the table, so the memo can make no
 * input slower than the table alone. */
#define MEMO_SLOTS 512

typedef struct memo_slot {
    uint64_t w0, w1;
    const lineage_name *name; /* NULL = empty */
    size_t len;
} memo_slot;

typedef struct known_entry {
    const lineage_name *folded;
    const lineage_name *spelled;
} known_entry;

struct lineage_session {
    arena *mem;
    lineage_name **slots; /* power-of-two table, NULL = empty */
    size_t nslots;
    size_t count;
    known_entry *known; /* sorted by folded text when !known_dirty */
    size_t known_count;
    size_t known_cap;
    int known_dirty;
    unsigned generation;
    uint64_t hash_init; /* see session_hash_init */
    memo_slot memo[MEMO_SLOTS];
};

static unsigned char fold(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

int ascii_equal_fold(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen != blen)
        return 0;
    for (size_t i = 0; i < alen; i++)
        if (fold((unsigned char)a[i]) != fold((unsigned char)b[i]))
            return 0;
    return 1;
}

static void rehash(lineage_session *s)
{
    size_t n = s->nslots * 2;
    lineage_name **slots = xcalloc(n, sizeof *slots);
    for (size_t i = 0; i < s->nslots; i++) {
        lineage_name *nm = s->slots[i];
        if (!nm)
            continue;
        size_t j = (size_t)nm->hash & (n - 1);
        while (slots[j])
            j = (j + 1) & (n - 1);
        slots[j] = nm;
    }
    free(s->slots);
    s->slots = slots;
    s->nslots = n;
}

static lineage_name *intern_hashed(lineage_session *s, const char *text, size_t len, uint64_t h);

/* Finds or adds the name, linked to its folded twin. FNV-1a: names are
 * short, so a simple byte hash is fast enough. */
static lineage_name *intern(lineage_session *s, const char *text, size_t len)
{
    if (!len)
        text = ""; /* the API takes (NULL, 0) */
    return intern_hashed(s, text, len, session_hash_extend(s->hash_init, text, len));
}

static lineage_name *intern_hashed(lineage_session *s, const char *text, size_t len, uint64_t h)
{
    size_t mask = s->nslots - 1;
    size_t i = (size_t)h & mask;
    for (lineage_name *nm; (nm = s->slots[i]) != NULL; i = (i + 1) & mask)
        if (nm->hash == h && nm->len == len && memcmp(nm->text, text, len) == 0)
            return nm;
    lineage_name *nm = arena_alloc(s->mem, sizeof *nm);
    nm->text = arena_strndup(s->mem, text, len);
    nm->len = len;
    nm->hash = h;
    nm->session = s;
    nm->cache = arena_alloc(s->mem, sizeof *nm->cache);
    nm->cache->generation = (unsigned)-1;
    s->slots[i] = nm;
    if (++s->count * 4 > s->nslots * 3)
        rehash(s);
    /* Link the folded twin (interning it may rehash; nm stays valid). */
    int has_upper = 0;
    for (size_t k = 0; k < len && !has_upper; k++)
        has_upper = text[k] >= 'A' && text[k] <= 'Z';
    if (!has_upper) {
        nm->folded = nm;
    } else {
        char small[64];
        char *buf = len < sizeof small ? small : xmalloc(len);
        for (size_t k = 0; k < len; k++)
            buf[k] = (char)fold((unsigned char)text[k]);
        nm->folded = intern(s, buf, len);
        if (buf != small)
            free(buf);
    }
    return nm;
}

/* A start for the intern hash that a listing's author cannot know: from
 * the kernel's random source, or failing that from the clock and where
 * the session lies in memory (ASLR). */
static uint64_t random_hash_init(const lineage_session *s)
{
    uint64_t seed = 0;
    if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != (ssize_t)sizeof seed) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)(uintptr_t)s;
    }
    /* Keep FNV's offset basis in the mix so a zero seed is not special. */
    return seed ^ 1469598103934665603ull;
}

uint64_t session_hash_init(const lineage_session *s) { return s->hash_init; }

lineage_session *lineage_session_new(void)
{
    lineage_session *s = xcalloc(1, sizeof *s);
    s->hash_init = random_hash_init(s);
    s->mem = arena_new();
    s->nslots = 1024;
    s->slots = xcalloc(s->nslots, sizeof *s->slots);
    for (size_t i = 0; known_image_names[i]; i++)
        lineage_session_add_known_name(s, known_image_names[i], strlen(known_image_names[i]));
    return s;
}

void lineage_session_free(lineage_session *s)
{
    if (!s)
        return;
    arena_free(s->mem);
    free(s->slots);
    free(s->known);
    free(s);
}

void lineage_session_add_known_name(lineage_session *s, const char *name, size_t len)
{
    lineage_name *spelled = intern(s, name, len);
    lineage_name *folded = spelled->folded;
    if (folded->known)
        return;
    folded->known = 1;
    s->known = xgrow(s->known, &s->known_cap, s->known_count + 1, sizeof *s->known);
    s->known[s->known_count++] = (known_entry){folded, spelled};
    s->known_dirty = 1;
    s->generation++;
}

/* Two words that, with the length, determine 1-16 bytes: the first and
 * the last 8 (or 4, or 1) bytes, overlapping when the text is shorter than
 * twice that, so no byte outside the text is read. */
static void short_words(const unsigned char *t, size_t len, uint64_t *w0, uint64_t *w1)
{
    if (len >= 8) {
        memcpy(w0, t, 8);
        memcpy(w1, t + len - 8, 8);
    } else if (len >= 4) {
        uint32_t a, b;
        memcpy(&a, t, 4);
        memcpy(&b, t + len - 4, 4);
        *w0 = a;
        *w1 = b;
    } else {
        *w0 = t[0] | (uint64_t)t[len / 2] << 8 | (uint64_t)t[len - 1] << 16;
        *w1 = 0;
    }
}

const lineage_name *lineage_session_intern(lineage_session *s, const char *text, size_t len)
{
    if (len == 0 || len > 16)
        return intern(s, text, len);
    uint64_t w0, w1;
    short_words((const unsigned char *)text, len, &w0, &w1);
    uint64_t h = (w0 * 0x9e3779b97f4a7c15u) ^ (w1 * 0xc2b2ae3d27d4eb4fu) ^ len;
    memo_slot *m = &s->memo[(h ^ (h >> 31)) & (MEMO_SLOTS - 1)];
    if (m->name && m->len == len && m->w0 == w0 && m->w1 == w1)
        return m->name;
    const lineage_name *nm = intern(s, text, len);
    *m = (memo_slot){w0, w1, nm, len};
    return nm;
}

const lineage_name *session_intern_hashed(lineage_session *s, const char *text, size_t len,
                                          uint64_t hash)
{
    assert(hash == session_hash_extend(s->hash_init, text, len));
    return intern_hashed(s, text, len, hash);
}

const char *lineage_name_text(const lineage_name *n) { return n->text; }
size_t lineage_name_length(const lineage_name *n) { return n->len; }
const lineage_name *lineage_name_folded(const lineage_name *n) { return n->folded; }

static int compare_known(const void *a, const void *b)
{
    const lineage_name *x = ((const known_entry *)a)->folded;
    const lineage_name *y = ((const known_entry *)b)->folded;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->text, y->text, n);
    if (c)
        return c;
    return (x->len > y->len) - (x->len < y->len);
}

/* Index of the first known entry whose folded text is >= the prefix. */
static size_t known_lower_bound(const lineage_session *s, const char *p, size_t plen)
{
    size_t lo = 0, hi = s->known_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const lineage_name *k = s->known[mid].folded;
        size_t n = k->len < plen ? k->len : plen;
        int c = memcmp(k->text, p, n);
        if (c < 0 || (c == 0 && k->len < plen))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* True when the last four characters look like an extension: ".exe",
 * ".com", ".scr" and the like are whole, so the name was not cut. */
static int has_extension(const char *t, size_t len)
{
    if (len < 4 || t[len - 4] != '.')
        return 0;
    for (size_t i = len - 3; i < len; i++) {
        unsigned char c = (unsigned char)t[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            return 0;
    }
    return 1;
}

/* A cut name whose tail after the last dot is a cut "exe" is completed:
 * "ArcOSBrowser.e" -> "ArcOSBrowser.exe", keeping the case of the tail. */
static const lineage_name *complete_exe(lineage_session *s, const lineage_name *n)
{
    const char *dot = memchr(n->text, '.', n->len);
    const char *last = NULL;
    while (dot) {
        last = dot;
        dot = memchr(dot + 1, '.', n->len - (size_t)(dot + 1 - n->text));
    }
    if (!last)
        return NULL;
    size_t tail = n->len - (size_t)(last + 1 - n->text);
    if (tail >= 3 || !ascii_equal_fold(last + 1, tail, "exe", tail))
        return NULL;
    int upper = tail > 0 && last[tail] >= 'A' && last[tail] <= 'Z';
    char buf[LINEAGE_IMAGE_NAME_VISIBLE + 4];
    memcpy(buf, n->text, n->len);
    memcpy(buf + n->len, (upper ? "EXE" : "exe") + tail, 3 - tail);
    return intern(s, buf, n->len + 3 - tail);
}

static const name_cache *classify(const lineage_name *n)
{
    lineage_session *s = n->session;
    name_cache *c = n->cache;
    if (c->generation == s->generation)
        return c;
    c->generation = s->generation;
    c->resolved = NULL;
    c->cut = n->len == LINEAGE_IMAGE_NAME_VISIBLE && !n->folded->known &&
             !has_extension(n->text, n->len);
    if (!c->cut)
        return c;
    if (s->known_dirty) {
        qsort(s->known, s->known_count, sizeof *s->known, compare_known);
        s->known_dirty = 0;
    }
    const lineage_name *f = n->folded;
    size_t i = known_lower_bound(s, f->text, f->len);
    size_t matches = 0;
    const lineage_name *match = NULL;
    for (; i < s->known_count; i++) {
        const lineage_name *k = s->known[i].folded;
        if (k->len < f->len || memcmp(k->text, f->text, f->len) != 0)
            break;
        match = s->known[i].spelled;
        matches++;
    }
    if (matches == 1)
        c->resolved = match;
    else if (matches == 0)
        c->resolved = complete_exe(s, n);
    return c;
}

unsigned session_generation(const lineage_session *s) { return s->generation; }

int lineage_name_is_cut(const lineage_name *n)
{
    return classify(n)->cut;
}

const lineage_name *lineage_name_resolved(const lineage_name *n)
{
    return classify(n)->resolved;
}

const lineage_name *lineage_name_full(const lineage_name *n)
{
    const lineage_name *r = lineage_name_resolved(n);
    return r ? r : n;
}
