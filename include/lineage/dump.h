/* The dump model: one process listing taken from one Windows memory dump,
 * with the header facts the listing carried.
 *
 * Every parser produces lineage_dump objects; everything downstream (tree,
 * rules, diff, reports) reads them through this header. A dump owns an
 * arena holding its processes and tree nodes, freed whole by
 * lineage_dump_free. Borrowed pointers (processes, nodes, strings) stay
 * valid until then. */
#ifndef LINEAGE_DUMP_H
#define LINEAGE_DUMP_H

#include <stddef.h>
#include <stdint.h>
#include <lineage/export.h>
#include <lineage/diag.h>
#include <lineage/session.h>
#include <lineage/status.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lineage_dump lineage_dump;
typedef struct lineage_process lineage_process;

/** What kind of dump the header described. */
typedef enum lineage_dump_kind {
    LINEAGE_DUMP_KIND_NONE = 0, /**< no dump-kind section was seen */
    LINEAGE_DUMP_KIND_SUMMARY,  /**< SUMMARY_DUMP32 / SUMMARY_DUMP64 */
    LINEAGE_DUMP_KIND_BITMAP,   /**< BITMAP_DUMP */
    LINEAGE_DUMP_KIND_FULL      /**< reported by other formats only */
} lineage_dump_kind;

typedef enum lineage_arch {
    LINEAGE_ARCH_UNKNOWN = 0,
    LINEAGE_ARCH_X86,   /**< MachineImageType 0x14c */
    LINEAGE_ARCH_X64,   /**< 0x8664 */
    LINEAGE_ARCH_ARM64, /**< 0xaa64 */
    LINEAGE_ARCH_ARM,   /**< 0x1c4 (ARM Thumb-2) */
    LINEAGE_ARCH_IA64   /**< 0x200 */
} lineage_arch;

/** Sentinel for a count or time a format does not carry. */
#define LINEAGE_UNKNOWN UINT64_MAX

/* ---- the dump ---------------------------------------------------------- */

/** Frees the dump, its processes and tree; NULL is a no-op. */
LINEAGE_API void lineage_dump_free(lineage_dump *dump);

/** The file the dump was read from ("-" for standard input). */
LINEAGE_API const char *lineage_dump_get_source(const lineage_dump *dump);
/** 1-based position of the dump among the dumps of its file. */
LINEAGE_API unsigned lineage_dump_get_index(const lineage_dump *dump);
/** Sets the dump's position in its file (1-based): for dumps read from a
 * piece of a file, whose readers count from 1 (lineage/splitter.h). */
LINEAGE_API void lineage_dump_set_index(lineage_dump *dump, unsigned index);
/** First and last source lines that belong to the dump. */
LINEAGE_API unsigned long lineage_dump_get_first_line(const lineage_dump *dump);
LINEAGE_API unsigned long lineage_dump_get_last_line(const lineage_dump *dump);
/** Name of the format the dump was read as ("kd", ...); static storage. */
LINEAGE_API const char *lineage_dump_get_format(const lineage_dump *dump);
/** 16 when the source prints PIDs in hex (kd, WinDbg), 10 otherwise. */
LINEAGE_API int lineage_dump_get_pid_base(const lineage_dump *dump);

/** 32 or 64 from the header, 0 when unknown. */
LINEAGE_API int lineage_dump_get_bits(const lineage_dump *dump);
LINEAGE_API lineage_dump_kind lineage_dump_get_kind(const lineage_dump *dump);
/** "SUMMARY_DUMP64" etc. as printed, or "" when none. */
LINEAGE_API const char *lineage_dump_get_kind_label(const lineage_dump *dump);
LINEAGE_API lineage_arch lineage_dump_get_arch(const lineage_dump *dump);
/** Number of processors; 0 when unknown. */
LINEAGE_API unsigned lineage_dump_get_cpu_count(const lineage_dump *dump);
/** OS build number (DUMP_HEADER MinorVersion); 0 when unknown. */
LINEAGE_API unsigned lineage_dump_get_build(const lineage_dump *dump);
/** True when the header carried a bugcheck code. */
LINEAGE_API int lineage_dump_has_bugcheck(const lineage_dump *dump);
LINEAGE_API uint64_t lineage_dump_get_bugcheck_code(const lineage_dump *dump);
/** Bugcheck parameter 1..4; 0 for other indices. */
LINEAGE_API uint64_t lineage_dump_get_bugcheck_param(const lineage_dump *dump, int n);

/** Header fields, in source order. `section` is the section they came
 * from: "DUMP_HEADER64", "SUMMARY_DUMP32", "BITMAP_DUMP", ...
 * Every value is kept as 64 bits. */
LINEAGE_API size_t lineage_dump_field_count(const lineage_dump *dump);
LINEAGE_API int lineage_dump_field_get(const lineage_dump *dump, size_t i, const char **section,
                                       const char **name, uint64_t *value, unsigned long *line);
/** Looks a field up by section (NULL = any) and name; 1 when found. */
LINEAGE_API int lineage_dump_field_find(const lineage_dump *dump, const char *section,
                                        const char *name, uint64_t *value);

/** KiProcessorBlock: whether the listing gave it, its address and entries. */
LINEAGE_API int lineage_dump_has_processor_block(const lineage_dump *dump);
LINEAGE_API uint64_t lineage_dump_get_processor_block(const lineage_dump *dump);
LINEAGE_API size_t lineage_dump_processor_entry_count(const lineage_dump *dump);
LINEAGE_API uint64_t lineage_dump_processor_entry(const lineage_dump *dump, size_t i);

/** Elision marks ("[---]"): their count and source lines. A dump with at
 * least one is partial: processes were left out of the listing. */
LINEAGE_API size_t lineage_dump_elision_count(const lineage_dump *dump);
LINEAGE_API unsigned long lineage_dump_elision_line(const lineage_dump *dump, size_t i);
LINEAGE_API int lineage_dump_is_partial(const lineage_dump *dump);
/** Lines inside the dump that were neither header nor process lines. */
LINEAGE_API unsigned long lineage_dump_get_prose_lines(const lineage_dump *dump);

/** Diagnostics about this dump (parse warnings, tree policy notes). */
LINEAGE_API const lineage_diag_list *lineage_dump_get_diags(const lineage_dump *dump);

/** Processes in listing order. */
LINEAGE_API size_t lineage_dump_process_count(const lineage_dump *dump);
LINEAGE_API const lineage_process *lineage_dump_process(const lineage_dump *dump, size_t i);

/** Adds to `list` (a listing of the active process list: pslist, kd, ...)
 * the processes that `scan` (a pool-scan listing of the same memory image:
 * psscan) found but `list` does not hold, then normalizes the tree again.
 * A scan process matches a listed one with the same PID and, where both
 * create times are known, the same create time, else the same name
 * (case-insensitive). An added process keeps its scan facts (source line
 * numbers are the scan's) and is marked exited when it has an exit time or
 * no threads, else hidden (lineage_process_is_hidden), with a note in the
 * list's diagnostics. A warning there says when the two cannot be of one
 * image: both builds known and different, or fewer than half of the
 * list's processes in the scan (a scan of the same image finds every
 * listed one). `scan` is only read and may be freed afterwards;
 * both dumps must come from readers of the same session.
 * Returns LINEAGE_OK, LINEAGE_E_ARG for a NULL dump or dumps of different
 * sessions, or LINEAGE_E_LIMIT when `list` would exceed
 * LINEAGE_MAX_PROCESSES (the processes added so far stay, in a valid
 * tree). */
LINEAGE_API lineage_status lineage_dump_merge_scan(lineage_dump *list, const lineage_dump *scan);

/* ---- a process --------------------------------------------------------- */

LINEAGE_API uint64_t lineage_process_get_pid(const lineage_process *proc);
LINEAGE_API uint64_t lineage_process_get_ppid(const lineage_process *proc);
/** Active threads; LINEAGE_UNKNOWN when the format has no thread count. */
LINEAGE_API uint64_t lineage_process_get_threads(const lineage_process *proc);
/** False for a process with no live thread (kd "Parent-", an exit time). */
LINEAGE_API int lineage_process_is_alive(const lineage_process *proc);
/** True for a process that only a scan listing found and that was still
 * running (no exit time, threads left): it was not in the active process
 * list, as when a rootkit unlinks it (see lineage_dump_merge_scan). */
LINEAGE_API int lineage_process_is_hidden(const lineage_process *proc);
/** The image name as printed (interned in the session). */
LINEAGE_API const lineage_name *lineage_process_get_name(const lineage_process *proc);
/** The file the record came from (with lineage_process_get_line, the
 * evidence location): the dump's source, except for a process that only a
 * --scan listing had (lineage_dump_merge_scan), whose record is in the
 * scan file. Borrowed from the dump. */
LINEAGE_API const char *lineage_process_get_source(const lineage_process *proc);
/** Source line of the record (1-based). */
LINEAGE_API unsigned long lineage_process_get_line(const lineage_process *proc);
/** 0-based position in the listing. */
LINEAGE_API size_t lineage_process_get_index(const lineage_process *proc);

/** Optional facts other formats bring; absent ones are LINEAGE_UNKNOWN,
 * -1 (session) or NULL (strings). Times are microseconds since
 * 1970-01-01 00:00:00 UTC. */
LINEAGE_API int64_t lineage_process_get_session(const lineage_process *proc);
LINEAGE_API uint64_t lineage_process_get_create_time(const lineage_process *proc);
LINEAGE_API uint64_t lineage_process_get_exit_time(const lineage_process *proc);
LINEAGE_API uint64_t lineage_process_get_eprocess(const lineage_process *proc);
LINEAGE_API const char *lineage_process_get_command_line(const lineage_process *proc);
LINEAGE_API const char *lineage_process_get_user(const lineage_process *proc);
LINEAGE_API const char *lineage_process_get_image_path(const lineage_process *proc);
/** The integrity level as the source spelled it ("Low", "Medium",
 * "High", "System", ...): Sysmon's IntegrityLevel, MemProcFS process.csv's
 * IntegrityLevel column. NULL when the format has none. Owned by the dump. */
LINEAGE_API const char *lineage_process_get_integrity_level(const lineage_process *proc);
/** Sysmon's ProcessGuid as logged (for example
 * "{5770385f-c22a-43e0-bf4c-06f5698ffbd9}"); NULL for other formats.
 * Owned by the dump. */
LINEAGE_API const char *lineage_process_get_guid(const lineage_process *proc);

/* ---- Windows facts ----------------------------------------------------- */

/** What a build number means. All strings are static storage. */
typedef struct lineage_os_info {
    const char *product; /**< "Windows XP", "Windows 10", ... or NULL */
    const char *release; /**< "SP1", "1507", "22H2", ... or "" */
    const char *family;  /**< rule scope key: "xp", "2003", "vista", "7",
                              "8", "8.1", "10", "11", or NULL */
} lineage_os_info;

/** Fills `info` for a build number; 0 when the build is not known. An
 * unknown build below 30000 then gets the product and family of the
 * nearest known build below it (an Insider build of 10 is still 10); one
 * from 30000 up gets neither, as it may belong to a Windows this table
 * does not know. */
LINEAGE_API int lineage_os_from_build(unsigned build, lineage_os_info *info);
/** The build that `name` stands for: "2000" or a rule family ("xp",
 * "2003", "vista", "7", "8", "8.1", "10", "11") gives the newest build of
 * it in the table lineage_os_from_build reads, a decimal number from 2195
 * to 99999 is taken as a build. 0 for anything else. */
LINEAGE_API unsigned lineage_os_build_from_name(const char *name);
/** The bugcheck's symbolic name, e.g. "BAD_POOL_HEADER"; NULL if unknown. */
LINEAGE_API const char *lineage_bugcheck_name(uint64_t code);
/** "x86", "x64", "ARM64", "ARM", "IA64" or "unknown". */
LINEAGE_API const char *lineage_arch_name(lineage_arch arch);
/** Maps a PE MachineImageType value to an architecture. */
LINEAGE_API lineage_arch lineage_arch_from_machine(uint64_t machine);

#ifdef __cplusplus
}
#endif

#endif
