// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c - mxguardd, the daemon that owns the guard on one interface.
 *
 * It attaches the XDP guard (or adopts and upgrades a running one in one
 * step), applies the configuration to the pinned maps, bans sources on the
 * evidence of the mail logs and DNS lists, expires entries, and saves its
 * state. Stopping it leaves the guard enforcing unless --detach-on-exit
 * is given. Signals: SIGTERM/SIGINT stop, SIGHUP reloads the
 * configuration (a bad file keeps the old one).
 *
 * Everything runs in one thread around one epoll loop; no file descriptor
 * handler blocks for longer than its request's bounded timeout.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <syslog.h>
#include <unistd.h>
#include "feeds.h"
#include "loader.h"
#include "log.h"
#include "mxguardd.h"
#include "selfaddr.h"
#include "util.h"

#define EXIT_RUNTIME 1
#define EXIT_BPF 3

/* Handlers by file descriptor; the daemon opens few descriptors. */
#define MAX_FDS 4096

static struct {
	fd_handler fn;
	void *arg;
} handlers[MAX_FDS];

int loop_add(struct daemon *d, int fd, uint32_t events, fd_handler fn, void *arg)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	if (fd < 0 || fd >= MAX_FDS)
		return -EMFILE;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev))
		return -errno;
	handlers[fd].fn = fn;
	handlers[fd].arg = arg;
	return 0;
}

int loop_mod(struct daemon *d, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	if (epoll_ctl(d->epfd, EPOLL_CTL_MOD, fd, &ev))
		return -errno;
	return 0;
}

void loop_del(struct daemon *d, int fd)
{
	if (fd < 0 || fd >= MAX_FDS)
		return;
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, fd, NULL);
	handlers[fd].fn = NULL;
	handlers[fd].arg = NULL;
}

/* Collects reload errors for the control socket's answer. */
struct msg_collect {
	char *buf;
	size_t len, used;
};

static void report_collect(const char *msg, void *arg)
{
	struct msg_collect *c = arg;
	int n;

	pr_warn("%s", msg);
	if (c->used >= c->len)
		return;
	n = snprintf(c->buf + c->used, c->len - c->used, "%s%s",
		     c->used ? "; " : "", msg);
	if (n > 0)
		c->used += (size_t)n;
}

int daemon_reload(struct daemon *d, char *msg, size_t msglen)
{
	struct msg_collect mc = { .buf = msg, .len = msglen };
	struct cfg *next;
	char err[256];
	int e;

	msg[0] = '\0';
	next = malloc(sizeof(*next));
	if (!next) {
		snprintf(msg, msglen, "out of memory");
		return -ENOMEM;
	}

	/* parse and check everything before touching a map */
	e = cfg_load(next, d->cfg_path, d->cfg_must_exist, report_collect, &mc);
	if (!e && strcmp(next->interface, d->cfg.interface) && !d->ifname_override) {
		snprintf(err, sizeof(err),
			 "interface cannot change from '%s' to '%s' on reload; restart mxguardd",
			 d->cfg.interface, next->interface);
		report_collect(err, &mc);
		e = -EINVAL;
	}
	if (!e)
		e = feeds_check(d, next, err, sizeof(err));
	if (e) {
		if (e != -EINVAL && !mc.used)
			report_collect(err, &mc);
		cfg_free(next);
		free(next);
		d->stats.reload_failures++;
		pr_warn("reload failed; keeping the previous configuration");
		return -EINVAL;
	}

	/* apply */
	feeds_stop(d);
	cfg_free(&d->cfg);
	d->cfg = *next;
	free(next);
	feeds_start(d);
	apply_config(d);
	d->stats.reloads++;
	pr_info("reloaded the configuration from %s",
		d->cfg.path[0] ? d->cfg.path : "the embedded defaults");
	return 0;
}

void daemon_status_json(struct daemon *d, struct json *j)
{
	uint64_t now = now_boot_ns();

	json_begin_object(j);
	json_kv_uint(j, "pid", getpid());
	json_kv_string(j, "version", MXG_VERSION);
	json_kv_string(j, "interface", d->guard.ifname);
	json_kv_string(j, "config", d->cfg.path[0] ? d->cfg.path : "(defaults)");
	json_kv_uint(j, "uptime_sec", (now - d->started_ns) / NSEC_PER_SEC);
	json_kv_uint(j, "tracked_sources", d->tracker.n);
	json_kv_uint(j, "tracker_evictions", d->tracker.evicted);
	json_kv_string(j, "state_file", d->cfg.state_file);
	json_name(j, "state_written_sec_ago");
	if (d->last_state_write)
		json_uint(j, now_real_sec() - d->last_state_write);
	else
		json_null(j);
	json_name(j, "counters");
	json_begin_object(j);
	json_kv_uint(j, "bans_added", d->stats.bans_added);
	json_kv_uint(j, "bans_extended", d->stats.bans_extended);
	json_kv_uint(j, "bans_refused_full", d->stats.bans_refused_full);
	json_kv_uint(j, "bans_skipped_allowed", d->stats.bans_skipped_allowed);
	json_kv_uint(j, "entries_expired", d->stats.entries_expired);
	json_kv_uint(j, "promotions", d->stats.promotions);
	json_kv_uint(j, "new_source_events", d->stats.events_new_source);
	json_kv_uint(j, "dnsbl_bans", d->stats.dnsbl_bans);
	json_kv_uint(j, "dnswl_allows", d->stats.dnswl_allows);
	json_kv_uint(j, "reloads", d->stats.reloads);
	json_kv_uint(j, "reload_failures", d->stats.reload_failures);
	json_kv_uint(j, "state_writes", d->stats.state_writes);
	json_kv_uint(j, "state_write_failures", d->stats.state_write_failures);
	json_end_object(j);
	feeds_status_json(d, j);
	json_end_object(j);
}

void daemon_status_text(struct daemon *d, FILE *f)
{
	const struct daemon_stats *s = &d->stats;

	fprintf(f, "mxguardd %s (pid %d) guarding %s for %llus, configuration %s\n",
		MXG_VERSION, (int)getpid(), d->guard.ifname,
		(unsigned long long)((now_boot_ns() - d->started_ns) / NSEC_PER_SEC),
		d->cfg.path[0] ? d->cfg.path : "(embedded defaults)");
	fprintf(f, "bans: %llu added, %llu extended, %llu refused (blocklist full), %llu not made (allowed sources)\n",
		(unsigned long long)s->bans_added, (unsigned long long)s->bans_extended,
		(unsigned long long)s->bans_refused_full,
		(unsigned long long)s->bans_skipped_allowed);
	fprintf(f, "      %llu from DNS lists, %llu promoted to prefixes; %llu DNSWL allow entries; %llu entries expired\n",
		(unsigned long long)s->dnsbl_bans, (unsigned long long)s->promotions,
		(unsigned long long)s->dnswl_allows,
		(unsigned long long)s->entries_expired);
	fprintf(f, "sources tracked: %zu (%llu forgotten to stay within %d); new sources reported: %llu\n",
		d->tracker.n, (unsigned long long)d->tracker.evicted, TRACKER_MAX,
		(unsigned long long)s->events_new_source);
	feeds_status_text(d, f);
	if (d->last_state_write)
		fprintf(f, "state: %s, written %llds ago (%llu writes, %llu failed)\n",
			d->cfg.state_file, (long long)(now_real_sec() - d->last_state_write),
			(unsigned long long)s->state_writes,
			(unsigned long long)s->state_write_failures);
	fprintf(f, "reloads: %llu, %llu refused\n", (unsigned long long)s->reloads,
		(unsigned long long)s->reload_failures);
}

void daemon_metrics_prometheus(struct daemon *d, FILE *f)
{
	const struct daemon_stats *s = &d->stats;
	const char *i = d->guard.ifname;

	fprintf(f, "# HELP mxguard_daemon_bans_total Bans mxguardd wrote or did not write, by result.\n"
		"# TYPE mxguard_daemon_bans_total counter\n"
		"mxguard_daemon_bans_total{interface=\"%s\",result=\"added\"} %llu\n"
		"mxguard_daemon_bans_total{interface=\"%s\",result=\"extended\"} %llu\n"
		"mxguard_daemon_bans_total{interface=\"%s\",result=\"refused_full\"} %llu\n"
		"mxguard_daemon_bans_total{interface=\"%s\",result=\"skipped_allowed\"} %llu\n",
		i, (unsigned long long)s->bans_added, i, (unsigned long long)s->bans_extended,
		i, (unsigned long long)s->bans_refused_full,
		i, (unsigned long long)s->bans_skipped_allowed);
	fprintf(f, "# HELP mxguard_daemon_entries_expired_total Expired entries removed by mxguardd.\n"
		"# TYPE mxguard_daemon_entries_expired_total counter\n"
		"mxguard_daemon_entries_expired_total{interface=\"%s\"} %llu\n",
		i, (unsigned long long)s->entries_expired);
	fprintf(f, "# HELP mxguard_daemon_tracked_sources Sources the ban policy remembers.\n"
		"# TYPE mxguard_daemon_tracked_sources gauge\n"
		"mxguard_daemon_tracked_sources{interface=\"%s\"} %zu\n", i, d->tracker.n);
	feeds_metrics_prometheus(d, f);
}

static void on_signal(struct daemon *d, int fd, uint32_t events, void *arg)
{
	struct signalfd_siginfo si;
	char msg[1024];

	while (read(fd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			pr_info("stopping on signal %u", si.ssi_signo);
			d->quit = 1;
			break;
		case SIGHUP:
			daemon_reload(d, msg, sizeof(msg));
			break;
		case SIGCHLD:
			feeds_child_exited(d);
			break;
		}
	}
}

/* on_tick - once a second: feeds, sweeps, state, attachment. */
static void on_tick(struct daemon *d, int fd, uint32_t events, void *arg)
{
	uint64_t expirations;
	struct mxg_limits lim;

	if (read(fd, &expirations, sizeof(expirations)) < 0)
		return;
	d->ticks++;
	feeds_tick(d);
	if (d->ticks % SWEEP_INTERVAL == 0) {
		sweep_expired(d);
		check_attached(d);
		/* an operator may change v6_prefix live with 'mxguard limit set' */
		if (guard_limits_read(&d->guard, &lim) == 0 &&
		    lim.v6_prefix >= 32 && lim.v6_prefix <= 128)
			d->v6_prefix = lim.v6_prefix;
	}
	if (d->ticks % 60 == 0) {
		if (guard_lock(&d->guard) == 0) {
			selfaddr_sync(&d->guard);
			guard_unlock(&d->guard);
		}
		conn_rebuild_tick(&d->guard);
	}
	if ((uint64_t)(now_real_sec() - d->last_state_write) >= d->cfg.state_interval)
		state_save(d);
}

static int setup_loop(struct daemon *d)
{
	struct itimerspec its = {
		.it_interval = { .tv_sec = 1 },
		.it_value = { .tv_sec = 1 },
	};
	sigset_t mask;
	int err;

	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->epfd < 0)
		return -errno;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &mask, NULL))
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	d->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->sigfd < 0)
		return -errno;
	err = loop_add(d, d->sigfd, EPOLLIN, on_signal, NULL);
	if (err)
		return err;

	d->timerfd = timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK | TFD_CLOEXEC);
	if (d->timerfd < 0)
		return -errno;
	if (timerfd_settime(d->timerfd, 0, &its, NULL))
		return -errno;
	return loop_add(d, d->timerfd, EPOLLIN, on_tick, NULL);
}

static int run_loop(struct daemon *d)
{
	struct epoll_event evs[64];
	int n, i;

	while (!d->quit) {
		n = epoll_wait(d->epfd, evs, ARRAY_SIZE(evs), feeds_timeout_ms(d));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			pr_warn("epoll_wait failed: %s", strerror(errno));
			return -errno;
		}
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd >= 0 && fd < MAX_FDS && handlers[fd].fn)
				handlers[fd].fn(d, fd, evs[i].events, handlers[fd].arg);
		}
		feeds_after_wait(d);
	}
	return 0;
}

/* daemonize - detach from the terminal; logging goes to syslog. */
static int daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -errno;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0)
		_exit(0);
	if (chdir("/"))
		return -errno;
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: mxguardd [-c FILE] [-i IFACE] [-d] [-v] [-n] [--detach-on-exit]\n"
		"\n"
		"  -c FILE           configuration file (default %s;\n"
		"                    the embedded defaults apply when it does not exist)\n"
		"  -i IFACE          guard IFACE instead of the configured interface\n"
		"  -d                stay in the foreground and log to stderr\n"
		"  -v                log debug messages too\n"
		"  -n                check the configuration and exit (0 valid, 1 not)\n"
		"  --detach-on-exit  remove the guard when the daemon stops\n"
		"  -V                print the version\n"
		"\n"
		"See mxguardd(8) and mxguard.conf(5).\n",
		CFG_DEFAULT_PATH);
}

static void report_stderr(const char *msg, void *arg)
{
	fprintf(stderr, "%s\n", msg);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "interface", required_argument, NULL, 'i' },
		{ "debug", no_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "check", no_argument, NULL, 'n' },
		{ "detach-on-exit", no_argument, NULL, 'X' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static struct daemon d;
	int opt, check_only = 0, verbose = 0, pins_existed = 0, err, ret = 0;

	d.cfg_path = CFG_DEFAULT_PATH;
	d.ctl_fd = d.epfd = d.sigfd = d.timerfd = -1;
	while ((opt = getopt_long(argc, argv, "c:i:dvnVh", options, NULL)) >= 0) {
		switch (opt) {
		case 'c':
			d.cfg_path = optarg;
			d.cfg_must_exist = 1;
			break;
		case 'i':
			if (strlen(optarg) >= IF_NAMESIZE) {
				fprintf(stderr, "mxguardd: invalid interface '%s': at most %d characters\n",
					optarg, IF_NAMESIZE - 1);
				return 2;
			}
			d.ifname_override = optarg;
			break;
		case 'd':
			d.foreground = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'n':
			check_only = 1;
			break;
		case 'X':
			d.detach_on_exit = 1;
			break;
		case 'V':
			printf("mxguardd %s (map layout %u)\n", MXG_VERSION, MXG_ABI_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "mxguardd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}

	/* configuration: -n checks it and stops here */
	err = cfg_load(&d.cfg, d.cfg_path, d.cfg_must_exist, report_stderr, NULL);
	if (!err) {
		char msg[256];

		err = feeds_check(&d, &d.cfg, msg, sizeof(msg));
		if (err)
			fprintf(stderr, "%s\n", msg);
	}
	if (check_only) {
		if (!err && verbose)
			cfg_write_effective(&d.cfg, stdout);
		if (!err)
			fprintf(stderr, "mxguardd: configuration %s is valid\n",
				d.cfg.path[0] ? d.cfg.path : "(embedded defaults)");
		return err ? 1 : 0;
	}
	if (err)
		return 1;

	log_set_prefix("mxguardd");
	log_set_level(verbose ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
	log_libbpf_init();
	if (!d.foreground) {
		err = daemonize();
		if (err) {
			fprintf(stderr, "mxguardd: failed to detach: %s\n", strerror(-err));
			return 1;
		}
		log_to_syslog("mxguardd");
	}
	umask(077);
	d.started_ns = now_boot_ns();
	d.started_wall = now_real_sec();
	if (!d.cfg.path[0])
		pr_info("no configuration file at '%s'; using the embedded defaults",
			d.cfg_path);

	/* the guard: attach, or adopt and upgrade what is pinned */
	err = tracker_init(&d.tracker);
	if (err) {
		pr_warn("failed to allocate the source tracker: %s", strerror(-err));
		return EXIT_RUNTIME;
	}
	err = setup_loop(&d);
	if (err) {
		pr_warn("failed to set up the event loop: %s", strerror(-err));
		return EXIT_RUNTIME;
	}
	/* a second daemon for the same interface must not touch the guard */
	err = control_check(&d, d.ifname_override ? d.ifname_override : d.cfg.interface);
	if (err) {
		ret = EXIT_RUNTIME;
		goto out;
	}
	err = setup_guard(&d, &pins_existed);
	if (err) {
		ret = err == -ENODEV ? EXIT_RUNTIME : EXIT_BPF;
		goto out;
	}
	err = feeds_start(&d);
	if (err) {
		ret = EXIT_RUNTIME;
		goto out;
	}
	/* after a reboot the pins are gone: bans come back from the state file */
	state_load(&d, !pins_existed);
	err = apply_config(&d);
	if (err) {
		ret = EXIT_RUNTIME;
		goto out;
	}
	err = control_open(&d);
	if (err) {
		ret = EXIT_RUNTIME;
		goto out;
	}
	state_save(&d);
	pr_info("guarding %s (ports from the limits map; 'mxguard limit show')",
		d.guard.ifname);

	run_loop(&d);

	/* stop: save, and leave the guard enforcing unless told otherwise */
	state_save(&d);
out:
	control_close(&d);
	feeds_stop(&d);
	if (d.guard_open)
		guard_close(&d.guard);
	if (d.detach_on_exit && d.guard.ifname[0]) {
		err = loader_detach(d.guard.ifname);
		if (err && err != -ENOENT)
			pr_warn("failed to detach the guard from '%s': %s",
				d.guard.ifname, strerror(-err));
		else
			pr_info("detached the guard from %s", d.guard.ifname);
	} else if (d.guard_open) {
		pr_info("the guard stays attached to %s", d.guard.ifname);
	}
	tracker_free(&d.tracker);
	cfg_free(&d.cfg);
	return ret;
}
