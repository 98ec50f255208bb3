#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The smallest complete cxlmi program: identify one CXL device.

Creates a library context, opens one endpoint, sends Identify (opcode 0001h),
prints the answer, then closes the endpoint and frees the context.

Usage examples:
  simple.py mem0            # /dev/cxl/mem0, as root
  simple.py /dev/cxl/mem0
  simple.py mctp:1,8        # MCTP network 1, endpoint ID 8
  simple.py --mock          # no hardware: the mock endpoint with a canned answer
  simple.py --emu type3     # no hardware: the emulated memory device
"""

import struct
import sys

import cxlmi
import example_common as common


def queue_canned_responses(ep: cxlmi.cxlmi_endpoint) -> None:
    """--mock only: the answer a CXL memory device would give, queued on the mock endpoint.
    CANNED DATA, not read from any device."""
    # Identify output (0001h), struct cxlmi_cmd_identify_rsp: vendor ID, device ID,
    # subsystem vendor ID, subsystem ID (u16 each), serial number (u64),
    # max message size (2^n bytes), component type (03h: Type 3 device).
    identify = struct.pack("<HHHHQBB", 0x8086, 0x0D93, 0x8086, 0x0000, 0x0000_00C0_FFEE_0001, 11, 0x03)
    cxlmi.cxlmi_mock_set_response(ep, 0x00, 0x01, payload=identify)


def main() -> int:
    args = common.parse_args(common.make_parser(__doc__))
    try:
        ctx = cxlmi.cxlmi_new_ctx(None, args.log_level)
        try:
            ep = common.open_endpoint(ctx, args)
            if args.mock:
                queue_canned_responses(ep)

            # Called with no arguments, a command gives a new payload object to fill in.
            ident = cxlmi.cxlmi_cmd_identify()
            cxlmi.cxlmi_cmd_identify(ep, None, ident)  # None: sent directly, no tunnel

            print(args.name)
            common.show("Vendor ID", f"0x{ident.vendor_id:04x}")
            common.show("Device ID", f"0x{ident.device_id:04x}")
            common.show("Serial number", f"0x{ident.serial_num:016x}")

            cxlmi.cxlmi_close(ep)
        finally:
            cxlmi.cxlmi_free_ctx(ctx)  # also closes an endpoint left open by a failure
    except common.FAILURES as err:
        return common.report(args.name, err)
    return 0


if __name__ == "__main__":
    sys.exit(main())
