/* The layout of dumps, processes and tree nodes, shared by the modules
 * that build and read them (parsers, tree, rules, diff, renderers). The
 * public API sees only opaque handles and accessors. */
#ifndef LINEAGE_MODEL_H
#define LINEAGE_MODEL_H

#include <lineage/dump.h>
#include <lineage/tree.h>

#include "arena.h"

struct lineage_node {
    lineage_node_kind kind;
    lineage_process *process; /* PROCESS nodes */
    uint64_t absent_pid;      /* ABSENT nodes */
    lineage_node *parent;
    lineage_node *first_child;
    lineage_node *last_child;
    lineage_node *prev;
    lineage_node *next;
    size_t depth;
    size_t child_count;
};

struct lineage_process {
    uint64_t pid;
    uint64_t ppid;
    uint64_t threads;     /* LINEAGE_UNKNOWN when the format lacks it */
    uint64_t create_time; /* microseconds since 1970, or LINEAGE_UNKNOWN */
    uint64_t exit_time;
    uint64_t eprocess;
    int64_t session; /* -1 when unknown */
    const lineage_name *name;
    const char *command_line; /* in the dump's arena, or NULL */
    const char *user;
    const char *image_path;
    const char *integrity;    /* "High", "System", ... (Sysmon, MemProcFS), or NULL */
    const char *process_guid; /* Sysmon ProcessGuid as logged, braces kept, or NULL */
    /* The file the record came from: the dump's source, or the scan
     * file's for a process that only a --scan listing had. */
    const char *source;
    unsigned long line;
    size_t index;
    int alive;
    int hidden; /* seen only by a scan listing, still running (scan_merge.c) */
    lineage_link link;
    lineage_process *parent;
    lineage_node node;
};

typedef struct header_field {
    const char *section;
    const char *name;
    uint64_t value;
    unsigned long line;
} header_field;

struct lineage_dump {
    arena *mem;
    lineage_session *session;
    const char *source;
    unsigned index;
    unsigned long first_line;
    unsigned long last_line;
    const char *format;
    int pid_base;
    /* Processes are listed in the order they were created, so one listed
     * after a child is younger than it (tree_build.c). */
    int creation_order;

    int bits;
    lineage_dump_kind kind;
    const char *kind_label;
    lineage_arch arch;
    unsigned cpus;
    unsigned build;
    int has_bugcheck;
    uint64_t bugcheck;
    uint64_t bugcheck_params[4];

    header_field *fields;
    size_t nfields, fields_cap;
    int has_processor_block;
    uint64_t processor_block;
    uint64_t *processor_entries;
    size_t nprocessor_entries, processor_entries_cap;
    unsigned long *elisions;
    size_t nelisions, elisions_cap;
    unsigned long prose_lines;

    lineage_diag_list *diags;
    lineage_process **procs;
    size_t nprocs, procs_cap;
    lineage_node root;
    size_t absent_count;
};

/* Building a dump (parsers). */
lineage_dump *dump_new(lineage_session *session, const char *source, unsigned index,
                       const char *format, int pid_base);
/* A zeroed process with unknown optional fields, appended to the listing;
 * NULL when the dump already holds LINEAGE_MAX_PROCESSES. */
lineage_process *dump_add_process(lineage_dump *dump, unsigned long line);
/* Returns 0 when LINEAGE_MAX_HEADER_FIELDS was reached. */
int dump_add_field(lineage_dump *dump, const char *section, const char *name, size_t name_len,
                   uint64_t value, unsigned long line);
int dump_add_processor_entry(lineage_dump *dump, uint64_t address);
void dump_add_elision(lineage_dump *dump, unsigned long line);
/* Derives facts from the header fields parsers did not set directly
 * (build, arch, CPUs, bugcheck) and builds the tree. */
void dump_finish(lineage_dump *dump);

/* tree.c: links processes into the tree; called by dump_finish. */
void tree_build(lineage_dump *dump);
/* tree.c: unlinks every node and builds the tree again, after processes
 * were added to a finished dump. Diagnostics the first build already gave
 * are not repeated. */
void tree_rebuild(lineage_dump *dump);

#endif
