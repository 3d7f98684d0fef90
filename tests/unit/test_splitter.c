/* Cutting a file into pieces (lineage/splitter.h): reading the pieces with
 * readers of their own, each in a session of its own, and numbering their
 * dumps after the pieces before, gives exactly what one reader over the
 * whole file gives: the same dumps, numbers, lines, trees and
 * diagnostics. Checked at every cut the splitter finds (pieces of 1 byte)
 * and at larger sizes, over the seed listings, CRLF, a UTF-8 BOM, a bit
 * width carried from one dump into the next, over-long lines, and files
 * the splitter must leave whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "strbuf.h"
#include "dump_snapshot.h"

static char *write_temp(const char *data, size_t len)
{
    char *path = strdup("/tmp/lineage-splitter-XXXXXX");
    assert_non_null(path);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        assert_true(n > 0);
        done += (size_t)n;
    }
    close(fd);
    return path;
}

/* Everything one reader over the whole file gives, as text. */
static char *read_whole(const char *path)
{
    strbuf sb = STRBUF_INIT;
    lineage_session *session = lineage_session_new();
    lineage_reader *r = NULL;
    assert_int_equal(lineage_reader_open(session, path, NULL, &r), LINEAGE_OK);
    lineage_dump *d;
    while (lineage_reader_next(r, &d) == LINEAGE_OK && d) {
        snapshot_dump(&sb, d);
        lineage_dump_free(d);
    }
    snapshot_diags(&sb, lineage_reader_get_diags(r));
    strbuf_printf(&sb, "prose %lu\n", lineage_reader_get_prose_lines(r));
    lineage_reader_free(r);
    lineage_session_free(session);
    return strbuf_detach(&sb);
}

/* The same from the pieces; *npieces gets their number. Also checks that
 * the pieces cover the file in order and start at the lines they say. */
static char *read_pieces(const char *path, const char *data, size_t len, uint64_t piece_bytes,
                         size_t *npieces)
{
    lineage_splitter *sp = lineage_splitter_open(path, NULL, piece_bytes);
    if (!sp)
        fail_msg("no splitter for pieces of %llu bytes of %zu", (unsigned long long)piece_bytes,
                 len);
    assert_string_equal(lineage_splitter_get_format(sp), "kd");
    strbuf sb = STRBUF_INIT;
    lineage_diag_list *outside = lineage_diag_list_new();
    unsigned dumps = 0;
    unsigned long prose = 0;
    uint64_t at = 0;
    unsigned long line = 1;
    lineage_piece piece;
    *npieces = 0;
    while (lineage_splitter_next(sp, &piece)) {
        assert_int_equal(piece.offset, at);
        assert_true(piece.length > 0);
        assert_true(at == 0 || data[at - 1] == '\n');
        unsigned long newlines = 0;
        for (uint64_t i = at; i < at + piece.length; i++)
            newlines += data[i] == '\n';
        at += piece.length;
        assert_int_equal(piece.last, at == len);
        (*npieces)++;

        char *bytes = NULL;
        size_t nbytes = 0;
        unsigned long counted = 0;
        assert_int_equal(lineage_splitter_read_piece(sp, &piece, &bytes, &nbytes, &counted, outside),
                         LINEAGE_OK);
        assert_int_equal(counted, newlines);
        size_t bom = piece.offset == 0 && len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
        assert_int_equal(nbytes, piece.length - bom);
        assert_memory_equal(bytes, data + piece.offset + bom, nbytes);

        lineage_session *session = lineage_session_new();
        lineage_reader *r = NULL;
        assert_int_equal(lineage_reader_open_piece(session, sp, bytes, nbytes, line, &r),
                         LINEAGE_OK);
        line += newlines;
        lineage_dump *d;
        while (lineage_reader_next(r, &d) == LINEAGE_OK && d) {
            lineage_dump_set_index(d, ++dumps);
            snapshot_dump(&sb, d);
            lineage_dump_free(d);
        }
        prose += lineage_reader_get_prose_lines(r);
        lineage_reader_take_diags(r, outside);
        assert_int_equal(lineage_diag_list_count(lineage_reader_get_diags(r)), 0);
        lineage_reader_free(r);
        lineage_session_free(session);
        free(bytes);
    }
    assert_int_equal(at, len);
    snapshot_diags(&sb, outside);
    strbuf_printf(&sb, "prose %lu\n", prose);
    lineage_diag_list_free(outside);
    lineage_splitter_free(sp);
    return strbuf_detach(&sb);
}

/* Reads `data` whole and in pieces of each size; returns the most pieces
 * any size gave. */
static size_t same_in_pieces(const char *data, size_t len, const uint64_t *sizes, size_t nsizes)
{
    char *path = write_temp(data, len);
    char *whole = read_whole(path);
    size_t most = 0;
    for (size_t i = 0; i < nsizes; i++) {
        size_t n = 0;
        char *pieces = read_pieces(path, data, len, sizes[i], &n);
        if (strcmp(whole, pieces) != 0)
            fail_msg("pieces of %llu bytes read differently", (unsigned long long)sizes[i]);
        free(pieces);
        most = n > most ? n : most;
    }
    free(whole);
    unlink(path);
    free(path);
    return most;
}

static char *seed_times(int times, const char *between, size_t *len)
{
    size_t n;
    char *seed = read_source_file("examples/all-four.txt", &n);
    strbuf sb = STRBUF_INIT;
    for (int i = 0; i < times; i++) {
        strbuf_add(&sb, seed, n);
        strbuf_puts(&sb, between);
    }
    free(seed);
    *len = sb.len;
    return strbuf_detach(&sb);
}

static void seed_listings_read_the_same_at_every_cut(void **state)
{
    (void)state;
    size_t len;
    char *data = seed_times(3, "Some prose between the captures.\n\n", &len);
    const uint64_t sizes[] = {1, 64, 1000, 4096, 15000};
    /* A piece runs from its target at least to the second dump start after
     * it (the first tells where a dump starts): at 1 byte, 12 dumps give
     * at least 6 pieces. */
    assert_true(same_in_pieces(data, len, sizes, 5) >= 6);
    free(data);
}

static void crlf_and_bom_read_the_same(void **state)
{
    (void)state;
    size_t len;
    char *seed = seed_times(2, "\n", &len);
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "\xef\xbb\xbf");
    for (size_t i = 0; i < len; i++) {
        if (seed[i] == '\n')
            strbuf_puts(&sb, "\r\n");
        else
            strbuf_add(&sb, seed + i, 1);
    }
    const uint64_t sizes[] = {1, 3000};
    assert_true(same_in_pieces(sb.data, sb.len, sizes, 2) >= 4);
    strbuf_release(&sb);
    free(seed);
}

/* "----- 32 bit ..." after a dump's header is kept for the next dump, so
 * the `.dumpdebug` after it is not a cut; the one after that is. */
static void a_bit_width_carried_into_the_next_dump_blocks_the_cut(void **state)
{
    (void)state;
    const char *text =
        "kd> .dumpdebug\n"
        "DUMP_HEADER64:\n"
        "MajorVersion        0000000f\n"
        "\n"
        "Parent+: 0x0004--->\tChild: 0x0100\tActiveThreads->0002\tsmss.exe\n"
        "----- 32 bit Kernel Summary Dump Analysis\n"
        "kd> .dumpdebug\n"
        "Parent+: 0x0100--->\tChild: 0x0200\tActiveThreads->0009\tcsrss.exe\n"
        "kd> .dumpdebug\n"
        "Parent+: 0x0100--->\tChild: 0x0300\tActiveThreads->0003\twininit.exe\n"
        "kd> .dumpdebug\n"
        "Parent+: 0x0300--->\tChild: 0x0400\tActiveThreads->0007\tservices.exe\n";
    lineage_session *session = lineage_session_new();
    lineage_dump *dumps[4];
    assert_int_equal(read_dumps(session, text, dumps, 4, NULL), 4);
    assert_int_equal(lineage_dump_get_bits(dumps[1]), 32); /* the test means something */
    for (int i = 0; i < 4; i++)
        lineage_dump_free(dumps[i]);
    lineage_session_free(session);
    const uint64_t sizes[] = {1};
    /* The DUMP_HEADER line arms the scan; dump 2's `.dumpdebug` is no cut,
     * dump 3's is (and dump 4's is the second dump start of that piece). */
    assert_int_equal(same_in_pieces(text, strlen(text), sizes, 1), 2);
}

/* An over-long line is skipped by the source; the splitter must skip it
 * whole too, even when a piece's target falls inside it and its tail
 * looks like a `.dumpdebug` line. */
static void over_long_lines_are_skipped_whole(void **state)
{
    (void)state;
    size_t len;
    char *seed = seed_times(1, "", &len);
    strbuf sb = STRBUF_INIT;
    strbuf_add(&sb, seed, len);
    /* A small dump that arms the scan of the piece that starts at the
     * seed's last dump. */
    strbuf_puts(&sb, "kd> .dumpdebug\n"
                     "Parent+: 0x0004--->\tChild: 0x0100\tActiveThreads->0002\tsmss.exe\n");
    size_t long_at = sb.len;
    /* Two splitter blocks exactly, so that with the scan starting before
     * it, a block starts right at its `.dumpdebug` tail. */
    for (size_t i = 0; i < (4u << 20); i++)
        strbuf_add(&sb, "x", 1);
    strbuf_puts(&sb, "kd> .dumpdebug\n");
    strbuf_add(&sb, seed, len);
    strbuf_add(&sb, seed, len);
    /* Targets before the long line, just inside it, and deep inside it. */
    const uint64_t sizes[] = {1, long_at + 10, long_at + (2u << 20) + 3};
    assert_true(same_in_pieces(sb.data, sb.len, sizes, 3) >= 2);
    strbuf_release(&sb);
    free(seed);
}

/* The search for a cut reads the file in blocks; a line at the start of
 * a block must be fed like any other. Here a scan starts at dump A's
 * DUMP_HEADER line and its first block ends inside the bit-width line
 * after A, so that line starts the next block: missed, it would let the
 * next `.dumpdebug` (dump B, which takes A's bit width) pass for a cut. */
static void a_line_at_a_block_start_is_not_missed(void **state)
{
    (void)state;
    const size_t block = 64u * 1024u; /* the splitter's first read */
    strbuf sb = STRBUF_INIT;
    size_t header_at = 0;
    for (int round = 0; round < 3; round++) {
        strbuf_puts(&sb, "kd> .dumpdebug\n");
        if (round == 1)
            header_at = sb.len;
        size_t start = sb.len;
        strbuf_puts(&sb, "DUMP_HEADER64:\nMajorVersion        0000000f\n\n");
        for (int i = 0; sb.len < start + block - 200; i++)
            strbuf_printf(&sb, "Parent+: 0x%04x--->\tChild: 0x%04x\tActiveThreads->0002\tp%d.exe\n",
                          4, 0x1000 + i * 4, i);
        while (sb.len < start + block - 50)
            strbuf_puts(&sb, "\n");
        strbuf_puts(&sb, "----- 32 bit Kernel Summary Dump Analysis");
        for (int i = 0; i < 200; i++)
            strbuf_add(&sb, " ", 1);
        strbuf_puts(&sb, "\nkd> .dumpdebug\n"
                         "Parent+: 0x0004--->\tChild: 0x0100\tActiveThreads->0002\tsmss.exe\n");
    }
    /* The first piece's target is A's DUMP_HEADER line in round 1. */
    const uint64_t sizes[] = {header_at, 1};
    assert_true(same_in_pieces(sb.data, sb.len, sizes, 2) >= 2);
    strbuf_release(&sb);
}

static void files_read_whole(void **state)
{
    (void)state;
    size_t len;
    char *seed = seed_times(4, "\n", &len);
    char *path = write_temp(seed, len);
    assert_null(lineage_splitter_open(path, NULL, len)); /* shorter than two pieces */
    assert_null(lineage_splitter_open(path, "vol3-csv", 1)); /* a format never cut */
    assert_null(lineage_splitter_open("-", NULL, 1));
    assert_null(lineage_splitter_open("/tmp", NULL, 1));
    assert_null(lineage_splitter_open("/nonexistent/listing.txt", NULL, 1));
    lineage_splitter *sp = lineage_splitter_open(path, "kd", len / 2);
    assert_non_null(sp);
    lineage_splitter_free(sp);
    unlink(path);
    free(path);

    /* UTF-16, with and without a byte-order mark. */
    strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "\xff\xfe");
    for (size_t i = 0; i < len; i++) {
        strbuf_add(&sb, seed + i, 1);
        strbuf_add(&sb, "", 1);
    }
    path = write_temp(sb.data, sb.len);
    assert_null(lineage_splitter_open(path, NULL, 1));
    unlink(path);
    free(path);
    path = write_temp(sb.data + 2, sb.len - 2);
    assert_null(lineage_splitter_open(path, NULL, 1));
    unlink(path);
    free(path);
    strbuf_release(&sb);
    free(seed);
    lineage_splitter_free(NULL);
    lineage_piece piece;
    assert_int_equal(lineage_splitter_next(NULL, &piece), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(seed_listings_read_the_same_at_every_cut),
        cmocka_unit_test(crlf_and_bom_read_the_same),
        cmocka_unit_test(a_bit_width_carried_into_the_next_dump_blocks_the_cut),
        cmocka_unit_test(over_long_lines_are_skipped_whole),
        cmocka_unit_test(a_line_at_a_block_start_is_not_missed),
        cmocka_unit_test(files_read_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
