/* Shared unit-test helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"

size_t read_dumps(lineage_session *session, const char *text, lineage_dump **dumps, size_t max,
                  lineage_diag_list *reader_diags)
{
    lineage_reader *r = NULL;
    lineage_status st = lineage_reader_open_memory(session, "test.txt", text, strlen(text), NULL, &r);
    size_t n = 0;
    if (st == LINEAGE_OK) {
        lineage_dump *d;
        while (lineage_reader_next(r, &d) == LINEAGE_OK && d) {
            assert_true(lineage_dump_check_tree(d));
            if (n < max)
                dumps[n] = d;
            else
                lineage_dump_free(d);
            n++;
        }
    }
    if (reader_diags) {
        const lineage_diag_list *rd = lineage_reader_get_diags(r);
        for (size_t i = 0; i < lineage_diag_list_count(rd); i++) {
            const lineage_diag *x = lineage_diag_list_get(rd, i);
            lineage_diag_add(reader_diags, lineage_diag_get_severity(x), lineage_diag_get_source(x),
                             lineage_diag_get_line(x), lineage_diag_get_column(x), NULL, 0, "%s",
                             lineage_diag_get_message(x));
        }
    }
    lineage_reader_free(r);
    return n;
}

lineage_dump *read_one(lineage_session *session, const char *text)
{
    lineage_dump *d = NULL;
    size_t n = read_dumps(session, text, &d, 1, NULL);
    assert_true(n >= 1);
    return d;
}

char *tree_of(const char *text)
{
    lineage_session *s = lineage_session_new();
    lineage_dump *d = read_one(s, text);
    char *t = lineage_render_tree_text(d, LINEAGE_RENDER_ASCII);
    lineage_dump_free(d);
    lineage_session_free(s);
    return t;
}

size_t diags_matching(const lineage_diag_list *diags, const char *needle)
{
    size_t n = 0;
    for (size_t i = 0; i < lineage_diag_list_count(diags); i++)
        if (strstr(lineage_diag_get_message(lineage_diag_list_get(diags, i)), needle))
            n++;
    return n;
}

const lineage_process *find_pid(const lineage_dump *d, uint64_t pid)
{
    for (size_t i = 0; i < lineage_dump_process_count(d); i++)
        if (lineage_process_get_pid(lineage_dump_process(d, i)) == pid)
            return lineage_dump_process(d, i);
    return NULL;
}

char *read_source_file(const char *relative_path, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", LINEAGE_SOURCE_DIR, relative_path);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

char *write_temp(const char *data, size_t len)
{
    char *path = strdup("/tmp/lineage-test-XXXXXX");
    assert_non_null(path);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    for (size_t done = 0; done < len;) {
        ssize_t n = write(fd, data + done, len - done);
        assert_true(n > 0);
        done += (size_t)n;
    }
    close(fd);
    return path;
}
