/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * logparse.h - turn MTA log lines into events: failed and successful
 * logins, rejects and protocol abuse, each with the client address.
 *
 * The address comes only from the field the MTA reserves for it, parsed by
 * a fixed grammar; never from user names, HELO, envelope addresses or any
 * other text the client typed. Parsing is linear in the line length and
 * treats input as bytes. The parser decides nothing: counting failures and
 * banning is the daemon's policy.
 */
#ifndef MXG_LOGPARSE_H
#define MXG_LOGPARSE_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"

/* Longer lines are cut to this many bytes; the remainder is dropped. */
#define LP_LINE_MAX 8192

/* Sessions (OpenSMTPD, Haraka) and queue ids (Sendmail) remembered. */
#ifndef LP_SESSIONS_MAX
#define LP_SESSIONS_MAX 4096
#endif

enum lp_kind {
	LP_AUTH_FAIL = 1,	/* a failed SASL, IMAP or POP3 login */
	LP_REJECT,		/* an SMTP command refused by policy */
	LP_PROTOCOL,		/* protocol abuse: pregreet, pipelining, ... */
	LP_LOGIN_OK,		/* a successful login */
};

/* Formats, as bits of the mask given to logparse_new(). */
enum lp_format {
	LP_POSTFIX,
	LP_DOVECOT,
	LP_EXIM,
	LP_SENDMAIL,
	LP_OPENSMTPD,
	LP_COURIER,
	LP_HARAKA,
	LP_NFORMATS,
};

#define LP_FORMAT_BIT(f) (1u << (f))
#define LP_FORMATS_ALL ((1u << LP_NFORMATS) - 1)

struct lp_event {
	enum lp_kind kind;
	const char *format;	/* static: "postfix", "dovecot", ... */
	struct mxg_prefix addr;	/* host prefix, IPv4-mapped folded to IPv4 */
	unsigned count;		/* occurrences the line stands for, >= 1 */
};

struct lp_format_stats {
	uint64_t lines;		/* lines that carry this format's tag or form */
	uint64_t events;	/* events found in them (each counted once) */
};

struct lp_stats {
	uint64_t lines;			/* lines given to logparse_line() */
	uint64_t lines_cut;		/* lines longer than LP_LINE_MAX */
	uint64_t events;
	uint64_t ambiguous;		/* lines dropped: an anchor occurs twice */
	uint64_t bad_addr;		/* address field present but not an address */
	uint64_t sessions_evicted;	/* session table full: oldest dropped */
	struct lp_format_stats format[LP_NFORMATS];
};

struct logparse;

/*
 * logparse_new - a parser for the formats in mask (LP_FORMAT_BIT() bits;
 * 0 = all). Returns NULL with errno set on allocation failure.
 */
struct logparse *logparse_new(unsigned formats);
void logparse_free(struct logparse *lp);

/*
 * logparse_line - find the events in one log line of len bytes (without
 * the newline; NUL bytes are data). Writes at most max events to ev and
 * returns how many it wrote. A line may keep session state (OpenSMTPD and
 * Haraka connections, Sendmail queue ids) for later lines.
 */
int logparse_line(struct logparse *lp, const char *line, size_t len,
		  struct lp_event *ev, int max);

/* logparse_stats - the parser's counters since logparse_new(). */
const struct lp_stats *logparse_stats(const struct logparse *lp);

/* lp_kind_name - "auth_fail", "reject", "protocol", "login_ok" or "?". */
const char *lp_kind_name(enum lp_kind k);

/* lp_format_name - "postfix", "dovecot", ..., or "?" out of range. */
const char *lp_format_name(enum lp_format f);

/*
 * logparse_format_parse - a comma-separated list of format names, or
 * "all", into a mask. Returns 0, or -EINVAL on an unknown name.
 */
int logparse_format_parse(const char *name, unsigned *mask);

#endif /* MXG_LOGPARSE_H */
