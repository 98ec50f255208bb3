#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Reach CXL components behind the endpoint you opened, with each kind of tunnel.

A command given a tunnel info is wrapped in Tunnel Management Commands
(opcode 5300h) and delivered past the endpoint. The four kinds:

  switch      cxlmi_tunnel_switch(port)       the device on a switch downstream port
  mld         cxlmi_tunnel_mld(ld)            one logical device (LD) of the MLD opened
  switch-mld  cxlmi_tunnel_switch_mld(port, ld)  an LD of the MLD behind a switch port
  mhd         cxlmi_tunnel_mhd()              the LD Pool CCI of a multi-headed device

This example sends one fitting command through each: Get LD Info (5400h) to the
MLD on a switch port, Identify Memory Device (4000h) to an LD, Get Health Info
(4200h) to an LD behind a switch port, and Get Multi-Headed Info (5500h) to an
MHD. A real endpoint is one kind of component, so pick the tunnel that fits it
with --kind. Every tunnel info made is freed with cxlmi_tunnel_free().

The mock endpoint does not unwrap tunnels: it answers each command as the
target would, from the canned answers --mock queues.

Usage examples:
  tunnel_example.py mctp:1,8 --kind switch --port 2      # MLD on port 2 of a switch
  tunnel_example.py mctp:1,9 --kind mld --ld 1           # LD 1 of an MLD
  tunnel_example.py mctp:1,8 --kind switch-mld --port 2 --ld 0
  tunnel_example.py mctp:1,10 --kind mhd                 # a multi-headed device
  tunnel_example.py --mock                               # all four, canned answers
  tunnel_example.py --emu switch --kind switch --port 2  # the emulated fabric, no hardware
  tunnel_example.py --emu mld --kind mld --ld 1
  tunnel_example.py --emu switch --kind switch-mld --port 2 --ld 3
  tunnel_example.py --emu mhd --kind mhd
"""

import argparse
import struct
import sys

import cxlmi
import example_common as common

KINDS = ("switch", "mld", "switch-mld", "mhd")
MEDIA_OK = 0x00


def queue_canned_responses(ep: cxlmi.cxlmi_endpoint) -> None:
    """--mock only: what each tunnelled target would answer, queued on the mock endpoint in
    the order the example asks. CANNED DATA, not read from any device."""
    # Get LD Info output (5400h), struct cxlmi_cmd_fmapi_get_ld_info_rsp: memory size
    # (u64, bytes), LD count (u16), QoS telemetry capability (u8).
    cxlmi.cxlmi_mock_set_response(ep, 0x54, 0x00, payload=struct.pack("<QHB", 64 << 30, 4, 0x01))
    # Identify Memory Device output (4000h), struct cxlmi_cmd_memdev_identify_rsp: firmware
    # revision, total/volatile-only/persistent-only capacity and partition alignment
    # (256 MiB units), event log sizes, LSA size, poison list maximum (24 bits), inject
    # poison limit, poison and QoS capabilities, DC event log size.
    memdev = struct.pack(
        "<16sQQQQHHHHI3sHBBH", b"2.1.0", 64, 64, 0, 0, 256, 256, 256, 256, 0, (128).to_bytes(3, "little"), 8, 0, 0, 0
    )
    cxlmi.cxlmi_mock_set_response(ep, 0x40, 0x00, payload=memdev)
    # Get Health Info output (4200h), struct cxlmi_cmd_memdev_get_health_info_rsp: health,
    # media and additional status, life used (u8 each), temperature (s16), dirty shutdowns,
    # corrected volatile and persistent errors (u32 each).
    health = struct.pack("<BBBBhIII", 0x00, MEDIA_OK, 0x00, 7, 41, 0, 3, 0)
    cxlmi.cxlmi_mock_set_response(ep, 0x42, 0x00, payload=health)
    # Get Multi-Headed Info output (5500h): LDs, heads, 2 reserved, first LD, map length,
    # 2 reserved (u8 each), then the head of each LD in the map.
    mhd = struct.pack("<BB2xBB2x", 4, 2, 0, 4) + bytes([0, 0, 1, 1])
    cxlmi.cxlmi_mock_set_response(ep, 0x55, 0x00, payload=mhd)


def heading(ti: cxlmi.cxlmi_tunnel_info, what: str) -> None:
    # A tunnel info is a struct cxlmi_tunnel_info: -1 means "not used" for port and ld.
    where = [f"level {ti.level}"]
    if ti.port >= 0:
        where.append(f"port {ti.port}")
    if ti.ld >= 0:
        where.append(f"LD {ti.ld}")
    if ti.mhd:
        where.append("LD Pool CCI")
    print(f"{what}  [tunnel: {', '.join(where)}]")


def switch_port(ep: cxlmi.cxlmi_endpoint, port: int) -> None:
    ti = cxlmi.cxlmi_tunnel_switch(port=port)
    try:
        heading(ti, f"MLD on switch port {port}: Get LD Info (5400h)")
        info = cxlmi.cxlmi_cmd_fmapi_get_ld_info()
        cxlmi.cxlmi_cmd_fmapi_get_ld_info(ep, ti, info)
    finally:
        cxlmi.cxlmi_tunnel_free(ti)
    common.show("Memory size", common.size_text(info.memory_size))
    common.show("Logical devices", info.ld_count)
    common.show("QoS telemetry", f"0x{info.qos_telemetry_capability:02x}")


def mld_ld(ep: cxlmi.cxlmi_endpoint, ld: int) -> None:
    ti = cxlmi.cxlmi_tunnel_mld(ld=ld)
    try:
        heading(ti, f"LD {ld} of this MLD: Identify Memory Device (4000h)")
        ident = cxlmi.cxlmi_cmd_memdev_identify()
        cxlmi.cxlmi_cmd_memdev_identify(ep, ti, ident)
    finally:
        cxlmi.cxlmi_tunnel_free(ti)
    common.show("Firmware revision", str(ident.fw_revision))  # a char array: str() is its text
    common.show("Total capacity", common.size_text(ident.total_capacity * common.CAPACITY_UNIT))


def switch_port_ld(ep: cxlmi.cxlmi_endpoint, port: int, ld: int) -> None:
    ti = cxlmi.cxlmi_tunnel_switch_mld(port=port, ld=ld)
    try:
        heading(ti, f"LD {ld} behind switch port {port}: Get Health Info (4200h)")
        health = cxlmi.cxlmi_cmd_memdev_get_health_info()
        cxlmi.cxlmi_cmd_memdev_get_health_info(ep, ti, health)
    finally:
        cxlmi.cxlmi_tunnel_free(ti)
    common.show("Media status", "normal" if health.media_status == MEDIA_OK else f"{health.media_status:02x}h")
    common.show("Life used", f"{health.life_used}%")
    celsius = health.device_temperature  # 16-bit two's complement
    common.show("Temperature", f"{celsius - 0x10000 if celsius >= 0x8000 else celsius} C")


def mhd_pool(ep: cxlmi.cxlmi_endpoint) -> None:
    ti = cxlmi.cxlmi_tunnel_mhd()
    try:
        heading(ti, "Multi-headed device: Get Multi-Headed Info (5500h)")
        req = cxlmi.cxlmi_cmd_fmapi_get_multiheaded_info_req()
        req.start_ld_id = 0
        req.ld_map_list_limit = 32
        info = cxlmi.cxlmi_cmd_fmapi_get_multiheaded_info_rsp()
        cxlmi.cxlmi_cmd_fmapi_get_multiheaded_info(ep, ti, req, info)
    finally:
        cxlmi.cxlmi_tunnel_free(ti)
    common.show("Heads", info.num_heads)
    common.show("Logical devices", info.num_lds)
    # ld_map is a flexible array, as long as ld_map_len says.
    heads = ", ".join(
        f"LD {info.start_ld_id + i}: head {h}" if h != 0xFF else f"LD {info.start_ld_id + i}: none"
        for i, h in enumerate(info.ld_map)
    )
    common.show("LD to head", heads)


def use_tunnels(ep: cxlmi.cxlmi_endpoint, args: argparse.Namespace) -> None:
    # Tunnel Management (5300h) is an FM-API command: the endpoint must take those.
    common.enable_fmapi(ep)

    print(args.name)
    for kind in KINDS if args.kind == "all" else (args.kind,):
        if kind == "switch":
            switch_port(ep, args.port)
        elif kind == "mld":
            mld_ld(ep, args.ld)
        elif kind == "switch-mld":
            switch_port_ld(ep, args.port, args.ld)
        else:
            mhd_pool(ep)


def main() -> int:
    parser = common.make_parser(__doc__)
    parser.add_argument(
        "--kind",
        choices=KINDS + ("all",),
        default="all",
        help="which tunnel to use (default: all four, one after the other)",
    )
    parser.add_argument("--port", type=common.port_or_ld, default=1, help="switch downstream port (default 1)")
    parser.add_argument("--ld", type=common.port_or_ld, default=0, help="logical device ID (default 0)")
    args = common.parse_args(parser)
    # Context, endpoint, --mock answers, close, free and errors: see example_common.run().
    return common.run(args, queue_canned_responses, use_tunnels)


if __name__ == "__main__":
    sys.exit(main())
