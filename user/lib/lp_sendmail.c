// SPDX-License-Identifier: GPL-2.0-only
/*
 * lp_sendmail.c - events in Sendmail's log (sm-mta, sendmail,
 * sm-acceptingconnections), after the optional queue id.
 *
 * The client is Sendmail's "relay=[name ][addr]" field or the
 * "[name ][addr]:" that starts a message; "[IPv6:...]" is read as IPv6.
 * Sendmail writes client text before relay= (user= of AUTH failures,
 * arg1= of rulesets, from= of envelopes), so:
 *   - "AUTH failure" ends with relay= and at most " (may be forged)":
 *     the last ", relay=" is Sendmail's when the rest of the line parses;
 *   - ruleset and from= lines have client text after relay= as well, so a
 *     line with more than one ", relay=" gives no event.
 *
 * Counted: AUTH failures; ruleset rejects (5xx, and 4xx with DSN 4.7.x or
 * 4.1.8; connection rate and concurrency limits count as protocol abuse);
 * refused EXPN/VRFY; "possible SMTP attack" and pre-greeting traffic as
 * protocol abuse; "User unknown" and "No such user here", tied to the
 * client by the queue id of the later from= line (a different queue id
 * gives nothing). Deliberately not counted: "did not issue MAIL/EXPN/
 * VRFY/ETRN" and "lost input channel" (monitoring probes and cut TCP
 * sessions do the same; fail2ban counts them in its extra and aggressive
 * modes).
 */
#include "lp_internal.h"

/* relay - "[name ][addr]" followed by the end, " (may be forged)" or ", " */
static int relay(struct lp_ctx *x, struct lp_cur *c, struct mxg_prefix *a)
{
	struct lp_cur t = *c;

	if (cur_eof(&t))
		return -1;
	if (*t.p != '[') {
		if (!cur_span_until(&t, " []") || !cur_char(&t, ' '))
			return -1;
	}
	if (cur_bracket_addr(x, &t, a))
		return -1;
	LIT(&t, " (may be forged)");
	*c = t;
	return 0;
}

/* counts_as_reject - "reject=CODE DSN": 5xx, or 4xx with 4.7.x or 4.1.8 */
static int counts_as_reject(struct lp_cur c)
{
	const char *code = c.p;

	if (cur_digits(&c) != 3 || !cur_char(&c, ' '))
		return 0;
	if (code[0] == '5')
		return 1;
	return code[0] == '4' && (LIT(&c, "4.7.") || LIT(&c, "4.1.8 "));
}

static void ruleset(struct lp_ctx *x, struct lp_cur c)
{
	struct mxg_prefix a;
	const char *hit;

	if (COUNT2(c.p, c.end, ", relay=") != 1) {
		lp_ambiguous(x);
		return;
	}
	hit = FIND(c.p, c.end, ", relay=");
	c.p = hit + 8;
	if (relay(x, &c, &a) || !LIT(&c, ", reject="))
		return;
	if (FIND(c.p, c.end, " Connection rate limit exceeded") ||
	    FIND(c.p, c.end, " Too many open connections")) {
		lp_emit(x, LP_PROTOCOL, &a, 1);
		return;
	}
	if (counts_as_reject(c))
		lp_emit(x, LP_REJECT, &a, 1);
}

static void auth_failure(struct lp_ctx *x, struct lp_cur c)
{
	const char *hit = RFIND(c.p, c.end, ", relay=");
	struct mxg_prefix a;

	if (!hit)
		hit = RFIND(c.p, c.end, ": relay=");
	if (!hit)
		return;
	c.p = hit + 8;
	if (!relay(x, &c, &a) && cur_eof(&c))
		lp_emit(x, LP_AUTH_FAIL, &a, 1);
}

/* envelope - "from=<...>, ..., relay=..." of a queue id that was refused */
static void envelope(struct lp_ctx *x, struct lp_cur c, const char *qid,
		     size_t qlen)
{
	struct lp_session *s = lp_session_get(x, qid, qlen);
	struct mxg_prefix a;
	const char *hit;

	if (!s || !s->flag)
		return;
	if (COUNT2(c.p, c.end, ", relay=") != 1) {
		lp_ambiguous(x);
		return;
	}
	hit = FIND(c.p, c.end, ", relay=");
	c.p = hit + 8;
	if (relay(x, &c, &a) || (!cur_eof(&c) && !LIT(&c, ", ")))
		return;
	lp_session_del(x, s);
	lp_emit(x, LP_REJECT, &a, 1);
}

/* client_first - "[name ][addr][ (may be forged)]: " at the start */
static int client_first(struct lp_ctx *x, struct lp_cur *c, struct mxg_prefix *a)
{
	struct lp_cur t = *c;

	if (relay(x, &t, a) || !LIT(&t, ": "))
		return -1;
	*c = t;
	return 0;
}

void lp_sendmail(struct lp_ctx *x, const char *msg, const char *end)
{
	struct lp_cur c = { msg, end }, t;
	const char *qid = NULL;
	size_t qlen = 0;
	struct mxg_prefix a;

	/* queue id: "s1GNXHYB005133: " */
	t = c;
	while (!cur_eof(&t) && (lp_isdigit(*t.p) || (*t.p >= 'A' && *t.p <= 'Z') ||
				(*t.p >= 'a' && *t.p <= 'z')))
		t.p++;
	if (t.p - c.p >= 8 && LIT(&t, ": ")) {
		qid = c.p;
		qlen = (size_t)(t.p - 2 - c.p);
		c = t;
	}

	if (LIT(&c, "ruleset=check_")) {
		ruleset(x, c);
		return;
	}
	if (LIT(&c, "AUTH failure (")) {
		auth_failure(x, c);
		return;
	}
	if (LIT(&c, "AUTH=server, relay=")) {
		if (!relay(x, &c, &a) && LIT(&c, ", authid="))
			lp_emit(x, LP_LOGIN_OK, &a, 1);
		return;
	}
	if (LIT(&c, "rejecting commands from ")) {
		cur_char(&c, ' ');
		if (!relay(x, &c, &a) && LIT(&c, " due to pre-greeting traffic"))
			lp_emit(x, LP_PROTOCOL, &a, 1);
		return;
	}
	if (qid && LIT(&c, "from=")) {
		envelope(x, c, qid, qlen);
		return;
	}
	if (qid && cur_char(&c, '<')) {
		/* "<rcpt>... User unknown": remember the queue id */
		if ((FIND(c.p, c.end, ">... User unknown") ||
		     FIND(c.p, c.end, ">... No such user here"))) {
			struct lp_session *s = lp_session_put(x, qid, qlen);

			s->flag = 1;
		}
		return;
	}
	if (client_first(x, &c, &a))
		return;
	if (LIT(&c, "possible SMTP attack: ")) {
		lp_emit(x, LP_PROTOCOL, &a, 1);
		return;
	}
	/* "EXPN root [rejected]", "vrfy info [rejected]" */
	if ((cur_lit_ci(&c, "EXPN ", 5) || cur_lit_ci(&c, "VRFY ", 5)) &&
	    c.end - c.p >= 11 && !memcmp(c.end - 11, " [rejected]", 11))
		lp_emit(x, LP_REJECT, &a, 1);
}
