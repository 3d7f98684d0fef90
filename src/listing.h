/* What every line-oriented parser keeps between lines, whatever its
 * format: the dump being built, how many it has opened, and the prose
 * (lines that are no part of the format) around them. Each parser embeds
 * one as the first member of its state, next to what its format needs. */
#ifndef LINEAGE_LISTING_H
#define LINEAGE_LISTING_H

#include "model.h"
#include "source.h"

typedef struct listing {
    lineage_session *session;
    source *src;
    lineage_diag_list *reader_diags; /* problems outside every dump */
    lineage_dump *cur;               /* the dump being built, or NULL */
    unsigned ndumps;                 /* dumps opened so far */
    /* Prose since the current dump's last line: it is the dump's if
     * another line of the dump follows (listing_touch), else outside. */
    unsigned long pending_prose;
    unsigned long prose; /* prose outside every dump */
    int at_end;          /* the source is exhausted */
} listing;

void listing_init(listing *l, lineage_session *session, source *src, lineage_diag_list *diags);
/* Frees the dump left unfinished, if any. */
void listing_release(listing *l);

/* A warning at column `col` (0-based) of a line, filed with the current
 * dump, or with the reader when no dump is open. */
void listing_warn(listing *l, const source_line *ln, size_t col, const char *msg);

/* Opens the next dump, its first and last line `line`, read with this
 * format name and PID base; prose seen before it was outside every dump. */
lineage_dump *listing_open_dump(listing *l, unsigned long line, const char *format, int pid_base);
/* `line` belongs to the current dump: so does the prose before it.
 * Inline: kd calls it for every process line. */
static inline void listing_touch(listing *l, unsigned long line)
{
    l->cur->last_line = line;
    l->cur->prose_lines += l->pending_prose;
    l->pending_prose = 0;
}
/* Finishes the current dump (builds its tree) and hands it over; NULL
 * when none is open. Prose since its last line was outside it. */
lineage_dump *listing_finish_dump(listing *l);

/* Lines outside every dump, for format.prose_lines. */
unsigned long listing_prose_lines(const listing *l);

#endif
