/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * util.h - small helpers: number and duration parsing, clocks, strings.
 */
#ifndef MXG_UTIL_H
#define MXG_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NSEC_PER_SEC 1000000000ULL

/* A duration of "never", in seconds. */
#define DURATION_NEVER UINT64_MAX

/*
 * parse_u64 - a decimal number without sign, spaces or trailing text, in
 * [min, max]. Returns 0 or -EINVAL / -ERANGE.
 */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/*
 * parse_duration - "N", "Ns", "Nm", "Nh", "Nd" or "Nw" into seconds, or
 * "never" into DURATION_NEVER. Zero is returned as 0; the caller decides
 * whether it is allowed. Returns 0 or -EINVAL / -ERANGE.
 */
int parse_duration(const char *s, uint64_t *secs);

/* format_duration - the shortest exact "N[smhdw]" form, or "never". */
char *format_duration(uint64_t secs, char *buf, size_t len);

/*
 * format_duration_human - at most the two largest units, rounded down, for
 * people: "23h59m", "59m44s", "6d23h", "44s", or "never".
 */
char *format_duration_human(uint64_t secs, char *buf, size_t len);

/* now_boot_ns - CLOCK_BOOTTIME, the clock of every time in the maps. */
uint64_t now_boot_ns(void);

/* now_real_sec - wall-clock seconds, for the state file and messages. */
int64_t now_real_sec(void);

/* copy_str - copy with truncation, always NUL-terminated; returns src length. */
size_t copy_str(char *dst, const char *src, size_t size);

/* str_trim - strip leading and trailing blanks in place; returns the start. */
char *str_trim(char *s);

#endif /* MXG_UTIL_H */
