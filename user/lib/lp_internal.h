/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lp_internal.h - the scanner shared by the per-MTA log parsers
 * (lp_<mta>.c) and the syslog prefix reader (logparse.c).
 *
 * Every helper moves left to right over a byte range and never backs up
 * further than the literal it just tried, so a parse costs O(line length).
 * Searches use memmem(), which is linear (glibc's two-way algorithm).
 */
#ifndef MXG_LP_INTERNAL_H
#define MXG_LP_INTERNAL_H

#include <stddef.h>
#include <string.h>
#include "logparse.h"

/* A byte range being parsed: p moves towards end. */
struct lp_cur {
	const char *p;
	const char *end;
};

/* One session or queue id and the address it belongs to. */
struct lp_session {
	char key[48];		/* format byte, then the id */
	unsigned char keylen;
	unsigned char live;
	unsigned char flag;	/* format-specific mark, e.g. "rejected rcpt" */
	struct mxg_prefix addr;
	int next;		/* next entry in the hash chain, or -1 */
};

struct logparse {
	unsigned mask;
	struct lp_stats st;
	/* session table: a ring in insertion order plus hash chains */
	struct lp_session *sess;
	int *bucket;
	unsigned nbuckets;
	unsigned ring_next;
};

/* The work on one line: where events go, and the line's syslog tag. */
struct lp_ctx {
	struct logparse *lp;
	struct lp_event *ev;
	int max;
	int n;
	unsigned repeat;	/* occurrences each event stands for */
	enum lp_format fmt;
	const char *tag;	/* program name without "[pid]", or NULL */
	size_t taglen;
};

static inline int cur_eof(const struct lp_cur *c)
{
	return c->p >= c->end;
}

static inline size_t cur_left(const struct lp_cur *c)
{
	return (size_t)(c->end - c->p);
}

/* cur_lit - consume the literal s of n bytes when it comes next. */
static inline int cur_lit(struct lp_cur *c, const char *s, size_t n)
{
	if (cur_left(c) < n || memcmp(c->p, s, n))
		return 0;
	c->p += n;
	return 1;
}

#define LIT(c, s) cur_lit((c), (s), sizeof(s) - 1)

/* cur_char - consume the byte ch when it comes next. */
static inline int cur_char(struct lp_cur *c, char ch)
{
	if (cur_eof(c) || *c->p != ch)
		return 0;
	c->p++;
	return 1;
}

static inline int lp_isdigit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static inline int lp_isxdigit(char ch)
{
	return lp_isdigit(ch) || (ch >= 'a' && ch <= 'f') ||
	       (ch >= 'A' && ch <= 'F');
}

/* cur_digits - consume one or more decimal digits; the count of digits. */
size_t cur_digits(struct lp_cur *c);
/* cur_uint - consume a decimal number (saturating); 0 when none. */
int cur_uint(struct lp_cur *c, unsigned *v);
/* cur_span - consume bytes until one of stop (or the end); their count. */
size_t cur_span_until(struct lp_cur *c, const char *stop);
/* cur_lit_ci - like LIT, ignoring ASCII case. */
int cur_lit_ci(struct lp_cur *c, const char *s, size_t n);

/* lp_find - first occurrence of needle in [p, end), or NULL. */
const char *lp_find(const char *p, const char *end, const char *needle,
		    size_t n);
/* lp_rfind - last occurrence of needle in [p, end), or NULL. */
const char *lp_rfind(const char *p, const char *end, const char *needle,
		     size_t n);
/* lp_count2 - occurrences of needle in [p, end), counting up to 2. */
int lp_count2(const char *p, const char *end, const char *needle, size_t n);

#define FIND(p, end, s) lp_find((p), (end), (s), sizeof(s) - 1)
#define RFIND(p, end, s) lp_rfind((p), (end), (s), sizeof(s) - 1)
#define COUNT2(p, end, s) lp_count2((p), (end), (s), sizeof(s) - 1)

/*
 * cur_addr - consume an address made of hex digits, '.' and ':' only
 * (an optional "IPv6:" or "ipv6:" tag first, as Sendmail writes it) and
 * parse it. Returns 0, or -1 leaving c unchanged and counting a bad
 * address when the bytes are not one.
 */
int cur_addr(struct lp_ctx *x, struct lp_cur *c, struct mxg_prefix *a);

/* cur_bracket_addr - "[" ADDR "]"; 0 or -1 (c unchanged on failure). */
int cur_bracket_addr(struct lp_ctx *x, struct lp_cur *c, struct mxg_prefix *a);

/* cur_port - an optional ":" or "." and digits after "]"; never fails. */
void cur_port(struct lp_cur *c);

/* lp_emit - add an event of kind k for a, standing for count lines. */
void lp_emit(struct lp_ctx *x, enum lp_kind k, const struct mxg_prefix *a,
	     unsigned count);

/* lp_ambiguous - count a line dropped because an anchor repeats. */
void lp_ambiguous(struct lp_ctx *x);

/*
 * Sessions: remember the address of a session or queue id of the current
 * format. The table holds LP_SESSIONS_MAX entries; a new id evicts the
 * oldest one, counted in sessions_evicted.
 */
struct lp_session *lp_session_get(struct lp_ctx *x, const char *id, size_t n);
struct lp_session *lp_session_put(struct lp_ctx *x, const char *id, size_t n);
void lp_session_del(struct lp_ctx *x, struct lp_session *s);

/* Per-format parsers: the message after the syslog tag. */
void lp_postfix(struct lp_ctx *x, const char *msg, const char *end);
void lp_dovecot(struct lp_ctx *x, const char *msg, const char *end);
void lp_exim(struct lp_ctx *x, const char *msg, const char *end);
void lp_sendmail(struct lp_ctx *x, const char *msg, const char *end);
void lp_opensmtpd(struct lp_ctx *x, const char *msg, const char *end);
void lp_courier(struct lp_ctx *x, const char *msg, const char *end);
void lp_haraka(struct lp_ctx *x, const char *msg, const char *end);

/* lp_tag_is - the tag equals s. */
static inline int lp_tag_is(const char *t, size_t n, const char *s)
{
	size_t k = strlen(s);

	return n == k && !memcmp(t, s, k);
}

/* lp_tag_prefix - the tag starts with s. */
static inline int lp_tag_prefix(const char *t, size_t n, const char *s)
{
	size_t k = strlen(s);

	return n >= k && !memcmp(t, s, k);
}

#endif /* MXG_LP_INTERNAL_H */
