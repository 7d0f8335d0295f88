/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conn.h - the per-source connection counts as the enforcing programs read
 * them, and the handshakes in flight that XDP adds to them.
 *
 * bpf/conn.bpf.c keeps the counts; the XDP guard (conn_admit) and the
 * socket lookup program (conn.bpf.c) read them here. Both objects include
 * this file and reuse the same pinned maps.
 */
#ifndef MXG_BPF_CONN_H
#define MXG_BPF_CONN_H

#include <bpf/bpf_helpers.h>
#include "mxguard_abi.h"
#include "maps.h"

/* conn_gen - the counts' generations; NULL while the cap cannot apply. */
static __always_inline struct mxg_conngen *conn_gen(void)
{
	struct mxg_conngen *g;
	__u32 key0 = 0;

	g = bpf_map_lookup_elem(&mxguard_conngen, &key0);
	if (!g || !g->read_gen)
		return NULL;
	return g;
}

/* conn_open - the source's open connections in generation gen. */
static __always_inline __u64 conn_open(__u32 gen, const struct mxg_addr6 *src)
{
	struct mxg_conn_key key = { .gen = gen };
	__s64 *n;

	__builtin_memcpy(key.addr, src->addr, 16);
	n = bpf_map_lookup_elem(&mxguard_conn, &key);
	/* a count below zero is a missed increment; treat it as none open */
	if (!n || *n <= 0)
		return 0;
	return *n;
}

/*
 * conn_pending - the source's entry of handshakes in flight when its
 * window is still open, else NULL.
 */
static __always_inline struct mxg_pending *
conn_pending(const struct mxg_addr6 *src, __u64 now)
{
	struct mxg_pending *p;

	p = bpf_map_lookup_elem(&mxguard_pending, src);
	if (!p || now - p->start_ns >= MXG_PENDING_WINDOW_NS)
		return NULL;
	return p;
}

static __always_inline __u64 pending_count(const struct mxg_pending *p)
{
	return p && p->n > 0 ? p->n : 0;
}

/* conn_pending_done - one handshake of the source left the flight. */
static __always_inline void conn_pending_done(const struct mxg_addr6 *src,
					      __u64 now)
{
	struct mxg_pending *p = conn_pending(src, now);

	if (p && p->n > 0)
		__sync_fetch_and_add(&p->n, -1);
}

/*
 * conn_admit - the XDP side of conn_limit for a SYN from src: 0 when the
 * source's open connections plus its handshakes in flight already exceed
 * the limit, else 1 after adding this SYN to the handshakes in flight.
 *
 * XDP allows one more than the limit (it drops at limit + 1) because it
 * can run before the stack has processed a FIN of the same receive batch.
 * Without the spare slot, a client that closes and reconnects at once
 * would lose a SYN and wait a second. The socket lookup program enforces
 * the exact limit after the stack has caught up.
 */
static __always_inline int conn_admit(const struct mxg_addr6 *src,
				      const struct mxg_limits *lim, __u64 now)
{
	struct mxg_pending fresh = { .start_ns = now, .n = 1 };
	struct mxg_conngen *g = conn_gen();
	struct mxg_pending *p;
	__u64 open;

	if (!g)
		return 1;	/* no counts yet: fail open */
	open = conn_open(g->read_gen, src);
	p = conn_pending(src, now);
	if (open + pending_count(p) > lim->conn_limit)
		return 0;

	if (p)
		__sync_fetch_and_add(&p->n, 1);
	else
		/* a full LRU map evicts; a lost entry only loosens the cap */
		bpf_map_update_elem(&mxguard_pending, src, &fresh, BPF_ANY);
	return 1;
}

#endif /* MXG_BPF_CONN_H */
