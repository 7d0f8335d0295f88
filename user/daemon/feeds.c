// SPDX-License-Identifier: GPL-2.0-only
/*
 * feeds.c - evidence into the policy: new sources reported by the guard
 * through its ring buffer.
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <bpf/libbpf.h>
#include "feeds.h"
#include "log.h"
#include "util.h"

static int on_new_source(void *ctx, void *data, size_t size)
{
	struct daemon *d = ctx;

	if (size < sizeof(struct mxg_event))
		return 0;
	d->stats.events_new_source++;
	return 0;
}

static void on_ring(struct daemon *d, int fd, uint32_t events, void *arg)
{
	ring_buffer__consume(d->events);
}

/* open_ring - consume the guard's new-source events. */
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

int feeds_check(struct daemon *d, const struct cfg *cfg, char *err,
		size_t errlen)
{
	return 0;
}

int feeds_start(struct daemon *d)
{
	return open_ring(d);
}

void feeds_stop(struct daemon *d)
{
}

void feeds_tick(struct daemon *d)
{
}

int feeds_timeout_ms(struct daemon *d)
{
	return -1;
}

void feeds_after_wait(struct daemon *d)
{
}

void feeds_child_exited(struct daemon *d)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

void feeds_status_json(struct daemon *d, struct json *j)
{
	json_name(j, "events");
	json_begin_object(j);
	json_kv_uint(j, "new_sources", d->stats.events_new_source);
	json_end_object(j);
}
