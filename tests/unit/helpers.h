/* One-line helpers shared by the unit tests. Include after cmocka.h. */
#ifndef LINEAGE_TEST_HELPERS_H
#define LINEAGE_TEST_HELPERS_H

#include <stddef.h>
#include <lineage/lineage.h>

/* Reads every dump of `text` (a listing in memory) through a reader.
 * Returns the number of dumps; stores up to `max` of them in dumps[] (the
 * caller frees them) and frees the rest. reader_diags, when not NULL,
 * receives the reader's diagnostics (moved). */
size_t read_dumps(lineage_session *session, const char *text, lineage_dump **dumps, size_t max,
                  lineage_diag_list *reader_diags);
/* The first dump of `text`; fails the test when there is none. */
lineage_dump *read_one(lineage_session *session, const char *text);
/* The ASCII text tree of the first dump of `text` (caller frees). */
char *tree_of(const char *text);
/* Records whose message contains `needle`. */
size_t diags_matching(const lineage_diag_list *diags, const char *needle);
/* The process with this PID (first listed), or NULL. */
const lineage_process *find_pid(const lineage_dump *dump, uint64_t pid);
/* Writes `len` bytes to a new file under /tmp; returns its path (caller
 * unlinks and frees). */
char *write_temp(const char *data, size_t len);
/* Reads a whole file below the source tree (caller frees). */
char *read_source_file(const char *relative_path, size_t *len);

#endif
