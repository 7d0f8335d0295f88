// SPDX-License-Identifier: GPL-2.0-only
/*
 * state.c - the state file: bans, allowlist entries and strike counts,
 * so that they survive a reboot (which empties bpffs).
 *
 * Format: gzip-compressed text, one record per line, times as wall-clock
 * seconds (boot-time ns mean nothing after a reboot):
 *
 *   mxguard-state 1 WRITTEN
 *   ban PREFIX REASON ORIGIN EXPIRES ADDED HITS      (EXPIRES 0 = never)
 *   allow PREFIX ORIGIN EXPIRES ADDED
 *   src PREFIX STRIKES LAST_BAN TRUSTED_UNTIL
 *   end RECORDS
 *
 * A file is written to a temporary name, fsynced and renamed over the old
 * one. A file that does not parse to its end record is set aside whole,
 * never half-loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "log.h"
#include "mxguardd.h"
#include "names.h"
#include "util.h"

#define STATE_MAGIC "mxguard-state"
#define STATE_VERSION 1
/* Refuse to inflate more than this: a state file is a few bytes per ban. */
#define STATE_MAX_BYTES (1024U << 20)

static const char *origin_word(__u32 origin)
{
	return origin_name(origin);
}

static int origin_parse(const char *s, __u32 *origin)
{
	static const __u32 all[] = {
		MXG_ORIGIN_OPERATOR, MXG_ORIGIN_DAEMON, MXG_ORIGIN_SELF,
		MXG_ORIGIN_CONFIG, MXG_ORIGIN_DNSWL,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(all); i++) {
		if (!strcmp(s, origin_name(all[i]))) {
			*origin = all[i];
			return 0;
		}
	}
	return -EINVAL;
}

/* boot_to_wall - a boot-time ns instant as wall-clock seconds; 0 stays 0. */
static int64_t boot_to_wall(uint64_t ns, uint64_t now_boot, int64_t now_wall)
{
	if (!ns)
		return 0;
	if (ns <= now_boot)
		return now_wall - (int64_t)((now_boot - ns) / NSEC_PER_SEC);
	return now_wall + (int64_t)((ns - now_boot + NSEC_PER_SEC - 1) / NSEC_PER_SEC);
}

struct save_ctx {
	gzFile gz;
	uint64_t now_boot;
	int64_t now_wall;
	size_t records;
	int err;
};

static int save_ban_fn(const struct mxg_prefix *p, const struct mxg_entry *e,
		       void *arg)
{
	struct save_ctx *c = arg;
	char buf[PREFIX_STRLEN];

	if (guard_entry_expired(e, c->now_boot))
		return 0;
	if (gzprintf(c->gz, "ban %s %s %s %lld %lld %llu\n",
		     prefix_format_full(p, buf, sizeof(buf)), reason_name(e->reason),
		     origin_word(e->origin),
		     (long long)boot_to_wall(e->expires_ns, c->now_boot, c->now_wall),
		     (long long)boot_to_wall(e->added_ns, c->now_boot, c->now_wall),
		     (unsigned long long)e->hits) <= 0)
		return -EIO;
	c->records++;
	return 0;
}

static int save_allow_fn(const struct mxg_prefix *p, const struct mxg_entry *e,
			 void *arg)
{
	struct save_ctx *c = arg;
	char buf[PREFIX_STRLEN];

	/* own and configured addresses are derived again at every start */
	if (guard_entry_expired(e, c->now_boot) || e->origin == MXG_ORIGIN_SELF ||
	    e->origin == MXG_ORIGIN_CONFIG)
		return 0;
	if (gzprintf(c->gz, "allow %s %s %lld %lld\n",
		     prefix_format_full(p, buf, sizeof(buf)), origin_word(e->origin),
		     (long long)boot_to_wall(e->expires_ns, c->now_boot, c->now_wall),
		     (long long)boot_to_wall(e->added_ns, c->now_boot, c->now_wall)) <= 0)
		return -EIO;
	c->records++;
	return 0;
}

static int save_sources(struct daemon *d, struct save_ctx *c)
{
	char buf[PREFIX_STRLEN];
	struct src *s;

	for (s = d->tracker.lru_head; s; s = s->lru_next) {
		int64_t trusted;

		if (!s->strikes && s->trusted_until <= c->now_boot)
			continue;
		trusted = s->trusted_until > c->now_boot ?
				  boot_to_wall(s->trusted_until, c->now_boot, c->now_wall) : 0;
		if (gzprintf(c->gz, "src %s %u %lld %lld\n",
			     prefix_format_full(&s->key, buf, sizeof(buf)), s->strikes,
			     (long long)s->last_ban_wall, (long long)trusted) <= 0)
			return -EIO;
		c->records++;
	}
	return 0;
}

/* make_parent - create the state file's directory (mode 0700) if needed. */
static void make_parent(const char *path)
{
	char copy[4096];

	copy_str(copy, path, sizeof(copy));
	mkdir(dirname(copy), 0700);
}

int state_save(struct daemon *d)
{
	const char *path = d->cfg.state_file;
	struct save_ctx c = {
		.now_boot = now_boot_ns(),
		.now_wall = now_real_sec(),
	};
	char tmp[4200], dir[4096];
	int fd, dfd, err = 0;

	make_parent(path);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		goto out_report;
	}
	c.gz = gzdopen(dup(fd), "wb6");
	if (!c.gz) {
		err = -ENOMEM;
		goto out_close;
	}

	gzprintf(c.gz, "%s %d %lld\n", STATE_MAGIC, STATE_VERSION,
		 (long long)c.now_wall);
	err = guard_walk(&d->guard, GUARD_BLOCK, save_ban_fn, &c);
	if (!err)
		err = guard_walk(&d->guard, GUARD_ALLOW, save_allow_fn, &c);
	if (!err)
		err = save_sources(d, &c);
	if (!err && gzprintf(c.gz, "end %zu\n", c.records) <= 0)
		err = -EIO;
	if (gzclose(c.gz) != Z_OK && !err)
		err = -EIO;
	if (!err && fsync(fd))
		err = -errno;
out_close:
	close(fd);
	if (!err && rename(tmp, path))
		err = -errno;
	if (err) {
		unlink(tmp);
		goto out_report;
	}

	/* the rename is durable only once the directory is synced */
	copy_str(dir, path, sizeof(dir));
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	d->stats.state_writes++;
	d->last_state_write = c.now_wall;
	return 0;

out_report:
	d->stats.state_write_failures++;
	pr_warn("failed to write the state file '%s': %s", path, strerror(-err));
	return err;
}

/* A parsed record, applied only once the whole file has parsed. */
struct record {
	char type;		/* 'b'an, 'a'llow, 's'rc */
	struct mxg_prefix prefix;
	__u32 reason, origin;
	int64_t expires, added, last_ban, trusted;
	uint64_t hits;
	uint32_t strikes;
};

struct records {
	struct record *r;
	size_t n, cap;
};

static int push_record(struct records *rs, const struct record *r)
{
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? 2 * rs->cap : 1024;
		struct record *more = realloc(rs->r, cap * sizeof(*more));

		if (!more)
			return -ENOMEM;
		rs->r = more;
		rs->cap = cap;
	}
	rs->r[rs->n++] = *r;
	return 0;
}

/* parse_record - one line into r; 1 for the end record, 0, or -EINVAL. */
static int parse_record(char *line, struct record *r, size_t *end_count)
{
	char type[8], prefix[64], w1[32], w2[32], err[128];
	long long a, b, c;
	unsigned long long h;
	unsigned strikes;
	int n;

	memset(r, 0, sizeof(*r));
	if (sscanf(line, "%7s", type) != 1)
		return -EINVAL;
	if (!strcmp(type, "end")) {
		if (sscanf(line, "end %zu%n", end_count, &n) != 1 || line[n])
			return -EINVAL;
		return 1;
	}
	if (!strcmp(type, "ban")) {
		if (sscanf(line, "ban %63s %31s %31s %lld %lld %llu%n", prefix, w1, w2,
			   &a, &b, &h, &n) != 6 || line[n])
			return -EINVAL;
		r->type = 'b';
		if (reason_parse(w1, &r->reason) || origin_parse(w2, &r->origin))
			return -EINVAL;
		r->expires = a;
		r->added = b;
		r->hits = h;
	} else if (!strcmp(type, "allow")) {
		if (sscanf(line, "allow %63s %31s %lld %lld%n", prefix, w1, &a, &b,
			   &n) != 4 || line[n])
			return -EINVAL;
		r->type = 'a';
		if (origin_parse(w1, &r->origin))
			return -EINVAL;
		r->expires = a;
		r->added = b;
	} else if (!strcmp(type, "src")) {
		if (sscanf(line, "src %63s %u %lld %lld%n", prefix, &strikes, &a, &c,
			   &n) != 4 || line[n])
			return -EINVAL;
		r->type = 's';
		r->strikes = strikes;
		r->last_ban = a;
		r->trusted = c;
	} else {
		return -EINVAL;
	}
	return prefix_parse(prefix, &r->prefix, err, sizeof(err)) ? -EINVAL : 0;
}

/* read_records - inflate and parse the whole file; -EINVAL if corrupt. */
static int read_records(const char *path, struct records *rs, int64_t *written,
			char *why, size_t whylen)
{
	char line[512];
	size_t lineno = 0, end_count = 0, total = 0;
	int got_end = 0, err = 0, version;
	long long w;
	gzFile gz;

	gz = gzopen(path, "rb");
	if (!gz)
		return errno ? -errno : -ENOMEM;
	if (!gzgets(gz, line, sizeof(line)) ||
	    sscanf(line, STATE_MAGIC " %d %lld", &version, &w) != 2 ||
	    version != STATE_VERSION) {
		snprintf(why, whylen, "not a version %d state file", STATE_VERSION);
		err = -EINVAL;
		goto out_close;
	}
	*written = w;
	lineno = 1;
	while (gzgets(gz, line, sizeof(line))) {
		struct record r;
		size_t len = strlen(line);
		int k;

		lineno++;
		total += len;
		if (got_end || total > STATE_MAX_BYTES || !len || line[len - 1] != '\n') {
			snprintf(why, whylen, "line %zu: unexpected data", lineno);
			err = -EINVAL;
			goto out_close;
		}
		line[len - 1] = '\0';
		k = parse_record(line, &r, &end_count);
		if (k < 0) {
			snprintf(why, whylen, "line %zu: malformed record", lineno);
			err = -EINVAL;
			goto out_close;
		}
		if (k == 1) {
			got_end = 1;
			continue;
		}
		err = push_record(rs, &r);
		if (err)
			goto out_close;
	}
	{
		int zerr;

		gzerror(gz, &zerr);
		if (zerr != Z_OK && zerr != Z_STREAM_END) {
			snprintf(why, whylen, "compressed data is damaged");
			err = -EINVAL;
			goto out_close;
		}
	}
	if (!got_end || end_count != rs->n) {
		snprintf(why, whylen, "file is truncated (no complete end record)");
		err = -EINVAL;
	}
out_close:
	gzclose(gz);
	return err;
}

/* set_aside - rename a corrupt file so the next write does not destroy it. */
static void set_aside(const char *path, const char *why)
{
	char dst[4200];

	snprintf(dst, sizeof(dst), "%s.corrupt.%lld", path, (long long)now_real_sec());
	if (rename(path, dst) == 0)
		pr_warn("state file '%s' is corrupt (%s); moved it to '%s' and started without it",
			path, why, dst);
	else
		pr_warn("state file '%s' is corrupt (%s) and could not be moved: %s; started without it",
			path, why, strerror(errno));
}

/* restore_entry - put one ban or allow entry back; 1 when it had expired. */
static int restore_entry(struct daemon *d, const struct record *r,
			 uint64_t now_boot, int64_t now_wall)
{
	struct mxg_entry e = {
		.reason = r->reason,
		.origin = r->origin,
		.hits = r->hits,
	};
	int64_t left = r->expires ? r->expires - now_wall : 0;
	int created;

	if (r->expires && left <= 0)
		return 1;
	/* a clock far off must not make a daemon ban outlive ban_time_max */
	if (r->type == 'b' && r->origin == MXG_ORIGIN_DAEMON &&
	    (!r->expires || (uint64_t)left > d->cfg.ban_time_max))
		left = d->cfg.ban_time_max;
	if (left)
		e.expires_ns = now_boot + (uint64_t)left * NSEC_PER_SEC;
	e.added_ns = r->added && r->added <= now_wall &&
				     (uint64_t)(now_wall - r->added) * NSEC_PER_SEC < now_boot ?
			     now_boot - (uint64_t)(now_wall - r->added) * NSEC_PER_SEC :
			     now_boot;
	return guard_entry_put(&d->guard, r->type == 'b' ? GUARD_BLOCK : GUARD_ALLOW,
			       &r->prefix, &e, &created);
}

int state_load(struct daemon *d, int restore_entries)
{
	const char *path = d->cfg.state_file;
	uint64_t now_boot = now_boot_ns();
	int64_t now_wall = now_real_sec(), written = 0;
	struct records rs = { 0 };
	int bans = 0, allows = 0, sources = 0, expired = 0, failed = 0, err, k;
	char why[128] = "";
	size_t i;

	err = read_records(path, &rs, &written, why, sizeof(why));
	if (err == -ENOENT) {
		pr_info("no state file at '%s'; starting empty", path);
		return 0;
	}
	if (err == -EINVAL) {
		set_aside(path, why);
		free(rs.r);
		return 0;
	}
	if (err) {
		pr_warn("failed to read the state file '%s': %s, ignoring", path,
			strerror(-err));
		free(rs.r);
		return 0;
	}

	if (restore_entries && guard_lock(&d->guard) == 0) {
		for (i = 0; i < rs.n; i++) {
			const struct record *r = &rs.r[i];

			if (r->type == 's')
				continue;
			k = restore_entry(d, r, now_boot, now_wall);
			if (k < 0)
				failed++;
			else if (k == 1)
				expired++;
			else if (r->type == 'b')
				bans++;
			else
				allows++;
		}
		guard_unlock(&d->guard);
	}
	for (i = 0; i < rs.n; i++) {
		const struct record *r = &rs.r[i];
		struct src *s;

		if (r->type != 's')
			continue;
		s = tracker_get(&d->tracker, &r->prefix, 1, now_boot);
		if (!s)
			continue;
		s->strikes = r->strikes;
		s->last_ban_wall = r->last_ban;
		if (r->trusted > now_wall)
			s->trusted_until = now_boot +
					   (uint64_t)(r->trusted - now_wall) * NSEC_PER_SEC;
		sources++;
	}
	free(rs.r);

	if (restore_entries)
		pr_info("restored %d bans and %d allowlist entries from '%s' (written %llds ago); %d had expired, %d failed; changes after that write are lost",
			bans, allows, path, (long long)(now_wall - written),
			expired, failed);
	pr_info("restored the strike counts of %d sources", sources);
	return 0;
}
