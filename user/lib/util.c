// SPDX-License-Identifier: GPL-2.0-only
/*
 * util.c - number and duration parsing, clocks and string helpers.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "util.h"

int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

static const struct {
	char unit;
	uint64_t secs;
} duration_units[] = {
	{ 'w', 7 * 86400 }, { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 },
};

int parse_duration(const char *s, uint64_t *secs)
{
	char num[24];
	size_t n = strlen(s), i;
	uint64_t mult = 1, v;
	int err;

	if (!strcmp(s, "never")) {
		*secs = DURATION_NEVER;
		return 0;
	}
	if (n == 0 || n >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, n + 1);
	for (i = 0; i < sizeof(duration_units) / sizeof(duration_units[0]); i++) {
		if (num[n - 1] == duration_units[i].unit) {
			mult = duration_units[i].secs;
			num[--n] = '\0';
			break;
		}
	}
	err = parse_u64(num, 0, UINT64_MAX, &v);
	if (err)
		return err;
	/* Cap at 100 years: anything longer is "never" spelt as a number. */
	if (v > 100ULL * 365 * 86400 / mult)
		return -ERANGE;
	*secs = v * mult;
	return 0;
}

char *format_duration(uint64_t secs, char *buf, size_t len)
{
	size_t i;

	if (secs == DURATION_NEVER) {
		snprintf(buf, len, "never");
		return buf;
	}
	for (i = 0; i < sizeof(duration_units) / sizeof(duration_units[0]); i++) {
		if (secs && secs % duration_units[i].secs == 0) {
			snprintf(buf, len, "%llu%c",
				 (unsigned long long)(secs / duration_units[i].secs),
				 duration_units[i].unit);
			return buf;
		}
	}
	snprintf(buf, len, "%llus", (unsigned long long)secs);
	return buf;
}

char *format_duration_human(uint64_t secs, char *buf, size_t len)
{
	static const struct {
		char unit;
		uint64_t secs;
	} units[] = { { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 } };
	size_t i;

	if (secs == DURATION_NEVER) {
		snprintf(buf, len, "never");
		return buf;
	}
	for (i = 0; i + 1 < ARRAY_SIZE(units) && secs < units[i].secs; i++)
		;
	if (i + 1 < ARRAY_SIZE(units) && secs % units[i].secs >= units[i + 1].secs)
		snprintf(buf, len, "%llu%c%llu%c",
			 (unsigned long long)(secs / units[i].secs), units[i].unit,
			 (unsigned long long)(secs % units[i].secs / units[i + 1].secs),
			 units[i + 1].unit);
	else
		snprintf(buf, len, "%llu%c",
			 (unsigned long long)(secs / units[i].secs), units[i].unit);
	return buf;
}

uint64_t now_boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

int64_t now_real_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec;
}

size_t copy_str(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size) {
		size_t c = n < size - 1 ? n : size - 1;

		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

char *str_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
			 e[-1] == '\r'))
		*--e = '\0';
	return s;
}
