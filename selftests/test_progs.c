// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_progs.c - runs the C tests: packet tests through BPF_PROG_TEST_RUN,
 * parser tests on sample logs, and unit tests of the user-space library.
 *
 * Usage: test_progs [-t PATTERN] [-l] [-v]. PATTERN selects tests whose
 * "test" or "test/subtest" name contains it. Exits 1 when a test failed.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include "test_progs.h"
#include "log.h"

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
#define DEFINE_TEST(name) { #name, test_##name },
#include "tests.h"
#undef DEFINE_TEST
};

#define LOG_MAX 16384

static struct {
	const char *filter;
	int verbose;
	const char *test;
	char subtest[256];
	int in_subtest;
	int failed, skipped;
	int had_subtests;
	char skip_reason[256];
	char log[LOG_MAX];
	size_t log_len;
	int passes, fails, skips;
} st;

/*
 * The filter "NAME" selects tests whose name contains NAME; "NAME/SUB"
 * selects, within those, the subtests whose name contains SUB.
 */
static bool test_selected(const char *test)
{
	char part[256];
	const char *slash;

	if (!st.filter)
		return true;
	slash = strchr(st.filter, '/');
	snprintf(part, sizeof(part), "%.*s",
		 slash ? (int)(slash - st.filter) : (int)strlen(st.filter),
		 st.filter);
	return strstr(test, part) != NULL;
}

static bool subtest_selected(const char *sub)
{
	const char *slash = st.filter ? strchr(st.filter, '/') : NULL;

	return !slash || strstr(sub, slash + 1) != NULL;
}

void test__log(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (st.log_len >= LOG_MAX - 2)
		return;
	va_start(ap, fmt);
	n = vsnprintf(st.log + st.log_len, LOG_MAX - st.log_len - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	st.log_len += (size_t)n;
	if (st.log_len > LOG_MAX - 2)
		st.log_len = LOG_MAX - 2;
	st.log[st.log_len++] = '\n';
	st.log[st.log_len] = '\0';
}

void test__fail(void)
{
	st.failed = 1;
}

void test__skip(const char *fmt, ...)
{
	va_list ap;

	st.skipped = 1;
	va_start(ap, fmt);
	vsnprintf(st.skip_reason, sizeof(st.skip_reason), fmt, ap);
	va_end(ap);
}

const char *test__output_dir(void)
{
	const char *o = getenv("OUTPUT");

	return o && *o ? o : "build";
}

/* report - print the result line of the test or subtest that just ended. */
static void report(const char *name)
{
	if (st.failed) {
		printf("FAIL %s\n", name);
		if (st.log_len)
			printf("%s", st.log);
		st.fails++;
	} else if (st.skipped) {
		printf("SKIP %s: %s\n", name, st.skip_reason);
		st.skips++;
	} else {
		printf("PASS %s\n", name);
		if (st.verbose && st.log_len)
			printf("%s", st.log);
		st.passes++;
	}
	fflush(stdout);
	st.failed = st.skipped = 0;
	st.log_len = 0;
	st.log[0] = '\0';
}

static void end_subtest(void)
{
	char full[512];

	if (!st.in_subtest)
		return;
	snprintf(full, sizeof(full), "%s/%s", st.test, st.subtest);
	report(full);
	st.in_subtest = 0;
}

bool test__start_subtest(const char *name)
{
	end_subtest();
	/* a failure before the first subtest is the test's own */
	if (st.failed)
		report(st.test);
	st.had_subtests = 1;
	if (!subtest_selected(name))
		return false;
	snprintf(st.subtest, sizeof(st.subtest), "%s", name);
	st.in_subtest = 1;
	return true;
}

int main(int argc, char **argv)
{
	size_t i;
	int opt;

	while ((opt = getopt(argc, argv, "t:lv")) >= 0) {
		switch (opt) {
		case 't':
			st.filter = optarg;
			break;
		case 'l':
			for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
				printf("%s\n", tests[i].name);
			return 0;
		case 'v':
			st.verbose = 1;
			break;
		default:
			fprintf(stderr, "usage: %s [-t PATTERN] [-l] [-v]\n", argv[0]);
			return 2;
		}
	}
	log_set_prefix("test_progs");
	log_set_level(st.verbose ? LOG_LEVEL_DEBUG : LOG_LEVEL_WARN);
	log_libbpf_init();
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (!test_selected(tests[i].name))
			continue;
		st.test = tests[i].name;
		st.had_subtests = 0;
		st.failed = st.skipped = 0;
		st.log_len = 0;
		tests[i].fn();
		if (st.had_subtests) {
			int failed_outside = st.failed && !st.in_subtest;

			end_subtest();
			/* a failure after the last subtest belongs to the test */
			if (failed_outside)
				report(st.test);
		} else {
			report(st.test);
		}
	}
	printf("test_progs: %d passed, %d failed, %d skipped\n", st.passes,
	       st.fails, st.skips);
	return st.fails ? 1 : 0;
}
