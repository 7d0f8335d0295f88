/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mxguardd.h - state shared by the parts of the daemon.
 *
 * One struct daemon owns everything: the configuration, the open guard
 * (pinned maps), the source tracker of the ban policy, the evidence feeds
 * (log follower, new-source ring buffer, DNSBL resolver) and the event
 * loop that drives them. All of it runs in one thread.
 */
#ifndef MXG_MXGUARDD_H
#define MXG_MXGUARDD_H

#include <stdint.h>
#include <stdio.h>
#include <bpf/libbpf.h>
#include "config.h"
#include "guard.h"
#include "json.h"

/* Sources the policy remembers at once; the least recently seen go first. */
#ifndef TRACKER_MAX
#define TRACKER_MAX 65536
#endif

/* Evidence lines kept per source for 'mxguard why', and their length. */
#define EVIDENCE_MAX 3
#define EVIDENCE_LEN 240

/* Seconds between sweeps of expired entries. */
#define SWEEP_INTERVAL 10

struct evidence {
	int64_t wall;			/* when it was seen, wall clock */
	char text[EVIDENCE_LEN];
};

/*
 * struct src - what the policy records about one source: an IPv4 address,
 * or an IPv6 prefix of v6_prefix bits.
 */
struct src {
	struct mxg_prefix key;
	uint64_t *fails;		/* ring of failure times, boot ns */
	uint32_t fails_cap, fails_n, fails_head;
	uint32_t strikes;		/* bans so far, for escalation */
	uint64_t banned_until;		/* boot ns of the daemon's last ban */
	uint64_t trusted_until;		/* boot ns; a login succeeded */
	uint64_t last_seen;		/* boot ns, for eviction */
	int64_t last_ban_wall;
	struct evidence ev[EVIDENCE_MAX];
	uint8_t ev_n, ev_head;
	struct src *hnext;
	struct src *lru_prev, *lru_next;
};

struct tracker {
	struct src **buckets;
	size_t nbuckets;
	size_t n;
	struct src *lru_head, *lru_tail;	/* head = most recent */
	uint64_t evicted;
};

/* Daemon counters, shown by 'mxguard daemon status'. */
struct daemon_stats {
	uint64_t bans_added;
	uint64_t bans_extended;
	uint64_t bans_refused_full;
	uint64_t bans_skipped_allowed;
	uint64_t entries_expired;
	uint64_t promotions;
	uint64_t events_new_source;
	uint64_t dnsbl_bans;
	uint64_t dnswl_allows;
	uint64_t reloads;
	uint64_t reload_failures;
	uint64_t state_writes;
	uint64_t state_write_failures;
};

struct logfeed;
struct dnsfeed;

struct daemon {
	struct cfg cfg;
	const char *cfg_path;
	int cfg_must_exist;
	const char *ifname_override;
	int foreground;
	int detach_on_exit;

	struct guard guard;
	int guard_open;
	uint32_t v6_prefix;		/* cached from the limits map */
	uint64_t started_ns;
	int64_t started_wall;

	struct tracker tracker;
	struct daemon_stats stats;

	int epfd;
	int sigfd;
	int timerfd;
	int ctl_fd;
	char ctl_path[108];

	struct ring_buffer *events;
	struct logfeed *logs;
	struct dnsfeed *dns;

	uint64_t ticks;
	int64_t last_state_write;
	int quit;
};

/* main.c: register fd in the event loop with a handler. */
typedef void (*fd_handler)(struct daemon *d, int fd, uint32_t events, void *arg);
int loop_add(struct daemon *d, int fd, uint32_t events, fd_handler fn, void *arg);
int loop_mod(struct daemon *d, int fd, uint32_t events);
void loop_del(struct daemon *d, int fd);

/* setup.c: the guard on the interface */
int setup_guard(struct daemon *d, int *pins_existed);
int apply_config(struct daemon *d);
int check_attached(struct daemon *d);
void sweep_expired(struct daemon *d);
int setup_events(struct daemon *d);

/* policy.c: the source tracker and ban decisions */
int tracker_init(struct tracker *t);
void tracker_free(struct tracker *t);
struct src *tracker_get(struct tracker *t, const struct mxg_prefix *key,
			int create, uint64_t now);
void policy_key(const struct daemon *d, const struct mxg_prefix *addr,
		struct mxg_prefix *key);
int policy_protected(struct daemon *d, const struct mxg_prefix *addr);

enum evidence_kind {
	EV_AUTH_FAIL,
	EV_REJECT,
	EV_PROTOCOL,
	EV_LOGIN_OK,
};

/*
 * policy_log_event - apply one event from a log line. Failures are counted
 * in the find_time window, and max_retry of them ban the source. A login
 * clears the count and earns trust. count is how many occurrences the line
 * represents.
 */
void policy_log_event(struct daemon *d, enum evidence_kind kind,
		      const struct mxg_prefix *addr, unsigned count,
		      const char *line, size_t len);

/* policy_dnsbl_ban - ban addr for ttl seconds on DNSBL evidence. */
void policy_dnsbl_ban(struct daemon *d, const struct mxg_prefix *addr,
		      uint64_t ttl, const char *evidence);

/* policy_dnswl_allow - allowlist addr for ttl seconds on DNSWL evidence. */
void policy_dnswl_allow(struct daemon *d, const struct mxg_prefix *addr,
			uint64_t ttl, const char *evidence);

/* policy_ban_time - seconds of the next ban of a source with these strikes. */
uint64_t policy_ban_time(const struct cfg *c, uint32_t strikes);

/* policy_add_evidence - remember a line of evidence for 'why'. */
void policy_add_evidence(struct src *s, const char *text, size_t len);

/* state.c: persistence */
int state_save(struct daemon *d);
int state_load(struct daemon *d, int restore_entries);

/* control.c: the control socket */
/* control_check - fail with -EADDRINUSE when another daemon listens on the socket. */
int control_check(struct daemon *d, const char *ifname);
int control_open(struct daemon *d);
void control_close(struct daemon *d);

/* main.c */
int daemon_reload(struct daemon *d, char *msg, size_t msglen);
void daemon_status_json(struct daemon *d, struct json *j);
void daemon_status_text(struct daemon *d, FILE *f);
void daemon_metrics_prometheus(struct daemon *d, FILE *f);

#endif /* MXG_MXGUARDD_H */
