/* Windows facts: build numbers, bugcheck names, machine types.
 *
 * Tables from the reference on Windows lineage (§5a build numbers, §5b
 * bugcheck names from Microsoft's bug check code reference). */
#include <lineage/dump.h>

#include <stddef.h>
#include <string.h>

typedef struct build_entry {
    unsigned build;
    const char *product;
    const char *release;
    const char *family;
} build_entry;

/* Sorted by build. Vista SP1 shares 6001 with Server 2008 RTM; the desktop
 * name is used, and Server 2003 shares 3790 with XP x64. */
static const build_entry builds[] = {
    {2195, "Windows 2000", "", "2000"},
    {2600, "Windows XP", "", "xp"},
    {3790, "Windows Server 2003", "", "2003"},
    {6000, "Windows Vista", "RTM", "vista"},
    {6001, "Windows Vista", "SP1", "vista"},
    {6002, "Windows Vista", "SP2", "vista"},
    {7600, "Windows 7", "RTM", "7"},
    {7601, "Windows 7", "SP1", "7"},
    {9200, "Windows 8", "RTM", "8"},
    {9600, "Windows 8.1", "", "8.1"},
    {10240, "Windows 10", "1507", "10"},
    {10586, "Windows 10", "1511", "10"},
    {14393, "Windows 10", "1607", "10"},
    {15063, "Windows 10", "1703", "10"},
    {16299, "Windows 10", "1709", "10"},
    {17134, "Windows 10", "1803", "10"},
    {17763, "Windows 10", "1809", "10"},
    {18362, "Windows 10", "1903", "10"},
    {18363, "Windows 10", "1909", "10"},
    {19041, "Windows 10", "2004", "10"},
    {19042, "Windows 10", "20H2", "10"},
    {19043, "Windows 10", "21H1", "10"},
    {19044, "Windows 10", "21H2", "10"},
    {19045, "Windows 10", "22H2", "10"},
    {22000, "Windows 11", "21H2", "11"},
    {22621, "Windows 11", "22H2", "11"},
    {22631, "Windows 11", "23H2", "11"},
    {26100, "Windows 11", "24H2", "11"},
    {26200, "Windows 11", "25H2", "11"},
    {28000, "Windows 11", "26H1", "11"},
};

int lineage_os_from_build(unsigned build, lineage_os_info *info)
{
    info->product = NULL;
    info->release = "";
    info->family = NULL;
    const build_entry *below = NULL;
    for (size_t i = 0; i < sizeof builds / sizeof builds[0]; i++) {
        if (builds[i].build == build) {
            info->product = builds[i].product;
            info->release = builds[i].release;
            info->family = builds[i].family;
            return 1;
        }
        if (builds[i].build < build)
            below = &builds[i];
    }
    /* Unknown build: report the family it falls in (an Insider build of 10
     * is still 10), but no product release. */
    if (below && build < 30000) {
        info->product = below->product;
        info->family = below->family;
    }
    return 0;
}

unsigned lineage_os_build_from_name(const char *name)
{
    if (!name || !*name)
        return 0;
    unsigned newest = 0;
    for (size_t i = 0; i < sizeof builds / sizeof builds[0]; i++)
        if (strcmp(builds[i].family, name) == 0)
            newest = builds[i].build;
    if (newest)
        return newest;
    unsigned long v = 0;
    for (const char *p = name; *p; p++) {
        if (*p < '0' || *p > '9' || v > 99999)
            return 0;
        v = v * 10 + (unsigned)(*p - '0');
    }
    return v >= 2195 && v <= 99999 ? (unsigned)v : 0;
}

typedef struct bugcheck_entry {
    uint64_t code;
    const char *name;
} bugcheck_entry;

static const bugcheck_entry bugchecks[] = {
    {0x0A, "IRQL_NOT_LESS_OR_EQUAL"},
    {0x19, "BAD_POOL_HEADER"},
    {0x1A, "MEMORY_MANAGEMENT"},
    {0x1E, "KMODE_EXCEPTION_NOT_HANDLED"},
    {0x24, "NTFS_FILE_SYSTEM"},
    {0x3B, "SYSTEM_SERVICE_EXCEPTION"},
    {0x4E, "PFN_LIST_CORRUPT"},
    {0x50, "PAGE_FAULT_IN_NONPAGED_AREA"},
    {0x7A, "KERNEL_DATA_INPAGE_ERROR"},
    {0x7B, "INACCESSIBLE_BOOT_DEVICE"},
    {0x7E, "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED"},
    {0x7F, "UNEXPECTED_KERNEL_MODE_TRAP"},
    {0x8E, "KERNEL_MODE_EXCEPTION_NOT_HANDLED"},
    {0x9C, "MACHINE_CHECK_EXCEPTION"},
    {0x9F, "DRIVER_POWER_STATE_FAILURE"},
    {0xA5, "ACPI_BIOS_ERROR"},
    {0xBE, "ATTEMPTED_WRITE_TO_READONLY_MEMORY"},
    {0xC1, "SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION"},
    {0xC2, "BAD_POOL_CALLER"},
    {0xC4, "DRIVER_VERIFIER_DETECTED_VIOLATION"},
    {0xC5, "DRIVER_CORRUPTED_EXPOOL"},
    {0xD1, "DRIVER_IRQL_NOT_LESS_OR_EQUAL"},
    {0xE2, "MANUALLY_INITIATED_CRASH"},
    {0xEF, "CRITICAL_PROCESS_DIED"},
    {0xF4, "CRITICAL_OBJECT_TERMINATION"},
    {0xFC, "ATTEMPTED_EXECUTE_OF_NOEXECUTE_MEMORY"},
    {0x101, "CLOCK_WATCHDOG_TIMEOUT"},
    {0x109, "CRITICAL_STRUCTURE_CORRUPTION"},
    {0x116, "VIDEO_TDR_FAILURE"},
    {0x117, "VIDEO_TDR_TIMEOUT_DETECTED"},
    {0x124, "WHEA_UNCORRECTABLE_ERROR"},
    {0x133, "DPC_WATCHDOG_VIOLATION"},
    {0x139, "KERNEL_SECURITY_CHECK_FAILURE"},
    {0x13A, "KERNEL_MODE_HEAP_CORRUPTION"},
    {0x141, "VIDEO_ENGINE_TIMEOUT_DETECTED"},
    {0x154, "UNEXPECTED_STORE_EXCEPTION"},
    {0x161, "LIVE_SYSTEM_DUMP"},
    {0x18B, "SECURE_KERNEL_ERROR"},
    {0x1C8, "MANUALLY_INITIATED_POWER_BUTTON_HOLD"},
    {0x1000007E, "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M"},
    {0x1000008E, "KERNEL_MODE_EXCEPTION_NOT_HANDLED_M"},
    {0xC0000218, "STATUS_CANNOT_LOAD_REGISTRY_FILE"},
    {0xC000021A, "STATUS_SYSTEM_PROCESS_TERMINATED"},
    {0xDEADDEAD, "MANUALLY_INITIATED_CRASH1"},
};

const char *lineage_bugcheck_name(uint64_t code)
{
    for (size_t i = 0; i < sizeof bugchecks / sizeof bugchecks[0]; i++)
        if (bugchecks[i].code == code)
            return bugchecks[i].name;
    return NULL;
}

const char *lineage_arch_name(lineage_arch arch)
{
    switch (arch) {
    case LINEAGE_ARCH_X86:
        return "x86";
    case LINEAGE_ARCH_X64:
        return "x64";
    case LINEAGE_ARCH_ARM64:
        return "ARM64";
    case LINEAGE_ARCH_ARM:
        return "ARM";
    case LINEAGE_ARCH_IA64:
        return "IA64";
    case LINEAGE_ARCH_UNKNOWN:
        break;
    }
    return "unknown";
}

lineage_arch lineage_arch_from_machine(uint64_t machine)
{
    switch (machine) {
    case 0x14c:
        return LINEAGE_ARCH_X86;
    case 0x8664:
        return LINEAGE_ARCH_X64;
    case 0xaa64:
        return LINEAGE_ARCH_ARM64;
    case 0x1c4:
        return LINEAGE_ARCH_ARM;
    case 0x200:
        return LINEAGE_ARCH_IA64;
    default:
        return LINEAGE_ARCH_UNKNOWN;
    }
}
