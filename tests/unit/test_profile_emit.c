/* Profiles written as rules and as text, at their edges: image names with
 * '%', '/', quotes, backslashes and regex metacharacters give rules that
 * match the real names; rule IDs stay what they always were; counts that
 * merging would take past 2^64 - 1 are refused, never wrapped, and every
 * count the writer writes reads back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"
#include "rule_case.h"
#include "strbuf.h"

/* A listing whose image names are hard to write as keys, patterns, rule
 * IDs and strings; "a%b.exe" and "a/b.exe" give the same rule ID. */
#define ODD_LISTING(pct_parent)                                                                \
    "kd> .dumpdebug\n"                                                                         \
    "Parent+: 0x0000--->\tChild: 0x0004\tActiveThreads->0080\tSystem\n"                        \
    "Parent+: 0x0004--->\tChild: 0x0010\tActiveThreads->0002\ta%b.exe\n"                       \
    "Parent+: 0x0010--->\tChild: 0x0014\tActiveThreads->0001\tch/ild.exe\n"                    \
    "Parent+: 0x0004--->\tChild: 0x0018\tActiveThreads->0001\ta/b.exe\n"                       \
    "Parent+: 0x0004--->\tChild: 0x001c\tActiveThreads->0001\t%2F.exe\n"                       \
    "Parent+: 0x001c--->\tChild: 0x0020\tActiveThreads->0001\tq\"uote.exe\n"                   \
    "Parent+: 0x0020--->\tChild: 0x0024\tActiveThreads->0001\tback\\slash.exe\n"               \
    "Parent+: 0x0004--->\tChild: 0x0028\tActiveThreads->0001\ta..b.exe\n"                      \
    "Parent+: 0x0028--->\tChild: 0x002c\tActiveThreads->0003\tsp ace.exe\n"                    \
    "Parent+: 0x002c--->\tChild: 0x0034\tActiveThreads->0001\tre(g)+[x]*?{2}^$|.exe\n"         \
    "Parent+: 0x0034--->\tChild: 0x0038\tActiveThreads->0001\tMiXeD%.EXE\n"                    \
    "Parent+: " pct_parent "--->\tChild: 0x003c\tActiveThreads->0001\t100%\n"

static lineage_profile *learn_text(lineage_session *s, const char *listing)
{
    lineage_dump *d = read_one(s, listing);
    lineage_profile *p = lineage_profile_new(s);
    assert_int_equal(lineage_profile_add_dump(p, d), LINEAGE_OK);
    lineage_dump_free(d);
    return p;
}

static lineage_profile *parse_ok(lineage_session *s, const char *text)
{
    lineage_diag_list *diags = lineage_diag_list_new();
    lineage_profile *p = NULL;
    assert_int_equal(lineage_profile_parse(s, "t.profile", text, strlen(text), diags, &p),
                     LINEAGE_OK);
    lineage_diag_list_free(diags);
    return p;
}

/* A profile's text parses and is written back byte for byte. */
static void assert_reads_back(lineage_session *s, const char *text)
{
    lineage_profile *q = parse_ok(s, text);
    char *again = lineage_profile_write_text(q);
    assert_string_equal(text, again);
    free(again);
    lineage_profile_free(q);
}

/* The first diagnostic of a list, formatted, without its source excerpt. */
static char *first_diag(const lineage_diag_list *diags)
{
    assert_true(lineage_diag_list_count(diags) >= 1);
    char *msg = lineage_diag_format(lineage_diag_list_get(diags, 0));
    char *nl = strchr(msg, '\n');
    if (nl)
        *nl = '\0';
    return msg;
}

/* The first diagnostic of `len` bytes of profile that must not parse;
 * *count (when not NULL) gets the number of diagnostics. */
static char *parse_error_len(const char *text, size_t len, size_t *count)
{
    lineage_session *s = lineage_session_new();
    lineage_diag_list *diags = lineage_diag_list_new();
    lineage_profile *p = NULL;
    assert_int_not_equal(lineage_profile_parse(s, "t.profile", text, len, diags, &p), LINEAGE_OK);
    assert_null(p);
    char *msg = first_diag(diags);
    if (count)
        *count = lineage_diag_list_count(diags);
    lineage_diag_list_free(diags);
    lineage_session_free(s);
    return msg;
}

/* The first diagnostic of a profile that must not parse. */
static char *parse_error(const char *text) { return parse_error_len(text, strlen(text), NULL); }

/* ---- rules from odd names ---------------------------------------------- */

/* Learned rules pass on the dump they were learned from, and catch the
 * '%' name moved under another parent. */
static void test_odd_names_pass_their_own_rules(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_profile *p = learn_text(s, ODD_LISTING("0x0999"));
    char *rules = lineage_profile_emit_rules(p);
    strbuf findings = STRBUF_INIT, errors = STRBUF_INIT;
    assert_true(rule_case_run(rules, ODD_LISTING("0x0999"), &findings, &errors));
    assert_string_equal(errors.data ? errors.data : "", "");
    assert_string_equal(findings.data ? findings.data : "", "");

    /* "100%" under a%b.exe instead of no parent. */
    findings.len = 0;
    assert_true(rule_case_run(rules, ODD_LISTING("0x0010"), &findings, &errors));
    assert_string_equal(findings.data, "fleet.100- 0x3c\n");
    strbuf_release(&findings);
    strbuf_release(&errors);

    /* Patterns and titles name the real image names; IDs derive from them. */
    assert_non_null(strstr(rules, "\nrule fleet.a-b.exe {\n"
                                  "  severity medium\n"
                                  "  title \"a%b.exe outside the fleet's learned lineage\"\n"));
    assert_non_null(strstr(rules, "\nrule fleet.a-b.exe-2 {\n"));
    assert_non_null(strstr(rules, "  parent /^ch\\/ild\\.exe$/ is /^(?:a\\%b\\.exe)$/\n"));
    assert_non_null(strstr(rules, "  count /^\\%2f\\.exe$/ at most 1\n"));
    assert_null(strstr(rules, "%25"));
    assert_null(strstr(rules, "%2F"));
    free(rules);
    lineage_profile_free(p);
    lineage_session_free(s);
}

/* The text form keeps the key escapes in names and edges, and reads back
 * to the same text. */
static void test_odd_names_text_round_trip(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_profile *p = learn_text(s, ODD_LISTING("0x0999"));
    char *text = lineage_profile_write_text(p);
    assert_non_null(strstr(text, "\nname \"a%25b.exe\" dumps 1 "));
    assert_non_null(strstr(text, "\nname \"%252f.exe\" dumps 1 "));
    assert_non_null(strstr(text, "\nedge \"a%25b.exe\" \"ch%2Fild.exe\" dumps 1 "));
    assert_non_null(strstr(text, "\nname \"q\\\"uote.exe\" dumps 1 "));
    assert_reads_back(s, text);
    free(text);
    lineage_profile_free(p);
    lineage_session_free(s);
}

/* Image names with a C1 control (U+009B, CSI), a lone 0x9b byte, a
 * right-to-left override, a zero width space and a carriage return. */
#define INVISIBLE_LISTING                                                                      \
    "kd> .dumpdebug\n"                                                                         \
    "Parent+: 0x0000--->\tChild: 0x0004\tActiveThreads->0080\tSystem\n"                        \
    "Parent+: 0x0004--->\tChild: 0x0010\tActiveThreads->0001\tc1\xc2\x9b" "31m\x9b\xe2\x80\xae" \
    "txt.exe\n"                                                                                \
    "Parent+: 0x0010--->\tChild: 0x0014\tActiveThreads->0001\tsvc\xe2\x80\x8bhost.exe\n"      \
    "Parent+: 0x0004--->\tChild: 0x0018\tActiveThreads->0001\ta\r.exe\n"                     \
    "Parent+: 0x0004--->\tChild: 0x001c\tActiveThreads->0001\tlsass\xf3\xa0\x80\x81.exe\n"

/* True when text holds a byte a terminal or an editor would not show as
 * itself: a control byte, or the first byte of U+009B, U+200B, U+202E or
 * the tag character U+E0001. */
static int has_hidden_bytes(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if ((*p < 0x20 && *p != '\n') || *p == 0x7f || *p == 0x9b)
            return 1;
        if ((p[0] == 0xc2 && p[1] == 0x9b) || (p[0] == 0xe2 && p[1] == 0x80) ||
            (p[0] == 0xf3 && p[1] == 0xa0))
            return 1;
    }
    return 0;
}

/* A profile writes such names with \xNN escapes and reads them back to
 * the same bytes: the dump has no differences against it. */
static void test_invisible_names_in_profiles(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_profile *p = learn_text(s, INVISIBLE_LISTING);
    char *text = lineage_profile_write_text(p);
    assert_false(has_hidden_bytes(text));
    assert_non_null(strstr(text, "\nname \"c1\\xc2\\x9b31m\\x9b\\xe2\\x80\\xaetxt.exe\" dumps 1 "));
    assert_non_null(strstr(text, "\nname \"svc\\xe2\\x80\\x8bhost.exe\" dumps 1 "));
    assert_non_null(strstr(text, "\nname \"a\\x0d.exe\" dumps 1 "));
    assert_non_null(strstr(text, "\nname \"lsass\\xf3\\xa0\\x80\\x81.exe\" dumps 1 "));
    assert_reads_back(s, text);

    lineage_profile *q = parse_ok(s, text);
    lineage_dump *d = read_one(s, INVISIBLE_LISTING);
    lineage_diff *diff = NULL;
    assert_int_equal(lineage_diff_new(q, d, NULL, &diff), LINEAGE_OK);
    assert_int_equal(lineage_diff_count(diff), 0);
    lineage_diff_free(diff);
    lineage_dump_free(d);
    lineage_profile_free(q);
    free(text);
    lineage_profile_free(p);
    lineage_session_free(s);
}

/* Rules learned from such names escape them in patterns (as bytes, which
 * is how patterns match) and in titles (as terminal output shows them),
 * drop nothing, and pass on their own dump. */
static void test_invisible_names_in_rules(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_profile *p = learn_text(s, INVISIBLE_LISTING);
    char *rules = lineage_profile_emit_rules(p);
    assert_false(has_hidden_bytes(rules));
    assert_non_null(strstr(rules, "  title \"c1\\\\u009b31m\\\\x9b\\\\u202etxt.exe outside "));
    assert_non_null(strstr(rules, "  title \"svc\\\\u200bhost.exe outside "));
    assert_non_null(strstr(rules, "  title \"a\\\\r.exe outside "));
    assert_non_null(strstr(rules, "  title \"lsass\\\\U000e0001.exe outside "));
    assert_non_null(strstr(rules, "  count /^c1\\xc2\\x9b31m\\x9b\\xe2\\x80\\xaetxt\\.exe$/ at most 1\n"));
    assert_non_null(strstr(rules, "  parent /^svc\\xe2\\x80\\x8bhost\\.exe$/ is /^(?:c1\\xc2\\x9b31m"
                                  "\\x9b\\xe2\\x80\\xaetxt\\.exe)$/\n"));
    assert_non_null(strstr(rules, "  count /^a\\x0d\\.exe$/ at most 1\n"));
    strbuf findings = STRBUF_INIT, errors = STRBUF_INIT;
    assert_true(rule_case_run(rules, INVISIBLE_LISTING, &findings, &errors));
    assert_string_equal(errors.data ? errors.data : "", "");
    assert_string_equal(findings.data ? findings.data : "", "");
    strbuf_release(&findings);
    strbuf_release(&errors);
    free(rules);
    lineage_profile_free(p);
    lineage_session_free(s);
}

/* Names in a profile are key components: a bare '/' or a '%' that is not
 * %25 or %2F is refused (nothing the writer writes has one). */
static void test_reader_refuses_unescaped_names(void **state)
{
    (void)state;
    static const char body[] = " dumps 1 count 1 1 total 1 exited 0 threads - - at \"x\" 3\n";
    char text[256];
    snprintf(text, sizeof text, "lineage-profile 1\ndumps 1\nname \"a%%b.exe\"%s", body);
    char *msg = parse_error(text);
    assert_string_equal(msg, "t.profile:3:6: error: a '%' in an image name is written %25 "
                             "(and a '/' %2F)");
    free(msg);
    snprintf(text, sizeof text, "lineage-profile 1\ndumps 1\nedge \"a/b\" \"c.exe\"%s", body);
    msg = parse_error(text);
    assert_string_equal(msg, "t.profile:3:6: error: a '/' in an image name is written %2F");
    free(msg);
    snprintf(text, sizeof text, "lineage-profile 1\ndumps 1\nkey \"?/x%%2\"%s", body);
    msg = parse_error(text);
    assert_string_equal(msg, "t.profile:3:5: error: a '%' in an image name is written %25 "
                             "(and a '/' %2F)");
    free(msg);
    lineage_session *s = lineage_session_new();
    snprintf(text, sizeof text, "lineage-profile 1\ndumps 1\nkey \"?/x%%2F%%25\"%s", body);
    lineage_profile_free(parse_ok(s, text));
    lineage_session_free(s);
}

/* Image names that are the key's marks: "?" (absent parent), "(top)" (a
 * top's parent), "..." (names left out of a deep chain). */
#define MARK_LISTING(top_parent)                                                               \
    "kd> .dumpdebug\n"                                                                         \
    "Parent+: 0x0000--->\tChild: 0x0004\tActiveThreads->0080\tSystem\n"                        \
    "Parent+: 0x0004--->\tChild: 0x0010\tActiveThreads->0002\t?\n"                             \
    "Parent+: " top_parent "--->\tChild: 0x0014\tActiveThreads->0001\t(top)\n"                 \
    "Parent+: 0x0014--->\tChild: 0x0018\tActiveThreads->0001\t...\n"

/* They are escaped in the profile, read back, and name the real names in
 * rules: "(top)" under the process "?" is not a process without a parent,
 * so it moved to having none is a finding. */
static void test_mark_names(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_profile *p = learn_text(s, MARK_LISTING("0x0010"));
    char *text = lineage_profile_write_text(p);
    assert_non_null(strstr(text, "\nedge \"%3F\" \"%28top)\" dumps 1 "));
    assert_non_null(strstr(text, "\nedge \"%28top)\" \"%2E..\" dumps 1 "));
    assert_non_null(strstr(text, "\nkey \"system/%3F/%28top)/%2E..\" dumps 1 "));
    assert_reads_back(s, text);
    free(text);

    char *rules = lineage_profile_emit_rules(p);
    assert_non_null(strstr(rules, "  parent /^\\(top\\)$/ is /^(?:\\?)$/\n"));
    assert_non_null(strstr(rules, "  parent /^\\.\\.\\.$/ is /^(?:\\(top\\))$/\n"));
    strbuf findings = STRBUF_INIT, errors = STRBUF_INIT;
    assert_true(rule_case_run(rules, MARK_LISTING("0x0010"), &findings, &errors));
    assert_string_equal(errors.data ? errors.data : "", "");
    assert_string_equal(findings.data ? findings.data : "", "");
    assert_true(rule_case_run(rules, MARK_LISTING("0x0999"), &findings, &errors));
    assert_string_equal(findings.data, "fleet.-top- 0x14\n");
    strbuf_release(&findings);
    strbuf_release(&errors);
    free(rules);
    lineage_profile_free(p);
    lineage_session_free(s);
}

/* An escaped mark is taken only as a whole name or a whole part of a key;
 * anywhere else its '%' is an unescaped one. */
static void test_reader_mark_escapes(void **state)
{
    (void)state;
    static const char body[] = " dumps 1 count 1 1 total 1 exited 0 threads - - at \"x\" 3\n";
    static const char *const refused[] = {
        "name \"%3Fx\"", "name \"a%28top)\"", "edge \"%2E.\" \"x\"", "key \"s/%3F.exe\"",
        "key \"s/%2E../x%3F\"",
    };
    char text[256];
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        snprintf(text, sizeof text, "lineage-profile 1\ndumps 1\n%s%s", refused[i], body);
        char *msg = parse_error(text);
        assert_non_null(strstr(msg, "error: a '%' in an image name is written %25"));
        free(msg);
    }
    static const char *const taken[] = {
        "name \"%3F\"", "edge \"%28top)\" \"%2E..\"", "key \"?/%3F/%28top)\"",
        "key \"%2E../x/.../%3F\"",
    };
    lineage_session *s = lineage_session_new();
    for (size_t i = 0; i < sizeof taken / sizeof taken[0]; i++) {
        snprintf(text, sizeof text, "lineage-profile 1\ndumps 1\n%s%s", taken[i], body);
        lineage_profile_free(parse_ok(s, text));
    }
    lineage_session_free(s);
}

/* ---- rule IDs ----------------------------------------------------------- */

/* The IDs as they were first defined: each name's base ID, or the first
 * "-N" (N = 2, 3, ...) no earlier name has, searched name by name. */
static char **reference_ids(const char *const *names, size_t n)
{
    char **ids = calloc(n, sizeof *ids);
    for (size_t i = 0; i < n; i++) {
        strbuf sb = STRBUF_INIT;
        strbuf_puts(&sb, "fleet.");
        for (const char *q = names[i]; *q; q++) {
            char ch = *q;
            int ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                     (ch == '.' && sb.data[sb.len - 1] != '.');
            strbuf_putc(&sb, ok ? ch : '-');
        }
        size_t base = sb.len;
        for (unsigned k = 2;; k++) {
            int clash = 0;
            for (size_t j = 0; j < i && !clash; j++)
                clash = strcmp(ids[j], sb.data) == 0;
            if (!clash)
                break;
            sb.len = base;
            strbuf_printf(&sb, "-%u", k);
        }
        ids[i] = strbuf_detach(&sb);
    }
    return ids;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The rule IDs of emitted rules, in order, checked against `want`. */
static void assert_emitted_ids(const char *rules, const char *const *want, size_t n)
{
    const char *at = rules;
    for (size_t i = 0; i < n; i++) {
        at = strstr(at, "\nrule ");
        assert_non_null(at);
        at += 6;
        const char *end = strchr(at, ' ');
        assert_non_null(end);
        char got[64];
        assert_true((size_t)(end - at) < sizeof got);
        memcpy(got, at, (size_t)(end - at));
        got[end - at] = '\0';
        assert_string_equal(got, want[i]);
    }
    assert_null(strstr(at, "\nrule "));
}

/* A profile with a name fact for each of names[0..n). */
static lineage_profile *profile_of_names(lineage_session *s, const char *const *names,
                                         size_t n)
{
    strbuf text = STRBUF_INIT;
    strbuf_puts(&text, "lineage-profile 1\ndumps 1\n");
    for (size_t i = 0; i < n; i++)
        strbuf_printf(&text,
                      "name \"%s\" dumps 1 count 1 1 total 1 exited 0 threads - - at \"x\" 1\n",
                      names[i]);
    lineage_profile *p = parse_ok(s, text.data);
    strbuf_release(&text);
    return p;
}

/* Suffixes that meet other names' IDs, by hand. */
static void test_rule_id_suffixes(void **state)
{
    (void)state;
    const char *const names[] = {"a#", "a$", "a-", "a--2", "a-2"};
    const char *const want[] = {"fleet.a-", "fleet.a--2", "fleet.a--3", "fleet.a--2-2",
                                "fleet.a-2"};
    lineage_session *s = lineage_session_new();
    lineage_profile *p = profile_of_names(s, names, 5);
    char *rules = lineage_profile_emit_rules(p);
    assert_emitted_ids(rules, want, 5);
    free(rules);
    lineage_profile_free(p);
    lineage_session_free(s);
}

/* Every name of up to four bytes from "a-2#." (IDs clash, suffixes meet
 * names ending in "-2", dots double): the same IDs as the definition. */
static void test_rule_ids_as_defined(void **state)
{
    (void)state;
    static const char alphabet[] = "a-2#.";
    char **names = NULL;
    size_t n = 0;
    for (size_t len = 1; len <= 4; len++) {
        size_t count = 1;
        for (size_t i = 0; i < len; i++)
            count *= 5;
        names = realloc(names, (n + count) * sizeof *names);
        for (size_t k = 0; k < count; k++) {
            char *nm = calloc(len + 1, 1);
            for (size_t i = 0, x = k; i < len; i++, x /= 5)
                nm[i] = alphabet[x % 5];
            names[n++] = nm;
        }
    }
    qsort(names, n, sizeof *names, compare_strings);
    const char *const *sorted = (const char *const *)names;
    char **want = reference_ids(sorted, n);
    lineage_session *s = lineage_session_new();
    lineage_profile *p = profile_of_names(s, sorted, n);
    char *rules = lineage_profile_emit_rules(p);
    assert_emitted_ids(rules, (const char *const *)want, n);
    free(rules);
    lineage_profile_free(p);
    lineage_session_free(s);
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
        free(want[i]);
    }
    free(names);
    free(want);
}

/* ---- counts at the top of the range ------------------------------------ */

#define MAX_TEXT "18446744073709551615"
#define FACT(word, what, dumps, total)                                                          \
    word " " what " dumps " dumps " count 1 1 total " total                                    \
         " exited 0 threads 1 9 at \"x.txt\" 3\n"

/* A profile with every count that merging adds set to `n`. */
static char *profile_counting(const char *n)
{
    strbuf sb = STRBUF_INIT;
    strbuf_printf(&sb, "lineage-profile 1\ndumps %s\nbuild 7601 dumps %s\n", n, n);
    static const char *const facts[] = {"name \"a%25b.exe\"", "edge \"?\" \"a%25b.exe\"",
                                        "key \"?/a%25b.exe\""};
    for (size_t i = 0; i < 3; i++)
        strbuf_printf(&sb, "%s dumps %s count 1 1 total %s exited 0 threads 1 9 at \"x.txt\" 3\n",
                      facts[i], n, n);
    return strbuf_detach(&sb);
}

/* Half of 2^64 - 2 in every count, twice: the sum is written and read back. */
static void test_merge_to_the_largest_counts(void **state)
{
    (void)state;
    char *half = profile_counting("9223372036854775807");
    char *sum = profile_counting("18446744073709551614");
    lineage_session *s = lineage_session_new();
    lineage_profile *p = parse_ok(s, half);
    lineage_profile *q = parse_ok(s, half);
    assert_int_equal(lineage_profile_merge(p, q), LINEAGE_OK);
    char *text = lineage_profile_write_text(p);
    assert_string_equal(text, sum);
    lineage_profile *r = parse_ok(s, text);
    char *again = lineage_profile_write_text(r);
    assert_string_equal(again, sum);
    free(again);
    free(text);
    free(half);
    free(sum);
    lineage_profile_free(r);
    lineage_profile_free(q);
    lineage_profile_free(p);
    lineage_session_free(s);
}

/* Merges `from` into `into` expecting a refusal with this message; `into`
 * must be unchanged. */
static void assert_merge_refused(const char *into, const char *from, const char *message)
{
    lineage_session *s = lineage_session_new();
    lineage_profile *p = parse_ok(s, into);
    lineage_profile *q = parse_ok(s, from);
    char *before = lineage_profile_write_text(p);
    lineage_diag_list *diags = lineage_diag_list_new();
    assert_int_equal(lineage_profile_merge_from(p, q, "b.profile", diags), LINEAGE_E_LIMIT);
    assert_int_equal(lineage_diag_list_count(diags), 1);
    char *msg = first_diag(diags);
    assert_string_equal(msg, message);
    char *after = lineage_profile_write_text(p);
    assert_string_equal(before, after);
    assert_int_equal(lineage_profile_merge(p, q), LINEAGE_E_LIMIT);
    free(msg);
    free(before);
    free(after);
    lineage_diag_list_free(diags);
    lineage_profile_free(q);
    lineage_profile_free(p);
    lineage_session_free(s);
}

/* Every count merging adds: refused one past the largest, whichever it is. */
static void test_merge_refuses_overflow(void **state)
{
    (void)state;
    assert_merge_refused("lineage-profile 1\ndumps 10000000000000000000\n",
                         "lineage-profile 1\ndumps 10000000000000000000\n",
                         "b.profile: error: cannot merge: dumps would be 10000000000000000000 + "
                         "10000000000000000000, past the largest count " MAX_TEXT);
    /* A build's or a fact's dumps are at most the profile's (the reader
     * checks it), so the profile's own sum is the first to pass. */
    assert_merge_refused("lineage-profile 1\ndumps 2\nbuild 0 dumps 1\nbuild 7601 dumps 1\n",
                         "lineage-profile 1\ndumps " MAX_TEXT "\nbuild 7601 dumps " MAX_TEXT "\n",
                         "b.profile: error: cannot merge: dumps would be 2 + " MAX_TEXT
                         ", past the largest count " MAX_TEXT);
    assert_merge_refused("lineage-profile 1\ndumps 1\n" FACT("name", "\"x.exe\"", "1", "5"),
                         "lineage-profile 1\ndumps " MAX_TEXT "\n"
                         FACT("name", "\"x.exe\"", MAX_TEXT, MAX_TEXT),
                         "b.profile: error: cannot merge: dumps would be 1 + " MAX_TEXT
                         ", past the largest count " MAX_TEXT);
    assert_merge_refused(
        "lineage-profile 1\ndumps 1\n" FACT("edge", "\"?\" \"x.exe\"", "1", "5"),
        "lineage-profile 1\ndumps 1\n" FACT("edge", "\"?\" \"x.exe\"", "1", MAX_TEXT),
        "b.profile: error: cannot merge: total of edge \"?\" \"x.exe\" would be 5 + " MAX_TEXT
        ", past the largest count " MAX_TEXT);
    assert_merge_refused("lineage-profile 1\ndumps 1\n" FACT("key", "\"?/x.exe\"", "1", "5"),
                         "lineage-profile 1\ndumps 1\n" FACT("key", "\"?/x.exe\"", "1",
                                                             "18446744073709551611"),
                         "b.profile: error: cannot merge: total of key \"?/x.exe\" would be 5 + "
                         "18446744073709551611, past the largest count " MAX_TEXT);
}

/* Learning a dump into a profile whose dump count is full is refused. */
static void test_add_dump_refuses_overflow(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_profile *p = parse_ok(s, "lineage-profile 1\ndumps " MAX_TEXT "\n");
    lineage_dump *d = read_one(s, ODD_LISTING("0x0999"));
    assert_int_equal(lineage_profile_add_dump(p, d), LINEAGE_E_LIMIT);
    char *text = lineage_profile_write_text(p);
    assert_string_equal(text, "lineage-profile 1\ndumps " MAX_TEXT "\n");
    free(text);
    lineage_dump_free(d);
    lineage_profile_free(p);
    lineage_session_free(s);
}

/* The reader takes every count up to 2^64 - 1 (thread counts up to 2^64 - 2:
 * the largest is "-"), nothing past it, and each build once, in order. */
static void test_reader_range(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    static const char top[] =
        "lineage-profile 1\ndumps " MAX_TEXT "\nbuild 0 dumps " MAX_TEXT "\n"
        "name \"x.exe\" dumps " MAX_TEXT " count " MAX_TEXT " " MAX_TEXT " total " MAX_TEXT
        " exited " MAX_TEXT " threads 18446744073709551614 18446744073709551614 at \"x\" 1\n";
    lineage_profile *p = parse_ok(s, top);
    char *text = lineage_profile_write_text(p);
    assert_string_equal(text, top);
    free(text);
    lineage_profile_free(p);
    lineage_session_free(s);

    char *msg = parse_error("lineage-profile 1\ndumps 18446744073709551616\n");
    assert_string_equal(msg, "t.profile:2:7: error: number out of range (the largest is " MAX_TEXT
                             ")");
    free(msg);
    msg = parse_error("lineage-profile 1\ndumps 1\n" FACT("name", "\"x.exe\"", "1", "1")
                          "name \"y.exe\" dumps 1 count 1 1 total 1 exited 0 threads 1 " MAX_TEXT
                          " at \"x\" 1\n");
    assert_string_equal(msg, "t.profile:4:59: error: number out of range (the largest is "
                             "18446744073709551614)");
    free(msg);
    msg = parse_error("lineage-profile 1\ndumps 2\nbuild 7601 dumps 1\nbuild 7601 dumps 1\n");
    assert_string_equal(msg, "t.profile:4:1: error: build lines must be in increasing order, "
                             "each build once");
    free(msg);
}

/* ---- dumps a profile claims ------------------------------------------- */

/* No fact and no build was seen in more dumps than the profile holds, and
 * the builds together in no more: each line that says otherwise is named,
 * with the caret on its count, wherever the `dumps` line is. */
static void test_reader_dumps_claims(void **state)
{
    (void)state;
    char *msg = parse_error("lineage-profile 1\ndumps 2\n" FACT("name", "\"x.exe\"", "3", "3"));
    assert_string_equal(msg, "t.profile:3:20: error: name \"x.exe\" was seen in 3 dumps, more "
                             "than the profile's 2");
    free(msg);
    msg = parse_error("lineage-profile 1\ndumps 2\n" FACT("edge", "\"?\" \"x.exe\"", "3", "3"));
    assert_string_equal(msg, "t.profile:3:24: error: edge \"?\" \"x.exe\" was seen in 3 dumps, "
                             "more than the profile's 2");
    free(msg);
    msg = parse_error("lineage-profile 1\ndumps 2\n" FACT("key", "\"?/wininit.exe\"", "3", "3"));
    assert_string_equal(msg, "t.profile:3:27: error: key \"?/wininit.exe\" was seen in 3 dumps, "
                             "more than the profile's 2");
    free(msg);
    msg = parse_error("lineage-profile 1\ndumps 2\nbuild 7601 dumps 3\n");
    assert_string_equal(msg, "t.profile:3:18: error: build 7601 was seen in 3 dumps, more than "
                             "the profile's 2");
    free(msg);
    msg = parse_error("lineage-profile 1\ndumps 2\nbuild 0 dumps 1\nbuild 7601 dumps 1\n"
                      "build 9600 dumps 1\nbuild 10240 dumps 1\n");
    assert_string_equal(msg, "t.profile:5:18: error: builds up to 9600 were seen in 3 dumps, "
                             "more than the profile's 2");
    free(msg);
    /* A sum past 2^64 - 1 is said as one, not wrapped. */
    msg = parse_error("lineage-profile 1\ndumps " MAX_TEXT "\nbuild 0 dumps " MAX_TEXT
                      "\nbuild 1 dumps 1\n");
    assert_string_equal(msg, "t.profile:4:15: error: builds up to 1 were seen in " MAX_TEXT
                             " + 1 dumps, more than the profile's " MAX_TEXT);
    free(msg);

    /* Before the `dumps` line, and with none. */
    size_t n;
    msg = parse_error_len("lineage-profile 1\n" FACT("name", "\"x.exe\"", "3", "3")
                              "build 1 dumps 1\n" FACT("name", "\"y.exe\"", "2", "2") "dumps 2\n",
                          strlen("lineage-profile 1\n" FACT("name", "\"x.exe\"", "3", "3")
                                     "build 1 dumps 1\n" FACT("name", "\"y.exe\"", "2", "2")
                                         "dumps 2\n"),
                          &n);
    assert_string_equal(msg, "t.profile:2:20: error: name \"x.exe\" was seen in 3 dumps, more "
                             "than the profile's 2");
    assert_int_equal(n, 1);
    free(msg);
    msg = parse_error("lineage-profile 1\n" FACT("name", "\"x.exe\"", "1", "1"));
    assert_string_equal(msg, "t.profile:2:20: error: name \"x.exe\" was seen in 1 dump, more "
                             "than the profile's 0 (it has no 'dumps' line)");
    free(msg);
    /* A `dumps` line that is wrong says so; the claims are not checked
     * against a count never read. */
    static const char bad_total[] = "lineage-profile 1\n" FACT("name", "\"x.exe\"", "3", "3")
        "dumps x\n";
    msg = parse_error_len(bad_total, strlen(bad_total), &n);
    assert_string_equal(msg, "t.profile:3:7: error: expected a number");
    assert_int_equal(n, 1);
    free(msg);

    /* Every line that claims too much, each with its line and caret. */
    static const char two[] = "lineage-profile 1\ndumps 1\n" FACT("name", "\"x.exe\"", "1", "1")
        FACT("name", "\"y.exe\"", "2", "2") FACT("key", "\"?/y.exe\"", "2", "2");
    lineage_session *s = lineage_session_new();
    lineage_diag_list *diags = lineage_diag_list_new();
    lineage_profile *p = NULL;
    assert_int_equal(lineage_profile_parse(s, "t.profile", two, strlen(two), diags, &p),
                     LINEAGE_E_PARSE);
    assert_null(p);
    assert_int_equal(lineage_diag_list_count(diags), 2);
    char *full = lineage_diag_format(lineage_diag_list_get(diags, 1));
    assert_string_equal(full,
                        "t.profile:5:21: error: key \"?/y.exe\" was seen in 2 dumps, more than "
                        "the profile's 1\n"
                        " key \"?/y.exe\" dumps 2 count 1 1 total 2 exited 0 threads 1 9 at "
                        "\"x.txt\" 3\n"
                        "                     ^\n");
    free(full);
    lineage_diag_list_free(diags);

    /* As many as the profile holds, for facts and for the builds together. */
    lineage_profile_free(parse_ok(s, "lineage-profile 1\ndumps 2\nbuild 0 dumps 1\n"
                                     "build 7601 dumps 1\n" FACT("name", "\"x.exe\"", "2", "2")
                                     FACT("edge", "\"?\" \"x.exe\"", "2", "2")
                                     FACT("key", "\"?/x.exe\"", "2", "2")));
    lineage_session_free(s);
}

/* ---- encodings ---------------------------------------------------------- */

#define UTF8_BOM "\xEF\xBB\xBF"
#define SMALL_PROFILE                                                                            \
    "lineage-profile 1\ndumps 1\nbuild 7601 dumps 1\n" FACT("name", "\"x.exe\"", "1", "1")

/* The text in UTF-16 (big_endian or not), after `bom` when not NULL. */
static char *utf16(const char *text, const char *bom, size_t *len)
{
    size_t n = strlen(text), b = bom ? 2 : 0;
    char *out = calloc(b + 2 * n + 1, 1);
    if (bom)
        memcpy(out, bom, 2);
    int big_endian = bom && (unsigned char)bom[0] == 0xFE;
    for (size_t i = 0; i < n; i++)
        out[b + 2 * i + big_endian] = text[i];
    *len = b + 2 * n;
    return out;
}

/* A UTF-8 BOM (Windows editors write one) is skipped: the profile reads as
 * it would without, and lines and columns count from after it. */
static void test_reader_utf8_bom(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    assert_true(lineage_profile_sniff(UTF8_BOM SMALL_PROFILE, strlen(UTF8_BOM SMALL_PROFILE)));
    lineage_profile *p = parse_ok(s, UTF8_BOM SMALL_PROFILE);
    char *text = lineage_profile_write_text(p);
    assert_string_equal(text, SMALL_PROFILE);
    free(text);
    lineage_profile_free(p);
    lineage_session_free(s);
    char *msg = parse_error(UTF8_BOM "lineage-profile 2\n");
    assert_string_equal(msg, "t.profile:1:1: error: unsupported profile version (this lineage "
                             "reads version 1)");
    free(msg);
    msg = parse_error(UTF8_BOM);
    assert_string_equal(msg, "t.profile:1:1: error: empty file: not a lineage profile");
    free(msg);
}

/* UTF-16 (Windows PowerShell 5.1's `>`) is sniffed as a profile, so that
 * the reader can refuse it by name, in one message. */
static void test_reader_refuses_utf16(void **state)
{
    (void)state;
    static const struct {
        const char *bom, *message;
    } cases[] = {
        {"\xFF\xFE", "t.profile:1:1: error: a profile must be UTF-8; this file is UTF-16LE "
                     "(BOM FF FE)"},
        {"\xFE\xFF", "t.profile:1:1: error: a profile must be UTF-8; this file is UTF-16BE "
                     "(BOM FE FF)"},
        {NULL, "t.profile:1:1: error: a profile must be UTF-8; this file is UTF-16LE (no BOM)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len, n;
        char *text = utf16(SMALL_PROFILE, cases[i].bom, &len);
        assert_true(lineage_profile_sniff(text, len));
        char *msg = parse_error_len(text, len, &n);
        assert_string_equal(msg, cases[i].message);
        assert_int_equal(n, 1);
        free(msg);
        free(text);
    }
    /* A UTF-16 listing is not a profile. */
    size_t len;
    char *text = utf16("kd> !process 0 0\n", "\xFF\xFE", &len);
    assert_false(lineage_profile_sniff(text, len));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_odd_names_pass_their_own_rules),
        cmocka_unit_test(test_odd_names_text_round_trip),
        cmocka_unit_test(test_invisible_names_in_profiles),
        cmocka_unit_test(test_invisible_names_in_rules),
        cmocka_unit_test(test_reader_refuses_unescaped_names),
        cmocka_unit_test(test_mark_names),
        cmocka_unit_test(test_reader_mark_escapes),
        cmocka_unit_test(test_rule_id_suffixes),
        cmocka_unit_test(test_rule_ids_as_defined),
        cmocka_unit_test(test_merge_to_the_largest_counts),
        cmocka_unit_test(test_merge_refuses_overflow),
        cmocka_unit_test(test_add_dump_refuses_overflow),
        cmocka_unit_test(test_reader_range),
        cmocka_unit_test(test_reader_dumps_claims),
        cmocka_unit_test(test_reader_utf8_bom),
        cmocka_unit_test(test_reader_refuses_utf16),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
