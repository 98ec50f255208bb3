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
the command has used its share of the time budget (10 s, 5 s with valgrind), so a slow (debug,
valgrind) build still finishes; the "calls" column says how many were made.
`meson test -C build --benchmark` runs it with the defaults.

Then, when valgrind is installed, the same calls counted in instructions with callgrind (so
independent of machine load): the program runs itself under callgrind with `--count Q I` (Q
queued responses, then I Identify calls) at (2000, 2000), (4000, 2000) and (4000, 4000), side
by side, with PYTHONHASHSEED=0; the differences divided by 2000 are the instructions per queued
response (cxlmi_mock_set_response) and per Identify (cxlmi_cmd_identify), Python and library
together. `--count` uses only the C-style API, so it runs on upstream's SWIG module too.
Last, the time `import cxlmi` takes in a fresh interpreter (best of 7), as found (in a build tree
run with PYTHONDONTWRITEBYTECODE, cxlmi.py compiled on every import) and byte-compiled.

    bench_cxlmi.py --count Q I     only the counted calls, for callgrind
"""

import os
import py_compile
import shutil
import struct
import subprocess
import sys
import tempfile
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


def count(queued, identified):
    """Q responses queued, then I Identify calls: what the callgrind runs measure. Written for
    the module's C-style API alone, so it runs on upstream's SWIG module too."""
    ctx = cxlmi.cxlmi_new_ctx(None, 0)
    ep = cxlmi.cxlmi_open_mock(ctx)
    ident = cxlmi.cxlmi_cmd_identify_rsp()
    for _ in range(queued):
        cxlmi.cxlmi_mock_set_response(ep, 0x00, 0x01, 0, IDENTIFY_RSP)
    for _ in range(identified):
        cxlmi.cxlmi_cmd_identify(ep, None, ident)
    if identified and ident.serial_num != 0x0123456789ABCDEF:
        raise SystemExit("identify decoded %r" % ident)
    cxlmi.cxlmi_mock_clear_responses(ep)
    cxlmi.cxlmi_close(ep)
    cxlmi.cxlmi_free_ctx(ctx)
    return 0


def instructions(runs):
    """The instructions (callgrind's Ir) of whole `--count Q I` runs, one per (Q, I) of `runs`,
    run side by side."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, PYTHONHASHSEED="0")
        procs = [
            subprocess.Popen(
                [
                    "valgrind",
                    "--tool=callgrind",
                    "--callgrind-out-file=%s/%d.out" % (tmp, i),
                    sys.executable,
                    os.path.abspath(__file__),
                    "--count",
                    str(q),
                    str(n),
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for i, (q, n) in enumerate(runs)
        ]
        if any(p.wait() != 0 for p in procs):
            raise SystemExit("a callgrind run failed")
        totals = []
        for i in range(len(runs)):
            with open("%s/%d.out" % (tmp, i)) as f:
                totals += [int(line.split()[1]) for line in f if line.startswith(("summary:", "totals:"))][:1]
        return totals


def import_ms(module_dir=None):
    """The best of 7 times `import cxlmi` takes in a fresh interpreter, in ms: from `module_dir`
    (on PYTHONPATH first) when given, else where this process found it."""
    code = "import time; t = time.perf_counter(); import cxlmi; print(time.perf_counter() - t)"
    env = dict(os.environ)
    if module_dir:
        env["PYTHONPATH"] = os.pathsep.join([module_dir] + [p for p in [env.get("PYTHONPATH")] if p])
    runs = [
        float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env).stdout)
        for _ in range(7)
    ]
    return min(runs) * 1e3


def compiled_import_ms():
    """import_ms() of a byte-compiled copy of the module, as an installation has it (a build tree
    run with PYTHONDONTWRITEBYTECODE compiles cxlmi.py on every import)."""
    here = os.path.dirname(cxlmi.__file__)
    with tempfile.TemporaryDirectory() as tmp:
        for name in os.listdir(here):
            if name == "cxlmi.py" or (name.startswith("_cxlmi.") and name.endswith(".so")):
                shutil.copy(os.path.join(here, name), tmp)
        py_compile.compile(os.path.join(tmp, "cxlmi.py"), doraise=True)
        return import_ms(tmp)


def main(argv):
    if len(argv) == 4 and argv[1] == "--count":
        return count(int(argv[2]), int(argv[3]))
    n = int(argv[1]) if len(argv) > 1 else 20000
    rounds = int(argv[2]) if len(argv) > 2 else 5
    # With valgrind, the counted runs take their share of meson's 30 s.
    valgrind = shutil.which("valgrind")
    budget = BUDGET_S / 2 if valgrind else BUDGET_S
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
        bench(name, ep, cmd_set, cmd, payload, call, check, n, rounds, budget / len(cases))
    cxlmi.cxlmi_close(ep)
    cxlmi.cxlmi_free_ctx(ctx)

    if valgrind:
        base, queued, both = instructions([(2000, 2000), (4000, 2000), (4000, 4000)])
        print(
            "callgrind: %d instructions per Identify, %d per queued response"
            % (round((both - queued) / 2000), round((queued - base) / 2000))
        )
    else:
        print("callgrind: no valgrind, no instruction counts")
    print("import cxlmi: %.1f ms, %.1f ms byte-compiled" % (import_ms(), compiled_import_ms()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
