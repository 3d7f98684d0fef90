/* Look-alike names: an edit distance that counts what a person skimming a
 * process list would not notice. Insertions, deletions, substitutions and
 * swaps of two neighbouring characters (scvhost / svchost) cost 1, and so
 * does writing "rn" for "m" (or the reverse). Digit/letter confusions such
 * as 0/o and 1/l/I are single substitutions, so they cost 1 as well. The
 * comparison is ASCII case-insensitive. */
#include "ruleset.h"

#include <stdlib.h>

#include "alloc.h"

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

size_t lookalike_distance(const char *a, size_t alen, const char *b, size_t blen, size_t max)
{
    size_t diff = alen > blen ? alen - blen : blen - alen;
    /* rn -> m shortens by one per use, so a length gap above max is final. */
    if (diff > max)
        return max + 1;
    size_t w = blen + 1;
    size_t *d = xmalloc((alen + 1) * w * sizeof *d);
#define D(i, j) d[(i) * w + (j)]
    for (size_t i = 0; i <= alen; i++)
        D(i, 0) = i;
    for (size_t j = 0; j <= blen; j++)
        D(0, j) = j;
    for (size_t i = 1; i <= alen; i++) {
        char ca = lower(a[i - 1]);
        for (size_t j = 1; j <= blen; j++) {
            char cb = lower(b[j - 1]);
            size_t best = D(i - 1, j - 1) + (ca != cb);
            if (D(i - 1, j) + 1 < best)
                best = D(i - 1, j) + 1;
            if (D(i, j - 1) + 1 < best)
                best = D(i, j - 1) + 1;
            if (i > 1 && j > 1 && ca == lower(b[j - 2]) && lower(a[i - 2]) == cb &&
                D(i - 2, j - 2) + 1 < best)
                best = D(i - 2, j - 2) + 1;
            if (i > 1 && cb == 'm' && lower(a[i - 2]) == 'r' && ca == 'n' &&
                D(i - 2, j - 1) + 1 < best)
                best = D(i - 2, j - 1) + 1;
            if (j > 1 && ca == 'm' && lower(b[j - 2]) == 'r' && cb == 'n' &&
                D(i - 1, j - 2) + 1 < best)
                best = D(i - 1, j - 2) + 1;
            D(i, j) = best;
        }
    }
    size_t r = D(alen, blen);
#undef D
    free(d);
    return r > max ? max + 1 : r;
}
