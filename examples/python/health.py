#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Check a CXL memory device's health against its alert thresholds.

Reads three things and sets them side by side:
  Get Health Info (4200h)       the present values: status, temperature, life used, errors
  Get Alert Configuration (4201h) the warning and critical thresholds for those values
  Get Shutdown State (4203h)    whether the device was shut down cleanly
then prints a table of value / warning / critical and a one-line verdict.
The exit status is 0 whatever the verdict; only a failure to ask is an error.

Usage examples:
  health.py mem0                     # /dev/cxl/mem0, as root
  health.py mctp:1,8                 # MCTP network 1, endpoint ID 8
  health.py --mock                   # no hardware: the mock endpoint with canned answers
  health.py --emu type3              # no hardware: the emulated memory device
"""

import argparse
import struct
import sys
from typing import List, Optional, Tuple

import cxlmi
import example_common as common

# Get Alert Configuration: which programmable warning thresholds are set (valid_alerts bits).
LIFE_WARNING = 1 << 0
OVER_TEMPERATURE_WARNING = 1 << 1
UNDER_TEMPERATURE_WARNING = 1 << 2
VOLATILE_ERRORS_WARNING = 1 << 3
PERSISTENT_ERRORS_WARNING = 1 << 4

HEALTH_STATUS_BITS = ("maintenance needed", "performance degraded", "replacement needed")
NOT_REPORTED_LIFE = 0xFF
NOT_REPORTED_TEMPERATURE = 0xFFFF


# One row of the thresholds table: (name, value, warning, critical, alarm when above?).
Row = Tuple[str, int, Optional[int], Optional[int], bool]


def queue_canned_responses(ep: cxlmi.cxlmi_endpoint) -> None:
    """--mock only: the answers of a device running warm but within limits, queued on the
    mock endpoint. CANNED DATA, not read from any device."""
    # Get Health Info output (4200h), struct cxlmi_cmd_memdev_get_health_info_rsp: health,
    # media and additional status, life used % (u8 each), temperature (s16, degrees C),
    # dirty shutdowns, corrected volatile and persistent errors (u32 each).
    health = struct.pack("<BBBBhIII", 0x00, 0x00, 0x00, 12, 63, 1, 27, 0)
    cxlmi.cxlmi_mock_set_response(ep, 0x42, 0x00, payload=health)
    # Get Alert Configuration output (4201h), struct cxlmi_cmd_memdev_get_alert_config_rsp:
    # valid and programmable alerts, life used critical and warning % (u8 each), over- and
    # under-temperature critical, over- and under-temperature warning (s16 each, degrees C),
    # corrected volatile and persistent error warnings (u16 each).
    alerts = struct.pack("<BBBBhhhhHH", 0x1B, 0x1F, 95, 80, 90, -10, 75, 0, 100, 100)
    cxlmi.cxlmi_mock_set_response(ep, 0x42, 0x01, payload=alerts)
    # Get Shutdown State output (4203h): bit 0 set when the state is dirty.
    cxlmi.cxlmi_mock_set_response(ep, 0x42, 0x03, payload=b"\x00")


def signed16(value: int) -> int:
    """Temperatures are 16-bit two's complement; the module gives them as unsigned ints."""
    return value - 0x10000 if value >= 0x8000 else value


def threshold_rows(
    health: cxlmi.cxlmi_cmd_memdev_get_health_info_rsp, alerts: cxlmi.cxlmi_cmd_memdev_get_alert_config_rsp
) -> List[Row]:
    """(name, value, warning, critical, alarm when above?) for each value the device has
    thresholds for; a threshold is None when the device has none set."""

    def warning(valid_bit: int, threshold: int) -> Optional[int]:
        # Warning thresholds are programmable, and count only once set (valid_alerts).
        return threshold if alerts.valid_alerts & valid_bit else None

    rows: List[Row] = []
    if health.life_used != NOT_REPORTED_LIFE:
        rows.append(
            (
                "Life used (%)",
                health.life_used,
                warning(LIFE_WARNING, alerts.life_used_programmable_warning_threshold),
                alerts.life_used_critical_alert_threshold,
                True,
            )
        )
    if health.device_temperature != NOT_REPORTED_TEMPERATURE:
        temperature = signed16(health.device_temperature)
        high = alerts.device_over_temperature_programmable_warning_threshold
        low = alerts.device_under_temperature_programmable_warning_threshold
        rows.append(
            (
                "Temperature (C)",
                temperature,
                warning(OVER_TEMPERATURE_WARNING, signed16(high)),
                signed16(alerts.device_over_temperature_critical_alert_threshold),
                True,
            )
        )
        rows.append(
            (
                "Low temperature (C)",
                temperature,
                warning(UNDER_TEMPERATURE_WARNING, signed16(low)),
                signed16(alerts.device_under_temperature_critical_alert_threshold),
                False,
            )
        )
    volatile = alerts.corrected_volatile_mem_error_programmable_warning_threshold
    persistent = alerts.corrected_persistent_mem_error_programmable_warning_threshold
    rows.append(
        (
            "Volatile errors",
            health.corrected_volatile_error_count,
            warning(VOLATILE_ERRORS_WARNING, volatile),
            None,
            True,
        )
    )
    rows.append(
        (
            "Persistent errors",
            health.corrected_persistent_error_count,
            warning(PERSISTENT_ERRORS_WARNING, persistent),
            None,
            True,
        )
    )
    return rows


def beyond(value: int, limit: Optional[int], above: bool) -> bool:
    """Whether `value` has reached `limit` (None: no limit), from below or from above."""
    return limit is not None and (value >= limit if above else value <= limit)


def check_health(ep: cxlmi.cxlmi_endpoint, args: argparse.Namespace) -> None:
    health = cxlmi.cxlmi_cmd_memdev_get_health_info()
    cxlmi.cxlmi_cmd_memdev_get_health_info(ep, None, health)
    alerts = cxlmi.cxlmi_cmd_memdev_get_alert_config()
    cxlmi.cxlmi_cmd_memdev_get_alert_config(ep, None, alerts)
    shutdown = cxlmi.cxlmi_cmd_memdev_get_shutdown_state()
    cxlmi.cxlmi_cmd_memdev_get_shutdown_state(ep, None, shutdown)

    rows = threshold_rows(health, alerts)

    status = [text for bit, text in enumerate(HEALTH_STATUS_BITS) if health.health_status & (1 << bit)]
    problems = list(status)
    if health.media_status != 0:
        problems.append(f"media status {health.media_status:02x}h")
    if shutdown.state & 1:
        problems.append("shutdown state is dirty")

    print(args.name)
    common.show("Health status", ", ".join(status) or "OK")
    common.show("Shutdown state", "dirty" if shutdown.state & 1 else "clean")
    common.show("Dirty shutdowns", health.dirty_shutdown_count)
    print(f"  {'':<{common.LABEL_WIDTH}}{'value':>8}{'warning':>10}{'critical':>10}")
    for name, value, warning, critical, above in rows:
        if beyond(value, critical, above):
            problems.append(f"{name} at critical")
        elif beyond(value, warning, above):
            problems.append(f"{name} past warning")
        print(
            f"  {name:<{common.LABEL_WIDTH}}{value:>8}"
            f"{'-' if warning is None else warning:>10}"
            f"{'-' if critical is None else critical:>10}"
        )
    print("Verdict: " + ("OK" if not problems else "ATTENTION: " + "; ".join(problems)))


def main() -> int:
    args = common.parse_args(common.make_parser(__doc__))
    # Context, endpoint, --mock answers, close, free and errors: see example_common.run().
    return common.run(args, queue_canned_responses, check_health)


if __name__ == "__main__":
    sys.exit(main())
