#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Test helper: run an example where it must fail, and check that it fails cleanly.

Runs `python3 EXAMPLE.py [ARGS...]`, or a C example `PROGRAM [ARGS...]` directly
(for instance an example given a device that does not exist), and passes only if
the example exits with a status above 0 (not killed by a signal), wrote exactly
one line to stderr, and printed no Python traceback or Rust panic. Used by
examples/meson.build for the py-NAME-absent and the C examples' -absent tests.

Usage:
  check_fails_cleanly.py identify_device.py mem99
  check_fails_cleanly.py build/examples/cxl-memdev mem99
"""

import subprocess
import sys


def main() -> int:
    if len(sys.argv) < 2:
        print((__doc__ or "").strip(), file=sys.stderr)
        return 2
    command = sys.argv[1:]
    if command[0].endswith(".py"):
        command.insert(0, sys.executable)
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        print(f"FAIL: {' '.join(command)} did not finish in 60 s")
        return 1
    lines = run.stderr.splitlines()
    problems = []
    if run.returncode <= 0:
        problems.append(f"exit status {run.returncode}, expected above 0")
    if len(lines) != 1:
        problems.append(f"{len(lines)} lines on stderr, expected 1")
    if "Traceback" in run.stderr:
        problems.append("a traceback on stderr")
    if "panicked" in run.stderr:
        problems.append("a Rust panic on stderr")

    print(f"$ {' '.join(command)}")
    print(f"exit status {run.returncode}")
    print("stderr:" + "".join(f"\n  | {line}" for line in lines))
    if problems:
        print("FAIL: " + "; ".join(problems))
        return 1
    print("ok: failed cleanly")
    return 0


if __name__ == "__main__":
    sys.exit(main())
