// SPDX-License-Identifier: GPL-2.0-only
/*
 * prog.c - the prog object: attach the guard to an interface, detach it,
 * and show where it runs.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "ctl.h"
#include "limits.h"
#include "loader.h"
#include "selfaddr.h"
#include "util.h"

/* Size keywords of 'prog attach', each setting one loader_sizes field. */
static const struct {
	const char *kw;
	size_t off;
	uint64_t max;
} size_kws[] = {
	{ "block_max", offsetof(struct loader_sizes, block4), 16777216 },
	{ "block6_max", offsetof(struct loader_sizes, block6), 16777216 },
	{ "range_max", offsetof(struct loader_sizes, bnet), 1048576 },
	{ "allow_max", offsetof(struct loader_sizes, allow), 1048576 },
	{ "bucket_max", offsetof(struct loader_sizes, bucket), 16777216 },
	{ "seen_max", offsetof(struct loader_sizes, seen), 16777216 },
};

static int parse_attach_args(int argc, char **argv, struct loader_opts *o)
{
	size_t k;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "native")) {
			o->mode = LOADER_MODE_NATIVE;
			continue;
		}
		if (!strcmp(argv[i], "generic")) {
			o->mode = LOADER_MODE_GENERIC;
			continue;
		}
		for (k = 0; k < ARRAY_SIZE(size_kws); k++)
			if (!strcmp(argv[i], size_kws[k].kw))
				break;
		if (k == ARRAY_SIZE(size_kws)) {
			p_err("unexpected '%s': expected 'native', 'generic' or a map size such as 'block_max N'",
			      argv[i]);
			return EXIT_USAGE;
		}
		if (i + 1 >= argc) {
			p_err("missing number after '%s'", argv[i]);
			return EXIT_USAGE;
		}
		{
			uint64_t v;

			if (parse_u64(argv[i + 1], 1, size_kws[k].max, &v)) {
				p_err("invalid %s '%s': expected a number from 1 to %llu",
				      argv[i], argv[i + 1],
				      (unsigned long long)size_kws[k].max);
				return EXIT_USAGE;
			}
			*(uint32_t *)((char *)&o->sizes + size_kws[k].off) = v;
		}
		i++;
	}
	return EXIT_OK;
}

static int do_prog_attach(int argc, char **argv)
{
	struct loader_opts o = {};
	struct guard g;
	int ret, err, generic = 0, added;

	if (argc < 1) {
		p_err("expected 'prog attach IFACE [native|generic]'");
		return EXIT_USAGE;
	}
	o.ifname = argv[0];
	ret = ctl_check_ifname(o.ifname);
	if (ret)
		return ret;
	ret = parse_attach_args(argc - 1, argv + 1, &o);
	if (ret)
		return ret;

	err = loader_attach(&o, &generic);
	if (err == -EEXIST) {
		p_err("the guard is already attached to '%s'; 'mxguard prog show' lists it",
		      o.ifname);
		return EXIT_RUNTIME;
	}
	if (err == -ENODEV || err == -ENOENT) {
		p_err("no interface named '%s'", o.ifname);
		return EXIT_RUNTIME;
	}
	if (err) {
		p_err("failed to attach the guard to '%s': %s", o.ifname,
		      strerror(-err));
		return EXIT_BPF;
	}

	/* the host's own addresses go on the allowlist before anything else */
	err = guard_open(&g, o.ifname);
	if (!err)
		err = guard_lock(&g);
	if (!err)
		err = guard_recount(&g);
	added = err ? 0 : selfaddr_sync(&g);
	if (err || added < 0)
		p_info("warning: failed to allowlist the host's own addresses: %s, ignoring",
		       strerror(err ? -err : -added));
	guard_close(&g);

	if (json_output) {
		json_start();
		json_begin_object(jw);
		json_kv_string(jw, "interface", o.ifname);
		json_kv_string(jw, "mode", generic ? "generic" : "native");
		json_end_object(jw);
		json_done();
	} else {
		printf("attached the guard to %s in %s mode\n", o.ifname,
		       generic ? "generic" : "native");
	}
	return EXIT_OK;
}

static int do_prog_detach(int argc, char **argv)
{
	int err;

	if (argc != 1) {
		p_err("expected 'prog detach IFACE'");
		return EXIT_USAGE;
	}
	if (ctl_check_ifname(argv[0]))
		return EXIT_USAGE;
	err = loader_detach(argv[0]);
	if (err == -ENOENT) {
		p_err("the guard is not attached to '%s'", argv[0]);
		return EXIT_RUNTIME;
	}
	if (err) {
		p_err("failed to detach the guard from '%s': %s", argv[0],
		      strerror(-err));
		return EXIT_BPF;
	}
	if (json_output) {
		json_start();
		json_begin_object(jw);
		json_kv_string(jw, "interface", argv[0]);
		json_kv_string(jw, "result", "detached");
		json_end_object(jw);
		json_done();
	} else {
		printf("detached the guard from %s and removed its maps\n", argv[0]);
	}
	return EXIT_OK;
}

static void show_one(const char *ifname)
{
	struct loader_status st;
	struct mxg_limits lim;
	char ports[96] = "";
	const char *mode = "?";
	struct guard g;
	int pinned = 0;

	loader_status(ifname, &st);
	if (guard_open(&g, ifname) == 0) {
		pinned = 1;
		if (guard_limits_read(&g, &lim) == 0) {
			mode = lim.mode == MXG_MODE_MONITOR ? "monitor" : "enforce";
			ports_format(&lim, ports, sizeof(ports));
		}
		guard_close(&g);
	}
	if (jw) {
		json_begin_object(jw);
		json_kv_string(jw, "interface", ifname);
		json_kv_bool(jw, "attached", st.attached);
		if (st.attached) {
			json_kv_string(jw, "xdp_mode", st.generic ? "generic" : "native");
			json_kv_uint(jw, "ifindex", st.ifindex);
			json_kv_uint(jw, "prog_id", st.prog_id);
			json_kv_uint(jw, "link_id", st.link_id);
		}
		json_kv_string(jw, "mode", mode);
		json_end_object(jw);
		return;
	}
	if (!st.attached && pinned) {
		printf("%s: not attached (maps pinned under %s/%s)\n", ifname,
		       MXG_PIN_ROOT, ifname);
		return;
	}
	if (!st.attached) {
		printf("%s: not attached\n", ifname);
		return;
	}
	printf("%s: xdp %s, prog id %u, link id %u, %s, ports %s\n", ifname,
	       st.generic ? "generic" : "native", st.prog_id, st.link_id, mode,
	       ports);
}

static int do_prog_show(int argc, char **argv)
{
	char names[64][IF_NAMESIZE];
	int n, i;

	if (argc) {
		p_err("unexpected '%s': 'prog show' takes no argument (use -i IFACE)",
		      argv[0]);
		return EXIT_USAGE;
	}
	if (opt_ifname) {
		n = 1;
		copy_str(names[0], opt_ifname, IF_NAMESIZE);
	} else {
		n = guard_list_ifaces(names, 64);
		if (n < 0) {
			p_err("failed to read '%s': %s", MXG_PIN_ROOT, strerror(-n));
			return EXIT_RUNTIME;
		}
		if (n > 64)
			n = 64;
	}
	json_start();
	if (jw)
		json_begin_array(jw);
	else if (n == 0)
		printf("the guard is not attached to any interface\n");
	for (i = 0; i < n; i++)
		show_one(names[i]);
	if (jw) {
		json_end_array(jw);
		json_done();
	}
	return EXIT_OK;
}

static int do_prog_help(int argc, char **argv)
{
	if (json_output) {
		printf("null\n");
		return EXIT_OK;
	}
	fprintf(stderr,
		"Usage: %1$s prog show\n"
		"       %1$s prog attach IFACE [native | generic] [SIZE N ...]\n"
		"       %1$s prog detach IFACE\n"
		"\n"
		"       SIZE := { block_max | block6_max | range_max | allow_max |\n"
		"                 bucket_max | seen_max }\n"
		"\n"
		"'attach' loads the guard, pins its maps under %2$s/IFACE\n"
		"and attaches it in native mode, falling back to generic mode with a\n"
		"warning. Pinned maps that already exist are kept with their entries.\n"
		"'detach' removes the program and every pinned map of IFACE.\n",
		bin_name, MXG_PIN_ROOT);
	return EXIT_OK;
}

static const struct cmd prog_cmds[] = {
	{ "help", do_prog_help },
	{ "show", do_prog_show },
	{ "attach", do_prog_attach },
	{ "detach", do_prog_detach },
	{ 0 }
};

int do_prog(int argc, char **argv)
{
	return cmd_select(prog_cmds, argc, argv, do_prog_help);
}
