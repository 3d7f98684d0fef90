/* Unit tests of the rule engine, one group per construct, written with
 * two one-line helpers:
 *   assert_rule_matches(rule_src, listing_src, "id id ...")  the set of rule
 *       ids with unsuppressed findings, sorted and space-separated ("" none)
 *   assert_rule_error(rule_src, line, col)  loading fails with an error
 *       there. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"
#include "json_write.h"
#include "limits.h"
#include "rule_case.h"
#include "ruleset.h"

/* Sorted unique rule ids of rule_case_run's "id 0xPID" lines. */
static char *ids_of(const char *rules, const char *listing, int *loaded)
{
    strbuf f = STRBUF_INIT, e = STRBUF_INIT, out = STRBUF_INIT;
    *loaded = rule_case_run(rules, listing, &f, &e);
    const char *s = f.data ? f.data : "";
    char last[200] = "";
    while (*s) {
        char id[200];
        size_t n = strcspn(s, " \n");
        snprintf(id, sizeof id, "%.*s", (int)n, s);
        if (strcmp(id, last) != 0) {
            strbuf_printf(&out, "%s%s", out.len ? " " : "", id);
            strcpy(last, id);
        }
        s = strchr(s, '\n');
        s = s ? s + 1 : "";
    }
    if (!*loaded)
        fprintf(stderr, "rules did not load:\n%s", e.data ? e.data : "");
    strbuf_release(&f);
    strbuf_release(&e);
    strbuf_add(&out, "", 0);
    return strbuf_detach(&out);
}

#define assert_rule_matches(rules, listing, ids)                                                  \
    do {                                                                                          \
        int loaded_;                                                                              \
        char *got_ = ids_of((rules), (listing), &loaded_);                                       \
        assert_true(loaded_);                                                                     \
        assert_string_equal(got_, (ids));                                                         \
        free(got_);                                                                               \
    } while (0)

static void rule_error_at(const char *rules, unsigned long line, unsigned col)
{
    lineage_session *s = lineage_session_new();
    lineage_ruleset *set = lineage_ruleset_new(s);
    lineage_diag_list *d = lineage_diag_list_new();
    lineage_ruleset_load_string(set, "t.rules", rules, strlen(rules), d);
    assert_int_equal(lineage_ruleset_compile(set, d), LINEAGE_E_RULE);
    int found = 0;
    for (size_t i = 0; i < lineage_diag_list_count(d); i++) {
        const lineage_diag *x = lineage_diag_list_get(d, i);
        if (lineage_diag_get_line(x) == line && lineage_diag_get_column(x) == col)
            found = 1;
        else
            fprintf(stderr, "other diagnostic %lu:%u: %s\n", lineage_diag_get_line(x),
                    lineage_diag_get_column(x), lineage_diag_get_message(x));
    }
    if (!found)
        fprintf(stderr, "no error at %lu:%u\n", line, col);
    assert_true(found);
    lineage_diag_list_free(d);
    lineage_ruleset_free(set);
    lineage_session_free(s);
}
#define assert_rule_error(rules, line, col) rule_error_at((rules), (line), (col))

#define HDR10 "DUMP_HEADER64:\nMajorVersion 0000000f\nMinorVersion 00004a61\nMachineImageType 00008664\n\n"
#define HDRXP "DUMP_HEADER32:\nMajorVersion 0000000f\nMinorVersion 00000a28\nMachineImageType 0000014c\n\n"
#define P(pp, pid, thr, name) "Parent+: 0x" pp "--->\tChild: 0x" pid "\tActiveThreads->" thr "\t" name "\n"
#define X(pp, pid, name) "Parent-: 0x" pp "--->\tChild: 0x" pid "\tActiveThreads->0000\t" name "\n"

static const char base[] = HDR10 P("0000", "0004", "0070", "System") P("0004", "0100", "0002", "smss.exe")
    P("0110", "0120", "0010", "csrss.exe") P("0110", "0130", "0003", "wininit.exe")
    P("0130", "0140", "0008", "services.exe") P("0130", "0150", "0009", "lsass.exe")
    P("0140", "0160", "0020", "svchost.exe") P("0140", "0170", "0020", "svchost.exe");

#define RULE(body) "rule t {\n severity high\n title \"t\"\n " body "\n}\n"

static void test_parent(void **state)
{
    (void)state;
    assert_rule_matches(RULE("parent /^lsass\\.exe$/ is /^wininit\\.exe$/"), base, "");
    assert_rule_matches(RULE("parent /^svchost\\.exe$/ is /^wininit\\.exe$/"), base, "t");
    /* csrss's parent 0x110 is not listed. */
    assert_rule_matches(RULE("parent /^csrss\\.exe$/ is /^smss\\.exe$/"), base, "t");
    assert_rule_matches(RULE("parent /^csrss\\.exe$/ is /^smss\\.exe$/ or absent"), base, "");
}

static void test_ancestry(void **state)
{
    (void)state;
    assert_rule_matches(
        RULE("ancestry /^svchost\\.exe$/ matches /^\\?\\/wininit\\.exe\\/services\\.exe\\/svchost\\.exe$/"),
        base, "");
    assert_rule_matches(RULE("ancestry /^svchost\\.exe$/ not matches /services/"), base, "t");
    assert_rule_matches(RULE("ancestry /^lsass\\.exe$/ matches /^system\\//"), base, "t");
}

static void test_children(void **state)
{
    (void)state;
    assert_rule_matches(RULE("children /^services\\.exe$/ forbid /^cmd\\.exe$/"), base, "");
    assert_rule_matches(RULE("children /^services\\.exe$/ forbid /^svchost\\.exe$/"), base, "t");
    assert_rule_matches(RULE("children /^wininit\\.exe$/ only /^(services|lsass)\\.exe$/"), base, "");
    assert_rule_matches(RULE("children /^wininit\\.exe$/ only /^services\\.exe$/"), base, "t");
}

static void test_count(void **state)
{
    (void)state;
    assert_rule_matches(RULE("count /^svchost\\.exe$/ at most 1"), base, "t");
    assert_rule_matches(RULE("count /^svchost\\.exe$/ at least 2"), base, "");
    assert_rule_matches(RULE("count /^lsass\\.exe$/ exactly 1"), base, "");
    assert_rule_matches(RULE("count /^lsm\\.exe$/ exactly 1"), base, "t");
    /* kd listings carry no sessions: per-session counts have nothing to count. */
    assert_rule_matches(RULE("count /^svchost\\.exe$/ at most 1 per session"), base, "");
}

static void test_alive_exited_absent(void **state)
{
    (void)state;
    static const char l[] = HDR10 P("0000", "0004", "0070", "System") X("0004", "0200", "userinit.exe")
        P("0004", "0300", "0001", "explorer.exe");
    assert_rule_matches(RULE("alive /^explorer\\.exe$/"), l, "");
    assert_rule_matches(RULE("alive /^userinit\\.exe$/"), l, "t");
    assert_rule_matches(RULE("exited /^userinit\\.exe$/"), l, "");
    assert_rule_matches(RULE("exited /^explorer\\.exe$/"), l, "t");
    assert_rule_matches(RULE("absent /^wininit\\.exe$/"), l, "");
    assert_rule_matches(RULE("absent /^explorer\\.exe$/"), l, "t");
}

static void test_pid(void **state)
{
    (void)state;
    assert_rule_matches(RULE("pid /^system$/ is 4 ppid 0"), base, "");
    assert_rule_matches(RULE("pid /^system$/ is 8"), base, "t");
    assert_rule_matches(RULE("pid /^system$/ is 4 ppid 1"), base, "t");
}

static void test_lookalike(void **state)
{
    (void)state;
    assert_int_equal(lookalike_distance("scvhost.exe", 11, "svchost.exe", 11, 2), 1);
    assert_int_equal(lookalike_distance("svch0st.exe", 11, "svchost.exe", 11, 2), 1);
    assert_int_equal(lookalike_distance("rnsmss.exe", 10, "msmss.exe", 9, 2), 1);
    assert_int_equal(lookalike_distance("SVCHOST.EXE", 11, "svchost.exe", 11, 2), 0);
    assert_int_equal(lookalike_distance("notepad.exe", 11, "svchost.exe", 11, 2), 3);
    static const char l[] = HDR10 P("0000", "0004", "0070", "System") P("0004", "0200", "0001", "scvhost.exe")
        P("0004", "0300", "0001", "SVCHOST.EXE") P("0004", "0400", "0001", "lsass.exe");
    assert_rule_matches(RULE("lookalike \"svchost.exe\" \"lsass.exe\""), l, "t");
    assert_rule_matches(RULE("lookalike \"svchost.exe\" distance 1"), l, "t");
    assert_rule_matches(RULE("lookalike \"winlogon.exe\""), l, "");
}

static void test_cut_names(void **state)
{
    (void)state;
    static const char l[] = HDR10 P("0000", "0004", "0070", "System")
        P("0004", "0200", "0001", "SearchProtocol") P("0004", "0300", "0001", "averyunusualna");
    /* A cut name matches what a longer name starting with it would. */
    assert_rule_matches(RULE("absent /^searchprotocolhost\\.exe$/"), l, "t");
    assert_rule_matches(RULE("absent /^averyunusualname\\.exe$/"), l, "t");
    assert_rule_matches(RULE("absent /^averyunusualnb/"), l, "");
    /* Case-sensitive patterns see the name as printed. */
    assert_rule_matches(RULE("absent /^searchprotocol/c"), l, "");
    assert_rule_matches(RULE("absent /^SearchProtocol/c"), l, "t");
}

/* Names a set's rules spell reach another session through
 * lineage_ruleset_share_names, in which a cut name then resolves as in the
 * set's own; a session left out knows none of them. */
static void test_share_names(void **state)
{
    (void)state;
    static const char src[] = RULE("absent /^contosoupdatersvc\\.exe$/")
        "rule u {\n severity low\n title \"u\"\n lookalike \"FabrikamAgentHost.exe\"\n}\n";
    lineage_session *own = lineage_session_new(), *shared = lineage_session_new(),
                    *left_out = lineage_session_new();
    lineage_ruleset *set = lineage_ruleset_new(own);
    lineage_diag_list *diags = lineage_diag_list_new();
    assert_int_equal(lineage_ruleset_load_string(set, "t.rules", src, sizeof src - 1, diags),
                     LINEAGE_OK);
    assert_int_equal(lineage_ruleset_compile(set, diags), LINEAGE_OK);
    lineage_ruleset_share_names(set, shared);
    static const char *const cut[2] = {"contosoupdater", "FabrikamAgentH"};
    static const char *const full[2] = {"contosoupdatersvc.exe", "FabrikamAgentHost.exe"};
    lineage_session *sessions[2] = {own, shared};
    for (int k = 0; k < 2; k++)
        for (int s = 0; s < 2; s++) {
            const lineage_name *n = lineage_session_intern(sessions[s], cut[k], 14);
            assert_non_null(lineage_name_resolved(n));
            assert_string_equal(lineage_name_text(lineage_name_resolved(n)), full[k]);
        }
    for (int k = 0; k < 2; k++)
        assert_null(lineage_name_resolved(lineage_session_intern(left_out, cut[k], 14)));
    lineage_diag_list_free(diags);
    lineage_ruleset_free(set);
    lineage_session_free(left_out);
    lineage_session_free(shared);
    lineage_session_free(own);
}

static void test_os_scope(void **state)
{
    (void)state;
    static const char xp[] = HDRXP P("0000", "0004", "0070", "System") P("0004", "0100", "0001", "wininit.exe");
    assert_rule_matches(RULE("os xp 2003\n absent /^wininit\\.exe$/"), xp, "t");
    assert_rule_matches(RULE("os 10 11\n absent /^wininit\\.exe$/"), xp, "");
    assert_rule_matches(RULE("os build 2600..2600\n absent /^wininit\\.exe$/"), xp, "t");
    assert_rule_matches(RULE("os build >= 2601\n absent /^wininit\\.exe$/"), xp, "");
    assert_rule_matches(RULE("arch x86\n absent /^wininit\\.exe$/"), xp, "t");
    assert_rule_matches(RULE("arch x64 arm64\n absent /^wininit\\.exe$/"), xp, "");
    /* A dump of unknown OS is checked only by rules without os. */
    static const char unknown[] = P("0000", "0004", "0070", "System") P("0004", "0100", "0001", "wininit.exe");
    assert_rule_matches(RULE("os xp\n absent /^wininit\\.exe$/"), unknown, "");
    assert_rule_matches(RULE("absent /^wininit\\.exe$/"), unknown, "t");
}

/* The ids of the findings a checker that assumes `build` gives on the
 * first dump of `listing`, sorted, one space between, then " @BUILD" when
 * the findings say the dump was checked as BUILD. */
static char *ids_assuming(const char *rules, const char *listing, unsigned build)
{
    lineage_session *s = lineage_session_new();
    lineage_ruleset *set = lineage_ruleset_new(s);
    lineage_diag_list *d = lineage_diag_list_new();
    assert_int_equal(lineage_ruleset_load_string(set, "t.rules", rules, strlen(rules), d),
                     LINEAGE_OK);
    assert_int_equal(lineage_ruleset_compile(set, d), LINEAGE_OK);
    lineage_dump *dump = read_one(s, listing);
    lineage_checker *ck = lineage_checker_new(set);
    lineage_checker_assume_build(ck, build);
    lineage_findings *f = lineage_findings_new();
    assert_int_equal(lineage_checker_check(ck, dump, f, d), LINEAGE_OK);
    lineage_findings_sort(f);
    strbuf out = STRBUF_INIT;
    strbuf_add(&out, "", 0);
    for (size_t i = 0; i < lineage_findings_count(f); i++)
        strbuf_printf(&out, "%s%s", i ? " " : "",
                      lineage_finding_get_rule_id(lineage_findings_get(f, i)));
    unsigned assumed = lineage_findings_assumed_build(f, dump);
    if (assumed)
        strbuf_printf(&out, " @%u", assumed);
    assert_int_equal(lineage_findings_assumed_build(f, NULL), 0);
    assert_int_equal(lineage_findings_assumed_build(NULL, dump), 0);
    lineage_findings_free(f);
    lineage_checker_free(ck);
    lineage_dump_free(dump);
    lineage_diag_list_free(d);
    lineage_ruleset_free(set);
    lineage_session_free(s);
    return strbuf_detach(&out);
}

#define assert_assuming(rules, listing, build, ids)                                               \
    do {                                                                                          \
        char *got_ = ids_assuming((rules), (listing), (build));                                  \
        assert_string_equal(got_, (ids));                                                         \
        free(got_);                                                                               \
    } while (0)

/* A build assumed for dumps whose listing gives none brings the rules
 * scoped to it in, by family or build range, and the findings say so; a
 * dump's own build wins, with no assumption noted. */
static void test_assumed_build(void **state)
{
    (void)state;
    static const char rules[] =
        "rule vista-on {\n severity high\n title \"v\"\n os vista 7 8 8.1 10 11\n"
        " parent /^lsass\\.exe$/ is /^wininit\\.exe$/\n}\n"
        "rule xp {\n severity high\n title \"x\"\n os xp 2003\n"
        " parent /^lsass\\.exe$/ is /^winlogon\\.exe$/\n}\n"
        "rule range {\n severity low\n title \"r\"\n os build 19041..19045\n"
        " absent /^explorer\\.exe$/\n}\n"
        "rule any {\n severity low\n title \"a\"\n absent /^explorer\\.exe$/\n}\n";
#define LSASS_UNDER_EXPLORER                                                                     \
    P("0000", "0004", "0070", "System") P("0004", "0e80", "0040", "explorer.exe")                \
    P("0e80", "02f4", "0008", "lsass.exe")
    static const char unknown[] = LSASS_UNDER_EXPLORER;
    static const char xp[] = HDRXP LSASS_UNDER_EXPLORER;
    assert_assuming(rules, unknown, 0, "any");
    assert_assuming(rules, unknown, lineage_os_build_from_name("10"), "vista-on any range @19045");
    assert_assuming(rules, unknown, lineage_os_build_from_name("7"), "vista-on any @7601");
    assert_assuming(rules, unknown, lineage_os_build_from_name("xp"), "xp any @2600");
    assert_assuming(rules, unknown, 19041, "vista-on any range @19041");
    assert_assuming(rules, xp, lineage_os_build_from_name("10"), "xp any");
#undef LSASS_UNDER_EXPLORER
}

/* Names and numbers --assume-os takes. */
static void test_build_from_name(void **state)
{
    (void)state;
    assert_int_equal(lineage_os_build_from_name("xp"), 2600);
    assert_int_equal(lineage_os_build_from_name("2003"), 3790);
    assert_int_equal(lineage_os_build_from_name("vista"), 6002);
    assert_int_equal(lineage_os_build_from_name("7"), 7601);
    assert_int_equal(lineage_os_build_from_name("8"), 9200);
    assert_int_equal(lineage_os_build_from_name("8.1"), 9600);
    assert_int_equal(lineage_os_build_from_name("10"), 19045);
    assert_true(lineage_os_build_from_name("11") >= 22000);
    assert_int_equal(lineage_os_build_from_name("2195"), 2195);
    assert_int_equal(lineage_os_build_from_name("99999"), 99999);
    static const char *const refused[] = {"", "95", "2194", "100000", "10x", "-10", "Windows 10",
                                          "XP", "999999999999999999999"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        assert_int_equal(lineage_os_build_from_name(refused[i]), 0);
    assert_int_equal(lineage_os_build_from_name(NULL), 0);
    assert_int_equal(lineage_os_build_from_name("2000"), 2195);
    /* An unknown build belongs to the family below it up to 29999; past
     * that it may be a Windows lineage does not know. */
    lineage_os_info os;
    assert_int_equal(lineage_os_from_build(19046, &os), 0);
    assert_string_equal(os.family, "10");
    assert_string_equal(os.release, "");
    assert_int_equal(lineage_os_from_build(29999, &os), 0);
    assert_string_equal(os.family, "11");
    assert_int_equal(lineage_os_from_build(30000, &os), 0);
    assert_null(os.family);
    assert_null(os.product);
    assert_int_equal(lineage_os_from_build(2000, &os), 0);
    assert_null(os.family);
    assert_int_equal(lineage_os_from_build(7601, &os), 1);
    assert_string_equal(os.product, "Windows 7");
    assert_string_equal(os.release, "SP1");
}

static void test_layering(void **state)
{
    (void)state;
    static const char two[] = "rule a {\n severity high\n title \"a\"\n absent /^lsass\\.exe$/\n}\n"
                              "rule b {\n severity low\n title \"b\"\n absent /^wininit\\.exe$/\n}\n";
    assert_rule_matches(two, base, "a b");
    char *s = malloc(sizeof two + 64);
    snprintf(s, sizeof two + 64, "%sdisable a\n", two);
    assert_rule_matches(s, base, "b");
    snprintf(s, sizeof two + 64, "%ssuppress b ancestry /wininit/ reason \"lab\"\n", two);
    assert_rule_matches(s, base, "a");
    free(s);
}

static void test_levels_and_suppress(void **state)
{
    (void)state;
    static const char r[] = "rule a {\n severity high\n title \"A\"\n description \"one\"\n"
                            " description \"two\"\n reference T1036.005 HE18 \"https://x\"\n"
                            " absent /^lsass\\.exe$/\n}\nseverity a critical\n"
                            "suppress a ancestry /^nothing$/ reason \"never\"\n";
    lineage_session *s = lineage_session_new();
    lineage_ruleset *set = lineage_ruleset_new(s);
    lineage_diag_list *d = lineage_diag_list_new();
    assert_int_equal(lineage_ruleset_load_string(set, "x.rules", r, strlen(r), d), LINEAGE_OK);
    lineage_ruleset_set_level(set, "a", LINEAGE_LEVEL_LOW);
    assert_int_equal(lineage_ruleset_compile(set, d), LINEAGE_OK);
    const lineage_rule *rule = lineage_ruleset_find(set, "a");
    assert_non_null(rule);
    assert_int_equal(lineage_rule_get_level(rule), LINEAGE_LEVEL_LOW);
    assert_string_equal(lineage_rule_get_description(rule), "one\n\ntwo");
    assert_int_equal(lineage_rule_reference_count(rule), 3);
    assert_string_equal(lineage_rule_reference(rule, 2), "https://x");
    assert_string_equal(lineage_rule_get_scope(rule), "any");
    assert_int_equal(lineage_rule_get_line(rule), 1);
    lineage_dump *dump = read_one(s, base);
    lineage_findings *f = lineage_findings_new();
    assert_int_equal(lineage_ruleset_check(set, dump, f, d), LINEAGE_OK);
    assert_int_equal(lineage_findings_count(f), 1);
    const lineage_finding *x = lineage_findings_get(f, 0);
    assert_ptr_equal(lineage_finding_get_rule(x), rule);
    assert_string_equal(lineage_finding_get_chain(x), "?/wininit.exe/lsass.exe");
    assert_string_equal(lineage_finding_get_expected(x), "no process matching /^lsass\\.exe$/");
    assert_false(lineage_finding_is_suppressed(x));
    assert_int_equal(lineage_findings_count_at_least(f, LINEAGE_LEVEL_LOW), 1);
    assert_int_equal(lineage_findings_count_at_least(f, LINEAGE_LEVEL_MEDIUM), 0);
    lineage_findings_free(f);
    lineage_dump_free(dump);
    lineage_diag_list_free(d);
    lineage_ruleset_free(set);
    lineage_session_free(s);
}

/* A level from the API outside the enum is refused when compiling, as an
 * unknown rule id is, rather than used as an index later. */
static void test_set_level_out_of_range(void **state)
{
    (void)state;
    static const char r[] = "rule a {\n severity high\n title \"A\"\n absent /^x$/\n}\n";
    lineage_session *s = lineage_session_new();
    lineage_ruleset *set = lineage_ruleset_new(s);
    lineage_diag_list *d = lineage_diag_list_new();
    assert_int_equal(lineage_ruleset_load_string(set, "x.rules", r, strlen(r), d), LINEAGE_OK);
    lineage_ruleset_set_level(set, "a", (lineage_level)9);
    assert_int_equal(lineage_ruleset_compile(set, d), LINEAGE_E_RULE);
    assert_int_equal(lineage_diag_list_count(d), 1);
    assert_string_equal(lineage_diag_get_message(lineage_diag_list_get(d, 0)),
                        "--severity: 9 is not a level (0 to 4) for rule 'a'");
    assert_int_equal(lineage_ruleset_rule_count(set), 0);
    lineage_diag_list_free(d);
    lineage_ruleset_free(set);
    lineage_session_free(s);
}

static void test_errors(void **state)
{
    (void)state;
    assert_rule_error("rule Bad {\n severity high\n title \"t\"\n alive /x/\n}\n", 1, 6);
    assert_rule_error("rule t {\n severity urgent\n title \"t\"\n alive /x/\n}\n", 2, 11);
    assert_rule_error("rule t {\n severity high\n title \"t\"\n alive /x(/\n}\n", 4, 8);
    assert_rule_error("rule t {\n severity high\n title \"t\n alive /x/\n}\n", 3, 8);
    assert_rule_error("rule t {\n severity high\n title \"t\"\n}\n", 1, 1);
    assert_rule_error("rule t {\n severity high\n title \"t\"\n parent /a/ was /b/\n}\n", 4, 13);
    assert_rule_error("disable nosuch\n", 1, 9);
    assert_rule_error("suppress nosuch ancestry /x/\n", 2, 1);
    assert_rule_error(RULE("alive /x/") RULE("alive /y/"), 6, 6);
    assert_rule_error("rule t {\n severity high\n title \"t\"\n count /x/ exactly many\n}\n", 4, 20);
    assert_rule_error("rule t {\n severity high\n title \"t\"\n os vista 12\n alive /x/\n}\n", 4, 11);
    assert_rule_error("@\n", 1, 1);
}

static void test_every_error_reported(void **state)
{
    (void)state;
    static const char r[] = "rule t {\n severity bad\n title \"t\"\n alive /x(/\n}\n"
                            "rule u {\n severity high\n title 5\n alive /y/\n}\ndisable zz\n";
    lineage_session *s = lineage_session_new();
    lineage_ruleset *set = lineage_ruleset_new(s);
    lineage_diag_list *d = lineage_diag_list_new();
    lineage_ruleset_load_string(set, "x.rules", r, strlen(r), d);
    assert_int_equal(lineage_ruleset_compile(set, d), LINEAGE_E_RULE);
    /* Bad severity, title not a string (so also no title), bad pattern and
     * an unknown rule in `disable`: all in one run. */
    assert_int_equal(lineage_diag_list_count(d), 5);
    assert_int_equal(diags_matching(d, "has no title"), 1);
    assert_int_equal(diags_matching(d, "invalid pattern"), 1);
    assert_int_equal(diags_matching(d, "unknown rule 'zz'"), 1);
    char *text = lineage_diag_format(lineage_diag_list_get(d, 0));
    assert_non_null(strstr(text, "x.rules:2:11: error: expected a severity"));
    assert_non_null(strstr(text, "^"));
    free(text);
    lineage_diag_list_free(d);
    lineage_ruleset_free(set);
    lineage_session_free(s);
}

/* limits.h: a catastrophic pattern stops at the PCRE2 limits with an
 * error naming the rule instead of hanging. */
static void test_match_limit(void **state)
{
    (void)state;
    char listing[512];
    snprintf(listing, sizeof listing, HDR10 "%s%s", P("0000", "0004", "0070", "System"),
             P("0004", "0200", "0001", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"));
    static const char r[] = RULE("absent /^(a+)+$/");
    lineage_session *s = lineage_session_new();
    lineage_ruleset *set = lineage_ruleset_new(s);
    lineage_diag_list *d = lineage_diag_list_new();
    lineage_ruleset_load_string(set, "slow.rules", r, strlen(r), d);
    assert_int_equal(lineage_ruleset_compile(set, d), LINEAGE_OK);
    lineage_dump *dump = read_one(s, listing);
    lineage_findings *f = lineage_findings_new();
    assert_int_equal(lineage_ruleset_check(set, dump, f, d), LINEAGE_E_LIMIT);
    assert_int_equal(diags_matching(d, "rule 't'"), 1);
    assert_int_equal(lineage_findings_count(f), 0);
    lineage_findings_free(f);
    lineage_dump_free(dump);
    lineage_diag_list_free(d);
    lineage_ruleset_free(set);
    lineage_session_free(s);
}

/* limits.h: chains deeper than LINEAGE_MAX_ANCESTRY_DEPTH keep the nearest
 * names behind "...". */
static void test_ancestry_depth_limit(void **state)
{
    (void)state;
    strbuf l = STRBUF_INIT;
    strbuf_puts(&l, HDR10);
    size_t n = LINEAGE_MAX_ANCESTRY_DEPTH + 10;
    for (size_t i = 1; i <= n; i++)
        strbuf_printf(&l, "Parent+: 0x%04zx--->\tChild: 0x%04zx\tActiveThreads->0001\t%s\n",
                      (i - 1) * 4, i * 4, i == n ? "last.exe" : "link.exe");
    assert_rule_matches(RULE("ancestry /^last\\.exe$/ matches /^\\.\\.\\.\\/link\\.exe\\//"), l.data, "");
    assert_rule_matches(RULE("ancestry /^last\\.exe$/ matches /^link\\.exe\\//"), l.data, "t");
    strbuf_release(&l);
}

static void test_includes(void **state)
{
    (void)state;
    /* tests/data/rules holds a.rules including b.rules including a.rules. */
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/data/rules/cycle-a.rules", LINEAGE_SOURCE_DIR);
    lineage_session *s = lineage_session_new();
    lineage_ruleset *set = lineage_ruleset_new(s);
    lineage_diag_list *d = lineage_diag_list_new();
    assert_int_equal(lineage_ruleset_load_file(set, path, d), LINEAGE_OK);
    assert_int_equal(lineage_ruleset_compile(set, d), LINEAGE_OK);
    assert_int_equal(lineage_ruleset_rule_count(set), 2);
    assert_non_null(lineage_ruleset_find(set, "cycle-b"));
    lineage_diag_list_free(d);
    lineage_ruleset_free(set);
    lineage_session_free(s);
}

/* The only diagnostic of loading `len` bytes of rule text, formatted as
 * lineage_diag_format does (caller frees); fails unless there is exactly
 * one. */
static char *only_error(const char *rules, size_t len)
{
    lineage_session *s = lineage_session_new();
    lineage_ruleset *set = lineage_ruleset_new(s);
    lineage_diag_list *d = lineage_diag_list_new();
    lineage_ruleset_load_string(set, "t.rules", rules, len, d);
    assert_int_equal(lineage_ruleset_compile(set, d), LINEAGE_E_RULE);
    assert_int_equal(lineage_diag_list_count(d), 1);
    char *text = lineage_diag_format(lineage_diag_list_get(d, 0));
    lineage_diag_list_free(d);
    lineage_ruleset_free(set);
    lineage_session_free(s);
    return text;
}

#define assert_only_error(rules, expected)                                                        \
    do {                                                                                          \
        char *got_ = only_error((rules), sizeof(rules) - 1);                                      \
        assert_string_equal(got_, (expected));                                                    \
        free(got_);                                                                               \
    } while (0)

#define BOM "\xEF\xBB\xBF"

/* A leading UTF-8 byte-order mark is skipped: the rule loads and matches,
 * and line 1 counts columns from the character after it (the excerpt
 * leaves it out, so the caret lines up). Only one, and only first. */
static void test_bom(void **state)
{
    (void)state;
    assert_rule_matches(BOM RULE("parent /^svchost\\.exe$/ is /^wininit\\.exe$/"), base, "t");
    assert_rule_matches(BOM RULE("parent /^lsass\\.exe$/ is /^wininit\\.exe$/"), base, "");
    assert_rule_error(BOM "rule Bad {\n severity high\n title \"t\"\n alive /x/\n}\n", 1, 6);
    assert_only_error(BOM "@\n", "t.rules:1:1: error: unexpected character '@'\n @\n ^\n");
    assert_only_error(BOM "  @\n", "t.rules:1:3: error: unexpected character '@'\n   @\n   ^\n");
    assert_rule_error(BOM BOM "\n", 1, 1);
    assert_rule_error("\n" BOM "\n", 2, 1);
}

/* A NUL byte anywhere (in a string, a comment, between tokens) is one
 * error at the first one, not a string silently cut short. */
static void test_nul_byte(void **state)
{
    (void)state;
    assert_only_error("rule t {\n severity high\n title \"x\0y\"\n alive /x/\n}\n",
                      "t.rules:3:10: error: NUL byte in a rule file\n"
                      "  title \"x\\x00y\"\n          ^\n");
    assert_only_error(RULE("alive /x/") "# a \0 comment\n\0\0",
                      "t.rules:6:5: error: NUL byte in a rule file\n # a \\x00 comment\n     ^\n");
    assert_only_error("\0", "t.rules:1:1: error: NUL byte in a rule file\n \\x00\n ^\n");
    assert_only_error(BOM "\0", "t.rules:1:1: error: NUL byte in a rule file\n \\x00\n ^\n");
}

/* A FIFO as a rule file or an include is refused at once, as a directory
 * is, instead of blocking in open() for a writer that never comes. The
 * alarm turns a hang into a failure. */
static void test_fifo_refused(void **state)
{
    (void)state;
    char dir[] = "/tmp/lineage-rules-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char fifo[256], inc[256];
    strbuf expected = STRBUF_INIT;
    snprintf(fifo, sizeof fifo, "%s/fifo.rules", dir);
    snprintf(inc, sizeof inc, "%s/inc.rules", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    FILE *f = fopen(inc, "w");
    assert_non_null(f);
    fputs("include \"fifo.rules\"\n", f);
    fclose(f);
    alarm(10);

    lineage_session *s = lineage_session_new();
    lineage_ruleset *set = lineage_ruleset_new(s);
    lineage_diag_list *d = lineage_diag_list_new();
    assert_int_equal(lineage_ruleset_load_file(set, fifo, d), LINEAGE_E_IO);
    assert_int_equal(lineage_diag_list_count(d), 1);
    char *text = lineage_diag_format(lineage_diag_list_get(d, 0));
    strbuf_printf(&expected, "%s: error: cannot read rule file: not a regular file\n", fifo);
    assert_string_equal(text, expected.data);
    free(text);
    lineage_diag_list_free(d);
    lineage_ruleset_free(set);

    set = lineage_ruleset_new(s);
    d = lineage_diag_list_new();
    assert_int_equal(lineage_ruleset_load_file(set, inc, d), LINEAGE_E_IO);
    assert_int_equal(lineage_diag_list_count(d), 1);
    text = lineage_diag_format(lineage_diag_list_get(d, 0));
    expected.len = 0;
    strbuf_printf(&expected,
                  "%s:1:9: error: cannot read included file '%s': not a regular file\n"
                  " include \"fifo.rules\"\n         ^\n",
                  inc, fifo);
    assert_string_equal(text, expected.data);
    free(text);
    lineage_diag_list_free(d);
    lineage_ruleset_free(set);
    lineage_session_free(s);

    alarm(0);
    strbuf_release(&expected);
    remove(inc);
    remove(fifo);
    rmdir(dir);
}

static void test_defaults_load(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_ruleset *set = lineage_ruleset_new(s);
    lineage_diag_list *d = lineage_diag_list_new();
    assert_int_equal(lineage_ruleset_load_defaults(set, d), LINEAGE_OK);
    assert_int_equal(lineage_ruleset_compile(set, d), LINEAGE_OK);
    assert_int_equal(lineage_diag_list_count(d), 0);
    if (lineage_default_rule_file_count())
        assert_true(lineage_ruleset_rule_count(set) > 0);
    lineage_diag_list_free(d);
    lineage_ruleset_free(set);
    lineage_session_free(s);
}

static void test_json_writer(void **state)
{
    (void)state;
    strbuf sb = STRBUF_INIT;
    json_writer w;
    json_init(&w, &sb);
    json_begin_object(&w);
    json_key(&w, "s");
    json_string_n(&w, "a\"b\\c\n\x01\x7f\xff\xc3\xa9", 11);
    json_key(&w, "n");
    json_int(&w, -5);
    json_key(&w, "a");
    json_begin_array(&w);
    json_uint(&w, 18446744073709551615u);
    json_bool(&w, 1);
    json_null(&w);
    json_end_array(&w);
    json_key(&w, "e");
    json_begin_array(&w);
    json_end_array(&w);
    json_end_object(&w);
    json_release(&w);
    assert_string_equal(sb.data, "{\n  \"s\": \"a\\\"b\\\\c\\n\\u0001\\u007f\\ufffd\xc3\xa9\",\n"
                                 "  \"n\": -5,\n  \"a\": [\n    18446744073709551615,\n    true,\n"
                                 "    null\n  ],\n  \"e\": []\n}\n");
    strbuf_release(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parent),
        cmocka_unit_test(test_ancestry),
        cmocka_unit_test(test_children),
        cmocka_unit_test(test_count),
        cmocka_unit_test(test_alive_exited_absent),
        cmocka_unit_test(test_pid),
        cmocka_unit_test(test_lookalike),
        cmocka_unit_test(test_cut_names),
        cmocka_unit_test(test_share_names),
        cmocka_unit_test(test_os_scope),
        cmocka_unit_test(test_assumed_build),
        cmocka_unit_test(test_build_from_name),
        cmocka_unit_test(test_layering),
        cmocka_unit_test(test_levels_and_suppress),
        cmocka_unit_test(test_set_level_out_of_range),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_every_error_reported),
        cmocka_unit_test(test_match_limit),
        cmocka_unit_test(test_ancestry_depth_limit),
        cmocka_unit_test(test_includes),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_fifo_refused),
        cmocka_unit_test(test_defaults_load),
        cmocka_unit_test(test_json_writer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
