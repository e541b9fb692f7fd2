/* Tests of common/hex.h: every byte as a digit, and fixed-width numbers. */
#include <stdint.h>
#include <string.h>

#include "hex.h"
#include "test.h"

static void
test_digit(void)
{
    const char *digits = "0123456789abcdef", *upper = "ABCDEF";
    for (int c = 0; c != 256; ++c) {
        const char *lower_at = c != 0 ? strchr(digits, c) : NULL, *upper_at = c != 0 ? strchr(upper, c) : NULL;
        int expected = lower_at != NULL ? (int)(lower_at - digits) : upper_at != NULL ? 10 + (int)(upper_at - upper) : -1;
        if (hex_digit(c) != expected)
            fprintf(stderr, "  byte 0x%02x: %d, expected %d\n", c, hex_digit(c), expected);
        CHECK(hex_digit(c) == expected);
    }
    CHECK(hex_digit(-1) == -1);
    CHECK(hex_digit((unsigned char)'\xe6') == -1); /* a byte above 0x7f read through unsigned char */
}

static void
test_parse(void)
{
    uint32_t v = 12345;
    CHECK(hex_parse("", 0, &v) == 0 && v == 0);
    CHECK(hex_parse("7f", 2, &v) == 0 && v == 0x7f);
    CHECK(hex_parse("D83d", 4, &v) == 0 && v == 0xd83d);
    CHECK(hex_parse("ffffffff", 8, &v) == 0 && v == 0xffffffffu);
    CHECK(hex_parse("0123456789", 4, &v) == 0 && v == 0x0123); /* exactly n digits, whatever follows */
    v = 7;
    CHECK(hex_parse("1g", 2, &v) == -1 && v == 7); /* *out is left alone on failure */
    CHECK(hex_parse("g1", 2, &v) == -1);
    CHECK(hex_parse(" 1", 2, &v) == -1);
    CHECK(hex_parse("+1", 2, &v) == -1);
    CHECK(hex_parse("1\0", 2, &v) == -1); /* a NUL is not a digit: the caller's length must not run past the text */
    CHECK(hex_parse("0x10", 4, &v) == -1);
}

int
main(void)
{
    RUN(test_digit);
    RUN(test_parse);
    return TEST_REPORT("test_hex");
}
