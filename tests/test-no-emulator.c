// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A library built without the emulated fabric (-Demulator=disabled), as a distribution may ship
 * it: cxlmi_open_emulator and emu: targets fail with EOPNOTSUPP and a log line saying why, and
 * everything else works as in a full build (the mock endpoint answers).
 */
#define _GNU_SOURCE
#include <cxlmi/emulator.h>
#include <cxlmi/target.h>

#include "test-common.h"

int main(void)
{
	struct cxlmi_ctx *ctx = cxlmi_new_ctx(tc_log_open(), DEFAULT_LOGLEVEL);
	struct cxlmi_endpoint *ep;

	if (!CHECK(ctx != NULL, "cxlmi_new_ctx"))
		return finish();

	errno = 0;
	CHECK(cxlmi_open_emulator(ctx, "type3") == NULL && errno == EOPNOTSUPP,
	      "cxlmi_open_emulator: NULL, EOPNOTSUPP");
	CHECK(tc_logged("without the emulator"), "the log says the library has no emulator");
	tc_log_mark();
	errno = 0;
	CHECK(cxlmi_open_target(ctx, "emu:type3") == NULL && errno == EOPNOTSUPP,
	      "cxlmi_open_target(emu:type3): NULL, EOPNOTSUPP");
	CHECK(tc_logged("emu"), "the log names the emulated target");
	errno = 0;
	CHECK(cxlmi_open_target(ctx, "emu:") == NULL && errno == EINVAL, "a malformed target is still EINVAL");

	ep = cxlmi_open_mock(ctx);
	if (CHECK(ep != NULL, "the mock endpoint opens")) {
		struct cxlmi_cmd_identify_rsp id;

		CHECK_INT(cxlmi_cmd_identify(ep, NULL, &id), CXLMI_RET_UNSUPPORTED,
			  "a command on the mock answers Unsupported when nothing is queued");
		cxlmi_close(ep);
	}
	cxlmi_free_ctx(ctx);
	tc_log_close();
	return finish();
}
