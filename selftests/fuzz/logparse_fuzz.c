// SPDX-License-Identifier: GPL-2.0-only
/*
 * logparse_fuzz.c - libFuzzer harness for the log parsers: the input is
 * split into lines as the follower splits a log, and every line goes
 * through logparse_line() with all formats on, session state included.
 * Built and run by 'make fuzz' (clang, ASan and UBSan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "logparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct logparse *lp;
	const char *p = (const char *)data, *end = p + size;
	struct lp_event ev[4];

	if (!lp)
		lp = logparse_new(0);
	if (!lp)
		abort();
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		int n, i;

		/* a copy of exactly len bytes, so ASan sees any overread */
		char *line = malloc(len ? len : 1);

		if (!line)
			abort();
		memcpy(line, p, len);
		n = logparse_line(lp, line, len, ev, 4);
		if (n < 0 || n > 4)
			abort();
		for (i = 0; i < n; i++)
			if (ev[i].count == 0 || !ev[i].format ||
			    (ev[i].addr.family != AF_INET &&
			     ev[i].addr.family != AF_INET6))
				abort();
		free(line);
		p += len + (nl ? 1 : 0);
	}
	return 0;
}
