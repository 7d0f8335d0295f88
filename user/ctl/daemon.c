// SPDX-License-Identifier: GPL-2.0-only
/*
 * daemon.c - the daemon object: ask a running mxguardd for its status or
 * to reload its configuration, over its control socket. Also used by
 * 'why' for the evidence only the daemon holds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "ctl.h"
#include "ctlproto.h"
#include "util.h"

#define DAEMON_TIMEOUT_MS 5000

/*
 * ctl_daemon_socket - the control socket of the daemon guarding ifname:
 * control_socket from the configuration file when it sets one.
 */
static int ctl_daemon_socket(const char *ifname, char *buf, size_t len)
{
	const char *path = opt_config ? opt_config : CFG_DEFAULT_PATH;
	char value[256];

	if (cfg_peek(path, "control_socket", value, sizeof(value)) == 0 &&
	    value[0]) {
		if (strlen(value) >= len)
			return -ENAMETOOLONG;
		copy_str(buf, value, len);
		return 0;
	}
	return ctl_socket_path(ifname, buf, len);
}

/*
 * selected_ifname - -i, the only guarded interface, or the configuration's
 * interface; NULL (reported) when none of them names one.
 */
static const char *selected_ifname(char *buf)
{
	const char *path = opt_config ? opt_config : CFG_DEFAULT_PATH;
	char names[2][IF_NAMESIZE];
	int n;

	if (opt_ifname)
		return opt_ifname;
	n = guard_list_ifaces(names, 2);
	if (n == 1) {
		copy_str(buf, names[0], IF_NAMESIZE);
		return buf;
	}
	if (cfg_peek(path, "interface", buf, IF_NAMESIZE) == 0 && *buf)
		return buf;
	if (n > 1)
		p_err("several interfaces are guarded; choose one with -i IFACE");
	else
		p_err("no interface is guarded and %s sets none; give the daemon's interface with -i IFACE",
		      path);
	return NULL;
}

int ctl_daemon_request(const char *ifname, uint32_t type, const char *arg,
		       uint32_t *code, char **response)
{
	char path[108];
	int err;

	err = ctl_daemon_socket(ifname, path, sizeof(path));
	if (err)
		return err;
	return ctl_request(path, type, arg, DAEMON_TIMEOUT_MS, code, response);
}

/*
 * error_text - the "error" string of the daemon's JSON answer, unescaped,
 * or the whole answer when it has none.
 */
static void error_text(const char *resp, char *out, size_t len)
{
	const char *p = strstr(resp, "\"error\":\"");
	size_t n = 0;

	if (!p) {
		copy_str(out, resp, len);
		return;
	}
	for (p += 9; *p && *p != '"' && n + 1 < len; p++) {
		if (*p == '\\' && p[1])
			p++;
		out[n++] = *p;
	}
	out[n] = '\0';
}

/*
 * request - one request to the daemon of the selected interface; prints
 * its answer, or ok_text in plain mode when that is given.
 */
static int request(uint32_t type, const char *arg, const char *ok_text)
{
	char ifbuf[IF_NAMESIZE], *resp = NULL;
	const char *ifname = selected_ifname(ifbuf);
	uint32_t code;
	int err;

	if (!ifname)
		return EXIT_RUNTIME;
	err = ctl_daemon_request(ifname, type, arg, &code, &resp);
	if (err == -ENOENT || err == -ECONNREFUSED) {
		char path[108] = "";

		ctl_daemon_socket(ifname, path, sizeof(path));
		p_err("mxguardd is not running for '%s': nothing answers on '%s'%s",
		      ifname, path,
		      opt_config ? "" : " (give its configuration with -c FILE if it sets control_socket)");
		return EXIT_RUNTIME;
	}
	if (err) {
		p_err("failed to talk to mxguardd for '%s': %s", ifname, strerror(-err));
		return EXIT_RUNTIME;
	}
	if (code) {
		/* the daemon's answer is a JSON object with "error" */
		char msg[1024];

		if (json_output) {
			printf("%s\n", resp);
		} else {
			error_text(resp, msg, sizeof(msg));
			fprintf(stderr, "Error: mxguardd: %s\n", msg);
		}
		free(resp);
		return EXIT_RUNTIME;
	}
	if (ok_text && !json_output)
		printf("%s\n", ok_text);
	else {
		fputs(resp, stdout);
		if (!*resp || resp[strlen(resp) - 1] != '\n')
			putchar('\n');
	}
	free(resp);
	return EXIT_OK;
}

static int do_daemon_status(int argc, char **argv)
{
	const char *form = NULL;	/* compact JSON */

	if (argc) {
		p_err("unexpected '%s': 'daemon status' takes no argument", argv[0]);
		return EXIT_USAGE;
	}
	if (!json_output)
		form = "text";
	else if (pretty_output)
		form = "pretty";
	return request(CTL_STATUS, form, NULL);
}

static int do_daemon_reload(int argc, char **argv)
{
	if (argc) {
		p_err("unexpected '%s': 'daemon reload' takes no argument", argv[0]);
		return EXIT_USAGE;
	}
	return request(CTL_RELOAD, NULL, "mxguardd read its configuration again");
}

static int do_daemon_help(int argc, char **argv)
{
	if (json_output) {
		printf("null\n");
		return EXIT_OK;
	}
	fprintf(stderr,
		"Usage: %1$s daemon { status | reload }\n"
		"\n"
		"'status' prints the running mxguardd's counters, feeds and state\n"
		"(as JSON with -j); 'reload' makes it read its configuration again\n"
		"(a bad file is reported and the old configuration stays).\n",
		bin_name);
	return EXIT_OK;
}

static const struct cmd daemon_cmds[] = {
	{ "help", do_daemon_help },
	{ "status", do_daemon_status },
	{ "reload", do_daemon_reload },
	{ 0 }
};

int do_daemon(int argc, char **argv)
{
	return cmd_select(daemon_cmds, argc, argv, do_daemon_help);
}
