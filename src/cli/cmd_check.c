/* lineage check: evaluate rules over every dump and report findings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "inputs.h"
#include "rules_cli.h"
#include "scan_input.h"
#include "term.h"

enum { OPT_FAIL_ON = 1, OPT_FORMAT };

static const cli_option check_options[] = {
    {"rules", 'r', "PATH", "also load the rule file PATH (repeatable; - is standard input)", CLI_OPT_RULES},
    {"no-default-rules", 0, NULL, "do not load the rules built into lineage", CLI_OPT_NO_DEFAULTS},
    {"disable", 0, "ID", "disable the rule ID (repeatable)", CLI_OPT_DISABLE},
    {"severity", 0, "ID=LEVEL", "give the rule ID another level (repeatable)", CLI_OPT_SEVERITY},
    {"assume-os", 0, "OS",
     "check dumps whose listing gives no OS build as OS: 2000, xp, 2003, vista, 7, 8, 8.1, 10, 11 "
     "(the newest build of it) or a build number",
     CLI_OPT_ASSUME_OS},
    {"fail-on", 0, "LEVEL", "exit 1 when a finding is at or above LEVEL (default high)",
     OPT_FAIL_ON},
    {"format", 0, "FORMAT", "text (default) or json", OPT_FORMAT},
    {"strict", 0, NULL, "treat warnings about the input as errors (exit 3)", CLI_OPT_STRICT},
    {"input-format", 0, "NAME", "read the input as NAME instead of detecting it",
     CLI_OPT_INPUT_FORMAT},
    {"scan", 0, "FILE", "a scan listing (psscan) of the same image as the one list FILE: processes "
                        "only the scan saw are added, marked hidden or exited, and checked too",
     CLI_OPT_SCAN},
    {"jobs", 'j', "N", "check on N worker threads: files, and pieces of a large kd listing, at a time (0: one per CPU; default 1)",
     CLI_OPT_JOBS},
    {0},
};

static const cli_command check_command = {
    "check", "[options] FILE...",
    "Check every dump's process ancestry against the rules and report findings. Exit codes: 0 no "
    "unsuppressed finding at or above --fail-on, 1 some, 2 usage, 3 input error, 4 rule error.",
    check_options,
};

typedef struct check_ctx {
    cli_rules_options rules;
    cli_input_options input;
    lineage_level fail_on;
    int json;
    const lineage_ruleset *set;
    lineage_checker *checker;
    lineage_session *session; /* workers: their own */
    FILE *out, *err;          /* stdout and stderr, or a worker's buffers */
    int printed;
    int failed_findings;
    int rule_errors;
} check_ctx;

static int on_option(void *p, int id, const char *value)
{
    check_ctx *c = p;
    int taken = cli_input_option("check", &c->input, id, value);
    if (taken < 0)
        taken = cli_rules_option("check", &c->rules, id, value);
    if (taken >= 0)
        return taken;
    if (id == OPT_FAIL_ON)
        return cli_parse_fail_on("check", value, &c->fail_on);
    if (strcmp(value, "json") != 0 && strcmp(value, "text") != 0) { /* OPT_FORMAT */
        cli_bad_value("check", "format", "text or json", value);
        return 0;
    }
    c->json = value[0] == 'j';
    return 1;
}

static int put(check_ctx *c, const char *s) { return fputs(s, c->out) != EOF; }

/* What checking one dump found, kept until it is printed. */
typedef struct check_result {
    lineage_findings *findings;
    lineage_diag_list *diags;
    lineage_status status;
} check_result;

/* Checks dump d against the rules (the part of check_dump that walks the
 * dump: with -j, done while the dump is still in the cache, even when its
 * number, which the output shows, is not known yet). */
static void *check_analyze(void *p, const lineage_dump *d)
{
    check_ctx *c = p;
    check_result *r = calloc(1, sizeof *r);
    if (!r)
        return NULL; /* check_render reports it */
    r->findings = lineage_findings_new();
    r->diags = lineage_diag_list_new();
    r->status = lineage_checker_check(c->checker, d, r->findings, r->diags);
    return r;
}

/* ", checked as Windows 10 22H2 build 19045 (--assume-os)": what the
 * summary of a dump of unknown build adds when a build is assumed. */
static void describe_assumed_os(char *buf, size_t size, unsigned build)
{
    lineage_os_info os;
    int known = lineage_os_from_build(build, &os);
    snprintf(buf, size, ", checked as %s%s%s build %u (--assume-os)",
             os.product ? os.product : "Windows", known && os.release[0] ? " " : "",
             known ? os.release : "", build);
}

/* Prints what check_analyze found and frees it. */
static int check_render(void *p, const lineage_dump *d, void *result)
{
    check_ctx *c = p;
    check_result *r = result;
    if (!r) {
        fputs("lineage: out of memory\n", c->err);
        return EXIT_INPUT;
    }
    lineage_findings *f = r->findings;
    cli_print_diags_to(c->err, r->diags);
    lineage_diag_list_free(r->diags);
    if (r->status != LINEAGE_OK)
        c->rule_errors = 1;
    free(r);
    if (lineage_findings_count_at_least(f, c->fail_on))
        c->failed_findings = 1;
    int ok;
    if (c->json) {
        char *obj = lineage_findings_render_json(f, d, 2);
        ok = put(c, c->printed++ ? ",\n    " : "    ") && put(c, obj);
        free(obj);
    } else {
        char *summary = lineage_dump_describe(d);
        char *text = lineage_findings_render_text_flags(
            f, d, cli_color_stdout() ? LINEAGE_RENDER_COLOR : 0);
        char assumed[96] = "";
        unsigned assumed_build = lineage_findings_assumed_build(f, d);
        if (assumed_build)
            describe_assumed_os(assumed, sizeof assumed, assumed_build);
        ok = (!c->printed++ || put(c, "\n")) && put(c, summary) && put(c, assumed) &&
             put(c, "\n") && put(c, text);
        free(summary);
        free(text);
    }
    lineage_findings_free(f);
    if (!ok) {
        fputs("lineage: cannot write to standard output\n", c->err);
        return EXIT_INPUT;
    }
    return EXIT_CLEAN;
}

static int check_dump(void *p, const lineage_dump *d)
{
    return check_render(p, d, check_analyze(p, d));
}

/* ---- -j: worker contexts ---------------------------------------------- */

static lineage_checker *new_checker(const check_ctx *c)
{
    lineage_checker *ck = lineage_checker_new(c->set);
    lineage_checker_assume_build(ck, c->rules.assumed_build);
    return ck;
}

static void *worker_new(void *p, lineage_session **session)
{
    const check_ctx *shared = p;
    check_ctx *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    *w = *shared;
    w->session = lineage_session_new();
    *session = w->session;
    /* Workers share the main thread's compiled rules (checking only reads
     * them); their sessions learn the names the rules spell. */
    lineage_ruleset_share_names(shared->set, w->session);
    w->checker = new_checker(w);
    w->failed_findings = w->rule_errors = 0;
    /* Every dump's output starts with its separator; the first printed
     * loses it (cli_jobs.separator). */
    w->printed = 1;
    return w;
}

static void worker_free(void *p, void *wp)
{
    check_ctx *shared = p, *w = wp;
    /* On the main thread, after every worker stopped (inputs.h). */
    shared->failed_findings |= w->failed_findings;
    shared->rule_errors |= w->rule_errors;
    lineage_checker_free(w->checker);
    free(w);
}

static void worker_output(void *wp, FILE *out, FILE *err)
{
    check_ctx *w = wp;
    w->out = out;
    w->err = err;
}

int cmd_check(int argc, char **argv)
{
    check_ctx c;
    memset(&c, 0, sizeof c);
    c.out = stdout;
    c.err = stderr;
    c.fail_on = LINEAGE_LEVEL_HIGH;
    cli_rules_init(&c.rules, argc);
    char **files = NULL;
    int nfiles, help;
    lineage_session *session = NULL;
    lineage_ruleset *set = NULL;
    int rc = cli_parse(&check_command, argc, argv, on_option, &c, &files, &nfiles, &help);
    if (rc != EXIT_CLEAN) {
        cli_rules_release(&c.rules);
        return rc;
    }
    if (help) {
        cli_print_help(&check_command, stdout);
        goto done;
    }
    if ((rc = cli_take_files("check", files, &nfiles, &c.input)) != EXIT_CLEAN ||
        (rc = cli_stdin_once("check", files, nfiles, c.rules.paths, c.rules.npaths, &c.input)) !=
            EXIT_CLEAN)
        goto done;
    session = lineage_session_new();
    rc = cli_rules_load(session, &c.rules, NULL, 0, &set);
    if (rc != EXIT_CLEAN)
        goto done;
    c.set = set;
    if (c.json)
        cli_write("{\n  \"dumps\": [\n");
    if (c.input.scan) {
        c.checker = new_checker(&c);
        rc = cli_read_with_scan(session, files[0], c.input.scan, &c.input, check_dump, &c);
    } else if (c.input.jobs > 1) {
        /* Each worker reads into a session of its own with a checker of
         * its own over the shared rules (see inputs.c); the flags they
         * raise are merged after. */
        check_ctx *shared = &c;
        cli_jobs jobs = {shared, worker_new, worker_free, worker_output, check_dump,
                         c.json ? 2 : 1, check_analyze, check_render};
        rc = cli_read_inputs_jobs(files, nfiles, &c.input, &jobs, &c.printed);
    } else {
        c.checker = new_checker(&c);
        rc = cli_read_inputs(session, files, nfiles, &c.input, check_dump, &c);
    }
    if (c.json)
        cli_write(c.printed ? "\n  ]\n}\n" : "  ]\n}\n");
    /* The worst outcome wins: rule error, input error, findings. */
    if (c.rule_errors)
        rc = EXIT_RULES;
    else if (rc == EXIT_CLEAN && c.failed_findings)
        rc = EXIT_FINDINGS;
    if (fflush(stdout) != 0 && rc != EXIT_INPUT) {
        cli_error("cannot write to standard output");
        rc = EXIT_INPUT;
    }
done:
    lineage_checker_free(c.checker);
    lineage_ruleset_free(set);
    lineage_session_free(session);
    free(files);
    cli_rules_release(&c.rules);
    return rc;
}
