// SPDX-License-Identifier: GPL-2.0-only
/*
 * names.c - names of reasons, origins and counters.
 */
#include <errno.h>
#include <string.h>
#include "mxguard_abi.h"
#include "names.h"

static const char *const reasons[MXG_REASON_MAX] = {
	[MXG_REASON_NONE] = "unknown",
	[MXG_REASON_MANUAL] = "manual",
	[MXG_REASON_AUTH] = "auth",
	[MXG_REASON_REJECT] = "reject",
	[MXG_REASON_PROTOCOL] = "protocol",
	[MXG_REASON_DNSBL] = "dnsbl",
	[MXG_REASON_PROMOTED] = "promoted",
};

const char *reason_name(__u32 reason)
{
	if (reason >= MXG_REASON_MAX || !reasons[reason])
		return "unknown";
	return reasons[reason];
}

int reason_parse(const char *s, __u32 *reason)
{
	__u32 i;

	for (i = 1; i < MXG_REASON_MAX; i++) {
		if (reasons[i] && !strcmp(s, reasons[i])) {
			*reason = i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *reason_list(void)
{
	return "manual, auth, reject, protocol, dnsbl, promoted";
}

const char *origin_name(__u32 origin)
{
	switch (origin) {
	case MXG_ORIGIN_OPERATOR:
		return "operator";
	case MXG_ORIGIN_DAEMON:
		return "daemon";
	case MXG_ORIGIN_SELF:
		return "self";
	case MXG_ORIGIN_CONFIG:
		return "config";
	case MXG_ORIGIN_DNSWL:
		return "dnswl";
	}
	return "unknown";
}

static const char *const pass_names[MXG_CNT_PASS_MAX] = {
	[MXG_CNT_PASS_OTHER] = "not_guarded",
	[MXG_CNT_PASS_ALLOW] = "allowlist",
	[MXG_CNT_PASS_CLEAN] = "clean",
	[MXG_CNT_PASS_MARTIAN] = "martian",
	[MXG_CNT_PASS_TRUNCATED] = "truncated",
	[MXG_CNT_PASS_BAD_HEADER] = "bad_header",
	[MXG_CNT_PASS_FRAGMENT] = "fragment",
	[MXG_CNT_PASS_EXT_CHAIN] = "ext_chain_too_long",
	[MXG_CNT_PASS_EXT_OPAQUE] = "ext_opaque",
	[MXG_CNT_PASS_VLAN_DEPTH] = "vlan_too_deep",
	[MXG_CNT_PASS_NO_CONFIG] = "no_config",
};

/* Names of the drop counters that follow the per-reason blocklist ones. */
static const char *const drop_names[] = {
	[MXG_CNT_DROP_SYN_RATE - MXG_CNT_DROP_SYN_RATE] = "syn_rate",
	[MXG_CNT_DROP_GLOBAL_RATE - MXG_CNT_DROP_SYN_RATE] = "global_rate",
	[MXG_CNT_DROP_TINY_FRAG - MXG_CNT_DROP_SYN_RATE] = "tiny_fragment",
	[MXG_CNT_DROP_HOLD - MXG_CNT_DROP_SYN_RATE] = "dnsbl_hold",
	[MXG_CNT_DROP_CONN_LIMIT - MXG_CNT_DROP_SYN_RATE] = "conn_limit",
	[MXG_CNT_DROP_EXT_CHAIN - MXG_CNT_DROP_SYN_RATE] = "ext_chain_blocked",
};

/* Blocklist drops, one per reason: "block_<reason>". */
static const char *const block_names[MXG_REASON_MAX] = {
	[MXG_REASON_NONE] = "block_unknown",
	[MXG_REASON_MANUAL] = "block_manual",
	[MXG_REASON_AUTH] = "block_auth",
	[MXG_REASON_REJECT] = "block_reject",
	[MXG_REASON_PROTOCOL] = "block_protocol",
	[MXG_REASON_DNSBL] = "block_dnsbl",
	[MXG_REASON_PROMOTED] = "block_promoted",
};

static const char *drop_name(__u32 idx)
{
	if (idx >= MXG_CNT_DROP_BLOCK && idx < MXG_CNT_DROP_BLOCK + MXG_REASON_MAX)
		return block_names[idx - MXG_CNT_DROP_BLOCK];
	if (idx >= MXG_CNT_DROP_SYN_RATE && idx < MXG_CNT_DROP_MAX &&
	    idx - MXG_CNT_DROP_SYN_RATE < sizeof(drop_names) / sizeof(drop_names[0]))
		return drop_names[idx - MXG_CNT_DROP_SYN_RATE];
	return NULL;
}

const char *counter_name(__u32 idx, enum counter_group *group)
{
	*group = CG_NONE;
	if (idx < MXG_CNT_PASS_MAX) {
		*group = CG_PASS;
		return pass_names[idx];
	}
	if (idx < MXG_CNT_DROP_MAX) {
		*group = CG_DROP;
		return drop_name(idx);
	}
	if (idx < MXG_CNT_MONITOR_OFFSET + MXG_CNT_DROP_MAX) {
		*group = CG_WOULD_DROP;
		return drop_name(idx - MXG_CNT_MONITOR_OFFSET);
	}
	switch (idx) {
	case MXG_CNT_EVENT_SENT:
		*group = CG_EVENT;
		return "sent";
	case MXG_CNT_EVENT_BUDGET:
		*group = CG_EVENT;
		return "over_budget";
	case MXG_CNT_EVENT_LOST:
		*group = CG_EVENT;
		return "ring_full";
	case MXG_CNT_FULL_BLOCK4:
		*group = CG_MAP_FULL;
		return "block4";
	case MXG_CNT_FULL_BLOCK6:
		*group = CG_MAP_FULL;
		return "block6";
	case MXG_CNT_FULL_BNET4:
		*group = CG_MAP_FULL;
		return "bnet4";
	case MXG_CNT_FULL_BNET6:
		*group = CG_MAP_FULL;
		return "bnet6";
	case MXG_CNT_FULL_ALLOW4:
		*group = CG_MAP_FULL;
		return "allow4";
	case MXG_CNT_FULL_ALLOW6:
		*group = CG_MAP_FULL;
		return "allow6";
	case MXG_CNT_FULL_BUCKET:
		*group = CG_MAP_FULL;
		return "bucket";
	case MXG_CNT_FULL_SEEN:
		*group = CG_MAP_FULL;
		return "seen";
	case MXG_CNT_REFUSE_CONN_LIMIT:
		*group = CG_DROP;
		return "conn_limit_refused";
	case MXG_CNT_MONITOR_REFUSE_CONN:
		*group = CG_WOULD_DROP;
		return "conn_limit_refused";
	case MXG_CNT_FULL_CONN:
		*group = CG_MAP_FULL;
		return "conn";
	}
	return NULL;
}

const char *counter_group_name(enum counter_group group)
{
	switch (group) {
	case CG_PASS:
		return "pass";
	case CG_DROP:
		return "drop";
	case CG_WOULD_DROP:
		return "would_drop";
	case CG_EVENT:
		return "events";
	case CG_MAP_FULL:
		return "map_full";
	default:
		return NULL;
	}
}
