/* Opening a file the caller will read to its end: only a regular file,
 * so that a FIFO cannot block the run and /dev/zero cannot grow memory
 * without bound (rule files, their includes, report templates). */
#ifndef LINEAGE_REGULAR_FILE_H
#define LINEAGE_REGULAR_FILE_H

#include <stdio.h>

/* The file open for reading, or NULL with *err set to the errno of the
 * failure, or to 0 when the path names something else than a regular
 * file. */
FILE *regular_file_open(const char *path, int *err);

#endif
