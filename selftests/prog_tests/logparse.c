// SPDX-License-Identifier: GPL-2.0-only
/*
 * logparse.c - the log parsers against fail2ban's sample mail logs
 * (selftests/corpus/fail2ban-samples/, see SOURCE.md there).
 *
 * Each "# failJSON:" comment says whether fail2ban matches the next log
 * line and which host it finds. A line fail2ban matches must give events
 * with that address only; a line it does not match must give no event.
 * Where our policy differs on purpose, the line is listed in differences[]
 * with the reason; a listed line that no longer differs fails as well, so
 * the list stays true.
 */
#include <arpa/inet.h>
#include <linux/limits.h>
#include <stdlib.h>
#include <unistd.h>
#include "test_progs.h"
#include "addr.h"
#include "logparse.h"

/* corpus_path - FILE under selftests/corpus/, from the source top. */
static const char *corpus_path(const char *file, char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n;
	int i;

	snprintf(buf, len, "selftests/corpus/%.200s", file);
	if (access(buf, R_OK) == 0)
		return buf;
	/* the runner is OUTPUT/selftests/test_progs; OUTPUT is in the top */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return buf;
	exe[n] = '\0';
	for (i = 0; i < 3; i++) {
		char *slash = strrchr(exe, '/');

		if (!slash)
			break;
		*slash = '\0';
		snprintf(buf, len, "%.3500s/selftests/corpus/%.200s", exe, file);
		if (access(buf, R_OK) == 0)
			return buf;
	}
	return buf;
}

enum diff_kind {
	DIFF_NO_EVENT,		/* fail2ban matches, we give no event */
	DIFF_EVENT,		/* fail2ban does not match, we give an event */
};

struct difference {
	const char *file;
	int line;		/* line number in the file, 1-based */
	enum diff_kind kind;
	const char *why;
	int seen;
};

static struct difference differences[] = {
	{ "postfix", 82, DIFF_EVENT,
	  "fail2ban's errors mode counts only \"too many errors\"; pipelining is protocol abuse here in every mode" },
	{ "postfix", 152, DIFF_NO_EVENT,
	  "a mechanism not offered: no password was tried (fail2ban: aggressive mode)" },
	{ "postfix", 158, DIFF_NO_EVENT,
	  "a DNS fact about the client, not abuse (fail2ban: aggressive mode)" },
	{ "postfix", 167, DIFF_NO_EVENT,
	  "auth=0/1 repeats the SASL failure line, which alone counts" },
	{ "postfix", 169, DIFF_NO_EVENT,
	  "auth=0/1 repeats the SASL failure line, which alone counts" },
	{ "postfix", 171, DIFF_NO_EVENT,
	  "auth=0/1 repeats the SASL failure line, which alone counts" },
	{ "postfix", 174, DIFF_NO_EVENT,
	  "monitoring probes and cut TCP sessions look the same (fail2ban: ddos mode)" },
	{ "postfix", 176, DIFF_NO_EVENT,
	  "monitoring probes and cut TCP sessions look the same (fail2ban: ddos mode)" },
	{ "postfix", 181, DIFF_NO_EVENT,
	  "auth=0/1 repeats the SASL failure line, which alone counts" },
	{ "postfix", 194, DIFF_NO_EVENT,
	  "monitoring probes and cut TCP sessions look the same (fail2ban: ddos mode)" },
	{ "dovecot", 5, DIFF_NO_EVENT,
	  "PAM line of the auth process: repeats the login summary, and ruser= is client text" },
	{ "dovecot", 8, DIFF_NO_EVENT,
	  "PAM line of the auth process: repeats the login summary, and ruser= is client text" },
	{ "dovecot", 10, DIFF_NO_EVENT,
	  "PAM line of the auth process: repeats the login summary, and ruser= is client text" },
	{ "dovecot", 35, DIFF_NO_EVENT,
	  "auth process line: repeats the login summary, which counts every attempt" },
	{ "dovecot", 38, DIFF_NO_EVENT,
	  "auth process line: repeats the login summary, which counts every attempt" },
	{ "dovecot", 41, DIFF_NO_EVENT,
	  "auth process line: repeats the login summary, which counts every attempt" },
	{ "dovecot", 44, DIFF_NO_EVENT,
	  "auth process line: repeats the login summary, which counts every attempt" },
	{ "dovecot", 47, DIFF_NO_EVENT,
	  "auth process line: repeats the login summary, which counts every attempt" },
	{ "dovecot", 50, DIFF_NO_EVENT,
	  "auth process line: repeats the login summary, which counts every attempt" },
	{ "dovecot", 53, DIFF_NO_EVENT,
	  "auth process line: repeats the login summary, which counts every attempt" },
	{ "dovecot", 56, DIFF_NO_EVENT,
	  "auth process line: repeats the login summary, which counts every attempt" },
	{ "dovecot", 59, DIFF_NO_EVENT,
	  "auth process line: repeats the login summary, which counts every attempt" },
	{ "dovecot", 62, DIFF_NO_EVENT,
	  "auth process line: repeats the login summary, which counts every attempt" },
	{ "dovecot", 65, DIFF_NO_EVENT,
	  "auth process line: repeats the login summary, which counts every attempt" },
	{ "dovecot", 67, DIFF_NO_EVENT,
	  "auth process line: repeats the login summary, which counts every attempt" },
	{ "dovecot", 70, DIFF_NO_EVENT,
	  "auth process line: repeats the login summary, which counts every attempt" },
	{ "dovecot", 72, DIFF_NO_EVENT,
	  "auth process line: repeats the login summary, which counts every attempt" },
	{ "dovecot", 75, DIFF_NO_EVENT,
	  "auth process line: repeats the login summary, which counts every attempt" },
	{ "dovecot", 78, DIFF_NO_EVENT,
	  "PAM line of the auth process: repeats the login summary, and ruser= is client text" },
	{ "dovecot", 109, DIFF_NO_EVENT,
	  "auth process line: repeats the login summary, which counts every attempt" },
	{ "dovecot", 143, DIFF_NO_EVENT,
	  "auth process line: repeats the login summary, which counts every attempt" },
	{ "dovecot", 159, DIFF_NO_EVENT,
	  "no password was tried (fail2ban: aggressive mode)" },
	{ "dovecot", 161, DIFF_NO_EVENT,
	  "no password was tried (fail2ban: aggressive mode)" },
	{ "dovecot", 164, DIFF_NO_EVENT,
	  "auth process line: repeats the login summary, which counts every attempt" },
	{ "dovecot", 166, DIFF_NO_EVENT,
	  "no password was tried (fail2ban: aggressive mode)" },
	{ "dovecot", 168, DIFF_NO_EVENT,
	  "auth process line: repeats the login summary, which counts every attempt" },
	{ "dovecot", 170, DIFF_NO_EVENT,
	  "auth process line: repeats the login summary, which counts every attempt" },
	{ "dovecot", 173, DIFF_NO_EVENT,
	  "no password was tried (fail2ban: aggressive mode)" },
	{ "dovecot", 175, DIFF_NO_EVENT,
	  "no password was checked (fail2ban: aggressive mode)" },
	{ "dovecot", 177, DIFF_NO_EVENT,
	  "no password was tried (fail2ban: aggressive mode)" },
	{ "dovecot", 180, DIFF_NO_EVENT,
	  "auth process line: repeats the login summary, which counts every attempt" },
	{ "dovecot", 182, DIFF_NO_EVENT,
	  "auth process line: repeats the login summary, which counts every attempt" },
	{ "exim", 122, DIFF_NO_EVENT,
	  "a DNS fact about the client, not abuse (fail2ban: aggressive mode)" },
	{ "exim", 124, DIFF_NO_EVENT,
	  "a DNS fact about the client, not abuse (fail2ban: aggressive mode)" },
	{ "exim", 126, DIFF_NO_EVENT,
	  "a DNS fact about the client, not abuse (fail2ban: aggressive mode)" },
	{ "exim-spam", 19, DIFF_NO_EVENT,
	  "SpamAssassin verdict: content, and the sender comes before host=" },
	{ "exim-spam", 22, DIFF_NO_EVENT,
	  "SpamAssassin verdict: content, and the sender comes before host=" },
	{ "exim-spam", 25, DIFF_NO_EVENT,
	  "SpamAssassin verdict: content, and the sender comes before host=" },
	{ "sendmail-reject", 108, DIFF_NO_EVENT,
	  "monitoring probes do the same (fail2ban: extra mode)" },
	{ "sendmail-reject", 110, DIFF_NO_EVENT,
	  "monitoring probes do the same (fail2ban: extra mode)" },
	{ "sendmail-reject", 113, DIFF_NO_EVENT,
	  "monitoring probes do the same (fail2ban: extra mode)" },
	{ "sendmail-reject", 115, DIFF_NO_EVENT,
	  "monitoring probes do the same (fail2ban: extra mode)" },
	{ "sendmail-reject", 118, DIFF_NO_EVENT,
	  "monitoring probes do the same (fail2ban: extra mode)" },
	{ "sendmail-reject", 120, DIFF_NO_EVENT,
	  "monitoring probes do the same (fail2ban: extra mode)" },
	{ "sendmail-reject", 122, DIFF_NO_EVENT,
	  "monitoring probes do the same (fail2ban: extra mode)" },
	{ "sendmail-reject", 127, DIFF_NO_EVENT,
	  "a cut TCP session (fail2ban: aggressive mode)" },
	{ "sendmail-reject", 130, DIFF_NO_EVENT,
	  "a temporary reject outside 4.7.x and 4.1.8 (fail2ban: aggressive mode)" },
};

struct expect {
	int have;
	int match;
	char host[64];
};

/* parse_fail_json - the "match" and "host" of a "# failJSON:" comment. */
static void parse_fail_json(const char *s, struct expect *e)
{
	const char *m = strstr(s, "\"match\"");
	const char *h = strstr(s, "\"host\"");

	memset(e, 0, sizeof(*e));
	if (!m)
		return;
	m += 7;
	while (*m == ' ' || *m == ':')
		m++;
	e->have = 1;
	e->match = !strncmp(m, "true", 4);
	if (h) {
		h = strchr(h + 6, '"');
		if (h) {
			size_t n = strcspn(h + 1, "\"");

			snprintf(e->host, sizeof(e->host), "%.*s", (int)n, h + 1);
		}
	}
}

static struct difference *find_difference(const char *file, int line)
{
	size_t i;

	for (i = 0; i < sizeof(differences) / sizeof(differences[0]); i++)
		if (!strcmp(differences[i].file, file) && differences[i].line == line)
			return &differences[i];
	return NULL;
}

static void check_file(const char *file)
{
	char path[PATH_MAX], line[LP_LINE_MAX + 2], err[128], buf[PREFIX_STRLEN];
	char rel[64];
	int lineno = 0, f2b_match = 0, f2b_nomatch = 0, same = 0, none = 0;
	int diffs = 0, with_events = 0;
	struct lp_event ev[8];
	struct logparse *lp;
	struct expect e = { 0 };
	FILE *f;

	snprintf(rel, sizeof(rel), "fail2ban-samples/%.40s", file);
	f = fopen(corpus_path(rel, path, sizeof(path)), "r");
	if (!ASSERT_OK_PTR(f, path))
		return;
	lp = logparse_new(0);
	if (!ASSERT_OK_PTR(lp, "logparse_new"))
		goto out_close;

	while (fgets(line, sizeof(line), f)) {
		size_t len = strcspn(line, "\n");
		struct difference *d;
		struct mxg_prefix want;
		int n, i, ok = 1;

		lineno++;
		line[len] = '\0';
		if (strstr(line, "failJSON:") && line[0] == '#') {
			parse_fail_json(line, &e);
			continue;
		}
		if (len == 0 || line[0] == '#')
			continue;
		n = logparse_line(lp, line, len, ev, 8);
		with_events += n > 0;
		if (!e.have)
			continue;
		d = find_difference(file, lineno);
		if (e.match)
			f2b_match++;
		else
			f2b_nomatch++;

		if (e.match && n > 0) {
			if (!ASSERT_OK(addr_parse(e.host, &want, err, sizeof(err)), e.host))
				ok = 0;
			for (i = 0; ok && i < n; i++) {
				if (prefix_equal(&ev[i].addr, &want))
					continue;
				test__fail();
				test__log("%s:%d: got %s, fail2ban finds %s", file, lineno,
					  prefix_format(&ev[i].addr, buf, sizeof(buf)), e.host);
				ok = 0;
			}
			same += ok;
		}
		if (e.match != (n > 0)) {
			enum diff_kind k = e.match ? DIFF_NO_EVENT : DIFF_EVENT;

			if (d && d->kind == k) {
				d->seen = 1;
				diffs++;
			} else {
				test__fail();
				test__log("%s:%d: %s, fail2ban says %s: %s", file, lineno,
					  n ? lp_kind_name(ev[0].kind) : "no event",
					  e.match ? "match" : "no match", line);
			}
		} else if (!e.match) {
			none++;
		}
		e.have = 0;
	}
	test__log("%s: fail2ban matches %d lines and ignores %d; we give the same address on %d, no event on %d of the ignored, %d deliberate differences; %d lines with events",
		  file, f2b_match, f2b_nomatch, same, none, diffs, with_events);
	logparse_free(lp);
out_close:
	fclose(f);
}

void test_logparse(void)
{
	static const char *const files[] = {
		"postfix", "dovecot", "exim", "exim-spam", "sendmail-auth",
		"sendmail-reject", "courier-auth", "courier-smtp",
	};
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char name[64];

		snprintf(name, sizeof(name), "corpus_%s", files[i]);
		if (test__start_subtest(name))
			check_file(files[i]);
	}
	if (test__start_subtest("corpus_differences_current")) {
		for (i = 0; i < sizeof(differences) / sizeof(differences[0]); i++) {
			if (differences[i].seen)
				continue;
			test__fail();
			test__log("%s:%d is listed as a difference but agrees with fail2ban (or was not run)",
				  differences[i].file, differences[i].line);
		}
	}
}
