// SPDX-License-Identifier: GPL-2.0-only
/*
 * lp_haraka.c - events in Haraka's log, through syslog (tag "haraka") or
 * its own output, written after Haraka's documented log format:
 *
 *   [NOTICE] [UUID] [core] connect ip=192.0.2.1 port=4711 local_ip=...
 *   [INFO] [UUID] [auth/flat_file] AUTH user="NAME" success=false method=PLAIN
 *   [INFO] [UUID.1] [core] hook=rcpt plugin=P function=F params=<x> retval=DENY msg="..."
 *   [NOTICE] [UUID] [core] disconnect ip=192.0.2.1 rdns=... helo=...
 *
 * The connect line maps the connection UUID to the client address (also
 * written remote_ip=); later lines name the UUID, with ".N" for the
 * transaction, which the session table maps back. The user name, params
 * and msg are the client's text: success= must be the last field but a
 * method, and a line with more than one " retval=" gives no event.
 */
#include "lp_internal.h"

/* field - "[text] " at c; the text in f. */
static int field(struct lp_cur *c, struct lp_cur *f)
{
	struct lp_cur t = *c;

	if (!cur_char(&t, '['))
		return 0;
	f->p = t.p;
	cur_span_until(&t, "] ");
	f->end = t.p;
	if (!LIT(&t, "] "))
		return 0;
	*c = t;
	return 1;
}

static void connect_line(struct lp_ctx *x, struct lp_cur c, struct lp_cur uuid)
{
	struct lp_session *s;
	struct mxg_prefix a;

	if (!LIT(&c, "ip=") && !LIT(&c, "remote_ip="))
		return;
	if (cur_addr(x, &c, &a) || (!cur_eof(&c) && *c.p != ' '))
		return;
	s = lp_session_put(x, uuid.p, (size_t)(uuid.end - uuid.p));
	s->addr = a;
}

static void auth_line(struct lp_ctx *x, struct lp_cur c, struct lp_session *s)
{
	const char *hit = RFIND(c.p, c.end, "\" success=");

	if (!hit)
		return;
	c.p = hit + 10;
	if (LIT(&c, "false")) {
		if (cur_eof(&c) || LIT(&c, " method="))
			lp_emit(x, LP_AUTH_FAIL, &s->addr, 1);
	} else if (LIT(&c, "true")) {
		if (cur_eof(&c) || LIT(&c, " method="))
			lp_emit(x, LP_LOGIN_OK, &s->addr, 1);
	}
}

static void hook_line(struct lp_ctx *x, struct lp_cur c, struct lp_session *s)
{
	const char *hit;

	if (COUNT2(c.p, c.end, " retval=") != 1) {
		lp_ambiguous(x);
		return;
	}
	hit = FIND(c.p, c.end, " retval=");
	c.p = hit + 8;
	if (LIT(&c, "DENYDISCONNECT ") || LIT(&c, "DENY ") ||
	    LIT(&c, "DISCONNECT "))
		lp_emit(x, LP_REJECT, &s->addr, 1);
}

void lp_haraka(struct lp_ctx *x, const char *msg, const char *end)
{
	struct lp_cur c = { msg, end }, level, uuid, plugin, t;
	struct lp_session *s;
	const char *dot;

	if (!field(&c, &level) || !field(&c, &uuid) || !field(&c, &plugin))
		return;
	dot = memchr(uuid.p, '.', (size_t)(uuid.end - uuid.p));
	if (dot)
		uuid.end = dot;
	if (uuid.end - uuid.p < 8)
		return;

	t = plugin;
	if (LIT(&t, "core") && cur_eof(&t) && LIT(&c, "connect ")) {
		connect_line(x, c, uuid);
		return;
	}
	s = lp_session_get(x, uuid.p, (size_t)(uuid.end - uuid.p));
	if (!s)
		return;
	t = plugin;
	if (LIT(&t, "core") && cur_eof(&t)) {
		if (LIT(&c, "disconnect "))
			lp_session_del(x, s);
		else if (LIT(&c, "hook="))
			hook_line(x, c, s);
		return;
	}
	if (LIT(&c, "AUTH user=\""))
		auth_line(x, c, s);
}
