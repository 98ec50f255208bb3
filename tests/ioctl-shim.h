/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the ioctl shim (tests/support/ioctl-shim, preloaded: the scripted
 * kernel of tests/support/src/scripted.rs) shows the test that runs on it.
 * The test finds these with dlsym(): they are there only when the shim is
 * preloaded, and on a real kernel the test does without them.
 */
#ifndef CXLMI_IOCTL_SHIM_H
#define CXLMI_IOCTL_SHIM_H

#include <stdint.h>

struct ioctl_shim_stats {
	unsigned queries;  /* CXL_MEM_QUERY_COMMANDS answered */
	unsigned sent;	   /* commands that reached the device */
	unsigned raw_sent; /* of them RAW (the kernel warned and tainted itself) */
	unsigned refused;  /* CXL_MEM_SEND_COMMAND refused with an errno */
	int last_errno;	   /* the last refusal's errno */
	/* The last command that reached the device. */
	uint32_t last_id;
	uint16_t last_opcode;
	uint32_t last_in_size;
	uint32_t last_out_room;
};

/* The kernel's counters as of this call (type of "ioctl_shim_stats"); the next call overwrites them. */
typedef const struct ioctl_shim_stats *ioctl_shim_stats_fn(void);
/* The kernel claims command id `id` from now on, as cxl_pmem does when it binds ("ioctl_shim_claim"). */
typedef void ioctl_shim_claim_fn(uint32_t id);
/* The next CXL_MEM_SEND_COMMAND fails with `err`, as a busy mailbox does ("ioctl_shim_fail_next"). */
typedef void ioctl_shim_fail_next_fn(int err);

/* The kernel's ids the test names. */
#define SHIM_ID_SET_ALERT_CONFIG 12

/*
 * What the scripted device answers: the values of scripted.rs's qemu_type3 module, repeated here
 * for C (a test there, the_c_header_has_the_devices_values, holds the two together).
 */
#define SHIM_SERIAL 0x0807060504030201ull
#define SHIM_FW_REVISION "QEMU CXL type 3"
#define SHIM_TOTAL_CAPACITY 4 /* in 256 MB units */
#define SHIM_VOLATILE 2
#define SHIM_PERSISTENT 2
#define SHIM_LIFE_USED 33
#define SHIM_TEMPERATURE 25
#define SHIM_EVENT_BACKLOG 20 /* informational events the device holds */

#endif
