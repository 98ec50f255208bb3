// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Every FM-API command (CXL r3.1 section 7.6.7, opcodes 5100h to 5608h)
 * through the public C API on a mock endpoint:
 *  - the exact request payload sent, against little-endian bytes written out
 *    by hand (reserved request fields go out as zero whatever they held);
 *  - every decoded response field, from hand-written wire bytes whose
 *    multi-byte values show any byte-order mistake;
 *  - a device return code coming back as the return value, output untouched;
 *  - list responses whose own count claims more entries than the payload or
 *    the caller's buffer holds: the count returned is what was written, and
 *    output buffers are malloc'ed at exactly the capacity the request
 *    implies, so valgrind sees any write past them;
 *  - request counts no CCI message could carry refused with -1/EINVAL before
 *    anything is read from the caller or sent;
 *  - NULL endpoint, input or output refused with -1/EINVAL;
 *  - every FM-API command refused (-1/EOPNOTSUPP, nothing sent) after
 *    cxlmi_endpoint_disable_fmapi(), and working again after enabling it.
 */
#include "test-common.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define UNIT_256MB (256ull << 20)

static struct cxlmi_ctx *ctx;
static struct cxlmi_endpoint *ep;

static void queue(uint8_t set, uint8_t cmd, uint16_t rc, const void *payload, size_t n)
{
	if (cxlmi_mock_set_response(ep, set, cmd, rc, (void *)payload, n) != 0)
		CHECK(false, "queue a response for %02x%02xh", set, cmd);
}

/* `call` returns -1 with errno `err` and nothing reaches the endpoint. */
#define CHECK_FAILS(call, err, ...)                                             \
	do {                                                                    \
		unsigned before_ = tc_commands_sent(ep);                        \
		int rc_, errno_;                                                \
		errno = 0;                                                      \
		rc_ = (call);                                                   \
		errno_ = errno;                                                 \
		CHECK_INT(rc_, -1, __VA_ARGS__);                                \
		CHECK_INT(errno_, (err), "  ... errno %s", #err);               \
		CHECK_INT(tc_commands_sent(ep), before_, "  ... nothing sent"); \
	} while (0)

/* ------------------------------------------------------------------------ */
/* Every command in one shape, for the checks all of them share.            */

#define W_OUT(fn, tout)                                                   \
	static int w_##fn(struct cxlmi_endpoint *e, void *in, void *out)  \
	{                                                                 \
		(void)in;                                                 \
		return cxlmi_cmd_fmapi_##fn(e, NULL, (struct tout *)out); \
	}
#define W_IN(fn, tin)                                                    \
	static int w_##fn(struct cxlmi_endpoint *e, void *in, void *out) \
	{                                                                \
		(void)out;                                               \
		return cxlmi_cmd_fmapi_##fn(e, NULL, (struct tin *)in);  \
	}
#define W_IO(fn, tin, tout)                                                                 \
	static int w_##fn(struct cxlmi_endpoint *e, void *in, void *out)                    \
	{                                                                                   \
		return cxlmi_cmd_fmapi_##fn(e, NULL, (struct tin *)in, (struct tout *)out); \
	}

W_OUT(identify_sw_device, cxlmi_cmd_fmapi_identify_sw_device_rsp)
W_IO(get_phys_port_state, cxlmi_cmd_fmapi_get_phys_port_state_req, cxlmi_cmd_fmapi_get_phys_port_state_rsp)
W_IN(phys_port_control, cxlmi_cmd_fmapi_phys_port_control_req)
W_IO(send_ppb_cxlio_config_request, cxlmi_cmd_fmapi_send_ppb_cxlio_config_request_req,
     cxlmi_cmd_fmapi_send_ppb_cxlio_config_request_rsp)
W_OUT(get_domain_validation_sv_state, cxlmi_cmd_fmapi_get_domain_validation_sv_state_rsp)
W_IN(set_domain_validation_sv, cxlmi_cmd_fmapi_set_domain_validation_sv_req)
W_IO(get_vcs_domain_validation_sv_state, cxlmi_cmd_fmapi_get_vcs_domain_validation_sv_state_req,
     cxlmi_cmd_fmapi_get_vcs_domain_validation_sv_state_rsp)
W_IO(get_domain_validation_sv, cxlmi_cmd_fmapi_get_domain_validation_sv_req,
     cxlmi_cmd_fmapi_get_domain_validation_sv_rsp)
W_IO(get_vcs_info, cxlmi_cmd_fmapi_get_vcs_info_req, cxlmi_cmd_fmapi_get_vcs_info_rsp)
W_IN(bind_vppb, cxlmi_cmd_fmapi_bind_vppb_req)
W_IN(unbind_vppb, cxlmi_cmd_fmapi_unbind_vppb_req)
W_IO(send_ld_cxlio_config_request, cxlmi_cmd_fmapi_send_ld_cxlio_config_request_req,
     cxlmi_cmd_fmapi_send_ld_cxlio_config_request_rsp)
W_IO(send_ld_cxlio_mem_request, cxlmi_cmd_fmapi_send_ld_cxlio_mem_request_req,
     cxlmi_cmd_fmapi_send_ld_cxlio_mem_request_rsp)
W_OUT(get_ld_info, cxlmi_cmd_fmapi_get_ld_info_rsp)
W_IO(get_ld_allocations, cxlmi_cmd_fmapi_get_ld_allocations_req, cxlmi_cmd_fmapi_get_ld_allocations_rsp)
W_IO(set_ld_allocations, cxlmi_cmd_fmapi_set_ld_allocations_req, cxlmi_cmd_fmapi_set_ld_allocations_rsp)
W_OUT(get_qos_control, cxlmi_cmd_fmapi_get_qos_control_rsp)
W_IO(set_qos_control, cxlmi_cmd_fmapi_set_qos_control_req, cxlmi_cmd_fmapi_set_qos_control_rsp)
W_OUT(get_qos_status, cxlmi_cmd_fmapi_get_qos_status_rsp)
W_IO(get_qos_allocated_bw, cxlmi_cmd_fmapi_get_qos_allocated_bw_req, cxlmi_cmd_fmapi_get_qos_allocated_bw_rsp)
W_IO(set_qos_allocated_bw, cxlmi_cmd_fmapi_set_qos_allocated_bw_req, cxlmi_cmd_fmapi_set_qos_allocated_bw_rsp)
W_IO(get_qos_bw_limit, cxlmi_cmd_fmapi_get_qos_bw_limit_req, cxlmi_cmd_fmapi_get_qos_bw_limit_rsp)
W_IO(set_qos_bw_limit, cxlmi_cmd_fmapi_set_qos_bw_limit_req, cxlmi_cmd_fmapi_set_qos_bw_limit_rsp)
W_IO(get_multiheaded_info, cxlmi_cmd_fmapi_get_multiheaded_info_req, cxlmi_cmd_fmapi_get_multiheaded_info_rsp)
W_IO(get_head_info, cxlmi_cmd_fmapi_get_head_info_req, cxlmi_cmd_fmapi_get_head_info_rsp)
W_OUT(get_dcd_info, cxlmi_cmd_fmapi_get_dcd_info_rsp)
W_IO(get_dc_reg_config, cxlmi_cmd_fmapi_get_host_dc_region_config_req, cxlmi_cmd_fmapi_get_host_dc_region_config_rsp)
W_IN(set_dc_region_config, cxlmi_cmd_fmapi_set_dc_region_config_req)
W_IO(get_dc_region_ext_list, cxlmi_cmd_fmapi_get_dc_region_ext_list_req, cxlmi_cmd_fmapi_get_dc_region_ext_list_rsp)
W_IN(initiate_dc_add, cxlmi_cmd_fmapi_initiate_dc_add_req)
W_IN(initiate_dc_release, cxlmi_cmd_fmapi_initiate_dc_release_req)
W_IN(dc_add_reference, cxlmi_cmd_fmapi_dc_add_ref_req)
W_IN(dc_remove_reference, cxlmi_cmd_fmapi_dc_remove_ref_req)
W_IO(dc_list_tags, cxlmi_cmd_fmapi_dc_list_tags_req, cxlmi_cmd_fmapi_dc_list_tags_rsp)

#define IN 1
#define OUT 2

struct command {
	const char *name;
	uint8_t set, cmd;
	int (*call)(struct cxlmi_endpoint *e, void *in, void *out);
	int args; /* IN | OUT */
};

#define C(fn, set, cmd, args)               \
	{                                   \
#fn, set, cmd, w_##fn, args \
	}
static const struct command commands[] = {
	C(identify_sw_device, 0x51, 0x00, OUT),
	C(get_phys_port_state, 0x51, 0x01, IN | OUT),
	C(phys_port_control, 0x51, 0x02, IN),
	C(send_ppb_cxlio_config_request, 0x51, 0x03, IN | OUT),
	C(get_domain_validation_sv_state, 0x51, 0x04, OUT),
	C(set_domain_validation_sv, 0x51, 0x05, IN),
	C(get_vcs_domain_validation_sv_state, 0x51, 0x06, IN | OUT),
	C(get_domain_validation_sv, 0x51, 0x07, IN | OUT),
	C(get_vcs_info, 0x52, 0x00, IN | OUT),
	C(bind_vppb, 0x52, 0x01, IN),
	C(unbind_vppb, 0x52, 0x02, IN),
	C(send_ld_cxlio_config_request, 0x53, 0x01, IN | OUT),
	C(send_ld_cxlio_mem_request, 0x53, 0x02, IN | OUT),
	C(get_ld_info, 0x54, 0x00, OUT),
	C(get_ld_allocations, 0x54, 0x01, IN | OUT),
	C(set_ld_allocations, 0x54, 0x02, IN | OUT),
	C(get_qos_control, 0x54, 0x03, OUT),
	C(set_qos_control, 0x54, 0x04, IN | OUT),
	C(get_qos_status, 0x54, 0x05, OUT),
	C(get_qos_allocated_bw, 0x54, 0x06, IN | OUT),
	C(set_qos_allocated_bw, 0x54, 0x07, IN | OUT),
	C(get_qos_bw_limit, 0x54, 0x08, IN | OUT),
	C(set_qos_bw_limit, 0x54, 0x09, IN | OUT),
	C(get_multiheaded_info, 0x55, 0x00, IN | OUT),
	C(get_head_info, 0x55, 0x01, IN | OUT),
	C(get_dcd_info, 0x56, 0x00, OUT),
	C(get_dc_reg_config, 0x56, 0x01, IN | OUT),
	C(set_dc_region_config, 0x56, 0x02, IN),
	C(get_dc_region_ext_list, 0x56, 0x03, IN | OUT),
	C(initiate_dc_add, 0x56, 0x04, IN),
	C(initiate_dc_release, 0x56, 0x05, IN),
	C(dc_add_reference, 0x56, 0x06, IN),
	C(dc_remove_reference, 0x56, 0x07, IN),
	C(dc_list_tags, 0x56, 0x08, IN | OUT),
};

/*
 * The checks every command shares, with all-zero inputs (so every list asks
 * for no entries) and roomy outputs.
 */
static void test_every_command(void)
{
	static uint8_t in[512], out[512];
	uint8_t set, cmd;
	size_t i;

	printf("--- every FM-API command\n");
	for (i = 0; i < ARRAY_LEN(commands); i++) {
		const struct command *c = &commands[i];

		/* Nothing queued: the mock answers "unsupported", returned as such. */
		CHECK_INT(c->call(ep, in, out), CXLMI_RET_UNSUPPORTED, "%s: unanswered returns 3", c->name);
		set = cmd = 0xee;
		cxlmi_mock_get_last_command(ep, &set, &cmd, NULL, NULL);
		CHECK_INT((set << 8) | cmd, (c->set << 8) | c->cmd, "%s: opcode %02x%02xh", c->name, c->set, c->cmd);

		queue(c->set, c->cmd, CXLMI_RET_SUCCESS, NULL, 0);
		CHECK_INT(c->call(ep, in, out), 0, "%s: empty success response", c->name);

		errno = 0;
		CHECK_INT(c->call(NULL, in, out), -1, "%s: NULL endpoint refused", c->name);
		CHECK_INT(errno, EINVAL, "  ... errno EINVAL");
		if (c->args & IN)
			CHECK_FAILS(c->call(ep, NULL, out), EINVAL, "%s: NULL input refused", c->name);
		if (c->args & OUT)
			CHECK_FAILS(c->call(ep, in, NULL), EINVAL, "%s: NULL output refused", c->name);

		/* FM-API switched off: refused before anything is sent. */
		CHECK(cxlmi_endpoint_disable_fmapi(ep), "%s: disable FM-API", c->name);
		CHECK(!cxlmi_endpoint_has_fmapi(ep), "  ... has_fmapi is false");
		queue(c->set, c->cmd, CXLMI_RET_SUCCESS, NULL, 0);
		CHECK_FAILS(c->call(ep, in, out), EOPNOTSUPP, "%s: refused with FM-API disabled", c->name);
		CHECK(cxlmi_endpoint_enable_fmapi(ep), "%s: enable FM-API", c->name);
		CHECK(cxlmi_endpoint_has_fmapi(ep), "  ... has_fmapi is true");
		CHECK_INT(c->call(ep, in, out), 0, "%s: works again (the queued response was kept)", c->name);
		cxlmi_mock_clear_responses(ep);
	}
}

/* ------------------------------------------------------------------------ */
/* Commands with fixed requests and responses, checked by one routine.      */

struct fixed_case {
	const char *name;
	uint8_t set, cmd;
	int (*call)(struct cxlmi_endpoint *e, void *in, void *out);
	const void *in;		 /* the request struct, NULL when there is none */
	const uint8_t *req_wire; /* the payload bytes that must be sent */
	size_t req_len;
	const uint8_t *rsp_wire; /* the response payload queued */
	size_t rsp_len;
	size_t out_size; /* size of the output struct, 0 when there is none */
	void (*check)(const void *out);
};

static void run_fixed(const struct fixed_case *c)
{
	void *out;

	printf("--- %s (%02x%02xh)\n", c->name, c->set, c->cmd);
	out = c->out_size ? filled(c->out_size) : NULL;
	queue(c->set, c->cmd, 0, c->rsp_wire, c->rsp_len);
	CHECK_INT(c->call(ep, (void *)c->in, out), 0, "%s: succeeds", c->name);
	CHECK_SENT(ep, c->set, c->cmd, c->req_wire, c->req_len, "%s", c->name);
	if (c->check)
		c->check(out);
	free(out);

	out = c->out_size ? filled(c->out_size) : NULL;
	queue(c->set, c->cmd, CXLMI_RET_BUSY, c->rsp_wire, c->rsp_len);
	CHECK_INT(c->call(ep, (void *)c->in, out), CXLMI_RET_BUSY, "%s: return code 6 (busy) returned", c->name);
	if (out)
		CHECK(tc_all_bytes(out, c->out_size, FILL), "  ... output untouched");
	free(out);
	cxlmi_mock_clear_responses(ep);
}

/* 5100h: ingress port 11h, 32 ports, 4 VCSs, bitmasks, 1234h vPPBs in all, 5678h active, 9 decoders. */
static uint8_t identify_sw_wire[73];
static void check_identify_sw(const void *p)
{
	const struct cxlmi_cmd_fmapi_identify_sw_device_rsp *r = p;

	CHECK_INT(r->ingress_port_id, 0x11, "  ingress_port_id");
	CHECK_INT(r->num_physical_ports, 0x20, "  num_physical_ports");
	CHECK_INT(r->num_vcs, 4, "  num_vcs");
	CHECK_BYTES(r->active_port_bitmask, identify_sw_wire + 4, 32, "  active_port_bitmask");
	CHECK_BYTES(r->active_vcs_bitmask, identify_sw_wire + 36, 32, "  active_vcs_bitmask");
	CHECK_INT(r->num_total_vppb, 0x1234, "  num_total_vppb");
	CHECK_INT(r->num_active_vppb, 0x5678, "  num_active_vppb");
	CHECK_INT(r->num_hdm_decoder_per_usp, 9, "  num_hdm_decoder_per_usp");
}

static const struct cxlmi_cmd_fmapi_phys_port_control_req port_control_in = { .ppb_id = 7, .port_opcode = 2 };
static const uint8_t port_control_req[] = { 7, 2 };

static const struct cxlmi_cmd_fmapi_send_ppb_cxlio_config_request_req ppb_config_in = {
	.ppb_id = 3,
	.field_1 = { 0x10, 0x20, 0x30 },
	.transaction_data = 0xa1b2c3d4,
};
static const uint8_t ppb_config_req[] = { 3, 0x10, 0x20, 0x30, 0xd4, 0xc3, 0xb2, 0xa1 };
static const uint8_t return_data_wire[] = { 0x78, 0x56, 0x34, 0x12 };
static void check_ppb_config(const void *p)
{
	CHECK_INT(((const struct cxlmi_cmd_fmapi_send_ppb_cxlio_config_request_rsp *)p)->return_data, 0x12345678,
		  "  return_data");
}

static const uint8_t one_wire[] = { 1 };
static void check_sv_state(const void *p)
{
	CHECK_INT(((const struct cxlmi_cmd_fmapi_get_domain_validation_sv_state_rsp *)p)->secret_value_state, 1,
		  "  secret_value_state");
}

static const uint8_t uuid_a[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
static const uint8_t uuid_b[16] = {
	0xf0, 0xe1, 0xd2, 0xc3, 0xb4, 0xa5, 0x96, 0x87, 0x78, 0x69, 0x5a, 0x4b, 0x3c, 0x2d, 0x1e, 0x0f,
};
static struct cxlmi_cmd_fmapi_set_domain_validation_sv_req set_sv_in;

static const struct cxlmi_cmd_fmapi_get_vcs_domain_validation_sv_state_req vcs_sv_state_in = { .vcs_id = 5 };
static const uint8_t vcs5_req[] = { 5 };
static void check_vcs_sv_state(const void *p)
{
	CHECK_INT(((const struct cxlmi_cmd_fmapi_get_vcs_domain_validation_sv_state_rsp *)p)->secret_value_state, 1,
		  "  secret_value_state");
}

static const struct cxlmi_cmd_fmapi_get_domain_validation_sv_req get_sv_in = { .vcs_id = 6 };
static const uint8_t vcs6_req[] = { 6 };
static void check_get_sv(const void *p)
{
	CHECK_BYTES(((const struct cxlmi_cmd_fmapi_get_domain_validation_sv_rsp *)p)->secret_value_uuid, uuid_b, 16,
		    "  secret_value_uuid");
}

/* Reserved fields hold junk here; they must go out as zero. */
static const struct cxlmi_cmd_fmapi_bind_vppb_req bind_in = {
	.vcs_id = 1,
	.vppb_id = 2,
	.port_id = 3,
	.rsv1 = 0xee,
	.ld_id = 0xabcd,
};
static const uint8_t bind_req[] = { 1, 2, 3, 0, 0xcd, 0xab };

static const struct cxlmi_cmd_fmapi_unbind_vppb_req unbind_in = { .vcs_id = 4, .vppb_id = 5, .option = 2 };
static const uint8_t unbind_req[] = { 4, 5, 2 };

static const struct cxlmi_cmd_fmapi_send_ld_cxlio_config_request_req ld_config_in = {
	.ppb_id = 9,
	.field_1 = { 1, 2, 3 },
	.ld_id = 0x0102,
	.rsvd = { 0xee, 0xee },
	.transaction_data = 0x11223344,
};
static const uint8_t ld_config_req[] = { 9, 1, 2, 3, 0x02, 0x01, 0, 0, 0x44, 0x33, 0x22, 0x11 };
static const uint8_t deadbeef_wire[] = { 0xef, 0xbe, 0xad, 0xde };
static void check_ld_config(const void *p)
{
	CHECK_INT(((const struct cxlmi_cmd_fmapi_send_ld_cxlio_config_request_rsp *)p)->return_data, 0xdeadbeef,
		  "  return_data");
}

static const uint8_t ld_info_wire[] = { 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x02, 0x01, 0x03 };
static void check_ld_info(const void *p)
{
	const struct cxlmi_cmd_fmapi_get_ld_info_rsp *r = p;

	CHECK_U64(r->memory_size, 0x1122334455667788ull, "  memory_size");
	CHECK_INT(r->ld_count, 0x0102, "  ld_count");
	CHECK_INT(r->qos_telemetry_capability, 3, "  qos_telemetry_capability");
}

static const uint8_t qos_control_wire[] = { 0x07, 40, 90, 8, 0x06, 0x05, 10 };
static void check_qos_control(const void *p)
{
	const struct cxlmi_cmd_fmapi_get_qos_control_rsp *r = p;

	CHECK_INT(r->qos_telemetry_control, 7, "  qos_telemetry_control");
	CHECK_INT(r->egress_moderate_percentage, 40, "  egress_moderate_percentage");
	CHECK_INT(r->egress_severe_percentage, 90, "  egress_severe_percentage");
	CHECK_INT(r->backpressure_sample_interval, 8, "  backpressure_sample_interval");
	CHECK_INT(r->recmpbasis, 0x0506, "  recmpbasis");
	CHECK_INT(r->completion_collection_interval, 10, "  completion_collection_interval");
}

static const struct cxlmi_cmd_fmapi_set_qos_control_req set_qos_control_in = {
	.qos_telemetry_control = 3,
	.egress_moderate_percentage = 30,
	.egress_severe_percentage = 80,
	.backpressure_sample_interval = 5,
	.recmpbasis = 0xa0b0,
	.completion_collection_interval = 12,
};
static const uint8_t set_qos_control_req[] = { 3, 30, 80, 5, 0xb0, 0xa0, 12 };
static void check_set_qos_control(const void *p)
{
	/* The settings in force come back in the same layout as Get QoS Control's. */
	check_qos_control(p);
}

static const uint8_t qos_status_wire[] = { 0x42 };
static void check_qos_status(const void *p)
{
	CHECK_INT(((const struct cxlmi_cmd_fmapi_get_qos_status_rsp *)p)->backpressure_avg_percentage, 0x42,
		  "  backpressure_avg_percentage");
}

/* 5600h: 2 hosts, 8 regions, policies, total capacity 3 x 256 MB, region masks. */
static uint8_t dcd_info_wire[84];
static void check_dcd_info(const void *p)
{
	const struct cxlmi_cmd_fmapi_get_dcd_info_rsp *r = p;
	const uint64_t masks[8] = {
		r->region_0_supported_blk_sz_mask, r->region_1_supported_blk_sz_mask, r->region_2_supported_blk_sz_mask,
		r->region_3_supported_blk_sz_mask, r->region_4_supported_blk_sz_mask, r->region_5_supported_blk_sz_mask,
		r->region_6_supported_blk_sz_mask, r->region_7_supported_blk_sz_mask,
	};

	CHECK_INT(r->num_hosts, 2, "  num_hosts");
	CHECK_INT(r->num_supported_dc_regions, 8, "  num_supported_dc_regions");
	CHECK_INT(r->capacity_selection_policies, 0x0102, "  capacity_selection_policies");
	CHECK_INT(r->capacity_removal_policies, 0x0304, "  capacity_removal_policies");
	CHECK_INT(r->sanitize_on_release_config_mask, 0x0f, "  sanitize_on_release_config_mask");
	CHECK_U64(r->total_dynamic_capacity, 3 * UNIT_256MB, "  total_dynamic_capacity, in bytes");
	for (int i = 0; i < 8; i++)
		CHECK_U64(masks[i], 0x1122334455667700ull + i, "  region_%d_supported_blk_sz_mask", i);
	CHECK(r->rsvd1[0] == 0 && r->rsvd1[1] == 0 && r->rsvd2[0] == 0 && r->rsvd3 == 0, "  reserved fields zero");
}

/* 5601h: host 0201h, 4 regions of which 2 returned, then the four counts right after them. */
static const struct cxlmi_cmd_fmapi_get_host_dc_region_config_req reg_config_in = {
	.host_id = 0x0201,
	.region_cnt = 2,
	.start_region_id = 1,
};
static const uint8_t reg_config_req[] = { 0x01, 0x02, 2, 1 };
static uint8_t reg_config_wire[4 + 2 * 40 + 16];
static void check_reg_config(const void *p)
{
	const struct cxlmi_cmd_fmapi_get_host_dc_region_config_rsp *r = p;

	CHECK_INT(r->host_id, 0x0201, "  host_id");
	CHECK_INT(r->num_regions, 4, "  num_regions");
	CHECK_INT(r->regions_returned, 2, "  regions_returned");
	for (int i = 0; i < 2; i++) {
		CHECK_U64(r->region_configs[i].base, 0x1000000000ull * (i + 1) + 0x0102, "  region %d base", i);
		CHECK_U64(r->region_configs[i].decode_len, (i + 2) * UNIT_256MB, "  region %d decode_len in bytes", i);
		CHECK_U64(r->region_configs[i].region_len, 0x2000000000ull + i, "  region %d region_len", i);
		CHECK_U64(r->region_configs[i].block_size, 0x200000, "  region %d block_size", i);
		CHECK_INT(r->region_configs[i].flags, 8, "  region %d flags", i);
		CHECK_INT(r->region_configs[i].sanitize_on_release, 1, "  region %d sanitize_on_release", i);
	}
	CHECK(tc_all_bytes(&r->region_configs[2], 6 * sizeof(r->region_configs[0]), 0), "  regions 2..7 zero");
	CHECK_INT(r->num_extents_supported, 0x01020304, "  num_extents_supported");
	CHECK_INT(r->num_extents_available, 0x05060708, "  num_extents_available");
	CHECK_INT(r->num_tags_supported, 0x090a0b0c, "  num_tags_supported");
	CHECK_INT(r->num_tags_available, 0x0d0e0f10, "  num_tags_available");
}

static const struct cxlmi_cmd_fmapi_set_dc_region_config_req set_region_in = {
	.region_id = 5,
	.rsvd = { 0xee, 0xee, 0xee },
	.block_sz = 0x0102030405060708ull,
	.sanitize_on_release = 1,
	.rsvd2 = { 0xee, 0xee, 0xee },
};
static const uint8_t set_region_req[] = { 5, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1, 1, 0, 0, 0 };

static struct cxlmi_cmd_fmapi_dc_add_ref_req add_ref_in;
static struct cxlmi_cmd_fmapi_dc_remove_ref_req remove_ref_in;

static void build_fixed_wires(void)
{
	uint8_t *w;

	identify_sw_wire[0] = 0x11;
	identify_sw_wire[2] = 0x20;
	identify_sw_wire[3] = 4;
	for (int i = 0; i < 32; i++) {
		identify_sw_wire[4 + i] = (uint8_t)(i + 1);
		identify_sw_wire[36 + i] = (uint8_t)(0x80 | i);
	}
	le16(identify_sw_wire + 68, 0x1234);
	le16(identify_sw_wire + 70, 0x5678);
	identify_sw_wire[72] = 9;

	dcd_info_wire[0] = 2;
	dcd_info_wire[1] = 8;
	dcd_info_wire[2] = dcd_info_wire[3] = dcd_info_wire[11] = 0xee;
	dcd_info_wire[6] = dcd_info_wire[7] = 0xee;
	le16(dcd_info_wire + 4, 0x0102);
	le16(dcd_info_wire + 8, 0x0304);
	dcd_info_wire[10] = 0x0f;
	le64(dcd_info_wire + 12, 3);
	for (int i = 0; i < 8; i++)
		le64(dcd_info_wire + 20 + 8 * i, 0x1122334455667700ull + i);

	w = reg_config_wire;
	le16(w, 0x0201);
	w[2] = 4;
	w[3] = 2;
	for (int i = 0; i < 2; i++) {
		uint8_t *r = w + 4 + 40 * i;

		le64(r, 0x1000000000ull * (i + 1) + 0x0102);
		le64(r + 8, i + 2);
		le64(r + 16, 0x2000000000ull + i);
		le64(r + 24, 0x200000);
		r[32] = 8;
		r[33] = r[34] = r[35] = 0xee;
		r[36] = 1;
		r[37] = r[38] = r[39] = 0xee;
	}
	le32(w + 84, 0x01020304);
	le32(w + 88, 0x05060708);
	le32(w + 92, 0x090a0b0c);
	le32(w + 96, 0x0d0e0f10);

	memcpy(set_sv_in.secret_value_uuid, uuid_a, 16);
	memcpy(add_ref_in.tag, uuid_a, 16);
	memcpy(remove_ref_in.tag, uuid_b, 16);
}

static void test_fixed_commands(void)
{
	const struct fixed_case cases[] = {
		{ "identify_sw_device", 0x51, 0x00, w_identify_sw_device, NULL, NULL, 0, identify_sw_wire, 73,
		  sizeof(struct cxlmi_cmd_fmapi_identify_sw_device_rsp), check_identify_sw },
		{ "phys_port_control", 0x51, 0x02, w_phys_port_control, &port_control_in, port_control_req, 2, NULL, 0,
		  0, NULL },
		{ "send_ppb_cxlio_config_request", 0x51, 0x03, w_send_ppb_cxlio_config_request, &ppb_config_in,
		  ppb_config_req, 8, return_data_wire, 4, 4, check_ppb_config },
		{ "get_domain_validation_sv_state", 0x51, 0x04, w_get_domain_validation_sv_state, NULL, NULL, 0,
		  one_wire, 1, 1, check_sv_state },
		{ "set_domain_validation_sv", 0x51, 0x05, w_set_domain_validation_sv, &set_sv_in, uuid_a, 16, NULL, 0,
		  0, NULL },
		{ "get_vcs_domain_validation_sv_state", 0x51, 0x06, w_get_vcs_domain_validation_sv_state,
		  &vcs_sv_state_in, vcs5_req, 1, one_wire, 1, 1, check_vcs_sv_state },
		{ "get_domain_validation_sv", 0x51, 0x07, w_get_domain_validation_sv, &get_sv_in, vcs6_req, 1, uuid_b,
		  16, 16, check_get_sv },
		{ "bind_vppb", 0x52, 0x01, w_bind_vppb, &bind_in, bind_req, 6, NULL, 0, 0, NULL },
		{ "unbind_vppb", 0x52, 0x02, w_unbind_vppb, &unbind_in, unbind_req, 3, NULL, 0, 0, NULL },
		{ "send_ld_cxlio_config_request", 0x53, 0x01, w_send_ld_cxlio_config_request, &ld_config_in,
		  ld_config_req, 12, deadbeef_wire, 4, 4, check_ld_config },
		{ "get_ld_info", 0x54, 0x00, w_get_ld_info, NULL, NULL, 0, ld_info_wire, 11,
		  sizeof(struct cxlmi_cmd_fmapi_get_ld_info_rsp), check_ld_info },
		{ "get_qos_control", 0x54, 0x03, w_get_qos_control, NULL, NULL, 0, qos_control_wire, 7, 7,
		  check_qos_control },
		{ "set_qos_control", 0x54, 0x04, w_set_qos_control, &set_qos_control_in, set_qos_control_req, 7,
		  qos_control_wire, 7, 7, check_set_qos_control },
		{ "get_qos_status", 0x54, 0x05, w_get_qos_status, NULL, NULL, 0, qos_status_wire, 1, 1,
		  check_qos_status },
		{ "get_dcd_info", 0x56, 0x00, w_get_dcd_info, NULL, NULL, 0, dcd_info_wire, 84,
		  sizeof(struct cxlmi_cmd_fmapi_get_dcd_info_rsp), check_dcd_info },
		{ "get_dc_reg_config", 0x56, 0x01, w_get_dc_reg_config, &reg_config_in, reg_config_req, 4,
		  reg_config_wire, sizeof(reg_config_wire),
		  sizeof(struct cxlmi_cmd_fmapi_get_host_dc_region_config_rsp), check_reg_config },
		{ "set_dc_region_config", 0x56, 0x02, w_set_dc_region_config, &set_region_in, set_region_req, 16, NULL,
		  0, 0, NULL },
		{ "dc_add_reference", 0x56, 0x06, w_dc_add_reference, &add_ref_in, uuid_a, 16, NULL, 0, 0, NULL },
		{ "dc_remove_reference", 0x56, 0x07, w_dc_remove_reference, &remove_ref_in, uuid_b, 16, NULL, 0, 0,
		  NULL },
	};
	size_t i;

	build_fixed_wires();
	CHECK_INT(sizeof(struct cxlmi_cmd_fmapi_identify_sw_device_rsp), 73, "sizeof identify_sw_device_rsp");
	CHECK_INT(sizeof(struct cxlmi_cmd_fmapi_get_dcd_info_rsp), 84, "sizeof get_dcd_info_rsp");
	CHECK_INT(sizeof(struct cxlmi_cmd_fmapi_get_host_dc_region_config_rsp), 340,
		  "sizeof get_host_dc_region_config_rsp");
	for (i = 0; i < ARRAY_LEN(cases); i++)
		run_fixed(&cases[i]);

	/* Eight regions returned: the counts follow the last of them, at the end of the payload. */
	{
		uint8_t wire[340] = { 0 };
		struct cxlmi_cmd_fmapi_get_host_dc_region_config_rsp *r = filled(sizeof(*r));

		wire[2] = 8;
		wire[3] = 200; /* more than the eight the output holds */
		for (int i = 0; i < 8; i++)
			le64(wire + 4 + 40 * i, 0x100 + i);
		le32(wire + 324, 0xa1a2a3a4);
		le32(wire + 336, 0xb1b2b3b4);
		queue(0x56, 0x01, 0, wire, sizeof(wire));
		CHECK_INT(w_get_dc_reg_config(ep, (void *)&reg_config_in, r), 0,
			  "get_dc_reg_config: 200 regions claimed");
		CHECK_INT(r->regions_returned, 8, "  ... regions_returned is the 8 kept");
		CHECK_U64(r->region_configs[7].base, 0x107, "  ... region 7 base");
		CHECK_INT(r->num_extents_supported, 0xa1a2a3a4, "  ... num_extents_supported after region 7");
		CHECK_INT(r->num_tags_available, 0xb1b2b3b4, "  ... num_tags_available");
		free(r);
	}
}

/* ------------------------------------------------------------------------ */
/* Commands with lists in their requests or responses.                       */

static void test_phys_port_state(void)
{
	const size_t in_size = sizeof(struct cxlmi_cmd_fmapi_get_phys_port_state_req) + 3;
	const size_t out_size = sizeof(struct cxlmi_cmd_fmapi_get_phys_port_state_rsp) +
				3 * sizeof(struct cxlmi_cmd_fmapi_port_state_info_block);
	struct cxlmi_cmd_fmapi_get_phys_port_state_req *in = filled(in_size);
	struct cxlmi_cmd_fmapi_get_phys_port_state_rsp *out = filled(out_size);
	const uint8_t sent[] = { 3, 1, 7, 9 };
	uint8_t wire[4 + 5 * 16] = { 0 };
	int rc;

	printf("--- get_phys_port_state (5101h)\n");
	CHECK_INT(sizeof(struct cxlmi_cmd_fmapi_port_state_info_block), 16, "sizeof port_state_info_block");
	in->num_ports = 3;
	in->ports[0] = 1;
	in->ports[1] = 7;
	in->ports[2] = 9;
	wire[0] = 3;
	for (int i = 0; i < 3; i++) {
		uint8_t *b = wire + 4 + 16 * i;

		for (int j = 0; j < 13; j++)
			b[j] = (uint8_t)(0x10 * i + j);
		b[0] = in->ports[i];
		b[3] = 0;
		le16(b + 13, (uint16_t)(0x8001 + i));
		b[15] = (uint8_t)(4 + i);
	}
	queue(0x51, 0x01, 0, wire, 4 + 3 * 16);
	rc = cxlmi_cmd_fmapi_get_phys_port_state(ep, NULL, in, out);
	CHECK_INT(rc, 0, "get_phys_port_state: succeeds");
	CHECK_SENT(ep, 0x51, 0x01, sent, sizeof(sent), "get_phys_port_state");
	CHECK_INT(out->num_ports, 3, "  num_ports");
	for (int i = 0; rc == 0 && i < 3; i++) {
		const struct cxlmi_cmd_fmapi_port_state_info_block *b = &out->ports[i];

		CHECK_INT(b->port_id, in->ports[i], "  port %d port_id", i);
		CHECK_INT(b->config_state, 0x10 * i + 1, "  port %d config_state", i);
		CHECK_INT(b->conn_dev_cxl_ver, 0x10 * i + 2, "  port %d conn_dev_cxl_ver", i);
		CHECK_INT(b->conn_dev_type, 0x10 * i + 4, "  port %d conn_dev_type", i);
		CHECK_INT(b->port_cxl_ver_bitmask, 0x10 * i + 5, "  port %d port_cxl_ver_bitmask", i);
		CHECK_INT(b->max_link_width, 0x10 * i + 6, "  port %d max_link_width", i);
		CHECK_INT(b->negotiated_link_width, 0x10 * i + 7, "  port %d negotiated_link_width", i);
		CHECK_INT(b->supported_link_speeds_vector, 0x10 * i + 8, "  port %d supported_link_speeds_vector", i);
		CHECK_INT(b->max_link_speed, 0x10 * i + 9, "  port %d max_link_speed", i);
		CHECK_INT(b->current_link_speed, 0x10 * i + 10, "  port %d current_link_speed", i);
		CHECK_INT(b->ltssm_state, 0x10 * i + 11, "  port %d ltssm_state", i);
		CHECK_INT(b->first_lane_num, 0x10 * i + 12, "  port %d first_lane_num", i);
		CHECK_INT(b->link_state, 0x8001 + i, "  port %d link_state", i);
		CHECK_INT(b->supported_ld_count, 4 + i, "  port %d supported_ld_count", i);
	}

	/* The response claims 200 ports and carries five blocks: three are kept, none written past. */
	wire[0] = 200;
	queue(0x51, 0x01, 0, wire, sizeof(wire));
	CHECK_INT(cxlmi_cmd_fmapi_get_phys_port_state(ep, NULL, in, out), 0, "get_phys_port_state: 200 claimed");
	CHECK_INT(out->num_ports, 3, "  ... num_ports is the 3 asked for");

	memset(out, FILL, out_size);
	queue(0x51, 0x01, CXLMI_RET_INPUT, wire, sizeof(wire));
	CHECK_INT(cxlmi_cmd_fmapi_get_phys_port_state(ep, NULL, in, out), CXLMI_RET_INPUT,
		  "get_phys_port_state: return code 2 (invalid input) returned");
	CHECK(tc_all_bytes(out, out_size, FILL), "  ... output untouched");
	free(in);
	free(out);
}

/* A device return code comes back as the return value and leaves the output as it was. */
static void check_device_error(const char *name, uint8_t set, uint8_t cmd,
			       int (*call)(struct cxlmi_endpoint *, void *, void *), void *in, void *out,
			       size_t out_size)
{
	if (out)
		memset(out, FILL, out_size);
	queue(set, cmd, CXLMI_RET_INPUT, NULL, 0);
	CHECK_INT(call(ep, in, out), CXLMI_RET_INPUT, "%s: return code 2 (invalid input) returned", name);
	if (out)
		CHECK(tc_all_bytes(out, out_size, FILL), "  ... output untouched");
}

static void test_vcs_info(void)
{
	const size_t in_size = sizeof(struct cxlmi_cmd_fmapi_get_vcs_info_req) + 2;
	/* The fixed part and two blocks of up to two vPPBs each: what the request implies. */
	const size_t out_size = 4 + 2 * (4 + 2 * 4);
	struct cxlmi_cmd_fmapi_get_vcs_info_req *in = filled(in_size);
	uint8_t *out = filled(out_size);
	const uint8_t sent[] = { 1, 2, 2, 0, 1 };
	/* VCS 0: enabled, USP 5, one vPPB bound to port 5; VCS 1: USP 6, two vPPBs bound to LDs 0 and 1 of port 6. */
	const uint8_t wire[24] = {
		2, 0, 0, 0, 0, 1, 5, 1, 2, 5, 0xff, 0, 1, 1, 6, 2, 3, 6, 0, 0, 3, 6, 1, 0,
	};
	uint8_t want[28] = { 0 };
	uint8_t lying[4 + 8 + 4 + 5 * 4];
	const struct cxlmi_cmd_fmapi_get_vcs_info_rsp *head = (const void *)out;
	const struct cxlmi_cmd_fmapi_vcs_info_block *b0 = (const void *)(out + 4), *b1 = (const void *)(out + 12);

	printf("--- get_vcs_info (5200h)\n");
	in->start_vppb = 1;
	in->vppb_list_limit = 2;
	in->num_vcs = 2;
	in->vcs_id_list[0] = 0;
	in->vcs_id_list[1] = 1;
	queue(0x52, 0x00, 0, wire, sizeof(wire));
	CHECK_INT(cxlmi_cmd_fmapi_get_vcs_info(ep, NULL, in, (void *)out), 0, "get_vcs_info: succeeds");
	CHECK_SENT(ep, 0x52, 0x00, sent, sizeof(sent), "get_vcs_info");
	/* The blocks lie back to back as on the wire; the rest of the room is zero. */
	memcpy(want, wire, sizeof(wire));
	CHECK_BYTES(out, want, out_size, "  blocks as received, rest of the room zero");
	CHECK_INT(head->num_vcs, 2, "  num_vcs");
	CHECK_INT(b0->usp_id, 5, "  VCS 0 usp_id");
	CHECK_INT(b0->num_vppbs, 1, "  VCS 0 num_vppbs");
	CHECK_INT(b0->vppbs[0].bound_ld_id, 0xff, "  VCS 0 vPPB 0 bound_ld_id");
	CHECK_INT(b1->vcs_id, 1, "  VCS 1 vcs_id");
	CHECK_INT(b1->num_vppbs, 2, "  VCS 1 num_vppbs");
	CHECK_INT(b1->vppbs[1].binding_status, 3, "  VCS 1 vPPB 1 binding_status");
	CHECK_INT(b1->vppbs[1].bound_port_id, 6, "  VCS 1 vPPB 1 bound_port_id");
	CHECK_INT(b1->vppbs[1].bound_ld_id, 1, "  VCS 1 vPPB 1 bound_ld_id");

	/* Nine VCSs claimed, and VCS 1 claims five vPPBs: two blocks of at most two vPPBs are kept. */
	memcpy(lying, wire, 12);
	lying[0] = 9;
	memcpy(lying + 12, (const uint8_t[]){ 1, 1, 6, 5 }, 4);
	for (int i = 0; i < 5; i++)
		memcpy(lying + 16 + 4 * i, (const uint8_t[]){ 3, 6, (uint8_t)i, 0 }, 4);
	queue(0x52, 0x00, 0, lying, sizeof(lying));
	CHECK_INT(cxlmi_cmd_fmapi_get_vcs_info(ep, NULL, in, (void *)out), 0, "get_vcs_info: 9 VCSs, 5 vPPBs claimed");
	memcpy(want, lying, 24);
	want[0] = 2;
	want[15] = 2;
	memset(want + 24, 0, 4);
	CHECK_BYTES(out, want, out_size, "  ... 2 VCSs and 2 vPPBs kept, counts set to them");

	/* VCS 0 claims 200 vPPBs: two are kept, and VCS 1 (past 200 entries) is not in the payload. */
	memcpy(lying, wire, sizeof(wire));
	lying[7] = 200;
	queue(0x52, 0x00, 0, lying, sizeof(wire));
	CHECK_INT(cxlmi_cmd_fmapi_get_vcs_info(ep, NULL, in, (void *)out), 0, "get_vcs_info: 200 vPPBs claimed");
	memset(want, 0, sizeof(want));
	memcpy(want, wire, 16);
	want[0] = 1;
	want[7] = 2;
	CHECK_BYTES(out, want, out_size, "  ... 1 VCS with 2 vPPBs kept, nothing past the room");

	check_device_error("get_vcs_info", 0x52, 0x00, w_get_vcs_info, in, out, out_size);
	free(in);
	free(out);
}

static void test_ld_cxlio_mem_request(void)
{
	const size_t in_size = sizeof(struct cxlmi_cmd_fmapi_send_ld_cxlio_mem_request_req) + 8;
	const size_t out_size = sizeof(struct cxlmi_cmd_fmapi_send_ld_cxlio_mem_request_rsp) + 8;
	struct cxlmi_cmd_fmapi_send_ld_cxlio_mem_request_req *in = filled(in_size);
	struct cxlmi_cmd_fmapi_send_ld_cxlio_mem_request_rsp *out = filled(out_size);
	uint8_t sent[23] = { 3, 0x0f, 0x80, 0x02, 0x01, 8, 0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 };
	uint8_t wire[4 + 16] = { 8, 0, 0xee, 0xee };

	printf("--- send_ld_cxlio_mem_request (5302h)\n");
	CHECK_INT(sizeof(*in), 15, "sizeof send_ld_cxlio_mem_request_req");
	in->port_id = 3;
	in->field_1[0] = 0x0f;
	in->field_1[1] = 0x80;
	in->ld_id = 0x0102;
	in->transaction_len = 8;
	in->transaction_addr = 0x1122334455667788ull;
	for (int i = 0; i < 8; i++) {
		in->transaction_data[i] = (uint8_t)(0x99 - i);
		sent[15 + i] = (uint8_t)(0x99 - i);
	}
	for (int i = 0; i < 16; i++)
		wire[4 + i] = (uint8_t)(0xd0 + i);
	queue(0x53, 0x02, 0, wire, 12);
	CHECK_INT(cxlmi_cmd_fmapi_send_ld_cxlio_mem_request(ep, NULL, in, out), 0,
		  "send_ld_cxlio_mem_request: succeeds");
	CHECK_SENT(ep, 0x53, 0x02, sent, sizeof(sent), "send_ld_cxlio_mem_request");
	CHECK_INT(out->return_size, 8, "  return_size");
	CHECK_BYTES(out->return_data, wire + 4, 8, "  return_data");

	/* 4096 bytes claimed, 16 carried: the 8 asked for are kept. */
	le16(wire, 0x1000);
	queue(0x53, 0x02, 0, wire, sizeof(wire));
	CHECK_INT(cxlmi_cmd_fmapi_send_ld_cxlio_mem_request(ep, NULL, in, out), 0,
		  "send_ld_cxlio_mem_request: 4096 bytes claimed");
	CHECK_INT(out->return_size, 8, "  ... return_size is the 8 asked for");

	/* More than 4 KB of data is refused rather than cut short, and the data is not read. */
	in->transaction_len = 0x1001;
	CHECK_FAILS(cxlmi_cmd_fmapi_send_ld_cxlio_mem_request(ep, NULL, in, out), EINVAL,
		    "send_ld_cxlio_mem_request: 4097 bytes refused");
	in->transaction_len = 0xffff;
	CHECK_FAILS(cxlmi_cmd_fmapi_send_ld_cxlio_mem_request(ep, NULL, in, out), EINVAL,
		    "send_ld_cxlio_mem_request: 65535 bytes refused");

	in->transaction_len = 0;
	sent[5] = 0;
	queue(0x53, 0x02, 0, wire, sizeof(wire));
	CHECK_INT(cxlmi_cmd_fmapi_send_ld_cxlio_mem_request(ep, NULL, in, out), 0,
		  "send_ld_cxlio_mem_request: no data");
	CHECK_SENT(ep, 0x53, 0x02, sent, 15, "send_ld_cxlio_mem_request with no data");
	CHECK_INT(out->return_size, 0, "  ... return_size 0");

	in->transaction_len = 8;
	check_device_error("send_ld_cxlio_mem_request", 0x53, 0x02, w_send_ld_cxlio_mem_request, in, out, out_size);
	free(in);
	free(out);
}

static void put_allocation(uint8_t *p, uint64_t r1, uint64_t r2)
{
	le64(p, r1);
	le64(p + 8, r2);
}

static void test_ld_allocations(void)
{
	struct cxlmi_cmd_fmapi_get_ld_allocations_req get_in = { .start_ld_id = 1, .ld_allocation_list_limit = 2 };
	const size_t out_size = sizeof(struct cxlmi_cmd_fmapi_get_ld_allocations_rsp) +
				2 * sizeof(struct cxlmi_cmd_fmapi_ld_allocations_list);
	struct cxlmi_cmd_fmapi_get_ld_allocations_rsp *out = filled(out_size);
	const size_t set_in_size = sizeof(struct cxlmi_cmd_fmapi_set_ld_allocations_req) +
				   2 * sizeof(struct cxlmi_cmd_fmapi_ld_allocations_list);
	struct cxlmi_cmd_fmapi_set_ld_allocations_req *set_in = filled(set_in_size);
	struct cxlmi_cmd_fmapi_set_ld_allocations_rsp *set_out = filled(out_size);
	const uint8_t get_sent[] = { 1, 2 };
	uint8_t wire[4 + 3 * 16] = { 4, 1, 1, 2 };
	uint8_t set_sent[4 + 2 * 16] = { 2, 6, 0, 0 };

	printf("--- get_ld_allocations (5401h)\n");
	CHECK_INT(sizeof(struct cxlmi_cmd_fmapi_ld_allocations_list), 16, "sizeof ld_allocations_list");
	for (int i = 0; i < 3; i++)
		put_allocation(wire + 4 + 16 * i, 0x0102030405060708ull + i, 0x1112131415161718ull + i);
	queue(0x54, 0x01, 0, wire, 4 + 32);
	CHECK_INT(cxlmi_cmd_fmapi_get_ld_allocations(ep, NULL, &get_in, out), 0, "get_ld_allocations: succeeds");
	CHECK_SENT(ep, 0x54, 0x01, get_sent, 2, "get_ld_allocations");
	CHECK_INT(out->number_ld, 4, "  number_ld");
	CHECK_INT(out->memory_granularity, 1, "  memory_granularity");
	CHECK_INT(out->start_ld_id, 1, "  start_ld_id");
	CHECK_INT(out->ld_allocation_list_len, 2, "  ld_allocation_list_len");
	for (int i = 0; i < 2; i++) {
		CHECK_U64(out->ld_allocation_list[i].range_1_allocation_mult, 0x0102030405060708ull + i,
			  "  LD %d range_1_allocation_mult", i);
		CHECK_U64(out->ld_allocation_list[i].range_2_allocation_mult, 0x1112131415161718ull + i,
			  "  LD %d range_2_allocation_mult", i);
	}
	wire[3] = 9;
	queue(0x54, 0x01, 0, wire, sizeof(wire));
	CHECK_INT(cxlmi_cmd_fmapi_get_ld_allocations(ep, NULL, &get_in, out), 0, "get_ld_allocations: 9 claimed");
	CHECK_INT(out->ld_allocation_list_len, 2, "  ... ld_allocation_list_len is the 2 asked for");
	check_device_error("get_ld_allocations", 0x54, 0x01, w_get_ld_allocations, &get_in, out, out_size);

	printf("--- set_ld_allocations (5402h)\n");
	set_in->number_ld = 2;
	set_in->start_ld_id = 6;
	set_in->rsvd[0] = set_in->rsvd[1] = 0xee;
	for (int i = 0; i < 2; i++) {
		set_in->ld_allocation_list[i].range_1_allocation_mult = 0x2122232425262728ull + i;
		set_in->ld_allocation_list[i].range_2_allocation_mult = 0x3132333435363738ull + i;
		put_allocation(set_sent + 4 + 16 * i, 0x2122232425262728ull + i, 0x3132333435363738ull + i);
	}
	memcpy(wire, (const uint8_t[]){ 2, 6, 0, 0 }, 4);
	queue(0x54, 0x02, 0, wire, 4 + 32);
	CHECK_INT(cxlmi_cmd_fmapi_set_ld_allocations(ep, NULL, set_in, set_out), 0, "set_ld_allocations: succeeds");
	CHECK_SENT(ep, 0x54, 0x02, set_sent, sizeof(set_sent), "set_ld_allocations (reserved sent as zero)");
	CHECK_INT(set_out->number_ld, 2, "  number_ld");
	CHECK_INT(set_out->start_ld_id, 6, "  start_ld_id");
	CHECK_U64(set_out->ld_allocation_list[1].range_1_allocation_mult, 0x0102030405060709ull,
		  "  LD 1 range_1_allocation_mult in force");
	CHECK_U64(set_out->ld_allocation_list[1].range_2_allocation_mult, 0x1112131415161719ull,
		  "  LD 1 range_2_allocation_mult in force");
	wire[0] = 50;
	queue(0x54, 0x02, 0, wire, sizeof(wire));
	CHECK_INT(cxlmi_cmd_fmapi_set_ld_allocations(ep, NULL, set_in, set_out), 0, "set_ld_allocations: 50 claimed");
	CHECK_INT(set_out->number_ld, 2, "  ... number_ld is the 2 sent");
	check_device_error("set_ld_allocations", 0x54, 0x02, w_set_ld_allocations, set_in, set_out, out_size);
	free(out);
	free(set_in);
	free(set_out);
}

/*
 * The QoS bandwidth commands share one shape: a head of number_ld and
 * start_ld_id, then one byte per LD (after the request head too for Set).
 */
static void run_qos_list(const char *name, uint8_t cmd, int (*call)(struct cxlmi_endpoint *, void *, void *), bool set)
{
	const uint8_t get_head[] = { 3, 1 };
	const uint8_t set_req[] = { 3, 4, 0x40, 0x80, 0xc0 };
	uint8_t wire[2 + 6] = { 3, 1, 10, 20, 30, 40, 50, 60 };
	uint8_t in[5];
	uint8_t *out = filled(2 + 3);

	printf("--- %s (54%02xh)\n", name, cmd);
	memcpy(in, set ? set_req : get_head, set ? 5 : 2);
	if (set)
		wire[1] = 4;
	queue(0x54, cmd, 0, wire, 5);
	CHECK_INT(call(ep, in, out), 0, "%s: succeeds", name);
	CHECK_SENT(ep, 0x54, cmd, in, set ? 5 : 2, "%s", name);
	CHECK_BYTES(out, wire, 5, "  number_ld, start_ld_id and three fractions");

	wire[0] = 250;
	queue(0x54, cmd, 0, wire, sizeof(wire));
	CHECK_INT(call(ep, in, out), 0, "%s: 250 claimed", name);
	CHECK_INT(out[0], 3, "  ... number_ld is the 3 asked for");
	CHECK_BYTES(out + 2, wire + 2, 3, "  ... three fractions kept");
	check_device_error(name, 0x54, cmd, call, in, out, 5);
	free(out);
}

static void test_qos_lists(void)
{
	run_qos_list("get_qos_allocated_bw", 0x06, w_get_qos_allocated_bw, false);
	run_qos_list("set_qos_allocated_bw", 0x07, w_set_qos_allocated_bw, true);
	run_qos_list("get_qos_bw_limit", 0x08, w_get_qos_bw_limit, false);
	run_qos_list("set_qos_bw_limit", 0x09, w_set_qos_bw_limit, true);
}

static void test_multi_headed(void)
{
	struct cxlmi_cmd_fmapi_get_multiheaded_info_req mh_in = { .start_ld_id = 0, .ld_map_list_limit = 4 };
	const size_t mh_size = sizeof(struct cxlmi_cmd_fmapi_get_multiheaded_info_rsp) + 4;
	struct cxlmi_cmd_fmapi_get_multiheaded_info_rsp *mh = filled(mh_size);
	uint8_t mh_wire[8 + 6] = { 16, 2, 0, 0, 0, 4, 0, 0, 0, 1, 0xff, 1, 0, 1 };
	const uint8_t mh_sent[] = { 0, 4 };
	struct cxlmi_cmd_fmapi_get_head_info_req hi_in = { .start_head = 1, .num_heads = 2 };
	const size_t hi_size = sizeof(struct cxlmi_cmd_fmapi_get_head_info_rsp) +
			       2 * sizeof(struct cxlmi_cmd_fmapi_get_head_info_blkfmt);
	struct cxlmi_cmd_fmapi_get_head_info_rsp *hi = filled(hi_size);
	uint8_t hi_wire[4 + 3 * 9] = { 2 };
	const uint8_t hi_sent[] = { 1, 2 };

	printf("--- get_multiheaded_info (5500h)\n");
	queue(0x55, 0x00, 0, mh_wire, 12);
	CHECK_INT(cxlmi_cmd_fmapi_get_multiheaded_info(ep, NULL, &mh_in, mh), 0, "get_multiheaded_info: succeeds");
	CHECK_SENT(ep, 0x55, 0x00, mh_sent, 2, "get_multiheaded_info");
	CHECK_INT(mh->num_lds, 16, "  num_lds");
	CHECK_INT(mh->num_heads, 2, "  num_heads");
	CHECK_INT(mh->start_ld_id, 0, "  start_ld_id");
	CHECK_INT(mh->ld_map_len, 4, "  ld_map_len");
	CHECK_BYTES(mh->ld_map, mh_wire + 8, 4, "  ld_map");
	mh_wire[5] = 200;
	queue(0x55, 0x00, 0, mh_wire, sizeof(mh_wire));
	CHECK_INT(cxlmi_cmd_fmapi_get_multiheaded_info(ep, NULL, &mh_in, mh), 0, "get_multiheaded_info: 200 claimed");
	CHECK_INT(mh->ld_map_len, 4, "  ... ld_map_len is the limit of 4");
	check_device_error("get_multiheaded_info", 0x55, 0x00, w_get_multiheaded_info, &mh_in, mh, mh_size);

	printf("--- get_head_info (5501h)\n");
	CHECK_INT(sizeof(struct cxlmi_cmd_fmapi_get_head_info_blkfmt), 9, "sizeof get_head_info_blkfmt");
	for (int i = 0; i < 27; i++)
		hi_wire[4 + i] = (uint8_t)(0x20 + i);
	queue(0x55, 0x01, 0, hi_wire, 4 + 18);
	CHECK_INT(cxlmi_cmd_fmapi_get_head_info(ep, NULL, &hi_in, hi), 0, "get_head_info: succeeds");
	CHECK_SENT(ep, 0x55, 0x01, hi_sent, 2, "get_head_info");
	CHECK_INT(hi->num_heads, 2, "  num_heads");
	CHECK_INT(hi->head_info_list[0].port_num, 0x20, "  head 0 port_num");
	CHECK_INT(hi->head_info_list[1].port_num, 0x29, "  head 1 port_num");
	CHECK_INT(hi->head_info_list[1].field_1, 0x2a, "  head 1 max link width");
	CHECK_INT(hi->head_info_list[1].ltssm_state, 0x2f, "  head 1 ltssm_state");
	CHECK_INT(hi->head_info_list[1].link_state_flags, 0x31, "  head 1 link_state_flags");
	hi_wire[0] = 9;
	queue(0x55, 0x01, 0, hi_wire, sizeof(hi_wire));
	CHECK_INT(cxlmi_cmd_fmapi_get_head_info(ep, NULL, &hi_in, hi), 0, "get_head_info: 9 claimed");
	CHECK_INT(hi->num_heads, 2, "  ... num_heads is the 2 asked for");
	check_device_error("get_head_info", 0x55, 0x01, w_get_head_info, &hi_in, hi, hi_size);
	free(mh);
	free(hi);
}

static void put_extent(uint8_t *p, int i)
{
	le64(p, 0x0000000140000000ull + ((uint64_t)i << 28));
	le64(p + 8, 0x10000000ull * (i + 1));
	for (int j = 0; j < 16; j++)
		p[16 + j] = (uint8_t)(0xa0 + 16 * i + j);
	le16(p + 32, (uint16_t)(0x0b0c + i));
	memset(p + 34, 0, 6);
}

static void set_extent(struct cxlmi_fmapi_dc_extent *e, int i)
{
	e->start_dpa = 0x0000000140000000ull + ((uint64_t)i << 28);
	e->len = 0x10000000ull * (i + 1);
	for (int j = 0; j < 16; j++)
		e->tag[j] = (uint8_t)(0xa0 + 16 * i + j);
	e->shared_seq = (uint16_t)(0x0b0c + i);
	memset(e->rsvd, 0xee, sizeof(e->rsvd)); /* must go out as zero */
}

static void test_dc_extents(void)
{
	struct cxlmi_cmd_fmapi_get_dc_region_ext_list_req list_in = {
		.host_id = 0x0102,
		.rsvd = { 0xee, 0xee },
		.extent_count = 2,
		.start_ext_index = 0x0a0b0c0d,
	};
	const uint8_t list_sent[] = { 0x02, 0x01, 0, 0, 2, 0, 0, 0, 0x0d, 0x0c, 0x0b, 0x0a };
	const size_t list_size =
		sizeof(struct cxlmi_cmd_fmapi_get_dc_region_ext_list_rsp) + 2 * sizeof(struct cxlmi_fmapi_dc_extent);
	struct cxlmi_cmd_fmapi_get_dc_region_ext_list_rsp *list = filled(list_size);
	uint8_t wire[24 + 3 * 40] = { 0x02, 0x01 };
	const size_t add_size =
		sizeof(struct cxlmi_cmd_fmapi_initiate_dc_add_req) + 2 * sizeof(struct cxlmi_fmapi_dc_extent);
	struct cxlmi_cmd_fmapi_initiate_dc_add_req *add = filled(add_size);
	uint8_t add_sent[32 + 2 * 40] = { 0x01, 0x02, 2, 1, 0, 0, 0, 0x20, 1, 0, 0, 0 };
	const size_t rel_size =
		sizeof(struct cxlmi_cmd_fmapi_initiate_dc_release_req) + sizeof(struct cxlmi_fmapi_dc_extent);
	struct cxlmi_cmd_fmapi_initiate_dc_release_req *rel = filled(rel_size);
	uint8_t rel_sent[32 + 40] = { 3, 0, 0x21, 0, 0, 0, 0, 0, 0, 1, 0, 0 };

	printf("--- get_dc_region_ext_list (5603h)\n");
	CHECK_INT(sizeof(struct cxlmi_fmapi_dc_extent), 40, "sizeof dc_extent");
	le32(wire + 4, 0x0a0b0c0d);
	le32(wire + 8, 2);
	le32(wire + 12, 30);
	le32(wire + 16, 0x01020304);
	for (int i = 0; i < 3; i++)
		put_extent(wire + 24 + 40 * i, i);
	queue(0x56, 0x03, 0, wire, 24 + 80);
	CHECK_INT(cxlmi_cmd_fmapi_get_dc_region_ext_list(ep, NULL, &list_in, list), 0,
		  "get_dc_region_ext_list: succeeds");
	CHECK_SENT(ep, 0x56, 0x03, list_sent, sizeof(list_sent), "get_dc_region_ext_list (reserved sent as zero)");
	CHECK_INT(list->host_id, 0x0102, "  host_id");
	CHECK_INT(list->start_ext_index, 0x0a0b0c0d, "  start_ext_index");
	CHECK_INT(list->extents_returned, 2, "  extents_returned");
	CHECK_INT(list->total_extents, 30, "  total_extents");
	CHECK_INT(list->list_generation_num, 0x01020304, "  list_generation_num");
	for (int i = 0; i < 2; i++) {
		CHECK_U64(list->extents[i].start_dpa, 0x0000000140000000ull + ((uint64_t)i << 28),
			  "  extent %d start_dpa", i);
		CHECK_U64(list->extents[i].len, 0x10000000ull * (i + 1), "  extent %d len", i);
		CHECK_BYTES(list->extents[i].tag, wire + 24 + 40 * i + 16, 16, "  extent %d tag", i);
		CHECK_INT(list->extents[i].shared_seq, 0x0b0c + i, "  extent %d shared_seq", i);
	}
	le32(wire + 8, 1000);
	queue(0x56, 0x03, 0, wire, sizeof(wire));
	CHECK_INT(cxlmi_cmd_fmapi_get_dc_region_ext_list(ep, NULL, &list_in, list), 0,
		  "get_dc_region_ext_list: 1000 claimed");
	CHECK_INT(list->extents_returned, 2, "  ... extents_returned is the 2 asked for");
	check_device_error("get_dc_region_ext_list", 0x56, 0x03, w_get_dc_region_ext_list, &list_in, list, list_size);
	list_in.extent_count = 0x100000;
	/* A limit past one message is the component's to apply: it is sent
	 * (the mock has nothing queued, so it answers unsupported). */
	CHECK_INT(cxlmi_cmd_fmapi_get_dc_region_ext_list(ep, NULL, &list_in, list), CXLMI_RET_UNSUPPORTED,
		  "get_dc_region_ext_list: 1M extents (past one message) sent");

	printf("--- initiate_dc_add (5604h)\n");
	CHECK_INT(sizeof(*add), 32, "sizeof initiate_dc_add_req");
	add->host_id = 0x0201;
	add->selection_policy = 2;
	add->region_num = 1;
	add->length = 0x0000000120000000ull;
	memcpy(add->tag, uuid_a, 16);
	add->ext_count = 2;
	memcpy(add_sent + 12, uuid_a, 16);
	add_sent[28] = 2;
	for (int i = 0; i < 2; i++) {
		set_extent(&add->extents[i], i);
		put_extent(add_sent + 32 + 40 * i, i);
	}
	queue(0x56, 0x04, 0, NULL, 0);
	CHECK_INT(cxlmi_cmd_fmapi_initiate_dc_add(ep, NULL, add), 0, "initiate_dc_add: succeeds");
	CHECK_SENT(ep, 0x56, 0x04, add_sent, sizeof(add_sent), "initiate_dc_add (extent reserved bytes zero)");
	check_device_error("initiate_dc_add", 0x56, 0x04, w_initiate_dc_add, add, NULL, 0);
	add->ext_count = 0x10000000;
	CHECK_FAILS(cxlmi_cmd_fmapi_initiate_dc_add(ep, NULL, add), EINVAL,
		    "initiate_dc_add: 2^28 extents refused without reading them");

	printf("--- initiate_dc_release (5605h)\n");
	rel->host_id = 3;
	rel->flags = 0x21;
	rel->rsvd = 0xee;
	rel->length = 0x0000010000000000ull;
	memcpy(rel->tag, uuid_b, 16);
	rel->ext_count = 1;
	set_extent(&rel->extents[0], 2);
	le64(rel_sent + 4, 0x0000010000000000ull);
	memcpy(rel_sent + 12, uuid_b, 16);
	rel_sent[28] = 1;
	put_extent(rel_sent + 32, 2);
	queue(0x56, 0x05, 0, NULL, 0);
	CHECK_INT(cxlmi_cmd_fmapi_initiate_dc_release(ep, NULL, rel), 0, "initiate_dc_release: succeeds");
	CHECK_SENT(ep, 0x56, 0x05, rel_sent, sizeof(rel_sent), "initiate_dc_release (reserved sent as zero)");
	check_device_error("initiate_dc_release", 0x56, 0x05, w_initiate_dc_release, rel, NULL, 0);
	rel->ext_count = 0xffffffff;
	CHECK_FAILS(cxlmi_cmd_fmapi_initiate_dc_release(ep, NULL, rel), EINVAL,
		    "initiate_dc_release: 2^32-1 extents refused without reading them");
	free(list);
	free(add);
	free(rel);
}

static void test_dc_list_tags(void)
{
	struct cxlmi_cmd_fmapi_dc_list_tags_req in = { .start_idx = 0x01020304, .tags_count = 2 };
	const uint8_t sent[] = { 4, 3, 2, 1, 2, 0, 0, 0 };
	const size_t out_size =
		sizeof(struct cxlmi_cmd_fmapi_dc_list_tags_rsp) + 2 * sizeof(struct cxlmi_fmapi_dc_tag_entry);
	struct cxlmi_cmd_fmapi_dc_list_tags_rsp *out = filled(out_size);
	uint8_t wire[16 + 3 * 84] = { 0 };

	printf("--- dc_list_tags (5608h)\n");
	CHECK_INT(sizeof(struct cxlmi_fmapi_dc_tag_entry), 84, "sizeof dc_tag_entry");
	le32(wire, 0x11223344);
	le32(wire + 4, 0x55667788);
	le32(wire + 8, 2);
	wire[12] = 3;
	for (int i = 0; i < 3; i++) {
		uint8_t *t = wire + 16 + 84 * i;

		for (int j = 0; j < 16; j++)
			t[j] = (uint8_t)(0x40 + 16 * i + j);
		t[16] = (uint8_t)(1 + i);
		for (int j = 0; j < 32; j++) {
			t[20 + j] = (uint8_t)(i + j);
			t[52 + j] = (uint8_t)(0x80 + i + j);
		}
	}
	queue(0x56, 0x08, 0, wire, 16 + 2 * 84);
	CHECK_INT(cxlmi_cmd_fmapi_dc_list_tags(ep, NULL, &in, out), 0, "dc_list_tags: succeeds");
	CHECK_SENT(ep, 0x56, 0x08, sent, sizeof(sent), "dc_list_tags");
	CHECK_INT(out->generation_num, 0x11223344, "  generation_num");
	CHECK_INT(out->total_num_tags, 0x55667788, "  total_num_tags");
	CHECK_INT(out->num_tags_returned, 2, "  num_tags_returned");
	CHECK_INT(out->validity_bitmap, 3, "  validity_bitmap");
	for (int i = 0; i < 2; i++) {
		const uint8_t *t = wire + 16 + 84 * i;

		CHECK_BYTES(out->tags_list[i].tag, t, 16, "  tag %d tag", i);
		CHECK_INT(out->tags_list[i].flags, 1 + i, "  tag %d flags", i);
		CHECK_BYTES(out->tags_list[i].ref_bitmap, t + 20, 32, "  tag %d ref_bitmap", i);
		CHECK_BYTES(out->tags_list[i].pending_ref_bitmap, t + 52, 32, "  tag %d pending_ref_bitmap", i);
	}
	le32(wire + 8, 77);
	queue(0x56, 0x08, 0, wire, sizeof(wire));
	CHECK_INT(cxlmi_cmd_fmapi_dc_list_tags(ep, NULL, &in, out), 0, "dc_list_tags: 77 claimed");
	CHECK_INT(out->num_tags_returned, 2, "  ... num_tags_returned is the 2 asked for");
	check_device_error("dc_list_tags", 0x56, 0x08, w_dc_list_tags, &in, out, out_size);
	in.tags_count = 0xffffffff;
	CHECK_INT(cxlmi_cmd_fmapi_dc_list_tags(ep, NULL, &in, out), CXLMI_RET_UNSUPPORTED,
		  "dc_list_tags: 2^32-1 tags sent (a limit for the component)");
	free(out);
}

int main(void)
{
	ctx = cxlmi_new_ctx(stderr, 0);
	CHECK(ctx != NULL, "cxlmi_new_ctx");
	if (!ctx)
		return finish();
	ep = cxlmi_open_mock(ctx);
	CHECK(ep != NULL, "cxlmi_open_mock");
	if (!ep) {
		cxlmi_free_ctx(ctx);
		return finish();
	}
	CHECK(cxlmi_endpoint_has_fmapi(ep), "a mock endpoint has FM-API");

	test_every_command();
	test_fixed_commands();
	test_phys_port_state();
	test_vcs_info();
	test_ld_cxlio_mem_request();
	test_ld_allocations();
	test_qos_lists();
	test_multi_headed();
	test_dc_extents();
	test_dc_list_tags();

	cxlmi_close(ep);
	cxlmi_free_ctx(ctx);
	return finish();
}
