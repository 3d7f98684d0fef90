/* Rules: what ancestry is expected, checked over every dump.
 *
 * A rule set is loaded from rule files (docs/rules.md describes the
 * language), compiled once (every pattern is compiled by PCRE2, with JIT
 * where available) and is then immutable: it can check any number of dumps.
 * Checking a dump produces findings.
 *
 *   lineage_ruleset *set = lineage_ruleset_new(session);
 *   lineage_ruleset_load_defaults(set, diags);
 *   lineage_ruleset_load_file(set, "site.rules", diags);
 *   if (lineage_ruleset_compile(set, diags) != LINEAGE_OK) ... print diags ...
 *   lineage_findings *f = lineage_findings_new();
 *   lineage_ruleset_check(set, dump, f, diags);
 *   ... read findings ...
 *   lineage_findings_free(f);   (before the dump: findings borrow from it)
 *   lineage_ruleset_free(set);
 *
 * Every problem in a rule file is a diagnostic `file:line:col: error: ...`
 * and loading goes on after one, so a run reports all of them. */
#ifndef LINEAGE_RULES_H
#define LINEAGE_RULES_H

#include <stddef.h>
#include <lineage/export.h>
#include <lineage/status.h>
#include <lineage/diag.h>
#include <lineage/level.h>
#include <lineage/session.h>
#include <lineage/dump.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lineage_ruleset lineage_ruleset;
typedef struct lineage_rule lineage_rule;
typedef struct lineage_findings lineage_findings;
typedef struct lineage_finding lineage_finding;
typedef struct lineage_checker lineage_checker;

/* ---- building a rule set ------------------------------------------------ */

/** A new, empty rule set using `session` for names (rule files add the names
 * they mention literally to the session's known names). The session must
 * outlive the set. Free with lineage_ruleset_free. Aborts on OOM. */
LINEAGE_API lineage_ruleset *lineage_ruleset_new(lineage_session *session);
/** Frees the set, its rules and compiled patterns; NULL is a no-op. */
LINEAGE_API void lineage_ruleset_free(lineage_ruleset *set);

/** Loads a rule file and the files it includes (relative to the including
 * file; a file already loaded is not loaded again, so include cycles are
 * harmless). `path` "-" reads standard input, named "-" in diagnostics,
 * its includes resolved from the current directory. Returns LINEAGE_E_IO when the file cannot be read,
 * LINEAGE_E_RULE when it has errors (all of them in `diags`), LINEAGE_E_ARG
 * after lineage_ruleset_compile. */
LINEAGE_API lineage_status lineage_ruleset_load_file(lineage_ruleset *set, const char *path,
                                                     lineage_diag_list *diags);
/** Like lineage_ruleset_load_file over `len` bytes of text, named `name` in
 * diagnostics; includes resolve relative to `name` on the file system.
 * The text is copied. */
LINEAGE_API lineage_status lineage_ruleset_load_string(lineage_ruleset *set, const char *name,
                                                       const char *text, size_t len,
                                                       lineage_diag_list *diags);
/** Loads the default rules embedded in the library at build time (every
 * file under rules/ in the source tree, named "rules/<path>" in
 * diagnostics; includes among them resolve inside the embedded set). */
LINEAGE_API lineage_status lineage_ruleset_load_defaults(lineage_ruleset *set,
                                                         lineage_diag_list *diags);
/** Number of default rule files embedded in the library. */
LINEAGE_API size_t lineage_default_rule_file_count(void);

/** Disables a rule by id, as a `disable` line would (for command-line
 * flags). An unknown id is an error at compile time. */
LINEAGE_API void lineage_ruleset_disable(lineage_ruleset *set, const char *id);
/** Overrides a rule's level, as a `severity ID LEVEL` line would. Overrides
 * apply in load order; these come after every file. A level outside the
 * enum, like an unknown id, is an error at compile time. */
LINEAGE_API void lineage_ruleset_set_level(lineage_ruleset *set, const char *id,
                                           lineage_level level);

/** Adds the names the set's rules spell literally to another session's
 * known names, in the order loading the rules added them to the set's own,
 * so that dumps read into `session` resolve cut names as if the rules had
 * been loaded there. With it one compiled set serves checkers on several
 * threads, each reading its dumps into a session of its own: checking only
 * reads the set. */
LINEAGE_API void lineage_ruleset_share_names(const lineage_ruleset *set,
                                             lineage_session *session);

/** Resolves disables, level overrides and suppressions across every loaded
 * file and compiles every pattern. After it the set is immutable. Returns
 * LINEAGE_E_RULE when any file had errors or a directive names an unknown
 * rule or a pattern does not compile; the set then checks nothing. */
LINEAGE_API lineage_status lineage_ruleset_compile(lineage_ruleset *set, lineage_diag_list *diags);

/* ---- checking ----------------------------------------------------------- */

/** Checks one dump with every enabled rule whose OS and architecture scope
 * covers it, appending findings to `out` in rule order, then listing order.
 * A pattern that hits a PCRE2 match, depth or heap limit counts as no match
 * and adds an error naming the rule to `diags`; the status is then
 * LINEAGE_E_LIMIT, otherwise LINEAGE_OK (LINEAGE_E_ARG before compile). */
LINEAGE_API lineage_status lineage_ruleset_check(const lineage_ruleset *set,
                                                 const lineage_dump *dump, lineage_findings *out,
                                                 lineage_diag_list *diags);

/** A checker checks many dumps with one compiled rule set, and remembers
 * across dumps which patterns each interned name matches, so that a name
 * seen in thousands of dumps is matched by PCRE2 once per pattern. Checking
 * with a checker gives exactly the findings and diagnostics of
 * lineage_ruleset_check. A checker is not thread-safe (one per thread, and
 * the dumps it checks must come from sessions no other thread is using at
 * the same time); the rule set, and the sessions of the dumps checked, must
 * outlive it. Returns NULL when `set` is NULL or not compiled. Free with
 * lineage_checker_free. */
LINEAGE_API lineage_checker *lineage_checker_new(const lineage_ruleset *set);

/** Checks one dump as lineage_ruleset_check does. LINEAGE_E_ARG when an
 * argument is NULL. */
LINEAGE_API lineage_status lineage_checker_check(lineage_checker *checker,
                                                 const lineage_dump *dump, lineage_findings *out,
                                                 lineage_diag_list *diags);

/** Rules scoped with `os` skip a dump whose build is unknown (0). With a
 * build assumed (lineage_os_build_from_name gives one), such a dump is
 * checked by them as if it had that build; its own facts are not changed.
 * 0, the default, assumes nothing. */
LINEAGE_API void lineage_checker_assume_build(lineage_checker *checker, unsigned build);

/** Frees the checker; NULL is a no-op. */
LINEAGE_API void lineage_checker_free(lineage_checker *checker);

/* ---- findings ----------------------------------------------------------- */

/** An empty list; free with lineage_findings_free. Aborts on OOM. */
LINEAGE_API lineage_findings *lineage_findings_new(void);
/** Frees the list and its findings; NULL is a no-op. Findings borrow the
 * dump, its processes and the rule set: free them first. */
LINEAGE_API void lineage_findings_free(lineage_findings *list);
LINEAGE_API size_t lineage_findings_count(const lineage_findings *list);
/** Finding i (0-based), borrowed from the list; NULL when out of range. */
LINEAGE_API const lineage_finding *lineage_findings_get(const lineage_findings *list, size_t i);
/** Sorts the findings by dump, then level (critical first), then source
 * line, then rule id, so output is deterministic. */
LINEAGE_API void lineage_findings_sort(lineage_findings *list);
/** The build `dump` was checked as, when its listing gives none and the
 * checker assumed one (lineage_checker_assume_build); 0 when the dump was
 * checked with its own build, or not checked into this list. */
LINEAGE_API unsigned lineage_findings_assumed_build(const lineage_findings *list,
                                                    const lineage_dump *dump);
/** Unsuppressed findings at or above `level`. */
LINEAGE_API size_t lineage_findings_count_at_least(const lineage_findings *list,
                                                   lineage_level level);

LINEAGE_API const lineage_rule *lineage_finding_get_rule(const lineage_finding *f);
LINEAGE_API const char *lineage_finding_get_rule_id(const lineage_finding *f);
/** The rule's level after overrides. */
LINEAGE_API lineage_level lineage_finding_get_level(const lineage_finding *f);
LINEAGE_API const char *lineage_finding_get_title(const lineage_finding *f);
LINEAGE_API const char *lineage_finding_get_description(const lineage_finding *f);
LINEAGE_API size_t lineage_finding_reference_count(const lineage_finding *f);
LINEAGE_API const char *lineage_finding_reference(const lineage_finding *f, size_t i);
LINEAGE_API const lineage_dump *lineage_finding_get_dump(const lineage_finding *f);
/** The process the finding is about, or NULL for a finding about the whole
 * dump (too few instances for a `count` check). For `children` checks it
 * is the offending child. */
LINEAGE_API const lineage_process *lineage_finding_get_process(const lineage_finding *f);
/** The process's ancestry chain ("?/wininit.exe/services.exe/lsass.exe"),
 * or "" for a dump-level finding. NUL-terminated, but a name may hold a
 * NUL byte: lineage_finding_get_chain_length gives the whole length. */
LINEAGE_API const char *lineage_finding_get_chain(const lineage_finding *f);
LINEAGE_API size_t lineage_finding_get_chain_length(const lineage_finding *f);
/** What the rule expected, in words: "parent matching /^smss\.exe$/ or
 * absent". Never NULL. */
LINEAGE_API const char *lineage_finding_get_expected(const lineage_finding *f);
/** True when a `suppress` line covers the finding; its reason, or NULL. */
LINEAGE_API int lineage_finding_is_suppressed(const lineage_finding *f);
LINEAGE_API const char *lineage_finding_get_suppress_reason(const lineage_finding *f);

/* ---- rendering ---------------------------------------------------------- */

/** The findings of `list` that belong to `dump`, as text for a terminal:
 * one block per finding, ordered by level (critical first) then line:
 *   LEVEL rule-id file:line name (pid)
 *       title
 *       ancestry: system/smss.exe/...
 *       expected: parent matching /^smss\.exe$/ or absent
 *       suppressed: reason             (suppressed findings only)
 * then "findings: N critical, N high, N medium, N low, N info" and the
 * number suppressed. Bytes from the input are shown escaped. The list is
 * not changed (a sorted copy is used). The caller frees the result. */
LINEAGE_API char *lineage_findings_render_text(const lineage_findings *list,
                                               const lineage_dump *dump);
/** The same with render flags (lineage/render.h): LINEAGE_RENDER_COLOR
 * colours each level word and dims suppressed findings. */
LINEAGE_API char *lineage_findings_render_text_flags(const lineage_findings *list,
                                                     const lineage_dump *dump, unsigned flags);
/** The same as one JSON object: the dump's facts (source, index, lines,
 * format, build, OS, the build assumed (lineage_findings_assumed_build)
 * or null, arch, process count, partial), its findings (rule,
 * level, title, pid and ppid as integers, name, file, line, chain,
 * expected, references, suppressed, reason) and counts per level. Lines
 * after the first are indented by `indent` levels of two spaces; there is
 * no trailing newline. The caller frees the result. */
LINEAGE_API char *lineage_findings_render_json(const lineage_findings *list,
                                               const lineage_dump *dump, unsigned indent);

/* ---- inspecting rules --------------------------------------------------- */

/** Rules in load order (after compile: disabled ones included). */
LINEAGE_API size_t lineage_ruleset_rule_count(const lineage_ruleset *set);
LINEAGE_API const lineage_rule *lineage_ruleset_rule(const lineage_ruleset *set, size_t i);
/** The rule with this id, or NULL. */
LINEAGE_API const lineage_rule *lineage_ruleset_find(const lineage_ruleset *set, const char *id);

LINEAGE_API const char *lineage_rule_get_id(const lineage_rule *r);
/** The level after overrides. */
LINEAGE_API lineage_level lineage_rule_get_level(const lineage_rule *r);
LINEAGE_API const char *lineage_rule_get_title(const lineage_rule *r);
/** Paragraphs joined by a blank line; "" when none. */
LINEAGE_API const char *lineage_rule_get_description(const lineage_rule *r);
LINEAGE_API size_t lineage_rule_reference_count(const lineage_rule *r);
LINEAGE_API const char *lineage_rule_reference(const lineage_rule *r, size_t i);
/** The OS and architecture scope as written ("vista 7 build 9600..9600
 * x64"), or "any". */
LINEAGE_API const char *lineage_rule_get_scope(const lineage_rule *r);
LINEAGE_API const char *lineage_rule_get_file(const lineage_rule *r);
LINEAGE_API unsigned long lineage_rule_get_line(const lineage_rule *r);
/** The rule's source text, from `rule` to the closing brace. */
LINEAGE_API const char *lineage_rule_get_text(const lineage_rule *r);
LINEAGE_API int lineage_rule_is_disabled(const lineage_rule *r);

/** The rules as `lineage rules list` prints them, in load order, three
 * lines each ("LEVEL    id [disabled]", the title, "os: SCOPE  (FILE:LINE)"),
 * then "N rules". Titles, scopes and file names are shown escaped as in
 * the findings text (control characters as \xNN or \n, invisible and
 * bidirectional characters as \uNNNN), so a rule file cannot send a
 * terminal escape sequence or break a listing's lines. The caller frees
 * the result; a NULL set lists no rules. */
LINEAGE_API char *lineage_ruleset_render_list(const lineage_ruleset *set);
/** One rule as `lineage rules show` prints it: "# FILE:LINE", "# level:
 * LEVEL [(disabled)]", "# os: SCOPE", then the rule's source text and a
 * newline. The text keeps its line breaks and tabs; every other control
 * byte and every invisible or bidirectional character is escaped as
 * above. The caller frees the result; NULL for a NULL rule. */
LINEAGE_API char *lineage_rule_render_text(const lineage_rule *r);

#ifdef __cplusplus
}
#endif

#endif
