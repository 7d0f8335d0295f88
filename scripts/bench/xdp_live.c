// SPDX-License-Identifier: GPL-2.0-only
/*
 * xdp_live.c - traffic for the veth benchmarks, made in the kernel by
 * BPF_PROG_TEST_RUN in live-frames mode (BPF_F_TEST_XDP_LIVE_FRAMES), and
 * the drop-all receiver the guard is compared with.
 *
 *   xdp_live send [-H HOLD] [-d] [-n SOURCES] [-s SRC] IFACE DST_MAC COUNT
 *	send COUNT TCP SYNs to 198.51.100.1 port 25 out of IFACE (its peer
 *	receives them) from random sources in 198.18.0.0/16 (65,536, or
 *	the first SOURCES, a power of two), or from SRC alone, and print
 *	"sent COUNT ns WALL kernel_ns KERNEL". -d drops
 *	each frame after making it, which times the generator alone.
 *	-H HOLD attaches the generator to the spare interface HOLD while it
 *	runs: that keeps it in the kernel's XDP dispatcher, whose update at
 *	each run otherwise adds an RCU grace period (about 12 ms) to the
 *	wall time
 *   xdp_live drop IFACE
 *	attach an XDP program that drops everything to IFACE in native
 *	mode; it stays until 'ip link set IFACE xdp off' or the interface
 *	is deleted
 *
 * Run it in the namespace of IFACE (nsenter --net=...). A frame made by
 * the generator costs about 32 ns here. A socket-built packet costs a
 * system call, and veth copies it before XDP runs, so the generator and
 * not the filter would set the rate.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "pkt_build.h"
#include "rawprog.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4],
		   &v[5]) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

/*
 * build_syn - the generator's template: a SYN with Linux's options, with
 * identification and sequence low half at 0xffff (see rawprog.h for why).
 */
static void build_syn(struct pb *b, const uint8_t dst_mac[6], const char *src)
{
	size_t l3, l4;

	pb_eth(b, ETH_P_IP);
	memcpy(b->buf, dst_mac, 6);
	l3 = pb_ipv4(b, src, "198.51.100.1", IPPROTO_TCP, 0, NULL, 0);
	pb_put16(b->buf + RAW_OFF_IP_ID, 0xffff);
	l4 = pb_tcp(b, 40000, 25, PB_SYN, 1);
	pb_put16(b->buf + RAW_OFF_TCP_SEQ_LO, 0xffff);
	pb_ipv4_finish(b, l3);
	pb_l4_csum(b, l3, l4, b->len, IPPROTO_TCP);
}

static int usage(void)
{
	fprintf(stderr, "usage: xdp_live send [-H HOLD] [-d] [-n SOURCES] [-s SRC] IFACE DST_MAC COUNT\n"
			"       xdp_live drop IFACE\n");
	return 2;
}

static int do_send(int argc, char **argv)
{
	const char *hold = NULL, *src = NULL;
	int verdict = XDP_TX, hold_ifindex = 0, fd, err, opt;
	unsigned long sources = 65536;
	struct xdp_md ctx = {};
	uint8_t mac[6];
	struct pb b = {};
	uint64_t t0, t1;
	long count;

	while ((opt = getopt(argc, argv, "H:dn:s:")) >= 0) {
		switch (opt) {
		case 'H':
			hold = optarg;
			break;
		case 'd':
			verdict = XDP_DROP;
			break;
		case 'n':
			sources = strtoul(optarg, NULL, 10);
			break;
		case 's':
			src = optarg;
			break;
		default:
			return usage();
		}
	}
	if (!sources || sources > 65536 || (sources & (sources - 1))) {
		fprintf(stderr, "xdp_live: invalid number of sources; expected a power of two up to 65536\n");
		return 2;
	}
	if (argc - optind != 3)
		return usage();
	ctx.ingress_ifindex = if_nametoindex(argv[optind]);
	if (!ctx.ingress_ifindex) {
		fprintf(stderr, "xdp_live: no interface '%s'\n", argv[optind]);
		return 1;
	}
	if (hold) {
		hold_ifindex = if_nametoindex(hold);
		if (!hold_ifindex) {
			fprintf(stderr, "xdp_live: no interface '%s'\n", hold);
			return 1;
		}
	}
	if (parse_mac(argv[optind + 1], mac)) {
		fprintf(stderr, "xdp_live: invalid MAC address '%s'\n",
			argv[optind + 1]);
		return 2;
	}
	count = atol(argv[optind + 2]);
	if (count <= 0 || count > 0xffffffffL) {
		fprintf(stderr, "xdp_live: invalid count '%s'\n", argv[optind + 2]);
		return 2;
	}
	build_syn(&b, mac, src ? src : "198.18.0.0");
	ctx.data_end = b.len;

	/* one source: the plain verdict program sends the template as it is */
	fd = src ? rawprog_verdict(verdict) :
		   rawprog_generator(verdict, (__u16)(sources - 1));
	if (fd < 0) {
		fprintf(stderr, "xdp_live: failed to load the generator: %s\n",
			strerror(-fd));
		return 1;
	}
	if (hold_ifindex) {
		err = bpf_xdp_attach(hold_ifindex, fd, XDP_FLAGS_DRV_MODE, NULL);
		if (err) {
			fprintf(stderr, "xdp_live: failed to attach the generator to '%s': %s\n",
				hold, strerror(-err));
			goto out_close;
		}
	}
	{
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = b.buf,
			    .data_size_in = b.len, .ctx_in = &ctx,
			    .ctx_size_in = sizeof(ctx), .repeat = count,
			    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);

		t0 = now_ns();
		err = bpf_prog_test_run_opts(fd, &opts);
		t1 = now_ns();
		if (err) {
			err = -errno;
			fprintf(stderr, "xdp_live: failed to run the generator: %s\n",
				strerror(-err));
		} else {
			printf("sent %ld ns %llu kernel_ns %llu\n", count,
			       (unsigned long long)(t1 - t0),
			       (unsigned long long)opts.duration * count);
		}
	}
	if (hold_ifindex)
		bpf_xdp_detach(hold_ifindex, XDP_FLAGS_DRV_MODE, NULL);
out_close:
	close(fd);
	return err ? 1 : 0;
}

static int do_drop(const char *ifname)
{
	int ifindex = if_nametoindex(ifname), fd, err;

	if (!ifindex) {
		fprintf(stderr, "xdp_live: no interface '%s'\n", ifname);
		return 1;
	}
	fd = rawprog_verdict(XDP_DROP);
	if (fd < 0) {
		fprintf(stderr, "xdp_live: failed to load drop-all: %s\n",
			strerror(-fd));
		return 1;
	}
	err = bpf_xdp_attach(ifindex, fd, XDP_FLAGS_DRV_MODE, NULL);
	close(fd);
	if (err) {
		fprintf(stderr, "xdp_live: failed to attach drop-all to '%s': %s\n",
			ifname, strerror(-err));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "send"))
		return do_send(argc - 1, argv + 1);
	if (argc == 3 && !strcmp(argv[1], "drop"))
		return do_drop(argv[2]);
	return usage();
}
