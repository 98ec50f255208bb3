#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Time per call of cxlmi_cmd_identify and cxlmi_cmd_get_event_records from
Python, on the library's mock endpoint.

    bench_cxlmi.py [N] [ROUNDS]

Each round queues N responses (cxlmi_mock_set_response, timed apart as
"queue ns") and then makes N calls, timed together; the best round is
reported as "ns/call": the Python wrapper, the argument checks, the library
command and the decoding into the Python object. Nothing here asserts a
time; the program fails only if a command fails. A round stops early once
the command has used its share of the time budget, so a slow (debug,
valgrind) build still finishes; the "calls" column says how many were made.
`meson test -C build --benchmark` runs it with the defaults.
"""

import struct
import sys
import time

import cxlmi

BUDGET_S = 10.0  # the whole run

IDENTIFY_RSP = struct.pack("<HHHHQBB", 0x8086, 0x0D93, 0x1AF4, 0x1100, 0x0123456789ABCDEF, 0x0B, 0x03)


def event_records_rsp(count):
    head = struct.pack("<BBHQQH", 0x01, 0, 0, 0, 0, count) + bytes(10)
    recs = b"".join(
        bytes([i] * 16) + bytes([128, 0, 0, 0]) + struct.pack("<HHQ", 0x100 + i, 0, i) + bytes(96) for i in range(count)
    )
    return head + recs


def bench(name, ep, cmd_set, cmd, payload, call, check, n, rounds, budget):
    best = None
    best_queue = None
    calls = 0
    start = time.perf_counter()
    for _ in range(rounds):
        t0 = time.perf_counter_ns()
        for _ in range(n):
            cxlmi.cxlmi_mock_set_response(ep, cmd_set, cmd, 0, payload)
        t1 = time.perf_counter_ns()
        for _ in range(n):
            call()
        t2 = time.perf_counter_ns()
        check()
        calls += n
        per_call = (t2 - t1) / n
        per_queue = (t1 - t0) / n
        best = per_call if best is None else min(best, per_call)
        best_queue = per_queue if best_queue is None else min(best_queue, per_queue)
        if time.perf_counter() - start > budget:
            break
    cxlmi.cxlmi_mock_clear_responses(ep)
    print("%-28s %10.0f %10.0f %10d" % (name, best, best_queue, calls))
    sys.stdout.flush()


def main(argv):
    n = int(argv[1]) if len(argv) > 1 else 20000
    rounds = int(argv[2]) if len(argv) > 2 else 5
    ctx = cxlmi.cxlmi_new_ctx(None, 0)
    ep = cxlmi.cxlmi_open_mock(ctx)
    print("python %s, N=%d, best of %d rounds" % (sys.version.split()[0], n, rounds))
    print("%-28s %10s %10s %10s" % ("command", "ns/call", "queue ns", "calls"))

    ident = cxlmi.cxlmi_cmd_identify()

    def identify():
        cxlmi.cxlmi_cmd_identify(ep, None, ident)

    def identify_ok():
        if ident.vendor_id != 0x8086 or ident.serial_num != 0x0123456789ABCDEF:
            raise SystemExit("identify decoded %r" % ident)

    req = cxlmi.cxlmi_cmd_get_event_records_req()
    req.event_log = cxlmi.CXLMI_EVENT_LOG_INFO
    rsp = cxlmi.cxlmi_cmd_get_event_records_rsp()

    def events():
        cxlmi.cxlmi_cmd_get_event_records(ep, None, req, rsp)

    def events_ok(count):
        def ok():
            if rsp.record_count != count or (count and rsp.records[count - 1].handle != 0x100 + count - 1):
                raise SystemExit("get_event_records decoded %d records" % rsp.record_count)

        return ok

    cases = [
        ("identify", 0x00, 0x01, IDENTIFY_RSP, identify, identify_ok),
        ("get_event_records (0)", 0x01, 0x00, event_records_rsp(0), events, events_ok(0)),
        ("get_event_records (1)", 0x01, 0x00, event_records_rsp(1), events, events_ok(1)),
        (
            "get_event_records (20)",
            0x01,
            0x00,
            event_records_rsp(cxlmi.CXLMI_MAX_SUPPORTED_EVENT_RECORDS),
            events,
            events_ok(cxlmi.CXLMI_MAX_SUPPORTED_EVENT_RECORDS),
        ),
    ]
    for name, cmd_set, cmd, payload, call, check in cases:
        bench(name, ep, cmd_set, cmd, payload, call, check, n, rounds, BUDGET_S / len(cases))
    cxlmi.cxlmi_close(ep)
    cxlmi.cxlmi_free_ctx(ctx)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
