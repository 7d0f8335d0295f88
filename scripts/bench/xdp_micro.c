// SPDX-License-Identifier: GPL-2.0-only
/*
 * xdp_micro.c - cost per packet of the XDP guard through BPF_PROG_TEST_RUN,
 * as a ratio to the empty XDP program measured in the same round.
 *
 * Each variant is one frame run `repeat` times through one loaded object:
 * a case (clean, blocked or rate-limited SYN, non-mail TCP, IPv6 with
 * extension headers, two VLAN tags), a cache state (hot: the frame's own
 * source every time; cold: the guard built with cfg_bench_random_src,
 * which takes a random source from 198.18.0.0/15 or a random IPv6
 * interface id per packet) and a blocklist (10k, 100k or 1M single
 * addresses in the hash, with block_max set to the same number; or 1,000
 * ranges in the LPM trie). Rounds run every variant once, in the same
 * order, so slow phases of the machine hit all variants alike.
 *
 * BPF_PROG_TEST_RUN adds a program to the kernel's XDP dispatcher when it
 * starts and removes it when it ends, and each change waits for an RCU
 * grace period: about 12 ms here, in jiffy steps, which would swamp the
 * 8 ms that a million runs of the empty program take. With -i IFACE the
 * program of each variant is first attached to IFACE (a veth in a
 * namespace of the caller's), which keeps it in the dispatcher, and the
 * run is timed by the wall clock. Without -i the kernel's own duration
 * is used, which is whole nanoseconds per run.
 *
 * Two variants run the same blocked SYN on both CPUs at once, from one
 * source or from two: a flood from one banned source that a NIC spreads
 * over its queues writes the same ban entry from every CPU. The main
 * thread runs on CPU 1 (-c), the second one on CPU 0.
 *
 * Every run is checked before it counts: the verdict, and the change of
 * every counter of mxguard_stats, which must add up to `repeat` in the
 * counters the case expects and leave all others alone. A mismatch ends
 * the program with status 1 and the reason on stderr.
 *
 * Usage: xdp_micro [-i IFACE] [-r REPEAT] [-n ROUNDS] [-s SIZE,...] > micro.json
 * (as root; it pins itself to CPU 1 and its second thread to CPU 0)
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "pkt_build.h"
#include "loader.h"
#include "log.h"
#include "mxguard.skel.h"
#include "rawprog.h"

#define MAX_ROUNDS 32
#define MAX_OBJECTS 32
#define MAX_VARIANTS 96
#define MAX_SIZES 4

/* Sources of the frames; 198.18.0.0/15 is the RFC 2544 benchmark range. */
#define HOT_BANNED "198.18.0.7"		/* banned in every hash fill */
#define HOT_CLEAN "203.0.113.9"		/* never banned */
#define HOT_IN_RANGE "198.18.3.7"	/* inside a /24 of the range fill */
#define HOT_BANNED2 "198.18.0.9"	/* a second banned source */
#define DST4 "192.0.2.1"
#define SRC6 "2001:db8:1:2::7"
#define DST6 "2001:db8::25"
#define RANDOM_SPAN 131072		/* addresses bench_randomize() draws from */
#define RANGES 1000

enum fill {
	FILL_NONE,
	FILL_HASH_IN,		/* 198.18.0.0/15 first, then 100.64.0.0/10 */
	FILL_HASH_OUT,		/* only 100.64.0.0/10: no random source hits */
	FILL_RANGES,		/* 512 /24s covering 198.18.0.0/15, 488 outside */
};

struct object {
	char name[48];
	struct mxguard *skel;	/* NULL for the raw baselines */
	int prog_fd;
	int stats_fd;
	int limits_fd;
	unsigned bans;
	double fill_ns;		/* per inserted entry */
};

enum check {
	CHECK_NONE,		/* baselines: no counters */
	CHECK_ONLY,		/* counter a takes every packet */
	CHECK_SPLIT,		/* a + b take every packet; a's share near frac */
	CHECK_MOSTLY,		/* a + b take every packet; b at most max_b */
};

struct variant {
	char name[64];
	const char *kase;
	const char *cache;
	unsigned bans;
	struct object *obj;
	struct pb frame;
	struct pb frame2;	/* run on CPU 0 at the same time, when two_cpus */
	int two_cpus;
	uint32_t syn_rate, syn_burst;
	int verdict;		/* expected retval, -1 for either */
	enum check check;
	unsigned a, b;
	double frac;		/* expected share of a; < 0: not checked */
	uint64_t max_b;
	double ns[MAX_ROUNDS];
	double x[MAX_ROUNDS];
	double share_a;		/* measured share of a in the last round */
};

static struct object objects[MAX_OBJECTS];
static int nobjects;
static struct variant variants[MAX_VARIANTS];
static int nvariants;
static int ncpus;
static unsigned long repeat = 1000000;
static int rounds = 5;
static int hold_ifindex;	/* -i: where each program is attached while it runs */
static int held_fd = -1;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xdp_micro: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* --- frames --------------------------------------------------------------- */

static void frame_v4(struct pb *b, const char *src, uint16_t dport, int ntags)
{
	static const uint16_t tpid[] = { ETH_P_8021AD, ETH_P_8021Q };
	size_t l3, l4;

	pb_l2(b, tpid, ntags, ETH_P_IP);
	l3 = pb_ipv4(b, src, DST4, IPPROTO_TCP, 0, NULL, 0);
	l4 = pb_tcp(b, 40000, dport, PB_SYN, 1);
	pb_ipv4_finish(b, l3);
	pb_l4_csum(b, l3, l4, b->len, IPPROTO_TCP);
}

/* frame_v6_ext - Hop-by-Hop, Destination, Segment Routing, Destination. */
static void frame_v6_ext(struct pb *b)
{
	size_t l3, l4;

	pb_eth(b, ETH_P_IPV6);
	l3 = pb_ipv6(b, SRC6, DST6, PB_NH_HOP);
	pb_ipv6_opts(b, PB_NH_DEST, 0);
	pb_ipv6_opts(b, PB_NH_ROUTING, 1);
	pb_ipv6_srh(b, PB_NH_DEST, DST6);
	pb_ipv6_opts(b, PB_NH_TCP, 0);
	l4 = pb_tcp(b, 40000, 25, PB_SYN, 1);
	pb_ipv6_finish(b, l3);
	pb_l4_csum(b, l3, l4, b->len, IPPROTO_TCP);
}

/* --- objects and their maps ----------------------------------------------- */

static uint32_t addr4(uint32_t host_order)
{
	return htonl(host_order);
}

/* fill_addr - the i-th banned address of a fill, in network order. */
static uint32_t fill_addr(enum fill f, unsigned i)
{
	const uint32_t bench = 0xc6120000;	/* 198.18.0.0 */
	const uint32_t shared = 0x64400000;	/* 100.64.0.0/10 */

	if (f == FILL_HASH_IN && i < RANDOM_SPAN)
		return addr4(bench + i);
	if (f == FILL_HASH_IN)
		i -= RANDOM_SPAN;
	return addr4(shared + i);
}

static void write_meta(struct object *o, uint32_t bnet4, uint32_t allow4)
{
	struct mxg_meta m = { .bnet4_entries = bnet4, .allow4_entries = allow4,
			      .abi_version = MXG_ABI_VERSION };
	__u32 key = 0;

	if (bpf_map__update_elem(o->skel->maps.mxguard_meta, &key, sizeof(key),
				 &m, sizeof(m), BPF_ANY))
		die("failed to write mxguard_meta of %s: %s", o->name,
		    strerror(errno));
}

/*
 * fill_object - write the object's bans the way user/lib/guard.c does:
 * single IPv4 addresses in the hash; ranges in the trie, with the trie's
 * count in mxguard_meta raised before the inserts.
 */
static void fill_object(struct object *o, enum fill f, unsigned n, int allow)
{
	struct mxg_entry e = { .reason = MXG_REASON_MANUAL,
			       .origin = MXG_ORIGIN_OPERATOR };
	int fd = bpf_map__fd(o->skel->maps.mxguard_block4);
	uint64_t t0;
	unsigned i;

	write_meta(o, f == FILL_RANGES ? RANGES : 0, allow ? 2 : 0);
	t0 = now_ns();
	if (f == FILL_HASH_IN || f == FILL_HASH_OUT) {
		for (i = 0; i < n; i++) {
			uint32_t a = fill_addr(f, i);

			if (bpf_map_update_elem(fd, &a, &e, BPF_NOEXIST))
				die("failed to insert ban %u of %u into %s: %s", i, n,
				    o->name, strerror(errno));
		}
	} else if (f == FILL_RANGES) {
		fd = bpf_map__fd(o->skel->maps.mxguard_bnet4);
		for (i = 0; i < RANGES; i++) {
			struct mxg_lpm4_key k = { .prefixlen = 24 };
			uint32_t a = i < 512 ? 0xc6120000 + (i << 8) :
					       0x64400000 + ((i - 512) << 8);

			a = addr4(a);
			memcpy(k.addr, &a, 4);
			if (bpf_map_update_elem(fd, &k, &e, BPF_NOEXIST))
				die("failed to insert range %u into %s: %s", i,
				    o->name, strerror(errno));
		}
		n = RANGES;
	}
	if (n)
		o->fill_ns = (double)(now_ns() - t0) / n;
	o->bans = n;

	/* what 'prog attach' allowlists: loopback and an own address */
	if (allow) {
		struct mxg_lpm4_key k1 = { .prefixlen = 8, .addr = { 127 } };
		struct mxg_lpm4_key k2 = { .prefixlen = 32, .addr = { 192, 0, 2, 1 } };
		struct mxg_entry ae = { .origin = MXG_ORIGIN_SELF };

		fd = bpf_map__fd(o->skel->maps.mxguard_allow4);
		if (bpf_map_update_elem(fd, &k1, &ae, BPF_ANY) ||
		    bpf_map_update_elem(fd, &k2, &ae, BPF_ANY))
			die("failed to fill the allowlist of %s: %s", o->name,
			    strerror(errno));
	}
}

static struct object *new_object(const char *name, unsigned block_max, int cold,
				 enum fill f, unsigned n, int allow)
{
	struct loader_sizes sizes = { .block4 = block_max };
	struct object *o;

	if (nobjects == MAX_OBJECTS)
		die("too many objects");
	o = &objects[nobjects++];
	snprintf(o->name, sizeof(o->name), "%s", name);
	o->skel = loader_load_unpinned(&sizes, cold);
	if (!o->skel)
		die("failed to load the guard for %s: %s", name, strerror(errno));
	o->prog_fd = bpf_program__fd(o->skel->progs.xdp_guard);
	o->stats_fd = bpf_map__fd(o->skel->maps.mxguard_stats);
	o->limits_fd = bpf_map__fd(o->skel->maps.mxguard_limits);
	fill_object(o, f, n, allow);
	return o;
}

static struct object *raw_object(const char *name, int fd)
{
	struct object *o;

	if (fd < 0)
		die("failed to load %s: %s", name, strerror(-fd));
	o = &objects[nobjects++];
	snprintf(o->name, sizeof(o->name), "%s", name);
	o->prog_fd = fd;
	o->stats_fd = o->limits_fd = -1;
	return o;
}

static void read_stats(const struct object *o, uint64_t out[MXG_CNT_MAX])
{
	uint64_t vals[ncpus];
	__u32 i;
	int c;

	for (i = 0; i < MXG_CNT_MAX; i++) {
		out[i] = 0;
		if (bpf_map_lookup_elem(o->stats_fd, &i, vals))
			die("failed to read mxguard_stats of %s: %s", o->name,
			    strerror(errno));
		for (c = 0; c < ncpus; c++)
			out[i] += vals[c];
	}
}

static void write_limits(const struct variant *v)
{
	struct mxg_limits lim;
	__u32 key = 0;

	loader_default_limits(&lim);
	lim.syn_rate = v->syn_rate;
	lim.syn_burst = v->syn_burst;
	lim.event_rate = 0;
	lim.global_syn_rate = 0;
	lim.conn_limit = 0;
	if (bpf_map_update_elem(v->obj->limits_fd, &key, &lim, BPF_ANY))
		die("failed to write the limits of %s: %s", v->obj->name,
		    strerror(errno));
}

/* --- variants ------------------------------------------------------------- */

static struct variant *add_variant(const char *kase, const char *cache,
				   struct object *o, int verdict)
{
	struct variant *v;

	if (nvariants == MAX_VARIANTS)
		die("too many variants");
	v = &variants[nvariants++];
	v->kase = kase;
	v->cache = cache;
	v->obj = o;
	v->bans = o->bans;
	v->verdict = verdict;
	v->frac = -1;
	if (o->bans >= 1000 && o->bans % 1000 == 0 && o->bans != RANGES)
		snprintf(v->name, sizeof(v->name), "%s/%s/%uk", kase, cache,
			 o->bans / 1000);
	else
		snprintf(v->name, sizeof(v->name), "%s/%s/%s", kase, cache, o->name);
	return v;
}

static void expect_only(struct variant *v, unsigned a)
{
	v->check = CHECK_ONLY;
	v->a = a;
}

static void expect_split(struct variant *v, unsigned a, unsigned b, double frac)
{
	v->check = CHECK_SPLIT;
	v->a = a;
	v->b = b;
	v->frac = frac;
}

/*
 * add_part - a raw program that does one thing the guard does per
 * packet, so that its cost can be set against the guard's.
 */
static void add_part(const char *name, int fd)
{
	struct variant *v;

	v = add_variant("part", "-", raw_object(name, fd), XDP_PASS);
	snprintf(v->name, sizeof(v->name), "part/%s", name);
	frame_v4(&v->frame, HOT_CLEAN, 25, 0);
}

/* add_size - the objects and variants of one blocklist size. */
static void add_size(unsigned n)
{
	char name[48];
	struct object *hot, *miss, *hit;
	struct variant *v;
	unsigned block = MXG_CNT_DROP_BLOCK + MXG_REASON_MANUAL;
	double hit_share = n >= RANDOM_SPAN ? 1.0 : (double)n / RANDOM_SPAN;

	snprintf(name, sizeof(name), "hot-%u", n);
	hot = new_object(name, n, 0, FILL_HASH_IN, n, 0);
	snprintf(name, sizeof(name), "cold-miss-%u", n);
	miss = new_object(name, n, 1, FILL_HASH_OUT, n, 0);
	snprintf(name, sizeof(name), "cold-hit-%u", n);
	hit = new_object(name, n, 1, FILL_HASH_IN, n, 0);
	snprintf(name, sizeof(name), "hash_miss_%u", n);
	add_part(name, rawprog_lookup(bpf_map__fd(hot->skel->maps.mxguard_block4),
				      inet_addr(HOT_CLEAN)));

	/* hot: one source, its entries in the cache */
	v = add_variant("clean_syn", "hot", hot, XDP_PASS);
	frame_v4(&v->frame, HOT_CLEAN, 25, 0);
	expect_only(v, MXG_CNT_PASS_CLEAN);
	v = add_variant("blocked_syn", "hot", hot, XDP_DROP);
	frame_v4(&v->frame, HOT_BANNED, 25, 0);
	expect_only(v, block);
	v = add_variant("rate_limited_syn", "hot", hot, XDP_DROP);
	frame_v4(&v->frame, HOT_CLEAN, 25, 0);
	v->syn_rate = 1;
	v->syn_burst = 1;
	v->check = CHECK_MOSTLY;
	v->a = MXG_CNT_DROP_SYN_RATE;
	v->b = MXG_CNT_PASS_CLEAN;
	v->max_b = 2;
	v = add_variant("non_mail_tcp", "hot", hot, XDP_PASS);
	frame_v4(&v->frame, HOT_BANNED, 80, 0);
	expect_only(v, MXG_CNT_PASS_OTHER);
	v = add_variant("ipv6_ext", "hot", hot, XDP_PASS);
	frame_v6_ext(&v->frame);
	expect_only(v, MXG_CNT_PASS_CLEAN);
	v = add_variant("vlan_qinq", "hot", hot, XDP_PASS);
	frame_v4(&v->frame, HOT_CLEAN, 25, 2);
	expect_only(v, MXG_CNT_PASS_CLEAN);

	/* both CPUs at once, one banned source or two */
	v = add_variant("blocked_syn", "hot", hot, XDP_DROP);
	snprintf(v->name, sizeof(v->name), "blocked_syn/hot/%uk/2cpus_1source", n / 1000);
	frame_v4(&v->frame, HOT_BANNED, 25, 0);
	frame_v4(&v->frame2, HOT_BANNED, 25, 0);
	v->two_cpus = 1;
	expect_only(v, block);
	v = add_variant("blocked_syn", "hot", hot, XDP_DROP);
	snprintf(v->name, sizeof(v->name), "blocked_syn/hot/%uk/2cpus_2sources", n / 1000);
	frame_v4(&v->frame, HOT_BANNED, 25, 0);
	frame_v4(&v->frame2, HOT_BANNED2, 25, 0);
	v->two_cpus = 1;
	expect_only(v, block);

	/* cold: a random source per packet; no source is banned */
	v = add_variant("clean_syn", "cold", miss, XDP_PASS);
	frame_v4(&v->frame, HOT_CLEAN, 25, 0);
	expect_only(v, MXG_CNT_PASS_CLEAN);
	v = add_variant("rate_limited_syn", "cold", miss, -1);
	frame_v4(&v->frame, HOT_CLEAN, 25, 0);
	v->syn_rate = 1;
	v->syn_burst = 1;
	expect_split(v, MXG_CNT_DROP_SYN_RATE, MXG_CNT_PASS_CLEAN, -1);
	v = add_variant("ipv6_ext", "cold", miss, XDP_PASS);
	frame_v6_ext(&v->frame);
	expect_only(v, MXG_CNT_PASS_CLEAN);
	v = add_variant("vlan_qinq", "cold", miss, XDP_PASS);
	frame_v4(&v->frame, HOT_CLEAN, 25, 2);
	expect_only(v, MXG_CNT_PASS_CLEAN);

	/* cold: a random source per packet, banned when the fill covers it */
	v = add_variant("blocked_syn", "cold", hit, -1);
	frame_v4(&v->frame, HOT_CLEAN, 25, 0);
	if (hit_share >= 1.0)
		expect_only(v, block);
	else
		expect_split(v, block, MXG_CNT_PASS_CLEAN, hit_share);
}

/* add_ranges - 1,000 ranges in the trie, and the allowlist's own cost. */
static void add_ranges(void)
{
	unsigned block = MXG_CNT_DROP_BLOCK + MXG_REASON_MANUAL;
	struct object *hot, *cold, *allow;
	struct variant *v;

	hot = new_object("1k-ranges", 0, 0, FILL_RANGES, 0, 0);
	cold = new_object("1k-ranges", 0, 1, FILL_RANGES, 0, 0);
	v = add_variant("blocked_syn", "hot", hot, XDP_DROP);
	frame_v4(&v->frame, HOT_IN_RANGE, 25, 0);
	expect_only(v, block);
	v = add_variant("clean_syn", "hot", hot, XDP_PASS);
	frame_v4(&v->frame, HOT_CLEAN, 25, 0);
	expect_only(v, MXG_CNT_PASS_CLEAN);
	v = add_variant("blocked_syn", "cold", cold, XDP_DROP);
	frame_v4(&v->frame, HOT_CLEAN, 25, 0);
	expect_only(v, block);

	/* 100k bans plus the two allowlist entries 'prog attach' writes */
	allow = new_object("100k+allow", 100000, 0, FILL_HASH_IN, 100000, 1);
	v = add_variant("blocked_syn", "hot", allow, XDP_DROP);
	snprintf(v->name, sizeof(v->name), "blocked_syn/hot/100k+allowlist");
	frame_v4(&v->frame, HOT_BANNED, 25, 0);
	expect_only(v, block);
	v = add_variant("clean_syn", "hot", allow, XDP_PASS);
	snprintf(v->name, sizeof(v->name), "clean_syn/hot/100k+allowlist");
	frame_v4(&v->frame, HOT_CLEAN, 25, 0);
	expect_only(v, MXG_CNT_PASS_CLEAN);
}

/* --- running and checking ------------------------------------------------- */

static void check_run(struct variant *v, const uint64_t *before,
		      const uint64_t *after, int retval)
{
	uint64_t d, da = 0, db = 0, total = repeat * (v->two_cpus ? 2 : 1);
	unsigned i;

	if (v->verdict >= 0 && retval != v->verdict)
		die("%s: verdict %d, expected %d", v->name, retval, v->verdict);
	for (i = 0; i < MXG_CNT_MAX; i++) {
		d = after[i] - before[i];
		if (i == v->a) {
			da = d;
			continue;
		}
		if (v->check != CHECK_ONLY && i == v->b) {
			db = d;
			continue;
		}
		if (d)
			die("%s: counter %u changed by %llu, expected 0", v->name, i,
			    (unsigned long long)d);
	}
	if (da + db != total)
		die("%s: the expected counters changed by %llu + %llu, expected %llu in all",
		    v->name, (unsigned long long)da, (unsigned long long)db,
		    (unsigned long long)total);
	v->share_a = (double)da / total;
	if (v->check == CHECK_MOSTLY && db > v->max_b)
		die("%s: %llu packets passed, expected at most %llu", v->name,
		    (unsigned long long)db, (unsigned long long)v->max_b);
	if (v->check == CHECK_SPLIT && v->frac >= 0 &&
	    fabs(v->share_a - v->frac) > 0.02)
		die("%s: %.4f of the packets were dropped, expected %.4f", v->name,
		    v->share_a, v->frac);
}

/* hold_prog - keep fd in the XDP dispatcher by attaching it to -i IFACE. */
static void hold_prog(int fd)
{
	int err;

	if (!hold_ifindex || held_fd == fd)
		return;
	err = bpf_xdp_attach(hold_ifindex, fd, XDP_FLAGS_DRV_MODE, NULL);
	if (err)
		die("failed to attach a program to ifindex %d: %s", hold_ifindex,
		    strerror(-err));
	held_fd = fd;
}

static int pin_self(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

/* second_cpu - the run of a two-CPU variant on CPU 0. */
static void *second_cpu(void *arg)
{
	struct variant *v = arg;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = v->frame2.buf,
		    .data_size_in = v->frame2.len, .repeat = repeat);

	if (pin_self(0) || bpf_prog_test_run_opts(v->obj->prog_fd, &opts))
		die("%s: the run on CPU 0 failed: %s", v->name, strerror(errno));
	return NULL;
}

/*
 * run_variant - one timed run; returns nanoseconds per packet on CPU 1
 * (on each CPU, for a two-CPU variant).
 */
static double run_variant(struct variant *v)
{
	uint64_t before[MXG_CNT_MAX], after[MXG_CNT_MAX], t0, t1;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = v->frame.buf,
		    .data_size_in = v->frame.len, .repeat = repeat);
	pthread_t thread;

	hold_prog(v->obj->prog_fd);
	if (v->obj->skel) {
		write_limits(v);
		read_stats(v->obj, before);
	}
	if (v->two_cpus && pthread_create(&thread, NULL, second_cpu, v))
		die("%s: failed to start the thread for CPU 0", v->name);
	t0 = now_ns();
	if (bpf_prog_test_run_opts(v->obj->prog_fd, &opts))
		die("%s: BPF_PROG_TEST_RUN failed: %s", v->name, strerror(errno));
	t1 = now_ns();
	if (v->two_cpus)
		pthread_join(thread, NULL);
	if (v->obj->skel) {
		read_stats(v->obj, after);
		check_run(v, before, after, (int)opts.retval);
	} else if (v->verdict >= 0 && (int)opts.retval != v->verdict) {
		die("%s: verdict %u, expected %d", v->name, opts.retval, v->verdict);
	}
	if (!hold_ifindex)
		return opts.duration;
	return (double)(t1 - t0) / repeat;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void print_stat(const char *key, const double *vals, int n, int last)
{
	double s[MAX_ROUNDS];

	memcpy(s, vals, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	printf("\"%s\": {\"median\": %.4f, \"min\": %.4f, \"max\": %.4f}%s", key,
	       n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2, s[0], s[n - 1],
	       last ? "" : ", ");
}

static void print_prog_info(void)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int i;

	for (i = 0; i < nobjects && !objects[i].skel; i++)
		;
	if (i == nobjects ||
	    bpf_obj_get_info_by_fd(objects[i].prog_fd, &info, &len))
		return;
	printf("  \"program\": {\"verified_insns\": %u, \"xlated_bytes\": %u, \"jited_bytes\": %u},\n",
	       info.verified_insns, info.xlated_prog_len, info.jited_prog_len);
}

static void print_results(void)
{
	int i, j;

	printf("{\n  \"repeat\": %lu, \"rounds\": %d, \"timing\": \"%s\",\n", repeat,
	       rounds, hold_ifindex ? "wall" : "kernel");
	print_prog_info();
	printf("  \"fill\": [");
	for (i = 0, j = 0; i < nobjects; i++) {
		if (!objects[i].skel || !objects[i].bans)
			continue;
		printf("%s\n    {\"object\": \"%s\", \"entries\": %u, \"ns_per_insert\": %.1f}",
		       j++ ? "," : "", objects[i].name, objects[i].bans,
		       objects[i].fill_ns);
	}
	printf("\n  ],\n  \"variants\": [");
	for (i = 0; i < nvariants; i++) {
		struct variant *v = &variants[i];

		printf("%s\n    {\"name\": \"%s\", \"case\": \"%s\", \"cache\": \"%s\", \"bans\": %u, \"object\": \"%s\", \"share_expected_counter\": %.4f, ",
		       i ? "," : "", v->name, v->kase, v->cache, v->bans,
		       v->obj->name, v->obj->skel ? v->share_a : 1.0);
		print_stat("ns", v->ns, rounds, 0);
		print_stat("x_empty", v->x, rounds, 1);
		printf("}");
	}
	printf("\n  ]\n}\n");
}

static int parse_sizes(const char *s, unsigned *sizes)
{
	char *copy = strdup(s), *tok, *save = NULL;
	int n = 0;

	for (tok = strtok_r(copy, ",", &save); tok && n < MAX_SIZES;
	     tok = strtok_r(NULL, ",", &save))
		sizes[n++] = (unsigned)strtoul(tok, NULL, 10);
	free(copy);
	return n;
}

int main(int argc, char **argv)
{
	unsigned sizes[MAX_SIZES] = { 10000, 100000, 1000000 };
	int nsizes = 3, opt, r, i;
	struct variant *v;
	struct object *empty;

	while ((opt = getopt(argc, argv, "i:r:n:s:")) >= 0) {
		switch (opt) {
		case 'i':
			hold_ifindex = if_nametoindex(optarg);
			if (!hold_ifindex)
				die("no interface '%s'", optarg);
			break;
		case 'r':
			repeat = strtoul(optarg, NULL, 10);
			break;
		case 'n':
			rounds = atoi(optarg);
			break;
		case 's':
			nsizes = parse_sizes(optarg, sizes);
			break;
		default:
			fprintf(stderr, "usage: xdp_micro [-i IFACE] [-r REPEAT] [-n ROUNDS] [-s SIZE,...]\n");
			return 2;
		}
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || !repeat || !nsizes)
		die("invalid rounds, repeat or sizes");
	ncpus = libbpf_num_possible_cpus();
	if (ncpus < 2)
		die("two CPUs are needed, %d found", ncpus);
	if (pin_self(1))
		die("failed to pin to CPU 1: %s", strerror(errno));
	log_set_level(LOG_LEVEL_WARN);

	/* the baselines first: variant 0 is the empty program */
	empty = raw_object("empty", rawprog_verdict(XDP_PASS));
	v = add_variant("empty", "-", empty, XDP_PASS);
	snprintf(v->name, sizeof(v->name), "empty");
	frame_v4(&v->frame, HOT_CLEAN, 25, 0);
	add_part("prandom", rawprog_helper(BPF_FUNC_get_prandom_u32));
	add_part("ktime_get_boot_ns", rawprog_helper(BPF_FUNC_ktime_get_boot_ns));
	add_part("ktime_get_ns", rawprog_helper(BPF_FUNC_ktime_get_ns));
	add_part("ktime_get_coarse_ns", rawprog_helper(BPF_FUNC_ktime_get_coarse_ns));

	for (i = 0; i < nsizes; i++) {
		fprintf(stderr, "xdp_micro: loading and filling %u bans\n", sizes[i]);
		add_size(sizes[i]);
	}
	add_ranges();

	/* a warm-up round that is not kept, then the interleaved rounds */
	for (r = -1; r < rounds; r++) {
		for (i = 0; i < nvariants; i++) {
			double ns = run_variant(&variants[i]);

			if (r >= 0)
				variants[i].ns[r] = ns;
		}
		if (r < 0)
			continue;
		for (i = 0; i < nvariants; i++)
			variants[i].x[r] = variants[i].ns[r] / variants[0].ns[r];
		fprintf(stderr, "xdp_micro: round %d of %d done\n", r + 1, rounds);
	}
	print_results();

	if (hold_ifindex)
		bpf_xdp_detach(hold_ifindex, XDP_FLAGS_DRV_MODE, NULL);
	for (i = 0; i < nobjects; i++) {
		if (objects[i].skel)
			mxguard__destroy(objects[i].skel);
		else
			close(objects[i].prog_fd);
	}
	return 0;
}
