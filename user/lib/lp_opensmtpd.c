// SPDX-License-Identifier: GPL-2.0-only
/*
 * lp_opensmtpd.c - events in OpenSMTPD's log (tag "smtpd"), written after
 * its log format of 6.x and later:
 *
 *   SID smtp connected address=192.0.2.1 host=name
 *   SID smtp authentication user=NAME result=permfail
 *   SID smtp failed-command command="RCPT TO:<x>" result="550 ..."
 *   SID smtp bad-input result="500 5.5.1 Invalid command: ..."
 *   SID smtp disconnected reason=quit
 *
 * and the older "SID smtp event=connected address=..." form. Only the
 * connected line names the client; later lines name the session id (SID,
 * 16 hex digits), which the session table maps to the address. The table
 * is bounded (LP_SESSIONS_MAX); a full table evicts the oldest session,
 * counted in sessions_evicted, and a line of an unknown session gives no
 * event.
 *
 * The user name and the command are the client's text and come before
 * result=, so result= is the last one on the line; it only decides the
 * kind, never the address.
 */
#include "lp_internal.h"

/* result - the value after the last " result=", without quotes. */
static int result(struct lp_cur c, struct lp_cur *r)
{
	const char *hit = RFIND(c.p, c.end, " result=");

	if (!hit)
		return -1;
	r->p = hit + 8;
	r->end = c.end;
	cur_char(r, '"');
	return 0;
}

static void connected(struct lp_ctx *x, struct lp_cur c, const char *sid,
		      size_t n)
{
	struct lp_session *s;
	struct mxg_prefix a;
	int bracket;

	if (!LIT(&c, "address="))
		return;
	bracket = cur_char(&c, '[');
	if (cur_addr(x, &c, &a) || (bracket && !cur_char(&c, ']')))
		return;
	if (!cur_eof(&c) && *c.p != ' ')
		return;
	s = lp_session_put(x, sid, n);
	s->addr = a;
}

void lp_opensmtpd(struct lp_ctx *x, const char *msg, const char *end)
{
	struct lp_cur c = { msg, end }, r;
	struct lp_session *s;
	const char *sid = c.p;
	size_t n = 0;

	while (!cur_eof(&c) && lp_isxdigit(*c.p)) {
		c.p++;
		n++;
	}
	if (n < 8 || n > 16 || !LIT(&c, " smtp "))
		return;
	LIT(&c, "event=");

	if (LIT(&c, "connected ")) {
		connected(x, c, sid, n);
		return;
	}
	s = lp_session_get(x, sid, n);
	if (!s)
		return;
	if (LIT(&c, "disconnected") || LIT(&c, "closed")) {
		lp_session_del(x, s);
		return;
	}
	if (LIT(&c, "authentication ")) {
		if (result(c, &r))
			return;
		if (LIT(&r, "permfail") && cur_eof(&r))
			lp_emit(x, LP_AUTH_FAIL, &s->addr, 1);
		else if (LIT(&r, "ok") && cur_eof(&r))
			lp_emit(x, LP_LOGIN_OK, &s->addr, 1);
		return;
	}
	if (LIT(&c, "bad-input ")) {
		lp_emit(x, LP_PROTOCOL, &s->addr, 1);
		return;
	}
	if (LIT(&c, "failed-command ") && !result(c, &r)) {
		const char *code = r.p;

		if (cur_digits(&r) != 3 || code[0] != '5')
			return;
		/* 500-504: syntax and unknown commands */
		if (code[1] == '0' && code[2] <= '4')
			lp_emit(x, LP_PROTOCOL, &s->addr, 1);
		else
			lp_emit(x, LP_REJECT, &s->addr, 1);
	}
}
