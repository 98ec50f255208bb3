// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A scripted Linux kernel for tests/test-ioctl.c, loaded with LD_PRELOAD.
 *
 * It plays the CXL memory device driver (drivers/cxl/core/mbox.c) for
 * /dev/cxl/$CXLMI_TEST_DEVICE (default mem0): opening the node, sysfs
 * payload_max, and the CXL_MEM_QUERY_COMMANDS and CXL_MEM_SEND_COMMAND
 * ioctls on its descriptor, with the kernel's command table, its checks in
 * their order and with their errnos, and its RAW deny list, in front of a
 * QEMU-like type 3 device. Every other file and ioctl goes to the real C
 * library. src/transport/ioctl/scripted.rs plays the same kernel for the
 * Rust tests.
 *
 * The kernel it plays is set by the same variables that tell the test what
 * to expect, so on a real kernel only the variables change:
 *   CXLMI_TEST_RAW=1      built with CONFIG_CXL_MEM_RAW_COMMANDS (newest deny list)
 *   CXLMI_TEST_PMEM=1     cxl_pmem holds Set LSA and Set Shutdown State
 *   CXLMI_TEST_PAYLOAD=N  the mailbox payload size (default 2048, QEMU's)
 *   CXLMI_TEST_SYSFS=0    sysfs payload_max cannot be read (shim only)
 */
/* open and open64 are both defined here: glibc must not rename one to the other. */
#undef _FILE_OFFSET_BITS
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ioctl-shim.h"

/* <linux/cxl_mem.h> */
#define CXL_MEM_QUERY_COMMANDS 0x8008ce01ul	/* _IOR(0xCE, 1, struct cxl_mem_query_commands) */
#define CXL_MEM_SEND_COMMAND 0xc030ce02ul	/* _IOWR(0xCE, 2, struct cxl_send_command) */
#define FLAG_ENABLED 1u
#define FLAG_EXCLUSIVE 2u
#define VARIABLE 0xffffffffu
#define ID_RAW 2u
#define ID_MAX 25u	/* CXL_MEM_COMMAND_ID_MAX of the newest kernel */

struct cxl_command_info {
	uint32_t id, flags, size_in, size_out;
};

struct cxl_mem_query_commands {
	uint32_t n_commands, rsvd;
	struct cxl_command_info commands[];
};

struct cxl_send_command {
	uint32_t id, flags;
	uint16_t raw_opcode, raw_rsvd;
	uint32_t retval;
	struct { uint32_t size, rsvd; uint64_t payload; } in, out;
};

/* cxl_mem_commands[] of the newest kernel: id, opcode, sizes, FORCE_ENABLE. */
static const struct {
	uint32_t id;
	uint16_t opcode;
	uint32_t size_in, size_out;
	bool forced;
} table[] = {
	{ 1, 0x4000, 0, 0x43, true },		/* Identify Memory Device */
	{ 3, 0x0400, 0, VARIABLE, true },	/* Get Supported Logs */
	{ 4, 0x0200, 0, 0x50, false },		/* Get FW Info */
	{ 5, 0x4100, 0, 0x20, false },		/* Get Partition Info */
	{ 6, 0x4102, 0x8, VARIABLE, false },	/* Get LSA */
	{ 7, 0x4200, 0, 0x12, false },		/* Get Health Info */
	{ 8, 0x0401, 0x18, VARIABLE, true },	/* Get Log */
	{ 9, 0x4101, 0x0a, 0, false },		/* Set Partition Info */
	{ 10, 0x4103, VARIABLE, 0, false },	/* Set LSA */
	{ 11, 0x4201, 0, 0x10, false },		/* Get Alert Configuration */
	{ 12, 0x4202, 0xc, 0, false },		/* Set Alert Configuration */
	{ 13, 0x4203, 0, 0x1, false },		/* Get Shutdown State */
	{ 14, 0x4204, 0x1, 0, false },		/* Set Shutdown State */
	{ 18, 0x4303, 0x10, 0x4, false },	/* Get Scan Media Capabilities */
	{ 21, 0x0300, 0, 0x8, false },		/* Get Timestamp */
	{ 22, 0x0402, 0x10, 0x4, false },	/* Get Log Capabilities */
	{ 23, 0x0403, 0x10, 0, false },		/* Clear Log */
	{ 24, 0x0405, 0x2, VARIABLE, false },	/* Get Supported Logs Sub-List */
};

/* The opcodes QEMU's type 3 device lists in its Command Effects Log. */
static const uint16_t cel[] = {
	0x0100, 0x0101, 0x0102, 0x0103, 0x0200, 0x0201, 0x0202, 0x0300, 0x0301, 0x0400, 0x0401,
	0x0402, 0x0403, 0x0500, 0x0501, 0x0502, 0x4000, 0x4100, 0x4101, 0x4102, 0x4103, 0x4200,
	0x4201, 0x4202, 0x4300, 0x4301, 0x4302, 0x4303, 0x4304, 0x4305, 0x4400, 0x4401, 0x4500,
};

/* cxl_disabled_raw_commands[] of the newest kernels; and sets 44h-46h. */
static const uint16_t raw_denied[] = {
	0x0202, 0x4101, 0x4103, 0x4204, 0x4304, 0x4305, 0x4300, 0x4301, 0x4302, 0x0500, 0x0501, 0x0502,
};

static struct {
	bool ready;
	char node[64], sysfs[96];
	bool raw, sysfs_readable;
	uint32_t payload_size;
	uint32_t exclusive;	/* bit per id */
	int fail_next;
	int fds[16];
	struct ioctl_shim_stats stats;
} k;

static bool env_is(const char *name, const char *value)
{
	const char *v = getenv(name);

	return v && strcmp(v, value) == 0;
}

static void setup(void)
{
	const char *dev = getenv("CXLMI_TEST_DEVICE"), *payload = getenv("CXLMI_TEST_PAYLOAD");

	if (k.ready)
		return;
	if (!dev || !*dev)
		dev = "mem0";
	snprintf(k.node, sizeof(k.node), "/dev/cxl/%s", dev);
	snprintf(k.sysfs, sizeof(k.sysfs), "/sys/bus/cxl/devices/%s/payload_max", dev);
	k.raw = env_is("CXLMI_TEST_RAW", "1");
	k.sysfs_readable = !env_is("CXLMI_TEST_SYSFS", "0");
	k.payload_size = payload && *payload ? (uint32_t)strtoul(payload, NULL, 0) : 2048;
	if (env_is("CXLMI_TEST_PMEM", "1"))
		k.exclusive = 1u << 10 | 1u << 14;	/* Set LSA, Set Shutdown State */
	for (unsigned i = 0; i < sizeof(k.fds) / sizeof(k.fds[0]); i++)
		k.fds[i] = -1;
	k.ready = true;
}

typedef int open_fn(const char *, int, ...);
typedef int openat_fn(int, const char *, int, ...);

static void *next(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

/* ---- files ---------------------------------------------------------------------------------- */

static bool is_node(int fd)
{
	for (unsigned i = 0; fd >= 0 && i < sizeof(k.fds) / sizeof(k.fds[0]); i++)
		if (k.fds[i] == fd)
			return true;
	return false;
}

/* The node, or payload_max; -2 for any other path. */
static int open_scripted(const char *path)
{
	open_fn *real_open = (open_fn *)next("open");

	setup();
	if (strcmp(path, k.node) == 0) {
		int fd = real_open("/dev/null", O_RDWR | O_CLOEXEC);

		for (unsigned i = 0; fd >= 0 && i < sizeof(k.fds) / sizeof(k.fds[0]); i++)
			if (k.fds[i] < 0) {
				k.fds[i] = fd;
				return fd;
			}
		if (fd >= 0)
			close(fd);
		errno = EMFILE;
		return -1;
	}
	if (strcmp(path, k.sysfs) == 0) {
		char text[16];
		int p[2];

		if (!k.sysfs_readable) {
			errno = ENOENT;
			return -1;
		}
		if (pipe2(p, O_CLOEXEC) != 0)
			return -1;
		snprintf(text, sizeof(text), "%u\n", k.payload_size);
		if (write(p[1], text, strlen(text)) < 0) {
			close(p[0]);
			close(p[1]);
			return -1;
		}
		close(p[1]);
		return p[0];
	}
	return -2;
}

/* The mode argument, which open() takes only when it creates a file. */
#define MODE_ARG(flags)                                                                          \
	mode_t mode = 0;                                                                         \
	if ((flags) & (O_CREAT | O_TMPFILE)) {                                                   \
		va_list ap;                                                                      \
		va_start(ap, flags);                                                             \
		mode = va_arg(ap, mode_t);                                                       \
		va_end(ap);                                                                      \
	}

int open(const char *path, int flags, ...)
{
	int fd = open_scripted(path);
	MODE_ARG(flags);

	return fd != -2 ? fd : ((open_fn *)next("open"))(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	int fd = open_scripted(path);
	MODE_ARG(flags);

	return fd != -2 ? fd : ((open_fn *)next("open64"))(path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	int fd = open_scripted(path);
	MODE_ARG(flags);

	return fd != -2 ? fd : ((openat_fn *)next("openat"))(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
	int fd = open_scripted(path);
	MODE_ARG(flags);

	return fd != -2 ? fd : ((openat_fn *)next("openat64"))(dirfd, path, flags, mode);
}

int close(int fd)
{
	int (*real_close)(int) = next("close");

	setup();
	for (unsigned i = 0; fd >= 0 && i < sizeof(k.fds) / sizeof(k.fds[0]); i++)
		if (k.fds[i] == fd)
			k.fds[i] = -1;
	return real_close(fd);
}

/* ---- the kernel ----------------------------------------------------------------------------- */

static bool listed(const uint16_t *list, size_t n, uint16_t opcode)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == opcode)
			return true;
	return false;
}

/* The table entry in slot `id` with the flags the kernel reports; id 0 for an empty slot. */
static struct cxl_command_info slot(uint32_t id)
{
	struct cxl_command_info info = { 0 };

	if (id == ID_RAW) {
		if (k.raw)
			info = (struct cxl_command_info){ ID_RAW, 0, VARIABLE, VARIABLE };
		return info;
	}
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (table[i].id != id)
			continue;
		info = (struct cxl_command_info){ id, 0, table[i].size_in, table[i].size_out };
		if (table[i].forced || listed(cel, sizeof(cel) / sizeof(cel[0]), table[i].opcode))
			info.flags |= FLAG_ENABLED;
		if (k.exclusive & (1u << id))
			info.flags |= FLAG_EXCLUSIVE;
	}
	return info;
}

static uint16_t opcode_of(uint32_t id)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].id == id)
			return table[i].opcode;
	return 0;
}

static int query(struct cxl_mem_query_commands *q)
{
	k.stats.queries++;
	if (q->n_commands == 0) {
		q->n_commands = ID_MAX;
		return 0;
	}
	for (uint32_t id = 0; id < ID_MAX && id < q->n_commands; id++)
		q->commands[id] = slot(id);
	return 0;
}

static bool raw_allowed(uint16_t opcode)
{
	uint8_t set = opcode >> 8;

	return k.raw && set != 0x44 && set != 0x45 && set != 0x46 &&
	       !listed(raw_denied, sizeof(raw_denied) / sizeof(raw_denied[0]), opcode);
}

/* cxl_validate_cmd_from_user(): the opcode to send, or -errno. */
static int validate(const struct cxl_send_command *c)
{
	struct cxl_command_info info;

	if (c->id == 0 || c->id >= ID_MAX)
		return -ENOTTY;
	if (c->in.size > k.payload_size)
		return -EINVAL;
	if (c->id == ID_RAW) {
		if (c->raw_rsvd || c->out.size > k.payload_size)
			return -EINVAL;
		if (!raw_allowed(c->raw_opcode))
			return -EPERM;
		return c->raw_opcode;
	}
	if ((c->flags & ~3u) || c->raw_opcode || c->raw_rsvd || c->in.rsvd || c->out.rsvd)
		return -EINVAL;
	info = slot(c->id);
	if (info.id == 0 || !(info.flags & FLAG_ENABLED))
		return -ENOTTY;
	if (info.flags & FLAG_EXCLUSIVE)
		return -EBUSY;
	if (info.size_in != VARIABLE && info.size_in != c->in.size)
		return -ENOMEM;
	if (info.size_out != VARIABLE && c->out.size < info.size_out)
		return -ENOMEM;
	return opcode_of(c->id);
}

static void put16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static void put64(uint8_t *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = v >> (8 * i); }

/*
 * The device: the return code for `opcode` with `in`, its output in `out`
 * (room for `room` bytes, the mailbox's payload at most) and its length in *len.
 */
static uint16_t device(uint16_t opcode, const uint8_t *in, uint32_t in_len, uint8_t *out, uint32_t room,
		       uint32_t *len);

/* Tunnel Management Command (5300h, CXL r3.1 section 7.6.7.3.1), one level: answer the inner message. */
static uint16_t tunnel(const uint8_t *in, uint32_t in_len, uint8_t *out, uint32_t room, uint32_t *len)
{
	uint32_t inner_len, inner_payload, got = 0;
	uint16_t inner_op, rc;

	if (in_len < 4 + 12 || room < 4 + 12)
		return 2;	/* Invalid Input */
	inner_len = in[2] | in[3] << 8;
	if (inner_len != in_len - 4)
		return 2;
	in += 4;
	inner_op = in[3] | in[4] << 8;
	inner_payload = in[5] | in[6] << 8 | (in[7] & 0xf) << 16;
	rc = device(inner_op, in + 12, inner_payload, out + 4 + 12, room - 4 - 12, &got);
	if (rc)
		got = 0;
	memset(out, 0, 4 + 12);
	put16(out, 12 + got);
	out[4] = 1;		/* response */
	out[5] = in[1];		/* tag */
	out[7] = in[3];
	out[8] = in[4];
	out[9] = got;
	out[10] = got >> 8;
	out[11] = (got >> 16) & 0xf;
	put16(out + 4 + 8, rc);
	*len = 4 + 12 + got;
	return 0;
}

static uint16_t device(uint16_t opcode, const uint8_t *in, uint32_t in_len, uint8_t *out, uint32_t room,
		       uint32_t *len)
{
	uint8_t p[0x45] = { 0 };
	uint32_t n = 0;

	switch (opcode) {
	case 0x0001:	/* Identify */
		put16(p, 0x8086);
		put16(p + 2, 0x0d93);
		put64(p + 8, SHIM_SERIAL);
		p[16] = 0x0b;
		p[17] = 3;	/* type 3 device */
		n = 18;
		break;
	case 0x4000:	/* Identify Memory Device: CXL r3.1 has 45h bytes */
		memcpy(p, SHIM_FW_REVISION, strlen(SHIM_FW_REVISION));
		put64(p + 0x10, SHIM_TOTAL_CAPACITY);
		put64(p + 0x18, SHIM_VOLATILE);
		put64(p + 0x20, SHIM_PERSISTENT);
		n = 0x45;
		break;
	case 0x4100:	/* Get Partition Info */
		put64(p, SHIM_VOLATILE);
		put64(p + 8, SHIM_PERSISTENT);
		n = 0x20;
		break;
	case 0x4200:	/* Get Health Info */
		p[3] = SHIM_LIFE_USED;
		put16(p + 4, SHIM_TEMPERATURE);
		n = 0x12;
		break;
	case 0x0300:	/* Get Timestamp */
		put64(p, 0x1122334455667788ull);
		n = 8;
		break;
	case 0x4101:	/* Set Partition Info: 0Ah bytes, as QEMU takes it */
	case 0x4202:	/* Set Alert Configuration */
		return in_len == (opcode == 0x4101 ? 0x0a : 0x0c) ? 0 : 0x16;	/* Invalid Payload Length */
	case 0x0100: {	/* Get Event Records: as many as the mailbox holds */
		uint32_t count;

		if (room < 0x20)
			return 2;
		count = (room - 0x20) / 128;
		if (count > SHIM_EVENT_BACKLOG)
			count = SHIM_EVENT_BACKLOG;
		memset(out, 0, 0x20 + count * 128);
		out[0] = count < SHIM_EVENT_BACKLOG ? 0x02 : 0;	/* More Event Records */
		put16(out + 0x14, count);
		for (uint32_t i = 0; i < count; i++) {
			out[0x20 + i * 128 + 16] = 128;		/* record length */
			put16(out + 0x20 + i * 128 + 20, i + 1);	/* handle */
		}
		*len = 0x20 + count * 128;
		return 0;
	}
	case 0x5300:
		return tunnel(in, in_len, out, room, len);
	default:
		return 3;	/* Unsupported */
	}
	if (n > room)
		n = room;
	memcpy(out, p, n);
	*len = n;
	return 0;
}

static int send_command(struct cxl_send_command *c)
{
	uint8_t *buf;
	uint32_t room, len = 0;
	uint16_t rc;
	int op = k.fail_next ? -k.fail_next : validate(c);

	k.fail_next = 0;
	/* cxl_payload_from_user_allowed(): no immediate repartitioning. */
	if (op == 0x4101 && c->in.size > 8 && (((const uint8_t *)(uintptr_t)c->in.payload)[8] & 1))
		op = -EBUSY;
	if (op < 0) {
		k.stats.refused++;
		k.stats.last_errno = -op;
		errno = -op;
		return -1;
	}
	k.stats.sent++;
	if (c->id == ID_RAW)
		k.stats.raw_sent++;	/* dev_WARN_ONCE: "raw command path used" */
	k.stats.last_id = c->id;
	k.stats.last_opcode = op;
	k.stats.last_in_size = c->in.size;
	k.stats.last_out_room = c->out.size;
	/* The driver's bounce buffer: what the caller has room for, no more than the mailbox. */
	room = c->out.size < k.payload_size ? c->out.size : k.payload_size;
	buf = calloc(1, room ? room : 1);
	if (!buf) {
		errno = ENOMEM;
		return -1;
	}
	rc = device(op, (const uint8_t *)(uintptr_t)c->in.payload, c->in.size, buf, room, &len);
	/* After a device error the driver copies out its zeroed buffer whole. */
	if (rc)
		len = room;
	memcpy((void *)(uintptr_t)c->out.payload, buf, len);
	free(buf);
	c->out.size = len;
	c->retval = rc;
	return 0;
}

int ioctl(int fd, unsigned long request, ...)
{
	int (*real_ioctl)(int, unsigned long, ...) = next("ioctl");
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	setup();
	if (!is_node(fd))
		return real_ioctl(fd, request, arg);
	switch (request) {
	case CXL_MEM_QUERY_COMMANDS:
		return query(arg);
	case CXL_MEM_SEND_COMMAND:
		return send_command(arg);
	default:
		errno = ENOTTY;
		return -1;
	}
}

/* ---- what the test sees (ioctl-shim.h) ------------------------------------------------------- */

const struct ioctl_shim_stats *ioctl_shim_stats(void)
{
	return &k.stats;
}

void ioctl_shim_claim(uint32_t id)
{
	setup();
	k.exclusive |= 1u << id;
}

void ioctl_shim_fail_next(int err)
{
	k.fail_next = err;
}
