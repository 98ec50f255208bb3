// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cxl-switch: a walk over a CXL switch with FM-API, and through it, by tunnelling, to every
 * device behind its ports and every logical device (LD) of a multi-logical device (MLD).
 *
 *   cxl-switch mctp:1,8                   the switch at MCTP network 1, endpoint ID 8
 *   cxl-switch emu:switch                 the emulated switch, no hardware needed
 *
 * The steps:
 *
 *  1. Identify (0001h): the endpoint must be a switch; FM-API is made available on it.
 *  2. Identify Switch Device (5100h): its ports, virtual CXL switches and vPPBs.
 *  3. Get Physical Port State (5101h) of each active port: what is connected, the link.
 *  4. For each downstream port with a device behind it, the Tunnel Management Command (5300h)
 *     carries commands to that device (struct cxlmi_tunnel_info level 1,
 *     DEFINE_CXLMI_TUNNEL_SWITCH): Identify it and, for a single logical device (SLD), read its
 *     health and event records.
 *  5. an MLD answers FM-API through the same tunnel with Get LD Info (5400h) and Get LD
 *     Allocations (5401h), and each of its LDs is reached through two tunnels, to the port and
 *     then to the LD (level 2, DEFINE_CXLMI_TUNNEL_SWITCH_MLD): Identify and Get Health Info.
 *
 * The walk only reads; it changes nothing on the switch or the devices.
 * Exit status: 0 when every command succeeded or was skipped as unsupported, 1 on the first
 * failure (one line on stderr), 2 for a bad command line.
 */
#include <stdio.h>
#include <stdlib.h>

#include <libcxlmi.h>

#include "example-steps.h"
#include "example-target.h"

/* Steps 4 and 5 for one port. */
static int behind_port(struct cxlmi_endpoint *ep, const struct cxlmi_cmd_fmapi_port_state_info_block *port)
{
	DEFINE_CXLMI_TUNNEL_SWITCH(to_port, port->port_id);
	unsigned int ld_count = 0;
	int rc;

	printf("\nPort %u\n", port->port_id);
	rc = show_identify(ep, &to_port, NULL);
	if (rc != EXAMPLE_OK)
		return rc;

	if (port->conn_dev_type != PORT_DEVICE_TYPE3_MLD) {
		if (port->conn_dev_type != PORT_DEVICE_TYPE3_SLD)
			return EXAMPLE_OK;
		rc = show_health(ep, &to_port);
		if (rc != EXAMPLE_FAIL)
			rc = show_events(ep, &to_port, false);
		return rc;
	}

	rc = show_ld_info(ep, &to_port, &ld_count);
	if (rc != EXAMPLE_OK)
		return rc;
	for (unsigned int ld = 0; ld < ld_count; ld++) {
		DEFINE_CXLMI_TUNNEL_SWITCH_MLD(to_ld, port->port_id, ld);

		rc = show_identify(ep, &to_ld, NULL);
		if (rc == EXAMPLE_OK)
			rc = show_health(ep, &to_ld);
		if (rc == EXAMPLE_FAIL)
			return rc;
	}
	return EXAMPLE_OK;
}

static int walk(struct cxlmi_endpoint *ep)
{
	struct cxlmi_cmd_fmapi_get_phys_port_state_rsp *ports;
	struct cxlmi_cmd_fmapi_identify_sw_device_rsp sw;
	struct cxlmi_cmd_identify_rsp id;
	int rc;

	rc = show_identify(ep, CXLMI_NO_TUNNEL, &id);
	if (rc != EXAMPLE_OK)
		return rc;
	if (id.component_type != COMPONENT_SWITCH) {
		example_fail("Identify: component type %u is not a switch%s", id.component_type,
			     id.component_type == COMPONENT_TYPE3
				     ? " (it is a memory device: try cxl-memdev or cxl-mctp)"
				     : "");
		return EXAMPLE_FAIL;
	}
	rc = need_fmapi(ep);
	if (rc == EXAMPLE_OK)
		rc = show_switch(ep, CXLMI_NO_TUNNEL, &sw);
	if (rc == EXAMPLE_OK)
		rc = show_ports(ep, CXLMI_NO_TUNNEL, &sw, &ports);
	if (rc != EXAMPLE_OK)
		return rc;

	for (unsigned int i = 0; i < ports->num_ports && rc != EXAMPLE_FAIL; i++) {
		const struct cxlmi_cmd_fmapi_port_state_info_block *port = &ports->ports[i];

		if (port->config_state == PORT_STATE_DSP && port->conn_dev_type != PORT_DEVICE_NONE)
			rc = behind_port(ep, port);
	}
	free(ports);
	return rc;
}

int main(int argc, char **argv)
{
	struct example_options opts;
	struct cxlmi_endpoint *ep;
	struct cxlmi_ctx *ctx;
	int rc;

	example_parse_args(argc, argv,
			   "walk a CXL switch over FM-API and tunnel to the devices "
			   "and logical devices behind its ports",
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

	printf("%s\n", opts.target.text);
	rc = walk(ep);

	cxlmi_close(ep);
	cxlmi_free_ctx(ctx);
	return rc == EXAMPLE_FAIL ? EXIT_FAILURE : EXIT_SUCCESS;
}
