/* Colour in the text renderers (LINEAGE_RENDER_COLOR): which nodes and
 * levels get which SGR codes, nothing at all without the flag, and input
 * bytes escaped before colour is added so the only escape sequences are
 * the renderer's own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <lineage/lineage.h>

#include "helpers.h"

/* System, a live child, a process listed as its own parent, an orphan
 * under an absent parent, and a name carrying an escape sequence of its
 * own. */
static const char listing[] =
    "Parent+: 0x0000--->\tChild: 0x0004\tActiveThreads->0070\tSystem\n"
    "Parent+: 0x0004--->\tChild: 0x0100\tActiveThreads->0003\tsmss.exe\n"
    "Parent+: 0x0110--->\tChild: 0x0110\tActiveThreads->0001\told.exe\n"
    "Parent+: 0x0999--->\tChild: 0x0200\tActiveThreads->0002\t\x1b[31mevil.exe\n";

static char *render(unsigned flags)
{
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, listing);
    char *t = lineage_render_tree_text(d, flags);
    lineage_dump_free(d);
    lineage_session_free(s);
    return t;
}

/* Every ESC in `text` starts one of the renderer's SGR sequences. */
static void assert_only_own_escapes(const char *text)
{
    static const char *const own[] = {"\x1b[0m", "\x1b[1;31m", "\x1b[31m", "\x1b[33m",
                                      "\x1b[36m", "\x1b[2m"};
    for (const char *p = strchr(text, '\x1b'); p; p = strchr(p + 1, '\x1b')) {
        int ok = 0;
        for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
            ok |= strncmp(p, own[i], strlen(own[i])) == 0;
        if (!ok)
            fail_msg("foreign escape sequence at: %.12s", p);
    }
}

static void test_tree_colors(void **state)
{
    (void)state;
    char *t = render(LINEAGE_RENDER_ASCII | LINEAGE_RENDER_COLOR);
    assert_string_equal(t, "System (0x4) 70 threads\n"
                           "`-- smss.exe (0x100) 3 threads\n"
                           "old.exe (0x110) 1 thread \x1b[33m[own parent]\x1b[0m\n"
                           "\x1b[2m[absent parent 0x999]\x1b[0m\n"
                           "`-- \\x1b[31mevil.exe (0x200) 2 threads\n");
    assert_only_own_escapes(t);
    free(t);
}

static void test_tree_without_color(void **state)
{
    (void)state;
    char *t = render(LINEAGE_RENDER_ASCII);
    assert_null(strchr(t, '\x1b'));
    free(t);
}

static const char rules[] = "rule no-old {\n"
                            "  severity high\n"
                            "  title \"old.exe must not exist\"\n"
                            "  absent /^old\\.exe$/\n"
                            "}\n"
                            "rule no-smss {\n"
                            "  severity medium\n"
                            "  title \"smss.exe must not exist\"\n"
                            "  absent /^smss\\.exe$/\n"
                            "}\n"
                            "rule no-evil {\n"
                            "  severity low\n"
                            "  title \"no evil\"\n"
                            "  absent /evil/\n"
                            "}\n"
                            "suppress no-smss ancestry /smss/ reason \"expected here\"\n";

static char *findings_text(unsigned flags)
{
    lineage_session *s = lineage_session_new();
    lineage_diag_list *diags = lineage_diag_list_new();
    lineage_ruleset *set = lineage_ruleset_new(s);
    assert_int_equal(lineage_ruleset_load_string(set, "t.rules", rules, sizeof rules - 1, diags),
                     LINEAGE_OK);
    assert_int_equal(lineage_ruleset_compile(set, diags), LINEAGE_OK);
    lineage_dump *d = read_one(s, listing);
    lineage_findings *f = lineage_findings_new();
    assert_int_equal(lineage_ruleset_check(set, d, f, diags), LINEAGE_OK);
    char *text = lineage_findings_render_text_flags(f, d, flags);
    lineage_findings_free(f);
    lineage_dump_free(d);
    lineage_ruleset_free(set);
    lineage_diag_list_free(diags);
    lineage_session_free(s);
    return text;
}

static void test_findings_colors(void **state)
{
    (void)state;
    char *plain = findings_text(0);
    char *color = findings_text(LINEAGE_RENDER_COLOR);
    assert_null(strchr(plain, '\x1b'));
    assert_non_null(strstr(color, "\x1b[31mHIGH\x1b[0m no-old test.txt:3 old.exe (0x110)\n"));
    /* Suppressed findings are dimmed whatever their level. */
    assert_non_null(strstr(color, "\x1b[2mMEDIUM\x1b[0m no-smss test.txt:2 smss.exe (0x100)\n"));
    assert_non_null(strstr(color, "\x1b[36mLOW\x1b[0m no-evil test.txt:4 "));
    assert_only_own_escapes(color);
    free(plain);
    free(color);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree_colors),
        cmocka_unit_test(test_tree_without_color),
        cmocka_unit_test(test_findings_colors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
