/* Template values: the data tree a report hands to its templates.
 *
 * A value is a string, a number (a signed 64-bit integer), a boolean, a
 * list or a map. The caller builds the tree in an arena it owns, and the
 * whole tree is freed with that arena; nothing here frees anything.
 * Lists and maps are singly linked in insertion order, so iteration order
 * is the order the caller added things: rendering is deterministic with
 * no sorting and no hash order. Map lookup is a linear scan in insertion
 * order (report records have tens of keys, not thousands). */
#ifndef LINEAGE_TVALUE_H
#define LINEAGE_TVALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lineage/template.h>

#include "arena.h"

typedef enum tvalue_kind {
    TV_STRING,
    TV_NUMBER,
    TV_BOOL,
    TV_LIST,
    TV_MAP
} tvalue_kind;

/* Constructors: the result lives in `a`. Strings are copied into the
 * arena (len bytes, which may include NUL and invalid UTF-8). */
lineage_tvalue *tvalue_string(arena *a, const char *s, size_t len);
lineage_tvalue *tvalue_cstr(arena *a, const char *s);
lineage_tvalue *tvalue_number(arena *a, int64_t n);
lineage_tvalue *tvalue_bool(arena *a, bool b);
lineage_tvalue *tvalue_list(arena *a);
lineage_tvalue *tvalue_map(arena *a);

/* Appends `item` to a list. */
void tvalue_list_add(arena *a, lineage_tvalue *list, const lineage_tvalue *item);
/* Sets `key` (copied) in a map. Setting a key again replaces its value
 * and keeps its original position. */
void tvalue_map_set(arena *a, lineage_tvalue *map, const char *key, const lineage_tvalue *value);
/* Shorthands for tvalue_map_set with a new string, number or boolean. */
void tvalue_map_set_cstr(arena *a, lineage_tvalue *map, const char *key, const char *s);
void tvalue_map_set_string(arena *a, lineage_tvalue *map, const char *key, const char *s,
                           size_t len);
void tvalue_map_set_number(arena *a, lineage_tvalue *map, const char *key, int64_t n);
void tvalue_map_set_bool(arena *a, lineage_tvalue *map, const char *key, bool b);

tvalue_kind tvalue_get_kind(const lineage_tvalue *v);
/* The bytes of a string value (not NUL-terminated in general; *len set). */
const char *tvalue_get_string(const lineage_tvalue *v, size_t *len);
int64_t tvalue_get_number(const lineage_tvalue *v);
bool tvalue_get_bool(const lineage_tvalue *v);
/* Number of items of a list or entries of a map; 0 for scalars. */
size_t tvalue_count(const lineage_tvalue *v);
/* Walking a list: the first cell (NULL when empty or not a list), the
 * cell after it (NULL at the end) and the item a cell holds. Items are
 * held by reference, so one value may sit in several lists. */
typedef struct tvalue_cell tvalue_cell;
const tvalue_cell *tvalue_list_first(const lineage_tvalue *list);
const tvalue_cell *tvalue_cell_next(const tvalue_cell *cell);
const lineage_tvalue *tvalue_cell_value(const tvalue_cell *cell);
/* The value under key (key_len bytes) in a map; NULL when absent or
 * when `map` is not a map. */
const lineage_tvalue *tvalue_map_get(const lineage_tvalue *map, const char *key, size_t key_len);
/* Walking a map in insertion order: the first entry (NULL when empty or
 * not a map), the entry after it (NULL at the end), and an entry's key
 * (NUL-terminated; *len set when len is not NULL) and value. */
typedef struct tvalue_entry tvalue_entry;
const tvalue_entry *tvalue_map_first(const lineage_tvalue *map);
const tvalue_entry *tvalue_entry_next(const tvalue_entry *entry);
const char *tvalue_entry_key(const tvalue_entry *entry, size_t *len);
const lineage_tvalue *tvalue_entry_value(const tvalue_entry *entry);
/* Falsy values hide a section: false, 0, "", an empty list. Maps and every
 * other value are truthy. */
bool tvalue_truthy(const lineage_tvalue *v);

#endif
