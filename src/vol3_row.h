/* The Volatility 3 process columns, shared by the text, CSV and JSON
 * parsers: which column feeds which model field, and how a cell's text
 * becomes a value. All three renderers print the same cells (`N/A` for
 * not applicable, `-` for unreadable, timestamps with or without ` UTC`),
 * so one mapping serves them. */
#ifndef LINEAGE_VOL3_ROW_H
#define LINEAGE_VOL3_ROW_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

typedef enum vol3_col {
    VOL3_OTHER = 0, /* a column the model does not keep (Handles, Wow64, ...) */
    VOL3_PID,
    VOL3_PPID,
    VOL3_NAME,      /* ImageFileName */
    VOL3_OFFSET_V,  /* Offset(V): the EPROCESS address */
    VOL3_THREADS,
    VOL3_SESSION,   /* SessionId */
    VOL3_CREATE,    /* CreateTime */
    VOL3_EXIT,      /* ExitTime */
    VOL3_CMD,
    VOL3_PATH,
    VOL3_TREEDEPTH, /* CSV only */
    VOL3_CHILDREN   /* JSON only: __children */
} vol3_col;

/* One row being read. Strings are already in the dump's arena, the name
 * interned, so a row can outlive the line it came from. */
typedef struct vol3_row {
    int has_pid, has_ppid;
    int rejected; /* a PID or PPID cell was unreadable: the row is left out */
    uint64_t pid, ppid;
    const lineage_name *name;
    uint64_t threads, create_time, exit_time, eprocess;
    int64_t session;
    const char *command_line;
    const char *image_path;
} vol3_row;

/* The column a header cell or JSON key names (exact, case-sensitive). */
vol3_col vol3_column(const char *name, size_t len);

/* A row with every field unknown. */
void vol3_row_clear(vol3_row *row);

/* True for the cells Volatility prints for a missing value: "", "N/A",
 * "-" (and "null" spelled out is not one: JSON nulls are handled by the
 * JSON parser). */
int vol3_is_absent(const char *text, size_t len);

/* Stores a cell's value in the row: an ImageFileName as written, any
 * other cell without the blanks around it. Returns NULL on success, else a static
 * message saying what was wrong with the text and what follows: the field
 * stays unknown, or, for a PID or PPID, the row is left out. */
const char *vol3_row_set(vol3_row *row, lineage_dump *dump, vol3_col col, const char *text,
                         size_t len);

/* Appends the row to the dump as a process. Returns NULL on success or
 * when a cell already rejected the row, else a static message (no PID, no
 * PPID, too many processes). */
const char *vol3_row_commit(const vol3_row *row, lineage_dump *dump, unsigned long line);

#endif
