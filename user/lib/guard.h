/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * guard.h - the pinned maps of one guarded interface, as user space sees
 * them: blocklist and allowlist entries by prefix, limits, counters.
 *
 * Every writer (the CLI and the daemon) takes the interface lock, an
 * exclusive flock(2) on the pin directory, around each change, so parallel
 * writers lose no update and the LPM entry counts in mxguard_meta stay
 * exact. Readers take no lock and tolerate entries that vanish under them.
 */
#ifndef MXG_GUARD_H
#define MXG_GUARD_H

#include <limits.h>
#include <linux/limits.h>
#include <net/if.h>
#include <stdint.h>
#include "mxguard_abi.h"
#include "addr.h"

/* MXG_PIN_ROOT, a slash and an interface name */
#define GUARD_DIR_MAX (sizeof(MXG_PIN_ROOT) + IF_NAMESIZE + 1)

enum guard_map_id {
	GM_LIMITS,
	GM_STATS,
	GM_META,
	GM_BLOCK4,
	GM_BLOCK6,
	GM_BNET4,
	GM_BNET6,
	GM_ALLOW4,
	GM_ALLOW6,
	GM_BUCKET,
	GM_SEEN,
	GM_GLOBAL,
	GM_EVENTS,
	GM_COUNT
};

extern const char *const guard_map_names[GM_COUNT];

enum guard_list {
	GUARD_BLOCK,
	GUARD_ALLOW,
};

struct guard {
	char ifname[IF_NAMESIZE];
	char dir[GUARD_DIR_MAX];
	int dir_fd;		/* the lock is an flock on this */
	int locked;
	int ncpus;		/* possible CPUs, for per-CPU values */
	int fd[GM_COUNT];
};

/* One entry of a list, as guard_walk() hands it out. */
typedef int (*guard_walk_fn)(const struct mxg_prefix *p,
			     const struct mxg_entry *e, void *arg);

/*
 * guard_pin_dir - MXG_PIN_ROOT/IFNAME into buf; 0, -ENAMETOOLONG, or
 * -EINVAL for a name the kernel would not give an interface ("..", "a/b").
 */
int guard_pin_dir(const char *ifname, char *buf, size_t len);

/*
 * guard_list_ifaces - names of the interfaces with a pin directory, up to
 * max. Returns how many, or -errno.
 */
int guard_list_ifaces(char (*names)[IF_NAMESIZE], int max);

/*
 * guard_open - open the pinned maps of ifname. Returns 0, -ENOENT when the
 * interface has no pins (not attached), or another -errno.
 */
int guard_open(struct guard *g, const char *ifname);
void guard_close(struct guard *g);

/* guard_lock - wait for the interface lock; 0 or -errno. */
int guard_lock(struct guard *g);
void guard_unlock(struct guard *g);

int guard_limits_read(struct guard *g, struct mxg_limits *lim);

/*
 * guard_limits_write - write all limits in one map update. A new v6_prefix
 * first moves the IPv6 blocklist entries between hash and trie so that no
 * ban stops matching at any moment. Caller holds the lock.
 */
int guard_limits_write(struct guard *g, const struct mxg_limits *lim);

/* guard_stats_read - every counter summed over CPUs. */
int guard_stats_read(struct guard *g, uint64_t out[MXG_CNT_MAX]);

/* guard_stats_add - add n to a counter that only user space writes. */
int guard_stats_add(struct guard *g, uint32_t idx, uint64_t n);

/*
 * guard_entry_get - the entry stored for exactly this prefix (not a covering
 * one); 0, or -ENOENT.
 */
int guard_entry_get(struct guard *g, enum guard_list l,
		    const struct mxg_prefix *p, struct mxg_entry *e);

/*
 * guard_entry_put - add or replace the entry for p; *created tells which.
 * A full map first loses its expired entries; if it is still full the call
 * fails with -E2BIG, counts it, and no existing entry is touched. Caller
 * holds the lock.
 */
int guard_entry_put(struct guard *g, enum guard_list l,
		    const struct mxg_prefix *p, const struct mxg_entry *e,
		    int *created);

/* guard_entry_del - remove exactly p; -ENOENT when it is not there. */
int guard_entry_del(struct guard *g, enum guard_list l,
		    const struct mxg_prefix *p);

/*
 * guard_walk - call fn for every entry of a list, expired ones included;
 * fn returning non-zero stops the walk with that value.
 */
int guard_walk(struct guard *g, enum guard_list l, guard_walk_fn fn,
	       void *arg);

/*
 * guard_match - the live entry the XDP program would use for addr, and the
 * prefix it is stored under. Returns 0, or -ENOENT.
 */
int guard_match(struct guard *g, enum guard_list l,
		const struct mxg_prefix *addr, struct mxg_prefix *matched,
		struct mxg_entry *e);

/*
 * guard_purge_expired - delete the expired entries of a list, or only those
 * written by origin when it is non-zero. Returns how many, or -errno.
 * Caller holds the lock.
 */
int guard_purge_expired(struct guard *g, enum guard_list l, uint32_t origin);

/* guard_flush - delete every entry of a list; returns how many. */
int guard_flush(struct guard *g, enum guard_list l);

/* guard_recount - recompute the trie entry counts in mxguard_meta. */
int guard_recount(struct guard *g);

/* guard_entry_expired - 1 when e no longer matches at boot time now. */
static inline int guard_entry_expired(const struct mxg_entry *e, uint64_t now)
{
	return e->expires_ns && e->expires_ns <= now;
}

#endif /* MXG_GUARD_H */
