/* The compiled form of a template, shared by the compiler
 * (template_parse.c) and the renderer (template_render.c).
 *
 * A template is a list of units: the main text (unit 0) and each partial
 * it reaches, loaded once by name. A unit is a flat array of nodes; a
 * section's opening node records the index of its closing node and the
 * closing node the index of its opening one, so rendering is a loop over
 * the array with an explicit stack, never recursion. Node slices point
 * into the unit's own copy of its text. */
#ifndef LINEAGE_TEMPLATE_MODEL_H
#define LINEAGE_TEMPLATE_MODEL_H

#include <stddef.h>

#include <lineage/template.h>

typedef enum tnode_kind {
    TN_TEXT,     /* literal text */
    TN_VAR,      /* {{name}}: escaped for Markdown */
    TN_RAW,      /* {{{name}}} or {{& name}}: as is */
    TN_SECTION,  /* {{#name}} */
    TN_INVERTED, /* {{^name}} */
    TN_END,      /* {{/name}} */
    TN_PARTIAL   /* {{> name}} */
} tnode_kind;

typedef struct tnode {
    tnode_kind kind;
    const char *s; /* the text, or the tag's name */
    size_t len;
    /* TN_SECTION / TN_INVERTED: index of the TN_END; TN_END: index of the
     * opening node; TN_PARTIAL: index of the unit it includes. */
    size_t link;
    /* TN_PARTIAL: whitespace before a standalone partial tag, put before
     * every line the partial renders. */
    const char *indent;
    size_t indent_len;
    unsigned long line; /* where the tag or text starts (1-based) */
    unsigned column;    /* byte column, 1-based */
} tnode;

typedef struct tunit {
    char *name;   /* partial name ("" for the main text) */
    char *source; /* name in diagnostics */
    char *text;   /* owned copy of the template text */
    size_t text_len;
    tnode *nodes;
    size_t count, cap;
    int loaded; /* the text was loaded and compiled */
    /* The first {{> name}} naming this partial (unit and node index),
     * where a failure to load it is reported. */
    size_t ref_unit, ref_node;
} tunit;

struct lineage_template {
    tunit *units;
    size_t count, cap;
};

/* The line of `unit`'s text containing byte offset `at` (for a diagnostic
 * excerpt); *len receives its length without the newline. */
const char *tunit_line_at(const tunit *unit, const char *at, size_t *len);

#endif
