// SPDX-License-Identifier: GPL-2.0-only
/*
 * feeds.c - evidence into the policy: lines of the mail logs (files, the
 * journal or stdin) through the parsers, new sources reported by the guard
 * through its ring buffer, and DNSBL/DNSWL verdicts through c-ares.
 *
 * Log positions are saved next to the state file, so a restart continues
 * where the last run stopped; on the very first start the logs are read
 * from their end, never from old lines.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "dnsbl.h"
#include "feeds.h"
#include "log.h"
#include "logfollow.h"
#include "logparse.h"
#include "util.h"

/* Events handed to the policy per log line, at most. */
#define EVENTS_PER_LINE 8
/* Seconds between saves of the log positions. */
#define POS_SAVE_INTERVAL 10
/* DNSBL bans remembered, to withdraw them if their zone turns out bad. */
#define DNSBAN_RING 16384

/* Lines and events of one log source (a file, or the journal). */
struct logsource_count {
	const char *name;
	uint64_t lines;
	uint64_t events[LP_LOGIN_OK + 1];
};

struct logfeed {
	struct logfollow *files;
	struct logfollow *journal;
	struct logparse *lp;
	char pos_path[4200];
	char cursor_path[4200];
	uint64_t lines;
	uint64_t events[LP_LOGIN_OK + 1];
	struct logsource_count *counts;	/* the files, then the journal */
	size_t ncounts;
	uint64_t *idle_warned;		/* per file: boot ns of the last warning */
};

/* One DNSBL ban, for withdrawal when a zone behind it is disabled. */
struct dnsban {
	struct mxg_prefix addr;
	uint64_t at_ns;
	uint32_t zones;			/* bit i: dnsbl_sites entry i listed */
};

struct dnsfeed {
	struct dnsbl *dnsbl;
	struct dnsbl_site *sites;
	size_t nsites;
	uint64_t lookups_over_cap;
	uint64_t withdrawn;
	struct dnsban ring[DNSBAN_RING];
	size_t ring_head, ring_n;
};

static enum evidence_kind kind_of(enum lp_kind k)
{
	switch (k) {
	case LP_AUTH_FAIL:
		return EV_AUTH_FAIL;
	case LP_REJECT:
		return EV_REJECT;
	case LP_PROTOCOL:
		return EV_PROTOCOL;
	default:
		return EV_LOGIN_OK;
	}
}

static void dns_lookup(struct daemon *d, const struct mxg_prefix *addr);

/* source_count - the counters of a source by its name (the journal last). */
static struct logsource_count *source_count(struct logfeed *lf, const char *source)
{
	size_t i;

	for (i = 0; i + 1 < lf->ncounts; i++)
		if (!strcmp(lf->counts[i].name, source))
			return &lf->counts[i];
	return &lf->counts[lf->ncounts - 1];
}

static void on_log_line(const char *line, size_t len, const char *source,
			void *arg)
{
	struct lp_event ev[EVENTS_PER_LINE];
	struct daemon *d = arg;
	struct logsource_count *sc = source_count(d->logs, source);
	int n, i;

	d->logs->lines++;
	sc->lines++;
	n = logparse_line(d->logs->lp, line, len, ev, EVENTS_PER_LINE);
	for (i = 0; i < n; i++) {
		if (ev[i].kind <= LP_LOGIN_OK) {
			d->logs->events[ev[i].kind] += ev[i].count;
			sc->events[ev[i].kind] += ev[i].count;
		}
		policy_log_event(d, kind_of(ev[i].kind), &ev[i].addr, ev[i].count,
				 line, len);
		/* a source the MTA talked to is worth a DNS lookup too */
		if (ev[i].kind != LP_LOGIN_OK)
			dns_lookup(d, &ev[i].addr);
	}
}

static void on_log_fd(struct daemon *d, int fd, uint32_t events, void *arg)
{
	struct logfollow *lf = arg;
	int n = logfollow_poll(lf, on_log_line, d);

	if (n < 0)
		pr_warn("failed to read the logs: %s", strerror(-n));
}

/* path_beside_state - a file next to the state file: STATE.suffix. */
static void path_beside_state(const struct daemon *d, const char *suffix,
			      char *buf, size_t len)
{
	snprintf(buf, len, "%s.%s", d->cfg.state_file, suffix);
}

static int open_logs(struct daemon *d)
{
	struct logfeed *lf;
	int err;

	if (!d->cfg.nlog_files && !d->cfg.journal)
		return 0;
	lf = calloc(1, sizeof(*lf));
	if (!lf)
		return -ENOMEM;
	d->logs = lf;
	lf->lp = logparse_new(0);
	if (!lf->lp)
		return -errno;
	path_beside_state(d, "logpos", lf->pos_path, sizeof(lf->pos_path));
	path_beside_state(d, "journal", lf->cursor_path, sizeof(lf->cursor_path));
	lf->ncounts = d->cfg.nlog_files + 1;
	lf->counts = calloc(lf->ncounts, sizeof(*lf->counts));
	if (!lf->counts)
		return -ENOMEM;
	for (size_t i = 0; i < d->cfg.nlog_files; i++)
		lf->counts[i].name = d->cfg.log_files[i];
	lf->counts[d->cfg.nlog_files].name =
		d->cfg.journal == 2 ? "stdin" : "journal";

	if (d->cfg.nlog_files) {
		lf->files = logfollow_new((const char *const *)d->cfg.log_files,
					  d->cfg.nlog_files);
		if (!lf->files) {
			err = -errno;
			pr_warn("failed to follow the log files: %s", strerror(-err));
			return err;
		}
		lf->idle_warned = calloc(d->cfg.nlog_files, sizeof(*lf->idle_warned));
		if (!lf->idle_warned)
			return -ENOMEM;
		/* continue where the last run stopped, if it saved a position */
		err = logfollow_load(lf->files, lf->pos_path);
		if (err)
			pr_warn("failed to load the log positions from '%s': %s, ignoring",
				lf->pos_path, strerror(-err));
		err = loop_add(d, logfollow_fd(lf->files), EPOLLIN, on_log_fd,
			       lf->files);
		if (err)
			return err;
	}
	if (d->cfg.journal) {
		/* a first start reads no old entry; later ones resume at the cursor */
		const char *argv[] = { "journalctl", "-f", "-o", "short-iso",
				       "--cursor-file", lf->cursor_path, NULL, NULL };
		const char *stdin_argv[] = { "-", NULL };

		if (access(lf->cursor_path, F_OK))
			argv[6] = "--lines=0";

		lf->journal = logfollow_new_command(d->cfg.journal == 2 ? stdin_argv : argv);
		if (!lf->journal) {
			err = -errno;
			pr_warn("failed to follow %s: %s",
				d->cfg.journal == 2 ? "standard input" : "the journal",
				strerror(-err));
			return err;
		}
		err = loop_add(d, logfollow_fd(lf->journal), EPOLLIN, on_log_fd,
			       lf->journal);
		if (err)
			return err;
	}
	return 0;
}

static void save_log_positions(struct daemon *d)
{
	int err;

	if (!d->logs || !d->logs->files)
		return;
	err = logfollow_save(d->logs->files, d->logs->pos_path);
	if (err)
		pr_warn("failed to save the log positions to '%s': %s",
			d->logs->pos_path, strerror(-err));
}

static void close_logs(struct daemon *d)
{
	struct logfeed *lf = d->logs;

	if (!lf)
		return;
	save_log_positions(d);
	if (lf->files) {
		loop_del(d, logfollow_fd(lf->files));
		logfollow_free(lf->files);
	}
	if (lf->journal) {
		loop_del(d, logfollow_fd(lf->journal));
		logfollow_free(lf->journal);
	}
	logparse_free(lf->lp);
	free(lf->counts);
	free(lf->idle_warned);
	free(lf);
	d->logs = NULL;
}

/* warn_idle_logs - a followed file silent for log_idle_warn, once an hour. */
static void warn_idle_logs(struct daemon *d)
{
	uint64_t now = now_boot_ns(), idle = d->cfg.log_idle_warn * NSEC_PER_SEC;
	struct logfollow_stats st;
	size_t i;

	if (!idle || !d->logs || !d->logs->files)
		return;
	for (i = 0; i < logfollow_nsources(d->logs->files); i++) {
		uint64_t since;

		if (logfollow_stats(d->logs->files, i, &st))
			continue;
		since = st.last_line_ns ? st.last_line_ns : d->started_ns;
		if (now - since < idle)
			continue;
		if (d->logs->idle_warned[i] &&
		    now - d->logs->idle_warned[i] < 3600 * NSEC_PER_SEC)
			continue;
		d->logs->idle_warned[i] = now;
		pr_warn("log '%s' has given no line for %llus%s; check that the MTA logs there and that rotation keeps the path",
			logfollow_source(d->logs->files, i),
			(unsigned long long)((now - since) / NSEC_PER_SEC),
			st.open ? "" : " (the file does not exist)");
	}
}

/* --- DNS lists ------------------------------------------------------------ */

static void dns_watch(int fd, int want_read, int want_write, void *arg);

static void on_dns_fd(struct daemon *d, int fd, uint32_t events, void *arg)
{
	if (d->dns)
		dnsbl_process_fd(d->dns->dnsbl, fd,
				 !!(events & (EPOLLIN | EPOLLERR | EPOLLHUP)),
				 !!(events & EPOLLOUT));
}

static void dns_watch(int fd, int want_read, int want_write, void *arg)
{
	struct daemon *d = arg;
	uint32_t ev = (want_read ? EPOLLIN : 0) | (want_write ? EPOLLOUT : 0);

	if (!ev) {
		loop_del(d, fd);
		return;
	}
	if (loop_mod(d, fd, ev) == -ENOENT)
		loop_add(d, fd, ev, on_dns_fd, NULL);
}

/* describe - "zone=answers*weight, ..., score S" for the evidence. */
static void describe(const struct dnsbl_result *r, char *buf, size_t len)
{
	size_t off = 0, i;
	unsigned a;

	off += snprintf(buf + off, len - off, "dnsbl score %d:", r->score);
	for (i = 0; i < r->nzones && off < len; i++) {
		const struct dnsbl_zone_result *z = &r->zones[i];

		if (!z->listed)
			continue;
		off += snprintf(buf + off, len - off, " %s=", z->zone);
		for (a = 0; a < z->nanswers && off < len; a++)
			off += snprintf(buf + off, len - off, "%s%s", a ? "," : "",
					z->answers[a]);
		if (off < len)
			off += snprintf(buf + off, len - off, "*%d", z->weight);
	}
}

static void remember_dnsban(struct dnsfeed *f, const struct dnsbl_result *r)
{
	struct dnsban *b = &f->ring[f->ring_head];
	size_t i;

	b->addr = r->addr;
	b->at_ns = now_boot_ns();
	b->zones = 0;
	for (i = 0; i < r->nzones && i < 32; i++)
		if (r->zones[i].listed)
			b->zones |= 1U << i;
	f->ring_head = (f->ring_head + 1) % DNSBAN_RING;
	if (f->ring_n < DNSBAN_RING)
		f->ring_n++;
}

static void on_dns_result(const struct dnsbl_result *r, void *arg)
{
	struct daemon *d = arg;
	char evidence[EVIDENCE_LEN];

	if (r->verdict == DNSBL_LISTED) {
		describe(r, evidence, sizeof(evidence));
		policy_dnsbl_ban(d, &r->addr, r->ttl, evidence);
		if (d->dns)
			remember_dnsban(d->dns, r);
	} else if (r->verdict == DNSBL_ALLOWED) {
		describe(r, evidence, sizeof(evidence));
		policy_dnswl_allow(d, &r->addr, r->ttl, evidence);
	}
}

static void dns_lookup(struct daemon *d, const struct mxg_prefix *addr)
{
	int err;

	if (!d->dns || addr_is_martian(addr) || cfg_is_allowed(&d->cfg, addr))
		return;
	err = dnsbl_submit(d->dns->dnsbl, addr, on_dns_result, d);
	if (err == -EBUSY)
		d->dns->lookups_over_cap++;
}

/*
 * on_zone_state - a zone that is disabled (it lists the world, or lists
 * nothing) takes back the bans it caused since its last good probe.
 */
static void on_zone_state(const char *zone, enum dnsbl_zone_state state,
			  const char *reason, uint64_t last_good_ns, void *arg)
{
	struct daemon *d = arg;
	struct dnsfeed *f = d->dns;
	uint32_t mask = 0;
	size_t i, k;
	int n = 0;

	if (state != DNSBL_ZONE_DISABLED) {
		pr_info("DNS list '%s' passed its health check and counts in scores",
			zone);
		return;
	}
	pr_warn("DNS list '%s' is disabled: %s; it counts in no score until it is healthy",
		zone, reason ? reason : "failed its health check");
	if (!f)
		return;
	for (i = 0; i < f->nsites && i < 32; i++)
		if (!strcmp(f->sites[i].zone, zone))
			mask |= 1U << i;
	if (guard_lock(&d->guard))
		return;
	for (k = 0; k < f->ring_n; k++) {
		struct dnsban *b = &f->ring[(f->ring_head + DNSBAN_RING - 1 - k) % DNSBAN_RING];
		struct mxg_prefix key;
		struct mxg_entry e;

		if (!(b->zones & mask) || b->at_ns < last_good_ns)
			continue;
		policy_key(d, &b->addr, &key);
		if (guard_entry_get(&d->guard, GUARD_BLOCK, &key, &e) == 0 &&
		    e.origin == MXG_ORIGIN_DAEMON && e.reason == MXG_REASON_DNSBL &&
		    guard_entry_del(&d->guard, GUARD_BLOCK, &key) == 0)
			n++;
		b->zones = 0;
	}
	guard_unlock(&d->guard);
	if (n) {
		f->withdrawn += n;
		pr_warn("withdrew %d DNSBL bans that '%s' caused since its last good health check",
			n, zone);
	}
}

static int open_dns(struct daemon *d)
{
	struct dnsbl_opts o = { 0 };
	struct dnsfeed *f;
	char err[256];
	int e;

	if (!d->cfg.dnsbl_sites || !*d->cfg.dnsbl_sites)
		return 0;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	e = dnsbl_sites_parse(d->cfg.dnsbl_sites, &f->sites, &f->nsites, err,
			      sizeof(err));
	if (e || !f->nsites) {
		pr_warn("dnsbl_sites: %s", e ? err : "no entries");
		free(f->sites);
		free(f);
		return -EINVAL;
	}
	o.sites = f->sites;
	o.nsites = f->nsites;
	o.threshold = d->cfg.dnsbl_threshold;
	o.wl_threshold = d->cfg.dnswl_threshold;
	o.servers = d->cfg.dns_servers;
	o.min_ttl = d->cfg.dnsbl_min_ttl;
	o.max_ttl = d->cfg.dnsbl_max_ttl;
	o.timeout_ms = d->cfg.dnsbl_timeout_ms;
	o.max_inflight = d->cfg.dnsbl_max_inflight;
	o.health_interval_sec = d->cfg.dnsbl_health_interval;
	f->dnsbl = dnsbl_new(&o, err, sizeof(err));
	if (!f->dnsbl) {
		e = -errno;
		pr_warn("failed to set up the DNS lists: %s", err);
		free(f->sites);
		free(f);
		return e ? e : -EINVAL;
	}
	d->dns = f;
	dnsbl_set_zone_cb(f->dnsbl, on_zone_state, d);
	dnsbl_set_watch(f->dnsbl, dns_watch, d);
	/* the first tick sends the health probes */
	dnsbl_tick(f->dnsbl);
	return 0;
}

static void close_dns(struct daemon *d)
{
	if (!d->dns)
		return;
	dnsbl_free(d->dns->dnsbl);
	free(d->dns->sites);
	free(d->dns);
	d->dns = NULL;
}

/* --- new sources from the guard --------------------------------------------- */

static int on_new_source(void *ctx, void *data, size_t size)
{
	const struct mxg_event *ev = data;
	struct daemon *d = ctx;
	struct mxg_prefix addr;

	if (size < sizeof(*ev))
		return 0;
	d->stats.events_new_source++;
	addr_from_mapped16(&addr, ev->addr);
	dns_lookup(d, &addr);
	return 0;
}

static void on_ring(struct daemon *d, int fd, uint32_t events, void *arg)
{
	ring_buffer__consume(d->events);
}

static int open_ring(struct daemon *d)
{
	int err;

	if (d->events)
		return 0;
	d->events = ring_buffer__new(d->guard.fd[GM_EVENTS], on_new_source, d, NULL);
	if (!d->events) {
		err = -errno;
		pr_warn("failed to open the new-source ring buffer: %s", strerror(-err));
		return err;
	}
	err = loop_add(d, ring_buffer__epoll_fd(d->events), EPOLLIN, on_ring, NULL);
	if (err) {
		ring_buffer__free(d->events);
		d->events = NULL;
	}
	return err;
}

int feeds_reopen_events(struct daemon *d)
{
	if (d->events) {
		loop_del(d, ring_buffer__epoll_fd(d->events));
		ring_buffer__free(d->events);
		d->events = NULL;
	}
	return open_ring(d);
}

/* --- the feeds as a whole ---------------------------------------------------- */

int feeds_check(struct daemon *d, const struct cfg *cfg, char *err,
		size_t errlen)
{
	struct dnsbl_site *sites = NULL;
	size_t n = 0;
	int e;

	if (!cfg->dnsbl_sites || !*cfg->dnsbl_sites)
		return 0;
	e = dnsbl_sites_parse(cfg->dnsbl_sites, &sites, &n, err, errlen);
	free(sites);
	return e ? -EINVAL : 0;
}

int feeds_start(struct daemon *d)
{
	int err;

	err = open_ring(d);
	if (err)
		return err;
	err = open_logs(d);
	if (err) {
		close_logs(d);
		return err;
	}
	err = open_dns(d);
	if (err) {
		close_logs(d);
		return err;
	}
	return 0;
}

void feeds_stop(struct daemon *d)
{
	close_logs(d);
	close_dns(d);
}

void feeds_tick(struct daemon *d)
{
	if (d->logs && d->logs->files)
		on_log_fd(d, -1, 0, d->logs->files);
	if (d->logs && d->logs->journal)
		on_log_fd(d, -1, 0, d->logs->journal);
	if (d->dns)
		dnsbl_tick(d->dns->dnsbl);
	if (d->ticks % POS_SAVE_INTERVAL == 0)
		save_log_positions(d);
	if (d->ticks % 60 == 0)
		warn_idle_logs(d);
}

int feeds_timeout_ms(struct daemon *d)
{
	return d->dns ? dnsbl_next_timeout_ms(d->dns->dnsbl) : -1;
}

void feeds_after_wait(struct daemon *d)
{
	if (d->dns && dnsbl_next_timeout_ms(d->dns->dnsbl) == 0)
		dnsbl_tick(d->dns->dnsbl);
}

void feeds_child_exited(struct daemon *d)
{
	/* the follower restarts its command; only reap it here */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static void logs_status_json(struct daemon *d, struct json *j)
{
	struct logfollow_stats st;
	enum lp_kind k;
	size_t i;

	json_name(j, "logs");
	if (!d->logs) {
		json_null(j);
		return;
	}
	json_begin_object(j);
	json_kv_uint(j, "lines", d->logs->lines);
	json_name(j, "events");
	json_begin_object(j);
	for (k = LP_AUTH_FAIL; k <= LP_LOGIN_OK; k++)
		json_kv_uint(j, lp_kind_name(k), d->logs->events[k]);
	json_end_object(j);
	json_name(j, "sources");
	json_begin_array(j);
	for (i = 0; d->logs->files && i < logfollow_nsources(d->logs->files); i++) {
		if (logfollow_stats(d->logs->files, i, &st))
			continue;
		json_begin_object(j);
		json_kv_string(j, "path", logfollow_source(d->logs->files, i));
		json_kv_bool(j, "open", st.open);
		json_kv_uint(j, "lines", st.lines);
		json_kv_uint(j, "lines_cut", st.lines_cut);
		json_kv_uint(j, "rotations", st.rotations);
		json_kv_uint(j, "truncations", st.truncations);
		json_name(j, "last_line_sec_ago");
		if (st.last_line_ns)
			json_uint(j, (now_boot_ns() - st.last_line_ns) / NSEC_PER_SEC);
		else
			json_null(j);
		json_end_object(j);
	}
	json_end_array(j);
	json_end_object(j);
}

static void dns_status_json(struct daemon *d, struct json *j)
{
	struct dnsbl_zone_stats zs;
	struct dnsbl_stats st;
	size_t i;

	json_name(j, "dnsbl");
	if (!d->dns) {
		json_null(j);
		return;
	}
	dnsbl_get_stats(d->dns->dnsbl, &st);
	json_begin_object(j);
	json_kv_uint(j, "lookups", st.lookups);
	json_kv_uint(j, "queries", st.queries);
	json_kv_uint(j, "cache_hits", st.cache_hits);
	json_kv_uint(j, "over_inflight_cap", st.overcap);
	json_kv_uint(j, "errors", st.errors);
	json_kv_uint(j, "timeouts", st.timeouts);
	json_kv_uint(j, "inflight", st.inflight);
	json_kv_uint(j, "cached", st.cached);
	json_kv_uint(j, "bans_withdrawn", d->dns->withdrawn);
	json_name(j, "zones");
	json_begin_array(j);
	for (i = 0; i < dnsbl_zone_count(d->dns->dnsbl); i++) {
		if (dnsbl_get_zone_stats(d->dns->dnsbl, i, &zs))
			continue;
		json_begin_object(j);
		json_kv_string(j, "zone", zs.zone);
		json_kv_string(j, "state",
			       zs.state == DNSBL_ZONE_ENABLED ? "enabled" :
			       zs.state == DNSBL_ZONE_DISABLED ? "disabled" : "pending");
		json_name(j, "reason");
		json_string(j, zs.reason);
		json_kv_uint(j, "queries", zs.queries);
		json_kv_uint(j, "listed", zs.listed);
		json_kv_uint(j, "errors", zs.errors);
		json_end_object(j);
	}
	json_end_array(j);
	json_end_object(j);
}

void feeds_status_json(struct daemon *d, struct json *j)
{
	json_name(j, "events");
	json_begin_object(j);
	json_kv_uint(j, "new_sources", d->stats.events_new_source);
	json_end_object(j);
	logs_status_json(d, j);
	dns_status_json(d, j);
}

/* prom_escape - a label value with Prometheus escaping. */
static void prom_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n') {
			fputs("\\n", f);
			continue;
		}
		fputc(*s, f);
	}
}

void feeds_metrics_prometheus(struct daemon *d, FILE *f)
{
	struct dnsbl_zone_stats zs;
	enum lp_kind k;
	size_t i;

	if (d->logs) {
		fputs("# HELP mxguard_log_lines_total Log lines read by mxguardd, by source.\n"
		      "# TYPE mxguard_log_lines_total counter\n", f);
		for (i = 0; i < d->logs->ncounts; i++) {
			fprintf(f, "mxguard_log_lines_total{interface=\"%s\",source=\"",
				d->guard.ifname);
			prom_escape(f, d->logs->counts[i].name);
			fprintf(f, "\"} %llu\n", (unsigned long long)d->logs->counts[i].lines);
		}
		fputs("# HELP mxguard_log_events_total Events found in the logs, by source and kind.\n"
		      "# TYPE mxguard_log_events_total counter\n", f);
		for (i = 0; i < d->logs->ncounts; i++) {
			for (k = LP_AUTH_FAIL; k <= LP_LOGIN_OK; k++) {
				fprintf(f, "mxguard_log_events_total{interface=\"%s\",source=\"",
					d->guard.ifname);
				prom_escape(f, d->logs->counts[i].name);
				fprintf(f, "\",kind=\"%s\"} %llu\n", lp_kind_name(k),
					(unsigned long long)d->logs->counts[i].events[k]);
			}
		}
	}
	if (!d->dns)
		return;
	fputs("# HELP mxguard_dnsbl_queries_total DNS list queries, by zone.\n"
	      "# TYPE mxguard_dnsbl_queries_total counter\n", f);
	for (i = 0; i < dnsbl_zone_count(d->dns->dnsbl); i++) {
		if (dnsbl_get_zone_stats(d->dns->dnsbl, i, &zs))
			continue;
		fprintf(f, "mxguard_dnsbl_queries_total{interface=\"%s\",zone=\"%s\",result=\"listed\"} %llu\n",
			d->guard.ifname, zs.zone, (unsigned long long)zs.listed);
		fprintf(f, "mxguard_dnsbl_queries_total{interface=\"%s\",zone=\"%s\",result=\"not_listed\"} %llu\n",
			d->guard.ifname, zs.zone,
			(unsigned long long)(zs.answers > zs.listed ? zs.answers - zs.listed : 0));
		fprintf(f, "mxguard_dnsbl_queries_total{interface=\"%s\",zone=\"%s\",result=\"error\"} %llu\n",
			d->guard.ifname, zs.zone, (unsigned long long)zs.errors);
	}
}

void feeds_status_text(struct daemon *d, FILE *f)
{
	struct dnsbl_zone_stats zs;
	struct logfollow_stats st;
	size_t i;

	if (!d->logs) {
		fputs("logs: none followed\n", f);
	} else {
		fprintf(f, "logs: %llu lines; auth_fail %llu, reject %llu, protocol %llu, login_ok %llu\n",
			(unsigned long long)d->logs->lines,
			(unsigned long long)d->logs->events[LP_AUTH_FAIL],
			(unsigned long long)d->logs->events[LP_REJECT],
			(unsigned long long)d->logs->events[LP_PROTOCOL],
			(unsigned long long)d->logs->events[LP_LOGIN_OK]);
		for (i = 0; d->logs->files && i < logfollow_nsources(d->logs->files); i++) {
			if (logfollow_stats(d->logs->files, i, &st))
				continue;
			fprintf(f, "  %s: %s, %llu lines, %llu rotations, %llu truncations\n",
				logfollow_source(d->logs->files, i),
				st.open ? "open" : "missing", (unsigned long long)st.lines,
				(unsigned long long)st.rotations,
				(unsigned long long)st.truncations);
		}
	}
	if (!d->dns) {
		fputs("dnsbl: no lists configured\n", f);
		return;
	}
	for (i = 0; i < dnsbl_zone_count(d->dns->dnsbl); i++) {
		if (dnsbl_get_zone_stats(d->dns->dnsbl, i, &zs))
			continue;
		fprintf(f, "dnsbl %s: %s%s%s, %llu queries, %llu listed, %llu errors\n",
			zs.zone,
			zs.state == DNSBL_ZONE_ENABLED ? "enabled" :
			zs.state == DNSBL_ZONE_DISABLED ? "disabled" : "pending",
			zs.reason ? ": " : "", zs.reason ? zs.reason : "",
			(unsigned long long)zs.queries, (unsigned long long)zs.listed,
			(unsigned long long)zs.errors);
	}
}
