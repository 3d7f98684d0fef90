/* Every limit lineage enforces, in one place.
 *
 * Inputs come from machines that may be compromised, so each limit bounds
 * memory or time against hostile input while staying far above anything a
 * real listing needs. Each one has a test that trips it (tests/unit/
 * test_limits.c); docs/robustness.md lists what happens when one is hit. */
#ifndef LINEAGE_LIMITS_H
#define LINEAGE_LIMITS_H

/* Longest input line kept. Real process lines are under 200 bytes; a longer
 * line is skipped with a diagnostic while the reader streams past it. */
#define LINEAGE_MAX_LINE_LENGTH (1u << 20)

/* Bytes of (decoded) input used to detect the format. */
#define LINEAGE_SNIFF_BYTES (64u * 1024u)

/* Size of each raw read from a file. */
#define LINEAGE_READ_CHUNK (256u * 1024u)

/* Processes in one dump. A 64-bit Windows host runs a few thousand; the
 * limit leaves room for synthetic benchmarks while bounding memory
 * (about 200 bytes a process). Further process lines of that dump are
 * skipped with one warning each; the dump is still returned. */
#define LINEAGE_MAX_PROCESSES (1u << 24)

/* Header fields kept per dump (DUMP_HEADER64 has about 25). */
#define LINEAGE_MAX_HEADER_FIELDS 256u

/* KiProcessorBlock entries kept per dump (Windows supports 2048 CPUs). */
#define LINEAGE_MAX_PROCESSOR_ENTRIES 4096u

/* Image name bytes kept; longer names are cut with a warning. The kernel
 * field holds 15 bytes, full paths from other formats under 32 KiB. */
#define LINEAGE_MAX_NAME_LENGTH 4096u

/* Diagnostic records kept per list; further ones are only counted, so a
 * file of garbage cannot grow memory without bound. */
#define LINEAGE_MAX_DIAGS_PER_LIST 1000u

/* Bytes of a source line kept in a diagnostic, around the column. */
#define LINEAGE_DIAG_EXCERPT 160u

/* Tree levels drawn with indentation in text trees; deeper nodes print
 * their depth as a number, so output stays linear in the input even for a
 * million-deep chain. */
#define LINEAGE_TREE_INDENT_MAX 64u

/* Names kept at the top of a lineage key (diff, profiles). A deeper
 * process's key is the top names, "...", then its own name, so keys stay
 * bounded for a hostile million-deep chain. */
#define LINEAGE_MAX_KEY_DEPTH 64u

/* Facts read from one profile file; more is rejected with LINEAGE_E_LIMIT. */
#define LINEAGE_MAX_PROFILE_FACTS (1u << 22)

/* Columns of a Volatility 3 CSV header that are mapped; cells past it in a
 * row are ignored with a warning (Volatility prints about 15). */
#define LINEAGE_MAX_CSV_COLUMNS 256u

/* Nesting of arrays and objects in a JSON document. Volatility nests two
 * levels per tree level (`__children` list, child object), so this allows
 * process trees about 32,000 deep; deeper input stops the document with a
 * diagnostic instead of growing the parser's stack. */
#define LINEAGE_MAX_JSON_DEPTH 65536u

/* PCRE2 limits for every rule pattern match. Names are at most a few
 * hundred bytes, so an honest pattern needs a few hundred steps; these stop
 * a catastrophic pattern such as (a+)+$ within milliseconds. Hitting one is
 * an error naming the rule, and the match counts as failed. The match limit
 * also bounds JIT-compiled patterns; depth and heap bound the interpreter. */
#define LINEAGE_PCRE2_MATCH_LIMIT 100000u
#define LINEAGE_PCRE2_DEPTH_LIMIT 10000u
#define LINEAGE_PCRE2_HEAP_LIMIT_KIB 4096u

/* Names kept in an ancestry chain that rules match. A deeper process's
 * chain is "...", then its nearest ancestors and itself, so checking a
 * hostile million-deep chain stays linear per process. */
#define LINEAGE_MAX_ANCESTRY_DEPTH 256u

/* Sections open inside one another within one template (or partial).
 * A report nests a handful (dumps > findings > chain); the compiler stops
 * deeper nesting with a diagnostic, so the renderer's stacks stay small. */
#define LINEAGE_TEMPLATE_MAX_NESTING 64u

/* Partials open inside one another while rendering. This is what stops a
 * template that includes itself: the renderer reports the partial and
 * gives up instead of recursing forever. Tree-shaped data rendered by a
 * recursive partial is drawn by the report code instead. */
#define LINEAGE_TEMPLATE_MAX_PARTIAL_DEPTH 32u

/* Tags (of every kind, in the template and all its partials) compiled
 * into one template. Shipped templates use a few hundred. */
#define LINEAGE_TEMPLATE_MAX_TAGS 100000u

/* Bytes one rendering may produce. A report on thousands of processes is
 * a few megabytes; this stops a template that multiplies large lists. */
#define LINEAGE_TEMPLATE_MAX_OUTPUT (64u * 1024u * 1024u)

/* Bytes kept of one Sysmon event field (Image, CommandLine, ...). Windows
 * command lines are at most 32,767 UTF-16 units; longer values are cut
 * with a warning, so one huge text node cannot grow a dump without bound. */
#define LINEAGE_MAX_XML_FIELD (128u * 1024u)

/* Nodes (processes plus absent parents) of a tree drawn as SVG. Graphviz's
 * layout is superlinear (a few seconds for a few thousand nodes); a larger
 * tree is refused with LINEAGE_E_LIMIT and reports show the text tree. */
#define LINEAGE_MAX_SVG_NODES 2000u

/* Nodes of a tree drawn as a Mermaid flowchart in a Markdown report.
 * GitHub's and GitLab's Mermaid refuse diagrams over 500 edges by
 * default; a larger tree keeps only its fenced text tree. */
#define LINEAGE_MAX_MERMAID_NODES 500u

/* Bytes of one rule file (the default packs are about 60 KiB). Larger
 * files, and anything that is not a regular file (an include of /dev/zero
 * or a FIFO), are refused with a diagnostic. */
#define LINEAGE_MAX_RULE_FILE_BYTES (16u * 1024u * 1024u)

#endif
