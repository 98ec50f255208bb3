// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cxlmi_open_target (cxlmi/target.h) through the public headers: every kind of target text,
 * the emulated ones opened and identified; the mailbox and MCTP ones, which cannot open on a
 * machine without CXL hardware, failing as opening them fails (ENOENT, EAFNOSUPPORT...) and
 * never as a bad target (EINVAL); texts that are no target refused with EINVAL and a log line
 * saying what was expected; NULL arguments.
 */
#define _GNU_SOURCE
#include <cxlmi/target.h>

#include "test-common.h"

static void null_arguments(struct cxlmi_ctx *ctx)
{
	errno = 0;
	CHECK(cxlmi_open_target(NULL, "emu:type3") == NULL && errno == EINVAL, "NULL context: NULL, EINVAL");
	errno = 0;
	CHECK(cxlmi_open_target(ctx, NULL) == NULL && errno == EINVAL, "NULL target: NULL, EINVAL");
}

static void not_targets(struct cxlmi_ctx *ctx)
{
	static const struct {
		const char *text;
		const char *logged; /* what the log line says was expected */
	} bad[] = {
		{ "", "expected memN, /dev/cxl/memN, mctp:NET,EID or emu:MODEL" },
		{ "x:y", "expected memN, /dev/cxl/memN, mctp:NET,EID or emu:MODEL" },
		{ "..", "expected memN" },
		{ "mctp:1", "an MCTP target is mctp:NET,EID" },
		{ "mctp:x,8", "the MCTP network is a number" },
		{ "mctp:-1,8", "the MCTP network is a number" },
		{ "mctp:4294967296,8", "the MCTP network is a number" },
		{ "mctp:1,256", "the MCTP EID is a number up to 255" },
		{ "mctp:1,", "the MCTP EID is a number up to 255" },
		{ "emu:", "name an emulator model" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cxlmi_endpoint *ep;
		int err;

		tc_log_mark();
		errno = 0;
		ep = cxlmi_open_target(ctx, bad[i].text);
		err = errno;
		CHECK(ep == NULL && err == EINVAL, "'%s': NULL, EINVAL (errno %d)", bad[i].text, err);
		CHECK(tc_logged(bad[i].logged), "'%s': the log says \"%s\"", bad[i].text, bad[i].logged);
	}
	tc_log_mark();
	errno = 0;
	CHECK(cxlmi_open_target(ctx, "emu:nosuchmodel") == NULL && errno == EINVAL, "emu:nosuchmodel: NULL, EINVAL");
	CHECK(tc_logged("nosuchmodel") && tc_logged("switch"), "the log names the model and the known ones");
	CHECK(cxlmi_first_endpoint(ctx) == NULL, "failed opens leave no endpoint behind");
}

static void emulated(struct cxlmi_ctx *ctx)
{
	static const struct {
		const char *text;
		uint8_t component_type;
	} emu[] = {
		{ "emu:type3", 3 },
		{ "emu:switch", 0 },
		{ "emu:mld", 3 },
		{ "emu:mhd", 3 },
	};

	for (size_t i = 0; i < sizeof(emu) / sizeof(emu[0]); i++) {
		struct cxlmi_endpoint *ep = cxlmi_open_target(ctx, emu[i].text);
		int err = errno;
		struct cxlmi_cmd_identify_rsp id;

		if (!CHECK(ep != NULL, "%s opens (errno %d)", emu[i].text, err))
			continue;
		memset(&id, 0xa5, sizeof(id));
		CHECK_INT(cxlmi_cmd_identify(ep, NULL, &id), 0, "%s: identify", emu[i].text);
		CHECK_INT(id.component_type, emu[i].component_type, "%s: component type", emu[i].text);
		CHECK_INT(id.vendor_id, 0x1e98, "%s: vendor id", emu[i].text);
		/* Left open on purpose but the first: cxlmi_free_ctx() closes the rest. */
		if (i == 0)
			cxlmi_close(ep);
	}
	CHECK(cxlmi_first_endpoint(ctx) != NULL, "the emulated endpoints are listed in their context");
}

/*
 * Good targets of the kinds that need hardware: each either opens (a machine with the device or
 * an MCTP network) or fails as opening it fails, never with EINVAL, the errno of a bad target.
 */
static void hardware(struct cxlmi_ctx *ctx)
{
	static const char *const good[] = {
		"mem0",	    "mem99",	"/dev/cxl/mem99", "/nonexistent/cxl/mem0",
		"mctp:1,8", "mctp:1:8", "mctp:0x1,0x8",	  "mctp:4294967295,255",
	};

	/* No identify over MCTP: a real network would make each open wait for its timeout. */
	cxlmi_set_probe_enabled(ctx, false);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct cxlmi_endpoint *ep;
		int err;

		errno = 0;
		ep = cxlmi_open_target(ctx, good[i]);
		err = errno;
		CHECK(ep != NULL || (err != 0 && err != EINVAL), "%s: opened, or failed to open (errno %d: %s)",
		      good[i], err, strerror(err));
		if (ep)
			cxlmi_close(ep);
	}
	errno = 0;
	CHECK(cxlmi_open_target(ctx, "/nonexistent/cxl/mem0") == NULL && errno == ENOENT,
	      "an absent device node: NULL, ENOENT");
	cxlmi_set_probe_enabled(ctx, true);
}

int main(void)
{
	struct cxlmi_ctx *ctx = cxlmi_new_ctx(tc_log_open(), DEFAULT_LOGLEVEL);

	if (!CHECK(ctx != NULL, "cxlmi_new_ctx"))
		return finish();
	null_arguments(ctx);
	not_targets(ctx);
	hardware(ctx);
	emulated(ctx);
	cxlmi_free_ctx(ctx);
	tc_log_close();
	return finish();
}
