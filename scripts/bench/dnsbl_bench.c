// SPDX-License-Identifier: GPL-2.0-only
/*
 * dnsbl_bench.c - lookups per second and latency of the DNSBL module
 * against a DNS server, with a given number of lookups in flight.
 *
 *   dnsbl_bench -s HOST:PORT -z ZONE -n COUNT -c INFLIGHT
 *
 * Looks up COUNT addresses in ZONE through a new module instance (empty
 * cache: "cold"), keeping INFLIGHT lookups in flight as the daemon does at
 * its cap, then looks the same addresses up again (all from the cache:
 * "warm"). Address i is 198.18.0.0 + i/2 for even i and 198.18.128.0 +
 * i/2 for odd i, so with ZONE listing 198.18.0.0/17 half are listed.
 * Prints one JSON object per pass with the lookups per second, p50 and
 * p99 latency in microseconds from submit to callback, and the verdicts,
 * timeouts and errors. The caller checks those against the zone's
 * content. The zone's listing-rate check is off (rate_max_percent above
 * 100), because half of all lookups are listed by design.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>
#include "dnsbl.h"

struct slot {
	uint64_t t0;
	uint64_t ns;
	int verdict;
	int done;
};

struct bench {
	struct dnsbl *d;
	int epfd;
	struct slot *slots;
};

/* lookups whose callback ran, from the cache or from the network */
static unsigned completed;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void watch(int fd, int want_read, int want_write, void *arg)
{
	struct bench *b = arg;
	struct epoll_event ev = {
		.events = (want_read ? EPOLLIN : 0) | (want_write ? EPOLLOUT : 0),
		.data.fd = fd,
	};

	if (!ev.events) {
		epoll_ctl(b->epfd, EPOLL_CTL_DEL, fd, NULL);
		return;
	}
	if (epoll_ctl(b->epfd, EPOLL_CTL_MOD, fd, &ev) && errno == ENOENT)
		epoll_ctl(b->epfd, EPOLL_CTL_ADD, fd, &ev);
}

static void on_result(const struct dnsbl_result *r, void *arg)
{
	struct slot *s = arg;

	s->ns = now_ns() - s->t0;
	s->verdict = r->verdict;
	s->done = 1;
	completed++;
}

static void addr_of(unsigned i, struct mxg_prefix *p)
{
	uint32_t a = 0xc6120000 + (i >> 1) + ((i & 1) ? 0x8000 : 0);

	memset(p, 0, sizeof(*p));
	p->family = AF_INET;
	p->plen = 32;
	p->addr[0] = a >> 24;
	p->addr[1] = a >> 16;
	p->addr[2] = a >> 8;
	p->addr[3] = a;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* run_pass - look every address up once with at most cap in flight. */
static void run_pass(struct bench *b, unsigned n, unsigned cap, const char *name)
{
	struct epoll_event evs[64];
	unsigned next = 0, i, counts[4] = { 0 };
	uint64_t t0, t1, *lat;
	struct dnsbl_stats st0, st1;
	int k, m, err;

	memset(b->slots, 0, n * sizeof(*b->slots));
	dnsbl_get_stats(b->d, &st0);
	completed = 0;
	t0 = now_ns();
	while (completed < n) {
		/* keep the pipeline full */
		while (next < n && next - completed < cap) {
			struct mxg_prefix a;

			addr_of(next, &a);
			b->slots[next].t0 = now_ns();
			err = dnsbl_submit(b->d, &a, on_result, &b->slots[next]);
			if (err == -EBUSY)
				break;
			if (err < 0) {
				fprintf(stderr, "dnsbl_bench: failed to submit: %s\n",
					strerror(-err));
				exit(1);
			}
			next++;
		}
		if (completed == n)
			break;
		m = epoll_wait(b->epfd, evs, 64, dnsbl_next_timeout_ms(b->d));
		for (k = 0; k < m; k++)
			dnsbl_process_fd(b->d, evs[k].data.fd,
					 !!(evs[k].events & (EPOLLIN | EPOLLERR | EPOLLHUP)),
					 !!(evs[k].events & EPOLLOUT));
		if (dnsbl_next_timeout_ms(b->d) == 0)
			dnsbl_tick(b->d);
	}
	t1 = now_ns();
	dnsbl_get_stats(b->d, &st1);

	lat = malloc(n * sizeof(*lat));
	for (i = 0; i < n; i++) {
		lat[i] = b->slots[i].ns;
		if (b->slots[i].verdict >= 0 && b->slots[i].verdict < 4)
			counts[b->slots[i].verdict]++;
	}
	qsort(lat, n, sizeof(*lat), cmp_u64);
	printf("{\"pass\": \"%s\", \"inflight\": %u, \"lookups\": %u, \"seconds\": %.6f, "
	       "\"per_s\": %.1f, \"p50_us\": %.2f, \"p99_us\": %.2f, \"listed\": %u, "
	       "\"clean\": %u, \"unknown\": %u, \"allowed\": %u, \"queries\": %llu, "
	       "\"timeouts\": %llu, \"errors\": %llu, \"cache_hits\": %llu}\n",
	       name, cap, n, (t1 - t0) / 1e9, n / ((t1 - t0) / 1e9),
	       lat[n / 2] / 1e3, lat[(n * 99) / 100] / 1e3, counts[DNSBL_LISTED],
	       counts[DNSBL_CLEAN], counts[DNSBL_UNKNOWN], counts[DNSBL_ALLOWED],
	       (unsigned long long)(st1.queries - st0.queries),
	       (unsigned long long)(st1.timeouts - st0.timeouts),
	       (unsigned long long)(st1.errors - st0.errors),
	       (unsigned long long)(st1.cache_hits - st0.cache_hits));
	free(lat);
}

int main(int argc, char **argv)
{
	const char *server = NULL, *zone = NULL;
	unsigned n = 10000, cap = 64;
	struct dnsbl_site *sites;
	struct dnsbl_opts o = { 0 };
	struct bench b = { 0 };
	char err[256];
	size_t nsites;
	int opt;

	while ((opt = getopt(argc, argv, "s:z:n:c:")) >= 0) {
		switch (opt) {
		case 's':
			server = optarg;
			break;
		case 'z':
			zone = optarg;
			break;
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 'c':
			cap = strtoul(optarg, NULL, 10);
			break;
		default:
			goto usage;
		}
	}
	if (!server || !zone || !n || n > 65536 || !cap)
		goto usage;
	if (dnsbl_sites_parse(zone, &sites, &nsites, err, sizeof(err))) {
		fprintf(stderr, "dnsbl_bench: %s\n", err);
		return 2;
	}
	o.sites = sites;
	o.nsites = nsites;
	o.threshold = 1;
	o.wl_threshold = 0;
	o.servers = server;
	o.min_ttl = 60;
	o.max_ttl = 3600;
	o.timeout_ms = 2000;
	o.max_inflight = cap;
	o.cache_max = n;
	o.rate_max_percent = 101;
	b.d = dnsbl_new(&o, err, sizeof(err));
	if (!b.d) {
		fprintf(stderr, "dnsbl_bench: %s\n", err);
		return 1;
	}
	b.epfd = epoll_create1(EPOLL_CLOEXEC);
	b.slots = calloc(n, sizeof(*b.slots));
	if (b.epfd < 0 || !b.slots)
		return 1;
	dnsbl_set_watch(b.d, watch, &b);
	dnsbl_health_sync(b.d);

	run_pass(&b, n, cap, "cold");
	run_pass(&b, n, cap, "warm");

	dnsbl_free(b.d);
	free(sites);
	free(b.slots);
	close(b.epfd);
	return 0;
usage:
	fprintf(stderr, "usage: dnsbl_bench -s HOST:PORT -z ZONE -n COUNT -c INFLIGHT\n");
	return 2;
}
