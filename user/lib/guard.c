// SPDX-License-Identifier: GPL-2.0-only
/*
 * guard.c - blocklist, allowlist, limits and counters in the pinned maps.
 *
 * A prefix lives in exactly one map: a blocked IPv4 /32 in the IPv4 hash, a
 * blocked IPv6 prefix of the aggregation length in the IPv6 hash, and every
 * other prefix (all allowlist entries included) in an LPM trie. The XDP
 * program skips a trie whose count in mxguard_meta is zero, so a count is
 * raised before an insert and lowered after a delete.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "guard.h"
#include "log.h"
#include "util.h"

const char *const guard_map_names[GM_COUNT] = {
	[GM_LIMITS] = MXG_MAP_LIMITS,
	[GM_STATS] = MXG_MAP_STATS,
	[GM_META] = MXG_MAP_META,
	[GM_BLOCK4] = MXG_MAP_BLOCK4,
	[GM_BLOCK6] = MXG_MAP_BLOCK6,
	[GM_BNET4] = MXG_MAP_BNET4,
	[GM_BNET6] = MXG_MAP_BNET6,
	[GM_ALLOW4] = MXG_MAP_ALLOW4,
	[GM_ALLOW6] = MXG_MAP_ALLOW6,
	[GM_BUCKET] = MXG_MAP_BUCKET,
	[GM_SEEN] = MXG_MAP_SEEN,
	[GM_GLOBAL] = MXG_MAP_GLOBAL,
	[GM_EVENTS] = MXG_MAP_EVENTS,
};

/* Where one prefix is stored: map, key bytes and whether the map is a trie. */
struct slot {
	int map;
	int lpm;
	union {
		__u32 a4;
		struct mxg_addr6 a6;
		struct mxg_lpm4_key l4;
		struct mxg_lpm6_key l6;
	} key;
};

/*
 * ifname_valid - the kernel's dev_valid_name() rules. They also keep a
 * name from leaving MXG_PIN_ROOT: ".." would make the pin directory
 * /sys/fs/bpf itself, whose pins 'prog detach' would then unlink.
 */
static int ifname_valid(const char *name)
{
	const char *c;

	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		return 0;
	for (c = name; *c; c++)
		if (*c == '/' || *c == ':' || isspace((unsigned char)*c))
			return 0;
	return 1;
}

int guard_pin_dir(const char *ifname, char *buf, size_t len)
{
	int n;

	if (strlen(ifname) >= IF_NAMESIZE)
		return -ENAMETOOLONG;
	if (!ifname_valid(ifname))
		return -EINVAL;
	n = snprintf(buf, len, "%s/%s", MXG_PIN_ROOT, ifname);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int guard_list_ifaces(char (*names)[IF_NAMESIZE], int max)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	d = opendir(MXG_PIN_ROOT);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		if (strlen(de->d_name) >= IF_NAMESIZE)
			continue;
		if (n < max)
			copy_str(names[n], de->d_name, IF_NAMESIZE);
		n++;
	}
	closedir(d);
	return n;
}

void guard_close(struct guard *g)
{
	int i;

	for (i = 0; i < GM_COUNT; i++) {
		if (g->fd[i] >= 0)
			close(g->fd[i]);
		g->fd[i] = -1;
	}
	if (g->dir_fd >= 0)
		close(g->dir_fd);
	g->dir_fd = -1;
	g->locked = 0;
}

int guard_open(struct guard *g, const char *ifname)
{
	char path[PATH_MAX];
	int i, err;

	memset(g, 0, sizeof(*g));
	g->dir_fd = -1;
	for (i = 0; i < GM_COUNT; i++)
		g->fd[i] = -1;
	if (strlen(ifname) >= IF_NAMESIZE)
		return -ENAMETOOLONG;
	copy_str(g->ifname, ifname, sizeof(g->ifname));
	err = guard_pin_dir(ifname, g->dir, sizeof(g->dir));
	if (err)
		return err;

	g->dir_fd = open(g->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (g->dir_fd < 0) {
		err = -errno;
		goto out_close;
	}
	g->ncpus = libbpf_num_possible_cpus();
	if (g->ncpus <= 0) {
		err = g->ncpus ? g->ncpus : -EINVAL;
		goto out_close;
	}
	for (i = 0; i < GM_COUNT; i++) {
		snprintf(path, sizeof(path), "%s/%s", g->dir, guard_map_names[i]);
		g->fd[i] = bpf_obj_get(path);
		if (g->fd[i] < 0) {
			err = -errno;
			pr_debug("failed to open '%s': %s", path, strerror(-err));
			goto out_close;
		}
	}
	return 0;

out_close:
	guard_close(g);
	return err;
}

int guard_lock(struct guard *g)
{
	if (g->locked)
		return 0;
	if (flock(g->dir_fd, LOCK_EX) < 0)
		return -errno;
	g->locked = 1;
	return 0;
}

void guard_unlock(struct guard *g)
{
	if (!g->locked)
		return;
	flock(g->dir_fd, LOCK_UN);
	g->locked = 0;
}

int guard_limits_read(struct guard *g, struct mxg_limits *lim)
{
	__u32 key = 0;

	if (bpf_map_lookup_elem(g->fd[GM_LIMITS], &key, lim))
		return -errno;
	return 0;
}

static int meta_read(struct guard *g, struct mxg_meta *m)
{
	__u32 key = 0;

	if (bpf_map_lookup_elem(g->fd[GM_META], &key, m))
		return -errno;
	return 0;
}

static int meta_write(struct guard *g, const struct mxg_meta *m)
{
	__u32 key = 0;

	if (bpf_map_update_elem(g->fd[GM_META], &key, m, BPF_ANY))
		return -errno;
	return 0;
}

static __u32 *meta_field(struct mxg_meta *m, int map)
{
	switch (map) {
	case GM_BNET4:
		return &m->bnet4_entries;
	case GM_BNET6:
		return &m->bnet6_entries;
	case GM_ALLOW4:
		return &m->allow4_entries;
	case GM_ALLOW6:
		return &m->allow6_entries;
	}
	return NULL;
}

/* meta_adjust - change a trie's entry count by delta (never below zero). */
static int meta_adjust(struct guard *g, int map, int delta)
{
	struct mxg_meta m;
	__u32 *f;
	int err;

	err = meta_read(g, &m);
	if (err)
		return err;
	f = meta_field(&m, map);
	if (!f)
		return 0;
	if (delta < 0 && *f < (__u32)-delta)
		*f = 0;
	else
		*f += delta;
	return meta_write(g, &m);
}

static __u32 current_v6_prefix(struct guard *g)
{
	struct mxg_limits lim;

	if (guard_limits_read(g, &lim) || lim.v6_prefix < 32 ||
	    lim.v6_prefix > 128)
		return 64;
	return lim.v6_prefix;
}

static void slot_for(enum guard_list l, const struct mxg_prefix *p,
		     __u32 v6_prefix, struct slot *s)
{
	memset(s, 0, sizeof(*s));
	if (p->family == AF_INET) {
		if (l == GUARD_BLOCK && p->plen == 32) {
			s->map = GM_BLOCK4;
			memcpy(&s->key.a4, p->addr, 4);
			return;
		}
		s->map = l == GUARD_BLOCK ? GM_BNET4 : GM_ALLOW4;
		s->lpm = 1;
		s->key.l4.prefixlen = p->plen;
		memcpy(s->key.l4.addr, p->addr, 4);
		return;
	}
	if (l == GUARD_BLOCK && p->plen == v6_prefix) {
		s->map = GM_BLOCK6;
		memcpy(s->key.a6.addr, p->addr, 16);
		return;
	}
	s->map = l == GUARD_BLOCK ? GM_BNET6 : GM_ALLOW6;
	s->lpm = 1;
	s->key.l6.prefixlen = p->plen;
	memcpy(s->key.l6.addr, p->addr, 16);
}

static int full_counter(int map)
{
	switch (map) {
	case GM_BLOCK4:
		return MXG_CNT_FULL_BLOCK4;
	case GM_BLOCK6:
		return MXG_CNT_FULL_BLOCK6;
	case GM_BNET4:
		return MXG_CNT_FULL_BNET4;
	case GM_BNET6:
		return MXG_CNT_FULL_BNET6;
	case GM_ALLOW4:
		return MXG_CNT_FULL_ALLOW4;
	default:
		return MXG_CNT_FULL_ALLOW6;
	}
}

int guard_entry_get(struct guard *g, enum guard_list l,
		    const struct mxg_prefix *p, struct mxg_entry *e)
{
	struct slot s;
	int err;

	slot_for(l, p, l == GUARD_BLOCK ? current_v6_prefix(g) : 0, &s);
	if (s.lpm) {
		/*
		 * A trie lookup returns the longest covering entry, so first
		 * prove that this exact prefix is stored: an insert with
		 * BPF_NOEXIST fails with EEXIST only on an exact match. The
		 * probe is a copy of the entry that covers the prefix now (or
		 * an expired one when none does), so a packet that meets it
		 * in the moment before it is deleted gets the same verdict.
		 */
		struct mxg_entry probe = { .expires_ns = 1 };

		bpf_map_lookup_elem(g->fd[s.map], &s.key, &probe);
		err = bpf_map_update_elem(g->fd[s.map], &s.key, &probe,
					  BPF_NOEXIST);
		if (!err) {
			bpf_map_delete_elem(g->fd[s.map], &s.key);
			return -ENOENT;
		}
		if (errno != EEXIST)
			return -ENOENT;
	}
	if (bpf_map_lookup_elem(g->fd[s.map], &s.key, e))
		return -errno;
	return 0;
}

static int entry_insert(struct guard *g, const struct slot *s,
			const struct mxg_entry *entry, int *created)
{
	struct mxg_entry copy = *entry;
	const struct mxg_entry *e = &copy;
	int err;

	if (!s->lpm) {
		struct mxg_entry old;

		copy.plen = 0;
		*created = bpf_map_lookup_elem(g->fd[s->map], &s->key, &old) != 0;
		if (bpf_map_update_elem(g->fd[s->map], &s->key, e, BPF_ANY))
			return -errno;
		return 0;
	}

	/* the program looks below an expired entry's plen for a live one */
	copy.plen = s->key.l4.prefixlen;

	/* raise the count first, so the program never skips a live entry */
	err = meta_adjust(g, s->map, 1);
	if (err)
		return err;
	if (!bpf_map_update_elem(g->fd[s->map], &s->key, e, BPF_NOEXIST)) {
		*created = 1;
		return 0;
	}
	err = -errno;
	meta_adjust(g, s->map, -1);
	if (err != -EEXIST)
		return err == -ENOSPC ? -E2BIG : err;
	*created = 0;
	if (bpf_map_update_elem(g->fd[s->map], &s->key, e, BPF_EXIST))
		return -errno;
	return 0;
}

int guard_entry_put(struct guard *g, enum guard_list l,
		    const struct mxg_prefix *p, const struct mxg_entry *e,
		    int *created)
{
	struct slot s;
	int err, dummy;

	if (!created)
		created = &dummy;
	slot_for(l, p, l == GUARD_BLOCK ? current_v6_prefix(g) : 0, &s);
	err = entry_insert(g, &s, e, created);
	if (err != -E2BIG)
		return err;

	/* full: make room from expired entries only, never from live ones */
	if (guard_purge_expired(g, l, 0) > 0)
		err = entry_insert(g, &s, e, created);
	if (err == -E2BIG)
		guard_stats_add(g, full_counter(s.map), 1);
	return err;
}

int guard_entry_del(struct guard *g, enum guard_list l,
		    const struct mxg_prefix *p)
{
	struct slot s;

	slot_for(l, p, l == GUARD_BLOCK ? current_v6_prefix(g) : 0, &s);
	if (bpf_map_delete_elem(g->fd[s.map], &s.key))
		return -errno;
	if (s.lpm)
		meta_adjust(g, s.map, -1);
	return 0;
}

/* key_to_prefix - the prefix a map key stands for. */
static void key_to_prefix(int map, const void *key, __u32 v6_prefix,
			  struct mxg_prefix *p)
{
	const struct mxg_lpm4_key *l4 = key;
	const struct mxg_lpm6_key *l6 = key;

	memset(p, 0, sizeof(*p));
	switch (map) {
	case GM_BLOCK4:
		p->family = AF_INET;
		p->plen = 32;
		memcpy(p->addr, key, 4);
		break;
	case GM_BLOCK6:
		p->family = AF_INET6;
		p->plen = v6_prefix;
		memcpy(p->addr, key, 16);
		break;
	case GM_BNET4:
	case GM_ALLOW4:
		p->family = AF_INET;
		p->plen = l4->prefixlen;
		memcpy(p->addr, l4->addr, 4);
		break;
	default:
		p->family = AF_INET6;
		p->plen = l6->prefixlen;
		memcpy(p->addr, l6->addr, 16);
		break;
	}
}

static const int block_maps[] = { GM_BLOCK4, GM_BLOCK6, GM_BNET4, GM_BNET6 };
static const int allow_maps[] = { GM_ALLOW4, GM_ALLOW6 };

static int list_maps(enum guard_list l, const int **maps)
{
	if (l == GUARD_BLOCK) {
		*maps = block_maps;
		return ARRAY_SIZE(block_maps);
	}
	*maps = allow_maps;
	return ARRAY_SIZE(allow_maps);
}

/* Keys of one map, read before the values so deletes cannot derail a walk. */
struct keybuf {
	unsigned char *keys;
	size_t n;
	size_t key_size;
};

static int map_keys(int fd, struct keybuf *kb)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	unsigned char key[sizeof(struct mxg_lpm6_key)];
	size_t cap;
	int err;

	memset(kb, 0, sizeof(*kb));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	if (info.key_size > sizeof(key))
		return -EINVAL;
	kb->key_size = info.key_size;
	cap = info.max_entries ? info.max_entries : 1;
	if (cap > 65536)
		cap = 65536;
	kb->keys = malloc(cap * kb->key_size);
	if (!kb->keys)
		return -ENOMEM;

	err = bpf_map_get_next_key(fd, NULL, key);
	while (!err) {
		/*
		 * A hash restarts from its first key when the current one was
		 * deleted meanwhile; max_entries bounds the walk.
		 */
		if (kb->n >= info.max_entries)
			break;
		if (kb->n == cap) {
			unsigned char *more = realloc(kb->keys, 2 * cap * kb->key_size);

			if (!more) {
				free(kb->keys);
				kb->keys = NULL;
				return -ENOMEM;
			}
			kb->keys = more;
			cap *= 2;
		}
		memcpy(kb->keys + kb->n * kb->key_size, key, kb->key_size);
		kb->n++;
		err = bpf_map_get_next_key(fd, key, key);
	}
	if (err && errno != ENOENT) {
		err = -errno;
		free(kb->keys);
		kb->keys = NULL;
		return err;
	}
	return 0;
}

int guard_walk(struct guard *g, enum guard_list l, guard_walk_fn fn, void *arg)
{
	__u32 v6_prefix = current_v6_prefix(g);
	const int *maps;
	int nmaps, i, err = 0;

	nmaps = list_maps(l, &maps);
	for (i = 0; i < nmaps && !err; i++) {
		struct keybuf kb;
		size_t k;

		err = map_keys(g->fd[maps[i]], &kb);
		if (err)
			return err;
		for (k = 0; k < kb.n && !err; k++) {
			const void *key = kb.keys + k * kb.key_size;
			struct mxg_prefix p;
			struct mxg_entry e;

			if (bpf_map_lookup_elem(g->fd[maps[i]], key, &e))
				continue;	/* deleted since the key was read */
			key_to_prefix(maps[i], key, v6_prefix, &p);
			err = fn(&p, &e, arg);
		}
		free(kb.keys);
	}
	return err;
}

/* Longest trie entry covering an address below a length, as a trie finds it. */
struct longest_match {
	const struct mxg_prefix *addr;
	enum guard_list list;
	__u32 v6_prefix;
	int limit;		/* only prefixes shorter than this */
	struct mxg_prefix best;
	struct mxg_entry entry;
	int found;
};

static int longest_match_fn(const struct mxg_prefix *p,
			    const struct mxg_entry *e, void *arg)
{
	struct longest_match *m = arg;

	/* blocked single sources live in the hashes, not in a trie */
	if (m->list == GUARD_BLOCK &&
	    ((p->family == AF_INET && p->plen == 32) ||
	     (p->family == AF_INET6 && p->plen == m->v6_prefix)))
		return 0;
	if (p->plen >= m->limit || !prefix_contains(p, m->addr))
		return 0;
	if (m->found && p->plen <= m->best.plen)
		return 0;
	m->best = *p;
	m->entry = *e;
	m->found = 1;
	return 0;
}

int guard_match(struct guard *g, enum guard_list l,
		const struct mxg_prefix *addr, struct mxg_prefix *matched,
		struct mxg_entry *e)
{
	__u32 v6_prefix = current_v6_prefix(g);
	uint64_t now = now_boot_ns();
	struct mxg_prefix hp = *addr;
	struct slot s;
	int i;

	/* the hash of single sources, as the program checks it first */
	if (l == GUARD_BLOCK) {
		if (addr->family == AF_INET6)
			prefix_truncate(&hp, v6_prefix);
		slot_for(l, &hp, v6_prefix, &s);
		if (!s.lpm && !bpf_map_lookup_elem(g->fd[s.map], &s.key, e) &&
		    !guard_entry_expired(e, now)) {
			*matched = hp;
			return 0;
		}
	}

	/*
	 * Then the trie, as the program walks it: the longest entry, and
	 * while that one has expired, the longest below its stored length,
	 * MXG_LPM_RETRY more times at most.
	 */
	{
		struct longest_match m = {
			.addr = addr,
			.list = l,
			.v6_prefix = v6_prefix,
			.limit = 129,
		};

		for (i = 0; i <= MXG_LPM_RETRY; i++) {
			m.found = 0;
			guard_walk(g, l, longest_match_fn, &m);
			if (!m.found)
				return -ENOENT;
			if (!guard_entry_expired(&m.entry, now)) {
				*matched = m.best;
				*e = m.entry;
				return 0;
			}
			if (m.entry.plen == 0 || m.entry.plen > m.best.plen)
				return -ENOENT;
			m.limit = m.entry.plen;
		}
	}
	return -ENOENT;
}

static int purge_map(struct guard *g, int map, uint32_t origin, int all)
{
	uint64_t now = now_boot_ns();
	struct keybuf kb;
	size_t k;
	int n = 0, err;

	err = map_keys(g->fd[map], &kb);
	if (err)
		return err;
	for (k = 0; k < kb.n; k++) {
		const void *key = kb.keys + k * kb.key_size;
		struct mxg_entry e;

		if (bpf_map_lookup_elem(g->fd[map], key, &e))
			continue;
		if (!all && !guard_entry_expired(&e, now))
			continue;
		if (origin && e.origin != origin)
			continue;
		if (bpf_map_delete_elem(g->fd[map], key))
			continue;
		n++;
	}
	free(kb.keys);
	if (n && meta_field(&(struct mxg_meta){}, map))
		meta_adjust(g, map, -n);
	return n;
}

int guard_purge_expired(struct guard *g, enum guard_list l, uint32_t origin)
{
	const int *maps;
	int nmaps, i, n, total = 0;

	nmaps = list_maps(l, &maps);
	for (i = 0; i < nmaps; i++) {
		n = purge_map(g, maps[i], origin, 0);
		if (n < 0)
			return n;
		total += n;
	}
	return total;
}

int guard_flush(struct guard *g, enum guard_list l)
{
	const int *maps;
	int nmaps, i, n, total = 0;

	nmaps = list_maps(l, &maps);
	for (i = 0; i < nmaps; i++) {
		n = purge_map(g, maps[i], 0, 1);
		if (n < 0)
			return n;
		total += n;
	}
	return total;
}

static int map_count(int fd)
{
	struct keybuf kb;
	int err;

	err = map_keys(fd, &kb);
	if (err)
		return err;
	free(kb.keys);
	return (int)kb.n;
}

int guard_recount(struct guard *g)
{
	static const int tries[] = { GM_BNET4, GM_BNET6, GM_ALLOW4, GM_ALLOW6 };
	struct mxg_meta m;
	size_t i;
	int err, n;

	err = meta_read(g, &m);
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(tries); i++) {
		n = map_count(g->fd[tries[i]]);
		if (n < 0)
			return n;
		*meta_field(&m, tries[i]) = n;
	}
	m.abi_version = MXG_ABI_VERSION;
	return meta_write(g, &m);
}

int guard_stats_read(struct guard *g, uint64_t out[MXG_CNT_MAX])
{
	uint64_t *vals;
	__u32 i;
	int c;

	vals = calloc(g->ncpus, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (i = 0; i < MXG_CNT_MAX; i++) {
		out[i] = 0;
		if (bpf_map_lookup_elem(g->fd[GM_STATS], &i, vals))
			continue;
		for (c = 0; c < g->ncpus; c++)
			out[i] += vals[c];
	}
	free(vals);
	return 0;
}

int guard_stats_add(struct guard *g, uint32_t idx, uint64_t n)
{
	uint64_t *vals;
	int err = 0;

	vals = calloc(g->ncpus, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	if (bpf_map_lookup_elem(g->fd[GM_STATS], &idx, vals) == 0) {
		vals[0] += n;
		if (bpf_map_update_elem(g->fd[GM_STATS], &idx, vals, BPF_ANY))
			err = -errno;
	} else {
		err = -errno;
	}
	free(vals);
	return err;
}

static int key16_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

/*
 * copy_hash_to_trie - put each IPv6 hash entry into the trie under its
 * current length, so it keeps matching after the prefix changes.
 */
static int copy_hash_to_trie(struct guard *g, const struct keybuf *old,
			     __u32 old_prefix)
{
	size_t k;
	int err = 0, created;

	for (k = 0; k < old->n && !err; k++) {
		struct mxg_prefix p;
		struct mxg_entry e;
		struct slot s = { .map = GM_BNET6, .lpm = 1 };

		if (bpf_map_lookup_elem(g->fd[GM_BLOCK6], old->keys + k * 16, &e))
			continue;
		key_to_prefix(GM_BLOCK6, old->keys + k * 16, old_prefix, &p);
		s.key.l6.prefixlen = p.plen;
		memcpy(s.key.l6.addr, p.addr, 16);
		err = entry_insert(g, &s, &e, &created);
	}
	return err;
}

/*
 * copy_trie_to_hash - copy trie entries of the new length into the hash;
 * their hash keys go to moved, sorted.
 */
static int copy_trie_to_hash(struct guard *g, __u32 new_prefix,
			     struct keybuf *moved)
{
	struct keybuf kb;
	size_t k;
	int err;

	memset(moved, 0, sizeof(*moved));
	err = map_keys(g->fd[GM_BNET6], &kb);
	if (err)
		return err;
	moved->key_size = 16;
	moved->keys = malloc(kb.n ? kb.n * 16 : 1);
	if (!moved->keys) {
		free(kb.keys);
		return -ENOMEM;
	}
	for (k = 0; k < kb.n && !err; k++) {
		const struct mxg_lpm6_key *key =
			(const void *)(kb.keys + k * kb.key_size);
		struct mxg_entry e;

		if (key->prefixlen != new_prefix ||
		    bpf_map_lookup_elem(g->fd[GM_BNET6], key, &e))
			continue;
		e.plen = 0;
		if (bpf_map_update_elem(g->fd[GM_BLOCK6], key->addr, &e, BPF_ANY)) {
			err = errno == E2BIG ? -E2BIG : -errno;
			break;
		}
		memcpy(moved->keys + moved->n * 16, key->addr, 16);
		moved->n++;
	}
	free(kb.keys);
	qsort(moved->keys, moved->n, 16, key16_cmp);
	return err;
}

/*
 * drop_copies - once the new prefix is live, delete the old hash entries
 * (now in the trie) and the trie entries of the new length (now in the
 * hash). An old hash key that a moved entry reused stays.
 */
static void drop_copies(struct guard *g, const struct keybuf *old,
			const struct keybuf *moved, __u32 new_prefix)
{
	struct keybuf kb;
	size_t k;
	int n = 0;

	for (k = 0; k < old->n; k++) {
		const void *key = old->keys + k * 16;

		if (!bsearch(key, moved->keys, moved->n, 16, key16_cmp))
			bpf_map_delete_elem(g->fd[GM_BLOCK6], key);
	}
	if (map_keys(g->fd[GM_BNET6], &kb))
		return;
	for (k = 0; k < kb.n; k++) {
		const struct mxg_lpm6_key *key =
			(const void *)(kb.keys + k * kb.key_size);

		if (key->prefixlen == new_prefix &&
		    !bpf_map_delete_elem(g->fd[GM_BNET6], key))
			n++;
	}
	free(kb.keys);
	if (n)
		meta_adjust(g, GM_BNET6, -n);
}

int guard_limits_write(struct guard *g, const struct mxg_limits *lim)
{
	__u32 key = 0, old_prefix = current_v6_prefix(g);
	struct keybuf old, moved = {};
	int err;

	if (lim->v6_prefix == old_prefix) {
		if (bpf_map_update_elem(g->fd[GM_LIMITS], &key, lim, BPF_ANY))
			return -errno;
		return 0;
	}

	/*
	 * A new aggregation prefix moves IPv6 bans between hash and trie.
	 * Order matters: copy hash entries into the trie, copy trie entries
	 * of the new length into the hash, switch the prefix, then delete
	 * the copies left behind. Each ban matches somewhere throughout.
	 */
	err = map_keys(g->fd[GM_BLOCK6], &old);
	if (err)
		return err;
	err = copy_hash_to_trie(g, &old, old_prefix);
	if (!err)
		err = copy_trie_to_hash(g, lim->v6_prefix, &moved);
	if (!err && bpf_map_update_elem(g->fd[GM_LIMITS], &key, lim, BPF_ANY))
		err = -errno;
	if (!err)
		drop_copies(g, &old, &moved, lim->v6_prefix);
	free(old.keys);
	free(moved.keys);
	return err;
}
