// SPDX-License-Identifier: GPL-2.0-only
/*
 * setup.c - put the guard on the interface and keep it there: attach or
 * adopt at start, apply the configuration to the maps, re-attach when the
 * interface comes back, and sweep expired entries.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "feeds.h"
#include "loader.h"
#include "log.h"
#include "mxguardd.h"
#include "selfaddr.h"
#include "util.h"

/* effective_limits - the configured limits plus what the daemon derives. */
static void effective_limits(const struct daemon *d, struct mxg_limits *lim)
{
	*lim = d->cfg.limits;
	/* new sources are reported only when something looks them up */
	lim->event_rate = d->dns ? d->cfg.dnsbl_event_rate : 0;
	lim->seen_ttl_sec = d->cfg.dnsbl_max_ttl < 60 ? 60 : d->cfg.dnsbl_max_ttl;
	if (!d->dns)
		lim->hold_first_syn = 0;
}

static void loader_options(const struct daemon *d, struct loader_opts *o,
			   struct mxg_limits *lim)
{
	memset(o, 0, sizeof(*o));
	o->ifname = d->guard.ifname[0] ? d->guard.ifname : d->cfg.interface;
	o->mode = d->cfg.xdp_mode;
	o->sizes = d->cfg.sizes;
	effective_limits(d, lim);
	o->initial_limits = lim;
}

static int pins_exist(const char *ifname)
{
	char dir[GUARD_DIR_MAX], path[PATH_MAX];

	if (guard_pin_dir(ifname, dir, sizeof(dir)))
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir, MXG_MAP_LIMITS);
	return access(path, F_OK) == 0;
}

int setup_guard(struct daemon *d, int *pins_existed)
{
	const char *ifname = d->ifname_override ? d->ifname_override : d->cfg.interface;
	struct loader_status st;
	struct loader_opts o;
	struct mxg_limits lim;
	int err, generic = 0;

	if (!if_nametoindex(ifname)) {
		pr_warn("failed to find interface '%s': %s; set 'interface' in %s or use -i",
			ifname, strerror(errno),
			d->cfg.path[0] ? d->cfg.path : CFG_DEFAULT_PATH);
		return -ENODEV;
	}
	err = loader_ensure_bpffs();
	if (err) {
		pr_warn("failed to prepare bpffs at %s: %s; the guard cannot pin its maps",
			MXG_PIN_ROOT, strerror(-err));
		return err;
	}
	copy_str(d->guard.ifname, ifname, sizeof(d->guard.ifname));
	*pins_existed = pins_exist(ifname);
	loader_options(d, &o, &lim);

	/* a running guard is replaced in one step; otherwise attach */
	loader_status(ifname, &st);
	if (st.attached) {
		err = loader_replace(&o);
		if (err) {
			pr_warn("failed to replace the program on '%s': %s; the old one keeps running",
				ifname, strerror(-err));
			return err;
		}
		pr_info("replaced the program on %s (was id %u), keeping its maps",
			ifname, st.prog_id);
	} else {
		err = loader_attach(&o, &generic);
		if (err) {
			pr_warn("failed to attach the guard to '%s': %s", ifname,
				strerror(-err));
			return err;
		}
		pr_info("attached the guard to %s in %s mode%s", ifname,
			generic ? "generic" : "native",
			*pins_existed ? ", adopting the pinned maps" : "");
	}

	err = guard_open(&d->guard, ifname);
	if (err) {
		pr_warn("failed to open the maps of '%s': %s", ifname, strerror(-err));
		return err;
	}
	d->guard_open = 1;
	err = guard_lock(&d->guard);
	if (!err)
		err = guard_recount(&d->guard);
	guard_unlock(&d->guard);
	return err;
}

/* Configured allow entries found on the allowlist. */
struct config_allow_walk {
	struct daemon *d;
	struct mxg_prefix stale[CFG_MAX_LIST];
	size_t nstale;
};

static int find_stale_fn(const struct mxg_prefix *p, const struct mxg_entry *e,
			 void *arg)
{
	struct config_allow_walk *w = arg;
	size_t i;

	if (e->origin != MXG_ORIGIN_CONFIG)
		return 0;
	for (i = 0; i < w->d->cfg.nallow; i++)
		if (prefix_equal(&w->d->cfg.allow[i], p))
			return 0;
	if (w->nstale < CFG_MAX_LIST)
		w->stale[w->nstale++] = *p;
	return 0;
}

/* Daemon bans that an allow entry now covers. */
struct covered_walk {
	struct daemon *d;
	struct mxg_prefix *del;
	size_t n, cap;
};

static int find_covered_fn(const struct mxg_prefix *p, const struct mxg_entry *e,
			   void *arg)
{
	struct covered_walk *w = arg;
	struct mxg_prefix *more;

	if (e->origin != MXG_ORIGIN_DAEMON || !cfg_is_allowed(&w->d->cfg, p))
		return 0;
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 64;
		more = realloc(w->del, w->cap * sizeof(*more));
		if (!more)
			return -ENOMEM;
		w->del = more;
	}
	w->del[w->n++] = *p;
	return 0;
}

/* sync_allowlist - configured entries in, stale ones out; lock held. */
static int sync_allowlist(struct daemon *d)
{
	static struct config_allow_walk w;
	struct covered_walk cw = { .d = d };
	uint64_t now = now_boot_ns();
	size_t i;
	int err, created;

	for (i = 0; i < d->cfg.nallow; i++) {
		struct mxg_entry old, e = {
			.added_ns = now,
			.origin = MXG_ORIGIN_CONFIG,
		};

		if (addr_is_martian(&d->cfg.allow[i]))
			continue;	/* the program never blocks these anyway */
		if (guard_entry_get(&d->guard, GUARD_ALLOW, &d->cfg.allow[i], &old) == 0 &&
		    old.origin == MXG_ORIGIN_CONFIG)
			continue;
		err = guard_entry_put(&d->guard, GUARD_ALLOW, &d->cfg.allow[i], &e,
				      &created);
		if (err)
			return err;
	}
	memset(&w, 0, sizeof(w));
	w.d = d;
	err = guard_walk(&d->guard, GUARD_ALLOW, find_stale_fn, &w);
	if (err)
		return err;
	for (i = 0; i < w.nstale; i++)
		guard_entry_del(&d->guard, GUARD_ALLOW, &w.stale[i]);

	/* a newly allowed source loses the daemon's bans at once */
	err = guard_walk(&d->guard, GUARD_BLOCK, find_covered_fn, &cw);
	for (i = 0; !err && i < cw.n; i++)
		guard_entry_del(&d->guard, GUARD_BLOCK, &cw.del[i]);
	if (!err && cw.n)
		pr_info("removed %zu bans of sources the allow list now covers", cw.n);
	free(cw.del);
	return err;
}

int apply_config(struct daemon *d)
{
	struct mxg_limits lim;
	int err, added;

	effective_limits(d, &lim);
	err = guard_lock(&d->guard);
	if (err)
		return err;
	err = guard_limits_write(&d->guard, &lim);
	if (err) {
		pr_warn("failed to write the limits: %s", strerror(-err));
		goto out_unlock;
	}
	d->v6_prefix = lim.v6_prefix;
	err = sync_allowlist(d);
	if (err) {
		pr_warn("failed to update the allowlist: %s", strerror(-err));
		goto out_unlock;
	}
	added = selfaddr_sync(&d->guard);
	if (added < 0)
		pr_warn("failed to allowlist the host's own addresses: %s, ignoring",
			strerror(-added));
out_unlock:
	guard_unlock(&d->guard);
	return err;
}

/* guard_current - 1 when the pinned maps are the ones d->guard holds open. */
static int guard_current(struct daemon *d)
{
	struct bpf_map_info pinned = {}, held = {};
	__u32 len = sizeof(pinned), hlen = sizeof(held);
	char dir[GUARD_DIR_MAX], path[PATH_MAX];
	int fd, same;

	if (guard_pin_dir(d->guard.ifname, dir, sizeof(dir)))
		return 1;
	snprintf(path, sizeof(path), "%s/%s", dir, MXG_MAP_LIMITS);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	same = !bpf_obj_get_info_by_fd(fd, &pinned, &len) &&
	       !bpf_obj_get_info_by_fd(d->guard.fd[GM_LIMITS], &held, &hlen) &&
	       pinned.id == held.id;
	close(fd);
	return same;
}

/* Entries carried from the old maps to the new ones. */
struct carry {
	struct guard *to;
	enum guard_list list;
	uint64_t now;
	int n;
};

static int carry_fn(const struct mxg_prefix *p, const struct mxg_entry *e,
		    void *arg)
{
	struct carry *c = arg;
	struct mxg_entry cur;
	int created;

	/* own and configured entries are written again by apply_config() */
	if (guard_entry_expired(e, c->now) || e->origin == MXG_ORIGIN_SELF ||
	    e->origin == MXG_ORIGIN_CONFIG)
		return 0;
	if (guard_entry_get(c->to, c->list, p, &cur) == 0)
		return 0;
	if (guard_entry_put(c->to, c->list, p, e, &created) == 0 && created)
		c->n++;
	return 0;
}

/*
 * adopt_maps - the pinned maps are no longer the ones the daemon holds
 * (the guard was detached, or detached and attached again, by hand):
 * move to the pinned maps, carrying every live ban and allow entry over
 * from the old ones, which the daemon's descriptors still keep alive.
 */
static int adopt_maps(struct daemon *d)
{
	struct carry bans = { .list = GUARD_BLOCK, .now = now_boot_ns() };
	struct carry allows = { .list = GUARD_ALLOW, .now = bans.now };
	struct guard old = d->guard, fresh;
	int err;

	err = guard_open(&fresh, old.ifname);
	if (err) {
		pr_warn("failed to open the new maps of '%s': %s", old.ifname,
			strerror(-err));
		return err;
	}
	bans.to = allows.to = &fresh;
	err = guard_lock(&fresh);
	if (!err) {
		guard_walk(&old, GUARD_BLOCK, carry_fn, &bans);
		guard_walk(&old, GUARD_ALLOW, carry_fn, &allows);
		guard_unlock(&fresh);
	}
	d->guard = fresh;
	guard_close(&old);
	err = feeds_reopen_events(d);
	if (!err)
		err = apply_config(d);
	pr_warn("the maps of the guard on %s were replaced while mxguardd runs; carried %d bans and %d allow entries over to the new ones (stop mxguardd to remove the guard)",
		d->guard.ifname, bans.n, allows.n);
	return err;
}

int check_attached(struct daemon *d)
{
	struct loader_status st;
	struct loader_opts o;
	struct mxg_limits lim;
	static int warned;
	int err, generic;

	if (!if_nametoindex(d->guard.ifname)) {
		if (!warned++)
			pr_warn("interface '%s' is gone; the guard will attach again when it is back",
				d->guard.ifname);
		return -ENODEV;
	}
	if (loader_status(d->guard.ifname, &st) == 0 && st.attached &&
	    guard_current(d)) {
		warned = 0;
		return 0;
	}

	/* attach again: with the pinned maps, or new ones when none are left */
	if (!st.attached) {
		loader_options(d, &o, &lim);
		err = loader_attach(&o, &generic);
		if (err && err != -EEXIST) {
			pr_warn("failed to attach the guard to '%s' again: %s",
				d->guard.ifname, strerror(-err));
			return err;
		}
		if (!err)
			pr_warn("the guard was not attached to %s; attached it again in %s mode",
				d->guard.ifname, generic ? "generic" : "native");
	}
	warned = 0;
	if (!guard_current(d))
		return adopt_maps(d);
	return 0;
}

void sweep_expired(struct daemon *d)
{
	int b, a;

	if (guard_lock(&d->guard))
		return;
	b = guard_purge_expired(&d->guard, GUARD_BLOCK, 0);
	a = guard_purge_expired(&d->guard, GUARD_ALLOW, 0);
	guard_unlock(&d->guard);
	if (b > 0)
		d->stats.entries_expired += b;
	if (a > 0)
		d->stats.entries_expired += a;
	if (b > 0 || a > 0)
		pr_debug("removed %d expired bans and %d expired allow entries",
			 b > 0 ? b : 0, a > 0 ? a : 0);
}
