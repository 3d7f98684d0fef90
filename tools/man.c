/* lineage-man: renders a man page written in Markdown (the docs folder) to roff
 * with cmark-gfm's man renderer, preceded by the .TH header cmark does not
 * write. Run at build time; not installed.
 *
 * usage: lineage-man INPUT.md OUTPUT NAME SECTION VERSION
 *
 * The date in the header comes from SOURCE_DATE_EPOCH when it is set, so
 * builds are reproducible; otherwise the header carries no date. */
#define _POSIX_C_SOURCE 200809L
#include <cmark-gfm.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    if (ferror(f)) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* "Month Day, Year" in UTC from SOURCE_DATE_EPOCH, or "" without it. */
static void header_date(char *out, size_t size)
{
    static const char *const months[] = {"January", "February", "March",     "April",
                                         "May",     "June",     "July",      "August",
                                         "September", "October", "November", "December"};
    out[0] = '\0';
    const char *env = getenv("SOURCE_DATE_EPOCH");
    if (!env || !*env)
        return;
    char *end = NULL;
    long long secs = strtoll(env, &end, 10);
    if (*end != '\0' || secs < 0)
        return;
    time_t t = (time_t)secs;
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return;
    snprintf(out, size, "%s %d, %d", months[tm.tm_mon], tm.tm_mday, tm.tm_year + 1900);
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fputs("usage: lineage-man INPUT.md OUTPUT NAME SECTION VERSION\n", stderr);
        return 2;
    }
    size_t len;
    char *md = read_all(argv[1], &len);
    if (!md) {
        fprintf(stderr, "lineage-man: cannot read %s\n", argv[1]);
        return 1;
    }
    cmark_node *doc = cmark_parse_document(md, len, CMARK_OPT_DEFAULT);
    free(md);
    char *roff = doc ? cmark_render_man(doc, CMARK_OPT_DEFAULT, 0) : NULL;
    cmark_node_free(doc);
    if (!roff) {
        fprintf(stderr, "lineage-man: cannot render %s\n", argv[1]);
        return 1;
    }
    char title[64];
    size_t i = 0;
    for (const char *p = argv[3]; *p && i + 1 < sizeof title; p++)
        title[i++] = (char)toupper((unsigned char)*p);
    title[i] = '\0';
    char date[64];
    header_date(date, sizeof date);
    const char *manual = strcmp(argv[4], "5") == 0 ? "File Formats" : "User Commands";
    FILE *out = fopen(argv[2], "wb");
    if (!out) {
        fprintf(stderr, "lineage-man: cannot write %s\n", argv[2]);
        free(roff);
        return 1;
    }
    fprintf(out, ".TH \"%s\" \"%s\" \"%s\" \"lineage %s\" \"%s\"\n", title, argv[4], date,
            argv[5], manual);
    /* "…" marks elided output in the examples; groff's ASCII device has no
     * glyph for it, so it is written as three dots. */
    for (const char *p = roff; *p;) {
        if (strncmp(p, "\xe2\x80\xa6", 3) == 0) {
            fputs("\\&...", out); /* \& keeps a leading dot from being a request */
            p += 3;
        } else {
            fputc(*p++, out);
        }
    }
    free(roff);
    if (fclose(out) != 0) {
        fprintf(stderr, "lineage-man: cannot write %s\n", argv[2]);
        return 1;
    }
    return 0;
}
