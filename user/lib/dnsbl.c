// SPDX-License-Identifier: GPL-2.0-only
/*
 * dnsbl.c - asynchronous DNSBL/DNSWL lookups through c-ares: one query per
 * zone and address, a bounded number of addresses in flight, a cache of
 * each zone's response for its clamped TTL, health probes that disable a
 * zone which lists the world, lists nothing or answers with error codes,
 * and a listing-rate check that disables a zone whose rate jumps.
 *
 * Each lookup query has a deadline of timeout_ms; when it passes, the
 * zone counts as timed out and the c-ares query is left to end on its own
 * (an orphan), so a dead resolver never holds a result back.
 */
#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dnsbl.h"
#include "log.h"
#include "util.h"

#define NSEC_PER_MSEC 1000000ULL
#define DEFAULT_HEALTH_SEC 300
#define DEFAULT_CACHE_MAX 16384
#define DEFAULT_RATE_WINDOW_SEC 300
#define DEFAULT_RATE_MIN 20
#define DEFAULT_RATE_PCT 50
#define DEFAULT_WARN_SEC 300
/* Good probes in a row that enable a disabled zone again. */
#define ENABLE_PROBES 2
/* First retry delay after an error; it doubles up to max(min_ttl, this). */
#define RETRY_BASE_SEC 2
/* The listing-rate window is kept as this many buckets. */
#define RATE_BUCKETS 5

enum probe_point { P4_LISTED, P4_CLEAN, P6_LISTED, P6_CLEAN, NPOINTS };

/* One zone's response for one address, as cached. */
struct zresp {
	uint8_t status;
	uint8_t naddr;
	uint16_t rtype;
	int rcode;
	uint32_t ttl;		/* as answered; the retry delay for errors */
	uint32_t gen;		/* the zone generation it belongs to */
	uint64_t expires_ns;	/* 0: no data */
	uint32_t addr[DNSBL_MAX_ANSWERS];
	uint32_t bad;
};

struct lookup;

struct centry {
	struct mxg_prefix addr;
	struct centry *hnext;
	struct centry *prev, *next;	/* LRU list, most recent first */
	struct lookup *lk;		/* lookup in flight, or NULL */
	struct zresp z[];		/* one per zone */
};

struct probe;

/* One c-ares query: for a lookup or for a health probe. */
struct zquery {
	struct dnsbl *d;
	struct zquery *prev, *next;	/* deadline list while linked */
	int linked;
	int orphan;			/* its owner gave up: free on callback */
	uint64_t deadline_ns;
	struct lookup *lk;
	struct probe *pr;
	int point;
	unsigned zone;
	char qname[256];
};

struct lookup {
	struct dnsbl *d;
	struct centry *e;
	dnsbl_done_fn cb;
	void *arg;
	unsigned pending;
	int starting;			/* queries are still being sent */
	struct zquery *q[DNSBL_MAX_SITES];
};

struct probe {
	struct dnsbl *d;
	unsigned zone;
	unsigned pending;
	int starting;
	struct zquery *q[NPOINTS];
	struct dnsbl_response res[NPOINTS];
};

struct zone {
	char name[DNSBL_ZONE_MAX + 1];
	const struct dnsbl_site *sites[DNSBL_MAX_SITES];
	size_t nsites;
	enum dnsbl_zone_state state;
	char reason[DNSBL_ERR_MAX];
	uint32_t gen;
	unsigned good_probes;
	uint64_t last_good_ns;
	uint64_t next_probe_ns;
	unsigned probe_retry_sec;	/* retry delay while pending */
	struct probe *probe;
	int ipv6;
	unsigned err_streak;
	uint64_t bucket_epoch[RATE_BUCKETS];
	uint32_t bucket_lookups[RATE_BUCKETS];
	uint32_t bucket_listed[RATE_BUCKETS];
	double base_lookups, base_listed;	/* decayed history of the rate */
	uint64_t warn_next_ns;
	unsigned warn_suppressed;
	struct dnsbl_zone_stats st;
};

struct watched {
	int fd;
	int r, w;
};

struct dnsbl {
	ares_channel ch;
	int ares_ready;
	struct dnsbl_site *sites;
	size_t nsites;
	unsigned site_zone[DNSBL_MAX_SITES];
	struct zone *zones;
	size_t nzones;
	struct dnsbl_opts o;

	struct centry **htab;
	size_t hmask;
	unsigned ncached;
	struct centry lru;		/* list head */

	struct zquery *qhead, *qtail;
	unsigned inflight;

	struct watched *fds;
	size_t nfds, capfds;
	dnsbl_watch_fn watch;
	void *watch_arg;
	dnsbl_zone_fn zone_cb;
	void *zone_arg;
	int destroying;
	struct dnsbl_stats st;
};

static void lookup_finish(struct lookup *lk);
static void probe_finish(struct probe *pr);

/* --- small helpers -------------------------------------------------------- */

static uint64_t sec_ns(uint64_t s)
{
	return s * NSEC_PER_SEC;
}

static uint32_t clamp_ttl(const struct dnsbl *d, uint32_t t)
{
	if (t < d->o.min_ttl)
		return d->o.min_ttl;
	return t > d->o.max_ttl ? d->o.max_ttl : t;
}

static const char *ip4_text(uint32_t a, char *buf, size_t len)
{
	struct in_addr in = { .s_addr = htonl(a) };

	return inet_ntop(AF_INET, &in, buf, len);
}

/*
 * zone_warn - log a warning about zone z, at most one per warn interval.
 * The next warning reports how many were suppressed meanwhile.
 */
static void zone_warn(struct dnsbl *d, struct zone *z, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void zone_warn(struct dnsbl *d, struct zone *z, const char *fmt, ...)
{
	uint64_t now = now_boot_ns();
	char msg[512];
	va_list ap;

	if (now < z->warn_next_ns) {
		z->warn_suppressed++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (z->warn_suppressed)
		pr_warn("DNSBL zone '%s': %s (and %u more problems since the last warning)",
			z->name, msg, z->warn_suppressed);
	else
		pr_warn("DNSBL zone '%s': %s", z->name, msg);
	z->warn_suppressed = 0;
	z->warn_next_ns = now + sec_ns(d->o.warn_interval_sec);
}

/* --- zone state ----------------------------------------------------------- */

static void rate_reset(struct zone *z)
{
	memset(z->bucket_epoch, 0, sizeof(z->bucket_epoch));
	memset(z->bucket_lookups, 0, sizeof(z->bucket_lookups));
	memset(z->bucket_listed, 0, sizeof(z->bucket_listed));
	z->base_lookups = z->base_listed = 0;
}

static void zone_disable(struct dnsbl *d, struct zone *z, const char *reason)
{
	snprintf(z->reason, sizeof(z->reason), "%s", reason);
	z->good_probes = 0;
	if (z->state == DNSBL_ZONE_DISABLED)
		return;
	z->state = DNSBL_ZONE_DISABLED;
	z->gen++;	/* its cached answers are no longer trusted */
	z->st.disables++;
	d->st.zones_disabled++;
	rate_reset(z);
	pr_warn("DNSBL zone '%s' disabled: %s; it is ignored until %d health probes in a row pass",
		z->name, reason, ENABLE_PROBES);
	if (d->zone_cb)
		d->zone_cb(z->name, z->state, z->reason, z->last_good_ns, d->zone_arg);
}

static void zone_enable(struct dnsbl *d, struct zone *z)
{
	enum dnsbl_zone_state old = z->state;

	z->state = DNSBL_ZONE_ENABLED;
	z->reason[0] = '\0';
	if (old == DNSBL_ZONE_DISABLED) {
		z->gen++;
		rate_reset(z);
		pr_warn("DNSBL zone '%s' enabled again: %d health probes in a row passed",
			z->name, ENABLE_PROBES);
	} else {
		pr_debug("DNSBL zone '%s' passed its health probe", z->name);
	}
	if (d->zone_cb)
		d->zone_cb(z->name, z->state, NULL, z->last_good_ns, d->zone_arg);
}

/*
 * rate_note - count one answered lookup of z and disable z when its
 * listing rate over the window jumps: more than rate_max_percent of at
 * least rate_min_lookups addresses, and more than twice the zone's own
 * decayed history. Without enough history the check waits, because on a
 * busy mail server most sources may be listed all along.
 */
static void rate_note(struct dnsbl *d, struct zone *z, int listed)
{
	uint64_t blen = sec_ns(d->o.rate_window_sec) / RATE_BUCKETS;
	uint64_t epoch = now_boot_ns() / (blen ? blen : 1) + 1;	/* 0: unused */
	unsigned b, idx = epoch % RATE_BUCKETS;
	uint32_t lookups = 0, nlisted = 0;
	char reason[DNSBL_ERR_MAX];
	double rate, base;

	/* fold the buckets that left the window into the history */
	for (b = 0; b < RATE_BUCKETS; b++) {
		if (z->bucket_epoch[b] && epoch - z->bucket_epoch[b] < RATE_BUCKETS)
			continue;
		if (z->bucket_lookups[b]) {
			z->base_lookups = z->base_lookups * 7 / 8 + z->bucket_lookups[b];
			z->base_listed = z->base_listed * 7 / 8 + z->bucket_listed[b];
		}
		z->bucket_lookups[b] = z->bucket_listed[b] = 0;
		z->bucket_epoch[b] = 0;
	}
	z->bucket_epoch[idx] = epoch;
	z->bucket_lookups[idx]++;
	z->bucket_listed[idx] += !!listed;

	if (d->o.rate_max_percent > 100 || z->state != DNSBL_ZONE_ENABLED)
		return;
	for (b = 0; b < RATE_BUCKETS; b++) {
		lookups += z->bucket_lookups[b];
		nlisted += z->bucket_listed[b];
	}
	if (lookups < d->o.rate_min_lookups ||
	    (uint64_t)nlisted * 100 <= (uint64_t)d->o.rate_max_percent * lookups)
		return;
	if (z->base_lookups < d->o.rate_min_lookups)
		return;
	rate = (double)nlisted / lookups;
	base = z->base_listed / z->base_lookups;
	if (rate <= 2 * base)
		return;
	snprintf(reason, sizeof(reason),
		 "listed %u of the last %u addresses looked up (%.0f%%, usually %.0f%%): the zone may list the world",
		 nlisted, lookups, rate * 100, base * 100);
	zone_disable(d, z, reason);
}

/* --- sockets -------------------------------------------------------------- */

static void sock_state_cb(void *data, ares_socket_t fd, int readable,
			  int writable)
{
	struct dnsbl *d = data;
	size_t i;

	for (i = 0; i < d->nfds; i++)
		if (d->fds[i].fd == fd)
			break;
	if (!readable && !writable) {
		if (i < d->nfds)
			d->fds[i] = d->fds[--d->nfds];
	} else {
		if (i == d->nfds) {
			if (d->nfds == d->capfds) {
				size_t cap = d->capfds ? d->capfds * 2 : 8;
				struct watched *n = realloc(d->fds, cap * sizeof(*n));

				/* XXX: without memory the socket goes unwatched and its queries time out */
				if (!n)
					return;
				d->fds = n;
				d->capfds = cap;
			}
			d->nfds++;
		}
		d->fds[i].fd = fd;
		d->fds[i].r = readable;
		d->fds[i].w = writable;
	}
	if (d->watch)
		d->watch(fd, readable, writable, d->watch_arg);
}

void dnsbl_set_watch(struct dnsbl *d, dnsbl_watch_fn fn, void *arg)
{
	size_t i;

	d->watch = fn;
	d->watch_arg = arg;
	for (i = 0; fn && i < d->nfds; i++)
		fn(d->fds[i].fd, d->fds[i].r, d->fds[i].w, arg);
}

void dnsbl_set_zone_cb(struct dnsbl *d, dnsbl_zone_fn fn, void *arg)
{
	d->zone_cb = fn;
	d->zone_arg = arg;
}

/* --- cache ---------------------------------------------------------------- */

static size_t addr_hash(const struct mxg_prefix *a)
{
	uint64_t h = 1469598103934665603ULL ^ a->family;
	int i;

	for (i = 0; i < 16; i++)
		h = (h ^ a->addr[i]) * 1099511628211ULL;
	return (size_t)(h ^ (h >> 29));
}

static int same_addr(const struct mxg_prefix *a, const struct mxg_prefix *b)
{
	return a->family == b->family && !memcmp(a->addr, b->addr, 16);
}

static void lru_unlink(struct centry *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
}

static void lru_push(struct dnsbl *d, struct centry *e)
{
	e->next = d->lru.next;
	e->prev = &d->lru;
	d->lru.next->prev = e;
	d->lru.next = e;
}

static struct centry *cache_find(struct dnsbl *d, const struct mxg_prefix *a)
{
	struct centry *e;

	for (e = d->htab[addr_hash(a) & d->hmask]; e; e = e->hnext) {
		if (same_addr(&e->addr, a)) {
			lru_unlink(e);
			lru_push(d, e);
			return e;
		}
	}
	return NULL;
}

static void cache_remove(struct dnsbl *d, struct centry *e)
{
	struct centry **pp = &d->htab[addr_hash(&e->addr) & d->hmask];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	lru_unlink(e);
	d->ncached--;
	free(e);
}

/* cache_insert - a new entry for a, evicting the least recently used. */
static struct centry *cache_insert(struct dnsbl *d, const struct mxg_prefix *a)
{
	struct centry *e, *victim;
	size_t slot;

	if (d->ncached >= d->o.cache_max) {
		/* entries with a lookup in flight stay */
		for (victim = d->lru.prev; victim != &d->lru && victim->lk;
		     victim = victim->prev)
			;
		if (victim == &d->lru)
			return NULL;
		cache_remove(d, victim);
	}
	e = calloc(1, sizeof(*e) + d->nzones * sizeof(e->z[0]));
	if (!e)
		return NULL;
	e->addr = *a;
	slot = addr_hash(a) & d->hmask;
	e->hnext = d->htab[slot];
	d->htab[slot] = e;
	lru_push(d, e);
	d->ncached++;
	return e;
}

static int zresp_valid(const struct dnsbl *d, const struct centry *e,
		       unsigned zi, uint64_t now)
{
	const struct zresp *zr = &e->z[zi];

	return zr->expires_ns > now && zr->gen == d->zones[zi].gen;
}

/* --- results -------------------------------------------------------------- */

static int status_is_dns_failure(int st)
{
	switch (st) {
	case DNSBL_ST_TIMEOUT:
	case DNSBL_ST_SERVFAIL:
	case DNSBL_ST_REFUSED:
	case DNSBL_ST_NETWORK:
	case DNSBL_ST_MALFORMED:
	case DNSBL_ST_RCODE:
	case DNSBL_ST_OTHER:
		return 1;
	}
	return 0;
}

static void fill_entry(const struct dnsbl *d, const struct centry *e,
		       size_t i, uint64_t now, struct dnsbl_zone_result *zr)
{
	unsigned zi = d->site_zone[i];
	const struct zone *z = &d->zones[zi];
	const struct zresp *c = &e->z[zi];
	struct dnsbl_response resp;
	unsigned k;

	memset(zr, 0, sizeof(*zr));
	zr->site = &d->sites[i];
	zr->zone = zr->site->zone;
	zr->filter = zr->site->filter;
	zr->weight = zr->site->weight;
	if (z->state == DNSBL_ZONE_DISABLED) {
		zr->disabled = 1;
		snprintf(zr->errbuf, sizeof(zr->errbuf), "zone disabled: %.200s", z->reason);
		zr->error = zr->errbuf;
		return;
	}
	if (!zresp_valid(d, e, zi, now) && !(c->expires_ns && c->gen == z->gen)) {
		snprintf(zr->errbuf, sizeof(zr->errbuf), "not looked up");
		zr->error = zr->errbuf;
		return;
	}
	zr->status = c->status;
	zr->ttl = c->ttl;
	zr->nanswers = c->naddr;
	for (k = 0; k < c->naddr; k++) {
		zr->addrs[k] = c->addr[k];
		ip4_text(c->addr[k], zr->answers[k], sizeof(zr->answers[k]));
	}
	if (dnsbl_status_failed(c->status)) {
		memset(&resp, 0, sizeof(resp));
		resp.status = c->status;
		resp.rcode = c->rcode;
		resp.rtype = c->rtype;
		resp.bad = c->bad;
		dnsbl_response_error(&resp, zr->errbuf, sizeof(zr->errbuf));
		zr->error = zr->errbuf;
	}
	if (z->state == DNSBL_ZONE_PENDING) {
		zr->pending = 1;
		if (!zr->error) {
			snprintf(zr->errbuf, sizeof(zr->errbuf), "zone not checked yet: %.200s",
				 z->reason[0] ? z->reason : "health probe pending");
			zr->error = zr->errbuf;
		}
	}
}

/* result_build - the result for e from its cached responses. */
static void result_build(const struct dnsbl *d, const struct centry *e,
			 int from_cache, struct dnsbl_result *r)
{
	uint64_t now = now_boot_ns();
	uint32_t seen = 0;
	size_t i;

	memset(r, 0, offsetof(struct dnsbl_result, zones));
	r->addr = e->addr;
	r->from_cache = from_cache;
	r->nzones = d->nsites;
	for (i = 0; i < d->nsites; i++) {
		unsigned zi = d->site_zone[i];

		fill_entry(d, e, i, now, &r->zones[i]);
		if (seen & (1u << zi) || r->zones[i].disabled ||
		    r->zones[i].status == DNSBL_ST_NONE)
			continue;
		seen |= 1u << zi;
		r->nqueried++;
		if (!status_is_dns_failure(r->zones[i].status))
			r->nanswered++;
	}
	dnsbl_result_score(r, d->o.threshold, d->o.wl_threshold, d->o.min_ttl,
			   d->o.max_ttl);
}

/* --- queries -------------------------------------------------------------- */

static void q_link(struct dnsbl *d, struct zquery *q)
{
	q->prev = d->qtail;
	q->next = NULL;
	if (d->qtail)
		d->qtail->next = q;
	else
		d->qhead = q;
	d->qtail = q;
	q->linked = 1;
}

static void q_unlink(struct dnsbl *d, struct zquery *q)
{
	if (!q->linked)
		return;
	if (q->prev)
		q->prev->next = q->next;
	else
		d->qhead = q->next;
	if (q->next)
		q->next->prev = q->prev;
	else
		d->qtail = q->prev;
	q->linked = 0;
}

static void response_from_status(int status, struct dnsbl_response *r)
{
	memset(r, 0, sizeof(*r));
	switch (status) {
	case ARES_ETIMEOUT:
		r->status = DNSBL_ST_TIMEOUT;
		break;
	case ARES_ESERVFAIL:
		r->status = DNSBL_ST_SERVFAIL;
		break;
	case ARES_EREFUSED:
		r->status = DNSBL_ST_REFUSED;
		break;
	case ARES_ECONNREFUSED:
		r->status = DNSBL_ST_NETWORK;
		break;
	case ARES_EBADRESP:
	case ARES_EFORMERR:
		r->status = DNSBL_ST_MALFORMED;
		break;
	case ARES_ENOTIMP:
		r->status = DNSBL_ST_RCODE;
		r->rcode = 4;
		break;
	default:
		r->status = DNSBL_ST_OTHER;
		break;
	}
}

static void lookup_zone_done(struct lookup *lk, unsigned zi,
			     struct dnsbl_response *resp);
static void probe_point_done(struct probe *pr, int point,
			     const struct dnsbl_response *resp);

/* q_deliver - hand a response to the owner of q; q is not used afterwards. */
static void q_deliver(struct zquery *q, struct dnsbl_response *resp)
{
	if (q->lk) {
		q->lk->q[q->zone] = NULL;
		lookup_zone_done(q->lk, q->zone, resp);
	} else if (q->pr) {
		q->pr->q[q->point] = NULL;
		probe_point_done(q->pr, q->point, resp);
	}
	q->lk = NULL;
	q->pr = NULL;
}

static void on_response(void *arg, int status, int timeouts,
			unsigned char *abuf, int alen)
{
	struct zquery *q = arg;
	struct dnsbl *d = q->d;
	struct dnsbl_response resp;

	if (d->destroying || q->orphan) {
		free(q);
		return;
	}
	q_unlink(d, q);
	if (abuf && alen > 0)
		dnsbl_parse_response(abuf, (size_t)alen, q->qname, &resp);
	else
		response_from_status(status, &resp);
	pr_debug("DNSBL query '%s': c-ares status %d (%s), response status %d",
		 q->qname, status, ares_strerror(status), resp.status);
	q_deliver(q, &resp);
	free(q);
}

/*
 * q_send - start one query for a lookup or a probe. The callback may run
 * before ares_query() returns; the owner counts the query as pending
 * beforehand and checks its "starting" flag to finish only afterwards.
 */
static int q_send(struct dnsbl *d, const char *qname, unsigned zone,
		  struct lookup *lk, struct probe *pr, int point)
{
	struct zquery *q = calloc(1, sizeof(*q));

	if (!q)
		return -ENOMEM;
	q->d = d;
	q->zone = zone;
	q->lk = lk;
	q->pr = pr;
	q->point = point;
	snprintf(q->qname, sizeof(q->qname), "%s", qname);
	q->deadline_ns = now_boot_ns() + d->o.timeout_ms * NSEC_PER_MSEC;
	if (lk) {
		lk->q[zone] = q;
		lk->pending++;
	} else {
		pr->q[point] = q;
		pr->pending++;
	}
	q_link(d, q);
	d->st.queries++;
	ares_query(d->ch, q->qname, ns_c_in, ns_t_a, on_response, q);
	return 0;
}

/* --- lookups -------------------------------------------------------------- */

static uint32_t retry_delay(const struct dnsbl *d, const struct zone *z)
{
	unsigned cap = d->o.min_ttl > RETRY_BASE_SEC ? d->o.min_ttl : RETRY_BASE_SEC;
	unsigned shift = z->err_streak > 1 ? z->err_streak - 1 : 0;
	uint64_t t;

	if (shift > 10)
		shift = 10;
	t = (uint64_t)RETRY_BASE_SEC << shift;
	return t > cap ? cap : (uint32_t)t;
}

/* answer_listed - 1 when an answer passes a filter of z; *unmatched set. */
static int answer_listed(const struct zone *z, const struct dnsbl_response *r,
			 uint32_t *unmatched)
{
	int listed = 0;
	unsigned k;
	size_t i;

	*unmatched = 0;
	for (k = 0; k < r->naddr; k++) {
		int hit = 0;

		for (i = 0; i < z->nsites; i++)
			hit |= dnsbl_site_match(z->sites[i], r->addr[k]);
		if (hit)
			listed = 1;
		else if (!*unmatched)
			*unmatched = r->addr[k];
	}
	return listed;
}

static void lookup_zone_done(struct lookup *lk, unsigned zi,
			     struct dnsbl_response *resp)
{
	struct dnsbl *d = lk->d;
	struct zone *z = &d->zones[zi];
	struct zresp *c = &lk->e->z[zi];
	uint64_t now = now_boot_ns();
	char ebuf[DNSBL_ERR_MAX], a[INET_ADDRSTRLEN], qbuf[300];
	uint32_t unmatched;
	int listed;

	dnsbl_classify(resp, z->sites, z->nsites);
	memset(c, 0, sizeof(*c));
	c->status = resp->status;
	c->rcode = resp->rcode;
	c->rtype = resp->rtype;
	c->bad = resp->bad;
	c->gen = z->gen;

	if (dnsbl_status_failed(resp->status)) {
		z->err_streak++;
		z->st.errors++;
		d->st.errors++;
		if (resp->status == DNSBL_ST_TIMEOUT) {
			z->st.timeouts++;
			d->st.timeouts++;
		}
		if (resp->status == DNSBL_ST_ERROR_CODE || resp->status == DNSBL_ST_OUTSIDE)
			z->st.error_answers++;
		c->ttl = retry_delay(d, z);
		c->expires_ns = now + sec_ns(c->ttl);
		if (dnsbl_query_name(&lk->e->addr, z->name, qbuf, sizeof(qbuf)))
			qbuf[0] = '\0';
		zone_warn(d, z, "query '%s': %s; the zone does not count for this address",
			  qbuf, dnsbl_response_error(resp, ebuf, sizeof(ebuf)));
		goto out;
	}

	z->err_streak = 0;
	z->st.answers++;
	c->naddr = resp->naddr;
	memcpy(c->addr, resp->addr, sizeof(c->addr));
	c->ttl = resp->has_ttl ? resp->ttl : d->o.min_ttl;
	c->expires_ns = now + sec_ns(clamp_ttl(d, c->ttl));
	listed = answer_listed(z, resp, &unmatched);
	if (listed)
		z->st.listed++;
	if (unmatched) {
		z->st.error_answers++;
		zone_warn(d, z, "answer %s matches no filter of the zone, ignored",
			  ip4_text(unmatched, a, sizeof(a)));
	}
	rate_note(d, z, listed);
out:
	lk->pending--;
	if (!lk->pending && !lk->starting)
		lookup_finish(lk);
}

static void lookup_finish(struct lookup *lk)
{
	struct dnsbl *d = lk->d;
	struct dnsbl_result r;

	lk->e->lk = NULL;
	d->inflight--;
	result_build(d, lk->e, 0, &r);
	if (lk->cb)
		lk->cb(&r, lk->arg);
	free(lk);
}

/* cache_hit - 1 when every zone that is not disabled has fresh data. */
static int cache_hit(const struct dnsbl *d, const struct centry *e, uint64_t now)
{
	size_t zi;

	for (zi = 0; zi < d->nzones; zi++)
		if (d->zones[zi].state != DNSBL_ZONE_DISABLED &&
		    !zresp_valid(d, e, zi, now))
			return 0;
	return 1;
}

int dnsbl_submit(struct dnsbl *d, const struct mxg_prefix *addr,
		 dnsbl_done_fn cb, void *arg)
{
	uint64_t now = now_boot_ns();
	struct dnsbl_result r;
	struct lookup *lk;
	struct centry *e;
	char qname[300];
	size_t zi;

	if (!prefix_is_host(addr) ||
	    (addr->family != AF_INET && addr->family != AF_INET6))
		return -EINVAL;
	d->st.submits++;

	e = cache_find(d, addr);
	if (e && e->lk) {
		d->st.duplicates++;
		return -EALREADY;
	}
	if (e && cache_hit(d, e, now)) {
		result_build(d, e, 1, &r);
		d->st.cache_hits++;
		if (r.verdict == DNSBL_CLEAN)
			d->st.neg_cache_hits++;
		cb(&r, arg);
		return 1;
	}
	if (d->inflight >= d->o.max_inflight) {
		d->st.overcap++;
		return -EBUSY;
	}
	if (!e)
		e = cache_insert(d, addr);
	if (!e) {
		d->st.overcap++;
		return -EBUSY;
	}
	lk = calloc(1, sizeof(*lk));
	if (!lk)
		return -ENOMEM;
	lk->d = d;
	lk->e = e;
	lk->cb = cb;
	lk->arg = arg;
	lk->starting = 1;
	e->lk = lk;
	d->inflight++;
	d->st.lookups++;

	for (zi = 0; zi < d->nzones; zi++) {
		struct zone *z = &d->zones[zi];

		if (z->state == DNSBL_ZONE_DISABLED || zresp_valid(d, e, zi, now))
			continue;
		if (dnsbl_query_name(addr, z->name, qname, sizeof(qname)))
			continue;	/* cannot happen: zone lengths are checked */
		z->st.queries++;
		if (q_send(d, qname, zi, lk, NULL, 0)) {
			struct dnsbl_response resp;

			response_from_status(ARES_ENOMEM, &resp);
			lk->pending++;
			lookup_zone_done(lk, zi, &resp);
		}
	}
	lk->starting = 0;
	if (lk->pending)
		return 0;
	/* every zone answered at once (or none needed a query) */
	lookup_finish(lk);
	return 1;
}

/* --- health probes ------------------------------------------------------- */

static const char *const point_text[NPOINTS] = {
	"127.0.0.2", "127.0.0.1", "::2", "::1",
};

static void probe_start(struct dnsbl *d, unsigned zi)
{
	struct zone *z = &d->zones[zi];
	char err[64], qname[300];
	struct probe *pr;
	int p;

	if (z->probe)
		return;
	pr = calloc(1, sizeof(*pr));
	if (!pr) {
		z->next_probe_ns = now_boot_ns() + sec_ns(RETRY_BASE_SEC);
		return;
	}
	pr->d = d;
	pr->zone = zi;
	pr->starting = 1;
	z->probe = pr;
	z->st.probes++;
	for (p = 0; p < NPOINTS; p++) {
		struct mxg_prefix a;

		addr_parse(point_text[p], &a, err, sizeof(err));
		dnsbl_query_name(&a, z->name, qname, sizeof(qname));
		if (q_send(d, qname, zi, NULL, pr, p)) {
			response_from_status(ARES_ENOMEM, &pr->res[p]);
			pr->res[p].status = DNSBL_ST_OTHER;
		}
	}
	pr->starting = 0;
	if (!pr->pending)
		probe_finish(pr);
}

static void probe_point_done(struct probe *pr, int point,
			     const struct dnsbl_response *resp)
{
	struct zone *z = &pr->d->zones[pr->zone];

	pr->res[point] = *resp;
	dnsbl_classify(&pr->res[point], z->sites, z->nsites);
	pr->pending--;
	if (!pr->pending && !pr->starting)
		probe_finish(pr);
}

/* answer_error - 1 when the test point answered with error records. */
static int answer_error(const struct dnsbl_response *r)
{
	return r->status == DNSBL_ST_ERROR_CODE || r->status == DNSBL_ST_OUTSIDE ||
	       r->status == DNSBL_ST_FOREIGN || r->status == DNSBL_ST_TOO_MANY;
}

/*
 * probe_verdict - 1 good, 0 bad, -1 inconclusive (no usable answer), with
 * the reason in buf.
 */
static int probe_verdict(struct zone *z, struct probe *pr, char *buf, size_t len)
{
	struct dnsbl_response *listed = &pr->res[P4_LISTED];
	struct dnsbl_response *clean = &pr->res[P4_CLEAN];
	char e[DNSBL_ERR_MAX];
	int p;

	for (p = P4_LISTED; p <= P4_CLEAN; p++) {
		if (answer_error(&pr->res[p])) {
			snprintf(buf, len, "test point %s: %.160s; use a local resolver",
				 point_text[p], dnsbl_response_error(&pr->res[p], e, sizeof(e)));
			return 0;
		}
	}
	for (p = P4_LISTED; p <= P4_CLEAN; p++) {
		if (dnsbl_status_failed(pr->res[p].status)) {
			snprintf(buf, len, "health probe of %s: %.200s", point_text[p],
				 dnsbl_response_error(&pr->res[p], e, sizeof(e)));
			return -1;
		}
	}
	if (listed->status != DNSBL_ST_ANSWER) {
		snprintf(buf, len,
			 "the test point 127.0.0.2 is not listed: the zone is dead or lists nothing");
		return 0;
	}
	if (clean->status == DNSBL_ST_ANSWER) {
		snprintf(buf, len,
			 "the test point 127.0.0.1 is listed: the zone lists every address");
		return 0;
	}

	/* IPv6 test points count only where the zone lists ::2 */
	z->ipv6 = pr->res[P6_LISTED].status == DNSBL_ST_ANSWER;
	if (z->ipv6 && pr->res[P6_CLEAN].status == DNSBL_ST_ANSWER) {
		snprintf(buf, len,
			 "the IPv6 test point ::1 is listed: the zone lists every address");
		return 0;
	}
	buf[0] = '\0';
	return 1;
}

static void probe_finish(struct probe *pr)
{
	struct dnsbl *d = pr->d;
	struct zone *z = &d->zones[pr->zone];
	uint64_t now = now_boot_ns();
	unsigned interval = d->o.health_interval_sec;
	char reason[DNSBL_ERR_MAX];
	int v = probe_verdict(z, pr, reason, sizeof(reason));

	z->probe = NULL;
	free(pr);
	z->next_probe_ns = now + sec_ns(interval);
	if (v == 0) {
		zone_disable(d, z, reason);
		return;
	}
	if (v < 0) {
		/* no usable answer: a zone never checked retries sooner */
		if (z->state == DNSBL_ZONE_PENDING) {
			snprintf(z->reason, sizeof(z->reason), "%s", reason);
			z->probe_retry_sec = z->probe_retry_sec ? z->probe_retry_sec * 2 : 1;
			if (z->probe_retry_sec > interval)
				z->probe_retry_sec = interval;
			z->next_probe_ns = now + sec_ns(z->probe_retry_sec);
		}
		zone_warn(d, z, "%s", reason);
		return;
	}
	z->last_good_ns = now;
	z->probe_retry_sec = 0;
	if (z->state == DNSBL_ZONE_PENDING) {
		zone_enable(d, z);
	} else if (z->state == DNSBL_ZONE_DISABLED) {
		if (++z->good_probes >= ENABLE_PROBES)
			zone_enable(d, z);
	}
}

/* --- event loop ----------------------------------------------------------- */

void dnsbl_process_fd(struct dnsbl *d, int fd, int readable, int writable)
{
	ares_process_fd(d->ch, readable ? fd : ARES_SOCKET_BAD,
			writable ? fd : ARES_SOCKET_BAD);
}

void dnsbl_tick(struct dnsbl *d)
{
	uint64_t now;
	size_t zi;

	ares_process_fd(d->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);

	/* queries past their deadline: the owner sees a timeout now */
	now = now_boot_ns();
	while (d->qhead && d->qhead->deadline_ns <= now) {
		struct zquery *q = d->qhead;
		struct dnsbl_response resp;

		q_unlink(d, q);
		q->orphan = 1;
		response_from_status(ARES_ETIMEOUT, &resp);
		q_deliver(q, &resp);
	}

	for (zi = 0; zi < d->nzones; zi++)
		if (!d->zones[zi].probe && d->zones[zi].next_probe_ns <= now)
			probe_start(d, zi);
}

int dnsbl_next_timeout_ms(struct dnsbl *d)
{
	uint64_t now = now_boot_ns(), next = UINT64_MAX;
	struct timeval tv, *t;
	size_t zi;

	t = ares_timeout(d->ch, NULL, &tv);
	if (t)
		next = now + t->tv_sec * NSEC_PER_SEC + t->tv_usec * 1000ULL;
	if (d->qhead && d->qhead->deadline_ns < next)
		next = d->qhead->deadline_ns;
	for (zi = 0; zi < d->nzones; zi++)
		if (!d->zones[zi].probe && d->zones[zi].next_probe_ns < next)
			next = d->zones[zi].next_probe_ns;
	if (next == UINT64_MAX)
		return -1;
	if (next <= now)
		return 0;
	next = (next - now + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC;
	return next > 3600000 ? 3600000 : (int)next;
}

/* --- synchronous use ------------------------------------------------------ */

static int probes_running(const struct dnsbl *d)
{
	size_t zi;

	for (zi = 0; zi < d->nzones; zi++)
		if (d->zones[zi].probe)
			return 1;
	return 0;
}

/* run_once - wait for the sockets or the next timer, then handle both. */
static void run_once(struct dnsbl *d)
{
	struct pollfd pfd[64];
	int t = dnsbl_next_timeout_ms(d), n = 0, i;
	size_t k;

	for (k = 0; k < d->nfds && n < (int)ARRAY_SIZE(pfd); k++) {
		pfd[n].fd = d->fds[k].fd;
		pfd[n].events = (d->fds[k].r ? POLLIN : 0) | (d->fds[k].w ? POLLOUT : 0);
		pfd[n].revents = 0;
		n++;
	}
	if (t < 0 || t > 1000)
		t = 1000;
	if (poll(pfd, n, t) > 0) {
		for (i = 0; i < n; i++) {
			if (!pfd[i].revents)
				continue;
			dnsbl_process_fd(d, pfd[i].fd,
					 !!(pfd[i].revents & (POLLIN | POLLERR | POLLHUP)),
					 !!(pfd[i].revents & POLLOUT));
		}
	}
	dnsbl_tick(d);
}

struct sync_ctx {
	int done;
	struct dnsbl_result *r;
};

static void sync_done(const struct dnsbl_result *r, void *arg)
{
	struct sync_ctx *c = arg;

	*c->r = *r;
	c->done = 1;
}

/* start_pending_probes - probe the zones never checked, now. */
static void start_pending_probes(struct dnsbl *d)
{
	size_t zi;

	for (zi = 0; zi < d->nzones; zi++)
		if (d->zones[zi].state == DNSBL_ZONE_PENDING && !d->zones[zi].probe)
			probe_start(d, zi);
}

int dnsbl_check_sync(struct dnsbl *d, const struct mxg_prefix *addr,
		     struct dnsbl_result *r)
{
	struct sync_ctx c = { .r = r };
	struct centry *e;
	int ret;

	start_pending_probes(d);
	ret = dnsbl_submit(d, addr, sync_done, &c);
	if (ret < 0)
		return ret;
	while (!c.done || probes_running(d))
		run_once(d);

	/* score again: a probe may have enabled or disabled a zone meanwhile */
	e = cache_find(d, addr);
	if (e)
		result_build(d, e, ret == 1, r);
	return 0;
}

void dnsbl_health_sync(struct dnsbl *d)
{
	size_t zi;

	for (zi = 0; zi < d->nzones; zi++)
		probe_start(d, zi);
	while (probes_running(d))
		run_once(d);
}

/* --- statistics ----------------------------------------------------------- */

void dnsbl_get_stats(const struct dnsbl *d, struct dnsbl_stats *s)
{
	size_t zi;

	*s = d->st;
	s->zones_down = 0;
	for (zi = 0; zi < d->nzones; zi++)
		s->zones_down += d->zones[zi].state == DNSBL_ZONE_DISABLED;
	s->inflight = d->inflight;
	s->cached = d->ncached;
}

size_t dnsbl_zone_count(const struct dnsbl *d)
{
	return d->nzones;
}

int dnsbl_get_zone_stats(const struct dnsbl *d, size_t i,
			 struct dnsbl_zone_stats *zs)
{
	const struct zone *z;

	if (i >= d->nzones)
		return -ENOENT;
	z = &d->zones[i];
	*zs = z->st;
	zs->zone = z->name;
	zs->state = z->state;
	zs->reason = z->reason[0] ? z->reason : NULL;
	zs->ipv6 = z->ipv6;
	return 0;
}

/* --- setup ---------------------------------------------------------------- */

/*
 * servers_csv - turn "host[:port], ..." (the dns_servers key) into the
 * "addr:port,[addr6]:port" list of ares_set_servers_ports_csv().
 */
static int servers_csv(const char *in, char *out, size_t outlen, char *err,
		       size_t errlen)
{
	char *copy = strdup(in), *tok, *save;
	size_t used = 0;
	int e = 0;

	if (!copy)
		return -ENOMEM;
	out[0] = '\0';
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char host[INET6_ADDRSTRLEN + 2], perr[128], item[INET6_ADDRSTRLEN + 16];
		const char *port = "53";
		char *t = str_trim(tok), *colon;
		struct mxg_prefix a;
		uint64_t pn;
		int n;

		if (!*t)
			continue;
		if (t[0] == '[') {
			char *close = strchr(t, ']');

			if (!close || (close[1] && close[1] != ':'))
				goto bad;
			*close = '\0';
			if (close[1] == ':')
				port = close + 2;
			t++;
		} else if ((colon = strchr(t, ':')) && !strchr(colon + 1, ':')) {
			*colon = '\0';
			port = colon + 1;
		}
		if (strlen(t) >= sizeof(host) || addr_parse(t, &a, perr, sizeof(perr)) ||
		    parse_u64(port, 1, 65535, &pn))
			goto bad;
		prefix_format(&a, host, sizeof(host));
		n = snprintf(item, sizeof(item), a.family == AF_INET6 ? "%s[%s]:%s" : "%s%s:%s",
			     used ? "," : "", host, port);
		if (n < 0 || used + n >= outlen)
			goto bad;
		memcpy(out + used, item, n + 1);
		used += n;
		continue;
bad:
		snprintf(err, errlen,
			 "invalid DNS server '%s': expected ADDR, ADDR:PORT or [IPV6]:PORT", tok);
		e = -EINVAL;
		break;
	}
	free(copy);
	return e;
}

static int setup_zones(struct dnsbl *d)
{
	size_t i, zi;

	d->zones = calloc(d->nsites ? d->nsites : 1, sizeof(*d->zones));
	if (!d->zones)
		return -ENOMEM;
	for (i = 0; i < d->nsites; i++) {
		for (zi = 0; zi < d->nzones; zi++)
			if (!strcmp(d->zones[zi].name, d->sites[i].zone))
				break;
		if (zi == d->nzones) {
			snprintf(d->zones[zi].name, sizeof(d->zones[zi].name), "%s",
				 d->sites[i].zone);
			d->nzones++;
		}
		d->zones[zi].sites[d->zones[zi].nsites++] = &d->sites[i];
		d->site_zone[i] = zi;
	}
	return 0;
}

static int setup_ares(struct dnsbl *d, char *err, size_t errlen)
{
	struct ares_options ao;
	char csv[2048];
	int optmask, e;

	memset(&ao, 0, sizeof(ao));
	/*
	 * NOCHECKRESP hands SERVFAIL and REFUSED responses (and those with
	 * another question) to dnsbl_parse_response(), which tells them apart;
	 * c-ares 1.18 would report them all as ARES_ECONNREFUSED. The cost: a
	 * SERVFAIL from the first of several servers is not retried on the next.
	 */
	ao.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | ARES_FLAG_NOCHECKRESP;
	/* two tries of a third each, so c-ares ends near the deadline too */
	ao.timeout = d->o.timeout_ms / 3 ? d->o.timeout_ms / 3 : 1;
	ao.tries = 2;
	ao.sock_state_cb = sock_state_cb;
	ao.sock_state_cb_data = d;
	optmask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
		  ARES_OPT_SOCK_STATE_CB;

	e = ares_library_init(ARES_LIB_INIT_ALL);
	if (e != ARES_SUCCESS) {
		snprintf(err, errlen, "failed to initialise c-ares: %s", ares_strerror(e));
		return -EIO;
	}
	e = ares_init_options(&d->ch, &ao, optmask);
	if (e != ARES_SUCCESS) {
		ares_library_cleanup();
		snprintf(err, errlen, "failed to initialise c-ares: %s", ares_strerror(e));
		return e == ARES_ENOMEM ? -ENOMEM : -EIO;
	}
	d->ares_ready = 1;
	if (!d->o.servers || !*d->o.servers)
		return 0;
	e = servers_csv(d->o.servers, csv, sizeof(csv), err, errlen);
	if (e)
		return e;
	e = ares_set_servers_ports_csv(d->ch, csv);
	if (e != ARES_SUCCESS) {
		snprintf(err, errlen, "failed to set the DNS servers '%s': %s", csv,
			 ares_strerror(e));
		return -EINVAL;
	}
	return 0;
}

static int check_opts(const struct dnsbl_opts *o, char *err, size_t errlen)
{
	if (o->nsites > DNSBL_MAX_SITES) {
		snprintf(err, errlen, "too many DNSBL sites: at most %d", DNSBL_MAX_SITES);
		return -EINVAL;
	}
	if (o->threshold < 1) {
		snprintf(err, errlen,
			 "invalid dnsbl_threshold %d: expected 1 or more, or every address would be listed",
			 o->threshold);
		return -EINVAL;
	}
	if (!o->min_ttl || o->min_ttl > o->max_ttl) {
		snprintf(err, errlen,
			 "invalid DNSBL TTL range %u..%u: expected 1 <= min <= max",
			 o->min_ttl, o->max_ttl);
		return -EINVAL;
	}
	if (!o->timeout_ms || !o->max_inflight) {
		snprintf(err, errlen, "the DNSBL timeout and in-flight limit must not be 0");
		return -EINVAL;
	}
	return 0;
}

struct dnsbl *dnsbl_new(const struct dnsbl_opts *o, char *err, size_t errlen)
{
	struct dnsbl *d;
	size_t hsize = 1;
	int e;

	e = check_opts(o, err, errlen);
	if (e) {
		errno = -e;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		goto out_nomem;
	d->o = *o;
	d->o.sites = NULL;
	d->o.servers = NULL;
	if (!d->o.health_interval_sec)
		d->o.health_interval_sec = DEFAULT_HEALTH_SEC;
	if (!d->o.cache_max)
		d->o.cache_max = DEFAULT_CACHE_MAX;
	if (d->o.cache_max < 2 * d->o.max_inflight)
		d->o.cache_max = 2 * d->o.max_inflight;
	if (!d->o.rate_window_sec)
		d->o.rate_window_sec = DEFAULT_RATE_WINDOW_SEC;
	if (!d->o.rate_min_lookups)
		d->o.rate_min_lookups = DEFAULT_RATE_MIN;
	if (!d->o.rate_max_percent)
		d->o.rate_max_percent = DEFAULT_RATE_PCT;
	if (!d->o.warn_interval_sec)
		d->o.warn_interval_sec = DEFAULT_WARN_SEC;
	d->lru.next = d->lru.prev = &d->lru;

	d->nsites = o->nsites;
	if (o->nsites) {
		d->sites = malloc(o->nsites * sizeof(*d->sites));
		if (!d->sites)
			goto out_free;
		memcpy(d->sites, o->sites, o->nsites * sizeof(*d->sites));
	}
	if (setup_zones(d))
		goto out_free;
	while (hsize < d->o.cache_max)
		hsize <<= 1;
	d->htab = calloc(hsize, sizeof(*d->htab));
	if (!d->htab)
		goto out_free;
	d->hmask = hsize - 1;

	d->o.servers = o->servers;
	e = setup_ares(d, err, errlen);
	d->o.servers = NULL;	/* the caller's string may go away */
	if (e) {
		dnsbl_free(d);
		errno = -e;
		return NULL;
	}
	return d;
out_free:
	dnsbl_free(d);
out_nomem:
	snprintf(err, errlen, "out of memory");
	errno = ENOMEM;
	return NULL;
}

void dnsbl_free(struct dnsbl *d)
{
	struct centry *e, *next;
	size_t zi;

	if (!d)
		return;
	d->destroying = 1;
	/* every outstanding callback runs now, with ARES_EDESTRUCTION */
	if (d->ares_ready) {
		ares_destroy(d->ch);
		ares_library_cleanup();
	}
	for (e = d->lru.next; e && e != &d->lru; e = next) {
		next = e->next;
		free(e->lk);
		free(e);
	}
	for (zi = 0; d->zones && zi < d->nzones; zi++)
		free(d->zones[zi].probe);
	free(d->htab);
	free(d->zones);
	free(d->sites);
	free(d->fds);
	free(d);
}
