#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Show a CXL device's firmware slots (Get FW Info, opcode 0200h).

Prints how many firmware slots the device has, which slot runs now, which (if
any) is staged to run after the next cold reset, whether firmware can be
activated without a reset, and the revision held in each slot. Read only: it
transfers and activates nothing.

Usage examples:
  firmware.py mem0                   # /dev/cxl/mem0, as root
  firmware.py mctp:1,8               # MCTP network 1, endpoint ID 8
  firmware.py --mock                 # no hardware: the mock endpoint with a canned answer
  firmware.py --emu type3            # no hardware: the emulated memory device
"""

import argparse
import struct
import sys

import cxlmi
import example_common as common

# Get FW Info output (CXL r3.1 section 8.2.9.3.1).
ACTIVE_SLOT_MASK = 0x07  # slot_info bits 2:0
STAGED_SLOT_SHIFT = 3  # slot_info bits 5:3, 0 when nothing is staged
ONLINE_ACTIVATION = 1 << 0  # caps bit 0


def queue_canned_responses(ep: cxlmi.cxlmi_endpoint) -> None:
    """--mock only: a device with 2 slots, running slot 1, with a newer revision staged in
    slot 2, queued on the mock endpoint. CANNED DATA, not read from any device."""
    # Get FW Info output (0200h), struct cxlmi_cmd_get_fw_info_rsp: slots supported,
    # slot info, activation capabilities (u8 each), 13 reserved bytes, then the revision
    # of slots 1 to 4 (16 ASCII characters each, NUL-padded).
    slot_info = 1 | (2 << STAGED_SLOT_SHIFT)
    fw_info = struct.pack("<BBB13x16s16s16s16s", 2, slot_info, ONLINE_ACTIVATION, b"2.1.0", b"2.2.0-rc3", b"", b"")
    cxlmi.cxlmi_mock_set_response(ep, 0x02, 0x00, payload=fw_info)


def show_firmware(ep: cxlmi.cxlmi_endpoint, args: argparse.Namespace) -> None:
    fw = cxlmi.cxlmi_cmd_get_fw_info()
    cxlmi.cxlmi_cmd_get_fw_info(ep, None, fw)

    active = fw.slot_info & ACTIVE_SLOT_MASK
    staged = (fw.slot_info >> STAGED_SLOT_SHIFT) & ACTIVE_SLOT_MASK
    # The revisions are char arrays: str() of one gives its text.
    revisions = [str(fw.fw_rev1), str(fw.fw_rev2), str(fw.fw_rev3), str(fw.fw_rev4)]

    print(args.name)
    common.show("Slots", fw.slots_supported)
    common.show("Active slot", active)
    common.show("Staged slot", staged if staged else "none")
    common.show(
        "Online activation", "supported" if fw.caps & ONLINE_ACTIVATION else "not supported (cold reset needed)"
    )
    for slot in range(1, min(fw.slots_supported, 4) + 1):
        marks = [m for m, n in (("active", active), ("staged", staged)) if n == slot]
        revision = revisions[slot - 1] or "(empty)"
        common.show(f"Slot {slot}", f"{revision:<18}{', '.join(marks)}".rstrip())


def main() -> int:
    args = common.parse_args(common.make_parser(__doc__))
    # Context, endpoint, --mock answers, close, free and errors: see example_common.run().
    return common.run(args, queue_canned_responses, show_firmware)


if __name__ == "__main__":
    sys.exit(main())
