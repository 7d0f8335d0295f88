// SPDX-License-Identifier: GPL-2.0-only
/*
 * logparse_bench.c - time mxguard's log parser on a file held in memory.
 *
 *   logparse_bench [-o EVENTS] FILE
 *
 * Reads FILE whole, then times one pass of logparse_line() over its lines
 * with a parser for every format, as mxguardd runs it; reading the file
 * is not timed. Prints one JSON object: lines, bytes, ns, and the events
 * by kind. -o writes each event as "LINE KIND ADDRESS COUNT", for the
 * comparison with the other parsers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "addr.h"
#include "logparse.h"

#define EVENTS_PER_LINE 8

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static char *read_file(const char *path, size_t *len)
{
	struct stat st;
	size_t off = 0;
	char *buf;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		return NULL;
	buf = malloc(st.st_size + 1);
	while (buf && off < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + off, st.st_size - off);

		if (n <= 0) {
			free(buf);
			buf = NULL;
			break;
		}
		off += n;
	}
	close(fd);
	*len = off;
	return buf;
}

int main(int argc, char **argv)
{
	uint64_t kinds[LP_LOGIN_OK + 1] = { 0 }, lines = 0, t0, t1;
	struct lp_event ev[EVENTS_PER_LINE];
	const char *out_path = NULL;
	struct logparse *lp;
	FILE *out = NULL;
	size_t len, pos;
	char *buf;
	int opt, i, n;

	while ((opt = getopt(argc, argv, "o:")) >= 0) {
		if (opt != 'o') {
			fprintf(stderr, "usage: logparse_bench [-o EVENTS] FILE\n");
			return 2;
		}
		out_path = optarg;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: logparse_bench [-o EVENTS] FILE\n");
		return 2;
	}
	buf = read_file(argv[optind], &len);
	if (!buf) {
		fprintf(stderr, "logparse_bench: failed to read '%s': %s\n",
			argv[optind], strerror(errno));
		return 1;
	}
	lp = logparse_new(0);
	if (!lp) {
		fprintf(stderr, "logparse_bench: failed to create the parser\n");
		return 1;
	}

	/* the timed pass: events are only counted */
	t0 = now_ns();
	for (pos = 0; pos < len; lines++) {
		char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len;

		n = logparse_line(lp, buf + pos, end - pos, ev, EVENTS_PER_LINE);
		for (i = 0; i < n; i++)
			kinds[ev[i].kind]++;
		pos = end + 1;
	}
	t1 = now_ns();
	logparse_free(lp);

	/* an untimed pass that writes the events down */
	if (out_path) {
		char addr[PREFIX_STRLEN];
		uint64_t line = 0;

		out = fopen(out_path, "w");
		lp = logparse_new(0);
		if (!out || !lp) {
			fprintf(stderr, "logparse_bench: failed to open '%s'\n", out_path);
			return 1;
		}
		for (pos = 0; pos < len; line++) {
			char *nl = memchr(buf + pos, '\n', len - pos);
			size_t end = nl ? (size_t)(nl - buf) : len;

			n = logparse_line(lp, buf + pos, end - pos, ev, EVENTS_PER_LINE);
			for (i = 0; i < n; i++) {
				prefix_format(&ev[i].addr, addr, sizeof(addr));
				fprintf(out, "%llu %s %s %u\n",
					(unsigned long long)line + 1,
					lp_kind_name(ev[i].kind), addr, ev[i].count);
			}
			pos = end + 1;
		}
		logparse_free(lp);
		fclose(out);
	}

	printf("{\"lines\": %llu, \"bytes\": %zu, \"ns\": %llu, \"events\": {",
	       (unsigned long long)lines, len, (unsigned long long)(t1 - t0));
	for (i = LP_AUTH_FAIL; i <= LP_LOGIN_OK; i++)
		printf("%s\"%s\": %llu", i == LP_AUTH_FAIL ? "" : ", ",
		       lp_kind_name(i), (unsigned long long)kinds[i]);
	printf("}}\n");
	free(buf);
	return 0;
}
