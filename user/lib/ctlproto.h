/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ctlproto.h - the control socket protocol between mxguard and mxguardd.
 *
 * One request and one response per connection over a root-only UNIX
 * stream socket. Each message is a fixed header (magic, version, type or
 * status, payload length, all little-endian u32) followed by the payload:
 * text for requests, a JSON document for responses (the text forms of
 * CTL_STATUS and CTL_WHY_TEXT, and CTL_METRICS, answer with plain text). Every length is
 * checked against CTL_MAX_PAYLOAD before anything is read into memory.
 */
#ifndef MXG_CTLPROTO_H
#define MXG_CTLPROTO_H

#include <stddef.h>
#include <stdint.h>

#define CTL_MAGIC 0x3147584dU	/* "MXG1" */
#define CTL_VERSION 1
#define CTL_MAX_PAYLOAD (4U << 20)
#define CTL_SOCKET_DIR "/run/mxguard"

enum ctl_type {
	CTL_STATUS = 1,		/* payload: "", "pretty" or "text" */
	CTL_RELOAD = 2,		/* payload: none */
	CTL_WHY = 3,		/* payload: an address; answer: JSON */
	CTL_WHY_TEXT = 4,	/* payload: an address; answer: lines of text */
	CTL_METRICS = 5,	/* payload: none; answer: Prometheus text */
};

struct ctl_header {
	uint32_t magic;
	uint32_t version;
	uint32_t code;		/* request: enum ctl_type; response: 0 or errno */
	uint32_t len;
};

/* ctl_socket_path - the default socket of the daemon guarding ifname. */
int ctl_socket_path(const char *ifname, char *buf, size_t len);

/* ctl_send - write one message; 0 or -errno. */
int ctl_send(int fd, uint32_t code, const void *payload, uint32_t len);

/*
 * ctl_recv - read one message with a timeout; *payload is malloc'ed and
 * NUL-terminated (free it). 0, -ETIMEDOUT, -EPROTO or -errno.
 */
int ctl_recv(int fd, int timeout_ms, uint32_t *code, char **payload,
	     uint32_t *len);

/*
 * ctl_request - connect to path, send a request and read the response.
 * Returns 0 with *code the daemon's status, -ENOENT/-ECONNREFUSED when no
 * daemon listens, or another -errno.
 */
int ctl_request(const char *path, uint32_t type, const char *arg,
		int timeout_ms, uint32_t *code, char **response);

#endif /* MXG_CTLPROTO_H */
