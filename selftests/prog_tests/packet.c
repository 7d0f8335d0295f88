// SPDX-License-Identifier: GPL-2.0-only
/*
 * packet.c - table-driven tests of the XDP guard through BPF_PROG_TEST_RUN.
 *
 * The real object is loaded once with private, unpinned maps. Each case
 * resets the maps, writes its limits and list entries, and sends its
 * priming frames and then its own frame. It then checks the verdict, the
 * change of every counter in mxguard_stats (all others must stay put), the
 * hits of its list entries, the bucket and seen entries left behind and
 * the new-source events. Cases without VLAN tags of their own run twice:
 * untagged, and behind one 802.1Q tag ("_vlan").
 */
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include "test_progs.h"
#include "pkt_build.h"
#include "addr.h"
#include "guard.h"
#include "loader.h"
#include "names.h"
#include "util.h"
#include "mxguard.skel.h"

/* Sources and destinations of the table (documentation ranges). */
#define SRC4 "198.51.100.7"
#define SRC4_B "198.51.100.8"
#define BAD4 "203.0.113.9"
#define OWN4 "192.0.2.1"
#define SRC6 "2001:db8:1:2::7"
#define SRC6_SAME64 "2001:db8:1:2:ffff::1"
#define SRC6_OTHER64 "2001:db8:1:3::7"
#define BAD6 "2001:db8:bad:1::9"
#define BAD6_NET "2001:db8:bad:1::/64"
#define OWN6 "2001:db8::25"

#define MAX_EVENTS 16

enum l3_kind {
	L3_IPV4 = 1,
	L3_IPV6,
	L3_ARP,
	L3_ETHERTYPE,		/* frame.ethertype and 46 bytes of zeros */
};

/* IPv6 extension headers, in the order they appear */
enum ext_kind {
	X_END,
	X_HOP,			/* Hop-by-Hop Options, 8 bytes */
	X_DEST,			/* Destination Options, 16 bytes */
	X_RT,			/* Segment Routing Header, 24 bytes */
	X_FRAG,			/* Fragment, frame.frag6_off and frag6_more */
	X_AH,			/* Authentication Header, 24 bytes */
	X_ESP,			/* ESP; nothing after it is readable */
};

enum ipv4_opts {
	IPOPT_NONE,
	IPOPT_NOP4,		/* 4 NOPs: IHL 6 */
	IPOPT_RR,		/* Record Route, 4 slots: IHL 10 */
	IPOPT_TS9,		/* Timestamp, 9 slots (40 bytes): IHL 15 */
};

/* A header field that lies, set after the frame is built. */
enum lie_kind {
	LIE_NONE,
	LIE_IHL,		/* IPv4 IHL */
	LIE_VERSION,		/* IP version nibble */
	LIE_TOT_LEN,		/* IPv4 total length */
	LIE_PLEN6,		/* IPv6 payload length */
	LIE_DOFF,		/* TCP data offset */
	LIE_EXT_LEN,		/* length byte of the last extension header */
};

enum cut_kind {
	CUT_NONE,
	CUT_FRAME,		/* keep cut_at bytes of the frame */
	CUT_L3,			/* keep cut_at bytes from the network header on */
};

#define PORT_ZERO 0x10000	/* frame.dport for a SYN to port 0 */

/* struct frame - one frame of a case; zero fields take the defaults noted. */
struct frame {
	int l3;
	uint16_t ethertype;
	int ntags;		/* explicit VLAN tags; no tagged variant then */
	uint16_t tpid[3];
	const char *src;	/* SRC4 or SRC6 when NULL */
	uint8_t proto;		/* IPPROTO_TCP when 0 */
	uint16_t sport;		/* 40000 when 0 */
	int dport;		/* 25 when 0 */
	uint8_t flags;		/* SYN when 0 */
	int bare_tcp;		/* no TCP options */
	uint8_t icmp_type, icmp_code;
	int ip_opts;		/* enum ipv4_opts */
	uint16_t frag4;		/* raw IPv4 fragment field */
	uint8_t ext[8];		/* enum ext_kind, ended by X_END */
	uint16_t frag6_off;	/* in 8-byte units */
	int frag6_more;
	int tcp_bytes;		/* keep only this many bytes of the segment */
	int payload;		/* TCP payload bytes */
	int pad;		/* Ethernet padding after the IP packet */
	int cut;		/* enum cut_kind */
	int cut_at;
	int lie;		/* enum lie_kind */
	int lie_val;
};

enum list_kind {
	LIST_END,
	BLOCK,
	ALLOW,
};

enum expiry_kind {
	EXP_NEVER,		/* expires_ns 0 */
	EXP_PAST,		/* one second ago */
	EXP_FUTURE,		/* in an hour */
};

/* struct entry - a list entry placed the way user/lib/guard.c places it. */
struct entry {
	int list;
	const char *prefix;
	int expiry;
	uint32_t reason;
	int uncounted;		/* leave the trie's count in mxguard_meta at 0 */
	uint64_t hits;		/* expected hit count after the case */
};

struct cnt {
	uint32_t idx;
	uint64_t n;
};

struct fixture;

struct pkt_case {
	const char *name;
	struct frame f;
	struct entry lists[3];
	void (*limits)(struct mxg_limits *lim);
	void (*setup)(struct fixture *fx, const struct pkt_case *c);
	struct frame prime;	/* sent prime_runs times first; f when l3 is 0 */
	int prime_runs;
	int prime_verdict;
	void (*between)(struct fixture *fx, const struct pkt_case *c);
	int verdict;
	struct cnt cnt[4];	/* counter changes; every other stays put */
	int buckets;		/* entries left in mxguard_bucket */
	int seen;		/* entries left in mxguard_seen */
	int events;		/* new-source events in the ring buffer */
	int held;		/* of those, events with held set */
};

struct fixture {
	struct mxguard *skel;
	int prog_fd;
	int ncpus;
	int tagged;
	struct ring_buffer *rb;
	struct mxg_limits lim;
	struct mxg_event ev[MAX_EVENTS];
	int nev;
	int bad_event_size;
};

#define CNT(name, n) { MXG_CNT_##name, (n) }
#define BLOCK_CNT(reason, n) { MXG_CNT_DROP_BLOCK + MXG_REASON_##reason, (n) }
#define MON_CNT(name, n) { MXG_CNT_MONITOR_OFFSET + MXG_CNT_##name, (n) }
#define MON_BLOCK_CNT(reason, n)                                            \
	{ MXG_CNT_MONITOR_OFFSET + MXG_CNT_DROP_BLOCK + MXG_REASON_##reason, (n) }

#define V4 .l3 = L3_IPV4
#define V6 .l3 = L3_IPV6

/* The blocked sources of most cases, with the hits they should end with. */
#define BLOCKED4(h) { .list = BLOCK, .prefix = BAD4, .reason = MXG_REASON_MANUAL, .hits = (h) }
#define BLOCKED6(h) { .list = BLOCK, .prefix = BAD6_NET, .reason = MXG_REASON_MANUAL, .hits = (h) }

/* --- frames ---------------------------------------------------------------- */

/* Offsets of a built frame, for the lies and cuts. */
struct layout {
	size_t l3;
	size_t l4;
	size_t last_ext;	/* 0 when there is none */
};

static const char *frame_src(const struct frame *f)
{
	if (f->src)
		return f->src;
	return f->l3 == L3_IPV6 ? SRC6 : SRC4;
}

static uint8_t frame_proto(const struct frame *f)
{
	return f->proto ? f->proto : IPPROTO_TCP;
}

static uint16_t frame_dport(const struct frame *f)
{
	if (f->dport == PORT_ZERO)
		return 0;
	return f->dport ? (uint16_t)f->dport : 25;
}

static size_t ipv4_options(int kind, uint8_t opts[40])
{
	memset(opts, 0, 40);
	switch (kind) {
	case IPOPT_NOP4:
		return pb_ipv4_opt_nops(opts, 4);
	case IPOPT_RR:
		pb_ipv4_opt_rr(opts, 4);	/* 19 bytes, then End of List */
		return 20;
	case IPOPT_TS9:
		return pb_ipv4_opt_ts(opts, 9);
	}
	return 0;
}

/*
 * append_l4 - append the transport bytes of f. A fragment at byte offset
 * skip carries the segment from there on, or 24 bytes of data when the
 * segment is shorter. tcp_bytes keeps only the start of what is there.
 */
static void append_l4(const struct frame *f, struct pb *b, size_t l3,
		      size_t skip)
{
	uint8_t proto = frame_proto(f);
	size_t l4 = b->len, n;
	struct pb seg = { .len = 0 };

	switch (proto) {
	case IPPROTO_TCP:
		pb_tcp(&seg, f->sport ? f->sport : 40000, frame_dport(f),
		       f->flags ? f->flags : PB_SYN, !f->bare_tcp);
		pb_put(&seg, f->payload);
		break;
	case IPPROTO_UDP:
		pb_udp(&seg, f->sport ? f->sport : 40000, frame_dport(f), 8);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		pb_icmp(&seg, f->icmp_type, f->icmp_code);
		break;
	default:
		return;		/* No Next Header: nothing follows */
	}

	if (skip >= seg.len) {
		memset(pb_put(b, 24), 0xab, 24);
		return;
	}
	n = seg.len - skip;
	if (f->tcp_bytes && (size_t)f->tcp_bytes < n)
		n = f->tcp_bytes;
	memcpy(pb_put(b, n), seg.buf + skip, n);
	if (!skip)
		pb_l4_csum(b, l3, l4, b->len, proto);
}

static void build_ipv4(const struct frame *f, struct pb *b, struct layout *lo)
{
	uint8_t opts[40];
	size_t optlen = ipv4_options(f->ip_opts, opts);

	lo->l3 = pb_ipv4(b, frame_src(f), OWN4, frame_proto(f), f->frag4,
			 opts, optlen);
	lo->l4 = b->len;
	append_l4(f, b, lo->l3, (f->frag4 & 0x1fff) * 8);
	pb_ipv4_finish(b, lo->l3);
}

static uint8_t ext_nexthdr(int kind)
{
	switch (kind) {
	case X_HOP:
		return PB_NH_HOP;
	case X_DEST:
		return PB_NH_DEST;
	case X_RT:
		return PB_NH_ROUTING;
	case X_FRAG:
		return PB_NH_FRAGMENT;
	case X_AH:
		return PB_NH_AUTH;
	default:
		return PB_NH_ESP;
	}
}

static void build_ipv6(const struct frame *f, struct pb *b, struct layout *lo)
{
	size_t skip = 0;
	int i;

	lo->l3 = pb_ipv6(b, frame_src(f), OWN6,
			 f->ext[0] ? ext_nexthdr(f->ext[0]) : frame_proto(f));
	for (i = 0; f->ext[i]; i++) {
		uint8_t next = f->ext[i + 1] ? ext_nexthdr(f->ext[i + 1]) :
					       frame_proto(f);

		lo->last_ext = b->len;
		switch (f->ext[i]) {
		case X_HOP:
			pb_ipv6_opts(b, next, 0);
			break;
		case X_DEST:
			pb_ipv6_opts(b, next, 1);
			break;
		case X_RT:
			pb_ipv6_srh(b, next, OWN6);
			break;
		case X_FRAG:
			pb_ipv6_frag(b, next, f->frag6_off, f->frag6_more, 0x5678);
			skip = f->frag6_off * 8;
			break;
		case X_AH:
			pb_ipv6_ah(b, next);
			break;
		case X_ESP:
			pb_esp(b);
			goto finish;
		}
	}
	lo->l4 = b->len;
	append_l4(f, b, lo->l3, skip);
finish:
	pb_ipv6_finish(b, lo->l3);
}

static void apply_lie(const struct frame *f, struct pb *b,
		      const struct layout *lo)
{
	uint8_t *ip = b->buf + lo->l3;

	switch (f->lie) {
	case LIE_IHL:
		ip[0] = 0x40 | (f->lie_val & 0x0f);
		break;
	case LIE_VERSION:
		ip[0] = (uint8_t)(f->lie_val << 4) | (ip[0] & 0x0f);
		break;
	case LIE_TOT_LEN:
		pb_put16(ip + 2, (uint16_t)f->lie_val);
		break;
	case LIE_PLEN6:
		pb_put16(ip + 4, (uint16_t)f->lie_val);
		break;
	case LIE_DOFF:
		b->buf[lo->l4 + 12] = (uint8_t)(f->lie_val << 4);
		break;
	case LIE_EXT_LEN:
		b->buf[lo->last_ext + 1] = (uint8_t)f->lie_val;
		break;
	default:
		return;
	}
	/* only the lie is wrong: the IPv4 header checksum still matches */
	if (f->l3 == L3_IPV4 && f->lie != LIE_DOFF)
		pb_ipv4_csum(b, lo->l3);
}

/*
 * build_frame - the bytes of f; tagged adds one 802.1Q tag unless f has
 * tags of its own.
 */
static void build_frame(const struct frame *f, int tagged, struct pb *b)
{
	static const uint16_t dot1q[] = { ETH_P_8021Q };
	const uint16_t *tpid = f->ntags ? f->tpid : dot1q;
	int ntags = f->ntags ? f->ntags : !!tagged;
	struct layout lo = {};

	b->len = 0;
	switch (f->l3) {
	case L3_IPV4:
		pb_l2(b, tpid, ntags, ETH_P_IP);
		build_ipv4(f, b, &lo);
		break;
	case L3_IPV6:
		pb_l2(b, tpid, ntags, ETH_P_IPV6);
		build_ipv6(f, b, &lo);
		break;
	case L3_ARP:
		lo.l3 = pb_l2(b, tpid, ntags, ETH_P_ARP);
		pb_arp(b);
		break;
	default:
		lo.l3 = pb_l2(b, tpid, ntags, f->ethertype);
		pb_put(b, 46);
		break;
	}
	pb_put(b, f->pad);
	apply_lie(f, b, &lo);
	if (f->cut == CUT_FRAME)
		b->len = f->cut_at;
	else if (f->cut == CUT_L3)
		b->len = lo.l3 + f->cut_at;
}

/* frame_src16 - the frame's source as the program keys it (IPv4 mapped) */
static void frame_src16(const struct frame *f, uint8_t out[16])
{
	if (f->l3 == L3_IPV6) {
		pb_addr(AF_INET6, frame_src(f), out);
		return;
	}
	memset(out, 0, 10);
	out[10] = 0xff;
	out[11] = 0xff;
	pb_addr(AF_INET, frame_src(f), out + 12);
}

/* --- fixture ---------------------------------------------------------------- */

static int on_event(void *ctx, void *data, size_t size)
{
	struct fixture *fx = ctx;

	if (size != sizeof(struct mxg_event))
		fx->bad_event_size = 1;
	else if (fx->nev < MAX_EVENTS)
		memcpy(&fx->ev[fx->nev], data, sizeof(struct mxg_event));
	fx->nev++;
	return 0;
}

static int map_fd(struct fixture *fx, int id)
{
	struct mxguard *s = fx->skel;

	switch (id) {
	case GM_LIMITS:
		return bpf_map__fd(s->maps.mxguard_limits);
	case GM_STATS:
		return bpf_map__fd(s->maps.mxguard_stats);
	case GM_META:
		return bpf_map__fd(s->maps.mxguard_meta);
	case GM_BLOCK4:
		return bpf_map__fd(s->maps.mxguard_block4);
	case GM_BLOCK6:
		return bpf_map__fd(s->maps.mxguard_block6);
	case GM_BNET4:
		return bpf_map__fd(s->maps.mxguard_bnet4);
	case GM_BNET6:
		return bpf_map__fd(s->maps.mxguard_bnet6);
	case GM_ALLOW4:
		return bpf_map__fd(s->maps.mxguard_allow4);
	case GM_ALLOW6:
		return bpf_map__fd(s->maps.mxguard_allow6);
	case GM_BUCKET:
		return bpf_map__fd(s->maps.mxguard_bucket);
	case GM_SEEN:
		return bpf_map__fd(s->maps.mxguard_seen);
	case GM_GLOBAL:
		return bpf_map__fd(s->maps.mxguard_global);
	default:
		return bpf_map__fd(s->maps.mxguard_events);
	}
}

/* map_clear - delete every key of a hash, LRU or LPM map. */
static int map_clear(int fd)
{
	uint8_t key[64];

	while (bpf_map_get_next_key(fd, NULL, key) == 0) {
		if (bpf_map_delete_elem(fd, key))
			return -errno;
	}
	return errno == ENOENT ? 0 : -errno;
}

static int map_count(int fd)
{
	uint8_t key[64], next[64];
	void *prev = NULL;
	int n = 0;

	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		memcpy(key, next, sizeof(key));
		prev = key;
		n++;
	}
	return n;
}

static int stats_read(struct fixture *fx, uint64_t out[MXG_CNT_MAX])
{
	uint64_t vals[fx->ncpus];
	uint32_t i;
	int c;

	for (i = 0; i < MXG_CNT_MAX; i++) {
		if (bpf_map_lookup_elem(map_fd(fx, GM_STATS), &i, vals))
			return -errno;
		out[i] = 0;
		for (c = 0; c < fx->ncpus; c++)
			out[i] += vals[c];
	}
	return 0;
}

/* fx_reset - empty every map and the ring buffer, leaving the limits zeroed. */
static int fx_reset(struct fixture *fx)
{
	static const int lists[] = {
		GM_BLOCK4, GM_BLOCK6, GM_BNET4, GM_BNET6, GM_ALLOW4, GM_ALLOW6,
		GM_BUCKET, GM_SEEN,
	};
	struct mxg_meta meta = { .abi_version = MXG_ABI_VERSION };
	struct mxg_limits lim = {};
	struct mxg_bucket zero_bucket = {};
	uint64_t zeros[fx->ncpus];
	uint32_t i, key0 = 0;
	size_t m;
	int err;

	for (m = 0; m < ARRAY_SIZE(lists); m++) {
		err = map_clear(map_fd(fx, lists[m]));
		if (err)
			return err;
	}
	memset(zeros, 0, sizeof(zeros));
	for (i = 0; i < MXG_CNT_MAX; i++)
		if (bpf_map_update_elem(map_fd(fx, GM_STATS), &i, zeros, BPF_ANY))
			return -errno;
	for (i = 0; i < MXG_GLOBAL_MAX; i++)
		if (bpf_map_update_elem(map_fd(fx, GM_GLOBAL), &i, &zero_bucket,
					BPF_ANY))
			return -errno;
	if (bpf_map_update_elem(map_fd(fx, GM_META), &key0, &meta, BPF_ANY) ||
	    bpf_map_update_elem(map_fd(fx, GM_LIMITS), &key0, &lim, BPF_ANY))
		return -errno;
	ring_buffer__consume(fx->rb);
	fx->nev = 0;
	fx->bad_event_size = 0;
	return 0;
}

static int fx_write_limits(struct fixture *fx)
{
	uint32_t key0 = 0;

	if (bpf_map_update_elem(map_fd(fx, GM_LIMITS), &key0, &fx->lim, BPF_ANY))
		return -errno;
	return 0;
}

/* Where an entry lives, as in slot_for() of user/lib/guard.c. */
struct slot {
	int map;
	int lpm;
	uint8_t key[20];
};

static uint32_t fx_v6_prefix(const struct fixture *fx)
{
	uint32_t p = fx->lim.v6_prefix;

	return p < 32 || p > 128 ? 64 : p;
}

static int entry_slot(struct fixture *fx, const struct entry *e,
		      struct slot *s)
{
	struct mxg_lpm4_key l4 = {};
	struct mxg_lpm6_key l6 = {};
	struct mxg_prefix p;
	char err[128];

	if (prefix_parse(e->prefix, &p, err, sizeof(err))) {
		test__log("invalid prefix in the table: %s", err);
		return -EINVAL;
	}
	memset(s, 0, sizeof(*s));
	if (p.family == AF_INET && e->list == BLOCK && p.plen == 32) {
		s->map = GM_BLOCK4;
		memcpy(s->key, p.addr, 4);
	} else if (p.family == AF_INET6 && e->list == BLOCK &&
		   p.plen == fx_v6_prefix(fx)) {
		s->map = GM_BLOCK6;
		memcpy(s->key, p.addr, 16);
	} else if (p.family == AF_INET) {
		s->map = e->list == BLOCK ? GM_BNET4 : GM_ALLOW4;
		s->lpm = 1;
		l4.prefixlen = p.plen;
		memcpy(l4.addr, p.addr, 4);
		memcpy(s->key, &l4, sizeof(l4));
	} else {
		s->map = e->list == BLOCK ? GM_BNET6 : GM_ALLOW6;
		s->lpm = 1;
		l6.prefixlen = p.plen;
		memcpy(l6.addr, p.addr, 16);
		memcpy(s->key, &l6, sizeof(l6));
	}
	return 0;
}

/* meta_raise - count one more entry in a trie, as guard.c does first. */
static int meta_raise(struct fixture *fx, int map)
{
	struct mxg_meta meta;
	uint32_t key0 = 0;

	if (bpf_map_lookup_elem(map_fd(fx, GM_META), &key0, &meta))
		return -errno;
	switch (map) {
	case GM_BNET4:
		meta.bnet4_entries++;
		break;
	case GM_BNET6:
		meta.bnet6_entries++;
		break;
	case GM_ALLOW4:
		meta.allow4_entries++;
		break;
	default:
		meta.allow6_entries++;
		break;
	}
	if (bpf_map_update_elem(map_fd(fx, GM_META), &key0, &meta, BPF_ANY))
		return -errno;
	return 0;
}

static int fx_put_entry(struct fixture *fx, const struct entry *e)
{
	uint64_t now = now_boot_ns();
	struct mxg_entry v = {
		.added_ns = now,
		.reason = e->reason,
		.origin = MXG_ORIGIN_OPERATOR,
	};
	struct slot s;
	int err;

	if (e->expiry == EXP_PAST)
		v.expires_ns = now - NSEC_PER_SEC;
	else if (e->expiry == EXP_FUTURE)
		v.expires_ns = now + 3600 * NSEC_PER_SEC;
	err = entry_slot(fx, e, &s);
	if (err)
		return err;
	if (s.lpm && !e->uncounted) {
		err = meta_raise(fx, s.map);
		if (err)
			return err;
	}
	/* as guard.c stores it: the trie key's length, read below on expiry */
	if (s.lpm)
		memcpy(&v.plen, s.key, sizeof(v.plen));
	if (bpf_map_update_elem(map_fd(fx, s.map), s.key, &v, BPF_NOEXIST))
		return -errno;
	return 0;
}

static int fx_entry_hits(struct fixture *fx, const struct entry *e,
			 uint64_t *hits)
{
	struct mxg_entry v;
	struct slot s;
	int err;

	err = entry_slot(fx, e, &s);
	if (err)
		return err;
	if (bpf_map_lookup_elem(map_fd(fx, s.map), s.key, &v))
		return -errno;
	*hits = v.hits;
	return 0;
}

/*
 * run_short - run a frame shorter than an Ethernet header. The kernel
 * rejects such input as it is, so the frame goes after 32 bytes of XDP
 * metadata, which older kernels accept. Linux 6.18 rejects that too but
 * accepts the frame as the linear part of a 14-byte input whose rest is a
 * fragment. Either way data_end - data is len. Returns -EOPNOTSUPP when
 * the kernel takes neither form.
 */
static int run_short(struct fixture *fx, const uint8_t *data, size_t len,
		     int *verdict)
{
	uint8_t buf[32 + ETH_HLEN] = {};
	struct xdp_md ctx = { .data = 32, .data_end = 32 + len };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .repeat = 1, .data_in = buf,
		    .data_size_in = 32 + len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx));

	memcpy(buf + 32, data, len);
	if (!bpf_prog_test_run_opts(fx->prog_fd, &opts))
		goto out;
	if (errno != EINVAL)
		return -errno;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, data, len);
	ctx.data = 0;
	ctx.data_end = len;
	opts.data_size_in = ETH_HLEN;
	if (!bpf_prog_test_run_opts(fx->prog_fd, &opts))
		goto out;
	return errno == EINVAL ? -EOPNOTSUPP : -errno;
out:
	*verdict = (int)opts.retval;
	return 0;
}

/* run_bytes - run one frame through BPF_PROG_TEST_RUN. */
static int run_bytes(struct fixture *fx, const uint8_t *data, size_t len,
		     int *verdict)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .repeat = 1, .data_in = data,
		    .data_size_in = len);

	if (len < ETH_HLEN)
		return run_short(fx, data, len, verdict);
	if (bpf_prog_test_run_opts(fx->prog_fd, &opts))
		return -errno;
	*verdict = (int)opts.retval;
	return 0;
}

static int fx_run(struct fixture *fx, const struct frame *f, int *verdict)
{
	struct pb b;

	build_frame(f, fx->tagged, &b);
	return run_bytes(fx, b.buf, b.len, verdict);
}

static const char *verdict_name(int v)
{
	switch (v) {
	case XDP_PASS:
		return "XDP_PASS";
	case XDP_DROP:
		return "XDP_DROP";
	case XDP_ABORTED:
		return "XDP_ABORTED";
	}
	return "other";
}

static void counter_label(uint32_t idx, char *buf, size_t len)
{
	enum counter_group g;
	const char *name = counter_name(idx, &g);

	snprintf(buf, len, "counter %s.%s (%u)",
		 counter_group_name(g) ? counter_group_name(g) : "unused",
		 name ? name : "unused", idx);
}

/* --- hooks used by the table ---------------------------------------------- */

static void lim_monitor(struct mxg_limits *lim)
{
	lim->mode = MXG_MODE_MONITOR;
}

/* one SYN per second and a burst of one, so a source's second SYN is over */
static void lim_tight(struct mxg_limits *lim)
{
	lim->syn_rate = 1;
	lim->syn_burst = 1;
}

static void lim_burst2(struct mxg_limits *lim)
{
	lim->syn_rate = 1;
	lim->syn_burst = 2;
}

static void lim_burst3(struct mxg_limits *lim)
{
	lim->syn_rate = 1;
	lim->syn_burst = 3;
}

static void lim_burst0(struct mxg_limits *lim)
{
	lim->syn_rate = 1;
	lim->syn_burst = 0;
}

static void lim_rate_off(struct mxg_limits *lim)
{
	lim->syn_rate = 0;
	lim->syn_burst = 1;
}

static void lim_rate100(struct mxg_limits *lim)
{
	lim->syn_rate = 100;
	lim->syn_burst = 1;
}

static void lim_monitor_tight(struct mxg_limits *lim)
{
	lim_tight(lim);
	lim->mode = MXG_MODE_MONITOR;
}

static void lim_v6_56(struct mxg_limits *lim)
{
	lim->v6_prefix = 56;
}

static void lim_v6_56_burst2(struct mxg_limits *lim)
{
	lim_burst2(lim);
	lim->v6_prefix = 56;
}

static void lim_v6_128(struct mxg_limits *lim)
{
	lim->v6_prefix = 128;
}

static void lim_v6_128_burst2(struct mxg_limits *lim)
{
	lim_burst2(lim);
	lim->v6_prefix = 128;
}

static void lim_v6_invalid(struct mxg_limits *lim)
{
	lim->v6_prefix = 0;
}

static void lim_global2(struct mxg_limits *lim)
{
	lim->global_syn_rate = 1;
	lim->global_syn_burst = 2;
}

static void lim_global_monitor(struct mxg_limits *lim)
{
	lim_global2(lim);
	lim->mode = MXG_MODE_MONITOR;
}

static void lim_ports_2525(struct mxg_limits *lim)
{
	memset(lim->ports, 0, sizeof(lim->ports));
	lim->ports[0] = 2525;
}

static void lim_port_last_slot(struct mxg_limits *lim)
{
	memset(lim->ports, 0, sizeof(lim->ports));
	lim->ports[MXG_MAX_PORTS - 1] = 2525;
}

static void lim_zero(struct mxg_limits *lim)
{
	memset(lim, 0, sizeof(*lim));
}

/* a short seen_ttl keeps the rewound seen times after boot */
static void lim_events(struct mxg_limits *lim)
{
	lim->event_rate = 10;
	lim->seen_ttl_sec = 60;
}

static void lim_events1(struct mxg_limits *lim)
{
	lim_events(lim);
	lim->event_rate = 1;
}

static void lim_events_tight(struct mxg_limits *lim)
{
	lim_events(lim);
	lim_tight(lim);
}

static void lim_hold(struct mxg_limits *lim)
{
	lim_events(lim);
	lim->hold_first_syn = 1;
}

static void lim_hold_monitor(struct mxg_limits *lim)
{
	lim_hold(lim);
	lim->mode = MXG_MODE_MONITOR;
}

static void lim_hold1(struct mxg_limits *lim)
{
	lim_hold(lim);
	lim->event_rate = 1;
}

static void lim_hold_no_events(struct mxg_limits *lim)
{
	lim->event_rate = 0;
	lim->hold_first_syn = 1;
}

/* seen_at - mark the case's source as reported 'age' seconds ago. */
static void seen_at(struct fixture *fx, const struct pkt_case *c,
		    int64_t age)
{
	struct mxg_addr6 key;
	uint64_t t = now_boot_ns() - (uint64_t)age * NSEC_PER_SEC;

	frame_src16(&c->f, key.addr);
	ASSERT_OK(bpf_map_update_elem(map_fd(fx, GM_SEEN), &key, &t, BPF_ANY),
		  "write seen entry");
}

static void setup_seen_expired(struct fixture *fx, const struct pkt_case *c)
{
	seen_at(fx, c, fx->lim.seen_ttl_sec + 1);
}

static void setup_seen_fresh(struct fixture *fx, const struct pkt_case *c)
{
	seen_at(fx, c, fx->lim.seen_ttl_sec - 10);
}

/* between_drain_rewind - check that one more SYN is over, then refill. */
static void between_drain_rewind(struct fixture *fx, const struct pkt_case *c)
{
	struct mxg_addr6 key, next;
	struct mxg_bucket b;
	void *prev = NULL;
	int v = -1;

	if (ASSERT_OK(fx_run(fx, &c->f, &v), "run drained"))
		ASSERT_EQ(v, XDP_DROP, "verdict when drained");

	/*
	 * A theoretical arrival time in the past is a full bucket. Zero, not
	 * "now - 10 s": a kernel booted a few seconds ago (the QEMU matrix)
	 * has a boot-time clock below ten seconds.
	 */
	while (bpf_map_get_next_key(map_fd(fx, GM_BUCKET), prev, &next) == 0) {
		key = next;
		prev = &key;
		if (!ASSERT_OK(bpf_map_lookup_elem(map_fd(fx, GM_BUCKET), &key, &b),
			       "read bucket"))
			return;
		ASSERT_EQ(b.limited, 1, "bucket limited count");
		b.tat_ns = 0;
		ASSERT_OK(bpf_map_update_elem(map_fd(fx, GM_BUCKET), &key, &b,
					      BPF_EXIST),
			  "rewind bucket");
	}
}

/* between_drain_wait - check that one more SYN is over, then wait 3 tokens. */
static void between_drain_wait(struct fixture *fx, const struct pkt_case *c)
{
	struct timespec ts = { .tv_nsec = 30 * 1000 * 1000 };
	int v = -1;

	if (ASSERT_OK(fx_run(fx, &c->f, &v), "run drained"))
		ASSERT_EQ(v, XDP_DROP, "verdict when drained");
	nanosleep(&ts, NULL);
}

/* between_prime_drained - check that the priming source is over its limit. */
static void between_prime_drained(struct fixture *fx, const struct pkt_case *c)
{
	int v = -1;

	if (ASSERT_OK(fx_run(fx, &c->prime, &v), "run priming frame"))
		ASSERT_EQ(v, XDP_DROP, "priming source drained");
}

static void between_add_2525(struct fixture *fx, const struct pkt_case *c)
{
	fx->lim.ports[3] = 2525;
	ASSERT_OK(fx_write_limits(fx), "write limits");
}

static void between_drop_25(struct fixture *fx, const struct pkt_case *c)
{
	int i;

	for (i = 0; i < MXG_MAX_PORTS; i++)
		if (fx->lim.ports[i] == 25)
			fx->lim.ports[i] = 0;
	ASSERT_OK(fx_write_limits(fx), "write limits");
}

/* --- the table --------------------------------------------------------------- */

static const struct pkt_case cases[] = {
	/* truncated and lying headers pass, even from a blocked source */
	{ .name = "trunc_frame_0_bytes",
	  .f = { V4, .src = BAD4, .cut = CUT_FRAME, .cut_at = 0 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_TRUNCATED, 1) } },
	{ .name = "trunc_frame_1_byte",
	  .f = { V4, .src = BAD4, .cut = CUT_FRAME, .cut_at = 1 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_TRUNCATED, 1) } },
	{ .name = "trunc_frame_6_bytes",
	  .f = { V4, .src = BAD4, .cut = CUT_FRAME, .cut_at = 6 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_TRUNCATED, 1) } },
	{ .name = "trunc_frame_12_bytes",
	  .f = { V4, .src = BAD4, .cut = CUT_FRAME, .cut_at = 12 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_TRUNCATED, 1) } },
	{ .name = "trunc_frame_13_bytes",
	  .f = { V4, .src = BAD4, .cut = CUT_FRAME, .cut_at = 13 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_TRUNCATED, 1) } },
	{ .name = "trunc_eth_only_v4",
	  .f = { V4, .src = BAD4, .cut = CUT_L3, .cut_at = 0 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_TRUNCATED, 1) } },
	{ .name = "trunc_eth_only_v6",
	  .f = { V6, .src = BAD6, .cut = CUT_L3, .cut_at = 0 },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_TRUNCATED, 1) } },
	{ .name = "trunc_in_vlan_tag",
	  .f = { V4, .src = BAD4, .ntags = 1, .tpid = { ETH_P_8021Q },
		 .cut = CUT_FRAME, .cut_at = 16 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_TRUNCATED, 1) } },
	{ .name = "trunc_in_inner_tag",
	  .f = { V6, .src = BAD6, .ntags = 2,
		 .tpid = { ETH_P_8021AD, ETH_P_8021Q },
		 .cut = CUT_FRAME, .cut_at = 20 },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_TRUNCATED, 1) } },
	{ .name = "trunc_ipv4_19_bytes",
	  .f = { V4, .src = BAD4, .cut = CUT_L3, .cut_at = 19 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_TRUNCATED, 1) } },
	{ .name = "trunc_ipv4_in_options",
	  .f = { V4, .src = BAD4, .ip_opts = IPOPT_TS9, .cut = CUT_L3,
		 .cut_at = 30 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_TRUNCATED, 1) } },
	{ .name = "bad_ipv4_ihl_4",
	  .f = { V4, .src = BAD4, .lie = LIE_IHL, .lie_val = 4 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_BAD_HEADER, 1) } },
	{ .name = "bad_ipv4_ihl_0",
	  .f = { V4, .src = BAD4, .lie = LIE_IHL, .lie_val = 0 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_BAD_HEADER, 1) } },
	{ .name = "bad_ipv4_version_6",
	  .f = { V4, .src = BAD4, .lie = LIE_VERSION, .lie_val = 6 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_BAD_HEADER, 1) } },
	{ .name = "bad_ipv4_tot_len_below_ihl",
	  .f = { V4, .src = BAD4, .lie = LIE_TOT_LEN, .lie_val = 19 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_BAD_HEADER, 1) } },
	{ .name = "bad_ipv4_tot_len_below_options",
	  .f = { V4, .src = BAD4, .ip_opts = IPOPT_RR, .lie = LIE_TOT_LEN,
		 .lie_val = 36 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_BAD_HEADER, 1) } },
	{ .name = "bad_ipv4_tot_len_past_frame",
	  .f = { V4, .src = BAD4, .cut = CUT_L3, .cut_at = 59 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_BAD_HEADER, 1) } },
	{ .name = "bad_ipv4_tot_len_1500",
	  .f = { V4, .src = BAD4, .lie = LIE_TOT_LEN, .lie_val = 1500 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_BAD_HEADER, 1) } },
	{ .name = "trunc_ipv6_39_bytes",
	  .f = { V6, .src = BAD6, .cut = CUT_L3, .cut_at = 39 },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_TRUNCATED, 1) } },
	{ .name = "bad_ipv6_version_4",
	  .f = { V6, .src = BAD6, .lie = LIE_VERSION, .lie_val = 4 },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_BAD_HEADER, 1) } },
	{ .name = "bad_ipv6_payload_len_past_frame",
	  .f = { V6, .src = BAD6, .cut = CUT_L3, .cut_at = 40 + 39 },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_BAD_HEADER, 1) } },
	{ .name = "bad_ipv6_payload_len_0",
	  .f = { V6, .src = BAD6, .lie = LIE_PLEN6, .lie_val = 0 },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_BAD_HEADER, 1) } },
	{ .name = "trunc_tcp_before_flags_v4",
	  .f = { V4, .src = BAD4, .tcp_bytes = 13 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_TRUNCATED, 1) } },
	{ .name = "trunc_tcp_before_flags_v6",
	  .f = { V6, .src = BAD6, .tcp_bytes = 13 },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_TRUNCATED, 1) } },
	{ .name = "trunc_tcp_after_flags_v4",
	  .f = { V4, .src = BAD4, .tcp_bytes = 19 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_TRUNCATED, 1) } },
	{ .name = "trunc_tcp_after_flags_v6",
	  .f = { V6, .src = BAD6, .tcp_bytes = 14 },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_TRUNCATED, 1) } },
	{ .name = "trunc_tcp_frame_cut_v4",
	  .f = { V4, .src = BAD4, .cut = CUT_L3, .cut_at = 20 + 13 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_BAD_HEADER, 1) } },
	{ .name = "bad_tcp_doff_4_v4",
	  .f = { V4, .src = BAD4, .lie = LIE_DOFF, .lie_val = 4 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_BAD_HEADER, 1) } },
	{ .name = "bad_tcp_doff_4_v6",
	  .f = { V6, .src = BAD6, .lie = LIE_DOFF, .lie_val = 4 },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_BAD_HEADER, 1) } },
	{ .name = "bad_tcp_doff_0_v4",
	  .f = { V4, .src = BAD4, .lie = LIE_DOFF, .lie_val = 0 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_BAD_HEADER, 1) } },
	{ .name = "bad_tcp_doff_past_packet_v4",
	  .f = { V4, .src = BAD4, .bare_tcp = 1, .lie = LIE_DOFF, .lie_val = 15 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_BAD_HEADER, 1) } },
	{ .name = "bad_tcp_doff_past_packet_v6",
	  .f = { V6, .src = BAD6, .bare_tcp = 1, .lie = LIE_DOFF, .lie_val = 15 },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_BAD_HEADER, 1) } },
	/* options may not reach into the Ethernet padding */
	{ .name = "bad_tcp_doff_into_padding_v4",
	  .f = { V4, .src = BAD4, .bare_tcp = 1, .pad = 6, .lie = LIE_DOFF,
		 .lie_val = 6 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_BAD_HEADER, 1) } },
	{ .name = "padded_syn_blocked_v4",
	  .f = { V4, .src = BAD4, .bare_tcp = 1, .pad = 6 },
	  .lists = { BLOCKED4(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "padded_syn_clean_v4",
	  .f = { V4, .bare_tcp = 1, .pad = 6 },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_CLEAN, 1) }, .buckets = 1 },
	{ .name = "padded_syn_blocked_v6",
	  .f = { V6, .src = BAD6, .bare_tcp = 1, .pad = 10 },
	  .lists = { BLOCKED6(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },

	/* IPv4 options move the TCP header and are no reason to drop */
	{ .name = "ipv4_options_nop_blocked",
	  .f = { V4, .src = BAD4, .ip_opts = IPOPT_NOP4 },
	  .lists = { BLOCKED4(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "ipv4_options_rr_blocked",
	  .f = { V4, .src = BAD4, .ip_opts = IPOPT_RR },
	  .lists = { BLOCKED4(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "ipv4_options_rr_clean",
	  .f = { V4, .ip_opts = IPOPT_RR },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_CLEAN, 1) }, .buckets = 1 },
	{ .name = "ipv4_options_ihl_15_blocked",
	  .f = { V4, .src = BAD4, .ip_opts = IPOPT_TS9 },
	  .lists = { BLOCKED4(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "ipv4_options_ihl_15_clean",
	  .f = { V4, .ip_opts = IPOPT_TS9 },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_CLEAN, 1) }, .buckets = 1 },

	/* fragments */
	{ .name = "frag4_non_first_blocked",
	  .f = { V4, .src = BAD4, .frag4 = 185 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_FRAGMENT, 1) } },
	{ .name = "frag4_middle_blocked",
	  .f = { V4, .src = BAD4, .frag4 = PB_IP_MF | 3 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_FRAGMENT, 1) } },
	{ .name = "frag4_non_first_udp",
	  .f = { V4, .src = BAD4, .proto = IPPROTO_UDP, .frag4 = 185 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_FRAGMENT, 1) } },
	{ .name = "frag4_first_full_tcp_blocked",
	  .f = { V4, .src = BAD4, .frag4 = PB_IP_MF, .payload = 64 },
	  .lists = { BLOCKED4(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "frag4_first_full_tcp_clean",
	  .f = { V4, .frag4 = PB_IP_MF, .payload = 64 },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_CLEAN, 1) }, .buckets = 1 },
	{ .name = "frag4_first_14_tcp_bytes_blocked",
	  .f = { V4, .src = BAD4, .frag4 = PB_IP_MF, .tcp_bytes = 14 },
	  .lists = { BLOCKED4(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "frag4_tiny_first_8_bytes",
	  .f = { V4, .frag4 = PB_IP_MF, .tcp_bytes = 8 },
	  .verdict = XDP_DROP, .cnt = { CNT(DROP_TINY_FRAG, 1) } },
	{ .name = "frag4_tiny_first_13_bytes",
	  .f = { V4, .frag4 = PB_IP_MF, .tcp_bytes = 13 },
	  .verdict = XDP_DROP, .cnt = { CNT(DROP_TINY_FRAG, 1) } },
	{ .name = "frag4_tiny_first_monitor",
	  .f = { V4, .frag4 = PB_IP_MF, .tcp_bytes = 8 },
	  .limits = lim_monitor,
	  .verdict = XDP_PASS, .cnt = { MON_CNT(DROP_TINY_FRAG, 1) } },
	{ .name = "frag4_tiny_first_allowlisted",
	  .f = { V4, .src = OWN4, .frag4 = PB_IP_MF, .tcp_bytes = 8 },
	  .lists = { { .list = ALLOW, .prefix = OWN4 } },
	  .verdict = XDP_DROP, .cnt = { CNT(DROP_TINY_FRAG, 1) } },
	{ .name = "frag4_offset_1",
	  .f = { V4, .frag4 = 1 },
	  .verdict = XDP_DROP, .cnt = { CNT(DROP_TINY_FRAG, 1) } },
	{ .name = "frag4_offset_1_more",
	  .f = { V4, .frag4 = PB_IP_MF | 1 },
	  .verdict = XDP_DROP, .cnt = { CNT(DROP_TINY_FRAG, 1) } },
	{ .name = "frag4_offset_1_monitor",
	  .f = { V4, .frag4 = 1 },
	  .limits = lim_monitor,
	  .verdict = XDP_PASS, .cnt = { MON_CNT(DROP_TINY_FRAG, 1) } },
	{ .name = "frag4_offset_1_udp",
	  .f = { V4, .proto = IPPROTO_UDP, .frag4 = 1 },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_FRAGMENT, 1) } },
	{ .name = "frag4_offset_2",
	  .f = { V4, .src = BAD4, .frag4 = 2 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_FRAGMENT, 1) } },
	{ .name = "frag6_non_first_blocked",
	  .f = { V6, .src = BAD6, .ext = { X_FRAG }, .frag6_off = 185 },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_FRAGMENT, 1) } },
	{ .name = "frag6_offset_1",
	  .f = { V6, .ext = { X_FRAG }, .frag6_off = 1 },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_FRAGMENT, 1) } },
	{ .name = "frag6_first_full_tcp_blocked",
	  .f = { V6, .src = BAD6, .ext = { X_FRAG }, .frag6_more = 1,
		 .payload = 64 },
	  .lists = { BLOCKED6(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "frag6_first_full_tcp_clean",
	  .f = { V6, .ext = { X_FRAG }, .frag6_more = 1, .payload = 64 },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_CLEAN, 1) }, .buckets = 1 },
	{ .name = "frag6_atomic_blocked",
	  .f = { V6, .src = BAD6, .ext = { X_FRAG } },
	  .lists = { BLOCKED6(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "frag6_first_dest_opts_blocked",
	  .f = { V6, .src = BAD6, .ext = { X_FRAG, X_DEST }, .frag6_more = 1 },
	  .lists = { BLOCKED6(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	/*
	 * A first fragment whose header chain ends beyond it hides the upper
	 * layer. It passes because Linux 5.10 and later discard it on receive
	 * (RFC 8200, section 4.5), so it cannot become a SYN.
	 */
	{ .name = "frag6_first_chain_past_fragment",
	  .f = { V6, .src = BAD6, .ext = { X_FRAG, X_DEST }, .frag6_more = 1,
		 .lie = LIE_EXT_LEN, .lie_val = 200 },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_TRUNCATED, 1) } },
	{ .name = "frag6_tiny_first_8_bytes",
	  .f = { V6, .ext = { X_FRAG }, .frag6_more = 1, .tcp_bytes = 8 },
	  .verdict = XDP_DROP, .cnt = { CNT(DROP_TINY_FRAG, 1) } },
	{ .name = "frag6_tiny_first_monitor",
	  .f = { V6, .ext = { X_FRAG }, .frag6_more = 1, .tcp_bytes = 8 },
	  .limits = lim_monitor,
	  .verdict = XDP_PASS, .cnt = { MON_CNT(DROP_TINY_FRAG, 1) } },

	/* IPv6 extension headers */
	{ .name = "ext6_hop_by_hop_blocked",
	  .f = { V6, .src = BAD6, .ext = { X_HOP } },
	  .lists = { BLOCKED6(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "ext6_hop_by_hop_clean",
	  .f = { V6, .ext = { X_HOP } },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_CLEAN, 1) }, .buckets = 1 },
	{ .name = "ext6_dest_opts_blocked",
	  .f = { V6, .src = BAD6, .ext = { X_DEST } },
	  .lists = { BLOCKED6(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "ext6_routing_blocked",
	  .f = { V6, .src = BAD6, .ext = { X_RT } },
	  .lists = { BLOCKED6(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "ext6_auth_blocked",
	  .f = { V6, .src = BAD6, .ext = { X_AH } },
	  .lists = { BLOCKED6(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "ext6_four_kinds_blocked",
	  .f = { V6, .src = BAD6, .ext = { X_HOP, X_DEST, X_RT, X_AH } },
	  .lists = { BLOCKED6(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "ext6_chain_at_limit_blocked",
	  .f = { V6, .src = BAD6,
		 .ext = { X_HOP, X_DEST, X_RT, X_DEST, X_AH, X_DEST } },
	  .lists = { BLOCKED6(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	/*
	 * Linux hands a SYN behind 7 or 12 Destination Options headers to
	 * TCP (checked on 6.18 over veth), so a chain longer than the walk
	 * drops when its source is banned, and passes otherwise.
	 */
	{ .name = "ext6_chain_over_limit_blocked",
	  .f = { V6, .src = BAD6,
		 .ext = { X_HOP, X_DEST, X_RT, X_DEST, X_AH, X_DEST, X_DEST } },
	  .lists = { BLOCKED6(1) },
	  .verdict = XDP_DROP, .cnt = { CNT(DROP_EXT_CHAIN, 1) } },
	{ .name = "ext6_chain_over_limit_clean",
	  .f = { V6, .ext = { X_HOP, X_DEST, X_RT, X_DEST, X_AH, X_DEST, X_DEST } },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_EXT_CHAIN, 1) } },
	{ .name = "ext6_chain_over_limit_allowed",
	  .f = { V6, .src = BAD6,
		 .ext = { X_DEST, X_DEST, X_DEST, X_DEST, X_DEST, X_DEST, X_DEST } },
	  .lists = { BLOCKED6(0), { .list = ALLOW, .prefix = BAD6 } },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_EXT_CHAIN, 1) } },
	{ .name = "ext6_esp",
	  .f = { V6, .src = BAD6, .ext = { X_ESP } },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_EXT_OPAQUE, 1) } },
	{ .name = "ext6_dest_opts_then_esp",
	  .f = { V6, .src = BAD6, .ext = { X_DEST, X_ESP } },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_EXT_OPAQUE, 1) } },
	{ .name = "ext6_no_next_header",
	  .f = { V6, .src = BAD6, .ext = { X_DEST }, .proto = PB_NH_NONE },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },
	{ .name = "ext6_hop_len_past_frame",
	  .f = { V6, .src = BAD6, .ext = { X_HOP }, .lie = LIE_EXT_LEN,
		 .lie_val = 255 },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_TRUNCATED, 1) } },
	{ .name = "ext6_auth_len_past_frame",
	  .f = { V6, .src = BAD6, .ext = { X_HOP, X_AH }, .lie = LIE_EXT_LEN,
		 .lie_val = 255 },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_TRUNCATED, 1) } },
	{ .name = "ext6_hop_cut_in_header",
	  .f = { V6, .src = BAD6, .ext = { X_HOP }, .lie = LIE_PLEN6,
		 .lie_val = 1, .cut = CUT_L3, .cut_at = 41 },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_TRUNCATED, 1) } },
	{ .name = "ext6_hop_then_icmpv6",
	  .f = { V6, .src = BAD6, .ext = { X_HOP }, .proto = IPPROTO_ICMPV6,
		 .icmp_type = 143 },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },

	/* VLAN tags up to the parsed depth do not change the verdict */
	{ .name = "vlan_8021q_blocked_v4",
	  .f = { V4, .src = BAD4, .ntags = 1, .tpid = { ETH_P_8021Q } },
	  .lists = { BLOCKED4(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "vlan_8021q_blocked_v6",
	  .f = { V6, .src = BAD6, .ntags = 1, .tpid = { ETH_P_8021Q } },
	  .lists = { BLOCKED6(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "vlan_qinq_blocked_v4",
	  .f = { V4, .src = BAD4, .ntags = 2,
		 .tpid = { ETH_P_8021AD, ETH_P_8021Q } },
	  .lists = { BLOCKED4(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "vlan_qinq_blocked_v6",
	  .f = { V6, .src = BAD6, .ntags = 2,
		 .tpid = { ETH_P_8021AD, ETH_P_8021Q } },
	  .lists = { BLOCKED6(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "vlan_qinq_clean_v4",
	  .f = { V4, .ntags = 2, .tpid = { ETH_P_8021AD, ETH_P_8021Q } },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_CLEAN, 1) }, .buckets = 1 },
	{ .name = "vlan_qinq_ext6_hop_blocked",
	  .f = { V6, .src = BAD6, .ntags = 2,
		 .tpid = { ETH_P_8021AD, ETH_P_8021Q }, .ext = { X_HOP } },
	  .lists = { BLOCKED6(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "vlan_qinq_frag4_tiny",
	  .f = { V4, .ntags = 2, .tpid = { ETH_P_8021AD, ETH_P_8021Q },
		 .frag4 = PB_IP_MF, .tcp_bytes = 8 },
	  .verdict = XDP_DROP, .cnt = { CNT(DROP_TINY_FRAG, 1) } },
	{ .name = "vlan_9100_blocked_v4",
	  .f = { V4, .src = BAD4, .ntags = 1, .tpid = { PB_ETH_P_8021AD_ALT } },
	  .lists = { BLOCKED4(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "vlan_9100_8021q_blocked_v6",
	  .f = { V6, .src = BAD6, .ntags = 2,
		 .tpid = { PB_ETH_P_8021AD_ALT, ETH_P_8021Q } },
	  .lists = { BLOCKED6(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "vlan_8021ad_single_blocked_v4",
	  .f = { V4, .src = BAD4, .ntags = 1, .tpid = { ETH_P_8021AD } },
	  .lists = { BLOCKED4(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "vlan_three_tags_v4",
	  .f = { V4, .src = BAD4, .ntags = 3,
		 .tpid = { ETH_P_8021AD, ETH_P_8021Q, ETH_P_8021Q } },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_VLAN_DEPTH, 1) } },
	{ .name = "vlan_three_tags_v6",
	  .f = { V6, .src = BAD6, .ntags = 3,
		 .tpid = { PB_ETH_P_8021AD_ALT, ETH_P_8021AD, ETH_P_8021Q } },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_VLAN_DEPTH, 1) } },
	{ .name = "vlan_qinq_arp",
	  .f = { .l3 = L3_ARP, .ntags = 2, .tpid = { ETH_P_8021AD, ETH_P_8021Q } },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },

	/* traffic that is not a SYN to a guarded port passes untouched */
	{ .name = "other_arp",
	  .f = { .l3 = L3_ARP },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },
	{ .name = "other_lldp",
	  .f = { .l3 = L3_ETHERTYPE, .ethertype = PB_ETH_P_LLDP },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },
	{ .name = "other_mpls",
	  .f = { .l3 = L3_ETHERTYPE, .ethertype = ETH_P_MPLS_UC },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },
	{ .name = "other_pppoe_session",
	  .f = { .l3 = L3_ETHERTYPE, .ethertype = ETH_P_PPP_SES },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },
	{ .name = "other_udp_port_25_v4",
	  .f = { V4, .src = BAD4, .proto = IPPROTO_UDP },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },
	{ .name = "other_udp_port_25_v6",
	  .f = { V6, .src = BAD6, .proto = IPPROTO_UDP },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },
	{ .name = "other_icmp_echo",
	  .f = { V4, .src = BAD4, .proto = IPPROTO_ICMP, .icmp_type = 8 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },
	{ .name = "other_icmp_frag_needed",
	  .f = { V4, .src = BAD4, .proto = IPPROTO_ICMP, .icmp_type = 3,
		 .icmp_code = 4 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },
	{ .name = "other_icmpv6_packet_too_big",
	  .f = { V6, .src = BAD6, .proto = IPPROTO_ICMPV6, .icmp_type = 2 },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },
	{ .name = "other_icmpv6_neighbor_solicit",
	  .f = { V6, .src = BAD6, .proto = IPPROTO_ICMPV6, .icmp_type = 135 },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },
	{ .name = "other_syn_port_80_v4",
	  .f = { V4, .src = BAD4, .dport = 80 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },
	{ .name = "other_syn_port_80_v6",
	  .f = { V6, .src = BAD6, .dport = 80 },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },
	{ .name = "other_syn_port_0",
	  .f = { V4, .src = BAD4, .dport = PORT_ZERO },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },
	{ .name = "other_syn_ack_from_port_25_v4",
	  .f = { V4, .src = BAD4, .sport = 25, .dport = 40000,
		 .flags = PB_SYN | PB_ACK },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },
	{ .name = "other_syn_ack_from_port_25_v6",
	  .f = { V6, .src = BAD6, .sport = 25, .dport = 40000,
		 .flags = PB_SYN | PB_ACK },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },
	{ .name = "other_ack_from_port_587",
	  .f = { V4, .src = BAD4, .sport = 587, .dport = 40000, .flags = PB_ACK },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },
	{ .name = "other_syn_from_port_25",
	  .f = { V4, .src = BAD4, .sport = 25, .dport = 40000 },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },
	/* replies to our own deliveries, from a blocked MX, in a stream */
	{ .name = "other_syn_ack_stream_from_port_25",
	  .f = { V4, .src = BAD4, .sport = 25, .dport = 40000,
		 .flags = PB_SYN | PB_ACK },
	  .lists = { BLOCKED4(0) },
	  .limits = lim_tight,
	  .prime = { V4, .src = BAD4, .sport = 25, .dport = 40001,
		     .flags = PB_ACK },
	  .prime_runs = 50, .prime_verdict = XDP_PASS,
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 51) } },
	{ .name = "other_syn_ack_to_port_25",
	  .f = { V4, .src = BAD4, .flags = PB_SYN | PB_ACK },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },
	{ .name = "other_syn_rst_to_port_25_v4",
	  .f = { V4, .src = BAD4, .flags = PB_SYN | PB_RST },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },
	{ .name = "other_syn_rst_to_port_25_v6",
	  .f = { V6, .src = BAD6, .flags = PB_SYN | PB_RST },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },
	{ .name = "other_ack_to_port_25",
	  .f = { V4, .src = BAD4, .flags = PB_ACK },
	  .lists = { BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },
	{ .name = "other_rst_to_port_25",
	  .f = { V6, .src = BAD6, .flags = PB_RST },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },
	/* SYN=1, ACK=0, RST=0 is a SYN whatever else is set */
	{ .name = "syn_fin_blocked_v4",
	  .f = { V4, .src = BAD4, .flags = PB_SYN | PB_FIN },
	  .lists = { BLOCKED4(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "syn_fin_blocked_v6",
	  .f = { V6, .src = BAD6, .flags = PB_SYN | PB_FIN },
	  .lists = { BLOCKED6(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "syn_urg_blocked",
	  .f = { V4, .src = BAD4, .flags = PB_SYN | PB_URG },
	  .lists = { BLOCKED4(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "syn_psh_blocked",
	  .f = { V6, .src = BAD6, .flags = PB_SYN | PB_PSH },
	  .lists = { BLOCKED6(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "syn_ecn_blocked_v4",
	  .f = { V4, .src = BAD4, .flags = PB_SYN | PB_ECE | PB_CWR },
	  .lists = { BLOCKED4(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "syn_ecn_blocked_v6",
	  .f = { V6, .src = BAD6, .flags = PB_SYN | PB_ECE | PB_CWR },
	  .lists = { BLOCKED6(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "syn_ecn_clean",
	  .f = { V4, .flags = PB_SYN | PB_ECE | PB_CWR },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_CLEAN, 1) }, .buckets = 1 },
	/* a TCP Fast Open SYN carries data */
	{ .name = "syn_with_data_blocked",
	  .f = { V4, .src = BAD4, .payload = 100 },
	  .lists = { BLOCKED4(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "syn_port_465_blocked",
	  .f = { V4, .src = BAD4, .dport = 465 },
	  .lists = { BLOCKED4(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "syn_port_587_blocked",
	  .f = { V6, .src = BAD6, .dport = 587 },
	  .lists = { BLOCKED6(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },

	/* sources no peer can have pass uncounted, whatever the lists contain */
	{ .name = "martian_v4_0.0.0.0",
	  .f = { V4, .src = "0.0.0.0" },
	  .lists = { { .list = BLOCK, .prefix = "0.0.0.0" },
		     { .list = BLOCK, .prefix = "0.0.0.0/0" } },
	  .limits = lim_tight, .prime_runs = 2, .prime_verdict = XDP_PASS,
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_MARTIAN, 3) } },
	{ .name = "martian_v4_this_network",
	  .f = { V4, .src = "0.1.2.3" },
	  .lists = { { .list = BLOCK, .prefix = "0.0.0.0/0" } },
	  .limits = lim_tight, .prime_runs = 2, .prime_verdict = XDP_PASS,
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_MARTIAN, 3) } },
	{ .name = "martian_v4_broadcast",
	  .f = { V4, .src = "255.255.255.255" },
	  .lists = { { .list = BLOCK, .prefix = "255.255.255.255" },
		     { .list = BLOCK, .prefix = "0.0.0.0/0" } },
	  .limits = lim_tight, .prime_runs = 2, .prime_verdict = XDP_PASS,
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_MARTIAN, 3) } },
	{ .name = "martian_v4_multicast",
	  .f = { V4, .src = "224.0.0.5" },
	  .lists = { { .list = BLOCK, .prefix = "224.0.0.5" },
		     { .list = BLOCK, .prefix = "0.0.0.0/0" } },
	  .limits = lim_tight, .prime_runs = 2, .prime_verdict = XDP_PASS,
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_MARTIAN, 3) } },
	{ .name = "martian_v4_multicast_top",
	  .f = { V4, .src = "239.255.255.250" },
	  .lists = { { .list = BLOCK, .prefix = "0.0.0.0/0" } },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_MARTIAN, 1) } },
	{ .name = "martian_v4_reserved",
	  .f = { V4, .src = "240.0.0.1" },
	  .lists = { { .list = BLOCK, .prefix = "0.0.0.0/0" } },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_MARTIAN, 1) } },
	{ .name = "martian_v4_loopback",
	  .f = { V4, .src = "127.0.0.1" },
	  .lists = { { .list = BLOCK, .prefix = "127.0.0.1" },
		     { .list = BLOCK, .prefix = "0.0.0.0/0" } },
	  .limits = lim_tight, .prime_runs = 2, .prime_verdict = XDP_PASS,
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_MARTIAN, 3) } },
	{ .name = "martian_v4_loopback_top",
	  .f = { V4, .src = "127.255.0.9" },
	  .lists = { { .list = BLOCK, .prefix = "0.0.0.0/0" } },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_MARTIAN, 1) } },
	{ .name = "martian_v4_link_local",
	  .f = { V4, .src = "169.254.7.7" },
	  .lists = { { .list = BLOCK, .prefix = "169.254.7.7" } },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_MARTIAN, 1) } },
	{ .name = "martian_v4_edges_are_peers",
	  .f = { V4, .src = "223.255.255.255" },
	  .lists = { { .list = BLOCK, .prefix = "0.0.0.0/0", .hits = 1 } },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(NONE, 1) } },
	{ .name = "martian_v6_unspecified",
	  .f = { V6, .src = "::" },
	  .lists = { { .list = BLOCK, .prefix = "::/64" },
		     { .list = BLOCK, .prefix = "::/0" } },
	  .limits = lim_tight, .prime_runs = 2, .prime_verdict = XDP_PASS,
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_MARTIAN, 3) } },
	{ .name = "martian_v6_loopback",
	  .f = { V6, .src = "::1" },
	  .lists = { { .list = BLOCK, .prefix = "::/64" },
		     { .list = BLOCK, .prefix = "::/0" } },
	  .limits = lim_tight, .prime_runs = 2, .prime_verdict = XDP_PASS,
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_MARTIAN, 3) } },
	{ .name = "martian_v6_link_local",
	  .f = { V6, .src = "fe80::1" },
	  .lists = { { .list = BLOCK, .prefix = "fe80::/64" },
		     { .list = BLOCK, .prefix = "::/0" } },
	  .limits = lim_tight, .prime_runs = 2, .prime_verdict = XDP_PASS,
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_MARTIAN, 3) } },
	{ .name = "martian_v6_link_local_top",
	  .f = { V6, .src = "febf:ffff::1" },
	  .lists = { { .list = BLOCK, .prefix = "::/0" } },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_MARTIAN, 1) } },
	{ .name = "martian_v6_multicast",
	  .f = { V6, .src = "ff02::1" },
	  .lists = { { .list = BLOCK, .prefix = "ff02::/64" },
		     { .list = BLOCK, .prefix = "::/0" } },
	  .limits = lim_tight, .prime_runs = 2, .prime_verdict = XDP_PASS,
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_MARTIAN, 3) } },
	{ .name = "martian_v6_v4_mapped",
	  .f = { V6, .src = "::ffff:198.51.100.7" },
	  .lists = { { .list = BLOCK, .prefix = "::/64" },
		     { .list = BLOCK, .prefix = "::/0" } },
	  .limits = lim_tight, .prime_runs = 2, .prime_verdict = XDP_PASS,
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_MARTIAN, 3) } },
	{ .name = "martian_v6_v4_compatible",
	  .f = { V6, .src = "::198.51.100.7" },
	  .lists = { { .list = BLOCK, .prefix = "::/0" } },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_MARTIAN, 1) } },
	{ .name = "martian_v6_edges_are_peers",
	  .f = { V6, .src = "fec0::1" },
	  .lists = { { .list = BLOCK, .prefix = "::/0", .hits = 1 } },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(NONE, 1) } },
	{ .name = "own_address_allowlisted_v4",
	  .f = { V4, .src = OWN4 },
	  .lists = { { .list = ALLOW, .prefix = OWN4, .hits = 3 },
		     { .list = BLOCK, .prefix = OWN4 } },
	  .limits = lim_tight, .prime_runs = 2, .prime_verdict = XDP_PASS,
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_ALLOW, 3) } },
	{ .name = "own_address_allowlisted_v6",
	  .f = { V6, .src = OWN6 },
	  .lists = { { .list = ALLOW, .prefix = OWN6, .hits = 3 },
		     { .list = BLOCK, .prefix = "2001:db8::/64" } },
	  .limits = lim_tight, .prime_runs = 2, .prime_verdict = XDP_PASS,
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_ALLOW, 3) } },

	/* lists: placement, precedence, expiry, reasons and hit counts */
	{ .name = "block4_hash_reason_auth",
	  .f = { V4, .src = BAD4 },
	  .lists = { { .list = BLOCK, .prefix = BAD4, .reason = MXG_REASON_AUTH,
		       .hits = 1 } },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(AUTH, 1) } },
	{ .name = "block4_hits_accumulate",
	  .f = { V4, .src = BAD4 },
	  .lists = { { .list = BLOCK, .prefix = BAD4,
		       .reason = MXG_REASON_REJECT, .hits = 5 } },
	  .prime_runs = 4, .prime_verdict = XDP_DROP,
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(REJECT, 5) } },
	{ .name = "block4_reason_out_of_range",
	  .f = { V4, .src = BAD4 },
	  .lists = { { .list = BLOCK, .prefix = BAD4, .reason = 40, .hits = 1 } },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(NONE, 1) } },
	{ .name = "block4_range_trie",
	  .f = { V4, .src = BAD4 },
	  .lists = { { .list = BLOCK, .prefix = "203.0.113.0/24",
		       .reason = MXG_REASON_DNSBL, .hits = 1 } },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(DNSBL, 1) } },
	{ .name = "block4_range_trie_outside",
	  .f = { V4, .src = "203.0.114.9" },
	  .lists = { { .list = BLOCK, .prefix = "203.0.113.0/24" } },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_CLEAN, 1) }, .buckets = 1 },
	/* the program skips a trie whose count is zero: the count matters */
	{ .name = "block4_range_trie_uncounted",
	  .f = { V4, .src = BAD4 },
	  .lists = { { .list = BLOCK, .prefix = "203.0.113.0/24",
		       .uncounted = 1 } },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_CLEAN, 1) }, .buckets = 1 },
	{ .name = "block6_hash_prefix_64",
	  .f = { V6, .src = BAD6 },
	  .lists = { { .list = BLOCK, .prefix = BAD6_NET,
		       .reason = MXG_REASON_PROTOCOL, .hits = 1 } },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(PROTOCOL, 1) } },
	{ .name = "block6_hash_same_64",
	  .f = { V6, .src = "2001:db8:bad:1:ffff:ffff:ffff:ffff" },
	  .lists = { BLOCKED6(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "block6_hash_other_64",
	  .f = { V6, .src = "2001:db8:bad:2::9" },
	  .lists = { BLOCKED6(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_CLEAN, 1) }, .buckets = 1 },
	{ .name = "block6_hash_prefix_56",
	  .f = { V6, .src = "2001:db8:bad:ff::9" },
	  .lists = { { .list = BLOCK, .prefix = "2001:db8:bad::/56",
		       .reason = MXG_REASON_AUTH, .hits = 1 } },
	  .limits = lim_v6_56,
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(AUTH, 1) } },
	{ .name = "block6_hash_prefix_56_outside",
	  .f = { V6, .src = "2001:db8:bad:100::9" },
	  .lists = { { .list = BLOCK, .prefix = "2001:db8:bad::/56" } },
	  .limits = lim_v6_56,
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_CLEAN, 1) }, .buckets = 1 },
	{ .name = "block6_hash_prefix_128",
	  .f = { V6, .src = BAD6 },
	  .lists = { { .list = BLOCK, .prefix = BAD6, .reason = MXG_REASON_AUTH,
		       .hits = 1 } },
	  .limits = lim_v6_128,
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(AUTH, 1) } },
	{ .name = "block6_hash_prefix_128_neighbour",
	  .f = { V6, .src = "2001:db8:bad:1::8" },
	  .lists = { { .list = BLOCK, .prefix = BAD6 } },
	  .limits = lim_v6_128,
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_CLEAN, 1) }, .buckets = 1 },
	{ .name = "block6_trie_64_under_prefix_56",
	  .f = { V6, .src = BAD6 },
	  .lists = { { .list = BLOCK, .prefix = BAD6_NET,
		       .reason = MXG_REASON_REJECT, .hits = 1 } },
	  .limits = lim_v6_56,
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(REJECT, 1) } },
	{ .name = "block6_invalid_prefix_acts_as_64",
	  .f = { V6, .src = BAD6 },
	  .lists = { BLOCKED6(1) },
	  .limits = lim_v6_invalid,
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "block6_range_trie_48",
	  .f = { V6, .src = BAD6 },
	  .lists = { { .list = BLOCK, .prefix = "2001:db8:bad::/48",
		       .reason = MXG_REASON_PROMOTED, .hits = 1 } },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(PROMOTED, 1) } },
	{ .name = "block6_range_trie_128",
	  .f = { V6, .src = BAD6 },
	  .lists = { { .list = BLOCK, .prefix = BAD6,
		       .reason = MXG_REASON_MANUAL, .hits = 1 } },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "block6_range_trie_128_neighbour",
	  .f = { V6, .src = "2001:db8:bad:1::a" },
	  .lists = { { .list = BLOCK, .prefix = BAD6 } },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_CLEAN, 1) }, .buckets = 1 },
	{ .name = "block6_range_trie_uncounted",
	  .f = { V6, .src = BAD6 },
	  .lists = { { .list = BLOCK, .prefix = "2001:db8:bad::/48",
		       .uncounted = 1 } },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_CLEAN, 1) }, .buckets = 1 },
	{ .name = "allow_beats_block_v4",
	  .f = { V4, .src = BAD4 },
	  .lists = { { .list = ALLOW, .prefix = "203.0.113.0/24", .hits = 1 },
		     BLOCKED4(0) },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_ALLOW, 1) } },
	{ .name = "allow_beats_block_v6",
	  .f = { V6, .src = BAD6 },
	  .lists = { { .list = ALLOW, .prefix = BAD6, .hits = 1 },
		     { .list = BLOCK, .prefix = "2001:db8:bad::/48" } },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_ALLOW, 1) } },
	{ .name = "allow_beats_rate_limit",
	  .f = { V4, .src = SRC4 },
	  .lists = { { .list = ALLOW, .prefix = "198.51.100.0/24", .hits = 4 } },
	  .limits = lim_tight, .prime_runs = 3, .prime_verdict = XDP_PASS,
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_ALLOW, 4) } },
	{ .name = "allow_expired_v4",
	  .f = { V4, .src = BAD4 },
	  .lists = { { .list = ALLOW, .prefix = BAD4, .expiry = EXP_PAST },
		     BLOCKED4(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "allow_expired_v6",
	  .f = { V6, .src = BAD6 },
	  .lists = { { .list = ALLOW, .prefix = "2001:db8:bad::/48",
		       .expiry = EXP_PAST },
		     BLOCKED6(1) },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "block_expired_hash_v4",
	  .f = { V4, .src = BAD4 },
	  .lists = { { .list = BLOCK, .prefix = BAD4, .expiry = EXP_PAST } },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_CLEAN, 1) }, .buckets = 1 },
	{ .name = "block_expired_trie_v4",
	  .f = { V4, .src = BAD4 },
	  .lists = { { .list = BLOCK, .prefix = "203.0.113.0/24",
		       .expiry = EXP_PAST } },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_CLEAN, 1) }, .buckets = 1 },
	{ .name = "block_expired_hash_v6",
	  .f = { V6, .src = BAD6 },
	  .lists = { { .list = BLOCK, .prefix = BAD6_NET, .expiry = EXP_PAST } },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_CLEAN, 1) }, .buckets = 1 },
	{ .name = "block_expired_trie_v6",
	  .f = { V6, .src = BAD6 },
	  .lists = { { .list = BLOCK, .prefix = "2001:db8:bad::/48",
		       .expiry = EXP_PAST } },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_CLEAN, 1) }, .buckets = 1 },
	{ .name = "block_expires_later_v4",
	  .f = { V4, .src = BAD4 },
	  .lists = { { .list = BLOCK, .prefix = BAD4, .expiry = EXP_FUTURE,
		       .reason = MXG_REASON_AUTH, .hits = 1 } },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(AUTH, 1) } },
	{ .name = "block_expires_later_v6",
	  .f = { V6, .src = BAD6 },
	  .lists = { { .list = BLOCK, .prefix = "2001:db8:bad::/48",
		       .expiry = EXP_FUTURE, .reason = MXG_REASON_AUTH,
		       .hits = 1 } },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(AUTH, 1) } },
	{ .name = "block_never_expires_v4",
	  .f = { V4, .src = BAD4 },
	  .lists = { { .list = BLOCK, .prefix = BAD4, .expiry = EXP_NEVER,
		       .reason = MXG_REASON_DNSBL, .hits = 1 } },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(DNSBL, 1) } },
	/* an expired longer range must not hide a live shorter one */
	{ .name = "block_expired_range_live_range_v4",
	  .f = { V4, .src = BAD4 },
	  .lists = { { .list = BLOCK, .prefix = "203.0.113.0/25", .expiry = EXP_PAST },
		     { .list = BLOCK, .prefix = "203.0.113.0/24",
		       .reason = MXG_REASON_REJECT, .hits = 1 } },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(REJECT, 1) } },
	{ .name = "block_expired_ranges_live_range_v6",
	  .f = { V6, .src = BAD6 },
	  .lists = { { .list = BLOCK, .prefix = "2001:db8:bad:1::/80", .expiry = EXP_PAST },
		     { .list = BLOCK, .prefix = "2001:db8:bad::/56", .expiry = EXP_PAST },
		     { .list = BLOCK, .prefix = "2001:db8:bad::/48",
		       .reason = MXG_REASON_REJECT, .hits = 1 } },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(REJECT, 1) } },
	{ .name = "block_expired_range_only_v4",
	  .f = { V4, .src = BAD4 },
	  .lists = { { .list = BLOCK, .prefix = "203.0.113.0/25", .expiry = EXP_PAST },
		     { .list = BLOCK, .prefix = "203.0.113.0/24", .expiry = EXP_PAST } },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_CLEAN, 1) }, .buckets = 1 },
	{ .name = "allow_expired_range_live_range_v4",
	  .f = { V4, .src = BAD4 },
	  .lists = { BLOCKED4(0),
		     { .list = ALLOW, .prefix = "203.0.113.0/26", .expiry = EXP_PAST },
		     { .list = ALLOW, .prefix = "203.0.113.0/24", .hits = 1 } },
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_ALLOW, 1) } },
	{ .name = "block_expired_hash_live_trie",
	  .f = { V4, .src = BAD4 },
	  .lists = { { .list = BLOCK, .prefix = BAD4, .expiry = EXP_PAST },
		     { .list = BLOCK, .prefix = "203.0.113.0/24",
		       .reason = MXG_REASON_DNSBL, .hits = 1 } },
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(DNSBL, 1) } },
	{ .name = "block_monitor_v4",
	  .f = { V4, .src = BAD4 },
	  .lists = { BLOCKED4(1) },
	  .limits = lim_monitor,
	  .verdict = XDP_PASS, .cnt = { MON_BLOCK_CNT(MANUAL, 1) } },
	{ .name = "block_monitor_v6",
	  .f = { V6, .src = BAD6 },
	  .lists = { { .list = BLOCK, .prefix = "2001:db8:bad::/48",
		       .reason = MXG_REASON_DNSBL, .hits = 1 } },
	  .limits = lim_monitor,
	  .verdict = XDP_PASS, .cnt = { MON_BLOCK_CNT(DNSBL, 1) } },

	/* limits: token buckets, the global budget, ports, missing config */
	{ .name = "rate_drain_v4",
	  .f = { V4 },
	  .limits = lim_burst3, .prime_runs = 3, .prime_verdict = XDP_PASS,
	  .verdict = XDP_DROP,
	  .cnt = { CNT(PASS_CLEAN, 3), CNT(DROP_SYN_RATE, 1) }, .buckets = 1 },
	{ .name = "rate_drain_v6",
	  .f = { V6 },
	  .limits = lim_burst3, .prime_runs = 3, .prime_verdict = XDP_PASS,
	  .verdict = XDP_DROP,
	  .cnt = { CNT(PASS_CLEAN, 3), CNT(DROP_SYN_RATE, 1) }, .buckets = 1 },
	{ .name = "rate_default_burst_20",
	  .f = { V4 },
	  .prime_runs = 20, .prime_verdict = XDP_PASS,
	  .verdict = XDP_DROP,
	  .cnt = { CNT(PASS_CLEAN, 20), CNT(DROP_SYN_RATE, 1) }, .buckets = 1 },
	{ .name = "rate_burst_0_acts_as_1",
	  .f = { V4 },
	  .limits = lim_burst0, .prime_runs = 1, .prime_verdict = XDP_PASS,
	  .verdict = XDP_DROP,
	  .cnt = { CNT(PASS_CLEAN, 1), CNT(DROP_SYN_RATE, 1) }, .buckets = 1 },
	{ .name = "rate_refill_rewound_v4",
	  .f = { V4 },
	  .limits = lim_burst2, .prime_runs = 2, .prime_verdict = XDP_PASS,
	  .between = between_drain_rewind,
	  .verdict = XDP_PASS,
	  .cnt = { CNT(PASS_CLEAN, 3), CNT(DROP_SYN_RATE, 1) }, .buckets = 1 },
	{ .name = "rate_refill_rewound_v6",
	  .f = { V6 },
	  .limits = lim_burst2, .prime_runs = 2, .prime_verdict = XDP_PASS,
	  .between = between_drain_rewind,
	  .verdict = XDP_PASS,
	  .cnt = { CNT(PASS_CLEAN, 3), CNT(DROP_SYN_RATE, 1) }, .buckets = 1 },
	{ .name = "rate_refill_waited",
	  .f = { V4 },
	  .limits = lim_rate100, .prime_runs = 1, .prime_verdict = XDP_PASS,
	  .between = between_drain_wait,
	  .verdict = XDP_PASS,
	  .cnt = { CNT(PASS_CLEAN, 2), CNT(DROP_SYN_RATE, 1) }, .buckets = 1 },
	{ .name = "rate_per_source_v4",
	  .f = { V4, .src = SRC4_B },
	  .limits = lim_burst2,
	  .prime = { V4, .src = SRC4 }, .prime_runs = 2,
	  .prime_verdict = XDP_PASS, .between = between_prime_drained,
	  .verdict = XDP_PASS,
	  .cnt = { CNT(PASS_CLEAN, 3), CNT(DROP_SYN_RATE, 1) }, .buckets = 2 },
	{ .name = "rate_same_64_shares_bucket",
	  .f = { V6, .src = SRC6_SAME64 },
	  .limits = lim_burst2,
	  .prime = { V6, .src = SRC6 }, .prime_runs = 2,
	  .prime_verdict = XDP_PASS,
	  .verdict = XDP_DROP,
	  .cnt = { CNT(PASS_CLEAN, 2), CNT(DROP_SYN_RATE, 1) }, .buckets = 1 },
	{ .name = "rate_other_64_own_bucket",
	  .f = { V6, .src = SRC6_OTHER64 },
	  .limits = lim_burst2,
	  .prime = { V6, .src = SRC6 }, .prime_runs = 2,
	  .prime_verdict = XDP_PASS,
	  .verdict = XDP_PASS,
	  .cnt = { CNT(PASS_CLEAN, 3) }, .buckets = 2 },
	{ .name = "rate_same_56_shares_bucket",
	  .f = { V6, .src = "2001:db8:1:ff::1" },
	  .limits = lim_v6_56_burst2,
	  .prime = { V6, .src = SRC6 }, .prime_runs = 2,
	  .prime_verdict = XDP_PASS,
	  .verdict = XDP_DROP,
	  .cnt = { CNT(PASS_CLEAN, 2), CNT(DROP_SYN_RATE, 1) }, .buckets = 1 },
	{ .name = "rate_other_56_own_bucket",
	  .f = { V6, .src = "2001:db8:1:100::1" },
	  .limits = lim_v6_56_burst2,
	  .prime = { V6, .src = SRC6 }, .prime_runs = 2,
	  .prime_verdict = XDP_PASS,
	  .verdict = XDP_PASS,
	  .cnt = { CNT(PASS_CLEAN, 3) }, .buckets = 2 },
	{ .name = "rate_prefix_128_own_bucket",
	  .f = { V6, .src = SRC6_SAME64 },
	  .limits = lim_v6_128_burst2,
	  .prime = { V6, .src = SRC6 }, .prime_runs = 2,
	  .prime_verdict = XDP_PASS,
	  .verdict = XDP_PASS,
	  .cnt = { CNT(PASS_CLEAN, 3) }, .buckets = 2 },
	{ .name = "rate_0_turns_bucket_off",
	  .f = { V4 },
	  .limits = lim_rate_off, .prime_runs = 10, .prime_verdict = XDP_PASS,
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_CLEAN, 11) } },
	{ .name = "rate_monitor",
	  .f = { V6 },
	  .limits = lim_monitor_tight, .prime_runs = 1,
	  .prime_verdict = XDP_PASS,
	  .verdict = XDP_PASS,
	  .cnt = { CNT(PASS_CLEAN, 1), MON_CNT(DROP_SYN_RATE, 1) },
	  .buckets = 1 },
	{ .name = "global_budget_v4",
	  .f = { V4, .src = SRC4_B },
	  .limits = lim_global2,
	  .prime = { V4, .src = SRC4 }, .prime_runs = 2,
	  .prime_verdict = XDP_PASS,
	  .verdict = XDP_DROP,
	  .cnt = { CNT(PASS_CLEAN, 2), CNT(DROP_GLOBAL_RATE, 1) }, .buckets = 2 },
	{ .name = "global_budget_v6",
	  .f = { V6, .src = SRC6_OTHER64 },
	  .limits = lim_global2,
	  .prime = { V6, .src = SRC6 }, .prime_runs = 2,
	  .prime_verdict = XDP_PASS,
	  .verdict = XDP_DROP,
	  .cnt = { CNT(PASS_CLEAN, 2), CNT(DROP_GLOBAL_RATE, 1) }, .buckets = 2 },
	{ .name = "global_budget_monitor",
	  .f = { V4, .src = SRC4_B },
	  .limits = lim_global_monitor,
	  .prime = { V4, .src = SRC4 }, .prime_runs = 2,
	  .prime_verdict = XDP_PASS,
	  .verdict = XDP_PASS,
	  .cnt = { CNT(PASS_CLEAN, 2), MON_CNT(DROP_GLOBAL_RATE, 1) },
	  .buckets = 2 },
	{ .name = "ports_added_take_effect",
	  .f = { V4, .src = BAD4, .dport = 2525 },
	  .lists = { BLOCKED4(1) },
	  .prime_runs = 1, .prime_verdict = XDP_PASS,
	  .between = between_add_2525,
	  .verdict = XDP_DROP,
	  .cnt = { CNT(PASS_OTHER, 1), BLOCK_CNT(MANUAL, 1) } },
	{ .name = "ports_removed_take_effect",
	  .f = { V6, .src = BAD6 },
	  .lists = { BLOCKED6(1) },
	  .prime_runs = 1, .prime_verdict = XDP_DROP,
	  .between = between_drop_25,
	  .verdict = XDP_PASS,
	  .cnt = { CNT(PASS_OTHER, 1), BLOCK_CNT(MANUAL, 1) } },
	{ .name = "ports_custom_only",
	  .f = { V4, .src = BAD4 },
	  .lists = { BLOCKED4(0) },
	  .limits = lim_ports_2525,
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },
	/* limits never written: everything passes, SYNs as no_config */
	{ .name = "limits_zeroed_fail_open",
	  .f = { V4, .src = BAD4 },
	  .lists = { BLOCKED4(0) },
	  .limits = lim_zero,
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_NO_CONFIG, 1) } },
	{ .name = "limits_zeroed_ack",
	  .f = { V6, .src = BAD6, .flags = PB_ACK },
	  .lists = { BLOCKED6(0) },
	  .limits = lim_zero,
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_OTHER, 1) } },
	{ .name = "limits_zeroed_tiny_fragment",
	  .f = { V4, .frag4 = PB_IP_MF, .tcp_bytes = 8 },
	  .limits = lim_zero,
	  .verdict = XDP_DROP, .cnt = { CNT(DROP_TINY_FRAG, 1) } },
	{ .name = "limits_one_port_in_last_slot",
	  .f = { V4, .src = BAD4, .dport = 2525 },
	  .lists = { BLOCKED4(1) },
	  .limits = lim_port_last_slot,
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },

	/* new-source events, their budget, and holding a first SYN */
	{ .name = "event_new_source_v4",
	  .f = { V4 },
	  .limits = lim_events,
	  .verdict = XDP_PASS,
	  .cnt = { CNT(PASS_CLEAN, 1), CNT(EVENT_SENT, 1) },
	  .buckets = 1, .seen = 1, .events = 1 },
	{ .name = "event_new_source_v6",
	  .f = { V6, .dport = 587 },
	  .limits = lim_events,
	  .verdict = XDP_PASS,
	  .cnt = { CNT(PASS_CLEAN, 1), CNT(EVENT_SENT, 1) },
	  .buckets = 1, .seen = 1, .events = 1 },
	{ .name = "event_once_per_source",
	  .f = { V4, .dport = 465 },
	  .limits = lim_events, .prime_runs = 1, .prime_verdict = XDP_PASS,
	  .verdict = XDP_PASS,
	  .cnt = { CNT(PASS_CLEAN, 2), CNT(EVENT_SENT, 1) },
	  .buckets = 1, .seen = 1, .events = 1 },
	{ .name = "event_once_per_address_v6",
	  .f = { V6, .src = SRC6_SAME64 },
	  .limits = lim_events, .prime = { V6 }, .prime_runs = 1,
	  .prime_verdict = XDP_PASS,
	  .verdict = XDP_PASS,
	  .cnt = { CNT(PASS_CLEAN, 2), CNT(EVENT_SENT, 2) },
	  .buckets = 1, .seen = 2, .events = 2 },
	{ .name = "event_seen_still_fresh",
	  .f = { V4 },
	  .limits = lim_events, .setup = setup_seen_fresh,
	  .verdict = XDP_PASS,
	  .cnt = { CNT(PASS_CLEAN, 1) }, .buckets = 1, .seen = 1 },
	{ .name = "event_after_seen_ttl",
	  .f = { V6 },
	  .limits = lim_hold, .setup = setup_seen_expired,
	  .verdict = XDP_PASS,
	  .cnt = { CNT(PASS_CLEAN, 1), CNT(EVENT_SENT, 1) },
	  .buckets = 1, .seen = 1, .events = 1 },
	{ .name = "event_budget",
	  .f = { V4, .src = SRC4_B },
	  .limits = lim_events1,
	  .prime = { V4, .src = SRC4 }, .prime_runs = 1,
	  .prime_verdict = XDP_PASS,
	  .verdict = XDP_PASS,
	  .cnt = { CNT(PASS_CLEAN, 2), CNT(EVENT_SENT, 1), CNT(EVENT_BUDGET, 1) },
	  .buckets = 2, .seen = 1, .events = 1 },
	{ .name = "event_not_for_blocked",
	  .f = { V4, .src = BAD4 },
	  .lists = { BLOCKED4(1) },
	  .limits = lim_events,
	  .verdict = XDP_DROP, .cnt = { BLOCK_CNT(MANUAL, 1) } },
	{ .name = "event_not_for_allowlisted",
	  .f = { V6 },
	  .lists = { { .list = ALLOW, .prefix = "2001:db8:1::/48", .hits = 1 } },
	  .limits = lim_events,
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_ALLOW, 1) } },
	{ .name = "event_not_for_rate_limited",
	  .f = { V4 },
	  .limits = lim_events_tight, .prime_runs = 1,
	  .prime_verdict = XDP_PASS,
	  .verdict = XDP_DROP,
	  .cnt = { CNT(PASS_CLEAN, 1), CNT(EVENT_SENT, 1),
		   CNT(DROP_SYN_RATE, 1) },
	  .buckets = 1, .seen = 1, .events = 1 },
	{ .name = "hold_first_syn_v4",
	  .f = { V4 },
	  .limits = lim_hold,
	  .verdict = XDP_DROP,
	  .cnt = { CNT(DROP_HOLD, 1), CNT(EVENT_SENT, 1) },
	  .buckets = 1, .seen = 1, .events = 1, .held = 1 },
	{ .name = "hold_first_syn_v6",
	  .f = { V6 },
	  .limits = lim_hold,
	  .verdict = XDP_DROP,
	  .cnt = { CNT(DROP_HOLD, 1), CNT(EVENT_SENT, 1) },
	  .buckets = 1, .seen = 1, .events = 1, .held = 1 },
	{ .name = "hold_only_first_syn",
	  .f = { V4 },
	  .limits = lim_hold, .prime_runs = 1, .prime_verdict = XDP_DROP,
	  .verdict = XDP_PASS,
	  .cnt = { CNT(DROP_HOLD, 1), CNT(PASS_CLEAN, 1), CNT(EVENT_SENT, 1) },
	  .buckets = 1, .seen = 1, .events = 1, .held = 1 },
	{ .name = "hold_monitor",
	  .f = { V6 },
	  .limits = lim_hold_monitor,
	  .verdict = XDP_PASS,
	  .cnt = { MON_CNT(DROP_HOLD, 1), CNT(EVENT_SENT, 1) },
	  .buckets = 1, .seen = 1, .events = 1 },
	{ .name = "hold_not_over_event_budget",
	  .f = { V4, .src = SRC4_B },
	  .limits = lim_hold1,
	  .prime = { V4, .src = SRC4 }, .prime_runs = 1,
	  .prime_verdict = XDP_DROP,
	  .verdict = XDP_PASS,
	  .cnt = { CNT(DROP_HOLD, 1), CNT(PASS_CLEAN, 1), CNT(EVENT_SENT, 1),
		   CNT(EVENT_BUDGET, 1) },
	  .buckets = 2, .seen = 1, .events = 1, .held = 1 },
	{ .name = "hold_needs_events",
	  .f = { V4 },
	  .limits = lim_hold_no_events,
	  .verdict = XDP_PASS, .cnt = { CNT(PASS_CLEAN, 1) }, .buckets = 1 },
};

/* --- runner ---------------------------------------------------------------- */

/*
 * frame_fixed_l2 - 1 for a frame that runs only as written: one with VLAN
 * tags of its own, or one cut at a length counted from its first byte.
 */
static int frame_fixed_l2(const struct frame *f)
{
	return f->ntags || f->cut == CUT_FRAME;
}

/* check_events - check that each event names a source and port of the case. */
static void check_events(struct fixture *fx, const struct pkt_case *c,
			 uint64_t t0, uint64_t t1)
{
	const struct frame *prime = c->prime.l3 ? &c->prime : &c->f;
	uint8_t a_main[16], a_prime[16];
	int i, held = 0;

	ASSERT_FALSE(fx->bad_event_size, "event record size");
	ASSERT_EQ(fx->nev, c->events, "events");
	frame_src16(&c->f, a_main);
	frame_src16(prime, a_prime);
	for (i = 0; i < fx->nev && i < MAX_EVENTS; i++) {
		const struct mxg_event *ev = &fx->ev[i];
		int is_main = !memcmp(ev->addr, a_main, 16);
		const struct frame *f = is_main ? &c->f : prime;

		ASSERT_TRUE(is_main || !memcmp(ev->addr, a_prime, 16),
			    "event address is a source of the case");
		ASSERT_EQ(ev->family, f->l3 == L3_IPV6 ? AF_INET6 : AF_INET,
			  "event family");
		ASSERT_EQ(ev->dport, frame_dport(f), "event dport");
		ASSERT_GE(ev->ts_ns, t0, "event time after the first run");
		ASSERT_LE(ev->ts_ns, t1, "event time before the ring was read");
		ASSERT_EQ(ev->pad, 0, "event padding");
		held += ev->held;
	}
	ASSERT_EQ(held, c->held, "events with held set");
}

static void check_counters(const struct pkt_case *c,
			   const uint64_t before[MXG_CNT_MAX],
			   const uint64_t after[MXG_CNT_MAX])
{
	uint32_t idx;
	size_t k;

	for (idx = 0; idx < MXG_CNT_MAX; idx++) {
		uint64_t want = 0;
		char label[96];

		for (k = 0; k < ARRAY_SIZE(c->cnt); k++)
			if (c->cnt[k].n && c->cnt[k].idx == idx)
				want += c->cnt[k].n;
		counter_label(idx, label, sizeof(label));
		ASSERT_U64_EQ(after[idx] - before[idx], want, label);
	}
}

static void run_case(struct fixture *fx, const struct pkt_case *c, int tagged)
{
	const struct frame *prime = c->prime.l3 ? &c->prime : &c->f;
	uint64_t before[MXG_CNT_MAX], after[MXG_CNT_MAX], t0, t1;
	char name[128];
	size_t k;
	int i, err, v = -1;

	snprintf(name, sizeof(name), "%s%s", c->name, tagged ? "_vlan" : "");
	if (!test__start_subtest(name))
		return;
	fx->tagged = tagged;

	/* maps: empty, then the case's limits and lists */
	if (!ASSERT_OK(fx_reset(fx), "reset maps"))
		return;
	loader_default_limits(&fx->lim);
	if (c->limits)
		c->limits(&fx->lim);
	if (!ASSERT_OK(fx_write_limits(fx), "write limits"))
		return;
	for (k = 0; k < ARRAY_SIZE(c->lists) && c->lists[k].list; k++)
		if (!ASSERT_OK(fx_put_entry(fx, &c->lists[k]), c->lists[k].prefix))
			return;
	if (c->setup)
		c->setup(fx, c);
	if (!ASSERT_OK(stats_read(fx, before), "read counters"))
		return;

	/* frames: priming ones, the hook between, then the case's own */
	t0 = now_boot_ns();
	for (i = 0; i < c->prime_runs; i++) {
		if (!ASSERT_OK(fx_run(fx, prime, &v), "run priming frame"))
			return;
		if (!ASSERT_EQ(v, c->prime_verdict, "priming verdict"))
			test__log("priming frame %d returned %s", i + 1,
				  verdict_name(v));
	}
	if (c->between)
		c->between(fx, c);
	err = fx_run(fx, &c->f, &v);
	if (err == -EOPNOTSUPP) {
		test__skip("this kernel runs no frame shorter than %d bytes",
			   ETH_HLEN);
		return;
	}
	if (!ASSERT_OK(err, "run frame"))
		return;
	test__log("%s: %s, expected %s", name, verdict_name(v),
		  verdict_name(c->verdict));
	ASSERT_EQ(v, c->verdict, "verdict");

	/* what the frames left behind */
	if (!ASSERT_OK(stats_read(fx, after), "read counters"))
		return;
	check_counters(c, before, after);
	ring_buffer__consume(fx->rb);
	t1 = now_boot_ns();
	check_events(fx, c, t0, t1);
	for (k = 0; k < ARRAY_SIZE(c->lists) && c->lists[k].list; k++) {
		uint64_t hits = ~0ULL;
		char label[80];

		snprintf(label, sizeof(label), "hits of %s", c->lists[k].prefix);
		if (ASSERT_OK(fx_entry_hits(fx, &c->lists[k], &hits), label))
			ASSERT_U64_EQ(hits, c->lists[k].hits, label);
	}
	ASSERT_EQ(map_count(map_fd(fx, GM_BUCKET)), c->buckets, "bucket entries");
	ASSERT_EQ(map_count(map_fd(fx, GM_SEEN)), c->seen, "seen entries");
}

/* run_src6 - send one SYN to port 25 from src; returns the verdict or -1. */
static int run_src6(struct fixture *fx, const char *src)
{
	struct frame f = { V6, .src = src };
	int v = -1;

	if (!ASSERT_OK(fx_run(fx, &f, &v), src))
		return -1;
	return v;
}

/*
 * subtest_ring_full - more new sources than the ring buffer holds: the
 * ones that find it full are counted as lost and not marked seen, so each
 * is reported when it comes back after the daemon has read the ring.
 */
static void subtest_ring_full(struct fixture *fx)
{
	uint32_t rec = (BPF_RINGBUF_HDR_SZ + sizeof(struct mxg_event) + 7) & ~7U;
	uint32_t cap = bpf_map__max_entries(fx->skel->maps.mxguard_events) / rec;
	uint64_t before[MXG_CNT_MAX], after[MXG_CNT_MAX];
	struct pkt_case want = {};
	const uint32_t over = 10;
	char src[INET6_ADDRSTRLEN];
	uint32_t i, passed = 0;

	if (!test__start_subtest("event_ring_full"))
		return;
	fx->tagged = 0;
	if (!ASSERT_OK(fx_reset(fx), "reset maps"))
		return;
	loader_default_limits(&fx->lim);
	fx->lim.syn_rate = 0;
	fx->lim.event_rate = 1000000;
	fx->lim.seen_ttl_sec = 60;
	if (!ASSERT_OK(fx_write_limits(fx), "write limits") ||
	    !ASSERT_OK(stats_read(fx, before), "read counters"))
		return;

	/* fill the ring without reading it */
	for (i = 0; i < cap + over; i++) {
		snprintf(src, sizeof(src), "2001:db8:e::%x", i + 1);
		passed += run_src6(fx, src) == XDP_PASS;
	}
	ASSERT_EQ(passed, cap + over, "SYNs passed");
	if (!ASSERT_OK(stats_read(fx, after), "read counters"))
		return;
	want.cnt[0] = (struct cnt){ MXG_CNT_PASS_CLEAN, cap + over };
	want.cnt[1] = (struct cnt){ MXG_CNT_EVENT_SENT, cap };
	want.cnt[2] = (struct cnt){ MXG_CNT_EVENT_LOST, over };
	check_counters(&want, before, after);
	ASSERT_EQ(map_count(map_fd(fx, GM_SEEN)), cap, "seen entries");
	ring_buffer__consume(fx->rb);
	ASSERT_EQ(fx->nev, cap, "events read");
	test__log("event_ring_full: %u events fit, %u lost", cap, over);

	/* a lost source is reported again, a reported one is not */
	fx->nev = 0;
	snprintf(src, sizeof(src), "2001:db8:e::%x", cap + over);
	ASSERT_EQ(run_src6(fx, src), XDP_PASS, "lost source again");
	ASSERT_EQ(run_src6(fx, "2001:db8:e::1"), XDP_PASS, "seen source again");
	ring_buffer__consume(fx->rb);
	ASSERT_EQ(fx->nev, 1, "events after the ring was read");
	ASSERT_EQ(map_count(map_fd(fx, GM_SEEN)), cap + 1, "seen entries");
}

void test_packet(void)
{
	struct fixture fx = {};
	size_t i;

	fx.ncpus = libbpf_num_possible_cpus();
	if (!ASSERT_GE(fx.ncpus, 1, "possible CPUs"))
		return;
	fx.skel = loader_load_unpinned(NULL, 0);
	if (!ASSERT_OK_PTR(fx.skel, "load the guard"))
		return;
	fx.prog_fd = bpf_program__fd(fx.skel->progs.xdp_guard);
	fx.rb = ring_buffer__new(map_fd(&fx, GM_EVENTS), on_event, &fx, NULL);
	if (!ASSERT_OK_PTR(fx.rb, "open the ring buffer"))
		goto out_destroy_skel;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		run_case(&fx, &cases[i], 0);
		if (!frame_fixed_l2(&cases[i].f))
			run_case(&fx, &cases[i], 1);
	}
	subtest_ring_full(&fx);

	ring_buffer__free(fx.rb);
out_destroy_skel:
	mxguard__destroy(fx.skel);
}
