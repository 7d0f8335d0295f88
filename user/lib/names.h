/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * names.h - the text names of ban reasons, entry origins and counters, as
 * the CLI prints them and the JSON and Prometheus output carry them.
 */
#ifndef MXG_NAMES_H
#define MXG_NAMES_H

#include <linux/types.h>

enum counter_group {
	CG_NONE,
	CG_PASS,
	CG_DROP,
	CG_WOULD_DROP,
	CG_EVENT,
	CG_MAP_FULL,
};

const char *reason_name(__u32 reason);
/* reason_parse - a reason name into MXG_REASON_*; 0 or -EINVAL. */
int reason_parse(const char *s, __u32 *reason);
/* reason_list - the reason names, comma-separated, for messages. */
const char *reason_list(void);
const char *origin_name(__u32 origin);

/*
 * counter_name - group and name of an MXG_CNT_* index; NULL for an index
 * that is not in use.
 */
const char *counter_name(__u32 idx, enum counter_group *group);
const char *counter_group_name(enum counter_group group);

#endif /* MXG_NAMES_H */
