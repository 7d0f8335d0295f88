/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * logfollow.h - follow log files (or the output of a command such as
 * journalctl, or stdin) and hand each new line to a callback, once.
 *
 * Made for an event loop: logfollow_fd() is one descriptor that becomes
 * readable when there may be new lines (an epoll set holding inotify or
 * the pipe), and logfollow_poll() never blocks. Call it when that fd is
 * readable and on every timer tick; the tick also catches what inotify
 * cannot see (files on NFS, a directory that appears later).
 *
 * Files are followed across rename-and-create rotation (the old file is
 * read to its end, and kept a few seconds for late writes, before the
 * new one is read from its start), copytruncate and plain truncation (a
 * size below the offset, or a changed first line, restarts at 0 once;
 * with copytruncate the lines written since the last read are taken from
 * "PATH.1" when its first line is the same), replacement by a file of
 * equal size, deletion and re-creation, and delaycompress. A partial last
 * line is held until its newline arrives. Lines longer than LF_LINE_MAX
 * are cut: the first LF_LINE_MAX bytes are handed over, the rest up to
 * the newline is dropped and counted, so one record never becomes two.
 */
#ifndef MXG_LOGFOLLOW_H
#define MXG_LOGFOLLOW_H

#include <stddef.h>
#include <stdint.h>

#define LF_LINE_MAX 8192

/* Per-source counters. */
struct logfollow_stats {
	uint64_t lines;		/* complete lines handed over */
	uint64_t lines_cut;	/* lines longer than LF_LINE_MAX */
	uint64_t bytes;
	uint64_t rotations;	/* a new file (inode) took the path */
	uint64_t truncations;	/* the file shrank or its start changed */
	uint64_t recovered;	/* lines read from PATH.1 after copytruncate */
	uint64_t restarts;	/* command restarted after it ended */
	uint64_t last_line_ns;	/* CLOCK_BOOTTIME of the last line; 0 = none */
	int open;		/* the file is open or the command runs */
};

/* Read position in one file, saved so that a restart continues there. */
struct logfollow_pos {
	char path[4096];
	uint64_t dev;
	uint64_t ino;
	uint64_t offset;	/* start of the first line not handed over */
	uint64_t hash;		/* of the file's first line (up to 512 bytes) */
	uint32_t hash_len;	/* bytes the hash covers; 0 = none yet */
	uint32_t skip_line;	/* offset is inside a cut line: skip to '\n' */
};

typedef void (*logfollow_cb)(const char *line, size_t len, const char *source,
			     void *arg);

struct logfollow;

/*
 * logfollow_new - follow n files. A missing file is waited for. Files that
 * exist at the first poll are read from their end unless a position was
 * restored or logfollow_set_start(lf, 1) was called; files that appear
 * later are read from their start. NULL with errno set on failure.
 */
struct logfollow *logfollow_new(const char *const *paths, size_t n);

/*
 * logfollow_new_command - follow the standard output of argv (run without
 * a shell; restarted 5 s after it ends), or standard input when argv is
 * { "-", NULL }. For the journal, e.g. { "journalctl", "-f", "-o",
 * "short-iso", "--cursor-file", FILE, NULL }, which continues after the
 * last line read before a restart.
 */
struct logfollow *logfollow_new_command(const char *const argv[]);

/* logfollow_free - stop (a command gets SIGTERM) and release; NULL is ok. */
void logfollow_free(struct logfollow *lf);

/* logfollow_set_start - read files that exist at the first poll from 0. */
void logfollow_set_start(struct logfollow *lf, int from_start);

/* logfollow_fd - the descriptor to watch for readability, or -1. */
int logfollow_fd(struct logfollow *lf);

/*
 * logfollow_poll - read every complete new line of every source and call
 * cb(line, len, source, arg) for each (line is not NUL-terminated and
 * may hold NUL bytes). Returns the number of lines, or -errno when the
 * inotify or epoll descriptor failed. At most 64 MiB are read per source
 * and call; then logfollow_more() returns 1 and logfollow_fd() stays
 * readable until a later call has read the rest.
 */
int logfollow_poll(struct logfollow *lf, logfollow_cb cb, void *arg);

/* logfollow_more - 1 when the last poll stopped before the end of data. */
int logfollow_more(const struct logfollow *lf);

/* logfollow_eof - 1 when standard input ended (it is never reopened). */
int logfollow_eof(const struct logfollow *lf);

size_t logfollow_nsources(const struct logfollow *lf);
const char *logfollow_source(const struct logfollow *lf, size_t i);
int logfollow_stats(const struct logfollow *lf, size_t i,
		    struct logfollow_stats *st);

/*
 * logfollow_get_pos - the position of file source i; -ENOENT while the
 * file is not open, -EINVAL for a command source.
 */
int logfollow_get_pos(const struct logfollow *lf, size_t i,
		      struct logfollow_pos *pos);

/*
 * logfollow_set_pos - continue the file pos->path where pos says, before
 * the first poll. The position is used only when the file there is the
 * same one (device, inode, first line) and is not shorter; when the file
 * was rotated meanwhile, the rest of the old one is read from PATH.1 if
 * it is there. Returns 0, or -ENOENT when no source has that path.
 */
int logfollow_set_pos(struct logfollow *lf, const struct logfollow_pos *pos);

/*
 * logfollow_save - write the positions of all open files to path (one
 * line each, written to a temporary file and renamed). logfollow_load -
 * restore them; a missing file is not an error. 0 or -errno.
 */
int logfollow_save(const struct logfollow *lf, const char *path);
int logfollow_load(struct logfollow *lf, const char *path);

/*
 * logfollow_read_fd - read fd to its end with the same line rules and
 * call cb for each line; a last line without newline is handed over too.
 * st (may be NULL) receives the counters. 0 or -errno.
 */
int logfollow_read_fd(int fd, const char *source, logfollow_cb cb, void *arg,
		      struct logfollow_stats *st);

#endif /* MXG_LOGFOLLOW_H */
