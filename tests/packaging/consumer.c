// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * consumer: a program built outside this tree against libcxlmi as users get it: installed and found
 * through pkg-config (check-link.sh, dynamically and with gcc -static), or as a meson subproject
 * (check-subproject.sh). It uses only the installed public headers.
 *
 *   consumer [--emulator]
 *
 * It prints one line per step, which the scripts compare with what they expect:
 *   mock identify: rc 0, vendor 0x1e98, serial 0x0123456789abcdef, component type 0x03
 *   mock unqueued: rc 3 (...)
 * and with --emulator, where the library has the emulated fabric, what an emulated type 3 device
 * answers, or that the library was built without it:
 *   emulator identify: rc 0, component type 0x03
 *   emulator: not built
 * Exit status: 0 when every call did what the API says, 1 otherwise.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <libcxlmi.h>
#include <cxlmi/emulator.h>
#include <cxlmi/test.h>

/* CXL r3.1 8.2.9.1.1 Identify (opcode 0001h) and its 18-byte response payload (table 8-38). */
#define IDENTIFY_SET 0x00
#define IDENTIFY_CMD 0x01

static void put_le(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (v >> (8 * i)) & 0xff;
}

static int mock(struct cxlmi_ctx *ctx)
{
	struct cxlmi_cmd_identify_rsp id;
	struct cxlmi_cmd_bg_op_status_rsp st;
	struct cxlmi_endpoint *ep;
	uint8_t pl[18] = { 0 };
	int rc;

	ep = cxlmi_open_mock(ctx);
	if (!ep) {
		perror("cxlmi_open_mock");
		return 1;
	}
	put_le(&pl[0], 0x1e98, 2);			 /* vendor id */
	put_le(&pl[8], UINT64_C(0x0123456789abcdef), 8); /* serial number */
	pl[16] = 0x0b;					 /* largest message 2^11 bytes */
	pl[17] = 0x03;					 /* a type 3 device */
	if (cxlmi_mock_set_response(ep, IDENTIFY_SET, IDENTIFY_CMD, CXLMI_RET_SUCCESS, pl, sizeof(pl))) {
		perror("cxlmi_mock_set_response");
		cxlmi_close(ep);
		return 1;
	}
	memset(&id, 0xff, sizeof(id));
	rc = cxlmi_cmd_identify(ep, CXLMI_NO_TUNNEL, &id);
	if (rc < 0) {
		perror("cxlmi_cmd_identify");
		cxlmi_close(ep);
		return 1;
	}
	printf("mock identify: rc %d, vendor 0x%04x, serial 0x%016" PRIx64 ", component type 0x%02x\n", rc,
	       id.vendor_id, (uint64_t)id.serial_num, id.component_type);
	/* Nothing queued: the mock answers as a device that does not know the command. */
	rc = cxlmi_cmd_bg_op_status(ep, CXLMI_NO_TUNNEL, &st);
	printf("mock unqueued: rc %d (%s)\n", rc, rc < 0 ? strerror(errno) : cxlmi_cmd_retcode_tostr(rc));
	cxlmi_close(ep);
	return 0;
}

static int emulator(struct cxlmi_ctx *ctx)
{
	struct cxlmi_cmd_identify_rsp id;
	struct cxlmi_endpoint *ep;
	int rc;

	ep = cxlmi_open_emulator(ctx, "type3");
	if (!ep) {
		if (errno == EOPNOTSUPP) {
			printf("emulator: not built\n");
			return 0;
		}
		perror("cxlmi_open_emulator");
		return 1;
	}
	rc = cxlmi_cmd_identify(ep, CXLMI_NO_TUNNEL, &id);
	if (rc < 0) {
		perror("cxlmi_cmd_identify");
		cxlmi_close(ep);
		return 1;
	}
	printf("emulator identify: rc %d, component type 0x%02x\n", rc, id.component_type);
	cxlmi_close(ep);
	return 0;
}

int main(int argc, char **argv)
{
	struct cxlmi_ctx *ctx;
	int err;

	ctx = cxlmi_new_ctx(stderr, LOG_WARNING);
	if (!ctx) {
		perror("cxlmi_new_ctx");
		return 1;
	}
	err = mock(ctx);
	if (!err && argc > 1 && strcmp(argv[1], "--emulator") == 0)
		err = emulator(ctx);
	cxlmi_free_ctx(ctx);
	return err ? 1 : 0;
}
