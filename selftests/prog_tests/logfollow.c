// SPDX-License-Identifier: GPL-2.0-only
/*
 * logfollow.c - the log follower: numbered lines written while the file
 * is rotated in every way logrotate and friends do it must each be read
 * exactly once; partial lines wait for their newline; long lines are cut
 * without becoming two records; positions survive a restart.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_progs.h"
#include "logfollow.h"

#define MAX_NUM 40000

/* What the callback saw. */
struct seen {
	unsigned char count[MAX_NUM];
	int other;		/* lines that are not "n=NNNNNN" */
	int lines;
	size_t last_len;
	char last[64];
};

static void on_line(const char *line, size_t len, const char *source, void *arg)
{
	struct seen *s = arg;
	unsigned n = 0;
	size_t i;

	s->lines++;
	s->last_len = len;
	snprintf(s->last, sizeof(s->last), "%.*s", (int)(len < 63 ? len : 63), line);
	if (len != 8 || line[0] != 'n' || line[1] != '=') {
		s->other++;
		return;
	}
	for (i = 2; i < 8; i++) {
		if (line[i] < '0' || line[i] > '9') {
			s->other++;
			return;
		}
		n = n * 10 + (unsigned)(line[i] - '0');
	}
	if (n < MAX_NUM && s->count[n] < 255)
		s->count[n]++;
	else
		s->other++;
}

/* check_once - numbers [0, n) each seen exactly once, nothing else. */
static void check_once(const struct seen *s, unsigned n, const char *name)
{
	unsigned i, lost = 0, twice = 0, first_bad = 0;

	for (i = 0; i < n; i++) {
		if (s->count[i] == 1)
			continue;
		if (!lost && !twice)
			first_bad = i;
		if (s->count[i] == 0)
			lost++;
		else
			twice++;
	}
	for (; i < MAX_NUM; i++)
		twice += s->count[i] > 0;
	if (!ASSERT_EQ(lost, 0, name) | !ASSERT_EQ(twice, 0, name))
		test__log("%s: %u lost, %u read twice, first wrong number %u",
			  name, lost, twice, first_bad);
	ASSERT_EQ(s->other, 0, name);
}

static void put(int fd, unsigned n)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "n=%06u\n", n);
	if (write(fd, buf, 9) != 9)
		test__fail();
}

static int open_log(const char *path)
{
	return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

/* lcg - a seeded generator, so a failing schedule can be replayed. */
static unsigned lcg(unsigned *state)
{
	*state = *state * 1103515245u + 12345u;
	return (*state >> 16) & 0x7fff;
}

enum rotation {
	ROT_RENAME_CREATE,
	ROT_COPYTRUNCATE,
	ROT_TRUNCATE,
	ROT_DELETE_RECREATE,
	ROT_EQUAL_SIZE_REPLACE,
	ROT_REWRITE_IN_PLACE,
	ROT_DELAYCOMPRESS,
};

static const char *const rotation_names[] = {
	"rename_create", "copytruncate", "truncate", "delete_recreate",
	"equal_size_replace", "rewrite_in_place", "delaycompress",
};

/* copy_file - cp src dst, as copytruncate does. */
static void copy_file(const char *src, const char *dst)
{
	char buf[65536];
	int in = open(src, O_RDONLY), out;
	ssize_t r;

	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	while (in >= 0 && out >= 0 && (r = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)r) != r)
			test__fail();
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
}

/*
 * rotate - rotate path by method r. *fd is the writer's descriptor and
 * *next the next number; some kinds write lines of their own.
 */
static void rotate(enum rotation r, const char *path, int *fd, unsigned *next,
		   struct logfollow *lf, struct seen *s)
{
	char p1[512], p2[512], tmp[512];
	struct stat st;
	unsigned i, k;
	int nfd;

	snprintf(p1, sizeof(p1), "%s.1", path);
	snprintf(p2, sizeof(p2), "%s.2.gz", path);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	switch (r) {
	case ROT_RENAME_CREATE:
	case ROT_DELAYCOMPRESS:
		if (r == ROT_DELAYCOMPRESS)
			rename(p1, p2);	/* last rotation's file, "compressed" */
		rename(path, p1);
		/* late lines into the renamed file, before the writer reopens */
		put(*fd, (*next)++);
		put(*fd, (*next)++);
		nfd = open_log(path);
		close(*fd);
		*fd = nfd;
		break;
	case ROT_COPYTRUNCATE:
		copy_file(path, p1);
		if (ftruncate(*fd, 0))
			test__fail();
		break;
	case ROT_TRUNCATE:
		/* what was not read before a plain truncation is gone */
		logfollow_poll(lf, on_line, s);
		if (ftruncate(*fd, 0))
			test__fail();
		break;
	case ROT_DELETE_RECREATE:
		unlink(path);
		put(*fd, (*next)++);
		nfd = open_log(path);
		close(*fd);
		*fd = nfd;
		break;
	case ROT_EQUAL_SIZE_REPLACE:
	case ROT_REWRITE_IN_PLACE:
		logfollow_poll(lf, on_line, s);
		fstat(*fd, &st);
		k = (unsigned)st.st_size / 9;
		if (r == ROT_EQUAL_SIZE_REPLACE) {
			nfd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			for (i = 0; i < k; i++)
				put(nfd, (*next)++);
			close(nfd);
			rename(tmp, path);
			close(*fd);
			*fd = open_log(path);
		} else {
			/* same inode, same size, other lines */
			nfd = open(path, O_WRONLY);
			for (i = 0; i < k; i++)
				put(nfd, (*next)++);
			close(nfd);
		}
		break;
	}
}

/* rotation_stream - write numbered lines with rotations, polling between. */
static void rotation_stream(enum rotation r, const char *dir)
{
	char path[256], p1[300], p2[300];
	const char *paths[1] = { path };
	struct logfollow_stats st;
	unsigned next = 0, seed = 12345 + r, step, rotations = 0;
	struct logfollow *lf;
	struct seen *s;
	int fd;

	snprintf(path, sizeof(path), "%s/%s.log", dir, rotation_names[r]);
	snprintf(p1, sizeof(p1), "%s.1", path);
	snprintf(p2, sizeof(p2), "%s.2.gz", path);
	s = calloc(1, sizeof(*s));
	fd = open_log(path);
	if (!ASSERT_OK_PTR(s, "calloc") || !ASSERT_GE(fd, 0, "open"))
		goto out;
	lf = logfollow_new(paths, 1);
	if (!ASSERT_OK_PTR(lf, "logfollow_new"))
		goto out;
	logfollow_set_start(lf, 1);

	for (step = 0; step < 400 && next < 10000; step++) {
		unsigned batch = lcg(&seed) % 40, i;

		for (i = 0; i < batch; i++)
			put(fd, next++);
		/* half a line now, the rest after a poll */
		if (lcg(&seed) % 4 == 0) {
			char buf[16];

			snprintf(buf, sizeof(buf), "n=%06u\n", next++);
			if (write(fd, buf, 4) != 4)
				test__fail();
			logfollow_poll(lf, on_line, s);
			if (write(fd, buf + 4, 5) != 5)
				test__fail();
		}
		if (lcg(&seed) % 3 == 0)
			logfollow_poll(lf, on_line, s);
		if (step % 40 == 39) {
			rotate(r, path, &fd, &next, lf, s);
			rotations++;
			if (lcg(&seed) % 2)
				logfollow_poll(lf, on_line, s);
			/* logrotate runs far apart: one poll between two runs */
			logfollow_poll(lf, on_line, s);
		}
	}
	logfollow_poll(lf, on_line, s);
	logfollow_poll(lf, on_line, s);
	check_once(s, next, rotation_names[r]);
	logfollow_stats(lf, 0, &st);
	test__log("%s: %u lines written, %llu read, %llu rotations, %llu truncations, %llu recovered from .1",
		  rotation_names[r], next, (unsigned long long)st.lines,
		  (unsigned long long)st.rotations,
		  (unsigned long long)st.truncations,
		  (unsigned long long)st.recovered);
	if (r == ROT_TRUNCATE || r == ROT_COPYTRUNCATE ||
	    r == ROT_REWRITE_IN_PLACE)
		ASSERT_EQ(st.truncations, rotations, "truncations");
	else
		ASSERT_EQ(st.rotations, rotations, "rotations");
	logfollow_free(lf);
out:
	if (fd >= 0)
		close(fd);
	free(s);
	unlink(path);
	unlink(p1);
	unlink(p2);
}

/*
 * concurrent - a writer process appends numbered lines and rotates by
 * itself (rename and reopen, or copy and truncate) while this process
 * follows through logfollow_fd() and a 50 ms timer, as mxguardd does.
 */
static void concurrent(const char *dir, int copytruncate)
{
	const unsigned total = 30000;
	char path[256], p1[300];
	const char *paths[1] = { path };
	struct epoll_event ev;
	struct logfollow *lf;
	struct seen *s;
	int status, epfd, done = 0, quiet = 0;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/concurrent%d.log", dir, copytruncate);
	snprintf(p1, sizeof(p1), "%s.1", path);
	s = calloc(1, sizeof(*s));
	if (!ASSERT_OK_PTR(s, "calloc"))
		return;
	close(open_log(path));
	lf = logfollow_new(paths, 1);
	if (!ASSERT_OK_PTR(lf, "logfollow_new"))
		goto out_free;
	logfollow_set_start(lf, 1);
	epfd = logfollow_fd(lf);
	ASSERT_GE(epfd, 0, "logfollow_fd");

	pid = fork();
	if (pid == 0) {
		int fd = open_log(path);
		unsigned n;

		for (n = 0; n < total; n++) {
			put(fd, n);
			if (n % 3000 == 2999) {
				if (copytruncate) {
					copy_file(path, p1);
					if (ftruncate(fd, 0))
						_exit(1);
				} else {
					rename(path, p1);
					if (n + 1 < total)
						put(fd, ++n);
					close(fd);
					fd = open_log(path);
				}
			}
			if (n % 100 == 0)
				usleep(200);
		}
		close(fd);
		_exit(0);
	}
	if (!ASSERT_GE(pid, 0, "fork"))
		goto out_lf;

	/* follow until the writer ended and two polls found nothing */
	while (quiet < 2) {
		int n = epoll_wait(epfd, &ev, 1, 50);

		(void)n;
		if (logfollow_poll(lf, on_line, s) > 0)
			quiet = 0;
		else if (done)
			quiet++;
		if (!done && waitpid(pid, &status, WNOHANG) == pid)
			done = 1;
	}
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer");
	check_once(s, total, copytruncate ? "concurrent copytruncate" :
					     "concurrent rename");
out_lf:
	logfollow_free(lf);
out_free:
	free(s);
	unlink(path);
	unlink(p1);
}

static void partial_and_long(const char *dir)
{
	char path[256];
	const char *paths[1] = { path };
	struct logfollow_stats st;
	struct logfollow *lf;
	struct seen *s = calloc(1, sizeof(*s));
	char *big = malloc(1 << 20);
	int fd;

	snprintf(path, sizeof(path), "%s/partial.log", dir);
	fd = open_log(path);
	lf = logfollow_new(paths, 1);
	if (!ASSERT_OK_PTR(s, "calloc") || !ASSERT_OK_PTR(big, "malloc") ||
	    !ASSERT_OK_PTR(lf, "logfollow_new") || !ASSERT_GE(fd, 0, "open"))
		goto out;
	logfollow_poll(lf, on_line, s);

	/* a partial line waits for its newline */
	if (write(fd, "n=00", 4) != 4)
		test__fail();
	ASSERT_EQ(logfollow_poll(lf, on_line, s), 0, "partial_held");
	if (write(fd, "0001\n", 5) != 5)
		test__fail();
	ASSERT_EQ(logfollow_poll(lf, on_line, s), 1, "partial_completed");
	ASSERT_EQ(s->count[1], 1, "partial_number");

	/* 1 MiB without newline: one cut line, then in step again */
	memset(big, 'A', 1 << 20);
	memcpy(big + LF_LINE_MAX, "n=000002", 8);
	if (write(fd, big, 1 << 20) != 1 << 20)
		test__fail();
	logfollow_poll(lf, on_line, s);
	ASSERT_EQ(s->lines, 2, "long_line_cut_once");
	ASSERT_EQ(s->last_len, LF_LINE_MAX, "long_line_length");
	if (write(fd, "tail\nn=000003\n", 14) != 14)
		test__fail();
	logfollow_poll(lf, on_line, s);
	ASSERT_EQ(s->lines, 3, "in_sync_after_long_line");
	ASSERT_EQ(s->count[2], 0, "no_record_from_the_rest");
	ASSERT_EQ(s->count[3], 1, "next_line");
	logfollow_stats(lf, 0, &st);
	ASSERT_EQ(st.lines_cut, 1, "lines_cut");
	ASSERT_GE(st.last_line_ns, 1, "last_line_time");
out:
	logfollow_free(lf);
	if (fd >= 0)
		close(fd);
	unlink(path);
	free(big);
	free(s);
}

static void missing_then_created(const char *dir)
{
	char path[256];
	const char *paths[1] = { path };
	struct logfollow *lf;
	struct seen *s = calloc(1, sizeof(*s));
	int fd;

	snprintf(path, sizeof(path), "%s/later.log", dir);
	unlink(path);
	lf = logfollow_new(paths, 1);
	if (!ASSERT_OK_PTR(lf, "logfollow_new") || !ASSERT_OK_PTR(s, "calloc"))
		goto out;
	ASSERT_EQ(logfollow_poll(lf, on_line, s), 0, "missing_file");
	fd = open_log(path);
	put(fd, 0);
	put(fd, 1);
	close(fd);
	logfollow_poll(lf, on_line, s);
	check_once(s, 2, "created_later_read_from_start");
out:
	logfollow_free(lf);
	unlink(path);
	free(s);
}

static void restart_positions(const char *dir)
{
	char path[256], p1[300], state[300];
	const char *paths[1] = { path };
	struct logfollow *lf;
	struct seen *s = calloc(1, sizeof(*s));
	unsigned n = 0, i;
	int fd;

	snprintf(path, sizeof(path), "%s/restart.log", dir);
	snprintf(p1, sizeof(p1), "%s.1", path);
	snprintf(state, sizeof(state), "%s/positions", dir);
	fd = open_log(path);
	if (!ASSERT_OK_PTR(s, "calloc") || !ASSERT_GE(fd, 0, "open"))
		goto out;

	/* first run: 100 lines, then a partial one, save */
	for (i = 0; i < 100; i++)
		put(fd, n++);
	if (write(fd, "n=00", 4) != 4)
		test__fail();
	lf = logfollow_new(paths, 1);
	logfollow_set_start(lf, 1);
	logfollow_poll(lf, on_line, s);
	ASSERT_OK(logfollow_save(lf, state), "save");
	logfollow_free(lf);

	/* while down: finish the partial line, 49 more */
	if (write(fd, "0100\n", 5) != 5)
		test__fail();
	n++;
	for (i = 0; i < 49; i++)
		put(fd, n++);
	lf = logfollow_new(paths, 1);
	ASSERT_OK(logfollow_load(lf, state), "load");
	logfollow_poll(lf, on_line, s);
	check_once(s, n, "restart_same_file");
	ASSERT_OK(logfollow_save(lf, state), "save_again");
	logfollow_free(lf);

	/* while down: 20 lines, rotation, 30 lines in the new file */
	for (i = 0; i < 20; i++)
		put(fd, n++);
	rename(path, p1);
	close(fd);
	fd = open_log(path);
	for (i = 0; i < 30; i++)
		put(fd, n++);
	lf = logfollow_new(paths, 1);
	ASSERT_OK(logfollow_load(lf, state), "load_rotated");
	logfollow_poll(lf, on_line, s);
	logfollow_poll(lf, on_line, s);
	check_once(s, n, "restart_after_rotation");
	logfollow_free(lf);

	/* a state file of another file: no position, read from the end */
	lf = logfollow_new(paths, 1);
	ASSERT_OK(logfollow_load(lf, "/nonexistent/positions"), "load_missing");
	ASSERT_EQ(logfollow_poll(lf, on_line, s), 0, "start_at_end");
	logfollow_free(lf);
out:
	if (fd >= 0)
		close(fd);
	unlink(path);
	unlink(p1);
	unlink(state);
	free(s);
}

static void command_and_stdin(void)
{
	const char *argv[] = { "sh", "-c", "printf 'n=000000\\nn=000001\\nn=000002'", NULL };
	const char *dash[] = { "-", NULL };
	struct seen *s = calloc(1, sizeof(*s));
	struct logfollow *lf;
	struct epoll_event ev;
	int p[2], saved, i;

	if (!ASSERT_OK_PTR(s, "calloc"))
		return;
	lf = logfollow_new_command(argv);
	if (ASSERT_OK_PTR(lf, "logfollow_new_command")) {
		for (i = 0; i < 100 && s->lines < 3; i++) {
			epoll_wait(logfollow_fd(lf), &ev, 1, 20);
			logfollow_poll(lf, on_line, s);
		}
		check_once(s, 3, "command_lines");
		logfollow_free(lf);
	}

	/* standard input: a pipe in place of fd 0 */
	memset(s, 0, sizeof(*s));
	saved = dup(0);
	if (!ASSERT_OK(pipe(p), "pipe"))
		goto out;
	dup2(p[0], 0);
	close(p[0]);
	lf = logfollow_new_command(dash);
	if (ASSERT_OK_PTR(lf, "stdin")) {
		put(p[1], 7);
		logfollow_poll(lf, on_line, s);
		put(p[1], 8);
		close(p[1]);
		for (i = 0; i < 10 && !logfollow_eof(lf); i++)
			logfollow_poll(lf, on_line, s);
		ASSERT_TRUE(logfollow_eof(lf), "stdin_eof");
		ASSERT_EQ(s->count[7] + s->count[8], 2, "stdin_lines");
		logfollow_free(lf);
	}
	dup2(saved, 0);
out:
	close(saved);
	free(s);
}

static void count_line(const char *line, size_t len, const char *source,
		       void *arg)
{
	(*(uint64_t *)arg)++;
}

/* read_budget - a poll stops after 64 MiB and the fd stays readable */
static void read_budget(const char *dir)
{
	const size_t total = 72u << 20, line = 64;
	char path[256], *buf = malloc(1 << 20);
	const char *paths[1] = { path };
	struct epoll_event ev;
	struct logfollow *lf = NULL;
	uint64_t lines = 0;
	size_t done;
	int fd, i;

	snprintf(path, sizeof(path), "%s/big.log", dir);
	fd = open_log(path);
	if (!ASSERT_OK_PTR(buf, "malloc") || !ASSERT_GE(fd, 0, "open"))
		goto out;
	for (done = 0; done < (1 << 20); done += line) {
		memset(buf + done, 'x', line - 1);
		buf[done + line - 1] = '\n';
	}
	for (done = 0; done < total; done += 1 << 20)
		if (write(fd, buf, 1 << 20) != 1 << 20)
			test__fail();
	lf = logfollow_new(paths, 1);
	if (!ASSERT_OK_PTR(lf, "logfollow_new"))
		goto out;
	logfollow_set_start(lf, 1);
	logfollow_poll(lf, count_line, &lines);
	ASSERT_EQ(logfollow_more(lf), 1, "more_after_budget");
	ASSERT_EQ(epoll_wait(logfollow_fd(lf), &ev, 1, 0), 1, "fd_readable");
	for (i = 0; i < 4 && logfollow_more(lf); i++)
		logfollow_poll(lf, count_line, &lines);
	ASSERT_EQ(logfollow_more(lf), 0, "rest_read");
	ASSERT_EQ(lines, total / line, "all_lines");
	ASSERT_EQ(epoll_wait(logfollow_fd(lf), &ev, 1, 0), 0, "fd_quiet");
out:
	logfollow_free(lf);
	if (fd >= 0)
		close(fd);
	unlink(path);
	free(buf);
}

void test_logfollow(void)
{
	char dir[] = "/tmp/mxguard-logfollow.XXXXXX";
	int r;

	if (!ASSERT_OK_PTR(mkdtemp(dir), "mkdtemp"))
		return;
	if (test__start_subtest("partial_and_long_lines"))
		partial_and_long(dir);
	if (test__start_subtest("missing_file_waited_for"))
		missing_then_created(dir);
	for (r = ROT_RENAME_CREATE; r <= ROT_DELAYCOMPRESS; r++) {
		char name[64];

		snprintf(name, sizeof(name), "rotation_%s", rotation_names[r]);
		if (test__start_subtest(name))
			rotation_stream(r, dir);
	}
	if (test__start_subtest("concurrent_rename_create"))
		concurrent(dir, 0);
	if (test__start_subtest("concurrent_copytruncate"))
		concurrent(dir, 1);
	if (test__start_subtest("restart_positions"))
		restart_positions(dir);
	if (test__start_subtest("command_and_stdin"))
		command_and_stdin();
	if (test__start_subtest("read_budget"))
		read_budget(dir);
	rmdir(dir);
}
