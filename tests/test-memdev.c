// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Every Memory Device command (CXL r3.1 section 8.2.9.9) through the public C
 * API on a mock endpoint, including the pre-rename scan media names:
 *  - the exact request payload bytes sent, against little-endian byte arrays
 *    written out by hand;
 *  - every decoded response field, from hand-written wire bytes whose
 *    multi-byte values show any byte-order mistake;
 *  - a device return code coming back as the return value, output untouched;
 *  - NULL endpoint, input and output refused with -1/EINVAL, nothing sent;
 *  - list responses whose count claims more entries than the caller's buffer
 *    holds: the count returned is what was written, and the buffers are
 *    malloc'ed at exactly their documented capacity so valgrind sees any
 *    over-write;
 *  - requests whose counts or data sizes pass the message limit refused
 *    before the caller's memory past the fixed part is read.
 */
#include "test-common.h"

static struct cxlmi_endpoint *ep;     /* the mock endpoint */
static struct cxlmi_endpoint *target; /* what the call wrappers use: ep, or NULL */

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

/* `call` made with a NULL endpoint is refused. */
#define CHECK_NULL_EP(call, ...)                  \
	do {                                      \
		target = NULL;                    \
		CHECK_REFUSED(call, __VA_ARGS__); \
		target = ep;                      \
	} while (0)

/* ------------------------------------------------------------------------ */
/* Commands with fixed request and response structs: one table-driven check. */

struct fixed_case {
	const char *name;
	uint8_t set, cmd;
	int (*call)(void *in, void *out);
	const void *in;		 /* the request struct, NULL when there is none */
	const uint8_t *req_wire; /* the payload that must be sent */
	size_t req_len;
	const uint8_t *rsp_wire; /* the response payload queued */
	size_t rsp_len;
	size_t out_size; /* the output struct's size, 0 when there is none */
	void (*check)(const void *out);
};

static void run_fixed(const struct fixed_case *c)
{
	void *out;

	printf("--- %s (%02x%02xh)\n", c->name, c->set, c->cmd);

	out = c->out_size ? filled(c->out_size) : NULL;
	queue(c->set, c->cmd, 0, c->rsp_wire, c->rsp_len);
	CHECK_INT(c->call((void *)c->in, out), 0, "%s: succeeds", c->name);
	CHECK_SENT(ep, c->set, c->cmd, c->req_wire, c->req_len, "%s", c->name);
	if (c->check)
		c->check(out);
	free(out);

	out = c->out_size ? filled(c->out_size) : NULL;
	queue(c->set, c->cmd, CXLMI_RET_SECURITY, c->rsp_wire, c->rsp_len);
	CHECK_INT(c->call((void *)c->in, out), CXLMI_RET_SECURITY, "%s: return code 13h comes back", c->name);
	if (out)
		CHECK(tc_all_bytes(out, c->out_size, FILL), "  ... output untouched");
	CHECK_INT(c->call((void *)c->in, out), CXLMI_RET_UNSUPPORTED, "%s: nothing queued: unsupported (3)", c->name);

	if (c->in)
		CHECK_REFUSED(c->call(NULL, out), "%s: NULL input refused", c->name);
	if (c->out_size)
		CHECK_REFUSED(c->call((void *)c->in, NULL), "%s: NULL output refused", c->name);
	CHECK_NULL_EP(c->call((void *)c->in, out), "%s: NULL endpoint refused", c->name);
	free(out);
	cxlmi_mock_clear_responses(ep);
}

#define OUT_ONLY(fn, type)                                        \
	static int call_##fn(void *in, void *out)                 \
	{                                                         \
		(void)in;                                         \
		return cxlmi_cmd_##fn(target, NULL, (type *)out); \
	}
#define IN_ONLY(fn, type)                                        \
	static int call_##fn(void *in, void *out)                \
	{                                                        \
		(void)out;                                       \
		return cxlmi_cmd_##fn(target, NULL, (type *)in); \
	}
#define IN_OUT(fn, tin, tout)                                                \
	static int call_##fn(void *in, void *out)                            \
	{                                                                    \
		return cxlmi_cmd_##fn(target, NULL, (tin *)in, (tout *)out); \
	}
#define NO_PAYLOAD(fn)                               \
	static int call_##fn(void *in, void *out)    \
	{                                            \
		(void)in;                            \
		(void)out;                           \
		return cxlmi_cmd_##fn(target, NULL); \
	}

OUT_ONLY(memdev_identify, struct cxlmi_cmd_memdev_identify_rsp)
OUT_ONLY(memdev_get_partition_info, struct cxlmi_cmd_memdev_get_partition_info_rsp)
IN_ONLY(memdev_set_partition_info, struct cxlmi_cmd_memdev_set_partition_info_req)
OUT_ONLY(memdev_get_health_info, struct cxlmi_cmd_memdev_get_health_info_rsp)
OUT_ONLY(memdev_get_alert_config, struct cxlmi_cmd_memdev_get_alert_config_rsp)
IN_ONLY(memdev_set_alert_config, struct cxlmi_cmd_memdev_set_alert_config_req)
OUT_ONLY(memdev_get_shutdown_state, struct cxlmi_cmd_memdev_get_shutdown_state_rsp)
IN_ONLY(memdev_set_shutdown_state, struct cxlmi_cmd_memdev_set_shutdown_state_req)
IN_ONLY(memdev_inject_poison, struct cxlmi_cmd_memdev_inject_poison_req)
IN_ONLY(memdev_clear_poison, struct cxlmi_cmd_memdev_clear_poison_req)
IN_OUT(memdev_get_scan_media_capabilities, struct cxlmi_cmd_memdev_get_scan_media_capabilities_req,
       struct cxlmi_cmd_memdev_get_scan_media_capabilities_rsp)
IN_OUT(get_scan_media_capabilities, struct cxlmi_cmd_get_scan_media_capabilities_req,
       struct cxlmi_cmd_get_scan_media_capabilities_rsp)
IN_ONLY(memdev_scan_media, struct cxlmi_cmd_memdev_scan_media_req)
IN_ONLY(scan_media, struct cxlmi_cmd_scan_media_req)
NO_PAYLOAD(memdev_sanitize)
NO_PAYLOAD(memdev_secure_erase)
OUT_ONLY(memdev_get_security_state, struct cxlmi_cmd_memdev_get_security_state_rsp)
IN_ONLY(memdev_set_passphrase, struct cxlmi_cmd_memdev_set_passphrase_req)
IN_ONLY(memdev_disable_passphrase, struct cxlmi_cmd_memdev_disable_passphrase_req)
IN_ONLY(memdev_unlock, struct cxlmi_cmd_memdev_unlock_req)
NO_PAYLOAD(memdev_freeze_security_state)
IN_ONLY(memdev_passphrase_secure_erase, struct cxlmi_cmd_memdev_passphrase_secure_erase_req)
OUT_ONLY(memdev_get_sld_qos_control, struct cxlmi_cmd_memdev_get_sld_qos_control_rsp)
IN_ONLY(memdev_set_sld_qos_control, struct cxlmi_cmd_memdev_set_sld_qos_control_req)
OUT_ONLY(memdev_get_sld_qos_status, struct cxlmi_cmd_memdev_get_sld_qos_status_rsp)

/* Identify Memory Device; 69 bytes, 67 without the CXL 3.x DC event log size. */
static const uint8_t identify_wire[69] = {
	'F',  'W',  '-',  '1',	'.',  '2',  '.',  '3',	0,    0,    0,	  0,
	0,    0,    0,	  0,	0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, /* total */
	0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,				/* volatile */
	0x80, 0x70, 0x60, 0x50, 0x40, 0x30, 0x20, 0x10,				/* persistent */
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,				/* partition alignment */
	0x0b, 0x0a, 0x0d, 0x0c, 0x0f, 0x0e, 0x11, 0x10,				/* event log sizes */
	0x00, 0x00, 0x02, 0x00,							/* LSA size */
	0x01, 0x02, 0x03,							/* poison list max MER */
	0x05, 0x04, 0x06, 0x07,							/* inject limit, caps */
	0x09, 0x08,								/* DC event log size (3.x) */
};
static void check_identify(const void *p)
{
	const struct cxlmi_cmd_memdev_identify_rsp *r = p;

	CHECK(memcmp(r->fw_revision, "FW-1.2.3\0\0\0\0\0\0\0\0", 16) == 0, "  fw_revision");
	CHECK_U64(r->total_capacity, 0x1122334455667788ull, "  total_capacity");
	CHECK_U64(r->volatile_capacity, 0x0102030405060708ull, "  volatile_capacity");
	CHECK_U64(r->persistent_capacity, 0x1020304050607080ull, "  persistent_capacity");
	CHECK_U64(r->partition_align, 1, "  partition_align");
	CHECK_INT(r->info_event_log_size, 0x0a0b, "  info_event_log_size");
	CHECK_INT(r->warning_event_log_size, 0x0c0d, "  warning_event_log_size");
	CHECK_INT(r->failure_event_log_size, 0x0e0f, "  failure_event_log_size");
	CHECK_INT(r->fatal_event_log_size, 0x1011, "  fatal_event_log_size");
	CHECK_INT(r->lsa_size, 0x20000, "  lsa_size");
	CHECK(r->poison_list_max_mer[0] == 1 && r->poison_list_max_mer[1] == 2 && r->poison_list_max_mer[2] == 3,
	      "  poison_list_max_mer");
	CHECK_INT(r->inject_poison_limit, 0x0405, "  inject_poison_limit");
	CHECK_INT(r->poison_caps, 6, "  poison_caps");
	CHECK_INT(r->qos_telemetry_caps, 7, "  qos_telemetry_caps");
#ifndef SUPPORT_CXL_2_0
	CHECK_INT(r->dc_event_log_size, 0x0809, "  dc_event_log_size");
#endif
}

static const uint8_t partition_wire[32] = {
	0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11,
	0x28, 0x27, 0x26, 0x25, 0x24, 0x23, 0x22, 0x21, 0x38, 0x37, 0x36, 0x35, 0x34, 0x33, 0x32, 0x31,
};
static void check_partition(const void *p)
{
	const struct cxlmi_cmd_memdev_get_partition_info_rsp *r = p;

	CHECK_U64(r->active_vmem, 0x0102030405060708ull, "  active_vmem");
	CHECK_U64(r->active_pmem, 0x1112131415161718ull, "  active_pmem");
	CHECK_U64(r->next_vmem, 0x2122232425262728ull, "  next_vmem");
	CHECK_U64(r->next_pmem, 0x3132333435363738ull, "  next_pmem");
}

static const struct cxlmi_cmd_memdev_set_partition_info_req set_partition_in = {
	.volatile_capacity = 0x0102030405060708ull,
	.flags = 1,
};
static const uint8_t set_partition_req[9] = { 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0x01 };

static const uint8_t health_wire[18] = {
	0x03, 0x01, 0x02, 0x32, 0x2c, 0x01, 0x04, 0x03, 0x02, 0x01, 0x08, 0x07, 0x06, 0x05, 0x0c, 0x0b, 0x0a, 0x09,
};
static void check_health(const void *p)
{
	const struct cxlmi_cmd_memdev_get_health_info_rsp *r = p;

	CHECK_INT(r->health_status, 3, "  health_status");
	CHECK_INT(r->media_status, 1, "  media_status");
	CHECK_INT(r->additional_status, 2, "  additional_status");
	CHECK_INT(r->life_used, 50, "  life_used");
	CHECK_INT(r->device_temperature, 300, "  device_temperature");
	CHECK_INT(r->dirty_shutdown_count, 0x01020304, "  dirty_shutdown_count");
	CHECK_INT(r->corrected_volatile_error_count, 0x05060708, "  corrected_volatile_error_count");
	CHECK_INT(r->corrected_persistent_error_count, 0x090a0b0c, "  corrected_persistent_error_count");
}

static const uint8_t alert_wire[16] = {
	0x01, 0x02, 0x5a, 0x50, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xa0, 0xb0, 0xc0,
};
static void check_alert(const void *p)
{
	const struct cxlmi_cmd_memdev_get_alert_config_rsp *r = p;

	CHECK_INT(r->valid_alerts, 1, "  valid_alerts");
	CHECK_INT(r->programmable_alerts, 2, "  programmable_alerts");
	CHECK_INT(r->life_used_critical_alert_threshold, 0x5a, "  life_used_critical_alert_threshold");
	CHECK_INT(r->life_used_programmable_warning_threshold, 0x50, "  life_used_programmable_warning_threshold");
	CHECK_INT(r->device_over_temperature_critical_alert_threshold, 0x2010, "  over temperature critical");
	CHECK_INT(r->device_under_temperature_critical_alert_threshold, 0x4030, "  under temperature critical");
	CHECK_INT(r->device_over_temperature_programmable_warning_threshold, 0x6050, "  over temperature warning");
	CHECK_INT(r->device_under_temperature_programmable_warning_threshold, 0x8070, "  under temperature warning");
	CHECK_INT(r->corrected_volatile_mem_error_programmable_warning_threshold, 0xa090, "  volatile errors warning");
	CHECK_INT(r->corrected_persistent_mem_error_programmable_warning_threshold, 0xc0b0,
		  "  persistent errors warning");
}

static const struct cxlmi_cmd_memdev_set_alert_config_req set_alert_in = {
	.valid_alert_actions = 0x1f,
	.enable_alert_actions = 0x0e,
	.life_used_programmable_warning_threshold = 90,
	.device_over_temperature_programmable_warning_threshold = 0x0102,
	.device_under_temperature_programmable_warning_threshold = 0xfff6,
	.corrected_volatile_mem_error_programmable_warning_threshold = 0x0304,
	.corrected_persistent_mem_error_programmable_warning_threshold = 0x0506,
};
static const uint8_t set_alert_req[12] = { 0x1f, 0x0e, 90, 0, 0x02, 0x01, 0xf6, 0xff, 0x04, 0x03, 0x06, 0x05 };

static const uint8_t shutdown_wire[1] = { 0x01 };
static void check_shutdown(const void *p)
{
	CHECK_INT(((const struct cxlmi_cmd_memdev_get_shutdown_state_rsp *)p)->state, 1, "  state");
}
static const struct cxlmi_cmd_memdev_set_shutdown_state_req set_shutdown_in = { .state = 1 };
static const uint8_t set_shutdown_req[1] = { 0x01 };

static const struct cxlmi_cmd_memdev_inject_poison_req inject_in = { .inject_poison_phy_addr = 0x1122334455667740ull };
static const uint8_t inject_req[8] = { 0x40, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 };

static struct cxlmi_cmd_memdev_clear_poison_req clear_in = { .clear_poison_phy_addr = 0x0000000102030480ull };
static uint8_t clear_req[72] = { 0x80, 0x04, 0x03, 0x02, 0x01, 0x00, 0x00, 0x00 }; /* data filled in main */

static const struct cxlmi_cmd_memdev_get_scan_media_capabilities_req caps_in = {
	.get_scan_media_capabilities_start_physaddr = 0x0102030405060740ull,
	.get_scan_media_capabilities_physaddr_length = 0x1112131415161718ull,
};
static const struct cxlmi_cmd_get_scan_media_capabilities_req old_caps_in = {
	.get_scan_media_capabilities_start_physaddr = 0x0102030405060740ull,
	.get_scan_media_capabilities_physaddr_length = 0x1112131415161718ull,
};
static const uint8_t caps_req[16] = {
	0x40, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11,
};
static const uint8_t caps_wire[4] = { 0x04, 0x03, 0x02, 0x01 };
static void check_caps(const void *p)
{
	/* both names have the one field at offset 0 */
	CHECK_INT(((const struct cxlmi_cmd_memdev_get_scan_media_capabilities_rsp *)p)->estimated_scan_media_time,
		  0x01020304, "  estimated_scan_media_time");
}

static const struct cxlmi_cmd_memdev_scan_media_req scan_in = {
	.scan_media_physaddr = 0x0102030405060740ull,
	.scan_media_physaddr_length = 0x0a0b0c0d,
	.scan_media_flags = 1,
};
static const struct cxlmi_cmd_scan_media_req old_scan_in = {
	.scan_media_physaddr = 0x0102030405060740ull,
	.scan_media_physaddr_length = 0x0a0b0c0d,
	.scan_media_flags = 1,
};
static const uint8_t scan_req[17] = {
	0x40, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0x0d, 0x0c, 0x0b, 0x0a, 0, 0, 0, 0, 0x01,
};

static const uint8_t security_state_wire[4] = { 0x44, 0x33, 0x22, 0x11 };
static void check_security_state(const void *p)
{
	CHECK_INT(((const struct cxlmi_cmd_memdev_get_security_state_rsp *)p)->security_state, 0x11223344,
		  "  security_state");
}

/* Passphrases: filled in main with recognisable bytes; the wire images alongside. */
static struct cxlmi_cmd_memdev_set_passphrase_req set_pass_in;
static uint8_t set_pass_req[96];
static struct cxlmi_cmd_memdev_disable_passphrase_req disable_pass_in;
static uint8_t disable_pass_req[64];
static struct cxlmi_cmd_memdev_unlock_req unlock_in;
static uint8_t unlock_req[32];
static struct cxlmi_cmd_memdev_passphrase_secure_erase_req erase_in;
static uint8_t erase_req[64];

static void fill_passphrases(void)
{
	set_pass_in.passphrase_type = 1;
	set_pass_req[0] = 1;
	for (int i = 0; i < 32; i++) {
		set_pass_in.current_passphrase[i] = set_pass_req[32 + i] = 0x40 + i;
		set_pass_in.new_passphrase[i] = set_pass_req[64 + i] = 0x80 + i;
		disable_pass_in.passphrase[i] = disable_pass_req[32 + i] = 0xc0 + i;
		unlock_in.current_passphrase[i] = unlock_req[i] = 0x20 + i;
		erase_in.passphrase[i] = erase_req[32 + i] = 0x60 + i;
	}
	disable_pass_in.passphrase_type = disable_pass_req[0] = 0;
	erase_in.passphrase_type = erase_req[0] = 1;
	for (int i = 0; i < 64; i++)
		clear_in.clear_poison_write_data[i] = clear_req[8 + i] = 0xff - i;
}

static const uint8_t qos_control_wire[4] = { 0x03, 0x0a, 0x32, 0x08 };
static void check_qos_control(const void *p)
{
	const struct cxlmi_cmd_memdev_get_sld_qos_control_rsp *r = p;

	CHECK_INT(r->qos_telemetry_control, 3, "  qos_telemetry_control");
	CHECK_INT(r->egress_moderate_percentage, 10, "  egress_moderate_percentage");
	CHECK_INT(r->egress_severe_percentage, 50, "  egress_severe_percentage");
	CHECK_INT(r->backpressure_sample_interval, 8, "  backpressure_sample_interval");
}
static const struct cxlmi_cmd_memdev_set_sld_qos_control_req set_qos_in = {
	.qos_telemetry_control = 1,
	.egress_moderate_percentage = 20,
	.egress_severe_percentage = 70,
	.backpressure_sample_interval = 15,
};
static const uint8_t set_qos_req[4] = { 1, 20, 70, 15 };
static const uint8_t qos_status_wire[1] = { 42 };
static void check_qos_status(const void *p)
{
	CHECK_INT(((const struct cxlmi_cmd_memdev_get_sld_qos_status_rsp *)p)->backpressure_avg_percentage, 42,
		  "  backpressure_avg_percentage");
}

#define FIXED(n, s, c, call_, in_, req_, req_len_, rsp_, rsp_len_, out_, check_)                                \
	{                                                                                                       \
		.name = n, .set = s, .cmd = c, .call = call_, .in = in_, .req_wire = req_, .req_len = req_len_, \
		.rsp_wire = rsp_, .rsp_len = rsp_len_, .out_size = out_, .check = check_                        \
	}

static void test_fixed_commands(void)
{
	const struct fixed_case cases[] = {
		FIXED("memdev_identify", 0x40, 0x00, call_memdev_identify, NULL, NULL, 0, identify_wire,
		      sizeof(struct cxlmi_cmd_memdev_identify_rsp), sizeof(struct cxlmi_cmd_memdev_identify_rsp),
		      check_identify),
		FIXED("memdev_get_partition_info", 0x41, 0x00, call_memdev_get_partition_info, NULL, NULL, 0,
		      partition_wire, 32, 32, check_partition),
		FIXED("memdev_set_partition_info", 0x41, 0x01, call_memdev_set_partition_info, &set_partition_in,
		      set_partition_req, 9, NULL, 0, 0, NULL),
		FIXED("memdev_get_health_info", 0x42, 0x00, call_memdev_get_health_info, NULL, NULL, 0, health_wire, 18,
		      18, check_health),
		FIXED("memdev_get_alert_config", 0x42, 0x01, call_memdev_get_alert_config, NULL, NULL, 0, alert_wire,
		      16, 16, check_alert),
		FIXED("memdev_set_alert_config", 0x42, 0x02, call_memdev_set_alert_config, &set_alert_in, set_alert_req,
		      12, NULL, 0, 0, NULL),
		FIXED("memdev_get_shutdown_state", 0x42, 0x03, call_memdev_get_shutdown_state, NULL, NULL, 0,
		      shutdown_wire, 1, 1, check_shutdown),
		FIXED("memdev_set_shutdown_state", 0x42, 0x04, call_memdev_set_shutdown_state, &set_shutdown_in,
		      set_shutdown_req, 1, NULL, 0, 0, NULL),
		FIXED("memdev_inject_poison", 0x43, 0x01, call_memdev_inject_poison, &inject_in, inject_req, 8, NULL, 0,
		      0, NULL),
		FIXED("memdev_clear_poison", 0x43, 0x02, call_memdev_clear_poison, &clear_in, clear_req, 72, NULL, 0, 0,
		      NULL),
		FIXED("memdev_get_scan_media_capabilities", 0x43, 0x03, call_memdev_get_scan_media_capabilities,
		      &caps_in, caps_req, 16, caps_wire, 4, 4, check_caps),
		FIXED("get_scan_media_capabilities (old name)", 0x43, 0x03, call_get_scan_media_capabilities,
		      &old_caps_in, caps_req, 16, caps_wire, 4, 4, check_caps),
		FIXED("memdev_scan_media", 0x43, 0x04, call_memdev_scan_media, &scan_in, scan_req, 17, NULL, 0, 0,
		      NULL),
		FIXED("scan_media (old name)", 0x43, 0x04, call_scan_media, &old_scan_in, scan_req, 17, NULL, 0, 0,
		      NULL),
		FIXED("memdev_sanitize", 0x44, 0x00, call_memdev_sanitize, NULL, NULL, 0, NULL, 0, 0, NULL),
		FIXED("memdev_secure_erase", 0x44, 0x01, call_memdev_secure_erase, NULL, NULL, 0, NULL, 0, 0, NULL),
		FIXED("memdev_get_security_state", 0x45, 0x00, call_memdev_get_security_state, NULL, NULL, 0,
		      security_state_wire, 4, 4, check_security_state),
		FIXED("memdev_set_passphrase", 0x45, 0x01, call_memdev_set_passphrase, &set_pass_in, set_pass_req, 96,
		      NULL, 0, 0, NULL),
		FIXED("memdev_disable_passphrase", 0x45, 0x02, call_memdev_disable_passphrase, &disable_pass_in,
		      disable_pass_req, 64, NULL, 0, 0, NULL),
		FIXED("memdev_unlock", 0x45, 0x03, call_memdev_unlock, &unlock_in, unlock_req, 32, NULL, 0, 0, NULL),
		FIXED("memdev_freeze_security_state", 0x45, 0x04, call_memdev_freeze_security_state, NULL, NULL, 0,
		      NULL, 0, 0, NULL),
		FIXED("memdev_passphrase_secure_erase", 0x45, 0x05, call_memdev_passphrase_secure_erase, &erase_in,
		      erase_req, 64, NULL, 0, 0, NULL),
		FIXED("memdev_get_sld_qos_control", 0x47, 0x00, call_memdev_get_sld_qos_control, NULL, NULL, 0,
		      qos_control_wire, 4, 4, check_qos_control),
		FIXED("memdev_set_sld_qos_control", 0x47, 0x01, call_memdev_set_sld_qos_control, &set_qos_in,
		      set_qos_req, 4, NULL, 0, 0, NULL),
		FIXED("memdev_get_sld_qos_status", 0x47, 0x02, call_memdev_get_sld_qos_status, NULL, NULL, 0,
		      qos_status_wire, 1, 1, check_qos_status),
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_fixed(&cases[i]);
}

static void test_identify_size(void)
{
	printf("--- memdev_identify size\n");
#ifdef SUPPORT_CXL_2_0
	CHECK_INT(sizeof(struct cxlmi_cmd_memdev_identify_rsp), 0x43, "CXL 2.0 identify output is 67 bytes");
#else
	CHECK_INT(sizeof(struct cxlmi_cmd_memdev_identify_rsp), 0x45, "CXL 3.x identify output is 69 bytes");
#endif
}

/* ------------------------------------------------------------------------ */
/* Label Storage Area                                                        */

static void test_lsa(void)
{
	struct cxlmi_cmd_memdev_get_lsa_req get = { .offset = 0x01020304, .length = 32 };
	static const uint8_t get_req[8] = { 0x04, 0x03, 0x02, 0x01, 0x20, 0x00, 0x00, 0x00 };
	struct cxlmi_cmd_memdev_set_lsa_req *set;
	uint8_t lsa[40], set_req[8 + 5], *out;

	printf("--- memdev_get_lsa (4102h)\n");
	for (int i = 0; i < 40; i++)
		lsa[i] = 0xa0 + i;
	out = filled(32);
	queue(0x41, 0x02, 0, lsa, sizeof(lsa)); /* more than asked: cut to the length */
	CHECK_INT(cxlmi_cmd_memdev_get_lsa(ep, NULL, &get, out), 0, "get_lsa: 32 bytes succeed");
	CHECK_SENT(ep, 0x41, 0x02, get_req, 8, "get_lsa");
	CHECK_BYTES(out, lsa, 32, "get_lsa: exactly the 32 bytes asked for");
	memset(out, FILL, 32);
	queue(0x41, 0x02, CXLMI_RET_PADDR, lsa, 32);
	CHECK_INT(cxlmi_cmd_memdev_get_lsa(ep, NULL, &get, out), CXLMI_RET_PADDR, "get_lsa: return code 0fh");
	CHECK(tc_all_bytes(out, 32, FILL), "  ... output untouched");
	CHECK_REFUSED(cxlmi_cmd_memdev_get_lsa(ep, NULL, NULL, out), "get_lsa: NULL input refused");
	CHECK_REFUSED(cxlmi_cmd_memdev_get_lsa(ep, NULL, &get, NULL), "get_lsa: NULL output refused");
	CHECK_REFUSED(cxlmi_cmd_memdev_get_lsa(NULL, NULL, &get, out), "get_lsa: NULL endpoint refused");
	get.length = 1u << 20;
	CHECK_REFUSED(cxlmi_cmd_memdev_get_lsa(ep, NULL, &get, out),
		      "get_lsa: a length past the message limit refused");
	free(out);

	printf("--- memdev_set_lsa (4103h)\n");
	set = filled(sizeof(*set) + 5);
	set->offset = 0x0a0b0c0d;
	set->rsvd = 0;
	memcpy(set->data, "\x11\x22\x33\x44\x55", 5);
	memcpy(set_req, "\x0d\x0c\x0b\x0a\0\0\0\0\x11\x22\x33\x44\x55", 13);
	queue(0x41, 0x03, 0, NULL, 0);
	CHECK_INT(cxlmi_cmd_memdev_set_lsa(ep, NULL, set, 5), 0, "set_lsa: 5 data bytes succeed");
	CHECK_SENT(ep, 0x41, 0x03, set_req, 13, "set_lsa");
	queue(0x41, 0x03, 0, NULL, 0);
	CHECK_INT(cxlmi_cmd_memdev_set_lsa(ep, NULL, set, 0), 0, "set_lsa: no data bytes succeed");
	CHECK_SENT(ep, 0x41, 0x03, set_req, 8, "set_lsa without data");
	queue(0x41, 0x03, CXLMI_RET_INPUT, NULL, 0);
	CHECK_INT(cxlmi_cmd_memdev_set_lsa(ep, NULL, set, 5), CXLMI_RET_INPUT, "set_lsa: return code 2");
	CHECK_REFUSED(cxlmi_cmd_memdev_set_lsa(ep, NULL, set, SIZE_MAX), "set_lsa: SIZE_MAX data bytes refused");
	CHECK_REFUSED(cxlmi_cmd_memdev_set_lsa(ep, NULL, set, (1u << 20) - 8),
		      "set_lsa: data past the message limit refused");
	CHECK_REFUSED(cxlmi_cmd_memdev_set_lsa(ep, NULL, NULL, 5), "set_lsa: NULL input refused");
	CHECK_REFUSED(cxlmi_cmd_memdev_set_lsa(NULL, NULL, set, 5), "set_lsa: NULL endpoint refused");
	free(set);
	cxlmi_mock_clear_responses(ep);
}

/* ------------------------------------------------------------------------ */
/* Media error record lists: poison list and scan media results              */

/* A list response: `head_len` bytes of head with `count` at `count_off`, then `n` 16-byte records. */
static uint8_t *media_error_wire(size_t head_len, size_t count_off, uint16_t count, int n, size_t *len)
{
	uint8_t *w;

	*len = head_len + (size_t)n * 16;
	w = calloc(1, *len);
	if (!w)
		abort();
	le16(w + count_off, count);
	for (int i = 0; i < n; i++) {
		le64(w + head_len + 16 * i, 0x1122334455667700ull + 0x40 * i);
		le32(w + head_len + 16 * i + 8, 0x01020300 + i);
	}
	return w;
}

static void test_poison_list(void)
{
	struct cxlmi_cmd_memdev_get_poison_list_req req = {
		.get_poison_list_phy_addr = 0x0102030405060740ull,
		.get_poison_list_phy_addr_len = 0x1112131415161718ull,
	};
	static const uint8_t req_wire[16] = {
		0x40, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11,
	};
	struct cxlmi_cmd_memdev_get_poison_list_rsp *out;
	size_t cap = sizeof(*out) + 256 * sizeof(out->records[0]), len;
	uint8_t *w;

	printf("--- get_poison_list (4300h)\n");
	CHECK_INT(sizeof(*out), 32, "poison list head is 32 bytes");
	CHECK_INT(sizeof(out->records[0]), 16, "poison list record is 16 bytes");

	w = media_error_wire(32, 10, 2, 2, &len);
	w[0] = 0x03;
	le64(w + 2, 0x8877665544332211ull);
	out = filled(cap);
	queue(0x43, 0x00, 0, w, len);
	CHECK_INT(cxlmi_cmd_get_poison_list(ep, NULL, &req, out), 0, "get_poison_list: 2 records succeed");
	CHECK_SENT(ep, 0x43, 0x00, req_wire, 16, "get_poison_list");
	CHECK_INT(out->poison_list_flags, 3, "  poison_list_flags");
	CHECK_U64(out->overflow_timestamp, 0x8877665544332211ull, "  overflow_timestamp");
	CHECK_INT(out->more_err_media_record_cnt, 2, "  more_err_media_record_cnt");
	CHECK_U64(out->records[0].media_err_addr, 0x1122334455667700ull, "  records[0].media_err_addr");
	CHECK_INT(out->records[0].media_err_len, 0x01020300, "  records[0].media_err_len");
	CHECK_U64(out->records[1].media_err_addr, 0x1122334455667740ull, "  records[1].media_err_addr");
	CHECK_INT(out->records[1].media_err_len, 0x01020301, "  records[1].media_err_len");
	CHECK(tc_all_bytes(&out->records[2], cap - 32 - 32, FILL), "  ... nothing written past the 2 records");
	free(w);

	/* Claims 65535 records: no more than 256 are written, into a buffer of exactly 256. */
	w = media_error_wire(32, 10, 0xffff, 3, &len);
	memset(out, FILL, cap);
	queue(0x43, 0x00, 0, w, len);
	CHECK_INT(cxlmi_cmd_get_poison_list(ep, NULL, &req, out), 0, "get_poison_list: a count of 65535 succeeds");
	CHECK_INT(out->more_err_media_record_cnt, 256, "  ... count is the 256 records written");
	CHECK_U64(out->records[2].media_err_addr, 0x1122334455667780ull, "  ... records[2] decoded");
	CHECK_U64(out->records[255].media_err_addr, 0, "  ... records[255] zero (the mock zero-fills)");
	free(w);

	memset(out, FILL, cap);
	queue(0x43, 0x00, CXLMI_RET_MEDIADISABLED, NULL, 0);
	CHECK_INT(cxlmi_cmd_get_poison_list(ep, NULL, &req, out), CXLMI_RET_MEDIADISABLED,
		  "get_poison_list: return code 7");
	CHECK(tc_all_bytes(out, cap, FILL), "  ... output untouched");
	CHECK_REFUSED(cxlmi_cmd_get_poison_list(ep, NULL, NULL, out), "get_poison_list: NULL input refused");
	CHECK_REFUSED(cxlmi_cmd_get_poison_list(ep, NULL, &req, NULL), "get_poison_list: NULL output refused");
	CHECK_REFUSED(cxlmi_cmd_get_poison_list(NULL, NULL, &req, out), "get_poison_list: NULL endpoint refused");
	free(out);
	cxlmi_mock_clear_responses(ep);
}

static int call_scan_results(int old, void *out)
{
	return old ? cxlmi_cmd_get_scan_media_results(target, NULL, out)
		   : cxlmi_cmd_memdev_get_scan_media_results(target, NULL, out);
}

static void test_scan_media_results(int old)
{
	const char *name = old ? "get_scan_media_results (old name)" : "memdev_get_scan_media_results";
	struct cxlmi_cmd_memdev_get_scan_media_results_rsp *out;
	size_t cap = sizeof(*out) + 256 * sizeof(out->record[0]), len;
	uint8_t *w;

	printf("--- %s (4305h)\n", name);
	CHECK_INT(sizeof(struct cxlmi_cmd_get_scan_media_results_rsp), sizeof(*out), "old and new output sizes agree");
	w = media_error_wire(32, 18, 1, 1, &len);
	le64(w, 0x0102030405060740ull);
	le64(w + 8, 0x1112131415161718ull);
	w[16] = 0x05;
	out = filled(cap);
	queue(0x43, 0x05, 0, w, len);
	CHECK_INT(call_scan_results(old, out), 0, "%s: 1 record succeeds", name);
	CHECK_SENT(ep, 0x43, 0x05, NULL, 0, "%s", name);
	CHECK_U64(out->scan_media_restart_physaddr, 0x0102030405060740ull, "  scan_media_restart_physaddr");
	CHECK_U64(out->scan_media_restart_physaddr_length, 0x1112131415161718ull,
		  "  scan_media_restart_physaddr_length");
	CHECK_INT(out->scan_media_flags, 5, "  scan_media_flags");
	CHECK_INT(out->media_error_count, 1, "  media_error_count");
	CHECK_U64(out->record[0].media_error_address, 0x1122334455667700ull, "  record[0].media_error_address");
	CHECK_INT(out->record[0].media_error_length, 0x01020300, "  record[0].media_error_length");
	CHECK(tc_all_bytes(&out->record[1], cap - 32 - 16, FILL), "  ... nothing written past the record");
	free(w);

	w = media_error_wire(32, 18, 300, 4, &len);
	memset(out, FILL, cap);
	queue(0x43, 0x05, 0, w, len);
	CHECK_INT(call_scan_results(old, out), 0, "%s: a count of 300 succeeds", name);
	CHECK_INT(out->media_error_count, 256, "  ... count is the 256 records written");
	CHECK_U64(out->record[3].media_error_address, 0x11223344556677c0ull, "  ... record[3] decoded");
	free(w);

	memset(out, FILL, cap);
	queue(0x43, 0x05, CXLMI_RET_BUSY, NULL, 0);
	CHECK_INT(call_scan_results(old, out), CXLMI_RET_BUSY, "%s: return code 6", name);
	CHECK(tc_all_bytes(out, cap, FILL), "  ... output untouched");
	CHECK_REFUSED(call_scan_results(old, NULL), "%s: NULL output refused", name);
	CHECK_NULL_EP(call_scan_results(old, out), "%s: NULL endpoint refused", name);
	free(out);
	cxlmi_mock_clear_responses(ep);
}

/* ------------------------------------------------------------------------ */
/* Media Operations (4402h)                                                  */

static void test_media_operations(void)
{
	struct cxlmi_cmd_memdev_media_operations_discovery_req disc = {
		.media_operation_class = 0,
		.media_operation_subclass = 0,
		.dpa_range_count = 0,
		.discovery_osa = { .start_index = 0x0102, .num_ops = 3 },
	};
	static const uint8_t disc_req[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x01, 0x03, 0x00 };
	uint8_t w[12 + 2 * 6] = { 0 };
	struct cxlmi_cmd_memdev_media_operations_discovery_rsp *out;
	struct cxlmi_cmd_memdev_media_operations_sanitize_req *san;
	uint8_t san_req[8 + 2 * 16];
	size_t cap = sizeof(*out) + 3 * sizeof(out->entry[0]);

	printf("--- memdev_media_operations_discovery (4402h)\n");
	le64(w, 0x0102030405060708ull);
	le16(w + 8, 6);
	le16(w + 10, 500); /* claims 500, sends 6, the caller has room for 3 */
	for (int i = 0; i < 6; i++) {
		w[12 + 2 * i] = i / 2;
		w[13 + 2 * i] = i % 2;
	}
	out = filled(cap);
	queue(0x44, 0x02, 0, w, sizeof(w));
	CHECK_INT(cxlmi_cmd_memdev_media_operations_discovery(ep, NULL, &disc, out), 0, "discovery succeeds");
	CHECK_SENT(ep, 0x44, 0x02, disc_req, 12, "discovery");
	CHECK_U64(out->dpa_range_granularity, 0x0102030405060708ull, "  dpa_range_granularity");
	CHECK_INT(out->total_supported_ops, 6, "  total_supported_ops");
	CHECK_INT(out->num_supported_ops, 3, "  num_supported_ops: the 3 the caller has room for");
	CHECK(out->entry[0].media_op_class == 0 && out->entry[0].media_op_subclass == 0, "  entry[0] 0/0");
	CHECK(out->entry[1].media_op_class == 0 && out->entry[1].media_op_subclass == 1, "  entry[1] 0/1");
	CHECK(out->entry[2].media_op_class == 1 && out->entry[2].media_op_subclass == 0, "  entry[2] 1/0");
	free(out);

	disc.discovery_osa.num_ops = 0;
	out = filled(sizeof(*out));
	queue(0x44, 0x02, 0, w, sizeof(w));
	CHECK_INT(cxlmi_cmd_memdev_media_operations_discovery(ep, NULL, &disc, out), 0, "discovery of 0 ops succeeds");
	CHECK_INT(out->num_supported_ops, 0, "  ... no entries written into a head-only buffer");
	queue(0x44, 0x02, CXLMI_RET_UNSUPPORTED, NULL, 0);
	memset(out, FILL, sizeof(*out));
	CHECK_INT(cxlmi_cmd_memdev_media_operations_discovery(ep, NULL, &disc, out), CXLMI_RET_UNSUPPORTED,
		  "discovery: return code 3");
	CHECK(tc_all_bytes(out, sizeof(*out), FILL), "  ... output untouched");
	CHECK_REFUSED(cxlmi_cmd_memdev_media_operations_discovery(ep, NULL, NULL, out),
		      "discovery: NULL input refused");
	CHECK_REFUSED(cxlmi_cmd_memdev_media_operations_discovery(ep, NULL, &disc, NULL),
		      "discovery: NULL output refused");
	CHECK_REFUSED(cxlmi_cmd_memdev_media_operations_discovery(NULL, NULL, &disc, out),
		      "discovery: NULL endpoint refused");
	free(out);

	printf("--- memdev_media_operations_sanitize (4402h)\n");
	san = filled(sizeof(*san) + 2 * sizeof(san->dpa_range_list[0]));
	san->media_operation_class = 1;
	san->media_operation_subclass = 1;
	san->rsvd[0] = san->rsvd[1] = 0;
	san->dpa_range_count = 2;
	san->dpa_range_list[0].starting_dpa = 0x0102030405060000ull;
	san->dpa_range_list[0].length = 0x40;
	san->dpa_range_list[1].starting_dpa = 0x1112131415160000ull;
	san->dpa_range_list[1].length = 0x0a0b0c0d0e0f0000ull;
	memset(san_req, 0, sizeof(san_req));
	san_req[0] = 1;
	san_req[1] = 1;
	le32(san_req + 4, 2);
	le64(san_req + 8, 0x0102030405060000ull);
	le64(san_req + 16, 0x40);
	le64(san_req + 24, 0x1112131415160000ull);
	le64(san_req + 32, 0x0a0b0c0d0e0f0000ull);
	queue(0x44, 0x02, 0, NULL, 0);
	CHECK_INT(cxlmi_cmd_memdev_media_operations_sanitize(ep, NULL, san), 0, "sanitize of 2 ranges succeeds");
	CHECK_SENT(ep, 0x44, 0x02, san_req, sizeof(san_req), "sanitize");
	queue(0x44, 0x02, CXLMI_RET_BACKGROUND, NULL, 0);
	CHECK_INT(cxlmi_cmd_memdev_media_operations_sanitize(ep, NULL, san), CXLMI_RET_BACKGROUND,
		  "sanitize: return code 1 (background) comes back");
	san->dpa_range_count = 0xffffffff;
	CHECK_REFUSED(cxlmi_cmd_memdev_media_operations_sanitize(ep, NULL, san), "sanitize: 2^32-1 ranges refused");
	san->dpa_range_count = ((1u << 20) - 8) / 16 + 1;
	CHECK_REFUSED(cxlmi_cmd_memdev_media_operations_sanitize(ep, NULL, san),
		      "sanitize: one range past the message limit refused");
	san->dpa_range_count = 0;
	queue(0x44, 0x02, 0, NULL, 0);
	CHECK_INT(cxlmi_cmd_memdev_media_operations_sanitize(ep, NULL, san), 0, "sanitize of 0 ranges succeeds");
	san_req[4] = 0;
	CHECK_SENT(ep, 0x44, 0x02, san_req, 8, "sanitize of 0 ranges");
	CHECK_REFUSED(cxlmi_cmd_memdev_media_operations_sanitize(ep, NULL, NULL), "sanitize: NULL input refused");
	CHECK_REFUSED(cxlmi_cmd_memdev_media_operations_sanitize(NULL, NULL, san), "sanitize: NULL endpoint refused");
	free(san);
	cxlmi_mock_clear_responses(ep);
}

/* ------------------------------------------------------------------------ */
/* Security Send / Receive (4600h, 4601h)                                    */

static void test_security_passthrough(void)
{
	struct cxlmi_cmd_memdev_security_send_req *send;
	struct cxlmi_cmd_memdev_security_receive_req recv = { .security_protocol = 0, .sp_specific = 0x0102 };
	static const uint8_t send_req[8 + 4] = { 0xef, 0x04, 0x03, 0, 0, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef };
	static const uint8_t recv_req[8] = { 0x00, 0x02, 0x01, 0, 0, 0, 0, 0 };
	uint8_t w[300], *out;

	printf("--- memdev_security_send (4600h)\n");
	send = filled(sizeof(*send) + 4);
	send->security_protocol = 0xef;
	send->sp_specific = 0x0304;
	memset(send->rsvd, 0, sizeof(send->rsvd));
	memcpy(send->data, "\xde\xad\xbe\xef", 4);
	queue(0x46, 0x00, 0, NULL, 0);
	CHECK_INT(cxlmi_cmd_memdev_security_send(ep, NULL, send, 4), 0, "security_send of 4 bytes succeeds");
	CHECK_SENT(ep, 0x46, 0x00, send_req, sizeof(send_req), "security_send");
	queue(0x46, 0x00, CXLMI_RET_SECURITY, NULL, 0);
	CHECK_INT(cxlmi_cmd_memdev_security_send(ep, NULL, send, 4), CXLMI_RET_SECURITY,
		  "security_send: return code 13h");
	CHECK_REFUSED(cxlmi_cmd_memdev_security_send(ep, NULL, send, SIZE_MAX),
		      "security_send: SIZE_MAX bytes refused");
	CHECK_REFUSED(cxlmi_cmd_memdev_security_send(ep, NULL, NULL, 4), "security_send: NULL input refused");
	CHECK_REFUSED(cxlmi_cmd_memdev_security_send(NULL, NULL, send, 4), "security_send: NULL endpoint refused");
	free(send);

	printf("--- memdev_security_receive (4601h)\n");
	for (size_t i = 0; i < sizeof(w); i++)
		w[i] = (uint8_t)(i * 7);
	out = filled(264); /* protocol 0: exactly 264 bytes */
	queue(0x46, 0x01, 0, w, sizeof(w));
	CHECK_INT(cxlmi_cmd_memdev_security_receive(ep, NULL, &recv, out), 0,
		  "security_receive of protocol 0 succeeds");
	CHECK_SENT(ep, 0x46, 0x01, recv_req, 8, "security_receive");
	CHECK_BYTES(out, w, 264, "security_receive: the 264 bytes of protocol 0");
	memset(out, FILL, 264);
	queue(0x46, 0x01, CXLMI_RET_INTERNAL, w, 264);
	CHECK_INT(cxlmi_cmd_memdev_security_receive(ep, NULL, &recv, out), CXLMI_RET_INTERNAL,
		  "security_receive: return code 4");
	CHECK(tc_all_bytes(out, 264, FILL), "  ... output untouched");
	recv.security_protocol = 0xef;
	CHECK_REFUSED(cxlmi_cmd_memdev_security_receive(ep, NULL, &recv, out),
		      "security_receive: protocol efh refused");
	recv.security_protocol = 0;
	CHECK_REFUSED(cxlmi_cmd_memdev_security_receive(ep, NULL, NULL, out), "security_receive: NULL input refused");
	CHECK_REFUSED(cxlmi_cmd_memdev_security_receive(ep, NULL, &recv, NULL),
		      "security_receive: NULL output refused");
	CHECK_REFUSED(cxlmi_cmd_memdev_security_receive(NULL, NULL, &recv, out),
		      "security_receive: NULL endpoint refused");
	free(out);
	cxlmi_mock_clear_responses(ep);
}

/* ------------------------------------------------------------------------ */
/* Dynamic capacity (48xxh)                                                  */

/* A DC configuration response: `returned` regions claimed, `n` sent, then the four counts. */
static size_t dc_config_wire(uint8_t *w, uint8_t num, uint8_t returned, int n)
{
	size_t off = 8;

	memset(w, 0, 344);
	w[0] = num;
	w[1] = returned;
	for (int i = 0; i < n; i++, off += 40) {
		le64(w + off, 0x0102030405060000ull + ((uint64_t)i << 32));
		le64(w + off + 8, 4 + i);		   /* decode length, 256 MB units */
		le64(w + off + 16, 0x1112131415161718ull); /* region length */
		le64(w + off + 24, 0x200000);		   /* block size */
		le32(w + off + 32, 0x0a0b0c0d + i);	   /* DSMAD handle */
		w[off + 36] = i == 0 ? 0x09 : 0x00;	   /* flags */
	}
	le32(w + off, 0x21222324);
	le32(w + off + 4, 0x31323334);
	le32(w + off + 8, 0x41424344);
	le32(w + off + 12, 0x51525354);
	return off + 16;
}

static void test_dc_config(void)
{
	struct cxlmi_cmd_memdev_get_dc_config_req req = { .region_cnt = 8, .start_region_id = 3 };
	static const uint8_t req_wire[2] = { 8, 3 };
	struct cxlmi_cmd_memdev_get_dc_config_rsp *out;
	uint8_t w[344];
	size_t len;

	printf("--- memdev_get_dc_config (4800h)\n");
	CHECK_INT(sizeof(*out), 344, "DC config output is 344 bytes (8 regions)");
	out = filled(sizeof(*out));
	len = dc_config_wire(w, 5, 2, 2);
	queue(0x48, 0x00, 0, w, len);
	CHECK_INT(cxlmi_cmd_memdev_get_dc_config(ep, NULL, &req, out), 0, "get_dc_config of 2 regions succeeds");
	CHECK_SENT(ep, 0x48, 0x00, req_wire, 2, "get_dc_config");
	CHECK_INT(out->num_regions, 5, "  num_regions");
	CHECK_INT(out->regions_returned, 2, "  regions_returned");
	CHECK_U64(out->region_configs[0].base, 0x0102030405060000ull, "  region_configs[0].base");
	CHECK_U64(out->region_configs[0].decode_len, 4ull << 28, "  region_configs[0].decode_len in bytes");
	CHECK_U64(out->region_configs[0].region_len, 0x1112131415161718ull, "  region_configs[0].region_len");
	CHECK_U64(out->region_configs[0].block_size, 0x200000, "  region_configs[0].block_size");
	CHECK_INT(out->region_configs[0].dsmadhandle, 0x0a0b0c0d, "  region_configs[0].dsmadhandle");
	CHECK_INT(out->region_configs[0].flags, 0x09, "  region_configs[0].flags");
	CHECK_U64(out->region_configs[1].base, 0x0102030505060000ull, "  region_configs[1].base");
	CHECK_U64(out->region_configs[1].decode_len, 5ull << 28, "  region_configs[1].decode_len in bytes");
	CHECK(tc_all_bytes(&out->region_configs[2], 6 * 40, 0), "  region_configs[2..7] zero");
	CHECK_INT(out->num_extents_supported, 0x21222324, "  num_extents_supported (after the 2 regions)");
	CHECK_INT(out->num_extents_available, 0x31323334, "  num_extents_available");
	CHECK_INT(out->num_tags_supported, 0x41424344, "  num_tags_supported");
	CHECK_INT(out->num_tags_available, 0x51525354, "  num_tags_available");

	/* Claims 255 regions with 8 sent: the 8 the output holds. */
	len = dc_config_wire(w, 255, 255, 8);
	queue(0x48, 0x00, 0, w, len);
	CHECK_INT(cxlmi_cmd_memdev_get_dc_config(ep, NULL, &req, out), 0,
		  "get_dc_config claiming 255 regions succeeds");
	CHECK_INT(out->regions_returned, 8, "  ... regions_returned is the 8 written");
	CHECK_INT(out->region_configs[7].dsmadhandle, 0x0a0b0c14, "  ... region_configs[7] decoded");
	CHECK_INT(out->num_tags_available, 0x51525354, "  ... counts after the 8 regions");

	memset(out, FILL, sizeof(*out));
	queue(0x48, 0x00, CXLMI_RET_UNSUPPORTED, NULL, 0);
	CHECK_INT(cxlmi_cmd_memdev_get_dc_config(ep, NULL, &req, out), CXLMI_RET_UNSUPPORTED,
		  "get_dc_config: return code 3");
	CHECK(tc_all_bytes(out, sizeof(*out), FILL), "  ... output untouched");
	CHECK_REFUSED(cxlmi_cmd_memdev_get_dc_config(ep, NULL, NULL, out), "get_dc_config: NULL input refused");
	CHECK_REFUSED(cxlmi_cmd_memdev_get_dc_config(ep, NULL, &req, NULL), "get_dc_config: NULL output refused");
	CHECK_REFUSED(cxlmi_cmd_memdev_get_dc_config(NULL, NULL, &req, out), "get_dc_config: NULL endpoint refused");
	free(out);
	cxlmi_mock_clear_responses(ep);
}

static void test_dc_extent_list(void)
{
	struct cxlmi_cmd_memdev_get_dc_extent_list_req req = { .extent_cnt = 2, .start_extent_idx = 0x01020304 };
	uint8_t req_wire[8] = { 0x02, 0, 0, 0, 0x04, 0x03, 0x02, 0x01 };
	struct cxlmi_cmd_memdev_get_dc_extent_list_rsp *out;
	uint8_t w[16 + 8 * 40] = { 0 };
	const struct {
		uint32_t asked, sent;
	} counts[] = { { 0, 8 }, { 1, 1 }, { 8, 8 }, { 9, 8 }, { 0xffffffff, 8 } };

	printf("--- memdev_get_dc_extent_list (4801h)\n");
	le32(w, 7); /* claims 7, 8 sent, the caller asked for 2 */
	le32(w + 4, 0x0a0b0c0d);
	le32(w + 8, 0x11121314);
	for (int i = 0; i < 8; i++) {
		le64(w + 16 + 40 * i, 0x0102030405060000ull + i);
		le64(w + 24 + 40 * i, 0x1112131415161718ull);
		memset(w + 32 + 40 * i, 0x50 + i, 16);
		le16(w + 48 + 40 * i, 0x0102 + i);
	}
	out = filled(sizeof(*out) + 2 * sizeof(out->extents[0]));
	queue(0x48, 0x01, 0, w, sizeof(w));
	CHECK_INT(cxlmi_cmd_memdev_get_dc_extent_list(ep, NULL, &req, out), 0, "get_dc_extent_list of 2 succeeds");
	CHECK_SENT(ep, 0x48, 0x01, req_wire, 8, "get_dc_extent_list");
	CHECK_INT(out->num_extents_returned, 2, "  num_extents_returned: the 2 asked for");
	CHECK_INT(out->total_num_extents, 0x0a0b0c0d, "  total_num_extents");
	CHECK_INT(out->generation_num, 0x11121314, "  generation_num");
	CHECK_U64(out->extents[1].start_dpa, 0x0102030405060001ull, "  extents[1].start_dpa");
	CHECK_U64(out->extents[1].len, 0x1112131415161718ull, "  extents[1].len");
	CHECK(tc_all_bytes(out->extents[1].tag, 16, 0x51), "  extents[1].tag");
	CHECK_INT(out->extents[1].shared_seq, 0x0103, "  extents[1].shared_seq");
	free(out);

	/* Zero or too many asked for: eight are asked for, and the buffer holds eight. */
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		req.extent_cnt = counts[i].asked;
		le32(req_wire, counts[i].sent);
		le32(w, 200);
		out = filled(sizeof(*out) + counts[i].sent * sizeof(out->extents[0]));
		queue(0x48, 0x01, 0, w, sizeof(w));
		CHECK_INT(cxlmi_cmd_memdev_get_dc_extent_list(ep, NULL, &req, out), 0, "extent_cnt %u succeeds",
			  counts[i].asked);
		CHECK_SENT(ep, 0x48, 0x01, req_wire, 8, "extent_cnt %u sends %u", counts[i].asked, counts[i].sent);
		CHECK_INT(out->num_extents_returned, counts[i].sent, "  ... %u written of 200 claimed", counts[i].sent);
		free(out);
	}

	req.extent_cnt = 2;
	out = filled(sizeof(*out) + 2 * sizeof(out->extents[0]));
	queue(0x48, 0x01, CXLMI_RET_RESOURCEEXHAUSTED, NULL, 0);
	CHECK_INT(cxlmi_cmd_memdev_get_dc_extent_list(ep, NULL, &req, out), CXLMI_RET_RESOURCEEXHAUSTED,
		  "get_dc_extent_list: return code 1dh");
	CHECK(tc_all_bytes(out, sizeof(*out) + 80, FILL), "  ... output untouched");
	CHECK_REFUSED(cxlmi_cmd_memdev_get_dc_extent_list(ep, NULL, NULL, out),
		      "get_dc_extent_list: NULL input refused");
	CHECK_REFUSED(cxlmi_cmd_memdev_get_dc_extent_list(ep, NULL, &req, NULL),
		      "get_dc_extent_list: NULL output refused");
	CHECK_REFUSED(cxlmi_cmd_memdev_get_dc_extent_list(NULL, NULL, &req, out),
		      "get_dc_extent_list: NULL endpoint refused");
	free(out);
	cxlmi_mock_clear_responses(ep);
}

static int call_dc_extents(int release, void *in)
{
	return release ? cxlmi_cmd_memdev_release_dc(target, NULL, in)
		       : cxlmi_cmd_memdev_add_dc_response(target, NULL, in);
}

static void test_dc_extents_out(int release)
{
	/* add and release requests have the same layout */
	const char *name = release ? "memdev_release_dc" : "memdev_add_dc_response";
	uint8_t cmd = release ? 0x03 : 0x02;
	struct cxlmi_cmd_memdev_add_dc_response_req *in;
	uint8_t want[8 + 2 * 24] = { 0 };

	printf("--- %s (48%02xh)\n", name, cmd);
	CHECK_INT(sizeof(struct cxlmi_cmd_memdev_release_dc_req), sizeof(*in), "add and release heads agree");
	in = filled(sizeof(*in) + 2 * sizeof(in->extents[0]));
	in->updated_extent_list_size = 2;
	in->flags = 1;
	memset(in->rsvd1, 0, sizeof(in->rsvd1));
	for (int i = 0; i < 2; i++) {
		in->extents[i].start_dpa = 0x0102030405060000ull + i;
		in->extents[i].len = 0x0000000010000000ull << i;
		memset(in->extents[i].rsvd, 0, sizeof(in->extents[i].rsvd));
		le64(want + 8 + 24 * i, 0x0102030405060000ull + i);
		le64(want + 16 + 24 * i, 0x0000000010000000ull << i);
	}
	want[0] = 2;
	want[4] = 1;
	queue(0x48, cmd, 0, NULL, 0);
	CHECK_INT(call_dc_extents(release, in), 0, "%s of 2 extents succeeds", name);
	CHECK_SENT(ep, 0x48, cmd, want, sizeof(want), "%s", name);
	queue(0x48, cmd, CXLMI_RET_EXTLIST, NULL, 0);
	CHECK_INT(call_dc_extents(release, in), CXLMI_RET_EXTLIST, "%s: return code 1eh", name);
	in->updated_extent_list_size = 0xffffffff;
	CHECK_REFUSED(call_dc_extents(release, in), "%s: 2^32-1 extents refused", name);
	in->updated_extent_list_size = ((1u << 20) - 8) / 24 + 1;
	CHECK_REFUSED(call_dc_extents(release, in), "%s: one extent past the message limit refused", name);
	in->updated_extent_list_size = 0;
	queue(0x48, cmd, 0, NULL, 0);
	CHECK_INT(call_dc_extents(release, in), 0, "%s of 0 extents succeeds", name);
	want[0] = 0;
	CHECK_SENT(ep, 0x48, cmd, want, 8, "%s of 0 extents", name);
	CHECK_REFUSED(call_dc_extents(release, NULL), "%s: NULL input refused", name);
	CHECK_NULL_EP(call_dc_extents(release, in), "%s: NULL endpoint refused", name);
	free(in);
	cxlmi_mock_clear_responses(ep);
}

int main(void)
{
	struct cxlmi_ctx *ctx = cxlmi_new_ctx(stderr, 0);

	if (!ctx) {
		printf("cannot create a context\n");
		return 1;
	}
	ep = target = cxlmi_open_mock(ctx);
	if (!ep) {
		printf("cannot open a mock endpoint\n");
		cxlmi_free_ctx(ctx);
		return 1;
	}
	fill_passphrases();

	test_identify_size();
	test_fixed_commands();
	test_lsa();
	test_poison_list();
	test_scan_media_results(0);
	test_scan_media_results(1);
	test_media_operations();
	test_security_passthrough();
	test_dc_config();
	test_dc_extent_list();
	test_dc_extents_out(0);
	test_dc_extents_out(1);

	cxlmi_close(ep);
	cxlmi_free_ctx(ctx);
	return finish();
}
