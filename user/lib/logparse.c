// SPDX-License-Identifier: GPL-2.0-only
/*
 * logparse.c - the log line front end: caps the line, reads the syslog
 * prefix (RFC 3164, RFC 5424, ISO 8601 / RFC 3339, journald short-iso,
 * TAI64N), unwraps "message repeated N times: [ ... ]", and hands the
 * message to the parser of the MTA whose program tag it carries. Also the
 * scanner helpers and the session table that the parsers share.
 *
 * Lines that start with white space are continuation lines (journalctl
 * indents the second and later lines of a multi-line message that way),
 * never records of their own, so they give no event.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "lp_internal.h"

static const char *const format_names[LP_NFORMATS] = {
	[LP_POSTFIX] = "postfix",
	[LP_DOVECOT] = "dovecot",
	[LP_EXIM] = "exim",
	[LP_SENDMAIL] = "sendmail",
	[LP_OPENSMTPD] = "opensmtpd",
	[LP_COURIER] = "courier",
	[LP_HARAKA] = "haraka",
};

const char *lp_format_name(enum lp_format f)
{
	return f >= 0 && f < LP_NFORMATS ? format_names[f] : "?";
}

const char *lp_kind_name(enum lp_kind k)
{
	switch (k) {
	case LP_AUTH_FAIL:
		return "auth_fail";
	case LP_REJECT:
		return "reject";
	case LP_PROTOCOL:
		return "protocol";
	case LP_LOGIN_OK:
		return "login_ok";
	}
	return "?";
}

int logparse_format_parse(const char *name, unsigned *mask)
{
	const char *p = name;
	unsigned m = 0;

	if (!strcmp(name, "all")) {
		*mask = LP_FORMATS_ALL;
		return 0;
	}
	while (*p) {
		size_t n = strcspn(p, ",");
		int f;

		for (f = 0; f < LP_NFORMATS; f++)
			if (strlen(format_names[f]) == n &&
			    !strncmp(p, format_names[f], n))
				break;
		if (f == LP_NFORMATS)
			return -EINVAL;
		m |= LP_FORMAT_BIT(f);
		p += n;
		if (*p == ',')
			p++;
	}
	if (!m)
		return -EINVAL;
	*mask = m;
	return 0;
}

/* --- scanner helpers ------------------------------------------------------ */

size_t cur_digits(struct lp_cur *c)
{
	const char *s = c->p;

	while (c->p < c->end && lp_isdigit(*c->p))
		c->p++;
	return (size_t)(c->p - s);
}

int cur_uint(struct lp_cur *c, unsigned *v)
{
	unsigned long long x = 0;
	int any = 0;

	while (c->p < c->end && lp_isdigit(*c->p)) {
		if (x < 1000000000ULL)
			x = x * 10 + (unsigned)(*c->p - '0');
		c->p++;
		any = 1;
	}
	*v = x > 1000000000ULL ? 1000000000U : (unsigned)x;
	return any;
}

size_t cur_span_until(struct lp_cur *c, const char *stop)
{
	const char *s = c->p;

	while (c->p < c->end && !strchr(stop, *c->p))
		c->p++;
	return (size_t)(c->p - s);
}

int cur_lit_ci(struct lp_cur *c, const char *s, size_t n)
{
	size_t i;

	if (cur_left(c) < n)
		return 0;
	for (i = 0; i < n; i++) {
		char a = c->p[i], b = s[i];

		if (a >= 'A' && a <= 'Z')
			a += 'a' - 'A';
		if (b >= 'A' && b <= 'Z')
			b += 'a' - 'A';
		if (a != b)
			return 0;
	}
	c->p += n;
	return 1;
}

const char *lp_find(const char *p, const char *end, const char *needle,
		    size_t n)
{
	if (p >= end)
		return NULL;
	return memmem(p, (size_t)(end - p), needle, n);
}

const char *lp_rfind(const char *p, const char *end, const char *needle,
		     size_t n)
{
	const char *last = NULL, *hit;

	/* each search starts past the previous hit: linear in total */
	while ((hit = lp_find(p, end, needle, n))) {
		last = hit;
		p = hit + 1;
	}
	return last;
}

int lp_count2(const char *p, const char *end, const char *needle, size_t n)
{
	const char *hit = lp_find(p, end, needle, n);

	if (!hit)
		return 0;
	return lp_find(hit + 1, end, needle, n) ? 2 : 1;
}

static int is_addr_char(char ch)
{
	return lp_isxdigit(ch) || ch == '.' || ch == ':';
}

int cur_addr(struct lp_ctx *x, struct lp_cur *c, struct mxg_prefix *a)
{
	struct lp_cur t = *c;
	const char *s;

	if (!LIT(&t, "IPv6:"))
		LIT(&t, "ipv6:");
	s = t.p;
	while (t.p < t.end && is_addr_char(*t.p) && t.p - s < 46)
		t.p++;
	if (t.p == s || addr_parse_n(s, (size_t)(t.p - s), a)) {
		x->lp->st.bad_addr++;
		return -1;
	}
	*c = t;
	return 0;
}

int cur_bracket_addr(struct lp_ctx *x, struct lp_cur *c, struct mxg_prefix *a)
{
	struct lp_cur t = *c;

	if (!cur_char(&t, '[') || cur_addr(x, &t, a) || !cur_char(&t, ']'))
		return -1;
	*c = t;
	return 0;
}

void cur_port(struct lp_cur *c)
{
	struct lp_cur t = *c;

	if ((cur_char(&t, ':') || cur_char(&t, '.')) && cur_digits(&t))
		*c = t;
}

void lp_emit(struct lp_ctx *x, enum lp_kind k, const struct mxg_prefix *a,
	     unsigned count)
{
	struct lp_event *e;

	if (x->n >= x->max)
		return;
	if (count == 0)
		count = 1;
	e = &x->ev[x->n++];
	e->kind = k;
	e->format = format_names[x->fmt];
	e->addr = *a;
	e->count = count * x->repeat;
	x->lp->st.events++;
	x->lp->st.format[x->fmt].events++;
}

void lp_ambiguous(struct lp_ctx *x)
{
	x->lp->st.ambiguous++;
}

/* --- session table -------------------------------------------------------- */

static unsigned sess_hash(const char *k, size_t n)
{
	unsigned h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)k[i]) * 16777619u;
	return h;
}

static size_t sess_key(struct lp_ctx *x, const char *id, size_t n, char *key)
{
	if (n > 46)
		n = 46;
	key[0] = (char)('A' + x->fmt);
	memcpy(key + 1, id, n);
	return n + 1;
}

struct lp_session *lp_session_get(struct lp_ctx *x, const char *id, size_t n)
{
	struct logparse *lp = x->lp;
	char key[48];
	size_t kl = sess_key(x, id, n, key);
	int i = lp->bucket[sess_hash(key, kl) % lp->nbuckets];

	for (; i >= 0; i = lp->sess[i].next)
		if (lp->sess[i].keylen == kl && !memcmp(lp->sess[i].key, key, kl))
			return &lp->sess[i];
	return NULL;
}

void lp_session_del(struct lp_ctx *x, struct lp_session *s)
{
	struct logparse *lp = x->lp;
	int idx = (int)(s - lp->sess);
	int *link = &lp->bucket[sess_hash(s->key, s->keylen) % lp->nbuckets];

	while (*link >= 0 && *link != idx)
		link = &lp->sess[*link].next;
	if (*link == idx)
		*link = s->next;
	s->live = 0;
	s->next = -1;
}

struct lp_session *lp_session_put(struct lp_ctx *x, const char *id, size_t n)
{
	struct logparse *lp = x->lp;
	struct lp_session *s = lp_session_get(x, id, n);
	unsigned h;

	if (s)
		return s;
	s = &lp->sess[lp->ring_next];
	lp->ring_next = (lp->ring_next + 1) % LP_SESSIONS_MAX;
	if (s->live) {
		lp_session_del(x, s);
		lp->st.sessions_evicted++;
	}
	memset(s, 0, sizeof(*s));
	s->keylen = (unsigned char)sess_key(x, id, n, s->key);
	s->live = 1;
	h = sess_hash(s->key, s->keylen) % lp->nbuckets;
	s->next = lp->bucket[h];
	lp->bucket[h] = (int)(s - lp->sess);
	return s;
}

/* --- syslog prefix -------------------------------------------------------- */

enum ts_kind {
	TS_NONE,
	TS_BSD,		/* "Mon dd hh:mm:ss" (RFC 3164) */
	TS_ISO,		/* "YYYY-MM-DDThh:mm:ss[.f][zone]" or with a space */
	TS_TAI64N,	/* "@4000000000000000xxxxxxxx" (daemontools) */
};

static int skip_hms(struct lp_cur *c)
{
	if (cur_digits(c) != 2 || !cur_char(c, ':') || cur_digits(c) != 2 ||
	    !cur_char(c, ':') || cur_digits(c) != 2)
		return 0;
	if (cur_char(c, '.') || cur_char(c, ','))
		cur_digits(c);
	return 1;
}

static int skip_bsd_ts(struct lp_cur *c)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct lp_cur t = *c;
	size_t d, i;

	if (cur_left(&t) < 15)
		return 0;
	for (i = 0; i < 36; i += 3)
		if (!memcmp(t.p, months + i, 3))
			break;
	if (i == 36)
		return 0;
	t.p += 3;
	if (!cur_char(&t, ' '))
		return 0;
	cur_char(&t, ' ');
	d = cur_digits(&t);
	if (d < 1 || d > 2 || !cur_char(&t, ' ') || !skip_hms(&t))
		return 0;
	*c = t;
	return 1;
}

static int skip_zone(struct lp_cur *c)
{
	struct lp_cur t = *c;

	if (cur_char(c, 'Z'))
		return 1;
	if (!cur_char(&t, '+') && !cur_char(&t, '-'))
		return 1;
	if (cur_digits(&t) == 2) {
		cur_char(&t, ':');
		if (cur_digits(&t) == 2) {
			*c = t;
			return 1;
		}
	} else {
		t = *c;
		t.p++;
		if (cur_digits(&t) == 4) {
			*c = t;
			return 1;
		}
	}
	return 0;
}

/* skip_iso_ts - sets *space when date and time are joined by a blank. */
static int skip_iso_ts(struct lp_cur *c, int *space)
{
	struct lp_cur t = *c;

	if (cur_digits(&t) != 4 || !cur_char(&t, '-') || cur_digits(&t) != 2 ||
	    !cur_char(&t, '-') || cur_digits(&t) != 2)
		return 0;
	*space = cur_char(&t, ' ');
	if (!*space && !cur_char(&t, 'T'))
		return 0;
	if (!skip_hms(&t) || !skip_zone(&t))
		return 0;
	*c = t;
	return 1;
}

static int skip_tai64n(struct lp_cur *c)
{
	struct lp_cur t = *c;
	int i;

	if (!cur_char(&t, '@') || cur_left(&t) < 24)
		return 0;
	for (i = 0; i < 24; i++)
		if (!lp_isxdigit(t.p[i]))
			return 0;
	t.p += 24;
	*c = t;
	return 1;
}

static void skip_blanks(struct lp_cur *c)
{
	while (c->p < c->end && *c->p == ' ')
		c->p++;
}

/*
 * read_tag - a program tag "name[pid]: " or "name: " at c. The name may
 * hold '/', '-', '(' and ')' (postfix/submission/smtpd, auth-worker(12)).
 */
static int read_tag(struct lp_cur *c, const char **tag, size_t *taglen)
{
	struct lp_cur t = *c;
	const char *s = t.p;
	size_t n = cur_span_until(&t, " :[");

	if (n == 0)
		return 0;
	if (cur_char(&t, '[')) {
		if (!cur_digits(&t) || !cur_char(&t, ']'))
			return 0;
	}
	if (!cur_char(&t, ':'))
		return 0;
	if (!cur_eof(&t) && !cur_char(&t, ' '))
		return 0;
	*tag = s;
	*taglen = n;
	*c = t;
	return 1;
}

/* skip_token - a run of non-blank bytes and the blank after it. */
static int skip_token(struct lp_cur *c)
{
	struct lp_cur t = *c;

	if (!cur_span_until(&t, " ") || !cur_char(&t, ' '))
		return 0;
	*c = t;
	return 1;
}

/*
 * read_rfc5424 - after "<PRI>1 ": TIMESTAMP HOSTNAME APP-NAME PROCID MSGID
 * STRUCTURED-DATA [MSG]. The APP-NAME is the tag.
 */
static int read_rfc5424(struct lp_cur *c, const char **tag, size_t *taglen)
{
	struct lp_cur t = *c;
	const char *app;
	size_t applen;

	if (!skip_token(&t) || !skip_token(&t))
		return 0;
	app = t.p;
	applen = cur_span_until(&t, " ");
	if (!applen || !cur_char(&t, ' ') || !skip_token(&t) || !skip_token(&t))
		return 0;
	if (cur_char(&t, '-')) {
		cur_char(&t, ' ');
	} else {
		/* SD-ELEMENTs: "[id k="v\]"]"..., escapes \" \\ \] */
		while (cur_char(&t, '[')) {
			while (!cur_eof(&t) && *t.p != ']') {
				if (*t.p == '\\' && cur_left(&t) > 1)
					t.p++;
				t.p++;
			}
			if (!cur_char(&t, ']'))
				return 0;
		}
		cur_char(&t, ' ');
	}
	LIT(&t, "\xef\xbb\xbf");
	if (applen == 1 && *app == '-')
		return 0;
	*tag = app;
	*taglen = applen;
	*c = t;
	return 1;
}

/* tag_format - the format a program tag belongs to, or -1. */
static int tag_format(const char *t, size_t n)
{
	const char *slash = memchr(t, '/', n);

	if (lp_tag_prefix(t, n, "postfix"))
		return slash || n == 7 ? LP_POSTFIX : -1;
	if (lp_tag_is(t, n, "dovecot") || lp_tag_is(t, n, "auth") ||
	    lp_tag_prefix(t, n, "auth-worker(") ||
	    (n > 6 && !memcmp(t + n - 6, "-login", 6)))
		return LP_DOVECOT;
	if (lp_tag_is(t, n, "exim") || lp_tag_is(t, n, "exim4"))
		return LP_EXIM;
	if (lp_tag_is(t, n, "sendmail") ||
	    (lp_tag_prefix(t, n, "sm-") && !lp_tag_prefix(t, n, "sm-msp")))
		return LP_SENDMAIL;
	if (lp_tag_is(t, n, "smtpd"))
		return LP_OPENSMTPD;
	if (lp_tag_prefix(t, n, "courier") || lp_tag_prefix(t, n, "imapd") ||
	    lp_tag_prefix(t, n, "pop3d"))
		return LP_COURIER;
	if (lp_tag_is(t, n, "haraka") || lp_tag_is(t, n, "Haraka"))
		return LP_HARAKA;
	return -1;
}

typedef void (*lp_parse_fn)(struct lp_ctx *x, const char *msg, const char *end);

static const lp_parse_fn parsers[LP_NFORMATS] = {
	[LP_POSTFIX] = lp_postfix,
	[LP_DOVECOT] = lp_dovecot,
	[LP_EXIM] = lp_exim,
	[LP_SENDMAIL] = lp_sendmail,
	[LP_OPENSMTPD] = lp_opensmtpd,
	[LP_COURIER] = lp_courier,
	[LP_HARAKA] = lp_haraka,
};

/*
 * run_format - parse msg as format f, unwrapping rsyslog's
 * "message repeated N times: [ MSG]", which stands for N more MSGs.
 */
static void run_format(struct lp_ctx *x, int f, const char *msg,
		       const char *end)
{
	struct lp_cur c = { msg, end };
	unsigned n;

	if (!(x->lp->mask & LP_FORMAT_BIT(f)))
		return;
	x->fmt = f;
	x->lp->st.format[f].lines++;
	if (LIT(&c, "message repeated ") && cur_uint(&c, &n) &&
	    LIT(&c, " times: [") && end > c.p && end[-1] == ']') {
		cur_char(&c, ' ');
		x->repeat = n ? n : 1;
		end--;
		msg = c.p;
	}
	parsers[f](x, msg, end);
}

int logparse_line(struct logparse *lp, const char *line, size_t len,
		  struct lp_event *ev, int max)
{
	struct lp_ctx x = { .lp = lp, .ev = ev, .max = max, .repeat = 1 };
	struct lp_cur c = { line, line + len };
	struct lp_cur after_ts;
	enum ts_kind ts = TS_NONE;
	int iso_space = 0, f;

	lp->st.lines++;
	if (len > LP_LINE_MAX) {
		lp->st.lines_cut++;
		c.end = line + LP_LINE_MAX;
	}
	if (c.end > c.p && c.end[-1] == '\r')
		c.end--;
	if (cur_eof(&c) || *c.p == ' ' || *c.p == '\t')
		return 0;

	/* priority: "<PRI>" (BSD) or "<PRI>1 " (RFC 5424) */
	if (*c.p == '<') {
		struct lp_cur t = c;

		t.p++;
		if (cur_digits(&t) && cur_char(&t, '>')) {
			c = t;
			if (LIT(&t, "1 ") && read_rfc5424(&t, &x.tag, &x.taglen)) {
				c = t;
				goto tagged;
			}
		}
	}

	/* time stamp */
	if (skip_bsd_ts(&c))
		ts = TS_BSD;
	else if (skip_iso_ts(&c, &iso_space))
		ts = TS_ISO;
	else if (skip_tai64n(&c))
		ts = TS_TAI64N;
	if (ts != TS_NONE && !cur_char(&c, ' '))
		return 0;
	skip_blanks(&c);
	after_ts = c;

	/* BSD "<facility.level>" after the time stamp */
	if (!cur_eof(&c) && *c.p == '<') {
		struct lp_cur t = c;

		t.p++;
		cur_span_until(&t, "> ");
		if (cur_char(&t, '>') && cur_char(&t, ' '))
			c = t;
	}

	/* "host tag[pid]: " or "tag[pid]: " */
	if (!read_tag(&c, &x.tag, &x.taglen)) {
		struct lp_cur t = c;

		if (!skip_token(&t) || !read_tag(&t, &x.tag, &x.taglen))
			goto untagged;
		c = t;
	}

tagged:
	/* a tag of another program: nothing of ours */
	f = tag_format(x.tag, x.taglen);
	if (f >= 0)
		run_format(&x, f, c.p, c.end);
	return x.n;

untagged:
	/* Exim's own main log: "YYYY-MM-DD hh:mm:ss ..." and no tag */
	if (ts == TS_ISO && iso_space) {
		x.tag = NULL;
		x.taglen = 0;
		run_format(&x, LP_EXIM, after_ts.p, after_ts.end);
		return x.n;
	}
	/* Haraka writing to a file: "[LEVEL] [uuid] [plugin] ..." */
	if (!cur_eof(&after_ts) && *after_ts.p == '[' &&
	    lp_find(after_ts.p, after_ts.end, "] [", 3)) {
		x.tag = NULL;
		x.taglen = 0;
		run_format(&x, LP_HARAKA, after_ts.p, after_ts.end);
	}
	return x.n;
}

struct logparse *logparse_new(unsigned formats)
{
	struct logparse *lp = calloc(1, sizeof(*lp));
	unsigned i;

	if (!lp)
		return NULL;
	lp->mask = formats ? formats & LP_FORMATS_ALL : LP_FORMATS_ALL;
	lp->nbuckets = LP_SESSIONS_MAX * 2;
	lp->sess = calloc(LP_SESSIONS_MAX, sizeof(*lp->sess));
	lp->bucket = malloc(lp->nbuckets * sizeof(*lp->bucket));
	if (!lp->sess || !lp->bucket) {
		logparse_free(lp);
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < lp->nbuckets; i++)
		lp->bucket[i] = -1;
	for (i = 0; i < LP_SESSIONS_MAX; i++)
		lp->sess[i].next = -1;
	return lp;
}

void logparse_free(struct logparse *lp)
{
	if (!lp)
		return;
	free(lp->sess);
	free(lp->bucket);
	free(lp);
}

const struct lp_stats *logparse_stats(const struct logparse *lp)
{
	return &lp->st;
}
