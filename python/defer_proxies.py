#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs SWIG on the interface and writes the module's cxlmi.py with its struct classes and
commands made when first used, not at import.

    defer_proxies.py OUT_C OUT_PY SWIG [SWIG_ARGS...] INTERFACE

SWIG writes OUT_C (cxlmi_wrap.c) as usual and its cxlmi.py into a scratch directory; OUT_PY is
that file with every struct's proxy class taken out and, in place of the first, a table of what
each class holds, from which the module's _deferred() (cxlmi_extra.py) makes it on first use.
SWIG's Python wrappers of the commands (those _COMMAND_SHAPES lists) are taken out too: the
module makes its own in their place, also on first use.

Why: SWIG makes a class for each of the 148 payload structs at import, and the module then
decorates every one (array views, __setattr__, __eq__, to_dict): over half of what `import
cxlmi` cost, for classes a script mostly never touches. The command wrappers, each replaced by
the module, cost another tenth.

SWIG's proxy classes for C structs are all of one shape: a docstring, `thisown`, `__repr__`, one
property per scalar field over _cxlmi.NAME_FIELD_get and, unless the field is read-only,
_cxlmi.NAME_FIELD_set, an `__init__` calling _cxlmi.NAME_swiginit(self, _cxlmi.new_NAME()),
`__swig_destroy__` and _cxlmi.NAME_swigregister(NAME). Every line of every class is checked
against that shape: a SWIG that writes anything else fails the build instead of having it lost.
The table keeps the fields in order; the module finds the setters by name.

The C layer returns some structs as proxy objects (SWIG_NewPointerObj without SWIG_POINTER_NEW:
tunnel infos). SWIG makes the proxy only if the class is registered, so those classes are listed
for the module to make at import (_EAGER_PROXIES), found in OUT_C rather than named here.
"""

import ast
import os
import re
import subprocess
import sys
import tempfile

CLASS = re.compile(r"class (\w+)\(object\):$")
# The lines of a class body, NAME standing for the class's name.
BODY = [
    r'    r"""Proxy of C NAME struct\."""$',
    r"$",
    r'    thisown = property\(lambda x: x\.this\.own\(\), lambda x, v: x\.this\.own\(v\), doc="The membership flag"\)$',
    r"    __repr__ = _swig_repr$",
    r"    def __init__\(self\):$",
    r'        r"""__init__\(self\) -> NAME"""$',
    r"        _cxlmi\.NAME_swiginit\(self, _cxlmi\.new_NAME\(\)\)$",
    r"    __swig_destroy__ = _cxlmi\.delete_NAME$",
    r"# Register NAME in _cxlmi:$",
]
FIELD = r'    (\w+) = property\(_cxlmi\.NAME_(\w+)_get(?:, _cxlmi\.NAME_(\w+)_set)?, doc=r"""[^"]*"""\)$'
# SWIG's wrapper of a function: its def line, docstring, and a call of the C function.
WRAPPER_DEF = re.compile(r"def (\w+)\(([\w, ]*)\):$")
WRAPPER_BODY = re.compile(r'    r"""$|    [^"]*$|    """$|$')
# The command table gen_bindings.py puts in cxlmi.py: (function, input, output, parameters).
SHAPES = re.compile(r"^_COMMAND_SHAPES = (\(.*?^\))$", re.M | re.S)
# A struct the C layer hands out as a proxy object.
RETURNED = re.compile(r"SWIG_NewPointerObj\([^;]*?SWIGTYPE_p_(\w+), ([^;]*)\);")


def fail(message):
    sys.exit(f"defer_proxies.py: {message}")


def take_classes(lines):
    """SWIG's cxlmi.py without its struct classes, the first one's place marked with None; and
    {struct: (field, ...)} in SWIG's order."""
    out = []
    classes = {}
    i = 0
    while i < len(lines):
        m = CLASS.match(lines[i])
        # Only SWIG's own classes end in a swigregister call; the module's Python classes
        # (cxlmi_extra.py's) do not, and stay.
        register = f"_cxlmi.{m.group(1)}_swigregister({m.group(1)})" if m else None
        if not m or register not in lines[i:]:
            out.append(lines[i])
            i += 1
            continue
        name = m.group(1)
        end = lines.index(register, i)
        body = [re.compile(p.replace("NAME", re.escape(name))) for p in BODY]
        field = re.compile(FIELD.replace("NAME", re.escape(name)))
        fields = []
        for line in lines[i + 1 : end]:
            f = field.match(line)
            if f:
                if f.group(2) != f.group(1) or f.group(3) not in (None, f.group(1)):
                    fail(f"{name}.{f.group(1)}: accessors named otherwise than {name}_{f.group(1)}_get/_set")
                fields.append(f.group(1))
            elif not any(p.match(line) for p in body):
                fail(f"class {name}: a line SWIG's struct classes do not have: {line!r}")
        if not classes:
            out.append(None)
        classes[name] = tuple(fields)
        i = end + 1
    return out, classes


def take_commands(lines, commands):
    """`lines` without SWIG's wrappers of `commands`, each checked to be one."""
    out = []
    taken = set()
    i = 0
    while i < len(lines):
        m = WRAPPER_DEF.match(lines[i])
        if not m or m.group(1) not in commands:
            out.append(lines[i])
            i += 1
            continue
        name, args = m.groups()
        end = i + 1
        while end < len(lines) and not lines[end].startswith("    return "):
            if not WRAPPER_BODY.match(lines[end]):
                fail(f"def {name}: a line SWIG's function wrappers do not have: {lines[end]!r}")
            end += 1
        if end == len(lines) or lines[end] != f"    return _cxlmi.{name}({args})":
            fail(f"def {name}: not SWIG's wrapper of _cxlmi.{name}")
        taken.add(name)
        i = end + 1
    return out, taken


def eager(wrap_c, classes):
    """The structs cxlmi_wrap.c returns as proxy objects: those with a class, made with flags
    other than SWIG_POINTER_NEW (which asks for no proxy)."""
    found = set()
    for m in RETURNED.finditer(wrap_c):
        if m.group(1) in classes and "SWIG_POINTER_NEW" not in m.group(2):
            found.add(m.group(1))
    return tuple(sorted(found))


def main(argv):
    if len(argv) < 5:
        fail("usage: defer_proxies.py OUT_C OUT_PY SWIG [SWIG_ARGS...] INTERFACE")
    out_c, out_py, swig, swig_args = argv[1], argv[2], argv[3], argv[4:]
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run([swig, *swig_args[:-1], "-o", out_c, "-outdir", scratch, swig_args[-1]], check=True)
        with open(os.path.join(scratch, "cxlmi.py"), encoding="utf-8") as f:
            lines = f.read().split("\n")
    with open(out_c, encoding="utf-8") as f:
        wrap_c = f.read()
    shapes = SHAPES.search("\n".join(lines))
    if not shapes:
        fail("no _COMMAND_SHAPES in SWIG's cxlmi.py (gen_bindings.py writes it)")
    lines, taken = take_commands(lines, {shape[0] for shape in ast.literal_eval(shapes.group(1))})
    if not taken:
        fail("SWIG wrote no command wrappers")
    out, classes = take_classes(lines)
    if not classes:
        fail("SWIG wrote no struct classes")
    table = [
        "# Each struct's class, made when first used (cxlmi_extra.py, _deferred()): its scalar",
        "# fields in order (python/defer_proxies.py took SWIG's classes out of this file).",
        "_STRUCT_PROXIES = {",
        *(f"    {name!r}: {fields!r}," for name, fields in classes.items()),
        "}",
        "# The structs the C layer returns as proxy objects: their classes are made at import.",
        f"_EAGER_PROXIES = {eager(wrap_c, classes)!r}",
    ]
    at = out.index(None)
    out[at : at + 1] = table
    tmp = out_py + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    os.replace(tmp, out_py)


if __name__ == "__main__":
    main(sys.argv)
