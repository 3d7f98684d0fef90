/* Number scanning and timestamps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scan.h"
#include "timestamp.h"

static uint64_t hex(const char *s, scan_result expect, size_t expect_pos)
{
    size_t pos = 0;
    uint64_t v = 0;
    assert_int_equal(scan_hex(s, strlen(s), &pos, &v, 1), expect);
    if (expect != SCAN_NONE)
        assert_int_equal(pos, expect_pos);
    return v;
}

static void test_hex(void **state)
{
    (void)state;
    assert_int_equal(hex("0x01ac", SCAN_OK, 6), 0x1ac);
    assert_int_equal(hex("01AC rest", SCAN_OK, 4), 0x1ac);
    assert_true(hex("fffff800`03c98890", SCAN_OK, 17) == 0xfffff80003c98890ull);
    assert_true(hex("ffffffffffffffff", SCAN_OK, 16) == UINT64_MAX);
    hex("1ffffffffffffffff", SCAN_OVERFLOW, 17);
    hex("xyz", SCAN_NONE, 0);
    /* A backtick must sit between digits. */
    assert_int_equal(hex("12`", SCAN_OK, 2), 0x12);
    assert_int_equal(hex("0x", SCAN_OK, 1), 0);
}

static void test_dec(void **state)
{
    (void)state;
    size_t pos = 0;
    uint64_t v;
    assert_int_equal(scan_dec("0070\t", 5, &pos, &v), SCAN_OK);
    assert_int_equal(v, 70);
    assert_int_equal(pos, 4);
    pos = 0;
    assert_int_equal(scan_dec("18446744073709551615", 20, &pos, &v), SCAN_OK);
    assert_true(v == UINT64_MAX);
    pos = 0;
    assert_int_equal(scan_dec("18446744073709551616", 20, &pos, &v), SCAN_OVERFLOW);
    pos = 0;
    assert_int_equal(scan_dec("a1", 2, &pos, &v), SCAN_NONE);
}

static void test_literal_and_contains(void **state)
{
    (void)state;
    size_t pos = 0;
    assert_true(scan_literal("Parent+:", 8, &pos, "Parent"));
    assert_int_equal(pos, 6);
    /* A position past the end (a caller's slip) is a mismatch, not an
     * out-of-bounds read. */
    assert_false(scan_literal("Par", 3, &pos, "Parent"));
    pos = 0;
    assert_false(scan_literal("Par", 3, &pos, "Parent"));
    assert_int_equal(pos, 0);
    assert_true(scan_contains("abc Child: x", 12, "Child"));
    assert_false(scan_contains("abc Chil", 8, "Child"));
}

static uint64_t ts(const char *s)
{
    uint64_t v = 0;
    assert_true(timestamp_parse(s, strlen(s), &v));
    return v;
}

static void test_timestamps(void **state)
{
    (void)state;
    const uint64_t base = 1712304072ull * 1000000u; /* 2024-04-05 08:01:12 UTC */
    assert_true(ts("2024-04-05 08:01:12") == base);
    assert_true(ts("2024-04-05 08:01:12 UTC") == base);
    assert_true(ts("2024-04-05 08:01:12 UTC+0000") == base);
    assert_true(ts("2024-04-05T08:01:12+00:00") == base);
    assert_true(ts("2024-04-05T08:01:12Z") == base);
    assert_true(ts("2024-04-05 08:01:12.000000 UTC") == base);
    assert_true(ts("2024-04-05 08:01:12.5") == base + 500000);
    assert_true(ts("2024-04-05T10:01:12+02:00") == base);
    uint64_t v;
    assert_false(timestamp_parse("2024-02-30 00:00:00", 19, &v));
    assert_false(timestamp_parse("N/A", 3, &v));
    assert_false(timestamp_parse("2024-04-05 08:01:12 PST", 23, &v));
    char buf[40];
    timestamp_format(base, buf, sizeof buf);
    assert_string_equal(buf, "2024-04-05 08:01:12 UTC");
    timestamp_format(base + 250, buf, sizeof buf);
    assert_string_equal(buf, "2024-04-05 08:01:12.000250 UTC");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_dec),
        cmocka_unit_test(test_literal_and_contains),
        cmocka_unit_test(test_timestamps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
