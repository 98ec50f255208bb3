# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The Python half of the cxlmi module: appended by SWIG to the generated cxlmi.py (swig/cxlmi.i,
# `%pythoncode`), so it sees the generated classes and functions as globals.
#
# What lives here: array members as views, flexible arrays as lists sized by their count,
# commands callable with no arguments (a new payload object), the names the documents use,
# keyword arguments, the endpoint generators, the array helpers and the exception class, and what
# keeps scripts written for upstream's SWIG module running: attributes that are no field, stored as
# SWIG's proxies store them, and the names upstream renamed since (docs/python.md).

import _thread
import struct as _struct


class CXLMIError(RuntimeError):
    """A CXL command completed with a return code other than Success.

    A RuntimeError, as the documents say; `retcode` is the CXL return code, `function` the
    command that got it.
    """

    def __init__(self, function, retcode):
        self.function = function
        self.retcode = retcode
        name = cxlmi_cmd_retcode_tostr(retcode) or "unknown return code"
        RuntimeError.__init__(self, f"{function}: {name} (CXL return code {retcode:#x})")


_cxlmi._set_error_class(CXLMIError)


class CxlmiWarning(UserWarning):
    """An attribute set on a cxlmi struct is none of its fields.

    The value is kept on the Python object only (as SWIG's default proxy classes keep it), never
    written to the struct's memory, so no device sees it. Given once per struct class and name;
    `warnings.simplefilter("error", cxlmi.CxlmiWarning)` makes every such assignment raise.
    """


# CXL r3.1 Table 8-34, the return codes as the specification names them.
_RETCODE_NAMES = (
    "Success",
    "Background Command Started",
    "Invalid Input",
    "Unsupported",
    "Internal Error",
    "Retry Required",
    "Busy",
    "Media Disabled",
    "FW Transfer in Progress",
    "FW Transfer Out of Order",
    "FW Verification Failed",
    "Invalid Slot",
    "Activation Failed, FW Rolled Back",
    "Activation Failed, Cold Reset Required",
    "Invalid Handle",
    "Invalid Physical Address",
    "Inject Poison Limit Reached",
    "Permanent Media Failure",
    "Aborted",
    "Invalid Security State",
    "Incorrect Passphrase",
    "Unsupported Mailbox or CCI",
    "Invalid Payload Length",
    "Invalid Log",
    "Interrupted",
    "Unsupported Feature Version",
    "Unsupported Feature Selection Value",
    "Feature Transfer in Progress",
    "Feature Transfer Out of Order",
    "Resources Exhausted",
    "Invalid Extent List",
    "Transfer Out of Order",
    "Request Abort Not Supported",
)


def cxlmi_cmd_retcode_tostr(code):
    """The specification's name of a CXL return code ("Unsupported"), or None for an unknown one.

    The C function's longer descriptions are cxlmi_cmd_retcode_describe()."""
    if isinstance(code, int) and 0 <= code < len(_RETCODE_NAMES):
        return _RETCODE_NAMES[code]
    return None


def cxlmi_cmd_retcode_describe(code):
    """The C library's description of a CXL return code, as cxlmi_cmd_retcode_tostr() in C."""
    if not isinstance(code, int) or code < 0 or code > 0xFFFFFFFF:
        return None
    return _cxlmi._retcode_tostr(code)


# Event logs, the values of Get/Clear Event Records' `event_log` (CXL r3.1 Table 8-52).
CXLMI_EVENT_LOG_INFO = 0
CXLMI_EVENT_LOG_WARN = 1
CXLMI_EVENT_LOG_FAIL = 2
CXLMI_EVENT_LOG_FATAL = 3
CXLMI_EVENT_LOG_DYNAMIC_CAPACITY = 4


# ------------------------------------------------------------------------------------------------
# Struct memory: array members and flexible arrays.

_SCALAR_FORMATS = {
    "B": "<B",
    "b": "<b",
    "H": "<H",
    "h": "<h",
    "I": "<I",
    "i": "<i",
    "Q": "<Q",
    "q": "<q",
    "?": "<?",
    "c": "<B",
}


class ArrayView(object):
    """An array inside a struct, read and written in place.

    Indexing gives ints (byte and integer arrays) or struct objects that write through; bytes(view)
    is the raw memory; assigning bytes or a list to the struct member replaces the contents. The
    view keeps its struct alive, so it can outlive every other reference to it.
    """

    __slots__ = ("_owner", "_offset", "_count", "_esize", "_kind", "_elem", "__weakref__")

    def __init__(self, owner, offset, count, esize, kind, elem):
        self._owner = owner
        self._offset = offset
        self._count = count
        self._esize = esize
        self._kind = kind
        self._elem = elem

    def __len__(self):
        return self._count

    def _index(self, i):
        if not isinstance(i, int):
            raise TypeError(f"array indices must be integers, not {type(i).__name__}")
        if i < 0:
            i += self._count
        if not 0 <= i < self._count:
            raise IndexError(f"index out of range for an array of {self._count}")
        return self._offset + i * self._esize

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._count))]
        off = self._index(i)
        if self._kind == "S":
            return _view_of(self._owner, off, self._elem)
        raw = _cxlmi._read(self._owner, off, self._esize)
        return _struct.unpack(_SCALAR_FORMATS[self._kind], raw)[0]

    def __setitem__(self, i, value):
        if isinstance(i, slice):
            indices = range(*i.indices(self._count))
            values = list(value)
            if len(values) != len(indices):
                raise ValueError(f"{len(values)} values for a slice of {len(indices)} entries")
            # Every entry checked before any is written: a bad value leaves the array as it was.
            raw = [_entry_bytes(self._kind, self._elem, self._esize, v) for v in values]
            for j, entry in zip(indices, raw):
                _cxlmi._write(self._owner, self._offset + j * self._esize, entry)
            return
        off = self._index(i)
        _cxlmi._write(self._owner, off, _entry_bytes(self._kind, self._elem, self._esize, value))

    def __iter__(self):
        for i in range(self._count):
            yield self[i]

    def __bytes__(self):
        return _cxlmi._read(self._owner, self._offset, self._count * self._esize)

    def tolist(self):
        """The entries as a list (ints or struct objects)."""
        return list(self)

    def __eq__(self, other):
        if isinstance(other, (bytes, bytearray)):
            return bytes(self) == bytes(other)
        if isinstance(other, ArrayView):
            return bytes(self) == bytes(other)
        if isinstance(other, (list, tuple)):
            return self.tolist() == list(other)
        return NotImplemented

    __hash__ = None

    def __str__(self):
        if self._kind == "c":
            return bytes(self).split(b"\0", 1)[0].decode("utf-8", "replace")
        return str(self.tolist())

    def __repr__(self):
        what = self._elem if self._kind == "S" else self._elem or "bytes"
        return f"<cxlmi.ArrayView of {self._count} {what}: {bytes(self)[:32]!r}{'...' if self._count * self._esize > 32 else ''}>"


def _entry_bytes(kind, elem, esize, value):
    if kind == "S":
        cls = _deferred(elem)
        if not isinstance(value, cls):
            raise TypeError(f"expected a {elem}, not {type(value).__name__}")
        return _cxlmi._read(value, 0, esize)
    try:
        return _struct.pack(_SCALAR_FORMATS[kind], value)
    except _struct.error as e:
        raise ValueError(f"{value!r} does not fit a {esize}-byte entry: {e}") from None


def _view_of(owner, off, type_name):
    """The struct `type_name` at `off` in `owner`, as an object that keeps `owner` alive."""
    _deferred(type_name)  # SWIG makes the object of a registered class only
    obj = _cxlmi._member(owner, off, type_name)
    _setattr(obj, "_cxlmi_owner", owner)
    return obj


def _copy_of(type_name, raw):
    """A new, owned `type_name` holding `raw` (its fixed part, then any flexible entries)."""
    obj = _deferred(type_name)()
    _cxlmi._write(obj, 0, raw)
    return obj


_TYPES, _MEMBERS = _cxlmi._layout()
_SIZES = {name: (size, room) for name, size, room in _TYPES}


def _capacity(obj, type_name):
    size, room = _SIZES[type_name]
    return size + room if obj.thisown else size


def _fixed_property(tname, mname, off, size, esize, kind, elem):
    count = size // esize

    def get(self):
        return ArrayView(self, off, count, esize, kind, elem)

    def set(self, value):
        _assign(self, off, count, esize, kind, elem, value, f"{tname}.{mname}")

    return property(get, set, doc=f"{mname}: {count} x {elem} (an ArrayView)")


def _nested_property(tname, mname, off, elem):
    def get(self):
        return _view_of(self, off, elem)

    def set(self, value):
        _assign(self, off, 1, _SIZES[elem][0], "S", elem, [value], f"{tname}.{mname}")

    return property(get, set, doc=f"{mname}: struct {elem}, in place")


def _flexible_property(tname, mname, off, esize, kind, elem, count_member):
    """A flexible array member: as many entries as `count_member` says, within what the object
    holds. Without a count member (data the caller sizes), the length last assigned."""
    entry_flex = _FLEX.get(elem) if kind == "S" else None

    def room(self):
        return max(0, (_capacity(self, tname) - off) // esize)

    def get(self):
        if count_member:
            n = min(getattr(self, count_member), room(self))
        else:
            n = min(getattr(self, "_cxlmi_data_len", 0) // esize, room(self))
        if entry_flex:
            return _variable_entries(self, off, n, elem, entry_flex)
        return ArrayView(self, off, n, esize, kind, elem)

    def set(self, value):
        if isinstance(value, (bytes, bytearray, memoryview)) and kind in "Bc":
            value = bytes(value)
            _cxlmi._write(self, off, value)
            n = len(value)
        else:
            value = list(value)
            _assign(self, off, room(self), esize, kind, elem, value, f"{tname}.{mname}", pad=False)
            n = len(value)
        if not count_member:
            _setattr(self, "_cxlmi_data_len", n * esize)

    return property(
        get,
        set,
        doc=f"{mname}: the {elem} entries" + (f" counted by {count_member}" if count_member else " last assigned"),
    )


def _variable_entries(owner, off, n, elem, entry_flex):
    """Entries that each carry their own flexible list (VCS info blocks): copies, read in turn."""
    fixed = _SIZES[elem][0]
    sub_off, sub_esize, sub_count = entry_flex
    out = []
    for _ in range(n):
        head = _cxlmi._read(owner, off, fixed)
        entry = _copy_of(elem, head)
        k = getattr(entry, sub_count)
        whole = fixed + k * sub_esize
        entry = _copy_of(elem, _cxlmi._read(owner, off, whole))
        out.append(entry)
        off += whole
    return out


def _assign(obj, off, count, esize, kind, elem, value, what, pad=True):
    if isinstance(value, ArrayView):
        value = bytes(value) if kind != "S" else value.tolist()
    if isinstance(value, (bytes, bytearray, memoryview)) and kind != "S":
        raw = bytes(value)
        if len(raw) > count * esize:
            raise ValueError(f"{what}: {len(raw)} bytes do not fit in {count * esize}")
        if pad:
            raw += bytes(count * esize - len(raw))
        _cxlmi._write(obj, off, raw)
        return
    if isinstance(value, str):
        raise TypeError(f"{what}: expected bytes or a list, not str")
    value = list(value)
    if len(value) > count:
        raise ValueError(f"{what}: {len(value)} entries do not fit in {count}")
    raw = b"".join(_entry_bytes(kind, elem, esize, v) for v in value)
    if pad:
        raw += bytes((count - len(value)) * esize)
    _cxlmi._write(obj, off, raw)


# Struct types whose entries have a flexible list: name -> (offset, entry size, count member).
_FLEX = {
    t: (off, esize, count)
    for t, m, off, size, esize, kind, elem, count, array in _MEMBERS
    if array and size == 0 and count
}


def _member_property(t, m, off, size, esize, kind, elem, count, array):
    """The property serving an array or nested-struct member, which SWIG leaves to the module."""
    if not array:
        return _nested_property(t, m, off, elem)
    if size:
        return _fixed_property(t, m, off, size, esize, kind, elem)
    return _flexible_property(t, m, off, esize, kind, elem, count)


# python-bindings.md's array error example writes `req.passphrase` right after building a Set
# Passphrase request, which names its two passphrases current_ and new_: there `passphrase` is
# the one being set. (struct, alias) -> field.
_FIELD_ALIASES = {("cxlmi_cmd_memdev_set_passphrase_req", "passphrase"): "new_passphrase"}


class _RenamedField(property):
    """A field under the name upstream's SWIG-era module gave it (_RENAMED_FIELDS): reads and
    writes the field's current name, with a DeprecationWarning."""


def _renamed_field(tname, old, new):
    message = f"{tname}.{old} is deprecated: upstream libcxlmi renamed the field {new}"

    def get(self):
        import warnings as _warnings  # imported when first needed: most scripts never warn

        _warnings.warn(message, DeprecationWarning, stacklevel=2)
        return getattr(self, new)

    def set(self, value):
        # stacklevel 3: past this setter and the struct's __setattr__, to the assignment.
        import warnings as _warnings

        _warnings.warn(message, DeprecationWarning, stacklevel=3)
        setattr(self, new, value)

    return _RenamedField(get, set, doc=f"{old}: deprecated, the field {new}")


# Attributes. A field (any name the class has) is set as SWIG sets it, in the struct's memory.
# Any other name is stored on the Python object, as SWIG's default proxy classes store it
# (scripts written for upstream's module set such attributes and read them back), with a
# CxlmiWarning the first time a class is given that name: a misspelt field shows, and a
# working script keeps working. The known names are a set per class: setting a field costs a
# Python call and a set lookup more than SWIG's own proxies (docs/python.md has the figures).
_setattr = object.__setattr__
_WARNED = set()  # (class, name) already warned about


def _set_unknown(self, name, value):
    cls = type(self)
    # Not warned about: a user's subclass storing its own attributes, the module's bookkeeping
    # (_cxlmi_*), and names the class gained after it was set up (methods, properties).
    if cls in _STRUCT_NAMES and (cls, name) not in _WARNED and not name.startswith("_cxlmi") and not hasattr(cls, name):
        import warnings as _warnings

        _warnings.warn(
            f"{cls.__name__} has no field '{name}': the value is stored on the Python object only, not in the struct",
            CxlmiWarning,
            stacklevel=3,
        )
        # After the warning: under an "error" filter every such assignment raises.
        _WARNED.add((cls, name))
    _setattr(self, name, value)


def _struct_setattr(known):
    def __setattr__(self, name, value):
        if name in known:
            _setattr(self, name, value)
        else:
            _set_unknown(self, name, value)

    return __setattr__


def _struct_repr(self):
    fields = []
    for name in dir(type(self)):
        attr = getattr(type(self), name, None)
        if name.startswith("_") or name == "thisown" or not isinstance(attr, property):
            continue
        if isinstance(attr, _RenamedField):
            continue
        try:
            value = getattr(self, name)
        except Exception:  # a view past what the object holds: show nothing rather than fail
            continue
        fields.append(f"{name}={value if not isinstance(value, ArrayView) else bytes(value)[:16]!r}")
    return f"<cxlmi.{type(self).__name__} {' '.join(fields)}>"


def _struct_eq(self, other):
    if type(self) is not type(other):
        return NotImplemented
    size = _SIZES[type(self).__name__][0]
    return _cxlmi._read(self, 0, size) == _cxlmi._read(other, 0, size)


# dir(cls) of a struct class, whose only base is object, more cheaply (once per class).
_OBJECT_NAMES = frozenset(dir(object)) | {"this", "thisown", "_cxlmi_owner", "_cxlmi_data_len"}


# ------------------------------------------------------------------------------------------------
# Struct classes, made when first used: by cxlmi.NAME (the module's __getattr__), by the module's
# own code (_deferred()), or at import for the few the C layer returns (_EAGER_PROXIES).
# Making all 148 at import was most of what `import cxlmi` cost. A class holds what SWIG's proxy
# class held (defer_proxies.py took those out of this file: _STRUCT_PROXIES lists their fields)
# and what the module adds: the array and nested-struct members, the renamed fields, and the
# methods in _STRUCT_METHODS.

# Every struct class made, by class: its struct's name.
_STRUCT_NAMES = {}
# The methods every struct class has (cxlmi_pythonic.py adds to_dict).
_STRUCT_METHODS = {"__repr__": _struct_repr, "__eq__": _struct_eq, "__hash__": None}
_THISOWN = property(lambda x: x.this.own(), lambda x, v: x.this.own(v), doc="The membership flag")
# Two threads asking for a new class or command at once get the same one (the second waits).
_DEFER_LOCK = _thread.allocate_lock()
_MEMBERS_OF = None  # struct name -> its _MEMBERS rows, grouped on first use


def _struct_init(name):
    swiginit = getattr(_cxlmi, f"{name}_swiginit")
    new = getattr(_cxlmi, f"new_{name}")

    def __init__(self):
        swiginit(self, new())

    __init__.__doc__ = f"__init__(self) -> {name}"
    return __init__


def _make_struct_class(name):
    global _MEMBERS_OF
    if _MEMBERS_OF is None:
        _MEMBERS_OF = {}
        for row in _MEMBERS:
            _MEMBERS_OF.setdefault(row[0], []).append(row)
    ns = {"__doc__": f"Proxy of C {name} struct.", "__module__": __name__, "thisown": _THISOWN}
    for field in _STRUCT_PROXIES[name]:
        get = getattr(_cxlmi, f"{name}_{field}_get")
        ns[field] = property(get, getattr(_cxlmi, f"{name}_{field}_set", None), doc=field)
    ns["__init__"] = _struct_init(name)
    ns["__swig_destroy__"] = getattr(_cxlmi, f"delete_{name}")
    for row in _MEMBERS_OF.get(name, ()):
        ns[row[1]] = _member_property(*row)
    for (t, alias), field in _FIELD_ALIASES.items():
        if t == name:
            ns[alias] = ns[field]
    for (t, old), new in _RENAMED_FIELDS.items():
        if t == name:
            ns[old] = _renamed_field(t, old, new)
    ns.update(_STRUCT_METHODS)
    ns["__setattr__"] = _struct_setattr(_OBJECT_NAMES.union(ns))
    cls = type(name, (object,), ns)
    getattr(_cxlmi, f"{name}_swigregister")(cls)
    _STRUCT_NAMES[cls] = name
    return cls


def _deferred(name):
    """Module attribute `name`, a struct class (_STRUCT_PROXIES) or a command (_COMMANDS), made
    the first time it is asked for."""
    obj = globals().get(name)
    if obj is None:
        with _DEFER_LOCK:
            obj = globals().get(name)
            if obj is None:
                obj = _make_struct_class(name) if name in _STRUCT_PROXIES else _make_command(name)
                globals()[name] = obj
    return obj


for _name in _EAGER_PROXIES:
    _deferred(_name)


# ------------------------------------------------------------------------------------------------
# Byte arrays and struct arrays, the documented helpers.


def _as_view(array, what):
    if isinstance(array, ArrayView):
        return array
    raise TypeError(f"{what}: expected an array member of a cxlmi struct (an ArrayView), not {type(array).__name__}")


def cxlmi_array_get(array_ptr, size):
    """The first `size` bytes of a struct's array member, as bytes."""
    view = _as_view(array_ptr, "cxlmi_array_get")
    have = view._count * view._esize
    if not isinstance(size, int) or size < 0:
        raise ValueError(f"size must be a non-negative int, not {size!r}")
    if size > have:
        raise ValueError(f"Array too small: {size} bytes asked of an array of {have}")
    return _cxlmi._read(view._owner, view._offset, size)


def cxlmi_array_set(array_ptr, data, size):
    """Writes `data` to a struct's array member and zero-fills it up to `size` bytes."""
    view = _as_view(array_ptr, "cxlmi_array_set")
    if not isinstance(data, bytes):
        raise TypeError("Expected bytes object")
    have = view._count * view._esize
    if not isinstance(size, int) or size < 0:
        raise ValueError(f"size must be a non-negative int, not {size!r}")
    if len(data) > size:
        raise ValueError(f"Data too large: {len(data)} bytes for array of size {size}")
    if size > have:
        raise ValueError(f"Array too small: size {size} given for an array of {have} bytes")
    _cxlmi._write(view._owner, view._offset, data + bytes(size - len(data)))


def _array_family(prefix, type_name):
    esize = _SIZES[type_name][0]

    def check(array):
        view = _as_view(array, prefix)
        if view._elem != type_name:
            raise TypeError(f"{prefix}: the array holds {view._elem}, not {type_name}")
        return view

    def getitem(array, index):
        """A copy of entry `index`."""
        view = check(array)
        return _copy_of(type_name, _cxlmi._read(view._owner, view._index(index), esize))

    def setitem(array, index, value):
        """Writes `value` (a copy) to entry `index`."""
        view = check(array)
        if not isinstance(value, _deferred(type_name)):
            raise TypeError(f"{prefix}_setitem: expected a {type_name}, not {type(value).__name__}")
        _cxlmi._write(view._owner, view._index(index), _cxlmi._read(value, 0, esize))

    def cast(ptr):
        """The array as a view of {type_name} entries."""
        if isinstance(ptr, _deferred(type_name)):
            return ArrayView(ptr, 0, 1, esize, "S", type_name)
        return check(ptr)

    for fn, suffix in ((getitem, "getitem"), (setitem, "setitem"), (cast, "cast"), (cast, "frompointer")):
        f = (lambda g: lambda *a, **k: g(*a, **k))(fn)
        f.__name__ = f"{prefix}_{suffix}"
        f.__doc__ = fn.__doc__
        globals()[f.__name__] = f


for _prefix, _type in _ARRAY_FAMILIES:
    _array_family(_prefix, _type)


# ------------------------------------------------------------------------------------------------
# Commands: called with no arguments, a command gives a new object of its payload (the response
# when it has one, else the request), the form the documents use:
#     ident = cxlmi.cxlmi_cmd_identify(); cxlmi.cxlmi_cmd_identify(ep, None, ident)


class _NoArgument(object):
    """The default of every command parameter: a command called with none makes its payload."""

    def __repr__(self):
        return "<no argument>"


_NOARG = _NoArgument()


_REQUIRED = _NoArgument()  # a parameter _cxlmi._command refuses to leave out


def _command(name, raw, payload, params):
    """`name`: `raw` (SWIG's function) taking `params` by position or keyword, called from C
    (swig/cxlmi.i, cxlmi_py_command_call: no Python frame in between); with no arguments it
    returns a new struct `payload` (a name)."""

    def make():
        if payload is None:
            raise TypeError(f"{name}() takes {', '.join(params)} (ti None for no tunnel)")
        return _deferred(payload)()

    doc = f"{name}({', '.join(params)}) -> int: 0, or raises OSError or CXLMIError." + (
        f"\nWith no arguments, returns a new {payload}." if payload else ""
    )
    return _cxlmi._command(name, raw, tuple(params), (_NOARG,) * len(params), _REQUIRED, make, doc)


def _data_command(name, raw, payload, member):
    def command(ep=_NOARG, ti=None, req=None, data_sz=None):
        if ep is _NOARG:
            return _deferred(payload)()
        if data_sz is None:
            data_sz = getattr(req, "_cxlmi_data_len", 0)
        return raw(ep, ti, req, data_sz)

    command.__name__ = command.__qualname__ = name
    command.__doc__ = (
        f"{name}(ep, ti, in, data_sz=None): sends in and data_sz bytes of "
        f"in.{member}; data_sz defaults to the length last assigned to in.{member}."
    )
    return command


# The commands, made when first used (_deferred(), as the struct classes): name -> (input struct,
# output struct, parameters). defer_proxies.py took SWIG's wrappers of them out of this file.
_COMMANDS = {name: (i, o, params) for name, i, o, params in _COMMAND_SHAPES if hasattr(_cxlmi, name)}


def _make_command(name):
    i, o, params = _COMMANDS[name]
    payload = (o or i) if (o or i) in _STRUCT_PROXIES else None
    raw = getattr(_cxlmi, name)
    member = _DATA_MEMBERS.get(name)  # a command sending a byte array after its input's fixed part
    if member:
        return _data_command(name, raw, payload, member)
    return _command(name, raw, payload, params)


def cxlmi_cmd_get_log_cel(ep=_NOARG, ti=None, req=None, ret=None):
    """Reads the Command Effects Log (0401h): in.length / 4 entries.

    With `ret` (a cxlmi_cmd_get_log_cel_rsp) the entries are written there, as in C, and 0 is
    returned; without it, the list of entries is returned. With no arguments, a new request."""
    if ep is _NOARG:
        return _deferred("cxlmi_cmd_get_log_req")()
    into = ret if ret is not None else _deferred("cxlmi_cmd_get_log_cel_rsp")()
    rc = _cxlmi.cxlmi_cmd_get_log_cel(ep, ti, req, into)
    if ret is not None:
        return rc
    esize = _SIZES["cxlmi_cmd_get_log_cel_rsp"][0]
    n = min(req.length // esize, _capacity(into, "cxlmi_cmd_get_log_cel_rsp") // esize)
    return [_copy_of("cxlmi_cmd_get_log_cel_rsp", _cxlmi._read(into, i * esize, esize)) for i in range(n)]


# The names and shapes the documents use where the C API has others.
cxlmi_cmd_request_bg_operation_abort = _deferred("cxlmi_cmd_request_bg_op_abort")
cxlmi_cmd_fmapi_get_host_dc_region_config = _deferred("cxlmi_cmd_fmapi_get_dc_reg_config")


# Module attributes made when first asked for: name -> function making it (cxlmi_pythonic.py's
# logger).
_LAZY = {}


def __getattr__(name):
    """A struct class not made yet is made (_deferred()). The names upstream renamed since its
    SWIG-era module (_RENAMED: structs, functions, constants) are the objects of their new names,
    reached with a DeprecationWarning, as the C header keeps its old command names. The _LAZY
    names are made here on first use; so is __all__."""
    if name in _STRUCT_PROXIES or name in _COMMANDS:
        return _deferred(name)
    make = _LAZY.get(name)
    if make is not None:
        return make()
    new = _RENAMED.get(name)
    if new is None:
        raise AttributeError(f"module 'cxlmi' has no attribute '{name}'")
    import warnings as _warnings

    _warnings.warn(f"cxlmi.{name} is deprecated: upstream libcxlmi renamed it {new}", DeprecationWarning, stacklevel=2)
    return globals()[new] if new in globals() else _deferred(new)


def __dir__():
    """The module's names, the struct classes and commands not made yet among them (not the
    renamed ones)."""
    return sorted(set(globals()).union(_STRUCT_PROXIES, _COMMANDS))


def _all():
    """`from cxlmi import *` takes every public name, as from a module without __all__, the
    struct classes and commands not made yet among them (which makes them)."""
    return [n for n in __dir__() if not n.startswith("_")]


_LAZY["__all__"] = _all


# ------------------------------------------------------------------------------------------------
# Contexts and endpoints.

# The handle types, made by the C layer (swig/cxlmi.i).
cxlmi_ctx = _cxlmi.cxlmi_ctx
cxlmi_endpoint = _cxlmi.cxlmi_endpoint


def cxlmi_open(ctx, devname):
    """Opens the CXL mailbox device `devname`: "mem0" or "/dev/cxl/mem0"."""
    if isinstance(devname, str) and devname.startswith("/dev/cxl/"):
        devname = devname[len("/dev/cxl/") :]
    return _cxlmi.cxlmi_open(ctx, devname)


def cxlmi_open_mctp(ctx, net=None, eid=None, netid=None):
    """Opens the MCTP endpoint `eid` on MCTP network `net` (also accepted as `netid`, the C name)."""
    if net is None:
        net = netid
    if net is None or eid is None:
        raise TypeError("cxlmi_open_mctp() needs net and eid")
    return _cxlmi.cxlmi_open_mctp(ctx, net, eid)


_new_ctx = cxlmi_new_ctx


def cxlmi_new_ctx(fp, log_level):
    """A library context logging up to syslog level `log_level` to `fp` (None: standard error;
    or an open Python file)."""
    if fp is not None and hasattr(fp, "flush"):
        fp.flush()
    return _new_ctx(fp, log_level)


def cxlmi_cmd_vendor_specific(ep=_NOARG, ti=None, opcode=None, data=b"", ret_size=0):
    """Sends vendor-specific command `opcode` (C000h-FFFFh) with `data` as its payload; returns the
    `ret_size` bytes of the response payload."""
    if ep is _NOARG or opcode is None:
        raise TypeError("cxlmi_cmd_vendor_specific() takes ep, ti, opcode, data=b'', ret_size=0")
    return _cxlmi.cxlmi_cmd_vendor_specific(ep, ti, opcode, data, ret_size)


# cxlmi_mock_set_response(ep, command_set, command, return_code=0, payload=b""), called from C as
# the commands are.
cxlmi_mock_set_response = _cxlmi._command(
    "cxlmi_mock_set_response",
    _cxlmi.cxlmi_mock_set_response,
    ("ep", "command_set", "command", "return_code", "payload"),
    (_REQUIRED, _REQUIRED, _REQUIRED, 0, b""),
    _REQUIRED,
    None,
    "cxlmi_mock_set_response(ep, command_set, command, return_code=0, payload=b'')\n\n"
    "Queues the response (return code, payload bytes) for the next command with this opcode.",
)


def endpoints(ctx):
    """Yields every endpoint open under `ctx`."""
    ep = cxlmi_first_endpoint(ctx)
    while ep is not None:
        yield ep
        ep = cxlmi_next_endpoint(ctx, ep)


def for_each_endpoint_safe(ctx):
    """As endpoints(), but the next endpoint is found first, so the loop body may close the one it has."""
    ep = cxlmi_first_endpoint(ctx)
    while ep is not None:
        following = cxlmi_next_endpoint(ctx, ep)
        yield ep
        ep = following
