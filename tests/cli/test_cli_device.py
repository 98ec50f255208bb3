#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The `cxlmi` subcommands for the rest of the Generic Component and Memory Device command sets
# (response-limit, interrupt-policy, mctp-interrupt-policy, features, log, perform-maintenance,
# alert-config, lsa, scan-media, secure-erase, security, security-receive, security-send,
# media-operations, sld-qos, dc-add-response, dc-release, shutdown-state) against the emulated
# fabric: each in text and --json, the values checked against what the emulated Type 3 device holds,
# destructive ones refused without --force, usage errors one line with status 2, and passphrases
# never repeated. Run as: test_cli_device.py PATH/TO/cxlmi
#
# Each emu: target is a fresh component per run, so a write shows its effect in its own output (the
# state after it); flows of several steps (a passphrase, a reset, an unlock; a capacity offer, then
# the host's answer) keep the fabric in a state file (--emu-state) across runs.

import json
import os
import subprocess
import tempfile
import time

from cli_harness import CXLMI, check, fails, finish, name, ok_json, ok_text, run, set_flags

scratch = tempfile.mkdtemp(prefix="cxlmi-device-")


def state(name):
    """A state file (--emu-state) of its own, for a flow of several runs."""
    path = os.path.join(scratch, name + ".state")
    if os.path.exists(path):
        os.unlink(path)
    return ["--emu-state", path]


def scratch_file(name, data):
    path = os.path.join(scratch, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


# What the emulated Type 3 device is (emulator/src/type3.rs).
PATROL_SCRUB = "96dad7d6-fde8-482b-a733-75774e06db8a"
CEL = "0da9c0b5-bf41-4b78-8f79-96b1623b3f17"
LSA_SIZE = 64 << 10
GIB = 1 << 30

# ---- response-limit (0003h, 0004h) ----
v = ok_json("response-limit", "emu:type3")
check(v == {"response_message_limit_bytes": 2048}, f"response-limit: {v}")
v = ok_json("response-limit", "emu:type3", "set", "1K")
check(v == {"response_message_limit_bytes": 1024, "set_bytes": 1024}, f"response-limit set 1K: {v}")
v = ok_json("response-limit", "emu:switch", "--port", "1", "set", "256")
check(v.get("response_message_limit_bytes") == 256, f"response-limit set through a switch port: {v}")
ok_text("response-limit", "emu:type3", want=["response message limit bytes", "2048 (2 KiB)"])
fails(3, "response-limit", "emu:type3", "set", "4K", says=["(INPUT/2)"])  # past the device's 2^11
for bad in ("3000", "128", "2M", "x"):
    fails(2, "response-limit", "emu:type3", "set", bad, says=["response-limit"])

# ---- interrupt-policy (0102h, 0103h) ----
v = ok_json("interrupt-policy", "emu:type3")
logs = ("informational_settings", "warning_settings", "failure_settings", "fatal_settings")
check(all(name(v.get(k, {}).get("interrupt_mode")) == "no_interrupts" for k in logs), f"interrupt-policy: {v}")
# A tool built for the CXL 2.0 layouts (-Dcxl2_0_mode=enabled) has no dynamic capacity event log.
CXL2 = "CXL 2.0 layouts: yes" in subprocess.run([CXLMI, "--version"], capture_output=True, text=True).stdout
dcd = [] if CXL2 else ["--dcd", "msi"]
if CXL2:
    fails(2, "interrupt-policy", "emu:type3", "set", "--dcd", "msi", says=["no dynamic capacity event log"])
v = ok_json("interrupt-policy", "emu:type3", "set", "--warn", "fw:5", "--fail", "msi", *dcd)
warn = v.get("warning_settings", {})
check(
    warn.get("raw") == 0x52
    and name(warn.get("interrupt_mode")) == "fw_interrupt"
    and warn.get("fw_interrupt_message_number") == 5,
    f"interrupt-policy set --warn fw:5: {warn}",
)
check(name(v.get("failure_settings", {}).get("interrupt_mode")) == "msi_msix", f"--fail msi: {v}")
if not CXL2:
    check(name(v.get("dynamic_capacity_settings", {}).get("interrupt_mode")) == "msi_msix", f"--dcd msi: {v}")
check(name(v.get("informational_settings", {}).get("interrupt_mode")) == "no_interrupts", f"others kept: {v}")
ok_text("interrupt-policy", "emu:type3", "set", "--fatal", "fw", want=["fatal settings", "fw_interrupt"])
fails(2, "interrupt-policy", "emu:type3", "set", says=["at least one log"])
fails(2, "interrupt-policy", "emu:type3", "set", "--warn", "fw:16")
fails(2, "interrupt-policy", "emu:type3", "set", "--dcd", "fw")

# ---- mctp-interrupt-policy (0104h, 0105h): the emulated device has no MCTP event interrupts ----
fails(3, "mctp-interrupt-policy", "emu:type3", says=["(UNSUPPORTED/3)"])
fails(3, "mctp-interrupt-policy", "emu:type3", "set", "warn", "background", says=["(UNSUPPORTED/3)"])
fails(2, "mctp-interrupt-policy", "emu:type3", "set", "sometimes")
p = run("--json", "mctp-interrupt-policy", "emu:type3")
err = json.loads(p.stdout or "{}").get("error", {})
check(
    err.get("kind") == "device" and err.get("command") == "mctp-interrupt-policy" and err.get("return_code") == 3,
    f"device error as JSON: {p.stdout!r}",
)

# ---- features (0500h, 0501h, 0502h): the device patrol scrub control ----
v = ok_json("features", "emu:type3")
entries = v.get("entries", [])
check(v.get("num_entries") == 1 and v.get("device_supported_features") == 1 and len(entries) == 1, f"features: {v}")
scrub = entries[0] if entries else {}
check(
    scrub.get("feature_id") == PATROL_SCRUB
    and scrub.get("get_feature_size_bytes") == 4
    and scrub.get("set_feature_size_bytes") == 2
    and scrub.get("set_feature_version") == 1
    and scrub.get("attribute_flags", {}).get("changeable") is True,
    f"features: the patrol scrub entry {scrub}",
)
check(ok_json("features", "emu:type3", "list") == v, "features list is the default")
ok_text("features", "emu:type3", want=[PATROL_SCRUB, "get feature size bytes", "immediate_config_change"])
# Patrol scrub (CXL r3.1 Table 8-210): capabilities 1, cycle 12 h, minimum 1 h, enabled.
v = ok_json("features", "emu:type3", "get", PATROL_SCRUB)
check(
    v.get("data") == "010c0101"
    and v.get("length_bytes") == 4
    and v.get("selection") == "current"
    and v.get("file") is None,
    f"features get: {v}",
)
v = ok_json("features", "emu:type3", "get", PATROL_SCRUB.replace("-", "").upper(), "--selection", "default")
check(v.get("data") == "010c0101" and v.get("selection") == "default", f"features get --selection default: {v}")
v = ok_json("features", "emu:type3", "get", PATROL_SCRUB, "--offset", "1", "--length", "2")
check(v.get("data") == "0c01" and v.get("offset") == 1, f"features get --offset 1 --length 2: {v}")
out = os.path.join(scratch, "scrub.bin")
v = ok_json("features", "emu:type3", "get", PATROL_SCRUB, "--out", out)
with open(out, "rb") as f:
    check(f.read() == bytes([1, 12, 1, 1]) and v.get("data") is None and v.get("file") == out, f"--out: {v}")
ok_text("features", "emu:type3", "get", PATROL_SCRUB, want=["feature id", "00000000  01 0c 01 01"])
fails(3, "features", "emu:type3", "get", PATROL_SCRUB, "--selection", "saved", says=["FEATURESELVALUE"])
fails(2, "features", "emu:type3", "get", PATROL_SCRUB, "--offset", "9", says=["past the feature's 4 bytes"])
# Set: a 6-hour cycle, disabled; the value after it is read back.
v = ok_json("features", "emu:type3", "set", PATROL_SCRUB, "--data", "0600")
check(
    v.get("data") == "01060100"
    and v.get("parts") == 1
    and v.get("version") == 1
    and v.get("length_bytes") == 2
    and v.get("saved") is False,
    f"features set --data 0600: {v}",
)
v = ok_json("features", "emu:type3", "set", PATROL_SCRUB, "--file", scratch_file("scrub-in.bin", bytes([8, 1])))
check(v.get("data") == "01080101", f"features set --file: {v}")
ok_text("features", "emu:type3", "set", PATROL_SCRUB, "--data", "0x1801", want=["parts", "01 18 01 01"])
fails(3, "features", "emu:type3", "set", PATROL_SCRUB, "--data", "0600", "--save", says=["(INPUT/2)"])
fails(3, "features", "emu:type3", "set", PATROL_SCRUB, "--data", "0001", says=["(INPUT/2)"])  # under the minimum
fails(3, "features", "emu:type3", "set", PATROL_SCRUB, "--data", "0600", "--version", "2", says=["FEATUREVERSION"])
other = "11111111-2222-3333-4444-555555555555"
fails(2, "features", "emu:type3", "set", other, "--data", "00", says=["no such feature"])
fails(3, "features", "emu:type3", "set", other, "--data", "00", "--version", "1", says=["(UNSUPPORTED/3)"])
fails(2, "features", "emu:type3", "get", other, says=["no such feature"])
fails(2, "features", "emu:type3", "get", "96dad7d6-fde8-482b-a733")
fails(2, "features", "emu:type3", "set", PATROL_SCRUB, "--data", "abc")
fails(2, "features", "emu:type3", "set", PATROL_SCRUB)
# Across runs: the value set is the one read next.
st = state("features")
ok_json(*st, "features", "emu:type3", "set", PATROL_SCRUB, "--data", "0300")
v = ok_json(*st, "features", "emu:type3", "get", PATROL_SCRUB)
check(v.get("data") == "01030100", f"features get after a set in an earlier run: {v}")

# ---- log (0401h to 0405h) ----
cel_entries = ok_json("logs", "emu:type3", "--cel").get("cel", [])
v = ok_json("log", "emu:type3", "get", "cel")
data = bytes.fromhex(v.get("data") or "")
check(
    v.get("uuid") == CEL
    and v.get("name") == "cel"
    and v.get("log_size_bytes") == 4 * len(cel_entries)
    and v.get("length_bytes") == len(data) == 4 * len(cel_entries)
    and v.get("offset") == 0,
    f"log get cel: {dict(v, data=len(data))}",
)
opcodes = [int.from_bytes(data[i : i + 2], "little") for i in range(0, len(data), 4)]
check(opcodes == [e.get("opcode") for e in cel_entries], f"log get cel: opcodes {opcodes}")
v = ok_json("log", "emu:type3", "get", CEL, "--offset", "4", "--length", "8")
check(bytes.fromhex(v.get("data") or "") == data[4:12] and v.get("length_bytes") == 8, f"log get --offset 4: {v}")
out = os.path.join(scratch, "cel.bin")
v = ok_json("log", "emu:type3", "get", "cel", "--out", out)
with open(out, "rb") as f:
    check(f.read() == data and v.get("data") is None and v.get("file") == out, f"log get --out: {v}")
ok_text("log", "emu:type3", "get", "cel", "--length", "8", want=["log size bytes", "00000000  01 00 00 00"])
fails(2, "log", "emu:type3", "get", "vendor-debug", says=["no such log"])
fails(3, "log", "emu:type3", "get", "vendor-debug", "--length", "16", says=["(LOG/23)"])
fails(2, "log", "emu:type3", "get", "cel", "--offset", "100000", says=["past the log's"])
fails(2, "log", "emu:type3", "get", "cel", "--length", "2000000", says=["at most 1048576"])
fails(2, "log", "emu:type3", "get", "nope", says=["component-state-dump"])
fails(2, "log", "emu:type3", says=["log"])
fails(2, "log", "emu:type3", "clear", "cel", says=["refused without --force"])
# The emulated device keeps only the CEL, and none of the log management commands.
for args in (["capabilities", "cel"], ["clear", "cel", "--force"], ["populate", "vendor_debug"], ["sublist"]):
    fails(3, "log", "emu:type3", *args, says=["(UNSUPPORTED/3)"])

# ---- perform-maintenance (0600h) ----
v = ok_json("perform-maintenance", "emu:type3", "ppr", "0x1000")
# Class 01h (PPR), subclass 0 (soft); flags, DPA (LE), nibble mask (CXL r3.1 Table 8-104).
check(
    v
    == {
        "operation_class": {"raw": 1, "name": "ppr"},
        "operation_subclass": {"raw": 0, "name": "soft_ppr"},
        "parameters": "00" + "0010000000000000" + "ffffff",
        "performed": True,
    },
    f"perform-maintenance ppr: {v}",
)
v = ok_json("perform-maintenance", "emu:type3", "ppr", "0x2000", "--hard", "--query", "--nibble-mask", "0x3")
check(
    v.get("operation_subclass") == {"raw": 1, "name": "hard_ppr"}
    and v.get("parameters") == "01" + "0020000000000000" + "030000",
    f"perform-maintenance ppr --hard --query: {v}",
)
v = ok_json("perform-maintenance", "emu:type3", "operation", "0", "0")
check(
    v.get("operation_class") == {"raw": 0, "name": "no_operation"} and v.get("parameters") == "",
    f"perform-maintenance operation 0 0: {v}",
)
ok_text("perform-maintenance", "emu:type3", "ppr", "0x1000", want=["operation class", "ppr", "soft_ppr", "performed"])
fails(3, "perform-maintenance", "emu:type3", "operation", "9", "9", says=["(INPUT/2)"])
fails(3, "perform-maintenance", "emu:type3", "sparing", "rank", "--channel", "0", "--rank", "1", says=["(INPUT/2)"])
fails(2, "perform-maintenance", "emu:type3", "sparing", "row", "--channel", "0", "--rank", "1", says=["--row"])
fails(2, "perform-maintenance", "emu:type3", "ppr", "0x1000", "--nibble-mask", "0x1000000")
fails(2, "perform-maintenance", "emu:type3", "operation", "256", "0")
# A repair takes the poison at the address away; hard repairs use up the two spare rows.
st = state("ppr")
ok_json(*st, "poison", "emu:type3", "inject", "0x1000")
ok_json(*st, "perform-maintenance", "emu:type3", "ppr", "0x1010", "--hard")
v = ok_json(*st, "poison", "emu:type3")
check(0x1000 not in [r.get("dpa") for r in v.get("records", [])], f"poison after a repair: {v}")
ok_json(*st, "perform-maintenance", "emu:type3", "ppr", "0x2000", "--hard")
fails(3, *st, "perform-maintenance", "emu:type3", "ppr", "0x3000", "--hard", says=["RESOURCEEXHAUSTED"])

# ---- alert-config (4201h, 4202h) ----
v = ok_json("alert-config", "emu:type3")
check(
    v.get("valid_alerts", {}).get("raw") == 0
    and v.get("programmable_alerts", {}).get("raw") == 0x1F
    and v.get("life_used_critical_alert_threshold_percent") == 90
    and v.get("device_over_temperature_critical_alert_threshold_celsius") == 85
    and v.get("device_under_temperature_critical_alert_threshold_celsius") == -10,
    f"alert-config: {v}",
)
v = ok_json(
    "alert-config",
    "emu:type3",
    "set",
    "--life-used-warning",
    "80",
    "--over-temperature-warning",
    "70",
    "--under-temperature-warning",
    "-5",
    "--corrected-volatile-warning",
    "100",
)
check(
    set_flags(v.get("valid_alerts"))
    == sorted(
        [
            "life_used_programmable_warning",
            "device_over_temperature_programmable_warning",
            "device_under_temperature_programmable_warning",
            "corrected_volatile_mem_error_programmable_warning",
        ]
    )
    and v.get("life_used_programmable_warning_threshold_percent") == 80
    and v.get("device_over_temperature_programmable_warning_threshold_celsius") == 70
    and v.get("device_under_temperature_programmable_warning_threshold_celsius") == -5
    and v.get("corrected_volatile_mem_error_programmable_warning_threshold") == 100
    and v.get("corrected_persistent_mem_error_programmable_warning_threshold") == 0,
    f"alert-config set: {v}",
)
text = ok_text(
    "alert-config",
    "emu:type3",
    "set",
    "--corrected-persistent-warning",
    "7",
    want=["corrected_persistent_mem_error_programmable_warning (0x10)"],
)
line = [t for t in text.splitlines() if t.startswith("corrected persistent mem error programmable warning threshold")]
check(line and line[0].split()[-1] == "7", f"alert-config set (text): {line}")
fails(3, "alert-config", "emu:type3", "set", "--life-used-warning", "95", says=["(INPUT/2)"])  # past the critical 90
fails(3, "alert-config", "emu:type3", "set", "--under-temperature-warning", "-20", says=["(INPUT/2)"])
fails(2, "alert-config", "emu:type3", "set", "--life-used-warning", "101")
fails(2, "alert-config", "emu:type3", "set", "--over-temperature-warning", "40000")
fails(2, "alert-config", "emu:type3", "set", says=["--disable"])
fails(2, "alert-config", "emu:type3", "set", "--life-used-warning", "5", "--disable", "life-used", says=["both"])
# Across runs: a warning set, then disabled (its threshold kept); health sees it while it is on.
st = state("alerts")
ok_json(*st, "alert-config", "emu:type3", "set", "--life-used-warning", "2")
v = ok_json(*st, "health", "emu:type3")
check(
    name(v.get("additional_status", {}).get("life_used")) == "warning", f"health with life used past the warning: {v}"
)
v = ok_json(*st, "alert-config", "emu:type3", "set", "--disable", "life-used")
check(
    v.get("valid_alerts", {}).get("raw") == 0 and v.get("life_used_programmable_warning_threshold_percent") == 2,
    f"alert-config set --disable life-used: {v}",
)

# ---- lsa (4102h, 4103h) ----
v = ok_json("identify", "emu:type3")
check(v.get("memdev", {}).get("lsa_size_bytes") == LSA_SIZE, f"identify: LSA size {v.get('memdev')}")
v = ok_json("lsa", "emu:type3", "read")
check(
    v.get("lsa_size_bytes") == LSA_SIZE and v.get("length_bytes") == LSA_SIZE and v.get("data") == "00" * LSA_SIZE,
    f"lsa read: {dict(v, data=len(v.get('data') or ''))}",
)
v = ok_json("lsa", "emu:type3", "read", "--offset", "8", "--length", "40")
check(v.get("offset") == 8 and v.get("data") == "00" * 40, f"lsa read --offset 8 --length 40: {v}")
ok_text(
    "lsa", "emu:type3", "read", "--offset", "16", "--length", "20", want=["64 KiB", "00000010  00 00", "00000020  00"]
)
labels = bytes((i * 7 + 3) % 256 for i in range(5000))
label_file = scratch_file("labels.bin", labels)
v = ok_json("lsa", "emu:type3", "write", label_file, "--offset", "100", "--verify")
check(
    v.get("verified") is True
    and v.get("length_bytes") == 5000
    and v.get("offset") == 100
    and v.get("parts", 0) >= 3
    and v.get("file") == label_file,
    f"lsa write --verify (in parts, read back): {v}",
)
v = ok_json("lsa", "emu:type3", "write", label_file)
check(v.get("verified") is None, f"lsa write without --verify: {v}")
ok_text("lsa", "emu:type3", "write", label_file, "--verify", want=["verified", "yes", "parts"])
st = state("lsa")
ok_json(*st, "lsa", "emu:type3", "write", label_file, "--offset", "100")
v = ok_json(*st, "lsa", "emu:type3", "read", "--offset", "100", "--length", "5000")
check(bytes.fromhex(v.get("data") or "") == labels, "lsa read gives back what an earlier run wrote")
out = os.path.join(scratch, "lsa.bin")
v = ok_json(*st, "lsa", "emu:type3", "read", "--out", out)
with open(out, "rb") as f:
    whole = f.read()
check(whole[100:5100] == labels and len(whole) == LSA_SIZE and v.get("data") is None, f"lsa read --out: {v}")
# Through the tunnels: a switch's port, an MLD's LD, an LD behind a switch port.
v = ok_json("lsa", "emu:switch", "--port", "1", "write", label_file, "--verify")
check(v.get("verified") is True, f"lsa write through a switch port: {v}")
v = ok_json("lsa", "emu:switch", "--port", "2", "--ld", "1", "write", label_file, "--offset", "60000", "--verify")
check(v.get("verified") is True, f"lsa write to an LD behind a switch port: {v}")
v = ok_json("lsa", "emu:mld", "--ld", "3", "read", "--length", "16")
check(v.get("data") == "00" * 16, f"lsa read of an MLD's LD: {v}")
fails(3, "lsa", "emu:switch", "read", says=["(UNSUPPORTED/3)"])
fails(2, "lsa", "emu:type3", "write", label_file, "--offset", "65000", says=["past the area's 65536 bytes"])
fails(2, "lsa", "emu:type3", "read", "--offset", "70000", says=["past the area"])
fails(2, "lsa", "emu:type3", "read", "--offset", "100", "--length", "65500", says=["past the area"])
fails(2, "lsa", "emu:type3", "read", "--length", "0x100000000")
fails(2, "lsa", "emu:type3", "write", scratch_file("empty.bin", b""), says=["is empty"])
fails(4, "lsa", "emu:type3", "write", os.path.join(scratch, "missing.bin"), says=["cannot read"])
fails(4, "lsa", "emu:type3", "read", "--out", os.path.join(scratch, "no", "such", "dir"), says=["cannot write"])
fails(2, "lsa", "emu:type3")

# ---- scan-media (4303h, 4304h, 4305h) ----
v = ok_json("scan-media", "emu:type3", "capabilities", "0", "1G")
# The emulated device estimates 1 ms per 16 MiB.
check(v == {"dpa": 0, "length_bytes": GIB, "estimated_scan_media_time_ms": 64}, f"scan-media capabilities: {v}")
v = ok_json("scan-media", "emu:type3")
check(
    v.get("records") == [] and v.get("media_error_record_count") == 0 and v.get("restart_dpa") is None,
    f"scan-media results on a fresh device: {v}",
)
v = ok_json("scan-media", "emu:type3", "start", "0", "256M")
check(
    v.get("percent") == 100
    and name(v.get("return_code")) == "success"
    and v.get("event_log") is True
    and v.get("scan_dpa") == 0
    and v.get("scan_length_bytes") == 256 << 20
    and v.get("records") == [],
    f"scan-media start: {v}",
)
ok_text("scan-media", "emu:type3", "capabilities", "0x1000", "64", want=["estimated scan media time ms  1"])
# What the scan finds is the poison in its range; without --no-event-log each is a General Media record.
st = state("scan")
ok_json(*st, "poison", "emu:type3", "inject", "0x1000")
ok_json(*st, "poison", "emu:type3", "inject", "0x10000040")
v = ok_json(*st, "scan-media", "emu:type3", "start", "0", "256M", "--no-event-log")
found = [(r.get("dpa"), name(r.get("source")), r.get("length_bytes")) for r in v.get("records", [])]
check(found == [(0x1000, "injected", 64)] and v.get("event_log") is False, f"scan-media start finds the poison: {v}")
v = ok_json(*st, "events", "emu:type3", "--log", "warn")
check(v.get("logs", [{}])[0].get("records") == [], f"no event records with --no-event-log: {v}")
ok_text(*st, "scan-media", "emu:type3", "start", "256M", "256M", want=["0x10000040", "injected", "scan dpa"])
v = ok_json(*st, "events", "emu:type3", "--log", "warn")
media = [r for r in v.get("logs", [{}])[0].get("records", []) if r.get("record_type") == "general_media"]
check(
    len(media) == 1
    and media[0]["body"].get("dpa") == 0x10000040
    and name(media[0]["body"].get("transaction_type")) == "host_scan_media",
    f"a General Media record for what the scan found: {media}",
)
fails(2, "scan-media", "emu:type3", "start", "0x1", "256M", says=["not a multiple of 64"])
fails(2, "scan-media", "emu:type3", "capabilities", "0", "100", says=["multiple of 64"])
fails(2, "scan-media", "emu:type3", "capabilities", "0", "0", says=["multiple of 64"])
fails(3, "scan-media", "emu:type3", "capabilities", "0", "1T", says=["(PADDR/15)"])
fails(5, "scan-media", "emu:type3", "start", "0", "64", "--wait", "0.3", says=["still running after 0.3 s"])
p = subprocess.Popen([CXLMI, "scan-media", "emu:type3", "start", "0", "1G"], stderr=subprocess.PIPE, text=True)
time.sleep(0.5)
p.send_signal(2)
err = p.communicate(timeout=60)[1]
check(
    p.returncode == 130 and "goes on with ScanMedia" in err and "cxlmi background emu:type3 --wait" in err,
    f"Ctrl-C during scan-media start: {p.returncode} {err!r}",
)

# ---- secure-erase (4401h) ----
fails(2, "secure-erase", "emu:type3", says=["refused without --force"])
v = ok_json("secure-erase", "emu:type3", "--force")
check(
    v.get("status") == "done"
    and v.get("percent") == 100
    and v.get("background") is True
    and name(v.get("return_code")) == "success",
    f"secure-erase: {v}",
)
ok_text("secure-erase", "emu:type3", "-f", want=["status", "done", "background"])
fails(5, "secure-erase", "emu:type3", "-f", "--wait", "0.3", says=["still running after 0.3 s"])
st = state("erase")
ok_json(*st, "poison", "emu:type3", "inject", "0x1000")
ok_json(*st, "secure-erase", "emu:type3", "-f")
v = ok_json(*st, "poison", "emu:type3")
check(v.get("records") == [], f"no poison left after a secure erase: {v}")


# ---- security (4500h to 4505h): passphrases are never repeated ----
def secret_free(p, secret, what):
    check(secret not in p.stdout and secret not in p.stderr, f"{what}: the passphrase shows in {p.stdout + p.stderr!r}")


v = ok_json("security", "emu:type3")
check(v.get("security_state", {}).get("raw") == 0 and set_flags(v.get("security_state")) == [], f"security: {v}")
check(ok_json("security", "emu:type3", "state") == v, "security state is the default")
SECRET = "correct horse battery"
for fmt in ([], ["--json"], ["-v"]):
    p = run(*fmt, "security", "emu:type3", "set-passphrase", "--type", "user", "--new", SECRET)
    check(p.returncode == 0, f"security set-passphrase {fmt}: {p.returncode} {p.stderr!r}")
    secret_free(p, SECRET, f"security set-passphrase {fmt}")
    check("user_passphrase_set" in p.stdout, f"security set-passphrase {fmt}: {p.stdout!r}")
v = ok_json("security", "emu:type3", "set-passphrase", "--type", "master", "--new", "0x0102030405")
check(set_flags(v.get("security_state")) == ["master_passphrase_set"], f"a master passphrase in hex: {v}")
v = ok_json("security", "emu:type3", "set-passphrase", "--type", "user", "--new", "-starts-with-a-dash")
check(set_flags(v.get("security_state")) == ["user_passphrase_set"], f"a passphrase starting with '-': {v}")
for bad, why in (("0xzz9911", "not hex"), ("x" * 33, "longer than 32 bytes"), ("", "empty")):
    p = fails(2, "security", "emu:type3", "set-passphrase", "--type", "user", "--new", bad, says=["--new", why])
    if bad:
        secret_free(p, bad[2:] if bad.startswith("0x") else bad, "a refused passphrase")
fails(2, "security", "emu:type3", "set-passphrase", "--type", "other", "--new", "x")
fails(2, "security", "emu:type3", "set-passphrase", "--new", "x", says=["--type"])
fails(3, "security", "emu:type3", "unlock", "--passphrase", "x", says=["(SECURITY/19)"])  # not locked
fails(3, "security", "emu:type3", "disable", "--type", "user", "--passphrase", "x", says=["(SECURITY/19)"])
fails(2, "security", "emu:type3", "freeze", says=["refused without --force"])
fails(2, "security", "emu:type3", "passphrase-erase", "--type", "user", "--passphrase", "x", says=["refused"])
v = ok_json("security", "emu:type3", "freeze", "--force")
check(set_flags(v.get("security_state")) == ["frozen"], f"security freeze: {v}")
ok_text("security", "emu:type3", want=["security state", "none (0x0)"])
# A user passphrase locks the device at a cold reset; a wrong one is refused, the right one unlocks.
st = state("security")
p = run(*st, "security", "emu:type3", "set-passphrase", "--type", "user", "--new", SECRET)
secret_free(p, SECRET, "set-passphrase with a state file")
ok_json(*st, "reset", "emu:type3", "--force")
v = ok_json(*st, "security", "emu:type3")
check(set_flags(v.get("security_state")) == ["locked", "user_passphrase_set"], f"locked after a cold reset: {v}")
p = fails(3, *st, "security", "emu:type3", "unlock", "--passphrase", "not it", says=["(PASSPHRASE/20)"])
secret_free(p, "not it", "a wrong passphrase")
v = ok_json(*st, "security", "emu:type3", "unlock", "--passphrase", SECRET)
check(set_flags(v.get("security_state")) == ["user_passphrase_set"], f"security unlock: {v}")
v = ok_json(*st, "security", "emu:type3", "set-passphrase", "--type", "user", "--old", SECRET, "--new", "0xaabb")
check(set_flags(v.get("security_state")) == ["user_passphrase_set"], f"changing the user passphrase: {v}")
v = ok_json(*st, "security", "emu:type3", "disable", "--type", "user", "--passphrase", "0xaabb")
check(set_flags(v.get("security_state")) == [], f"security disable: {v}")
# Passphrase secure erase with the master passphrase: the user passphrase and the poison go.
st = state("passphrase-erase")
ok_json(*st, "security", "emu:type3", "set-passphrase", "--type", "master", "--new", "master key")
ok_json(*st, "security", "emu:type3", "set-passphrase", "--type", "user", "--new", "user key")
ok_json(*st, "poison", "emu:type3", "inject", "0x1000")
v = ok_json(*st, "security", "emu:type3", "passphrase-erase", "--type", "master", "--passphrase", "master key", "-f")
check(set_flags(v.get("security_state")) == ["master_passphrase_set"], f"security passphrase-erase: {v}")
check(ok_json(*st, "poison", "emu:type3").get("records") == [], "no poison left after a passphrase secure erase")
# Frozen: no passphrase changes until the next cold reset.
st = state("frozen")
ok_json(*st, "security", "emu:type3", "freeze", "-f")
fails(3, *st, "security", "emu:type3", "set-passphrase", "--type", "user", "--new", "x", says=["(SECURITY/19)"])
v = ok_json("security", "emu:switch", "--port", "2", "--ld", "1", "set-passphrase", "--type", "user", "--new", "y")
check(set_flags(v.get("security_state")) == ["user_passphrase_set"], f"security through two tunnels: {v}")

# ---- security-receive, security-send (4601h, 4600h): not on the emulated device ----
fails(3, "security-receive", "emu:type3", "0", says=["(UNSUPPORTED/3)"])
fails(2, "security-receive", "emu:type3", "5", says=["security protocol not supported"])  # the library knows only 0
fails(3, "security-send", "emu:type3", "0xef", "010203", "--sp-specific", "0x102", says=["(UNSUPPORTED/3)"])
fails(2, "security-send", "emu:type3", "0xef", "0102x3")
fails(2, "security-send", "emu:type3", "256", "00")

# ---- media-operations (4402h), sld-qos (4700h-4702h): not on the emulated device ----
fails(3, "media-operations", "emu:type3", says=["(UNSUPPORTED/3)"])
fails(3, "media-operations", "emu:type3", "discovery", says=["(UNSUPPORTED/3)"])
fails(2, "media-operations", "emu:type3", "zero", "--range", "0:4K", says=["refused without --force"])
fails(2, "media-operations", "emu:type3", "sanitize", "--range", "0:4K", says=["refused without --force"])
fails(3, "media-operations", "emu:type3", "zero", "--range", "0:4K", "--range", "1M:1M", "-f", says=["(UNSUPPORTED/3)"])
fails(2, "media-operations", "emu:type3", "sanitize", "-f")
fails(2, "media-operations", "emu:type3", "sanitize", "--range", "0x1000", "-f")
fails(3, "sld-qos", "emu:type3", says=["(UNSUPPORTED/3)"])
fails(3, "sld-qos", "emu:type3", "status", says=["(UNSUPPORTED/3)"])
fails(3, "sld-qos", "emu:type3", "set", "--egress-port-congestion", "on", says=["(UNSUPPORTED/3)"])
fails(2, "sld-qos", "emu:type3", "set", says=["at least one value"])
fails(2, "sld-qos", "emu:type3", "set", "--egress-moderate-percent", "101")

# ---- dc-add-response, dc-release (4802h, 4803h) ----
fails(3, "dc-add-response", "emu:type3", "--extent", "0x80000000:64M", says=["(INPUT/2)"])  # nothing offered
fails(3, "dc-release", "emu:type3", "--extent", "0x80000000:64M", says=["(PADDR/15)"])  # nothing held
fails(2, "dc-release", "emu:type3", says=["--extent"])
for bad in ("0x1000", "0x1000:0", "x:4K", "0xffffffffffffffff:2"):
    fails(2, "dc-add-response", "emu:type3", "--extent", bad)
# The fabric manager offers 64 MiB with tag 07..07 to host 0 through the LD Pool CCI (Initiate Dynamic
# Capacity Add, 5604h: host, policy free, region 0, length, tag, no extents), the host accepts it, then
# releases it.
st = state("dc")
add = (0).to_bytes(2, "little") + bytes([0, 0]) + (64 << 20).to_bytes(8, "little") + bytes([7] * 16) + bytes(4)
v = ok_json(*st, "raw", "emu:mhd", "--mhd", "5604h", add.hex())
check(name(v.get("return_code")) == "success", f"an offer of dynamic capacity: {v}")
v = ok_json(*st, "dc-add-response", "emu:mhd", "--extent", "2G:64M")
extents = [
    (e.get("start_dpa"), e.get("length_bytes"), (e.get("tag") or "").replace("-", "")) for e in v.get("extents", [])
]
check(
    extents == [(0x80000000, 64 << 20, "07" * 16)]
    and v.get("total_extent_count") == 1
    and v.get("accepted") == [{"start_dpa": 0x80000000, "length_bytes": 64 << 20}],
    f"dc-add-response: {v}",
)
generation = v.get("generation_number", 0)
v = ok_json(*st, "dc", "emu:mhd", "extents")
check(v.get("total_extent_count") == 1, f"dc extents after the host accepted: {v}")
p = run(*st, "dc-release", "emu:mhd", "--extent", "0x80000000:64M")
check(p.returncode == 0 and "released" in p.stdout and "0x80000000" in p.stdout, f"dc-release (text): {p.stdout!r}")
v = ok_json(*st, "dc", "emu:mhd", "extents")
check(v.get("extents") == [] and v.get("generation_number", 0) > generation, f"dc extents after the release: {v}")

# ---- shutdown-state (4203h, 4204h) ----
v = ok_json("shutdown-state", "emu:type3", "dirty")
check(v.get("state", {}).get("dirty") is True, f"shutdown-state dirty: {v}")
v = ok_json("shutdown-state", "emu:type3", "clean")
check(v.get("state", {}).get("dirty") is False, f"shutdown-state clean: {v}")
ok_text("shutdown-state", "emu:type3", "dirty", want=["state", "dirty (0x1)"])

# ---- every subcommand has its help, and the switch (no memory device) refuses the memory device ones ----
for sub in (
    "response-limit",
    "interrupt-policy",
    "mctp-interrupt-policy",
    "features",
    "log",
    "perform-maintenance",
    "alert-config",
    "lsa",
    "scan-media",
    "secure-erase",
    "security",
    "security-receive",
    "security-send",
    "media-operations",
    "sld-qos",
    "dc-add-response",
    "dc-release",
    "shutdown-state",
):
    p = run(sub, "--help")
    check(p.returncode == 0 and "Usage: cxlmi " + sub in p.stdout, f"{sub} --help: {p.returncode} {p.stdout[:100]!r}")
for args in (["alert-config"], ["security"], ["scan-media"], ["shutdown-state"]):
    fails(3, args[0], "emu:switch", *args[1:], says=["(UNSUPPORTED/3)"])

finish()
