#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Show the health of a CXL memory device (Get Health Info, opcode 4200h).

Prints the health status flags, the media status, the device temperature,
how much of the device's life is used, and its error counters (dirty
shutdowns, corrected volatile and persistent errors), each with the alert
state the device reports for it.

Usage examples:
  get_health_info.py mem0            # /dev/cxl/mem0, as root
  get_health_info.py mctp:1,8        # MCTP network 1, endpoint ID 8
  get_health_info.py --mock          # no hardware: the mock endpoint with a canned answer
  get_health_info.py --emu type3     # no hardware: the emulated memory device
"""

import argparse
import struct
import sys

import cxlmi
import example_common as common

# Get Health Info output fields (CXL r3.1 section 8.2.9.9.3.1).
HEALTH_STATUS_BITS = {
    0: "maintenance needed",
    1: "performance degraded",
    2: "hardware replacement needed",
}
MEDIA_STATUS = {
    0x00: "normal",
    0x01: "not ready",
    0x02: "write persistency lost",
    0x03: "all data lost",
    0x04: "write persistency loss in the event of power loss",
    0x05: "write persistency loss in the event of shutdown",
    0x06: "write persistency loss imminent",
    0x07: "all data loss in the event of power loss",
    0x08: "all data loss in the event of shutdown",
    0x09: "all data loss imminent",
}
ALERT_LEVELS = {0: "normal", 1: "warning", 2: "critical", 3: "reserved"}
NOT_REPORTED_LIFE = 0xFF
NOT_REPORTED_TEMPERATURE = 0xFFFF


def queue_canned_responses(ep: cxlmi.cxlmi_endpoint) -> None:
    """--mock only: the answer a healthy CXL memory device would give, queued on the mock
    endpoint. CANNED DATA, not read from any device."""
    # Get Health Info output (4200h), struct cxlmi_cmd_memdev_get_health_info_rsp:
    # health status, media status, additional status, life used (%) (u8 each),
    # device temperature (s16, degrees C), dirty shutdown count, corrected volatile
    # error count, corrected persistent error count (u32 each).
    health = struct.pack("<BBBBhIII", 0x00, 0x00, 0x00, 3, 38, 1, 12, 0)
    cxlmi.cxlmi_mock_set_response(ep, 0x42, 0x00, payload=health)


def health_status_text(status: int) -> str:
    flags = [text for bit, text in HEALTH_STATUS_BITS.items() if status & (1 << bit)]
    return ", ".join(flags) if flags else "OK"


def show_health(ep: cxlmi.cxlmi_endpoint, args: argparse.Namespace) -> None:
    health = cxlmi.cxlmi_cmd_memdev_get_health_info()
    cxlmi.cxlmi_cmd_memdev_get_health_info(ep, None, health)

    # Additional Status packs the alert state of three of the values below.
    extra = health.additional_status
    life_alert = ALERT_LEVELS[extra & 0x3]
    temperature_alert = ALERT_LEVELS[(extra >> 2) & 0x3]
    volatile_alert = "warning" if extra & (1 << 4) else "normal"
    persistent_alert = "warning" if extra & (1 << 5) else "normal"

    if health.life_used == NOT_REPORTED_LIFE:
        life = "not reported"
    else:
        life = f"{health.life_used}%  ({life_alert})"
    if health.device_temperature == NOT_REPORTED_TEMPERATURE:
        temperature = "not reported"
    else:
        celsius = health.device_temperature  # two's complement, 16 bits
        if celsius >= 0x8000:
            celsius -= 0x10000
        temperature = f"{celsius} C  ({temperature_alert})"
    media = MEDIA_STATUS.get(health.media_status, "reserved")

    print(args.name)
    common.show("Health status", health_status_text(health.health_status))
    common.show("Media status", f"{media} ({health.media_status:02x}h)")
    common.show("Temperature", temperature)
    common.show("Life used", life)
    common.show("Dirty shutdowns", health.dirty_shutdown_count)
    common.show(
        "Corrected errors",
        f"{health.corrected_volatile_error_count} volatile "
        f"({volatile_alert}), {health.corrected_persistent_error_count} "
        f"persistent ({persistent_alert})",
    )


def main() -> int:
    args = common.parse_args(common.make_parser(__doc__))
    # Context, endpoint, --mock answers, close, free and errors: see example_common.run().
    return common.run(args, queue_canned_responses, show_health)


if __name__ == "__main__":
    sys.exit(main())
