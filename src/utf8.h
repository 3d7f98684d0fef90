/* Small UTF-8 helpers: validating one sequence and encoding a code point. */
#ifndef LINEAGE_UTF8_H
#define LINEAGE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length (2-4) of the valid multi-byte UTF-8 sequence starting at s, or 0
 * when the bytes there are not one (overlongs and surrogates are invalid). */
size_t utf8_valid_prefix(const char *s, size_t len);
/* The code point of the valid n-byte sequence at s (n from
 * utf8_valid_prefix) when it is a character that must not reach a reader
 * as itself because it is invisible or changes how the text around it is
 * shown: a C1 control (U+0080-U+009F; U+009B is CSI on some terminals),
 * a default-ignorable code point (Unicode's Default_Ignorable_Code_Point:
 * bidirectional marks, embeddings, overrides and isolates, zero-width and
 * other invisible format characters, fillers, variation selectors, tag
 * characters U+E0000-U+E0FFF), a line or paragraph separator (U+2028,
 * U+2029) or an interlinear annotation character (U+FFF9-U+FFFB); 0
 * otherwise. Every escaping of text for people (terminal, Markdown, HTML,
 * SARIF messages) shows these as \uNNNN (\UNNNNNNNN above U+FFFF); this
 * is the one list. */
uint32_t utf8_invisible(const char *s, size_t n);
/* Writes the UTF-8 form of code point cp (invalid ones become U+FFFD) to
 * out, which must hold 4 bytes; returns the byte count. */
size_t utf8_encode(uint32_t cp, char *out);

#endif
