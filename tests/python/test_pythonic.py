# SPDX-License-Identifier: LGPL-2.1-or-later
"""Tests of the cxlmi module's Pythonic extras (python/cxlmi_pythonic.py): __version__, to_dict()
against the cxlmi tool's --json output, contexts and endpoints in `with`, the library's log in
Python's logging, the tunnel constructors' argument checks, and the examples of docs/python.md's
"Pythonic extras" section, run as they are written.

They use the library's emulated CXL fabric, no hardware. Run from this directory with:

    PYTHONPATH=../../build/src/python LD_LIBRARY_PATH=../../build/src \\
        CXLMI_CLI=../../build/cli/cxlmi python3 -m unittest test_pythonic.py

CXLMI_CLI names the tool to compare with (those tests are skipped without it); CXLMI_VERSION the
version meson has (checked when given); CXLMI_MYPY a mypy to check the documentation's examples
and examples/python with, under --strict (skipped without it).
"""

import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import threading
import unittest

import cxlmi

CLI = os.environ.get("CXLMI_CLI")
MYPY = os.environ.get("CXLMI_MYPY")
DOCS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "python.md")
EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "python")

# Children run as test_cxlmi.py runs them (its run_child): the same import path. Its
# EmulatorTestCase gives each test a context and closes the endpoints it opens.
try:
    from .test_cxlmi import EmulatorTestCase, run_child  # installed, in the cxlmi_tests package
except ImportError:
    from test_cxlmi import EmulatorTestCase, run_child  # from tests/python


def tool(*args):
    """The tool's JSON document for `args`."""
    proc = subprocess.run([CLI, *args, "--json"], capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        raise AssertionError(f"cxlmi {' '.join(args)}: exit {proc.returncode}: {proc.stderr}")
    return json.loads(proc.stdout)


class Records(logging.Handler):
    """The records the logger "cxlmi" gets in a `with` block, at DEBUG and up (assertNoLogs is
    Python 3.10's)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)

    def __enter__(self):
        logging.getLogger("cxlmi").addHandler(self)
        return self.records

    def __exit__(self, *exc):
        logging.getLogger("cxlmi").removeHandler(self)


def docs_section_blocks():
    """The ```python blocks of docs/python.md's "Pythonic extras" section, in order."""
    with open(DOCS, encoding="utf-8") as f:
        text = f.read()
    start = text.index("\n## Pythonic extras\n")
    end = text.find("\n## ", start + 1)
    section = text[start : end if end >= 0 else len(text)]
    return re.findall(r"^```python\n(.*?)^```$", section, re.M | re.S)


class TestVersion(unittest.TestCase):
    def test_version_is_the_librarys(self):
        self.assertIsInstance(cxlmi.__version__, str)
        self.assertRegex(cxlmi.__version__, r"^\d+\.\d+\.\d+")
        if os.environ.get("CXLMI_VERSION"):
            self.assertEqual(cxlmi.__version__, os.environ["CXLMI_VERSION"])

    @unittest.skipUnless(CLI, "CXLMI_CLI: no tool to compare with")
    def test_one_version_with_the_tool(self):
        out = subprocess.run([CLI, "--version"], capture_output=True, text=True, check=True).stdout
        self.assertIn(f"cxlmi {cxlmi.__version__} (libcxlmi {cxlmi.__version__};", out)


@unittest.skipUnless(CLI, "CXLMI_CLI: no tool to compare with")
class TestToDictIsTheToolsJson(EmulatorTestCase):
    """to_dict() of a response is the document the tool prints for it (each test opens a fresh
    component, as the tool does)."""

    def run_cmd(self, ep, name, *args):
        out = getattr(cxlmi, name)()
        getattr(cxlmi, name)(ep, None, *args, out)
        return out

    def test_identify(self):
        ep = self.open("type3")
        want = tool("identify", "emu:type3")
        memdev = want.pop("memdev")
        got = cxlmi.to_dict(self.run_cmd(ep, "cxlmi_cmd_identify"))
        self.assertEqual(got, want)
        self.assertEqual(cxlmi.to_dict(self.run_cmd(ep, "cxlmi_cmd_memdev_identify")), memdev)

    def test_identify_through_a_switch(self):
        sw = self.open("switch")
        ident = cxlmi.cxlmi_cmd_identify()
        cxlmi.cxlmi_cmd_identify(sw, cxlmi.cxlmi_tunnel_switch(port=1), ident)
        want = tool("identify", "emu:switch", "--port", "1")
        want.pop("memdev")
        self.assertEqual(ident.to_dict(), want)

    def test_health_partition_firmware_and_more(self):
        for args, name in (
            (("health",), "cxlmi_cmd_memdev_get_health_info"),
            (("partition",), "cxlmi_cmd_memdev_get_partition_info"),
            (("fw",), "cxlmi_cmd_get_fw_info"),
            (("logs",), "cxlmi_cmd_get_supported_logs"),
            (("security",), "cxlmi_cmd_memdev_get_security_state"),
            (("alert-config",), "cxlmi_cmd_memdev_get_alert_config"),
            (("shutdown-state",), "cxlmi_cmd_memdev_get_shutdown_state"),
        ):
            with self.subTest(args=args):
                ep = self.open("type3")
                self.assertEqual(cxlmi.to_dict(self.run_cmd(ep, name)), tool(*args, "emu:type3"))
                cxlmi.cxlmi_close(ep)

    def test_event_records(self):
        ep = self.open("type3")
        req = cxlmi.cxlmi_cmd_get_event_records_req()
        req.event_log = cxlmi.CXLMI_EVENT_LOG_INFO
        rsp = self.run_cmd(ep, "cxlmi_cmd_get_event_records", req)
        want = tool("events", "emu:type3", "--log", "info")["logs"][0]
        del want["log"], want["cleared"]  # the tool's own: which log, and how many it cleared
        got = rsp.to_dict()
        self.assertGreater(len(got["records"]), 0)
        self.assertEqual(got, want)
        self.assertEqual(len(got["records"]), len(rsp.records))

    def test_dynamic_capacity_config(self):
        ep = self.open("type3")
        req = cxlmi.cxlmi_cmd_memdev_get_dc_config_req()
        req.region_cnt = 8
        req.start_region_id = 0
        rsp = self.run_cmd(ep, "cxlmi_cmd_memdev_get_dc_config", req)
        self.assertEqual(cxlmi.to_dict(rsp), tool("dc", "emu:type3"))

    def test_switch_ports(self):
        sw = self.open("switch")
        ident = self.run_cmd(sw, "cxlmi_cmd_fmapi_identify_sw_device")
        req = cxlmi.cxlmi_cmd_fmapi_get_phys_port_state_req()
        req.num_ports = ident.num_physical_ports
        req.ports = list(range(ident.num_physical_ports))
        ports = self.run_cmd(sw, "cxlmi_cmd_fmapi_get_phys_port_state", req)
        want = tool("ports", "emu:switch")
        got = cxlmi.to_dict(ident)
        got["ports"] = cxlmi.to_dict(ports)["ports"]
        self.assertEqual(got, want)

    def test_ld_info(self):
        mld = self.open("mld")
        self.assertEqual(cxlmi.to_dict(self.run_cmd(mld, "cxlmi_cmd_fmapi_get_ld_info")), tool("ld", "emu:mld"))


class TestToDict(EmulatorTestCase):
    def test_every_struct_converts_and_dumps(self):
        for name, _size, _room in cxlmi._TYPES:
            cls = getattr(cxlmi, name, None)
            if cls is None:
                continue
            with self.subTest(struct=name):
                obj = cls()
                d = cxlmi.to_dict(obj)
                self.assertIsInstance(d, dict)
                self.assertEqual(obj.to_dict(), d)
                json.dumps(d)

    def test_a_struct_without_a_decoder_is_its_fields(self):
        req = cxlmi.cxlmi_cmd_set_timestamp_req()
        req.timestamp = 1234567890
        self.assertEqual(cxlmi.to_dict(req), {"timestamp": 1234567890})
        req = cxlmi.cxlmi_cmd_memdev_set_passphrase_req()
        req.passphrase_type = 1
        req.new_passphrase = b"\x01\x02"
        d = req.to_dict()
        self.assertEqual(list(d)[0], "passphrase_type")
        self.assertEqual(d["passphrase_type"], 1)
        self.assertEqual(d["new_passphrase"], "0102" + "00" * 30)
        self.assertEqual(d["current_passphrase"], "00" * 32)

    def test_fields_come_in_c_order(self):
        req = cxlmi.cxlmi_cmd_fmapi_get_ld_allocations_req()
        self.assertEqual(list(req.to_dict()), ["start_ld_id", "ld_allocation_list_limit"])

    def test_nested_and_struct_arrays(self):
        ep = self.open("mhd")
        req = cxlmi.cxlmi_cmd_fmapi_get_multiheaded_info_req()
        req.start_ld_id = 0
        req.ld_map_list_limit = 8
        rsp = cxlmi.cxlmi_cmd_fmapi_get_multiheaded_info_rsp()
        cxlmi.cxlmi_cmd_fmapi_get_multiheaded_info(ep, cxlmi.cxlmi_tunnel_mhd(), req, rsp)
        d = rsp.to_dict()
        json.dumps(d)
        self.assertIsInstance(d, dict)

    def test_a_count_past_the_entries_is_not_trusted(self):
        rsp = cxlmi.cxlmi_cmd_get_event_records_rsp()
        rsp.record_count = 0xFFFF
        d = cxlmi.to_dict(rsp)
        self.assertEqual(len(d["records"]), len(rsp.records))
        self.assertEqual(d["record_count"], len(rsp.records))
        # An entry on its own decodes too.
        entry = cxlmi.EventRecordArray_getitem(rsp.records, 0)
        self.assertEqual(cxlmi.to_dict(entry), d["records"][0])

    def test_lists_bytes_and_views(self):
        ep = self.open("type3")
        req = cxlmi.cxlmi_cmd_get_log_cel()
        req.uuid = bytes.fromhex("0da9c0b5bf414b788f7996b1623b3f17")
        req.offset = 0
        req.length = 4 * 4
        entries = cxlmi.cxlmi_cmd_get_log_cel(ep, None, req)
        d = cxlmi.to_dict(entries)
        self.assertEqual(len(d), 4)
        self.assertTrue(all("opcode" in e for e in d), d)
        self.assertEqual(cxlmi.to_dict(b"\x01\xab"), "01ab")
        ident = cxlmi.cxlmi_cmd_memdev_identify_rsp()
        ident.fw_revision = b"EMU 1.0"
        self.assertEqual(cxlmi.to_dict(ident.fw_revision), "EMU 1.0")
        self.assertEqual(cxlmi.to_dict((1, [2, None])), [1, [2, None]])

    def test_handles_are_refused(self):
        with self.assertRaises(TypeError):
            cxlmi.to_dict(self.ctx)
        with self.assertRaises(TypeError):
            cxlmi.to_dict(object())

    def test_text_is_escaped_json(self):
        ident = cxlmi.cxlmi_cmd_memdev_identify_rsp()
        ident.fw_revision = b'a"b\\c\n\x01'
        d = cxlmi.to_dict(ident)
        self.assertEqual(d["fw_revision"], 'a"b\\c\n\x01')


class TestContextManagers(unittest.TestCase):
    def test_with_frees_and_closes(self):
        with cxlmi.Context(level=0) as ctx:
            self.assertIsInstance(ctx, cxlmi.cxlmi_ctx)
            with cxlmi.cxlmi_open_emulator(ctx, "type3") as ep:
                self.assertIsInstance(ep, cxlmi.cxlmi_endpoint)
                cxlmi.cxlmi_cmd_identify(ep, None, cxlmi.cxlmi_cmd_identify())
            with self.assertRaises(ValueError):
                cxlmi.cxlmi_cmd_identify(ep, None, cxlmi.cxlmi_cmd_identify())
            self.assertIsNone(cxlmi.cxlmi_first_endpoint(ctx))
        with self.assertRaises(ValueError):
            cxlmi.cxlmi_open_emulator(ctx, "type3")

    def test_the_documented_calls_inside_are_harmless(self):
        with cxlmi.cxlmi_new_ctx(None, 6) as ctx:
            with cxlmi.cxlmi_open_emulator(ctx, "switch") as ep:
                cxlmi.cxlmi_close(ep)
            cxlmi.cxlmi_close(ep)
            ep2 = cxlmi.cxlmi_open_emulator(ctx, "mld")
            cxlmi.cxlmi_free_ctx(ctx)
        cxlmi.cxlmi_free_ctx(ctx)
        with self.assertRaises(ValueError):
            cxlmi.cxlmi_cmd_identify(ep2, None, cxlmi.cxlmi_cmd_identify())

    def test_an_exception_passes_through_and_still_frees(self):
        with self.assertRaises(KeyError):
            with cxlmi.Context(level=0) as ctx, cxlmi.cxlmi_open_emulator(ctx, "type3") as ep:
                raise KeyError("x")
        with self.assertRaises(ValueError):
            cxlmi.cxlmi_endpoint_get_timeout(ep)
        with self.assertRaises(ValueError):
            cxlmi.cxlmi_scan(ctx)

    def test_an_endpoint_outliving_its_context_is_closed(self):
        with cxlmi.Context(level=0) as ctx:
            ep = cxlmi.cxlmi_open_emulator(ctx, "type3")
        with ep:
            pass
        with self.assertRaises(ValueError):
            cxlmi.cxlmi_endpoint_get_timeout(ep)


class TestLogging(unittest.TestCase):
    def test_level_mapping(self):
        self.assertEqual(
            [cxlmi.logging_level(n) for n in range(9)],
            [logging.CRITICAL] * 3 + [logging.ERROR, logging.WARNING, logging.INFO, logging.INFO] + [logging.DEBUG] * 2,
        )
        for level, syslog in (
            (logging.NOTSET, 7),
            (logging.DEBUG, 7),
            (15, 6),
            (logging.INFO, 6),
            (logging.WARNING, 4),
            (logging.ERROR, 3),
            (logging.CRITICAL, 2),
        ):
            self.assertEqual(cxlmi.syslog_level(level), syslog, level)

    def test_messages_go_to_the_cxlmi_logger(self):
        self.assertEqual(cxlmi.LOGGER_NAME, "cxlmi")
        self.assertIs(cxlmi.logger, logging.getLogger("cxlmi"))
        ctx = cxlmi.cxlmi_new_ctx(None, 7)
        try:
            with self.assertLogs("cxlmi", level="DEBUG") as cm:
                with self.assertRaises(FileNotFoundError):
                    cxlmi.cxlmi_open(ctx, "mem99")
            errors = [r for r in cm.records if r.levelno == logging.ERROR]
            self.assertTrue(errors, cm.output)
            self.assertIn("mem99", errors[0].getMessage())
            self.assertEqual(errors[0].syslog_level, 3)
            self.assertFalse(errors[0].getMessage().startswith("libcxlmi:"))
        finally:
            cxlmi.cxlmi_free_ctx(ctx)

    def test_commands_log_at_their_level(self):
        with cxlmi.Context(level=7) as ctx, cxlmi.cxlmi_open_emulator(ctx, "type3") as ep:
            with self.assertLogs("cxlmi", level="DEBUG") as cm:
                cxlmi.cxlmi_cmd_identify(ep, None, cxlmi.cxlmi_cmd_identify())
            self.assertTrue(any(r.levelno == logging.DEBUG for r in cm.records), cm.output)
            # A device's error: the exception says it, and the log says it at ERROR.
            req = cxlmi.cxlmi_cmd_get_log_req()
            req.length = 8
            with self.assertLogs("cxlmi", level="ERROR"):
                with self.assertRaises(cxlmi.CXLMIError):
                    cxlmi.cxlmi_cmd_get_log(ep, None, req)  # no log has the UUID 0

    def test_context_level_follows_the_logger(self):
        logger = logging.getLogger("cxlmi")
        old = logger.level
        try:
            logger.setLevel(logging.ERROR)
            with cxlmi.Context() as ctx, cxlmi.cxlmi_open_emulator(ctx, "type3") as ep:
                logger.setLevel(logging.DEBUG)  # the context's level was taken when it was made
                with Records() as records:
                    cxlmi.cxlmi_cmd_identify(ep, None, cxlmi.cxlmi_cmd_identify())
                self.assertEqual(records, [])
            with cxlmi.Context() as ctx, cxlmi.cxlmi_open_emulator(ctx, "type3") as ep:
                with self.assertLogs("cxlmi", level="DEBUG"):
                    cxlmi.cxlmi_cmd_identify(ep, None, cxlmi.cxlmi_cmd_identify())
        finally:
            logger.setLevel(old)

    def test_nothing_on_stderr_unless_asked(self):
        # A failure the exception reports is not printed too: logging unconfigured shows nothing.
        code = """
            import cxlmi
            ctx = cxlmi.cxlmi_new_ctx(None, 7)
            try:
                cxlmi.cxlmi_open(ctx, "mem99")
            except FileNotFoundError:
                print("raised")
            cxlmi.cxlmi_free_ctx(ctx)
        """
        rc, out, err = run_child(code)
        self.assertEqual((rc, out, err), (0, "raised\n", ""))
        # Configured, logging shows it.
        rc, out, err = run_child(
            "import logging\nlogging.basicConfig(format='%(name)s %(levelname)s %(message)s')\n" + textwrap.dedent(code)
        )
        self.assertEqual(rc, 0, err)
        self.assertRegex(err, r"(?m)^cxlmi ERROR .*mem99")
        # sys.stderr asks for standard error: the C library's own lines.
        rc, out, err = run_child(
            textwrap.dedent(code)
            .replace("cxlmi_new_ctx(None", "cxlmi_new_ctx(sys.stderr")
            .replace("import cxlmi", "import sys, cxlmi")
        )
        self.assertEqual(rc, 0, err)
        self.assertRegex(err, r"(?m)^libcxlmi: .*mem99")

    def test_a_file_still_gets_lines(self):
        with tempfile.TemporaryFile("w+") as f:
            with cxlmi.cxlmi_new_ctx(f, 7) as ctx:
                with Records() as records:
                    with self.assertRaises(OSError):
                        cxlmi.cxlmi_open(ctx, "mem99")
                self.assertEqual(records, [])
            f.seek(0)
            self.assertIn("mem99", f.read())

    def test_threads_logging_at_once(self):
        # Every thread's messages arrive, and a handler that lets the GIL go (as a stream write
        # does) cannot deadlock with a thread waiting for the endpoint inside the library.
        class Slow(logging.Handler):
            def __init__(self):
                super().__init__(logging.DEBUG)
                self.messages = []

            def emit(self, record):
                os.sched_yield()
                self.messages.append(record.getMessage())

        handler = Slow()
        logger = logging.getLogger("cxlmi")
        logger.addHandler(handler)
        old = logger.level
        logger.setLevel(logging.DEBUG)
        failures = []
        try:
            with cxlmi.Context(level=7) as ctx, cxlmi.cxlmi_open_emulator(ctx, "type3") as ep:

                def work():
                    try:
                        for _ in range(50):
                            cxlmi.cxlmi_cmd_identify(ep, None, cxlmi.cxlmi_cmd_identify())
                            req = cxlmi.cxlmi_cmd_get_log_req()
                            req.length = 8
                            try:
                                cxlmi.cxlmi_cmd_get_log(ep, None, req)  # no such log: an error
                            except cxlmi.CXLMIError:
                                pass
                    except Exception as e:  # reported below
                        failures.append(e)

                threads = [threading.Thread(target=work) for _ in range(4)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join(timeout=120)
                self.assertFalse(any(t.is_alive() for t in threads), "deadlocked")
        finally:
            logger.removeHandler(handler)
            logger.setLevel(old)
        self.assertEqual(failures, [])
        self.assertGreaterEqual(len(handler.messages), 4 * 50 * 2)


class TestTunnelArguments(unittest.TestCase):
    def test_out_of_range_is_a_value_error_at_once(self):
        for make, kwargs in (
            (cxlmi.cxlmi_tunnel_switch, {"port": 300}),
            (cxlmi.cxlmi_tunnel_switch, {"port": -1}),
            (cxlmi.cxlmi_tunnel_switch, {"port": 256}),
            (cxlmi.cxlmi_tunnel_switch, {"port": 2**70}),
            (cxlmi.cxlmi_tunnel_mld, {"ld": -5}),
            (cxlmi.cxlmi_tunnel_mld, {"ld": 256}),
            (cxlmi.cxlmi_tunnel_switch_mld, {"port": 1, "ld": 256}),
            (cxlmi.cxlmi_tunnel_switch_mld, {"port": -1, "ld": 0}),
            (cxlmi.cxlmi_tunnel_switch_mld, {"port": 999, "ld": -1}),
        ):
            with self.subTest(make=make.__name__, **kwargs):
                with self.assertRaises(ValueError) as cm:
                    make(**kwargs)
                self.assertIn("0 to 255", str(cm.exception))
                self.assertIn(make.__name__, str(cm.exception))

    def test_not_an_integer_is_a_type_error(self):
        for bad in ("1", 1.0, None):
            with self.subTest(bad=bad):
                with self.assertRaises(TypeError):
                    cxlmi.cxlmi_tunnel_switch(port=bad)
                with self.assertRaises(TypeError):
                    cxlmi.cxlmi_tunnel_switch_mld(1, bad)

    def test_the_whole_range_is_taken(self):
        for n in (0, 1, 255):
            self.assertEqual(cxlmi.cxlmi_tunnel_switch(port=n).port, n)
            self.assertEqual(cxlmi.cxlmi_tunnel_mld(ld=n).ld, n)
            ti = cxlmi.cxlmi_tunnel_switch_mld(n, 255 - n)
            self.assertEqual((ti.port, ti.ld, ti.level), (n, 255 - n, 2))
        ti = cxlmi.cxlmi_tunnel_mhd()
        self.assertEqual((ti.port, ti.ld, ti.level, ti.mhd), (-1, -1, 1, True))

    def test_tunnels_still_reach_their_targets(self):
        with cxlmi.Context(level=0) as ctx, cxlmi.cxlmi_open_emulator(ctx, "switch") as sw:
            ident = cxlmi.cxlmi_cmd_identify()
            cxlmi.cxlmi_cmd_identify(sw, cxlmi.cxlmi_tunnel_switch(port=1), ident)
            self.assertEqual(ident.component_type, 3)
            cxlmi.cxlmi_cmd_identify(sw, cxlmi.cxlmi_tunnel_switch_mld(port=2, ld=3), ident)
            self.assertEqual(ident.component_type, 3)
            # In range but no such port: the device answers, as before.
            with self.assertRaises((cxlmi.CXLMIError, OSError)):
                cxlmi.cxlmi_cmd_identify(sw, cxlmi.cxlmi_tunnel_switch(port=200), ident)


class TestDocsExamples(unittest.TestCase):
    """The "Pythonic extras" section of docs/python.md, each example run as written."""

    @classmethod
    def setUpClass(cls):
        if not os.path.exists(DOCS):
            raise unittest.SkipTest(f"{DOCS}: not in this installation")
        cls.blocks = docs_section_blocks()

    def test_the_section_has_examples(self):
        self.assertGreaterEqual(len(self.blocks), 3)

    def test_each_example_runs(self):
        for i, block in enumerate(self.blocks):
            with self.subTest(example=i, first_line=block.splitlines()[0]):
                rc, out, err = run_child(block)
                self.assertEqual(rc, 0, f"stdout:\n{out}\nstderr:\n{err}")

    @unittest.skipUnless(MYPY, "CXLMI_MYPY: no mypy to check the examples with")
    def test_each_example_type_checks(self):
        with tempfile.TemporaryDirectory() as tmp:
            paths = []
            for i, block in enumerate(self.blocks):
                paths.append(os.path.join(tmp, f"example_{i}.py"))
                with open(paths[-1], "w", encoding="utf-8") as f:
                    f.write(block)
            mypy_strict(self, tmp, paths)


@unittest.skipUnless(MYPY, "CXLMI_MYPY: no mypy to check the examples with")
class TestExamplesTypeCheck(unittest.TestCase):
    def test_examples_python_type_check(self):
        if not os.path.isdir(EXAMPLES):
            self.skipTest(f"{EXAMPLES}: not in this installation")
        paths = sorted(os.path.join(EXAMPLES, f) for f in os.listdir(EXAMPLES) if f.endswith(".py"))
        mypy_strict(self, EXAMPLES, paths)


def mypy_strict(test, cwd, paths):
    """Fails `test` unless `mypy --strict` passes `paths` against the module's stubs."""
    # The stubs through MYPYPATH alone (not PYTHONPATH, which makes mypy take them for an installed
    # package's and keep quiet about them): --strict checks them too.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["MYPYPATH"] = os.path.dirname(os.path.abspath(cxlmi.__file__))
    proc = subprocess.run(
        [MYPY, "--strict", "--no-incremental", "--cache-dir", os.devnull, *paths],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
    )
    test.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)


if __name__ == "__main__":
    unittest.main()
