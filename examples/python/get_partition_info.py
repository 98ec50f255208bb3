#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Show how a CXL memory device's capacity is split between volatile and persistent memory.

Sends Identify Memory Device (opcode 4000h) for the total capacity and the
partition alignment, then Get Partition Info (opcode 4100h) for the split in
effect now and any change waiting for the next cold reset. The device counts
capacity in units of 256 MiB; the example prints it in bytes for people.

Usage examples:
  get_partition_info.py mem0         # /dev/cxl/mem0, as root
  get_partition_info.py mctp:1,8     # MCTP network 1, endpoint ID 8
  get_partition_info.py --mock       # no hardware: the mock endpoint with canned answers
  get_partition_info.py --emu type3  # no hardware: the emulated memory device
"""

import argparse
import struct
import sys

import cxlmi
import example_common as common


def queue_canned_responses(ep: cxlmi.cxlmi_endpoint) -> None:
    """--mock only: the answers of a 16 GiB device split half and half, with a change to
    12 GiB volatile pending, queued on the mock endpoint. CANNED DATA, not read from any device."""
    # Identify Memory Device output (4000h), struct cxlmi_cmd_memdev_identify_rsp:
    # firmware revision (16 chars), total, volatile-only, persistent-only capacity and
    # partition alignment (u64 each, in 256 MiB units), the sizes of the four event logs
    # (u16 each), LSA size (u32), poison list maximum (24 bits), inject poison limit (u16),
    # poison capabilities, QoS telemetry capabilities (u8 each), DC event log size (u16).
    memdev_identify = struct.pack(
        "<16sQQQQHHHHI3sHBBH",
        b"2.1.0",
        64,
        0,
        0,
        1,
        256,
        256,
        256,
        256,
        0x20000,
        (256).to_bytes(3, "little"),
        16,
        0x00,
        0x00,
        0,
    )
    cxlmi.cxlmi_mock_set_response(ep, 0x40, 0x00, payload=memdev_identify)
    # Get Partition Info output (4100h), struct cxlmi_cmd_memdev_get_partition_info_rsp:
    # active volatile, active persistent, next volatile, next persistent (u64, 256 MiB units).
    partition = struct.pack("<QQQQ", 32, 32, 48, 16)
    cxlmi.cxlmi_mock_set_response(ep, 0x41, 0x00, payload=partition)


def capacity(units: int) -> str:
    """A capacity field (in 256 MiB units) for people."""
    return common.size_text(units * common.CAPACITY_UNIT)


def show_partitions(ep: cxlmi.cxlmi_endpoint, args: argparse.Namespace) -> None:
    ident = cxlmi.cxlmi_cmd_memdev_identify()
    cxlmi.cxlmi_cmd_memdev_identify(ep, None, ident)
    print(args.name)
    common.show("Total capacity", capacity(ident.total_capacity))
    common.show("Volatile only", capacity(ident.volatile_capacity))
    common.show("Persistent only", capacity(ident.persistent_capacity))
    if ident.partition_align == 0:
        common.show("Partition alignment", "none (capacity cannot be repartitioned)")
    else:
        common.show("Partition alignment", capacity(ident.partition_align))

    part = cxlmi.cxlmi_cmd_memdev_get_partition_info()
    try:
        cxlmi.cxlmi_cmd_memdev_get_partition_info(ep, None, part)
    except cxlmi.CXLMIError as err:
        # The CXL return code is in .retcode: a device without partitioning may
        # answer Unsupported, which is no failure for this program.
        if err.retcode != cxlmi.CXLMI_RET_UNSUPPORTED:
            raise
        common.show("Partitioning", "not supported by the device")
    else:
        common.show("Active volatile", capacity(part.active_vmem))
        common.show("Active persistent", capacity(part.active_pmem))
        # The next values take effect at the next cold reset; both zero: none pending.
        if part.next_vmem or part.next_pmem:
            common.show(
                "Pending change",
                f"{capacity(part.next_vmem)} volatile, {capacity(part.next_pmem)} persistent at next cold reset",
            )
        else:
            common.show("Pending change", "none")


def main() -> int:
    args = common.parse_args(common.make_parser(__doc__))
    # Context, endpoint, --mock answers, close, free and errors: see example_common.run().
    return common.run(args, queue_canned_responses, show_partitions)


if __name__ == "__main__":
    sys.exit(main())
