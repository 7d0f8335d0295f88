// SPDX-License-Identifier: GPL-2.0-only
/*
 * hits.c - an entry's hit count is exact up to MXG_HITS_EXACT and
 * sampled beyond, so that a flood from one source does not make every
 * CPU write the same cache line.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "test_progs.h"
#include "pkt_build.h"
#include "loader.h"
#include "mxguard.skel.h"

#define HITS_SRC "203.0.113.9"

/* syn_frame - an IPv4 SYN from HITS_SRC to port 25. */
static void syn_frame(struct pb *b)
{
	size_t ip;

	memset(b, 0, sizeof(*b));
	pb_eth(b, ETH_P_IP);
	ip = pb_ipv4(b, HITS_SRC, "192.0.2.1", IPPROTO_TCP, 0, NULL, 0);
	pb_tcp(b, 40000, 25, PB_SYN, 1);
	pb_ipv4_finish(b, ip);
}

/* run_hits - preset the ban's hits, run the SYN repeat times, read hits. */
static int run_hits(struct mxguard *skel, uint64_t preset, uint32_t repeat,
		    uint64_t *hits)
{
	struct mxg_entry e = { .reason = MXG_REASON_MANUAL, .hits = preset };
	struct pb b;
	__u32 key;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .repeat = repeat);
	int fd = bpf_map__fd(skel->maps.mxguard_block4);

	inet_pton(AF_INET, HITS_SRC, &key);
	if (bpf_map_update_elem(fd, &key, &e, BPF_ANY))
		return -errno;
	syn_frame(&b);
	opts.data_in = b.buf;
	opts.data_size_in = b.len;
	if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.xdp_guard), &opts))
		return -errno;
	if (opts.retval != XDP_DROP)
		return -EINVAL;
	if (bpf_map_lookup_elem(fd, &key, &e))
		return -errno;
	*hits = e.hits;
	return 0;
}

void test_hits(void)
{
	struct mxg_limits lim;
	struct mxg_meta meta = { .abi_version = MXG_ABI_VERSION };
	struct mxguard *skel;
	uint64_t hits = 0;
	__u32 key0 = 0;

	skel = loader_load_unpinned(NULL, 0);
	if (!ASSERT_OK_PTR(skel, "load"))
		return;
	loader_default_limits(&lim);
	if (!ASSERT_OK(bpf_map__update_elem(skel->maps.mxguard_limits, &key0,
					    sizeof(key0), &lim, sizeof(lim), BPF_ANY),
		       "limits") ||
	    !ASSERT_OK(bpf_map__update_elem(skel->maps.mxguard_meta, &key0,
					    sizeof(key0), &meta, sizeof(meta), BPF_ANY),
		       "meta"))
		goto out;

	if (test__start_subtest("exact_below_limit")) {
		if (ASSERT_OK(run_hits(skel, 0, 1000, &hits), "run"))
			ASSERT_U64_EQ(hits, 1000, "hits");
	}
	if (test__start_subtest("exact_up_to_limit")) {
		if (ASSERT_OK(run_hits(skel, MXG_HITS_EXACT - 1, 1, &hits), "run"))
			ASSERT_U64_EQ(hits, MXG_HITS_EXACT, "hits");
	}
	if (test__start_subtest("sampled_beyond_limit")) {
		/*
		 * 16000 SYNs add 16 with probability 1/16 each: the mean is
		 * 16000 and the standard deviation about 990, so +-5000 leaves
		 * more than five deviations on either side.
		 */
		if (ASSERT_OK(run_hits(skel, MXG_HITS_EXACT, 16000, &hits), "run")) {
			ASSERT_GE(hits, MXG_HITS_EXACT + 11000, "hits low");
			ASSERT_LE(hits, MXG_HITS_EXACT + 21000, "hits high");
			ASSERT_EQ(hits % MXG_HITS_SAMPLE, 0, "hits in samples");
		}
	}
out:
	mxguard__destroy(skel);
}
