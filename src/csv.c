/* RFC 4180 record splitting over borrowed slices; see csv.h. */
#include "csv.h"

#include <string.h>

static void note(csv_error *err, csv_error_kind kind, size_t column)
{
    if (err && err->kind == CSV_OK) {
        err->kind = kind;
        err->column = column;
    }
}

size_t csv_split_checked(const char *line, size_t len, csv_field *fields, size_t max,
                         int backslash_escapes, csv_error *err)
{
    if (err) {
        err->kind = CSV_OK;
        err->column = 0;
    }
    if (len && line[len - 1] == '\r')
        len--;
    size_t n = 0;
    size_t i = 0;
    for (;;) {
        csv_field f = {line + i, 0, i, 0};
        if (i < len && line[i] == '"') {
            f.flags |= CSV_FIELD_QUOTED;
            size_t start = ++i;
            int closed = 0;
            while (i < len) {
                char c = line[i];
                if (backslash_escapes && c == '\\' && i + 1 < len) {
                    f.flags |= CSV_FIELD_ESCAPED;
                    i += 2;
                } else if (c == '"' && i + 1 < len && line[i + 1] == '"') {
                    f.flags |= CSV_FIELD_ESCAPED;
                    i += 2;
                } else if (c == '"') {
                    closed = 1;
                    break;
                } else {
                    i++;
                }
            }
            f.text = line + start;
            f.len = i - start;
            f.column = start;
            if (!closed) {
                note(err, CSV_E_UNTERMINATED, start - 1);
            } else {
                i++; /* the closing quote */
                if (i < len && line[i] != ',') {
                    note(err, CSV_E_AFTER_QUOTE, i);
                    while (i < len && line[i] != ',')
                        i++;
                }
            }
        } else {
            size_t start = i;
            while (i < len && line[i] != ',') {
                if (backslash_escapes && line[i] == '\\' && i + 1 < len) {
                    f.flags |= CSV_FIELD_ESCAPED;
                    i += 2;
                    continue;
                }
                if (line[i] == '"')
                    note(err, CSV_E_BARE_QUOTE, i);
                i++;
            }
            f.len = i - start;
        }
        if (n < max)
            fields[n] = f;
        n++;
        if (i >= len)
            break;
        i++; /* the comma */
    }
    return n;
}

size_t csv_split(const char *line, size_t len, csv_field *fields, size_t max,
                 int backslash_escapes)
{
    return csv_split_checked(line, len, fields, max, backslash_escapes, NULL);
}

size_t csv_unescape(const csv_field *field, char *out, int backslash_escapes)
{
    const char *s = field->text;
    size_t len = field->len;
    if (!(field->flags & CSV_FIELD_ESCAPED)) {
        if (len)
            memcpy(out, s, len);
        return len;
    }
    int quoted = (field->flags & CSV_FIELD_QUOTED) != 0;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (backslash_escapes && s[i] == '\\' && i + 1 < len)
            i++;
        else if (quoted && s[i] == '"' && i + 1 < len && s[i + 1] == '"')
            i++;
        out[o++] = s[i];
    }
    return o;
}

char *csv_field_dup(arena *mem, const csv_field *field, int backslash_escapes)
{
    char *out = arena_alloc(mem, field->len + 1);
    size_t n = csv_unescape(field, out, backslash_escapes);
    out[n] = '\0';
    return out;
}

const char *csv_error_message(csv_error_kind kind)
{
    switch (kind) {
    case CSV_OK:
        return "";
    case CSV_E_UNTERMINATED:
        return "quoted field is not closed before the end of the line";
    case CSV_E_AFTER_QUOTE:
        return "expected ',' or the end of the line after a closing quote";
    case CSV_E_BARE_QUOTE:
        return "a quote inside an unquoted field; expected the whole field in quotes";
    }
    return "";
}
