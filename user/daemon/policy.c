// SPDX-License-Identifier: GPL-2.0-only
/*
 * policy.c - who gets banned, and for how long.
 *
 * Failures from the logs are counted per source (an IPv4 address, or an
 * IPv6 prefix of v6_prefix bits) in a sliding window of find_time; at
 * max_retry the source is banned for ban_time * ban_time_factor^strikes,
 * capped at ban_time_max, where strikes counts its earlier bans. A
 * successful login clears the count and makes the source trusted for
 * trust_time, which exempts it from DNSBL bans. Nothing automatic ever
 * bans an allowlisted, configured, own or martian address.
 *
 * The tracker is a hash table with an LRU list, bounded by TRACKER_MAX: a
 * flood of new sources forgets the least recently seen ones, never more.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include "log.h"
#include "mxguardd.h"
#include "names.h"
#include "util.h"

int tracker_init(struct tracker *t)
{
	memset(t, 0, sizeof(*t));
	t->nbuckets = 1;
	while (t->nbuckets < TRACKER_MAX)
		t->nbuckets <<= 1;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	return t->buckets ? 0 : -ENOMEM;
}

static void src_free(struct src *s)
{
	free(s->fails);
	free(s);
}

void tracker_free(struct tracker *t)
{
	struct src *s = t->lru_head, *next;

	for (; s; s = next) {
		next = s->lru_next;
		src_free(s);
	}
	free(t->buckets);
	memset(t, 0, sizeof(*t));
}

/* FNV-1a over the family, length and address bytes. */
static size_t key_hash(const struct mxg_prefix *k)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	h = (h ^ k->family) * 1099511628211ULL;
	h = (h ^ k->plen) * 1099511628211ULL;
	for (i = 0; i < 16; i++)
		h = (h ^ k->addr[i]) * 1099511628211ULL;
	return (size_t)h;
}

static void lru_unlink(struct tracker *t, struct src *s)
{
	if (s->lru_prev)
		s->lru_prev->lru_next = s->lru_next;
	else
		t->lru_head = s->lru_next;
	if (s->lru_next)
		s->lru_next->lru_prev = s->lru_prev;
	else
		t->lru_tail = s->lru_prev;
	s->lru_prev = s->lru_next = NULL;
}

static void lru_push_front(struct tracker *t, struct src *s)
{
	s->lru_next = t->lru_head;
	s->lru_prev = NULL;
	if (t->lru_head)
		t->lru_head->lru_prev = s;
	t->lru_head = s;
	if (!t->lru_tail)
		t->lru_tail = s;
}

static void hash_unlink(struct tracker *t, struct src *s)
{
	struct src **pp = &t->buckets[key_hash(&s->key) & (t->nbuckets - 1)];

	for (; *pp; pp = &(*pp)->hnext) {
		if (*pp == s) {
			*pp = s->hnext;
			return;
		}
	}
}

/* evict_one - forget the least recently seen source. */
static void evict_one(struct tracker *t)
{
	struct src *s = t->lru_tail;

	if (!s)
		return;
	lru_unlink(t, s);
	hash_unlink(t, s);
	src_free(s);
	t->n--;
	t->evicted++;
}

struct src *tracker_get(struct tracker *t, const struct mxg_prefix *key,
			int create, uint64_t now)
{
	size_t b = key_hash(key) & (t->nbuckets - 1);
	struct src *s;

	for (s = t->buckets[b]; s; s = s->hnext) {
		if (prefix_equal(&s->key, key)) {
			lru_unlink(t, s);
			lru_push_front(t, s);
			if (now)
				s->last_seen = now;
			return s;
		}
	}
	if (!create)
		return NULL;
	if (t->n >= TRACKER_MAX)
		evict_one(t);
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->key = *key;
	s->last_seen = now;
	s->hnext = t->buckets[b];
	t->buckets[b] = s;
	lru_push_front(t, s);
	t->n++;
	return s;
}

void policy_key(const struct daemon *d, const struct mxg_prefix *addr,
		struct mxg_prefix *key)
{
	*key = *addr;
	if (key->family == AF_INET6)
		prefix_truncate(key, d->v6_prefix);
}

/* in_allow_map - the kernel allowlist covers addr with a live entry. */
static int in_allow_map(struct daemon *d, const struct mxg_prefix *addr)
{
	struct mxg_lpm6_key k6 = { .prefixlen = 128 };
	struct mxg_lpm4_key k4 = { .prefixlen = 32 };
	struct mxg_entry e;
	int err;

	if (addr->family == AF_INET) {
		memcpy(k4.addr, addr->addr, 4);
		err = bpf_map_lookup_elem(d->guard.fd[GM_ALLOW4], &k4, &e);
	} else {
		memcpy(k6.addr, addr->addr, 16);
		err = bpf_map_lookup_elem(d->guard.fd[GM_ALLOW6], &k6, &e);
	}
	return !err && !guard_entry_expired(&e, now_boot_ns());
}

int policy_protected(struct daemon *d, const struct mxg_prefix *addr)
{
	return addr_is_martian(addr) || cfg_is_allowed(&d->cfg, addr) ||
	       in_allow_map(d, addr);
}

uint64_t policy_ban_time(const struct cfg *c, uint32_t strikes)
{
	double t = (double)c->ban_time * pow(c->ban_time_factor, strikes);

	if (!(t < (double)c->ban_time_max))
		return c->ban_time_max;
	return (uint64_t)t;
}

void policy_add_evidence(struct src *s, const char *text, size_t len)
{
	struct evidence *e = &s->ev[s->ev_head];
	size_t i, n = len < EVIDENCE_LEN - 1 ? len : EVIDENCE_LEN - 1;

	/* control bytes from a log line are never echoed to a terminal */
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];

		e->text[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	e->text[n] = '\0';
	e->wall = now_real_sec();
	s->ev_head = (s->ev_head + 1) % EVIDENCE_MAX;
	if (s->ev_n < EVIDENCE_MAX)
		s->ev_n++;
}

/*
 * put_ban - write a daemon ban for key unless a live entry already covers
 * it for longer. Returns 1 when written, 0 when not needed, or -errno.
 */
static int put_ban(struct daemon *d, const struct mxg_prefix *key,
		   uint32_t reason, uint64_t secs)
{
	uint64_t now = now_boot_ns(), expires = now + secs * NSEC_PER_SEC;
	struct mxg_entry old, e = {
		.expires_ns = expires,
		.added_ns = now,
		.reason = reason,
		.origin = MXG_ORIGIN_DAEMON,
	};
	char buf[PREFIX_STRLEN];
	int err, created;

	err = guard_lock(&d->guard);
	if (err)
		return err;
	if (guard_entry_get(&d->guard, GUARD_BLOCK, key, &old) == 0 &&
	    !guard_entry_expired(&old, now)) {
		/* never shorten a ban, and never touch an operator's entry */
		if (old.origin != MXG_ORIGIN_DAEMON || old.expires_ns == 0 ||
		    old.expires_ns >= expires) {
			guard_unlock(&d->guard);
			return 0;
		}
		e.added_ns = old.added_ns;
		e.hits = old.hits;
	}
	err = guard_entry_put(&d->guard, GUARD_BLOCK, key, &e, &created);
	guard_unlock(&d->guard);
	prefix_format(key, buf, sizeof(buf));
	if (err == -E2BIG) {
		d->stats.bans_refused_full++;
		pr_warn("blocklist of '%s' is full; not banning %s, existing bans kept",
			d->guard.ifname, buf);
		return err;
	}
	if (err) {
		pr_warn("failed to ban %s: %s", buf, strerror(-err));
		return err;
	}
	if (created)
		d->stats.bans_added++;
	else
		d->stats.bans_extended++;
	return 1;
}

/*
 * maybe_promote - when promote_v4 (promote_v6) banned sources share one
 * /24 (/48), ban the whole prefix. Counts come from the tracker.
 */
static void maybe_promote(struct daemon *d, const struct mxg_prefix *key,
			  uint64_t now)
{
	uint32_t need = key->family == AF_INET ? d->cfg.promote_v4 : d->cfg.promote_v6;
	int plen = key->family == AF_INET ? 24 : 48;
	struct mxg_prefix net = *key;
	char buf[PREFIX_STRLEN];
	uint32_t n = 0;
	struct src *s;

	if (!need || key->plen <= plen)
		return;
	prefix_truncate(&net, plen);
	for (s = d->tracker.lru_head; s; s = s->lru_next)
		if (s->banned_until > now && prefix_contains(&net, &s->key))
			n++;
	if (n < need)
		return;
	if (put_ban(d, &net, MXG_REASON_PROMOTED, d->cfg.ban_time_max) == 1) {
		d->stats.promotions++;
		pr_info("banned %s for %llus: %u of its sources are banned",
			prefix_format(&net, buf, sizeof(buf)),
			(unsigned long long)d->cfg.ban_time_max, n);
	}
}

static uint32_t kind_reason(enum evidence_kind kind)
{
	switch (kind) {
	case EV_AUTH_FAIL:
		return MXG_REASON_AUTH;
	case EV_REJECT:
		return MXG_REASON_REJECT;
	default:
		return MXG_REASON_PROTOCOL;
	}
}

/* fails_in_window - failures of s at or after since. */
static uint32_t fails_in_window(const struct src *s, uint64_t since)
{
	uint32_t i, n = 0;

	for (i = 0; i < s->fails_n; i++)
		if (s->fails[i] >= since)
			n++;
	return n;
}

static int record_fail(struct daemon *d, struct src *s, uint64_t now)
{
	uint32_t cap = d->cfg.max_retry;

	if (s->fails_cap != cap) {
		uint64_t *f = realloc(s->fails, cap * sizeof(*f));

		if (!f)
			return -ENOMEM;
		s->fails = f;
		s->fails_cap = cap;
		if (s->fails_n > cap)
			s->fails_n = cap;
		if (s->fails_head >= cap)
			s->fails_head = 0;
	}
	s->fails[s->fails_head] = now;
	s->fails_head = (s->fails_head + 1) % cap;
	if (s->fails_n < cap)
		s->fails_n++;
	return 0;
}

void policy_log_event(struct daemon *d, enum evidence_kind kind,
		      const struct mxg_prefix *addr, unsigned count,
		      const char *line, size_t len)
{
	uint64_t now = now_boot_ns(), window, secs;
	char buf[PREFIX_STRLEN];
	struct mxg_prefix key;
	struct src *s;
	unsigned i;

	if (policy_protected(d, addr)) {
		if (kind != EV_LOGIN_OK)
			d->stats.bans_skipped_allowed++;
		return;
	}
	policy_key(d, addr, &key);
	s = tracker_get(&d->tracker, &key, 1, now);
	if (!s)
		return;

	if (kind == EV_LOGIN_OK) {
		s->fails_n = 0;
		s->fails_head = 0;
		s->trusted_until = now + d->cfg.trust_time * NSEC_PER_SEC;
		return;
	}

	policy_add_evidence(s, line, len);
	for (i = 0; i < count && i < d->cfg.max_retry; i++)
		if (record_fail(d, s, now))
			return;
	window = d->cfg.find_time * NSEC_PER_SEC;
	if (fails_in_window(s, now > window ? now - window : 0) < d->cfg.max_retry)
		return;

	/* ban: longer for each earlier ban of the same source */
	secs = policy_ban_time(&d->cfg, s->strikes);
	s->fails_n = 0;
	s->fails_head = 0;
	if (put_ban(d, &key, kind_reason(kind), secs) != 1)
		return;
	s->strikes++;
	s->banned_until = now + secs * NSEC_PER_SEC;
	s->last_ban_wall = now_real_sec();
	pr_info("banned %s for %llus: %u %s events within %llus (ban %u)",
		prefix_format(&key, buf, sizeof(buf)), (unsigned long long)secs,
		d->cfg.max_retry, reason_name(kind_reason(kind)),
		(unsigned long long)d->cfg.find_time, s->strikes);
	maybe_promote(d, &key, now);
}

void policy_dnsbl_ban(struct daemon *d, const struct mxg_prefix *addr,
		      uint64_t ttl, const char *evidence)
{
	uint64_t now = now_boot_ns();
	char buf[PREFIX_STRLEN];
	struct mxg_prefix key;
	struct src *s;

	if (policy_protected(d, addr)) {
		d->stats.bans_skipped_allowed++;
		return;
	}
	policy_key(d, addr, &key);
	s = tracker_get(&d->tracker, &key, 1, now);
	if (s) {
		policy_add_evidence(s, evidence, strlen(evidence));
		if (s->trusted_until > now) {
			pr_debug("not banning %s on DNSBL evidence: a login succeeded",
				 prefix_format(&key, buf, sizeof(buf)));
			return;
		}
	}
	/* DNSBL bans last the answer's TTL and never escalate */
	if (put_ban(d, &key, MXG_REASON_DNSBL, ttl) != 1)
		return;
	d->stats.dnsbl_bans++;
	if (s) {
		s->banned_until = now + ttl * NSEC_PER_SEC;
		s->last_ban_wall = now_real_sec();
	}
	pr_info("banned %s for %llus: %s", prefix_format(&key, buf, sizeof(buf)),
		(unsigned long long)ttl, evidence);
}

void policy_dnswl_allow(struct daemon *d, const struct mxg_prefix *addr,
			uint64_t ttl, const char *evidence)
{
	uint64_t now = now_boot_ns();
	struct mxg_entry old, e = {
		.expires_ns = now + ttl * NSEC_PER_SEC,
		.added_ns = now,
		.origin = MXG_ORIGIN_DNSWL,
	};
	char buf[PREFIX_STRLEN];
	int err, created;

	if (guard_lock(&d->guard))
		return;
	/* an operator's or configured entry stays as it is */
	if (guard_entry_get(&d->guard, GUARD_ALLOW, addr, &old) == 0 &&
	    old.origin != MXG_ORIGIN_DNSWL) {
		guard_unlock(&d->guard);
		return;
	}
	err = guard_entry_put(&d->guard, GUARD_ALLOW, addr, &e, &created);
	guard_unlock(&d->guard);
	if (err) {
		pr_warn("failed to allowlist %s: %s",
			prefix_format(addr, buf, sizeof(buf)), strerror(-err));
		return;
	}
	d->stats.dnswl_allows++;
	pr_info("allowlisted %s for %llus: %s",
		prefix_format(addr, buf, sizeof(buf)), (unsigned long long)ttl,
		evidence);
}
