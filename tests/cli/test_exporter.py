#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# `cxlmi exporter` on an emulated fleet (--emulate, changed while it runs through --emu-control):
# its text format passes `promtool check metrics`, its OpenMetrics answer is well formed, its values
# agree with what `cxlmi health` and `cxlmi ports` say of the same emulated devices, a real
# Prometheus server (Debian's `prometheus`) scrapes it and sees a component silenced mid-run go to
# cxl_up 0 and come back, the alerting rules of docs/monitoring.md pass `promtool check rules` and
# fire in that server (their `for` shortened), a scrape with a silent component ends by the
# deadline, / and the 404 and 405 answers, the ends by SIGTERM (0) and Ctrl-C (130), and the errors
# of --listen (one line, status 4 for an address it cannot listen on, 2 for a malformed one).
# Run by meson (suite `cli`) as: test_exporter.py PATH/TO/cxlmi; exit 77 (skipped) without
# prometheus and promtool.

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from cli_harness import CXLMI, check, fails, finish, run

HERE = os.path.dirname(os.path.abspath(__file__))
DOC = os.path.join(HERE, "..", "..", "docs", "monitoring.md")
DEADLINE = 0.5
FLEET = "switch,mld,mhd,type3x20"
# What Prometheus sends (2.42).
PROMETHEUS_ACCEPT = (
    "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
    "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
)

PROMETHEUS = shutil.which("prometheus")
PROMTOOL = shutil.which("promtool")
if not PROMETHEUS or not PROMTOOL:
    print("SKIP: prometheus and promtool are needed (Debian's prometheus package; tools/install-deps.sh)")
    sys.exit(77)

started = time.monotonic()
processes = []


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(url, method="GET", accept=None, timeout=10):
    """(status, headers, body, seconds) of one request."""
    req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    if accept:
        req.add_header("Accept", accept)
    t = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers, r.read().decode(), time.monotonic() - t
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode(), time.monotonic() - t


def start(args, ready_url, what):
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    processes.append(p)
    until = time.monotonic() + 20
    while time.monotonic() < until:
        if p.poll() is not None:
            check(False, f"{what} ended at once with {p.returncode}: {p.stderr.read()!r}")
            return None
        try:
            if http(ready_url, timeout=2)[0] == 200:
                return p
        except OSError:
            pass
        time.sleep(0.1)
    check(False, f"{what} did not answer {ready_url}")
    return None


def stop(p, sig=signal.SIGTERM):
    """Signals p; (exit status, seconds it took, stderr)."""
    t = time.monotonic()
    p.send_signal(sig)
    try:
        _, err = p.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
    return p.returncode, time.monotonic() - t, err


def write_control(path, lines):
    """Replaces the control file in one rename, which the fleet always sees."""
    with open(path + ".new", "w") as f:
        f.write("".join(line + "\n" for line in lines))
    os.replace(path + ".new", path)


SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def samples(text):
    """[(name, {label: value}, value)] of an exposition (either format)."""
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        if not check(m is not None, f"not a sample line: {line!r}"):
            continue
        out.append((m.group(1), dict(LABEL.findall(m.group(3) or "")), float(m.group(4))))
    return out


def where(items, name, **labels):
    return [(l, v) for n, l, v in items if n == name and all(l.get(k) == w for k, w in labels.items())]


def check_openmetrics(text):
    """The OpenMetrics text rules the exporter relies on: every sample of a family declared by its
    # TYPE (info families' samples end in _info, counters' in _total), units as name suffixes, and
    # EOF last."""
    check(text.endswith("# EOF\n"), "OpenMetrics: does not end with # EOF")
    types, current = {}, None
    for line in text.splitlines()[:-1]:
        if line.startswith("# TYPE "):
            _, _, family, kind = line.split(" ", 3)
            check(family not in types, f"OpenMetrics: {family} declared twice")
            types[family] = current = (family, kind)
        elif line.startswith("# UNIT "):
            _, _, family, unit = line.split(" ", 3)
            check(family.endswith("_" + unit), f"OpenMetrics: unit {unit} is not the suffix of {family}")
        elif line.startswith("# EOF"):
            check(False, "OpenMetrics: # EOF before the end")
        elif not line.startswith("# HELP "):
            name = line.split("{")[0].split(" ")[0]
            family, kind = current or ("", "")
            suffix = {"counter": "_total", "info": "_info"}.get(kind, "")
            check(name == family + suffix, f"OpenMetrics: sample {name} in family {family} ({kind})")
    check("info" in {k for _, k in types.values()}, "OpenMetrics: no info family")


def query(prom, expr):
    status, _, body, _ = http(f"{prom}/api/v1/query?" + urllib.parse.urlencode({"query": expr}))
    doc = json.loads(body)
    if status != 200 or doc.get("status") != "success":
        check(False, f"query {expr!r}: {status} {body[:200]}")
        return []
    return doc["data"]["result"]


def wait_for(what, predicate, timeout=15):
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        got = predicate()
        if got:
            return got
        time.sleep(0.25)
    check(False, f"waited {timeout} s for {what}")
    return None


def firing(prom, alert, **labels):
    status, _, body, _ = http(f"{prom}/api/v1/alerts")
    alerts = json.loads(body)["data"]["alerts"] if status == 200 else []
    return [
        a
        for a in alerts
        if a["labels"].get("alertname") == alert
        and a["state"] == "firing"
        and all(a["labels"].get(k) == v for k, v in labels.items())
    ]


def rules_from_doc():
    with open(DOC) as f:
        blocks = re.findall(r"```yaml\n(.*?)```", f.read(), re.DOTALL)
    rules = [b for b in blocks if b.startswith("groups:")]
    check(len(rules) == 1, f"docs/monitoring.md: want one YAML block of rules, found {len(rules)}")
    configs = [b for b in blocks if b.startswith("scrape_configs:")]
    check(len(configs) == 2, f"docs/monitoring.md: want the scrape and the federation configs, found {len(configs)}")
    return (rules or [""])[0], configs


tmp = tempfile.mkdtemp(prefix="cxlmi-exporter-")
try:
    # ---- --listen errors ----
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = f"127.0.0.1:{busy.getsockname()[1]}"
        fails(4, "exporter", "--emulate", "type3", "--listen", taken, says=["cannot listen on " + taken])
    fails(2, "exporter", "--emulate", "type3", "--listen", "localhost", says=["--listen"])
    fails(2, "exporter", "--emulate", "nosuchmodel", "--listen", "127.0.0.1:0", says=["nosuchmodel"])

    # ---- the docs' rules and configs ----
    rules, configs = rules_from_doc()
    rules_file = os.path.join(tmp, "rules.yml")
    with open(rules_file, "w") as f:
        f.write(rules)
    p = subprocess.run([PROMTOOL, "check", "rules", rules_file], capture_output=True, text=True)
    check(p.returncode == 0, f"promtool check rules: {p.stdout}{p.stderr}")
    for i, config in enumerate(configs):
        path = os.path.join(tmp, f"doc-config-{i}.yml")
        with open(path, "w") as f:
            f.write(config)
        p = subprocess.run([PROMTOOL, "check", "config", path], capture_output=True, text=True)
        check(p.returncode == 0, f"promtool check config (docs block {i}): {p.stdout}{p.stderr}")

    # ---- the exporter ----
    control = os.path.join(tmp, "fleet")
    write_control(control, [])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    exporter = start(
        [
            CXLMI,
            "exporter",
            "--emulate",
            FLEET,
            "--emu-control",
            control,
            "--deadline",
            str(DEADLINE),
            "--listen",
            f"127.0.0.1:{port}",
        ],
        base + "/",
        "the exporter",
    )
    if exporter is None:
        finish()

    status, headers, body, _ = http(base + "/")
    check(status == 200 and headers.get("Content-Type", "").startswith("text/html"), f"/: {status} {headers}")
    check('href="/metrics"' in body, f"/ does not link /metrics: {body!r}")
    check(http(base + "/nothing")[0] == 404, "/nothing is not 404")
    status, headers, _, _ = http(base + "/metrics", method="POST")
    check(status == 405 and "GET" in headers.get("Allow", ""), f"POST /metrics: {status}, Allow {headers.get('Allow')}")
    check(http(base + "/metrics", method="HEAD")[0] == 200, "HEAD /metrics is not 200")

    # The text format.
    status, headers, text, _ = http(base + "/metrics")
    check(status == 200, f"/metrics: {status}")
    check(headers.get("Content-Type") == "text/plain; version=0.0.4; charset=utf-8", f"text Content-Type {headers}")
    check("# EOF" not in text and "# UNIT" not in text, "the text format has OpenMetrics lines")
    p = subprocess.run([PROMTOOL, "check", "metrics"], input=text, capture_output=True, text=True)
    check(
        p.returncode == 0 and not p.stdout.strip() and not p.stderr.strip(),
        f"promtool check metrics: {p.returncode} {p.stdout}{p.stderr}",
    )

    # OpenMetrics, as Prometheus asks.
    status, headers, om, _ = http(base + "/metrics", accept=PROMETHEUS_ACCEPT)
    check(
        headers.get("Content-Type", "").startswith("application/openmetrics-text; version=1.0.0"),
        f"OpenMetrics Content-Type: {headers.get('Content-Type')}",
    )
    check_openmetrics(om)
    check(len(samples(om)) == len(samples(text)), "OpenMetrics and text have different samples")

    # Values.
    got = samples(text)
    with open(DOC) as f:
        doc = f.read()
    for name in sorted({n for n, _, _ in got}):
        check(f"| `{name}` |" in doc, f"docs/monitoring.md does not describe {name}")
    members = ["emu:switch-0", "emu:mld-0", "emu:mhd-0"] + [f"emu:type3-{i}" for i in range(20)]
    up = where(got, "cxl_up")
    check(all(v == 1 for _, v in up), f"cxl_up not all 1: {[l for l, v in up if v != 1]}")
    for m in members:
        check(where(got, "cxl_up", target=m, port="", ld=""), f"no cxl_up for {m}")
    check(where(got, "cxl_up", target="emu:mhd-0", component="ld_pool"), "no LD Pool CCI of emu:mhd-0")
    check(where(got, "cxl_up", target="emu:switch-0", port="1", component="type3"), "nothing behind switch port 1")
    health = json.loads(run("health", "emu:type3", "--json").stdout)
    life, temp = health["life_used_percent"], health["temperature_celsius"]
    for m in ("emu:type3-0", "emu:type3-19"):
        check(
            [v for _, v in where(got, "cxl_life_used_ratio", target=m)] == [life / 100],
            f"{m}: cxl_life_used_ratio {where(got, 'cxl_life_used_ratio', target=m)}, cxlmi health says {life} %",
        )
        check(
            [v for _, v in where(got, "cxl_temperature_celsius", target=m)] == [temp],
            f"{m}: cxl_temperature_celsius, cxlmi health says {temp}",
        )
        check([l["status"] for l, _ in where(got, "cxl_media_status", target=m)] == ["normal"], f"{m}: media status")
        conditions = where(got, "cxl_health_status", target=m)
        check(len(conditions) == 4 and all(v == 0 for _, v in conditions), f"{m}: health conditions {conditions}")
        info = where(got, "cxl_component_info", target=m)
        check(
            len(info) == 1 and re.fullmatch(r"0x[0-9a-f]{16}", info[0][0].get("serial", "")),
            f"{m}: cxl_component_info {info}",
        )
        check(len(where(got, "cxl_firmware_info", target=m)) == 1, f"{m}: no cxl_firmware_info")
        check(len(where(got, "cxl_event_records", target=m)) >= 4, f"{m}: event logs")
        check(where(got, "cxl_dirty_shutdowns_total", target=m), f"{m}: no cxl_dirty_shutdowns_total")
    ports = json.loads(run("ports", "emu:switch", "--json").stdout)["ports"]
    for p_ in ports:
        width = where(got, "cxl_port_link_width", target="emu:switch-0", port=str(p_["port_id"]))
        check(
            [v for _, v in width] == [p_["negotiated_link_width_lanes"]], f"switch port {p_['port_id']}: width {width}"
        )
        info = where(got, "cxl_port_info", target="emu:switch-0", port=str(p_["port_id"]))
        check(
            len(info) == 1 and info[0][0]["state"] == p_["current_port_configuration_state"]["name"],
            f"switch port {p_['port_id']}: cxl_port_info {info}",
        )
        speed = p_["current_link_speed_mt_s"]
        if speed:
            got_speed = where(
                got, "cxl_port_link_speed_transfers_per_second", target="emu:switch-0", port=str(p_["port_id"])
            )
            check([v for _, v in got_speed] == [speed * 1e6], f"switch port {p_['port_id']}: speed {got_speed}")
    check(where(got, "cxl_port_ltssm_state", target="emu:switch-0", state="l0"), "no switch port in L0")
    check(where(got, "cxl_ld_allocation_bytes", target="emu:mld-0", range="1"), "no LD allocations of emu:mld-0")
    check(where(got, "cxl_port_link_width", target="emu:mhd-0", component="ld_pool"), "no heads of emu:mhd-0")
    check(len(where(got, "cxl_round_duration_seconds")) == 1, "no cxl_round_duration_seconds")

    # ---- Prometheus scraping it ----
    prom_port = free_port()
    prom = f"http://127.0.0.1:{prom_port}"
    # The docs' rules, their `for` shortened so that they fire within the test.
    fast_rules = os.path.join(tmp, "fast-rules.yml")
    with open(fast_rules, "w") as f:
        f.write(re.sub(r"(\n\s+for:) \S+", r"\1 0s", rules))
    config = os.path.join(tmp, "prometheus.yml")
    with open(config, "w") as f:
        f.write(f"""global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [{fast_rules}]
scrape_configs:
  - job_name: cxl
    scrape_interval: 1s
    scrape_timeout: 1s
    static_configs:
      - targets: ["127.0.0.1:{port}"]
""")
    server = start(
        [
            PROMETHEUS,
            f"--config.file={config}",
            f"--storage.tsdb.path={os.path.join(tmp, 'tsdb')}",
            f"--web.listen-address=127.0.0.1:{prom_port}",
            "--log.level=warn",
        ],
        prom + "/-/ready",
        "prometheus",
    )
    if server is not None:
        wait_for(
            "Prometheus to scrape every component up",
            # Prometheus drops empty labels: the endpoints' series have no port.
            lambda: len([r for r in query(prom, "cxl_up == 1") if "port" not in r["metric"]]) >= len(members),
        )
        targets = json.loads(http(prom + "/api/v1/targets")[2])["data"]["activeTargets"]
        check(
            len(targets) == 1 and targets[0]["health"] == "up" and targets[0]["lastError"] == "",
            f"Prometheus's scrape of the exporter: {targets}",
        )
        life_q = query(prom, 'cxl_life_used_ratio{target="emu:type3-2"}')
        check(len(life_q) == 1 and float(life_q[0]["value"][1]) == life / 100, f"Prometheus: life used {life_q}")
        check(not firing(prom, "CXLComponentDown"), "CXLComponentDown fires with every component up")

        # One silenced, one worn out, one with a failure event waiting.
        write_control(
            control, ["type3-3 silent", "type3-4 health life_used=95", "type3-5 event failure general-media e1"]
        )
        wait_for(
            "emu:type3-3 down in Prometheus", lambda: [r for r in query(prom, 'cxl_up{target="emu:type3-3"} == 0')]
        )
        # A scrape with a silent component still ends by the deadline.
        status, _, text, took = http(base + "/metrics")
        print(f"a scrape with a silent component: {took:.3f} s (deadline {DEADLINE} s)")
        check(status == 200 and took < DEADLINE + 0.25, f"a scrape with a silent component took {took:.3f} s")
        got = samples(text)
        check([v for _, v in where(got, "cxl_up", target="emu:type3-3")] == [0], "emu:type3-3 not down in the scrape")
        check(where(got, "cxl_scrape_errors", target="emu:type3-3")[0][1] >= 1, "emu:type3-3: no scrape error")
        check(not where(got, "cxl_health_status", target="emu:type3-3"), "emu:type3-3: health while down")
        check(
            [l["component"] for l, _ in where(got, "cxl_up", target="emu:type3-3")] == ["type3"],
            "emu:type3-3 lost its component label while down",
        )
        check(all(v == 1 for l, v in where(got, "cxl_up") if l["target"] != "emu:type3-3"), "others down too")
        check(
            wait_for(
                "CXLComponentDown for emu:type3-3", lambda: firing(prom, "CXLComponentDown", target="emu:type3-3")
            ),
            "CXLComponentDown did not fire",
        )
        check(
            wait_for("CXLLifeUsedHigh for emu:type3-4", lambda: firing(prom, "CXLLifeUsedHigh", target="emu:type3-4")),
            "CXLLifeUsedHigh did not fire",
        )
        alert = firing(prom, "CXLLifeUsedHigh", target="emu:type3-4")
        check(
            bool(alert) and alert[0]["labels"].get("serial", "").startswith("0x"),
            f"CXLLifeUsedHigh without a serial: {alert}",
        )
        check(
            wait_for(
                "CXLEventRecordsWaiting for emu:type3-5",
                lambda: firing(prom, "CXLEventRecordsWaiting", target="emu:type3-5", log="failure"),
            ),
            "CXLEventRecordsWaiting did not fire",
        )
        seen = query(prom, 'cxl_event_records_seen_total{target="emu:type3-5",log="failure"}')
        check(len(seen) == 1 and float(seen[0]["value"][1]) == 1, f"cxl_event_records_seen_total: {seen}")
        check(not firing(prom, "CXLLifeUsedHigh", target="emu:type3-0"), "CXLLifeUsedHigh fires for a fresh device")

        # Back again.
        write_control(control, ["type3-4 health life_used=95", "type3-5 event failure general-media e1"])
        wait_for("emu:type3-3 up again in Prometheus", lambda: query(prom, 'cxl_up{target="emu:type3-3"} == 1'))
        wait_for("CXLComponentDown to end", lambda: not firing(prom, "CXLComponentDown", target="emu:type3-3"))
        status, _, err = stop(server)
        check(status == 0, f"prometheus: exit {status}: {err[-500:]!r}")

    # Two scrapes at once: one round, both answered.
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(http(base + "/metrics"))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(
        len(answers) == 2 and all(a[0] == 200 and a[3] < 2 * DEADLINE + 0.5 for a in answers),
        f"concurrent scrapes: {[(a[0], round(a[3], 3)) for a in answers]}",
    )

    status, took, err = stop(exporter)
    print(f"SIGTERM ended the exporter in {took:.3f} s")
    check(status == 0 and took < DEADLINE + 1, f"SIGTERM: exit {status} after {took:.2f} s, stderr {err!r}")
    check(not err.strip(), f"the exporter said something without -v: {err!r}")

    # Ctrl-C: the tool's interrupted status.
    port = free_port()
    small = start(
        [CXLMI, "exporter", "--emulate", "type3", "--listen", f"127.0.0.1:{port}"],
        f"http://127.0.0.1:{port}/",
        "a second exporter",
    )
    if small is not None:
        status, _, err = stop(small, signal.SIGINT)
        check(status == 130, f"SIGINT: exit {status}, stderr {err!r}")
finally:
    for p in processes:
        if p.poll() is None:
            p.kill()
            p.wait()
    shutil.rmtree(tmp, ignore_errors=True)

print(f"in {time.monotonic() - started:.1f} s")
finish()
