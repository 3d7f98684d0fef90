/* The interface every input format implements, and the registry of them.
 *
 * A format sniffs the first bytes of (decoded) input and, when chosen,
 * turns a source into dumps one at a time. To add a format: write
 * src/<name>_parse.c defining a `const format format_<name>`, and list it
 * in formats[] in reader.c. A format read line by line keeps its dumps in
 * a `listing` (listing.h) and loops with format_next_by_lines. */
#ifndef LINEAGE_FORMAT_H
#define LINEAGE_FORMAT_H

#include <lineage/dump.h>
#include <lineage/status.h>

#include "source.h"

typedef struct format_parser format_parser;

/* What find_cut remembers between calls; zero it to start. */
typedef struct format_cut_state {
    /* What the format learnt of the lines since the start or the last
     * cut. A parser's state after a cut line does not depend on what came
     * before the cut, so zeroing this at a cut (and feeding on from the
     * cut line) is exact. */
    struct {
        int armed;   /* a line that starts a dump was seen: a parser has a dump open */
        int header;  /* ... and after it, a dump header line */
        int dirty;   /* ... and after that, a line that carries state into the next dump */
        int content; /* ... and after it, a line that may have added to that dump */
    } scan;
    /* Over every line fed, across cuts (never zeroed by find_cut): */
    uint64_t lines;   /* newlines */
    uint64_t dumps;   /* dumps a parser reading those lines opens, unless dumps_unsure */
    int dumps_unsure; /* some line may or may not have opened a dump */
} format_cut_state;

typedef struct format {
    const char *name;        /* for --input-format and messages */
    const char *description; /* one line for --help */
    /* How sure the format is that `head` (decoded, possibly cut mid-line)
     * is its own: 0 = not at all, 100 = certain. */
    int (*sniff)(const char *head, size_t len);
    /* Parser state over a source; diags receives problems that belong to
     * no dump. Aborts on OOM. */
    format_parser *(*open)(lineage_session *session, source *src, lineage_diag_list *diags);
    /* The next finished (normalized) dump, or *out NULL at the end. */
    lineage_status (*next)(format_parser *parser, lineage_dump **out);
    /* Lines that belonged to no dump. */
    unsigned long (*prose_lines)(const format_parser *parser);
    void (*close)(format_parser *parser);
    /* Optional (NULL: the format is never read in pieces). Where a listing
     * may be cut so that the part after the cut, parsed by a fresh parser
     * whose line numbers and dump numbers start where the part before
     * left off, gives exactly what one parser reading the whole input
     * gives. Fed complete lines in input order (`buf` starts and ends at
     * line boundaries; the last line of the input may lack its newline),
     * starting at the start of the input or at a cut, it returns the
     * offset in `buf` of the first line that is such a cut, or `len` when
     * there is none. `st` carries what it learnt between calls and starts
     * zeroed; st->scan may be zeroed again at a cut. It may miss a cut,
     * never report a false one. It also counts, in st, the newlines of
     * the lines it consumed (those before the cut it returns) and the
     * dumps a fresh parser of those lines would open (so a piece that
     * runs from one cut to the next knows its number of dumps before it
     * is parsed), setting dumps_unsure rather than guess. */
    size_t (*find_cut)(format_cut_state *st, const char *buf, size_t len);
} input_format;


/* The format named `name`, or NULL. */
const input_format *format_find(const char *name);

/* The format whose sniffer is most sure of `head`, or NULL. */
const input_format *format_detect(const char *head, size_t len);

/* The loop every line-oriented parser shares: feeds each line of ls's
 * source to `line` until it hands back a finished dump (which the line
 * itself started the next of); at the end of the input, or on a read
 * error (then LINEAGE_E_IO), hands back what `finish` returns for the
 * last dump. Once the input is exhausted (ls->at_end), later calls only
 * call `finish` (which then has nothing and returns NULL). */
struct listing;
typedef lineage_dump *(*format_line_fn)(format_parser *parser, const source_line *line);
typedef lineage_dump *(*format_finish_fn)(format_parser *parser);
lineage_status format_next_by_lines(format_parser *parser, struct listing *ls,
                                    format_line_fn line, format_finish_fn finish,
                                    lineage_dump **out);

extern const input_format format_kd;
extern const input_format format_windbg;
extern const input_format format_vol2;
extern const input_format format_memprocfs;
extern const input_format format_vol3;
extern const input_format format_vol3_csv;
extern const input_format format_vol3_json;
extern const input_format format_sysmon;

#endif
