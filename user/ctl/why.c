// SPDX-License-Identifier: GPL-2.0-only
/*
 * why.c - 'mxguard why ADDR': what the guard does with a SYN from ADDR to a
 * guarded port, and which entry or limit decides it, read from the maps.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "conn.h"
#include "ctl.h"
#include "ctlproto.h"
#include "limits.h"
#include "util.h"

/* The facts behind a verdict, gathered from the maps. */
struct why {
	struct mxg_prefix addr;
	struct mxg_limits lim;
	uint64_t now;
	int martian;
	int allowed, blocked;
	struct mxg_prefix allow_p, block_p;
	struct mxg_entry allow_e, block_e;
	int has_bucket;
	double tokens;		/* SYNs the source may send right now */
	uint64_t limited;
	int seen;
	uint64_t seen_ago_sec;
	int has_conn;		/* the connection counter's maps exist */
	struct conn_source conn;
	const char *verdict;
	const char *reason;
	char *daemon;		/* the daemon's JSON answer, or NULL */
};

static void read_bucket(struct guard *g, struct why *w)
{
	struct mxg_prefix key = w->addr;
	struct mxg_bucket b;
	uint8_t k[16];
	double interval, backlog;

	if (key.family == AF_INET6)
		prefix_truncate(&key, w->lim.v6_prefix);
	addr_to_mapped16(&key, k);
	if (bpf_map_lookup_elem(g->fd[GM_BUCKET], k, &b))
		return;
	w->has_bucket = 1;
	w->limited = b.limited;
	if (!w->lim.syn_rate) {
		w->tokens = w->lim.syn_burst;
		return;
	}
	/* tokens = burst - (tat - now) / interval, the GCRA's view */
	interval = 1e9 / w->lim.syn_rate;
	backlog = b.tat_ns > w->now ? (double)(b.tat_ns - w->now) / interval : 0;
	w->tokens = w->lim.syn_burst - backlog;
	if (w->tokens < 0)
		w->tokens = 0;
}

static void read_seen(struct guard *g, struct why *w)
{
	uint8_t k[16];
	uint64_t t;

	addr_to_mapped16(&w->addr, k);
	if (bpf_map_lookup_elem(g->fd[GM_SEEN], k, &t))
		return;
	w->seen = 1;
	w->seen_ago_sec = t < w->now ? (w->now - t) / NSEC_PER_SEC : 0;
}

/* ask_daemon - the evidence mxguardd holds for the source, if it runs. */
static void ask_daemon(struct why *w, const char *ifname, const char *addr)
{
	uint32_t code;
	char *resp;

	if (ctl_daemon_request(ifname, json_output ? CTL_WHY : CTL_WHY_TEXT, addr,
			       &code, &resp))
		return;
	if (code) {
		free(resp);
		return;
	}
	w->daemon = resp;
}

static void decide(struct why *w)
{
	if (w->martian) {
		w->verdict = "pass";
		w->reason = "martian source: never counted or blocked";
	} else if (w->allowed) {
		w->verdict = "pass";
		w->reason = "allowlist";
	} else if (w->blocked) {
		w->verdict = "drop";
		w->reason = "blocklist";
	} else if (w->lim.syn_rate && w->has_bucket && w->tokens < 1) {
		w->verdict = "drop";
		w->reason = "syn_rate: the source's bucket is empty";
	} else if (w->lim.conn_limit && w->has_conn && w->conn.active &&
		   w->conn.open >= w->lim.conn_limit) {
		w->verdict = "drop";
		w->reason = "conn_limit: the source holds as many open connections as it may; a new one is refused";
	} else {
		w->verdict = "pass";
		w->reason = "no entry and within the limits";
	}
	if (w->lim.mode == MXG_MODE_MONITOR && !strcmp(w->verdict, "drop"))
		w->verdict = "would_drop";
}

static void json_expiry(uint64_t expires_ns, uint64_t now)
{
	json_name(jw, "expires_sec");
	if (expires_ns)
		json_uint(jw, (expires_ns - now + NSEC_PER_SEC - 1) / NSEC_PER_SEC);
	else
		json_null(jw);
}

static void print_json(const struct why *w, const char *ifname)
{
	char buf[PREFIX_STRLEN];

	json_start();
	json_begin_object(jw);
	json_kv_string(jw, "address", prefix_format(&w->addr, buf, sizeof(buf)));
	json_kv_string(jw, "interface", ifname);
	json_kv_string(jw, "verdict", w->verdict);
	json_kv_string(jw, "reason", w->reason);
	json_kv_bool(jw, "martian", w->martian);
	json_name(jw, "allow");
	if (w->allowed) {
		json_begin_object(jw);
		json_kv_string(jw, "prefix", prefix_format(&w->allow_p, buf, sizeof(buf)));
		json_kv_string(jw, "origin", origin_name(w->allow_e.origin));
		json_expiry(w->allow_e.expires_ns, w->now);
		json_kv_uint(jw, "hits", w->allow_e.hits);
		json_end_object(jw);
	} else {
		json_null(jw);
	}
	json_name(jw, "block");
	if (w->blocked) {
		json_begin_object(jw);
		json_kv_string(jw, "prefix", prefix_format(&w->block_p, buf, sizeof(buf)));
		json_kv_string(jw, "reason", reason_name(w->block_e.reason));
		json_kv_string(jw, "origin", origin_name(w->block_e.origin));
		json_expiry(w->block_e.expires_ns, w->now);
		json_kv_uint(jw, "hits", w->block_e.hits);
		json_end_object(jw);
	} else {
		json_null(jw);
	}
	json_name(jw, "bucket");
	if (w->has_bucket) {
		json_begin_object(jw);
		json_name(jw, "tokens");
		json_double(jw, w->tokens);
		json_kv_uint(jw, "burst", w->lim.syn_burst);
		json_kv_uint(jw, "rate", w->lim.syn_rate);
		json_kv_uint(jw, "limited", w->limited);
		json_end_object(jw);
	} else {
		json_null(jw);
	}
	json_name(jw, "conn");
	if (w->has_conn) {
		json_begin_object(jw);
		json_kv_uint(jw, "open", w->conn.open);
		json_kv_uint(jw, "pending", w->conn.pending);
		json_kv_uint(jw, "limit", w->lim.conn_limit);
		json_kv_bool(jw, "counting", w->conn.active);
		json_end_object(jw);
	} else {
		json_null(jw);
	}
	json_name(jw, "reported_sec_ago");
	if (w->seen)
		json_uint(jw, w->seen_ago_sec);
	else
		json_null(jw);
	json_name(jw, "daemon");
	if (w->daemon)
		json_raw(jw, w->daemon);
	else
		json_null(jw);
	json_end_object(jw);
	json_done();
}

static void print_conn(const struct why *w)
{
	const struct conn_source *c = &w->conn;

	if (!w->has_conn || !c->active) {
		if (w->lim.conn_limit)
			printf("  conn_limit: %u, not enforced: the connection counter is not attached\n",
			       w->lim.conn_limit);
		else
			printf("  conn_limit: off; the connection counter is not attached\n");
		return;
	}
	if (w->lim.conn_limit)
		printf("  conn_limit: %llu of %u connections open",
		       (unsigned long long)c->open, w->lim.conn_limit);
	else
		printf("  conn_limit: off (%llu connections open)",
		       (unsigned long long)c->open);
	if (c->pending)
		printf(", %llu handshakes in flight", (unsigned long long)c->pending);
	printf("\n");
}

static void print_plain(const struct why *w, const char *ifname)
{
	char buf[PREFIX_STRLEN], exp[32], ports[96];

	printf("%s on %s: %s (%s)\n", prefix_format(&w->addr, buf, sizeof(buf)),
	       ifname, w->verdict, w->reason);
	if (w->allowed) {
		format_duration_human(w->allow_e.expires_ns ?
					(w->allow_e.expires_ns - w->now) / NSEC_PER_SEC + 1 :
					DURATION_NEVER, exp, sizeof(exp));
		printf("  allowlist: %s (origin %s, expires %s, %llu hits)\n",
		       prefix_format(&w->allow_p, buf, sizeof(buf)),
		       origin_name(w->allow_e.origin), exp,
		       (unsigned long long)w->allow_e.hits);
	} else {
		printf("  allowlist: no entry\n");
	}
	if (w->blocked) {
		format_duration_human(w->block_e.expires_ns ?
					(w->block_e.expires_ns - w->now) / NSEC_PER_SEC + 1 :
					DURATION_NEVER, exp, sizeof(exp));
		printf("  blocklist: %s (reason %s, origin %s, expires %s, %llu SYNs dropped)\n",
		       prefix_format(&w->block_p, buf, sizeof(buf)),
		       reason_name(w->block_e.reason), origin_name(w->block_e.origin),
		       exp, (unsigned long long)w->block_e.hits);
	} else {
		printf("  blocklist: no entry\n");
	}
	if (!w->lim.syn_rate)
		printf("  syn_rate: off\n");
	else if (w->has_bucket)
		printf("  syn_rate: %.1f of %u SYNs left, refilling at %u/s (%llu refused so far)\n",
		       w->tokens, w->lim.syn_burst, w->lim.syn_rate,
		       (unsigned long long)w->limited);
	else
		printf("  syn_rate: no recent SYN (%u allowed at once, then %u/s)\n",
		       w->lim.syn_burst, w->lim.syn_rate);
	print_conn(w);
	if (w->seen)
		printf("  last reported to the daemon %llus ago\n",
		       (unsigned long long)w->seen_ago_sec);
	printf("  guarded ports: %s; mode %s\n",
	       ports_format(&w->lim, ports, sizeof(ports)),
	       w->lim.mode == MXG_MODE_MONITOR ? "monitor" : "enforce");
	if (w->daemon)
		fputs(w->daemon, stdout);
	else
		printf("  daemon: not running; the maps above are all there is\n");
}

int do_why(int argc, char **argv)
{
	char err[256];
	struct guard g;
	struct why w;
	int ret, e;

	if (argc != 1 || !strcmp(argv[0], "help")) {
		if (argc == 1 && !json_output) {
			fprintf(stderr,
				"Usage: %s why ADDR\n\n"
				"Shows the verdict for a SYN from ADDR to a guarded port and\n"
				"the allowlist entry, ban or limit behind it.\n",
				bin_name);
			return EXIT_OK;
		}
		p_err("expected 'why ADDR'");
		return EXIT_USAGE;
	}
	memset(&w, 0, sizeof(w));
	if (addr_parse(argv[0], &w.addr, err, sizeof(err))) {
		p_err("%s", err);
		return EXIT_USAGE;
	}
	ret = ctl_open_guard(&g);
	if (ret)
		return ret;
	e = guard_limits_read(&g, &w.lim);
	if (e) {
		p_err("failed to read the limits: %s", strerror(-e));
		guard_close(&g);
		return EXIT_RUNTIME;
	}
	w.now = now_boot_ns();
	w.martian = addr_is_martian(&w.addr);
	w.allowed = !guard_match(&g, GUARD_ALLOW, &w.addr, &w.allow_p, &w.allow_e);
	w.blocked = !guard_match(&g, GUARD_BLOCK, &w.addr, &w.block_p, &w.block_e);
	read_bucket(&g, &w);
	read_seen(&g, &w);
	w.has_conn = !conn_source_read(&g, &w.addr, w.lim.v6_prefix, &w.conn);
	decide(&w);
	ask_daemon(&w, g.ifname, argv[0]);

	if (json_output)
		print_json(&w, g.ifname);
	else
		print_plain(&w, g.ifname);
	free(w.daemon);
	guard_close(&g);
	return EXIT_OK;
}
