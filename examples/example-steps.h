/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The management steps the C examples are made of, each one libcxlmi command or a short
 * sequence of them, written once and used by every example that needs it:
 *
 *   cxl-memdev   show_identify, show_memdev                 (a memory device, usually over ioctl)
 *   cxl-mctp     the same, show_events, and FM-API: show_switch, show_ld_info, show_heads
 *   cxl-switch   show_identify, show_switch, show_ports, and through tunnels show_identify,
 *                show_health, show_events and show_ld_info on what sits behind each port
 *
 * Every step takes the endpoint and a tunnel (CXLMI_NO_TUNNEL for the endpoint itself), prints
 * what it learns on stdout, and returns an enum example_outcome (example-target.h): EXAMPLE_OK,
 * EXAMPLE_SKIP when the component does not offer an optional command, or EXAMPLE_FAIL after
 * printing the one line that says why.
 */
#ifndef EXAMPLE_STEPS_H
#define EXAMPLE_STEPS_H

#include <stdbool.h>
#include <stdint.h>

#include <libcxlmi.h>

#include "example-target.h"

/* Identify (0001h) component types, CXL r3.1 Table 8-36. */
#define COMPONENT_SWITCH 0x00
#define COMPONENT_TYPE3 0x03

/* Connected Device Type of a switch port, CXL r3.1 Table 7-19. */
#define PORT_DEVICE_NONE 0x0
#define PORT_DEVICE_TYPE3_SLD 0x4
#define PORT_DEVICE_TYPE3_MLD 0x5

/* Current Port Configuration State, CXL r3.1 Table 7-19. */
#define PORT_STATE_DSP 0x3 /* downstream port */

/* "the device behind port 1", "LD 2 behind port 2", "this endpoint": for headings and messages. */
const char *tunnel_text(const struct cxlmi_tunnel_info *ti);

/* Identify (0001h): what the component is; fills `id` when not NULL. */
int show_identify(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti, struct cxlmi_cmd_identify_rsp *id);

/* Get Health Info (4200h). */
int show_health(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti);

/*
 * The memory device commands: Identify Memory Device (4000h), Get Health Info (4200h), Get
 * Partition Info (4100h), Get LSA (4102h) and, when `destructive`, Set LSA (4103h) with the
 * data read back and then restored, and Sanitize (4400h) followed to completion with Background
 * Operation Status (0002h), then started again and stopped with Request Abort (0005h).
 */
int show_memdev(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti, bool destructive);

/* Get Event Records (0100h) from the four event logs; with `clear`, Clear Event Records
 * (0101h) hands back the handles read, and the log is read again until it is empty. */
int show_events(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti, bool clear);

/* FM-API Identify Switch Device (5100h); fills `sw` when not NULL. */
int show_switch(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti,
		struct cxlmi_cmd_fmapi_identify_sw_device_rsp *sw);

/*
 * FM-API Get Physical Port State (5101h) of the ports Identify Switch Device (`sw`) reports.
 * On EXAMPLE_OK, `*states` is a calloc'ed response the caller frees, with `num_ports` blocks.
 */
int show_ports(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti,
	       const struct cxlmi_cmd_fmapi_identify_sw_device_rsp *sw,
	       struct cxlmi_cmd_fmapi_get_phys_port_state_rsp **states);

/* FM-API Get LD Info (5400h) and Get LD Allocations (5401h) of an MLD; `*ld_count` (when not
 * NULL) gets its number of LDs. */
int show_ld_info(struct cxlmi_endpoint *ep, struct cxlmi_tunnel_info *ti, unsigned int *ld_count);

/* FM-API Get Multi-Headed Info (5500h) through the LD Pool CCI of a multi-headed device
 * (CXLMI_TUNNEL_MHD): its heads and which head each LD is assigned to. */
int show_heads(struct cxlmi_endpoint *ep);

/* Makes sure FM-API commands, and the tunnels they ride in, may be sent to `ep`. */
int need_fmapi(struct cxlmi_endpoint *ep);

#endif /* EXAMPLE_STEPS_H */
