// SPDX-License-Identifier: GPL-2.0-only
/*
 * addr.c - strict address and prefix parsing, masking and formatting.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "addr.h"

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* unmap - turn ::ffff:a.b.c.d/LEN (LEN >= 96) into a.b.c.d/(LEN - 96). */
static int unmap(struct mxg_prefix *p)
{
	if (p->family != AF_INET6 || memcmp(p->addr, v4mapped, 12))
		return 0;
	if (p->plen < 96)
		return -1;
	memmove(p->addr, p->addr + 12, 4);
	memset(p->addr + 4, 0, 12);
	p->family = AF_INET;
	p->plen -= 96;
	return 0;
}

int addr_parse_n(const char *s, size_t len, struct mxg_prefix *p)
{
	char buf[INET6_ADDRSTRLEN];

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(p, 0, sizeof(*p));
	if (memchr(buf, ':', len)) {
		if (inet_pton(AF_INET6, buf, p->addr) != 1)
			return -EINVAL;
		p->family = AF_INET6;
		p->plen = 128;
		unmap(p);
		return 0;
	}
	if (inet_pton(AF_INET, buf, p->addr) != 1)
		return -EINVAL;
	p->family = AF_INET;
	p->plen = 32;
	return 0;
}

int addr_parse(const char *s, struct mxg_prefix *p, char *err, size_t errlen)
{
	if (addr_parse_n(s, strlen(s), p) == 0)
		return 0;
	if (strchr(s, '%'))
		snprintf(err, errlen,
			 "invalid address '%s': zone ids are not accepted", s);
	else
		snprintf(err, errlen,
			 "invalid address '%s': expected A.B.C.D or X:X::X", s);
	return -EINVAL;
}

/* parse_len - a decimal length without sign, spaces or leading zeros. */
static int parse_len(const char *s, int max)
{
	int v = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > max)
			return -1;
	}
	return v;
}

int prefix_parse(const char *s, struct mxg_prefix *p, char *err, size_t errlen)
{
	char addr[INET6_ADDRSTRLEN + 1], canon[PREFIX_STRLEN];
	const char *slash = strchr(s, '/');
	struct mxg_prefix masked;
	size_t alen;
	int plen, max;

	alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(addr)) {
		snprintf(err, errlen,
			 "invalid prefix '%s': expected A.B.C.D[/LEN] or X:X::X[/LEN]",
			 s);
		return -EINVAL;
	}
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	memset(p, 0, sizeof(*p));
	if (strchr(addr, ':')) {
		if (inet_pton(AF_INET6, addr, p->addr) != 1)
			goto bad_addr;
		p->family = AF_INET6;
	} else {
		if (inet_pton(AF_INET, addr, p->addr) != 1)
			goto bad_addr;
		p->family = AF_INET;
	}
	max = prefix_max_len(p);
	if (slash) {
		plen = parse_len(slash + 1, max);
		if (plen < 0) {
			snprintf(err, errlen,
				 "invalid prefix '%s': length must be a number from 0 to %d",
				 s, max);
			return -EINVAL;
		}
	} else {
		plen = max;
	}
	p->plen = plen;
	if (unmap(p)) {
		snprintf(err, errlen,
			 "invalid prefix '%s': an IPv4-mapped prefix needs a length of 96 or more",
			 s);
		return -EINVAL;
	}

	masked = *p;
	prefix_mask(&masked);
	if (memcmp(masked.addr, p->addr, sizeof(p->addr))) {
		prefix_format_full(&masked, canon, sizeof(canon));
		snprintf(err, errlen,
			 "invalid prefix '%s': host bits are set; the network is %s",
			 s, canon);
		return -EINVAL;
	}
	return 0;

bad_addr:
	if (strchr(addr, '%'))
		snprintf(err, errlen,
			 "invalid prefix '%s': zone ids are not accepted", s);
	else
		snprintf(err, errlen,
			 "invalid prefix '%s': expected A.B.C.D[/LEN] or X:X::X[/LEN]",
			 s);
	return -EINVAL;
}

void addr_from_bytes(struct mxg_prefix *p, int family, const void *raw)
{
	memset(p, 0, sizeof(*p));
	p->family = family;
	if (family == AF_INET) {
		memcpy(p->addr, raw, 4);
		p->plen = 32;
	} else {
		memcpy(p->addr, raw, 16);
		p->plen = 128;
		unmap(p);
	}
}

void addr_from_mapped16(struct mxg_prefix *p, const uint8_t a[16])
{
	addr_from_bytes(p, AF_INET6, a);
}

void addr_to_mapped16(const struct mxg_prefix *p, uint8_t a[16])
{
	if (p->family == AF_INET) {
		memcpy(a, v4mapped, 12);
		memcpy(a + 12, p->addr, 4);
	} else {
		memcpy(a, p->addr, 16);
	}
}

void prefix_mask(struct mxg_prefix *p)
{
	int bytes = prefix_max_len(p) / 8, i;

	for (i = 0; i < bytes; i++) {
		int bits = p->plen - i * 8;

		if (bits <= 0)
			p->addr[i] = 0;
		else if (bits < 8)
			p->addr[i] &= (uint8_t)(0xff << (8 - bits));
	}
	for (; i < 16; i++)
		p->addr[i] = 0;
}

void prefix_truncate(struct mxg_prefix *p, int plen)
{
	if (plen < p->plen) {
		p->plen = plen;
		prefix_mask(p);
	}
}

int prefix_contains(const struct mxg_prefix *net, const struct mxg_prefix *p)
{
	struct mxg_prefix t;

	if (net->family != p->family || p->plen < net->plen)
		return 0;
	t = *p;
	t.plen = net->plen;
	prefix_mask(&t);
	return memcmp(t.addr, net->addr, 16) == 0;
}

int prefix_equal(const struct mxg_prefix *a, const struct mxg_prefix *b)
{
	return a->family == b->family && a->plen == b->plen &&
	       memcmp(a->addr, b->addr, 16) == 0;
}

char *prefix_format_full(const struct mxg_prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(p->family, p->addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, len, "%s/%u", a, p->plen);
	return buf;
}

char *prefix_format(const struct mxg_prefix *p, char *buf, size_t len)
{
	if (!prefix_is_host(p))
		return prefix_format_full(p, buf, len);
	if (!inet_ntop(p->family, p->addr, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

int addr_is_martian(const struct mxg_prefix *p)
{
	const uint8_t *a = p->addr;
	int i;

	if (p->family == AF_INET)
		return a[0] == 0 || a[0] == 127 || a[0] >= 224 ||
		       (a[0] == 169 && a[1] == 254);
	if (a[0] == 0xff || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80))
		return 1;
	for (i = 0; i < 10; i++)
		if (a[i])
			return 0;
	return (a[10] == 0 && a[11] == 0) || (a[10] == 0xff && a[11] == 0xff);
}
