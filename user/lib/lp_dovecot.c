// SPDX-License-Identifier: GPL-2.0-only
/*
 * lp_dovecot.c - events in the logs of Dovecot's login processes
 * (imap-login, pop3-login, submission-login, managesieve-login), in the
 * 2.2, 2.3 and 2.4 formats, through syslog or Dovecot's own log_path.
 *
 * A login line reads "REASON: ELEMENTS". REASON is Dovecot's own text
 * ("Disconnected (auth failed, 3 attempts in 12 secs)", 2.4's "Login
 * aborted: ... (auth_failed)"). ELEMENTS are login_log_format_elements,
 * by default "user=<%u>, method=%m, rip=%r, lip=%l, mpid=%e, %c,
 * session=<%{session}>". Dovecot escapes nothing in the user name but
 * control characters, so "user=<x>, rip=198.51.100.7, lip=...>" is a valid
 * user name and no left-anchored grammar can skip it. Everything after
 * the user name is Dovecot's (addresses, pid, TLS state, session id), so
 * the address is the last " rip=" element, and the user name must come
 * before rip in login_log_format_elements, as it does by default.
 *
 * One failed login counts once. The login process writes one summary
 * line per connection, always, with the number of failed attempts; the
 * auth process writes one more line per attempt ("Password mismatch",
 * "unknown user", "pam_authenticate() failed") only with auth_verbose,
 * and Postfix or Exim, when they authenticate through Dovecot SASL, log
 * their own failure line for the same attempt. So only the summary counts, as N occurrences for "auth failed, N attempts" (fail2ban
 * counts such a line once, and every auth process line once more).
 *
 * Not counted, unlike fail2ban's aggressive mode: "no auth attempts",
 * "disconnected before auth was ready", "client didn't finish SASL auth"
 * and "disconnected during TLS handshake": no password was tried.
 */
#include "lp_internal.h"

/* rip - the last " rip=ADDR" element after the reason, ended by ',' or EOL. */
static int rip(struct lp_ctx *x, const char *from, const char *end,
	       struct mxg_prefix *a)
{
	const char *hit = RFIND(from, end, " rip=");
	struct lp_cur c;

	if (!hit || (hit[-1] != ',' && hit[-1] != ':'))
		return -1;
	c.p = hit + 5;
	c.end = end;
	if (cur_addr(x, &c, a))
		return -1;
	return cur_eof(&c) || *c.p == ',' ? 0 : -1;
}

/* elements - the ": " that ends REASON and starts ELEMENTS, or NULL. */
static const char *elements(const char *p, const char *end)
{
	static const char *const first[] = { ": user=<", ": method=", ": rip=" };
	const char *best = NULL, *hit;
	size_t i;

	for (i = 0; i < 3; i++) {
		hit = lp_find(p, best ? best : end, first[i], strlen(first[i]));
		if (hit)
			best = hit;
	}
	return best;
}

static void login_line(struct lp_ctx *x, struct lp_cur c)
{
	struct mxg_prefix a;
	const char *elem, *hit;
	struct lp_cur n;
	unsigned attempts;

	/* the level that Dovecot's own log_path writes */
	(void)(LIT(&c, "Info: ") || LIT(&c, "Warning: ") || LIT(&c, "Error: "));
	if (LIT(&c, "Login: ")) {
		if (!rip(x, c.p - 1, c.end, &a))
			lp_emit(x, LP_LOGIN_OK, &a, 1);
		return;
	}

	/* REASON is Dovecot's text up to the first element */
	elem = elements(c.p, c.end);
	if (!elem || elem == c.p || elem[-1] != ')')
		return;

	/* "(authorization failed, N attempts": a master user login refused */
	hit = FIND(c.p, elem, "(auth failed, ");
	if (hit)
		hit += 14;
	else if ((hit = FIND(c.p, elem, "(authorization failed, ")))
		hit += 23;
	if (hit) {
		n.p = hit;
		n.end = elem;
		if (!cur_uint(&n, &attempts) || !LIT(&n, " attempt"))
			return;
		if (!rip(x, elem, c.end, &a))
			lp_emit(x, LP_AUTH_FAIL, &a, attempts);
		return;
	}
	if (FIND(c.p, elem, "(proxy dest auth failed)")) {
		if (!rip(x, elem, c.end, &a))
			lp_emit(x, LP_AUTH_FAIL, &a, 1);
		return;
	}
	/* plaintext login without TLS where it is not allowed */
	if (FIND(c.p, elem, "(tried to use disabled ") ||
	    FIND(c.p, elem, "(tried to use disallowed ")) {
		if (!rip(x, elem, c.end, &a))
			lp_emit(x, LP_PROTOCOL, &a, 1);
	}
}

void lp_dovecot(struct lp_ctx *x, const char *msg, const char *end)
{
	struct lp_cur c = { msg, end };
	const char *svc = x->tag;
	size_t n = x->taglen;

	/* "dovecot: imap-login: ..." names the service in the message */
	if (lp_tag_is(x->tag, x->taglen, "dovecot")) {
		svc = c.p;
		n = cur_span_until(&c, ": ");
		if (!LIT(&c, ": "))
			return;
	}
	if (n > 6 && !memcmp(svc + n - 6, "-login", 6))
		login_line(x, c);
}
