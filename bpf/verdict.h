/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * verdict.h - counting and rate arithmetic shared by the guard's programs.
 *
 * Every verdict goes through count_pass() or count_drop(), so each packet
 * the program sees lands in exactly one counter of mxguard_stats.
 */
#ifndef MXG_BPF_VERDICT_H
#define MXG_BPF_VERDICT_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "maps.h"

#define NSEC_PER_SEC 1000000000ULL

static __always_inline void count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&mxguard_stats, &idx);

	if (v)
		*v += 1;
}

static __always_inline int count_pass(__u32 idx)
{
	count(idx);
	return XDP_PASS;
}

/*
 * count_drop - drop in enforce mode; in monitor mode count the same reason
 * in the would-drop range and pass.
 */
static __always_inline int count_drop(__u32 idx, __u32 mode)
{
	if (mode == MXG_MODE_MONITOR) {
		count(idx + MXG_CNT_MONITOR_OFFSET);
		return XDP_PASS;
	}
	count(idx);
	return XDP_DROP;
}

/*
 * gcra_admit - one step of a token bucket kept as a theoretical arrival
 * time. Returns 1 and advances *tat when a token is free, 0 otherwise.
 * A burst of 0 acts as 1; rate must be non-zero.
 */
static __always_inline int gcra_admit(__u64 *tat, __u64 now, __u32 rate,
				      __u32 burst)
{
	__u64 interval = NSEC_PER_SEC / rate;
	__u64 t = *tat;

	if (burst == 0)
		burst = 1;
	if (t < now)
		t = now;
	t += interval;
	if (t - now > interval * burst)
		return 0;
	*tat = t;
	return 1;
}

/*
 * struct clock - CLOCK_BOOTTIME read at most once per packet, and only
 * when something needs it: the read costs more than a hash lookup (25 ns
 * against 7 ns, measured on the 2-vCPU VM of docs/bench.md).
 */
struct clock {
	__u64 ns;	/* 0 until read */
};

static __always_inline __u64 clock_now(struct clock *c)
{
	if (!c->ns)
		c->ns = bpf_ktime_get_boot_ns();
	return c->ns;
}

static __always_inline int entry_live(const struct mxg_entry *e,
				      struct clock *clk)
{
	return e->expires_ns == 0 || e->expires_ns > clock_now(clk);
}

/*
 * count_hit - add one hit to an entry. Exact up to MXG_HITS_EXACT; beyond,
 * MXG_HITS_SAMPLE at a time with probability 1/MXG_HITS_SAMPLE, so CPUs
 * flooded by one source do not fight over the entry's cache line on
 * every packet (measured: 119 ns against 57 ns per packet on two CPUs).
 */
static __always_inline void count_hit(struct mxg_entry *e)
{
	if (e->hits < MXG_HITS_EXACT)
		__sync_fetch_and_add(&e->hits, 1);
	else if ((bpf_get_prandom_u32() & (MXG_HITS_SAMPLE - 1)) == 0)
		__sync_fetch_and_add(&e->hits, MXG_HITS_SAMPLE);
}

/*
 * lpm_lookup_live - the longest live trie entry covering key, whose first
 * field *prefixlen is. A trie returns only the longest match; when that
 * entry has expired, look again below its length, so that an expired
 * longer range does not hide a live shorter one (at most MXG_LPM_RETRY
 * times: deeper stacks of expired ranges hide the rest until purged).
 */
static __always_inline struct mxg_entry *
lpm_lookup_live(void *map, void *key, __u32 *prefixlen, struct clock *clk)
{
	struct mxg_entry *e = bpf_map_lookup_elem(map, key);
	int i;

#pragma unroll
	for (i = 0; i < MXG_LPM_RETRY; i++) {
		if (!e || entry_live(e, clk))
			return e;
		if (e->plen == 0 || e->plen > *prefixlen)
			return NULL;
		*prefixlen = e->plen - 1;
		e = bpf_map_lookup_elem(map, key);
	}
	return e && entry_live(e, clk) ? e : NULL;
}

#endif /* MXG_BPF_VERDICT_H */
