// SPDX-License-Identifier: GPL-2.0-only
/*
 * conn.c - tests of conn_limit, the cap on each source's open connections.
 *
 * xdp_admit runs the XDP guard through BPF_PROG_TEST_RUN against counts
 * and handshakes in flight written into its private maps: XDP drops at the
 * limit plus one and fails open while no counts exist. sockets attaches
 * the whole guard (XDP in generic mode, the counting tracepoint, the
 * socket lookup, the iterator) to the loopback interface of a private
 * network namespace, with a private bpffs, and opens real TCP connections
 * there. It needs no veth, so the kernel matrix runs it as well.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include "test_progs.h"
#include "addr.h"
#include "conn.h"
#include "guard.h"
#include "loader.h"
#include "util.h"
#include "mxguard.skel.h"

#define SRC4 "198.51.100.7"
#define SRC6 "2001:db8:1:2::99"
#define SRC6_NET "2001:db8:1:2::"	/* SRC6 at /64 */
#define DST4 "192.0.2.1"
#define DST6 "2001:db8::1"

/* frame_syn - an Ethernet frame with a TCP SYN from src to dst:dport. */
static size_t frame_syn(uint8_t *buf, const char *src, const char *dst,
			uint16_t dport)
{
	uint8_t *ip = buf + ETH_HLEN, *tcp;
	size_t iplen;

	memset(buf, 0, 128);
	buf[12] = strchr(src, ':') ? 0x86 : 0x08;
	buf[13] = strchr(src, ':') ? 0xdd : 0x00;
	if (strchr(src, ':')) {
		ip[0] = 0x60;
		ip[5] = 20;		/* payload length */
		ip[6] = IPPROTO_TCP;
		ip[7] = 64;
		inet_pton(AF_INET6, src, ip + 8);
		inet_pton(AF_INET6, dst, ip + 24);
		iplen = 40;
	} else {
		ip[0] = 0x45;
		ip[3] = 40;		/* total length */
		ip[8] = 64;
		ip[9] = IPPROTO_TCP;
		inet_pton(AF_INET, src, ip + 12);
		inet_pton(AF_INET, dst, ip + 16);
		iplen = 20;
	}
	tcp = ip + iplen;
	tcp[0] = 0x9c;		/* source port 40000 */
	tcp[1] = 0x40;
	tcp[2] = dport >> 8;
	tcp[3] = dport & 0xff;
	tcp[12] = 5 << 4;
	tcp[13] = 0x02;		/* SYN */
	tcp[14] = 0xfa;		/* window */
	return ETH_HLEN + iplen + 20;
}

/* The guard loaded with private maps, and the key of the source in use. */
struct xdp_fixture {
	struct mxguard *skel;
	struct mxg_limits lim;
	struct mxg_addr6 key;
	uint8_t frame[128];
	size_t len;
};

static int xfd(struct xdp_fixture *fx, struct bpf_map *map)
{
	return bpf_map__fd(map);
}

static uint64_t stat_sum(struct xdp_fixture *fx, uint32_t idx)
{
	int ncpus = libbpf_num_possible_cpus(), c;
	uint64_t vals[ncpus > 0 ? ncpus : 1], sum = 0;

	if (bpf_map_lookup_elem(xfd(fx, fx->skel->maps.mxguard_stats), &idx, vals))
		return 0;
	for (c = 0; c < ncpus; c++)
		sum += vals[c];
	return sum;
}

static void set_source(struct xdp_fixture *fx, const char *src, const char *key)
{
	struct mxg_prefix p;
	char err[128];

	fx->len = frame_syn(fx->frame, src, strchr(src, ':') ? DST6 : DST4, 25);
	addr_parse(key, &p, err, sizeof(err));
	addr_to_mapped16(&p, fx->key.addr);
}

static void set_gen(struct xdp_fixture *fx, uint32_t read_gen)
{
	struct mxg_conngen g = { .read_gen = read_gen, .write_gen = read_gen };
	uint32_t key0 = 0;

	bpf_map_update_elem(xfd(fx, fx->skel->maps.mxguard_conngen), &key0, &g,
			    BPF_ANY);
}

static void set_count(struct xdp_fixture *fx, uint32_t gen, int64_t n)
{
	struct mxg_conn_key k = { .gen = gen };

	memcpy(k.addr, fx->key.addr, 16);
	bpf_map_update_elem(xfd(fx, fx->skel->maps.mxguard_conn), &k, &n, BPF_ANY);
}

static void set_pending(struct xdp_fixture *fx, uint64_t age_ns, int32_t n)
{
	struct mxg_pending p = { .start_ns = now_boot_ns() - age_ns, .n = n };

	bpf_map_update_elem(xfd(fx, fx->skel->maps.mxguard_pending), fx->key.addr,
			    &p, BPF_ANY);
}

static int32_t get_pending(struct xdp_fixture *fx)
{
	struct mxg_pending p;

	if (bpf_map_lookup_elem(xfd(fx, fx->skel->maps.mxguard_pending),
				fx->key.addr, &p))
		return -1000;
	return p.n;
}

static void set_limits(struct xdp_fixture *fx)
{
	uint32_t key0 = 0;

	bpf_map_update_elem(xfd(fx, fx->skel->maps.mxguard_limits), &key0,
			    &fx->lim, BPF_ANY);
}

/* reset - empty the counts and handshakes in flight; limits to defaults. */
static void reset(struct xdp_fixture *fx)
{
	struct bpf_map *maps[] = { fx->skel->maps.mxguard_conn,
				   fx->skel->maps.mxguard_pending };
	uint8_t key[32];
	size_t m;

	for (m = 0; m < ARRAY_SIZE(maps); m++)
		while (!bpf_map_get_next_key(xfd(fx, maps[m]), NULL, key))
			bpf_map_delete_elem(xfd(fx, maps[m]), key);
	loader_default_limits(&fx->lim);
	fx->lim.syn_rate = 0;
	fx->lim.conn_limit = 3;
	set_limits(fx);
	set_gen(fx, 1);
	set_source(fx, SRC4, SRC4);
}

static int run(struct xdp_fixture *fx)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .repeat = 1, .data_in = fx->frame,
		    .data_size_in = fx->len);

	if (bpf_prog_test_run_opts(bpf_program__fd(fx->skel->progs.xdp_guard),
				   &opts))
		return -errno;
	return (int)opts.retval;
}

static void run_xdp_admit(void)
{
	struct xdp_fixture fx = {};
	uint64_t drops, would;

	fx.skel = loader_load_unpinned(NULL, 0);
	if (!ASSERT_OK_PTR(fx.skel, "load the guard"))
		return;

	/* at the limit XDP still passes one: the socket lookup decides it */
	reset(&fx);
	set_count(&fx, 1, 3);
	ASSERT_EQ(run(&fx), XDP_PASS, "at limit: pass");
	ASSERT_EQ(get_pending(&fx), 1, "at limit: one in flight");
	drops = stat_sum(&fx, MXG_CNT_DROP_CONN_LIMIT);
	ASSERT_EQ(run(&fx), XDP_DROP, "limit plus one in flight: drop");
	ASSERT_EQ(stat_sum(&fx, MXG_CNT_DROP_CONN_LIMIT) - drops, 1,
		  "drop counted");
	ASSERT_EQ(get_pending(&fx), 1, "a dropped SYN is not in flight");

	/* handshakes in flight count only within their window */
	reset(&fx);
	set_count(&fx, 1, 2);
	set_pending(&fx, 0, 2);
	ASSERT_EQ(run(&fx), XDP_DROP, "two open, two in flight: drop");
	set_pending(&fx, MXG_PENDING_WINDOW_NS + 1000000, 5);
	ASSERT_EQ(run(&fx), XDP_PASS, "window over: pass");
	ASSERT_EQ(get_pending(&fx), 1, "window over: a new window with one");
	set_pending(&fx, 0, -2);
	ASSERT_EQ(run(&fx), XDP_PASS, "a count below zero in flight is none");

	/* over the limit, negative and other generations' counts */
	reset(&fx);
	set_count(&fx, 1, 4);
	ASSERT_EQ(run(&fx), XDP_DROP, "over limit: drop");
	set_count(&fx, 1, -3);
	set_count(&fx, 2, 9);
	ASSERT_EQ(run(&fx), XDP_PASS, "negative count and another generation's");

	/* no counts yet, or the cap off: fail open */
	reset(&fx);
	set_count(&fx, 0, 9);
	set_gen(&fx, 0);
	ASSERT_EQ(run(&fx), XDP_PASS, "no read generation: pass");
	set_gen(&fx, 1);
	set_count(&fx, 1, 9);
	fx.lim.conn_limit = 0;
	set_limits(&fx);
	ASSERT_EQ(run(&fx), XDP_PASS, "conn_limit 0: pass");

	/* monitor mode counts and passes */
	fx.lim.conn_limit = 3;
	fx.lim.mode = MXG_MODE_MONITOR;
	set_limits(&fx);
	would = stat_sum(&fx, MXG_CNT_DROP_CONN_LIMIT + MXG_CNT_MONITOR_OFFSET);
	ASSERT_EQ(run(&fx), XDP_PASS, "monitor: pass");
	ASSERT_EQ(stat_sum(&fx, MXG_CNT_DROP_CONN_LIMIT + MXG_CNT_MONITOR_OFFSET) - would,
		  1, "monitor: would drop counted");

	/* IPv6 counts by the aggregation prefix */
	reset(&fx);
	set_source(&fx, SRC6, SRC6_NET);
	set_count(&fx, 1, 4);
	ASSERT_EQ(run(&fx), XDP_DROP, "IPv6 /64 over limit: drop");
	fx.lim.v6_prefix = 128;
	set_limits(&fx);
	ASSERT_EQ(run(&fx), XDP_PASS, "IPv6 /128: another source");

	mxguard__destroy(fx.skel);
}

/* --- real connections on the loopback of a private namespace ---------- */

#define LO_SRV "192.0.2.1"
#define LO_A "192.0.2.2"
#define LO_B "192.0.2.3"
#define LO_PORT 25

/* lo_setup - bring lo up and give it the test's addresses as aliases. */
static int lo_setup(void)
{
	static const char *const addrs[] = { LO_SRV, LO_A, LO_B };
	struct ifreq ifr = {};
	size_t i;
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr))
			err = -errno;
	}
	for (i = 0; i < ARRAY_SIZE(addrs) && !err; i++) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;

		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo:%zu", i + 1);
		sin->sin_family = AF_INET;
		inet_pton(AF_INET, addrs[i], &sin->sin_addr);
		if (ioctl(fd, SIOCSIFADDR, &ifr))
			err = -errno;
	}
	close(fd);
	return err;
}

/* The namespaces this process came from, to return to. */
struct home {
	int net, mnt, cwd;
};

/*
 * enter_private - a new network namespace, and a new mount namespace with
 * its own bpffs, so that the pins under /sys/fs/bpf/mxguard/lo meet no
 * other test's and vanish with the namespace.
 */
static int enter_private(struct home *h)
{
	h->net = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	h->mnt = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	h->cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (h->net < 0 || h->mnt < 0 || h->cwd < 0)
		return -errno;
	if (unshare(CLONE_NEWNET | CLONE_NEWNS))
		return -errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -errno;
	if (mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700"))
		return -errno;
	return lo_setup();
}

static void leave_private(struct home *h)
{
	if (h->mnt >= 0 && setns(h->mnt, CLONE_NEWNS))
		test__log("failed to return to the mount namespace: %s", strerror(errno));
	if (h->net >= 0 && setns(h->net, CLONE_NEWNET))
		test__log("failed to return to the network namespace: %s", strerror(errno));
	if (h->cwd >= 0 && fchdir(h->cwd))
		test__log("failed to return to the working directory: %s", strerror(errno));
	if (h->net >= 0)
		close(h->net);
	if (h->mnt >= 0)
		close(h->mnt);
	if (h->cwd >= 0)
		close(h->cwd);
}

/* A client socket and the server's side of its connection. */
struct pair {
	int c, s;
};

static int listener(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(LO_PORT) };
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	inet_pton(AF_INET, LO_SRV, &sin.sin_addr);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) || listen(fd, 128)) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* client - a socket bound to src, connecting to the server; fd or -errno. */
static int client(const char *src, int nonblock)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd, err;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0)
		return -errno;
	inet_pton(AF_INET, src, &sin.sin_addr);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)))
		goto out_err;
	sin.sin_port = htons(LO_PORT);
	inet_pton(AF_INET, LO_SRV, &sin.sin_addr);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) &&
	    !(nonblock && errno == EINPROGRESS))
		goto out_err;
	return fd;

out_err:
	err = -errno;
	close(fd);
	return err;
}

/* open_pair - connect from src and accept; 0 or the connect's -errno. */
static int open_pair(int lfd, const char *src, struct pair *p)
{
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };

	p->s = -1;
	p->c = client(src, 0);
	if (p->c < 0)
		return p->c;
	poll(&pfd, 1, 1000);
	p->s = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	return 0;
}

static void close_pair(struct pair *p)
{
	if (p->c >= 0)
		close(p->c);
	if (p->s >= 0)
		close(p->s);
	p->c = p->s = -1;
}

/* open_count - the guard's count for src once it settles at want, or not. */
static long long open_count(struct guard *g, const char *src, long long want)
{
	struct conn_source cs = {};
	struct mxg_prefix p;
	char err[128];
	int i;

	addr_parse(src, &p, err, sizeof(err));
	for (i = 0; i < 100; i++) {
		if (conn_source_read(g, &p, 64, &cs))
			return -1;
		if ((long long)cs.open == want)
			break;
		usleep(10000);
	}
	return cs.open;
}

/* burst - n connects from src at once; how many end up established. */
static int burst(int lfd, const char *src, int n, struct pair *out)
{
	int fds[32], i, err, est = 0;
	socklen_t len = sizeof(err);

	for (i = 0; i < n; i++)
		fds[i] = client(src, 1);
	for (i = 0; i < n; i++) {
		struct pollfd pfd = { .fd = fds[i], .events = POLLOUT };

		if (fds[i] < 0)
			continue;
		poll(&pfd, 1, 2000);
		err = -1;
		getsockopt(fds[i], SOL_SOCKET, SO_ERROR, &err, &len);
		if (err == 0 && est < 8) {
			out[est].c = fds[i];
			out[est].s = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			est++;
		} else {
			close(fds[i]);
		}
	}
	return est;
}

static void run_sockets(void)
{
	struct loader_opts o = { .ifname = "lo", .mode = LOADER_MODE_GENERIC };
	struct pair a[8], b = { -1, -1 }, more[8];
	struct home h = { -1, -1, -1 };
	uint64_t stats[MXG_CNT_MAX];
	struct mxg_limits lim;
	struct guard g = {};
	int lfd = -1, i, n, err, generic;

	for (i = 0; i < 8; i++)
		a[i].c = a[i].s = more[i].c = more[i].s = -1;
	if (geteuid() != 0) {
		test__skip("needs root for namespaces and BPF");
		return;
	}
	err = enter_private(&h);
	if (!ASSERT_OK(err, "private namespaces"))
		goto out_leave;

	/* the whole guard on lo: XDP falls back to generic mode there */
	err = loader_attach(&o, &generic);
	if (!ASSERT_OK(err, "attach to lo"))
		goto out_leave;
	err = guard_open(&g, "lo");
	if (!ASSERT_OK(err, "open the maps"))
		goto out_detach;
	guard_limits_read(&g, &lim);
	lim.conn_limit = 3;
	lim.syn_rate = 0;
	ASSERT_OK(guard_limits_write(&g, &lim), "set conn_limit 3");
	lfd = listener();
	if (!ASSERT_GE(lfd, 0, "listen"))
		goto out_close;

	/* three open; the fourth refused with an RST; another source opens */
	for (i = 0; i < 3; i++)
		ASSERT_OK(open_pair(lfd, LO_A, &a[i]), "open one of three");
	ASSERT_EQ(open_count(&g, LO_A, 3), 3, "three counted");
	ASSERT_EQ(open_pair(lfd, LO_A, &a[3]), -ECONNREFUSED, "fourth refused");
	ASSERT_OK(open_pair(lfd, LO_B, &b), "other source opens");
	ASSERT_EQ(open_count(&g, LO_B, 1), 1, "other source counted");

	/* a close frees a slot at once */
	close_pair(&a[0]);
	ASSERT_EQ(open_count(&g, LO_A, 2), 2, "close counted");
	ASSERT_OK(open_pair(lfd, LO_A, &a[0]), "open after close");
	ASSERT_EQ(open_count(&g, LO_A, 3), 3, "back at three");

	/* from zero, a burst of connects ends with at most three */
	for (i = 0; i < 4; i++)
		close_pair(&a[i]);
	close_pair(&b);
	ASSERT_EQ(open_count(&g, LO_A, 0), 0, "all closed");
	n = burst(lfd, LO_A, 12, more);
	ASSERT_GE(n, 1, "burst: some connect");
	ASSERT_LE(n, 3, "burst: at most three");
	ASSERT_EQ(open_count(&g, LO_A, n), n, "burst counted");
	for (i = 0; i < 8; i++)
		close_pair(&more[i]);
	ASSERT_EQ(open_count(&g, LO_A, 0), 0, "burst closed");
	ASSERT_EQ(open_count(&g, LO_B, 0), 0, "other source closed");

	guard_stats_read(&g, stats);
	ASSERT_GE(stats[MXG_CNT_REFUSE_CONN_LIMIT], 1, "refusals counted");

out_close:
	if (lfd >= 0)
		close(lfd);
	guard_close(&g);
out_detach:
	loader_detach("lo");
out_leave:
	for (i = 0; i < 8; i++) {
		close_pair(&a[i]);
		close_pair(&more[i]);
	}
	close_pair(&b);
	leave_private(&h);
}

void test_conn(void)
{
	if (test__start_subtest("xdp_admit"))
		run_xdp_admit();
	if (test__start_subtest("sockets"))
		run_sockets();
}
