/* Escaping untrusted text (process names, paths, OS strings read from a
 * dump) for the three places a Markdown report puts it: inline text,
 * the inside of a fenced code block, and a Mermaid node label. In each
 * the goal is the same: the text shows literally once the Markdown is
 * rendered, whatever bytes it holds. Common to all three: invalid UTF-8
 * becomes U+FFFD, and control characters (C0, DEL, and the C1,
 * bidirectional and invisible format characters of utf8_invisible) are
 * shown as \xNN or \uNNNN, as in terminal output. */
#ifndef LINEAGE_MD_ESCAPE_H
#define LINEAGE_MD_ESCAPE_H

#include <stddef.h>

#include "strbuf.h"

/* Appends `s` escaped for inline GitHub-flavoured Markdown, in a
 * paragraph, heading, list item or table cell: Markdown punctuation is
 * backslash-escaped so no emphasis, link, code span, HTML, entity,
 * autolink (URL or www.), math or table cell boundary starts; characters
 * that only matter at the start of a line (#, >, -, +, =, "1.") are
 * escaped when the value starts with them, and a final # (which could
 * close a heading); leading and trailing spaces become &#32; so they
 * cannot indent a code block or end in a hard line break. */
void md_escape_inline(strbuf *out, const char *s, size_t len);

/* The number of backticks a fence around `s` needs: one more than the
 * longest run of backticks in it, at least 3. */
size_t md_fence_length(const char *s, size_t len);

/* Appends a whole fenced code block holding `s` literally: the opening
 * fence with `info` (e.g. "text" or "mermaid"; left out when NULL or when
 * it holds a backtick or a control character), the content ending in a
 * newline, the closing fence and a newline. */
void md_fenced_block(strbuf *out, const char *info, const char *s, size_t len);

/* Appends `s` as a quoted Mermaid label ("..."), with ", #, &, <, > and
 * backticks written as Mermaid entity codes (#quot;, #35;, #amp;, #lt;,
 * #gt;, #96;), so the label can neither end early, nor carry HTML or
 * Markdown into the diagram. */
void md_mermaid_label(strbuf *out, const char *s, size_t len);

#endif
