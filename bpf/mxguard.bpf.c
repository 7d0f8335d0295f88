// SPDX-License-Identifier: GPL-2.0-only
/*
 * mxguard.bpf.c - the XDP guard for mail ports.
 *
 * Only a pure SYN (SYN set, ACK and RST clear) to a guarded destination port
 * is a candidate. A candidate meets, in order: the allowlist, the blocklist,
 * its source's token bucket, the global SYN budget, its open-connection cap
 * (conn_limit, from the counts of bpf/conn.bpf.c) and the new-source report.
 * Everything else passes untouched, and anything the parser cannot follow
 * passes with a counter for the reason: the guard fails open, except for the
 * RFC 1858 fragments described at parse_tcp().
 *
 * This program does not reassemble fragments, track connections or look at
 * payload; the daemon decides whom to block and writes the maps.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "mxguard_abi.h"
#include "addr.h"
#include "maps.h"
#include "parse.h"
#include "verdict.h"
#include "conn.h"

/*
 * Benchmark knob: when set, each packet's source is replaced (in the lookup
 * keys, never in the packet) by a random address, to measure cold caches.
 */
const volatile __u32 cfg_bench_random_src = 0;

/* is_martian - a source no real peer can have; never counted or banned. */
static __always_inline int is_martian(const struct pkt *p)
{
	return addr_martian(p->src, p->family == 2);
}

/* lookup_allow - the live allowlist entry covering the source, or NULL. */
static __always_inline struct mxg_entry *
lookup_allow(const struct pkt *p, const struct mxg_meta *meta,
	     struct clock *clk)
{
	if (p->family == 2) {
		struct mxg_lpm4_key k4 = { .prefixlen = 32 };

		if (!meta->allow4_entries)
			return NULL;
		__builtin_memcpy(k4.addr, &p->src[12], 4);
		return lpm_lookup_live(&mxguard_allow4, &k4, &k4.prefixlen, clk);
	}
	if (!meta->allow6_entries)
		return NULL;
	{
		struct mxg_lpm6_key k6 = { .prefixlen = 128 };

		__builtin_memcpy(k6.addr, p->src, 16);
		return lpm_lookup_live(&mxguard_allow6, &k6, &k6.prefixlen, clk);
	}
}

/*
 * lookup_block - the live blocklist entry covering the source, or NULL.
 * The hash of single sources comes first; the trie of ranges only when it
 * holds anything, because a trie lookup costs several hash lookups.
 */
static __always_inline struct mxg_entry *
lookup_block(const struct pkt *p, const struct mxg_meta *meta,
	     __u32 v6_prefix, struct clock *clk)
{
	struct mxg_entry *e;

	if (p->family == 2) {
		struct mxg_lpm4_key k4 = { .prefixlen = 32 };
		__u32 a4;

		__builtin_memcpy(&a4, &p->src[12], 4);
		e = bpf_map_lookup_elem(&mxguard_block4, &a4);
		if (e && entry_live(e, clk))
			return e;
		if (!meta->bnet4_entries)
			return NULL;
		__builtin_memcpy(k4.addr, &a4, 4);
		return lpm_lookup_live(&mxguard_bnet4, &k4, &k4.prefixlen, clk);
	} else {
		struct mxg_lpm6_key k6 = { .prefixlen = 128 };
		struct mxg_addr6 h6;

		mask_v6(h6.addr, p->src, v6_prefix);
		e = bpf_map_lookup_elem(&mxguard_block6, &h6);
		if (e && entry_live(e, clk))
			return e;
		if (!meta->bnet6_entries)
			return NULL;
		__builtin_memcpy(k6.addr, p->src, 16);
		return lpm_lookup_live(&mxguard_bnet6, &k6, &k6.prefixlen, clk);
	}
}

/* bucket_admit - charge one SYN to the source's bucket; 0 when it is empty. */
static __always_inline int bucket_admit(const struct mxg_addr6 *key,
					const struct mxg_limits *lim, __u64 now)
{
	struct mxg_bucket *b = bpf_map_lookup_elem(&mxguard_bucket, key);
	struct mxg_bucket fresh = {};

	if (b) {
		/*
		 * Read-modify-write without a lock: two CPUs charging the same
		 * source at once may both take the last token. The limit is
		 * exact per CPU and at most off by one SYN per CPU otherwise.
		 */
		if (gcra_admit(&b->tat_ns, now, lim->syn_rate, lim->syn_burst))
			return 1;
		b->limited++;
		return 0;
	}
	gcra_admit(&fresh.tat_ns, now, lim->syn_rate, lim->syn_burst);
	if (bpf_map_update_elem(&mxguard_bucket, key, &fresh, BPF_ANY))
		count(MXG_CNT_FULL_BUCKET);
	return 1;
}

/* global_admit - charge one unit to a global bucket; 0 when it is empty. */
static __always_inline int global_admit(__u32 idx, __u64 now, __u32 rate,
					__u32 burst)
{
	struct mxg_bucket *b = bpf_map_lookup_elem(&mxguard_global, &idx);

	if (!b)
		return 1;
	if (gcra_admit(&b->tat_ns, now, rate, burst))
		return 1;
	b->limited++;
	return 0;
}

/*
 * report_new_source - tell the daemon about a source it has not heard of
 * within seen_ttl_sec. Returns 1 when an event was sent for a source that
 * was not in the seen cache at all (the caller may hold its first SYN).
 */
static __always_inline int report_new_source(const struct pkt *p,
					     const struct mxg_limits *lim,
					     __u64 now)
{
	struct mxg_addr6 key;
	struct mxg_event *ev;
	__u64 *seen;
	int first;

	__builtin_memcpy(key.addr, p->src, 16);
	seen = bpf_map_lookup_elem(&mxguard_seen, &key);
	if (seen && now - *seen < (__u64)lim->seen_ttl_sec * NSEC_PER_SEC)
		return 0;
	first = !seen;

	if (!global_admit(MXG_GLOBAL_EVENTS, now, lim->event_rate,
			  lim->event_rate)) {
		count(MXG_CNT_EVENT_BUDGET);
		return 0;
	}
	ev = bpf_ringbuf_reserve(&mxguard_events, sizeof(*ev), 0);
	if (!ev) {
		count(MXG_CNT_EVENT_LOST);
		return 0;
	}
	ev->ts_ns = now;
	__builtin_memcpy(ev->addr, p->src, 16);
	ev->dport = p->dport;
	ev->family = p->family;
	/* the caller drops a held SYN, except in monitor mode */
	ev->held = first && lim->hold_first_syn &&
		   lim->mode != MXG_MODE_MONITOR;
	ev->pad = 0;
	bpf_ringbuf_submit(ev, 0);
	count(MXG_CNT_EVENT_SENT);

	/* Only a reported source is marked seen, so a lost event is retried. */
	if (bpf_map_update_elem(&mxguard_seen, &key, &now, BPF_ANY))
		count(MXG_CNT_FULL_SEEN);
	return first;
}

/*
 * guarded_port - 1 when port is guarded, 0 when it is not, and -1 when no
 * port is set at all, which means the limits entry was never written.
 */
static __always_inline int guarded_port(const struct mxg_limits *lim,
					__u16 port)
{
	__u16 any = 0;
	int i;

#pragma unroll
	for (i = 0; i < MXG_MAX_PORTS; i++) {
		if (lim->ports[i] == port && port != 0)
			return 1;
		any |= lim->ports[i];
	}
	return any ? 0 : -1;
}

/* bench_randomize - overwrite the lookup source with a random one. */
static __always_inline void bench_randomize(struct pkt *p)
{
	__u32 r = bpf_get_prandom_u32();

	if (p->family == 2) {
		/* 198.18.0.0/15 (RFC 2544 benchmarking), never martian */
		r = (r & 0x0001ffff) | 0xc6120000;
		r = bpf_htonl(r);
		__builtin_memcpy(&p->src[12], &r, 4);
	} else {
		__builtin_memcpy(&p->src[8], &r, 4);
		r = bpf_get_prandom_u32();
		__builtin_memcpy(&p->src[12], &r, 4);
	}
}

/* guard_candidate - apply the lists and limits to a SYN to a guarded port. */
static __always_inline int guard_candidate(struct pkt *p,
					   const struct mxg_limits *lim)
{
	__u32 key0 = 0, mode = lim->mode;
	struct mxg_addr6 src_key;
	struct mxg_meta *meta;
	struct clock clk = {};
	struct mxg_entry *e;
	__u32 v6_prefix;

	if (cfg_bench_random_src)
		bench_randomize(p);
	if (is_martian(p))
		return count_pass(MXG_CNT_PASS_MARTIAN);

	meta = bpf_map_lookup_elem(&mxguard_meta, &key0);
	if (!meta)
		return count_pass(MXG_CNT_PASS_NO_CONFIG);
	v6_prefix = lim->v6_prefix;
	if (v6_prefix < 32 || v6_prefix > 128)
		v6_prefix = 64;

	/* allowlist: wins over everything */
	e = lookup_allow(p, meta, &clk);
	if (e) {
		count_hit(e);
		return count_pass(MXG_CNT_PASS_ALLOW);
	}

	/* blocklist, counted by the entry's reason */
	e = lookup_block(p, meta, v6_prefix, &clk);
	if (e) {
		__u32 reason = e->reason;

		count_hit(e);
		if (reason >= MXG_REASON_MAX)
			reason = MXG_REASON_NONE;
		return count_drop(MXG_CNT_DROP_BLOCK + reason, mode);
	}

	/* the source's key for the bucket and the counts: IPv6 at the prefix */
	if (p->family == 2)
		__builtin_memcpy(src_key.addr, p->src, 16);
	else
		mask_v6(src_key.addr, p->src, v6_prefix);

	/* per-source token bucket */
	if (lim->syn_rate && !bucket_admit(&src_key, lim, clock_now(&clk)))
		return count_drop(MXG_CNT_DROP_SYN_RATE, mode);

	/* global SYN budget */
	if (lim->global_syn_rate &&
	    !global_admit(MXG_GLOBAL_SYN, clock_now(&clk), lim->global_syn_rate,
			  lim->global_syn_burst))
		return count_drop(MXG_CNT_DROP_GLOBAL_RATE, mode);

	/* open connections, with one to spare: see conn_admit() */
	if (lim->conn_limit && !conn_admit(&src_key, lim, clock_now(&clk)))
		return count_drop(MXG_CNT_DROP_CONN_LIMIT, mode);

	/* new source: report it, and hold its first SYN if asked to */
	if (lim->event_rate && report_new_source(p, lim, clock_now(&clk)) &&
	    lim->hold_first_syn)
		return count_drop(MXG_CNT_DROP_HOLD, mode);

	return count_pass(MXG_CNT_PASS_CLEAN);
}

/*
 * guard_hidden - an IPv6 packet whose transport lies beyond the extension
 * headers the program walks. Linux still hands a SYN behind a long chain
 * to TCP, so a banned source could hide its SYNs this way: such a packet
 * is dropped when its source is banned (and not allowlisted), and passes
 * with the ext_chain_too_long counter otherwise, as the parser fails open.
 */
static __always_inline int guard_hidden(const struct pkt *p)
{
	struct mxg_limits *lim;
	struct mxg_meta *meta;
	struct clock clk = {};
	struct mxg_entry *e;
	__u32 key0 = 0, v6_prefix;

	lim = bpf_map_lookup_elem(&mxguard_limits, &key0);
	meta = bpf_map_lookup_elem(&mxguard_meta, &key0);
	if (!lim || !meta || is_martian(p))
		return count_pass(MXG_CNT_PASS_EXT_CHAIN);
	if (lookup_allow(p, meta, &clk))
		return count_pass(MXG_CNT_PASS_EXT_CHAIN);
	v6_prefix = lim->v6_prefix;
	if (v6_prefix < 32 || v6_prefix > 128)
		v6_prefix = 64;
	e = lookup_block(p, meta, v6_prefix, &clk);
	if (!e)
		return count_pass(MXG_CNT_PASS_EXT_CHAIN);
	count_hit(e);
	return count_drop(MXG_CNT_DROP_EXT_CHAIN, lim->mode);
}

SEC("xdp")
int xdp_guard(struct xdp_md *ctx)
{
	struct cursor c = {
		.pos = (void *)(long)ctx->data,
		.end = (void *)(long)ctx->data_end,
	};
	struct mxg_limits *lim;
	struct pkt p = {};
	__u32 key0 = 0;
	int proto, err, guarded;

	/* link and network layers */
	proto = parse_eth(&c);
	if (proto < 0)
		return count_pass(-proto);
	if (proto == ETH_P_IP)
		proto = parse_ipv4(&c, &p);
	else if (proto == ETH_P_IPV6)
		proto = parse_ipv6(&c, &p);
	else
		return count_pass(MXG_CNT_PASS_OTHER);
	if (proto == -MXG_CNT_PASS_EXT_CHAIN)
		return guard_hidden(&p);
	if (proto < 0)
		return count_pass(-proto);
	if (proto != IPPROTO_TCP)
		return count_pass(MXG_CNT_PASS_OTHER);

	lim = bpf_map_lookup_elem(&mxguard_limits, &key0);
	if (!lim)
		return count_pass(MXG_CNT_PASS_NO_CONFIG);

	/* RFC 1858: overlapping and tiny TCP fragments hide the real flags */
	if (p.frag_off1)
		return count_drop(MXG_CNT_DROP_TINY_FRAG, lim->mode);
	err = parse_tcp(&c, &p);
	if (err == -MXG_CNT_DROP_TINY_FRAG)
		return count_drop(MXG_CNT_DROP_TINY_FRAG, lim->mode);
	if (err < 0)
		return count_pass(-err);

	/* transport: a pure SYN to a guarded port, or nothing to do */
	if ((p.tcp_flags & (TCPF_SYN | TCPF_ACK | TCPF_RST)) != TCPF_SYN)
		return count_pass(MXG_CNT_PASS_OTHER);
	guarded = guarded_port(lim, p.dport);
	if (guarded < 0)
		return count_pass(MXG_CNT_PASS_NO_CONFIG);
	if (!guarded)
		return count_pass(MXG_CNT_PASS_OTHER);

	return guard_candidate(&p, lim);
}

char LICENSE[] SEC("license") = "GPL";
