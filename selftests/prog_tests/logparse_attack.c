// SPDX-License-Identifier: GPL-2.0-only
/*
 * logparse_attack.c - the log parsers against hostile and unusual input.
 * An address injected through a user name, HELO, envelope address or
 * command never becomes an event. Control characters and forged lines
 * give no event, format drift (time stamps, instances, IPv6 forms) is
 * read, and input crafted to make a matcher backtrack costs no more per
 * byte than ordinary lines, within a factor of 10.
 *
 * 198.51.100.7 is the injected address throughout; 192.0.2.10 is the
 * real client.
 */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "test_progs.h"
#include "addr.h"
#include "logfollow.h"
#include "logparse.h"

#define INJECTED "198.51.100.7"

struct lcase {
	const char *name;
	const char *line;
	int nev;		/* events expected */
	enum lp_kind kind;
	const char *addr;
	unsigned count;		/* 0 = 1 */
};

/* run_case - one line, fresh parser unless lp is given. */
static void run_case(struct logparse *lp, const struct lcase *c, size_t len)
{
	struct logparse *own = lp ? NULL : logparse_new(0);
	char buf[PREFIX_STRLEN], err[128];
	struct lp_event ev[8];
	struct mxg_prefix want;
	int n, i;

	if (!lp)
		lp = own;
	if (!ASSERT_OK_PTR(lp, "logparse_new"))
		return;
	n = logparse_line(lp, c->line, len ? len : strlen(c->line), ev, 8);
	for (i = 0; i < n; i++) {
		prefix_format(&ev[i].addr, buf, sizeof(buf));
		if (!ASSERT_FALSE(!strcmp(buf, INJECTED), c->name))
			test__log("%s: the injected address became an event", c->name);
	}
	if (!ASSERT_EQ(n, c->nev, c->name))
		test__log("%s: %s", c->name, c->line);
	if (n < 1 || c->nev < 1)
		goto out;
	ASSERT_STREQ(lp_kind_name(ev[0].kind), lp_kind_name(c->kind), c->name);
	if (ASSERT_OK(addr_parse(c->addr, &want, err, sizeof(err)), c->addr) &&
	    !ASSERT_TRUE(prefix_equal(&ev[0].addr, &want), c->name))
		test__log("%s: got %s, expected %s", c->name,
			  prefix_format(&ev[0].addr, buf, sizeof(buf)), c->addr);
	ASSERT_EQ(ev[0].count, c->count ? c->count : 1, c->name);
out:
	logparse_free(own);
}

static void run_cases(const struct lcase *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		run_case(NULL, &c[i], 0);
}

#define SYS "Dec  1 10:00:00 mx "

static const struct lcase injection[] = {
	/* Postfix smtpd, submission, postscreen */
	{ "postfix_helo", SYS "postfix/smtpd[1]: NOQUEUE: reject: RCPT from unknown[192.0.2.10]: 554 5.7.1 <a@example.org>: Relay access denied; from=<b@[198.51.100.7]> to=<a@example.org> proto=ESMTP helo=<unknown[198.51.100.7]>", 1, LP_REJECT, "192.0.2.10" },
	{ "postfix_sasl_reason", SYS "postfix/submission/smtpd[1]: warning: unknown[192.0.2.10]: SASL LOGIN authentication failed: x unknown[198.51.100.7]: SASL LOGIN authentication failed", 1, LP_AUTH_FAIL, "192.0.2.10" },
	{ "postfix_sasl_username", SYS "postfix/smtpd[1]: 4BC2A1F00: client=unknown[192.0.2.10], sasl_method=PLAIN, sasl_username=x, client=unknown[198.51.100.7], sasl_method=PLAIN", 1, LP_LOGIN_OK, "192.0.2.10" },
	{ "postfix_non_smtp", SYS "postfix/smtpd[1]: warning: non-SMTP command from unknown[192.0.2.10]: GET /[198.51.100.7] HTTP/1.1", 1, LP_PROTOCOL, "192.0.2.10" },
	{ "postfix_reason_address", SYS "postfix/smtpd[1]: NOQUEUE: reject: RCPT from unknown[192.0.2.10]: 450 4.7.1 Client host rejected: cannot find your reverse hostname, [198.51.100.7]; proto=ESMTP helo=<x>", 1, LP_REJECT, "192.0.2.10" },
	{ "postscreen_pregreet", SYS "postfix/postscreen[1]: PREGREET 20 after 0.1 from [192.0.2.10]:40000: EHLO [198.51.100.7]\\r\\n", 1, LP_PROTOCOL, "192.0.2.10" },
	{ "postfix_hostname_only", SYS "postfix/smtpd[1]: warning: hostname x.example does not resolve to address 198.51.100.7", 0 },
	{ "postfix_logger_other_tag", SYS "postfixx[1]: warning: unknown[198.51.100.7]: SASL LOGIN authentication failed: x", 0 },
	/* Dovecot login process and auth process */
	{ "dovecot_user_rip", SYS "dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<x>, method=PLAIN, rip=198.51.100.7, lip=192.0.2.1>, method=PLAIN, rip=192.0.2.10, lip=192.0.2.1, TLS, session=<abc>", 1, LP_AUTH_FAIL, "192.0.2.10" },
	{ "dovecot_user_reason", SYS "dovecot: imap-login: Disconnected (no auth attempts in 2 secs): user=<(auth failed, 9 attempts in 1 secs): user=<x>, rip=198.51.100.7>, rip=192.0.2.10, lip=192.0.2.1", 0 },
	{ "dovecot_user_login", SYS "dovecot: pop3-login: Login: user=<a>, rip=198.51.100.7, x>, method=PLAIN, rip=192.0.2.10, lip=192.0.2.1, mpid=7, session=<s>", 1, LP_LOGIN_OK, "192.0.2.10" },
	{ "dovecot_auth_worker", SYS "dovecot: auth-worker(7): pam(a,198.51.100.7,b,192.0.2.10): unknown user", 0 },
	{ "dovecot_pam_rhost", SYS "dovecot: auth: pam_unix(dovecot:auth): authentication failure; logname= uid=0 euid=0 tty=dovecot ruser=rhost=198.51.100.7 rhost=192.0.2.10", 0 },
	/* Exim main and reject logs */
	{ "exim_quoted_command", "2024-12-01 10:00:00 SMTP protocol error in \"AUTH LOGIN\" H=(x) [198.51.100.7]\" H=(y) [192.0.2.10]:4000 I=[192.0.2.1]:25 AUTH command used when not advertised", 1, LP_PROTOCOL, "192.0.2.10" },
	{ "exim_sync_both_sides", "2024-12-01 10:00:00 SMTP protocol synchronization error (next input sent too soon: pipelining was not advertised): rejected \"RSET\" H=[192.0.2.10]:4000 I=[192.0.2.1]:25 next input=\"x\" H=[198.51.100.7] \"", 0 },
	{ "exim_junk_helo", "2024-12-01 10:00:00 login authenticator failed for (x) [198.51.100.7]: 535 a (y) [192.0.2.10]: 535 Incorrect authentication data", 0 },
	{ "exim_quoted_sender", "2024-12-01 10:00:00 1abcde-000000-Ab F=<\"a H=(x) [198.51.100.7] b\"@example.org> H=(y) [192.0.2.10] P=esmtp rejected by local_scan(): spam", 0 },
	{ "exim_sender_after_host", "2024-12-01 10:00:00 H=(y) [192.0.2.10]:4000 I=[192.0.2.1]:25 F=<a@[198.51.100.7]> rejected RCPT <b@example.org>: relay not permitted", 1, LP_REJECT, "192.0.2.10" },
	{ "exim_local_address_only", "2024-12-01 10:00:00 SMTP call from I=[198.51.100.7]:25 dropped: too many syntax or protocol errors", 0 },
	/* Sendmail */
	{ "sendmail_auth_user", SYS "sm-mta[1]: 0B1AbCdE012345: AUTH failure (LOGIN): authentication failure (-13) SASL(-13): authentication failure: checkpass failed, user=a, relay=[198.51.100.7], relay=[192.0.2.10] (may be forged)", 1, LP_AUTH_FAIL, "192.0.2.10" },
	{ "sendmail_ruleset_arg1", SYS "sm-mta[1]: 0B1AbCdE012345: ruleset=check_rcpt, arg1=<a, relay=[198.51.100.7], reject=5>, relay=[192.0.2.10], reject=550 5.7.1 <a>... Relaying denied", 0 },
	{ "sendmail_from_two_relays", SYS "sm-mta[1]: 0B1AbCdE012345: from=<a, relay=[198.51.100.7]>, size=0, relay=[192.0.2.10]", 0 },
	/* Courier */
	{ "courier_user_ip", SYS "imapd: LOGIN FAILED, user=a, ip=[::ffff:198.51.100.7], ip=[::ffff:192.0.2.10]", 1, LP_AUTH_FAIL, "192.0.2.10" },
	{ "courier_user_tail", SYS "imapd: LOGIN FAILED, user=a, ip=[::ffff:192.0.2.10], port=[1], x=[198.51.100.7]", 0 },
	/* OpenSMTPD: only the session's connected line names the client */
	{ "opensmtpd_unknown_session", SYS "smtpd[1]: 0123456789abcdef smtp authentication user=a address=198.51.100.7 result=permfail", 0 },
	/* Haraka */
	{ "haraka_unknown_session", SYS "haraka[1]: [INFO] [ABCDEF01-2345-6789-ABCD-EF0123456789] [auth/flat_file] AUTH user=\"x ip=198.51.100.7\" success=false method=PLAIN", 0 },
};

/* sessions - OpenSMTPD and Haraka map the session to the connect address */
static void sessions(void)
{
	static const struct lcase seq[] = {
		{ "opensmtpd_connected", SYS "smtpd[1]: 0123456789abcdef smtp connected address=192.0.2.10 host=[198.51.100.7]", 0 },
		{ "opensmtpd_auth_injected", SYS "smtpd[1]: 0123456789abcdef smtp authentication user=a result=ok address=198.51.100.7 result=permfail", 1, LP_AUTH_FAIL, "192.0.2.10" },
		{ "opensmtpd_auth_ok", SYS "smtpd[1]: 0123456789abcdef smtp authentication user=a result=ok", 1, LP_LOGIN_OK, "192.0.2.10" },
		{ "opensmtpd_failed_command", SYS "smtpd[1]: 0123456789abcdef smtp failed-command command=\"RCPT TO:<a@[198.51.100.7]>\" result=\"550 Invalid recipient: <a@[198.51.100.7]>\"", 1, LP_REJECT, "192.0.2.10" },
		{ "opensmtpd_bad_input", SYS "smtpd[1]: 0123456789abcdef smtp bad-input result=\"500 5.5.1 Invalid command: Pipelining not supported\"", 1, LP_PROTOCOL, "192.0.2.10" },
		{ "opensmtpd_disconnected", SYS "smtpd[1]: 0123456789abcdef smtp disconnected reason=quit", 0 },
		{ "opensmtpd_after_disconnect", SYS "smtpd[1]: 0123456789abcdef smtp authentication user=a result=permfail", 0 },
		{ "opensmtpd_ipv6", SYS "smtpd[1]: 00000000000000aa smtp connected address=2001:DB8::10 host=x", 0 },
		{ "opensmtpd_ipv6_auth", SYS "smtpd[1]: 00000000000000aa smtp authentication user=a result=permfail", 1, LP_AUTH_FAIL, "2001:db8::10" },
		{ "haraka_connect", "[NOTICE] [ABCDEF01-2345-6789-ABCD-EF0123456789] [core] connect ip=::ffff:192.0.2.10 port=40000 local_ip=192.0.2.1 local_port=25", 0 },
		{ "haraka_auth_user", "[INFO] [ABCDEF01-2345-6789-ABCD-EF0123456789] [auth/flat_file] AUTH user=\"x\" success=true ip=198.51.100.7\" success=false method=PLAIN", 1, LP_AUTH_FAIL, "192.0.2.10" },
		{ "haraka_auth_ok", SYS "haraka[7]: [INFO] [ABCDEF01-2345-6789-ABCD-EF0123456789] [auth/flat_file] AUTH user=\"x\" success=true method=PLAIN", 1, LP_LOGIN_OK, "192.0.2.10" },
		{ "haraka_rcpt_deny", "[INFO] [ABCDEF01-2345-6789-ABCD-EF0123456789.1] [core] hook=rcpt plugin=rcpt_to.in_host_list function=hook_rcpt params=<a@example.org> retval=DENY msg=\"I cannot deliver mail for <a@example.org>\"", 1, LP_REJECT, "192.0.2.10" },
		{ "haraka_params_retval", "[INFO] [ABCDEF01-2345-6789-ABCD-EF0123456789.1] [core] hook=rcpt plugin=p function=f params=<a retval=DENY b@example.org> retval=OK msg=\"\"", 0 },
		{ "haraka_disconnect", "[NOTICE] [ABCDEF01-2345-6789-ABCD-EF0123456789] [core] disconnect ip=192.0.2.10 rdns=x helo=y", 0 },
		{ "haraka_after_disconnect", "[INFO] [ABCDEF01-2345-6789-ABCD-EF0123456789] [auth/flat_file] AUTH user=\"x\" success=false method=PLAIN", 0 },
		{ "sendmail_unknown_user", SYS "sm-mta[1]: 0B1AbCdE012345: <nobody@example.org>... User unknown", 0 },
		{ "sendmail_other_queue_id", SYS "sm-mta[1]: 0B1AbCdE099999: from=<a@example.org>, size=0, relay=[198.51.100.7]", 0 },
		{ "sendmail_same_queue_id", SYS "sm-mta[1]: 0B1AbCdE012345: from=<a@example.org>, size=0, class=0, nrcpts=0, proto=ESMTP, daemon=MTA, relay=x.example [192.0.2.10]", 1, LP_REJECT, "192.0.2.10" },
	};
	struct logparse *lp = logparse_new(0);
	size_t i;

	if (!ASSERT_OK_PTR(lp, "logparse_new"))
		return;
	for (i = 0; i < sizeof(seq) / sizeof(seq[0]); i++)
		run_case(lp, &seq[i], 0);
	logparse_free(lp);
}

/* session_table_bounded - the oldest session goes, and is counted */
static void session_table_bounded(void)
{
	struct logparse *lp = logparse_new(LP_FORMAT_BIT(LP_OPENSMTPD));
	struct lp_event ev[2];
	char line[256];
	unsigned i;
	int n;

	if (!ASSERT_OK_PTR(lp, "logparse_new"))
		return;
	for (i = 0; i < LP_SESSIONS_MAX + 10; i++) {
		n = snprintf(line, sizeof(line),
			     SYS "smtpd[1]: %016x smtp connected address=192.0.2.%u host=x",
			     i, i % 250 + 1);
		logparse_line(lp, line, (size_t)n, ev, 2);
	}
	ASSERT_EQ(logparse_stats(lp)->sessions_evicted, 10, "evicted");
	n = snprintf(line, sizeof(line), SYS "smtpd[1]: %016x smtp bad-input result=\"500 x\"", 0);
	ASSERT_EQ(logparse_line(lp, line, (size_t)n, ev, 2), 0, "oldest_gone");
	n = snprintf(line, sizeof(line), SYS "smtpd[1]: %016x smtp bad-input result=\"500 x\"",
		     LP_SESSIONS_MAX + 9);
	ASSERT_EQ(logparse_line(lp, line, (size_t)n, ev, 2), 1, "newest_kept");
	logparse_free(lp);
}

static void control_characters(void)
{
	static const char nul_addr[] = SYS "postfix/smtpd[1]: warning: unknown[198.51.100.7\0]: SASL LOGIN authentication failed: x";
	static const char nul_tag[] = SYS "post\0fix/smtpd[1]: warning: unknown[198.51.100.7]: SASL LOGIN authentication failed: x";
	static const char nul_after[] = SYS "postfix/smtpd[1]: warning: unknown[192.0.2.10]: SASL LOGIN authentication failed: a\0b";
	const struct lcase cases[] = {
		{ "newline_in_user", SYS "dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<a\n" SYS "postfix/smtpd[1]: warning: unknown[198.51.100.7]: SASL LOGIN authentication failed: x>, method=PLAIN, rip=192.0.2.10, lip=192.0.2.1", 1, LP_AUTH_FAIL, "192.0.2.10" },
		{ "continuation_line", "                          " SYS "postfix/smtpd[1]: warning: unknown[198.51.100.7]: SASL LOGIN authentication failed: x", 0 },
		{ "tab_continuation", "\t" SYS "postfix/smtpd[1]: warning: unknown[198.51.100.7]: SASL LOGIN authentication failed: x", 0 },
		{ "nul_in_address", nul_addr, 0 },
		{ "nul_in_tag", nul_tag, 0 },
		{ "nul_after_address", nul_after, 1, LP_AUTH_FAIL, "192.0.2.10" },
		{ "cr_at_end", SYS "dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<a>, method=PLAIN, rip=192.0.2.10, lip=192.0.2.1\r", 1, LP_AUTH_FAIL, "192.0.2.10" },
		{ "cr_forged_line", SYS "dovecot: imap-login: Disconnected (no auth attempts in 2 secs): user=<a\r" SYS "postfix/smtpd[1]: warning: unknown[198.51.100.7]: SASL LOGIN authentication failed: x>, rip=192.0.2.10", 0 },
		{ "invalid_utf8", SYS "dovecot: imap-login: Disconnected (auth failed, 2 attempts in 2 secs): user=<\xff\xfe\xc3\x28\xe2\x82>, method=PLAIN, rip=192.0.2.10, lip=192.0.2.1", 1, LP_AUTH_FAIL, "192.0.2.10", 2 },
		{ "invalid_utf8_address", SYS "postfix/smtpd[1]: warning: unknown[192.0.2.1\xc0]: SASL LOGIN authentication failed: x", 0 },
	};
	static const struct lcase next = { "in_sync_after", SYS "postfix/smtpd[1]: warning: unknown[192.0.2.10]: SASL LOGIN authentication failed: x", 1, LP_AUTH_FAIL, "192.0.2.10" };
	struct logparse *lp = logparse_new(0);
	struct lp_event ev[4];
	size_t i, big = 1 << 20;
	char *line;

	if (!ASSERT_OK_PTR(lp, "logparse_new"))
		return;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i].line);

		if (cases[i].line == nul_addr)
			len = sizeof(nul_addr) - 1;
		else if (cases[i].line == nul_tag)
			len = sizeof(nul_tag) - 1;
		else if (cases[i].line == nul_after)
			len = sizeof(nul_after) - 1;
		run_case(lp, &cases[i], len);
		run_case(lp, &next, 0);
	}

	/* 1 MiB without newline, with a forged line past the cut */
	line = malloc(big);
	if (!ASSERT_OK_PTR(line, "malloc"))
		goto out;
	memset(line, 'a', big);
	memcpy(line, SYS "dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<", 85);
	memcpy(line + LP_LINE_MAX + 100, ">, rip=" INJECTED, 7 + strlen(INJECTED));
	memcpy(line + big - 40, ">, rip=" INJECTED, 7 + strlen(INJECTED));
	ASSERT_EQ(logparse_line(lp, line, big - 40 + 7 + strlen(INJECTED), ev, 4), 0,
		  "megabyte_line");
	ASSERT_EQ(logparse_stats(lp)->lines_cut, 1, "megabyte_line_cut");
	run_case(lp, &next, 0);
	free(line);
out:
	logparse_free(lp);
}

struct parse_ctx {
	struct logparse *lp;
	int events;
};

static void parse_line(const char *line, size_t len, const char *source,
		       void *arg)
{
	struct parse_ctx *c = arg;
	struct lp_event ev[4];

	c->events += logparse_line(c->lp, line, len, ev, 4);
}

/* journal_continuation - journalctl indents the second line of a message */
static void journal_continuation(void)
{
	const char *argv[] = { "printf", "%s\\n%s\\n",
		"2024-12-01T10:00:00+0100 mx dovecot[1]: imap-login: Disconnected (no auth attempts in 2 secs): user=<a",
		"                         mx postfix/smtpd[1]: warning: unknown[198.51.100.7]: SASL LOGIN authentication failed: x>, rip=192.0.2.10",
		NULL };
	struct logfollow *lf = logfollow_new_command(argv);
	struct logparse *lp = logparse_new(0);
	struct parse_ctx ctx = { lp, 0 };
	int i;

	if (!ASSERT_OK_PTR(lf, "follow") || !ASSERT_OK_PTR(lp, "logparse_new"))
		goto out;
	for (i = 0; i < 100 && logparse_stats(lp)->lines < 2; i++) {
		usleep(10000);
		logfollow_poll(lf, parse_line, &ctx);
	}
	ASSERT_EQ(logparse_stats(lp)->lines, 2, "lines");
	ASSERT_EQ(ctx.events, 0, "no_event_from_continuation");
out:
	logfollow_free(lf);
	logparse_free(lp);
}

static const struct lcase drift[] = {
	{ "rfc3164_two_digit_day", "Dec 10 10:00:00 mx postfix/smtpd[1]: warning: unknown[192.0.2.10]: SASL LOGIN authentication failed: x", 1, LP_AUTH_FAIL, "192.0.2.10" },
	{ "rfc3164_pri", "<38>Dec  1 10:00:00 mx postfix/smtpd[1]: warning: unknown[192.0.2.10]: SASL LOGIN authentication failed: x", 1, LP_AUTH_FAIL, "192.0.2.10" },
	{ "rfc3164_single_space_day", "Mar 7 02:09:33 mx postfix/smtpd[1]: warning: unknown[192.0.2.10]: SASL LOGIN authentication failed: x", 1, LP_AUTH_FAIL, "192.0.2.10" },
	{ "rfc5424", "<38>1 2024-12-01T10:00:00.123456+01:00 mx postfix/smtpd 1234 - - warning: unknown[192.0.2.10]: SASL LOGIN authentication failed: x", 1, LP_AUTH_FAIL, "192.0.2.10" },
	{ "rfc5424_structured_data", "<38>1 2024-12-01T10:00:00Z mx postfix/smtpd 1234 ID47 [ex@32473 a=\"1\\]\" b=\"2\"][x@1 c=\"3\"] warning: unknown[192.0.2.10]: SASL LOGIN authentication failed: x", 1, LP_AUTH_FAIL, "192.0.2.10" },
	{ "rfc3339_fraction_offset", "2024-12-01T10:00:00.123456+01:00 mx postfix/smtpd[1]: warning: unknown[192.0.2.10]: SASL LOGIN authentication failed: x", 1, LP_AUTH_FAIL, "192.0.2.10" },
	{ "journald_short_iso", "2024-12-01T10:00:00+0100 mx postfix/smtpd[1]: warning: unknown[192.0.2.10]: SASL LOGIN authentication failed: x", 1, LP_AUTH_FAIL, "192.0.2.10" },
	{ "journald_short_iso_precise", "2024-12-01T10:00:00.123456+0100 mx postfix/smtpd[1]: warning: unknown[192.0.2.10]: SASL LOGIN authentication failed: x", 1, LP_AUTH_FAIL, "192.0.2.10" },
	{ "iso_utc_z", "2024-12-01T10:00:00Z mx postfix/smtpd[1]: warning: unknown[192.0.2.10]: SASL LOGIN authentication failed: x", 1, LP_AUTH_FAIL, "192.0.2.10" },
	{ "instance_postfix_out", SYS "postfix-out/smtpd[1]: warning: unknown[192.0.2.10]: SASL LOGIN authentication failed: x", 1, LP_AUTH_FAIL, "192.0.2.10" },
	{ "instance_submission", SYS "postfix/submission/smtpd[1]: warning: unknown[192.0.2.10]: SASL PLAIN authentication failed: x", 1, LP_AUTH_FAIL, "192.0.2.10" },
	{ "postfix_other_daemon", SYS "postfix/smtp[1]: warning: unknown[192.0.2.10]: SASL LOGIN authentication failed: x", 0 },
	{ "ipv6_brackets", SYS "postfix/smtpd[1]: warning: unknown[2001:db8::1]: SASL LOGIN authentication failed: x", 1, LP_AUTH_FAIL, "2001:db8::1" },
	{ "ipv6_port", SYS "postfix/postscreen[1]: PREGREET 11 after 0.2 from [2001:db8::1]:25: EHLO x\\r\\n", 1, LP_PROTOCOL, "2001:db8::1" },
	{ "ipv6_mapped", SYS "dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<a>, method=PLAIN, rip=::ffff:192.0.2.1, lip=192.0.2.2", 1, LP_AUTH_FAIL, "192.0.2.1" },
	{ "ipv6_upper_case", SYS "postfix/smtpd[1]: warning: unknown[2001:DB8::ABCD]: SASL LOGIN authentication failed: x", 1, LP_AUTH_FAIL, "2001:db8::abcd" },
	{ "ipv6_uncompressed", SYS "postfix/smtpd[1]: warning: unknown[2001:0db8:0000:0000:0000:0000:0000:0001]: SASL LOGIN authentication failed: x", 1, LP_AUTH_FAIL, "2001:db8::1" },
	{ "ipv6_zone_id", SYS "postfix/smtpd[1]: warning: unknown[fe80::1%eth0]: SASL LOGIN authentication failed: x", 0 },
	{ "exim_without_port", "2024-12-01 10:00:00 H=(x) [192.0.2.10] F=<a@example.org> rejected RCPT <b@example.org>: relay not permitted", 1, LP_REJECT, "192.0.2.10" },
	{ "exim_ipv6_port", "2024-12-01 10:00:00 H=(x) [2001:db8::1]:4000 I=[2001:db8::2]:25 F=<a@example.org> rejected RCPT <b@example.org>: relay not permitted", 1, LP_REJECT, "2001:db8::1" },
	{ "exim_through_syslog", SYS "exim[1]: 2024-12-01 10:00:00 +0100 login authenticator failed for (x) [192.0.2.10]:4000 I=[192.0.2.1]:587: 535 Incorrect authentication data (set_id=a)", 1, LP_AUTH_FAIL, "192.0.2.10" },
	{ "sendmail_ipv6_tag", SYS "sm-mta[1]: 0B1AbCdE012345: AUTH failure (PLAIN): authentication failure (-13) SASL(-13): authentication failure: x, relay=[IPv6:2001:DB8::1]", 1, LP_AUTH_FAIL, "2001:db8::1" },
	{ "dovecot_log_path_format", "Dec 01 10:00:00 imap-login: Info: Disconnected (auth failed, 1 attempts in 2 secs): user=<a>, method=PLAIN, rip=192.0.2.10, lip=192.0.2.1", 1, LP_AUTH_FAIL, "192.0.2.10" },
	{ "dovecot_attempts_counted", SYS "dovecot: imap-login: Disconnected (auth failed, 3 attempts in 12 secs): user=<x>, method=PLAIN, rip=192.0.2.10, lip=192.0.2.1", 1, LP_AUTH_FAIL, "192.0.2.10", 3 },
	{ "dovecot24_attempts_counted", SYS "dovecot[1]: imap-login: Login aborted: Connection closed (auth failed, 3 attempts in 16 secs) (auth_failed): user=<test>, method=PLAIN, rip=192.0.2.10, lip=192.0.2.1, TLS, session=<x>", 1, LP_AUTH_FAIL, "192.0.2.10", 3 },
	{ "repeated_message", SYS "postfix/smtpd[1]: message repeated 4 times: [ warning: unknown[192.0.2.10]: SASL LOGIN authentication failed: x]", 1, LP_AUTH_FAIL, "192.0.2.10", 4 },
	{ "repeated_without_bracket", SYS "postfix/smtpd[1]: message repeated 4 times: [ warning: unknown[192.0.2.10]: SASL LOGIN authentication failed: x", 0 },
	{ "bsd_facility_tag", "Dec  1 10:00:00 <mail.info> mx postfix/smtpd[1]: warning: unknown[192.0.2.10]: SASL LOGIN authentication failed: x", 1, LP_AUTH_FAIL, "192.0.2.10" },
	{ "no_timestamp_journal_cat", "mx postfix/smtpd[1]: warning: unknown[192.0.2.10]: SASL LOGIN authentication failed: x", 1, LP_AUTH_FAIL, "192.0.2.10" },
};

/* cost_ns - best of three runs over lines, in ns per byte */
static double cost_ns(struct logparse *lp, char **lines, size_t *lens, size_t n,
		      size_t *bytes)
{
	double best = 1e30;
	struct lp_event ev[8];
	int run;
	size_t i;

	*bytes = 0;
	for (i = 0; i < n; i++)
		*bytes += lens[i];
	for (run = 0; run < 3; run++) {
		struct timespec a, b;
		double ns;

		clock_gettime(CLOCK_MONOTONIC, &a);
		for (i = 0; i < n; i++)
			logparse_line(lp, lines[i], lens[i], ev, 8);
		clock_gettime(CLOCK_MONOTONIC, &b);
		ns = (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);
		if (ns < best)
			best = ns;
	}
	return best / (double)*bytes;
}

/* crafted - an 8000-byte line: prefix, then unit repeated, then suffix. */
static char *crafted(const char *prefix, const char *unit, const char *suffix,
		     size_t *len)
{
	size_t p = strlen(prefix), u = strlen(unit), s = strlen(suffix), n;
	char *b = malloc(8192);

	if (!b)
		return NULL;
	memcpy(b, prefix, p);
	for (n = p; n + u + s < 8000; n += u)
		memcpy(b + n, unit, u);
	memcpy(b + n, suffix, s);
	*len = n + s;
	return b;
}

static void linear_cost(void)
{
	static const char *const ordinary[] = {
		SYS "postfix/smtpd[123]: connect from unknown[192.0.2.10]",
		SYS "postfix/smtpd[123]: warning: unknown[192.0.2.10]: SASL LOGIN authentication failed: UGFzc3dvcmQ6",
		SYS "postfix/smtpd[123]: NOQUEUE: reject: RCPT from unknown[192.0.2.10]: 554 5.7.1 <a@example.org>: Relay access denied; from=<b@example.org> to=<a@example.org> proto=ESMTP helo=<x>",
		SYS "postfix/qmgr[99]: 4BC2A1F00: from=<a@example.org>, size=1234, nrcpt=1 (queue active)",
		SYS "dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<a>, method=PLAIN, rip=192.0.2.10, lip=192.0.2.1, TLS, session=<abc>",
		SYS "dovecot: imap-login: Login: user=<a>, method=PLAIN, rip=192.0.2.10, lip=192.0.2.1, mpid=77, TLS, session=<abc>",
		SYS "kernel: [12345.678] eth0: link up",
		"2024-12-01 10:00:00 H=(x) [192.0.2.10]:4000 I=[192.0.2.1]:25 F=<a@example.org> rejected RCPT <b@example.org>: relay not permitted",
	};
	struct {
		const char *name, *prefix, *unit, *suffix;
	} bad[] = {
		{ "brackets", SYS "postfix/smtpd[1]: warning: ", "[", "" },
		{ "blanks", SYS "postfix/smtpd[1]: warning: unknown", " ", "[192.0.2.10]" },
		{ "parentheses", SYS "dovecot: imap-login: Disconnected ", "(", "): rip=192.0.2.10" },
		{ "rip_repeated", SYS "dovecot: imap-login: Disconnected (auth failed, 1 attempts): user=<", " rip=1.1.1.", ">, rip=192.0.2.10" },
		{ "colons", SYS "dovecot: imap-login: Disconnected: ", "a: ", "(tried to use disallowed test auth): user=<>, rip=192.0.2.10" },
		{ "exim_quotes", "2024-12-01 10:00:00 SMTP protocol error in \"", "\" H=", "\" H=(y) [192.0.2.10] AUTH command used when not advertised" },
		{ "sendmail_relays", SYS "sm-mta[1]: 0B1AbCdE012345: AUTH failure (LOGIN): x, user=", ", relay=", ", relay=[192.0.2.10]" },
		{ "fake_addresses", SYS "postfix/smtpd[1]: NOQUEUE: reject: RCPT from unknown[192.0.2.10]: 554 5.7.1 ", "[1.2.3.4]:25 ", "" },
		{ "digits_and_dots", SYS "postfix/smtpd[1]: warning: unknown[", "1.", "]" },
		{ "repeated_wrapper", SYS "postfix/smtpd[1]: ", "message repeated 2 times: [ ", "]" },
		{ "courier_ips", SYS "imapd: LOGIN FAILED, user=", ", ip=[", ", ip=[::ffff:192.0.2.10]" },
	};
	enum { NORD = 40000, NBAD = 200 };
	char *ord_lines[NORD], *bad_lines[NBAD];
	size_t ord_lens[NORD], bad_lens[NBAD], ord_bytes, bad_bytes, i, k;
	struct logparse *lp = logparse_new(0);
	double ord_ns, worst = 0;
	const char *worst_name = "";

	if (!ASSERT_OK_PTR(lp, "logparse_new"))
		return;
	for (i = 0; i < NORD; i++) {
		ord_lines[i] = (char *)ordinary[i % (sizeof(ordinary) / sizeof(ordinary[0]))];
		ord_lens[i] = strlen(ord_lines[i]);
	}
	ord_ns = cost_ns(lp, ord_lines, ord_lens, NORD, &ord_bytes);
	test__log("ordinary lines: %.2f ns/byte, %.0f lines/s", ord_ns,
		  1e9 / (ord_ns * (double)ord_bytes / NORD));

	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		double ns;

		for (i = 0; i < NBAD; i++) {
			bad_lines[i] = crafted(bad[k].prefix, bad[k].unit,
					       bad[k].suffix, &bad_lens[i]);
			if (!ASSERT_OK_PTR(bad_lines[i], "crafted"))
				return;
		}
		ns = cost_ns(lp, bad_lines, bad_lens, NBAD, &bad_bytes);
		test__log("%s: %.2f ns/byte over %zu bytes (%.1fx ordinary)",
			  bad[k].name, ns, bad_bytes, ns / ord_ns);
		if (ns > worst) {
			worst = ns;
			worst_name = bad[k].name;
		}
		for (i = 0; i < NBAD; i++)
			free(bad_lines[i]);
	}
	if (!ASSERT_LE((long long)(worst / ord_ns * 100), 1000, "cost_ratio_x100"))
		test__log("%s costs %.1fx per byte what ordinary lines cost",
			  worst_name, worst / ord_ns);
	logparse_free(lp);
}

void test_logparse_attack(void)
{
	if (test__start_subtest("injection"))
		run_cases(injection, sizeof(injection) / sizeof(injection[0]));
	if (test__start_subtest("sessions"))
		sessions();
	if (test__start_subtest("session_table_bounded"))
		session_table_bounded();
	if (test__start_subtest("control_characters"))
		control_characters();
	if (test__start_subtest("journal_continuation"))
		journal_continuation();
	if (test__start_subtest("format_drift"))
		run_cases(drift, sizeof(drift) / sizeof(drift[0]));
	if (test__start_subtest("linear_cost"))
		linear_cost();
}
