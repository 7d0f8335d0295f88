// SPDX-License-Identifier: GPL-2.0-only
/*
 * logfollow.c - the log follower: files across rotation and truncation,
 * commands (journalctl) and stdin, each line handed over exactly once.
 *
 * A file source has a current file and, for a few seconds after a
 * rotation, the old one, each with its own offset, held partial line and
 * first-line hash. Nothing here blocks: reads stop at EAGAIN or EOF.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "logfollow.h"
#include "util.h"

#define LF_HASH_MAX 512
#define LF_READ_CHUNK 65536
#define LF_POLL_BUDGET (64u << 20)
#define LF_OLD_GRACE_NS (5 * NSEC_PER_SEC)
#define LF_RESPAWN_NS (5 * NSEC_PER_SEC)

/* One open file, or the pipe of a command. */
struct lf_file {
	int fd;
	uint64_t dev, ino;
	uint64_t off;		/* bytes read from fd so far */
	uint64_t last_size;
	struct timespec last_mtime;
	uint64_t hash;
	uint32_t hash_len;	/* 0: not known yet */
	int skip_line;		/* inside a cut line: drop up to '\n' */
	size_t held;
	char hold[LF_LINE_MAX];
	uint64_t since_ns;	/* old file: when it was rotated away */
};

struct lf_src {
	char *path;		/* file path, or the command's name */
	char **argv;		/* command, or NULL for a file */
	int is_stdin;
	pid_t pid;
	uint64_t ended_ns;	/* command: when it ended; 0 while it runs */
	int eof;
	struct lf_file cur, old;
	int started;		/* the first open was tried */
	int was_open;		/* a file was open at the path before */
	int have_pos;
	struct logfollow_pos pos;
	int wd;			/* inotify watch of the directory, or -1 */
	struct logfollow_stats st;
};

struct logfollow {
	struct lf_src *src;
	size_t n;
	int epfd;
	int ifd;		/* inotify, or -1 */
	int evfd;		/* readable while a poll stopped at its budget */
	int from_start;
	int more;
	char *rbuf;
	logfollow_cb cb;
	void *arg;
};

static void file_init(struct lf_file *f)
{
	memset(f, 0, sizeof(*f));
	f->fd = -1;
}

static void file_close(struct lf_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	file_init(f);
}

/* --- lines ---------------------------------------------------------------- */

static void deliver(struct logfollow *lf, struct lf_src *s, const char *p,
		    size_t n)
{
	s->st.lines++;
	s->st.last_line_ns = now_boot_ns();
	if (lf->cb)
		lf->cb(p, n, s->path, lf->arg);
}

/*
 * split - cut data into lines: complete ones go to the callback, a partial
 * one into f->hold. A line over LF_LINE_MAX bytes is handed over cut, and
 * the rest up to its newline dropped.
 */
static void split(struct logfollow *lf, struct lf_src *s, struct lf_file *f,
		  const char *data, size_t n)
{
	while (n) {
		const char *nl = memchr(data, '\n', n);
		size_t seg = nl ? (size_t)(nl - data) : n;
		size_t used = seg + (nl ? 1 : 0);

		if (f->skip_line) {
			if (nl)
				f->skip_line = 0;
		} else if (!f->held && nl && seg <= LF_LINE_MAX) {
			deliver(lf, s, data, seg);
		} else if (f->held + seg > LF_LINE_MAX) {
			size_t take = LF_LINE_MAX - f->held;

			memcpy(f->hold + f->held, data, take);
			deliver(lf, s, f->hold, LF_LINE_MAX);
			s->st.lines_cut++;
			f->held = 0;
			f->skip_line = !nl;
		} else {
			memcpy(f->hold + f->held, data, seg);
			f->held += seg;
			if (nl) {
				deliver(lf, s, f->hold, f->held);
				f->held = 0;
			}
		}
		data += used;
		n -= used;
	}
}

/* flush_partial - a file ended for good: its last partial line is whole. */
static void flush_partial(struct logfollow *lf, struct lf_src *s,
			  struct lf_file *f)
{
	if (f->held && !f->skip_line)
		deliver(lf, s, f->hold, f->held);
	f->held = 0;
	f->skip_line = 0;
}

/*
 * read_fd - read f to EOF or EAGAIN (or the budget). Returns 1 at EOF,
 * 0 when more may come later, -errno on a read error.
 */
static int read_fd(struct logfollow *lf, struct lf_src *s, struct lf_file *f)
{
	size_t budget = LF_POLL_BUDGET;

	while (budget) {
		ssize_t r = read(f->fd, lf->rbuf, LF_READ_CHUNK);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			return -errno;
		}
		if (r == 0)
			return 1;
		f->off += (uint64_t)r;
		s->st.bytes += (uint64_t)r;
		split(lf, s, f, lf->rbuf, (size_t)r);
		budget -= (size_t)r < budget ? (size_t)r : budget;
	}
	lf->more = 1;
	return 0;
}

/* --- files ---------------------------------------------------------------- */

static uint64_t fnv1a(const char *p, size_t n)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
	return h;
}

/*
 * first_line - hash the file's first line (up to LF_HASH_MAX bytes).
 * Returns the bytes covered, or 0 when the first line is not complete yet.
 */
static uint32_t first_line(int fd, uint64_t *hash)
{
	char buf[LF_HASH_MAX];
	ssize_t r = pread(fd, buf, sizeof(buf), 0);
	const char *nl;
	size_t n;

	if (r <= 0)
		return 0;
	nl = memchr(buf, '\n', (size_t)r);
	if (nl)
		n = (size_t)(nl - buf) + 1;
	else if (r == LF_HASH_MAX)
		n = LF_HASH_MAX;
	else
		return 0;
	*hash = fnv1a(buf, n);
	return (uint32_t)n;
}

/* same_start - the first hash_len bytes of fd still hash to hash. */
static int same_start(int fd, uint64_t hash, uint32_t hash_len)
{
	char buf[LF_HASH_MAX];
	ssize_t r;

	if (!hash_len)
		return 1;
	r = pread(fd, buf, hash_len, 0);
	return r == (ssize_t)hash_len && fnv1a(buf, hash_len) == hash;
}

static int open_file(const char *path, struct lf_file *f)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		int err = -errno;

		close(fd);
		return err;
	}
	file_init(f);
	f->fd = fd;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->last_size = (uint64_t)st.st_size;
	f->last_mtime = st.st_mtim;
	f->hash_len = first_line(fd, &f->hash);
	return 0;
}

/* seek_to - continue f at off; inside a line, skip to its end. */
static void seek_to(struct lf_file *f, uint64_t off, int skip_line)
{
	char c;

	f->off = off;
	lseek(f->fd, (off_t)off, SEEK_SET);
	f->skip_line = skip_line;
	if (!skip_line && off > 0 && pread(f->fd, &c, 1, (off_t)off - 1) == 1 &&
	    c != '\n')
		f->skip_line = 1;
}

/*
 * recover_rotated - after copytruncate, read what was written since the
 * last read from PATH.1 when that file starts like ours did and reaches
 * our offset. Lines go through f, so a held partial line is completed.
 */
static void recover_rotated(struct logfollow *lf, struct lf_src *s,
			    struct lf_file *f)
{
	char path[4096 + 3];
	struct lf_file r;
	uint64_t lines = s->st.lines;

	if (!f->hash_len)
		return;
	snprintf(path, sizeof(path), "%s.1", s->path);
	if (open_file(path, &r))
		return;
	if (r.hash_len == f->hash_len && r.hash == f->hash &&
	    r.last_size >= f->off) {
		int fd = f->fd;

		f->fd = r.fd;
		lseek(f->fd, (off_t)f->off, SEEK_SET);
		while (read_fd(lf, s, f) == 0 && !lf->more)
			;
		flush_partial(lf, s, f);
		f->fd = fd;
		s->st.recovered += s->st.lines - lines;
	}
	close(r.fd);
}

/* restart_at_zero - the file was truncated or rewritten in place. */
static void restart_at_zero(struct logfollow *lf, struct lf_src *s,
			    struct lf_file *f)
{
	recover_rotated(lf, s, f);
	if (f->held && !f->skip_line)
		s->st.lines_cut++;	/* its end is gone */
	f->held = 0;
	f->skip_line = 0;
	f->off = 0;
	lseek(f->fd, 0, SEEK_SET);
	f->hash_len = first_line(f->fd, &f->hash);
	s->st.truncations++;
}

/* check_in_place - truncation or a rewrite of the same inode. */
static void check_in_place(struct logfollow *lf, struct lf_src *s,
			   struct lf_file *f)
{
	struct stat st;

	if (fstat(f->fd, &st))
		return;
	if ((uint64_t)st.st_size < f->off) {
		restart_at_zero(lf, s, f);
	} else if ((uint64_t)st.st_size != f->last_size ||
		   st.st_mtim.tv_sec != f->last_mtime.tv_sec ||
		   st.st_mtim.tv_nsec != f->last_mtime.tv_nsec) {
		if (!same_start(f->fd, f->hash, f->hash_len))
			restart_at_zero(lf, s, f);
		else if (!f->hash_len)
			f->hash_len = first_line(f->fd, &f->hash);
	}
	f->last_size = (uint64_t)st.st_size;
	f->last_mtime = st.st_mtim;
}

/* first_open - the first open of a source: restored position, or end. */
static void first_open(struct logfollow *lf, struct lf_src *s)
{
	struct lf_file *f = &s->cur;
	struct logfollow_pos *p = &s->pos;

	if (open_file(s->path, f))
		return;
	s->started = 1;
	if (!s->have_pos) {
		if (!lf->from_start)
			seek_to(f, f->last_size, 0);
		return;
	}
	if (p->dev == f->dev && p->ino == f->ino) {
		if (f->last_size >= p->offset &&
		    same_start(f->fd, p->hash, p->hash_len)) {
			seek_to(f, p->offset, p->skip_line);
			return;
		}
		/* truncated (copytruncate) while we were away */
		f->off = p->offset;
		f->hash = p->hash;
		f->hash_len = p->hash_len;
		restart_at_zero(lf, s, f);
		return;
	}

	/* rotated while we were away: finish the old file if it is PATH.1 */
	{
		char path[4096 + 3];
		struct lf_file *o = &s->old;

		snprintf(path, sizeof(path), "%s.1", s->path);
		if (!open_file(path, o) && o->dev == p->dev && o->ino == p->ino &&
		    o->last_size >= p->offset &&
		    same_start(o->fd, p->hash, p->hash_len)) {
			seek_to(o, p->offset, p->skip_line);
			o->since_ns = now_boot_ns();
		} else {
			file_close(o);
		}
		s->st.rotations++;
	}
}

static void poll_file(struct logfollow *lf, struct lf_src *s)
{
	struct stat st;
	int r;

	/* the file rotated away: read late lines, close after the grace time */
	if (s->old.fd >= 0) {
		r = read_fd(lf, s, &s->old);
		if (r != 0 && now_boot_ns() - s->old.since_ns > LF_OLD_GRACE_NS) {
			flush_partial(lf, s, &s->old);
			file_close(&s->old);
		}
	}

	if (s->cur.fd < 0) {
		if (!s->started) {
			first_open(lf, s);
			s->started = 1;
		} else if (!open_file(s->path, &s->cur) && s->was_open) {
			s->st.rotations++;	/* re-created after a deletion */
		}
		if (s->cur.fd < 0)
			return;
		s->was_open = 1;
	}

	check_in_place(lf, s, &s->cur);
	read_fd(lf, s, &s->cur);

	/* a new file at the path: finish this one, then switch */
	if (stat(s->path, &st) || ((uint64_t)st.st_ino == s->cur.ino &&
				   (uint64_t)st.st_dev == s->cur.dev))
		return;
	read_fd(lf, s, &s->cur);
	if (s->old.fd >= 0) {
		flush_partial(lf, s, &s->old);
		file_close(&s->old);
	}
	s->old = s->cur;
	s->old.since_ns = now_boot_ns();
	file_init(&s->cur);
	s->st.rotations++;
	if (!open_file(s->path, &s->cur))
		read_fd(lf, s, &s->cur);
}

/* --- commands ------------------------------------------------------------- */

static int spawn(struct logfollow *lf, struct lf_src *s)
{
	int p[2], fl;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(p[0]);
		close(p[1]);
		return err;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		if (null >= 0)
			dup2(null, 0);
		dup2(p[1], 1);
		execvp(s->argv[0], s->argv);
		_exit(127);
	}
	close(p[1]);
	fl = fcntl(p[0], F_GETFL);
	fcntl(p[0], F_SETFL, fl | O_NONBLOCK);
	file_init(&s->cur);
	s->cur.fd = p[0];
	s->pid = pid;
	s->ended_ns = 0;
	if (lf->epfd >= 0) {
		struct epoll_event ev = { .events = EPOLLIN, .data.fd = p[0] };

		epoll_ctl(lf->epfd, EPOLL_CTL_ADD, p[0], &ev);
	}
	return 0;
}

static void end_command(struct logfollow *lf, struct lf_src *s)
{
	if (s->cur.fd >= 0 && lf->epfd >= 0)
		epoll_ctl(lf->epfd, EPOLL_CTL_DEL, s->cur.fd, NULL);
	flush_partial(lf, s, &s->cur);
	if (s->is_stdin) {
		s->cur.fd = -1;	/* not ours to close */
		s->eof = 1;
		return;
	}
	file_close(&s->cur);
	if (s->pid > 0 && waitpid(s->pid, NULL, WNOHANG) == s->pid)
		s->pid = 0;
	s->ended_ns = now_boot_ns();
}

static void poll_command(struct logfollow *lf, struct lf_src *s)
{
	int r;

	if (s->cur.fd < 0) {
		if (s->is_stdin || s->eof)
			return;
		if (s->pid > 0 && waitpid(s->pid, NULL, WNOHANG) == s->pid)
			s->pid = 0;
		if (now_boot_ns() - s->ended_ns < LF_RESPAWN_NS)
			return;
		if (s->pid > 0) {
			kill(s->pid, SIGKILL);
			waitpid(s->pid, NULL, 0);
			s->pid = 0;
		}
		if (spawn(lf, s))
			return;
		s->st.restarts++;
	}
	r = read_fd(lf, s, &s->cur);
	if (r != 0)
		end_command(lf, s);
}

/* --- public ---------------------------------------------------------------- */

static struct logfollow *lf_alloc(size_t n)
{
	struct logfollow *lf = calloc(1, sizeof(*lf));
	size_t i;

	if (!lf)
		return NULL;
	lf->src = calloc(n ? n : 1, sizeof(*lf->src));
	lf->rbuf = malloc(LF_READ_CHUNK);
	lf->epfd = epoll_create1(EPOLL_CLOEXEC);
	lf->ifd = -1;
	lf->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!lf->src || !lf->rbuf || lf->epfd < 0 || lf->evfd < 0) {
		int err = errno;

		free(lf->src);
		free(lf->rbuf);
		if (lf->epfd >= 0)
			close(lf->epfd);
		if (lf->evfd >= 0)
			close(lf->evfd);
		free(lf);
		errno = err ? err : ENOMEM;
		return NULL;
	}
	{
		struct epoll_event ev = { .events = EPOLLIN, .data.fd = lf->evfd };

		epoll_ctl(lf->epfd, EPOLL_CTL_ADD, lf->evfd, &ev);
	}
	lf->n = n;
	for (i = 0; i < n; i++) {
		file_init(&lf->src[i].cur);
		file_init(&lf->src[i].old);
		lf->src[i].wd = -1;
	}
	return lf;
}

/* watch_dir - an inotify watch on the directory of s->path. */
static void watch_dir(struct logfollow *lf, struct lf_src *s)
{
	char dir[4096];
	const char *slash = strrchr(s->path, '/');

	if (lf->ifd < 0 || s->wd >= 0)
		return;
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == s->path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - s->path), s->path);
	s->wd = inotify_add_watch(lf->ifd, dir,
				  IN_MODIFY | IN_CREATE | IN_MOVED_TO |
				  IN_MOVED_FROM | IN_DELETE | IN_ATTRIB |
				  IN_CLOSE_WRITE);
}

struct logfollow *logfollow_new(const char *const *paths, size_t n)
{
	struct logfollow *lf = lf_alloc(n);
	size_t i;

	if (!lf)
		return NULL;
	lf->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (lf->ifd >= 0) {
		struct epoll_event ev = { .events = EPOLLIN, .data.fd = lf->ifd };

		epoll_ctl(lf->epfd, EPOLL_CTL_ADD, lf->ifd, &ev);
	}
	for (i = 0; i < n; i++) {
		lf->src[i].path = strdup(paths[i]);
		if (!lf->src[i].path) {
			logfollow_free(lf);
			errno = ENOMEM;
			return NULL;
		}
		watch_dir(lf, &lf->src[i]);
	}
	return lf;
}

struct logfollow *logfollow_new_command(const char *const argv[])
{
	struct logfollow *lf;
	struct lf_src *s;
	size_t i, argc = 0;

	if (!argv || !argv[0]) {
		errno = EINVAL;
		return NULL;
	}
	lf = lf_alloc(1);
	if (!lf)
		return NULL;
	s = &lf->src[0];
	if (!strcmp(argv[0], "-")) {
		struct epoll_event ev = { .events = EPOLLIN, .data.fd = 0 };
		int fl = fcntl(0, F_GETFL);

		s->is_stdin = 1;
		s->path = strdup("stdin");
		s->cur.fd = 0;
		if (fl >= 0)
			fcntl(0, F_SETFL, fl | O_NONBLOCK);
		/* a regular file cannot be in an epoll set, but is all there */
		if (epoll_ctl(lf->epfd, EPOLL_CTL_ADD, 0, &ev) && errno == EPERM)
			eventfd_write(lf->evfd, 1);
		if (!s->path)
			goto out_free;
		return lf;
	}
	while (argv[argc])
		argc++;
	s->argv = calloc(argc + 1, sizeof(char *));
	s->path = strdup(argv[0]);
	if (!s->argv || !s->path)
		goto out_free;
	for (i = 0; i < argc; i++) {
		s->argv[i] = strdup(argv[i]);
		if (!s->argv[i])
			goto out_free;
	}
	if (spawn(lf, s)) {
		int err = errno;

		logfollow_free(lf);
		errno = err;
		return NULL;
	}
	return lf;

out_free:
	logfollow_free(lf);
	errno = ENOMEM;
	return NULL;
}

void logfollow_free(struct logfollow *lf)
{
	size_t i, j;

	if (!lf)
		return;
	for (i = 0; i < lf->n; i++) {
		struct lf_src *s = &lf->src[i];

		if (s->is_stdin)
			s->cur.fd = -1;
		file_close(&s->cur);
		file_close(&s->old);
		if (s->pid > 0) {
			kill(s->pid, SIGTERM);
			/* give it a second to write its cursor file */
			for (j = 0; j < 100; j++) {
				if (waitpid(s->pid, NULL, WNOHANG) == s->pid)
					break;
				usleep(10000);
			}
			if (j == 100) {
				kill(s->pid, SIGKILL);
				waitpid(s->pid, NULL, 0);
			}
		}
		if (s->argv)
			for (j = 0; s->argv[j]; j++)
				free(s->argv[j]);
		free(s->argv);
		free(s->path);
	}
	if (lf->ifd >= 0)
		close(lf->ifd);
	if (lf->evfd >= 0)
		close(lf->evfd);
	if (lf->epfd >= 0)
		close(lf->epfd);
	free(lf->src);
	free(lf->rbuf);
	free(lf);
}

void logfollow_set_start(struct logfollow *lf, int from_start)
{
	lf->from_start = from_start;
}

int logfollow_fd(struct logfollow *lf)
{
	return lf->epfd;
}

int logfollow_poll(struct logfollow *lf, logfollow_cb cb, void *arg)
{
	uint64_t before = 0, after = 0;
	size_t i;

	lf->cb = cb;
	lf->arg = arg;
	lf->more = 0;
	eventfd_read(lf->evfd, &(eventfd_t){ 0 });

	/* drain inotify: any event means "look again", the poll decides */
	if (lf->ifd >= 0) {
		char buf[4096] __attribute__((aligned(8)));

		while (read(lf->ifd, buf, sizeof(buf)) > 0)
			;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
	}
	for (i = 0; i < lf->n; i++)
		before += lf->src[i].st.lines;
	for (i = 0; i < lf->n; i++) {
		struct lf_src *s = &lf->src[i];

		if (s->argv || s->is_stdin) {
			poll_command(lf, s);
		} else {
			watch_dir(lf, s);
			poll_file(lf, s);
		}
	}
	for (i = 0; i < lf->n; i++)
		after += lf->src[i].st.lines;
	lf->cb = NULL;
	/* keep logfollow_fd() readable until the rest is read */
	if (lf->more)
		eventfd_write(lf->evfd, 1);
	return (int)(after - before);
}

int logfollow_more(const struct logfollow *lf)
{
	return lf->more;
}

int logfollow_eof(const struct logfollow *lf)
{
	return lf->n == 1 && lf->src[0].eof;
}

size_t logfollow_nsources(const struct logfollow *lf)
{
	return lf->n;
}

const char *logfollow_source(const struct logfollow *lf, size_t i)
{
	return i < lf->n ? lf->src[i].path : NULL;
}

int logfollow_stats(const struct logfollow *lf, size_t i,
		    struct logfollow_stats *st)
{
	if (i >= lf->n)
		return -EINVAL;
	*st = lf->src[i].st;
	st->open = lf->src[i].cur.fd >= 0;
	return 0;
}

int logfollow_get_pos(const struct logfollow *lf, size_t i,
		      struct logfollow_pos *pos)
{
	const struct lf_src *s;
	const struct lf_file *f;

	if (i >= lf->n || lf->src[i].argv || lf->src[i].is_stdin)
		return -EINVAL;
	s = &lf->src[i];
	f = &s->cur;
	if (f->fd < 0)
		return -ENOENT;
	memset(pos, 0, sizeof(*pos));
	copy_str(pos->path, s->path, sizeof(pos->path));
	pos->dev = f->dev;
	pos->ino = f->ino;
	/* a held partial line is read again; a cut one is skipped */
	pos->offset = f->off - f->held;
	pos->skip_line = f->skip_line;
	pos->hash = f->hash;
	pos->hash_len = f->hash_len;
	return 0;
}

int logfollow_set_pos(struct logfollow *lf, const struct logfollow_pos *pos)
{
	size_t i;

	for (i = 0; i < lf->n; i++) {
		struct lf_src *s = &lf->src[i];

		if (s->argv || s->is_stdin || strcmp(s->path, pos->path))
			continue;
		s->pos = *pos;
		s->have_pos = 1;
		return 0;
	}
	return -ENOENT;
}

/*
 * The state file: one line per file,
 * "dev ino offset hash hash_len skip_line path\n", the path last so it
 * may hold blanks (a path with a newline is not saved).
 */
int logfollow_save(const struct logfollow *lf, const char *path)
{
	char tmp[4096 + 8];
	struct logfollow_pos p;
	size_t i;
	FILE *f;
	int err = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	for (i = 0; i < lf->n; i++) {
		if (logfollow_get_pos(lf, i, &p) || strchr(p.path, '\n'))
			continue;
		fprintf(f, "%llu %llu %llu %llu %u %u %s\n",
			(unsigned long long)p.dev, (unsigned long long)p.ino,
			(unsigned long long)p.offset, (unsigned long long)p.hash,
			p.hash_len, p.skip_line, p.path);
	}
	if (fflush(f) || fsync(fileno(f)))
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

int logfollow_load(struct logfollow *lf, const char *path)
{
	char line[4096 + 128];
	FILE *f = fopen(path, "re");

	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long dev, ino, off, hash;
		struct logfollow_pos p;
		unsigned hl, skip;
		int n = 0;

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%llu %llu %llu %llu %u %u %n", &dev, &ino, &off,
			   &hash, &hl, &skip, &n) != 6 || !n || hl > LF_HASH_MAX)
			continue;
		memset(&p, 0, sizeof(p));
		p.dev = dev;
		p.ino = ino;
		p.offset = off;
		p.hash = hash;
		p.hash_len = hl;
		p.skip_line = !!skip;
		copy_str(p.path, line + n, sizeof(p.path));
		logfollow_set_pos(lf, &p);
	}
	fclose(f);
	return 0;
}

int logfollow_read_fd(int fd, const char *source, logfollow_cb cb, void *arg,
		      struct logfollow_stats *st)
{
	struct logfollow lf = { .cb = cb, .arg = arg, .epfd = -1, .ifd = -1,
				.evfd = -1 };
	struct lf_src s;
	int r;

	memset(&s, 0, sizeof(s));
	s.path = (char *)source;
	file_init(&s.cur);
	s.cur.fd = fd;
	lf.rbuf = malloc(LF_READ_CHUNK);
	if (!lf.rbuf)
		return -ENOMEM;
	do {
		lf.more = 0;
		r = read_fd(&lf, &s, &s.cur);
		if (r == 0 && !lf.more) {
			/* a non-blocking descriptor with nothing yet: wait */
			usleep(1000);
		}
	} while (r == 0);
	if (r > 0)
		flush_partial(&lf, &s, &s.cur);
	free(lf.rbuf);
	if (st)
		*st = s.st;
	return r < 0 ? r : 0;
}
