// SPDX-License-Identifier: GPL-2.0-only
/*
 * limits.c - names, ranges and text forms of the limits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "limits.h"
#include "util.h"

/* Numeric keys: offset of the __u32 field and its accepted range. */
struct num_key {
	const char *name;
	size_t off;
	unsigned long long min, max;
};

static const struct num_key num_keys[] = {
	{ "syn_rate", offsetof(struct mxg_limits, syn_rate), 0, 1000000 },
	{ "syn_burst", offsetof(struct mxg_limits, syn_burst), 1, 1000000 },
	{ "v6_prefix", offsetof(struct mxg_limits, v6_prefix), 48, 128 },
	{ "global_syn_rate", offsetof(struct mxg_limits, global_syn_rate), 0, 100000000 },
	{ "global_syn_burst", offsetof(struct mxg_limits, global_syn_burst), 1, 100000000 },
	{ "conn_limit", offsetof(struct mxg_limits, conn_limit), 0, 65535 },
	{ "event_rate", offsetof(struct mxg_limits, event_rate), 0, 1000000 },
	{ "seen_ttl", offsetof(struct mxg_limits, seen_ttl_sec), 1, 7 * 86400 },
	{ "hold_first_syn", offsetof(struct mxg_limits, hold_first_syn), 0, 1 },
};

const struct limit_key limit_keys[] = {
	{ "mode", "enforce drops; monitor only counts what it would drop" },
	{ "ports", "guarded TCP destination ports, comma-separated (at most 16)" },
	{ "syn_rate", "SYNs per second per source; 0 turns the bucket off" },
	{ "syn_burst", "SYNs a source may send at once (bucket depth)" },
	{ "v6_prefix", "IPv6 prefix length that counts as one source (48-128)" },
	{ "global_syn_rate", "SYNs per second from all sources; 0 turns it off" },
	{ "global_syn_burst", "depth of the global bucket, in SYNs" },
	{ "conn_limit", "open connections per source; 0 turns the cap off" },
	{ "event_rate", "new sources reported to the daemon per second; 0 = none" },
	{ "seen_ttl", "seconds before a source is reported again" },
	{ "hold_first_syn", "1 drops a new source's first SYN while DNS is asked" },
	{ NULL, NULL },
};

const char *limit_key_names(void)
{
	return "mode, ports, syn_rate, syn_burst, v6_prefix, global_syn_rate, "
	       "global_syn_burst, conn_limit, event_rate, seen_ttl, hold_first_syn";
}

static const struct num_key *find_num(const char *key)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(num_keys); i++)
		if (!strcmp(key, num_keys[i].name))
			return &num_keys[i];
	return NULL;
}

/* parse_ports - "25,465, 587" into a sorted, de-duplicated port list. */
static int parse_ports(struct mxg_limits *lim, const char *value, char *err,
		       size_t errlen)
{
	__u16 ports[MXG_MAX_PORTS];
	char *copy, *tok, *rest;
	int n = 0, i, j, ret = 0;

	copy = strdup(value);
	if (!copy)
		return -ENOMEM;
	/* strsep, not strtok: "25,,465" and "25," hold an empty port */
	rest = copy;
	while ((tok = strsep(&rest, ",")) != NULL) {
		char *t = str_trim(tok);
		uint64_t v;

		if (!*t && !rest && n == 0)
			break;	/* the whole value is blank */
		if (!*t) {
			snprintf(err, errlen,
				 "invalid ports '%s': empty entry; expected ports separated by single commas",
				 value);
			ret = -EINVAL;
			goto out;
		}
		if (parse_u64(t, 1, 65535, &v)) {
			snprintf(err, errlen,
				 "invalid port '%s' in '%s': expected a number from 1 to 65535",
				 t, value);
			ret = -EINVAL;
			goto out;
		}
		for (i = 0; i < n && ports[i] != v; i++)
			;
		if (i < n)
			continue;
		if (n == MXG_MAX_PORTS) {
			snprintf(err, errlen, "invalid ports '%s': at most %d ports",
				 value, MXG_MAX_PORTS);
			ret = -EINVAL;
			goto out;
		}
		ports[n++] = v;
	}
	if (n == 0) {
		snprintf(err, errlen,
			 "invalid ports '%s': expected a comma-separated list of ports",
			 value);
		ret = -EINVAL;
		goto out;
	}
	/* insertion sort keeps the list readable in 'limit show' */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && ports[j - 1] > ports[j]; j--) {
			__u16 t = ports[j];

			ports[j] = ports[j - 1];
			ports[j - 1] = t;
		}
	memset(lim->ports, 0, sizeof(lim->ports));
	memcpy(lim->ports, ports, n * sizeof(ports[0]));
out:
	free(copy);
	return ret;
}

int limits_set(struct mxg_limits *lim, const char *key, const char *value,
	       char *err, size_t errlen)
{
	const struct num_key *k;
	uint64_t v;

	if (!strcmp(key, "mode")) {
		if (!strcmp(value, "enforce"))
			lim->mode = MXG_MODE_ENFORCE;
		else if (!strcmp(value, "monitor"))
			lim->mode = MXG_MODE_MONITOR;
		else {
			snprintf(err, errlen,
				 "invalid mode '%s': expected 'enforce' or 'monitor'",
				 value);
			return -EINVAL;
		}
		return 0;
	}
	if (!strcmp(key, "ports"))
		return parse_ports(lim, value, err, errlen);
	k = find_num(key);
	if (!k)
		return -ENOENT;
	if (parse_u64(value, k->min, k->max, &v)) {
		snprintf(err, errlen,
			 "invalid %s '%s': expected a number from %llu to %llu",
			 key, value, k->min, k->max);
		return -EINVAL;
	}
	*(__u32 *)((char *)lim + k->off) = (__u32)v;
	return 0;
}

char *ports_format(const struct mxg_limits *lim, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < MXG_MAX_PORTS; i++) {
		if (!lim->ports[i])
			continue;
		off += snprintf(buf + off, len > off ? len - off : 0, "%s%u",
				off ? ", " : "", lim->ports[i]);
	}
	return buf;
}

int limits_get(const struct mxg_limits *lim, const char *key, char *buf,
	       size_t len)
{
	unsigned long long v;

	if (!strcmp(key, "mode")) {
		snprintf(buf, len, "%s",
			 lim->mode == MXG_MODE_MONITOR ? "monitor" : "enforce");
		return 0;
	}
	if (!strcmp(key, "ports")) {
		ports_format(lim, buf, len);
		return 0;
	}
	if (limits_get_u64(lim, key, &v))
		return -ENOENT;
	snprintf(buf, len, "%llu", v);
	return 0;
}

int limits_get_u64(const struct mxg_limits *lim, const char *key,
		   unsigned long long *v)
{
	const struct num_key *k;

	if (!strcmp(key, "mode")) {
		*v = lim->mode;
		return 0;
	}
	k = find_num(key);
	if (!k)
		return -ENOENT;
	*v = *(const __u32 *)((const char *)lim + k->off);
	return 0;
}

int limits_check(const struct mxg_limits *lim, char *err, size_t errlen)
{
	if (lim->syn_rate && lim->syn_burst == 0) {
		snprintf(err, errlen, "syn_burst must be at least 1 when syn_rate is set");
		return -EINVAL;
	}
	if (lim->global_syn_rate && lim->global_syn_burst == 0) {
		snprintf(err, errlen,
			 "global_syn_burst must be at least 1 when global_syn_rate is set");
		return -EINVAL;
	}
	if (!lim->ports[0]) {
		snprintf(err, errlen, "ports must name at least one port");
		return -EINVAL;
	}
	return 0;
}
