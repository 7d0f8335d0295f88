// SPDX-License-Identifier: GPL-2.0-only
/*
 * loader.c - load, pin, attach, replace and detach the XDP guard.
 *
 * Maps are pinned by name under the interface's pin directory and reused by
 * every later load, so bans and counters outlive any process. The program
 * is attached through a pinned BPF link: replacing it is one
 * bpf_link_update() call and never a detach followed by an attach.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "conn.h"
#include "loader.h"
#include "log.h"
#include "util.h"
#include "mxguard.skel.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

#define BPFFS_MOUNT "/sys/fs/bpf"

void loader_default_limits(struct mxg_limits *lim)
{
	memset(lim, 0, sizeof(*lim));
	lim->mode = MXG_MODE_ENFORCE;
	lim->syn_rate = 5;
	lim->syn_burst = 20;
	lim->v6_prefix = 64;
	lim->global_syn_burst = 1000;
	lim->conn_limit = 50;
	lim->seen_ttl_sec = 3600;
	lim->ports[0] = 25;
	lim->ports[1] = 465;
	lim->ports[2] = 587;
}

int loader_ensure_bpffs(void)
{
	struct statfs st;

	if (statfs(BPFFS_MOUNT, &st) == 0 && st.f_type == BPF_FS_MAGIC)
		goto mkdirs;
	if (mkdir(BPFFS_MOUNT, 0700) && errno != EEXIST)
		return -errno;
	if (mount("bpf", BPFFS_MOUNT, "bpf", 0, "mode=0700")) {
		int err = -errno;

		pr_warn("failed to mount bpffs on '%s': %s", BPFFS_MOUNT,
			strerror(-err));
		return err;
	}
	pr_info("mounted bpffs on %s", BPFFS_MOUNT);
mkdirs:
	if (mkdir(MXG_PIN_ROOT, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

/* pinned_max_entries - max_entries of the map pinned at path, or 0. */
static __u32 pinned_max_entries(const char *path)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int fd;

	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		info.max_entries = 0;
	close(fd);
	return info.max_entries;
}

static __u32 requested_size(const struct loader_sizes *s, const char *name)
{
	if (!s)
		return 0;
	if (!strcmp(name, MXG_MAP_BLOCK4))
		return s->block4;
	if (!strcmp(name, MXG_MAP_BLOCK6))
		return s->block6;
	if (!strcmp(name, MXG_MAP_BNET4) || !strcmp(name, MXG_MAP_BNET6))
		return s->bnet;
	if (!strcmp(name, MXG_MAP_ALLOW4) || !strcmp(name, MXG_MAP_ALLOW6))
		return s->allow;
	if (!strcmp(name, MXG_MAP_BUCKET))
		return s->bucket;
	if (!strcmp(name, MXG_MAP_SEEN))
		return s->seen;
	return 0;
}

/*
 * size_maps - give each map the size of its pin when it has one (libbpf
 * reuses a pin only when every parameter matches), else the requested size.
 */
static void size_maps(struct mxguard *skel, const char *dir,
		      const struct loader_sizes *sizes)
{
	char path[PATH_MAX];
	struct bpf_map *map;

	bpf_object__for_each_map(map, skel->obj) {
		const char *name = bpf_map__name(map);
		__u32 want = requested_size(sizes, name), have = 0;

		if (dir) {
			snprintf(path, sizeof(path), "%s/%s", dir, name);
			have = pinned_max_entries(path);
		}
		if (have) {
			if (want && want != have)
				pr_warn("map '%s' is pinned with %u entries and keeps that size; detach the guard to resize it",
					name, have);
			bpf_map__set_max_entries(map, have);
		} else if (want) {
			bpf_map__set_max_entries(map, want);
		}
	}
}

/* open_and_load - load the object with the pins in dir (or none). */
static struct mxguard *open_and_load(const char *dir,
				     const struct loader_sizes *sizes,
				     int bench_random_src)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = dir);
	struct mxguard *skel;
	struct bpf_map *map;
	int err;

	skel = mxguard__open_opts(&oo);
	if (!skel) {
		err = -errno;
		pr_warn("failed to open the BPF object: %s", strerror(-err));
		errno = -err;
		return NULL;
	}
	skel->rodata->cfg_bench_random_src = bench_random_src;
	if (!dir) {
		bpf_object__for_each_map(map, skel->obj)
			bpf_map__set_pin_path(map, NULL);
	}
	size_maps(skel, dir, sizes);

	err = mxguard__load(skel);
	if (err) {
		pr_warn("failed to load the BPF program: %s%s", strerror(-err),
			log_get_level() < LOG_LEVEL_DEBUG ?
				" (run with -d for the verifier log)" : "");
		if (err == -EINVAL && dir)
			pr_warn("hint: a map pinned under '%s' may come from an incompatible mxguard version; 'mxguard prog detach' removes it",
				dir);
		mxguard__destroy(skel);
		errno = -err;
		return NULL;
	}
	return skel;
}

struct mxguard *loader_load_unpinned(const struct loader_sizes *sizes,
				     int bench_random_src)
{
	return open_and_load(NULL, sizes, bench_random_src);
}

/* link_ifindex - the interface a pinned XDP link is attached to, or 0. */
static int link_ifindex(int link_fd, __u32 *prog_id, __u32 *link_id)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(link_fd, &info, &len))
		return 0;
	if (prog_id)
		*prog_id = info.prog_id;
	if (link_id)
		*link_id = info.id;
	if (info.type != BPF_LINK_TYPE_XDP)
		return 0;
	return info.xdp.ifindex;
}

/* write_initial_state - limits and meta for maps that were just created. */
static int write_initial_state(struct mxguard *skel, const struct loader_opts *o,
			       int new_limits, int new_meta)
{
	struct mxg_limits lim;
	struct mxg_meta meta = { .abi_version = MXG_ABI_VERSION };
	__u32 key = 0;

	if (new_limits) {
		if (o->initial_limits)
			lim = *o->initial_limits;
		else
			loader_default_limits(&lim);
		if (bpf_map__update_elem(skel->maps.mxguard_limits, &key,
					 sizeof(key), &lim, sizeof(lim), BPF_ANY))
			return -errno;
	}
	if (new_meta &&
	    bpf_map__update_elem(skel->maps.mxguard_meta, &key, sizeof(key),
				 &meta, sizeof(meta), BPF_ANY))
		return -errno;
	return 0;
}

static int path_exists(const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

/* xdp_create_link - attach prog_fd to ifindex in one XDP mode. */
static int xdp_create_link(int prog_fd, int ifindex, __u32 flags)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = flags);
	int fd;

	fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &lo);
	if (fd < 0)
		return -errno;
	return fd;
}

/* check_foreign - refuse when an XDP program that is not ours is attached. */
static int check_foreign(const char *ifname, int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (bpf_xdp_query(ifindex, 0, &q))
		return 0;
	if (q.attach_mode == XDP_ATTACHED_NONE)
		return 0;
	pr_warn("interface '%s' already has an XDP program (id %u) that mxguard did not attach; detach it first",
		ifname, q.prog_id ? q.prog_id : q.skb_prog_id);
	return -EBUSY;
}

/*
 * attach_counter - attach or replace the connection counter behind
 * conn_limit. The guard works without it, so a failure is only reported.
 */
static void attach_counter(const char *ifname, const char *dir)
{
	int err = conn_attach(dir);

	if (err)
		pr_warn("failed to attach the connection counter to '%s': %s; conn_limit is not enforced",
			ifname, strerror(-err));
}

int loader_attach(const struct loader_opts *o, int *generic)
{
	char dir[GUARD_DIR_MAX], path[PATH_MAX];
	struct mxguard *skel = NULL;
	int ifindex, link_fd = -1, err, new_limits, new_meta, prog_fd;
	int new_dir = 0;

	/* the caller reports a missing interface in its own words */
	ifindex = if_nametoindex(o->ifname);
	if (!ifindex)
		return -errno;
	err = loader_ensure_bpffs();
	if (err)
		return err;
	err = guard_pin_dir(o->ifname, dir, sizeof(dir));
	if (err)
		return err;
	if (mkdir(dir, 0700) == 0)
		new_dir = 1;
	else if (errno != EEXIST)
		return -errno;

	/* an old link: live means attached already, defunct is removed */
	snprintf(path, sizeof(path), "%s/%s", dir, MXG_PIN_LINK);
	link_fd = bpf_obj_get(path);
	if (link_fd >= 0) {
		int at = link_ifindex(link_fd, NULL, NULL);

		close(link_fd);
		link_fd = -1;
		if (at == ifindex)
			return -EEXIST;
		pr_info("removing the defunct link of '%s'", o->ifname);
		unlink(path);
	}
	err = check_foreign(o->ifname, ifindex);
	if (err)
		goto out_remove_pins;

	/* load with the pins: maps that exist keep their entries */
	new_limits = !path_exists(dir, MXG_MAP_LIMITS);
	new_meta = !path_exists(dir, MXG_MAP_META);
	skel = open_and_load(dir, &o->sizes, o->bench_random_src);
	if (!skel) {
		err = -errno;
		goto out_remove_pins;
	}
	err = write_initial_state(skel, o, new_limits, new_meta);
	if (err)
		goto out_destroy;
	prog_fd = bpf_program__fd(skel->progs.xdp_guard);

	/* attach: native first, generic when the driver cannot */
	*generic = 0;
	if (o->mode != LOADER_MODE_GENERIC) {
		link_fd = xdp_create_link(prog_fd, ifindex, XDP_FLAGS_DRV_MODE);
		if (link_fd < 0 && o->mode == LOADER_MODE_NATIVE) {
			err = link_fd;
			pr_warn("failed to attach to '%s' in native mode: %s",
				o->ifname, strerror(-err));
			goto out_destroy;
		}
		if (link_fd < 0)
			pr_warn("native XDP is not available on '%s' (%s); using generic mode, which costs more per packet",
				o->ifname, strerror(-link_fd));
	}
	if (link_fd < 0) {
		link_fd = xdp_create_link(prog_fd, ifindex, XDP_FLAGS_SKB_MODE);
		if (link_fd < 0) {
			err = link_fd;
			pr_warn("failed to attach to '%s' in generic mode: %s",
				o->ifname, strerror(-err));
			goto out_destroy;
		}
		*generic = 1;
	}
	if (bpf_obj_pin(link_fd, path)) {
		err = -errno;
		pr_warn("failed to pin the link at '%s': %s", path, strerror(-err));
		goto out_close_link;
	}
	err = 0;
	attach_counter(o->ifname, dir);

out_close_link:
	close(link_fd);
out_destroy:
	mxguard__destroy(skel);
out_remove_pins:
	/*
	 * Pins this call made would leave an interface that looks guarded
	 * but is not, and 'mxguard' without -i would ask which one to use.
	 * Maps that existed before are kept with their entries.
	 */
	if (err && new_dir)
		loader_detach(o->ifname);
	return err;
}

/* prog_uses_pins - check that the program references the pinned maps. */
static int prog_uses_pins(int prog_fd, const char *dir)
{
	struct bpf_prog_info info = {};
	__u32 ids[32], len = sizeof(info), i;
	struct guard g;
	int err, m, found;

	info.nr_map_ids = ARRAY_SIZE(ids);
	info.map_ids = (__u64)(unsigned long)ids;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	err = guard_open(&g, strrchr(dir, '/') + 1);
	if (err)
		return err;
	for (m = 0; m < GM_COUNT && !err; m++) {
		struct bpf_map_info mi = {};
		__u32 mlen = sizeof(mi);

		if (bpf_obj_get_info_by_fd(g.fd[m], &mi, &mlen)) {
			err = -errno;
			break;
		}
		found = 0;
		for (i = 0; i < info.nr_map_ids && i < ARRAY_SIZE(ids); i++)
			found |= ids[i] == mi.id;
		if (!found) {
			pr_warn("the new program does not use pinned map '%s'",
				guard_map_names[m]);
			err = -EINVAL;
		}
	}
	guard_close(&g);
	return err;
}

int loader_replace(const struct loader_opts *o)
{
	char dir[GUARD_DIR_MAX], path[PATH_MAX];
	struct mxguard *skel;
	int link_fd, ifindex, err;

	err = guard_pin_dir(o->ifname, dir, sizeof(dir));
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/%s", dir, MXG_PIN_LINK);
	link_fd = bpf_obj_get(path);
	if (link_fd < 0)
		return -ENOENT;
	ifindex = if_nametoindex(o->ifname);
	if (!ifindex || link_ifindex(link_fd, NULL, NULL) != ifindex) {
		err = -ENOENT;
		goto out_close_link;
	}

	skel = open_and_load(dir, &o->sizes, o->bench_random_src);
	if (!skel) {
		err = -errno;
		goto out_close_link;
	}
	err = prog_uses_pins(bpf_program__fd(skel->progs.xdp_guard), dir);
	if (err)
		goto out_destroy;

	/* one step: the old program runs until the new one is in place */
	if (bpf_link_update(link_fd, bpf_program__fd(skel->progs.xdp_guard),
			    NULL)) {
		err = -errno;
		pr_warn("failed to replace the program on '%s': %s", o->ifname,
			strerror(-err));
	}
	if (!err)
		attach_counter(o->ifname, dir);

out_destroy:
	mxguard__destroy(skel);
out_close_link:
	close(link_fd);
	return err;
}

int loader_detach(const char *ifname)
{
	char dir[GUARD_DIR_MAX], path[PATH_MAX];
	struct dirent *de;
	int link_fd, err = 0;
	DIR *d;

	err = guard_pin_dir(ifname, dir, sizeof(dir));
	if (err)
		return err;
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? -ENOENT : -errno;

	/* detach first, even if another process holds the link open */
	snprintf(path, sizeof(path), "%s/%s", dir, MXG_PIN_LINK);
	link_fd = bpf_obj_get(path);
	if (link_fd >= 0) {
		if (bpf_link_detach(link_fd) && errno != EINVAL)
			pr_warn("failed to detach the link of '%s': %s", ifname,
				strerror(errno));
		close(link_fd);
	}
	conn_detach(dir);

	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) && !err)
			err = -errno;
	}
	closedir(d);
	if (rmdir(dir) && !err)
		err = -errno;
	return err;
}

int loader_status(const char *ifname, struct loader_status *st)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	char dir[GUARD_DIR_MAX], path[PATH_MAX];
	struct bpf_prog_info info = {};
	__u32 ids[32], len = sizeof(info), i;
	int link_fd, prog_fd, err, m;
	struct guard g;

	memset(st, 0, sizeof(*st));
	err = guard_pin_dir(ifname, dir, sizeof(dir));
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/%s", dir, MXG_PIN_LINK);
	link_fd = bpf_obj_get(path);
	if (link_fd < 0)
		return 0;
	st->ifindex = link_ifindex(link_fd, &st->prog_id, &st->link_id);
	close(link_fd);
	if (!st->ifindex || (int)if_nametoindex(ifname) != st->ifindex)
		return 0;
	st->attached = 1;
	if (bpf_xdp_query(st->ifindex, 0, &q) == 0)
		st->generic = q.attach_mode == XDP_ATTACHED_SKB;

	/* map ids, in guard_map_names order, from the running program */
	prog_fd = bpf_prog_get_fd_by_id(st->prog_id);
	if (prog_fd < 0)
		return 0;
	info.nr_map_ids = ARRAY_SIZE(ids);
	info.map_ids = (__u64)(unsigned long)ids;
	err = bpf_obj_get_info_by_fd(prog_fd, &info, &len);
	close(prog_fd);
	if (err || guard_open(&g, ifname))
		return 0;
	for (m = 0; m < GM_COUNT; m++) {
		struct bpf_map_info mi = {};
		__u32 mlen = sizeof(mi);

		if (bpf_obj_get_info_by_fd(g.fd[m], &mi, &mlen))
			continue;
		for (i = 0; i < info.nr_map_ids && i < ARRAY_SIZE(ids); i++)
			if (ids[i] == mi.id)
				st->map_ids[m] = mi.id;
	}
	guard_close(&g);
	return 0;
}
