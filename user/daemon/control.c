// SPDX-License-Identifier: GPL-2.0-only
/*
 * control.c - the daemon's control socket: status, reload, and the
 * evidence behind a source's ban for 'mxguard why'.
 *
 * The socket is root-only (mode 0600 in a 0700 directory, and the peer's
 * uid is checked). Each connection carries one request; a client that
 * does not send it within a second is dropped, so a stuck client cannot
 * stall the daemon.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "ctlproto.h"
#include "log.h"
#include "mxguardd.h"
#include "util.h"

#define CTL_REQUEST_TIMEOUT_MS 1000

/* struct json_buf - a JSON writer into a malloc'ed buffer (open_memstream). */
struct json_buf {
	struct json j;
	FILE *f;
	char *data;
	size_t len;
};

static int json_buf_open(struct json_buf *b, int pretty)
{
	b->data = NULL;
	b->len = 0;
	b->f = open_memstream(&b->data, &b->len);
	if (!b->f)
		return -errno;
	json_init(&b->j, b->f, pretty);
	return 0;
}

static void json_buf_close(struct json_buf *b)
{
	fclose(b->f);
}

/* Evidence about one source, for both forms of the answer. */
struct why_info {
	struct mxg_prefix addr, key;
	struct src *s;
	int protected;
	uint32_t fails;
	uint64_t trusted_sec;	/* 0: not trusted */
};

static int why_collect(struct daemon *d, const char *arg, struct why_info *w,
		       char *err, size_t errlen)
{
	uint64_t now = now_boot_ns(), window = d->cfg.find_time * NSEC_PER_SEC;
	uint32_t k;

	memset(w, 0, sizeof(*w));
	if (addr_parse(arg, &w->addr, err, errlen))
		return -EINVAL;
	policy_key(d, &w->addr, &w->key);
	w->protected = policy_protected(d, &w->addr);
	w->s = tracker_get(&d->tracker, &w->key, 0, 0);
	if (!w->s)
		return 0;
	for (k = 0; k < w->s->fails_n; k++)
		if (w->s->fails[k] + window >= now)
			w->fails++;
	if (w->s->trusted_until > now)
		w->trusted_sec = (w->s->trusted_until - now) / NSEC_PER_SEC;
	return 0;
}

/* evidence_at - the i-th evidence line of s, oldest first. */
static const struct evidence *evidence_at(const struct src *s, int i)
{
	return &s->ev[(s->ev_head + EVIDENCE_MAX - s->ev_n + i) % EVIDENCE_MAX];
}

static void format_time(int64_t wall, char *buf, size_t len)
{
	time_t t = wall;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void why_json(struct daemon *d, const struct why_info *w, struct json *j)
{
	char buf[PREFIX_STRLEN], when[32];
	int i;

	json_begin_object(j);
	json_kv_string(j, "address", prefix_format(&w->addr, buf, sizeof(buf)));
	json_kv_string(j, "source", prefix_format(&w->key, buf, sizeof(buf)));
	json_kv_bool(j, "protected", w->protected);
	json_kv_bool(j, "tracked", w->s != NULL);
	if (!w->s) {
		json_end_object(j);
		return;
	}
	json_kv_uint(j, "failures_in_window", w->fails);
	json_kv_uint(j, "max_retry", d->cfg.max_retry);
	json_kv_uint(j, "find_time_sec", d->cfg.find_time);
	json_kv_uint(j, "strikes", w->s->strikes);
	json_kv_uint(j, "next_ban_sec", policy_ban_time(&d->cfg, w->s->strikes));
	json_name(j, "trusted_sec");
	if (w->trusted_sec)
		json_uint(j, w->trusted_sec);
	else
		json_null(j);
	json_name(j, "evidence");
	json_begin_array(j);
	for (i = 0; i < w->s->ev_n; i++) {
		const struct evidence *e = evidence_at(w->s, i);

		format_time(e->wall, when, sizeof(when));
		json_begin_object(j);
		json_kv_string(j, "time", when);
		json_kv_string(j, "text", e->text);
		json_end_object(j);
	}
	json_end_array(j);
	json_end_object(j);
}

static void why_text(struct daemon *d, const struct why_info *w, FILE *f)
{
	char buf[PREFIX_STRLEN], when[32];
	int i;

	if (w->protected)
		fprintf(f, "  daemon: protected (allowlisted, own or configured); never banned automatically\n");
	if (!w->s) {
		fprintf(f, "  daemon: no failures or DNS evidence recorded for %s\n",
			prefix_format(&w->key, buf, sizeof(buf)));
		return;
	}
	fprintf(f, "  daemon: %u of %u failures within %llus, %u earlier bans (next ban %llus)%s\n",
		w->fails, d->cfg.max_retry, (unsigned long long)d->cfg.find_time,
		w->s->strikes,
		(unsigned long long)policy_ban_time(&d->cfg, w->s->strikes),
		w->trusted_sec ? ", trusted after a successful login" : "");
	for (i = 0; i < w->s->ev_n; i++) {
		const struct evidence *e = evidence_at(w->s, i);

		format_time(e->wall, when, sizeof(when));
		fprintf(f, "    %s %s\n", when, e->text);
	}
}

/* handle_request - build the response to one request; returns its code. */
static uint32_t handle_request(struct daemon *d, uint32_t type, const char *arg,
			       struct json_buf *out)
{
	char msg[2048];

	switch (type) {
	case CTL_STATUS:
		if (arg && !strcmp(arg, "text"))
			daemon_status_text(d, out->f);
		else
			daemon_status_json(d, &out->j);
		return 0;
	case CTL_METRICS:
		daemon_metrics_prometheus(d, out->f);
		return 0;
	case CTL_WHY:
	case CTL_WHY_TEXT: {
		struct why_info w;

		if (why_collect(d, arg, &w, msg, sizeof(msg))) {
			json_begin_object(&out->j);
			json_kv_string(&out->j, "error", msg);
			json_end_object(&out->j);
			return EINVAL;
		}
		if (type == CTL_WHY)
			why_json(d, &w, &out->j);
		else
			why_text(d, &w, out->f);
		return 0;
	}
	case CTL_RELOAD:
		json_begin_object(&out->j);
		if (daemon_reload(d, msg, sizeof(msg))) {
			json_kv_string(&out->j, "error", msg);
			json_end_object(&out->j);
			return EINVAL;
		}
		json_kv_string(&out->j, "result", "reloaded");
		json_kv_string(&out->j, "config", d->cfg.path[0] ? d->cfg.path : "(defaults)");
		json_end_object(&out->j);
		return 0;
	}
	json_begin_object(&out->j);
	json_kv_string(&out->j, "error", "unknown request");
	json_end_object(&out->j);
	return EOPNOTSUPP;
}

static void on_client(struct daemon *d, int lfd, uint32_t events, void *arg)
{
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	struct json_buf out;
	uint32_t type, len, code;
	char *payload = NULL;
	int fd, err;

	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) || cred.uid != 0) {
		ctl_send(fd, EPERM, NULL, 0);
		goto out_close;
	}
	err = ctl_recv(fd, CTL_REQUEST_TIMEOUT_MS, &type, &payload, &len);
	if (err) {
		pr_debug("control request dropped: %s", strerror(-err));
		goto out_close;
	}
	if (json_buf_open(&out, payload && !strcmp(payload, "pretty")))
		goto out_free;
	code = handle_request(d, type, payload, &out);
	json_buf_close(&out);
	ctl_send(fd, code, out.data, (uint32_t)out.len);
	free(out.data);
out_free:
	free(payload);
out_close:
	close(fd);
}

/* socket_in_use - 1 when a daemon answers on path. */
static int socket_in_use(const struct sockaddr_un *sun)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), used;

	if (fd < 0)
		return 0;
	used = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0;
	close(fd);
	return used;
}

int control_check(struct daemon *d, const char *ifname)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	if (d->cfg.control_socket[0])
		copy_str(d->ctl_path, d->cfg.control_socket, sizeof(d->ctl_path));
	else if (ctl_socket_path(ifname, d->ctl_path, sizeof(d->ctl_path)))
		return -ENAMETOOLONG;
	copy_str(sun.sun_path, d->ctl_path, sizeof(sun.sun_path));
	if (socket_in_use(&sun)) {
		pr_warn("another mxguardd answers on '%s'; stop it first", d->ctl_path);
		return -EADDRINUSE;
	}
	return 0;
}

int control_open(struct daemon *d)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, err;

	err = control_check(d, d->guard.ifname);
	if (err)
		return err;
	copy_str(sun.sun_path, d->ctl_path, sizeof(sun.sun_path));
	if (mkdir(CTL_SOCKET_DIR, 0700) && errno != EEXIST)
		pr_warn("failed to create '%s': %s", CTL_SOCKET_DIR, strerror(errno));
	unlink(d->ctl_path);

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) ||
	    chmod(d->ctl_path, 0600) || listen(fd, 16)) {
		err = -errno;
		pr_warn("failed to listen on '%s': %s", d->ctl_path, strerror(-err));
		close(fd);
		return err;
	}
	d->ctl_fd = fd;
	return loop_add(d, fd, EPOLLIN, on_client, NULL);
}

void control_close(struct daemon *d)
{
	if (d->ctl_fd < 0)
		return;
	loop_del(d, d->ctl_fd);
	close(d->ctl_fd);
	d->ctl_fd = -1;
	unlink(d->ctl_path);
}
