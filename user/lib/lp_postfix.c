// SPDX-License-Identifier: GPL-2.0-only
/*
 * lp_postfix.c - events in the logs of Postfix's smtpd and postscreen,
 * under any syslog_name (postfix/smtpd, postfix-out/smtpd,
 * postfix/submission/smtpd, ...).
 *
 * The client is Postfix's "name[addr]" (or "[addr]:port" of postscreen)
 * at the fixed position after a fixed token. Postfix only logs a name
 * that passed its hostname check, so the name holds no blank or bracket.
 *
 * Deliberately not counted, unlike some fail2ban modes:
 *   "lost connection after AUTH" and "disconnect from ... auth=0/1" repeat
 *   the "SASL ... authentication failed" line, which alone is counted;
 *   "lost connection after CONNECT|STARTTLS|DATA" is also what monitoring
 *   probes and cut TCP sessions produce;
 *   "SASL ... authentication failed: Connection lost to authentication
 *   server" is a fault of our own server, and "...: Invalid authentication
 *   mechanism" a client that picked a mechanism not offered;
 *   "hostname X does not resolve to address A" is a DNS fact, not abuse;
 *   4xx rejects other than 4.7.x and 4.1.8 (greylisting, full mailboxes,
 *   our own temporary faults).
 */
#include "lp_internal.h"

/* client - "name[addr]" with an optional ":port"; the name may be empty. */
static int client(struct lp_ctx *x, struct lp_cur *c, struct mxg_prefix *a)
{
	struct lp_cur t = *c;

	cur_span_until(&t, " []");
	if (cur_bracket_addr(x, &t, a))
		return -1;
	cur_port(&t);
	*c = t;
	return 0;
}

/* word_from - "WORD from " (an SMTP command name, CONNECT, END-OF-MESSAGE). */
static int word_from(struct lp_cur *c)
{
	if (!cur_span_until(c, " "))
		return 0;
	return LIT(c, " from ");
}

/* counts_as_reject - 5xx, or 4xx with the DSN 4.7.x (policy) or 4.1.8. */
static int counts_as_reject(struct lp_cur *c)
{
	struct lp_cur t = *c;
	const char *code = t.p;

	if (cur_digits(&t) != 3 || !cur_char(&t, ' '))
		return 0;
	if (code[0] == '5')
		return 1;
	if (code[0] != '4')
		return 0;
	return LIT(&t, "4.7.") || LIT(&t, "4.1.8 ");
}

/* reject - after "reject: ": "CMD from name[addr]: CODE DSN ..." */
static void reject(struct lp_ctx *x, struct lp_cur c)
{
	struct mxg_prefix a;

	if (!word_from(&c) || client(x, &c, &a) || !LIT(&c, ": "))
		return;
	if (counts_as_reject(&c))
		lp_emit(x, LP_REJECT, &a, 1);
}

/* rate_limit - "Connection rate limit exceeded: N from name[addr] for service S" */
static void rate_limit(struct lp_ctx *x, struct lp_cur c)
{
	struct mxg_prefix a;
	const char *s = c.p;

	while (!cur_eof(&c) && ((*c.p >= 'A' && *c.p <= 'Z') ||
				(*c.p >= 'a' && *c.p <= 'z') || *c.p == ' '))
		c.p++;
	if (c.p - s < 15 || memcmp(c.p - 15, " limit exceeded", 15))
		return;
	if (!LIT(&c, ": ") || !cur_digits(&c) || !LIT(&c, " from ") ||
	    client(x, &c, &a) || !LIT(&c, " for service "))
		return;
	lp_emit(x, LP_PROTOCOL, &a, 1);
}

static void warning(struct lp_ctx *x, struct lp_cur c)
{
	struct lp_cur t = c;
	struct mxg_prefix a;

	/* "name[addr]: SASL MECH authentication failed[: reason]" */
	if (!client(x, &t, &a) && LIT(&t, ": SASL ") && cur_span_until(&t, " ") &&
	    LIT(&t, " authentication failed")) {
		if (LIT(&t, ": Connection lost to authentication server") ||
		    LIT(&t, ": Invalid authentication mechanism"))
			return;
		if (cur_eof(&t) || *t.p == ':')
			lp_emit(x, LP_AUTH_FAIL, &a, 1);
		return;
	}
	t = c;
	if (LIT(&t, "non-SMTP command from ")) {
		if (!client(x, &t, &a))
			lp_emit(x, LP_PROTOCOL, &a, 1);
		return;
	}
	rate_limit(x, c);
}

static void smtpd(struct lp_ctx *x, struct lp_cur c)
{
	struct mxg_prefix a;
	struct lp_cur t;

	if (LIT(&c, "warning: ")) {
		warning(x, c);
		return;
	}
	if (LIT(&c, "improper command pipelining after ") ||
	    LIT(&c, "too many errors after ")) {
		if (word_from(&c) && !client(x, &c, &a))
			lp_emit(x, LP_PROTOCOL, &a, 1);
		return;
	}

	/* "QUEUEID: " or "NOQUEUE: " */
	t = c;
	while (!cur_eof(&t) && (lp_isxdigit(*t.p) || (*t.p >= 'A' && *t.p <= 'Z') ||
				(*t.p >= 'a' && *t.p <= 'z')))
		t.p++;
	if (t.p == c.p || !LIT(&t, ": "))
		return;
	if (LIT(&t, "reject: ") || LIT(&t, "milter-reject: ")) {
		reject(x, t);
		return;
	}
	/* a successful SASL login: "client=name[addr], sasl_method=..." */
	if (LIT(&t, "client=") && !client(x, &t, &a) &&
	    LIT(&t, ", sasl_method="))
		lp_emit(x, LP_LOGIN_OK, &a, 1);
}

/* after_from - skip "N after T from " or "after T from " (postscreen). */
static int after_from(struct lp_cur *c, int with_count)
{
	if (with_count && (!cur_digits(c) || !cur_char(c, ' ')))
		return 0;
	if (!LIT(c, "after "))
		return 0;
	while (!cur_eof(c) && (lp_isdigit(*c->p) || *c->p == '.'))
		c->p++;
	return LIT(c, " from ");
}

static void postscreen(struct lp_ctx *x, struct lp_cur c)
{
	struct mxg_prefix a;
	int ok;

	if (LIT(&c, "PREGREET "))
		ok = after_from(&c, 1);
	else if (LIT(&c, "HANGUP "))
		ok = after_from(&c, 0);
	else
		ok = LIT(&c, "COMMAND TIME LIMIT from ") ||
		     LIT(&c, "COMMAND COUNT LIMIT from ") ||
		     LIT(&c, "COMMAND LENGTH LIMIT from ") ||
		     LIT(&c, "COMMAND PIPELINING from ") ||
		     LIT(&c, "NON-SMTP COMMAND from ") ||
		     LIT(&c, "BARE NEWLINE from ");
	if (ok) {
		if (!client(x, &c, &a))
			lp_emit(x, LP_PROTOCOL, &a, 1);
		return;
	}
	if (LIT(&c, "NOQUEUE: reject: "))
		reject(x, c);
}

void lp_postfix(struct lp_ctx *x, const char *msg, const char *end)
{
	struct lp_cur c = { msg, end };
	const char *daemon = x->tag;
	size_t n = x->taglen;
	const char *slash;

	/* the daemon is the last component of the tag */
	while ((slash = memchr(daemon, '/', n))) {
		n -= (size_t)(slash + 1 - daemon);
		daemon = slash + 1;
	}
	if (lp_tag_is(daemon, n, "smtpd"))
		smtpd(x, c);
	else if (lp_tag_is(daemon, n, "postscreen"))
		postscreen(x, c);
}
