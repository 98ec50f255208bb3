// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The C examples' command line, target and error reporting (see example-target.h).
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep(), also under -std=c11 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <libcxlmi.h>
#include <cxlmi/target.h>

#include "example-target.h"

static const char *prog = "example";
static const char *target_text = "?";

static void usage(FILE *out, const char *about)
{
	fprintf(out,
		"%s: %s\n"
		"\n"
		"usage: %s [-v] [--destructive] TARGET\n"
		"\n"
		"TARGET is one of\n"
		"  mem0, /dev/cxl/mem0   a CXL memory device, through the kernel's mailbox (needs root)\n"
		"  mctp:NET,EID          an MCTP endpoint, for instance mctp:1,8\n"
		"  emu:MODEL             the library's emulated fabric: emu:type3, emu:switch, emu:mld, emu:mhd\n"
		"\n"
		"  -v             let the library log its debug messages to stderr\n"
		"  --destructive  allow commands that change the device: writing its label storage\n"
		"                 area, clearing its event records, and sanitize, which DESTROYS ALL\n"
		"                 ITS DATA (always allowed on an emulated target, which starts fresh)\n",
		prog, about, prog);
}

void example_parse_args(int argc, char **argv, const char *about, struct example_options *opts)
{
	const char *target = NULL;
	const char *slash = argv[0] ? strrchr(argv[0], '/') : NULL;

	if (argv[0])
		prog = slash ? slash + 1 : argv[0];
	memset(opts, 0, sizeof(*opts));
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout, about);
			exit(EXIT_SUCCESS);
		} else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			opts->log_level = LOG_DEBUG;
		} else if (!strcmp(argv[i], "--destructive")) {
			opts->destructive = true;
		} else if (argv[i][0] == '-' || target) {
			fprintf(stderr, "%s: unexpected argument '%s' (try --help)\n", prog, argv[i]);
			exit(2);
		} else {
			target = argv[i];
		}
	}
	if (!target) {
		fprintf(stderr, "%s: name a target: mem0, mctp:NET,EID or emu:MODEL (try --help)\n", prog);
		exit(2);
	}
	/* Whether it is a target at all, cxlmi_open_target() says (see example_open()). */
	opts->target.text = target_text = target;
	opts->target.emulated = !strncmp(target, "emu:", 4);
	/* An emulated component is made fresh for this program and gone when it ends. */
	if (opts->target.emulated)
		opts->destructive = true;
}

struct cxlmi_endpoint *example_open(struct cxlmi_ctx *ctx, const struct example_target *t)
{
	const char *call = "cxlmi_open_target";
	struct cxlmi_endpoint *ep = cxlmi_open_target(ctx, t->text);

	if (ep)
		return ep;

	if (errno == EINVAL && t->emulated) {
		example_fail("%s: no such model (there are type3, switch, mld and mhd)", call);
	} else if (errno == EINVAL) {
		/* The library logs why (shown with -v); the example says what it takes. */
		cxlmi_free_ctx(ctx);
		fprintf(stderr,
			"%s: '%s' is not a target: give mem0, /dev/cxl/mem0, mctp:NET,EID "
			"or emu:MODEL\n",
			prog, t->text);
		exit(2);
	} else if (errno == EACCES || errno == EPERM) {
		example_fail("%s: %s (a CXL device needs root)", call, strerror(errno));
	} else if (errno == EAFNOSUPPORT) {
		example_fail("%s: %s (this kernel has no MCTP)", call, strerror(errno));
	} else if (errno == EOPNOTSUPP && t->emulated) {
		example_fail("%s: %s (this libcxlmi has no emulator)", call, strerror(errno));
	} else {
		example_fail("%s: %s", call, strerror(errno));
	}
	return NULL;
}

void example_fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout); /* keep the error after what was printed before it */
	fprintf(stderr, "%s: %s: ", prog, target_text);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

enum example_outcome example_result(const char *what, int rc, bool optional)
{
	const char *name;

	if (rc == CXLMI_RET_SUCCESS)
		return EXAMPLE_OK;
	if (rc < 0) {
		/* The transport cannot carry it: a kernel mailbox without this command, say. */
		if (optional && errno == EOPNOTSUPP) {
			printf("    (%s: %s, skipped)\n", what, strerror(errno));
			return EXAMPLE_SKIP;
		}
		example_fail("%s: %s", what, strerror(errno));
		return EXAMPLE_FAIL;
	}
	if (rc == CXLMI_RET_UNSUPPORTED && optional) {
		printf("    (%s: Unsupported, skipped)\n", what);
		return EXAMPLE_SKIP;
	}
	name = cxlmi_cmd_retcode_tostr(rc);
	example_fail("%s: %s (CXL return code 0x%x)", what, name ? name : "unknown return code", rc);
	return EXAMPLE_FAIL;
}

void example_sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}
