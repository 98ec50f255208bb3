// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cxl-memdev: a CXL memory device, as a host sees it through the kernel's mailbox ioctl.
 *
 *   cxl-memdev mem0                       /dev/cxl/mem0 (needs root)
 *   cxl-memdev --destructive mem0         also write the label storage area and SANITIZE
 *   cxl-memdev emu:type3                  the same on the emulated device, no hardware needed
 *
 * It identifies the component (Identify, 0001h) and, if it is a memory device, shows what the
 * Memory Device command set tells: Identify Memory Device (4000h), Get Health Info (4200h),
 * Get Partition Info (4100h) and the first bytes of the label storage area (Get LSA, 4102h).
 * With --destructive (or on an emulated device, which starts fresh) it also writes the label
 * storage area, reads it back and restores it (Set LSA, 4103h), sanitizes the device while
 * polling Background Operation Status (0002h) for its progress, and starts a second sanitize
 * only to stop it with Request Abort (0005h).
 *
 * Any target works (see example-target.h); cxl-mctp does the same and more over MCTP.
 * Exit status: 0 when every command succeeded or was skipped as unsupported, 1 on the first
 * failure (one line on stderr), 2 for a bad command line.
 */
#include <stdio.h>
#include <stdlib.h>

#include <libcxlmi.h>

#include "example-steps.h"
#include "example-target.h"

int main(int argc, char **argv)
{
	struct example_options opts;
	struct cxlmi_cmd_identify_rsp id;
	struct cxlmi_endpoint *ep;
	struct cxlmi_ctx *ctx;
	int rc;

	example_parse_args(argc, argv,
			   "a CXL memory device: identify, health, partitions, "
			   "label storage, sanitize",
			   &opts);

	/* Library messages go to stderr, only with -v. */
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
	rc = show_identify(ep, CXLMI_NO_TUNNEL, &id);
	if (rc == EXAMPLE_OK && id.component_type != COMPONENT_TYPE3) {
		example_fail("Identify: component type %u is not a memory device%s", id.component_type,
			     id.component_type == COMPONENT_SWITCH ? " (it is a switch: try cxl-switch)" : "");
		rc = EXAMPLE_FAIL;
	}
	if (rc == EXAMPLE_OK)
		rc = show_memdev(ep, CXLMI_NO_TUNNEL, opts.destructive);

	cxlmi_close(ep);
	cxlmi_free_ctx(ctx);
	return rc == EXAMPLE_FAIL ? EXIT_FAILURE : EXIT_SUCCESS;
}
