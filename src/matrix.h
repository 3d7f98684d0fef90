/* The lineage matrix as a table, for the report model. */
#ifndef LINEAGE_MATRIX_H
#define LINEAGE_MATRIX_H

#include <stddef.h>
#include <stdint.h>

#include <lineage/diff.h>

typedef struct matrix_row {
    const lineage_name *parent;
    const lineage_name *child;
    int differs; /* the counts are not the same in every column */
} matrix_row;

size_t matrix_column_count(const lineage_matrix *m);
/* "XP 2600", "7 SP1 7601": the column's label (borrowed). */
const char *matrix_column_label(const lineage_matrix *m, size_t col);
/* The rows in the order of lineage_matrix_render_text (differing rows
 * first, each group by parent then child). Stores in *rows a malloc'd array
 * of the rows and in *counts a malloc'd array of nrows * ncolumns counts
 * (row-major); the caller frees both. Returns the number of rows. */
size_t matrix_table(const lineage_matrix *m, matrix_row **rows, uint64_t **counts);

#endif
