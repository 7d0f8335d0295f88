// SPDX-License-Identifier: GPL-2.0-only
/*
 * lp_courier.c - events in the logs of Courier's IMAP and POP3 servers
 * (imapd, imapd-ssl, pop3d, pop3d-ssl, courierpop3login, ...) and of
 * courieresmtpd.
 *
 *   LOGIN FAILED, user=NAME, ip=[::ffff:192.0.2.1][, port=[N]]
 *   LOGIN, user=NAME, ip=[::ffff:192.0.2.1], port=[N], protocol=IMAP
 *   error,relay=::ffff:192.0.2.1[,port=N],msg="535 Authentication failed.",cmd: ...
 *   error,relay=::ffff:192.0.2.1,from=<a>,to=<b>: 550 User unknown.
 *
 * In the IMAP/POP3 lines the user name (the client's text, with ',' and
 * '[' allowed) comes before ip=, and only Courier's port= and protocol=
 * follow it: the address is the last ", ip=[" whose rest of the line
 * parses. In courieresmtpd's lines relay= comes first.
 */
#include "lp_internal.h"

static void login(struct lp_ctx *x, struct lp_cur c, enum lp_kind kind)
{
	const char *hit = RFIND(c.p, c.end, ", ip=[");
	struct mxg_prefix a;

	if (!hit)
		return;
	c.p = hit + 5;
	if (cur_bracket_addr(x, &c, &a))
		return;
	if (LIT(&c, ", port=[")) {
		if (!cur_digits(&c) || !cur_char(&c, ']'))
			return;
	}
	if (LIT(&c, ", protocol="))
		cur_span_until(&c, " ,");
	if (cur_eof(&c))
		lp_emit(x, kind, &a, 1);
}

static void esmtpd(struct lp_ctx *x, struct lp_cur c)
{
	struct mxg_prefix a;
	const char *hit;

	if (cur_addr(x, &c, &a) || (!cur_eof(&c) && *c.p != ','))
		return;
	if (FIND(c.p, c.end, ",msg=\"535 ")) {
		lp_emit(x, LP_AUTH_FAIL, &a, 1);
		return;
	}
	/* "...: 550 User unknown." : the reply after the last ": " */
	hit = RFIND(c.p, c.end, ": 5");
	if (hit && hit + 5 <= c.end && lp_isdigit(hit[3]) && lp_isdigit(hit[4]))
		lp_emit(x, LP_REJECT, &a, 1);
}

void lp_courier(struct lp_ctx *x, const char *msg, const char *end)
{
	struct lp_cur c = { msg, end };

	if (LIT(&c, "LOGIN FAILED, "))
		login(x, c, LP_AUTH_FAIL);
	else if (LIT(&c, "LOGIN, "))
		login(x, c, LP_LOGIN_OK);
	else if (LIT(&c, "error,relay="))
		esmtpd(x, c);
}
