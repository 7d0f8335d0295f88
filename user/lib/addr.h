/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * addr.h - IPv4/IPv6 addresses and prefixes as the guard stores them.
 *
 * Parsing is strict (inet_pton rules: no octal, hex or short IPv4 forms,
 * no zone ids, no whitespace). IPv4-mapped IPv6 addresses become IPv4, so
 * the CLI, the log parsers and the maps agree on one key per source.
 */
#ifndef MXG_ADDR_H
#define MXG_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/* Longest text form: a full IPv6 address with an embedded IPv4 and /128. */
#define PREFIX_STRLEN (INET6_ADDRSTRLEN + 4)

struct mxg_prefix {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t plen;		/* 0..32 or 0..128 */
	uint8_t addr[16];	/* IPv4 in the first 4 bytes, network order */
};

static inline int prefix_max_len(const struct mxg_prefix *p)
{
	return p->family == AF_INET ? 32 : 128;
}

static inline int prefix_is_host(const struct mxg_prefix *p)
{
	return p->plen == prefix_max_len(p);
}

/*
 * prefix_parse - parse "ADDR" or "ADDR/LEN" strictly. An address without a
 * length is a single host. Host bits set below LEN are an error whose
 * message names the network that was probably meant. Returns 0, or -EINVAL
 * with a message in err.
 */
int prefix_parse(const char *s, struct mxg_prefix *p, char *err, size_t errlen);

/* addr_parse - parse one address (no length); 0 or -EINVAL with err set. */
int addr_parse(const char *s, struct mxg_prefix *p, char *err, size_t errlen);

/*
 * addr_parse_n - parse len bytes of text as one address, without the error
 * message; used on log fields. Returns 0 or -EINVAL.
 */
int addr_parse_n(const char *s, size_t len, struct mxg_prefix *p);

/* addr_from_bytes - make a host prefix from a raw address. */
void addr_from_bytes(struct mxg_prefix *p, int family, const void *raw);

/*
 * addr_from_mapped16 - make a host prefix from 16 bytes that hold either an
 * IPv6 address or an IPv4 address as ::ffff:a.b.c.d (the form of the
 * guard's bucket and seen keys and of its events).
 */
void addr_from_mapped16(struct mxg_prefix *p, const uint8_t a[16]);

/* addr_to_mapped16 - the inverse of addr_from_mapped16(). */
void addr_to_mapped16(const struct mxg_prefix *p, uint8_t a[16]);

/* prefix_mask - clear the bits below plen. */
void prefix_mask(struct mxg_prefix *p);

/* prefix_truncate - shorten p to plen bits (no-op when already shorter). */
void prefix_truncate(struct mxg_prefix *p, int plen);

/* prefix_contains - 1 when net covers p (same family, p at least as long). */
int prefix_contains(const struct mxg_prefix *net, const struct mxg_prefix *p);

int prefix_equal(const struct mxg_prefix *a, const struct mxg_prefix *b);

/*
 * prefix_format - "ADDR" for a single host, "ADDR/LEN" otherwise; buf should
 * hold PREFIX_STRLEN bytes. Returns buf.
 */
char *prefix_format(const struct mxg_prefix *p, char *buf, size_t len);

/* prefix_format_full - always "ADDR/LEN". */
char *prefix_format_full(const struct mxg_prefix *p, char *buf, size_t len);

/*
 * addr_is_martian - 1 for a source no real peer can have: unspecified,
 * loopback, multicast, reserved, link-local, IPv4-compatible or mapped
 * IPv6. The XDP program passes these without counting, and no automatic
 * path bans them.
 */
int addr_is_martian(const struct mxg_prefix *p);

#endif /* MXG_ADDR_H */
