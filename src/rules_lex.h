/* Tokens of the rule language. The lexer turns a whole rule file into an
 * array of tokens (strings decoded, patterns unescaped) so the parser can
 * look ahead freely; errors go to the diagnostics and lexing goes on. */
#ifndef LINEAGE_RULES_LEX_H
#define LINEAGE_RULES_LEX_H

#include <stddef.h>
#include <stdint.h>
#include <lineage/diag.h>

#include "arena.h"

typedef enum tok_kind {
    TOK_EOF = 0,
    TOK_WORD,    /* [A-Za-z0-9_.:-]+ that is not a number */
    TOK_NUMBER,  /* decimal or 0x hex; text kept too */
    TOK_STRING,  /* "...", value decoded */
    TOK_PATTERN, /* /.../ with \/ turned into /, value is the PCRE2 source */
    TOK_LBRACE,
    TOK_RBRACE,
    TOK_DOTDOT,
    TOK_GE
} tok_kind;

typedef struct token {
    tok_kind kind;
    const char *text; /* borrowed slice of the source */
    size_t len;
    unsigned long line;
    unsigned col;
    uint64_t number;   /* TOK_NUMBER */
    const char *value; /* TOK_STRING / TOK_PATTERN: decoded, in the arena */
    size_t value_len;
    int case_sensitive; /* TOK_PATTERN with the `c` flag */
} token;

/* The text of line `line` (1-based) of src, for diagnostics. */
void rules_line_text(const char *src, size_t len, unsigned long line, const char **out,
                     size_t *out_len);

/* Tokenizes src; the array (ending with TOK_EOF) and decoded values live
 * in `mem`. Returns the number of errors added to diags. */
size_t rules_lex(arena *mem, const char *name, const char *src, size_t len,
                 lineage_diag_list *diags, token **out, size_t *count);

#endif
