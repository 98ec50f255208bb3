# SPDX-License-Identifier: LGPL-2.1-or-later
#
# What the tool's test scripts (test_cli.py, test_cli_device.py, test_cli_fabric.py) share: running
# the cxlmi given as their first argument, recording checks, the expectations on a run (a JSON
# document, text, a failure with one line on stderr) and reading decoded values.

import json
import subprocess
import sys

CXLMI = sys.argv[1] if len(sys.argv) > 1 else "build/cli/cxlmi"
failures = []
checks = 0


def run(*args, timeout=120):
    p = subprocess.run([CXLMI, *args], capture_output=True, text=True, timeout=timeout)
    for text in (p.stdout, p.stderr):
        if "panicked" in text or "RUST_BACKTRACE" in text or "stack backtrace" in text:
            check(False, f"{' '.join(args)}: panic output: {text!r}")
    return p


def check(ok, what):
    global checks
    checks += 1
    if not ok:
        failures.append(what)
        print(f"FAIL: {what}")
    return ok


def ok_json(*args, **kw):
    """Runs with --json, expects exit 0 and one JSON document; returns it."""
    p = run(*args, "--json", **kw)
    check(p.returncode == 0, f"{' '.join(args)} --json: exit {p.returncode}, stderr {p.stderr.strip()!r}")
    try:
        return json.loads(p.stdout)
    except ValueError:
        check(False, f"{' '.join(args)} --json: not one JSON document: {p.stdout[:200]!r}")
        return {}


def ok_text(*args, want=()):
    """Runs for text output, expects exit 0 and each string of `want` in it."""
    p = run(*args)
    check(p.returncode == 0, f"{' '.join(args)}: exit {p.returncode}, stderr {p.stderr.strip()!r}")
    check(p.stdout.strip() != "", f"{' '.join(args)}: no output")
    for w in want:
        check(w in p.stdout, f"{' '.join(args)}: {w!r} not in output:\n{p.stdout}")
    return p.stdout


def fails(status, *args, says=()):
    """Expects exit `status` and exactly one line on stderr."""
    p = run(*args)
    check(p.returncode == status, f"{' '.join(args)}: exit {p.returncode}, want {status} (stderr {p.stderr.strip()!r})")
    lines = p.stderr.strip().splitlines()
    check(len(lines) == 1 and lines[0].startswith("cxlmi: "), f"{' '.join(args)}: want one 'cxlmi:' line, got {lines}")
    for s in says:
        check(s in p.stderr, f"{' '.join(args)}: {s!r} not in {p.stderr.strip()!r}")
    return p


# Decoded values (docs/cli.md): enumerations as {"raw", "name"}, flags as {"raw", flag: bool, ...}.
def name(v):
    return v.get("name") if isinstance(v, dict) else None


def set_flags(v):
    return sorted(k for k, on in (v or {}).items() if k != "raw" and on is True)


def finish():
    """Prints the tally and exits with the status meson reads."""
    print(f"{checks} checks, {len(failures)} failed")
    sys.exit(1 if failures else 0)
