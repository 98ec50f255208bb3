#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# `cxlmi monitor` on emulated fleets (--emulate, changed while it runs through --emu-control): its
# JSON lines against their schema (tests/cli/schema/monitor.schema.json, which takes the decoded
# records and health from the tool's cxlmi.schema.json), an event injected mid-run printed exactly
# once with its component's target and serial, a removed component vanishing and coming back
# without its records printed again, a silenced one down once and up once, a health change, the
# --force rule of --clear and what clearing lets the monitor read, text lines, the ends by SIGTERM
# (0), Ctrl-C (130) and a closed standard output (SIGPIPE), journal priority prefixes, and its
# argument errors (one line, status 2). Run by meson (suite `cli`) as: test_monitor.py PATH/TO/cxlmi
#
# An emulated fleet lives as long as the monitor that runs it, so what clearing does is seen within
# one run: a device answers Get Event Records with its oldest records only (at most 20), so without
# clearing a monitor never sees the records behind them, and with clearing it reads them all.

import json
import os
import re
import signal
import subprocess
import tempfile
import threading
import time

from cli_harness import CXLMI, check, fails, finish, run

HERE = os.path.dirname(os.path.abspath(__file__))
KINDS = {"appeared", "vanished", "down", "up", "health", "event"}
TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


# ---- the schema: the monitor's own, referring to the tool's for records and health ----
def load_validator():
    try:
        from jsonschema import Draft202012Validator
    except ImportError as e:
        print(f"note: no schema validation (the jsonschema package, 4.0 or newer, is needed): {e}")
        return None
    with open(os.path.join(HERE, "schema", "monitor.schema.json")) as f:
        schema = json.load(f)
    with open(os.path.join(HERE, "schema", "cxlmi.schema.json")) as f:
        tool = json.load(f)
    Draft202012Validator.check_schema(schema)
    try:
        from referencing import Registry, Resource

        registry = Registry().with_resource("cxlmi.schema.json", Resource.from_contents(tool))
        return Draft202012Validator(schema, registry=registry)
    except ImportError:
        # jsonschema before 4.18 resolves references itself.
        from jsonschema import RefResolver

        return Draft202012Validator(schema, resolver=RefResolver("", schema, store={"cxlmi.schema.json": tool}))


VALIDATOR = load_validator()


def schema_errors(doc):
    if VALIDATOR is None:
        return []
    return [f"/{'/'.join(str(p) for p in e.absolute_path)}: {e.message[:200]}" for e in VALIDATOR.iter_errors(doc)]


def check_lines(what, text):
    """Each line one JSON object (never pretty-printed), valid against the schema; returns them."""
    items = []
    for line in text.splitlines():
        try:
            v = json.loads(line)
        except ValueError:
            check(False, f"{what}: not a JSON line: {line[:200]!r}")
            continue
        if not check(isinstance(v, dict) and line.startswith("{"), f"{what}: not one object a line: {line[:200]!r}"):
            continue
        errors = schema_errors(v)
        check(not errors, f"{what}: {v.get('kind')} {v.get('target')} not valid: {errors}")
        check(TIME.match(str(v.get("time"))) is not None, f"{what}: time {v.get('time')!r}")
        items.append(v)
    return items


def where(items, kind=None, target=None, **fields):
    """The items of `kind` for `target` whose other fields are as given."""
    return [
        v
        for v in items
        if (kind is None or v.get("kind") == kind)
        and (target is None or v.get("target") == target)
        and all(v.get(k) == want for k, want in fields.items())
    ]


def log_name(v):
    return (v.get("log") or {}).get("name")


# A schema that accepts anything cannot pass: wrong items must fail.
if VALIDATOR is not None:
    good = {
        "time": "2026-12-07T04:05:06.123Z",
        "kind": "appeared",
        "target": "emu:type3-0",
        "port": None,
        "ld": None,
        "ld_pool": False,
        "serial": 1,
    }
    check(not schema_errors(good), f"schema: a good item fails: {schema_errors(good)}")
    for what, bad in (
        ("an unknown kind", {**good, "kind": "bogus"}),
        ("a property of no item", {**good, "extra": 1}),
        ("no serial", {k: v for k, v in good.items() if k != "serial"}),
        ("a time without milliseconds", {**good, "time": "2026-12-07T04:05:06Z"}),
        ("an event without its record", {**good, "kind": "event", "log": {"raw": 2, "name": "failure"}}),
        ("a health item without health", {**good, "kind": "health", "before": None}),
        ("a reason on an up item", {**good, "kind": "up", "reason": "x"}),
        ("a down item without a reason", {**good, "kind": "down"}),
        ("a record on a health item", {**good, "kind": "health", "health": {}, "before": None, "record": {}}),
    ):
        check(schema_errors(bad) != [], f"schema: {what} is accepted")


# ---- one round: every item of a mixed fleet, in each format ----
FLEET = "type3x2,switch,mld,mhd"
p = run("monitor", "--once", "-o", "jsonl", "--emulate", FLEET, "--deadline", "2", timeout=30)
check(p.returncode == 0, f"monitor --once -o jsonl: exit {p.returncode}, stderr {p.stderr.strip()!r}")
once = check_lines("monitor --once -o jsonl", p.stdout)
members = {"emu:type3-0", "emu:type3-1", "emu:switch-0", "emu:mld-0", "emu:mhd-0"}
appeared = where(once, "appeared")
check({v["target"] for v in appeared} == members, f"--once: appeared {sorted({v['target'] for v in appeared})}")
check(
    where(appeared, target="emu:switch-0", port=None)
    and where(appeared, target="emu:mld-0", ld=3)
    and where(appeared, target="emu:mhd-0", ld_pool=True),
    "--once: the components behind the switch, the MLD's LDs and the MHD's LD Pool appeared too",
)
serial = {v["target"]: v["serial"] for v in appeared if v["port"] is None and v["ld"] is None and not v["ld_pool"]}
check(
    len(set(serial.values())) == len(members) and all(isinstance(s, int) for s in serial.values()),
    f"--once: each member its own serial: {serial}",
)
healths = where(once, "health")
check(healths and all(v["before"] is None for v in healths), "--once: each health said once, before null")
check(len(where(once, "health", "emu:type3-0")) == 1, "--once: type3-0's health once")
check(where(once, "event", "emu:type3-0"), "--once: type3-0's waiting record printed")
check(not where(once, "down"), f"--once: nothing down: {where(once, 'down')}")
check(
    all(v["serial"] == serial[v["target"]] for v in where(once, target="emu:type3-1")),
    "--once: type3-1's items carry its serial",
)
# -o json is a stream of lines too, never one indented document.
p = run("monitor", "--once", "-o", "json", "--emulate", FLEET, "--deadline", "2", timeout=30)
as_json = check_lines("monitor --once -o json", p.stdout)
check(p.returncode == 0 and len(as_json) == len(once), f"-o json: {len(as_json)} lines, -o jsonl {len(once)}")
# Text: one line per item, `TIME PLACE [serial 0x..]: what`.
p = run("monitor", "--once", "--emulate", FLEET, "--deadline", "2", timeout=30)
lines = p.stdout.splitlines()
check(p.returncode == 0 and len(lines) == len(once), f"text: {len(lines)} lines for {len(once)} items")
check(
    all(re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z emu:\S+.*: \S", line) for line in lines),
    f"text: lines not `TIME PLACE: what`: {[line for line in lines if not line[:4].isdigit()][:3]}",
)
t3 = [line for line in lines if " emu:type3-1 " in line]
check(any(f"serial {serial['emu:type3-1']:#x}: appeared" in line for line in t3), f"text: type3-1 appeared: {t3}")
check(any(": health: " in line for line in t3), f"text: type3-1's health: {t3}")
check(any("informational event memory_module (handle " in line for line in t3), f"text: type3-1's record: {t3}")
check(any(" emu:switch-0 --port 2 --ld 1 serial " in line for line in lines), "text: places as the options name them")

# A component that never answers: down from the first round, with the reason.
p = run("monitor", "--once", "-o", "jsonl", "--emulate", "type3,type3!silent", "--deadline", "0.5", timeout=30)
items = check_lines("monitor --once, a silent member", p.stdout)
down = where(items, "down", "emu:type3-1")
check(p.returncode == 0 and len(down) == 1 and down[0]["reason"], f"a silent member: down once: {down}")
check(down and down[0]["serial"] is None, "a silent member: no serial (never identified)")
check(not where(items, "down", "emu:type3-0"), "a silent member: the other is not down")


# ---- a monitor running while its fleet changes ----
class Running:
    """`cxlmi monitor ARGS` in the background, its output lines collected as they come."""

    def __init__(self, *args, env=None):
        self.p = subprocess.Popen(
            [CXLMI, "monitor", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        self.lines = []
        self.err = []
        self.cond = threading.Condition()
        self.threads = [
            threading.Thread(target=self._read, args=(self.p.stdout, self.lines), daemon=True),
            threading.Thread(target=self._read, args=(self.p.stderr, self.err), daemon=True),
        ]
        for t in self.threads:
            t.start()

    def _read(self, stream, into):
        for line in stream:
            with self.cond:
                into.append(line.rstrip("\n"))
                self.cond.notify_all()

    def items(self):
        with self.cond:
            out = []
            for line in self.lines:
                try:
                    out.append(json.loads(line))
                except ValueError:
                    out.append({"unreadable": line})
            return out

    def wait_for(self, what, pred, timeout=10.0):
        """The first item satisfying `pred`, waiting up to `timeout` seconds for it."""
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                for v in self.items():
                    if pred(v):
                        return v
                left = end - time.monotonic()
                if left <= 0 or self.p.poll() is not None:
                    check(False, f"running monitor: no {what} within {timeout} s")
                    return None
                self.cond.wait(min(left, 0.1))

    def stop(self, sig=signal.SIGTERM, timeout=5.0):
        """Sends `sig`; returns the exit status and how long the monitor took to end."""
        start = time.monotonic()
        if self.p.poll() is None:
            self.p.send_signal(sig)
        try:
            status = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            status = self.p.wait()
            check(False, f"running monitor: still running {timeout} s after signal {sig}")
        for t in self.threads:
            t.join(2)
        text = "\n".join(self.err)
        check("panicked" not in text and "backtrace" not in text, f"running monitor: panic output {text!r}")
        return status, time.monotonic() - start


def control(path, *lines):
    """Writes the fleet's control file whole, as a new file renamed over the old (always seen)."""
    with open(path + ".new", "w") as f:
        f.write("".join(line + "\n" for line in lines))
    os.replace(path + ".new", path)


def is_(kind, target, **fields):
    return lambda v: (
        v.get("kind") == kind and v.get("target") == target and all(v.get(k) == w for k, w in fields.items())
    )


with tempfile.TemporaryDirectory() as tmp:
    ctl = os.path.join(tmp, "fleet.ctl")
    m = Running("-o", "jsonl", "--interval", "0.2", "--deadline", "0.5", "--emulate", "type3x3", "--emu-control", ctl)
    m.wait_for("the first round", is_("health", "emu:type3-2"))
    serials = {v["target"]: v["serial"] for v in where(m.items(), "appeared")}
    check(len(set(serials.values())) == 3, f"running: three members, three serials: {serials}")

    # An event record posted mid-run: printed once, whatever the rounds after it.
    event_line = "type3-1 event failure general-media ev1"
    control(ctl, event_line)
    failure = lambda v: v.get("kind") == "event" and log_name(v) == "failure"
    e = m.wait_for("the injected event", failure)
    time.sleep(1.2)  # several rounds
    events = [v for v in m.items() if failure(v)]
    check(len(events) == 1, f"running: the injected event printed {len(events)} times")
    if e:
        record = e.get("record") or {}
        check(e["target"] == "emu:type3-1" and e["port"] is None and e["ld"] is None, f"event: place {e}")
        check(e["serial"] == serials.get("emu:type3-1"), f"event: serial {e['serial']} is not type3-1's")
        check(e["log"] == {"raw": 2, "name": "failure"}, f"event: log {e['log']}")
        check(record.get("record_type") == "general_media", f"event: record type {record.get('record_type')}")
        check((record.get("severity") or {}).get("name") == "failure", f"event: severity {record.get('severity')}")
        check((record.get("flags") or {}).get("maintenance_needed") is True, f"event: flags {record.get('flags')}")

    # Removed: vanished (not down); back: appeared and read again, its old records not printed again.
    control(ctl, event_line, "type3-0 removed")
    m.wait_for("type3-0 vanishing", is_("vanished", "emu:type3-0", serial=serials.get("emu:type3-0")))
    control(ctl, event_line)
    m.wait_for(
        "type3-0 appearing again",
        lambda v: (
            v.get("kind") == "appeared"
            and v.get("target") == "emu:type3-0"
            and len(where(m.items(), "appeared", "emu:type3-0")) == 2
        ),
    )
    m.wait_for("type3-0 read again", lambda v: len(where(m.items(), "health", "emu:type3-0")) == 2)
    time.sleep(0.6)
    items = m.items()
    check(not where(items, "down", "emu:type3-0"), f"running: removed is vanished, not down: {where(items, 'down')}")
    check(len(where(items, "event", "emu:type3-0")) == 1, "running: type3-0's record printed again after it came back")
    back = where(items, "health", "emu:type3-0")[-1]
    check(back["before"] is None and back["serial"] == serials.get("emu:type3-0"), f"running: type3-0 back: {back}")

    # Silent: down once, with the reason, however many rounds; answering again: up once.
    control(ctl, event_line, "type3-2 silent")
    d = m.wait_for("type3-2 down", is_("down", "emu:type3-2"))
    time.sleep(1.5)
    check(len(where(m.items(), "down", "emu:type3-2")) == 1, "running: a silent member said down more than once")
    check(d and d["reason"] and d["serial"] == serials.get("emu:type3-2"), f"running: down: {d}")
    control(ctl, event_line)
    m.wait_for("type3-2 up", is_("up", "emu:type3-2"))
    time.sleep(0.6)
    items = m.items()
    check(len(where(items, "up", "emu:type3-2")) == 1, "running: up more than once")
    check(len(where(items, "down", "emu:type3-2")) == 1, "running: down again after up")
    check(len(where(items, "health", "emu:type3-2")) == 1, "running: a member's health said again after it was down")

    # A health change: the reading and the one before it.
    control(ctl, event_line, "type3-1 health media_status=1 life_used=95")
    h = m.wait_for(
        "type3-1's health change",
        lambda v: v.get("kind") == "health" and v.get("target") == "emu:type3-1" and v.get("before") is not None,
    )
    if h:
        check(h["before"]["media_status"]["name"] == "normal", f"health change: before {h['before']['media_status']}")
        check(h["health"]["media_status"]["name"] == "not_ready", f"health change: now {h['health']['media_status']}")
        check(h["health"]["life_used_percent"] == 95, f"health change: life used {h['health']['life_used_percent']}")

    status, took = m.stop(signal.SIGTERM)
    check(status == 0, f"running: SIGTERM: exit {status}")
    check_lines("running monitor", "\n".join(m.lines))
    # Its own warnings only (a silent member holds a round for the deadline, longer than the interval).
    check(all(line.startswith("cxlmi: monitor: ") for line in m.err), f"running: stderr {m.err[:3]}")

    # --clear: refused off a terminal without --force, as every destructive operation.
    fails(2, "monitor", "--once", "--clear", "--emulate", "type3", says=["refused without --force"])
    # What clearing lets the monitor read: 25 records posted at once to one log.
    many = [f"type3-0 event warning dram w{i}" for i in range(25)]
    seen = {}
    for clear in ([], ["--clear", "--force"]):
        control(ctl)
        m = Running(
            "-o", "jsonl", "--interval", "0.2", "--deadline", "0.5", "--emulate", "type3", "--emu-control", ctl, *clear
        )
        m.wait_for("the first round", is_("health", "emu:type3-0"))
        control(ctl, *many)
        warning = lambda v: v.get("kind") == "event" and log_name(v) == "warning"
        m.wait_for("the posted records", warning)
        time.sleep(1.0)
        records = [v for v in m.items() if warning(v)]
        handles = [v["record"]["handle"] for v in records]
        check(len(set(handles)) == len(handles), f"--clear {clear}: a record printed twice: {handles}")
        seen[bool(clear)] = len(records)
        status, _ = m.stop(signal.SIGTERM)
        check(status == 0, f"--clear {clear}: SIGTERM: exit {status}")
    check(seen.get(True) == 25, f"--clear --force: {seen.get(True)} of 25 records read")
    check(
        0 < seen.get(False, 0) < 25, f"without --clear: {seen.get(False)} of 25 records read (the device's first batch)"
    )

    # The signals, while it waits for its next round: at once, not after the interval.
    for sig, want in ((signal.SIGTERM, 0), (signal.SIGINT, 130)):
        m = Running("--interval", "30", "--emulate", "type3")
        m.wait_for("the first round", lambda v: True)
        time.sleep(0.2)
        status, took = m.stop(sig)
        check(
            status == want and took < 5, f"{signal.Signals(sig).name} while waiting: exit {status} after {took:.1f} s"
        )

    # A closed standard output ends it, by SIGPIPE as the tool ends, without a word on stderr.
    p = subprocess.Popen(
        [CXLMI, "monitor", "-o", "jsonl", "--interval", "0.2", "--emulate", "type3x2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first = p.stdout.readline()
    p.stdout.close()
    start = time.monotonic()
    try:
        status = p.wait(5)
    except subprocess.TimeoutExpired:
        p.kill()
        status = p.wait()
    took = time.monotonic() - start
    err = p.stderr.read()
    check(
        first.startswith("{") and status == -signal.SIGPIPE and took < 3,
        f"closed stdout: exit {status} after {took:.1f} s",
    )
    check(err == "", f"closed stdout: stderr {err!r}")
    p = subprocess.run(
        ["sh", "-c", f"'{CXLMI}' monitor --interval 0.2 --emulate type3x2 | head -1"],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    check(p.returncode == 0 and len(p.stdout.splitlines()) == 1, f"monitor | head -1: {p.stdout!r}")
    check(p.stderr == "", f"monitor | head -1: stderr {p.stderr!r}")

    # Its own messages with the journal's priority prefix when standard error is the journal.
    control(ctl, "type3-0 removed")
    for env, prefix in (({"JOURNAL_STREAM": "8:12345"}, "<4>cxlmi: monitor: "), ({}, "cxlmi: monitor: ")):
        env = {k: v for k, v in os.environ.items() if k != "JOURNAL_STREAM"} | env
        p = subprocess.run(
            [CXLMI, "monitor", "--once", "--emulate", "type3", "--emu-control", ctl],
            capture_output=True,
            text=True,
            env=env,
            timeout=20,
            check=False,
        )
        lines = p.stderr.splitlines()
        check(p.returncode == 0 and p.stdout == "", f"nothing to watch: exit {p.returncode}, {p.stdout!r}")
        check(
            len(lines) == 1 and lines[0].startswith(prefix) and "nothing to watch" in lines[0],
            f"nothing to watch ({env.get('JOURNAL_STREAM')}): stderr {lines}",
        )

    # ---- argument errors: one line, status 2 ----
    fails(2, "monitor", "--interval", "0", "--emulate", "type3", says=["--interval"])
    fails(2, "monitor", "--deadline", "0", "--emulate", "type3", says=["--deadline"])
    fails(2, "monitor", "--once", "--emulate", "type3,nosuch", says=["no model 'nosuch'"])
    fails(2, "monitor", "--once", "--emulate", "type3x0", says=["--emulate"])
    fails(2, "monitor", "--once", "emu:nosuch", says=["no emulator model 'nosuch'"])
    fails(2, "monitor", "--once", "--emu-control", ctl, says=["--emulate"])
    fails(2, "monitor", "--once", "--emu-state", os.path.join(tmp, "state"), "--emulate", "type3", says=["--emu-state"])
    fails(2, "monitor", "--once", "--interval", "soon", "--emulate", "type3")

finish()
