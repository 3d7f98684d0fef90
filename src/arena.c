/* Page-based bump allocator. Large requests get a page of their own so a
 * single big object does not waste the rest of a normal page. */
#include "arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "alloc.h"

#define ARENA_PAGE (64u * 1024u)

typedef struct page {
    struct page *prev;
    size_t size;
    size_t used;
    alignas(max_align_t) unsigned char data[];
} page;

struct arena {
    page *top;
};

arena *arena_new(void)
{
    return xcalloc(1, sizeof(arena));
}

void arena_free(arena *a)
{
    if (!a)
        return;
    page *p = a->top;
    while (p) {
        page *prev = p->prev;
        free(p);
        p = prev;
    }
    free(a);
}

/* Pages are zeroed whole when made, so handing out memory is a bump. */
static page *page_new(size_t size, page *prev)
{
    page *p = xcalloc(1, sizeof(page) + size);
    p->prev = prev;
    p->size = size;
    p->used = 0;
    return p;
}

void *arena_alloc(arena *a, size_t size)
{
    const size_t align = alignof(max_align_t);
    if (size > SIZE_MAX - align)
        size = SIZE_MAX - align; /* xmalloc below fails loudly */
    size = (size + align - 1) & ~(align - 1);
    page *p = a->top;
    if (!p || p->size - p->used < size) {
        if (size > ARENA_PAGE / 4) {
            /* A big object: its own page, slipped under the current one so
             * the current page keeps serving small requests. */
            page *big = page_new(size, p ? p->prev : NULL);
            big->used = size;
            if (p)
                p->prev = big;
            else
                a->top = big;
            return big->data;
        }
        p = page_new(ARENA_PAGE, p);
        a->top = p;
    }
    void *mem = p->data + p->used;
    p->used += size;
    return mem;
}

char *arena_strndup(arena *a, const char *s, size_t len)
{
    char *p = arena_alloc(a, len + 1);
    if (len) /* s may be NULL then */
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}
