/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * selfaddr.h - keep the host's own addresses on the allowlist.
 */
#ifndef MXG_SELFADDR_H
#define MXG_SELFADDR_H

#include "guard.h"

/*
 * selfaddr_collect - the addresses of every interface in this network
 * namespace that a peer could use as a source (no loopback or link-local),
 * up to max. Returns how many, or -errno.
 */
int selfaddr_collect(struct mxg_prefix *out, int max);

/*
 * selfaddr_sync - put the host's addresses on the allowlist (origin self,
 * no expiry) and remove self entries for addresses the host no longer has.
 * Caller holds the lock. Returns the number of entries added, or -errno.
 */
int selfaddr_sync(struct guard *g);

#endif /* MXG_SELFADDR_H */
