// SPDX-License-Identifier: GPL-2.0-only
/*
 * logparse_real.c - lines in the formats of the Postfix and Dovecot that
 * Debian 12 installs (postfix 3.7.11, dovecot-core 2.3.19.1), one case
 * each, through syslog and through journalctl -o short-iso.
 *
 * Most lines were written from the format strings in the installed
 * binaries (`strings /usr/lib/postfix/sbin/smtpd`, `.../postscreen` and
 * `/usr/lib/dovecot/libdovecot-login.so`), filled in with documentation
 * addresses. The "captured_" cases were logged by Dovecot itself, the
 * "lab_" cases by Postfix 3.7.11 through postlogd's maillog_file in the
 * lab of scripts/lab.sh (timestamps with a zero-padded day). Dovecot's
 * elements are its default login_log_format_elements, "user=<%u>
 * method=%m rip=%r lip=%l mpid=%e %c session=<%{session}>", joined by
 * ", " as the login process does.
 */
#include "test_progs.h"
#include "addr.h"
#include "logparse.h"

struct real_case {
	const char *name;
	const char *line;
	int nev;
	enum lp_kind kind;
	const char *addr;
	unsigned count;
};

#define PF "Dec  4 21:00:00 mx postfix/smtpd[4242]: "
#define PFS "Dec  4 21:00:00 mx postfix/submission/smtpd[4243]: "
#define PS "2026-12-04T21:00:00+0000 mx postfix/postscreen[4244]: "
#define DC "Dec  4 21:00:00 mx dovecot[4245]: "

static const struct real_case cases[] = {
	/* postfix 3.7 smtpd: "%s: SASL %.100s authentication failed: %s, sasl_username=%.100s" */
	{ "postfix_sasl_failed_username", PFS "warning: unknown[192.0.2.21]: SASL PLAIN authentication failed: UGFzc3dvcmQ6, sasl_username=admin@example.org", 1, LP_AUTH_FAIL, "192.0.2.21" },
	{ "postfix_sasl_failed", PF "warning: host.example.net[198.51.100.22]: SASL LOGIN authentication failed: authentication failure", 1, LP_AUTH_FAIL, "198.51.100.22" },
	{ "postfix_sasl_failed_v6", PF "warning: unknown[2001:db8::22]: SASL LOGIN authentication failed: authentication failure", 1, LP_AUTH_FAIL, "2001:db8::22" },
	/* "lost connection after AUTH" and "disconnect ... auth=0/1" follow it */
	{ "postfix_lost_after_auth", PFS "lost connection after AUTH from unknown[192.0.2.21]", 0 },
	{ "postfix_disconnect_auth", PFS "disconnect from unknown[192.0.2.21] ehlo=1 auth=0/1 commands=1/2", 0 },
	/* "%s: reject: %s from %s: %d %s ..." with NOQUEUE */
	{ "postfix_relay_denied", PF "NOQUEUE: reject: RCPT from unknown[203.0.113.23]: 554 5.7.1 <user@example.com>: Relay access denied; from=<spam@example.net> to=<user@example.com> proto=ESMTP helo=<[203.0.113.23]>", 1, LP_REJECT, "203.0.113.23" },
	{ "postfix_greylisted", PF "NOQUEUE: reject: RCPT from mail.example.net[203.0.113.24]: 450 4.2.0 <user@example.org>: Recipient address rejected: Greylisted; from=<a@example.net> to=<user@example.org> proto=ESMTP helo=<mail.example.net>", 0 },
	{ "postfix_local_data_error", PF "NOQUEUE: reject: RCPT from unknown[203.0.113.25]: 421 4.3.0 mx Server local data error; proto=ESMTP", 0 },
	{ "postfix_pipelining", PF "improper command pipelining after EHLO from unknown[192.0.2.26]: MAIL FROM:<a@example.net>\\r\\nRCPT TO:<b@example.org>\\r\\n", 1, LP_PROTOCOL, "192.0.2.26" },
	{ "postfix_non_smtp", PF "warning: non-SMTP command from unknown[192.0.2.27]: GET / HTTP/1.1", 1, LP_PROTOCOL, "192.0.2.27" },
	{ "postfix_auth_rate", PF "warning: AUTH command rate limit exceeded: 11 from unknown[192.0.2.28] for service submission", 1, LP_PROTOCOL, "192.0.2.28" },
	{ "postfix_tls_rate", PF "warning: New TLS session rate limit exceeded: 31 from unknown[192.0.2.29] for service smtp", 1, LP_PROTOCOL, "192.0.2.29" },
	{ "postfix_too_many_errors", PF "too many errors after RCPT from unknown[192.0.2.30]", 1, LP_PROTOCOL, "192.0.2.30" },
	{ "postfix_sasl_login", PFS "4QlY8t0Hbtz9vQ2: client=unknown[192.0.2.31], sasl_method=PLAIN, sasl_username=user@example.org", 1, LP_LOGIN_OK, "192.0.2.31" },
	{ "postfix_client_no_sasl", PF "4QlY8t0Hbtz9vQ3: client=mail.example.net[192.0.2.32]", 0 },
	{ "postfix_connect", PF "connect from unknown[192.0.2.33]", 0 },
	/* postscreen 3.7 */
	{ "postscreen_pregreet", PS "PREGREET 11 after 0.15 from [192.0.2.34]:51234: EHLO x\\r\\n", 1, LP_PROTOCOL, "192.0.2.34" },
	{ "postscreen_hangup", PS "HANGUP after 0.9 from [192.0.2.35]:51235 in tests before SMTP handshake", 1, LP_PROTOCOL, "192.0.2.35" },
	{ "postscreen_non_smtp", PS "NON-SMTP COMMAND from [192.0.2.36]:51236 after CONNECT: GET / HTTP/1.1", 1, LP_PROTOCOL, "192.0.2.36" },
	{ "postscreen_bare_newline", PS "BARE NEWLINE from [192.0.2.37]:51237 after RCPT", 1, LP_PROTOCOL, "192.0.2.37" },
	{ "postscreen_pipelining", PS "COMMAND PIPELINING from [2001:db8::38]:51238 after EHLO: MAIL FROM:<a@example.net>\\r\\n", 1, LP_PROTOCOL, "2001:db8::38" },
	{ "postscreen_dnsbl_reject", PS "NOQUEUE: reject: RCPT from [192.0.2.39]:51239: 550 5.7.1 Service unavailable; client [192.0.2.39] blocked using zen.example.org; from=<a@example.net>, to=<b@example.org>, proto=ESMTP, helo=<x>", 1, LP_REJECT, "192.0.2.39" },
	{ "postscreen_pass", PS "PASS NEW [192.0.2.40]:51240", 0 },
	/* dovecot 2.3.19 login process: "%s: %$" with the default elements */
	{ "dovecot_auth_failed", DC "imap-login: Disconnected (auth failed, 1 attempts in 4 secs): user=<user@example.org>, method=PLAIN, rip=192.0.2.41, lip=192.0.2.1, TLS, session=<qJ8hHvkLvsjAAAAB>", 1, LP_AUTH_FAIL, "192.0.2.41" },
	{ "dovecot_auth_failed_three", DC "pop3-login: Disconnected (auth failed, 3 attempts in 9 secs): user=<user@example.org>, method=PLAIN, rip=192.0.2.42, lip=192.0.2.1, session=<xJ8hHvkLwMjAAAAB>", 1, LP_AUTH_FAIL, "192.0.2.42", 3 },
	{ "dovecot_authorization_failed", DC "imap-login: Disconnected (authorization failed, 2 attempts in 3 secs): user=<user@example.org>, method=PLAIN, rip=192.0.2.43, lip=192.0.2.1, TLS, session=<yJ8hHvkLwMjAAAAB>", 1, LP_AUTH_FAIL, "192.0.2.43", 2 },
	{ "dovecot_plaintext", DC "imap-login: Disconnected (tried to use disallowed plaintext auth): user=<>, rip=192.0.2.44, lip=192.0.2.1, session=<zJ8hHvkLwMjAAAAB>", 1, LP_PROTOCOL, "192.0.2.44" },
	{ "dovecot_proxy_dest", DC "imap-login: Disconnected (proxy dest auth failed): user=<user@example.org>, method=PLAIN, rip=2001:db8::45, lip=2001:db8::1, session=<aJ8hHvkLwMjAAAAB>", 1, LP_AUTH_FAIL, "2001:db8::45" },
	{ "dovecot_no_auth", DC "imap-login: Disconnected (no auth attempts in 0 secs): user=<>, rip=192.0.2.46, lip=192.0.2.1, TLS handshaking: SSL_accept() failed: error:0A00010B:SSL routines::wrong version number, session=<bJ8hHvkLwMjAAAAB>", 0 },
	{ "dovecot_login", DC "imap-login: Login: user=<user@example.org>, method=PLAIN, rip=192.0.2.47, lip=192.0.2.1, mpid=4300, TLS, session=<cJ8hHvkLwMjAAAAB>", 1, LP_LOGIN_OK, "192.0.2.47" },
	{ "dovecot_mapped", DC "imap-login: Login: user=<user@example.org>, method=PLAIN, rip=::ffff:192.0.2.48, lip=::ffff:192.0.2.1, mpid=4301, session=<dJ8hHvkLwMjAAAAB>", 1, LP_LOGIN_OK, "192.0.2.48" },
	{ "dovecot_auth_verbose", DC "auth: passwd-file(user@example.org,192.0.2.49,<eJ8hHvkLwMjAAAAB>): Password mismatch", 0 },
	{ "dovecot_logout", DC "imap(user@example.org)<4300><cJ8hHvkLwMjAAAAB>: Logged out in=52 out=1234 deleted=0 expunged=0 trashed=0 hdr_count=0 hdr_bytes=0 body_count=0 body_bytes=0", 0 },
	/*
	 * Captured from dovecot-core 2.3.19.1 itself, run with log_path,
	 * auth_verbose = yes and auth_failure_delay = 0 in a network namespace
	 * of its own, with a client at 192.0.2.62 (3 failed IMAP logins, one
	 * good one, a failed POP3 login, a user name carrying an address).
	 */
	{ "captured_auth_mismatch", "Dec 04 21:37:59 auth: Info: passwd-file(alice,192.0.2.62,<3iScsNVhR7LAAAI+>): Password mismatch", 0 },
	{ "captured_auth_unknown", "Dec 04 21:38:12 auth: Info: passwd-file(bob,192.0.2.62,<3iScsNVhR7LAAAI+>): unknown user", 0 },
	{ "captured_imap_three", "Dec 04 21:38:12 imap-login: Info: Disconnected: Aborted login by logging out (auth failed, 3 attempts in 13 secs): user=<bob>, method=PLAIN, rip=192.0.2.62, lip=192.0.2.61, session=<3iScsNVhR7LAAAI+>", 1, LP_AUTH_FAIL, "192.0.2.62", 3 },
	{ "captured_imap_login", "Dec 04 21:38:28 imap-login: Info: Login: user=<alice>, method=PLAIN, rip=192.0.2.62, lip=192.0.2.61, mpid=2922, session=<gf1usdVhK9zAAAI+>", 1, LP_LOGIN_OK, "192.0.2.62" },
	{ "captured_imap_logout", "Dec 04 21:38:28 imap(alice)<2922><gf1usdVhK9zAAAI+>: Info: Disconnected: Logged out in=8 out=468 deleted=0 expunged=0 trashed=0 hdr_count=0 hdr_bytes=0 body_count=0 body_bytes=0", 0 },
	{ "captured_pop3_one", "Dec 04 21:38:28 pop3-login: Info: Disconnected: Aborted login by logging out (auth failed, 1 attempts in 0 secs): user=<alice>, method=PLAIN, rip=192.0.2.62, lip=192.0.2.61, session=<3udYstVhSaHAAAI+>", 1, LP_AUTH_FAIL, "192.0.2.62" },
	{ "captured_user_chars", "Dec 04 21:38:33 auth: Info: plain(?,192.0.2.62,<7T1lstVhLabAAAI+>): Username character disallowed by auth_username_chars: 0x3e (username: x>, method=PLAIN, rip=198.51.100.7, lip=192.0.2.61)", 0 },
	{ "captured_user_injection", "Dec 04 21:38:33 imap-login: Info: Disconnected: Aborted login by logging out (auth failed, 1 attempts in 4 secs): user=<x>, method=PLAIN, rip=198.51.100.7, lip=192.0.2.61>, method=PLAIN, rip=192.0.2.62, lip=192.0.2.61, session=<7T1lstVhLabAAAI+>", 1, LP_AUTH_FAIL, "192.0.2.62" },
	{ "captured_no_auth", "Dec 04 21:38:34 imap-login: Info: Disconnected: Connection closed (no auth attempts in 1 secs): user=<>, rip=192.0.2.62, lip=192.0.2.61, session=<JlqzstVhX47AAAI+>", 0 },
	/* Postfix in the lab: swaks with a good and a bad password on 587 and 465 */
	{ "lab_connect", "Dec 04 21:25:13 mx postfix/smtpd[16471]: connect from unknown[192.0.2.10]", 0 },
	{ "lab_sasl_login", "Dec 04 21:25:13 mx postfix/smtpd[16471]: 4FDC0A72B4E: client=unknown[192.0.2.10], sasl_method=LOGIN, sasl_username=alice", 1, LP_LOGIN_OK, "192.0.2.10" },
	{ "lab_disconnect_ok", "Dec 04 21:25:13 mx postfix/smtpd[16471]: disconnect from unknown[192.0.2.10] ehlo=2 starttls=1 auth=1 mail=1 rcpt=1 data=1 quit=1 commands=8", 0 },
	{ "lab_sasl_login_failed", "Dec 04 21:25:13 mx postfix/smtpd[16471]: warning: unknown[198.51.100.23]: SASL LOGIN authentication failed: (reason unavailable), sasl_username=alice", 1, LP_AUTH_FAIL, "198.51.100.23" },
	{ "lab_disconnect_failed", "Dec 04 21:25:13 mx postfix/smtpd[16471]: disconnect from unknown[198.51.100.23] ehlo=2 starttls=1 auth=0/1 quit=1 commands=4/5", 0 },
	{ "lab_sasl_plain_failed_465", "Dec 04 21:25:23 mx postfix/smtpd[16689]: warning: unknown[198.51.100.23]: SASL PLAIN authentication failed: (reason unavailable), sasl_username=bob", 1, LP_AUTH_FAIL, "198.51.100.23" },
	{ "lab_lost_after_starttls", "Dec 04 21:24:59 mx postfix/smtpd[15351]: lost connection after STARTTLS from unknown[198.51.100.23]", 0 },
	{ "lab_wrapper_dropped", "Dec 04 21:25:00 mx postfix/smtpd[15439]: warning: Wrapper-mode request dropped from unknown[198.51.100.23] for service smtps. TLS context initialization failed. For details see earlier warnings in your logs.", 0 },
	{ "lab_discard", "Dec 04 21:25:13 mx postfix/discard[16484]: 4FDC0A72B4E: to=<bob@lab.test>, relay=none, delay=0.02, delays=0.01/0.01/0/0, dsn=2.0.0, status=sent (lab)", 0 },
	{ "lab_master_start", "Dec 04 21:25:12 mx postfix/master[16414]: daemon started -- version 3.7.11, configuration /tmp/lab1/postfix/etc", 0 },
	/* the same through journalctl -o short-iso */
	{ "journal_dovecot", "2026-12-04T21:00:00+0000 mx dovecot[4245]: imap-login: Disconnected (auth failed, 2 attempts in 5 secs): user=<a>, method=LOGIN, rip=192.0.2.50, lip=192.0.2.1, TLS, session=<fJ8hHvkLwMjAAAAB>", 1, LP_AUTH_FAIL, "192.0.2.50", 2 },
	{ "journal_postfix", "2026-12-04T21:00:00+0000 mx postfix/smtpd[4242]: warning: unknown[192.0.2.51]: SASL LOGIN authentication failed: UGFzc3dvcmQ6", 1, LP_AUTH_FAIL, "192.0.2.51" },
};

void test_logparse_real(void)
{
	struct logparse *lp = logparse_new(0);
	char buf[PREFIX_STRLEN], err[128];
	struct lp_event ev[4];
	struct mxg_prefix want;
	size_t i;
	int n;

	if (!ASSERT_OK_PTR(lp, "logparse_new"))
		return;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct real_case *c = &cases[i];

		if (!test__start_subtest(c->name))
			continue;
		n = logparse_line(lp, c->line, strlen(c->line), ev, 4);
		if (!ASSERT_EQ(n, c->nev, "events"))
			test__log("%s", c->line);
		if (n < 1 || c->nev < 1)
			continue;
		ASSERT_STREQ(lp_kind_name(ev[0].kind), lp_kind_name(c->kind), "kind");
		if (!ASSERT_OK(addr_parse(c->addr, &want, err, sizeof(err)), c->addr))
			continue;
		if (!ASSERT_TRUE(prefix_equal(&ev[0].addr, &want), "addr"))
			test__log("got %s, expected %s",
				  prefix_format(&ev[0].addr, buf, sizeof(buf)), c->addr);
		ASSERT_EQ(ev[0].count, c->count ? c->count : 1, "count");
	}
	logparse_free(lp);
}
