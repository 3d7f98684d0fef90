/* Cutting a file into pieces (lineage/splitter.h): reading the pieces with
 * readers of their own, each in a session of its own, and numbering their
 * dumps after the pieces before, gives exactly what one reader over the
 * whole file gives: the same dumps, numbers, lines, trees and
 * diagnostics. Checked at every cut the splitter finds (pieces of 1 byte)
 * and at larger sizes, over the seed listings, CRLF, a UTF-8 BOM, a bit
 * width carried from one dump into the next, over-long lines, pieces
 * longer than the splitter holds, and files the splitter must leave
 * whole. */
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

/* Writes `text` to `path` (a new file). */
static void write_temp_at(const char *path, const char *text)
{
    FILE *f = fopen(path, "wx");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
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

/* What reading a file in pieces gave, besides the text. */
typedef struct piece_stats {
    size_t pieces;  /* pieces */
    size_t unsure;  /* pieces whose dumps the splitter could not count */
    size_t streamed; /* pieces past the hold limit, read again from the file */
} piece_stats;

/* A kd splitter over `path` (`len` bytes) in pieces of `piece_bytes`,
 * holding at most `hold` bytes of a piece (UINT64_MAX: every piece whole). */
static lineage_splitter *open_splitter(const char *path, size_t len, uint64_t piece_bytes,
                                       uint64_t hold)
{
    lineage_splitter *sp = lineage_splitter_open(path, NULL, piece_bytes);
    if (!sp)
        fail_msg("no splitter for pieces of %llu bytes of %zu", (unsigned long long)piece_bytes,
                 len);
    lineage_splitter_set_hold_limit(sp, hold);
    assert_string_equal(lineage_splitter_get_format(sp), "kd");
    return sp;
}

/* What one reader over the whole file gives, from the pieces of `sp` (as
 * open_splitter made it), each numbered from the counts the splitter
 * gave for the pieces before when it knew them. Also
 * checks that the pieces cover the file in order, start at the lines they
 * say, hold the file's bytes (or are streamed, when longer than `hold`),
 * and that every dump count the splitter gave is the number of dumps the
 * piece's reader gives. */
static char *read_pieces(const lineage_splitter *sp, const char *data, size_t len,
                         uint64_t piece_bytes, uint64_t hold, piece_stats *stats)
{
    strbuf sb = STRBUF_INIT;
    lineage_diag_list *outside = lineage_diag_list_new();
    unsigned dumps = 0;
    unsigned long prose = 0;
    uint64_t at = 0;
    unsigned long line = 1;
    char *buf = NULL;
    size_t cap = 0;
    lineage_piece piece;
    memset(stats, 0, sizeof *stats);
    do {
        assert_int_equal(lineage_splitter_read_piece(sp, at, &buf, &cap, &piece, outside),
                         LINEAGE_OK);
        assert_int_equal(piece.offset, at);
        assert_true(piece.length > 0);
        assert_true(at == 0 || data[at - 1] == '\n');
        unsigned long newlines = 0;
        for (uint64_t i = at; i < at + piece.length; i++)
            newlines += data[i] == '\n';
        assert_int_equal(piece.lines, newlines);
        at += piece.length;
        assert_int_equal(piece.last, at == len);
        assert_true(piece.last || piece.length >= piece_bytes);
        stats->pieces++;
        stats->unsure += !piece.dumps_known;
        stats->streamed += piece.streamed;
        size_t bom = piece.offset == 0 && len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
        if (hold != UINT64_MAX) {
            /* The walks held no more than the limit or a line a reader
             * keeps (over-long ones are let go), and a block; the buffer
             * grows by doubling. */
            uint64_t most = (hold > (1u << 20) ? hold : (1u << 20)) + (128u << 10);
            assert_true(cap <= 2 * most);
        }
        /* Streamed exactly when the walk cannot see the piece's end (the
         * end of the file, or of the line that starts the next piece)
         * within the first max(hold, BOM + 1) bytes it reads. */
        uint64_t reach = at;
        while (reach < len && data[reach] != '\n')
            reach++;
        reach += reach < len;
        uint64_t held = hold > bom + 1 ? hold : bom + 1;
        assert_int_equal(piece.streamed, hold != UINT64_MAX && reach - piece.offset > held);
        if (piece.streamed) {
            assert_null(piece.data);
            assert_int_equal(piece.len, 0);
        } else {
            assert_int_equal(piece.len, piece.length - bom);
            assert_memory_equal(piece.data, data + piece.offset + bom, piece.len);
        }

        lineage_session *session = lineage_session_new();
        lineage_reader *r = NULL;
        assert_int_equal(lineage_reader_open_piece(session, sp, &piece, line, &r), LINEAGE_OK);
        line += newlines;
        lineage_dump *d;
        unsigned first = dumps;
        while (lineage_reader_next(r, &d) == LINEAGE_OK && d) {
            lineage_dump_set_index(d, ++dumps);
            snapshot_dump(&sb, d);
            lineage_dump_free(d);
        }
        if (piece.dumps_known && piece.dumps != dumps - first)
            fail_msg("the splitter counted %lu dumps in piece %zu, its reader gave %u",
                     piece.dumps, stats->pieces, dumps - first);
        prose += lineage_reader_get_prose_lines(r);
        lineage_reader_take_diags(r, outside);
        assert_int_equal(lineage_diag_list_count(lineage_reader_get_diags(r)), 0);
        lineage_reader_free(r);
        lineage_session_free(session);
    } while (!piece.last);
    free(buf);
    assert_int_equal(at, len);
    snapshot_diags(&sb, outside);
    strbuf_printf(&sb, "prose %lu\n", prose);
    lineage_diag_list_free(outside);
    return strbuf_detach(&sb);
}

/* Reads `data` whole and in pieces of each size, the splitter holding at
 * most `hold` bytes of a piece; returns the most pieces any size gave, in
 * *unsure (when not NULL) the most pieces whose dumps the splitter could
 * not count, and in *streamed (when not NULL) the pieces streamed over
 * all sizes. */
static size_t same_in_pieces_held(const char *data, size_t len, const uint64_t *sizes,
                                  size_t nsizes, uint64_t hold, size_t *unsure, size_t *streamed)
{
    char *path = write_temp(data, len);
    char *whole = read_whole(path);
    size_t most = 0, most_unsure = 0, all_streamed = 0;
    for (size_t i = 0; i < nsizes; i++) {
        piece_stats stats;
        lineage_splitter *sp = open_splitter(path, len, sizes[i], hold);
        char *pieces = read_pieces(sp, data, len, sizes[i], hold, &stats);
        lineage_splitter_free(sp);
        if (strcmp(whole, pieces) != 0)
            fail_msg("pieces of %llu bytes, holding %llu, read differently",
                     (unsigned long long)sizes[i], (unsigned long long)hold);
        free(pieces);
        most = stats.pieces > most ? stats.pieces : most;
        most_unsure = stats.unsure > most_unsure ? stats.unsure : most_unsure;
        all_streamed += stats.streamed;
    }
    free(whole);
    unlink(path);
    free(path);
    if (unsure)
        *unsure = most_unsure;
    if (streamed)
        *streamed = all_streamed;
    return most;
}

static size_t same_in_pieces_counted(const char *data, size_t len, const uint64_t *sizes,
                                     size_t nsizes, size_t *unsure)
{
    return same_in_pieces_held(data, len, sizes, nsizes, UINT64_MAX, unsure, NULL);
}

static size_t same_in_pieces(const char *data, size_t len, const uint64_t *sizes, size_t nsizes)
{
    return same_in_pieces_counted(data, len, sizes, nsizes, NULL);
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
    /* A piece runs from its start to the first cut at least its target
     * after it: at 1 byte, every dump but the first of a file that opens
     * with prose starts a piece. The splitter counts every piece's dumps
     * (the prose has no line that could open a dump). */
    size_t unsure;
    assert_int_equal(same_in_pieces_counted(data, len, sizes, 5, &unsure), 12);
    assert_int_equal(unsure, 0);
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
    /* Dump 2's `.dumpdebug` is no cut, dump 3's and dump 4's are. */
    assert_int_equal(same_in_pieces(text, strlen(text), sizes, 1), 3);
}

/* A process line after a prompt, or with other text before it, opens a
 * dump and is content of the dump it is in, as a process line is; the
 * splitter counts them so. */
static void prompted_process_lines_count_as_process_lines(void **state)
{
    (void)state;
    const char *text =
        "0: kd> Parent+: 0x0000--->\tChild: 0x0004\tActiveThreads->0100\tSystem\n"
        "DUMP_HEADER64:\n"
        "MajorVersion        0000000f\n"
        "\n"
        "kd> .dumpdebug\n"
        "lkd> Parent+: 0x0004--->\tChild: 0x0100\tActiveThreads->0002\tsmss.exe\n"
        "DUMP_HEADER64:\n"
        "MajorVersion        0000000f\n"
        "kd> .dumpdebug\n"
        "x Parent+: 0x0004--->\tChild: 0x0100\tActiveThreads->0002\tsmss.exe\n"
        "DUMP_HEADER64:\n"
        "MajorVersion        0000000f\n"
        "kd> .dumpdebug\n"
        "DUMP_HEADER64:\n"
        "MajorVersion        0000000f\n";
    lineage_session *session = lineage_session_new();
    lineage_dump *dumps[6];
    assert_int_equal(read_dumps(session, text, dumps, 6, NULL), 6);
    for (int i = 0; i < 6; i++)
        lineage_dump_free(dumps[i]);
    lineage_session_free(session);
    const uint64_t sizes[] = {1, 100};
    same_in_pieces(text, strlen(text), sizes, 2);
}

/* An over-long line is skipped by the source; the splitter must skip it
 * whole too, even when a piece's target or the end of what the splitter
 * read first falls inside it, and its tail looks like a `.dumpdebug`
 * line. */
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
    /* Four MiB, so that the splitter reads it in many steps. */
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

/* The search for a cut reads the file in steps (the target length and
 * 64 KiB, then 64 KiB at a time); a line that one step ends inside must
 * be fed whole with the next. Here the first step ends inside the
 * bit-width line after dump A: missed, that line would let the next
 * `.dumpdebug` (dump B, which takes A's bit width) pass for a cut. */
static void a_line_at_a_block_start_is_not_missed(void **state)
{
    (void)state;
    const size_t block = 64u * 1024u; /* what the splitter reads after the target */
    strbuf sb = STRBUF_INIT;
    size_t header_at = 0, bits_at = 0;
    for (int round = 0; round < 3; round++) {
        strbuf_puts(&sb, "kd> .dumpdebug\n");
        if (round == 1)
            header_at = sb.len;
        size_t start = sb.len;
        strbuf_puts(&sb, "DUMP_HEADER64:\nMajorVersion        0000000f\n\n");
        for (int i = 0; sb.len < start + block - 200; i++)
            strbuf_printf(&sb, "Parent+: 0x%04x--->\tChild: 0x%04x\tActiveThreads->0002\tp%d.exe\n",
                          4, 0x1000 + i * 4, i);
        while (sb.len < start + block + 50)
            strbuf_puts(&sb, "\n");
        if (round == 0)
            bits_at = sb.len;
        strbuf_puts(&sb, "----- 32 bit Kernel Summary Dump Analysis");
        for (int i = 0; i < 200; i++)
            strbuf_add(&sb, " ", 1);
        strbuf_puts(&sb, "\nkd> .dumpdebug\n"
                         "Parent+: 0x0004--->\tChild: 0x0100\tActiveThreads->0002\tsmss.exe\n");
    }
    /* The first step of the first piece ends 10 bytes into round 0's
     * bit-width line; other targets fall on a DUMP_HEADER line, or make
     * pieces of every cut. */
    assert_true(bits_at > block);
    const uint64_t sizes[] = {bits_at + 10 - block, header_at, 1};
    assert_true(same_in_pieces(sb.data, sb.len, sizes, 3) >= 2);
    strbuf_release(&sb);
}

/* A piece longer than the splitter's hold limit is walked through without
 * being kept and read again from the file by its reader: the same text as
 * one reader, with the walk letting go of lines at every point (limits
 * of 0 and 1 byte read a byte at a time), a BOM in a streamed first piece,
 * CRLF, a last line without a newline, and an over-long line let go of
 * while streaming, even where its tail looks like a `.dumpdebug` line. */
static void long_pieces_are_streamed(void **state)
{
    (void)state;
    size_t len, streamed;
    char *data = seed_times(3, "Some prose between the captures.\n\n", &len);
    const uint64_t sizes[] = {1, 64, 1000, 15000}, holds[] = {0, 1, 100, 3000};
    for (size_t h = 0; h < 4; h++) {
        size_t pieces = same_in_pieces_held(data, len, sizes, 4, holds[h], NULL, &streamed);
        if (pieces != 12 || streamed == 0)
            fail_msg("holding %llu: %zu pieces, %zu streamed", (unsigned long long)holds[h],
                     pieces, streamed);
    }
    /* Holding the whole file streams nothing. */
    same_in_pieces_held(data, len, sizes, 4, len, NULL, &streamed);
    assert_int_equal(streamed, 0);
    free(data);

    char *seed = seed_times(2, "\n", &len);
    strbuf sb = STRBUF_INIT;
    /* The BOM before a process line: read as part of it, the line would
     * not be one. */
    strbuf_puts(&sb, "\xef\xbb\xbf"
                     "Parent+: 0x0004--->\tChild: 0x0100\tActiveThreads->0002\tfirst.exe\r\n");
    for (size_t i = 0; i < len; i++) {
        if (seed[i] == '\n')
            strbuf_puts(&sb, "\r\n");
        else
            strbuf_add(&sb, seed + i, 1);
    }
    strbuf_puts(&sb, "Parent+: 0x0004--->\tChild: 0x0100\tActiveThreads->0002\tlast.exe");
    const uint64_t crlf_sizes[] = {1, 3000};
    for (uint64_t hold = 0; hold < 6; hold++) {
        same_in_pieces_held(sb.data, sb.len, crlf_sizes, 2, hold, NULL, &streamed);
        assert_true(streamed >= 2);
    }
    strbuf_release(&sb);

    /* Three MiB of one line in the middle of a dump: blanks, then what
     * would be a `.dumpdebug` line, and a cut, if the walk took any tail of
     * it for a line of its own. */
    strbuf_add(&sb, seed, len);
    strbuf_puts(&sb, "kd> .dumpdebug\n"
                     "Parent+: 0x0004--->\tChild: 0x0100\tActiveThreads->0002\tsmss.exe\n");
    for (size_t i = 0; i < (3u << 20); i++)
        strbuf_add(&sb, " ", 1);
    strbuf_puts(&sb, "kd> .dumpdebug\n"
                     "Parent+: 0x0100--->\tChild: 0x0200\tActiveThreads->0009\tcsrss.exe\n");
    strbuf_add(&sb, seed, len);
    const uint64_t long_sizes[] = {1, len + 10};
    same_in_pieces_held(sb.data, sb.len, long_sizes, 2, 60000, NULL, &streamed);
    assert_true(streamed >= 2);
    strbuf_release(&sb);
    free(seed);
}

/* A streamed piece is read again through the splitter's open file, so a
 * file removed (or its path replaced) after it was walked still reads as
 * it was walked. */
static void a_streamed_piece_is_read_from_the_file_walked(void **state)
{
    (void)state;
    size_t len;
    char *data = seed_times(2, "\n", &len);
    char *path = write_temp(data, len);
    char *whole = read_whole(path);
    lineage_splitter *sp = open_splitter(path, len, 1, 10);
    unlink(path);
    write_temp_at(path, "not a listing\n");
    piece_stats stats;
    char *pieces = read_pieces(sp, data, len, 1, 10, &stats);
    assert_string_equal(pieces, whole);
    assert_true(stats.streamed > 0);
    lineage_splitter_free(sp);
    unlink(path);
    free(pieces);
    free(whole);
    free(path);
    free(data);
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
}

static void bad_arguments(void **state)
{
    (void)state;
    size_t len;
    char *seed = seed_times(4, "\n", &len);
    char *path = write_temp(seed, len);
    free(seed);
    lineage_splitter *sp = open_splitter(path, len, 1, UINT64_MAX);
    char *buf = NULL;
    size_t cap = 0;
    lineage_piece piece;
    assert_int_equal(lineage_splitter_read_piece(NULL, 0, &buf, &cap, &piece, NULL),
                     LINEAGE_E_ARG);
    assert_true(piece.last);
    assert_int_equal(piece.len, 0);
    assert_int_equal(lineage_splitter_read_piece(sp, len + 1, &buf, &cap, &piece, NULL),
                     LINEAGE_E_ARG);
    assert_true(piece.last);
    assert_int_equal(lineage_splitter_read_piece(sp, 0, NULL, &cap, &piece, NULL), LINEAGE_E_ARG);
    assert_int_equal(lineage_splitter_read_piece(sp, 0, &buf, &cap, NULL, NULL), LINEAGE_E_ARG);
    /* At the end of the file: an empty last piece. */
    assert_int_equal(lineage_splitter_read_piece(sp, len, &buf, &cap, &piece, NULL), LINEAGE_OK);
    assert_true(piece.last);
    assert_int_equal(piece.length, 0);
    assert_int_equal(piece.len, 0);
    free(buf);
    lineage_splitter_free(sp);
    unlink(path);
    free(path);
}

/* Reads `text` (repeated `times`, each time followed by a small dump) in
 * pieces of 1, 40 and 200 bytes, and checks how many pieces the splitter could not
 * count the dumps of at 1 byte. */
static void count_dumps(const char *text, int times, size_t unsure_expected)
{
    strbuf sb = STRBUF_INIT;
    for (int i = 0; i < times; i++) {
        strbuf_puts(&sb, text);
        strbuf_puts(&sb, "kd> .dumpdebug\n"
                         "Parent+: 0x0004--->\tChild: 0x0100\tActiveThreads->0002\tsmss.exe\n");
    }
    const uint64_t one[] = {1}, more[] = {40, 200};
    size_t unsure;
    same_in_pieces_counted(sb.data, sb.len, one, 1, &unsure);
    if (unsure != unsure_expected)
        fail_msg("%zu pieces the splitter could not count, expected %zu, in:\n%s", unsure,
                 unsure_expected, sb.data);
    /* Only sizes the splitter cuts the file at (two pieces at least). */
    same_in_pieces(sb.data, sb.len, more, sb.len / 2 >= more[1] ? 2 : 1);
    strbuf_release(&sb);
}

#define PROC(pid, name) "Parent+: 0x0004--->\tChild: 0x" pid "\tActiveThreads->0002\t" name "\n"

/* The splitter counts the dumps of a piece as it finds its end, so that
 * the pieces after can number theirs before the piece is parsed; where a
 * line may or may not open a dump (that depends on how the parser reads
 * it), it says it does not know, and the pieces are numbered as they are
 * parsed. Either way they read as one reader does (same_in_pieces). */
static void dumps_counted_where_certain(void **state)
{
    (void)state;
    /* Certain: prose (with lines that start like numbers) before the first
     * dump; a header after `.dumpdebug` with no process in between (no
     * new dump); dumps of DUMP_HEADER lines alone; an elision after a
     * header. */
    count_dumps("7 sentences of prose, then K words\n"
                "kd> .dumpdebug\n"
                "----- 64 bit Kernel Bitmap Dump Analysis\n"
                "\n"
                "DUMP_HEADER64:\n"
                "MajorVersion        0000000f\n"
                "\n"
                PROC("0100", "smss.exe") "[---]\n" PROC("0200", "csrss.exe")
                "DUMP_HEADER64:\n" PROC("0300", "wininit.exe")
                "  DUMP_HEADER32:  \r\n" PROC("0400", "services.exe"),
                3, 0);
    /* Unsure: a process line before any dump opens one, and so may a
     * KiProcessorBlock line; only the first piece has such lines. */
    count_dumps(PROC("0100", "smss.exe") "kd> .dumpdebug\n" PROC("0200", "csrss.exe"), 3, 1);
    count_dumps("KiProcessorBlock at 8055b520\nkd> .dumpdebug\n", 2, 1);
    count_dumps("  2 KiProcessorBlock entries:\n  8055b520 8055b540\n", 2, 1);
    /* Unsure: a header after a process line of a dump without one opens a
     * dump when the process line is read as one (here: the first two
     * times), not when it is malformed (the third). */
    const char *proc_then_header = "kd> .dumpdebug\n" PROC("0100", "smss.exe")
        "DUMP_HEADER64:\n" PROC("0200", "csrss.exe");
    const char *bad_then_header = "kd> .dumpdebug\nParent+: 0xZZ\n"
        "DUMP_HEADER64:\n" PROC("0200", "csrss.exe");
    const char *elision_then_header = "kd> .dumpdebug\n[---]\nDUMP_HEADER64:\n"
        PROC("0200", "csrss.exe");
    count_dumps(proc_then_header, 2, 2);
    count_dumps(bad_then_header, 2, 2);
    count_dumps(elision_then_header, 1, 1);
    lineage_session *session = lineage_session_new();
    lineage_dump *dumps[3];
    assert_int_equal(read_dumps(session, proc_then_header, dumps, 3, NULL), 2);
    for (int i = 0; i < 2; i++)
        lineage_dump_free(dumps[i]);
    assert_int_equal(read_dumps(session, bad_then_header, dumps, 3, NULL), 1);
    lineage_dump_free(dumps[0]);
    assert_int_equal(read_dumps(session, elision_then_header, dumps, 3, NULL), 2);
    for (int i = 0; i < 2; i++)
        lineage_dump_free(dumps[i]);
    lineage_session_free(session);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(seed_listings_read_the_same_at_every_cut),
        cmocka_unit_test(crlf_and_bom_read_the_same),
        cmocka_unit_test(a_bit_width_carried_into_the_next_dump_blocks_the_cut),
        cmocka_unit_test(prompted_process_lines_count_as_process_lines),
        cmocka_unit_test(over_long_lines_are_skipped_whole),
        cmocka_unit_test(a_line_at_a_block_start_is_not_missed),
        cmocka_unit_test(long_pieces_are_streamed),
        cmocka_unit_test(a_streamed_piece_is_read_from_the_file_walked),
        cmocka_unit_test(files_read_whole),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(dumps_counted_where_certain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
