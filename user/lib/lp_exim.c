// SPDX-License-Identifier: GPL-2.0-only
/*
 * lp_exim.c - events in Exim's main log, written by Exim itself
 * ("YYYY-MM-DD hh:mm:ss [pid] msgid text") or through syslog or journald
 * ("exim[pid]: YYYY-MM-DD hh:mm:ss text").
 *
 * The client is Exim's host field: "[H=][name ][(helo) ][addr][:port]",
 * parsed left to right; the local "I=[addr]:port" that may follow is our
 * own listening address and is skipped. The host name and the HELO in
 * parentheses must be a plain name (letters, digits, '.', '-', '_') or,
 * for the HELO, an address literal; Exim rejects any other HELO unless
 * helo_accept_junk_hosts allows it, and such a line gives no event. A
 * second ") [" after the host field means the first one came from such a
 * HELO, so that line gives no event either.
 *
 * Where client text comes before the host field, the grammar says which
 * occurrence is Exim's: in 'SMTP protocol error in "CMD" H=...' only the
 * command is the client's and everything after the last '" H=' is Exim's;
 * in 'rejected "CMD" H=... next input="..."' text on both sides is the
 * client's, so a line with more than one '" H=' gives no event.
 *
 * Counted: failed authenticators (535), every permanent reject of an
 * SMTP command or of a message (rejected RCPT/MAIL/HELO/EHLO/VRFY,
 * rejected after DATA, rejected by local_scan(), sender verify fail,
 * dropped by an ACL, closed by DROP in ACL), synchronization and protocol
 * errors, "too many ... commands" and "no MAIL in SMTP connection".
 * Deliberately not counted: "temporarily rejected" (greylisting, our own
 * temporary faults); "no host name found" and "no IP address found"
 * (DNS facts, fail2ban's aggressive mode); SpamAssassin's "SA: Action"
 * verdicts, whose sender address comes before the host field.
 */
#include "lp_internal.h"

/* skip_inner_ts - Exim's own "YYYY-MM-DD hh:mm:ss[.fff][ +zzzz] " */
static void skip_inner_ts(struct lp_cur *c)
{
	struct lp_cur t = *c;

	if (cur_digits(&t) != 4 || !cur_char(&t, '-') || cur_digits(&t) != 2 ||
	    !cur_char(&t, '-') || cur_digits(&t) != 2 || !cur_char(&t, ' ') ||
	    cur_digits(&t) != 2 || !cur_char(&t, ':') || cur_digits(&t) != 2 ||
	    !cur_char(&t, ':') || cur_digits(&t) != 2)
		return;
	if (cur_char(&t, '.'))
		cur_digits(&t);
	if (!cur_char(&t, ' '))
		return;
	*c = t;
	t = *c;
	if ((cur_char(&t, '+') || cur_char(&t, '-')) && cur_digits(&t) == 4 &&
	    cur_char(&t, ' '))
		*c = t;
}

/* skip_msgid - "1ahr79-0006jK-G9 " (old) or "1rnJ7g-00000000Vqx-2zMA " */
static void skip_msgid(struct lp_cur *c)
{
	struct lp_cur t = *c;
	const char *s = t.p;
	int dashes = 0;

	while (!cur_eof(&t) && (lp_isxdigit(*t.p) || *t.p == '-' ||
				(*t.p >= 'g' && *t.p <= 'z') ||
				(*t.p >= 'G' && *t.p <= 'Z'))) {
		dashes += *t.p == '-';
		t.p++;
	}
	if (dashes == 2 && t.p - s >= 16 && t.p - s <= 23 && cur_char(&t, ' '))
		*c = t;
}

/* name - a host name: letters, digits, '.', '-' and '_' only. */
static size_t name(struct lp_cur *c)
{
	const char *s = c->p;

	while (!cur_eof(c) && ((*c->p >= 'a' && *c->p <= 'z') ||
			       (*c->p >= 'A' && *c->p <= 'Z') ||
			       lp_isdigit(*c->p) || *c->p == '.' ||
			       *c->p == '-' || *c->p == '_'))
		c->p++;
	return (size_t)(c->p - s);
}

/*
 * host - "[name ][(helo) ][addr][:port]". The HELO is a name or an
 * address literal "[...]"; anything else (Exim accepts junk HELO only
 * with helo_accept_junk_hosts) gives no event.
 */
static int host(struct lp_ctx *x, struct lp_cur *c, struct mxg_prefix *a)
{
	struct lp_cur t = *c;

	if (cur_eof(&t))
		return -1;
	if (*t.p != '[' && *t.p != '(') {
		if (!name(&t) || !cur_char(&t, ' '))
			return -1;
	}
	if (cur_char(&t, '(')) {
		if (cur_char(&t, '[')) {
			while (!cur_eof(&t) && (lp_isxdigit(*t.p) || *t.p == '.' ||
						*t.p == ':' || *t.p == 'I' ||
						*t.p == 'P' || *t.p == 'v'))
				t.p++;
			if (!cur_char(&t, ']'))
				return -1;
		} else {
			name(&t);
		}
		if (!cur_char(&t, ')') || !cur_char(&t, ' '))
			return -1;
		/* a second "(helo) [" later: the first came from a junk HELO */
		if (FIND(t.p, t.end, ") [")) {
			lp_ambiguous(x);
			return -1;
		}
	}
	if (cur_bracket_addr(x, &t, a))
		return -1;
	cur_port(&t);
	*c = t;
	return 0;
}

/* skip_local - " I=[addr]:port" (our own address) and " Ci=pid" */
static void skip_local(struct lp_cur *c)
{
	struct lp_cur t = *c;

	if (LIT(&t, " I=[") && cur_span_until(&t, "] ") && cur_char(&t, ']')) {
		cur_port(&t);
		*c = t;
	}
	t = *c;
	if (LIT(&t, " Ci=") && cur_digits(&t))
		*c = t;
}

/* rejected - the kind of an "H=..." or "F=... H=..." line after the host */
static int rejected(const char *p, const char *end)
{
	static const char *const phrases[] = {
		" rejected RCPT ", " rejected MAIL ", " rejected EHLO",
		" rejected HELO", " rejected VRFY", " rejected after DATA",
		" rejected by local_scan()", " sender verify fail for ",
		" dropped by '", " rejected connection in ",
	};
	size_t i;

	if (FIND(p, end, " temporarily rejected"))
		return 0;
	for (i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++)
		if (lp_find(p, end, phrases[i], strlen(phrases[i])))
			return 1;
	return 0;
}

/* sender_first - "F=<addr> H=..." with a sender of no blank or quote */
static int sender_first(struct lp_cur *c)
{
	if (!LIT(c, "F="))
		return 0;
	cur_span_until(c, " \"");
	return LIT(c, " H=");
}

static void sync_error(struct lp_ctx *x, struct lp_cur c)
{
	struct mxg_prefix a;
	const char *hit = FIND(c.p, c.end, "): rejected ");

	if (!hit)
		return;
	c.p = hit + 12;
	if (LIT(&c, "connection from H=")) {
		if (!host(x, &c, &a))
			lp_emit(x, LP_PROTOCOL, &a, 1);
		return;
	}
	if (!cur_char(&c, '"'))
		return;
	if (COUNT2(c.p, c.end, "\" H=") != 1) {
		lp_ambiguous(x);
		return;
	}
	c.p = FIND(c.p, c.end, "\" H=") + 4;
	if (!host(x, &c, &a))
		lp_emit(x, LP_PROTOCOL, &a, 1);
}

static void protocol_error(struct lp_ctx *x, struct lp_cur c)
{
	const char *hit = RFIND(c.p, c.end, "\" H=");
	struct mxg_prefix a;

	if (!hit)
		return;
	c.p = hit + 4;
	if (host(x, &c, &a))
		return;
	skip_local(&c);
	if (cur_char(&c, ' ') && !cur_eof(&c))
		lp_emit(x, LP_PROTOCOL, &a, 1);
}

void lp_exim(struct lp_ctx *x, const char *msg, const char *end)
{
	struct lp_cur c = { msg, end }, t;
	struct mxg_prefix a;

	skip_inner_ts(&c);
	t = c;
	if (cur_char(&t, '[') && cur_digits(&t) && LIT(&t, "] "))
		c = t;
	skip_msgid(&c);

	if (LIT(&c, "H=") || sender_first(&c)) {
		if (!host(x, &c, &a) && rejected(c.p, c.end))
			lp_emit(x, LP_REJECT, &a, 1);
		return;
	}
	if (LIT(&c, "SMTP protocol error in \"")) {
		protocol_error(x, c);
		return;
	}
	if (LIT(&c, "SMTP protocol synchronization error (")) {
		sync_error(x, c);
		return;
	}
	if (LIT(&c, "SMTP call from ")) {
		if (host(x, &c, &a))
			return;
		skip_local(&c);
		if (LIT(&c, " dropped: too many "))
			lp_emit(x, LP_PROTOCOL, &a, 1);
		return;
	}
	if (LIT(&c, "no MAIL in SMTP connection from ")) {
		if (host(x, &c, &a))
			return;
		skip_local(&c);
		if (LIT(&c, " D="))
			lp_emit(x, LP_PROTOCOL, &a, 1);
		return;
	}
	if (LIT(&c, "SMTP connection from ")) {
		if (host(x, &c, &a))
			return;
		skip_local(&c);
		if (LIT(&c, " closed by DROP in ACL"))
			lp_emit(x, LP_REJECT, &a, 1);
		return;
	}

	/* "NAME authenticator failed for HOST: 535 ..." */
	t = c;
	if (cur_span_until(&t, " ") && LIT(&t, " authenticator failed for ") &&
	    !host(x, &t, &a)) {
		skip_local(&t);
		if (LIT(&t, ": 535 "))
			lp_emit(x, LP_AUTH_FAIL, &a, 1);
	}
}
