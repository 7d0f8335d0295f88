/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * loader.h - load the XDP guard, pin its maps and link, attach, replace
 * and detach it.
 *
 * The program is attached through a BPF link pinned at
 * MXG_PIN_ROOT/IFNAME/link, so it keeps running when the loading process
 * exits, and a new program replaces the old one in one step through that
 * link, with the same pinned maps. Attach, replace and detach do the same
 * for the connection counter of conn.h; the guard runs without it when
 * the kernel cannot load it.
 */
#ifndef MXG_LOADER_H
#define MXG_LOADER_H

#include <stdint.h>
#include "conn.h"
#include "guard.h"

enum loader_xdp_mode {
	LOADER_MODE_AUTO,	/* native, falling back to generic */
	LOADER_MODE_NATIVE,
	LOADER_MODE_GENERIC,
};

/* Map sizes a loader may set; 0 keeps the pinned size or the default. */
struct loader_sizes {
	uint32_t block4;
	uint32_t block6;
	uint32_t bnet;
	uint32_t allow;
	uint32_t bucket;
	uint32_t seen;
};

struct loader_opts {
	const char *ifname;
	enum loader_xdp_mode mode;
	struct loader_sizes sizes;
	/* limits written when the limits map is created; NULL: defaults */
	const struct mxg_limits *initial_limits;
	int bench_random_src;	/* set the benchmark's random-source knob */
};

/* What is attached to one interface. */
struct loader_status {
	int attached;		/* a live link on the right interface */
	int ifindex;
	uint32_t prog_id;
	uint32_t link_id;
	int generic;		/* 1 for generic (skb) mode */
	uint32_t map_ids[GM_COUNT];
};

/* loader_default_limits - the limits of a fresh install. */
void loader_default_limits(struct mxg_limits *lim);

/*
 * loader_ensure_bpffs - make sure MXG_PIN_ROOT is on a bpf filesystem,
 * mounting one at /sys/fs/bpf when none is mounted there. 0 or -errno.
 */
int loader_ensure_bpffs(void);

/*
 * loader_attach - load the program with the pinned maps (creating those
 * that are missing) and attach it to opts->ifname. Returns -EEXIST when a
 * live mxguard link is already there, -EBUSY when another XDP program is.
 * *generic reports the mode that was used.
 */
int loader_attach(const struct loader_opts *opts, int *generic);

/*
 * loader_replace - load a new program with the pinned maps and swap it in
 * through the pinned link in one step; -ENOENT when nothing is attached.
 */
int loader_replace(const struct loader_opts *opts);

/*
 * loader_detach - detach the program and remove every pin of the
 * interface. -ENOENT when there was nothing to remove.
 */
int loader_detach(const char *ifname);

/* loader_status - fill st for ifname; st->attached is 0 when not attached. */
int loader_status(const char *ifname, struct loader_status *st);

struct mxguard;

/*
 * loader_load_unpinned - load the object with private, unpinned maps, for
 * BPF_PROG_TEST_RUN tests and benchmarks. NULL with errno set on failure.
 */
struct mxguard *loader_load_unpinned(const struct loader_sizes *sizes,
				     int bench_random_src);

#endif /* MXG_LOADER_H */
