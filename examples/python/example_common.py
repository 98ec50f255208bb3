# SPDX-License-Identifier: LGPL-2.1-or-later
"""What every example in this directory shares, kept apart so the examples show only the API.

- make_parser() / parse_args(): the command line every example takes: a device (mem0,
  /dev/cxl/mem0, mctp:NET,EID or emu:MODEL), --emu MODEL or --mock, and -v for the library's
  debug log.
- open_endpoint(): opens what the command line names: cxlmi_open_target() reads the device
  text (the library's one target syntax), cxlmi_open_mock() opens the mock.
- FAILURES and report(): which exceptions the module raises when a device or a command fails,
  and how the examples turn one into a single line on stderr and a non-zero exit status.
- run() and run_in_context(): the life of an example around what it shows: create a context,
  open the endpoint (queueing the canned answers with --mock; the emulator needs none: it
  keeps state and answers as a device does), call the example's code, close
  the endpoint, free the context, and report a failure. simple.py spells all this out once.
- show(), size_text(), hexdump(): aligned, short output.

Not an example itself; run the other files.
"""

import argparse
import errno
import logging
import os
import sys
from typing import Callable, List, Optional, Union

import cxlmi

# What the cxlmi module raises when something outside the program fails:
#   OSError            opening or scanning (errno: ENOENT for an absent device, EACCES without
#                      root, ...), or a command that got no valid answer (ETIMEDOUT, EPROTO, ...);
#   cxlmi.CXLMIError   a command the component answered with a CXL return code other than
#                      Success (a RuntimeError; .retcode holds the code).
FAILURES = (OSError, cxlmi.CXLMIError)

# syslog levels for cxlmi_new_ctx(): 0 logs nothing, LOG_DEBUG (7) everything. With None as
# its log, the messages go to Python's logging (the logger "cxlmi").
LOG_QUIET = 0
LOG_DEBUG = 7

# The models of the library's emulated fabric (emu:MODEL, cxlmi_open_emulator).
EMULATOR_MODELS = ("type3", "switch", "mld", "mhd")

# Capacities in the Memory Device commands are counted in units of 256 MiB.
CAPACITY_UNIT = 256 << 20

LABEL_WIDTH = 22


def program() -> str:
    return os.path.basename(sys.argv[0])


def port_or_ld(text: str) -> int:
    """An argparse type for a port or LD ID: the Tunnel Management Command carries one byte."""
    try:
        value = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value <= 0xFF:
        raise argparse.ArgumentTypeError(f"{value} is not a port or LD ID (0 to 255)")
    return value


def make_parser(doc: Optional[str], device: bool = True) -> argparse.ArgumentParser:
    """An argument parser described by the example's docstring (first line, then the rest)."""
    summary, _, details = (doc or "").strip().partition("\n")
    parser = argparse.ArgumentParser(
        description=summary, epilog=details.strip(), formatter_class=argparse.RawDescriptionHelpFormatter
    )
    if device:
        parser.add_argument("device", nargs="?", help="the CXL device: mem0, /dev/cxl/mem0, mctp:NET,EID or emu:MODEL")
        parser.add_argument(
            "--emu",
            metavar="MODEL",
            choices=EMULATOR_MODELS,
            help="use a component of the library's emulated CXL fabric: "
            + ", ".join(EMULATOR_MODELS)
            + " (no hardware needed; "
            "the same as the device emu:MODEL)",
        )
    parser.add_argument(
        "--mock",
        action="store_true",
        help="use the library's mock endpoint, answering with canned responses (no hardware needed)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="let the library log debug messages to stderr")
    return parser


def parse_args(parser: argparse.ArgumentParser, device_optional: bool = False) -> argparse.Namespace:
    """Parses the command line; adds .name (what to call the target in messages), .emu (the
    emulator model or None) and .log_level. --emu MODEL becomes the device emu:MODEL. Whether
    the device is a target at all, cxlmi_open_target() says when it is opened."""
    args = parser.parse_args()
    device = getattr(args, "device", None)
    if getattr(args, "emu", None):
        if device or args.mock:
            parser.error("give one of a device, --emu or --mock")
        device = args.device = "emu:" + args.emu
    if args.mock and device:
        parser.error("give a device or --mock, not both")
    if not args.mock and not device and not device_optional:
        parser.error("name a device (mem0, /dev/cxl/mem0, mctp:NET,EID, emu:MODEL) or use --emu MODEL or --mock")
    args.emu = device[len("emu:") :] if device and device.startswith("emu:") else None
    args.name = "mock" if args.mock else device
    args.log_level = LOG_DEBUG if args.verbose else LOG_QUIET
    if args.verbose:
        # A context made with None logs to Python's logging (the logger "cxlmi"): shown on
        # stderr, each line as the C library writes it.
        logging.basicConfig(level=logging.DEBUG, format="libcxlmi: %(message)s")
    return args


def open_endpoint(ctx: cxlmi.cxlmi_ctx, args: argparse.Namespace) -> cxlmi.cxlmi_endpoint:
    """Opens the endpoint the command line names, under `ctx`. Raises OSError on failure
    (EINVAL: the device is not a target, or names no emulator model)."""
    if args.mock:
        # A mock endpoint answers each command from responses queued with
        # cxlmi_mock_set_response(); a command nobody queued an answer for gets Unsupported.
        return cxlmi.cxlmi_open_mock(ctx)
    # mem0 and /dev/cxl/mem0 (the kernel's mailbox), mctp:NET,EID (an MCTP endpoint) or
    # emu:MODEL (a fresh component of the emulated fabric: it keeps state, an LSA written
    # reads back and a sanitize runs in the background, until the endpoint is closed).
    return cxlmi.cxlmi_open_target(ctx, args.device)


def run_in_context(
    args: argparse.Namespace, body: Callable[[cxlmi.cxlmi_ctx, argparse.Namespace], Optional[int]]
) -> int:
    """Creates a library context, calls body(ctx, args) and frees the context, which also
    closes every endpoint still open in it. Returns the exit status: what body returns
    (None counts as 0), or 1 after report() when the module raises one of FAILURES."""
    try:
        ctx = cxlmi.cxlmi_new_ctx(None, args.log_level)
        try:
            return body(ctx, args) or 0
        finally:
            cxlmi.cxlmi_free_ctx(ctx)
    except FAILURES as err:
        return report(args.name, err)


def run(
    args: argparse.Namespace,
    queue_canned_responses: Callable[[cxlmi.cxlmi_endpoint], None],
    body: Callable[[cxlmi.cxlmi_endpoint, argparse.Namespace], Optional[int]],
) -> int:
    """The life of an example that talks to one endpoint, as simple.py spells it out: in a new
    context (run_in_context()), opens the endpoint the command line names, with --mock queues
    the example's canned answers with queue_canned_responses(ep), calls body(ep, args), then
    closes the endpoint. Returns the exit status, as run_in_context() does."""

    def on_endpoint(ctx: cxlmi.cxlmi_ctx, args: argparse.Namespace) -> Optional[int]:
        ep = open_endpoint(ctx, args)
        if args.mock:
            queue_canned_responses(ep)
        status = body(ep, args)
        cxlmi.cxlmi_close(ep)
        return status

    return run_in_context(args, on_endpoint)


def enable_fmapi(ep: cxlmi.cxlmi_endpoint) -> None:
    """Makes sure FM-API commands (and the Tunnel Management Command they ride in) may be sent
    to `ep`. Raises OSError(EOPNOTSUPP) when the endpoint cannot take them."""
    if not cxlmi.cxlmi_endpoint_has_fmapi(ep) and not cxlmi.cxlmi_endpoint_enable_fmapi(ep):
        raise OSError(errno.EOPNOTSUPP, "FM-API is not available on this endpoint", "cxlmi_endpoint_enable_fmapi")


def report(name: str, err: Union[OSError, cxlmi.CXLMIError]) -> int:
    """Prints one line on stderr for a failure of `name`; returns the exit status to use: 2
    (a usage error) when `name` is not a target, 1 otherwise."""
    status = 1
    if isinstance(err, cxlmi.CXLMIError):
        # For instance "cxlmi_cmd_identify: Unsupported (CXL return code 0x3)".
        reason = str(err)
    else:
        # The module puts the cxlmi function that failed in .filename.
        reason = err.strerror or str(err)
        if err.filename:
            reason = f"{err.filename}: {reason}"
        if err.errno in (errno.EACCES, errno.EPERM):
            reason += " (a CXL device needs root)"
        elif err.errno == errno.EOPNOTSUPP and err.filename == "cxlmi_scan_mctp":
            reason += " (this libcxlmi cannot discover MCTP endpoints over D-Bus)"
        elif err.errno == errno.EINVAL and err.filename == "cxlmi_open_target":
            if name.startswith("emu:"):
                reason += " (the models are " + ", ".join(EMULATOR_MODELS) + ")"
            else:
                reason = "not a target: give mem0, /dev/cxl/mem0, mctp:NET,EID or emu:MODEL"
                status = 2
        elif err.errno == errno.EINVAL and err.filename == "cxlmi_open_emulator":
            reason += " (the models are " + ", ".join(EMULATOR_MODELS) + ")"
        elif err.errno == errno.EAFNOSUPPORT:
            reason += " (this kernel has no MCTP)"
    print(f"{program()}: {name}: {reason}", file=sys.stderr)
    return status


def show(label: str, value: object, indent: str = "  ") -> None:
    """One aligned `label  value` line."""
    print(f"{indent}{label:<{LABEL_WIDTH}}{value}")


def size_text(nbytes: int) -> str:
    """A byte count for people: 16 GiB, 768 MiB, 0 B."""
    for unit, scale in (("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if nbytes >= scale:
            value = nbytes / scale
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.2f} {unit}"
    return f"{nbytes} B"


def hexdump(data: bytes, indent: str = "    ") -> List[str]:
    """Lines of offset, hex bytes and printable text, 16 bytes a line."""
    lines: List[str] = []
    for off in range(0, len(data), 16):
        chunk = data[off : off + 16]
        text = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in chunk)
        lines.append(f"{indent}{off:04x}  {chunk.hex(' '):<47}  |{text}|")
    return lines
