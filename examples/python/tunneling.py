#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Walk down a CXL switch, one tunnel level at a time.

Sends the same Identify command (opcode 0001h) three times, each going one
level deeper:
  level 0  None                                 the switch opened (no tunnel)
  level 1  cxlmi_tunnel_switch(port)            the MLD on switch port PORT
  level 2  cxlmi_tunnel_switch_mld(port, ld)    logical device LD of that MLD
and, at the bottom, Identify Memory Device (4000h) for that LD's capacity.
The library wraps a tunnelled command in one or two Tunnel Management
Commands (5300h); the program only picks the tunnel info. Both tunnel infos
are freed with cxlmi_tunnel_free().

The mock endpoint does not unwrap tunnels: it answers each command as the
target would, from the canned answers --mock queues.

Usage examples:
  tunneling.py mctp:1,8 --port 2 --ld 1    # switch FM-API over MCTP
  tunneling.py --mock                      # no hardware: canned answers
  tunneling.py --emu switch                # no hardware: the emulated switch and the MLD on its port 2
"""

import argparse
import struct
import sys

import cxlmi
import example_common as common

COMPONENT_TYPES = {0x00: "switch", 0x03: "type 3 device"}


def queue_canned_responses(ep: cxlmi.cxlmi_endpoint) -> None:
    """--mock only: what a switch, the MLD on its port and one of that MLD's LDs would answer,
    in the order the example asks. CANNED DATA, not read from any device."""
    # Identify output (0001h), struct cxlmi_cmd_identify_rsp: vendor ID, device ID,
    # subsystem vendor ID, subsystem ID (u16 each), serial number (u64), max message size
    # (2^n bytes), component type (00h switch, 03h Type 3 device).
    switch = struct.pack("<HHHHQBB", 0x1B36, 0x0001, 0x1B36, 0x0001, 0x5157_0000_0000_0007, 11, 0x00)
    mld = struct.pack("<HHHHQBB", 0x8086, 0x0D93, 0x8086, 0x0000, 0x0000_00C0_FFEE_0010, 11, 0x03)
    for identify in (switch, mld, mld):  # level 0, 1 and 2: the LD answers as its MLD
        cxlmi.cxlmi_mock_set_response(ep, 0x00, 0x01, payload=identify)
    # Identify Memory Device output (4000h), struct cxlmi_cmd_memdev_identify_rsp: firmware
    # revision, total/volatile-only/persistent-only capacity and partition alignment
    # (256 MiB units), event log sizes, LSA size, poison list maximum (24 bits), inject
    # poison limit, poison and QoS capabilities, DC event log size.
    memdev = struct.pack(
        "<16sQQQQHHHHI3sHBBH", b"2.1.0", 32, 32, 0, 0, 256, 256, 256, 256, 0, (128).to_bytes(3, "little"), 8, 0, 0, 0
    )
    cxlmi.cxlmi_mock_set_response(ep, 0x40, 0x00, payload=memdev)


def walk_down(
    ep: cxlmi.cxlmi_endpoint, args: argparse.Namespace, to_port: cxlmi.cxlmi_tunnel_info, to_ld: cxlmi.cxlmi_tunnel_info
) -> None:
    # Tunnel Management (5300h) is an FM-API command: the endpoint must take those.
    common.enable_fmapi(ep)

    hops = [(args.name, None), (f"port {args.port}", to_port), (f"port {args.port}, LD {args.ld}", to_ld)]
    print(f"  {'level':<7}{'target':<18}{'component':<15}{'vendor:device':<15}serial")
    for target, ti in hops:
        ident = cxlmi.cxlmi_cmd_identify()
        cxlmi.cxlmi_cmd_identify(ep, ti, ident)
        level = ti.level if ti is not None else 0
        kind = COMPONENT_TYPES.get(ident.component_type, f"{ident.component_type:02x}h")
        print(
            f"  {level:<7}{target:<18}{kind:<15}"
            f"{ident.vendor_id:04x}:{ident.device_id:04x}      0x{ident.serial_num:016x}"
        )

    memdev = cxlmi.cxlmi_cmd_memdev_identify()
    cxlmi.cxlmi_cmd_memdev_identify(ep, to_ld, memdev)
    capacity = common.size_text(memdev.total_capacity * common.CAPACITY_UNIT)
    firmware = str(memdev.fw_revision)  # a char array: str() gives its text
    print(f"LD {args.ld} behind port {args.port}: {capacity}, firmware {firmware}")


def main() -> int:
    parser = common.make_parser(__doc__)
    parser.add_argument(
        "--port", type=common.port_or_ld, default=2, help="the switch downstream port the MLD is on (default 2)"
    )
    parser.add_argument("--ld", type=common.port_or_ld, default=1, help="the logical device to reach (default 1)")
    args = common.parse_args(parser)
    # Tunnel infos: where a command goes past the endpoint. None means "no tunnel".
    to_port = cxlmi.cxlmi_tunnel_switch(port=args.port)
    to_ld = cxlmi.cxlmi_tunnel_switch_mld(port=args.port, ld=args.ld)
    try:
        # Context, endpoint, --mock answers, close, free and errors: see example_common.run().
        return common.run(args, queue_canned_responses, lambda ep, args: walk_down(ep, args, to_port, to_ld))
    finally:
        cxlmi.cxlmi_tunnel_free(to_port)
        cxlmi.cxlmi_tunnel_free(to_ld)


if __name__ == "__main__":
    sys.exit(main())
