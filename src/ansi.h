/* Terminal colours for the text renderers (LINEAGE_RENDER_COLOR). Colour
 * codes are only ever placed around text the renderer chose (a level
 * word, a mark, an already escaped name): input bytes are escaped first,
 * so an escape sequence in a listing can never reach the terminal. */
#ifndef LINEAGE_ANSI_H
#define LINEAGE_ANSI_H

#include <lineage/level.h>

#include "strbuf.h"

#define ANSI_RESET "\x1b[0m"
#define ANSI_BOLD_RED "\x1b[1;31m"
#define ANSI_RED "\x1b[31m"
#define ANSI_YELLOW "\x1b[33m"
#define ANSI_CYAN "\x1b[36m"
#define ANSI_DIM "\x1b[2m"

/* The colour of a severity level: critical bold red, high red, medium
 * yellow, low cyan, info dim. */
static inline const char *ansi_level(lineage_level level)
{
    switch (level) {
    case LINEAGE_LEVEL_CRITICAL:
        return ANSI_BOLD_RED;
    case LINEAGE_LEVEL_HIGH:
        return ANSI_RED;
    case LINEAGE_LEVEL_MEDIUM:
        return ANSI_YELLOW;
    case LINEAGE_LEVEL_LOW:
        return ANSI_CYAN;
    default:
        return ANSI_DIM;
    }
}

/* Starts `sgr` when colour is on; returns whether a reset is owed. */
static inline int ansi_start(strbuf *sb, int color, const char *sgr)
{
    if (!color || !sgr)
        return 0;
    strbuf_puts(sb, sgr);
    return 1;
}

static inline void ansi_end(strbuf *sb, int owed)
{
    if (owed)
        strbuf_puts(sb, ANSI_RESET);
}

#endif
