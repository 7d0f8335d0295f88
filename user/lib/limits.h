/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * limits.h - the tunables of struct mxg_limits by name, with their ranges,
 * shared by 'mxguard limit' and the daemon's configuration.
 */
#ifndef MXG_LIMITS_H
#define MXG_LIMITS_H

#include <stddef.h>
#include "mxguard_abi.h"

struct limit_key {
	const char *name;
	const char *help;	/* what it sets, with its unit */
};

/* The keys, in display order; terminated by a NULL name. */
extern const struct limit_key limit_keys[];

/* limit_key_names - the key names, comma-separated, for messages. */
const char *limit_key_names(void);

/*
 * limits_set - parse value for key into lim. Returns 0, -ENOENT for an
 * unknown key, or -EINVAL with a message naming the value and the range
 * expected in err.
 */
int limits_set(struct mxg_limits *lim, const char *key, const char *value,
	       char *err, size_t errlen);

/* limits_get - the value of key as text, as limits_set() accepts it. */
int limits_get(const struct mxg_limits *lim, const char *key, char *buf,
	       size_t len);

/* limits_get_u64 - numeric value of key (mode: 1 for monitor); -ENOENT. */
int limits_get_u64(const struct mxg_limits *lim, const char *key,
		   unsigned long long *v);

/*
 * limits_check - cross-field checks (a global rate needs a burst, ...);
 * 0 or -EINVAL with err set.
 */
int limits_check(const struct mxg_limits *lim, char *err, size_t errlen);

/* ports_format - "25, 465, 587". */
char *ports_format(const struct mxg_limits *lim, char *buf, size_t len);

#endif /* MXG_LIMITS_H */
