# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The Pythonic extras of the cxlmi module, beside the documented C-style API (which they leave as
# it is): appended by SWIG to the generated cxlmi.py after cxlmi_extra.py (swig/cxlmi.i), so they
# see its functions as globals (and its struct classes and commands through _deferred()).
#
#   __version__          the library's version (the C library's, the tool's: one version)
#   to_dict(obj)         a response or request as plain Python values, named as the decode layer
#                        names them (what `cxlmi ... --json` prints); also obj.to_dict()
#   with ...             contexts and endpoints as context managers: freed and closed on exit
#   logging              the log of a context made with None goes to the logger "cxlmi"
#   Context(level, log)  a context whose level follows that logger's

# json and logging are imported when first needed (to_dict(), the first message, cxlmi.logger,
# Context()), not with the module: together they cost twice what the rest of `import cxlmi` does.

__version__ = _cxlmi._version()

# ------------------------------------------------------------------------------------------------
# The library's log in Python's logging.

LOGGER_NAME = "cxlmi"

# The library's messages, for contexts made with None as their log: syslog levels as logging's
# (logging_level()); each record carries the syslog level as `syslog_level`. A library adds no
# handler but this one (logging's own advice): an application that configures logging sees the
# messages, and without configuration they are not printed (the exceptions say what failed).
# `logger` (the module attribute) is that logger, made with its handler on first use (_logger()).

# logging's levels, as its documentation fixes them.
_CRITICAL, _ERROR, _WARNING, _INFO, _DEBUG = 50, 40, 30, 20, 10


def _logger():
    """The logger "cxlmi", with the module's NullHandler added the first time."""
    log = globals().get("logger")
    if log is None:
        import logging

        log = logging.getLogger(LOGGER_NAME)
        log.addHandler(logging.NullHandler())
        globals()["logger"] = log
    return log


def logging_level(syslog_level):
    """The logging level of a syslog level: 3 (LOG_ERR) ERROR, 4 WARNING, 5 and 6 (LOG_NOTICE,
    LOG_INFO) INFO, 7 (LOG_DEBUG) DEBUG; 0 to 2 CRITICAL."""
    if syslog_level <= 2:
        return _CRITICAL
    return {3: _ERROR, 4: _WARNING, 5: _INFO, 6: _INFO}.get(syslog_level, _DEBUG)


def syslog_level(logging_level):
    """The syslog level up to which the library need report for a logger at `logging_level`
    (what Context() takes by default): DEBUG (or NOTSET) 7, INFO 6, WARNING 4, ERROR 3, above 2."""
    for limit, level in ((_DEBUG, 7), (_INFO, 6), (_WARNING, 4), (_ERROR, 3)):
        if logging_level <= limit:
            return level
    return 2


def _log_message(level, text):
    # Called by the C layer with the GIL and no lock of the library's held (swig/cxlmi.i,
    # cxlmi_py_log_flush), in the order the library logged.
    _logger().log(logging_level(level), text, extra={"syslog_level": level})


_cxlmi._set_log_handler(_log_message)

_LAZY["logger"] = _logger  # cxlmi.logger, made on first use (cxlmi_extra.py's __getattr__)


def Context(level=None, log=None):
    """A library context, to use in a `with` statement (it is freed on leaving it):

        with cxlmi.Context() as ctx:
            ...

    `log` None sends the library's messages to the logger "cxlmi"; a file object (sys.stderr,
    an open file) gets them as lines instead, as cxlmi_new_ctx(fp, level) does. `level` is the
    syslog level up to which the library reports (0 nothing, 7 everything); by default, what the
    logger "cxlmi" lets through when the context is made (syslog_level())."""
    if level is None:
        level = syslog_level(_logger().getEffectiveLevel())
    return cxlmi_new_ctx(log, level)


# ------------------------------------------------------------------------------------------------
# Contexts and endpoints as context managers. Freeing and closing twice is harmless, so the
# documented cxlmi_free_ctx()/cxlmi_close() may still be called inside the block.


def _enter(self):
    return self


def _free_on_exit(self, exc_type, exc, tb):
    cxlmi_free_ctx(self)


def _close_on_exit(self, exc_type, exc, tb):
    cxlmi_close(self)


cxlmi_ctx.__enter__ = _enter
cxlmi_ctx.__exit__ = _free_on_exit
cxlmi_endpoint.__enter__ = _enter
cxlmi_endpoint.__exit__ = _close_on_exit


# ------------------------------------------------------------------------------------------------
# Responses and requests as plain values.


def _fields_of(name, cls):
    """The fields of struct `name` in C order (those of this build's layout)."""
    order = globals().get("_STRUCT_FIELDS", {}).get(name)
    if order is None:
        order = sorted(n for n in dir(cls) if not n.startswith("_") and isinstance(getattr(cls, n), property))
    return [f for f in order if isinstance(getattr(cls, f, None), property)]


def _array_value(view):
    if view._kind == "S":
        return [to_dict(entry) for entry in view]
    if view._kind == "c":
        return str(view)
    if view._kind == "B":
        # Byte strings as the decode layer writes them: lowercase hex.
        return bytes(view).hex()
    return list(view)


def to_dict(obj):
    """`obj` as plain Python values (dicts, lists, str, int, float, bool, None), which
    json.dumps() takes.

    A response or request struct the library's decode layer decodes (Identify, Get Health Info,
    Get Event Records, Get Physical Port State, ...) comes out as the `cxlmi` tool's `--json`
    prints it: the same names, enumerations as {"raw": n, "name": "..."}, flags as
    {"raw": n, "flag": bool, ...}, byte strings as hex, flexible arrays as lists of as many
    entries as the struct's count says. Any other struct comes out as its C fields: numbers,
    char arrays as text, byte arrays as hex, other arrays as lists, nested structs as dicts.
    Lists (what cxlmi_cmd_get_log_cel() returns) and tuples become lists, bytes hex."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    name = _STRUCT_NAMES.get(type(obj))
    if name is not None:
        text = _cxlmi._decoded_json(obj)
        if text is not None:
            import json

            return json.loads(text)
        return {field: to_dict(getattr(obj, field)) for field in _fields_of(name, type(obj))}
    if isinstance(obj, ArrayView):
        return _array_value(obj)
    if isinstance(obj, (bytes, bytearray, memoryview)):
        return bytes(obj).hex()
    if isinstance(obj, dict):
        return {str(k): to_dict(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_dict(v) for v in obj]
    raise TypeError(f"to_dict: expected a cxlmi struct, a list of them or bytes, not {type(obj).__name__}")


def _struct_to_dict(self):
    """This struct as plain Python values: cxlmi.to_dict(self)."""
    return to_dict(self)


# Every struct class has it: those made from now on (_STRUCT_METHODS), and those made at import.
_STRUCT_METHODS["to_dict"] = _struct_to_dict
for _cls in _STRUCT_NAMES:
    _cls.to_dict = _struct_to_dict
