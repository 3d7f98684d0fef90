/* The layout of a rule set, shared by the parser (rules_parse.c), the
 * evaluator (rules_eval.c) and the findings (findings.c). */
#ifndef LINEAGE_RULESET_H
#define LINEAGE_RULESET_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <lineage/rules.h>

#include "arena.h"

typedef struct rule_pattern {
    const char *source; /* PCRE2 source, NUL-terminated, in the set's arena */
    size_t len;
    int case_sensitive;
    const char *file;
    unsigned long line;
    unsigned col;
    const char *line_text; /* for diagnostics */
    size_t line_len;
    pcre2_code *code; /* after compile */
    size_t index;     /* position in the set's pattern table (memo key) */
} rule_pattern;

typedef enum check_kind {
    CHECK_PARENT = 0,
    CHECK_ANCESTRY,
    CHECK_CHILDREN_FORBID,
    CHECK_CHILDREN_ONLY,
    CHECK_COUNT,
    CHECK_ALIVE,
    CHECK_EXITED,
    CHECK_ABSENT,
    CHECK_LOOKALIKE,
    CHECK_PID
} check_kind;

typedef enum count_op { COUNT_EXACTLY = 0, COUNT_AT_MOST, COUNT_AT_LEAST } count_op;

typedef struct rule_check {
    check_kind kind;
    rule_pattern *subject; /* every kind but LOOKALIKE */
    rule_pattern *other;   /* PARENT, ANCESTRY, CHILDREN_* */
    int or_absent;         /* PARENT */
    int negate;            /* ANCESTRY: `not matches` */
    count_op op;           /* COUNT */
    uint64_t number;       /* COUNT: N; PID: the pid; LOOKALIKE: distance */
    int per_session;       /* COUNT */
    int has_ppid;          /* PID */
    uint64_t ppid;
    const char **names; /* LOOKALIKE: protected names, folded */
    size_t nnames;
    const char *expected; /* text for findings */
} rule_check;

/* OS scope: a family bit per lineage_os_info.family, plus build ranges. */
typedef struct build_range {
    unsigned long lo, hi;
} build_range;

struct lineage_rule {
    const char *id;
    lineage_level level;
    const char *title;
    const char *description;
    const char **refs;
    size_t nrefs;
    unsigned families; /* bit i: os_families[i] */
    build_range *builds;
    size_t nbuilds;
    int has_os;
    unsigned arches; /* bit per lineage_arch */
    const char *scope;
    const char *file;
    unsigned long line;
    int builtin; /* from the rule packs built into the library */
    const char *text;
    rule_check *checks;
    size_t nchecks;
    int disabled;
};

/* A name a rule spells literally (kept for lineage_ruleset_share_names). */
typedef struct known_name {
    const char *text; /* in the set's arena */
    size_t len;
} known_name;

typedef enum directive_kind { DIR_DISABLE = 0, DIR_SEVERITY, DIR_SUPPRESS } directive_kind;

typedef struct rule_directive {
    directive_kind kind;
    const char *id;
    lineage_level level;    /* SEVERITY */
    rule_pattern *pattern;  /* SUPPRESS */
    const char *reason;     /* SUPPRESS */
    const char *file;       /* where it was written ("command line" for flags) */
    unsigned long line;
    unsigned col;
    const char *line_text;
    size_t line_len;
    const lineage_rule *rule; /* resolved by compile */
} rule_directive;

struct lineage_ruleset {
    lineage_session *session;
    arena *mem;
    lineage_rule **rules;
    size_t nrules, rules_cap;
    rule_pattern **patterns;
    size_t npatterns, patterns_cap;
    rule_directive *dirs;
    size_t ndirs, dirs_cap;
    const char **loaded; /* files loaded (canonical names), for includes */
    size_t nloaded, loaded_cap;
    known_name *known; /* added to the session, in order */
    size_t nknown, known_cap;
    size_t errors;
    int compiled;
    pcre2_match_context *mctx;
};

extern const char *const os_families[]; /* NULL-terminated */

/* lookalike.c: edit distance (insert, delete, substitute, swap of two
 * neighbours, and rn <-> m), ASCII case-insensitive, capped: returns
 * max + 1 when the distance exceeds max. */
size_t lookalike_distance(const char *a, size_t alen, const char *b, size_t blen, size_t max);

/* findings.c: appends a finding; chain and expected are copied. */
void findings_add(lineage_findings *list, const lineage_rule *rule, const lineage_dump *dump,
                  const lineage_process *proc, const char *chain, size_t chain_len,
                  const char *expected);
/* The last finding added, to mark it suppressed. */
void findings_suppress_last(lineage_findings *list, const char *reason);
/* Records that `dump`, of unknown build, was checked as `build`. */
void findings_note_assumed(lineage_findings *list, const lineage_dump *dump, unsigned build);

/* Embedded default rule files (generated at build time). */
typedef struct embedded_rule_file {
    const char *path; /* relative to rules/ */
    const unsigned char *data;
    size_t len;
} embedded_rule_file;
extern const embedded_rule_file embedded_rule_files[];
extern const size_t embedded_rule_file_count;

#endif
