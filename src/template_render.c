/* The template renderer: walks a compiled template's node arrays with an
 * explicit stack of partial calls, open sections and contexts, so the C
 * stack stays flat whatever the template or data. Partial nesting is
 * bounded by LINEAGE_TEMPLATE_MAX_PARTIAL_DEPTH (a template including
 * itself stops there with a diagnostic), section nesting by the compiler's
 * LINEAGE_TEMPLATE_MAX_NESTING per unit, and output by
 * LINEAGE_TEMPLATE_MAX_OUTPUT. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "limits.h"
#include "md_escape.h"
#include "strbuf.h"
#include "template_model.h"
#include "tvalue.h"

typedef struct call {
    size_t unit;
    size_t ip; /* next node to run */
    const char *indent;
    size_t indent_len;
} call;

typedef enum sect_kind { SECT_LIST, SECT_VALUE, SECT_INVERTED } sect_kind;

typedef struct sect {
    sect_kind kind;
    const tvalue_cell *cell; /* SECT_LIST: the item being rendered */
} sect;

typedef struct renderer {
    const lineage_template *tpl;
    lineage_diag_list *diags;
    unsigned flags;
    strbuf out;
    strbuf scratch;
    bool at_line_start;
    bool indenting; /* some call on the stack has an indent */
    call *calls;
    size_t call_count, call_cap;
    sect *sects;
    size_t sect_count, sect_cap;
    const lineage_tvalue **ctx;
    size_t ctx_count, ctx_cap;
    lineage_status status;
} renderer;

static void fail(renderer *r, lineage_status status, const tunit *u, const tnode *n,
                 const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static void fail(renderer *r, lineage_status status, const tunit *u, const tnode *n,
                 const char *fmt, ...)
{
    strbuf msg = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(&msg, fmt, ap);
    va_end(ap);
    size_t line_len = 0;
    const char *line = n->line ? tunit_line_at(u, n->s, &line_len) : NULL;
    lineage_diag_add(r->diags, LINEAGE_ERROR, u->source, n->line, n->column, line, line_len, "%s",
                     msg.data ? msg.data : "");
    strbuf_release(&msg);
    r->status = status;
}

/* Room for n more bytes of output, or a diagnostic at node `n`. */
static bool room(renderer *r, size_t len, const tunit *u, const tnode *n)
{
    if (len <= LINEAGE_TEMPLATE_MAX_OUTPUT && r->out.len <= LINEAGE_TEMPLATE_MAX_OUTPUT - len)
        return true;
    fail(r, LINEAGE_E_LIMIT, u, n, "output larger than %lu bytes",
         (unsigned long)LINEAGE_TEMPLATE_MAX_OUTPUT);
    return false;
}

static size_t indent_width(const renderer *r)
{
    size_t w = 0;
    for (size_t i = 0; i < r->call_count; i++)
        w += r->calls[i].indent_len;
    return w;
}

static bool put_indent(renderer *r, const tunit *u, const tnode *n)
{
    if (!room(r, indent_width(r), u, n))
        return false;
    for (size_t i = 0; i < r->call_count; i++)
        strbuf_add(&r->out, r->calls[i].indent, r->calls[i].indent_len);
    return true;
}

/* Template text: lines of a partial included by a standalone tag get
 * that tag's indentation (empty lines stay empty). */
static void emit_text(renderer *r, const char *s, size_t len, const tunit *u, const tnode *n)
{
    size_t i = 0;
    while (i < len && r->status == LINEAGE_OK) {
        const char *nl = memchr(s + i, '\n', len - i);
        size_t chunk = nl ? (size_t)(nl - (s + i)) + 1 : len - i;
        if (r->indenting && r->at_line_start && s[i] != '\n' && !put_indent(r, u, n))
            return;
        if (!room(r, chunk, u, n))
            return;
        strbuf_add(&r->out, s + i, chunk);
        r->at_line_start = nl != NULL;
        i += chunk;
    }
}

/* A value's text (escaped or raw). Newlines inside it are not indented. */
static void emit_value(renderer *r, const char *s, size_t len, const tunit *u, const tnode *n)
{
    if (len == 0)
        return;
    if (r->indenting && r->at_line_start && !put_indent(r, u, n))
        return;
    if (!room(r, len, u, n))
        return;
    strbuf_add(&r->out, s, len);
    r->at_line_start = false;
}

static const lineage_tvalue *lookup(const renderer *r, const char *name, size_t len)
{
    if (len == 1 && name[0] == '.')
        return r->ctx[r->ctx_count - 1];
    const char *dot = memchr(name, '.', len);
    size_t seg = dot ? (size_t)(dot - name) : len;
    const lineage_tvalue *v = NULL;
    for (size_t k = r->ctx_count; k-- > 0 && !v;)
        v = tvalue_map_get(r->ctx[k], name, seg);
    /* Later segments look only inside what the first one found. */
    while (v && seg < len) {
        name += seg + 1;
        len -= seg + 1;
        dot = memchr(name, '.', len);
        seg = dot ? (size_t)(dot - name) : len;
        v = tvalue_map_get(v, name, seg);
    }
    return v;
}

static void push_ctx(renderer *r, const lineage_tvalue *v)
{
    r->ctx = xgrow(r->ctx, &r->ctx_cap, r->ctx_count + 1, sizeof *r->ctx);
    r->ctx[r->ctx_count++] = v;
}

static void push_sect(renderer *r, sect_kind kind, const tvalue_cell *cell)
{
    r->sects = xgrow(r->sects, &r->sect_cap, r->sect_count + 1, sizeof *r->sects);
    r->sects[r->sect_count].kind = kind;
    r->sects[r->sect_count].cell = cell;
    r->sect_count++;
}

static void interpolate(renderer *r, const tunit *u, const tnode *n)
{
    const lineage_tvalue *v = lookup(r, n->s, n->len);
    if (!v) {
        if (r->flags & LINEAGE_TEMPLATE_STRICT)
            fail(r, LINEAGE_E_TEMPLATE, u, n, "'%.*s' is not defined", (int)n->len, n->s);
        return;
    }
    char num[32];
    const char *s = NULL;
    size_t len = 0;
    switch (tvalue_get_kind(v)) {
    case TV_STRING:
        s = tvalue_get_string(v, &len);
        break;
    case TV_NUMBER:
        len = (size_t)snprintf(num, sizeof num, "%" PRId64, tvalue_get_number(v));
        s = num;
        break;
    case TV_BOOL:
        s = tvalue_get_bool(v) ? "true" : "false";
        len = strlen(s);
        break;
    case TV_LIST:
    case TV_MAP:
        fail(r, LINEAGE_E_TEMPLATE, u, n, "'%.*s' is a %s: use it as a section, {{#%.*s}}",
             (int)n->len, n->s, tvalue_get_kind(v) == TV_LIST ? "list" : "map", (int)n->len,
             n->s);
        return;
    }
    if (n->kind == TN_RAW) {
        emit_value(r, s, len, u, n);
        return;
    }
    r->scratch.len = 0;
    md_escape_inline(&r->scratch, s, len);
    emit_value(r, r->scratch.data, r->scratch.len, u, n);
}

/* Runs one node of the innermost call. */
static void step(renderer *r)
{
    call *c = &r->calls[r->call_count - 1];
    const tunit *u = &r->tpl->units[c->unit];
    if (c->ip >= u->count) {
        r->call_count--;
        r->indenting = indent_width(r) > 0;
        return;
    }
    const tnode *n = &u->nodes[c->ip];
    switch (n->kind) {
    case TN_TEXT:
        emit_text(r, n->s, n->len, u, n);
        c->ip++;
        break;
    case TN_VAR:
    case TN_RAW:
        interpolate(r, u, n);
        c->ip++;
        break;
    case TN_SECTION: {
        const lineage_tvalue *v = lookup(r, n->s, n->len);
        if (v && tvalue_get_kind(v) == TV_LIST) {
            const tvalue_cell *first = tvalue_list_first(v);
            if (!first) {
                c->ip = n->link + 1;
                break;
            }
            push_sect(r, SECT_LIST, first);
            push_ctx(r, tvalue_cell_value(first));
        } else if (tvalue_truthy(v)) {
            push_sect(r, SECT_VALUE, NULL);
            push_ctx(r, v);
        } else {
            c->ip = n->link + 1;
            break;
        }
        c->ip++;
        break;
    }
    case TN_INVERTED:
        if (tvalue_truthy(lookup(r, n->s, n->len))) {
            c->ip = n->link + 1;
            break;
        }
        push_sect(r, SECT_INVERTED, NULL);
        c->ip++;
        break;
    case TN_END: {
        sect *s = &r->sects[r->sect_count - 1];
        if (s->kind == SECT_INVERTED) {
            r->sect_count--;
            c->ip++;
            break;
        }
        r->ctx_count--;
        if (s->kind == SECT_LIST && (s->cell = tvalue_cell_next(s->cell)) != NULL) {
            push_ctx(r, tvalue_cell_value(s->cell));
            c->ip = n->link + 1;
            break;
        }
        r->sect_count--;
        c->ip++;
        break;
    }
    case TN_PARTIAL:
        if (r->call_count > LINEAGE_TEMPLATE_MAX_PARTIAL_DEPTH) {
            fail(r, LINEAGE_E_LIMIT, u, n,
                 "partials nested deeper than %u (does '%.*s' include itself?)",
                 (unsigned)LINEAGE_TEMPLATE_MAX_PARTIAL_DEPTH, (int)n->len, n->s);
            break;
        }
        c->ip++;
        r->calls = xgrow(r->calls, &r->call_cap, r->call_count + 1, sizeof *r->calls);
        r->calls[r->call_count].unit = n->link;
        r->calls[r->call_count].ip = 0;
        r->calls[r->call_count].indent = n->indent;
        r->calls[r->call_count].indent_len = n->indent_len;
        r->call_count++;
        r->indenting = r->indenting || n->indent_len > 0;
        break;
    }
}

lineage_status lineage_template_render(const lineage_template *tpl, const lineage_tvalue *data,
                                       unsigned flags, lineage_diag_list *diags, char **out,
                                       size_t *out_len)
{
    if (out)
        *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!tpl || !diags || !out)
        return LINEAGE_E_ARG;
    renderer r = {0};
    r.tpl = tpl;
    r.diags = diags;
    r.flags = flags;
    r.at_line_start = true;
    r.status = LINEAGE_OK;
    push_ctx(&r, data);
    r.calls = xgrow(NULL, &r.call_cap, 1, sizeof *r.calls);
    r.calls[0] = (call){0, 0, NULL, 0};
    r.call_count = 1;
    while (r.call_count > 0 && r.status == LINEAGE_OK)
        step(&r);
    lineage_status status = r.status;
    if (status == LINEAGE_OK) {
        if (out_len)
            *out_len = r.out.len;
        *out = strbuf_detach(&r.out);
    }
    strbuf_release(&r.out);
    strbuf_release(&r.scratch);
    free(r.calls);
    free(r.sects);
    free(r.ctx);
    return status;
}
