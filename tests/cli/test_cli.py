#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The `cxlmi` tool against the emulated fabric (emu: targets): every subcommand in text and --json,
# the values it reports checked against what the emulated models are, and the exit statuses a script
# relies on (docs/cli.md). Run by meson (suite `cli`) as: test_cli.py PATH/TO/cxlmi
#
# Each emu: target is a fresh component per run of the tool, so a change and its effect are checked
# within one call (poison inject lists the poison after it, partition --set-volatile reads back).

import json
import os
import subprocess
import sys
import tempfile
import time

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
    """Expects exit `status` and, for statuses other than 2, exactly one line on stderr."""
    p = run(*args)
    check(p.returncode == status, f"{' '.join(args)}: exit {p.returncode}, want {status} (stderr {p.stderr.strip()!r})")
    lines = p.stderr.strip().splitlines()
    check(len(lines) == 1 and lines[0].startswith("cxlmi: "), f"{' '.join(args)}: want one 'cxlmi:' line, got {lines}")
    for s in says:
        check(s in p.stderr, f"{' '.join(args)}: {s!r} not in {p.stderr.strip()!r}")
    return p


# ---- identify, through every tunnel kind ----
v = ok_json("identify", "emu:type3")
check(v.get("component_type") == "type3", f"identify type3: component_type {v.get('component_type')}")
check(v.get("serial") == "0x7e53000000000001", f"identify type3: serial {v.get('serial')}")
check(v.get("vendor_id") == "0x1e98", f"identify type3: vendor_id {v.get('vendor_id')}")
m = v.get("memdev") or {}
check(
    m.get("total_capacity_bytes", 0) > 0 and m["total_capacity_bytes"] % (256 << 20) == 0,
    f"identify type3: memdev total capacity {m.get('total_capacity_bytes')}",
)
ok_text("identify", "emu:type3", want=["component type", "type3", "0x7e53000000000001", "GiB"])

v = ok_json("identify", "emu:switch")
check(v.get("component_type") == "switch" and "memdev" not in v, f"identify switch: {v}")
check(v.get("serial") == "0x7e55000000000001", f"identify switch: serial {v.get('serial')}")
v = ok_json("identify", "emu:switch", "--port", "1")
check(v.get("serial") == "0x7e53000000000101", f"identify through switch port 1: serial {v.get('serial')}")
v = ok_json("identify", "emu:switch", "--port", "2", "--ld", "1")
check(v.get("serial") == "0x7e4d000000000001", f"identify through port 2 to LD 1: serial {v.get('serial')}")
v = ok_json("identify", "emu:mld", "--ld", "3")
check(v.get("serial") == "0x7e4d000000000003", f"identify MLD LD 3: serial {v.get('serial')}")
v = ok_json("identify", "emu:mhd", "--mhd")
check(v.get("serial") == "0x7e480000000000ff", f"identify MHD LD pool: serial {v.get('serial')}")
ok_json("identify", "emu:mld")

# ---- memory device ----
v = ok_json("health", "emu:type3")
check(isinstance(v.get("life_used_percent"), int) and 0 <= v["life_used_percent"] <= 100, f"health: {v}")
check(v.get("health_status", "").startswith("0x"), f"health: health_status {v.get('health_status')}")
ok_text("health", "emu:type3", want=["life used percent", "temperature celsius"])

v = ok_json("partition", "emu:type3")
check(all(isinstance(v.get(k), int) for k in ("active_volatile_bytes", "active_persistent_bytes")), f"partition: {v}")
v = ok_json("partition", "emu:type3", "--set-volatile", "1G")
check(
    v.get("next_volatile_bytes") == 1 << 30 and v.get("set_volatile_bytes") == 1 << 30,
    f"partition --set-volatile 1G: {v}",
)
ok_text("partition", "emu:type3", want=["active volatile bytes", "GiB"])
fails(2, "partition", "emu:type3", "--set-volatile", "1000", says=["256 MiB"])

v = ok_json("events", "emu:type3")
check(v.get("log") == "info" and isinstance(v.get("records"), list), f"events: {v}")
records = v.get("records", [])
v = ok_json("events", "emu:type3", "--clear", "--force")
check(v.get("cleared") == len(records), f"events --clear: cleared {v.get('cleared')} of {len(records)}")
for log in ("warn", "fail", "fatal", "dcd"):
    v = ok_json("events", "emu:type3", "--log", log)
    check(v.get("log") == log, f"events --log {log}: {v.get('log')}")
ok_text("events", "emu:type3", want=["log", "info"])
fails(2, "events", "emu:type3", "--log", "nope")

v = ok_json("fw", "emu:type3")
check(v.get("slots_supported", 0) >= 1 and 1 <= v.get("active_slot", 0) <= v["slots_supported"], f"fw info: {v}")
check(len(v.get("slots", [])) == v.get("slots_supported"), f"fw info: slots {v.get('slots')}")
check(sum(1 for s in v.get("slots", []) if s.get("active")) == 1, f"fw info: one active slot in {v.get('slots')}")
ok_text("fw", "emu:type3", "info", want=["active slot", "revision"])
with tempfile.NamedTemporaryFile(suffix=".bin") as image:
    image.write(bytes(i % 251 for i in range(3000)))
    image.flush()
    v = ok_json("fw", "emu:type3", "transfer", image.name, "--slot", "2")
    check(v.get("bytes") == 3000 and v.get("parts") == 3 and v.get("slot") == 2, f"fw transfer: {v}")
    fails(4, "fw", "emu:type3", "transfer", image.name + ".missing", says=["cannot read"])

v = ok_json("logs", "emu:type3")
cel = [l for l in v.get("logs", []) if l.get("name") == "cel"]
check(len(cel) == 1 and cel[0].get("uuid") == "0da9c0b5-bf41-4b78-8f79-96b1623b3f17", f"logs: {v}")
v = ok_json("logs", "emu:type3", "--cel")
ops = [e.get("opcode") for e in v.get("cel", [])]
check("0x0001" in ops and "0x4000" in ops, f"logs --cel: opcodes {ops}")
check(len(ops) * 4 == cel[0]["size_bytes"] if cel else False, f"logs --cel: {len(ops)} entries for {cel}")
ok_text("logs", "emu:type3", "--cel", want=["cel", "0x0001"])

v = ok_json("poison", "emu:type3", "inject", "0x1000")
addrs = [r.get("address") for r in v.get("records", [])]
check(v.get("injected") == "0x1000" and "0x1000" in addrs, f"poison inject: {v}")
v = ok_json("poison", "emu:type3", "clear", "0x1000")
check(
    v.get("cleared") == "0x1000" and "0x1000" not in [r.get("address") for r in v.get("records", [])],
    f"poison clear: {v}",
)
v = ok_json("poison", "emu:type3")
check(isinstance(v.get("records"), list), f"poison list: {v}")
ok_text("poison", "emu:type3", "inject", "0x2000", want=["0x2000"])

v = ok_json("sanitize", "emu:type3", "--force", timeout=120)
check(v.get("status") == "done" and v.get("percent") == 100 and v.get("return_code") == 0, f"sanitize: {v}")
v = ok_json("sanitize", "emu:type3", "--abort-after", "0.2", "-f", timeout=120)
# The percentage is where the device stopped, not 100.
check(
    v.get("status") == "aborted" and v.get("return_code_name") == "ABORT" and 0 <= v.get("percent", -1) < 100,
    f"sanitize --abort-after: {v}",
)
ok_text("sanitize", "emu:type3", "--force", want=["done", "100"])
# A device still working when the wait runs out: one line, exit 5, not a poll without end (#14);
# seconds no Duration holds are a usage error, not a panic.
fails(5, "sanitize", "emu:type3", "-f", "--wait", "0.3", says=["still running after 0.3 s"])
fails(2, "sanitize", "emu:type3", "--abort-after", "1e300")
fails(2, "sanitize", "emu:type3", "--wait", "-1")

# ---- clock ----
v = ok_json("timestamp", "emu:type3", "set", "1700000000000000000")
check(v.get("set_ns") == 1700000000000000000 and v.get("timestamp_ns", 0) >= v["set_ns"], f"timestamp set: {v}")
check(v.get("utc", "").startswith("2023-11-14T22:13:2"), f"timestamp set: utc {v.get('utc')}")
v = ok_json("timestamp", "emu:switch", "set")
check(v.get("timestamp_ns", 0) > 1700000000000000000, f"timestamp set now: {v}")
ok_text("timestamp", "emu:type3", want=["timestamp ns", "utc"])

# ---- dynamic capacity ----
v = ok_json("dc", "emu:type3")
check(v.get("regions_total", 0) >= 1 and len(v.get("regions", [])) == v["regions_total"], f"dc config: {v}")
check(all(r.get("length_bytes", 0) > 0 for r in v.get("regions", [])), f"dc config regions: {v.get('regions')}")
v = ok_json("dc", "emu:type3", "extents")
check(isinstance(v.get("extents"), list) and v.get("total") == len(v["extents"]), f"dc extents: {v}")
ok_text("dc", "emu:type3", "config", want=["regions total", "block size bytes"])

# ---- switch and MLD ----
v = ok_json("ports", "emu:switch")
ports = v.get("ports", [])
check(v.get("physical_ports", 0) >= 3 and len(ports) == v["physical_ports"], f"ports: {v}")
devices = {p.get("port"): p.get("device") for p in ports}
check(devices.get(1) == "type3-sld" and devices.get(2) == "type3-mld", f"ports: devices {devices}")
ok_text("ports", "emu:switch", want=["physical ports", "type3-mld"])
v = ok_json("vcs", "emu:switch")
check(v.get("vcs_count", 0) >= 1 and len(v.get("vcs", [])) == v["vcs_count"], f"vcs: {v}")
bound = [p for b in v.get("vcs", []) for p in b.get("vppbs", []) if p.get("status") != "unbound"]
check(any(p.get("port") == 1 for p in bound), f"vcs: nothing bound to port 1 in {v}")
ok_text("vcs", "emu:switch", want=["vcs count"])
v = ok_json("ld", "emu:mld")
check(v.get("ld_count") == 4 and v.get("memory_size_bytes", 0) > 0, f"ld info: {v}")
v = ok_json("ld", "emu:switch", "--port", "2", "allocations")
check(len(v.get("allocations", [])) == v.get("ld_count"), f"ld allocations through port 2: {v}")
ok_text("ld", "emu:mld", "allocations", want=["granularity bytes", "range1 bytes"])
fails(3, "identify", "emu:switch", "--port", "9", says=["emu:switch: identify: device returned", "(INPUT/2)"])

# ---- raw ----
v = ok_json("raw", "emu:type3", "0x0001")
check(v.get("return_code") == 0 and v.get("length") == 18, f"raw 0x0001: {v}")
payload = bytes.fromhex(v.get("payload", ""))
check(
    payload[:2] == b"\x98\x1e" and payload[8:16] == (0x7E53000000000001).to_bytes(8, "little") and payload[17] == 3,
    f"raw 0x0001: payload {payload.hex()}",
)
v = ok_json("raw", "emu:type3", "0301h", "00e40b5402000000")
check(v.get("return_code") == 0 and v.get("length") == 0, f"raw 0301h with payload: {v}")
ok_text("raw", "emu:type3", "0x0001", want=["SUCCESS", "0000  98 1e"])
fails(2, "raw", "emu:type3", "0x0001", "abc")
fails(2, "raw", "emu:type3", "0x10000")

# ---- commands ----
v = ok_json("commands", "emu:type3")
cmds = {c.get("opcode"): c for c in v.get("commands", [])}
check(
    v.get("advertised") == len(cmds) and len(cmds) >= 10,
    f"commands: {v.get('advertised')} advertised, {len(cmds)} listed",
)
check(
    cmds.get("0x0001", {}).get("names") == ["Identify"] and cmds["0x0001"].get("decoder") == "typed",
    f"commands: 0x0001 {cmds.get('0x0001')}",
)
check(cmds.get("0x4000", {}).get("names") == ["MemdevIdentify"], f"commands: 0x4000 {cmds.get('0x4000')}")
check(
    v.get("decoded") == sum(1 for c in cmds.values() if c.get("decoder") != "none"),
    f"commands: decoded {v.get('decoded')}",
)
v = ok_json("commands", "emu:switch")
cmds = {c.get("opcode"): c for c in v.get("commands", [])}
check(cmds.get("0x5300", {}).get("decoder") == "tunnel", f"commands switch: 0x5300 {cmds.get('0x5300')}")
check(cmds.get("0x5100", {}).get("names") == ["IdentifySwDevice"], f"commands switch: 0x5100 {cmds.get('0x5100')}")
ok_text("commands", "emu:type3", want=["advertised", "Identify", "typed"])

# ---- list: no /dev/cxl or bus here is a note, not an error ----
v = ok_json("list")
check(isinstance(v.get("devices"), list) and isinstance(v.get("notes"), list), f"list: {v}")
ok_text("list")

# ---- exit statuses ----
fails(2, "identify", "emu:nope", says=["emu:nope", "type3"])
fails(4, "identify", "mem9", says=["mem9"])
fails(4, "health", "/dev/cxl/mem9", says=["/dev/cxl/mem9"])
p = fails(3, "raw", "emu:type3", "0xc0ff", says=["emu:type3: raw: device returned", "(UNSUPPORTED/3)"])
p = run("raw", "emu:type3", "0xc0ff", "--json")
try:
    err = json.loads(p.stdout).get("error", {})
except ValueError:
    err = {}
check(
    p.returncode == 3
    and err.get("kind") == "device"
    and err.get("return_code") == 3
    and err.get("return_code_name") == "UNSUPPORTED",
    f"device error --json: {p.stdout!r}",
)
fails(3, "health", "emu:switch", says=["UNSUPPORTED/3"])
fails(2, "identify", "emu:switch", "--mhd", "--port", "1")
fails(2, "identify", "emu:switch", "--port", "256")
fails(2, "identify", "mctp:1")
fails(2, "identify")
fails(2)
fails(2, "frobnicate", "emu:type3")


# ---- destructive operations: --force, or a yes on a terminal (none here) ----
for args in (["sanitize", "emu:type3"], ["events", "emu:type3", "--clear"], ["fw", "emu:type3", "activate", "2"]):
    fails(2, *args, says=["refused without --force"])

# ---- output formats: -o json|jsonl (and --json); errors in them too, usage errors included ----
p = run("-o", "jsonl", "health", "emu:type3")
lines = p.stdout.splitlines()
check(p.returncode == 0 and len(lines) == 1 and json.loads(lines[0]), f"-o jsonl: {p.stdout!r}")
check(json.loads(lines[0]) == ok_json("health", "emu:type3"), "-o jsonl and --json give the same document")
for args, command in (
    (["--json", "identify", "mctp:1"], "identify"),
    (["-o", "json", "identify", "emu:"], "identify"),
    (["--output-format=jsonl", "identify", "--bogus", "emu:type3"], "identify"),
    (["-ojson", "identify", "emu:nope"], "identify"),
    (["--json", "frobnicate"], ""),
):
    p = run(*args)
    try:
        err = json.loads(p.stdout).get("error", {})
    except ValueError:
        err = {}
    check(
        p.returncode == 2 and err.get("kind") == "usage" and err.get("command") == command and err.get("message"),
        f"{' '.join(args)}: want a usage error object naming {command!r}: {p.returncode} {p.stdout!r}",
    )
p = run("--json", "identify", "mem9")
check(json.loads(p.stdout or "{}").get("error", {}).get("command") == "identify", f"failed open: {p.stdout!r}")
fails(2, "-o", "yaml", "identify", "emu:type3")

# ---- stdout closed or full: no panic; SIGPIPE as a C tool dies of it, or one line and status 4 ----
p = subprocess.Popen([CXLMI, "commands", "emu:type3"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
p.stdout.close()
err = p.stderr.read().decode()
p.wait(timeout=60)
check(p.returncode == -13 and err == "", f"closed stdout: status {p.returncode}, stderr {err!r}")
with open("/dev/full", "w") as full:
    p = subprocess.run([CXLMI, "commands", "emu:type3"], stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
check(p.returncode == 4 and p.stderr.count("\n") == 1 and "No space left" in p.stderr, f"/dev/full: {p}")

# ---- background operations: status, and Ctrl-C while waiting ----
v = ok_json("background", "emu:type3")
check(v.get("running") is False and v.get("opcode") is None, f"background on a fresh device: {v}")
p = subprocess.Popen([CXLMI, "sanitize", "emu:type3", "-f"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
time.sleep(0.5)
p.send_signal(2)
out, err = p.communicate(timeout=60)
check(
    p.returncode == 130 and "goes on with Sanitize" in err and "cxlmi background emu:type3 --wait" in err,
    f"Ctrl-C during sanitize: {p.returncode} {err!r}",
)

# ---- version: the library's and the build's features ----
p = run("--version")
check(p.returncode == 0 and "libcxlmi" in p.stdout and "D-Bus discovery" in p.stdout, f"--version: {p.stdout!r}")

print(f"{checks} checks, {len(failures)} failed")
sys.exit(1 if failures else 0)
