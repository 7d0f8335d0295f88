/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * feeds.h - the daemon's sources of evidence: the mail logs, the guard's
 * new-source ring buffer and the DNS lists, wired into the event loop.
 */
#ifndef MXG_FEEDS_H
#define MXG_FEEDS_H

#include <stddef.h>
#include <stdio.h>
#include "mxguardd.h"

/* feeds_check - validate what cfg asks of the feeds; 0 or -EINVAL + err. */
int feeds_check(struct daemon *d, const struct cfg *cfg, char *err,
		size_t errlen);
/* feeds_start - open the feeds d->cfg asks for; 0 or -errno. */
int feeds_start(struct daemon *d);
/* feeds_stop - close them (the ring buffer stays with the guard). */
void feeds_stop(struct daemon *d);
/* feeds_reopen_events - follow the ring buffer of newly pinned maps. */
int feeds_reopen_events(struct daemon *d);
/* feeds_tick - once a second: poll log files, DNS timers, idle warnings. */
void feeds_tick(struct daemon *d);
/* feeds_timeout_ms - how long the loop may sleep, or -1. */
int feeds_timeout_ms(struct daemon *d);
/* feeds_after_wait - work due after each loop iteration (DNS timeouts). */
void feeds_after_wait(struct daemon *d);
/* feeds_child_exited - reap a log command (journalctl) that ended. */
void feeds_child_exited(struct daemon *d);
/* feeds_status_json - "logs", "dnsbl" and "events" members of the status. */
void feeds_status_json(struct daemon *d, struct json *j);

/* feeds_metrics_prometheus - log and DNS counters in the Prometheus format. */
void feeds_metrics_prometheus(struct daemon *d, FILE *f);
/* feeds_status_text - the feeds part of 'mxguard daemon status'. */
void feeds_status_text(struct daemon *d, FILE *f);

#endif /* MXG_FEEDS_H */
