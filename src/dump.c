/* The dump object: construction for parsers and accessors for everyone. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "limits.h"
#include "model.h"

lineage_dump *dump_new(lineage_session *session, const char *source, unsigned index,
                       const char *format, int pid_base)
{
    lineage_dump *d = xcalloc(1, sizeof *d);
    d->mem = arena_new();
    d->session = session;
    d->source = arena_strndup(d->mem, source, strlen(source));
    d->index = index;
    d->format = format;
    d->pid_base = pid_base;
    d->kind_label = "";
    d->diags = lineage_diag_list_new();
    d->root.kind = LINEAGE_NODE_ROOT;
    return d;
}

void lineage_dump_free(lineage_dump *d)
{
    if (!d)
        return;
    arena_free(d->mem);
    free(d->fields);
    free(d->processor_entries);
    free(d->elisions);
    free(d->procs);
    lineage_diag_list_free(d->diags);
    free(d);
}

lineage_process *dump_add_process(lineage_dump *d, unsigned long line)
{
    if (d->nprocs >= LINEAGE_MAX_PROCESSES)
        return NULL;
    lineage_process *p = arena_alloc(d->mem, sizeof *p);
    p->threads = LINEAGE_UNKNOWN;
    p->create_time = LINEAGE_UNKNOWN;
    p->exit_time = LINEAGE_UNKNOWN;
    p->eprocess = LINEAGE_UNKNOWN;
    p->session = -1;
    p->alive = 1;
    p->line = line;
    p->source = d->source;
    p->index = d->nprocs;
    p->node.kind = LINEAGE_NODE_PROCESS;
    p->node.process = p;
    if (d->nprocs == d->procs_cap)
        d->procs = xgrow(d->procs, &d->procs_cap, d->nprocs + 1, sizeof *d->procs);
    d->procs[d->nprocs++] = p;
    return p;
}

int dump_add_field(lineage_dump *d, const char *section, const char *name, size_t name_len,
                   uint64_t value, unsigned long line)
{
    if (d->nfields >= LINEAGE_MAX_HEADER_FIELDS)
        return 0;
    d->fields = xgrow(d->fields, &d->fields_cap, d->nfields + 1, sizeof *d->fields);
    header_field *f = &d->fields[d->nfields++];
    f->section = section;
    f->name = arena_strndup(d->mem, name, name_len);
    f->value = value;
    f->line = line;
    return 1;
}

int dump_add_processor_entry(lineage_dump *d, uint64_t address)
{
    if (d->nprocessor_entries >= LINEAGE_MAX_PROCESSOR_ENTRIES)
        return 0;
    d->processor_entries = xgrow(d->processor_entries, &d->processor_entries_cap,
                                 d->nprocessor_entries + 1, sizeof *d->processor_entries);
    d->processor_entries[d->nprocessor_entries++] = address;
    return 1;
}

void dump_add_elision(lineage_dump *d, unsigned long line)
{
    d->elisions = xgrow(d->elisions, &d->elisions_cap, d->nelisions + 1, sizeof *d->elisions);
    d->elisions[d->nelisions++] = line;
}

void dump_finish(lineage_dump *d)
{
    uint64_t v;
    if (!d->build && lineage_dump_field_find(d, NULL, "MinorVersion", &v) && v < 0x10000)
        d->build = (unsigned)v;
    if (d->arch == LINEAGE_ARCH_UNKNOWN && lineage_dump_field_find(d, NULL, "MachineImageType", &v))
        d->arch = lineage_arch_from_machine(v);
    if (!d->cpus && lineage_dump_field_find(d, NULL, "NumberProcessors", &v) && v < 0x100000)
        d->cpus = (unsigned)v;
    if (!d->has_bugcheck && lineage_dump_field_find(d, NULL, "BugCheckCode", &v)) {
        static const char *const params[4] = {"BugCheckParameter1", "BugCheckParameter2",
                                               "BugCheckParameter3", "BugCheckParameter4"};
        d->has_bugcheck = 1;
        d->bugcheck = v;
        for (int i = 0; i < 4; i++)
            if (!lineage_dump_field_find(d, NULL, params[i], &d->bugcheck_params[i]))
                d->bugcheck_params[i] = 0;
    }
    tree_build(d);
}

const char *lineage_dump_get_source(const lineage_dump *d) { return d->source; }
unsigned lineage_dump_get_index(const lineage_dump *d) { return d->index; }
void lineage_dump_set_index(lineage_dump *d, unsigned index) { d->index = index; }
unsigned long lineage_dump_get_first_line(const lineage_dump *d) { return d->first_line; }
unsigned long lineage_dump_get_last_line(const lineage_dump *d) { return d->last_line; }
const char *lineage_dump_get_format(const lineage_dump *d) { return d->format; }
int lineage_dump_get_pid_base(const lineage_dump *d) { return d->pid_base; }
int lineage_dump_get_bits(const lineage_dump *d) { return d->bits; }
lineage_dump_kind lineage_dump_get_kind(const lineage_dump *d) { return d->kind; }
const char *lineage_dump_get_kind_label(const lineage_dump *d) { return d->kind_label; }
lineage_arch lineage_dump_get_arch(const lineage_dump *d) { return d->arch; }
unsigned lineage_dump_get_cpu_count(const lineage_dump *d) { return d->cpus; }
unsigned lineage_dump_get_build(const lineage_dump *d) { return d->build; }
int lineage_dump_has_bugcheck(const lineage_dump *d) { return d->has_bugcheck; }
uint64_t lineage_dump_get_bugcheck_code(const lineage_dump *d) { return d->bugcheck; }

uint64_t lineage_dump_get_bugcheck_param(const lineage_dump *d, int n)
{
    return n >= 1 && n <= 4 ? d->bugcheck_params[n - 1] : 0;
}

size_t lineage_dump_field_count(const lineage_dump *d) { return d->nfields; }

int lineage_dump_field_get(const lineage_dump *d, size_t i, const char **section,
                           const char **name, uint64_t *value, unsigned long *line)
{
    if (i >= d->nfields)
        return 0;
    const header_field *f = &d->fields[i];
    if (section)
        *section = f->section;
    if (name)
        *name = f->name;
    if (value)
        *value = f->value;
    if (line)
        *line = f->line;
    return 1;
}

int lineage_dump_field_find(const lineage_dump *d, const char *section, const char *name,
                            uint64_t *value)
{
    for (size_t i = 0; i < d->nfields; i++) {
        const header_field *f = &d->fields[i];
        if ((!section || strcmp(section, f->section) == 0) && strcmp(name, f->name) == 0) {
            if (value)
                *value = f->value;
            return 1;
        }
    }
    return 0;
}

int lineage_dump_has_processor_block(const lineage_dump *d) { return d->has_processor_block; }
uint64_t lineage_dump_get_processor_block(const lineage_dump *d) { return d->processor_block; }
size_t lineage_dump_processor_entry_count(const lineage_dump *d) { return d->nprocessor_entries; }

uint64_t lineage_dump_processor_entry(const lineage_dump *d, size_t i)
{
    return i < d->nprocessor_entries ? d->processor_entries[i] : 0;
}

size_t lineage_dump_elision_count(const lineage_dump *d) { return d->nelisions; }

unsigned long lineage_dump_elision_line(const lineage_dump *d, size_t i)
{
    return i < d->nelisions ? d->elisions[i] : 0;
}

int lineage_dump_is_partial(const lineage_dump *d) { return d->nelisions > 0; }
unsigned long lineage_dump_get_prose_lines(const lineage_dump *d) { return d->prose_lines; }
const lineage_diag_list *lineage_dump_get_diags(const lineage_dump *d) { return d->diags; }
size_t lineage_dump_process_count(const lineage_dump *d) { return d->nprocs; }

const lineage_process *lineage_dump_process(const lineage_dump *d, size_t i)
{
    return i < d->nprocs ? d->procs[i] : NULL;
}

uint64_t lineage_process_get_pid(const lineage_process *p) { return p->pid; }
uint64_t lineage_process_get_ppid(const lineage_process *p) { return p->ppid; }
uint64_t lineage_process_get_threads(const lineage_process *p) { return p->threads; }
int lineage_process_is_alive(const lineage_process *p) { return p->alive; }
int lineage_process_is_hidden(const lineage_process *p) { return p->hidden; }
const lineage_name *lineage_process_get_name(const lineage_process *p) { return p->name; }
unsigned long lineage_process_get_line(const lineage_process *p) { return p->line; }
size_t lineage_process_get_index(const lineage_process *p) { return p->index; }
int64_t lineage_process_get_session(const lineage_process *p) { return p->session; }
uint64_t lineage_process_get_create_time(const lineage_process *p) { return p->create_time; }
uint64_t lineage_process_get_exit_time(const lineage_process *p) { return p->exit_time; }
uint64_t lineage_process_get_eprocess(const lineage_process *p) { return p->eprocess; }
const char *lineage_process_get_command_line(const lineage_process *p) { return p->command_line; }
const char *lineage_process_get_user(const lineage_process *p) { return p->user; }
const char *lineage_process_get_image_path(const lineage_process *p) { return p->image_path; }
const char *lineage_process_get_source(const lineage_process *p) { return p->source; }
const char *lineage_process_get_integrity_level(const lineage_process *p) { return p->integrity; }
const char *lineage_process_get_guid(const lineage_process *p) { return p->process_guid; }
