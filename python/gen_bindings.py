#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Generates what the Python module needs to know about the C API, from the C API itself.

    gen_bindings.py SOURCE_DIR OUT_I OUT_PYI REGISTRY_JSON

reads SOURCE_DIR/include/cxlmi/api-types.h (the payload structs), SOURCE_DIR/include/libcxlmi.h,
include/cxlmi/test.h and include/cxlmi/emulator.h (the functions) and REGISTRY_JSON, the core's
command registry as the build prints it (`cxlmi-registry`: which field counts each flexible
array's entries), and writes

  OUT_I    a SWIG fragment that swig/cxlmi.i includes: %ignore for every array and nested-struct
           member (the module serves those itself, bounds-checked), constructors that give a
           struct with a flexible array room for everything a command may write there, and the
           table of member layouts (offsets and sizes computed by the C compiler, so the CXL 2.0
           layouts come out right too) and of command shapes;
  OUT_PYI  type stubs (cxlmi.pyi), so editors complete every function, struct and field.

Run by meson at build time; nothing it writes is committed.
"""

import json
import os
import re
import sys

# Flexible arrays whose entry count the library does not take from an item_counts! entry
# (the registry's item_counts): (struct, member) -> the member holding the count, or None for a
# byte buffer whose length the caller passes (the byte arrays of inputs whose command takes a
# trailing size_t NAME_sz need no entry: they are found from the prototypes).
EXTRA_COUNTS = {
    ("cxlmi_cmd_fmapi_vcs_info_block", "vppbs"): "num_vppbs",
    # Entries of variable size: each block is followed by its own num_vppbs vPPBs.
    ("cxlmi_cmd_fmapi_get_vcs_info_rsp", "vcs_info_list"): "num_vcs",
    ("cxlmi_cci_msg", "payload"): None,
}

# Names upstream libcxlmi renamed between its SWIG-era module (commit b7e92bf) and its current
# header, old -> new: structs, functions (and enums and constants, of which there are none yet).
# The C header keeps the old structs and functions as declarations of their own (compat.rs); in
# Python the old name is the new object, reached through a DeprecationWarning (cxlmi_extra.py),
# so SWIG wraps only the new ones.
RENAMED = {
    "cxlmi_cmd_get_scan_media_capabilities_req": "cxlmi_cmd_memdev_get_scan_media_capabilities_req",
    "cxlmi_cmd_get_scan_media_capabilities_rsp": "cxlmi_cmd_memdev_get_scan_media_capabilities_rsp",
    "cxlmi_cmd_scan_media_req": "cxlmi_cmd_memdev_scan_media_req",
    "cxlmi_cmd_get_scan_media_results_rsp": "cxlmi_cmd_memdev_get_scan_media_results_rsp",
    "cxlmi_cmd_get_scan_media_capabilities": "cxlmi_cmd_memdev_get_scan_media_capabilities",
    "cxlmi_cmd_scan_media": "cxlmi_cmd_memdev_scan_media",
    "cxlmi_cmd_get_scan_media_results": "cxlmi_cmd_memdev_get_scan_media_results",
}

# Fields renamed the same way: (struct, old field) -> new field. The old name reads and writes the
# new field, with a DeprecationWarning.
RENAMED_FIELDS = {
    # "fix ingress port id typo"
    ("cxlmi_cmd_fmapi_identify_sw_device_rsp", "ingres_port_id"): "ingress_port_id",
}

# Outputs that are an array of the named struct, not one struct: the room rule below applies.
ARRAY_OUTPUTS = {"cxlmi_cmd_get_log_cel_rsp"}

# Functions whose output is a plain buffer (`void *ret`), and where its size comes from.
BYTES_OUTPUTS = {
    "cxlmi_cmd_get_log": "in->length",
    "cxlmi_cmd_memdev_get_lsa": "in->length",
    "cxlmi_cmd_memdev_security_receive": "264",
    "cxlmi_cmd_vendor_specific": "ret_size",
}

# The struct-array helpers the documents name, <prefix>_getitem/_setitem/_cast/_frompointer, and
# the entry struct of each (python/cxlmi_extra.py makes them).
ARRAY_FAMILIES = (
    ("EventRecordArray", "cxlmi_event_record"),
    ("SupportedLogEntryArray", "cxlmi_supported_log_entry"),
    ("MediaErrRecordArray", "cxlmi_memdev_media_err_record"),
    ("PortStateInfoArray", "cxlmi_cmd_fmapi_port_state_info_block"),
    ("DCRegionConfigArray", "cxlmi_dc_region_config"),
    ("FMAPIDCRegionConfigArray", "cxlmi_fmapi_dc_region_config"),
    ("MemdevGetListExtentArray", "cxlmi_memdev_get_list_extent"),
    ("MemdevDCExtentArray", "cxlmi_memdev_dc_extent"),
    ("FMAPIDCExtentArray", "cxlmi_fmapi_dc_extent"),
)

SCALARS = {
    "uint8_t": ("B", "int"),
    "int8_t": ("b", "int"),
    "uint16_t": ("H", "int"),
    "int16_t": ("h", "int"),
    "uint32_t": ("I", "int"),
    "int32_t": ("i", "int"),
    "uint64_t": ("Q", "int"),
    "int64_t": ("q", "int"),
    "bool": ("?", "bool"),
    "char": ("c", "int"),
}


def strip_comments(text):
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)


def parse_structs(text):
    """[(name, [field])]: field = dict(name, ctype, struct, dims, cond) in declaration order."""
    structs = []
    text = strip_comments(text)
    for m in re.finditer(r"^struct (?:__attribute__\(\(packed\)\) )?(\w+) \{(.*?)^\};", text, re.S | re.M):
        fields, cond = [], None
        for raw in m.group(2).splitlines():
            line = raw.strip()
            if not line:
                continue
            if line.startswith("#if"):
                cond = line
                continue
            if line.startswith("#endif"):
                cond = None
                continue
            line = line.rstrip(";").strip()
            if not line:
                continue
            fm = re.match(r"(struct\s+\w+|enum\s+\w+|\w+)\s+(\w+)\s*(\[[^\]]*\])?$", line)
            if not fm:
                raise SystemExit(f"gen_bindings: cannot read member '{line}' of struct {m.group(1)}")
            ctype, name, dims = fm.groups()
            fields.append(
                {
                    "name": name,
                    "ctype": ctype,
                    "struct": ctype.split()[1] if ctype.startswith("struct ") else None,
                    "dims": None if dims is None else dims[1:-1],
                    "cond": cond,
                }
            )
        structs.append((m.group(1), fields))
    return structs


def parse_functions(text):
    """[(name, return type, [(ctype, param name)])] of every cxlmi_* prototype."""
    text = strip_comments(text)
    out = []
    for m in re.finditer(r"^([\w][\w \*]*?)\s*\b(cxlmi_\w+)\(([^)]*)\);", text, re.S | re.M):
        params = []
        for p in " ".join(m.group(3).split()).split(","):
            p = p.strip()
            if p in ("", "void"):
                continue
            pm = re.match(r"(.*?)(\w+)$", p)
            params.append((pm.group(1).strip(), pm.group(2)))
        out.append((m.group(2), " ".join(m.group(1).split()), params))
    return out


def read_registry(registry_json):
    """The registry the build printed: {struct: the field counting its entries}, and the
    constants the module offers ({name: value})."""
    with open(registry_json, encoding="utf-8") as f:
        registry = json.load(f)
    return registry["item_counts"], registry["constants"]


def main():
    src, out_i, out_pyi, registry_json = sys.argv[1:5]
    structs = parse_structs(open(os.path.join(src, "include/cxlmi/api-types.h"), encoding="utf-8").read())
    functions = parse_functions(open(os.path.join(src, "include/libcxlmi.h"), encoding="utf-8").read())
    functions += parse_functions(open(os.path.join(src, "include/cxlmi/test.h"), encoding="utf-8").read())
    functions += parse_functions(open(os.path.join(src, "include/cxlmi/emulator.h"), encoding="utf-8").read())
    functions += parse_functions(open(os.path.join(src, "include/cxlmi/target.h"), encoding="utf-8").read())
    item_counts, registry_constants = read_registry(registry_json)
    # The old names are Python aliases of the new (cxlmi_extra.py), not classes or functions of their own.
    structs = [s for s in structs if s[0] not in RENAMED]
    functions = [f for f in functions if f[0] not in RENAMED]
    known = {name for name, _ in structs}

    # Inputs whose trailing bytes the caller sizes: the function's last parameter is size_t NAME_sz.
    sized_inputs = {
        p[0].split()[1]
        for _, _, params in functions
        for p in params
        if p[1] == "in" and p[0].startswith("struct ") and params[-1][0] == "size_t" and params[-1][1].endswith("_sz")
    }

    # Flexible members and what counts them.
    flex = {}
    for name, fields in structs:
        for f in fields:
            if f["dims"] == "":
                key = (name, f["name"])
                if key in EXTRA_COUNTS:
                    flex[name] = (f["name"], EXTRA_COUNTS[key])
                elif name in item_counts:
                    flex[name] = (f["name"], item_counts[name])
                elif f["ctype"] == "uint8_t" and name in sized_inputs:
                    flex[name] = (f["name"], None)
                else:
                    raise SystemExit(
                        f"gen_bindings: nothing says how many entries {name}.{f['name']} has: "
                        "add it to item_counts! (core/src/commands) or EXTRA_COUNTS"
                    )
    roomy = sorted(set(flex) | ARRAY_OUTPUTS)

    swig = ["/* Generated by python/gen_bindings.py from the C headers; do not edit. */", ""]
    swig += [f"%ignore {old};" for old in RENAMED]
    # Members the module serves itself (python/cxlmi_extra.py): arrays and nested structs.
    served = []
    for name, fields in structs:
        for f in fields:
            if f["dims"] is not None or f["struct"]:
                swig.append(f"%ignore {name}::{f['name']};")
                served.append((name, f))
    swig.append("")
    # Room: a struct with a flexible array, created from Python, can hold any response payload.
    for name in roomy:
        swig += [
            f"%extend {name} {{",
            f"    {name}() {{",
            f"        return (struct {name} *)calloc(1, sizeof(struct {name}) + CXLMI_PY_ROOM);",
            "    }",
            "}",
        ]
    swig.append("")
    swig.append("%{")
    swig.append("static const struct cxlmi_py_type cxlmi_py_types[] = {")
    for name, _ in structs:
        swig.append(
            f'    {{ "_p_{name}", "{name}", sizeof(struct {name}), {"CXLMI_PY_ROOM" if name in roomy else "0"} }},'
        )
    swig.append("};")
    swig.append("static const struct cxlmi_py_member cxlmi_py_members[] = {")
    for name, f in served:
        elem = f["struct"] or f["ctype"]
        kind = "S" if f["struct"] else SCALARS[f["ctype"]][0]
        count = ""
        if f["dims"] == "":
            count = flex[name][1] or ""
        line = (
            f'    {{ "{name}", "{f["name"]}", offsetof(struct {name}, {f["name"]}), '
            + ("0" if f["dims"] == "" else f"sizeof(((struct {name} *)0)->{f['name']})")
            + f', sizeof({f["ctype"]}), \'{kind}\', "{elem}", "{count}", '
            + ("1" if f["dims"] is not None else "0")
            + " },"
        )
        if f["cond"]:
            swig += [f["cond"], line, "#endif"]
        else:
            swig.append(line)
    swig.append("};")
    swig.append("%}")
    swig.append("")

    # Command shapes for the Python side: name -> (input struct, output struct, extra parameters).
    commands = []
    data_members = {}
    for name, ret, params in functions:
        if not name.startswith("cxlmi_cmd_") or name == "cxlmi_cmd_retcode_tostr":
            continue
        ins = [p for p in params[2:] if p[1] == "in" and p[0].startswith("struct ")]
        outs = [p for p in params[2:] if p[1] == "ret" and p[0].startswith("struct ")]
        in_t = ins[0][0].split()[1] if ins else None
        out_t = outs[0][0].split()[1] if outs else None
        # The Python parameters: `in` is a Python keyword; a plain-buffer output is returned.
        py_params = ["req" if p[1] == "in" else p[1] for p in params if not (name in BYTES_OUTPUTS and p[1] == "ret")]
        commands.append((name, in_t, out_t, py_params))
        # A command sending the bytes of its input's flexible array, however many the caller
        # says (its last parameter, a size_t NAME_sz): Python sends what was assigned to it.
        if in_t in flex and flex[in_t][1] is None and params[-1][0] == "size_t" and params[-1][1].endswith("_sz"):
            data_members[name] = flex[in_t][0]
    # A command's int is a status: 0, -1 with errno, or a CXL return code (swig/cxlmi.i).
    # Other Python threads run while a command waits for a device; an endpoint answered from
    # memory (the mock) answers at once, and is spared the cost of handing the GIL over. `slot1`
    # is the endpoint's slot, found by the endpoint typemap of swig/cxlmi.i (ep is argument 1).
    for c in commands:
        swig.append(f"%typemap(out) int {c[0]} = int CXLMI_PY_STATUS;")
        swig += [
            f"%exception {c[0]} {{",
            "    if (slot1->in_memory) {",
            "        $action",
            "    } else {",
            "        Py_BEGIN_ALLOW_THREADS",
            "        $action",
            "        Py_END_ALLOW_THREADS",
            "    }",
            "}",
        ]
        # cxlmi_extra.py's wrapper takes the keywords and calls positionally (faster to parse).
        swig.append(f'%feature("kwargs", "0") {c[0]};')
    swig.append("%pythoncode %{")
    swig.append("# (function, input struct, output struct, Python parameter names), from libcxlmi.h")
    swig.append("_COMMAND_SHAPES = (")
    for c in commands:
        swig.append(f"    {c!r},")
    swig.append(")")
    swig.append("# Commands sending their input's byte array: {function: member}")
    swig.append(f"_DATA_MEMBERS = {data_members!r}")
    swig.append("# Units the core defines (the registry's constants)")
    for name, value in registry_constants.items():
        swig.append(f"{name} = {value}")
    swig.append("# Every payload struct's fields in C order (python/cxlmi_pythonic.py's to_dict)")
    swig.append("_STRUCT_FIELDS = " + repr({name: tuple(f["name"] for f in fields) for name, fields in structs}))
    swig.append("# Names upstream renamed: {old: new}, {(struct, old field): new field}")
    swig.append(f"_RENAMED = {RENAMED!r}")
    swig.append(f"_RENAMED_FIELDS = {RENAMED_FIELDS!r}")
    swig.append("# The struct-array helper families: (prefix, entry struct)")
    swig.append(f"_ARRAY_FAMILIES = {ARRAY_FAMILIES!r}")
    swig.append("%}")
    write(out_i, "\n".join(swig) + "\n")
    types_text = strip_comments(open(os.path.join(src, "include/cxlmi/api-types.h"), encoding="utf-8").read())
    constants = re.findall(r"^#define ((?:CXL|CXLMI)_\w+) ", types_text, re.M)
    for body in re.findall(r"^enum \w+ \{(.*?)\};", types_text, re.S | re.M):
        constants += re.findall(r"^\s*(CXLMI_\w+)", body, re.M)
    write(
        out_pyi, stubs(structs, served, flex, functions, commands, constants + list(registry_constants), data_members)
    )


PY_TYPES = {
    "int": "int",
    "unsigned int": "int",
    "bool": "bool",
    "void": "None",
    "const char *": "str",
    "uint8_t": "int",
    "uint16_t": "int",
    "size_t": "int",
}


# What python/cxlmi_extra.py adds beyond the C API, for the stubs.
EXTRA_STUBS = """
CXLMI_EVENT_LOG_INFO: int
CXLMI_EVENT_LOG_WARN: int
CXLMI_EVENT_LOG_FAIL: int
CXLMI_EVENT_LOG_FATAL: int
CXLMI_EVENT_LOG_DYNAMIC_CAPACITY: int
def cxlmi_cmd_retcode_describe(code: int) -> Optional[str]: ...
def cxlmi_cmd_request_bg_operation_abort(ep: cxlmi_endpoint, ti: Optional[cxlmi_tunnel_info]) -> int: ...
def cxlmi_cmd_fmapi_get_host_dc_region_config(ep: cxlmi_endpoint, ti: Optional[cxlmi_tunnel_info],
        req: cxlmi_cmd_fmapi_get_host_dc_region_config_req, ret: cxlmi_cmd_fmapi_get_host_dc_region_config_rsp) -> int: ...
"""


def stubs(structs, served, flex, functions, commands, constants, data_members):
    served_names = {(s, f["name"]) for s, f in served}
    lines = [
        "# Generated by python/gen_bindings.py from the C headers: the cxlmi module's types.",
        "from typing import Any, Iterator, List, Optional, Sequence, Tuple, Union, overload",
        "",
        "Buffer = Union[bytes, bytearray]",
        "",
    ]
    lines += [
        "class ArrayView(Sequence[Any]):",
        '    """A struct\'s array member, read and written in place; keeps its struct alive."""',
        "    def __len__(self) -> int: ...",
        "    def __getitem__(self, i: Any) -> Any: ...",
        "    def __setitem__(self, i: Any, value: Any) -> None: ...",
        "    def __bytes__(self) -> bytes: ...",
        "",
        "class CXLMIError(RuntimeError):",
        "    retcode: int",
        "    function: str",
        "",
        "class CxlmiWarning(UserWarning):",
        '    """Setting an attribute that is no field of a struct (stored on the object only)."""',
        "",
        # The handle classes and the Pythonic extras (python/cxlmi_pythonic.py): their stubs.
        *open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "cxlmi_pythonic.pyi"), encoding="utf-8")
        .read()
        .splitlines(),
        "",
    ]
    for name, fields in structs:
        lines.append(f"class {name}(_CxlmiStruct):")
        lines.append("    def __init__(self) -> None: ...")
        for f in fields:
            if (name, f["name"]) in served_names:
                if f["dims"] is None:
                    lines.append(f"    {f['name']}: {f['struct']}")
                else:
                    # Read as a view; a whole member may be assigned bytes or a list (cxlmi_extra.py).
                    lines += [
                        "    @property",
                        f"    def {f['name']}(self) -> ArrayView: ...",
                        f"    @{f['name']}.setter",
                        f"    def {f['name']}(self, value: Union[ArrayView, Buffer, Sequence[Any]]) -> None: ...",
                    ]
            else:
                lines.append(f"    {f['name']}: {SCALARS.get(f['ctype'], ('', 'int'))[1]}")
        for (owner, old), new in RENAMED_FIELDS.items():
            if owner == name:
                t = next((line.split(": ", 1)[1] for line in lines[::-1] if line.startswith(f"    {new}: ")), None)
                if t is None:
                    raise SystemExit(f"gen_bindings: RENAMED_FIELDS names {name}.{new}, which the header lacks")
                lines.append(f"    {old}: {t}  # deprecated: upstream's SWIG-era name of {new}")
        lines.append("")
    for c in commands:
        name, in_t, out_t, params = c
        args = ["ep: cxlmi_endpoint", "ti: Optional[cxlmi_tunnel_info]"]
        ret = "int"
        if in_t:
            args.append(f"req: {in_t}")
        if name in BYTES_OUTPUTS:
            ret = "bytes"
            if name == "cxlmi_cmd_vendor_specific":
                args += ["opcode: int", "data: Buffer = ...", "ret_size: int = ..."]
        elif out_t:
            args.append(f"ret: {out_t}")
        if name in data_members:
            args.append("data_sz: Optional[int] = ...")
        payload = out_t or in_t
        lines.append("@overload")
        lines.append(f"def {name}() -> {payload or 'None'}: ...")
        lines.append("@overload")
        lines.append(f"def {name}({', '.join(args)}) -> {ret}: ...")
    lines += [
        "def cxlmi_new_ctx(fp: Optional[object], log_level: int) -> cxlmi_ctx: ...",
        "def cxlmi_free_ctx(ctx: cxlmi_ctx) -> None: ...",
        "def cxlmi_set_probe_enabled(ctx: cxlmi_ctx, enabled: bool) -> None: ...",
        "def cxlmi_open(ctx: cxlmi_ctx, devname: str) -> cxlmi_endpoint: ...",
        "def cxlmi_open_mctp(ctx: cxlmi_ctx, net: int, eid: int) -> cxlmi_endpoint: ...",
        "def cxlmi_open_mock(ctx: cxlmi_ctx) -> cxlmi_endpoint: ...",
        "def cxlmi_open_emulator(ctx: cxlmi_ctx, model: str) -> cxlmi_endpoint: ...",
        "def cxlmi_open_target(ctx: cxlmi_ctx, target: str) -> cxlmi_endpoint: ...",
        "def cxlmi_scan(ctx: cxlmi_ctx) -> int: ...",
        "def cxlmi_scan_mctp(ctx: cxlmi_ctx) -> int: ...",
        "def cxlmi_close(ep: cxlmi_endpoint) -> None: ...",
        "def cxlmi_first_endpoint(ctx: cxlmi_ctx) -> Optional[cxlmi_endpoint]: ...",
        "def cxlmi_next_endpoint(ctx: cxlmi_ctx, ep: cxlmi_endpoint) -> Optional[cxlmi_endpoint]: ...",
        "def endpoints(ctx: cxlmi_ctx) -> Iterator[cxlmi_endpoint]: ...",
        "def for_each_endpoint_safe(ctx: cxlmi_ctx) -> Iterator[cxlmi_endpoint]: ...",
        "def cxlmi_endpoint_get_timeout(ep: cxlmi_endpoint) -> int: ...",
        "def cxlmi_endpoint_set_timeout(ep: cxlmi_endpoint, timeout_ms: int) -> int: ...",
        "def cxlmi_endpoint_has_fmapi(ep: cxlmi_endpoint) -> bool: ...",
        "def cxlmi_endpoint_enable_fmapi(ep: cxlmi_endpoint) -> bool: ...",
        "def cxlmi_endpoint_disable_fmapi(ep: cxlmi_endpoint) -> bool: ...",
        "def cxlmi_tunnel_mld(ld: int) -> cxlmi_tunnel_info: ...",
        "def cxlmi_tunnel_switch(port: int) -> cxlmi_tunnel_info: ...",
        "def cxlmi_tunnel_switch_mld(port: int, ld: int) -> cxlmi_tunnel_info: ...",
        "def cxlmi_tunnel_mhd() -> cxlmi_tunnel_info: ...",
        "def cxlmi_tunnel_free(ti: Optional[cxlmi_tunnel_info]) -> None: ...",
        "def cxlmi_cmd_retcode_tostr(code: int) -> Optional[str]: ...",
        "def cxlmi_array_get(array: ArrayView, size: int) -> bytes: ...",
        "def cxlmi_array_set(array: ArrayView, data: bytes, size: int) -> None: ...",
        "def cxlmi_mock_set_response(ep: cxlmi_endpoint, command_set: int, command: int,"
        " return_code: int = ..., payload: Buffer = ...) -> None: ...",
        "def cxlmi_mock_clear_responses(ep: cxlmi_endpoint) -> None: ...",
        "def cxlmi_mock_get_stats(ep: cxlmi_endpoint) -> Tuple[int, int]: ...",
        "def cxlmi_mock_get_last_command(ep: cxlmi_endpoint) -> Tuple[int, bytes]: ...",
    ]
    lines += [f"{name}: int" for name in constants if name not in RENAMED]
    # The SWIG-era names: the same objects as the new ones, deprecated.
    lines += [f"{old} = {new}  # deprecated: upstream's SWIG-era name of {new}" for old, new in RENAMED.items()]
    lines += EXTRA_STUBS.strip().splitlines()
    for family, elem in ARRAY_FAMILIES:
        lines += [
            f"def {family}_getitem(array: ArrayView, index: int) -> {elem}: ...",
            f"def {family}_setitem(array: ArrayView, index: int, value: {elem}) -> None: ...",
            f"def {family}_cast(ptr: Union[ArrayView, {elem}]) -> ArrayView: ...",
            f"def {family}_frompointer(ptr: Union[ArrayView, {elem}]) -> ArrayView: ...",
        ]
    return "\n".join(lines) + "\n"


def write(path, content):
    """Rewrites `path` only when its content changes, so ninja does not rebuild for nothing."""
    try:
        if open(path, encoding="utf-8").read() == content:
            return
    except OSError:
        pass
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(content)
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
