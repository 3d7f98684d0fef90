/* lineage report: the written analysis of one or more dumps (findings,
 * differences against an optional baseline, the matrix, the trees), as
 * Markdown or HTML, to stdout or atomically to a file. */
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "cli.h"
#include "inputs.h"
#include "rules_cli.h"
#include "scan_input.h"

enum {
    OPT_BASELINE = 1,
    OPT_FORMAT,
    OPT_LANG,
    OPT_TEMPLATE,
    OPT_NO_PICTURES,
    OPT_OUTPUT,
    OPT_FAIL_ON,
    OPT_DATE,
    OPT_VALIDATE
};

static const cli_option report_options[] = {
    {"baseline", 'b', "FILE", "compare with a baseline dump file or profile (repeatable)",
     OPT_BASELINE},
    {"rules", 'r', "PATH", "also load the rule file PATH (repeatable; - is standard input)", CLI_OPT_RULES},
    {"no-default-rules", 0, NULL, "do not load the rules built into lineage", CLI_OPT_NO_DEFAULTS},
    {"disable", 0, "ID", "disable the rule ID (repeatable)", CLI_OPT_DISABLE},
    {"severity", 0, "ID=LEVEL", "give the rule ID another level (repeatable)", CLI_OPT_SEVERITY},
    {"assume-os", 0, "OS",
     "check dumps whose listing gives no OS build as OS (as check does); their facts say so",
     CLI_OPT_ASSUME_OS},
    {"format", 0, "FORMAT", "md (default), html, xml, json or sarif", OPT_FORMAT},
    {"validate", 0, NULL, "with --format xml: check the XML against the schema before writing",
     OPT_VALIDATE},
    {"lang", 0, "LANG", "en (default) or ja", OPT_LANG},
    {"template", 0, "DIR", "use the templates in DIR (report.md and its partials)", OPT_TEMPLATE},
    {"no-pictures", 0, NULL, "html: text trees only, no SVG pictures", OPT_NO_PICTURES},
    {"output", 'o', "FILE", "write the report to FILE (atomically) instead of stdout", OPT_OUTPUT},
    {"fail-on", 0, "LEVEL",
     "exit 1 when a finding or difference is at or above LEVEL (default high)", OPT_FAIL_ON},
    {"date", 0, "WHEN", "none: no date line (default: SOURCE_DATE_EPOCH, else now)", OPT_DATE},
    {"strict", 0, NULL, "treat warnings about the input as errors (exit 3)", CLI_OPT_STRICT},
    {"input-format", 0, "NAME", "read the input as NAME instead of detecting it",
     CLI_OPT_INPUT_FORMAT},
    {"scan", 0, "FILE", "a scan listing (psscan) of the same image as the one list FILE: processes "
                        "only the scan saw are added, marked hidden or exited",
     CLI_OPT_SCAN},
    {0},
};

static const cli_command report_command = {
    "report", "[options] FILE...",
    "Write the analysis report of every dump: verdict, facts, findings, differences against "
    "the baseline, the lineage matrix and the process trees. Exit codes as for check.",
    report_options,
};

typedef struct report_ctx {
    cli_rules_options rules;
    cli_input_options input;
    const char **baselines;
    int nbaselines;
    lineage_report_options ropts;
    int html;
    int machine; /* 0, or 'x' (xml), 'j' (json), 's' (sarif) */
    int validate;
    const char *output;
    lineage_level fail_on;
    int no_date;
} report_ctx;

static int on_option(void *p, int id, const char *value)
{
    report_ctx *c = p;
    int taken = cli_input_option("report", &c->input, id, value);
    if (taken < 0)
        taken = cli_rules_option("report", &c->rules, id, value);
    if (taken >= 0)
        return taken;
    switch (id) {
    case OPT_BASELINE:
        c->baselines[c->nbaselines++] = value;
        break;
    case OPT_FORMAT:
        c->html = 0;
        c->machine = 0;
        if (strcmp(value, "md") == 0 || strcmp(value, "markdown") == 0)
            c->html = 0;
        else if (strcmp(value, "html") == 0)
            c->html = 1;
        else if (strcmp(value, "xml") == 0 || strcmp(value, "json") == 0 ||
                 strcmp(value, "sarif") == 0)
            c->machine = value[0];
        else {
            cli_bad_value("report", "format", "md, html, xml, json or sarif", value);
            return 0;
        }
        break;
    case OPT_LANG:
        if (strcmp(value, "en") != 0 && strcmp(value, "ja") != 0) {
            cli_bad_value("report", "lang", "en or ja", value);
            return 0;
        }
        c->ropts.lang = value;
        break;
    case OPT_TEMPLATE:
        c->ropts.template_dir = value;
        break;
    case OPT_NO_PICTURES:
        c->ropts.no_pictures = 1;
        break;
    case OPT_OUTPUT:
        c->output = value;
        break;
    case OPT_FAIL_ON:
        return cli_parse_fail_on("report", value, &c->fail_on);
    case OPT_DATE:
        if (strcmp(value, "none") != 0) {
            cli_error("report: --date takes only 'none' (the date comes from "
                      "SOURCE_DATE_EPOCH, else the clock), not '%s'",
                      value);
            return 0;
        }
        c->no_date = 1;
        break;
    case OPT_VALIDATE:
        c->validate = 1;
        break;
    }
    return 1;
}

/* Checks one dump with the rules and hands it to the report, which frees
 * it. Returns EXIT_RULES when a rule failed, else EXIT_CLEAN. */
static int add_dump(lineage_checker *checker, lineage_report *report, lineage_dump *d)
{
    int status = EXIT_CLEAN;
    lineage_findings *found = lineage_findings_new();
    lineage_diag_list *diags = lineage_diag_list_new();
    if (lineage_checker_check(checker, d, found, diags) != LINEAGE_OK)
        status = EXIT_RULES;
    cli_print_diags(diags);
    lineage_diag_list_free(diags);
    lineage_report_add_dump(report, d, found);
    return status;
}

/* Reads every dump of every file into the report, checking each with the
 * rules. The report keeps the dumps, so this reads with its own loop
 * rather than cli_read_inputs (which frees each dump after its callback).
 * With --scan, the one list file's dump merged with the scan's.
 * Returns the worst exit code. */
static int read_dumps(lineage_session *session, char **files, int nfiles, const report_ctx *c,
                      const lineage_ruleset *set, lineage_report *report)
{
    int status = EXIT_CLEAN;
    size_t problems = 0;
    lineage_checker *checker = lineage_checker_new(set);
    lineage_checker_assume_build(checker, c->rules.assumed_build);
    lineage_report_assume_build(report, c->rules.assumed_build);
    int first = 0;
    if (c->input.scan) {
        lineage_dump *merged = NULL;
        status = cli_read_scan_pair(session, files[0], c->input.scan, &c->input, &problems, &merged);
        if (merged) {
            int st = add_dump(checker, report, merged);
            if (st > status)
                status = st;
        }
        first = 1; /* the one FILE is read */
    }
    for (int f = first; f < nfiles; f++) {
        lineage_reader *r = NULL;
        lineage_status st = lineage_reader_open(session, files[f], c->input.format, &r);
        if (st != LINEAGE_OK) {
            cli_print_diags(lineage_reader_get_diags(r));
            lineage_reader_free(r);
            if (st == LINEAGE_E_ARG) {
                status = EXIT_USAGE;
                break;
            }
            status = status > EXIT_INPUT ? status : EXIT_INPUT;
            continue;
        }
        lineage_dump *d = NULL;
        while ((st = lineage_reader_next(r, &d)) == LINEAGE_OK && d) {
            problems += cli_print_diags(lineage_dump_get_diags(d));
            /* An error inside a dump (a malformed document) lost part of
             * the input: the run fails as check's does, and no report is
             * written. */
            if (lineage_diag_list_count_at_least(lineage_dump_get_diags(d), LINEAGE_ERROR) &&
                status < EXIT_INPUT)
                status = EXIT_INPUT;
            if (add_dump(checker, report, d) != EXIT_CLEAN)
                status = EXIT_RULES;
            d = NULL;
        }
        lineage_dump_free(d);
        problems += cli_print_diags(lineage_reader_get_diags(r));
        if (st != LINEAGE_OK) {
            status = status > EXIT_INPUT ? status : EXIT_INPUT;
        } else if (lineage_reader_get_dump_count(r) == 0) {
            cli_error("%s: no dump found (format %s)", files[f], lineage_reader_get_format(r));
            status = status > EXIT_INPUT ? status : EXIT_INPUT;
        }
        lineage_reader_free(r);
    }
    lineage_checker_free(checker);
    if (c->input.strict && problems && status == EXIT_CLEAN) {
        cli_error("--strict: %zu warning%s in the input", problems, problems == 1 ? "" : "s");
        status = EXIT_INPUT;
    }
    return status;
}

static char *join_paths(const char **paths, int n)
{
    size_t len = 1;
    for (int i = 0; i < n; i++)
        len += strlen(paths[i]) + 2;
    char *s = calloc(1, len);
    if (!s)
        return NULL;
    for (int i = 0; i < n; i++) {
        if (i)
            strcat(s, ", ");
        strcat(s, paths[i]);
    }
    return s;
}

/* Standard input read once among the dumps, the baselines and the rules. */
static int stdin_once(const report_ctx *c, char **files, int nfiles)
{
    int n = c->nbaselines + c->rules.npaths;
    const char **named = malloc(((size_t)n + 1) * sizeof *named);
    if (!named)
        abort();
    memcpy(named, c->baselines, (size_t)c->nbaselines * sizeof *named);
    memcpy(named + c->nbaselines, c->rules.paths, (size_t)c->rules.npaths * sizeof *named);
    int rc = cli_stdin_once("report", files, nfiles, named, n, &c->input);
    free(named);
    return rc;
}

int cmd_report(int argc, char **argv)
{
    report_ctx c;
    memset(&c, 0, sizeof c);
    c.fail_on = LINEAGE_LEVEL_HIGH;
    cli_rules_init(&c.rules, argc);
    c.baselines = calloc((size_t)argc + 1, sizeof *c.baselines);
    char **files = NULL, **protect = NULL;
    int nfiles = 0, help = 0;
    lineage_session *session = NULL;
    lineage_ruleset *set = NULL;
    lineage_profile *profile = NULL;
    lineage_report *report = NULL;
    char *text = NULL, *label = NULL;
    lineage_diag_list *diags = NULL;
    int rc = c.baselines ? cli_parse(&report_command, argc, argv, on_option, &c, &files, &nfiles,
                                     &help)
                         : EXIT_INPUT;
    if (rc != EXIT_CLEAN)
        goto done;
    if (help) {
        cli_print_help(&report_command, stdout);
        goto done;
    }
    if (c.validate && c.machine != 'x') {
        cli_error("report: --validate needs --format xml");
        rc = EXIT_USAGE;
        goto done;
    }
    if ((rc = cli_take_files("report", files, &nfiles, &c.input)) != EXIT_CLEAN ||
        (rc = stdin_once(&c, files, nfiles)) != EXIT_CLEAN)
        goto done;
    session = lineage_session_new();
    rc = cli_rules_load(session, &c.rules, NULL, 0, &set);
    if (rc != EXIT_CLEAN)
        goto done;
    report = lineage_report_new(session);
    if (c.nbaselines) {
        profile = lineage_profile_new(session);
        rc = cli_learn_inputs(session, profile, (char **)(void *)c.baselines, c.nbaselines,
                              &c.input);
        if (rc == EXIT_CLEAN && lineage_profile_get_dump_count(profile) == 0) {
            cli_error("report: the baseline holds no dump");
            rc = EXIT_INPUT;
        }
        if (rc != EXIT_CLEAN)
            goto done;
        label = join_paths(c.baselines, c.nbaselines);
        lineage_report_set_baseline(report, profile, label, NULL);
    }
    lineage_report_add_rules(report, set);
    rc = read_dumps(session, files, nfiles, &c, set, report);
    if (rc != EXIT_CLEAN)
        goto done;
    if (!c.no_date)
        lineage_report_set_date_from_env(report);
    lineage_report_finish(report);

    diags = lineage_diag_list_new();
    size_t len = 0;
    lineage_status st =
        c.machine == 'x' ? lineage_report_render_xml(report, &text, &len, diags)
        : c.machine == 'j' ? lineage_report_render_json(report, &text, &len, diags)
        : c.machine == 's' ? lineage_report_render_sarif(report, &text, &len, diags)
        : c.html           ? lineage_report_render_html(report, &c.ropts, &text, &len, diags)
                           : lineage_report_render_markdown(report, &c.ropts, &text, &len, diags);
    /* --validate: nothing is written unless the XML matches the schema. */
    if (st == LINEAGE_OK && c.validate)
        st = lineage_report_validate_xml(text, len, c.output ? c.output : "-", diags);
    cli_print_diags(diags);
    if (st != LINEAGE_OK) {
        /* An error printed above already says why. */
        if (lineage_diag_list_count_at_least(diags, LINEAGE_ERROR) == 0)
            cli_error("report: cannot render the report (%s)", lineage_status_string(st));
        rc = st == LINEAGE_E_ARG ? EXIT_USAGE : EXIT_INPUT;
        goto done;
    }
    if (c.output) {
        /* Never over an input: dumps, baselines, rule files or templates. */
        int nprotect = nfiles + c.nbaselines + c.rules.npaths + (c.input.scan ? 1 : 0);
        protect = calloc((size_t)nprotect + 1, sizeof *protect);
        if (!protect) {
            rc = EXIT_INPUT;
            goto done;
        }
        int k = 0;
        for (int i = 0; i < nfiles; i++)
            protect[k++] = files[i];
        /* The option values are argv entries: copy the pointers as they are. */
        memcpy(protect + k, c.baselines, (size_t)c.nbaselines * sizeof *protect);
        k += c.nbaselines;
        memcpy(protect + k, c.rules.paths, (size_t)c.rules.npaths * sizeof *protect);
        k += c.rules.npaths;
        if (c.input.scan)
            memcpy(protect + k, &c.input.scan, sizeof *protect);
        cli_output_guard guard = {protect, nprotect, c.ropts.template_dir, set};
        rc = cli_write_output(c.output, text, &guard);
        if (rc != EXIT_CLEAN)
            goto done;
    } else if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
        cli_error("cannot write to standard output");
        rc = EXIT_INPUT;
        goto done;
    }
    if (lineage_report_count_at_least(report, c.fail_on))
        rc = EXIT_FINDINGS;
done:
    free(text);
    free(label);
    free(protect);
    lineage_diag_list_free(diags);
    lineage_report_free(report);
    lineage_profile_free(profile);
    lineage_ruleset_free(set);
    lineage_session_free(session);
    free(files);
    free(c.baselines);
    cli_rules_release(&c.rules);
    lineage_report_global_cleanup();
    return rc;
}
