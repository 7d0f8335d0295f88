// SPDX-License-Identifier: GPL-2.0-only
/*
 * conn.c - attach, replace, detach and rebuild the connection counter of
 * bpf/conn.bpf.c, and read one source's count.
 *
 * The counter's object reuses every pinned map of the XDP guard it joins,
 * so both use one mxguard_conn, mxguard_pending and mxguard_conngen. Each
 * load checks this against the running XDP program. A replace
 * leaves no moment without a program: the sk_lookup link is updated in
 * place, and a new tracepoint or iterator link is pinned under a new name
 * and renamed over the old pin. For that moment both tracepoint programs
 * run, and the socket marks make sure each connection still counts once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "conn.h"
#include "log.h"
#include "util.h"
#include "conn.skel.h"

#define NETNS_SELF "/proc/self/ns/net"

/*
 * Suffix of a link pin waiting to be renamed over the live one; bpffs
 * refuses names with a dot in them.
 */
#define PIN_NEW_SUFFIX "_new"

/* The counter's maps that the XDP program must use as well. */
static const char *const shared_maps[] = {
	MXG_MAP_CONN, MXG_MAP_PENDING, MXG_MAP_CONNGEN,
};

static const char *const link_pins[] = {
	MXG_PIN_CONN_STATE, MXG_PIN_CONN_LOOKUP, MXG_PIN_CONN_ITER,
};

/* obj_get - open the object pinned at dir/name; fd or -errno. */
static int obj_get(const char *dir, const char *name)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

static int current_netns(__u64 *ino)
{
	struct stat st;

	if (stat(NETNS_SELF, &st))
		return -errno;
	*ino = st.st_ino;
	return 0;
}

/* lock_dir - take the interface lock on dir; the fd to close, or -errno. */
static int lock_dir(const char *dir)
{
	int fd, err;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/*
 * pin_over - pin fd at dir/name. An existing pin is replaced by a rename,
 * so the path never goes missing and the old link is released only when
 * the new one is in place.
 */
static int pin_over(int fd, const char *dir, const char *name)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/%s%s", dir, name, PIN_NEW_SUFFIX);
	unlink(tmp);
	if (bpf_obj_pin(fd, tmp))
		return -errno;
	if (rename(tmp, path)) {
		err = -errno;
		unlink(tmp);
		return err;
	}
	return 0;
}

/* open_and_load - load the counter with every map pinned in dir reused. */
static struct conn *open_and_load(const char *dir)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = dir);
	struct bpf_map *map;
	struct conn *skel;
	int fd, err;

	skel = conn__open_opts(&oo);
	if (!skel)
		return NULL;
	/*
	 * Adopt each pin as it is, whatever size the guard gave it; libbpf's
	 * own reuse would refuse a pin whose size differs from the default.
	 */
	bpf_object__for_each_map(map, skel->obj) {
		fd = obj_get(dir, bpf_map__name(map));
		if (fd < 0)
			continue;	/* created and pinned by the load */
		err = bpf_map__reuse_fd(map, fd);
		close(fd);
		if (err)
			goto out_destroy;
	}
	err = conn__load(skel);
	if (err)
		goto out_destroy;
	return skel;

out_destroy:
	conn__destroy(skel);
	errno = -err;
	return NULL;
}

static int map_id(int fd, __u32 *id)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	*id = info.id;
	return 0;
}

/*
 * check_shared - make sure the XDP program attached through dir/link
 * reads the very maps the counter writes.
 */
static int check_shared(const char *dir, struct conn *skel)
{
	struct bpf_link_info li = {};
	struct bpf_prog_info pi = {};
	__u32 ids[64], len, id = 0, i;
	size_t m;
	int fd, err = 0, found;

	fd = obj_get(dir, MXG_PIN_LINK);
	if (fd < 0)
		return fd;
	len = sizeof(li);
	if (bpf_obj_get_info_by_fd(fd, &li, &len)) {
		err = -errno;
		close(fd);
		return err;
	}
	close(fd);
	fd = bpf_prog_get_fd_by_id(li.prog_id);
	if (fd < 0)
		return -errno;
	pi.nr_map_ids = ARRAY_SIZE(ids);
	pi.map_ids = (__u64)(unsigned long)ids;
	len = sizeof(pi);
	if (bpf_obj_get_info_by_fd(fd, &pi, &len))
		err = -errno;
	close(fd);
	if (err)
		return err;

	for (m = 0; m < ARRAY_SIZE(shared_maps); m++) {
		struct bpf_map *map;

		map = bpf_object__find_map_by_name(skel->obj, shared_maps[m]);
		if (!map)
			return -ENOENT;
		err = map_id(bpf_map__fd(map), &id);
		if (err)
			return err;
		found = 0;
		for (i = 0; i < pi.nr_map_ids && i < ARRAY_SIZE(ids); i++)
			found |= ids[i] == id;
		if (!found) {
			pr_warn("the XDP program in '%s' does not read map '%s' of the connection counter; replace it with this version's",
				dir, shared_maps[m]);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * set_netns - record the namespace of this process as the counted one.
 * *moved is set when it differs from the one recorded before.
 */
static int set_netns(int gen_fd, int *moved)
{
	struct mxg_conngen g;
	__u32 key = 0;
	__u64 ino = 0;
	int err;

	err = current_netns(&ino);
	if (err)
		return err;
	if (bpf_map_lookup_elem(gen_fd, &key, &g))
		return -errno;
	*moved = g.netns_ino && g.netns_ino != ino;
	if (g.netns_ino == ino)
		return 0;
	g.netns_ino = ino;
	if (bpf_map_update_elem(gen_fd, &key, &g, BPF_ANY))
		return -errno;
	return 0;
}

/* attach_link - attach prog with libbpf and pin the link over dir/name. */
static int attach_link(struct bpf_program *prog, const char *dir,
		       const char *name)
{
	struct bpf_link *link;
	int err;

	link = bpf_program__attach(prog);
	if (!link)
		return -errno;
	err = pin_over(bpf_link__fd(link), dir, name);
	/* closes this process's descriptor; the pin keeps the link */
	bpf_link__destroy(link);
	return err;
}

/*
 * attach_lookup - update the pinned sk_lookup link to the new program, or
 * link it to this namespace when there is no link or the namespace moved.
 */
static int attach_lookup(struct bpf_program *prog, const char *dir, int moved)
{
	int prog_fd = bpf_program__fd(prog), fd, ns_fd, err;

	fd = obj_get(dir, MXG_PIN_CONN_LOOKUP);
	if (fd >= 0 && !moved) {
		err = bpf_link_update(fd, prog_fd, NULL) ? -errno : 0;
		close(fd);
		if (!err)
			return 0;
		pr_debug("failed to update the sk_lookup link in '%s': %s; linking anew",
			 dir, strerror(-err));
	} else if (fd >= 0) {
		close(fd);
	}

	ns_fd = open(NETNS_SELF, O_RDONLY | O_CLOEXEC);
	if (ns_fd < 0)
		return -errno;
	fd = bpf_link_create(prog_fd, ns_fd, BPF_SK_LOOKUP, NULL);
	err = fd < 0 ? -errno : 0;
	close(ns_fd);
	if (err)
		return err;
	err = pin_over(fd, dir, MXG_PIN_CONN_LOOKUP);
	close(fd);
	return err;
}

/* The counts of one generation and source, from the count map. */
struct count_entry {
	struct mxg_conn_key key;
	__s64 n;
};

static int entry_cmp(const void *a, const void *b)
{
	const struct count_entry *x = a, *y = b;
	int c = memcmp(x->key.addr, y->key.addr, 16);

	if (c)
		return c;
	return (x->key.gen > y->key.gen) - (x->key.gen < y->key.gen);
}

/* read_counts - every entry of the count map, sorted by source. */
static int read_counts(int fd, struct count_entry **out, size_t *count)
{
	struct bpf_map_info info = {};
	struct count_entry *e = NULL;
	struct mxg_conn_key key;
	size_t n = 0, cap;
	__u32 len = sizeof(info);
	int err;

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	cap = info.max_entries ? info.max_entries : 1;
	e = calloc(cap, sizeof(*e));
	if (!e)
		return -ENOMEM;

	/* only this process deletes, so the walk never restarts */
	err = bpf_map_get_next_key(fd, NULL, &key);
	while (!err && n < cap) {
		e[n].key = key;
		if (bpf_map_lookup_elem(fd, &key, &e[n].n) == 0)
			n++;
		err = bpf_map_get_next_key(fd, &key, &key);
	}
	if (err && errno != ENOENT) {
		err = -errno;
		free(e);
		return err;
	}
	qsort(e, n, sizeof(*e), entry_cmp);
	*out = e;
	*count = n;
	return 0;
}

/*
 * tally - compare the new generation with the old one per source, then
 * delete every key that is not of the new generation.
 */
static int tally(int conn_fd, __u32 old, __u32 next,
		 struct conn_rebuild_result *res)
{
	struct count_entry *e = NULL;
	size_t n = 0, i, j;
	int err;

	err = read_counts(conn_fd, &e, &n);
	if (err)
		return err;
	for (i = 0; i < n; i = j) {
		__s64 was = 0, now = 0;

		for (j = i; j < n && !memcmp(e[j].key.addr, e[i].key.addr, 16); j++) {
			if (e[j].key.gen == old)
				was = e[j].n;
			if (e[j].key.gen == next)
				now = e[j].n;
		}
		if (now > 0) {
			res->connections += now;
			res->sources++;
		}
		res->corrected += now > was ? now - was : was - now;
	}
	for (i = 0; i < n; i++)
		if (e[i].key.gen != next)
			bpf_map_delete_elem(conn_fd, &e[i].key);
	free(e);
	return 0;
}

/* run_iter - run the counting iterator once; tallies its output. */
static int run_iter(int link_fd, struct conn_rebuild_result *res)
{
	char buf[4096];
	ssize_t n, i;
	int fd, err = 0;

	fd = bpf_iter_create(link_fd);
	if (fd < 0)
		return -errno;
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : 0;
			break;
		}
		for (i = 0; i < n; i++)
			if (buf[i] == 'n')
				res->uncounted++;
	}
	close(fd);
	return err;
}

int conn_rebuild(const char *dir, struct conn_rebuild_result *res)
{
	int gen_fd = -1, conn_fd = -1, iter_fd = -1, err;
	struct mxg_conngen g;
	__u32 key = 0, old, next;
	__u64 ino;

	memset(res, 0, sizeof(*res));
	gen_fd = obj_get(dir, MXG_MAP_CONNGEN);
	conn_fd = obj_get(dir, MXG_MAP_CONN);
	iter_fd = obj_get(dir, MXG_PIN_CONN_ITER);
	if (gen_fd < 0 || conn_fd < 0 || iter_fd < 0) {
		err = -ENOENT;
		goto out_close;
	}
	err = current_netns(&ino);
	if (err)
		goto out_close;
	if (bpf_map_lookup_elem(gen_fd, &key, &g)) {
		err = -errno;
		goto out_close;
	}
	/* the iterator walks the namespace of the process that runs it */
	if (g.netns_ino != ino) {
		err = -EXDEV;
		goto out_close;
	}

	/* new connections go to the next generation from now on */
	old = g.read_gen;
	next = g.write_gen + 1 ? g.write_gen + 1 : 1;
	g.write_gen = next;
	if (bpf_map_update_elem(gen_fd, &key, &g, BPF_ANY)) {
		err = -errno;
		goto out_close;
	}

	/* count the connections that exist into it */
	err = run_iter(iter_fd, res);
	if (err)
		goto out_close;

	/* switch the cap over, then drop the older generations */
	g.read_gen = next;
	if (bpf_map_update_elem(gen_fd, &key, &g, BPF_ANY)) {
		err = -errno;
		goto out_close;
	}
	res->gen = next;
	res->first = old == 0;
	err = tally(conn_fd, old, next, res);

out_close:
	if (iter_fd >= 0)
		close(iter_fd);
	if (conn_fd >= 0)
		close(conn_fd);
	if (gen_fd >= 0)
		close(gen_fd);
	return err;
}

static const char *dir_ifname(const char *dir)
{
	const char *slash = strrchr(dir, '/');

	return slash ? slash + 1 : dir;
}

static void log_rebuild(const char *dir, const struct conn_rebuild_result *r)
{
	if (r->first) {
		pr_info("counted %llu open connections from %llu sources on %s",
			(unsigned long long)r->connections,
			(unsigned long long)r->sources, dir_ifname(dir));
		return;
	}
	if (!r->corrected && !r->uncounted) {
		pr_debug("connection counts of %s are exact: %llu from %llu sources",
			 dir_ifname(dir), (unsigned long long)r->connections,
			 (unsigned long long)r->sources);
		return;
	}
	pr_info("corrected the connection counts of %s by %llu (%llu connections had not been counted); %llu open from %llu sources",
		dir_ifname(dir), (unsigned long long)r->corrected,
		(unsigned long long)r->uncounted,
		(unsigned long long)r->connections,
		(unsigned long long)r->sources);
}

int conn_attach(const char *dir)
{
	struct conn_rebuild_result res;
	struct conn *skel;
	int lock_fd, err, moved = 0;

	lock_fd = lock_dir(dir);
	if (lock_fd < 0)
		return lock_fd;
	/* the counter joins a guard: never create the guard's maps here */
	err = obj_get(dir, MXG_MAP_LIMITS);
	if (err < 0)
		goto out_unlock;
	close(err);

	skel = open_and_load(dir);
	if (!skel) {
		err = -errno;
		goto out_unlock;
	}
	err = check_shared(dir, skel);
	if (err)
		goto out_destroy;
	err = set_netns(bpf_map__fd(skel->maps.mxguard_conngen), &moved);
	if (err)
		goto out_destroy;
	if (moved)
		pr_info("the interface of %s is in another network namespace now; counting there",
			dir_ifname(dir));

	/* count first, then rebuild what is open, then enforce */
	err = attach_link(skel->progs.conn_state, dir, MXG_PIN_CONN_STATE);
	if (!err)
		err = attach_link(skel->progs.conn_iter, dir, MXG_PIN_CONN_ITER);
	if (!err)
		err = conn_rebuild(dir, &res);
	if (!err)
		log_rebuild(dir, &res);
	if (!err)
		err = attach_lookup(skel->progs.conn_lookup, dir, moved);

out_destroy:
	conn__destroy(skel);
out_unlock:
	close(lock_fd);
	return err;
}

void conn_detach(const char *dir)
{
	size_t i;
	int fd;

	/*
	 * Detach even when another process holds a link open. Kernels that
	 * cannot detach a tracing link release it with its last pin.
	 */
	for (i = 0; i < ARRAY_SIZE(link_pins); i++) {
		fd = obj_get(dir, link_pins[i]);
		if (fd < 0)
			continue;
		bpf_link_detach(fd);
		close(fd);
	}
}

static int links_pinned(const char *dir)
{
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(link_pins); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, link_pins[i]);
		if (access(path, F_OK))
			return 0;
	}
	return 1;
}

int conn_rebuild_tick(struct guard *g)
{
	static int warned;
	struct conn_rebuild_result res;
	int err;

	if (!links_pinned(g->dir)) {
		err = conn_attach(g->dir);
		if (!err) {
			warned = 0;
			pr_warn("the connection counter of %s was not attached; attached it again",
				g->ifname);
			return 0;
		}
		if (!warned++)
			pr_warn("failed to attach the connection counter to '%s': %s; conn_limit is not enforced",
				g->ifname, strerror(-err));
		return err;
	}

	err = guard_lock(g);
	if (err)
		return err;
	err = conn_rebuild(g->dir, &res);
	guard_unlock(g);
	if (err) {
		if (!warned++)
			pr_warn("failed to rebuild the connection counts of '%s': %s",
				g->ifname, strerror(-err));
		return err;
	}
	warned = 0;
	log_rebuild(g->dir, &res);
	return 0;
}

int conn_source_read(struct guard *g, const struct mxg_prefix *addr,
		     uint32_t v6_prefix, struct conn_source *out)
{
	struct mxg_conn_key key = {};
	struct mxg_prefix p = *addr;
	struct mxg_conngen gen;
	struct mxg_pending pend;
	__u32 key0 = 0;
	int gen_fd, conn_fd, pend_fd, err = 0;
	__s64 n;

	memset(out, 0, sizeof(*out));
	gen_fd = obj_get(g->dir, MXG_MAP_CONNGEN);
	conn_fd = obj_get(g->dir, MXG_MAP_CONN);
	pend_fd = obj_get(g->dir, MXG_MAP_PENDING);
	if (gen_fd < 0 || conn_fd < 0 || pend_fd < 0) {
		err = -ENOENT;
		goto out_close;
	}
	if (bpf_map_lookup_elem(gen_fd, &key0, &gen)) {
		err = -errno;
		goto out_close;
	}
	out->active = gen.read_gen != 0 && links_pinned(g->dir);

	if (p.family == AF_INET6)
		prefix_truncate(&p, v6_prefix < 32 || v6_prefix > 128 ? 64 : v6_prefix);
	addr_to_mapped16(&p, key.addr);
	key.gen = gen.read_gen;
	if (!bpf_map_lookup_elem(conn_fd, &key, &n) && n > 0)
		out->open = n;
	if (!bpf_map_lookup_elem(pend_fd, key.addr, &pend) && pend.n > 0 &&
	    now_boot_ns() - pend.start_ns < MXG_PENDING_WINDOW_NS)
		out->pending = pend.n;

out_close:
	if (pend_fd >= 0)
		close(pend_fd);
	if (conn_fd >= 0)
		close(conn_fd);
	if (gen_fd >= 0)
		close(gen_fd);
	return err;
}
