// SPDX-License-Identifier: GPL-2.0-only
/*
 * dnsbl.c - the dnsbl object: 'mxguard dnsbl check ADDR' looks ADDR up in
 * the configured dnsbl_sites the way mxguardd does, while a health probe
 * of each zone runs, and prints each zone's answers, the score and the
 * verdict.
 * It needs the configuration, not the guard, so it works anywhere.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "ctl.h"
#include "dnsbl.h"
#include "util.h"

static void report_config(const char *msg, void *arg)
{
	p_err("%s", msg);
}

/* entry_state - one word for an entry of the result. */
static const char *entry_state(const struct dnsbl_zone_result *z)
{
	if (z->disabled)
		return "disabled";
	if (z->status == DNSBL_ST_NONE || dnsbl_status_failed(z->status))
		return "error";
	if (z->pending)
		return "unchecked";
	return z->listed ? "listed" : "not listed";
}

static void print_json(const struct dnsbl_result *r, int threshold,
		       int wl_threshold)
{
	char buf[PREFIX_STRLEN];
	unsigned k;
	size_t i;

	json_start();
	json_begin_object(jw);
	json_kv_string(jw, "address", prefix_format(&r->addr, buf, sizeof(buf)));
	json_name(jw, "zones");
	json_begin_array(jw);
	for (i = 0; i < r->nzones; i++) {
		const struct dnsbl_zone_result *z = &r->zones[i];

		json_begin_object(jw);
		json_kv_string(jw, "zone", z->zone);
		json_name(jw, "filter");
		if (*z->filter)
			json_string(jw, z->filter);
		else
			json_null(jw);
		json_kv_int(jw, "weight", z->weight);
		json_name(jw, "answers");
		json_begin_array(jw);
		for (k = 0; k < z->nanswers; k++)
			json_string(jw, z->answers[k]);
		json_end_array(jw);
		json_kv_bool(jw, "listed", z->listed);
		json_kv_bool(jw, "counted", z->counted);
		json_kv_string(jw, "state", entry_state(z));
		json_name(jw, "error");
		if (z->error)
			json_string(jw, z->error);
		else
			json_null(jw);
		json_end_object(jw);
	}
	json_end_array(jw);
	json_kv_int(jw, "score", r->score);
	json_kv_int(jw, "threshold", threshold);
	json_kv_int(jw, "allowlist_threshold", wl_threshold);
	json_kv_string(jw, "verdict", dnsbl_verdict_name(r->verdict));
	json_kv_uint(jw, "ttl_sec", r->ttl);
	json_end_object(jw);
	json_done();
}

static void print_plain(const struct dnsbl_result *r, int threshold,
			int wl_threshold)
{
	char buf[PREFIX_STRLEN], name[DNSBL_ZONE_MAX + DNSBL_FILTER_MAX + 2];
	int width = 4;
	unsigned k;
	size_t i;

	for (i = 0; i < r->nzones; i++) {
		int n = (int)strlen(r->zones[i].zone) + 1 + (int)strlen(r->zones[i].filter);

		if (n > width)
			width = n;
	}
	printf("%-*s  %6s  %-10s  %s\n", width, "ZONE", "WEIGHT", "RESULT", "ANSWERS");
	for (i = 0; i < r->nzones; i++) {
		const struct dnsbl_zone_result *z = &r->zones[i];

		snprintf(name, sizeof(name), "%s%s%s", z->zone, *z->filter ? "=" : "",
			 z->filter);
		printf("%-*s  %6d  %-10s  ", width, name, z->weight, entry_state(z));
		for (k = 0; k < z->nanswers; k++)
			printf("%s%s", k ? " " : "", z->answers[k]);
		printf("%s\n", z->nanswers ? "" : "-");
		if (z->error)
			printf("%-*s  %6s  %s\n", width, "", "", z->error);
	}
	printf("\n%s: score %d (threshold %d", prefix_format(&r->addr, buf, sizeof(buf)),
	       r->score, threshold);
	if (wl_threshold < 0)
		printf(", allowlist threshold %d", wl_threshold);
	printf("), verdict %s, for %us\n", dnsbl_verdict_name(r->verdict), r->ttl);
}

static int check_setup(const struct cfg *c, struct dnsbl_site **sites,
		       size_t *nsites, struct dnsbl **d)
{
	const char *path = c->path[0] ? c->path : CFG_DEFAULT_PATH;
	struct dnsbl_opts o;
	char err[512];

	if (dnsbl_sites_parse(c->dnsbl_sites, sites, nsites, err, sizeof(err))) {
		p_err("%s: %s", path, err);
		return EXIT_RUNTIME;
	}
	if (!*nsites) {
		p_err("no DNSBL is configured: set dnsbl_sites in %s, for example 'dnsbl_sites = zen.spamhaus.org*3, list.dnswl.org*-5'%s",
		      path, c->path[0] ? "" : " (the file does not exist; -c FILE selects another)");
		return EXIT_RUNTIME;
	}
	memset(&o, 0, sizeof(o));
	o.sites = *sites;
	o.nsites = *nsites;
	o.threshold = c->dnsbl_threshold;
	o.wl_threshold = c->dnswl_threshold;
	o.servers = c->dns_servers && *c->dns_servers ? c->dns_servers : NULL;
	o.min_ttl = (unsigned)c->dnsbl_min_ttl;
	o.max_ttl = (unsigned)c->dnsbl_max_ttl;
	o.timeout_ms = (unsigned)c->dnsbl_timeout_ms;
	o.max_inflight = c->dnsbl_max_inflight;
	*d = dnsbl_new(&o, err, sizeof(err));
	if (!*d) {
		p_err("%s", err);
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

static int do_dnsbl_check(int argc, char **argv)
{
	struct dnsbl_site *sites = NULL;
	struct dnsbl_result *r = NULL;
	struct dnsbl *d = NULL;
	struct mxg_prefix addr;
	size_t nsites = 0;
	char err[256];
	struct cfg c;
	int ret, e;

	if (argc != 1) {
		p_err("expected 'dnsbl check ADDR'");
		return EXIT_USAGE;
	}
	if (addr_parse(argv[0], &addr, err, sizeof(err))) {
		p_err("%s", err);
		return EXIT_USAGE;
	}
	if (cfg_load(&c, opt_config ? opt_config : CFG_DEFAULT_PATH, !!opt_config,
		     report_config, NULL)) {
		cfg_free(&c);
		return EXIT_RUNTIME;
	}

	ret = check_setup(&c, &sites, &nsites, &d);
	if (ret)
		goto out_free;
	r = malloc(sizeof(*r));
	if (!r) {
		p_err("out of memory");
		ret = EXIT_RUNTIME;
		goto out_free;
	}

	/* health probes of every zone run along with the lookup */
	e = dnsbl_check_sync(d, &addr, r);
	if (e) {
		p_err("failed to look up '%s': %s", argv[0], strerror(-e));
		ret = EXIT_RUNTIME;
		goto out_free;
	}
	if (json_output)
		print_json(r, c.dnsbl_threshold, c.dnswl_threshold);
	else
		print_plain(r, c.dnsbl_threshold, c.dnswl_threshold);
	if (r->nqueried && !r->nanswered) {
		p_info("no DNS server answered: check dns_servers in the configuration and the resolver");
		ret = EXIT_RUNTIME;
	}
out_free:
	free(r);
	dnsbl_free(d);
	free(sites);
	cfg_free(&c);
	return ret;
}

static int do_dnsbl_help(int argc, char **argv)
{
	if (json_output) {
		printf("null\n");
		return EXIT_OK;
	}
	fprintf(stderr,
		"Usage: %1$s dnsbl check ADDR\n"
		"\n"
		"'check' probes each zone of dnsbl_sites with the RFC 5782 test points,\n"
		"looks ADDR up in every zone that passes, and prints each zone's answers,\n"
		"weight and errors, the total score and the verdict (listed, allowed,\n"
		"clean or unknown), scored as Postfix's postscreen scores\n"
		"postscreen_dnsbl_sites. It reads the configuration (-c FILE); it exits\n"
		"0 whatever the verdict and 1 when no DNS server answered.\n",
		bin_name);
	return EXIT_OK;
}

static const struct cmd dnsbl_cmds[] = {
	{ "help", do_dnsbl_help },
	{ "check", do_dnsbl_check },
	{ 0 }
};

int do_dnsbl(int argc, char **argv)
{
	return cmd_select(dnsbl_cmds, argc, argv, do_dnsbl_help);
}
