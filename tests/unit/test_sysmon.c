/* Sysmon Event ID 1 XML: both layouts, encodings, mapping to the model,
 * ignored events, parent images, malformed and hostile documents, the
 * field limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"
#include "limits.h"
#include "strbuf.h"

#define NS "http://schemas.microsoft.com/win/2004/08/events/event"
#define EV_OPEN "<Event xmlns='" NS "'><System><Provider Name='Microsoft-Windows-Sysmon'/>"
/* A creation event: id, pid, ppid, image, parent image, time. */
#define CREATE(pid, ppid, image, pimage, time)                                            \
    EV_OPEN "<EventID>1</EventID></System><EventData>"                                     \
            "<Data Name='UtcTime'>" time "</Data><Data Name='ProcessId'>" pid "</Data>"    \
            "<Data Name='Image'>" image "</Data><Data Name='ParentProcessId'>" ppid        \
            "</Data><Data Name='ParentImage'>" pimage "</Data></EventData></Event>\n"

static size_t count_at_least(const lineage_dump *d, lineage_severity sev)
{
    return lineage_diag_list_count_at_least(lineage_dump_get_diags(d), sev);
}

static lineage_dump *read_path(lineage_session *s, const char *relative)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", LINEAGE_SOURCE_DIR, relative);
    lineage_reader *r = NULL;
    assert_int_equal(lineage_reader_open(s, path, NULL, &r), LINEAGE_OK);
    assert_string_equal(lineage_reader_get_format(r), "sysmon");
    lineage_dump *d = NULL;
    assert_int_equal(lineage_reader_next(r, &d), LINEAGE_OK);
    assert_non_null(d);
    assert_true(lineage_dump_check_tree(d));
    lineage_dump *more = NULL;
    assert_int_equal(lineage_reader_next(r, &more), LINEAGE_OK);
    assert_null(more);
    lineage_reader_free(r);
    return d;
}

static char *ascii_tree(const lineage_dump *d)
{
    return lineage_render_tree_text(d, LINEAGE_RENDER_ASCII);
}

static const char system_tree[] =
    "[absent parent 4]\n"
    "`-- smss.exe (388)\n"
    "[absent parent 504]\n"
    "|-- csrss.exe (516)\n"
    "`-- wininit.exe (612)\n"
    "    |-- services.exe (740)\n"
    "    |   |-- svchost.exe (880)\n"
    "    |   `-- svchost.exe (932)\n"
    "    `-- lsass.exe (756)\n"
    "[absent parent 600]\n"
    "|-- csrss.exe (620)\n"
    "`-- winlogon.exe (680)\n"
    "    `-- userinit.exe (3680)\n"
    "        `-- explorer.exe (3712)\n"
    "            `-- cmd.exe (4100)\n";

static void system_wrapped(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_path(s, "tests/data/formats/system.sysmon.xml");
    assert_string_equal(lineage_dump_get_format(d), "sysmon");
    assert_int_equal(lineage_dump_get_pid_base(d), 10);
    assert_int_equal(lineage_dump_process_count(d), 12);
    assert_int_equal(count_at_least(d, LINEAGE_WARNING), 0);
    char *tree = ascii_tree(d);
    assert_string_equal(tree, system_tree);
    free(tree);

    const lineage_process *p = find_pid(d, 4100);
    assert_non_null(p);
    assert_string_equal(lineage_name_text(lineage_process_get_name(p)), "cmd.exe");
    assert_string_equal(lineage_process_get_image_path(p), "C:\\Windows\\System32\\cmd.exe");
    /* Entities (&amp; &quot; &gt;) are the predefined ones, decoded. */
    assert_string_equal(lineage_process_get_command_line(p),
                        "\"C:\\Windows\\system32\\cmd.exe\" /c echo \"a & b\" > C:\\Temp\\out.txt");
    assert_string_equal(lineage_process_get_user(p), "WORKSTATION\\analyst");
    assert_int_equal(lineage_process_get_create_time(p), 1709625790000000ull);
    assert_int_equal(lineage_process_get_threads(p), LINEAGE_UNKNOWN);
    assert_true(lineage_process_is_alive(p));
    assert_int_equal(lineage_process_get_session(p), 1); /* TerminalSessionId */
    assert_string_equal(lineage_process_get_integrity_level(p), "Medium");
    assert_string_equal(lineage_process_get_guid(p), "{4d5e6f70-1a2b-65e7-1004-000000001004}");
    /* ParentProcessGuid is the parent's, not this process's. */
    p = find_pid(d, 3680);
    assert_string_equal(lineage_process_get_integrity_level(p), "High");
    assert_string_equal(lineage_process_get_guid(p), "{4d5e6f70-1a2b-65e7-0e60-000000000e60}");

    const lineage_diag_list *diags = lineage_dump_get_diags(d);
    assert_int_equal(diags_matching(diags, "2 event(s) other than Sysmon process creation"), 1);
    assert_int_equal(diags_matching(diags, "parent PID 504 was not created during the log; its "
                                           "image was C:\\Windows\\System32\\smss.exe"), 1);
    assert_int_equal(diags_matching(diags, "parent PID 4 was not created during the log; its "
                                           "image was System"), 1);
    assert_int_equal(diags_matching(diags, "not created during the log"), 3);
    lineage_dump_free(d);
    lineage_session_free(s);
}

/* The rootless wevtutil layout (CRLF) and UTF-16LE with a BOM and an XML
 * declaration read exactly like the <Events> file. */
static void same_as_wrapped(void **state)
{
    (void)state;
    static const char *const variants[] = {
        "tests/data/formats/system.sysmon-wevtutil.xml",
        "tests/data/formats/system.sysmon.utf16le.xml",
    };
    for (size_t i = 0; i < 2; i++) {
        lineage_session *s = lineage_session_new();
        lineage_dump *d = read_path(s, variants[i]);
        assert_int_equal(lineage_dump_process_count(d), 12);
        assert_int_equal(count_at_least(d, LINEAGE_WARNING), 0);
        char *tree = ascii_tree(d);
        assert_string_equal(tree, system_tree);
        free(tree);
        assert_string_equal(lineage_process_get_command_line(find_pid(d, 880)),
                            "C:\\Windows\\system32\\svchost.exe -k DcomLaunch -p");
        lineage_dump_free(d);
        lineage_session_free(s);
    }
}

static void detection(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_reader *r = NULL;
    static const char no_ns[] = "<Events><Event><System><EventID>1</EventID></System></Event>"
                                "</Events>\n";
    assert_int_equal(lineage_reader_open_memory(s, "x.xml", no_ns, strlen(no_ns), NULL, &r),
                     LINEAGE_E_PARSE);
    lineage_reader_free(r);
    static const char one[] = CREATE("8", "4", "C:\\a.exe", "System", "2024-03-05 08:00:00.000");
    assert_int_equal(lineage_reader_open_memory(s, "x.xml", one, strlen(one), NULL, &r),
                     LINEAGE_OK);
    assert_string_equal(lineage_reader_get_format(r), "sysmon");
    lineage_reader_free(r);
    lineage_session_free(s);
}

/* Other providers' ID 1 and other Sysmon IDs are counted, not added; an
 * event without a ProcessId is a warning; a name is the image's basename;
 * an empty Data element is no value. */
static void events_and_fields(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s,
        "<?xml version='1.0' encoding='utf-8'?>\n"
        "<Events>\n"
        "<Event xmlns='" NS "'><System><Provider Name='Service Control Manager'/>"
        "<EventID>1</EventID></System><EventData><Data Name='ProcessId'>9</Data>"
        "<Data Name='ParentProcessId'>1</Data></EventData></Event>\n"
        EV_OPEN "<EventID>11</EventID></System></Event>\n"
        EV_OPEN "<EventID>1</EventID></System><EventData><Data Name='ParentProcessId'>4</Data>"
        "</EventData></Event>\n"
        EV_OPEN "<EventID> 1 </EventID></System><EventData><Data Name='ProcessId'>20</Data>"
        "<Data Name='ParentProcessId'>4</Data><Data Name='Image'>noslash.exe</Data>"
        "<Data Name='CommandLine'/><Data Name='UtcTime'>yesterday</Data>"
        "<Data Name='User'><![CDATA[DOM\\u<1>]]></Data></EventData></Event>\n"
        "</Events>\n");
    assert_int_equal(lineage_dump_process_count(d), 1);
    const lineage_process *p = find_pid(d, 20);
    assert_non_null(p);
    assert_string_equal(lineage_name_text(lineage_process_get_name(p)), "noslash.exe");
    assert_null(lineage_process_get_command_line(p));
    assert_string_equal(lineage_process_get_user(p), "DOM\\u<1>");
    /* Events without IntegrityLevel or ProcessGuid leave them unknown. */
    assert_null(lineage_process_get_integrity_level(p));
    assert_null(lineage_process_get_guid(p));
    assert_int_equal(lineage_process_get_create_time(p), LINEAGE_UNKNOWN);
    assert_int_equal(lineage_process_get_line(p), 6);
    const lineage_diag_list *diags = lineage_dump_get_diags(d);
    assert_int_equal(diags_matching(diags, "2 event(s) other than"), 1);
    assert_int_equal(diags_matching(diags, "without a decimal ProcessId"), 1);
    assert_int_equal(diags_matching(diags, "UtcTime is not a timestamp"), 1);
    assert_int_equal(lineage_diag_get_line(lineage_diag_list_get(diags, 0)), 5);
    lineage_dump_free(d);
    lineage_session_free(s);
}

/* TerminalSessionId is the session; the name is Image's file name as
 * written, so blanks around it are not lost. */
static void session_and_blank_names(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s,
        "<Events>\n"
        EV_OPEN "<EventID>1</EventID></System><EventData><Data Name='ProcessId'>20</Data>"
        "<Data Name='ParentProcessId'>4</Data><Data Name='Image'>C:\\x\\ lsass.exe </Data>"
        "<Data Name='TerminalSessionId'>1</Data></EventData></Event>\n"
        EV_OPEN "<EventID>1</EventID></System><EventData><Data Name='ProcessId'>21</Data>"
        "<Data Name='ParentProcessId'>4</Data><Data Name='Image'> csrss.exe</Data>"
        "<Data Name='TerminalSessionId'>one</Data></EventData></Event>\n"
        EV_OPEN "<EventID>1</EventID></System><EventData><Data Name='ProcessId'>22</Data>"
        "<Data Name='ParentProcessId'>4</Data><Data Name='Image'>C:\\x\\a.exe</Data>"
        "</EventData></Event>\n"
        "</Events>\n");
    const lineage_process *p = find_pid(d, 20);
    assert_string_equal(lineage_name_text(lineage_process_get_name(p)), " lsass.exe ");
    assert_string_equal(lineage_process_get_image_path(p), "C:\\x\\ lsass.exe ");
    assert_int_equal(lineage_process_get_session(p), 1);
    p = find_pid(d, 21);
    assert_string_equal(lineage_name_text(lineage_process_get_name(p)), " csrss.exe");
    assert_int_equal(lineage_process_get_session(p), -1);
    assert_int_equal(lineage_process_get_session(find_pid(d, 22)), -1);
    const lineage_diag_list *diags = lineage_dump_get_diags(d);
    assert_int_equal(diags_matching(diags, "TerminalSessionId is not a decimal session number; "
                                           "session left unknown"), 1);
    assert_int_equal(count_at_least(d, LINEAGE_WARNING), 1);
    lineage_dump_free(d);
    lineage_session_free(s);
}

/* PID 600 is created twice: the child links to the one created before
 * it, and a ParentImage that names another image is a warning. A parent
 * created after its child is rejected by the tree. */
static void pid_reuse(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s,
        CREATE("600", "4", "C:\\old.exe", "System", "2024-03-05 08:00:00.000")
        CREATE("600", "4", "C:\\new.exe", "System", "2024-03-05 09:00:00.000")
        CREATE("700", "600", "C:\\kid.exe", "C:\\old.exe", "2024-03-05 08:30:00.000")
        CREATE("701", "600", "C:\\liar.exe", "C:\\other.exe", "2024-03-05 09:30:00.000")
        CREATE("800", "900", "C:\\early.exe", "C:\\late.exe", "2024-03-05 07:00:00.000")
        CREATE("900", "4", "C:\\late.exe", "System", "2024-03-05 10:00:00.000"));
    const lineage_process *kid = find_pid(d, 700);
    assert_string_equal(lineage_process_get_image_path(lineage_process_get_parent(kid)),
                        "C:\\old.exe");
    const lineage_process *liar = find_pid(d, 701);
    assert_string_equal(lineage_process_get_image_path(lineage_process_get_parent(liar)),
                        "C:\\new.exe");
    const lineage_diag_list *diags = lineage_dump_get_diags(d);
    assert_int_equal(diags_matching(diags, "ParentImage of process 701 is C:\\other.exe, but the "
                                           "process linked as its parent was created from "
                                           "C:\\new.exe"), 1);
    assert_int_equal(diags_matching(diags, "ParentImage of process"), 1);
    assert_null(lineage_process_get_parent(find_pid(d, 800)));
    assert_int_equal(diags_matching(diags, "parent link of 800 to PID 900 rejected"), 1);
    assert_int_equal(diags_matching(diags, "parent PID 900 was not created during the log; its "
                                           "image was C:\\late.exe"), 1);
    lineage_dump_free(d);
    lineage_session_free(s);
}

/* A broken document: an error with line and column, the events before it
 * kept, never a crash. */
static void malformed(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s,
        "<Events>\n"
        CREATE("10", "4", "C:\\a.exe", "System", "2024-03-05 08:00:00.000")
        EV_OPEN "<EventID>1</EventID></System><EventData><Data Name='ProcessId'>11</Data>\n"
        "</Event>\n"
        CREATE("12", "4", "C:\\b.exe", "System", "2024-03-05 08:00:00.000")
        "</Events>\n");
    assert_int_equal(lineage_dump_process_count(d), 1);
    assert_non_null(find_pid(d, 10));
    const lineage_diag_list *diags = lineage_dump_get_diags(d);
    assert_true(count_at_least(d, LINEAGE_ERROR) >= 1);
    const lineage_diag *e = NULL;
    for (size_t i = 0; i < lineage_diag_list_count(diags) && !e; i++)
        if (lineage_diag_get_severity(lineage_diag_list_get(diags, i)) == LINEAGE_ERROR)
            e = lineage_diag_list_get(diags, i);
    assert_non_null(e);
    assert_non_null(strstr(lineage_diag_get_message(e), "malformed XML"));
    assert_int_equal(lineage_diag_get_line(e), 4);
    assert_true(lineage_diag_get_column(e) > 0);
    lineage_dump_free(d);

    /* Cut short, invalid UTF-8, garbage: each one error-carrying dump. */
    static const char *const broken[] = {
        "<Events>\n" EV_OPEN "<EventID>1</Event",
        EV_OPEN "<EventID>1</EventID></System><EventData><Data Name='Image'>\xff\xfe</Data>"
                "</EventData></Event>\n",
        EV_OPEN "</System>\n",
        EV_OPEN "<EventID>1</EventID></System></Event>\n<",
    };
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        d = read_one(s, broken[i]);
        assert_true(count_at_least(d, LINEAGE_ERROR) >= 1);
        assert_int_equal(lineage_dump_process_count(d), 0);
        lineage_dump_free(d);
    }
    lineage_session_free(s);
}

/* No DTD, no entities, no external resources: a DOCTYPE is an error and
 * nothing from it reaches the model. */
static void hostile(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    static const char *const docs[] = {
        "<!DOCTYPE Events [<!ENTITY x 'EVIL'>]>\n<Events>\n"
        EV_OPEN "<EventID>1</EventID></System><EventData><Data Name='ProcessId'>5</Data>"
        "<Data Name='ParentProcessId'>4</Data><Data Name='Image'>&x;</Data></EventData></Event>\n"
        "</Events>\n",
        "<!DOCTYPE Events SYSTEM 'file:///etc/passwd'>\n<Events xmlns:e='" NS "'>\n"
        EV_OPEN "<EventID>1</EventID></System><EventData><Data Name='ProcessId'>5</Data>"
        "<Data Name='ParentProcessId'>4</Data><Data Name='Image'>&xxe;</Data></EventData>"
        "</Event>\n</Events>\n",
        EV_OPEN "<EventID>1</EventID></System><EventData><Data Name='ProcessId'>5</Data>"
        "<Data Name='ParentProcessId'>4</Data><Data Name='Image'>&undefined;</Data>"
        "</EventData></Event>\n",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        lineage_dump *d = read_one(s, docs[i]);
        assert_true(count_at_least(d, LINEAGE_ERROR) >= 1);
        for (size_t k = 0; k < lineage_dump_process_count(d); k++) {
            const char *image = lineage_process_get_image_path(lineage_dump_process(d, k));
            assert_true(!image || !strstr(image, "EVIL"));
            assert_true(!image || !strstr(image, "root:"));
        }
        lineage_dump_free(d);
    }
    lineage_session_free(s);
}

/* LINEAGE_MAX_XML_FIELD: a longer command line is cut with a warning. */
static void field_limit(void **state)
{
    (void)state;
    strbuf doc = STRBUF_INIT;
    strbuf_puts(&doc, EV_OPEN "<EventID>1</EventID></System><EventData>"
                              "<Data Name='ProcessId'>5</Data><Data Name='ParentProcessId'>4</Data>"
                              "<Data Name='CommandLine'>");
    for (size_t i = 0; i < LINEAGE_MAX_XML_FIELD + 100; i++)
        strbuf_putc(&doc, (char)('a' + i % 26));
    strbuf_puts(&doc, "</Data></EventData></Event>\n");
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, doc.data);
    const lineage_process *p = find_pid(d, 5);
    assert_non_null(p);
    assert_int_equal(strlen(lineage_process_get_command_line(p)), LINEAGE_MAX_XML_FIELD);
    assert_int_equal(diags_matching(lineage_dump_get_diags(d), "CommandLine longer than the "
                                                                "field limit; cut"), 1);
    lineage_dump_free(d);
    lineage_session_free(s);
    strbuf_release(&doc);
}

static void empty_log(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, "<Events xmlns:e='" NS "'>\n"
                                  EV_OPEN "<EventID>5</EventID></System></Event>\n</Events>\n");
    assert_int_equal(lineage_dump_process_count(d), 0);
    const lineage_diag_list *diags = lineage_dump_get_diags(d);
    assert_int_equal(diags_matching(diags, "no Sysmon process creation event"), 1);
    assert_int_equal(diags_matching(diags, "1 event(s) other than"), 1);
    lineage_dump_free(d);
    lineage_session_free(s);
}

/* Control characters that XML allows (tab, via a character reference)
 * reach the name as they are and are shown escaped in the text tree. */
static void escaped_names(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, CREATE("5", "4", "C:\\tmp\\evil&#9;x&#xD;.exe", "System",
                                         "2024-03-05 08:00:00.000"));
    const lineage_process *p = find_pid(d, 5);
    assert_string_equal(lineage_name_text(lineage_process_get_name(p)), "evil\tx\r.exe");
    char *tree = ascii_tree(d);
    assert_string_equal(tree, "[absent parent 4]\n`-- evil\\tx\\r.exe (5)\n");
    free(tree);
    lineage_dump_free(d);
    lineage_session_free(s);
}

/* The first error of a dump, or NULL. */
static const lineage_diag *first_error(const lineage_dump *d)
{
    const lineage_diag_list *diags = lineage_dump_get_diags(d);
    for (size_t i = 0; i < lineage_diag_list_count(diags); i++)
        if (lineage_diag_get_severity(lineage_diag_list_get(diags, i)) == LINEAGE_ERROR)
            return lineage_diag_list_get(diags, i);
    return NULL;
}

/* A log cut short: one error on its last line, naming what was left open,
 * with that line and a caret after its end; never our wrapper element nor
 * a line past the end. Every complete event before the cut is kept. */
static void cut_short(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        unsigned long line;
        const char *message;
        size_t processes;
    } cases[] = {
        {"<Events>\n" CREATE("10", "4", "C:\\a.exe", "System", "2024-03-05 08:00:00.000"), 2,
         "the XML ends before <Events> (opened on line 1) is closed (file cut short?)", 1},
        {"<Events>\n" CREATE("10", "4", "C:\\a.exe", "System", "2024-03-05 08:00:00.000")
         CREATE("11", "10", "C:\\b.exe", "C:\\a.exe", "2024-03-05 08:00:01.000") "\n  \n", 3,
         "the XML ends before <Events> (opened on line 1) is closed (file cut short?)", 2},
        {"<Events>\n" CREATE("10", "4", "C:\\a.exe", "System", "2024-03-05 08:00:00.000")
         EV_OPEN "<EventID>1</EventID><TimeCreated SystemTime=\"2024", 3,
         "the XML ends inside an attribute value (file cut short?)", 1},
        {"<Events>\n" EV_OPEN "<EventID>1</EventID></System><EventData>\n"
         "<Data Name='Image'>C:\\",
         3,
         "the XML ends before <Data> (opened on line 3) is closed (file cut short?)", 0},
        {"<Events>\n" EV_OPEN "<EventID>1</EventID><Correlation/", 2,
         "the XML ends inside a tag (file cut short?)", 0},
        {"<Events>\n" EV_OPEN "<EventID>1</Event", 2,
         "the XML ends inside a tag (file cut short?)", 0},
        {"<Events>\n" EV_OPEN "<!-- a comment\n", 2,
         "the XML ends inside a comment (file cut short?)", 0},
    };
    lineage_session *s = lineage_session_new();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lineage_dump *d = read_one(s, cases[i].text);
        assert_int_equal(lineage_dump_process_count(d), cases[i].processes);
        assert_int_equal(count_at_least(d, LINEAGE_ERROR), 1);
        const lineage_diag *e = first_error(d);
        assert_string_equal(lineage_diag_get_message(e), cases[i].message);
        assert_int_equal(lineage_diag_get_line(e), cases[i].line);
        /* The caret goes after the last character of that line. */
        const char *src = lineage_diag_get_source_line(e);
        assert_true(strlen(src) > 0);
        assert_int_equal(lineage_diag_get_excerpt_column(e), strlen(src) + 1);
        const lineage_diag_list *diags = lineage_dump_get_diags(d);
        for (size_t k = 0; k < lineage_diag_list_count(diags); k++)
            assert_null(strstr(lineage_diag_get_message(lineage_diag_list_get(diags, k)),
                               "lineage-sysmon-log"));
        lineage_dump_free(d);
    }
    lineage_session_free(s);
}

/* A log on one line longer than any line kept (events written back to
 * back, as wevtutil does) is read whole, in pieces; cut short, its error
 * is on line 1 after its last character, without an excerpt of a line
 * that long. */
static void one_long_line(void **state)
{
    (void)state;
    strbuf log = STRBUF_INIT;
    size_t events = 0;
    while (log.len <= 2 * LINEAGE_MAX_LINE_LENGTH) {
        char pid[16];
        snprintf(pid, sizeof pid, "%zu", 8 + 4 * events++);
        strbuf_puts(&log, EV_OPEN "<EventID>1</EventID></System><EventData>"
                          "<Data Name='UtcTime'>2024-03-05 08:00:00.000</Data>"
                          "<Data Name='ProcessId'>");
        strbuf_puts(&log, pid);
        strbuf_puts(&log, "</Data><Data Name='Image'>C:\\a.exe</Data>"
                          "<Data Name='ParentProcessId'>4</Data></EventData></Event>");
    }
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, log.data);
    assert_int_equal(lineage_dump_process_count(d), events);
    assert_int_equal(count_at_least(d, LINEAGE_WARNING), 0);
    assert_int_equal(lineage_dump_get_last_line(d), 1);
    lineage_dump_free(d);

    strbuf_puts(&log, EV_OPEN "<EventID>1</EventID></System><EventData><Data Name='Image'>C:");
    d = read_one(s, log.data);
    assert_int_equal(lineage_dump_process_count(d), events);
    assert_int_equal(count_at_least(d, LINEAGE_ERROR), 1);
    const lineage_diag *e = first_error(d);
    assert_string_equal(lineage_diag_get_message(e),
                        "the XML ends before <Data> (opened on line 1) is closed (file cut short?)");
    assert_int_equal(lineage_diag_get_line(e), 1);
    assert_int_equal(lineage_diag_get_column(e), log.len + 1);
    assert_string_equal(lineage_diag_get_source_line(e), "");
    lineage_dump_free(d);
    lineage_session_free(s);
    strbuf_release(&log);
}

/* An end tag too many is an error at that tag, in the source's terms. */
static void extra_end_tag(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    lineage_dump *d =
        read_one(s, "<Events>\n" CREATE("10", "4", "C:\\a.exe", "System", "2024-03-05 08:00:00.000")
                    "</Events>\n</Events>\n");
    const lineage_diag *e = first_error(d);
    assert_non_null(e);
    assert_string_equal(lineage_diag_get_message(e),
                        "malformed XML: </Events> closes an element that was never opened");
    assert_int_equal(lineage_diag_get_line(e), 4);
    assert_int_equal(lineage_dump_process_count(d), 1);
    lineage_dump_free(d);
    lineage_session_free(s);
}

/* Read as sysmon (--input-format), text with no event in it is no dump,
 * as for every other format; XML errors on the way are the reader's. */
static void forced_on_prose(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "hello world\n",
        "Notes: AT&T rocks\n",
        "<notes>nothing here</notes>\n",
        "\n\n",
    };
    lineage_session *s = lineage_session_new();
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        lineage_reader *r = NULL;
        assert_int_equal(lineage_reader_open_memory(s, "x.txt", texts[i], strlen(texts[i]),
                                                    "sysmon", &r),
                         LINEAGE_OK);
        lineage_dump *d = NULL;
        assert_int_equal(lineage_reader_next(r, &d), LINEAGE_OK);
        assert_null(d);
        assert_int_equal(lineage_reader_get_dump_count(r), 0);
        const lineage_diag_list *diags = lineage_reader_get_diags(r);
        assert_int_equal(lineage_diag_list_count_at_least(diags, LINEAGE_ERROR), i == 1 ? 1 : 0);
        lineage_reader_free(r);
    }
    lineage_session_free(s);
}

/* "name pid ppid parent" lines sorted by PID; with skip_system, System
 * (PID 4) is left out and its children get no parent, as in a creation
 * log that cannot contain it. */
static char *canonical(const lineage_dump *d, int skip_system)
{
    strbuf out = STRBUF_INIT;
    size_t n = lineage_dump_process_count(d);
    const lineage_process **order = calloc(n ? n : 1, sizeof *order);
    assert_non_null(order);
    for (size_t i = 0; i < n; i++)
        order[i] = lineage_dump_process(d, i);
    for (size_t i = 1; i < n; i++) /* insertion sort by PID: a dozen rows */
        for (size_t j = i; j > 0 && lineage_process_get_pid(order[j - 1]) >
                                        lineage_process_get_pid(order[j]); j--) {
            const lineage_process *t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (size_t i = 0; i < n; i++) {
        const lineage_process *p = order[i];
        if (skip_system && lineage_process_get_pid(p) == 4)
            continue;
        const lineage_process *parent = lineage_process_get_parent(p);
        if (skip_system && parent && lineage_process_get_pid(parent) == 4)
            parent = NULL;
        strbuf_printf(&out, "%s %llu %llu %s\n", lineage_name_text(lineage_process_get_name(p)),
                      (unsigned long long)lineage_process_get_pid(p),
                      (unsigned long long)lineage_process_get_ppid(p),
                      parent ? lineage_name_text(lineage_process_get_name(parent)) : "-");
    }
    free(order);
    return strbuf_detach(&out);
}

/* The same small system as every other format's system file, less the
 * System process a creation log cannot contain. */
static void same_system_as_kd(void **state)
{
    (void)state;
    lineage_session *s = lineage_session_new();
    char *kd_text = read_source_file("tests/data/formats/system.kd.txt", NULL);
    lineage_dump *kd = read_one(s, kd_text);
    lineage_dump *d = read_path(s, "tests/data/formats/system.sysmon.xml");
    char *want = canonical(kd, 1);
    char *got = canonical(d, 0);
    assert_non_null(strstr(want, "smss.exe 388 4 -\n"));
    assert_string_equal(got, want);
    free(want);
    free(got);
    lineage_dump_free(kd);
    lineage_dump_free(d);
    free(kd_text);
    lineage_session_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(system_wrapped), cmocka_unit_test(same_as_wrapped),
        cmocka_unit_test(detection),      cmocka_unit_test(events_and_fields),
        cmocka_unit_test(pid_reuse),      cmocka_unit_test(malformed),
        cmocka_unit_test(session_and_blank_names),
        cmocka_unit_test(hostile),        cmocka_unit_test(field_limit),
        cmocka_unit_test(empty_log),      cmocka_unit_test(same_system_as_kd),
        cmocka_unit_test(escaped_names),  cmocka_unit_test(cut_short),
        cmocka_unit_test(extra_end_tag),  cmocka_unit_test(one_long_line),  cmocka_unit_test(forced_on_prose),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
