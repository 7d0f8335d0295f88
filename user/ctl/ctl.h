/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ctl.h - shared state and helpers of the mxguard command-line tool.
 */
#ifndef MXG_CTL_H
#define MXG_CTL_H

#include <stdio.h>
#include "guard.h"
#include "json.h"
#include "names.h"

/* Exit codes. */
#define EXIT_OK 0
#define EXIT_RUNTIME 1
#define EXIT_USAGE 2
#define EXIT_BPF 3

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
};

/* Global options. */
extern int json_output;
extern int pretty_output;
extern int opt_force;
extern const char *opt_ifname;
extern const char *opt_config;
extern const char *bin_name;
extern struct json *jw;

/*
 * p_err - report an error: {"error": ...} on stdout in JSON mode, else
 * "Error: ..." on stderr. Only the first error of a run is printed in
 * JSON mode, so stdout stays one JSON document.
 */
void p_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* p_info - a note on stderr, suppressed in JSON mode. */
void p_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* cmd_select - run the command argv[0] names (unique prefixes allowed). */
int cmd_select(const struct cmd *cmds, int argc, char **argv,
	       int (*help)(int, char **));

/* is_prefix - 1 when arg is a non-empty prefix of word. */
int is_prefix(const char *arg, const char *word);

/* Consume the next argument, or report that it is missing. */
#define NEXT_ARG() ({ argc--; argv++; })
#define REQ_ARGS(n)                                                    \
	({                                                             \
		if (argc < (n)) {                                      \
			p_err("'%s' needs %d more argument%s", *(argv - 1), \
			      (n), (n) == 1 ? "" : "s");               \
			return EXIT_USAGE;                             \
		}                                                      \
	})

/*
 * ctl_open_guard - open the maps of the selected interface (-i, or the only
 * guarded one). Reports the error itself and returns an exit code.
 */
int ctl_open_guard(struct guard *g);

/* ctl_check_ifname - report a name no interface can have; exit code. */
int ctl_check_ifname(const char *ifname);

/* ctl_lock - take the interface lock or report why not; exit code. */
int ctl_lock(struct guard *g);

/* json_start - open the JSON writer on stdout when -j or -p was given. */
void json_start(void);
void json_done(void);

int do_block(int argc, char **argv);
int do_allow(int argc, char **argv);
int do_limit(int argc, char **argv);
int do_stats(int argc, char **argv);
int do_prog(int argc, char **argv);
int do_why(int argc, char **argv);
int do_daemon(int argc, char **argv);
int do_dnsbl(int argc, char **argv);
int do_log(int argc, char **argv);

/*
 * ctl_daemon_request - one request to the mxguardd guarding ifname; the
 * return values of ctl_request().
 */
int ctl_daemon_request(const char *ifname, uint32_t type, const char *arg,
		       uint32_t *code, char **response);

#endif /* MXG_CTL_H */
