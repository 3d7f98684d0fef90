/* Lineage keys: one iterative preorder walk over a dump's tree builds the
 * chain of folded names for every process and interns it, so comparing
 * two dumps' keys is a pointer compare. The walk keeps the current chain
 * in one buffer with the length it had at each depth, so nothing recurses
 * and nothing is allocated per process apart from the interned keys.
 *
 * A child's chain is its parent's chain plus "/" and one name, and the
 * intern hash is a running hash, so the walk also keeps the hash of the
 * chain at each depth and hashes only the bytes a node adds: the cost of
 * a key is its last name, not the whole chain. */
#include "lineage_key.h"

#include <stdlib.h>
#include <string.h>
#include <lineage/tree.h>

#include "alloc.h"
#include "limits.h"
#include "model.h"
#include "session.h"
#include "strbuf.h"

/* The key's own marks, and how a component that is exactly one of them
 * is written instead: its first byte as %XX. */
static const struct {
    const char *mark, *escaped;
} marks[] = {
    {LINEAGE_KEY_ABSENT, "%3F"},
    {LINEAGE_KEY_TOP, "%28top)"},
    {LINEAGE_KEY_ELIDED, "%2E.."},
};

const char *lineage_key_mark_escaped(const char *text, size_t len)
{
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
        if (strlen(marks[i].mark) == len && memcmp(text, marks[i].mark, len) == 0)
            return marks[i].escaped;
    return NULL;
}

const char *lineage_key_mark_unescaped(const char *text, size_t len)
{
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
        if (strlen(marks[i].escaped) == len && memcmp(text, marks[i].escaped, len) == 0)
            return marks[i].mark;
    return NULL;
}

void lineage_key_put_image_name(strbuf *sb, const char *t, size_t len, int keep_marks)
{
    const char *mark = lineage_key_mark_unescaped(t, len);
    if (mark && !keep_marks) {
        strbuf_puts(sb, mark);
        return;
    }
    if (mark) {
        strbuf_add(sb, t, len);
        return;
    }
    size_t i = 0;
    while (i < len) {
        const char *pct = memchr(t + i, '%', len - i);
        size_t run = pct ? (size_t)(pct - (t + i)) : len - i;
        strbuf_add(sb, t + i, run);
        i += run;
        if (i == len)
            break;
        if (len - i >= 3 && memcmp(t + i, "%25", 3) == 0) {
            strbuf_putc(sb, '%');
            i += 3;
        } else if (len - i >= 3 && memcmp(t + i, "%2F", 3) == 0) {
            strbuf_putc(sb, '/');
            i += 3;
        } else {
            strbuf_putc(sb, '%'); /* not written by the key escaper */
            i++;
        }
    }
    if (!sb->data)
        strbuf_add(sb, "", 0);
}

/* A "/" or "%" inside an image name would make keys ambiguous: they are
 * written %2F and %25. So would a name that is one of the marks. */
static const lineage_name *escape_component(lineage_session *s, const lineage_name *n)
{
    const char *t = lineage_name_text(n);
    size_t len = lineage_name_length(n);
    /* Every mark is short and starts with one of these. */
    const char *escaped = len <= 5 && memchr("?(.", t[0], 3) ? lineage_key_mark_escaped(t, len)
                                                              : NULL;
    if (escaped)
        return lineage_session_intern(s, escaped, strlen(escaped));
    if (!memchr(t, '/', len) && !memchr(t, '%', len))
        return n;
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < len; i++) {
        if (t[i] == '/')
            strbuf_puts(&sb, "%2F");
        else if (t[i] == '%')
            strbuf_puts(&sb, "%25");
        else
            strbuf_putc(&sb, t[i]);
    }
    const lineage_name *r = lineage_session_intern(s, sb.data, sb.len);
    strbuf_release(&sb);
    return r;
}

const lineage_name *lineage_key_component(const lineage_process *proc)
{
    return lineage_name_folded(lineage_name_full(lineage_process_get_name(proc)));
}

const char *lineage_key_last(const lineage_name *key)
{
    const char *t = lineage_name_text(key);
    const char *slash = strrchr(t, '/');
    return slash ? slash + 1 : t;
}

lineage_keys *lineage_keys_compute(lineage_session *session, const lineage_dump *dump)
{
    lineage_keys *k = xcalloc(1, sizeof *k);
    size_t n = lineage_dump_process_count(dump);
    k->count = n;
    k->key = xcalloc(n ? n : 1, sizeof *k->key);
    k->leaf = xcalloc(n ? n : 1, sizeof *k->leaf);
    k->parent = xcalloc(n ? n : 1, sizeof *k->parent);

    const lineage_name *absent = lineage_session_intern(session, LINEAGE_KEY_ABSENT, 1);
    const lineage_name *top = lineage_session_intern(session, LINEAGE_KEY_TOP,
                                                     strlen(LINEAGE_KEY_TOP));
    /* mark[d] = length of the chain buffer before the node at depth d was
     * added (depth 1 = tops of the listing); hash[d] = the intern hash of
     * the chain once it was added (hash[0]: the empty chain); comp[d] =
     * the component it added, which is the parent name of its children. */
    size_t mark[LINEAGE_MAX_KEY_DEPTH + 2];
    uint64_t hash[LINEAGE_MAX_KEY_DEPTH + 2];
    const lineage_name *comp_at[LINEAGE_MAX_KEY_DEPTH + 2];
    hash[0] = session_hash_init(session);
    strbuf chain = STRBUF_INIT;
    strbuf deep = STRBUF_INIT;
    strbuf_add(&chain, "", 0);

    lineage_iter *it = lineage_iter_new(lineage_dump_get_root(dump));
    lineage_event ev;
    while ((ev = lineage_iter_next(it)) != LINEAGE_EVENT_DONE) {
        const lineage_node *node = lineage_iter_get_node(it);
        lineage_node_kind kind = node->kind;
        if (kind == LINEAGE_NODE_ROOT)
            continue;
        size_t depth = node->depth;
        if (ev == LINEAGE_EVENT_EXIT) {
            if (depth <= LINEAGE_MAX_KEY_DEPTH) {
                chain.len = mark[depth];
                chain.data[chain.len] = '\0';
            }
            continue;
        }
        const lineage_process *proc = node->process;
        const lineage_name *comp =
            kind == LINEAGE_NODE_ABSENT ? absent : escape_component(session, lineage_key_component(proc));
        if (depth <= LINEAGE_MAX_KEY_DEPTH) {
            mark[depth] = chain.len;
            if (chain.len)
                strbuf_putc(&chain, '/');
            strbuf_add(&chain, lineage_name_text(comp), lineage_name_length(comp));
            hash[depth] = session_hash_extend(hash[depth - 1], chain.data + mark[depth],
                                              chain.len - mark[depth]);
            comp_at[depth] = comp;
        }
        if (!proc)
            continue;
        size_t i = proc->index;
        if (depth <= LINEAGE_MAX_KEY_DEPTH) {
            k->key[i] = session_intern_hashed(session, chain.data, chain.len, hash[depth]);
        } else {
            deep.len = 0;
            strbuf_add(&deep, chain.data, chain.len);
            strbuf_puts(&deep, "/" LINEAGE_KEY_ELIDED "/");
            strbuf_add(&deep, lineage_name_text(comp), lineage_name_length(comp));
            uint64_t h = session_hash_extend(hash[LINEAGE_MAX_KEY_DEPTH], deep.data + chain.len,
                                             deep.len - chain.len);
            k->key[i] = session_intern_hashed(session, deep.data, deep.len, h);
        }
        k->leaf[i] = comp;
        /* The parent's component: a top's parent is "(top)", an absent
         * parent's component is "?" (the same name as its key part). */
        const lineage_node *up = node->parent;
        if (up->kind == LINEAGE_NODE_ROOT)
            k->parent[i] = top;
        else if (depth - 1 <= LINEAGE_MAX_KEY_DEPTH)
            k->parent[i] = comp_at[depth - 1];
        else if (up->kind == LINEAGE_NODE_ABSENT)
            k->parent[i] = absent;
        else
            k->parent[i] = escape_component(session, lineage_key_component(up->process));
    }
    lineage_iter_free(it);
    strbuf_release(&chain);
    strbuf_release(&deep);
    return k;
}

void lineage_keys_free(lineage_keys *k)
{
    if (!k)
        return;
    free(k->key);
    free(k->leaf);
    free(k->parent);
    free(k);
}
