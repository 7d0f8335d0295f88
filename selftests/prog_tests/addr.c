// SPDX-License-Identifier: GPL-2.0-only
/*
 * addr.c - prefix and address parsing: strict forms only, host bits
 * reported with the network meant, mapped IPv6 folded into IPv4.
 */
#include <arpa/inet.h>
#include "test_progs.h"
#include "addr.h"
#include "util.h"

static void parse_ok(const char *in, const char *want)
{
	char err[256], buf[PREFIX_STRLEN];
	struct mxg_prefix p;

	if (!ASSERT_OK(prefix_parse(in, &p, err, sizeof(err)), in))
		return;
	ASSERT_STREQ(prefix_format(&p, buf, sizeof(buf)), want, in);
}

static void parse_bad(const char *in, const char *msg_part)
{
	char err[256] = "";
	struct mxg_prefix p;

	if (!ASSERT_ERR(prefix_parse(in, &p, err, sizeof(err)), in))
		return;
	if (!ASSERT_TRUE(strstr(err, msg_part) != NULL, in))
		test__log("message was '%s', expected it to contain '%s'", err,
			  msg_part);
}

void test_addr(void)
{
	char buf[PREFIX_STRLEN];
	struct mxg_prefix p, net;

	if (test__start_subtest("valid_prefixes")) {
		parse_ok("192.0.2.1", "192.0.2.1");
		parse_ok("192.0.2.1/32", "192.0.2.1");
		parse_ok("192.0.2.0/24", "192.0.2.0/24");
		parse_ok("0.0.0.0/0", "0.0.0.0/0");
		parse_ok("2001:DB8::1", "2001:db8::1");
		parse_ok("2001:db8:0:0:0:0:0:1", "2001:db8::1");
		parse_ok("2001:db8::/64", "2001:db8::/64");
		parse_ok("::ffff:192.0.2.7", "192.0.2.7");
		parse_ok("::ffff:192.0.2.0/120", "192.0.2.0/24");
	}
	if (test__start_subtest("invalid_prefixes")) {
		parse_bad("1.2.3.4/33", "from 0 to 32");
		parse_bad("1.2.3.256", "expected A.B.C.D");
		parse_bad("1.2.3", "expected A.B.C.D");
		parse_bad("010.0.0.1", "expected A.B.C.D");
		parse_bad("0x7f.0.0.1", "expected A.B.C.D");
		parse_bad("1.2.3.4/24", "the network is 1.2.3.0/24");
		parse_bad("2001:db8::1/64", "the network is 2001:db8::/64");
		parse_bad("fe80::1%eth0", "zone ids");
		parse_bad("1.2.3.4/", "from 0 to 32");
		parse_bad("1.2.3.4/024", "from 0 to 32");
		parse_bad("1.2.3.4/+8", "from 0 to 32");
		parse_bad(" 1.2.3.4", "expected A.B.C.D");
		parse_bad("1.2.3.4 ", "expected A.B.C.D");
		parse_bad("", "expected A.B.C.D");
		parse_bad("2001:db8::/129", "from 0 to 128");
		parse_bad("::ffff:192.0.2.0/64", "96 or more");
		parse_bad("1.2.3.4x", "expected A.B.C.D");
	}
	if (test__start_subtest("contains_and_mask")) {
		char err[128];

		prefix_parse("198.51.100.0/24", &net, err, sizeof(err));
		addr_parse("198.51.100.77", &p, err, sizeof(err));
		ASSERT_TRUE(prefix_contains(&net, &p), "inside");
		addr_parse("198.51.101.1", &p, err, sizeof(err));
		ASSERT_FALSE(prefix_contains(&net, &p), "outside");
		addr_parse("2001:db8:1:2:3:4:5:6", &p, err, sizeof(err));
		prefix_truncate(&p, 64);
		ASSERT_STREQ(prefix_format(&p, buf, sizeof(buf)), "2001:db8:1:2::/64",
			     "truncate_64");
		prefix_truncate(&p, 50);
		ASSERT_STREQ(prefix_format(&p, buf, sizeof(buf)), "2001:db8:1::/50",
			     "truncate_50");
	}
	if (test__start_subtest("martians")) {
		static const char *const martians[] = {
			"0.0.0.0", "127.0.0.1", "224.0.0.1", "255.255.255.255",
			"169.254.1.1", "::", "::1", "fe80::1", "ff02::1",
			"::192.0.2.1",
		};
		static const char *const peers[] = {
			"192.0.2.1", "198.51.100.1", "2001:db8::1", "223.255.255.255",
		};
		char err[128];
		size_t i;

		for (i = 0; i < ARRAY_SIZE(martians); i++) {
			ASSERT_OK(addr_parse(martians[i], &p, err, sizeof(err)), martians[i]);
			ASSERT_TRUE(addr_is_martian(&p), martians[i]);
		}
		for (i = 0; i < ARRAY_SIZE(peers); i++) {
			ASSERT_OK(addr_parse(peers[i], &p, err, sizeof(err)), peers[i]);
			ASSERT_FALSE(addr_is_martian(&p), peers[i]);
		}
	}
	if (test__start_subtest("durations")) {
		uint64_t s;

		ASSERT_OK(parse_duration("90", &s), "plain");
		ASSERT_U64_EQ(s, 90, "plain_value");
		ASSERT_OK(parse_duration("10m", &s), "minutes");
		ASSERT_U64_EQ(s, 600, "minutes_value");
		ASSERT_OK(parse_duration("1w", &s), "week");
		ASSERT_U64_EQ(s, 604800, "week_value");
		ASSERT_OK(parse_duration("never", &s), "never");
		ASSERT_U64_EQ(s, DURATION_NEVER, "never_value");
		ASSERT_ERR(parse_duration("-5", &s), "negative");
		ASSERT_ERR(parse_duration("5x", &s), "unit");
		ASSERT_ERR(parse_duration("", &s), "empty");
		ASSERT_ERR(parse_duration("99999999999999999999", &s), "overflow");
		ASSERT_STREQ(format_duration(3600, buf, sizeof(buf)), "1h", "format_h");
		ASSERT_STREQ(format_duration(90, buf, sizeof(buf)), "90s", "format_s");
	}
}
