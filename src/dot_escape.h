/* Escaping untrusted text (process names, file names) for a quoted DOT
 * string that Graphviz draws as a label.
 *
 * Two layers: the text is first made visible as in terminal output
 * (strbuf_add_escaped: control characters, backslashes, bidirectional
 * overrides and invalid UTF-8 become \xNN, \uNNNN, \\ ...), then made safe
 * for DOT and Graphviz: `"` ends the string, `\` starts a Graphviz escape
 * (\N, \G, \l, \n ...), and `&` starts an entity Graphviz would decode, so
 * they are written as \", \\ and &amp;. The label Graphviz draws is then
 * exactly the first layer's text. */
#ifndef LINEAGE_DOT_ESCAPE_H
#define LINEAGE_DOT_ESCAPE_H

#include <stddef.h>

#include "strbuf.h"

/* Appends the DOT form of `len` bytes of s, without the quotes. `scratch`
 * is a buffer the caller keeps between calls (its contents are replaced),
 * so escaping many labels allocates once. */
void dot_escape(strbuf *out, strbuf *scratch, const char *s, size_t len);

/* Appends already visible text (no control bytes expected, but any are
 * kept as \xNN) with only the DOT layer applied: `"`, `\` and `&`. */
void dot_escape_visible(strbuf *out, const char *s, size_t len);

#endif
