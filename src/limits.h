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
 * (about 200 bytes a process). Reading stops with LINEAGE_E_LIMIT. */
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

#endif
