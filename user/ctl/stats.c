// SPDX-License-Identifier: GPL-2.0-only
/*
 * stats.c - the stats object: the guard's packet counters, summed over
 * CPUs, as a table, as JSON or in the Prometheus text format.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ctl.h"
#include "ctlproto.h"

static const enum counter_group groups[] = {
	CG_PASS, CG_DROP, CG_WOULD_DROP, CG_EVENT, CG_MAP_FULL,
};

static uint64_t group_total(const uint64_t *c, enum counter_group want)
{
	enum counter_group grp;
	uint64_t sum = 0;
	__u32 i;

	for (i = 0; i < MXG_CNT_MAX; i++)
		if (counter_name(i, &grp) && grp == want)
			sum += c[i];
	return sum;
}

/*
 * daemon_answer - what the daemon of ifname answers to type/arg, or NULL
 * when none runs; the daemon adds its log and DNS counters to the stats.
 */
static char *daemon_answer(const char *ifname, uint32_t type, const char *arg)
{
	uint32_t code;
	char *resp;

	if (ctl_daemon_request(ifname, type, arg, &code, &resp))
		return NULL;
	if (code) {
		free(resp);
		return NULL;
	}
	return resp;
}

static void show_json(const uint64_t *c, const char *ifname)
{
	char *daemon = daemon_answer(ifname, CTL_STATUS, NULL);

	enum counter_group grp;
	size_t gi;
	__u32 i;

	json_start();
	json_begin_object(jw);
	json_kv_string(jw, "interface", ifname);
	for (gi = 0; gi < sizeof(groups) / sizeof(groups[0]); gi++) {
		json_name(jw, counter_group_name(groups[gi]));
		json_begin_object(jw);
		for (i = 0; i < MXG_CNT_MAX; i++) {
			const char *name = counter_name(i, &grp);

			if (name && grp == groups[gi])
				json_kv_uint(jw, name, c[i]);
		}
		json_end_object(jw);
	}
	json_name(jw, "total");
	json_begin_object(jw);
	json_kv_uint(jw, "pass", group_total(c, CG_PASS));
	json_kv_uint(jw, "drop", group_total(c, CG_DROP));
	json_kv_uint(jw, "would_drop", group_total(c, CG_WOULD_DROP));
	json_end_object(jw);
	json_name(jw, "daemon");
	if (daemon)
		json_raw(jw, daemon);
	else
		json_null(jw);
	json_end_object(jw);
	json_done();
	free(daemon);
}

static void show_plain(const uint64_t *c, const char *ifname)
{
	char *daemon = daemon_answer(ifname, CTL_STATUS, "text");

	enum counter_group grp;
	size_t gi;
	__u32 i;

	printf("interface %s: %llu passed, %llu dropped, %llu would drop (monitor)\n",
	       ifname, (unsigned long long)group_total(c, CG_PASS),
	       (unsigned long long)group_total(c, CG_DROP),
	       (unsigned long long)group_total(c, CG_WOULD_DROP));
	for (gi = 0; gi < sizeof(groups) / sizeof(groups[0]); gi++) {
		printf("%s:\n", counter_group_name(groups[gi]));
		for (i = 0; i < MXG_CNT_MAX; i++) {
			const char *name = counter_name(i, &grp);

			if (name && grp == groups[gi])
				printf("  %-20s %llu\n", name,
				       (unsigned long long)c[i]);
		}
	}
	if (daemon)
		printf("daemon:\n%s", daemon);
	else
		printf("daemon: not running (the counters above are the guard's)\n");
	free(daemon);
}

static const struct {
	enum counter_group group;
	const char *metric;
	const char *label;
	const char *help;
} prom_metrics[] = {
	{ CG_PASS, "mxguard_pass_packets_total", "reason",
	  "Packets passed by the XDP guard, by reason." },
	{ CG_DROP, "mxguard_drop_packets_total", "reason",
	  "SYNs dropped by the XDP guard, and connections refused at the socket lookup (conn_limit_refused), by reason." },
	{ CG_WOULD_DROP, "mxguard_would_drop_packets_total", "reason",
	  "SYNs and connections monitor mode passed but would have dropped or refused, by reason." },
	{ CG_EVENT, "mxguard_new_source_events_total", "result",
	  "New-source reports to the daemon, by result." },
	{ CG_MAP_FULL, "mxguard_map_full_total", "map",
	  "Inserts refused because a map was full, by map." },
};

/* prom_label - write a label value with Prometheus escaping. */
static void prom_label(const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			putchar('\\');
		if (*s == '\n') {
			fputs("\\n", stdout);
			continue;
		}
		putchar(*s);
	}
}

static void show_prometheus(const uint64_t *c, const char *ifname)
{
	enum counter_group grp;
	size_t m;
	__u32 i;

	for (m = 0; m < sizeof(prom_metrics) / sizeof(prom_metrics[0]); m++) {
		printf("# HELP %s %s\n# TYPE %s counter\n", prom_metrics[m].metric,
		       prom_metrics[m].help, prom_metrics[m].metric);
		for (i = 0; i < MXG_CNT_MAX; i++) {
			const char *name = counter_name(i, &grp);

			if (!name || grp != prom_metrics[m].group)
				continue;
			printf("%s{interface=\"", prom_metrics[m].metric);
			prom_label(ifname);
			printf("\",%s=\"%s\"} %llu\n", prom_metrics[m].label, name,
			       (unsigned long long)c[i]);
		}
	}
}

static int read_counters(uint64_t *c, struct guard *g)
{
	int ret, err;

	ret = ctl_open_guard(g);
	if (ret)
		return ret;
	err = guard_stats_read(g, c);
	if (err) {
		p_err("failed to read the counters: %s", strerror(-err));
		guard_close(g);
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

static int do_stats_show(int argc, char **argv)
{
	uint64_t c[MXG_CNT_MAX];
	struct guard g;
	int ret;

	if (argc) {
		p_err("unexpected '%s': 'stats show' takes no argument", argv[0]);
		return EXIT_USAGE;
	}
	ret = read_counters(c, &g);
	if (ret)
		return ret;
	if (json_output)
		show_json(c, g.ifname);
	else
		show_plain(c, g.ifname);
	guard_close(&g);
	return EXIT_OK;
}

static int do_stats_prometheus(int argc, char **argv)
{
	char *metrics;
	uint64_t c[MXG_CNT_MAX];
	struct guard g;
	int ret;

	if (argc) {
		p_err("unexpected '%s': 'stats prometheus' takes no argument",
		      argv[0]);
		return EXIT_USAGE;
	}
	if (json_output) {
		p_err("'stats prometheus' writes the Prometheus text format; use 'stats show -j' for JSON");
		return EXIT_USAGE;
	}
	ret = read_counters(c, &g);
	if (ret)
		return ret;
	show_prometheus(c, g.ifname);
	metrics = daemon_answer(g.ifname, CTL_METRICS, NULL);
	if (metrics)
		fputs(metrics, stdout);
	free(metrics);
	guard_close(&g);
	return EXIT_OK;
}

static int do_stats_help(int argc, char **argv)
{
	if (json_output) {
		printf("null\n");
		return EXIT_OK;
	}
	fprintf(stderr,
		"Usage: %1$s stats { show | prometheus }\n"
		"\n"
		"'show' prints every counter of the guard by verdict and reason;\n"
		"'prometheus' prints them in the Prometheus text format.\n",
		bin_name);
	return EXIT_OK;
}

static const struct cmd stats_cmds[] = {
	{ "help", do_stats_help },
	{ "show", do_stats_show },
	{ "prometheus", do_stats_prometheus },
	{ 0 }
};

int do_stats(int argc, char **argv)
{
	return cmd_select(stats_cmds, argc, argv, do_stats_help);
}
