/* lineage-floor: the least work a check of a kd listing has to do, as a
 * third floor for bench/run beside `wc -l` and `grep -cP`.
 *
 * It reads the files in 1 MiB blocks, splits lines with memchr, reads the
 * canonical process line ("Parent+: 0xHEX--->\tChild: 0xHEX\t
 * ActiveThreads->DEC\tNAME") at fixed places, interns the name, and at
 * the end of each dump looks every process's parent up by PID and counts
 * the orphans (a parent PID that is not 0 and not listed: a process that
 * is its own parent is listed). Nothing else: no header, no diagnostics,
 * no tree, no rules, no output per dump. A check cannot be faster than
 * this on one thread, so its time says what a target stated as a fraction
 * of `wc -l` asks for.
 *
 * Not a reader of listings: any other line, a header included, is skipped
 * unread, and a dump ends at "kd> .dumpdebug" or a "DUMP_HEADER" line. The
 * PID table hashes PIDs with a fixed function, which a crafted listing
 * could make slow; the inputs are the generator's. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK (1u << 20)

typedef struct {
    unsigned long long dumps, processes, orphans;
} counts;

/* Interned names: open addressing over ids into one growing pool. */
typedef struct {
    uint64_t hash;
    size_t start, len; /* in the pool */
} name;

typedef struct {
    char *pool;
    size_t pool_len, pool_cap;
    name *by_id; /* id - 1 */
    size_t count, cap;
    uint32_t *slot; /* id, 0 for empty */
    size_t nslots;  /* a power of two, at least twice count */
} names;

typedef struct {
    uint64_t pid, ppid;
    uint32_t name;
} process;

/* One dump's processes. */
typedef struct {
    process *procs;
    size_t count, cap;
    uint64_t *index; /* PID table: PID + 1, 0 for empty (so PID 2^64-1 is never found) */
    size_t nindex;
} dump;

/* p itself, or exits with a message when it is NULL. */
static void *got(void *p)
{
    if (!p) {
        fprintf(stderr, "lineage-floor: out of memory\n");
        exit(2);
    }
    return p;
}

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    p = got(realloc(p, n * size));
    *cap = n;
    return p;
}

static void *zeroed(size_t n, size_t size)
{
    return got(calloc(n, size));
}

/* Eight bytes at a time; the last word may overlap the one before it. */
static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = len * 0x9e3779b97f4a7c15u, w = 0;
    if (len < 8) {
        for (size_t i = 0; i < len; i++)
            w = w << 8 | (unsigned char)s[i];
        h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
        return h ^ (h >> 29);
    }
    for (size_t i = 0; i + 8 < len; i += 8) {
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdu;
    }
    memcpy(&w, s + len - 8, 8);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
    return h ^ (h >> 29);
}

static void names_rehash(names *nm)
{
    size_t n = nm->nslots ? nm->nslots * 2 : 1024;
    free(nm->slot);
    nm->slot = zeroed(n, sizeof *nm->slot);
    nm->nslots = n;
    for (size_t id = 1; id <= nm->count; id++) {
        size_t x = nm->by_id[id - 1].hash & (n - 1);
        while (nm->slot[x])
            x = (x + 1) & (n - 1);
        nm->slot[x] = (uint32_t)id;
    }
}

static uint32_t intern(names *nm, const char *s, size_t len)
{
    uint64_t h = hash_bytes(s, len);
    size_t mask = nm->nslots - 1, x = h & mask;
    for (uint32_t id; (id = nm->slot[x]) != 0; x = (x + 1) & mask) {
        const name *e = &nm->by_id[id - 1];
        if (e->hash == h && e->len == len && memcmp(nm->pool + e->start, s, len) == 0)
            return id;
    }
    nm->by_id = grow(nm->by_id, &nm->cap, nm->count + 1, sizeof *nm->by_id);
    nm->pool = grow(nm->pool, &nm->pool_cap, nm->pool_len + len, 1);
    memcpy(nm->pool + nm->pool_len, s, len);
    nm->by_id[nm->count] = (name){h, nm->pool_len, len};
    nm->pool_len += len;
    uint32_t id = (uint32_t)++nm->count;
    nm->slot[x] = id;
    if (nm->count * 2 > nm->nslots)
        names_rehash(nm);
    return id;
}

/* Fibonacci hashing: the top bits of the product. */
static size_t pid_slot(uint64_t pid, unsigned bits)
{
    return (size_t)((pid * 0x9e3779b97f4a7c15u) >> (64 - bits));
}

/* Indexes the dump's PIDs, counts its orphans, and empties it. */
static void finish_dump(dump *d, counts *c)
{
    if (!d->count)
        return;
    size_t n = 1024;
    unsigned bits = 10;
    while (n < d->count * 2)
        n *= 2, bits++;
    if (n > d->nindex) {
        free(d->index);
        d->index = zeroed(n, sizeof *d->index);
        d->nindex = n;
    } else {
        memset(d->index, 0, n * sizeof *d->index);
    }
    size_t mask = n - 1;
    for (size_t i = 0; i < d->count; i++) {
        size_t x = pid_slot(d->procs[i].pid, bits);
        while (d->index[x])
            x = (x + 1) & mask;
        d->index[x] = d->procs[i].pid + 1;
    }
    for (size_t i = 0; i < d->count; i++) {
        uint64_t ppid = d->procs[i].ppid;
        if (ppid == 0) /* the top of the tree, as lineage has it */
            continue;
        size_t x = pid_slot(ppid, bits);
        uint64_t k;
        while ((k = d->index[x]) != 0 && k != ppid + 1)
            x = (x + 1) & mask;
        c->orphans += k == 0;
    }
    c->dumps++;
    c->processes += d->count;
    d->count = 0;
}

/* Each byte's value as a hex digit, 16 for bytes that are none: one load
 * and one compare a digit, in base 16 or 10. Set once by main. */
static unsigned char digit_value[256];

static void digits_init(void)
{
    memset(digit_value, 16, sizeof digit_value);
    for (int d = 0; d < 10; d++)
        digit_value['0' + d] = (unsigned char)d;
    for (int d = 0; d < 6; d++)
        digit_value['a' + d] = digit_value['A' + d] = (unsigned char)(10 + d);
}

/* Digits of base 16 or 10 from *s up to `stop`; 0 when there are none, too
 * many, or something else ends them. */
static int number(const char **s, const char *end, unsigned base, char stop, uint64_t *out)
{
    const char *p = *s, *lim = end - p > 16 ? p + 16 : end;
    uint64_t v = 0;
    for (unsigned d; p < lim && (d = digit_value[(unsigned char)*p]) < base; p++)
        v = v * base + d;
    if (p == *s || p >= end || *p != stop)
        return 0;
    *s = p;
    *out = v;
    return 1;
}

static int literal(const char **s, const char *end, const char *lit, size_t n)
{
    if ((size_t)(end - *s) < n || memcmp(*s, lit, n) != 0)
        return 0;
    *s += n;
    return 1;
}

static void process_line(const char *s, const char *end, dump *d, names *nm)
{
    uint64_t ppid, pid, threads;
    if (!literal(&s, end, "Parent", 6) || s == end || (*s != '+' && *s != '-'))
        return;
    s++;
    if (!literal(&s, end, ": 0x", 4) || !number(&s, end, 16, '-', &ppid) ||
        !literal(&s, end, "--->\tChild: 0x", 14) || !number(&s, end, 16, '\t', &pid) ||
        !literal(&s, end, "\tActiveThreads->", 16) || !number(&s, end, 10, '\t', &threads))
        return;
    s++;
    while (end > s && (end[-1] == '\r' || end[-1] == ' '))
        end--;
    (void)threads; /* read to check the line, as a check must */
    d->procs = grow(d->procs, &d->cap, d->count + 1, sizeof *d->procs);
    d->procs[d->count++] = (process){pid, ppid, intern(nm, s, (size_t)(end - s))};
}

static void line(const char *s, const char *end, dump *d, names *nm, counts *c)
{
    size_t len = (size_t)(end - s);
    if (len >= 6 && s[0] == 'P')
        process_line(s, end, d, nm);
    else if ((len >= 14 && memcmp(s, "kd> .dumpdebug", 14) == 0) ||
             (len >= 11 && memcmp(s, "DUMP_HEADER", 11) == 0))
        finish_dump(d, c);
}

/* Lines longer than a block are skipped whole. */
static int read_file(const char *path, char *buf, dump *d, names *nm, counts *c)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "lineage-floor: %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t have = 0;
    int skipping = 0;
    for (;;) {
        ssize_t r = read(fd, buf + have, BLOCK - have);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            fprintf(stderr, "lineage-floor: %s: %s\n", path, strerror(errno));
            close(fd);
            d->count = 0; /* a dump cut short is not counted, nor carried into the next file */
            return -1;
        }
        const char *p = buf, *end = buf + have + (size_t)r, *nl;
        if (r == 0) {
            if (have && !skipping)
                line(p, end, d, nm, c);
            break;
        }
        while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
            if (!skipping)
                line(p, nl, d, nm, c);
            skipping = 0;
            p = nl + 1;
        }
        have = (size_t)(end - p);
        if (have == BLOCK) {
            skipping = 1;
            have = 0;
        }
        memmove(buf, p, have);
    }
    close(fd);
    finish_dump(d, c);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fprintf(argc < 2 ? stderr : stdout,
                "usage: lineage-floor FILE...\n\n"
                "Reads kd listings doing only what any check must: split lines, read each\n"
                "process line, intern its name, look up each parent. Prints the counts.\n");
        return argc < 2 ? 2 : 0;
    }
    char *buf = got(malloc(BLOCK));
    names nm = {0};
    dump d = {0};
    counts c = {0};
    digits_init();
    names_rehash(&nm);
    nm.pool = grow(NULL, &nm.pool_cap, 4096, 1); /* never NULL, even for an empty name */
    int status = 0;
    for (int i = 1; i < argc; i++)
        if (read_file(argv[i], buf, &d, &nm, &c) < 0)
            status = 2;
    printf("%llu dumps, %llu processes, %llu orphans, %zu names\n", c.dumps, c.processes,
           c.orphans, nm.count);
    free(buf);
    free(nm.pool);
    free(nm.by_id);
    free(nm.slot);
    free(d.procs);
    free(d.index);
    return status;
}
