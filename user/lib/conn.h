/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conn.h - the connection counter behind conn_limit (bpf/conn.bpf.c) on
 * one guarded interface: attach or replace its programs, detach them,
 * rebuild the counts from the sockets that exist, and read one source's
 * count.
 *
 * Its maps and links are pinned beside the XDP guard's under
 * MXG_PIN_ROOT/IFNAME/, so the counts outlive every process. The counted
 * namespace is the one of the process that attaches, which is where the
 * interface is; a rebuild must run in that namespace too.
 */
#ifndef MXG_CONN_H
#define MXG_CONN_H

#include <stdint.h>
#include "addr.h"
#include "guard.h"

/* The result of one rebuild. */
struct conn_rebuild_result {
	uint32_t gen;		/* the generation now read */
	int first;		/* nothing was counted before */
	uint64_t connections;	/* open connections counted */
	uint64_t sources;	/* sources with at least one */
	uint64_t uncounted;	/* connections the counts had missed */
	uint64_t corrected;	/* sum over sources of |new count - old count| */
};

/* One source's counts, as 'mxguard why' shows them. */
struct conn_source {
	int active;		/* the counts are ready and maintained */
	uint64_t open;		/* open connections */
	uint64_t pending;	/* SYNs passed by XDP, not yet connections */
};

/*
 * conn_attach - load the counter with the pinned maps of the guard in dir
 * (the XDP program must be attached already), attach its programs or
 * replace the attached ones in one step each, and rebuild the counts.
 * Takes the interface lock. Returns 0 or -errno.
 */
int conn_attach(const char *dir);

/* conn_detach - detach the counter's links; their pins stay. */
void conn_detach(const char *dir);

/*
 * conn_rebuild - count the open connections of the current namespace
 * into a new generation, switch the cap to it and delete the older
 * generations. Caller holds the interface lock. -EXDEV when called from
 * a namespace other than the guarded one, -ENOENT when not attached.
 */
int conn_rebuild(const char *dir, struct conn_rebuild_result *res);

/*
 * conn_rebuild_tick - the daemon's periodic upkeep. Attaches the counter
 * again when a link is missing, else rebuilds the counts under g's lock,
 * and logs what it corrected. 0 or -errno.
 */
int conn_rebuild_tick(struct guard *g);

/*
 * conn_source_read - the counts of the source key that addr falls under
 * (IPv6 at v6_prefix). 0, or -ENOENT when the counter's maps are missing.
 */
int conn_source_read(struct guard *g, const struct mxg_prefix *addr,
		     uint32_t v6_prefix, struct conn_source *out);

#endif /* MXG_CONN_H */
