// SPDX-License-Identifier: GPL-2.0-only
/*
 * veth_native.c - attach the guard in native (driver) mode to one end of a
 * veth pair, send real frames from the other end, and check which frames
 * the guard dropped, which it passed, and what its counters read.
 *
 * Runs inside the kernel matrix's guest (selftests/kernels/init), where it
 * owns the whole network stack; the pair is created before it starts.
 * Usage: veth_native [-v] IFACE PEER. Prints one "PASS veth/NAME" or
 * "FAIL veth/NAME: why" line per check and exits 1 when any failed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <bpf/libbpf.h>
#include "addr.h"
#include "guard.h"
#include "loader.h"
#include "log.h"
#include "util.h"

/* Frames per class; at most the default syn_burst, so no bucket empties. */
#define FRAMES_PER_CLASS 10
/* TCP source port of frame i of class c: SPORT_BASE + c * 100 + i. */
#define SPORT_BASE 40000
/* How long to wait for frames that should have passed, in milliseconds. */
#define RECV_TIMEOUT_MS 3000
/* How long to keep listening for late frames once all expected arrived. */
#define RECV_SETTLE_MS 200
/* Receive buffer of the AF_PACKET sockets, in bytes. */
#define RECV_BUF_BYTES (4 << 20)

#define TCP_SYN 0x02
#define TCP_ACK 0x10

/* One kind of frame sent through the guard, and what the guard must do. */
struct frame_class {
	const char *name;
	const char *src;
	const char *dst;
	uint16_t dport;
	uint8_t flags;
	int dropped;		/* 1: the guard must drop every frame */
};

/*
 * Blocked: 192.0.2.66 (a host entry, hash map), 203.0.113.0/24 (a range,
 * LPM trie) and 2001:db8:66::/64 (the IPv6 aggregation prefix, hash map).
 */
static const struct frame_class classes[] = {
	{ "syn4_blocked_host", "192.0.2.66", "192.0.2.1", 25, TCP_SYN, 1 },
	{ "syn4_blocked_range", "203.0.113.9", "192.0.2.1", 465, TCP_SYN, 1 },
	{ "syn6_blocked", "2001:db8:66::5", "2001:db8::1", 587, TCP_SYN, 1 },
	{ "syn4_clean", "198.51.100.7", "192.0.2.1", 25, TCP_SYN, 0 },
	{ "syn6_clean", "2001:db8:77::5", "2001:db8::1", 25, TCP_SYN, 0 },
	{ "syn4_blocked_other_port", "192.0.2.66", "192.0.2.1", 2525, TCP_SYN, 0 },
	{ "ack4_blocked", "192.0.2.66", "192.0.2.1", 25, TCP_ACK, 0 },
	{ "synack6_blocked", "2001:db8:66::5", "2001:db8::1", 25,
	  TCP_SYN | TCP_ACK, 0 },
};
#define NCLASSES ARRAY_SIZE(classes)

static const char *const blocked[] = {
	"192.0.2.66", "203.0.113.0/24", "2001:db8:66::/64",
};

static int failures;

static void pass(const char *name)
{
	printf("PASS veth/%s\n", name);
}

static void fail(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("FAIL veth/%s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failures++;
}

static void check_u64(const char *name, uint64_t got, uint64_t want)
{
	if (got == want)
		pass(name);
	else
		fail(name, "got %llu, expected %llu", (unsigned long long)got,
		     (unsigned long long)want);
}

/* csum_add - add len bytes to a ones' complement sum in network order. */
static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/*
 * build_frame - write an Ethernet frame carrying a 20-byte TCP header with
 * valid IP and TCP checksums. Returns its length, or -EINVAL for a bad
 * address.
 */
static int build_frame(uint8_t *buf, const uint8_t dmac[ETH_ALEN],
		       const uint8_t smac[ETH_ALEN],
		       const struct frame_class *c, uint16_t sport)
{
	uint8_t tcp[20] = {}, pseudo[40] = {};
	struct mxg_prefix src, dst;
	char err[128];
	size_t l3, pseudo_len;
	uint32_t sum;
	uint8_t *ip;

	if (addr_parse(c->src, &src, err, sizeof(err)) ||
	    addr_parse(c->dst, &dst, err, sizeof(err)) ||
	    src.family != dst.family)
		return -EINVAL;

	memcpy(buf, dmac, ETH_ALEN);
	memcpy(buf + ETH_ALEN, smac, ETH_ALEN);
	ip = buf + ETH_HLEN;

	/* TCP: no options, checksum filled in below */
	tcp[0] = sport >> 8;
	tcp[1] = sport & 0xff;
	tcp[2] = c->dport >> 8;
	tcp[3] = c->dport & 0xff;
	tcp[7] = 1;			/* sequence number */
	if (c->flags & TCP_ACK)
		tcp[11] = 1;		/* acknowledgment number */
	tcp[12] = 5 << 4;		/* data offset: 5 words */
	tcp[13] = c->flags;
	tcp[14] = 0xfa;			/* window 64240 */
	tcp[15] = 0xf0;

	if (src.family == AF_INET) {
		buf[12] = ETH_P_IP >> 8;
		buf[13] = ETH_P_IP & 0xff;
		l3 = 20;
		memset(ip, 0, l3);
		ip[0] = 0x45;
		ip[3] = l3 + sizeof(tcp);
		ip[6] = 0x40;		/* don't fragment */
		ip[8] = 64;
		ip[9] = IPPROTO_TCP;
		memcpy(ip + 12, src.addr, 4);
		memcpy(ip + 16, dst.addr, 4);
		memcpy(ip + 10, &(uint16_t){ csum_fold(csum_add(0, ip, l3)) }, 2);
		memcpy(pseudo, src.addr, 4);
		memcpy(pseudo + 4, dst.addr, 4);
		pseudo[9] = IPPROTO_TCP;
		pseudo[11] = sizeof(tcp);
		pseudo_len = 12;
	} else {
		buf[12] = ETH_P_IPV6 >> 8;
		buf[13] = ETH_P_IPV6 & 0xff;
		l3 = 40;
		memset(ip, 0, l3);
		ip[0] = 0x60;
		ip[5] = sizeof(tcp);	/* payload length */
		ip[6] = IPPROTO_TCP;
		ip[7] = 64;
		memcpy(ip + 8, src.addr, 16);
		memcpy(ip + 24, dst.addr, 16);
		memcpy(pseudo, src.addr, 16);
		memcpy(pseudo + 16, dst.addr, 16);
		pseudo[35] = sizeof(tcp);
		pseudo[39] = IPPROTO_TCP;
		pseudo_len = 40;
	}
	sum = csum_add(0, pseudo, pseudo_len);
	sum = csum_add(sum, tcp, sizeof(tcp));
	memcpy(tcp + 16, &(uint16_t){ csum_fold(sum) }, 2);
	memcpy(ip + l3, tcp, sizeof(tcp));
	return ETH_HLEN + l3 + sizeof(tcp);
}

/* frame_sport - the TCP source port of a received IPv4 or IPv6 frame, or -1. */
static int frame_sport(const uint8_t *f, size_t len)
{
	size_t l4;

	if (len < ETH_HLEN + 20)
		return -1;
	if (f[12] == (ETH_P_IP >> 8) && f[13] == (ETH_P_IP & 0xff)) {
		if (f[ETH_HLEN + 9] != IPPROTO_TCP)
			return -1;
		l4 = ETH_HLEN + (f[ETH_HLEN] & 0x0f) * 4;
	} else if (f[12] == (ETH_P_IPV6 >> 8) && f[13] == (ETH_P_IPV6 & 0xff)) {
		if (len < ETH_HLEN + 40 || f[ETH_HLEN + 6] != IPPROTO_TCP)
			return -1;
		l4 = ETH_HLEN + 40;
	} else {
		return -1;
	}
	if (len < l4 + 2)
		return -1;
	return f[l4] << 8 | f[l4 + 1];
}

/*
 * packet_socket - a raw AF_PACKET socket bound to ifindex; fd or -errno.
 * Every frame is sent before the first is read, and a frame that passed
 * XDP on a veth can take a whole page, so the default receive buffer
 * (about 200 KiB) would drop some: it is raised to RECV_BUF_BYTES.
 */
static int packet_socket(int ifindex)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = ifindex,
	};
	int fd, err, size = RECV_BUF_BYTES;

	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static int get_mac(int fd, const char *ifname, uint8_t mac[ETH_ALEN])
{
	struct ifreq ifr = {};

	copy_str(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		return -errno;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	return 0;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/*
 * send_frames - send FRAMES_PER_CLASS frames of every class from the peer.
 * Returns 0 or -errno.
 */
static int send_frames(int tx_fd, int peer_ifindex, const uint8_t dmac[ETH_ALEN],
		       const uint8_t smac[ETH_ALEN])
{
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_ifindex = peer_ifindex,
		.sll_halen = ETH_ALEN,
	};
	uint8_t frame[128];
	size_t c;
	int i, len;

	memcpy(to.sll_addr, dmac, ETH_ALEN);
	for (c = 0; c < NCLASSES; c++) {
		for (i = 0; i < FRAMES_PER_CLASS; i++) {
			len = build_frame(frame, dmac, smac, &classes[c],
					  SPORT_BASE + c * 100 + i);
			if (len < 0)
				return len;
			if (sendto(tx_fd, frame, len, 0, (struct sockaddr *)&to,
				   sizeof(to)) != len)
				return -errno;
		}
	}
	return 0;
}

/*
 * recv_frames - count the test frames that reach IFACE's stack, by class,
 * until every frame that should pass has arrived (then RECV_SETTLE_MS more
 * for late ones) or RECV_TIMEOUT_MS passed.
 */
static void recv_frames(int rx_fd, int expected, int seen[NCLASSES])
{
	long long deadline = now_ms() + RECV_TIMEOUT_MS;
	struct sockaddr_ll from;
	socklen_t fromlen;
	uint8_t buf[2048];
	int total = 0, sport, settled = 0;
	struct pollfd pfd = { .fd = rx_fd, .events = POLLIN };
	ssize_t n;

	for (;;) {
		long long left = deadline - now_ms();

		if (left <= 0)
			break;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		fromlen = sizeof(from);
		n = recvfrom(rx_fd, buf, sizeof(buf), 0,
			     (struct sockaddr *)&from, &fromlen);
		if (n < 0 || from.sll_pkttype == PACKET_OUTGOING)
			continue;
		sport = frame_sport(buf, n) - SPORT_BASE;
		if (sport < 0 || sport >= (int)NCLASSES * 100 ||
		    sport % 100 >= FRAMES_PER_CLASS)
			continue;
		seen[sport / 100]++;
		if (!classes[sport / 100].dropped)
			total++;
		if (total >= expected && !settled) {
			deadline = now_ms() + RECV_SETTLE_MS;
			settled = 1;
		}
	}
}

/* block_sources - put the blocked[] prefixes on the blocklist. */
static int block_sources(struct guard *g)
{
	struct mxg_entry e = {
		.reason = MXG_REASON_MANUAL,
		.origin = MXG_ORIGIN_OPERATOR,
		.added_ns = now_boot_ns(),
	};
	struct mxg_prefix p;
	char err[128];
	size_t i;
	int ret;

	ret = guard_lock(g);
	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(blocked) && !ret; i++) {
		ret = prefix_parse(blocked[i], &p, err, sizeof(err));
		if (!ret)
			ret = guard_entry_put(g, GUARD_BLOCK, &p, &e, NULL);
	}
	guard_unlock(g);
	return ret;
}

/* check_attached - the guard is on ifindex in driver mode, through a link. */
static void check_attached(const char *ifname, int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct loader_status st;
	int err;

	err = loader_status(ifname, &st);
	if (err || !st.attached)
		fail("status", "loader_status() reports no guard: %s",
		     err ? strerror(-err) : "not attached");
	else if (st.generic)
		fail("status", "loader_status() reports generic mode");
	else
		pass("status");

	err = bpf_xdp_query(ifindex, 0, &q);
	if (err)
		fail("attach_mode", "bpf_xdp_query() failed: %s", strerror(-err));
	else if (q.attach_mode != XDP_ATTACHED_DRV)
		fail("attach_mode", "got attach mode %u, expected %u (XDP_ATTACHED_DRV)",
		     q.attach_mode, XDP_ATTACHED_DRV);
	else if (q.drv_prog_id != st.prog_id)
		fail("attach_mode", "driver program id %u, expected the guard's %u",
		     q.drv_prog_id, st.prog_id);
	else
		pass("attach_mode");
}

/*
 * check_socket_drops - frames the receive socket itself dropped would read
 * as frames the guard dropped; make that visible as its own failure.
 */
static void check_socket_drops(int rx_fd)
{
	struct tpacket_stats st = {};
	socklen_t len = sizeof(st);

	if (getsockopt(rx_fd, SOL_PACKET, PACKET_STATISTICS, &st, &len))
		fail("socket_drops", "failed to read the socket statistics: %s",
		     strerror(errno));
	else
		check_u64("socket_drops", st.tp_drops, 0);
}

/* check_frames - which classes reached the stack, and the guard's counters. */
static void check_frames(struct guard *g, const int seen[NCLASSES])
{
	uint64_t stats[MXG_CNT_MAX], drops = 0, clean = 0, other = 0;
	char name[64];
	size_t c;

	for (c = 0; c < NCLASSES; c++) {
		snprintf(name, sizeof(name), "%s_%s", classes[c].name,
			 classes[c].dropped ? "dropped" : "passed");
		check_u64(name, seen[c],
			  classes[c].dropped ? 0 : FRAMES_PER_CLASS);
		if (classes[c].dropped)
			drops += FRAMES_PER_CLASS;
		else if (classes[c].flags == TCP_SYN && classes[c].dport == 25)
			clean += FRAMES_PER_CLASS;
		else
			other += FRAMES_PER_CLASS;
	}

	if (guard_stats_read(g, stats)) {
		fail("counters", "failed to read the counters: %s", strerror(errno));
		return;
	}
	check_u64("counter_drop_manual",
		  stats[MXG_CNT_DROP_BLOCK + MXG_REASON_MANUAL], drops);
	check_u64("counter_pass_clean", stats[MXG_CNT_PASS_CLEAN], clean);
	/* the stack's own frames (IPv6 router solicitations) count here too */
	if (stats[MXG_CNT_PASS_OTHER] >= other)
		pass("counter_pass_other");
	else
		fail("counter_pass_other", "got %llu, expected at least %llu",
		     (unsigned long long)stats[MXG_CNT_PASS_OTHER],
		     (unsigned long long)other);
}

/* check_hits - the hit count of each blocklist entry. */
static void check_hits(struct guard *g)
{
	static const struct {
		const char *prefix;
		uint64_t hits;
	} want[] = {
		{ "192.0.2.66", FRAMES_PER_CLASS },
		{ "203.0.113.0/24", FRAMES_PER_CLASS },
		{ "2001:db8:66::/64", FRAMES_PER_CLASS },
	};
	struct mxg_prefix p;
	struct mxg_entry e;
	char name[64], err[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		snprintf(name, sizeof(name), "hits_%s", want[i].prefix);
		if (prefix_parse(want[i].prefix, &p, err, sizeof(err)) ||
		    guard_entry_get(g, GUARD_BLOCK, &p, &e)) {
			fail(name, "no blocklist entry for %s", want[i].prefix);
			continue;
		}
		check_u64(name, e.hits, want[i].hits);
	}
}

/* check_detached - detaching removes the program and every pin. */
static void check_detached(const char *ifname, int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	char dir[GUARD_DIR_MAX];
	int err;

	err = loader_detach(ifname);
	if (err) {
		fail("detach", "loader_detach() failed: %s", strerror(-err));
		return;
	}
	guard_pin_dir(ifname, dir, sizeof(dir));
	if (bpf_xdp_query(ifindex, 0, &q) || q.attach_mode != XDP_ATTACHED_NONE)
		fail("detach", "an XDP program is still attached (mode %u)",
		     q.attach_mode);
	else if (access(dir, F_OK) == 0)
		fail("detach", "the pin directory '%s' is still there", dir);
	else
		pass("detach");
}

int main(int argc, char **argv)
{
	struct loader_opts o = { .mode = LOADER_MODE_NATIVE };
	uint8_t if_mac[ETH_ALEN], peer_mac[ETH_ALEN];
	int seen[NCLASSES] = {}, expected = 0;
	int ifindex, peer_ifindex, rx_fd = -1, tx_fd = -1, generic = 0, err;
	const char *peer;
	struct guard g;
	size_t c;

	log_set_prefix("veth_native");
	log_set_level(LOG_LEVEL_WARN);
	if (argc > 1 && !strcmp(argv[1], "-v")) {
		log_set_level(LOG_LEVEL_DEBUG);
		argc--;
		argv++;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: veth_native [-v] IFACE PEER\n");
		return 2;
	}
	log_libbpf_init();
	setvbuf(stdout, NULL, _IOLBF, 0);
	o.ifname = argv[1];
	peer = argv[2];
	ifindex = if_nametoindex(o.ifname);
	peer_ifindex = if_nametoindex(peer);
	if (!ifindex || !peer_ifindex) {
		fail("setup", "no interface '%s'", ifindex ? peer : o.ifname);
		return 1;
	}

	/* attach, exactly as 'mxguard prog attach IFACE native' does */
	err = loader_attach(&o, &generic);
	if (err) {
		fail("attach", "failed to attach in native mode: %s", strerror(-err));
		return 1;
	}
	if (generic)
		fail("attach", "attached in generic mode, expected native");
	else
		pass("attach");
	check_attached(o.ifname, ifindex);

	err = guard_open(&g, o.ifname);
	if (err) {
		fail("open", "failed to open the pinned maps: %s", strerror(-err));
		goto out_detach;
	}
	err = block_sources(&g);
	if (err) {
		fail("block", "failed to add the blocklist entries: %s",
		     strerror(-err));
		goto out_close_guard;
	}

	/* the receiver exists before the first frame is sent */
	rx_fd = packet_socket(ifindex);
	tx_fd = packet_socket(peer_ifindex);
	if (rx_fd < 0 || tx_fd < 0) {
		fail("sockets", "failed to open AF_PACKET sockets: %s",
		     strerror(-(rx_fd < 0 ? rx_fd : tx_fd)));
		goto out_close_sockets;
	}
	if (get_mac(rx_fd, o.ifname, if_mac) || get_mac(tx_fd, peer, peer_mac)) {
		fail("sockets", "failed to read the MAC addresses: %s",
		     strerror(errno));
		goto out_close_sockets;
	}
	err = send_frames(tx_fd, peer_ifindex, if_mac, peer_mac);
	if (err) {
		fail("send", "failed to send the frames: %s", strerror(-err));
		goto out_close_sockets;
	}
	for (c = 0; c < NCLASSES; c++)
		if (!classes[c].dropped)
			expected += FRAMES_PER_CLASS;
	recv_frames(rx_fd, expected, seen);
	check_socket_drops(rx_fd);

	check_frames(&g, seen);
	check_hits(&g);

out_close_sockets:
	if (tx_fd >= 0)
		close(tx_fd);
	if (rx_fd >= 0)
		close(rx_fd);
out_close_guard:
	guard_close(&g);
out_detach:
	check_detached(o.ifname, ifindex);
	return failures ? 1 : 0;
}
