/* SVG pictures of a dump's tree, drawn by Graphviz from the DOT text.
 *
 * Built only with LINEAGE_HAVE_GRAPHVIZ (libgvc found at configure time);
 * otherwise every call says LINEAGE_E_ARG and callers fall back to the
 * text tree. Graphviz reports problems through a process-wide error
 * hook; the library must never print, so the hook is swapped for a silent
 * one during the call and restored afterwards.
 *
 * Graphviz keeps process-wide plugin state that outlives a context: after
 * the first gvFreeContext its pango plugin still reads a font name that
 * context owned, so a second picture reads freed memory. lineage therefore
 * keeps ONE context for the life of the process, created on first use and
 * used under a lock (Graphviz is not thread-safe either). Besides the
 * once-only libxml2 set-up (sysmon_parse.c), this is the library's only
 * process-wide state, forced by Graphviz; graph_cleanup()
 * (from lineage_report_global_cleanup, at exit) frees it, and pictures
 * asked for after that fail rather than make a second context. */
#include <lineage/graph.h>

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "limits.h"
#include "model.h"
#include "render_dot.h"
#include "strbuf.h"

#ifdef LINEAGE_HAVE_GRAPHVIZ
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <pthread.h>

static pthread_mutex_t gv_lock = PTHREAD_MUTEX_INITIALIZER;
static GVC_t *gv_context;
static int gv_cleaned_up; /* a second context would read freed memory */

void graph_cleanup(void)
{
    pthread_mutex_lock(&gv_lock);
    if (gv_context)
        gvFreeContext(gv_context);
    gv_context = NULL;
    gv_cleaned_up = 1;
    pthread_mutex_unlock(&gv_lock);
}

int lineage_graph_has_svg(void)
{
    return 1;
}

static int quiet(char *message)
{
    (void)message;
    return 0;
}

/* The <svg> element and what follows it: the XML declaration, DOCTYPE
 * and generator comments before it are dropped so the picture can sit
 * inside an HTML page (and carries no Graphviz version). */
static char *strip_prolog(const char *data, size_t len, size_t *out_len)
{
    const char *start = NULL;
    for (size_t i = 0; i + 4 <= len; i++)
        if (memcmp(data + i, "<svg", 4) == 0 && (i + 4 == len || data[i + 4] == ' ' ||
                                                 data[i + 4] == '\n' || data[i + 4] == '>')) {
            start = data + i;
            break;
        }
    if (!start)
        return NULL;
    size_t n = len - (size_t)(start - data);
    *out_len = n;
    return xstrndup(start, n);
}

lineage_status lineage_dump_render_svg(const lineage_dump *d, const lineage_process *const *dev,
                                       size_t ndev, char **out, size_t *len)
{
    if (out)
        *out = NULL;
    if (len)
        *len = 0;
    if (!d || !out)
        return LINEAGE_E_ARG;
    if (dot_node_count(d) > LINEAGE_MAX_SVG_NODES)
        return LINEAGE_E_LIMIT;

    strbuf dot = STRBUF_INIT;
    lineage_status st = dot_render(d, dev, ndev, &dot);
    if (st != LINEAGE_OK) {
        strbuf_release(&dot);
        return st;
    }
    st = LINEAGE_E_INTERNAL;
    pthread_mutex_lock(&gv_lock);
    agusererrf old_hook = agseterrf(quiet);
    if (!gv_context && !gv_cleaned_up)
        gv_context = gvContext();
    GVC_t *gvc = gv_context;
    Agraph_t *g = gvc ? agmemread(dot.data) : NULL;
    char *data = NULL;
    unsigned int data_len = 0;
    if (!g || gvLayout(gvc, g, "dot") != 0)
        goto done;
    if (gvRenderData(gvc, g, "svg", &data, &data_len) != 0 || !data)
        goto done;
    size_t n = 0;
    char *svg = strip_prolog(data, data_len, &n);
    if (!svg)
        goto done;
    *out = svg;
    if (len)
        *len = n;
    st = LINEAGE_OK;
done:
    if (data)
        gvFreeRenderData(data);
    if (g) {
        gvFreeLayout(gvc, g);
        agclose(g);
    }
    agseterrf(old_hook);
    pthread_mutex_unlock(&gv_lock);
    strbuf_release(&dot);
    return st;
}

#else /* no Graphviz */

int lineage_graph_has_svg(void)
{
    return 0;
}

lineage_status lineage_dump_render_svg(const lineage_dump *d, const lineage_process *const *dev,
                                       size_t ndev, char **out, size_t *len)
{
    (void)d;
    (void)dev;
    (void)ndev;
    if (out)
        *out = NULL;
    if (len)
        *len = 0;
    return LINEAGE_E_ARG;
}

#endif
