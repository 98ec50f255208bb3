// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * An MCTP device that misbehaves, at the socket boundary (tests/mctp-shim.c, preloaded, plays
 * AF_MCTP): through the public API, every misbehaviour gives -1 with a clear errno (EPROTO for a
 * malformed answer, ETIMEDOUT when no answer to this request comes), never a wrong answer, never a
 * write past the caller's buffer; and the endpoint stays usable: the next command gets its own
 * answer. A late answer (it arrives after its command gave up, before the next one's) is the
 * regression of issue #14: it used to be read as the next command's answer, and every later one
 * failed until the endpoint was closed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>

#include "mctp-shim.h"
#include "test-common.h"

#define NET 3
#define EID 9

static mctp_shim_misbehave_fn misbehave;

/* Identify answered honestly: the shim's serial for this endpoint. */
static bool identify_ok(struct cxlmi_endpoint *ep)
{
	struct cxlmi_cmd_identify_rsp id;

	memset(&id, 0, sizeof(id));
	return cxlmi_cmd_identify(ep, NULL, &id) == 0 && id.serial_num == ((uint64_t)NET << 8 | EID) &&
	       id.component_type == 3;
}

static void expect(struct cxlmi_endpoint *ep, enum mctp_shim_mode mode, const char *what, int want_errno)
{
	/* The caller's buffer, with guards either side that no answer may touch. */
	struct {
		uint8_t before[64];
		struct cxlmi_cmd_identify_rsp id;
		uint8_t after[64];
	} out;
	int rc;

	memset(&out, 0xa5, sizeof(out));
	misbehave(mode);
	errno = 0;
	rc = cxlmi_cmd_identify(ep, NULL, &out.id);
	if (want_errno)
		CHECK(rc == -1 && errno == want_errno, "%s: -1 with errno %d (got %d, errno %d)", what, want_errno, rc,
		      errno);
	else
		CHECK(rc == 0 && out.id.serial_num == ((uint64_t)NET << 8 | EID), "%s: the right answer (got %d)", what,
		      rc);
	CHECK(tc_all_bytes(out.before, sizeof(out.before), 0xa5) && tc_all_bytes(out.after, sizeof(out.after), 0xa5),
	      "%s: nothing written outside the caller's buffer", what);
	CHECK(identify_ok(ep), "%s: the next command gets its own answer", what);
	CHECK(identify_ok(ep), "%s: and the one after", what);
}

int main(void)
{
	struct cxlmi_ctx *ctx;
	struct cxlmi_endpoint *ep;

	misbehave = (mctp_shim_misbehave_fn)dlsym(RTLD_DEFAULT, "mctp_shim_misbehave");
	if (!misbehave) {
		printf("SKIP: run with LD_PRELOAD=mctp-shim.so\n");
		return 77;
	}
	ctx = cxlmi_new_ctx(tc_log_open(), DEFAULT_LOGLEVEL);
	if (!CHECK(ctx != NULL, "cxlmi_new_ctx"))
		return finish();
	ep = cxlmi_open_mctp(ctx, NET, EID);
	if (!CHECK(ep != NULL, "cxlmi_open_mctp through the shim"))
		return finish();
	/* A short wait, so that the silences below cost little. */
	CHECK_INT(cxlmi_endpoint_set_timeout(ep, 200), 0, "timeout 200 ms");
	CHECK(identify_ok(ep), "an honest device answers");

	expect(ep, MCTP_SHIM_SILENT, "no answer", ETIMEDOUT);
	expect(ep, MCTP_SHIM_LATE, "an answer after the timeout", ETIMEDOUT);
	expect(ep, MCTP_SHIM_STALE, "the previous request's answer first", 0);
	expect(ep, MCTP_SHIM_DUPLICATE, "the answer twice", 0);
	expect(ep, MCTP_SHIM_OTHER_OPCODE, "an answer to another opcode", ETIMEDOUT);
	expect(ep, MCTP_SHIM_ECHO, "the request sent back", ETIMEDOUT);
	expect(ep, MCTP_SHIM_TRUNCATED, "7 bytes", ETIMEDOUT);
	expect(ep, MCTP_SHIM_SHORT, "one payload byte short", EPROTO);
	expect(ep, MCTP_SHIM_LYING, "a length field that lies", EPROTO);
	expect(ep, MCTP_SHIM_OVERSIZED, "64 KiB for an 18-byte answer", EPROTO);

	cxlmi_close(ep);
	cxlmi_free_ctx(ctx);
	tc_log_close();
	return finish();
}
