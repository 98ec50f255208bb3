// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Every Generic Component command (CXL r3.1 section 8.2.9) through the public
 * C API on a mock endpoint:
 *  - the exact request payload bytes sent, against little-endian byte arrays
 *    written out by hand below;
 *  - the decoded response, from hand-written wire bytes whose multi-byte
 *    values (0x1122334455667788 and friends) show any byte-order mistake;
 *  - a device return code coming back as the function's return value, with
 *    the output left alone;
 *  - short responses (zero-filled, success) and oversized ones (cut to fit,
 *    success), as upstream's mock behaves;
 *  - NULL inputs and outputs refused with -1/EINVAL before anything is sent;
 *  - list responses whose count claims more entries than arrived or than the
 *    caller's buffer holds: the count returned is what was written, and
 *    nothing past the caller's buffer is touched (buffers are malloc'ed at
 *    exactly their documented capacity, so valgrind sees any over-write).
 */
#include "test-common.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static struct cxlmi_ctx *ctx;
static struct cxlmi_endpoint *ep;

static void queue(uint8_t set, uint8_t cmd, uint16_t rc, const void *payload, size_t n)
{
	if (cxlmi_mock_set_response(ep, set, cmd, rc, (void *)payload, n) != 0)
		CHECK(false, "queue a response for %02x%02xh", set, cmd);
}

/* `call` returns -1 with errno EINVAL and nothing reaches the endpoint. */
#define CHECK_REFUSED(call, ...)                                                \
	do {                                                                    \
		unsigned before_ = tc_commands_sent(ep);                        \
		int rc_, errno_;                                                \
		errno = 0;                                                      \
		rc_ = (call);                                                   \
		errno_ = errno;                                                 \
		CHECK_INT(rc_, -1, __VA_ARGS__);                                \
		CHECK_INT(errno_, EINVAL, "  ... errno EINVAL");                \
		CHECK_INT(tc_commands_sent(ep), before_, "  ... nothing sent"); \
	} while (0)

/* ------------------------------------------------------------------------ */
/* Commands with a fixed request struct and a fixed response struct, checked */
/* by one table-driven routine.                                              */

struct fixed_case {
	const char *name;
	uint8_t set, cmd;
	/* Calls the command with `in` (or ignores it) and `out` (or ignores it). */
	int (*call)(void *in, void *out);
	const void *in;		 /* the request struct, NULL when there is none */
	const uint8_t *req_wire; /* the payload bytes that must be sent */
	size_t req_len;
	const uint8_t *rsp_wire; /* the response payload queued */
	size_t rsp_len;
	size_t out_size;		/* size of the output struct, 0 when there is none */
	void (*check)(const void *out); /* checks every decoded field */
};

static void run_fixed(const struct fixed_case *c)
{
	uint8_t big[256];
	void *out;
	int rc;

	printf("--- %s (%02x%02xh)\n", c->name, c->set, c->cmd);

	/* The response as the device sends it. */
	out = c->out_size ? filled(c->out_size) : NULL;
	queue(c->set, c->cmd, 0, c->rsp_wire, c->rsp_len);
	rc = c->call((void *)c->in, out);
	CHECK_INT(rc, 0, "%s: succeeds", c->name);
	CHECK_SENT(ep, c->set, c->cmd, c->req_wire, c->req_len, "%s", c->name);
	if (c->check && rc == 0)
		c->check(out);
	free(out);

	/* A device return code comes back as the return value; the output is untouched. */
	out = c->out_size ? filled(c->out_size) : NULL;
	queue(c->set, c->cmd, CXLMI_RET_BUSY, c->rsp_wire, c->rsp_len);
	CHECK_INT(c->call((void *)c->in, out), CXLMI_RET_BUSY, "%s: return code 6 (busy) is returned", c->name);
	if (out)
		CHECK(tc_all_bytes(out, c->out_size, FILL), "  ... output untouched");
	queue(c->set, c->cmd, CXLMI_RET_INTERNAL, NULL, 0);
	CHECK_INT(c->call((void *)c->in, out), CXLMI_RET_INTERNAL, "%s: return code 4 (internal)", c->name);
	free(out);

	/* Short: what arrived is decoded, the rest is zero (upstream's mock zero-fills). */
	if (c->out_size) {
		size_t half = c->rsp_len / 2;
		uint8_t want[256] = { 0 };

		out = filled(c->out_size);
		queue(c->set, c->cmd, 0, c->rsp_wire, half);
		CHECK_INT(c->call((void *)c->in, out), 0, "%s: a %zu-byte response of %zu succeeds", c->name, half,
			  c->rsp_len);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		/* Output structs are the wire layout, so on this host the output is the bytes received. */
		memcpy(want, c->rsp_wire, half);
		CHECK_BYTES(out, want, c->out_size, "  ... received part decoded, rest zero");
#endif
		free(out);

		out = filled(c->out_size);
		queue(c->set, c->cmd, 0, NULL, 0);
		CHECK_INT(c->call((void *)c->in, out), 0, "%s: an empty response succeeds", c->name);
		CHECK(tc_all_bytes(out, c->out_size, 0), "  ... output all zero");
		free(out);
	} else {
		queue(c->set, c->cmd, 0, NULL, 0);
		CHECK_INT(c->call((void *)c->in, NULL), 0, "%s: an empty response succeeds", c->name);
	}

	/* Oversized: cut to the response size; the output buffer is exactly its struct. */
	memset(big, 0x5a, sizeof(big));
	memcpy(big, c->rsp_wire, c->rsp_len);
	out = c->out_size ? filled(c->out_size) : NULL;
	queue(c->set, c->cmd, 0, big, sizeof(big));
	CHECK_INT(c->call((void *)c->in, out), 0, "%s: a %zu-byte response succeeds (cut to %zu)", c->name, sizeof(big),
		  c->rsp_len);
	if (c->check && out)
		c->check(out);
	free(out);

	/* NULL pointers. */
	if (c->in) {
		out = c->out_size ? filled(c->out_size) : NULL;
		CHECK_REFUSED(c->call(NULL, out), "%s: NULL input refused", c->name);
		free(out);
	}
	if (c->out_size)
		CHECK_REFUSED(c->call((void *)c->in, NULL), "%s: NULL output refused", c->name);
	CHECK_INT(cxlmi_mock_get_stats(ep, NULL, NULL), 0, "%s: mock still answers", c->name);
	cxlmi_mock_clear_responses(ep);
}

/* Wrappers giving every command the same shape; `out == NULL` is passed through to test refusals. */
#define OUT_ONLY(fn, type)                                    \
	static int call_##fn(void *in, void *out)             \
	{                                                     \
		(void)in;                                     \
		return cxlmi_cmd_##fn(ep, NULL, (type *)out); \
	}
#define IN_ONLY(fn, type)                                    \
	static int call_##fn(void *in, void *out)            \
	{                                                    \
		(void)out;                                   \
		return cxlmi_cmd_##fn(ep, NULL, (type *)in); \
	}
#define IN_OUT(fn, tin, tout)                                            \
	static int call_##fn(void *in, void *out)                        \
	{                                                                \
		return cxlmi_cmd_##fn(ep, NULL, (tin *)in, (tout *)out); \
	}

OUT_ONLY(identify, struct cxlmi_cmd_identify_rsp)
OUT_ONLY(bg_op_status, struct cxlmi_cmd_bg_op_status_rsp)
OUT_ONLY(get_response_msg_limit, struct cxlmi_cmd_get_response_msg_limit_rsp)
IN_OUT(set_response_msg_limit, struct cxlmi_cmd_set_response_msg_limit_req, struct cxlmi_cmd_set_response_msg_limit_rsp)
OUT_ONLY(get_event_interrupt_policy, struct cxlmi_cmd_get_event_interrupt_policy_rsp)
IN_ONLY(set_event_interrupt_policy, struct cxlmi_cmd_set_event_interrupt_policy_req)
OUT_ONLY(get_mctp_event_interrupt_policy, struct cxlmi_cmd_get_mctp_event_interrupt_policy_rsp)
IN_ONLY(set_mctp_event_interrupt_policy, struct cxlmi_cmd_set_mctp_event_interrupt_policy_req)
IN_ONLY(event_notification, struct cxlmi_cmd_event_notification_req)
OUT_ONLY(get_fw_info, struct cxlmi_cmd_get_fw_info_rsp)
IN_ONLY(activate_fw, struct cxlmi_cmd_activate_fw_req)
OUT_ONLY(get_timestamp, struct cxlmi_cmd_get_timestamp_rsp)
IN_ONLY(set_timestamp, struct cxlmi_cmd_set_timestamp_req)
IN_OUT(get_log_capabilities, struct cxlmi_cmd_get_log_capabilities_req, struct cxlmi_cmd_get_log_capabilities_rsp)
IN_ONLY(clear_log, struct cxlmi_cmd_clear_log_req)
IN_ONLY(populate_log, struct cxlmi_cmd_populate_log_req)

static int call_request_bg_op_abort(void *in, void *out)
{
	(void)in;
	(void)out;
	return cxlmi_cmd_request_bg_op_abort(ep, NULL);
}

/* Identify: vendor 1122h, device 3344h, subsystem vendor 5566h, subsystem 7788h, serial, 2^12, type 3. */
static const uint8_t identify_wire[18] = {
	0x22, 0x11, 0x44, 0x33, 0x66, 0x55, 0x88, 0x77, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x0c, 0x03,
};
static void check_identify(const void *p)
{
	const struct cxlmi_cmd_identify_rsp *r = p;

	CHECK_INT(r->vendor_id, 0x1122, "  vendor_id");
	CHECK_INT(r->device_id, 0x3344, "  device_id");
	CHECK_INT(r->subsys_vendor_id, 0x5566, "  subsys_vendor_id");
	CHECK_INT(r->subsys_id, 0x7788, "  subsys_id");
	CHECK_U64(r->serial_num, 0x1122334455667788ull, "  serial_num");
	CHECK_INT(r->max_msg_size, 0x0c, "  max_msg_size");
	CHECK_INT(r->component_type, 3, "  component_type");
}

/* Background Operation Status: 85h (running, 66%), opcode 4400h, return code 0102h, vendor status A1B2h. */
static const uint8_t bg_op_status_wire[8] = { 0x85, 0x00, 0x00, 0x44, 0x02, 0x01, 0xb2, 0xa1 };
static void check_bg_op_status(const void *p)
{
	const struct cxlmi_cmd_bg_op_status_rsp *r = p;

	CHECK_INT(r->status, 0x85, "  status");
	CHECK_INT(r->opcode, 0x4400, "  opcode");
	CHECK_INT(r->returncode, 0x0102, "  returncode");
	CHECK_INT(r->vendor_ext_status, 0xa1b2, "  vendor_ext_status");
}

static const uint8_t msg_limit_wire[1] = { 0x0c };
static void check_get_msg_limit(const void *p)
{
	CHECK_INT(((const struct cxlmi_cmd_get_response_msg_limit_rsp *)p)->limit, 0x0c, "  limit");
}

static const struct cxlmi_cmd_set_response_msg_limit_req set_msg_limit_in = { .limit = 0x0a };
static const uint8_t set_msg_limit_req[1] = { 0x0a };
static const uint8_t set_msg_limit_rsp[1] = { 0x09 };
static void check_set_msg_limit(const void *p)
{
	CHECK_INT(((const struct cxlmi_cmd_set_response_msg_limit_rsp *)p)->limit, 0x09, "  limit in force");
}

#define EIP_SIZE sizeof(struct cxlmi_cmd_get_event_interrupt_policy_rsp) /* 5, or 4 in CXL 2.0 mode */
static const uint8_t get_eip_wire[5] = { 0x01, 0x02, 0x06, 0x0a, 0x3e };
static void check_get_eip(const void *p)
{
	const struct cxlmi_cmd_get_event_interrupt_policy_rsp *r = p;

	CHECK_INT(r->informational_settings, 0x01, "  informational_settings");
	CHECK_INT(r->warning_settings, 0x02, "  warning_settings");
	CHECK_INT(r->failure_settings, 0x06, "  failure_settings");
	CHECK_INT(r->fatal_settings, 0x0a, "  fatal_settings");
#ifndef SUPPORT_CXL_2_0
	CHECK_INT(r->dcd_settings, 0x3e, "  dcd_settings");
#endif
}

static const struct cxlmi_cmd_set_event_interrupt_policy_req set_eip_in = {
	.informational_settings = 0x11,
	.warning_settings = 0x22,
	.failure_settings = 0x33,
	.fatal_settings = 0x44,
#ifndef SUPPORT_CXL_2_0
	.dcd_settings = 0x55,
#endif
};
static const uint8_t set_eip_req[5] = { 0x11, 0x22, 0x33, 0x44, 0x55 };

static const uint8_t get_mctp_eip_wire[2] = { 0x34, 0x12 };
static void check_get_mctp_eip(const void *p)
{
	CHECK_INT(((const struct cxlmi_cmd_get_mctp_event_interrupt_policy_rsp *)p)->event_interrupt_settings, 0x1234,
		  "  event_interrupt_settings");
}

static const struct cxlmi_cmd_set_mctp_event_interrupt_policy_req set_mctp_eip_in = {
	.event_interrupt_settings = 0xa1b2,
};
static const uint8_t set_mctp_eip_req[2] = { 0xb2, 0xa1 };

static const struct cxlmi_cmd_event_notification_req event_notification_in = { .event = 0x0102 };
static const uint8_t event_notification_req[2] = { 0x02, 0x01 };

/* Get FW Info: 4 slots, slot info 12h (active 2, staged 2), caps 01h, four revision strings. */
static const uint8_t fw_info_wire[80] = {
	0x04, 0x12, 0x01, 0,   0, 0, 0, 0, 0,	0,   0,	  0,   0,   0,	 0,   0,   'r', 'e', 'v', '-',
	'1',  '.',  '0',  0,   0, 0, 0, 0, 0,	0,   0,	  0,   'r', 'e', 'v', '-', '2', '.', '0', '.',
	'1',  0,    0,	  0,   0, 0, 0, 0, '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b',
	'c',  'd',  'e',  'f', 0, 0, 0, 0, 0,	0,   0,	  0,   0,   0,	 0,   0,   0,	0,   0,	  0,
};
static void check_fw_info(const void *p)
{
	const struct cxlmi_cmd_get_fw_info_rsp *r = p;

	CHECK_INT(r->slots_supported, 4, "  slots_supported");
	CHECK_INT(r->slot_info, 0x12, "  slot_info");
	CHECK_INT(r->caps, 0x01, "  caps");
	CHECK_BYTES(r->fw_rev1, fw_info_wire + 16, 16, "  fw_rev1");
	CHECK_BYTES(r->fw_rev2, fw_info_wire + 32, 16, "  fw_rev2");
	CHECK_BYTES(r->fw_rev3, fw_info_wire + 48, 16, "  fw_rev3 (all 16 characters, no terminator)");
	CHECK_BYTES(r->fw_rev4, fw_info_wire + 64, 16, "  fw_rev4");
}

static const struct cxlmi_cmd_activate_fw_req activate_fw_in = { .action = 0x01, .slot = 0x02 };
static const uint8_t activate_fw_req[2] = { 0x01, 0x02 };

static const uint8_t timestamp_wire[8] = { 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 };
static void check_get_timestamp(const void *p)
{
	CHECK_U64(((const struct cxlmi_cmd_get_timestamp_rsp *)p)->timestamp, 0x1122334455667788ull, "  timestamp");
}
static const struct cxlmi_cmd_set_timestamp_req set_timestamp_in = { .timestamp = 0x8877665544332211ull };
static const uint8_t set_timestamp_req[8] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };

/* The Command Effects Log UUID, 0da9c0b5-bf41-4b78-8f79-96b1623b3f17, as it travels. */
static const uint8_t cel_uuid[16] = {
	0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78, 0x8f, 0x79, 0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17,
};
static const uint8_t other_uuid[16] = {
	0x5e, 0x18, 0x19, 0xd9, 0x11, 0xa9, 0x40, 0x0c, 0x81, 0x1f, 0xd6, 0x07, 0x19, 0x40, 0x3d, 0x86,
};

static struct cxlmi_cmd_get_log_capabilities_req log_caps_in;
static const uint8_t log_caps_rsp[4] = { 0x44, 0x33, 0x22, 0x11 };
static void check_log_caps(const void *p)
{
	CHECK_INT(((const struct cxlmi_cmd_get_log_capabilities_rsp *)p)->parameter_flags, 0x11223344,
		  "  parameter_flags");
}
static struct cxlmi_cmd_clear_log_req clear_log_in;
static struct cxlmi_cmd_populate_log_req populate_log_in;

static void test_fixed_commands(void)
{
	const struct fixed_case cases[] = {
		{ "identify", 0x00, 0x01, call_identify, NULL, NULL, 0, identify_wire, sizeof(identify_wire),
		  sizeof(struct cxlmi_cmd_identify_rsp), check_identify },
		{ "bg_op_status", 0x00, 0x02, call_bg_op_status, NULL, NULL, 0, bg_op_status_wire,
		  sizeof(bg_op_status_wire), sizeof(struct cxlmi_cmd_bg_op_status_rsp), check_bg_op_status },
		{ "get_response_msg_limit", 0x00, 0x03, call_get_response_msg_limit, NULL, NULL, 0, msg_limit_wire, 1,
		  sizeof(struct cxlmi_cmd_get_response_msg_limit_rsp), check_get_msg_limit },
		{ "set_response_msg_limit", 0x00, 0x04, call_set_response_msg_limit, &set_msg_limit_in,
		  set_msg_limit_req, 1, set_msg_limit_rsp, 1, sizeof(struct cxlmi_cmd_set_response_msg_limit_rsp),
		  check_set_msg_limit },
		{ "request_bg_op_abort", 0x00, 0x05, call_request_bg_op_abort, NULL, NULL, 0, NULL, 0, 0, NULL },
		{ "get_event_interrupt_policy", 0x01, 0x02, call_get_event_interrupt_policy, NULL, NULL, 0,
		  get_eip_wire, EIP_SIZE, EIP_SIZE, check_get_eip },
		{ "set_event_interrupt_policy", 0x01, 0x03, call_set_event_interrupt_policy, &set_eip_in, set_eip_req,
		  EIP_SIZE, NULL, 0, 0, NULL },
		{ "get_mctp_event_interrupt_policy", 0x01, 0x04, call_get_mctp_event_interrupt_policy, NULL, NULL, 0,
		  get_mctp_eip_wire, 2, 2, check_get_mctp_eip },
		{ "set_mctp_event_interrupt_policy", 0x01, 0x05, call_set_mctp_event_interrupt_policy, &set_mctp_eip_in,
		  set_mctp_eip_req, 2, NULL, 0, 0, NULL },
		{ "event_notification", 0x01, 0x06, call_event_notification, &event_notification_in,
		  event_notification_req, 2, NULL, 0, 0, NULL },
		{ "get_fw_info", 0x02, 0x00, call_get_fw_info, NULL, NULL, 0, fw_info_wire, sizeof(fw_info_wire),
		  sizeof(struct cxlmi_cmd_get_fw_info_rsp), check_fw_info },
		{ "activate_fw", 0x02, 0x02, call_activate_fw, &activate_fw_in, activate_fw_req, 2, NULL, 0, 0, NULL },
		{ "get_timestamp", 0x03, 0x00, call_get_timestamp, NULL, NULL, 0, timestamp_wire, 8,
		  sizeof(struct cxlmi_cmd_get_timestamp_rsp), check_get_timestamp },
		{ "set_timestamp", 0x03, 0x01, call_set_timestamp, &set_timestamp_in, set_timestamp_req, 8, NULL, 0, 0,
		  NULL },
		{ "get_log_capabilities", 0x04, 0x02, call_get_log_capabilities, &log_caps_in, cel_uuid, 16,
		  log_caps_rsp, 4, sizeof(struct cxlmi_cmd_get_log_capabilities_rsp), check_log_caps },
		{ "clear_log", 0x04, 0x03, call_clear_log, &clear_log_in, other_uuid, 16, NULL, 0, 0, NULL },
		{ "populate_log", 0x04, 0x04, call_populate_log, &populate_log_in, cel_uuid, 16, NULL, 0, 0, NULL },
	};
	size_t i;

	memcpy(log_caps_in.uuid, cel_uuid, 16);
	memcpy(clear_log_in.uuid, other_uuid, 16);
	memcpy(populate_log_in.uuid, cel_uuid, 16);
	CHECK_INT(sizeof(struct cxlmi_cmd_identify_rsp), 18, "sizeof identify_rsp");
	CHECK_INT(sizeof(struct cxlmi_cmd_get_fw_info_rsp), 80, "sizeof get_fw_info_rsp");
	for (i = 0; i < ARRAY_LEN(cases); i++)
		run_fixed(&cases[i]);
}

/* ------------------------------------------------------------------------ */
/* Event records.                                                            */

#define EVR_HEAD 32
#define EVR_SIZE 128

/* Writes record `i`'s wire image: every field distinct and multi-byte ones asymmetric. */
static void put_event_record(uint8_t *p, int i)
{
	memset(p, 0, EVR_SIZE);
	for (int j = 0; j < 16; j++)
		p[j] = (uint8_t)(0x10 * i + j); /* uuid */
	p[16] = 0x80;				/* length */
	p[17] = 0x01;
	p[18] = 0x02;
	p[19] = (uint8_t)(0x30 + i);				   /* flags */
	le16(p + 20, (uint16_t)(0xab00 + i));			   /* handle */
	le16(p + 22, (uint16_t)(0x1357 + i));			   /* related_handle */
	le64(p + 24, 0x0102030405060708ull + ((uint64_t)i << 56)); /* timestamp */
	p[32] = 0x11;						   /* maint_op_class */
	p[33] = 0x22;						   /* maint_op_subclass */
	le16(p + 34, (uint16_t)(0x3344 + i));			   /* ld_id */
	p[36] = 0x55;						   /* head_id */
	for (int j = 0; j < 80; j++)
		p[48 + j] = (uint8_t)(i + 3 * j); /* data */
}

static bool event_record_is(const struct cxlmi_event_record *r, int i)
{
	uint8_t uuid[16], data[80];

	for (int j = 0; j < 16; j++)
		uuid[j] = (uint8_t)(0x10 * i + j);
	for (int j = 0; j < 80; j++)
		data[j] = (uint8_t)(i + 3 * j);
	return !memcmp(r->uuid, uuid, 16) && r->length == 0x80 && r->flags[0] == 1 && r->flags[1] == 2 &&
	       r->flags[2] == 0x30 + i && r->handle == 0xab00 + i && r->related_handle == 0x1357 + i &&
	       r->timestamp == 0x0102030405060708ull + ((uint64_t)i << 56) && r->maint_op_class == 0x11 &&
	       r->maint_op_subclass == 0x22 && r->ld_id == 0x3344 + i && r->head_id == 0x55 &&
	       !memcmp(r->data, data, 80);
}

/* A Get Event Records response: the fixed part claiming `claimed` records, then `sent` records. */
static uint8_t *event_records_wire(unsigned claimed, int sent, size_t *len)
{
	static const uint8_t head[EVR_HEAD] = {
		0x03, 0x00,					/* flags: overflow, more records */
		0x34, 0x12,					/* overflow_err_count */
		0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, /* first_overflow_timestamp */
		0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, /* last_overflow_timestamp */
		0x00, 0x00,					/* record_count, set below */
		0,    0,    0,	  0,	0,    0,    0,	  0,	0, 0,
	};
	uint8_t *w;

	*len = EVR_HEAD + (size_t)sent * EVR_SIZE;
	w = malloc(*len);
	if (!w)
		abort();
	memcpy(w, head, EVR_HEAD);
	le16(w + 20, (uint16_t)claimed);
	for (int i = 0; i < sent; i++)
		put_event_record(w + EVR_HEAD + i * EVR_SIZE, i);
	return w;
}

static void test_event_records(void)
{
	const size_t cap = sizeof(struct cxlmi_cmd_get_event_records_rsp) +
			   CXLMI_MAX_SUPPORTED_EVENT_RECORDS * sizeof(struct cxlmi_event_record);
	struct cxlmi_cmd_get_event_records_req in = { .event_log = 2 };
	static const uint8_t req[1] = { 0x02 };
	struct cxlmi_cmd_get_event_records_rsp *r;
	uint8_t *w;
	size_t len;
	int i, ok;

	printf("--- get_event_records (0100h)\n");
	CHECK_INT(sizeof(struct cxlmi_cmd_get_event_records_rsp), EVR_HEAD, "sizeof get_event_records_rsp");
	CHECK_INT(sizeof(struct cxlmi_event_record), EVR_SIZE, "sizeof cxlmi_event_record");

	/* Two records. */
	w = event_records_wire(2, 2, &len);
	queue(0x01, 0x00, 0, w, len);
	free(w);
	r = filled(cap);
	CHECK_INT(cxlmi_cmd_get_event_records(ep, NULL, &in, r), 0, "get_event_records: 2 records");
	CHECK_SENT(ep, 0x01, 0x00, req, 1, "get_event_records");
	CHECK_INT(r->flags, 0x03, "  flags");
	CHECK_INT(r->overflow_err_count, 0x1234, "  overflow_err_count");
	CHECK_U64(r->first_overflow_timestamp, 0x1122334455667788ull, "  first_overflow_timestamp");
	CHECK_U64(r->last_overflow_timestamp, 0x8877665544332211ull, "  last_overflow_timestamp");
	CHECK_INT(r->record_count, 2, "  record_count");
	CHECK(event_record_is(&r->records[0], 0), "  record 0: every field");
	CHECK(event_record_is(&r->records[1], 1), "  record 1: every field");
	CHECK_INT(r->records[1].handle, 0xab01, "  record 1 handle");
	CHECK_U64(r->records[1].timestamp, 0x0102030405060708ull + (1ull << 56), "  record 1 timestamp");
	CHECK(tc_all_bytes(&r->records[2], cap - EVR_HEAD - 2 * EVR_SIZE, FILL), "  nothing written past record 1");
	free(r);

	/* The count claims 1 while 3 arrive: only 1 is written. */
	w = event_records_wire(1, 3, &len);
	queue(0x01, 0x00, 0, w, len);
	free(w);
	r = filled(cap);
	CHECK_INT(cxlmi_cmd_get_event_records(ep, NULL, &in, r), 0, "get_event_records: claims 1, 3 sent");
	CHECK_INT(r->record_count, 1, "  record_count 1");
	CHECK(event_record_is(&r->records[0], 0), "  record 0");
	CHECK(tc_all_bytes(&r->records[1], cap - EVR_HEAD - EVR_SIZE, FILL), "  nothing written past record 0");
	free(r);

	/* The count claims 500 and 25 records arrive: the response holds at most 20, the buffer 20. */
	w = event_records_wire(500, 25, &len);
	queue(0x01, 0x00, 0, w, len);
	free(w);
	r = filled(cap);
	CHECK_INT(cxlmi_cmd_get_event_records(ep, NULL, &in, r), 0, "get_event_records: claims 500, 25 sent");
	CHECK_INT(r->record_count, CXLMI_MAX_SUPPORTED_EVENT_RECORDS, "  record_count clamped to 20");
	for (i = 0, ok = 1; i < CXLMI_MAX_SUPPORTED_EVENT_RECORDS; i++)
		ok &= event_record_is(&r->records[i], i);
	CHECK(ok, "  records 0..19 decoded (valgrind: nothing past the 20-record buffer)");
	free(r);

	/* The count claims 500 and 3 arrive: the mock zero-fills, so what is returned past 3 is zero. */
	w = event_records_wire(500, 3, &len);
	queue(0x01, 0x00, 0, w, len);
	free(w);
	r = filled(cap);
	CHECK_INT(cxlmi_cmd_get_event_records(ep, NULL, &in, r), 0, "get_event_records: claims 500, 3 sent");
	CHECK(r->record_count <= CXLMI_MAX_SUPPORTED_EVENT_RECORDS, "  record_count %u is at most 20", r->record_count);
	for (i = 0, ok = 1; i < 3; i++)
		ok &= event_record_is(&r->records[i], i);
	CHECK(ok, "  records 0..2 decoded");
	if (r->record_count > 3)
		CHECK(tc_all_bytes(&r->records[3], (r->record_count - 3) * EVR_SIZE, 0),
		      "  records 3..%u are the zero fill", r->record_count - 1);
	CHECK(tc_all_bytes((uint8_t *)r + EVR_HEAD + r->record_count * EVR_SIZE,
			   cap - EVR_HEAD - r->record_count * EVR_SIZE, FILL),
	      "  nothing written past record_count");
	free(r);

	/* Short: the fixed part cut after the overflow count. */
	w = event_records_wire(2, 2, &len);
	queue(0x01, 0x00, 0, w, 4);
	free(w);
	r = filled(cap);
	CHECK_INT(cxlmi_cmd_get_event_records(ep, NULL, &in, r), 0, "get_event_records: 4-byte response succeeds");
	CHECK(r->flags == 3 && r->overflow_err_count == 0x1234 && r->first_overflow_timestamp == 0 &&
		      r->record_count == 0,
	      "  received fields decoded, the rest zero, 0 records");
	CHECK(tc_all_bytes(&r->records[0], cap - EVR_HEAD, FILL), "  no record written");
	free(r);

	/* Error and NULLs. */
	r = filled(cap);
	queue(0x01, 0x00, CXLMI_RET_BUSY, NULL, 0);
	CHECK_INT(cxlmi_cmd_get_event_records(ep, NULL, &in, r), CXLMI_RET_BUSY, "get_event_records: busy returns 6");
	CHECK(tc_all_bytes(r, cap, FILL), "  output untouched");
	CHECK_REFUSED(cxlmi_cmd_get_event_records(ep, NULL, NULL, r), "get_event_records: NULL input refused");
	CHECK_REFUSED(cxlmi_cmd_get_event_records(ep, NULL, &in, NULL), "get_event_records: NULL output refused");
	free(r);
	cxlmi_mock_clear_responses(ep);
}

static void test_clear_event_records(void)
{
	struct cxlmi_cmd_clear_event_records_req *in = filled(sizeof(*in) + 3 * sizeof(uint16_t));
	static const uint8_t req3[12] = { 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x22, 0x11, 0x44, 0x33, 0x66, 0x55 };
	static const uint8_t req_all[6] = { 0x03, 0x01, 0x00, 0x00, 0x00, 0x00 };
	struct cxlmi_cmd_clear_event_records_req all = { .event_log = 3, .clear_flags = 1, .nr_recs = 0 };

	printf("--- clear_event_records (0101h)\n");
	CHECK_INT(sizeof(*in), 6, "sizeof clear_event_records_req");
	in->event_log = 1;
	in->clear_flags = 0;
	in->nr_recs = 3;
	memset(in->reserved, 0, sizeof(in->reserved));
	in->handles[0] = 0x1122;
	in->handles[1] = 0x3344;
	in->handles[2] = 0x5566;
	queue(0x01, 0x01, 0, NULL, 0);
	CHECK_INT(cxlmi_cmd_clear_event_records(ep, NULL, in), 0, "clear_event_records: 3 handles");
	CHECK_SENT(ep, 0x01, 0x01, req3, sizeof(req3), "clear_event_records");

	queue(0x01, 0x01, 0, NULL, 0);
	CHECK_INT(cxlmi_cmd_clear_event_records(ep, NULL, &all), 0, "clear_event_records: clear all, no handles");
	CHECK_SENT(ep, 0x01, 0x01, req_all, sizeof(req_all), "clear_event_records (clear all)");

	queue(0x01, 0x01, CXLMI_RET_HANDLE, NULL, 0);
	CHECK_INT(cxlmi_cmd_clear_event_records(ep, NULL, in), CXLMI_RET_HANDLE, "clear_event_records: return code 14");
	queue(0x01, 0x01, 0, req3, sizeof(req3));
	CHECK_INT(cxlmi_cmd_clear_event_records(ep, NULL, in), 0, "clear_event_records: oversized response succeeds");
	CHECK_REFUSED(cxlmi_cmd_clear_event_records(ep, NULL, NULL), "clear_event_records: NULL input refused");
	free(in);
	cxlmi_mock_clear_responses(ep);
}

/* ------------------------------------------------------------------------ */
/* Firmware transfer and features: a fixed head followed by data bytes.     */

static void test_transfer_fw(void)
{
	static const uint8_t data[5] = { 0xde, 0xad, 0xbe, 0xef, 0x42 };
	struct cxlmi_cmd_transfer_fw_req *in = filled(sizeof(*in) + sizeof(data));
	uint8_t want[128 + 5];
	size_t limit_data = (1u << 20) - 1 - 128; /* the most that fits the 20-bit payload length */
	struct cxlmi_cmd_transfer_fw_req *huge;

	printf("--- transfer_fw (0201h)\n");
	CHECK_INT(sizeof(*in), 128, "sizeof transfer_fw_req");
	memset(in, 0, sizeof(*in));
	in->action = 0x01;
	in->slot = 0x02;
	in->offset = 0x11223344;
	memcpy(in->data, data, sizeof(data));
	memset(want, 0, sizeof(want));
	want[0] = 0x01;
	want[1] = 0x02;
	want[4] = 0x44;
	want[5] = 0x33;
	want[6] = 0x22;
	want[7] = 0x11;
	memcpy(want + 128, data, sizeof(data));

	queue(0x02, 0x01, 0, NULL, 0);
	CHECK_INT(cxlmi_cmd_transfer_fw(ep, NULL, in, sizeof(data)), 0, "transfer_fw: 5 data bytes");
	CHECK_SENT(ep, 0x02, 0x01, want, sizeof(want), "transfer_fw");
	queue(0x02, 0x01, 0, NULL, 0);
	CHECK_INT(cxlmi_cmd_transfer_fw(ep, NULL, in, 0), 0, "transfer_fw: no data");
	CHECK_SENT(ep, 0x02, 0x01, want, 128, "transfer_fw (no data)");
	queue(0x02, 0x01, CXLMI_RET_FWINPROGRESS, NULL, 0);
	CHECK_INT(cxlmi_cmd_transfer_fw(ep, NULL, in, sizeof(data)), CXLMI_RET_FWINPROGRESS,
		  "transfer_fw: return code 8");
	queue(0x02, 0x01, 0, want, sizeof(want));
	CHECK_INT(cxlmi_cmd_transfer_fw(ep, NULL, in, sizeof(data)), 0, "transfer_fw: oversized response succeeds");
	CHECK_REFUSED(cxlmi_cmd_transfer_fw(ep, NULL, NULL, 0), "transfer_fw: NULL input refused");

	/* The payload length field has 20 bits: the largest transfer is sent, one byte more is refused. */
	huge = calloc(1, sizeof(*huge) + limit_data + 1);
	if (huge) {
		size_t n = 0;

		huge->action = 0x02;
		huge->data[limit_data - 1] = 0x77;
		queue(0x02, 0x01, 0, NULL, 0);
		CHECK_INT(cxlmi_cmd_transfer_fw(ep, NULL, huge, limit_data), 0,
			  "transfer_fw: %zu data bytes (payload 2^20 - 1) sent", limit_data);
		cxlmi_mock_get_last_command(ep, NULL, NULL, NULL, &n);
		CHECK_INT(n, (1u << 20) - 1, "  ... all %u payload bytes", (1u << 20) - 1);
		CHECK_REFUSED(cxlmi_cmd_transfer_fw(ep, NULL, huge, limit_data + 1),
			      "transfer_fw: one byte more than the CCI message holds is refused");
		free(huge);
	}
	free(in);
	cxlmi_mock_clear_responses(ep);
}

static void test_set_feature(void)
{
	static const uint8_t data[4] = { 0x0a, 0x0b, 0x0c, 0x0d };
	struct cxlmi_cmd_set_feature_req *in = filled(sizeof(*in) + sizeof(data));
	static const uint8_t want[32 + 4] = {
		0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78, 0x8f, 0x79, 0x96, 0xb1, 0x62,
		0x3b, 0x3f, 0x17, 0x44, 0x33, 0x22, 0x11, /* set_feature_flags */
		0x66, 0x55,				  /* offset */
		0x03,					  /* version */
		0,    0,    0,	  0,	0,    0,    0,	  0,	0,    0x0a, 0x0b, 0x0c, 0x0d,
	};

	printf("--- set_feature (0502h)\n");
	CHECK_INT(sizeof(*in), 32, "sizeof set_feature_req");
	memset(in, 0, sizeof(*in));
	memcpy(in->feature_id, cel_uuid, 16);
	in->set_feature_flags = 0x11223344;
	in->offset = 0x5566;
	in->version = 3;
	memcpy(in->feature_data, data, sizeof(data));

	queue(0x05, 0x02, 0, NULL, 0);
	CHECK_INT(cxlmi_cmd_set_feature(ep, NULL, in, sizeof(data)), 0, "set_feature: 4 data bytes");
	CHECK_SENT(ep, 0x05, 0x02, want, sizeof(want), "set_feature");
	queue(0x05, 0x02, 0, NULL, 0);
	CHECK_INT(cxlmi_cmd_set_feature(ep, NULL, in, 0), 0, "set_feature: no data");
	CHECK_SENT(ep, 0x05, 0x02, want, 32, "set_feature (no data)");
	queue(0x05, 0x02, CXLMI_RET_FEATUREVERSION, NULL, 0);
	CHECK_INT(cxlmi_cmd_set_feature(ep, NULL, in, sizeof(data)), CXLMI_RET_FEATUREVERSION,
		  "set_feature: return code 25");
	queue(0x05, 0x02, 0, want, sizeof(want));
	CHECK_INT(cxlmi_cmd_set_feature(ep, NULL, in, sizeof(data)), 0, "set_feature: oversized response succeeds");
	CHECK_REFUSED(cxlmi_cmd_set_feature(ep, NULL, NULL, 4), "set_feature: NULL input refused");
	free(in);
	cxlmi_mock_clear_responses(ep);
}

static void test_perform_maintenance(void)
{
	struct cxlmi_maintenance_ppr_params ppr = {
		.flags = 0,
		.dpa = 0x0000000123456740ull,
		.nibble_mask = { 0xff, 0xff, 0xff },
	};
	struct cxlmi_cmd_perform_maintenance_req *in = filled(sizeof(*in) + sizeof(ppr));
	/* CXL r3.1 Table 8-104: hard PPR, flags, DPA (little-endian), nibble mask. */
	static const uint8_t want[14] = {
		0x01, 0x01, 0x00, 0x40, 0x67, 0x45, 0x23, 0x01, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
	};

	printf("--- perform_maintenance (0600h)\n");
	CHECK_INT(sizeof(*in), 2, "sizeof perform_maintenance_req");
	CHECK_INT(sizeof(ppr), 12, "sizeof maintenance_ppr_params");
	CHECK_INT(sizeof(struct cxlmi_maintenance_sparing_params), 14, "sizeof maintenance_sparing_params");
	in->operation_class = 1;
	in->operation_subclass = 1;
	memcpy(in->parameters, &ppr, sizeof(ppr));

	queue(0x06, 0x00, 0, NULL, 0);
	CHECK_INT(cxlmi_cmd_perform_maintenance(ep, NULL, in, sizeof(ppr)), 0, "perform_maintenance: hard PPR");
	CHECK_SENT(ep, 0x06, 0x00, want, sizeof(want), "perform_maintenance");
	queue(0x06, 0x00, CXLMI_RET_RESOURCEEXHAUSTED, NULL, 0);
	CHECK_INT(cxlmi_cmd_perform_maintenance(ep, NULL, in, sizeof(ppr)), CXLMI_RET_RESOURCEEXHAUSTED,
		  "perform_maintenance: no spare row left");
	CHECK_REFUSED(cxlmi_cmd_perform_maintenance(ep, NULL, NULL, 0), "perform_maintenance: NULL input refused");
	CHECK_REFUSED(cxlmi_cmd_perform_maintenance(ep, NULL, in, (size_t)1 << 20),
		      "perform_maintenance: parameters past the message limit refused");
	free(in);
	cxlmi_mock_clear_responses(ep);
}

/*
 * Upstream builds every request field by field in zeroed memory, so reserved
 * bytes go out as zero whatever the caller's struct holds there (the spec
 * requires reserved request fields to be zero). A drop-in must do the same.
 */
static void test_reserved_request_bytes(void)
{
	printf("--- reserved request fields are sent as zero\n");
	{
		struct cxlmi_cmd_clear_event_records_req *in = filled(sizeof(*in) + 2);
		static const uint8_t want[8] = { 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x34, 0x12 };

		in->event_log = 1;
		in->clear_flags = 0;
		in->nr_recs = 1;
		in->handles[0] = 0x1234; /* reserved[] left at 0xa5 */
		queue(0x01, 0x01, 0, NULL, 0);
		cxlmi_cmd_clear_event_records(ep, NULL, in);
		CHECK_SENT(ep, 0x01, 0x01, want, sizeof(want), "clear_event_records with garbage in reserved[]");
		free(in);
	}
	{
		struct cxlmi_cmd_transfer_fw_req *in = filled(sizeof(*in));
		uint8_t want[128] = { 0x01, 0x02, 0, 0, 0x00, 0x01, 0x00, 0x00 };

		in->action = 1;
		in->slot = 2;
		in->offset = 0x100; /* rsvd1, rsvd2 left at 0xa5 */
		queue(0x02, 0x01, 0, NULL, 0);
		cxlmi_cmd_transfer_fw(ep, NULL, in, 0);
		CHECK_SENT(ep, 0x02, 0x01, want, sizeof(want), "transfer_fw with garbage in rsvd1/rsvd2");
		free(in);
	}
	{
		struct cxlmi_cmd_get_supported_features_req in;
		static const uint8_t want[8] = { 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00 };
		void *out = filled(sizeof(struct cxlmi_cmd_get_supported_features_rsp));

		memset(&in, FILL, sizeof(in));
		in.count = 0;
		in.starting_feature_index = 1;
		queue(0x05, 0x00, 0, NULL, 0);
		cxlmi_cmd_get_supported_features(ep, NULL, &in, out);
		CHECK_SENT(ep, 0x05, 0x00, want, sizeof(want), "get_supported_features with garbage in rsvd[]");
		free(out);
	}
	{
		struct cxlmi_cmd_set_feature_req *in = filled(sizeof(*in));
		uint8_t want[32] = { 0 };

		memset(in->feature_id, 0, 16);
		in->set_feature_flags = 0;
		in->offset = 0;
		in->version = 1; /* rsvd[] left at 0xa5 */
		want[22] = 1;
		queue(0x05, 0x02, 0, NULL, 0);
		cxlmi_cmd_set_feature(ep, NULL, in, 0);
		CHECK_SENT(ep, 0x05, 0x02, want, sizeof(want), "set_feature with garbage in rsvd[]");
		free(in);
	}
	cxlmi_mock_clear_responses(ep);
}

/* ------------------------------------------------------------------------ */
/* Logs.                                                                     */

#define LOG_ENTRY 20

static void put_log_entry(uint8_t *p, int i)
{
	memcpy(p, i % 2 ? other_uuid : cel_uuid, 16);
	p[0] ^= (uint8_t)(i & 0xf0); /* distinct uuids past the first two */
	le32(p + 16, 0x11223344u + (uint32_t)i);
}

static bool log_entry_is(const struct cxlmi_supported_log_entry *e, int i)
{
	uint8_t w[LOG_ENTRY];

	put_log_entry(w, i);
	return !memcmp(e->uuid, w, 16) && e->log_size == 0x11223344u + (uint32_t)i;
}

static void test_get_supported_logs(void)
{
	const size_t cap = sizeof(struct cxlmi_cmd_get_supported_logs_rsp) +
			   CXLMI_MAX_SUPPORTED_LOGS * sizeof(struct cxlmi_supported_log_entry);
	struct cxlmi_cmd_get_supported_logs_rsp *r;
	uint8_t w[8 + 10 * LOG_ENTRY];
	static const uint8_t head[8] = { 0x02, 0x00, 0, 0, 0, 0, 0, 0 };
	int i, ok;

	printf("--- get_supported_logs (0400h)\n");
	CHECK_INT(sizeof(struct cxlmi_cmd_get_supported_logs_rsp), 8, "sizeof get_supported_logs_rsp");
	CHECK_INT(sizeof(struct cxlmi_supported_log_entry), LOG_ENTRY, "sizeof cxlmi_supported_log_entry");
	memcpy(w, head, 8);
	for (i = 0; i < 10; i++)
		put_log_entry(w + 8 + i * LOG_ENTRY, i);
	/* Entry 0 by hand: the CEL, 0x11223344 bytes. */
	{
		static const uint8_t e0[LOG_ENTRY] = {
			0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78, 0x8f, 0x79,
			0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17, 0x44, 0x33, 0x22, 0x11,
		};
		CHECK_BYTES(w + 8, e0, LOG_ENTRY, "entry 0 wire image");
	}

	r = filled(cap);
	queue(0x04, 0x00, 0, w, 8 + 2 * LOG_ENTRY);
	CHECK_INT(cxlmi_cmd_get_supported_logs(ep, NULL, r), 0, "get_supported_logs: 2 entries");
	CHECK_SENT(ep, 0x04, 0x00, NULL, 0, "get_supported_logs");
	CHECK_INT(r->num_supported_log_entries, 2, "  num_supported_log_entries");
	CHECK(!memcmp(r->entries[0].uuid, cel_uuid, 16), "  entry 0 uuid");
	CHECK_INT(r->entries[0].log_size, 0x11223344, "  entry 0 log_size");
	CHECK(log_entry_is(&r->entries[1], 1), "  entry 1");
	CHECK(tc_all_bytes(&r->entries[2], cap - 8 - 2 * LOG_ENTRY, FILL), "  nothing written past entry 1");
	free(r);

	/* Claims 200, 10 arrive: at most 7 fit the response and the buffer. */
	le16(w, 200);
	r = filled(cap);
	queue(0x04, 0x00, 0, w, sizeof(w));
	CHECK_INT(cxlmi_cmd_get_supported_logs(ep, NULL, r), 0, "get_supported_logs: claims 200, 10 sent");
	CHECK_INT(r->num_supported_log_entries, CXLMI_MAX_SUPPORTED_LOGS, "  count clamped to 7");
	for (i = 0, ok = 1; i < CXLMI_MAX_SUPPORTED_LOGS; i++)
		ok &= log_entry_is(&r->entries[i], i);
	CHECK(ok, "  entries 0..6 decoded (valgrind: nothing past the 7-entry buffer)");
	free(r);

	/* Claims 1, 3 arrive. */
	le16(w, 1);
	r = filled(cap);
	queue(0x04, 0x00, 0, w, 8 + 3 * LOG_ENTRY);
	CHECK_INT(cxlmi_cmd_get_supported_logs(ep, NULL, r), 0, "get_supported_logs: claims 1, 3 sent");
	CHECK_INT(r->num_supported_log_entries, 1, "  count 1");
	CHECK(tc_all_bytes(&r->entries[1], cap - 8 - LOG_ENTRY, FILL), "  nothing written past entry 0");
	free(r);

	/* Short, error, NULL. */
	r = filled(cap);
	queue(0x04, 0x00, 0, w, 1);
	CHECK_INT(cxlmi_cmd_get_supported_logs(ep, NULL, r), 0, "get_supported_logs: 1-byte response succeeds");
	CHECK_INT(r->num_supported_log_entries, 1, "  count decoded from the byte received");
	CHECK(r->num_supported_log_entries != 1 || tc_all_bytes(&r->entries[0], LOG_ENTRY, 0),
	      "  entry 0 is the zero fill");
	free(r);
	r = filled(cap);
	queue(0x04, 0x00, CXLMI_RET_BUSY, w, sizeof(w));
	CHECK_INT(cxlmi_cmd_get_supported_logs(ep, NULL, r), CXLMI_RET_BUSY, "get_supported_logs: busy returns 6");
	CHECK(tc_all_bytes(r, cap, FILL), "  output untouched");
	free(r);
	CHECK_REFUSED(cxlmi_cmd_get_supported_logs(ep, NULL, NULL), "get_supported_logs: NULL output refused");
	cxlmi_mock_clear_responses(ep);
}

static void test_get_supported_logs_sublist(void)
{
	const size_t cap = sizeof(struct cxlmi_cmd_get_supported_logs_sublist_rsp) +
			   CXLMI_MAX_SUPPORTED_LOGS * sizeof(struct cxlmi_supported_log_entry);
	struct cxlmi_cmd_get_supported_logs_sublist_req in = { .max_supported_log_entries = 5,
							       .start_log_entry_index = 1 };
	static const uint8_t req[2] = { 0x05, 0x01 };
	static const uint8_t head[8] = { 0x02, 0x00, 0x09, 0x01, 0x01, 0, 0, 0 };
	struct cxlmi_cmd_get_supported_logs_sublist_rsp *r;
	uint8_t w[8 + 10 * LOG_ENTRY];
	int i, ok;

	printf("--- get_supported_logs_sublist (0405h)\n");
	CHECK_INT(sizeof(struct cxlmi_cmd_get_supported_logs_sublist_rsp), 8, "sizeof get_supported_logs_sublist_rsp");
	memcpy(w, head, 8);
	for (i = 0; i < 10; i++)
		put_log_entry(w + 8 + i * LOG_ENTRY, i);

	r = filled(cap);
	queue(0x04, 0x05, 0, w, 8 + 2 * LOG_ENTRY);
	CHECK_INT(cxlmi_cmd_get_supported_logs_sublist(ep, NULL, &in, r), 0, "get_supported_logs_sublist: 2 entries");
	CHECK_SENT(ep, 0x04, 0x05, req, sizeof(req), "get_supported_logs_sublist");
	CHECK_INT(r->num_supported_log_entries, 2, "  num_supported_log_entries");
	CHECK_INT(r->total_num_supported_log_entries, 0x0109, "  total_num_supported_log_entries");
	CHECK_INT(r->start_log_entry_index, 1, "  start_log_entry_index");
	CHECK(log_entry_is(&r->entries[0], 0) && log_entry_is(&r->entries[1], 1), "  entries 0, 1");
	CHECK(tc_all_bytes(&r->entries[2], cap - 8 - 2 * LOG_ENTRY, FILL), "  nothing written past entry 1");
	free(r);

	w[0] = 200;
	r = filled(cap);
	queue(0x04, 0x05, 0, w, sizeof(w));
	CHECK_INT(cxlmi_cmd_get_supported_logs_sublist(ep, NULL, &in, r), 0,
		  "get_supported_logs_sublist: claims 200, 10 sent");
	CHECK_INT(r->num_supported_log_entries, CXLMI_MAX_SUPPORTED_LOGS, "  count clamped to 7");
	for (i = 0, ok = 1; i < CXLMI_MAX_SUPPORTED_LOGS; i++)
		ok &= log_entry_is(&r->entries[i], i);
	CHECK(ok, "  entries 0..6 decoded (valgrind: nothing past the 7-entry buffer)");
	free(r);

	r = filled(cap);
	queue(0x04, 0x05, 0, w, 4);
	CHECK_INT(cxlmi_cmd_get_supported_logs_sublist(ep, NULL, &in, r), 0,
		  "get_supported_logs_sublist: 4-byte response");
	CHECK(r->total_num_supported_log_entries == 0x0109 && r->start_log_entry_index == 0,
	      "  received part decoded, rest zero");
	CHECK(r->num_supported_log_entries <= CXLMI_MAX_SUPPORTED_LOGS, "  count %u at most 7",
	      r->num_supported_log_entries);
	free(r);

	r = filled(cap);
	queue(0x04, 0x05, CXLMI_RET_BUSY, NULL, 0);
	CHECK_INT(cxlmi_cmd_get_supported_logs_sublist(ep, NULL, &in, r), CXLMI_RET_BUSY,
		  "get_supported_logs_sublist: busy returns 6");
	CHECK(tc_all_bytes(r, cap, FILL), "  output untouched");
	CHECK_REFUSED(cxlmi_cmd_get_supported_logs_sublist(ep, NULL, NULL, r),
		      "get_supported_logs_sublist: NULL input refused");
	CHECK_REFUSED(cxlmi_cmd_get_supported_logs_sublist(ep, NULL, &in, NULL),
		      "get_supported_logs_sublist: NULL output refused");
	free(r);
	cxlmi_mock_clear_responses(ep);
}

static void test_get_log(void)
{
	struct cxlmi_cmd_get_log_req in;
	static const uint8_t req[24] = {
		0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78, 0x8f, 0x79,
		0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17, 0x44, 0x33, 0x22, 0x11, /* offset */
		0x10, 0x00, 0x00, 0x00,					    /* length 16 */
	};
	uint8_t log[40], want[16] = { 0 };
	uint8_t *out;
	int i;

	printf("--- get_log (0401h)\n");
	CHECK_INT(sizeof(in), 24, "sizeof get_log_req");
	memcpy(in.uuid, cel_uuid, 16);
	in.offset = 0x11223344;
	in.length = 16;
	for (i = 0; i < (int)sizeof(log); i++)
		log[i] = (uint8_t)(0xf0 - i);

	out = filled(16);
	queue(0x04, 0x01, 0, log, 16);
	CHECK_INT(cxlmi_cmd_get_log(ep, NULL, &in, out), 0, "get_log: 16 bytes");
	CHECK_SENT(ep, 0x04, 0x01, req, sizeof(req), "get_log");
	CHECK_BYTES(out, log, 16, "  log bytes");
	free(out);

	out = filled(16);
	queue(0x04, 0x01, 0, log, sizeof(log));
	CHECK_INT(cxlmi_cmd_get_log(ep, NULL, &in, out), 0, "get_log: 40-byte response for 16 succeeds");
	CHECK_BYTES(out, log, 16, "  the first 16 bytes, nothing more (valgrind)");
	free(out);

	out = filled(16);
	queue(0x04, 0x01, 0, log, 5);
	CHECK_INT(cxlmi_cmd_get_log(ep, NULL, &in, out), 0, "get_log: 5-byte response for 16 succeeds");
	memcpy(want, log, 5);
	CHECK_BYTES(out, want, 16, "  5 bytes then zeros");
	free(out);

	out = filled(16);
	queue(0x04, 0x01, CXLMI_RET_LOG, NULL, 0);
	CHECK_INT(cxlmi_cmd_get_log(ep, NULL, &in, out), CXLMI_RET_LOG, "get_log: return code 23");
	CHECK(tc_all_bytes(out, 16, FILL), "  output untouched");
	CHECK_REFUSED(cxlmi_cmd_get_log(ep, NULL, NULL, out), "get_log: NULL input refused");
	CHECK_REFUSED(cxlmi_cmd_get_log(ep, NULL, &in, NULL), "get_log: NULL output refused");
	in.length = 0xffffffff;
	CHECK_REFUSED(cxlmi_cmd_get_log(ep, NULL, &in, out), "get_log: length 0xffffffff refused");
	in.length = 1u << 20;
	CHECK_REFUSED(cxlmi_cmd_get_log(ep, NULL, &in, out), "get_log: length 2^20 (past the 20-bit limit) refused");
	free(out);
	cxlmi_mock_clear_responses(ep);
}

static void test_get_log_cel(void)
{
	struct cxlmi_cmd_get_log_req in;
	static const uint8_t req[24] = {
		0x0d, 0xa9, 0xc0, 0xb5, 0xbf, 0x41, 0x4b, 0x78, 0x8f, 0x79,
		0x96, 0xb1, 0x62, 0x3b, 0x3f, 0x17, 0x00, 0x00, 0x00, 0x00, /* offset */
		0x0c, 0x00, 0x00, 0x00,					    /* length 12: 3 entries */
	};
	static const uint8_t cel[16] = {
		0x01, 0x00, 0x22, 0x00, /* 0001h: effects 0022h */
		0x02, 0x00, 0x44, 0x00, /* 0002h: effects 0044h */
		0x00, 0x44, 0x01, 0x00, /* 4400h: effects 0001h */
		0x11, 0x11, 0x11, 0x11, /* a fourth entry the request did not ask for */
	};
	struct cxlmi_cmd_get_log_cel_rsp *out;

	printf("--- get_log_cel (0401h)\n");
	CHECK_INT(sizeof(*out), 4, "sizeof get_log_cel_rsp");
	memcpy(in.uuid, cel_uuid, 16);
	in.offset = 0;
	in.length = 12;

	out = filled(3 * sizeof(*out));
	queue(0x04, 0x01, 0, cel, 12);
	CHECK_INT(cxlmi_cmd_get_log_cel(ep, NULL, &in, out), 0, "get_log_cel: 3 entries");
	CHECK_SENT(ep, 0x04, 0x01, req, sizeof(req), "get_log_cel");
	CHECK(out[0].opcode == 0x0001 && out[0].command_effect == 0x0022, "  entry 0: 0001h, 0022h");
	CHECK(out[1].opcode == 0x0002 && out[1].command_effect == 0x0044, "  entry 1: 0002h, 0044h");
	CHECK(out[2].opcode == 0x4400 && out[2].command_effect == 0x0001, "  entry 2: 4400h, 0001h");
	free(out);

	/* Oversized: 4 entries arrive for 3 asked; the 3-entry buffer is not overrun (valgrind). */
	out = filled(3 * sizeof(*out));
	queue(0x04, 0x01, 0, cel, sizeof(cel));
	CHECK_INT(cxlmi_cmd_get_log_cel(ep, NULL, &in, out), 0, "get_log_cel: 4 entries sent for 3");
	CHECK(out[2].opcode == 0x4400, "  entry 2 decoded");
	free(out);

	/* A length that is not a multiple of 4: only whole entries, into a buffer of exactly those. */
	in.length = 10;
	out = filled(2 * sizeof(*out));
	queue(0x04, 0x01, 0, cel, 10);
	CHECK_INT(cxlmi_cmd_get_log_cel(ep, NULL, &in, out), 0, "get_log_cel: length 10 gives 2 entries");
	CHECK(out[0].opcode == 0x0001 && out[1].command_effect == 0x0044, "  entries 0, 1 (valgrind: no third)");
	free(out);

	/* Short: zero-filled entries. */
	in.length = 12;
	out = filled(3 * sizeof(*out));
	queue(0x04, 0x01, 0, cel, 4);
	CHECK_INT(cxlmi_cmd_get_log_cel(ep, NULL, &in, out), 0, "get_log_cel: 4-byte response for 12 succeeds");
	CHECK(out[0].opcode == 1 && tc_all_bytes(&out[1], 8, 0), "  entry 0, then zero entries");
	free(out);

	out = filled(3 * sizeof(*out));
	queue(0x04, 0x01, CXLMI_RET_BUSY, NULL, 0);
	CHECK_INT(cxlmi_cmd_get_log_cel(ep, NULL, &in, out), CXLMI_RET_BUSY, "get_log_cel: busy returns 6");
	CHECK(tc_all_bytes(out, 12, FILL), "  output untouched");
	CHECK_REFUSED(cxlmi_cmd_get_log_cel(ep, NULL, NULL, out), "get_log_cel: NULL input refused");
	CHECK_REFUSED(cxlmi_cmd_get_log_cel(ep, NULL, &in, NULL), "get_log_cel: NULL output refused");
	in.length = 0xfffffffc;
	CHECK_REFUSED(cxlmi_cmd_get_log_cel(ep, NULL, &in, out), "get_log_cel: length 0xfffffffc refused");
	free(out);
	cxlmi_mock_clear_responses(ep);
}

/* ------------------------------------------------------------------------ */
/* Features.                                                                 */

#define FEAT_ENTRY 48

static void put_feature_entry(uint8_t *p, int i)
{
	memset(p, 0, FEAT_ENTRY);
	for (int j = 0; j < 16; j++)
		p[j] = (uint8_t)(0xc0 + 16 * i + j); /* feature_id */
	le16(p + 16, (uint16_t)(0x0100 + i));	     /* feature_index */
	le16(p + 18, 0x1122);			     /* get_feature_size */
	le16(p + 20, 0x3344);			     /* set_feature_size */
	le32(p + 22, 0x55667788u + (uint32_t)i);     /* attribute_flags */
	p[26] = 0x01;				     /* get_feature_version */
	p[27] = 0x02;				     /* set_feature_version */
	le16(p + 28, 0x99aa);			     /* set_feature_effects */
}

static bool feature_entry_is(const struct cxlmi_supported_feature_entry *e, int i)
{
	uint8_t id[16];

	for (int j = 0; j < 16; j++)
		id[j] = (uint8_t)(0xc0 + 16 * i + j);
	return !memcmp(e->feature_id, id, 16) && e->feature_index == 0x0100 + i && e->get_feature_size == 0x1122 &&
	       e->set_feature_size == 0x3344 && e->attribute_flags == 0x55667788u + (uint32_t)i &&
	       e->get_feature_version == 1 && e->set_feature_version == 2 && e->set_feature_effects == 0x99aa;
}

static void test_get_supported_features(void)
{
	struct cxlmi_cmd_get_supported_features_req in = { .count = 2 * FEAT_ENTRY, .starting_feature_index = 0x0102 };
	static const uint8_t req[8] = { 0x60, 0x00, 0x00, 0x00, 0x02, 0x01, 0x00, 0x00 };
	static const uint8_t head[8] = { 0x02, 0x00, 0x10, 0x00, 0, 0, 0, 0 };
	struct cxlmi_cmd_get_supported_features_rsp *r;
	uint8_t w[8 + 5 * FEAT_ENTRY];
	size_t cap;
	int i;

	printf("--- get_supported_features (0500h)\n");
	CHECK_INT(sizeof(struct cxlmi_cmd_get_supported_features_rsp), 8, "sizeof get_supported_features_rsp");
	CHECK_INT(sizeof(struct cxlmi_supported_feature_entry), FEAT_ENTRY, "sizeof cxlmi_supported_feature_entry");
	memcpy(w, head, 8);
	for (i = 0; i < 5; i++)
		put_feature_entry(w + 8 + i * FEAT_ENTRY, i);

	/* Two entries asked (96 bytes), two sent. */
	cap = 8 + in.count;
	r = filled(cap);
	queue(0x05, 0x00, 0, w, 8 + 2 * FEAT_ENTRY);
	CHECK_INT(cxlmi_cmd_get_supported_features(ep, NULL, &in, r), 0, "get_supported_features: 2 entries");
	CHECK_SENT(ep, 0x05, 0x00, req, sizeof(req), "get_supported_features");
	CHECK_INT(r->num_supported_feature_entries, 2, "  num_supported_feature_entries");
	CHECK_INT(r->device_supported_features, 0x0010, "  device_supported_features");
	CHECK(feature_entry_is(&r->supported_feature_entries[0], 0), "  entry 0: every field");
	CHECK(feature_entry_is(&r->supported_feature_entries[1], 1), "  entry 1: every field");
	CHECK_INT(r->supported_feature_entries[1].attribute_flags, 0x55667789, "  entry 1 attribute_flags");
	free(r);

	/* 100 bytes asked (room for 2 entries and 4 bytes); 5 claimed and sent. */
	in.count = 100;
	le16(w, 5);
	cap = 8 + in.count;
	r = filled(cap);
	queue(0x05, 0x00, 0, w, sizeof(w));
	CHECK_INT(cxlmi_cmd_get_supported_features(ep, NULL, &in, r), 0,
		  "get_supported_features: 100 bytes asked, 5 claimed and sent");
	CHECK_INT(r->num_supported_feature_entries, 2, "  count clamped to the 2 whole entries asked for");
	CHECK(feature_entry_is(&r->supported_feature_entries[0], 0) &&
		      feature_entry_is(&r->supported_feature_entries[1], 1),
	      "  entries 0, 1");
	CHECK(tc_all_bytes((uint8_t *)r + 8 + 2 * FEAT_ENTRY, 4, FILL), "  the 4 spare bytes untouched");
	free(r);

	/* 0 bytes asked: the fixed part only, whatever is claimed. */
	in.count = 0;
	r = filled(8);
	queue(0x05, 0x00, 0, w, sizeof(w));
	CHECK_INT(cxlmi_cmd_get_supported_features(ep, NULL, &in, r), 0,
		  "get_supported_features: 0 bytes asked, 5 claimed");
	CHECK_INT(r->num_supported_feature_entries, 0, "  count 0 (valgrind: nothing past the 8-byte buffer)");
	CHECK_INT(r->device_supported_features, 0x0010, "  device_supported_features");
	free(r);

	/* Claims 1, 2 asked and sent. */
	in.count = 2 * FEAT_ENTRY;
	le16(w, 1);
	r = filled(8 + in.count);
	queue(0x05, 0x00, 0, w, 8 + 2 * FEAT_ENTRY);
	CHECK_INT(cxlmi_cmd_get_supported_features(ep, NULL, &in, r), 0, "get_supported_features: claims 1 of 2 sent");
	CHECK_INT(r->num_supported_feature_entries, 1, "  count 1");
	CHECK(tc_all_bytes(&r->supported_feature_entries[1], FEAT_ENTRY, FILL), "  entry 1 untouched");
	free(r);

	/* Short: only the fixed part. */
	r = filled(8 + in.count);
	queue(0x05, 0x00, 0, w, 2);
	CHECK_INT(cxlmi_cmd_get_supported_features(ep, NULL, &in, r), 0, "get_supported_features: 2-byte response");
	CHECK(r->device_supported_features == 0, "  unreceived fields zero");
	CHECK(r->num_supported_feature_entries <= 2, "  count %u at most 2", r->num_supported_feature_entries);
	free(r);

	r = filled(8 + in.count);
	queue(0x05, 0x00, CXLMI_RET_BUSY, NULL, 0);
	CHECK_INT(cxlmi_cmd_get_supported_features(ep, NULL, &in, r), CXLMI_RET_BUSY,
		  "get_supported_features: busy returns 6");
	CHECK(tc_all_bytes(r, 8 + in.count, FILL), "  output untouched");
	CHECK_REFUSED(cxlmi_cmd_get_supported_features(ep, NULL, NULL, r),
		      "get_supported_features: NULL input refused");
	CHECK_REFUSED(cxlmi_cmd_get_supported_features(ep, NULL, &in, NULL),
		      "get_supported_features: NULL output refused");
	in.count = 0xffffffff;
	/* The byte count is a limit for the component, so it is sent as asked
	 * (nothing queued: the mock answers unsupported). */
	CHECK_INT(cxlmi_cmd_get_supported_features(ep, NULL, &in, r), CXLMI_RET_UNSUPPORTED,
		  "get_supported_features: count 0xffffffff sent");
	free(r);
	cxlmi_mock_clear_responses(ep);
}

static void test_get_feature(void)
{
	struct cxlmi_cmd_get_feature_req in;
	static const uint8_t req[21] = {
		0x5e, 0x18, 0x19, 0xd9, 0x11, 0xa9, 0x40, 0x0c, 0x81,
		0x1f, 0xd6, 0x07, 0x19, 0x40, 0x3d, 0x86, 0x02, 0x01, /* offset */
		0x06, 0x00,					      /* count */
		0x01,						      /* selection: default value */
	};
	uint8_t data[3000], want[6] = { 0 };
	struct cxlmi_cmd_get_feature_rsp *out;
	int i;

	printf("--- get_feature (0501h)\n");
	CHECK_INT(sizeof(in), 21, "sizeof get_feature_req");
	CHECK_INT(sizeof(*out), CXL_MAILBOX_MAX_PAYLOAD_SIZE, "sizeof get_feature_rsp");
	memcpy(in.feature_id, other_uuid, 16);
	in.offset = 0x0102;
	in.count = 6;
	in.selection = 1;
	for (i = 0; i < (int)sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 1);

	/* Only `count` bytes are written: the buffer here is exactly 6 bytes. */
	out = filled(6);
	queue(0x05, 0x01, 0, data, 6);
	CHECK_INT(cxlmi_cmd_get_feature(ep, NULL, &in, out), 0, "get_feature: 6 bytes");
	CHECK_SENT(ep, 0x05, 0x01, req, sizeof(req), "get_feature");
	CHECK_BYTES(out, data, 6, "  feature data");
	free(out);

	out = filled(6);
	queue(0x05, 0x01, 0, data, sizeof(data));
	CHECK_INT(cxlmi_cmd_get_feature(ep, NULL, &in, out), 0, "get_feature: 3000-byte response for 6 succeeds");
	CHECK_BYTES(out, data, 6, "  the first 6 bytes (valgrind: nothing more)");
	free(out);

	out = filled(6);
	queue(0x05, 0x01, 0, data, 2);
	CHECK_INT(cxlmi_cmd_get_feature(ep, NULL, &in, out), 0, "get_feature: 2-byte response for 6 succeeds");
	memcpy(want, data, 2);
	CHECK_BYTES(out, want, 6, "  2 bytes then zeros");
	free(out);

	/* The whole output struct. */
	in.count = CXL_MAILBOX_MAX_PAYLOAD_SIZE;
	out = filled(sizeof(*out));
	queue(0x05, 0x01, 0, data, sizeof(data));
	CHECK_INT(cxlmi_cmd_get_feature(ep, NULL, &in, out), 0, "get_feature: count 2048");
	CHECK_BYTES(out->feature_data, data, CXL_MAILBOX_MAX_PAYLOAD_SIZE, "  all 2048 bytes");

	in.count = CXL_MAILBOX_MAX_PAYLOAD_SIZE + 1;
	CHECK_REFUSED(cxlmi_cmd_get_feature(ep, NULL, &in, out), "get_feature: count 2049 refused");
	in.count = 0xffff;
	CHECK_REFUSED(cxlmi_cmd_get_feature(ep, NULL, &in, out), "get_feature: count 65535 refused");
	in.count = 6;
	memset(out, FILL, sizeof(*out));
	queue(0x05, 0x01, CXLMI_RET_FEATURESELVALUE, NULL, 0);
	CHECK_INT(cxlmi_cmd_get_feature(ep, NULL, &in, out), CXLMI_RET_FEATURESELVALUE, "get_feature: return code 26");
	CHECK(tc_all_bytes(out, sizeof(*out), FILL), "  output untouched");
	CHECK_REFUSED(cxlmi_cmd_get_feature(ep, NULL, NULL, out), "get_feature: NULL input refused");
	CHECK_REFUSED(cxlmi_cmd_get_feature(ep, NULL, &in, NULL), "get_feature: NULL output refused");
	free(out);
	cxlmi_mock_clear_responses(ep);
}

/* ------------------------------------------------------------------------ */
/* Vendor specific.                                                          */

static void test_vendor_specific(void)
{
	uint8_t in[5] = { 0x01, 0x23, 0x45, 0x67, 0x89 };
	static const uint8_t rsp[10] = { 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10, 0xaa, 0xbb };
	uint8_t want[6] = { 0 };
	uint8_t *out;

	printf("--- vendor_specific (C000h-FFFFh)\n");
	out = filled(6);
	queue(0xc0, 0x12, 0, rsp, 6);
	CHECK_INT(cxlmi_cmd_vendor_specific(ep, NULL, 0xc012, in, sizeof(in), out, 6), 0,
		  "vendor_specific C012h: 5 in, 6 out");
	CHECK_SENT(ep, 0xc0, 0x12, in, sizeof(in), "vendor_specific C012h");
	CHECK_BYTES(out, rsp, 6, "  response bytes");
	free(out);

	out = filled(6);
	queue(0xc0, 0x12, 0, rsp, sizeof(rsp));
	CHECK_INT(cxlmi_cmd_vendor_specific(ep, NULL, 0xc012, in, sizeof(in), out, 6), 0,
		  "vendor_specific: 10-byte response for 6");
	CHECK_BYTES(out, rsp, 6, "  the first 6 bytes (valgrind: nothing more)");
	free(out);

	out = filled(6);
	queue(0xc0, 0x12, 0, rsp, 3);
	CHECK_INT(cxlmi_cmd_vendor_specific(ep, NULL, 0xc012, in, sizeof(in), out, 6), 0,
		  "vendor_specific: 3-byte response for 6");
	memcpy(want, rsp, 3);
	CHECK_BYTES(out, want, 6, "  3 bytes then zeros");
	free(out);

	queue(0xff, 0xff, 0, NULL, 0);
	CHECK_INT(cxlmi_cmd_vendor_specific(ep, NULL, 0xffff, NULL, 0, NULL, 0), 0,
		  "vendor_specific FFFFh: no payload either way");
	CHECK_SENT(ep, 0xff, 0xff, NULL, 0, "vendor_specific FFFFh");
	queue(0xc0, 0x00, 0, rsp, 2);
	out = filled(2);
	CHECK_INT(cxlmi_cmd_vendor_specific(ep, NULL, 0xc000, NULL, 0, out, 2), 0,
		  "vendor_specific C000h: output only");
	CHECK_BYTES(out, rsp, 2, "  response bytes");
	free(out);

	out = filled(6);
	queue(0xc0, 0x12, CXLMI_RET_BUSY, rsp, 6);
	CHECK_INT(cxlmi_cmd_vendor_specific(ep, NULL, 0xc012, in, sizeof(in), out, 6), CXLMI_RET_BUSY,
		  "vendor_specific: busy returns 6");
	CHECK(tc_all_bytes(out, 6, FILL), "  output untouched");

	queue(0xbf, 0xff, 0, rsp, 6);
	CHECK_REFUSED(cxlmi_cmd_vendor_specific(ep, NULL, 0xbfff, in, sizeof(in), out, 6),
		      "vendor_specific: opcode BFFFh refused");
	CHECK_REFUSED(cxlmi_cmd_vendor_specific(ep, NULL, 0x0001, in, sizeof(in), out, 6),
		      "vendor_specific: opcode 0001h refused");
	CHECK_REFUSED(cxlmi_cmd_vendor_specific(ep, NULL, 0xc012, NULL, 5, out, 6),
		      "vendor_specific: NULL in with in_size 5 refused");
	CHECK_REFUSED(cxlmi_cmd_vendor_specific(ep, NULL, 0xc012, in, 0, out, 6),
		      "vendor_specific: in with in_size 0 refused");
	CHECK_REFUSED(cxlmi_cmd_vendor_specific(ep, NULL, 0xc012, in, 5, NULL, 6),
		      "vendor_specific: NULL ret with ret_size 6 refused");
	CHECK_REFUSED(cxlmi_cmd_vendor_specific(ep, NULL, 0xc012, in, 5, out, 0),
		      "vendor_specific: ret with ret_size 0 refused");
	CHECK_REFUSED(cxlmi_cmd_vendor_specific(ep, NULL, 0xc012, in, (size_t)1 << 20, out, 6),
		      "vendor_specific: in_size 2^20 (past the 20-bit limit) refused");
	CHECK(tc_all_bytes(out, 6, FILL), "  output untouched by the refusals");
	free(out);
	cxlmi_mock_clear_responses(ep);
}

/* A command given a NULL endpoint returns -1/EINVAL (upstream crashes). */
static void test_null_endpoint(void)
{
	struct cxlmi_cmd_get_timestamp_rsp ts;
	struct cxlmi_cmd_get_supported_logs_rsp *logs = filled(8 + 7 * LOG_ENTRY);
	uint8_t b[4];

	printf("--- NULL endpoint\n");
	errno = 0;
	CHECK_INT(cxlmi_cmd_get_timestamp(NULL, NULL, &ts), -1, "get_timestamp(NULL endpoint) is -1");
	CHECK_INT(errno, EINVAL, "  ... errno EINVAL");
	errno = 0;
	CHECK_INT(cxlmi_cmd_get_supported_logs(NULL, NULL, logs), -1, "get_supported_logs(NULL endpoint) is -1");
	CHECK_INT(errno, EINVAL, "  ... errno EINVAL");
	errno = 0;
	CHECK_INT(cxlmi_cmd_vendor_specific(NULL, NULL, 0xc000, b, 4, b, 4), -1,
		  "vendor_specific(NULL endpoint) is -1");
	CHECK_INT(errno, EINVAL, "  ... errno EINVAL");
	free(logs);
}

int main(void)
{
	ctx = cxlmi_new_ctx(NULL, 0);
	ep = cxlmi_open_mock(ctx);
	if (!ctx || !ep) {
		printf("FAIL cannot open a mock endpoint\n");
		return 1;
	}
	test_fixed_commands();
	test_event_records();
	test_clear_event_records();
	test_transfer_fw();
	test_set_feature();
	test_perform_maintenance();
	test_get_supported_logs();
	test_get_supported_logs_sublist();
	test_get_log();
	test_get_log_cel();
	test_get_supported_features();
	test_get_feature();
	test_vendor_specific();
	test_null_endpoint();
	test_reserved_request_bytes();
	cxlmi_free_ctx(ctx);
	return finish();
}
