// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mock-demo: the whole life of a libcxlmi program, against the mock endpoint, so it runs on any
 * machine without CXL hardware.
 *
 * A real program opens an MCTP endpoint (cxlmi_open_mctp) or a kernel mailbox (cxlmi_open) instead
 * of cxlmi_open_mock(); everything after the open is the same. The mock answers each command with a
 * response queued beforehand by cxlmi_mock_set_response(), and answers anything unqueued with
 * CXLMI_RET_UNSUPPORTED.
 *
 * Exit status: 0 when the library returned exactly what was queued, 1 otherwise.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <libcxlmi.h>
#include <cxlmi/test.h>

/* CXL r3.1 8.2.9.1.1 Identify (opcode 0001h): command set 00h, command 01h. */
#define IDENTIFY_CMD_SET 0x00
#define IDENTIFY_CMD 0x01

/* What the pretend device reports. */
#define DEMO_VENDOR_ID 0x8086
#define DEMO_DEVICE_ID 0x0d93
#define DEMO_SUBSYS_VENDOR_ID 0x8086
#define DEMO_SUBSYS_ID 0x0001
#define DEMO_SERIAL UINT64_C(0x0123456789abcdef)
#define DEMO_MAX_MSG_SIZE 0x0b	 /* 2^11 = 2048 bytes */
#define DEMO_COMPONENT_TYPE 0x03 /* CXL type 3 device */

/* Payloads on the wire are little-endian whatever the host is, so build them byte by byte. */
static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (v >> (8 * i)) & 0xff;
}

/* The 18-byte Identify response payload (CXL r3.1 table 8-38). */
static void build_identify_payload(uint8_t pl[18])
{
	put_le16(&pl[0], DEMO_VENDOR_ID);
	put_le16(&pl[2], DEMO_DEVICE_ID);
	put_le16(&pl[4], DEMO_SUBSYS_VENDOR_ID);
	put_le16(&pl[6], DEMO_SUBSYS_ID);
	put_le64(&pl[8], DEMO_SERIAL);
	pl[16] = DEMO_MAX_MSG_SIZE;
	pl[17] = DEMO_COMPONENT_TYPE;
}

static int failures;

#define EXPECT_EQ(what, got, want)                                                                        \
	do {                                                                                              \
		if ((uint64_t)(got) != (uint64_t)(want)) {                                                \
			fprintf(stderr, "mock-demo: %s is 0x%" PRIx64 ", expected 0x%" PRIx64 "\n", what, \
				(uint64_t)(got), (uint64_t)(want));                                       \
			failures++;                                                                       \
		}                                                                                         \
	} while (0)

static int identify(struct cxlmi_endpoint *ep)
{
	struct cxlmi_cmd_identify_rsp id;
	uint8_t payload[18];
	int rc;

	build_identify_payload(payload);
	if (cxlmi_mock_set_response(ep, IDENTIFY_CMD_SET, IDENTIFY_CMD, CXLMI_RET_SUCCESS, payload, sizeof(payload))) {
		perror("cxlmi_mock_set_response");
		return -1;
	}

	memset(&id, 0xff, sizeof(id));
	rc = cxlmi_cmd_identify(ep, CXLMI_NO_TUNNEL, &id);
	if (rc < 0) {
		perror("cxlmi_cmd_identify");
		return -1;
	}
	printf("Identify: rc=%d (%s)\n", rc, cxlmi_cmd_retcode_tostr(rc));
	printf("  vendor id           0x%04x\n", id.vendor_id);
	printf("  device id           0x%04x\n", id.device_id);
	printf("  subsystem vendor id 0x%04x\n", id.subsys_vendor_id);
	printf("  subsystem id        0x%04x\n", id.subsys_id);
	printf("  serial number       0x%016" PRIx64 "\n", (uint64_t)id.serial_num);
	printf("  max message size    2^%u = %u bytes\n", id.max_msg_size, 1u << id.max_msg_size);
	printf("  component type      %u\n", id.component_type);

	EXPECT_EQ("Identify return code", rc, CXLMI_RET_SUCCESS);
	EXPECT_EQ("vendor id", id.vendor_id, DEMO_VENDOR_ID);
	EXPECT_EQ("device id", id.device_id, DEMO_DEVICE_ID);
	EXPECT_EQ("subsystem vendor id", id.subsys_vendor_id, DEMO_SUBSYS_VENDOR_ID);
	EXPECT_EQ("subsystem id", id.subsys_id, DEMO_SUBSYS_ID);
	EXPECT_EQ("serial number", id.serial_num, DEMO_SERIAL);
	EXPECT_EQ("max message size", id.max_msg_size, DEMO_MAX_MSG_SIZE);
	EXPECT_EQ("component type", id.component_type, DEMO_COMPONENT_TYPE);
	return 0;
}

/* Nothing is queued for Background Operation Status, so the mock says "unsupported". */
static int unqueued(struct cxlmi_endpoint *ep)
{
	struct cxlmi_cmd_bg_op_status_rsp st;
	int rc;

	rc = cxlmi_cmd_bg_op_status(ep, CXLMI_NO_TUNNEL, &st);
	if (rc < 0) {
		perror("cxlmi_cmd_bg_op_status");
		return -1;
	}
	printf("Background Operation Status (nothing queued): rc=%d (%s)\n", rc, cxlmi_cmd_retcode_tostr(rc));
	EXPECT_EQ("unqueued command return code", rc, CXLMI_RET_UNSUPPORTED);
	return 0;
}

int main(void)
{
	struct cxlmi_ctx *ctx;
	struct cxlmi_endpoint *ep;
	unsigned int sent = 0, answered = 0;
	int err = 0;

	/* Library messages go to stderr, all of them up to LOG_DEBUG (the unqueued command logs one). */
	ctx = cxlmi_new_ctx(stderr, LOG_DEBUG);
	if (!ctx) {
		perror("cxlmi_new_ctx");
		return EXIT_FAILURE;
	}

	ep = cxlmi_open_mock(ctx);
	if (!ep) {
		perror("cxlmi_open_mock");
		cxlmi_free_ctx(ctx);
		return EXIT_FAILURE;
	}

	if (identify(ep) || unqueued(ep))
		err = 1;

	if (cxlmi_mock_get_stats(ep, &sent, &answered)) {
		perror("cxlmi_mock_get_stats");
		err = 1;
	} else {
		printf("mock: %u commands sent, %u answered from the queue\n", sent, answered);
		EXPECT_EQ("commands sent", sent, 2);
		EXPECT_EQ("responses returned", answered, 1);
	}

	cxlmi_close(ep);
	cxlmi_free_ctx(ctx);

	if (err || failures) {
		fprintf(stderr, "mock-demo: FAILED (%d mismatches)\n", failures);
		return EXIT_FAILURE;
	}
	printf("mock-demo: OK\n");
	return EXIT_SUCCESS;
}
