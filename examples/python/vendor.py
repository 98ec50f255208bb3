#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Send a vendor-specific CXL command (opcodes C000h to FFFFh) and dump the answer.

cxlmi_cmd_vendor_specific(ep, ti, opcode, data, ret_size) sends `data` as the
payload and returns the answer's payload as bytes. A device's answer must be
exactly ret_size bytes long (the mock endpoint pads or cuts its canned answer
to fit), so you need the vendor's documentation of the command.
On the mock endpoint the example also reads back, with
cxlmi_mock_get_last_command(), the request the "device" received.

Usage examples:
  vendor.py mem0 --opcode 0xc000 --data "01 00" --ret-size 32   # as root
  vendor.py mctp:1,8 --opcode 0xc123 --ret-size 8
  vendor.py --mock           # a canned vendor command: C000h, page 1, 32 bytes back
"""

import argparse
import struct
import sys

import cxlmi
import example_common as common

# The canned command --mock answers: a made-up "read version page" command of some
# vendor, taking a u16 page number and answering 32 bytes.
MOCK_OPCODE = 0xC000
MOCK_DATA = struct.pack("<H", 1)
MOCK_RET_SIZE = 32


def queue_canned_responses(ep: cxlmi.cxlmi_endpoint) -> None:
    """--mock only: the made-up vendor command's answer, queued on the mock endpoint for
    opcode C000h (command set C0h, command 00h). CANNED DATA, not read from any device."""
    answer = struct.pack("<HH28s", 1, 0x0102, b"acme-cxl fw 2.1.0 build 4711")
    cxlmi.cxlmi_mock_set_response(ep, MOCK_OPCODE >> 8, MOCK_OPCODE & 0xFF, payload=answer)


def opcode_arg(text: str) -> int:
    try:
        value = int(text, 0)
    except ValueError:
        value = -1
    if not 0xC000 <= value <= 0xFFFF:
        raise argparse.ArgumentTypeError(f"{text}: vendor-specific opcodes are 0xc000 to 0xffff")
    return value


def hex_arg(text: str) -> bytes:
    try:
        return bytes.fromhex(text.replace(":", " "))
    except ValueError:
        raise argparse.ArgumentTypeError(f'{text!r} is not hex bytes such as "01 00"') from None


def send_vendor_command(ep: cxlmi.cxlmi_endpoint, args: argparse.Namespace) -> None:
    data = args.data or b""
    answer = cxlmi.cxlmi_cmd_vendor_specific(ep, None, args.opcode, data, args.ret_size or 0)

    print(args.name)
    common.show("Opcode", f"{args.opcode:04X}h")
    common.show("Sent", f"{len(data)} bytes" + (f": {data.hex(' ')}" if data else ""))
    if args.mock:
        opcode, payload = cxlmi.cxlmi_mock_get_last_command(ep)
        common.show(
            "Mock received", f"{opcode:04X}h, {len(payload)} bytes" + (f": {payload.hex(' ')}" if payload else "")
        )
    common.show("Answer", f"{len(answer)} bytes")
    for line in common.hexdump(answer):
        print(line)


def main() -> int:
    parser = common.make_parser(__doc__)
    parser.add_argument(
        "--opcode",
        type=opcode_arg,
        metavar="OPCODE",
        help="the vendor-specific opcode, C000h to FFFFh (for instance 0xc000)",
    )
    parser.add_argument(
        "--data", type=hex_arg, metavar="HEX", help='the request payload in hex, for instance "01 00" (default: none)'
    )
    parser.add_argument("--ret-size", type=int, metavar="N", help="how many payload bytes the answer has (default: 0)")
    args = common.parse_args(parser)
    if args.mock:
        # Unless told otherwise, send the command the canned answer is for.
        args.opcode = MOCK_OPCODE if args.opcode is None else args.opcode
        args.data = MOCK_DATA if args.data is None else args.data
        args.ret_size = MOCK_RET_SIZE if args.ret_size is None else args.ret_size
    elif args.opcode is None:
        parser.error("--opcode is needed for a real device")
    # Context, endpoint, --mock answers, close, free and errors: see example_common.run().
    return common.run(args, queue_canned_responses, send_vendor_command)


if __name__ == "__main__":
    sys.exit(main())
