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
import tempfile
import time

from cli_harness import CXLMI, check, fails, finish, name, ok_json, ok_text, run, set_flags


# ---- identify, through every tunnel kind ----
v = ok_json("identify", "emu:type3")
check(v.get("component_type") == {"raw": 3, "name": "type3_device"}, f"identify type3: {v.get('component_type')}")
check(v.get("serial") == 0x7E53000000000001, f"identify type3: serial {v.get('serial')}")
check(v.get("vendor_id") == 0x1E98, f"identify type3: vendor_id {v.get('vendor_id')}")
m = v.get("memdev") or {}
check(
    m.get("total_bytes", 0) > 0 and m["total_bytes"] % (256 << 20) == 0,
    f"identify type3: memdev total capacity {m.get('total_bytes')}",
)
# Text: the names, identifiers in hex, sizes with units.
ok_text("identify", "emu:type3", want=["component type", "type3_device", "0x7e53000000000001", "0x1e98", "GiB"])

serials = {
    ("emu:switch",): 0x7E55000000000001,
    ("emu:switch", "--port", "1"): 0x7E53000000000101,
    ("emu:switch", "--port", "2", "--ld", "1"): 0x7E4D000000000001,
    ("emu:mld", "--ld", "3"): 0x7E4D000000000003,
    ("emu:mhd", "--mhd"): 0x7E480000000000FF,
}
for args, serial in serials.items():
    v = ok_json("identify", *args)
    check(v.get("serial") == serial, f"identify {' '.join(args)}: serial {v.get('serial')}, want {serial:#x}")
v = ok_json("identify", "emu:switch")
check(name(v.get("component_type")) == "switch" and "memdev" not in v, f"identify switch: {v}")
ok_json("identify", "emu:mld")

# ---- memory device ----
v = ok_json("health", "emu:type3")
check(isinstance(v.get("life_used_percent"), int) and 0 <= v["life_used_percent"] <= 100, f"health: {v}")
check(
    v.get("health_status", {}).get("raw") == 0 and set_flags(v.get("health_status")) == [],
    f"health: health_status {v.get('health_status')}",
)
check(name(v.get("media_status")) == "normal", f"health: media_status {v.get('media_status')}")
check(name(v.get("additional_status", {}).get("life_used")) == "normal", f"health: {v.get('additional_status')}")
ok_text("health", "emu:type3", want=["life used percent", "temperature celsius", "none (0x0)", "normal"])

v = ok_json("partition", "emu:type3")
check(all(isinstance(v.get(k), int) for k in ("active_volatile_bytes", "active_persistent_bytes")), f"partition: {v}")
# --set-volatile is the volatile share of the partitionable capacity (CXL r3.1 8.2.9.9.2.2, as
# ndctl's set-partition sends it): emu:type3 has 512 MiB volatile-only, 512 MiB persistent-only
# and 1 GiB partitionable, so a share of 1 GiB gives 1.5 GiB volatile and 512 MiB persistent next.
v = ok_json("partition", "emu:type3", "--set-volatile", "1G")
check(
    v.get("next_volatile_bytes") == 3 << 29 and v.get("next_persistent_bytes") == 1 << 29,
    f"partition --set-volatile 1G: {v}",
)
check(v.get("set_volatile_bytes") == 1 << 30, f"partition --set-volatile 1G: {v}")
fails(3, "partition", "emu:type3", "--set-volatile", "1280M", says=["(INPUT/2)"])
ok_text("partition", "emu:type3", want=["active volatile bytes", "GiB"])
fails(2, "partition", "emu:type3", "--set-volatile", "1000", says=["256 MiB"])

# Every log by default; each record decoded by its type, with its body.
v = ok_json("events", "emu:type3")
logs = {entry.get("log"): entry for entry in v.get("logs", [])}
check(sorted(logs) == ["dcd", "fail", "fatal", "info", "warn"], f"events: logs {sorted(logs)}")
info = logs.get("info", {})
records = info.get("records", [])
check(len(records) >= 1 and info.get("record_count") == len(records), f"events: info {info}")
check(
    all(r.get("record_type") and isinstance(r.get("body"), dict) and name(r.get("severity")) for r in records),
    f"events: records decoded {records}",
)
module = [r for r in records if r.get("record_type") == "memory_module"]
check(
    module and name(module[0]["body"].get("media_status")) == "normal" and module[0]["uuid"].startswith("fe927475"),
    f"events: a memory module record {module}",
)
v = ok_json("events", "emu:type3", "--log", "info", "--clear", "--force")
check(
    v["logs"][0].get("cleared") == len(records) if v.get("logs") else False,
    f"events --clear: cleared {v} of {len(records)}",
)
for log in ("warn", "fail", "fatal", "dcd"):
    v = ok_json("events", "emu:type3", "--log", log)
    check([entry.get("log") for entry in v.get("logs", [])] == [log], f"events --log {log}: {v}")
ok_text("events", "emu:type3", want=["log", "info", "memory_module", "record type"])
fails(2, "events", "emu:type3", "--log", "nope")

v = ok_json("fw", "emu:type3")
slot_info = v.get("slot_info", {})
check(v.get("num_slots", 0) >= 1 and 1 <= slot_info.get("active_slot", 0) <= v["num_slots"], f"fw info: {v}")
check(v.get(f"slot_{slot_info.get('active_slot')}_version"), f"fw info: the active slot has a revision: {v}")
check(v.get("slot_2_version") is None, f"fw info: an empty slot is null: {v}")
ok_text("fw", "emu:type3", "info", want=["active slot", "slot 1 version"])
with tempfile.NamedTemporaryFile(suffix=".bin") as image:
    image.write(bytes(i % 251 for i in range(3000)))
    image.flush()
    v = ok_json("fw", "emu:type3", "transfer", image.name, "--slot", "2")
    check(v.get("bytes") == 3000 and v.get("parts") == 3 and v.get("slot") == 2, f"fw transfer: {v}")
    fails(4, "fw", "emu:type3", "transfer", image.name + ".missing", says=["cannot read"])

v = ok_json("logs", "emu:type3")
cel = [entry for entry in v.get("entries", []) if entry.get("name") == "cel"]
check(len(cel) == 1 and cel[0].get("uuid") == "0da9c0b5-bf41-4b78-8f79-96b1623b3f17", f"logs: {v}")
v = ok_json("logs", "emu:type3", "--cel")
ops = [e.get("opcode") for e in v.get("cel", [])]
check(0x0001 in ops and 0x4000 in ops, f"logs --cel: opcodes {ops}")
check(len(ops) * 4 == cel[0]["log_size_bytes"] if cel else False, f"logs --cel: {len(ops)} entries for {cel}")
effects = {e.get("opcode"): set_flags(e.get("command_effect")) for e in v.get("cel", [])}
check(
    effects.get(0x0101) == ["immediate_log_change"], f"logs --cel: Clear Event Records' effects {effects.get(0x0101)}"
)
ok_text("logs", "emu:type3", "--cel", want=["cel", "0x1", "ClearEventRecords", "immediate_log_change"])

v = ok_json("poison", "emu:type3", "inject", "0x1000")
addrs = {r.get("dpa"): name(r.get("source")) for r in v.get("records", [])}
check(v.get("injected") == 0x1000 and addrs.get(0x1000) == "injected", f"poison inject: {v}")
v = ok_json("poison", "emu:type3", "clear", "0x1000")
check(v.get("cleared") == 0x1000 and 0x1000 not in [r.get("dpa") for r in v.get("records", [])], f"poison clear: {v}")
v = ok_json("poison", "emu:type3")
check(isinstance(v.get("records"), list), f"poison list: {v}")
ok_text("poison", "emu:type3", "inject", "0x2000", want=["0x2000", "injected"])

v = ok_json("sanitize", "emu:type3", "--force", timeout=120)
check(
    v.get("status") == "done" and v.get("percent") == 100 and name(v.get("return_code")) == "success", f"sanitize: {v}"
)
v = ok_json("sanitize", "emu:type3", "--abort-after", "0.2", "-f", timeout=120)
# The percentage is where the device stopped, not 100.
check(
    v.get("status") == "aborted" and name(v.get("return_code")) == "aborted" and 0 <= v.get("percent", -1) < 100,
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
regions = v.get("regions", [])
check(v.get("num_available_regions", 0) >= 1 and len(regions) == v["regions_returned"], f"dc config: {v}")
check(all(r.get("length_bytes", 0) > 0 for r in regions), f"dc config regions: {regions}")
check(set_flags(regions[-1].get("flags")) == ["sanitize_on_release"] if regions else False, f"dc flags: {regions}")
v = ok_json("dc", "emu:type3", "extents")
check(isinstance(v.get("extents"), list) and v.get("total_extent_count") == len(v["extents"]), f"dc extents: {v}")
ok_text("dc", "emu:type3", "config", want=["num available regions", "block size bytes", "sanitize_on_release"])

# ---- switch and MLD ----
v = ok_json("ports", "emu:switch")
ports = v.get("ports", [])
check(v.get("num_physical_ports", 0) >= 3 and len(ports) == v["num_physical_ports"], f"ports: {v}")
devices = {p.get("port_id"): name(p.get("connected_device_type")) for p in ports}
check(devices.get(1) == "cxl_type_3_sld" and devices.get(2) == "cxl_type_3_mld", f"ports: devices {devices}")
check(name(ports[1].get("ltssm_state")) == "l0" if len(ports) > 1 else False, f"ports: LTSSM {ports[1:2]}")
check(ports[1].get("current_link_speed_mt_s") == 32000 if len(ports) > 1 else False, f"ports: speed {ports[1:2]}")
ok_text("ports", "emu:switch", want=["num physical ports", "cxl_type_3_mld", "l0", "32000"])
v = ok_json("vcs", "emu:switch")
check(v.get("num_vcss", 0) >= 1 and len(v.get("vcss", [])) == v["num_vcss"], f"vcs: {v}")
vppbs = [p for b in v.get("vcss", []) for p in b.get("vppbs", [])]
bound = [p for p in vppbs if name(p.get("binding_status")) != "unbound"]
check(any(p.get("bound_port_id") == 1 for p in bound), f"vcs: nothing bound to port 1 in {v}")
unbound = [p for p in vppbs if name(p.get("binding_status")) == "unbound"]
check(unbound and all(p.get("bound_port_id") is None for p in unbound), f"vcs: unbound vPPBs' ports are null: {v}")
ok_text("vcs", "emu:switch", want=["num vcss", "bound_physical_port", "unbound"])
v = ok_json("ld", "emu:mld")
check(v.get("ld_count") == 4 and v.get("memory_size_bytes", 0) > 0, f"ld info: {v}")
v = ok_json("ld", "emu:switch", "--port", "2", "allocations")
check(len(v.get("lds", [])) == v.get("ld_count"), f"ld allocations through port 2: {v}")
ok_text("ld", "emu:mld", "allocations", want=["memory granularity bytes", "range 1 allocation bytes"])
fails(3, "identify", "emu:switch", "--port", "9", says=["emu:switch: identify: device returned", "(INPUT/2)"])

# ---- raw ----
v = ok_json("raw", "emu:type3", "0x0001")
check(name(v.get("return_code")) == "success" and v.get("length") == 18, f"raw 0x0001: {v}")
payload = bytes.fromhex(v.get("payload", ""))
check(
    payload[:2] == b"\x98\x1e" and payload[8:16] == (0x7E53000000000001).to_bytes(8, "little") and payload[17] == 3,
    f"raw 0x0001: payload {payload.hex()}",
)
v = ok_json("raw", "emu:type3", "0301h", "00e40b5402000000")
check(name(v.get("return_code")) == "success" and v.get("length") == 0, f"raw 0301h with payload: {v}")
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
    cmds.get(0x0001, {}).get("names") == ["Identify"] and cmds[0x0001].get("decoder") == "typed",
    f"commands: 0x0001 {cmds.get(0x0001)}",
)
check(cmds.get(0x4000, {}).get("names") == ["MemdevIdentify"], f"commands: 0x4000 {cmds.get(0x4000)}")
check(
    v.get("decoded") == sum(1 for c in cmds.values() if c.get("decoder") != "none"),
    f"commands: decoded {v.get('decoded')}",
)
v = ok_json("commands", "emu:switch")
cmds = {c.get("opcode"): c for c in v.get("commands", [])}
check(cmds.get(0x5300, {}).get("decoder") == "tunnel", f"commands switch: 0x5300 {cmds.get(0x5300)}")
check(cmds.get(0x5100, {}).get("names") == ["IdentifySwDevice"], f"commands switch: 0x5100 {cmds.get(0x5100)}")
ok_text("commands", "emu:type3", want=["advertised", "Identify", "typed"])

# ---- list: no /dev/cxl or bus here is a note, not an error ----
p = run("list", "--json")
check(p.returncode == 0 and json.loads(p.stdout or "null") == [], f"list: one JSON array, empty here: {p.stdout!r}")
check("cxlmi: list: no /dev/cxl" in p.stderr, f"list: what it could not look at is a note on stderr: {p.stderr!r}")
p = run("list", "--health", "--type", "switch", "--serial", "0x1", "-o", "jsonl")
check(p.returncode == 0 and p.stdout.strip() == "[]", f"list with filters: {p.stdout!r}")
fails(2, "list", "--serial", "x")

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
# The pipe's reader is gone before the tool starts: its first write fails, however fast it is.
reader, writer = os.pipe()
os.close(reader)
p = subprocess.Popen([CXLMI, "commands", "emu:type3"], stdout=writer, stderr=subprocess.PIPE)
os.close(writer)
err = p.stderr.read().decode()
p.wait(timeout=60)
check(p.returncode == -13 and err == "", f"closed stdout: status {p.returncode}, stderr {err!r}")
with open("/dev/full", "w") as full:
    p = subprocess.run([CXLMI, "commands", "emu:type3"], stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
check(p.returncode == 4 and p.stderr.count("\n") == 1 and "No space left" in p.stderr, f"/dev/full: {p}")

# ---- background operations: status, and Ctrl-C while waiting ----
v = ok_json("background", "emu:type3")
check(v.get("background_operation_running") is False and v.get("opcode") == 0, f"background on a fresh device: {v}")
p = subprocess.Popen([CXLMI, "sanitize", "emu:type3", "-f"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
time.sleep(0.5)
p.send_signal(2)
out, err = p.communicate(timeout=60)
check(
    p.returncode == 130 and "goes on with Sanitize" in err and "cxlmi background emu:type3 --wait" in err,
    f"Ctrl-C during sanitize: {p.returncode} {err!r}",
)

# ---- an emulated fabric kept across runs (--emu-state): firmware, then activation, then a reset ----
with tempfile.TemporaryDirectory() as tmp:
    state = os.path.join(tmp, "type3.state")
    image = os.path.join(tmp, "fw.bin")
    with open(image, "wb") as f:
        f.write(b"NEW FW 2.0" + bytes(118))
    ok_json("--emu-state", state, "fw", "emu:type3", "transfer", image, "--slot", "2")
    v = ok_json("--emu-state", state, "fw", "emu:type3")
    check(v.get("slot_2_version") == "NEW FW 2.0", f"--emu-state: the image is still in slot 2: {v}")
    ok_json("--emu-state", state, "fw", "emu:type3", "activate", "2", "--force")
    v = ok_json("--emu-state", state, "fw", "emu:type3")
    check(v.get("slot_info", {}).get("active_slot") == 1, f"--emu-state: slot 1 until a cold reset: {v}")
    fails(2, "--emu-state", state, "reset", "emu:type3", says=["refused without --force"])
    v = ok_json("--emu-state", state, "reset", "emu:type3", "--force")
    check(v == {"reset": "cold"}, f"reset: {v}")
    v = ok_json("--emu-state", state, "fw", "emu:type3")
    check(v.get("slot_info", {}).get("active_slot") == 2, f"--emu-state: slot 2 after the cold reset: {v}")
    # The partition set for the next reset, then the reset.
    ok_json("--emu-state", state, "partition", "emu:type3", "--set-volatile", "0")
    v = ok_json("--emu-state", state, "partition", "emu:type3")
    check(v.get("active_volatile_bytes") == 1 << 30, f"--emu-state: the partition waits for a reset: {v}")
    ok_json("--emu-state", state, "reset", "emu:type3", "-f", "--warm")
    v = ok_json("--emu-state", state, "partition", "emu:type3")
    check(v.get("active_volatile_bytes") == 1 << 30, f"--emu-state: a warm reset does not repartition: {v}")
    ok_json("--emu-state", state, "reset", "emu:type3", "-f")
    v = ok_json("--emu-state", state, "partition", "emu:type3")
    check(v.get("active_volatile_bytes") == 1 << 29, f"--emu-state: a cold reset does: {v}")
    # Through the environment too; another model's file, a damaged one and a real device refused.
    p = subprocess.run(
        [CXLMI, "fw", "emu:type3", "--json"],
        capture_output=True,
        text=True,
        env=dict(os.environ, CXLMI_EMU_STATE=state),
    )
    check(json.loads(p.stdout or "{}").get("slot_info", {}).get("active_slot") == 2, "CXLMI_EMU_STATE keeps it too")
    fails(4, "--emu-state", state, "identify", "emu:switch", says=[state])
    with open(os.path.join(tmp, "bad.state"), "w") as f:
        f.write("not a state file\n")
    fails(4, "--emu-state", os.path.join(tmp, "bad.state"), "identify", "emu:type3", says=["bad.state"])
    fails(2, "--emu-state", state, "identify", "mem0", says=["emulated"])

# ---- version: the library's and the build's features ----
p = run("--version")
check(p.returncode == 0 and "libcxlmi" in p.stdout and "D-Bus discovery" in p.stdout, f"--version: {p.stdout!r}")

finish()
