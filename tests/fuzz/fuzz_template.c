/* Fuzz harness: the report template compiler and renderer. The input is
 * the template; every partial it names resolves to the input again, so
 * self-inclusion, deep partial chains and multiplied output meet the
 * template limits. It renders against a small fixed model holding a list,
 * a map, hostile strings, numbers and booleans. */
#include <stdbool.h>
#include <string.h>

#include <lineage/template.h>

#include "arena.h"
#include "fuzz_listing.h"
#include "tvalue.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct input {
    const uint8_t *data;
    size_t size;
} input;

static lineage_status load_self(void *ctx, const char *name, char **text, size_t *len,
                                char **source)
{
    (void)name;
    const input *in = ctx;
    char *copy = malloc(in->size + 1);
    if (!copy)
        return LINEAGE_E_NOMEM;
    if (in->size)
        memcpy(copy, in->data, in->size);
    copy[in->size] = '\0';
    *text = copy;
    *len = in->size;
    *source = NULL;
    return LINEAGE_OK;
}

static lineage_tvalue *model(arena *a)
{
    lineage_tvalue *root = tvalue_map(a);
    lineage_tvalue *procs = tvalue_list(a);
    static const char *const names[] = {"System", "smss.exe", "\x1b[31mred|*_`<b>&\xff",
                                        "", "a\\b{{x}}"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        lineage_tvalue *p = tvalue_map(a);
        tvalue_map_set_cstr(a, p, "name", names[i]);
        tvalue_map_set_number(a, p, "pid", (int64_t)(4 * i + 4));
        tvalue_map_set_bool(a, p, "alive", i % 2 == 0);
        tvalue_list_add(a, procs, p);
    }
    tvalue_map_set(a, root, "processes", procs);
    tvalue_map_set(a, root, "dump", tvalue_map(a));
    tvalue_map_set_cstr(a, root, "title", "report # | <title>");
    tvalue_map_set_number(a, root, "count", -1);
    tvalue_map_set_bool(a, root, "ok", false);
    return root;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    input in = {data, size};
    lineage_diag_list *diags = lineage_diag_list_new();
    lineage_template *tpl = NULL;
    if (lineage_template_compile((const char *)data, size, "fuzz.md", load_self, &in, diags,
                                 &tpl) == LINEAGE_OK) {
        arena *a = arena_new();
        char *out = NULL;
        lineage_template_render(tpl, model(a), 0, diags, &out, NULL);
        free(out);
        out = NULL;
        lineage_template_render(tpl, NULL, LINEAGE_TEMPLATE_STRICT, diags, &out, NULL);
        free(out);
        arena_free(a);
    }
    fuzz_check_diags(diags);
    lineage_template_free(tpl);
    lineage_diag_list_free(diags);
    return 0;
}
