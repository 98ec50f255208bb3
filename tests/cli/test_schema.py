#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The `cxlmi` tool's JSON documents against their committed schema (tests/cli/schema/cxlmi.schema.json,
# JSON Schema draft 2020-12): every subcommand in a JSON format on the emulated fabric, through every
# tunnel kind, the write operations (with --force where they need it) and the error documents of each
# kind, each validated with the `jsonschema` package against the schema's $defs entry for it. Then
# deliberately wrong documents, which must fail, so a schema that accepts anything cannot pass.
# Run by meson (suite `cli`) as: test_schema.py PATH/TO/cxlmi. Exit 77 (a skip) without jsonschema.

import copy
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
    so, and with `applies` False it may do either (a subcommand the component does not offer)."""

    def __init__(self, args, expect, fmt=("-o", "json"), error=None, command=None, applies=True):
        self.args, self.expect, self.fmt, self.error, self.applies = list(args), expect, list(fmt), error, applies
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
        lines = err.strip().splitlines()
        check(len(lines) == 1 and lines[0].startswith("cxlmi: "), f"{self.what}: stderr is not one line: {lines}")


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
}

# No /dev/cxl or bus here: an empty list (what it could not look at goes to stderr).
cases = [Case(["list"], "list"), Case(["list", "--health", "--type", "type3_device", "--serial", "0x1"], "list")]
# Every read on every target: a result where the subcommand applies, otherwise a result or an error.
for name, (rest, expect, where) in READS.items():
    sub = name.split()[0]
    for target in TARGETS:
        cases.append(Case([sub, *target, *rest], expect, applies=target in where))

scratch = tempfile.mkdtemp(prefix="cxlmi-schema-")
fw_image = os.path.join(scratch, "fw.bin")
with open(fw_image, "wb") as f:
    f.write(bytes(i % 251 for i in range(3000)))
empty_image = os.path.join(scratch, "empty.bin")
open(empty_image, "wb").close()

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
    ]
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
subcommands = {line.split()[0] for line in listed if line.startswith("  ") and line.split()} - {"help"}
check(subcommands, f"cxlmi --help lists no subcommands: {p.stdout[:300]!r}")
absent = sorted({case.command for case in cases if case.command and case.command not in subcommands})
all_cases = cases
if absent:
    print(f"note: not in this cxlmi, not run: {', '.join(absent)}")
    cases = [case for case in cases if case.command not in absent]

with ThreadPoolExecutor(max_workers=min(16, 2 * (os.cpu_count() or 2))) as pool:
    results = list(pool.map(lambda c: c.run(), cases))
for case, result in zip(cases, results):
    case.judge(result)
shutil.rmtree(scratch)

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
# A component as list shows it (none is listed here: no /dev/cxl, no bus): identify's values.
component = {"target": "mem0", "transport": "ioctl"}
component.update({k: identify[k] for k in ("component_type", "serial", "vendor_id", "device_id")})
component["health"] = health

# The documents built here are valid as they are, so each change below is what makes one fail.
check(not errors("sanitize", sanitize), f"negative checks: the sanitize document to change is not valid: {sanitize}")
check(not errors("list", [component]), f"negative checks: the list document to change is not valid: {component}")
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
except (KeyError, IndexError, TypeError) as e:
    check(False, f"negative checks: a document of the tool is not shaped as they expect ({e!r})")

# Every document the schema describes was seen (but those of subcommands this cxlmi lacks), and
# every subcommand of the tool was run: a new subcommand needs its $defs entry and its runs here.
unseen = DOCUMENTS - validated - {case.expect for case in all_cases if case.command in absent}
check(not unseen, f"no output of the tool was validated as {sorted(unseen)}")
ran = {case.command for case in cases if not case.error}
check(subcommands <= ran, f"subcommands without schema coverage: {sorted(subcommands - ran)}")

print(f"{valid} documents valid, {checks} checks")
if failures:
    print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
