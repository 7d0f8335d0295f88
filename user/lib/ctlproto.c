// SPDX-License-Identifier: GPL-2.0-only
/*
 * ctlproto.c - framing of control socket messages.
 */
#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "ctlproto.h"
#include "util.h"

int ctl_socket_path(const char *ifname, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s.sock", CTL_SOCKET_DIR, ifname);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= n;
	}
	return 0;
}

/* read_all - read len bytes, waiting at most until deadline (ms clock). */
static int read_all(int fd, void *buf, size_t len, uint64_t deadline_ms)
{
	char *p = buf;

	while (len) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint64_t now = now_boot_ns() / 1000000;
		ssize_t n;
		int r;

		if (now >= deadline_ms)
			return -ETIMEDOUT;
		r = poll(&pfd, 1, (int)(deadline_ms - now));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		n = recv(fd, p, len, 0);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EPROTO;	/* peer closed mid-message */
		p += n;
		len -= n;
	}
	return 0;
}

int ctl_send(int fd, uint32_t code, const void *payload, uint32_t len)
{
	struct ctl_header h = {
		.magic = htole32(CTL_MAGIC),
		.version = htole32(CTL_VERSION),
		.code = htole32(code),
		.len = htole32(len),
	};
	int err;

	if (len > CTL_MAX_PAYLOAD)
		return -EMSGSIZE;
	err = write_all(fd, &h, sizeof(h));
	if (!err && len)
		err = write_all(fd, payload, len);
	return err;
}

int ctl_recv(int fd, int timeout_ms, uint32_t *code, char **payload,
	     uint32_t *len)
{
	uint64_t deadline = now_boot_ns() / 1000000 + (uint64_t)timeout_ms;
	struct ctl_header h;
	char *buf;
	int err;

	*payload = NULL;
	err = read_all(fd, &h, sizeof(h), deadline);
	if (err)
		return err;
	if (le32toh(h.magic) != CTL_MAGIC || le32toh(h.version) != CTL_VERSION)
		return -EPROTO;
	*len = le32toh(h.len);
	*code = le32toh(h.code);
	if (*len > CTL_MAX_PAYLOAD)
		return -EMSGSIZE;
	buf = malloc(*len + 1);
	if (!buf)
		return -ENOMEM;
	err = read_all(fd, buf, *len, deadline);
	if (err) {
		free(buf);
		return err;
	}
	buf[*len] = '\0';
	*payload = buf;
	return 0;
}

int ctl_request(const char *path, uint32_t type, const char *arg,
		int timeout_ms, uint32_t *code, char **response)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	uint32_t len;
	int fd, err;

	*response = NULL;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	copy_str(sun.sun_path, path, sizeof(sun.sun_path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		err = -errno;
		goto out_close;
	}
	err = ctl_send(fd, type, arg, arg ? (uint32_t)strlen(arg) : 0);
	if (!err)
		err = ctl_recv(fd, timeout_ms, code, response, &len);
out_close:
	close(fd);
	return err;
}
