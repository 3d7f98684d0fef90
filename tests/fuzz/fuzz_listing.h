/* The body shared by every listing-format fuzz harness: read the input as
 * one format (or detect it), and push each dump through everything that
 * consumes it, checking the invariants a hostile input must not break:
 *
 *  - the tree passes lineage_dump_check_tree after every parse;
 *  - the text tree, the dump summary and every formatted diagnostic hold
 *    no control byte other than the newline, no C1 control and no
 *    bidirectional override (input never reaches the terminal
 *    unescaped), and only valid UTF-8.
 *
 * A broken invariant calls abort(), which libFuzzer (and the replay main)
 * report as a crash with the input that caused it. */
#ifndef LINEAGE_FUZZ_LISTING_H
#define LINEAGE_FUZZ_LISTING_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <lineage/lineage.h>

/* Valid UTF-8 with no C0 control except '\n', no DEL, no C1 control. */
static inline int fuzz_text_is_safe(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    while (*s) {
        unsigned char c = *s;
        if (c < 0x80) {
            if ((c < 0x20 && c != '\n') || c == 0x7f)
                return 0;
            s++;
            continue;
        }
        size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
        if (n == 0 || c > 0xf4)
            return 0;
        for (size_t k = 1; k < n; k++)
            if ((s[k] & 0xc0) != 0x80)
                return 0;
        uint32_t cp = n == 2 ? (uint32_t)(c & 0x1f) << 6 | (s[1] & 0x3f)
                    : n == 3 ? (uint32_t)(c & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 |
                                   (s[2] & 0x3f)
                             : (uint32_t)(c & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) << 12 |
                                   (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
        if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f) ||
            (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
            return 0;
        s += n;
    }
    return 1;
}

static inline void fuzz_check_text(char *text, const char *what)
{
    if (!fuzz_text_is_safe(text)) {
        fprintf(stderr, "fuzz: unsafe byte in %s:\n%s\n", what, text);
        abort();
    }
    free(text);
}

static inline void fuzz_check_diags(const lineage_diag_list *diags)
{
    for (size_t i = 0; i < lineage_diag_list_count(diags); i++)
        fuzz_check_text(lineage_diag_format(lineage_diag_list_get(diags, i)), "a diagnostic");
}

/* Reads `data` as `format` (NULL: detect) and checks every dump. */
static inline int fuzz_listing(const uint8_t *data, size_t size, const char *format)
{
    lineage_session *session = lineage_session_new();
    lineage_reader *reader = NULL;
    lineage_status st = lineage_reader_open_memory(session, "fuzz", (const char *)data, size,
                                                   format, &reader);
    if (st == LINEAGE_OK) {
        lineage_dump *dump;
        while (lineage_reader_next(reader, &dump) == LINEAGE_OK && dump) {
            if (!lineage_dump_check_tree(dump)) {
                fprintf(stderr, "fuzz: tree integrity check failed\n");
                abort();
            }
            fuzz_check_text(lineage_render_tree_text(dump, 0), "the text tree");
            fuzz_check_text(lineage_render_tree_text(dump, LINEAGE_RENDER_ASCII),
                            "the ASCII text tree");
            fuzz_check_text(lineage_dump_describe(dump), "the dump summary");
            fuzz_check_diags(lineage_dump_get_diags(dump));
            lineage_dump_free(dump);
        }
    }
    if (reader)
        fuzz_check_diags(lineage_reader_get_diags(reader));
    lineage_reader_free(reader);
    lineage_session_free(session);
    return 0;
}

#endif
