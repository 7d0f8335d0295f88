/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * parse.h - header parsing for the XDP guard.
 *
 * Each parse_<hdr>() takes a cursor, checks every byte it reads against
 * data_end, and returns either the next protocol or a negative MXG_CNT_*
 * pass reason (a fail-open verdict). Nothing here drops; the one exception
 * to failing open (RFC 1858 tiny fragments) is decided by the caller from
 * the fragment fields this file fills in.
 */
#ifndef MXG_BPF_PARSE_H
#define MXG_BPF_PARSE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include "mxguard_abi.h"

#ifndef MXG_VLAN_MAX_DEPTH
#define MXG_VLAN_MAX_DEPTH 2
#endif

/* Extension headers walked before giving up on an IPv6 packet. */
#ifndef MXG_IPV6_EXT_MAX
#define MXG_IPV6_EXT_MAX 6
#endif

#define ETH_P_8021AD_ALT 0x9100	/* pre-standard QinQ outer tag */

/* IPv6 next-header values (RFC 8200, RFC 4302, RFC 4303). */
#define NEXTHDR_HOP 0
#define NEXTHDR_ROUTING 43
#define NEXTHDR_FRAGMENT 44
#define NEXTHDR_ESP 50
#define NEXTHDR_AUTH 51
#define NEXTHDR_NONE 59
#define NEXTHDR_DEST 60

/* TCP flag bits in byte 13 of the header */
#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_RST 0x04
#define TCPF_ACK 0x10

#define IP_MF 0x2000
#define IP_OFFMASK 0x1fff

struct cursor {
	void *pos;
	void *end;
};

/*
 * be16_len - a 16-bit big-endian length, bounded for the verifier. The
 * verifiers of Linux 6.1 and 6.12 lose the range of a byte-swapped value,
 * and then refuse to add it to a packet pointer; the empty asm keeps clang
 * from dropping the mask that restores the range.
 */
static __always_inline __u32 be16_len(__be16 v)
{
	__u32 x = bpf_ntohs(v);

	asm volatile("" : "+r"(x));
	return x & 0xffff;
}

/*
 * struct pkt - what the guard needs from a frame.
 *
 * l4_len is the TCP length the IP header claims (not what the frame holds,
 * since Ethernet padding may follow). first_frag is set for an offset-0
 * fragment with more to come, frag_off1 for an IPv4 fragment at offset 1.
 */
struct pkt {
	__u8 src[16];		/* IPv4 as ::ffff:a.b.c.d */
	__u32 l4_len;
	__u8 family;
	__u8 first_frag;
	__u8 frag_off1;
	__u8 tcp_flags;
	__u16 dport;		/* host byte order */
};

static __always_inline int parse_eth(struct cursor *c)
{
	struct ethhdr *eth = c->pos;
	__u16 proto;
	int i;

	if ((void *)(eth + 1) > c->end)
		return -MXG_CNT_PASS_TRUNCATED;
	proto = eth->h_proto;
	c->pos = eth + 1;

#pragma unroll
	for (i = 0; i < MXG_VLAN_MAX_DEPTH; i++) {
		struct vlan_hdr {
			__be16 tci;
			__be16 proto;
		} *vlan = c->pos;

		if (proto != bpf_htons(ETH_P_8021Q) &&
		    proto != bpf_htons(ETH_P_8021AD) &&
		    proto != bpf_htons(ETH_P_8021AD_ALT))
			break;
		if ((void *)(vlan + 1) > c->end)
			return -MXG_CNT_PASS_TRUNCATED;
		proto = vlan->proto;
		c->pos = vlan + 1;
	}
	if (proto == bpf_htons(ETH_P_8021Q) ||
	    proto == bpf_htons(ETH_P_8021AD) ||
	    proto == bpf_htons(ETH_P_8021AD_ALT))
		return -MXG_CNT_PASS_VLAN_DEPTH;
	return bpf_ntohs(proto);
}

/* parse_ipv4 - check the IPv4 header; returns the L4 protocol or -reason. */
static __always_inline int parse_ipv4(struct cursor *c, struct pkt *p)
{
	struct iphdr *ip = c->pos;
	__u32 hlen, tot;
	__u16 frag;

	if ((void *)(ip + 1) > c->end)
		return -MXG_CNT_PASS_TRUNCATED;
	if (ip->version != 4 || ip->ihl < 5)
		return -MXG_CNT_PASS_BAD_HEADER;
	hlen = ip->ihl * 4;
	if (c->pos + hlen > c->end)
		return -MXG_CNT_PASS_TRUNCATED;
	tot = be16_len(ip->tot_len);
	if (tot < hlen || c->pos + tot > c->end)
		return -MXG_CNT_PASS_BAD_HEADER;

	p->family = 2;	/* AF_INET; linux/socket.h is not usable here */
	__builtin_memset(p->src, 0, 10);
	p->src[10] = 0xff;
	p->src[11] = 0xff;
	__builtin_memcpy(&p->src[12], &ip->saddr, 4);
	p->l4_len = tot - hlen;

	frag = bpf_ntohs(ip->frag_off);
	if (frag & IP_OFFMASK) {
		if (ip->protocol == IPPROTO_TCP && (frag & IP_OFFMASK) == 1) {
			p->frag_off1 = 1;
			return IPPROTO_TCP;
		}
		return -MXG_CNT_PASS_FRAGMENT;
	}
	if (frag & IP_MF)
		p->first_frag = 1;

	c->pos += hlen;
	return ip->protocol;
}

/*
 * parse_ipv6 - check the fixed header and walk at most MXG_IPV6_EXT_MAX
 * extension headers; returns the upper-layer protocol or -reason.
 */
static __always_inline int parse_ipv6(struct cursor *c, struct pkt *p)
{
	struct ipv6hdr *ip6 = c->pos;
	void *payload_end;
	__u8 nexthdr;
	int i;

	if ((void *)(ip6 + 1) > c->end)
		return -MXG_CNT_PASS_TRUNCATED;
	if (ip6->version != 6)
		return -MXG_CNT_PASS_BAD_HEADER;
	/* A zero payload length means a jumbogram, which a mail peer never sends. */
	if (ip6->payload_len == 0)
		return -MXG_CNT_PASS_BAD_HEADER;
	payload_end = (void *)(ip6 + 1) + be16_len(ip6->payload_len);
	if (payload_end > c->end)
		return -MXG_CNT_PASS_BAD_HEADER;

	p->family = 10;	/* AF_INET6 */
	__builtin_memcpy(p->src, &ip6->saddr, 16);
	nexthdr = ip6->nexthdr;
	c->pos = ip6 + 1;

#pragma unroll
	for (i = 0; i < MXG_IPV6_EXT_MAX; i++) {
		struct ipv6_opt_hdr *opt = c->pos;
		struct frag_hdr {
			__u8 nexthdr;
			__u8 reserved;
			__be16 frag_off;
			__be32 id;
		} *fh;

		switch (nexthdr) {
		case NEXTHDR_HOP:
		case NEXTHDR_ROUTING:
		case NEXTHDR_DEST:
			if ((void *)(opt + 1) > c->end)
				return -MXG_CNT_PASS_TRUNCATED;
			nexthdr = opt->nexthdr;
			c->pos += (opt->hdrlen + 1) * 8;
			break;
		case NEXTHDR_AUTH:
			if ((void *)(opt + 1) > c->end)
				return -MXG_CNT_PASS_TRUNCATED;
			nexthdr = opt->nexthdr;
			c->pos += (opt->hdrlen + 2) * 4;
			break;
		case NEXTHDR_FRAGMENT:
			fh = c->pos;
			if ((void *)(fh + 1) > c->end)
				return -MXG_CNT_PASS_TRUNCATED;
			if (bpf_ntohs(fh->frag_off) & 0xfff8)
				return -MXG_CNT_PASS_FRAGMENT;
			if (bpf_ntohs(fh->frag_off) & 1)
				p->first_frag = 1;
			nexthdr = fh->nexthdr;
			c->pos = fh + 1;
			break;
		case NEXTHDR_ESP:
			return -MXG_CNT_PASS_EXT_OPAQUE;
		default:
			goto done;
		}
		if (c->pos > payload_end)
			return -MXG_CNT_PASS_TRUNCATED;
	}
	switch (nexthdr) {
	case NEXTHDR_HOP:
	case NEXTHDR_ROUTING:
	case NEXTHDR_DEST:
	case NEXTHDR_AUTH:
	case NEXTHDR_FRAGMENT:
		return -MXG_CNT_PASS_EXT_CHAIN;
	case NEXTHDR_ESP:
		return -MXG_CNT_PASS_EXT_OPAQUE;
	}
done:
	if (c->pos > payload_end)
		return -MXG_CNT_PASS_TRUNCATED;
	p->l4_len = payload_end - c->pos;
	return nexthdr;
}

/*
 * parse_tcp - read the destination port and flags.
 *
 * A whole TCP header must be present unless this is a first fragment: there
 * the port and flags (the first 14 bytes) are enough to classify, because
 * the reassembled packet never passes through XDP again. A first fragment
 * shorter than that returns -MXG_CNT_DROP_TINY_FRAG for the caller to drop.
 */
static __always_inline int parse_tcp(struct cursor *c, struct pkt *p)
{
	struct tcphdr *tcp = c->pos;
	__u8 *flags = (__u8 *)tcp + 13;

	if (p->first_frag && p->l4_len < 14)
		return -MXG_CNT_DROP_TINY_FRAG;
	if ((void *)(flags + 1) > c->end || p->l4_len < 14)
		return -MXG_CNT_PASS_TRUNCATED;
	p->dport = bpf_ntohs(tcp->dest);
	p->tcp_flags = *flags;
	if (p->first_frag)
		return 0;

	if ((void *)(tcp + 1) > c->end || p->l4_len < sizeof(*tcp))
		return -MXG_CNT_PASS_TRUNCATED;
	if (tcp->doff < 5 || tcp->doff * 4 > p->l4_len)
		return -MXG_CNT_PASS_BAD_HEADER;
	return 0;
}

#endif /* MXG_BPF_PARSE_H */
