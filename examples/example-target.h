/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the C examples share, so that each of them shows only the management work it is about:
 *
 *  - the command line: one target, and options;
 *  - opening the target with the one libcxlmi call its kind needs;
 *  - turning the result of a command into "go on", "skip" or a one-line error.
 *
 * A target is one of
 *
 *   mem0, /dev/cxl/mem0   a CXL memory device through the kernel's mailbox ioctl (cxlmi_open)
 *   mctp:NET,EID          an MCTP endpoint, for instance mctp:1,8 (cxlmi_open_mctp)
 *   emu:MODEL             a component of the library's emulated fabric: emu:type3, emu:switch,
 *                         emu:mld or emu:mhd (cxlmi_open_emulator, <cxlmi/emulator.h>)
 *
 * Not part of the library: example code, compiled into each example.
 */
#ifndef EXAMPLE_TARGET_H
#define EXAMPLE_TARGET_H

#include <stdbool.h>
#include <stdint.h>

#include <libcxlmi.h>

enum example_target_kind {
	EXAMPLE_TARGET_MAILBOX,		/* /dev/cxl/<name> */
	EXAMPLE_TARGET_MCTP,
	EXAMPLE_TARGET_EMULATOR,
};

struct example_target {
	enum example_target_kind kind;
	const char *text;	/* as given on the command line, for messages */
	const char *devname;	/* MAILBOX: "mem0" */
	unsigned int net;	/* MCTP */
	uint8_t eid;		/* MCTP */
	const char *model;	/* EMULATOR: "type3", ... */
};

/* What the command line asked for, once example_parse_args() has read it. */
struct example_options {
	struct example_target target;
	int log_level;		/* for cxlmi_new_ctx(): 0, or LOG_DEBUG with -v */
	bool destructive;	/* --destructive, or an emulated target: commands that change the device may run */
};

/*
 * Reads `-v`, `--destructive` and one target from argv. `about` is the example's one-line
 * description for --help. On a bad command line prints the usage and exits with status 2;
 * after --help exits with status 0.
 */
void example_parse_args(int argc, char **argv, const char *about, struct example_options *opts);

/* Parses one target argument; 0 on success, -1 (nothing printed) when it is not a target. */
int example_parse_target(const char *arg, struct example_target *t);

/* Opens the target under `ctx`; on failure prints one line and returns NULL. */
struct cxlmi_endpoint *example_open(struct cxlmi_ctx *ctx, const struct example_target *t);

/* What to do after a command, as example_result() judges its return value. */
enum example_outcome {
	EXAMPLE_FAIL = -1,	/* stop: the line saying why is printed */
	EXAMPLE_OK = 0,
	EXAMPLE_SKIP = 1,	/* an optional command the component does not offer: go on without it */
};

/*
 * Judges the return value `rc` of the libcxlmi call `what`:
 *   0                           EXAMPLE_OK;
 *   negative, errno EOPNOTSUPP  with `optional`, the transport cannot send this command (a
 *                               kernel mailbox that does not offer it): prints
 *                               "    (<what>: <strerror>, skipped)" on stdout, EXAMPLE_SKIP;
 *   negative (errno is set)     the call failed before or while talking to the component:
 *                               prints "<prog>: <target>: <what>: <strerror>", EXAMPLE_FAIL;
 *   CXLMI_RET_UNSUPPORTED       with `optional`, prints "    (<what>: Unsupported, skipped)"
 *                               on stdout and returns EXAMPLE_SKIP;
 *   any other CXL return code   prints "<prog>: <target>: <what>: <name> (CXL return code 0xN)",
 *                               EXAMPLE_FAIL.
 */
enum example_outcome example_result(const char *what, int rc, bool optional);

/* Prints "<prog>: <target>: <message>" on stderr: the one line of a failure. */
void example_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Sleeps for `ms` milliseconds (between polls of a background operation). */
void example_sleep_ms(unsigned int ms);

#endif /* EXAMPLE_TARGET_H */
