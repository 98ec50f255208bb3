#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The `cxlmi` tool on a kernel mailbox (/dev/cxl/mem0), with the kernel played by the ioctl shim
# (tests/support/ioctl-shim, preloaded: the scripted kernel of tests/support/src/scripted.rs) in
# front of a QEMU-like device, as test-ioctl does for the C API: a distribution kernel without RAW
# commands and one with them. Checked: identify falls back to Identify Memory Device when
# the kernel cannot send the Generic Identify, and a command the kernel will not send fails with exit
# status 4 and one line that ends with the library's reason (also in --json as error.detail).
# Run by meson (suite `cli`) as: test_cli_ioctl.py PATH/TO/cxlmi PATH/TO/ioctl-shim.so

import json
import os
import subprocess
import sys

CXLMI, SHIM = sys.argv[1], sys.argv[2]
KERNELS = {
    "distro": {"CXLMI_TEST_RAW": "0", "CXLMI_TEST_PMEM": "1"},
    "raw": {"CXLMI_TEST_RAW": "1", "CXLMI_TEST_PMEM": "1"},
}
failures = []


def run(kernel, *args):
    env = dict(os.environ, LD_PRELOAD=SHIM, CXLMI_TEST_DEVICE="mem0", **KERNELS[kernel])
    return subprocess.run([CXLMI, *args], capture_output=True, text=True, env=env, timeout=60)


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


for kernel in KERNELS:
    p = run(kernel, "identify", "mem0", "--json")
    doc = json.loads(p.stdout) if p.returncode == 0 else {}
    check(p.returncode == 0, f"{kernel}: identify mem0 exits 0 ({p.returncode}: {p.stderr.strip()})")
    check((doc.get("component_type") or {}).get("name") == "type3_device", f"{kernel}: ... a memory device")
    memdev = doc.get("memdev") or {}
    check(memdev.get("total_bytes") == 1 << 30, f"{kernel}: ... of the device's 1 GiB")
    # Without RAW the Generic Identify (no kernel id) cannot be sent and its fields are null; with
    # RAW it goes through, and the shim's device answers it.
    want = None if kernel == "distro" else 0x807060504030201
    check(doc.get("serial") == want, f"{kernel}: ... Generic Identify serial {doc.get('serial')!r}")

    p = run(kernel, "health", "mem0", "--json")
    check(
        p.returncode == 0 and json.loads(p.stdout).get("temperature_celsius") == 25,
        f"{kernel}: health mem0 goes by the kernel's command id ({p.returncode})",
    )

p = run("distro", "events", "mem0")
lines = p.stderr.splitlines()
check(p.returncode == 4, f"distro: events mem0 exits 4 ({p.returncode})")
check(
    len(lines) == 1
    and lines[0].startswith("cxlmi: mem0: events: ")
    and "0100h not sent: the kernel has no command id for it and does not take RAW commands" in lines[0],
    f"distro: ... one line with the library's reason: {p.stderr!r}",
)
p = run("distro", "events", "mem0", "--json")
detail = json.loads(p.stdout)["error"].get("detail", "") if p.stdout else ""
check("does not take RAW commands" in detail, f"distro: ... --json error.detail: {detail!r}")

p = run("raw", "events", "mem0", "--json")
check(
    p.returncode == 0 and all("records" in log for log in json.loads(p.stdout or "{}").get("logs", [None])),
    f"raw: events mem0 goes RAW ({p.returncode}: {p.stderr.strip()})",
)
p = run("raw", "sanitize", "mem0", "--force")
check(
    p.returncode == 4 and "refuses it as a RAW command" in p.stderr,
    f"raw: sanitize mem0 is on the kernel's deny list: {p.stderr.strip()!r}",
)

print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
