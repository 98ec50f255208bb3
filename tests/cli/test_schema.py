#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The `cxlmi` tool's JSON documents against their committed schema (tests/cli/schema/cxlmi.schema.json,
# JSON Schema draft 2020-12): every subcommand in a JSON format on the emulated fabric, through every
# tunnel kind, the write operations (with --force where they need it), flows of several runs on one
# fabric kept in a state file (--emu-state), and the error documents of each kind, each validated with
# the `jsonschema` package against the schema's $defs entry for it. A subcommand the emulated fabric
# answers Unsupported is run for its error document, and its result's entry is checked against a
# document built as the core's decoder builds it. Then deliberately wrong documents, which must fail,
# so a schema that accepts anything cannot pass.
# Run by meson (suite `cli`) as: test_schema.py PATH/TO/cxlmi. Exit 77 (a skip) without jsonschema.

import copy
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

try:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError
except ImportError as e:
    print(f"skip: the jsonschema package (4.0 or newer) is needed: {e}")
    sys.exit(77)

CXLMI = sys.argv[1] if len(sys.argv) > 1 else "build/cli/cxlmi"
SCHEMA_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schema", "cxlmi.schema.json")

failures = []
checks = 0
valid = 0


def check(ok, what):
    global checks
    checks += 1
    if not ok:
        failures.append(what)
        print(f"FAIL: {what}")
    return ok


try:
    with open(SCHEMA_PATH) as f:
        SCHEMA = json.load(f)
    Draft202012Validator.check_schema(SCHEMA)
except (OSError, ValueError, SchemaError) as e:
    print(f"FAIL: {SCHEMA_PATH} is not a JSON Schema: {e}")
    sys.exit(1)
# The documents of the tool: the $defs entries the schema's root names.
DOCUMENTS = {entry["$ref"].rsplit("/", 1)[1] for entry in SCHEMA["anyOf"]}
validators = {}
validated = set()


def validator(name):
    """The validator of one $defs entry, or of the whole schema (any document of the tool) for None.
    Formats are not checked (the default): the patterns say what the strings are."""
    if name not in validators:
        root = {k: v for k, v in SCHEMA.items() if k != "anyOf"} if name else SCHEMA
        if name:
            root["$ref"] = f"#/$defs/{name}"
        validators[name] = Draft202012Validator(root)
    return validators[name]


def errors(name, doc):
    """Each way `doc` is not a valid `name`, as 'at /json/path: message'."""
    found = sorted(validator(name).iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path])
    out = []
    for e in found:
        path = "/" + "/".join(str(p) for p in e.absolute_path)
        message = e.message if len(e.message) <= 300 else e.message[:300] + "..."
        out.append(f"at {path}: {message}")
    return out


def validate(what, name, doc):
    """`doc` (the output of `what`) must be a valid `name`, and a document of the tool."""
    global valid
    found = errors(name, doc)
    ok = check(not found, f"{what}: not a valid {name}: " + "; ".join(found[:3]))
    if ok and check(not errors(None, doc), f"{what}: a valid {name} but not a document of the whole schema"):
        valid += 1
        validated.add(name)


def invalid(what, name, doc):
    """A deliberately wrong document: it must fail validation against `name`."""
    check(errors(name, doc), f"negative check '{what}': the schema's {name} accepts it: {json.dumps(doc)[:300]}")


# ---- running the tool ----

# Exit status of each error kind (docs/cli.md, Errors and exit status).
STATUS = {"usage": 2, "device": 3, "system": 4, "transport": 5, "interrupted": 130}


class Case:
    """One run of the tool. `expect` is the $defs entry of its result; with `error` (a kind) it must fail
    so, and with `applies` False it may do either (a subcommand the component does not offer). With
    `unsupported` the emulated component answers the command Unsupported: a device error whose return
    code is UNSUPPORTED, `expect` the entry its result would be (checked against a built document)."""

    def __init__(self, args, expect, fmt=("-o", "json"), error=None, command=None, applies=True, unsupported=False):
        error = "device" if unsupported else error
        self.args, self.expect, self.fmt, self.error, self.applies = list(args), expect, list(fmt), error, applies
        self.unsupported = unsupported
        self.command = args[0] if command is None and args else command
        self.what = " ".join([*self.fmt, *self.args])

    def run(self):
        try:
            p = subprocess.run([CXLMI, *self.fmt, *self.args], capture_output=True, text=True, timeout=120)
            return p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired:
            return None, "", "timed out"

    def judge(self, result):
        status, out, err = result
        if not check(status is not None, f"{self.what}: timed out"):
            return
        check("panicked" not in err and "stack backtrace" not in err, f"{self.what}: panic output: {err!r}")
        if any(a.endswith("jsonl") for a in self.fmt):
            check(out.count("\n") == 1, f"{self.what}: -o jsonl is not one line: {out[:200]!r}")
        try:
            doc = json.loads(out)
        except ValueError:
            check(False, f"{self.what}: exit {status}, not one JSON document on stdout: {out[:200]!r} {err.strip()!r}")
            return
        if self.error:
            check(status == STATUS[self.error], f"{self.what}: exit {status}, want {STATUS[self.error]} ({self.error})")
        elif self.applies:
            check(status == 0, f"{self.what}: exit {status}, stderr {err.strip()!r}")
        if status == 0:
            validate(self.what, self.expect, doc)
            return
        validate(self.what, "error_document", doc)
        e = doc.get("error") if isinstance(doc, dict) else None
        e = e if isinstance(e, dict) else {}
        kind = e.get("kind")
        if self.error:
            check(kind == self.error, f"{self.what}: error kind {kind!r}, want {self.error!r}")
        check(STATUS.get(kind) == status, f"{self.what}: error kind {kind!r} with exit status {status}")
        check(
            e.get("command") == self.command, f"{self.what}: error command {e.get('command')!r}, want {self.command!r}"
        )
        if self.unsupported:
            check(
                e.get("return_code_name") == "UNSUPPORTED",
                f"{self.what}: {e.get('return_code_name')!r}, not UNSUPPORTED",
            )
        lines = err.strip().splitlines()
        check(len(lines) == 1 and lines[0].startswith("cxlmi: "), f"{self.what}: stderr is not one line: {lines}")


class Flow:
    """Runs of the tool in order on one emulated fabric, kept across them in a state file (--emu-state):
    each step (args after the global options, its $defs entry, Case's keywords) is judged as a Case."""

    def __init__(self, name, *steps):
        state = ["--emu-state", os.path.join(scratch, name + ".state")]
        self.steps = [Case([*state, *s[0]], s[1], command=s[0][0], **(s[2] if len(s) > 2 else {})) for s in steps]

    def run(self):
        return [step.run() for step in self.steps]

    def judge(self, results):
        for step, result in zip(self.steps, results):
            step.judge(result)


def runs(case):
    """The runs of the tool a case or a flow makes."""
    return getattr(case, "steps", [case])


# A build with the CXL 2.0 layouts (cxlmi --version says) has no dynamic capacity event log settings.
version = subprocess.run([CXLMI, "--version"], check=False, capture_output=True, text=True, timeout=60).stdout
CXL2 = "CXL 2.0 layouts: yes" in version
DCD_INTERRUPTS = [] if CXL2 else ["--dcd", "msi"]

# Targets by what they are: memory devices (a Type 3 device, through a switch port, an LD of an MLD
# behind a switch and of an MLD, an MHD), the switch, an MLD's FM-owned LD (itself, or behind a
# switch port) and an MHD's LD Pool CCI.
MEMDEV = [
    ["emu:type3"],
    ["emu:switch", "--port", "1"],
    ["emu:switch", "--port", "2", "--ld", "1"],
    ["emu:mld", "--ld", "2"],
    ["emu:mhd"],
]
SWITCH = [["emu:switch"]]
MLD = [["emu:mld"], ["emu:switch", "--port", "2"]]
POOL = [["emu:mhd", "--mhd"]]
MHD = [["emu:mhd"], ["emu:mhd", "--mhd"]]
TARGETS = MEMDEV + SWITCH + MLD + POOL
# What the emulated fabric holds (emulator/src): the Type 3 device's patrol scrub control feature and
# its Command Effects Log; a tag for dynamic capacity.
PATROL_SCRUB = "96dad7d6-fde8-482b-a733-75774e06db8a"
CEL = "0da9c0b5-bf41-4b78-8f79-96b1623b3f17"
TAG = "a1b2c3d4-0102-0304-0506-0708090a0b0c"
# Subcommand -> (its arguments after the target, its $defs entry, the targets it must succeed on).
READS = {
    "identify": ([], "identify", TARGETS),
    "health": ([], "health", MEMDEV),
    "partition": ([], "partition", MEMDEV),
    "events": ([], "events", MEMDEV),
    "fw": ([], "fw_info", MEMDEV),
    "fw info": (["info"], "fw_info", MEMDEV),
    "logs": ([], "logs", TARGETS),
    "logs --cel": (["--cel"], "logs", TARGETS),
    "poison": ([], "poison", MEMDEV),
    "poison list": (["list"], "poison", MEMDEV),
    "background": ([], "background", MEMDEV + SWITCH + MLD),
    "timestamp": ([], "timestamp", MEMDEV + SWITCH + MLD),
    "timestamp get": (["get"], "timestamp", MEMDEV + SWITCH + MLD),
    "dc": ([], "dc_config", MEMDEV),
    "dc config": (["config"], "dc_config", MEMDEV),
    "dc extents": (["extents"], "dc_extents", MEMDEV),
    "ports": ([], "ports", SWITCH),
    "vcs": ([], "vcs", SWITCH),
    "ld": ([], "ld_info", MLD),
    "ld info": (["info"], "ld_info", MLD),
    "ld allocations": (["allocations"], "ld_allocations", MLD),
    "raw": (["0x0001"], "raw", TARGETS),
    "commands": ([], "commands", TARGETS),
    "shutdown-state": ([], "shutdown_state", MEMDEV),
    "shutdown-state get": (["get"], "shutdown_state", MEMDEV),
    "mhd": ([], "mhd", MHD),
    "mhd info": (["info"], "mhd", MHD),
    "mhd heads": (["heads"], "mhd_heads", MHD),
    "response-limit": ([], "response_limit", MEMDEV + SWITCH),
    "response-limit get": (["get"], "response_limit", MEMDEV + SWITCH),
    "interrupt-policy": ([], "interrupt_policy", MEMDEV),
    "interrupt-policy get": (["get"], "interrupt_policy", MEMDEV),
    "features": ([], "features_list", MEMDEV),
    "features list": (["list"], "features_list", MEMDEV),
    "features get": (["get", PATROL_SCRUB], "features_get", MEMDEV),
    "log get": (["get", "cel"], "log_get", TARGETS),
    "alert-config": ([], "alert_config", MEMDEV),
    "alert-config get": (["get"], "alert_config", MEMDEV),
    "lsa read": (["read", "--length", "256"], "lsa_read", MEMDEV),
    "scan-media": ([], "scan_media_results", MEMDEV),
    "scan-media results": (["results"], "scan_media_results", MEMDEV),
    "scan-media capabilities": (["capabilities", "0", "1G"], "scan_media_capabilities", MEMDEV),
    "security": ([], "security", MEMDEV),
    "security state": (["state"], "security", MEMDEV),
    "ld-allocations": ([], "ld_allocations_get", MLD),
    "ld-allocations get": (["get"], "ld_allocations_get", MLD),
    "qos": ([], "qos_control", MLD),
    "qos control": (["control"], "qos_control", MLD),
    "qos status": (["status"], "qos_status", MLD),
    "qos allocated-bw": (["allocated-bw"], "qos_allocated_bw", MLD),
    "qos bw-limit": (["bw-limit"], "qos_bw_limit", MLD),
    "dcd": ([], "dcd_info", POOL),
    "dcd info": (["info"], "dcd_info", POOL),
    "dcd region-config": (["region-config"], "dcd_region_config", POOL),
    "dcd region-config --host 1": (["region-config", "--host", "1"], "dcd_region_config", POOL),
    "dcd extents": (["extents", "--host", "0"], "dcd_extents", POOL),
    "dcd tags": (["tags"], "dcd_tags", POOL),
    "dcd list-tags": (["list-tags"], "dcd_tags", POOL),
    "ppb-config": (["1", "0"], "ppb_config", SWITCH),
}
# What the emulated fabric answers Unsupported wherever it is sent: (the arguments after the target,
# the $defs entry of the result, the targets).
UNSUPPORTED = [
    ([], "mctp_interrupt_policy", MEMDEV + SWITCH),
    (["get"], "mctp_interrupt_policy", MEMDEV),
    (["set", "warn", "background"], "mctp_interrupt_policy", [MEMDEV[0]]),
    (["set"], "mctp_interrupt_policy", [MEMDEV[0]]),
    (["capabilities", "cel"], "log_capabilities", MEMDEV + SWITCH),
    (["clear", "cel", "--force"], "log_clear", MEMDEV),
    (["populate", "vendor-debug"], "log_populate", MEMDEV),
    (["sublist"], "log_sublist", MEMDEV + SWITCH + MLD),
    (["sublist", "--start", "1"], "log_sublist", [MEMDEV[0]]),
    (["0"], "security_receive", MEMDEV),
    (["0", "--sp-specific", "0x102"], "security_receive", [MEMDEV[0]]),
    (["0xef", "010203", "--sp-specific", "0x102"], "security_send", MEMDEV),
    ([], "media_operations_discovery", MEMDEV),
    (["discovery"], "media_operations_discovery", MEMDEV),
    (["zero", "--range", "0:4K", "--range", "1M:1M", "-f"], "media_operations", MEMDEV),
    (["sanitize", "--range", "0x1000:64", "--force"], "media_operations", [MEMDEV[0]]),
    ([], "sld_qos_control", MEMDEV),
    (["control"], "sld_qos_control", [MEMDEV[0]]),
    (["set", "--egress-port-congestion", "on", "--egress-moderate-percent", "20"], "sld_qos_control", MEMDEV),
    (["status"], "sld_qos_status", MEMDEV),
    ([], "domain_validation_state", SWITCH),
    (["state"], "domain_validation_state", SWITCH),
    (["set", TAG], "domain_validation_state", SWITCH),
    (["vcs-state", "--vcs", "0"], "domain_validation_vcs_state", SWITCH),
    (["secret", "--vcs", "1"], "domain_validation_secret", SWITCH),
    (["2", "1", "0"], "ld_config", SWITCH),
    (["2", "1", "0x10", "--write", "0xdeadbeef", "--byte-enables", "0x3", "-f"], "ld_config", SWITCH),
]
UNSUPPORTED_COMMAND = {
    "mctp_interrupt_policy": "mctp-interrupt-policy",
    "log_capabilities": "log",
    "log_clear": "log",
    "log_populate": "log",
    "log_sublist": "log",
    "security_receive": "security-receive",
    "security_send": "security-send",
    "media_operations_discovery": "media-operations",
    "media_operations": "media-operations",
    "sld_qos_control": "sld-qos",
    "sld_qos_status": "sld-qos",
    "domain_validation_state": "domain-validation",
    "domain_validation_vcs_state": "domain-validation",
    "domain_validation_secret": "domain-validation",
    "ld_config": "ld-config",
}

# No /dev/cxl or bus here: an empty list (what it could not look at goes to stderr).
cases = [Case(["list"], "list"), Case(["list", "--health", "--type", "type3_device", "--serial", "0x1"], "list")]
# Every read on every target: a result where the subcommand applies, otherwise a result or an error.
for name, (rest, expect, where) in READS.items():
    sub = name.split()[0]
    for target in TARGETS:
        cases.append(Case([sub, *target, *rest], expect, applies=target in where))
# What the emulated fabric does not implement: the device error document, Unsupported.
for rest, expect, where in UNSUPPORTED:
    sub = UNSUPPORTED_COMMAND[expect]
    for target in where:
        cases.append(Case([sub, *target, *rest], expect, unsupported=True))

scratch = tempfile.mkdtemp(prefix="cxlmi-schema-")
fw_image = os.path.join(scratch, "fw.bin")
with open(fw_image, "wb") as f:
    f.write(bytes(i % 251 for i in range(3000)))
empty_image = os.path.join(scratch, "empty.bin")
open(empty_image, "wb").close()
label_file = os.path.join(scratch, "labels.bin")
with open(label_file, "wb") as f:
    f.write(bytes((i * 7 + 3) % 256 for i in range(5000)))
outputs = itertools.count()


def out_file():
    """A file of its own for one run's --out."""
    return os.path.join(scratch, f"out-{next(outputs)}.bin")


# Writes, on each memory device (each run is a fresh component), --force where they need it.
for target in MEMDEV:
    cases += [
        Case(["partition", *target, "--set-volatile", "1G"], "partition"),
        Case(["events", *target, "--clear", "--force"], "events"),
        Case(["events", *target, "--log", "info", "--clear", "--force"], "events"),
        *(Case(["events", *target, "--log", log], "events") for log in ("info", "warn", "fail", "fatal", "dcd")),
        Case(["fw", *target, "transfer", fw_image], "fw_transfer"),
        Case(["fw", *target, "transfer", fw_image, "--slot", "2"], "fw_transfer"),
        Case(["fw", *target, "activate", "1", "--force"], "fw_activate"),
        Case(["poison", *target, "inject", "0x1000"], "poison"),
        Case(["poison", *target, "clear", "0x1000"], "poison"),
        Case(["sanitize", *target, "--force"], "sanitize"),
        Case(["sanitize", *target, "--force", "--abort-after", "0.2"], "sanitize"),
        Case(["background", *target, "--wait"], "background"),
        Case(["background", *target, "--wait", "5"], "background"),
        Case(["timestamp", *target, "set", "1700000000000000000"], "timestamp"),
        Case(["shutdown-state", *target, "dirty"], "shutdown_state"),
        Case(["shutdown-state", *target, "clean"], "shutdown_state"),
        Case(["raw", *target, "0301h", "00e40b5402000000"], "raw"),
        # Sanitize by opcode: Background Command Started, a success without a payload.
        Case(["raw", *target, "0x4400"], "raw"),
        Case(["response-limit", *target, "set", "1K"], "response_limit"),
        Case(
            ["interrupt-policy", *target, "set", "--warn", "fw:5", "--fail", "msi", *DCD_INTERRUPTS], "interrupt_policy"
        ),
        Case(["features", *target, "set", PATROL_SCRUB, "--data", "0600"], "features_set"),
        Case(["features", *target, "get", PATROL_SCRUB, "--out", out_file()], "features_get"),
        Case(["log", *target, "get", "cel", "--offset", "4", "--length", "8"], "log_get"),
        Case(["perform-maintenance", *target, "ppr", "0x1000"], "perform_maintenance"),
        Case(["perform-maintenance", *target, "operation", "0", "0"], "perform_maintenance"),
        Case(
            ["alert-config", *target, "set", "--life-used-warning", "80", "--under-temperature-warning", "-5"],
            "alert_config",
        ),
        Case(["lsa", *target, "write", label_file, "--offset", "100", "--verify"], "lsa_write"),
        Case(["scan-media", *target, "start", "0", "256M"], "scan_media_start"),
        Case(["secure-erase", *target, "--force"], "secure_erase"),
        Case(["security", *target, "set-passphrase", "--type", "user", "--new", "a passphrase"], "security"),
        Case(["security", *target, "freeze", "--force"], "security"),
    ]
# The other forms of the device writes, on the Type 3 device.
cases += [
    Case(["response-limit", "emu:type3", "set", "256"], "response_limit"),
    Case(["interrupt-policy", "emu:type3", "set", "--fatal", "fw", "--info", "none"], "interrupt_policy"),
    Case(
        ["features", "emu:type3", "get", PATROL_SCRUB.replace("-", "").upper(), "--selection", "default"],
        "features_get",
    ),
    Case(["features", "emu:type3", "get", PATROL_SCRUB, "--offset", "1", "--length", "2"], "features_get"),
    Case(["features", "emu:type3", "set", PATROL_SCRUB, "--file", label_file + ".2"], "features_set"),
    Case(["features", "emu:type3", "set", PATROL_SCRUB, "--data", "0x1801"], "features_set"),
    Case(["log", "emu:type3", "get", "cel", "--out", out_file()], "log_get"),
    Case(["log", "emu:type3", "get", CEL, "--length", "8"], "log_get"),
    Case(
        ["perform-maintenance", "emu:type3", "ppr", "0x2000", "--hard", "--query", "--nibble-mask", "0x3"],
        "perform_maintenance",
    ),
    Case(
        ["alert-config", "emu:type3", "set", "--over-temperature-warning", "70", "--corrected-volatile-warning", "100"],
        "alert_config",
    ),
    Case(
        ["alert-config", "emu:type3", "set", "--corrected-persistent-warning", "7", "--disable", "life-used"],
        "alert_config",
    ),
    Case(["lsa", "emu:type3", "read"], "lsa_read"),
    Case(["lsa", "emu:type3", "read", "--offset", "8", "--length", "40"], "lsa_read"),
    Case(["lsa", "emu:type3", "read", "--out", out_file()], "lsa_read"),
    Case(["lsa", "emu:type3", "write", label_file], "lsa_write"),
    Case(["scan-media", "emu:type3", "start", "0x1000", "64", "--no-event-log"], "scan_media_start"),
    Case(["scan-media", "emu:type3", "capabilities", "0x1000", "64"], "scan_media_capabilities"),
    Case(["security", "emu:type3", "set-passphrase", "--type", "master", "--new", "0x0102030405"], "security"),
    Case(["security", "emu:type3", "set-passphrase", "--type", "user", "--new", "-starts-with-a-dash"], "security"),
]
with open(label_file + ".2", "wb") as f:
    f.write(bytes([8, 1]))
# The FM-API writes on each component they go to: the switch, the MLD (itself and behind the switch),
# the multi-headed device's LD Pool CCI.
for target in SWITCH:
    cases += [
        Case(["port-control", *target, "1", "assert-perst", "--force"], "port_control"),
        Case(["port-control", *target, "1", "deassert-perst"], "port_control"),
        Case(["port-control", *target, "2", "reset-ppb", "-f"], "port_control"),
        Case(["bind", *target, "--vcs", "1", "--vppb", "0", "--port", "3"], "bind"),
        Case(["bind", *target, "--vcs", "1", "--vppb", "2", "--port", "2", "--ld", "3"], "bind"),
        Case(["unbind", *target, "--vcs", "0", "--vppb", "1", "--force"], "unbind"),
        Case(["unbind", *target, "--vcs", "0", "--vppb", "0", "--mode", "surprise-hot-remove", "-f"], "unbind"),
        Case(["unbind", *target, "--vcs", "0", "--vppb", "0", "--mode", "managed-hot-remove", "-f"], "unbind"),
        Case(["ppb-config", *target, "1", "0x10", "--write", "0xdeadbeef", "--force"], "ppb_config"),
        Case(["ppb-config", *target, "0", "0", "--byte-enables", "0x3"], "ppb_config"),
        Case(["ppb-config", *target, "1", "8"], "ppb_config"),
    ]
for target in MLD:
    cases += [
        Case(["ld-allocations", *target, "set", "0=2", "2=512M:1", "--force"], "ld_allocations_set"),
        Case(["ld-allocations", *target, "set", "3=512M:0x2", "-f"], "ld_allocations_set"),
        Case(
            ["qos", *target, "control", "set", "--egress-congestion", "on", "--moderate", "20", "--severe", "50"]
            + ["--sample-interval", "4", "--req-cmp-basis", "7", "--completion-interval", "32"],
            "qos_control_set",
        ),
        Case(["qos", *target, "control", "set", "--temporary-throughput-reduction", "on"], "qos_control_set"),
        Case(["qos", *target, "allocated-bw", "set", "0=0.5", "2=10%", "3=32/256"], "qos_allocated_bw_set"),
        Case(["qos", *target, "allocated-bw", "set", "1=1"], "qos_allocated_bw_set"),
        Case(["qos", *target, "bw-limit", "set", "2=0.25"], "qos_bw_limit_set"),
        Case(["qos", *target, "bw-limit", "set", "0=0", "3=64/256"], "qos_bw_limit_set"),
    ]
for target in POOL:
    cases += [
        Case(["dcd", *target, "region-config", "set", "--region", "0", "--block-size", "4M"], "dcd_region_config"),
        Case(
            ["dcd", *target, "region-config", "--host", "1", "set", "--region", "1", "--sanitize-on-release", "off"],
            "dcd_region_config",
        ),
        Case(["dcd", *target, "add", "--host", "1", "--length", "64M", "--tag", TAG], "dcd_add"),
        Case(
            ["dcd", *target, "add", "--host", "0", "--policy", "prescriptive"]
            + ["--extent", "0x80000000:2M", "--extent", "0xc0000000:4M"],
            "dcd_add",
        ),
        Case(["dcd", *target, "add", "--host", "1", "--policy", "contiguous", "--length", "2M"], "dcd_add"),
    ]


def hex_le(*fields):
    """Fields (value, bytes) as a little-endian payload, in hex."""
    return b"".join(v.to_bytes(n, "little") for v, n in fields).hex()


# Flows of several runs on one fabric (--emu-state). Dynamic capacity as a host sees it: the fabric
# manager offers 64 MiB (Initiate Dynamic Capacity Add, 5604h, through the LD Pool CCI), the host
# accepts it and gives it back; another offer, declined.
offer = hex_le((0, 2), (0, 2), (64 << 20, 8)) + "07" * 16 + hex_le((0, 4))
flows = [
    Flow(
        "dc",
        (["raw", "emu:mhd", "--mhd", "5604h", offer], "raw"),
        (["dc-add-response", "emu:mhd", "--extent", "2G:64M"], "dc_add_response"),
        (["dc", "emu:mhd", "extents"], "dc_extents"),
        (["dc-release", "emu:mhd", "--extent", "0x80000000:64M"], "dc_release"),
        (["raw", "emu:mhd", "--mhd", "5604h", offer], "raw"),
        (["dc-add-response", "emu:mhd"], "dc_add_response"),
    ),
]
# As the fabric manager sees it: two extents offered to host 0 under a tag, accepted by the host (Add
# Dynamic Capacity Response, 4802h, on its head), listed, referenced, released (asked, then forced).
starts = [0x80000000, 0x80400000]
accept = hex_le((len(starts), 4), (0, 4)) + "".join(hex_le((s, 8), (2 << 20, 8), (0, 8)) for s in starts)
flows.append(
    Flow(
        "dcd",
        (
            ["dcd", "emu:mhd", "--mhd", "add", "--host", "0", "--policy", "prescriptive", "--tag", TAG]
            + [a for s in starts for a in ("--extent", f"{s:#x}:2M")],
            "dcd_add",
        ),
        (["raw", "emu:mhd", "0x4802", accept], "raw"),
        (["dcd", "emu:mhd", "--mhd", "extents", "--host", "0"], "dcd_extents"),
        (["dcd", "emu:mhd", "--mhd", "extents", "--host", "0", "--start", "1"], "dcd_extents"),
        (["dc", "emu:mhd", "extents"], "dc_extents"),
        (["dcd", "emu:mhd", "--mhd", "add-reference", "--tag", TAG], "dcd_tags"),
        (["dcd", "emu:mhd", "--mhd", "tags"], "dcd_tags"),
        (["dcd", "emu:mhd", "--mhd", "remove-reference", "--tag", TAG], "dcd_tags"),
        (["dcd", "emu:mhd", "--mhd", "release", "--host", "0", "--tag", TAG, "-f"], "dcd_release"),
        (
            ["dcd", "emu:mhd", "--mhd", "release", "--host", "0", "--policy", "prescriptive"]
            + ["--extent", f"{starts[0]:#x}:2M", "--forced", "--sanitize", "-f"],
            "dcd_release",
        ),
        (["dcd", "emu:mhd", "--mhd", "release", "--host", "0", "--tag", TAG, "--forced", "-f"], "dcd_release"),
    )
)
PORT_1 = ["emu:switch", "--port", "1"]
flows += [
    # A user passphrase locks the device at a cold reset; unlocked, changed, removed.
    Flow(
        "security",
        (["security", "emu:type3", "set-passphrase", "--type", "user", "--new", "a passphrase"], "security"),
        (["reset", "emu:type3", "--force"], "reset"),
        (["security", "emu:type3"], "security"),
        (["security", "emu:type3", "unlock", "--passphrase", "a passphrase"], "security"),
        (
            ["security", "emu:type3", "set-passphrase", "--type", "user", "--old", "a passphrase", "--new", "0xaabb"],
            "security",
        ),
        (["security", "emu:type3", "disable", "--type", "user", "--passphrase", "0xaabb"], "security"),
    ),
    # Passphrase secure erase with the master passphrase, on the device behind a switch port.
    Flow(
        "passphrase-erase",
        (["security", *PORT_1, "set-passphrase", "--type", "master", "--new", "master"], "security"),
        (["security", *PORT_1, "set-passphrase", "--type", "user", "--new", "user"], "security"),
        (["security", *PORT_1, "passphrase-erase", "--type", "master", "--passphrase", "master", "-f"], "security"),
    ),
    # A media scan finds the poison in its range.
    Flow(
        "scan",
        (["poison", "emu:type3", "inject", "0x1000"], "poison"),
        (["scan-media", "emu:type3", "start", "0", "256M", "--no-event-log"], "scan_media_start"),
        (["scan-media", "emu:type3"], "scan_media_results"),
    ),
    # A hard repair takes the poison at the address away.
    Flow(
        "ppr",
        (["poison", "emu:mld", "--ld", "1", "inject", "0x1000"], "poison"),
        (["perform-maintenance", "emu:mld", "--ld", "1", "ppr", "0x1010", "--hard"], "perform_maintenance"),
        (["poison", "emu:mld", "--ld", "1"], "poison"),
    ),
    # A feature's value set in one run is the one read in the next.
    Flow(
        "features",
        (["features", "emu:switch", "--port", "2", "--ld", "0", "set", PATROL_SCRUB, "--data", "0300"], "features_set"),
        (["features", "emu:switch", "--port", "2", "--ld", "0", "get", PATROL_SCRUB], "features_get"),
    ),
    # A warning set, then disabled (its threshold kept); health sees it while it is on.
    Flow(
        "alerts",
        (["alert-config", "emu:type3", "set", "--life-used-warning", "2"], "alert_config"),
        (["health", "emu:type3"], "health"),
        (["alert-config", "emu:type3", "set", "--disable", "life-used"], "alert_config"),
    ),
    # The label storage area written in one run, read in the next.
    Flow(
        "lsa",
        (["lsa", "emu:mhd", "write", label_file, "--offset", "100"], "lsa_write"),
        (["lsa", "emu:mhd", "read", "--offset", "100", "--length", "5000"], "lsa_read"),
    ),
    # Bind then unbind; PERST# asserted, a PPB register written, both kept.
    Flow(
        "switch",
        (["bind", "emu:switch", "--vcs", "1", "--vppb", "3", "--port", "2", "--ld", "2"], "bind"),
        (["vcs", "emu:switch"], "vcs"),
        (["unbind", "emu:switch", "--vcs", "1", "--vppb", "3", "-f"], "unbind"),
        (["port-control", "emu:switch", "3", "assert-perst", "-f"], "port_control"),
        (["ports", "emu:switch"], "ports"),
        (["ppb-config", "emu:switch", "3", "0x10", "--write", "0x12345678", "-f"], "ppb_config"),
        (["ppb-config", "emu:switch", "3", "0x10"], "ppb_config"),
    ),
]
cases += flows
# Resets of every emulated component, through every tunnel kind.
for target in TARGETS:
    cases += [Case(["reset", *target, "--force"], "reset"), Case(["reset", *target, "--warm", "--force"], "reset")]
for target in SWITCH + MLD:
    cases += [Case(["timestamp", *target, "set"], "timestamp"), Case(["timestamp", *target, "set", "now"], "timestamp")]

# The other output formats: the same documents.
for fmt in (["-o", "jsonl"], ["--json"], ["--output-format=jsonl"], ["-ojson"]):
    cases += [Case(["health", "emu:type3"], "health", fmt=fmt), Case(["ports", "emu:switch"], "ports", fmt=fmt)]

# Errors of every kind, argument errors included, in each JSON format.
cases += [
    Case(["identify", "mctp:1"], "identify", fmt=["--json"], error="usage"),
    Case(["identify", "emu:"], "identify", error="usage"),
    Case(["identify", "--bogus", "emu:type3"], "identify", fmt=["--output-format=jsonl"], error="usage"),
    Case(["identify", "emu:nope"], "identify", fmt=["-ojson"], error="usage"),
    Case(["health", "emu:nope"], "health", fmt=["-o", "jsonl"], error="usage"),
    Case(["frobnicate", "emu:type3"], "identify", fmt=["--json"], error="usage", command=""),
    Case([], "identify", error="usage", command=""),
    Case(["identify"], "identify", error="usage"),
    Case(["list", "--serial", "x"], "list", error="usage"),
    Case(["shutdown-state", "emu:type3", "bogus"], "shutdown_state", error="usage"),
    Case(["identify", "emu:switch", "--mhd", "--port", "1"], "identify", error="usage"),
    Case(["identify", "emu:switch", "--port", "256"], "identify", error="usage"),
    Case(["partition", "emu:type3", "--set-volatile", "1000"], "partition", error="usage"),
    Case(["events", "emu:type3", "--log", "nope"], "events", error="usage"),
    Case(["raw", "emu:type3", "0x10000"], "raw", error="usage"),
    Case(["raw", "emu:type3", "0x0001", "abc"], "raw", error="usage"),
    Case(["sanitize", "emu:type3", "--wait", "-1"], "sanitize", error="usage"),
    Case(["sanitize", "emu:type3", "--abort-after", "1e300", "--force"], "sanitize", error="usage"),
    Case(["timestamp", "emu:type3", "set", "yesterday"], "timestamp", error="usage"),
    Case(["fw", "emu:type3", "transfer", empty_image], "fw_transfer", error="usage"),
    # Destructive operations without --force and without a terminal are refused.
    Case(["sanitize", "emu:type3"], "sanitize", error="usage"),
    Case(["events", "emu:type3", "--clear"], "events", error="usage"),
    Case(["fw", "emu:type3", "activate", "2"], "fw_activate", error="usage"),
    Case(["reset", "emu:type3"], "reset", error="usage"),
    # The component's return code.
    Case(["raw", "emu:type3", "0xc0ff"], "raw", error="device"),
    Case(["raw", "emu:type3", "0xc0ff"], "raw", fmt=["-o", "jsonl"], error="device"),
    Case(["health", "emu:switch"], "health", error="device"),
    Case(["mhd", "emu:type3"], "mhd", error="device"),
    Case(["identify", "emu:switch", "--port", "9"], "identify", error="device"),
    Case(["fw", "emu:type3", "activate", "2", "--online", "--force"], "fw_activate", error="device"),
    # The system: no such device, no such file.
    Case(["identify", "mem9"], "identify", error="system"),
    Case(["health", "/dev/cxl/mem9"], "health", error="system"),
    Case(["fw", "emu:type3", "transfer", fw_image + ".missing"], "fw_transfer", error="system"),
    # The exchange: a background operation still running when the wait runs out.
    Case(["sanitize", "emu:type3", "--force", "--wait", "0.3"], "sanitize", error="transport"),
    # The same for the device and FM-API subcommands.
    Case(["log", "emu:type3"], "log_get", error="usage"),
    Case(["log", "emu:type3", "get", "vendor-debug"], "log_get", error="usage"),
    Case(["response-limit", "emu:type3", "set", "3000"], "response_limit", error="usage"),
    Case(["interrupt-policy", "emu:type3", "set"], "interrupt_policy", fmt=["-o", "jsonl"], error="usage"),
    *(
        [Case(["interrupt-policy", "emu:type3", "set", "--dcd", "msi"], "interrupt_policy", error="usage")]
        if CXL2
        else []
    ),
    Case(["security", "emu:type3", "set-passphrase", "--type", "user", "--new", "x" * 33], "security", error="usage"),
    Case(["security-receive", "emu:type3", "5"], "security_receive", error="usage"),
    Case(["bind", "emu:switch", "--vcs", "1", "--vppb", "0"], "bind", error="usage"),
    Case(["ppb-config", "emu:switch", "1", "0x11"], "ppb_config", error="usage"),
    Case(["qos", "emu:mld", "bw-limit", "set", "0=1.5"], "qos_bw_limit_set", error="usage"),
    Case(["dcd", "emu:mhd", "--mhd", "add", "--host", "0"], "dcd_add", error="usage"),
    Case(["secure-erase", "emu:type3"], "secure_erase", error="usage"),
    Case(["security", "emu:type3", "freeze"], "security", error="usage"),
    Case(["log", "emu:type3", "clear", "cel"], "log_clear", error="usage"),
    Case(["unbind", "emu:switch", "--vcs", "0", "--vppb", "0"], "unbind", error="usage"),
    Case(["port-control", "emu:switch", "1", "reset-ppb"], "port_control", error="usage"),
    Case(["ld-allocations", "emu:mld", "set", "0=2"], "ld_allocations_set", error="usage"),
    Case(["dcd", "emu:mhd", "--mhd", "release", "--host", "0", "--tag", TAG], "dcd_release", error="usage"),
    Case(["media-operations", "emu:type3", "zero", "--range", "0:4K"], "media_operations", error="usage"),
    Case(["response-limit", "emu:type3", "set", "4K"], "response_limit", error="device"),
    Case(["features", "emu:type3", "get", PATROL_SCRUB, "--selection", "saved"], "features_get", error="device"),
    Case(["perform-maintenance", "emu:type3", "operation", "9", "9"], "perform_maintenance", error="device"),
    Case(["alert-config", "emu:type3", "set", "--life-used-warning", "95"], "alert_config", error="device"),
    Case(["scan-media", "emu:type3", "capabilities", "0", "1T"], "scan_media_capabilities", error="device"),
    Case(["security", "emu:type3", "unlock", "--passphrase", "x"], "security", error="device"),
    Case(["dc-release", "emu:type3", "--extent", "0x80000000:64M"], "dc_release", error="device"),
    Case(["dc-add-response", "emu:mhd", "--extent", "2G:64M"], "dc_add_response", error="device"),
    Case(["mhd", "emu:switch", "heads"], "mhd_heads", error="device"),
    Case(["port-control", "emu:switch", "0", "deassert-perst"], "port_control", error="device"),
    Case(["bind", "emu:switch", "--vcs", "0", "--vppb", "0", "--port", "3"], "bind", error="device"),
    Case(["unbind", "emu:switch", "--vcs", "1", "--vppb", "0", "-f"], "unbind", error="device"),
    Case(["ld-allocations", "emu:mld", "set", "0=100", "-f"], "ld_allocations_set", error="device"),
    Case(["qos", "emu:mld", "control", "set", "--moderate", "90", "--severe", "80"], "qos_control_set", error="device"),
    Case(["dcd", "emu:mhd", "--mhd", "add", "--host", "0", "--length", "2G"], "dcd_add", error="device"),
    Case(["dcd", "emu:mhd", "--mhd", "add-reference", "--tag", TAG], "dcd_tags", error="device"),
    Case(["ppb-config", "emu:switch", "7", "0"], "ppb_config", error="device"),
    Case(["lsa", "emu:type3", "write", label_file + ".missing"], "lsa_write", error="system"),
    Case(["lsa", "emu:type3", "read", "--out", os.path.join(scratch, "no", "such", "dir")], "lsa_read", error="system"),
    Case(
        ["features", "emu:type3", "set", PATROL_SCRUB, "--file", label_file + ".missing"],
        "features_set",
        error="system",
    ),
    Case(["secure-erase", "emu:type3", "-f", "--wait", "0.3"], "secure_erase", error="transport"),
    Case(["scan-media", "emu:type3", "start", "0", "64", "--wait", "0.3"], "scan_media_start", error="transport"),
]


def interrupted():
    """Ctrl-C while sanitize waits: the interrupted error object, status 130."""
    p = subprocess.Popen(
        [CXLMI, "-o", "json", "sanitize", "emu:type3", "--force"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(0.5)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    return p.returncode, out, err


cases.append(Case(["sanitize", "emu:type3", "--force"], "sanitize", error="interrupted"))
cases[-1].run = interrupted

# The subcommands this cxlmi has (cxlmi --help): a subcommand the schema describes but the tool does
# not have yet is not run; one the tool has and nothing here runs is a failure below.
p = subprocess.run([CXLMI, "--help"], capture_output=True, text=True, timeout=60)
listed = p.stdout.split("Commands:", 1)[-1].split("\n\n", 1)[0].splitlines()
# The watching subcommands print no one document: the monitor's lines have their schema
# (schema/monitor.schema.json, test_monitor.py), the exporter serves metrics (test_exporter.py).
WATCHING = {"monitor", "exporter"}
subcommands = {line.split()[0] for line in listed if line.startswith("  ") and line.split()} - {"help"} - WATCHING
check(subcommands, f"cxlmi --help lists no subcommands: {p.stdout[:300]!r}")
absent = sorted({r.command for case in cases for r in runs(case) if r.command and r.command not in subcommands})
all_runs = [r for case in cases for r in runs(case)]
if absent:
    print(f"note: not in this cxlmi, not run: {', '.join(absent)}")
    cases = [case for case in cases if not any(r.command in absent for r in runs(case))]

with ThreadPoolExecutor(max_workers=min(16, 2 * (os.cpu_count() or 2))) as pool:
    results = list(pool.map(lambda c: c.run(), cases))
for case, result in zip(cases, results):
    case.judge(result)

# ---- the results the emulated fabric cannot give (it answers Unsupported) ----

# Each as the core's decoder builds it (core/src/decode) and the subcommand prints it: a document of
# every such $defs entry, which must be valid (the entry is satisfiable and says what the code says).
VENDOR_DEBUG = "5e1819d9-11a9-400c-811f-d60719403d86"


def named(raw, name):
    return {"raw": raw, "name": name}


SAMPLES = {
    "mctp_interrupt_policy": {
        "event_interrupt_settings": {
            "raw": 0x8032,
            "informational_event_log": False,
            "warning_event_log": True,
            "failure_event_log": False,
            "fatal_event_log": False,
            "dynamic_capacity_event_log": True,
            "background_operation_completed": True,
        }
    },
    "log_capabilities": {
        "uuid": CEL,
        "name": "cel",
        "parameter_flags": {
            "raw": 0x8000000B,
            "clear_log_supported": True,
            "populate_log_supported": True,
            "auto_populate_supported": False,
            "persistent_across_cold_reset": True,
        },
    },
    "log_clear": {"uuid": CEL, "name": "cel", "cleared": True, "log_size_bytes": 0},
    "log_populate": {
        "uuid": "11111111-1111-1111-1111-111111111111",
        "name": None,
        "populated": True,
        "log_size_bytes": None,
    },
    "log_sublist": {
        "num_entries": 1,
        "total_num_entries": 5,
        "start_index": 2,
        "entries": [{"uuid": VENDOR_DEBUG, "name": "vendor_debug", "log_size_bytes": 32}],
    },
    "security_receive": {"security_protocol": 0, "sp_specific": 0, "length_bytes": 10, "data": "000000000000000200ef"},
    "security_send": {"security_protocol": 0xEF, "sp_specific": 0x102, "length_bytes": 3},
    "media_operations_discovery": {
        "dpa_range_granularity_bytes": 64,
        "total_supported_operations": 3,
        "num_supported_operations": 3,
        "operations": [
            {"class": named(0, "general"), "subclass": named(0, "discovery")},
            {"class": named(1, "sanitize"), "subclass": named(0, "sanitize")},
            {"class": named(1, "sanitize"), "subclass": named(1, "zero")},
        ],
    },
    "media_operations": {
        "operation": {"class": named(1, "sanitize"), "subclass": named(1, "zero")},
        "ranges": [{"start_dpa": 0, "length_bytes": 4096}, {"start_dpa": 1 << 20, "length_bytes": 1 << 20}],
    },
    "sld_qos_control": {
        "qos_telemetry_control": {
            "raw": 1,
            "egress_port_congestion_enable": True,
            "temporary_throughput_reduction_enable": False,
        },
        "egress_moderate_percent": 20,
        "egress_severe_percent": 25,
        "backpressure_sample_interval_ns": 8,
    },
    "sld_qos_status": {"backpressure_average_percent": 0},
    "domain_validation_state": {"secret_value_state": named(1, "set")},
    "domain_validation_vcs_state": {"vcs_id": 0, "secret_value_state": named(0, "not_set")},
    "domain_validation_secret": {"vcs_id": 1, "secret_value_uuid": TAG},
    "ld_config": {"ppb_id": 2, "ld_id": 1, "offset": 16, "byte_enables": 3, "written": 0xDEADBEEF, "data": 0xBEEF},
}
unsupported = {r.expect for r in all_runs if r.unsupported}
sampled = set()
for name, doc in SAMPLES.items():
    found = errors(name, doc)
    ok = check(not found, f"sample {name}: not valid: " + "; ".join(found[:3]))
    if ok and check(not errors(None, doc), f"sample {name}: valid, but not a document of the whole schema"):
        sampled.add(name)
check(set(SAMPLES) <= unsupported, f"samples of results the tool gives here: {sorted(set(SAMPLES) - unsupported)}")
check(unsupported <= set(SAMPLES), f"results never seen without a sample: {sorted(unsupported - set(SAMPLES))}")

# ---- the validator is live: deliberately wrong documents fail ----


def output(*args):
    p = subprocess.run([CXLMI, "-o", "json", *args], capture_output=True, text=True, timeout=120)
    try:
        return json.loads(p.stdout)
    except ValueError:
        check(False, f"{' '.join(args)}: no JSON document for the negative checks: {p.stdout[:200]!r}")
        return {}


def changed(doc, path, value=None, delete=False):
    """A copy of `doc` with the value at `path` (keys and indices) replaced, or deleted."""
    doc = copy.deepcopy(doc)
    *parents, last = path
    node = doc
    for key in parents:
        node = node[key]
    if delete:
        del node[last]
    else:
        node[last] = value
    return doc


health = output("health", "emu:type3")
identify = output("identify", "emu:type3")
events = output("events", "emu:type3", "--log", "info")
device_error = output("raw", "emu:type3", "0xc0ff")
usage_error = output("identify", "emu:nope")
sanitize = {"status": "done", "percent": 100, "background": True, "return_code": {"raw": 0, "name": "success"}}
sanitize["seconds"] = 3.0
vcs = output("vcs", "emu:switch")
commands = output("commands", "emu:type3")
raw = output("raw", "emu:type3", "0x0001")
poison = output("poison", "emu:type3", "inject", "0x1000")
timestamp = output("timestamp", "emu:type3")
shutdown = output("shutdown-state", "emu:type3", "dirty")
mhd = output("mhd", "emu:mhd")
background = output("background", "emu:type3")
record = ["logs", 0, "records", 0]
limit = output("response-limit", "emu:type3", "set", "1K")
policy = output("interrupt-policy", "emu:type3", "set", "--warn", "fw:5")
features = output("features", "emu:type3")
feature_out = output("features", "emu:type3", "get", PATROL_SCRUB, "--out", out_file())
log_get = output("log", "emu:type3", "get", "cel", "--length", "8")
maintenance = output("perform-maintenance", "emu:type3", "ppr", "0x1000")
alerts = output("alert-config", "emu:type3")
lsa_write = output("lsa", "emu:type3", "write", label_file, "--verify")
scan = output("scan-media", "emu:type3")
erase = output("secure-erase", "emu:type3", "--force")
security = output("security", "emu:type3")
heads = output("mhd", "emu:mhd", "heads")
port_control = output("port-control", "emu:switch", "1", "deassert-perst")
bind = output("bind", "emu:switch", "--vcs", "1", "--vppb", "2", "--port", "2", "--ld", "3")
unbind = output("unbind", "emu:switch", "--vcs", "0", "--vppb", "1", "--force")
allocations = output("ld-allocations", "emu:mld", "set", "0=2", "--force")
bandwidth = output("qos", "emu:mld", "allocated-bw")
qos_set = output("qos", "emu:mld", "control", "set", "--moderate", "20")
dcd_info = output("dcd", "emu:mhd", "--mhd")
dcd_add = output("dcd", "emu:mhd", "--mhd", "add", "--host", "1", "--length", "64M", "--tag", TAG)
ppb = output("ppb-config", "emu:switch", "1", "0", "--write", "0", "--force")
dcd_release = changed(dcd_add, ["add"], delete=True)
dcd_release["release"] = {"host_id": 1, "flags": {"raw": 0x10, "removal_policy": {"raw": 0, "name": "tag_based"}}}
dcd_release["release"]["flags"].update({"forced_removal": True, "sanitize_on_release": False})
dcd_release["release"].update({"length_bytes": 0, "tag": TAG, "extent_count": 0, "extents": []})
dc_release = {"returned_extent_count": 0, "total_extent_count": 0, "generation_number": 2, "extents": []}
dc_release["released"] = [{"start_dpa": 1 << 31, "length_bytes": 64 << 20}]
# A component as list shows it (none is listed here: no /dev/cxl, no bus): identify's values.
component = {"target": "mem0", "transport": "ioctl"}
component.update({k: identify[k] for k in ("component_type", "serial", "vendor_id", "device_id")})
component["health"] = health

# The documents built here are valid as they are, so each change below is what makes one fail.
check(not errors("sanitize", sanitize), f"negative checks: the sanitize document to change is not valid: {sanitize}")
check(not errors("list", [component]), f"negative checks: the list document to change is not valid: {component}")
for name, doc in (("dcd_release", dcd_release), ("dc_release", dc_release)):
    check(not errors(name, doc), f"negative checks: the {name} document to change is not valid: {doc}")
try:
    invalid("health_status as a string", "health", changed(health, ["health_status"], "ok"))
    invalid("health without media_status", "health", changed(health, ["media_status"], delete=True))
    invalid("health with a key docs/cli.md does not list", "health", changed(health, ["uptime"], 5))
    invalid("health temperature as a string", "health", changed(health, ["temperature_celsius"], "38"))
    invalid("enumeration with a numeric name", "health", changed(health, ["media_status", "name"], 0))
    invalid("enumeration without raw", "health", changed(health, ["media_status", "raw"], delete=True))
    invalid("enumeration with an extra key", "health", changed(health, ["media_status", "text"], "Normal"))
    invalid("flags missing a flag", "health", changed(health, ["health_status", "maintenance_needed"], delete=True))
    invalid("flag as a number", "health", changed(health, ["health_status", "performance_degraded"], 0))
    invalid("flags with an unknown flag", "health", changed(health, ["health_status", "on_fire"], False))
    invalid("alert state not defined", "health", changed(health, ["additional_status", "temperature", "name"], "hot"))
    invalid("serial in hex", "identify", changed(identify, ["serial"], "0x7e53000000000001"))
    invalid("identify without serial", "identify", changed(identify, ["serial"], delete=True))
    invalid("a type 3 identify without memdev", "identify", changed(identify, ["memdev"], delete=True))
    invalid("negative capacity", "identify", changed(identify, ["memdev", "total_bytes"], -1))
    invalid("vendor_id over 16 bits", "identify", changed(identify, ["vendor_id"], 65536))
    invalid("component type not defined", "identify", changed(identify, ["component_type", "name"], "toaster"))
    invalid("error object without kind", "error_document", changed(device_error, ["error", "kind"], delete=True))
    invalid("error kind not defined", "error_document", changed(usage_error, ["error", "kind"], "oops"))
    invalid(
        "device error without return code",
        "error_document",
        changed(device_error, ["error", "return_code"], delete=True),
    )
    invalid("usage error with a return code", "error_document", changed(usage_error, ["error", "return_code"], 3))
    invalid(
        "return code name in lowercase", "error_document", changed(device_error, ["error", "return_code_name"], "busy")
    )
    invalid("error document with an extra key", "error_document", changed(device_error, ["status"], 3))
    invalid("error message empty", "error_document", changed(usage_error, ["error", "message"], ""))
    invalid("a result as an error document", "error_document", health)
    invalid("an error document as a result", "health", device_error)
    invalid("record_type not defined", "events", changed(events, [*record, "record_type"], "bogus"))
    invalid(
        "a memory module body as general media", "events", changed(events, [*record, "record_type"], "general_media")
    )
    invalid(
        "a memory module record with another UUID",
        "events",
        changed(events, [*record, "uuid"], "0" * 8 + "-0000-0000-0000-" + "0" * 12),
    )
    invalid("a body without event_type", "events", changed(events, [*record, "body", "event_type"], delete=True))
    invalid("severity without a name", "events", changed(events, [*record, "severity", "name"], None))
    invalid("log name not defined", "events", changed(events, ["logs", 0, "log"], "debug"))
    invalid("sanitize status not defined", "sanitize", changed(sanitize, ["status"], "finished"))
    invalid("sanitize aborted with success", "sanitize", changed(sanitize, ["status"], "aborted"))
    invalid(
        "background running with a return code",
        "background",
        changed(background, ["background_operation_running"], True),
    )
    invalid("an unbound vPPB with a port", "vcs", changed(vcs, ["vcss", 0, "vppbs", 3, "bound_port_id"], 1))
    invalid("typed decoder without names", "commands", changed(commands, ["commands", 0, "names"], []))
    invalid("decoder not defined", "commands", changed(commands, ["commands", 0, "decoder"], "magic"))
    invalid("payload in uppercase hex", "raw", changed(raw, ["payload"], raw["payload"].upper()))
    invalid("payload of an odd length", "raw", changed(raw, ["payload"], raw["payload"] + "0"))
    invalid(
        "raw return code other than success", "raw", changed(raw, ["return_code"], {"raw": 3, "name": "unsupported"})
    )
    invalid("poison injected and cleared", "poison", changed(poison, ["cleared"], 4096))
    invalid("poison source not defined", "poison", changed(poison, ["records", 0, "source", "name"], "cosmic_ray"))
    invalid("utc not ISO 8601", "timestamp", changed(timestamp, ["utc"], "Thu Jan  1 00:00:00 1970"))
    invalid("list as an object", "list", {"devices": [component], "notes": []})
    invalid("list transport not defined", "list", [changed(component, ["transport"], "pcie")])
    invalid("list without serial", "list", [changed(component, ["serial"], delete=True)])
    invalid("list health not health", "list", [changed(component, ["health", "health_status"], "ok")])
    invalid("reset kind not defined", "reset", {"reset": "hot"})
    invalid("shutdown state as a boolean", "shutdown_state", changed(shutdown, ["state"], True))
    invalid("an LD's head as a string", "mhd", changed(mhd, ["ld_map", 0, "head_port_number"], "0"))
    invalid("not a document of the tool", None, {"foo": 1})
    # The device and FM-API subcommands.
    invalid("a response limit in hex", "response_limit", changed(limit, ["response_message_limit_bytes"], "0x400"))
    invalid("a limit set that is no power of two", "response_limit", changed(limit, ["set_bytes"], 3000))
    invalid(
        "a message number without FW interrupt",
        "interrupt_policy",
        changed(policy, ["informational_settings", "fw_interrupt_message_number"], 5),
    )
    invalid(
        "FW interrupt without its message number",
        "interrupt_policy",
        changed(policy, ["warning_settings", "fw_interrupt_message_number"], None),
    )
    invalid(
        "the DC log with a message number",
        "interrupt_policy",
        changed(policy, ["dynamic_capacity_settings"], {**policy["fatal_settings"], "raw": 0}),
    )
    invalid(
        "a feature's UUID as 32 hex digits",
        "features_list",
        changed(features, ["entries", 0, "feature_id"], PATROL_SCRUB.replace("-", "")),
    )
    invalid(
        "a reset persistence not defined",
        "features_list",
        changed(features, ["entries", 0, "deepest_reset_persistence", "name"], "power_cycle"),
    )
    invalid("feature data that went to a file", "features_get", changed(feature_out, ["data"], "010c0101"))
    invalid("log data in uppercase", "log_get", changed(log_get, ["data"], "0A0B0C0D"))
    invalid("a log name not defined", "log_get", changed(log_get, ["name"], "command_effects_log"))
    invalid("maintenance not performed", "perform_maintenance", changed(maintenance, ["performed"], False))
    invalid("a maintenance class in hex", "perform_maintenance", changed(maintenance, ["operation_class"], "0x01"))
    invalid("a maintenance class without its name", "perform_maintenance", changed(maintenance, ["operation_class"], 1))
    invalid(
        "a temperature threshold as text",
        "alert_config",
        changed(alerts, ["device_over_temperature_critical_alert_threshold_celsius"], "85"),
    )
    invalid(
        "valid alerts missing a flag",
        "alert_config",
        changed(alerts, ["valid_alerts", "life_used_programmable_warning"], delete=True),
    )
    invalid("an LSA write verified false", "lsa_write", changed(lsa_write, ["verified"], False))
    invalid("a restart address without a premature stop", "scan_media_results", changed(scan, ["restart_dpa"], 4096))
    invalid("a media error record off 64 bytes", "poison", changed(poison, ["records", 0, "dpa"], 4097))
    invalid("secure erase aborted", "secure_erase", changed(erase, ["status"], "aborted"))
    invalid("a security state flag not defined", "security", changed(security, ["security_state", "erased"], False))
    invalid("the security state as a number", "security", changed(security, ["security_state"], 0))
    invalid("released nothing", "dc_release", changed(dc_release, ["released"], []))
    invalid("dc-release without what it released", "dc_release", changed(dc_release, ["released"], delete=True))
    invalid(
        "a head with a port's pin state",
        "mhd_heads",
        changed(heads, ["heads", 0, "link_state_flags", "port_presence_pin_state"], False),
    )
    invalid(
        "a port opcode not defined",
        "port_control",
        changed(port_control, ["port_control", "port_opcode", "name"], "power_cycle"),
    )
    invalid("port-control without its request", "port_control", changed(port_control, ["port_control"], delete=True))
    invalid("the LD bound as text", "bind", changed(bind, ["bind", "ld_id"], "3"))
    invalid("an unbind option as a bare code", "unbind", changed(unbind, ["unbind", "unbind_option"], 0))
    invalid("a bind as an unbind", "unbind", bind)
    invalid(
        "a set answer with sizes",
        "ld_allocations_set",
        changed(allocations, ["set", "lds", 0, "range_1_allocation_bytes"], 1 << 29),
    )
    invalid("ld-allocations set as get", "ld_allocations_get", allocations)
    invalid("a bandwidth ratio past 1", "qos_allocated_bw", changed(bandwidth, ["lds", 0, "qos_allocation_ratio"], 1.5))
    invalid(
        "a bandwidth ratio not in 256ths",
        "qos_allocated_bw",
        changed(bandwidth, ["lds", 0, "qos_allocation_ratio"], 0.3),
    )
    invalid("a limit as an allocation", "qos_bw_limit", bandwidth)
    invalid("a QoS set answer with a set", "qos_control_set", changed(qos_set, ["set", "set"], qos_set["set"]))
    invalid("a DCD region past the eighth", "dcd_info", changed(dcd_info, ["regions"], dcd_info["regions"] * 5))
    invalid(
        "a tag as 32 hex digits", "dcd_tags", changed(dcd_add["tag_list"], ["tags", 0, "tag"], TAG.replace("-", ""))
    )
    invalid("hosts as a bitmap", "dcd_tags", changed(dcd_add["tag_list"], ["tags", 0, "pending_reference_hosts"], "02"))
    invalid("valid hosts as null", "dcd_tags", changed(dcd_add["tag_list"], ["tags", 0, "reference_hosts"], None))
    invalid("dcd add without the tags", "dcd_add", changed(dcd_add, ["tag_list"], delete=True))
    invalid("a selection policy not defined", "dcd_add", changed(dcd_add, ["add", "selection_policy", "name"], "any"))
    invalid(
        "a removal policy not defined",
        "dcd_release",
        changed(dcd_release, ["release", "flags", "removal_policy", "name"], "forced"),
    )
    invalid("configuration data in hex", "ppb_config", changed(ppb, ["data"], "0xe5021e98"))
    invalid("an offset not a dword's", "ppb_config", changed(ppb, ["offset"], 0x11))
    invalid("an LD's configuration as a PPB's", "ppb_config", SAMPLES["ld_config"])
    invalid("ld-config without the LD", "ld_config", changed(SAMPLES["ld_config"], ["ld_id"], delete=True))
    invalid(
        "a secret value as 32 hex digits",
        "domain_validation_secret",
        changed(SAMPLES["domain_validation_secret"], ["secret_value_uuid"], TAG.replace("-", "")),
    )
    invalid(
        "a media operation of class general",
        "media_operations",
        changed(SAMPLES["media_operations"], ["operation", "class"], named(0, "general")),
    )
    invalid(
        "SLD QoS control missing a flag",
        "sld_qos_control",
        changed(SAMPLES["sld_qos_control"], ["qos_telemetry_control", "egress_port_congestion_enable"], delete=True),
    )
    invalid("a log not cleared", "log_clear", changed(SAMPLES["log_clear"], ["cleared"], False))
except (KeyError, IndexError, TypeError) as e:
    check(False, f"negative checks: a document of the tool is not shaped as they expect ({e!r})")

shutil.rmtree(scratch)

# Every document the schema describes was seen (but those of subcommands this cxlmi lacks), and
# every subcommand of the tool was run: a new subcommand needs its $defs entry and its runs here.
# A subcommand the emulated fabric answers Unsupported counts as run (its error document was checked,
# its result's entry against its sample).
unseen = DOCUMENTS - validated - sampled - {r.expect for r in all_runs if r.command in absent}
check(not unseen, f"no output of the tool was validated as {sorted(unseen)}")
ran = {r.command for case in cases for r in runs(case) if not r.error or r.unsupported}
check(subcommands <= ran, f"subcommands without schema coverage: {sorted(subcommands - ran)}")

print(f"{valid} documents valid, {len(sampled)} results from samples only (Unsupported here), {checks} checks")
if failures:
    print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
