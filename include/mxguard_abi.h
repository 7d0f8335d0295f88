/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mxguard_abi.h - the contract between the XDP program and user space.
 *
 * Map names, key and value layouts, counter indices, ban reasons and the
 * new-source event all live here and nowhere else. Layouts use fixed-width
 * types with explicit padding. Counter indices and reason codes are never
 * renumbered: add new ones at the end.
 */
#ifndef MXGUARD_ABI_H
#define MXGUARD_ABI_H

#include <linux/types.h>

#define MXG_ABI_VERSION 2

/* Pins live in MXG_PIN_ROOT/<ifname>/<map name>, plus "link" and "prog". */
#define MXG_PIN_ROOT "/sys/fs/bpf/mxguard"
#define MXG_PIN_LINK "link"

/* Map names: at most 15 characters, which is what the kernel keeps. */
#define MXG_MAP_LIMITS "mxguard_limits"
#define MXG_MAP_STATS "mxguard_stats"
#define MXG_MAP_META "mxguard_meta"
#define MXG_MAP_BLOCK4 "mxguard_block4"
#define MXG_MAP_BLOCK6 "mxguard_block6"
#define MXG_MAP_BNET4 "mxguard_bnet4"
#define MXG_MAP_BNET6 "mxguard_bnet6"
#define MXG_MAP_ALLOW4 "mxguard_allow4"
#define MXG_MAP_ALLOW6 "mxguard_allow6"
#define MXG_MAP_BUCKET "mxguard_bucket"
#define MXG_MAP_SEEN "mxguard_seen"
#define MXG_MAP_GLOBAL "mxguard_global"
#define MXG_MAP_EVENTS "mxguard_events"

/* Default map sizes; each one can be changed when the program is loaded. */
#define MXG_DEF_BLOCK4_MAX 262144
#define MXG_DEF_BLOCK6_MAX 65536
#define MXG_DEF_BNET_MAX 16384
#define MXG_DEF_ALLOW_MAX 4096
#define MXG_DEF_BUCKET_MAX 131072
#define MXG_DEF_SEEN_MAX 131072
#define MXG_DEF_EVENTS_BYTES (256 * 1024)

/*
 * After an expired trie entry, the program looks this many times at most
 * for a live shorter prefix covering the same source.
 */
#define MXG_LPM_RETRY 4

/*
 * An entry's hits are counted one by one up to MXG_HITS_EXACT, then by
 * MXG_HITS_SAMPLE with probability 1/MXG_HITS_SAMPLE: an estimate, so that
 * CPUs flooded by one source do not all write its entry.
 */
#define MXG_HITS_EXACT 1024
#define MXG_HITS_SAMPLE 16

/* Guarded destination ports; a zero slot is unused. */
#define MXG_MAX_PORTS 16

#define MXG_MODE_ENFORCE 0
#define MXG_MODE_MONITOR 1

/*
 * struct mxg_limits - the tunables, one entry of MXG_MAP_LIMITS.
 *
 * Written in one map update by user space and read on every packet. A rate
 * of zero turns that limit off; the program never treats a zero or invalid
 * value as "drop everything".
 */
struct mxg_limits {
	__u32 mode;		/* MXG_MODE_* */
	__u32 syn_rate;		/* SYNs per second per source; 0 = off */
	__u32 syn_burst;	/* bucket depth, in SYNs */
	__u32 v6_prefix;	/* IPv6 aggregation prefix, 32..128 */
	__u32 global_syn_rate;	/* SYNs per second from all sources; 0 = off */
	__u32 global_syn_burst;
	__u32 conn_limit;	/* open connections per source; 0 = off */
	__u32 event_rate;	/* new-source reports per second; 0 = none */
	__u32 seen_ttl_sec;	/* a source is reported again after this long */
	__u32 hold_first_syn;	/* 1: drop a new source's first SYN */
	__u16 ports[MXG_MAX_PORTS];
};

/*
 * Keys. IPv4 single addresses are 4 bytes. IPv6 entries in the hash maps
 * are masked to the aggregation prefix (limits.v6_prefix). The bucket and
 * seen maps use 16 bytes for both families, IPv4 as ::ffff:a.b.c.d, which
 * no wire source can collide with because mapped sources are never counted.
 */
struct mxg_lpm4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct mxg_lpm6_key {
	__u32 prefixlen;
	__u8 addr[16];
};

struct mxg_addr6 {
	__u8 addr[16];
};

/* Ban reasons; MXG_REASON_MAX bounds the per-reason drop counters. */
#define MXG_REASON_NONE 0
#define MXG_REASON_MANUAL 1
#define MXG_REASON_AUTH 2
#define MXG_REASON_REJECT 3
#define MXG_REASON_PROTOCOL 4
#define MXG_REASON_DNSBL 5
#define MXG_REASON_PROMOTED 6
#define MXG_REASON_MAX 16

/* Who wrote an entry; the daemon's expiry and reconciliation keep to its own. */
#define MXG_ORIGIN_OPERATOR 1
#define MXG_ORIGIN_DAEMON 2
#define MXG_ORIGIN_SELF 3
#define MXG_ORIGIN_CONFIG 4
#define MXG_ORIGIN_DNSWL 5

/*
 * struct mxg_entry - value of every blocklist and allowlist map.
 *
 * Times are CLOCK_BOOTTIME nanoseconds (bpf_ktime_get_boot_ns), so expiry
 * keeps working across suspend and while no daemon runs. The program
 * ignores an entry whose expires_ns has passed; in a trie it then looks
 * for a shorter live prefix, starting below plen.
 */
struct mxg_entry {
	__u64 expires_ns;	/* 0 = never */
	__u64 added_ns;
	__u64 hits;		/* SYNs dropped or passed; see MXG_HITS_EXACT */
	__u32 reason;		/* MXG_REASON_* */
	__u16 origin;		/* MXG_ORIGIN_* */
	__u16 plen;		/* prefix length of a trie entry; 0 in a hash */
};

/*
 * struct mxg_bucket - per-source token bucket as a GCRA: tat_ns is the
 * theoretical arrival time. A SYN at time t is admitted when
 * max(tat, t) + interval - t <= interval * burst.
 */
struct mxg_bucket {
	__u64 tat_ns;
	__u64 limited;		/* SYNs refused by this bucket */
};

/* Entries of MXG_MAP_GLOBAL, an array of struct mxg_bucket. */
#define MXG_GLOBAL_SYN 0
#define MXG_GLOBAL_EVENTS 1
#define MXG_GLOBAL_MAX 2

/*
 * struct mxg_meta - bookkeeping shared with user space, one array entry.
 *
 * The entry counts let the program skip an LPM trie that holds nothing;
 * user space raises a count before it inserts and lowers it after it
 * deletes, under the interface lock, so the program never skips a trie
 * that holds an entry.
 */
struct mxg_meta {
	__u32 bnet4_entries;
	__u32 bnet6_entries;
	__u32 allow4_entries;
	__u32 allow6_entries;
	__u32 abi_version;
	__u32 pad;
};

/*
 * Counter indices of MXG_MAP_STATS (per-CPU array of __u64 packets).
 * Index groups: passes, drops, would-drop in monitor mode (drop index +
 * MXG_CNT_MONITOR_OFFSET), events and map-full counts.
 */
enum {
	/* passes */
	MXG_CNT_PASS_OTHER = 0,		/* not a SYN to a guarded port */
	MXG_CNT_PASS_ALLOW = 1,		/* allowlisted source */
	MXG_CNT_PASS_CLEAN = 2,		/* candidate that passed every check */
	MXG_CNT_PASS_MARTIAN = 3,	/* source that cannot be a real peer */
	MXG_CNT_PASS_TRUNCATED = 4,	/* frame ends inside a header */
	MXG_CNT_PASS_BAD_HEADER = 5,	/* header fields that lie */
	MXG_CNT_PASS_FRAGMENT = 6,	/* non-first fragment, not classified */
	MXG_CNT_PASS_EXT_CHAIN = 7,	/* IPv6 extension chain too long */
	MXG_CNT_PASS_EXT_OPAQUE = 8,	/* ESP or unknown header hides TCP */
	MXG_CNT_PASS_VLAN_DEPTH = 9,	/* more VLAN tags than parsed */
	MXG_CNT_PASS_NO_CONFIG = 10,	/* limits missing, or no port set */
	MXG_CNT_PASS_MAX = 16,

	/* drops; MXG_CNT_DROP_BLOCK + reason counts blocklist drops */
	MXG_CNT_DROP_BLOCK = 16,
	MXG_CNT_DROP_SYN_RATE = 32,
	MXG_CNT_DROP_GLOBAL_RATE = 33,
	MXG_CNT_DROP_TINY_FRAG = 34,	/* RFC 1858 tiny or offset-1 fragment */
	MXG_CNT_DROP_HOLD = 35,		/* first SYN held for a DNSBL lookup */
	MXG_CNT_DROP_CONN_LIMIT = 36,
	MXG_CNT_DROP_EXT_CHAIN = 37,	/* banned source behind a long IPv6 chain */
	MXG_CNT_DROP_MAX = 40,

	/* monitor mode: what would have been dropped, then passed */
	MXG_CNT_MONITOR_OFFSET = 40,	/* 56..79 mirror 16..39 */

	/* new-source events */
	MXG_CNT_EVENT_SENT = 80,
	MXG_CNT_EVENT_BUDGET = 81,	/* over event_rate, not sent */
	MXG_CNT_EVENT_LOST = 82,	/* ring buffer full */

	/* map full: an insert refused because the map had no room */
	MXG_CNT_FULL_BLOCK4 = 88,
	MXG_CNT_FULL_BLOCK6 = 89,
	MXG_CNT_FULL_BNET4 = 90,
	MXG_CNT_FULL_BNET6 = 91,
	MXG_CNT_FULL_ALLOW4 = 92,
	MXG_CNT_FULL_ALLOW6 = 93,
	MXG_CNT_FULL_BUCKET = 94,
	MXG_CNT_FULL_SEEN = 95,

	/* the connection cap at the socket lookup (sk_lookup), and its map */
	MXG_CNT_REFUSE_CONN_LIMIT = 96,	/* refused with an RST */
	MXG_CNT_MONITOR_REFUSE_CONN = 97, /* would refuse, monitor mode */
	MXG_CNT_FULL_CONN = 98,		/* connection not counted: map full */

	MXG_CNT_MAX = 104,
};

/* struct mxg_event - a source seen for the first time, from the ring buffer. */
struct mxg_event {
	__u64 ts_ns;		/* CLOCK_BOOTTIME */
	__u8 addr[16];		/* IPv4 as ::ffff:a.b.c.d */
	__u16 dport;		/* host byte order */
	__u8 family;		/* AF_INET or AF_INET6 */
	__u8 held;		/* 1 when the SYN was dropped to wait for DNS */
	__u32 pad;
};

/*
 * Open connections per source (conn_limit), kept by bpf/conn.bpf.c from
 * TCP state changes and read by the XDP guard and the socket lookup.
 * A connection counts while it is ESTABLISHED, once, under the source key
 * of the bucket map (IPv4 as ::ffff:a.b.c.d, IPv6 masked to v6_prefix), and
 * only for guarded ports in the guarded network namespace.
 */
#define MXG_MAP_CONN "mxguard_conn"
#define MXG_MAP_PENDING "mxguard_pending"
#define MXG_MAP_CONNGEN "mxguard_conngen"
#define MXG_MAP_CONNSK "mxguard_connsk"

/* Pins of the counter's links, beside MXG_PIN_LINK. */
#define MXG_PIN_CONN_STATE "conn_state"		/* tp_btf/inet_sock_set_state */
#define MXG_PIN_CONN_LOOKUP "conn_lookup"	/* sk_lookup, guarded netns */
#define MXG_PIN_CONN_ITER "conn_iter"		/* iter/tcp, for rebuilds */

#define MXG_DEF_CONN_MAX 65536
#define MXG_DEF_PENDING_MAX 65536

/*
 * How long a SYN that XDP passed counts as a handshake in flight when
 * no connection comes of it.
 */
#define MXG_PENDING_WINDOW_NS 1000000000ULL

/*
 * struct mxg_conn_key - key of MXG_MAP_CONN, whose value is a __s64 count.
 * Counts are rebuilt now and then into a new generation (see
 * struct mxg_conngen); the keys of older generations are then deleted.
 */
struct mxg_conn_key {
	__u32 gen;
	__u8 addr[16];
};

/*
 * struct mxg_pending - value of MXG_MAP_PENDING (LRU hash by source key):
 * SYNs that XDP passed within MXG_PENDING_WINDOW_NS of start_ns and that
 * have not yet become connections or been refused. n may dip below zero
 * when decrements race; readers treat that as zero.
 */
struct mxg_pending {
	__u64 start_ns;		/* CLOCK_BOOTTIME of the window's first SYN */
	__s32 n;
	__u32 pad;
};

/*
 * struct mxg_conngen - the one entry of MXG_MAP_CONNGEN, written only by
 * user space. New connections are counted in write_gen; the programs
 * that enforce the cap read read_gen, and read_gen 0 (nothing counted
 * yet) leaves the cap off.
 */
struct mxg_conngen {
	__u32 read_gen;
	__u32 write_gen;
	__u64 netns_ino;	/* inode of the guarded network namespace */
};

#endif /* MXGUARD_ABI_H */
