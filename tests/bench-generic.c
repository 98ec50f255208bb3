// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Time per call of every Generic Component command on a mock endpoint.
 *
 *   bench-generic [N]
 *
 * Each command is called N times (default 200000). Responses are queued in
 * batches of 1024 and then consumed by 1024 calls, timed apart: "ns/call" is
 * the command alone (framing, the mock exchange, checking, decoding, writing
 * the caller's output), "queue ns" the cxlmi_mock_set_response before it. A
 * command stops early once it has run for its share of a 10 s budget, so the
 * whole run stays short on a slow (debug, valgrind) build; the "calls" column
 * says how many were made.
 *
 * Nothing here asserts a time. The program fails only if a command fails.
 * `meson test -C build --benchmark` runs it with the default N.
 */
#include <time.h>

#include "test-common.h"

#define BUDGET_NS 10000000000.0 /* the whole run */

static struct cxlmi_endpoint *ep;

/* Response payloads and request buffers, filled once. */
static uint8_t rsp[4096];
static uint8_t inbuf[4096];
static uint8_t outbuf[8192];

static int b_identify(void)
{
	return cxlmi_cmd_identify(ep, NULL, (void *)outbuf);
}
static int b_bg_op_status(void)
{
	return cxlmi_cmd_bg_op_status(ep, NULL, (void *)outbuf);
}
static int b_get_response_msg_limit(void)
{
	return cxlmi_cmd_get_response_msg_limit(ep, NULL, (void *)outbuf);
}
static int b_set_response_msg_limit(void)
{
	struct cxlmi_cmd_set_response_msg_limit_req in = { .limit = 10 };
	return cxlmi_cmd_set_response_msg_limit(ep, NULL, &in, (void *)outbuf);
}
static int b_request_bg_op_abort(void)
{
	return cxlmi_cmd_request_bg_op_abort(ep, NULL);
}
static int b_get_event_records(void)
{
	struct cxlmi_cmd_get_event_records_req in = { .event_log = 1 };
	return cxlmi_cmd_get_event_records(ep, NULL, &in, (void *)outbuf);
}
static int b_clear_event_records(void)
{
	struct cxlmi_cmd_clear_event_records_req *in = (void *)inbuf;
	in->event_log = 1;
	in->clear_flags = 0;
	in->nr_recs = 3;
	return cxlmi_cmd_clear_event_records(ep, NULL, in);
}
static int b_get_event_interrupt_policy(void)
{
	return cxlmi_cmd_get_event_interrupt_policy(ep, NULL, (void *)outbuf);
}
static int b_set_event_interrupt_policy(void)
{
	struct cxlmi_cmd_set_event_interrupt_policy_req in = { .informational_settings = 1 };
	return cxlmi_cmd_set_event_interrupt_policy(ep, NULL, &in);
}
static int b_get_mctp_event_interrupt_policy(void)
{
	return cxlmi_cmd_get_mctp_event_interrupt_policy(ep, NULL, (void *)outbuf);
}
static int b_set_mctp_event_interrupt_policy(void)
{
	struct cxlmi_cmd_set_mctp_event_interrupt_policy_req in = { .event_interrupt_settings = 0x1234 };
	return cxlmi_cmd_set_mctp_event_interrupt_policy(ep, NULL, &in);
}
static int b_event_notification(void)
{
	struct cxlmi_cmd_event_notification_req in = { .event = 1 };
	return cxlmi_cmd_event_notification(ep, NULL, &in);
}
static int b_get_fw_info(void)
{
	return cxlmi_cmd_get_fw_info(ep, NULL, (void *)outbuf);
}
static int b_transfer_fw(void)
{
	struct cxlmi_cmd_transfer_fw_req *in = (void *)inbuf;
	in->action = 1;
	in->slot = 2;
	in->offset = 0;
	return cxlmi_cmd_transfer_fw(ep, NULL, in, 128);
}
static int b_activate_fw(void)
{
	struct cxlmi_cmd_activate_fw_req in = { .action = 1, .slot = 2 };
	return cxlmi_cmd_activate_fw(ep, NULL, &in);
}
static int b_get_timestamp(void)
{
	return cxlmi_cmd_get_timestamp(ep, NULL, (void *)outbuf);
}
static int b_set_timestamp(void)
{
	struct cxlmi_cmd_set_timestamp_req in = { .timestamp = 0x1122334455667788ull };
	return cxlmi_cmd_set_timestamp(ep, NULL, &in);
}
static int b_get_supported_logs(void)
{
	return cxlmi_cmd_get_supported_logs(ep, NULL, (void *)outbuf);
}
static int b_get_log(void)
{
	struct cxlmi_cmd_get_log_req in = { .offset = 0, .length = 512 };
	return cxlmi_cmd_get_log(ep, NULL, &in, outbuf);
}
static int b_get_log_cel(void)
{
	struct cxlmi_cmd_get_log_req in = { .offset = 0, .length = 64 };
	return cxlmi_cmd_get_log_cel(ep, NULL, &in, (void *)outbuf);
}
static int b_get_log_capabilities(void)
{
	struct cxlmi_cmd_get_log_capabilities_req in = { .uuid = { 1 } };
	return cxlmi_cmd_get_log_capabilities(ep, NULL, &in, (void *)outbuf);
}
static int b_clear_log(void)
{
	struct cxlmi_cmd_clear_log_req in = { .uuid = { 1 } };
	return cxlmi_cmd_clear_log(ep, NULL, &in);
}
static int b_populate_log(void)
{
	struct cxlmi_cmd_populate_log_req in = { .uuid = { 1 } };
	return cxlmi_cmd_populate_log(ep, NULL, &in);
}
static int b_get_supported_logs_sublist(void)
{
	struct cxlmi_cmd_get_supported_logs_sublist_req in = { .max_supported_log_entries = 7 };
	return cxlmi_cmd_get_supported_logs_sublist(ep, NULL, &in, (void *)outbuf);
}
static int b_get_supported_features(void)
{
	struct cxlmi_cmd_get_supported_features_req in = { .count = 4 * 48 };
	return cxlmi_cmd_get_supported_features(ep, NULL, &in, (void *)outbuf);
}
static int b_get_feature(void)
{
	struct cxlmi_cmd_get_feature_req in = { .offset = 0, .count = 64, .selection = 0 };
	return cxlmi_cmd_get_feature(ep, NULL, &in, (void *)outbuf);
}
static int b_set_feature(void)
{
	struct cxlmi_cmd_set_feature_req *in = (void *)inbuf;
	in->set_feature_flags = 0;
	in->offset = 0;
	in->version = 1;
	return cxlmi_cmd_set_feature(ep, NULL, in, 64);
}
static int b_vendor_specific(void)
{
	return cxlmi_cmd_vendor_specific(ep, NULL, 0xc001, inbuf, 16, outbuf, 16);
}

struct bench {
	const char *name;
	uint8_t set, cmd;
	size_t rsp_len; /* response payload queued before each call */
	int (*call)(void);
};

static const struct bench benches[] = {
	{ "identify", 0x00, 0x01, 18, b_identify },
	{ "bg_op_status", 0x00, 0x02, 8, b_bg_op_status },
	{ "get_response_msg_limit", 0x00, 0x03, 1, b_get_response_msg_limit },
	{ "set_response_msg_limit", 0x00, 0x04, 1, b_set_response_msg_limit },
	{ "request_bg_op_abort", 0x00, 0x05, 0, b_request_bg_op_abort },
	{ "get_event_records (3 records)", 0x01, 0x00, 32 + 3 * 128, b_get_event_records },
	{ "clear_event_records (3 handles)", 0x01, 0x01, 0, b_clear_event_records },
	{ "get_event_interrupt_policy", 0x01, 0x02, 5, b_get_event_interrupt_policy },
	{ "set_event_interrupt_policy", 0x01, 0x03, 0, b_set_event_interrupt_policy },
	{ "get_mctp_event_interrupt_policy", 0x01, 0x04, 2, b_get_mctp_event_interrupt_policy },
	{ "set_mctp_event_interrupt_policy", 0x01, 0x05, 0, b_set_mctp_event_interrupt_policy },
	{ "event_notification", 0x01, 0x06, 0, b_event_notification },
	{ "get_fw_info", 0x02, 0x00, 80, b_get_fw_info },
	{ "transfer_fw (128 data bytes)", 0x02, 0x01, 0, b_transfer_fw },
	{ "activate_fw", 0x02, 0x02, 0, b_activate_fw },
	{ "get_timestamp", 0x03, 0x00, 8, b_get_timestamp },
	{ "set_timestamp", 0x03, 0x01, 0, b_set_timestamp },
	{ "get_supported_logs (2 entries)", 0x04, 0x00, 8 + 2 * 20, b_get_supported_logs },
	{ "get_log (512 bytes)", 0x04, 0x01, 512, b_get_log },
	{ "get_log_cel (16 entries)", 0x04, 0x01, 64, b_get_log_cel },
	{ "get_log_capabilities", 0x04, 0x02, 4, b_get_log_capabilities },
	{ "clear_log", 0x04, 0x03, 0, b_clear_log },
	{ "populate_log", 0x04, 0x04, 0, b_populate_log },
	{ "get_supported_logs_sublist (2)", 0x04, 0x05, 8 + 2 * 20, b_get_supported_logs_sublist },
	{ "get_supported_features (4)", 0x05, 0x00, 8 + 4 * 48, b_get_supported_features },
	{ "get_feature (64 bytes)", 0x05, 0x01, 64, b_get_feature },
	{ "set_feature (64 data bytes)", 0x05, 0x02, 0, b_set_feature },
	{ "vendor_specific (16 in, 16 out)", 0xc0, 0x01, 16, b_vendor_specific },
};

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

/*
 * Runs b up to n times, or until budget_ns has passed, in batches: queue a batch of responses, then
 * make the batch of calls, timing the two apart. Returns the calls made; *call_ns and *queue_ns are
 * the total time spent in each.
 */
#define BATCH 1024
static unsigned long run(const struct bench *b, unsigned long n, double budget_ns, double *call_ns, double *queue_ns,
			 int *failures)
{
	unsigned long done = 0, j, batch;
	double start = now_ns(), t0, t1, t2;

	*call_ns = *queue_ns = 0;
	while (done < n) {
		batch = n - done < BATCH ? n - done : BATCH;
		t0 = now_ns();
		for (j = 0; j < batch; j++)
			cxlmi_mock_set_response(ep, b->set, b->cmd, 0, rsp, b->rsp_len);
		t1 = now_ns();
		for (j = 0; j < batch; j++)
			if (b->call() != 0)
				(*failures)++;
		t2 = now_ns();
		*queue_ns += t1 - t0;
		*call_ns += t2 - t1;
		done += batch;
		if (t2 - start > budget_ns)
			break;
	}
	return done;
}

int main(int argc, char **argv)
{
	const size_t count = sizeof(benches) / sizeof(benches[0]);
	unsigned long n = 200000, calls;
	double ns, per_budget, queue_ns, total = now_ns();
	struct cxlmi_ctx *ctx;
	int failures = 0;
	size_t i;

	if (argc > 1) {
		char *end;
		n = strtoul(argv[1], &end, 10);
		if (*end || n == 0) {
			fprintf(stderr, "usage: %s [calls per command]\n", argv[0]);
			return 2;
		}
	}
	for (i = 0; i < sizeof(rsp); i++)
		rsp[i] = (uint8_t)(i * 13 + 7);
	/* Small, in-range counts for the list responses: the logs' and features' at offset 0, the event records' at 20. */
	rsp[0] = 3;
	rsp[1] = 0;
	rsp[20] = 3;
	rsp[21] = 0;
	memset(inbuf, 0x11, sizeof(inbuf));

	ctx = cxlmi_new_ctx(NULL, 0);
	ep = cxlmi_open_mock(ctx);
	if (!ep) {
		fprintf(stderr, "cannot open a mock endpoint\n");
		return 1;
	}
	per_budget = BUDGET_NS / count;

	printf("Generic commands on a mock endpoint, up to %lu calls each\n", n);
	printf("%-34s %10s %12s %12s\n", "command", "calls", "ns/call", "queue ns");
	printf("%-34s %10s %12s %12s\n", "----------------------------------", "----------", "------------",
	       "------------");

	/* Warm up the endpoint's buffers and the mock's spare payload buffers. */
	for (i = 0; i < count; i++)
		run(&benches[i], 2 * BATCH, per_budget, &ns, &queue_ns, &failures);

	for (i = 0; i < count; i++) {
		calls = run(&benches[i], n, per_budget, &ns, &queue_ns, &failures);
		printf("%-34s %10lu %12.1f %12.1f\n", benches[i].name, calls, ns / calls, queue_ns / calls);
	}
	printf("total %.2f s (ns/call: the command alone; queue ns: cxlmi_mock_set_response before it)\n",
	       (now_ns() - total) / 1e9);
	cxlmi_free_ctx(ctx);

	if (failures) {
		printf("%d calls failed\n", failures);
		return 1;
	}
	return 0;
}
