// SPDX-License-Identifier: GPL-2.0-only
/*
 * list.c - the block and allow objects: add, del, list, flush, import and
 * export entries of the blocklist and the allowlist.
 *
 * Every input is validated before the interface lock is taken, and an
 * import file is validated whole before its first entry is written, so bad
 * input changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include "ctl.h"
#include "util.h"

/* Prefixes shorter than these need -f (--force). */
#define WIDE_V4_PLEN 16
#define WIDE_V6_PLEN 32

/* Lines longer than this in an import file are rejected. */
#define IMPORT_LINE_MAX 1024

/* One parsed request: a prefix with its optional ttl and reason. */
struct list_req {
	struct mxg_prefix prefix;
	uint64_t ttl_sec;	/* DURATION_NEVER when not given */
	__u32 reason;
	int has_reason;
	int has_ttl;
};

static const char *list_word(enum guard_list l)
{
	return l == GUARD_BLOCK ? "blocklist" : "allowlist";
}

static const char *object_word(enum guard_list l)
{
	return l == GUARD_BLOCK ? "block" : "allow";
}

/*
 * parse_req - PREFIX [ttl DURATION] [reason NAME] from argv. Fills err with
 * a message and returns -EINVAL on bad input.
 */
static int parse_req(enum guard_list l, int argc, char **argv,
		     struct list_req *r, char *err, size_t errlen)
{
	int i;

	memset(r, 0, sizeof(*r));
	r->ttl_sec = DURATION_NEVER;
	r->reason = MXG_REASON_MANUAL;
	if (argc < 1) {
		snprintf(err, errlen, "missing PREFIX");
		return -EINVAL;
	}
	if (prefix_parse(argv[0], &r->prefix, err, errlen))
		return -EINVAL;

	for (i = 1; i < argc; i += 2) {
		const char *kw = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (is_prefix(kw, "ttl") && !r->has_ttl) {
			int e;

			if (!val) {
				snprintf(err, errlen, "missing DURATION after 'ttl'");
				return -EINVAL;
			}
			e = parse_duration(val, &r->ttl_sec);
			if (e || r->ttl_sec == 0) {
				snprintf(err, errlen,
					 "invalid ttl '%s': expected N[s|m|h|d|w] from 1s to 100 years, or 'never'",
					 val);
				return -EINVAL;
			}
			r->has_ttl = 1;
		} else if (l == GUARD_BLOCK && is_prefix(kw, "reason") &&
			   !r->has_reason) {
			if (!val) {
				snprintf(err, errlen, "missing NAME after 'reason'");
				return -EINVAL;
			}
			if (reason_parse(val, &r->reason)) {
				snprintf(err, errlen,
					 "invalid reason '%s': expected one of %s",
					 val, reason_list());
				return -EINVAL;
			}
			r->has_reason = 1;
		} else if ((is_prefix(kw, "ttl") && r->has_ttl) ||
			   (is_prefix(kw, "reason") && r->has_reason)) {
			snprintf(err, errlen, "'%s' is given twice", kw);
			return -EINVAL;
		} else {
			snprintf(err, errlen,
				 "unexpected '%s': expected %s", kw,
				 l == GUARD_BLOCK ? "'ttl DURATION' or 'reason NAME'" :
						    "'ttl DURATION'");
			return -EINVAL;
		}
	}
	return 0;
}

/* check_scope - refuse a very wide block unless forced. */
static int check_scope(enum guard_list l, const struct list_req *r,
		       char *err, size_t errlen)
{
	char buf[PREFIX_STRLEN];
	int wide;

	if (l != GUARD_BLOCK || opt_force)
		return 0;
	wide = r->prefix.family == AF_INET ? WIDE_V4_PLEN : WIDE_V6_PLEN;
	if (r->prefix.plen >= wide)
		return 0;
	snprintf(err, errlen,
		 "refusing to block %s, which is wider than /%d; use -f to block it anyway",
		 prefix_format(&r->prefix, buf, sizeof(buf)), wide);
	return -EINVAL;
}

/* apply_req - write one entry; caller holds the lock. */
static int apply_req(struct guard *g, enum guard_list l,
		     const struct list_req *r, int *created)
{
	uint64_t now = now_boot_ns();
	int live = 0, err;
	struct mxg_entry old, e = {
		.added_ns = now,
		.reason = l == GUARD_BLOCK ? r->reason : MXG_REASON_NONE,
		.origin = MXG_ORIGIN_OPERATOR,
	};

	if (r->ttl_sec != DURATION_NEVER)
		e.expires_ns = now + r->ttl_sec * NSEC_PER_SEC;
	/*
	 * An update keeps the hit count and age of a live entry, and its
	 * reason unless a new one is given; the operator now owns it.
	 */
	if (guard_entry_get(g, l, &r->prefix, &old) == 0 &&
	    !guard_entry_expired(&old, now)) {
		e.added_ns = old.added_ns;
		e.hits = old.hits;
		if (!r->has_reason)
			e.reason = old.reason;
		live = 1;
	}
	err = guard_entry_put(g, l, &r->prefix, &e, created);
	/* replacing an expired entry, which no list shows, is an add */
	if (!err)
		*created = !live;
	return err;
}

static int put_error(struct guard *g, enum guard_list l,
		     const struct mxg_prefix *p, int err)
{
	char buf[PREFIX_STRLEN];

	prefix_format(p, buf, sizeof(buf));
	if (err == -E2BIG)
		p_err("the %s of '%s' is full; %s was not added and no entry was removed",
		      list_word(l), g->ifname, buf);
	else
		p_err("failed to add %s to the %s: %s", buf, list_word(l),
		      strerror(-err));
	return EXIT_RUNTIME;
}

/* print_expiry - the time left, exact for export, in two units for people. */
static void print_expiry(uint64_t expires_ns, uint64_t now, int human,
			 char *buf, size_t len)
{
	uint64_t left = (expires_ns - now + NSEC_PER_SEC - 1) / NSEC_PER_SEC;

	if (!expires_ns)
		snprintf(buf, len, "never");
	else if (human)
		format_duration_human(left, buf, len);
	else
		format_duration(left, buf, len);
}

/* Own and configured allowlist entries that a new ban would cover. */
struct covered {
	const struct mxg_prefix *ban;
	char names[200];
	int n;
};

static int covered_fn(const struct mxg_prefix *p, const struct mxg_entry *e,
		      void *arg)
{
	struct covered *c = arg;
	char buf[PREFIX_STRLEN];
	size_t off = strlen(c->names);

	if (e->origin != MXG_ORIGIN_SELF && e->origin != MXG_ORIGIN_CONFIG)
		return 0;
	if (!prefix_contains(c->ban, p))
		return 0;
	if (c->n++ < 3 && off < sizeof(c->names))
		snprintf(c->names + off, sizeof(c->names) - off, "%s%s (%s)",
			 off ? ", " : "", prefix_format(p, buf, sizeof(buf)),
			 origin_name(e->origin));
	return 0;
}

/*
 * check_covers_own - refuse, unless forced, a ban that covers the host's
 * own or configured addresses. The allowlist would still pass them, but
 * such a range is usually a typo.
 */
static int check_covers_own(struct guard *g, enum guard_list l,
			    const struct mxg_prefix *ban)
{
	struct covered c = { .ban = ban };
	char buf[PREFIX_STRLEN];

	if (l != GUARD_BLOCK || opt_force)
		return EXIT_OK;
	if (guard_walk(g, GUARD_ALLOW, covered_fn, &c) || !c.n)
		return EXIT_OK;
	if (prefix_is_host(ban))
		p_err("refusing to block %s: it is %s, which stays allowed, so the ban would do nothing",
		      prefix_format(ban, buf, sizeof(buf)), c.names);
	else
		p_err("refusing to block %s, which covers %s%s; those stay allowed, use -f to block the rest anyway",
		      prefix_format(ban, buf, sizeof(buf)), c.names,
		      c.n > 3 ? " and more" : "");
	return EXIT_USAGE;
}

/* warn_allowed - say when a live allow entry makes a new ban ineffective. */
static void warn_allowed(struct guard *g, enum guard_list l,
			 const struct mxg_prefix *ban)
{
	char buf[PREFIX_STRLEN], at[PREFIX_STRLEN];
	struct mxg_prefix matched;
	struct mxg_entry e;

	if (l != GUARD_BLOCK ||
	    guard_match(g, GUARD_ALLOW, ban, &matched, &e) != 0)
		return;
	p_info("note: %s is inside allowlisted %s (origin %s); the allowlist wins, so this ban drops nothing while that entry lives",
	       prefix_format(ban, buf, sizeof(buf)),
	       prefix_format(&matched, at, sizeof(at)), origin_name(e.origin));
}

static int do_list_add(enum guard_list l, int argc, char **argv)
{
	char err[256], buf[PREFIX_STRLEN], exp[32];
	struct list_req r;
	struct guard g;
	int ret, created = 0, e;

	if (parse_req(l, argc, argv, &r, err, sizeof(err)) ||
	    check_scope(l, &r, err, sizeof(err))) {
		p_err("%s", err);
		return EXIT_USAGE;
	}
	ret = ctl_open_guard(&g);
	if (ret)
		return ret;
	ret = ctl_lock(&g);
	if (ret)
		goto out_close;
	ret = check_covers_own(&g, l, &r.prefix);
	if (ret)
		goto out_close;
	warn_allowed(&g, l, &r.prefix);
	e = apply_req(&g, l, &r, &created);
	if (e) {
		ret = put_error(&g, l, &r.prefix, e);
		goto out_close;
	}

	prefix_format(&r.prefix, buf, sizeof(buf));
	format_duration(r.ttl_sec, exp, sizeof(exp));
	if (json_output) {
		json_start();
		json_begin_object(jw);
		json_kv_string(jw, "prefix", buf);
		json_kv_string(jw, "result", created ? "added" : "updated");
		json_name(jw, "expires_sec");
		if (r.ttl_sec == DURATION_NEVER)
			json_null(jw);
		else
			json_uint(jw, r.ttl_sec);
		json_end_object(jw);
		json_done();
	} else {
		printf("%s %s %s the %s (expires: %s)\n",
		       created ? "added" : "updated", buf, created ? "to" : "in",
		       list_word(l), exp);
	}
out_close:
	guard_close(&g);
	return ret;
}

static int do_list_del(enum guard_list l, int argc, char **argv)
{
	char err[256], buf[PREFIX_STRLEN];
	struct mxg_prefix p;
	struct guard g;
	int ret, e;

	if (argc != 1) {
		p_err("expected '%s del PREFIX'", object_word(l));
		return EXIT_USAGE;
	}
	if (prefix_parse(argv[0], &p, err, sizeof(err))) {
		p_err("%s", err);
		return EXIT_USAGE;
	}
	ret = ctl_open_guard(&g);
	if (ret)
		return ret;
	ret = ctl_lock(&g);
	if (ret)
		goto out_close;
	prefix_format(&p, buf, sizeof(buf));
	e = guard_entry_del(&g, l, &p);
	if (e == -ENOENT) {
		p_err("%s is not in the %s", buf, list_word(l));
		ret = EXIT_RUNTIME;
	} else if (e) {
		p_err("failed to delete %s from the %s: %s", buf, list_word(l),
		      strerror(-e));
		ret = EXIT_RUNTIME;
	} else if (json_output) {
		json_start();
		json_begin_object(jw);
		json_kv_string(jw, "prefix", buf);
		json_kv_string(jw, "result", "deleted");
		json_end_object(jw);
		json_done();
	} else {
		printf("deleted %s from the %s\n", buf, list_word(l));
	}
out_close:
	guard_close(&g);
	return ret;
}

/* Live entries collected for sorted output. */
struct entry_row {
	struct mxg_prefix prefix;
	struct mxg_entry e;
};

struct row_set {
	struct entry_row *rows;
	size_t n, cap;
	uint64_t now;
	int err;
};

static int collect_fn(const struct mxg_prefix *p, const struct mxg_entry *e,
		      void *arg)
{
	struct row_set *s = arg;

	if (guard_entry_expired(e, s->now))
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		struct entry_row *r = realloc(s->rows, cap * sizeof(*r));

		if (!r) {
			s->err = -ENOMEM;
			return -ENOMEM;
		}
		s->rows = r;
		s->cap = cap;
	}
	s->rows[s->n].prefix = *p;
	s->rows[s->n].e = *e;
	s->n++;
	return 0;
}

static int row_cmp(const void *a, const void *b)
{
	const struct entry_row *x = a, *y = b;
	int c;

	if (x->prefix.family != y->prefix.family)
		return x->prefix.family == AF_INET ? -1 : 1;
	c = memcmp(x->prefix.addr, y->prefix.addr, 16);
	if (c)
		return c;
	return (int)x->prefix.plen - (int)y->prefix.plen;
}

static int collect_rows(struct guard *g, enum guard_list l, struct row_set *s)
{
	size_t i, unique;
	int err;

	memset(s, 0, sizeof(*s));
	s->now = now_boot_ns();

	/*
	 * A shared lock, because a change of v6_prefix holds the IPv6 hash
	 * with keys of both lengths for a moment, and a walk then would read
	 * a key at the wrong length and list a prefix that was never added.
	 */
	if (flock(g->dir_fd, LOCK_SH) < 0) {
		err = -errno;
		p_err("failed to lock '%s': %s", g->dir, strerror(-err));
		return EXIT_RUNTIME;
	}
	err = guard_walk(g, l, collect_fn, s);
	flock(g->dir_fd, LOCK_UN);
	if (err) {
		p_err("failed to read the %s: %s", list_word(l), strerror(-err));
		free(s->rows);
		return EXIT_RUNTIME;
	}
	qsort(s->rows, s->n, sizeof(*s->rows), row_cmp);

	/*
	 * The kernel restarts a hash or trie walk from its first key when
	 * the key in hand was deleted meanwhile, so a walk during deletes
	 * can return an entry twice. Keep one of each.
	 */
	for (i = 0, unique = 0; i < s->n; i++)
		if (!unique || row_cmp(&s->rows[unique - 1], &s->rows[i]))
			s->rows[unique++] = s->rows[i];
	s->n = unique;
	return EXIT_OK;
}

/*
 * open_rows - the common start of 'list' and 'export': no argument, the
 * guard opened and its live entries collected. On success the caller
 * frees s->rows and closes g.
 */
static int open_rows(enum guard_list l, const char *cmd, int argc,
		     char **argv, struct guard *g, struct row_set *s)
{
	int ret;

	if (argc) {
		p_err("unexpected '%s': '%s %s' takes no argument", argv[0],
		      object_word(l), cmd);
		return EXIT_USAGE;
	}
	ret = ctl_open_guard(g);
	if (ret)
		return ret;
	ret = collect_rows(g, l, s);
	if (ret)
		guard_close(g);
	return ret;
}

static int do_list_list(enum guard_list l, int argc, char **argv)
{
	char buf[PREFIX_STRLEN], exp[32];
	struct row_set s;
	struct guard g;
	size_t i;
	int ret;

	ret = open_rows(l, "list", argc, argv, &g, &s);
	if (ret)
		return ret;

	json_start();
	if (jw)
		json_begin_array(jw);
	else if (s.n && l == GUARD_BLOCK)
		printf("%-43s %-9s %-8s %-9s %s\n", "PREFIX", "REASON",
		       "EXPIRES", "ORIGIN", "HITS");
	else if (s.n)
		printf("%-43s %-8s %-9s %s\n", "PREFIX", "EXPIRES", "ORIGIN",
		       "HITS");
	for (i = 0; i < s.n; i++) {
		const struct entry_row *r = &s.rows[i];

		prefix_format(&r->prefix, buf, sizeof(buf));
		if (jw) {
			json_begin_object(jw);
			json_kv_string(jw, "prefix", buf);
			if (l == GUARD_BLOCK)
				json_kv_string(jw, "reason", reason_name(r->e.reason));
			json_name(jw, "expires_sec");
			if (r->e.expires_ns)
				json_uint(jw, (r->e.expires_ns - s.now +
					       NSEC_PER_SEC - 1) / NSEC_PER_SEC);
			else
				json_null(jw);
			json_kv_uint(jw, "hits", r->e.hits);
			json_kv_string(jw, "origin", origin_name(r->e.origin));
			json_kv_uint(jw, "age_sec",
				     r->e.added_ns < s.now ?
					     (s.now - r->e.added_ns) / NSEC_PER_SEC : 0);
			json_end_object(jw);
			continue;
		}
		print_expiry(r->e.expires_ns, s.now, 1, exp, sizeof(exp));
		if (l == GUARD_BLOCK)
			printf("%-43s %-9s %-8s %-9s %llu\n", buf,
			       reason_name(r->e.reason), exp,
			       origin_name(r->e.origin),
			       (unsigned long long)r->e.hits);
		else
			printf("%-43s %-8s %-9s %llu\n", buf, exp,
			       origin_name(r->e.origin),
			       (unsigned long long)r->e.hits);
	}
	if (jw) {
		json_end_array(jw);
		json_done();
	}
	free(s.rows);
	guard_close(&g);
	return ret;
}

static int do_list_flush(enum guard_list l, int argc, char **argv)
{
	struct guard g;
	int ret, n;

	if (argc) {
		p_err("unexpected '%s': '%s flush' takes no argument", argv[0],
		      object_word(l));
		return EXIT_USAGE;
	}
	ret = ctl_open_guard(&g);
	if (ret)
		return ret;
	ret = ctl_lock(&g);
	if (ret)
		goto out_close;
	n = guard_flush(&g, l);
	if (n < 0) {
		p_err("failed to flush the %s: %s", list_word(l), strerror(-n));
		ret = EXIT_RUNTIME;
	} else if (json_output) {
		json_start();
		json_begin_object(jw);
		json_kv_uint(jw, "deleted", n);
		json_end_object(jw);
		json_done();
	} else {
		printf("deleted %d entr%s from the %s\n", n, n == 1 ? "y" : "ies",
		       list_word(l));
	}
out_close:
	guard_close(&g);
	return ret;
}

/* split_words - split a line into at most max blank-separated words. */
static int split_words(char *line, char **words, int max)
{
	int n = 0;
	char *save, *w;

	for (w = strtok_r(line, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (n == max)
			return -1;
		words[n++] = w;
	}
	return n;
}

/*
 * read_import - parse a whole import file. Reports every bad line (up to a
 * few) as FILE:LINE: message and returns -EINVAL if there was one.
 */
static int read_import(enum guard_list l, const char *path, FILE *f,
		       struct list_req **out, size_t *nout)
{
	char line[IMPORT_LINE_MAX + 2], err[256];
	struct list_req *reqs = NULL;
	size_t n = 0, cap = 0, lineno = 0;
	int bad = 0;

	while (fgets(line, sizeof(line), f)) {
		char *words[8], *s, *hash;
		size_t len = strlen(line);
		int nw;

		lineno++;
		if (len && line[len - 1] != '\n' && !feof(f)) {
			int c;

			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			if (bad++ < 10)
				p_err("%s:%zu: line longer than %d bytes", path,
				      lineno, IMPORT_LINE_MAX);
			continue;
		}
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		s = str_trim(line);
		if (!*s)
			continue;
		nw = split_words(s, words, 8);
		if (n == cap) {
			struct list_req *more;

			cap = cap ? cap * 2 : 1024;
			more = realloc(reqs, cap * sizeof(*reqs));
			if (!more) {
				free(reqs);
				return -ENOMEM;
			}
			reqs = more;
		}
		if (nw < 0) {
			snprintf(err, sizeof(err), "too many words");
		} else if (parse_req(l, nw, words, &reqs[n], err, sizeof(err)) == 0 &&
			   check_scope(l, &reqs[n], err, sizeof(err)) == 0) {
			n++;
			continue;
		}
		if (bad++ < 10)
			p_err("%s:%zu: %s", path, lineno, err);
	}
	if (ferror(f)) {
		int read_err = errno ? -errno : -EIO;

		free(reqs);
		return read_err;
	}
	if (bad) {
		if (bad > 10)
			p_err("%s: %d more bad lines not shown", path, bad - 10);
		free(reqs);
		return -EINVAL;
	}
	*out = reqs;
	*nout = n;
	return 0;
}

static int do_list_import(enum guard_list l, int argc, char **argv)
{
	struct list_req *reqs = NULL;
	size_t n = 0, i, added = 0, updated = 0;
	struct guard g;
	FILE *f;
	int ret, err, created;

	if (argc != 1) {
		p_err("expected '%s import FILE' ('-' reads standard input)",
		      object_word(l));
		return EXIT_USAGE;
	}
	f = strcmp(argv[0], "-") ? fopen(argv[0], "r") : stdin;
	if (!f) {
		p_err("failed to open '%s': %s", argv[0], strerror(errno));
		return EXIT_RUNTIME;
	}
	err = read_import(l, argv[0], f, &reqs, &n);
	if (f != stdin)
		fclose(f);
	if (err == -EINVAL)
		return EXIT_USAGE;
	if (err) {
		p_err("failed to read '%s': %s", argv[0], strerror(-err));
		return EXIT_RUNTIME;
	}

	ret = ctl_open_guard(&g);
	if (ret)
		goto out_free;
	ret = ctl_lock(&g);
	if (ret)
		goto out_close;
	for (i = 0; i < n && !ret; i++)
		ret = check_covers_own(&g, l, &reqs[i].prefix);
	if (ret)
		goto out_close;
	for (i = 0; i < n; i++) {
		err = apply_req(&g, l, &reqs[i], &created);
		if (err) {
			put_error(&g, l, &reqs[i].prefix, err);
			p_err("import stopped after %zu of %zu entries", i, n);
			ret = EXIT_RUNTIME;
			break;
		}
		if (created)
			added++;
		else
			updated++;
	}
	if (!ret) {
		if (json_output) {
			json_start();
			json_begin_object(jw);
			json_kv_uint(jw, "added", added);
			json_kv_uint(jw, "updated", updated);
			json_end_object(jw);
			json_done();
		} else {
			printf("imported %zu entr%s into the %s: %zu added, %zu updated\n",
			       n, n == 1 ? "y" : "ies", list_word(l), added, updated);
		}
	}
out_close:
	guard_close(&g);
out_free:
	free(reqs);
	return ret;
}

static int do_list_export(enum guard_list l, int argc, char **argv)
{
	char buf[PREFIX_STRLEN], exp[32];
	struct row_set s;
	struct guard g;
	size_t i;
	int ret;

	ret = open_rows(l, "export", argc, argv, &g, &s);
	if (ret)
		return ret;

	json_start();
	if (jw)
		json_begin_array(jw);
	else
		printf("# mxguard %s of %s: PREFIX [ttl DURATION]%s\n",
		       list_word(l), g.ifname,
		       l == GUARD_BLOCK ? " [reason NAME]" : "");
	for (i = 0; i < s.n; i++) {
		const struct entry_row *r = &s.rows[i];
		char line[160];
		int len;

		prefix_format(&r->prefix, buf, sizeof(buf));
		len = snprintf(line, sizeof(line), "%s", buf);
		if (r->e.expires_ns) {
			print_expiry(r->e.expires_ns, s.now, 0, exp, sizeof(exp));
			len += snprintf(line + len, sizeof(line) - len, " ttl %s", exp);
		}
		if (l == GUARD_BLOCK)
			snprintf(line + len, sizeof(line) - len, " reason %s",
				 reason_name(r->e.reason == MXG_REASON_NONE ?
						     MXG_REASON_MANUAL : r->e.reason));
		if (jw)
			json_string(jw, line);
		else
			printf("%s\n", line);
	}
	if (jw) {
		json_end_array(jw);
		json_done();
	}
	free(s.rows);
	guard_close(&g);
	return ret;
}

static int list_help(enum guard_list l)
{
	if (json_output) {
		printf("null\n");
		return EXIT_OK;
	}
	if (l == GUARD_BLOCK)
		fprintf(stderr,
			"Usage: %1$s block add PREFIX [ttl DURATION] [reason NAME]\n"
			"       %1$s block del PREFIX\n"
			"       %1$s block { list | flush | export }\n"
			"       %1$s block import FILE\n"
			"\n"
			"       PREFIX   := { A.B.C.D[/LEN] | X:X::X[/LEN] }\n"
			"       DURATION := { N[s|m|h|d|w] | never }   (default: never)\n"
			"       NAME     := { %2$s }\n"
			"\n"
			"Adding an existing prefix updates its ttl and reason. Prefixes\n"
			"wider than /%3$d (IPv4) or /%4$d (IPv6) need -f. An import FILE holds\n"
			"one 'PREFIX [ttl DURATION] [reason NAME]' per line, # comments allowed.\n",
			bin_name, reason_list(), WIDE_V4_PLEN, WIDE_V6_PLEN);
	else
		fprintf(stderr,
			"Usage: %1$s allow add PREFIX [ttl DURATION]\n"
			"       %1$s allow del PREFIX\n"
			"       %1$s allow { list | flush | export }\n"
			"       %1$s allow import FILE\n"
			"\n"
			"       PREFIX   := { A.B.C.D[/LEN] | X:X::X[/LEN] }\n"
			"       DURATION := { N[s|m|h|d|w] | never }   (default: never)\n"
			"\n"
			"An allowed source is never dropped, whatever the blocklist or the\n"
			"limits say.\n",
			bin_name);
	return EXIT_OK;
}

/* The two objects share every handler; these wrappers pick the list. */
#define LIST_WRAPPERS(obj, list)                                         \
	static int do_##obj##_add(int argc, char **argv)                 \
	{ return do_list_add(list, argc, argv); }                        \
	static int do_##obj##_del(int argc, char **argv)                 \
	{ return do_list_del(list, argc, argv); }                        \
	static int do_##obj##_list(int argc, char **argv)                \
	{ return do_list_list(list, argc, argv); }                       \
	static int do_##obj##_flush(int argc, char **argv)               \
	{ return do_list_flush(list, argc, argv); }                      \
	static int do_##obj##_import(int argc, char **argv)              \
	{ return do_list_import(list, argc, argv); }                     \
	static int do_##obj##_export(int argc, char **argv)              \
	{ return do_list_export(list, argc, argv); }                     \
	static int do_##obj##_help(int argc, char **argv)                \
	{ return list_help(list); }                                      \
	static const struct cmd obj##_cmds[] = {                         \
		{ "help", do_##obj##_help },                             \
		{ "add", do_##obj##_add },                               \
		{ "del", do_##obj##_del },                               \
		{ "list", do_##obj##_list },                             \
		{ "flush", do_##obj##_flush },                           \
		{ "import", do_##obj##_import },                         \
		{ "export", do_##obj##_export },                         \
		{ 0 }                                                    \
	};                                                               \
	int do_##obj(int argc, char **argv)                              \
	{ return cmd_select(obj##_cmds, argc, argv, do_##obj##_help); }

LIST_WRAPPERS(block, GUARD_BLOCK)
LIST_WRAPPERS(allow, GUARD_ALLOW)
