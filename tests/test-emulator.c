// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The emulated fabric's C API (cxlmi/emulator.h) through the public headers:
 * bad arguments, every model, the log line naming the models, all four
 * tunnel kinds of struct cxlmi_tunnel_info end to end, independent state per
 * endpoint, and endpoints left open for cxlmi_free_ctx() to close (the
 * valgrind pass checks nothing leaks).
 */
#define _GNU_SOURCE
#include <cxlmi/emulator.h>

#include "test-common.h"

static const char *const models[] = { "type3", "switch", "mld", "mhd" };

static void bad_arguments(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *log = open_memstream(&text, &len);
	struct cxlmi_ctx *ctx = cxlmi_new_ctx(log, DEFAULT_LOGLEVEL);

	errno = 0;
	CHECK(cxlmi_open_emulator(NULL, "type3") == NULL && errno == EINVAL, "NULL context: NULL, EINVAL");
	errno = 0;
	CHECK(cxlmi_open_emulator(ctx, NULL) == NULL && errno == EINVAL, "NULL model: NULL, EINVAL");
	errno = 0;
	CHECK(cxlmi_open_emulator(ctx, "type4") == NULL && errno == EINVAL, "unknown model: NULL, EINVAL");
	errno = 0;
	CHECK(cxlmi_open_emulator(ctx, "") == NULL && errno == EINVAL, "empty model: NULL, EINVAL");
	CHECK(cxlmi_first_endpoint(ctx) == NULL, "failed opens leave no endpoint behind");
	cxlmi_free_ctx(ctx);
	fclose(log);
	CHECK(text && strstr(text, "type4") && strstr(text, "switch"),
	      "the log names the unknown model and the known ones: %s", text ? text : "(nothing)");
	free(text);
}

static void every_model(struct cxlmi_ctx *ctx)
{
	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
		struct cxlmi_endpoint *ep = cxlmi_open_emulator(ctx, models[i]);
		struct cxlmi_cmd_identify_rsp id;

		if (!CHECK(ep != NULL, "%s opens", models[i]))
			continue;
		memset(&id, 0xa5, sizeof(id));
		CHECK_INT(cxlmi_cmd_identify(ep, NULL, &id), 0, "%s: identify", models[i]);
		CHECK_INT(id.component_type, strcmp(models[i], "switch") ? 3 : 0, "%s: component type", models[i]);
		CHECK_INT(id.vendor_id, 0x1e98, "%s: vendor id", models[i]);
		CHECK(cxlmi_endpoint_has_fmapi(ep), "%s: probing gave it FM-API", models[i]);
	}
}

static uint64_t serial_via(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti)
{
	struct cxlmi_cmd_identify_rsp id;

	memset(&id, 0, sizeof(id));
	if (cxlmi_cmd_identify(ep, ti, &id) != 0)
		return 0;
	return id.serial_num;
}

static void tunnels(struct cxlmi_ctx *ctx)
{
	struct cxlmi_endpoint *sw = cxlmi_open_emulator(ctx, "switch");
	struct cxlmi_endpoint *mld = cxlmi_open_emulator(ctx, "mld");
	struct cxlmi_endpoint *mhd = cxlmi_open_emulator(ctx, "mhd");
	DEFINE_CXLMI_TUNNEL_SWITCH(port1, 1);
	DEFINE_CXLMI_TUNNEL_SWITCH(port3, 3);
	DEFINE_CXLMI_TUNNEL_SWITCH_MLD(port2_ld3, 2, 3);
	DEFINE_CXLMI_TUNNEL_MLD(ld2, 2);
	DEFINE_CXLMI_TUNNEL_MHD(pool);
	struct cxlmi_cmd_identify_rsp id;

	if (!CHECK(sw && mld && mhd, "switch, MLD and MHD open"))
		return;
	CHECK_U64(serial_via(sw, &port1), 0x7e53000000000101ull, "switch port 1: the Type 3 device behind it");
	CHECK_U64(serial_via(sw, &port2_ld3), 0x7e4d000000000003ull, "switch port 2, LD 3: that LD of the MLD");
	CHECK_U64(serial_via(mld, &ld2), 0x7e4d000000000002ull, "MLD LD 2");
	CHECK_U64(serial_via(mhd, &pool), 0x7e48000000000000ull | 0xff, "MHD LD Pool CCI");
	CHECK_INT(cxlmi_cmd_identify(sw, &port3, &id), CXLMI_RET_INPUT,
		  "empty port 3: the switch answers Invalid Input");
	CHECK_INT(cxlmi_cmd_identify(sw, CXLMI_TUNNEL_MLD(9), &id), CXLMI_RET_INPUT,
		  "a tunnel to a switch 'LD' it does not have: Invalid Input");
	cxlmi_close(mld);
	/* sw and mhd stay open: cxlmi_free_ctx() closes them. */
}

static void state_is_per_endpoint(struct cxlmi_ctx *ctx)
{
	struct cxlmi_endpoint *a = cxlmi_open_emulator(ctx, "type3");
	struct cxlmi_endpoint *b = cxlmi_open_emulator(ctx, "type3");
	struct cxlmi_cmd_set_timestamp_req set = { .timestamp = 1ull << 60 };
	struct cxlmi_cmd_get_timestamp_rsp ta, tb;

	if (!CHECK(a && b && a != b, "two type3 endpoints open side by side"))
		return;
	CHECK_INT(cxlmi_cmd_set_timestamp(a, NULL, &set), 0, "set the first one's clock");
	CHECK_INT(cxlmi_cmd_get_timestamp(a, NULL, &ta), 0, "read it back");
	CHECK_INT(cxlmi_cmd_get_timestamp(b, NULL, &tb), 0, "read the second one's");
	CHECK(ta.timestamp >= set.timestamp && ta.timestamp - set.timestamp < 10000000000ull,
	      "the first clock runs from what was set");
	CHECK_U64(tb.timestamp, 0, "the second clock was never set");
	cxlmi_close(b);
	cxlmi_close(a);
}

int main(void)
{
	struct cxlmi_ctx *ctx;

	bad_arguments();
	ctx = cxlmi_new_ctx(stderr, DEFAULT_LOGLEVEL);
	if (!CHECK(ctx != NULL, "cxlmi_new_ctx"))
		return finish();
	every_model(ctx);
	tunnels(ctx);
	state_is_per_endpoint(ctx);
	cxlmi_free_ctx(ctx);
	return finish();
}
