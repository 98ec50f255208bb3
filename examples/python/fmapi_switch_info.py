#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Describe a CXL switch and its ports through the FM-API.

Checks that the endpoint takes FM-API commands (enabling them if needed),
sends Identify Switch Device (opcode 5100h) for the switch's port, virtual
switch and vPPB counts, then Get Physical Port State (opcode 5101h) for its
active ports, and prints one line per port: configuration, what is connected,
link width and speed, and link training state.

Usage examples:
  fmapi_switch_info.py mctp:1,8      # the switch's FM-API over MCTP (network 1, EID 8)
  fmapi_switch_info.py --mock        # no hardware: the mock endpoint with canned answers
  fmapi_switch_info.py --emu switch  # no hardware: the emulated switch
"""

import argparse
import struct
import sys
from typing import List

import cxlmi
import example_common as common

# Get Physical Port State, port information block (CXL r3.1 section 7.6.7.1.2).
CONFIG_STATES = {
    0x0: "disabled",
    0x1: "binding",
    0x2: "unbinding",
    0x3: "DSP",
    0x4: "USP",
    0x5: "fabric",
    0xF: "invalid",
}
DEVICE_TYPES = {
    0x0: "none",
    0x1: "PCIe device",
    0x2: "CXL type 1",
    0x3: "type 2 / switch",
    0x4: "type 3 SLD",
    0x5: "type 3 MLD",
    0x6: "PBR component",
}
LTSSM_STATES = {
    0x0: "Detect",
    0x1: "Polling",
    0x2: "Configuration",
    0x3: "Recovery",
    0x4: "L0",
    0x5: "L0s",
    0x6: "L1",
    0x7: "L2",
    0x8: "Disabled",
    0x9: "Loopback",
    0xA: "Hot Reset",
}
# Link speeds are PCIe generations: 1 is 2.5 GT/s ... 6 is 64 GT/s.
LINK_SPEEDS = {1: "2.5", 2: "5", 3: "8", 4: "16", 5: "32", 6: "64"}

PORTS_PER_REQUEST = 16


def queue_canned_responses(ep: cxlmi.cxlmi_endpoint) -> None:
    """--mock only: the answers of an 8-port switch with ports 0-3 active (0 up to the host,
    1 and 2 down to memory devices, 3 empty), queued on the mock endpoint.
    CANNED DATA, not read from any device."""
    # Identify Switch Device output (5100h), struct cxlmi_cmd_fmapi_identify_sw_device_rsp:
    # ingress port, reserved, physical ports, virtual CXL switches (u8 each), active port
    # bitmask and active VCS bitmask (32 bytes each), total and bound vPPBs (u16 each),
    # HDM decoders per upstream port (u8).
    identify = struct.pack("<BBBB32s32sHHB", 0, 0, 8, 2, b"\x0f", b"\x01", 16, 2, 8)
    cxlmi.cxlmi_mock_set_response(ep, 0x51, 0x00, payload=identify)

    # Get Physical Port State output (5101h): port count (u8), 3 reserved bytes, then one
    # 16-byte struct cxlmi_cmd_fmapi_port_state_info_block per port: port ID, configuration
    # state, connected device CXL version, reserved, connected device type, port CXL
    # versions, maximum and negotiated width, supported speeds, maximum and current speed,
    # LTSSM state, first lane (u8 each), link state flags (u16), supported LD count (u8).
    def block(port: int, state: int, dev_type: int, width: int, speed: int, ltssm: int, lds: int) -> bytes:
        return struct.pack(
            "<BBBBBBBBBBBBBHB",
            port,
            state,
            0x02 if dev_type else 0,
            0,
            dev_type,
            0x06,
            16,
            width,
            0x1F,
            5,
            speed,
            ltssm,
            0,
            0,
            lds,
        )

    blocks = [
        block(0, 0x4, 0x0, 16, 5, 0x4, 0),  # USP, trained x16 at 32 GT/s
        block(1, 0x3, 0x4, 8, 5, 0x4, 0),  # DSP, type 3 SLD, x8
        block(2, 0x3, 0x5, 8, 4, 0x4, 4),  # DSP, type 3 MLD with 4 LDs, 16 GT/s
        block(3, 0x3, 0x0, 0, 0, 0x0, 0),
    ]  # DSP, nothing connected
    ports = struct.pack("<B3x", len(blocks)) + b"".join(blocks)
    cxlmi.cxlmi_mock_set_response(ep, 0x51, 0x01, payload=ports)


def bit_numbers(bitmask: cxlmi.ArrayView, limit: int) -> List[int]:
    """The numbers of the bits set in a byte-array bitmask (bit 0 of byte 0 first)."""
    return [n for n in range(limit) if bitmask[n // 8] & (1 << (n % 8))]


def port_line(block: cxlmi.cxlmi_cmd_fmapi_port_state_info_block) -> str:
    state = CONFIG_STATES.get(block.config_state, f"{block.config_state:02x}h")
    device = DEVICE_TYPES.get(block.conn_dev_type, f"{block.conn_dev_type:02x}h")
    if block.negotiated_link_width:
        width = f"x{block.negotiated_link_width}/x{block.max_link_width}"
        speed = f"{LINK_SPEEDS.get(block.current_link_speed, '?')} GT/s"
    else:
        width, speed = f"-/x{block.max_link_width}", "-"
    ltssm = LTSSM_STATES.get(block.ltssm_state, f"{block.ltssm_state:02x}h")
    lds = block.supported_ld_count or ""
    line = f"  {block.port_id:>4}  {state:<10}{device:<16}{width:<9}{speed:<10}{ltssm:<10}{lds}"
    return line.rstrip()


def print_port_states(ep: cxlmi.cxlmi_endpoint, port_ids: List[int]) -> None:
    print(f"  {'port':>4}  {'state':<10}{'connected':<16}{'width':<9}{'speed':<10}{'LTSSM':<10}LDs")
    # The request names the ports to report on (a flexible array, sized by num_ports);
    # the response's `ports` holds one block for each.
    for first in range(0, len(port_ids), PORTS_PER_REQUEST):
        wanted = port_ids[first : first + PORTS_PER_REQUEST]
        req = cxlmi.cxlmi_cmd_fmapi_get_phys_port_state_req()
        req.num_ports = len(wanted)
        req.ports = wanted
        rsp = cxlmi.cxlmi_cmd_fmapi_get_phys_port_state_rsp()
        cxlmi.cxlmi_cmd_fmapi_get_phys_port_state(ep, None, req, rsp)
        for block in rsp.ports:
            print(port_line(block))


def describe_switch(ep: cxlmi.cxlmi_endpoint, args: argparse.Namespace) -> int:
    # FM-API commands (opcodes 5xxxh) go out only on an endpoint with FM-API enabled.
    # Opening enables it when the component has an FM-API; check, and ask if not.
    if not cxlmi.cxlmi_endpoint_has_fmapi(ep):
        if not cxlmi.cxlmi_endpoint_enable_fmapi(ep):
            print(f"{common.program()}: {args.name}: no FM-API on this endpoint", file=sys.stderr)
            return 1

    sw = cxlmi.cxlmi_cmd_fmapi_identify_sw_device()
    cxlmi.cxlmi_cmd_fmapi_identify_sw_device(ep, None, sw)
    # Array members such as the bitmasks are ArrayViews: index them like lists.
    active_ports = bit_numbers(sw.active_port_bitmask, sw.num_physical_ports)
    active_vcs = bit_numbers(sw.active_vcs_bitmask, sw.num_vcs)

    print(f"{args.name}: CXL switch")
    common.show("Ingress port", sw.ingress_port_id)
    common.show("Physical ports", f"{sw.num_physical_ports}, active: " + (" ".join(map(str, active_ports)) or "none"))
    common.show("Virtual CXL switches", f"{sw.num_vcs}, active: " + (" ".join(map(str, active_vcs)) or "none"))
    common.show("vPPBs", f"{sw.num_active_vppb} bound of {sw.num_total_vppb}")
    common.show("HDM decoders per USP", sw.num_hdm_decoder_per_usp)

    if active_ports:
        print()
        print_port_states(ep, active_ports)
    return 0


def main() -> int:
    args = common.parse_args(common.make_parser(__doc__))
    # Context, endpoint, --mock answers, close, free and errors: see example_common.run().
    return common.run(args, queue_canned_responses, describe_switch)


if __name__ == "__main__":
    sys.exit(main())
