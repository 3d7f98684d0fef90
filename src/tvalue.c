/* Template values: an arena-backed tree of strings, numbers, booleans,
 * lists and maps (see tvalue.h for the ordering and lookup policy). */
#include "tvalue.h"

#include <string.h>

struct tvalue_cell {
    const lineage_tvalue *value;
    struct tvalue_cell *next;
};

typedef struct tvalue_entry {
    const char *key;
    size_t key_len;
    const lineage_tvalue *value;
    struct tvalue_entry *next;
} map_entry;

struct lineage_tvalue {
    tvalue_kind kind;
    union {
        struct {
            const char *s;
            size_t len;
        } str;
        int64_t number;
        bool boolean;
        struct {
            tvalue_cell *first, *last;
            size_t count;
        } list;
        struct {
            map_entry *first, *last;
            size_t count;
        } map;
    } u;
};

static lineage_tvalue *new_value(arena *a, tvalue_kind kind)
{
    lineage_tvalue *v = arena_alloc(a, sizeof *v);
    v->kind = kind;
    return v;
}

lineage_tvalue *tvalue_string(arena *a, const char *s, size_t len)
{
    lineage_tvalue *v = new_value(a, TV_STRING);
    v->u.str.s = arena_strndup(a, s ? s : "", s ? len : 0);
    v->u.str.len = s ? len : 0;
    return v;
}

lineage_tvalue *tvalue_cstr(arena *a, const char *s)
{
    return tvalue_string(a, s, s ? strlen(s) : 0);
}

lineage_tvalue *tvalue_number(arena *a, int64_t n)
{
    lineage_tvalue *v = new_value(a, TV_NUMBER);
    v->u.number = n;
    return v;
}

lineage_tvalue *tvalue_bool(arena *a, bool b)
{
    lineage_tvalue *v = new_value(a, TV_BOOL);
    v->u.boolean = b;
    return v;
}

lineage_tvalue *tvalue_list(arena *a)
{
    return new_value(a, TV_LIST);
}

lineage_tvalue *tvalue_map(arena *a)
{
    return new_value(a, TV_MAP);
}

void tvalue_list_add(arena *a, lineage_tvalue *list, const lineage_tvalue *item)
{
    if (!list || list->kind != TV_LIST || !item)
        return;
    tvalue_cell *c = arena_alloc(a, sizeof *c);
    c->value = item;
    if (list->u.list.last)
        list->u.list.last->next = c;
    else
        list->u.list.first = c;
    list->u.list.last = c;
    list->u.list.count++;
}

void tvalue_map_set(arena *a, lineage_tvalue *map, const char *key, const lineage_tvalue *value)
{
    if (!map || map->kind != TV_MAP || !key || !value)
        return;
    size_t len = strlen(key);
    for (map_entry *e = map->u.map.first; e; e = e->next) {
        if (e->key_len == len && memcmp(e->key, key, len) == 0) {
            e->value = value;
            return;
        }
    }
    map_entry *e = arena_alloc(a, sizeof *e);
    e->key = arena_strndup(a, key, len);
    e->key_len = len;
    e->value = value;
    if (map->u.map.last)
        map->u.map.last->next = e;
    else
        map->u.map.first = e;
    map->u.map.last = e;
    map->u.map.count++;
}

void tvalue_map_set_cstr(arena *a, lineage_tvalue *map, const char *key, const char *s)
{
    tvalue_map_set(a, map, key, tvalue_cstr(a, s));
}

void tvalue_map_set_string(arena *a, lineage_tvalue *map, const char *key, const char *s,
                           size_t len)
{
    tvalue_map_set(a, map, key, tvalue_string(a, s, len));
}

void tvalue_map_set_number(arena *a, lineage_tvalue *map, const char *key, int64_t n)
{
    tvalue_map_set(a, map, key, tvalue_number(a, n));
}

void tvalue_map_set_bool(arena *a, lineage_tvalue *map, const char *key, bool b)
{
    tvalue_map_set(a, map, key, tvalue_bool(a, b));
}

tvalue_kind tvalue_get_kind(const lineage_tvalue *v)
{
    return v->kind;
}

const char *tvalue_get_string(const lineage_tvalue *v, size_t *len)
{
    if (v->kind != TV_STRING) {
        *len = 0;
        return "";
    }
    *len = v->u.str.len;
    return v->u.str.s;
}

int64_t tvalue_get_number(const lineage_tvalue *v)
{
    return v->kind == TV_NUMBER ? v->u.number : 0;
}

bool tvalue_get_bool(const lineage_tvalue *v)
{
    return v->kind == TV_BOOL && v->u.boolean;
}

size_t tvalue_count(const lineage_tvalue *v)
{
    if (v->kind == TV_LIST)
        return v->u.list.count;
    if (v->kind == TV_MAP)
        return v->u.map.count;
    return 0;
}

const tvalue_cell *tvalue_list_first(const lineage_tvalue *list)
{
    return list && list->kind == TV_LIST ? list->u.list.first : NULL;
}

const tvalue_cell *tvalue_cell_next(const tvalue_cell *cell)
{
    return cell->next;
}

const lineage_tvalue *tvalue_cell_value(const tvalue_cell *cell)
{
    return cell->value;
}

const lineage_tvalue *tvalue_map_get(const lineage_tvalue *map, const char *key, size_t key_len)
{
    if (!map || map->kind != TV_MAP)
        return NULL;
    for (const map_entry *e = map->u.map.first; e; e = e->next)
        if (e->key_len == key_len && memcmp(e->key, key, key_len) == 0)
            return e->value;
    return NULL;
}

bool tvalue_truthy(const lineage_tvalue *v)
{
    if (!v)
        return false;
    switch (v->kind) {
    case TV_STRING:
        return v->u.str.len > 0;
    case TV_NUMBER:
        return v->u.number != 0;
    case TV_BOOL:
        return v->u.boolean;
    case TV_LIST:
        return v->u.list.count > 0;
    case TV_MAP:
        return true;
    }
    return false;
}

const tvalue_entry *tvalue_map_first(const lineage_tvalue *map)
{
    return map && map->kind == TV_MAP ? map->u.map.first : NULL;
}

const tvalue_entry *tvalue_entry_next(const tvalue_entry *entry)
{
    return entry ? entry->next : NULL;
}

const char *tvalue_entry_key(const tvalue_entry *entry, size_t *len)
{
    if (len)
        *len = entry->key_len;
    return entry->key;
}

const lineage_tvalue *tvalue_entry_value(const tvalue_entry *entry)
{
    return entry->value;
}
