/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pkt_build.h - frame builders for the packet tests: Ethernet with VLAN
 * tags, IPv4 with options and fragments, IPv6 with extension headers, TCP,
 * UDP, ICMP and ARP. Each pb_*() call appends one header to a struct pb.
 *
 * The program under test reads no checksum, but every builder fills its
 * checksum anyway, so a frame that passes is one a real stack would take.
 * The TCP checksum of a fragment covers only the bytes in that fragment.
 */
#ifndef MXG_PKT_BUILD_H
#define MXG_PKT_BUILD_H

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>

#define PB_MAX 2048

#define PB_ETH_P_8021AD_ALT 0x9100	/* pre-standard QinQ outer tag */
#define PB_ETH_P_LLDP 0x88cc

/* IPv6 next-header values (RFC 8200, RFC 4302, RFC 4303) */
#define PB_NH_HOP 0
#define PB_NH_TCP 6
#define PB_NH_UDP 17
#define PB_NH_ROUTING 43
#define PB_NH_FRAGMENT 44
#define PB_NH_ESP 50
#define PB_NH_AUTH 51
#define PB_NH_ICMPV6 58
#define PB_NH_NONE 59
#define PB_NH_DEST 60

/* TCP flags, byte 13 of the header */
#define PB_FIN 0x01
#define PB_SYN 0x02
#define PB_RST 0x04
#define PB_PSH 0x08
#define PB_ACK 0x10
#define PB_URG 0x20
#define PB_ECE 0x40
#define PB_CWR 0x80

/* IPv4 fragment field: more-fragments flag, offset in 8-byte units */
#define PB_IP_MF 0x2000

/* Length of the options pb_tcp() writes into a SYN (what Linux sends). */
#define PB_TCP_SYN_OPTLEN 20

struct pb {
	uint8_t buf[PB_MAX];
	size_t len;
};

/* pb_put - append n zero bytes and return where they start. */
static inline uint8_t *pb_put(struct pb *b, size_t n)
{
	uint8_t *p;

	if (b->len + n > PB_MAX) {
		fprintf(stderr, "pkt_build: frame longer than %d bytes\n", PB_MAX);
		abort();
	}
	p = b->buf + b->len;
	memset(p, 0, n);
	b->len += n;
	return p;
}

static inline void pb_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void pb_put32(uint8_t *p, uint32_t v)
{
	pb_put16(p, v >> 16);
	pb_put16(p + 2, v & 0xffff);
}

/* pb_addr - parse a literal address of the test table, or abort. */
static inline void pb_addr(int family, const char *s, void *out)
{
	if (inet_pton(family, s, out) != 1) {
		fprintf(stderr, "pkt_build: invalid address '%s'\n", s);
		abort();
	}
}

/* pb_csum_add - add bytes to a ones' complement sum (RFC 1071). */
static inline uint32_t pb_csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static inline uint16_t pb_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* --- link layer ----------------------------------------------------------- */

/* pb_eth - Ethernet header from 02:00:00:00:00:02 to 02:00:00:00:00:01. */
static inline size_t pb_eth(struct pb *b, uint16_t type)
{
	size_t off = b->len;
	uint8_t *p = pb_put(b, ETH_HLEN);

	p[0] = 0x02;
	p[5] = 0x01;
	p[6] = 0x02;
	p[11] = 0x02;
	pb_put16(p + 12, type);
	return off;
}

/* pb_vlan - one tag's TCI and the type that follows it. */
static inline void pb_vlan(struct pb *b, uint16_t vid, uint16_t type)
{
	uint8_t *p = pb_put(b, 4);

	pb_put16(p, vid & 0x0fff);
	pb_put16(p + 2, type);
}

/*
 * pb_l2 - Ethernet header with ntags VLAN tags whose TPIDs are tpid[],
 * outermost first, then type. Returns the offset of the network header.
 */
static inline size_t pb_l2(struct pb *b, const uint16_t *tpid, int ntags,
			   uint16_t type)
{
	int i;

	pb_eth(b, ntags ? tpid[0] : type);
	for (i = 0; i < ntags; i++)
		pb_vlan(b, 100 + i, i + 1 < ntags ? tpid[i + 1] : type);
	return b->len;
}

/* pb_arp - an ARP request for 192.0.2.1 from 192.0.2.2. */
static inline void pb_arp(struct pb *b)
{
	uint8_t *p = pb_put(b, 28);

	pb_put16(p, 1);			/* Ethernet */
	pb_put16(p + 2, ETH_P_IP);
	p[4] = 6;
	p[5] = 4;
	pb_put16(p + 6, 1);		/* request */
	p[8] = 0x02;
	p[13] = 0x02;
	pb_addr(AF_INET, "192.0.2.2", p + 14);
	pb_addr(AF_INET, "192.0.2.1", p + 24);
}

/* --- IPv4 ----------------------------------------------------------------- */

/*
 * pb_ipv4 - IPv4 header with optlen bytes of options (a multiple of 4, at
 * most 40) and the raw fragment field frag (PB_IP_MF | offset). Total
 * length and checksum are set by pb_ipv4_finish(). Returns its offset.
 */
static inline size_t pb_ipv4(struct pb *b, const char *src, const char *dst,
			     uint8_t proto, uint16_t frag, const uint8_t *opts,
			     size_t optlen)
{
	size_t off = b->len;
	uint8_t *p = pb_put(b, 20 + optlen);

	p[0] = 0x40 | (uint8_t)(5 + optlen / 4);
	pb_put16(p + 4, 0x1234);	/* identification */
	pb_put16(p + 6, frag);
	p[8] = 64;
	p[9] = proto;
	pb_addr(AF_INET, src, p + 12);
	pb_addr(AF_INET, dst, p + 16);
	if (optlen)
		memcpy(p + 20, opts, optlen);
	return off;
}

/* pb_ipv4_csum - recompute the header checksum over IHL words. */
static inline void pb_ipv4_csum(struct pb *b, size_t off)
{
	uint8_t *p = b->buf + off;
	size_t hlen = (p[0] & 0x0f) * 4;

	if (hlen < 20)
		hlen = 20;
	if (off + hlen > b->len)
		hlen = b->len - off;
	pb_put16(p + 10, 0);
	pb_put16(p + 10, pb_csum_fold(pb_csum_add(0, p, hlen)));
}

/* pb_ipv4_finish - total length up to the end of the frame, and checksum. */
static inline void pb_ipv4_finish(struct pb *b, size_t off)
{
	pb_put16(b->buf + off + 2, (uint16_t)(b->len - off));
	pb_ipv4_csum(b, off);
}

/*
 * IPv4 options (RFC 791). Each writer fills len bytes at o and returns
 * len; the caller pads the total with End of Option List to a multiple of 4.
 */
static inline size_t pb_ipv4_opt_nops(uint8_t *o, size_t n)
{
	memset(o, 1, n);
	return n;
}

/* Record Route with room for n addresses, none recorded yet. */
static inline size_t pb_ipv4_opt_rr(uint8_t *o, int n)
{
	o[0] = 7;
	o[1] = (uint8_t)(3 + 4 * n);
	o[2] = 4;
	return o[1];
}

/* Timestamp (flag 0, timestamps only) with room for n stamps. */
static inline size_t pb_ipv4_opt_ts(uint8_t *o, int n)
{
	o[0] = 68;
	o[1] = (uint8_t)(4 + 4 * n);
	o[2] = 5;
	o[3] = 0;
	return o[1];
}

/* --- IPv6 ----------------------------------------------------------------- */

/* pb_ipv6 - fixed header; payload length is set by pb_ipv6_finish(). */
static inline size_t pb_ipv6(struct pb *b, const char *src, const char *dst,
			     uint8_t next)
{
	size_t off = b->len;
	uint8_t *p = pb_put(b, 40);

	p[0] = 0x60;
	p[6] = next;
	p[7] = 64;
	pb_addr(AF_INET6, src, p + 8);
	pb_addr(AF_INET6, dst, p + 24);
	return off;
}

static inline void pb_ipv6_finish(struct pb *b, size_t off)
{
	pb_put16(b->buf + off + 4, (uint16_t)(b->len - off - 40));
}

/*
 * pb_ipv6_opts - Hop-by-Hop or Destination Options header of
 * (hdrlen + 1) * 8 bytes, filled with one PadN option.
 */
static inline size_t pb_ipv6_opts(struct pb *b, uint8_t next, uint8_t hdrlen)
{
	size_t off = b->len, n = (hdrlen + 1) * 8;
	uint8_t *p = pb_put(b, n);

	p[0] = next;
	p[1] = hdrlen;
	p[2] = 1;			/* PadN */
	p[3] = (uint8_t)(n - 4);
	return off;
}

/*
 * pb_ipv6_srh - Segment Routing Header (RFC 8754) with one segment and
 * Segments Left 0, so a receiver processes the packet as its final hop.
 */
static inline size_t pb_ipv6_srh(struct pb *b, uint8_t next, const char *seg)
{
	size_t off = b->len;
	uint8_t *p = pb_put(b, 24);

	p[0] = next;
	p[1] = 2;			/* 16 bytes after the first 8 */
	p[2] = 4;			/* routing type: segment routing */
	p[3] = 0;			/* segments left */
	p[4] = 0;			/* last entry */
	pb_addr(AF_INET6, seg, p + 8);
	return off;
}

/* pb_ipv6_frag - Fragment header; offset in 8-byte units. */
static inline size_t pb_ipv6_frag(struct pb *b, uint8_t next, uint16_t offset,
				  int more, uint32_t id)
{
	size_t off = b->len;
	uint8_t *p = pb_put(b, 8);

	p[0] = next;
	pb_put16(p + 2, (uint16_t)(offset << 3 | (more ? 1 : 0)));
	pb_put32(p + 4, id);
	return off;
}

/* pb_ipv6_ah - Authentication Header with a 12-byte ICV (HMAC-SHA1-96). */
static inline size_t pb_ipv6_ah(struct pb *b, uint8_t next)
{
	size_t off = b->len;
	uint8_t *p = pb_put(b, 24);

	p[0] = next;
	p[1] = 24 / 4 - 2;		/* length in 4-byte units, minus 2 */
	pb_put32(p + 4, 0x1000);	/* SPI */
	pb_put32(p + 8, 1);		/* sequence number */
	memset(p + 12, 0xa5, 12);
	return off;
}

/* pb_esp - ESP header and 32 bytes of ciphertext; nothing after is readable. */
static inline size_t pb_esp(struct pb *b)
{
	size_t off = b->len;
	uint8_t *p = pb_put(b, 8 + 32);

	pb_put32(p, 0x2000);		/* SPI */
	pb_put32(p + 4, 1);		/* sequence number */
	memset(p + 8, 0x5a, 32);
	return off;
}

/* --- transport ------------------------------------------------------------ */

/*
 * pb_tcp - TCP header to dport with flags; with_opts adds the options
 * Linux puts in a SYN (MSS, SACK permitted, timestamps, window scale).
 */
static inline size_t pb_tcp(struct pb *b, uint16_t sport, uint16_t dport,
			    uint8_t flags, int with_opts)
{
	static const uint8_t syn_opts[PB_TCP_SYN_OPTLEN] = {
		2, 4, 0x05, 0xb4,		/* MSS 1460 */
		4, 2,				/* SACK permitted */
		8, 10, 0, 0, 0, 1, 0, 0, 0, 0,	/* timestamps */
		1,				/* NOP */
		3, 3, 7,			/* window scale 7 */
	};
	size_t off = b->len, optlen = with_opts ? PB_TCP_SYN_OPTLEN : 0;
	uint8_t *p = pb_put(b, 20 + optlen);

	pb_put16(p, sport);
	pb_put16(p + 2, dport);
	pb_put32(p + 4, 0x10000000);	/* sequence number */
	if (flags & PB_ACK)
		pb_put32(p + 8, 0x20000000);
	p[12] = (uint8_t)((20 + optlen) / 4) << 4;
	p[13] = flags;
	pb_put16(p + 14, 64240);	/* window */
	if (optlen)
		memcpy(p + 20, syn_opts, optlen);
	return off;
}

static inline size_t pb_udp(struct pb *b, uint16_t sport, uint16_t dport,
			    size_t payload)
{
	size_t off = b->len;
	uint8_t *p = pb_put(b, 8 + payload);

	pb_put16(p, sport);
	pb_put16(p + 2, dport);
	pb_put16(p + 4, (uint16_t)(8 + payload));
	return off;
}

/* pb_icmp - ICMP or ICMPv6 header with 4 bytes of rest-of-header, 8 of data. */
static inline size_t pb_icmp(struct pb *b, uint8_t type, uint8_t code)
{
	size_t off = b->len;
	uint8_t *p = pb_put(b, 16);

	p[0] = type;
	p[1] = code;
	return off;
}

/*
 * pb_l4_csum - fill the checksum of the transport header at l4 (TCP, UDP,
 * ICMP or ICMPv6) over the bytes from l4 to l4_end, with the pseudo-header
 * of the IP header at l3 where the protocol has one.
 */
static inline void pb_l4_csum(struct pb *b, size_t l3, size_t l4,
			      size_t l4_end, uint8_t proto)
{
	uint8_t *ip = b->buf + l3, *p = b->buf + l4;
	uint32_t sum = 0, len = (uint32_t)(l4_end - l4);
	size_t at;

	switch (proto) {
	case IPPROTO_TCP:
		at = 16;
		break;
	case IPPROTO_UDP:
		at = 6;
		break;
	default:
		at = 2;
		break;
	}
	if (len < at + 2)
		return;
	pb_put16(p + at, 0);
	if ((ip[0] >> 4) == 4 && proto != IPPROTO_ICMP) {
		sum = pb_csum_add(sum, ip + 12, 8);
		sum += proto + len;
	} else if ((ip[0] >> 4) == 6) {
		sum = pb_csum_add(sum, ip + 8, 32);
		sum += len + proto;
	}
	pb_put16(p + at, pb_csum_fold(pb_csum_add(sum, p, len)));
}

#endif /* MXG_PKT_BUILD_H */
