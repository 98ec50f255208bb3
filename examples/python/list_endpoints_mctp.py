#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""List the CXL components reachable over MCTP.

Asks the library to scan for MCTP endpoints (cxlmi_scan_mctp, which asks mctpd
over D-Bus and needs a libcxlmi built with D-Bus support), walks the endpoints
it opened with the cxlmi.endpoints() generator, and sends each the Identify
command (opcode 0001h) to print one line per component. Fails when the scan
cannot run or finds nothing.

Usage examples:
  list_endpoints_mctp.py             # scan, as a user allowed to use MCTP
  list_endpoints_mctp.py --mock      # no hardware: two mock endpoints stand in for a scan
"""

import argparse
import struct
import sys

import cxlmi
import example_common as common

COMPONENT_TYPES = {0x00: "switch", 0x03: "type 3 device"}


def open_canned_endpoints(ctx: cxlmi.cxlmi_ctx) -> int:
    """--mock only: opens two mock endpoints in place of what a scan would find, a switch and
    a memory device, each with its Identify answer queued. CANNED DATA, not from any device."""
    # Identify output (0001h), struct cxlmi_cmd_identify_rsp: vendor ID, device ID,
    # subsystem vendor ID, subsystem ID (u16 each), serial number (u64),
    # max message size (2^n bytes), component type (00h switch, 03h Type 3 device).
    answers = [
        struct.pack("<HHHHQBB", 0x1B36, 0x0001, 0x1B36, 0x0001, 0x0000_5157_0000_0007, 11, 0x00),
        struct.pack("<HHHHQBB", 0x8086, 0x0D93, 0x8086, 0x0000, 0x0000_00C0_FFEE_0001, 11, 0x03),
    ]
    for identify in answers:
        ep = cxlmi.cxlmi_open_mock(ctx)
        cxlmi.cxlmi_mock_set_response(ep, 0x00, 0x01, payload=identify)
    return len(answers)


def list_endpoints(ctx: cxlmi.cxlmi_ctx, args: argparse.Namespace) -> int:
    if args.mock:
        found = open_canned_endpoints(ctx)
    else:
        # Opens every CXL endpoint mctpd knows of; raises OSError when it cannot ask
        # (EOPNOTSUPP: this libcxlmi was built without D-Bus support). Freeing the
        # context closes them all.
        found = cxlmi.cxlmi_scan_mctp(ctx)
    if found == 0:
        print(f"{common.program()}: {args.name}: no CXL endpoints found", file=sys.stderr)
        return 1

    print(f"{found} endpoint{'s' if found != 1 else ''}")
    print(f"  {'#':>2}  {'type':<14}{'vendor:device':<15}{'serial':<20}FM-API")
    # The context lists the endpoints it opened; the generator walks them.
    for number, ep in enumerate(cxlmi.endpoints(ctx)):
        ident = cxlmi.cxlmi_cmd_identify()
        cxlmi.cxlmi_cmd_identify(ep, None, ident)
        kind = COMPONENT_TYPES.get(ident.component_type, f"type {ident.component_type:02x}h")
        fmapi = "yes" if cxlmi.cxlmi_endpoint_has_fmapi(ep) else "no"
        print(
            f"  {number:>2}  {kind:<14}{ident.vendor_id:04x}:{ident.device_id:04x}"
            f"      0x{ident.serial_num:016x}  {fmapi}"
        )
    return 0


def main() -> int:
    parser = common.make_parser(__doc__, device=False)
    args = common.parse_args(parser, device_optional=True)
    args.name = "MCTP scan" if not args.mock else "mock"
    # Context, free and errors: see example_common.run_in_context().
    return common.run_in_context(args, list_endpoints)


if __name__ == "__main__":
    sys.exit(main())
