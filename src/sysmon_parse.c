/* The Sysmon parser: Event ID 1 (process creation) exported as XML.
 *
 *   <Events>
 *   <Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>
 *     <System><Provider Name='Microsoft-Windows-Sysmon' .../><EventID>1</EventID>...</System>
 *     <EventData>
 *       <Data Name='UtcTime'>2024-03-05 08:01:15.200</Data>
 *       <Data Name='ProcessId'>612</Data>
 *       <Data Name='Image'>C:\Windows\System32\wininit.exe</Data>
 *       <Data Name='ParentProcessId'>504</Data> ...
 *     </EventData>
 *   </Event>
 *   ...
 *   </Events>
 *
 * `wevtutil qe ... /f:xml` writes the <Event> elements one after another
 * with no root, which is not a well-formed document; PowerShell and other
 * exporters wrap them in <Events>. Both are read the same way: the decoded
 * lines of the source are fed to libxml2's streaming reader inside a
 * wrapper element of our own, so the reader only ever holds one event.
 *
 * The whole log is one dump whose processes are the creations it
 * observed, in log order. Create times come from UtcTime, so the tree
 * rejects a parent PID whose logged creation is younger than the child
 * (PID reuse). Sysmon logs no thread counts and no exits here: threads
 * are unknown and every process counts as alive. Parents created before
 * the log began are ABSENT nodes; the image Sysmon gave for such a parent
 * (ParentImage) is kept in a note on the absent PID, and a ParentImage
 * that differs from the image of the process the tree linked as parent is
 * a warning. Events other than Sysmon's ID 1 are counted in one note.
 *
 * Safety: the input comes from possibly compromised machines. No DTD is
 * loaded, no entity is substituted and no network access is made
 * (XML_PARSE_NONET, without XML_PARSE_NOENT / XML_PARSE_DTDLOAD); since the
 * input sits inside our wrapper element, a DOCTYPE is a syntax error, so
 * no entity can be declared at all. libxml2's default limits (nesting 256,
 * text nodes 10 MB) apply; each field kept is bounded by
 * LINEAGE_MAX_XML_FIELD. A malformed document ends the dump with an error
 * naming the line and column; the events before it are kept. An error the
 * parser only finds at our closing wrapper tag means the source ended early
 * (a file cut short): it is reported on the source's last line, in terms of
 * what was left open, never with the wrapper's name or line.
 *
 * Text read to its end without "<Event" anywhere (prose read with
 * --input-format sysmon) is no dump, as for the other formats. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>
#include <pthread.h>

#include "alloc.h"
#include "format.h"
#include "limits.h"
#include "model.h"
#include "scan.h"
#include "strbuf.h"
#include "timestamp.h"

#define EVENT_NS "http://schemas.microsoft.com/win/2004/08/events/event"
#define SYSMON_PROVIDER "Microsoft-Windows-Sysmon"

/* The wrapper around the input; it is on line 1 with no newline, so the
 * parser's line numbers are the source's. */
#define WRAP_NAME "lineage-sysmon-log"
static const char wrap_open[] = "<" WRAP_NAME ">";
static const char wrap_close[] = "</" WRAP_NAME ">";
/* Blanks fed before wrap_close; see refill. */
#define END_PADDING 4096

typedef enum field_id {
    F_EVENT_ID = 0,
    F_PROCESS_ID,
    F_PARENT_PROCESS_ID,
    F_IMAGE,
    F_PARENT_IMAGE,
    F_COMMAND_LINE,
    F_USER,
    F_UTC_TIME,
    F_INTEGRITY,
    F_PROCESS_GUID,
    F_TERMINAL_SESSION,
    F_COUNT,
    F_NONE = F_COUNT
} field_id;

static const char *const data_names[F_COUNT] = {
    NULL, "ProcessId", "ParentProcessId", "Image", "ParentImage", "CommandLine", "User",
    "UtcTime", "IntegrityLevel", "ProcessGuid", "TerminalSessionId",
};

typedef struct field {
    strbuf text;
    int present;
    int cut;
} field;

typedef enum feed_stage { FEED_OPEN = 0, FEED_LINES, FEED_CLOSE, FEED_END } feed_stage;

struct format_parser {
    lineage_session *session;
    source *src;
    lineage_diag_list *reader_diags;
    lineage_dump *dump;
    int handed_out;

    /* Feeding the XML reader. */
    feed_stage stage;
    strbuf pending;
    size_t pending_at;
    unsigned long lines_fed;
    size_t fed_len, fed_chars; /* bytes and characters of line lines_fed */
    int fed_text;              /* it holds more than blanks */
    int io_error;

    /* The source's last line with more than blanks, where a cut-short
     * file is reported. */
    strbuf last_text; /* the line, or empty when it came in pieces */
    unsigned long last_number;
    size_t last_len, last_chars;
    int ended; /* the error at the end of the source was reported */
    int saw_log; /* "<Event" was fed or read: the input is meant as an event log */

    /* The event being read. */
    field fields[F_COUNT];
    field_id collecting;
    int in_event, in_system, in_event_data;
    int provider_other; /* the Provider element named another provider */
    unsigned long event_line;

    /* Per process (by listing index): the ParentImage the event gave, in
     * the dump's arena, or NULL. */
    const char **parent_images;
    size_t parent_images_cap;

    unsigned long other_events;
    unsigned long xml_errors;
};

static void diag(format_parser *p, lineage_severity sev, unsigned long line, unsigned col,
                 const char *fmt, const char *arg)
{
    lineage_diag_add(p->dump->diags, sev, source_name(p->src), line, col, NULL, 0, fmt, arg);
}

/* ---- feeding the source into libxml2 ----------------------------------- */

/* Blanks out an XML declaration at the start of the first line: the input
 * is fed as UTF-8 (the source already decoded it) inside the wrapper, where
 * a declaration would be misplaced. Blanks keep the columns. */
static void blank_declaration(char *text, size_t len)
{
    size_t i = 0;
    scan_skip_space(text, len, &i);
    if (len - i < 5 || memcmp(text + i, "<?xml", 5) != 0)
        return;
    for (size_t j = i; j + 1 < len; j++)
        if (text[j] == '?' && text[j + 1] == '>') {
            memset(text + i, ' ', j + 2 - i);
            return;
        }
}

/* Characters (not bytes: libxml2 counts columns in characters) of a
 * UTF-8 line. */
static size_t utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* Appends a piece of a source line to `pending`, keeping what errors at
 * the end are reported with: the last line that held text. */
static void feed_piece(format_parser *p, const source_line *ln, int ends_line)
{
    int first = p->lines_fed != ln->number;
    size_t at = p->pending.len, i = 0;
    scan_skip_space(ln->text, ln->len, &i);
    if (first) {
        if (ln->len - i >= 9 && memcmp(ln->text + i, "<!DOCTYPE", 9) == 0)
            lineage_diag_add(p->dump->diags, LINEAGE_ERROR, source_name(p->src), ln->number,
                             (unsigned)i + 1, ln->text, ln->len, "%s",
                             "a DOCTYPE is not allowed in an event log: DTDs and entities are "
                             "never read");
        p->fed_len = 0;
        p->fed_chars = 0;
        p->fed_text = 0;
    }
    strbuf_add(&p->pending, ln->text, ln->len);
    if (first && ln->number == 1)
        blank_declaration(p->pending.data + at, ln->len);
    if (ends_line)
        strbuf_putc(&p->pending, '\n');
    p->fed_len += ln->len;
    p->fed_chars += utf8_chars(ln->text, ln->len);
    p->fed_text |= i < ln->len;
    if (p->fed_text) {
        /* The text is kept only for a line read whole; a longer one is
         * reported by its length alone. */
        p->last_text.len = 0;
        if (first && ends_line)
            strbuf_add(&p->last_text, ln->text, ln->len);
        p->last_number = ln->number;
        p->last_len = p->fed_len;
        p->last_chars = p->fed_chars;
    }
    if (!p->saw_log)
        p->saw_log = scan_contains(ln->text, ln->len, "<Event");
    p->lines_fed = ln->number;
    p->dump->last_line = ln->number;
}

/* Refills `pending` with the next piece; 0 at the end. */
static int refill(format_parser *p)
{
    p->pending.len = 0;
    p->pending_at = 0;
    switch (p->stage) {
    case FEED_OPEN:
        strbuf_add(&p->pending, wrap_open, sizeof wrap_open - 1);
        p->stage = FEED_LINES;
        return 1;
    case FEED_LINES: {
        /* Pieces, not lines: a log exported on one line (wevtutil writes
         * its events back to back) may be longer than any line kept. */
        source_line ln;
        int ends_line = 1;
        int r = source_next_piece(p->src, &ln, &ends_line, p->reader_diags);
        if (r < 0)
            p->io_error = 1;
        if (r <= 0) {
            /* libxml2's reader drops the nodes it parsed but had not yet
             * handed out when it meets a fatal error, as it does at our
             * closing tag when the source ended early: blanks wider than
             * its 512-byte chunks make it hand out every complete event
             * first. Blanks are text inside the wrapper and keep lines. */
            strbuf_pad(&p->pending, ' ', END_PADDING);
            strbuf_add(&p->pending, wrap_close, sizeof wrap_close - 1);
            p->stage = FEED_CLOSE;
            return 1;
        }
        feed_piece(p, &ln, ends_line);
        return 1;
    }
    case FEED_CLOSE:
        p->stage = FEED_END;
        return 0;
    case FEED_END:
        return 0;
    }
    return 0;
}

static int xml_read(void *ctx, char *buf, int len)
{
    format_parser *p = ctx;
    if (len <= 0)
        return 0;
    while (p->pending_at >= p->pending.len)
        if (!refill(p))
            return 0;
    size_t n = p->pending.len - p->pending_at;
    if (n > (size_t)len)
        n = (size_t)len;
    memcpy(buf, p->pending.data + p->pending_at, n);
    p->pending_at += n;
    return (int)n;
}

static int xml_close(void *ctx)
{
    (void)ctx;
    return 0;
}

/* Whether an error at line:col lies past the source's last character, in
 * the wrapper's closing tag: the source ended in the middle of something.
 * A start tag cut after its '/' is reported at that last character. */
static int past_the_end(const format_parser *p, unsigned long line, int col, int code)
{
    if (p->stage < FEED_CLOSE || line < p->lines_fed)
        return 0;
    if (line > p->lines_fed)
        return 1;
    size_t chars = line == p->last_number ? p->last_chars : p->fed_chars; /* or a blank line */
    int in_tag = code == XML_ERR_SPACE_REQUIRED || code == XML_ERR_NAME_REQUIRED ||
                 code == XML_ERR_GT_REQUIRED;
    return col > 0 && ((size_t)col > chars || (in_tag && (size_t)col == chars));
}

/* What the source ended inside of, by libxml2's error code. */
static const char *unfinished(int code)
{
    switch (code) {
    case XML_ERR_LT_IN_ATTRIBUTE:
    case XML_ERR_ATTRIBUTE_NOT_FINISHED:
        return "an attribute value";
    case XML_ERR_COMMENT_NOT_FINISHED:
        return "a comment";
    case XML_ERR_CDATA_NOT_FINISHED:
        return "a CDATA section";
    case XML_ERR_PI_NOT_FINISHED:
        return "a processing instruction";
    case XML_ERR_INVALID_HEX_CHARREF:
    case XML_ERR_INVALID_DEC_CHARREF:
    case XML_ERR_INVALID_CHARREF:
    case XML_ERR_ENTITYREF_SEMICOL_MISSING:
        return "a character or entity reference";
    case XML_ERR_ATTRIBUTE_NOT_STARTED:
    case XML_ERR_ATTRIBUTE_WITHOUT_VALUE:
    case XML_ERR_SPACE_REQUIRED:
    case XML_ERR_NAME_REQUIRED:
    case XML_ERR_GT_REQUIRED:
    case XML_ERR_LTSLASH_REQUIRED:
    case XML_ERR_TAG_NOT_FINISHED:
        return "a tag";
    default:
        return "markup";
    }
}

/* The one error for a source that ends early, on its last line with a
 * caret after the last character. libxml2 follows it with errors about the
 * wrapper, which are dropped. */
#if LIBXML_VERSION >= 21200
static void report_end(format_parser *p, const xmlError *err)
#else
static void report_end(format_parser *p, xmlErrorPtr err)
#endif
{
    const char *text = p->last_text.len ? p->last_text.data : NULL;
    size_t len = p->last_text.len;
    unsigned col = p->last_number && p->last_len < UINT_MAX ? (unsigned)(p->last_len + 1) : 0;
    const char *name = source_name(p->src);
    p->ended = 1;
    p->xml_errors++;
    if (err->code == XML_ERR_TAG_NAME_MISMATCH && err->str1 && err->str2 &&
        strcmp(err->str2, WRAP_NAME) == 0 && strcmp(err->str1, WRAP_NAME) != 0) {
        lineage_diag_add(p->dump->diags, LINEAGE_ERROR, name, p->last_number, col, text, len,
                         "the XML ends before <%s> (opened on line %d) is closed (file cut "
                         "short?)",
                         err->str1, err->int1);
        return;
    }
    lineage_diag_add(p->dump->diags, LINEAGE_ERROR, name, p->last_number, col, text, len,
                     "the XML ends inside %s (file cut short?)", unfinished(err->code));
}

#if LIBXML_VERSION >= 21200
static void xml_error(void *ctx, const xmlError *err)
#else
static void xml_error(void *ctx, xmlErrorPtr err)
#endif
{
    format_parser *p = ctx;
    if (!err || p->ended)
        return;
    const char *msg = err->message ? err->message : "malformed XML";
    size_t len = strlen(msg);
    while (len && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
        len--;
    unsigned long line = err->line > 0 ? (unsigned long)err->line : 0;
    int col = err->int2;
    /* Columns on line 1 include the wrapper. */
    if (line == 1 && col > (int)(sizeof wrap_open - 1))
        col -= (int)(sizeof wrap_open - 1);
    lineage_severity sev = err->level == XML_ERR_WARNING ? LINEAGE_WARNING : LINEAGE_ERROR;
    if (sev == LINEAGE_ERROR && past_the_end(p, line, col, err->code)) {
        report_end(p, err);
        return;
    }
    if (sev == LINEAGE_ERROR)
        p->xml_errors++;
    /* An end tag the source has one too many of closes our wrapper. */
    if (err->code == XML_ERR_TAG_NAME_MISMATCH && err->str1 && err->str2 &&
        strcmp(err->str1, WRAP_NAME) == 0) {
        lineage_diag_add(p->dump->diags, sev, source_name(p->src), line,
                         col > 0 ? (unsigned)col : 0, NULL, 0,
                         "malformed XML: </%s> closes an element that was never opened",
                         err->str2);
        return;
    }
    lineage_diag_add(p->dump->diags, sev, source_name(p->src), line, col > 0 ? (unsigned)col : 0,
                     NULL, 0, "malformed XML: %.*s", (int)len, msg);
}

/* ---- events -------------------------------------------------------------- */

static void event_reset(format_parser *p)
{
    for (int i = 0; i < F_COUNT; i++) {
        p->fields[i].text.len = 0;
        if (p->fields[i].text.data)
            p->fields[i].text.data[0] = '\0';
        p->fields[i].present = 0;
        p->fields[i].cut = 0;
    }
    p->collecting = F_NONE;
    p->in_system = p->in_event_data = 0;
    p->provider_other = 0;
}

static void collect(format_parser *p, const char *s)
{
    if (p->collecting == F_NONE || !s)
        return;
    field *f = &p->fields[p->collecting];
    size_t n = strlen(s);
    if (f->text.len + n > LINEAGE_MAX_XML_FIELD) {
        n = LINEAGE_MAX_XML_FIELD - f->text.len;
        f->cut = 1;
    }
    strbuf_add(&f->text, s, n);
}

static const char *field_text(const format_parser *p, field_id id, size_t *len)
{
    const field *f = &p->fields[id];
    const char *s = f->text.data ? f->text.data : "";
    *len = f->text.len;
    scan_trim(&s, len);
    return s;
}

static int field_number(const format_parser *p, field_id id, uint64_t *out)
{
    size_t len, i = 0;
    const char *s = field_text(p, id, &len);
    return p->fields[id].present && scan_dec(s, len, &i, out) == SCAN_OK && i == len;
}

/* The arena copy of a field, or NULL when it is absent or empty. */
static const char *field_copy(format_parser *p, field_id id)
{
    size_t len;
    const char *s = field_text(p, id, &len);
    return p->fields[id].present && len ? arena_strndup(p->dump->mem, s, len) : NULL;
}

/* The same, but as written, blanks at either end kept: the image paths,
 * whose file name is the process's name, and a name " lsass.exe " must
 * not pass for lsass.exe. NULL when the field is absent or has nothing
 * but blanks. */
static const char *field_copy_as_written(format_parser *p, field_id id)
{
    size_t len;
    field_text(p, id, &len);
    const field *f = &p->fields[id];
    return f->present && len ? arena_strndup(p->dump->mem, f->text.data, f->text.len) : NULL;
}

static void add_process(format_parser *p)
{
    uint64_t pid, ppid;
    unsigned long line = p->event_line;
    if (!field_number(p, F_PROCESS_ID, &pid)) {
        diag(p, LINEAGE_WARNING, line, 0, "%s", "process creation event without a decimal "
                                                "ProcessId; ignored");
        return;
    }
    if (!field_number(p, F_PARENT_PROCESS_ID, &ppid)) {
        diag(p, LINEAGE_WARNING, line, 0, "%s", "process creation event without a decimal "
                                                "ParentProcessId; ignored");
        return;
    }
    lineage_process *proc = dump_add_process(p->dump, line);
    if (!proc) {
        diag(p, LINEAGE_WARNING, line, 0, "%s", "too many processes in one dump; event ignored");
        return;
    }
    proc->pid = pid;
    proc->ppid = ppid;
    proc->image_path = field_copy_as_written(p, F_IMAGE);
    proc->command_line = field_copy(p, F_COMMAND_LINE);
    proc->user = field_copy(p, F_USER);
    proc->integrity = field_copy(p, F_INTEGRITY);
    proc->process_guid = field_copy(p, F_PROCESS_GUID);
    for (int i = 0; i < F_COUNT; i++)
        if (p->fields[i].cut && data_names[i])
            diag(p, LINEAGE_WARNING, line, 0, "%s longer than the field limit; cut",
                 data_names[i]);

    /* The name is the file name of the image path. */
    const char *image = proc->image_path ? proc->image_path : "";
    const char *base = strrchr(image, '\\');
    base = base ? base + 1 : image;
    size_t len = strlen(base);
    if (len > LINEAGE_MAX_NAME_LENGTH)
        len = LINEAGE_MAX_NAME_LENGTH;
    proc->name = lineage_session_intern(p->session, base, len);
    if (!proc->image_path)
        diag(p, LINEAGE_WARNING, line, 0, "%s", "process creation event without an Image");

    /* TerminalSessionId is the session the process runs in (decimal). */
    uint64_t session;
    if (field_number(p, F_TERMINAL_SESSION, &session) && session <= INT32_MAX)
        proc->session = (int64_t)session;
    else if (p->fields[F_TERMINAL_SESSION].present)
        diag(p, LINEAGE_WARNING, line, 0, "%s", "TerminalSessionId is not a decimal session "
                                                "number; session left unknown");

    size_t tlen;
    const char *t = field_text(p, F_UTC_TIME, &tlen);
    if (p->fields[F_UTC_TIME].present && !timestamp_parse(t, tlen, &proc->create_time)) {
        proc->create_time = LINEAGE_UNKNOWN;
        diag(p, LINEAGE_WARNING, line, 0, "%s", "UtcTime is not a timestamp like "
                                                "2024-03-05 08:01:12.345; ignored");
    }

    p->parent_images = xgrow(p->parent_images, &p->parent_images_cap, proc->index + 1,
                             sizeof *p->parent_images);
    p->parent_images[proc->index] = field_copy_as_written(p, F_PARENT_IMAGE);
}

static void event_end(format_parser *p)
{
    size_t len;
    const char *id = field_text(p, F_EVENT_ID, &len);
    p->in_event = 0;
    if (p->provider_other || len != 1 || id[0] != '1') {
        p->other_events++;
        return;
    }
    add_process(p);
}

static field_id data_field(const xmlChar *name)
{
    if (!name)
        return F_NONE;
    for (int i = 0; i < F_COUNT; i++)
        if (data_names[i] && strcmp(data_names[i], (const char *)name) == 0)
            return (field_id)i;
    return F_NONE;
}

static void element_start(format_parser *p, xmlTextReaderPtr r)
{
    const char *ns = (const char *)xmlTextReaderConstNamespaceUri(r);
    const char *name = (const char *)xmlTextReaderConstLocalName(r);
    int empty = xmlTextReaderIsEmptyElement(r) == 1;
    if (!ns || !name || strcmp(ns, EVENT_NS) != 0)
        return;
    if (strcmp(name, "Event") == 0) {
        if (p->in_event)
            return; /* nested events are not Sysmon's; the outer one counts */
        event_reset(p);
        p->in_event = 1;
        p->saw_log = 1; /* even when "<Event" straddled two pieces */
        xmlNodePtr node = xmlTextReaderCurrentNode(r);
        p->event_line = node ? (unsigned long)xmlGetLineNo(node) : 0;
        if (empty)
            event_end(p);
        return;
    }
    if (!p->in_event)
        return;
    if (strcmp(name, "System") == 0) {
        p->in_system = !empty;
    } else if (strcmp(name, "EventData") == 0) {
        p->in_event_data = !empty;
    } else if (p->in_system && strcmp(name, "Provider") == 0) {
        xmlChar *provider = xmlTextReaderGetAttribute(r, (const xmlChar *)"Name");
        if (provider && strcmp((const char *)provider, SYSMON_PROVIDER) != 0)
            p->provider_other = 1;
        xmlFree(provider);
    } else if (p->in_system && strcmp(name, "EventID") == 0) {
        p->fields[F_EVENT_ID].present = 1;
        p->collecting = empty ? F_NONE : F_EVENT_ID;
    } else if (p->in_event_data && strcmp(name, "Data") == 0) {
        xmlChar *attr = xmlTextReaderGetAttribute(r, (const xmlChar *)"Name");
        field_id id = data_field(attr);
        xmlFree(attr);
        if (id != F_NONE) {
            /* A repeated Data element replaces the earlier value. */
            p->fields[id].present = 1;
            p->fields[id].text.len = 0;
            p->fields[id].cut = 0;
        }
        p->collecting = empty ? F_NONE : id;
    }
}

static void element_end(format_parser *p, xmlTextReaderPtr r)
{
    const char *ns = (const char *)xmlTextReaderConstNamespaceUri(r);
    const char *name = (const char *)xmlTextReaderConstLocalName(r);
    if (!ns || !name || strcmp(ns, EVENT_NS) != 0 || !p->in_event)
        return;
    if (strcmp(name, "Event") == 0)
        event_end(p);
    else if (strcmp(name, "System") == 0)
        p->in_system = 0;
    else if (strcmp(name, "EventData") == 0)
        p->in_event_data = 0;
    else if (strcmp(name, "EventID") == 0 || strcmp(name, "Data") == 0)
        p->collecting = F_NONE;
}

/* ---- after the log: what the tree could not show ------------------------ */

static int same_image(const char *a, const char *b)
{
    size_t n = strlen(a);
    if (n != strlen(b))
        return 0;
    for (size_t i = 0; i < n; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return 1;
}

static void report_parent_images(format_parser *p)
{
    lineage_dump *d = p->dump;
    char pid[24];
    /* Absent parents: the image the first child's event named. */
    for (const lineage_node *n = d->root.first_child; n; n = n->next) {
        if (n->kind != LINEAGE_NODE_ABSENT)
            continue;
        for (const lineage_node *c = n->first_child; c; c = c->next) {
            const char *image = p->parent_images[c->process->index];
            if (!image)
                continue;
            snprintf(pid, sizeof pid, "%llu", (unsigned long long)n->absent_pid);
            lineage_diag_add(d->diags, LINEAGE_NOTE, d->source, c->process->line, 0, NULL, 0,
                             "parent PID %s was not created during the log; its image was %s",
                             pid, image);
            break;
        }
    }
    /* Linked parents whose image is not the one the child's event named. */
    for (size_t i = 0; i < d->nprocs; i++) {
        const lineage_process *c = d->procs[i];
        const char *want = p->parent_images[i];
        if (c->link != LINEAGE_LINK_PARENT || !want || !c->parent->image_path ||
            same_image(want, c->parent->image_path))
            continue;
        snprintf(pid, sizeof pid, "%llu", (unsigned long long)c->pid);
        lineage_diag_add(d->diags, LINEAGE_WARNING, d->source, c->line, 0, NULL, 0,
                         "ParentImage of process %s is %s, but the process linked as its "
                         "parent was created from %s (PID reuse?)",
                         pid, want, c->parent->image_path);
    }
}

static lineage_status sysmon_next(format_parser *p, lineage_dump **out)
{
    *out = NULL;
    if (p->handed_out)
        return LINEAGE_OK;
    p->handed_out = 1;
    p->dump->first_line = 1;

    xmlTextReaderPtr r = xmlReaderForIO(xml_read, xml_close, p, NULL, "UTF-8",
                                        XML_PARSE_NONET | XML_PARSE_NOCDATA);
    if (!r) {
        diag(p, LINEAGE_ERROR, 0, 0, "%s", "cannot start the XML reader");
        dump_finish(p->dump);
        *out = p->dump;
        p->dump = NULL;
        return LINEAGE_E_INTERNAL;
    }
    xmlTextReaderSetStructuredErrorHandler(r, xml_error, p);
    int ret;
    while ((ret = xmlTextReaderRead(r)) == 1) {
        switch (xmlTextReaderNodeType(r)) {
        case XML_READER_TYPE_ELEMENT:
            element_start(p, r);
            break;
        case XML_READER_TYPE_END_ELEMENT:
            element_end(p, r);
            break;
        case XML_READER_TYPE_TEXT:
        case XML_READER_TYPE_CDATA:
        case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
        case XML_READER_TYPE_WHITESPACE:
            collect(p, (const char *)xmlTextReaderConstValue(r));
            break;
        default:
            break;
        }
    }
    if (ret < 0 && !p->xml_errors)
        diag(p, LINEAGE_ERROR, p->dump->last_line, 0, "%s", "malformed XML");
    xmlFreeTextReader(r);

    lineage_dump *d = p->dump;
    p->dump = NULL;
    if (!p->saw_log && p->stage >= FEED_CLOSE) {
        /* Read to the end and not an event log (prose read with
         * --input-format sysmon, say): no dump, as for the other formats;
         * what the XML parser said stays with the reader. A document
         * whose error stopped the parser early stays an error-carrying
         * dump. */
        lineage_diag_list_take(p->reader_diags, d->diags);
        lineage_dump_free(d);
        return p->io_error ? LINEAGE_E_IO : LINEAGE_OK;
    }
    if (p->other_events) {
        char count[24];
        snprintf(count, sizeof count, "%lu", p->other_events);
        lineage_diag_add(d->diags, LINEAGE_NOTE, d->source, 0, 0, NULL, 0,
                         "%s event(s) other than Sysmon process creation (Event ID 1) ignored",
                         count);
    }
    if (!d->nprocs && !p->xml_errors)
        lineage_diag_add(d->diags, LINEAGE_WARNING, d->source, 0, 0, NULL, 0, "%s",
                         "no Sysmon process creation event (Event ID 1) in the log");
    dump_finish(d);
    p->dump = d;
    report_parent_images(p);
    p->dump = NULL;
    *out = d;
    return p->io_error ? LINEAGE_E_IO : LINEAGE_OK;
}

/* An <Event> or <Events> element in the Windows event namespace near the
 * top. */
static int sysmon_sniff(const char *head, size_t len)
{
    size_t i = 0;
    while (i < len && (scan_is_space(head[i]) || head[i] == '\n'))
        i++;
    if (i >= len || head[i] != '<')
        return 0;
    if (!scan_contains(head, len, "<Event") || !scan_contains(head, len, EVENT_NS))
        return 0;
    return 100;
}

/* libxml2 2.9 asks for xmlInitParser once before threads use it, and -j
 * workers may open their first Sysmon files at the same moment. */
static pthread_once_t xml_ready = PTHREAD_ONCE_INIT;

static void init_xml(void)
{
    xmlInitParser();
}

static format_parser *sysmon_open(lineage_session *session, source *src, lineage_diag_list *diags)
{
    format_parser *p = xcalloc(1, sizeof *p);
    p->session = session;
    p->src = src;
    p->reader_diags = diags;
    p->dump = dump_new(session, source_name(src), 1, "sysmon", 10);
    p->collecting = F_NONE;
    pthread_once(&xml_ready, init_xml);
    return p;
}

static unsigned long sysmon_prose_lines(const format_parser *p)
{
    (void)p;
    return 0;
}

static void sysmon_close(format_parser *p)
{
    if (!p)
        return;
    lineage_dump_free(p->dump);
    for (int i = 0; i < F_COUNT; i++)
        strbuf_release(&p->fields[i].text);
    strbuf_release(&p->pending);
    strbuf_release(&p->last_text);
    free(p->parent_images);
    free(p);
}

const input_format format_sysmon = {
    "sysmon",
    "Sysmon process creation events (Event ID 1) exported as XML (wevtutil /f:xml, <Events>)",
    sysmon_sniff,
    sysmon_open,
    sysmon_next,
    sysmon_prose_lines,
    sysmon_close,
    NULL, /* never read in pieces */
};
