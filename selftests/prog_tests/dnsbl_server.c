// SPDX-License-Identifier: GPL-2.0-only
/*
 * dnsbl_server.c - the DNSBL module against real servers: Debian's
 * rbldnsd serving test zones, and selftests/tools/dns_mock.py for the
 * faults rbldnsd cannot produce. Both listen on 127.0.0.1 inside a network
 * namespace this test creates for itself and leaves at the end, so
 * nothing reaches the host's resolver.
 */
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "test_progs.h"
#include "dnsbl.h"

#define RBLDNSD "/usr/sbin/rbldnsd"
#define RBL_SERVER "127.0.0.1:5353"
#define MOCK_SERVER "127.0.0.1:5354"
#define NO_SERVER "127.0.0.1:5399"

static char dir[64];
static pid_t rbl_pid, mock_pid;
static int old_netns = -1;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

static int write_file(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* Zones of rbldnsd; every healthy one lists 127.0.0.2 and not 127.0.0.1. */
static const char zen_a[] =
	"$SOA 0 ns.zen.test. hostmaster.zen.test. 1 600 300 86400 120\n"
	"$TTL 300\n"
	":127.0.0.2:listed\n"
	"127.0.0.2\n"
	"192.0.2.10\n"
	"192.0.2.11 :127.0.0.3:listed as 3\n"
	"192.0.2.20\n"
	"192.0.2.30 :127.0.0.50:a code no filter knows\n"
	"192.0.2.40 :127.255.255.254:open resolver\n"
	"192.0.2.41 :192.0.2.80:parked\n";
static const char zen_b[] =
	"$TTL 300\n"
	"127.0.0.2 :127.0.0.10:pbl\n"
	"192.0.2.20 :127.0.0.10:pbl\n";
static const char wl_zone[] =
	"$SOA 0 ns.wl.test. hostmaster.wl.test. 1 600 300 86400 60\n"
	"$TTL 600\n"
	":127.0.10.2:allowed\n"
	"127.0.0.2\n"
	"192.0.2.12\n";
static const char v6_zone4[] = "127.0.0.2\n";
static const char v6_zone6[] =
	":127.0.0.2:v6 listed\n"
	"::2\n"
	"2001:db8::/64\n";
static const char world_zone[] = "0.0.0.0/1\n128.0.0.0/1\n";
static const char dead_zone[] =
	"$SOA 0 ns.dead.test. hostmaster.dead.test. 1 600 300 86400 60\n"
	"192.0.2.250\n";
static const char short_ttl[] = "$TTL 5\n127.0.0.2\n192.0.2.50\n";
static const char long_ttl[] = "$TTL 86400\n127.0.0.2\n192.0.2.51\n";
static const char rate_zone[] = "127.0.0.2\n198.51.100.0/24\n";

static const char mock_spec[] =
	"{\"zones\": {\n"
	" \"servfail.mock\": {\"mode\": \"servfail\", \"probes\": \"healthy\"},\n"
	" \"refused.mock\": {\"mode\": \"refused\", \"probes\": \"healthy\"},\n"
	" \"timeout.mock\": {\"mode\": \"timeout\", \"probes\": \"healthy\"},\n"
	" \"silent.mock\": {\"mode\": \"timeout\"},\n"
	" \"junk.mock\": {\"mode\": \"junk\", \"probes\": \"healthy\"},\n"
	" \"empty.mock\": {\"mode\": \"empty\", \"probes\": \"healthy\"},\n"
	" \"short.mock\": {\"mode\": \"short\", \"probes\": \"healthy\"},\n"
	" \"cut.mock\": {\"mode\": \"cut\", \"probes\": \"healthy\"},\n"
	" \"wrongq.mock\": {\"mode\": \"wrong_question\", \"probes\": \"healthy\"},\n"
	" \"wrongid.mock\": {\"mode\": \"wrong_id\", \"probes\": \"healthy\"},\n"
	" \"cname.mock\": {\"mode\": \"cname\", \"probes\": \"healthy\"},\n"
	" \"aaaa.mock\": {\"mode\": \"aaaa\", \"probes\": \"healthy\"},\n"
	" \"many.mock\": {\"mode\": \"many\", \"probes\": \"healthy\"},\n"
	" \"tc.mock\": {\"mode\": \"tc\", \"probes\": \"healthy\"},\n"
	" \"loop.mock\": {\"mode\": \"loop\", \"probes\": \"healthy\"},\n"
	" \"badlen.mock\": {\"mode\": \"badlen\", \"probes\": \"healthy\"},\n"
	" \"nxans.mock\": {\"mode\": \"nxdomain_answer\", \"probes\": \"healthy\"},\n"
	" \"formerr.mock\": {\"mode\": \"formerr\", \"probes\": \"healthy\"},\n"
	" \"public.mock\": {\"default\": [\"127.255.255.254\"]},\n"
	" \"flip.mock\": {\"default\": [\"127.0.0.2\"]}\n"
	"}}\n";

/* spawn - start argv[0] with stdout and stderr in dir/log. */
static pid_t spawn(char *const argv[], const char *log)
{
	char path[256];
	pid_t pid = fork();
	int fd;

	if (pid)
		return pid;
	snprintf(path, sizeof(path), "%s/%s", dir, log);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	execvp(argv[0], argv);
	_exit(127);
}

/* udp_answers - 1 when a DNS server at port answers a query. */
static int udp_answers(int port)
{
	static const unsigned char q[] = {
		0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		1, '2', 1, '0', 1, '0', 3, '1', '2', '7', 3, 'z', 'e', 'n',
		4, 't', 'e', 's', 't', 0, 0, 1, 0, 1,
	};
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct pollfd p;
	unsigned char buf[512];
	int fd, ok = 0;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return 0;
	if (sendto(fd, q, sizeof(q), 0, (struct sockaddr *)&sa, sizeof(sa)) > 0) {
		p.fd = fd;
		p.events = POLLIN;
		ok = poll(&p, 1, 100) > 0 && recv(fd, buf, sizeof(buf), 0) >= 0;
	}
	close(fd);
	return ok;
}

static int loopback_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), e;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	e = ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (!e) {
		ifr.ifr_flags |= IFF_UP;
		e = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return e;
}

static void live_teardown(void)
{
	char cmd[128];

	if (rbl_pid > 0) {
		kill(rbl_pid, SIGTERM);
		waitpid(rbl_pid, NULL, 0);
	}
	if (mock_pid > 0) {
		kill(mock_pid, SIGTERM);
		waitpid(mock_pid, NULL, 0);
	}
	rbl_pid = mock_pid = 0;
	if (old_netns >= 0) {
		setns(old_netns, CLONE_NEWNET);
		close(old_netns);
		old_netns = -1;
	}
	if (dir[0] && getenv("DNSBL_KEEP") == NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			fprintf(stderr, "dnsbl_server: failed to remove %s\n", dir);
	}
	dir[0] = '\0';
}

/* live_setup - the namespace, the zone files and both servers; 0 or skip. */
static int live_setup(void)
{
	char mock_path[512], spec[256], qlog[256], mlog[256];
	char *rbl_argv[] = {
		RBLDNSD, "-n", "-u", "rbldns", "-r", dir, "-w", "/",
		"-b", "127.0.0.1/5353", "-l", "+/query.log",
		"zen.test:ip4set:zen_a.zone", "zen.test:ip4set:zen_b.zone",
		"wl.test:ip4set:wl.zone", "v6.test:ip4set:v6_4.zone",
		"v6.test:ip6trie:v6_6.zone", "world.test:ip4set:world.zone",
		"dead.test:ip4set:dead.zone", "ttlshort.test:ip4set:short.zone",
		"ttllong.test:ip4set:long.zone", "rate.test:ip4set:rate.zone",
		NULL,
	};
	char *mock_argv[] = {
		"python3", mock_path, "--port", "5354", "--spec", spec,
		"--log", mlog, NULL,
	};
	int i;

	if (geteuid() != 0 || access(RBLDNSD, X_OK)) {
		test__skip("needs root and %s (Debian package rbldnsd)", RBLDNSD);
		return -1;
	}
	snprintf(dir, sizeof(dir), "/tmp/mxguard-dnsbl.XXXXXX");
	if (!mkdtemp(dir)) {
		dir[0] = '\0';
		test__fail();
		test__log("mkdtemp failed: %s", strerror(errno));
		return -1;
	}
	/* rbldnsd runs as rbldns inside dir and writes its query log there */
	chmod(dir, 01777);
	if (write_file("zen_a.zone", zen_a) || write_file("zen_b.zone", zen_b) ||
	    write_file("wl.zone", wl_zone) || write_file("v6_4.zone", v6_zone4) ||
	    write_file("v6_6.zone", v6_zone6) || write_file("world.zone", world_zone) ||
	    write_file("dead.zone", dead_zone) || write_file("short.zone", short_ttl) ||
	    write_file("long.zone", long_ttl) || write_file("rate.zone", rate_zone) ||
	    write_file("mock.json", mock_spec))
		goto fail;

	old_netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (old_netns < 0 || unshare(CLONE_NEWNET) || loopback_up())
		goto fail;

	snprintf(mock_path, sizeof(mock_path), "%s/../selftests/tools/dns_mock.py",
		 test__output_dir());
	if (access(mock_path, R_OK))
		snprintf(mock_path, sizeof(mock_path), "selftests/tools/dns_mock.py");
	snprintf(spec, sizeof(spec), "%s/mock.json", dir);
	snprintf(qlog, sizeof(qlog), "%s/query.log", dir);
	snprintf(mlog, sizeof(mlog), "%s/mock.log", dir);
	rbl_pid = spawn(rbl_argv, "rbldnsd.out");
	mock_pid = spawn(mock_argv, "mock.out");
	for (i = 0; i < 50; i++) {
		if (udp_answers(5353) && udp_answers(5354))
			return 0;
		usleep(100000);
	}
	test__log("rbldnsd or dns_mock.py did not answer; see %s", dir);
fail:
	test__fail();
	test__log("setting up the DNS servers failed: %s", strerror(errno));
	live_teardown();
	return -1;
}

/* count_lines - lines of dir/log that contain text. */
static int count_lines(const char *log, const char *text)
{
	char path[256], line[1024];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, log);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, text) != NULL;
	fclose(f);
	return n;
}

/* count_queries - A queries for qname in a query log. */
static int count_queries(const char *log, const char *qname)
{
	char path[256], line[512];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, log);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, qname) && (strstr(line, " A IN") || strstr(line, " 1\n")))
			n++;
	fclose(f);
	return n;
}

static struct dnsbl_site *sites;

static struct dnsbl *make(const char *spec, const char *servers,
			  unsigned timeout_ms, unsigned min_ttl, unsigned max_ttl)
{
	struct dnsbl_opts o;
	char err[512];
	size_t n;
	struct dnsbl *d;

	free(sites);
	sites = NULL;
	if (!ASSERT_OK(dnsbl_sites_parse(spec, &sites, &n, err, sizeof(err)), spec))
		return NULL;
	memset(&o, 0, sizeof(o));
	o.sites = sites;
	o.nsites = n;
	o.threshold = 3;
	o.wl_threshold = -1;
	o.servers = servers;
	o.min_ttl = min_ttl;
	o.max_ttl = max_ttl;
	o.timeout_ms = timeout_ms;
	o.max_inflight = 64;
	d = dnsbl_new(&o, err, sizeof(err));
	if (!ASSERT_OK_PTR(d, "dnsbl_new"))
		test__log("%s", err);
	return d;
}

static int check(struct dnsbl *d, const char *addr, struct dnsbl_result *r)
{
	char err[128];
	struct mxg_prefix a;

	if (addr_parse(addr, &a, err, sizeof(err)))
		return -EINVAL;
	return dnsbl_check_sync(d, &a, r);
}

static struct dnsbl_result res;

static void test_scores(void)
{
	struct dnsbl *d = make("zen.test=127.0.0.[2..11]*3, zen.test=127.0.0.[10..11]*1, wl.test*-5",
			       RBL_SERVER, 2000, 60, 3600);

	if (!d)
		return;
	if (ASSERT_OK(check(d, "192.0.2.10", &res), "listed_check")) {
		ASSERT_EQ(res.score, 3, "listed_score");
		ASSERT_EQ(res.verdict, DNSBL_LISTED, "listed_verdict");
		ASSERT_EQ(res.nzones, 3, "one_entry_per_site");
		ASSERT_STREQ(res.zones[0].answers[0], "127.0.0.2", "listed_answer");
		ASSERT_EQ(res.ttl, 300, "listed_ttl");
	}
	if (ASSERT_OK(check(d, "192.0.2.20", &res), "twice_check")) {
		ASSERT_EQ(res.score, 4, "zone_twice_both_filters");
		ASSERT_TRUE(res.zones[0].listed, "twice_first_entry");
		ASSERT_TRUE(res.zones[1].listed, "twice_second_entry");
		ASSERT_EQ(res.zones[0].nanswers, 2, "twice_two_answers");
	}
	if (ASSERT_OK(check(d, "192.0.2.11", &res), "code3_check"))
		ASSERT_EQ(res.score, 3, "code3_first_filter_only");
	if (ASSERT_OK(check(d, "192.0.2.12", &res), "allowed_check")) {
		ASSERT_EQ(res.score, -5, "allowed_score");
		ASSERT_EQ(res.verdict, DNSBL_ALLOWED, "allowed_verdict");
		ASSERT_EQ(res.ttl, 600, "allowed_ttl");
	}
	if (ASSERT_OK(check(d, "192.0.2.99", &res), "clean_check")) {
		ASSERT_EQ(res.score, 0, "clean_score");
		ASSERT_EQ(res.verdict, DNSBL_CLEAN, "clean_verdict");
		/* NXDOMAIN: SOA minimum 60 of wl.test and 120 of zen.test */
		ASSERT_EQ(res.ttl, 60, "clean_negative_ttl");
		ASSERT_EQ(res.nanswered, 2, "clean_answered");
	}
	dnsbl_free(d);
}

static void test_ipv6(void)
{
	struct dnsbl_zone_stats zs;
	struct dnsbl *d = make("v6.test*3", RBL_SERVER, 2000, 60, 3600);

	if (!d)
		return;
	if (ASSERT_OK(check(d, "2001:db8::25", &res), "v6_listed_check")) {
		ASSERT_EQ(res.verdict, DNSBL_LISTED, "v6_listed");
		ASSERT_STREQ(res.zones[0].answers[0], "127.0.0.2", "v6_answer");
	}
	if (ASSERT_OK(check(d, "2001:db8:1::25", &res), "v6_clean_check"))
		ASSERT_EQ(res.verdict, DNSBL_CLEAN, "v6_clean");
	ASSERT_OK(dnsbl_get_zone_stats(d, 0, &zs), "v6_stats");
	ASSERT_TRUE(zs.ipv6, "v6_test_point_detected");
	ASSERT_EQ(zs.state, DNSBL_ZONE_ENABLED, "v6_enabled");
	ASSERT_EQ(count_queries("query.log",
				"5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.v6.test"),
		  1, "v6_nibble_query_name");
	dnsbl_free(d);
}

static void test_ttl_and_cache(void)
{
	struct dnsbl_stats st;
	struct dnsbl *d = make("zen.test*3, ttlshort.test*3, ttllong.test*3",
			       RBL_SERVER, 2000, 60, 3600);
	int before;

	if (!d)
		return;
	if (ASSERT_OK(check(d, "192.0.2.50", &res), "short_check"))
		ASSERT_EQ(res.ttl, 60, "ttl_5_clamped_to_min");
	if (ASSERT_OK(check(d, "192.0.2.51", &res), "long_check"))
		ASSERT_EQ(res.ttl, 3600, "ttl_86400_clamped_to_max");

	/* the second check is served from the cache: no query reaches rbldnsd */
	before = count_queries("query.log", "10.2.0.192.zen.test");
	ASSERT_OK(check(d, "192.0.2.10", &res), "cache_first");
	ASSERT_FALSE(res.from_cache, "first_not_cached");
	ASSERT_OK(check(d, "192.0.2.10", &res), "cache_second");
	ASSERT_TRUE(res.from_cache, "second_from_cache");
	ASSERT_EQ(res.score, 3, "cached_score");
	ASSERT_EQ(res.verdict, DNSBL_LISTED, "cached_verdict");
	ASSERT_EQ(count_queries("query.log", "10.2.0.192.zen.test") - before, 1,
		  "one_query_listed");

	before = count_queries("query.log", "77.2.0.192.ttllong.test");
	ASSERT_OK(check(d, "192.0.2.77", &res), "negative_first");
	ASSERT_OK(check(d, "192.0.2.77", &res), "negative_second");
	ASSERT_TRUE(res.from_cache, "negative_from_cache");
	ASSERT_EQ(res.verdict, DNSBL_CLEAN, "negative_verdict");
	ASSERT_EQ(count_queries("query.log", "77.2.0.192.ttllong.test") - before, 1,
		  "one_query_unlisted");
	dnsbl_get_stats(d, &st);
	ASSERT_EQ(st.cache_hits, 2, "cache_hits");
	ASSERT_EQ(st.neg_cache_hits, 1, "negative_cache_hits");
	dnsbl_free(d);

	/* with a TTL clamped to 1 s the entry expires and is asked again */
	d = make("ttllong.test*1", RBL_SERVER, 2000, 1, 1);
	if (!d)
		return;
	before = count_queries("query.log", "51.2.0.192.ttllong.test");
	ASSERT_OK(check(d, "192.0.2.51", &res), "expiry_first");
	ASSERT_EQ(res.ttl, 1, "expiry_ttl");
	usleep(1200000);
	ASSERT_OK(check(d, "192.0.2.51", &res), "expiry_second");
	ASSERT_FALSE(res.from_cache, "expired_not_cached");
	ASSERT_EQ(count_queries("query.log", "51.2.0.192.ttllong.test") - before, 2,
		  "asked_again");
	dnsbl_free(d);
}

/* stderr_to - send stderr to file (NULL: back); returns the saved fd. */
static int stderr_to(const char *file, int saved)
{
	char path[256];
	int fd;

	fflush(stderr);
	if (!file) {
		dup2(saved, 2);
		close(saved);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	saved = dup(2);
	dup2(fd, 2);
	close(fd);
	return saved;
}

static void test_error_answers(void)
{
	struct dnsbl_zone_stats zs;
	struct dnsbl *d = make("zen.test=127.0.0.[2..11]*3", RBL_SERVER, 2000, 60, 3600);
	int saved;

	if (!d)
		return;
	/* three bad answers of one zone: one warning per interval */
	saved = stderr_to("warnings.txt", -1);
	if (ASSERT_OK(check(d, "192.0.2.40", &res), "error_code_check")) {
		ASSERT_EQ(res.verdict, DNSBL_UNKNOWN, "error_code_unknown");
		ASSERT_EQ(res.score, 0, "error_code_no_score");
		ASSERT_EQ(res.zones[0].status, DNSBL_ST_ERROR_CODE, "error_code_status");
		ASSERT_STRSTR(res.zones[0].error, "127.255.255.254",
			    "error_code_named");
		ASSERT_TRUE(res.ttl <= 60, "error_code_short_ttl");
	}
	if (ASSERT_OK(check(d, "192.0.2.41", &res), "outside_check")) {
		ASSERT_EQ(res.verdict, DNSBL_UNKNOWN, "outside_unknown");
		ASSERT_EQ(res.zones[0].status, DNSBL_ST_OUTSIDE, "outside_status");
	}
	if (ASSERT_OK(check(d, "192.0.2.30", &res), "mismatch_check")) {
		ASSERT_EQ(res.verdict, DNSBL_CLEAN, "mismatch_clean");
		ASSERT_EQ(res.score, 0, "mismatch_no_score");
		ASSERT_STRSTR(res.zones[0].error, "127.0.0.50",
			    "mismatch_named");
	}
	stderr_to(NULL, saved);
	ASSERT_EQ(count_lines("warnings.txt", "zen.test"), 1, "one_warning_per_zone");
	ASSERT_OK(dnsbl_get_zone_stats(d, 0, &zs), "zone_stats");
	ASSERT_EQ(zs.error_answers, 3, "error_answers_counted");
	ASSERT_EQ(zs.state, DNSBL_ZONE_ENABLED, "zone_still_enabled");
	dnsbl_free(d);

	/* a public resolver's error code for the test point disables the zone */
	d = make("public.mock*3", MOCK_SERVER, 1000, 60, 3600);
	if (!d)
		return;
	dnsbl_health_sync(d);
	ASSERT_OK(dnsbl_get_zone_stats(d, 0, &zs), "public_stats");
	ASSERT_EQ(zs.state, DNSBL_ZONE_DISABLED, "public_resolver_disabled");
	ASSERT_STRSTR(zs.reason, "resolver", "public_resolver_reason");
	dnsbl_free(d);
}

static void test_bad_zones(void)
{
	struct dnsbl_zone_stats zs;
	struct dnsbl_stats st;
	struct dnsbl *d = make("world.test*3, dead.test*3", RBL_SERVER, 2000, 60, 3600);

	if (!d)
		return;
	dnsbl_health_sync(d);
	ASSERT_OK(dnsbl_get_zone_stats(d, 0, &zs), "world_stats");
	ASSERT_EQ(zs.state, DNSBL_ZONE_DISABLED, "world_disabled");
	ASSERT_STRSTR(zs.reason, "127.0.0.1 is listed", "world_reason");
	ASSERT_OK(dnsbl_get_zone_stats(d, 1, &zs), "dead_stats");
	ASSERT_EQ(zs.state, DNSBL_ZONE_DISABLED, "dead_disabled");
	ASSERT_STRSTR(zs.reason, "127.0.0.2 is not listed", "dead_reason");

	/* disabled zones are not asked and never list anyone */
	if (ASSERT_OK(check(d, "192.0.2.250", &res), "disabled_check")) {
		ASSERT_EQ(res.score, 0, "disabled_no_score");
		ASSERT_EQ(res.verdict, DNSBL_UNKNOWN, "disabled_unknown");
		ASSERT_TRUE(res.zones[0].disabled, "world_entry_disabled");
		ASSERT_EQ(res.nqueried, 0, "disabled_not_asked");
	}
	ASSERT_EQ(count_queries("query.log", "250.2.0.192.dead.test"), 0, "dead_not_asked");
	dnsbl_get_stats(d, &st);
	ASSERT_EQ(st.zones_down, 2, "zones_down");
	ASSERT_EQ(st.zones_disabled, 2, "disable_events");
	dnsbl_free(d);
}

/* check_fails - one lookup in zone of MOCK_SERVER must end in status. */
static void check_fails(const char *zone, int status, unsigned max_ms)
{
	char spec[128], name[64];
	uint64_t t0;
	struct dnsbl *d;

	snprintf(spec, sizeof(spec), "%s*3", zone);
	d = make(spec, MOCK_SERVER, 400, 60, 3600);
	if (!d)
		return;
	t0 = now_ms();
	snprintf(name, sizeof(name), "%s_check", zone);
	if (ASSERT_OK(check(d, "192.0.2.10", &res), name)) {
		snprintf(name, sizeof(name), "%s_unknown", zone);
		ASSERT_EQ(res.verdict, DNSBL_UNKNOWN, name);
		snprintf(name, sizeof(name), "%s_no_score", zone);
		ASSERT_EQ(res.score, 0, name);
		snprintf(name, sizeof(name), "%s_status", zone);
		if (status)
			ASSERT_EQ(res.zones[0].status, status, name);
		else
			ASSERT_TRUE(dnsbl_status_failed(res.zones[0].status), name);
		snprintf(name, sizeof(name), "%s_not_listed", zone);
		ASSERT_FALSE(res.zones[0].listed, name);
	}
	snprintf(name, sizeof(name), "%s_bounded_time", zone);
	ASSERT_LE(now_ms() - t0, max_ms, name);
	dnsbl_free(d);
}

static void test_dns_failures(void)
{
	struct dnsbl_zone_stats zs;
	struct dnsbl *d;
	uint64_t t0;

	check_fails("servfail.mock", DNSBL_ST_SERVFAIL, 300);
	check_fails("refused.mock", DNSBL_ST_REFUSED, 300);
	check_fails("formerr.mock", DNSBL_ST_RCODE, 300);
	check_fails("timeout.mock", DNSBL_ST_TIMEOUT, 900);

	/* a zone silent even for its probes stays unchecked, never disabled */
	d = make("silent.mock*3", MOCK_SERVER, 300, 60, 3600);
	if (d) {
		t0 = now_ms();
		ASSERT_OK(check(d, "192.0.2.10", &res), "silent_check");
		ASSERT_LE(now_ms() - t0, 900, "silent_bounded_time");
		ASSERT_EQ(res.verdict, DNSBL_UNKNOWN, "silent_unknown");
		ASSERT_EQ(res.nanswered, 0, "silent_nothing_answered");
		ASSERT_OK(dnsbl_get_zone_stats(d, 0, &zs), "silent_stats");
		ASSERT_EQ(zs.state, DNSBL_ZONE_PENDING, "silent_pending");
		ASSERT_EQ(zs.timeouts, 1, "silent_timeout_counted");
		dnsbl_free(d);
	}

	/* nothing listens on the server's port: an error at once */
	d = make("zen.test*3, wl.test*-5", NO_SERVER, 2000, 60, 3600);
	if (d) {
		t0 = now_ms();
		ASSERT_OK(check(d, "192.0.2.10", &res), "down_check");
		ASSERT_LE(now_ms() - t0, 2500, "down_bounded_time");
		ASSERT_EQ(res.verdict, DNSBL_UNKNOWN, "down_unknown");
		ASSERT_EQ(res.score, 0, "down_no_score");
		ASSERT_EQ(res.nanswered, 0, "down_nothing_answered");
		dnsbl_free(d);
	}
}

static void test_malformed(void)
{
	static const char *const zones[] = {
		"junk.mock", "empty.mock", "short.mock", "cut.mock", "wrongq.mock",
		"wrongid.mock", "cname.mock", "aaaa.mock", "many.mock", "tc.mock",
		"loop.mock", "badlen.mock", "nxans.mock",
	};
	size_t i;

	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		check_fails(zones[i], 0, 900);
}

/* The daemon's side of the event loop: fds from the watch callback. */
struct loop {
	struct pollfd fds[64];
	int nfds;
	int done;
	int unknown;
	int watch_calls;
};

static void loop_watch(int fd, int r, int w, void *arg)
{
	struct loop *l = arg;
	int i;

	l->watch_calls++;
	for (i = 0; i < l->nfds; i++)
		if (l->fds[i].fd == fd)
			break;
	if (!r && !w) {
		if (i < l->nfds)
			l->fds[i] = l->fds[--l->nfds];
		return;
	}
	if (i == l->nfds && l->nfds < 64)
		l->nfds++;
	l->fds[i].fd = fd;
	l->fds[i].events = (r ? POLLIN : 0) | (w ? POLLOUT : 0);
}

static void loop_done(const struct dnsbl_result *r, void *arg)
{
	struct loop *l = arg;

	l->done++;
	l->unknown += r->verdict == DNSBL_UNKNOWN;
}

/* loop_run - poll and dispatch until want callbacks ran or max_ms passed. */
static void loop_run(struct dnsbl *d, struct loop *l, int want, unsigned max_ms)
{
	uint64_t end = now_ms() + max_ms;
	int i, t;

	while (l->done < want && now_ms() < end) {
		t = dnsbl_next_timeout_ms(d);
		if (t < 0 || t > 100)
			t = 100;
		if (poll(l->fds, l->nfds, t) > 0) {
			struct pollfd ready[64];
			int n = l->nfds;

			memcpy(ready, l->fds, sizeof(ready));
			for (i = 0; i < n; i++)
				if (ready[i].revents)
					dnsbl_process_fd(d, ready[i].fd,
							 !!(ready[i].revents & (POLLIN | POLLERR)),
							 !!(ready[i].revents & POLLOUT));
		}
		dnsbl_tick(d);
	}
}

static void test_inflight_cap(void)
{
	struct loop l = { 0 };
	struct dnsbl_opts o;
	struct dnsbl_stats st;
	struct mxg_prefix a;
	char err[512], text[32];
	struct dnsbl *d;
	size_t n;
	int i, ret;

	free(sites);
	sites = NULL;
	if (dnsbl_sites_parse("timeout.mock*3", &sites, &n, err, sizeof(err)))
		return;
	memset(&o, 0, sizeof(o));
	o.sites = sites;
	o.nsites = n;
	o.threshold = 3;
	o.wl_threshold = -1;
	o.servers = MOCK_SERVER;
	o.min_ttl = 60;
	o.max_ttl = 3600;
	o.timeout_ms = 500;
	o.max_inflight = 4;
	d = dnsbl_new(&o, err, sizeof(err));
	if (!ASSERT_OK_PTR(d, "dnsbl_new"))
		return;
	dnsbl_set_watch(d, loop_watch, &l);
	ASSERT_EQ(dnsbl_next_timeout_ms(d), 0, "first_tick_due_now");

	for (i = 0; i < 4; i++) {
		snprintf(text, sizeof(text), "192.0.2.%d", 100 + i);
		addr_parse(text, &a, err, sizeof(err));
		ASSERT_EQ(dnsbl_submit(d, &a, loop_done, &l), 0, "queued");
	}
	ASSERT_GE(l.watch_calls, 1, "socket_reported");
	addr_parse("192.0.2.104", &a, err, sizeof(err));
	ASSERT_EQ(dnsbl_submit(d, &a, loop_done, &l), -EBUSY, "over_cap");
	addr_parse("192.0.2.100", &a, err, sizeof(err));
	ASSERT_EQ(dnsbl_submit(d, &a, loop_done, &l), -EALREADY, "already_in_flight");
	ret = dnsbl_next_timeout_ms(d);
	ASSERT_GE(ret, 0, "timer_not_negative");
	ASSERT_LE(ret, 500, "timer_within_timeout");

	loop_run(d, &l, 4, 3000);
	ASSERT_EQ(l.done, 4, "four_callbacks");
	ASSERT_EQ(l.unknown, 4, "all_timed_out_unknown");
	dnsbl_get_stats(d, &st);
	ASSERT_EQ(st.overcap, 1, "overcap_counted");
	ASSERT_EQ(st.duplicates, 1, "duplicate_counted");
	ASSERT_EQ(st.inflight, 0, "nothing_in_flight");

	/* room again after the lookups ended */
	addr_parse("192.0.2.104", &a, err, sizeof(err));
	ASSERT_EQ(dnsbl_submit(d, &a, loop_done, &l), 0, "queued_after_cap");
	dnsbl_free(d);
}

static int disabled_calls;

static void zone_changed(const char *zone, enum dnsbl_zone_state state,
			 const char *reason, uint64_t last_good_ns, void *arg)
{
	if (state == DNSBL_ZONE_DISABLED)
		disabled_calls++;
}

static void test_listing_rate(void)
{
	struct loop l = { 0 };
	struct dnsbl_zone_stats zs;
	struct dnsbl_opts o;
	struct mxg_prefix a;
	char err[512], text[32];
	struct dnsbl *d;
	size_t n;
	int i, round;

	free(sites);
	sites = NULL;
	if (dnsbl_sites_parse("rate.test*3", &sites, &n, err, sizeof(err)))
		return;
	memset(&o, 0, sizeof(o));
	o.sites = sites;
	o.nsites = n;
	o.threshold = 3;
	o.wl_threshold = -1;
	o.servers = RBL_SERVER;
	o.min_ttl = 60;
	o.max_ttl = 3600;
	o.timeout_ms = 1000;
	o.max_inflight = 64;
	o.rate_window_sec = 2;
	d = dnsbl_new(&o, err, sizeof(err));
	if (!ASSERT_OK_PTR(d, "dnsbl_new"))
		return;
	disabled_calls = 0;
	dnsbl_set_zone_cb(d, zone_changed, NULL);
	dnsbl_set_watch(d, loop_watch, &l);
	dnsbl_health_sync(d);

	/*
	 * A history of clean addresses over more than a window (2 s of five
	 * 400 ms buckets), then a pause so the window is empty.
	 */
	for (round = 0; round < 10; round++) {
		for (i = 0; i < 10; i++) {
			snprintf(text, sizeof(text), "203.0.113.%d", round * 10 + i);
			addr_parse(text, &a, err, sizeof(err));
			dnsbl_submit(d, &a, loop_done, &l);
		}
		loop_run(d, &l, (round + 1) * 10, 2000);
		usleep(400000);
	}
	ASSERT_OK(dnsbl_get_zone_stats(d, 0, &zs), "stats_before");
	ASSERT_EQ(zs.state, DNSBL_ZONE_ENABLED, "enabled_with_clean_history");
	usleep(2100000);

	/* 19 listed addresses: not yet enough lookups to judge */
	for (i = 0; i < 19; i++) {
		snprintf(text, sizeof(text), "198.51.100.%d", i);
		addr_parse(text, &a, err, sizeof(err));
		dnsbl_submit(d, &a, loop_done, &l);
	}
	loop_run(d, &l, 119, 2000);
	ASSERT_OK(dnsbl_get_zone_stats(d, 0, &zs), "stats_19");
	ASSERT_EQ(zs.state, DNSBL_ZONE_ENABLED, "enabled_below_min_lookups");

	/* the 20th makes the rate jump from about 0 to 100 percent */
	addr_parse("198.51.100.19", &a, err, sizeof(err));
	dnsbl_submit(d, &a, loop_done, &l);
	loop_run(d, &l, 120, 2000);
	ASSERT_OK(dnsbl_get_zone_stats(d, 0, &zs), "stats_after");
	ASSERT_EQ(zs.state, DNSBL_ZONE_DISABLED, "disabled_after_jump");
	ASSERT_STRSTR(zs.reason, "list the world", "jump_reason");
	ASSERT_EQ(disabled_calls, 1, "zone_callback_called");
	dnsbl_free(d);
}

static void test_reenable(void)
{
	static const char healthy[] = "{\"zones\": {\"flip.mock\": {}}}\n";
	struct dnsbl_zone_stats zs;
	struct dnsbl *d = make("flip.mock*3", MOCK_SERVER, 1000, 60, 3600);
	struct timespec later[2] = { { 0, UTIME_NOW }, { time(NULL) + 5, 0 } };
	char path[256];

	if (!d)
		return;
	dnsbl_health_sync(d);
	ASSERT_OK(dnsbl_get_zone_stats(d, 0, &zs), "flip_stats");
	ASSERT_EQ(zs.state, DNSBL_ZONE_DISABLED, "world_lister_disabled");

	/* the zone is fixed: one good probe is not enough, two are */
	write_file("mock.json", healthy);
	snprintf(path, sizeof(path), "%s/mock.json", dir);
	utimensat(AT_FDCWD, path, later, 0);
	dnsbl_health_sync(d);
	dnsbl_get_zone_stats(d, 0, &zs);
	ASSERT_EQ(zs.state, DNSBL_ZONE_DISABLED, "one_good_probe");
	dnsbl_health_sync(d);
	dnsbl_get_zone_stats(d, 0, &zs);
	ASSERT_EQ(zs.state, DNSBL_ZONE_ENABLED, "two_good_probes");
	ASSERT_EQ(zs.disables, 1, "disabled_once");
	write_file("mock.json", mock_spec);
	later[1].tv_sec += 5;
	utimensat(AT_FDCWD, path, later, 0);
	dnsbl_free(d);
}

/*
 * test_throughput - lookups per second against rbldnsd with one lookup in
 * flight and with 64; printed for the record, never asserted.
 */
static void test_throughput(void)
{
	struct loop l = { 0 };
	struct mxg_prefix a;
	char err[128], text[32];
	struct dnsbl *d = make("zen.test*3", RBL_SERVER, 2000, 60, 3600);
	uint64_t t0, t1;
	int i, queued;

	if (!d)
		return;
	dnsbl_health_sync(d);
	t0 = now_ms();
	for (i = 0; i < 1000; i++) {
		snprintf(text, sizeof(text), "198.18.%d.%d", i / 250, i % 250);
		check(d, text, &res);
	}
	t1 = now_ms();
	printf("# dnsbl: 1000 lookups with 1 in flight: %llu ms, %.0f per second\n",
	       (unsigned long long)(t1 - t0), 1000.0 * 1000 / (t1 - t0 + 1));

	dnsbl_set_watch(d, loop_watch, &l);
	t0 = now_ms();
	for (i = 0, queued = 0; i < 5000;) {
		snprintf(text, sizeof(text), "198.19.%d.%d", i / 250, i % 250);
		addr_parse(text, &a, err, sizeof(err));
		if (dnsbl_submit(d, &a, loop_done, &l) == -EBUSY) {
			loop_run(d, &l, l.done + 1, 2000);
			continue;
		}
		queued++;
		i++;
	}
	loop_run(d, &l, queued, 10000);
	t1 = now_ms();
	printf("# dnsbl: 5000 lookups with up to 64 in flight: %llu ms, %.0f per second\n",
	       (unsigned long long)(t1 - t0), 5000.0 * 1000 / (t1 - t0 + 1));
	ASSERT_EQ(l.done, 5000, "every_lookup_ended");
	dnsbl_free(d);
}

void test_dnsbl_server(void)
{
	if (live_setup())
		return;
	if (test__start_subtest("scores"))
		test_scores();
	if (test__start_subtest("ipv6"))
		test_ipv6();
	if (test__start_subtest("ttl_and_cache"))
		test_ttl_and_cache();
	if (test__start_subtest("error_answers"))
		test_error_answers();
	if (test__start_subtest("bad_zones"))
		test_bad_zones();
	if (test__start_subtest("dns_failures"))
		test_dns_failures();
	if (test__start_subtest("malformed"))
		test_malformed();
	if (test__start_subtest("inflight_cap"))
		test_inflight_cap();
	if (test__start_subtest("listing_rate"))
		test_listing_rate();
	if (test__start_subtest("reenable"))
		test_reenable();
	if (test__start_subtest("throughput"))
		test_throughput();
	free(sites);
	sites = NULL;
	live_teardown();
}
