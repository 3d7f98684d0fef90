/* lineage-gen: writes realistic, deterministic kd `.dumpdebug` listings for
 * benchmarks and tests.
 *
 * Each dump is a Windows 10 boot lineage: System, Registry, smss.exe and
 * MemCompression; per-session csrss.exe with wininit.exe or winlogon.exe
 * under the per-session copy of smss.exe that has exited (its PID is in
 * the PPID field but the process is not listed); services.exe, lsass.exe
 * and dozens of svchost.exe; the logon of an interactive user (dwm.exe,
 * fontdrvhost.exe, sihost.exe, taskhostw.exe, RuntimeBroker.exe, explorer
 * under an exited userinit.exe) and user application trees (browsers with
 * many children, Office, consoles). Large dumps add remote-desktop sessions
 * and service workers until the requested process count is reached.
 * Names longer than 14 bytes are cut the way the kernel's ImageFileName
 * cuts them, PIDs are multiples of 4 that never repeat within a dump.
 *
 * Everything comes from one PRNG (splitmix64 to seed, xorshift64* to
 * draw), so the same options and seed give the same bytes on every
 * machine. Output is streamed through a large buffer with hand-written
 * number formatting, so memory stays constant and a gigabyte takes
 * seconds.
 *
 * A clean dump should raise no finding from the default rule pack.
 * --plant adds deviations that the pack detects and writes each one, with
 * its file, dump, line and the rules expected to fire, to a truth file. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OUT_BUFFER (4u << 20)
#define MIN_PROCESSES 300u
#define MAX_PROCESSES 10000000u
#define MAX_ELISIONS 10000u
#define IMAGE_NAME_MAX 14u /* visible bytes of EPROCESS.ImageFileName */
#define RECENT_SESSIONS 16u

/* ---- PRNG ---------------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

typedef struct rng {
    uint64_t s;
} rng;

static void rng_seed(rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t st = seed ^ (stream * 0xd1b54a32d192ed03u);
    r->s = splitmix64(&st);
    if (!r->s)
        r->s = 1;
}

static uint64_t rng_next(rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545f4914f6cdd1du;
}

/* A number in [0, n), n > 0. */
static uint32_t below(rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* A number in [lo, hi]. */
static uint32_t between(rng *r, uint32_t lo, uint32_t hi)
{
    return lo + below(r, hi - lo + 1);
}

static int chance(rng *r, uint32_t percent) { return below(r, 100) < percent; }

/* ---- output -------------------------------------------------------------- */

typedef struct out {
    int fd;
    const char *path;
    char *buf;
    size_t len;
    uint64_t written;     /* bytes in the file so far, buffered included */
    unsigned long line;   /* lines written to the file */
    int failed;
} out;

static void out_flush(out *o)
{
    size_t done = 0;
    while (done < o->len && !o->failed) {
        ssize_t n = write(o->fd, o->buf + done, o->len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            fprintf(stderr, "lineage-gen: cannot write %s: %s\n", o->path, strerror(errno));
            o->failed = 1;
            break;
        }
        done += (size_t)n;
    }
    o->len = 0;
}

static char *out_reserve(out *o, size_t n)
{
    if (o->len + n > OUT_BUFFER)
        out_flush(o);
    return o->buf + o->len;
}

static void out_commit(out *o, char *end)
{
    size_t n = (size_t)(end - (o->buf + o->len));
    for (char *p = o->buf + o->len; p < end; p++)
        o->line += *p == '\n';
    o->len += n;
    o->written += n;
}

/* Header and prose lines: rare, so printf formatting is fine. */
static void out_printf(out *o, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp)
        n = (int)sizeof tmp - 1;
    char *p = out_reserve(o, (size_t)n);
    memcpy(p, tmp, (size_t)n);
    out_commit(o, p + n);
}

static const char hexdigits[] = "0123456789abcdef";

/* Lower-case hex with at least `width` digits. */
static char *put_hex(char *p, uint64_t v, int width)
{
    char tmp[16];
    int n = 0;
    do {
        tmp[n++] = hexdigits[v & 15];
        v >>= 4;
    } while (v);
    while (n < width)
        tmp[n++] = '0';
    while (n)
        *p++ = tmp[--n];
    return p;
}

static char *put_dec(char *p, uint64_t v, int width)
{
    char tmp[20];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width)
        tmp[n++] = '0';
    while (n)
        *p++ = tmp[--n];
    return p;
}

static char *put_str(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}

/* ---- the dump writer ----------------------------------------------------- */

typedef enum plant_kind {
    PLANT_LSASS_UNDER_SERVICES,
    PLANT_SVCHOST_UNDER_EXPLORER,
    PLANT_SCVHOST,
    PLANT_CMD_UNDER_LSASS,
    PLANT_SHELL_UNDER_OFFICE,
    PLANT_CSRSS_LIVE_PARENT,
    PLANT_KINDS
} plant_kind;

static const struct {
    const char *name;
    const char *rules; /* rules of the default pack expected to fire */
    const char *description;
} plant_info[PLANT_KINDS] = {
    {"lsass-under-services", "lsass-parent,lsass-singleton",
     "a second lsass.exe started by services.exe"},
    {"svchost-under-explorer", "svchost-parent", "svchost.exe started by explorer.exe"},
    {"scvhost", "system-name-lookalike", "scvhost.exe, a look-alike of svchost.exe"},
    {"cmd-under-lsass", "lsass-children", "cmd.exe started by lsass.exe"},
    {"shell-under-office", "office-shell", "powershell.exe started by WINWORD.EXE"},
    {"csrss-live-parent", "csrss-parent", "csrss.exe started by explorer.exe"},
};

typedef struct options {
    uint64_t seed;
    uint32_t processes;
    uint64_t dumps;
    uint64_t files;
    uint64_t size;
    unsigned plants; /* bit set of plant_kind */
    uint64_t plant_every;
    uint32_t elisions;
    const char *output;
    const char *out_dir;
    const char *truth;
} options;

typedef struct session_pids {
    uint32_t explorer;
    uint32_t svchost_dcom; /* the DcomLaunch svchost, parent of brokers */
} session_pids;

typedef struct gen {
    const options *opt;
    rng r;
    out *o;
    FILE *truth;
    const char *file_label;
    uint64_t dump_number; /* across all files, 1-based */
    unsigned dump_in_file;
    /* the dump being written */
    uint32_t next_pid;
    uint32_t left;        /* process lines still to write */
    uint32_t listed;      /* process lines written */
    uint32_t suppress;    /* rows being left out after a [---] */
    uint32_t elide_at[MAX_ELISIONS];
    uint32_t nelide, elide_next;
    int written_last;     /* the last emit wrote its row */
    /* well-known PIDs of the current dump */
    uint32_t services, lsass, wininit, searchindexer;
    uint32_t svchost[96];
    uint32_t nsvchost;
    uint32_t office; /* a WINWORD.EXE, 0 if none yet */
    session_pids console;
    session_pids recent[RECENT_SESSIONS];
    uint32_t nrecent;
} gen;

static uint32_t new_pid(gen *g)
{
    uint32_t pid = g->next_pid;
    /* Windows hands out PIDs from a handle table in steps of 4; exited
     * processes leave gaps. Monotonic, so no PID repeats in a dump. */
    g->next_pid += 4 * between(&g->r, 1, 6);
    return pid;
}

static uint32_t threads_for(gen *g, const char *name)
{
    if (strcmp(name, "System") == 0)
        return between(&g->r, 140, 260);
    if (strcmp(name, "explorer.exe") == 0 || strcmp(name, "MsMpEng.exe") == 0)
        return between(&g->r, 40, 120);
    return between(&g->r, 1, 40);
}

/* Writes one process line, unless the dump is full or the row is elidable
 * and falls in an elided stretch. Only application rows are elidable, so
 * the system lineage the rules check stays listed. Returns the PID, which
 * callers may use as a parent whether or not the row was written. */
static uint32_t emit_full(gen *g, uint32_t ppid, uint32_t pid, const char *name, int alive,
                          int elidable)
{
    g->written_last = 0;
    if (g->left == 0)
        return pid;
    if (elidable) {
        if (g->suppress) {
            g->suppress--;
            return pid;
        }
        if (g->elide_next < g->nelide && g->listed >= g->elide_at[g->elide_next]) {
            g->elide_next++;
            out_printf(g->o, "\n[---]\n\n");
            g->suppress = between(&g->r, 1, 12) - 1;
            return pid;
        }
    }
    size_t nlen = strlen(name);
    if (nlen > IMAGE_NAME_MAX)
        nlen = IMAGE_NAME_MAX;
    uint32_t threads = alive ? threads_for(g, name) : 0;
    char *p = out_reserve(g->o, 96 + nlen);
    p = put_str(p, alive ? "Parent+: 0x" : "Parent-: 0x", 11);
    p = put_hex(p, ppid, 4);
    p = put_str(p, "--->\tChild: 0x", 14);
    p = put_hex(p, pid, 4);
    p = put_str(p, "\tActiveThreads->", 16);
    p = put_dec(p, threads, 4);
    *p++ = '\t';
    p = put_str(p, name, nlen);
    *p++ = '\n';
    out_commit(g->o, p);
    g->left--;
    g->listed++;
    g->written_last = 1;
    return pid;
}

static uint32_t emit(gen *g, uint32_t ppid, const char *name)
{
    return emit_full(g, ppid, new_pid(g), name, 1, 0);
}

static uint32_t emit_app(gen *g, uint32_t ppid, const char *name)
{
    return emit_full(g, ppid, new_pid(g), name, 1, 1);
}

static uint32_t emit_exited(gen *g, uint32_t ppid, const char *name)
{
    return emit_full(g, ppid, new_pid(g), name, 0, 0);
}

static uint32_t pick_svchost(gen *g)
{
    return g->svchost[below(&g->r, g->nsvchost)];
}

/* ---- header ---------------------------------------------------------------- */

static const uint32_t win10_builds[] = {17763, 18362, 18363, 19041, 19042, 19043, 19044, 19045};
static const uint32_t bugchecks[] = {0xd1, 0x3b, 0x50, 0x7e, 0x133, 0x1a, 0xa, 0xef, 0x139};

static void kaddr(gen *g, char *buf, size_t size, uint32_t hi)
{
    uint32_t lo = (below(&g->r, 0x10000) << 16) | (below(&g->r, 0x1000) << 4);
    snprintf(buf, size, "fffff8%02x`%08" PRIx32, hi, lo);
}

static void write_header(gen *g)
{
    out *o = g->o;
    uint32_t build = win10_builds[below(&g->r, sizeof win10_builds / sizeof win10_builds[0])];
    uint32_t cpus = 1u << between(&g->r, 1, 4);
    char a[40];
    out_printf(o, "kd> .dumpdebug\n----- 64 bit Kernel Bitmap Dump Analysis\n\n");
    out_printf(o, "DUMP_HEADER64:\n");
    out_printf(o, "MajorVersion        0000000f\n");
    out_printf(o, "MinorVersion        %08" PRIx32 "\n", build);
    out_printf(o, "KdSecondaryVersion  00000000\n");
    out_printf(o, "DirectoryTableBase  00000000`%08" PRIx32 "\n", below(&g->r, 0x8000) << 12);
    out_printf(o, "PfnDataBase         ffff%04" PRIx32 "`00000000\n", 0x8000 | below(&g->r, 0x8000));
    uint32_t khi = between(&g->r, 0x00, 0x07);
    kaddr(g, a, sizeof a, khi);
    out_printf(o, "PsLoadedModuleList  %s\n", a);
    kaddr(g, a, sizeof a, khi);
    out_printf(o, "PsActiveProcessHead %s\n", a);
    out_printf(o, "MachineImageType    00008664\n");
    out_printf(o, "NumberProcessors    %08" PRIx32 "\n", cpus);
    uint32_t bc = bugchecks[below(&g->r, sizeof bugchecks / sizeof bugchecks[0])];
    out_printf(o, "BugCheckCode        %08" PRIx32 "\n", bc);
    for (int i = 1; i <= 4; i++)
        out_printf(o, "BugCheckParameter%d  %08" PRIx32 "`%08" PRIx32 "\n", i,
                   chance(&g->r, 50) ? 0xffffc001u + below(&g->r, 0x3000) : 0,
                   (uint32_t)rng_next(&g->r) & ~7u);
    kaddr(g, a, sizeof a, khi);
    out_printf(o, "KdDebuggerDataBlock %s\n", a);
    out_printf(o, "SecondaryDataState  00000000\n");
    out_printf(o, "ProductType         00000001\n");
    out_printf(o, "SuiteMask           00000110\n");
    out_printf(o, "Attributes          00000000\n\n");
    uint32_t pages = between(&g->r, 0x10000, 0x400000);
    out_printf(o, "BITMAP_DUMP:\n");
    out_printf(o, "DumpOptions         00000000\n");
    out_printf(o, "HeaderSize          %" PRIx32 "\n", 0x2b000u + below(&g->r, 16) * 0x1000u);
    out_printf(o, "BitmapSize          %" PRIx32 "\n", pages * 8);
    out_printf(o, "Pages               %" PRIx32 "\n\n", pages / 2 + below(&g->r, pages / 2));
    kaddr(g, a, sizeof a, khi);
    out_printf(o, "KiProcessorBlock at %s\n", a);
    out_printf(o, "  %" PRIu32 " KiProcessorBlock entries:\n ", cpus);
    for (uint32_t c = 0; c < cpus; c++) {
        if (c && c % 4 == 0)
            out_printf(o, "\n ");
        if (c == 0)
            kaddr(g, a, sizeof a, khi);
        else
            snprintf(a, sizeof a, "ffff%04" PRIx32 "`%08" PRIx32, 0xd000 | below(&g->r, 0x1000),
                     (below(&g->r, 0x10000) << 16) | 0x1180u);
        out_printf(o, " %s", a);
    }
    out_printf(o, "\n\n\n");
}

/* ---- the Windows 10 lineage ----------------------------------------------- */

static const char *const service_hosts[] = {
    "spoolsv.exe", "MsMpEng.exe", "NisSrv.exe", "SecurityHealthService.exe", "SgrmBroker.exe",
    "vmtoolsd.exe", "VGAuthService.exe", "OfficeClickToRun.exe", "MpDefenderCoreService.exe",
    "sqlwriter.exe", "AGMService.exe", "jhi_service.exe", "WmiApSrv.exe", "PresentationFontCache.exe",
};
/* Services started after spoolsv.exe; spoolsv.exe is a singleton. */
#define NSERVICE_HOSTS (sizeof service_hosts / sizeof service_hosts[0])

static const char *const user_tools[] = {
    "notepad.exe", "mspaint.exe", "Calculator.exe", "Taskmgr.exe", "mmc.exe", "SnippingTool.exe",
    "Acrobat.exe", "AcroRd32.exe", "Zoom.exe", "slack.exe", "KeePass.exe", "7zFM.exe",
    "vlc.exe", "putty.exe", "WinSCP.exe", "Spotify.exe", "Dropbox.exe", "Code.exe",
};
#define NUSER_TOOLS (sizeof user_tools / sizeof user_tools[0])

static const char *const office_apps[] = {"WINWORD.EXE", "EXCEL.EXE", "POWERPNT.EXE",
                                          "OUTLOOK.EXE", "ONENOTE.EXE"};

/* A browser and its renderer, GPU and utility processes. */
static void browser_tree(gen *g, uint32_t explorer)
{
    static const char *const browsers[] = {"msedge.exe", "chrome.exe", "firefox.exe"};
    const char *b = browsers[below(&g->r, 3)];
    uint32_t main = emit_app(g, explorer, b);
    if (b[0] != 'f')
        emit_app(g, main, b[0] == 'm' ? "msedgewebview2.exe" : "chrome.exe"); /* crashpad */
    uint32_t kids = chance(&g->r, 80) ? between(&g->r, 4, 24) : between(&g->r, 25, 60);
    for (uint32_t i = 0; i < kids && g->left; i++)
        emit_app(g, main, b);
}

static void office_tree(gen *g, uint32_t explorer)
{
    const char *app = office_apps[below(&g->r, 5)];
    uint32_t pid = emit_app(g, explorer, app);
    if (app[0] == 'W' && !g->office && g->written_last)
        g->office = pid;
    if (chance(&g->r, 30))
        emit_app(g, pid, "splwow64.exe");
    if (app[0] == 'O' && app[1] == 'U' && chance(&g->r, 50))
        emit_app(g, pid, "msedgewebview2.exe");
}

static void console_tree(gen *g, uint32_t explorer)
{
    uint32_t sh = emit_app(g, explorer, chance(&g->r, 60) ? "cmd.exe" : "powershell.exe");
    emit_app(g, sh, "conhost.exe");
    if (chance(&g->r, 40))
        emit_app(g, sh, chance(&g->r, 50) ? "ping.exe" : "git.exe");
}

static void app_tree(gen *g, const session_pids *s)
{
    uint32_t pick = below(&g->r, 100);
    if (pick < 35)
        browser_tree(g, s->explorer);
    else if (pick < 55)
        office_tree(g, s->explorer);
    else if (pick < 65)
        console_tree(g, s->explorer);
    else if (pick < 72) {
        uint32_t teams = emit_app(g, s->explorer, "Teams.exe");
        for (uint32_t i = between(&g->r, 2, 6); i && g->left; i--)
            emit_app(g, teams, "Teams.exe");
    } else if (pick < 80)
        emit_app(g, s->svchost_dcom, chance(&g->r, 50) ? "RuntimeBroker.exe" : "dllhost.exe");
    else
        emit_app(g, s->explorer, user_tools[below(&g->r, NUSER_TOOLS)]);
}

/* A user logon in a new session: the per-session smss.exe copy has exited,
 * so csrss.exe and winlogon.exe share its PID as their PPID. */
static session_pids logon(gen *g, int console)
{
    session_pids s = {0};
    uint32_t smss_copy = new_pid(g);
    emit(g, smss_copy, "csrss.exe");
    uint32_t winlogon = emit(g, smss_copy, "winlogon.exe");
    emit(g, winlogon, "fontdrvhost.exe");
    emit(g, winlogon, "dwm.exe");
    uint32_t userinit = new_pid(g);
    /* userinit.exe exits once explorer.exe runs; a dump often still lists
     * it with no thread. */
    if (chance(&g->r, 50))
        emit_full(g, winlogon, userinit, "userinit.exe", 0, 0);
    s.svchost_dcom = g->svchost[0];
    emit(g, pick_svchost(g), "sihost.exe");
    emit(g, pick_svchost(g), "taskhostw.exe");
    s.explorer = emit(g, userinit, "explorer.exe");
    emit(g, s.svchost_dcom, "RuntimeBroker.exe");
    emit(g, s.svchost_dcom, "StartMenuExperienceHost.exe");
    emit(g, s.svchost_dcom, "RuntimeBroker.exe");
    emit(g, s.svchost_dcom, "SearchApp.exe");
    emit(g, s.svchost_dcom, "RuntimeBroker.exe");
    emit(g, pick_svchost(g), "ctfmon.exe");
    emit(g, s.svchost_dcom, "ShellExperienceHost.exe");
    emit(g, s.svchost_dcom, "TextInputHost.exe");
    emit(g, s.explorer, "SecurityHealthSystray.exe");
    emit(g, s.explorer, "OneDrive.exe");
    if (!console)
        emit(g, pick_svchost(g), "rdpclip.exe");
    else
        emit(g, s.explorer, "vmtoolsd.exe");
    emit(g, s.svchost_dcom, "smartscreen.exe");
    return s;
}

static void boot(gen *g)
{
    emit_full(g, 0, 4, "System", 1, 0);
    emit_full(g, 4, new_pid(g), "Registry", 1, 0);
    emit(g, 4, "smss.exe");
    uint32_t smss0 = new_pid(g); /* session 0's smss.exe copy: exited */
    emit(g, smss0, "csrss.exe");
    g->wininit = emit(g, smss0, "wininit.exe");
    g->services = emit(g, g->wininit, "services.exe");
    g->lsass = emit(g, g->wininit, "lsass.exe");
    emit(g, g->wininit, "fontdrvhost.exe");
    g->nsvchost = 0;
    uint32_t nsvc = between(&g->r, 45, 80);
    for (uint32_t i = 0; i < nsvc; i++) {
        g->svchost[g->nsvchost++] = emit(g, g->services, "svchost.exe");
        if (i == 12)
            emit(g, 4, "MemCompression");
        if (i == 20)
            emit(g, g->services, "spoolsv.exe");
        if (i > 20 && i % 4 == 0)
            emit(g, g->services, service_hosts[1 + (i / 4) % (NSERVICE_HOSTS - 1)]);
        if (i == 30)
            g->searchindexer = emit(g, g->services, "SearchIndexer.exe");
        if (i == 35 && chance(&g->r, 50))
            emit_exited(g, g->services, "sppsvc.exe");
    }
    emit(g, g->svchost[0], "WmiPrvSE.exe");
    emit(g, g->svchost[0], "WmiPrvSE.exe");
    emit(g, pick_svchost(g), "audiodg.exe");
    emit(g, pick_svchost(g), "dasHost.exe");
    emit(g, g->svchost[0], "dllhost.exe");
    emit(g, g->searchindexer, "SearchProtocolHost.exe");
    emit(g, g->searchindexer, "SearchFilterHost.exe");
    if (chance(&g->r, 60))
        emit_exited(g, g->svchost[0], "WmiPrvSE.exe");
}

/* ---- planted deviations ----------------------------------------------------- */

static void plant(gen *g, plant_kind k)
{
    uint32_t parent = 0;
    const char *name = NULL;
    switch (k) {
    case PLANT_LSASS_UNDER_SERVICES:
        parent = g->services, name = "lsass.exe";
        break;
    case PLANT_SVCHOST_UNDER_EXPLORER:
        parent = g->console.explorer, name = "svchost.exe";
        break;
    case PLANT_SCVHOST:
        parent = g->console.explorer, name = "scvhost.exe";
        break;
    case PLANT_CMD_UNDER_LSASS:
        parent = g->lsass, name = "cmd.exe";
        break;
    case PLANT_SHELL_UNDER_OFFICE:
        if (!g->office)
            g->office = emit_full(g, g->console.explorer, new_pid(g), "WINWORD.EXE", 1, 0);
        parent = g->office, name = "powershell.exe";
        break;
    case PLANT_CSRSS_LIVE_PARENT:
        parent = g->console.explorer, name = "csrss.exe";
        break;
    case PLANT_KINDS:
        return;
    }
    uint32_t pid = new_pid(g);
    unsigned long line = g->o->line + 1;
    emit_full(g, parent, pid, name, 1, 0);
    if (g->truth)
        fprintf(g->truth, "%s\t%u\t%lu\t%s\t0x%04" PRIx32 "\t0x%04" PRIx32 "\t%s\t%s\n",
                g->file_label, g->dump_in_file, line, plant_info[k].name, pid, parent, name,
                plant_info[k].rules);
}

/* ---- one dump --------------------------------------------------------------- */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static void write_dump(gen *g)
{
    const options *opt = g->opt;
    g->dump_number++;
    g->dump_in_file++;
    rng_seed(&g->r, opt->seed, g->dump_number);
    write_header(g);
    g->next_pid = 4 * between(&g->r, 20, 60);
    g->left = opt->processes;
    g->listed = 0;
    g->suppress = 0;
    g->office = 0;
    g->nrecent = 0;
    int planting = opt->plants && g->dump_number % opt->plant_every == 0;
    unsigned nplants = 0;
    for (unsigned k = 0; k < PLANT_KINDS; k++)
        nplants += planting && (opt->plants >> k & 1u);
    /* Elision points are row counts past the boot lineage; each takes
     * effect at the next application row. */
    g->nelide = opt->elisions;
    g->elide_next = 0;
    for (uint32_t i = 0; i < g->nelide; i++)
        g->elide_at[i] = between(&g->r, 200, opt->processes - 1 - nplants);
    qsort(g->elide_at, g->nelide, sizeof g->elide_at[0], cmp_u32);

    g->left -= nplants; /* planted rows are written whatever else fits */
    boot(g);
    g->console = logon(g, 1);
    app_tree(g, &g->console);
    g->left += nplants;
    for (unsigned k = 0; planting && k < PLANT_KINDS; k++)
        if (opt->plants >> k & 1u)
            plant(g, (plant_kind)k);
    g->recent[g->nrecent++] = g->console;
    uint32_t session_quota = between(&g->r, 20, 200);
    while (g->left && !g->o->failed) {
        uint32_t pick = below(&g->r, 100);
        if (session_quota == 0) {
            session_pids s = logon(g, 0);
            g->recent[g->nrecent++ % RECENT_SESSIONS] = s;
            session_quota = between(&g->r, 20, 200);
        } else if (pick < 80) {
            uint32_t n = g->nrecent < RECENT_SESSIONS ? g->nrecent : RECENT_SESSIONS;
            app_tree(g, &g->recent[below(&g->r, n)]);
            session_quota = session_quota > 4 ? session_quota - 4 : 0;
        } else if (pick < 88) {
            emit_app(g, g->svchost[0], chance(&g->r, 70) ? "dllhost.exe" : "WmiPrvSE.exe");
        } else if (pick < 93) {
            emit_app(g, g->searchindexer, "SearchProtocolHost.exe");
        } else if (pick < 97) {
            emit(g, g->services, "svchost.exe");
        } else {
            emit_exited(g, pick_svchost(g), "backgroundTaskHost.exe");
        }
    }
    out_printf(g->o, "\n");
}

/* ---- files ------------------------------------------------------------------ */

static int open_out(out *o, const char *path)
{
    o->path = path ? path : "standard output";
    o->fd = path ? open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644) : STDOUT_FILENO;
    o->len = 0;
    o->written = 0;
    o->line = 0;
    if (o->fd < 0) {
        fprintf(stderr, "lineage-gen: cannot create %s: %s\n", path, strerror(errno));
        return 0;
    }
    return 1;
}

static int close_out(out *o)
{
    out_flush(o);
    if (o->fd != STDOUT_FILENO && close(o->fd) != 0 && !o->failed) {
        fprintf(stderr, "lineage-gen: cannot write %s: %s\n", o->path, strerror(errno));
        o->failed = 1;
    }
    return !o->failed;
}

static int write_file(gen *g, const char *path, const char *label)
{
    if (!open_out(g->o, path))
        return 0;
    g->file_label = label;
    g->dump_in_file = 0;
    if (g->opt->size) {
        while (g->o->written < g->opt->size && !g->o->failed)
            write_dump(g);
    } else {
        for (uint64_t d = 0; d < g->opt->dumps && !g->o->failed; d++)
            write_dump(g);
    }
    return close_out(g->o);
}

/* ---- options ---------------------------------------------------------------- */

static void usage(FILE *f)
{
    fputs("usage: lineage-gen [options]\n"
          "Writes deterministic Windows 10 kd .dumpdebug process listings.\n"
          "  --seed N            PRNG seed (default 1); same seed, same bytes\n"
          "  --processes N       process lines per dump, 300 to 10000000 (default 300)\n"
          "  --dumps N           dumps per file (default 1)\n"
          "  --size BYTES        keep adding dumps until the file reaches BYTES\n"
          "                      (suffixes K, M, G: powers of 1024); overrides --dumps\n"
          "  -o, --output FILE   write to FILE (default standard output)\n"
          "  --files N --out DIR write N files DIR/dump-000001.txt ... instead\n"
          "  --elide N           N '[---]' elisions per dump, each leaving out 1-12 rows\n"
          "  --plant KIND[,KIND] add deviations; KIND is one of:\n",
          f);
    for (unsigned k = 0; k < PLANT_KINDS; k++)
        fprintf(f, "                        %-22s %s\n", plant_info[k].name,
                plant_info[k].description);
    fputs("  --plant-every N     plant only in every Nth dump (default 1)\n"
          "  --truth FILE        ground truth of planted deviations, tab-separated\n"
          "                      (default FILE.truth for -o, DIR/truth.tsv for --out)\n",
          f);
}

static int parse_u64(const char *opt, const char *s, uint64_t lo, uint64_t hi, int suffix,
                     uint64_t *result)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-') {
        fprintf(stderr, "lineage-gen: %s needs a number\n", opt);
        return 0;
    }
    unsigned long long v = strtoull(s, &end, 10);
    uint64_t mult = 1;
    if (suffix && (*end == 'K' || *end == 'k'))
        mult = 1024, end++;
    else if (suffix && (*end == 'M' || *end == 'm'))
        mult = 1024 * 1024, end++;
    else if (suffix && (*end == 'G' || *end == 'g'))
        mult = 1024 * 1024 * 1024, end++;
    if (errno || *end || v > hi / mult || v * mult < lo || v * mult > hi) {
        fprintf(stderr, "lineage-gen: %s: '%s' is not a number from %" PRIu64 " to %" PRIu64 "\n",
                opt, s, lo, hi);
        return 0;
    }
    *result = v * mult;
    return 1;
}

static int parse_plants(const char *s, unsigned *kinds)
{
    while (*s) {
        const char *comma = strchr(s, ',');
        size_t n = comma ? (size_t)(comma - s) : strlen(s);
        unsigned k = 0;
        while (k < PLANT_KINDS &&
               !(strlen(plant_info[k].name) == n && memcmp(plant_info[k].name, s, n) == 0))
            k++;
        if (k == PLANT_KINDS) {
            fprintf(stderr, "lineage-gen: unknown --plant kind '%.*s'; see --help\n", (int)n, s);
            return 0;
        }
        *kinds |= 1u << k;
        s += n + (comma ? 1 : 0);
    }
    return 1;
}

static int parse_args(int argc, char **argv, options *o, int *help)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t n;
        int ok = 1, takes = 1;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            *help = 1;
            takes = 0;
        } else if (strcmp(a, "--seed") == 0)
            ok = parse_u64(a, v, 0, UINT64_MAX, 0, &o->seed);
        else if (strcmp(a, "--processes") == 0) {
            ok = parse_u64(a, v, MIN_PROCESSES, MAX_PROCESSES, 0, &n);
            o->processes = (uint32_t)n;
        } else if (strcmp(a, "--dumps") == 0)
            ok = parse_u64(a, v, 1, UINT32_MAX, 0, &o->dumps);
        else if (strcmp(a, "--files") == 0)
            ok = parse_u64(a, v, 1, 10000000, 0, &o->files);
        else if (strcmp(a, "--size") == 0)
            ok = parse_u64(a, v, 1, UINT64_MAX, 1, &o->size);
        else if (strcmp(a, "--elide") == 0) {
            ok = parse_u64(a, v, 0, MAX_ELISIONS, 0, &n);
            o->elisions = (uint32_t)n;
        } else if (strcmp(a, "--plant-every") == 0)
            ok = parse_u64(a, v, 1, UINT64_MAX, 0, &o->plant_every);
        else if (strcmp(a, "--plant") == 0)
            ok = v && parse_plants(v, &o->plants);
        else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0)
            o->output = v;
        else if (strcmp(a, "--out") == 0)
            o->out_dir = v;
        else if (strcmp(a, "--truth") == 0)
            o->truth = v;
        else {
            fprintf(stderr, "lineage-gen: unknown option '%s'; see --help\n", a);
            return 0;
        }
        if (ok && takes && !v) {
            fprintf(stderr, "lineage-gen: %s needs a value\n", a);
            return 0;
        }
        if (!ok)
            return 0;
        i += takes;
    }
    if (o->files && !o->out_dir) {
        fprintf(stderr, "lineage-gen: --files needs --out DIR\n");
        return 0;
    }
    if (o->out_dir && o->output) {
        fprintf(stderr, "lineage-gen: use either --output or --out, not both\n");
        return 0;
    }
    if (o->elisions && o->elisions > (o->processes - 200) / 4) {
        fprintf(stderr, "lineage-gen: --elide %u is too many for %u processes\n", o->elisions,
                o->processes);
        return 0;
    }
    return 1;
}

int main(int argc, char **argv)
{
    options opt = {1, MIN_PROCESSES, 1, 0, 0, 0, 1, 0, NULL, NULL, NULL};
    int help = 0;
    if (!parse_args(argc, argv, &opt, &help))
        return 2;
    if (help) {
        usage(stdout);
        return 0;
    }
    if (opt.out_dir && !opt.files)
        opt.files = 1;

    char *truth_path = NULL;
    if (opt.truth)
        truth_path = strdup(opt.truth);
    else if (opt.plants && opt.out_dir) {
        truth_path = malloc(strlen(opt.out_dir) + 16);
        if (truth_path)
            sprintf(truth_path, "%s/truth.tsv", opt.out_dir);
    } else if (opt.plants && opt.output) {
        truth_path = malloc(strlen(opt.output) + 8);
        if (truth_path)
            sprintf(truth_path, "%s.truth", opt.output);
    } else if (opt.plants) {
        fprintf(stderr, "lineage-gen: --plant writing to standard output needs --truth FILE\n");
        return 2;
    }
    if (opt.out_dir && mkdir(opt.out_dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "lineage-gen: cannot create %s: %s\n", opt.out_dir, strerror(errno));
        free(truth_path);
        return 1;
    }
    out o = {0};
    o.buf = malloc(OUT_BUFFER);
    gen *g = calloc(1, sizeof *g);
    if (!o.buf || !g) {
        fprintf(stderr, "lineage-gen: out of memory\n");
        return 1;
    }
    g->opt = &opt;
    g->o = &o;
    int ok = 1;
    if (truth_path) {
        g->truth = fopen(truth_path, "w");
        if (!g->truth) {
            fprintf(stderr, "lineage-gen: cannot create %s: %s\n", truth_path, strerror(errno));
            ok = 0;
        } else
            fputs("# file\tdump\tline\tkind\tpid\tppid\tname\trules\n", g->truth);
    }
    if (ok && opt.out_dir) {
        size_t n = strlen(opt.out_dir) + 32;
        char *path = malloc(n);
        for (uint64_t f = 1; path && ok && f <= opt.files; f++) {
            snprintf(path, n, "%s/dump-%06" PRIu64 ".txt", opt.out_dir, f);
            ok = write_file(g, path, strrchr(path, '/') + 1);
        }
        free(path);
    } else if (ok)
        ok = write_file(g, opt.output, opt.output ? opt.output : "-");
    if (g->truth && fclose(g->truth) != 0) {
        fprintf(stderr, "lineage-gen: cannot write %s\n", truth_path);
        ok = 0;
    }
    free(truth_path);
    free(o.buf);
    free(g);
    return ok ? 0 : 1;
}
