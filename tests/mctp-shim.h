/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What tests/mctp-shim.c, preloaded, offers a test (look the functions up with dlsym(), so a
 * program also runs without the shim and can tell it is missing).
 */
#ifndef CXLMI_MCTP_SHIM_H
#define CXLMI_MCTP_SHIM_H

/* How many AF_MCTP sockets have been asked for so far (failed ones included). */
unsigned long mctp_shim_opened(void);
typedef unsigned long (*mctp_shim_opened_fn)(void);

/* Makes AF_MCTP socket number `n` (counted as mctp_shim_opened() counts) fail with `err`. */
void mctp_shim_fail(unsigned long n, int err);
typedef void (*mctp_shim_fail_fn)(unsigned long n, int err);

/*
 * How the device answers the next request (and, for MCTP_SHIM_LATE, the one after): a hostile
 * device for tests/test-hostile.c. Each mode lasts for one request, then the device is honest again.
 */
enum mctp_shim_mode {
	MCTP_SHIM_HONEST,
	MCTP_SHIM_SILENT,	/* no answer at all */
	MCTP_SHIM_LATE,		/* no answer now; it comes just before the next request's answer */
	MCTP_SHIM_STALE,	/* first an answer with the previous request's tag, then the right one */
	MCTP_SHIM_DUPLICATE,	/* the right answer twice */
	MCTP_SHIM_OTHER_OPCODE, /* an answer with the right tag and another opcode, then nothing */
	MCTP_SHIM_TRUNCATED,	/* the right answer cut to 7 bytes, shorter than a CCI header */
	MCTP_SHIM_SHORT,	/* the right answer without its last payload byte (length field adjusted) */
	MCTP_SHIM_LYING,	/* the length field claims 64 KiB more than the answer carries */
	MCTP_SHIM_OVERSIZED,	/* 64 KiB of payload for a command that allows 18 bytes */
	MCTP_SHIM_ECHO,		/* the request itself sent back */
};
void mctp_shim_misbehave(enum mctp_shim_mode mode);
typedef void (*mctp_shim_misbehave_fn)(enum mctp_shim_mode mode);

#endif
