/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An LD_PRELOAD stand-in for the kernel's AF_MCTP sockets, for C tests on kernels without MCTP.
 *
 * socket(AF_MCTP, SOCK_DGRAM, 0) gives a Unix datagram socket; sendto() on it with a struct
 * sockaddr_mctp binds it to an address of its own and answers the CCI request at once, as a CXL type 3
 * device at that network and EID would, by sending the response to the socket itself, where
 * the library's poll() and recvmsg() find it. Identify answers with serial number
 * (net << 8 | eid), so a test can tell which endpoint it reached; every other command is
 * answered "unsupported". Other sockets and descriptors are left to the C library.
 *
 * A test drives it through the functions in mctp-shim.h, found with dlsym(): counting the
 * MCTP sockets opened, making one of them fail to open, and making the device answer the next
 * request as a hostile one would (mctp_shim_misbehave).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "mctp-shim.h"

#ifndef AF_MCTP
#define AF_MCTP 45
#endif
#define MAX_FDS 65536
#define CCI_HEADER 12

struct sockaddr_mctp {
	unsigned short smctp_family;
	uint16_t smctp_pad0;
	uint32_t smctp_network;
	uint8_t smctp_addr;
	uint8_t smctp_type;
	uint8_t smctp_tag;
	uint8_t smctp_pad1;
};

/* The shim's sockets, by descriptor: 0 (not one), UNBOUND or BOUND (to an address of its own). */
enum {
	UNBOUND = 1,
	BOUND
};
static unsigned char is_mctp[MAX_FDS];
static unsigned long opened, fail_at;
static int fail_errno;
static enum mctp_shim_mode mode;
/* An answer held back by MCTP_SHIM_LATE, sent before the next one. */
static uint8_t held[CCI_HEADER + 18];
static size_t held_len;

void mctp_shim_misbehave(enum mctp_shim_mode m)
{
	mode = m;
}

unsigned long mctp_shim_opened(void)
{
	return opened;
}

void mctp_shim_fail(unsigned long n, int err)
{
	fail_at = n;
	fail_errno = err;
}

/* The C library's own `name`, looked up once. */
#define REAL(name)                                                          \
	({                                                                  \
		static __typeof__(&name) real_;                             \
		if (!real_)                                                 \
			real_ = (__typeof__(&name))dlsym(RTLD_NEXT, #name); \
		real_;                                                      \
	})

/* One system call, as the kernel's AF_MCTP socket() is: the address comes with the first send. */
int socket(int domain, int type, int protocol)
{
	int fd;

	if (domain != AF_MCTP)
		return REAL(socket)(domain, type, protocol);
	if (++opened == fail_at) {
		errno = fail_errno;
		return -1;
	}
	fd = REAL(socket)(AF_UNIX, type, protocol);
	if (fd >= MAX_FDS) {
		REAL(close)(fd);
		errno = EMFILE;
		return -1;
	}
	if (fd >= 0)
		is_mctp[fd] = UNBOUND;
	return fd;
}

int close(int fd)
{
	if (fd >= 0 && fd < MAX_FDS)
		is_mctp[fd] = 0;
	return REAL(close)(fd);
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = v >> (8 * i);
}

static int to_self(int fd, const void *msg, size_t len, const struct sockaddr *self, socklen_t self_len)
{
	return REAL(sendto)(fd, msg, len, 0, self, self_len) < 0 ? -1 : 0;
}

/* Sends the answer `rsp` to request `req` as the current mode has the device do. */
static int deliver(int fd, const uint8_t *req, size_t req_len, uint8_t *rsp, size_t rsp_len,
		   const struct sockaddr *self, socklen_t self_len)
{
	static uint8_t big[CCI_HEADER + 65536];
	enum mctp_shim_mode m = mode;
	uint8_t other[CCI_HEADER + 18];
	int rc = 0;

	mode = MCTP_SHIM_HONEST;
	if (held_len) { /* the late answer to the request before, first */
		rc |= to_self(fd, held, held_len, self, self_len);
		held_len = 0;
	}
	switch (m) {
	case MCTP_SHIM_HONEST:
		return rc | to_self(fd, rsp, rsp_len, self, self_len);
	case MCTP_SHIM_SILENT:
		return rc;
	case MCTP_SHIM_LATE:
		memcpy(held, rsp, rsp_len);
		held_len = rsp_len;
		return rc;
	case MCTP_SHIM_STALE:
		memcpy(other, rsp, rsp_len);
		other[1] = rsp[1] - 1;
		rc |= to_self(fd, other, rsp_len, self, self_len);
		return rc | to_self(fd, rsp, rsp_len, self, self_len);
	case MCTP_SHIM_DUPLICATE:
		rc |= to_self(fd, rsp, rsp_len, self, self_len);
		return rc | to_self(fd, rsp, rsp_len, self, self_len);
	case MCTP_SHIM_OTHER_OPCODE:
		rsp[3] ^= 0x40;
		return rc | to_self(fd, rsp, rsp_len, self, self_len);
	case MCTP_SHIM_TRUNCATED:
		return rc | to_self(fd, rsp, 7, self, self_len);
	case MCTP_SHIM_SHORT:
		put_le(rsp + 5, rsp_len - 1 - CCI_HEADER, 3);
		return rc | to_self(fd, rsp, rsp_len - 1, self, self_len);
	case MCTP_SHIM_LYING:
		put_le(rsp + 5, rsp_len - CCI_HEADER + 65536, 3);
		return rc | to_self(fd, rsp, rsp_len, self, self_len);
	case MCTP_SHIM_OVERSIZED:
		memset(big, 0x5a, sizeof(big));
		memcpy(big, rsp, CCI_HEADER);
		put_le(big + 5, sizeof(big) - CCI_HEADER, 3);
		return rc | to_self(fd, big, sizeof(big), self, self_len);
	case MCTP_SHIM_ECHO:
		return rc | to_self(fd, req, req_len, self, self_len);
	}
	return rc;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen)
{
	const struct sockaddr_mctp *addr = (const void *)to;
	const uint8_t *req = buf;
	uint8_t rsp[CCI_HEADER + 18] = { 0 };
	struct sockaddr_un self = { .sun_family = AF_UNIX };
	socklen_t self_len = sizeof(self);
	size_t rsp_len = CCI_HEADER;

	if (fd < 0 || fd >= MAX_FDS || !is_mctp[fd])
		return REAL(sendto)(fd, buf, len, flags, to, tolen);
	if (!to || tolen < sizeof(*addr) || addr->smctp_family != AF_MCTP || len < CCI_HEADER) {
		errno = EINVAL;
		return -1;
	}
	rsp[0] = 1;				/* response */
	rsp[1] = req[1];			/* tag */
	rsp[3] = req[3];			/* command */
	rsp[4] = req[4];			/* command set */
	if (req[3] == 0x01 && req[4] == 0x00) { /* Identify */
		uint8_t *id = rsp + CCI_HEADER;

		put_le(id, 0x8086, 2);
		put_le(id + 2, 0x0d93, 2);
		put_le(id + 8, (uint64_t)addr->smctp_network << 8 | addr->smctp_addr, 8);
		id[16] = 0x0b; /* 2 KiB messages */
		id[17] = 0x03; /* a type 3 device */
		rsp_len += 18;
	} else {
		rsp[8] = 0x03; /* unsupported */
	}
	put_le(rsp + 5, rsp_len - CCI_HEADER, 3);
	/* autobind: an abstract address of its own, which the answer goes to */
	if (is_mctp[fd] == UNBOUND) {
		if (bind(fd, (struct sockaddr *)&self, sizeof(sa_family_t)) < 0)
			return -1;
		is_mctp[fd] = BOUND;
	}
	if (getsockname(fd, (struct sockaddr *)&self, &self_len) < 0)
		return -1;
	if (deliver(fd, req, len, rsp, rsp_len, (struct sockaddr *)&self, self_len) < 0)
		return -1;
	return len;
}
