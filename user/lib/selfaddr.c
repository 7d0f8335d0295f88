// SPDX-License-Identifier: GPL-2.0-only
/*
 * selfaddr.c - the host's own addresses on the allowlist, so that nothing
 * the guard does can cut the host off from itself.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <string.h>
#include "selfaddr.h"
#include "util.h"

#define SELFADDR_MAX 256

int selfaddr_collect(struct mxg_prefix *out, int max)
{
	struct ifaddrs *ifa, *i;
	int n = 0, k;

	if (getifaddrs(&ifa))
		return -errno;
	for (i = ifa; i; i = i->ifa_next) {
		struct mxg_prefix p;

		if (!i->ifa_addr)
			continue;
		if (i->ifa_addr->sa_family == AF_INET)
			addr_from_bytes(&p, AF_INET,
					&((struct sockaddr_in *)i->ifa_addr)->sin_addr);
		else if (i->ifa_addr->sa_family == AF_INET6)
			addr_from_bytes(&p, AF_INET6,
					&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr);
		else
			continue;
		if (addr_is_martian(&p))
			continue;
		for (k = 0; k < n && !prefix_equal(&out[k], &p); k++)
			;
		if (k < n || n == max)
			continue;
		out[n++] = p;
	}
	freeifaddrs(ifa);
	return n;
}

/* Self entries found on the allowlist. */
struct self_set {
	struct mxg_prefix p[SELFADDR_MAX];
	int n;
};

static int find_self_fn(const struct mxg_prefix *p, const struct mxg_entry *e,
			void *arg)
{
	struct self_set *s = arg;

	if (e->origin == MXG_ORIGIN_SELF && s->n < SELFADDR_MAX)
		s->p[s->n++] = *p;
	return 0;
}

int selfaddr_sync(struct guard *g)
{
	static struct mxg_prefix now_addrs[SELFADDR_MAX];
	static struct self_set old;
	int n, i, k, added = 0, err, created;

	n = selfaddr_collect(now_addrs, SELFADDR_MAX);
	if (n < 0)
		return n;
	old.n = 0;
	err = guard_walk(g, GUARD_ALLOW, find_self_fn, &old);
	if (err)
		return err;

	for (i = 0; i < n; i++) {
		struct mxg_entry cur, e = {
			.added_ns = now_boot_ns(),
			.origin = MXG_ORIGIN_SELF,
		};

		for (k = 0; k < old.n && !prefix_equal(&old.p[k], &now_addrs[i]); k++)
			;
		if (k < old.n)
			continue;
		/* an operator's entry for the same address stays as it is */
		if (guard_entry_get(g, GUARD_ALLOW, &now_addrs[i], &cur) == 0)
			continue;
		err = guard_entry_put(g, GUARD_ALLOW, &now_addrs[i], &e, &created);
		if (err)
			return err;
		added += created;
	}
	for (k = 0; k < old.n; k++) {
		for (i = 0; i < n && !prefix_equal(&old.p[k], &now_addrs[i]); i++)
			;
		if (i == n)
			guard_entry_del(g, GUARD_ALLOW, &old.p[k]);
	}
	return added;
}
