/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_progs.h - the C test runner's API: tests, subtests and named
 * assertions that print what they got and what they expected.
 *
 * A test is a function 'void test_<name>(void)' in selftests/prog_tests/;
 * the build lists them all. Each subtest, or a test without subtests,
 * reports one line: "PASS name", "FAIL name" or "SKIP name: reason".
 */
#ifndef MXG_TEST_PROGS_H
#define MXG_TEST_PROGS_H

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* test__start_subtest - begin a subtest; false when the filter skips it. */
bool test__start_subtest(const char *name);
/* test__skip - mark the current subtest (or test) skipped, with a reason. */
void test__skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* test__fail - mark the current subtest (or test) failed. */
void test__fail(void);
/* test__log - a line shown with the result when the test fails. */
void test__log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Directory of the build output (OUTPUT), for objects and programs. */
const char *test__output_dir(void);

#define _CHECK(cond, name, fmt, ...)                                        \
	({                                                                  \
		bool ___ok = !(cond);                                       \
		if (!___ok) {                                               \
			test__fail();                                       \
			test__log("%s:%d: %s: " fmt, __FILE__, __LINE__,    \
				  (name), ##__VA_ARGS__);                   \
		}                                                           \
		___ok;                                                      \
	})

#define ASSERT_OK(res, name)                                                \
	({                                                                  \
		long long ___r = (res);                                     \
		_CHECK(___r != 0, name, "unexpected error %lld (errno %d: %s)", \
		       ___r, errno, strerror(errno));                       \
	})

#define ASSERT_ERR(res, name)                                               \
	({                                                                  \
		long long ___r = (res);                                     \
		_CHECK(___r >= 0, name, "unexpected success: %lld", ___r);  \
	})

#define ASSERT_TRUE(cond, name) _CHECK(!(cond), name, "unexpected false")
#define ASSERT_FALSE(cond, name) _CHECK((cond), name, "unexpected true")

#define ASSERT_EQ(actual, expected, name)                                   \
	({                                                                  \
		long long ___a = (actual), ___e = (expected);               \
		_CHECK(___a != ___e, name, "got %lld, expected %lld", ___a, ___e); \
	})

#define ASSERT_NEQ(actual, expected, name)                                  \
	({                                                                  \
		long long ___a = (actual), ___e = (expected);               \
		_CHECK(___a == ___e, name, "got %lld, expected anything else", ___a); \
	})

#define ASSERT_GE(actual, expected, name)                                   \
	({                                                                  \
		long long ___a = (actual), ___e = (expected);               \
		_CHECK(___a < ___e, name, "got %lld, expected >= %lld", ___a, ___e); \
	})

#define ASSERT_LE(actual, expected, name)                                   \
	({                                                                  \
		long long ___a = (actual), ___e = (expected);               \
		_CHECK(___a > ___e, name, "got %lld, expected <= %lld", ___a, ___e); \
	})

#define ASSERT_U64_EQ(actual, expected, name)                               \
	({                                                                  \
		uint64_t ___a = (actual), ___e = (expected);                \
		_CHECK(___a != ___e, name, "got %" PRIu64 ", expected %" PRIu64, \
		       ___a, ___e);                                         \
	})

#define ASSERT_STREQ(actual, expected, name)                                \
	({                                                                  \
		const char *___a = (actual), *___e = (expected);            \
		_CHECK(!___a || !___e || strcmp(___a, ___e), name,          \
		       "got '%s', expected '%s'", ___a ? ___a : "(null)",   \
		       ___e ? ___e : "(null)");                             \
	})

#define ASSERT_STRSTR(haystack, needle, name)                               \
	({                                                                  \
		const char *___h = (haystack), *___n = (needle);            \
		_CHECK(!___h || !strstr(___h, ___n), name,                  \
		       "got '%s', expected it to contain '%s'",             \
		       ___h ? ___h : "(null)", ___n);                       \
	})

#define ASSERT_NULL(ptr, name) _CHECK((ptr) != NULL, name, "unexpected non-NULL")
#define ASSERT_OK_PTR(ptr, name)                                            \
	_CHECK((ptr) == NULL, name, "unexpected NULL (errno %d: %s)", errno, \
	       strerror(errno))

/* Prototypes of every test_<name>() function, generated by the build. */
#define DEFINE_TEST(name) void test_##name(void);
#include "tests.h"
#undef DEFINE_TEST

#endif /* MXG_TEST_PROGS_H */
