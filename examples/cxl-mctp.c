// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cxl-mctp: a CXL component managed out of band, over MCTP, as a BMC or fabric manager does.
 *
 *   cxl-mctp mctp:1,8                     MCTP network 1, endpoint ID 8
 *   cxl-mctp --destructive mctp:1,8       also write the label storage area, clear the event
 *                                         records and SANITIZE the device
 *   cxl-mctp emu:type3                    an emulated memory device, no hardware needed
 *   cxl-mctp emu:switch                   an emulated switch
 *
 * Over MCTP the library identifies the component when it opens it and, for a switch or a
 * memory device, opens its FM-API channel too (cxlmi_endpoint_has_fmapi). This example then
 *
 *  - for a memory device: asks it over FM-API whether it is a multi-logical device (Get LD
 *    Info, 5400h; Get LD Allocations, 5401h) and if so tunnels to each of its LDs (Identify,
 *    Get Health Info); otherwise asks whether it is a multi-headed device (Get Multi-Headed
 *    Info, 5500h, through the tunnel to its LD Pool CCI), then does what cxl-memdev does
 *    (Identify Memory Device, health, partitions, label storage area, sanitize with progress
 *    and abort) and reads its four event logs (Get Event Records, 0100h; with --destructive
 *    Clear Event Records, 0101h, until they are empty);
 *  - for a switch: reads its event logs and identifies it over FM-API (Identify Switch Device,
 *    5100h). cxl-switch walks its ports and what is behind them.
 *
 * Exit status: 0 when every command succeeded or was skipped as unsupported, 1 on the first
 * failure (one line on stderr), 2 for a bad command line.
 */
#include <stdio.h>
#include <stdlib.h>

#include <libcxlmi.h>

#include "example-steps.h"
#include "example-target.h"

/* A multi-logical device: its FM-owned LD reports the LDs, each reached by a tunnel (level 1,
 * DEFINE_CXLMI_TUNNEL_MLD) to answer Identify and Get Health Info itself. */
static int logical_devices(struct cxlmi_endpoint *ep, unsigned int ld_count)
{
	for (unsigned int ld = 0; ld < ld_count; ld++) {
		DEFINE_CXLMI_TUNNEL_MLD(to_ld, ld);
		int rc = show_identify(ep, &to_ld, NULL);

		if (rc == EXAMPLE_OK)
			rc = show_health(ep, &to_ld);
		if (rc == EXAMPLE_FAIL)
			return rc;
	}
	return EXAMPLE_OK;
}

static int memory_device(struct cxlmi_endpoint *ep, const struct example_options *opts)
{
	unsigned int ld_count = 0;
	int rc;

	if (cxlmi_endpoint_has_fmapi(ep)) {
		/* Only an MLD answers Get LD Info; a single logical device says Unsupported. */
		rc = show_ld_info(ep, CXLMI_NO_TUNNEL, &ld_count);
		if (rc == EXAMPLE_OK && ld_count)
			return logical_devices(ep, ld_count);
		if (rc == EXAMPLE_FAIL)
			return rc;
		/* Only a multi-headed device has an LD Pool CCI to tunnel to. */
		if (show_heads(ep) == EXAMPLE_FAIL)
			return EXAMPLE_FAIL;
	} else {
		printf("  (no FM-API on this endpoint)\n");
	}
	rc = show_memdev(ep, CXLMI_NO_TUNNEL, opts->destructive);
	if (rc != EXAMPLE_FAIL)
		rc = show_events(ep, CXLMI_NO_TUNNEL, opts->destructive);
	return rc;
}

static int a_switch(struct cxlmi_endpoint *ep)
{
	int rc = show_events(ep, CXLMI_NO_TUNNEL, false);

	if (rc != EXAMPLE_FAIL)
		rc = need_fmapi(ep);
	if (rc == EXAMPLE_OK)
		rc = show_switch(ep, CXLMI_NO_TUNNEL, NULL);
	return rc;
}

int main(int argc, char **argv)
{
	struct example_options opts;
	struct cxlmi_cmd_identify_rsp id;
	struct cxlmi_endpoint *ep;
	struct cxlmi_ctx *ctx;
	int rc;

	example_parse_args(argc, argv,
			   "a CXL component over MCTP: memory device commands, "
			   "event records, FM-API",
			   &opts);

	ctx = cxlmi_new_ctx(stderr, opts.log_level);
	if (!ctx) {
		example_fail("cxlmi_new_ctx: cannot make a library context");
		return EXIT_FAILURE;
	}
	ep = example_open(ctx, &opts.target);
	if (!ep) {
		cxlmi_free_ctx(ctx);
		return EXIT_FAILURE;
	}

	printf("%s (FM-API %s)\n", opts.target.text, cxlmi_endpoint_has_fmapi(ep) ? "available" : "not available");
	rc = show_identify(ep, CXLMI_NO_TUNNEL, &id);
	if (rc == EXAMPLE_OK) {
		switch (id.component_type) {
		case COMPONENT_TYPE3:
			rc = memory_device(ep, &opts);
			break;
		case COMPONENT_SWITCH:
			rc = a_switch(ep);
			break;
		default:
			example_fail("Identify: component type %u is neither a switch nor a memory device",
				     id.component_type);
			rc = EXAMPLE_FAIL;
		}
	}

	cxlmi_close(ep);
	cxlmi_free_ctx(ctx);
	return rc == EXAMPLE_FAIL ? EXIT_FAILURE : EXIT_SUCCESS;
}
