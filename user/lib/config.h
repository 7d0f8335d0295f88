/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * config.h - the configuration file of mxguardd (and of the CLI commands
 * that need it), /etc/mxguard/mxguard.conf by default.
 *
 * Format: "key = value", one per line, '#' starts a comment, lists are
 * comma-separated. Any error rejects the whole file; each is reported as
 * "file:line: message". Without a file the embedded defaults apply.
 */
#ifndef MXG_CONFIG_H
#define MXG_CONFIG_H

#include <net/if.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include "addr.h"
#include "loader.h"
#include "mxguard_abi.h"

#define CFG_DEFAULT_PATH "/etc/mxguard/mxguard.conf"
#define CFG_DEFAULT_STATE "/var/lib/mxguard/state.gz"
#define CFG_MAX_LIST 256

struct cfg {
	char path[4096];		/* file read, or "" for defaults */

	/* the guard */
	char interface[IF_NAMESIZE];
	enum loader_xdp_mode xdp_mode;
	struct mxg_limits limits;	/* mode, ports, rates, v6_prefix, ... */
	struct loader_sizes sizes;

	/* sources that no automatic path may ban */
	struct mxg_prefix allow[CFG_MAX_LIST];
	size_t nallow;

	/* log evidence */
	char *log_files[CFG_MAX_LIST];
	size_t nlog_files;
	int journal;			/* 1: journalctl -f -o short-iso, 2: stdin */
	uint32_t max_retry;
	uint64_t find_time;		/* seconds */
	uint64_t ban_time;		/* seconds */
	double ban_time_factor;
	uint64_t ban_time_max;		/* seconds */
	uint64_t trust_time;		/* seconds a successful login is trusted */
	uint32_t promote_v4;		/* banned hosts in a /24 that ban it; 0 = off */
	uint32_t promote_v6;		/* banned prefixes in a /48 that ban it */
	uint64_t log_idle_warn;		/* warn after a silent log source; 0 = off */

	/* DNS evidence */
	char *dnsbl_sites;		/* raw "zone[=filter]*weight, ..." */
	int dnsbl_threshold;
	int dnswl_threshold;		/* score at or below it allowlists */
	char *dns_servers;		/* "host[:port], ..." or NULL: resolv.conf */
	uint64_t dnsbl_min_ttl;
	uint64_t dnsbl_max_ttl;
	uint64_t dnsbl_timeout_ms;
	uint32_t dnsbl_max_inflight;
	uint32_t dnsbl_event_rate;	/* new sources per second looked up */
	uint64_t dnsbl_health_interval;	/* seconds between zone health probes */

	/* daemon */
	char state_file[4096];
	uint64_t state_interval;	/* seconds between state writes */
	char control_socket[108];	/* "": /run/mxguard/IFACE.sock */
};

/* Reports one configuration error ("file:line: message"). */
typedef void (*cfg_report_fn)(const char *msg, void *arg);

/* cfg_defaults - the embedded defaults, as documented in mxguard.conf(5). */
void cfg_defaults(struct cfg *c);

/*
 * cfg_load - read path into c. A missing file is an error only when
 * must_exist is set; otherwise c keeps the defaults and c->path is empty.
 * On any error nothing of the file is kept (c holds the defaults), each
 * error went to report, and -EINVAL (or -errno of the open) is returned.
 */
int cfg_load(struct cfg *c, const char *path, int must_exist,
	     cfg_report_fn report, void *arg);

/* cfg_free - release the lists of c; c can be loaded again afterwards. */
void cfg_free(struct cfg *c);

/*
 * cfg_write_effective - print every key with its effective value, in the
 * file format, for mxguardd -n -d and the documentation test.
 */
void cfg_write_effective(const struct cfg *c, FILE *f);

/*
 * cfg_peek - the raw value of one key in path, without checking the rest
 * of the file (the CLI finds the daemon's socket even in a file the daemon
 * would reject). 0, -ENOENT when the key is not set, or -errno.
 */
int cfg_peek(const char *path, const char *key, char *buf, size_t len);

/* cfg_is_allowed - 1 when addr falls in the configured allow list. */
int cfg_is_allowed(const struct cfg *c, const struct mxg_prefix *addr);

#endif /* MXG_CONFIG_H */
