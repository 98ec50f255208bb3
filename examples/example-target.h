/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the C examples share, so that each of them shows only the management work it is about:
 *
 *  - the command line: one target, and options;
 *  - opening the target, with cxlmi_open_target();
 *  - turning the result of a command into "go on", "skip" or a one-line error.
 *
 * A target is what cxlmi_open_target() (<cxlmi/target.h>) opens, the cxlmi tool's syntax:
 *
 *   mem0, /dev/cxl/mem0   a CXL memory device through the kernel's mailbox ioctl
 *   mctp:NET,EID          an MCTP endpoint, for instance mctp:1,8
 *   emu:MODEL             a component of the library's emulated fabric: emu:type3, emu:switch,
 *                         emu:mld or emu:mhd
 *
 * Not part of the library: example code, compiled into each example.
 */
#ifndef EXAMPLE_TARGET_H
#define EXAMPLE_TARGET_H

#include <stdbool.h>
#include <stdint.h>

#include <libcxlmi.h>

struct example_target {
	const char *text; /* as given on the command line: what cxlmi_open_target() opens */
	bool emulated;	  /* an emu: target */
};

/* What the command line asked for, once example_parse_args() has read it. */
struct example_options {
	struct example_target target;
	int log_level;	  /* for cxlmi_new_ctx(): 0, or LOG_DEBUG with -v */
	bool destructive; /* --destructive, or an emulated target: commands that change the device may run */
};

/*
 * Reads `-v`, `--destructive` and one target from argv. `about` is the example's one-line
 * description for --help. On a bad command line prints the usage and exits with status 2;
 * after --help exits with status 0.
 */
void example_parse_args(int argc, char **argv, const char *about, struct example_options *opts);

/*
 * Opens the target under `ctx` with cxlmi_open_target(); on failure prints one line and returns
 * NULL. A text that is no target is a usage error, as in example_parse_args(): then it frees
 * `ctx`, prints the line and exits with status 2.
 */
struct cxlmi_endpoint *example_open(struct cxlmi_ctx *ctx, const struct example_target *t);

/* What to do after a command, as example_result() judges its return value. */
enum example_outcome {
	EXAMPLE_FAIL = -1, /* stop: the line saying why is printed */
	EXAMPLE_OK = 0,
	EXAMPLE_SKIP = 1, /* an optional command the component does not offer: go on without it */
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
