#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Identify CXL components: who made them, their serial number and what kind they are.

Opens one CXL device, through its Linux mailbox or over MCTP, or scans for
every MCTP endpoint (--scan), sends each the Identify command (opcode 0001h)
and decodes the answer, including the component type (switch or Type 3
memory device).

Usage examples:
  identify_device.py mem0            # /dev/cxl/mem0, as root
  identify_device.py /dev/cxl/mem0
  identify_device.py mctp:1,8        # MCTP network 1, endpoint ID 8
  identify_device.py --scan          # every MCTP endpoint mctpd knows (needs D-Bus support)
  identify_device.py --mock          # no hardware: the mock endpoint with a canned answer
  identify_device.py --emu switch    # no hardware: the emulated switch
"""

import argparse
import struct
import sys

import cxlmi
import example_common as common

# Identify's Component Type (CXL r3.1 section 8.2.9.1.1); other values are reserved.
COMPONENT_TYPES = {0x00: "Switch", 0x03: "Type 3 memory device"}


def queue_canned_responses(ep: cxlmi.cxlmi_endpoint) -> None:
    """--mock only: the answer a CXL memory expander would give, queued on the mock endpoint.
    CANNED DATA, not read from any device."""
    # Identify output (0001h), struct cxlmi_cmd_identify_rsp: vendor ID, device ID,
    # subsystem vendor ID, subsystem ID (u16 each), serial number (u64),
    # max message size (2^11 = 2048 bytes), component type (03h: Type 3 device).
    identify = struct.pack("<HHHHQBB", 0x8086, 0x0D93, 0x8086, 0x0000, 0x0000_00C0_FFEE_0001, 11, 0x03)
    cxlmi.cxlmi_mock_set_response(ep, 0x00, 0x01, payload=identify)


def print_identity(name: str, ep: cxlmi.cxlmi_endpoint) -> None:
    ident = cxlmi.cxlmi_cmd_identify()  # a new struct cxlmi_cmd_identify_rsp
    cxlmi.cxlmi_cmd_identify(ep, None, ident)

    kind = COMPONENT_TYPES.get(ident.component_type, "reserved")
    print(name)
    common.show("Vendor ID", f"0x{ident.vendor_id:04x}")
    common.show("Device ID", f"0x{ident.device_id:04x}")
    common.show("Subsystem vendor ID", f"0x{ident.subsys_vendor_id:04x}")
    common.show("Subsystem ID", f"0x{ident.subsys_id:04x}")
    common.show("Serial number", f"0x{ident.serial_num:016x}")
    common.show("Max message size", f"{1 << ident.max_msg_size} bytes (2^{ident.max_msg_size})")
    common.show("Component type", f"{kind} ({ident.component_type:02x}h)")


def identify_scanned(ctx: cxlmi.cxlmi_ctx, args: argparse.Namespace) -> int:
    # Opens every MCTP endpoint mctpd announces; each is then one of the context's
    # endpoints, closed when the context is freed.
    found = cxlmi.cxlmi_scan_mctp(ctx)
    if found == 0:
        print(f"{common.program()}: MCTP scan: no endpoints found", file=sys.stderr)
        return 1
    for number, ep in enumerate(cxlmi.endpoints(ctx)):
        print_identity(f"MCTP endpoint {number}", ep)
    return 0


def main() -> int:
    parser = common.make_parser(__doc__)
    parser.add_argument(
        "--scan", action="store_true", help="identify every MCTP endpoint found over D-Bus instead of one device"
    )
    args = common.parse_args(parser, device_optional=True)
    if args.scan and (args.device or args.mock):
        parser.error("--scan finds the endpoints itself: give no device and no --mock")
    if not args.scan and not args.device and not args.mock:
        parser.error(
            "name a device (mem0, /dev/cxl/mem0, mctp:NET,EID, emu:MODEL), or use --scan, --emu MODEL or --mock"
        )

    # Context, endpoint(s), --mock answers, close, free and errors: see example_common.
    if args.scan:
        args.name = "MCTP scan"
        return common.run_in_context(args, identify_scanned)
    return common.run(args, queue_canned_responses, lambda ep, args: print_identity(args.name, ep))


if __name__ == "__main__":
    sys.exit(main())
