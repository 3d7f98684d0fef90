/* The data-driven rule tests: every .test file under tests/rules, each a list
 * of cases
 *
 *   ### case: description
 *   --- rules        (optional; without it the default rules are used)
 *   --- listing
 *   --- expect       lines "rule-id 0xPID" (or "rule-id -"), or "none"
 *   --- errors       instead of expect: exact "line:col: error: message"
 *
 * A case passes when its unsuppressed findings, as a set, equal the
 * expected ones exactly. Every failing case is reported, not just the
 * first. */
#include <dirent.h>
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

typedef struct test_case {
    char *title;
    unsigned long line;
    strbuf rules, listing, expect, errors;
    int has_rules, has_expect, has_errors;
} test_case;

static int compare_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The expected findings, normalized like rule_case_run's output: sorted,
 * one per line, pids as lower-case hex with 0x. */
static void normalize_expect(const char *text, strbuf *out)
{
    char *copy = strdup(text ? text : "");
    char **lines = NULL;
    size_t n = 0;
    for (char *save = NULL, *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        char id[200], pid[64];
        if (sscanf(l, "%199s %63s", id, pid) == 2) {
            char buf[300];
            if (strcmp(pid, "-") == 0)
                snprintf(buf, sizeof buf, "%s -", id);
            else
                snprintf(buf, sizeof buf, "%s 0x%llx", id, strtoull(pid, NULL, 0));
            lines = realloc(lines, (n + 1) * sizeof *lines);
            lines[n++] = strdup(buf);
        } else if (sscanf(l, "%199s", id) == 1 && strcmp(id, "none") != 0) {
            lines = realloc(lines, (n + 1) * sizeof *lines);
            lines[n++] = strdup(l);
        }
    }
    if (n)
        qsort(lines, n, sizeof *lines, compare_lines);
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || strcmp(lines[i], lines[i - 1]) != 0)
            strbuf_printf(out, "%s\n", lines[i]);
    }
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
    free(copy);
}

/* Error lines only (warnings are not pinned unless listed). */
static void trim_blank_lines(strbuf *sb, strbuf *out)
{
    const char *s = sb->data ? sb->data : "";
    while (*s) {
        const char *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        size_t k = 0;
        while (k < len && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r'))
            k++;
        if (k < len) {
            strbuf_add(out, s, len);
            strbuf_putc(out, '\n');
        }
        s += len + (e ? 1 : 0);
    }
}

static int run_case(const char *file, test_case *c)
{
    strbuf got = STRBUF_INIT, errs = STRBUF_INIT, want = STRBUF_INIT, got_err = STRBUF_INIT;
    int ok = rule_case_run(c->has_rules ? (c->rules.data ? c->rules.data : "") : NULL,
                           c->listing.data ? c->listing.data : "", &got, &errs);
    int pass;
    if (c->has_errors) {
        trim_blank_lines(&c->errors, &want);
        trim_blank_lines(&errs, &got_err);
        pass = !ok && strcmp(want.data ? want.data : "", got_err.data ? got_err.data : "") == 0;
        if (!pass)
            fprintf(stderr, "%s:%lu: case '%s': diagnostics differ\n--- expected\n%s--- got\n%s",
                    file, c->line, c->title, want.data ? want.data : "",
                    got_err.data ? got_err.data : "");
    } else {
        normalize_expect(c->expect.data, &want);
        pass = ok && c->has_expect &&
               strcmp(want.data ? want.data : "", got.data ? got.data : "") == 0;
        if (!pass)
            fprintf(stderr,
                    "%s:%lu: case '%s': findings differ\n--- expected\n%s--- got\n%s%s%s",
                    file, c->line, c->title, want.data ? want.data : "",
                    got.data ? got.data : "", errs.len ? "--- diagnostics\n" : "",
                    errs.data ? errs.data : "");
    }
    strbuf_release(&got);
    strbuf_release(&errs);
    strbuf_release(&want);
    strbuf_release(&got_err);
    return pass;
}

static void release_case(test_case *c)
{
    free(c->title);
    strbuf_release(&c->rules);
    strbuf_release(&c->listing);
    strbuf_release(&c->expect);
    strbuf_release(&c->errors);
    memset(c, 0, sizeof *c);
}

/* Runs every case of one file; returns the number that failed and adds
 * the number run to *total. */
static size_t run_file(const char *path, const char *text, size_t *total)
{
    test_case c;
    memset(&c, 0, sizeof c);
    strbuf *section = NULL;
    int in_case = 0;
    size_t failed = 0;
    unsigned long lineno = 0;
    const char *s = text;
    for (;;) {
        const char *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        int at_end = !e && len == 0;
        lineno++;
        if (at_end || strncmp(s, "### case:", 9) == 0) {
            if (in_case) {
                (*total)++;
                if (!run_case(path, &c))
                    failed++;
                release_case(&c);
            }
            if (at_end)
                break;
            in_case = 1;
            const char *t = s + 9;
            while (*t == ' ')
                t++;
            c.title = strndup(t, len - (size_t)(t - s));
            c.line = lineno;
            section = NULL;
        } else if (in_case && strncmp(s, "--- ", 4) == 0) {
            const char *name = s + 4;
            size_t nl = len - 4;
            while (nl && (name[nl - 1] == ' ' || name[nl - 1] == '\r'))
                nl--;
            if (nl == 5 && strncmp(name, "rules", 5) == 0) {
                section = &c.rules;
                c.has_rules = 1;
            } else if (nl == 7 && strncmp(name, "listing", 7) == 0) {
                section = &c.listing;
            } else if (nl == 6 && strncmp(name, "expect", 6) == 0) {
                section = &c.expect;
                c.has_expect = 1;
            } else if (nl == 6 && strncmp(name, "errors", 6) == 0) {
                section = &c.errors;
                c.has_errors = 1;
            } else {
                fprintf(stderr, "%s:%lu: unknown section '%.*s'\n", path, lineno, (int)nl, name);
                failed++;
                section = NULL;
            }
            /* Sections start empty even when their text is "". */
            if (section)
                strbuf_add(section, "", 0);
        } else if (section) {
            strbuf_add(section, s, len);
            strbuf_putc(section, '\n');
        }
        if (!e)
            s += len;
        else
            s = e + 1;
    }
    release_case(&c);
    return failed;
}

static void test_all_rule_files(void **state)
{
    (void)state;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tests/rules", LINEAGE_SOURCE_DIR);
    DIR *d = opendir(dir);
    assert_non_null(d);
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l > 5 && strcmp(de->d_name + l - 5, ".test") == 0) {
            names = realloc(names, (n + 1) * sizeof *names);
            names[n++] = strdup(de->d_name);
        }
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, compare_lines);
    size_t failed = 0, total = 0;
    for (size_t i = 0; i < n; i++) {
        char rel[512];
        snprintf(rel, sizeof rel, "tests/rules/%s", names[i]);
        size_t len;
        char *text = read_source_file(rel, &len);
        size_t before = total;
        size_t f = run_file(rel, text, &total);
        printf("%s: %zu cases, %zu failed\n", rel, total - before, f);
        failed += f;
        free(text);
        free(names[i]);
    }
    free(names);
    printf("%zu files, %zu cases, %zu failed\n", n, total, failed);
    assert_true(n > 0);
    assert_true(total > 0);
    assert_int_equal(failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_rule_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
