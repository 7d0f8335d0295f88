/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dnsbl.h - DNS blocklist and allowlist lookups, scored the way Postfix's
 * postscreen scores postscreen_dnsbl_sites, through c-ares.
 *
 * A site is "zone[=filter][*weight]". A source's score is the sum of the
 * weights of the sites whose zone answered with an A record that passes
 * the site's filter (any valid answer when there is no filter); each site
 * counts at most once, and a zone listed twice with two filters counts
 * once per entry. A score at or above the threshold lists the source, a
 * score at or below a negative allowlist threshold allows it.
 *
 * Unlike postscreen, answers that mean "error" never count: any answer in
 * 127.255.255.0/24 or outside 127.0.0.0/8, and the documented error codes
 * 127.0.1.255, 127.0.0.255 and 127.0.0.1, make the zone's response an
 * error. A code that no filter of its zone matches is ignored and
 * reported. Zones are health-checked with the RFC 5782 test points and
 * disabled while they fail. Timeouts and DNS errors never list anything:
 * the verdict is then "unknown" (fail open).
 *
 * Everything is non-blocking except dnsbl_check_sync(), which is bounded
 * by the timeout. The module is not thread-safe.
 */
#ifndef MXG_DNSBL_H
#define MXG_DNSBL_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include "addr.h"

#define DNSBL_MAX_SITES 32	/* entries of dnsbl_sites */
#define DNSBL_MAX_ANSWERS 8	/* A records kept per response; more is an error */
/* Maximum zone length: an IPv6 query name adds 64 characters to the zone and
 * must stay within 253. */
#define DNSBL_ZONE_MAX 189
#define DNSBL_FILTER_MAX 127
#define DNSBL_ERR_MAX 256
#define DNSBL_WEIGHT_MIN -1000
#define DNSBL_WEIGHT_MAX 1000

struct dnsbl_site {
	char zone[DNSBL_ZONE_MAX + 1];		/* lower case, no trailing dot */
	char filter[DNSBL_FILTER_MAX + 1];	/* as written; "" for none */
	int has_filter;
	int single;		/* the filter names exactly one address */
	uint8_t octet[4][32];	/* per octet, a bitmap of the values it accepts */
	int weight;
};

/*
 * dnsbl_sites_parse - parse a postscreen_dnsbl_sites value: entries
 * "zone[=filter][*weight]" separated by commas or whitespace. The filter
 * is d.d.d.d where each d is a number or a bracketed ';'-separated list of
 * numbers and n..m ranges (postconf(5)). On success *sites is an array of
 * *n entries to release with free() (NULL when the value is empty).
 * Returns 0, or -EINVAL with a message naming the entry in err.
 */
int dnsbl_sites_parse(const char *spec, struct dnsbl_site **sites, size_t *n,
		      char *err, size_t errlen);

/* dnsbl_site_match - 1 when the IPv4 answer (host order) passes the filter. */
int dnsbl_site_match(const struct dnsbl_site *s, uint32_t answer);

/*
 * dnsbl_query_name - the query name of addr under zone: reversed octets
 * for IPv4, reversed nibbles for IPv6 (RFC 5782). Returns 0, or -EINVAL
 * when addr is not a single address, -ENAMETOOLONG when it does not fit.
 */
int dnsbl_query_name(const struct mxg_prefix *addr, const char *zone,
		     char *buf, size_t len);

enum dnsbl_verdict {
	DNSBL_CLEAN = 0,	/* looked up, below both thresholds */
	DNSBL_LISTED,		/* score >= threshold: ban */
	DNSBL_ALLOWED,		/* score <= a negative allowlist threshold */
	DNSBL_UNKNOWN,		/* errors left the verdict open: fail open */
};

const char *dnsbl_verdict_name(enum dnsbl_verdict v);

/* The outcome of one zone's response, as cached. */
enum dnsbl_status {
	DNSBL_ST_NONE = 0,	/* not asked */
	DNSBL_ST_ANSWER,	/* A records, all inside 127.0.0.0/8 */
	DNSBL_ST_NXDOMAIN,
	DNSBL_ST_NODATA,	/* NOERROR without an A record */
	/* errors: the response does not show whether the address is listed */
	DNSBL_ST_TIMEOUT,
	DNSBL_ST_SERVFAIL,
	DNSBL_ST_REFUSED,
	DNSBL_ST_NETWORK,	/* no server reachable */
	DNSBL_ST_MALFORMED,	/* unparsable, truncated or mismatched message */
	DNSBL_ST_RCODE,		/* another error rcode */
	DNSBL_ST_FOREIGN,	/* CNAME, AAAA or a record for another name */
	DNSBL_ST_TOO_MANY,	/* more than DNSBL_MAX_ANSWERS A records */
	DNSBL_ST_ERROR_CODE,	/* an answer that is a documented error code */
	DNSBL_ST_OUTSIDE,	/* an answer outside 127.0.0.0/8 */
	DNSBL_ST_OTHER,		/* a c-ares failure without a message */
};

/* dnsbl_status_failed - 1 for the statuses that are errors. */
static inline int dnsbl_status_failed(int st)
{
	return st >= DNSBL_ST_TIMEOUT;
}

/* One parsed response; addresses in host order. */
struct dnsbl_response {
	int status;		/* enum dnsbl_status */
	int rcode;		/* for DNSBL_ST_RCODE */
	uint16_t rtype;		/* for DNSBL_ST_FOREIGN */
	uint32_t ttl;		/* A TTL, or the negative TTL (RFC 2308) */
	int has_ttl;		/* 0: no TTL in the message (no SOA) */
	unsigned naddr;
	uint32_t addr[DNSBL_MAX_ANSWERS];
	uint32_t bad;		/* the answer behind ERROR_CODE or OUTSIDE */
};

/*
 * dnsbl_parse_response - check a DNS message against the question qname
 * IN A and extract its A records or its negative TTL. Only A records whose
 * owner is qname count; anything else in the answer section, any
 * structural fault and any question mismatch is an error status. Never
 * reads outside buf[0..len).
 */
void dnsbl_parse_response(const unsigned char *buf, size_t len,
			  const char *qname, struct dnsbl_response *r);

/*
 * dnsbl_classify - apply the error-answer rules to an ANSWER response of a
 * zone whose site entries are sites[0..n): an answer in 127.255.255.0/24,
 * outside 127.0.0.0/8 or a documented error code (unless a site names it
 * alone as its filter) turns the response into an error.
 */
void dnsbl_classify(struct dnsbl_response *r, const struct dnsbl_site *const *sites,
		    size_t n);

/* dnsbl_error_code_name - what a documented error answer means, or NULL. */
const char *dnsbl_error_code_name(uint32_t answer);

/* dnsbl_response_error - describe a failed response; returns buf. */
char *dnsbl_response_error(const struct dnsbl_response *r, char *buf, size_t len);

struct dnsbl_zone_result {
	const struct dnsbl_site *site;	/* the dnsbl_sites entry */
	const char *zone;		/* site->zone */
	const char *filter;		/* site->filter, "" when none */
	int weight;			/* site->weight */
	int status;			/* enum dnsbl_status of the zone's response */
	int pending;			/* zone not checked yet: undecided */
	int disabled;			/* zone disabled: left out of the score */
	int listed;			/* an answer passed the filter: weight counted */
	int counted;			/* the response entered the score */
	unsigned nanswers;
	uint32_t addrs[DNSBL_MAX_ANSWERS];	/* host order */
	char answers[DNSBL_MAX_ANSWERS][INET_ADDRSTRLEN];
	uint32_t ttl;			/* of the response, seconds */
	const char *error;		/* NULL, or errbuf */
	char errbuf[DNSBL_ERR_MAX];
};

struct dnsbl_result {
	struct mxg_prefix addr;
	int score;
	enum dnsbl_verdict verdict;
	uint32_t ttl;		/* seconds to keep the verdict */
	int from_cache;		/* no query was needed */
	unsigned nqueried;	/* zones asked (or cached) for this result */
	unsigned nanswered;	/* of those, zones whose server answered */
	size_t nzones;		/* one entry per dnsbl_sites entry, in order */
	struct dnsbl_zone_result zones[DNSBL_MAX_SITES];
};

/*
 * dnsbl_result_score - compute listed, counted, score, verdict and ttl of
 * r from its entries' site, status, answers, ttl, pending and disabled.
 * Pending entries and entries with a failed status are undecided: the
 * verdict is "unknown" when their weights could change it, or when no
 * entry is decided. Disabled entries are left out. The ttl is the lowest
 * TTL of the listing entries (of all decided entries when none lists)
 * clamped to [min_ttl, max_ttl]; with an unknown verdict it is the lowest
 * TTL of the undecided entries (a failed one contains its retry delay), at
 * most min_ttl.
 * wl_threshold >= 0 turns allowlisting off, as in postscreen.
 */
void dnsbl_result_score(struct dnsbl_result *r, int threshold, int wl_threshold,
			unsigned min_ttl, unsigned max_ttl);

struct dnsbl_opts {
	const struct dnsbl_site *sites;	/* copied by dnsbl_new() */
	size_t nsites;
	int threshold;			/* >= 1 */
	int wl_threshold;		/* < 0 enables allowlisting */
	const char *servers;		/* "host[:port], ..."; NULL: resolv.conf */
	unsigned min_ttl, max_ttl;	/* seconds */
	unsigned timeout_ms;		/* bound of one lookup */
	unsigned max_inflight;		/* lookups (addresses) in flight */
	unsigned health_interval_sec;	/* 0: 300 */
	/* 0 selects the default for each of these */
	unsigned cache_max;		/* addresses cached; default 16384 */
	unsigned rate_window_sec;	/* listing-rate window; default 300 */
	unsigned rate_min_lookups;	/* default 20 */
	unsigned rate_max_percent;	/* default 50; above 100 turns it off */
	unsigned warn_interval_sec;	/* one warning per zone per interval; 300 */
};

struct dnsbl;

/*
 * dnsbl_new - set up the zones and a c-ares channel; no query is sent
 * before the first dnsbl_tick() or sync call. Returns NULL with errno set
 * and a message in err.
 */
struct dnsbl *dnsbl_new(const struct dnsbl_opts *o, char *err, size_t errlen);

/*
 * dnsbl_free - cancel everything and release d. Callbacks of lookups in
 * flight are not called. Accepts NULL. Must not be called from a callback.
 */
void dnsbl_free(struct dnsbl *d);

/*
 * The result passed to a callback lives only during the call; copy what
 * is needed. A callback may call dnsbl_submit() but not dnsbl_free().
 */
typedef void (*dnsbl_done_fn)(const struct dnsbl_result *r, void *arg);

/*
 * dnsbl_submit - look addr up in every enabled zone.
 * Returns 0: queued, cb is called later from dnsbl_process_fd() or
 * dnsbl_tick(); 1: answered from the cache, cb was already called;
 * -EBUSY: max_inflight lookups are in flight, nothing was done (counted);
 * -EALREADY: a lookup of addr is in flight and its result goes to the
 * callback of the caller that started it, not to this one (counted);
 * -EINVAL: addr is not a single address.
 */
int dnsbl_submit(struct dnsbl *d, const struct mxg_prefix *addr,
		 dnsbl_done_fn cb, void *arg);

/*
 * Event loop glue. fn(fd, want_read, want_write, arg) is called whenever
 * the set of sockets to watch changes; fn(fd, 0, 0, arg) means stop
 * watching fd. Setting fn reports the sockets already open.
 */
typedef void (*dnsbl_watch_fn)(int fd, int want_read, int want_write,
			       void *arg);
void dnsbl_set_watch(struct dnsbl *d, dnsbl_watch_fn fn, void *arg);
/* dnsbl_process_fd - handle readiness of fd. */
void dnsbl_process_fd(struct dnsbl *d, int fd, int readable, int writable);
/*
 * dnsbl_next_timeout_ms - when dnsbl_tick() must run next: 0 for now,
 * -1 when nothing is pending.
 */
int dnsbl_next_timeout_ms(struct dnsbl *d);
/* dnsbl_tick - retransmit, expire lookups past the timeout, run probes. */
void dnsbl_tick(struct dnsbl *d);

/*
 * dnsbl_check_sync - look addr up and wait for the result, with health
 * probes of zones never checked running at the same time. Blocks at most
 * about timeout_ms. Returns 0 with r filled in, or a dnsbl_submit() error.
 */
int dnsbl_check_sync(struct dnsbl *d, const struct mxg_prefix *addr,
		     struct dnsbl_result *r);

/* dnsbl_health_sync - probe every zone now and wait for the outcome. */
void dnsbl_health_sync(struct dnsbl *d);

enum dnsbl_zone_state {
	DNSBL_ZONE_PENDING = 0,	/* no conclusive health probe yet: not scored */
	DNSBL_ZONE_ENABLED,
	DNSBL_ZONE_DISABLED,	/* failed a probe or the listing-rate check */
};

/*
 * Called when a zone is disabled or enabled again. last_good_ns is the
 * CLOCK_BOOTTIME of its last good probe (0: none): answers since then
 * are suspect when the zone was disabled.
 */
typedef void (*dnsbl_zone_fn)(const char *zone, enum dnsbl_zone_state state,
			      const char *reason, uint64_t last_good_ns,
			      void *arg);
void dnsbl_set_zone_cb(struct dnsbl *d, dnsbl_zone_fn fn, void *arg);

struct dnsbl_zone_stats {
	const char *zone;
	enum dnsbl_zone_state state;
	const char *reason;	/* why disabled, or the last probe's problem */
	int ipv6;		/* the ::2 test point is listed */
	uint64_t queries;	/* lookups sent, probes not included */
	uint64_t answers;	/* responses that were not errors */
	uint64_t listed;	/* of those, with an accepted A record */
	uint64_t errors;	/* error responses, timeouts included */
	uint64_t timeouts;
	uint64_t error_answers;	/* error codes, outside 127/8, unmatched codes */
	uint64_t probes;
	uint64_t disables;	/* times the zone was disabled */
};

struct dnsbl_stats {
	uint64_t submits;
	uint64_t lookups;	/* lookups started */
	uint64_t queries;	/* DNS queries sent, probes included */
	uint64_t cache_hits;	/* submits answered from the cache */
	uint64_t neg_cache_hits; /* of those, with a clean verdict */
	uint64_t overcap;	/* submits refused at max_inflight */
	uint64_t duplicates;	/* submits of an address already in flight */
	uint64_t errors;	/* zone responses that were errors */
	uint64_t timeouts;
	uint64_t zones_disabled; /* disable events */
	unsigned zones_down;	/* zones disabled now */
	unsigned inflight;	/* lookups in flight now */
	unsigned cached;	/* addresses in the cache now */
};

void dnsbl_get_stats(const struct dnsbl *d, struct dnsbl_stats *s);
size_t dnsbl_zone_count(const struct dnsbl *d);
/* dnsbl_get_zone_stats - zone i (0..dnsbl_zone_count()); 0 or -ENOENT. */
int dnsbl_get_zone_stats(const struct dnsbl *d, size_t i,
			 struct dnsbl_zone_stats *zs);

#endif /* MXG_DNSBL_H */
