#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Read a CXL device's event logs, and clear what was read if asked.

For each event log (informational, warning, failure, fatal; dynamic capacity on
request) sends Get Event Records (opcode 0100h) and prints one line per record:
handle, severity, time stamp and event type. With --clear, hands the records'
handles back with Clear Event Records (opcode 0101h), which lets the device
move on to the next records, and reads again while the device says more wait.

Usage examples:
  events.py mem0                     # all four logs of /dev/cxl/mem0, as root
  events.py mem0 --log warn --log fail
  events.py mctp:1,8 --clear         # read and clear everything
  events.py --mock                   # no hardware: the mock endpoint with canned records
  events.py --emu type3 --clear      # no hardware: the emulated memory device
"""

import argparse
import datetime
import struct
import sys
import uuid
from typing import List

import cxlmi
import example_common as common

LOGS = {
    "info": (cxlmi.CXLMI_EVENT_LOG_INFO, "Informational"),
    "warn": (cxlmi.CXLMI_EVENT_LOG_WARN, "Warning"),
    "fail": (cxlmi.CXLMI_EVENT_LOG_FAIL, "Failure"),
    "fatal": (cxlmi.CXLMI_EVENT_LOG_FATAL, "Fatal"),
    "dcd": (cxlmi.CXLMI_EVENT_LOG_DYNAMIC_CAPACITY, "Dynamic capacity"),
}
DEFAULT_LOGS = ["info", "warn", "fail", "fatal"]

# Get Event Records output flags, and the flags of each record (CXL r3.1 section 8.2.9.2).
MORE_RECORDS = 1 << 1
OVERFLOW = 1 << 0
SEVERITIES = ("info", "warning", "failure", "fatal")  # record flags bits 1:0

# Each record's UUID says what kind of event it is.
EVENT_TYPES = {
    uuid.UUID("fbcd0a77-c260-417f-85a9-088b1621eba6"): "General Media",
    uuid.UUID("601dcbb3-9c06-4eab-b8af-4e9bfb5c9624"): "DRAM",
    uuid.UUID("fe927475-dd59-4339-a586-79bab113b774"): "Memory Module",
    uuid.UUID("ca95afa7-f183-4018-8c2f-95268e101a2a"): "Dynamic Capacity",
}

# A device that keeps saying "more" is not read forever.
MAX_ROUNDS = 64


def canned_record(event_type: str, handle: int, severity: int, timestamp_ns: int) -> bytes:
    """One 128-byte event record, struct cxlmi_event_record: UUID (16 bytes), length (u8),
    flags (3 bytes), handle, related handle (u16 each), time stamp (u64, ns since 1970),
    maintenance operation class and subclass (u8 each), LD ID (u16), head ID (u8), 11 reserved
    bytes, 80 bytes of event-specific data (left zero here)."""
    event_uuid = next(u for u, name in EVENT_TYPES.items() if name == event_type)
    return struct.pack(
        "<16sB3sHHQBBHB11x80s", event_uuid.bytes, 128, bytes([severity, 0, 0]), handle, 0, timestamp_ns, 0, 0, 0, 0, b""
    )


def queue_canned_responses(ep: cxlmi.cxlmi_endpoint, logs: List[str], clear: bool) -> None:
    """--mock only: three informational records (the device sends two, then says there are
    more) and one warning, the other logs empty, queued on the mock endpoint.
    CANNED DATA, not read from any device."""
    t0 = 1741944413 * 10**9  # 2025-03-14 09:26:53 UTC, in ns
    info = [
        canned_record("Memory Module", 0x0001, 0, t0),
        canned_record("General Media", 0x0002, 0, t0 + 42 * 10**9),
        canned_record("Memory Module", 0x0003, 0, t0 + 600 * 10**9),
    ]
    warn = [canned_record("DRAM", 0x0010, 1, t0 + 3600 * 10**9)]
    # Each answer the device gives: (records, more records waiting?).
    answers = {"info": [(info[:2], True), (info[2:], False)], "warn": [(warn, False)]}

    for name in logs:
        for records, more in answers.get(name, [([], False)]):
            # Get Event Records output (0100h), struct cxlmi_cmd_get_event_records_rsp: flags,
            # reserved (u8 each), overflow error count (u16), first and last overflow time
            # stamps (u64 each), record count (u16), 10 reserved bytes, then the records.
            flags = MORE_RECORDS if more else 0
            answer = struct.pack("<BBHQQH10x", flags, 0, 0, 0, 0, len(records))
            cxlmi.cxlmi_mock_set_response(ep, 0x01, 0x00, payload=answer + b"".join(records))
            if not clear:
                break  # without --clear only the first is asked for
            if records:
                cxlmi.cxlmi_mock_set_response(ep, 0x01, 0x01)  # Clear Event Records: Success


def time_text(ns: int) -> str:
    if ns == 0:
        return "-"
    when = datetime.datetime.fromtimestamp(ns / 1e9, tz=datetime.timezone.utc)
    return when.strftime("%Y-%m-%d %H:%M:%S UTC")


def record_line(rec: cxlmi.cxlmi_event_record) -> str:
    # Array members are ArrayViews: bytes() gives their raw bytes, indexing their entries.
    kind = EVENT_TYPES.get(uuid.UUID(bytes=bytes(rec.uuid)), "vendor/other")
    severity = SEVERITIES[rec.flags[0] & 0x3]
    return f"  {rec.handle:04x}h  {severity:<9}{time_text(rec.timestamp):<25}{kind}"


def read_log(ep: cxlmi.cxlmi_endpoint, log_id: int, title: str, clear: bool) -> None:
    """Prints the records of one log; with `clear`, clears them and reads on while the device
    has more."""
    print(f"{title} log")
    seen = 0
    for _ in range(MAX_ROUNDS):
        req = cxlmi.cxlmi_cmd_get_event_records_req()
        req.event_log = log_id
        rsp = cxlmi.cxlmi_cmd_get_event_records_rsp()  # room for every record a device sends
        cxlmi.cxlmi_cmd_get_event_records(ep, None, req, rsp)

        if rsp.flags & OVERFLOW:
            print(f"  overflowed: {rsp.overflow_err_count} records lost")
        # rsp.records is a flexible array: as many entries as rsp.record_count.
        for rec in rsp.records:
            print(record_line(rec))
        seen += rsp.record_count

        if clear and rsp.record_count:
            creq = cxlmi.cxlmi_cmd_clear_event_records_req()
            creq.event_log = log_id
            creq.nr_recs = rsp.record_count
            creq.handles = [rec.handle for rec in rsp.records]  # sized by nr_recs
            cxlmi.cxlmi_cmd_clear_event_records(ep, None, creq)
            print(f"  ({rsp.record_count} cleared)")
        if not rsp.flags & MORE_RECORDS:
            break
        if not clear:
            print("  (more records wait behind these: --clear to read on)")
            break
    if seen == 0:
        print("  (empty)")


def read_logs(ep: cxlmi.cxlmi_endpoint, args: argparse.Namespace) -> None:
    print(args.name)
    for name in args.log:
        log_id, title = LOGS[name]
        read_log(ep, log_id, title, args.clear)


def main() -> int:
    parser = common.make_parser(__doc__)
    parser.add_argument(
        "--log",
        action="append",
        choices=list(LOGS),
        help="a log to read (repeatable; default: info, warn, fail, fatal)",
    )
    parser.add_argument("--clear", action="store_true", help="clear the records read, and read on while more wait")
    args = common.parse_args(parser)
    args.log = args.log or DEFAULT_LOGS
    # Context, endpoint, --mock answers, close, free and errors: see example_common.run().
    return common.run(args, lambda ep: queue_canned_responses(ep, args.log, args.clear), read_logs)


if __name__ == "__main__":
    sys.exit(main())
