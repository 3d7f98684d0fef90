/* The reader: opens a source, picks the format, and hands out dumps. */
#include <lineage/reader.h>

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "format.h"
#include "model.h"
#include "splitter.h"
#include "strbuf.h"

static const input_format *const formats[] = {
    &format_kd,
    &format_windbg,
    &format_vol2,
    &format_memprocfs,
    &format_vol3,
    &format_vol3_csv,
    &format_vol3_json,
    &format_sysmon,
};
#define NFORMATS (sizeof formats / sizeof formats[0])

struct lineage_reader {
    lineage_session *session;
    source *src;
    const input_format *fmt;
    format_parser *parser;
    lineage_diag_list *diags;
    unsigned ndumps;
};

const char *lineage_format_name(size_t i) { return i < NFORMATS ? formats[i]->name : NULL; }

const char *lineage_format_description(size_t i)
{
    return i < NFORMATS ? formats[i]->description : NULL;
}

const input_format *format_find(const char *name)
{
    for (size_t i = 0; i < NFORMATS; i++)
        if (strcmp(formats[i]->name, name) == 0)
            return formats[i];
    return NULL;
}

const input_format *format_detect(const char *head, size_t len)
{
    const input_format *found = NULL;
    int best = 0;
    for (size_t i = 0; head && i < NFORMATS; i++) {
        int score = formats[i]->sniff(head, len);
        if (score > best) {
            best = score;
            found = formats[i];
        }
        if (best >= 100)
            break; /* certain: no later format can win (ties go to the first) */
    }
    return found;
}

/* No format matched: name them all and quote the first line. */
static void report_unknown(lineage_reader *r, const char *head, size_t len)
{
    strbuf tried = STRBUF_INIT;
    for (size_t i = 0; i < NFORMATS; i++) {
        if (i)
            strbuf_puts(&tried, ", ");
        strbuf_puts(&tried, formats[i]->name);
    }
    if (!head) {
        lineage_diag_add(r->diags, LINEAGE_ERROR, source_name(r->src), 0, 0, NULL, 0,
                         "the input is empty; expected a process listing (formats: %s)",
                         tried.data);
        strbuf_release(&tried);
        return;
    }
    const char *nl = memchr(head, '\n', len);
    size_t first = nl ? (size_t)(nl - head) : len;
    if (first && head[first - 1] == '\r')
        first--;
    lineage_diag_add(r->diags, LINEAGE_ERROR, source_name(r->src), 1, 1, head, first,
                     "no known listing format found (tried %s)", tried.data);
    strbuf_release(&tried);
}

static lineage_status start(lineage_reader *r, const char *format_name)
{
    if (format_name) {
        r->fmt = format_find(format_name);
        if (!r->fmt) {
            lineage_diag_add(r->diags, LINEAGE_ERROR, source_name(r->src), 0, 0, NULL, 0,
                             "unknown input format '%s'", format_name);
            return LINEAGE_E_ARG;
        }
    } else {
        size_t len;
        const char *head = source_peek(r->src, &len, r->diags);
        if (!head && lineage_diag_list_count_at_least(r->diags, LINEAGE_ERROR))
            return LINEAGE_E_IO;
        r->fmt = format_detect(head, len);
        if (!r->fmt) {
            report_unknown(r, head, len);
            return LINEAGE_E_PARSE;
        }
    }
    r->parser = r->fmt->open(r->session, r->src, r->diags);
    return LINEAGE_OK;
}

static lineage_reader *reader_alloc(lineage_session *session)
{
    lineage_reader *r = xcalloc(1, sizeof *r);
    r->session = session;
    r->diags = lineage_diag_list_new();
    return r;
}

lineage_status lineage_reader_open(lineage_session *session, const char *path,
                                   const char *format, lineage_reader **out)
{
    if (out)
        *out = NULL;
    if (!session || !path || !out)
        return LINEAGE_E_ARG;
    lineage_reader *r = reader_alloc(session);
    *out = r;
    r->src = source_open_path(path, r->diags);
    if (!r->src)
        return LINEAGE_E_IO;
    return start(r, format);
}

lineage_status lineage_reader_open_memory(lineage_session *session, const char *name,
                                          const char *data, size_t len, const char *format,
                                          lineage_reader **out)
{
    if (out)
        *out = NULL;
    if (!session || !name || (!data && len) || !out)
        return LINEAGE_E_ARG;
    lineage_reader *r = reader_alloc(session);
    *out = r;
    r->src = source_open_memory(name, data ? data : "", len);
    return start(r, format);
}

lineage_status lineage_reader_open_piece(lineage_session *session, const lineage_splitter *sp,
                                         const lineage_piece *piece, unsigned long first_line,
                                         lineage_reader **out)
{
    if (!session || !sp || !piece || (!piece->streamed && !piece->data && piece->len) || !out)
        return LINEAGE_E_ARG;
    lineage_reader *r = reader_alloc(session);
    *out = r;
    if (piece->streamed) {
        uint64_t skip = piece->offset == 0 ? splitter_bom(sp) : 0;
        r->src = source_open_range(splitter_path(sp), splitter_fd(sp), piece->offset + skip,
                                   piece->length > skip ? piece->length - skip : 0, first_line);
    } else {
        r->src = source_open_piece(splitter_path(sp), piece->data ? piece->data : "", piece->len,
                                   first_line);
    }
    r->fmt = splitter_format(sp);
    r->parser = r->fmt->open(r->session, r->src, r->diags);
    return LINEAGE_OK;
}

/* A dump with a header or a table head but no process is most likely a
 * listing cut short; without a word it would pass as complete and clean.
 * Where an error already said why nothing was read, it is enough. */
static void warn_if_empty(const lineage_reader *r, lineage_dump *d)
{
    if (lineage_dump_process_count(d) > 0 ||
        lineage_diag_list_count_at_least(r->diags, LINEAGE_ERROR) ||
        lineage_diag_list_count_at_least(d->diags, LINEAGE_ERROR))
        return;
    lineage_diag_add(d->diags, LINEAGE_WARNING, d->source, lineage_dump_get_last_line(d), 0, NULL,
                     0, "no process in this dump (listing cut short?)");
}

lineage_status lineage_reader_next(lineage_reader *r, lineage_dump **out)
{
    *out = NULL;
    if (!r->parser)
        return LINEAGE_E_ARG;
    lineage_status st = r->fmt->next(r->parser, out);
    if (*out) {
        r->ndumps++;
        warn_if_empty(r, *out);
    }
    return st;
}

const lineage_diag_list *lineage_reader_get_diags(const lineage_reader *r) { return r->diags; }

void lineage_reader_take_diags(lineage_reader *r, lineage_diag_list *to)
{
    if (r && to)
        lineage_diag_list_take(to, r->diags);
}
const char *lineage_reader_get_format(const lineage_reader *r) { return r->fmt ? r->fmt->name : NULL; }
unsigned lineage_reader_get_dump_count(const lineage_reader *r) { return r->ndumps; }

uint64_t lineage_reader_get_bytes_read(const lineage_reader *r)
{
    return r && r->src ? source_bytes_read(r->src) : 0;
}

unsigned long lineage_reader_get_prose_lines(const lineage_reader *r)
{
    return r->parser ? r->fmt->prose_lines(r->parser) : 0;
}

void lineage_reader_free(lineage_reader *r)
{
    if (!r)
        return;
    if (r->parser)
        r->fmt->close(r->parser);
    source_free(r->src);
    lineage_diag_list_free(r->diags);
    free(r);
}
