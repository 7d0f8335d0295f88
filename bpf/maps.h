/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * maps.h - the maps of the XDP guard.
 *
 * Every map is pinned by name under the interface's pin directory, so a new
 * program (or a new daemon) adopts the maps, bans and counters of the old
 * one. Sizes here are defaults; the loader sets the real ones before load.
 * Bans never live in an LRU map, so a flood of new sources cannot evict one.
 */
#ifndef MXG_BPF_MAPS_H
#define MXG_BPF_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "mxguard_abi.h"

/* Tunables: one struct mxg_limits, with BTF so bpffs prints it by field. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mxg_limits);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mxguard_limits SEC(".maps");

/* Packet counters by verdict and reason, indexed by MXG_CNT_*. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MXG_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mxguard_stats SEC(".maps");

/* Entry counts of the LPM tries, kept by user space (struct mxg_meta). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mxg_meta);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mxguard_meta SEC(".maps");

/* Blocked single IPv4 addresses. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MXG_DEF_BLOCK4_MAX);
	__type(key, __u32);
	__type(value, struct mxg_entry);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mxguard_block4 SEC(".maps");

/* Blocked IPv6 sources at the aggregation prefix (limits.v6_prefix). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MXG_DEF_BLOCK6_MAX);
	__type(key, struct mxg_addr6);
	__type(value, struct mxg_entry);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mxguard_block6 SEC(".maps");

/* Blocked IPv4 ranges wider than one address. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, MXG_DEF_BNET_MAX);
	__type(key, struct mxg_lpm4_key);
	__type(value, struct mxg_entry);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mxguard_bnet4 SEC(".maps");

/* Blocked IPv6 ranges of any length other than the aggregation prefix. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, MXG_DEF_BNET_MAX);
	__type(key, struct mxg_lpm6_key);
	__type(value, struct mxg_entry);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mxguard_bnet6 SEC(".maps");

/* Allowed IPv4 prefixes: checked before anything else. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, MXG_DEF_ALLOW_MAX);
	__type(key, struct mxg_lpm4_key);
	__type(value, struct mxg_entry);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mxguard_allow4 SEC(".maps");

/* Allowed IPv6 prefixes. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, MXG_DEF_ALLOW_MAX);
	__type(key, struct mxg_lpm6_key);
	__type(value, struct mxg_entry);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mxguard_allow6 SEC(".maps");

/* Per-source token buckets; LRU, because forgetting a count is harmless. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MXG_DEF_BUCKET_MAX);
	__type(key, struct mxg_addr6);
	__type(value, struct mxg_bucket);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mxguard_bucket SEC(".maps");

/* Sources already reported to the daemon, with the time of the report. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MXG_DEF_SEEN_MAX);
	__type(key, struct mxg_addr6);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mxguard_seen SEC(".maps");

/* Global buckets: the all-source SYN budget and the event budget. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MXG_GLOBAL_MAX);
	__type(key, __u32);
	__type(value, struct mxg_bucket);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mxguard_global SEC(".maps");

/* New-source events for the daemon (struct mxg_event). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, MXG_DEF_EVENTS_BYTES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mxguard_events SEC(".maps");

/*
 * Open connections per source and generation (struct mxg_conn_key). Kept
 * by bpf/conn.bpf.c, read here by the XDP guard: both objects reuse the
 * one pinned map. Not LRU: an evicted count would let a source past the
 * cap, while a full map only leaves new sources uncounted.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MXG_DEF_CONN_MAX);
	__type(key, struct mxg_conn_key);
	__type(value, __s64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mxguard_conn SEC(".maps");

/* Handshakes in flight per source key (struct mxg_pending). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MXG_DEF_PENDING_MAX);
	__type(key, struct mxg_addr6);
	__type(value, struct mxg_pending);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mxguard_pending SEC(".maps");

/* Generations and namespace of the connection counts (struct mxg_conngen). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mxg_conngen);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mxguard_conngen SEC(".maps");

#endif /* MXG_BPF_MAPS_H */
