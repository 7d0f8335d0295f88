// SPDX-License-Identifier: GPL-2.0-only
/*
 * conn.bpf.c - count each source's open connections to the guarded ports,
 * and refuse a new connection at the socket lookup once a source holds
 * conn_limit of them.
 *
 * conn_state (tp_btf/inet_sock_set_state) counts a connection while it is
 * ESTABLISHED. It marks each counted socket (sk_storage) with the
 * generation and source key it was counted under, so that the decrement
 * goes exactly where the increment went, and only once, even while two
 * copies of the program run during a replace. conn_iter (iter/tcp)
 * rebuilds the counts from the sockets that exist into a new generation,
 * which corrects what a detached program missed. user/lib/conn.c runs it
 * at attach time and every minute. conn_lookup (sk_lookup) refuses a
 * connection with an RST when the source is at the limit; the XDP guard
 * drops SYNs at the limit plus one (conn_admit() in conn.h).
 *
 * Only sockets in the guarded network namespace (mxg_conngen.netns_ino)
 * whose local port is a guarded port count. Sources that XDP treats as
 * martians (loopback and the like) are never counted or refused.
 */
#include "vmlinux.h"
/*
 * vmlinux.h defines every kernel type already; keep the uapi headers that
 * the shared headers include from defining them a second time.
 */
#define _LINUX_TYPES_H
#define __LINUX_BPF_H__
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "mxguard_abi.h"
#include "addr.h"
#include "maps.h"
#include "verdict.h"
#include "conn.h"

/* Address families; vmlinux.h carries no macros. */
#define AF_INET 2
#define AF_INET6 10

/* struct conn_mark - what a counted socket was counted under. */
struct conn_mark {
	__u32 gen;
	__u32 counted;		/* 1 while the socket is in the count */
	struct mxg_addr6 key;
};

/* Per-socket marks; they go away with the socket. */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct conn_mark);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mxguard_connsk SEC(".maps");

/* mask_key - clear the bits of an IPv6 key beyond plen, as XDP does. */
static __always_inline void mask_key(__u8 *a, __u32 plen)
{
	if (plen < 32 || plen > 128)
		plen = 64;
	mask_v6(a, a, plen);
}

static __always_inline void key_from_v4(struct mxg_addr6 *key, __u32 a4)
{
	__builtin_memset(key->addr, 0, 10);
	key->addr[10] = 0xff;
	key->addr[11] = 0xff;
	__builtin_memcpy(&key->addr[12], &a4, 4);
}

static __always_inline int port_guarded(const struct mxg_limits *lim,
					__u32 port)
{
	int i;

#pragma unroll
	for (i = 0; i < MXG_MAX_PORTS; i++)
		if (lim->ports[i] == port && port != 0)
			return 1;
	return 0;
}

/*
 * sock_key - the peer's source key as XDP builds it from a SYN: IPv4, and
 * an IPv4 peer of a dual-stack listener, as ::ffff:a.b.c.d, IPv6 masked
 * to v6_prefix. Returns 0, or -1 for a peer that is never counted.
 */
static __always_inline int sock_key(const struct sock *sk, __u32 v6_prefix,
				    struct mxg_addr6 *key)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	struct in6_addr a6;

	if (family == AF_INET) {
		key_from_v4(key, BPF_CORE_READ(sk, __sk_common.skc_daddr));
	} else if (family == AF_INET6) {
		BPF_CORE_READ_INTO(&a6, sk, __sk_common.skc_v6_daddr);
		__builtin_memcpy(key->addr, &a6, 16);
		if (!addr_is_v4(key->addr))
			mask_key(key->addr, v6_prefix);
	} else {
		return -1;
	}
	return addr_martian(key->addr, addr_is_v4(key->addr)) ? -1 : 0;
}

/*
 * sock_counted - 1 when the socket belongs in the counts: a guarded local
 * port in the guarded namespace, and a peer that may be counted.
 */
static __always_inline int sock_counted(const struct sock *sk,
					const struct mxg_limits *lim,
					const struct mxg_conngen *g,
					struct mxg_addr6 *key)
{
	if (!g->netns_ino)
		return 0;
	if (!port_guarded(lim, BPF_CORE_READ(sk, __sk_common.skc_num)))
		return 0;
	if (BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum) != g->netns_ino)
		return 0;
	return sock_key(sk, lim->v6_prefix, key) == 0;
}

/*
 * count_add - add +1 or -1 to the count of src in gen. A decrement never
 * creates a key: its increment may belong to a generation already
 * deleted. Returns 0, or -1 when the map is full.
 */
static __always_inline int count_add(__u32 gen, const struct mxg_addr6 *src,
				     __s64 delta)
{
	struct mxg_conn_key key = { .gen = gen };
	__s64 one = 1, *n;

	__builtin_memcpy(key.addr, src->addr, 16);
	n = bpf_map_lookup_elem(&mxguard_conn, &key);
	if (n) {
		__sync_fetch_and_add(n, delta);
		return 0;
	}
	if (delta < 0)
		return 0;
	if (!bpf_map_update_elem(&mxguard_conn, &key, &one, BPF_NOEXIST))
		return 0;
	/* another CPU created the key first */
	n = bpf_map_lookup_elem(&mxguard_conn, &key);
	if (!n)
		return -1;
	__sync_fetch_and_add(n, delta);
	return 0;
}

/* conn_claim - a connection became ESTABLISHED: count it once. */
static __always_inline void conn_claim(struct sock *sk)
{
	struct mxg_conngen *g;
	struct mxg_limits *lim;
	struct mxg_addr6 key;
	struct conn_mark *m;
	__u32 key0 = 0, gen;

	lim = bpf_map_lookup_elem(&mxguard_limits, &key0);
	g = bpf_map_lookup_elem(&mxguard_conngen, &key0);
	if (!lim || !g || !sock_counted(sk, lim, g, &key))
		return;
	m = bpf_sk_storage_get(&mxguard_connsk, sk, 0,
			       BPF_SK_STORAGE_GET_F_CREATE);
	if (!m)
		return;
	/* during a replace the other copy of this program may be first */
	if (__sync_val_compare_and_swap(&m->counted, 0, 1) != 0)
		return;
	gen = g->write_gen;
	m->gen = gen;
	m->key = key;
	if (count_add(gen, &key, 1)) {
		m->counted = 0;
		count(MXG_CNT_FULL_CONN);
		return;
	}
	conn_pending_done(&key, bpf_ktime_get_boot_ns());
}

/* conn_release - a counted connection left ESTABLISHED: uncount it once. */
static __always_inline void conn_release(struct sock *sk)
{
	struct conn_mark *m;

	m = bpf_sk_storage_get(&mxguard_connsk, sk, 0, 0);
	if (!m || !__sync_lock_test_and_set(&m->counted, 0))
		return;
	count_add(m->gen, &m->key, -1);
}

/*
 * The tracepoint fires for listeners and children too (CLOSE to LISTEN,
 * LISTEN to SYN_RECV); only SYN_RECV to ESTABLISHED opens a connection
 * that a client started. Request sockets never reach it, so half-open
 * handshakes are not counted.
 */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(conn_state, const struct sock *sk, const int oldstate,
	     const int newstate)
{
	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	if (oldstate == TCP_ESTABLISHED)
		conn_release((struct sock *)sk);
	else if (oldstate == TCP_SYN_RECV && newstate == TCP_ESTABLISHED)
		conn_claim((struct sock *)sk);
	return 0;
}

/*
 * conn_iter - count every ESTABLISHED socket of the namespace that opened
 * the iterator into write_gen, unless it is counted there already. The
 * tcp iterator holds each socket's lock while this runs (since Linux
 * 5.15), so the tracepoint cannot change a mark at the same time. Writes
 * one byte per counted socket: 'k' counted in write_gen already, 'm'
 * moved from an older generation, 'n' not counted before, 'f' not
 * counted because the map is full.
 */
SEC("iter/tcp")
int conn_iter(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	struct mxg_conngen *g;
	struct mxg_limits *lim;
	struct mxg_addr6 key;
	struct conn_mark *m;
	struct tcp_sock *tp;
	struct sock *sk;
	__u32 key0 = 0, gen;
	char kind;

	if (!skc)
		return 0;
	tp = bpf_skc_to_tcp_sock(skc);
	if (!tp)
		return 0;	/* request and timewait sockets */
	sk = (struct sock *)tp;
	if (BPF_CORE_READ(sk, __sk_common.skc_state) != TCP_ESTABLISHED)
		return 0;
	lim = bpf_map_lookup_elem(&mxguard_limits, &key0);
	g = bpf_map_lookup_elem(&mxguard_conngen, &key0);
	if (!lim || !g || !sock_counted(sk, lim, g, &key))
		return 0;
	m = bpf_sk_storage_get(&mxguard_connsk, sk, 0,
			       BPF_SK_STORAGE_GET_F_CREATE);
	if (!m)
		return 0;

	gen = g->write_gen;
	if (m->counted && m->gen == gen) {
		kind = 'k';
	} else {
		kind = m->counted ? 'm' : 'n';
		m->gen = gen;
		m->key = key;
		m->counted = 1;
		if (count_add(gen, &key, 1)) {
			m->counted = 0;
			count(MXG_CNT_FULL_CONN);
			kind = 'f';
		}
	}
	bpf_seq_write(ctx->meta->seq, &kind, 1);
	return 0;
}

/* allowed - 1 when a live allowlist entry covers the address. */
static __always_inline int allowed(struct bpf_sk_lookup *ctx, __u64 now)
{
	struct clock clk = { .ns = now };
	struct mxg_lpm6_key k6;
	struct mxg_lpm4_key k4;
	struct mxg_meta *meta;
	__u32 key0 = 0;

	meta = bpf_map_lookup_elem(&mxguard_meta, &key0);
	if (!meta)
		return 0;
	if (ctx->family == AF_INET) {
		__u32 a4 = ctx->remote_ip4;

		if (!meta->allow4_entries)
			return 0;
		k4.prefixlen = 32;
		__builtin_memcpy(k4.addr, &a4, 4);
		return lpm_lookup_live(&mxguard_allow4, &k4, &k4.prefixlen, &clk) != NULL;
	} else {
		__u32 w[4] = { ctx->remote_ip6[0], ctx->remote_ip6[1],
			       ctx->remote_ip6[2], ctx->remote_ip6[3] };

		if (!meta->allow6_entries)
			return 0;
		k6.prefixlen = 128;
		__builtin_memcpy(k6.addr, w, 16);
		return lpm_lookup_live(&mxguard_allow6, &k6, &k6.prefixlen, &clk) != NULL;
	}
}

/*
 * conn_lookup - runs before the listener lookup for each TCP packet that
 * matches no established, request or timewait socket: first SYNs, and
 * the ACKs that complete a SYN-cookie handshake, which XDP's SYN check
 * never gets. Refuses (SK_DROP, which the stack answers with an RST)
 * when the source holds conn_limit connections, or when its handshakes
 * in flight (which include this one when XDP passed its SYN) would take
 * it past the limit; a refused handshake leaves the flight at once.
 */
SEC("sk_lookup")
int conn_lookup(struct bpf_sk_lookup *ctx)
{
	struct mxg_conngen *g;
	struct mxg_limits *lim;
	struct mxg_pending *p;
	struct mxg_addr6 key;
	__u32 key0 = 0;
	__u64 now, open;

	if (ctx->protocol != IPPROTO_TCP)
		return SK_PASS;
	lim = bpf_map_lookup_elem(&mxguard_limits, &key0);
	if (!lim || !lim->conn_limit || !port_guarded(lim, ctx->local_port))
		return SK_PASS;
	g = conn_gen();
	if (!g)
		return SK_PASS;

	if (ctx->family == AF_INET) {
		key_from_v4(&key, ctx->remote_ip4);
	} else if (ctx->family == AF_INET6) {
		__u32 w[4] = { ctx->remote_ip6[0], ctx->remote_ip6[1],
			       ctx->remote_ip6[2], ctx->remote_ip6[3] };

		__builtin_memcpy(key.addr, w, 16);
		if (addr_is_v4(key.addr))
			return SK_PASS;	/* mapped source on the wire */
		mask_key(key.addr, lim->v6_prefix);
	} else {
		return SK_PASS;
	}
	if (addr_martian(key.addr, addr_is_v4(key.addr)))
		return SK_PASS;
	now = bpf_ktime_get_boot_ns();
	if (allowed(ctx, now))
		return SK_PASS;

	open = conn_open(g->read_gen, &key);
	p = conn_pending(&key, now);
	if (open < lim->conn_limit &&
	    open + pending_count(p) <= lim->conn_limit)
		return SK_PASS;
	if (lim->mode == MXG_MODE_MONITOR) {
		count(MXG_CNT_MONITOR_REFUSE_CONN);
		return SK_PASS;
	}
	if (p && p->n > 0)
		__sync_fetch_and_add(&p->n, -1);
	count(MXG_CNT_REFUSE_CONN_LIMIT);
	return SK_DROP;
}

char LICENSE[] SEC("license") = "GPL";
