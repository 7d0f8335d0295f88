// SPDX-License-Identifier: GPL-2.0-only
/*
 * latency_probe.c - time from evidence to a ban in the guard's map, with
 * the real mxguardd doing the work.
 *
 *   latency_probe log -m BLOCK4_PIN -f LOG -b BASE -r RATE -n COUNT
 *	append COUNT failure lines to LOG at RATE lines per second, from
 *	the addresses BASE, BASE + 1, ..., alternately in Postfix (SASL) and
 *	Dovecot form; with max_retry = 1 each line bans its address
 *   latency_probe syn -m BLOCK4_PIN -i IFACE -M DST_MAC -b BASE -r RATE -n COUNT
 *	send one SYN from each of COUNT new sources at RATE per second out
 *	of IFACE (live-frames mode): every third one is BASE + i, inside the
 *	DNSBL zone's 198.18.0.0/17, the others BASE + i + 32768, outside it
 *
 * For each address that should be banned, the time from the append (or
 * the send) to its entry in the pinned mxguard_block4 map is taken by
 * polling the map every POLL_US microseconds. Prints one JSON object with
 * p50, p99 and max in milliseconds, the addresses never banned within
 * TIMEOUT_MS, and (syn) the unlisted addresses that were banned anyway.
 * The caller fails on either of the last two.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "pkt_build.h"
#include "rawprog.h"

#define POLL_US 20
#define TIMEOUT_MS 3000

struct sample {
	uint32_t addr;		/* network order */
	uint64_t t0, t1;	/* t1 = 0: not banned yet */
	int expect;		/* 1: must be banned, 0: must not */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* poll_pending - note the bans that appeared; returns how many still wait. */
static unsigned poll_pending(int map_fd, struct sample *s, unsigned from,
			     unsigned to)
{
	unsigned i, waiting = 0;
	uint8_t val[64];

	for (i = from; i < to; i++) {
		if (!s[i].expect || s[i].t1)
			continue;
		if (bpf_map_lookup_elem(map_fd, &s[i].addr, val) == 0)
			s[i].t1 = now_ns();
		else
			waiting++;
	}
	return waiting;
}

static int write_line(int fd, unsigned i, uint32_t addr)
{
	char a[INET_ADDRSTRLEN], line[512];
	int n;

	inet_ntop(AF_INET, &addr, a, sizeof(a));
	if (i % 2)
		n = snprintf(line, sizeof(line),
			     "Dec  1 10:00:00 mx dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<user%u>, method=PLAIN, rip=%s, lip=192.0.2.1, TLS, session=<x%u>\n",
			     i, a, i);
	else
		n = snprintf(line, sizeof(line),
			     "Dec  1 10:00:00 mx postfix/submission/smtpd[%u]: warning: unknown[%s]: SASL LOGIN authentication failed: UGFzc3dvcmQ6\n",
			     1000 + i, a);
	return write(fd, line, n) == n ? 0 : -errno;
}

struct syn_sender {
	int prog_fd;
	struct xdp_md ctx;
	struct pb frame;
	uint8_t mac[6];
};

static int send_syn(struct syn_sender *ss, uint32_t addr)
{
	char a[INET_ADDRSTRLEN];
	size_t l3, l4;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .repeat = 1,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);

	inet_ntop(AF_INET, &addr, a, sizeof(a));
	memset(&ss->frame, 0, sizeof(ss->frame));
	pb_eth(&ss->frame, ETH_P_IP);
	memcpy(ss->frame.buf, ss->mac, 6);
	l3 = pb_ipv4(&ss->frame, a, "198.51.100.1", IPPROTO_TCP, 0, NULL, 0);
	l4 = pb_tcp(&ss->frame, 40000, 25, PB_SYN, 1);
	pb_ipv4_finish(&ss->frame, l3);
	pb_l4_csum(&ss->frame, l3, l4, ss->frame.len, IPPROTO_TCP);
	ss->ctx.data_end = ss->frame.len;
	opts.data_in = ss->frame.buf;
	opts.data_size_in = ss->frame.len;
	opts.ctx_in = &ss->ctx;
	opts.ctx_size_in = sizeof(ss->ctx);
	return bpf_prog_test_run_opts(ss->prog_fd, &opts) ? -errno : 0;
}

int main(int argc, char **argv)
{
	const char *map_path = NULL, *log_path = NULL, *ifname = NULL, *mac = NULL;
	struct in_addr base = {};
	unsigned rate = 1000, count = 1000, i, first_waiting = 0, missing = 0;
	unsigned wrongly = 0, nexpect = 0;
	struct syn_sender ss = {};
	struct sample *s;
	uint64_t start, *lat;
	int syn, opt, map_fd, log_fd = -1, err;

	if (argc < 2)
		goto usage;
	syn = !strcmp(argv[1], "syn");
	if (!syn && strcmp(argv[1], "log"))
		goto usage;
	optind = 2;
	while ((opt = getopt(argc, argv, "m:f:i:M:b:r:n:")) >= 0) {
		switch (opt) {
		case 'b':
			if (inet_pton(AF_INET, optarg, &base) != 1)
				goto usage;
			break;
		case 'm':
			map_path = optarg;
			break;
		case 'f':
			log_path = optarg;
			break;
		case 'i':
			ifname = optarg;
			break;
		case 'M':
			mac = optarg;
			break;
		case 'r':
			rate = strtoul(optarg, NULL, 10);
			break;
		case 'n':
			count = strtoul(optarg, NULL, 10);
			break;
		default:
			goto usage;
		}
	}
	if (!map_path || !base.s_addr || !rate || !count || count > 30000 ||
	    (syn ? !ifname || !mac : !log_path))
		goto usage;
	map_fd = bpf_obj_get(map_path);
	if (map_fd < 0) {
		fprintf(stderr, "latency_probe: failed to open '%s': %s\n", map_path,
			strerror(errno));
		return 1;
	}
	if (syn) {
		unsigned v[6];

		ss.ctx.ingress_ifindex = if_nametoindex(ifname);
		if (!ss.ctx.ingress_ifindex ||
		    sscanf(mac, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3],
			   &v[4], &v[5]) != 6)
			goto usage;
		for (i = 0; i < 6; i++)
			ss.mac[i] = (uint8_t)v[i];
		ss.prog_fd = rawprog_verdict(XDP_TX);
		if (ss.prog_fd < 0) {
			fprintf(stderr, "latency_probe: failed to load the sender: %s\n",
				strerror(-ss.prog_fd));
			return 1;
		}
	} else {
		log_fd = open(log_path, O_WRONLY | O_APPEND);
		if (log_fd < 0) {
			fprintf(stderr, "latency_probe: failed to open '%s': %s\n",
				log_path, strerror(errno));
			return 1;
		}
	}

	s = calloc(count, sizeof(*s));
	lat = calloc(count, sizeof(*lat));
	if (!s || !lat)
		return 1;
	for (i = 0; i < count; i++) {
		uint32_t a = ntohl(base.s_addr) + i;

		s[i].expect = 1;
		if (syn && i % 3) {
			a += 0x8000;	/* 198.18.128.0/17: not listed */
			s[i].expect = 0;
		}
		s[i].addr = htonl(a);
		nexpect += s[i].expect;
	}

	/* open loop: each event at its time, polling the map in between */
	start = now_ns() + 10000000ULL;
	for (i = 0; i < count; i++) {
		uint64_t due = start + (uint64_t)i * 1000000000ULL / rate;

		while (now_ns() < due) {
			poll_pending(map_fd, s, first_waiting, i);
			usleep(POLL_US);
		}
		s[i].t0 = now_ns();
		err = syn ? send_syn(&ss, s[i].addr) : write_line(log_fd, i, s[i].addr);
		if (err) {
			fprintf(stderr, "latency_probe: failed to send event %u: %s\n", i,
				strerror(-err));
			return 1;
		}
		while (first_waiting < i && (!s[first_waiting].expect ||
					     s[first_waiting].t1))
			first_waiting++;
	}
	while (poll_pending(map_fd, s, first_waiting, count) &&
	       now_ns() < s[count - 1].t0 + TIMEOUT_MS * 1000000ULL)
		usleep(POLL_US);

	/* a little longer, so a wrong ban of an unlisted source shows up */
	if (syn)
		usleep(200000);
	for (i = 0, nexpect = 0; i < count; i++) {
		uint8_t val[64];

		if (!s[i].expect) {
			wrongly += bpf_map_lookup_elem(map_fd, &s[i].addr, val) == 0;
			continue;
		}
		if (!s[i].t1) {
			missing++;
			continue;
		}
		lat[nexpect++] = s[i].t1 - s[i].t0;
	}
	qsort(lat, nexpect, sizeof(*lat), cmp_u64);
	printf("{\"mode\": \"%s\", \"events\": %u, \"rate\": %u, \"measured\": %u, "
	       "\"missing\": %u, \"banned_unlisted\": %u, \"p50_ms\": %.3f, "
	       "\"p99_ms\": %.3f, \"max_ms\": %.3f, \"poll_us\": %d}\n",
	       syn ? "syn" : "log", count, rate, nexpect, missing, wrongly,
	       nexpect ? lat[nexpect / 2] / 1e6 : -1.0,
	       nexpect ? lat[(nexpect * 99) / 100] / 1e6 : -1.0,
	       nexpect ? lat[nexpect - 1] / 1e6 : -1.0, POLL_US);
	return 0;
usage:
	fprintf(stderr, "usage: latency_probe log -m BLOCK4_PIN -f LOG -b BASE -r RATE -n COUNT\n"
			"       latency_probe syn -m BLOCK4_PIN -i IFACE -M DST_MAC -b BASE -r RATE -n COUNT\n");
	return 2;
}
