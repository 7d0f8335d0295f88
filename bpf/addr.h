/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * addr.h - source address rules shared by the XDP guard and the
 * connection counter. An address is 16 bytes, IPv4 as ::ffff:a.b.c.d.
 */
#ifndef MXG_BPF_ADDR_H
#define MXG_BPF_ADDR_H

#include <bpf/bpf_endian.h>

/* addr_is_v4 - 1 for an IPv4 address in its ::ffff:a.b.c.d form. */
static __always_inline int addr_is_v4(const __u8 *a)
{
	int i;

#pragma unroll
	for (i = 0; i < 10; i++)
		if (a[i])
			return 0;
	return a[10] == 0xff && a[11] == 0xff;
}

/*
 * addr_martian - 1 for a source no real peer can have: unspecified,
 * loopback, multicast, reserved and link-local addresses, and IPv6 sources
 * that are IPv4-compatible or IPv4-mapped (v4 is 0 for a wire IPv6 source).
 */
static __always_inline int addr_martian(const __u8 *a, int v4)
{
	int i;

	if (v4) {
		__u8 o1 = a[12];

		return o1 == 0 || o1 == 127 || o1 >= 224 ||
		       (o1 == 169 && a[13] == 254);
	}
	if (a[0] == 0xff || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80))
		return 1;
	/* ::, ::1, IPv4-compatible and IPv4-mapped addresses */
#pragma unroll
	for (i = 0; i < 10; i++)
		if (a[i])
			return 0;
	return (a[10] == 0 && a[11] == 0) || (a[10] == 0xff && a[11] == 0xff);
}

/* mask_v6 - copy the first plen bits of src into dst, clearing the rest. */
static __always_inline void mask_v6(__u8 *dst, const __u8 *src, __u32 plen)
{
	__u32 w[4];
	int i;

	__builtin_memcpy(w, src, 16);
#pragma unroll
	for (i = 0; i < 4; i++) {
		__s32 bits = (__s32)plen - 32 * i;

		if (bits <= 0)
			w[i] = 0;
		else if (bits < 32)
			w[i] &= bpf_htonl(~0U << (32 - bits));
	}
	__builtin_memcpy(dst, w, 16);
}

#endif /* MXG_BPF_ADDR_H */
