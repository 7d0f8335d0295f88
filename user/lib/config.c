// SPDX-License-Identifier: GPL-2.0-only
/*
 * config.c - parse mxguard.conf: "key = value" lines, every key checked
 * against its type and range, the whole file rejected on any error.
 *
 * Each key has one entry in cfg_keys[] with its parser and its default as
 * text; mxguard.conf(5) documents the same list, and a test checks that
 * the two agree.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "dnsbl.h"
#include "limits.h"
#include "util.h"

/* Maximum line length; a longer line is an error, not a silent cut. */
#define CFG_LINE_MAX 8192

struct cfg_key;
typedef int (*cfg_parse_fn)(struct cfg *c, const struct cfg_key *k,
			    const char *value, char *err, size_t errlen);

struct cfg_key {
	const char *name;
	cfg_parse_fn parse;
	size_t off;		/* field in struct cfg, where one applies */
	uint64_t min, max;	/* range of numbers and durations (seconds) */
	const char *deflt;	/* the default as the file would spell it */
};

#define FIELD(f) offsetof(struct cfg, f)

/* Range of the DNSBL score thresholds (signed: allowlists weigh negative). */
#define SCORE_MIN -1000
#define SCORE_MAX 1000

static int parse_u32(struct cfg *c, const struct cfg_key *k, const char *v,
		     char *err, size_t errlen)
{
	uint64_t n;

	if (parse_u64(v, k->min, k->max, &n)) {
		snprintf(err, errlen, "invalid %s '%s': expected a number from %llu to %llu",
			 k->name, v, (unsigned long long)k->min,
			 (unsigned long long)k->max);
		return -EINVAL;
	}
	*(uint32_t *)((char *)c + k->off) = (uint32_t)n;
	return 0;
}

static int parse_int(struct cfg *c, const struct cfg_key *k, const char *v,
		     char *err, size_t errlen)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || v[0] == '+' || v[0] == ' ' ||
	    n < SCORE_MIN || n > SCORE_MAX) {
		snprintf(err, errlen, "invalid %s '%s': expected a number from %d to %d",
			 k->name, v, SCORE_MIN, SCORE_MAX);
		return -EINVAL;
	}
	*(int *)((char *)c + k->off) = (int)n;
	return 0;
}

static int parse_dur(struct cfg *c, const struct cfg_key *k, const char *v,
		     char *err, size_t errlen)
{
	char lo[32], hi[32];
	uint64_t s;

	if (parse_duration(v, &s) || s == DURATION_NEVER || s < k->min || s > k->max) {
		snprintf(err, errlen,
			 "invalid %s '%s': expected a duration N[s|m|h|d|w] from %s to %s",
			 k->name, v, format_duration(k->min, lo, sizeof(lo)),
			 format_duration(k->max, hi, sizeof(hi)));
		return -EINVAL;
	}
	*(uint64_t *)((char *)c + k->off) = s;
	return 0;
}

static int parse_ms(struct cfg *c, const struct cfg_key *k, const char *v,
		    char *err, size_t errlen)
{
	uint64_t n;
	size_t len = strlen(v);
	char num[32];

	/* "1500ms", "2s" or a plain number of milliseconds */
	if (len > 2 && !strcmp(v + len - 2, "ms"))
		len -= 2;
	if (len == 0 || len >= sizeof(num))
		goto bad;
	memcpy(num, v, len);
	num[len] = '\0';
	if (num[len - 1] == 's') {
		num[len - 1] = '\0';
		if (parse_u64(num, 0, 3600, &n))
			goto bad;
		n *= 1000;
	} else if (parse_u64(num, 0, 3600000, &n)) {
		goto bad;
	}
	if (n < k->min || n > k->max)
		goto bad;
	*(uint64_t *)((char *)c + k->off) = n;
	return 0;
bad:
	snprintf(err, errlen,
		 "invalid %s '%s': expected a time from %llums to %llums, as N[ms] or Ns",
		 k->name, v, (unsigned long long)k->min, (unsigned long long)k->max);
	return -EINVAL;
}

/* bool_value - yes/no, true/false or 1/0; -EINVAL for anything else. */
static int bool_value(const char *v, int *b)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
		*b = 1;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
		*b = 0;
	else
		return -EINVAL;
	return 0;
}

static int parse_bool(struct cfg *c, const struct cfg_key *k, const char *v,
		      char *err, size_t errlen)
{
	if (bool_value(v, (int *)((char *)c + k->off))) {
		snprintf(err, errlen, "invalid %s '%s': expected yes or no", k->name, v);
		return -EINVAL;
	}
	return 0;
}

static int parse_factor(struct cfg *c, const struct cfg_key *k, const char *v,
			char *err, size_t errlen)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (errno || *end || end == v || !(d >= 1.0 && d <= 100.0)) {
		snprintf(err, errlen,
			 "invalid %s '%s': expected a number from 1 to 100, such as 2 or 1.5",
			 k->name, v);
		return -EINVAL;
	}
	*(double *)((char *)c + k->off) = d;
	return 0;
}

static int parse_limit(struct cfg *c, const struct cfg_key *k, const char *v,
		       char *err, size_t errlen)
{
	int e = limits_set(&c->limits, k->name, v, err, errlen);

	if (e == -ENOENT)
		snprintf(err, errlen, "internal error: '%s' is not a limit", k->name);
	return e ? -EINVAL : 0;
}

static int parse_journal(struct cfg *c, const struct cfg_key *k,
			 const char *v, char *err, size_t errlen)
{
	int b;

	if (!strcmp(v, "stdin")) {
		c->journal = 2;
		return 0;
	}
	if (bool_value(v, &b)) {
		snprintf(err, errlen, "invalid journal '%s': expected yes, no or stdin", v);
		return -EINVAL;
	}
	c->journal = b;
	return 0;
}

static int parse_hold(struct cfg *c, const struct cfg_key *k, const char *v,
		      char *err, size_t errlen)
{
	int b;

	if (bool_value(v, &b)) {
		snprintf(err, errlen, "invalid %s '%s': expected yes or no", k->name, v);
		return -EINVAL;
	}
	c->limits.hold_first_syn = b;
	return 0;
}

static int parse_interface(struct cfg *c, const struct cfg_key *k,
			   const char *v, char *err, size_t errlen)
{
	size_t i, n = strlen(v);

	if (n == 0 || n >= IF_NAMESIZE) {
		snprintf(err, errlen,
			 "invalid interface '%s': expected a name of 1 to %d characters",
			 v, IF_NAMESIZE - 1);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (v[i] == '/' || v[i] == ' ' || v[i] == ',' || v[i] == ':') {
			snprintf(err, errlen,
				 "invalid interface '%s': one interface name expected",
				 v);
			return -EINVAL;
		}
	}
	copy_str(c->interface, v, sizeof(c->interface));
	return 0;
}

static int parse_xdp_mode(struct cfg *c, const struct cfg_key *k,
			  const char *v, char *err, size_t errlen)
{
	if (!strcmp(v, "auto"))
		c->xdp_mode = LOADER_MODE_AUTO;
	else if (!strcmp(v, "native"))
		c->xdp_mode = LOADER_MODE_NATIVE;
	else if (!strcmp(v, "generic"))
		c->xdp_mode = LOADER_MODE_GENERIC;
	else {
		snprintf(err, errlen,
			 "invalid xdp_mode '%s': expected auto, native or generic", v);
		return -EINVAL;
	}
	return 0;
}

/* for_each_item - call fn on each trimmed, non-empty comma-separated item. */
static int for_each_item(const char *v, int (*fn)(struct cfg *, const char *,
						  char *, size_t),
			 struct cfg *c, char *err, size_t errlen)
{
	char *copy = strdup(v), *tok, *save;
	int e = 0;

	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok && !e;
	     tok = strtok_r(NULL, ",", &save)) {
		char *t = str_trim(tok);

		if (*t)
			e = fn(c, t, err, errlen);
	}
	free(copy);
	return e;
}

static int add_allow(struct cfg *c, const char *item, char *err, size_t errlen)
{
	char perr[200];

	if (c->nallow == CFG_MAX_LIST) {
		snprintf(err, errlen, "too many allow entries: at most %d",
			 CFG_MAX_LIST);
		return -EINVAL;
	}
	if (prefix_parse(item, &c->allow[c->nallow], perr, sizeof(perr))) {
		snprintf(err, errlen, "allow: %s", perr);
		return -EINVAL;
	}
	c->nallow++;
	return 0;
}

static int parse_allow(struct cfg *c, const struct cfg_key *k, const char *v,
		       char *err, size_t errlen)
{
	c->nallow = 0;
	return for_each_item(v, add_allow, c, err, errlen);
}

static int add_log_file(struct cfg *c, const char *item, char *err,
			size_t errlen)
{
	if (item[0] != '/') {
		snprintf(err, errlen,
			 "invalid log file '%s': expected an absolute path", item);
		return -EINVAL;
	}
	if (c->nlog_files == CFG_MAX_LIST) {
		snprintf(err, errlen, "too many log files: at most %d", CFG_MAX_LIST);
		return -EINVAL;
	}
	c->log_files[c->nlog_files] = strdup(item);
	if (!c->log_files[c->nlog_files])
		return -ENOMEM;
	c->nlog_files++;
	return 0;
}

static void free_log_files(struct cfg *c)
{
	size_t i;

	for (i = 0; i < c->nlog_files; i++)
		free(c->log_files[i]);
	c->nlog_files = 0;
}

static int parse_log_files(struct cfg *c, const struct cfg_key *k,
			   const char *v, char *err, size_t errlen)
{
	free_log_files(c);
	return for_each_item(v, add_log_file, c, err, errlen);
}

static int set_string(char **dst, const char *v)
{
	char *s = strdup(v);

	if (!s)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

static int parse_dnsbl_sites(struct cfg *c, const struct cfg_key *k,
			     const char *v, char *err, size_t errlen)
{
	struct dnsbl_site *sites;
	size_t n;
	int e;

	/* checked here so a bad entry rejects the file; users parse it again */
	e = dnsbl_sites_parse(v, &sites, &n, err, errlen);
	if (e)
		return e;
	free(sites);
	return set_string(&c->dnsbl_sites, v);
}

static int add_dns_server(struct cfg *c, const char *item, char *err,
			  size_t errlen)
{
	char host[INET6_ADDRSTRLEN + 8], perr[200];
	const char *port = NULL;
	struct mxg_prefix p;
	uint64_t n;
	size_t len;

	/* host, host:port, [v6addr]:port or a bare IPv6 address */
	if (item[0] == '[') {
		const char *close = strchr(item, ']');

		if (!close)
			goto bad;
		len = close - item - 1;
		if (close[1] == ':')
			port = close + 2;
		else if (close[1])
			goto bad;
		item++;
	} else {
		const char *colon = strchr(item, ':');

		if (colon && !strchr(colon + 1, ':')) {
			len = colon - item;
			port = colon + 1;
		} else {
			len = strlen(item);
		}
	}
	if (len >= sizeof(host))
		goto bad;
	memcpy(host, item, len);
	host[len] = '\0';
	if (addr_parse(host, &p, perr, sizeof(perr)))
		goto bad;
	if (port && parse_u64(port, 1, 65535, &n))
		goto bad;
	return 0;
bad:
	snprintf(err, errlen,
		 "invalid DNS server '%s': expected ADDR, ADDR:PORT or [IPV6]:PORT",
		 item);
	return -EINVAL;
}

static int parse_dns_servers(struct cfg *c, const struct cfg_key *k,
			     const char *v, char *err, size_t errlen)
{
	int e = for_each_item(v, add_dns_server, c, err, errlen);

	return e ? e : set_string(&c->dns_servers, v);
}

static int parse_path(struct cfg *c, const struct cfg_key *k, const char *v,
		      char *err, size_t errlen)
{
	char *dst = (char *)c + k->off;

	if (v[0] != '/' || strlen(v) >= k->max) {
		snprintf(err, errlen,
			 "invalid %s '%s': expected an absolute path shorter than %llu bytes",
			 k->name, v, (unsigned long long)k->max);
		return -EINVAL;
	}
	copy_str(dst, v, k->max);
	return 0;
}

static int parse_size(struct cfg *c, const struct cfg_key *k, const char *v,
		      char *err, size_t errlen)
{
	return parse_u32(c, k, v, err, errlen);
}

#define DAY 86400ULL
#define LIM(name, deflt) { name, parse_limit, 0, 0, 0, deflt }

static const struct cfg_key cfg_keys[] = {
	{ "interface", parse_interface, 0, 0, 0, "eth0" },
	{ "xdp_mode", parse_xdp_mode, 0, 0, 0, "auto" },
	LIM("mode", "enforce"),
	LIM("ports", "25, 465, 587"),
	LIM("syn_rate", "5"),
	LIM("syn_burst", "20"),
	LIM("v6_prefix", "64"),
	LIM("global_syn_rate", "0"),
	LIM("global_syn_burst", "1000"),
	LIM("conn_limit", "50"),
	{ "allow", parse_allow, 0, 0, 0, "127.0.0.0/8, ::1" },
	{ "log_files", parse_log_files, 0, 0, 0, "/var/log/mail.log" },
	{ "journal", parse_journal, 0, 0, 0, "no" },
	{ "max_retry", parse_u32, FIELD(max_retry), 1, 1000, "5" },
	{ "find_time", parse_dur, FIELD(find_time), 1, 30 * DAY, "10m" },
	{ "ban_time", parse_dur, FIELD(ban_time), 1, 365 * DAY, "1h" },
	{ "ban_time_factor", parse_factor, FIELD(ban_time_factor), 0, 0, "2" },
	{ "ban_time_max", parse_dur, FIELD(ban_time_max), 1, 365 * DAY, "1w" },
	{ "trust_time", parse_dur, FIELD(trust_time), 1, 365 * DAY, "1d" },
	{ "promote_v4", parse_u32, FIELD(promote_v4), 0, 256, "0" },
	{ "promote_v6", parse_u32, FIELD(promote_v6), 0, 65536, "0" },
	{ "log_idle_warn", parse_dur, FIELD(log_idle_warn), 0, 30 * DAY, "1h" },
	{ "dnsbl_sites", parse_dnsbl_sites, 0, 0, 0, "" },
	{ "dnsbl_threshold", parse_int, FIELD(dnsbl_threshold), 0, 0, "3" },
	{ "dnswl_threshold", parse_int, FIELD(dnswl_threshold), 0, 0, "-1" },
	{ "dnsbl_hold_first_syn", parse_hold, 0, 0, 0, "no" },
	{ "dns_servers", parse_dns_servers, 0, 0, 0, "" },
	{ "dnsbl_min_ttl", parse_dur, FIELD(dnsbl_min_ttl), 1, 7 * DAY, "1m" },
	{ "dnsbl_max_ttl", parse_dur, FIELD(dnsbl_max_ttl), 1, 7 * DAY, "1h" },
	{ "dnsbl_timeout", parse_ms, FIELD(dnsbl_timeout_ms), 10, 60000, "2s" },
	{ "dnsbl_max_inflight", parse_u32, FIELD(dnsbl_max_inflight), 1, 4096, "64" },
	{ "dnsbl_event_rate", parse_u32, FIELD(dnsbl_event_rate), 1, 100000, "200" },
	{ "dnsbl_health_interval", parse_dur, FIELD(dnsbl_health_interval), 1, DAY, "5m" },
	{ "state_file", parse_path, FIELD(state_file), 0, sizeof(((struct cfg *)0)->state_file), CFG_DEFAULT_STATE },
	{ "state_interval", parse_dur, FIELD(state_interval), 1, DAY, "1m" },
	{ "control_socket", parse_path, FIELD(control_socket), 0, sizeof(((struct cfg *)0)->control_socket), "" },
	{ "block_max", parse_size, FIELD(sizes.block4), 1, 16777216, "262144" },
	{ "block6_max", parse_size, FIELD(sizes.block6), 1, 16777216, "65536" },
	{ "range_max", parse_size, FIELD(sizes.bnet), 1, 1048576, "16384" },
	{ "allow_max", parse_size, FIELD(sizes.allow), 1, 1048576, "4096" },
	{ "bucket_max", parse_size, FIELD(sizes.bucket), 1, 16777216, "131072" },
	{ "seen_max", parse_size, FIELD(sizes.seen), 1, 16777216, "131072" },
};

static const struct cfg_key *find_key(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cfg_keys); i++)
		if (!strcmp(cfg_keys[i].name, name))
			return &cfg_keys[i];
	return NULL;
}

void cfg_free(struct cfg *c)
{
	free_log_files(c);
	free(c->dnsbl_sites);
	c->dnsbl_sites = NULL;
	free(c->dns_servers);
	c->dns_servers = NULL;
}

void cfg_defaults(struct cfg *c)
{
	char err[256];
	size_t i;

	memset(c, 0, sizeof(*c));
	loader_default_limits(&c->limits);
	for (i = 0; i < ARRAY_SIZE(cfg_keys); i++) {
		if (!*cfg_keys[i].deflt)
			continue;
		/* the defaults are constants; a failure here is a build bug */
		if (cfg_keys[i].parse(c, &cfg_keys[i], cfg_keys[i].deflt, err,
				      sizeof(err)))
			abort();
	}
}

/* strip_comment - cut at a '#' that starts a comment. */
static void strip_comment(char *line)
{
	char *h = strchr(line, '#');

	if (h)
		*h = '\0';
}

/* parse_line - one "key = value" line into c; 0, or -EINVAL with err. */
static int parse_line(struct cfg *c, char *line, unsigned char *seen,
		      char *err, size_t errlen)
{
	const struct cfg_key *k;
	char *eq, *key, *value;

	strip_comment(line);
	key = str_trim(line);
	if (!*key)
		return 0;
	eq = strchr(key, '=');
	if (!eq) {
		snprintf(err, errlen, "expected 'key = value', got '%s'", key);
		return -EINVAL;
	}
	*eq = '\0';
	key = str_trim(key);
	value = str_trim(eq + 1);
	k = find_key(key);
	if (!k) {
		snprintf(err, errlen, "unknown key '%s'", key);
		return -EINVAL;
	}
	if (seen[k - cfg_keys]) {
		snprintf(err, errlen, "'%s' is set twice", key);
		return -EINVAL;
	}
	seen[k - cfg_keys] = 1;
	if (!*value && k->parse != parse_dnsbl_sites &&
	    k->parse != parse_log_files && k->parse != parse_allow &&
	    k->parse != parse_dns_servers) {
		snprintf(err, errlen, "'%s' needs a value", key);
		return -EINVAL;
	}
	return k->parse(c, k, value, err, errlen);
}

int cfg_load(struct cfg *c, const char *path, int must_exist,
	     cfg_report_fn report, void *arg)
{
	unsigned char seen[ARRAY_SIZE(cfg_keys)] = { 0 };
	char err[512], msg[4700], *line = NULL;
	unsigned lineno = 0;
	size_t cap = 0;
	ssize_t len;
	int bad = 0, e;
	FILE *f;

	cfg_defaults(c);
	f = fopen(path, "r");
	if (!f) {
		e = -errno;
		if (e == -ENOENT && !must_exist)
			return 0;
		snprintf(msg, sizeof(msg), "%s: %s", path, strerror(-e));
		report(msg, arg);
		return e;
	}

	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len > CFG_LINE_MAX) {
			snprintf(msg, sizeof(msg), "%s:%u: line longer than %d bytes",
				 path, lineno, CFG_LINE_MAX);
			report(msg, arg);
			bad++;
			continue;
		}
		if ((ssize_t)strlen(line) != len) {
			snprintf(msg, sizeof(msg), "%s:%u: NUL byte in line", path,
				 lineno);
			report(msg, arg);
			bad++;
			continue;
		}
		e = parse_line(c, line, seen, err, sizeof(err));
		if (e) {
			snprintf(msg, sizeof(msg), "%s:%u: %s", path, lineno, err);
			report(msg, arg);
			bad++;
		}
	}
	free(line);
	if (ferror(f)) {
		snprintf(msg, sizeof(msg), "%s: read error", path);
		report(msg, arg);
		bad++;
	}
	fclose(f);

	if (!bad && limits_check(&c->limits, err, sizeof(err))) {
		snprintf(msg, sizeof(msg), "%s: %s", path, err);
		report(msg, arg);
		bad++;
	}
	if (!bad && c->dnsbl_min_ttl > c->dnsbl_max_ttl) {
		snprintf(msg, sizeof(msg), "%s: dnsbl_min_ttl is above dnsbl_max_ttl",
			 path);
		report(msg, arg);
		bad++;
	}
	if (!bad && c->ban_time > c->ban_time_max) {
		snprintf(msg, sizeof(msg), "%s: ban_time is above ban_time_max", path);
		report(msg, arg);
		bad++;
	}
	if (bad) {
		cfg_free(c);
		cfg_defaults(c);
		return -EINVAL;
	}
	copy_str(c->path, path, sizeof(c->path));
	return 0;
}

static void write_list_prefixes(const struct cfg *c, FILE *f)
{
	char buf[PREFIX_STRLEN];
	size_t i;

	for (i = 0; i < c->nallow; i++)
		fprintf(f, "%s%s", i ? ", " : "",
			prefix_format(&c->allow[i], buf, sizeof(buf)));
}

void cfg_write_effective(const struct cfg *c, FILE *f)
{
	static const char *const modes[] = { "auto", "native", "generic" };
	char buf[64];
	size_t i, k;

	for (k = 0; k < ARRAY_SIZE(cfg_keys); k++) {
		const struct cfg_key *key = &cfg_keys[k];

		fprintf(f, "%s = ", key->name);
		if (key->parse == parse_limit) {
			char v[128];

			limits_get(&c->limits, key->name, v, sizeof(v));
			fputs(v, f);
		} else if (key->parse == parse_interface) {
			fputs(c->interface, f);
		} else if (key->parse == parse_xdp_mode) {
			fputs(modes[c->xdp_mode], f);
		} else if (key->parse == parse_allow) {
			write_list_prefixes(c, f);
		} else if (key->parse == parse_log_files) {
			for (i = 0; i < c->nlog_files; i++)
				fprintf(f, "%s%s", i ? ", " : "", c->log_files[i]);
		} else if (key->parse == parse_bool) {
			fputs(*(const int *)((const char *)c + key->off) ? "yes" : "no", f);
		} else if (key->parse == parse_journal) {
			static const char *const journal[] = { "no", "yes", "stdin" };

			fputs(journal[c->journal], f);
		} else if (key->parse == parse_hold) {
			fputs(c->limits.hold_first_syn ? "yes" : "no", f);
		} else if (key->parse == parse_u32 || key->parse == parse_size) {
			fprintf(f, "%u", *(const uint32_t *)((const char *)c + key->off));
		} else if (key->parse == parse_int) {
			fprintf(f, "%d", *(const int *)((const char *)c + key->off));
		} else if (key->parse == parse_dur) {
			fputs(format_duration(*(const uint64_t *)((const char *)c + key->off),
					      buf, sizeof(buf)), f);
		} else if (key->parse == parse_ms) {
			fprintf(f, "%llums", (unsigned long long)
				*(const uint64_t *)((const char *)c + key->off));
		} else if (key->parse == parse_factor) {
			fprintf(f, "%g", c->ban_time_factor);
		} else if (key->parse == parse_dnsbl_sites) {
			fputs(c->dnsbl_sites ? c->dnsbl_sites : "", f);
		} else if (key->parse == parse_dns_servers) {
			fputs(c->dns_servers ? c->dns_servers : "", f);
		} else if (key->parse == parse_path) {
			fputs((const char *)c + key->off, f);
		}
		fputc('\n', f);
	}
}

int cfg_peek(const char *path, const char *key, char *buf, size_t len)
{
	char *line = NULL, *k, *eq;
	size_t cap = 0;
	int err = -ENOENT;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) >= 0) {
		strip_comment(line);
		eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		k = str_trim(line);
		if (strcmp(k, key))
			continue;
		copy_str(buf, str_trim(eq + 1), len);
		err = 0;
	}
	free(line);
	fclose(f);
	return err;
}

int cfg_is_allowed(const struct cfg *c, const struct mxg_prefix *addr)
{
	size_t i;

	for (i = 0; i < c->nallow; i++)
		if (prefix_contains(&c->allow[i], addr))
			return 1;
	return 0;
}
