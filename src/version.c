/* The versions of lineage and of the libraries it runs against, for
 * `lineage --version` and bug reports. The dependency versions are asked
 * of the libraries at run time, so they name the shared objects actually
 * loaded rather than the headers lineage was compiled with. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <lineage/lineage.h>

#include <cmark-gfm.h>
#include <libxml/parser.h>
#include <libxml/xmlversion.h>
#include <pcre2.h>
#include <stdlib.h>

#include "strbuf.h"

/* libxml2 reports its version as the decimal string MMmmpp ("20914"). */
static void add_libxml2_version(strbuf *sb)
{
    const char *v = xmlParserVersion;
    char *end = NULL;
    long n = v ? strtol(v, &end, 10) : 0;
    if (!v || end == v || n <= 0) {
        strbuf_puts(sb, LIBXML_DOTTED_VERSION);
        return;
    }
    strbuf_printf(sb, "%ld.%ld.%ld", n / 10000, n / 100 % 100, n % 100);
}

char *lineage_dependency_versions(void)
{
    strbuf sb = STRBUF_INIT;
    char pcre[64];
    /* PCRE2_CONFIG_VERSION writes at most 24 code units, NUL included. */
    if (pcre2_config(PCRE2_CONFIG_VERSION, pcre) < 0)
        pcre[0] = '\0';
    strbuf_printf(&sb, "PCRE2 %s\n", pcre[0] ? pcre : "unknown");
    strbuf_puts(&sb, "libxml2 ");
    add_libxml2_version(&sb);
    strbuf_printf(&sb, "\ncmark-gfm %s\n", cmark_version_string());
    return strbuf_detach(&sb);
}
